/* deck_front.c -- a deck's front matter: "key: value" lines between "---".
 *
 * Only title and code mean something to handsup; Marp's and other tools'
 * keys (marp, theme, author, date, "last updated" ...) are accepted and
 * ignored, with their multi-line values.  This is not a YAML parser: it
 * reads the YAML that people put in front matter (quotes, comments, folded
 * values) and tells front matter from a first slide that starts with "---". */
#include "deck_impl.h"

#include <string.h>
#include <strings.h>

#include "base/hu_err.h"

#define DECK_FRONT_VALUE_MAX 4096 /* a title or code, with its continuation lines */

static void deck_front_trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

static bool deck_front_word_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '-' || ch == '$' || ch == '.';
}

static bool deck_front_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

/* "---" or "..." (YAML's document end), then only spaces or tabs. */
static bool deck_front_marker(const char *s, size_t len, bool dots)
{
    return len >= 3 && (memcmp(s, "---", 3) == 0 || (dots && memcmp(s, "...", 3) == 0)) &&
           deck_front_blank(s + 3, len - 3);
}

/* How one front matter line reads. */
enum deck_front_kind {
    DECK_FRONT_BLANK,
    DECK_FRONT_COMMENT,  /* "# ..." */
    DECK_FRONT_HEADING,  /* "# Text": a YAML comment that is also a Markdown heading */
    DECK_FRONT_KEY,      /* "key: value", key of words ("last updated") or quoted */
    DECK_FRONT_CONT,     /* indented, or "- item": part of the value above */
    DECK_FRONT_OTHER,
};

/* Classifies line s; for a key, *key and *klen are the key (unquoted), *word
 * whether it is a single word, *v and *vlen the raw value after the colon. */
static enum deck_front_kind deck_front_line(const char *s, size_t len, const char **key, size_t *klen, bool *word,
                                            const char **v, size_t *vlen)
{
    if (deck_front_blank(s, len))
        return DECK_FRONT_BLANK;
    if (s[0] == ' ' || s[0] == '\t' || (s[0] == '-' && (len == 1 || s[1] == ' ' || s[1] == '\t')))
        return DECK_FRONT_CONT;
    if (s[0] == '#') {
        size_t h = 0;
        while (h < len && s[h] == '#')
            h++;
        return h <= 6 && h < len && s[h] == ' ' && !deck_front_blank(s + h, len - h) ? DECK_FRONT_HEADING
                                                                                     : DECK_FRONT_COMMENT;
    }
    size_t i = 0, kend;
    *word = true;
    if (s[0] == '"' || s[0] == '\'') {
        const char *q = memchr(s + 1, s[0], len - 1);
        if (!q)
            return DECK_FRONT_OTHER;
        *key = s + 1;
        *klen = (size_t)(q - s) - 1;
        i = (size_t)(q - s) + 1;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        kend = i;
    } else {
        /* Words of [A-Za-z0-9_$.-] separated by single spaces. */
        while (i < len && deck_front_word_char(s[i])) {
            while (i < len && deck_front_word_char(s[i]))
                i++;
            if (i + 1 < len && s[i] == ' ' && deck_front_word_char(s[i + 1])) {
                *word = false;
                i++;
            }
        }
        *key = s;
        *klen = i;
        kend = i;
        while (kend < len && (s[kend] == ' ' || s[kend] == '\t'))
            kend++;
    }
    if (*klen == 0 || kend >= len || s[kend] != ':')
        return DECK_FRONT_OTHER;
    /* YAML needs a space after the colon ("http://x" is not a key); title
     * and code have always been read without one. */
    bool ours = (*klen == 5 && strncasecmp(*key, "title", 5) == 0) || (*klen == 4 && strncasecmp(*key, "code", 4) == 0);
    if (kend + 1 < len && s[kend + 1] != ' ' && s[kend + 1] != '\t' && !ours)
        return DECK_FRONT_OTHER;
    *v = s + kend + 1;
    *vlen = len - kend - 1;
    return DECK_FRONT_KEY;
}

int deck_front_find(struct deck_ctx *c, const struct deck_text *t, bool *found, size_t *first, size_t *end,
                    size_t *body)
{
    size_t open = 0, len, klen = 0, vlen = 0;
    const char *s, *key = NULL, *v = NULL;
    bool word = false;
    *found = false;
    *first = *end = *body = 0;
    /* Blank lines before the front matter come from copy and paste. */
    while (open < t->n_lines && (s = deck_line(t, open, &len), deck_front_blank(s, len)))
        open++;
    if (open == t->n_lines || (s = deck_line(t, open, &len), !deck_front_marker(s, len, false)))
        return HU_OK;
    /* Classify the lines up to the next marker.  It is front matter when
     * they are all YAML-like and one has a one-word key; anything else (a
     * heading, a directive, prose) means that the "---" separates slides. */
    size_t close = open + 1, gap = 0, other = 0, tail = 0;
    bool has_word = false, keys = false, in_value = false, heading = false, markdown = false;
    for (; close < t->n_lines; close++) {
        s = deck_line(t, close, &len);
        if (deck_front_marker(s, len, true))
            break;
        enum deck_front_kind k = deck_front_line(s, len, &key, &klen, &word, &v, &vlen);
        /* Front matter starts with its keys (a comment may come first):
         * Markdown before any key, or "# Welcome" and a blank line, is the
         * first slide, whatever "Date: Monday" line comes later. */
        if (!keys) {
            heading = heading || k == DECK_FRONT_HEADING;
            markdown = markdown || k == DECK_FRONT_OTHER || k == DECK_FRONT_CONT || (heading && k == DECK_FRONT_BLANK);
        }
        if (k == DECK_FRONT_KEY) {
            has_word = has_word || word;
            keys = in_value = true;
            gap = tail = 0;
        } else if (k == DECK_FRONT_CONT && in_value) {
            gap = 0;
        } else if (k == DECK_FRONT_BLANK) {
            if (keys && !gap)
                gap = close;
        } else if (k == DECK_FRONT_COMMENT || (k == DECK_FRONT_HEADING && !gap)) {
            in_value = false;
        } else {
            /* Markdown, or a "# Heading" after the keys and a blank line.
             * If no key follows, the closing "---" was forgotten. */
            in_value = false;
            if (keys && gap && !tail)
                tail = close;
            if (k != DECK_FRONT_HEADING && !other)
                other = close;
        }
    }
    if (!has_word || markdown)
        return HU_OK; /* the first "---" is a slide separator */
    /* Reading on would swallow the first slide (or show the front matter
     * as one): say where the "---" is missing instead. */
    if (tail)
        return deck_errorf(c, (int)open + 1, "front matter is not closed (expected a \"---\" line before line %zu)",
                           tail + 1);
    if (close == t->n_lines)
        return deck_errorf(c, (int)open + 1, "front matter is not closed (expected a \"---\" line after it)");
    if (other) {
        s = deck_line(t, other, &len);
        return deck_errorf(c, (int)other + 1,
                           "expected \"key: value\" in the front matter, found \"%.*s\" (the \"---\" at line %zu "
                           "starts front matter, up to the next \"---\")",
                           len > 64 ? 64 : (int)len, s, open + 1);
    }
    *found = true;
    *first = open + 1;
    *end = close;
    *body = close + 1;
    return HU_OK;
}

/* "4045 5687", "4045-5687" or "40455687": 8 digits, spaces, tabs or dashes
 * allowed between them. */
static int deck_front_code(struct deck_ctx *c, const char *v, size_t vlen, int line, struct deck_front *out)
{
    size_t n = 0;
    for (size_t i = 0; i < vlen; i++) {
        if (v[i] == ' ' || v[i] == '\t' || (v[i] == '-' && n > 0 && i + 1 < vlen))
            continue;
        if (v[i] < '0' || v[i] > '9' || n == HU_CODE_LEN) {
            n = HU_CODE_LEN + 1;
            break;
        }
        out->code[n++] = v[i];
    }
    if (n != HU_CODE_LEN)
        return deck_errorf(c, line, "bad join code \"%.*s\" (expected %d digits, e.g. 4045 5687)",
                           vlen > 64 ? 64 : (int)vlen, v, HU_CODE_LEN);
    out->code[n] = '\0';
    out->has_code = true;
    return HU_OK;
}

/* Strips a " # comment" from a plain value: a "#" after a space starts one. */
static void deck_front_uncomment(const char *v, size_t *vlen)
{
    for (size_t i = 1; i < *vlen; i++)
        if (v[i] == '#' && (v[i - 1] == ' ' || v[i - 1] == '\t')) {
            *vlen = i;
            break;
        }
}

/* A quoted value into out: 'It''s' or "Say \"hi\"".  Returns false when the
 * quote is not closed on the line or text other than a comment follows it;
 * the value is then read as plain text. */
static bool deck_front_quoted(const char *v, size_t vlen, struct hu_buf *out)
{
    char q = v[0];
    size_t i = 1;
    for (; i < vlen; i++) {
        char ch = v[i];
        const char *add = &v[i];
        if (q == '\'' && ch == '\'') {
            if (i + 1 < vlen && v[i + 1] == '\'')
                i++; /* '' is a quote */
            else
                break;
        } else if (q == '"' && ch == '"') {
            break;
        } else if (q == '"' && ch == '\\' && i + 1 < vlen) {
            /* YAML's escapes; a title is one line, so \n and \t are spaces. */
            char e = v[++i];
            add = e == 'n' || e == 't' || e == 'r' ? " " : e == '"' || e == '\\' || e == '/' ? &v[i] : NULL;
            if (!add && hu_buf_append(out, "\\", 1) != HU_OK)
                return false;
            if (!add)
                add = &v[i];
        }
        if (hu_buf_append(out, add, 1) != HU_OK)
            return false;
    }
    if (i >= vlen)
        return false;
    const char *rest = v + i + 1;
    size_t rlen = vlen - i - 1;
    deck_front_trim(&rest, &rlen);
    return rlen == 0 || rest[0] == '#';
}

/* Appends the trimmed non-blank lines [from, to) to out, one space apart:
 * YAML folds a multi-line value that way. */
static int deck_front_fold(const struct deck_text *t, size_t from, size_t to, struct hu_buf *out)
{
    for (size_t i = from; i < to; i++) {
        size_t len;
        const char *s = deck_line(t, i, &len);
        deck_front_trim(&s, &len);
        if (len == 0)
            continue;
        int rc = out->len ? hu_buf_append(out, " ", 1) : HU_OK;
        if (rc == HU_OK)
            rc = hu_buf_append(out, s, len);
        if (rc != HU_OK)
            return rc;
    }
    return HU_OK;
}

/* The value of the key on line i, raw text v: quoted, plain with a comment,
 * a block scalar ("title: >" and indented lines) or a plain value continued
 * on indented lines.  Lines [i + 1, *next) are the value's continuation. */
static int deck_front_value(const struct deck_text *t, size_t i, size_t end, const char *v, size_t vlen,
                            size_t *next, struct hu_buf *out)
{
    size_t j = i + 1;
    while (j < end) {
        size_t len;
        const char *s = deck_line(t, j, &len);
        if (!deck_front_blank(s, len) && s[0] != ' ' && s[0] != '\t')
            break;
        j++;
    }
    *next = j;
    deck_front_trim(&v, &vlen);
    if (vlen && (v[0] == '"' || v[0] == '\'')) {
        if (deck_front_quoted(v, vlen, out))
            return HU_OK;
        out->len = 0;
        if (out->data)
            out->data[0] = '\0';
    }
    deck_front_uncomment(v, &vlen);
    deck_front_trim(&v, &vlen);
    bool block = vlen && (v[0] == '>' || v[0] == '|');
    for (size_t k = 1; block && k < vlen; k++)
        block = v[k] == '-' || v[k] == '+' || (v[k] >= '1' && v[k] <= '9');
    int rc = block ? HU_OK : hu_buf_append(out, v, vlen);
    return rc == HU_OK ? deck_front_fold(t, i + 1, j, out) : rc;
}

/* "qa: on", "qa: moderated" or "qa: off": audience questions for the session. */
static int deck_front_qa(struct deck_ctx *c, const char *v, size_t vlen, int line, struct deck_front *out)
{
    static const struct {
        const char *word;
        enum deck_qa qa;
    } words[] = {{"on", DECK_QA_ON},   {"yes", DECK_QA_ON},  {"true", DECK_QA_ON},   {"moderated", DECK_QA_MODERATED},
                 {"off", DECK_QA_OFF}, {"no", DECK_QA_OFF}, {"false", DECK_QA_OFF}};
    if (out->qa_line)
        return deck_errorf(c, line, "\"qa\" is given twice in the front matter (first at line %d)", out->qa_line);
    deck_front_uncomment(v, &vlen);
    deck_front_trim(&v, &vlen);
    if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
        v++;
        vlen -= 2;
    }
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i].word) == vlen && strncasecmp(words[i].word, v, vlen) == 0) {
            out->qa = words[i].qa;
            out->qa_line = line;
            return HU_OK;
        }
    return deck_errorf(c, line, "bad qa setting \"%.*s\" (expected on, moderated or off)", vlen > 60 ? 60 : (int)vlen,
                       v);
}

/* "lang: cy": the room's language, a BCP 47 tag (a primary language of 2
 * or 3 letters, then subtags of 1 to 8 letters or digits: "pt-BR",
 * "sr-Latn").  "_" is taken for "-" as people write "pt_BR".  Any well-formed
 * tag is kept: a page without a catalogue for it falls back to English. */
static int deck_front_lang(struct deck_ctx *c, const char *v, size_t vlen, int line, struct deck_front *out)
{
    if (out->lang_line)
        return deck_errorf(c, line, "\"lang\" is given twice in the front matter (first at line %d)",
                           out->lang_line);
    deck_front_uncomment(v, &vlen);
    deck_front_trim(&v, &vlen);
    if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
        v++;
        vlen -= 2;
    }
    bool ok = vlen > 0 && vlen <= DECK_LANG_MAX;
    size_t part = 0, parts = 0;
    for (size_t i = 0; ok && i <= vlen; i++) {
        char ch = i < vlen ? v[i] : '-';
        if (ch == '-' || ch == '_') {
            /* The primary subtag is letters only, 2 or 3 of them. */
            ok = part >= 1 && part <= 8 && (parts > 0 || part >= 2);
            ok = ok && (parts > 0 || part <= 3);
            out->lang[i] = '-';
            part = 0;
            parts++;
            continue;
        }
        bool alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        ok = alpha || (parts > 0 && ch >= '0' && ch <= '9');
        /* The primary subtag in lower case, as the catalogues are named. */
        out->lang[i] = parts == 0 && ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
        part++;
    }
    if (!ok) {
        out->lang[0] = '\0';
        return deck_errorf(c, line, "bad lang \"%.*s\" (expected a language tag such as cy, en-GB or pt-BR)",
                           vlen > 40 ? 40 : (int)vlen, v);
    }
    out->lang[vlen] = '\0';
    out->lang_line = line;
    return HU_OK;
}

int deck_front_parse(struct deck_ctx *c, const struct deck_text *t, size_t first, size_t end,
                     struct deck_front *out)
{
    int title_line = 0, code_line = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = first; i < end; i++) {
        int line = (int)i + 1;
        size_t len, klen = 0, vlen = 0;
        const char *s = deck_line(t, i, &len), *key = NULL, *v = NULL;
        bool word = false;
        /* deck_front_find has refused any line that is not YAML-like. */
        if (deck_front_line(s, len, &key, &klen, &word, &v, &vlen) != DECK_FRONT_KEY)
            continue;
        bool is_title = klen == 5 && strncasecmp(key, "title", 5) == 0;
        bool is_code = klen == 4 && strncasecmp(key, "code", 4) == 0;
        if (klen == 2 && strncasecmp(key, "qa", 2) == 0) {
            int rc = deck_front_qa(c, v, vlen, line, out);
            if (rc != HU_OK)
                return rc;
            continue;
        }
        if (klen == 4 && strncasecmp(key, "lang", 4) == 0) {
            int rc = deck_front_lang(c, v, vlen, line, out);
            if (rc != HU_OK)
                return rc;
            continue;
        }
        if (!is_title && !is_code) {
            /* Marp's directives and handsup's look (deck_marp.c); anything
             * else is someone else's metadata.  Their values are one line. */
            int rc = deck_marp_front(c, key, klen, v, vlen, line);
            if (rc != HU_OK)
                return rc;
            continue;
        }
        int *seen = is_title ? &title_line : &code_line;
        if (*seen)
            return deck_errorf(c, line, "\"%s\" is given twice in the front matter (first at line %d)",
                               is_title ? "title" : "code", *seen);
        *seen = line;
        struct hu_buf b;
        size_t next;
        hu_buf_init(&b, DECK_FRONT_VALUE_MAX);
        int rc = deck_front_value(t, i, end, v, vlen, &next, &b);
        const char *val = b.data ? b.data : "";
        if (rc == HU_ERR_TOO_LARGE || (rc == HU_OK && is_title && b.len > HU_TITLE_MAX))
            rc = is_title ? deck_errorf(c, line, "title is longer than %d bytes", HU_TITLE_MAX)
                          : deck_errorf(c, line, "bad join code (expected %d digits, e.g. 4045 5687)", HU_CODE_LEN);
        else if (rc == HU_OK && is_title)
            memcpy(out->title, val, b.len + 1);
        else if (rc == HU_OK)
            rc = deck_front_code(c, val, b.len, line, out);
        hu_buf_free(&b);
        if (rc != HU_OK)
            return rc;
        i = next - 1;
    }
    return HU_OK;
}
