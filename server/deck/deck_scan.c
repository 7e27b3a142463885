/* deck_scan.c -- finding where slides end: "---" lines outside code and
 * comments.
 *
 * Lines are classified as cmark would see them (fenced and indented code,
 * block quotes and list items, HTML comments), every comment that cmark
 * would not keep whole is moved onto a line of its own (deck_rewrite), and
 * the body is cut into slide segments at separators (deck_split).  deck.c
 * reads and normalises the file around this; deck_slide.c builds each
 * slide. */
#include "deck_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"

#define DECK_PREFIX_MAX 16 /* container prefix copied onto a line made by a split */

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

int deck_rewrite(const struct deck_text *t, size_t from, char **text, struct deck_text *body, int **line_of)
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

/* An ATX heading's level ("## x" is 2), or 0. */
static int deck_atx_level(const char *s, size_t len)
{
    size_t ws, lvl = 0;
    if (deck_indent(s, len, &ws) >= 4)
        return 0;
    while (ws + lvl < len && s[ws + lvl] == '#')
        lvl++;
    if (lvl < 1 || lvl > 6 || (ws + lvl < len && s[ws + lvl] != ' ' && s[ws + lvl] != '\t'))
        return 0;
    return (int)lvl;
}

/* A setext "===" underline. */
static bool deck_setext_eq(const char *s, size_t len)
{
    size_t ws;
    if (deck_indent(s, len, &ws) >= 4 || ws == len || s[ws] != '=')
        return false;
    size_t i = ws;
    while (i < len && s[i] == '=')
        i++;
    return deck_blank(s + i, len - i);
}

/* Feeds the parts of line s that are inside comments to the Marp scan for
 * "headingDivider" (a global directive may sit in any comment). */
static void deck_split_comments(struct deck_ctx *c, const char *s, size_t len, bool in_comment)
{
    struct deck_cscan cs;
    size_t o, cl;
    deck_cscan_init(&cs, s, len, in_comment);
    while (deck_cscan_next(&cs, &o, &cl)) {
        size_t from = o == SIZE_MAX ? 0 : o + 4;
        if (cl > from)
            deck_marp_scan_comment(c, s + from, cl - from);
    }
}

/* Where a slide starts: at a "---" line (which belongs to no slide) or, with
 * Marp's headingDivider, at a heading (which starts the new slide). */
struct deck_cut {
    size_t line;
    bool sep;
    bool setext;   /* sep: the "---" is right under a paragraph line */
    int level;     /* heading: its level */
    bool visible;  /* heading: anything shown came before it in the deck */
};

int deck_split(struct deck_ctx *c, const struct deck_text *t, const int *line_of, struct deck_segment **segs,
               size_t *n_segs)
{
    struct deck_cut *cuts = malloc((t->n_lines + 1) * sizeof *cuts);
    struct deck_segment *v = malloc((t->n_lines + 1) * sizeof *v);
    if (!cuts || !v) {
        free(cuts);
        free(v);
        return HU_ERR_NOMEM;
    }
    struct deck_scan st;
    size_t nc = 0, para_start = 0;
    bool para = false, visible = false;
    deck_scan_init(&st);
    for (size_t i = 0; i < t->n_lines; i++) {
        size_t len;
        const char *s = deck_line(t, i, &len);
        bool was_comment = st.in_comment;
        enum deck_line_kind kind = deck_scan_line(&st, s, len, i);
        if (kind == DECK_LINE_SEPARATOR) {
            cuts[nc++] = (struct deck_cut){i, true, para, 0, false};
            para = false;
            visible = true;
            continue;
        }
        if (kind == DECK_LINE_TEXT && (was_comment || memmem(s, len, "<!--", 4)))
            deck_split_comments(c, s, len, was_comment);
        int level = kind == DECK_LINE_TEXT && !was_comment ? deck_atx_level(s, len) : 0;
        if (level && !st.in_list)
            cuts[nc++] = (struct deck_cut){i, false, false, level, visible};
        else if (kind == DECK_LINE_TEXT && !was_comment && para && deck_setext_eq(s, len))
            cuts[nc++] = (struct deck_cut){para_start, false, false, 1, true};
        bool is_para = kind == DECK_LINE_TEXT && !was_comment && !st.in_comment && deck_paragraph_like(s, len);
        if (is_para && !para)
            para_start = i;
        para = is_para;
        /* What Marp counts as shown: anything but blank lines and comments. */
        if (kind == DECK_LINE_CODE || (kind == DECK_LINE_TEXT && !deck_blank(s, len) &&
                                       !(was_comment || (strncmp(s + strspn(s, " \t"), "<!--", 4) == 0 &&
                                                         !level))))
            visible = true;
    }
    /* A setext heading found later for a paragraph that also started with
     * an ATX line cannot happen; cuts are in line order except a setext cut,
     * which names its paragraph's first line: keep the order. */
    for (size_t i = 1; i < nc; i++)
        for (size_t k = i; k > 0 && cuts[k].line < cuts[k - 1].line; k--) {
            struct deck_cut tmp = cuts[k];
            cuts[k] = cuts[k - 1];
            cuts[k - 1] = tmp;
        }
    int divider = c->res->heading_divider;
    size_t n = 0, seg = 0;
    for (size_t k = 0; k < nc; k++) {
        const struct deck_cut *ct = &cuts[k];
        if (ct->sep) {
            v[n++] = (struct deck_segment){seg, ct->line, true, ct->setext};
            seg = ct->line + 1;
        } else if ((divider & (1 << ct->level)) && ct->visible && ct->line > 0 && ct->line >= seg) {
            /* Marp (marpit's heading_divider.js) breaks before such a heading
             * whenever anything shown came before it in the deck, even right
             * after a "---": that makes an empty slide there, as in Marp. */
            v[n++] = (struct deck_segment){seg, ct->line, true, false};
            seg = ct->line;
        }
    }
    v[n++] = (struct deck_segment){seg, t->n_lines, true, false};
    for (size_t k = 0; k < n; k++)
        for (size_t i = v[k].first; i < v[k].end && v[k].blank; i++) {
            size_t len;
            const char *s = deck_line(t, i, &len);
            v[k].blank = deck_blank(s, len);
        }
    free(cuts);
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
