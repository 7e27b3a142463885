/* store_checkpoint.c -- copying the write-ahead log back into the data file,
 * off the writer's path.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses its
 * threshold: that commit (and every vote waiting for its ack) then also waits
 * for a thousand pages to be copied and the data file to be fsynced, which
 * was the tail of the ack latency under steady voting.  Here the writer's
 * connection has no automatic checkpoint; its WAL hook tells a thread of our
 * own with a second connection, which runs PASSIVE checkpoints: they copy
 * what they can without ever taking the writer's lock, so commits go on
 * meanwhile.  A checkpoint is maintenance, not durability (a committed
 * transaction is durable in the WAL), so a failed one is logged and retried
 * at the next threshold, and the WAL merely grows. */
#include "store_impl.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/log.h"

/* Pages in the WAL that make a checkpoint due: SQLite's own default. */
#define STORE_CHECKPOINT_PAGES 1000

/* Called by SQLite on the writer's thread after each commit, with db_mu held. */
static int store_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    struct store *st = arg;
    if (pages >= STORE_CHECKPOINT_PAGES) {
        pthread_mutex_lock(&st->ckpt_mu);
        if (!st->ckpt_due) {
            st->ckpt_due = true;
            pthread_cond_signal(&st->ckpt_cv);
        }
        pthread_mutex_unlock(&st->ckpt_mu);
    }
    return SQLITE_OK;
}

static void *store_checkpoint_main(void *arg)
{
    struct store *st = arg;
    char logged[STORE_ERR_MAX] = "";
    /* Maintenance yields to the event loop and the writer, which answer
     * phones: at the lowest priority of the normal class (never starved
     * outright, unlike SCHED_IDLE, so the log cannot grow for ever under
     * sustained load).  Raising one's own niceness needs no privilege; if
     * it fails, checkpoints simply compete as equals. */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
    pthread_mutex_lock(&st->ckpt_mu);
    for (;;) {
        while (!st->ckpt_due && !st->ckpt_stop)
            pthread_cond_wait(&st->ckpt_cv, &st->ckpt_mu);
        if (st->ckpt_stop)
            break;
        st->ckpt_due = false;
        pthread_mutex_unlock(&st->ckpt_mu);
        int log_pages = 0, done_pages = 0;
        int rc = sqlite3_wal_checkpoint_v2(st->ckpt_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log_pages,
                                           &done_pages);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && strcmp(logged, sqlite3_errmsg(st->ckpt_db)) != 0) {
            snprintf(logged, sizeof logged, "%s", sqlite3_errmsg(st->ckpt_db));
            log_event(LOG_WARN, "checkpoint failed; the log grows until one works", LOG_S("file", st->path),
                      LOG_S("error", logged), LOG_END);
        } else if (rc == SQLITE_OK) {
            logged[0] = '\0';
        }
        pthread_mutex_lock(&st->ckpt_mu);
    }
    pthread_mutex_unlock(&st->ckpt_mu);
    return NULL;
}

int store_checkpoint_start(struct store *st)
{
    if (pthread_mutex_init(&st->ckpt_mu, NULL) != 0)
        return HU_ERR_NOMEM;
    if (pthread_cond_init(&st->ckpt_cv, NULL) != 0) {
        pthread_mutex_destroy(&st->ckpt_mu);
        return HU_ERR_NOMEM;
    }
    st->ckpt_sync = true;
    int rc = sqlite3_open_v2(st->path, &st->ckpt_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        (void)sqlite3_busy_timeout(st->ckpt_db, 1000);
        /* The checkpoint fsyncs the data file as FULL asks. */
        rc = sqlite3_exec(st->ckpt_db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK && pthread_create(&st->ckpt_thread, NULL, store_checkpoint_main, st) == 0) {
        st->ckpt_started = true;
        sqlite3_wal_autocheckpoint(st->db, 0);
        sqlite3_wal_hook(st->db, store_wal_hook, st);
        return HU_OK;
    }
    /* Without the thread, SQLite's own checkpoints in the writer still work. */
    log_event(LOG_WARN, "no background checkpoints", LOG_S("file", st->path),
              LOG_S("error", st->ckpt_db ? sqlite3_errmsg(st->ckpt_db) : sqlite3_errstr(rc)), LOG_END);
    sqlite3_close(st->ckpt_db);
    st->ckpt_db = NULL;
    return HU_OK;
}

void store_checkpoint_stop(struct store *st)
{
    if (!st->ckpt_sync)
        return;
    if (st->ckpt_started) {
        pthread_mutex_lock(&st->ckpt_mu);
        st->ckpt_stop = true;
        pthread_cond_signal(&st->ckpt_cv);
        pthread_mutex_unlock(&st->ckpt_mu);
        pthread_join(st->ckpt_thread, NULL);
        st->ckpt_started = false;
        /* The writer's connection, closed last, checkpoints what is left. */
        sqlite3_wal_hook(st->db, NULL, NULL);
        sqlite3_wal_autocheckpoint(st->db, STORE_CHECKPOINT_PAGES);
    }
    sqlite3_close(st->ckpt_db);
    st->ckpt_db = NULL;
    pthread_cond_destroy(&st->ckpt_cv);
    pthread_mutex_destroy(&st->ckpt_mu);
    st->ckpt_sync = false;
}
