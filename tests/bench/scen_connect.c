/* scen_connect.c -- scenario 1: the presenter joins and opens the first poll,
 * then attendees connect in a ramp (1k, 5k, 10k, 19k by default).
 *
 * Reports, per step, the time to connect (TCP, upgrade, join, welcome and
 * first state) and the server's RSS growth per attendee after the room has
 * been idle for a second. */
#include <stdio.h>

#include "bench.h"

#define CONNECT_SETTLE_S 1.0
#define CONNECT_STEP_TIMEOUT_S 180.0

static bool presenter_ready(struct bench *b)
{
    return b->phones[0].ready && b->phones[0].state == PH_OPEN;
}

static bool presenter_down(struct bench *b)
{
    return b->phones[0].state == PH_IDLE;
}

static bool poll_open(struct bench *b)
{
    return b->room.slide == 0 && b->room.poll[0] && b->room.poll_open;
}

int scen_presenter(struct bench *b)
{
    b->phones[0].presenter = true;
    b->n_phones = 1;
    wsc_enqueue(b, 0);
    if (!bench_wait(b, presenter_ready, 10.0)) {
        fprintf(stderr, "bench: the presenter could not join (%s)\n",
                presenter_down(b) ? "connection failed" : "no welcome and state");
        return -1;
    }
    if (b->room.slide != 0 && phone_goto(b, 0) != 0)
        return -1;
    bench_idle(b, 0.2);
    if (!b->room.poll_open && phone_command(b, "open") != 0)
        return -1;
    if (!bench_wait(b, poll_open, 5.0)) {
        fprintf(stderr, "bench: the first slide must be an open poll (slide %d, poll \"%s\", %s)\n",
                b->room.slide, b->room.poll, b->room.poll_open ? "open" : "not open");
        return -1;
    }
    return 0;
}

/* Stored by the step loop so the wait predicate can see the step's goal. */
struct connect_goal {
    int target;
    long long failures_before;
};

static bool step_done(struct bench *b)
{
    const struct connect_goal *g = (const struct connect_goal *)b->wait_arg;
    if (b->ready_attendees >= g->target)
        return true;
    /* Nothing left to start or finish: the rest failed. */
    return b->q_len == 0 && b->inflight == 0 && b->open_attendees == b->ready_attendees;
}

int scen_connect(struct bench *b)
{
    bench_idle(b, 0.5);
    long rss0 = report_rss_kib(b->cfg.pid);
    json_t *steps = json_array();
    if (!steps)
        return -1;
    int ok = 0;
    for (int s = 0; s < b->cfg.n_steps; s++) {
        int target = b->cfg.steps[s];
        if (target > b->cfg.n)
            target = b->cfg.n;
        if (target < b->n_phones - 1)
            continue;
        struct connect_goal goal = {target, b->connect_failures};
        b->wait_arg = &goal;
        hist_reset(&b->connect_hist);
        int before = b->ready_attendees;
        double t0 = bench_now();
        for (int i = b->n_phones; i <= target; i++)
            wsc_enqueue(b, i);
        b->n_phones = target + 1;
        bool all = bench_wait(b, step_done, CONNECT_STEP_TIMEOUT_S) && b->ready_attendees >= target;
        double secs = bench_now() - t0;
        b->wait_arg = NULL;
        bench_idle(b, CONNECT_SETTLE_S);
        long rss = report_rss_kib(b->cfg.pid);
        int ready = b->ready_attendees;
        double per = ready > 0 && rss >= 0 && rss0 >= 0 ? (double)(rss - rss0) * 1024.0 / ready : -1;
        json_t *o = json_pack("{s:i, s:i, s:f, s:f, s:I, s:I, s:f, s:f, s:f, s:I, s:I}", "target", target,
                              "connected", ready, "seconds", secs, "per_second",
                              secs > 0 ? (ready - before) / secs : 0.0, "rss_kib", (json_int_t)rss,
                              "rss_base_kib", (json_int_t)rss0, "rss_bytes_per_attendee", per,
                              "connect_p50_ms", hist_quantile_ms(&b->connect_hist, 0.5), "connect_p99_ms",
                              hist_quantile_ms(&b->connect_hist, 0.99), "failures",
                              (json_int_t)(b->connect_failures - goal.failures_before), "unexpected_closes",
                              (json_int_t)b->unexpected_closes);
        if (o)
            json_object_set_new(o, "join_retries", json_integer(b->join_retries));
        if (!o || json_array_append_new(steps, o) != 0) {
            json_decref(steps);
            return -1;
        }
        report_row(b, "connect", "attendees connected", ready, "");
        report_row(b, "connect", "  time to connect", secs * 1000.0, "ms");
        report_row(b, "connect", "  server RSS", (double)rss, "KiB");
        report_row(b, "connect", "  RSS growth per attendee", per, "bytes");
        if (!all) {
            fprintf(stderr, "bench: only %d of %d attendees connected (%lld connect failures, %lld closes)\n",
                    ready, target, b->connect_failures, b->unexpected_closes);
            ok = -1;
            b->insane = true;
            break;
        }
    }
    report_json(b, "connect", json_pack("{s:i, s:o}", "n", b->ready_attendees, "steps", steps));
    return ok;
}
