#include "report.h"
#include "base/hu_err.h"
int report_render(const struct report_source *src, size_t n_src, const struct report_opts *opts,
                  enum export_format fmt, char **out, size_t *len)
{
    (void)src; (void)n_src; (void)opts; (void)fmt; (void)out; (void)len;
    return HU_ERR_BAD_MESSAGE;
}
const char *report_html_style(void) { return ""; }
const char *report_html_script(void) { return ""; }
