/* deck_message.c -- a deck's errors and warnings, "file:line: ...".
 *
 * The first error stops the parse; warnings are collected in the deck (at
 * most a hundred, then one line saying how many more) for the caller to
 * print.  Also the character-boundary cut that the warnings about cut
 * titles and questions rely on. */
#include "deck_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"

static void deck_vformat(struct deck_ctx *c, char *dst, size_t dstlen, int line, const char *kind, const char *fmt,
                         va_list ap) __attribute__((format(printf, 6, 0)));

/* "name:line: <kind>message" into dst, always NUL-terminated. */
static void deck_vformat(struct deck_ctx *c, char *dst, size_t dstlen, int line, const char *kind, const char *fmt,
                         va_list ap)
{
    char msg[512];
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    if (n < 0)
        msg[0] = '\0';
    if (dstlen == 0)
        return;
    if (line > 0)
        n = snprintf(dst, dstlen, "%s:%d: %s%s", c->name, line, kind, msg);
    else
        n = snprintf(dst, dstlen, "%s: %s%s", c->name, kind, msg);
    if (n < 0)
        dst[0] = '\0';
}

int deck_errorf(struct deck_ctx *c, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    deck_vformat(c, c->err, c->errlen, line, "", fmt, ap);
    va_end(ap);
    return HU_ERR_PARSE;
}

static int deck_warn_store(struct deck_ctx *c, int line, const char *text)
{
    if (c->n_warnings % 16 == 0) {
        char **p = realloc(c->warnings, (c->n_warnings + 16) * sizeof *p);
        if (p)
            c->warnings = p;
        int *q = p ? realloc(c->warning_lines, (c->n_warnings + 16) * sizeof *q) : NULL;
        if (!q)
            return HU_ERR_NOMEM;
        c->warning_lines = q;
    }
    char *w = strdup(text);
    if (!w)
        return HU_ERR_NOMEM;
    c->warning_lines[c->n_warnings] = line;
    c->warnings[c->n_warnings++] = w;
    return HU_OK;
}

int deck_warnf(struct deck_ctx *c, int line, const char *fmt, ...)
{
    /* A deck full of one mistake should not flood the terminal. */
    if (c->n_warnings >= DECK_WARNINGS_MAX) {
        c->warnings_dropped++;
        return HU_OK;
    }
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    deck_vformat(c, text, sizeof text, line, "warning: ", fmt, ap);
    va_end(ap);
    return deck_warn_store(c, line, text);
}

int deck_warn_finish(struct deck_ctx *c)
{
    /* Insertion sort, stable: at most DECK_WARNINGS_MAX of them. */
    for (size_t i = 1; i < c->n_warnings; i++) {
        char *w = c->warnings[i];
        int line = c->warning_lines[i];
        size_t j = i;
        for (; j > 0 && c->warning_lines[j - 1] > line; j--) {
            c->warnings[j] = c->warnings[j - 1];
            c->warning_lines[j] = c->warning_lines[j - 1];
        }
        c->warnings[j] = w;
        c->warning_lines[j] = line;
    }
    char text[512];
    if (!c->warnings_dropped)
        return HU_OK;
    int n = snprintf(text, sizeof text, "%s: warning: %zu more warnings not shown", c->name, c->warnings_dropped);
    if (n < 0)
        return HU_OK;
    c->warnings_dropped = 0;
    return deck_warn_store(c, 0, text);
}

size_t deck_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

