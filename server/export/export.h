/* export.h -- results as CSV (RFC 4180), JSON, a printable HTML report and
 * an Excel workbook.
 *
 * Formatting in-memory results to a malloc()ed string.  No I/O, except that
 * xlsx passes through a private temporary file (libxlsxwriter writes only
 * files): render xlsx where a moment of disk work is acceptable, never on
 * the event loop. */
#ifndef HU_EXPORT_H
#define HU_EXPORT_H

#include <stddef.h>

#include "model/results.h"

/* Results as CSV, JSON, HTML or an Excel workbook (xlsx); or every open
 * answer (answers.csv) or audience question (questions.csv) with its status
 * and time. */
enum export_format { EXPORT_CSV, EXPORT_JSON, EXPORT_HTML, EXPORT_ANSWERS_CSV, EXPORT_QUESTIONS_CSV, EXPORT_XLSX };

/* "csv", "json", "html", "answers", "questions" or "xlsx" to *fmt;
 * HU_ERR_BAD_MESSAGE for anything else. */
int export_format_parse(const char *name, enum export_format *fmt);

/* MIME type and file extension of fmt ("csv", "answers.csv").  Static strings. */
const char *export_mime(enum export_format fmt);
const char *export_ext(enum export_format fmt);

/* Formats every session of r in fmt into a new string (*out, caller frees;
 * *len its length).  Returns HU_OK or a negative hu_err. */
int export_render(const struct results *r, enum export_format fmt, char **out, size_t *len);

/* The exact text of the HTML report's one <style> element (static), so a
 * server can allow it by hash in its Content-Security-Policy. */
const char *export_html_style(void);

#endif
