/* ws_vote.c -- what a phone sends, between the phone and the disk: votes,
 * open answers and their withdrawal, audience questions and upvotes.
 *
 * Each is checked by the room, handed to the store, and acknowledged on the
 * connection that sent it only once the store reports the commit.  One that
 * whose connection closed meanwhile still counts; the participant's newest
 * connection then gets a fresh state showing it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "base/token.h"
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
        free(pv->act.text);
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

/* The room's check of one message; a sentence for a refusal goes in why. */
static int ws_act_check(struct conn *c, const struct proto_msg *m, struct session_act *a, char *why, size_t whylen)
{
    struct session *s = c->ss->session;
    int64_t now = net_now_ms();
    switch (m->type) {
    case PROTO_VOTE:
        return session_vote_check(s, c->participant, m->poll, &m->ballot, a, why, whylen);
    case PROTO_ANSWER:
        return session_answer_check(s, c->participant, m->poll, m->text, m->text_len, now, a);
    case PROTO_WITHDRAW:
        return session_withdraw_check(s, c->participant, m->poll, m->answer, a);
    case PROTO_ASK:
        return session_ask_check(s, c->participant, m->text, m->text_len, now, a);
    case PROTO_UPVOTE:
        return session_upvote_check(s, c->participant, m->question, m->on, a);
    default:
        return HU_ERR_BAD_MESSAGE;
    }
}

/* The sentence of a refusal the room gave no words for. */
static const char *ws_act_refusal(const struct proto_msg *m, int rc)
{
    if (rc == HU_ERR_BAD_MESSAGE)
        switch (m->type) {
        case PROTO_ANSWER: return "this poll takes no text, or the text is empty or not UTF-8";
        case PROTO_WITHDRAW: return "no such answer of yours in this poll";
        case PROTO_ASK: return "the question is empty or not UTF-8";
        case PROTO_UPVOTE: return "no such question open for votes";
        default: return "that choice is not an option of this poll";
        }
    if (rc == HU_ERR_LIMIT)
        return m->type == PROTO_ASK ? "you have asked as many questions as allowed"
                                    : "you have given as many answers as this question allows";
    return NULL;
}

static void ws_pending_link(struct server *srv, struct conn *c, struct ws_pending_vote *pv);

void ws_vote(struct server *srv, struct conn *c, const struct proto_msg *m)
{
    const struct proto_id *id = &m->id;
    if (!c->ss || c->presenter) {
        ws_queue_err(c, c->presenter ? HU_ERR_FORBIDDEN : HU_ERR_NOT_JOINED, id,
                     c->presenter ? "presenters do not vote, answer or ask" : NULL);
        return;
    }
    struct ws_pending_vote *pv = calloc(1, sizeof *pv);
    if (!pv) {
        ws_queue_err(c, HU_ERR_NOMEM, id, NULL);
        return;
    }
    char why[160] = "";
    int rc = ws_act_check(c, m, &pv->act, why, sizeof why);
    bool checked = rc == HU_OK;
    if (rc == HU_OK) {
        pv->ss = c->ss;
        pv->id = *id;
        rc = session_act_save(c->ss->session, &pv->act, pv);
    }
    if (rc != HU_OK) {
        if (checked)
            session_act_done(c->ss->session, &pv->act, false);
        free(pv);
        ws_queue_err(c, rc, id, why[0] ? why : ws_act_refusal(m, rc));
        return;
    }
    pv->at_us = metrics_now_us();
    if (pv->act.type == SESSION_ACT_VOTE)
        srv->metrics.votes++;
    ws_pending_link(srv, c, pv);
}

void ws_join_cluster(struct server *srv, struct conn *c, struct server_session *ss, const char *token,
                     const struct proto_id *id)
{
    unsigned char hash[HU_HASH_LEN];
    struct ws_pending_vote *pv = calloc(1, sizeof *pv);
    int rc = !pv ? HU_ERR_NOMEM : token ? HU_OK : token_random_hex(pv->token, sizeof pv->token, HU_TOKEN_LEN / 2);
    if (rc == HU_OK && token) {
        memcpy(pv->token, token, HU_TOKEN_LEN);
        pv->token[HU_TOKEN_LEN] = '\0';
        pv->lookup = true;
    }
    if (rc == HU_OK)
        rc = token_hash(pv->token, HU_TOKEN_LEN, hash);
    if (rc == HU_OK) {
        pv->join = true;
        pv->ss = ss;
        pv->id = *id;
        pv->at_us = metrics_now_us();
        rc = store_join(srv->store, session_run(ss->session)->id, hash, !pv->lookup, pv);
    }
    if (rc != HU_OK) {
        free(pv);
        ws_queue_err(c, rc, id, NULL);
        return;
    }
    ws_pending_link(srv, c, pv);
    /* Nothing more is read from this phone until Redis has answered: the
     * welcome carries no request id, so a client pairs it with its join by
     * order, and a refusal of a later message (or a vote sent right behind
     * the join) must not overtake it.  lws keeps what it has already read
     * and hands it over once reading resumes (ws_join_resume). */
    if (lws_rx_flow_control(c->wsi, 0) < 0)
        log_event(LOG_WARN, "cannot pause reading behind a join; later answers may overtake its welcome", LOG_END);
}

/* Reading resumes once a cluster join has its answer. */
static void ws_join_resume(struct conn *c)
{
    if (lws_rx_flow_control(c->wsi, 1) < 0)
        log_event(LOG_WARN, "cannot resume reading after a join", LOG_END);
}

static void ws_pending_link(struct server *srv, struct conn *c, struct ws_pending_vote *pv)
{
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

/* Acknowledges a committed act on c: the room's ack plus the request id,
 * built on the stack (a string id, which may need escaping, takes jansson). */
static void ws_queue_act_ack(struct conn *c, const struct session *s, const struct session_act *a,
                             const struct proto_id *id)
{
    char buf[SESSION_ACK_MAX + 48];
    size_t n = session_act_ack(s, a, buf, sizeof buf);
    int extra = -1;
    if (n && id->kind == PROTO_ID_INT)
        extra = snprintf(buf + n, sizeof buf - n, ",\"id\":%lld}", (long long)id->num);
    else if (n && id->kind == PROTO_ID_NONE)
        extra = snprintf(buf + n, sizeof buf - n, "}");
    if (extra > 0 && (size_t)extra < sizeof buf - n) {
        ws_queue_copy(c, buf, n + (size_t)extra);
        return;
    }
    if (!n) {
        /* SESSION_ACK_MAX holds every ack; an ack that does not fit is a bug. */
        ws_queue_err(c, HU_ERR_INTERNAL, id, NULL);
        return;
    }
    buf[n] = '}';
    json_t *o = json_loadb(buf, n + 1, 0, NULL);
    ws_queue_text(c, proto_dump(proto_ack_id(o, id)));
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
            if (pv->join) {
                /* Cluster mode: Redis gave the new participant its index. */
                struct store_notice joined = {.kind = STORE_NOTICE_PARTICIPANT, .participant = done[i].value};
                if (ok && (token_hash(pv->token, HU_TOKEN_LEN, joined.hash) != HU_OK ||
                           session_remote_apply(ss->session, &joined, &(uint32_t){0}) == HU_ERR_NOMEM))
                    ok = false;
                if (pv->conn)
                    ws_join_resume(pv->conn);
                if (pv->conn && ok)
                    ws_join_attendee(srv, pv->conn, ss, done[i].value, pv->token, &pv->id);
                else if (pv->conn && pv->lookup && done[i].err == HU_ERR_NOT_FOUND)
                    ws_join_new(srv, pv->conn, ss, &pv->id); /* a token no node issued */
                else if (pv->conn)
                    ws_queue_err(pv->conn, HU_ERR_STORE, &pv->id, "cannot join now; try again in a moment");
                ws_vote_unlink_conn(pv);
                ws_pending_unlink(srv, pv);
                free(pv);
                continue;
            }
            /* Cluster mode: Redis gave the answer or question the next free id,
             * which is the one reserved here unless another node took it. */
            if (ok && done[i].value && (pv->act.type == SESSION_ACT_ANSWER || pv->act.type == SESSION_ACT_ASK))
                pv->act.item = done[i].value;
            /* The metrics count votes; answers, questions and upvotes share
             * their path and the commit latency. */
            bool vote = pv->act.type == SESSION_ACT_VOTE;
            if (ok && pv->conn && vote)
                srv->metrics.acks++;
            if (!ok && vote)
                srv->metrics.vote_failures++;
            metrics_observe(&srv->metrics.commit, (double)(metrics_now_us() - pv->at_us) / 1e6);
            if (pv->conn) {
                const char *choice = ok ? session_act_choice(ss->session, &pv->act) : NULL;
                if (choice)
                    ws_queue_ack(pv->conn, &pv->id, pv->act.poll_id, choice);
                else if (ok)
                    ws_queue_act_ack(pv->conn, ss->session, &pv->act, &pv->id);
                else
                    ws_queue_err(pv->conn, done[i].err == HU_ERR_POLL_CLOSED ? HU_ERR_POLL_CLOSED : HU_ERR_STORE,
                                 &pv->id, NULL);
            }
            session_act_done(ss->session, &pv->act, ok);
            /* Whichever connection the participant has now shows the vote or
             * answer (questions reach it in the next question list). */
            uint32_t who = pv->act.participant;
            bool shows = ok && pv->act.poll >= 0;
            struct conn *now = who < ss->by_participant_cap ? ss->by_participant[who] : NULL;
            if (shows && now) {
                now->sent_version = 0;
                ws_want_write(srv, now);
            }
            if (shows && pv->conn && pv->conn != now) {
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
