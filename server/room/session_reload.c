/* session_reload.c -- a changed deck taken in while serving (--watch), and
 * the presenter's steps through fragmented lists.
 *
 * A reload does what a restart with the changed deck would (DESIGN section
 * 8), in memory and without reading the data file, so it never blocks the
 * loop: polls are matched by id, keep their tally, status and reset count,
 * and are saved again; a poll gone from the deck keeps its results as a
 * removed poll (as session_restore keeps one), with its tally, so it gets
 * its votes back if a later edit restores it.  The replaced deck is kept:
 * votes checked against it and not yet committed point into it, and are
 * applied by poll id and option name when they commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "session_impl.h"

static bool session_same_kind(const struct pollkind *a, const struct pollkind *b)
{
    return a == b || (a && b && strcmp(a->name, b->name) == 0);
}

/* A tally for kind `to` holding the votes of `from` (kind `fk`) whose
 * option names still exist; NULL when out of memory. */
static struct tally *session_tally_convert(const struct session *s, const struct tally *from,
                                           const struct pollkind *fk, const struct pollkind *to)
{
    struct tally *t = tally_new(to->n_options);
    for (uint32_t i = 0; t && from && i < s->n_participants; i++) {
        int c = tally_get(from, i);
        int n = c >= 0 ? pollkind_option(to, fk->options[c], strlen(fk->options[c])) : -1;
        if (n >= 0 && tally_set(t, i, n) != HU_OK) {
            tally_free(t);
            return NULL;
        }
    }
    return t;
}

static int session_removed_find(const struct session *s, const char *poll_id)
{
    for (size_t i = 0; i < s->n_removed; i++)
        if (strcmp(s->removed[i].row.poll_id, poll_id) == 0)
            return (int)i;
    return -1;
}

/* Moves old poll p (gone from the deck) to the removed list. */
static int session_remove_poll(struct session *s, struct session_poll *p)
{
    struct session_removed *r = realloc(s->removed, (s->n_removed + 1) * sizeof *r);
    if (!r)
        return HU_ERR_NOMEM;
    s->removed = r;
    r = &s->removed[s->n_removed++];
    memset(r, 0, sizeof *r);
    const struct deck_slide *sl = p->slide;
    snprintf(r->row.poll_id, sizeof r->row.poll_id, "%s", sl->poll_id);
    snprintf(r->row.question, sizeof r->row.question, "%s", sl->question);
    snprintf(r->row.kind, sizeof r->row.kind, "%s", sl->poll_kind->name);
    r->row.slide_index = -1;
    r->row.status = (int)p->status;
    r->row.revealed = p->revealed;
    r->row.opened_at = p->opened_at;
    r->row.closed_at = p->closed_at;
    r->row.participants_at_close = p->participants_at_close;
    r->kind = sl->poll_kind;
    r->tally = p->tally;
    p->tally = NULL;
    for (unsigned o = 0; o < r->kind->n_options; o++)
        r->counts[o] = tally_count(r->tally, o);
    r->voters = tally_voters(r->tally);
    log_event(LOG_WARN, "poll is no longer in the deck; its results are kept for export", LOG_S("deck", s->deck->path),
              LOG_S("poll", sl->poll_id), LOG_END);
    if (s->store)
        (void)store_poll(s->store, s->store_id, &r->row);
    return HU_OK;
}

int session_reload(struct session *s, struct deck *deck, int64_t now_ms)
{
    struct session_poll *polls = calloc(deck->n_polls ? deck->n_polls : 1, sizeof *polls);
    int *slide_poll = calloc(deck->n_slides, sizeof *slide_poll);
    struct session_timer *timers = calloc(deck->n_slides, sizeof *timers);
    struct deck **retired = realloc(s->retired, (s->n_retired + 1) * sizeof *retired);
    if (retired)
        s->retired = retired;
    if (!polls || !slide_poll || !timers || !retired || deck_bind(deck, s->code) != HU_OK) {
        free(polls);
        free(slide_poll);
        free(timers);
        deck_free(deck);
        return HU_ERR_NOMEM;
    }
    /* New tallies first, so that running out of memory changes nothing. */
    size_t np = 0;
    int rc = HU_OK;
    for (size_t i = 0; i < deck->n_slides; i++) {
        slide_poll[i] = -1;
        const struct deck_slide *sl = &deck->slides[i];
        if (sl->kind != DECK_SLIDE_POLL || np >= deck->n_polls)
            continue;
        struct session_poll *p = &polls[np];
        p->slide = sl;
        p->slide_index = (int)i;
        slide_poll[i] = (int)np++;
        int old = deck_find_poll(s->deck, sl->poll_id);
        int rm = old < 0 ? session_removed_find(s, sl->poll_id) : -1;
        const struct session_poll *op = old >= 0 ? &s->polls[s->slide_poll[old]] : NULL;
        if (op && session_same_kind(op->slide->poll_kind, sl->poll_kind))
            continue; /* takes op's tally below */
        const struct tally *from = op ? op->tally : rm >= 0 ? s->removed[rm].tally : NULL;
        const struct pollkind *fk = op ? op->slide->poll_kind : rm >= 0 ? s->removed[rm].kind : NULL;
        p->tally = from && fk ? session_tally_convert(s, from, fk, sl->poll_kind) : tally_new(sl->poll_kind->n_options);
        if (!p->tally)
            rc = HU_ERR_NOMEM;
    }
    if (rc != HU_OK) {
        for (size_t i = 0; i < np; i++)
            tally_free(polls[i].tally);
        free(polls);
        free(slide_poll);
        free(timers);
        deck_free(deck);
        return rc;
    }
    /* Carry the state of every poll that stays. */
    for (size_t i = 0; i < deck->n_polls; i++) {
        struct session_poll *p = &polls[i];
        int old = deck_find_poll(s->deck, p->slide->poll_id);
        struct session_poll *op = old >= 0 ? &s->polls[s->slide_poll[old]] : NULL;
        int rm = op ? -1 : session_removed_find(s, p->slide->poll_id);
        if (op) {
            if (!p->tally) {
                p->tally = op->tally;
                op->tally = NULL;
            }
            p->status = op->status;
            p->revealed = op->revealed;
            p->opened_at = op->opened_at;
            p->closed_at = op->closed_at;
            p->participants_at_close = op->participants_at_close;
            p->epoch = op->epoch;
        } else if (rm >= 0) {
            const struct store_poll_row *row = &s->removed[rm].row;
            p->status = row->status == 1 ? SESSION_POLL_OPEN : row->status == 2 ? SESSION_POLL_CLOSED
                                                                                 : SESSION_POLL_PENDING;
            p->revealed = row->revealed;
            p->opened_at = row->opened_at;
            p->closed_at = row->closed_at;
            p->participants_at_close = row->participants_at_close;
            tally_free(s->removed[rm].tally);
            s->removed[rm] = s->removed[--s->n_removed];
        }
    }
    for (size_t i = 0; i < s->deck->n_polls; i++)
        if (deck_find_poll(deck, s->polls[i].slide->poll_id) < 0 && session_remove_poll(s, &s->polls[i]) != HU_OK)
            log_event(LOG_ERROR, "out of memory keeping a removed poll", LOG_S("deck", s->deck->path),
                      LOG_S("poll", s->polls[i].slide->poll_id), LOG_END);
    /* Where the room is: on the same poll if it is still there, else on the
     * same slide number (what a restart does), within the deck. */
    const struct deck_slide *was = &s->deck->slides[s->current];
    int current = s->current;
    if (was->kind == DECK_SLIDE_POLL && deck_find_poll(deck, was->poll_id) >= 0)
        current = deck_find_poll(deck, was->poll_id);
    if ((size_t)current >= deck->n_slides)
        current = (int)deck->n_slides - 1;
    /* An edit elsewhere does not restart a discussion in progress; other
     * timers start afresh, as after a restart. */
    if (deck->slides[current].kind == DECK_SLIDE_DISCUSS && was->kind == DECK_SLIDE_DISCUSS &&
        deck->slides[current].discuss_seconds == was->discuss_seconds)
        timers[current] = s->timers[s->current];
    for (size_t i = 0; i < s->deck->n_polls; i++)
        tally_free(s->polls[i].tally);
    free(s->polls);
    free(s->slide_poll);
    free(s->timers);
    s->timers = timers;
    deck_release_files(s->deck);
    s->retired[s->n_retired++] = s->deck;
    s->deck = deck;
    s->polls = polls;
    s->slide_poll = slide_poll;
    s->generation++;
    if (current != s->current && s->store)
        (void)store_slide(s->store, s->store_id, current);
    s->current = current;
    if (s->fragment > deck->slides[current].fragments)
        s->fragment = deck->slides[current].fragments;
    session_start(s, now_ms);
    s->version++;
    s->tally_version++;
    return HU_OK;
}

void session_reload_commit(struct session *s, uint32_t participant, const struct session_vote *v)
{
    int slide = deck_find_poll(s->deck, v->poll_id);
    struct tally *t = NULL;
    const struct pollkind *k = NULL;
    struct session_removed *rm = NULL;
    if (slide >= 0) {
        struct session_poll *p = &s->polls[s->slide_poll[slide]];
        if (p->epoch != v->epoch)
            return; /* reset since */
        t = p->tally;
        k = p->slide->poll_kind;
    } else {
        int r = session_removed_find(s, v->poll_id);
        rm = r >= 0 ? &s->removed[r] : NULL;
        t = rm ? rm->tally : NULL;
        k = rm ? rm->kind : NULL;
    }
    int c = t && k ? pollkind_option(k, v->option, strlen(v->option)) : -1;
    if (c < 0 || tally_set(t, participant, c) != HU_OK)
        return;
    if (rm) {
        for (unsigned o = 0; o < k->n_options; o++)
            rm->counts[o] = tally_count(t, o);
        rm->voters = tally_voters(t);
    }
    s->tally_version++;
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
