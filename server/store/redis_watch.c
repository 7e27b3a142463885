/* redis_watch.c -- the sessions a node serves, kept in step with Redis.
 *
 * Each served session's channel hu:{CODE}:ch brings change notices with the
 * session's sequence number.  A notice one past the last applied is handed
 * to the server (ops.notice); an older one was already in a re-read; a newer
 * one means notices were lost (a dropped subscription), and so does a
 * (re)subscription: the session is then re-read whole with hu_dump, which
 * returns the state and the sequence number it reflects in one atomic step,
 * and notices arriving meanwhile are held and applied after it.  Every
 * second each session's heartbeat tells Redis this node's connected phones
 * and learns the other live nodes' (hu_beat). */
#include "redis_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/log.h"
#include "store_impl.h"

static struct rwatch *rwatch_find(struct rstore *rs, const char *code)
{
    for (size_t i = 0; i < rs->n_watch; i++)
        if (strcmp(rs->watch[i].code, code) == 0)
            return &rs->watch[i];
    return NULL;
}

static void rwatch_drop_held(struct rwatch *w)
{
    for (size_t i = 0; i < w->n_held; i++)
        free(w->held[i]);
    w->n_held = 0;
}

void rwatch_free(struct rstore *rs)
{
    for (size_t i = 0; i < rs->n_watch; i++) {
        rwatch_drop_held(&rs->watch[i]);
        free(rs->watch[i].held);
        free(rs->watch[i].held_len);
    }
    free(rs->watch);
    rs->watch = NULL;
    rs->n_watch = 0;
}

void store_cluster_set_ops(struct store *st, const struct store_cluster_ops *ops, void *arg)
{
    if (!st->redis)
        return;
    st->redis->ops = *ops;
    st->redis->ops_arg = arg;
}

bool store_cluster_stats(const struct store *st, struct store_cluster_stats *out)
{
    if (!st || !st->redis)
        return false;
    const struct rstore *rs = st->redis;
    out->up = rs->cmd_up && rs->sub_up;
    out->pending = rs->n_pending;
    out->sent = rs->sent;
    out->failed = rs->failed;
    return true;
}

void store_cluster_stop(struct store *st)
{
    if (st && st->redis)
        rasync_stop(st->redis);
}

int store_cluster_watch(struct store *st, const char *code, int64_t run_id)
{
    struct rstore *rs = st->redis;
    char c[HU_CODE_LEN + 1];
    int number;
    if (!rs || rutil_run_split(run_id, c, &number) != HU_OK)
        return HU_ERR_INTERNAL;
    struct rwatch *w = rwatch_find(rs, code);
    if (!w) {
        struct rwatch *v = realloc(rs->watch, (rs->n_watch + 1) * sizeof *v);
        if (!v)
            return HU_ERR_NOMEM;
        rs->watch = v;
        w = &v[rs->n_watch++];
        memset(w, 0, sizeof *w);
        w->reload_backoff_ms = RSTORE_BACKOFF_MIN_MS;
        snprintf(w->code, sizeof w->code, "%s", code);
        if (rutil_prefix(code, w->prefix) != HU_OK)
            return HU_ERR_INTERNAL;
    }
    w->run_id = run_id;
    w->run = number;
    w->need_reload = true;
    if (rs->sub_up)
        rwatch_subscribe(rs, w);
    return HU_OK;
}

/* Applies one notice, or holds it during a re-read; false on a gap. */
static bool rwatch_apply(struct rstore *rs, struct rwatch *w, char *msg, size_t len)
{
    struct store_notice n;
    if (rutil_notice_parse(msg, len, &n) != HU_OK) {
        log_event(LOG_WARN, "an unreadable change notice; re-reading the session", LOG_S("session", w->code), LOG_END);
        return false;
    }
    if (n.seq <= w->seq)
        return true; /* already in the state we read */
    if (n.seq != w->seq + 1) {
        log_event(LOG_WARN, "a gap in the change notices; re-reading the session", LOG_S("session", w->code),
                  LOG_I("expected", (long long)(w->seq + 1)), LOG_I("got", (long long)n.seq), LOG_END);
        return false;
    }
    w->seq = n.seq;
    if (n.run > w->run && n.kind != STORE_NOTICE_RUN) {
        /* A change in a newer run than the one served: this node missed
         * that run's start (its N notice came before the subscription, as
         * when two nodes start together and each made a run).  Skipping it
         * as another run's left the node serving its own run alone, in
         * silence; it follows the newest run, as on an N notice. */
        log_event(LOG_WARN, "a change in a newer run than the one served; following that run",
                  LOG_S("session", w->code), LOG_I("served", w->run), LOG_I("newer", n.run), LOG_END);
        struct store_notice run = {.kind = STORE_NOTICE_RUN, .seq = n.seq, .run = n.run, .poll_id = "", .text = ""};
        if (rs->ops.notice)
            rs->ops.notice(rs->ops_arg, w->code, &run);
        return w->run == n.run ? false : true; /* false: re-read the run now followed */
    }
    if (n.run != w->run && n.kind != STORE_NOTICE_RUN)
        return true; /* an earlier run of the session (an archive's, one ended) */
    if (n.kind == STORE_NOTICE_RESET)
        return false; /* a reset empties a poll: simplest as a re-read */
    if (rs->ops.notice)
        rs->ops.notice(rs->ops_arg, w->code, &n);
    return true;
}

static void rwatch_hold(struct rwatch *w, const char *msg, size_t len)
{
    if (w->n_held == RSTORE_HOLD_MAX) {
        rwatch_drop_held(w);
        w->need_reload = true; /* after this re-read, another */
        return;
    }
    if (w->n_held == w->cap_held) {
        size_t cap = w->cap_held ? w->cap_held * 2 : 64;
        char **h = realloc(w->held, cap * sizeof *h);
        size_t *l = h ? realloc(w->held_len, cap * sizeof *l) : NULL;
        if (h)
            w->held = h;
        if (l)
            w->held_len = l;
        if (!h || !l) {
            w->need_reload = true;
            return;
        }
        w->cap_held = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        w->need_reload = true;
        return;
    }
    memcpy(copy, msg, len);
    copy[len] = '\0';
    w->held[w->n_held] = copy;
    w->held_len[w->n_held++] = len;
}

void rwatch_message(struct rstore *rs, redisReply *r)
{
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3 || r->element[0]->type != REDIS_REPLY_STRING ||
        r->element[1]->type != REDIS_REPLY_STRING)
        return;
    const char *what = r->element[0]->str, *ch = r->element[1]->str;
    /* "hu:{CODE}:ch" */
    if (strlen(ch) != 4 + HU_CODE_LEN + 4)
        return;
    char code[HU_CODE_LEN + 1];
    memcpy(code, ch + 4, HU_CODE_LEN);
    code[HU_CODE_LEN] = '\0';
    struct rwatch *w = rwatch_find(rs, code);
    if (!w)
        return;
    if (strcmp(what, "subscribe") == 0) {
        /* Whatever happened before the subscription is not in our room. */
        w->subscribed = true;
        w->need_reload = true;
        return;
    }
    if (strcmp(what, "message") != 0 || r->element[2]->type != REDIS_REPLY_STRING)
        return;
    if (w->reloading || w->need_reload || !w->subscribed) {
        rwatch_hold(w, r->element[2]->str, r->element[2]->len);
        return;
    }
    if (!rwatch_apply(rs, w, r->element[2]->str, r->element[2]->len))
        w->need_reload = true;
}

static void rwatch_sub_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
    (void)privdata;
    struct rstore *rs = ac->data;
    rwatch_message(rs, reply);
}

void rwatch_subscribe(struct rstore *rs, struct rwatch *w)
{
    char ch[RUTIL_PREFIX_MAX + 4];
    snprintf(ch, sizeof ch, "%s:ch", w->prefix);
    const char *argv[] = {"SUBSCRIBE", ch};
    if (redisAsyncCommandArgv(rs->sub, rwatch_sub_reply, NULL, 2, argv, NULL) != REDIS_OK)
        rasync_reset(rs, "cannot subscribe");
}

void rwatch_subscribed(struct rstore *rs)
{
    for (size_t i = 0; i < rs->n_watch; i++)
        rwatch_subscribe(rs, &rs->watch[i]);
}

static uint64_t rwatch_seq(const redisReply *r)
{
    int64_t v = 0;
    if (r && r->type == REDIS_REPLY_STRING)
        (void)rutil_int(r->str, r->len, 0, INT64_MAX, &v);
    return (uint64_t)v;
}

void rwatch_dump_reply(struct rstore *rs, const char *code, redisReply *r)
{
    struct rwatch *w = rwatch_find(rs, code);
    if (!w)
        return;
    w->reloading = false;
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 8) {
        /* Asked again, after a backoff: a re-read that fails must never
         * leave the session unfollowed, nor hammer a Redis in trouble. */
        log_event(LOG_ERROR, "cannot re-read a session from Redis; trying again", LOG_S("session", code),
                  LOG_S("error", !r ? "connection lost" : r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply"),
                  LOG_I("retry_ms", (long long)w->reload_backoff_ms), LOG_END);
        w->need_reload = true;
        w->reload_at = rasync_now() + w->reload_backoff_ms;
        w->reload_backoff_ms = w->reload_backoff_ms * 2 > RSTORE_BACKOFF_MAX_MS ? RSTORE_BACKOFF_MAX_MS
                                                                                : w->reload_backoff_ms * 2;
        rwatch_drop_held(w);
        return;
    }
    w->reload_backoff_ms = RSTORE_BACKOFF_MIN_MS;
    w->seq = rwatch_seq(r->element[0]);
    int slide = -1;
    struct store_view view;
    bool has_view = false;
    const redisReply *run = r->element[1];
    for (size_t i = 0; i + 1 < run->elements; i += 2) {
        const redisReply *k = run->element[i], *v = run->element[i + 1];
        if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
            continue;
        int64_t n;
        if (strcmp(k->str, "slide") == 0 && rutil_int(v->str, v->len, 0, INT32_MAX, &n) == HU_OK)
            slide = (int)n;
        if (strcmp(k->str, "view") == 0)
            has_view = rutil_view_parse(v->str, &view) == HU_OK;
    }
    if (rs->ops.reload)
        rs->ops.reload(rs->ops_arg, w->code, w->run_id, slide, has_view ? &view : NULL, r);
    /* The notices that came meanwhile, in order; one before the dump's seq
     * is in it already. */
    bool gap = false;
    for (size_t i = 0; i < w->n_held && !gap; i++)
        gap = !rwatch_apply(rs, w, w->held[i], w->held_len[i]);
    rwatch_drop_held(w);
    if (gap)
        w->need_reload = true;
}

/* hu_beat answers { the other nodes' phones, the session's seq }. */
void rwatch_beat_reply(struct rstore *rs, const char *code, redisReply *r)
{
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_INTEGER ||
        r->element[1]->type != REDIS_REPLY_INTEGER)
        return;
    long long others = r->element[0]->integer;
    if (others >= 0 && rs->ops.others)
        rs->ops.others(rs->ops_arg, code, others > UINT32_MAX ? UINT32_MAX : (uint32_t)others);
    struct rwatch *w = rwatch_find(rs, code);
    if (!w || r->element[1]->integer < 0)
        return;
    uint64_t seq = (uint64_t)r->element[1]->integer;
    int64_t now = rasync_now();
    if (w->reloading) {
        /* A re-read on its way brings the room up to its own seq; one
         * that never answers is Redis lost (rutil_redis_lost). */
        w->follow.seq = seq;
        w->follow.since_ms = now;
        return;
    }
    if (!rutil_follow_check(&w->follow, w->seq, seq, now, RSTORE_FOLLOW_MS))
        return;
    /* Whatever held the notices back (none came, they were held and never
     * released, or dropped as old), the session is read again, and said. */
    log_event(LOG_ERROR, "stopped following the session; re-reading it", LOG_S("session", code),
              LOG_I("applied_seq", (long long)w->seq), LOG_I("redis_seq", (long long)seq),
              LOG_I("held", (long long)w->n_held), LOG_I("need_reload", w->need_reload),
              LOG_I("subscribed", w->subscribed), LOG_I("sub_up", rs->sub_up), LOG_END);
    w->need_reload = true;
    w->reload_at = 0;
    if (!w->subscribed && rs->sub_up)
        rwatch_subscribe(rs, w);
}

void rwatch_tick(struct rstore *rs, int64_t now)
{
    if (!rs->cmd_up || !rs->sub_up)
        return;
    for (size_t i = 0; i < rs->n_watch; i++) {
        struct rwatch *w = &rs->watch[i];
        if (w->need_reload && w->subscribed && !w->reloading && now >= w->reload_at) {
            char num[16];
            snprintf(num, sizeof num, "%d", w->run);
            const char *argv[] = {num};
            if (rasync_fcall(rs, "hu_dump", w->code, 1, argv, RPEND_DUMP, false, false, NULL) == HU_OK) {
                w->need_reload = false;
                w->reloading = true;
            }
        }
    }
    if (now < rs->next_beat)
        return;
    rs->next_beat = now + RSTORE_BEAT_MS;
    for (size_t i = 0; i < rs->n_watch; i++) {
        struct rwatch *w = &rs->watch[i];
        char n[16], ttl[16];
        snprintf(n, sizeof n, "%u", rs->ops.connected ? rs->ops.connected(rs->ops_arg, w->code) : 0);
        snprintf(ttl, sizeof ttl, "%d", RSTORE_BEAT_TTL_MS);
        const char *argv[] = {rs->node, n, ttl};
        (void)rasync_fcall(rs, "hu_beat", w->code, 3, argv, RPEND_BEAT, false, false, NULL);
    }
}
