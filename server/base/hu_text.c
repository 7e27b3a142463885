/* hu_text.c -- checking, cleaning and folding participants' free text.
 *
 * Everything here is one pass over at most a message's bytes (HU_MSG_MAX),
 * with no tables larger than a few ranges: the inputs are short and the
 * rules are few, so ranges read better than generated Unicode tables. */
#include "hu_text.h"

#include "hu_err.h"

bool hu_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned ch = s[i];
        if (ch == 0)
            return false;
        if (ch < 0x80) {
            i++;
            continue;
        }
        size_t n = ch >= 0xC2 && ch <= 0xDF ? 2 : ch >= 0xE0 && ch <= 0xEF ? 3 : ch >= 0xF0 && ch <= 0xF4 ? 4 : 0;
        if (n == 0 || i + n > len)
            return false;
        for (size_t k = 1; k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        /* Overlong three- and four-byte forms, surrogates, beyond U+10FFFF. */
        if ((ch == 0xE0 && s[i + 1] < 0xA0) || (ch == 0xED && s[i + 1] >= 0xA0) ||
            (ch == 0xF0 && s[i + 1] < 0x90) || (ch == 0xF4 && s[i + 1] >= 0x90))
            return false;
        i += n;
    }
    return true;
}

uint32_t hu_utf8_next(const char *str, size_t len, size_t *i)
{
    const unsigned char *s = (const unsigned char *)str;
    uint32_t c = s[*i];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (*i + n > len) {
        /* Not valid UTF-8 after all: take the byte alone. */
        (*i)++;
        return 0xFFFD;
    }
    if (n > 1) {
        c &= n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07;
        for (size_t k = 1; k < n; k++)
            c = (c << 6) | (s[*i + k] & 0x3F);
    }
    *i += n;
    return c;
}

size_t hu_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

int hu_utf8_put(struct hu_buf *out, uint32_t c)
{
    char b[4];
    size_t n;
    if (c < 0x80) {
        b[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        b[0] = (char)(0xC0 | (c >> 6));
        b[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        b[0] = (char)(0xE0 | (c >> 12));
        b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (c >> 18));
        b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return hu_buf_append(out, b, n);
}

static bool hu_text_space(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

/* Characters removed outright: controls, bidirectional controls (which can
 * make "gnp.exe" read "exe.png", or spill right-to-left order onto the rest
 * of a page) and invisible format characters (which make two answers that
 * look the same count apart). */
static bool hu_text_dropped(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || c == 0x061C || c == 0x180E ||
           c == 0x200B || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB);
}

int hu_text_clean(const char *s, size_t len, size_t max_chars, struct hu_buf *out)
{
    if (!hu_utf8_valid(s, len))
        return HU_ERR_BAD_MESSAGE;
    size_t chars = 0, i = 0;
    bool space = false;
    size_t start = out->len;
    while (i < len) {
        uint32_t c = hu_utf8_next(s, len, &i);
        if (hu_text_space(c)) {
            space = out->len > start;
            continue;
        }
        if (hu_text_dropped(c))
            continue;
        int rc = HU_OK;
        if (space) {
            rc = hu_buf_append(out, " ", 1);
            chars++;
            space = false;
        }
        if (rc == HU_OK)
            rc = hu_utf8_put(out, c);
        if (rc != HU_OK)
            return rc == HU_ERR_TOO_LARGE ? HU_ERR_TOO_LONG : rc;
        /* Counted as it goes, so a long text stops early. */
        if (++chars > max_chars)
            return HU_ERR_TOO_LONG;
    }
    return out->len > start ? HU_OK : HU_ERR_BAD_MESSAGE;
}

uint32_t hu_fold_char(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 32;
    if (c == 0x130)
        return 'i'; /* the dotted capital I's simple lower case */
    if (c >= 0x100 && c <= 0x17F) {
        if ((c <= 0x137 || (c >= 0x14A && c <= 0x177)) && c % 2 == 0)
            return c + 1;
        if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) && c % 2 == 1)
            return c + 1;
        return c == 0x178 ? 0xFF : c;
    }
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
        return c + 32;
    if (c == 0x386)
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 37;
    if (c == 0x38C)
        return 0x3CC;
    if (c == 0x38E || c == 0x38F)
        return c + 63;
    if (c >= 0x410 && c <= 0x42F)
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    if (c >= 0x531 && c <= 0x556)
        return c + 48;
    if (c >= 0x1E00 && c <= 0x1EFF && c % 2 == 0 && !(c >= 0x1E96 && c <= 0x1E9F))
        return c + 1;
    if (c >= 0xFF21 && c <= 0xFF3A)
        return c + 32;
    return c;
}

int hu_text_fold(const char *s, size_t len, struct hu_buf *out)
{
    size_t i = 0;
    int rc = HU_OK;
    while (rc == HU_OK && i < len) {
        uint32_t c = hu_utf8_next(s, len, &i);
        if (c == 0x200C || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F))
            continue;
        rc = hu_utf8_put(out, hu_fold_char(c));
    }
    return rc;
}
