/* session_reload.c -- a changed deck taken in while serving (--watch), and
 * the presenter's steps through fragmented lists.
 *
 * A reload does what a restart with the changed deck would (DESIGN section
 * 8), in memory and without reading the data file, so it never blocks the
 * loop; and, unlike a restart, it never starts a run: the session keeps its
 * run, participants and questions.  Polls are matched by id and keep their
 * status, reset count and results of every kind: a tally whose options
 * changed is read again by option id, as a restart decodes the stored votes
 * (ballot.h), and a text poll keeps its answers.  A poll gone from the deck
 * becomes a removed poll (as session_restore keeps one) with its tally or
 * answers, saved with slide index -1, and gets them back if a later edit
 * restores it.  The pass-through rule's state of each poll and every
 * discussion timer that is still in the deck carry over.  The replaced deck
 * is kept: acts checked against it and not yet committed point into it (poll
 * ids, pollspecs), and are applied by poll id when they commit
 * (session_reload_act_done). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "session_impl.h"

static struct session_removed *session_removed_get(const struct session *s, const char *poll_id)
{
    for (size_t i = 0; i < s->n_removed; i++)
        if (strcmp(s->removed[i].row.poll_id, poll_id) == 0)
            return &s->removed[i];
    return NULL;
}

/* Picks made on poll `from` as poll `to` reads them, by option id (a scale
 * by value), exactly as a restart decodes a stored vote.  false when they
 * no longer fit `to` (an option gone, more picks than it allows). */
static bool session_picks_convert(const struct pollspec *from, tally_mask picks, const struct pollspec *to,
                                  tally_mask *out)
{
    char stored[BALLOT_TEXT_MAX];
    ballot_encode(from, picks, stored);
    return ballot_decode(to, stored, out) == HU_OK;
}

/* Whether a tally of `from` counts the same as one of `to`: same options in
 * the same order, and no vote of `from` has more picks than `to` allows. */
static bool session_same_options(const struct pollspec *from, const struct pollspec *to)
{
    if (from->kind != to->kind || from->n_options != to->n_options || from->multiple > to->multiple)
        return false;
    for (unsigned i = 0; i < from->n_options; i++)
        if (strcmp(from->ids[i], to->ids[i]) != 0)
            return false;
    return true;
}

/* What a poll of the new deck takes over: the old poll with its id, or
 * the removed poll with its id (known kinds only), or nothing. */
struct session_source {
    struct session_poll *poll;
    struct session_removed *removed;
    const struct pollspec *spec;
    struct tally *tally;
    struct answers *answers;
};

static void session_source_find(const struct session *s, const char *poll_id, struct session_source *src)
{
    memset(src, 0, sizeof *src);
    src->poll = session_find_poll(s, poll_id);
    if (src->poll) {
        src->spec = src->poll->spec;
        src->tally = src->poll->tally;
        src->answers = &src->poll->answers;
        return;
    }
    src->removed = session_removed_get(s, poll_id);
    if (src->removed && src->removed->known) {
        src->spec = &src->removed->spec;
        src->tally = src->removed->tally;
        src->answers = &src->removed->answers;
    } else {
        src->removed = NULL;
    }
}

/* A new tally for poll p of the new deck holding the votes of src that
 * still fit it; NULL when out of memory.  Votes that no longer fit stay in
 * the data file and are counted for no one, as after a restart. */
static struct tally *session_tally_convert(const struct session *s, const struct session_source *src,
                                           const struct session_poll *p)
{
    struct tally *t = tally_new(p->spec->n_options);
    bool lost = false;
    for (uint32_t i = 0; t && src->tally && i < s->n_participants; i++) {
        tally_mask m = tally_get(src->tally, i), got;
        if (m == TALLY_NONE)
            continue;
        if (!session_picks_convert(src->spec, m, p->spec, &got)) {
            lost = true;
            continue;
        }
        if (tally_set(t, i, got) != HU_OK) {
            tally_free(t);
            return NULL;
        }
    }
    if (t && (lost || (src->answers && src->answers->n_items)))
        log_event(LOG_WARN, "votes or answers no longer fit the poll's options or kind; they are not counted",
                  LOG_S("deck", s->deck->path), LOG_S("poll", p->slide->poll_id), LOG_END);
    return t;
}

/* Moves old poll p (gone from the deck) to the removed list, whose room
 * the caller has reserved. */
static void session_remove_poll(struct session *s, struct session_poll *p)
{
    struct session_removed *r = &s->removed[s->n_removed];
    memset(r, 0, sizeof *r);
    if (session_poll_row(s, p, &r->row) != HU_OK)
        return; /* logged; its results go with the old deck */
    s->n_removed++;
    r->row.slide_index = -1;
    r->spec = *p->spec;
    r->known = true;
    r->tally = p->tally;
    r->answers = p->answers;
    r->epoch = p->epoch;
    p->tally = NULL;
    answers_init(&p->answers);
    log_event(LOG_WARN, "poll is no longer in the deck; its results are kept for export", LOG_S("deck", s->deck->path),
              LOG_S("poll", p->slide->poll_id), LOG_END);
    if (s->store)
        (void)store_poll(s->store, s->store_id, &r->row);
}

/* The timers of the new deck's discussion slides: each takes the timer of
 * the old deck's next discussion slide with the same title (in order, so
 * that slides added or removed around it do not move it), else starts
 * afresh when shown, as after a restart. */
static void session_timers_carry(const struct session *s, const struct deck *deck, struct session_timer *timers)
{
    size_t from = 0;
    for (size_t i = 0; i < deck->n_slides; i++) {
        const struct deck_slide *sl = &deck->slides[i];
        if (sl->kind != DECK_SLIDE_DISCUSS)
            continue;
        for (size_t j = from; j < s->deck->n_slides; j++) {
            const struct deck_slide *was = &s->deck->slides[j];
            if (was->kind != DECK_SLIDE_DISCUSS ||
                !(was->title == sl->title || (was->title && sl->title && strcmp(was->title, sl->title) == 0)))
                continue;
            timers[i] = s->timers[j];
            from = j + 1;
            break;
        }
    }
}

/* The slide the room is on after the reload: the same poll if it is still
 * there, else the same slide number (what a restart does), within the deck. */
static int session_reload_position(const struct session *s, const struct deck *deck)
{
    const struct deck_slide *was = &s->deck->slides[s->current];
    int current = s->current;
    if (was->kind == DECK_SLIDE_POLL && deck_find_poll(deck, was->poll_id) >= 0)
        current = deck_find_poll(deck, was->poll_id);
    if ((size_t)current >= deck->n_slides)
        current = (int)deck->n_slides - 1;
    return current;
}

static void session_reload_abort(struct session_poll *polls, size_t n, int *slide_poll, struct session_timer *timers,
                                 struct deck *deck)
{
    for (size_t i = 0; i < n; i++)
        tally_free(polls[i].tally);
    free(polls);
    free(slide_poll);
    free(timers);
    deck_free(deck);
}

int session_reload(struct session *s, struct deck *deck, int64_t now_ms)
{
    struct session_poll *polls = calloc(deck->n_polls ? deck->n_polls : 1, sizeof *polls);
    int *slide_poll = calloc(deck->n_slides, sizeof *slide_poll);
    struct session_timer *timers = calloc(deck->n_slides, sizeof *timers);
    size_t leaving = 0;
    for (size_t i = 0; i < s->deck->n_polls; i++)
        leaving += deck_find_poll(deck, s->polls[i].slide->poll_id) < 0;
    struct deck **retired = realloc(s->retired, (s->n_retired + 1) * sizeof *retired);
    if (retired)
        s->retired = retired;
    struct session_removed *removed = realloc(s->removed, (s->n_removed + leaving + 1) * sizeof *removed);
    if (removed)
        s->removed = removed;
    if (!polls || !slide_poll || !timers || !retired || !removed || deck_bind(deck, s->code) != HU_OK) {
        session_reload_abort(polls, 0, slide_poll, timers, deck);
        return HU_ERR_NOMEM;
    }
    /* Every allocation first, so that running out of memory changes
     * nothing: the tallies that cannot be taken over as they are. */
    size_t np = 0;
    for (size_t i = 0; i < deck->n_slides; i++) {
        slide_poll[i] = -1;
        const struct deck_slide *sl = &deck->slides[i];
        if (sl->kind != DECK_SLIDE_POLL || np >= deck->n_polls)
            continue;
        struct session_poll *p = &polls[np];
        p->slide = sl;
        p->spec = sl->spec;
        p->slide_index = (int)i;
        answers_init(&p->answers);
        slide_poll[i] = (int)np++;
        if (p->spec->kind->text)
            continue;
        struct session_source src;
        session_source_find(s, sl->poll_id, &src);
        if (src.tally && session_same_options(src.spec, p->spec))
            continue; /* takes src's tally below */
        p->tally = src.spec ? session_tally_convert(s, &src, p) : tally_new(p->spec->n_options);
        if (!p->tally) {
            session_reload_abort(polls, np, slide_poll, timers, deck);
            return HU_ERR_NOMEM;
        }
    }
    /* Carry each poll's state and results; nothing fails from here. */
    for (size_t i = 0; i < deck->n_polls; i++) {
        struct session_poll *p = &polls[i];
        struct session_source src;
        session_source_find(s, p->slide->poll_id, &src);
        if (!p->spec->kind->text && !p->tally) {
            p->tally = src.tally;
            if (src.poll)
                src.poll->tally = NULL;
            else
                src.removed->tally = NULL;
        }
        if (p->spec->kind->text && src.spec && src.spec->kind->text) {
            p->answers = *src.answers;
            answers_init(src.answers);
        }
        if (src.poll) {
            const struct session_poll *op = src.poll;
            p->status = op->status;
            p->revealed = op->revealed;
            p->opened_at = op->opened_at;
            p->closed_at = op->closed_at;
            p->participants_at_close = op->participants_at_close;
            p->epoch = op->epoch;
            p->auto_opened_at = op->auto_opened_at;
            p->votes_taken = op->votes_taken;
        } else if (src.removed) {
            const struct store_poll_row *row = &src.removed->row;
            p->status = row->status == 1 ? SESSION_POLL_OPEN : row->status == 2 ? SESSION_POLL_CLOSED
                                                                                 : SESSION_POLL_PENDING;
            p->revealed = row->revealed;
            p->opened_at = row->opened_at;
            p->closed_at = row->closed_at;
            p->participants_at_close = row->participants_at_close;
            p->epoch = src.removed->epoch;
            tally_free(src.removed->tally);
            answers_clear(&src.removed->answers);
            size_t k = (size_t)(src.removed - s->removed);
            memmove(&s->removed[k], &s->removed[k + 1], (s->n_removed - k - 1) * sizeof s->removed[0]);
            s->n_removed--;
        }
    }
    for (size_t i = 0; i < s->deck->n_polls; i++)
        if (deck_find_poll(deck, s->polls[i].slide->poll_id) < 0)
            session_remove_poll(s, &s->polls[i]);
    session_timers_carry(s, deck, timers);
    int current = session_reload_position(s, deck);
    for (size_t i = 0; i < s->deck->n_polls; i++) {
        tally_free(s->polls[i].tally);
        answers_clear(&s->polls[i].answers);
    }
    free(s->polls);
    free(s->slide_poll);
    free(s->timers);
    deck_release_files(s->deck);
    s->retired[s->n_retired++] = s->deck;
    s->deck = deck;
    s->polls = polls;
    s->slide_poll = slide_poll;
    s->timers = timers;
    s->generation++;
    if (current != s->current && s->store)
        (void)store_slide(s->store, s->store_id, current);
    s->current = current;
    if (s->fragment > deck->slides[current].fragments)
        s->fragment = deck->slides[current].fragments;
    /* Saves every poll (kind, options, slide) and opens a pending poll the
     * room now stands on, as a restart would. */
    session_start(s, now_ms);
    s->version++;
    s->tally_version++;
    s->answers_version++;
    s->qa_version++;
    s->qa_cache_version = 0;
    return HU_OK;
}

bool session_reload_act_done(struct session *s, const struct session_act *a, bool ok)
{
    struct session_source src;
    session_source_find(s, a->poll_id, &src);
    uint32_t epoch = src.poll ? src.poll->epoch : src.removed ? src.removed->epoch : 0;
    bool text = src.spec && src.spec->kind->text;
    /* A reset since the check deleted the act from the data file too; a
     * poll whose kind changed lost its reservations with its answers. */
    if (!src.spec || epoch != a->epoch || (a->type != SESSION_ACT_VOTE) != text)
        return false;
    tally_mask picks;
    switch (a->type) {
    case SESSION_ACT_VOTE:
        return ok && src.tally && session_picks_convert(a->spec, a->picks, src.spec, &picks) &&
               tally_set(src.tally, a->participant, picks) == HU_OK;
    case SESSION_ACT_ANSWER:
        if (!ok) {
            answers_release(src.answers, a->participant, a->item);
            return false;
        }
        return answers_commit(src.answers, a->item, a->participant, a->text, (enum answer_status)a->status, a->at) ==
               HU_OK;
    case SESSION_ACT_WITHDRAW:
        return ok && answers_set_status(src.answers, a->item, ANSWER_WITHDRAWN) == HU_OK;
    default:
        return false;
    }
}

int session_next(struct session *s, int64_t now_ms)
{
    if (s->fragment < s->deck->slides[s->current].fragments) {
        s->fragment++;
        s->version++;
        return HU_OK;
    }
    if ((size_t)s->current + 1 >= s->deck->n_slides)
        return HU_OK;
    return session_goto(s, s->current + 1, now_ms);
}

int session_prev(struct session *s, int64_t now_ms)
{
    if (s->fragment > 0) {
        s->fragment--;
        s->version++;
        return HU_OK;
    }
    if (s->current == 0)
        return HU_OK;
    int rc = session_goto(s, s->current - 1, now_ms);
    /* Back onto a slide, its list is shown whole, as Marp does. */
    if (rc == HU_OK)
        s->fragment = s->deck->slides[s->current].fragments;
    return rc;
}
