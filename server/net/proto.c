/* proto.c -- schema checks for incoming messages, and the small outgoing ones.
 *
 * Every field is checked for presence and type before use; unknown fields
 * are ignored so that clients may add their own.  Larger outgoing messages
 * (state, tally, welcome) are built by the session with jansson. */
#include "proto.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"

struct proto_entry {
    const char *name;
    bool presenter_only;
};

static const struct proto_entry proto_table[PROTO_TYPE_COUNT] = {
#define PROTO_ROW(name, wire, priv) [name] = {wire, priv},
    PROTO_MSG_TABLE(PROTO_ROW)
#undef PROTO_ROW
};

bool proto_presenter_only(enum proto_type type) { return proto_table[type].presenter_only; }
const char *proto_type_name(enum proto_type type) { return proto_table[type].name; }

static int proto_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int proto_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return code;
}

/* Fetches a string field; missing is fine when optional. */
static int proto_string(json_t *root, const char *field, bool optional, const char **out,
                        size_t *len, size_t max, char *err, size_t errlen)
{
    json_t *v = json_object_get(root, field);
    *out = NULL;
    if (!v || (optional && json_is_null(v))) {
        if (optional)
            return HU_OK;
        return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "missing field \"%s\"", field);
    }
    if (!json_is_string(v))
        return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"%s\" must be a string", field);
    size_t n = json_string_length(v);
    if (n == 0 || n > max)
        return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"%s\" has a bad length", field);
    *out = json_string_value(v);
    if (len)
        *len = n;
    return HU_OK;
}

static int proto_join(struct proto_msg *m, char *err, size_t errlen)
{
    const char *code;
    size_t n;
    int rc = proto_string(m->root, "code", false, &code, &n, 32, err, errlen);
    if (rc)
        return rc;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (code[i] == ' ')
            continue;
        if (code[i] < '0' || code[i] > '9' || k >= HU_CODE_LEN)
            return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE,
                              "field \"%s\" must be 8 digits", "code");
        m->code_buf[k++] = code[i];
    }
    if (k != HU_CODE_LEN)
        return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"%s\" must be 8 digits", "code");
    m->code_buf[k] = '\0';
    m->code = m->code_buf;
    /* Only a string can be a token.  Anything else (a number, an object, an
     * empty or stale string) is a token the server did not issue, and earns
     * a fresh one, so a page with a damaged localStorage still gets in. */
    json_t *tok = json_object_get(m->root, "participant");
    if (tok && json_is_string(tok)) {
        m->participant = json_string_value(tok);
        m->participant_len = json_string_length(tok);
    }
    /* A key of any length makes this a presenter join, the empty one too: a
     * client that sends a key it does not have must hear "forbidden", not
     * be taken for an attendee.  null is the same as no key. */
    json_t *key = json_object_get(m->root, "key");
    if (key && json_is_string(key)) {
        m->key = json_string_value(key);
        m->key_len = json_string_length(key);
    } else if (key && !json_is_null(key)) {
        return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"%s\" must be a string", "key");
    }
    return HU_OK;
}

static int proto_slide(struct proto_msg *m, char *err, size_t errlen)
{
    json_t *v = json_object_get(m->root, "slide");
    if (!v)
        return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "missing field \"%s\"", "slide");
    /* The deck's own range is checked by the caller, which can say how many
     * slides there are. */
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > INT_MAX)
        return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE,
                          "field \"%s\" must be a slide index (0-based integer)", "slide");
    m->slide = (int)json_integer_value(v);
    return HU_OK;
}

/* The request id: an integer or a short string, kept to be echoed. */
static int proto_get_id(json_t *root, struct proto_id *id, char *err, size_t errlen)
{
    json_t *v = json_object_get(root, "id");
    if (!v)
        return HU_OK;
    if (json_is_integer(v)) {
        id->kind = PROTO_ID_INT;
        id->num = json_integer_value(v);
        return HU_OK;
    }
    if (json_is_string(v) && json_string_length(v) <= PROTO_ID_STR_MAX) {
        id->kind = PROTO_ID_STR;
        id->len = json_string_length(v);
        memcpy(id->str, json_string_value(v), id->len);
        id->str[id->len] = '\0';
        return HU_OK;
    }
    return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE,
                      "field \"%s\" must be an integer or a string of at most %d bytes", "id",
                      PROTO_ID_STR_MAX);
}

/* jansson refuses a whole document holding an integer beyond 64 bits.  That
 * is a value out of range, not broken JSON, so it is answered like one:
 * parsed again with integers as reals to name the top-level field that
 * holds it (a nested one is only described). */
static int proto_overflow(const char *buf, size_t len, char *err, size_t errlen)
{
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, NULL);
    const char *field = NULL, *k;
    json_t *v;
    if (root && json_is_object(root)) {
        json_object_foreach(root, k, v) {
            double d = json_is_real(v) ? json_real_value(v) : 0.0;
            if (d >= 9223372036854775807.0 || d < -9223372036854775808.0) {
                field = k;
                break;
            }
        }
    }
    /* Named only when short: the sentence must fit err whole. */
    if (field && strlen(field) <= 32)
        snprintf(err, errlen, "field \"%s\" is an integer beyond 64 bits", field);
    else
        snprintf(err, errlen, "an integer in the message is beyond 64 bits");
    json_decref(root);
    return HU_ERR_BAD_MESSAGE;
}

/* The picks of a vote: "choice", "choices" or "value" (which the poll's
 * kind accepts is the session's to check). */
static int proto_vote(struct proto_msg *m, char *err, size_t errlen)
{
    int rc = proto_string(m->root, "poll", false, &m->poll, NULL, HU_POLL_ID_MAX, err, errlen);
    if (rc)
        return rc;
    if ((rc = proto_string(m->root, "choice", true, &m->choice, NULL, 64, err, errlen)))
        return rc;
    m->ballot.choice = m->choice;
    json_t *choices = json_object_get(m->root, "choices");
    if (choices) {
        if (!json_is_array(choices))
            return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"%s\" must be an array of option ids",
                              "choices");
        if (json_array_size(choices) > HU_OPTION_MAX)
            return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"%s\" has more than %d picks", "choices",
                              HU_OPTION_MAX);
        size_t i;
        json_t *v;
        json_array_foreach(choices, i, v) {
            if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 64)
                return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"%s\" must be an array of option ids",
                                  "choices");
            m->ballot.choices[i] = json_string_value(v);
        }
        m->ballot.has_choices = true;
        m->ballot.n_choices = json_array_size(choices);
    }
    json_t *value = json_object_get(m->root, "value");
    if (value) {
        if (!json_is_integer(value))
            return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"%s\" must be an integer", "value");
        m->ballot.has_value = true;
        m->ballot.value = json_integer_value(value);
    }
    if (!m->choice && !choices && !value)
        return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "missing field \"choice\" (or \"choices\", \"value\")");
    return HU_OK;
}

/* "action" of moderate and question, from a list of words. */
static int proto_action(struct proto_msg *m, const char *const *words, char *err, size_t errlen, const char *expect)
{
    const char *action;
    int rc = proto_string(m->root, "action", false, &action, NULL, 16, err, errlen);
    if (rc)
        return rc;
    for (int i = 0; words[i]; i++)
        if (strcmp(words[i], action) == 0) {
            m->action = i;
            return HU_OK;
        }
    return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"action\" must be %s", expect);
}

/* The fields of the text and question messages. */
static int proto_text_msg(struct proto_msg *m, char *err, size_t errlen)
{
    static const char *const moderate_actions[] = {"hide", "approve", NULL};
    /* The order of enum session_qa_action. */
    static const char *const question_actions[] = {"approve", "hide", "answered", "pin", "unpin", NULL};
    int rc = HU_OK;
    switch (m->type) {
    case PROTO_ANSWER:
        if ((rc = proto_string(m->root, "poll", false, &m->poll, NULL, HU_POLL_ID_MAX, err, errlen)))
            return rc;
        return proto_string(m->root, "text", false, &m->text, &m->text_len, HU_MSG_MAX, err, errlen);
    case PROTO_ASK:
        return proto_string(m->root, "text", false, &m->text, &m->text_len, HU_MSG_MAX, err, errlen);
    case PROTO_WITHDRAW:
    case PROTO_MODERATE:
        if ((rc = proto_string(m->root, "poll", false, &m->poll, NULL, HU_POLL_ID_MAX, err, errlen)))
            return rc;
        if ((rc = proto_string(m->root, "answer", false, &m->answer, NULL, 16, err, errlen)))
            return rc;
        return m->type == PROTO_MODERATE
                   ? proto_action(m, moderate_actions, err, errlen, "\"approve\" or \"hide\"")
                   : HU_OK;
    case PROTO_UPVOTE: {
        if ((rc = proto_string(m->root, "question", false, &m->question, NULL, 16, err, errlen)))
            return rc;
        json_t *on = json_object_get(m->root, "on");
        if (on && !json_is_boolean(on))
            return proto_fail(err, errlen, HU_ERR_BAD_MESSAGE, "field \"%s\" must be true or false", "on");
        m->on = !on || json_is_true(on);
        return HU_OK;
    }
    case PROTO_QUESTION:
        if ((rc = proto_string(m->root, "question", false, &m->question, NULL, 16, err, errlen)))
            return rc;
        return proto_action(m, question_actions, err, errlen,
                            "\"approve\", \"hide\", \"answered\", \"pin\" or \"unpin\"");
    default:
        return HU_OK;
    }
}

int proto_decode(const char *buf, size_t len, struct proto_msg *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    json_error_t jerr;
    m->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!m->root) {
        if (json_error_code(&jerr) == json_error_numeric_overflow)
            return proto_overflow(buf, len, err, errlen);
        snprintf(err, errlen, "invalid JSON at column %d: %s", jerr.column, jerr.text);
        return HU_ERR_BAD_JSON;
    }
    if (!json_is_object(m->root)) {
        snprintf(err, errlen, "a message must be a JSON object");
        return HU_ERR_BAD_JSON;
    }
    int rc = proto_get_id(m->root, &m->id, err, errlen);
    if (rc)
        return rc;
    const char *type;
    size_t n;
    rc = proto_string(m->root, "type", false, &type, &n, 32, err, errlen);
    if (rc)
        return rc;
    int found = -1;
    for (int i = 0; i < PROTO_TYPE_COUNT; i++)
        if (strcmp(proto_table[i].name, type) == 0)
            found = i;
    if (found < 0) {
        /* The type is not echoed: it may hold bytes that are not valid text. */
        snprintf(err, errlen,
                 "unknown message type (expected join, vote, answer, withdraw, ask, upvote, ping or a presenter "
                 "command)");
        return HU_ERR_BAD_MESSAGE;
    }
    m->type = (enum proto_type)found;
    switch (m->type) {
    case PROTO_JOIN:
        return proto_join(m, err, errlen);
    case PROTO_VOTE:
        return proto_vote(m, err, errlen);
    case PROTO_GOTO:
        return proto_slide(m, err, errlen);
    case PROTO_TIMER:
        return proto_timer_decode(m, err, errlen);
    case PROTO_BLANK:
        return proto_blank_decode(m, err, errlen);
    default:
        return proto_text_msg(m, err, errlen);
    }
}

void proto_msg_free(struct proto_msg *m)
{
    json_decref(m->root);
    m->root = NULL;
}

char *proto_dump(json_t *o)
{
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static json_t *proto_with_id(json_t *o, const struct proto_id *id)
{
    if (!o || !id || id->kind == PROTO_ID_NONE)
        return o;
    json_t *v = id->kind == PROTO_ID_INT ? json_integer((json_int_t)id->num) : json_stringn(id->str, id->len);
    /* Without its id a reply would match no request: send nothing rather
     * than a reply the client cannot place (out of memory only). */
    if (!v || json_object_set_new(o, "id", v) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *proto_ack_id(json_t *o, const struct proto_id *id) { return proto_with_id(o, id); }

char *proto_error_id(int err, const struct proto_id *id, const char *message)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "type", "error", "code", hu_err_code(err), "message",
                          message && *message ? message : hu_strerror(err));
    /* A message quoting the input (jansson's parse errors do) may not be
     * valid UTF-8; fall back to the fixed text rather than send nothing. */
    if (!o)
        o = json_pack("{s:s, s:s, s:s}", "type", "error", "code", hu_err_code(err), "message",
                      hu_strerror(err));
    return proto_dump(proto_with_id(o, id));
}

char *proto_error(int err, bool has_id, int64_t id, const char *message)
{
    struct proto_id pid = {.kind = has_id ? PROTO_ID_INT : PROTO_ID_NONE, .num = id};
    return proto_error_id(err, &pid, message);
}

/* True when s needs no escaping in JSON: the identifier alphabet of poll ids
 * and option ids (docs/protocol.md). */
static bool proto_plain(const char *s, size_t max)
{
    size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
    return n > 0 && n <= max && s[n] == '\0';
}

size_t proto_ack_write(char *buf, size_t cap, const struct proto_id *id, const char *poll, const char *choice)
{
    if (id->kind == PROTO_ID_STR || !proto_plain(poll, HU_POLL_ID_MAX) || !proto_plain(choice, HU_POLL_ID_MAX))
        return 0;
    int n = id->kind == PROTO_ID_INT
                ? snprintf(buf, cap, "{\"type\":\"ack\",\"poll\":\"%s\",\"choice\":\"%s\",\"id\":%lld}", poll, choice,
                           (long long)id->num)
                : snprintf(buf, cap, "{\"type\":\"ack\",\"poll\":\"%s\",\"choice\":\"%s\"}", poll, choice);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

char *proto_ack(const struct proto_id *id, const char *poll, const char *choice)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "type", "ack", "poll", poll, "choice", choice);
    return proto_dump(proto_with_id(o, id));
}

char *proto_pong(const struct proto_id *id, int64_t server_time)
{
    json_t *o = json_pack("{s:s, s:I}", "type", "pong", "serverTime", (json_int_t)server_time);
    return proto_dump(proto_with_id(o, id));
}
