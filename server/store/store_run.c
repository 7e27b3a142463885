/* store_run.c -- runs and settings in the data file (store_run.h).
 *
 * Synchronous calls on the store's one connection, under db_mu, so they
 * take turns with the writer's batches.  A write here is its own
 * transaction: the writer never holds one open between batches. */
#include "store_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "store_impl.h"
#include "redis_ops.h"

static int store_run_fail(struct store *st, const char *what, int rc)
{
    log_event(LOG_ERROR, "data file operation failed", LOG_S("file", st->path), LOG_S("op", what),
              LOG_S("error", sqlite3_errmsg(st->db)), LOG_END);
    return store_sqlite_err(rc);
}

/* The columns every run query selects, in the order store_run_row_read
 * reads them.  active_at takes the newest of the run's own times and of its
 * joins and votes: a server killed mid-run left no end, but its votes tell
 * when it was last in use. */
#define STORE_RUN_COLS                                                                              \
    "SELECT r.id, r.session_id, r.number, r.label, r.started_at, r.ended_at, r.current_slide,"      \
    " max(r.started_at, r.ended_at, r.updated_at,"                                                  \
    "  coalesce((SELECT max(joined_at) FROM participants p WHERE p.run_id = r.id), 0),"            \
    "  coalesce((SELECT max(voted_at) FROM votes v WHERE v.run_id = r.id), 0)),"                   \
    " (SELECT count(*) FROM participants p WHERE p.run_id = r.id),"                                 \
    " (SELECT code FROM sessions s WHERE s.id = r.session_id)"                                      \
    " FROM runs r "

static void store_run_row_read(sqlite3_stmt *q, struct store_run_row *row)
{
    memset(row, 0, sizeof *row);
    row->id = sqlite3_column_int64(q, 0);
    row->session_id = sqlite3_column_int64(q, 1);
    row->number = sqlite3_column_int(q, 2);
    store_copy_text(q, 3, row->label, sizeof row->label);
    row->started_at = sqlite3_column_int64(q, 4);
    row->ended_at = sqlite3_column_int64(q, 5);
    row->current_slide = sqlite3_column_int(q, 6);
    row->active_at = sqlite3_column_int64(q, 7);
    row->participants = (uint32_t)sqlite3_column_int64(q, 8);
    store_copy_text(q, 9, row->code, sizeof row->code);
}

/* The runs of one session (session_id > 0) or of all (0). */
static int store_runs_select(struct store *st, int64_t session_id, struct store_run_row **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    pthread_mutex_lock(&st->db_mu);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                session_id ? STORE_RUN_COLS "WHERE r.session_id = ?1 ORDER BY r.number"
                                           : STORE_RUN_COLS "ORDER BY r.session_id, r.number",
                                -1, &q, NULL);
    if (rc == SQLITE_OK && session_id)
        rc = sqlite3_bind_int64(q, 1, session_id);
    size_t cap = 0;
    int e = HU_OK;
    while (e == HU_OK && rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            struct store_run_row *nv = realloc(*out, ncap * sizeof *nv);
            if (!nv) {
                e = HU_ERR_NOMEM;
                break;
            }
            *out = nv;
            cap = ncap;
        }
        store_run_row_read(q, &(*out)[(*n)++]);
    }
    if (e == HU_OK && rc != SQLITE_DONE)
        e = store_run_fail(st, "list runs", rc);
    sqlite3_finalize(q);
    pthread_mutex_unlock(&st->db_mu);
    if (e != HU_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return e;
}

int store_runs_list(struct store *st, int64_t session_id, struct store_run_row **out, size_t *n)
{
    if (st->redis)
        return rrows_runs_list(st->redis, session_id, out, n);
    return session_id > 0 ? store_runs_select(st, session_id, out, n) : HU_ERR_NOT_FOUND;
}

int store_runs_all(struct store *st, struct store_run_row **out, size_t *n)
{
    if (st->redis)
        return HU_ERR_INTERNAL; /* prune works on data files */
    return store_runs_select(st, 0, out, n);
}

/* One run by an SQL condition on ?1 (and ?2). */
static int store_run_one(struct store *st, const char *where, int64_t a, int64_t b, struct store_run_row *out)
{
    char sql[1024];
    int len = snprintf(sql, sizeof sql, "%s%s", STORE_RUN_COLS, where);
    if (len < 0 || (size_t)len >= sizeof sql)
        return HU_ERR_INTERNAL;
    pthread_mutex_lock(&st->db_mu);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(q, 1, a);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(q) >= 2)
        rc = sqlite3_bind_int64(q, 2, b);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    int e = HU_OK;
    if (rc == SQLITE_ROW)
        store_run_row_read(q, out);
    else if (rc == SQLITE_DONE)
        e = HU_ERR_NOT_FOUND;
    else
        e = store_run_fail(st, "read a run", rc);
    sqlite3_finalize(q);
    pthread_mutex_unlock(&st->db_mu);
    return e;
}

int store_run_latest(struct store *st, int64_t session_id, struct store_run_row *out)
{
    if (st->redis)
        return rrows_run_find(st->redis, session_id, 0, out);
    return store_run_one(st, "WHERE r.session_id = ?1 ORDER BY r.number DESC LIMIT 1", session_id, 0, out);
}

int store_run_find(struct store *st, int64_t session_id, int number, struct store_run_row *out)
{
    if (st->redis)
        return number > 0 ? rrows_run_find(st->redis, session_id, number, out) : HU_ERR_NOT_FOUND;
    return store_run_one(st, "WHERE r.session_id = ?1 AND r.number = ?2", session_id, number, out);
}

/* Runs sql (a write) in its own transaction with ?1..?3 bound; *changes gets
 * the rows the last statement touched. */
static int store_run_exec(struct store *st, const char *what, const char *const *sqls, size_t n_sql,
                          int64_t a, const char *text, int64_t c, int *changes)
{
    pthread_mutex_lock(&st->db_mu);
    if (!st->db) {
        /* Finished (store_finish): the file is released, nothing is written. */
        pthread_mutex_unlock(&st->db_mu);
        return HU_ERR_STORE;
    }
    int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (size_t i = 0; rc == SQLITE_OK && i < n_sql; i++) {
        sqlite3_stmt *q = NULL;
        rc = sqlite3_prepare_v2(st->db, sqls[i], -1, &q, NULL);
        int np = rc == SQLITE_OK ? sqlite3_bind_parameter_count(q) : 0;
        if (rc == SQLITE_OK && np >= 1)
            rc = sqlite3_bind_int64(q, 1, a);
        if (rc == SQLITE_OK && np >= 2)
            rc = text ? sqlite3_bind_text(q, 2, text, -1, SQLITE_STATIC) : sqlite3_bind_null(q, 2);
        if (rc == SQLITE_OK && np >= 3)
            rc = sqlite3_bind_int64(q, 3, c);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(q);
            rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
        }
        sqlite3_finalize(q);
    }
    if (changes)
        *changes = sqlite3_changes(st->db);
    int e = HU_OK;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        e = store_run_fail(st, what, rc);
        if (!sqlite3_get_autocommit(st->db))
            (void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    }
    pthread_mutex_unlock(&st->db_mu);
    return e;
}

int store_run_create(struct store *st, int64_t session_id, const char *label, int64_t at,
                     struct store_run_row *out)
{
    if (st->redis)
        return rrows_run_create(st->redis, session_id, label, at, out);
    static const char *const sqls[] = {
        "UPDATE runs SET ended_at = ?3, updated_at = ?3 WHERE session_id = ?1 AND ended_at = 0",
        "UPDATE sessions SET runs = max(runs, coalesce((SELECT max(number) FROM runs WHERE session_id = ?1), 0))"
        " + 1 WHERE id = ?1",
        "INSERT INTO runs(session_id, number, label, started_at, ended_at, updated_at, current_slide)"
        " SELECT id, runs, coalesce(?2, ''), ?3, 0, ?3, 0 FROM sessions WHERE id = ?1",
    };
    int changes = 0;
    int e = store_run_exec(st, "start a run", sqls, sizeof sqls / sizeof sqls[0], session_id, label, at, &changes);
    if (e == HU_OK && changes != 1)
        return HU_ERR_NOT_FOUND;
    return e == HU_OK ? store_run_latest(st, session_id, out) : e;
}

int store_run_resume(struct store *st, int64_t run_id, const char *label)
{
    if (st->redis)
        return rrows_run_set(st->redis, run_id, "hu_run_resume", label);
    static const char *const sqls[] = {
        "UPDATE runs SET ended_at = 0, label = coalesce(?2, label) WHERE id = ?1",
    };
    int changes = 0;
    int e = store_run_exec(st, "resume a run", sqls, 1, run_id, label, 0, &changes);
    return e == HU_OK && changes != 1 ? HU_ERR_NOT_FOUND : e;
}

int store_run_end(struct store *st, int64_t run_id, int64_t at)
{
    if (st->redis) {
        char when[24];
        snprintf(when, sizeof when, "%lld", (long long)at);
        return rrows_run_set(st->redis, run_id, "hu_run_end", when);
    }
    static const char *const sqls[] = {
        "UPDATE runs SET ended_at = ?3, updated_at = max(updated_at, ?3) WHERE id = ?1",
    };
    return store_run_exec(st, "end a run", sqls, 1, run_id, NULL, at, NULL);
}

void store_flush(struct store *st)
{
    if (st->redis)
        return; /* every command is its own write */
    pthread_mutex_lock(&st->mu);
    uint64_t target = st->pushed;
    while (st->thread_started && st->settled < target)
        pthread_cond_wait(&st->settled_cv, &st->mu);
    pthread_mutex_unlock(&st->mu);
}

int store_run_delete(struct store *st, int64_t run_id, char *err, size_t errlen)
{
    if (st->redis) {
        snprintf(err, errlen, "deleting a run is not available in cluster mode (--redis)");
        return HU_ERR_EXISTS;
    }
    store_flush(st);
    /* The run's children go by ON DELETE CASCADE; secure_delete (set when the
     * file was opened) zeroes their cells and freed pages. */
    static const char *const sqls[] = {"DELETE FROM runs WHERE id = ?1"};
    int changes = 0;
    int e = store_run_exec(st, "delete a run", sqls, 1, run_id, NULL, 0, &changes);
    if (e == HU_OK && changes != 1)
        return HU_ERR_NOT_FOUND;
    if (e != HU_OK) {
        store_say(err, errlen, "cannot delete the run from data file %s", st->path);
        return e;
    }
    /* The log still holds the pages as they were before the delete: copy
     * everything into the file and cut the log to nothing.  A reader (an
     * export) in the middle of the log makes SQLite wait for it, within the
     * busy timeout. */
    pthread_mutex_lock(&st->db_mu);
    int log_frames = 0, done_frames = 0;
    int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &done_frames);
    pthread_mutex_unlock(&st->db_mu);
    if (rc != SQLITE_OK) {
        store_say(err, errlen, "the run is deleted, but the write-ahead log of %s still holds a copy until "
                  "the next checkpoint: %s", st->path, sqlite3_errstr(rc));
        log_event(LOG_WARN, "deleted run still in the write-ahead log", LOG_S("file", st->path),
                  LOG_S("error", sqlite3_errstr(rc)), LOG_END);
        return HU_ERR_IO;
    }
    return HU_OK;
}

int store_setting_get(struct store *st, const char *name, char *out, size_t outlen)
{
    if (st->redis)
        return rrows_setting(st->redis, name, NULL, out, outlen);
    pthread_mutex_lock(&st->db_mu);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT value FROM settings WHERE name = ?1", -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    int e = HU_OK;
    if (rc == SQLITE_ROW)
        store_copy_text(q, 0, out, outlen);
    else if (rc == SQLITE_DONE)
        e = HU_ERR_NOT_FOUND;
    else
        e = store_run_fail(st, "read a setting", rc);
    sqlite3_finalize(q);
    pthread_mutex_unlock(&st->db_mu);
    return e;
}

int store_setting_set(struct store *st, const char *name, const char *value)
{
    if (st->redis)
        return rrows_setting(st->redis, name, value, NULL, 0);
    pthread_mutex_lock(&st->db_mu);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "INSERT INTO settings(name, value) VALUES(?1, ?2)"
                                " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                                -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    int e = rc == SQLITE_DONE ? HU_OK : store_run_fail(st, "save a setting", rc);
    sqlite3_finalize(q);
    pthread_mutex_unlock(&st->db_mu);
    return e;
}
