/* cmd_serve.c -- `handsup serve`: options, checks, the server's life.
 *
 * Turns the command line into a server_config, refuses what would go wrong
 * later (a deck named twice, a bad key), starts the server, prints the
 * banner and runs the loop until SIGINT or SIGTERM. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "cli.h"
#include "cli_config.h"
#include "serve_cluster.h"
#include "serve_ops.h"
#include "serve_org.h"
#include "model/blocklist.h"
#include "server.h"

#define SERVE_DEFAULT_PORT 8080
#define SERVE_MAX_ORIGINS 16
#define SERVE_BLOCKLIST_MAX (16L * 1024 * 1024) /* a --blocklist file, bytes */
/* A --presenter-key shorter than this is accepted (a test or a rehearsal
 * may well use "secret") but warned about: the generated key has 32. */
#define SERVE_KEY_WEAK 16

const char cmd_serve_synopsis[] =
    "serve [--port N] [--host ADDR] [--data FILE] [--public-url URL]\n"
    "                     [--presenter-key KEY] [--allow-origin ORIGIN] [--allow-host NAME]\n"
    "                     [--max-conns-per-ip N] [--max-joins-burst N] [--ping-interval S]\n"
    "                     [--new-run [--run-label TEXT] | --resume] [--admin-key KEY]\n"
    "                     [--blocklist FILE] [--watch]\n"
    "                     [--redis URL [--redis-timeout MS] [--redis-allow-unsafe]] DECK.md...";

const char cmd_serve_usage[] =
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
    "         --blocklist FILE    words and phrases (one a line) that hold an answer or question\n"
    "                             for the presenter; extends the built-in list (a line\n"
    "                             \"-builtin\" replaces it)\n"
    "         --watch             reload a deck when it, its images or PDFs change; a broken\n"
    "                             edit keeps the running version\n" SERVE_OPS_USAGE SERVE_ORG_USAGE
    SERVE_CLUSTER_USAGE;

/* The blocklist (model/blocklist.h): the built-in words, extended or
 * replaced by the file at path (NULL: the built-in words alone).  NULL after
 * printing why it cannot be read. */
static struct blocklist *serve_blocklist(const char *path)
{
    struct blocklist *bl = blocklist_new();
    bool replace = false;
    int rc = bl ? HU_OK : HU_ERR_NOMEM;
    if (rc == HU_OK && path) {
        FILE *f = fopen(path, "rb");
        char *text = NULL;
        long size = -1;
        if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && size <= SERVE_BLOCKLIST_MAX &&
            fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1)) &&
            fread(text, 1, (size_t)size, f) == (size_t)size) {
            int line = 0;
            rc = blocklist_add_text(bl, text, (size_t)size, &replace, &line);
            if (rc == HU_ERR_PARSE)
                fprintf(stderr, "%s:%d: not UTF-8 text (expected one word or phrase a line)\n", path, line);
        } else {
            fprintf(stderr, "handsup: cannot read --blocklist %s: %s\n", path,
                    size > SERVE_BLOCKLIST_MAX ? "larger than 16 MiB" : strerror(errno ? errno : EIO));
            rc = HU_ERR_IO;
        }
        free(text);
        if (f)
            fclose(f);
    }
    if (rc == HU_OK && !replace)
        rc = blocklist_add_builtin(bl);
    if (rc == HU_ERR_NOMEM)
        fprintf(stderr, "handsup: out of memory\n");
    if (rc != HU_OK) {
        blocklist_free(bl);
        return NULL;
    }
    return bl;
}

/* Refuses a deck named twice (also under another path), which would
 * otherwise resume the same session twice.  Returns 0 or the exit status. */
static int serve_check_decks(char *const *decks, size_t n)
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
                status = cli_usage_error("%s and %s are the same deck file: name each deck once "
                                          "(each one is a session)",
                                          decks[j], decks[i]);
                break;
            }
    }
    free(seen);
    free(have);
    return status;
}

/* The table getopt reads: serve's own options, serve_ops.c's, then
 * serve_org.c's (which ends it with a zero row). */
static void serve_options(struct option *opts, size_t cap)
{
    static const struct option own[] = {
        {"port", required_argument, NULL, 'p'},     {"host", required_argument, NULL, 'H'},
        {"data", required_argument, NULL, 'd'},     {"public-url", required_argument, NULL, 'u'},
        {"presenter-key", required_argument, NULL, 'k'},
        {"allow-origin", required_argument, NULL, 'o'},
        {"allow-host", required_argument, NULL, 'A'},
        {"max-conns-per-ip", required_argument, NULL, 'C'},
        {"max-joins-burst", required_argument, NULL, 'J'},
        {"ping-interval", required_argument, NULL, 'P'},
        {"assets", required_argument, NULL, 'a'},   {"help", no_argument, NULL, 'h'},
        {"watch", no_argument, NULL, 'w'},
        {"blocklist", required_argument, NULL, 'B'},
    };
    size_t n = sizeof own / sizeof own[0];
    memcpy(opts, own, sizeof own);
    for (size_t i = 0; serve_ops_options[i].name && n < cap - 1; i++)
        opts[n++] = serve_ops_options[i];
    for (size_t i = 0; serve_org_options[i].name && n < cap - 1; i++)
        opts[n++] = serve_org_options[i];
    for (size_t i = 0; n < cap; i++) {
        opts[n++] = serve_cluster_options[i];
        if (!serve_cluster_options[i].name)
            break;
    }
    opts[cap - 1] = (struct option){NULL, 0, NULL, 0};
}

static int serve_main(int argc, char **argv, const struct option *opts)
{
    struct serve_ops ops;
    serve_ops_init(&ops);
    struct server_config cfg = {
        .port = SERVE_DEFAULT_PORT, .data_path = CLI_DEFAULT_DATA, .ping_secs = HU_PING_SECS};
    const char *origins[SERVE_MAX_ORIGINS], *hosts[SERVE_MAX_ORIGINS];
    char assets[4096];
    cfg.asset_dir = cli_asset_dir(assets, sizeof assets);
    const char *blocklist_path = NULL;
    bool data_given = false;
    int c, rc;
    /* No leading '+': GNU getopt permutes, so "serve deck.md --port 0"
     * works as most command lines do. */
    while ((c = getopt_long(argc, argv, "p:H:d:u:k:o:A:C:J:P:a:B:hw", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (cli_parse_port(optarg, &cfg.port))
                return cli_usage_error("--port needs a number from 0 to 65535, not '%s'", optarg);
            break;
        case 'H': cfg.host = optarg; break;
        case 'd':
            cfg.data_path = optarg;
            data_given = true;
            break;
        case 'u':
            if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
                return cli_usage_error("--public-url must start with http:// or https://, not '%s'", optarg);
            cfg.public_url = optarg;
            break;
        case 'k':
            if (!cli_key_ok(optarg))
                return cli_usage_error("%s", "--presenter-key needs 1 to 128 printable ASCII characters, "
                                              "without spaces");
            cfg.presenter_key = optarg;
            break;
        case 'o':
            if (cfg.n_allow_origins >= SERVE_MAX_ORIGINS)
                return cli_usage_error("%s", "too many --allow-origin");
            origins[cfg.n_allow_origins++] = optarg;
            break;
        case 'A':
            if (cfg.n_allow_hosts >= SERVE_MAX_ORIGINS)
                return cli_usage_error("%s", "too many --allow-host");
            hosts[cfg.n_allow_hosts++] = optarg;
            break;
        case 'C':
            if (cli_parse_uint(optarg, 1, 1000000, &cfg.max_conns_per_ip))
                return cli_usage_error("--max-conns-per-ip needs a number from 1 to 1000000, not '%s'", optarg);
            break;
        case 'J':
            if (cli_parse_uint(optarg, 1, 1000000, &cfg.max_joins_burst))
                return cli_usage_error("--max-joins-burst needs a number from 1 to 1000000, not '%s'", optarg);
            break;
        case 'P':
            if (cli_parse_uint(optarg, 1, 3600, &cfg.ping_secs))
                return cli_usage_error("--ping-interval needs seconds from 1 to 3600, not '%s'", optarg);
            break;
        case 'a': cfg.asset_dir = optarg; break;
        case 'w': cfg.watch = true; break;
        case 'B': blocklist_path = optarg; break;
        case 'h': cli_help(); return 0;
        default:
            if (c < SERVE_OPS_FIRST)
                return cli_usage_error("%s", "unknown option");
            if ((rc = c >= SERVE_CLUSTER_FIRST ? serve_cluster_option(c, optarg, &cfg)
                      : c >= SERVE_ORG_FIRST   ? serve_org_option(c, optarg, &cfg)
                                               : serve_ops_option(c, optarg, &cfg, &ops)) != 0)
                return rc;
        }
    }
    if (optind >= argc)
        return cli_usage_error("%s", "serve needs at least one deck file");
    if (argc - optind > HU_SESSIONS_MAX)
        return cli_usage_error("%s", "too many decks");
    cfg.decks = (const char *const *)&argv[optind];
    cfg.n_decks = (size_t)(argc - optind);
    cfg.allow_origins = origins;
    cfg.allow_hosts = hosts;
    if ((rc = serve_ops_finish(&cfg, &ops)) != 0 || (rc = serve_org_finish(&cfg)) != 0 ||
        (rc = serve_cluster_finish(&cfg, data_given)) != 0)
        return rc;
    if (cfg.presenter_key && strlen(cfg.presenter_key) < SERVE_KEY_WEAK)
        fprintf(stderr, "handsup: warning: --presenter-key has %zu characters; a short presenter key is "
                        "easy to guess (use %d or more, or leave it out for a random one)\n",
                strlen(cfg.presenter_key), SERVE_KEY_WEAK);
    int bad = serve_check_decks(&argv[optind], cfg.n_decks);
    if (bad)
        return bad;

    struct blocklist *bl = serve_blocklist(blocklist_path);
    if (!bl)
        return 1;
    cfg.blocklist = bl;

    char err[1024];
    int why;
    struct server *srv = server_new(&cfg, &why, err, sizeof err);
    if (!srv) {
        /* A broken deck is reported the way compilers do, "file:line: what
         * was expected" at the start of the line; other errors say who. */
        fprintf(stderr, why == HU_ERR_PARSE ? "%s\n" : "handsup: %s\n", err);
        blocklist_free(bl);
        /* A Redis that could lose acknowledged votes is a configuration to
         * fix, as a usage error is. */
        return why == HU_ERR_FORBIDDEN ? 2 : 1;
    }
    server_print_banner(srv, stdout, isatty(STDOUT_FILENO));
    signal(SIGPIPE, SIG_IGN);
    /* SIGINT and SIGTERM stop the loop (server_run watches them). */
    rc = server_run(srv);
    server_free(srv);
    blocklist_free(bl);
    log_event(LOG_INFO, "stopped", LOG_END);
    return rc;
}

int cmd_serve(int argc, char **argv)
{
    struct option opts[64];
    serve_options(opts, sizeof opts / sizeof opts[0]);
    struct cli_config *mem;
    int rc = cli_config_expand(argc, argv, opts, &argc, &argv, &mem);
    if (rc == 0)
        rc = serve_main(argc, argv, opts);
    cli_config_free(mem);
    return rc;
}
