/* test_session_remote.c -- cluster mode's changes from other nodes applied
 * to a room (server/room/session_remote.c): participants by the index Redis
 * gave, out of order; votes idempotent (a node hears its own); polls and
 * slides; answers and questions by id.  No store attached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "base/token.h"
#include "deck/deck.h"
#include "room/session.h"

static const char deck_text[] =
    "---\ntitle: Cluster day\ncode: 12345678\nqa: on\n---\n"
    "# Welcome\n\nHello.\n"
    "\n---\n\n<!-- poll: yesno -->\n<!-- id: q1 -->\n# Is this clear?\n"
    "\n---\n\n<!-- poll: text -->\n<!-- id: words -->\n# One word\n";

static struct session *make(void)
{
    struct deck *d = NULL;
    char err[256];
    int rc = deck_parse("test.md", deck_text, strlen(deck_text), &d, err, sizeof err);
    if (rc)
        fprintf(stderr, "deck: %s\n", err);
    CHECK(rc == HU_OK);
    if (rc)
        exit(1);
    struct session *s = session_new(d, "12345678", "presenter-key-0123", "http://x/j/12345678", NULL, 0, 0);
    CHECK(s != NULL);
    if (!s)
        exit(1);
    return s;
}

/* A participant notice for idx with a token of its own, returned in tok. */
static int join(struct session *s, uint32_t idx, char tok[HU_TOKEN_LEN + 1])
{
    struct store_notice n = {.kind = STORE_NOTICE_PARTICIPANT, .participant = idx, .poll_id = "", .text = ""};
    uint32_t author;
    CHECK(token_random_hex(tok, HU_TOKEN_LEN + 1, HU_TOKEN_LEN / 2) == HU_OK);
    CHECK(token_hash(tok, HU_TOKEN_LEN, n.hash) == HU_OK);
    return session_remote_apply(s, &n, &author);
}

static void test_participants(void)
{
    struct session *s = make();
    char t0[HU_TOKEN_LEN + 1], t1[HU_TOKEN_LEN + 1], t3[HU_TOKEN_LEN + 1];
    uint32_t idx = 99;
    /* Index 3 first: 0 to 2 are holes until their notices come. */
    CHECK(join(s, 3, t3) == HU_OK);
    CHECK(session_participants(s) == 4);
    CHECK(session_rejoin(s, t3, HU_TOKEN_LEN, &idx) == HU_OK && idx == 3);
    CHECK(join(s, 1, t1) == HU_OK);
    CHECK(join(s, 0, t0) == HU_OK);
    CHECK(session_participants(s) == 4);
    CHECK(session_rejoin(s, t0, HU_TOKEN_LEN, &idx) == HU_OK && idx == 0);
    CHECK(session_rejoin(s, t1, HU_TOKEN_LEN, &idx) == HU_OK && idx == 1);
    CHECK(session_rejoin(s, t3, HU_TOKEN_LEN, &idx) == HU_OK && idx == 3);
    /* The same notice twice changes nothing. */
    struct store_notice n = {.kind = STORE_NOTICE_PARTICIPANT, .participant = 3, .poll_id = "", .text = ""};
    uint32_t author;
    CHECK(token_hash(t3, HU_TOKEN_LEN, n.hash) == HU_OK);
    CHECK(session_remote_apply(s, &n, &author) == HU_OK);
    CHECK(session_participants(s) == 4);
    /* Many, to make the table grow past its first size with holes in it. */
    char t[HU_TOKEN_LEN + 1], keep[HU_TOKEN_LEN + 1] = "";
    for (uint32_t i = 500; i > 4; i--) {
        CHECK(join(s, i, t) == HU_OK);
        if (i == 250)
            memcpy(keep, t, sizeof keep);
    }
    CHECK(session_participants(s) == 501);
    CHECK(session_rejoin(s, keep, HU_TOKEN_LEN, &idx) == HU_OK && idx == 250);
    CHECK(session_rejoin(s, t0, HU_TOKEN_LEN, &idx) == HU_OK && idx == 0);
    session_free(s);
}

static void test_votes_and_polls(void)
{
    struct session *s = make();
    char tok[HU_TOKEN_LEN + 1];
    CHECK(join(s, 0, tok) == HU_OK);
    CHECK(join(s, 1, tok) == HU_OK);
    uint32_t author;
    struct store_notice slide = {.kind = STORE_NOTICE_SLIDE, .slide = 1, .poll_id = "", .text = ""};
    CHECK(session_remote_apply(s, &slide, &author) == HU_OK);
    CHECK(session_remote_apply(s, &slide, &author) == HU_ERR_NOT_FOUND); /* there already */
    struct store_notice open = {.kind = STORE_NOTICE_POLL, .poll_id = "q1", .text = "", .status = 1, .opened = 5};
    CHECK(session_remote_apply(s, &open, &author) == HU_OK);
    struct store_notice v = {.kind = STORE_NOTICE_VOTE, .poll_id = "q1", .participant = 1, .text = "yes"};
    CHECK(session_remote_apply(s, &v, &author) == HU_OK && author == 1);
    /* Heard twice (a node's own vote comes back as a notice): counted once. */
    CHECK(session_remote_apply(s, &v, &author) == HU_ERR_NOT_FOUND);
    json_t *t = session_tally_json(s);
    CHECK(t && json_integer_value(json_object_get(json_object_get(t, "counts"), "yes")) == 1);
    CHECK(t && json_integer_value(json_object_get(t, "voters")) == 1);
    json_decref(t);
    v.text = ""; /* withdrawn */
    CHECK(session_remote_apply(s, &v, &author) == HU_OK);
    t = session_tally_json(s);
    CHECK(t && json_integer_value(json_object_get(t, "voters")) == 0);
    json_decref(t);
    /* The projectors' view: blank, the first slide's timer; beyond the deck, ignored. */
    struct store_notice view = {.kind = STORE_NOTICE_VIEW, .poll_id = "", .text = ""};
    view.view.slide = 0;
    view.view.blank = true;
    view.view.timer_started = true;
    view.view.timer_remaining = 5000;
    CHECK(session_remote_apply(s, &view, &author) == HU_OK);
    CHECK(session_remote_apply(s, &view, &author) == HU_ERR_NOT_FOUND);
    struct store_view got;
    session_view_get(s, &got);
    CHECK(got.slide == 0 && got.blank && got.timer_started && got.timer_remaining == 5000);
    view.view.slide = 99;
    CHECK(session_remote_apply(s, &view, &author) == HU_ERR_NOT_FOUND);
    /* A poll this deck lacks, an option it lacks: nothing happens. */
    struct store_notice bad = {.kind = STORE_NOTICE_VOTE, .poll_id = "nope", .participant = 0, .text = "yes"};
    CHECK(session_remote_apply(s, &bad, &author) == HU_ERR_NOT_FOUND);
    bad.poll_id = "q1";
    bad.text = "maybe";
    CHECK(session_remote_apply(s, &bad, &author) == HU_ERR_NOT_FOUND);
    session_free(s);
}

static void test_text(void)
{
    struct session *s = make();
    char tok[HU_TOKEN_LEN + 1];
    CHECK(join(s, 0, tok) == HU_OK);
    uint32_t author;
    struct store_notice a = {.kind = STORE_NOTICE_ANSWER, .poll_id = "words", .item = 2, .participant = 0,
                             .status = 1, .at = 7, .text = "Trust"};
    CHECK(session_remote_apply(s, &a, &author) == HU_OK && author == 0);
    CHECK(session_remote_apply(s, &a, &author) == HU_ERR_EXISTS); /* known already */
    struct store_notice st = {.kind = STORE_NOTICE_ANSWER_STATUS, .poll_id = "words", .item = 2, .status = 3,
                              .text = ""};
    CHECK(session_remote_apply(s, &st, &author) == HU_OK && author == 0);
    CHECK(session_remote_apply(s, &st, &author) == HU_ERR_NOT_FOUND);
    struct store_notice q = {.kind = STORE_NOTICE_QUESTION, .item = 1, .participant = 0, .status = 1, .at = 9,
                             .poll_id = "", .text = "Why?"};
    CHECK(session_remote_apply(s, &q, &author) == HU_OK);
    struct store_notice up = {.kind = STORE_NOTICE_UPVOTE, .item = 1, .participant = 0, .on = true, .poll_id = "",
                              .text = ""};
    CHECK(session_remote_apply(s, &up, &author) == HU_OK);
    CHECK(session_remote_apply(s, &up, &author) == HU_ERR_NOT_FOUND); /* idempotent */
    session_free(s);
}

/* Two nodes' joins interleaved: every other index comes first, as a hole
 * before it; each hole is filled in place (it once rebuilt the whole table,
 * seconds of a node's loop at 38,000 phones) and every token is found. */
static void test_participants_interleaved(void)
{
    enum { N = 20000 };
    struct session *s = make();
    static char tok[N][HU_TOKEN_LEN + 1];
    for (uint32_t i = 1; i < N; i += 2)
        CHECK(join(s, i, tok[i]) == HU_OK);
    CHECK(session_participants(s) == N);
    for (uint32_t i = 0; i < N; i += 2)
        CHECK(join(s, i, tok[i]) == HU_OK);
    CHECK(session_participants(s) == N);
    uint32_t bad = 0;
    for (uint32_t i = 0; i < N; i++) {
        uint32_t idx = UINT32_MAX;
        if (session_rejoin(s, tok[i], HU_TOKEN_LEN, &idx) != HU_OK || idx != i)
            bad++;
    }
    CHECK(bad == 0);
    session_free(s);
}

int main(void)
{
    test_participants();
    test_participants_interleaved();
    test_votes_and_polls();
    test_text();
    return check_done();
}
