/* main.c -- handsup-bench: the load generator's command line.
 *
 * Plays one presenter and up to N attendees against a running server that
 * speaks docs/protocol.md (handsup, or the Node baseline), runs the chosen
 * scenarios in order and prints each one's figures as a JSON line and rows.
 * Exit status: 0 when every scenario ran, 1 when one could not run or (with
 * --check) saw figures that cannot be right, 2 on a usage error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static const char usage[] =
    "usage: handsup-bench --port P --code CODE --key KEY [options]\n"
    "  --host ADDR        server address (127.0.0.1)\n"
    "  --pid PID          server process, for RSS and CPU figures\n"
    "  --label NAME       name printed with every figure (handsup)\n"
    "  --n N              attendees (19000)\n"
    "  --steps A,B,...    connect ramp (1000,5000,10000,19000)\n"
    "  --rates A,B,...    steady votes/s (1000,10000,50000)\n"
    "  --steady-secs S    seconds per steady rate, and of the upvotes of qa (10)\n"
    "  --moves M          fan-out moves (20)\n"
    "  --inflight K       handshakes in flight at most (256)\n"
    "  --sources S        source addresses 127.0.0.2 ... (8)\n"
    "  --scenarios LIST   connect,burst,steady,fanout,reconnect (the default: all five), and\n"
    "                     multiple,scale,text,qa or kinds (all four) on tests/bench/deck-kinds.md\n"
    "  --json FILE        also append the JSON lines to FILE\n"
    "  --check            exit 1 when a figure cannot be right (lost acks, wrong tally)\n"
    "  --peers P          cluster mode: P generator processes (same --n each) drive one room\n"
    "  --rank R           this generator's rank, 0 to P-1 (rank 0 moves slides and kills)\n"
    "  --sync DIR         folder of the generators' barrier files (empty at the start)\n"
    "  --kill-pid PID     the node rank 0 kills with SIGKILL in the failover scenario\n"
    "                     (scenario failover: every phone votes, the node dies, phones come back)\n"
    "  --failover-n K     phones kept for the failover (the others leave first; 0: all)\n";

static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_list(const char *s, long lo, long hi, int *out, int cap, int *n)
{
    *n = 0;
    while (*s) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || v < lo || v > hi || *n >= cap || (*end && *end != ','))
            return -1;
        out[(*n)++] = (int)v;
        s = *end ? end + 1 : end;
    }
    return *n > 0 ? 0 : -1;
}

static int parse_scenarios(const char *s, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"connect", SCEN_CONNECT}, {"burst", SCEN_BURST}, {"steady", SCEN_STEADY},
                 {"fanout", SCEN_FANOUT},   {"reconnect", SCEN_RECONNECT}, {"multiple", SCEN_MULTIPLE},
                 {"scale", SCEN_SCALE},     {"text", SCEN_TEXT},           {"qa", SCEN_QA},
                 {"kinds", SCEN_KINDS},     {"failover", SCEN_FAILOVER}};
    *out = SCEN_CONNECT; /* every other scenario needs connected phones */
    while (*s) {
        size_t len = strcspn(s, ",");
        size_t k;
        for (k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strlen(names[k].name) == len && strncmp(names[k].name, s, len) == 0)
                break;
        if (k == sizeof names / sizeof names[0])
            return -1;
        *out |= names[k].bit;
        s += len + (s[len] == ',');
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct bench_config *c, bool *check)
{
    static const struct option opts[] = {
        {"host", required_argument, NULL, 'h'},      {"port", required_argument, NULL, 'p'},
        {"pid", required_argument, NULL, 'P'},       {"code", required_argument, NULL, 'c'},
        {"key", required_argument, NULL, 'k'},       {"label", required_argument, NULL, 'l'},
        {"n", required_argument, NULL, 'n'},         {"steps", required_argument, NULL, 's'},
        {"rates", required_argument, NULL, 'r'},     {"steady-secs", required_argument, NULL, 'S'},
        {"moves", required_argument, NULL, 'm'},     {"inflight", required_argument, NULL, 'i'},
        {"sources", required_argument, NULL, 'a'},   {"scenarios", required_argument, NULL, 'x'},
        {"json", required_argument, NULL, 'j'},      {"check", no_argument, NULL, 'C'},
        {"peers", required_argument, NULL, 'E'},     {"rank", required_argument, NULL, 'R'},
        {"sync", required_argument, NULL, 'Y'},      {"kill-pid", required_argument, NULL, 'K'},
        {"failover-n", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0}};
    int ch, secs = 10, which = 0;
    while ((ch = getopt_long(argc, argv, "", opts, &which)) != -1) {
        int bad = 0;
        switch (ch) {
        case 'h': c->host = optarg; break;
        case 'p': bad = parse_int(optarg, 1, 65535, &c->port); break;
        case 'P': bad = parse_int(optarg, 1, 1 << 30, &c->pid); break;
        case 'c': c->code = optarg; break;
        case 'k': c->key = optarg; break;
        case 'l': c->label = optarg; break;
        case 'n': bad = parse_int(optarg, 1, 1000000, &c->n); break;
        case 's': bad = parse_list(optarg, 1, 1000000, c->steps, 8, &c->n_steps); break;
        case 'r': bad = parse_list(optarg, 1, 10000000, c->rates, 8, &c->n_rates); break;
        case 'S': bad = parse_int(optarg, 1, 3600, &secs); break;
        case 'm': bad = parse_int(optarg, 0, 1000, &c->moves); break;
        case 'i': bad = parse_int(optarg, 1, 100000, &c->inflight); break;
        case 'a': bad = parse_int(optarg, 0, 250, &c->sources); break;
        case 'x': bad = parse_scenarios(optarg, &c->scenarios); break;
        case 'j': c->json_path = optarg; break;
        case 'C': *check = true; break;
        case 'E': bad = parse_int(optarg, 1, 64, &c->peers); break;
        case 'R': bad = parse_int(optarg, 0, 63, &c->rank); break;
        case 'Y': c->sync_dir = optarg; break;
        case 'K': bad = parse_int(optarg, 1, 1 << 30, &c->kill_pid); break;
        case 'F': bad = parse_int(optarg, 0, 1000000, &c->failover_n); break;
        default: return -1;
        }
        if (bad) {
            fprintf(stderr, "handsup-bench: bad value for --%s: %s\n", opts[which].name, optarg);
            return -1;
        }
    }
    c->steady_secs = secs;
    if (optind != argc || !c->port || !c->code || !c->key)
        return -1;
    if (c->peers > 1 && (!c->sync_dir || c->rank >= c->peers))
        return -1;
    return 0;
}

/* Every phone is a socket: take the whole hard limit (20,000 here). */
static void raise_nofile(int n)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < (rlim_t)n + 16)
        fprintf(stderr, "handsup-bench: warning: %d phones need more than the %llu open files allowed\n", n,
                (unsigned long long)rl.rlim_cur);
}

int main(int argc, char **argv)
{
    struct bench b;
    memset(&b, 0, sizeof b);
    b.epfd = -1;
    b.mark_slide = -1;
    struct bench_config *c = &b.cfg;
    *c = (struct bench_config){.label = "handsup", .host = "127.0.0.1", .n = 19000,
                               .steps = {1000, 5000, 10000, 19000}, .n_steps = 4,
                               .rates = {1000, 10000, 50000}, .n_rates = 3, .moves = 20, .inflight = 256,
                               .sources = 8, .scenarios = 31, .peers = 1};
    bool check = false;
    if (parse_args(argc, argv, c, &check) != 0) {
        fputs(usage, stderr);
        return 2;
    }
    raise_nofile(c->n);
    b.rng = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid();
    if (!b.rng)
        b.rng = 1;
    b.phones = calloc((size_t)c->n + 1, sizeof *b.phones);
    if (!b.phones || wsc_init(&b) != 0) {
        fprintf(stderr, "handsup-bench: out of memory\n");
        return 1;
    }
    for (int i = 0; i <= c->n; i++) {
        b.phones[i].fd = -1;
        b.phones[i].slide = -1;
    }
    /* With --peers, every rank meets the others before each scenario, so
     * their bursts start together (cluster_barrier: a no-op alone). */
    int rc = cluster_barrier(&b, "start");
    if (rc == 0)
        rc = scen_presenter(&b);
    if (rc == 0)
        rc = scen_connect(&b);
    if (rc == 0 && c->peers > 1) {
        /* tests/bench/run reads both nodes' RSS while the room idles. */
        rc = cluster_barrier(&b, "connected");
        bench_idle(&b, 3.0);
    }
    if (rc == 0 && (c->scenarios & SCEN_BURST) && cluster_barrier(&b, "burst") == 0)
        scen_burst(&b);
    if (rc == 0 && (c->scenarios & SCEN_KINDS))
        scen_kinds(&b);
    /* Steady runs last: its 50,000 votes/s may overload a server, and the
     * backlog must not spill into the fan-out and reconnect figures. */
    if (rc == 0 && (c->scenarios & SCEN_FANOUT) && cluster_barrier(&b, "fanout") == 0)
        (c->rank == 0 ? scen_fanout : scen_fanout_follow)(&b);
    if (rc == 0 && (c->scenarios & SCEN_RECONNECT))
        scen_reconnect(&b);
    if (rc == 0 && (c->scenarios & SCEN_STEADY))
        rc = scen_steady(&b);
    /* Last: a node dies. */
    if (rc == 0 && (c->scenarios & SCEN_FAILOVER))
        scen_failover(&b);
    wsc_fini(&b);
    free(b.sent_at);
    free(b.phones);
    if (rc != 0)
        return 1;
    return check && b.insane ? 1 : 0;
}
