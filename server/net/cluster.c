/* cluster.c -- cluster mode on the network edge: what this node does when
 * another node changes a session (DESIGN section 12).
 *
 * The Redis store (store/redis_watch.c) hears every change of the sessions
 * served here, in the order of each session's sequence number, and calls
 * these: a change is applied to the room (room/session_remote.c) and pushed
 * to this node's phones and presenters exactly as a local change is, latest
 * state and coalesced tallies (fanout.c); a re-read rebuilds the room whole.
 * The heartbeat asks for this node's connected phones and brings the other
 * nodes' count. */
#include "cluster.h"

#include "base/hu_err.h"
#include "base/log.h"
#include "net.h"
#include "ws_impl.h"


/* The participant's phone on this node, if any, shows its vote or answer. */
static void cluster_touch(struct server_session *ss, uint32_t participant)
{
    struct conn *c = participant < ss->by_participant_cap ? ss->by_participant[participant] : NULL;
    if (c) {
        c->sent_version = 0;
        ws_want_write(ss->srv, c);
    }
}

/* Another node started a new run of the session (serve --new-run, or the
 * organisers' page): this node serves it too, from an empty room (a new run
 * is never merged with the old one) that the re-read then fills. */
static void cluster_new_run(struct server *srv, struct server_session *ss, int number)
{
    const struct session_run *now = session_run(ss->session);
    if (number <= now->number)
        return;
    struct session_run run = {0};
    run.id = store_cluster_run_id(now->id, number);
    run.number = number;
    run.started_at = net_now_ms();
    session_new_run(ss->session, &run, run.started_at);
    if (store_cluster_watch(srv->store, session_code(ss->session), run.id) != HU_OK)
        log_event(LOG_ERROR, "cannot follow the new run", LOG_S("session", session_code(ss->session)), LOG_END);
    /* As on the node that started it: everyone comes back into the new run
     * (a phone's old token is unknown there and it gets a new one). */
    ws_defer_begin(srv);
    admin_runs_hang_up(srv, ss);
    fanout_notify(ss);
    ws_defer_end(srv);
    log_event(LOG_INFO, "new run, started on another node", LOG_S("session", session_code(ss->session)),
              LOG_I("run", number), LOG_END);
}

static void cluster_notice(void *arg, const char *code, const struct store_notice *n)
{
    struct server *srv = arg;
    struct server_session *ss = net_find_session(srv, code);
    if (!ss || !ss->session)
        return;
    if (n->kind == STORE_NOTICE_RUN) {
        cluster_new_run(srv, ss, n->run);
        return;
    }
    uint32_t author;
    int rc = session_remote_apply(ss->session, n, &author);
    if (rc == HU_ERR_NOMEM)
        log_event(LOG_ERROR, "out of memory applying another node's change", LOG_S("session", code), LOG_END);
    if (rc != HU_OK)
        return;
    if (author != UINT32_MAX)
        cluster_touch(ss, author);
    fanout_notify(ss);
}

static void cluster_reload(void *arg, const char *code, int64_t run_id, int slide, const struct store_view *view,
                           const void *dump)
{
    struct server *srv = arg;
    struct server_session *ss = net_find_session(srv, code);
    if (!ss || !ss->session || session_run(ss->session)->id != run_id)
        return;
    int rc = session_resync(ss->session, dump, slide);
    /* The list items, blank screen and timer, when the slide is the one
     * they were recorded on. */
    if (view && view->slide == slide) {
        struct store_notice n = {.kind = STORE_NOTICE_VIEW, .view = *view, .poll_id = "", .text = ""};
        uint32_t author;
        (void)session_remote_apply(ss->session, &n, &author);
    }
    if (rc != HU_OK)
        log_event(LOG_ERROR, "cannot re-read a session from Redis", LOG_S("session", code),
                  LOG_S("error", hu_strerror(rc)), LOG_END);
    /* Every phone's own vote may have changed: each gets a fresh state. */
    for (struct conn *c = ss->attendees; c; c = c->next)
        c->sent_version = 0;
    fanout_notify(ss);
}

static uint32_t cluster_connected(void *arg, const char *code)
{
    struct server *srv = arg;
    struct server_session *ss = net_find_session(srv, code);
    return ss && ss->session ? session_connected_here(ss->session) : 0;
}

static void cluster_others(void *arg, const char *code, uint32_t n)
{
    struct server *srv = arg;
    struct server_session *ss = net_find_session(srv, code);
    if (!ss || !ss->session)
        return;
    session_set_connected_elsewhere(ss->session, n);
    fanout_notify(ss);
}

int cluster_start(struct server *srv)
{
    if (!store_is_cluster(srv->store))
        return HU_OK;
    static const struct store_cluster_ops ops = {cluster_notice, cluster_reload, cluster_connected, cluster_others};
    store_cluster_set_ops(srv->store, &ops, srv);
    for (size_t i = 0; i < srv->n_sessions; i++) {
        struct server_session *ss = &srv->sessions[i];
        int rc = store_cluster_watch(srv->store, session_code(ss->session), session_run(ss->session)->id);
        if (rc != HU_OK)
            return rc;
    }
    return HU_OK;
}
