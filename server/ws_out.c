/* ws_out.c -- what the server sends on a WebSocket, and when.
 *
 * Replies that must not be lost (welcome, ack, error) wait in a short
 * per-connection queue; "state" and "tally" are never queued: a connection
 * remembers the versions it has seen and gets the latest one when writable,
 * so a slow phone costs one message, however much the room moved. */
#include <stdlib.h>
#include <string.h>

#include "hu_limits.h"
#include "proto.h"
#include "ws_impl.h"

void ws_queue_text(struct conn *c, char *text)
{
    if (!text)
        return;
    if (c->outq_len >= HU_OUTQ_MAX) {
        /* A client that does not read its replies is dropped rather than
         * buffered without bound. */
        free(text);
        c->closing = true;
        c->close_status = LWS_CLOSE_STATUS_POLICY_VIOLATION;
        lws_callback_on_writable(c->wsi);
        return;
    }
    size_t len = strlen(text);
    struct outmsg *m = malloc(sizeof *m + LWS_PRE + len);
    if (!m) {
        free(text);
        return;
    }
    m->next = NULL;
    m->len = len;
    memcpy(m->buf + LWS_PRE, text, len);
    free(text);
    if (c->tail)
        c->tail->next = m;
    else
        c->head = m;
    c->tail = m;
    c->outq_len++;
    lws_callback_on_writable(c->wsi);
}

void ws_queue_error(struct conn *c, int err, bool has_id, int64_t id, const char *message)
{
    ws_queue_text(c, proto_error(err, has_id, id, message));
}

void ws_outq_free(struct conn *c)
{
    while (c->head) {
        struct outmsg *m = c->head;
        c->head = m->next;
        free(m);
    }
    c->tail = NULL;
    c->outq_len = 0;
}

static unsigned char *ws_scratch(struct server *srv, size_t len)
{
    if (LWS_PRE + len > srv->scratch_cap) {
        size_t cap = LWS_PRE + len + 1024;
        unsigned char *p = realloc(srv->scratch, cap);
        if (!p)
            return NULL;
        srv->scratch = p;
        srv->scratch_cap = cap;
    }
    return srv->scratch;
}

static int ws_send_text(struct server *srv, struct lws *wsi, const char *text, size_t len)
{
    unsigned char *buf = ws_scratch(srv, len);
    if (!buf)
        return -1;
    memcpy(buf + LWS_PRE, text, len);
    return lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len ? -1 : 0;
}

/* The attendee state: the session's cached prefix plus this phone's vote. */
static int ws_send_attendee_state(struct server *srv, struct conn *c)
{
    struct server_session *ss = c->ss;
    struct session *s = ss->session;
    if (ss->cached_version != session_version(s) || !ss->state_prefix) {
        char *text = proto_dump(session_state_json(s, false, server_now_ms()));
        if (!text)
            return 0; /* out of memory: try again on the next change */
        free(ss->state_prefix);
        ss->state_prefix = text;
        ss->state_prefix_len = strlen(text) - 1; /* drop the closing brace */
        ss->cached_version = session_version(s);
    }
    const char *vote = session_my_vote(s, c->participant);
    char tail[48];
    int n = snprintf(tail, sizeof tail, ",\"myVote\":%s%s%s}", vote ? "\"" : "", vote ? vote : "null",
                     vote ? "\"" : "");
    if (n < 0 || (size_t)n >= sizeof tail)
        return -1;
    size_t len = ss->state_prefix_len + (size_t)n;
    unsigned char *buf = ws_scratch(srv, len);
    if (!buf)
        return -1;
    memcpy(buf + LWS_PRE, ss->state_prefix, ss->state_prefix_len);
    memcpy(buf + LWS_PRE + ss->state_prefix_len, tail, (size_t)n);
    c->sent_version = session_version(s);
    return lws_write(c->wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len ? -1 : 0;
}

static int ws_send_json(struct server *srv, struct lws *wsi, json_t *o)
{
    char *text = proto_dump(o);
    if (!text)
        return 0;
    int rc = ws_send_text(srv, wsi, text, strlen(text));
    free(text);
    return rc;
}

/* One lws_write per WRITEABLE callback: queued replies first (they are
 * ordered: welcome before state, ack before the state showing the vote),
 * then the state, then the presenter's tally. */
int ws_writeable(struct server *srv, struct conn *c)
{
    int rc = 0;
    bool sent_tally = false;
    if (c->ping_due) {
        /* Control frames may go between messages.  The payload is not
         * empty because lws 4.1 does not report an empty pong. */
        unsigned char *buf = ws_scratch(srv, 1);
        c->ping_due = false;
        c->ping_sent = true;
        if (buf)
            buf[LWS_PRE] = 'k';
        rc = !buf || lws_write(c->wsi, buf + LWS_PRE, 1, LWS_WRITE_PING) < 1 ? -1 : 0;
    } else if (c->head) {
        struct outmsg *m = c->head;
        c->head = m->next;
        if (!c->head)
            c->tail = NULL;
        c->outq_len--;
        rc = lws_write(c->wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT) < (int)m->len ? -1 : 0;
        free(m);
    } else if (c->closing) {
        lws_close_reason(c->wsi, c->close_status, NULL, 0);
        return -1;
    } else if (c->ss && c->sent_version != session_version(c->ss->session)) {
        if (c->presenter) {
            c->sent_version = session_version(c->ss->session);
            rc = ws_send_json(srv, c->wsi, session_state_json(c->ss->session, true, server_now_ms()));
        } else {
            rc = ws_send_attendee_state(srv, c);
        }
    } else if (c->ss && c->presenter && c->sent_tally != session_tally_version(c->ss->session)) {
        c->sent_tally = session_tally_version(c->ss->session);
        sent_tally = true;
        json_t *t = session_tally_json(c->ss->session);
        if (t)
            rc = ws_send_json(srv, c->wsi, t);
    } else {
        return 0;
    }
    if (rc)
        return -1;
    /* More to send: ask again rather than loop, so one phone cannot hog the
     * loop.  A presenter's tally counts as more only when this callback sent
     * something else: a tally itself waits for the coalescing timer. */
    const struct session *s = c->ss ? c->ss->session : NULL;
    if (c->head || c->closing || (s && c->sent_version != session_version(s)) ||
        (s && c->presenter && !sent_tally && c->sent_tally != session_tally_version(s)))
        lws_callback_on_writable(c->wsi);
    return 0;
}

