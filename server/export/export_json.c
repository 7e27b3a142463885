/* export_json.c -- results as one JSON document, built with jansson.
 *
 * {"format":"handsup-results","version":2,"sessions":[...]}: a session has
 * code, title, deck (its file name), createdAt, participants, slides, run
 * ({number, label, startedAt, endedAt}) and polls; a poll has id, question,
 * kind, slide (numbered from 1, as in every format), status, options, counts
 * (by option name),
 * voters, participants, openedAt, closedAt and removed, then what its kind
 * adds (labels and multiple; mean, median and scaleLabels; show, entries,
 * answers, shown and pending); a session's questions follow its polls.
 * Times are ISO 8601
 * UTC strings, or null for "never"; unknowns (slide of a removed poll, slide
 * count of an unknown deck) are null too.  Pretty printed, 2-space indent.
 * Version 2 came with runs: slide counts from 1 (it was the 0-based index),
 * deck is the file name (it was the server's path), and run is new. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/hu_err.h"
#include "export_internal.h"

#define JSON_EXPORT_VERSION 2

/* Length of the valid UTF-8 sequence at s (with n bytes left), or 0.  The
 * same rules as jansson: no overlong forms, surrogates or code points past
 * U+10FFFF. */
static size_t json_utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        k = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        k = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        k = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k;
}

/* A JSON string of s, or null for NULL.  Text comes from decks and data
 * files that should be UTF-8; a stray invalid byte becomes U+FFFD rather
 * than making the whole export fail.  NULL only when out of memory. */
static json_t *json_text(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    size_t n = strlen(s);
    struct hu_buf b;
    hu_buf_init(&b, 3 * n);
    int rc = HU_OK;
    for (size_t i = 0; rc == HU_OK && i < n;) {
        size_t k = json_utf8_len((const unsigned char *)s + i, n - i);
        rc = k ? hu_buf_append(&b, s + i, k) : hu_buf_puts(&b, "\xef\xbf\xbd");
        i += k ? k : 1;
    }
    j = rc == HU_OK && b.data ? json_string(b.data) : NULL;
    hu_buf_free(&b);
    return j;
}

/* An ISO time string, or null for "never". */
static json_t *json_time(int64_t ms)
{
    char t[EXPORT_TIME_LEN];
    return ms > 0 && export_iso_time(ms, t)[0] ? json_string(t) : json_null();
}

/* Sets o[key] = v, stealing v; false (with v released) when v is NULL or
 * the set fails, so a chain of sets reports the first out-of-memory. */
static bool json_put(json_t *o, const char *key, json_t *v)
{
    return v && json_object_set_new(o, key, v) == 0;
}

/* What a kind adds: option labels and picks allowed; a scale's ends, mean
 * and median; a text poll's cloud entries and every answer. */
static bool json_kind_fields(json_t *o, const struct results_poll *p)
{
    bool ok = true;
    if (!p->text) {
        json_t *labels = json_object();
        ok = labels != NULL;
        for (unsigned i = 0; ok && i < export_n_options(p); i++) {
            char spare[16];
            const char *name = export_option_name(p, i, spare);
            ok = json_put(labels, name, json_text(p->labels[i] ? p->labels[i] : name));
        }
        if (ok)
            ok = json_put(o, "labels", labels);
        else
            json_decref(labels);
        ok = ok && json_put(o, "multiple", json_integer(p->multiple ? p->multiple : 1));
    }
    if (ok && p->numeric)
        ok = json_put(o, "mean", p->voters ? json_real(p->mean) : json_null()) &&
             json_put(o, "median", p->voters ? json_real(p->median) : json_null()) &&
             json_put(o, "scaleLabels", json_pack("[o, o]", json_text(p->low_label), json_text(p->high_label)));
    if (ok && p->text) {
        json_t *entries = json_array(), *answers = json_array();
        ok = entries && answers;
        for (size_t i = 0; ok && i < p->n_entries; i++)
            ok = json_array_append_new(entries, json_pack("{s:o, s:I}", "text", json_text(p->entries[i].text), "count",
                                                          (json_int_t)p->entries[i].count)) == 0;
        for (size_t i = 0; ok && i < p->n_answers; i++) {
            const struct results_answer *a = &p->answers[i];
            ok = json_array_append_new(answers, json_pack("{s:I, s:o, s:s, s:o}", "id", (json_int_t)a->id, "text",
                                                          json_text(a->text), "status", a->status, "at",
                                                          json_time(a->at))) == 0;
        }
        if (ok) {
            ok = json_put(o, "entries", entries) && json_put(o, "answers", answers);
            entries = answers = NULL;
        }
        json_decref(entries);
        json_decref(answers);
        ok = ok && json_put(o, "show", json_text(p->show)) && json_put(o, "shown", json_integer(p->shown)) &&
             json_put(o, "pending", json_integer(p->pending));
    }
    return ok;
}

static json_t *json_run(const struct results_session *s)
{
    json_t *o = json_object();
    if (!(o && json_put(o, "number", json_integer(s->run)) &&
          json_put(o, "label", json_text(s->run_label ? s->run_label : "")) &&
          json_put(o, "startedAt", json_time(s->run_started_at)) &&
          json_put(o, "endedAt", json_time(s->run_ended_at)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *json_questions(const struct results_session *s)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < s->n_questions; i++) {
        const struct results_question *q = &s->questions[i];
        if (json_array_append_new(a, json_pack("{s:I, s:o, s:I, s:s, s:o}", "id", (json_int_t)q->id, "text",
                                               json_text(q->text), "votes", (json_int_t)q->votes, "status",
                                               q->status, "askedAt", json_time(q->at))) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *json_poll(const struct results_poll *p)
{
    json_t *o = json_object(), *options = json_array(), *counts = json_object();
    bool ok = o && options && counts;
    for (unsigned i = 0; ok && i < export_n_options(p); i++) {
        char spare[16];
        const char *name = export_option_name(p, i, spare);
        ok = json_array_append_new(options, json_text(name)) == 0 &&
             json_put(counts, name, json_integer(p->counts[i]));
    }
    ok = ok && json_put(o, "id", json_text(p->poll_id)) && json_put(o, "question", json_text(p->question)) &&
         json_put(o, "kind", json_text(p->kind)) &&
         json_put(o, "slide", p->slide_index >= 0 ? json_integer(p->slide_index + 1) : json_null()) &&
         json_put(o, "status", json_text(p->status));
    if (ok) {
        ok = json_put(o, "options", options) && json_put(o, "counts", counts);
        options = counts = NULL; /* stolen, even on failure */
    }
    ok = ok && json_put(o, "voters", json_integer(p->voters)) &&
         json_put(o, "participants", json_integer(p->participants)) &&
         json_put(o, "openedAt", json_time(p->opened_at)) && json_put(o, "closedAt", json_time(p->closed_at)) &&
         json_put(o, "removed", json_boolean(p->removed));
    ok = ok && json_kind_fields(o, p);
    json_decref(options);
    json_decref(counts);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *json_session(const struct results_session *s)
{
    json_t *o = json_object(), *polls = json_array();
    bool ok = o && polls;
    for (size_t i = 0; ok && s->polls && i < s->n_polls; i++)
        ok = json_array_append_new(polls, json_poll(&s->polls[i])) == 0;
    ok = ok && json_put(o, "code", json_text(s->code)) && json_put(o, "title", json_text(s->title)) &&
         json_put(o, "deck", json_text(export_deck_name(s->deck_path))) && json_put(o, "createdAt", json_time(s->created_at)) &&
         json_put(o, "participants", json_integer(s->participants)) &&
         json_put(o, "slides", s->n_slides ? json_integer((json_int_t)s->n_slides) : json_null()) &&
         json_put(o, "run", s->run > 0 ? json_run(s) : json_null());
    if (ok) {
        ok = json_put(o, "polls", polls);
        polls = NULL;
    }
    ok = ok && json_put(o, "questions", json_questions(s));
    json_decref(polls);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Where jansson's dump callback writes, and why it stopped. */
struct json_sink_ctx {
    struct hu_buf *b;
    int rc;
};

static int json_sink(const char *chunk, size_t n, void *data)
{
    struct json_sink_ctx *ctx = data;
    ctx->rc = hu_buf_append(ctx->b, chunk, n);
    return ctx->rc == HU_OK ? 0 : -1;
}

int export_json_dump(const json_t *root, struct hu_buf *b)
{
    struct json_sink_ctx ctx = {b, HU_OK};
    if (json_dump_callback(root, json_sink, &ctx, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        return ctx.rc ? ctx.rc : HU_ERR_NOMEM;
    return hu_buf_puts(b, "\n");
}

int export_json(const struct results *r, struct hu_buf *b)
{
    json_t *root = json_object(), *sessions = json_array();
    bool ok = root && sessions && json_put(root, "format", json_string("handsup-results")) &&
              json_put(root, "version", json_integer(JSON_EXPORT_VERSION));
    for (size_t i = 0; ok && i < r->n_sessions; i++)
        ok = json_array_append_new(sessions, json_session(&r->sessions[i])) == 0;
    if (ok) {
        ok = json_put(root, "sessions", sessions);
        sessions = NULL;
    }
    json_decref(sessions);
    int rc = ok ? export_json_dump(root, b) : HU_ERR_NOMEM;
    json_decref(root);
    return rc;
}
