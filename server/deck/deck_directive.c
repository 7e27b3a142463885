/* deck_directive.c -- directives in a deck's HTML comments.
 *
 * Marp style: "<!-- poll: yesno -->", several "key: value" lines per comment
 * allowed, keys and values in any case.  A comment that does not start with a
 * directive is a speaker note (with a warning when it looks like a mistyped
 * one); Marp's own keys are accepted and ignored so Marp decks load as they
 * are.  Where comments are on a line is deck_cscan.c. */
#include "deck_impl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hu_err.h"
#include "model/pollkind.h"

enum deck_key { DECK_KEY_POLL, DECK_KEY_DISCUSS, DECK_KEY_ID, DECK_KEY_RESULTS, DECK_KEY_QA, DECK_KEY_COUNT };

static const char *const deck_key_names[DECK_KEY_COUNT] = {"poll", "discuss", "id", "results", "qa"};

/* A poll's parameters (deck_poll_params) are keys too, numbered from
 * DECK_KEY_COUNT on. */
#define DECK_KNOWN_KEYS "poll, discuss, id, results, qa, pdf, or a poll's multiple, range, labels, max, answers, show, moderate"

/* Labels people start speaker notes with ("<!-- TODO: check figures -->"):
 * a note, not a mistyped directive, so no warning. */
static const char *const deck_note_labels[] = {"todo", "fixme", "note", "notes", "nb", "xxx", "tip", "reminder",
                                               "remember", "speaker", "presenter", "aside", "hint"};

void deck_directives_init(struct deck_directives *d)
{
    memset(d, 0, sizeof *d);
    hu_buf_init(&d->notes, DECK_NOTES_MAX);
}

void deck_directives_free(struct deck_directives *d)
{
    hu_buf_free(&d->notes);
    deck_marp_set_free(&d->local);
    deck_marp_set_free(&d->spot);
    free(d->pdf);
    d->pdf = NULL;
}

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
        deck_trim(s, len);
    }
}

static bool deck_is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static bool deck_is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

/* Reads digits; returns the count read.  The value saturates just above
 * any limit a deck may use, so a long run of digits cannot overflow. */
static size_t deck_digits(const char *s, size_t len, long long *value)
{
    size_t i = 0;
    *value = 0;
    while (i < len && deck_is_digit(s[i])) {
        if (*value < 100000000LL)
            *value = *value * 10 + (s[i] - '0');
        i++;
    }
    return i;
}

/* "2:30" (M:SS) or "1:30:00" (H:MM:SS); the parts after the first are two
 * digits below 60, as on a clock.  Returns the seconds, or -1. */
static long long deck_clock(const char *s, size_t len)
{
    long long total;
    size_t n = deck_digits(s, len, &total);
    int parts = 1;
    if (n == 0)
        return -1;
    while (n < len) {
        if (s[n] != ':' || n + 3 > len || !deck_is_digit(s[n + 1]) || !deck_is_digit(s[n + 2]) || ++parts > 3)
            return -1;
        int b = (s[n + 1] - '0') * 10 + (s[n + 2] - '0');
        if (b >= 60)
            return -1;
        total = total * 60 + b;
        n += 3;
    }
    return parts >= 2 ? total : -1;
}

/* The seconds in one unit named by s[0..len) ("h", "min", "Seconds" ...), or 0. */
static int deck_unit(const char *s, size_t len)
{
    static const struct {
        const char *name;
        int seconds;
    } units[] = {
        {"h", 3600},     {"hr", 3600},     {"hrs", 3600},    {"hour", 3600},   {"hours", 3600},
        {"m", 60},       {"min", 60},      {"mins", 60},     {"minute", 60},   {"minutes", 60},
        {"s", 1},        {"sec", 1},       {"secs", 1},      {"second", 1},    {"seconds", 1},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == len && strncasecmp(units[i].name, s, len) == 0)
            return units[i].seconds;
    return 0;
}

int deck_duration(const char *s, size_t len, int *seconds)
{
    long long total = 0;
    if (memchr(s, ':', len)) {
        total = deck_clock(s, len);
        if (total < 0)
            return HU_ERR_PARSE;
    } else {
        /* One or more "N unit" parts, largest unit first ("1h 30m",
         * "1m30s"); a later part is below 60 of its unit, as on a clock.  A
         * bare number is seconds.  A part may have a fraction ("1.5h"),
         * rounded to the second. */
        size_t i = 0;
        int last_unit = 0, parts = 0;
        while (i < len) {
            long long v, frac = 0, scale = 1;
            size_t n = deck_digits(s + i, len - i, &v);
            if (n == 0)
                return HU_ERR_PARSE;
            i += n;
            if (i + 1 < len && s[i] == '.' && deck_is_digit(s[i + 1])) {
                n = deck_digits(s + i + 1, len - i - 1, &frac);
                if (n > 6)
                    return HU_ERR_PARSE;
                for (size_t k = 0; k < n; k++)
                    scale *= 10;
                i += n + 1;
            }
            while (i < len && (s[i] == ' ' || s[i] == '\t'))
                i++;
            size_t u = i;
            while (i < len && deck_is_alpha(s[i]))
                i++;
            int unit = i > u ? deck_unit(s + u, i - u) : 1;
            if (unit == 0 || (i == u && (parts > 0 || i < len || scale > 1)))
                return HU_ERR_PARSE; /* unknown unit, or a unitless number among parts */
            if (parts > 0 && (unit >= last_unit || v >= 60))
                return HU_ERR_PARSE;
            total += v * unit + (frac * unit + scale / 2) / scale;
            last_unit = unit;
            parts++;
            while (i < len && (s[i] == ' ' || s[i] == '\t'))
                i++;
        }
        if (parts == 0)
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
        if (!(deck_is_digit(ch) || deck_is_alpha(ch) || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

/* A "key: value" or bare "key" line.  Returns false when line has another
 * shape (prose, for instance).  The key is [A-Za-z_$][A-Za-z0-9_$-]*. */
static bool deck_key_line(const char *s, size_t len, const char **key, size_t *klen, const char **val,
                          size_t *vlen)
{
    size_t i = 0;
    if (len == 0 || !(deck_is_alpha(s[0]) || s[0] == '_' || s[0] == '$'))
        return false;
    while (i < len && (deck_is_digit(s[i]) || deck_is_alpha(s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '$'))
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
    /* A YAML comment ("headingDivider: 1 # per section"), as Marp reads
     * directives as YAML; a "#" inside quotes is text. */
    for (size_t k = 0; k < *vlen; k++) {
        char ch = (*val)[k];
        if (ch == '"' || ch == '\'')
            break;
        if (ch == '#' && k > 0 && ((*val)[k - 1] == ' ' || (*val)[k - 1] == '\t')) {
            *vlen = k;
            break;
        }
    }
    deck_trim(val, vlen);
    deck_unquote(val, vlen);
    return true;
}

static bool deck_word_in(const char *const *list, size_t n, const char *key, size_t klen)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == klen && strncasecmp(list[i], key, klen) == 0)
            return true;
    return false;
}

static int deck_key_find(const char *key, size_t klen)
{
    for (int k = 0; k < DECK_KEY_COUNT; k++)
        if (strlen(deck_key_names[k]) == klen && strncasecmp(deck_key_names[k], key, klen) == 0)
            return k;
    for (int k = 0; deck_poll_params[k]; k++)
        if (strlen(deck_poll_params[k]) == klen && strncasecmp(deck_poll_params[k], key, klen) == 0)
            return DECK_KEY_COUNT + k;
    return -1;
}

/* Marp's keys, handsup's look keys ("pdf") and any "_" spot form
 * (deck_marp.c), which warns about one it does not know. */
static bool deck_marp_key(const char *key, size_t klen)
{
    return (klen > 0 && key[0] == '_') || deck_marp_key_known(key, klen);
}

/* The poll kind written as "yesno", "YesNo", "yes/no" or "yes-no". */
static const struct pollkind *deck_poll_kind(const char *val, size_t vlen)
{
    char name[32];
    size_t n = 0;
    for (size_t i = 0; i < vlen; i++) {
        char ch = val[i];
        if (ch == ' ' || ch == '\t' || ch == '-' || ch == '_' || ch == '/')
            continue;
        if (n + 1 >= sizeof name)
            return NULL;
        name[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    return pollkind_find(name, n);
}

static bool deck_word_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(word, s, len) == 0;
}

/* Applies one known directive.  line is its file line. */
static int deck_apply(struct deck_ctx *c, struct deck_directives *d, int key, const char *val, size_t vlen, int line)
{
    int *seen[DECK_KEY_COUNT] = {&d->poll_line, &d->discuss_line, &d->id_line, &d->results_line, &d->qa_line};
    int vl = vlen > 100 ? 100 : (int)vlen; /* quote at most this much of a bad value */
    int *at = key >= DECK_KEY_COUNT ? deck_poll_param_line(d, key - DECK_KEY_COUNT) : seen[key];
    if (*at)
        return deck_errorf(c, line, "\"%s\" is given twice on this slide (first at line %d)",
                           key >= DECK_KEY_COUNT ? deck_poll_params[key - DECK_KEY_COUNT] : deck_key_names[key], *at);
    *at = line;
    if (key >= DECK_KEY_COUNT)
        return deck_poll_param(c, d, key - DECK_KEY_COUNT, val, vlen, line);
    switch (key) {
    case DECK_KEY_POLL:
        if (vlen == 0)
            return deck_errorf(c, line, "poll needs a kind: <!-- poll: yesno --> (kinds: %s)", pollkind_names());
        d->kind = deck_poll_kind(val, vlen);
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
            return deck_errorf(c, line,
                               "bad discussion duration \"%.*s\" (expected e.g. 90s, 5m, 5 min, 1m30s, 2:30, 1h "
                               "or 300 for seconds)",
                               vl, val);
        }
    case DECK_KEY_ID:
        if (!deck_id_valid(val, vlen))
            return deck_errorf(c, line, "bad poll id \"%.*s\" (expected 1 to %d letters, digits, \"_\" or \"-\")",
                               vl, val, HU_POLL_ID_MAX);
        memcpy(d->id, val, vlen);
        d->id[vlen] = '\0';
        return HU_OK;
    case DECK_KEY_QA:
        if (vlen)
            return deck_errorf(c, line,
                               "\"qa\" on a slide takes no value (<!-- qa --> shows the audience's questions; "
                               "to open questions for the session, write \"qa: %.*s\" in the front matter)",
                               vl, val);
        return HU_OK;
    default:
        if (deck_word_is(val, vlen, "hidden") || deck_word_is(val, vlen, "hide"))
            d->results_hidden = true;
        else if (deck_word_is(val, vlen, "visible") || deck_word_is(val, vlen, "show") ||
                 deck_word_is(val, vlen, "shown"))
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

/* How the lines of one comment look, to tell directives from notes. */
struct deck_comment_shape {
    size_t lines;         /* non-blank lines */
    size_t first_words;   /* words in the first line's value */
    bool first_directive; /* the first is a handsup or Marp directive */
    bool all_keys;        /* every one is "key: value" or a bare key */
    int known_line;       /* the first handsup directive's line, or 0 */
    const char *first_key;
    size_t first_klen;
    int first_line;
    bool first_bare;      /* the first line is a lone word ("prettier-ignore-start") */
    bool first_url;       /* its value starts with "//" ("<!-- https://... -->") */
};

/* Edit distance of at most 2 between a and b (short words). */
static bool deck_close(const char *a, size_t na, const char *b, size_t nb)
{
    size_t row[32], prev;
    if (na >= 31 || nb >= 31)
        return false;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t cost = (a[i - 1] | 32) == (b[j - 1] | 32) ? 0 : 1, cur = row[j];
            size_t best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[nb] <= 2;
}

/* A lone word is a directive mistyped when it is near a handsup one
 * ("discus", "pol"); other lone words are tools' marks ("prettier-ignore",
 * "more", "toc") and stay quiet notes. */
static bool deck_near_directive(const char *w, size_t n)
{
    for (int k = 0; k < DECK_KEY_COUNT; k++)
        if (deck_close(w, n, deck_key_names[k], strlen(deck_key_names[k])))
            return true;
    return deck_close(w, n, "pdf", 3);
}

static void deck_comment_shape(const char *body, size_t len, int line, struct deck_comment_shape *sh)
{
    const char *p = body, *end = body + len;
    memset(sh, 0, sizeof *sh);
    sh->all_keys = true;
    for (; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *s = p, *key, *val;
        size_t slen = (size_t)((nl ? nl : end) - p), klen, vlen;
        p = nl ? nl + 1 : end;
        deck_trim(&s, &slen);
        if (slen == 0)
            continue;
        bool shaped = deck_key_line(s, slen, &key, &klen, &val, &vlen);
        bool known = shaped && deck_key_find(key, klen) >= 0;
        if (sh->lines++ == 0) {
            sh->first_directive = known || (shaped && deck_marp_key(key, klen));
            sh->first_key = shaped ? key : NULL;
            sh->first_klen = shaped ? klen : 0;
            sh->first_line = line;
            sh->first_bare = shaped && klen == slen;
            sh->first_url = shaped && vlen >= 2 && val[0] == '/' && val[1] == '/';
            for (size_t i = 0; shaped && i < vlen; i++)
                sh->first_words += (i == 0 || val[i - 1] == ' ') && val[i] != ' ';
        }
        sh->all_keys = sh->all_keys && shaped;
        if (known && !sh->known_line)
            sh->known_line = line;
    }
}

/* A note that looks like a directive gets a warning, so that "<!-- timer: 5m
 * -->" or "<!-- Remember\npoll: yesno -->" do not silently do nothing. */
static int deck_note_warnings(struct deck_ctx *c, const struct deck_comment_shape *sh)
{
    int kl = sh->first_klen > 64 ? 64 : (int)sh->first_klen;
    /* A directive's value is a word or two ("yesno", "5 min"); a longer one
     * is prose ("Remember: ask the back row first"). */
    if (sh->all_keys && sh->first_key && sh->first_words <= 3 && !sh->first_url &&
        (!sh->first_bare || deck_near_directive(sh->first_key, sh->first_klen)) &&
        !deck_word_in(deck_note_labels, sizeof deck_note_labels / sizeof deck_note_labels[0], sh->first_key,
                      sh->first_klen))
        return deck_warnf(c, sh->first_line,
                          "unknown directive \"%.*s\" (known: " DECK_KNOWN_KEYS "); kept as a speaker note", kl,
                          sh->first_key);
    if (sh->known_line)
        return deck_warnf(c, sh->known_line,
                          "a directive inside a speaker note is not obeyed; start a comment with it, e.g. "
                          "<!-- poll: yesno -->, and keep notes in comments of their own");
    return HU_OK;
}

int deck_comment(struct deck_ctx *c, const char *body, size_t len, int line, struct deck_directives *d)
{
    /* "<!--- poll --->": the extra dashes belong to the markers. */
    if (len && body[0] == '-')
        while (len && body[0] == '-') {
            body++;
            len--;
        }
    while (len && body[len - 1] == '-')
        len--;
    struct deck_comment_shape sh;
    deck_comment_shape(body, len, line, &sh);
    if (!sh.first_directive && !(sh.all_keys && sh.known_line)) {
        int rc = deck_note_warnings(c, &sh);
        return rc == HU_OK ? deck_add_note(d, body, len) : rc;
    }
    const char *p = body, *end = body + len;
    bool in_marp = false;
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
            if (k >= 0) {
                int rc = deck_apply(c, d, k, val, vlen, line);
                if (rc != HU_OK)
                    return rc;
                in_marp = false;
            } else if (marp) {
                int rc = deck_marp_directive(c, d, key, klen, val, vlen, line);
                if (rc != HU_OK)
                    return rc;
                in_marp = true;
            } else if (s[0] == '#') {
                /* A YAML comment line, as Marp allows in a directive comment. */
            } else if (in_marp && indented) {
                /* The continuation of a multi-line Marp value ("style: |"). */
            } else if (shaped) {
                return deck_errorf(c, line,
                                   "unknown directive \"%.*s\" (expected " DECK_KNOWN_KEYS "; "
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
