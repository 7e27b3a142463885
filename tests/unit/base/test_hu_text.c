/* test_hu_text.c -- participants' free text (server/base/hu_text.c): UTF-8
 * checks, cleaning of controls, bidirectional and invisible characters,
 * white space, lengths in characters, and the case folding of cloud keys. */
#include <string.h>

#include "../check.h"
#include "base/buf.h"
#include "base/hu_err.h"
#include "base/hu_text.h"

/* Cleans s (max characters) and compares with want; NULL want: expect err. */
static void clean(const char *s, size_t max, int err, const char *want)
{
    struct hu_buf b;
    hu_buf_init(&b, 4096);
    int rc = hu_text_clean(s, strlen(s), max, &b);
    CHECK(rc == err);
    if (rc == HU_OK && want)
        CHECK_STR(b.data, want);
    if (rc != err)
        fprintf(stderr, "  clean(\"%s\"): %d, expected %d\n", s, rc, err);
    hu_buf_free(&b);
}

static const char *fold(const char *s)
{
    static char out[256];
    struct hu_buf b;
    hu_buf_init(&b, 1024);
    CHECK(hu_text_fold(s, strlen(s), &b) == HU_OK);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    hu_buf_free(&b);
    return out;
}

int main(void)
{
    /* RFC 3629: what is UTF-8 and what is not. */
    CHECK(hu_utf8_valid("", 0));
    CHECK(hu_utf8_valid("caf\xc3\xa9 \xf0\x9f\x91\x8d", 10));
    CHECK(!hu_utf8_valid("\xff", 1));
    CHECK(!hu_utf8_valid("\xc0\x80", 2));         /* overlong NUL */
    CHECK(!hu_utf8_valid("\xe0\x80\xaf", 3));     /* overlong slash */
    CHECK(!hu_utf8_valid("\xed\xa0\x80", 3));     /* a surrogate */
    CHECK(!hu_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    CHECK(!hu_utf8_valid("\xe2\x82", 2));         /* cut short */
    CHECK(!hu_utf8_valid("a\0b", 3));             /* NUL */
    CHECK(hu_utf8_chars("caf\xc3\xa9", 5) == 4);

    /* White space collapses, the ends are trimmed. */
    clean("  Trust \t\n  me  ", 140, HU_OK, "Trust me");
    clean("a\xc2\xa0\xe3\x80\x80" "b", 140, HU_OK, "a b");
    /* Controls, bidirectional and invisible characters go. */
    clean("\x1b[31mred\x07", 140, HU_OK, "[31mred");
    clean("\xe2\x80\xae" "gnp.exe", 140, HU_OK, "gnp.exe");                        /* U+202E */
    clean("a\xe2\x81\xa6" "b\xe2\x81\xa9" "c\xe2\x80\x8f", 140, HU_OK, "abc");    /* U+2066, 2069, 200F */
    clean("tr\xe2\x80\x8bust\xc2\xad\xef\xbb\xbf", 140, HU_OK, "trust");          /* U+200B, AD, FEFF */
    clean("\xc2\x85x\xc2\x9b", 140, HU_OK, "x");                                   /* C1 controls */
    /* Joiners stay: an emoji family, a Persian word. */
    clean("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", 140, HU_OK, "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9");
    clean("\xd9\x85\xe2\x80\x8c\xd9\x8a", 140, HU_OK, "\xd9\x85\xe2\x80\x8c\xd9\x8a");
    /* Nothing left, or not UTF-8: refused. */
    clean("", 140, HU_ERR_BAD_MESSAGE, NULL);
    clean(" \t\xe2\x80\x8b\xe2\x80\xae ", 140, HU_ERR_BAD_MESSAGE, NULL);
    clean("ok\xff", 140, HU_ERR_BAD_MESSAGE, NULL);
    /* Lengths are characters once cleaned: 3 emoji fit in 3, 4 letters do not. */
    clean("\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d", 3, HU_OK, NULL);
    clean("abcd", 3, HU_ERR_TOO_LONG, NULL);
    clean("  abc   ", 3, HU_OK, "abc");
    clean("a b", 2, HU_ERR_TOO_LONG, NULL);

    /* Folding for the cloud: one key for every spelling of a word. */
    CHECK_STR(fold("TRUST"), "trust");
    CHECK_STR(fold("Caf\xc3\x89"), "caf\xc3\xa9");                         /* É */
    CHECK_STR(fold("\xc5\xb4" "y"), "\xc5\xb5" "y");                        /* Welsh Ŵ */
    CHECK_STR(fold("\xce\x9b\xce\x9f\xce\x93\xce\x9f\xce\xa3"), "\xce\xbb\xce\xbf\xce\xb3\xce\xbf\xcf\x83"); /* ΛΟΓΟΣ */
    CHECK_STR(fold("\xd0\x9c\xd0\x98\xd0\xa0"), "\xd0\xbc\xd0\xb8\xd1\x80"); /* МИР */
    CHECK_STR(fold("\xe2\x9d\xa4\xef\xb8\x8f"), "\xe2\x9d\xa4");           /* ❤️ and ❤ */
    CHECK_STR(fold("\xe6\x97\xa5\xe6\x9c\xac"), "\xe6\x97\xa5\xe6\x9c\xac"); /* no case: unchanged */
    CHECK(hu_fold_char(0xD7) == 0xD7 && hu_fold_char(0x178) == 0xFF && hu_fold_char(0x130) == 'i');
    return check_done();
}
