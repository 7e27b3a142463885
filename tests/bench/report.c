/* report.c -- the figures: one JSON line per scenario (for tests/bench/run
 * and docs/benchmarks.md), readable rows for a person watching, and the
 * server's RSS and CPU time read from /proc. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* Reads /proc/<pid>/<name> into buf (NUL-terminated); -1 on failure. */
static int report_proc(int pid, const char *name, char *buf, size_t cap)
{
    char path[64];
    int n = snprintf(path, sizeof path, "/proc/%d/%s", pid, name);
    if (pid <= 0 || n < 0 || (size_t)n >= sizeof path)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    while (len + 1 < cap) {
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    return len > 0 ? 0 : -1;
}

static long long report_number(const char *s, char **end)
{
    errno = 0;
    long long v = strtoll(s, end, 10);
    return errno || *end == s ? -1 : v;
}

long report_rss_kib(int pid)
{
    char buf[4096];
    if (report_proc(pid, "status", buf, sizeof buf) != 0)
        return -1;
    const char *line = strstr(buf, "\nVmRSS:");
    if (!line)
        return -1;
    char *end;
    return (long)report_number(line + 7, &end);
}

long long report_cpu_ticks(int pid)
{
    char buf[2048];
    if (report_proc(pid, "stat", buf, sizeof buf) != 0)
        return -1;
    /* The command name may hold spaces and parentheses: fields count from
     * the last ')'.  utime and stime are fields 14 and 15. */
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p++;
    for (int field = 3; field < 14; field++) {
        p = strchr(p + 1, ' ');
        if (!p)
            return -1;
    }
    char *end;
    long long utime = report_number(p + 1, &end);
    long long stime = utime >= 0 ? report_number(end + 1, &end) : -1;
    return utime >= 0 && stime >= 0 ? utime + stime : -1;
}

void report_json(struct bench *b, const char *scenario, json_t *o)
{
    json_t *line = json_pack("{s:s, s:s}", "server", b->cfg.label, "scenario", scenario);
    if (!o || !line || json_object_update(line, o) != 0) {
        fprintf(stderr, "bench: out of memory while reporting %s\n", scenario);
        json_decref(o);
        json_decref(line);
        return;
    }
    json_decref(o);
    char *text = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(line);
    if (!text)
        return;
    printf("%s\n", text);
    fflush(stdout);
    if (b->cfg.json_path) {
        FILE *f = fopen(b->cfg.json_path, "a");
        if (!f || fprintf(f, "%s\n", text) < 0)
            fprintf(stderr, "bench: cannot append to %s\n", b->cfg.json_path);
        if (f)
            fclose(f);
    }
    free(text);
}

void report_row(struct bench *b, const char *scenario, const char *name, double value, const char *unit)
{
    printf("  %-9s %-10s %-34s %12.2f %s\n", b->cfg.label, scenario, name, value, unit);
    fflush(stdout);
}
