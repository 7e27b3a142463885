/* test_cloud.c -- word cloud entries (server/model/cloud.c): grouping by
 * case and spacing, the first spelling shown, removal down to nothing, and a
 * random run of adds and removes checked against a recount. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "model/cloud.h"

static uint32_t count_of(const struct cloud *c, const char *text)
{
    for (const struct cloud_entry *e = cloud_first(c); e; e = cloud_next(e))
        if (strcmp(e->text, text) == 0)
            return e->rank.count;
    return 0;
}

static int add(struct cloud *c, const char *s) { return cloud_add(c, s, strlen(s)); }

int main(void)
{
    struct cloud c;
    cloud_init(&c);
    CHECK(add(&c, "Trust") == HU_OK && add(&c, "trust") == HU_OK && add(&c, "TRUST") == HU_OK);
    CHECK(add(&c, "Time") == HU_OK && add(&c, "Caf\xc3\x89") == HU_OK && add(&c, "caf\xc3\xa9") == HU_OK);
    CHECK(c.n_entries == 3);
    const struct cloud_entry *e = cloud_first(&c);
    CHECK(e && strcmp(e->text, "Trust") == 0 && e->rank.count == 3);
    CHECK(count_of(&c, "Caf\xc3\x89") == 2 && count_of(&c, "Time") == 1);
    cloud_remove(&c, "TRUST", 5);
    cloud_remove(&c, "Time", 4);
    cloud_remove(&c, "never added", 11);
    CHECK(c.n_entries == 2 && count_of(&c, "Trust") == 2 && count_of(&c, "Time") == 0);
    cloud_clear(&c);
    CHECK(c.n_entries == 0 && cloud_first(&c) == NULL);

    /* 20,000 random adds and removes over 500 words, with the table growing
     * through several sizes, against a plain recount. */
    enum { WORDS = 500 };
    static uint32_t shadow[WORDS];
    uint32_t seed = 7;
    int bad = 0;
    for (int op = 0; op < 20000; op++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        int w = (int)(seed % WORDS);
        char word[32];
        snprintf(word, sizeof word, "%s%d", seed & 0x100 ? "Word" : "word", w);
        if ((seed >> 9) % 3 == 0) {
            cloud_remove(&c, word, strlen(word));
            if (shadow[w])
                shadow[w]--;
        } else {
            bad += add(&c, word) != HU_OK;
            shadow[w]++;
        }
    }
    uint32_t entries = 0, prev = UINT32_MAX;
    for (e = cloud_first(&c); e; e = cloud_next(e)) {
        int w = (int)strtol(e->key + 4, NULL, 10);
        bad += e->rank.count != shadow[w] || e->rank.count > prev || e->rank.count == 0;
        prev = e->rank.count;
        entries++;
    }
    uint32_t want = 0;
    for (int w = 0; w < WORDS; w++)
        want += shadow[w] != 0;
    CHECK(bad == 0 && entries == want && c.n_entries == want);
    cloud_clear(&c);
    return check_done();
}
