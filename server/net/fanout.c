/* fanout.c -- when connections hear that their session changed.
 *
 * A session change only bumps versions (room/session.h); this turns a bump
 * into writable requests: every attendee and presenter for a new state, and
 * presenters for a tally, at most one tally per HU_TALLY_INTERVAL_MS per
 * session; and question and answer lists at most once per
 * HU_QA_INTERVAL_MS.  What is written when a socket becomes writable is
 * ws_out.c's. */
#include "base/hu_limits.h"
#include "net.h"
#include "ws_impl.h"

static void fanout_tally_due(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    struct server_session *ss = w->data;
    ss->tally_pending = false;
    ss->tally_last_ms = (int64_t)net_mono_ms();
    for (struct conn *c = ss->presenters; c; c = c->next)
        lws_callback_on_writable(c->wsi);
}

/* The once-a-second release of question and answer lists: connections
 * catch up with the released versions when writable (ws_out.c). */
static void fanout_qa_due(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    struct server_session *ss = w->data;
    struct session *s = ss->session;
    ss->qa_pending = false;
    ss->qa_last_ms = (int64_t)net_mono_ms();
    bool qa = ss->released_qa != session_qa_version(s) && session_qa(s) != DECK_QA_OFF;
    bool answers = ss->released_answers != session_answers_version(s);
    ss->released_qa = session_qa_version(s);
    ss->released_answers = session_answers_version(s);
    ws_defer_begin(ss->srv);
    for (struct conn *c = ss->attendees; qa && c; c = c->next)
        ws_want_write(ss->srv, c);
    for (struct conn *c = ss->presenters; (qa || answers) && c; c = c->next)
        ws_want_write(ss->srv, c);
    ws_defer_end(ss->srv);
}

/* Arms the release of question and answer lists, at most one per
 * HU_QA_INTERVAL_MS: 1,000 upvotes a second become one list a second. */
static void fanout_qa_notify(struct server_session *ss)
{
    struct session *s = ss->session;
    if (ss->notified_qa == session_qa_version(s) && ss->notified_answers == session_answers_version(s))
        return;
    ss->notified_qa = session_qa_version(s);
    ss->notified_answers = session_answers_version(s);
    if (ss->qa_pending)
        return;
    int64_t wait = ss->qa_last_ms + HU_QA_INTERVAL_MS - (int64_t)net_mono_ms();
    if (wait < 0 || wait > HU_QA_INTERVAL_MS)
        wait = 0;
    ss->qa_pending = true;
    ev_timer_set(&ss->qa_timer, (double)wait / 1000.0, 0.0);
    ev_timer_start(ss->srv->loop, &ss->qa_timer);
}

void fanout_notify(struct server_session *ss)
{
    struct session *s = ss->session;
    fanout_qa_notify(ss);
    if (ss->notified_version != session_version(s)) {
        ss->notified_version = session_version(s);
        ss->changed_us = metrics_now_us();
        ws_defer_begin(ss->srv);
        for (struct conn *c = ss->attendees; c; c = c->next)
            ws_want_write(ss->srv, c);
        for (struct conn *c = ss->presenters; c; c = c->next)
            ws_want_write(ss->srv, c);
        ws_defer_end(ss->srv);
    }
    if (ss->notified_tally == session_tally_version(s))
        return;
    ss->notified_tally = session_tally_version(s);
    if (ss->tally_pending)
        return; /* the scheduled tally will read the newest counts */
    /* At most one tally per interval: a burst of votes becomes a few
     * updates, and the timer guarantees that the last one goes out.  This is
     * a libev timer of our own: lws 4.1's libev glue does not re-arm its
     * timer for a deadline earlier than the one already armed. */
    int64_t wait = ss->tally_last_ms + HU_TALLY_INTERVAL_MS - (int64_t)net_mono_ms();
    if (wait < 0 || wait > HU_TALLY_INTERVAL_MS)
        wait = 0;
    ss->tally_pending = true;
    ev_timer_set(&ss->tally_timer, (double)wait / 1000.0, 0.0);
    ev_timer_start(ss->srv->loop, &ss->tally_timer);
}

void fanout_init(struct server_session *ss)
{
    ev_timer_init(&ss->tally_timer, fanout_tally_due, 0.0, 0.0);
    ss->tally_timer.data = ss;
    ev_timer_init(&ss->qa_timer, fanout_qa_due, 0.0, 0.0);
    ss->qa_timer.data = ss;
}

void fanout_stop(struct server_session *ss)
{
    ev_timer_stop(ss->srv->loop, &ss->tally_timer);
    ev_timer_stop(ss->srv->loop, &ss->qa_timer);
}

void fanout_deck(struct server_session *ss)
{
    for (struct conn *c = ss->presenters; c; c = c->next) {
        json_t *m = json_pack("{s:s, s:o, s:o}", "type", "deck", "session", session_info_json(ss->session, true),
                              "deck", session_deck_json(ss->session));
        ws_queue_text(c, proto_dump(m));
    }
    fanout_notify(ss);
}
