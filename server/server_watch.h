/* server_watch.h -- `handsup serve --watch`.
 *
 * Private to the top (server.c, server_watch.c). */
#ifndef HU_SERVER_WATCH_H
#define HU_SERVER_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "deck/deck.h"
#include "net/net.h"

/* Starts watching every session's deck and what it refers to; reloaded
 * decks reach the sessions on the loop.  HU_OK, or a hu_err with err set. */
int server_watch_start(struct server *srv, char *err, size_t errlen);

/* Stops the watching thread, joins it and frees what it holds.  Accepts a
 * server that never started watching. */
void server_watch_stop(struct server *srv);

#endif
