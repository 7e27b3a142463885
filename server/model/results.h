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
#include "answers.h"
#include "pollspec.h"
#include "qa.h"
#include "tally.h"

/* One entry of a text poll's cloud. */
struct results_entry {
    char *text;                  /* From malloc() */
    uint32_t count;
};

/* One answer of a text poll (withdrawn answers are not listed). */
struct results_answer {
    uint32_t id;
    char *text;                  /* From malloc() */
    const char *status;          /* "shown", "pending" or "hidden". Static */
    int64_t at;                  /* unix ms */
};

/* One audience question. */
struct results_question {
    uint32_t id;
    char *text;                  /* From malloc() */
    uint32_t votes;
    const char *status;          /* "open", "pending", "hidden", "answered", "pinned". Static */
    int64_t at;                  /* unix ms */
};

struct results_poll {
    char *poll_id;               /* From malloc() */
    char *question;              /* From malloc() */
    char *kind;                  /* "yesno", "choice", "scale", "text". From malloc() */
    int slide_index;             /* 0-based slide in the deck, -1 when the poll left the deck */
    unsigned n_options;          /* options of a tally (0 for text polls) */
    char *options[HU_OPTION_MAX]; /* option ids ("yes", "no"). From malloc() */
    char *labels[HU_OPTION_MAX];  /* option labels ("Yes", "No"). From malloc() */
    uint32_t counts[HU_OPTION_MAX];
    uint32_t voters;             /* participants with a vote, or with an answer (text) */
    unsigned multiple;           /* picks allowed (1: one) */
    bool numeric;                /* a scale: mean and median below, labels of its ends */
    double mean, median;         /* numeric, when voters > 0 */
    char *low_label, *high_label; /* numeric: "" when none. From malloc() */
    bool text;                   /* a text poll: entries and answers below */
    char *show;                  /* text: "cloud" or "wall". From malloc() */
    struct results_entry *entries; /* text: every shown entry, biggest first. From malloc() */
    size_t n_entries;
    uint32_t shown, pending;     /* text: answers shown, and waiting for approval */
    struct results_answer *answers; /* text: every answer not withdrawn, by id. From malloc() */
    size_t n_answers;
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
    struct results_question *questions; /* by id. From malloc() */
    size_t n_questions;
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

/* Fills the kind-dependent part of r (kind, options, labels, counts,
 * voters, multiple, numeric stats; text entries and answers) from the poll's
 * spec and its tally (option kinds) or answers (text; a NULL tally).  Both
 * builders of results call this, so a new kind is exported the same way
 * from memory and from the data file.  HU_OK or HU_ERR_NOMEM. */
int results_fill_poll(struct results_poll *r, const struct pollspec *p, const struct tally *t,
                      const struct answers *a);

/* Fills s->questions from q.  HU_OK or HU_ERR_NOMEM. */
int results_fill_questions(struct results_session *s, const struct qa *q);

/* Mean and median of a numeric poll's histogram (0 when no one voted). */
void results_stats(const struct pollspec *p, const uint32_t *counts, uint32_t voters, double *mean,
                   double *median);

#endif
