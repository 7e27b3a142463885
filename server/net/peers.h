/* peers.h -- accounting per source address: open WebSockets and new tokens.
 *
 * Bounds what one address can take (connections, fresh participant tokens)
 * while leaving room for a whole venue behind one NAT.  Loopback peers
 * (127.0.0.0/8, ::1) are not bounded: whatever arrives from this machine is
 * a local test, a benchmark or a reverse proxy speaking for every client at
 * once, and a per-address cap there would throttle the whole room together.
 * Behind a proxy named by --trust-proxy the address is the client's own
 * (clientaddr.h), so the caps apply to real clients again.
 * Addresses are kept in memory only while they hold a connection, never
 * logged or stored. */
#ifndef HU_PEERS_H
#define HU_PEERS_H

#include <stdbool.h>
#include <stdint.h>

struct peers;
struct peer;

/* max_conns: WebSockets per address; joins_burst and joins_per_s: the
 * bucket of new participant tokens per address.  NULL when out of memory. */
struct peers *peers_new(uint32_t max_conns, uint32_t joins_burst, float joins_per_s);

/* Frees p and every entry.  Accepts NULL. */
void peers_free(struct peers *p);

/* True when the client at addr (16 bytes, clientaddr.h) may open one more
 * connection (always, from loopback). */
bool peers_can_attach(struct peers *p, const unsigned char addr[16]);

/* Counts a connection from addr.  Returns its entry (to pass to
 * peers_detach), or NULL when the address is at its cap or memory ran out. */
struct peer *peers_attach(struct peers *p, const unsigned char addr[16], uint32_t now_ms);

/* Uncounts a connection; e may be freed.  Accepts NULL. */
void peers_detach(struct peers *p, struct peer *e, uint32_t now_ms);

/* Takes one new-token allowance for e at monotonic time now_ms; false when
 * the address has issued too many tokens too fast (never for loopback). */
bool peers_take_join(struct peers *p, struct peer *e, uint32_t now_ms);

#endif
