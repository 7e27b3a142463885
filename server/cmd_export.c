/* cmd_export.c -- `handsup export`: results from the data file, with or
 * without a running server (the data file is opened read-only). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "cli.h"
#include "export/export.h"
#include "store/store.h"

const char cmd_export_synopsis[] =
    "export [--data FILE | --redis URL] [--format csv|json|html|xlsx|answers|questions]\n"
    "                     [--run N|all] [--out DIR] [CODE...]\n"
    "       handsup export --redis URL --data FILE --format sqlite [CODE...]";

const char cmd_export_usage[] =
    "export   writes results from the data file, with or without a running server.\n"
    "         --format F          csv (default), json or html: results of every poll;\n"
    "                             xlsx: a workbook, one sheet per session and run;\n"
    "                             answers or questions: every open answer or audience\n"
    "                             question with its status and time, as CSV\n"
    "         --run N|all         the run to export (default: each session's latest)\n"
    "         --out DIR           one file per session (per run with --run) in DIR instead of\n"
    "                             standard output\n"
    "         --redis URL         read a cluster's sessions from Redis (redis://HOST:PORT[/DB])\n"
    "                             instead of a data file; with --data FILE --format sqlite,\n"
    "                             copy them with every run into FILE, a new data file that\n"
    "                             export, report and serve read afterwards\n"
    "         CODE...             join codes of the sessions to export, as read out:\n"
    "                             86475705, \"8647 5705\" or 8647 5705 (default: all)\n";

static int export_write_file(const char *dir, const char *name, const char *ext, const char *data, size_t len)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    if (n < 0 || (size_t)n >= sizeof path) {
        fprintf(stderr, "handsup: output path too long\n");
        return 1;
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "handsup: cannot write %s: %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return 1;
    }
    printf("%s\n", path);
    return 0;
}

/* Copies the sessions with these codes (all when n_codes is 0) from Redis
 * at url into a new data file at data. */
static int export_archive(const char *url, const char *data, const char *const *codes, size_t n_codes)
{
    if (access(data, F_OK) == 0) {
        fprintf(stderr, "handsup: %s exists already: an archive goes into a new data file\n", data);
        return 1;
    }
    char err[1024];
    struct store *src = NULL, *dst = NULL;
    struct store_redis_opts ro = {url, 0, false, NULL};
    int rc = store_open_redis(&ro, &src, err, sizeof err);
    if (rc == HU_OK)
        rc = store_open(data, false, &dst, err, sizeof err);
    if (rc == HU_OK)
        rc = store_redis_archive(src, dst, codes, n_codes, err, sizeof err);
    store_close(dst);
    store_close(src);
    if (rc != HU_OK) {
        fprintf(stderr, "handsup: %s\n", err);
        return 1;
    }
    fprintf(stderr, "handsup: archived into %s\n", data);
    return 0;
}

/* Exports the sessions with these codes (all when n_codes is 0), from the
 * data file, or from Redis when redis is given. */
static int export_codes(const char *data, const char *redis, const char *out_dir, enum export_format fmt, int run,
                        const char *const *codes, size_t n_codes)
{
    if (!redis && access(data, F_OK) != 0) {
        fprintf(stderr, "handsup: no data file at %s (use --data FILE)\n", data);
        return 1;
    }
    char err[1024];
    struct store *st = NULL;
    struct store_redis_opts ro = {redis, 0, false, NULL};
    if ((redis ? store_open_redis(&ro, &st, err, sizeof err) : store_open(data, true, &st, err, sizeof err)) !=
        HU_OK) {
        fprintf(stderr, "handsup: %s\n", err);
        return 1;
    }
    struct results *r = NULL;
    int rc = store_read_results(st, codes, n_codes, run, &r, err, sizeof err);
    store_close(st);
    if (rc) {
        fprintf(stderr, "handsup: %s\n", err);
        return 1;
    }
    int status = 0;
    if (out_dir) {
        /* One file per session, named by its code. */
        struct results one = {1, NULL};
        for (size_t i = 0; i < r->n_sessions && !status; i++) {
            one.sessions = &r->sessions[i];
            char *text = NULL;
            size_t len = 0;
            if ((rc = export_render(&one, fmt, &text, &len)) != HU_OK) {
                fprintf(stderr, "handsup: cannot format results: %s\n", hu_strerror(rc));
                status = 1;
                break;
            }
            /* <code>.<ext> for a session's latest run, as before runs existed;
             * <code>-run<N>.<ext> when runs were asked for. */
            char name[64];
            if (run == STORE_RUN_LATEST)
                snprintf(name, sizeof name, "%s", r->sessions[i].code);
            else
                snprintf(name, sizeof name, "%s-run%d", r->sessions[i].code, r->sessions[i].run);
            status = export_write_file(out_dir, name, export_ext(fmt), text, len);
            free(text);
        }
    } else {
        char *text = NULL;
        size_t len = 0;
        if ((rc = export_render(r, fmt, &text, &len)) != HU_OK) {
            fprintf(stderr, "handsup: cannot format results: %s\n", hu_strerror(rc));
            status = 1;
        } else if (fmt == EXPORT_XLSX && isatty(STDOUT_FILENO)) {
            fprintf(stderr, "handsup: an xlsx workbook is not for a terminal: redirect it to a file "
                            "(> results.xlsx) or use --out DIR\n");
            status = 1;
        } else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
            fprintf(stderr, "handsup: cannot write results: %s\n", strerror(errno));
            status = 1;
        }
        free(text);
    }
    results_free(r);
    return status;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},  {"run", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},       {"redis", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    const char *data = CLI_DEFAULT_DATA, *out_dir = NULL, *redis = NULL;
    bool data_given = false, archive = false;
    enum export_format fmt = EXPORT_CSV;
    int c;
    int run = STORE_RUN_LATEST;
    long n;
    while ((c = getopt_long(argc, argv, "d:f:o:r:hR:", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            data_given = true;
            break;
        case 'R': redis = optarg; break;
        case 'f':
            if (strcmp(optarg, "sqlite") == 0)
                archive = true;
            else if (export_format_parse(optarg, &fmt) != HU_OK)
                return cli_usage_error("--format must be csv, json, html, xlsx, answers or questions, not '%s'",
                                       optarg);
            break;
        case 'o': out_dir = optarg; break;
        case 'r':
            if (strcmp(optarg, "all") == 0)
                run = STORE_RUN_ALL;
            else if (cli_parse_long(optarg, 1, 999999, &n) == 0)
                run = (int)n;
            else
                return cli_usage_error("--run needs a run number or all, not '%s'", optarg);
            break;
        case 'h': cli_help(); return 0;
        default: return cli_usage_error("%s", "unknown option");
        }
    }
    if (archive && (!redis || !data_given))
        return cli_usage_error("%s", "--format sqlite archives Redis into a new data file: give --redis URL and "
                                     "--data FILE");
    if (redis && data_given && !archive)
        return cli_usage_error("%s", "--data and --redis exclude each other, except with --format sqlite");
    size_t n_args = (size_t)(argc - optind), n_codes = 0;
    char(*codes)[HU_CODE_LEN + 1] = calloc(n_args ? n_args : 1, sizeof *codes);
    const char **code_list = calloc(n_args ? n_args : 1, sizeof *code_list);
    if (!codes || !code_list) {
        free(codes);
        free(code_list);
        fprintf(stderr, "handsup: out of memory\n");
        return 1;
    }
    const char *bad = NULL;
    if (cli_codes(&argv[optind], n_args, codes, &n_codes, &bad) != 0) {
        free(codes);
        free(code_list);
        return cli_usage_error("'%s' does not start an 8-digit join code", bad ? bad : "");
    }
    for (size_t i = 0; i < n_codes; i++)
        code_list[i] = codes[i];
    int status = archive ? export_archive(redis, data, code_list, n_codes)
                         : export_codes(data, redis, out_dir, fmt, run, code_list, n_codes);
    free(codes);
    free(code_list);
    return status;
}
