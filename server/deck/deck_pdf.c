/* deck_pdf.c -- slides from a PDF: "<!-- pdf: talk.pdf 3-7 -->".
 *
 * A facilitator exports their PowerPoint or Keynote deck to PDF and puts
 * polls between its pages.  The slide holding the directive becomes one
 * slide per page, each a full-slide image, rendered once with poppler and
 * cairo to fit 1920x1080 and cached in the page cache folder (beside the
 * data file) under the SHA-256 of the PDF's bytes, so an unchanged PDF is
 * never rendered twice and a changed one never shows stale pages.  This runs
 * where decks load: before the event loop starts, or in the --watch thread,
 * never on the loop.  A missing, encrypted or broken PDF, or a page range
 * outside it, is an error naming the directive's line.
 *
 * Without a deck folder (deck_parse from memory) nothing is read: the slide
 * becomes the pages its range names (one without a range), not served. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/hu_err.h"
#include "base/token.h"
#include "deck_impl.h"

#define DECK_PDF_W 1920
#define DECK_PDF_H 1080
#define DECK_PDF_MAX_BYTES (512L * 1024 * 1024) /* a PDF read to hash and render */
#define DECK_PDF_TITLE_MAX 120

int deck_pdf_directive(struct deck_ctx *c, struct deck_directives *d, const char *val, size_t vlen, int line)
{
    if (d->pdf_line)
        return deck_errorf(c, line, "\"pdf\" is given twice on this slide (first at line %d)", d->pdf_line);
    /* "FILE", "FILE 3", "FILE 3-7": the range is the last word when it is one. */
    size_t fl = vlen;
    int first = 0, last = 0;
    const char *sp = NULL;
    for (size_t i = vlen; i > 0; i--)
        if (val[i - 1] == ' ' || val[i - 1] == '\t') {
            sp = val + i;
            break;
        }
    if (sp && sp < val + vlen && sp[0] >= '0' && sp[0] <= '9') {
        char range[32];
        size_t rl = (size_t)(val + vlen - sp);
        char *end;
        if (rl >= sizeof range)
            return deck_errorf(c, line, "bad page range \"%.*s\" (expected e.g. 3-7)", (int)(rl > 40 ? 40 : rl), sp);
        memcpy(range, sp, rl);
        range[rl] = '\0';
        long a = strtol(range, &end, 10), b = a;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        if (*end || a < 1 || b < a || b > 100000)
            return deck_errorf(c, line, "bad page range \"%s\" (expected e.g. 3-7, pages counted from 1)", range);
        first = (int)a;
        last = (int)b;
        fl = (size_t)(sp - val);
        while (fl && (val[fl - 1] == ' ' || val[fl - 1] == '\t'))
            fl--;
    }
    if (fl == 0)
        return deck_errorf(c, line, "pdf needs a file: <!-- pdf: talk.pdf --> or <!-- pdf: talk.pdf 3-7 -->");
    d->pdf = strndup(val, fl);
    if (!d->pdf)
        return HU_ERR_NOMEM;
    d->pdf_line = line;
    d->pdf_first = first;
    d->pdf_last = last;
    return HU_OK;
}

/* The PDF's bytes (malloc'd) and its path relative to the deck's folder. */
static int deck_pdf_read(struct deck_ctx *c, const char *name, int line, char **data, size_t *len, char *rel,
                         size_t rellen)
{
    const char *dir = c->res->dir;
    char full[PATH_MAX + HU_MEDIA_PATH_MAX + 2], real[PATH_MAX];
    size_t dl = strlen(dir);
    int n = snprintf(full, sizeof full, "%s/%s", dir, name);
    if (name[0] == '/' || n < 0 || (size_t)n >= sizeof full || !realpath(full, real))
        return deck_errorf(c, line, "PDF \"%s\" is not found beside the deck", name);
    if (strncmp(real, dir, dl) != 0 || real[dl] != '/' || strlen(real + dl + 1) >= rellen)
        return deck_errorf(c, line, "PDF \"%s\" is outside the deck's folder (once links are followed)", name);
    snprintf(rel, rellen, "%s", real + dl + 1);
    FILE *f = fopen(real, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > DECK_PDF_MAX_BYTES) {
        int e = errno;
        if (f)
            fclose(f);
        return deck_errorf(c, line, "PDF \"%s\" cannot be read (%s)", name,
                           f && st.st_size > DECK_PDF_MAX_BYTES ? "larger than 512 MiB" : strerror(e));
    }
    *data = malloc((size_t)st.st_size + 1);
    *len = *data ? fread(*data, 1, (size_t)st.st_size, f) : 0;
    bool bad = !*data || ferror(f) || *len != (size_t)st.st_size;
    fclose(f);
    if (bad) {
        free(*data);
        *data = NULL;
        return deck_errorf(c, line, "PDF \"%s\" cannot be read", name);
    }
    return HU_OK;
}

/* A page's first line of text, for the presenter's slide list, or NULL. */
static char *deck_pdf_title(PopplerPage *page)
{
    char *text = poppler_page_get_text(page);
    char *out = NULL;
    if (text) {
        const char *s = text;
        while (*s) {
            size_t n = strcspn(s, "\n");
            const char *t = s;
            while (n && (*t == ' ' || *t == '\t' || *t == '\r')) {
                t++;
                n--;
            }
            while (n && (t[n - 1] == ' ' || t[n - 1] == '\r' || t[n - 1] == '\t'))
                n--;
            if (n) {
                size_t cut = deck_utf8_cut(t, n, DECK_PDF_TITLE_MAX);
                /* Control bytes from odd PDFs never reach a page. */
                out = strndup(t, cut);
                for (char *p = out; p && *p; p++)
                    if ((unsigned char)*p < 0x20)
                        *p = ' ';
                break;
            }
            s += strcspn(s, "\n");
            if (*s)
                s++;
        }
        g_free(text);
    }
    return out;
}

/* Renders page to dir_fd/file (via a temporary name, so a reader never sees
 * half a file).  HU_OK or HU_ERR_IO. */
static int deck_pdf_render(PopplerPage *page, const char *cache, const char *file)
{
    double w, h;
    poppler_page_get_size(page, &w, &h);
    if (w <= 0 || h <= 0)
        return HU_ERR_IO;
    double scale = DECK_PDF_W / w < DECK_PDF_H / h ? DECK_PDF_W / w : DECK_PDF_H / h;
    int iw = (int)(w * scale + 0.5), ih = (int)(h * scale + 0.5);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, iw > 0 ? iw : 1, ih > 0 ? ih : 1);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1); /* PDF pages are paper: white behind transparent parts */
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    char path[PATH_MAX], tmp[PATH_MAX + 32];
    int n = snprintf(path, sizeof path, "%s/%s", cache, file);
    int m = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    int rc = HU_ERR_IO;
    if (n > 0 && (size_t)n < sizeof path && m > 0 && (size_t)m < sizeof tmp &&
        cairo_surface_status(s) == CAIRO_STATUS_SUCCESS && cairo_surface_write_to_png(s, tmp) == CAIRO_STATUS_SUCCESS)
        rc = rename(tmp, path) == 0 ? HU_OK : HU_ERR_IO;
    if (rc != HU_OK)
        (void)unlink(tmp);
    cairo_surface_destroy(s);
    return rc;
}

/* Builds the page slides of one PDF slide into out[0..count). */
struct deck_pdf_job {
    const struct deck_slide *src;
    const struct deck_slide_info *info;
    struct deck_slide *out;
    struct deck_slide_info *out_info;
    int count;
};

static int deck_pdf_copy_look(const struct deck_look *from, struct deck_look *to)
{
    const char *const src[] = {from->header, from->footer, from->bg_color, from->color, from->bg_css, from->classes};
    char **dst[] = {&to->header, &to->footer, &to->bg_color, &to->color, &to->bg_css, &to->classes};
    to->paginate = from->paginate;
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
        if (src[i] && !(*dst[i] = strdup(src[i])))
            return HU_ERR_NOMEM;
    return HU_OK;
}

static double deck_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Opens the PDF of one job and fills its pages.  *doc_out keeps the
 * document for the caller to unref. */
static int deck_pdf_pages(struct deck_ctx *c, struct deck_pdf_job *j, bool count_only)
{
    const struct deck_slide_info *in = j->info;
    int first = in->pdf_first ? in->pdf_first : 1, last = in->pdf_last;
    if (!c->res->dir) {
        j->count = last ? last - first + 1 : 1;
        return HU_OK;
    }
    char *data = NULL, rel[HU_MEDIA_PATH_MAX + 1];
    size_t len = 0;
    int rc = deck_pdf_read(c, in->pdf, in->pdf_line, &data, &len, rel, sizeof rel);
    if (rc != HU_OK)
        return rc;
    unsigned char hash[HU_HASH_LEN];
    char hex[33];
    if (token_hash(data, len, hash) != HU_OK) {
        free(data);
        return HU_ERR_NOMEM;
    }
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", hash[i]);
    GError *gerr = NULL;
    GBytes *bytes = g_bytes_new_take(data, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    g_bytes_unref(bytes);
    if (!doc) {
        bool enc = gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED;
        rc = deck_errorf(c, in->pdf_line, "PDF \"%s\" %s", in->pdf,
                         enc ? "is encrypted (export it again without a password)"
                             : "cannot be opened: it is damaged or not a PDF");
        if (gerr)
            g_error_free(gerr);
        return rc;
    }
    int pages = poppler_document_get_n_pages(doc);
    if (last == 0)
        last = pages;
    if (pages < 1 || first > pages || last > pages) {
        g_object_unref(doc);
        return deck_errorf(c, in->pdf_line, "PDF \"%s\" has %d page%s; the range %d-%d is outside it", in->pdf, pages,
                           pages == 1 ? "" : "s", first, last);
    }
    if (count_only) {
        j->count = last - first + 1;
        g_object_unref(doc);
        return HU_OK;
    }
    const char *cache = c->res->opts->pdf_cache;
    if (cache && mkdir(cache, 0755) != 0 && errno != EEXIST) {
        g_object_unref(doc);
        return deck_errorf(c, in->pdf_line, "PDF \"%s\": cannot create the page cache %s (%s)", in->pdf, cache,
                           strerror(errno));
    }
    double t0 = deck_now();
    for (int p = first; p <= last && rc == HU_OK; p++) {
        struct deck_slide *sl = &j->out[p - first];
        char file[64], key[HU_MEDIA_PATH_MAX + 32], path[PATH_MAX], etag[48];
        snprintf(file, sizeof file, "%s-%d.png", hex, p);
        snprintf(key, sizeof key, "%s/page-%d.png", rel, p);
        PopplerPage *page = poppler_document_get_page(doc, p - 1);
        if (!page) {
            rc = deck_errorf(c, in->pdf_line, "PDF \"%s\": page %d cannot be read", in->pdf, p);
            break;
        }
        struct stat st;
        const char *tag = NULL;
        if (cache) {
            int n = snprintf(path, sizeof path, "%s/%s", cache, file);
            if (n < 0 || (size_t)n >= sizeof path || (stat(path, &st) != 0 && (deck_pdf_render(page, cache, file) != HU_OK ||
                                                                               stat(path, &st) != 0))) {
                g_object_unref(page);
                rc = deck_errorf(c, in->pdf_line, "PDF \"%s\": page %d cannot be written to %s", in->pdf, p, cache);
                break;
            }
            snprintf(etag, sizeof etag, "%s-%d", hex, p);
            tag = etag;
        }
        sl->title = deck_pdf_title(page);
        g_object_unref(page);
        int media = deck_media_add_page(c, key, file, tag, in->pdf_line);
        sl->bgs = calloc(1, sizeof *sl->bgs);
        if (media < 0 || !sl->bgs) {
            rc = HU_ERR_NOMEM;
            break;
        }
        sl->n_bgs = 1;
        sl->bgs[0].media = media;
        snprintf(sl->bgs[0].size, sizeof sl->bgs[0].size, "contain");
        sl->pdf_page = p;
    }
    if (c->res->opts->pdf_seconds)
        *c->res->opts->pdf_seconds += deck_now() - t0;
    g_object_unref(doc);
    return rc;
}

int deck_pdf_expand(struct deck_ctx *c, struct deck *d, struct deck_slide_info **infop)
{
    struct deck_slide_info *info = *infop;
    size_t total = 0, n_pdf = 0;
    struct deck_pdf_job *jobs = calloc(d->n_slides, sizeof *jobs);
    if (!jobs)
        return HU_ERR_NOMEM;
    int rc = HU_OK;
    /* First count, so that the slide cap is checked before any rendering. */
    for (size_t i = 0; i < d->n_slides && rc == HU_OK; i++) {
        jobs[i].src = &d->slides[i];
        jobs[i].info = &info[i];
        jobs[i].count = 1;
        if (info[i].pdf) {
            n_pdf++;
            rc = deck_pdf_pages(c, &jobs[i], true);
        }
        total += (size_t)jobs[i].count;
    }
    if (rc == HU_OK && n_pdf == 0) {
        free(jobs);
        return HU_OK;
    }
    if (rc == HU_OK && total > HU_DECK_MAX_SLIDES)
        rc = deck_errorf(c, 0, "too many slides once PDF pages are counted (%zu, at most %d)", total,
                         HU_DECK_MAX_SLIDES);
    struct deck_slide *slides = rc == HU_OK ? calloc(total ? total : 1, sizeof *slides) : NULL;
    struct deck_slide_info *ninfo = rc == HU_OK ? calloc(total ? total : 1, sizeof *ninfo) : NULL;
    if (rc == HU_OK && (!slides || !ninfo))
        rc = HU_ERR_NOMEM;
    size_t at = 0;
    for (size_t i = 0; rc == HU_OK && i < d->n_slides; i++) {
        struct deck_pdf_job *j = &jobs[i];
        if (!info[i].pdf) {
            slides[at] = d->slides[i];
            ninfo[at++] = info[i];
            memset(&d->slides[i], 0, sizeof d->slides[i]);
            info[i].pdf = NULL;
            continue;
        }
        j->out = slides + at;
        j->out_info = ninfo + at;
        for (int k = 0; k < j->count; k++) {
            struct deck_slide *sl = &slides[at + (size_t)k];
            sl->kind = DECK_SLIDE_CONTENT;
            sl->line = j->src->line;
            sl->html = strdup("");
            if (!sl->html || deck_pdf_copy_look(&j->src->look, &sl->look) != HU_OK)
                rc = HU_ERR_NOMEM;
            ninfo[at + (size_t)k].title_line = sl->line;
        }
        /* The slide's notes go with its first page, rendered as well: the
         * speaker console shows notes_html. */
        if (rc == HU_OK && j->count > 0 && j->src->notes && !(slides[at].notes = strdup(j->src->notes)))
            rc = HU_ERR_NOMEM;
        if (rc == HU_OK && j->count > 0 && j->src->notes_html &&
            !(slides[at].notes_html = strdup(j->src->notes_html)))
            rc = HU_ERR_NOMEM;
        if (rc == HU_OK && c->res->dir)
            rc = deck_pdf_pages(c, j, false);
        at += (size_t)j->count;
    }
    free(jobs);
    if (!slides)
        return rc; /* nothing moved yet: the caller frees info and the deck */
    /* Every slide moved into slides (or was freed here); the rest of slides
     * is zeroed, which deck_free accepts, so the deck stays whole on error. */
    for (size_t i = 0; i < d->n_slides; i++) {
        deck_slide_free(&d->slides[i]);
        free(info[i].pdf);
    }
    free(d->slides);
    free(info);
    d->n_pdf_pages = total - (d->n_slides - n_pdf);
    d->slides = slides;
    d->n_slides = total;
    *infop = ninfo;
    return rc;
}
