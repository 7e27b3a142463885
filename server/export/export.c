/* export.c -- the export formats' front door.
 *
 * Picks the writer for a format and owns the output buffer.  The rules every
 * format applies the same way (times, option lookup) are in export_fields.c,
 * below the writers, so no writer calls back up into this file. */
#include "export.h"

#include <string.h>

#include "base/hu_err.h"
#include "export_internal.h"

static const struct {
    const char *name;
    const char *mime;
    const char *ext;
} export_formats[] = {
    [EXPORT_CSV] = {"csv", "text/csv; charset=utf-8", "csv"},
    [EXPORT_JSON] = {"json", "application/json", "json"},
    [EXPORT_HTML] = {"html", "text/html; charset=utf-8", "html"},
    [EXPORT_ANSWERS_CSV] = {"answers", "text/csv; charset=utf-8", "answers.csv"},
    [EXPORT_QUESTIONS_CSV] = {"questions", "text/csv; charset=utf-8", "questions.csv"},
    [EXPORT_XLSX] = {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
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
    return (size_t)fmt < EXPORT_N_FORMATS ? export_formats[fmt].ext : "bin";
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
    case EXPORT_XLSX: rc = export_xlsx(r, &b); break;
    case EXPORT_ANSWERS_CSV: rc = export_answers_csv(r, &b); break;
    case EXPORT_QUESTIONS_CSV: rc = export_questions_csv(r, &b); break;
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
