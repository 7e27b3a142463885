/* html_out.h -- appending HTML to a capped buffer, for the report's writers:
 * once an append fails, later ones do nothing, and the first error is what
 * the writer returns.  Every text from a deck or data file goes through
 * html_esc; html_fmt is for numbers and fixed markup only. */
#ifndef HU_HTML_OUT_H
#define HU_HTML_OUT_H

#include "base/buf.h"

struct html_out {
    struct hu_buf *b;
    int rc;                     /* HU_OK until an append fails */
};

void html_raw(struct html_out *h, const char *s);
void html_esc(struct html_out *h, const char *s);
void html_fmt(struct html_out *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
