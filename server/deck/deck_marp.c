/* deck_marp.c -- Marp's directives that matter on a projector, and the
 * deck's look.
 *
 * Marp has three scopes (marpit.marp.app/directives): global directives
 * (theme, headingDivider ...) hold for the whole deck wherever they are
 * written, the last one winning; local ones (paginate, header, footer,
 * class, backgroundColor, backgroundImage, backgroundSize, color) hold from
 * the slide that sets them on, and in the front matter from the first slide;
 * a local one spelled with "_" (a spot directive) holds for its slide only.
 * Values are checked here, since they end up in pages: a bad one is a
 * warning and is ignored.  What a projector does not need (author, lang,
 * size ...) is accepted silently; what handsup does not do (style, math,
 * transitions) is a warning, never silence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hu_err.h"
#include "deck_impl.h"

static const char *const deck_mk_names[DECK_MK_COUNT] = {
    "paginate", "header", "footer", "class", "backgroundColor", "backgroundImage", "backgroundSize", "color",
};

/* Keys accepted and ignored: they describe the file, not the projection. */
static const char *const deck_marp_quiet[] = {"marp", "title", "description", "author", "image", "keywords",
                                              "url", "lang", "inlineSVG", "fit", "headingDivider", "theme",
                                              "pdf", "accent", "logo"};
/* Keys Marp knows that handsup does not do: a warning each. */
static const char *const deck_marp_unsupported[][2] = {
    {"style", "custom CSS (style) is not supported; the deck uses handsup's theme"},
    {"math", "math is not rendered; formulas show as typed"},
    {"size", "slide size is not supported; slides fill the projector"},
    {"transition", "slide transitions are not supported"},
    {"backgroundPosition", "backgroundPosition is not supported"},
    {"backgroundRepeat", "backgroundRepeat is not supported"},
};

static bool deck_word(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static int deck_mk_find(const char *key, size_t klen)
{
    for (int k = 0; k < DECK_MK_COUNT; k++)
        if (deck_word(key, klen, deck_mk_names[k]))
            return k;
    return -1;
}

bool deck_marp_key_known(const char *key, size_t klen)
{
    if (klen > 1 && key[0] == '_') {
        key++;
        klen--;
    }
    if (deck_mk_find(key, klen) >= 0)
        return true;
    for (size_t i = 0; i < sizeof deck_marp_quiet / sizeof deck_marp_quiet[0]; i++)
        if (deck_word(key, klen, deck_marp_quiet[i]))
            return true;
    for (size_t i = 0; i < sizeof deck_marp_unsupported / sizeof deck_marp_unsupported[0]; i++)
        if (deck_word(key, klen, deck_marp_unsupported[i][0]))
            return true;
    return false;
}

/* Drops a YAML " # comment" and quotes from a value. */
static void deck_marp_value(const char **v, size_t *n)
{
    while (*n && (**v == ' ' || **v == '\t')) {
        (*v)++;
        (*n)--;
    }
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i] == '#' && (i == 0 || (*v)[i - 1] == ' ' || (*v)[i - 1] == '\t')) {
            if (i == 0 || (**v != '"' && **v != '\''))
                *n = i;
            break;
        }
    while (*n && ((*v)[*n - 1] == ' ' || (*v)[*n - 1] == '\t'))
        (*n)--;
    if (*n >= 2 && ((**v == '"' && (*v)[*n - 1] == '"') || (**v == '\'' && (*v)[*n - 1] == '\''))) {
        (*v)++;
        *n -= 2;
    }
}

static bool deck_css_chars(const char *v, size_t n, const char *extra)
{
    for (size_t i = 0; i < n; i++) {
        char ch = v[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr(extra, ch)))
            return false;
    }
    return true;
}

/* "#abc", "#aabbcc(dd)", "navy", "rgb(0 0 0 / 50%)", "hsl(...)". */
static bool deck_css_color(const char *v, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    if (v[0] == '#')
        return (n == 4 || n == 5 || n == 7 || n == 9) && deck_css_chars(v + 1, n - 1, "") &&
               strspn(v + 1, "0123456789abcdefABCDEF") >= n - 1;
    size_t paren = strcspn(v, "(");
    if (paren >= n)
        return deck_css_chars(v, n, "");
    return (deck_word(v, paren, "rgb") || deck_word(v, paren, "rgba") || deck_word(v, paren, "hsl") ||
            deck_word(v, paren, "hsla")) &&
           v[n - 1] == ')' && deck_css_chars(v + paren + 1, n - paren - 2, " ,.%/-");
}

static bool deck_css_gradient(const char *v, size_t n)
{
    size_t paren = strcspn(v, "(");
    return n <= 400 && paren < n && v[n - 1] == ')' &&
           (deck_word(v, paren, "linear-gradient") || deck_word(v, paren, "radial-gradient") ||
            deck_word(v, paren, "repeating-linear-gradient")) &&
           deck_css_chars(v + paren + 1, n - paren - 2, " ,.%#()/-");
}

/* A checked value for key k into out (malloc'd, or NULL for "reset"), or
 * an explanation of what was expected. */
static const char *deck_mk_check(struct deck_ctx *c, int k, const char *v, size_t n, int line, char **out,
                                 bool *nomem)
{
    char buf[32];
    *out = NULL;
    switch (k) {
    case DECK_MK_PAGINATE:
        if (deck_word(v, n, "true") || deck_word(v, n, "yes") || deck_word(v, n, "on"))
            *out = strdup("true");
        else if (deck_word(v, n, "false") || deck_word(v, n, "no") || deck_word(v, n, "off"))
            *out = strdup("false");
        else
            return "true or false";
        break;
    case DECK_MK_CLASS:
        if (!deck_css_chars(v, n, " _-") || n > 200)
            return "class names (letters, digits, \"-\", \"_\")";
        break;
    case DECK_MK_BGCOLOR:
    case DECK_MK_COLOR:
        if (!deck_css_color(v, n))
            return "a colour such as #00703c, navy or rgb(0, 112, 60)";
        break;
    case DECK_MK_BGSIZE:
        if (!(deck_word(v, n, "cover") || deck_word(v, n, "contain") || deck_word(v, n, "auto") ||
              (n < 8 && n > 1 && v[n - 1] == '%' && strspn(v, "0123456789") == n - 1)))
            return "cover, contain, auto or a percentage";
        break;
    case DECK_MK_BGIMAGE:
        if (n > 5 && strncasecmp(v, "url(", 4) == 0 && v[n - 1] == ')') {
            const char *u = v + 4;
            size_t un = n - 5;
            deck_marp_value(&u, &un);
            char *url = strndup(u, un);
            int media = url ? deck_media_ref(c, url, line, nomem) : -1;
            *nomem = *nomem || !url;
            free(url);
            if (media < 0)
                return NULL; /* deck_media_ref said why */
            snprintf(buf, sizeof buf, "media:%d", media);
            *out = strdup(buf);
            break;
        }
        if (!deck_css_gradient(v, n))
            return "url(file) or a linear-gradient(...)";
        break;
    default:
        break; /* header, footer: any text */
    }
    if (!*out && n)
        *out = strndup(v, n);
    *nomem = *nomem || (n && !*out);
    return NULL;
}

static int deck_mk_set(struct deck_ctx *c, struct deck_marp_set *set, int k, const char *v, size_t n, int line)
{
    char *val;
    bool nomem = false;
    const char *expected = deck_mk_check(c, k, v, n, line, &val, &nomem);
    if (nomem)
        return HU_ERR_NOMEM;
    if (expected)
        return deck_warnf(c, line, "bad %s \"%.*s\" (expected %s); ignored", deck_mk_names[k], n > 64 ? 64 : (int)n, v,
                          expected);
    free(set->val[k]);
    set->val[k] = val;
    set->has[k] = true;
    return HU_OK;
}

/* "1".."6", "false", or "[1, 3]": the levels as a bit mask (bit L). */
static bool deck_divider(const char *v, size_t n, int *mask)
{
    *mask = 0;
    if (deck_word(v, n, "false") || deck_word(v, n, "off"))
        return true;
    if (n == 1 && v[0] >= '1' && v[0] <= '6') {
        for (int l = 1; l <= v[0] - '0'; l++)
            *mask |= 1 << l;
        return true;
    }
    if (n < 3 || v[0] != '[' || v[n - 1] != ']')
        return false;
    for (size_t i = 1; i + 1 < n; i++) {
        if (v[i] >= '1' && v[i] <= '6')
            *mask |= 1 << (v[i] - '0');
        else if (v[i] != ',' && v[i] != ' ')
            return false;
    }
    return *mask != 0;
}

/* theme: handsup's three, and Marp's own mapped to the nearest. */
static int deck_theme(struct deck_ctx *c, const char *v, size_t n, int line)
{
    if (deck_word(v, n, "dark"))
        c->res->theme = DECK_THEME_DARK;
    else if (deck_word(v, n, "contrast") || deck_word(v, n, "high-contrast"))
        c->res->theme = DECK_THEME_CONTRAST;
    else if (deck_word(v, n, "light") || deck_word(v, n, "default") || deck_word(v, n, "gaia") ||
             deck_word(v, n, "uncover"))
        c->res->theme = DECK_THEME_LIGHT;
    else
        return deck_warnf(c, line, "unknown theme \"%.*s\" (expected light, dark or contrast); using light",
                          n > 64 ? 64 : (int)n, v);
    return HU_OK;
}

void deck_marp_scan_comment(struct deck_ctx *c, const char *body, size_t len)
{
    static const char key[] = "headingDivider";
    for (const char *p = body, *end = body + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end, *s = p;
        p = nl ? nl + 1 : end;
        while (s < e && (*s == ' ' || *s == '\t' || *s == '-'))
            s++;
        size_t n = (size_t)(e - s);
        if (n <= sizeof key || strncmp(s, key, sizeof key - 1) != 0)
            continue;
        const char *v = s + sizeof key - 1;
        while (v < e && (*v == ' ' || *v == '\t'))
            v++;
        if (v == e || *v != ':')
            continue;
        v++;
        while (v < e && (*v == ' ' || *v == '\t'))
            v++;
        size_t vn = (size_t)(e - v);
        deck_marp_value(&v, &vn);
        int mask;
        if (deck_divider(v, vn, &mask))
            c->res->heading_divider = mask;
    }
}

int deck_marp_directive(struct deck_ctx *c, struct deck_directives *d, const char *key, size_t klen,
                        const char *val, size_t vlen, int line)
{
    bool spot = klen > 1 && key[0] == '_';
    if (spot) {
        key++;
        klen--;
    }
    deck_marp_value(&val, &vlen);
    int k = deck_mk_find(key, klen);
    if (k >= 0)
        return deck_mk_set(c, spot ? &d->spot : &d->local, k, val, vlen, line);
    for (size_t i = 0; i < sizeof deck_marp_unsupported / sizeof deck_marp_unsupported[0]; i++)
        if (deck_word(key, klen, deck_marp_unsupported[i][0]))
            return deck_warnf(c, line, "%s", deck_marp_unsupported[i][1]);
    if (deck_word(key, klen, "theme"))
        return deck_theme(c, val, vlen, line);
    if (deck_word(key, klen, "headingDivider")) {
        int mask;
        return deck_divider(val, vlen, &mask)
                   ? HU_OK
                   : deck_warnf(c, line, "bad headingDivider \"%.*s\" (expected 1 to 6, false or [1, 2]); ignored",
                                vlen > 64 ? 64 : (int)vlen, val);
    }
    if (deck_word(key, klen, "pdf"))
        return deck_pdf_directive(c, d, val, vlen, line);
    if (spot || !deck_marp_key_known(key, klen))
        return deck_warnf(c, line, "unknown Marp directive \"%s%.*s\"; ignored", spot ? "_" : "",
                          klen > 64 ? 64 : (int)klen, key);
    return HU_OK;
}

/* "#abc" or "#aabbcc" as "#aabbcc" in out; false otherwise. */
static bool deck_hex_color(const char *v, size_t n, char out[8])
{
    if ((n != 4 && n != 7) || v[0] != '#' || strspn(v + 1, "0123456789abcdefABCDEF") < n - 1)
        return false;
    for (size_t i = 0; i < 6; i++) {
        char ch = n == 4 ? v[1 + i / 2] : v[1 + i];
        out[1 + i] = ch >= 'A' && ch <= 'F' ? (char)(ch - 'A' + 'a') : ch;
    }
    out[0] = '#';
    out[7] = '\0';
    return true;
}

/* WCAG 2 contrast ratio of white on the colour #rrggbb. */
static double deck_white_contrast(const char *hex)
{
    double lum = 0;
    static const double w[3] = {0.2126, 0.7152, 0.0722};
    for (int i = 0; i < 3; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char ch = hex[1 + 2 * i + k];
            v = v * 16 + (ch <= '9' ? ch - '0' : ch - 'a' + 10);
        }
        double s = v / 255.0;
        /* (s + 0.055) / 1.055 raised to 2.4, without libm. */
        double lin;
        if (s <= 0.04045) {
            lin = s / 12.92;
        } else {
            double x = (s + 0.055) / 1.055, r = x * x; /* x^2 */
            /* x^0.4 by Newton on y^5 = x^2, from a close start. */
            double y = x;
            for (int it = 0; it < 30; it++)
                y = y - (y * y * y * y * y - r) / (5 * y * y * y * y);
            lin = x * x * y;
        }
        lum += w[i] * lin;
    }
    return 1.05 / (lum + 0.05);
}

int deck_marp_front(struct deck_ctx *c, const char *key, size_t klen, const char *val, size_t vlen, int line)
{
    struct deck_res *r = c->res;
    deck_marp_value(&val, &vlen);
    if (deck_word(key, klen, "marp")) {
        r->marp = deck_word(val, vlen, "true");
        return HU_OK;
    }
    if (deck_word(key, klen, "accent")) {
        if (!deck_hex_color(val, vlen, r->accent))
            return deck_warnf(c, line, "bad accent \"%.*s\" (expected a colour such as \"#00703c\"); ignored",
                              vlen > 64 ? 64 : (int)vlen, val);
        double ratio = deck_white_contrast(r->accent);
        if (ratio < 4.5)
            return deck_warnf(c, line,
                              "white text on the accent %s has a contrast of %.1f:1, under the 4.5:1 that people at "
                              "the back of the room need; choose a darker accent",
                              r->accent, ratio);
        return HU_OK;
    }
    if (deck_word(key, klen, "logo")) {
        char *url = strndup(val, vlen);
        bool nomem = !url;
        r->logo = url ? deck_media_ref(c, url, line, &nomem) : -1;
        free(url);
        return nomem ? HU_ERR_NOMEM : HU_OK;
    }
    if (deck_word(key, klen, "theme"))
        return deck_theme(c, val, vlen, line);
    if (deck_word(key, klen, "headingDivider")) {
        int mask;
        if (!deck_divider(val, vlen, &mask))
            return deck_warnf(c, line, "bad headingDivider \"%.*s\" (expected 1 to 6, false or [1, 2]); ignored",
                              vlen > 64 ? 64 : (int)vlen, val);
        r->heading_divider = mask;
        return HU_OK;
    }
    int k = deck_mk_find(key, klen);
    if (k >= 0)
        return deck_mk_set(c, &r->front, k, val, vlen, line);
    for (size_t i = 0; i < sizeof deck_marp_unsupported / sizeof deck_marp_unsupported[0]; i++)
        if (deck_word(key, klen, deck_marp_unsupported[i][0]))
            return deck_warnf(c, line, "%s", deck_marp_unsupported[i][1]);
    return HU_OK; /* someone else's metadata */
}

void deck_marp_set_free(struct deck_marp_set *m)
{
    for (int k = 0; k < DECK_MK_COUNT; k++) {
        free(m->val[k]);
        m->val[k] = NULL;
        m->has[k] = false;
    }
}

void deck_look_free(struct deck_look *l)
{
    free(l->header);
    free(l->footer);
    free(l->bg_color);
    free(l->color);
    free(l->bg_css);
    free(l->classes);
    memset(l, 0, sizeof *l);
}

/* Markdown of a header or footer as inline HTML: "<p>" and "</p>" cut off. */
static char *deck_inline_html(const char *md)
{
    cmark_parser *p = deck_md_parser();
    if (!p)
        return NULL;
    cmark_parser_feed(p, md, strlen(md));
    cmark_node *doc = cmark_parser_finish(p);
    char *html = doc ? deck_md_render(p, doc) : NULL;
    if (doc)
        cmark_node_free(doc);
    cmark_parser_free(p);
    if (html && strncmp(html, "<p>", 3) == 0) {
        size_t n = strlen(html);
        if (n >= 8 && strcmp(html + n - 5, "</p>\n") == 0) {
            memmove(html, html + 3, n - 8);
            html[n - 8] = '\0';
        }
    }
    return html;
}

int deck_marp_look(struct deck_ctx *c, struct deck_marp_set *running, const struct deck_directives *d,
                   struct deck_slide *sl)
{
    (void)c;
    const char *eff[DECK_MK_COUNT];
    for (int k = 0; k < DECK_MK_COUNT; k++) {
        if (d->local.has[k]) {
            free(running->val[k]);
            running->val[k] = d->local.val[k] ? strdup(d->local.val[k]) : NULL;
            running->has[k] = true;
            if (d->local.val[k] && !running->val[k])
                return HU_ERR_NOMEM;
        }
        eff[k] = d->spot.has[k] ? d->spot.val[k] : running->val[k];
    }
    struct deck_look *l = &sl->look;
    l->paginate = eff[DECK_MK_PAGINATE] && strcmp(eff[DECK_MK_PAGINATE], "true") == 0;
    bool ok = true;
    if (eff[DECK_MK_HEADER])
        ok = ok && (l->header = deck_inline_html(eff[DECK_MK_HEADER])) != NULL;
    if (eff[DECK_MK_FOOTER])
        ok = ok && (l->footer = deck_inline_html(eff[DECK_MK_FOOTER])) != NULL;
    if (eff[DECK_MK_BGCOLOR])
        ok = ok && (l->bg_color = strdup(eff[DECK_MK_BGCOLOR])) != NULL;
    if (eff[DECK_MK_COLOR])
        ok = ok && (l->color = strdup(eff[DECK_MK_COLOR])) != NULL;
    if (eff[DECK_MK_CLASS])
        ok = ok && (l->classes = strdup(eff[DECK_MK_CLASS])) != NULL;
    const char *img = eff[DECK_MK_BGIMAGE];
    if (ok && img && strncmp(img, "media:", 6) == 0) {
        /* Drawn as a background image of the slide, after any "![bg]". */
        struct deck_bg *p = realloc(sl->bgs, (sl->n_bgs + 1) * sizeof *p);
        ok = p != NULL;
        if (ok) {
            sl->bgs = p;
            p = &sl->bgs[sl->n_bgs++];
            memset(p, 0, sizeof *p);
            p->media = (int)strtol(img + 6, NULL, 10);
            snprintf(p->size, sizeof p->size, "%s", eff[DECK_MK_BGSIZE] ? eff[DECK_MK_BGSIZE] : "cover");
        }
    } else if (ok && img) {
        ok = (l->bg_css = strdup(img)) != NULL;
    }
    return ok ? HU_OK : HU_ERR_NOMEM;
}
