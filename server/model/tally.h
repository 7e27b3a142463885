/* tally.h -- the votes of one poll: a set of picks per participant, counts in O(1).
 *
 * Participants are small dense integers (their index within the session), so
 * a tally is an array of picks indexed by participant plus a count per
 * option.  A participant's picks are a bit mask over the options: one bit for
 * yes/no, a single choice or a scale, up to all of them for a multiple
 * choice.  Casting, changing and withdrawing a vote are all O(1) (amortised
 * when the array grows; at most HU_OPTION_MAX counts change).  A tally knows
 * nothing of tokens, polls or storage. */
#ifndef HU_TALLY_H
#define HU_TALLY_H

#include <stdint.h>

/* The picks of a participant who has not voted. */
#define TALLY_NONE 0u

typedef uint16_t tally_mask; /* bit i: option i picked */

struct tally;

/* New empty tally for a poll with n_options options (1..HU_OPTION_MAX).
 * Returns NULL when out of memory or n_options is out of range. */
struct tally *tally_new(unsigned n_options);

/* Frees t.  Accepts NULL. */
void tally_free(struct tally *t);

/* Records that participant picked the options in picks, replacing any
 * earlier picks, or withdraws the vote when picks is TALLY_NONE.  Returns
 * HU_OK, HU_ERR_BAD_MESSAGE for a bit past n_options, HU_ERR_FULL for a
 * participant index at or past HU_SESSION_MAX_PARTICIPANTS, or HU_ERR_NOMEM;
 * on error the tally is unchanged. */
int tally_set(struct tally *t, uint32_t participant, tally_mask picks);

/* The participant's current picks, or TALLY_NONE. */
tally_mask tally_get(const struct tally *t, uint32_t participant);

/* Votes for option (0 for an out-of-range option). */
uint32_t tally_count(const struct tally *t, unsigned option);

/* Participants with a vote (with at least one pick). */
uint32_t tally_voters(const struct tally *t);

unsigned tally_options(const struct tally *t);

/* Withdraws every vote (the poll's "reset"). */
void tally_clear(struct tally *t);

#endif
