/* hist.c -- latency histograms for the load generator, plus its byte buffer.
 *
 * Buckets are log-linear in microseconds: exact below 128 us, then 64
 * buckets per power of two, so a quantile is within 1/64 of the truth from
 * one microsecond to hours, in a fixed 9 KiB per histogram. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

void hist_reset(struct hist *h)
{
    memset(h, 0, sizeof *h);
}

static size_t hist_index(uint64_t us)
{
    if (us < 128)
        return (size_t)us;
    int msb = 63 - __builtin_clzll(us);
    int shift = msb - 6;
    size_t idx = 128 + (size_t)(shift - 1) * 64 + (size_t)((us >> shift) - 64);
    return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

/* The middle of a bucket, in microseconds. */
static double hist_value(size_t idx)
{
    if (idx < 128)
        return (double)idx;
    size_t shift = (idx - 128) / 64 + 1;
    uint64_t sub = (idx - 128) % 64 + 64;
    return ((double)(sub << shift) + (double)((1ull << shift) - 1) / 2.0);
}

void hist_add(struct hist *h, double seconds)
{
    if (!(seconds >= 0))
        seconds = 0; /* a clock cannot go back, but NaN must not index */
    uint64_t us = (uint64_t)llround(seconds * 1e6);
    h->counts[hist_index(us)]++;
    h->n++;
    h->sum_us += (double)us;
    if (us > h->max_us)
        h->max_us = us;
}

double hist_quantile_ms(const struct hist *h, double q)
{
    if (h->n == 0)
        return 0;
    /* The rank of the q-quantile, 1-based: p99 of 100 samples is the 99th. */
    uint64_t rank = (uint64_t)ceil(q * (double)h->n);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            double v = hist_value(i);
            return (v > (double)h->max_us ? (double)h->max_us : v) / 1000.0;
        }
    }
    return (double)h->max_us / 1000.0;
}

double hist_max_ms(const struct hist *h)
{
    return (double)h->max_us / 1000.0;
}

double hist_mean_ms(const struct hist *h)
{
    return h->n ? h->sum_us / (double)h->n / 1000.0 : 0;
}

int bbuf_append(struct bbuf *b, const void *p, size_t n)
{
    if (n > UINT32_MAX - b->len)
        return -1;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = (uint32_t)cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += (uint32_t)n;
    return 0;
}

void bbuf_consume(struct bbuf *b, size_t n)
{
    if (n >= b->len) {
        /* Idle phones hold no buffer: 19,000 of them add up. */
        free(b->data);
        b->data = NULL;
        b->len = b->cap = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= (uint32_t)n;
}

void bbuf_free(struct bbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
