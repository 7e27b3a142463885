/* report.c -- the report's front door (report.h): builds the model once and
 * hands it to the format's writer. */
#include "report.h"

#include <time.h>

#include "base/hu_err.h"
#include "report_model.h"

int report_render(const struct report_source *src, size_t n_src, const struct report_opts *opts,
                  enum export_format fmt, char **out, size_t *len)
{
    if (fmt != EXPORT_CSV && fmt != EXPORT_JSON && fmt != EXPORT_HTML)
        return HU_ERR_BAD_MESSAGE;
    struct report_opts o = opts ? *opts : (struct report_opts){0};
    if (!o.now_ms)
        o.now_ms = (int64_t)time(NULL) * 1000;
    struct report_model m;
    int rc = report_model_build(src, n_src, &o, &m);
    if (rc != HU_OK)
        return rc;
    struct hu_buf b;
    hu_buf_init(&b, EXPORT_MAX_BYTES);
    rc = fmt == EXPORT_CSV ? report_csv(&m, &b) : fmt == EXPORT_JSON ? report_json(&m, &b) : report_html(&m, &b);
    report_model_free(&m);
    if (rc != HU_OK) {
        hu_buf_free(&b);
        return rc;
    }
    *len = b.len;
    *out = hu_buf_steal(&b);
    return *out ? HU_OK : HU_ERR_NOMEM;
}
