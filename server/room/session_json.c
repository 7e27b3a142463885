/* session_json.c -- a session seen from outside: protocol messages and results.
 *
 * Builds the "state", "tally" and welcome parts of docs/protocol.md with
 * jansson, and the neutral results struct that the exports format. */
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "session_impl.h"

static const char *const session_kind_names[] = {"content", "discuss", "poll", "qa"};
static const char *const session_status_names[] = {"pending", "open", "closed"};
static const char *const session_qa_names[] = {"off", "on", "moderated"};

static json_t *session_counts_json(const struct session_poll *p)
{
    json_t *o = json_object();
    for (unsigned i = 0; o && i < p->spec->n_options; i++)
        json_object_set_new(o, p->spec->ids[i], json_integer(tally_count(p->tally, i)));
    return o;
}

/* The biggest entries of a text poll's cloud, [{"text","count"}]. */
static json_t *session_entries_json(const struct answers *a, size_t max)
{
    json_t *arr = json_array();
    size_t n = 0;
    for (const struct cloud_entry *e = cloud_first(&a->cloud); arr && e && n < max; e = cloud_next(e), n++)
        json_array_append_new(arr, json_pack("{s:s, s:I}", "text", e->text, "count", (json_int_t)e->rank.count));
    return arr;
}

/* A poll's results as the kind shows them: counts per option and voters
 * (with mean and median for a scale), or a text poll's cloud entries and
 * counts of answers.  Into o (state.poll.results, and the tally). */
static void session_results_into(const struct session_poll *p, json_t *o)
{
    if (p->spec->kind->text) {
        json_object_set_new(o, "entries", session_entries_json(&p->answers, HU_CLOUD_TOP));
        json_object_set_new(o, "answers", json_integer(p->answers.shown));
        json_object_set_new(o, "voters", json_integer(p->answers.voters));
        return;
    }
    json_object_set_new(o, "counts", session_counts_json(p));
    json_object_set_new(o, "voters", json_integer(tally_voters(p->tally)));
    if (p->spec->kind->numeric) {
        uint32_t counts[HU_OPTION_MAX];
        double mean, median;
        for (unsigned i = 0; i < p->spec->n_options; i++)
            counts[i] = tally_count(p->tally, i);
        results_stats(p->spec, counts, tally_voters(p->tally), &mean, &median);
        bool any = tally_voters(p->tally) > 0;
        json_object_set_new(o, "mean", any ? json_real(mean) : json_null());
        json_object_set_new(o, "median", any ? json_real(median) : json_null());
    }
}

/* A poll as the deck defines it: id, question and the kind's parameters. */
static json_t *session_poll_def_json(const struct deck_slide *sl)
{
    json_t *o = pollspec_json(sl->spec);
    if (o) {
        json_object_set_new(o, "id", json_string(sl->poll_id));
        json_object_set_new(o, "question", json_string(sl->question));
        json_object_set_new(o, "resultsHidden", json_boolean(sl->results_hidden));
    }
    return o;
}

static bool session_results_visible(const struct session_poll *p)
{
    return !p->slide->results_hidden || p->revealed;
}

json_t *session_state_json(const struct session *s, bool presenter, int64_t now_ms)
{
    const struct deck_slide *sl = &s->deck->slides[s->current];
    json_t *slide = json_pack("{s:i, s:I, s:s, s:o}", "index", s->current,
                              "count", (json_int_t)s->deck->n_slides,
                              "kind", session_kind_names[sl->kind],
                              "title", sl->title ? json_string(sl->title) : json_null());
    if (!slide)
        return NULL;
    /* Content slides are for the projector; phones only need their title. */
    if (presenter || sl->kind != DECK_SLIDE_CONTENT) {
        json_object_set_new(slide, "html", json_string(sl->html));
        session_slide_look_json(s, (size_t)s->current, slide);
    }
    json_object_set_new(slide, "fragment", json_integer(s->fragment));
    if (sl->kind == DECK_SLIDE_DISCUSS)
        json_object_set_new(slide, "discuss", session_timer_json(s, now_ms));

    json_t *poll = json_null();
    const struct session_poll *p = session_current_poll(s);
    if (p) {
        json_t *results = json_null();
        if (presenter || (p->status == SESSION_POLL_CLOSED && session_results_visible(p))) {
            results = json_object();
            if (results)
                session_results_into(p, results);
        }
        poll = session_poll_def_json(p->slide);
        if (poll) {
            json_object_set_new(poll, "status", json_string(session_status_names[p->status]));
            json_object_set_new(poll, "revealed", json_boolean(p->revealed));
            json_object_set_new(poll, "results", results ? results : json_null());
        } else {
            json_decref(results);
        }
    }
    json_t *st = json_pack("{s:s, s:I, s:I, s:s, s:o, s:o}", "type", "state", "version",
                           (json_int_t)s->version, "serverTime", (json_int_t)now_ms, "session", s->code,
                           "slide", slide, "poll", poll ? poll : json_null());
    /* Only the projectors go dark; phones keep showing the room. */
    if (st && presenter)
        json_object_set_new(st, "blank", json_boolean(s->blank));
    return st;
}

json_t *session_tally_json(const struct session *s)
{
    const struct session_poll *p = session_current_poll(s);
    if (!p)
        return NULL;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:b, s:b, s:b}", "type", "tally", "poll",
                          p->slide->poll_id, "kind", p->spec->kind->name, "status", session_status_names[p->status],
                          "participants", (json_int_t)s->n_participants, "connected",
                          (json_int_t)(s->connected + s->connected_elsewhere), "resultsHidden", p->slide->results_hidden, "revealed", p->revealed, "visible",
                          session_results_visible(p));
    if (o) {
        session_results_into(p, o);
        if (p->spec->kind->text)
            json_object_set_new(o, "pending", json_integer(p->answers.pending));
    }
    return o;
}

json_t *session_room_json(const struct session *s)
{
    return json_pack("{s:s, s:I, s:I}", "type", "room", "participants", (json_int_t)s->n_participants,
                     "connected", (json_int_t)(s->connected + s->connected_elsewhere));
}

json_t *session_info_json(const struct session *s, bool presenter)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "code", s->code, "title", s->deck->title, "qa",
                          session_qa_names[s->deck->qa]);
    if (o)
        session_deck_look_json(s, o);
    if (o && s->deck->lang[0])
        json_object_set_new(o, "lang", json_string(s->deck->lang));
    if (o && presenter) {
        json_object_set_new(o, "joinUrl", json_string(s->join_url));
        /* Which run is live and since when (DESIGN section 10), so that a
         * deck served again says so on the projector. */
        if (s->run.number > 0)
            json_object_set_new(o, "run", json_pack("{s:i, s:s, s:I, s:b}", "number", s->run.number, "label",
                                                    s->run.label, "startedAt", (json_int_t)s->run.started_at,
                                                    "resumed", s->run.resumed));
    }
    return o;
}

json_t *session_deck_json(const struct session *s)
{
    json_t *slides = json_array();
    if (!slides)
        return NULL;
    for (size_t i = 0; i < s->deck->n_slides; i++) {
        const struct deck_slide *sl = &s->deck->slides[i];
        json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:o}", "index", (json_int_t)i, "kind",
                              session_kind_names[sl->kind], "title",
                              sl->title ? json_string(sl->title) : json_null(), "html", sl->html,
                              "notes", sl->notes ? json_string(sl->notes) : json_null());
        if (!o)
            continue;
        session_slide_look_json(s, i, o);
        if (sl->notes_html)
            json_object_set_new(o, "notesHtml", json_string(sl->notes_html));
        if (sl->kind == DECK_SLIDE_DISCUSS)
            json_object_set_new(o, "discuss", json_pack("{s:i}", "seconds", sl->discuss_seconds));
        if (sl->kind == DECK_SLIDE_POLL)
            json_object_set_new(o, "poll", session_poll_def_json(sl));
        json_array_append_new(slides, o);
    }
    json_t *deck = json_pack("{s:s, s:o, s:s}", "title", s->deck->title, "slides", slides, "qa",
                             session_qa_names[s->deck->qa]);
    if (deck)
        session_deck_look_json(s, deck);
    return deck;
}

/* A removed poll as the data file has it (store_read.c reads the same). */
static int session_removed_results(const struct session *s, const struct session_removed *rm,
                                   struct results_poll *r)
{
    const struct store_poll_row *row = &rm->row;
    r->poll_id = strdup(row->poll_id);
    r->question = strdup(row->question);
    r->status = strdup(session_status_names[row->status >= 0 && row->status <= 2 ? row->status : 0]);
    if (!r->poll_id || !r->question || !r->status)
        return HU_ERR_NOMEM;
    r->slide_index = -1;
    r->removed = true;
    r->participants = row->status == 2 ? row->participants_at_close : s->n_participants;
    r->opened_at = row->opened_at;
    r->closed_at = row->status == 2 ? row->closed_at : 0;
    if (!rm->known)
        return (r->kind = strdup(row->kind)) ? HU_OK : HU_ERR_NOMEM;
    return results_fill_poll(r, &rm->spec, rm->tally, &rm->answers);
}

int session_results(const struct session *s, struct results_session *out, int64_t now_ms)
{
    (void)now_ms;
    memset(out, 0, sizeof *out);
    out->code = strdup(s->code);
    out->title = strdup(s->deck->title);
    out->deck_path = strdup(s->deck->path);
    out->created_at = s->created_at;
    out->participants = s->n_participants;
    out->n_slides = s->deck->n_slides;
    out->run = s->run.number;
    out->run_started_at = s->run.started_at;
    if (!(out->run_label = strdup(s->run.label)))
        return HU_ERR_NOMEM;
    out->polls = calloc(s->deck->n_polls + s->n_removed + 1, sizeof *out->polls);
    if (!out->code || !out->title || !out->deck_path || !out->polls)
        return HU_ERR_NOMEM;
    for (size_t i = 0; i < s->deck->n_polls; i++) {
        const struct session_poll *p = &s->polls[i];
        struct results_poll *r = &out->polls[i];
        out->n_polls = i + 1;
        r->poll_id = strdup(p->slide->poll_id);
        r->question = strdup(p->slide->question);
        r->status = strdup(session_status_names[p->status]);
        if (!r->poll_id || !r->question || !r->status)
            return HU_ERR_NOMEM;
        r->slide_index = p->slide_index;
        r->participants = p->status == SESSION_POLL_CLOSED ? p->participants_at_close : s->n_participants;
        r->opened_at = p->opened_at;
        r->closed_at = p->status == SESSION_POLL_CLOSED ? p->closed_at : 0;
        int rc = results_fill_poll(r, p->spec, p->tally, &p->answers);
        if (rc != HU_OK)
            return rc;
    }
    for (size_t i = 0; i < s->n_removed; i++)
        if (session_removed_results(s, &s->removed[i], &out->polls[out->n_polls++]) != HU_OK)
            return HU_ERR_NOMEM;
    return results_fill_questions(out, &s->qa);
}
