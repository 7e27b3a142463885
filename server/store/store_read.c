/* store_read.c -- results of sessions read back from the data file.
 *
 * Builds the export shape (results.h) from the tables, for `handsup export`:
 * counts come from the votes themselves (GROUP BY), so an export is right
 * even when the server that wrote the file was killed mid-session. */
#include "store_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "model/pollkind.h"

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

/* Adds the options of a known kind to p; unknown kinds (from a newer build)
 * get their options from the choices found in the votes instead. */
static int store_poll_options(struct results_poll *p)
{
    const struct pollkind *kind = pollkind_find(p->kind, strlen(p->kind));
    if (!kind)
        return HU_OK;
    for (unsigned i = 0; i < kind->n_options && i < HU_OPTION_MAX; i++) {
        if (!(p->options[i] = strdup(kind->options[i])))
            return HU_ERR_NOMEM;
        p->n_options = i + 1;
    }
    return HU_OK;
}

static int store_read_polls(struct store *st, int64_t sid, struct results_session *s)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT poll_id, question, kind, slide_index, status, opened_at,"
                                " closed_at, participants_at_close FROM polls WHERE run_id = ?1"
                                " ORDER BY slide_index < 0, slide_index, poll_id",
                                -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(q, 1, sid);
    size_t cap = 0;
    int e = HU_OK;
    while (e == HU_OK && rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (s->n_polls == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct results_poll *np = realloc(s->polls, ncap * sizeof *np);
            if (!np) {
                e = HU_ERR_NOMEM;
                break;
            }
            s->polls = np;
            cap = ncap;
        }
        struct results_poll *p = &s->polls[s->n_polls++];
        memset(p, 0, sizeof *p);
        int status = sqlite3_column_int(q, 4);
        p->slide_index = sqlite3_column_int(q, 3);
        p->removed = p->slide_index < 0;
        if (p->removed)
            p->slide_index = -1;
        p->opened_at = sqlite3_column_int64(q, 5);
        p->closed_at = sqlite3_column_int64(q, 6);
        p->participants = status == 2 ? (uint32_t)sqlite3_column_int64(q, 7) : s->participants;
        if (!(p->poll_id = store_dup_text(q, 0)) || !(p->question = store_dup_text(q, 1)) ||
            !(p->kind = store_dup_text(q, 2)) || !(p->status = strdup(store_status_name(status))))
            e = HU_ERR_NOMEM;
        else
            e = store_poll_options(p);
    }
    if (e == HU_OK && rc != SQLITE_DONE)
        e = store_sqlite_err(rc);
    sqlite3_finalize(q);
    return e;
}

static struct results_poll *store_find_poll(struct results_session *s, const char *poll_id)
{
    for (size_t i = 0; i < s->n_polls; i++)
        if (strcmp(s->polls[i].poll_id, poll_id) == 0)
            return &s->polls[i];
    return NULL;
}

/* Counts per option from the votes: one row per participant and poll, so a
 * changed vote counts once, for its last choice. */
static int store_read_counts(struct store *st, int64_t sid, struct results_session *s)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "SELECT poll_id, choice, count(*) FROM votes WHERE run_id = ?1"
                                " GROUP BY poll_id, choice ORDER BY poll_id, choice",
                                -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(q, 1, sid);
    int e = HU_OK;
    while (e == HU_OK && rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        const char *poll_id = (const char *)sqlite3_column_text(q, 0);
        const char *choice = (const char *)sqlite3_column_text(q, 1);
        uint32_t n = (uint32_t)sqlite3_column_int64(q, 2);
        struct results_poll *p = poll_id ? store_find_poll(s, poll_id) : NULL;
        if (!p || !choice)
            continue;
        p->voters += n;
        unsigned i = 0;
        while (i < p->n_options && strcmp(p->options[i], choice) != 0)
            i++;
        if (i == p->n_options) {
            /* A choice outside a known kind's options is counted as a voter
             * only; for an unknown kind the choices are the options. */
            if (pollkind_find(p->kind, strlen(p->kind)) || i >= HU_OPTION_MAX)
                continue;
            if (!(p->options[i] = strdup(choice))) {
                e = HU_ERR_NOMEM;
                break;
            }
            p->n_options = i + 1;
        }
        p->counts[i] += n;
    }
    if (e == HU_OK && rc != SQLITE_DONE)
        e = store_sqlite_err(rc);
    sqlite3_finalize(q);
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
        e = store_read_polls(st, run_id, s);
    if (e == HU_OK)
        e = store_read_counts(st, run_id, s);
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
