/* deck.c -- reading a deck file and cutting it into slides.
 *
 * The text is checked (UTF-8, no NUL) and normalised (no BOM, "\n" line
 * endings) first, so every later step can report the original file line.
 * Slides are cut at "---" lines outside code fences and HTML comments; each
 * slide is then built by deck_slide.c.  The format is docs/deck-format.md. */
#include "deck_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hu_err.h"

/* One slide's lines before it is built: file lines (0-based) [first, end). */
struct deck_segment {
    size_t first, end;
    bool blank; /* only whitespace */
};

const char *deck_line(const struct deck_text *t, size_t i, size_t *len)
{
    size_t start = t->line_start[i];
    size_t end = i + 1 < t->n_lines ? t->line_start[i + 1] - 1 : t->len;
    if (end > start && t->s[end - 1] == '\n')
        end--;
    *len = end - start;
    return t->s + start;
}

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

/* Copies buf without its BOM and with "\r\n" and lone "\r" made "\n", and
 * records where each line starts. */
static int deck_normalise(const char *buf, size_t len, char **text, struct deck_text *t)
{
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    char *s = malloc(len + 1);
    size_t *starts = malloc((len + 1) * sizeof *starts);
    if (!s || !starts) {
        free(s);
        free(starts);
        return HU_ERR_NOMEM;
    }
    size_t n = 0, lines = 0;
    for (size_t i = 0; i < len; i++) {
        if (n == 0 || s[n - 1] == '\n')
            starts[lines++] = n;
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
    t->line_start = starts;
    t->n_lines = lines;
    return HU_OK;
}

static bool deck_is_separator(const char *s, size_t len)
{
    /* Exactly "---", then nothing but trailing spaces or tabs. */
    if (len < 3 || memcmp(s, "---", 3) != 0)
        return false;
    for (size_t i = 3; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

/* Skips indentation and the markers of block quotes and list items, so a
 * fence inside "> ```" or "- ```" is seen too. */
static size_t deck_skip_containers(const char *s, size_t len)
{
    size_t i = 0;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i < len && s[i] == '>') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && j - i < 9 && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j > i && j < len && (s[j] == '.' || s[j] == ')'))
            j++;
        else if (j == i && j < len && (s[j] == '-' || s[j] == '*' || s[j] == '+'))
            j++;
        else
            return i;
        if (j < len && s[j] != ' ' && s[j] != '\t')
            return i;
        i = j;
    }
}

/* A fence line: 3 or more "`" or "~".  Returns the run length (0 if not a
 * fence); *rest_blank tells whether nothing follows, as a closing fence needs. */
static size_t deck_fence(const char *s, size_t len, char *ch, bool *rest_blank)
{
    size_t i = deck_skip_containers(s, len), n = 0;
    if (i >= len || (s[i] != '`' && s[i] != '~'))
        return 0;
    *ch = s[i];
    while (i + n < len && s[i + n] == *ch)
        n++;
    if (n < 3)
        return 0;
    *rest_blank = true;
    for (size_t k = i + n; k < len; k++) {
        if (s[k] != ' ' && s[k] != '\t')
            *rest_blank = false;
        if (*ch == '`' && s[k] == '`')
            return 0; /* "```x```" is a code span, not a fence */
    }
    return n;
}

/* Does the line open an HTML comment block that it does not close? */
static bool deck_opens_comment(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (len - i < 4 || memcmp(s + i, "<!--", 4) != 0)
        return false;
    for (size_t k = i + 4; k + 3 <= len; k++)
        if (memcmp(s + k, "-->", 3) == 0)
            return false;
    return true;
}

static bool deck_has_comment_end(const char *s, size_t len)
{
    for (size_t k = 0; k + 3 <= len; k++)
        if (memcmp(s + k, "-->", 3) == 0)
            return true;
    return false;
}

/* Cuts lines [first, n_lines) into segments.  *segs is malloc'd. */
static int deck_split(struct deck_ctx *c, const struct deck_text *t, size_t first, struct deck_segment **segs,
                      size_t *n_segs)
{
    struct deck_segment *v = malloc((t->n_lines + 1) * sizeof *v);
    if (!v)
        return HU_ERR_NOMEM;
    size_t n = 0, fence_len = 0, open_line = 0;
    char fence_ch = 0;
    bool in_comment = false, blank = true;
    size_t seg = first;
    for (size_t i = first; i < t->n_lines; i++) {
        size_t len;
        const char *s = deck_line(t, i, &len);
        char ch;
        bool rest_blank = false;
        if (in_comment) {
            in_comment = !deck_has_comment_end(s, len);
        } else if (fence_len) {
            size_t k = deck_fence(s, len, &ch, &rest_blank);
            if (k >= fence_len && ch == fence_ch && rest_blank)
                fence_len = 0;
        } else if (deck_is_separator(s, len)) {
            v[n++] = (struct deck_segment){seg, i, blank};
            seg = i + 1;
            blank = true;
            continue;
        } else if ((fence_len = deck_fence(s, len, &fence_ch, &rest_blank)) > 0) {
            open_line = i;
        } else if (deck_opens_comment(s, len)) {
            in_comment = true;
            open_line = i;
        }
        for (size_t k = 0; k < len && blank; k++)
            blank = s[k] == ' ' || s[k] == '\t';
    }
    v[n++] = (struct deck_segment){seg, t->n_lines, blank};
    *segs = v;
    *n_segs = n;
    /* An unclosed fence or comment would swallow every later slide, polls
     * included, without a word: better to say so. */
    if (fence_len)
        return deck_errorf(c, (int)open_line + 1, "code fence is not closed (expected a closing %.3s line)",
                           fence_ch == '`' ? "```" : "~~~");
    if (in_comment)
        return deck_errorf(c, (int)open_line + 1, "HTML comment is not closed (expected \"-->\")");
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
    return strndup(base, len);
}

/* Gives every poll its id ("poll-N" when not explicit) and refuses twins. */
static int deck_poll_ids(struct deck_ctx *c, struct deck *d, const int *id_lines)
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
                return deck_errorf(c, id_lines[i], "duplicate poll id \"%s\" (already used by the poll at line %d)",
                                   sl->poll_id, id_lines[j]);
    }
    d->n_polls = np;
    return HU_OK;
}

/* Builds the slides and the deck's own fields from the cut segments. */
static int deck_build(struct deck_ctx *c, const struct deck_text *t, const struct deck_segment *segs, size_t n_segs,
                      const struct deck_front *front, struct deck *d)
{
    int *id_lines = calloc(n_segs, sizeof *id_lines);
    d->slides = calloc(n_segs, sizeof *d->slides);
    if (!id_lines || !d->slides) {
        free(id_lines);
        return HU_ERR_NOMEM;
    }
    int rc = HU_OK;
    for (size_t i = 0; i < n_segs && rc == HU_OK; i++) {
        size_t from = t->line_start[segs[i].first];
        size_t to = segs[i].end < t->n_lines ? t->line_start[segs[i].end] : t->len;
        d->n_slides++;
        rc = deck_slide_build(c, t->s + from, to - from, (int)segs[i].first + 1, &d->slides[i], &id_lines[i]);
    }
    if (rc == HU_OK)
        rc = deck_poll_ids(c, d, id_lines);
    free(id_lines);
    if (rc != HU_OK)
        return rc;
    if (front->has_code) {
        d->has_code = true;
        memcpy(d->code, front->code, sizeof d->code);
    }
    if (front->title[0])
        d->title = strdup(front->title);
    else if (d->slides[0].title)
        d->title = strdup(d->slides[0].title);
    else
        d->title = deck_basename_title(c->name);
    return d->title ? HU_OK : HU_ERR_NOMEM;
}

static bool deck_line_is_separator(const struct deck_text *t, size_t i)
{
    size_t len;
    const char *s = deck_line(t, i, &len);
    return deck_is_separator(s, len);
}

static int deck_parse_text(struct deck_ctx *c, const struct deck_text *t, struct deck *d)
{
    struct deck_front front;
    memset(&front, 0, sizeof front);
    size_t body = 0;
    if (t->n_lines > 0 && deck_line_is_separator(t, 0)) {
        size_t end = 1;
        while (end < t->n_lines && !deck_line_is_separator(t, end))
            end++;
        if (end == t->n_lines)
            return deck_errorf(c, 1, "front matter is not closed (expected a \"---\" line after it)");
        int rc = deck_front_parse(c, t, 1, end, &front);
        if (rc != HU_OK)
            return rc;
        body = end + 1;
    }
    struct deck_segment *segs = NULL;
    size_t n = 0;
    int rc = deck_split(c, t, body, &segs, &n);
    /* Whitespace-only slides at either end are the "---" habits of authors
     * (one after the front matter, one at the end), not blank slides. */
    size_t lo = 0, hi = n;
    while (rc == HU_OK && lo < hi && segs[lo].blank)
        lo++;
    while (rc == HU_OK && hi > lo && segs[hi - 1].blank)
        hi--;
    if (rc == HU_OK && lo == hi)
        rc = deck_errorf(c, (int)(body < t->n_lines ? body + 1 : (body ? body : 1)),
                         "the deck has no slides (expected Markdown content%s)", body ? " after the front matter" : "");
    if (rc == HU_OK && hi - lo > HU_DECK_MAX_SLIDES)
        rc = deck_errorf(c, (int)segs[lo + HU_DECK_MAX_SLIDES].first + 1, "too many slides (at most %d)",
                         HU_DECK_MAX_SLIDES);
    if (rc == HU_OK)
        rc = deck_build(c, t, segs + lo, hi - lo, &front, d);
    free(segs);
    return rc;
}

int deck_parse(const char *name, const char *buf, size_t len, struct deck **out, char *err, size_t errlen)
{
    struct deck_ctx c = {name, err, errlen};
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
    if (!d || (d->path = strdup(name)) == NULL || deck_normalise(buf, len, &text, &t) != HU_OK) {
        deck_free(d);
        snprintf(err, errlen, "%s: %s", name, hu_strerror(HU_ERR_NOMEM));
        return HU_ERR_NOMEM;
    }
    rc = deck_parse_text(&c, &t, d);
    free(text);
    free(t.line_start);
    if (rc == HU_ERR_NOMEM)
        snprintf(err, errlen, "%s: %s", name, hu_strerror(HU_ERR_NOMEM));
    if (rc != HU_OK) {
        deck_free(d);
        return rc;
    }
    *out = d;
    return HU_OK;
}

int deck_load(const char *path, struct deck **out, char *err, size_t errlen)
{
    struct deck_ctx c = {path, err, errlen};
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
        rc = deck_parse(path, buf, n, out, err, errlen);
    }
    free(buf);
    return rc;
}

int deck_find_poll(const struct deck *deck, const char *poll_id)
{
    for (size_t i = 0; i < deck->n_slides; i++)
        if (deck->slides[i].kind == DECK_SLIDE_POLL && strcmp(deck->slides[i].poll_id, poll_id) == 0)
            return (int)i;
    return -1;
}

void deck_free(struct deck *deck)
{
    if (!deck)
        return;
    for (size_t i = 0; i < deck->n_slides; i++) {
        free(deck->slides[i].title);
        free(deck->slides[i].html);
        free(deck->slides[i].notes);
        free(deck->slides[i].question);
    }
    free(deck->slides);
    free(deck->title);
    free(deck->path);
    free(deck);
}
