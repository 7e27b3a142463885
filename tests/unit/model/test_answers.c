/* test_answers.c -- a text poll's answers (server/model/answers.c):
 * reservation and commit, the per-person count, withdrawal, moderation, and
 * the counts and cloud kept right through every change. */
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "model/answers.h"

int main(void)
{
    struct answers a;
    answers_init(&a);
    uint32_t id1, id2, id3;
    CHECK(answers_reserve(&a, 5, &id1) == HU_OK && id1 == 1);
    CHECK(answers_reserve(&a, 5, &id2) == HU_OK && id2 == 2);
    CHECK(answers_count_mine(&a, 5) == 2 && answers_count_mine(&a, 6) == 0);
    /* A failed write gives its place back; its id is never reused. */
    answers_release(&a, 5, id2);
    CHECK(answers_count_mine(&a, 5) == 1);
    CHECK(answers_reserve(&a, 6, &id3) == HU_OK && id3 == 3);
    CHECK(answers_commit(&a, id1, 5, "Trust", ANSWER_SHOWN, 1000) == HU_OK);
    CHECK(answers_commit(&a, id3, 6, "trust", ANSWER_PENDING, 1001) == HU_OK);
    CHECK(answers_commit(&a, id3, 6, "again", ANSWER_SHOWN, 1002) == HU_ERR_EXISTS);
    CHECK(answers_get(&a, id2) == NULL && answers_get(&a, 0) == NULL && answers_get(&a, 99) == NULL);
    CHECK(a.shown == 1 && a.pending == 1 && a.voters == 2 && answers_count_mine(&a, 5) == 1);
    CHECK(cloud_first(&a.cloud)->rank.count == 1);

    /* Approving counts it in the cloud; hiding takes it out again. */
    CHECK(answers_set_status(&a, id3, ANSWER_SHOWN) == HU_OK);
    CHECK(a.shown == 2 && a.pending == 0 && cloud_first(&a.cloud)->rank.count == 2);
    CHECK(answers_set_status(&a, id3, ANSWER_HIDDEN) == HU_OK);
    CHECK(a.shown == 1 && cloud_first(&a.cloud)->rank.count == 1 && a.voters == 2);
    CHECK(answers_set_status(&a, id3, ANSWER_HIDDEN) == HU_OK);
    CHECK(answers_set_status(&a, 77, ANSWER_SHOWN) == HU_ERR_NOT_FOUND);

    /* Withdrawing frees the text and the place, and it is final. */
    CHECK(answers_set_status(&a, id1, ANSWER_WITHDRAWN) == HU_OK);
    CHECK(answers_get(&a, id1)->text == NULL && a.shown == 0 && cloud_first(&a.cloud) == NULL);
    CHECK(answers_count_mine(&a, 5) == 0 && a.voters == 1);
    CHECK(answers_set_status(&a, id1, ANSWER_SHOWN) == HU_ERR_BAD_MESSAGE);

    /* Each author's answers chain newest first. */
    uint32_t x, y;
    answers_reserve(&a, 5, &x);
    answers_commit(&a, x, 5, "one", ANSWER_SHOWN, 2000);
    answers_reserve(&a, 5, &y);
    answers_commit(&a, y, 5, "two", ANSWER_SHOWN, 2001);
    CHECK(answers_newest_mine(&a, 5) == y && answers_get(&a, y)->prev_mine == x && answers_get(&a, x)->prev_mine == id1);
    CHECK(answers_newest_mine(&a, 12345) == 0);

    /* Read back from a data file: ids in order, withdrawn ones too. */
    struct answers b;
    answers_init(&b);
    CHECK(answers_commit(&b, 2, 0, "", ANSWER_WITHDRAWN, 1) == HU_OK);
    CHECK(answers_commit(&b, 4, 0, "x", ANSWER_SHOWN, 2) == HU_OK);
    uint32_t next;
    CHECK(answers_reserve(&b, 1, &next) == HU_OK && next == 5 && b.voters == 1);
    CHECK(answers_reserve(&b, HU_SESSION_MAX_PARTICIPANTS, &next) == HU_ERR_FULL);
    answers_clear(&b);
    CHECK(b.n_items == 0 && b.next_id == 1);

    answers_clear(&a);
    CHECK(a.shown == 0 && a.voters == 0 && answers_count_mine(&a, 5) == 0);
    CHECK_STR(answers_status_name(ANSWER_PENDING), "pending");
    return check_done();
}
