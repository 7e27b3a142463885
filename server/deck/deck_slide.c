/* deck_slide.c -- one slide's Markdown turned into a deck_slide with cmark.
 *
 * cmark finds the HTML comments (so a comment inside a code span or block
 * stays code), deck_directive.c reads them, and the comment nodes are
 * removed before the slide is rendered in safe mode: raw HTML never passes.
 * Smart punctuation stays off, so titles and questions read as typed. */
#include "deck_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hu_err.h"

/* Comment nodes to delete once the walk is over: the iterator must not see
 * its tree change under it. */
struct deck_drop {
    cmark_node **nodes; /* From malloc() */
    size_t n, cap;
};

static int deck_drop_push(struct deck_drop *dr, cmark_node *node)
{
    if (dr->n == dr->cap) {
        size_t cap = dr->cap ? dr->cap * 2 : 8;
        cmark_node **p = realloc(dr->nodes, cap * sizeof *p);
        if (!p)
            return HU_ERR_NOMEM;
        dr->nodes = p;
        dr->cap = cap;
    }
    dr->nodes[dr->n++] = node;
    return HU_OK;
}

static int deck_count_lines(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

/* Reads every comment of an HTML node whose literal starts on slide line
 * `line`.  *only_comments tells whether anything else (a raw tag) is there. */
static int deck_html_node(struct deck_ctx *c, const char *lit, int line, const struct deck_lines *lines,
                          struct deck_directives *d, bool *only_comments)
{
    size_t len = strlen(lit), pos = 0;
    *only_comments = true;
    while (pos < len) {
        const char *open = strstr(lit + pos, "<!--");
        const char *close = open ? deck_comment_end(open, len - (size_t)(open - lit)) : NULL;
        size_t stop = close ? (size_t)(open - lit) : len;
        for (size_t i = pos; i < stop; i++)
            if (lit[i] != ' ' && lit[i] != '\t' && lit[i] != '\n')
                *only_comments = false;
        if (!close)
            break;
        /* "<!-->" and "<!--->" close at once: an empty comment. */
        const char *body = open + 4 <= close ? open + 4 : close;
        int at = deck_file_line(lines, line + deck_count_lines(lit, (size_t)(body - lit)));
        int rc = deck_comment(c, body, (size_t)(close - body), at, d);
        if (rc != HU_OK)
            return rc;
        pos = (size_t)(close - lit) + 3;
    }
    return HU_OK;
}

char *deck_plain_text(cmark_node *heading, size_t max, bool *cut)
{
    struct hu_buf b;
    hu_buf_init(&b, HU_DECK_MAX_BYTES);
    cmark_iter *it = cmark_iter_new(heading);
    if (!it)
        return NULL;
    cmark_event_type ev;
    bool space = false, ok = true;
    while (ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(n);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
            space = true;
            continue;
        }
        if (type != CMARK_NODE_TEXT && type != CMARK_NODE_CODE)
            continue;
        for (const char *p = cmark_node_get_literal(n); p && *p && ok; p++) {
            if (*p == ' ' || *p == '\t' || *p == '\n') {
                space = true;
                continue;
            }
            if (space && b.len)
                ok = hu_buf_append(&b, " ", 1) == HU_OK;
            space = false;
            ok = ok && hu_buf_append(&b, p, 1) == HU_OK;
        }
    }
    cmark_iter_free(it);
    *cut = false;
    if (ok && b.len > max) {
        size_t n = deck_utf8_cut(b.data, b.len, max);
        while (n > 0 && b.data[n - 1] == ' ')
            n--;
        b.data[n] = '\0';
        b.len = n;
        *cut = true;
    }
    char *s = ok ? hu_buf_steal(&b) : NULL;
    hu_buf_free(&b);
    return s;
}

/* The first heading with text: among the slide's own blocks, else inside a
 * block quote or list.  NULL in *title when there is none; HU_ERR_NOMEM on
 * failure. */
static int deck_first_heading(cmark_node *doc, char **title, bool *cut, int *line)
{
    *title = NULL;
    for (int pass = 0; pass < 2 && !*title; pass++) {
        cmark_iter *it = cmark_iter_new(doc);
        if (!it)
            return HU_ERR_NOMEM;
        cmark_event_type ev;
        while (!*title && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
            cmark_node *n = cmark_iter_get_node(it);
            if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_HEADING ||
                (pass == 0 && cmark_node_parent(n) != doc))
                continue;
            char *s = deck_plain_text(n, HU_QUESTION_MAX, cut);
            if (!s) {
                cmark_iter_free(it);
                return HU_ERR_NOMEM;
            }
            if (*s) {
                *title = s;
                *line = cmark_node_get_start_line(n);
            } else {
                free(s);
            }
        }
        cmark_iter_free(it);
    }
    return HU_OK;
}

/* The slide's lines, to look at the source behind a node. */
struct deck_src {
    const char *text;
    size_t len;
    const size_t *starts; /* offset of slide line k + 1 */
    size_t n;
};

/* Does slide line k (1-based) end with a backslash? */
static bool deck_src_backslash(const struct deck_src *src, int k)
{
    if (k < 1 || (size_t)k > src->n)
        return false;
    size_t from = src->starts[k - 1], to = (size_t)k < src->n ? src->starts[k] - 1 : src->len;
    return to > from && src->text[to - 1] == '\\';
}

/* Raw HTML is omitted from pages: say so once per slide, naming the tag
 * (<style> and layout tags are what Marp decks hold).  Returns the line. */
static int deck_raw_html_warning(struct deck_ctx *c, const char *lit, int line, int *rc)
{
    const char *tag = lit;
    while (*tag && *tag != '<')
        tag++;
    size_t n = *tag ? strcspn(tag, " \t\n>") + 1 : 0;
    if (n > 40)
        n = 40;
    if (strncasecmp(tag, "<style", 6) == 0)
        *rc = deck_warnf(c, line, "<style> is not supported: handsup shows the deck in its own theme (use "
                                  "theme:, accent:, color: or backgroundColor:)");
    else
        *rc = deck_warnf(c, line, "raw HTML (%.*s) is not shown: handsup shows Markdown only", (int)n, tag);
    return line;
}

/* Walks the tree: reads every comment and queues comment-only nodes for
 * removal.  cmark 0.30 forgets to count the line of a backslash hard break
 * in inline source positions, so they are corrected here: each such break
 * seen in the paragraph so far moves later inlines one line down. */
static int deck_walk(struct deck_ctx *c, cmark_node *doc, const struct deck_src *src, const struct deck_lines *lines,
                     struct deck_directives *d, struct deck_drop *dr, int *raw_line)
{
    cmark_iter *it = cmark_iter_new(doc);
    if (!it)
        return HU_ERR_NOMEM;
    int rc = HU_OK, breaks = 0, last_end = 0;
    cmark_event_type ev;
    while (rc == HU_OK && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(n);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING) {
            breaks = 0;
            last_end = cmark_node_get_start_line(n);
        } else if (type == CMARK_NODE_LINEBREAK) {
            breaks += deck_src_backslash(src, last_end + breaks);
        } else if ((type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE && cmark_node_get_end_line(n) > 0) {
            last_end = cmark_node_get_end_line(n);
        }
        if (type != CMARK_NODE_HTML_BLOCK && type != CMARK_NODE_HTML_INLINE)
            continue;
        const char *lit = cmark_node_get_literal(n);
        if (!lit)
            continue;
        int line = cmark_node_get_start_line(n) + (type == CMARK_NODE_HTML_INLINE ? breaks : 0);
        /* An inline tag that is not a comment is left for safe mode to omit. */
        bool only_comments = false;
        if (type == CMARK_NODE_HTML_BLOCK || strncmp(lit, "<!--", 4) == 0)
            rc = deck_html_node(c, lit, line, lines, d, &only_comments);
        if (rc == HU_OK && only_comments)
            rc = deck_drop_push(dr, n);
        else if (rc == HU_OK && !*raw_line)
            *raw_line = deck_raw_html_warning(c, lit, deck_file_line(lines, line), &rc);
    }
    cmark_iter_free(it);
    return rc;
}

static bool deck_node_is_text(cmark_node *n) { return n && cmark_node_get_type(n) == CMARK_NODE_TEXT; }

/* Sets the literal of text node n to s[0..len). */
static int deck_set_text(cmark_node *n, const char *s, size_t len)
{
    char *copy = strndup(s, len);
    int ok = copy && cmark_node_set_literal(n, copy);
    free(copy);
    return ok ? HU_OK : HU_ERR_NOMEM;
}

static bool deck_is_blank_char(char ch) { return ch == ' ' || ch == '\t'; }

/* Removes a comment node.  An inline one takes one side's spaces with it
 * where the other side is a space or the edge of the line, so
 * "Text <!-- x --> more" reads "Text more", "# Q? <!-- poll -->" reads "Q?"
 * and "# <!-- fit --> Title" reads "Title". */
static int deck_drop_node(cmark_node *n)
{
    cmark_node *prev = cmark_node_previous(n), *next = cmark_node_next(n);
    int rc = HU_OK;
    if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE) {
        cmark_node_type pt = prev ? cmark_node_get_type(prev) : CMARK_NODE_NONE;
        cmark_node_type nt = next ? cmark_node_get_type(next) : CMARK_NODE_NONE;
        const char *pl = deck_node_is_text(prev) ? cmark_node_get_literal(prev) : NULL;
        const char *nl = deck_node_is_text(next) ? cmark_node_get_literal(next) : NULL;
        bool edge_before = !prev || pt == CMARK_NODE_SOFTBREAK || pt == CMARK_NODE_LINEBREAK;
        bool edge_after = !next || nt == CMARK_NODE_SOFTBREAK || nt == CMARK_NODE_LINEBREAK;
        if (pl && (edge_after || (nl && deck_is_blank_char(nl[0])))) {
            size_t keep = strlen(pl);
            while (keep > 0 && deck_is_blank_char(pl[keep - 1]))
                keep--;
            if (pl[keep])
                rc = deck_set_text(prev, pl, keep);
        } else if (nl && edge_before) {
            size_t skip = 0;
            while (deck_is_blank_char(nl[skip]))
                skip++;
            if (skip)
                rc = deck_set_text(next, nl + skip, strlen(nl + skip));
        }
    }
    cmark_node_free(n); /* also unlinks it */
    return rc;
}

/* Marp renders $...$ and $$...$$ as math (KaTeX); handsup shows them as
 * typed, so a slide holding some gets a warning.  Inline math follows
 * markdown-it-katex: "$" not followed by a space, closed by a "$" not after
 * a space nor before a digit ("$5 and $10" is not math). */
static bool deck_has_math(const char *s)
{
    if (strstr(s, "$$"))
        return true;
    for (const char *p = strchr(s, '$'); p; p = strchr(p + 1, '$')) {
        if (p[1] == '\0' || p[1] == ' ' || p[1] == '\t')
            continue;
        for (const char *q = strchr(p + 1, '$'); q; q = strchr(q + 1, '$'))
            if (q[-1] != ' ' && q[-1] != '\t' && !(q[1] >= '0' && q[1] <= '9'))
                return true;
        return false;
    }
    return false;
}

static int deck_math_warning(struct deck_ctx *c, cmark_node *doc, const struct deck_lines *lines)
{
    cmark_iter *it = cmark_iter_new(doc);
    if (!it)
        return HU_ERR_NOMEM;
    int rc = HU_OK;
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        const char *lit = cmark_node_get_literal(n);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_TEXT && lit && deck_has_math(lit)) {
            cmark_node *block = n;
            while (cmark_node_parent(block) && cmark_node_get_start_line(block) == 0)
                block = cmark_node_parent(block);
            rc = deck_warnf(c, deck_file_line(lines, cmark_node_get_start_line(block)),
                            "math ($...$) is not rendered: it shows as typed");
            break;
        }
    }
    cmark_iter_free(it);
    return rc;
}

/* The rules that join a slide's directives together. */
static int deck_slide_check(struct deck_ctx *c, const struct deck_directives *d, const char *title,
                            const struct deck_slide_info *info)
{
    if (d->poll_line && d->discuss_line)
        return deck_errorf(c, d->poll_line > d->discuss_line ? d->poll_line : d->discuss_line,
                           "a slide cannot be both a poll and a discussion (poll at line %d, discuss at line %d)",
                           d->poll_line, d->discuss_line);
    if (d->qa_line && (d->poll_line || d->discuss_line))
        return deck_errorf(c, d->qa_line,
                           "a slide that shows the audience's questions cannot also be a %s (%s at line %d)",
                           d->poll_line ? "poll" : "discussion", d->poll_line ? "poll" : "discuss",
                           d->poll_line ? d->poll_line : d->discuss_line);
    if (!d->poll_line && d->id_line)
        return deck_errorf(c, d->id_line,
                           "\"id\" is only for poll slides (expected a poll directive such as \"poll: yesno\" "
                           "on this slide)");
    if (!d->poll_line && d->results_line)
        return deck_errorf(c, d->results_line,
                           "\"results\" is only for poll slides (expected a poll directive such as "
                           "\"poll: yesno\" on this slide)");
    if (d->poll_line && !title && info->setext) {
        /* "Question?" underlined with "---" is a heading elsewhere, and a
         * slide break here. */
        const char *s = info->setext;
        size_t len = info->setext_len;
        while (len && (*s == ' ' || *s == '\t')) {
            s++;
            len--;
        }
        len = deck_utf8_cut(s, len, 60);
        return deck_errorf(c, d->poll_line,
                           "poll has no question (expected a heading such as \"# Should we ...?\" on this slide; "
                           "a line \"---\" ends a slide, so for a heading use \"# %.*s\")",
                           (int)len, s);
    }
    if (d->poll_line && !title)
        return deck_errorf(c, d->poll_line,
                           "poll has no question (expected a heading such as \"# Should we ...?\" on this slide)");
    return HU_OK;
}

/* Speaker notes are Markdown too ("**ask Sam** for the 2023 figure"): the
 * console shows them rendered by the same safe renderer as the slides, so a
 * raw tag in a note never reaches the console's page either. */
static int deck_notes_render(struct deck_slide *sl)
{
    cmark_parser *p = deck_md_parser();
    cmark_node *doc = NULL;
    if (p) {
        cmark_parser_feed(p, sl->notes, strlen(sl->notes));
        doc = cmark_parser_finish(p);
    }
    sl->notes_html = doc ? deck_md_render(p, doc) : NULL;
    if (doc)
        cmark_node_free(doc);
    if (p)
        cmark_parser_free(p);
    return sl->notes_html ? HU_OK : HU_ERR_NOMEM;
}

/* Indexes the slide's lines.  *starts is malloc'd. */
static int deck_src_init(struct deck_src *src, const char *text, size_t len, size_t **starts)
{
    size_t n = 0;
    *starts = malloc((len + 1) * sizeof **starts);
    if (!*starts)
        return HU_ERR_NOMEM;
    for (size_t i = 0; i < len; i++)
        if (i == 0 || text[i - 1] == '\n')
            (*starts)[n++] = i;
    *src = (struct deck_src){text, len, *starts, n};
    return HU_OK;
}

int deck_slide_build(struct deck_ctx *c, const char *text, size_t len, const struct deck_lines *lines,
                     struct deck_slide *sl, struct deck_slide_info *info)
{
    struct deck_directives d;
    struct deck_drop dr = {NULL, 0, 0};
    struct deck_src src;
    size_t *starts = NULL;
    bool cut = false;
    int title_line = 0;
    deck_directives_init(&d);
    sl->line = deck_file_line(lines, 1);
    cmark_parser *parser = deck_md_parser();
    cmark_node *doc = NULL;
    if (parser) {
        cmark_parser_feed(parser, text, len);
        doc = cmark_parser_finish(parser);
    }
    int rc = doc ? deck_src_init(&src, text, len, &starts) : HU_ERR_NOMEM;
    int raw_line = 0;
    if (rc == HU_OK)
        rc = deck_walk(c, doc, &src, lines, &d, &dr, &raw_line);
    for (size_t i = 0; rc == HU_OK && i < dr.n; i++)
        rc = deck_drop_node(dr.nodes[i]);
    if (rc == HU_OK)
        rc = deck_images(c, doc, lines, sl);
    if (rc == HU_OK)
        rc = deck_emoji_replace(doc);
    if (rc == HU_OK)
        rc = deck_math_warning(c, doc, lines);
    if (rc == HU_OK)
        rc = deck_marp_look(c, &c->res->running, &d, sl);
    if (rc == HU_OK && d.pdf_line && (d.poll_line || d.discuss_line))
        rc = deck_errorf(c, d.pdf_line, "a PDF's pages cannot be a %s; put the %s on a slide of its own",
                         d.poll_line ? "poll" : "discussion", d.poll_line ? "poll" : "discussion");
    if (rc == HU_OK && d.pdf_line) {
        info->pdf = d.pdf;
        d.pdf = NULL;
        info->pdf_line = d.pdf_line;
        info->pdf_first = d.pdf_first;
        info->pdf_last = d.pdf_last;
    }
    if (rc == HU_OK)
        rc = deck_first_heading(doc, &sl->title, &cut, &title_line);
    if (rc == HU_OK)
        rc = deck_slide_check(c, &d, sl->title, info);
    if (rc == HU_OK)
        rc = deck_poll_build(c, &d, doc, lines, &sl->spec);
    /* After the poll took its options' list out of the slide: those are
     * buttons and bars, not list items to reveal one by one. */
    if (rc == HU_OK)
        rc = deck_fragments(doc, src.text, src.starts, src.n, &sl->fragments);
    info->title_line = title_line ? deck_file_line(lines, title_line) : sl->line;
    info->qa_line = d.qa_line;
    if (rc == HU_OK) {
        sl->html = deck_md_render(parser, doc);
        if (!sl->html)
            rc = HU_ERR_NOMEM;
    }
    if (rc == HU_OK && d.notes.len) {
        sl->notes = hu_buf_steal(&d.notes);
        if (!sl->notes)
            rc = HU_ERR_NOMEM;
        else
            rc = deck_notes_render(sl);
    }
    if (rc == HU_OK) {
        sl->kind = d.poll_line      ? DECK_SLIDE_POLL
                   : d.discuss_line ? DECK_SLIDE_DISCUSS
                   : d.qa_line      ? DECK_SLIDE_QA
                                    : DECK_SLIDE_CONTENT;
        sl->discuss_seconds = d.discuss_seconds;
        if (d.poll_line) {
            sl->poll_kind = d.kind;
            sl->results_hidden = d.results_hidden;
            memcpy(sl->poll_id, d.id, sizeof sl->poll_id);
            sl->question = strdup(sl->title);
            if (!sl->question)
                rc = HU_ERR_NOMEM;
            info->id_line = d.id_line ? d.id_line : d.poll_line;
            if (rc == HU_OK && cut)
                rc = deck_warnf(c, info->title_line,
                                "the question is longer than %d bytes and is cut to that; shorten the heading",
                                HU_QUESTION_MAX);
        }
    }
    free(starts);
    free(dr.nodes);
    if (doc)
        cmark_node_free(doc);
    if (parser)
        cmark_parser_free(parser);
    deck_directives_free(&d);
    return rc;
}
