/* tally.c -- the votes of one poll, counted as they change.
 *
 * One 16-bit mask of picks per participant in a dense array (participants
 * are small session-local indexes), plus a running count per option and of
 * voters, so every operation is O(1) (a change touches at most
 * HU_OPTION_MAX counts) and the counts never need a recount. */
#include "tally.h"

#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"

/* The first allocation: enough for a small room without a realloc. */
#define TALLY_INITIAL_CAP 64

struct tally {
    unsigned n_options;             /* 1..HU_OPTION_MAX */
    tally_mask *picks;              /* picks per participant, TALLY_NONE when none. From malloc() */
    uint32_t cap;                   /* entries in picks (0 when picks is NULL) */
    uint32_t voters;                /* participants whose picks are not TALLY_NONE */
    uint32_t counts[HU_OPTION_MAX]; /* votes per option */
};

/* A mask must have a bit for every option. */
_Static_assert(HU_OPTION_MAX <= 16, "options must fit the bits of tally_mask");

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
    free(t->picks);
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
    tally_mask *p = realloc(t->picks, (size_t)cap * sizeof *p);
    if (!p)
        return HU_ERR_NOMEM;
    /* TALLY_NONE is 0. */
    memset(p + t->cap, 0, (size_t)(cap - t->cap) * sizeof *p);
    t->picks = p;
    t->cap = cap;
    return HU_OK;
}

int tally_set(struct tally *t, uint32_t participant, tally_mask picks)
{
    if (t->n_options < 16 && (picks >> t->n_options) != 0)
        return HU_ERR_BAD_MESSAGE;
    if (participant >= t->cap) {
        /* Withdrawing a vote that was never cast changes nothing. */
        if (picks == TALLY_NONE)
            return HU_OK;
        /* No session admits more participants than this; an index beyond it
         * is a caller bug, refused as a full room rather than allocated. */
        if (participant >= HU_SESSION_MAX_PARTICIPANTS)
            return HU_ERR_FULL;
        int rc = tally_grow(t, participant);
        if (rc)
            return rc;
    }
    tally_mask old = t->picks[participant];
    if (old == picks)
        return HU_OK;
    if (old == TALLY_NONE)
        t->voters++;
    else if (picks == TALLY_NONE)
        t->voters--;
    /* Only the options whose bit changed move. */
    for (tally_mask diff = (tally_mask)(old ^ picks); diff; diff &= (tally_mask)(diff - 1)) {
        unsigned i = (unsigned)__builtin_ctz(diff);
        if (picks & (1u << i))
            t->counts[i]++;
        else
            t->counts[i]--;
    }
    t->picks[participant] = picks;
    return HU_OK;
}

tally_mask tally_get(const struct tally *t, uint32_t participant)
{
    return participant < t->cap ? t->picks[participant] : TALLY_NONE;
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
    free(t->picks);
    t->picks = NULL;
    t->cap = 0;
    t->voters = 0;
    memset(t->counts, 0, sizeof t->counts);
}
