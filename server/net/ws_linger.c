/* ws_linger.c -- closing a connection without losing its last words.
 *
 * When the server hangs up on a client (a message over HU_MSG_MAX, a flood,
 * a full reply queue) the client is usually still sending: the rest of the
 * oversized message, or more of the flood.  Closing a socket with unread
 * data makes the kernel answer with a reset instead of a FIN, and a reset
 * makes the peer's kernel throw away what it has not read yet, which is our
 * error and close frame: the client sees 1006 instead of 1009 or 1008.
 * lws 4.1 closes the socket straight after sending the close frame, so the
 * draining is ours: a closing connection's queue is sent, then whatever
 * arrives is read and discarded (ws.c ignores it) until the peer has been
 * quiet for WS_LINGER_QUIET_MS, or for at most WS_LINGER_MAX_MS in all, and
 * only then goes the close frame.  This is the "lingering close" HTTP
 * servers do for the same reason.  A client that never stops sending still
 * gets its reset after WS_LINGER_MAX_MS. */
#include "ws_impl.h"

#define WS_LINGER_QUIET_MS 100u
#define WS_LINGER_MAX_MS 1000u
#define WS_LINGER_TICK_S 0.025

static bool ws_linger_over(const struct conn *c, uint32_t now)
{
    /* unsigned differences: right across the wrap */
    return now - c->seen_ms >= WS_LINGER_QUIET_MS || now - c->close_ms >= WS_LINGER_MAX_MS;
}

static void ws_linger_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)revents;
    struct server *srv = w->data;
    uint32_t now = net_mono_ms();
    for (struct conn **pp = &srv->lingering; *pp;) {
        struct conn *c = *pp;
        if (ws_linger_over(c, now)) {
            *pp = c->linger_next;
            c->lingering = false;
            lws_callback_on_writable(c->wsi); /* ws_writeable closes it */
        } else {
            pp = &c->linger_next;
        }
    }
    if (!srv->lingering)
        ev_timer_stop(loop, w);
}

void ws_linger_init(struct server *srv)
{
    ev_timer_init(&srv->linger, ws_linger_tick, WS_LINGER_TICK_S, WS_LINGER_TICK_S);
    srv->linger.data = srv;
}

void ws_close_soon(struct conn *c, uint16_t status)
{
    if (c->closing)
        return;
    c->closing = true;
    c->close_status = status;
    c->close_ms = net_mono_ms();
}

bool ws_linger_done(struct server *srv, struct conn *c)
{
    if (c->lingering)
        return false;
    if (ws_linger_over(c, net_mono_ms()))
        return true;
    c->lingering = true;
    c->linger_next = srv->lingering;
    srv->lingering = c;
    if (!ev_is_active(&srv->linger))
        ev_timer_start(srv->loop, &srv->linger);
    return false;
}

void ws_linger_forget(struct server *srv, struct conn *c)
{
    if (!c->lingering)
        return;
    for (struct conn **pp = &srv->lingering; *pp; pp = &(*pp)->linger_next)
        if (*pp == c) {
            *pp = c->linger_next;
            break;
        }
    c->lingering = false;
}

void ws_linger_stop(struct server *srv)
{
    if (srv->loop)
        ev_timer_stop(srv->loop, &srv->linger);
}
