/* cmd_prune.c -- `handsup prune`: deletes the runs older than a retention
 * period, as a council's data-protection policy sets it (docs/privacy.md).
 *
 * A run is as old as its last sign of life: its end, or its newest join,
 * vote or slide change when the server was stopped uncleanly.  Each run goes
 * with store_run_delete's secure deletion (nothing left in the file or its
 * write-ahead log).  The data file is opened for writing, so a server must
 * not be running on it: a running server deletes runs from its organiser's
 * page instead. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "cli.h"
#include "store/store.h"
#include "store/store_run.h"

const char cmd_prune_synopsis[] = "prune [--data FILE] --older-than AGE [--dry-run]";

const char cmd_prune_usage[] =
    "prune    deletes every run last used more than AGE ago (its participants, votes,\n"
    "         answers and questions), overwriting them in the data file.\n"
    "         --older-than AGE    180d (days), 26w (weeks) or 48h (hours)\n"
    "         --dry-run           list what would be deleted, delete nothing\n"
    "         Stop the server on the data file first (or delete runs on its /admin/ page).\n";

/* "180d", "26w" or "48h" to milliseconds; -1 for anything else. */
static int64_t prune_age(const char *s)
{
    size_t n = strlen(s);
    if (n < 2)
        return -1;
    char unit = s[n - 1], num[32];
    if (n - 1 >= sizeof num)
        return -1;
    memcpy(num, s, n - 1);
    num[n - 1] = '\0';
    long v;
    if (cli_parse_long(num, 1, 100000, &v) != 0)
        return -1;
    int64_t hour = 3600 * 1000;
    switch (unit) {
    case 'h': return v * hour;
    case 'd': return v * 24 * hour;
    case 'w': return v * 7 * 24 * hour;
    default: return -1;
    }
}

static void prune_when(int64_t ms, char *out, size_t outlen)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    if (!localtime_r(&secs, &tm) || strftime(out, outlen, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(out, outlen, "an unknown time");
}

int cmd_prune(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'}, {"older-than", required_argument, NULL, 'a'},
        {"dry-run", no_argument, NULL, 'n'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *data = CLI_DEFAULT_DATA;
    int64_t age = -1;
    bool dry = false;
    int c;
    while ((c = getopt_long(argc, argv, "d:a:nh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'a':
            if ((age = prune_age(optarg)) < 0)
                return cli_usage_error("--older-than needs an age such as 180d, 26w or 48h, not '%s'", optarg);
            break;
        case 'n': dry = true; break;
        case 'h': cli_help(); return 0;
        default: return cli_usage_error("%s", "unknown option");
        }
    }
    if (age < 0)
        return cli_usage_error("%s", "prune needs --older-than AGE (for example 180d)");
    if (optind < argc)
        return cli_usage_error("prune takes no arguments besides its options, not '%s'", argv[optind]);
    if (access(data, F_OK) != 0) {
        fprintf(stderr, "handsup: no data file at %s (use --data FILE)\n", data);
        return 1;
    }
    char err[1024];
    struct store *st = NULL;
    if (store_open(data, dry, &st, err, sizeof err) != HU_OK) {
        fprintf(stderr, "handsup: %s\n", err);
        return 1;
    }
    struct store_run_row *runs = NULL;
    size_t n = 0, deleted = 0;
    int status = 0;
    if (store_runs_all(st, &runs, &n) != HU_OK) {
        fprintf(stderr, "handsup: cannot read the runs of %s\n", data);
        status = 1;
    }
    int64_t cutoff = (int64_t)time(NULL) * 1000 - age;
    for (size_t i = 0; !status && i < n; i++) {
        const struct store_run_row *r = &runs[i];
        int64_t last = r->ended_at > r->active_at ? r->ended_at : r->active_at;
        if (last >= cutoff)
            continue;
        char when[32];
        prune_when(last, when, sizeof when);
        printf("%s run %d of session %.4s %.4s%s%s%s, last used %s, %u joined\n", dry ? "would delete" : "deleted",
               r->number, r->code, r->code + 4, r->label[0] ? " (" : "", r->label, r->label[0] ? ")" : "", when,
               (unsigned)r->participants);
        if (!dry && store_run_delete(st, r->id, err, sizeof err) != HU_OK) {
            fprintf(stderr, "handsup: %s\n", err);
            status = 1;
        }
        deleted++;
    }
    if (!status)
        printf("%zu run%s %s, %zu kept\n", deleted, deleted == 1 ? "" : "s", dry ? "to delete" : "deleted",
               n - deleted);
    free(runs);
    store_close(st);
    return status;
}
