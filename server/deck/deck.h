/* deck.h -- a deck file parsed into slides.
 *
 * A deck is Markdown with slides separated by "---" lines, optional front
 * matter and Marp-style directives in HTML comments (docs/deck-format.md).
 * Parsing renders every slide to HTML with cmark in safe mode, so raw HTML in
 * a deck never reaches a page.  A deck is immutable once parsed. */
#ifndef HU_DECK_H
#define HU_DECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/hu_limits.h"
#include "model/pollkind.h"
#include "model/pollspec.h"

/* DECK_SLIDE_QA: "<!-- qa -->", the slide that shows the ranked audience
 * questions on the projector. */
enum deck_slide_kind { DECK_SLIDE_CONTENT, DECK_SLIDE_DISCUSS, DECK_SLIDE_POLL, DECK_SLIDE_QA };

/* Audience questions for the whole session ("qa:" in the front matter). */
enum deck_qa { DECK_QA_OFF, DECK_QA_ON, DECK_QA_MODERATED };

struct deck_slide {
    enum deck_slide_kind kind;
    int line;                 /* 1-based line of the slide's first line in the file */
    char *title;              /* plain text of the first heading, at most HU_QUESTION_MAX bytes,
                                 or NULL. From malloc() */
    char *html;               /* rendered body, never NULL. From malloc() */
    char *notes;              /* non-directive comments (speaker notes), or NULL. From malloc() */
    int discuss_seconds;      /* DISCUSS: timer length, 0 = no timer */
    /* POLL only: */
    char poll_id[HU_POLL_ID_MAX + 1]; /* explicit "id:" or derived "poll-N" */
    char *question;           /* plain text of the first heading. From malloc() */
    const struct pollkind *poll_kind; /* static; the same as spec->kind */
    struct pollspec *spec;    /* the kind's options and parameters. From malloc() */
    bool results_hidden;      /* "results: hidden": tallies hidden until closed and revealed */
};

struct deck {
    char *path;               /* as given to deck_load. From malloc() */
    char *title;              /* front matter title, else first slide's title, else file name;
                                 at most HU_TITLE_MAX bytes. From malloc() */
    bool has_code;            /* front matter fixed the join code */
    char code[HU_CODE_LEN + 1];
    enum deck_qa qa;          /* front matter "qa:" (off when not given) */
    size_t n_slides;          /* >= 1 */
    struct deck_slide *slides;
    size_t n_polls;
    char **warnings;          /* "path:line: warning: ..." lines without "\n", in file order.
                                 From malloc(), each too */
    size_t n_warnings;
};

/* Parse len bytes of buf as a deck.  name is used in error messages only.
 * On success returns HU_OK and stores a new deck in *out (caller frees with
 * deck_free).  On failure returns HU_ERR_PARSE (or HU_ERR_NOMEM) and writes
 * "name:line: what was expected" into err (always NUL-terminated). */
int deck_parse(const char *name, const char *buf, size_t len, struct deck **out,
               char *err, size_t errlen);

/* Read and parse the file at path; errors as deck_parse, plus "path: reason"
 * when the file cannot be read or is larger than HU_DECK_MAX_BYTES.  On
 * success the deck's warnings are also written to warn, one per line, unless
 * warn is NULL (they stay in deck->warnings either way). */
int deck_load_warn(const char *path, FILE *warn, struct deck **out, char *err, size_t errlen);

/* deck_load_warn(path, stderr, ...): a facilitator sees the warnings where
 * the server prints its banner. */
int deck_load(const char *path, struct deck **out, char *err, size_t errlen);

/* Writes deck->warnings to f, one per line.  Returns 0, or -1 on a write error. */
int deck_print_warnings(const struct deck *deck, FILE *f);

/* Index of the slide holding poll_id, or -1. */
int deck_find_poll(const struct deck *deck, const char *poll_id);

/* Frees deck and everything it owns.  Accepts NULL. */
void deck_free(struct deck *deck);

#endif
