/* redis_async.c -- the two connections of a node to Redis on the server's
 * libev loop (one for commands, one for SUBSCRIBE: a subscribed connection
 * runs nothing else), with what hiredis 0.14 lacks: deadlines and
 * reconnection.
 *
 * Every command a phone waits for (a vote, a join: "acked") gets a deadline
 * (--redis-timeout).  When it passes, that command alone fails (a vote gets
 * store_failed, never an ack: it may or may not have been written, and the
 * phone sends it again); its reply, if it comes, is counted as late and
 * dropped.  Redis is slow then, not gone: under a burst with appendfsync
 * always on shared cores the tail of the queue can wait over a second while
 * Redis answers thousands of commands a second, and cutting the connection
 * there failed every vote waiting and the re-read after (a storm).  Redis
 * counts as lost only when nothing at all comes back for --redis-timeout
 * while commands wait (rutil_redis_lost): then every command waiting fails,
 * both connections are dropped, and they are opened again after a backoff
 * that doubles from RSTORE_BACKOFF_MIN_MS to RSTORE_BACKOFF_MAX_MS.  Each
 * session is re-read once both are back (redis_watch.c). */
#include "redis_impl.h"

#include <hiredis/adapters/libev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/hu_err.h"
#include "base/log.h"

int64_t rasync_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rasync_done(struct rstore *rs, void *cookie, int err, uint32_t value)
{
    if (rs->done_head + rs->n_done == rs->cap_done) {
        if (rs->done_head) {
            memmove(rs->done, rs->done + rs->done_head, rs->n_done * sizeof *rs->done);
            rs->done_head = 0;
        } else {
            size_t cap = rs->cap_done ? rs->cap_done * 2 : 256;
            struct rdone *d = realloc(rs->done, cap * sizeof *d);
            if (!d) {
                /* The completion is lost; its phone gets no answer and
                 * sends the vote again after its own timeout. */
                log_event(LOG_ERROR, "out of memory for a Redis completion", LOG_END);
                return;
            }
            rs->done = d;
            rs->cap_done = cap;
        }
    }
    bool was_empty = rs->n_done == 0;
    rs->done[rs->done_head + rs->n_done++] = (struct rdone){cookie, err, value};
    if (was_empty && rs->wake)
        rs->wake(rs->wake_arg);
}

static void rasync_unlink(struct rstore *rs, struct rpend *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        rs->head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        rs->tail = p->prev;
    p->prev = p->next = NULL;
    rs->n_pending--;
}

/* Settles p with err (its completion, when it has one) and takes it off the
 * list; the reply callback frees it later. */
static void rasync_settle(struct rstore *rs, struct rpend *p, int err)
{
    p->settled = true;
    rs->failed++;
    rasync_unlink(rs, p);
    if (p->acked)
        rasync_done(rs, p->cookie, err, 0);
}

static void rasync_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
    (void)ac;
    struct rpend *p = privdata;
    struct rstore *rs = p->rs;
    redisReply *r = reply;
    /* hiredis calls this once per command, with NULL when the connection
     * is gone; a reply, late or not, is Redis answering. */
    rs->n_waiting--;
    if (r) {
        rs->last_heard_ms = rasync_now();
        rs->last_wait_ms = rs->last_heard_ms - (p->deadline_ms - rs->timeout_ms);
    }
    if (p->settled) {
        if (r)
            rs->late++;
        /* A re-read lost with its connection is asked for again. */
        if (p->kind == RPEND_DUMP && !rs->closing)
            rwatch_dump_reply(rs, p->code, NULL);
        free(p);
        return;
    }
    rasync_unlink(rs, p);
    switch (p->kind) {
    case RPEND_DUMP:
        rwatch_dump_reply(rs, p->code, r);
        break;
    case RPEND_BEAT:
        rwatch_beat_reply(rs, p->code, r);
        break;
    default: {
        int err = HU_OK;
        uint32_t value = 0;
        if (!r) {
            err = HU_ERR_STORE;
            rs->failed++;
        } else if (r->type == REDIS_REPLY_ERROR) {
            err = strncmp(r->str, "POLLCLOSED", 10) == 0 ? HU_ERR_POLL_CLOSED : HU_ERR_STORE;
            if (err == HU_ERR_STORE)
                log_event(LOG_ERROR, "Redis refused a write", LOG_S("error", r->str), LOG_END);
        } else if (r->type == REDIS_REPLY_INTEGER && r->integer >= 0 && r->integer < UINT32_MAX) {
            value = (uint32_t)r->integer; /* an index, an answer's or question's id, or a seq */
        } else if (p->join && r->type == REDIS_REPLY_INTEGER && r->integer == -1) {
            err = HU_ERR_NOT_FOUND; /* a token looked up that no node issued */
        } else if (p->join) {
            err = HU_ERR_STORE;
        }
        if (p->acked)
            rasync_done(rs, p->cookie, err, value);
        else if (err != HU_OK)
            log_event(LOG_WARN, "a presenter's change was not saved in Redis; the node re-reads the session",
                      LOG_S("error", hu_strerror(err)), LOG_END);
        break;
    }
    }
    free(p);
}

static void rasync_retry_later(struct rstore *rs)
{
    rs->retry_at = rasync_now() + rs->backoff_ms;
    rs->backoff_ms = rs->backoff_ms * 2 > RSTORE_BACKOFF_MAX_MS ? RSTORE_BACKOFF_MAX_MS : rs->backoff_ms * 2;
}

/* sub_lost: the subscription went with it.  When only the command
 * connection is lost, the subscription stays (it is not opened again, so
 * nothing would ever subscribe anew): the sessions are re-read all the same,
 * since a presenter's change in flight may or may not have been saved. */
static void rasync_lost(struct rstore *rs, const char *why, bool sub_lost)
{
    if (!rs->down_logged)
        log_event(LOG_ERROR, "lost Redis; votes get store_failed until it is back", LOG_S("host", rs->host),
                  LOG_I("port", rs->port), LOG_S("why", why), LOG_END);
    rs->down_logged = true;
    for (size_t i = 0; i < rs->n_watch; i++) {
        rs->watch[i].need_reload = true;
        if (sub_lost)
            rs->watch[i].subscribed = false;
    }
}

static void rasync_on_connect(const redisAsyncContext *ac, int status)
{
    struct rstore *rs = ac->data;
    bool is_cmd = ac == rs->cmd;
    if (status != REDIS_OK) {
        /* hiredis frees ac after this callback. */
        if (is_cmd) {
            rs->cmd = NULL;
            rs->cmd_up = false;
        } else if (ac == rs->sub) {
            rs->sub = NULL;
            rs->sub_up = false;
        }
        rasync_lost(rs, ac->errstr[0] ? ac->errstr : "cannot connect", !is_cmd);
        rasync_retry_later(rs);
        return;
    }
    if (is_cmd)
        rs->cmd_up = true;
    else
        rs->sub_up = true;
    if (rs->cmd_up && rs->sub_up) {
        if (rs->down_logged)
            log_event(LOG_INFO, "Redis is back; re-reading the sessions", LOG_S("host", rs->host),
                      LOG_I("port", rs->port), LOG_END);
        rs->down_logged = false;
        rs->backoff_ms = RSTORE_BACKOFF_MIN_MS;
    }
    if (!is_cmd)
        rwatch_subscribed(rs);
}

static void rasync_on_disconnect(const redisAsyncContext *ac, int status)
{
    (void)status;
    struct rstore *rs = ac->data;
    bool sub_lost = ac == rs->sub;
    if (ac == rs->cmd) {
        rs->cmd = NULL;
        rs->cmd_up = false;
    } else if (ac == rs->sub) {
        rs->sub = NULL;
        rs->sub_up = false;
    } else {
        return; /* one we dropped ourselves */
    }
    if (!rs->closing) {
        rasync_lost(rs, ac->errstr[0] ? ac->errstr : "connection closed", sub_lost);
        rasync_retry_later(rs);
    }
}

static redisAsyncContext *rasync_open(struct rstore *rs)
{
    redisAsyncContext *ac = redisAsyncConnect(rs->host, rs->port);
    if (!ac)
        return NULL;
    if (ac->err) {
        rasync_lost(rs, ac->errstr, true);
        redisAsyncFree(ac);
        return NULL;
    }
    ac->data = rs;
    if (redisLibevAttach(rs->loop, ac) != REDIS_OK ||
        redisAsyncSetConnectCallback(ac, rasync_on_connect) != REDIS_OK ||
        redisAsyncSetDisconnectCallback(ac, rasync_on_disconnect) != REDIS_OK) {
        redisAsyncFree(ac);
        return NULL;
    }
    if (rs->db && redisAsyncCommand(ac, NULL, NULL, "SELECT %d", rs->db) != REDIS_OK) {
        redisAsyncFree(ac);
        return NULL;
    }
    return ac;
}

/* Drops ac without waiting for its replies (redisAsyncDisconnect would). */
static void rasync_drop(struct rstore *rs, redisAsyncContext **ac, bool *up)
{
    redisAsyncContext *c = *ac;
    *ac = NULL;
    *up = false;
    if (c)
        redisAsyncFree(c); /* commands still waiting get a NULL reply: settled already */
    (void)rs;
}

void rasync_reset(struct rstore *rs, const char *why)
{
    while (rs->head)
        rasync_settle(rs, rs->head, HU_ERR_STORE);
    rasync_lost(rs, why, true);
    rasync_drop(rs, &rs->cmd, &rs->cmd_up);
    rasync_drop(rs, &rs->sub, &rs->sub_up);
    rasync_retry_later(rs);
}

/* Fails the acked commands past their deadline, oldest first (deadlines
 * follow the order of sending).  The others (re-reads, heartbeats, a
 * presenter's change) keep waiting for their reply: nothing waits on them
 * but the room, and failing a re-read only to ask again would never end
 * under load; a Redis that is gone is caught by rutil_redis_lost. */
static void rasync_expire(struct rstore *rs, int64_t now)
{
    struct rpend *p = rs->head;
    while (p && p->deadline_ms <= now) {
        struct rpend *next = p->next;
        if (p->acked) {
            rasync_settle(rs, p, HU_ERR_STORE);
            rs->slow_failed++;
        }
        p = next;
    }
    if (rs->slow_failed && now - rs->slow_logged_ms >= 1000) {
        log_event(LOG_WARN, "Redis is slow: commands past --redis-timeout got store_failed",
                  LOG_I("failed", (long long)rs->slow_failed), LOG_I("waiting", (long long)rs->n_waiting),
                  LOG_I("late_replies", (long long)rs->late), LOG_I("refused_at_once", (long long)rs->shed),
                  LOG_END);
        rs->slow_logged_ms = now;
        rs->slow_failed = 0;
    }
}

static void rasync_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
    (void)loop;
    (void)revents;
    struct rstore *rs = w->data;
    int64_t now = rasync_now();
    /* A tick that comes late follows a long turn of our own loop (goodbyes
     * to 11,000 phones at a stop, a re-read of a big room): the replies may
     * be sitting unread in the socket.  The checks wait for the next tick,
     * after the loop has read them; never twice in a row, so a frozen Redis
     * is still caught on a loop that stays busy. */
    bool late = now - rs->last_tick_ms > 4 * RSTORE_TICK_MS && !rs->tick_skipped;
    rs->tick_skipped = late;
    rs->last_tick_ms = now;
    if (!late) {
        rasync_expire(rs, now);
        if (rs->cmd_up && rutil_redis_lost(rs->n_waiting, rs->last_heard_ms, now, rs->timeout_ms))
            rasync_reset(rs, "nothing answered within --redis-timeout");
    }
    /* A connection that does not come up in time is given up too. */
    if ((rs->cmd && !rs->cmd_up && now - rs->cmd_since > (int64_t)rs->timeout_ms) ||
        (rs->sub && !rs->sub_up && now - rs->sub_since > (int64_t)rs->timeout_ms))
        rasync_reset(rs, "no connection within --redis-timeout");
    if ((!rs->cmd || !rs->sub) && now >= rs->retry_at) {
        if (!rs->cmd && (rs->cmd = rasync_open(rs)) != NULL)
            rs->cmd_since = now;
        if (!rs->sub && (rs->sub = rasync_open(rs)) != NULL)
            rs->sub_since = now;
        if (!rs->cmd || !rs->sub)
            rasync_retry_later(rs);
    }
    rwatch_tick(rs, now);
}

int rasync_start(struct rstore *rs)
{
    rs->backoff_ms = RSTORE_BACKOFF_MIN_MS;
    rs->retry_at = 0;
    ev_timer_init(&rs->tick, rasync_tick, RSTORE_TICK_MS / 1000.0, RSTORE_TICK_MS / 1000.0);
    rs->tick.data = rs;
    ev_timer_start(rs->loop, &rs->tick);
    /* Open now, so the first votes find the connections up. */
    rasync_tick(rs->loop, &rs->tick, 0);
    return HU_OK;
}

void rasync_stop(struct rstore *rs)
{
    if (!rs->loop || rs->closing)
        return;
    rs->closing = true;
    ev_timer_stop(rs->loop, &rs->tick);
    while (rs->head)
        rasync_settle(rs, rs->head, HU_ERR_STORE);
    rasync_drop(rs, &rs->cmd, &rs->cmd_up);
    rasync_drop(rs, &rs->sub, &rs->sub_up);
}

int rasync_fcall(struct rstore *rs, const char *fn, const char *code, int argc, const char **argv, int kind,
                 bool acked, bool join, void *cookie)
{
    char prefix[RUTIL_PREFIX_MAX];
    const char *a[20];
    if (argc > 14 || rutil_prefix(code, prefix) != HU_OK)
        return HU_ERR_INTERNAL;
    /* A connection still coming up buffers the command (hiredis sends it
     * once connected): start-up's poll rows go out that way.  None at all
     * means Redis is down: refuse now rather than wait for a deadline. */
    if (!rs->cmd)
        return HU_ERR_STORE;
    /* Replies come in order: when the last one took longer than the timeout,
     * a vote queued behind the same backlog would fail by its deadline
     * anyway, after Redis did its work for nothing (at 20,000 votes/s on
     * loaded cores half the votes were written, late, and refused).  It is
     * refused now, and the backlog drains; once nothing waits, or a reply
     * comes in time, votes go through again. */
    if (acked && rs->n_waiting && rs->last_wait_ms > (int64_t)rs->timeout_ms) {
        rs->shed++;
        rs->slow_failed++;
        return HU_ERR_STORE;
    }
    struct rpend *p = calloc(1, sizeof *p);
    if (!p)
        return HU_ERR_NOMEM;
    p->rs = rs;
    p->kind = kind;
    p->acked = acked;
    p->join = join;
    p->cookie = cookie;
    p->deadline_ms = rasync_now() + rs->timeout_ms;
    snprintf(p->code, sizeof p->code, "%s", code);
    a[0] = "FCALL";
    a[1] = fn;
    a[2] = "1";
    a[3] = prefix;
    for (int i = 0; i < argc; i++)
        a[4 + i] = argv[i];
    if (redisAsyncCommandArgv(rs->cmd, rasync_reply, p, argc + 4, a, NULL) != REDIS_OK) {
        free(p);
        return HU_ERR_STORE;
    }
    if (rs->n_waiting++ == 0)
        rs->last_heard_ms = p->deadline_ms - rs->timeout_ms; /* idle until now: silence counts from here */
    p->prev = rs->tail;
    if (rs->tail)
        rs->tail->next = p;
    else
        rs->head = p;
    rs->tail = p;
    rs->n_pending++;
    rs->sent++;
    return HU_OK;
}
