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
        p->slide_index = (int)i;
        p->tally = tally_new(sl->poll_kind->n_options);
        if (!p->tally)
            goto err;
        s->slide_poll[i] = (int)np++;
    }
    s->version = 1;
    s->tally_version = 1;
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
        for (size_t i = 0; i < s->deck->n_polls; i++)
            tally_free(s->polls[i].tally);
    free(s->polls);
    for (size_t i = 0; i < s->n_removed; i++)
        tally_free(s->removed[i].tally);
    free(s->removed);
    for (size_t i = 0; i < s->n_retired; i++)
        deck_free(s->retired[i]);
    free(s->retired);
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
};

static struct session_poll *session_find_poll(const struct session *s, const char *poll_id)
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
        r->row = *row;
        r->row.slide_index = -1;
        r->kind = pollkind_find(row->kind, strlen(row->kind));
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
    if (!p) {
        /* A removed poll: its votes stay in the file, and count for exports. */
        for (size_t i = 0; i < rc->s->n_removed; i++) {
            struct session_removed *r = &rc->s->removed[i];
            int c = r->kind ? pollkind_option(r->kind, choice, strlen(choice)) : -1;
            if (strcmp(r->row.poll_id, poll_id) == 0 && c >= 0) {
                r->counts[c]++;
                r->voters++;
            }
        }
        return;
    }
    int c = pollkind_option(p->slide->poll_kind, choice, strlen(choice));
    if (c < 0 || participant >= rc->s->n_participants || tally_set(p->tally, participant, c) != HU_OK)
        rc->err = HU_ERR_PARSE;
}

int session_restore(struct session *s, int saved_slide)
{
    if (!s->store)
        return HU_OK;
    struct session_restore_ctx rc = {s, HU_OK};
    const struct store_load_cb cb = {session_restore_poll, session_restore_participant,
                                     session_restore_vote};
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
    return HU_OK;
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
uint32_t session_participants(const struct session *s) { return s->n_participants; }

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

void session_save_poll(struct session *s, const struct session_poll *p)
{
    if (!s->store)
        return;
    struct store_poll_row row;
    memset(&row, 0, sizeof row);
    snprintf(row.poll_id, sizeof row.poll_id, "%s", p->slide->poll_id);
    snprintf(row.question, sizeof row.question, "%s", p->slide->question);
    snprintf(row.kind, sizeof row.kind, "%s", p->slide->poll_kind->name);
    row.slide_index = p->slide_index;
    row.status = (int)p->status;
    row.revealed = p->revealed;
    row.opened_at = p->opened_at;
    row.closed_at = p->closed_at;
    row.participants_at_close = p->participants_at_close;
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
    if (p->auto_opened_at && p->votes_taken == 0 && tally_voters(p->tally) == 0 &&
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
    tally_clear(p->tally);
    p->epoch++;
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

/* --- votes --- */

int session_vote_check(const struct session *s, const char *poll_id, const char *choice,
                       struct session_vote *v)
{
    int slide = deck_find_poll(s->deck, poll_id);
    if (slide < 0)
        return HU_ERR_UNKNOWN_POLL;
    int pi = s->slide_poll[slide];
    const struct session_poll *p = &s->polls[pi];
    int c = pollkind_option(p->slide->poll_kind, choice, strlen(choice));
    if (c < 0)
        return HU_ERR_BAD_MESSAGE;
    if (p->status != SESSION_POLL_OPEN)
        return HU_ERR_POLL_CLOSED;
    v->poll = pi;
    v->generation = s->generation;
    v->choice = c;
    v->epoch = p->epoch;
    v->poll_id = p->slide->poll_id;
    v->option = p->slide->poll_kind->options[c];
    return HU_OK;
}

int session_vote_save(struct session *s, uint32_t participant, const struct session_vote *v,
                      void *cookie)
{
    if (!s->store)
        return HU_ERR_STORE;
    int rc = store_vote(s->store, s->store_id, v->poll_id, participant, v->option, cookie);
    if (rc == HU_OK)
        s->polls[v->poll].votes_taken++; /* a vote on the way: the poll was meant to be open */
    return rc;
}

void session_vote_commit(struct session *s, uint32_t participant, const struct session_vote *v)
{
    if (v->generation != s->generation) {
        session_reload_commit(s, participant, v);
        return;
    }
    struct session_poll *p = &s->polls[v->poll];
    if (v->epoch != p->epoch)
        return;
    if (tally_set(p->tally, participant, v->choice) == HU_OK)
        s->tally_version++;
}

const char *session_my_vote(const struct session *s, uint32_t participant)
{
    const struct session_poll *p = session_current_poll(s);
    if (!p)
        return NULL;
    int c = tally_get(p->tally, participant);
    return c < 0 ? NULL : p->slide->poll_kind->options[c];
}
