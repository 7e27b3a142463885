/* deck_media.c -- the images a deck references: where they are, whether
 * they may be served, and their URLs.
 *
 * DESIGN section 8: only files the deck references, inside the deck's
 * folder once symlinks are resolved, whose bytes are PNG, JPEG, GIF, WebP
 * or SVG, at most HU_MEDIA_MAX_BYTES.  Anything else is a warning naming the
 * line, and the image is not shown.  A media's key is its path relative to
 * the folder after resolution, so two spellings of one file are one media
 * and the key never holds "..".  The HTTP edge serves a key by opening it
 * beneath the folder again, one component at a time without following links
 * (base/media.c), so a file swapped for a link after loading is refused.
 *
 * Slides are rendered before the session's join code is known, so an image
 * is written "hu-media:N" (N its index) and deck_bind rewrites it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/media.h"
#include "deck_impl.h"

#define DECK_MEDIA_MARK "hu-media:"

int deck_html_escape(struct hu_buf *b, const char *s, size_t len)
{
    int rc = HU_OK;
    size_t from = 0;
    for (size_t i = 0; i < len && rc == HU_OK; i++) {
        const char *e = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;"
                      : s[i] == '"' ? "&quot;" : s[i] == '\'' ? "&#39;" : NULL;
        if (!e)
            continue;
        rc = hu_buf_append(b, s + from, i - from);
        if (rc == HU_OK)
            rc = hu_buf_append(b, e, strlen(e));
        from = i + 1;
    }
    return rc == HU_OK ? hu_buf_append(b, s + from, len - from) : rc;
}

static int deck_hex(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* The path part of a relative URL, percent-decoded into out.  False when it
 * is empty, too long or decodes to a NUL. */
static bool deck_media_path(const char *url, char *out, size_t outlen)
{
    size_t n = strcspn(url, "?#"), k = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = url[i];
        if (ch == '%' && i + 2 < n + 1 && deck_hex(url[i + 1]) >= 0 && deck_hex(url[i + 2]) >= 0) {
            ch = (char)(deck_hex(url[i + 1]) * 16 + deck_hex(url[i + 2]));
            i += 2;
        }
        if (ch == '\0' || k + 1 >= outlen)
            return false;
        out[k++] = ch;
    }
    out[k] = '\0';
    return k > 0;
}

/* Removes "." and "x/.." steps and doubled slashes (p has at most
 * HU_MEDIA_PATH_MAX bytes); false when the path climbs above its start or
 * nothing is left.  Written through a copy: in place, the "/" after the last
 * component would land on the terminator (the fuzzer found that). */
static bool deck_media_lexical(char *p)
{
    char out[HU_MEDIA_PATH_MAX + 1];
    size_t w = 0;
    const char *r = p;
    while (*r) {
        size_t n = strcspn(r, "/");
        if (n == 0 || (n == 1 && r[0] == '.')) {
        } else if (n == 2 && r[0] == '.' && r[1] == '.') {
            if (w == 0)
                return false;
            while (w > 0 && out[w - 1] != '/')
                w--;
            if (w > 0)
                w--; /* the "/" before the dropped component */
        } else {
            if (w > 0)
                out[w++] = '/';
            memcpy(out + w, r, n);
            w += n;
        }
        r += n;
        if (*r == '/')
            r++;
    }
    out[w] = '\0';
    memcpy(p, out, w + 1);
    return w > 0;
}

static bool deck_has_scheme(const char *url)
{
    size_t i = 0;
    if (!((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')))
        return false;
    while (url[i] && ((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
                      (url[i] >= '0' && url[i] <= '9') || url[i] == '+' || url[i] == '.' || url[i] == '-'))
        i++;
    return url[i] == ':';
}

static int deck_media_push(struct deck_ctx *c, struct deck_media *m)
{
    struct deck_res *r = c->res;
    if (r->n_media == r->cap_media) {
        size_t cap = r->cap_media ? r->cap_media * 2 : 16;
        struct deck_media *p = realloc(r->media, cap * sizeof *p);
        if (!p)
            return -1;
        r->media = p;
        r->cap_media = cap;
    }
    r->media[r->n_media] = *m;
    return (int)r->n_media++;
}

static int deck_media_existing(const struct deck_res *r, const char *key, bool cached)
{
    for (size_t i = 0; i < r->n_media; i++)
        if (r->media[i].cached == cached && strcmp(r->media[i].key, key) == 0)
            return (int)i;
    return -1;
}

/* Why the file at full (as resolved, inside the folder) cannot be served,
 * or NULL; fills the media's type, size and ETag when it can. */
static const char *deck_media_check(const char *full, struct deck_media *m, char *why, size_t whylen)
{
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, whylen, "cannot be read (%s)", strerror(errno));
        if (fd >= 0)
            close(fd);
        return why;
    }
    const char *bad = NULL;
    unsigned char head[MEDIA_SNIFF_BYTES];
    ssize_t n = 0;
    if (!S_ISREG(st.st_mode)) {
        bad = "is not a file";
    } else if (st.st_size > HU_MEDIA_MAX_BYTES) {
        snprintf(why, whylen, "is larger than %d MiB", HU_MEDIA_MAX_BYTES / (1024 * 1024));
        bad = why;
    } else if ((n = pread(fd, head, sizeof head, 0)) < 0) {
        snprintf(why, whylen, "cannot be read (%s)", strerror(errno));
        bad = why;
    } else if (!(m->mime = media_sniff(head, (size_t)n))) {
        bad = "is not a PNG, JPEG, GIF, WebP or SVG image (by its content)";
    }
    close(fd);
    if (!bad) {
        m->ok = true;
        snprintf(m->etag, sizeof m->etag, "%llx-%llx-%llx", (unsigned long long)st.st_size,
                 (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)st.st_mtim.tv_nsec,
                 (unsigned long long)st.st_ino);
    }
    return bad;
}

static int deck_media_ref1(struct deck_ctx *c, const char *url, int line, bool *nomem)
{
    struct deck_res *r = c->res;
    char path[HU_MEDIA_PATH_MAX + 1], full[PATH_MAX + HU_MEDIA_PATH_MAX + 2], real[PATH_MAX], why[128];
    int ul = (int)strnlen(url, 200);
    *nomem = false;
    if (deck_has_scheme(url)) {
        bool web = strncasecmp(url, "http:", 5) == 0 || strncasecmp(url, "https:", 6) == 0;
        *nomem = deck_warnf(c, line, web ? "image \"%.*s\" is on the web and is not shown (the room's network may "
                                           "not reach it); save it beside the deck and use its file name"
                                         : "image \"%.*s\" is not a file beside the deck and is not shown",
                            ul, url) == HU_ERR_NOMEM;
        return -1;
    }
    if (!deck_media_path(url, path, sizeof path)) {
        *nomem = deck_warnf(c, line, "image \"%.*s\" has no usable file name and is not shown", ul, url) ==
                 HU_ERR_NOMEM;
        return -1;
    }
    if (path[0] == '/' || strchr(path, '\\') || (!r->dir && !deck_media_lexical(path))) {
        *nomem = deck_warnf(c, line, "image \"%.*s\" is outside the deck's folder and is not shown", ul, url) ==
                 HU_ERR_NOMEM;
        return -1;
    }
    struct deck_media m;
    memset(&m, 0, sizeof m);
    m.line = line;
    const char *key = path;
    if (r->dir) {
        size_t dl = strlen(r->dir);
        int n = snprintf(full, sizeof full, "%s/%s", r->dir, path);
        if (n < 0 || (size_t)n >= sizeof full || !realpath(full, real)) {
            int e = errno;
            *nomem = deck_warnf(c, line, "image \"%.*s\" %s and is not shown", ul, url,
                                e == ENOENT || e == ENOTDIR ? "is not found beside the deck" : "cannot be read") ==
                     HU_ERR_NOMEM;
            return -1;
        }
        if (strncmp(real, r->dir, dl) != 0 || real[dl] != '/' || !media_rel_ok(real + dl + 1)) {
            *nomem = deck_warnf(c, line, "image \"%.*s\" is outside the deck's folder (once links are followed) "
                                         "and is not shown", ul, url) == HU_ERR_NOMEM;
            return -1;
        }
        key = real + dl + 1;
    }
    int at = deck_media_existing(r, key, false);
    if (at >= 0)
        return r->media[at].ok || !r->dir ? at : -1;
    if (r->dir) {
        const char *bad = deck_media_check(real, &m, why, sizeof why);
        if (bad) {
            *nomem = deck_warnf(c, line, "image \"%.*s\" %s and is not shown", ul, url, bad) == HU_ERR_NOMEM;
            return -1;
        }
    }
    if (r->n_media >= HU_MEDIA_MAX) {
        *nomem = deck_warnf(c, line, "more than %d images and PDF pages: this one is not shown", HU_MEDIA_MAX) ==
                 HU_ERR_NOMEM;
        return -1;
    }
    m.key = strdup(key);
    m.file = strdup(key);
    int idx = m.key && m.file ? deck_media_push(c, &m) : -1;
    if (idx < 0) {
        free(m.key);
        free(m.file);
        *nomem = true;
    }
    return idx;
}

int deck_media_ref(struct deck_ctx *c, const char *url, int line, bool *nomem)
{
    int i = deck_media_ref1(c, url, line, nomem);
    if (i < 0 && !*nomem)
        c->res->n_media_bad++;
    return i;
}

int deck_media_add_page(struct deck_ctx *c, const char *key, const char *file, const char *etag, int line)
{
    int at = deck_media_existing(c->res, key, true);
    if (at >= 0)
        return at;
    struct deck_media m;
    memset(&m, 0, sizeof m);
    m.cached = true;
    m.line = line;
    m.key = strdup(key);
    m.file = strdup(file);
    if (etag) {
        /* deck_pdf.c has just rendered it, or found it rendered. */
        m.ok = true;
        m.mime = "image/png";
        snprintf(m.etag, sizeof m.etag, "%s", etag);
    }
    int idx = m.key && m.file ? deck_media_push(c, &m) : -1;
    if (idx < 0) {
        free(m.key);
        free(m.file);
    }
    return idx;
}

/* --- URLs --- */

bool deck_media_url(const struct deck *deck, size_t i, const char *code, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    if (outlen == 0)
        return false;
    out[0] = '\0';
    if (i >= deck->n_media || !deck->media[i].ok)
        return true;
    int n = snprintf(out, outlen, "/media/%s/", code);
    if (n < 0 || (size_t)n >= outlen)
        return false;
    size_t k = (size_t)n;
    for (const unsigned char *p = (const unsigned char *)deck->media[i].key; *p; p++) {
        bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                     strchr("-_.~/", *p);
        if (k + 4 >= outlen)
            return false;
        if (plain) {
            out[k++] = (char)*p;
        } else {
            out[k++] = '%';
            out[k++] = hex[*p >> 4];
            out[k++] = hex[*p & 15];
        }
    }
    n = snprintf(out + k, outlen - k, "?v=%s", deck->media[i].etag);
    return n >= 0 && (size_t)n < outlen - k;
}

/* Rewrites "hu-media:N" in *html into the media's URL ("" when not served). */
static int deck_bind_html(const struct deck *deck, char **html, const char *code)
{
    const char *s = *html;
    if (!strstr(s, DECK_MEDIA_MARK))
        return HU_OK;
    struct hu_buf b;
    hu_buf_init(&b, (size_t)HU_DECK_MAX_BYTES * 4);
    int rc = HU_OK;
    const char *p;
    while (rc == HU_OK && (p = strstr(s, DECK_MEDIA_MARK)) != NULL) {
        char *end;
        p += strlen(DECK_MEDIA_MARK);
        unsigned long i = strtoul(p, &end, 10);
        char url[HU_MEDIA_PATH_MAX * 3 + 128];
        rc = hu_buf_append(&b, s, (size_t)(p - strlen(DECK_MEDIA_MARK) - s));
        if (rc == HU_OK && !deck_media_url(deck, i, code, url, sizeof url))
            url[0] = '\0';
        if (rc == HU_OK)
            rc = deck_html_escape(&b, url, strlen(url));
        s = end;
    }
    if (rc == HU_OK)
        rc = hu_buf_append(&b, s, strlen(s));
    char *out = rc == HU_OK ? hu_buf_steal(&b) : NULL;
    hu_buf_free(&b);
    if (!out)
        return HU_ERR_NOMEM;
    free(*html);
    *html = out;
    return HU_OK;
}

int deck_bind(struct deck *deck, const char *code)
{
    for (size_t i = 0; i < deck->n_slides; i++) {
        struct deck_slide *sl = &deck->slides[i];
        int rc = deck_bind_html(deck, &sl->html, code);
        if (rc == HU_OK && sl->look.header)
            rc = deck_bind_html(deck, &sl->look.header, code);
        if (rc == HU_OK && sl->look.footer)
            rc = deck_bind_html(deck, &sl->look.footer, code);
        if (rc != HU_OK)
            return rc;
    }
    return HU_OK;
}

const struct deck_media *deck_media_find(const struct deck *deck, const char *key)
{
    for (size_t i = 0; i < deck->n_media; i++)
        if (deck->media[i].ok && strcmp(deck->media[i].key, key) == 0)
            return &deck->media[i];
    return NULL;
}
