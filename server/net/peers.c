/* peers.c -- per-address counters in a chained hash table keyed by address.
 * Loopback peers share one entry that counts but never refuses. */
#include "peers.h"

#include "clientaddr.h"

#include <stdlib.h>
#include <string.h>

#define PEERS_BUCKETS 4096 /* power of two */

struct peer {
    struct peer *next;          /* in its bucket */
    unsigned char addr[16];     /* IPv4 mapped into IPv6 form */
    uint32_t conns;
    float joins;                /* new-token bucket */
    uint32_t refill_ms;
    bool exempt;                /* the loopback entry: no cap applies */
};

struct peers {
    uint32_t max_conns;
    uint32_t sweep;             /* next bucket to sweep for idle entries */
    float joins_burst, joins_per_s;
    struct peer loopback;       /* every loopback address; never in a bucket */
    struct peer *buckets[PEERS_BUCKETS];
};

struct peers *peers_new(uint32_t max_conns, uint32_t joins_burst, float joins_per_s)
{
    struct peers *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->max_conns = max_conns;
    p->joins_burst = (float)joins_burst;
    p->joins_per_s = joins_per_s;
    p->loopback.exempt = true;
    return p;
}

void peers_free(struct peers *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < PEERS_BUCKETS; i++)
        while (p->buckets[i]) {
            struct peer *e = p->buckets[i];
            p->buckets[i] = e->next;
            free(e);
        }
    free(p);
}

static size_t peers_bucket(const unsigned char addr[16])
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (int i = 0; i < 16; i++)
        h = (h ^ addr[i]) * 16777619u;
    return h & (PEERS_BUCKETS - 1);
}

static struct peer *peers_find(struct peers *p, const unsigned char addr[16])
{
    for (struct peer *e = p->buckets[peers_bucket(addr)]; e; e = e->next)
        if (memcmp(e->addr, addr, 16) == 0)
            return e;
    return NULL;
}

bool peers_can_attach(struct peers *p, const unsigned char addr[16])
{
    if (clientaddr_is_loopback(addr))
        return true;
    struct peer *e = peers_find(p, addr);
    return !e || e->conns < p->max_conns;
}

struct peer *peers_attach(struct peers *p, const unsigned char addr[16], uint32_t now_ms)
{
    if (clientaddr_is_loopback(addr)) {
        p->loopback.conns++;
        return &p->loopback;
    }
    struct peer *e = peers_find(p, addr);
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e)
            return NULL;
        memcpy(e->addr, addr, 16);
        e->joins = p->joins_burst;
        e->refill_ms = now_ms;
        size_t b = peers_bucket(addr);
        e->next = p->buckets[b];
        p->buckets[b] = e;
    }
    if (e->conns >= p->max_conns)
        return NULL;
    e->conns++;
    return e;
}

static void peers_refill(struct peers *p, struct peer *e, uint32_t now_ms)
{
    uint32_t elapsed = now_ms - e->refill_ms;
    e->refill_ms = now_ms;
    e->joins += (float)elapsed * p->joins_per_s / 1000.0f;
    if (e->joins > p->joins_burst)
        e->joins = p->joins_burst;
}

/* An entry may go once it holds no connection and its join bucket is full
 * again: forgetting it earlier would let a client refill its allowance by
 * reconnecting. */
static bool peers_idle(struct peers *p, struct peer *e, uint32_t now_ms)
{
    if (e->conns > 0)
        return false;
    peers_refill(p, e, now_ms);
    return e->joins >= p->joins_burst;
}

static void peers_sweep_bucket(struct peers *p, size_t b, uint32_t now_ms)
{
    struct peer **link = &p->buckets[b];
    while (*link) {
        struct peer *e = *link;
        if (peers_idle(p, e, now_ms)) {
            *link = e->next;
            free(e);
        } else {
            link = &e->next;
        }
    }
}

void peers_detach(struct peers *p, struct peer *e, uint32_t now_ms)
{
    if (!e)
        return;
    if (e->conns > 0)
        e->conns--;
    if (e->exempt)
        return;
    peers_sweep_bucket(p, peers_bucket(e->addr), now_ms);
    /* A little garbage collection for entries left waiting for a refill. */
    peers_sweep_bucket(p, p->sweep++ & (PEERS_BUCKETS - 1), now_ms);
}

bool peers_take_join(struct peers *p, struct peer *e, uint32_t now_ms)
{
    if (!e || e->exempt)
        return true;
    peers_refill(p, e, now_ms);
    if (e->joins < 1.0f)
        return false;
    e->joins -= 1.0f;
    return true;
}
