/* deck_impl.h -- what the deck parser's files share, private to them.
 *
 * deck.c splits the text into slides, deck_front.c reads the front matter,
 * deck_directive.c reads the HTML comments of one slide and deck_slide.c
 * turns one slide into HTML with cmark.  Nothing here is used outside deck*.c. */
#ifndef HU_DECK_IMPL_H
#define HU_DECK_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "deck.h"

#define DECK_NOTES_MAX (64 * 1024) /* speaker notes of one slide, bytes */

/* Where errors go: "name:line: message" into err. */
struct deck_ctx {
    const char *name; /* file name for messages; borrowed */
    char *err;        /* caller's buffer; always NUL-terminated after an error */
    size_t errlen;
};

/* Writes "name:line: message" (or "name: message" when line is 0) and returns
 * HU_ERR_PARSE, so callers can write "return deck_errorf(...)". */
int deck_errorf(struct deck_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The directives found on one slide.  A *_line of 0 means "not given". */
struct deck_directives {
    int poll_line;
    const struct pollkind *kind;
    int discuss_line;
    int discuss_seconds;
    int id_line;
    char id[HU_POLL_ID_MAX + 1];
    int results_line;
    bool results_hidden;
    struct hu_buf notes; /* plain comments, separated by blank lines */
};

void deck_directives_init(struct deck_directives *d);
void deck_directives_free(struct deck_directives *d);

/* Reads the body of one HTML comment (the text between "<!--" and "-->"),
 * whose first byte is on file line `line`.  A comment that starts with a
 * known directive or Marp key is a directive comment; any other comment is
 * appended to d->notes.  Returns HU_OK, HU_ERR_PARSE or HU_ERR_NOMEM. */
int deck_comment(struct deck_ctx *c, const char *body, size_t len, int line, struct deck_directives *d);

/* Parses a discussion length ("90s", "5m", "1m30s", "2:30") into seconds.
 * Returns HU_OK, HU_ERR_PARSE when the text has another shape, or
 * HU_ERR_TOO_LARGE when the length is not within 1 s ..
 * HU_DECK_MAX_DISCUSS_SECONDS (0 counts as out of range too). */
int deck_duration(const char *s, size_t len, int *seconds);

/* True when s[0..len) is a valid poll id: [A-Za-z0-9_-]{1,HU_POLL_ID_MAX}. */
bool deck_id_valid(const char *s, size_t len);

/* The deck text after normalisation: no BOM, every line ending is "\n". */
struct deck_text {
    const char *s;      /* NUL-terminated; borrowed */
    size_t len;
    size_t *line_start; /* offset of file line i + 1. From malloc() */
    size_t n_lines;
};

/* File line i + 1 (0-based i < t->n_lines), without its "\n". */
const char *deck_line(const struct deck_text *t, size_t i, size_t *len);

/* Front matter: what deck_front_parse found. */
struct deck_front {
    char title[HU_TITLE_MAX + 1]; /* "" when not given */
    bool has_code;
    char code[HU_CODE_LEN + 1];
};

/* Reads the front matter, file lines (0-based) [first, end): key: value
 * pairs.  Returns HU_OK or HU_ERR_PARSE. */
int deck_front_parse(struct deck_ctx *c, const struct deck_text *t, size_t first, size_t end,
                     struct deck_front *out);

/* Fills sl (kind, title, html, notes, question, poll fields except the
 * derived id) from the slide text [text, text + len) whose first line is
 * file line first_line.  For a poll, *id_line is the line to blame for its
 * id: the "id:" directive's line, else the "poll:" directive's.  Returns HU_OK, HU_ERR_PARSE or HU_ERR_NOMEM;
 * on failure sl may hold allocations that deck_free releases. */
int deck_slide_build(struct deck_ctx *c, const char *text, size_t len, int first_line, struct deck_slide *sl,
                     int *id_line);

#endif
