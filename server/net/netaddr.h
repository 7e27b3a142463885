/* netaddr.h -- the addresses we listen on and phones reach us at. */
#ifndef HU_NETADDR_H
#define HU_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the first IPv4 address of an interface that is up and not loopback
 * (preferring private ranges, which is what a venue LAN hands out) as text
 * into out.  HU_OK, or HU_ERR_NOT_FOUND when the machine has none. */
int netaddr_lan_ipv4(char *out, size_t outlen);

#endif
