/* results.h -- the results of sessions, as plain data for exports.
 *
 * A running server builds them from memory (session_results); `handsup
 * export` builds them from the data file (store_read_results).  The export
 * formats (export.h) only ever see this shape. */
#ifndef HU_RESULTS_H
#define HU_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hu_limits.h"

struct results_poll {
    char *poll_id;               /* From malloc() */
    char *question;              /* From malloc() */
    char *kind;                  /* "yesno". From malloc() */
    int slide_index;             /* 0-based slide in the deck, -1 when the poll left the deck */
    unsigned n_options;
    char *options[HU_OPTION_MAX]; /* option names ("yes", "no"). From malloc() */
    uint32_t counts[HU_OPTION_MAX];
    uint32_t voters;
    uint32_t participants;       /* joined the session when the poll closed (now, if open) */
    char *status;                /* "pending" (never opened), "open" or "closed". From malloc() */
    int64_t opened_at;           /* unix ms of the first opening, 0 = never */
    int64_t closed_at;           /* unix ms of the last closing, 0 = not closed */
    bool removed;                /* in the data file but no longer in the deck */
};

struct results_session {
    char *code;                  /* From malloc() */
    char *title;                 /* From malloc() */
    char *deck_path;             /* From malloc() */
    int64_t created_at;          /* unix ms */
    uint32_t participants;       /* joined, all time */
    size_t n_slides;             /* slides in the deck (0 when unknown) */
    size_t n_polls;
    struct results_poll *polls;  /* in deck order. From malloc() */
    /* The run these results are of (DESIGN section 10): a session is run
     * again and again, and each run has its own participants and votes. */
    int run;                     /* 1, 2, ...; 0 when the builder knows no runs */
    char *run_label;             /* "Cardiff, March"; NULL or "" when none. From malloc() */
    int64_t run_started_at;      /* unix ms, 0 when unknown */
    int64_t run_ended_at;        /* unix ms, 0 while live (or never ended cleanly) */
};

struct results {
    size_t n_sessions;
    struct results_session *sessions; /* From malloc() */
};

/* Frees r and everything it owns.  Accepts NULL. */
void results_free(struct results *r);

/* Frees what one session's results own and zeroes it (the struct itself
 * belongs to its array). */
void results_session_clear(struct results_session *s);

#endif
