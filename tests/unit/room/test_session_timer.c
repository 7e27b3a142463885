/* test_session_timer.c -- the speaker console's rules in the room: timers
 * that belong to their slide (add, pause, resume), passing through a poll
 * without closing it, and the projectors' blank screen.  No store. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "deck/deck.h"
#include "room/session.h"

static const char deck_text[] =
    "---\ntitle: Console day\ncode: 12345678\nlang: cy\n---\n"
    "# Welcome\n\n<!-- Say **hello** <script>x()</script> -->\n"
    "\n---\n\n<!-- discuss: 2m -->\n# Talk\n\nTalk to your neighbour.\n"
    "\n---\n\n<!-- poll: yesno -->\n<!-- id: q1 -->\n# Is this clear?\n"
    "\n---\n\n<!-- poll: yesno -->\n<!-- id: q2 -->\n# Should we?\n"
    "\n---\n\n<!-- discuss -->\n# Untimed\n";

enum { WELCOME, TALK, Q1, Q2, UNTIMED };

static struct session *make(void)
{
    struct deck *d = NULL;
    char err[256];
    int rc = deck_parse("console.md", deck_text, strlen(deck_text), &d, err, sizeof err);
    if (rc)
        fprintf(stderr, "deck: %s\n", err);
    CHECK(rc == HU_OK);
    if (rc)
        exit(1);
    struct session *s = session_new(d, "12345678", "presenter-key-0123", "http://x/j/12345678", NULL, 0, 0);
    CHECK(s != NULL);
    return s;
}

/* The current slide's "discuss" as the room sees it at now. */
static void timer_at(struct session *s, int64_t now, bool *running, json_int_t *remaining, json_int_t *ends)
{
    json_t *st = session_state_json(s, false, now);
    json_t *d = json_object_get(json_object_get(st, "slide"), "discuss");
    *running = json_is_true(json_object_get(d, "running"));
    *remaining = json_integer_value(json_object_get(d, "remaining"));
    *ends = json_is_integer(json_object_get(d, "endsAt")) ? json_integer_value(json_object_get(d, "endsAt")) : -1;
    json_decref(st);
}

static void test_timer_actions(void)
{
    struct session *s = make();
    int64_t t = 5000000;
    bool run;
    json_int_t rem, ends;
    CHECK(session_timer(s, SESSION_TIMER_ADD, 60, t) == HU_ERR_BAD_MESSAGE); /* no timer here */
    CHECK(session_goto(s, TALK, t) == HU_OK);
    timer_at(s, t, &run, &rem, &ends);
    CHECK(run && rem == 120 && ends == t + 120000);

    /* +1 min while running moves the end; -1 min moves it back. */
    uint64_t v = session_version(s);
    CHECK(session_timer(s, SESSION_TIMER_ADD, 60, t + 10000) == HU_OK);
    CHECK(session_version(s) > v);
    timer_at(s, t + 10000, &run, &rem, &ends);
    CHECK(run && rem == 170 && ends == t + 180000);
    CHECK(session_timer(s, SESSION_TIMER_ADD, -60, t + 10000) == HU_OK);
    timer_at(s, t + 10000, &run, &rem, &ends);
    CHECK(run && rem == 110 && ends == t + 120000);

    /* Pause freezes it; time passing changes nothing; resume runs on. */
    CHECK(session_timer(s, SESSION_TIMER_PAUSE, 0, t + 20000) == HU_OK);
    timer_at(s, t + 80000, &run, &rem, &ends);
    CHECK(!run && rem == 100 && ends == -1);
    v = session_version(s);
    CHECK(session_timer(s, SESSION_TIMER_PAUSE, 0, t + 80000) == HU_OK); /* twice: nothing changes */
    CHECK(session_version(s) == v);
    CHECK(session_timer(s, SESSION_TIMER_ADD, 30, t + 80000) == HU_OK); /* added while paused */
    timer_at(s, t + 90000, &run, &rem, &ends);
    CHECK(!run && rem == 130);
    CHECK(session_timer(s, SESSION_TIMER_RESUME, 0, t + 100000) == HU_OK);
    timer_at(s, t + 100000, &run, &rem, &ends);
    CHECK(run && rem == 130 && ends == t + 230000);

    /* Taking off more than is left ends it at zero, never below. */
    CHECK(session_timer(s, SESSION_TIMER_ADD, -600, t + 100000) == HU_OK);
    timer_at(s, t + 100000, &run, &rem, &ends);
    CHECK(rem == 0 && ends == t + 100000);
    /* Resume after time's up is a no-op; +1 min gives a minute from now. */
    CHECK(session_timer(s, SESSION_TIMER_PAUSE, 0, t + 200000) == HU_OK);
    CHECK(session_timer(s, SESSION_TIMER_RESUME, 0, t + 200000) == HU_OK);
    timer_at(s, t + 200000, &run, &rem, &ends);
    CHECK(!run && rem == 0);
    CHECK(session_timer(s, SESSION_TIMER_ADD, 60, t + 300000) == HU_OK);
    timer_at(s, t + 300000, &run, &rem, &ends);
    CHECK(!run && rem == 60); /* still paused, with a minute on it */
    /* The first release's start and stop keep their meaning. */
    CHECK(session_timer(s, SESSION_TIMER_START, 0, t + 400000) == HU_OK);
    timer_at(s, t + 400000, &run, &rem, &ends);
    CHECK(run && rem == 120 && ends == t + 520000);
    CHECK(session_timer(s, SESSION_TIMER_STOP, 0, t + 430000) == HU_OK);
    timer_at(s, t + 500000, &run, &rem, &ends);
    CHECK(!run && rem == 90);

    /* A discussion without a length has no timer to move. */
    CHECK(session_goto(s, UNTIMED, t) == HU_OK);
    CHECK(session_timer(s, SESSION_TIMER_ADD, 60, t) == HU_ERR_BAD_MESSAGE);
    CHECK(session_timer(s, SESSION_TIMER_RESUME, 0, t) == HU_ERR_BAD_MESSAGE);
    session_free(s);
}

static void test_timer_survives_leaving(void)
{
    struct session *s = make();
    int64_t t = 7000000;
    bool run;
    json_int_t rem, ends;
    CHECK(session_goto(s, TALK, t) == HU_OK);
    /* Away for 30 s and back: it kept running, it did not restart. */
    CHECK(session_goto(s, WELCOME, t + 30000) == HU_OK);
    CHECK(session_goto(s, TALK, t + 60000) == HU_OK);
    timer_at(s, t + 60000, &run, &rem, &ends);
    CHECK(run && rem == 60 && ends == t + 120000);
    /* A paused timer stays paused across a visit elsewhere. */
    CHECK(session_timer(s, SESSION_TIMER_PAUSE, 0, t + 70000) == HU_OK);
    CHECK(session_goto(s, Q1, t + 71000) == HU_OK);
    CHECK(session_goto(s, TALK, t + 500000) == HU_OK);
    timer_at(s, t + 500000, &run, &rem, &ends);
    CHECK(!run && rem == 50);
    session_free(s);
}

static json_t *poll_status(struct session *s, int64_t now)
{
    json_t *st = session_state_json(s, true, now);
    json_t *status = json_incref(json_object_get(json_object_get(st, "poll"), "status"));
    json_decref(st);
    return status;
}

static void check_status(struct session *s, int64_t now, const char *want)
{
    json_t *status = poll_status(s, now);
    CHECK_STR(json_string_value(status), want);
    json_decref(status);
}

static void test_pass_through(void)
{
    struct session *s = make();
    int64_t t = 9000000;
    struct session_act v;
    struct ballot_in yes = {.choice = "yes"};
    char why[160];
    /* A double press: Q1 is shown for 400 ms and left.  It is as if never opened. */
    CHECK(session_goto(s, Q1, t) == HU_OK);
    check_status(s, t, "open");
    CHECK(session_goto(s, Q2, t + 400) == HU_OK);
    CHECK(session_goto(s, Q1, t + 800) == HU_OK); /* back: Q2 passed through too */
    check_status(s, t + 800, "open");
    CHECK(session_goto(s, Q2, t + 800 + SESSION_PASS_MS - 1) == HU_OK);
    CHECK(session_goto(s, Q1, t + 5000) == HU_OK);
    check_status(s, t + 5000, "open"); /* one millisecond short of the rule: still passing */

    /* Shown for the whole SESSION_PASS_MS: an ordinary poll, leaving closes it. */
    CHECK(session_goto(s, Q2, t + 5000 + SESSION_PASS_MS) == HU_OK);
    CHECK(session_goto(s, Q1, t + 20000) == HU_OK);
    check_status(s, t + 20000, "closed");
    CHECK(session_goto(s, Q2, t + 20100) == HU_OK);
    check_status(s, t + 20100, "closed"); /* shown for 12 s before */
    session_free(s);

    /* A vote counted confirms the poll, however soon it is left. */
    s = make();
    CHECK(session_goto(s, Q2, t) == HU_OK);
    CHECK(session_vote_check(s, 0, "q2", &yes, &v, why, sizeof why) == HU_OK);
    session_act_done(s, &v, true);
    CHECK(session_goto(s, WELCOME, t + 100) == HU_OK);
    CHECK(session_goto(s, Q2, t + 200) == HU_OK);
    check_status(s, t + 200, "closed");
    session_free(s);

    /* An explicit open confirms it too. */
    s = make();
    CHECK(session_goto(s, Q1, t) == HU_OK);
    CHECK(session_open(s, t + 100) == HU_OK);
    CHECK(session_goto(s, Q2, t + 200) == HU_OK);
    CHECK(session_goto(s, Q1, t + 300) == HU_OK);
    check_status(s, t + 300, "closed");
    session_free(s);
}

static void test_blank(void)
{
    struct session *s = make();
    uint64_t v = session_version(s);
    CHECK(session_blank(s, true) == HU_OK);
    CHECK(session_version(s) > v);
    json_t *st = session_state_json(s, true, 0);
    CHECK(json_is_true(json_object_get(st, "blank")));
    json_decref(st);
    st = session_state_json(s, false, 0); /* phones are not told */
    CHECK(json_object_get(st, "blank") == NULL);
    json_decref(st);
    v = session_version(s);
    CHECK(session_blank(s, true) == HU_OK);
    CHECK(session_version(s) == v);
    /* A change of slide shows the room the new slide. */
    CHECK(session_goto(s, TALK, 1) == HU_OK);
    st = session_state_json(s, true, 0);
    CHECK(json_is_false(json_object_get(st, "blank")));
    json_decref(st);
    session_free(s);
}

static void test_notes_and_lang(void)
{
    struct session *s = make();
    json_t *deck = session_deck_json(s);
    json_t *first = json_array_get(json_object_get(deck, "slides"), 0);
    const char *html = json_string_value(json_object_get(first, "notesHtml"));
    CHECK(html && strstr(html, "<strong>hello</strong>"));
    CHECK(html && !strstr(html, "<script>"));
    CHECK(json_object_get(json_array_get(json_object_get(deck, "slides"), 1), "notesHtml") == NULL);
    json_decref(deck);
    json_t *info = session_info_json(s, false);
    CHECK_STR(json_string_value(json_object_get(info, "lang")), "cy");
    json_decref(info);
    session_free(s);
}

int main(void)
{
    test_timer_actions();
    test_timer_survives_leaving();
    test_pass_through();
    test_blank();
    test_notes_and_lang();
    return check_done();
}
