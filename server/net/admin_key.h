/* admin_key.h -- the organisers' key (DESIGN section 10).
 *
 * One key opens the organiser's page and API (and /metrics from afar, for
 * the ops side): --admin-key, else the one the data file keeps, else a new
 * random one (128 bits) that the data file keeps from then on, so the page's
 * bookmark survives a restart as the presenter URLs do.  It travels only in
 * an Authorization header (the page reads it from its URL fragment, which
 * browsers never send): never in a request line, never in a log. */
#ifndef HU_ADMIN_KEY_H
#define HU_ADMIN_KEY_H

#include <stdbool.h>
#include <stddef.h>

struct server;
struct lws;

/* Settles srv->admin_key at start-up (synchronous store calls) and points
 * srv->cfg.admin_key at it.  HU_OK, or a hu_err with a sentence in err. */
int admin_key_setup(struct server *srv, char *err, size_t errlen);

/* True when the request carries "Authorization: Bearer <admin key>",
 * compared in constant time.  A presenter key never matches: serve refuses
 * an --admin-key equal to --presenter-key, and random keys do not collide. */
bool admin_key_ok(struct server *srv, struct lws *wsi);

/* The organiser's page with its key in the fragment: <base>/admin/#<key>. */
int admin_key_url(struct server *srv, char *out, size_t outlen);

#endif
