/* metrics.c -- the counters of the server and their Prometheus text
 * (metrics.h).  The format is version 0.0.4 of the text exposition: a HELP
 * and a TYPE line per family, counters ending in _total, histograms as
 * cumulative _bucket{le=...} lines with _sum and _count; `promtool check
 * metrics` passes it (tests/integration/metrics.test.mjs). */
#include "metrics.h"

#include "store/store.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/hu_err.h"
#include "net.h"
#include "versions.h"

/* A /metrics page is a few kilobytes; this only bounds a bug. */
#define METRICS_PAGE_MAX (1024 * 1024)

static const double metrics_bounds[METRICS_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

_Static_assert(-HU_ERR_INTERNAL < METRICS_ERR_SLOTS, "every hu_err has a counter slot");

uint64_t metrics_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void metrics_observe(struct metrics_hist *h, double seconds)
{
    size_t i = 0;
    while (i < METRICS_BUCKETS && seconds > metrics_bounds[i])
        i++;
    h->count[i]++;
    h->sum += seconds;
}

void metrics_error(struct metrics *m, int err)
{
    if (err < 0 && -err < METRICS_ERR_SLOTS)
        m->errors[-err]++;
}

/* HELP and TYPE of a family. */
static int metrics_family(struct hu_buf *b, const char *name, const char *type, const char *help)
{
    return hu_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int metrics_value(struct hu_buf *b, const char *name, const char *type, const char *help,
                         unsigned long long v)
{
    int rc = metrics_family(b, name, type, help);
    return rc ? rc : hu_buf_printf(b, "%s %llu\n", name, v);
}

/* A label value, escaped as the format asks (\\, \", \n). */
static int metrics_label(struct hu_buf *b, const char *v)
{
    int rc = HU_OK;
    for (; *v && rc == HU_OK; v++) {
        if (*v == '\\' || *v == '"')
            rc = hu_buf_printf(b, "\\%c", *v);
        else if (*v == '\n')
            rc = hu_buf_puts(b, "\\n");
        else
            rc = hu_buf_append(b, v, 1);
    }
    return rc;
}

static int metrics_hist(struct hu_buf *b, const char *name, const char *help, const struct metrics_hist *h)
{
    int rc = metrics_family(b, name, "histogram", help);
    unsigned long long cum = 0;
    for (size_t i = 0; i < METRICS_BUCKETS && !rc; i++) {
        cum += h->count[i];
        rc = hu_buf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name, metrics_bounds[i], cum);
    }
    cum += h->count[METRICS_BUCKETS];
    if (!rc)
        rc = hu_buf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name, cum, name,
                           h->sum, name, cum);
    return rc;
}

static int metrics_build_info(struct hu_buf *b)
{
    struct versions_row rows[VERSIONS_MAX];
    int n = versions_list(rows);
    int rc = metrics_family(b, "handsup_build_info", "gauge",
                            "Always 1; the labels name the versions of handsup and its libraries.");
    if (!rc)
        rc = hu_buf_puts(b, "handsup_build_info{");
    for (int i = 0; i < n && !rc; i++) {
        rc = i ? hu_buf_puts(b, ",") : 0;
        /* A label name is [a-zA-Z_][a-zA-Z0-9_]*: "cmark-gfm" becomes
         * cmark_gfm. */
        for (const char *c = rows[i].name; *c && !rc; c++)
            rc = hu_buf_printf(b, "%c", isalnum((unsigned char)*c) ? *c : '_');
        if (!rc)
            rc = hu_buf_puts(b, "=\"");
        if (!rc)
            rc = metrics_label(b, rows[i].version);
        if (!rc)
            rc = hu_buf_puts(b, "\"");
    }
    return rc ? rc : hu_buf_puts(b, "} 1\n");
}

static int metrics_connections(struct hu_buf *b, struct server *srv)
{
    unsigned long long attendees = 0, presenters = 0, other = 0;
    for (struct conn *c = srv->conns; c; c = c->all_next) {
        if (!c->ss)
            other++;
        else if (c->presenter)
            presenters++;
        else
            attendees++;
    }
    int rc = metrics_family(b, "handsup_connections", "gauge",
                            "Open WebSockets by role (unjoined: not yet joined to a session).");
    if (!rc)
        rc = hu_buf_printf(b,
                           "handsup_connections{role=\"attendee\"} %llu\n"
                           "handsup_connections{role=\"presenter\"} %llu\n"
                           "handsup_connections{role=\"unjoined\"} %llu\n",
                           attendees, presenters, other);
    if (!rc)
        rc = metrics_value(b, "handsup_sessions", "gauge", "Sessions served (one per deck).", srv->n_sessions);
    if (!rc)
        rc = metrics_family(b, "handsup_participants", "gauge",
                            "Participants of each session, connected or not, by join code.");
    for (size_t i = 0; i < srv->n_sessions && !rc; i++)
        rc = hu_buf_printf(b, "handsup_participants{session=\"%s\"} %lu\n", session_code(srv->sessions[i].session),
                           (unsigned long)session_participants(srv->sessions[i].session));
    return rc;
}

static int metrics_errors(struct hu_buf *b, const struct metrics *m)
{
    /* Several hu_err share a protocol code ("internal"): sum them. */
    const char *codes[METRICS_ERR_SLOTS];
    unsigned long long sums[METRICS_ERR_SLOTS];
    size_t n = 0;
    for (int e = 1; e <= -HU_ERR_INTERNAL; e++) {
        const char *code = hu_err_code(-e);
        size_t k = 0;
        while (k < n && strcmp(codes[k], code) != 0)
            k++;
        if (k == n) {
            codes[n] = code;
            sums[n++] = 0;
        }
        sums[k] += m->errors[e];
    }
    int rc = metrics_family(b, "handsup_errors_total", "counter",
                            "Protocol errors sent to clients, by the code of their error message.");
    for (size_t k = 0; k < n && !rc; k++)
        rc = hu_buf_printf(b, "handsup_errors_total{code=\"%s\"} %llu\n", codes[k], sums[k]);
    return rc;
}

int metrics_render(struct server *srv, char **out, size_t *len)
{
    const struct metrics *m = &srv->metrics;
    struct hu_buf b;
    hu_buf_init(&b, METRICS_PAGE_MAX);
    int rc = metrics_build_info(&b);
    if (!rc)
        rc = metrics_value(&b, "handsup_start_time_seconds", "gauge", "When this process started, unix time.",
                           (unsigned long long)m->started);
    if (!rc)
        rc = metrics_value(&b, "handsup_draining", "gauge", "1 while a graceful stop says goodbye, else 0.",
                           srv->draining);
    if (!rc)
        rc = metrics_connections(&b, srv);
    struct store_cluster_stats cs;
    if (!rc && store_cluster_stats(srv->store, &cs)) {
        rc = metrics_value(&b, "handsup_redis_up", "gauge",
                           "Cluster mode: 1 while both connections to Redis are up, else 0.", cs.up);
        if (!rc)
            rc = metrics_value(&b, "handsup_redis_pending", "gauge",
                               "Cluster mode: commands sent to Redis and not answered yet.", cs.pending);
        if (!rc)
            rc = metrics_value(&b, "handsup_redis_commands_total", "counter",
                               "Cluster mode: commands sent to Redis.", cs.sent);
        if (!rc)
            rc = metrics_value(&b, "handsup_redis_failed_total", "counter",
                               "Cluster mode: commands failed by --redis-timeout or a lost connection.", cs.failed);
    }
    if (!rc)
        rc = metrics_value(&b, "handsup_votes_total", "counter", "Votes accepted and handed to the data file.",
                           m->votes);
    if (!rc)
        rc = metrics_value(&b, "handsup_acks_total", "counter",
                           "Votes acknowledged to their phone after their commit.", m->acks);
    if (!rc)
        rc = metrics_value(&b, "handsup_vote_failures_total", "counter",
                           "Votes the data file could not commit (answered store_failed).", m->vote_failures);
    if (!rc)
        rc = metrics_family(&b, "handsup_joins_total", "counter", "Joins to a session, by role.");
    if (!rc)
        rc = hu_buf_printf(&b, "handsup_joins_total{role=\"attendee\"} %llu\nhandsup_joins_total{role=\"presenter\"} %llu\n",
                           (unsigned long long)m->joins_attendee, (unsigned long long)m->joins_presenter);
    if (!rc)
        rc = metrics_errors(&b, m);
    if (!rc)
        rc = metrics_family(&b, "handsup_rate_limited_total", "counter",
                            "Requests refused by a rate limit: messages per connection, new participants "
                            "per address.");
    if (!rc)
        rc = hu_buf_printf(&b, "handsup_rate_limited_total{limit=\"messages\"} %llu\n"
                               "handsup_rate_limited_total{limit=\"joins\"} %llu\n",
                           (unsigned long long)m->rate_limited_messages, (unsigned long long)m->rate_limited_joins);
    if (!rc)
        rc = metrics_family(&b, "handsup_refused_connections_total", "counter",
                            "WebSocket upgrades refused, by reason.");
    if (!rc)
        rc = hu_buf_printf(&b, "handsup_refused_connections_total{reason=\"origin\"} %llu\n"
                               "handsup_refused_connections_total{reason=\"per_address\"} %llu\n",
                           (unsigned long long)m->refused_origin, (unsigned long long)m->refused_per_address);
    if (!rc)
        rc = metrics_value(&b, "handsup_accepted_connections_total", "counter",
                           "TCP connections accepted on the listening socket.", listener_accepted(srv->listener));
    if (!rc)
        rc = metrics_value(&b, "handsup_accept_errors_total", "counter",
                           "accept() failures other than nothing to accept (out of descriptors...).",
                           listener_accept_errors(srv->listener) + m->adopt_failed);
    if (!rc)
        rc = metrics_value(&b, "handsup_byes_total", "counter", "Goodbye messages sent at graceful stops.", m->byes);
    if (!rc && srv->cfg.tls_cert) {
        rc = metrics_value(&b, "handsup_tls_cert_expiry_timestamp_seconds", "gauge",
                           "When the served TLS certificate expires, unix time.",
                           (unsigned long long)srv->tls_not_after);
        if (!rc)
            rc = metrics_family(&b, "handsup_tls_reloads_total", "counter", "Certificate reloads on SIGHUP, by result.");
        if (!rc)
            rc = hu_buf_printf(&b, "handsup_tls_reloads_total{result=\"ok\"} %llu\n"
                                   "handsup_tls_reloads_total{result=\"failed\"} %llu\n",
                               (unsigned long long)m->tls_reloads, (unsigned long long)m->tls_reload_failed);
    }
    if (!rc)
        rc = metrics_hist(&b, "handsup_vote_commit_seconds",
                          "From a vote received to its ack queued: the data file's group commit round trip.",
                          &m->commit);
    if (!rc)
        rc = metrics_hist(&b, "handsup_fanout_seconds",
                          "From a change of the room (slide, poll) to the new state written to a phone.",
                          &m->fanout);
    if (rc) {
        hu_buf_free(&b);
        return rc;
    }
    *len = b.len;
    *out = hu_buf_steal(&b);
    return *out ? HU_OK : HU_ERR_NOMEM;
}
