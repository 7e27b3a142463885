/* test_redis_util.c -- the pure parts of the Redis back end
 * (server/store/redis_util.c): URL parsing, key prefixes, run ids and the
 * change notices nodes publish (redis_lib.lua writes them). */
#include <stdint.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "store/redis_util.h"

static void test_url(void)
{
    char host[RUTIL_HOST_MAX + 1], err[256];
    int port, db;
    CHECK(rutil_parse_url("redis://127.0.0.1:6390", host, &port, &db, err, sizeof err) == HU_OK);
    CHECK_STR(host, "127.0.0.1");
    CHECK(port == 6390 && db == 0);
    CHECK(rutil_parse_url("redis://cache.example:7000/3", host, &port, &db, err, sizeof err) == HU_OK);
    CHECK_STR(host, "cache.example");
    CHECK(port == 7000 && db == 3);
    CHECK(rutil_parse_url("redis://localhost", host, &port, &db, err, sizeof err) == HU_OK);
    CHECK(port == 6379 && db == 0);
    CHECK(rutil_parse_url("redis://localhost/", host, &port, &db, err, sizeof err) == HU_OK);
    CHECK(rutil_parse_url("redis://[::1]:6380/2", host, &port, &db, err, sizeof err) == HU_OK);
    CHECK_STR(host, "::1");
    CHECK(port == 6380 && db == 2);
    /* Refused, each with a sentence. */
    static const char *const bad[] = {
        "http://127.0.0.1:6379", "redis://", "redis://:6379", "redis://h:0", "redis://h:65536", "redis://h:12ab",
        "redis://h:6379/x", "redis://user:pw@h:6379", "redis://[::1", "redis://h:6379?x", NULL,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        CHECK(rutil_parse_url(bad[i], host, &port, &db, err, sizeof err) == HU_ERR_PARSE);
        CHECK(err[0] != '\0');
    }
}

static void test_keys(void)
{
    char p[RUTIL_PREFIX_MAX];
    CHECK(rutil_prefix("12345678", p) == HU_OK);
    CHECK_STR(p, "hu:{12345678}");
    CHECK(rutil_prefix("1234567", p) == HU_ERR_PARSE);
    CHECK(rutil_prefix("1234567x", p) == HU_ERR_PARSE);
    CHECK(rutil_prefix("123456789", p) == HU_ERR_PARSE);

    char code[HU_CODE_LEN + 1];
    int n;
    int64_t sid = rutil_session_id("00000042");
    CHECK(sid == 43);
    int64_t run = rutil_run_id(sid, 7);
    CHECK(rutil_run_split(run, code, &n) == HU_OK);
    CHECK_STR(code, "00000042");
    CHECK(n == 7);
    sid = rutil_session_id("99999999");
    CHECK(rutil_run_split(rutil_run_id(sid, 1048575), code, &n) == HU_OK);
    CHECK_STR(code, "99999999");
    CHECK(n == 1048575);
    CHECK(rutil_run_split(0, code, &n) == HU_ERR_PARSE);
    CHECK(rutil_run_split(rutil_run_id(sid, 0), code, &n) == HU_ERR_PARSE);
    CHECK(store_cluster_run_id(rutil_run_id(sid, 3), 4) == rutil_run_id(sid, 4));
    CHECK(rutil_session_id("abc") == -1);
}

/* Parses a copy of s (the parser splits in place). */
static int parse(const char *s, struct store_notice *n, char *buf, size_t cap)
{
    size_t len = strlen(s);
    if (len >= cap)
        return HU_ERR_PARSE;
    memcpy(buf, s, len + 1);
    return rutil_notice_parse(buf, len, n);
}

static void test_notices(void)
{
    char buf[512];
    struct store_notice n;
    CHECK(parse("17\tV\t2\tq1\t5\tyes", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.seq == 17 && n.kind == STORE_NOTICE_VOTE && n.run == 2 && n.participant == 5);
    CHECK_STR(n.poll_id, "q1");
    CHECK_STR(n.text, "yes");
    CHECK(parse("18\tV\t2\tmulti\t5\t", &n, buf, sizeof buf) == HU_OK);
    CHECK_STR(n.text, ""); /* a withdrawn vote */
    CHECK(parse("19\tV\t2\tmulti\t5\tpeer-review supervision", &n, buf, sizeof buf) == HU_OK);
    CHECK_STR(n.text, "peer-review supervision");

    char p[200] = "3\tP\t1\t9\t";
    size_t at = strlen(p);
    for (int i = 0; i < 32; i++, at += 2)
        memcpy(p + at, i == 0 ? "ff" : "0a", 2);
    p[at] = '\0';
    CHECK(parse(p, &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_PARTICIPANT && n.participant == 9 && n.hash[0] == 0xff && n.hash[31] == 0x0a);
    p[strlen(p) - 1] = 'G';
    CHECK(parse(p, &n, buf, sizeof buf) == HU_ERR_PARSE);

    CHECK(parse("4\tS\t1\t3", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_SLIDE && n.slide == 3);
    CHECK(parse("5\tO\t1\tq1\t2\t2\t1\t1000\t2000\t12", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_POLL && n.slide == 2 && n.status == 2 && n.on && n.opened == 1000 &&
          n.closed == 2000 && n.item == 12);
    CHECK(parse("6\tA\t1\twords\t4\t2\t1\t1234\tTrust us", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_ANSWER && n.item == 4 && n.participant == 2 && n.status == 1 && n.at == 1234);
    CHECK_STR(n.text, "Trust us");
    CHECK(parse("7\ta\t1\twords\t4\t3", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_ANSWER_STATUS && n.item == 4 && n.status == 3);
    CHECK(parse("8\tQ\t1\t2\t7\t1\t99\tWhy now?", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_QUESTION && n.item == 2 && n.participant == 7);
    CHECK_STR(n.text, "Why now?");
    CHECK(parse("9\tq\t1\t2\t5", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_QUESTION_STATUS && n.status == 5);
    CHECK(parse("10\tU\t1\t2\t7\t1", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_UPVOTE && n.on);
    CHECK(parse("11\tX\t1\treset\tq1", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_RESET);
    CHECK_STR(n.poll_id, "q1");
    CHECK(parse("12\tN\t3", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_RUN && n.run == 3);
    CHECK(parse("13\tW\t1\t2\t1\t1\t1\t0\t0\t-50", &n, buf, sizeof buf) == HU_OK);
    CHECK(n.kind == STORE_NOTICE_VIEW && n.view.slide == 2 && n.view.fragment == 1 && n.view.blank &&
          n.view.timer_started && !n.view.timer_running && n.view.timer_remaining == -50);
    CHECK(parse("13\tW\t1\t2\t1\t1\t1\t0\t0", &n, buf, sizeof buf) == HU_ERR_PARSE);

    struct store_view v;
    CHECK(rutil_view_parse("3 2 0 1 1 1796000000000 0", &v) == HU_OK);
    CHECK(v.slide == 3 && v.fragment == 2 && !v.blank && v.timer_running && v.timer_ends_at == 1796000000000);
    CHECK(rutil_view_parse("3 2 0 1 1 1796000000000", &v) == HU_ERR_PARSE);
    CHECK(rutil_view_parse("3 2 0 1 1 1796000000000 0 9", &v) == HU_ERR_PARSE);
    CHECK(rutil_view_parse("3 2 2 1 1 0 0", &v) == HU_ERR_PARSE);

    /* Broken ones: never applied, they make the node re-read instead. */
    static const char *const bad[] = {
        "", "x", "0\tV\t1\tq\t1\ty", "-1\tS\t1\t1", "1\tZ\t1", "1\tVV\t1\tq\t1\ty", "1\tV\t1\tq\tx\ty",
        "1\tV\t1\tq\t1", "1\tS\t1", "1\tS\t1\t-2", "1\tO\t1\tq\t1\t3\t0\t0\t0\t0", "1\tN\t0",
        "1\tN\t1\textra", "1\tA\t1\tw\t0\t1\t1\t1\tt", "99999999999999999999\tS\t1\t1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(bad[i], &n, buf, sizeof buf) != HU_ERR_PARSE) {
            check_failures++;
            fprintf(stderr, "notice \"%s\" was accepted\n", bad[i]);
        }
    }
}

static void test_int(void)
{
    int64_t v;
    CHECK(rutil_int("42", 2, 0, 100, &v) == HU_OK && v == 42);
    CHECK(rutil_int("-5", 2, -10, 10, &v) == HU_OK && v == -5);
    CHECK(rutil_int("", 0, 0, 10, &v) == HU_ERR_PARSE);
    CHECK(rutil_int("-", 1, -10, 10, &v) == HU_ERR_PARSE);
    CHECK(rutil_int("11", 2, 0, 10, &v) == HU_ERR_PARSE);
    CHECK(rutil_int("1 ", 2, 0, 10, &v) == HU_ERR_PARSE);
}

/* Redis slow but answering is not Redis lost: only silence is. */
static void test_lost(void)
{
    CHECK(!rutil_redis_lost(0, 0, 100000, 1000));      /* idle: nothing to hear */
    CHECK(!rutil_redis_lost(5, 1000, 2000, 1000));     /* exactly the timeout */
    CHECK(rutil_redis_lost(5, 1000, 2001, 1000));      /* silent past it */
    CHECK(!rutil_redis_lost(38000, 9500, 10000, 1000)); /* a late reply 0.5 s ago */
}

/* The heartbeat's follow check: a seq seen at one beat must be applied
 * before limit_ms passes, else the node re-reads. */
static void test_follow(void)
{
    struct rutil_follow b = {0};
    CHECK(!rutil_follow_check(&b, 0, 10, 1000, 2000)); /* first beat: records 10 */
    CHECK(b.seq == 10 && b.since_ms == 1000);
    CHECK(!rutil_follow_check(&b, 5, 20, 2000, 2000)); /* behind, but 1 s only */
    CHECK(b.seq == 10);
    CHECK(!rutil_follow_check(&b, 10, 30, 2500, 2000)); /* caught up: watches 30 */
    CHECK(b.seq == 30 && b.since_ms == 2500);
    CHECK(!rutil_follow_check(&b, 29, 40, 4000, 2000));
    CHECK(rutil_follow_check(&b, 29, 40, 4500, 2000)); /* 30 not applied after 2 s: stuck */
    CHECK(b.seq == 40 && b.since_ms == 4500);           /* starts over */
    CHECK(!rutil_follow_check(&b, 29, 40, 5000, 2000));
    CHECK(!rutil_follow_check(&b, 40, 40, 5100, 2000)); /* the re-read caught up */
}

int main(void)
{
    test_url();
    test_keys();
    test_notices();
    test_int();
    test_lost();
    test_follow();
    return check_done();
}
