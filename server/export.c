/* export.c -- the export formats' front door and the helpers they share.
 *
 * Picks the writer for a format, owns the output buffer, and holds the few
 * rules every format must apply the same way (times, option lookup). */
#include "export.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export_internal.h"
#include "hu_err.h"

static const struct {
    const char *name;
    const char *mime;
} export_formats[] = {
    [EXPORT_CSV] = {"csv", "text/csv; charset=utf-8"},
    [EXPORT_JSON] = {"json", "application/json"},
    [EXPORT_HTML] = {"html", "text/html; charset=utf-8"},
};

#define EXPORT_N_FORMATS (sizeof export_formats / sizeof export_formats[0])

int export_format_parse(const char *name, enum export_format *fmt)
{
    for (size_t i = 0; name && i < EXPORT_N_FORMATS; i++) {
        if (strcmp(name, export_formats[i].name) == 0) {
            *fmt = (enum export_format)i;
            return HU_OK;
        }
    }
    return HU_ERR_BAD_MESSAGE;
}

const char *export_mime(enum export_format fmt)
{
    return (size_t)fmt < EXPORT_N_FORMATS ? export_formats[fmt].mime : "application/octet-stream";
}

const char *export_ext(enum export_format fmt)
{
    return (size_t)fmt < EXPORT_N_FORMATS ? export_formats[fmt].name : "bin";
}

int export_render(const struct results *r, enum export_format fmt, char **out, size_t *len)
{
    if (!r || (r->n_sessions && !r->sessions))
        return HU_ERR_INTERNAL;
    struct hu_buf b;
    hu_buf_init(&b, EXPORT_MAX_BYTES);
    int rc;
    switch (fmt) {
    case EXPORT_CSV: rc = export_csv(r, &b); break;
    case EXPORT_JSON: rc = export_json(r, &b); break;
    case EXPORT_HTML: rc = export_html(r, &b); break;
    default: rc = HU_ERR_BAD_MESSAGE; break;
    }
    if (rc) {
        hu_buf_free(&b);
        return rc;
    }
    *len = b.len;
    *out = hu_buf_steal(&b);
    return *out ? HU_OK : HU_ERR_NOMEM;
}

const char *export_iso_time(int64_t ms, char out[EXPORT_TIME_LEN])
{
    out[0] = '\0';
    if (ms <= 0)
        return out;
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm) || strftime(out, EXPORT_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = '\0';
    return out;
}

unsigned export_n_options(const struct results_poll *p)
{
    return p->n_options < HU_OPTION_MAX ? p->n_options : HU_OPTION_MAX;
}

uint32_t export_option_count(const struct results_poll *p, const char *name)
{
    for (unsigned i = 0; i < export_n_options(p); i++)
        if (p->options[i] && strcmp(p->options[i], name) == 0)
            return p->counts[i];
    return 0;
}

const char *export_option_name(const struct results_poll *p, unsigned i, char spare[16])
{
    if (i < HU_OPTION_MAX && p->options[i])
        return p->options[i];
    int n = snprintf(spare, 16, "option%u", i);
    return n > 0 && n < 16 ? spare : "option";
}
