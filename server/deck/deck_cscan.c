/* deck_cscan.c -- where the HTML comments of a line are, as cmark sees them.
 *
 * "<!--" escaped as "\<!--" or inside `code` is text; a comment may start
 * on an earlier line.  One scanner per line, whose position only moves
 * forward, keeps the scan linear (deck_impl.h). */
#include <stdint.h>
#include <string.h>

#include "deck_impl.h"

const char *deck_comment_end(const char *s, size_t len)
{
    return len > 2 ? memmem(s + 2, len - 2, "-->", 3) : NULL;
}

bool deck_inline_comment_ok(const char *body, size_t len)
{
    /* cmark 0.30's scanner: "<!---->", or "<!--" ("-"? [^>-]) ("-"? [^-])* "-->". */
    if (len == 0)
        return true;
    size_t i = body[0] == '-' ? 1 : 0;
    if (i >= len || body[i] == '>' || body[i] == '-')
        return false;
    for (i++; i < len; i++)
        if (body[i] == '-' && (i + 1 >= len || body[i + 1] == '-'))
            return false;
    return true;
}

void deck_cscan_init(struct deck_cscan *cs, const char *s, size_t len, bool in_comment)
{
    memset(cs, 0, sizeof *cs);
    cs->s = s;
    cs->len = len;
    cs->in_comment = in_comment;
}

/* Past a code span that starts with the backtick run at i, or past the run
 * itself when nothing closes it (then it is literal text). */
static size_t deck_cscan_ticks(struct deck_cscan *cs, size_t i)
{
    const char *s = cs->s;
    size_t n = 0;
    while (i + n < cs->len && s[i + n] == '`')
        n++;
    if (n > DECK_TICKS_MAX || cs->no_close[n])
        return i + n;
    for (size_t j = i + n; j < cs->len;) {
        size_t m = 0;
        while (j + m < cs->len && s[j + m] == '`')
            m++;
        if (m == n)
            return j + m;
        j += m ? m : 1;
    }
    cs->no_close[n] = true; /* no run of n later on the line: never look again */
    return i + n;
}

bool deck_cscan_next(struct deck_cscan *cs, size_t *open, size_t *close)
{
    const char *s = cs->s;
    if (cs->in_comment) {
        /* The line starts inside a comment: that one comes first, once. */
        if (cs->past_line)
            return false;
        const char *e = memmem(s + cs->pos, cs->len - cs->pos, "-->", 3);
        *open = SIZE_MAX;
        *close = e ? (size_t)(e - s) : cs->len;
        cs->pos = e ? *close + 3 : cs->len;
        cs->in_comment = cs->past_line = e == NULL;
        return true;
    }
    size_t i = cs->pos;
    while (i < cs->len) {
        if (s[i] == '\\' && i + 1 < cs->len) {
            i += 2;
        } else if (s[i] == '`') {
            i = deck_cscan_ticks(cs, i);
        } else if (s[i] == '<' && cs->len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            const char *e = deck_comment_end(s + i, cs->len - i);
            *open = i;
            *close = e ? (size_t)(e - s) : cs->len;
            cs->pos = e ? *close + 3 : cs->len;
            cs->in_comment = cs->past_line = e == NULL;
            return true;
        } else {
            i++;
        }
    }
    cs->pos = cs->len;
    return false;
}
