/* pollkind.h -- poll kinds as data.
 *
 * One row per kind says what the rest of the server needs to know about it:
 * where its options come from, whether a participant's vote is option ids
 * (counted by a tally: yes/no, choice, scale) or free text (gathered in
 * answers: text), whether several picks are allowed, whether the options are
 * numbers with a mean and a median.  Modules that check, count, store, show
 * or export votes read these flags (and the poll's own parameters, in
 * pollspec.h); none of them tests a kind's name. */
#ifndef HU_POLLKIND_H
#define HU_POLLKIND_H

#include <stdbool.h>
#include <stddef.h>

struct pollkind {
    const char *name;           /* as written in the deck and sent on the wire: "yesno" */
    bool text;                  /* a vote is free text (answers, cloud or wall), not options */
    bool listed;                /* options are the items of the slide's first list */
    bool numeric;               /* options are the values min..max: a vote is an integer, results
                                   carry mean and median */
    bool may_multiple;          /* the deck may allow several picks ("multiple:") */
    unsigned n_fixed;           /* options fixed by the kind (yes/no), else 0 */
    const char *const *fixed_ids;    /* machine names sent on the wire: "yes", "no" */
    const char *const *fixed_labels; /* human labels: "Yes", "No" */
};

/* The kind called name, or NULL.  Static storage. */
const struct pollkind *pollkind_find(const char *name, size_t len);

/* Comma-separated list of kind names for error messages. */
const char *pollkind_names(void);

#endif
