/* deck.c -- reading a deck file into a deck.
 *
 * The text is checked (UTF-8, no NUL) and normalised (no BOM, "\n" line
 * endings) first.  After the front matter, deck_scan.c puts every HTML
 * comment that cmark would not keep whole on a line of its own (every later
 * line remembers its file line for messages) and cuts the slides at "---"
 * lines outside code and comments; each slide is built by deck_slide.c, and
 * the deck (ids, title, warnings) here.  The format is docs/deck-format.md. */
#include "deck_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hu_err.h"

/* Checks that buf is UTF-8 without NUL bytes: the text ends up in JSON and in
 * C strings.  Overlong forms, surrogates and code points above U+10FFFF are
 * refused, as RFC 3629 says. */
static int deck_utf8_check(struct deck_ctx *c, const unsigned char *s, size_t len)
{
    int line = 1;
    size_t i = 0;
    while (i < len) {
        unsigned ch = s[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 == len || s[i + 1] != '\n')))
            line++;
        if (ch == 0)
            return deck_errorf(c, line, "NUL byte in the text (expected a UTF-8 text file)");
        if (ch < 0x80) {
            i++;
            continue;
        }
        size_t n = ch >= 0xC2 && ch <= 0xDF ? 2 : ch >= 0xE0 && ch <= 0xEF ? 3 : ch >= 0xF0 && ch <= 0xF4 ? 4 : 0;
        bool ok = n > 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++)
            ok = (s[i + k] & 0xC0) == 0x80;
        if (ok && n == 3)
            ok = !(ch == 0xE0 && s[i + 1] < 0xA0) && !(ch == 0xED && s[i + 1] >= 0xA0);
        if (ok && n == 4)
            ok = !(ch == 0xF0 && s[i + 1] < 0x90) && !(ch == 0xF4 && s[i + 1] >= 0x90);
        if (!ok)
            return deck_errorf(c, line, "invalid UTF-8 (expected the file to be saved as UTF-8)");
        i += n;
    }
    return HU_OK;
}


/* Copies buf without its BOM and with "\r\n" and lone "\r" made "\n". */
static int deck_normalise(const char *buf, size_t len, char **text, struct deck_text *t)
{
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    char *s = malloc(len + 1);
    if (!s)
        return HU_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\r') {
            s[n++] = '\n';
            if (i + 1 < len && buf[i + 1] == '\n')
                i++;
        } else {
            s[n++] = buf[i];
        }
    }
    s[n] = '\0';
    *text = s;
    t->s = s;
    t->len = n;
    if (deck_index_lines(t) != HU_OK) {
        free(s);
        *text = NULL;
        return HU_ERR_NOMEM;
    }
    return HU_OK;
}

/* The file name without directories and without ".md" / ".markdown". */
static char *deck_basename_title(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    size_t len = strlen(base);
    if (len > 3 && strcmp(base + len - 3, ".md") == 0)
        len -= 3;
    else if (len > 9 && strcmp(base + len - 9, ".markdown") == 0)
        len -= 9;
    if (len == 0)
        return strdup("deck");
    return strndup(base, deck_utf8_cut(base, len, HU_TITLE_MAX));
}

/* Gives every poll its id ("poll-N" when not explicit) and refuses twins. */
static int deck_poll_ids(struct deck_ctx *c, struct deck *d, const struct deck_slide_info *info)
{
    size_t np = 0;
    for (size_t i = 0; i < d->n_slides; i++) {
        struct deck_slide *sl = &d->slides[i];
        if (sl->kind != DECK_SLIDE_POLL)
            continue;
        np++;
        if (!sl->poll_id[0])
            snprintf(sl->poll_id, sizeof sl->poll_id, "poll-%zu", np);
        for (size_t j = 0; j < i; j++)
            if (d->slides[j].kind == DECK_SLIDE_POLL && strcmp(d->slides[j].poll_id, sl->poll_id) == 0)
                return deck_errorf(c, info[i].id_line, "duplicate poll id \"%s\" (already used by the poll at line %d)",
                                   sl->poll_id, info[j].id_line);
    }
    d->n_polls = np;
    return HU_OK;
}

/* Polls are told apart by their question on phones and in exports, so two
 * with the same one are a mistake: most often a label such as "# VOTING" as
 * the heading and the real question in a paragraph. */
static int deck_same_questions(struct deck_ctx *c, const struct deck *d, const struct deck_slide_info *info)
{
    for (size_t i = 0; i < d->n_slides; i++) {
        const struct deck_slide *sl = &d->slides[i];
        if (sl->kind != DECK_SLIDE_POLL)
            continue;
        for (size_t j = 0; j < i; j++) {
            const struct deck_slide *first = &d->slides[j];
            if (first->kind != DECK_SLIDE_POLL || strcmp(first->question, sl->question) != 0)
                continue;
            int rc = deck_warnf(c, info[i].title_line,
                                "this poll has the same question as the poll at line %d (\"%.80s\"); a poll's "
                                "question is its first heading, so put the question itself there, e.g. "
                                "\"# Should we ...?\"",
                                info[j].title_line, sl->question);
            if (rc != HU_OK)
                return rc;
            break;
        }
    }
    return HU_OK;
}

/* The deck's title: the front matter's, else the first slide's (cut to
 * HU_TITLE_MAX, which the store keeps), else the file name. */
static int deck_title(struct deck_ctx *c, struct deck *d, const struct deck_front *front,
                      const struct deck_slide_info *info0)
{
    const char *t = d->slides[0].title;
    if (front->title[0]) {
        d->title = strdup(front->title);
    } else if (t) {
        size_t len = strlen(t), cut = deck_utf8_cut(t, len, HU_TITLE_MAX);
        while (cut > 0 && t[cut - 1] == ' ')
            cut--;
        if (cut < len) {
            int rc = deck_warnf(c, info0->title_line,
                                "the deck's title, taken from this heading, is cut to %d bytes; set a shorter "
                                "\"title:\" in the front matter",
                                HU_TITLE_MAX);
            if (rc != HU_OK)
                return rc;
        }
        d->title = strndup(t, cut);
    } else {
        d->title = deck_basename_title(c->name);
    }
    return d->title ? HU_OK : HU_ERR_NOMEM;
}

/* Builds the slides and the deck's own fields from the cut segments. */
static int deck_build(struct deck_ctx *c, const struct deck_text *t, const int *line_of,
                      const struct deck_segment *segs, size_t n_segs, const struct deck_front *front, struct deck *d)
{
    struct deck_slide_info *info = calloc(n_segs, sizeof *info);
    d->slides = calloc(n_segs, sizeof *d->slides);
    if (!info || !d->slides) {
        free(info);
        return HU_ERR_NOMEM;
    }
    int rc = HU_OK;
    /* The front matter's local directives hold from the first slide on. */
    for (int k = 0; k < DECK_MK_COUNT && rc == HU_OK; k++) {
        c->res->running.has[k] = c->res->front.has[k];
        if (c->res->front.val[k] && !(c->res->running.val[k] = strdup(c->res->front.val[k])))
            rc = HU_ERR_NOMEM;
    }
    for (size_t i = 0; i < n_segs && rc == HU_OK; i++) {
        const struct deck_segment *sg = &segs[i];
        size_t from = sg->first < t->n_lines ? t->line_start[sg->first] : t->len;
        size_t to = sg->end < t->n_lines ? t->line_start[sg->end] : t->len;
        /* An empty slide starts on the line after its "---". */
        int fallback = sg->first > 0 ? line_of[sg->first - 1] + 1 : 1;
        struct deck_lines lines = {line_of + sg->first, sg->end - sg->first, fallback};
        if (sg->setext && sg->end > sg->first)
            info[i].setext = deck_line(t, sg->end - 1, &info[i].setext_len);
        d->n_slides++;
        rc = deck_slide_build(c, t->s + from, to - from, &lines, &d->slides[i], &info[i]);
    }
    if (rc == HU_OK)
        rc = deck_pdf_expand(c, d, &info);
    if (rc == HU_OK)
        rc = deck_poll_ids(c, d, info);
    if (rc == HU_OK)
        rc = deck_same_questions(c, d, info);
    if (rc == HU_OK)
        memcpy(d->lang, front->lang, sizeof d->lang);
    if (rc == HU_OK && front->has_code) {
        d->has_code = true;
        memcpy(d->code, front->code, sizeof d->code);
    }
    if (rc == HU_OK)
        rc = deck_title(c, d, front, &info[0]);
    d->qa = front->qa;
    for (size_t i = 0; rc == HU_OK && d->qa == DECK_QA_OFF && i < d->n_slides; i++)
        if (d->slides[i].kind == DECK_SLIDE_QA)
            rc = deck_warnf(c, info[i].qa_line,
                            "this slide shows the audience's questions, but the session takes none: add \"qa: on\" "
                            "(or \"qa: moderated\") to the front matter");
    for (size_t i = 0; i < d->n_slides; i++)
        free(info[i].pdf);
    free(info);
    return rc;
}

static int deck_parse_text(struct deck_ctx *c, const struct deck_text *t, struct deck *d)
{
    struct deck_front front;
    memset(&front, 0, sizeof front);
    bool has_front;
    size_t first, end, body;
    int rc = deck_front_find(c, t, &has_front, &first, &end, &body);
    if (rc == HU_OK && has_front)
        rc = deck_front_parse(c, t, first, end, &front);
    if (rc != HU_OK)
        return rc;
    struct deck_text b = {NULL, 0, NULL, 0};
    char *text = NULL;
    int *line_of = NULL;
    rc = deck_rewrite(t, body, &text, &b, &line_of);
    if (rc != HU_OK)
        return rc;
    struct deck_segment *segs = NULL;
    size_t n = 0;
    rc = deck_split(c, &b, line_of, &segs, &n);
    /* Whitespace-only slides at either end are the "---" habits of authors
     * (one after the front matter, one at the end), not blank slides. */
    size_t lo = 0, hi = n;
    while (rc == HU_OK && lo < hi && segs[lo].blank)
        lo++;
    while (rc == HU_OK && hi > lo && segs[hi - 1].blank)
        hi--;
    if (rc == HU_OK && lo == hi)
        rc = deck_errorf(c, (int)(body < t->n_lines ? body + 1 : (body ? body : 1)),
                         "the deck has no slides (expected Markdown content%s)",
                         has_front ? " after the front matter" : "");
    if (rc == HU_OK && hi - lo > HU_DECK_MAX_SLIDES)
        rc = deck_errorf(c, line_of[segs[lo + HU_DECK_MAX_SLIDES].first], "too many slides (at most %d)",
                         HU_DECK_MAX_SLIDES);
    if (rc == HU_OK)
        rc = deck_build(c, &b, line_of, segs + lo, hi - lo, &front, d);
    free(segs);
    free(line_of);
    free(b.line_start);
    free(text);
    return rc;
}

static void deck_ctx_free_warnings(struct deck_ctx *c)
{
    for (size_t i = 0; i < c->n_warnings; i++)
        free(c->warnings[i]);
    free(c->warnings);
    free(c->warning_lines);
    c->warnings = NULL;
    c->warning_lines = NULL;
    c->n_warnings = 0;
}

/* Parses with what deck_load_opts found on disk (res->dir may be NULL). */
static int deck_parse_res(const char *name, const char *buf, size_t len, struct deck_res *res, struct deck **out,
                          char *err, size_t errlen)
{
    struct deck_ctx c = {name, err, errlen, NULL, NULL, 0, 0, res};
    struct deck_text t = {NULL, 0, NULL, 0};
    char *text = NULL;
    if (errlen)
        err[0] = '\0';
    *out = NULL;
    if (len > HU_DECK_MAX_BYTES)
        return deck_errorf(&c, 0, "the deck is larger than %d bytes", HU_DECK_MAX_BYTES);
    int rc = deck_utf8_check(&c, (const unsigned char *)buf, len);
    if (rc != HU_OK)
        return rc;
    struct deck *d = calloc(1, sizeof *d);
    if (d)
        d->dir_fd = d->cache_fd = d->logo = -1;
    if (!d || (d->path = strdup(name)) == NULL || deck_normalise(buf, len, &text, &t) != HU_OK) {
        deck_free(d);
        snprintf(err, errlen, "%s: %s", name, hu_strerror(HU_ERR_NOMEM));
        return HU_ERR_NOMEM;
    }
    rc = deck_parse_text(&c, &t, d);
    free(text);
    free(t.line_start);
    /* The images belong to the deck from here, whatever happened. */
    d->media = res->media;
    d->n_media = res->n_media;
    d->n_media_bad = res->n_media_bad;
    res->media = NULL;
    res->n_media = res->cap_media = 0;
    d->theme = res->theme;
    memcpy(d->accent, res->accent, sizeof d->accent);
    d->logo = res->logo;
    deck_marp_set_free(&res->front);
    deck_marp_set_free(&res->running);
    if (rc == HU_OK)
        rc = deck_warn_finish(&c);
    if (rc == HU_ERR_NOMEM)
        snprintf(err, errlen, "%s: %s", name, hu_strerror(HU_ERR_NOMEM));
    if (rc != HU_OK) {
        deck_ctx_free_warnings(&c);
        deck_free(d);
        return rc;
    }
    d->warnings = c.warnings;
    d->n_warnings = c.n_warnings;
    free(c.warning_lines);
    *out = d;
    return HU_OK;
}

static void deck_res_init(struct deck_res *res, const struct deck_opts *opts)
{
    static const struct deck_opts none;
    memset(res, 0, sizeof *res);
    res->opts = opts ? opts : &none;
    res->logo = -1;
}

int deck_parse(const char *name, const char *buf, size_t len, struct deck **out, char *err, size_t errlen)
{
    struct deck_res res;
    deck_res_init(&res, NULL);
    return deck_parse_res(name, buf, len, &res, out, err, errlen);
}

int deck_print_warnings(const struct deck *deck, FILE *f)
{
    for (size_t i = 0; deck && f && i < deck->n_warnings; i++)
        if (fprintf(f, "%s\n", deck->warnings[i]) < 0)
            return -1;
    return 0;
}

int deck_load_warn(const char *path, FILE *warn, struct deck **out, char *err, size_t errlen)
{
    return deck_load_opts(path, NULL, warn, out, err, errlen);
}

/* The deck's folder, symlinks resolved, into dir; opens it as an O_PATH
 * descriptor for the HTTP edge. */
static int deck_open_dir(struct deck_ctx *c, const char *path, char *dir, int *dir_fd)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    char *slash = strrchr(copy, '/');
    if (slash == copy)
        copy[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(copy, sizeof copy, ".");
    *dir_fd = -1;
    if (!realpath(copy, dir) || (*dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        deck_errorf(c, 0, "cannot open the deck's folder: %s", strerror(errno));
        return HU_ERR_IO;
    }
    return HU_OK;
}

/* Parses buf with res (whose opts are set) as the deck `name` whose images
 * and PDFs are in the folder of the file `beside`; on success the deck
 * holds that folder (and the PDF page cache) open for serving. */
static int deck_parse_dir(struct deck_ctx *c, const char *name, const char *buf, size_t n, const char *beside,
                          struct deck_res *res, struct deck **out, char *err, size_t errlen)
{
    const struct deck_opts *opts = res->opts;
    char dir[PATH_MAX];
    int dir_fd = -1, cache_fd = -1;
    int rc = deck_open_dir(c, beside, dir, &dir_fd);
    res->dir = dir;
    if (rc == HU_OK)
        rc = deck_parse_res(name, buf, n, res, out, err, errlen);
    /* The page cache is only touched by a deck that has PDF pages
     * (deck_pdf.c created it): a deck without any never needs a
     * writable folder beside the data file. */
    if (rc == HU_OK && (*out)->n_pdf_pages && opts->pdf_cache &&
        (cache_fd = open(opts->pdf_cache, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        rc = deck_errorf(c, 0, "cannot open the PDF page cache %s: %s", opts->pdf_cache, strerror(errno));
        deck_free(*out);
        *out = NULL;
    }
    if (rc == HU_OK) {
        (*out)->dir_fd = dir_fd;
        (*out)->cache_fd = cache_fd;
    } else {
        if (dir_fd >= 0)
            close(dir_fd);
        if (cache_fd >= 0)
            close(cache_fd);
    }
    res->dir = NULL;
    return rc;
}

int deck_parse_beside(const char *name, const char *buf, size_t len, const char *beside,
                      const struct deck_opts *opts, struct deck **out, char *err, size_t errlen)
{
    struct deck_res res;
    deck_res_init(&res, opts);
    struct deck_ctx c = {name, err, errlen, NULL, NULL, 0, 0, &res};
    *out = NULL;
    if (errlen)
        err[0] = '\0';
    return deck_parse_dir(&c, name, buf, len, beside, &res, out, err, errlen);
}

int deck_load_opts(const char *path, const struct deck_opts *opts, FILE *warn, struct deck **out, char *err,
                   size_t errlen)
{
    struct deck_res res;
    deck_res_init(&res, opts);
    struct deck_ctx c = {path, err, errlen, NULL, NULL, 0, 0, &res};
    *out = NULL;
    if (errlen)
        err[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f) {
        deck_errorf(&c, 0, "cannot read: %s", strerror(errno));
        return HU_ERR_IO;
    }
    /* One byte more than the cap tells "too large" from "exactly the cap". */
    char *buf = malloc((size_t)HU_DECK_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        deck_errorf(&c, 0, "%s", hu_strerror(HU_ERR_NOMEM));
        return HU_ERR_NOMEM;
    }
    size_t n = fread(buf, 1, (size_t)HU_DECK_MAX_BYTES + 1, f);
    int read_errno = ferror(f) ? errno : 0;
    fclose(f);
    int rc;
    if (read_errno) {
        deck_errorf(&c, 0, "cannot read: %s", strerror(read_errno));
        rc = HU_ERR_IO;
    } else if (n > HU_DECK_MAX_BYTES) {
        rc = deck_errorf(&c, 0, "the deck is larger than %d bytes", HU_DECK_MAX_BYTES);
    } else {
        rc = deck_parse_dir(&c, path, buf, n, path, &res, out, err, errlen);
    }
    free(buf);
    /* Warnings are advice: failing to print one does not fail the load. */
    if (rc == HU_OK && warn && deck_print_warnings(*out, warn) == 0)
        (void)fflush(warn);
    return rc;
}

bool deck_pdf_cache_path(const char *data_path, char *out, size_t outlen)
{
    int n = snprintf(out, outlen, "%s.pages", data_path);
    return n > 0 && (size_t)n < outlen;
}

int deck_load(const char *path, struct deck **out, char *err, size_t errlen)
{
    return deck_load_warn(path, stderr, out, err, errlen);
}

int deck_find_poll(const struct deck *deck, const char *poll_id)
{
    for (size_t i = 0; i < deck->n_slides; i++)
        if (deck->slides[i].kind == DECK_SLIDE_POLL && strcmp(deck->slides[i].poll_id, poll_id) == 0)
            return (int)i;
    return -1;
}

void deck_slide_free(struct deck_slide *sl)
{
    free(sl->title);
    free(sl->html);
    free(sl->notes);
    free(sl->notes_html);
    free(sl->question);
    free(sl->spec);
    free(sl->bgs);
    deck_look_free(&sl->look);
    memset(sl, 0, sizeof *sl);
}

static void deck_media_free(struct deck_media *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].key);
        free(m[i].file);
    }
    free(m);
}

void deck_release_files(struct deck *deck)
{
    if (!deck)
        return;
    if (deck->dir_fd >= 0)
        close(deck->dir_fd);
    if (deck->cache_fd >= 0)
        close(deck->cache_fd);
    deck->dir_fd = deck->cache_fd = -1;
}

void deck_free(struct deck *deck)
{
    if (!deck)
        return;
    for (size_t i = 0; i < deck->n_slides; i++)
        deck_slide_free(&deck->slides[i]);
    deck_media_free(deck->media, deck->n_media);
    deck_release_files(deck);
    for (size_t i = 0; i < deck->n_warnings; i++)
        free(deck->warnings[i]);
    free(deck->warnings);
    free(deck->slides);
    free(deck->title);
    free(deck->path);
    free(deck);
}
