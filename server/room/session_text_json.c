/* session_text_json.c -- the messages that carry participants' text: a
 * phone's own part of its state ("myVote", "myAnswers"), the "questions"
 * list and the presenters' "answers" list (docs/protocol.md).
 *
 * A phone's question list differs from its neighbour's only in "mine" and
 * "upvoted", so the shared top of the list is serialised once per change of
 * the questions (qa_cache) and each phone's copy appends two booleans per
 * item: with 19,000 phones that is a copy, not 19,000 builds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "session_impl.h"

/* Appends s as a JSON string (quoted and escaped). */
static int session_json_str(struct hu_buf *out, const char *s)
{
    json_t *v = json_string(s ? s : "");
    char *text = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    if (!text)
        return HU_ERR_NOMEM;
    int rc = hu_buf_puts(out, text);
    free(text);
    return rc;
}

size_t session_attendee_vote_tail(const struct session *s, uint32_t participant, char buf[SESSION_VOTE_TAIL_MAX])
{
    const struct session_poll *p = session_current_poll(s);
    static const char head[] = ",\"myVote\":";
    memcpy(buf, head, sizeof head - 1);
    size_t n = sizeof head - 1;
    if (p && p->tally) {
        n += ballot_write(p->spec, tally_get(p->tally, participant), buf + n);
    } else {
        memcpy(buf + n, "null", 4);
        n += 4;
    }
    buf[n++] = '}';
    return n;
}

int session_attendee_tail(const struct session *s, uint32_t participant, struct hu_buf *out)
{
    const struct session_poll *p = session_current_poll(s);
    char picks[BALLOT_TEXT_MAX] = "null";
    if (p && p->tally)
        ballot_write(p->spec, tally_get(p->tally, participant), picks);
    int rc = hu_buf_printf(out, ",\"myVote\":%s", picks);
    if (rc == HU_OK && p && p->spec->kind->text) {
        rc = hu_buf_puts(out, ",\"myAnswers\":[");
        bool first = true;
        for (uint32_t id = answers_newest_mine(&p->answers, participant); rc == HU_OK && id;) {
            const struct answer *it = answers_get(&p->answers, id);
            if (!it)
                break;
            if (it->status != ANSWER_WITHDRAWN) {
                rc = hu_buf_printf(out, "%s{\"id\":\"%u\",\"text\":", first ? "" : ",", (unsigned)id);
                if (rc == HU_OK)
                    rc = session_json_str(out, it->text);
                if (rc == HU_OK)
                    rc = hu_buf_printf(out, ",\"status\":\"%s\"}",
                                       answers_status_name((enum answer_status)it->status));
                first = false;
            }
            id = it->prev_mine;
        }
        if (rc == HU_OK)
            rc = hu_buf_puts(out, "]");
    }
    return rc == HU_OK ? hu_buf_puts(out, "}") : rc;
}

/* One question's shared fields, without the closing brace. */
static int session_question_open(struct hu_buf *out, const struct question *x, bool with_time)
{
    int rc = hu_buf_printf(out, "{\"id\":\"%u\",\"text\":", (unsigned)x->id);
    if (rc == HU_OK)
        rc = session_json_str(out, x->text);
    if (rc == HU_OK)
        rc = hu_buf_printf(out, ",\"votes\":%u,\"status\":\"%s\"", (unsigned)x->rank.count,
                           qa_status_name((enum question_status)x->status));
    if (rc == HU_OK && with_time)
        rc = hu_buf_printf(out, ",\"at\":%lld", (long long)x->at);
    return rc;
}

/* Rebuilds the phones' shared top of the list when the questions changed. */
static int session_qa_cache(struct session *s)
{
    if (s->qa_cache_version == s->qa_version)
        return HU_OK;
    s->qa_cache.len = 0;
    if (s->qa_cache.data)
        s->qa_cache.data[0] = '\0';
    s->qa_cache_n = 0;
    int rc = HU_OK;
    for (const struct question *x = qa_first(&s->qa); rc == HU_OK && x && s->qa_cache_n < HU_QA_TOP;
         x = qa_next(x)) {
        rc = session_question_open(&s->qa_cache, x, false);
        s->qa_cache_ids[s->qa_cache_n] = x->id;
        s->qa_cache_ends[s->qa_cache_n++] = s->qa_cache.len;
    }
    s->qa_cache_version = rc == HU_OK ? s->qa_version : 0;
    return rc;
}

static bool session_qa_cached(const struct session *s, uint32_t id)
{
    for (size_t i = 0; i < s->qa_cache_n; i++)
        if (s->qa_cache_ids[i] == id)
            return true;
    return false;
}

/* One question of a presenter's list, after a comma unless it is the first. */
static int session_question_full(struct hu_buf *out, const struct question *x, bool *first)
{
    int rc = hu_buf_puts(out, *first ? "" : ",");
    if (rc == HU_OK)
        rc = session_question_open(out, x, true);
    *first = false;
    return rc == HU_OK ? hu_buf_puts(out, "}") : rc;
}

/* Every question, for presenters: the visible ones by votes, then those
 * waiting or hidden, by id. */
static int session_questions_all(const struct session *s, struct hu_buf *out)
{
    int rc = HU_OK;
    bool first = true;
    for (const struct question *x = qa_first(&s->qa); rc == HU_OK && x; x = qa_next(x))
        rc = session_question_full(out, x, &first);
    for (uint32_t id = 1; rc == HU_OK && id <= s->qa.n_items; id++) {
        const struct question *x = qa_get(&s->qa, id);
        if (x && !qa_visible((enum question_status)x->status))
            rc = session_question_full(out, x, &first);
    }
    return rc;
}

int session_questions_write(struct session *s, bool presenter, uint32_t participant, struct hu_buf *out)
{
    int rc = hu_buf_puts(out, "{\"type\":\"questions\",\"items\":[");
    if (rc == HU_OK && presenter) {
        rc = session_questions_all(s, out);
    } else if (rc == HU_OK) {
        rc = session_qa_cache(s);
        size_t from = 0;
        for (size_t i = 0; rc == HU_OK && i < s->qa_cache_n; i++) {
            const struct question *x = qa_get(&s->qa, s->qa_cache_ids[i]);
            if (i)
                rc = hu_buf_puts(out, ",");
            if (rc == HU_OK)
                rc = hu_buf_append(out, s->qa_cache.data + from, s->qa_cache_ends[i] - from);
            /* Fixed strings, not a format: this runs for every item of every
             * phone's list, 19,000 phones a second at most. */
            if (rc == HU_OK)
                rc = hu_buf_puts(out, x->participant == participant ? ",\"mine\":true" : ",\"mine\":false");
            if (rc == HU_OK)
                rc = hu_buf_puts(out, qa_upvoted(&s->qa, x->id, participant) ? ",\"upvoted\":true}"
                                                                               : ",\"upvoted\":false}");
            from = s->qa_cache_ends[i];
        }
        /* The participant's own questions below the top, or not shown to the
         * room (pending, hidden), so a phone always sees what it asked. */
        bool first = s->qa_cache_n == 0;
        for (uint32_t id = qa_newest_mine(&s->qa, participant); rc == HU_OK && id;) {
            const struct question *x = qa_get(&s->qa, id);
            if (!x)
                break;
            if (!session_qa_cached(s, id)) {
                rc = hu_buf_puts(out, first ? "" : ",");
                if (rc == HU_OK)
                    rc = session_question_open(out, x, false);
                if (rc == HU_OK)
                    rc = hu_buf_printf(out, ",\"mine\":true,\"upvoted\":%s}",
                                       qa_upvoted(&s->qa, id, participant) ? "true" : "false");
                first = false;
            }
            id = x->prev_mine;
        }
    }
    if (rc == HU_OK)
        rc = hu_buf_printf(out, "],\"total\":%u}", (unsigned)(presenter ? s->qa.n_items : s->qa.rank.n_items));
    return rc;
}

json_t *session_answers_json(const struct session *s)
{
    const struct session_poll *p = session_current_poll(s);
    if (!p || !p->spec->kind->text)
        return NULL;
    json_t *items = json_array();
    size_t n = 0, total = 0;
    for (uint32_t id = p->answers.n_items; items && id >= 1; id--) {
        const struct answer *it = answers_get(&p->answers, id);
        if (!it || it->status == ANSWER_WITHDRAWN)
            continue;
        total++;
        if (n++ >= HU_ANSWERS_LIST_MAX)
            continue;
        char idbuf[16];
        snprintf(idbuf, sizeof idbuf, "%u", (unsigned)id);
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:I}", "id", idbuf, "text", it->text, "status",
                                               answers_status_name((enum answer_status)it->status), "at",
                                               (json_int_t)it->at));
    }
    return json_pack("{s:s, s:s, s:o, s:I}", "type", "answers", "poll", p->slide->poll_id, "items",
                     items ? items : json_array(), "total", (json_int_t)total);
}
