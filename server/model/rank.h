/* rank.h -- items kept in order of a count that moves by one, in O(1).
 *
 * A word cloud's entries gain and lose answers one at a time; questions gain
 * and lose upvotes one at a time.  Both need their top N at any moment, and
 * neither may sort everything on every change.  A rank keeps its items in a
 * list ordered by count (highest first), cut into groups of equal count
 * (the LFU-cache layout): a +1 or -1 moves an item to the neighbouring
 * group, creating or dropping that group, so every change is O(1) and the
 * top N is the first N items.  Within a group, items keep the order in which
 * they reached the count (earliest first), which makes the order a pure
 * function of the sequence of changes.
 *
 * The caller embeds a struct rank_item in each of its records and owns it;
 * the rank owns only its groups. */
#ifndef HU_RANK_H
#define HU_RANK_H

#include <stdbool.h>
#include <stdint.h>

struct rank_group;

struct rank_item {
    uint32_t count;            /* the count the item is ranked by */
    struct rank_group *group;  /* NULL while the item is not in the rank */
    struct rank_item *prev, *next; /* neighbours in rank order */
};

struct rank {
    struct rank_item *head, *tail; /* highest first */
    struct rank_group *top, *bottom;
    uint32_t n_items;
};

void rank_init(struct rank *r);

/* Frees the groups; the items are the caller's.  The rank is empty after. */
void rank_clear(struct rank *r);

/* Puts it in the rank with count (>= 0) as the last of its group.  O(1)
 * for a count at or below the lowest count in the rank, else O(groups
 * above it).  HU_OK or HU_ERR_NOMEM (it then stays out). */
int rank_insert(struct rank *r, struct rank_item *it, uint32_t count);

/* Count + 1 or - 1 (at 0 it stays 0), moving it among its neighbours.  Works
 * on an item not in the rank too: only its count changes.  HU_OK or
 * HU_ERR_NOMEM (count and place unchanged). */
int rank_inc(struct rank *r, struct rank_item *it);
int rank_dec(struct rank *r, struct rank_item *it);

/* Takes it out of the rank (its count is kept).  No-op when it is not in. */
void rank_remove(struct rank *r, struct rank_item *it);

static inline bool rank_has(const struct rank_item *it) { return it->group != 0; }

#endif
