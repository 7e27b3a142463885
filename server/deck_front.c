/* deck_front.c -- a deck's front matter: "key: value" lines between "---".
 *
 * Only title and code mean something to handsup; Marp's and other tools'
 * keys (marp, theme, author, date ...) are accepted and ignored, including
 * indented or "- item" continuation lines of their multi-line values. */
#include "deck_impl.h"

#include <string.h>

#include "hu_err.h"

static void deck_front_trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

static bool deck_front_key_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '-' || ch == '$';
}

/* "4045 5687" or "40455687": 8 digits, spaces allowed between them. */
static int deck_front_code(struct deck_ctx *c, const char *v, size_t vlen, int line, struct deck_front *out)
{
    size_t n = 0;
    for (size_t i = 0; i < vlen; i++) {
        if (v[i] == ' ')
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

int deck_front_parse(struct deck_ctx *c, const struct deck_text *t, size_t first, size_t end,
                     struct deck_front *out)
{
    int title_line = 0, code_line = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = first; i < end; i++) {
        int line = (int)i + 1;
        size_t len;
        const char *s = deck_line(t, i, &len);
        bool continuation = len && (s[0] == ' ' || s[0] == '\t');
        deck_front_trim(&s, &len);
        /* Blank lines, YAML comments and the continuation lines of another
         * key's multi-line value carry nothing for us. */
        if (len == 0 || s[0] == '#' || continuation || (s[0] == '-' && (len == 1 || s[1] == ' ')))
            continue;
        const char *colon = memchr(s, ':', len);
        size_t klen = colon ? (size_t)(colon - s) : 0;
        while (klen && (s[klen - 1] == ' ' || s[klen - 1] == '\t'))
            klen--;
        bool key_ok = klen > 0;
        for (size_t k = 0; k < klen; k++)
            key_ok = key_ok && deck_front_key_char(s[k]);
        if (!colon || !key_ok)
            return deck_errorf(c, line, "expected \"key: value\" in the front matter, found \"%.*s\"",
                               len > 64 ? 64 : (int)len, s);
        const char *v = colon + 1;
        size_t vlen = len - (size_t)(v - s);
        deck_front_trim(&v, &vlen);
        if (vlen >= 2 && ((v[0] == '"' && v[vlen - 1] == '"') || (v[0] == '\'' && v[vlen - 1] == '\''))) {
            v++;
            vlen -= 2;
        }
        if (klen == 5 && memcmp(s, "title", 5) == 0) {
            if (title_line)
                return deck_errorf(c, line, "\"title\" is given twice in the front matter (first at line %d)",
                                   title_line);
            title_line = line;
            if (vlen > HU_TITLE_MAX)
                return deck_errorf(c, line, "title is longer than %d bytes", HU_TITLE_MAX);
            memcpy(out->title, v, vlen);
            out->title[vlen] = '\0';
        } else if (klen == 4 && memcmp(s, "code", 4) == 0) {
            if (code_line)
                return deck_errorf(c, line, "\"code\" is given twice in the front matter (first at line %d)",
                                   code_line);
            code_line = line;
            int rc = deck_front_code(c, v, vlen, line, out);
            if (rc != HU_OK)
                return rc;
        }
    }
    return HU_OK;
}
