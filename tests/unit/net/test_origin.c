/* test_origin.c -- Origin and Host checks, including DNS rebinding. */
#include "../check.h"
#include "net/origin.h"

int main(void)
{
    struct origin_policy p = {0};
    CHECK(origin_allow_origin(&p, "https://vote.example.org") == 0);
    CHECK(origin_allow_host(&p, "laptop.local") == 0);
    CHECK(origin_allow_origin(&p, "ftp://x") == -1);

    /* Scripts: no Origin, any sane Host. */
    CHECK(origin_check(&p, NULL, "127.0.0.1:8080"));
    CHECK(origin_check(&p, NULL, "192.168.1.20"));
    CHECK(origin_check(&p, NULL, "[::1]:8080"));
    CHECK(origin_check(&p, NULL, "localhost:8080"));
    CHECK(!origin_check(&p, NULL, NULL));
    CHECK(!origin_check(&p, NULL, "evil.example:8080"));

    /* The page's own server. */
    CHECK(origin_check(&p, "http://192.168.1.20:8080", "192.168.1.20:8080"));
    CHECK(origin_check(&p, "http://localhost:8080", "localhost:8080"));
    CHECK(!origin_check(&p, "http://192.168.1.20:9999", "192.168.1.20:8080"));
    CHECK(!origin_check(&p, "http://evil.example", "192.168.1.20:8080"));
    CHECK(!origin_check(&p, "null", "192.168.1.20:8080"));

    /* DNS rebinding: Origin and Host agree, but on a name we do not serve. */
    CHECK(!origin_check(&p, "http://evil.example:8080", "evil.example:8080"));

    /* --public-url and --allow-host names. */
    CHECK(origin_check(&p, "https://vote.example.org", "vote.example.org"));
    CHECK(origin_check(&p, "https://vote.example.org", "VOTE.example.org"));
    CHECK(origin_check(&p, "http://laptop.local:8080", "laptop.local:8080"));
    CHECK(!origin_check(&p, "http://laptop.local.evil:8080", "laptop.local.evil:8080"));
    CHECK(!origin_check(&p, NULL, "999.1.1.1"));
    return check_done();
}
