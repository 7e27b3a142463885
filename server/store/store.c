/* store.c -- the store's life cycle and its queues.
 *
 * store_open takes the lock file, opens the data file and starts the writer;
 * the store_<op> functions copy an operation into the bounded FIFO and never
 * block; store_take_done hands vote completions back to the event loop.  The
 * writer itself, which drains the FIFO in group commits, is store_writer.c. */
#include "store_impl.h"
#include "redis_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "store_test.h"

#define STORE_LOCK_POLL_MS 20

/* Takes flock(LOCK_EX) on <path>.lock.  flock and not fcntl on the data
 * file: SQLite uses POSIX record locks there, which belong to the process and
 * would be silently dropped when any descriptor of the file is closed. */
/* The pid the holder wrote into the lock file, or 0. */
static long store_lock_holder(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *end;
    long pid = strtol(buf, &end, 10);
    return end != buf && pid > 0 ? pid : 0;
}

/* flock(LOCK_EX | LOCK_NB), retried every STORE_LOCK_POLL_MS for up to
 * wait_ms while another process holds it: 0 or -1 with errno. */
static int store_lock_wait(struct store *st, int fd, unsigned wait_ms)
{
    uint64_t waited = 0;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK || waited >= wait_ms)
            return -1;
        if (waited == 0)
            log_event(LOG_INFO, "waiting for the data file: another handsup holds it until it has flushed",
                      LOG_S("file", st->path), LOG_I("holder_pid", store_lock_holder(fd)),
                      LOG_I("wait_ms", wait_ms), LOG_END);
        struct timespec ts = {0, STORE_LOCK_POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
        waited += STORE_LOCK_POLL_MS;
    }
}

static int store_lock(struct store *st, unsigned wait_ms, char *err, size_t errlen)
{
    size_t n = strlen(st->path) + sizeof ".lock";
    char *lock_path = malloc(n);
    if (!lock_path) {
        snprintf(err, errlen, "cannot open data file %s: out of memory", st->path);
        return HU_ERR_NOMEM;
    }
    int w = snprintf(lock_path, n, "%s.lock", st->path);
    if (w < 0 || (size_t)w >= n) {
        free(lock_path);
        return HU_ERR_INTERNAL;
    }
    int rc = HU_OK;
    st->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (st->lock_fd < 0) {
        snprintf(err, errlen, "cannot open data file %s: cannot create lock file %s: %s", st->path,
                 lock_path, strerror(errno));
        rc = HU_ERR_IO;
    } else if (store_lock_wait(st, st->lock_fd, wait_ms) != 0) {
        if (errno == EWOULDBLOCK && wait_ms)
            snprintf(err, errlen, "data file %s is still in use by another handsup server (pid %ld, lock %s) "
                     "after waiting %u s for it to stop", st->path, store_lock_holder(st->lock_fd), lock_path,
                     wait_ms / 1000);
        else if (errno == EWOULDBLOCK)
            snprintf(err, errlen, "data file %s is in use by another handsup server (pid %ld, lock %s)",
                     st->path, store_lock_holder(st->lock_fd), lock_path);
        else
            snprintf(err, errlen, "cannot open data file %s: cannot lock %s: %s", st->path, lock_path,
                     strerror(errno));
        rc = HU_ERR_IO;
    } else {
        /* The pid is for a human wondering which process holds the file; the
         * lock, not the content, is what counts, so failing to write it is fine. */
        char pid[32];
        int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        if (len > 0 && ftruncate(st->lock_fd, 0) == 0) {
            ssize_t wrote = write(st->lock_fd, pid, (size_t)len);
            (void)wrote;
        }
        /* The file holds presenter keys: create it readable by its owner
         * only (SQLite gives -wal and -shm the same mode).  An empty file is
         * a valid empty database, and an existing file keeps its mode. */
        int fd = open(st->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
    }
    if (rc != HU_OK && st->lock_fd >= 0) {
        close(st->lock_fd);
        st->lock_fd = -1;
    }
    free(lock_path);
    return rc;
}

static int store_init_sync(struct store *st)
{
    pthread_condattr_t ca;
    if (pthread_mutex_init(&st->db_mu, NULL) != 0)
        return HU_ERR_NOMEM;
    if (pthread_mutex_init(&st->mu, NULL) != 0)
        goto fail_mu;
    if (pthread_cond_init(&st->settled_cv, NULL) != 0)
        goto fail_settled;
    if (pthread_condattr_init(&ca) != 0)
        goto fail_ca;
    /* The batch deadline is measured on the monotonic clock, so a clock
     * change does not stretch or cut a group commit. */
    if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 || pthread_cond_init(&st->cv, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        goto fail_ca;
    }
    pthread_condattr_destroy(&ca);
    return HU_OK;
fail_ca:
    pthread_cond_destroy(&st->settled_cv);
fail_settled:
    pthread_mutex_destroy(&st->mu);
fail_mu:
    pthread_mutex_destroy(&st->db_mu);
    return HU_ERR_NOMEM;
}

static int store_open_any(const char *path, bool readonly, unsigned wait_ms, struct store **out, char *err,
                          size_t errlen);

int store_open(const char *path, bool readonly, struct store **out, char *err, size_t errlen)
{
    return store_open_any(path, readonly, 0, out, err, errlen);
}

int store_open_wait(const char *path, unsigned wait_ms, struct store **out, char *err, size_t errlen)
{
    return store_open_any(path, false, wait_ms, out, err, errlen);
}

static int store_open_any(const char *path, bool readonly, unsigned wait_ms, struct store **out, char *err,
                          size_t errlen)
{
    *out = NULL;
    if (!path || !*path) {
        snprintf(err, errlen, "cannot open data file: no path given");
        return HU_ERR_IO;
    }
    struct store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        snprintf(err, errlen, "cannot open data file %s: out of memory", path);
        return HU_ERR_NOMEM;
    }
    st->readonly = readonly;
    st->lock_fd = -1;
    if (store_init_sync(st) != HU_OK) {
        free(st->path);
        free(st);
        snprintf(err, errlen, "cannot open data file %s: out of resources", path);
        return HU_ERR_NOMEM;
    }
    /* Calls before the writer starts run on this thread alone; afterwards
     * db_mu serialises them with the writer's batches. */
    int rc = readonly ? HU_OK : store_lock(st, wait_ms, err, errlen);
    if (rc == HU_OK)
        rc = store_schema_open(st, err, errlen);
    if (rc == HU_OK && !readonly)
        rc = store_schema_prepare(st, err, errlen);
    if (rc == HU_OK && !readonly && store_checkpoint_start(st) != HU_OK) {
        snprintf(err, errlen, "cannot open data file %s: out of resources", path);
        rc = HU_ERR_NOMEM;
    }
    if (rc == HU_OK && !readonly) {
        if (pthread_create(&st->thread, NULL, store_writer_main, st) != 0) {
            snprintf(err, errlen, "cannot open data file %s: cannot start the writer thread", path);
            rc = HU_ERR_NOMEM;
        } else {
            st->thread_started = true;
        }
    }
    if (rc != HU_OK) {
        store_close(st);
        return rc;
    }
    *out = st;
    return HU_OK;
}

static void store_free_list(struct store_op *op)
{
    while (op) {
        struct store_op *next = op->next;
        store_op_free(op);
        op = next;
    }
}

void store_finish(struct store *st)
{
    if (st && st->redis) {
        st->finished = true;
        return;
    }
    if (!st || st->finished)
        return;
    st->finished = true;
    if (st->thread_started) {
        /* The writer drains the queue before it sees the stop; store_push
         * refuses from here on. */
        pthread_mutex_lock(&st->mu);
        st->stopping = true;
        pthread_cond_signal(&st->cv);
        pthread_mutex_unlock(&st->mu);
        pthread_join(st->thread, NULL);
    }
    store_checkpoint_stop(st);
    store_schema_close(st);
    if (st->lock_fd >= 0)
        close(st->lock_fd); /* releases the flock; the file stays for the next run */
    st->lock_fd = -1;
}

void store_close(struct store *st)
{
    if (st && st->redis) {
        rstore_free(st->redis);
        free(st->path);
        free(st);
        return;
    }
    if (!st)
        return;
    store_finish(st);
    store_free_list(st->head);
    store_free_list(st->done_head);
    pthread_cond_destroy(&st->cv);
    pthread_cond_destroy(&st->settled_cv);
    pthread_mutex_destroy(&st->mu);
    pthread_mutex_destroy(&st->db_mu);
    free(st->path);
    free(st);
}

void store_set_wakeup(struct store *st, void (*fn)(void *arg), void *arg)
{
    if (st->redis) {
        st->redis->wake = fn;
        st->redis->wake_arg = arg;
        return;
    }
    pthread_mutex_lock(&st->mu);
    st->wake = fn;
    st->wake_arg = arg;
    pthread_mutex_unlock(&st->mu);
}

void store_op_free(struct store_op *op)
{
    if (!op)
        return;
    free(op->poll);
    free(op);
}

/* --- the FIFO --- */

/* Allocates an operation with room for strings of extra bytes. */
struct store_op *store_op_new(enum store_op_type type, int64_t session_id, size_t extra)
{
    struct store_op *op = calloc(1, sizeof *op + extra);
    if (!op)
        return NULL;
    op->type = type;
    op->err = HU_ERR_STORE; /* until a commit says otherwise */
    op->session_id = session_id;
    op->at = store_now_ms();
    return op;
}

/* Hands op to the writer, or frees it and says why not. */
int store_push(struct store *st, struct store_op *op)
{
    pthread_mutex_lock(&st->mu);
    int rc = HU_OK;
    if (!st->thread_started || st->stopping) {
        rc = HU_ERR_STORE;
    } else if (st->n_live >= HU_STORE_QUEUE_MAX) {
        /* Completions not yet taken count too, so neither list can grow
         * without bound while the event loop is slow to collect. */
        rc = HU_ERR_FULL;
    } else {
        if (st->tail)
            st->tail->next = op;
        else
            st->head = op;
        st->tail = op;
        st->n_queued++;
        st->n_live++;
        st->pushed++;
        /* Wake the writer when it sleeps on an empty queue, or when it waits
         * for company and the batch is now full. */
        if (st->n_queued == 1 || (st->company_wait && st->n_queued >= HU_STORE_BATCH_MAX))
            pthread_cond_signal(&st->cv);
    }
    pthread_mutex_unlock(&st->mu);
    if (rc != HU_OK)
        store_op_free(op);
    return rc;
}

char *store_put_str(char *dst, const char *s, size_t len)
{
    memcpy(dst, s, len);
    dst[len] = '\0';
    return dst + len + 1;
}

int store_vote(struct store *st, int64_t session_id, const char *poll_id, uint32_t participant,
               const char *choice, void *cookie)
{
    if (st && st->redis)
        return rops_vote(st->redis, session_id, poll_id, participant, choice, cookie);
    if (!st || !poll_id || !choice)
        return HU_ERR_INTERNAL;
    size_t plen = strnlen(poll_id, HU_POLL_ID_MAX + 1), clen = strnlen(choice, STORE_CHOICE_MAX + 1);
    if (plen > HU_POLL_ID_MAX || clen > STORE_CHOICE_MAX)
        return HU_ERR_TOO_LARGE;
    /* No picks at all withdraws the vote: its row goes. */
    struct store_op *op = store_op_new(clen ? STORE_OP_VOTE : STORE_OP_UNVOTE, session_id, plen + clen + 2);
    if (!op)
        return HU_ERR_NOMEM;
    op->participant = participant;
    op->cookie = cookie;
    op->acked = true;
    op->poll_id = op->data;
    char *c = store_put_str(op->data, poll_id, plen);
    op->choice = c;
    store_put_str(c, choice, clen);
    return store_push(st, op);
}

int store_participant(struct store *st, int64_t session_id, uint32_t idx,
                      const unsigned char hash[HU_HASH_LEN])
{
    if (st && st->redis)
        return HU_OK; /* cluster mode: store_join allocated it in Redis */
    if (!st || !hash)
        return HU_ERR_INTERNAL;
    struct store_op *op = store_op_new(STORE_OP_PARTICIPANT, session_id, 0);
    if (!op)
        return HU_ERR_NOMEM;
    op->participant = idx;
    memcpy(op->hash, hash, HU_HASH_LEN);
    return store_push(st, op);
}

int store_slide(struct store *st, int64_t session_id, int slide)
{
    if (st && st->redis)
        return rops_slide(st->redis, session_id, slide);
    if (!st)
        return HU_ERR_INTERNAL;
    struct store_op *op = store_op_new(STORE_OP_SLIDE, session_id, 0);
    if (!op)
        return HU_ERR_NOMEM;
    op->slide = slide;
    return store_push(st, op);
}

int store_poll(struct store *st, int64_t session_id, const struct store_poll_row *row)
{
    if (st && st->redis && row)
        return rops_poll(st->redis, session_id, row);
    if (!st || !row)
        return HU_ERR_INTERNAL;
    struct store_op *op = store_op_new(STORE_OP_POLL, session_id, 0);
    if (!op)
        return HU_ERR_NOMEM;
    if (!(op->poll = malloc(sizeof *op->poll))) {
        store_op_free(op);
        return HU_ERR_NOMEM;
    }
    *op->poll = *row;
    /* The row's strings come from a caller who may not have terminated a
     * truncated copy; the writer binds them as C strings. */
    op->poll->poll_id[sizeof op->poll->poll_id - 1] = '\0';
    op->poll->question[sizeof op->poll->question - 1] = '\0';
    op->poll->kind[sizeof op->poll->kind - 1] = '\0';
    op->poll->params[sizeof op->poll->params - 1] = '\0';
    return store_push(st, op);
}

int store_poll_reset(struct store *st, int64_t session_id, const char *poll_id)
{
    if (st && st->redis && poll_id)
        return rops_reset(st->redis, session_id, poll_id);
    if (!st || !poll_id)
        return HU_ERR_INTERNAL;
    size_t plen = strnlen(poll_id, HU_POLL_ID_MAX + 1);
    if (plen > HU_POLL_ID_MAX)
        return HU_ERR_TOO_LARGE;
    struct store_op *op = store_op_new(STORE_OP_RESET, session_id, plen + 1);
    if (!op)
        return HU_ERR_NOMEM;
    op->poll_id = op->data;
    store_put_str(op->data, poll_id, plen);
    return store_push(st, op);
}

int store_view(struct store *st, int64_t run_id, const struct store_view *v)
{
    if (!st || !st->redis || !v)
        return HU_OK; /* the data file keeps the slide only (store_slide) */
    return rops_view(st->redis, run_id, v);
}

int store_join(struct store *st, int64_t run_id, const unsigned char hash[HU_HASH_LEN], bool create, void *cookie)
{
    if (!st || !st->redis || !hash)
        return HU_ERR_INTERNAL;
    return rops_join(st->redis, run_id, hash, create, cookie);
}

size_t store_take_done(struct store *st, struct store_done *out, size_t max)
{
    if (st->redis)
        return rops_take_done(st->redis, out, max);
    size_t n = 0;
    struct store_op *taken = NULL;
    pthread_mutex_lock(&st->mu);
    while (n < max && st->done_head) {
        struct store_op *op = st->done_head;
        st->done_head = op->next;
        if (!st->done_head)
            st->done_tail = NULL;
        out[n].cookie = op->cookie;
        out[n].err = op->err;
        out[n].value = 0;
        n++;
        op->next = taken;
        taken = op;
    }
    st->n_live -= n;
    pthread_mutex_unlock(&st->mu);
    store_free_list(taken);
    return n;
}

const char *store_last_error(struct store *st, char *buf, size_t buflen)
{
    if (st->redis)
        return NULL; /* a failed command failed its own votes; /healthz asks the connection */
    const char *r = NULL;
    pthread_mutex_lock(&st->mu);
    if (st->has_error && buf && buflen) {
        snprintf(buf, buflen, "%s", st->last_error);
        r = buf;
    }
    pthread_mutex_unlock(&st->mu);
    return r;
}

/* --- test hooks (store_test.h) --- */

static int64_t store_pragma_value(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

void store_test_fail_writes(struct store *st, bool on)
{
    char sql[64];
    pthread_mutex_lock(&st->db_mu);
    if (on != st->test_fail && st->db) {
        int64_t pages;
        if (on) {
            st->test_saved_max_pages = store_pragma_value(st->db, "PRAGMA max_page_count");
            pages = store_pragma_value(st->db, "PRAGMA page_count");
        } else {
            pages = st->test_saved_max_pages;
        }
        int n = snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", (long long)pages);
        if (pages > 0 && n > 0 && (size_t)n < sizeof sql)
            (void)store_pragma_value(st->db, sql);
        st->test_fail = on;
    }
    pthread_mutex_unlock(&st->db_mu);
}

uint64_t store_test_batches(struct store *st)
{
    pthread_mutex_lock(&st->mu);
    uint64_t n = st->batches;
    pthread_mutex_unlock(&st->mu);
    return n;
}
