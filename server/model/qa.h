/* qa.h -- a session's audience questions and their upvotes.
 *
 * Questions are numbered from 1 as they are accepted.  The visible ones
 * (open, answered, pinned) sit in a rank by upvotes (rank.h), so a +1 or -1
 * is O(1) and the top of the list is always at hand; pending and hidden ones
 * keep their count outside the rank.  Who upvoted what is a hash set of
 * (question, participant) pairs: O(1) to test, add and remove, and it makes
 * a repeated upvote idempotent.  Like answers.h, qa knows nothing of
 * tokens or storage: the room reserves an id, the store writes, the room
 * commits. */
#ifndef HU_QA_H
#define HU_QA_H

#include <stdbool.h>
#include <stdint.h>

#include "rank.h"

enum question_status {
    QUESTION_NONE,     /* an id reserved and never committed */
    QUESTION_OPEN,
    QUESTION_PENDING,  /* waits for the presenter (qa: moderated, or the blocklist) */
    QUESTION_HIDDEN,
    QUESTION_ANSWERED,
    QUESTION_PINNED,
};

struct question {
    struct rank_item rank;     /* count: upvotes; in qa->rank while visible */
    uint32_t id;
    uint32_t participant;
    uint32_t prev_mine;        /* the author's previous question's id, 0 = none */
    uint8_t status;            /* enum question_status */
    int64_t at;                /* unix ms when accepted */
    char *text;                /* From malloc() */
};

struct qa {
    struct question **items;   /* items[id - 1], NULL until committed: one allocation each, as
                                  the rank points into them. From malloc(), each too */
    uint32_t n_items, cap_items, next_id;
    uint32_t *last_mine;       /* per participant: newest question id. From malloc() */
    uint8_t *n_mine;           /* per participant: questions asked or reserved. From malloc() */
    uint32_t cap_people;
    struct rank rank;          /* visible questions, most upvoted first */
    uint64_t *upvotes;         /* set of id << 32 | participant, 0 = empty slot. From malloc() */
    uint32_t upvote_slots;     /* power of two, or 0 */
    uint32_t n_upvotes;
};

void qa_init(struct qa *q);
void qa_clear(struct qa *q);

/* Reserves an id for participant's question being written.  HU_OK,
 * HU_ERR_LIMIT (the participant asked HU_QA_PER_PARTICIPANT, or the
 * session holds HU_QA_MAX), HU_ERR_NOMEM or HU_ERR_FULL. */
int qa_reserve(struct qa *q, uint32_t participant, uint32_t *id);
void qa_release(struct qa *q, uint32_t participant, uint32_t id);

/* Records question id with its text (copied), status and time.  HU_OK,
 * HU_ERR_NOMEM, HU_ERR_EXISTS. */
int qa_commit(struct qa *q, uint32_t id, uint32_t participant, const char *text, enum question_status status,
              int64_t at);

/* The question with id, or NULL. */
const struct question *qa_get(const struct qa *q, uint32_t id);

/* Moves question id to status, in or out of the rank.  HU_OK,
 * HU_ERR_NOT_FOUND, HU_ERR_NOMEM. */
int qa_set_status(struct qa *q, uint32_t id, enum question_status status);

/* Did participant upvote question id? */
bool qa_upvoted(const struct qa *q, uint32_t id, uint32_t participant);

/* Adds (on) or removes participant's upvote of question id; a repeat
 * changes nothing.  *changed says whether it did.  HU_OK,
 * HU_ERR_NOT_FOUND, HU_ERR_NOMEM. */
int qa_upvote(struct qa *q, uint32_t id, uint32_t participant, bool on, bool *changed);

/* Visible: open, answered or pinned. */
bool qa_visible(enum question_status st);

/* Questions in rank order: qa_first(q), qa_next(x); NULL at the end. */
const struct question *qa_first(const struct qa *q);
const struct question *qa_next(const struct question *x);

uint32_t qa_newest_mine(const struct qa *q, uint32_t participant);

const char *qa_status_name(enum question_status st);

#endif
