/* metrics.h -- what GET /metrics reports, in Prometheus text format.
 *
 * Counters are plain integers in the server context, bumped on the event
 * loop (no atomics: one thread touches them), and histograms are fixed
 * buckets of seconds.  Gauges (connections by role, sessions,
 * participants) are read from the server when scraped, so nothing has to
 * be kept in step.  The page is served by http.c to loopback clients, or to
 * anyone with the admin key once there is one (docs/deployment.md). */
#ifndef HU_METRICS_H
#define HU_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* Bucket bounds in seconds, shared by every histogram: 0.5 ms to 2.5 s. */
#define METRICS_BUCKETS 12
#define METRICS_ERR_SLOTS 32    /* -hu_err values; _Static_assert'ed in metrics.c */

struct metrics_hist {
    uint64_t count[METRICS_BUCKETS + 1]; /* per bucket, the last one is +Inf; not cumulative */
    double sum;                 /* seconds */
};

struct metrics {
    uint64_t votes;             /* votes handed to the store */
    uint64_t acks;              /* votes acknowledged after their commit */
    uint64_t vote_failures;     /* votes the store could not commit (store_failed) */
    uint64_t joins_attendee, joins_presenter;
    uint64_t errors[METRICS_ERR_SLOTS]; /* protocol errors sent, by -hu_err */
    uint64_t rate_limited_messages; /* refused by the per-connection message rate */
    uint64_t rate_limited_joins;    /* new participants refused by the per-address bucket */
    uint64_t refused_origin;        /* upgrades refused: foreign Origin or Host */
    uint64_t refused_per_address;   /* upgrades refused: the address is at its cap */
    uint64_t adopt_failed;          /* accepted connections lws could not take */
    uint64_t tls_reloads, tls_reload_failed;
    uint64_t byes;                  /* goodbyes sent at a graceful stop */
    struct metrics_hist commit;     /* vote received -> ack queued (the store's round trip) */
    struct metrics_hist fanout;     /* room changed -> new state written to a phone */
    int64_t started;                /* unix seconds */
};

/* Microseconds on the monotonic clock, for the histograms. */
uint64_t metrics_now_us(void);

/* Counts one observation of `seconds`. */
void metrics_observe(struct metrics_hist *h, double seconds);

/* Counts an error answered with err (a negative hu_err). */
void metrics_error(struct metrics *m, int err);

struct server;

/* Renders every metric of srv as Prometheus text (version 0.0.4) into a
 * new string (*out, malloc()ed, caller frees) of *len bytes.  HU_OK or a
 * hu_err. */
int metrics_render(struct server *srv, char **out, size_t *len);

#endif
