/* route.h -- the dynamic HTTP routes, parsed from a request path.
 *
 * Pure string work, kept apart from http.c so it can be unit-tested and
 * fuzzed without a server: a path either names one route with its join code
 * (and export format), or none. */
#ifndef HU_ROUTE_H
#define HU_ROUTE_H

#include <stdbool.h>

#include "base/hu_limits.h"
#include "export/export.h"

enum route_kind {
    ROUTE_NONE,     /* not one of ours: 404 */
    ROUTE_JOIN,     /* /j/<code> or /j/<code>/ */
    ROUTE_QR,       /* /qr/<code>.svg */
    ROUTE_RESULTS,  /* /api/sessions/<code>/results.<csv|json|html|xlsx>, answers.csv, questions.csv */
    ROUTE_API_NONE, /* under /api/ but no such route: a JSON 404 */
    ROUTE_HEALTH,   /* /healthz or /healthz/ */
    ROUTE_MEDIA,    /* /media/<code>/<path>: an image of the session's deck */
    ROUTE_METRICS,  /* /metrics (served only with --metrics) */
    /* The organiser's API (http_admin.c), all under /api/admin/: */
    ROUTE_ADMIN_NONE,     /* no such admin route: 401 without the key, else 404 */
    ROUTE_ADMIN_SESSIONS, /* /api/admin/sessions */
    ROUTE_ADMIN_DECKS,    /* /api/admin/decks */
    ROUTE_ADMIN_RUNS,     /* /api/admin/sessions/<code>/runs */
    ROUTE_ADMIN_RUN,      /* /api/admin/sessions/<code>/runs/<n> */
    ROUTE_ADMIN_REPORT,   /* /api/admin/report.<csv|json|html> */
};

/* The highest run number a path may name: beyond it, no route. */
#define ROUTE_RUN_MAX 999999

struct route {
    enum route_kind kind;
    char code[HU_CODE_LEN + 1];   /* JOIN, QR, RESULTS, ADMIN_RUNS, ADMIN_RUN, MEDIA */
    enum export_format format;    /* RESULTS, ADMIN_REPORT */
    int run;                      /* ADMIN_RUN: 1..ROUTE_RUN_MAX */
    const char *media;            /* MEDIA: the path after the code, inside the parsed string;
                                     plain components only (base/media.h media_rel_ok) */
};

/* Parses the NUL-terminated path (no query string: lws keeps it apart). */
void route_parse(const char *path, struct route *r);

/* True for the organiser's routes, which need the admin key. */
bool route_is_admin(enum route_kind kind);

/* Reads a run number from a query value ("?run=2"): 1..ROUTE_RUN_MAX to
 * *run, or "all" to 0.  -1 for anything else (empty, signs, spaces). */
int route_run_arg(const char *value, bool allow_all, int *run);

#endif
