/* redis_replay.c -- a run's state read from Redis (hu_dump's reply) replayed
 * through the callbacks of store_session_load, in the order the SQLite store
 * replays its tables: polls, participants, votes, answers, questions,
 * upvotes.  Used at start-up, by a node's re-read and by the archive. */
#include "redis_impl.h"

#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"

static const char *rreplay_str(const redisReply *r) { return r && r->type == REDIS_REPLY_STRING ? r->str : ""; }

static int64_t rreplay_num(const redisReply *r)
{
    int64_t v = 0;
    if (r && r->type == REDIS_REPLY_STRING)
        (void)rutil_int(r->str, r->len, INT64_MIN + 1, INT64_MAX, &v);
    return v;
}

/* "who\tstatus\tat\ttext" of an answer or question. */
static int rreplay_item(const redisReply *v, uint32_t *who, int *status, int64_t *at, const char **text)
{
    if (!v || v->type != REDIS_REPLY_STRING)
        return HU_ERR_PARSE;
    const char *s = v->str, *t1 = strchr(s, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL,
               *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
    int64_t a, b, c;
    if (!t3 || rutil_int(s, (size_t)(t1 - s), 0, UINT32_MAX - 1, &a) != HU_OK ||
        rutil_int(t1 + 1, (size_t)(t2 - t1 - 1), 0, 16, &b) != HU_OK ||
        rutil_int(t2 + 1, (size_t)(t3 - t2 - 1), 0, INT64_MAX, &c) != HU_OK)
        return HU_ERR_PARSE;
    *who = (uint32_t)a;
    *status = (int)b;
    *at = c;
    *text = t3 + 1;
    return HU_OK;
}

static int rreplay_hex(const char *s, size_t len, unsigned char out[HU_HASH_LEN])
{
    if (len != 2 * HU_HASH_LEN)
        return HU_ERR_PARSE;
    for (size_t i = 0; i < HU_HASH_LEN; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = s[2 * i + (size_t)k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return HU_ERR_PARSE;
            v = v * 16 + (unsigned)d;
        }
        out[i] = (unsigned char)v;
    }
    return HU_OK;
}

int rwatch_replay(const redisReply *d, const struct store_load_cb *cb, void *ctx)
{
    if (!d || d->type != REDIS_REPLY_ARRAY || d->elements != 8)
        return HU_ERR_PARSE;
    for (size_t i = 2; i < 8; i++)
        if (d->element[i]->type != REDIS_REPLY_ARRAY)
            return HU_ERR_PARSE;
    const redisReply *polls = d->element[2], *people = d->element[3], *votes = d->element[4],
                     *answers = d->element[5], *questions = d->element[6], *upvotes = d->element[7];
    for (size_t i = 0; cb->poll && i + 9 < polls->elements; i += 10) {
        struct store_poll_row row;
        memset(&row, 0, sizeof row);
        snprintf(row.poll_id, sizeof row.poll_id, "%s", rreplay_str(polls->element[i]));
        snprintf(row.kind, sizeof row.kind, "%s", rreplay_str(polls->element[i + 1]));
        snprintf(row.question, sizeof row.question, "%s", rreplay_str(polls->element[i + 2]));
        snprintf(row.params, sizeof row.params, "%s", rreplay_str(polls->element[i + 3]));
        row.slide_index = (int)rreplay_num(polls->element[i + 4]);
        row.status = (int)rreplay_num(polls->element[i + 5]);
        row.revealed = rreplay_num(polls->element[i + 6]) != 0;
        row.opened_at = rreplay_num(polls->element[i + 7]);
        row.closed_at = rreplay_num(polls->element[i + 8]);
        row.participants_at_close = (uint32_t)rreplay_num(polls->element[i + 9]);
        cb->poll(ctx, &row);
    }
    for (size_t i = 0; cb->participant && i < people->elements; i++) {
        unsigned char hash[HU_HASH_LEN];
        const redisReply *h = people->element[i];
        if (h->type != REDIS_REPLY_STRING || rreplay_hex(h->str, h->len, hash) != HU_OK)
            return HU_ERR_PARSE;
        cb->participant(ctx, (uint32_t)i, hash);
    }
    for (size_t i = 0; cb->vote && i + 2 < votes->elements; i += 3)
        cb->vote(ctx, rreplay_str(votes->element[i]), (uint32_t)rreplay_num(votes->element[i + 1]),
                 rreplay_str(votes->element[i + 2]));
    for (size_t i = 0; cb->answer && i + 2 < answers->elements; i += 3) {
        uint32_t who;
        int status;
        int64_t at;
        const char *text;
        if (rreplay_item(answers->element[i + 2], &who, &status, &at, &text) == HU_OK)
            cb->answer(ctx, rreplay_str(answers->element[i]), (uint32_t)rreplay_num(answers->element[i + 1]), who,
                       text, status, at);
    }
    for (size_t i = 0; cb->question && i + 1 < questions->elements; i += 2) {
        uint32_t who;
        int status;
        int64_t at;
        const char *text;
        if (rreplay_item(questions->element[i + 1], &who, &status, &at, &text) == HU_OK)
            cb->question(ctx, (uint32_t)rreplay_num(questions->element[i]), who, text, status, at);
    }
    for (size_t i = 0; cb->upvote && i < upvotes->elements; i++) {
        const char *s = rreplay_str(upvotes->element[i]), *colon = strchr(s, ':');
        int64_t q, who;
        if (colon && rutil_int(s, (size_t)(colon - s), 1, UINT32_MAX - 1, &q) == HU_OK &&
            rutil_int(colon + 1, strlen(colon + 1), 0, UINT32_MAX - 1, &who) == HU_OK)
            cb->upvote(ctx, (uint32_t)q, (uint32_t)who);
    }
    return HU_OK;
}

int store_cluster_replay(const void *dump, const struct store_load_cb *cb, void *ctx)
{
    return rwatch_replay(dump, cb, ctx);
}
