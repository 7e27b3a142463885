/* deck.c -- reading a deck file and cutting it into slides.
 *
 * The text is checked (UTF-8, no NUL) and normalised (no BOM, "\n" line
 * endings) first.  After the front matter, every HTML comment that cmark
 * would not keep whole (one with text after it on its line, one opened
 * mid-line and closed on a later line, or one cmark 0.30 refuses inline) is
 * put on a line of its own, and every later line remembers its file line for
 * messages.  Slides are then cut at "---" lines outside code and comments;
 * each slide is built by deck_slide.c.  The format is docs/deck-format.md. */
#include "deck_impl.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hu_err.h"

#define DECK_PREFIX_MAX 16 /* container prefix copied onto a line made by a split */

/* One slide's lines before it is built: body lines (0-based) [first, end). */
struct deck_segment {
    size_t first, end;
    bool blank;  /* only whitespace */
    bool setext; /* ends at a "---" that follows a paragraph line (see deck_slide_info) */
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

int deck_file_line(const struct deck_lines *l, int k)
{
    if (l->n == 0)
        return l->fallback;
    if (k < 1)
        k = 1;
    if ((size_t)k > l->n)
        k = (int)l->n;
    return l->line_of[k - 1];
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

/* Records where each line of t->s starts.  HU_OK or HU_ERR_NOMEM. */
static int deck_index_lines(struct deck_text *t)
{
    size_t *starts = malloc((t->len + 1) * sizeof *starts), lines = 0;
    if (!starts)
        return HU_ERR_NOMEM;
    for (size_t i = 0; i < t->len; i++)
        if (i == 0 || t->s[i - 1] == '\n')
            starts[lines++] = i;
    t->line_start = starts;
    t->n_lines = lines;
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

static bool deck_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

static bool deck_is_separator(const char *s, size_t len)
{
    /* Exactly "---", then nothing but trailing spaces or tabs. */
    return len >= 3 && memcmp(s, "---", 3) == 0 && deck_blank(s + 3, len - 3);
}

/* Columns of leading white space (a tab goes to the next multiple of 4);
 * *bytes is how many bytes that is. */
static size_t deck_indent(const char *s, size_t len, size_t *bytes)
{
    size_t cols = 0, i = 0;
    for (; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
        cols = s[i] == '\t' ? (cols / 4 + 1) * 4 : cols + 1;
    *bytes = i;
    return cols;
}

/* Length of a list item marker at s ("- ", "* ", "+ ", "1. ", "2) "), or 0. */
static size_t deck_list_marker(const char *s, size_t len)
{
    size_t j = 0;
    while (j < len && j < 9 && s[j] >= '0' && s[j] <= '9')
        j++;
    if (j > 0 && j < len && (s[j] == '.' || s[j] == ')'))
        j++;
    else if (j == 0 && len > 0 && (s[0] == '-' || s[0] == '*' || s[0] == '+'))
        j = 1;
    else
        return 0;
    return j == len || s[j] == ' ' || s[j] == '\t' ? j : 0;
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
        size_t m = deck_list_marker(s + i, len - i);
        if (m == 0)
            return i;
        i += m;
    }
}

/* A fence line whose run starts at s[i]: 3 or more "`" or "~".  Returns the
 * run length (0 if not a fence); *rest_blank tells whether nothing follows,
 * as a closing fence needs. */
static size_t deck_fence_at(const char *s, size_t len, size_t i, char *ch, bool *rest_blank)
{
    size_t n = 0;
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

/* What the splitter and the rewriter know about the Markdown around a line:
 * enough to tell separators, code and comments apart without a full parser. */
struct deck_scan {
    size_t fence_len; /* run length of the open fence, 0 when none */
    char fence_ch;
    bool fence_top;   /* opened outside containers: its closer must be too, indented 3 at most */
    bool in_comment;
    bool in_list;     /* a list is open: indented lines are its content, not code */
    bool prev_blank;  /* the previous line was blank, or there was none */
    bool prev_code;   /* the previous line was indented code */
    size_t open_line; /* where the open fence or comment started */
};

enum deck_line_kind { DECK_LINE_TEXT, DECK_LINE_CODE, DECK_LINE_SEPARATOR };

static void deck_scan_init(struct deck_scan *st)
{
    memset(st, 0, sizeof *st);
    st->prev_blank = true;
}

/* Classifies line i (s, len) and moves the state past it. */
static enum deck_line_kind deck_scan_line(struct deck_scan *st, const char *s, size_t len, size_t i)
{
    size_t ws, o, cl;
    size_t ind = deck_indent(s, len, &ws);
    char ch = 0;
    bool rest_blank = false;
    struct deck_cscan cs;
    if (st->in_comment) {
        deck_cscan_init(&cs, s, len, true);
        while (deck_cscan_next(&cs, &o, &cl)) {
        }
        st->in_comment = cs.in_comment;
        st->prev_blank = st->prev_code = false;
        return DECK_LINE_TEXT;
    }
    if (st->fence_len) {
        size_t k = st->fence_top ? (ind < 4 ? deck_fence_at(s, len, ws, &ch, &rest_blank) : 0)
                                 : deck_fence_at(s, len, deck_skip_containers(s, len), &ch, &rest_blank);
        if (k >= st->fence_len && ch == st->fence_ch && rest_blank)
            st->fence_len = 0;
        st->prev_blank = st->prev_code = false;
        return DECK_LINE_CODE;
    }
    if (deck_is_separator(s, len)) {
        st->in_list = st->prev_code = false;
        st->prev_blank = true;
        return DECK_LINE_SEPARATOR;
    }
    if (ws == len) {
        st->prev_blank = true;
        return DECK_LINE_TEXT;
    }
    /* Indented code: 4 columns after a blank line, outside a list (where
     * indentation belongs to the list item).  "    ```" there is code. */
    if (ind >= 4 && !st->in_list && (st->prev_blank || st->prev_code)) {
        st->prev_blank = false;
        st->prev_code = true;
        return DECK_LINE_CODE;
    }
    if (ind < 4 && deck_list_marker(s + ws, len - ws))
        st->in_list = true;
    else if (ind == 0 && (st->prev_blank || s[0] == '#'))
        st->in_list = false;
    st->prev_blank = st->prev_code = false;
    size_t at = deck_skip_containers(s, len);
    if (ind < 4 || st->in_list) {
        size_t n = deck_fence_at(s, len, at, &ch, &rest_blank);
        if (n) {
            st->fence_len = n;
            st->fence_ch = ch;
            st->fence_top = at == ws && ind < 4;
            st->open_line = i;
            return DECK_LINE_CODE;
        }
    }
    deck_cscan_init(&cs, s, len, false);
    while (deck_cscan_next(&cs, &o, &cl)) {
    }
    if (cs.in_comment) {
        st->in_comment = true;
        st->open_line = i;
    }
    return DECK_LINE_TEXT;
}

/* The body of the deck after the rewrite described at the top of the file. */
struct deck_rw {
    struct hu_buf out;
    int *line_of;     /* file line of each output line. From malloc() */
    size_t n, cap;    /* output lines, and room in line_of */
    size_t line_from; /* offset in out where the current output line starts */
    struct deck_scan st;
};

/* Ends the current output line, made from file line `line`. */
static int deck_rw_end(struct deck_rw *rw, int line)
{
    if (rw->n == rw->cap) {
        size_t cap = rw->cap ? rw->cap * 2 : 256;
        int *p = realloc(rw->line_of, cap * sizeof *p);
        if (!p)
            return HU_ERR_NOMEM;
        rw->line_of = p;
        rw->cap = cap;
    }
    const char *s = rw->out.data ? rw->out.data + rw->line_from : "";
    (void)deck_scan_line(&rw->st, s, rw->out.len - rw->line_from, rw->n);
    rw->line_of[rw->n++] = line;
    int rc = hu_buf_append(&rw->out, "\n", 1);
    rw->line_from = rw->out.len;
    return rc;
}

/* Drops white space at the end of the current output line. */
static void deck_rw_rtrim(struct deck_rw *rw)
{
    char *d = rw->out.data;
    while (rw->out.len > rw->line_from && (d[rw->out.len - 1] == ' ' || d[rw->out.len - 1] == '\t'))
        d[--rw->out.len] = '\0';
}

/* Starts a new output line inside the same containers as the line split. */
static int deck_rw_break(struct deck_rw *rw, int line, const char *pre, size_t pre_len)
{
    deck_rw_rtrim(rw);
    int rc = deck_rw_end(rw, line);
    return rc == HU_OK ? hu_buf_append(&rw->out, pre, pre_len) : rc;
}

/* Rewrites one file line.  Comments that must start a line ("block" ones)
 * get one, text after them gets the next; a comment cmark reads inline
 * (closed on its line, after text) stays where it is. */
static int deck_rw_line(struct deck_rw *rw, const char *s, size_t len, int line)
{
    struct deck_scan peek = rw->st;
    enum deck_line_kind kind = deck_scan_line(&peek, s, len, 0);
    int rc = HU_OK;
    if (kind != DECK_LINE_TEXT || (!rw->st.in_comment && !memmem(s, len, "<!--", 4))) {
        rc = hu_buf_append(&rw->out, s, len);
        return rc == HU_OK ? deck_rw_end(rw, line) : rc;
    }
    /* The prefix a line made by a split needs to stay in its block quote or
     * list item: the markers, list markers as spaces. */
    char pre[DECK_PREFIX_MAX];
    size_t content = deck_skip_containers(s, len), pre_len = 0;
    bool marker = false;
    for (size_t i = 0; i < content && i < DECK_PREFIX_MAX; i++) {
        marker = marker || (s[i] != ' ' && s[i] != '\t');
        pre[pre_len++] = s[i] == '>' || s[i] == '\t' ? s[i] : ' ';
    }
    if ((!marker && !rw->st.in_list) || content > DECK_PREFIX_MAX)
        pre_len = 0;
    struct deck_cscan cs;
    size_t pos = 0, o, cl;
    bool fresh = true, block = false; /* output line: nothing but its prefix yet / ends in a block comment */
    deck_cscan_init(&cs, s, len, rw->st.in_comment);
    if (!rw->st.in_comment) {
        /* Outside containers, indentation before a comment that starts the
         * line is dropped: indented, cmark would read it as part of the
         * paragraph above, where a "---" inside it would end a heading. */
        bool starts = len - content >= 4 && memcmp(s + content, "<!--", 4) == 0;
        rc = hu_buf_append(&rw->out, s, starts && pre_len == 0 && !marker ? 0 : content);
        pos = content;
    }
    while (rc == HU_OK && deck_cscan_next(&cs, &o, &cl)) {
        size_t start = o == SIZE_MAX ? 0 : o, end = cl == len ? len : cl + 3;
        if (!deck_blank(s + pos, start - pos)) {
            if (block) {
                rc = deck_rw_break(rw, line, pre, pre_len);
                while (s[pos] == ' ' || s[pos] == '\t')
                    pos++;
            }
            if (rc == HU_OK)
                rc = hu_buf_append(&rw->out, s + pos, start - pos);
            fresh = block = false;
        } else if (!fresh && !block && rc == HU_OK) {
            rc = hu_buf_append(&rw->out, s + pos, start - pos);
        }
        bool inline_ok = o != SIZE_MAX && cl < len && cl >= o + 4 && deck_inline_comment_ok(s + o + 4, cl - o - 4);
        if (rc == HU_OK && !fresh && !block && !inline_ok)
            rc = deck_rw_break(rw, line, pre, pre_len);
        if (rc == HU_OK)
            rc = hu_buf_append(&rw->out, s + start, end - start);
        block = block || fresh || !inline_ok;
        fresh = false;
        pos = end;
    }
    if (rc == HU_OK && !deck_blank(s + pos, len - pos)) {
        if (block) {
            rc = deck_rw_break(rw, line, pre, pre_len);
            while (s[pos] == ' ' || s[pos] == '\t')
                pos++;
        }
        if (rc == HU_OK)
            rc = hu_buf_append(&rw->out, s + pos, len - pos);
    } else if (rc == HU_OK && !block) {
        rc = hu_buf_append(&rw->out, s + pos, len - pos); /* trailing spaces may be a hard break */
    }
    return rc == HU_OK ? deck_rw_end(rw, line) : rc;
}

/* Rewrites file lines [from, n_lines) of t into body; body->s and *line_of
 * are malloc'd. */
static int deck_rewrite(const struct deck_text *t, size_t from, char **text, struct deck_text *body, int **line_of)
{
    struct deck_rw rw;
    memset(&rw, 0, sizeof rw);
    /* A split adds at most a prefix and a newline per "<!--" (4 bytes). */
    hu_buf_init(&rw.out, (size_t)HU_DECK_MAX_BYTES * (DECK_PREFIX_MAX + 5) / 4 + 16);
    deck_scan_init(&rw.st);
    int rc = HU_OK;
    for (size_t i = from; i < t->n_lines && rc == HU_OK; i++) {
        size_t len;
        const char *s = deck_line(t, i, &len);
        rc = deck_rw_line(&rw, s, len, (int)i + 1);
    }
    if (rc == HU_OK) {
        *text = hu_buf_steal(&rw.out);
        if (!*text)
            rc = HU_ERR_NOMEM;
    }
    hu_buf_free(&rw.out);
    if (rc == HU_OK) {
        body->s = *text;
        body->len = strlen(*text);
        rc = deck_index_lines(body);
    }
    if (rc != HU_OK) {
        free(rw.line_of);
        return HU_ERR_NOMEM; /* the cap above cannot be reached */
    }
    *line_of = rw.line_of;
    return HU_OK;
}

/* A line that cmark would read as paragraph text, so that a "---" right
 * under it reads as a setext heading's underline in other Markdown tools. */
static bool deck_paragraph_like(const char *s, size_t len)
{
    size_t ws;
    if (deck_indent(s, len, &ws) >= 4 || ws == len)
        return false;
    char ch = s[ws];
    return ch != '#' && ch != '>' && ch != '<' && ch != '|' && ch != '`' && ch != '~' &&
           deck_list_marker(s + ws, len - ws) == 0;
}

/* Cuts the body's lines into segments.  *segs is malloc'd. */
static int deck_split(struct deck_ctx *c, const struct deck_text *t, const int *line_of, struct deck_segment **segs,
                      size_t *n_segs)
{
    struct deck_segment *v = malloc((t->n_lines + 1) * sizeof *v);
    if (!v)
        return HU_ERR_NOMEM;
    struct deck_scan st;
    size_t n = 0, seg = 0;
    bool blank = true, para = false;
    deck_scan_init(&st);
    for (size_t i = 0; i < t->n_lines; i++) {
        size_t len;
        const char *s = deck_line(t, i, &len);
        bool was_comment = st.in_comment;
        enum deck_line_kind kind = deck_scan_line(&st, s, len, i);
        if (kind == DECK_LINE_SEPARATOR) {
            v[n++] = (struct deck_segment){seg, i, blank, para};
            seg = i + 1;
            blank = true;
            para = false;
            continue;
        }
        para = kind == DECK_LINE_TEXT && !was_comment && !st.in_comment && deck_paragraph_like(s, len);
        blank = blank && deck_blank(s, len);
    }
    v[n++] = (struct deck_segment){seg, t->n_lines, blank, false};
    *segs = v;
    *n_segs = n;
    /* An unclosed fence or comment would swallow every later slide, polls
     * included, without a word: better to say so. */
    if (st.fence_len)
        return deck_errorf(c, line_of[st.open_line], "code fence is not closed (expected a closing %.3s line)",
                           st.fence_ch == '`' ? "```" : "~~~");
    if (st.in_comment)
        return deck_errorf(c, line_of[st.open_line], "HTML comment is not closed (expected \"-->\")");
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
        rc = deck_poll_ids(c, d, info);
    if (rc == HU_OK)
        rc = deck_same_questions(c, d, info);
    if (rc == HU_OK && front->has_code) {
        d->has_code = true;
        memcpy(d->code, front->code, sizeof d->code);
    }
    if (rc == HU_OK)
        rc = deck_title(c, d, front, &info[0]);
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

int deck_parse(const char *name, const char *buf, size_t len, struct deck **out, char *err, size_t errlen)
{
    struct deck_ctx c = {name, err, errlen, NULL, NULL, 0, 0};
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

int deck_print_warnings(const struct deck *deck, FILE *f)
{
    for (size_t i = 0; deck && f && i < deck->n_warnings; i++)
        if (fprintf(f, "%s\n", deck->warnings[i]) < 0)
            return -1;
    return 0;
}

int deck_load_warn(const char *path, FILE *warn, struct deck **out, char *err, size_t errlen)
{
    struct deck_ctx c = {path, err, errlen, NULL, NULL, 0, 0};
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
    /* Warnings are advice: failing to print one does not fail the load. */
    if (rc == HU_OK && warn && deck_print_warnings(*out, warn) == 0)
        (void)fflush(warn);
    return rc;
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
    for (size_t i = 0; i < deck->n_warnings; i++)
        free(deck->warnings[i]);
    free(deck->warnings);
    free(deck->slides);
    free(deck->title);
    free(deck->path);
    free(deck);
}
