/* test_store_run.c -- runs in the data file (store_run.h): numbering that
 * never reuses a deleted run's number, ending and resuming, settings, the
 * secure deletion that leaves no byte of a run in the file or its log, and
 * the migration of a schema 2 file whose sessions become their run 1. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "base/hu_err.h"
#include "store/store.h"
#include "store/store_run.h"

static char tmpdir[64];

static void path_in_tmp(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

static struct store *open_rw(const char *path)
{
    char err[512];
    struct store *st = NULL;
    if (store_open(path, false, &st, err, sizeof err) != HU_OK)
        fprintf(stderr, "store_open: %s\n", err);
    CHECK(st != NULL);
    return st;
}

static int64_t new_session(struct store *st, const char *code)
{
    struct store_session_row row;
    memset(&row, 0, sizeof row);
    snprintf(row.code, sizeof row.code, "%s", code);
    snprintf(row.key, sizeof row.key, "k0123456789abcdef0123456789abcdef");
    snprintf(row.deck_path, sizeof row.deck_path, "/decks/%s.md", code);
    snprintf(row.title, sizeof row.title, "Deck %s", code);
    row.created_at = 1700000000000;
    CHECK(store_session_create(st, &row) == HU_OK);
    return row.id;
}

/* Every byte of a file into a malloc'd buffer (NULL and 0 when absent). */
static unsigned char *slurp(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 65536;
            unsigned char *nb = realloc(buf, cap);
            if (!nb)
                break;
            buf = nb;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        if (n == 0)
            break;
        *len += n;
    }
    fclose(f);
    return buf;
}

/* True when needle appears in the data file or its write-ahead log. */
static int in_file(const char *path, const char *needle)
{
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", path);
    const char *files[2] = {path, wal};
    size_t nl = strlen(needle);
    for (int i = 0; i < 2; i++) {
        size_t len;
        unsigned char *b = slurp(files[i], &len);
        for (size_t k = 0; b && k + nl <= len; k++)
            if (memcmp(b + k, needle, nl) == 0) {
                free(b);
                return 1;
            }
        free(b);
    }
    return 0;
}

static void test_numbers_end_resume(void)
{
    char path[128];
    path_in_tmp(path, sizeof path, "runs.db");
    struct store *st = open_rw(path);
    if (!st)
        return;
    int64_t sid = new_session(st, "40455687");
    struct store_run_row r1, r2, r3, got;
    CHECK(store_run_latest(st, sid, &got) == HU_ERR_NOT_FOUND);
    CHECK(store_run_create(st, sid, "Cardiff", 1000, &r1) == HU_OK);
    CHECK(r1.number == 1 && r1.started_at == 1000 && r1.ended_at == 0);
    CHECK_STR(r1.label, "Cardiff");
    CHECK_STR(r1.code, "40455687");
    /* Starting the next run ends the one still live. */
    CHECK(store_run_create(st, sid, NULL, 5000, &r2) == HU_OK);
    CHECK(r2.number == 2 && r2.label[0] == '\0');
    CHECK(store_run_find(st, sid, 1, &got) == HU_OK && got.ended_at == 5000 && got.active_at == 5000);
    CHECK(store_run_latest(st, sid, &got) == HU_OK && got.number == 2);
    /* Resuming a run takes its end away; a label given replaces its own. */
    CHECK(store_run_end(st, r2.id, 9000) == HU_OK);
    CHECK(store_run_find(st, sid, 2, &got) == HU_OK && got.ended_at == 9000 && got.active_at == 9000);
    CHECK(store_run_resume(st, r2.id, "Swansea") == HU_OK);
    CHECK(store_run_find(st, sid, 2, &got) == HU_OK && got.ended_at == 0);
    CHECK_STR(got.label, "Swansea");
    CHECK(store_run_resume(st, r2.id, NULL) == HU_OK);
    CHECK(store_run_find(st, sid, 2, &got) == HU_OK);
    CHECK_STR(got.label, "Swansea");
    /* A deleted run's number is never given again. */
    char err[256];
    CHECK(store_run_delete(st, r2.id, err, sizeof err) == HU_OK);
    CHECK(store_run_delete(st, r2.id, err, sizeof err) == HU_ERR_NOT_FOUND);
    CHECK(store_run_create(st, sid, NULL, 12000, &r3) == HU_OK);
    CHECK(r3.number == 3);
    struct store_run_row *list = NULL;
    size_t n = 0;
    CHECK(store_runs_list(st, sid, &list, &n) == HU_OK);
    CHECK(n == 2 && list && list[0].number == 1 && list[1].number == 3);
    free(list);
    int64_t other = new_session(st, "12345678");
    CHECK(store_run_create(st, other, NULL, 13000, &got) == HU_OK && got.number == 1);
    CHECK(store_runs_all(st, &list, &n) == HU_OK);
    CHECK(n == 3 && list && list[2].session_id == other);
    free(list);
    CHECK(store_run_create(st, 999, NULL, 1, &got) == HU_ERR_NOT_FOUND);

    char value[64];
    CHECK(store_setting_get(st, "admin_key", value, sizeof value) == HU_ERR_NOT_FOUND);
    CHECK(store_setting_set(st, "admin_key", "first") == HU_OK);
    CHECK(store_setting_set(st, "admin_key", "second") == HU_OK);
    CHECK(store_setting_get(st, "admin_key", value, sizeof value) == HU_OK);
    CHECK_STR(value, "second");
    store_close(st);
}

/* A deleted run leaves no byte of its label, participants' votes or
 * answers in the file or its log, even after many writes moved pages. */
static void test_secure_delete(void)
{
    char path[128], err[256];
    path_in_tmp(path, sizeof path, "erase.db");
    struct store *st = open_rw(path);
    if (!st)
        return;
    int64_t sid = new_session(st, "77776666");
    struct store_run_row gone, kept;
    const char *label = "Label-9f3ac2e1b7d4";
    CHECK(store_run_create(st, sid, label, 1000, &gone) == HU_OK);
    struct store_poll_row p;
    memset(&p, 0, sizeof p);
    snprintf(p.poll_id, sizeof p.poll_id, "secret-poll-5e1d");
    snprintf(p.question, sizeof p.question, "Question-7c2b91d0?");
    snprintf(p.kind, sizeof p.kind, "yesno");
    p.status = 1;
    CHECK(store_poll(st, gone.id, &p) == HU_OK);
    for (unsigned i = 0; i < 300; i++) {
        unsigned char h[HU_HASH_LEN];
        memset(h, 0, sizeof h);
        memcpy(h, &i, sizeof i);
        CHECK(store_participant(st, gone.id, i, h) == HU_OK);
        CHECK(store_vote(st, gone.id, "secret-poll-5e1d", i, i % 2 ? "yes" : "no", NULL) == HU_OK);
    }
    store_flush(st);
    /* Votes are completed like any vote: take them off the done list. */
    struct store_done done[512];
    while (store_take_done(st, done, 512) > 0)
        ;
    CHECK(store_run_create(st, sid, "Kept-0c1d2e", 2000, &kept) == HU_OK);
    store_flush(st);
    CHECK(in_file(path, label) && in_file(path, "Question-7c2b91d0?") && in_file(path, "secret-poll-5e1d"));
    CHECK(store_run_delete(st, gone.id, err, sizeof err) == HU_OK);
    CHECK(!in_file(path, label));
    CHECK(!in_file(path, "Question-7c2b91d0?"));
    CHECK(!in_file(path, "secret-poll-5e1d"));
    CHECK(in_file(path, "Kept-0c1d2e"));
    store_close(st);
    CHECK(!in_file(path, label));
}

/* A schema 2 file (kinds, before runs), written here by hand. */
static const char schema2[] =
    "CREATE TABLE sessions(id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL, presenter_key TEXT NOT NULL,"
    " deck_path TEXT NOT NULL, title TEXT NOT NULL, current_slide INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE INDEX sessions_deck_path ON sessions(deck_path);"
    "CREATE TABLE polls(session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    " poll_id TEXT NOT NULL, question TEXT NOT NULL, kind TEXT NOT NULL, slide_index INTEGER NOT NULL,"
    " status INTEGER NOT NULL CHECK(status IN (0, 1, 2)), revealed INTEGER NOT NULL, opened_at INTEGER NOT NULL,"
    " closed_at INTEGER NOT NULL, participants_at_close INTEGER NOT NULL, params TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY(session_id, poll_id)) WITHOUT ROWID;"
    "CREATE TABLE participants(session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    " idx INTEGER NOT NULL, token_hash BLOB NOT NULL CHECK(length(token_hash) = 32), joined_at INTEGER NOT NULL,"
    " PRIMARY KEY(session_id, idx), UNIQUE(session_id, token_hash)) WITHOUT ROWID;"
    "CREATE TABLE votes(session_id INTEGER NOT NULL, poll_id TEXT NOT NULL, participant INTEGER NOT NULL,"
    " choice TEXT NOT NULL, voted_at INTEGER NOT NULL, PRIMARY KEY(session_id, poll_id, participant),"
    " FOREIGN KEY(session_id, poll_id) REFERENCES polls(session_id, poll_id) ON DELETE CASCADE,"
    " FOREIGN KEY(session_id, participant) REFERENCES participants(session_id, idx) ON DELETE CASCADE)"
    " WITHOUT ROWID;"
    "CREATE TABLE answers(session_id INTEGER NOT NULL, poll_id TEXT NOT NULL,"
    " answer_id INTEGER NOT NULL CHECK(answer_id > 0), participant INTEGER NOT NULL, text TEXT NOT NULL,"
    " status INTEGER NOT NULL CHECK(status IN (1, 2, 3, 4)), created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL, PRIMARY KEY(session_id, poll_id, answer_id),"
    " FOREIGN KEY(session_id, poll_id) REFERENCES polls(session_id, poll_id) ON DELETE CASCADE,"
    " FOREIGN KEY(session_id, participant) REFERENCES participants(session_id, idx) ON DELETE CASCADE)"
    " WITHOUT ROWID;"
    "CREATE TABLE questions(session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    " question_id INTEGER NOT NULL CHECK(question_id > 0), participant INTEGER NOT NULL, text TEXT NOT NULL,"
    " status INTEGER NOT NULL CHECK(status IN (1, 2, 3, 4, 5)), created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL, PRIMARY KEY(session_id, question_id),"
    " FOREIGN KEY(session_id, participant) REFERENCES participants(session_id, idx) ON DELETE CASCADE)"
    " WITHOUT ROWID;"
    "CREATE TABLE upvotes(session_id INTEGER NOT NULL, question_id INTEGER NOT NULL,"
    " participant INTEGER NOT NULL, voted_at INTEGER NOT NULL, PRIMARY KEY(session_id, question_id, participant),"
    " FOREIGN KEY(session_id, question_id) REFERENCES questions(session_id, question_id) ON DELETE CASCADE,"
    " FOREIGN KEY(session_id, participant) REFERENCES participants(session_id, idx) ON DELETE CASCADE)"
    " WITHOUT ROWID;"
    "INSERT INTO sessions VALUES(3, '40455687', 'key', '/decks/a.md', 'A', 4, 1000, 2000);"
    "INSERT INTO sessions VALUES(7, '12345678', 'key', '/decks/b.md', 'B', 0, 3000, 3000);"
    "INSERT INTO polls VALUES(3, 'q1', 'Q?', 'yesno', 2, 2, 1, 1100, 1200, 2, '');"
    "INSERT INTO polls VALUES(3, 'w', 'Word?', 'text', 3, 1, 0, 1300, 0, 0, '');"
    "INSERT INTO participants VALUES(3, 0, zeroblob(32), 1050);"
    "INSERT INTO participants VALUES(3, 1, randomblob(32), 1060);"
    "INSERT INTO votes VALUES(3, 'q1', 0, 'yes', 1110);"
    "INSERT INTO votes VALUES(3, 'q1', 1, 'no', 1120);"
    "INSERT INTO answers VALUES(3, 'w', 1, 0, 'trust', 1, 1310, 1310);"
    "INSERT INTO questions VALUES(3, 1, 1, 'Why?', 1, 1400, 1400);"
    "INSERT INTO upvotes VALUES(3, 1, 0, 1500);"
    "PRAGMA application_id = 1213550641; PRAGMA user_version = 2;";

static void test_migration(void)
{
    char path[128];
    path_in_tmp(path, sizeof path, "v2.db");
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    char *msg = NULL;
    CHECK(sqlite3_exec(db, schema2, NULL, NULL, &msg) == SQLITE_OK);
    if (msg)
        fprintf(stderr, "schema 2: %s\n", msg);
    sqlite3_free(msg);
    sqlite3_close(db);

    struct store *st = open_rw(path);
    if (!st)
        return;
    /* Each session is now its run 1, with the session's own row id, where
     * the session stood; every row of the room came along. */
    struct store_run_row r;
    CHECK(store_run_latest(st, 3, &r) == HU_OK);
    CHECK(r.id == 3 && r.number == 1 && r.current_slide == 4 && r.started_at == 1000 && r.participants == 2);
    CHECK(r.active_at == 2000);
    CHECK(store_run_latest(st, 7, &r) == HU_OK && r.id == 7 && r.number == 1);
    struct results *res = NULL;
    char err[256];
    const char *codes[1] = {"40455687"};
    CHECK(store_read_results(st, codes, 1, STORE_RUN_LATEST, &res, err, sizeof err) == HU_OK);
    if (res && res->n_sessions == 1) {
        const struct results_session *s = &res->sessions[0];
        CHECK(s->run == 1 && s->participants == 2 && s->n_polls == 2);
        CHECK(s->n_questions == 1 && s->questions && s->questions[0].votes == 1);
        for (size_t i = 0; i < s->n_polls; i++) {
            if (strcmp(s->polls[i].poll_id, "q1") == 0)
                CHECK(s->polls[i].voters == 2);
            else
                CHECK(s->polls[i].n_answers == 1);
        }
    }
    results_free(res);
    /* A new run of the migrated session is number 2, and empty. */
    struct store_run_row two;
    CHECK(store_run_create(st, 3, NULL, 5000, &two) == HU_OK && two.number == 2 && two.participants == 0);
    store_close(st);

    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    sqlite3_stmt *q = NULL;
    CHECK(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM pragma_foreign_key_check),"
                                 " (SELECT user_version FROM pragma_user_version),"
                                 " (SELECT count(*) FROM votes WHERE run_id = 3)",
                             -1, &q, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(q) == SQLITE_ROW);
    CHECK(sqlite3_column_int(q, 0) == 0);
    CHECK(sqlite3_column_int(q, 1) == 3);
    CHECK(sqlite3_column_int(q, 2) == 2);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/handsup-run-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_numbers_end_resume();
    test_secure_delete();
    test_migration();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_done();
}
