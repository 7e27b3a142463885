/* log.c -- logfmt lines on standard error (log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* Set once by log_setup before threads start, read-only afterwards (log.h). */
static enum log_level log_min = LOG_INFO;
static FILE *log_out;

static const char *const log_names[] = {"debug", "info", "warn", "error", "off"};

void log_setup(enum log_level min, FILE *out)
{
    log_min = min;
    log_out = out;
}

int log_parse_level(const char *name, enum log_level *out)
{
    for (int i = LOG_DEBUG; i <= LOG_OFF; i++)
        if (strcmp(name, log_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    if (strcmp(name, "warning") == 0) {
        *out = LOG_WARN;
        return 0;
    }
    return -1;
}

const char *log_level_name(enum log_level lvl)
{
    return lvl >= LOG_DEBUG && lvl <= LOG_OFF ? log_names[lvl] : "?";
}

bool log_enabled(enum log_level lvl)
{
    return lvl >= log_min && lvl < LOG_OFF;
}

/* A bounded line being built; once full, further text is dropped. */
struct log_line {
    char *p;
    size_t len, cap; /* cap excludes the terminator */
    bool cut;
};

static void log_put(struct log_line *l, const char *s, size_t n)
{
    if (l->len + n > l->cap) {
        n = l->cap - l->len;
        l->cut = true;
    }
    memcpy(l->p + l->len, s, n);
    l->len += n;
}

static void log_puts(struct log_line *l, const char *s)
{
    log_put(l, s, strlen(s));
}

/* A logfmt value: bare when it has no space, quote, '=' or control byte and
 * is not empty; else quoted, with \" \\ \n \t and \xHH for the rest. */
static void log_value(struct log_line *l, const char *v)
{
    if (!v)
        v = "";
    bool bare = *v != '\0';
    for (const unsigned char *s = (const unsigned char *)v; *s && bare; s++)
        if (*s <= ' ' || *s == '"' || *s == '=' || *s == '\\' || *s == 0x7f)
            bare = false;
    if (bare) {
        log_puts(l, v);
        return;
    }
    log_put(l, "\"", 1);
    for (const unsigned char *s = (const unsigned char *)v; *s; s++) {
        char esc[5];
        if (*s == '"' || *s == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*s;
            log_put(l, esc, 2);
        } else if (*s == '\n') {
            log_put(l, "\\n", 2);
        } else if (*s == '\t') {
            log_put(l, "\\t", 2);
        } else if (*s < ' ' || *s == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            esc[0] = '\\';
            esc[1] = 'x';
            esc[2] = hex[*s >> 4];
            esc[3] = hex[*s & 15];
            log_put(l, esc, 4);
        } else {
            log_put(l, (const char *)s, 1);
        }
    }
    log_put(l, "\"", 1);
}

static void log_pairs(struct log_line *l, enum log_level lvl, const char *msg, va_list ap)
{
    log_puts(l, "level=");
    log_puts(l, log_level_name(lvl));
    log_puts(l, " msg=");
    log_value(l, msg);
    for (;;) {
        enum log_type t = (enum log_type)va_arg(ap, int);
        if (t == LOG_T_END)
            break;
        const char *key = va_arg(ap, const char *);
        char num[64];
        log_put(l, " ", 1);
        log_puts(l, key);
        log_put(l, "=", 1);
        if (t == LOG_T_STR) {
            log_value(l, va_arg(ap, const char *));
        } else if (t == LOG_T_INT) {
            int n = snprintf(num, sizeof num, "%lld", va_arg(ap, long long));
            log_put(l, num, n > 0 ? (size_t)n : 0);
        } else {
            int n = snprintf(num, sizeof num, "%.6g", va_arg(ap, double));
            log_put(l, num, n > 0 ? (size_t)n : 0);
        }
    }
}

static void log_finish(struct log_line *l)
{
    if (l->cut && l->cap >= 3)
        memcpy(l->p + l->cap - 3, "...", 3);
    l->p[l->len] = '\0';
}

size_t log_format(char *out, size_t outlen, enum log_level lvl, const char *msg, ...)
{
    if (outlen == 0)
        return 0;
    struct log_line l = {out, 0, outlen - 1, false};
    va_list ap;
    va_start(ap, msg);
    log_pairs(&l, lvl, msg, ap);
    va_end(ap);
    log_finish(&l);
    return l.len;
}

void log_event(enum log_level lvl, const char *msg, ...)
{
    if (!log_enabled(lvl))
        return;
    char buf[LOG_LINE_MAX + 1];
    struct log_line l = {buf, 0, LOG_LINE_MAX - 1, false}; /* room for the newline */
    struct timespec ts;
    struct tm tm;
    char stamp[40];
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0 && gmtime_r(&ts.tv_sec, &tm)) {
        size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(stamp + n, sizeof stamp - n, ".%03dZ", (int)(ts.tv_nsec / 1000000));
        log_puts(&l, "ts=");
        log_puts(&l, stamp);
        log_put(&l, " ", 1);
    }
    va_list ap;
    va_start(ap, msg);
    log_pairs(&l, lvl, msg, ap);
    va_end(ap);
    log_finish(&l);
    buf[l.len++] = '\n';
    FILE *f = log_out ? log_out : stderr;
    fwrite(buf, 1, l.len, f);
    fflush(f);
}
