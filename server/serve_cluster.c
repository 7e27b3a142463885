/* serve_cluster.c -- `serve --redis` and its companions (serve_cluster.h). */
#include "serve_cluster.h"

#include <stdio.h>

#include "cli.h"

const struct option serve_cluster_options[] = {
    {"redis", required_argument, NULL, SERVE_CLUSTER_REDIS},
    {"redis-timeout", required_argument, NULL, SERVE_CLUSTER_TIMEOUT},
    {"redis-allow-unsafe", no_argument, NULL, SERVE_CLUSTER_UNSAFE},
    {NULL, 0, NULL, 0},
};

int serve_cluster_option(int c, const char *arg, struct server_config *cfg)
{
    switch (c) {
    case SERVE_CLUSTER_REDIS: cfg->redis_url = arg; return 0;
    case SERVE_CLUSTER_TIMEOUT:
        if (cli_parse_uint(arg, 10, 600000, &cfg->redis_timeout_ms))
            return cli_usage_error("--redis-timeout needs milliseconds from 10 to 600000, not '%s'", arg);
        return 0;
    case SERVE_CLUSTER_UNSAFE: cfg->redis_allow_unsafe = true; return 0;
    default: return cli_usage_error("%s", "unknown option");
    }
}

int serve_cluster_finish(const struct server_config *cfg, bool data_given)
{
    if (!cfg->redis_url)
        return (cfg->redis_timeout_ms || cfg->redis_allow_unsafe)
                   ? cli_usage_error("%s", "--redis-timeout and --redis-allow-unsafe go with --redis URL")
                   : 0;
    /* Two records of one event would disagree; Redis is the record here, and
     * `handsup export --redis URL --data FILE --format sqlite` archives it. */
    if (data_given)
        return cli_usage_error("%s", "--data and --redis exclude each other: in cluster mode Redis holds the "
                                     "sessions and votes (archive them to a data file with handsup export "
                                     "--redis URL --data FILE --format sqlite)");
    /* Each node would reload on its own, and the nodes' decks would differ. */
    if (cfg->watch)
        return cli_usage_error("%s", "--watch is not available with --redis: restart the nodes one by one with "
                                     "the edited deck instead");
    return 0;
}
