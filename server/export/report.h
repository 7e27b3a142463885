/* report.h -- every run of every poll side by side, for a committee
 * (DESIGN section 10, `handsup report`).
 *
 * The input is the results of one or several data files (one facilitator's
 * laptop each), every run of every session.  Polls are matched by their id
 * across runs, sessions and data files (decks that share an id are one
 * question asked again), runs are put in the order they started, and counts
 * are matched by option label, so a poll whose options changed between runs
 * is still one row per label, with a note.  Two files that each hold a
 * session with the same code stay two sets of runs.
 *
 * Formats: HTML for a committee (A4 print layout, a trend chart per poll
 * that the page offers as PNG and SVG), CSV in long form for a pivot table,
 * with exactly the columns
 *   data_file,session_code,session_title,run,run_label,run_started,poll_id,
 *   question,kind,option,option_label,count,voters,joined
 * and JSON.  Pure formatting, no I/O. */
#ifndef HU_REPORT_H
#define HU_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "export.h"
#include "model/results.h"

/* One data file's results: every run wanted of every session wanted. */
struct report_source {
    const char *data_file;       /* as the user named it; shown in data_file */
    const struct results *results;
};

struct report_opts {
    const char *const *polls;    /* only these poll ids (all when n_polls is 0) */
    size_t n_polls;
    const char *title;           /* the report's heading; NULL for a default */
    bool technical;              /* HTML: also join codes, poll ids, slides, data files and UTC */
    int64_t now_ms;              /* "generated" time; 0 for the clock */
};

/* Renders the report of the sources in fmt (CSV, JSON or HTML) into a new
 * string (*out, caller frees; *len its length).  HU_OK, HU_ERR_BAD_MESSAGE
 * for a format a report has not (xlsx), or HU_ERR_NOMEM. */
int report_render(const struct report_source *src, size_t n_src, const struct report_opts *opts,
                  enum export_format fmt, char **out, size_t *len);

/* The exact text of the report's <style> and <script> elements (static), so
 * a server can allow them by hash in its Content-Security-Policy. */
const char *report_html_style(void);
const char *report_html_script(void);

#endif
