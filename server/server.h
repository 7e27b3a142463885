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

struct server;

struct server_config {
    int port;                   /* 0 = any free port */
    const char *host;           /* interface to bind, NULL = all */
    const char *data_path;      /* SQLite data file */
    const char *public_url;     /* base URL for phones, NULL = http://<LAN address>:<port> */
    const char *presenter_key;  /* fixed key for every session, NULL = random per session */
    const char *asset_dir;      /* folder holding web/ and presenter/ */
    const char *const *allow_origins; /* extra Origins accepted for WebSockets */
    size_t n_allow_origins;
    const char *const *allow_hosts; /* extra Host names accepted for WebSockets */
    size_t n_allow_hosts;
    unsigned max_conns_per_ip;  /* WebSockets per source address */
    unsigned max_joins_burst;   /* new participant tokens per address, at once */
    unsigned ping_secs;         /* ping a connection silent this long; hang up at 1.5x */
    const char *const *decks;   /* deck paths, one session each */
    size_t n_decks;
};

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
