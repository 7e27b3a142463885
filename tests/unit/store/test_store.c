/* test_store.c -- the durable store: schema, group commit, replay, faults.
 *
 * Every case works on files in a fresh directory under /tmp, removed at the
 * end.  The throughput case prints votes/s and batches for information only;
 * nothing here asserts on time. */
#include <dirent.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../check.h"
#include "base/hu_err.h"
#include "store/store.h"
#include "store/store_run.h"
#include "store/store_test.h"

#define COOKIE(i) ((void *)(uintptr_t)(i))

static char tmpdir[64];

static void path_in_tmp(char *buf, size_t len, const char *name)
{
    int n = snprintf(buf, len, "%s/%s", tmpdir, name);
    if (n < 0 || (size_t)n >= len)
        abort();
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Collects want completions, polling with a short sleep, for at most 30 s. */
static size_t wait_done(struct store *st, struct store_done *out, size_t want)
{
    size_t n = 0;
    double until = now_s() + 30.0;
    while (n < want && now_s() < until) {
        n += store_take_done(st, out + n, want - n);
        if (n < want) {
            struct timespec pause = {0, 1000000};
            nanosleep(&pause, NULL);
        }
    }
    return n;
}

static void hash_of(unsigned idx, unsigned char hash[HU_HASH_LEN])
{
    for (unsigned i = 0; i < HU_HASH_LEN; i++)
        hash[i] = (unsigned char)((idx * 31u + i * 7u + (idx >> 8)) & 0xff);
    hash[0] = (unsigned char)(idx & 0xff);
    hash[1] = (unsigned char)((idx >> 8) & 0xff);
}

static struct store *open_ok(const char *path)
{
    struct store *st = NULL;
    char err[512] = "";
    int rc = store_open(path, false, &st, err, sizeof err);
    CHECK(rc == HU_OK);
    if (rc != HU_OK)
        fprintf(stderr, "store_open: %s\n", err);
    return st;
}

static int64_t new_session(struct store *st, const char *code, const char *deck)
{
    struct store_session_row row;
    memset(&row, 0, sizeof row);
    snprintf(row.code, sizeof row.code, "%s", code);
    snprintf(row.key, sizeof row.key, "k0123456789abcdef0123456789abcdef");
    snprintf(row.deck_path, sizeof row.deck_path, "%s", deck);
    snprintf(row.title, sizeof row.title, "Deck %s", code);
    row.created_at = 1700000000000;
    CHECK(store_session_create(st, &row) == HU_OK);
    CHECK(row.id > 0);
    /* The room's state goes to a run of the session: the calls below take
     * the run's row.  Runs made right after their sessions get the same
     * row ids, which the checks of session ids below rely on. */
    struct store_run_row run;
    CHECK(store_run_create(st, row.id, NULL, row.created_at, &run) == HU_OK);
    CHECK(run.number == 1);
    CHECK(run.id == row.id);
    return run.id;
}

static struct store_poll_row poll_row(const char *id, int slide, int status)
{
    struct store_poll_row p;
    memset(&p, 0, sizeof p);
    snprintf(p.poll_id, sizeof p.poll_id, "%s", id);
    snprintf(p.question, sizeof p.question, "Question %s?", id);
    snprintf(p.kind, sizeof p.kind, "yesno");
    p.slide_index = slide;
    p.status = status;
    p.opened_at = status ? 1700000001000 : 0;
    p.closed_at = status == 2 ? 1700000002000 : 0;
    return p;
}

static atomic_int wakeups;
static void on_wake(void *arg)
{
    (void)arg;
    atomic_fetch_add(&wakeups, 1);
}

/* --- replay: what store_session_load hands back --- */

struct loaded {
    int n_polls, n_participants, n_votes;
    char polls[8][HU_POLL_ID_MAX + 1];
    int poll_status[8], poll_slide[8];
    uint32_t part_idx[8];
    unsigned char part_hash[8][HU_HASH_LEN];
    char votes[16][96];
};

static void ld_poll(void *ctx, const struct store_poll_row *row)
{
    struct loaded *l = ctx;
    if (l->n_polls < 8) {
        snprintf(l->polls[l->n_polls], sizeof l->polls[0], "%s", row->poll_id);
        l->poll_status[l->n_polls] = row->status;
        l->poll_slide[l->n_polls] = row->slide_index;
    }
    l->n_polls++;
}

static void ld_participant(void *ctx, uint32_t idx, const unsigned char hash[HU_HASH_LEN])
{
    struct loaded *l = ctx;
    if (l->n_participants < 8) {
        l->part_idx[l->n_participants] = idx;
        memcpy(l->part_hash[l->n_participants], hash, HU_HASH_LEN);
    }
    l->n_participants++;
}

static void ld_vote(void *ctx, const char *poll_id, uint32_t participant, const char *choice)
{
    struct loaded *l = ctx;
    if (l->n_votes < 16)
        snprintf(l->votes[l->n_votes], sizeof l->votes[0], "%s/%u/%s", poll_id, participant, choice);
    l->n_votes++;
}

static int64_t count_rows(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int64_t n = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

static int text_equals(const char *path, const char *sql, const char *want)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int same = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        same = sqlite3_column_text(q, 0) && strcmp((const char *)sqlite3_column_text(q, 0), want) == 0;
    sqlite3_finalize(q);
    sqlite3_close(db);
    return same;
}

/* store_close commits what is still queued before it returns. */
static void test_close_drains(void)
{
    char path[128];
    path_in_tmp(path, sizeof path, "drain.db");
    struct store *st = open_ok(path);
    if (!st)
        return;
    int64_t sid = new_session(st, "22223333", "/decks/drain.md");
    struct store_poll_row p = poll_row("q", 0, 1);
    CHECK(store_poll(st, sid, &p) == HU_OK);
    unsigned char h[HU_HASH_LEN];
    for (unsigned i = 0; i < 100; i++) {
        hash_of(i, h);
        CHECK(store_participant(st, sid, i, h) == HU_OK);
        CHECK(store_vote(st, sid, "q", i, i % 2 ? "yes" : "no", COOKIE(i + 1)) == HU_OK);
    }
    store_close(st);
    CHECK(count_rows(path, "SELECT count(*) FROM votes") == 100);
    CHECK(count_rows(path, "SELECT count(*) FROM participants") == 100);
    CHECK(text_equals(path, "PRAGMA journal_mode", "wal"));
}

/* The handover of an upgrade: store_finish commits what is queued, keeps
 * the completions for the acks, refuses new work and releases the lock, so
 * a second store waiting in store_open_wait takes the file. */
struct handover {
    struct store *st;
    atomic_int finished;
};

static void *finish_later(void *arg)
{
    struct handover *h = arg;
    struct timespec ts = {0, 150 * 1000000L};
    nanosleep(&ts, NULL);
    store_finish(h->st);
    atomic_store(&h->finished, 1);
    return NULL;
}

static void test_finish_handover(void)
{
    char path[128], err[512];
    path_in_tmp(path, sizeof path, "handover.db");
    struct store *st = open_ok(path);
    if (!st)
        return;
    int64_t sid = new_session(st, "33334444", "/decks/handover.md");
    struct store_poll_row p = poll_row("q", 0, 1);
    CHECK(store_poll(st, sid, &p) == HU_OK);
    unsigned char h[HU_HASH_LEN];
    for (unsigned i = 0; i < 50; i++) {
        hash_of(i, h);
        CHECK(store_participant(st, sid, i, h) == HU_OK);
        CHECK(store_vote(st, sid, "q", i, "yes", COOKIE(i + 1)) == HU_OK);
    }
    struct handover ho = {st, 0};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, finish_later, &ho) == 0);
    struct store *next = NULL;
    CHECK(store_open_wait(path, 10000, &next, err, sizeof err) == HU_OK);
    /* Only once the first one let go, and with every vote in the file. */
    CHECK(atomic_load(&ho.finished) == 1);
    pthread_join(t, NULL);
    CHECK(count_rows(path, "SELECT count(*) FROM votes") == 50);
    /* The finished store still hands over its completions, all committed,
     * and refuses anything new. */
    struct store_done d[64];
    size_t n = store_take_done(st, d, 64), ok = 0;
    for (size_t i = 0; i < n; i++)
        ok += d[i].err == HU_OK;
    CHECK(n == 50 && ok == 50);
    CHECK(store_vote(st, sid, "q", 1, "no", COOKIE(99)) == HU_ERR_STORE);
    store_finish(st); /* idempotent */
    store_close(st);
    store_close(next);
}

static void test_session_roundtrip(void)
{
    char path[128], deck[] = "/decks/workshop.md";
    path_in_tmp(path, sizeof path, "roundtrip.db");
    struct store *st = open_ok(path);
    if (!st)
        return;
    store_set_wakeup(st, on_wake, NULL);
    int64_t sid = new_session(st, "40455687", deck);

    struct store_session_row row, dup;
    CHECK(store_session_find(st, "40455687", NULL, &row) == HU_OK);
    CHECK(row.id == sid);
    CHECK_STR(row.deck_path, deck);
    CHECK_STR(row.key, "k0123456789abcdef0123456789abcdef");
    CHECK(row.created_at == 1700000000000);
    memset(&row, 0, sizeof row);
    CHECK(store_session_find(st, NULL, deck, &row) == HU_OK);
    CHECK_STR(row.code, "40455687");
    CHECK(store_session_find(st, "99999999", NULL, &row) == HU_ERR_NOT_FOUND);
    CHECK(store_session_find(st, NULL, "/decks/other.md", &row) == HU_ERR_NOT_FOUND);
    memset(&dup, 0, sizeof dup);
    snprintf(dup.code, sizeof dup.code, "40455687");
    snprintf(dup.deck_path, sizeof dup.deck_path, "/decks/copy.md");
    CHECK(store_session_create(st, &dup) == HU_ERR_EXISTS);

    struct store_poll_row p1 = poll_row("methodology", 1, 1), p2 = poll_row("identity", 3, 1);
    CHECK(store_poll(st, sid, &p1) == HU_OK);
    CHECK(store_poll(st, sid, &p2) == HU_OK);
    unsigned char h[3][HU_HASH_LEN];
    for (unsigned i = 0; i < 3; i++) {
        hash_of(i + 100, h[i]);
        CHECK(store_participant(st, sid, i, h[i]) == HU_OK);
    }
    CHECK(store_vote(st, sid, "methodology", 0, "yes", COOKIE(1)) == HU_OK);
    CHECK(store_vote(st, sid, "methodology", 1, "no", COOKIE(2)) == HU_OK);
    CHECK(store_vote(st, sid, "methodology", 2, "yes", COOKIE(3)) == HU_OK);
    CHECK(store_vote(st, sid, "methodology", 0, "no", COOKIE(4)) == HU_OK); /* a change of mind */
    CHECK(store_vote(st, sid, "identity", 1, "yes", COOKIE(5)) == HU_OK);
    CHECK(store_slide(st, sid, 3) == HU_OK);
    p1.status = 2;
    p1.participants_at_close = 3;
    CHECK(store_poll(st, sid, &p1) == HU_OK);

    struct store_done done[5];
    CHECK(wait_done(st, done, 5) == 5);
    for (unsigned i = 0; i < 5; i++) {
        CHECK(done[i].err == HU_OK);
        CHECK(done[i].cookie == COOKIE(i + 1)); /* completions come in enqueue order */
    }
    CHECK(atomic_load(&wakeups) >= 1);
    CHECK(store_take_done(st, done, 5) == 0);
    char ebuf[256];
    CHECK(store_last_error(st, ebuf, sizeof ebuf) == NULL);

    /* A renamed deck keeps its session. */
    row.id = sid;
    snprintf(row.deck_path, sizeof row.deck_path, "/decks/renamed.md");
    snprintf(row.title, sizeof row.title, "Renamed");
    row.key[0] = '\0';
    CHECK(store_session_update(st, &row) == HU_OK);
    store_close(st);

    st = open_ok(path);
    if (!st)
        return;
    memset(&row, 0, sizeof row);
    CHECK(store_session_find(st, NULL, "/decks/renamed.md", &row) == HU_OK);
    CHECK(row.id == sid);
    struct store_run_row run;
    CHECK(store_run_latest(st, row.id, &run) == HU_OK);
    CHECK(run.current_slide == 3);
    CHECK_STR(row.title, "Renamed");
    CHECK_STR(row.key, "k0123456789abcdef0123456789abcdef");

    struct loaded l;
    memset(&l, 0, sizeof l);
    const struct store_load_cb cb = {ld_poll, ld_participant, ld_vote, NULL, NULL, NULL};
    CHECK(store_session_load(st, sid, &cb, &l) == HU_OK);
    CHECK(l.n_polls == 2);
    CHECK_STR(l.polls[0], "methodology"); /* by slide */
    CHECK(l.poll_status[0] == 2);
    CHECK(l.poll_slide[0] == 1);
    CHECK_STR(l.polls[1], "identity");
    CHECK(l.poll_status[1] == 1);
    CHECK(l.n_participants == 3);
    for (unsigned i = 0; i < 3; i++) {
        CHECK(l.part_idx[i] == i);
        CHECK(memcmp(l.part_hash[i], h[i], HU_HASH_LEN) == 0);
    }
    CHECK(l.n_votes == 4);
    CHECK_STR(l.votes[0], "identity/1/yes");
    CHECK_STR(l.votes[1], "methodology/0/no");
    CHECK_STR(l.votes[2], "methodology/1/no");
    CHECK_STR(l.votes[3], "methodology/2/yes");
    store_close(st);

    CHECK(count_rows(path, "SELECT count(*) FROM votes") == 4);
    CHECK(count_rows(path, "SELECT count(*) FROM (SELECT 1 FROM votes GROUP BY run_id, poll_id,"
                           " participant HAVING count(*) > 1)") == 0);
    CHECK(count_rows(path, "PRAGMA user_version") == 3);
}

static void test_lock_and_readonly(void)
{
    char path[128], expect[512], err[512] = "";
    path_in_tmp(path, sizeof path, "locked.db");
    struct store *st = open_ok(path), *second = NULL, *ro = NULL;
    if (!st)
        return;
    int64_t sid = new_session(st, "11112222", "/decks/a.md");
    struct store_poll_row p = poll_row("q", 0, 1);
    unsigned char h[HU_HASH_LEN];
    hash_of(7, h);
    CHECK(store_poll(st, sid, &p) == HU_OK);
    CHECK(store_participant(st, sid, 0, h) == HU_OK);
    CHECK(store_vote(st, sid, "q", 0, "yes", COOKIE(1)) == HU_OK);
    struct store_done d;
    CHECK(wait_done(st, &d, 1) == 1 && d.err == HU_OK);

    CHECK(store_open(path, false, &second, err, sizeof err) != HU_OK);
    CHECK(second == NULL);
    snprintf(expect, sizeof expect, "data file %s is in use by another handsup server (pid %ld, lock %s.lock)",
             path, (long)getpid(), path);
    CHECK_STR(err, expect);
    /* Waiting gives up with a sentence that says it waited. */
    CHECK(store_open_wait(path, 60, &second, err, sizeof err) != HU_OK);
    CHECK(second == NULL && strstr(err, "still in use") != NULL);

    /* An export reads while the server runs (WAL), and cannot write. */
    CHECK(store_open(path, true, &ro, err, sizeof err) == HU_OK);
    if (ro) {
        struct results *r = NULL;
        const char *codes[] = {"11112222"};
        CHECK(store_read_results(ro, codes, 1, STORE_RUN_LATEST, &r, err, sizeof err) == HU_OK);
        CHECK(r && r->n_sessions == 1 && r->sessions[0].n_polls == 1);
        if (r && r->n_sessions == 1 && r->sessions[0].n_polls == 1)
            CHECK(r->sessions[0].polls[0].counts[0] == 1);
        results_free(r);
        CHECK(store_vote(ro, sid, "q", 0, "no", COOKIE(2)) == HU_ERR_STORE);
        store_close(ro);
    }
    store_close(st);

    /* The lock goes with the server. */
    st = open_ok(path);
    store_close(st);
}

static void test_open_errors(void)
{
    char path[128], expect[640], err[512] = "";
    struct store *st = NULL;

    CHECK(store_open("/nonexistent-handsup-dir/x.db", false, &st, err, sizeof err) != HU_OK);
    CHECK_STR(err, "cannot open data file /nonexistent-handsup-dir/x.db: cannot create lock file "
                   "/nonexistent-handsup-dir/x.db.lock: No such file or directory");
    CHECK(store_open("/nonexistent-handsup-dir/x.db", true, &st, err, sizeof err) != HU_OK);
    CHECK_STR(err, "cannot open data file /nonexistent-handsup-dir/x.db: unable to open database file");

    path_in_tmp(path, sizeof path, "garbage.db");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        for (int i = 0; i < 200; i++)
            fputs("this is not a database, only a text file\n", f);
        fclose(f);
    }
    CHECK(store_open(path, false, &st, err, sizeof err) != HU_OK);
    snprintf(expect, sizeof expect, "data file %s is not a handsup database or is corrupt: "
             "file is not a database", path);
    CHECK_STR(err, expect);

    /* Someone else's SQLite file is refused, not adopted. */
    path_in_tmp(path, sizeof path, "stranger.db");
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(store_open(path, false, &st, err, sizeof err) != HU_OK);
    snprintf(expect, sizeof expect, "data file %s is not a handsup database or is corrupt: "
             "it holds another application's tables", path);
    CHECK_STR(err, expect);

    path_in_tmp(path, sizeof path, "newer.db");
    st = open_ok(path);
    store_close(st);
    st = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "PRAGMA user_version = 7", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(store_open(path, false, &st, err, sizeof err) != HU_OK);
    snprintf(expect, sizeof expect, "data file %s was written by a newer handsup (schema 7, this build knows 3)",
             path);
    CHECK_STR(err, expect);
    CHECK(store_open(path, true, &st, err, sizeof err) != HU_OK);
    CHECK_STR(err, expect);
    CHECK(st == NULL);
}

static void test_throughput(void)
{
    enum { PARTICIPANTS = 2000, POLLS = 10, VOTES = PARTICIPANTS * POLLS };
    char path[128];
    path_in_tmp(path, sizeof path, "burst.db");
    struct store *st = open_ok(path);
    struct store_done *done = calloc(VOTES, sizeof *done);
    CHECK(done != NULL);
    if (!st || !done) {
        store_close(st);
        free(done);
        return;
    }
    int64_t sid = new_session(st, "55556666", "/decks/burst.md");
    char id[16];
    for (int p = 0; p < POLLS; p++) {
        snprintf(id, sizeof id, "poll%d", p);
        struct store_poll_row row = poll_row(id, p, 1);
        CHECK(store_poll(st, sid, &row) == HU_OK);
    }
    unsigned char h[HU_HASH_LEN];
    for (unsigned i = 0; i < PARTICIPANTS; i++) {
        hash_of(i, h);
        CHECK(store_participant(st, sid, i, h) == HU_OK);
    }
    uint64_t batches0 = store_test_batches(st);
    double t0 = now_s();
    int refused = 0;
    for (int v = 0; v < VOTES; v++) {
        snprintf(id, sizeof id, "poll%d", v / PARTICIPANTS);
        if (store_vote(st, sid, id, (uint32_t)(v % PARTICIPANTS), v % 3 ? "yes" : "no", COOKIE(v + 1)) != HU_OK)
            refused++;
    }
    CHECK(refused == 0);
    size_t n = wait_done(st, done, VOTES);
    double secs = now_s() - t0;
    CHECK(n == VOTES);
    int ok = 0;
    for (size_t i = 0; i < n; i++)
        ok += done[i].err == HU_OK;
    CHECK(ok == VOTES);
    uint64_t batches = store_test_batches(st) - batches0;
    printf("store: %d votes from %d participants acknowledged in %.3f s: %.0f votes/s, %llu batches"
           " (%.1f votes per commit)\n",
           VOTES, PARTICIPANTS, secs, secs > 0 ? VOTES / secs : 0.0, (unsigned long long)batches,
           batches ? (double)VOTES / (double)batches : 0.0);
    store_close(st);
    CHECK(count_rows(path, "SELECT count(*) FROM votes") == VOTES);
    CHECK(count_rows(path, "SELECT count(*) FROM participants") == PARTICIPANTS);
    free(done);
}

/* The checkpointer copies the log back into the data file while the store
 * is open: the writer's connection runs no checkpoint of its own, so without
 * it the data file would stay at its first few pages until store_close. */
static void test_checkpoint(void)
{
    enum { PARTICIPANTS = 2000, POLLS = 40 };
    char path[128], wal[160];
    path_in_tmp(path, sizeof path, "checkpoint.db");
    int w = snprintf(wal, sizeof wal, "%s-wal", path);
    CHECK(w > 0 && (size_t)w < sizeof wal);
    struct store *st = open_ok(path);
    struct store_done *done = calloc(PARTICIPANTS, sizeof *done);
    CHECK(done != NULL);
    if (!st || !done) {
        store_close(st);
        free(done);
        return;
    }
    int64_t sid = new_session(st, "55557777", "/decks/checkpoint.md");
    unsigned char h[HU_HASH_LEN];
    for (unsigned i = 0; i < PARTICIPANTS; i++) {
        hash_of(i, h);
        CHECK(store_participant(st, sid, i, h) == HU_OK);
    }
    char id[16];
    for (int p = 0; p < POLLS; p++) {
        snprintf(id, sizeof id, "poll%d", p);
        struct store_poll_row row = poll_row(id, p, 1);
        CHECK(store_poll(st, sid, &row) == HU_OK);
        for (unsigned i = 0; i < PARTICIPANTS; i++)
            CHECK(store_vote(st, sid, id, i, i % 2 ? "yes" : "no", COOKIE(i + 1)) == HU_OK);
        CHECK(wait_done(st, done, PARTICIPANTS) == PARTICIPANTS);
    }
    struct stat sb = {0};
    for (int tries = 0; tries < 500; tries++) {
        if (stat(path, &sb) == 0 && sb.st_size > 1024 * 1024)
            break;
        nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
    }
    printf("store: data file %lld bytes before close (the log is copied back while open)\n",
           (long long)sb.st_size);
    CHECK(sb.st_size > 1024 * 1024);
    store_close(st);
    CHECK(access(wal, F_OK) != 0); /* the last close checkpointed all of it and removed the log */
    CHECK(count_rows(path, "SELECT count(*) FROM votes") == (int64_t)PARTICIPANTS * POLLS);
    free(done);
}

static void test_fault(void)
{
    char path[128], ebuf[512];
    path_in_tmp(path, sizeof path, "fault.db");
    struct store *st = open_ok(path);
    if (!st)
        return;
    int64_t sid = new_session(st, "77778888", "/decks/fault.md");
    struct store_poll_row p = poll_row("q", 0, 1);
    CHECK(store_poll(st, sid, &p) == HU_OK);
    unsigned char h[HU_HASH_LEN];
    for (unsigned i = 0; i < 10; i++) {
        hash_of(i, h);
        CHECK(store_participant(st, sid, i, h) == HU_OK);
        CHECK(store_vote(st, sid, "q", i, "yes", COOKIE(i + 1)) == HU_OK);
    }
    struct store_done done[16];
    CHECK(wait_done(st, done, 10) == 10);
    for (unsigned i = 0; i < 10; i++)
        CHECK(done[i].err == HU_OK);

    /* The disk fills up: every vote is refused, none falsely acknowledged, and
     * a participant who joins meanwhile is kept for later. */
    store_test_fail_writes(st, true);
    hash_of(10, h);
    CHECK(store_participant(st, sid, 10, h) == HU_OK);
    for (unsigned i = 0; i < 10; i++)
        CHECK(store_vote(st, sid, "q", i, "no", COOKIE(100 + i)) == HU_OK);
    CHECK(wait_done(st, done, 10) == 10);
    int refused = 0;
    for (unsigned i = 0; i < 10; i++)
        refused += done[i].err == HU_ERR_STORE;
    CHECK(refused == 10);
    const char *e = store_last_error(st, ebuf, sizeof ebuf);
    CHECK(e != NULL);
    CHECK(e && strstr(e, "database or disk is full") != NULL);
    CHECK(e && strstr(e, path) != NULL);

    /* Space comes back: the kept participant and new votes commit. */
    store_test_fail_writes(st, false);
    CHECK(store_vote(st, sid, "q", 10, "yes", COOKIE(200)) == HU_OK);
    CHECK(wait_done(st, done, 1) == 1);
    CHECK(done[0].err == HU_OK && done[0].cookie == COOKIE(200));
    CHECK(store_last_error(st, ebuf, sizeof ebuf) == NULL);
    store_close(st);

    CHECK(count_rows(path, "SELECT count(*) FROM participants") == 11);
    CHECK(count_rows(path, "SELECT count(*) FROM votes WHERE choice = 'yes'") == 11);
    CHECK(count_rows(path, "SELECT count(*) FROM votes WHERE choice = 'no'") == 0);
}

static void test_results(void)
{
    char path[128], err[512] = "", expect[512];
    path_in_tmp(path, sizeof path, "results.db");
    struct store *st = open_ok(path);
    if (!st)
        return;
    int64_t s1 = new_session(st, "10000001", "/decks/one.md");
    int64_t s2 = new_session(st, "10000002", "/decks/two.md");
    struct store_poll_row a = poll_row("a", 1, 2), b = poll_row("b", 4, 1), c = poll_row("c", 6, 2),
                          d = poll_row("d", 2, 0);
    a.participants_at_close = 3;
    c.participants_at_close = 2;
    CHECK(store_poll(st, s1, &a) == HU_OK);
    CHECK(store_poll(st, s1, &b) == HU_OK);
    CHECK(store_poll(st, s1, &c) == HU_OK);
    CHECK(store_poll(st, s1, &d) == HU_OK);
    unsigned char h[HU_HASH_LEN];
    for (unsigned i = 0; i < 4; i++) {
        hash_of(i, h);
        CHECK(store_participant(st, s1, i, h) == HU_OK);
    }
    hash_of(0, h); /* the same token in another session is another participant */
    CHECK(store_participant(st, s2, 0, h) == HU_OK);
    const char *script[][3] = {
        {"a", "0", "yes"}, {"a", "1", "yes"}, {"a", "2", "no"}, {"a", "3", "yes"}, {"a", "3", "no"},
        {"b", "0", "no"},  {"b", "1", "no"},  {"c", "0", "yes"}, {"c", "1", "no"},
    };
    size_t n = sizeof script / sizeof script[0];
    for (size_t i = 0; i < n; i++)
        CHECK(store_vote(st, s1, script[i][0], (uint32_t)(script[i][1][0] - '0'), script[i][2], COOKIE(i + 1)) ==
              HU_OK);
    /* The presenter resets b; one vote comes in again.  Poll c leaves the deck. */
    CHECK(store_poll_reset(st, s1, "b") == HU_OK);
    CHECK(store_vote(st, s1, "b", 2, "yes", COOKIE(50)) == HU_OK);
    c.slide_index = -1;
    CHECK(store_poll(st, s1, &c) == HU_OK);
    struct store_done done[16];
    CHECK(wait_done(st, done, n + 1) == n + 1);
    for (size_t i = 0; i < n + 1; i++)
        CHECK(done[i].err == HU_OK);

    struct results *r = NULL;
    const char *codes[] = {"10000001"};
    CHECK(store_read_results(st, codes, 1, STORE_RUN_LATEST, &r, err, sizeof err) == HU_OK);
    CHECK(r && r->n_sessions == 1);
    if (r && r->n_sessions == 1) {
        struct results_session *s = &r->sessions[0];
        CHECK_STR(s->code, "10000001");
        CHECK_STR(s->title, "Deck 10000001");
        CHECK_STR(s->deck_path, "/decks/one.md");
        CHECK(s->created_at == 1700000000000);
        CHECK(s->participants == 4);
        CHECK(s->n_slides == 0);
        CHECK(s->n_polls == 4);
        if (s->n_polls == 4) {
            struct results_poll *pa = &s->polls[0], *pd = &s->polls[1], *pb = &s->polls[2], *pc = &s->polls[3];
            CHECK_STR(pa->poll_id, "a");
            CHECK_STR(pa->question, "Question a?");
            CHECK_STR(pa->kind, "yesno");
            CHECK(pa->n_options == 2);
            CHECK_STR(pa->options[0], "yes");
            CHECK_STR(pa->options[1], "no");
            CHECK(pa->counts[0] == 2 && pa->counts[1] == 2);
            CHECK(pa->voters == 4);
            CHECK(pa->participants == 3);
            CHECK_STR(pa->status, "closed");
            CHECK(pa->slide_index == 1 && !pa->removed);
            CHECK(pa->opened_at == 1700000001000 && pa->closed_at == 1700000002000);

            CHECK_STR(pd->poll_id, "d");
            CHECK_STR(pd->status, "pending");
            CHECK(pd->voters == 0 && pd->counts[0] == 0 && pd->counts[1] == 0);
            CHECK(pd->participants == 4);
            CHECK(pd->opened_at == 0);

            CHECK_STR(pb->poll_id, "b");
            CHECK_STR(pb->status, "open");
            CHECK(pb->counts[0] == 1 && pb->counts[1] == 0 && pb->voters == 1);
            CHECK(pb->participants == 4); /* open: those joined now */

            CHECK_STR(pc->poll_id, "c");
            CHECK(pc->removed && pc->slide_index == -1);
            CHECK(pc->counts[0] == 1 && pc->counts[1] == 1 && pc->voters == 2);
            CHECK(pc->participants == 2);
        }
    }
    results_free(r);
    r = NULL;

    /* All sessions, in creation order, whatever order the codes come in. */
    const char *both[] = {"10000002", "10000001", "10000002"};
    CHECK(store_read_results(st, both, 3, STORE_RUN_LATEST, &r, err, sizeof err) == HU_OK);
    CHECK(r && r->n_sessions == 2);
    if (r && r->n_sessions == 2) {
        CHECK_STR(r->sessions[0].code, "10000001");
        CHECK_STR(r->sessions[1].code, "10000002");
        CHECK(r->sessions[1].participants == 1 && r->sessions[1].n_polls == 0);
    }
    results_free(r);
    r = NULL;
    CHECK(store_read_results(st, NULL, 0, STORE_RUN_LATEST, &r, err, sizeof err) == HU_OK);
    CHECK(r && r->n_sessions == 2);
    results_free(r);
    r = NULL;

    const char *unknown[] = {"10000001", "12345678"};
    CHECK(store_read_results(st, unknown, 2, STORE_RUN_LATEST, &r, err, sizeof err) == HU_ERR_NOT_FOUND);
    CHECK(r == NULL);
    snprintf(expect, sizeof expect, "no session with code 12345678 in %s", path);
    CHECK_STR(err, expect);
    store_close(st);

    /* handsup export on a stopped server's file (no -wal, no -shm left). */
    st = NULL;
    CHECK(store_open(path, true, &st, err, sizeof err) == HU_OK);
    if (st) {
        CHECK(store_read_results(st, codes, 1, STORE_RUN_LATEST, &r, err, sizeof err) == HU_OK);
        CHECK(r && r->n_sessions == 1 && r->sessions[0].n_polls == 4);
        results_free(r);
        store_close(st);
    }
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int n = snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
        if (n > 0 && (size_t)n < sizeof path)
            unlink(path);
    }
    closedir(d);
    rmdir(tmpdir);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/handsup-store-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_open_errors();
    test_session_roundtrip();
    test_close_drains();
    test_lock_and_readonly();
    test_finish_handover();
    test_results();
    test_fault();
    test_throughput();
    test_checkpoint();
    remove_tmpdir();
    return check_done();
}
