/* test_proto.c -- message decoding from tests/messages/{valid,invalid}, and
 * the encoders' output parsed back.
 *
 * valid/<type>-<name>.json must decode to <type>; invalid/<name>.json must be
 * refused with the protocol error code in invalid/<name>.code. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "net/proto.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(65536);
    size_t n = buf ? fread(buf, 1, 65535, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a > b && strcmp(s + a - b, suffix) == 0;
}

static void check_dir(const char *root, int valid)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/messages/%s", root, valid ? "valid" : "invalid");
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return;
    int cases = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!has_suffix(e->d_name, ".json"))
            continue;
        char path[2048];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *buf = read_file(path, &len);
        CHECK(buf != NULL);
        if (!buf)
            continue;
        struct proto_msg m;
        char err[160];
        int rc = proto_decode(buf, len, &m, err, sizeof err);
        cases++;
        if (valid) {
            if (rc != HU_OK)
                fprintf(stderr, "%s: refused: %s\n", e->d_name, err);
            CHECK(rc == HU_OK);
            size_t tlen = strcspn(e->d_name, "-.");
            if (rc == HU_OK && strncmp(proto_type_name(m.type), e->d_name, tlen) != 0) {
                fprintf(stderr, "%s: decoded as %s\n", e->d_name, proto_type_name(m.type));
                CHECK(0);
            }
        } else {
            char expect_path[2048], expect[64] = "";
            snprintf(expect_path, sizeof expect_path, "%.*s.code", (int)(strlen(path) - 5), path);
            size_t elen;
            char *code = read_file(expect_path, &elen);
            CHECK(code != NULL);
            if (code) {
                snprintf(expect, sizeof expect, "%.*s", (int)strcspn(code, "\n"), code);
                free(code);
            }
            if (rc == HU_OK || strcmp(hu_err_code(rc), expect) != 0) {
                fprintf(stderr, "%s: got %s, expected %s\n", e->d_name, rc ? hu_err_code(rc) : "ok", expect);
                CHECK(0);
            }
            CHECK(err[0] != '\0');
        }
        proto_msg_free(&m);
        free(buf);
    }
    closedir(d);
    CHECK(cases >= 20);
}

static void check_fields(void)
{
    const char *j = "{\"type\":\"join\",\"code\":\"4045 5687\",\"participant\":\"abc\",\"id\":4}";
    struct proto_msg m;
    char err[160];
    CHECK(proto_decode(j, strlen(j), &m, err, sizeof err) == HU_OK);
    CHECK_STR(m.code, "40455687");
    CHECK(m.participant_len == 3 && memcmp(m.participant, "abc", 3) == 0);
    CHECK(m.key == NULL);
    CHECK(m.id.kind == PROTO_ID_INT && m.id.num == 4);
    proto_msg_free(&m);

    /* An empty key is a presenter join (answered "forbidden"), null none;
     * a token that is not a string is ignored, not an error. */
    const char *k = "{\"type\":\"join\",\"code\":\"40455687\",\"key\":\"\",\"participant\":{}}";
    CHECK(proto_decode(k, strlen(k), &m, err, sizeof err) == HU_OK);
    CHECK(m.key != NULL && m.key_len == 0);
    CHECK(m.participant == NULL);
    proto_msg_free(&m);
    const char *kn = "{\"type\":\"join\",\"code\":\"40455687\",\"key\":null,\"participant\":null}";
    CHECK(proto_decode(kn, strlen(kn), &m, err, sizeof err) == HU_OK);
    CHECK(m.key == NULL && m.participant == NULL);
    proto_msg_free(&m);

    const char *g = "{\"type\":\"goto\",\"slide\":12}";
    CHECK(proto_decode(g, strlen(g), &m, err, sizeof err) == HU_OK);
    CHECK(m.type == PROTO_GOTO && m.slide == 12 && proto_presenter_only(m.type));
    proto_msg_free(&m);

    /* An error keeps the id so the reply can echo it. */
    const char *v = "{\"type\":\"vote\",\"poll\":\"q\",\"id\":9}";
    CHECK(proto_decode(v, strlen(v), &m, err, sizeof err) == HU_ERR_BAD_MESSAGE);
    CHECK(m.id.kind == PROTO_ID_INT && m.id.num == 9);
    CHECK(strstr(err, "choice") != NULL);
    CHECK(!proto_presenter_only(PROTO_VOTE));
    proto_msg_free(&m);
}

/* Ids of every accepted kind come back with the same JSON type and value. */
static void check_ids(void)
{
    static const char *const cases[][2] = {
        {"{\"type\":\"ping\",\"id\":-9223372036854775808}", "-9223372036854775808"},
        {"{\"type\":\"ping\",\"id\":9223372036854775807}", "9223372036854775807"},
        {"{\"type\":\"ping\",\"id\":-1}", "-1"},
        {"{\"type\":\"ping\",\"id\":\"\"}", "\"\""},
        {"{\"type\":\"ping\",\"id\":\"r\\u00e9q \\\"7\\\"\"}", "\"r\\u00e9q \\\"7\\\"\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct proto_msg m;
        char err[160];
        int rc = proto_decode(cases[i][0], strlen(cases[i][0]), &m, err, sizeof err);
        CHECK(rc == HU_OK);
        char *s = proto_ack(&m.id, "q", "yes");
        json_t *got = s ? json_loads(s, 0, NULL) : NULL;
        json_t *want = json_loads(cases[i][1], JSON_DECODE_ANY, NULL);
        CHECK(got != NULL && want != NULL);
        if (got && want && !json_equal(json_object_get(got, "id"), want)) {
            fprintf(stderr, "%s: echoed as %s\n", cases[i][0], s);
            CHECK(0);
        }
        json_decref(got);
        json_decref(want);
        free(s);
        s = proto_error_id(HU_ERR_POLL_CLOSED, &m.id, NULL);
        got = s ? json_loads(s, 0, NULL) : NULL;
        json_t *back = got ? json_object_get(got, "id") : NULL;
        CHECK(back != NULL && (json_is_integer(back) ? m.id.kind == PROTO_ID_INT : m.id.kind == PROTO_ID_STR));
        json_decref(got);
        free(s);
        proto_msg_free(&m);
    }
    /* A 64-byte string is an id; 65 bytes, a real, null, true, an object
     * and an integer beyond 64 bits are each refused, naming the field, and
     * nothing is echoed. */
    char longest[128], too_long[128];
    snprintf(longest, sizeof longest, "{\"type\":\"ping\",\"id\":\"%064d\"}", 0);
    snprintf(too_long, sizeof too_long, "{\"type\":\"ping\",\"id\":\"%065d\"}", 0);
    struct proto_msg m;
    char err[160];
    CHECK(proto_decode(longest, strlen(longest), &m, err, sizeof err) == HU_OK);
    CHECK(m.id.kind == PROTO_ID_STR && m.id.len == 64);
    proto_msg_free(&m);
    const char *bad[] = {too_long, "{\"type\":\"ping\",\"id\":1.5}", "{\"type\":\"ping\",\"id\":1.0}",
                         "{\"type\":\"ping\",\"id\":null}", "{\"type\":\"ping\",\"id\":true}",
                         "{\"type\":\"ping\",\"id\":{}}", "{\"type\":\"ping\",\"id\":100000000000000000000}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(proto_decode(bad[i], strlen(bad[i]), &m, err, sizeof err) == HU_ERR_BAD_MESSAGE);
        CHECK(m.id.kind == PROTO_ID_NONE);
        if (!strstr(err, "\"id\"")) {
            fprintf(stderr, "%s: error does not name the field: %s\n", bad[i], err);
            CHECK(0);
        }
        proto_msg_free(&m);
    }
}

static void check_encoders(void)
{
    char *s = proto_error(HU_ERR_POLL_CLOSED, true, 7, NULL);
    json_t *o = s ? json_loads(s, 0, NULL) : NULL;
    CHECK(o != NULL);
    CHECK_STR(json_string_value(json_object_get(o, "type")), "error");
    CHECK_STR(json_string_value(json_object_get(o, "code")), "poll_closed");
    CHECK(json_integer_value(json_object_get(o, "id")) == 7);
    CHECK(json_string_length(json_object_get(o, "message")) > 0);
    json_decref(o);
    free(s);

    /* Invalid UTF-8 in a message must not lose the error itself. */
    s = proto_error(HU_ERR_BAD_JSON, false, 0, "near '\xff'");
    o = s ? json_loads(s, 0, NULL) : NULL;
    CHECK(o != NULL && json_object_get(o, "id") == NULL);
    CHECK_STR(json_string_value(json_object_get(o, "code")), "bad_json");
    json_decref(o);
    free(s);

    struct proto_id three = {.kind = PROTO_ID_INT, .num = 3};
    s = proto_ack(&three, "methodology", "no");
    o = s ? json_loads(s, 0, NULL) : NULL;
    CHECK_STR(json_string_value(json_object_get(o, "type")), "ack");
    CHECK_STR(json_string_value(json_object_get(o, "poll")), "methodology");
    CHECK_STR(json_string_value(json_object_get(o, "choice")), "no");
    CHECK(json_integer_value(json_object_get(o, "id")) == 3);
    json_decref(o);
    free(s);
}

/* The written ack says exactly what the general one says, or declines. */
static void check_ack_write(void)
{
    const struct proto_id ids[] = {
        {.kind = PROTO_ID_NONE},
        {.kind = PROTO_ID_INT, .num = 0},
        {.kind = PROTO_ID_INT, .num = -9007199254740993LL},
        {.kind = PROTO_ID_INT, .num = INT64_MAX},
    };
    char buf[256];
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        size_t n = proto_ack_write(buf, sizeof buf, &ids[i], "poll-3_b", "yes");
        CHECK(n > 0);
        char *general = proto_ack(&ids[i], "poll-3_b", "yes");
        json_t *a = n ? json_loadb(buf, n, JSON_REJECT_DUPLICATES, NULL) : NULL;
        json_t *b = general ? json_loads(general, 0, NULL) : NULL;
        CHECK(a != NULL && b != NULL && json_equal(a, b));
        json_decref(a);
        json_decref(b);
        free(general);
    }
    struct proto_id str = {.kind = PROTO_ID_STR, .len = 3};
    memcpy(str.str, "a\"b", 4);
    CHECK(proto_ack_write(buf, sizeof buf, &str, "q", "yes") == 0); /* needs escaping: declined */
    CHECK(proto_ack_write(buf, sizeof buf, &ids[1], "q\"", "yes") == 0);
    CHECK(proto_ack_write(buf, sizeof buf, &ids[1], "", "yes") == 0);
    CHECK(proto_ack_write(buf, 20, &ids[1], "q", "yes") == 0); /* too small: declined, not cut */
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "tests";
    check_ack_write();
    check_dir(root, 1);
    check_dir(root, 0);
    check_fields();
    check_ids();
    check_encoders();
    return check_done();
}
