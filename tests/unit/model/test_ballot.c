/* test_ballot.c -- a vote's picks in every form (server/model/ballot.c):
 * checked against each kind, stored, read back and written as myVote, and
 * the mean and median of a scale (results_stats). */
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "model/ballot.h"
#include "model/results.h"

static struct pollspec spec(const char *kind)
{
    struct pollspec p;
    pollspec_init(&p, pollkind_find(kind, strlen(kind)));
    return p;
}

static int parse(const struct pollspec *p, struct ballot_in in, tally_mask *m)
{
    char why[160] = "";
    int rc = ballot_parse(p, &in, m, why, sizeof why);
    CHECK(rc == HU_OK || why[0]); /* every refusal says why */
    return rc;
}

static const char *written(const struct pollspec *p, tally_mask m)
{
    static char buf[BALLOT_TEXT_MAX];
    ballot_write(p, m, buf);
    return buf;
}

int main(void)
{
    tally_mask m;
    struct pollspec yn = spec("yesno");
    CHECK(parse(&yn, (struct ballot_in){.choice = "no"}, &m) == HU_OK && m == 2);
    CHECK_STR(written(&yn, m), "\"no\"");
    CHECK_STR(ballot_field(&yn), "choice");
    CHECK(parse(&yn, (struct ballot_in){.choice = "maybe"}, &m) == HU_ERR_BAD_MESSAGE);
    CHECK(parse(&yn, (struct ballot_in){.has_value = true, .value = 1}, &m) == HU_ERR_BAD_MESSAGE);
    CHECK(parse(&yn, (struct ballot_in){0}, &m) == HU_ERR_BAD_MESSAGE);
    CHECK(parse(&yn, (struct ballot_in){.choice = "yes", .has_choices = true}, &m) == HU_ERR_BAD_MESSAGE);
    CHECK_STR(written(&yn, TALLY_NONE), "null");

    struct pollspec ch = spec("choice");
    const char *labels[] = {"Trust", "Time", "Money", "Care"};
    for (int i = 0; i < 4; i++)
        pollspec_add_option(&ch, labels[i], strlen(labels[i]));
    unsigned a, b;
    pollspec_finish(&ch, &a, &b);
    ch.multiple = 2;
    struct ballot_in two = {.has_choices = true, .choices = {"money", "trust"}, .n_choices = 2};
    CHECK(parse(&ch, two, &m) == HU_OK && m == 0x5);
    CHECK_STR(written(&ch, m), "[\"trust\",\"money\"]");
    CHECK_STR(ballot_field(&ch), "choices");
    char stored[BALLOT_TEXT_MAX];
    ballot_encode(&ch, m, stored);
    CHECK_STR(stored, "trust money");
    tally_mask back;
    CHECK(ballot_decode(&ch, stored, &back) == HU_OK && back == m);
    struct ballot_in three = {.has_choices = true, .choices = {"trust", "time", "care"}, .n_choices = 3};
    CHECK(parse(&ch, three, &m) == HU_ERR_BAD_MESSAGE);
    struct ballot_in twice = {.has_choices = true, .choices = {"care", "care"}, .n_choices = 2};
    CHECK(parse(&ch, twice, &m) == HU_ERR_BAD_MESSAGE);
    struct ballot_in none = {.has_choices = true, .n_choices = 0};
    CHECK(parse(&ch, none, &m) == HU_OK && m == TALLY_NONE);
    ballot_encode(&ch, m, stored);
    CHECK_STR(stored, "");
    CHECK(parse(&ch, (struct ballot_in){.choice = "care"}, &m) == HU_OK && m == 0x8);
    CHECK(ballot_decode(&ch, "care trust time", &back) == HU_ERR_PARSE); /* more than multiple */
    CHECK(ballot_decode(&ch, "care care", &back) == HU_ERR_PARSE);
    CHECK(ballot_decode(&ch, "nope", &back) == HU_ERR_PARSE);

    struct pollspec sc = spec("scale");
    CHECK(parse(&sc, (struct ballot_in){.has_value = true, .value = 4}, &m) == HU_OK && m == 1u << 3);
    CHECK_STR(written(&sc, m), "4");
    CHECK_STR(ballot_field(&sc), "value");
    for (long long v = -1; v <= 7; v += 7)
        CHECK(parse(&sc, (struct ballot_in){.has_value = true, .value = v}, &m) == HU_ERR_BAD_MESSAGE);
    CHECK(parse(&sc, (struct ballot_in){.has_value = true, .value = 0}, &m) == HU_ERR_BAD_MESSAGE);
    CHECK(parse(&sc, (struct ballot_in){.has_value = true, .value = 6}, &m) == HU_ERR_BAD_MESSAGE);
    CHECK(parse(&sc, (struct ballot_in){.choice = "2"}, &m) == HU_OK && m == 1u << 1);

    struct pollspec tx = spec("text");
    CHECK(parse(&tx, (struct ballot_in){.choice = "x"}, &m) == HU_ERR_BAD_MESSAGE);

    /* Mean and median from the histogram: 1, 2, 4, 5, 5 and then 1, 2, 4, 5. */
    uint32_t counts[5] = {1, 1, 0, 1, 2};
    double mean, median;
    results_stats(&sc, counts, 5, &mean, &median);
    CHECK(mean == 3.4 && median == 4.0);
    counts[4] = 1;
    results_stats(&sc, counts, 4, &mean, &median);
    CHECK(mean == 3.0 && median == 3.0);
    uint32_t zero[5] = {0};
    results_stats(&sc, zero, 0, &mean, &median);
    CHECK(mean == 0.0 && median == 0.0);
    pollspec_set_range(&sc, 0, 10);
    uint32_t ends[11] = {3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};
    results_stats(&sc, ends, 6, &mean, &median);
    CHECK(mean == 5.0 && median == 5.0);
    return check_done();
}
