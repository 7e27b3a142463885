/* ballot.h -- a participant's vote on an option poll, in each of its forms.
 *
 * The same picks travel as a vote message's fields ("choice", "choices" or
 * "value"), as a tally's bit mask, as the text stored in the data file's
 * votes.choice column, and as "myVote" and the ack on the wire.  This module
 * converts between them for every kind that has options, reading only the
 * pollspec (how many picks, numeric or not); text polls have answers.h. */
#ifndef HU_BALLOT_H
#define HU_BALLOT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "pollspec.h"
#include "tally.h"

/* The vote message's fields, as decoded (any may be absent). */
struct ballot_in {
    const char *choice;                 /* "choice": an option id, or NULL */
    bool has_choices;                   /* "choices" was given */
    const char *choices[HU_OPTION_MAX]; /* "choices": option ids */
    size_t n_choices;
    bool has_value;                     /* "value" was given */
    long long value;                    /* "value": numeric kinds */
};

/* Longest stored or written form of a ballot: every option id and a
 * separator, as a JSON array. */
#define BALLOT_TEXT_MAX (HU_OPTION_MAX * (HU_OPTION_ID_MAX + 3) + 3)

/* Checks a vote against p and gives its picks: "choice" names one option
 * (any kind with options), "choices" up to p->multiple distinct options ([]
 * withdraws), "value" an integer in a numeric poll's range.  Returns HU_OK
 * or HU_ERR_BAD_MESSAGE with a sentence in why (unknown option, a repeated
 * pick, too many picks, a value out of range, a field the kind does not
 * take). */
int ballot_parse(const struct pollspec *p, const struct ballot_in *in, tally_mask *picks, char *why,
                 size_t whylen);

/* The stored form: the option ids of picks separated by spaces ("yes",
 * "trust time", "4"); "" for none.  Writes into buf (BALLOT_TEXT_MAX). */
void ballot_encode(const struct pollspec *p, tally_mask picks, char buf[BALLOT_TEXT_MAX]);

/* Reads a stored form back.  HU_OK, or HU_ERR_PARSE when it names an
 * unknown option or more picks than p allows. */
int ballot_decode(const struct pollspec *p, const char *stored, tally_mask *picks);

/* The picks as the protocol shows them ("myVote", and the ack): an option id
 * string for single-pick kinds that are not numeric, an integer for numeric
 * kinds, an array of ids when several picks are allowed, and null for none.
 * Written as JSON into buf (BALLOT_TEXT_MAX; ids need no escaping);
 * returns the length. */
size_t ballot_write(const struct pollspec *p, tally_mask picks, char buf[BALLOT_TEXT_MAX]);

/* The ack's field name for that form: "choice", "value" or "choices". */
const char *ballot_field(const struct pollspec *p);

#endif
