/* route.c -- request paths to routes.  Every byte is checked and a route
 * carries nothing from the path but 8 digits, so no path can name a file.
 * lws has already decoded %-escapes (and '+' to a space) in the path. */
#include "route.h"

#include <string.h>

#include "base/hu_err.h"

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
    } else if (strncmp(path, "/api/", 5) == 0) {
        r->kind = ROUTE_API_NONE;
        after = strncmp(path, "/api/sessions/", 14) == 0 ? route_code(path + 14, r->code) : NULL;
        if (after && strncmp(after, "/results.", 9) == 0 && export_format_parse(after + 9, &r->format) == HU_OK &&
            (r->format == EXPORT_CSV || r->format == EXPORT_JSON || r->format == EXPORT_HTML))
            r->kind = ROUTE_RESULTS;
        /* Every open answer and audience question, with the same key rule. */
        if (after && strcmp(after, "/answers.csv") == 0) {
            r->kind = ROUTE_RESULTS;
            r->format = EXPORT_ANSWERS_CSV;
        } else if (after && strcmp(after, "/questions.csv") == 0) {
            r->kind = ROUTE_RESULTS;
            r->format = EXPORT_QUESTIONS_CSV;
        }
    } else if (strcmp(path, "/healthz") == 0 || strcmp(path, "/healthz/") == 0) {
        r->kind = ROUTE_HEALTH;
    } else if (strcmp(path, "/metrics") == 0) {
        r->kind = ROUTE_METRICS;
    }
    if (r->kind == ROUTE_NONE || r->kind == ROUTE_API_NONE || r->kind == ROUTE_HEALTH || r->kind == ROUTE_METRICS)
        r->code[0] = '\0';
}
