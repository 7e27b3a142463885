/* config.h -- what the command line tells the server.
 *
 * Plain data, filled by main.c and copied into the server context at start;
 * here, below server.h, because the network edge reads it too (the ping
 * interval, the per-address caps). */
#ifndef HU_CONFIG_H
#define HU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "model/blocklist.h"

struct server_config {
    int port;                   /* 0 = any free port */
    const char *host;           /* interface to bind, NULL = all */
    const char *data_path;      /* SQLite data file */
    const char *public_url;     /* base URL for phones, NULL = http://<LAN address>:<port> */
    const char *presenter_key;  /* fixed key for every session, NULL = random per session */
    const char *asset_dir;      /* folder holding web/ and presenter/ */
    const char *const *allow_origins; /* extra Origins accepted for WebSockets */
    size_t n_allow_origins;
    const char *const *allow_hosts; /* extra Host names accepted for WebSockets */
    size_t n_allow_hosts;
    unsigned max_conns_per_ip;  /* WebSockets per source address */
    unsigned max_joins_burst;   /* new participant tokens per address, at once */
    unsigned ping_secs;         /* ping a connection silent this long; hang up at 1.5x */
    bool watch;                 /* --watch: reload a deck when it or its images change */
    const struct blocklist *blocklist; /* answers and questions held for moderation; not owned */
    const char *const *decks;   /* deck paths, one session each */
    size_t n_decks;
    /* Running it for real (serve_ops.c, DESIGN section 11). */
    const char *tls_cert, *tls_key; /* PEM files; both or neither */
    const char *const *trust_proxies; /* peers whose X-Forwarded-For is believed */
    size_t n_trust_proxies;
    bool metrics;               /* serve GET /metrics */
    bool reuse_port;            /* SO_REUSEPORT, and wait for the data file's lock */
    /* The organisers' key (DESIGN section 10, --admin-key): opens /metrics
     * from other than loopback.  NULL until that option sets it. */
    const char *admin_key;
    /* Organisers (serve_org.c, DESIGN section 10). */
    int run_mode;               /* enum session_run_mode: --new-run, --resume or neither */
    const char *run_label;      /* --run-label, NULL = none */
    /* Cluster mode (serve_cluster.c, DESIGN section 12). */
    const char *redis_url;      /* --redis: NULL = the SQLite data file */
    unsigned redis_timeout_ms;  /* --redis-timeout; 0 = the default */
    bool redis_allow_unsafe;    /* --redis-allow-unsafe */
};

#endif
