/* session_remote.c -- cluster mode: the changes other nodes made, applied
 * to this node's room (DESIGN section 12).
 *
 * A notice (store_notice, from the session's channel in Redis) carries one
 * change in the session's sequence; it is applied as the start-up load
 * applies a row, with nothing written back.  Every kind is idempotent, as a
 * node also hears its own changes: setting a participant's picks, a
 * participant's index, a poll's state, twice, changes nothing the second
 * time, and an answer or question id committed already is refused by the
 * model (HU_ERR_EXISTS).  So a phone's own vote is never counted twice. */
#include <string.h>

#include "base/hu_err.h"
#include "model/ballot.h"
#include "session_impl.h"

static bool session_remote_vote(struct session *s, const struct store_notice *n)
{
    struct session_poll *p = session_find_poll(s, n->poll_id);
    tally_mask picks = TALLY_NONE;
    if (!p || !p->tally || n->participant >= s->n_participants)
        return false;
    if (n->text[0] && ballot_decode(p->spec, n->text, &picks) != HU_OK)
        return false;
    if (tally_get(p->tally, n->participant) == picks)
        return false;
    if (tally_set(p->tally, n->participant, picks) != HU_OK)
        return false;
    s->tally_version++;
    return true;
}

static bool session_remote_poll(struct session *s, const struct store_notice *n)
{
    struct session_poll *p = session_find_poll(s, n->poll_id);
    if (!p)
        return false;
    enum session_poll_status st = n->status == 1 ? SESSION_POLL_OPEN
                                : n->status == 2 ? SESSION_POLL_CLOSED : SESSION_POLL_PENDING;
    if (p->status == st && p->revealed == n->on && p->opened_at == n->opened && p->closed_at == n->closed)
        return false;
    p->status = st;
    p->revealed = n->on;
    p->opened_at = n->opened;
    p->closed_at = n->closed;
    p->participants_at_close = n->item;
    s->version++;
    s->tally_version++;
    return true;
}

static struct answers *session_remote_answers(struct session *s, const char *poll_id)
{
    struct session_poll *p = session_find_poll(s, poll_id);
    return p && p->spec->kind->text ? &p->answers : NULL;
}

void session_view_get(const struct session *s, struct store_view *v)
{
    memset(v, 0, sizeof *v);
    v->slide = s->current;
    v->fragment = s->fragment;
    v->blank = s->blank;
    const struct session_timer *t = &s->timers[s->current];
    v->timer_started = t->started;
    v->timer_running = t->running;
    v->timer_ends_at = t->ends_at;
    v->timer_remaining = t->remaining;
}

static bool session_remote_view(struct session *s, const struct store_view *v)
{
    if (v->slide < 0 || (size_t)v->slide >= s->deck->n_slides)
        return false;
    int most = s->deck->slides[v->slide].fragments;
    int fragment = v->fragment > most ? most : v->fragment;
    struct session_timer t = {v->timer_started, v->timer_running, v->timer_ends_at, v->timer_remaining};
    const struct session_timer *now = &s->timers[v->slide];
    if (s->current == v->slide && s->fragment == fragment && s->blank == v->blank && now->started == t.started &&
        now->running == t.running && now->ends_at == t.ends_at && now->remaining == t.remaining)
        return false;
    s->current = v->slide;
    s->fragment = fragment;
    s->blank = v->blank;
    s->timers[v->slide] = t;
    s->version++;
    s->tally_version++;
    return true;
}

int session_remote_apply(struct session *s, const struct store_notice *n, uint32_t *author)
{
    *author = n->kind == STORE_NOTICE_VOTE || n->kind == STORE_NOTICE_ANSWER ? n->participant : UINT32_MAX;
    struct answers *a;
    bool changed = false;
    int rc = HU_OK;
    switch (n->kind) {
    case STORE_NOTICE_PARTICIPANT: {
        uint32_t before = s->n_participants;
        rc = session_people_put(s, n->participant, n->hash);
        if (rc == HU_OK && s->n_participants != before)
            s->tally_version++;
        return rc;
    }
    case STORE_NOTICE_VOTE:
        changed = session_remote_vote(s, n);
        return changed ? HU_OK : HU_ERR_NOT_FOUND;
    case STORE_NOTICE_SLIDE:
        if (n->slide < 0 || (size_t)n->slide >= s->deck->n_slides || n->slide == s->current)
            return HU_ERR_NOT_FOUND;
        s->current = n->slide;
        s->fragment = 0;
        s->version++;
        s->tally_version++;
        return HU_OK;
    case STORE_NOTICE_POLL:
        return session_remote_poll(s, n) ? HU_OK : HU_ERR_NOT_FOUND;
    case STORE_NOTICE_VIEW:
        return session_remote_view(s, &n->view) ? HU_OK : HU_ERR_NOT_FOUND;
    case STORE_NOTICE_ANSWER:
        if (!(a = session_remote_answers(s, n->poll_id)) || n->status < ANSWER_SHOWN || n->status > ANSWER_WITHDRAWN)
            return HU_ERR_NOT_FOUND;
        rc = answers_commit(a, n->item, n->participant, n->text, (enum answer_status)n->status, n->at);
        break;
    case STORE_NOTICE_ANSWER_STATUS:
        if (!(a = session_remote_answers(s, n->poll_id)) || n->status < ANSWER_SHOWN || n->status > ANSWER_WITHDRAWN)
            return HU_ERR_NOT_FOUND;
        {
            const struct answer *x = answers_get(a, n->item);
            if (!x || x->status == n->status)
                return HU_ERR_NOT_FOUND;
            *author = x->participant;
        }
        rc = answers_set_status(a, n->item, (enum answer_status)n->status);
        break;
    case STORE_NOTICE_QUESTION:
        if (n->status < QUESTION_OPEN || n->status > QUESTION_PINNED)
            return HU_ERR_NOT_FOUND;
        rc = qa_commit(&s->qa, n->item, n->participant, n->text, (enum question_status)n->status, n->at);
        if (rc == HU_OK)
            s->qa_version++;
        return rc;
    case STORE_NOTICE_QUESTION_STATUS: {
        const struct question *x = qa_get(&s->qa, n->item);
        if (!x || x->status == n->status || n->status < QUESTION_OPEN || n->status > QUESTION_PINNED)
            return HU_ERR_NOT_FOUND;
        rc = qa_set_status(&s->qa, n->item, (enum question_status)n->status);
        if (rc == HU_OK)
            s->qa_version++;
        return rc;
    }
    case STORE_NOTICE_UPVOTE:
        rc = qa_upvote(&s->qa, n->item, n->participant, n->on, &changed);
        if (rc == HU_OK && changed)
            s->qa_version++;
        return rc == HU_OK && !changed ? HU_ERR_NOT_FOUND : rc;
    default:
        return HU_ERR_NOT_FOUND;
    }
    if (rc == HU_OK) {
        s->tally_version++;
        s->answers_version++;
    }
    return rc;
}

void session_set_connected_elsewhere(struct session *s, uint32_t n)
{
    if (s->connected_elsewhere == n)
        return;
    s->connected_elsewhere = n;
    s->tally_version++;
}
