/* listener.c -- our own listening socket on the lws loop (listener.h). */
#include "listener.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/log.h"

/* Accepts per readiness event before yielding to the rest of the loop, so
 * a connection storm cannot starve the phones already connected. */
#define LISTENER_BATCH 64
/* Out of descriptors: stop watching the socket this long rather than spin
 * on a readiness that accept cannot clear. */
#define LISTENER_PAUSE_S 0.1

struct listener {
    int fd;                     /* -1 once closed */
    int port;
    struct ev_loop *loop;       /* lent by the caller; NULL until started */
    ev_io io;
    ev_timer pause;             /* resumes accepting after EMFILE */
    listener_accept_fn fn;
    void *arg;
    unsigned long long accepted, errors;
};

/* One socket for ai, bound and listening: the descriptor, or -1 with errno. */
static int listener_bind(const struct listener_config *cfg, const struct sockaddr *sa, socklen_t len)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1, zero = 0;
    /* SO_REUSEADDR: a restart binds while the last run's connections sit in
     * TIME_WAIT.  IPV6_V6ONLY off: the IPv6 wildcard takes IPv4 too. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        (cfg->reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) ||
        (sa->sa_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) != 0) ||
        bind(fd, sa, len) != 0 || listen(fd, cfg->backlog > 0 ? cfg->backlog : SOMAXCONN) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int listener_bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

int listener_open(const struct listener_config *cfg, struct listener **out, char *err, size_t errlen)
{
    *out = NULL;
    int fd = -1, e = 0;
    if (!cfg->host || !*cfg->host) {
        struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)cfg->port),
                                  .sin6_addr = IN6ADDR_ANY_INIT};
        fd = listener_bind(cfg, (struct sockaddr *)&a6, sizeof a6);
        /* A kernel booted with ipv6.disable=1 has no IPv6 sockets. */
        if (fd < 0 && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
            struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port),
                                     .sin_addr = {htonl(INADDR_ANY)}};
            fd = listener_bind(cfg, (struct sockaddr *)&a4, sizeof a4);
        }
        e = errno;
    } else {
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
        struct addrinfo *res = NULL;
        char port[16];
        snprintf(port, sizeof port, "%d", cfg->port);
        int g = getaddrinfo(cfg->host, port, &hints, &res);
        if (g != 0) {
            snprintf(err, errlen, "cannot listen on --host %s: %s", cfg->host, gai_strerror(g));
            return HU_ERR_IO;
        }
        for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
            fd = listener_bind(cfg, ai->ai_addr, ai->ai_addrlen);
            e = errno;
        }
        freeaddrinfo(res);
    }
    if (fd < 0) {
        if (e == EADDRINUSE)
            snprintf(err, errlen, "port %d is in use%s", cfg->port,
                     cfg->reuse_port ? " by a process that does not share it (was it started with --reuse-port, "
                                       "by the same user?)"
                                     : " (another handsup? stop it, choose another --port, or start both "
                                       "with --reuse-port to hand over)");
        else
            snprintf(err, errlen, "cannot listen on %s port %d: %s", cfg->host ? cfg->host : "every address",
                     cfg->port, strerror(e));
        return HU_ERR_IO;
    }
    struct listener *l = calloc(1, sizeof *l);
    if (!l) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return HU_ERR_NOMEM;
    }
    l->fd = fd;
    l->port = listener_bound_port(fd);
    *out = l;
    return HU_OK;
}

int listener_port(const struct listener *l)
{
    return l->port;
}

static void listener_resume(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)revents;
    struct listener *l = w->data;
    if (l->fd >= 0)
        ev_io_start(loop, &l->io);
}

static void listener_on_ready(struct ev_loop *loop, ev_io *w, int revents)
{
    (void)revents;
    struct listener *l = w->data;
    for (int i = 0; i < LISTENER_BATCH && l->fd >= 0; i++) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            l->accepted++;
            l->fn(l->arg, fd);
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
            continue; /* that one is gone; the next may be fine */
        l->errors++;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            /* The connection stays queued; try again once some close. */
            ev_io_stop(loop, &l->io);
            ev_timer_set(&l->pause, LISTENER_PAUSE_S, 0.);
            ev_timer_start(loop, &l->pause);
            if (l->errors == 1 || l->errors % 1000 == 0)
                log_event(LOG_WARN, "cannot accept connections for now", LOG_S("error", strerror(errno)),
                          LOG_I("times", (long long)l->errors), LOG_END);
        }
        return;
    }
}

void listener_start(struct listener *l, struct ev_loop *loop, listener_accept_fn fn, void *arg)
{
    l->loop = loop;
    l->fn = fn;
    l->arg = arg;
    ev_io_init(&l->io, listener_on_ready, l->fd, EV_READ);
    l->io.data = l;
    ev_timer_init(&l->pause, listener_resume, LISTENER_PAUSE_S, 0.);
    l->pause.data = l;
    ev_io_start(loop, &l->io);
}

void listener_close(struct listener *l)
{
    if (!l || l->fd < 0)
        return;
    if (l->loop) {
        ev_io_stop(l->loop, &l->io);
        ev_timer_stop(l->loop, &l->pause);
    }
    close(l->fd);
    l->fd = -1;
}

void listener_free(struct listener *l)
{
    listener_close(l);
    free(l);
}

unsigned long long listener_accepted(const struct listener *l)
{
    return l ? l->accepted : 0;
}

unsigned long long listener_accept_errors(const struct listener *l)
{
    return l ? l->errors : 0;
}
