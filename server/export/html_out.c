/* html_out.c -- appending HTML to a capped buffer (html_out.h). */
#include "html_out.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/hu_err.h"

void html_raw(struct html_out *h, const char *s)
{
    if (h->rc == HU_OK)
        h->rc = hu_buf_puts(h->b, s);
}

void html_esc(struct html_out *h, const char *s)
{
    if (h->rc == HU_OK)
        h->rc = hu_buf_html(h->b, s ? s : "");
}

void html_fmt(struct html_out *h, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        if (h->rc == HU_OK)
            h->rc = HU_ERR_INTERNAL;
        return;
    }
    html_raw(h, tmp);
}
