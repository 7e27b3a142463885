/* scen_cluster.c -- the cluster scenario's coordination (docs/benchmarks.md,
 * "Cluster mode"): several generator processes (--peers P, each its own
 * --rank) drive one room on several handsup nodes sharing a port. They meet
 * at barriers (empty files in --sync DIR, one per rank and name) so their
 * bursts start together; the fan-out is driven by rank 0, which writes each
 * move's target slide and send time (CLOCK_MONOTONIC, the same clock in every
 * process of the machine) before sending it, and the other ranks time their
 * phones against it; the failover scenario has rank 0 kill a node
 * (--kill-pid) with SIGKILL after every phone voted, and every rank brings
 * the phones that lost their connection back with their tokens, timing how
 * long until every phone is back with its acknowledged vote. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define BARRIER_TIMEOUT_S 300.0
#define FAILOVER_TIMEOUT_S 60.0

static void sync_path(const struct bench *b, char *out, size_t cap, const char *name, int rank)
{
    snprintf(out, cap, "%s/%s.%d", b->cfg.sync_dir, name, rank);
}

int cluster_barrier(struct bench *b, const char *name)
{
    if (b->cfg.peers <= 1)
        return 0;
    char path[512];
    sync_path(b, path, sizeof path, name, b->cfg.rank);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "bench: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    close(fd);
    double end = bench_now() + BARRIER_TIMEOUT_S;
    for (;;) {
        int here = 0;
        for (int r = 0; r < b->cfg.peers; r++) {
            struct stat st;
            sync_path(b, path, sizeof path, name, r);
            here += stat(path, &st) == 0;
        }
        if (here == b->cfg.peers)
            return 0;
        if (bench_now() > end) {
            fprintf(stderr, "bench: rank %d waited %.0f s at barrier %s\n", b->cfg.rank, BARRIER_TIMEOUT_S, name);
            return -1;
        }
        wsc_pump(b, 2);
    }
}

/* Rank 0: the move m to target, sent at t (before the command goes out). */
int cluster_move_announce(struct bench *b, int m, int target, double t)
{
    if (b->cfg.peers <= 1)
        return 0;
    char path[512], tmp[520], line[96];
    snprintf(path, sizeof path, "%s/move%d", b->cfg.sync_dir, m);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    snprintf(line, sizeof line, "%d %.9f\n", target, t);
    fputs(line, f);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        return -1;
    return 0;
}

/* Other ranks: waits (without reading sockets, so no state is handled
 * before the mark is set) for rank 0's announcement of move m. */
static int cluster_move_read(struct bench *b, int m, int *target, double *t)
{
    char path[512];
    snprintf(path, sizeof path, "%s/move%d", b->cfg.sync_dir, m);
    double end = bench_now() + BARRIER_TIMEOUT_S;
    for (;;) {
        FILE *f = fopen(path, "r");
        if (f) {
            int ok = fscanf(f, "%d %lf", target, t) == 2;
            fclose(f);
            if (ok)
                return 0;
        }
        if (bench_now() > end)
            return -1;
        usleep(50);
    }
}

static bool all_marked(struct bench *b)
{
    return b->mark_got >= *(const int *)b->wait_arg;
}

/* Ranks other than 0: every move rank 0 makes, timed from its send. */
int scen_fanout_follow(struct bench *b)
{
    struct hist last;
    hist_reset(&last);
    hist_reset(&b->mark_hist);
    long long missed = 0;
    int moves = 0;
    for (int m = 0; m < b->cfg.moves; m++) {
        int target;
        double sent;
        if (cluster_move_read(b, m, &target, &sent) != 0)
            break;
        int want = b->ready_attendees;
        b->mark_got = 0;
        b->mark_slide = target;
        b->mark_last = 0;
        b->mark_sent = sent;
        /* Phones whose state arrived while this process was still at the
         * previous barrier: timed by when it arrived. */
        for (int i = 1; i < b->n_phones; i++) {
            struct phone *p = &b->phones[i];
            p->got_mark = p->ready && p->slide == target && p->t_slide >= sent;
            if (p->got_mark) {
                b->mark_got++;
                hist_add(&b->mark_hist, p->t_slide - sent);
                if (p->t_slide > b->mark_last)
                    b->mark_last = p->t_slide;
            }
        }
        b->wait_arg = &want;
        bench_wait(b, all_marked, 10.0);
        b->wait_arg = NULL;
        missed += want - b->mark_got;
        if (b->mark_last > 0)
            hist_add(&last, b->mark_last - b->mark_sent);
        moves++;
        char name[32];
        snprintf(name, sizeof name, "move%d-done", m);
        if (cluster_barrier(b, name) != 0)
            break;
    }
    b->mark_slide = -1;
    report_json(b, "fanout",
                json_pack("{s:i, s:i, s:f, s:f, s:f, s:f, s:f, s:I, s:I}", "n", b->ready_attendees, "moves", moves,
                          "p50_ms", hist_quantile_ms(&b->mark_hist, 0.5), "p99_ms",
                          hist_quantile_ms(&b->mark_hist, 0.99), "last_p50_ms", hist_quantile_ms(&last, 0.5),
                          "last_max_ms", hist_max_ms(&last), "last_mean_ms", hist_mean_ms(&last), "missed",
                          (json_int_t)missed, "unexpected_closes", (json_int_t)b->unexpected_closes));
    report_row(b, "fanout", "phones with the new slide, p50", hist_quantile_ms(&b->mark_hist, 0.5), "ms");
    report_row(b, "fanout", "  last phone, worst move", hist_max_ms(&last), "ms");
    if (missed || moves < b->cfg.moves) {
        b->insane = true;
        return -1;
    }
    return 0;
}

static bool failover_done(struct bench *b)
{
    /* Phones whose connection died come back as soon as it does; done when
     * every phone with a token has its welcome and state again. */
    bool all = true;
    for (int i = 1; i < b->n_phones; i++) {
        struct phone *p = &b->phones[i];
        if (p->state == PH_IDLE && p->token[0] && !p->closing)
            wsc_enqueue(b, i);
        if (p->token[0] && !p->closing && !p->ready)
            all = false;
    }
    return all && b->q_len == 0 && b->inflight == 0;
}

static bool any_tally(struct bench *b, json_t *tally)
{
    (void)b;
    (void)tally;
    return true;
}

/* Every phone votes (a burst), then rank 0 kills --kill-pid; the phones that
 * were on it reconnect with their tokens to whatever still listens. */
int scen_failover(struct bench *b)
{
    /* The room shrinks first when asked: the survivor must hold every phone
     * (tests/bench/run keeps 19,000 in all, one node's worth). */
    if (b->cfg.failover_n > 0)
        for (int i = b->cfg.failover_n + 1; i < b->n_phones; i++) {
            struct phone *p = &b->phones[i];
            wsc_drop(b, p);
            p->token[0] = '\0';
        }
    /* A node that counted Redis as lost under the steady rates reconnects
     * with a backoff of up to 2 s: let the room settle first. */
    bench_idle(b, 5.0);
    if (cluster_barrier(b, "failover-burst") != 0)
        return -1;
    /* The phones that left keep their votes in the tally: only the acks of
     * this burst are checked here, and each phone's vote after the kill. */
    b->tally_check = any_tally;
    int burst_rc = scen_burst_named(b, "failover-burst");
    b->tally_check = NULL;
    if (burst_rc != 0)
        fprintf(stderr, "bench: failover: the votes before the kill were not all acknowledged\n");
    /* Counted before the barrier: rank 0 may kill the node while another
     * rank still waits there, and its phones start dropping at once. */
    int n = b->ready_attendees;
    long long closes0 = b->unexpected_closes, lost0 = b->tokens_lost, fail0 = b->connect_failures;
    if (cluster_barrier(b, "failover-kill") != 0)
        return -1;
    double t_kill;
    char path[512];
    snprintf(path, sizeof path, "%s/killed", b->cfg.sync_dir);
    if (b->cfg.rank == 0) {
        if (b->cfg.kill_pid <= 0) {
            fprintf(stderr, "bench: failover needs --kill-pid on rank 0\n");
            return -1;
        }
        t_kill = bench_now();
        if (kill(b->cfg.kill_pid, SIGKILL) != 0) {
            fprintf(stderr, "bench: kill %d: %s\n", b->cfg.kill_pid, strerror(errno));
            return -1;
        }
        FILE *f = fopen(path, "w");
        if (f) {
            fprintf(f, "%.9f\n", t_kill);
            fclose(f);
        }
    } else {
        double end = bench_now() + BARRIER_TIMEOUT_S;
        FILE *f;
        while (!(f = fopen(path, "r")) && bench_now() < end)
            wsc_pump(b, 1);
        if (!f || fscanf(f, "%lf", &t_kill) != 1) {
            if (f)
                fclose(f);
            return -1;
        }
        fclose(f);
    }
    hist_reset(&b->connect_hist);
    b->last_ready = 0;
    /* Give the kernel's resets a moment to arrive, then bring phones back. */
    bench_idle(b, 0.2);
    bench_wait(b, failover_done, FAILOVER_TIMEOUT_S);
    long long dropped = b->unexpected_closes - closes0;
    double back_ms = dropped > 0 && b->last_ready > 0 ? (b->last_ready - t_kill) * 1000.0 : 0;
    long long missing = 0, votes_lost = 0;
    for (int i = 1; i < b->n_phones; i++) {
        const struct phone *p = &b->phones[i];
        if (!p->token[0])
            continue;
        if (!p->ready)
            missing++;
        else if (p->acked && p->my_vote != p->acked)
            votes_lost++;
    }
    long long tokens_lost = b->tokens_lost - lost0;
    report_json(b, "failover",
                json_pack("{s:i, s:I, s:f, s:f, s:f, s:I, s:I, s:I, s:I}", "n", n, "dropped", (json_int_t)dropped,
                          "all_back_ms", back_ms, "p50_ms", hist_quantile_ms(&b->connect_hist, 0.5), "p99_ms",
                          hist_quantile_ms(&b->connect_hist, 0.99), "missing", (json_int_t)missing, "tokens_lost",
                          (json_int_t)tokens_lost, "votes_lost", (json_int_t)votes_lost, "failures",
                          (json_int_t)(b->connect_failures - fail0)));
    report_row(b, "failover", "phones dropped by the kill", (double)dropped, "");
    report_row(b, "failover", "  all back with their vote after", back_ms, "ms");
    if (missing || tokens_lost || votes_lost) {
        fprintf(stderr, "bench: failover: %lld not back, %lld new tokens, %lld votes lost\n", missing, tokens_lost,
                votes_lost);
        b->insane = true;
        return -1;
    }
    return 0;
}
