/* export_fields.c -- the fields every export format writes the same way:
 * times (ISO 8601, UTC or local with offset), join codes, deck names,
 * percentages and options looked up by name, so that CSV, JSON, HTML and
 * xlsx agree on every figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/hu_err.h"
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

const char *export_local_time(int64_t ms, char out[EXPORT_TIME_LEN])
{
    out[0] = '\0';
    if (ms <= 0)
        return out;
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    char zone[8];
    if (!localtime_r(&secs, &tm) || strftime(out, EXPORT_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
        strftime(zone, sizeof zone, "%z", &tm) != 5) {
        out[0] = '\0';
        return out;
    }
    /* strftime's %z is "+0100"; ISO 8601 and every spreadsheet want "+01:00". */
    size_t n = strlen(out);
    if (n + 7 > EXPORT_TIME_LEN) {
        out[0] = '\0';
        return out;
    }
    memcpy(out + n, zone, 3);
    out[n + 3] = ':';
    memcpy(out + n + 4, zone + 3, 2);
    out[n + 6] = '\0';
    return out;
}

const char *export_code(const char *code, char out[EXPORT_CODE_LEN])
{
    if (!code)
        code = "";
    if (strlen(code) == 8 && strspn(code, "0123456789") == 8)
        snprintf(out, EXPORT_CODE_LEN, "%.4s %.4s", code, code + 4);
    else
        snprintf(out, EXPORT_CODE_LEN, "%s", code);
    return out;
}

const char *export_deck_name(const char *deck_path)
{
    if (!deck_path)
        return "";
    const char *slash = strrchr(deck_path, '/');
    return slash ? slash + 1 : deck_path;
}

const char *export_option_label(const struct results_poll *p, unsigned i, char spare[16])
{
    if (i < HU_OPTION_MAX && p->labels[i] && p->labels[i][0])
        return p->labels[i];
    return export_option_name(p, i, spare);
}

const char *export_percent(uint32_t n, uint32_t of, char out[16])
{
    out[0] = '\0';
    if (!of)
        return out;
    /* Tenths of a percent, rounded half up, in integers: no float printing. */
    uint64_t tenths = ((uint64_t)n * 1000 + of / 2) / of;
    snprintf(out, 16, "%llu.%llu", (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10));
    return out;
}
