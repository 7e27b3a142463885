/* route.h -- the dynamic HTTP routes, parsed from a request path.
 *
 * Pure string work, kept apart from http.c so it can be unit-tested and
 * fuzzed without a server: a path either names one route with its join code
 * (and export format), or none. */
#ifndef HU_ROUTE_H
#define HU_ROUTE_H

#include "base/hu_limits.h"
#include "export/export.h"

enum route_kind {
    ROUTE_NONE,     /* not one of ours: 404 */
    ROUTE_JOIN,     /* /j/<code> or /j/<code>/ */
    ROUTE_QR,       /* /qr/<code>.svg */
    ROUTE_RESULTS,  /* /api/sessions/<code>/results.<csv|json|html>, answers.csv, questions.csv */
    ROUTE_API_NONE, /* under /api/ but no such route: a JSON 404 */
    ROUTE_HEALTH,   /* /healthz or /healthz/ */
    ROUTE_METRICS,  /* /metrics (served only with --metrics) */
};

struct route {
    enum route_kind kind;
    char code[HU_CODE_LEN + 1];   /* JOIN, QR, RESULTS */
    enum export_format format;    /* RESULTS */
};

/* Parses the NUL-terminated path (no query string: lws keeps it apart). */
void route_parse(const char *path, struct route *r);

#endif
