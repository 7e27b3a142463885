/* test_session.c -- the room's rules: poll lifecycle, votes, resets,
 * participants and the state an attendee sees.  No store attached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "base/token.h"
#include "deck/deck.h"
#include "room/session.h"

static const char deck_text[] =
    "---\ntitle: Test day\ncode: 12345678\n---\n"
    "# Welcome\n\nHello.\n"
    "\n---\n\n<!-- discuss: 2m -->\n# Talk\n\nTalk to your neighbour.\n"
    "\n---\n\n<!-- poll: yesno -->\n<!-- id: q1 -->\n# Is this clear?\n"
    "\n---\n\n<!-- poll: yesno -->\n<!-- id: q2 -->\n<!-- results: hidden -->\n# Should we?\n";

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
    return s;
}

static json_t *poll_of(json_t *state) { return json_object_get(state, "poll"); }

static void vote(struct session *s, uint32_t who, const char *poll, const char *choice, int expect)
{
    struct session_act a;
    struct ballot_in in = {.choice = choice};
    char why[160];
    int rc = session_vote_check(s, who, poll, &in, &a, why, sizeof why);
    CHECK(rc == expect);
    if (rc == HU_OK)
        session_act_done(s, &a, true);
}

/* The "myVote" a phone's state carries, as JSON text ("\"yes\"", "null"). */
static const char *my_vote(const struct session *s, uint32_t who)
{
    static char text[256];
    struct hu_buf b;
    hu_buf_init(&b, 4096);
    CHECK(session_attendee_tail(s, who, &b) == HU_OK);
    const char *v = b.data ? strstr(b.data, "\"myVote\":") : NULL;
    snprintf(text, sizeof text, "%s", v ? v + 9 : "?");
    char *end = strpbrk(text, ",}");
    if (end)
        *end = '\0';
    hu_buf_free(&b);
    return text;
}

static void test_lifecycle(void)
{
    struct session *s = make();
    int64_t t = 1000000;
    CHECK(session_current(s) == 0);
    vote(s, 0, "q1", "yes", HU_ERR_POLL_CLOSED); /* never opened */
    vote(s, 0, "nope", "yes", HU_ERR_UNKNOWN_POLL);
    CHECK(session_open(s, t) == HU_ERR_UNKNOWN_POLL); /* content slide */
    CHECK(session_goto(s, 9, t) == HU_ERR_BAD_MESSAGE);

    /* A discussion slide starts its timer on arrival. */
    CHECK(session_goto(s, 1, t) == HU_OK);
    json_t *st = session_state_json(s, false, t + 30000);
    json_t *disc = json_object_get(json_object_get(st, "slide"), "discuss");
    CHECK(json_integer_value(json_object_get(disc, "seconds")) == 120);
    CHECK(json_integer_value(json_object_get(disc, "endsAt")) == t + 120000);
    CHECK(json_integer_value(json_object_get(disc, "remaining")) == 90);
    CHECK(json_is_true(json_object_get(disc, "running")));
    json_decref(st);
    CHECK(session_timer(s, SESSION_TIMER_STOP, 0, t + 60000) == HU_OK);
    st = session_state_json(s, false, t + 90000);
    disc = json_object_get(json_object_get(st, "slide"), "discuss");
    CHECK(json_is_false(json_object_get(disc, "running")));
    CHECK(json_integer_value(json_object_get(disc, "remaining")) == 60);
    json_decref(st);

    /* Arriving at a never-opened poll opens it. */
    uint64_t v0 = session_version(s);
    CHECK(session_goto(s, 2, t) == HU_OK);
    CHECK(session_version(s) > v0);
    st = session_state_json(s, false, t);
    CHECK_STR(json_string_value(json_object_get(poll_of(st), "status")), "open");
    CHECK_STR(json_string_value(json_object_get(poll_of(st), "id")), "q1");
    CHECK(json_is_null(json_object_get(poll_of(st), "results")));
    json_decref(st);

    vote(s, 0, "q1", "yes", HU_OK);
    vote(s, 1, "q1", "no", HU_OK);
    vote(s, 2, "q1", "maybe", HU_ERR_BAD_MESSAGE);
    vote(s, 1, "q1", "yes", HU_OK); /* a change, not a second vote */
    CHECK_STR(my_vote(s, 1), "\"yes\"");
    CHECK_STR(my_vote(s, 2), "null");
    json_t *ty = session_tally_json(s);
    CHECK(json_integer_value(json_object_get(json_object_get(ty, "counts"), "yes")) == 2);
    CHECK(json_integer_value(json_object_get(json_object_get(ty, "counts"), "no")) == 0);
    CHECK(json_integer_value(json_object_get(ty, "voters")) == 2);
    json_decref(ty);

    /* Closing stops votes; attendees then see visible results. */
    CHECK(session_close(s, t + 5) == HU_OK);
    vote(s, 3, "q1", "no", HU_ERR_POLL_CLOSED);
    st = session_state_json(s, false, t);
    CHECK(json_integer_value(json_object_get(json_object_get(json_object_get(poll_of(st), "results"), "counts"), "yes")) == 2);
    json_decref(st);
    CHECK(session_open(s, t + 6) == HU_OK);
    vote(s, 3, "q1", "no", HU_OK);

    /* Leaving closes; the hidden poll opens; its results stay hidden until reveal. */
    CHECK(session_goto(s, 3, t + 10) == HU_OK);
    vote(s, 4, "q1", "no", HU_ERR_POLL_CLOSED);
    vote(s, 0, "q2", "no", HU_OK);
    CHECK(session_close(s, t + 11) == HU_OK);
    st = session_state_json(s, false, t);
    CHECK(json_is_null(json_object_get(poll_of(st), "results")));
    json_decref(st);
    st = session_state_json(s, true, t); /* the presenter always has them */
    CHECK(!json_is_null(json_object_get(poll_of(st), "results")));
    json_decref(st);
    CHECK(session_reveal(s, true) == HU_OK);
    st = session_state_json(s, false, t);
    CHECK(json_integer_value(json_object_get(json_object_get(json_object_get(poll_of(st), "results"), "counts"), "no")) == 1);
    json_decref(st);

    /* Going back to a closed poll leaves it closed. */
    CHECK(session_goto(s, 2, t + 20) == HU_OK);
    vote(s, 5, "q1", "yes", HU_ERR_POLL_CLOSED);
    session_free(s);
}

static void test_reset_epoch(void)
{
    struct session *s = make();
    CHECK(session_goto(s, 2, 1) == HU_OK);
    struct session_act before;
    struct ballot_in yes = {.choice = "yes"};
    char why[160];
    CHECK(session_vote_check(s, 7, "q1", &yes, &before, why, sizeof why) == HU_OK);
    vote(s, 0, "q1", "no", HU_OK);
    CHECK(session_reset(s) == HU_OK);
    /* Checked before the reset, committed after it: the reset deleted it. */
    session_act_done(s, &before, true);
    json_t *ty = session_tally_json(s);
    CHECK(json_integer_value(json_object_get(ty, "voters")) == 0);
    json_decref(ty);
    vote(s, 0, "q1", "yes", HU_OK);
    CHECK_STR(my_vote(s, 0), "\"yes\"");
    session_free(s);
}

static void test_participants(void)
{
    struct session *s = make();
    char tok[HU_TOKEN_LEN + 1];
    uint32_t a, b;
    CHECK(session_join_new(s, tok, &a) == HU_OK);
    CHECK(token_well_formed(tok, strlen(tok)));
    CHECK(session_rejoin(s, tok, strlen(tok), &b) == HU_OK);
    CHECK(a == b);
    /* An invented, well-formed token is never adopted; nor is anything else. */
    const char *invented = "0123456789abcdef0123456789abcdef";
    CHECK(session_rejoin(s, invented, strlen(invented), &b) == HU_ERR_NOT_FOUND);
    CHECK(session_rejoin(s, "short", 5, &b) == HU_ERR_NOT_FOUND);
    CHECK(session_rejoin(s, NULL, 0, &b) == HU_ERR_NOT_FOUND);
    char upper[HU_TOKEN_LEN + 1];
    for (int i = 0; i <= HU_TOKEN_LEN; i++)
        upper[i] = (char)(tok[i] >= 'a' && tok[i] <= 'f' ? tok[i] - 32 : tok[i]);
    CHECK(strcmp(upper, tok) == 0 || session_rejoin(s, upper, HU_TOKEN_LEN, &b) == HU_ERR_NOT_FOUND);
    CHECK(session_participants(s) == 1);
    /* Many participants: the table grows and every token still resolves. */
    static char toks[5000][HU_TOKEN_LEN + 1];
    uint32_t idx[5000];
    for (int i = 0; i < 5000; i++)
        CHECK(session_join_new(s, toks[i], &idx[i]) == HU_OK);
    int ok = 1;
    for (int i = 0; i < 5000; i++) {
        uint32_t got;
        if (session_rejoin(s, toks[i], HU_TOKEN_LEN, &got) != HU_OK || got != idx[i])
            ok = 0;
    }
    CHECK(ok);
    CHECK(session_participants(s) == 5001);
    CHECK(session_key_ok(s, "presenter-key-0123", 18));
    CHECK(!session_key_ok(s, "presenter-key-0124", 18));
    CHECK(!session_key_ok(s, "presenter-key-012", 17));
    session_free(s);
}

int main(void)
{
    test_lifecycle();
    test_reset_epoch();
    test_participants();
    return check_done();
}
