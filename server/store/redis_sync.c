/* redis_sync.c -- the Redis back end's blocking side: opening (the
 * durability check and the function library), and the synchronous calls of
 * store.h and store_run.h that start-up and exports make.
 *
 * These run before the loop starts, or on a thread of their own with a
 * connection of their own (exports); the loop's traffic is redis_async.c. */
#include "redis_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "base/hu_err.h"
#include "base/token.h"
#include "store_impl.h"

redisReply *rsync_cmd(redisContext *c, char *err, size_t errlen, int argc, const char **argv)
{
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);
    if (!r) {
        snprintf(err, errlen, "Redis: %s", c->errstr[0] ? c->errstr : "no reply");
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen, "Redis refused %s: %s", argv[0], r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

int rsync_connect(struct rstore *rs, char *err, size_t errlen)
{
    struct timeval tv = {(time_t)(rs->timeout_ms / 1000), (suseconds_t)(rs->timeout_ms % 1000) * 1000};
    rs->sync = redisConnectWithTimeout(rs->host, rs->port, tv);
    if (!rs->sync || rs->sync->err) {
        snprintf(err, errlen, "cannot reach Redis at %s:%d: %s", rs->host, rs->port,
                 rs->sync ? rs->sync->errstr : "out of memory");
        return HU_ERR_IO;
    }
    if (redisSetTimeout(rs->sync, tv) != REDIS_OK) {
        snprintf(err, errlen, "cannot set a timeout on the connection to Redis");
        return HU_ERR_IO;
    }
    if (rs->db) {
        char db[16];
        snprintf(db, sizeof db, "%d", rs->db);
        const char *argv[] = {"SELECT", db};
        redisReply *r = rsync_cmd(rs->sync, err, errlen, 2, argv);
        if (!r)
            return HU_ERR_IO;
        freeReplyObject(r);
    }
    return HU_OK;
}

/* CONFIG GET name's value into out ("" when absent). */
static int rsync_config(struct rstore *rs, const char *name, char *out, size_t outlen, char *err, size_t errlen)
{
    const char *argv[] = {"CONFIG", "GET", name};
    redisReply *r = rsync_cmd(rs->sync, err, errlen, 3, argv);
    if (!r)
        return HU_ERR_IO;
    out[0] = '\0';
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 && r->element[1]->type == REDIS_REPLY_STRING)
        snprintf(out, outlen, "%s", r->element[1]->str);
    freeReplyObject(r);
    return HU_OK;
}

/* Refuses a Redis that could lose an acknowledged vote: a vote is acked on
 * Redis's reply, which is only durable with the AOF fsynced before it. */
static int rsync_check_durable(struct rstore *rs, bool allow_unsafe, char *err, size_t errlen)
{
    char aof[32], fsync[32];
    if (rsync_config(rs, "appendonly", aof, sizeof aof, err, errlen) != HU_OK ||
        rsync_config(rs, "appendfsync", fsync, sizeof fsync, err, errlen) != HU_OK)
        return HU_ERR_IO;
    if (strcmp(aof, "yes") == 0 && strcmp(fsync, "always") == 0)
        return HU_OK;
    if (allow_unsafe) {
        fprintf(stderr,
                "handsup: WARNING: Redis at %s:%d has appendonly %s and appendfsync %s: votes acknowledged to "
                "phones can be LOST if redis-server stops (--redis-allow-unsafe given; never use it for a real "
                "event)\n",
                rs->host, rs->port, aof, fsync);
        return HU_OK;
    }
    snprintf(err, errlen,
             "Redis at %s:%d has appendonly %s and appendfsync %s; handsup acknowledges a vote only once it is "
             "on disk, so it needs appendonly yes and appendfsync always (in redis.conf, or: redis-cli CONFIG SET "
             "appendonly yes; redis-cli CONFIG SET appendfsync always; redis-cli CONFIG REWRITE). "
             "--redis-allow-unsafe starts anyway, for tests",
             rs->host, rs->port, aof, fsync);
    return HU_ERR_EXISTS;
}

/* Loads the library (a node, always: REPLACE), or for export and report only
 * when Redis has none, so that a reader never replaces the library of nodes
 * running another build. */
static int rsync_load_library(struct rstore *rs, bool always, char *err, size_t errlen)
{
    const char *ver[] = {"FCALL", "hu_version", "0"};
    redisReply *r = always ? NULL : rsync_cmd(rs->sync, err, errlen, 3, ver);
    if (!r) {
        const char *load[] = {"FUNCTION", "LOAD", "REPLACE", rstore_lua_src};
        if (!(r = rsync_cmd(rs->sync, err, errlen, 4, load)))
            return HU_ERR_IO;
        freeReplyObject(r);
        if (!(r = rsync_cmd(rs->sync, err, errlen, 3, ver)))
            return HU_ERR_IO;
    }
    bool ok = r->type == REDIS_REPLY_STRING && strcmp(r->str, RSTORE_VERSION) == 0;
    if (!ok)
        snprintf(err, errlen, "Redis holds a function library %s that is not this build's (%s)", RSTORE_LIBRARY,
                 RSTORE_VERSION);
    freeReplyObject(r);
    return ok ? HU_OK : HU_ERR_IO;
}

void rstore_free(struct rstore *rs)
{
    if (!rs)
        return;
    rasync_stop(rs);
    rwatch_free(rs);
    if (rs->sync)
        redisFree(rs->sync);
    free(rs->done);
    free(rs);
}

int store_open_redis(const struct store_redis_opts *o, struct store **out, char *err, size_t errlen)
{
    *out = NULL;
    struct store *st = calloc(1, sizeof *st);
    struct rstore *rs = calloc(1, sizeof *rs);
    if (!st || !rs || !(st->path = strdup(o->url))) {
        free(st);
        free(rs);
        snprintf(err, errlen, "out of memory");
        return HU_ERR_NOMEM;
    }
    st->redis = rs;
    st->lock_fd = -1;
    rs->timeout_ms = o->timeout_ms ? o->timeout_ms : STORE_REDIS_TIMEOUT_MS;
    rs->loop = o->loop;
    int rc = rutil_parse_url(o->url, rs->host, &rs->port, &rs->db, err, errlen);
    if (rc == HU_OK)
        rc = token_random_hex(rs->node, sizeof rs->node, 8);
    if (rc == HU_OK)
        rc = rsync_connect(rs, err, errlen);
    if (rc == HU_OK && o->loop)
        rc = rsync_check_durable(rs, o->allow_unsafe, err, errlen);
    if (rc == HU_OK)
        rc = rsync_load_library(rs, o->loop != NULL, err, errlen);
    if (rc == HU_OK && o->loop && (rc = rasync_start(rs)) != HU_OK)
        snprintf(err, errlen, "cannot start the connections to Redis: %s", hu_strerror(rc));
    if (rc != HU_OK) {
        store_close(st);
        return rc;
    }
    *out = st;
    return HU_OK;
}

bool store_is_cluster(const struct store *st) { return st && st->redis; }

int rsync_fcall(struct rstore *rs, const char *fn, const char *code, int argc, const char **argv, long long *out)
{
    char prefix[RUTIL_PREFIX_MAX], err[256];
    const char *a[16];
    if (argc > 12 || rutil_prefix(code, prefix) != HU_OK)
        return HU_ERR_INTERNAL;
    a[0] = "FCALL";
    a[1] = fn;
    a[2] = "1";
    a[3] = prefix;
    for (int i = 0; i < argc; i++)
        a[4 + i] = argv[i];
    redisReply *r = rsync_cmd(rs->sync, err, sizeof err, argc + 4, a);
    if (!r) {
        fprintf(stderr, "handsup: %s\n", err);
        return HU_ERR_IO;
    }
    if (out)
        *out = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    return HU_OK;
}
