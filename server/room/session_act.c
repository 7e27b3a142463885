/* session_act.c -- what participants send, from check to commit: votes on
 * every option kind, open answers and their withdrawal, audience questions
 * and upvotes; and the presenter's moderation of answers and questions.
 *
 * A check changes nothing a participant sees (answers and questions reserve
 * an id and a place in the sender's limit, so two in flight cannot both
 * pass it); the store writes; session_act_done applies.  Free text is
 * cleaned (base/hu_text.h) before anything else looks at it, and held as
 * pending when the deck says "moderate" or the blocklist matches. */
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "base/hu_text.h"
#include "session_impl.h"

/* Reads a decimal id ("17") made by this server; 0 for anything else. */
static uint32_t session_parse_id(const char *s)
{
    uint64_t v = 0;
    if (!s || !*s || *s == '0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > UINT32_MAX / 10)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    return v <= UINT32_MAX ? (uint32_t)v : 0;
}

static void session_act_init(struct session_act *a, enum session_act_type type, uint32_t participant)
{
    memset(a, 0, sizeof *a);
    a->type = type;
    a->participant = participant;
    a->poll = -1;
}

/* The poll named poll_id and its index, or NULL. */
static struct session_poll *session_poll_of(const struct session *s, const char *poll_id, int *index)
{
    int slide = deck_find_poll(s->deck, poll_id);
    if (slide < 0)
        return NULL;
    *index = s->slide_poll[slide];
    return &s->polls[*index];
}

int session_vote_check(const struct session *s, uint32_t participant, const char *poll_id,
                       const struct ballot_in *in, struct session_act *a, char *why, size_t whylen)
{
    int pi;
    const struct session_poll *p = session_poll_of(s, poll_id, &pi);
    if (!p)
        return HU_ERR_UNKNOWN_POLL;
    session_act_init(a, SESSION_ACT_VOTE, participant);
    int rc = ballot_parse(p->spec, in, &a->picks, why, whylen);
    if (rc != HU_OK)
        return rc;
    if (p->status != SESSION_POLL_OPEN)
        return HU_ERR_POLL_CLOSED;
    a->poll = pi;
    a->generation = s->generation;
    a->spec = p->spec;
    a->epoch = p->epoch;
    a->poll_id = p->slide->poll_id;
    return HU_OK;
}

/* Cleans text into a malloc'd string within max characters. */
static int session_clean(const char *text, size_t len, size_t max_chars, char **out)
{
    struct hu_buf b;
    /* Cleaning never lengthens text; the cap only bounds a hostile input. */
    hu_buf_init(&b, len + 1);
    int rc = hu_text_clean(text, len, max_chars, &b);
    if (rc == HU_OK && !(*out = hu_buf_steal(&b)))
        rc = HU_ERR_NOMEM;
    hu_buf_free(&b);
    return rc;
}

int session_answer_check(struct session *s, uint32_t participant, const char *poll_id, const char *text,
                         size_t len, int64_t now_ms, struct session_act *a)
{
    int pi;
    struct session_poll *p = session_poll_of(s, poll_id, &pi);
    if (!p)
        return HU_ERR_UNKNOWN_POLL;
    if (!p->spec->kind->text)
        return HU_ERR_BAD_MESSAGE;
    if (p->status != SESSION_POLL_OPEN)
        return HU_ERR_POLL_CLOSED;
    session_act_init(a, SESSION_ACT_ANSWER, participant);
    int rc = session_clean(text, len, p->spec->max_chars, &a->text);
    if (rc == HU_OK && answers_count_mine(&p->answers, participant) >= p->spec->answers)
        rc = HU_ERR_LIMIT;
    if (rc == HU_OK)
        rc = answers_reserve(&p->answers, participant, &a->item);
    if (rc != HU_OK) {
        free(a->text);
        a->text = NULL;
        return rc;
    }
    bool held = p->spec->moderate || blocklist_match(s->blocklist, a->text, strlen(a->text));
    a->status = held ? ANSWER_PENDING : ANSWER_SHOWN;
    a->poll = pi;
    a->generation = s->generation;
    a->spec = p->spec;
    a->epoch = p->epoch;
    a->poll_id = p->slide->poll_id;
    a->at = now_ms;
    return HU_OK;
}

int session_withdraw_check(const struct session *s, uint32_t participant, const char *poll_id,
                           const char *answer_id, struct session_act *a)
{
    int pi;
    const struct session_poll *p = session_poll_of(s, poll_id, &pi);
    if (!p)
        return HU_ERR_UNKNOWN_POLL;
    uint32_t id = session_parse_id(answer_id);
    const struct answer *it = answers_get(&p->answers, id);
    if (!p->spec->kind->text || !it || it->participant != participant)
        return HU_ERR_BAD_MESSAGE;
    if (p->status != SESSION_POLL_OPEN)
        return HU_ERR_POLL_CLOSED;
    session_act_init(a, SESSION_ACT_WITHDRAW, participant);
    a->poll = pi;
    a->generation = s->generation;
    a->spec = p->spec;
    a->epoch = p->epoch;
    a->poll_id = p->slide->poll_id;
    a->item = id;
    a->status = ANSWER_WITHDRAWN;
    return HU_OK;
}

int session_ask_check(struct session *s, uint32_t participant, const char *text, size_t len, int64_t now_ms,
                      struct session_act *a)
{
    if (s->deck->qa == DECK_QA_OFF)
        return HU_ERR_QA_CLOSED;
    session_act_init(a, SESSION_ACT_ASK, participant);
    a->epoch = s->run_epoch;
    int rc = session_clean(text, len, HU_ASK_MAX, &a->text);
    if (rc == HU_OK)
        rc = qa_reserve(&s->qa, participant, &a->item);
    if (rc != HU_OK) {
        free(a->text);
        a->text = NULL;
        return rc;
    }
    bool held = s->deck->qa == DECK_QA_MODERATED || blocklist_match(s->blocklist, a->text, strlen(a->text));
    a->status = held ? QUESTION_PENDING : QUESTION_OPEN;
    a->at = now_ms;
    return HU_OK;
}

int session_upvote_check(const struct session *s, uint32_t participant, const char *question_id, bool on,
                         struct session_act *a)
{
    if (s->deck->qa == DECK_QA_OFF)
        return HU_ERR_QA_CLOSED;
    uint32_t id = session_parse_id(question_id);
    const struct question *x = qa_get(&s->qa, id);
    /* Taking back an upvote is allowed whatever became of the question. */
    if (!x || (on && !qa_visible((enum question_status)x->status)))
        return HU_ERR_BAD_MESSAGE;
    session_act_init(a, SESSION_ACT_UPVOTE, participant);
    a->epoch = s->run_epoch;
    a->item = id;
    a->on = on;
    return HU_OK;
}

int session_act_save(struct session *s, const struct session_act *a, void *cookie)
{
    if (!s->store)
        return HU_ERR_STORE;
    int rc;
    switch (a->type) {
    case SESSION_ACT_VOTE: {
        char stored[BALLOT_TEXT_MAX];
        ballot_encode(a->spec, a->picks, stored);
        rc = store_vote(s->store, s->store_id, a->poll_id, a->participant, stored, cookie);
        if (rc == HU_OK)
            s->polls[a->poll].votes_taken++; /* a vote on the way: the poll was meant to be open */
        return rc;
    }
    case SESSION_ACT_ANSWER:
        rc = store_answer(s->store, s->store_id, a->poll_id, a->item, a->participant, a->text, a->status, cookie);
        if (rc == HU_OK)
            s->polls[a->poll].votes_taken++;
        return rc;
    case SESSION_ACT_WITHDRAW:
        return store_answer_status(s->store, s->store_id, a->poll_id, a->item, ANSWER_WITHDRAWN, cookie);
    case SESSION_ACT_ASK:
        return store_question(s->store, s->store_id, a->item, a->participant, a->text, a->status, cookie);
    case SESSION_ACT_UPVOTE:
        return store_upvote(s->store, s->store_id, a->item, a->participant, a->on, cookie);
    }
    return HU_ERR_INTERNAL;
}

/* Applies act a of the deck being served (or releases what its check
 * reserved); returns whether anything a participant sees changed. */
static bool session_act_apply(struct session *s, const struct session_act *a, bool ok)
{
    struct session_poll *p = a->poll >= 0 ? &s->polls[a->poll] : NULL;
    bool current = p && p->epoch == a->epoch;
    bool changed = false;
    switch (a->type) {
    case SESSION_ACT_VOTE:
        changed = ok && current && tally_set(p->tally, a->participant, a->picks) == HU_OK;
        break;
    case SESSION_ACT_ANSWER:
        /* A reset since the check cleared the reservation with the rest. */
        if (current && ok)
            changed = answers_commit(&p->answers, a->item, a->participant, a->text,
                                     (enum answer_status)a->status, a->at) == HU_OK;
        else if (current)
            answers_release(&p->answers, a->participant, a->item);
        break;
    case SESSION_ACT_WITHDRAW:
        changed = ok && current && answers_set_status(&p->answers, a->item, ANSWER_WITHDRAWN) == HU_OK;
        break;
    case SESSION_ACT_ASK:
        /* Checked in an earlier run: its questions went with that run
         * (session_new_run), reservation included; the store has it there. */
        if (a->epoch != s->run_epoch)
            break;
        if (ok)
            changed = qa_commit(&s->qa, a->item, a->participant, a->text, (enum question_status)a->status, a->at) ==
                      HU_OK;
        else
            qa_release(&s->qa, a->participant, a->item);
        break;
    case SESSION_ACT_UPVOTE:
        if (ok && a->epoch == s->run_epoch && qa_upvote(&s->qa, a->item, a->participant, a->on, &changed) != HU_OK)
            changed = false;
        break;
    }
    return changed;
}

void session_act_done(struct session *s, struct session_act *a, bool ok)
{
    /* Checked against a deck a reload has replaced since: a->poll indexes
     * the old polls, so the act goes by its poll id. */
    bool changed = a->poll >= 0 && a->generation != s->generation ? session_reload_act_done(s, a, ok)
                                                                  : session_act_apply(s, a, ok);
    free(a->text);
    a->text = NULL;
    if (!changed)
        return;
    if (a->type == SESSION_ACT_ASK || a->type == SESSION_ACT_UPVOTE) {
        s->qa_version++;
    } else {
        s->tally_version++;
        if (a->type != SESSION_ACT_VOTE)
            s->answers_version++;
    }
}

size_t session_act_ack(const struct session *s, const struct session_act *a, char *buf, size_t cap)
{
    (void)s; /* a->spec outlives a reload; s->polls[a->poll] does not */
    static const char *const fields[] = {[SESSION_ACT_ANSWER] = "answer", [SESSION_ACT_WITHDRAW] = "answer",
                                         [SESSION_ACT_ASK] = "question", [SESSION_ACT_UPVOTE] = "question"};
    char picks[BALLOT_TEXT_MAX] = "";
    const char *vote_field = "";
    const char *status = "";
    if (a->type == SESSION_ACT_VOTE) {
        ballot_write(a->spec, a->picks, picks);
        vote_field = ballot_field(a->spec);
    } else if (a->type == SESSION_ACT_ANSWER || a->type == SESSION_ACT_WITHDRAW) {
        status = a->type == SESSION_ACT_WITHDRAW ? "withdrawn" : answers_status_name((enum answer_status)a->status);
    } else if (a->type == SESSION_ACT_ASK) {
        status = qa_status_name((enum question_status)a->status);
    }
    /* Poll ids, option ids and statuses need no escaping (docs/protocol.md). */
    int n = snprintf(buf, cap, "{\"type\":\"ack\"%s%s%s", a->poll_id ? ",\"poll\":\"" : "", a->poll_id ? a->poll_id : "",
                     a->poll_id ? "\"" : "");
    size_t used = n > 0 && (size_t)n < cap ? (size_t)n : 0;
    if (used && a->type == SESSION_ACT_VOTE)
        n = snprintf(buf + used, cap - used, ",\"%s\":%s", vote_field, picks);
    else if (used && a->type == SESSION_ACT_UPVOTE)
        n = snprintf(buf + used, cap - used, ",\"question\":\"%u\",\"on\":%s", (unsigned)a->item,
                     a->on ? "true" : "false");
    else if (used)
        n = snprintf(buf + used, cap - used, ",\"%s\":\"%u\",\"status\":\"%s\"", fields[a->type], (unsigned)a->item,
                     status);
    return used && n > 0 && (size_t)n < cap - used ? used + (size_t)n : 0;
}

const char *session_act_choice(const struct session *s, const struct session_act *a)
{
    if (a->type != SESSION_ACT_VOTE || a->picks == TALLY_NONE || (a->picks & (a->picks - 1)))
        return NULL;
    (void)s; /* a->spec outlives a reload, s->polls[a->poll] does not */
    if (strcmp(ballot_field(a->spec), "choice") != 0)
        return NULL;
    return a->spec->ids[__builtin_ctz(a->picks)];
}

/* --- moderation --- */

int session_moderate(struct session *s, const char *poll_id, const char *answer_id, bool approve,
                     uint32_t *author)
{
    int pi;
    struct session_poll *p = session_poll_of(s, poll_id, &pi);
    if (!p)
        return HU_ERR_UNKNOWN_POLL;
    uint32_t id = session_parse_id(answer_id);
    const struct answer *it = answers_get(&p->answers, id);
    if (!p->spec->kind->text || !it || it->status == ANSWER_WITHDRAWN)
        return HU_ERR_BAD_MESSAGE;
    enum answer_status st = approve ? ANSWER_SHOWN : ANSWER_HIDDEN;
    *author = it->participant;
    if (it->status == st)
        return HU_OK;
    int rc = answers_set_status(&p->answers, id, st);
    if (rc != HU_OK)
        return rc;
    if (s->store && (rc = store_answer_status(s->store, s->store_id, p->slide->poll_id, id, st, NULL)) != HU_OK)
        log_event(LOG_ERROR, "cannot save moderation", LOG_S("session", s->code), LOG_S("error", hu_strerror(rc)),
                  LOG_END);
    /* The author's phone is the caller's to refresh; everyone's only when
     * they are shown the results, once the poll has closed. */
    if (p->status == SESSION_POLL_CLOSED && (!p->slide->results_hidden || p->revealed))
        s->version++;
    s->tally_version++;
    s->answers_version++;
    return HU_OK;
}

int session_question_action(struct session *s, const char *question_id, enum session_qa_action action)
{
    static const enum question_status to[] = {
        [SESSION_QA_APPROVE] = QUESTION_OPEN, [SESSION_QA_HIDE] = QUESTION_HIDDEN,
        [SESSION_QA_ANSWERED] = QUESTION_ANSWERED, [SESSION_QA_PIN] = QUESTION_PINNED,
        [SESSION_QA_UNPIN] = QUESTION_OPEN};
    if (s->deck->qa == DECK_QA_OFF)
        return HU_ERR_QA_CLOSED;
    uint32_t id = session_parse_id(question_id);
    const struct question *x = qa_get(&s->qa, id);
    if (!x)
        return HU_ERR_BAD_MESSAGE;
    enum question_status st = to[action];
    /* Unpinning leaves an answered or hidden question as it is. */
    if (action == SESSION_QA_UNPIN && x->status != QUESTION_PINNED)
        return HU_OK;
    if (x->status == st)
        return HU_OK;
    int rc = qa_set_status(&s->qa, id, st);
    if (rc != HU_OK)
        return rc;
    if (s->store && (rc = store_question_status(s->store, s->store_id, id, st)) != HU_OK)
        log_event(LOG_ERROR, "cannot save a question's status", LOG_S("session", s->code),
                  LOG_S("error", hu_strerror(rc)), LOG_END);
    s->qa_version++;
    return HU_OK;
}

/* --- restore --- */

void session_restore_answer(struct session *s, const char *poll_id, uint32_t id, uint32_t participant,
                            const char *text, int status, int64_t at, int *err)
{
    struct answers *a = NULL;
    struct session_poll *p = session_find_poll(s, poll_id);
    if (p && p->spec->kind->text)
        a = &p->answers;
    for (size_t i = 0; !p && i < s->n_removed; i++)
        if (strcmp(s->removed[i].row.poll_id, poll_id) == 0 && s->removed[i].known &&
            s->removed[i].spec.kind->text)
            a = &s->removed[i].answers;
    if (!a || status < ANSWER_SHOWN || status > ANSWER_WITHDRAWN)
        return;
    int rc = answers_commit(a, id, participant, text, (enum answer_status)status, at);
    if (rc == HU_ERR_NOMEM)
        *err = rc;
}
