/* report_model.c -- matching polls across runs, sessions and data files.
 *
 * Cost: runs R, polls per run P, distinct poll ids D: O(R * P * D) string
 * comparisons, which for a year of workshops (a hundred runs of a dozen
 * polls) is nothing; no hashing is worth its code here. */
#include "report_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"

const char *report_option_label(const struct results_poll *p, unsigned i, char spare[16])
{
    return export_option_label(p, i, spare);
}

int64_t report_run_start(const struct report_run *r)
{
    return r->s->run_started_at > 0 ? r->s->run_started_at : r->s->created_at;
}

/* Chronological, then by data file, session code and run number, so the
 * order is total and the same on every machine. */
static int report_cmp_runs(const void *a, const void *b)
{
    const struct report_run *x = a, *y = b;
    int64_t tx = report_run_start(x), ty = report_run_start(y);
    if (tx != ty)
        return tx < ty ? -1 : 1;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    int c = strcmp(x->s->code ? x->s->code : "", y->s->code ? y->s->code : "");
    if (c)
        return c;
    return (x->s->run > y->s->run) - (x->s->run < y->s->run);
}

static bool report_wanted(const struct report_opts *o, const char *id)
{
    if (!o || !o->n_polls)
        return true;
    for (size_t i = 0; i < o->n_polls; i++)
        if (o->polls[i] && strcmp(o->polls[i], id) == 0)
            return true;
    return false;
}

/* A poll counts in a run once it was opened there; a poll never opened in
 * a run says nothing about that run. */
static bool report_poll_ran(const struct results_poll *p)
{
    return p->opened_at > 0 || p->voters > 0;
}

static struct report_poll *report_find(struct report_model *m, const char *id)
{
    for (size_t i = 0; i < m->n_polls; i++)
        if (strcmp(m->polls[i].id, id) == 0)
            return &m->polls[i];
    return NULL;
}

/* The order polls are first met in: sources, sessions and slides as given,
 * whatever order the runs started in. */
static int report_collect_polls(struct report_model *m, const struct report_source *src, size_t n_src)
{
    size_t cap = 0;
    for (size_t f = 0; f < n_src; f++) {
        const struct results *r = src[f].results;
        for (size_t i = 0; r && i < r->n_sessions; i++) {
            const struct results_session *s = &r->sessions[i];
            for (size_t j = 0; s->polls && j < s->n_polls; j++) {
                const struct results_poll *p = &s->polls[j];
                if (!p->poll_id || !report_poll_ran(p) || !report_wanted(m->opts, p->poll_id) ||
                    report_find(m, p->poll_id))
                    continue;
                if (m->n_polls == cap) {
                    size_t ncap = cap ? cap * 2 : 8;
                    struct report_poll *np = realloc(m->polls, ncap * sizeof *np);
                    if (!np)
                        return HU_ERR_NOMEM;
                    m->polls = np;
                    cap = ncap;
                }
                struct report_poll *rp = &m->polls[m->n_polls++];
                memset(rp, 0, sizeof *rp);
                rp->id = p->poll_id;
            }
        }
    }
    return HU_OK;
}

/* Index of label in rp's labels, adding it when new; -1 when full. */
static int report_label(struct report_poll *rp, const char *label)
{
    for (size_t i = 0; i < rp->n_labels; i++)
        if (strcmp(rp->labels[i], label) == 0)
            return (int)i;
    if (rp->n_labels == REPORT_LABELS_MAX)
        return -1;
    rp->labels[rp->n_labels] = label;
    return (int)rp->n_labels++;
}

static int report_add_entry(struct report_poll *rp, const struct report_run *run, const struct results_poll *p)
{
    struct report_entry *ne = realloc(rp->entries, (rp->n_entries + 1) * sizeof *ne);
    if (!ne)
        return HU_ERR_NOMEM;
    rp->entries = ne;
    struct report_entry *e = &rp->entries[rp->n_entries++];
    memset(e, 0, sizeof *e);
    e->run = run;
    e->p = p;
    /* A text poll's answers are entries, not options: no labels to match. */
    unsigned n = p->text ? 0 : export_n_options(p);
    for (unsigned i = 0; i < n; i++) {
        char spare[16];
        /* A label from export_option_label's spare lives on this stack only;
         * the poll's own strings live as long as the results. */
        const char *label = report_option_label(p, i, spare);
        e->label_of[i] = label == spare ? -1 : report_label(rp, label);
    }
    /* The newest run's wording is the question. */
    if (rp->question && p->question && strcmp(rp->question, p->question) != 0)
        rp->question_changed = true;
    rp->question = p->question;
    rp->kind = p->kind;
    return HU_OK;
}

/* After every entry: which option of each run holds each label. */
static void report_finish_poll(struct report_poll *rp)
{
    for (size_t k = 0; k < rp->n_entries; k++) {
        struct report_entry *e = &rp->entries[k];
        for (size_t j = 0; j < REPORT_LABELS_MAX; j++)
            e->option_of[j] = -1;
        unsigned n = e->p->text ? 0 : export_n_options(e->p);
        for (unsigned i = 0; i < n; i++)
            if (e->label_of[i] >= 0)
                e->option_of[e->label_of[i]] = (int)i;
        for (size_t j = 0; j < rp->n_labels; j++)
            if (e->option_of[j] < 0)
                rp->options_changed = true;
    }
}

int report_model_build(const struct report_source *src, size_t n_src, const struct report_opts *opts,
                       struct report_model *m)
{
    memset(m, 0, sizeof *m);
    m->sources = src;
    m->n_sources = n_src;
    m->opts = opts;
    size_t total = 0;
    for (size_t f = 0; f < n_src; f++)
        total += src[f].results ? src[f].results->n_sessions : 0;
    m->runs = calloc(total ? total : 1, sizeof *m->runs);
    if (!m->runs)
        return HU_ERR_NOMEM;
    for (size_t f = 0; f < n_src; f++)
        for (size_t i = 0; src[f].results && i < src[f].results->n_sessions; i++) {
            struct report_run *r = &m->runs[m->n_runs++];
            r->data_file = src[f].data_file ? src[f].data_file : "";
            r->s = &src[f].results->sessions[i];
            r->source = f;
            if (r->s->run_label && r->s->run_label[0])
                snprintf(r->name, sizeof r->name, "%s", r->s->run_label);
            else
                snprintf(r->name, sizeof r->name, "Run %d", r->s->run > 0 ? r->s->run : 1);
        }
    qsort(m->runs, m->n_runs, sizeof *m->runs, report_cmp_runs);
    int rc = report_collect_polls(m, src, n_src);
    for (size_t k = 0; rc == HU_OK && k < m->n_runs; k++) {
        const struct results_session *s = m->runs[k].s;
        for (size_t j = 0; rc == HU_OK && s->polls && j < s->n_polls; j++) {
            const struct results_poll *p = &s->polls[j];
            struct report_poll *rp = p->poll_id && report_poll_ran(p) ? report_find(m, p->poll_id) : NULL;
            if (rp)
                rc = report_add_entry(rp, &m->runs[k], p);
        }
    }
    for (size_t i = 0; rc == HU_OK && i < m->n_polls; i++)
        report_finish_poll(&m->polls[i]);
    if (rc != HU_OK)
        report_model_free(m);
    return rc;
}

void report_model_free(struct report_model *m)
{
    for (size_t i = 0; m->polls && i < m->n_polls; i++)
        free(m->polls[i].entries);
    free(m->polls);
    free(m->runs);
    memset(m, 0, sizeof *m);
}
