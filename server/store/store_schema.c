/* store_schema.c -- opening the data file: pragmas, schema versions, migrations.
 *
 * The schema version lives in PRAGMA user_version and the file is marked as
 * ours with PRAGMA application_id.  Each version has one migration function,
 * run in its own transaction, so a file written by any older build is brought
 * up to date step by step and a crash mid-migration leaves the old version. */
#include "store_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/hu_err.h"
#include "base/log.h"

int64_t store_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int store_sqlite_err(int rc)
{
    return (rc & 0xff) == SQLITE_NOMEM ? HU_ERR_NOMEM : HU_ERR_IO;
}

void store_say(char *dst, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (len && vsnprintf(dst, len, fmt, ap) < 0)
        dst[0] = '\0';
    va_end(ap);
}

void store_copy_text(sqlite3_stmt *q, int col, char *dst, size_t dstlen)
{
    const unsigned char *s = sqlite3_column_text(q, col);
    int n = sqlite3_column_bytes(q, col);
    size_t len = s && n > 0 ? (size_t)n : 0;
    if (dstlen == 0)
        return;
    if (len >= dstlen) {
        /* Cut between characters, never inside one. */
        len = dstlen - 1;
        while (len > 0 && (s[len] & 0xC0) == 0x80)
            len--;
    }
    if (len)
        memcpy(dst, s, len);
    dst[len] = '\0';
}

/* Runs a PRAGMA (or any query) that yields one integer. */
static int store_query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(q, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            *out = 0;
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(q);
    return rc;
}

/* --- migrations: one function per schema version --- */

/* Version 1: the tables of the first release.  Tokens are stored only as
 * SHA-256 hashes; no address, user agent or clear token is ever written.
 * Votes refer to their poll and participant, so a vote whose participant
 * or poll never reached the disk fails instead of being acknowledged. */
static int store_migrate_v1(sqlite3 *db, char **errmsg)
{
    static const char sql[] =
        "CREATE TABLE sessions("
        " id INTEGER PRIMARY KEY,"
        " code TEXT UNIQUE NOT NULL,"
        " presenter_key TEXT NOT NULL,"
        " deck_path TEXT NOT NULL,"
        " title TEXT NOT NULL,"
        " current_slide INTEGER NOT NULL DEFAULT 0,"
        " created_at INTEGER NOT NULL,"
        " updated_at INTEGER NOT NULL);"
        "CREATE INDEX sessions_deck_path ON sessions(deck_path);"
        "CREATE TABLE polls("
        " session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        " poll_id TEXT NOT NULL,"
        " question TEXT NOT NULL,"
        " kind TEXT NOT NULL,"
        " slide_index INTEGER NOT NULL,"
        " status INTEGER NOT NULL CHECK(status IN (0, 1, 2)),"
        " revealed INTEGER NOT NULL,"
        " opened_at INTEGER NOT NULL,"
        " closed_at INTEGER NOT NULL,"
        " participants_at_close INTEGER NOT NULL,"
        " PRIMARY KEY(session_id, poll_id)) WITHOUT ROWID;"
        "CREATE TABLE participants("
        " session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        " idx INTEGER NOT NULL,"
        " token_hash BLOB NOT NULL CHECK(length(token_hash) = 32),"
        " joined_at INTEGER NOT NULL,"
        " PRIMARY KEY(session_id, idx),"
        " UNIQUE(session_id, token_hash)) WITHOUT ROWID;"
        "CREATE TABLE votes("
        " session_id INTEGER NOT NULL,"
        " poll_id TEXT NOT NULL,"
        " participant INTEGER NOT NULL,"
        " choice TEXT NOT NULL,"
        " voted_at INTEGER NOT NULL,"
        " PRIMARY KEY(session_id, poll_id, participant),"
        " FOREIGN KEY(session_id, poll_id) REFERENCES polls(session_id, poll_id) ON DELETE CASCADE,"
        " FOREIGN KEY(session_id, participant) REFERENCES participants(session_id, idx)"
        "  ON DELETE CASCADE) WITHOUT ROWID;";
    return sqlite3_exec(db, sql, NULL, NULL, errmsg);
}

/* Version 2: poll kinds beyond yes/no (DESIGN.md section 7).  A poll keeps
 * its kind's parameters (options with ids and labels, range, ...) as JSON,
 * so exports can name options without the deck; a first-release poll gets
 * '' there, which reads as its kind's defaults.  Votes keep their table: a
 * multiple choice stores its picks as option ids separated by spaces, a
 * scale its value.  Open answers, audience questions and upvotes get tables
 * of their own, keyed like votes by the session's row and a poll or
 * question id, so that a later column (a run) can join their keys without
 * reshaping them.  A withdrawn answer keeps its row with its text erased
 * (status 4), so its id is never handed out again. */
static int store_migrate_v2(sqlite3 *db, char **errmsg)
{
    static const char sql[] =
        "ALTER TABLE polls ADD COLUMN params TEXT NOT NULL DEFAULT '';"
        "CREATE TABLE answers("
        " session_id INTEGER NOT NULL,"
        " poll_id TEXT NOT NULL,"
        " answer_id INTEGER NOT NULL CHECK(answer_id > 0),"
        " participant INTEGER NOT NULL,"
        " text TEXT NOT NULL,"
        " status INTEGER NOT NULL CHECK(status IN (1, 2, 3, 4)),"
        " created_at INTEGER NOT NULL,"
        " updated_at INTEGER NOT NULL,"
        " PRIMARY KEY(session_id, poll_id, answer_id),"
        " FOREIGN KEY(session_id, poll_id) REFERENCES polls(session_id, poll_id) ON DELETE CASCADE,"
        " FOREIGN KEY(session_id, participant) REFERENCES participants(session_id, idx)"
        "  ON DELETE CASCADE) WITHOUT ROWID;"
        "CREATE TABLE questions("
        " session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
        " question_id INTEGER NOT NULL CHECK(question_id > 0),"
        " participant INTEGER NOT NULL,"
        " text TEXT NOT NULL,"
        " status INTEGER NOT NULL CHECK(status IN (1, 2, 3, 4, 5)),"
        " created_at INTEGER NOT NULL,"
        " updated_at INTEGER NOT NULL,"
        " PRIMARY KEY(session_id, question_id),"
        " FOREIGN KEY(session_id, participant) REFERENCES participants(session_id, idx)"
        "  ON DELETE CASCADE) WITHOUT ROWID;"
        "CREATE TABLE upvotes("
        " session_id INTEGER NOT NULL,"
        " question_id INTEGER NOT NULL,"
        " participant INTEGER NOT NULL,"
        " voted_at INTEGER NOT NULL,"
        " PRIMARY KEY(session_id, question_id, participant),"
        " FOREIGN KEY(session_id, question_id) REFERENCES questions(session_id, question_id) ON DELETE CASCADE,"
        " FOREIGN KEY(session_id, participant) REFERENCES participants(session_id, idx)"
        "  ON DELETE CASCADE) WITHOUT ROWID;";
    return sqlite3_exec(db, sql, NULL, NULL, errmsg);
}

/* SQLITE_OK when PRAGMA foreign_key_check finds nothing, else an error
 * naming the first table with a dangling reference. */
static int store_foreign_keys_ok(sqlite3 *db, char **errmsg)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &q, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            const unsigned char *table = sqlite3_column_text(q, 0);
            *errmsg = sqlite3_mprintf("a row of table %s refers to a missing row", table ? (const char *)table : "?");
            rc = SQLITE_CONSTRAINT;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(q);
    return rc;
}

typedef int (*store_migration_fn)(sqlite3 *db, char **errmsg);

/* store_migrations[v] takes a file from version v to v + 1. */
static const store_migration_fn store_migrations[STORE_SCHEMA_VERSION] = {
    store_migrate_v1,
    store_migrate_v2,
    store_migrate_runs,
};

static int store_migrate(struct store *st, int64_t from, char *err, size_t errlen)
{
    for (int64_t v = from; v < STORE_SCHEMA_VERSION; v++) {
        char *msg = NULL;
        char sql[96];
        /* Foreign keys off while a migration rebuilds tables (a dropped table
         * would otherwise cascade into its children); the pragma is a no-op
         * inside a transaction, so it goes first, and every key is checked
         * before the commit instead. */
        int rc = sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE", NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = store_migrations[v](st->db, &msg);
        if (rc == SQLITE_OK)
            rc = store_foreign_keys_ok(st->db, &msg);
        if (rc == SQLITE_OK) {
            /* The mark and the version change in the migration's transaction. */
            int n = snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
                             STORE_APPLICATION_ID, (int)(v + 1));
            rc = n > 0 && (size_t)n < sizeof sql ? sqlite3_exec(st->db, sql, NULL, NULL, &msg)
                                                 : SQLITE_INTERNAL;
        }
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg);
        if (rc != SQLITE_OK && !sqlite3_get_autocommit(st->db))
            (void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        int fk = sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, rc == SQLITE_OK ? &msg : NULL);
        if (rc == SQLITE_OK)
            rc = fk;
        if (rc != SQLITE_OK) {
            snprintf(err, errlen, "cannot set up data file %s (schema %d): %s", st->path, (int)(v + 1),
                     msg ? msg : sqlite3_errstr(rc));
            sqlite3_free(msg);
            if (!sqlite3_get_autocommit(st->db))
                (void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            return store_sqlite_err(rc);
        }
    }
    /* A migration that rebuilt tables leaves their old pages free (zeroed, by
     * secure_delete); give them back so the file is as small as its content
     * and the test that fills the disk finds no free page to spend. */
    if (from < STORE_SCHEMA_VERSION) {
        char *msg = NULL;
        if (sqlite3_exec(st->db, "VACUUM", NULL, NULL, &msg) != SQLITE_OK)
            log_event(LOG_WARN, "data file not compacted after its migration", LOG_S("file", st->path),
                      LOG_S("error", msg ? msg : "unknown"), LOG_END);
        sqlite3_free(msg);
    }
    return HU_OK;
}

/* Reads the version and checks the file is ours; fills *version. */
static int store_check_file(struct store *st, int64_t *version, char *err, size_t errlen)
{
    int64_t app = 0, tables = 0;
    int rc = store_query_int(st->db, "PRAGMA user_version", version);
    if (rc == SQLITE_OK)
        rc = store_query_int(st->db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = store_query_int(st->db, "SELECT count(*) FROM sqlite_schema", &tables);
    if (rc != SQLITE_OK) {
        int prim = rc & 0xff;
        if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
            snprintf(err, errlen, "data file %s is not a handsup database or is corrupt: %s", st->path,
                     sqlite3_errmsg(st->db));
        else
            snprintf(err, errlen, "cannot open data file %s: %s", st->path, sqlite3_errmsg(st->db));
        return store_sqlite_err(rc);
    }
    if (*version > STORE_SCHEMA_VERSION) {
        snprintf(err, errlen, "data file %s was written by a newer handsup (schema %d, this build knows %d)",
                 st->path, (int)*version, STORE_SCHEMA_VERSION);
        return HU_ERR_IO;
    }
    if ((*version > 0 && app != STORE_APPLICATION_ID) || (*version == 0 && tables > 0)) {
        snprintf(err, errlen, "data file %s is not a handsup database or is corrupt: "
                 "it holds another application's tables", st->path);
        return HU_ERR_IO;
    }
    if (st->readonly && *version == 0) {
        snprintf(err, errlen, "data file %s is not a handsup database or is corrupt: it is empty", st->path);
        return HU_ERR_IO;
    }
    if (st->readonly && *version < STORE_SCHEMA_VERSION) {
        snprintf(err, errlen, "data file %s was written by an older handsup (schema %d, this build knows %d);"
                 " run handsup serve on it once to upgrade it", st->path, (int)*version, STORE_SCHEMA_VERSION);
        return HU_ERR_IO;
    }
    return HU_OK;
}

/* WAL lets `handsup export` read while the server writes; synchronous=FULL
 * makes every commit fsync the log, which is what "acknowledged means
 * durable" rests on. */
static int store_pragmas(struct store *st, char *err, size_t errlen)
{
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &q, NULL);
    if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
        const unsigned char *mode = sqlite3_column_text(q, 0);
        if (!mode || strcmp((const char *)mode, "wal") != 0) {
            snprintf(err, errlen, "cannot open data file %s: it cannot use write-ahead logging (mode %s)",
                     st->path, mode ? (const char *)mode : "unknown");
            sqlite3_finalize(q);
            return HU_ERR_IO;
        }
        rc = SQLITE_OK;
    } else if (rc == SQLITE_OK) {
        rc = sqlite3_errcode(st->db);
    }
    sqlite3_finalize(q);
    char *msg = NULL;
    if (rc == SQLITE_OK)
        /* secure_delete: what is deleted (a run, a reset poll, a withdrawn
         * answer) is overwritten with zeros in the file, not left in free
         * space for anyone holding a copy (docs/privacy.md). */
        rc = sqlite3_exec(st->db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON",
                          NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open data file %s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return store_sqlite_err(rc);
    }
    return HU_OK;
}

int store_schema_open(struct store *st, char *err, size_t errlen)
{
    int flags = SQLITE_OPEN_NOMUTEX;
    flags |= st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(st->path, &st->db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open data file %s: %s", st->path,
                 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        sqlite3_close(st->db);
        st->db = NULL;
        return store_sqlite_err(rc);
    }
    (void)sqlite3_extended_result_codes(st->db, 1);
    (void)sqlite3_busy_timeout(st->db, 5000);

    int64_t version = 0;
    int e = store_check_file(st, &version, err, errlen);
    if (e == HU_OK && st->readonly) {
        /* An export must never change the file, whatever it runs. */
        char *msg = NULL;
        rc = sqlite3_exec(st->db, "PRAGMA query_only = ON", NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            snprintf(err, errlen, "cannot open data file %s: %s", st->path, msg ? msg : sqlite3_errstr(rc));
            e = store_sqlite_err(rc);
        }
        sqlite3_free(msg);
    } else if (e == HU_OK) {
        e = store_pragmas(st, err, errlen);
        if (e == HU_OK && version < STORE_SCHEMA_VERSION)
            e = store_migrate(st, version, err, errlen);
    }
    if (e != HU_OK) {
        sqlite3_close(st->db);
        st->db = NULL;
    }
    return e;
}

static int store_schema_prepare_text(struct store *st, char *err, size_t errlen);

static int store_prepare(struct store *st, sqlite3_stmt **q, const char *sql, char *err, size_t errlen)
{
    int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, q, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot use data file %s: %s", st->path, sqlite3_errmsg(st->db));
        return store_sqlite_err(rc);
    }
    return HU_OK;
}

int store_schema_prepare(struct store *st, char *err, size_t errlen)
{
    int e = store_prepare(st, &st->q_begin, "BEGIN IMMEDIATE", err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_commit, "COMMIT", err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_rollback, "ROLLBACK", err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_vote,
                          "INSERT INTO votes(run_id, poll_id, participant, choice, voted_at)"
                          " VALUES(?1, ?2, ?3, ?4, ?5)"
                          " ON CONFLICT(run_id, poll_id, participant)"
                          " DO UPDATE SET choice = excluded.choice, voted_at = excluded.voted_at",
                          err, errlen);
    /* Replaying the same participant is harmless; a second index for one
     * token, or a second token for one index, is a bug and is refused. */
    if (!e)
        e = store_prepare(st, &st->q_participant,
                          "INSERT INTO participants(run_id, idx, token_hash, joined_at)"
                          " VALUES(?1, ?2, ?3, ?4)"
                          " ON CONFLICT(run_id, idx) DO NOTHING",
                          err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_slide,
                          "UPDATE runs SET current_slide = ?2, updated_at = ?3 WHERE id = ?1", err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_poll,
                          "INSERT INTO polls(run_id, poll_id, question, kind, slide_index, status,"
                          " revealed, opened_at, closed_at, participants_at_close, params)"
                          " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                          " ON CONFLICT(run_id, poll_id) DO UPDATE SET"
                          " question = excluded.question, kind = excluded.kind,"
                          " slide_index = excluded.slide_index, status = excluded.status,"
                          " revealed = excluded.revealed, opened_at = excluded.opened_at,"
                          " closed_at = excluded.closed_at,"
                          " participants_at_close = excluded.participants_at_close,"
                          " params = excluded.params",
                          err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_reset, "DELETE FROM votes WHERE run_id = ?1 AND poll_id = ?2",
                          err, errlen);
    if (!e)
        e = store_schema_prepare_text(st, err, errlen);
    return e;
}

/* The statements of schema 2's answers, questions and upvotes. */
static int store_schema_prepare_text(struct store *st, char *err, size_t errlen)
{
    int e = store_prepare(st, &st->q_unvote,
                          "DELETE FROM votes WHERE run_id = ?1 AND poll_id = ?2 AND participant = ?3", err,
                          errlen);
    if (!e)
        e = store_prepare(st, &st->q_reset_answers, "DELETE FROM answers WHERE run_id = ?1 AND poll_id = ?2",
                          err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_answer,
                          "INSERT INTO answers(run_id, poll_id, answer_id, participant, text, status,"
                          " created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                          err, errlen);
    /* A withdrawn answer loses its text (status 4); a moderated one keeps it. */
    if (!e)
        e = store_prepare(st, &st->q_answer_status,
                          "UPDATE answers SET status = ?4, updated_at = ?5,"
                          " text = CASE WHEN ?4 = 4 THEN '' ELSE text END"
                          " WHERE run_id = ?1 AND poll_id = ?2 AND answer_id = ?3",
                          err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_question,
                          "INSERT INTO questions(run_id, question_id, participant, text, status, created_at,"
                          " updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                          err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_question_status,
                          "UPDATE questions SET status = ?3, updated_at = ?4"
                          " WHERE run_id = ?1 AND question_id = ?2",
                          err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_upvote,
                          "INSERT INTO upvotes(run_id, question_id, participant, voted_at)"
                          " VALUES(?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                          err, errlen);
    if (!e)
        e = store_prepare(st, &st->q_unupvote,
                          "DELETE FROM upvotes WHERE run_id = ?1 AND question_id = ?2 AND participant = ?3",
                          err, errlen);
    return e;
}

void store_schema_close(struct store *st)
{
    sqlite3_stmt **all[] = {&st->q_begin,    &st->q_commit,        &st->q_rollback,     &st->q_vote,
                            &st->q_participant, &st->q_slide,      &st->q_poll,         &st->q_reset,
                            &st->q_unvote,   &st->q_reset_answers, &st->q_answer,       &st->q_answer_status,
                            &st->q_question, &st->q_question_status, &st->q_upvote,     &st->q_unupvote};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
    if (st->db && sqlite3_close(st->db) != SQLITE_OK)
        log_event(LOG_WARN, "data file did not close cleanly", LOG_S("file", st->path),
                  LOG_S("error", sqlite3_errmsg(st->db)), LOG_END);
    st->db = NULL;
}
