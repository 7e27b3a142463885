/* deck_emoji.c -- ":smile:" becomes the emoji, as Marp shows it.
 *
 * markdown-it-emoji (Marp's) replaces a known shortcode in text, not in
 * code, when no letter or digit is glued before it ("http://x:smile:" stays);
 * so does this, on the text nodes of a parsed slide, after adjacent text
 * nodes are merged (cmark leaves "_" of ":white_check_mark:" a node of its
 * own).  Unknown shortcodes stay as typed. */
#include "deck_emoji.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hu_err.h"
#include "deck_impl.h"

static int deck_emoji_cmp(const void *key, const void *elem)
{
    const struct deck_emoji *k = key, *e = elem;
    return strcmp(k->name, e->name);
}

const char *deck_emoji_find(const char *name, unsigned len)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return NULL;
    memcpy(buf, name, len);
    buf[len] = '\0';
    struct deck_emoji key = {buf, NULL};
    const struct deck_emoji *e = bsearch(&key, deck_emoji_table, deck_emoji_count, sizeof *e, deck_emoji_cmp);
    return e ? e->utf8 : NULL;
}

static bool deck_emoji_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' ||
           ch == '-';
}

static bool deck_emoji_alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* The literal with shortcodes replaced into out; *changed says whether any was. */
static int deck_emoji_text(const char *s, struct hu_buf *out, bool *changed)
{
    size_t len = strlen(s), from = 0;
    *changed = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != ':' || (i > 0 && deck_emoji_alnum(s[i - 1])))
            continue;
        size_t j = i + 1;
        while (j < len && j - i <= 60 && deck_emoji_name_char(s[j]))
            j++;
        if (j >= len || s[j] != ':' || j == i + 1)
            continue;
        const char *e = deck_emoji_find(s + i + 1, (unsigned)(j - i - 1));
        if (!e)
            continue;
        int rc = hu_buf_append(out, s + from, i - from);
        if (rc == HU_OK)
            rc = hu_buf_append(out, e, strlen(e));
        if (rc != HU_OK)
            return rc;
        *changed = true;
        from = j + 1;
        i = j;
    }
    return *changed ? hu_buf_append(out, s + from, len - from) : HU_OK;
}

int deck_emoji_replace(cmark_node *doc)
{
    cmark_consolidate_text_nodes(doc);
    cmark_iter *it = cmark_iter_new(doc);
    if (!it)
        return HU_ERR_NOMEM;
    int rc = HU_OK;
    cmark_event_type ev;
    while (rc == HU_OK && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        const char *lit;
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_TEXT ||
            !(lit = cmark_node_get_literal(n)) || !strchr(lit, ':'))
            continue;
        struct hu_buf b;
        bool changed;
        hu_buf_init(&b, HU_DECK_MAX_BYTES);
        rc = deck_emoji_text(lit, &b, &changed);
        if (rc == HU_OK && changed && !cmark_node_set_literal(n, b.data))
            rc = HU_ERR_NOMEM;
        hu_buf_free(&b);
    }
    cmark_iter_free(it);
    return rc;
}
