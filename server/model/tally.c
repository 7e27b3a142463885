/* tally.c -- the votes of one poll, counted as they change.
 *
 * One int8 choice per participant in a dense array (participants are small
 * session-local indexes), plus a running count per option and of voters, so
 * every operation is O(1) and the counts never need a recount. */
#include "tally.h"

#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"

/* The first allocation: enough for a small room without a realloc. */
#define TALLY_INITIAL_CAP 64

struct tally {
    unsigned n_options;             /* 1..HU_OPTION_MAX */
    int8_t *choices;                /* choice per participant, TALLY_NONE when none. From malloc() */
    uint32_t cap;                   /* entries in choices (0 when choices is NULL) */
    uint32_t voters;                /* participants whose choice is not TALLY_NONE */
    uint32_t counts[HU_OPTION_MAX]; /* votes per option */
};

/* int8_t must hold every option index and TALLY_NONE. */
_Static_assert(HU_OPTION_MAX <= 127, "option indexes must fit in int8_t");

struct tally *tally_new(unsigned n_options)
{
    if (n_options < 1 || n_options > HU_OPTION_MAX)
        return NULL;
    struct tally *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->n_options = n_options;
    return t;
}

void tally_free(struct tally *t)
{
    if (!t)
        return;
    free(t->choices);
    free(t);
}

/* Makes room for participant by doubling, so a run of joins costs O(1)
 * each.  The caller has checked participant < HU_SESSION_MAX_PARTICIPANTS;
 * the array never grows past that cap.  On failure t is unchanged. */
static int tally_grow(struct tally *t, uint32_t participant)
{
    uint32_t cap = t->cap ? t->cap : TALLY_INITIAL_CAP;
    while (cap <= participant && cap < HU_SESSION_MAX_PARTICIPANTS)
        cap *= 2;
    if (cap > HU_SESSION_MAX_PARTICIPANTS)
        cap = HU_SESSION_MAX_PARTICIPANTS;
    int8_t *p = realloc(t->choices, cap);
    if (!p)
        return HU_ERR_NOMEM;
    /* TALLY_NONE is -1, so every byte of a new entry is 0xff. */
    memset(p + t->cap, 0xff, cap - t->cap);
    t->choices = p;
    t->cap = cap;
    return HU_OK;
}

int tally_set(struct tally *t, uint32_t participant, int choice)
{
    if (choice != TALLY_NONE && (choice < 0 || (unsigned)choice >= t->n_options))
        return HU_ERR_BAD_MESSAGE;
    if (participant >= t->cap) {
        /* Withdrawing a vote that was never cast changes nothing. */
        if (choice == TALLY_NONE)
            return HU_OK;
        /* No session admits more participants than this; an index beyond it
         * is a caller bug, refused as a full room rather than allocated. */
        if (participant >= HU_SESSION_MAX_PARTICIPANTS)
            return HU_ERR_FULL;
        int rc = tally_grow(t, participant);
        if (rc)
            return rc;
    }
    int old = t->choices[participant];
    if (old == choice)
        return HU_OK;
    if (old == TALLY_NONE)
        t->voters++;
    else
        t->counts[old]--;
    if (choice == TALLY_NONE)
        t->voters--;
    else
        t->counts[choice]++;
    t->choices[participant] = (int8_t)choice;
    return HU_OK;
}

int tally_get(const struct tally *t, uint32_t participant)
{
    return participant < t->cap ? t->choices[participant] : TALLY_NONE;
}

uint32_t tally_count(const struct tally *t, unsigned option)
{
    return option < t->n_options ? t->counts[option] : 0;
}

uint32_t tally_voters(const struct tally *t) { return t->voters; }

unsigned tally_options(const struct tally *t) { return t->n_options; }

void tally_clear(struct tally *t)
{
    /* Dropping the array is O(1) here, and the next votes regrow it at
     * amortised O(1) each; it also gives back memory after a big room. */
    free(t->choices);
    t->choices = NULL;
    t->cap = 0;
    t->voters = 0;
    memset(t->counts, 0, sizeof t->counts);
}
