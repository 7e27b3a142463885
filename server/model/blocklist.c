/* blocklist.c -- a hash set of folded words and phrases, and the word walk
 * that looks a text's words and word runs up in it. */
#include "blocklist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "base/hu_text.h"

#define BLOCKLIST_ENTRY_MAX 200   /* bytes of one folded entry */
#define BLOCKLIST_WORDS_MAX 8     /* words in one phrase */

/* blocklist_words.c */
extern const char *const blocklist_builtin_words[];
extern const size_t blocklist_builtin_count;

struct blocklist_entry {
    struct blocklist_entry *next;
    uint32_t hash;
    size_t len;
    char text[]; /* folded, single spaces, a trailing "*" for a prefix */
};

struct blocklist {
    struct blocklist_entry **buckets; /* From malloc() */
    size_t n_buckets;                 /* power of two */
    size_t n;
    unsigned max_words;               /* longest phrase, in words */
};

struct blocklist *blocklist_new(void)
{
    struct blocklist *bl = calloc(1, sizeof *bl);
    if (!bl)
        return NULL;
    bl->n_buckets = 256;
    bl->buckets = calloc(bl->n_buckets, sizeof *bl->buckets);
    if (!bl->buckets) {
        free(bl);
        return NULL;
    }
    return bl;
}

void blocklist_free(struct blocklist *bl)
{
    if (!bl)
        return;
    for (size_t i = 0; i < bl->n_buckets; i++)
        for (struct blocklist_entry *e = bl->buckets[i]; e;) {
            struct blocklist_entry *next = e->next;
            free(e);
            e = next;
        }
    free(bl->buckets);
    free(bl);
}

size_t blocklist_size(const struct blocklist *bl) { return bl ? bl->n : 0; }

static uint32_t blocklist_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static bool blocklist_has(const struct blocklist *bl, const char *s, size_t len)
{
    uint32_t h = blocklist_hash(s, len);
    for (const struct blocklist_entry *e = bl->buckets[h & (bl->n_buckets - 1)]; e; e = e->next)
        if (e->hash == h && e->len == len && memcmp(e->text, s, len) == 0)
            return true;
    return false;
}

static int blocklist_grow(struct blocklist *bl)
{
    size_t n = bl->n_buckets * 2;
    struct blocklist_entry **b = calloc(n, sizeof *b);
    if (!b)
        return HU_ERR_NOMEM;
    for (size_t i = 0; i < bl->n_buckets; i++)
        for (struct blocklist_entry *e = bl->buckets[i]; e;) {
            struct blocklist_entry *next = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
            e = next;
        }
    free(bl->buckets);
    bl->buckets = b;
    bl->n_buckets = n;
    return HU_OK;
}

/* Letters and digits make words; punctuation, symbols, spaces and emoji
 * (including the non-ASCII ones: curly quotes, dashes) separate them. */
static bool blocklist_word_char(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return !((c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) ||
             (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF0F) ||
             (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
             c >= 0x1F000);
}

/* The next word of s[0..len) from *i: its span in *start and *end (byte
 * offsets); false when there is none. */
static bool blocklist_next_word(const char *s, size_t len, size_t *i, size_t *start, size_t *end)
{
    size_t at = *i;
    while (at < len) {
        size_t before = at;
        if (blocklist_word_char(hu_utf8_next(s, len, &at))) {
            *start = before;
            *end = at;
            while (at < len) {
                size_t here = at;
                if (!blocklist_word_char(hu_utf8_next(s, len, &at))) {
                    at = here;
                    break;
                }
                *end = at;
            }
            *i = at;
            return true;
        }
    }
    *i = at;
    return false;
}

/* Adds one entry: cleaned, folded, its words joined by single spaces. */
static int blocklist_add(struct blocklist *bl, const char *s, size_t len)
{
    struct hu_buf clean, fold, words;
    hu_buf_init(&clean, BLOCKLIST_ENTRY_MAX * 4);
    hu_buf_init(&fold, BLOCKLIST_ENTRY_MAX * 4);
    hu_buf_init(&words, BLOCKLIST_ENTRY_MAX);
    int rc = hu_text_clean(s, len, BLOCKLIST_ENTRY_MAX, &clean);
    if (rc == HU_OK)
        rc = hu_text_fold(clean.data, clean.len, &fold);
    unsigned n_words = 0;
    bool prefix = rc == HU_OK && fold.len > 1 && fold.data[fold.len - 1] == '*';
    size_t i = 0, start, end;
    while (rc == HU_OK && blocklist_next_word(fold.data, fold.len, &i, &start, &end)) {
        if (n_words++)
            rc = hu_buf_append(&words, " ", 1);
        if (rc == HU_OK)
            rc = hu_buf_append(&words, fold.data + start, end - start);
    }
    if (rc == HU_OK && prefix)
        rc = hu_buf_append(&words, "*", 1);
    /* A line of punctuation only, a phrase too long: nothing to match. */
    if (rc != HU_OK || n_words == 0 || n_words > BLOCKLIST_WORDS_MAX || blocklist_has(bl, words.data, words.len)) {
        rc = rc == HU_ERR_NOMEM ? rc : HU_OK;
        goto out;
    }
    if (bl->n >= bl->n_buckets && (rc = blocklist_grow(bl)) != HU_OK)
        goto out;
    struct blocklist_entry *e = malloc(sizeof *e + words.len + 1);
    if (!e) {
        rc = HU_ERR_NOMEM;
        goto out;
    }
    e->len = words.len;
    memcpy(e->text, words.data, words.len + 1);
    e->hash = blocklist_hash(e->text, e->len);
    e->next = bl->buckets[e->hash & (bl->n_buckets - 1)];
    bl->buckets[e->hash & (bl->n_buckets - 1)] = e;
    bl->n++;
    if (n_words > bl->max_words)
        bl->max_words = n_words;
out:
    hu_buf_free(&clean);
    hu_buf_free(&fold);
    hu_buf_free(&words);
    return rc;
}

int blocklist_add_builtin(struct blocklist *bl)
{
    for (size_t i = 0; i < blocklist_builtin_count; i++) {
        int rc = blocklist_add(bl, blocklist_builtin_words[i], strlen(blocklist_builtin_words[i]));
        if (rc)
            return rc;
    }
    return HU_OK;
}

int blocklist_add_text(struct blocklist *bl, const char *text, size_t len, bool *replace_builtin, int *bad_line)
{
    int line = 0;
    *replace_builtin = false;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - i;
        const char *s = text + i;
        line++;
        i = end + 1;
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        if (!hu_utf8_valid(s, n)) {
            *bad_line = line;
            return HU_ERR_PARSE;
        }
        if (n == 0 || *s == '#')
            continue;
        if (n == 8 && memcmp(s, "-builtin", 8) == 0) {
            *replace_builtin = true;
            continue;
        }
        int rc = blocklist_add(bl, s, n);
        if (rc)
            return rc;
    }
    return HU_OK;
}

bool blocklist_match(const struct blocklist *bl, const char *text, size_t len)
{
    if (!bl || bl->n == 0)
        return false;
    struct hu_buf fold;
    hu_buf_init(&fold, HU_MSG_MAX * 2);
    if (hu_text_fold(text, len, &fold) != HU_OK || !fold.data) {
        hu_buf_free(&fold);
        return false;
    }
    /* The words of the text, then each word and each run of up to
     * max_words words, looked up as they would be written in the list. */
    size_t starts[HU_MSG_MAX / 2], ends[HU_MSG_MAX / 2], n = 0;
    for (size_t i = 0; n < sizeof starts / sizeof starts[0] &&
                       blocklist_next_word(fold.data, fold.len, &i, &starts[n], &ends[n]);)
        n++;
    bool hit = false;
    char phrase[BLOCKLIST_ENTRY_MAX + 2];
    for (size_t w = 0; w < n && !hit; w++) {
        size_t wl = ends[w] - starts[w];
        /* Prefix entries: "idiot*" for every prefix of the word. */
        for (size_t k = 1; k <= wl && k <= BLOCKLIST_ENTRY_MAX && !hit; k++) {
            memcpy(phrase, fold.data + starts[w], k);
            phrase[k] = '*';
            hit = blocklist_has(bl, phrase, k + 1);
        }
        size_t plen = 0;
        for (size_t k = 0; k < bl->max_words && w + k < n && !hit; k++) {
            size_t l = ends[w + k] - starts[w + k];
            if (plen + l + 1 > BLOCKLIST_ENTRY_MAX)
                break;
            if (k)
                phrase[plen++] = ' ';
            memcpy(phrase + plen, fold.data + starts[w + k], l);
            plen += l;
            hit = blocklist_has(bl, phrase, plen);
        }
    }
    hu_buf_free(&fold);
    return hit;
}
