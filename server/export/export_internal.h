/* export_internal.h -- what the export formats share; private to export*.c.
 *
 * export.c dispatches to one writer per format (export_csv.c,
 * export_json.c, export_html.c); each appends its whole document to a
 * capped buffer and returns HU_OK or a negative hu_err. */
#ifndef HU_EXPORT_INTERNAL_H
#define HU_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "model/results.h"

/* The largest document an export may produce.  64 sessions of 1000 polls
 * with long questions stay far below it; it only stops a runaway. */
#define EXPORT_MAX_BYTES (64u * 1024u * 1024u)

/* Room for "2026-11-22T09:15:00+01:00" and its NUL, with margin for odd years. */
#define EXPORT_TIME_LEN 40

/* Unix milliseconds as ISO 8601 UTC to the second ("2026-11-22T09:15:00Z")
 * in out; the empty string for 0 or a negative time, which the results use
 * for "never".  Returns out. */
const char *export_iso_time(int64_t ms, char out[EXPORT_TIME_LEN]);

/* The same instant in the local time zone of the machine writing the export
 * (TZ), with its offset: "2026-11-22T10:15:00+01:00".  What organisers read:
 * their own clock, and still one exact instant for a program. */
const char *export_local_time(int64_t ms, char out[EXPORT_TIME_LEN]);

/* A join code as it is read out, "4045 5687": a spreadsheet takes it for
 * text, so a code starting with 0 keeps its zero.  Anything that is not 8
 * digits is copied as it is.  Returns out. */
#define EXPORT_CODE_LEN 24
const char *export_code(const char *code, char out[EXPORT_CODE_LEN]);

/* The deck's file name without its folders: exports travel, and the
 * server's own paths are none of the reader's business. */
const char *export_deck_name(const char *deck_path);

/* Human label of option i ("Yes"): the poll kind's label when the kind is
 * known, else the option's name.  Never NULL. */
const char *export_option_label(const struct results_poll *p, unsigned i, char spare[16]);

/* n as a share of of, in percent with one decimal ("66.7"), rounded half
 * away from zero; "" when of is 0.  Returns out. */
const char *export_percent(uint32_t n, uint32_t of, char out[16]);

/* Votes for the option called name in p, 0 when p has no such option. */
uint32_t export_option_count(const struct results_poll *p, const char *name);

/* Options of p that can be read safely: n_options capped at HU_OPTION_MAX. */
unsigned export_n_options(const struct results_poll *p);

/* Name of option i of p, never NULL ("option3" style when unnamed, written
 * into spare, which must outlive the use of the result). */
const char *export_option_name(const struct results_poll *p, unsigned i, char spare[16]);

/* The UTF-8 byte order mark every CSV starts with: without it Excel and
 * LibreOffice read UTF-8 as a legacy code page and garble curly quotes. */
#define EXPORT_BOM "\xef\xbb\xbf"

int export_csv(const struct results *r, struct hu_buf *b);
/* Writes the workbook to a temporary file (libxlsxwriter writes only files)
 * and reads it back into b. */
int export_xlsx(const struct results *r, struct hu_buf *b);
int export_json(const struct results *r, struct hu_buf *b);
/* Appends root pretty printed (2-space indent, keys in order) and a newline:
 * how every JSON document of the exports is written. */
int export_json_dump(const json_t *root, struct hu_buf *b);
int export_html(const struct results *r, struct hu_buf *b);
int export_answers_csv(const struct results *r, struct hu_buf *b);
int export_questions_csv(const struct results *r, struct hu_buf *b);

/* export_csv.c: one RFC 4180 cell, neutralised against spreadsheet
 * formulas, followed by "," or (last) CRLF. */
int export_csv_text(struct hu_buf *b, const char *s, bool last);

/* export_html.c: the HTML writer the report's parts share.  Once an append
 * fails, later ones do nothing, and the first error is what the report
 * returns. */
struct html {
    struct hu_buf *b;
    int rc;
};
void h_raw(struct html *h, const char *s);
void h_esc(struct html *h, const char *s);
/* For numbers and fixed markup only: text never goes through a format. */
void h_fmt(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void h_time(struct html *h, int64_t ms, const char *never);

/* export_html_kinds.c: a scale's histogram with mean and median, a text
 * poll's cloud (or wall) of answers, a session's questions. */
void html_scale(struct html *h, const struct results_poll *p);
void html_text(struct html *h, const struct results_poll *p);
void html_questions(struct html *h, const struct results_session *s);

/* export_cloud.c: where each entry of a word cloud goes.  Entries are laid
 * out biggest first along a spiral from the middle of a w x h box, each at
 * the first place it overlaps nothing; the layout depends only on the
 * entries' texts and counts, in order.  An entry that finds no place is
 * left out (placed false). */
struct cloud_place {
    int x, y;          /* baseline middle of the text */
    int size;          /* font size */
    int w, h;          /* the box it takes */
    bool placed;
};
void export_cloud_layout(const struct results_entry *e, size_t n, int w, int h, struct cloud_place *out);
/* The box the placed entries take, with a margin, at least min_w x min_h,
 * as x, y, width, height for a viewBox. */
void export_cloud_bounds(const struct cloud_place *p, size_t n, int min_w, int min_h, int box[4]);

#endif
