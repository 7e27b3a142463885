/* route.c -- request paths to routes.  Every byte is checked; nothing is
 * decoded (no %-escapes are valid in a code), so no path can name a file. */
#include "route.h"

#include <string.h>

#include "hu_err.h"

/* Copies the 8-digit code at the start of s; returns what follows, or NULL. */
static const char *route_code(const char *s, char code[HU_CODE_LEN + 1])
{
    for (int i = 0; i < HU_CODE_LEN; i++) {
        if (s[i] < '0' || s[i] > '9')
            return NULL;
        code[i] = s[i];
    }
    code[HU_CODE_LEN] = '\0';
    return s + HU_CODE_LEN;
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
        if (after && strncmp(after, "/results.", 9) == 0 &&
            export_format_parse(after + 9, &r->format) == HU_OK)
            r->kind = ROUTE_RESULTS;
    } else if (strcmp(path, "/healthz") == 0 || strcmp(path, "/healthz/") == 0) {
        r->kind = ROUTE_HEALTH;
    }
    if (r->kind == ROUTE_NONE || r->kind == ROUTE_API_NONE || r->kind == ROUTE_HEALTH)
        r->code[0] = '\0';
}
