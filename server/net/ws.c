/* ws.c -- the WebSocket protocol: upgrades, joins, presenter commands, and
 * the dispatch of every incoming message.  Sending lives in ws_out.c, votes
 * in ws_vote.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/token.h"
#include "base/hu_limits.h"
#include "base/log.h"
#include "origin.h"
#include "peers.h"
#include "proto.h"
#include "ws_impl.h"

/* Rate limit per connection: a phone sends a handful of messages a minute;
 * this lets a reconnecting page resend everything at once. */
#define WS_RATE_BURST 40.0f
#define WS_RATE_PER_S 20.0f
#define WS_RATE_STRIKES 20

static struct server *ws_server(struct lws *wsi)
{
    return lws_context_user(lws_get_context(wsi));
}

/* An error answering a request, echoing its id whatever its JSON type. */
static void ws_reply_error(struct conn *c, int err, const struct proto_id *id, const char *message)
{
    ws_queue_err(c, err, id, message);
}

/* --- membership --- */

static void ws_list_remove(struct conn **list, struct conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else if (*list == c)
        *list = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
}

static void ws_list_add(struct conn **list, struct conn *c)
{
    c->prev = NULL;
    c->next = *list;
    if (*list)
        (*list)->prev = c;
    *list = c;
}

static void ws_leave(struct conn *c)
{
    struct server_session *ss = c->ss;
    if (!ss)
        return;
    if (c->presenter) {
        ws_list_remove(&ss->presenters, c);
    } else {
        ws_list_remove(&ss->attendees, c);
        if (c->participant < ss->by_participant_cap && ss->by_participant[c->participant] == c)
            ss->by_participant[c->participant] = NULL;
        session_connected_add(ss->session, -1);
        fanout_notify(ss);
    }
    c->ss = NULL;
    c->presenter = false;
}

static int ws_track_participant(struct server_session *ss, struct conn *c)
{
    if (c->participant >= ss->by_participant_cap) {
        uint32_t cap = ss->by_participant_cap ? ss->by_participant_cap : 256;
        while (cap <= c->participant)
            cap *= 2;
        struct conn **p = realloc(ss->by_participant, cap * sizeof *p);
        if (!p)
            return HU_ERR_NOMEM;
        memset(p + ss->by_participant_cap, 0, (cap - ss->by_participant_cap) * sizeof *p);
        ss->by_participant = p;
        ss->by_participant_cap = cap;
    }
    ss->by_participant[c->participant] = c;
    return HU_OK;
}

/* Forces a fresh state (and tally, for presenters) after the welcome. */
static void ws_send_fresh(struct conn *c, struct server_session *ss)
{
    c->sent_version = 0;
    c->sent_tally = 0;
    c->sent_qa = CONN_NOTHING_SENT;
    c->sent_answers = CONN_NOTHING_SENT;
    lws_callback_on_writable(c->wsi);
    fanout_notify(ss);
}

void ws_join_attendee(struct server *srv, struct conn *c, struct server_session *ss, uint32_t idx,
                      const char *token, const struct proto_id *id)
{
    ws_leave(c);
    c->ss = ss;
    c->participant = idx;
    if (ws_track_participant(ss, c) != HU_OK) {
        c->ss = NULL;
        ws_reply_error(c, HU_ERR_NOMEM, id, NULL);
        return;
    }
    ws_list_add(&ss->attendees, c);
    srv->metrics.joins_attendee++;
    session_connected_add(ss->session, 1);
    json_t *w = json_pack("{s:s, s:s, s:i, s:s, s:o, s:I}", "type", "welcome", "role", "attendee",
                          "protocol", PROTO_VERSION, "participant", token, "session",
                          session_info_json(ss->session, false), "serverTime",
                          (json_int_t)net_now_ms());
    ws_queue_text(c, proto_dump(w));
    ws_send_fresh(c, ss);
}

void ws_join_new(struct server *srv, struct conn *c, struct server_session *ss, const struct proto_id *id)
{
    /* New identities are what vote stuffing needs; a rejoin with a valid
     * token is never limited. */
    if (!peers_take_join(srv->peers, c->peer, net_mono_ms())) {
        srv->metrics.rate_limited_joins++;
        ws_reply_error(c, HU_ERR_RATE_LIMITED, id,
                       "too many new participants from your network; try again in a few seconds");
        return;
    }
    /* Every node must agree on the new participant's index. */
    ws_join_cluster(srv, c, ss, NULL, id);
}

static void ws_join(struct server *srv, struct conn *c, const struct proto_msg *m)
{
    struct server_session *ss = net_find_session(srv, m->code);
    if (!ss) {
        ws_reply_error(c, HU_ERR_UNKNOWN_SESSION, &m->id, "no session has that code");
        return;
    }
    if (m->key) {
        if (!session_key_ok(ss->session, m->key, m->key_len)) {
            ws_reply_error(c, HU_ERR_FORBIDDEN, &m->id, "wrong presenter key");
            return;
        }
        ws_leave(c);
        c->ss = ss;
        c->presenter = true;
        ws_list_add(&ss->presenters, c);
        srv->metrics.joins_presenter++;
        json_t *w = json_pack("{s:s, s:s, s:i, s:o, s:o, s:I}", "type", "welcome", "role", "presenter",
                              "protocol", PROTO_VERSION, "session", session_info_json(ss->session, true),
                              "deck", session_deck_json(ss->session), "serverTime",
                              (json_int_t)net_now_ms());
        ws_queue_text(c, proto_dump(w));
    } else {
        char token[HU_TOKEN_LEN + 1];
        uint32_t idx;
        int rc = session_rejoin(ss->session, m->participant, m->participant_len, &idx);
        if (rc == HU_OK) {
            memcpy(token, m->participant, HU_TOKEN_LEN);
            token[HU_TOKEN_LEN] = '\0';
        } else if (store_is_cluster(srv->store) && m->participant &&
                   token_well_formed(m->participant, m->participant_len)) {
            /* Issued by another node, perhaps, whose notice is still on
             * its way: Redis knows. */
            ws_join_cluster(srv, c, ss, m->participant, &m->id);
            return;
        } else if (store_is_cluster(srv->store)) {
            ws_join_new(srv, c, ss, &m->id);
            return;
        } else if (!peers_take_join(srv->peers, c->peer, net_mono_ms())) {
            /* New identities are what vote stuffing needs; a rejoin with
             * a valid token is never limited. */
            srv->metrics.rate_limited_joins++;
            ws_reply_error(c, HU_ERR_RATE_LIMITED, &m->id,
                           "too many new participants from your network; try again in a few seconds");
            return;
        } else {
            rc = session_join_new(ss->session, token, &idx);
        }
        if (rc) {
            ws_reply_error(c, rc, &m->id, NULL);
            return;
        }
        ws_join_attendee(srv, c, ss, idx, token, &m->id);
        return;
    }
    ws_send_fresh(c, ss);
}

static enum session_timer_action ws_timer_action(enum proto_timer_action a)
{
    switch (a) {
    case PROTO_TIMER_STOP: return SESSION_TIMER_STOP;
    case PROTO_TIMER_ADD: return SESSION_TIMER_ADD;
    case PROTO_TIMER_PAUSE: return SESSION_TIMER_PAUSE;
    case PROTO_TIMER_RESUME: return SESSION_TIMER_RESUME;
    default: return SESSION_TIMER_START;
    }
}

/* Carries out a presenter command: HU_OK, or a hu_err with, when the
 * default text would not say enough, a sentence in why. */
static int ws_command(struct conn *c, const struct proto_msg *m, char *why, size_t whylen)
{
    struct session *s = c->ss->session;
    int64_t now = net_now_ms();
    size_t n_slides = session_deck(s)->n_slides;
    switch (m->type) {
    case PROTO_GOTO:
        if ((size_t)m->slide >= n_slides) {
            snprintf(why, whylen, "no slide %d: the deck has %zu slide%s (0 to %zu)", m->slide, n_slides,
                     n_slides == 1 ? "" : "s", n_slides - 1);
            return HU_ERR_BAD_MESSAGE;
        }
        return session_goto(s, m->slide, now);
    case PROTO_NEXT: return session_next(s, now); /* fragments first, then the next slide */
    case PROTO_PREV: return session_prev(s, now);
    case PROTO_OPEN: return session_open(s, now);
    case PROTO_CLOSE: return session_close(s, now);
    case PROTO_REVEAL: return session_reveal(s, true);
    case PROTO_HIDE: return session_reveal(s, false);
    case PROTO_RESET: return session_reset(s);
    case PROTO_MODERATE: {
        uint32_t author;
        int rc = session_moderate(s, m->poll, m->answer, m->action == 1, &author);
        if (rc == HU_ERR_BAD_MESSAGE)
            snprintf(why, whylen, "no such answer in this poll, or it was withdrawn");
        /* The author's phone lists the answer with its new status. */
        struct server_session *ss = c->ss;
        struct conn *phone = rc == HU_OK && author < ss->by_participant_cap ? ss->by_participant[author] : NULL;
        if (phone) {
            phone->sent_version = 0;
            ws_want_write(ss->srv, phone);
        }
        return rc;
    }
    case PROTO_QUESTION: {
        int rc = session_question_action(s, m->question, (enum session_qa_action)m->action);
        if (rc == HU_ERR_BAD_MESSAGE)
            snprintf(why, whylen, "no such question");
        return rc;
    }
    case PROTO_TIMER: {
        int rc = session_timer(s, ws_timer_action(m->timer_action), m->timer_seconds, now);
        if (rc == HU_ERR_BAD_MESSAGE)
            snprintf(why, whylen, "slide %d has no discussion timer", session_current(s));
        return rc;
    }
    case PROTO_BLANK: return session_blank(s, m->blank_on);
    default: return HU_ERR_BAD_MESSAGE;
    }
}

static bool ws_rate_ok(struct conn *c)
{
    uint32_t now = c->seen_ms; /* this message's arrival, read by ws_keepalive_seen */
    uint32_t elapsed = now - c->refill_ms;
    c->refill_ms = now;
    c->tokens += (float)elapsed * (WS_RATE_PER_S / 1000.0f);
    if (c->tokens > WS_RATE_BURST)
        c->tokens = WS_RATE_BURST;
    if (c->tokens < 1.0f)
        return false;
    c->tokens -= 1.0f;
    return true;
}

/* A presenter command that succeeded is answered with the room as it is
 * now, even when it changed nothing (goto to the slide shown, open on an
 * open poll, next on the last slide): the presenter forgets the versions it
 * has, so its next writable callback sends a state, and a tally when the
 * slide has a poll.  A client awaiting the effect of its command therefore
 * never waits for a change that will not come. */
static void ws_command_answer(struct conn *c, const struct proto_msg *m)
{
    c->sent_version = 0;
    c->sent_tally = 0;
    c->sent_answers = CONN_NOTHING_SENT;
    c->sent_qa = CONN_NOTHING_SENT;
    /* Moderation is acknowledged as participants' messages are, so a
     * moderation view can tell which click took effect. */
    if ((m->type == PROTO_MODERATE || m->type == PROTO_QUESTION) && m->id.kind != PROTO_ID_NONE) {
        json_t *ack = m->type == PROTO_MODERATE
                          ? json_pack("{s:s, s:s, s:s}", "type", "ack", "poll", m->poll, "answer", m->answer)
                          : json_pack("{s:s, s:s}", "type", "ack", "question", m->question);
        ws_queue_text(c, proto_dump(proto_ack_id(ack, &m->id)));
    }
    lws_callback_on_writable(c->wsi);
}

/* Refuses a message over the connection's rate.  The refusal echoes the
 * request's id, so the message is decoded that far: it is at most
 * HU_MSG_MAX bytes, and a connection that keeps flooding is closed. */
static void ws_rate_refuse(struct server *srv, struct conn *c, const char *buf, size_t len)
{
    srv->metrics.rate_limited_messages++;
    if (++c->strikes > WS_RATE_STRIKES)
        ws_close_soon(c, LWS_CLOSE_STATUS_POLICY_VIOLATION);
    struct proto_msg m;
    char err[160];
    (void)proto_decode(buf, len, &m, err, sizeof err);
    ws_reply_error(c, HU_ERR_RATE_LIMITED, &m.id, NULL);
    proto_msg_free(&m);
}

static void ws_message(struct server *srv, struct conn *c, const char *buf, size_t len)
{
    /* Presenters are not rate limited: they hold the key, and a remote
     * clicker or a script stepping through slides may well send faster than
     * any phone should. */
    bool presenter = c->ss && c->presenter;
    if (!presenter && !ws_rate_ok(c)) {
        ws_rate_refuse(srv, c, buf, len);
        return;
    }
    struct proto_msg m;
    char err[160];
    int rc = proto_decode(buf, len, &m, err, sizeof err);
    if (rc) {
        ws_reply_error(c, rc, &m.id, err);
    } else if (m.type == PROTO_JOIN) {
        ws_join(srv, c, &m);
    } else if (m.type == PROTO_PING) {
        ws_queue_text(c, proto_pong(&m.id, net_now_ms()));
    } else if (m.type == PROTO_VOTE || m.type == PROTO_ANSWER || m.type == PROTO_WITHDRAW || m.type == PROTO_ASK ||
               m.type == PROTO_UPVOTE) {
        ws_vote(srv, c, &m);
    } else if (!presenter) {
        /* Presenter commands are refused before anything else is looked at,
         * so an attendee learns nothing about the deck from the reply. */
        ws_reply_error(c, c->ss ? HU_ERR_FORBIDDEN : HU_ERR_NOT_JOINED, &m.id,
                       c->ss ? "this needs the presenter key" : NULL);
    } else {
        char why[160] = "";
        rc = ws_command(c, &m, why, sizeof why);
        if (rc)
            ws_reply_error(c, rc, &m.id,
                           why[0] ? why
                           : rc == HU_ERR_UNKNOWN_POLL ? "the current slide has no poll"
                           : rc == HU_ERR_BAD_MESSAGE ? "not possible on this slide" : NULL);
        else
            ws_command_answer(c, &m);
        /* Cluster mode: the other nodes' projectors and phones follow the
         * list items, the blank screen and the timer too. */
        if (!rc && store_is_cluster(srv->store) && m.type != PROTO_MODERATE && m.type != PROTO_QUESTION) {
            struct store_view v;
            session_view_get(c->ss->session, &v);
            if (store_view(srv->store, session_run(c->ss->session)->id, &v) != HU_OK)
                log_event(LOG_WARN, "cannot tell the other nodes what the projectors show",
                          LOG_S("session", session_code(c->ss->session)), LOG_END);
        }
        fanout_notify(c->ss);
    }
    proto_msg_free(&m);
}

/* Accumulates fragments up to HU_MSG_MAX; a larger message is refused as
 * soon as its size is known, before it is buffered whole. */
static void ws_receive(struct server *srv, struct conn *c, struct lws *wsi, const char *in, size_t len)
{
    size_t remaining = lws_remaining_packet_payload(wsi);
    if ((size_t)c->rx_len + len + remaining > HU_MSG_MAX) {
        free(c->rx);
        c->rx = NULL;
        c->rx_len = 0;
        ws_queue_error(c, HU_ERR_TOO_LARGE, false, 0, "messages are limited to 4096 bytes");
        ws_close_soon(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE);
        return;
    }
    bool final = lws_is_final_fragment(wsi) && remaining == 0;
    if (!c->rx && final) {
        ws_message(srv, c, in, len);
        return;
    }
    if (!c->rx && !(c->rx = malloc(HU_MSG_MAX))) {
        ws_queue_error(c, HU_ERR_NOMEM, false, 0, NULL);
        return;
    }
    memcpy(c->rx + c->rx_len, in, len);
    c->rx_len = (uint16_t)(c->rx_len + len);
    if (final) {
        ws_message(srv, c, c->rx, c->rx_len);
        free(c->rx);
        c->rx = NULL;
        c->rx_len = 0;
    }
}

/* Copies header h into buf; NULL when absent or longer than buf. */
static const char *ws_header(struct lws *wsi, enum lws_token_indexes h, char *buf, size_t len)
{
    int n = lws_hdr_total_length(wsi, h);
    if (n <= 0 || (size_t)n >= len || lws_hdr_copy(wsi, buf, (int)len, h) < 0)
        return NULL;
    return buf;
}

/* Accepts an upgrade only on /ws, from an allowed page (lws checks no
 * Origin), and while the peer's address is under its connection cap. */
static bool ws_filter(struct server *srv, struct lws *wsi)
{
    char uri[64], origin_buf[512], host_buf[256];
    const char *path = ws_header(wsi, WSI_TOKEN_GET_URI, uri, sizeof uri);
    if (!path || strcmp(path, "/ws") != 0) {
        (void)lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, "WebSockets are at /ws");
        return false;
    }
    bool has_origin = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0;
    const char *origin = ws_header(wsi, WSI_TOKEN_ORIGIN, origin_buf, sizeof origin_buf);
    const char *host = ws_header(wsi, WSI_TOKEN_HOST, host_buf, sizeof host_buf);
    /* A refusal answers with a status before hanging up, so a client can
     * tell a policy from a network failure. */
    if ((has_origin && !origin) || !origin_check(&srv->origins, origin, host)) {
        srv->metrics.refused_origin++;
        log_event(LOG_INFO, "refused a WebSocket from a foreign origin or host", LOG_END);
        (void)lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "origin or host not allowed");
        return false;
    }
    unsigned char addr[CLIENTADDR_LEN];
    if (!net_client_addr(srv, wsi, addr) || !peers_can_attach(srv->peers, addr)) {
        srv->metrics.refused_per_address++;
        log_event(LOG_INFO, "refused a WebSocket: too many connections from one address", LOG_END);
        (void)lws_return_http_status(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "too many connections from your address");
        return false;
    }
    return true;
}

int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    struct conn *c = user;
    struct server *srv = ws_server(wsi);
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return srv && ws_filter(srv, wsi) ? 0 : -1;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        /* Only WebSocket upgrades: lws 4.1.6 mishandles unknown Upgrade
         * values (CVE-2025-11677, docs/security.md). */
        return net_upgrade_ok(in) ? 0 : -1;
    case LWS_CALLBACK_ESTABLISHED: {
        unsigned char addr[CLIENTADDR_LEN];
        c->peer = net_client_addr(srv, wsi, addr) ? peers_attach(srv->peers, addr, net_mono_ms()) : NULL;
        if (!c->peer)
            return -1; /* over the cap since the filter looked */
        c->wsi = wsi;
        ws_keepalive_add(srv, c);
        c->tokens = WS_RATE_BURST;
        c->refill_ms = net_mono_ms();
        break;
    }
    case LWS_CALLBACK_RECEIVE_PONG:
        ws_keepalive_seen(c);
        break;
    case LWS_CALLBACK_RECEIVE:
        ws_keepalive_seen(c); /* also what a closing connection waits on */
        if (c->closing)
            break; /* read and dropped: ws_linger.c */
        if (lws_frame_is_binary(wsi)) {
            ws_queue_error(c, HU_ERR_BAD_MESSAGE, false, 0, "only text frames are accepted");
            break;
        }
        ws_receive(srv, c, wsi, in, len);
        break;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return ws_writeable(srv, c);
    case LWS_CALLBACK_CLOSED:
        ws_forget_write(srv, c);
        ws_linger_forget(srv, c);
        if (c->wsi)
            ws_keepalive_remove(srv, c);
        ws_vote_orphan(c);
        peers_detach(srv->peers, c->peer, net_mono_ms());
        c->peer = NULL;
        ws_leave(c);
        ws_outq_free(c);
        free(c->rx);
        c->rx = NULL;
        break;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        if (srv && srv->store)
            ws_store_done(srv);
        break;
    default:
        break;
    }
    /* HTTP on this connection before any upgrade goes through lws's default
     * handling (file completion, keep-alive). */
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}
