/* store_impl.h -- the inside of struct store, shared by the store_*.c files.
 *
 * Not an interface for other modules: only store.c (queue, writer thread),
 * store_schema.c (open, pragmas, migrations), store_session.c (start-up
 * calls) and store_read.c (exports) include it. */
#ifndef HU_STORE_IMPL_H
#define HU_STORE_IMPL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* The schema version this build writes; store_schema.c migrates up to it. */
#define STORE_SCHEMA_VERSION 3

/* "HUP1": marks a data file as ours, so a stranger's database is refused. */
#define STORE_APPLICATION_ID 0x48555031

/* A failed batch is retried after this pause, so a full disk does not spin. */
#define STORE_RETRY_MS 50

/* A non-vote operation is given up after failing in this many batches. */
#define STORE_MAX_ATTEMPTS 100

#define STORE_ERR_MAX 512

enum store_op_type {
    STORE_OP_VOTE,
    STORE_OP_PARTICIPANT,
    STORE_OP_SLIDE,
    STORE_OP_POLL,
    STORE_OP_RESET,
    STORE_OP_UNVOTE,          /* a vote withdrawn ("choices": []) */
    STORE_OP_ANSWER,          /* a new open answer */
    STORE_OP_ANSWER_STATUS,   /* an answer moderated or withdrawn */
    STORE_OP_QUESTION,        /* a new audience question */
    STORE_OP_QUESTION_STATUS, /* a question moderated */
    STORE_OP_UPVOTE,          /* an upvote given or taken back */
};

/* One queued operation.  Allocated once per enqueue with its strings in data[]
 * (a poll row, which is large and rare, has its own allocation); the same node
 * moves on to the done list when it is acked (a vote, or any operation
 * enqueued with a completion). */
struct store_op {
    struct store_op *next;
    enum store_op_type type;
    bool acked;                   /* completes into the done list with cookie */
    int err;                      /* OUT of the writer: HU_OK or HU_ERR_STORE */
    bool dropped;                 /* failed for a reason of its own: not retried */
    unsigned attempts;            /* batches it failed in */
    int64_t session_id;
    int64_t at;                   /* unix ms when enqueued (voted_at, joined_at, updated_at) */
    uint32_t participant;         /* vote, answer, question, upvote: participant; participant: idx */
    uint32_t item;                /* answer or question id */
    int status;                   /* answer or question status; upvote: 1 on, 0 off */
    int slide;
    void *cookie;
    const char *poll_id;          /* points into data[] (vote, reset, answer) */
    const char *choice;           /* points into data[] (vote) */
    const char *text;             /* points into data[] (answer, question) */
    struct store_poll_row *poll;  /* poll: a copy. From malloc() */
    unsigned char hash[HU_HASH_LEN];
    char data[];
};

struct rstore;

struct store {
    /* Cluster mode (redis_*.c): set, every call of store.h goes to Redis
     * and nothing below is used but path (the URL). */
    struct rstore *redis;
    char *path;                   /* as given to store_open. From malloc() */
    bool readonly;
    int lock_fd;                  /* <path>.lock holding flock(LOCK_EX), or -1 */

    /* The one connection.  The writer thread uses it for batches and the
     * synchronous calls for start-up and exports; db_mu makes them take turns,
     * so the connection is opened with SQLITE_OPEN_NOMUTEX. */
    pthread_mutex_t db_mu;
    sqlite3 *db;
    sqlite3_stmt *q_begin, *q_commit, *q_rollback;
    sqlite3_stmt *q_vote, *q_participant, *q_slide, *q_poll, *q_reset;
    sqlite3_stmt *q_unvote, *q_reset_answers, *q_answer, *q_answer_status;
    sqlite3_stmt *q_question, *q_question_status, *q_upvote, *q_unupvote;
    bool test_fail;               /* store_test_fail_writes is on (under db_mu) */
    int64_t test_saved_max_pages;

    /* The queue, the done list and the writer's state, under mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;            /* signalled on work for the writer and on stop */
    struct store_op *head, *tail; /* waiting operations, oldest first */
    size_t n_queued;
    struct store_op *done_head, *done_tail; /* completed votes, oldest first */
    size_t n_live;                /* queued + in the running batch + done: at most HU_STORE_QUEUE_MAX */
    bool company_wait;            /* the writer waits for a batch to fill up */
    bool stopping;
    bool finished;                /* store_finish ran: no file, no lock, no writer */
    bool thread_started;
    pthread_t thread;
    void (*wake)(void *arg);
    void *wake_arg;
    bool has_error;
    char last_error[STORE_ERR_MAX];
    uint64_t batches;             /* committed batches, for tests and benchmarks */
    /* store_flush (store_run.c): operations ever queued, and those settled
     * (committed, or given up); settled_cv is broadcast as the second grows. */
    uint64_t pushed, settled;
    pthread_cond_t settled_cv;

    /* The checkpointer (store_checkpoint.c): its own connection and thread,
     * told by the writer's WAL hook when a checkpoint is due.  ckpt_mu
     * guards ckpt_due and ckpt_stop. */
    sqlite3 *ckpt_db;
    pthread_t ckpt_thread;
    pthread_mutex_t ckpt_mu;
    pthread_cond_t ckpt_cv;
    bool ckpt_sync;               /* ckpt_mu and ckpt_cv exist */
    bool ckpt_started;
    bool ckpt_due, ckpt_stop;

    /* Writer only: the last batch and single-operation errors written to
     * stderr, so a failure is logged once and not once per vote. */
    char logged_error[STORE_ERR_MAX];
    char logged_op_error[STORE_ERR_MAX];
};

/* Schema 3 (store_schema_runs.c): runs, and the per-run tables keyed by them. */
int store_migrate_runs(sqlite3 *db, char **errmsg);

/* Unix time in milliseconds (CLOCK_REALTIME). */
int64_t store_now_ms(void);

/* Opens st->db at st->path (read-only or read-write), sets the pragmas and,
 * unless read-only, migrates the schema.  Writes a sentence into err. */
int store_schema_open(struct store *st, char *err, size_t errlen);

/* Prepares the writer's statements (read-write stores only). */
int store_schema_prepare(struct store *st, char *err, size_t errlen);

/* Finalizes the statements and closes st->db.  Accepts a store without db. */
void store_schema_close(struct store *st);

/* The writer thread (store_writer.c); arg is the store. */
void *store_writer_main(void *arg);

/* Starts the checkpointer (read-write stores, before the writer starts).
 * Falls back to SQLite's checkpoints in the writer, with a warning, when it
 * cannot; returns HU_ERR_NOMEM only when out of resources. */
int store_checkpoint_start(struct store *st);

/* Stops it once the writer has stopped.  Accepts a store without one. */
void store_checkpoint_stop(struct store *st);

/* Frees an operation and what it owns.  Accepts NULL. */
void store_op_free(struct store_op *op);

/* store_session.c: replays a run's rows into cb (polls, participants
 * when cb->participant is set, votes, answers, questions, upvotes), for the
 * start-up load and for exports.  The caller holds db_mu inside a read
 * transaction. */
int store_replay(struct store *st, int64_t run_id, const struct store_load_cb *cb, void *ctx);

/* store.c: a new operation with room for extra bytes of strings in data[]
 * (NULL when out of memory), and its hand-over to the writer (which frees
 * op on failure). */
struct store_op *store_op_new(enum store_op_type type, int64_t session_id, size_t extra);
int store_push(struct store *st, struct store_op *op);
/* Copies len bytes of s and a NUL to dst; returns the byte after the NUL. */
char *store_put_str(char *dst, const char *s, size_t len);

/* store_answer and store_question with the time they were made (unix ms;
 * 0 = now): the archive of a Redis event keeps each one's time. */
int store_answer_at(struct store *st, int64_t session_id, const char *poll_id, uint32_t answer_id,
                    uint32_t participant, const char *text, int status, int64_t at, void *cookie);
int store_question_at(struct store *st, int64_t session_id, uint32_t question_id, uint32_t participant,
                      const char *text, int status, int64_t at, void *cookie);

/* Maps a SQLite result code to a hu_err: NOMEM or IO. */
int store_sqlite_err(int rc);

/* snprintf for messages, where cutting a long path short is acceptable
 * (vsnprintf keeps the compiler's truncation warning for real buffers). */
void store_say(char *dst, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copies a column's text into dst (truncating), "" for NULL. */
void store_copy_text(sqlite3_stmt *q, int col, char *dst, size_t dstlen);

#endif
