/* test_clientaddr.c -- server/net/clientaddr.c: parsing addresses and nets,
 * matching, and whom X-Forwarded-For names when read from trusted peers. */
#include <string.h>

#include "../check.h"
#include "net/clientaddr.h"

static void addr(const char *s, unsigned char out[CLIENTADDR_LEN])
{
    memset(out, 0, CLIENTADDR_LEN);
    CHECK(clientaddr_parse(s, strlen(s), out));
}

static bool same(const unsigned char *a, const char *s)
{
    unsigned char b[CLIENTADDR_LEN];
    addr(s, b);
    return memcmp(a, b, CLIENTADDR_LEN) == 0;
}

static void test_parse(void)
{
    unsigned char a[CLIENTADDR_LEN];
    CHECK(clientaddr_parse(" 192.0.2.7 ", 11, a));
    CHECK(a[10] == 0xff && a[11] == 0xff && a[12] == 192 && a[15] == 7);
    CHECK(clientaddr_parse("2001:db8::1", 11, a));
    CHECK(!clientaddr_parse("192.0.2.7:80", 12, a));
    CHECK(!clientaddr_parse("[::1]", 5, a));
    CHECK(!clientaddr_parse("", 0, a));
    CHECK(!clientaddr_parse("unknown", 7, a));

    struct clientaddr_net n;
    CHECK(clientaddr_parse_net("10.0.0.0/8", &n) == 0 && n.bits == 104);
    CHECK(clientaddr_parse_net("10.1.2.3/8", &n) == 0 && n.addr[13] == 0); /* host bits cleared */
    CHECK(clientaddr_parse_net("::1", &n) == 0 && n.bits == 128);
    CHECK(clientaddr_parse_net("2001:db8::/32", &n) == 0 && n.bits == 32);
    CHECK(clientaddr_parse_net("10.0.0.0/33", &n) == -1);
    CHECK(clientaddr_parse_net("10.0.0.0/", &n) == -1);
    CHECK(clientaddr_parse_net("10.0.0.0/x", &n) == -1);
    CHECK(clientaddr_parse_net("nginx", &n) == -1);
}

static void test_match(void)
{
    struct clientaddr_net nets[2];
    CHECK(clientaddr_parse_net("10.0.0.0/8", &nets[0]) == 0);
    CHECK(clientaddr_parse_net("2001:db8::/32", &nets[1]) == 0);
    unsigned char a[CLIENTADDR_LEN];
    addr("10.200.1.1", a);
    CHECK(clientaddr_in(nets, 2, a));
    addr("11.0.0.1", a);
    CHECK(!clientaddr_in(nets, 2, a));
    addr("2001:db8:ffff::5", a);
    CHECK(clientaddr_in(nets, 2, a));
    addr("2001:db9::5", a);
    CHECK(!clientaddr_in(nets, 2, a));
    CHECK(!clientaddr_in(nets, 0, a));
    addr("127.3.4.5", a);
    CHECK(clientaddr_is_loopback(a));
    addr("::1", a);
    CHECK(clientaddr_is_loopback(a));
    addr("10.0.0.1", a);
    CHECK(!clientaddr_is_loopback(a));
}

static void test_resolve(void)
{
    struct clientaddr_net t[2];
    CHECK(clientaddr_parse_net("127.0.0.1", &t[0]) == 0);
    CHECK(clientaddr_parse_net("10.0.0.0/8", &t[1]) == 0);
    unsigned char peer[CLIENTADDR_LEN], out[CLIENTADDR_LEN];

    addr("127.0.0.1", peer);
    clientaddr_resolve(t, 2, peer, "203.0.113.9", out);
    CHECK(same(out, "203.0.113.9"));
    /* A forged entry on the left is not believed: the nearest untrusted one wins. */
    clientaddr_resolve(t, 2, peer, "1.2.3.4, 203.0.113.9, 10.1.1.1", out);
    CHECK(same(out, "203.0.113.9"));
    /* Not trusted: the header is ignored. */
    addr("198.51.100.1", peer);
    clientaddr_resolve(t, 2, peer, "203.0.113.9", out);
    CHECK(same(out, "198.51.100.1"));
    /* No trust list, no header: the peer. */
    addr("127.0.0.1", peer);
    clientaddr_resolve(t, 0, peer, "203.0.113.9", out);
    CHECK(same(out, "127.0.0.1"));
    clientaddr_resolve(t, 2, peer, NULL, out);
    CHECK(same(out, "127.0.0.1"));
    /* Garbage stops the walk at the last address read. */
    clientaddr_resolve(t, 2, peer, "junk, 10.2.2.2", out);
    CHECK(same(out, "10.2.2.2"));
    clientaddr_resolve(t, 2, peer, "", out);
    CHECK(same(out, "127.0.0.1"));
    /* Every hop trusted: the leftmost. */
    clientaddr_resolve(t, 2, peer, "10.9.9.9,10.8.8.8", out);
    CHECK(same(out, "10.9.9.9"));
    clientaddr_resolve(t, 2, peer, "2001:db8::7", out);
    CHECK(same(out, "2001:db8::7"));
}

int main(void)
{
    test_parse();
    test_match();
    test_resolve();
    return check_done();
}
