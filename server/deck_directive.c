/* deck_directive.c -- directives in a deck's HTML comments.
 *
 * Marp style: "<!-- poll: yesno -->", several "key: value" lines per comment
 * allowed.  A comment that does not start with a directive is a speaker
 * note; Marp's own keys are accepted and ignored so Marp decks load as they are. */
#include "deck_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hu_err.h"
#include "pollkind.h"

enum deck_key { DECK_KEY_POLL, DECK_KEY_DISCUSS, DECK_KEY_ID, DECK_KEY_RESULTS, DECK_KEY_COUNT };

static const char *const deck_key_names[DECK_KEY_COUNT] = {"poll", "discuss", "id", "results"};

/* Marp's directives (global and local).  Keys starting with "_" (Marp's
 * scoped form) are recognised by their prefix instead. */
static const char *const deck_marp_keys[] = {
    "marp",  "theme",       "style",   "headingDivider", "size",   "math",   "title",           "description",
    "author", "image",      "keywords", "url",           "lang",   "paginate", "header",        "footer",
    "class", "backgroundColor", "backgroundImage", "backgroundPosition", "backgroundRepeat", "backgroundSize",
    "color", "transition",  "inlineSVG",
};

int deck_errorf(struct deck_ctx *c, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        msg[0] = '\0';
    if (c->errlen == 0)
        return HU_ERR_PARSE;
    if (line > 0)
        n = snprintf(c->err, c->errlen, "%s:%d: %s", c->name, line, msg);
    else
        n = snprintf(c->err, c->errlen, "%s: %s", c->name, msg);
    if (n < 0)
        c->err[0] = '\0';
    return HU_ERR_PARSE;
}

void deck_directives_init(struct deck_directives *d)
{
    memset(d, 0, sizeof *d);
    hu_buf_init(&d->notes, DECK_NOTES_MAX);
}

void deck_directives_free(struct deck_directives *d) { hu_buf_free(&d->notes); }

static bool deck_is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n'; }

static void deck_trim(const char **s, size_t *len)
{
    while (*len && deck_is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && deck_is_space((*s)[*len - 1]))
        (*len)--;
}

/* Strips one pair of matching quotes, as YAML users write "5m" or 'x'. */
static void deck_unquote(const char **s, size_t *len)
{
    if (*len >= 2 && ((**s == '"' && (*s)[*len - 1] == '"') || (**s == '\'' && (*s)[*len - 1] == '\''))) {
        (*s)++;
        *len -= 2;
    }
}

static bool deck_is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* Reads digits; returns the count read.  The value saturates just above
 * any limit a deck may use, so a long run of digits cannot overflow. */
static size_t deck_digits(const char *s, size_t len, long *value)
{
    size_t i = 0;
    *value = 0;
    while (i < len && deck_is_digit(s[i])) {
        if (*value < 100000000L)
            *value = *value * 10 + (s[i] - '0');
        i++;
    }
    return i;
}

int deck_duration(const char *s, size_t len, int *seconds)
{
    long a, b = 0, total;
    size_t n = deck_digits(s, len, &a);
    if (n == 0)
        return HU_ERR_PARSE;
    s += n;
    len -= n;
    if (len == 1 && *s == 's') {
        total = a;
    } else if (len == 1 && *s == 'm') {
        total = a * 60;
    } else if (len >= 3 && *s == 'm' && s[len - 1] == 's') {
        /* NmMs: the seconds part is below 60, as on a clock. */
        n = deck_digits(s + 1, len - 2, &b);
        if (n == 0 || n != len - 2 || b >= 60)
            return HU_ERR_PARSE;
        total = a * 60 + b;
    } else if (len == 3 && *s == ':' && deck_is_digit(s[1]) && deck_is_digit(s[2])) {
        b = (s[1] - '0') * 10 + (s[2] - '0');
        if (b >= 60)
            return HU_ERR_PARSE;
        total = a * 60 + b;
    } else {
        return HU_ERR_PARSE;
    }
    if (total <= 0 || total > HU_DECK_MAX_DISCUSS_SECONDS)
        return HU_ERR_TOO_LARGE;
    *seconds = (int)total;
    return HU_OK;
}

bool deck_id_valid(const char *s, size_t len)
{
    if (len == 0 || len > HU_POLL_ID_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!(deck_is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

/* A "key: value" or bare "key" line.  Returns false when line has another
 * shape (prose, for instance).  The key is [A-Za-z_$][A-Za-z0-9_-]*. */
static bool deck_key_line(const char *s, size_t len, const char **key, size_t *klen, const char **val,
                          size_t *vlen)
{
    size_t i = 0;
    if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_' || s[0] == '$'))
        return false;
    while (i < len && (deck_is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                       s[i] == '_' || s[i] == '-' || s[i] == '$'))
        i++;
    *key = s;
    *klen = i;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == len) {
        *val = s + len;
        *vlen = 0;
        return true;
    }
    if (s[i] != ':')
        return false;
    *val = s + i + 1;
    *vlen = len - i - 1;
    deck_trim(val, vlen);
    deck_unquote(val, vlen);
    return true;
}

static int deck_key_find(const char *key, size_t klen)
{
    for (int k = 0; k < DECK_KEY_COUNT; k++)
        if (strlen(deck_key_names[k]) == klen && memcmp(deck_key_names[k], key, klen) == 0)
            return k;
    return -1;
}

static bool deck_marp_key(const char *key, size_t klen)
{
    if (klen > 0 && key[0] == '_')
        return true;
    for (size_t i = 0; i < sizeof deck_marp_keys / sizeof deck_marp_keys[0]; i++)
        if (strlen(deck_marp_keys[i]) == klen && memcmp(deck_marp_keys[i], key, klen) == 0)
            return true;
    return false;
}

/* Applies one known directive.  line is its file line. */
static int deck_apply(struct deck_ctx *c, struct deck_directives *d, int key, const char *val, size_t vlen, int line)
{
    int *seen[DECK_KEY_COUNT] = {&d->poll_line, &d->discuss_line, &d->id_line, &d->results_line};
    int vl = vlen > 100 ? 100 : (int)vlen; /* quote at most this much of a bad value */
    if (*seen[key])
        return deck_errorf(c, line, "\"%s\" is given twice on this slide (first at line %d)", deck_key_names[key],
                           *seen[key]);
    *seen[key] = line;
    switch (key) {
    case DECK_KEY_POLL:
        d->kind = pollkind_find(val, vlen);
        if (!d->kind)
            return deck_errorf(c, line, "unknown poll kind \"%.*s\" (expected one of: %s)", vl, val,
                               pollkind_names());
        return HU_OK;
    case DECK_KEY_DISCUSS:
        d->discuss_seconds = 0;
        if (vlen == 0)
            return HU_OK;
        switch (deck_duration(val, vlen, &d->discuss_seconds)) {
        case HU_OK:
            return HU_OK;
        case HU_ERR_TOO_LARGE:
            return deck_errorf(c, line, "discussion duration \"%.*s\" is out of range (expected 1s to 24h)", vl,
                               val);
        default:
            return deck_errorf(c, line, "bad discussion duration \"%.*s\" (expected e.g. 90s, 5m, 1m30s or 2:30)",
                               vl, val);
        }
    case DECK_KEY_ID:
        if (!deck_id_valid(val, vlen))
            return deck_errorf(c, line, "bad poll id \"%.*s\" (expected 1 to %d letters, digits, \"_\" or \"-\")",
                               vl, val, HU_POLL_ID_MAX);
        memcpy(d->id, val, vlen);
        d->id[vlen] = '\0';
        return HU_OK;
    default:
        if (vlen == 6 && memcmp(val, "hidden", 6) == 0)
            d->results_hidden = true;
        else if (vlen == 7 && memcmp(val, "visible", 7) == 0)
            d->results_hidden = false;
        else
            return deck_errorf(c, line, "bad results setting \"%.*s\" (expected hidden or visible)", vl, val);
        return HU_OK;
    }
}

static int deck_add_note(struct deck_directives *d, const char *body, size_t len)
{
    deck_trim(&body, &len);
    if (len == 0)
        return HU_OK;
    int rc = HU_OK;
    if (d->notes.len)
        rc = hu_buf_append(&d->notes, "\n\n", 2);
    if (rc == HU_OK)
        rc = hu_buf_append(&d->notes, body, len);
    /* Notes beyond the cap are cut rather than refused: they are for the
     * presenter's eyes only and never change how the deck runs. */
    return rc == HU_ERR_TOO_LARGE ? HU_OK : rc;
}

int deck_comment(struct deck_ctx *c, const char *body, size_t len, int line, struct deck_directives *d)
{
    const char *p = body, *end = body + len;
    bool directive = false, first = true, in_marp = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *s = p;
        size_t slen = (size_t)(eol - p);
        bool indented = slen && (s[0] == ' ' || s[0] == '\t');
        deck_trim(&s, &slen);
        if (slen) {
            const char *key, *val;
            size_t klen, vlen;
            bool shaped = deck_key_line(s, slen, &key, &klen, &val, &vlen);
            int k = shaped ? deck_key_find(key, klen) : -1;
            bool marp = shaped && k < 0 && deck_marp_key(key, klen);
            if (first) {
                first = false;
                directive = k >= 0 || marp;
                if (!directive)
                    return deck_add_note(d, body, len);
            }
            if (k >= 0) {
                int rc = deck_apply(c, d, k, val, vlen, line);
                if (rc != HU_OK)
                    return rc;
                in_marp = false;
            } else if (marp) {
                in_marp = true;
            } else if (in_marp && indented) {
                /* The continuation of a multi-line Marp value ("style: |"). */
            } else if (shaped) {
                return deck_errorf(c, line,
                                   "unknown directive \"%.*s\" (expected poll, discuss, id or results; "
                                   "put speaker notes in a comment of their own)",
                                   klen > 64 ? 64 : (int)klen, key);
            } else {
                return deck_errorf(c, line,
                                   "expected \"key: value\" in a directive comment, found \"%.*s\" "
                                   "(put speaker notes in a comment of their own)",
                                   slen > 64 ? 64 : (int)slen, s);
            }
        }
        if (!nl)
            break;
        p = nl + 1;
        line++;
    }
    return HU_OK;
}
