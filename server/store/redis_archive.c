/* redis_archive.c -- an event in Redis copied into a SQLite data file.
 *
 * The archive of a finished event (`handsup export --redis URL --data FILE
 * --format sqlite`), and the way every read of results works in cluster
 * mode: export, report and /api/ results of past runs copy what they read
 * into a temporary data file and read it back with store_read.c, so the
 * formats are the very same code as with --data.  A connection of its own:
 * safe on the organisers' worker thread while the loop uses its own.
 *
 * What a copy does not keep: the time each vote was cast (Redis does not
 * keep it; votes get the copy's time; docs/storage.md says so).  Answers and
 * questions keep theirs. */
#include "redis_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "store_impl.h"
#include "store_run.h"

/* The copy's target and its state, through the store_load_cb callbacks. */
struct rarch {
    struct store *dst;
    int64_t run_id;             /* in dst */
    int err;
};

/* Retries an enqueue refused because the queue is full, once it drained. */
#define RARCH_PUSH(a, call)                                                                                        \
    do {                                                                                                           \
        int rc_ = (call);                                                                                          \
        if (rc_ == HU_ERR_FULL) {                                                                                  \
            rarch_drain((a)->dst);                                                                                 \
            rc_ = (call);                                                                                          \
        }                                                                                                          \
        if (rc_ != HU_OK && !(a)->err)                                                                             \
            (a)->err = rc_;                                                                                        \
    } while (0)

static void rarch_drain(struct store *dst)
{
    struct store_done d[256];
    store_flush(dst);
    while (store_take_done(dst, d, 256) > 0)
        ;
}

static void rarch_poll(void *ctx, const struct store_poll_row *row)
{
    struct rarch *a = ctx;
    RARCH_PUSH(a, store_poll(a->dst, a->run_id, row));
}

static void rarch_participant(void *ctx, uint32_t idx, const unsigned char hash[HU_HASH_LEN])
{
    struct rarch *a = ctx;
    RARCH_PUSH(a, store_participant(a->dst, a->run_id, idx, hash));
}

static void rarch_vote(void *ctx, const char *poll_id, uint32_t participant, const char *choice)
{
    struct rarch *a = ctx;
    RARCH_PUSH(a, store_vote(a->dst, a->run_id, poll_id, participant, choice, NULL));
}

static void rarch_answer(void *ctx, const char *poll_id, uint32_t id, uint32_t participant, const char *text,
                         int status, int64_t at)
{
    struct rarch *a = ctx;
    RARCH_PUSH(a, store_answer_at(a->dst, a->run_id, poll_id, id, participant, text, status, at, NULL));
}

static void rarch_question(void *ctx, uint32_t id, uint32_t participant, const char *text, int status, int64_t at)
{
    struct rarch *a = ctx;
    RARCH_PUSH(a, store_question_at(a->dst, a->run_id, id, participant, text, status, at, NULL));
}

static void rarch_upvote(void *ctx, uint32_t question_id, uint32_t participant)
{
    struct rarch *a = ctx;
    RARCH_PUSH(a, store_upvote(a->dst, a->run_id, question_id, participant, true, NULL));
}

/* Copies one session with its runs. */
static int rarch_session(struct rstore *rs, struct store *dst, const char *code, char *err, size_t errlen)
{
    struct store_session_row row;
    memset(&row, 0, sizeof row);
    int rc = rrows_session_find(rs, code, NULL, &row);
    if (rc == HU_ERR_NOT_FOUND) {
        snprintf(err, errlen, "no session with code %s in Redis at %s:%d", code, rs->host, rs->port);
        return rc;
    }
    if (rc != HU_OK)
        return rc;
    int64_t redis_sid = row.id;
    struct store_session_row mine = row;
    rc = store_session_create(dst, &mine);
    if (rc == HU_ERR_EXISTS) {
        snprintf(err, errlen, "session %s is in the data file already: archive into a new data file", code);
        return rc;
    }
    struct store_run_row *runs = NULL;
    size_t n = 0;
    if (rc == HU_OK)
        rc = rrows_runs_list(rs, redis_sid, &runs, &n);
    static const struct store_load_cb cb = {rarch_poll,   rarch_participant, rarch_vote,
                                            rarch_answer, rarch_question,    rarch_upvote};
    for (size_t i = 0; rc == HU_OK && i < n; i++) {
        struct store_run_row made;
        rc = store_run_create(dst, mine.id, runs[i].label, runs[i].started_at, &made);
        struct rarch a = {dst, made.id, HU_OK};
        if (rc == HU_OK)
            rc = rrows_session_load(rs, runs[i].id, &cb, &a);
        if (rc == HU_OK && a.err == HU_OK)
            RARCH_PUSH(&a, store_slide(dst, made.id, runs[i].current_slide));
        if (rc == HU_OK)
            rc = a.err;
        rarch_drain(dst);
        if (rc == HU_OK && runs[i].ended_at)
            rc = store_run_end(dst, made.id, runs[i].ended_at);
    }
    free(runs);
    return rc;
}

int store_redis_archive(struct store *src, struct store *dst, const char *const *codes, size_t n_codes, char *err,
                        size_t errlen)
{
    if (!src || !src->redis || !dst || dst->redis) {
        snprintf(err, errlen, "internal error: an archive goes from Redis to a data file");
        return HU_ERR_INTERNAL;
    }
    struct rstore *conn = calloc(1, sizeof *conn);
    if (!conn) {
        snprintf(err, errlen, "out of memory");
        return HU_ERR_NOMEM;
    }
    memcpy(conn->host, src->redis->host, sizeof conn->host);
    conn->port = src->redis->port;
    conn->db = src->redis->db;
    conn->timeout_ms = src->redis->timeout_ms > 10000 ? src->redis->timeout_ms : 10000;
    err[0] = '\0';
    int rc = rsync_connect(conn, err, errlen);
    redisReply *all = NULL;
    if (rc == HU_OK && !n_codes) {
        const char *argv[] = {"SORT", "hu:sessions", "ALPHA"};
        if (!(all = rsync_cmd(conn->sync, err, errlen, 3, argv)))
            rc = HU_ERR_IO;
    }
    size_t count = all ? all->elements : n_codes;
    for (size_t i = 0; rc == HU_OK && i < count; i++) {
        const char *code = all ? all->element[i]->str : codes[i];
        if (!code)
            continue;
        rc = rarch_session(conn, dst, code, err, errlen);
    }
    if (rc != HU_OK && !err[0])
        snprintf(err, errlen, "cannot copy from Redis at %s:%d: %s", conn->host, conn->port, hu_strerror(rc));
    if (all)
        freeReplyObject(all);
    rstore_free(conn);
    return rc;
}

/* store_read_results on a Redis store: the sessions copied into a
 * temporary data file, read back, and the file removed. */
int rarch_read_results(struct store *st, const char *const *codes, size_t n_codes, int run, struct results **out,
                       char *err, size_t errlen)
{
    char dir[] = "/tmp/handsup-redis-XXXXXX", path[64];
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot make a temporary folder for the results");
        return HU_ERR_IO;
    }
    snprintf(path, sizeof path, "%s/copy.db", dir);
    struct store *tmp = NULL;
    int rc = store_open(path, false, &tmp, err, errlen);
    if (rc == HU_OK)
        rc = store_redis_archive(st, tmp, codes, n_codes, err, errlen);
    store_close(tmp);
    tmp = NULL;
    if (rc == HU_OK)
        rc = store_open(path, true, &tmp, err, errlen);
    if (rc == HU_OK) {
        rc = store_read_results(tmp, codes, n_codes, run, out, err, errlen);
        if (rc != HU_OK) {
            /* Name Redis, not the temporary copy. */
            char *at = strstr(err, path);
            if (at)
                snprintf(at, errlen - (size_t)(at - err), "Redis");
        }
    }
    store_close(tmp);
    static const char *const files[] = {"copy.db", "copy.db-wal", "copy.db-shm", "copy.db.lock"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        (void)unlink(path);
    }
    (void)rmdir(dir);
    return rc;
}
