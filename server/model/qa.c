/* qa.c -- audience questions: records by id, a rank of the visible ones, and
 * an open-addressing set of upvotes (linear probing, deletion by backward
 * shift, so no tombstones pile up as upvotes come and go). */
#include "qa.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/hu_err.h"
#include "base/hu_limits.h"

#define QA_INITIAL_CAP 64

_Static_assert(offsetof(struct question, rank) == 0, "the rank item is a question's first member");
_Static_assert(HU_QA_PER_PARTICIPANT <= 255, "per-person counts fit in a byte");

void qa_init(struct qa *q)
{
    memset(q, 0, sizeof *q);
    q->next_id = 1;
    rank_init(&q->rank);
}

void qa_clear(struct qa *q)
{
    rank_clear(&q->rank);
    for (uint32_t i = 0; i < q->n_items; i++)
        if (q->items[i]) {
            free(q->items[i]->text);
            free(q->items[i]);
        }
    free(q->items);
    free(q->last_mine);
    free(q->n_mine);
    free(q->upvotes);
    qa_init(q);
}

bool qa_visible(enum question_status st)
{
    return st == QUESTION_OPEN || st == QUESTION_ANSWERED || st == QUESTION_PINNED;
}

static int qa_grow_people(struct qa *q, uint32_t participant)
{
    if (participant < q->cap_people)
        return HU_OK;
    if (participant >= HU_SESSION_MAX_PARTICIPANTS)
        return HU_ERR_FULL;
    uint32_t cap = hu_grow_cap(q->cap_people, participant + 1, QA_INITIAL_CAP);
    int rc = hu_resize_zero(&q->last_mine, q->cap_people, cap, sizeof *q->last_mine);
    if (rc == HU_OK)
        rc = hu_resize_zero(&q->n_mine, q->cap_people, cap, sizeof *q->n_mine);
    if (rc == HU_OK)
        q->cap_people = cap;
    return rc;
}

static int qa_grow_items(struct qa *q, uint32_t id)
{
    if (id > HU_QA_MAX)
        return HU_ERR_LIMIT;
    if (id <= q->cap_items)
        return HU_OK;
    uint32_t cap = hu_grow_cap(q->cap_items, id, QA_INITIAL_CAP);
    int rc = hu_resize_zero(&q->items, q->cap_items, cap, sizeof *q->items);
    if (rc == HU_OK)
        q->cap_items = cap;
    return rc;
}

int qa_reserve(struct qa *q, uint32_t participant, uint32_t *id)
{
    int rc = qa_grow_people(q, participant);
    if (rc == HU_OK && q->n_mine[participant] >= HU_QA_PER_PARTICIPANT)
        rc = HU_ERR_LIMIT;
    if (rc == HU_OK)
        rc = qa_grow_items(q, q->next_id);
    if (rc != HU_OK)
        return rc;
    *id = q->next_id++;
    if (*id > q->n_items)
        q->n_items = *id;
    q->n_mine[participant]++;
    return HU_OK;
}

void qa_release(struct qa *q, uint32_t participant, uint32_t id)
{
    (void)id;
    if (participant < q->cap_people && q->n_mine[participant])
        q->n_mine[participant]--;
}

int qa_commit(struct qa *q, uint32_t id, uint32_t participant, const char *text, enum question_status status,
              int64_t at)
{
    if (id == 0 || status == QUESTION_NONE)
        return HU_ERR_BAD_MESSAGE;
    int rc = qa_grow_people(q, participant);
    if (rc == HU_OK)
        rc = qa_grow_items(q, id);
    if (rc != HU_OK)
        return rc;
    if (q->items[id - 1])
        return HU_ERR_EXISTS;
    struct question *x = calloc(1, sizeof *x);
    if (!x || !(x->text = strdup(text ? text : ""))) {
        free(x);
        return HU_ERR_NOMEM;
    }
    x->id = id;
    x->participant = participant;
    x->status = (uint8_t)status;
    x->at = at;
    if (qa_visible(status) && rank_insert(&q->rank, &x->rank, 0) != HU_OK) {
        free(x->text);
        free(x);
        return HU_ERR_NOMEM;
    }
    x->prev_mine = q->last_mine[participant];
    q->last_mine[participant] = id;
    q->items[id - 1] = x;
    /* A reservation is consumed; a question read back from the data file
     * had none and counts now. */
    if (id >= q->next_id) {
        q->next_id = id + 1;
        q->n_mine[participant]++;
    }
    if (id > q->n_items)
        q->n_items = id;
    return HU_OK;
}

const struct question *qa_get(const struct qa *q, uint32_t id)
{
    return id >= 1 && id <= q->n_items ? q->items[id - 1] : NULL;
}

int qa_set_status(struct qa *q, uint32_t id, enum question_status status)
{
    struct question *x = id >= 1 && id <= q->n_items ? q->items[id - 1] : NULL;
    if (!x || status == QUESTION_NONE)
        return HU_ERR_NOT_FOUND;
    bool was = qa_visible((enum question_status)x->status), is = qa_visible(status);
    if (is && !was && rank_insert(&q->rank, &x->rank, x->rank.count) != HU_OK)
        return HU_ERR_NOMEM;
    if (was && !is)
        rank_remove(&q->rank, &x->rank);
    x->status = (uint8_t)status;
    return HU_OK;
}

/* --- the upvote set --- */

static uint64_t qa_key(uint32_t id, uint32_t participant) { return (uint64_t)id << 32 | participant; }

static uint32_t qa_slot_of(uint64_t key, uint32_t slots)
{
    /* Fibonacci hashing spreads consecutive participants across the table. */
    return (uint32_t)((key * 11400714819323198485ull) >> 32) & (slots - 1);
}

static uint32_t qa_probe(const struct qa *q, uint64_t key)
{
    uint32_t i = qa_slot_of(key, q->upvote_slots);
    while (q->upvotes[i] && q->upvotes[i] != key)
        i = (i + 1) & (q->upvote_slots - 1);
    return i;
}

bool qa_upvoted(const struct qa *q, uint32_t id, uint32_t participant)
{
    if (!q->upvote_slots)
        return false;
    return q->upvotes[qa_probe(q, qa_key(id, participant))] != 0;
}

static int qa_upvotes_grow(struct qa *q)
{
    uint32_t slots = q->upvote_slots ? q->upvote_slots * 2 : 1024;
    uint64_t *t = calloc(slots, sizeof *t);
    if (!t)
        return HU_ERR_NOMEM;
    for (uint32_t i = 0; i < q->upvote_slots; i++) {
        uint64_t k = q->upvotes[i];
        if (!k)
            continue;
        uint32_t j = qa_slot_of(k, slots);
        while (t[j])
            j = (j + 1) & (slots - 1);
        t[j] = k;
    }
    free(q->upvotes);
    q->upvotes = t;
    q->upvote_slots = slots;
    return HU_OK;
}

/* Empties slot i and moves later members of its cluster back, so every
 * member stays reachable from its home slot. */
static void qa_upvotes_delete(struct qa *q, uint32_t i)
{
    uint32_t mask = q->upvote_slots - 1;
    uint32_t j = i;
    for (;;) {
        q->upvotes[i] = 0;
        for (;;) {
            j = (j + 1) & mask;
            if (!q->upvotes[j])
                return;
            uint32_t home = qa_slot_of(q->upvotes[j], q->upvote_slots);
            /* Stays when its home lies cyclically in (i, j]. */
            bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stays)
                break;
        }
        q->upvotes[i] = q->upvotes[j];
        i = j;
    }
}

int qa_upvote(struct qa *q, uint32_t id, uint32_t participant, bool on, bool *changed)
{
    struct question *x = id >= 1 && id <= q->n_items ? q->items[id - 1] : NULL;
    *changed = false;
    if (!x)
        return HU_ERR_NOT_FOUND;
    uint64_t key = qa_key(id, participant);
    if (on && (uint64_t)(q->n_upvotes + 1) * 2 > q->upvote_slots) {
        int rc = qa_upvotes_grow(q);
        if (rc)
            return rc;
    }
    if (!q->upvote_slots)
        return HU_OK;
    uint32_t i = qa_probe(q, key);
    bool has = q->upvotes[i] != 0;
    if (has == on)
        return HU_OK;
    int rc = on ? rank_inc(&q->rank, &x->rank) : rank_dec(&q->rank, &x->rank);
    if (rc)
        return rc;
    if (on) {
        q->upvotes[i] = key;
        q->n_upvotes++;
    } else {
        qa_upvotes_delete(q, i);
        q->n_upvotes--;
    }
    *changed = true;
    return HU_OK;
}

const struct question *qa_first(const struct qa *q) { return (const struct question *)q->rank.head; }

const struct question *qa_next(const struct question *x) { return (const struct question *)x->rank.next; }

uint32_t qa_newest_mine(const struct qa *q, uint32_t participant)
{
    return participant < q->cap_people ? q->last_mine[participant] : 0;
}

const char *qa_status_name(enum question_status st)
{
    static const char *const names[] = {"none", "open", "pending", "hidden", "answered", "pinned"};
    return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "none";
}
