/* report_json.c -- the report as one JSON document, for programs.
 *
 * {"format":"handsup-report","version":1,"generated":T,
 *  "runs":[{"dataFile","sessionCode","sessionTitle","run","label","startedAt",
 *           "endedAt","participants"}],
 *  "polls":[{"id","question","kind","labels":[...],"questionChanged",
 *            "optionsChanged","runs":[{"run":<index into runs>,"question",
 *            "counts":{label:n},"percents":{label:p},"voters","joined",
 *            "mean" (a scale), "entries":[{"text","count"}] (a text poll)}]}]}
 * Runs in the order they started; times ISO 8601 UTC; a label a run did not
 * offer is absent from its counts; percents are of voters, one decimal. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/hu_err.h"
#include "report_model.h"

static json_t *report_json_time(int64_t ms)
{
    char t[EXPORT_TIME_LEN];
    return ms > 0 && export_iso_time(ms, t)[0] ? json_string(t) : json_null();
}

/* json_string of possibly invalid UTF-8: "" rather than a failed export. */
static json_t *report_json_text(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("");
}

static json_t *report_json_runs(const struct report_model *m)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < m->n_runs; i++) {
        const struct report_run *r = &m->runs[i];
        json_t *o = json_pack("{s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:I}", "dataFile",
                              report_json_text(r->data_file), "sessionCode", report_json_text(r->s->code),
                              "sessionTitle", report_json_text(r->s->title), "run", r->s->run, "label",
                              report_json_text(r->s->run_label), "startedAt", report_json_time(report_run_start(r)),
                              "endedAt", report_json_time(r->s->run_ended_at), "participants",
                              (json_int_t)r->s->participants);
        if (!o || json_array_append_new(a, o) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *report_json_entry(const struct report_model *m, const struct report_poll *rp,
                                 const struct report_entry *e)
{
    json_t *counts = json_object(), *pcts = json_object();
    for (size_t j = 0; counts && pcts && j < rp->n_labels; j++) {
        int o = e->option_of[j];
        if (o < 0)
            continue;
        uint32_t n = e->p->counts[o];
        json_object_set_new(counts, rp->labels[j], json_integer(n));
        /* Tenths of a percent rounded half up, as export_percent does. */
        uint32_t v = e->p->voters;
        json_object_set_new(pcts, rp->labels[j],
                            v ? json_real((double)(((uint64_t)n * 1000 + v / 2) / v) / 10.0) : json_null());
    }
    if (!counts || !pcts) {
        json_decref(counts);
        json_decref(pcts);
        return NULL;
    }
    json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:I, s:I}", "run", (json_int_t)(e->run - m->runs), "question",
                          report_json_text(e->p->question), "counts", counts, "percents", pcts, "voters",
                          (json_int_t)e->p->voters, "joined", (json_int_t)e->p->participants);
    if (o && e->p->numeric)
        json_object_set_new(o, "mean", e->p->voters ? json_real(e->p->mean) : json_null());
    if (o && e->p->text) {
        /* An open text poll: its cloud's entries, biggest first. */
        json_t *entries = json_array();
        for (size_t i = 0; entries && i < e->p->n_entries; i++)
            json_array_append_new(entries, json_pack("{s:o, s:I}", "text", report_json_text(e->p->entries[i].text),
                                                     "count", (json_int_t)e->p->entries[i].count));
        json_object_set_new(o, "entries", entries ? entries : json_array());
    }
    return o;
}

static json_t *report_json_poll(const struct report_model *m, const struct report_poll *rp)
{
    json_t *labels = json_array(), *runs = json_array();
    for (size_t j = 0; labels && j < rp->n_labels; j++)
        json_array_append_new(labels, report_json_text(rp->labels[j]));
    for (size_t k = 0; runs && k < rp->n_entries; k++)
        if (json_array_append_new(runs, report_json_entry(m, rp, &rp->entries[k])) != 0) {
            json_decref(runs);
            runs = NULL;
        }
    if (!labels || !runs) {
        json_decref(labels);
        json_decref(runs);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:b, s:b, s:o}", "id", report_json_text(rp->id), "question",
                     report_json_text(rp->question), "kind", report_json_text(rp->kind), "labels", labels,
                     "questionChanged", rp->question_changed, "optionsChanged", rp->options_changed, "runs",
                     runs);
}

int report_json(const struct report_model *m, struct hu_buf *b)
{
    json_t *polls = json_array();
    for (size_t i = 0; polls && i < m->n_polls; i++)
        if (json_array_append_new(polls, report_json_poll(m, &m->polls[i])) != 0) {
            json_decref(polls);
            polls = NULL;
        }
    json_t *runs = polls ? report_json_runs(m) : NULL;
    json_t *root = runs ? json_pack("{s:s, s:i, s:o, s:o, s:o}", "format", "handsup-report", "version", 1,
                                    "generated", report_json_time(m->opts && m->opts->now_ms ? m->opts->now_ms : 0),
                                    "runs", runs, "polls", polls)
                        : NULL;
    if (!root) {
        if (!runs)
            json_decref(polls);
        return HU_ERR_NOMEM;
    }
    int rc = export_json_dump(root, b);
    json_decref(root);
    return rc;
}
