/* server_impl.h -- what server.c and server_web.c share; nothing else
 * includes it. */
#ifndef HU_SERVER_IMPL_H
#define HU_SERVER_IMPL_H

#include "net/net.h"

/* With --reuse-port, how long a new process waits for the old one to
 * release the data file before giving up (it holds the port meanwhile). */
#define SERVER_TAKEOVER_WAIT_MS 60000u

/* A certificate this close to its end is worth a warning at start and reload. */
#define SERVER_TLS_WARN_DAYS 14

/* Checks the certificate (when serving TLS) and binds the port, without
 * accepting yet: before the data file is opened, so that with --reuse-port
 * the port is held while the data file's lock is awaited. */
int server_web_bind(struct server *srv, char *err, size_t errlen);

/* Creates the loop and the lws context, mounts and headers. */
int server_web_start(struct server *srv, char *err, size_t errlen);

/* Starts accepting: from here phones are served. */
void server_web_listen(struct server *srv);

/* SIGHUP: checks and loads the certificate again; a bad one is logged and
 * the old one kept. */
void server_tls_reload(struct server *srv);

/* Logs a warning when the certificate expires within SERVER_TLS_WARN_DAYS. */
void server_tls_warn_expiry(struct server *srv);

#endif
