/* netaddr.c -- pick a LAN address from getifaddrs(3). */
#include "netaddr.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/hu_err.h"

static bool netaddr_private(uint32_t a)
{
    return (a >> 24) == 10 || (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8;
}

int netaddr_lan_ipv4(char *out, size_t outlen)
{
    struct ifaddrs *list;
    if (getifaddrs(&list) != 0)
        return HU_ERR_NOT_FOUND;
    const struct sockaddr_in *best = NULL;
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP) ||
            (i->ifa_flags & IFF_LOOPBACK))
            continue;
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)i->ifa_addr;
        if (!best || (netaddr_private(ntohl(sin->sin_addr.s_addr)) &&
                      !netaddr_private(ntohl(best->sin_addr.s_addr))))
            best = sin;
    }
    int rc = HU_ERR_NOT_FOUND;
    if (best && inet_ntop(AF_INET, &best->sin_addr, out, (socklen_t)outlen))
        rc = HU_OK;
    freeifaddrs(list);
    return rc;
}
