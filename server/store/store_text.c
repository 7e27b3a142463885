/* store_text.c -- enqueueing open answers, audience questions and upvotes.
 *
 * The same FIFO as votes (store.c): each call copies its strings into one
 * allocation and never blocks.  An operation given a cookie is acked like a
 * vote once its batch commits, so a phone hears "ack" only for a durable
 * answer, question or upvote. */
#include <string.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "store_impl.h"
#include "redis_ops.h"

/* Text longer than any participant may send (HU_MSG_MAX) is a caller bug. */
#define STORE_TEXT_MAX HU_MSG_MAX

static struct store_op *store_text_op(enum store_op_type type, int64_t session_id, const char *poll_id,
                                      const char *text, void *cookie, int *err)
{
    size_t plen = poll_id ? strnlen(poll_id, HU_POLL_ID_MAX + 1) : 0;
    size_t tlen = text ? strnlen(text, STORE_TEXT_MAX + 1) : 0;
    *err = HU_ERR_TOO_LARGE;
    if (plen > HU_POLL_ID_MAX || tlen > STORE_TEXT_MAX)
        return NULL;
    struct store_op *op = store_op_new(type, session_id, plen + tlen + 2);
    *err = HU_ERR_NOMEM;
    if (!op)
        return NULL;
    char *p = store_put_str(op->data, poll_id ? poll_id : "", plen);
    store_put_str(p, text ? text : "", tlen);
    op->poll_id = op->data;
    op->text = p;
    op->cookie = cookie;
    op->acked = cookie != NULL;
    *err = HU_OK;
    return op;
}

int store_answer(struct store *st, int64_t session_id, const char *poll_id, uint32_t answer_id,
                 uint32_t participant, const char *text, int status, void *cookie)
{
    return store_answer_at(st, session_id, poll_id, answer_id, participant, text, status, 0, cookie);
}

int store_answer_at(struct store *st, int64_t session_id, const char *poll_id, uint32_t answer_id,
                    uint32_t participant, const char *text, int status, int64_t at, void *cookie)
{
    if (st && st->redis && poll_id && text)
        return rops_answer(st->redis, session_id, poll_id, answer_id, participant, text, status,
                           at ? at : store_now_ms(), cookie);
    int rc;
    if (!st || !poll_id || !text)
        return HU_ERR_INTERNAL;
    struct store_op *op = store_text_op(STORE_OP_ANSWER, session_id, poll_id, text, cookie, &rc);
    if (!op)
        return rc;
    op->item = answer_id;
    op->participant = participant;
    op->status = status;
    if (at)
        op->at = at;
    return store_push(st, op);
}

int store_answer_status(struct store *st, int64_t session_id, const char *poll_id, uint32_t answer_id, int status,
                        void *cookie)
{
    if (st && st->redis && poll_id)
        return rops_answer_status(st->redis, session_id, poll_id, answer_id, status, cookie);
    int rc;
    if (!st || !poll_id)
        return HU_ERR_INTERNAL;
    struct store_op *op = store_text_op(STORE_OP_ANSWER_STATUS, session_id, poll_id, NULL, cookie, &rc);
    if (!op)
        return rc;
    op->item = answer_id;
    op->status = status;
    return store_push(st, op);
}

int store_question(struct store *st, int64_t session_id, uint32_t question_id, uint32_t participant,
                   const char *text, int status, void *cookie)
{
    return store_question_at(st, session_id, question_id, participant, text, status, 0, cookie);
}

int store_question_at(struct store *st, int64_t session_id, uint32_t question_id, uint32_t participant,
                      const char *text, int status, int64_t at, void *cookie)
{
    if (st && st->redis && text)
        return rops_question(st->redis, session_id, question_id, participant, text, status,
                             at ? at : store_now_ms(), cookie);
    int rc;
    if (!st || !text)
        return HU_ERR_INTERNAL;
    struct store_op *op = store_text_op(STORE_OP_QUESTION, session_id, NULL, text, cookie, &rc);
    if (!op)
        return rc;
    op->item = question_id;
    op->participant = participant;
    op->status = status;
    if (at)
        op->at = at;
    return store_push(st, op);
}

int store_question_status(struct store *st, int64_t session_id, uint32_t question_id, int status)
{
    if (st && st->redis)
        return rops_question_status(st->redis, session_id, question_id, status);
    int rc;
    if (!st)
        return HU_ERR_INTERNAL;
    struct store_op *op = store_text_op(STORE_OP_QUESTION_STATUS, session_id, NULL, NULL, NULL, &rc);
    if (!op)
        return rc;
    op->item = question_id;
    op->status = status;
    return store_push(st, op);
}

int store_upvote(struct store *st, int64_t session_id, uint32_t question_id, uint32_t participant, bool on,
                 void *cookie)
{
    if (st && st->redis)
        return rops_upvote(st->redis, session_id, question_id, participant, on, cookie);
    int rc;
    if (!st)
        return HU_ERR_INTERNAL;
    struct store_op *op = store_text_op(STORE_OP_UPVOTE, session_id, NULL, NULL, cookie, &rc);
    if (!op)
        return rc;
    op->item = question_id;
    op->participant = participant;
    op->status = on ? 1 : 0;
    return store_push(st, op);
}
