/* results.c -- the plain-data results built for exports: filling a poll from
 * its kind's counters, and releasing everything.
 *
 * Builders (session_results, store_read_results) may stop half way on an
 * error, so every field is freed only if set and absent options are NULL. */
#include "results.h"

#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"

static void results_poll_free(struct results_poll *p)
{
    free(p->poll_id);
    free(p->question);
    free(p->kind);
    free(p->status);
    free(p->low_label);
    free(p->high_label);
    free(p->show);
    /* Both builders zero the whole poll first, so unused slots are NULL; all
     * of them are freed in case options were added beyond n_options. */
    for (unsigned i = 0; i < HU_OPTION_MAX; i++) {
        free(p->options[i]);
        free(p->labels[i]);
    }
    for (size_t i = 0; p->entries && i < p->n_entries; i++)
        free(p->entries[i].text);
    free(p->entries);
    for (size_t i = 0; p->answers && i < p->n_answers; i++)
        free(p->answers[i].text);
    free(p->answers);
}

void results_session_clear(struct results_session *s)
{
    for (size_t j = 0; s->polls && j < s->n_polls; j++)
        results_poll_free(&s->polls[j]);
    free(s->polls);
    free(s->code);
    free(s->title);
    free(s->deck_path);
    free(s->run_label);
    for (size_t j = 0; s->questions && j < s->n_questions; j++)
        free(s->questions[j].text);
    free(s->questions);
    memset(s, 0, sizeof *s);
}

void results_free(struct results *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->sessions && i < r->n_sessions; i++)
        results_session_clear(&r->sessions[i]);
    free(r->sessions);
    free(r);
}

void results_stats(const struct pollspec *p, const uint32_t *counts, uint32_t voters, double *mean,
                   double *median)
{
    *mean = *median = 0.0;
    if (!voters || !p->kind->numeric)
        return;
    double sum = 0.0;
    for (unsigned i = 0; i < p->n_options; i++)
        sum += (double)counts[i] * pollspec_value(p, i);
    *mean = sum / voters;
    /* The middle of the sorted votes: the value at rank (n + 1) / 2 for an
     * odd n, the mean of the values at ranks n / 2 and n / 2 + 1 for an even
     * one, found by walking the histogram. */
    uint32_t lo_rank = (voters + 1) / 2, hi_rank = voters / 2 + 1, seen = 0;
    int lo = 0, hi = 0;
    bool have_lo = false;
    for (unsigned i = 0; i < p->n_options; i++) {
        seen += counts[i];
        if (!have_lo && seen >= lo_rank) {
            lo = pollspec_value(p, i);
            have_lo = true;
        }
        if (seen >= hi_rank) {
            hi = pollspec_value(p, i);
            break;
        }
    }
    *median = voters % 2 ? (double)lo : (lo + hi) / 2.0;
}

static int results_fill_text(struct results_poll *r, const struct answers *a)
{
    r->shown = a->shown;
    r->pending = a->pending;
    r->voters = a->voters;
    r->entries = calloc(a->cloud.n_entries + 1, sizeof *r->entries);
    r->answers = calloc(a->n_items + 1, sizeof *r->answers);
    if (!r->entries || !r->answers)
        return HU_ERR_NOMEM;
    for (const struct cloud_entry *e = cloud_first(&a->cloud); e; e = cloud_next(e)) {
        struct results_entry *x = &r->entries[r->n_entries];
        if (!(x->text = strdup(e->text)))
            return HU_ERR_NOMEM;
        x->count = e->rank.count;
        r->n_entries++;
    }
    for (uint32_t id = 1; id <= a->n_items; id++) {
        const struct answer *it = answers_get(a, id);
        if (!it || it->status == ANSWER_WITHDRAWN)
            continue;
        struct results_answer *x = &r->answers[r->n_answers];
        if (!(x->text = strdup(it->text)))
            return HU_ERR_NOMEM;
        x->id = id;
        x->status = answers_status_name((enum answer_status)it->status);
        x->at = it->at;
        r->n_answers++;
    }
    return HU_OK;
}

int results_fill_poll(struct results_poll *r, const struct pollspec *p, const struct tally *t,
                      const struct answers *a)
{
    static const char *const show_names[] = {"cloud", "wall"};
    if (!(r->kind = strdup(p->kind->name)))
        return HU_ERR_NOMEM;
    r->multiple = p->multiple;
    r->numeric = p->kind->numeric;
    r->text = p->kind->text;
    if (r->numeric && (!(r->low_label = strdup(p->low_label)) || !(r->high_label = strdup(p->high_label))))
        return HU_ERR_NOMEM;
    if (r->text)
        return (r->show = strdup(show_names[p->show])) ? (a ? results_fill_text(r, a) : HU_OK) : HU_ERR_NOMEM;
    r->n_options = p->n_options;
    for (unsigned o = 0; o < p->n_options; o++) {
        if (!(r->options[o] = strdup(p->ids[o])) || !(r->labels[o] = strdup(p->labels[o])))
            return HU_ERR_NOMEM;
        r->counts[o] = t ? tally_count(t, o) : 0;
    }
    r->voters = t ? tally_voters(t) : 0;
    results_stats(p, r->counts, r->voters, &r->mean, &r->median);
    return HU_OK;
}

int results_fill_questions(struct results_session *s, const struct qa *q)
{
    s->questions = calloc(q->n_items + 1, sizeof *s->questions);
    if (!s->questions)
        return HU_ERR_NOMEM;
    for (uint32_t id = 1; id <= q->n_items; id++) {
        const struct question *x = qa_get(q, id);
        if (!x)
            continue;
        struct results_question *y = &s->questions[s->n_questions];
        if (!(y->text = strdup(x->text)))
            return HU_ERR_NOMEM;
        y->id = id;
        y->votes = x->rank.count;
        y->status = qa_status_name((enum question_status)x->status);
        y->at = x->at;
        s->n_questions++;
    }
    return HU_OK;
}
