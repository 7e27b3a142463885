/* server.h -- the handsup server: one libwebsockets context on libev.
 *
 * The server owns the sessions, the store and the event loop.  main.c
 * fills a server_config, calls server_new (which loads decks and the data
 * file and binds the port), prints the banner, and runs the loop until
 * SIGINT or SIGTERM. */
#ifndef HU_SERVER_H
#define HU_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "net/config.h"

struct server;

/* Loads every deck, opens the data file, resumes or creates the sessions and
 * starts listening.  On failure prints nothing, writes the reason to err,
 * sets *why to its hu_err (HU_ERR_PARSE for a broken deck, whose err is
 * "file:line: ...") and returns NULL. */
struct server *server_new(const struct server_config *cfg, int *why, char *err, size_t errlen);

/* Writes the start-up banner (per session: title, code, attendee URL, QR,
 * presenter URL) to f. */
void server_print_banner(struct server *srv, FILE *f, bool ansi);

/* Runs the event loop until SIGINT or SIGTERM; returns 0 after a clean stop. */
int server_run(struct server *srv);

/* Closes connections, commits what the store holds, frees srv.  Accepts NULL. */
void server_free(struct server *srv);

#endif
