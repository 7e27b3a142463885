/* redis_impl.h -- the inside of the Redis back end, shared by redis_*.c.
 *
 * Not an interface for other modules.  redis_sync.c holds the blocking
 * calls (start-up, exports), redis_async.c the two async connections on the
 * server's loop with our own deadlines and reconnection, redis_watch.c the
 * notices, re-reads and heartbeats of the sessions served, redis_archive.c
 * the copy into a SQLite data file. */
#ifndef HU_REDIS_IMPL_H
#define HU_REDIS_IMPL_H

#include <ev.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redis_util.h"
#include "store.h"

/* The function library's name and what its hu_version answers. */
#define RSTORE_LIBRARY "handsup_v1"
#define RSTORE_VERSION "handsup_v1 7"

/* Reconnection backoff: the first retry after RSTORE_BACKOFF_MIN_MS, each
 * failure doubling it up to RSTORE_BACKOFF_MAX_MS. */
#define RSTORE_BACKOFF_MIN_MS 100
#define RSTORE_BACKOFF_MAX_MS 2000
/* How often deadlines are scanned, and the heartbeat's period and lifetime. */
#define RSTORE_TICK_MS 50
#define RSTORE_BEAT_MS 1000
#define RSTORE_BEAT_TTL_MS 5000
/* A notice Redis had published at one heartbeat and still not applied this
 * long after is a node that stopped following: it logs and re-reads. */
#define RSTORE_FOLLOW_MS 3000
/* Notices held while a re-read is on its way; more means another re-read. */
#define RSTORE_HOLD_MAX 65536

/* One command sent on the async connection, oldest first in rs->pending.
 * Freed by its reply callback, which hiredis calls exactly once (with a NULL
 * reply when the connection is gone). */
struct rpend {
    struct rpend *prev, *next;
    struct rstore *rs;
    int64_t deadline_ms;        /* monotonic */
    bool settled;               /* failed by a deadline or a disconnect before its reply: a late reply is
                                   counted, never acked */
    bool acked;                 /* completes into the done list with cookie */
    bool join;                  /* the reply is the participant's index */
    int kind;                   /* enum rpend_kind */
    void *cookie;
    char code[HU_CODE_LEN + 1]; /* RPEND_DUMP, RPEND_BEAT: the session */
};

enum rpend_kind { RPEND_OP, RPEND_DUMP, RPEND_BEAT };

/* A session this node serves (store_cluster_watch). */
struct rwatch {
    char code[HU_CODE_LEN + 1];
    char prefix[RUTIL_PREFIX_MAX];
    int64_t run_id;
    int run;
    uint64_t seq;               /* the last notice applied, or the re-read's */
    bool need_reload;           /* a gap, a (re)subscription or a reset: re-read when possible */
    bool reloading;             /* a hu_dump is on its way */
    bool subscribed;
    int64_t reload_at;          /* monotonic ms: a failed re-read is retried from then */
    unsigned reload_backoff_ms;
    struct rutil_follow follow; /* the heartbeat's check that notices keep being applied */
    char **held;                /* notices that came during a re-read. From malloc(), each too */
    size_t *held_len;
    size_t n_held, cap_held;
};

struct rdone {
    void *cookie;
    int err;
    uint32_t value;
};

struct rstore {
    char host[RUTIL_HOST_MAX + 1];
    int port, db;
    unsigned timeout_ms;
    char node[33];              /* this node's random id, for its heartbeat */
    redisContext *sync;         /* blocking: start-up and exports; NULL on the loop once started */
    struct ev_loop *loop;       /* NULL: a store for export/report */
    redisAsyncContext *cmd, *sub;
    bool cmd_up, sub_up;
    int64_t cmd_since, sub_since; /* monotonic ms the connection attempt began */
    int64_t retry_at;           /* monotonic ms of the next connection attempt */
    unsigned backoff_ms;
    bool down_logged;
    ev_timer tick;
    int64_t next_beat;
    struct rpend *head, *tail;  /* commands waiting for their replies */
    size_t n_pending;
    size_t n_waiting;           /* sent and not answered, settled ones included */
    int64_t last_heard_ms;      /* the last reply, or when the connection went busy */
    int64_t last_wait_ms;       /* how long the last reply took: over the timeout, votes are refused at once */
    int64_t slow_logged_ms;     /* the last "Redis is slow" line */
    int64_t last_tick_ms;       /* the deadline checks' last run, to tell our own loop's stalls */
    bool tick_skipped;          /* the checks waited one tick for the loop to read replies */
    uint64_t slow_failed;       /* commands failed by their deadline since that line */
    struct rdone *done;         /* completions not yet taken. From malloc() */
    size_t done_head, n_done, cap_done;
    void (*wake)(void *arg);
    void *wake_arg;
    struct rwatch *watch;       /* From malloc() */
    size_t n_watch;
    struct store_cluster_ops ops;
    void *ops_arg;
    bool closing;
    uint64_t sent, failed;      /* commands, and those failed by a deadline or a disconnect */
    uint64_t late;              /* replies that came after their command's deadline */
    uint64_t shed;              /* votes and joins refused at once behind a backlog over the timeout */
};

/* redis_sync.c */
int rsync_connect(struct rstore *rs, char *err, size_t errlen);
/* A blocking command; NULL (with a sentence in err) on an I/O error or an
 * error reply.  The caller frees the reply. */
redisReply *rsync_cmd(redisContext *c, char *err, size_t errlen, int argc, const char **argv);
int rsync_fcall(struct rstore *rs, const char *fn, const char *code, int argc, const char **argv, long long *out);
void rstore_free(struct rstore *rs);

/* redis_async.c */
int rasync_start(struct rstore *rs);
void rasync_stop(struct rstore *rs);
/* Sends FCALL fn with the session prefix of code as its one key and argv;
 * kind says what its reply is for.  HU_OK, or HU_ERR_STORE when Redis is
 * unreachable (an acked command then completes with that error too). */
int rasync_fcall(struct rstore *rs, const char *fn, const char *code, int argc, const char **argv, int kind,
                 bool acked, bool join, void *cookie);
void rasync_done(struct rstore *rs, void *cookie, int err, uint32_t value);
int64_t rasync_now(void);
/* Fails every command waiting and drops both connections (Redis silent). */
void rasync_reset(struct rstore *rs, const char *why);

/* redis_watch.c */
void rwatch_message(struct rstore *rs, redisReply *r);
void rwatch_dump_reply(struct rstore *rs, const char *code, redisReply *r);
void rwatch_beat_reply(struct rstore *rs, const char *code, redisReply *r);
void rwatch_subscribe(struct rstore *rs, struct rwatch *w);
void rwatch_subscribed(struct rstore *rs);
void rwatch_tick(struct rstore *rs, int64_t now);
void rwatch_free(struct rstore *rs);
int rwatch_replay(const redisReply *dump, const struct store_load_cb *cb, void *ctx);

/* The Lua library (redis_lib.lua), embedded at build time. */
extern const char rstore_lua_src[];

#endif
