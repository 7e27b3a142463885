/* clientaddr.h -- who the client is: the socket's peer, or the address a
 * trusted reverse proxy says it forwards for.
 *
 * Addresses are 16 bytes, IPv4 mapped into IPv6 form (::ffff:a.b.c.d), so
 * one comparison serves both families.  X-Forwarded-For is believed only
 * from peers named by --trust-proxy: anyone else could write any address
 * there, and the per-address caps (peers.h) would count whatever a flooder
 * chose.  Addresses are never logged nor stored (docs/security.md). */
#ifndef HU_CLIENTADDR_H
#define HU_CLIENTADDR_H

#include <stdbool.h>
#include <stddef.h>

#define CLIENTADDR_LEN 16

/* An address with a prefix length counted in the 128-bit form. */
struct clientaddr_net {
    unsigned char addr[CLIENTADDR_LEN];
    unsigned bits;              /* 0..128; an IPv4 /N is stored as 96 + N */
};

/* "192.0.2.7", "10.0.0.0/8", "::1", "2001:db8::/32": 0, else -1. */
int clientaddr_parse_net(const char *s, struct clientaddr_net *out);

/* Parses one address (no prefix) into out: true on success.  Surrounding
 * spaces are ignored; "[v6]" brackets and a ":port" after IPv4 are not
 * addresses and are refused. */
bool clientaddr_parse(const char *s, size_t len, unsigned char out[CLIENTADDR_LEN]);

/* The peer of a connected socket: true on success. */
bool clientaddr_of_fd(int fd, unsigned char out[CLIENTADDR_LEN]);

/* 127.0.0.0/8 (also mapped) and ::1. */
bool clientaddr_is_loopback(const unsigned char addr[CLIENTADDR_LEN]);

/* True when addr is in one of the n nets. */
bool clientaddr_in(const struct clientaddr_net *nets, size_t n, const unsigned char addr[CLIENTADDR_LEN]);

/* The client behind peer: peer itself unless it is trusted and xff (the
 * X-Forwarded-For header, or NULL) names someone.  The list is read from
 * the right, the hop nearest to us: each trusted entry passes the question
 * on to the one before it, and the first untrusted entry is the client
 * (entries further left were written by that client and prove nothing).
 * An unparsable entry ends the walk at the last address read. */
void clientaddr_resolve(const struct clientaddr_net *trusted, size_t n, const unsigned char peer[CLIENTADDR_LEN],
                        const char *xff, unsigned char out[CLIENTADDR_LEN]);

#endif
