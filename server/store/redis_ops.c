/* redis_ops.c -- the loop's operations of store.h on Redis: each one Redis
 * Function call on the command connection (redis_async.c), completed with
 * its reply.  store.c, store_text.c and store_session.c hand over to these
 * when the store is a Redis one. */
#include "redis_ops.h"

#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"

/* The session code and the run's number as text, from a run id. */
struct rops_run {
    char code[HU_CODE_LEN + 1];
    char num[16];
};

static int rops_run(int64_t run_id, struct rops_run *r)
{
    int number;
    if (rutil_run_split(run_id, r->code, &number) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(r->num, sizeof r->num, "%d", number);
    return HU_OK;
}

int rops_vote(struct rstore *rs, int64_t run_id, const char *poll_id, uint32_t participant, const char *choice,
              void *cookie)
{
    struct rops_run r;
    char who[16];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(who, sizeof who, "%u", participant);
    const char *argv[] = {r.num, poll_id, who, choice};
    return rasync_fcall(rs, "hu_vote", r.code, 4, argv, RPEND_OP, true, false, cookie);
}

int rops_join(struct rstore *rs, int64_t run_id, const unsigned char hash[HU_HASH_LEN], bool create, void *cookie)
{
    static const char hex[] = "0123456789abcdef";
    struct rops_run r;
    char h[2 * HU_HASH_LEN + 1];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    for (size_t i = 0; i < HU_HASH_LEN; i++) {
        h[2 * i] = hex[hash[i] >> 4];
        h[2 * i + 1] = hex[hash[i] & 15];
    }
    h[2 * HU_HASH_LEN] = '\0';
    const char *argv[] = {r.num, h, create ? "1" : "0"};
    return rasync_fcall(rs, "hu_join", r.code, 3, argv, RPEND_OP, true, true, cookie);
}

int rops_slide(struct rstore *rs, int64_t run_id, int slide)
{
    struct rops_run r;
    char s[16];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(s, sizeof s, "%d", slide);
    const char *argv[] = {r.num, s};
    return rasync_fcall(rs, "hu_slide", r.code, 2, argv, RPEND_OP, false, false, NULL);
}

int rops_view(struct rstore *rs, int64_t run_id, const struct store_view *v)
{
    struct rops_run r;
    char slide[16], frag[16], ends[24], rem[24];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(slide, sizeof slide, "%d", v->slide);
    snprintf(frag, sizeof frag, "%d", v->fragment);
    snprintf(ends, sizeof ends, "%lld", (long long)v->timer_ends_at);
    snprintf(rem, sizeof rem, "%lld", (long long)v->timer_remaining);
    const char *argv[] = {r.num,
                          slide,
                          frag,
                          v->blank ? "1" : "0",
                          v->timer_started ? "1" : "0",
                          v->timer_running ? "1" : "0",
                          ends,
                          rem};
    return rasync_fcall(rs, "hu_view", r.code, 8, argv, RPEND_OP, false, false, NULL);
}

int rops_poll(struct rstore *rs, int64_t run_id, const struct store_poll_row *row)
{
    struct rops_run r;
    char slide[16], status[8], rev[4], opened[24], closed[24], pac[16];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(slide, sizeof slide, "%d", row->slide_index);
    snprintf(status, sizeof status, "%d", row->status);
    snprintf(rev, sizeof rev, "%d", row->revealed ? 1 : 0);
    snprintf(opened, sizeof opened, "%lld", (long long)row->opened_at);
    snprintf(closed, sizeof closed, "%lld", (long long)row->closed_at);
    snprintf(pac, sizeof pac, "%u", row->participants_at_close);
    const char *argv[] = {r.num, row->poll_id, row->kind, row->question, row->params, slide,
                          status, rev,          opened,    closed,        pac};
    return rasync_fcall(rs, "hu_poll", r.code, 11, argv, RPEND_OP, false, false, NULL);
}

int rops_reset(struct rstore *rs, int64_t run_id, const char *poll_id)
{
    struct rops_run r;
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    const char *argv[] = {r.num, poll_id};
    return rasync_fcall(rs, "hu_reset", r.code, 2, argv, RPEND_OP, false, false, NULL);
}

int rops_answer(struct rstore *rs, int64_t run_id, const char *poll_id, uint32_t answer_id, uint32_t participant,
                const char *text, int status, int64_t at, void *cookie)
{
    struct rops_run r;
    char id[16], who[16], st[8], when[24];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(id, sizeof id, "%u", answer_id);
    snprintf(who, sizeof who, "%u", participant);
    snprintf(st, sizeof st, "%d", status);
    snprintf(when, sizeof when, "%lld", (long long)at);
    const char *argv[] = {r.num, poll_id, id, who, st, when, text};
    return rasync_fcall(rs, "hu_answer", r.code, 7, argv, RPEND_OP, cookie != NULL, false, cookie);
}

int rops_answer_status(struct rstore *rs, int64_t run_id, const char *poll_id, uint32_t answer_id, int status,
                       void *cookie)
{
    struct rops_run r;
    char id[16], st[8];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(id, sizeof id, "%u", answer_id);
    snprintf(st, sizeof st, "%d", status);
    const char *argv[] = {r.num, poll_id, id, st};
    return rasync_fcall(rs, "hu_answer_status", r.code, 4, argv, RPEND_OP, cookie != NULL, false, cookie);
}

int rops_question(struct rstore *rs, int64_t run_id, uint32_t question_id, uint32_t participant, const char *text,
                  int status, int64_t at, void *cookie)
{
    struct rops_run r;
    char id[16], who[16], st[8], when[24];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(id, sizeof id, "%u", question_id);
    snprintf(who, sizeof who, "%u", participant);
    snprintf(st, sizeof st, "%d", status);
    snprintf(when, sizeof when, "%lld", (long long)at);
    const char *argv[] = {r.num, id, who, st, when, text};
    return rasync_fcall(rs, "hu_question", r.code, 6, argv, RPEND_OP, cookie != NULL, false, cookie);
}

int rops_question_status(struct rstore *rs, int64_t run_id, uint32_t question_id, int status)
{
    struct rops_run r;
    char id[16], st[8];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(id, sizeof id, "%u", question_id);
    snprintf(st, sizeof st, "%d", status);
    const char *argv[] = {r.num, id, st};
    return rasync_fcall(rs, "hu_question_status", r.code, 3, argv, RPEND_OP, false, false, NULL);
}

int rops_upvote(struct rstore *rs, int64_t run_id, uint32_t question_id, uint32_t participant, bool on,
                void *cookie)
{
    struct rops_run r;
    char id[16], who[16];
    if (rops_run(run_id, &r) != HU_OK)
        return HU_ERR_INTERNAL;
    snprintf(id, sizeof id, "%u", question_id);
    snprintf(who, sizeof who, "%u", participant);
    const char *argv[] = {r.num, id, who, on ? "1" : "0"};
    return rasync_fcall(rs, "hu_upvote", r.code, 4, argv, RPEND_OP, cookie != NULL, false, cookie);
}

size_t rops_take_done(struct rstore *rs, struct store_done *out, size_t max)
{
    size_t n = 0;
    while (n < max && rs->n_done) {
        struct rdone *d = &rs->done[rs->done_head++];
        rs->n_done--;
        out[n++] = (struct store_done){d->cookie, d->err, d->value};
    }
    if (!rs->n_done)
        rs->done_head = 0;
    return n;
}
