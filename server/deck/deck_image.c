/* deck_image.c -- images and fragmented lists of a slide, as Marp has them.
 *
 * Marp reads keywords in an image's alt text: "bg" makes it a background
 * ("left", "right", "left:40%" split the slide; "contain", "cover", "fit",
 * "auto", "50%" size it), "w:300" / "h:200" (and "width:", "height:") size
 * an inline image.  The keywords are taken out of the alt text, so they
 * never reach a title.  Backgrounds leave the flow (sl->bgs); every other
 * image becomes an <img> written here (cmark's has no size), its source the
 * "hu-media:N" mark of deck_media.c.  Image filters ("sepia", "blur:4px")
 * are warned about and not applied.
 *
 * Fragmented lists: Marp reveals the items of "*" bullet lists and of
 * "1)" numbered lists one by one.  Each such item gets an empty marker
 * element first, so the pages can find and hide the item without the list's
 * layout changing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hu_err.h"
#include "deck_impl.h"

#define DECK_FRAGMENT_MARK "<span class=\"hu-fragment\" aria-hidden=\"true\"></span>"

struct deck_kw {
    bool bg;
    enum deck_split split;
    int split_pct;
    char size[8];
    char w[16], h[16];      /* CSS lengths, "" when not given */
    char filter[32];        /* the first unsupported keyword, for the warning */
    struct hu_buf alt;      /* the words that are not keywords */
};

static bool deck_kw_is(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && memcmp(w, kw, n) == 0;
}

/* "40%" or "12.5%": true with the rounded integer in *pct (0..999). */
static bool deck_kw_pct(const char *w, size_t n, int *pct)
{
    if (n < 2 || w[n - 1] != '%')
        return false;
    int v = 0;
    size_t i = 0;
    for (; i < n - 1 && w[i] >= '0' && w[i] <= '9'; i++)
        if ((v = v * 10 + (w[i] - '0')) > 999)
            return false;
    if (i == 0)
        return false;
    if (i < n - 1 && w[i] == '.') {
        for (i++; i < n - 1 && w[i] >= '0' && w[i] <= '9'; i++) {
        }
    }
    *pct = v;
    return i == n - 1;
}

/* A CSS length for w:/h: ("300", "300px", "50%", "12em"), copied to out. */
static bool deck_kw_length(const char *v, size_t n, char *out, size_t outlen)
{
    static const char *const units[] = {"", "px", "%", "em", "rem", "vw", "vh", "pt", "cm", "mm", "in"};
    size_t i = 0;
    while (i < n && ((v[i] >= '0' && v[i] <= '9') || v[i] == '.'))
        i++;
    if (i == 0 || n >= outlen)
        return false;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
        if (deck_kw_is(v + i, n - i, units[u])) {
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
    return false;
}

static bool deck_kw_filter(const char *w, size_t n)
{
    static const char *const filters[] = {"blur", "brightness", "contrast", "drop-shadow", "grayscale",
                                          "hue-rotate", "invert", "opacity", "saturate", "sepia", "vertical"};
    size_t name = strcspn(w, ":");
    if (name > n)
        name = n;
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
        if (deck_kw_is(w, name, filters[i]))
            return true;
    return false;
}

/* Reads alt's words into kw. */
static int deck_kw_parse(const char *alt, struct deck_kw *kw)
{
    memset(kw, 0, sizeof *kw);
    hu_buf_init(&kw->alt, HU_DECK_MAX_BYTES);
    kw->split_pct = 50;
    /* "bg" first: "left" and sizes are keywords only on a background. */
    for (const char *p = alt; *p;) {
        p += strspn(p, " \t\n");
        size_t n = strcspn(p, " \t\n");
        kw->bg = kw->bg || deck_kw_is(p, n, "bg");
        p += n;
    }
    int rc = HU_OK;
    for (const char *p = alt; *p && rc == HU_OK;) {
        p += strspn(p, " \t\n");
        size_t n = strcspn(p, " \t\n");
        if (n == 0)
            break;
        const char *w = p;
        int pct;
        p += n;
        if (deck_kw_is(w, n, "bg"))
            continue;
        if (kw->bg && (deck_kw_is(w, n, "left") || deck_kw_is(w, n, "right") ||
                       (n > 5 && memcmp(w, "left:", 5) == 0) || (n > 6 && memcmp(w, "right:", 6) == 0))) {
            bool left = w[0] == 'l';
            size_t at = left ? 4 : 5;
            if (n > at && !(deck_kw_pct(w + at + 1, n - at - 1, &pct) && pct >= 1 && pct <= 99))
                goto text;
            kw->split = left ? DECK_SPLIT_LEFT : DECK_SPLIT_RIGHT;
            if (n > at)
                kw->split_pct = pct;
            continue;
        }
        if (kw->bg && (deck_kw_is(w, n, "contain") || deck_kw_is(w, n, "cover") || deck_kw_is(w, n, "auto") ||
                       deck_kw_is(w, n, "fit"))) {
            snprintf(kw->size, sizeof kw->size, "%.*s", (int)n, deck_kw_is(w, n, "fit") ? "contain" : w);
            if (deck_kw_is(w, n, "fit"))
                snprintf(kw->size, sizeof kw->size, "contain");
            continue;
        }
        if (kw->bg && deck_kw_pct(w, n, &pct)) {
            snprintf(kw->size, sizeof kw->size, "%d%%", pct);
            continue;
        }
        size_t colon = strcspn(w, ":");
        if (colon < n && (deck_kw_is(w, colon, "w") || deck_kw_is(w, colon, "width") || deck_kw_is(w, colon, "h") ||
                          deck_kw_is(w, colon, "height"))) {
            char *dst = w[0] == 'w' ? kw->w : kw->h;
            if (deck_kw_length(w + colon + 1, n - colon - 1, dst, sizeof kw->w))
                continue;
        }
        if (deck_kw_filter(w, n)) {
            if (!kw->filter[0])
                snprintf(kw->filter, sizeof kw->filter, "%.*s", (int)(n < 30 ? n : 30), w);
            continue;
        }
    text:
        if (kw->alt.len)
            rc = hu_buf_append(&kw->alt, " ", 1);
        if (rc == HU_OK)
            rc = hu_buf_append(&kw->alt, w, n);
    }
    return rc;
}

/* The alt text of an image node: its text, flattened. */
static char *deck_image_alt(cmark_node *img)
{
    struct hu_buf b;
    hu_buf_init(&b, HU_DECK_MAX_BYTES);
    cmark_iter *it = cmark_iter_new(img);
    bool ok = it != NULL;
    cmark_event_type ev;
    while (ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        const char *lit = cmark_node_get_literal(n);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if ((t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) && lit)
            ok = hu_buf_append(&b, lit, strlen(lit)) == HU_OK;
        else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            ok = hu_buf_append(&b, " ", 1) == HU_OK;
    }
    if (it)
        cmark_iter_free(it);
    char *s = ok ? hu_buf_steal(&b) : NULL;
    if (ok && !s)
        s = strdup("");
    hu_buf_free(&b);
    return s;
}

/* An inline data: image that cmark's safe mode would keep. */
static bool deck_data_image(const char *url)
{
    static const char *const ok[] = {"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strncasecmp(url, ok[i], strlen(ok[i])) == 0)
            return true;
    return false;
}

static bool deck_px(const char *len)
{
    size_t n = strspn(len, "0123456789");
    return n > 0 && (len[n] == '\0' || strcmp(len + n, "px") == 0);
}

/* The <img> of an inline image: media index (or a data: URL), alt, sizes. */
static int deck_image_html(struct hu_buf *b, int media, const char *data_url, const struct deck_kw *kw)
{
    char num[32];
    int rc = hu_buf_append(b, "<img src=\"", 10);
    if (rc == HU_OK && media >= 0) {
        snprintf(num, sizeof num, "hu-media:%d", media);
        rc = hu_buf_append(b, num, strlen(num));
    } else if (rc == HU_OK && data_url) {
        rc = deck_html_escape(b, data_url, strlen(data_url));
    }
    if (rc == HU_OK)
        rc = hu_buf_append(b, "\" alt=\"", 7);
    if (rc == HU_OK)
        rc = deck_html_escape(b, kw->alt.data ? kw->alt.data : "", kw->alt.len);
    rc = rc == HU_OK ? hu_buf_append(b, "\"", 1) : rc;
    const char *dims[2][3] = {{kw->w, " width=\"", " data-w=\""}, {kw->h, " height=\"", " data-h=\""}};
    for (int i = 0; i < 2 && rc == HU_OK; i++) {
        const char *v = dims[i][0];
        if (!v[0])
            continue;
        const char *attr = deck_px(v) ? dims[i][1] : dims[i][2];
        size_t n = deck_px(v) ? strspn(v, "0123456789") : strlen(v);
        rc = hu_buf_append(b, attr, strlen(attr));
        if (rc == HU_OK)
            rc = deck_html_escape(b, v, n);
        if (rc == HU_OK)
            rc = hu_buf_append(b, "\"", 1);
    }
    return rc == HU_OK ? hu_buf_append(b, ">", 1) : rc;
}

static int deck_bg_add(struct deck_slide *sl, int media, const struct deck_kw *kw)
{
    struct deck_bg *p = realloc(sl->bgs, (sl->n_bgs + 1) * sizeof *p);
    if (!p)
        return HU_ERR_NOMEM;
    sl->bgs = p;
    p = &sl->bgs[sl->n_bgs++];
    memset(p, 0, sizeof *p);
    p->media = media;
    snprintf(p->size, sizeof p->size, "%s", kw->size[0] ? kw->size : "cover");
    if (kw->split != DECK_SPLIT_NONE && sl->split == DECK_SPLIT_NONE) {
        sl->split = kw->split;
        sl->split_pct = kw->split_pct;
    }
    return HU_OK;
}

/* One image node: a background (removed) or our <img> (replaced). */
static int deck_image_one(struct deck_ctx *c, cmark_node *img, const struct deck_lines *lines, struct deck_slide *sl)
{
    int line = deck_file_line(lines, cmark_node_get_start_line(img));
    const char *url = cmark_node_get_url(img);
    char *alt = deck_image_alt(img);
    struct deck_kw kw;
    if (!alt)
        return HU_ERR_NOMEM;
    int rc = deck_kw_parse(alt, &kw);
    free(alt);
    if (rc == HU_OK && kw.filter[0])
        rc = deck_warnf(c, line, "image keyword \"%s\" is not supported; the image is shown without it", kw.filter);
    bool nomem = false, data = url && deck_data_image(url) && !kw.bg;
    int media = rc == HU_OK && url && url[0] && !data ? deck_media_ref(c, url, line, &nomem) : -1;
    if (nomem)
        rc = HU_ERR_NOMEM;
    if (rc == HU_OK && kw.bg) {
        if (media >= 0)
            rc = deck_bg_add(sl, media, &kw);
        cmark_node_free(img);
    } else if (rc == HU_OK) {
        struct hu_buf html;
        hu_buf_init(&html, HU_DECK_MAX_BYTES);
        cmark_node *ci = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
        /* An image that cannot be shown leaves its alt text (and the warning). */
        if (ci && media < 0 && !data)
            rc = hu_buf_append(&html, "<span class=\"hu-missing-image\">", 31) == HU_OK &&
                         deck_html_escape(&html, kw.alt.data ? kw.alt.data : "", kw.alt.len) == HU_OK &&
                         hu_buf_append(&html, "</span>", 7) == HU_OK
                     ? HU_OK
                     : HU_ERR_NOMEM;
        else
            rc = ci ? deck_image_html(&html, media, data ? url : NULL, &kw) : HU_ERR_NOMEM;
        if (rc == HU_OK && (!cmark_node_set_on_enter(ci, html.data) || !cmark_node_replace(img, ci)))
            rc = HU_ERR_NOMEM;
        if (rc == HU_OK)
            cmark_node_free(img);
        else if (ci)
            cmark_node_free(ci);
        hu_buf_free(&html);
    }
    hu_buf_free(&kw.alt);
    return rc;
}

/* A paragraph with nothing but white space and line breaks left. */
static bool deck_para_empty(cmark_node *p)
{
    for (cmark_node *n = cmark_node_first_child(p); n; n = cmark_node_next(n)) {
        cmark_node_type t = cmark_node_get_type(n);
        const char *lit = cmark_node_get_literal(n);
        if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            continue;
        if (t != CMARK_NODE_TEXT || (lit && lit[strspn(lit, " \t")] != '\0'))
            return false;
    }
    return true;
}

/* Every node of type t under doc, in document order, into *out (malloc'd;
 * *n of them): collected first, as an iterator must not see the tree change. */
static int deck_nodes_of(cmark_node *doc, cmark_node_type t, cmark_node ***out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    cmark_iter *it = cmark_iter_new(doc);
    int rc = it ? HU_OK : HU_ERR_NOMEM;
    cmark_event_type ev;
    while (rc == HU_OK && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != t)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            cmark_node **p = realloc(*out, cap * sizeof *p);
            if (!p) {
                rc = HU_ERR_NOMEM;
                break;
            }
            *out = p;
        }
        (*out)[(*n)++] = node;
    }
    if (it)
        cmark_iter_free(it);
    return rc;
}

int deck_images(struct deck_ctx *c, cmark_node *doc, const struct deck_lines *lines, struct deck_slide *sl)
{
    cmark_node **imgs, **paras = NULL;
    size_t n, np = 0;
    int rc = deck_nodes_of(doc, CMARK_NODE_IMAGE, &imgs, &n);
    if (rc == HU_OK && n && !(paras = malloc(n * sizeof *paras)))
        rc = HU_ERR_NOMEM;
    /* An image inside another's alt text ("![a ![b](x)](y)") goes with the
     * outer one: dropped from the list while the tree is whole, since
     * handling the outer one frees it. */
    for (size_t i = 0; rc == HU_OK && i < n; i++)
        for (cmark_node *a = cmark_node_parent(imgs[i]); a; a = cmark_node_parent(a))
            if (cmark_node_get_type(a) == CMARK_NODE_IMAGE) {
                imgs[i] = NULL;
                break;
            }
    for (size_t i = 0; rc == HU_OK && i < n; i++) {
        if (!imgs[i])
            continue;
        cmark_node *parent = cmark_node_parent(imgs[i]);
        rc = deck_image_one(c, imgs[i], lines, sl);
        if (rc == HU_OK && parent && cmark_node_get_type(parent) == CMARK_NODE_PARAGRAPH &&
            (np == 0 || paras[np - 1] != parent))
            paras[np++] = parent;
    }
    for (size_t i = 0; rc == HU_OK && i < np; i++)
        if (deck_para_empty(paras[i]))
            cmark_node_free(paras[i]);
    free(imgs);
    free(paras);
    return rc;
}

/* The character at 1-based (line, column) of the slide text, or 0. */
static char deck_char_at(const char *text, const size_t *starts, size_t n, int line, int col)
{
    if (line < 1 || (size_t)line > n || col < 1)
        return 0;
    size_t at = starts[line - 1] + (size_t)col - 1;
    size_t end = (size_t)line < n ? starts[line] : strlen(text);
    return at < end ? text[at] : 0;
}

int deck_fragments(cmark_node *doc, const char *text, const size_t *starts, size_t n, int *count)
{
    *count = 0;
    cmark_node **items;
    size_t all, k = 0;
    int rc = deck_nodes_of(doc, CMARK_NODE_ITEM, &items, &all);
    for (size_t i = 0; rc == HU_OK && i < all; i++) {
        cmark_node *list = cmark_node_parent(items[i]);
        bool frag = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST
                        ? cmark_node_get_list_delim(list) == CMARK_PAREN_DELIM
                        : deck_char_at(text, starts, n, cmark_node_get_start_line(items[i]),
                                       cmark_node_get_start_column(items[i])) == '*';
        if (frag)
            items[k++] = items[i];
    }
    for (size_t i = 0; rc == HU_OK && i < k; i++) {
        cmark_node *mark = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
        if (!mark || !cmark_node_set_on_enter(mark, DECK_FRAGMENT_MARK) || !cmark_node_prepend_child(items[i], mark)) {
            if (mark)
                cmark_node_free(mark);
            rc = HU_ERR_NOMEM;
        }
    }
    free(items);
    if (rc == HU_OK)
        *count = (int)k;
    return rc;
}
