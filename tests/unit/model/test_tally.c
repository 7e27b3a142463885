/* test_tally.c -- the counts of server/model/tally.c: cast, change, withdraw,
 * several picks, refused input that must leave the tally unchanged, clear,
 * and a long random run checked against a brute-force recount after every
 * operation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "model/tally.h"

/* A tiny deterministic generator (xorshift32) so a failure reproduces. */
static uint32_t next_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

static void test_basics(void)
{
    CHECK(tally_new(0) == NULL);
    CHECK(tally_new(HU_OPTION_MAX + 1) == NULL);
    tally_free(NULL);

    struct tally *t = tally_new(2);
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK(tally_options(t) == 2);
    CHECK(tally_voters(t) == 0);
    CHECK(tally_get(t, 0) == TALLY_NONE);
    CHECK(tally_get(t, 123456) == TALLY_NONE);

    /* Cast: one pick each (bit 0 is option 0). */
    CHECK(tally_set(t, 0, 1u << 0) == HU_OK);
    CHECK(tally_set(t, 1, 1u << 1) == HU_OK);
    CHECK(tally_set(t, 2, 1u << 0) == HU_OK);
    CHECK(tally_count(t, 0) == 2 && tally_count(t, 1) == 1 && tally_voters(t) == 3);
    CHECK(tally_get(t, 2) == 1u << 0);

    /* Change, and the same vote again. */
    CHECK(tally_set(t, 2, 1u << 1) == HU_OK);
    CHECK(tally_set(t, 2, 1u << 1) == HU_OK);
    CHECK(tally_count(t, 0) == 1 && tally_count(t, 1) == 2 && tally_voters(t) == 3);

    /* Withdraw, also of a vote never cast. */
    CHECK(tally_set(t, 1, TALLY_NONE) == HU_OK);
    CHECK(tally_set(t, 1, TALLY_NONE) == HU_OK);
    CHECK(tally_set(t, 99999, TALLY_NONE) == HU_OK);
    CHECK(tally_count(t, 0) == 1 && tally_count(t, 1) == 1 && tally_voters(t) == 2);
    CHECK(tally_get(t, 1) == TALLY_NONE);

    /* Picks past the options are refused and change nothing. */
    CHECK(tally_set(t, 0, 1u << 2) == HU_ERR_BAD_MESSAGE);
    CHECK(tally_set(t, 0, (1u << 0) | (1u << 15)) == HU_ERR_BAD_MESSAGE);
    CHECK(tally_set(t, 5000, 0xffff) == HU_ERR_BAD_MESSAGE);
    CHECK(tally_get(t, 0) == 1u << 0 && tally_get(t, 5000) == TALLY_NONE);
    CHECK(tally_count(t, 0) == 1 && tally_count(t, 1) == 1 && tally_voters(t) == 2);
    CHECK(tally_count(t, 2) == 0 && tally_count(t, 1000) == 0);

    /* The largest participant index grows the array; one beyond is refused. */
    uint32_t last = HU_SESSION_MAX_PARTICIPANTS - 1;
    CHECK(tally_set(t, last, 1u << 1) == HU_OK);
    CHECK(tally_get(t, last) == 1u << 1 && tally_get(t, last - 1) == TALLY_NONE);
    CHECK(tally_set(t, last + 1, 1u << 0) == HU_ERR_FULL);
    CHECK(tally_set(t, UINT32_MAX, 1u << 0) == HU_ERR_FULL);
    CHECK(tally_get(t, last + 1) == TALLY_NONE && tally_get(t, UINT32_MAX) == TALLY_NONE);
    CHECK(tally_count(t, 0) == 1 && tally_count(t, 1) == 2 && tally_voters(t) == 3);

    /* Clear withdraws everything, and the tally works again afterwards. */
    tally_clear(t);
    CHECK(tally_voters(t) == 0 && tally_count(t, 0) == 0 && tally_count(t, 1) == 0);
    CHECK(tally_get(t, 0) == TALLY_NONE && tally_get(t, last) == TALLY_NONE);
    CHECK(tally_set(t, 7, 1u << 1) == HU_OK);
    CHECK(tally_count(t, 1) == 1 && tally_voters(t) == 1);
    tally_free(t);

    /* Several picks (a multiple choice): each pick counts, the voter once;
     * a change moves only the picks that changed. */
    struct tally *m = tally_new(4);
    CHECK(m && tally_set(m, 0, 0x3) == HU_OK && tally_set(m, 1, 0x6) == HU_OK);
    CHECK(m && tally_count(m, 0) == 1 && tally_count(m, 1) == 2 && tally_count(m, 2) == 1 && tally_voters(m) == 2);
    CHECK(m && tally_set(m, 0, 0xC) == HU_OK);
    CHECK(m && tally_count(m, 0) == 0 && tally_count(m, 1) == 1 && tally_count(m, 2) == 2 && tally_count(m, 3) == 1);
    CHECK(m && tally_voters(m) == 2 && tally_set(m, 1, TALLY_NONE) == HU_OK && tally_voters(m) == 1);
    CHECK(m && tally_count(m, 1) == 0 && tally_count(m, 2) == 1);
    tally_free(m);

    /* A one-option poll and the widest one. */
    struct tally *one = tally_new(1);
    CHECK(one && tally_set(one, 3, 1u << 0) == HU_OK && tally_set(one, 3, 1u << 1) == HU_ERR_BAD_MESSAGE);
    CHECK(one && tally_count(one, 0) == 1);
    tally_free(one);
    struct tally *wide = tally_new(HU_OPTION_MAX);
    CHECK(wide && tally_set(wide, 0, (tally_mask)(1u << (HU_OPTION_MAX - 1))) == HU_OK);
    CHECK(wide && tally_set(wide, 1, 0xffff) == HU_OK && tally_voters(wide) == 2);
    CHECK(wide && tally_count(wide, HU_OPTION_MAX - 1) == 2 && tally_count(wide, 0) == 1);
    tally_free(wide);
}

/* 100,000 random casts of any set of picks, changes, withdrawals, refused
 * picks and the odd clear; after each one the running counts must equal a
 * recount of a plain shadow array. */
static void test_random(void)
{
    /* Participant indexes are spread by STRIDE up to ~180,000, so the array
     * grows through many sizes (and again after each clear). */
    enum { N_OPTIONS = 5, N_PEOPLE = 300, N_OPS = 100000, STRIDE = 601 };
    struct tally *t = tally_new(N_OPTIONS);
    CHECK(t != NULL);
    if (!t)
        return;
    tally_mask shadow[N_PEOPLE];
    for (int i = 0; i < N_PEOPLE; i++)
        shadow[i] = TALLY_NONE;
    uint32_t seed = 20261122;
    int mismatches = 0;
    for (int op = 0; op < N_OPS && mismatches < 5; op++) {
        uint32_t r = next_rand(&seed);
        uint32_t who = next_rand(&seed) % N_PEOPLE;
        if (r % 5000 == 0) {
            tally_clear(t);
            for (int i = 0; i < N_PEOPLE; i++)
                shadow[i] = TALLY_NONE;
            continue;
        }
        /* Masks over one more option than the poll has: those are refused. */
        tally_mask picks = (tally_mask)(r % (1u << (N_OPTIONS + 1)));
        int rc = tally_set(t, who * STRIDE, picks);
        if (picks < (1u << N_OPTIONS)) {
            if (rc != HU_OK)
                mismatches++;
            shadow[who] = picks;
        } else if (rc != HU_ERR_BAD_MESSAGE) {
            mismatches++;
        }
        uint32_t counts[N_OPTIONS] = {0}, voters = 0;
        for (int i = 0; i < N_PEOPLE; i++) {
            voters += shadow[i] != TALLY_NONE;
            for (unsigned o = 0; o < N_OPTIONS; o++)
                counts[o] += (shadow[i] >> o) & 1u;
        }
        if (tally_voters(t) != voters || tally_get(t, who * STRIDE) != shadow[who])
            mismatches++;
        for (unsigned o = 0; o < N_OPTIONS; o++)
            if (tally_count(t, o) != counts[o])
                mismatches++;
        if (mismatches)
            fprintf(stderr, "random run: mismatch at operation %d\n", op);
    }
    CHECK(mismatches == 0);
    for (uint32_t i = 0; i < N_PEOPLE; i++)
        CHECK(tally_get(t, i * STRIDE) == shadow[i]);
    tally_free(t);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    test_basics();
    test_random();
    return check_done();
}
