/* http_media.h -- GET/HEAD /media/<code>/<path>: the images of a deck. */
#ifndef HU_HTTP_MEDIA_H
#define HU_HTTP_MEDIA_H

#include "net.h"
#include "route.h"

/* Answers a ROUTE_MEDIA request: 0, or -1 to close the connection. */
int http_media(struct server *srv, struct lws *wsi, struct http_pss *p, const struct route *r);

/* Sends the next chunk of the file of p: 0, or -1 to close. */
int http_media_writeable(struct lws *wsi, struct http_pss *p);

/* Closes the file of p, if any. */
void http_media_close(struct http_pss *p);

#endif
