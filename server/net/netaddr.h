/* netaddr.h -- the addresses we listen on and phones reach us at. */
#ifndef HU_NETADDR_H
#define HU_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the first IPv4 address of an interface that is up and not loopback
 * (preferring private ranges, which is what a venue LAN hands out) as text
 * into out.  HU_OK, or HU_ERR_NOT_FOUND when the machine has none. */
int netaddr_lan_ipv4(char *out, size_t outlen);

/* Whether a server listening on host (NULL: every address) should use an
 * IPv6 socket: for every address, so that a client resolving "localhost"
 * to ::1 connects too, and for an IPv6 literal; never for an IPv4 address
 * or an interface name, which lws 4.1.6 would then ignore and listen on
 * every address instead.  False when the kernel has no IPv6. */
bool netaddr_listen_ipv6(const char *host);

#endif
