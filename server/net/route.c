/* route.c -- request paths to routes.  Every byte is checked and a route
 * carries nothing from the path but 8 digits, so no path can name a file.
 * lws has already decoded %-escapes (and '+' to a space) in the path. */
#include "route.h"

#include <string.h>

#include "base/hu_err.h"
#include "base/media.h"

/* Copies the 8-digit code at the start of s, skipping spaces, so a code
 * written as it is read out ("4045 5687", sent as /j/4045%205687) works like
 * the plain one, as in a join message.  Returns what follows, or NULL. */
static const char *route_code(const char *s, char code[HU_CODE_LEN + 1])
{
    int n = 0;
    for (; (*s >= '0' && *s <= '9') || *s == ' '; s++) {
        if (*s == ' ')
            continue;
        if (n == HU_CODE_LEN)
            return NULL;
        code[n++] = *s;
    }
    if (n != HU_CODE_LEN)
        return NULL;
    code[HU_CODE_LEN] = '\0';
    return s;
}

/* A run number: digits without a leading zero, 1..ROUTE_RUN_MAX, ending
 * at the end of s.  Returns the number or -1. */
static int route_number(const char *s)
{
    if (*s < '1' || *s > '9')
        return -1;
    long n = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        n = n * 10 + (*s - '0');
        if (n > ROUTE_RUN_MAX)
            return -1;
    }
    return (int)n;
}

int route_run_arg(const char *value, bool allow_all, int *run)
{
    if (!value)
        return -1;
    if (allow_all && strcmp(value, "all") == 0) {
        *run = 0;
        return 0;
    }
    int n = route_number(value);
    if (n < 0)
        return -1;
    *run = n;
    return 0;
}

bool route_is_admin(enum route_kind kind)
{
    return kind >= ROUTE_ADMIN_NONE && kind <= ROUTE_ADMIN_REPORT;
}

/* /api/admin/<rest>: the organiser's routes. */
static void route_admin(const char *rest, struct route *r)
{
    const char *after;
    r->kind = ROUTE_ADMIN_NONE;
    if (strcmp(rest, "sessions") == 0) {
        r->kind = ROUTE_ADMIN_SESSIONS;
    } else if (strcmp(rest, "decks") == 0) {
        r->kind = ROUTE_ADMIN_DECKS;
    } else if (strncmp(rest, "report.", 7) == 0) {
        if (export_format_parse(rest + 7, &r->format) == HU_OK &&
            (r->format == EXPORT_CSV || r->format == EXPORT_JSON || r->format == EXPORT_HTML))
            r->kind = ROUTE_ADMIN_REPORT;
        else
            r->format = EXPORT_CSV;
    } else if (strncmp(rest, "sessions/", 9) == 0 && (after = route_code(rest + 9, r->code)) &&
               strncmp(after, "/runs", 5) == 0) {
        if (after[5] == '\0')
            r->kind = ROUTE_ADMIN_RUNS;
        else if (after[5] == '/' && (r->run = route_number(after + 6)) > 0)
            r->kind = ROUTE_ADMIN_RUN;
    }
    if (r->kind != ROUTE_ADMIN_RUN)
        r->run = 0;
    if (r->kind != ROUTE_ADMIN_RUNS && r->kind != ROUTE_ADMIN_RUN)
        r->code[0] = '\0';
}

void route_parse(const char *path, struct route *r)
{
    memset(r, 0, sizeof *r);
    const char *after;
    if (strncmp(path, "/j/", 3) == 0) {
        after = route_code(path + 3, r->code);
        if (after && (strcmp(after, "") == 0 || strcmp(after, "/") == 0))
            r->kind = ROUTE_JOIN;
    } else if (strncmp(path, "/qr/", 4) == 0) {
        after = route_code(path + 4, r->code);
        if (after && strcmp(after, ".svg") == 0)
            r->kind = ROUTE_QR;
    } else if (strncmp(path, "/api/admin/", 11) == 0) {
        route_admin(path + 11, r);
        return;
    } else if (strncmp(path, "/api/", 5) == 0) {
        r->kind = ROUTE_API_NONE;
        after = strncmp(path, "/api/sessions/", 14) == 0 ? route_code(path + 14, r->code) : NULL;
        if (after && strncmp(after, "/results.", 9) == 0 && export_format_parse(after + 9, &r->format) == HU_OK &&
            (r->format == EXPORT_CSV || r->format == EXPORT_JSON || r->format == EXPORT_HTML ||
             r->format == EXPORT_XLSX))
            r->kind = ROUTE_RESULTS;
        /* Every open answer and audience question, with the same key rule. */
        if (after && strcmp(after, "/answers.csv") == 0) {
            r->kind = ROUTE_RESULTS;
            r->format = EXPORT_ANSWERS_CSV;
        } else if (after && strcmp(after, "/questions.csv") == 0) {
            r->kind = ROUTE_RESULTS;
            r->format = EXPORT_QUESTIONS_CSV;
        }
    } else if (strncmp(path, "/media/", 7) == 0) {
        /* Only a plain relative path: "..", ".", "//", "\\" and absolute
         * forms never reach a lookup (lws has decoded %2e and %2f already). */
        after = route_code(path + 7, r->code);
        if (after && after[0] == '/' && media_rel_ok(after + 1)) {
            r->kind = ROUTE_MEDIA;
            r->media = after + 1;
        }
    } else if (strcmp(path, "/healthz") == 0 || strcmp(path, "/healthz/") == 0) {
        r->kind = ROUTE_HEALTH;
    } else if (strcmp(path, "/metrics") == 0) {
        r->kind = ROUTE_METRICS;
    }
    if (r->kind == ROUTE_NONE || r->kind == ROUTE_API_NONE || r->kind == ROUTE_HEALTH || r->kind == ROUTE_METRICS)
        r->code[0] = '\0';
}
