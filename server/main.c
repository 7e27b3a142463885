/* main.c -- the handsup command line: `serve` and `export`.
 *
 * Parses options with getopt_long (GNU style: options may follow the decks
 * and codes, and "--" ends them), reports usage errors with exit status 2
 * and start-up errors with 1; SIGINT/SIGTERM end `serve` cleanly. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "deck/deck.h"
#include "export/export.h"
#include "server.h"
#include "store/store.h"

#define MAIN_DEFAULT_DATA "handsup.db"
#define MAIN_DEFAULT_PORT 8080
#define MAIN_MAX_ORIGINS 16
/* A --presenter-key shorter than this is accepted (a test or a rehearsal
 * may well use "secret") but warned about: the generated key has 32. */
#define MAIN_KEY_WEAK 16

static const char main_usage[] =
    "usage: handsup serve [--port N] [--host ADDR] [--data FILE] [--public-url URL]\n"
    "                     [--presenter-key KEY] [--allow-origin ORIGIN] [--allow-host NAME]\n"
    "                     [--max-conns-per-ip N] [--max-joins-burst N] [--ping-interval S]\n"
    "                     DECK.md...\n"
    "       handsup export [--data FILE] [--format csv|json|html] [--out DIR] [CODE...]\n"
    "       handsup --help | --version\n"
    "Options may come before or after the decks and codes; '--' ends them.\n"
    "\n"
    "serve    runs one voting session per deck and prints, for each, its join code,\n"
    "         attendee URL, QR code and presenter URL.\n"
    "         --port N            port to listen on (default 8080; 0 = any free port)\n"
    "         --host ADDR         address to listen on (default: all)\n"
    "         --data FILE         data file holding sessions and votes (default handsup.db)\n"
    "         --public-url URL    base URL phones use (default http://<LAN address>:<port>)\n"
    "         --presenter-key KEY fixed presenter key for every session (1 to 128 printable\n"
    "                             ASCII characters, no spaces; 16 or more advised)\n"
    "         --allow-origin O    also accept WebSockets from pages at origin O (repeatable)\n"
    "         --allow-host NAME   also accept WebSockets sent to host NAME, e.g. laptop.local\n"
    "         --max-conns-per-ip N  WebSockets from one address (default 4000)\n"
    "         --max-joins-burst N   new participants from one address at once (default 1000,\n"
    "                             then 20 a second)\n"
    "         --ping-interval S   ping a silent phone after S seconds, hang up after 1.5 S\n"
    "                             (default 20)\n"
    "export   writes results from the data file, with or without a running server.\n"
    "         --format F          csv (default), json or html\n"
    "         --out DIR           one file per session in DIR instead of standard output\n"
    "         CODE...             join codes of the sessions to export, spaces allowed\n"
    "                             (\"4045 5687\"; default: all)\n";

static int main_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int main_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "handsup: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'handsup --help'.\n");
    va_end(ap);
    return 2;
}

static int main_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int main_parse_port(const char *s, int *port)
{
    long v;
    if (main_parse_long(s, 0, 65535, &v))
        return -1;
    *port = (int)v;
    return 0;
}

static int main_parse_uint(const char *s, long min, long max, unsigned *out)
{
    long v;
    if (main_parse_long(s, min, max, &v))
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* Printable ASCII without spaces: what a shell, a URL fragment (the
 * presenter URL percent-encodes it) and an Authorization header all carry
 * unchanged. */
static bool main_key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n < 1 || n > HU_KEY_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (k[i] <= ' ' || k[i] > '~')
            return false;
    return true;
}

/* Refuses a deck named twice (also under another path), which would
 * otherwise resume the same session twice.  Returns 0 or the exit status. */
static int main_check_decks(char *const *decks, size_t n)
{
    struct stat *seen = calloc(n, sizeof *seen);
    bool *have = calloc(n, sizeof *have);
    int status = 0;
    if (!seen || !have) {
        fprintf(stderr, "handsup: out of memory\n");
        status = 1;
    }
    for (size_t i = 0; i < n && !status; i++) {
        have[i] = stat(decks[i], &seen[i]) == 0;
        for (size_t j = 0; j < i && have[i]; j++)
            if (have[j] && seen[j].st_dev == seen[i].st_dev && seen[j].st_ino == seen[i].st_ino) {
                status = main_usage_error("%s and %s are the same deck file: name each deck once "
                                          "(each one is a session)",
                                          decks[j], decks[i]);
                break;
            }
    }
    free(seen);
    free(have);
    return status;
}

/* Copies a join code given on the command line into out without its
 * spaces ("4045 5687", as it is read out); false unless 8 digits remain. */
static bool main_code(const char *arg, char out[HU_CODE_LEN + 1])
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

static int main_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, NULL, 'p'},     {"host", required_argument, NULL, 'H'},
        {"data", required_argument, NULL, 'd'},     {"public-url", required_argument, NULL, 'u'},
        {"presenter-key", required_argument, NULL, 'k'},
        {"allow-origin", required_argument, NULL, 'o'},
        {"allow-host", required_argument, NULL, 'A'},
        {"max-conns-per-ip", required_argument, NULL, 'C'},
        {"max-joins-burst", required_argument, NULL, 'J'},
        {"ping-interval", required_argument, NULL, 'P'},
        {"assets", required_argument, NULL, 'a'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct server_config cfg = {
        .port = MAIN_DEFAULT_PORT, .data_path = MAIN_DEFAULT_DATA, .ping_secs = HU_PING_SECS};
    const char *origins[MAIN_MAX_ORIGINS], *hosts[MAIN_MAX_ORIGINS];
    cfg.asset_dir = getenv("HANDSUP_ASSETS") ? getenv("HANDSUP_ASSETS") : HANDSUP_ASSET_DIR;
    int c;
    /* No leading '+': GNU getopt permutes, so "serve deck.md --port 0"
     * works as most command lines do. */
    while ((c = getopt_long(argc, argv, "p:H:d:u:k:o:A:C:J:P:a:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (main_parse_port(optarg, &cfg.port))
                return main_usage_error("--port needs a number from 0 to 65535, not '%s'", optarg);
            break;
        case 'H': cfg.host = optarg; break;
        case 'd': cfg.data_path = optarg; break;
        case 'u':
            if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
                return main_usage_error("--public-url must start with http:// or https://, not '%s'", optarg);
            cfg.public_url = optarg;
            break;
        case 'k':
            if (!main_key_ok(optarg))
                return main_usage_error("%s", "--presenter-key needs 1 to 128 printable ASCII characters, "
                                              "without spaces");
            cfg.presenter_key = optarg;
            break;
        case 'o':
            if (cfg.n_allow_origins >= MAIN_MAX_ORIGINS)
                return main_usage_error("%s", "too many --allow-origin");
            origins[cfg.n_allow_origins++] = optarg;
            break;
        case 'A':
            if (cfg.n_allow_hosts >= MAIN_MAX_ORIGINS)
                return main_usage_error("%s", "too many --allow-host");
            hosts[cfg.n_allow_hosts++] = optarg;
            break;
        case 'C':
            if (main_parse_uint(optarg, 1, 1000000, &cfg.max_conns_per_ip))
                return main_usage_error("--max-conns-per-ip needs a number from 1 to 1000000, not '%s'", optarg);
            break;
        case 'J':
            if (main_parse_uint(optarg, 1, 1000000, &cfg.max_joins_burst))
                return main_usage_error("--max-joins-burst needs a number from 1 to 1000000, not '%s'", optarg);
            break;
        case 'P':
            if (main_parse_uint(optarg, 1, 3600, &cfg.ping_secs))
                return main_usage_error("--ping-interval needs seconds from 1 to 3600, not '%s'", optarg);
            break;
        case 'a': cfg.asset_dir = optarg; break;
        case 'h': fputs(main_usage, stdout); return 0;
        default: return main_usage_error("%s", "unknown option");
        }
    }
    if (optind >= argc)
        return main_usage_error("%s", "serve needs at least one deck file");
    if (argc - optind > HU_SESSIONS_MAX)
        return main_usage_error("%s", "too many decks");
    cfg.decks = (const char *const *)&argv[optind];
    cfg.n_decks = (size_t)(argc - optind);
    cfg.allow_origins = origins;
    cfg.allow_hosts = hosts;
    if (cfg.presenter_key && strlen(cfg.presenter_key) < MAIN_KEY_WEAK)
        fprintf(stderr, "handsup: warning: --presenter-key has %zu characters; a short presenter key is "
                        "easy to guess (use %d or more, or leave it out for a random one)\n",
                strlen(cfg.presenter_key), MAIN_KEY_WEAK);
    int bad = main_check_decks(&argv[optind], cfg.n_decks);
    if (bad)
        return bad;

    char err[1024];
    int why;
    struct server *srv = server_new(&cfg, &why, err, sizeof err);
    if (!srv) {
        /* A broken deck is reported the way compilers do, "file:line: what
         * was expected" at the start of the line; other errors say who. */
        fprintf(stderr, why == HU_ERR_PARSE ? "%s\n" : "handsup: %s\n", err);
        return 1;
    }
    server_print_banner(srv, stdout, isatty(STDOUT_FILENO));
    signal(SIGPIPE, SIG_IGN);
    /* SIGINT and SIGTERM stop the loop (server_run watches them). */
    int rc = server_run(srv);
    server_free(srv);
    fprintf(stderr, "handsup: stopped\n");
    return rc;
}

static int main_write_file(const char *dir, const char *name, const char *ext, const char *data, size_t len)
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

/* Exports the sessions with these codes (all when n_codes is 0). */
static int main_export_codes(const char *data, const char *out_dir, enum export_format fmt,
                             const char *const *codes, size_t n_codes)
{
    if (access(data, F_OK) != 0) {
        fprintf(stderr, "handsup: no data file at %s (use --data FILE)\n", data);
        return 1;
    }
    char err[1024];
    struct store *st = NULL;
    if (store_open(data, true, &st, err, sizeof err) != HU_OK) {
        fprintf(stderr, "handsup: %s\n", err);
        return 1;
    }
    struct results *r = NULL;
    int rc = store_read_results(st, codes, n_codes, &r, err, sizeof err);
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
            status = main_write_file(out_dir, r->sessions[i].code, export_ext(fmt), text, len);
            free(text);
        }
    } else {
        char *text = NULL;
        size_t len = 0;
        if ((rc = export_render(r, fmt, &text, &len)) != HU_OK) {
            fprintf(stderr, "handsup: cannot format results: %s\n", hu_strerror(rc));
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

static int main_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'}, {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *data = MAIN_DEFAULT_DATA, *out_dir = NULL;
    enum export_format fmt = EXPORT_CSV;
    int c;
    while ((c = getopt_long(argc, argv, "d:f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'f':
            if (export_format_parse(optarg, &fmt) != HU_OK)
                return main_usage_error("--format must be csv, json or html, not '%s'", optarg);
            break;
        case 'o': out_dir = optarg; break;
        case 'h': fputs(main_usage, stdout); return 0;
        default: return main_usage_error("%s", "unknown option");
        }
    }
    size_t n_codes = (size_t)(argc - optind);
    char(*codes)[HU_CODE_LEN + 1] = calloc(n_codes ? n_codes : 1, sizeof *codes);
    const char **code_list = calloc(n_codes ? n_codes : 1, sizeof *code_list);
    if (!codes || !code_list) {
        free(codes);
        free(code_list);
        fprintf(stderr, "handsup: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < n_codes; i++) {
        if (!main_code(argv[optind + (int)i], codes[i])) {
            free(codes);
            free(code_list);
            return main_usage_error("'%s' is not an 8-digit join code", argv[optind + (int)i]);
        }
        code_list[i] = codes[i];
    }
    int status = main_export_codes(data, out_dir, fmt, code_list, n_codes);
    free(codes);
    free(code_list);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return main_usage_error("%s", "a command is needed: serve or export");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(main_usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("handsup %s\n", HANDSUP_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "serve") == 0)
        return main_serve(argc - 1, argv + 1);
    if (strcmp(argv[1], "export") == 0)
        return main_export(argc - 1, argv + 1);
    return main_usage_error("unknown command '%s' (expected serve or export)", argv[1]);
}
