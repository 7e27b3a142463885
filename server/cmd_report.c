/* cmd_report.c -- `handsup report`: every run of every poll side by side,
 * from one or several data files (each facilitator's laptop), for a
 * committee (DESIGN section 10; the shape is export/report.h's).
 *
 * Data files are opened read-only, so a report can be made while a server
 * runs on one of them.  A code named on the command line selects that
 * session in every file that has it: two laptops that served the same deck
 * with the same code are both reported. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "cli.h"
#include "export/report.h"
#include "store/store.h"

#define REPORT_MAX_FILES 64
#define REPORT_MAX_POLLS 256

const char cmd_report_synopsis[] =
    "report [--data FILE]... [--redis URL]... [--format html|csv|json] [--out FILE] [--poll ID]...\n"
    "                     [--title TEXT] [--technical] [CODE...]";

const char cmd_report_usage[] =
    "report   puts every run of every poll side by side, from one or several data files,\n"
    "         for a committee: per run its label, date, counts, percentages, voters and\n"
    "         joined, and a trend chart per poll.  Polls are matched by id across runs and\n"
    "         decks.\n"
    "         --data FILE         a data file (repeatable; default handsup.db)\n"
    "         --redis URL         a cluster's Redis, redis://HOST:PORT[/DB], read like a data\n"
    "                             file (repeatable; the data_file column names the URL)\n"
    "         --format F          html (default; prints on A4), csv (long form, for a pivot\n"
    "                             table) or json\n"
    "         --out FILE          write to FILE instead of standard output\n"
    "         --poll ID           only this poll (repeatable)\n"
    "         --title TEXT        the report's heading\n"
    "         --technical         also join codes, poll ids, slides, run numbers, data files\n"
    "                             and times with their UTC offset (html)\n"
    "         CODE...             only these sessions, as read out (default: all)\n";

/* Keeps only the sessions whose codes are listed; counts in found[k] the
 * sessions kept for code k. */
static void report_filter(struct results *r, char (*codes)[HU_CODE_LEN + 1], size_t n_codes, size_t *found)
{
    if (!n_codes)
        return;
    size_t k = 0;
    for (size_t i = 0; i < r->n_sessions; i++) {
        struct results_session *s = &r->sessions[i];
        bool keep = false;
        for (size_t c = 0; c < n_codes; c++)
            if (s->code && strcmp(s->code, codes[c]) == 0) {
                keep = true;
                found[c]++;
            }
        if (keep) {
            if (k != i) {
                struct results_session tmp = r->sessions[k];
                r->sessions[k] = *s;
                *s = tmp;
            }
            k++;
        }
    }
    /* The ones dropped are past k now: freed here, as results_free will
     * only see the first k. */
    for (size_t i = k; i < r->n_sessions; i++)
        results_session_clear(&r->sessions[i]);
    r->n_sessions = k;
}

static int report_write(const char *out, const char *text, size_t len)
{
    FILE *f = out ? fopen(out, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "handsup: cannot write %s: %s\n", out, strerror(errno));
        return 1;
    }
    bool ok = fwrite(text, 1, len, f) == len;
    ok = (out ? fclose(f) == 0 : fflush(f) == 0) && ok;
    if (!ok) {
        fprintf(stderr, "handsup: cannot write %s: %s\n", out ? out : "the report", strerror(errno));
        return 1;
    }
    if (out)
        printf("%s\n", out);
    return 0;
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},  {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},   {"poll", required_argument, NULL, 'p'},
        {"title", required_argument, NULL, 't'}, {"technical", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},        {"redis", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    const char *files[REPORT_MAX_FILES], *polls[REPORT_MAX_POLLS], *out = NULL;
    size_t n_files = 0, n_polls = 0;
    struct report_opts ro = {0};
    enum export_format fmt = EXPORT_HTML;
    int c;
    while ((c = getopt_long(argc, argv, "d:f:o:p:t:ThR:", opts, NULL)) != -1) {
        switch (c) {
        case 'R': /* a cluster's Redis is one more source, named by its URL */
        case 'd':
            if (n_files == REPORT_MAX_FILES)
                return cli_usage_error("at most %d --data", REPORT_MAX_FILES);
            files[n_files++] = optarg;
            break;
        case 'f':
            if (export_format_parse(optarg, &fmt) != HU_OK || fmt == EXPORT_XLSX)
                return cli_usage_error("--format must be html, csv or json, not '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'p':
            if (n_polls == REPORT_MAX_POLLS)
                return cli_usage_error("at most %d --poll", REPORT_MAX_POLLS);
            polls[n_polls++] = optarg;
            break;
        case 't': ro.title = optarg; break;
        case 'T': ro.technical = true; break;
        case 'h': cli_help(); return 0;
        default: return cli_usage_error("%s", "unknown option");
        }
    }
    if (!n_files)
        files[n_files++] = CLI_DEFAULT_DATA;
    ro.polls = polls;
    ro.n_polls = n_polls;

    size_t n_args = (size_t)(argc - optind), n_codes = 0;
    char(*codes)[HU_CODE_LEN + 1] = calloc(n_args ? n_args : 1, sizeof *codes);
    size_t *found = calloc(n_args ? n_args : 1, sizeof *found);
    struct report_source *src = calloc(n_files, sizeof *src);
    struct results **res = calloc(n_files, sizeof *res);
    int status = 0;
    const char *bad = NULL;
    if (!codes || !found || !src || !res) {
        fprintf(stderr, "handsup: out of memory\n");
        status = 1;
    } else if (cli_codes(&argv[optind], n_args, codes, &n_codes, &bad) != 0) {
        status = cli_usage_error("'%s' does not start an 8-digit join code", bad ? bad : "");
    }
    for (size_t i = 0; !status && i < n_files; i++) {
        char err[1024];
        struct store *st = NULL;
        bool redis = strncmp(files[i], "redis://", 8) == 0;
        struct store_redis_opts rop = {files[i], 0, false, NULL};
        if (!redis && access(files[i], F_OK) != 0) {
            fprintf(stderr, "handsup: no data file at %s\n", files[i]);
            status = 1;
        } else if ((redis ? store_open_redis(&rop, &st, err, sizeof err)
                          : store_open(files[i], true, &st, err, sizeof err)) != HU_OK ||
                   store_read_results(st, NULL, 0, STORE_RUN_ALL, &res[i], err, sizeof err) != HU_OK) {
            fprintf(stderr, "handsup: %s\n", err);
            status = 1;
        }
        store_close(st);
        if (!status) {
            report_filter(res[i], codes, n_codes, found);
            src[i].data_file = files[i];
            src[i].results = res[i];
        }
    }
    for (size_t k = 0; !status && k < n_codes; k++)
        if (!found[k]) {
            fprintf(stderr, "handsup: no session with code %s in %s%s\n", codes[k], files[0],
                    n_files > 1 ? " or the other data files" : "");
            status = 1;
        }
    if (!status) {
        char *text = NULL;
        size_t len = 0;
        int rc = report_render(src, n_files, &ro, fmt, &text, &len);
        if (rc != HU_OK) {
            fprintf(stderr, "handsup: cannot write the report: %s\n", hu_strerror(rc));
            status = 1;
        } else {
            status = report_write(out, text, len);
        }
        free(text);
    }
    for (size_t i = 0; res && i < n_files; i++)
        results_free(res[i]);
    free(res);
    free(src);
    free(found);
    free(codes);
    return status;
}
