/* tally.h -- the votes of one poll: one choice per participant, counts in O(1).
 *
 * Participants are small dense integers (their index within the session), so
 * a tally is an array of choices indexed by participant plus a count per
 * option.  Casting, changing and withdrawing a vote are all O(1) (amortised
 * when the array grows).  A tally knows nothing of tokens, polls or storage. */
#ifndef HU_TALLY_H
#define HU_TALLY_H

#include <stdint.h>

#define TALLY_NONE (-1)

struct tally;

/* New empty tally for a poll with n_options options (1..HU_OPTION_MAX).
 * Returns NULL when out of memory or n_options is out of range. */
struct tally *tally_new(unsigned n_options);

/* Frees t.  Accepts NULL. */
void tally_free(struct tally *t);

/* Records that participant chose option choice (0..n_options-1), replacing any
 * earlier choice, or withdraws the vote when choice is TALLY_NONE.  Returns
 * HU_OK, HU_ERR_BAD_MESSAGE for an out-of-range choice, HU_ERR_FULL for a
 * participant index at or past HU_SESSION_MAX_PARTICIPANTS, or HU_ERR_NOMEM;
 * on error the tally is unchanged. */
int tally_set(struct tally *t, uint32_t participant, int choice);

/* The participant's current choice, or TALLY_NONE. */
int tally_get(const struct tally *t, uint32_t participant);

/* Votes for option (0 for an out-of-range option). */
uint32_t tally_count(const struct tally *t, unsigned option);

/* Participants with a vote. */
uint32_t tally_voters(const struct tally *t);

unsigned tally_options(const struct tally *t);

/* Withdraws every vote (the poll's "reset"). */
void tally_clear(struct tally *t);

#endif
