/* test_log.c -- the logfmt lines of server/base/log.c: quoting and escaping
 * of values, typed pairs, the level threshold, and a line that is too long. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/log.h"

static void test_format(void)
{
    char out[256];
    log_format(out, sizeof out, LOG_WARN, "checkpoint failed", LOG_S("file", "/var/lib/handsup/handsup.db"),
               LOG_S("error", "disk I/O error"), LOG_I("votes", 12), LOG_F("ms", 2.5), LOG_END);
    CHECK_STR(out, "level=warn msg=\"checkpoint failed\" file=/var/lib/handsup/handsup.db "
                   "error=\"disk I/O error\" votes=12 ms=2.5");
    log_format(out, sizeof out, LOG_INFO, "started", LOG_S("empty", ""), LOG_S("null", NULL), LOG_END);
    CHECK_STR(out, "level=info msg=started empty=\"\" null=\"\"");
    /* Quotes, backslashes, '=', newlines and control bytes cannot break the line. */
    log_format(out, sizeof out, LOG_ERROR, "x", LOG_S("v", "a\"b\\c=d\ne\x01"), LOG_END);
    CHECK_STR(out, "level=error msg=x v=\"a\\\"b\\\\c=d\\ne\\x01\"");
    CHECK(strchr(out, '\n') == NULL);
    log_format(out, sizeof out, LOG_DEBUG, "n", LOG_I("neg", -5), LOG_END);
    CHECK_STR(out, "level=debug msg=n neg=-5");
}

static void test_cut(void)
{
    char out[32];
    size_t n = log_format(out, sizeof out, LOG_INFO, "a long message that does not fit", LOG_END);
    CHECK(n == sizeof out - 1);
    CHECK(strlen(out) == n);
    CHECK(strcmp(out + n - 3, "...") == 0);
    CHECK(log_format(out, 0, LOG_INFO, "x", LOG_END) == 0);
}

static void test_levels(void)
{
    enum log_level l;
    CHECK(log_parse_level("debug", &l) == 0 && l == LOG_DEBUG);
    CHECK(log_parse_level("warning", &l) == 0 && l == LOG_WARN);
    CHECK(log_parse_level("off", &l) == 0 && l == LOG_OFF);
    CHECK(log_parse_level("loud", &l) == -1);
    CHECK_STR(log_level_name(LOG_ERROR), "error");

    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    log_setup(LOG_WARN, f);
    CHECK(!log_enabled(LOG_INFO));
    CHECK(log_enabled(LOG_ERROR));
    log_event(LOG_INFO, "dropped", LOG_END);
    log_event(LOG_ERROR, "kept", LOG_S("k", "v"), LOG_END);
    log_setup(LOG_OFF, f);
    log_event(LOG_ERROR, "off", LOG_END);
    log_setup(LOG_INFO, NULL);
    char line[256] = "";
    rewind(f);
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK(strncmp(line, "ts=", 3) == 0);
    CHECK(strstr(line, "Z level=error msg=kept k=v\n") != NULL);
    CHECK(fgets(line, sizeof line, f) == NULL); /* one line: "dropped" and "off" were not written */
    fclose(f);
}

int main(void)
{
    test_format();
    test_cut();
    test_levels();
    return check_done();
}
