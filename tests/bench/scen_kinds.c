/* scen_kinds.c -- poll kinds beyond yes/no under the full room (DESIGN.md
 * section 7, docs/benchmarks.md), on tests/bench/deck-kinds.md, whose first
 * slide is a yes/no poll so that "burst" gives a comparison in the same run:
 *
 *   burst-multiple  every phone picks two of four options at once;
 *   burst-scale     every phone rates 1-5 at once;
 *   burst-text      every phone sends an open answer at once;
 *   qa              30 questions, then 1,000 upvotes a second for
 *                   --steady-secs (10 s) while every phone receives the
 *                   question lists.
 *
 * A burst counts as exact when the presenter's tally equals what was sent:
 * every option's count (or every cloud entry's), and the voters. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define KINDS_BURST_TIMEOUT_S 30.0
#define KINDS_TALLY_TIMEOUT_S 5.0
#define KINDS_MOVE_TIMEOUT_S 10.0
#define TEXT_WORDS 50           /* distinct answers; all fit the tally's 100 entries */
#define QA_QUESTIONS 30
#define QA_RATE 1000            /* upvotes per second */
#define QA_SETTLE_S 1.5         /* lets the lists of earlier changes go out first */

/* Counts the tally must show, by option or entry (index) and in total. */
struct kinds_expect {
    int n;                      /* options or entries */
    long long counts[TEXT_WORDS];
    long long voters;
    long long answers;          /* text: shown answers */
};

static struct kinds_expect kinds_want;

static const char *const option_ids[] = {"a", "b", "c", "d"};

/* Answers spelled three ways ("Word7", "word7", "WORD7"): the cloud must
 * fold them into one entry each. */
static void text_answer(int i, char *buf, size_t len)
{
    int w = i % TEXT_WORDS, spelling = (i / TEXT_WORDS) % 3;
    snprintf(buf, len, "%s%d", spelling == 0 ? "Word" : spelling == 1 ? "word" : "WORD", w);
}

static bool check_options(struct bench *b, json_t *t)
{
    (void)b;
    json_t *counts = json_object_get(t, "counts");
    if (json_integer_value(json_object_get(t, "voters")) != kinds_want.voters || !counts)
        return false;
    for (int i = 0; i < kinds_want.n; i++) {
        char key[16];
        snprintf(key, sizeof key, "%d", i + 1);
        const char *id = kinds_want.n == 4 ? option_ids[i] : key;
        if (json_integer_value(json_object_get(counts, id)) != kinds_want.counts[i])
            return false;
    }
    return true;
}

static bool check_entries(struct bench *b, json_t *t)
{
    (void)b;
    json_t *entries = json_object_get(t, "entries");
    if (json_integer_value(json_object_get(t, "answers")) != kinds_want.answers ||
        json_integer_value(json_object_get(t, "voters")) != kinds_want.voters ||
        (int)json_array_size(entries) != kinds_want.n)
        return false;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        const char *text = json_string_value(json_object_get(e, "text"));
        long long w = text ? strtoll(text + 4, NULL, 10) : -1;
        if (w < 0 || w >= TEXT_WORDS || json_integer_value(json_object_get(e, "count")) != kinds_want.counts[w])
            return false;
    }
    return true;
}

static bool on_poll(struct bench *b)
{
    return strcmp(b->room.poll, (const char *)b->wait_arg) == 0 && b->room.poll_open;
}

/* Moves the presenter to slide and waits until it shows poll open. */
static int kinds_goto(struct bench *b, int slide, const char *poll)
{
    if (phone_goto(b, slide) != 0)
        return -1;
    b->wait_arg = poll;
    bool ok = bench_wait(b, on_poll, KINDS_MOVE_TIMEOUT_S);
    b->wait_arg = NULL;
    /* Every phone gets the new state before the burst starts. */
    bench_idle(b, 0.5);
    return ok ? 0 : -1;
}

static bool all_acked(struct bench *b)
{
    return b->acks + b->errors >= *(const long long *)b->wait_arg;
}

static bool tally_exact(struct bench *b) { return b->tally_exact_at > 0; }

/* One burst: message(i) for every ready phone at once; reports the figures
 * under name against a target for all acks (ms). */
static int kinds_burst(struct bench *b, const char *name, void (*message)(int i, char *buf, size_t len),
                       bool (*check)(struct bench *, json_t *), double target_ms, double tally_target_ms)
{
    phone_votes_reset(b);
    b->errors = 0;
    b->tally_exact_at = 0;
    b->tally_check = check;
    b->tally_armed = true;
    long long sent = 0;
    double t0 = bench_now();
    for (int i = 1; i < b->n_phones; i++) {
        char text[256];
        message(i, text, sizeof text);
        if (b->phones[i].ready && phone_request(b, &b->phones[i], text, bench_now()) == 0)
            sent++;
    }
    double t_sent = bench_now();
    b->wait_arg = &sent;
    bench_wait(b, all_acked, KINDS_BURST_TIMEOUT_S);
    b->wait_arg = NULL;
    double t_acked = b->last_ack > 0 ? b->last_ack : bench_now();
    bench_wait(b, tally_exact, KINDS_TALLY_TIMEOUT_S);
    b->tally_armed = false;
    b->tally_check = NULL;
    double all_ms = (t_acked - t0) * 1000.0;
    double tally_ms = b->tally_exact_at > 0 ? (b->tally_exact_at - b->last_ack) * 1000.0 : -1;
    report_json(b, name,
                json_pack("{s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:b, s:I, s:s, s:f, s:f}", "sent", (json_int_t)sent,
                          "acked", (json_int_t)b->acks, "send_ms", (t_sent - t0) * 1000.0, "all_acked_ms", all_ms,
                          "ack_p50_ms", hist_quantile_ms(&b->ack_hist, 0.5), "ack_p99_ms",
                          hist_quantile_ms(&b->ack_hist, 0.99), "ack_max_ms", hist_max_ms(&b->ack_hist),
                          "tally_exact_after_last_ack_ms", tally_ms, "tally_exact", b->tally_exact_at > 0, "errors",
                          (json_int_t)b->errors, "last_error", b->last_error, "target_ms", target_ms,
                          "tally_target_ms", tally_target_ms));
    report_row(b, name, "acknowledged", (double)b->acks, "");
    report_row(b, name, "  all acknowledged after", all_ms, "ms");
    report_row(b, name, "  ack p99", hist_quantile_ms(&b->ack_hist, 0.99), "ms");
    report_row(b, name, "  tally exact after last ack", tally_ms, "ms");
    if (b->acks != sent || b->tally_exact_at == 0) {
        fprintf(stderr, "bench: %s: %lld of %lld acked, tally %s, %lld errors (%s)\n", name, b->acks, sent,
                b->tally_exact_at > 0 ? "exact" : "NOT exact", b->errors, b->last_error);
        b->insane = true;
        return -1;
    }
    return 0;
}

static void multiple_message(int i, char *buf, size_t len)
{
    snprintf(buf, len, "{\"type\":\"vote\",\"poll\":\"multi\",\"choices\":[\"%s\",\"%s\"]", option_ids[i % 4],
             option_ids[(i + 1) % 4]);
}

static void scale_message(int i, char *buf, size_t len)
{
    snprintf(buf, len, "{\"type\":\"vote\",\"poll\":\"scale\",\"value\":%d", 1 + i % 5);
}

static void text_message(int i, char *buf, size_t len)
{
    char word[32];
    text_answer(i, word, sizeof word);
    snprintf(buf, len, "{\"type\":\"answer\",\"poll\":\"words\",\"text\":\"%s\"", word);
}

/* What every ready phone's message adds up to. */
static void expect_for(struct bench *b, int kind)
{
    memset(&kinds_want, 0, sizeof kinds_want);
    kinds_want.n = kind == 0 ? 4 : kind == 1 ? 5 : TEXT_WORDS;
    for (int i = 1; i < b->n_phones; i++) {
        if (!b->phones[i].ready)
            continue;
        kinds_want.voters++;
        if (kind == 0) {
            kinds_want.counts[i % 4]++;
            kinds_want.counts[(i + 1) % 4]++;
        } else if (kind == 1) {
            kinds_want.counts[i % 5]++;
        } else {
            kinds_want.counts[i % TEXT_WORDS]++;
            kinds_want.answers++;
        }
    }
    /* Fewer phones than words leave some words out of the cloud. */
    if (kind == 2) {
        int present = 0;
        for (int w = 0; w < TEXT_WORDS; w++)
            present += kinds_want.counts[w] > 0;
        kinds_want.n = present;
    }
}

static bool lists_in(struct bench *b)
{
    (void)b;
    return bench_now() >= *(const double *)b->wait_arg;
}

/* Questions, then a stream of upvotes: lists per phone, bytes, server CPU. */
static int kinds_qa(struct bench *b)
{
    int askers = b->n_phones - 1 < QA_QUESTIONS ? b->n_phones - 1 : QA_QUESTIONS;
    phone_votes_reset(b);
    b->errors = 0;
    long long sent = 0;
    for (int q = 0; q < askers; q++) {
        char text[200];
        snprintf(text, sizeof text,
                 "{\"type\":\"ask\",\"text\":\"Question %d: how do we know the methodology works in practice?\"",
                 q + 1);
        if (phone_request(b, &b->phones[1 + q], text, bench_now()) == 0)
            sent++;
    }
    b->wait_arg = &sent;
    bench_wait(b, all_acked, KINDS_BURST_TIMEOUT_S);
    b->wait_arg = NULL;
    bench_idle(b, QA_SETTLE_S);
    for (int i = 1; i < b->n_phones; i++) {
        b->phones[i].qa_lists = 0;
        b->phones[i].qa_last = 0;
        b->phones[i].qa_min_gap = 0;
    }
    b->qa_bytes = 0;
    phone_votes_reset(b);
    b->errors = 0;
    long long cpu0 = report_cpu_ticks(b->cfg.pid), ups = 0;
    double qa_secs = b->cfg.steady_secs;
    double t0 = bench_now(), end = t0 + qa_secs, now = t0;
    while (now < end) {
        long long due = (long long)((now - t0) * QA_RATE);
        while (ups < due) {
            /* Question ids are 1..askers.  Round c of the phones upvotes
             * question (c + j) for phone j, so no pair repeats (an upvote
             * given twice changes nothing) until every phone has upvoted
             * every question. */
            long long np = b->n_phones - 1, round = ups / np, j = ups % np;
            int phone = 1 + (int)j, question = 1 + (int)((round + j) % askers);
            char text[96];
            snprintf(text, sizeof text, "{\"type\":\"upvote\",\"question\":\"%d\",\"on\":true", question);
            if (b->phones[phone].ready)
                phone_request(b, &b->phones[phone], text, t0 + (double)ups / QA_RATE);
            ups++;
        }
        wsc_pump(b, 1);
        now = bench_now();
    }
    long long cpu1 = report_cpu_ticks(b->cfg.pid);
    double stop = bench_now() + QA_SETTLE_S;
    b->wait_arg = &stop;
    bench_wait(b, lists_in, QA_SETTLE_S + 1);
    b->wait_arg = NULL;
    double secs = bench_now() - t0;
    long long ticks_per_s = sysconf(_SC_CLK_TCK);
    double cpu = cpu0 >= 0 && cpu1 >= 0 ? (double)(cpu1 - cpu0) / (double)ticks_per_s / qa_secs * 100.0 : -1;
    uint32_t most = 0, fewest = UINT32_MAX;
    double min_gap = 1e9;
    int phones = 0;
    for (int i = 1; i < b->n_phones; i++) {
        struct phone *p = &b->phones[i];
        if (!p->ready)
            continue;
        phones++;
        most = p->qa_lists > most ? p->qa_lists : most;
        fewest = p->qa_lists < fewest ? p->qa_lists : fewest;
        if (p->qa_min_gap > 0 && p->qa_min_gap < min_gap)
            min_gap = p->qa_min_gap;
    }
    double bytes_per_phone_s = phones ? (double)b->qa_bytes / phones / secs : 0;
    report_json(b, "qa",
                json_pack("{s:i, s:i, s:I, s:I, s:f, s:f, s:i, s:i, s:f, s:f, s:f, s:I}", "phones", phones, "questions",
                          askers, "upvotes_sent", (json_int_t)ups, "upvotes_acked", (json_int_t)b->acks, "seconds",
                          secs, "server_cpu_pct", cpu, "lists_per_phone_max", (int)most, "lists_per_phone_min",
                          (int)fewest, "min_gap_ms", min_gap < 1e9 ? min_gap * 1000.0 : -1.0, "bytes_per_phone_s",
                          bytes_per_phone_s, "upvote_ack_p99_ms", hist_quantile_ms(&b->ack_hist, 0.99), "errors",
                          (json_int_t)b->errors));
    report_row(b, "qa", "upvotes acknowledged", (double)b->acks, "");
    report_row(b, "qa", "  server CPU while upvoting", cpu, "% of a core");
    report_row(b, "qa", "  lists per phone, most", (double)most, "");
    report_row(b, "qa", "  shortest gap between two lists", min_gap < 1e9 ? min_gap * 1000.0 : -1.0, "ms");
    report_row(b, "qa", "  bytes of lists per phone per second", bytes_per_phone_s, "B/s");
    if (b->acks != ups || (double)most > secs + 1) {
        fprintf(stderr, "bench: qa: %lld of %lld upvotes acked, at most %u lists in %.1f s (%s)\n", b->acks, ups,
                most, secs, b->last_error);
        b->insane = true;
        return -1;
    }
    return 0;
}

int scen_kinds(struct bench *b)
{
    /* Slides of deck-kinds.md. */
    static const struct {
        unsigned bit;
        int slide;
        const char *poll;
    } polls[] = {{SCEN_MULTIPLE, 1, "multi"}, {SCEN_SCALE, 2, "scale"}, {SCEN_TEXT, 3, "words"}};
    int rc = 0;
    for (int k = 0; k < 3; k++) {
        if (!(b->cfg.scenarios & polls[k].bit))
            continue;
        if (kinds_goto(b, polls[k].slide, polls[k].poll) != 0) {
            fprintf(stderr, "bench: the presenter could not open poll %s (is the deck deck-kinds.md?)\n",
                    polls[k].poll);
            return -1;
        }
        expect_for(b, k);
        if (k == 0)
            rc |= kinds_burst(b, "burst-multiple", multiple_message, check_options, 500, 100);
        else if (k == 1)
            rc |= kinds_burst(b, "burst-scale", scale_message, check_options, 500, 100);
        else
            rc |= kinds_burst(b, "burst-text", text_message, check_entries, 1000, 200);
    }
    if (b->cfg.scenarios & SCEN_QA)
        rc |= kinds_qa(b);
    return rc;
}
