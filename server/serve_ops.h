/* serve_ops.h -- the options of `serve` for running it for real.
 *
 * TLS, reverse proxies, metrics, port sharing and logging (DESIGN section
 * 11) live here rather than in cmd_serve.c, so that command's own table
 * stays short: cmd_serve appends serve_ops_options to its getopt table and
 * hands every option value at or above SERVE_OPS_FIRST to serve_ops_option. */
#ifndef HU_SERVE_OPS_H
#define HU_SERVE_OPS_H

#include <getopt.h>

#include "base/log.h"
#include "net/config.h"

/* getopt_long values of these options: above any character. */
enum {
    SERVE_OPS_FIRST = 1000,
    SERVE_OPS_CONFIG = SERVE_OPS_FIRST,
    SERVE_OPS_LOG_LEVEL,
    SERVE_OPS_TLS_CERT,
    SERVE_OPS_TLS_KEY,
    SERVE_OPS_TRUST_PROXY,
    SERVE_OPS_METRICS,
    SERVE_OPS_REUSE_PORT,
};

#define SERVE_OPS_MAX_PROXIES 16

/* Terminated by a zero row. */
extern const struct option serve_ops_options[];
/* Their lines of --help, appended to serve's. */
#define SERVE_OPS_USAGE \
    "         --config FILE       read options from FILE first: one 'option = value' a line,\n" \
    "                             'deck = path' for decks, '#' comments (see handsup(1))\n" \
    "         --tls-cert FILE     serve HTTPS and WSS with this PEM certificate (chain)...\n" \
    "         --tls-key FILE      ...and its private key; SIGHUP reloads both\n" \
    "         --trust-proxy ADDR  take the client address from X-Forwarded-For when the\n" \
    "                             peer is ADDR or in ADDR/BITS (repeatable)\n" \
    "         --metrics           serve GET /metrics (Prometheus) to loopback clients\n" \
    "         --reuse-port        share the port with another handsup (SO_REUSEPORT) and\n" \
    "                             wait for its data file: an upgrade without a gap\n" \
    "         --log-level L       debug, info (default), warn, error or off\n"


/* What the options collect beyond the config's own fields. */
struct serve_ops {
    const char *trust[SERVE_OPS_MAX_PROXIES]; /* --trust-proxy values, from argv */
    enum log_level log_level;
};

void serve_ops_init(struct serve_ops *ops);

/* Takes the option c (>= SERVE_OPS_FIRST) with its argument.  Returns 0, or
 * the exit status of a usage error after printing it. */
int serve_ops_option(int c, const char *arg, struct server_config *cfg, struct serve_ops *ops);

/* After every option: checks what only makes sense together (a certificate
 * without its key), points cfg at ops' arrays and sets up logging.  Returns
 * 0 or the exit status of a usage error. */
int serve_ops_finish(struct server_config *cfg, struct serve_ops *ops);

#endif
