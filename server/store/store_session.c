/* store_session.c -- the synchronous start-up calls: find, create, update
 * and replay a session.
 *
 * They run on the caller's thread, on the store's one connection, taking
 * db_mu so that a batch of the writer thread never interleaves with them.
 * They are for start-up only; the event loop never calls them. */
#include "store_impl.h"
#include "redis_ops.h"

#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"

/* Logs an unexpected SQLite failure (the header's calls return only a
 * hu_err, so the details would otherwise be lost) and maps it. */
static int store_fail(struct store *st, const char *what, int rc)
{
    log_event(LOG_ERROR, "data file operation failed", LOG_S("file", st->path), LOG_S("op", what),
              LOG_S("error", sqlite3_errmsg(st->db)), LOG_END);
    return store_sqlite_err(rc);
}

int store_session_find(struct store *st, const char *code, const char *deck_path,
                       struct store_session_row *row)
{
    if (st->redis)
        return rrows_session_find(st->redis, code, deck_path, row);
    static const char cols[] = "SELECT id, code, presenter_key, deck_path, title, created_at FROM sessions ";
    char sql[256];
    const char *key = code ? code : deck_path;
    if (!st || !row || !key)
        return HU_ERR_INTERNAL;
    int n = snprintf(sql, sizeof sql, "%s%s", cols,
                     code ? "WHERE code = ?1" : "WHERE deck_path = ?1 ORDER BY id DESC LIMIT 1");
    if (n < 0 || (size_t)n >= sizeof sql)
        return HU_ERR_INTERNAL;
    pthread_mutex_lock(&st->db_mu);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(q);
    int e;
    if (rc == SQLITE_ROW) {
        memset(row, 0, sizeof *row);
        row->id = sqlite3_column_int64(q, 0);
        store_copy_text(q, 1, row->code, sizeof row->code);
        store_copy_text(q, 2, row->key, sizeof row->key);
        store_copy_text(q, 3, row->deck_path, sizeof row->deck_path);
        store_copy_text(q, 4, row->title, sizeof row->title);
        row->created_at = sqlite3_column_int64(q, 5);
        e = HU_OK;
    } else if (rc == SQLITE_DONE) {
        e = HU_ERR_NOT_FOUND;
    } else {
        e = store_fail(st, "look up a session", rc);
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&st->db_mu);
    return e;
}

int store_session_create(struct store *st, struct store_session_row *row)
{
    if (st->redis)
        return rrows_session_create(st->redis, row);
    if (!st || !row)
        return HU_ERR_INTERNAL;
    pthread_mutex_lock(&st->db_mu);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db,
                                "INSERT INTO sessions(code, presenter_key, deck_path, title,"
                                " current_slide, created_at, updated_at)"
                                " VALUES(?1, ?2, ?3, ?4, 0, ?5, ?6)",
                                -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(q, 1, row->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, row->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, row->deck_path, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, row->title, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, row->created_at);
        sqlite3_bind_int64(q, 6, store_now_ms());
        rc = sqlite3_step(q);
    }
    int e = HU_OK;
    if (rc == SQLITE_DONE)
        row->id = sqlite3_last_insert_rowid(st->db);
    else if (rc == SQLITE_CONSTRAINT_UNIQUE)
        e = HU_ERR_EXISTS; /* the only unique column besides the rowid is code */
    else
        e = store_fail(st, "create a session", rc);
    sqlite3_finalize(q);
    pthread_mutex_unlock(&st->db_mu);
    return e;
}

int store_session_update(struct store *st, const struct store_session_row *row)
{
    if (st->redis)
        return rrows_session_update(st->redis, row);
    if (!st || !row)
        return HU_ERR_INTERNAL;
    pthread_mutex_lock(&st->db_mu);
    sqlite3_stmt *q = NULL;
    /* The presenter key changes too when --presenter-key fixes a new one;
     * an empty key keeps the stored one. */
    int rc = sqlite3_prepare_v2(st->db,
                                "UPDATE sessions SET deck_path = ?2, title = ?3,"
                                " presenter_key = coalesce(nullif(?4, ''), presenter_key),"
                                " updated_at = ?5 WHERE id = ?1",
                                -1, &q, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, row->id);
        sqlite3_bind_text(q, 2, row->deck_path, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, row->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, row->key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, store_now_ms());
        rc = sqlite3_step(q);
    }
    int e = HU_OK;
    if (rc != SQLITE_DONE)
        e = store_fail(st, "update a session", rc);
    else if (sqlite3_changes(st->db) == 0)
        e = HU_ERR_NOT_FOUND;
    sqlite3_finalize(q);
    pthread_mutex_unlock(&st->db_mu);
    return e;
}

/* --- replay --- */

/* One row of a replay query: hands it to the callbacks; anything but HU_OK
 * stops the replay with that error. */
typedef int (*store_row_fn)(struct store *st, int64_t sid, sqlite3_stmt *q, const struct store_load_cb *cb,
                            void *ctx);

/* Runs sql (with ?1 the session's row id) and hands each row to row; what
 * names the rows in the error log. */
static int store_each(struct store *st, int64_t sid, const char *sql, const char *what, store_row_fn row,
                      const struct store_load_cb *cb, void *ctx)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(q, 1, sid);
    int e = HU_OK;
    while (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        if ((e = row(st, sid, q, cb, ctx)) != HU_OK)
            break;
        rc = SQLITE_OK;
    }
    if (e == HU_OK && rc != SQLITE_DONE)
        e = store_fail(st, what, rc);
    sqlite3_finalize(q);
    return e;
}

static bool store_id_ok(int64_t v, int64_t min) { return v >= min && v <= UINT32_MAX; }

static int store_poll_row(struct store *st, int64_t sid, sqlite3_stmt *q, const struct store_load_cb *cb,
                          void *ctx)
{
    (void)st;
    (void)sid;
    struct store_poll_row row;
    memset(&row, 0, sizeof row);
    store_copy_text(q, 0, row.poll_id, sizeof row.poll_id);
    store_copy_text(q, 1, row.question, sizeof row.question);
    store_copy_text(q, 2, row.kind, sizeof row.kind);
    row.slide_index = sqlite3_column_int(q, 3);
    row.status = sqlite3_column_int(q, 4);
    row.revealed = sqlite3_column_int(q, 5) != 0;
    row.opened_at = sqlite3_column_int64(q, 6);
    row.closed_at = sqlite3_column_int64(q, 7);
    row.participants_at_close = (uint32_t)sqlite3_column_int64(q, 8);
    store_copy_text(q, 9, row.params, sizeof row.params);
    if (cb->poll)
        cb->poll(ctx, &row);
    return HU_OK;
}

static int store_participant_row(struct store *st, int64_t sid, sqlite3_stmt *q, const struct store_load_cb *cb,
                                 void *ctx)
{
    const void *hash = sqlite3_column_blob(q, 1);
    int64_t idx = sqlite3_column_int64(q, 0);
    if (!hash || sqlite3_column_bytes(q, 1) != HU_HASH_LEN || !store_id_ok(idx, 0)) {
        log_event(LOG_ERROR, "damaged participant in the data file", LOG_S("file", st->path),
                  LOG_I("participant", idx), LOG_I("run_row", sid), LOG_END);
        return HU_ERR_PARSE;
    }
    if (cb->participant)
        cb->participant(ctx, (uint32_t)idx, hash);
    return HU_OK;
}

static int store_vote_row(struct store *st, int64_t sid, sqlite3_stmt *q, const struct store_load_cb *cb,
                          void *ctx)
{
    (void)st;
    (void)sid;
    const unsigned char *poll = sqlite3_column_text(q, 0), *choice = sqlite3_column_text(q, 2);
    int64_t who = sqlite3_column_int64(q, 1);
    if (poll && choice && store_id_ok(who, 0) && cb->vote)
        cb->vote(ctx, (const char *)poll, (uint32_t)who, (const char *)choice);
    return HU_OK;
}

static int store_answer_row(struct store *st, int64_t sid, sqlite3_stmt *q, const struct store_load_cb *cb,
                            void *ctx)
{
    (void)st;
    (void)sid;
    const unsigned char *poll = sqlite3_column_text(q, 0), *text = sqlite3_column_text(q, 3);
    int64_t id = sqlite3_column_int64(q, 1), who = sqlite3_column_int64(q, 2);
    if (poll && text && store_id_ok(id, 1) && store_id_ok(who, 0) && cb->answer)
        cb->answer(ctx, (const char *)poll, (uint32_t)id, (uint32_t)who, (const char *)text,
                   sqlite3_column_int(q, 4), sqlite3_column_int64(q, 5));
    return HU_OK;
}

static int store_question_row(struct store *st, int64_t sid, sqlite3_stmt *q, const struct store_load_cb *cb,
                              void *ctx)
{
    (void)st;
    (void)sid;
    const unsigned char *text = sqlite3_column_text(q, 2);
    int64_t id = sqlite3_column_int64(q, 0), who = sqlite3_column_int64(q, 1);
    if (text && store_id_ok(id, 1) && store_id_ok(who, 0) && cb->question)
        cb->question(ctx, (uint32_t)id, (uint32_t)who, (const char *)text, sqlite3_column_int(q, 3),
                     sqlite3_column_int64(q, 4));
    return HU_OK;
}

static int store_upvote_row(struct store *st, int64_t sid, sqlite3_stmt *q, const struct store_load_cb *cb,
                            void *ctx)
{
    (void)st;
    (void)sid;
    int64_t id = sqlite3_column_int64(q, 0), who = sqlite3_column_int64(q, 1);
    if (store_id_ok(id, 1) && store_id_ok(who, 0) && cb->upvote)
        cb->upvote(ctx, (uint32_t)id, (uint32_t)who);
    return HU_OK;
}

/* The replay, in the order the session needs: polls, participants, then
 * what was given to the polls and the questions. */
static const struct {
    const char *sql, *what;
    store_row_fn row;
} store_replays[] = {
    {"SELECT poll_id, question, kind, slide_index, status, revealed, opened_at, closed_at,"
     " participants_at_close, params FROM polls WHERE run_id = ?1"
     " ORDER BY slide_index < 0, slide_index, poll_id",
     "read polls", store_poll_row},
    {"SELECT idx, token_hash FROM participants WHERE run_id = ?1 ORDER BY idx", "read participants",
     store_participant_row},
    {"SELECT poll_id, participant, choice FROM votes WHERE run_id = ?1 ORDER BY poll_id, participant",
     "read votes", store_vote_row},
    {"SELECT poll_id, answer_id, participant, text, status, created_at FROM answers WHERE run_id = ?1"
     " ORDER BY poll_id, answer_id",
     "read answers", store_answer_row},
    {"SELECT question_id, participant, text, status, created_at FROM questions WHERE run_id = ?1"
     " ORDER BY question_id",
     "read questions", store_question_row},
    {"SELECT question_id, participant FROM upvotes WHERE run_id = ?1"
     " ORDER BY voted_at, question_id, participant",
     "read upvotes", store_upvote_row},
};

int store_replay(struct store *st, int64_t run_id, const struct store_load_cb *cb, void *ctx)
{
    int e = HU_OK;
    for (size_t i = 0; e == HU_OK && i < sizeof store_replays / sizeof store_replays[0]; i++)
        if (store_replays[i].row != store_participant_row || cb->participant)
            e = store_each(st, run_id, store_replays[i].sql, store_replays[i].what, store_replays[i].row, cb,
                           ctx);
    return e;
}

int store_session_load(struct store *st, int64_t run_id, const struct store_load_cb *cb, void *ctx)
{
    if (st->redis)
        return rrows_session_load(st->redis, run_id, cb, ctx);
    if (!st || !cb)
        return HU_ERR_INTERNAL;
    pthread_mutex_lock(&st->db_mu);
    /* One read transaction, so the replays see the same snapshot. */
    int rc = sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);
    int e = rc == SQLITE_OK ? HU_OK : store_fail(st, "read a session", rc);
    if (e == HU_OK)
        e = store_replay(st, run_id, cb, ctx);
    if (!sqlite3_get_autocommit(st->db))
        (void)sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    pthread_mutex_unlock(&st->db_mu);
    return e;
}
