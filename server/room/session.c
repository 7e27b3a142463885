/* session.c -- the room's state machine: slides, polls, timers and votes.
 *
 * Rules (docs/protocol.md): arriving at a poll slide that was never opened
 * opens it; leaving a poll slide closes its poll (unless the presenter only
 * passed through it); arriving at a discussion slide starts its timer the
 * first time (session_timer.c).  Every change is saved to the store in the call
 * that makes it, so the data file sees changes in memory order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "base/token.h"
#include "session_impl.h"

static void session_poll_set_status(struct session *s, struct session_poll *p,
                                    enum session_poll_status st, int64_t now_ms);

struct session *session_new(struct deck *deck, const char *code, const char *key,
                            const char *join_url, struct store *st, int64_t store_id,
                            int64_t created_at)
{
    struct session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->deck = deck;
    if (deck_bind(deck, code) != HU_OK) {
        free(s);
        return NULL;
    }
    s->store = st;
    s->store_id = store_id;
    s->created_at = created_at;
    snprintf(s->code, sizeof s->code, "%s", code);
    snprintf(s->key, sizeof s->key, "%s", key);
    s->join_url = strdup(join_url ? join_url : "");
    s->polls = calloc(deck->n_polls ? deck->n_polls : 1, sizeof *s->polls);
    s->slide_poll = calloc(deck->n_slides, sizeof *s->slide_poll);
    s->timers = calloc(deck->n_slides, sizeof *s->timers);
    if (!s->join_url || !s->polls || !s->slide_poll || !s->timers)
        goto err;
    size_t np = 0;
    for (size_t i = 0; i < deck->n_slides; i++) {
        s->slide_poll[i] = -1;
        const struct deck_slide *sl = &deck->slides[i];
        if (sl->kind != DECK_SLIDE_POLL || np >= deck->n_polls)
            continue;
        struct session_poll *p = &s->polls[np];
        p->slide = sl;
        p->spec = sl->spec;
        p->slide_index = (int)i;
        answers_init(&p->answers);
        s->slide_poll[i] = (int)np++;
        if (!p->spec->kind->text && !(p->tally = tally_new(p->spec->n_options)))
            goto err;
    }
    qa_init(&s->qa);
    /* The shared top of a phone's question list: HU_QA_TOP questions of at
     * most HU_ASK_MAX characters, each escaped at worst to 12 bytes. */
    hu_buf_init(&s->qa_cache, (size_t)HU_QA_TOP * (HU_ASK_MAX * 12 + 128));
    s->version = 1;
    s->tally_version = 1;
    s->answers_version = 1;
    s->qa_version = 1;
    return s;
err:
    session_free(s);
    return NULL;
}

void session_free(struct session *s)
{
    if (!s)
        return;
    if (s->polls)
        for (size_t i = 0; i < s->deck->n_polls; i++) {
            tally_free(s->polls[i].tally);
            answers_clear(&s->polls[i].answers);
        }
    free(s->polls);
    for (size_t i = 0; i < s->n_removed; i++) {
        tally_free(s->removed[i].tally);
        answers_clear(&s->removed[i].answers);
    }
    free(s->removed);
    for (size_t i = 0; i < s->n_retired; i++)
        deck_free(s->retired[i]);
    free(s->retired);
    qa_clear(&s->qa);
    hu_buf_free(&s->qa_cache);
    free(s->slide_poll);
    free(s->timers);
    free(s->join_url);
    session_people_free(s);
    deck_free(s->deck);
    free(s);
}

/* --- restore from the data file --- */

struct session_restore_ctx {
    struct session *s;
    int err;
    char warned[HU_POLL_ID_MAX + 1]; /* the last poll warned about (votes come by poll) */
};

void session_set_blocklist(struct session *s, const struct blocklist *bl) { s->blocklist = bl; }

struct session_poll *session_find_poll(const struct session *s, const char *poll_id)
{
    int slide = deck_find_poll(s->deck, poll_id);
    if (slide < 0)
        return NULL;
    return &s->polls[s->slide_poll[slide]];
}

static void session_restore_poll(void *ctx, const struct store_poll_row *row)
{
    struct session_restore_ctx *rc = ctx;
    struct session_poll *p = session_find_poll(rc->s, row->poll_id);
    if (!p) {
        struct session *s = rc->s;
        struct session_removed *r = realloc(s->removed, (s->n_removed + 1) * sizeof *r);
        if (!r) {
            rc->err = HU_ERR_NOMEM;
            return;
        }
        s->removed = r;
        r = &s->removed[s->n_removed++];
        memset(r, 0, sizeof *r);
        answers_init(&r->answers);
        r->row = *row;
        r->row.slide_index = -1;
        r->known = pollspec_decode(row->kind, row->params, &r->spec) == HU_OK;
        if (r->known && !r->spec.kind->text && !(r->tally = tally_new(r->spec.n_options))) {
            rc->err = HU_ERR_NOMEM;
            return;
        }
        if (row->slide_index >= 0) {
            log_event(LOG_WARN, "poll in the data file is no longer in the deck; its results are kept for export",
                      LOG_S("deck", s->deck->path), LOG_S("poll", row->poll_id), LOG_END);
            if (s->store)
                (void)store_poll(s->store, s->store_id, &r->row);
        }
        return;
    }
    if (strcmp(row->question, p->slide->question) != 0)
        /* Polls are matched by id; a derived id follows its position, so
         * inserting a poll earlier in the deck moves votes to another
         * question.  Say so rather than let the export mislead. */
        log_event(LOG_WARN,
                  "poll question changed since its votes were cast; the votes stay with the id "
                  "(give polls an <!-- id: ... --> to keep them with their question)",
                  LOG_S("deck", rc->s->deck->path), LOG_S("poll", row->poll_id), LOG_S("was", row->question),
                  LOG_S("now", p->slide->question), LOG_END);
    p->status = row->status == 1 ? SESSION_POLL_OPEN
              : row->status == 2 ? SESSION_POLL_CLOSED : SESSION_POLL_PENDING;
    p->revealed = row->revealed;
    p->opened_at = row->opened_at;
    p->closed_at = row->closed_at;
    p->participants_at_close = row->participants_at_close;
}

static void session_restore_participant(void *ctx, uint32_t idx, const unsigned char hash[HU_HASH_LEN])
{
    struct session_restore_ctx *rc = ctx;
    uint32_t got;
    /* Participants are replayed by index; a gap would shift every later one. */
    if (idx != rc->s->n_participants || session_people_add(rc->s, hash, &got) != HU_OK)
        rc->err = HU_ERR_PARSE;
}

static void session_restore_vote(void *ctx, const char *poll_id, uint32_t participant, const char *choice)
{
    struct session_restore_ctx *rc = ctx;
    struct session_poll *p = session_find_poll(rc->s, poll_id);
    tally_mask picks;
    if (!p) {
        /* A removed poll: its votes stay in the file, and count for exports. */
        for (size_t i = 0; i < rc->s->n_removed; i++) {
            struct session_removed *r = &rc->s->removed[i];
            if (strcmp(r->row.poll_id, poll_id) == 0 && r->tally && ballot_decode(&r->spec, choice, &picks) == HU_OK &&
                tally_set(r->tally, participant, picks) == HU_ERR_NOMEM)
                rc->err = HU_ERR_NOMEM;
        }
        return;
    }
    /* A vote that no longer fits the poll (its options were edited since)
     * is left in the file and counted for no one, with a word on stderr. */
    if (!p->tally || ballot_decode(p->spec, choice, &picks) != HU_OK) {
        /* Once per poll: a poll whose options changed has many such votes. */
        if (strcmp(rc->warned, poll_id) != 0)
            log_event(LOG_WARN, "votes in the data file name options the poll no longer has; they are not counted",
                      LOG_S("deck", rc->s->deck->path), LOG_S("poll", poll_id), LOG_S("choice", choice), LOG_END);
        snprintf(rc->warned, sizeof rc->warned, "%s", poll_id);
        return;
    }
    if (participant >= rc->s->n_participants || tally_set(p->tally, participant, picks) != HU_OK)
        rc->err = HU_ERR_PARSE;
}

static void session_restore_answer_cb(void *ctx, const char *poll_id, uint32_t id, uint32_t participant,
                                      const char *text, int status, int64_t at)
{
    struct session_restore_ctx *rc = ctx;
    session_restore_answer(rc->s, poll_id, id, participant, text, status, at, &rc->err);
}

static void session_restore_question(void *ctx, uint32_t id, uint32_t participant, const char *text, int status,
                                     int64_t at)
{
    struct session_restore_ctx *rc = ctx;
    if (status < QUESTION_OPEN || status > QUESTION_PINNED)
        return;
    int e = qa_commit(&rc->s->qa, id, participant, text, (enum question_status)status, at);
    if (e == HU_ERR_NOMEM)
        rc->err = e;
}

static void session_restore_upvote(void *ctx, uint32_t question_id, uint32_t participant)
{
    struct session_restore_ctx *rc = ctx;
    bool changed;
    if (qa_upvote(&rc->s->qa, question_id, participant, true, &changed) == HU_ERR_NOMEM)
        rc->err = HU_ERR_NOMEM;
}

/* Participants come by index from a data file; in cluster mode, from
 * Redis, with the same indices every node uses. */
static void session_restore_put(void *ctx, uint32_t idx, const unsigned char hash[HU_HASH_LEN])
{
    struct session_restore_ctx *rc = ctx;
    int e = session_people_put(rc->s, idx, hash);
    if (e != HU_OK)
        rc->err = e;
}

int session_restore(struct session *s, int saved_slide)
{
    if (!s->store)
        return HU_OK;
    struct session_restore_ctx rc = {s, HU_OK, ""};
    const struct store_load_cb cb = {session_restore_poll,
                                     store_is_cluster(s->store) ? session_restore_put : session_restore_participant,
                                     session_restore_vote,      session_restore_answer_cb,
                                     session_restore_question,  session_restore_upvote};
    int err = store_session_load(s->store, s->store_id, &cb, &rc);
    if (err)
        return err;
    if (rc.err)
        return rc.err;
    if (saved_slide >= 0 && (size_t)saved_slide < s->deck->n_slides)
        s->current = saved_slide;
    else
        s->current = 0;
    s->version++;
    s->tally_version++;
    s->answers_version++;
    s->qa_version++;
    return HU_OK;
}

int session_resync(struct session *s, const void *dump, int slide)
{
    session_run_clear(s);
    struct session_restore_ctx rc = {s, HU_OK, ""};
    const struct store_load_cb cb = {session_restore_poll,     session_restore_put,    session_restore_vote,
                                     session_restore_answer_cb, session_restore_question, session_restore_upvote};
    int err = store_cluster_replay(dump, &cb, &rc);
    if (slide >= 0 && (size_t)slide < s->deck->n_slides && slide != s->current) {
        s->current = slide;
        s->fragment = 0;
    }
    s->version++;
    s->tally_version++;
    s->answers_version++;
    s->qa_version++;
    return err ? err : rc.err;
}

void session_start(struct session *s, int64_t now_ms)
{
    for (size_t i = 0; i < s->deck->n_polls; i++)
        session_save_poll(s, &s->polls[i]);
    struct session_poll *p = session_current_poll(s);
    if (p && p->status == SESSION_POLL_PENDING)
        session_poll_set_status(s, p, SESSION_POLL_OPEN, now_ms);
    session_timer_arrive(s, now_ms);
}

/* --- accessors --- */

const char *session_code(const struct session *s) { return s->code; }
const char *session_title(const struct session *s) { return s->deck->title; }
const struct deck *session_deck(const struct session *s) { return s->deck; }
int session_current(const struct session *s) { return s->current; }
uint64_t session_version(const struct session *s) { return s->version; }
uint64_t session_tally_version(const struct session *s) { return s->tally_version; }
uint64_t session_answers_version(const struct session *s) { return s->answers_version; }
uint64_t session_qa_version(const struct session *s) { return s->qa_version; }
enum deck_qa session_qa(const struct session *s) { return s->deck->qa; }

bool session_has_answers(const struct session *s)
{
    const struct session_poll *p = session_current_poll(s);
    return p && p->spec->kind->text;
}
uint32_t session_participants(const struct session *s) { return s->n_participants; }

uint32_t session_connected_here(const struct session *s) { return s->connected; }

bool session_key_ok(const struct session *s, const char *key, size_t len)
{
    return token_equal(s->key, strlen(s->key), key, len);
}

void session_connected_add(struct session *s, int delta)
{
    if (delta < 0 && s->connected < (uint32_t)-delta)
        s->connected = 0;
    else
        s->connected = (uint32_t)((int64_t)s->connected + delta);
    s->tally_version++;
}

struct session_poll *session_current_poll(const struct session *s)
{
    int i = s->slide_poll[s->current];
    return i < 0 ? NULL : &s->polls[i];
}

int session_poll_row(const struct session *s, const struct session_poll *p, struct store_poll_row *row)
{
    memset(row, 0, sizeof *row);
    snprintf(row->poll_id, sizeof row->poll_id, "%s", p->slide->poll_id);
    snprintf(row->question, sizeof row->question, "%s", p->slide->question);
    snprintf(row->kind, sizeof row->kind, "%s", p->spec->kind->name);
    char *params = pollspec_encode(p->spec);
    if (!params || strlen(params) >= sizeof row->params) {
        /* Labels are bounded (HU_LABEL_MAX, HU_OPTION_MAX) so that they fit. */
        log_event(LOG_ERROR, "cannot save a poll's options", LOG_S("session", s->code), LOG_S("poll", row->poll_id),
                  LOG_END);
        free(params);
        return HU_ERR_NOMEM;
    }
    memcpy(row->params, params, strlen(params) + 1);
    free(params);
    row->slide_index = p->slide_index;
    row->status = (int)p->status;
    row->revealed = p->revealed;
    row->opened_at = p->opened_at;
    row->closed_at = p->closed_at;
    row->participants_at_close = p->participants_at_close;
    return HU_OK;
}

void session_save_poll(struct session *s, const struct session_poll *p)
{
    struct store_poll_row row;
    if (!s->store || session_poll_row(s, p, &row) != HU_OK)
        return;
    int rc = store_poll(s->store, s->store_id, &row);
    if (rc)
        log_event(LOG_ERROR, "cannot save poll", LOG_S("session", s->code), LOG_S("poll", row.poll_id),
                  LOG_S("error", hu_strerror(rc)), LOG_END);
}

/* --- participants --- */

int session_rejoin(const struct session *s, const char *token, size_t token_len, uint32_t *idx)
{
    unsigned char hash[HU_HASH_LEN];
    /* A token the server did not issue is never adopted: that would let a
     * client pick identities and stuff votes. */
    if (!token || !token_well_formed(token, token_len) || token_hash(token, token_len, hash) != HU_OK)
        return HU_ERR_NOT_FOUND;
    int found = session_people_find(s, hash);
    if (found < 0)
        return HU_ERR_NOT_FOUND;
    *idx = (uint32_t)found;
    return HU_OK;
}

int session_join_new(struct session *s, char out_token[HU_TOKEN_LEN + 1], uint32_t *idx)
{
    unsigned char hash[HU_HASH_LEN];
    int rc = token_random_hex(out_token, HU_TOKEN_LEN + 1, HU_TOKEN_LEN / 2);
    if (rc)
        return rc;
    if ((rc = token_hash(out_token, HU_TOKEN_LEN, hash)) != HU_OK)
        return rc;
    if ((rc = session_people_add(s, hash, idx)) != HU_OK)
        return rc;
    if (s->store && (rc = store_participant(s->store, s->store_id, *idx, hash)) != HU_OK)
        log_event(LOG_ERROR, "cannot save participant", LOG_S("session", s->code),
                  LOG_S("error", hu_strerror(rc)), LOG_END);
    s->tally_version++;
    return HU_OK;
}

/* --- presenter commands --- */

static void session_poll_set_status(struct session *s, struct session_poll *p,
                                    enum session_poll_status st, int64_t now_ms)
{
    if (p->status == st)
        return;
    if (st == SESSION_POLL_OPEN && !p->opened_at)
        p->opened_at = now_ms;
    if (st == SESSION_POLL_CLOSED) {
        p->closed_at = now_ms;
        p->participants_at_close = s->n_participants;
    }
    p->status = st;
    session_save_poll(s, p);
    s->version++;
    s->tally_version++;
}

/* Leaving the current poll closes it, unless the presenter only passed
 * through: arriving opened it, nothing confirmed it (no explicit open, no
 * vote) and it is left within SESSION_PASS_MS.  Then it goes back to never
 * opened, so that arriving later opens it, as if the double press on the
 * clicker had not happened. */
static void session_poll_leave(struct session *s, struct session_poll *p, int64_t now_ms)
{
    if (p->status != SESSION_POLL_OPEN)
        return;
    if (p->auto_opened_at && p->votes_taken == 0 &&
        (p->tally ? tally_voters(p->tally) : p->answers.n_items) == 0 &&
        now_ms - p->auto_opened_at < SESSION_PASS_MS) {
        p->status = SESSION_POLL_PENDING;
        p->opened_at = 0;
        p->auto_opened_at = 0;
        session_save_poll(s, p);
        s->version++;
        s->tally_version++;
        return;
    }
    session_poll_set_status(s, p, SESSION_POLL_CLOSED, now_ms);
}

int session_goto(struct session *s, int slide, int64_t now_ms)
{
    if (slide < 0 || (size_t)slide >= s->deck->n_slides)
        return HU_ERR_BAD_MESSAGE;
    if (slide == s->current)
        return HU_OK;
    struct session_poll *leaving = session_current_poll(s);
    if (leaving)
        session_poll_leave(s, leaving, now_ms);
    s->current = slide;
    s->fragment = 0;
    s->blank = false;
    struct session_poll *arriving = session_current_poll(s);
    if (arriving && arriving->status == SESSION_POLL_PENDING) {
        session_poll_set_status(s, arriving, SESSION_POLL_OPEN, now_ms);
        arriving->auto_opened_at = now_ms;
    }
    session_timer_arrive(s, now_ms);
    s->answers_version++;
    if (s->store) {
        int rc = store_slide(s->store, s->store_id, slide);
        if (rc)
            log_event(LOG_ERROR, "cannot save slide", LOG_S("session", s->code),
                      LOG_S("error", hu_strerror(rc)), LOG_END);
    }
    s->version++;
    s->tally_version++;
    return HU_OK;
}

int session_open(struct session *s, int64_t now_ms)
{
    struct session_poll *p = session_current_poll(s);
    if (!p)
        return HU_ERR_UNKNOWN_POLL;
    session_poll_set_status(s, p, SESSION_POLL_OPEN, now_ms);
    p->auto_opened_at = 0; /* the presenter means it: leaving closes it */
    return HU_OK;
}

int session_close(struct session *s, int64_t now_ms)
{
    struct session_poll *p = session_current_poll(s);
    if (!p)
        return HU_ERR_UNKNOWN_POLL;
    if (p->status == SESSION_POLL_OPEN)
        session_poll_set_status(s, p, SESSION_POLL_CLOSED, now_ms);
    return HU_OK;
}

int session_reveal(struct session *s, bool revealed)
{
    struct session_poll *p = session_current_poll(s);
    if (!p)
        return HU_ERR_UNKNOWN_POLL;
    if (p->revealed != revealed) {
        p->revealed = revealed;
        session_save_poll(s, p);
        s->version++;
        s->tally_version++;
    }
    return HU_OK;
}

int session_reset(struct session *s)
{
    struct session_poll *p = session_current_poll(s);
    if (!p)
        return HU_ERR_UNKNOWN_POLL;
    if (p->tally)
        tally_clear(p->tally);
    answers_clear(&p->answers);
    p->epoch++;
    s->answers_version++;
    if (s->store) {
        int rc = store_poll_reset(s->store, s->store_id, p->slide->poll_id);
        if (rc)
            log_event(LOG_ERROR, "cannot save reset", LOG_S("session", s->code),
                      LOG_S("error", hu_strerror(rc)), LOG_END);
    }
    s->version++;
    s->tally_version++;
    return HU_OK;
}

int session_blank(struct session *s, bool on)
{
    if (s->blank != on) {
        s->blank = on;
        s->version++;
    }
    return HU_OK;
}
