/* listener.h -- a listening TCP socket of our own, on the loop lws runs.
 *
 * lws 4.1.6 sets SO_REUSEPORT only with several service threads, which
 * Debian's build lacks (lws issue #2470, fixed in 4.4), so two processes
 * cannot share a port through lws.  handsup therefore owns its listening
 * socket: socket, SO_REUSEADDR (and SO_REUSEPORT when asked), bind, listen,
 * an ev_io watcher on the libev loop lws was lent, accept4, and every
 * accepted descriptor handed to the caller, which gives it to lws with
 * lws_adopt_socket_vhost on a vhost created without a listener of its own
 * (CONTEXT_PORT_NO_LISTEN_SERVER) -- what lws's own listener does
 * (lib/roles/listen/ops-listen.c).
 *
 * With SO_REUSEPORT the kernel spreads new connections over every socket
 * bound to the port by the same user: an upgrade starts the new process
 * beside the old (docs/deployment.md), and cluster mode runs several nodes
 * on one port.  Nothing here knows of HTTP, TLS or sessions. */
#ifndef HU_LISTENER_H
#define HU_LISTENER_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>

struct listener;

struct listener_config {
    const char *host;           /* address or name to bind; NULL = every address */
    int port;                   /* 0 = any free port */
    bool reuse_port;            /* SO_REUSEPORT: share the port with other processes */
    int backlog;                /* listen(2) queue; 0 = the system's maximum */
};

/* Called once per accepted connection, on the loop; owns fd from then on
 * (a non-blocking, close-on-exec socket). */
typedef void (*listener_accept_fn)(void *arg, int fd);

/* Binds and listens; nothing is accepted before listener_start.  With no
 * host, one IPv6 socket takes IPv4 too (IPV6_V6ONLY off), falling back to
 * IPv4 alone on a kernel without IPv6.  On failure writes a sentence into
 * err ("port 8080 is in use ...") and returns a hu_err. */
int listener_open(const struct listener_config *cfg, struct listener **out, char *err, size_t errlen);

/* The port bound (the one chosen when cfg->port was 0). */
int listener_port(const struct listener *l);

/* Starts accepting on loop, handing each connection to fn(arg, fd). */
void listener_start(struct listener *l, struct ev_loop *loop, listener_accept_fn fn, void *arg);

/* Stops accepting and closes the socket: the port stays with whoever else
 * shares it, and connections already accepted are untouched.  Idempotent. */
void listener_close(struct listener *l);

/* Closes and frees l.  Accepts NULL. */
void listener_free(struct listener *l);

/* Connections accepted so far, and accept(2) failures that were not
 * "nothing to accept" (EMFILE, ENOBUFS...), for metrics. */
unsigned long long listener_accepted(const struct listener *l);
unsigned long long listener_accept_errors(const struct listener *l);

#endif
