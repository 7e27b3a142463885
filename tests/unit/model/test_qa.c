/* test_qa.c -- audience questions (server/model/qa.c): the per-person and
 * session limits, visible questions ranked by upvotes, moderation in and out
 * of the rank, and the upvote set under a random run of gives and takes
 * checked against a plain bitmap. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "model/qa.h"

int main(void)
{
    struct qa q;
    qa_init(&q);
    uint32_t a, b, c;
    CHECK(qa_reserve(&q, 1, &a) == HU_OK && qa_commit(&q, a, 1, "First?", QUESTION_OPEN, 10) == HU_OK);
    CHECK(qa_reserve(&q, 2, &b) == HU_OK && qa_commit(&q, b, 2, "Second?", QUESTION_OPEN, 11) == HU_OK);
    CHECK(qa_reserve(&q, 2, &c) == HU_OK && qa_commit(&q, c, 2, "Held?", QUESTION_PENDING, 12) == HU_OK);
    CHECK(q.rank.n_items == 2 && qa_first(&q)->id == a);
    bool changed;
    CHECK(qa_upvote(&q, b, 7, true, &changed) == HU_OK && changed);
    CHECK(qa_upvote(&q, b, 7, true, &changed) == HU_OK && !changed);
    CHECK(qa_first(&q)->id == b && qa_get(&q, b)->rank.count == 1 && qa_upvoted(&q, b, 7) && !qa_upvoted(&q, a, 7));
    CHECK(qa_upvote(&q, 99, 7, true, &changed) == HU_ERR_NOT_FOUND);
    /* Approving puts a question in the rank with the upvotes it has. */
    CHECK(qa_upvote(&q, c, 8, true, &changed) == HU_OK && qa_upvote(&q, c, 9, true, &changed) == HU_OK);
    CHECK(q.rank.n_items == 2);
    CHECK(qa_set_status(&q, c, QUESTION_OPEN) == HU_OK && q.rank.n_items == 3 && qa_first(&q)->id == c);
    CHECK(qa_set_status(&q, c, QUESTION_PINNED) == HU_OK && qa_set_status(&q, c, QUESTION_ANSWERED) == HU_OK);
    CHECK(q.rank.n_items == 3 && qa_first(&q)->rank.count == 2);
    CHECK(qa_set_status(&q, c, QUESTION_HIDDEN) == HU_OK && q.rank.n_items == 2 && qa_first(&q)->id == b);
    CHECK(qa_set_status(&q, 42, QUESTION_OPEN) == HU_ERR_NOT_FOUND);
    CHECK(qa_newest_mine(&q, 2) == c && qa_get(&q, c)->prev_mine == b);
    CHECK_STR(qa_status_name(QUESTION_PINNED), "pinned");

    /* One person asks at most HU_QA_PER_PARTICIPANT questions. */
    uint32_t id;
    int asked = 0;
    while (qa_reserve(&q, 3, &id) == HU_OK)
        asked++;
    CHECK(asked == HU_QA_PER_PARTICIPANT);
    qa_release(&q, 3, id);
    CHECK(qa_reserve(&q, 3, &id) == HU_OK);
    qa_clear(&q);

    /* 100,000 random upvotes given and taken on 20 questions by 500 people,
     * against a bitmap: the set must delete without losing anyone. */
    qa_init(&q);
    for (uint32_t i = 0; i < 20; i++) {
        CHECK(qa_reserve(&q, i, &id) == HU_OK && qa_commit(&q, id, i, "q", QUESTION_OPEN, 0) == HU_OK);
    }
    static unsigned char bits[21][500];
    uint32_t seed = 99;
    int bad = 0;
    for (int op = 0; op < 100000; op++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        uint32_t qid = 1 + seed % 20, who = (seed >> 5) % 500;
        bool on = (seed >> 16) & 1;
        bad += qa_upvote(&q, qid, who, on, &changed) != HU_OK || changed != (bits[qid][who] != on);
        bits[qid][who] = on;
    }
    for (uint32_t qid = 1; qid <= 20; qid++) {
        uint32_t n = 0;
        for (uint32_t w = 0; w < 500; w++) {
            n += bits[qid][w];
            bad += qa_upvoted(&q, qid, w) != (bits[qid][w] != 0);
        }
        bad += qa_get(&q, qid)->rank.count != n;
    }
    CHECK(bad == 0);
    qa_clear(&q);
    return check_done();
}
