/* serve_cluster.h -- the options of `serve` for cluster mode (DESIGN
 * section 12): --redis, --redis-timeout, --redis-allow-unsafe.
 *
 * cmd_serve appends serve_cluster_options to its getopt table and hands
 * every option value at or above SERVE_CLUSTER_FIRST to serve_cluster_option. */
#ifndef HU_SERVE_CLUSTER_H
#define HU_SERVE_CLUSTER_H

#include <getopt.h>
#include <stdbool.h>

#include "net/config.h"

enum {
    SERVE_CLUSTER_FIRST = 1200,
    SERVE_CLUSTER_REDIS = SERVE_CLUSTER_FIRST,
    SERVE_CLUSTER_TIMEOUT,
    SERVE_CLUSTER_UNSAFE,
};

/* Terminated by a zero row. */
extern const struct option serve_cluster_options[];

#define SERVE_CLUSTER_USAGE \
    "         --redis URL         cluster mode: keep sessions and votes in Redis 7 at\n" \
    "                             redis://HOST:PORT[/DB], shared by every node serving the\n" \
    "                             same decks (no data file; see docs/cluster.md)\n" \
    "         --redis-timeout MS  a Redis command unanswered this long fails: its vote gets\n" \
    "                             store_failed (default 1000)\n" \
    "         --redis-allow-unsafe  start even when Redis lacks appendonly yes and\n" \
    "                             appendfsync always (acknowledged votes can be lost; tests only)\n"

/* Takes option c with its argument.  Returns 0, or the exit status of a
 * usage error after printing it. */
int serve_cluster_option(int c, const char *arg, struct server_config *cfg);

/* After every option: refuses what cluster mode cannot do (--data, --watch).
 * data_given says whether --data was on the command line.  0 or an exit
 * status. */
int serve_cluster_finish(const struct server_config *cfg, bool data_given);

#endif
