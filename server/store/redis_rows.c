/* redis_rows.c -- sessions, runs, settings and a run's start-up load in
 * Redis: the synchronous calls of store.h and store_run.h in cluster mode.
 *
 * Keys (docs/storage.md, "Redis"): hu:sessions (a set of codes), per
 * session hu:{CODE}:s (key, deck, title, created), hu:{CODE}:rn (runs so
 * far) and hu:{CODE}:r:N (label, started, ended, active, slide). */
#include "redis_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "store_impl.h"
#include "store_run.h"

static const char *rrows_field(const redisReply *h, const char *name)
{
    for (size_t i = 0; h && h->type == REDIS_REPLY_ARRAY && i + 1 < h->elements; i += 2)
        if (h->element[i]->type == REDIS_REPLY_STRING && strcmp(h->element[i]->str, name) == 0)
            return h->element[i + 1]->type == REDIS_REPLY_STRING ? h->element[i + 1]->str : "";
    return "";
}

static int64_t rrows_num(const char *s)
{
    int64_t v = 0;
    return rutil_int(s, strlen(s), INT64_MIN + 1, INT64_MAX, &v) == HU_OK ? v : 0;
}

static int rrows_session_by_code(struct rstore *rs, const char *code_in, struct store_session_row *row)
{
    char prefix[RUTIL_PREFIX_MAX], key[RUTIL_PREFIX_MAX + 4], err[256], code[HU_CODE_LEN + 1];
    /* code_in may be row->code itself (a find by the code just read). */
    snprintf(code, sizeof code, "%s", code_in);
    if (rutil_prefix(code, prefix) != HU_OK)
        return HU_ERR_NOT_FOUND;
    snprintf(key, sizeof key, "%s:s", prefix);
    const char *argv[] = {"HGETALL", key};
    redisReply *r = rsync_cmd(rs->sync, err, sizeof err, 2, argv);
    if (!r)
        return HU_ERR_IO;
    int rc = r->type == REDIS_REPLY_ARRAY && r->elements >= 2 ? HU_OK : HU_ERR_NOT_FOUND;
    if (rc == HU_OK) {
        row->id = rutil_session_id(code);
        snprintf(row->code, sizeof row->code, "%s", code);
        snprintf(row->key, sizeof row->key, "%s", rrows_field(r, "key"));
        snprintf(row->deck_path, sizeof row->deck_path, "%s", rrows_field(r, "deck"));
        snprintf(row->title, sizeof row->title, "%s", rrows_field(r, "title"));
        row->created_at = rrows_num(rrows_field(r, "created"));
    }
    freeReplyObject(r);
    return rc;
}

/* Every session's code, in *out (a reply the caller frees). */
static redisReply *rrows_codes(struct rstore *rs)
{
    char err[256];
    const char *argv[] = {"SORT", "hu:sessions", "ALPHA"};
    return rsync_cmd(rs->sync, err, sizeof err, 3, argv);
}

int rrows_session_find(struct rstore *rs, const char *code, const char *deck_path, struct store_session_row *row)
{
    if (code)
        return rrows_session_by_code(rs, code, row);
    redisReply *codes = rrows_codes(rs);
    if (!codes)
        return HU_ERR_IO;
    int rc = HU_ERR_NOT_FOUND;
    for (size_t i = 0; rc == HU_ERR_NOT_FOUND && i < codes->elements; i++) {
        if (codes->element[i]->type != REDIS_REPLY_STRING)
            continue;
        int e = rrows_session_by_code(rs, codes->element[i]->str, row);
        if (e == HU_OK && strcmp(row->deck_path, deck_path) == 0)
            rc = HU_OK;
        else if (e != HU_OK && e != HU_ERR_NOT_FOUND)
            rc = e;
    }
    freeReplyObject(codes);
    return rc;
}

int rrows_session_create(struct rstore *rs, struct store_session_row *row)
{
    char created[24];
    snprintf(created, sizeof created, "%lld", (long long)row->created_at);
    const char *argv[] = {row->key, row->deck_path, row->title, created};
    long long made = 0;
    int rc = rsync_fcall(rs, "hu_session_create", row->code, 4, argv, &made);
    if (rc != HU_OK)
        return rc;
    if (made != 1)
        return HU_ERR_EXISTS;
    char err[256];
    const char *add[] = {"SADD", "hu:sessions", row->code};
    redisReply *r = rsync_cmd(rs->sync, err, sizeof err, 3, add);
    if (!r)
        return HU_ERR_IO;
    freeReplyObject(r);
    row->id = rutil_session_id(row->code);
    return HU_OK;
}

int rrows_session_update(struct rstore *rs, const struct store_session_row *row)
{
    const char *argv[] = {row->key, row->deck_path, row->title};
    return rsync_fcall(rs, "hu_session_update", row->code, 3, argv, NULL);
}

static int rrows_run_read(struct rstore *rs, const char *code, int number, struct store_run_row *out)
{
    char prefix[RUTIL_PREFIX_MAX], key[64], err[256];
    if (rutil_prefix(code, prefix) != HU_OK)
        return HU_ERR_NOT_FOUND;
    snprintf(key, sizeof key, "%s:r:%d", prefix, number);
    const char *argv[] = {"HGETALL", key};
    redisReply *r = rsync_cmd(rs->sync, err, sizeof err, 2, argv);
    if (!r)
        return HU_ERR_IO;
    int rc = r->type == REDIS_REPLY_ARRAY && r->elements >= 2 ? HU_OK : HU_ERR_NOT_FOUND;
    if (rc == HU_OK) {
        memset(out, 0, sizeof *out);
        out->session_id = rutil_session_id(code);
        out->id = rutil_run_id(out->session_id, number);
        snprintf(out->code, sizeof out->code, "%s", code);
        out->number = number;
        snprintf(out->label, sizeof out->label, "%s", rrows_field(r, "label"));
        out->started_at = rrows_num(rrows_field(r, "started"));
        out->ended_at = rrows_num(rrows_field(r, "ended"));
        out->active_at = rrows_num(rrows_field(r, "active"));
        out->current_slide = (int)rrows_num(rrows_field(r, "slide"));
    }
    freeReplyObject(r);
    if (rc == HU_OK) {
        snprintf(key, sizeof key, "%s:r:%d:pl", prefix, number);
        const char *len[] = {"LLEN", key};
        if ((r = rsync_cmd(rs->sync, err, sizeof err, 2, len)) != NULL) {
            out->participants = r->type == REDIS_REPLY_INTEGER ? (uint32_t)r->integer : 0;
            freeReplyObject(r);
        }
    }
    return rc;
}

static int rrows_run_count(struct rstore *rs, const char *code, int *n)
{
    char prefix[RUTIL_PREFIX_MAX], key[32], err[256];
    if (rutil_prefix(code, prefix) != HU_OK)
        return HU_ERR_NOT_FOUND;
    snprintf(key, sizeof key, "%s:rn", prefix);
    const char *argv[] = {"GET", key};
    redisReply *r = rsync_cmd(rs->sync, err, sizeof err, 2, argv);
    if (!r)
        return HU_ERR_IO;
    *n = r->type == REDIS_REPLY_STRING ? (int)rrows_num(r->str) : 0;
    freeReplyObject(r);
    return HU_OK;
}

int rrows_runs_list(struct rstore *rs, int64_t session_id, struct store_run_row **out, size_t *n)
{
    char code[HU_CODE_LEN + 1];
    int count;
    *out = NULL;
    *n = 0;
    rutil_session_code(session_id, code);
    int rc = rrows_run_count(rs, code, &count);
    if (rc != HU_OK || count <= 0)
        return rc;
    struct store_run_row *v = calloc((size_t)count, sizeof *v);
    if (!v)
        return HU_ERR_NOMEM;
    size_t k = 0;
    for (int i = 1; i <= count && rc == HU_OK; i++) {
        rc = rrows_run_read(rs, code, i, &v[k]);
        if (rc == HU_OK)
            k++;
        else if (rc == HU_ERR_NOT_FOUND)
            rc = HU_OK;
    }
    if (rc != HU_OK) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return HU_OK;
}

int rrows_run_find(struct rstore *rs, int64_t session_id, int number, struct store_run_row *out)
{
    char code[HU_CODE_LEN + 1];
    rutil_session_code(session_id, code);
    if (number <= 0 && rrows_run_count(rs, code, &number) != HU_OK)
        return HU_ERR_IO;
    return number > 0 ? rrows_run_read(rs, code, number, out) : HU_ERR_NOT_FOUND;
}

int rrows_run_create(struct rstore *rs, int64_t session_id, const char *label, int64_t at, struct store_run_row *out)
{
    char code[HU_CODE_LEN + 1], when[24];
    rutil_session_code(session_id, code);
    snprintf(when, sizeof when, "%lld", (long long)at);
    const char *argv[] = {label ? label : "", when};
    long long n = 0;
    int rc = rsync_fcall(rs, "hu_run_create", code, 2, argv, &n);
    if (rc != HU_OK)
        return rc;
    return n > 0 ? rrows_run_read(rs, code, (int)n, out) : HU_ERR_IO;
}

int rrows_run_set(struct rstore *rs, int64_t run_id, const char *fn, const char *arg)
{
    char code[HU_CODE_LEN + 1], num[16];
    int number;
    if (rutil_run_split(run_id, code, &number) != HU_OK)
        return HU_ERR_NOT_FOUND;
    snprintf(num, sizeof num, "%d", number);
    const char *argv[] = {num, arg ? arg : ""};
    long long ok = 0;
    int rc = rsync_fcall(rs, fn, code, 2, argv, &ok);
    return rc != HU_OK ? rc : ok == 1 ? HU_OK : HU_ERR_NOT_FOUND;
}

int rrows_session_load(struct rstore *rs, int64_t run_id, const struct store_load_cb *cb, void *ctx)
{
    char code[HU_CODE_LEN + 1], num[16], prefix[RUTIL_PREFIX_MAX], err[256];
    int number;
    if (rutil_run_split(run_id, code, &number) != HU_OK || rutil_prefix(code, prefix) != HU_OK)
        return HU_ERR_NOT_FOUND;
    snprintf(num, sizeof num, "%d", number);
    const char *argv[] = {"FCALL", "hu_dump", "1", prefix, num};
    redisReply *r = rsync_cmd(rs->sync, err, sizeof err, 5, argv);
    if (!r) {
        fprintf(stderr, "handsup: %s\n", err);
        return HU_ERR_IO;
    }
    int rc = rwatch_replay(r, cb, ctx);
    freeReplyObject(r);
    return rc;
}

int rrows_setting(struct rstore *rs, const char *name, const char *value, char *out, size_t outlen)
{
    char key[128], err[256];
    snprintf(key, sizeof key, "hu:setting:%s", name);
    const char *argv[] = {value ? "SET" : "GET", key, value};
    redisReply *r = rsync_cmd(rs->sync, err, sizeof err, value ? 3 : 2, argv);
    if (!r)
        return HU_ERR_IO;
    int rc = HU_OK;
    if (!value) {
        if (r->type == REDIS_REPLY_STRING)
            snprintf(out, outlen, "%s", r->str);
        else
            rc = HU_ERR_NOT_FOUND;
    }
    freeReplyObject(r);
    return rc;
}
