/* origin.c -- the Origin and Host checks of a WebSocket upgrade. */
#include "origin.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

/* Length of the host part of "host[:port]" or "[v6]:port". */
static size_t origin_host_len(const char *hostport)
{
    if (hostport[0] == '[') {
        const char *end = strchr(hostport, ']');
        return end ? (size_t)(end - hostport) + 1 : strlen(hostport);
    }
    return strcspn(hostport, ":");
}

/* The "host[:port]" after the scheme of an http(s) origin, or NULL. */
static const char *origin_authority(const char *origin)
{
    if (strncmp(origin, "http://", 7) == 0)
        return origin + 7;
    if (strncmp(origin, "https://", 8) == 0)
        return origin + 8;
    return NULL;
}

static bool origin_is_address(const char *host, size_t len)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    if (host[0] == '[' && host[len - 1] == ']') {
        struct in6_addr a6;
        memcpy(buf, host + 1, len - 2);
        buf[len - 2] = '\0';
        return inet_pton(AF_INET6, buf, &a6) == 1;
    }
    struct in_addr a4;
    memcpy(buf, host, len);
    buf[len] = '\0';
    return inet_pton(AF_INET, buf, &a4) == 1;
}

static bool origin_host_ok(const struct origin_policy *p, const char *hostport)
{
    size_t len = origin_host_len(hostport);
    if (origin_is_address(hostport, len))
        return true;
    if (len == 9 && strncasecmp(hostport, "localhost", 9) == 0)
        return true;
    for (size_t i = 0; i < p->n_hosts; i++)
        if (strlen(p->hosts[i]) == len && strncasecmp(p->hosts[i], hostport, len) == 0)
            return true;
    return false;
}

int origin_allow_host(struct origin_policy *p, const char *host)
{
    size_t len = origin_host_len(host);
    if (p->n_hosts >= ORIGIN_MAX_ENTRIES || len == 0 || len >= sizeof p->hosts[0])
        return -1;
    memcpy(p->hosts[p->n_hosts], host, len);
    p->hosts[p->n_hosts][len] = '\0';
    p->n_hosts++;
    return 0;
}

int origin_allow_origin(struct origin_policy *p, const char *origin)
{
    const char *auth = origin_authority(origin);
    if (!auth || !*auth || p->n_origins >= ORIGIN_MAX_ENTRIES)
        return -1;
    if (origin_allow_host(p, auth) != 0)
        return -1;
    p->origins[p->n_origins++] = origin;
    return 0;
}

bool origin_check(const struct origin_policy *p, const char *origin, const char *host)
{
    if (!host || !*host || !origin_host_ok(p, host))
        return false;
    if (!origin)
        return true; /* not a browser: scripts and load generators send none */
    for (size_t i = 0; i < p->n_origins; i++)
        if (strcmp(origin, p->origins[i]) == 0)
            return true;
    /* The page's own server: Origin names exactly the Host it connects to. */
    const char *auth = origin_authority(origin);
    return auth && strcasecmp(auth, host) == 0;
}
