/* session_run.c -- which run of its deck a session serves, starting a fresh
 * one while serving, and the live figures an organiser sees.
 *
 * A new run keeps the deck, the code and the key and drops everything the
 * room learnt: participants, poll states, votes.  It is done in place rather
 * than with a new session object because votes on their way to the store
 * point into this session's deck; each poll's epoch moves on, so such a vote
 * still lands in the run it was cast in (the store has its run id) and is
 * not applied to the new tallies (session_act_done drops it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_impl.h"

void session_set_run(struct session *s, const struct session_run *run)
{
    s->run = *run;
    s->store_id = run->id;
}

const struct session_run *session_run(const struct session *s) { return &s->run; }

void session_run_clear(struct session *s)
{
    for (size_t i = 0; i < s->deck->n_polls; i++) {
        struct session_poll *p = &s->polls[i];
        if (p->tally)
            tally_clear(p->tally);
        answers_clear(&p->answers);
        p->epoch++;
        p->status = SESSION_POLL_PENDING;
        p->revealed = false;
        p->opened_at = p->closed_at = 0;
        p->participants_at_close = 0;
        p->auto_opened_at = 0;
        p->votes_taken = 0;
    }
    /* Polls that had left the deck belong to the earlier run's results. */
    for (size_t i = 0; i < s->n_removed; i++) {
        tally_free(s->removed[i].tally);
        answers_clear(&s->removed[i].answers);
    }
    free(s->removed);
    s->removed = NULL;
    s->n_removed = 0;
    /* The audience's questions too: a new run is a new room. */
    qa_clear(&s->qa);
    qa_init(&s->qa);
    s->run_epoch++;
    s->qa_version++;
    s->qa_cache_version = 0;
    s->answers_version++;
    session_people_free(s);
    s->n_participants = 0;
    s->cap_participants = 0;
    s->table_size = 0;
}

void session_new_run(struct session *s, const struct session_run *run, int64_t now_ms)
{
    session_run_clear(s);
    s->current = 0;
    s->fragment = 0;
    /* Every discussion timer starts afresh when its slide is next shown. */
    memset(s->timers, 0, s->deck->n_slides * sizeof *s->timers);
    s->blank = false;
    session_set_run(s, run);
    s->version++;
    s->tally_version++;
    session_start(s, now_ms);
}

json_t *session_admin_json(const struct session *s)
{
    json_t *o = json_pack("{s:I, s:I, s:i, s:I}", "participants", (json_int_t)s->n_participants, "connected",
                          (json_int_t)(s->connected + s->connected_elsewhere), "slide", s->current + 1, "slides",
                          (json_int_t)s->deck->n_slides);
    if (!o)
        return NULL;
    const struct session_poll *p = session_current_poll(s);
    static const char *const status[] = {"pending", "open", "closed"};
    json_t *poll = p ? json_pack("{s:s, s:s, s:s, s:I}", "id", p->slide->poll_id, "question", p->slide->question,
                                 "status", status[p->status], "voters",
                                 (json_int_t)(p->tally ? tally_voters(p->tally) : p->answers.voters))
                     : json_null();
    if (!poll || json_object_set_new(o, "poll", poll) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}
