/* ws_drain.c -- a graceful stop: goodbye, flush, release, close.
 *
 * On SIGTERM (an upgrade, `systemctl stop`) or SIGINT, a server that simply
 * closed its sockets would leave phones guessing: votes in flight unacked,
 * a 1006 close, and the new process unable to open the data file until this
 * one has gone.  So the stop is staged, within HU_DRAIN_MS:
 *
 *   1. the listening socket closes (with --reuse-port, new connections now
 *      reach the process that shares the port), and every WebSocket gets
 *      {"type":"bye","reason":"restart"} ("shutdown" for SIGINT), which
 *      tells a client to reconnect in a moment rather than report an error;
 *   2. votes already handed to the store are committed and acknowledged,
 *      and every queued reply is written (at most HU_DRAIN_FLUSH_MS);
 *   3. the store is finished (store_finish): last commit, data file closed,
 *      its lock released, so a new process waiting for it takes over now;
 *   4. every WebSocket is closed with 1001 (going away), and the loop ends
 *      when they are gone or HU_DRAIN_MS has passed.
 *
 * No acknowledged vote can be lost: an ack is only ever sent after its
 * commit.  A vote that arrives too late to be acknowledged is still
 * committed if it reached the store, and the phone, which saw no ack, sends
 * it again after reconnecting (web/app.js settlePending). */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "ws_impl.h"

#define HU_DRAIN_FLUSH_MS 2500u /* stage 2 at most */
#define HU_DRAIN_MS 4000u       /* the whole stop: under the 5 s systemd and the tests allow */
#define HU_DRAIN_TICK_S 0.01

enum { DRAIN_FLUSHING = 1, DRAIN_CLOSING };

static bool ws_drain_flushed(struct server *srv)
{
    if (srv->pending)
        return false;
    for (struct conn *c = srv->conns; c; c = c->all_next)
        if (c->head)
            return false;
    return true;
}

static size_t ws_drain_count(struct server *srv)
{
    size_t n = 0;
    for (struct conn *c = srv->conns; c; c = c->all_next)
        n++;
    return n;
}

static void ws_drain_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)revents;
    struct server *srv = w->data;
    uint32_t elapsed = net_mono_ms() - srv->drain_start_ms;
    if (srv->drain_phase == DRAIN_FLUSHING) {
        bool flushed = ws_drain_flushed(srv);
        if (!flushed && elapsed < HU_DRAIN_FLUSH_MS)
            return;
        if (!flushed)
            log_event(LOG_WARN, "stopping: gave up waiting for every ack to be written", LOG_I("ms", elapsed),
                      LOG_END);
        /* The last commit, then its acks: the writer is joined, so the
         * completions are all there to take. */
        admin_runs_end_all(srv);
        store_finish(srv->store);
        ws_store_done(srv);
        log_event(LOG_INFO, "stopping: data file flushed and released", LOG_I("ms", net_mono_ms() - srv->drain_start_ms),
                  LOG_END);
        for (struct conn *c = srv->conns; c; c = c->all_next) {
            ws_close_soon(c, LWS_CLOSE_STATUS_GOINGAWAY);
            ws_want_write(srv, c);
        }
        srv->drain_phase = DRAIN_CLOSING;
        return;
    }
    if (srv->conns && elapsed < HU_DRAIN_MS)
        return;
    log_event(LOG_INFO, "stopping: connections closed", LOG_I("left", (long long)ws_drain_count(srv)),
              LOG_I("ms", elapsed), LOG_END);
    ev_timer_stop(loop, w);
    ev_break(loop, EVBREAK_ALL);
}

void ws_drain_start(struct server *srv, const char *reason)
{
    if (srv->draining)
        return;
    srv->draining = true;
    srv->drain_reason = reason;
    srv->drain_start_ms = net_mono_ms();
    srv->drain_phase = DRAIN_FLUSHING;
    listener_close(srv->listener);
    char bye[64];
    int n = snprintf(bye, sizeof bye, "{\"type\":\"bye\",\"reason\":\"%s\"}", reason);
    size_t conns = 0;
    ws_defer_begin(srv);
    for (struct conn *c = srv->conns; c && n > 0 && (size_t)n < sizeof bye; c = c->all_next) {
        if (c->closing)
            continue;
        ws_queue_text(c, strdup(bye));
        conns++;
    }
    ws_defer_end(srv);
    srv->metrics.byes += conns;
    size_t pending = 0;
    for (struct ws_pending_vote *pv = srv->pending; pv; pv = pv->next)
        pending++;
    log_event(LOG_INFO, "stopping: goodbye sent", LOG_S("reason", reason), LOG_I("connections", (long long)conns),
              LOG_I("votes_in_flight", (long long)pending), LOG_END);
    ev_timer_init(&srv->drain, ws_drain_tick, HU_DRAIN_TICK_S, HU_DRAIN_TICK_S);
    srv->drain.data = srv;
    ev_timer_start(srv->loop, &srv->drain);
}

void ws_drain_stop(struct server *srv)
{
    if (srv->draining)
        ev_timer_stop(srv->loop, &srv->drain);
}
