/* ws_keepalive.c -- finding dead phones: our own ping/pong schedule.
 *
 * A phone that walks out of Wi-Fi range never sends a FIN, so an idle
 * connection is pinged after --ping-interval seconds of silence and hung up
 * after half as long again without an answer.  lws can do this itself (its
 * retry_and_idle_policy), but lws 4.1 re-arms that timer on every received
 * frame by walking one sorted list of all timers: O(connections) per
 * message, which dominated the server's CPU at 19,000 phones
 * (docs/benchmarks.md).  Here a received frame only stores a timestamp,
 * and a sweep eight times an interval looks at every connection.  Phones
 * that joined together would all fall silent together and be pinged in one
 * wave of thousands of writes, so each connection waits a random extra of
 * up to half an interval: the waves become a steady trickle. */
#include "ws_impl.h"

void ws_keepalive_add(struct server *srv, struct conn *c)
{
    c->all_prev = NULL;
    c->all_next = srv->conns;
    if (srv->conns)
        srv->conns->all_prev = c;
    srv->conns = c;
    c->seen_ms = net_mono_ms();
    /* xorshift: a spread, not a secret. */
    uint32_t x = srv->keepalive_rng ? srv->keepalive_rng : 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    srv->keepalive_rng = x;
    c->ping_extra_ms = x % (srv->cfg.ping_secs * 500u + 1u);
}

void ws_keepalive_remove(struct server *srv, struct conn *c)
{
    if (c->all_prev)
        c->all_prev->all_next = c->all_next;
    else if (srv->conns == c)
        srv->conns = c->all_next;
    if (c->all_next)
        c->all_next->all_prev = c->all_prev;
    c->all_prev = c->all_next = NULL;
}

void ws_keepalive_seen(struct conn *c)
{
    c->seen_ms = net_mono_ms();
    c->ping_sent = false;
}

static void ws_keepalive_sweep(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    struct server *srv = w->data;
    uint32_t ping_ms = srv->cfg.ping_secs * 1000u;
    uint32_t hangup_ms = ping_ms + ping_ms / 2;
    uint32_t now = net_mono_ms();
    struct conn *next;
    for (struct conn *c = srv->conns; c; c = next) {
        next = c->all_next; /* closing c below unlinks it */
        uint32_t silent = now - c->seen_ms; /* unsigned: right across the wrap */
        if (silent < c->ping_extra_ms)
            continue;
        uint32_t idle = silent - c->ping_extra_ms;
        if (idle >= hangup_ms) {
            /* No answer to the ping: the socket may never turn writable
             * again, so it is closed here and now, without a close frame.
             * (An asynchronous kill would wait for lws's next timer: its
             * libev glue does not re-arm for an earlier deadline.) */
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_WS_PONG_CHECK_GET_PONG, LWS_TO_KILL_SYNC);
        } else if (idle >= ping_ms && !c->ping_sent) {
            c->ping_due = true;
            lws_callback_on_writable(c->wsi);
        }
    }
}

void ws_keepalive_start(struct server *srv)
{
    double tick = srv->cfg.ping_secs / 8.0;
    ev_timer_init(&srv->keepalive, ws_keepalive_sweep, tick, tick);
    srv->keepalive.data = srv;
    ev_timer_start(srv->loop, &srv->keepalive);
}

void ws_keepalive_stop(struct server *srv)
{
    if (srv->loop)
        ev_timer_stop(srv->loop, &srv->keepalive);
}
