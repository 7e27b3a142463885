/* buf.c -- growable, capped byte buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hu_err.h"

void hu_buf_init(struct hu_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

static int hu_buf_reserve(struct hu_buf *b, size_t extra)
{
    if (extra > b->max - b->len)
        return HU_ERR_TOO_LARGE;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return HU_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return HU_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return HU_OK;
}

int hu_buf_append(struct hu_buf *b, const void *p, size_t n)
{
    int rc = hu_buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return HU_OK;
}

int hu_buf_puts(struct hu_buf *b, const char *s) { return hu_buf_append(b, s, strlen(s)); }

int hu_buf_printf(struct hu_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return HU_ERR_INTERNAL;
    int rc = hu_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    int m = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (m != n)
        return HU_ERR_INTERNAL;
    b->len += (size_t)n;
    return HU_OK;
}

int hu_buf_html(struct hu_buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        int rc = rep ? hu_buf_puts(b, rep) : hu_buf_append(b, p, 1);
        if (rc)
            return rc;
    }
    return HU_OK;
}

char *hu_buf_steal(struct hu_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void hu_buf_free(struct hu_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
