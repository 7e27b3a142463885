/* answers.h -- the open answers of one text poll, and its cloud.
 *
 * Answers are numbered from 1 in the order they were accepted; an answer's
 * id is its number.  Each participant's answers are chained newest first
 * (for "myAnswers" and the per-person limit), and every shown answer counts
 * in the cloud (cloud.h).  Adding, withdrawing or moderating an answer is
 * O(1) besides its text's length.  Like a tally, answers know nothing of
 * tokens, polls or storage: the room reserves an id when it checks an
 * answer, the store writes it, and the room commits it here. */
#ifndef HU_ANSWERS_H
#define HU_ANSWERS_H

#include <stdbool.h>
#include <stdint.h>

#include "cloud.h"

enum answer_status {
    ANSWER_NONE,      /* an id reserved and never committed (a failed write) */
    ANSWER_SHOWN,     /* in the cloud or on the wall */
    ANSWER_PENDING,   /* waits for the presenter (moderate: yes, or the blocklist) */
    ANSWER_HIDDEN,    /* refused by the presenter */
    ANSWER_WITHDRAWN, /* taken back by its author; its text is gone */
};

struct answer {
    uint32_t participant;
    uint32_t prev_mine;        /* the author's previous answer's id, 0 = none */
    uint8_t status;            /* enum answer_status */
    int64_t at;                /* unix ms when accepted */
    char *text;                /* cleaned text; NULL once withdrawn. From malloc() */
};

struct answers {
    struct answer *items;      /* items[id - 1]. From malloc() */
    uint32_t n_items;          /* highest id committed or reserved */
    uint32_t cap_items;
    uint32_t next_id;          /* the next id answers_reserve hands out */
    uint32_t *last_mine;       /* per participant: newest answer id, 0 = none. From malloc() */
    uint8_t *live_mine;        /* per participant: answers not withdrawn. From malloc() */
    uint8_t *inflight;         /* per participant: reserved, not yet committed. From malloc() */
    uint32_t cap_people;
    uint32_t shown, pending;   /* answers with that status */
    uint32_t voters;           /* participants with at least one answer not withdrawn */
    struct cloud cloud;        /* the shown answers */
};

void answers_init(struct answers *a);
/* Frees everything; a is empty (and usable) after. */
void answers_clear(struct answers *a);

/* Answers of participant that count against a limit: not withdrawn, plus
 * those reserved and not yet committed. */
unsigned answers_count_mine(const struct answers *a, uint32_t participant);

/* Reserves the next id for participant's answer being written.  HU_OK with
 * *id, HU_ERR_LIMIT when the poll holds HU_POLL_ANSWERS_MAX answers, or
 * HU_ERR_NOMEM / HU_ERR_FULL. */
int answers_reserve(struct answers *a, uint32_t participant, uint32_t *id);

/* Releases a reservation whose write failed. */
void answers_release(struct answers *a, uint32_t participant, uint32_t id);

/* Records answer id (reserved, or read back from the data file) with its
 * text (copied), status and time; a reservation of participant is consumed
 * when there is one.  HU_OK, HU_ERR_NOMEM, or HU_ERR_EXISTS for an id
 * already recorded. */
int answers_commit(struct answers *a, uint32_t id, uint32_t participant, const char *text, enum answer_status status,
                   int64_t at);

/* The answer with id, or NULL (never committed, or out of range). */
const struct answer *answers_get(const struct answers *a, uint32_t id);

/* Changes answer id's status (shown, pending, hidden, withdrawn), keeping
 * the counts and the cloud right; withdrawing frees its text.  HU_OK,
 * HU_ERR_NOT_FOUND, HU_ERR_NOMEM (cloud), or HU_ERR_BAD_MESSAGE for a
 * withdrawn answer (final). */
int answers_set_status(struct answers *a, uint32_t id, enum answer_status status);

/* The id of participant's newest answer (0 = none); the next older one of
 * the same author is answers_get(a, id)->prev_mine. */
uint32_t answers_newest_mine(const struct answers *a, uint32_t participant);

const char *answers_status_name(enum answer_status st);

#endif
