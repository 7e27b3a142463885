/* scen_votes.c -- scenarios 2 and 3: a burst where every attendee votes at
 * once, and open-loop steady vote rates.
 *
 * Latencies run from the moment a vote was due (the burst's send, or the
 * steady schedule's slot) to its ack, so a server or client that falls
 * behind shows it instead of hiding it (no coordinated omission). */
#include <stdio.h>
#include <unistd.h>

#include "bench.h"

#define BURST_TIMEOUT_S 30.0
#define TALLY_TIMEOUT_S 5.0
#define DRAIN_TIMEOUT_S 10.0
/* handsup refuses more than 20 messages/s per connection (a phone sends a
 * few a minute), so a rate that needs more per phone is not measured. */
#define STEADY_MAX_PER_PHONE 15.0

static bool all_acked(struct bench *b)
{
    const long long *want = (const long long *)b->wait_arg;
    return b->acks + b->errors >= *want;
}

static bool tally_exact(struct bench *b)
{
    return b->tally_exact_at > 0;
}

int scen_burst_named(struct bench *b, const char *name)
{
    phone_votes_reset(b);
    b->errors = 0;
    b->expect_yes = b->expect_no = 0;
    for (int i = 1; i < b->n_phones; i++) {
        struct phone *p = &b->phones[i];
        if (p->ready) {
            p->acked = 0;
            if (i % 2)
                b->expect_no++;
            else
                b->expect_yes++;
        }
    }
    /* Peers vote the same way on their own phones: the tally counts all. */
    b->expect_yes *= b->cfg.peers;
    b->expect_no *= b->cfg.peers;
    b->tally_exact_at = 0;
    b->tally_armed = true;
    long long sent = 0;
    double t0 = bench_now();
    for (int i = 1; i < b->n_phones; i++) {
        struct phone *p = &b->phones[i];
        if (p->ready && phone_vote(b, p, i % 2 ? 'n' : 'y', bench_now()) == 0)
            sent++;
    }
    double t_sent = bench_now();
    b->wait_arg = &sent;
    bench_wait(b, all_acked, BURST_TIMEOUT_S);
    b->wait_arg = NULL;
    double t_acked = b->last_ack > 0 ? b->last_ack : bench_now();
    bench_wait(b, tally_exact, TALLY_TIMEOUT_S);
    b->tally_armed = false;
    long long wrong = 0;
    for (int i = 1; i < b->n_phones; i++)
        if (b->phones[i].ready && b->phones[i].acked != b->phones[i].voted)
            wrong++;
    double all_ms = (t_acked - t0) * 1000.0;
    double tally_ms = b->tally_exact_at > 0 ? (b->tally_exact_at - b->last_ack) * 1000.0 : -1;
    json_t *o =
                json_pack("{s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:s, s:I, s:b, s:I, s:I}", "n",
                          (json_int_t)(b->expect_yes + b->expect_no), "sent", (json_int_t)sent, "acked",
                          (json_int_t)b->acks, "send_ms", (t_sent - t0) * 1000.0, "all_acked_ms", all_ms,
                          "ack_p50_ms", hist_quantile_ms(&b->ack_hist, 0.5), "ack_p99_ms",
                          hist_quantile_ms(&b->ack_hist, 0.99), "ack_max_ms", hist_max_ms(&b->ack_hist),
                          "tally_exact_after_last_ack_ms", tally_ms, "errors", (json_int_t)b->errors,
                          "last_error", b->last_error, "acks_not_matching_vote", (json_int_t)wrong,
                          "tally_exact", b->tally_exact_at > 0, "tally_yes", (json_int_t)b->room.yes,
                          "tally_no", (json_int_t)b->room.no);
    /* CLOCK_MONOTONIC is one clock for every process of the machine: the
     * cluster run's report spans the generators' bursts with these. */
    if (o) {
        json_object_set_new(o, "t0_mono_us", json_integer((json_int_t)(t0 * 1e6)));
        json_object_set_new(o, "t_acked_mono_us", json_integer((json_int_t)(t_acked * 1e6)));
        json_object_set_new(o, "peers", json_integer(b->cfg.peers));
    }
    report_json(b, name, o);
    report_row(b, name, "votes acknowledged", (double)b->acks, "");
    report_row(b, name, "  all acknowledged after", all_ms, "ms");
    report_row(b, name, "  ack p50", hist_quantile_ms(&b->ack_hist, 0.5), "ms");
    report_row(b, name, "  ack p99", hist_quantile_ms(&b->ack_hist, 0.99), "ms");
    report_row(b, name, "  ack max", hist_max_ms(&b->ack_hist), "ms");
    report_row(b, name, "  tally exact after last ack", tally_ms, "ms");
    if (b->acks != sent || b->tally_exact_at == 0 || wrong) {
        fprintf(stderr, "bench: %s: %lld of %lld acked, tally %s (yes %lld/%lld, no %lld/%lld), %lld wrong, %lld errors (%s)\n",
                name, b->acks, sent, b->tally_exact_at > 0 ? "exact" : "NOT exact", b->room.yes, b->expect_yes,
                b->room.no, b->expect_no, wrong, b->errors, b->last_error);
        b->insane = true;
        return -1;
    }
    return 0;
}

int scen_burst(struct bench *b)
{
    return scen_burst_named(b, "burst");
}

static int steady_rate(struct bench *b, int rate, json_t *rows)
{
    int phones = b->ready_attendees;
    if (phones == 0 || (double)rate / phones > STEADY_MAX_PER_PHONE) {
        fprintf(stderr, "bench: steady %d votes/s skipped: %d phones would exceed %.0f votes/s each\n", rate,
                phones, STEADY_MAX_PER_PHONE);
        return json_array_append_new(rows, json_pack("{s:i, s:b}", "rate", rate, "skipped", 1));
    }
    char barrier[32];
    snprintf(barrier, sizeof barrier, "steady%d", rate);
    if (cluster_barrier(b, barrier) != 0)
        return -1;
    phone_votes_reset(b);
    b->errors = 0;
    long long sent = 0, failed = 0;
    int cursor = 0;
    double lag_max = 0;
    long long cpu0 = report_cpu_ticks(b->cfg.pid);
    double t0 = bench_now(), now = t0, end = t0 + b->cfg.steady_secs;
    while (now < end) {
        long long due = (long long)((now - t0) * rate);
        while (sent + failed < due && b->ready_attendees > 0) {
            struct phone *p;
            do {
                cursor = cursor % (b->n_phones - 1) + 1;
                p = &b->phones[cursor];
            } while (!p->ready);
            double slot = t0 + (double)(sent + failed) / rate;
            if (now - slot > lag_max)
                lag_max = now - slot;
            if (phone_vote(b, p, p->voted == 'y' ? 'n' : 'y', slot) == 0)
                sent++;
            else
                failed++;
        }
        if (wsc_pump(b, 1) < 0)
            break;
        now = bench_now();
    }
    long long cpu1 = report_cpu_ticks(b->cfg.pid);
    double window = now - t0;
    long long acked_in_window = b->acks;
    b->wait_arg = &sent;
    bench_wait(b, all_acked, DRAIN_TIMEOUT_S);
    b->wait_arg = NULL;
    double ticks = (double)sysconf(_SC_CLK_TCK);
    double cpu = cpu0 >= 0 && cpu1 >= 0 && ticks > 0 ? (double)(cpu1 - cpu0) / ticks / window * 100.0 : -1;
    double acked_rate = (double)acked_in_window / window;
    json_t *o = json_pack("{s:i, s:f, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:s}", "rate", rate,
                          "seconds", window, "sent", (json_int_t)sent, "acked_in_window",
                          (json_int_t)acked_in_window, "acked", (json_int_t)b->acks, "acked_per_s", acked_rate,
                          "ack_p50_ms", hist_quantile_ms(&b->ack_hist, 0.5), "ack_p99_ms",
                          hist_quantile_ms(&b->ack_hist, 0.99), "ack_max_ms", hist_max_ms(&b->ack_hist),
                          "drain_ms", b->last_ack > now ? (b->last_ack - now) * 1000.0 : 0.0,
                          "server_cpu_pct", cpu, "client_lag_max_ms", lag_max * 1000.0, "errors",
                          (json_int_t)(b->errors + failed), "last_error", b->last_error);
    /* Phones the server closed on us (a full reply queue, say) leave the run. */
    if (o && json_object_set_new(o, "phones_left", json_integer(b->ready_attendees)) != 0)
        return -1;
    char name[32];
    snprintf(name, sizeof name, "steady%d", rate);
    report_row(b, name, "acknowledged votes/s", acked_rate, "/s");
    report_row(b, name, "  ack p50", hist_quantile_ms(&b->ack_hist, 0.5), "ms");
    report_row(b, name, "  ack p99", hist_quantile_ms(&b->ack_hist, 0.99), "ms");
    report_row(b, name, "  server CPU", cpu, "% of a core");
    if (b->acks != sent) {
        fprintf(stderr, "bench: steady %d: %lld of %lld votes acked, %lld errors (%s)\n", rate, b->acks, sent,
                b->errors, b->last_error);
        b->insane = true;
    }
    bench_idle(b, 1.0);
    return json_array_append_new(rows, o);
}

int scen_steady(struct bench *b)
{
    json_t *rows = json_array();
    if (!rows)
        return -1;
    for (int r = 0; r < b->cfg.n_rates; r++)
        if (steady_rate(b, b->cfg.rates[r], rows) != 0) {
            json_decref(rows);
            return -1;
        }
    report_json(b, "steady", json_pack("{s:i, s:o}", "n", b->ready_attendees, "rates", rows));
    return 0;
}
