/* store_writer.c -- the writer thread: group commit of queued operations.
 *
 * The writer takes up to HU_STORE_BATCH_MAX operations, runs them in one
 * transaction and completes the votes only after COMMIT returned: one fsync
 * acknowledges hundreds of votes.  A failed transaction completes its votes
 * with HU_ERR_STORE (never a false HU_OK) and puts the other operations back
 * at the head of the queue for the next batch. */
#include "store_impl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/hu_err.h"
#include "base/log.h"

/* Steps q once and resets it.  On an error copies the message into msg
 * first: the reset may replace it. */
static int store_step(struct store *st, sqlite3_stmt *q, char *msg, size_t msglen)
{
    int rc = sqlite3_step(q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        snprintf(msg, msglen, "%s", sqlite3_errmsg(st->db));
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

/* Errors that belong to one operation (a broken constraint, a value out of
 * range): the statement is undone but the transaction goes on.  Every other
 * error (full disk, I/O, locked, read-only) dooms the whole batch. */
static bool store_op_fault(struct store *st, int rc)
{
    int prim = rc & 0xff;
    bool own = prim == SQLITE_CONSTRAINT || prim == SQLITE_MISMATCH || prim == SQLITE_TOOBIG ||
               prim == SQLITE_RANGE;
    return own && !sqlite3_get_autocommit(st->db);
}

static int store_apply(struct store *st, struct store_op *op, char *msg, size_t msglen)
{
    sqlite3_stmt *q;
    switch (op->type) {
    case STORE_OP_VOTE:
        q = st->q_vote;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_text(q, 2, op->poll_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, op->participant);
        sqlite3_bind_text(q, 4, op->choice, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, op->at);
        break;
    case STORE_OP_PARTICIPANT:
        q = st->q_participant;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_int64(q, 2, op->participant);
        sqlite3_bind_blob(q, 3, op->hash, HU_HASH_LEN, SQLITE_STATIC);
        sqlite3_bind_int64(q, 4, op->at);
        break;
    case STORE_OP_SLIDE:
        q = st->q_slide;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_int(q, 2, op->slide);
        sqlite3_bind_int64(q, 3, op->at);
        break;
    case STORE_OP_POLL:
        q = st->q_poll;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_text(q, 2, op->poll->poll_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, op->poll->question, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, op->poll->kind, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 5, op->poll->slide_index);
        sqlite3_bind_int(q, 6, op->poll->status);
        sqlite3_bind_int(q, 7, op->poll->revealed ? 1 : 0);
        sqlite3_bind_int64(q, 8, op->poll->opened_at);
        sqlite3_bind_int64(q, 9, op->poll->closed_at);
        sqlite3_bind_int64(q, 10, op->poll->participants_at_close);
        sqlite3_bind_text(q, 11, op->poll->params, -1, SQLITE_STATIC);
        break;
    case STORE_OP_RESET: {
        /* Answers first: both deletes are in this batch's transaction. */
        sqlite3_stmt *a = st->q_reset_answers;
        sqlite3_bind_int64(a, 1, op->session_id);
        sqlite3_bind_text(a, 2, op->poll_id, -1, SQLITE_STATIC);
        int rc = store_step(st, a, msg, msglen);
        if (rc != SQLITE_DONE)
            return rc;
        q = st->q_reset;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_text(q, 2, op->poll_id, -1, SQLITE_STATIC);
        break;
    }
    case STORE_OP_UNVOTE:
        q = st->q_unvote;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_text(q, 2, op->poll_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, op->participant);
        break;
    case STORE_OP_ANSWER:
        q = st->q_answer;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_text(q, 2, op->poll_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, op->item);
        sqlite3_bind_int64(q, 4, op->participant);
        sqlite3_bind_text(q, 5, op->text, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 6, op->status);
        sqlite3_bind_int64(q, 7, op->at);
        break;
    case STORE_OP_ANSWER_STATUS:
        q = st->q_answer_status;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_text(q, 2, op->poll_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, op->item);
        sqlite3_bind_int(q, 4, op->status);
        sqlite3_bind_int64(q, 5, op->at);
        break;
    case STORE_OP_QUESTION:
        q = st->q_question;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_int64(q, 2, op->item);
        sqlite3_bind_int64(q, 3, op->participant);
        sqlite3_bind_text(q, 4, op->text, -1, SQLITE_STATIC);
        sqlite3_bind_int(q, 5, op->status);
        sqlite3_bind_int64(q, 6, op->at);
        break;
    case STORE_OP_QUESTION_STATUS:
        q = st->q_question_status;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_int64(q, 2, op->item);
        sqlite3_bind_int(q, 3, op->status);
        sqlite3_bind_int64(q, 4, op->at);
        break;
    case STORE_OP_UPVOTE:
        q = op->status ? st->q_upvote : st->q_unupvote;
        sqlite3_bind_int64(q, 1, op->session_id);
        sqlite3_bind_int64(q, 2, op->item);
        sqlite3_bind_int64(q, 3, op->participant);
        if (op->status)
            sqlite3_bind_int64(q, 4, op->at);
        break;
    default:
        snprintf(msg, msglen, "unknown operation %d", (int)op->type);
        return SQLITE_MISUSE;
    }
    return store_step(st, q, msg, msglen);
}

static const char *store_op_name(const struct store_op *op)
{
    static const char *const names[] = {"a vote",      "a participant", "the slide",        "a poll",
                                        "a poll reset", "a withdrawal", "an answer",        "an answer's status",
                                        "a question",  "a question's status", "an upvote"};
    return (unsigned)op->type < sizeof names / sizeof names[0] ? names[op->type] : "an operation";
}

/* A failure of one operation is a bug somewhere, not a disk problem: log it,
 * once per distinct message so a burst of identical votes makes one line. */
static void store_log_op_fault(struct store *st, const struct store_op *op, const char *msg)
{
    char line[STORE_ERR_MAX];
    store_say(line, sizeof line, "data file %s: cannot save %s of session %lld: %s", st->path,
             store_op_name(op), (long long)op->session_id, msg);
    if (strcmp(line, st->logged_op_error) != 0) {
        log_event(LOG_ERROR, "cannot save an operation", LOG_S("file", st->path), LOG_S("op", store_op_name(op)),
                  LOG_I("session_row", op->session_id), LOG_S("error", msg), LOG_END);
        store_say(st->logged_op_error, sizeof st->logged_op_error, "%s", line);
    }
}

/* Runs batch in one transaction.  True once COMMIT returned; else writes the
 * cause into errtext and leaves nothing of the batch in the file. */
static bool store_run_batch(struct store *st, struct store_op *batch, char *errtext, size_t errlen)
{
    char msg[STORE_ERR_MAX] = "";
    pthread_mutex_lock(&st->db_mu);
    int rc = store_step(st, st->q_begin, msg, sizeof msg);
    if (rc == SQLITE_DONE && st->test_fail) {
        /* Test hook: a statement that needs a page more than the capped file
         * has, as any batch on a full disk would.  Undone if it ever works. */
        rc = sqlite3_exec(st->db, "CREATE TABLE store_fault_probe(x); DROP TABLE store_fault_probe",
                          NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(st->db));
        else
            rc = SQLITE_DONE;
    }
    for (struct store_op *op = batch; op && rc == SQLITE_DONE; op = op->next) {
        int orc = store_apply(st, op, msg, sizeof msg);
        if (orc == SQLITE_DONE) {
            op->err = HU_OK;
        } else if (store_op_fault(st, orc)) {
            op->err = HU_ERR_STORE;
            op->dropped = true;
            store_log_op_fault(st, op, msg);
        } else {
            rc = orc;
        }
    }
    if (rc == SQLITE_DONE)
        rc = store_step(st, st->q_commit, msg, sizeof msg);
    bool ok = rc == SQLITE_DONE;
    if (!ok) {
        store_say(errtext, errlen, "cannot write to data file %s: %s", st->path, msg);
        if (!sqlite3_get_autocommit(st->db)) {
            char rmsg[STORE_ERR_MAX];
            if (store_step(st, st->q_rollback, rmsg, sizeof rmsg) != SQLITE_DONE)
                log_event(LOG_ERROR, "data file rollback failed", LOG_S("file", st->path), LOG_S("error", rmsg),
                          LOG_END);
        }
    }
    pthread_mutex_unlock(&st->db_mu);
    return ok;
}

/* Under st->mu: completes the votes of batch, frees what is finished and puts
 * what must be retried back at the head of the queue.  Returns how many votes
 * were completed. */
static size_t store_finish_batch(struct store *st, struct store_op *batch, bool ok, const char *errtext)
{
    size_t votes = 0;
    struct store_op *retry = NULL, *retry_tail = NULL;
    size_t n_retry = 0;
    while (batch) {
        struct store_op *op = batch;
        batch = op->next;
        op->next = NULL;
        if (op->acked) {
            if (!ok)
                op->err = HU_ERR_STORE;
            if (st->done_tail)
                st->done_tail->next = op;
            else
                st->done_head = op;
            st->done_tail = op;
            votes++;
            st->settled++;
        } else if (ok || op->dropped || ++op->attempts >= STORE_MAX_ATTEMPTS) {
            if (!ok && !op->dropped)
                log_event(LOG_ERROR, "gave up saving an operation", LOG_S("file", st->path),
                          LOG_S("op", store_op_name(op)), LOG_I("session_row", op->session_id),
                          LOG_I("attempts", op->attempts), LOG_END);
            store_op_free(op);
            st->n_live--;
            st->settled++;
        } else {
            if (retry_tail)
                retry_tail->next = op;
            else
                retry = op;
            retry_tail = op;
            n_retry++;
        }
    }
    if (retry) {
        retry_tail->next = st->head;
        st->head = retry;
        if (!st->tail)
            st->tail = retry_tail;
        st->n_queued += n_retry;
    }
    pthread_cond_broadcast(&st->settled_cv);
    if (ok) {
        st->has_error = false;
        st->batches++;
    } else {
        st->has_error = true;
        snprintf(st->last_error, sizeof st->last_error, "%s", errtext);
    }
    return votes;
}

/* Under st->mu, with at least one operation queued and the writer idle: waits
 * at most HU_STORE_BATCH_MS for the batch to fill, so that a burst arriving
 * over a few milliseconds shares one fsync. */
static void store_wait_company(struct store *st)
{
    struct timespec deadline;
    if (clock_gettime(CLOCK_MONOTONIC, &deadline) != 0)
        return;
    deadline.tv_nsec += (long)HU_STORE_BATCH_MS * 1000000L;
    while (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_nsec -= 1000000000L;
        deadline.tv_sec++;
    }
    st->company_wait = true;
    while (st->n_queued < HU_STORE_BATCH_MAX && !st->stopping)
        if (pthread_cond_timedwait(&st->cv, &st->mu, &deadline) == ETIMEDOUT)
            break;
    st->company_wait = false;
}

/* Writes one line per distinct failure, and one when writing works again. */
static void store_log_batch(struct store *st, bool ok, const char *errtext, size_t votes)
{
    if (ok) {
        if (st->logged_error[0]) {
            log_event(LOG_INFO, "data file writing works again", LOG_S("file", st->path), LOG_END);
            st->logged_error[0] = '\0';
        }
    } else if (strcmp(errtext, st->logged_error) != 0) {
        log_event(LOG_ERROR, "data file write failed; retrying", LOG_S("file", st->path), LOG_S("error", errtext),
                  LOG_I("votes_refused", votes), LOG_I("retry_ms", STORE_RETRY_MS), LOG_END);
        store_say(st->logged_error, sizeof st->logged_error, "%s", errtext);
    }
}

void *store_writer_main(void *arg)
{
    struct store *st = arg;
    pthread_mutex_lock(&st->mu);
    for (;;) {
        if (!st->head) {
            while (!st->head && !st->stopping)
                pthread_cond_wait(&st->cv, &st->mu);
            if (!st->head)
                break; /* stopping, and everything is written */
            /* Operations that piled up during the last commit already had
             * their wait; only an idle writer waits for company. */
            if (!st->stopping && st->n_queued < HU_STORE_BATCH_MAX)
                store_wait_company(st);
        }
        struct store_op *batch = st->head, *last = batch;
        size_t n = 1;
        while (n < HU_STORE_BATCH_MAX && last->next) {
            last = last->next;
            n++;
        }
        st->head = last->next;
        if (!st->head)
            st->tail = NULL;
        last->next = NULL;
        st->n_queued -= n;
        pthread_mutex_unlock(&st->mu);

        char errtext[STORE_ERR_MAX] = "";
        bool ok = store_run_batch(st, batch, errtext, sizeof errtext);

        pthread_mutex_lock(&st->mu);
        size_t votes = store_finish_batch(st, batch, ok, errtext);
        void (*wake)(void *) = st->wake;
        void *wake_arg = st->wake_arg;
        pthread_mutex_unlock(&st->mu);

        store_log_batch(st, ok, errtext, votes);
        if (votes && wake)
            wake(wake_arg);
        if (!ok) {
            struct timespec pause = {0, STORE_RETRY_MS * 1000000L};
            while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
                ;
        }
        pthread_mutex_lock(&st->mu);
    }
    pthread_mutex_unlock(&st->mu);
    return NULL;
}
