/* cli.c -- the helpers every command's option parsing uses (cli.h). */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "handsup: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'handsup --help'.\n");
    va_end(ap);
    return 2;
}

int cli_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_port(const char *s, int *port)
{
    long v;
    if (cli_parse_long(s, 0, 65535, &v))
        return -1;
    *port = (int)v;
    return 0;
}

int cli_parse_uint(const char *s, long min, long max, unsigned *out)
{
    long v;
    if (cli_parse_long(s, min, max, &v))
        return -1;
    *out = (unsigned)v;
    return 0;
}

bool cli_key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n < 1 || n > HU_KEY_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (k[i] <= ' ' || k[i] > '~')
            return false;
    return true;
}

bool cli_code(const char *arg, char out[HU_CODE_LEN + 1])
{
    size_t k = 0;
    for (; *arg; arg++) {
        if (*arg == ' ')
            continue;
        if (*arg < '0' || *arg > '9' || k == HU_CODE_LEN)
            return false;
        out[k++] = *arg;
    }
    out[k] = '\0';
    return k == HU_CODE_LEN;
}

int cli_codes(char **args, size_t n_args, char (*codes)[HU_CODE_LEN + 1], size_t *n_codes, const char **bad)
{
    char digits[HU_CODE_LEN + 1];
    size_t k = 0, n = 0;
    const char *first = NULL; /* the argument the code being read began in */
    for (size_t i = 0; i < n_args; i++) {
        if (k == 0)
            first = args[i];
        for (const char *a = args[i]; *a; a++) {
            if (*a == ' ')
                continue;
            if (*a < '0' || *a > '9' || k == HU_CODE_LEN) {
                *bad = first;
                return -1;
            }
            digits[k++] = *a;
        }
        /* A code ends with an argument: "8647 5705" and "8647" "5705" are one
         * code, but "86475705" "1234" is a code and the start of another. */
        if (k == HU_CODE_LEN) {
            digits[k] = '\0';
            memcpy(codes[n++], digits, sizeof digits);
            k = 0;
        }
    }
    *n_codes = n;
    if (k) {
        *bad = first;
        return -1;
    }
    return 0;
}

/* True when dir holds the attendee page: a folder of assets. */
static bool cli_assets_in(const char *dir)
{
    char path[4200];
    int n = snprintf(path, sizeof path, "%s/web/index.html", dir);
    return n > 0 && (size_t)n < sizeof path && access(path, R_OK) == 0;
}

const char *cli_asset_dir(char *buf, size_t len)
{
    const char *env = getenv("HANDSUP_ASSETS");
    if (env && *env)
        return env;
    /* Installed: <prefix>/bin/handsup finds <prefix>/share/handsup, wherever
     * the prefix is (/usr from the .deb, /usr/local, a test's folder). */
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char rel[4200];
            int w = snprintf(rel, sizeof rel, "%s/../share/handsup", exe);
            if (w > 0 && (size_t)w < sizeof rel && len >= PATH_MAX && realpath(rel, buf) && cli_assets_in(buf))
                return buf;
        }
    }
    /* A build tree: the source folder it was configured from. */
    return HANDSUP_ASSET_DIR;
}
