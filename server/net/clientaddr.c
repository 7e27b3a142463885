/* clientaddr.c -- the socket's peer, or who a trusted proxy forwards for
 * (clientaddr.h). */
#include "clientaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const unsigned char clientaddr_v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool clientaddr_parse(const char *s, size_t len, unsigned char out[CLIENTADDR_LEN])
{
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    char buf[INET6_ADDRSTRLEN];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    struct in_addr a4;
    if (inet_pton(AF_INET, buf, &a4) == 1) {
        memcpy(out, clientaddr_v4_prefix, 12);
        memcpy(out + 12, &a4, 4);
        return true;
    }
    return inet_pton(AF_INET6, buf, out) == 1;
}

int clientaddr_parse_net(const char *s, struct clientaddr_net *out)
{
    const char *slash = strchr(s, '/');
    size_t len = slash ? (size_t)(slash - s) : strlen(s);
    if (!clientaddr_parse(s, len, out->addr))
        return -1;
    bool v4 = memcmp(out->addr, clientaddr_v4_prefix, 12) == 0 && !strchr(s, ':');
    unsigned max = v4 ? 32 : 128;
    out->bits = 128;
    if (slash) {
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end || b < 0 || b > (long)max)
            return -1;
        out->bits = (unsigned)b + (v4 ? 96 : 0);
    }
    /* Host bits set ("10.1.2.3/8") are cleared, as routers read it. */
    for (unsigned i = out->bits; i < 128; i++)
        out->addr[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
    return 0;
}

bool clientaddr_of_fd(int fd, unsigned char out[CLIENTADDR_LEN])
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
        return false;
    if (ss.ss_family == AF_INET) {
        memcpy(out, clientaddr_v4_prefix, 12);
        memcpy(out + 12, &((const struct sockaddr_in *)&ss)->sin_addr, 4);
        return true;
    }
    if (ss.ss_family == AF_INET6) {
        memcpy(out, &((const struct sockaddr_in6 *)&ss)->sin6_addr, 16);
        return true;
    }
    return false;
}

bool clientaddr_is_loopback(const unsigned char addr[CLIENTADDR_LEN])
{
    static const unsigned char v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (memcmp(addr, clientaddr_v4_prefix, 12) == 0)
        return addr[12] == 127;
    return memcmp(addr, v6_loopback, 16) == 0;
}

static bool clientaddr_in_net(const struct clientaddr_net *net, const unsigned char addr[CLIENTADDR_LEN])
{
    unsigned full = net->bits / 8, rest = net->bits % 8;
    if (memcmp(net->addr, addr, full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff00u >> rest);
    return (net->addr[full] & mask) == (addr[full] & mask);
}

bool clientaddr_in(const struct clientaddr_net *nets, size_t n, const unsigned char addr[CLIENTADDR_LEN])
{
    for (size_t i = 0; i < n; i++)
        if (clientaddr_in_net(&nets[i], addr))
            return true;
    return false;
}

void clientaddr_resolve(const struct clientaddr_net *trusted, size_t n, const unsigned char peer[CLIENTADDR_LEN],
                        const char *xff, unsigned char out[CLIENTADDR_LEN])
{
    memcpy(out, peer, CLIENTADDR_LEN);
    if (!xff || n == 0)
        return;
    size_t end = strlen(xff);
    /* Invariant: out is trusted while the walk goes on. */
    while (clientaddr_in(trusted, n, out)) {
        if (end == 0)
            return;
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        unsigned char next[CLIENTADDR_LEN];
        if (!clientaddr_parse(xff + start, end - start, next))
            return;
        memcpy(out, next, CLIENTADDR_LEN);
        end = start > 0 ? start - 1 : 0;
    }
}
