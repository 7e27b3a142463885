/* ws_vote.c -- votes between the phone and the disk.
 *
 * A vote is checked, handed to the store, and acknowledged on the
 * connection that sent it only once the store reports the commit.  A vote
 * whose connection closed meanwhile still counts; the participant's newest
 * connection then gets a fresh state showing it. */
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "proto.h"
#include "ws_impl.h"

static void ws_pending_unlink(struct server *srv, struct ws_pending_vote *pv)
{
    if (pv->prev)
        pv->prev->next = pv->next;
    else
        srv->pending = pv->next;
    if (pv->next)
        pv->next->prev = pv->prev;
}

void ws_pending_free_all(struct server *srv)
{
    while (srv->pending) {
        struct ws_pending_vote *pv = srv->pending;
        srv->pending = pv->next;
        free(pv);
    }
}

void ws_vote_orphan(struct conn *c)
{
    for (struct ws_pending_vote *pv = c->votes; pv; pv = pv->conn_next)
        pv->conn = NULL;
    c->votes = NULL;
}

static void ws_vote_unlink_conn(struct ws_pending_vote *pv)
{
    if (!pv->conn)
        return;
    if (pv->conn_prev)
        pv->conn_prev->conn_next = pv->conn_next;
    else
        pv->conn->votes = pv->conn_next;
    if (pv->conn_next)
        pv->conn_next->conn_prev = pv->conn_prev;
}

void ws_vote(struct server *srv, struct conn *c, const char *poll, const char *choice,
             const struct proto_id *id)
{
    if (!c->ss || c->presenter) {
        ws_queue_err(c, c->presenter ? HU_ERR_FORBIDDEN : HU_ERR_NOT_JOINED, id,
                     c->presenter ? "presenters do not vote" : NULL);
        return;
    }
    struct ws_pending_vote *pv = calloc(1, sizeof *pv);
    if (!pv) {
        ws_queue_err(c, HU_ERR_NOMEM, id, NULL);
        return;
    }
    int rc = session_vote_check(c->ss->session, poll, choice, &pv->vote);
    if (rc == HU_OK) {
        pv->ss = c->ss;
        pv->participant = c->participant;
        pv->id = *id;
        rc = session_vote_save(c->ss->session, pv->participant, &pv->vote, pv);
    }
    if (rc != HU_OK) {
        free(pv);
        ws_queue_err(c, rc, id, rc == HU_ERR_BAD_MESSAGE ? "that choice is not an option of this poll" : NULL);
        return;
    }
    pv->at_us = metrics_now_us();
    srv->metrics.votes++;
    pv->next = srv->pending;
    if (srv->pending)
        srv->pending->prev = pv;
    srv->pending = pv;
    pv->conn = c;
    pv->conn_next = c->votes;
    if (c->votes)
        c->votes->conn_prev = pv;
    c->votes = pv;
}

void ws_store_done(struct server *srv)
{
    struct store_done done[256];
    size_t n;
    ws_defer_begin(srv);
    while ((n = store_take_done(srv->store, done, 256)) > 0) {
        for (size_t i = 0; i < n; i++) {
            struct ws_pending_vote *pv = done[i].cookie;
            struct server_session *ss = pv->ss;
            bool ok = done[i].err == HU_OK;
            if (ok)
                session_vote_commit(ss->session, pv->participant, &pv->vote);
            if (ok && pv->conn)
                srv->metrics.acks++;
            if (!ok)
                srv->metrics.vote_failures++;
            metrics_observe(&srv->metrics.commit, (double)(metrics_now_us() - pv->at_us) / 1e6);
            if (pv->conn) {
                if (ok)
                    ws_queue_ack(pv->conn, &pv->id, pv->vote.poll_id, pv->vote.option);
                else
                    ws_queue_err(pv->conn, HU_ERR_STORE, &pv->id, NULL);
            }
            /* Whichever connection the participant has now shows the vote. */
            struct conn *now = pv->participant < ss->by_participant_cap ? ss->by_participant[pv->participant] : NULL;
            if (ok && now) {
                now->sent_version = 0;
                ws_want_write(srv, now);
            }
            if (ok && pv->conn && pv->conn != now) {
                pv->conn->sent_version = 0;
                ws_want_write(srv, pv->conn);
            }
            fanout_notify(ss);
            ws_vote_unlink_conn(pv);
            ws_pending_unlink(srv, pv);
            free(pv);
        }
    }
    ws_defer_end(srv);
}
