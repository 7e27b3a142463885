/* rank.c -- a list ordered by count, cut into groups of equal count.
 *
 * Invariants: groups run from top (highest count) to bottom, each with at
 * least one item except for the instant inside a move; the items of a group
 * are contiguous in the item list, between group->first and group->last. */
#include "rank.h"

#include <stdlib.h>

#include "base/hu_err.h"

struct rank_group {
    uint32_t count;
    struct rank_item *first, *last;   /* the group's items, in the item list */
    struct rank_group *up, *down;     /* neighbouring groups: higher, lower count */
};

void rank_init(struct rank *r)
{
    r->head = r->tail = NULL;
    r->top = r->bottom = NULL;
    r->n_items = 0;
}

void rank_clear(struct rank *r)
{
    for (struct rank_item *it = r->head; it; it = it->next)
        it->group = NULL;
    for (struct rank_group *g = r->top; g;) {
        struct rank_group *down = g->down;
        free(g);
        g = down;
    }
    rank_init(r);
}

/* A new empty group with count, linked just below up (at the top for NULL). */
static struct rank_group *rank_group_new(struct rank *r, struct rank_group *up, uint32_t count)
{
    struct rank_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->count = count;
    g->up = up;
    g->down = up ? up->down : r->top;
    if (g->down)
        g->down->up = g;
    else
        r->bottom = g;
    if (up)
        up->down = g;
    else
        r->top = g;
    return g;
}

static void rank_group_free(struct rank *r, struct rank_group *g)
{
    if (g->up)
        g->up->down = g->down;
    else
        r->top = g->down;
    if (g->down)
        g->down->up = g->up;
    else
        r->bottom = g->up;
    free(g);
}

/* Takes it out of the item list and of its group, leaving an emptied group
 * in place (the caller may still need it as a landmark). */
static void rank_unlink(struct rank *r, struct rank_item *it)
{
    struct rank_group *g = it->group;
    if (g->first == it && g->last == it)
        g->first = g->last = NULL;
    else if (g->first == it)
        g->first = it->next;
    else if (g->last == it)
        g->last = it->prev;
    if (it->prev)
        it->prev->next = it->next;
    else
        r->head = it->next;
    if (it->next)
        it->next->prev = it->prev;
    else
        r->tail = it->prev;
    it->prev = it->next = NULL;
    it->group = NULL;
    r->n_items--;
}

/* Appends it to group g, which sits in the group list already: after g's
 * last item, or, for an empty g, after the last item of the nearest
 * non-empty group above it (at the head when there is none). */
static void rank_append(struct rank *r, struct rank_group *g, struct rank_item *it)
{
    struct rank_item *anchor = g->last;
    for (struct rank_group *x = g->up; !anchor && x; x = x->up)
        anchor = x->last;
    it->prev = anchor;
    it->next = anchor ? anchor->next : r->head;
    if (it->next)
        it->next->prev = it;
    else
        r->tail = it;
    if (anchor)
        anchor->next = it;
    else
        r->head = it;
    if (!g->first)
        g->first = it;
    g->last = it;
    it->group = g;
    it->count = g->count;
    r->n_items++;
}

int rank_insert(struct rank *r, struct rank_item *it, uint32_t count)
{
    if (it->group)
        rank_remove(r, it);
    struct rank_group *g = r->bottom;
    while (g && g->count < count)
        g = g->up;
    if (!g || g->count != count) {
        /* g is the lowest group above count, or NULL: the new one goes below it. */
        g = rank_group_new(r, g, count);
        if (!g)
            return HU_ERR_NOMEM;
    }
    rank_append(r, g, it);
    return HU_OK;
}

/* Moves it from its group to the neighbouring count (up or down). */
static int rank_move(struct rank *r, struct rank_item *it, bool up)
{
    struct rank_group *g = it->group;
    uint32_t count = up ? it->count + 1 : it->count - 1;
    struct rank_group *target = up ? g->up : g->down;
    if (!target || target->count != count) {
        target = rank_group_new(r, up ? g->up : g, count);
        if (!target)
            return HU_ERR_NOMEM;
    }
    rank_unlink(r, it);
    rank_append(r, target, it);
    if (!g->first)
        rank_group_free(r, g);
    return HU_OK;
}

int rank_inc(struct rank *r, struct rank_item *it)
{
    if (!it->group) {
        it->count++;
        return HU_OK;
    }
    return rank_move(r, it, true);
}

int rank_dec(struct rank *r, struct rank_item *it)
{
    if (it->count == 0)
        return HU_OK;
    if (!it->group) {
        it->count--;
        return HU_OK;
    }
    return rank_move(r, it, false);
}

void rank_remove(struct rank *r, struct rank_item *it)
{
    struct rank_group *g = it->group;
    if (!g)
        return;
    rank_unlink(r, it);
    if (!g->first)
        rank_group_free(r, g);
}
