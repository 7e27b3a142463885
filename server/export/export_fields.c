/* export_fields.c -- the fields every export format writes the same way:
 * times as ISO 8601 UTC and options looked up by name, so that CSV, JSON
 * and HTML agree on every figure. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export_internal.h"

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
