/* origin.h -- which pages may open a WebSocket to us (Origin and Host checks).
 *
 * Browsers send Origin; libwebsockets does not check it.  A page may connect
 * when it came from this server, from --public-url, or from an
 * --allow-origin.  The Host must be an address, localhost, or a name we were
 * told about: a page on a rebound DNS name (evil.example -> our address)
 * sends Origin and Host that match each other but not that list. */
#ifndef HU_ORIGIN_H
#define HU_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

#define ORIGIN_MAX_ENTRIES 32

struct origin_policy {
    const char *origins[ORIGIN_MAX_ENTRIES]; /* exact origins, "https://vote.example.org". Not owned */
    size_t n_origins;
    char hosts[ORIGIN_MAX_ENTRIES][256];     /* extra host names, lowercase, no port */
    size_t n_hosts;
};

/* Adds an allowed origin (not copied: must outlive the policy) and its host
 * name.  -1 when full or when origin is not http(s)://host[:port]. */
int origin_allow_origin(struct origin_policy *p, const char *origin);

/* Adds an allowed host name (copied).  -1 when full or too long. */
int origin_allow_host(struct origin_policy *p, const char *host);

/* True when a WebSocket upgrade with these headers may proceed.  origin is
 * NULL when the request had none (not a browser); host NULL when absent. */
bool origin_check(const struct origin_policy *p, const char *origin, const char *host);

#endif
