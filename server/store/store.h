/* store.h -- the durable record: sessions, polls, participants and votes.
 *
 * A session's room state belongs to one of its runs (store_run.h): the calls
 * below that take a run_id read or write that run's polls, participants and
 * votes; a session's row holds only its code, key, deck and title.
 *
 * SQLite in WAL mode with synchronous=FULL, written by one writer thread with
 * group commit.  The event loop never touches the disk after start-up: it
 * enqueues operations (never blocking; a full queue is an error) and later
 * collects the completions of votes with store_take_done(), after the writer
 * has called the wake-up function (lws_cancel_service in the server).
 *
 * Operations are applied in the order they were enqueued.  A vote's
 * completion is delivered only after the transaction holding it committed
 * (err == HU_OK) or failed (err == HU_ERR_STORE): the server acknowledges a
 * vote to a phone only on HU_OK.  Other operations have no completion; when
 * one fails the writer logs it and retries it with the next batch.
 *
 * The synchronous calls (open, session find/create/load, read results) are for
 * start-up and for `handsup export`, never for the event loop. */
#ifndef HU_STORE_H
#define HU_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hu_limits.h"
#include "model/results.h"

struct store;

/* Opens (creating if needed) the database at path, migrates its schema, and
 * takes an exclusive lock so a second server on the same file fails here with
 * a clear message.  With readonly set, opens for `handsup export`: no lock, no
 * writer thread, no schema change.  On failure writes a sentence naming path
 * and the cause into err.  Stores a new store in *out (store_close frees). */
int store_open(const char *path, bool readonly, struct store **out, char *err, size_t errlen);

/* store_open for the server, waiting up to wait_ms for a lock another
 * process holds: the handover of an upgrade, where the old process releases
 * the file once it has flushed (store_finish) and the new one takes it. */
int store_open_wait(const char *path, unsigned wait_ms, struct store **out, char *err, size_t errlen);

/* Commits everything enqueued, stops the writer and frees st.  Accepts NULL. */
void store_close(struct store *st);

/* Commits everything enqueued, stops the writer, closes the data file and
 * releases its lock, but keeps st: the completions of the last commits can
 * still be taken (store_take_done) and acknowledged, and every later
 * operation is refused with HU_ERR_STORE.  A graceful stop calls it once its
 * phones have their acks, so a new process waiting for the lock
 * (store_open_wait) takes over the file while this one says goodbye.
 * Idempotent; store_close still frees st. */
void store_finish(struct store *st);

/* fn(arg) is called from the writer thread after each batch that completed
 * votes.  It must be safe to call from another thread (lws_cancel_service). */
void store_set_wakeup(struct store *st, void (*fn)(void *arg), void *arg);

/* --- start-up (synchronous) --- */

struct store_session_row {
    int64_t id;                        /* OUT: rowid */
    char code[HU_CODE_LEN + 1];
    char key[HU_KEY_MAX + 1];          /* presenter key, kept so a restart prints the same URL */
    char deck_path[4096];              /* absolute path of the deck */
    char title[HU_TITLE_MAX + 1];
    int64_t created_at;                /* unix ms */
};

/* Finds the session for a deck: by code when code is non-NULL (a code fixed by
 * the deck's front matter), else by deck_path.  Fills *row.  Returns HU_OK or
 * HU_ERR_NOT_FOUND (or another hu_err on an I/O error). */
int store_session_find(struct store *st, const char *code, const char *deck_path,
                       struct store_session_row *row);

/* Inserts a new session from row (code, key, deck_path, title, created_at) and
 * fills row->id.  HU_ERR_EXISTS when the code is taken. */
int store_session_create(struct store *st, struct store_session_row *row);

/* Updates a found session's deck path and title (a deck may be renamed). */
int store_session_update(struct store *st, const struct store_session_row *row);

/* A poll's kind parameters as stored (pollspec_encode's JSON), at most. */
#define STORE_PARAMS_MAX 8192
/* A vote's picks as stored (ballot_encode: option ids separated by spaces). */
#define STORE_CHOICE_MAX 1024

struct store_poll_row {
    char poll_id[HU_POLL_ID_MAX + 1];
    char question[HU_QUESTION_MAX + 1]; /* for exports of removed polls */
    char kind[16];
    char params[STORE_PARAMS_MAX];     /* pollspec_encode(); "" in a first-release file */
    int slide_index;
    int status;                        /* 0 pending (never opened), 1 open, 2 closed */
    bool revealed;
    int64_t opened_at, closed_at;      /* unix ms, 0 = never */
    uint32_t participants_at_close;
};

/* Callbacks for store_session_load; ctx is passed through.  Strings are only
 * valid during the call. */
struct store_load_cb {
    void (*poll)(void *ctx, const struct store_poll_row *row);
    void (*participant)(void *ctx, uint32_t idx, const unsigned char hash[HU_HASH_LEN]);
    void (*vote)(void *ctx, const char *poll_id, uint32_t participant, const char *choice);
    /* Answers by poll and id, with their status (enum answer_status; a
     * withdrawn one with text ""); questions by id (enum question_status);
     * then upvotes.  Any may be NULL. */
    void (*answer)(void *ctx, const char *poll_id, uint32_t id, uint32_t participant, const char *text,
                   int status, int64_t at);
    void (*question)(void *ctx, uint32_t id, uint32_t participant, const char *text, int status, int64_t at);
    void (*upvote)(void *ctx, uint32_t question_id, uint32_t participant);
};

/* Replays a run's polls, then participants (by idx), then votes, answers,
 * questions and upvotes. */
int store_session_load(struct store *st, int64_t run_id, const struct store_load_cb *cb, void *ctx);

/* --- event loop (asynchronous, never blocks) --- */

/* Each returns HU_OK once enqueued, HU_ERR_FULL when HU_STORE_QUEUE_MAX
 * operations wait, or HU_ERR_STORE when the store has failed for good.
 * A vote's choice is its stored form; "" withdraws it. */
int store_vote(struct store *st, int64_t run_id, const char *poll_id, uint32_t participant,
               const char *choice, void *cookie);
int store_participant(struct store *st, int64_t run_id, uint32_t idx,
                      const unsigned char hash[HU_HASH_LEN]);
int store_slide(struct store *st, int64_t run_id, int slide);
int store_poll(struct store *st, int64_t run_id, const struct store_poll_row *row);
/* Deletes every vote and answer of the poll (the presenter's "reset"). */
int store_poll_reset(struct store *st, int64_t run_id, const char *poll_id);

/* Answers, questions and upvotes (store_text.c).  Statuses are the values of
 * enum answer_status and enum question_status.  Those given a cookie
 * complete like votes (store_take_done); with a NULL cookie they do not
 * (a presenter's moderation, retried like a slide change). */
int store_answer(struct store *st, int64_t run_id, const char *poll_id, uint32_t answer_id,
                 uint32_t participant, const char *text, int status, void *cookie);
int store_answer_status(struct store *st, int64_t run_id, const char *poll_id, uint32_t answer_id, int status,
                        void *cookie);
int store_question(struct store *st, int64_t run_id, uint32_t question_id, uint32_t participant,
                   const char *text, int status, void *cookie);
int store_question_status(struct store *st, int64_t run_id, uint32_t question_id, int status);
int store_upvote(struct store *st, int64_t run_id, uint32_t question_id, uint32_t participant, bool on,
                 void *cookie);

/* Cluster mode: tells the other nodes what the projectors show beyond the
 * slide (a presenter's next, blank or timer command).  HU_OK and nothing
 * done on a SQLite store, which does not keep it. */
struct store_view;
int store_view(struct store *st, int64_t run_id, const struct store_view *v);

/* Cluster mode only: the participant whose token hashes to hash, found or
 * (create) given the next index by Redis (so every node agrees), completing
 * with the index in store_done.value; without create, an unknown hash
 * completes with HU_ERR_NOT_FOUND.  HU_ERR_INTERNAL on a SQLite store, where
 * the room allocates indices itself (store_participant). */
int store_join(struct store *st, int64_t run_id, const unsigned char hash[HU_HASH_LEN], bool create, void *cookie);

struct store_done {
    void *cookie;                      /* as given to store_vote (or another call with a cookie) */
    int err;                           /* HU_OK once committed, else HU_ERR_STORE (cluster mode:
                                          also HU_ERR_POLL_CLOSED when another node closed the poll,
                                          HU_ERR_NOT_FOUND for a store_join lookup of an unknown token) */
    uint32_t value;                    /* cluster mode: store_join's participant index, and the id an
                                          answer or question got (another node may have taken the
                                          one proposed); 0 in SQLite mode */
};

/* Moves up to max completions into out, oldest first; returns how many. */
size_t store_take_done(struct store *st, struct store_done *out, size_t max);

/* Last write error as a sentence, or NULL when the last commit succeeded.
 * The string stays valid until the next call. */
const char *store_last_error(struct store *st, char *buf, size_t buflen);

/* --- exports (synchronous) --- */

/* Which runs store_read_results reads: the newest of each session, all of
 * them, or (any positive number) the run with that number. */
#define STORE_RUN_LATEST (-1)
#define STORE_RUN_ALL 0

/* Results of the sessions whose codes are listed (all sessions when n_codes is
 * 0), in creation order, one results_session per run read (runs in order).
 * HU_ERR_NOT_FOUND names the first unknown code, or a named session without
 * the run asked for, in err. */
int store_read_results(struct store *st, const char *const *codes, size_t n_codes, int run,
                       struct results **out, char *err, size_t errlen);

/* --- cluster mode: the Redis back end (DESIGN section 12) ---
 *
 * The same interface on Redis 7: store_open_redis chooses it, and every call
 * above then goes to Redis (redis_*.c); the SQLite calls pay one pointer test.
 * Operations are Redis Functions called on an async connection attached to
 * the server's libev loop; a completion (store_take_done) comes only with
 * Redis's reply, which with appendfsync always follows the AOF's fsync.  A
 * command unanswered within the timeout fails with HU_ERR_STORE, as does
 * everything pending; the store then reconnects with backoff. */

struct ev_loop;

struct store_redis_opts {
    const char *url;            /* redis://HOST:PORT[/DB] */
    unsigned timeout_ms;        /* per command; 0 = STORE_REDIS_TIMEOUT_MS */
    bool allow_unsafe;          /* start without appendonly yes / appendfsync always */
    struct ev_loop *loop;       /* the server's loop; NULL for export and report (sync calls only) */
};

#define STORE_REDIS_TIMEOUT_MS 1000

/* Opens the Redis back end: connects, checks the durability settings (HU_ERR_EXISTS
 * with a sentence naming both when unsafe and not allowed: serve exits 2),
 * loads the function library and checks its version. */
int store_open_redis(const struct store_redis_opts *o, struct store **out, char *err, size_t errlen);

/* True for a store opened with store_open_redis. */
bool store_is_cluster(const struct store *st);

/* A change another node (or this one) made, in the order of the session's
 * sequence number; strings are valid only during the call. */
enum store_notice_kind {
    STORE_NOTICE_PARTICIPANT,   /* participant (idx), hash */
    STORE_NOTICE_VOTE,          /* poll_id, participant, text = stored choice ("" withdrawn) */
    STORE_NOTICE_SLIDE,         /* slide */
    STORE_NOTICE_POLL,          /* poll_id, slide (its index), status, on (revealed), opened, closed, item (pac) */
    STORE_NOTICE_ANSWER,        /* poll_id, item, participant, status, at, text */
    STORE_NOTICE_ANSWER_STATUS, /* poll_id, item, status */
    STORE_NOTICE_QUESTION,      /* item, participant, status, at, text */
    STORE_NOTICE_QUESTION_STATUS, /* item, status */
    STORE_NOTICE_UPVOTE,        /* item, participant, on */
    STORE_NOTICE_RESET,         /* poll_id: handled by a re-read */
    STORE_NOTICE_RUN,           /* run: a new run started */
    STORE_NOTICE_VIEW,          /* view: fragment, blank screen, discussion timer */
};

/* What projectors show beyond the slide and its poll: the list items
 * revealed, the blank screen, the slide's discussion timer. */
struct store_view {
    int slide;
    int fragment;
    bool blank;
    bool timer_started, timer_running;
    int64_t timer_ends_at;      /* unix ms, while running */
    int64_t timer_remaining;    /* ms, while not running */
};

struct store_notice {
    uint64_t seq;
    enum store_notice_kind kind;
    int run;                    /* the run's number */
    const char *poll_id;        /* or "" */
    const char *text;           /* or "" */
    uint32_t participant, item;
    int slide, status;
    bool on;
    int64_t at, opened, closed;
    unsigned char hash[HU_HASH_LEN];
    struct store_view view;     /* STORE_NOTICE_VIEW */
};

/* What the server does with the other nodes' changes (net/cluster.c).
 * Called on the loop.  reload hands over a session's whole state, read in
 * one step with the sequence number it reflects: the server rebuilds the
 * room from it by calling store_cluster_replay(dump, ...) inside. */
struct store_cluster_ops {
    void (*notice)(void *arg, const char *code, const struct store_notice *n);
    void (*reload)(void *arg, const char *code, int64_t run_id, int slide, const struct store_view *view,
                   const void *dump); /* view: NULL when Redis has none */
    uint32_t (*connected)(void *arg, const char *code);        /* this node's phones, for the heartbeat */
    void (*others)(void *arg, const char *code, uint32_t n);   /* phones on the other live nodes */
};

void store_cluster_set_ops(struct store *st, const struct store_cluster_ops *ops, void *arg);

/* Follows session code's run run_id: subscribes to its notices, re-reads it
 * on a gap, beats its heartbeat.  HU_OK or HU_ERR_NOMEM. */
int store_cluster_watch(struct store *st, const char *code, int64_t run_id);

/* The id of run number of the session whose run run_id is (cluster mode's
 * run ids pack the session and the number). */
int64_t store_cluster_run_id(int64_t run_id, int number);

struct store_cluster_stats {
    unsigned long long up;      /* 1 while both connections are up */
    unsigned long long pending, sent, failed;
};

/* Fills *out and returns true for a Redis store; false for SQLite. */
bool store_cluster_stats(const struct store *st, struct store_cluster_stats *out);

/* Drops the connections on the loop (before the loop is destroyed); the
 * synchronous calls still work.  Commands waiting fail (HU_ERR_STORE). */
void store_cluster_stop(struct store *st);

/* Replays a dump given to ops->reload, as store_session_load does. */
int store_cluster_replay(const void *dump, const struct store_load_cb *cb, void *ctx);

/* Copies sessions (all when n_codes is 0) with every run from the Redis store
 * src into the SQLite store dst (a new data file): the archive of an event,
 * and the way export and report read Redis.  HU_OK or a hu_err with a
 * sentence in err. */
int store_redis_archive(struct store *src, struct store *dst, const char *const *codes, size_t n_codes, char *err,
                        size_t errlen);

#endif
