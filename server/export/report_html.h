/* report_html.h -- what the report's HTML writer (report_html.c) and its
 * chart (report_chart.c) share; private to them. */
#ifndef HU_REPORT_HTML_H
#define HU_REPORT_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "report_model.h"

/* "3 Mar 2026" in local time, or "" for 0. */
void report_date(int64_t ms, char *out, size_t outlen);

/* The trend chart of rp as an <svg id="chart-<index>">. */
void report_chart(struct html *h, const struct report_model *m, const struct report_poll *rp, size_t index);

#endif
