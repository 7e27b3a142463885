/* http_media.h -- GET/HEAD /media/<code>/<path>: the images of a deck. */
#ifndef HU_HTTP_MEDIA_H
#define HU_HTTP_MEDIA_H

#include "net.h"
#include "route.h"

/* http_media's answer when nothing may be served: the caller sends its
 * plain 404 (the same for every refusal). */
#define HTTP_MEDIA_NOT_FOUND 1

/* Answers a ROUTE_MEDIA request: 0, -1 to close the connection, or
 * HTTP_MEDIA_NOT_FOUND. */
int http_media(struct server *srv, struct lws *wsi, struct http_pss *p, const struct route *r);

/* Sends the next chunk of the file of p: 0, or -1 to close. */
int http_media_writeable(struct lws *wsi, struct http_pss *p);

/* Closes the file of p, if any. */
void http_media_close(struct http_pss *p);

#endif
