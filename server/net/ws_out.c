/* ws_out.c -- what the server sends on a WebSocket, and when.
 *
 * Replies that must not be lost (welcome, ack, error) wait in a short
 * per-connection queue; "state" and "tally" are never queued: a connection
 * remembers the versions it has seen and gets the latest one when writable,
 * so a slow phone costs one message, however much the room moved. */
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "proto.h"
#include "ws_impl.h"

static struct server *ws_conn_server(struct conn *c)
{
    return lws_context_user(lws_get_context(c->wsi));
}

void ws_queue_copy(struct conn *c, const char *text, size_t len)
{
    if (c->outq_len >= HU_OUTQ_MAX) {
        /* A client that does not read its replies is dropped rather than
         * buffered without bound. */
        ws_close_soon(c, LWS_CLOSE_STATUS_POLICY_VIOLATION);
        ws_want_write(ws_conn_server(c), c);
        return;
    }
    struct outmsg *m = malloc(sizeof *m + len);
    if (!m)
        return;
    m->next = NULL;
    m->len = len;
    memcpy(m->text, text, len);
    if (c->tail)
        c->tail->next = m;
    else
        c->head = m;
    c->tail = m;
    c->outq_len++;
    ws_want_write(ws_conn_server(c), c);
}

void ws_queue_text(struct conn *c, char *text)
{
    if (!text)
        return;
    ws_queue_copy(c, text, strlen(text));
    free(text);
}

void ws_queue_ack(struct conn *c, const struct proto_id *id, const char *poll, const char *choice)
{
    char buf[256];
    size_t n = proto_ack_write(buf, sizeof buf, id, poll, choice);
    if (n)
        ws_queue_copy(c, buf, n);
    else
        ws_queue_text(c, proto_ack(id, poll, choice));
}

void ws_queue_error(struct conn *c, int err, bool has_id, int64_t id, const char *message)
{
    metrics_error(&ws_conn_server(c)->metrics, err);
    ws_queue_text(c, proto_error(err, has_id, id, message));
}

void ws_queue_err(struct conn *c, int err, const struct proto_id *id, const char *message)
{
    metrics_error(&ws_conn_server(c)->metrics, err);
    ws_queue_text(c, proto_error_id(err, id, message));
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

/* --- one write per callback, several frames per write ---
 *
 * A vote is answered with an ack and then a state showing it; a join with a
 * welcome and a state.  Sent one lws_write each, that is two send() calls,
 * two wake-ups of the phone and two trips through epoll per vote, and on
 * loopback a send() costs the receiver's TCP work too: it was the largest
 * item in the server's profile under load (docs/benchmarks.md).  So
 * everything a connection has due is framed here (RFC 6455 section 5.2:
 * final, unmasked, server to client) into one buffer and written once.  lws
 * sends LWS_WRITE_HTTP bytes on a WebSocket as they are (its ws role passes
 * them to lws_issue_raw, which buffers a partial send and flushes it before
 * anything else), so frames are never interleaved with its own pongs or
 * close.  No extension is negotiated (server.c passes none), so frames need
 * no further processing. */

#define WS_OP_TEXT 0x1
#define WS_OP_PING 0x9

/* Frames waiting in srv->scratch, after LWS_PRE bytes of headroom. */
struct ws_batch {
    struct server *srv;
    size_t len;   /* bytes of frames so far */
    bool failed;  /* out of memory */
};

/* Room for need more bytes; NULL (and failed) when out of memory. */
static unsigned char *ws_batch_room(struct ws_batch *b, size_t need)
{
    struct server *srv = b->srv;
    if (LWS_PRE + b->len + need > srv->scratch_cap) {
        size_t cap = LWS_PRE + b->len + need + 4096;
        unsigned char *p = realloc(srv->scratch, cap);
        if (!p) {
            b->failed = true;
            return NULL;
        }
        srv->scratch = p;
        srv->scratch_cap = cap;
    }
    return srv->scratch + LWS_PRE + b->len;
}

/* Appends one frame whose payload is a followed by z (either may be empty). */
static void ws_batch_frame(struct ws_batch *b, unsigned opcode, const void *a, size_t na, const void *z,
                           size_t nz)
{
    size_t len = na + nz;
    unsigned char *p = ws_batch_room(b, 10 + len);
    if (!p)
        return;
    size_t h = 0;
    p[h++] = (unsigned char)(0x80 | opcode);
    if (len < 126) {
        p[h++] = (unsigned char)len;
    } else if (len < 65536) {
        p[h++] = 126;
        p[h++] = (unsigned char)(len >> 8);
        p[h++] = (unsigned char)len;
    } else {
        p[h++] = 127;
        for (int shift = 56; shift >= 0; shift -= 8)
            p[h++] = (unsigned char)((uint64_t)len >> shift);
    }
    if (na)
        memcpy(p + h, a, na);
    if (nz)
        memcpy(p + h + na, z, nz);
    b->len += h + len;
}

static void ws_batch_json(struct ws_batch *b, json_t *o)
{
    char *text = proto_dump(o);
    if (!text) {
        b->failed = true;
        return;
    }
    ws_batch_frame(b, WS_OP_TEXT, text, strlen(text), NULL, 0);
    free(text);
}

/* The attendee state: the session's cached prefix plus this phone's own
 * part (its vote, its answers). */
static void ws_batch_attendee_state(struct ws_batch *b, struct conn *c)
{
    struct server_session *ss = c->ss;
    struct session *s = ss->session;
    if (ss->cached_version != session_version(s) || !ss->state_prefix) {
        char *text = proto_dump(session_state_json(s, false, net_now_ms()));
        if (!text) {
            b->failed = true;
            return;
        }
        free(ss->state_prefix);
        ss->state_prefix = text;
        ss->state_prefix_len = strlen(text) - 1; /* drop the closing brace */
        ss->cached_version = session_version(s);
    }
    if (!session_has_answers(s)) {
        char vote[SESSION_VOTE_TAIL_MAX];
        size_t n = session_attendee_vote_tail(s, c->participant, vote);
        ws_batch_frame(b, WS_OP_TEXT, ss->state_prefix, ss->state_prefix_len, vote, n);
        return;
    }
    struct hu_buf tail;
    hu_buf_init(&tail, HU_TX_CHUNK);
    if (session_attendee_tail(s, c->participant, &tail) != HU_OK)
        b->failed = true;
    else
        ws_batch_frame(b, WS_OP_TEXT, ss->state_prefix, ss->state_prefix_len, tail.data, tail.len);
    hu_buf_free(&tail);
}

/* A "questions" message for c (every question for a presenter; the top and
 * its own for a phone). */
static void ws_batch_questions(struct ws_batch *b, struct conn *c)
{
    struct hu_buf q;
    hu_buf_init(&q, (size_t)64 * 1024 * 1024);
    if (session_questions_write(c->ss->session, c->presenter, c->participant, &q) != HU_OK)
        b->failed = true;
    else
        ws_batch_frame(b, WS_OP_TEXT, q.data, q.len, NULL, 0);
    hu_buf_free(&q);
}

/* Everything due, in the order the protocol promises: a ping, queued
 * replies (welcome before state, ack before the state showing the vote),
 * the state once no reply is waiting, then a presenter's tally.  A write
 * stops growing at HU_TX_CHUNK, and whatever is left asks for another
 * callback rather than looping, so one phone cannot hog the loop. */
int ws_writeable(struct server *srv, struct conn *c)
{
    if (!c->head && !c->ping_due && c->closing) {
        if (!ws_linger_done(srv, c))
            return 0;
        lws_close_reason(c->wsi, c->close_status, NULL, 0);
        return -1;
    }
    struct ws_batch b = {srv, 0, false};
    if (c->ping_due) {
        /* Not empty: lws 4.1 does not report an empty pong. */
        ws_batch_frame(&b, WS_OP_PING, "k", 1, NULL, 0);
        c->ping_due = false;
        c->ping_sent = true;
    }
    while (c->head && !b.failed && (b.len == 0 || b.len + c->head->len + 10 <= HU_TX_CHUNK)) {
        struct outmsg *m = c->head;
        ws_batch_frame(&b, WS_OP_TEXT, m->text, m->len, NULL, 0);
        c->head = m->next;
        if (!c->head)
            c->tail = NULL;
        c->outq_len--;
        free(m);
    }
    const struct session *s = c->ss ? c->ss->session : NULL;
    bool room = !c->head && !c->closing && !b.failed && b.len < HU_TX_CHUNK / 2;
    if (room && s && c->sent_version != session_version(s)) {
        /* A phone that held an older state: the room's change reached it. */
        if (c->sent_version != 0 && c->ss->changed_us)
            metrics_observe(&srv->metrics.fanout, (double)(metrics_now_us() - c->ss->changed_us) / 1e6);
        c->sent_version = session_version(s);
        if (c->presenter)
            ws_batch_json(&b, session_state_json(s, true, net_now_ms()));
        else
            ws_batch_attendee_state(&b, c);
    }
    /* A presenter's tally waits for the coalescing timer (server.c), which
     * asks for this callback; it also rides along with anything else. */
    bool tally_due = s && c->presenter && c->sent_tally != session_tally_version(s);
    if (room && tally_due && b.len < HU_TX_CHUNK / 2) {
        c->sent_tally = session_tally_version(s);
        tally_due = false;
        json_t *t = session_tally_json(s);
        ws_batch_json(&b, t ? t : session_room_json(s));
    }
    /* Question and answer lists go out when the once-a-second timer has
     * released a version this connection has not seen (fanout.c). */
    struct server_session *ss = c->ss;
    bool qa_due = s && session_qa(s) != DECK_QA_OFF && c->sent_qa != ss->released_qa;
    if (room && qa_due && b.len < HU_TX_CHUNK / 2) {
        c->sent_qa = ss->released_qa;
        qa_due = false;
        ws_batch_questions(&b, c);
    }
    bool answers_due = s && c->presenter && c->sent_answers != ss->released_answers;
    if (room && answers_due && b.len < HU_TX_CHUNK / 2) {
        c->sent_answers = ss->released_answers;
        answers_due = false;
        json_t *a = session_answers_json(s);
        if (a)
            ws_batch_json(&b, a);
    }
    if (b.len && lws_write(c->wsi, srv->scratch + LWS_PRE, b.len, LWS_WRITE_HTTP) < (int)b.len)
        return -1;
    if (c->head || c->closing || b.failed || (s && c->sent_version != session_version(s)) ||
        tally_due || qa_due || answers_due) /* skipped above only behind something else */
        lws_callback_on_writable(c->wsi);
    return 0;
}

/* --- writing at once ---
 *
 * Waiting for a writable callback costs two epoll_ctl calls (arm POLLOUT,
 * then disarm it) and a trip round the loop per message, though a socket
 * with nothing buffered almost always has room.  Under load that was the
 * difference between acknowledging 44,000 and 49,000 votes a second, and
 * 450 and 390 ms for a burst of 19,000 (docs/benchmarks.md).  So where the
 * server produces many writes at once (a batch of commits, a slide change
 * for the whole room) it collects them and, at the end, writes directly to
 * every connection lws holds nothing for; lws buffers the rest of a partial
 * send itself and flushes it before anything else, so at most one batch
 * ever waits in lws per connection.  Everyone else, and a connection that
 * is closing, gets the writable callback as before. */

void ws_want_write(struct server *srv, struct conn *c)
{
    if (!srv->defer_depth) {
        lws_callback_on_writable(c->wsi);
    } else if (!c->write_listed) {
        c->write_listed = true;
        c->write_next = srv->writes;
        srv->writes = c;
    }
}

void ws_defer_begin(struct server *srv)
{
    srv->defer_depth++;
}

void ws_defer_end(struct server *srv)
{
    if (--srv->defer_depth)
        return;
    while (srv->writes) {
        struct conn *c = srv->writes;
        srv->writes = c->write_next;
        c->write_listed = false;
        /* ws_writeable closes by returning -1, which only a callback can. */
        if (c->closing || lws_partial_buffered(c->wsi) || ws_writeable(srv, c) != 0)
            lws_callback_on_writable(c->wsi);
    }
}

void ws_forget_write(struct server *srv, struct conn *c)
{
    if (!c->write_listed)
        return;
    for (struct conn **pp = &srv->writes; *pp; pp = &(*pp)->write_next)
        if (*pp == c) {
            *pp = c->write_next;
            break;
        }
    c->write_listed = false;
}
