/* serve_ops.c -- the options of `serve` for running it for real (serve_ops.h). */
#include "serve_ops.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "net/clientaddr.h"

const struct option serve_ops_options[] = {
    {"config", required_argument, NULL, SERVE_OPS_CONFIG},
    {"log-level", required_argument, NULL, SERVE_OPS_LOG_LEVEL},
    {"tls-cert", required_argument, NULL, SERVE_OPS_TLS_CERT},
    {"tls-key", required_argument, NULL, SERVE_OPS_TLS_KEY},
    {"trust-proxy", required_argument, NULL, SERVE_OPS_TRUST_PROXY},
    {"metrics", no_argument, NULL, SERVE_OPS_METRICS},
    {"reuse-port", no_argument, NULL, SERVE_OPS_REUSE_PORT},
    {NULL, 0, NULL, 0},
};

void serve_ops_init(struct serve_ops *ops)
{
    memset(ops, 0, sizeof *ops);
    ops->log_level = LOG_INFO;
}

int serve_ops_option(int c, const char *arg, struct server_config *cfg, struct serve_ops *ops)
{
    switch (c) {
    case SERVE_OPS_CONFIG:
        /* Expanded into arguments before parsing began (cli_config.c). */
        return 0;
    case SERVE_OPS_LOG_LEVEL:
        if (log_parse_level(arg, &ops->log_level) != 0)
            return cli_usage_error("--log-level needs debug, info, warn, error or off, not '%s'", arg);
        return 0;
    case SERVE_OPS_TLS_CERT: cfg->tls_cert = arg; return 0;
    case SERVE_OPS_TLS_KEY: cfg->tls_key = arg; return 0;
    case SERVE_OPS_TRUST_PROXY: {
        struct clientaddr_net net;
        if (clientaddr_parse_net(arg, &net) != 0)
            return cli_usage_error("--trust-proxy needs an IPv4 or IPv6 address, optionally with /BITS, "
                                   "not '%s'", arg);
        if (cfg->n_trust_proxies >= SERVE_OPS_MAX_PROXIES)
            return cli_usage_error("at most %d --trust-proxy", SERVE_OPS_MAX_PROXIES);
        ops->trust[cfg->n_trust_proxies++] = arg;
        return 0;
    }
    case SERVE_OPS_METRICS: cfg->metrics = true; return 0;
    case SERVE_OPS_REUSE_PORT: cfg->reuse_port = true; return 0;
    default: return cli_usage_error("%s", "unknown option");
    }
}

int serve_ops_finish(struct server_config *cfg, struct serve_ops *ops)
{
    if (!cfg->tls_cert != !cfg->tls_key)
        return cli_usage_error("%s", cfg->tls_cert ? "--tls-cert needs --tls-key (the certificate's private key)"
                                                   : "--tls-key needs --tls-cert (the certificate it belongs to)");
    cfg->trust_proxies = ops->trust;
    log_setup(ops->log_level, stderr);
    return 0;
}
