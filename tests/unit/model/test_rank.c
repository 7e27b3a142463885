/* test_rank.c -- items ordered by a count that moves by one
 * (server/model/rank.c): a long random run of inserts, +1, -1 and removals
 * checked after every step against the invariants (counts never increase
 * along the list, every item in exactly once, groups consistent), and the
 * tie order the cloud and the questions rely on. */
#include <stdint.h>
#include <stdlib.h>

#include "../check.h"
#include "base/hu_err.h"
#include "model/rank.h"

static uint32_t next_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

enum { N = 200 };

static int check_rank(const struct rank *r, const struct rank_item *items, const uint32_t *shadow, const int *in)
{
    int bad = 0;
    uint32_t n = 0, prev = UINT32_MAX;
    const struct rank_item *last = NULL;
    for (const struct rank_item *it = r->head; it; it = it->next) {
        bad += it->prev != last || it->count > prev || !it->group;
        prev = it->count;
        last = it;
        n++;
    }
    bad += r->tail != last || n != r->n_items;
    uint32_t want = 0;
    for (int i = 0; i < N; i++) {
        want += in[i] != 0;
        bad += rank_has(&items[i]) != (in[i] != 0) || items[i].count != shadow[i];
    }
    bad += want != n;
    return bad;
}

int main(void)
{
    static struct rank_item items[N];
    uint32_t shadow[N] = {0};
    int in[N] = {0};
    struct rank r;
    rank_init(&r);
    uint32_t seed = 424242;
    int bad = 0;
    for (int op = 0; op < 200000 && !bad; op++) {
        int i = (int)(next_rand(&seed) % N);
        switch (next_rand(&seed) % 6) {
        case 0:
            shadow[i] = next_rand(&seed) % 8;
            bad += rank_insert(&r, &items[i], shadow[i]) != HU_OK;
            in[i] = 1;
            break;
        case 1:
            rank_remove(&r, &items[i]);
            in[i] = 0;
            break;
        case 2: case 3:
            bad += rank_inc(&r, &items[i]) != HU_OK;
            shadow[i]++;
            break;
        default:
            bad += rank_dec(&r, &items[i]) != HU_OK;
            if (shadow[i])
                shadow[i]--;
        }
        bad += check_rank(&r, items, shadow, in);
        if (bad)
            fprintf(stderr, "rank: broken after operation %d\n", op);
    }
    CHECK(bad == 0);
    rank_clear(&r);
    CHECK(r.head == NULL && r.n_items == 0 && !rank_has(&items[0]));

    /* Ties keep the order in which the count was reached: a rises to 1
     * first, then b; b rising to 2 passes a; a following ties behind b. */
    struct rank_item a = {0}, b = {0}, c = {0};
    rank_init(&r);
    CHECK(rank_insert(&r, &a, 0) == HU_OK && rank_insert(&r, &b, 0) == HU_OK && rank_insert(&r, &c, 0) == HU_OK);
    CHECK(r.head == &a && r.tail == &c);
    rank_inc(&r, &a);
    rank_inc(&r, &b);
    CHECK(r.head == &a && a.next == &b && b.next == &c);
    rank_inc(&r, &b);
    rank_inc(&r, &a);
    CHECK(r.head == &b && b.next == &a && a.count == 2);
    rank_dec(&r, &b);
    CHECK(r.head == &a && a.next == &b);
    /* Inserting with a count places it among its equals, last. */
    struct rank_item d = {0};
    CHECK(rank_insert(&r, &d, 2) == HU_OK && r.head == &a && a.next == &d && d.next == &b);
    rank_clear(&r);
    return check_done();
}
