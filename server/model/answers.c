/* answers.c -- a text poll's answers: an array by id, a chain per author,
 * counts by status, and the cloud of the shown ones. */
#include "answers.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/hu_err.h"
#include "base/hu_limits.h"

#define ANSWERS_INITIAL_CAP 64

/* live_mine and inflight together stay within a deck's "answers:". */
_Static_assert(2 * HU_ANSWERS_MAX <= 255, "per-person counts fit in a byte");

void answers_init(struct answers *a)
{
    memset(a, 0, sizeof *a);
    a->next_id = 1;
    cloud_init(&a->cloud);
}

void answers_clear(struct answers *a)
{
    for (uint32_t i = 0; i < a->n_items; i++)
        free(a->items[i].text);
    free(a->items);
    free(a->last_mine);
    free(a->live_mine);
    free(a->inflight);
    cloud_clear(&a->cloud);
    answers_init(a);
}

static int answers_grow_people(struct answers *a, uint32_t participant)
{
    if (participant < a->cap_people)
        return HU_OK;
    if (participant >= HU_SESSION_MAX_PARTICIPANTS)
        return HU_ERR_FULL;
    uint32_t cap = hu_grow_cap(a->cap_people, participant + 1, ANSWERS_INITIAL_CAP);
    int rc = hu_resize_zero(&a->last_mine, a->cap_people, cap, sizeof *a->last_mine);
    if (rc == HU_OK)
        rc = hu_resize_zero(&a->live_mine, a->cap_people, cap, sizeof *a->live_mine);
    if (rc == HU_OK)
        rc = hu_resize_zero(&a->inflight, a->cap_people, cap, sizeof *a->inflight);
    /* An array grown before a failure keeps its size: harmless, as cap_people
     * only grows once all three have. */
    if (rc == HU_OK)
        a->cap_people = cap;
    return rc;
}

static int answers_grow_items(struct answers *a, uint32_t id)
{
    if (id > HU_POLL_ANSWERS_MAX)
        return HU_ERR_LIMIT;
    if (id <= a->cap_items)
        return HU_OK;
    uint32_t cap = hu_grow_cap(a->cap_items, id, ANSWERS_INITIAL_CAP);
    int rc = hu_resize_zero(&a->items, a->cap_items, cap, sizeof *a->items);
    if (rc == HU_OK)
        a->cap_items = cap;
    return rc;
}

unsigned answers_count_mine(const struct answers *a, uint32_t participant)
{
    if (participant >= a->cap_people)
        return 0;
    return (unsigned)a->live_mine[participant] + a->inflight[participant];
}

int answers_reserve(struct answers *a, uint32_t participant, uint32_t *id)
{
    int rc = answers_grow_people(a, participant);
    if (rc == HU_OK)
        rc = answers_grow_items(a, a->next_id);
    if (rc != HU_OK)
        return rc;
    *id = a->next_id++;
    if (*id > a->n_items)
        a->n_items = *id;
    a->inflight[participant]++;
    return HU_OK;
}

void answers_release(struct answers *a, uint32_t participant, uint32_t id)
{
    (void)id;
    if (participant < a->cap_people && a->inflight[participant])
        a->inflight[participant]--;
}

static void answers_count(struct answers *a, enum answer_status st, int delta)
{
    if (st == ANSWER_SHOWN)
        a->shown = (uint32_t)((int64_t)a->shown + delta);
    else if (st == ANSWER_PENDING)
        a->pending = (uint32_t)((int64_t)a->pending + delta);
}

int answers_commit(struct answers *a, uint32_t id, uint32_t participant, const char *text, enum answer_status status,
                   int64_t at)
{
    if (id == 0)
        return HU_ERR_BAD_MESSAGE;
    int rc = answers_grow_people(a, participant);
    if (rc == HU_OK)
        rc = answers_grow_items(a, id);
    if (rc != HU_OK)
        return rc;
    struct answer *it = &a->items[id - 1];
    if (it->status != ANSWER_NONE)
        return HU_ERR_EXISTS;
    bool withdrawn = status == ANSWER_WITHDRAWN;
    char *copy = withdrawn ? NULL : strdup(text ? text : "");
    if (!withdrawn && !copy)
        return HU_ERR_NOMEM;
    if (status == ANSWER_SHOWN && cloud_add(&a->cloud, copy, strlen(copy)) != HU_OK) {
        free(copy);
        return HU_ERR_NOMEM;
    }
    it->participant = participant;
    it->status = (uint8_t)status;
    it->at = at;
    it->text = copy;
    it->prev_mine = a->last_mine[participant];
    a->last_mine[participant] = id;
    if (a->inflight[participant])
        a->inflight[participant]--;
    if (!withdrawn && a->live_mine[participant]++ == 0)
        a->voters++;
    answers_count(a, status, 1);
    if (id > a->n_items)
        a->n_items = id;
    if (id >= a->next_id)
        a->next_id = id + 1;
    return HU_OK;
}

const struct answer *answers_get(const struct answers *a, uint32_t id)
{
    if (id == 0 || id > a->n_items || a->items[id - 1].status == ANSWER_NONE)
        return NULL;
    return &a->items[id - 1];
}

int answers_set_status(struct answers *a, uint32_t id, enum answer_status status)
{
    if (id == 0 || id > a->n_items || a->items[id - 1].status == ANSWER_NONE || status == ANSWER_NONE)
        return HU_ERR_NOT_FOUND;
    struct answer *it = &a->items[id - 1];
    enum answer_status old = (enum answer_status)it->status;
    if (old == ANSWER_WITHDRAWN)
        return HU_ERR_BAD_MESSAGE;
    if (old == status)
        return HU_OK;
    if (status == ANSWER_SHOWN && cloud_add(&a->cloud, it->text, strlen(it->text)) != HU_OK)
        return HU_ERR_NOMEM;
    if (old == ANSWER_SHOWN)
        cloud_remove(&a->cloud, it->text, strlen(it->text));
    answers_count(a, old, -1);
    answers_count(a, status, 1);
    it->status = (uint8_t)status;
    if (status == ANSWER_WITHDRAWN) {
        free(it->text);
        it->text = NULL;
        if (--a->live_mine[it->participant] == 0)
            a->voters--;
    }
    return HU_OK;
}

uint32_t answers_newest_mine(const struct answers *a, uint32_t participant)
{
    return participant < a->cap_people ? a->last_mine[participant] : 0;
}

const char *answers_status_name(enum answer_status st)
{
    static const char *const names[] = {"none", "shown", "pending", "hidden", "withdrawn"};
    return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "none";
}
