/* scen_room.c -- scenarios 4 and 5: the presenter moves to the next slide
 * (time until every phone shows it), and a reconnect storm (every phone drops
 * and comes back with its token; time until all have their vote back).
 *
 * The storm first has every phone vote on the current poll, so "back with
 * its vote" means the first state after the new welcome carries that vote. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define FANOUT_TIMEOUT_S 10.0
#define FANOUT_PAUSE_S 0.1
#define DROP_NOTICE_TIMEOUT_S 10.0
#define RECONNECT_TIMEOUT_S 120.0

static bool all_marked(struct bench *b)
{
    return b->mark_got >= *(const int *)b->wait_arg;
}

static bool presenter_on_mark(struct bench *b)
{
    return b->room.slide == b->mark_slide;
}

int scen_fanout(struct bench *b)
{
    struct hist last;
    hist_reset(&last);
    hist_reset(&b->mark_hist);
    long long missed = 0;
    int moves = 0;
    for (int m = 0; m < b->cfg.moves; m++) {
        int target = b->room.slide + 1;
        bool wrap = b->room.count > 0 && target >= b->room.count;
        if (wrap)
            target = 0;
        for (int i = 1; i < b->n_phones; i++)
            b->phones[i].got_mark = false;
        int want = b->ready_attendees;
        b->mark_got = 0;
        b->mark_slide = target;
        b->mark_last = 0;
        b->mark_sent = bench_now();
        /* Other generators time their phones from this send (cluster mode). */
        if (cluster_move_announce(b, m, target, b->mark_sent) != 0)
            break;
        if ((wrap ? phone_goto(b, 0) : phone_command(b, "next")) != 0)
            break;
        b->wait_arg = &want;
        bench_wait(b, all_marked, FANOUT_TIMEOUT_S);
        b->wait_arg = NULL;
        missed += want - b->mark_got;
        if (b->mark_last > 0)
            hist_add(&last, b->mark_last - b->mark_sent);
        bench_wait(b, presenter_on_mark, 1.0);
        moves++;
        char done[32];
        snprintf(done, sizeof done, "move%d-done", m);
        if (cluster_barrier(b, done) != 0)
            break;
        bench_idle(b, FANOUT_PAUSE_S);
    }
    b->mark_slide = -1;
    report_json(b, "fanout",
                json_pack("{s:i, s:i, s:f, s:f, s:f, s:f, s:f, s:I, s:I, s:I, s:b}", "n", b->ready_attendees, "moves", moves,
                          "p50_ms", hist_quantile_ms(&b->mark_hist, 0.5), "p99_ms",
                          hist_quantile_ms(&b->mark_hist, 0.99), "last_p50_ms", hist_quantile_ms(&last, 0.5),
                          "last_max_ms", hist_max_ms(&last), "last_mean_ms", hist_mean_ms(&last), "missed",
                          (json_int_t)missed, "unexpected_closes", (json_int_t)b->unexpected_closes,
                          "protocol_errors", (json_int_t)b->protocol_errors, "presenter_connected",
                          b->phones[0].state == PH_OPEN));
    report_row(b, "fanout", "phones with the new slide, p50", hist_quantile_ms(&b->mark_hist, 0.5), "ms");
    report_row(b, "fanout", "  p99", hist_quantile_ms(&b->mark_hist, 0.99), "ms");
    report_row(b, "fanout", "  last phone, median move", hist_quantile_ms(&last, 0.5), "ms");
    report_row(b, "fanout", "  last phone, worst move", hist_max_ms(&last), "ms");
    if (missed || moves < b->cfg.moves) {
        fprintf(stderr, "bench: fanout: %lld phone updates missing, %d of %d moves\n", missed, moves,
                b->cfg.moves);
        b->insane = true;
        return -1;
    }
    return 0;
}

static bool room_empty(struct bench *b)
{
    return b->room.connected == 0;
}

static bool all_back(struct bench *b)
{
    if (b->ready_attendees >= *(const int *)b->wait_arg)
        return true;
    return b->q_len == 0 && b->inflight == 0 && b->open_attendees == b->ready_attendees;
}

int scen_reconnect(struct bench *b)
{
    if (scen_burst_named(b, "burst2") != 0)
        fprintf(stderr, "bench: reconnect: the votes before the storm were not all acknowledged\n");
    int *who = malloc(sizeof *who * (size_t)b->n_phones);
    if (!who)
        return -1;
    int n = 0;
    for (int i = 1; i < b->n_phones; i++)
        if (b->phones[i].ready && b->phones[i].acked)
            who[n++] = i;
    double t_drop = bench_now();
    for (int k = 0; k < n; k++)
        wsc_drop(b, &b->phones[who[k]]);
    bool noticed = bench_wait(b, room_empty, DROP_NOTICE_TIMEOUT_S);
    double noticed_ms = noticed ? (bench_now() - t_drop) * 1000.0 : -1;
    hist_reset(&b->connect_hist);
    long long lost0 = b->tokens_lost, fail0 = b->connect_failures;
    b->last_ready = 0;
    double t0 = bench_now();
    for (int k = 0; k < n; k++)
        wsc_enqueue(b, who[k]);
    b->wait_arg = &n;
    bench_wait(b, all_back, RECONNECT_TIMEOUT_S);
    b->wait_arg = NULL;
    double back_ms = b->last_ready > 0 ? (b->last_ready - t0) * 1000.0 : -1;
    long long votes_lost = 0, missing = 0;
    for (int k = 0; k < n; k++) {
        const struct phone *p = &b->phones[who[k]];
        if (!p->ready)
            missing++;
        else if (p->my_vote != p->acked)
            votes_lost++;
    }
    free(who);
    long long tokens_lost = b->tokens_lost - lost0;
    report_json(b, "reconnect",
                json_pack("{s:i, s:f, s:f, s:f, s:f, s:I, s:I, s:I, s:I}", "n", n, "drop_noticed_ms", noticed_ms,
                          "all_back_ms", back_ms, "p50_ms", hist_quantile_ms(&b->connect_hist, 0.5), "p99_ms",
                          hist_quantile_ms(&b->connect_hist, 0.99), "missing", (json_int_t)missing,
                          "tokens_lost", (json_int_t)tokens_lost, "votes_lost", (json_int_t)votes_lost,
                          "failures", (json_int_t)(b->connect_failures - fail0)));
    report_row(b, "reconnect", "phones back with their vote", (double)(n - missing - votes_lost), "");
    report_row(b, "reconnect", "  all back after", back_ms, "ms");
    report_row(b, "reconnect", "  server noticed the drop after", noticed_ms, "ms");
    if (missing || tokens_lost || votes_lost) {
        fprintf(stderr, "bench: reconnect: %lld not back, %lld new tokens, %lld votes lost\n", missing,
                tokens_lost, votes_lost);
        b->insane = true;
        return -1;
    }
    return 0;
}
