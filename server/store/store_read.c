/* store_read.c -- results of sessions read back from the data file.
 *
 * Builds the export shape (results.h) from the tables, for `handsup export`:
 * votes, answers and upvotes are replayed into the same counters the server
 * keeps in memory (model/), so an export is right even when the server that
 * wrote the file was killed mid-session, and counts alike for every kind. */
#include "store_impl.h"
#include "redis_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "model/answers.h"
#include "model/ballot.h"
#include "model/pollspec.h"
#include "model/qa.h"
#include "model/tally.h"

/* A malloc'd copy of a text column ("" for NULL), or NULL when out of memory. */
static char *store_dup_text(sqlite3_stmt *q, int col)
{
    const unsigned char *s = sqlite3_column_text(q, col);
    int n = sqlite3_column_bytes(q, col);
    size_t len = s && n > 0 ? (size_t)n : 0;
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    if (len)
        memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

static const char *store_status_name(int status)
{
    return status == 1 ? "open" : status == 2 ? "closed" : "pending";
}

/* What a poll's votes and answers are replayed into, beside its results:
 * the same counters the running server keeps, so both count alike. */
struct store_counter {
    struct pollspec spec;
    bool known;                 /* a kind this build knows, with readable parameters */
    struct tally *tally;        /* option kinds. Owned */
    struct answers answers;     /* text kinds */
};

/* One session being read: its results and a counter per poll. */
struct store_reading {
    struct results_session *s;
    struct store_counter *counters; /* parallel to s->polls. From malloc() */
    size_t cap;
    struct qa qa;
    int err;                        /* the first failure of a callback */
};

static void store_reading_free(struct store_reading *rd)
{
    for (size_t i = 0; rd->counters && i < rd->s->n_polls; i++) {
        tally_free(rd->counters[i].tally);
        answers_clear(&rd->counters[i].answers);
    }
    free(rd->counters);
    qa_clear(&rd->qa);
}

static int store_grow_polls(struct store_reading *rd)
{
    struct results_session *s = rd->s;
    if (s->n_polls < rd->cap)
        return HU_OK;
    size_t ncap = rd->cap ? rd->cap * 2 : 8;
    struct results_poll *np = realloc(s->polls, ncap * sizeof *np);
    if (!np)
        return HU_ERR_NOMEM;
    s->polls = np;
    struct store_counter *nc = realloc(rd->counters, ncap * sizeof *nc);
    if (!nc)
        return HU_ERR_NOMEM;
    rd->counters = nc;
    rd->cap = ncap;
    return HU_OK;
}

static void store_fail_once(struct store_reading *rd, int e)
{
    if (e != HU_OK && rd->err == HU_OK)
        rd->err = e;
}

/* A poll's row: its results' fixed fields, and a counter for its kind. */
static void store_read_poll(void *ctx, const struct store_poll_row *row)
{
    struct store_reading *rd = ctx;
    struct results_session *s = rd->s;
    int e = store_grow_polls(rd);
    if (e != HU_OK || rd->err != HU_OK) {
        store_fail_once(rd, e);
        return;
    }
    struct results_poll *p = &s->polls[s->n_polls];
    struct store_counter *k = &rd->counters[s->n_polls];
    memset(p, 0, sizeof *p);
    memset(k, 0, sizeof *k);
    answers_init(&k->answers);
    s->n_polls++;
    p->removed = row->slide_index < 0;
    p->slide_index = p->removed ? -1 : row->slide_index;
    p->opened_at = row->opened_at;
    p->closed_at = row->closed_at;
    p->participants = row->status == 2 ? row->participants_at_close : s->participants;
    k->known = pollspec_decode(row->kind, row->params, &k->spec) == HU_OK;
    if (!(p->poll_id = strdup(row->poll_id)) || !(p->question = strdup(row->question)) ||
        !(p->status = strdup(store_status_name(row->status))))
        e = HU_ERR_NOMEM;
    else if (k->known && !k->spec.kind->text && !(k->tally = tally_new(k->spec.n_options)))
        e = HU_ERR_NOMEM;
    else if (!k->known && !(p->kind = strdup(row->kind)))
        e = HU_ERR_NOMEM;
    store_fail_once(rd, e);
}

static struct store_counter *store_find_poll(struct store_reading *rd, const char *poll_id, struct results_poll **p)
{
    for (size_t i = 0; poll_id && i < rd->s->n_polls; i++)
        if (strcmp(rd->s->polls[i].poll_id, poll_id) == 0) {
            *p = &rd->s->polls[i];
            return &rd->counters[i];
        }
    return NULL;
}

/* A vote of a kind this build does not know (a newer file): its stored
 * choice is taken as the option, so the export still shows the split. */
static int store_count_unknown(struct results_poll *p, const char *choice)
{
    p->voters++;
    unsigned i = 0;
    while (i < p->n_options && strcmp(p->options[i], choice) != 0)
        i++;
    if (i == p->n_options) {
        if (i >= HU_OPTION_MAX)
            return HU_OK;
        if (!(p->options[i] = strdup(choice)))
            return HU_ERR_NOMEM;
        p->n_options = i + 1;
    }
    p->counts[i]++;
    return HU_OK;
}

/* One row per participant and poll, so a changed vote counts once, for its
 * last picks; a choice outside the poll's options counts for no one. */
static void store_read_vote(void *ctx, const char *poll_id, uint32_t who, const char *choice)
{
    struct store_reading *rd = ctx;
    struct results_poll *p = NULL;
    struct store_counter *k = store_find_poll(rd, poll_id, &p);
    tally_mask picks;
    if (!k || who >= HU_SESSION_MAX_PARTICIPANTS)
        return;
    if (!k->known)
        store_fail_once(rd, store_count_unknown(p, choice));
    else if (k->tally && ballot_decode(&k->spec, choice, &picks) == HU_OK)
        store_fail_once(rd, tally_set(k->tally, who, picks));
}

static void store_read_answer(void *ctx, const char *poll_id, uint32_t id, uint32_t who, const char *text,
                              int status, int64_t at)
{
    struct store_reading *rd = ctx;
    struct results_poll *p = NULL;
    struct store_counter *k = store_find_poll(rd, poll_id, &p);
    if (!k || !k->known || !k->spec.kind->text || id > HU_POLL_ANSWERS_MAX || who >= HU_SESSION_MAX_PARTICIPANTS ||
        status < ANSWER_SHOWN || status > ANSWER_WITHDRAWN)
        return;
    int e = answers_commit(&k->answers, id, who, text, (enum answer_status)status, at);
    store_fail_once(rd, e == HU_ERR_EXISTS ? HU_OK : e);
}

static void store_read_question(void *ctx, uint32_t id, uint32_t who, const char *text, int status, int64_t at)
{
    struct store_reading *rd = ctx;
    if (id > HU_QA_MAX || who >= HU_SESSION_MAX_PARTICIPANTS || status < QUESTION_OPEN || status > QUESTION_PINNED)
        return;
    int e = qa_commit(&rd->qa, id, who, text, (enum question_status)status, at);
    store_fail_once(rd, e == HU_ERR_EXISTS || e == HU_ERR_LIMIT ? HU_OK : e);
}

static void store_read_upvote(void *ctx, uint32_t id, uint32_t who)
{
    struct store_reading *rd = ctx;
    bool changed;
    if (id <= HU_QA_MAX && who < HU_SESSION_MAX_PARTICIPANTS &&
        qa_upvote(&rd->qa, id, who, true, &changed) == HU_ERR_NOMEM)
        store_fail_once(rd, HU_ERR_NOMEM);
}

/* Replays a session's rows into the same counters the running server keeps
 * (store_replay, as at start-up), and fills the results from them. */
static int store_read_polls_all(struct store *st, int64_t sid, struct results_session *s)
{
    struct store_reading rd = {s, NULL, 0, {0}, HU_OK};
    qa_init(&rd.qa);
    const struct store_load_cb cb = {store_read_poll,   NULL,         store_read_vote, store_read_answer,
                                     store_read_question, store_read_upvote};
    int e = store_replay(st, sid, &cb, &rd);
    if (e == HU_OK)
        e = rd.err;
    for (size_t i = 0; e == HU_OK && i < s->n_polls; i++) {
        struct store_counter *k = &rd.counters[i];
        if (k->known)
            e = results_fill_poll(&s->polls[i], &k->spec, k->tally, &k->answers);
    }
    if (e == HU_OK)
        e = results_fill_questions(s, &rd.qa);
    store_reading_free(&rd);
    return e;
}

/* One run of a session: the session's row, the run's row, its polls and
 * the counts of its votes. */
static int store_read_session(struct store *st, int64_t run_id, struct results_session *s)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT s.code, s.title, s.deck_path, s.created_at,"
                                " (SELECT count(*) FROM participants WHERE run_id = ?1),"
                                " r.number, r.label, r.started_at, r.ended_at"
                                " FROM runs r JOIN sessions s ON s.id = r.session_id WHERE r.id = ?1",
                                -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(q, 1, run_id);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    int e = HU_OK;
    if (rc == SQLITE_ROW) {
        s->created_at = sqlite3_column_int64(q, 3);
        s->participants = (uint32_t)sqlite3_column_int64(q, 4);
        s->n_slides = 0; /* the data file does not know the deck's length */
        s->run = sqlite3_column_int(q, 5);
        s->run_started_at = sqlite3_column_int64(q, 7);
        s->run_ended_at = sqlite3_column_int64(q, 8);
        if (!(s->code = store_dup_text(q, 0)) || !(s->title = store_dup_text(q, 1)) ||
            !(s->deck_path = store_dup_text(q, 2)) || !(s->run_label = store_dup_text(q, 6)))
            e = HU_ERR_NOMEM;
    } else {
        e = store_sqlite_err(rc); /* it was listed in this very snapshot */
    }
    sqlite3_finalize(q);
    if (e == HU_OK)
        e = store_read_polls_all(st, run_id, s);
    return e;
}

/* Appends v to the growing array *ids. */
static int store_push_id(int64_t **ids, size_t *n, size_t *cap, int64_t v)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        int64_t *nv = realloc(*ids, ncap * sizeof *nv);
        if (!nv)
            return HU_ERR_NOMEM;
        *ids = nv;
        *cap = ncap;
    }
    (*ids)[(*n)++] = v;
    return HU_OK;
}

/* The runs of one session to export, oldest first: all of them, the newest,
 * or the one numbered run.  A session named by its code must have it;
 * listed without a code, a session without that run is left out. */
static int store_select_runs(struct store *st, int64_t sid, const char *code, int run, bool named, int64_t **ids,
                             size_t *n, size_t *cap, char *err, size_t errlen)
{
    const char *sql = run == STORE_RUN_ALL      ? "SELECT id FROM runs WHERE session_id = ?1 ORDER BY number"
                      : run == STORE_RUN_LATEST ? "SELECT id FROM runs WHERE session_id = ?1"
                                                  " ORDER BY number DESC LIMIT 1"
                                                : "SELECT id FROM runs WHERE session_id = ?1 AND number = ?2";
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(q, 1, sid);
    if (rc == SQLITE_OK && run > 0)
        rc = sqlite3_bind_int(q, 2, run);
    size_t before = *n;
    int e = HU_OK;
    while (e == HU_OK && rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        e = store_push_id(ids, n, cap, sqlite3_column_int64(q, 0));
    }
    if (e == HU_OK && rc != SQLITE_DONE)
        e = store_sqlite_err(rc);
    sqlite3_finalize(q);
    if (e == HU_OK && named && *n == before) {
        if (run > 0)
            snprintf(err, errlen, "session %s has no run %d in %s", code, run, st->path);
        else
            snprintf(err, errlen, "session %s has no runs left in %s", code, st->path);
        e = HU_ERR_NOT_FOUND;
    }
    return e;
}

/* A session chosen for export, and the code it was named by (or ""). */
struct store_pick {
    int64_t id;
    const char *code;
};

static int store_cmp_pick(const void *a, const void *b)
{
    int64_t x = ((const struct store_pick *)a)->id, y = ((const struct store_pick *)b)->id;
    return (x > y) - (x < y);
}

/* Fills ids (malloc'd) with the runs to export: sessions in creation order
 * (a code named twice is exported once), each session's runs in order. */
static int store_select_ids(struct store *st, const char *const *codes, size_t n_codes, int run, int64_t **ids,
                            size_t *n_ids, char *err, size_t errlen)
{
    struct store_pick *picks = NULL;
    int64_t *v = NULL;
    size_t n_picks = 0, cap_picks = 0, n = 0, cap = 0;
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                n_codes ? "SELECT id FROM sessions WHERE code = ?1"
                                        : "SELECT id FROM sessions ORDER BY id",
                                -1, &q, NULL);
    int e = rc == SQLITE_OK ? HU_OK : store_sqlite_err(rc);
    for (size_t i = 0; e == HU_OK && (n_codes ? i < n_codes : true); i++) {
        const char *code = n_codes && codes[i] ? codes[i] : "";
        if (n_codes) {
            sqlite3_reset(q);
            sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
        }
        rc = sqlite3_step(q);
        if (rc == SQLITE_DONE && !n_codes)
            break;
        if (rc == SQLITE_DONE) {
            snprintf(err, errlen, "no session with code %s in %s", code, st->path);
            e = HU_ERR_NOT_FOUND;
        } else if (rc != SQLITE_ROW) {
            e = store_sqlite_err(rc);
        } else if (n_picks == cap_picks) {
            size_t ncap = cap_picks ? cap_picks * 2 : 16;
            struct store_pick *np = realloc(picks, ncap * sizeof *np);
            if (!np)
                e = HU_ERR_NOMEM;
            else
                picks = np, cap_picks = ncap;
        }
        if (e == HU_OK)
            picks[n_picks++] = (struct store_pick){sqlite3_column_int64(q, 0), code};
    }
    sqlite3_finalize(q);
    if (e == HU_OK && n_picks)
        qsort(picks, n_picks, sizeof *picks, store_cmp_pick);
    for (size_t i = 0; e == HU_OK && i < n_picks; i++) {
        if (i > 0 && picks[i].id == picks[i - 1].id)
            continue;
        e = store_select_runs(st, picks[i].id, picks[i].code, run, n_codes > 0, &v, &n, &cap, err, errlen);
    }
    free(picks);
    if (e != HU_OK) {
        free(v);
        return e;
    }
    *ids = v;
    *n_ids = n;
    return HU_OK;
}

int store_read_results(struct store *st, const char *const *codes, size_t n_codes, int run,
                       struct results **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!st)
        return HU_ERR_INTERNAL;
    if (st->redis)
        return rarch_read_results(st, codes, n_codes, run, out, err, errlen);
    struct results *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "cannot read data file %s: out of memory", st->path);
        return HU_ERR_NOMEM;
    }
    int64_t *ids = NULL;
    size_t n_ids = 0;
    pthread_mutex_lock(&st->db_mu);
    /* One read transaction: every session comes from the same snapshot even
     * while a running server commits new votes. */
    int rc = sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);
    int e = rc == SQLITE_OK ? store_select_ids(st, codes, n_codes, run, &ids, &n_ids, err, errlen)
                            : store_sqlite_err(rc);
    if (e == HU_OK && n_ids && !(r->sessions = calloc(n_ids, sizeof *r->sessions)))
        e = HU_ERR_NOMEM;
    for (size_t i = 0; e == HU_OK && i < n_ids; i++) {
        r->n_sessions = i + 1;
        e = store_read_session(st, ids[i], &r->sessions[i]);
    }
    if (e != HU_OK && e != HU_ERR_NOT_FOUND)
        snprintf(err, errlen, "cannot read data file %s: %s", st->path,
                 e == HU_ERR_NOMEM ? "out of memory" : sqlite3_errmsg(st->db));
    if (!sqlite3_get_autocommit(st->db))
        (void)sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    pthread_mutex_unlock(&st->db_mu);
    free(ids);
    if (e != HU_OK) {
        results_free(r);
        return e;
    }
    *out = r;
    return HU_OK;
}
