/* deck_slide.c -- one slide's Markdown turned into a deck_slide with cmark.
 *
 * cmark finds the HTML comments (so a comment inside a code span or block
 * stays code), deck_directive.c reads them, and the comment nodes are
 * removed before the slide is rendered in safe mode: raw HTML never passes. */
#include "deck_impl.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "hu_err.h"

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

/* Reads every comment of an HTML node whose literal starts on file line
 * `line`.  *only_comments tells whether anything else (a raw tag) is there. */
static int deck_html_node(struct deck_ctx *c, const char *lit, int line, struct deck_directives *d,
                          bool *only_comments)
{
    size_t len = strlen(lit), pos = 0;
    *only_comments = true;
    while (pos < len) {
        const char *open = strstr(lit + pos, "<!--");
        const char *close = open ? strstr(open + 4, "-->") : NULL;
        size_t stop = close ? (size_t)(open - lit) : len;
        for (size_t i = pos; i < stop; i++)
            if (lit[i] != ' ' && lit[i] != '\t' && lit[i] != '\n')
                *only_comments = false;
        if (!close)
            break;
        const char *body = open + 4;
        int rc = deck_comment(c, body, (size_t)(close - body), line + deck_count_lines(lit, (size_t)(body - lit)), d);
        if (rc != HU_OK)
            return rc;
        pos = (size_t)(close - lit) + 3;
    }
    return HU_OK;
}

/* Plain text of a heading: its text and code, emphasis and links flattened,
 * whitespace runs collapsed.  Returns a malloc'd string, "" when the heading
 * has no text, or NULL when out of memory. */
static char *deck_heading_text(cmark_node *heading)
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
    char *s = ok ? hu_buf_steal(&b) : NULL;
    hu_buf_free(&b);
    return s;
}

/* The first heading with text, or NULL in *title; HU_ERR_NOMEM on failure. */
static int deck_first_heading(cmark_node *doc, char **title)
{
    *title = NULL;
    for (cmark_node *n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
        if (cmark_node_get_type(n) != CMARK_NODE_HEADING)
            continue;
        char *s = deck_heading_text(n);
        if (!s)
            return HU_ERR_NOMEM;
        if (*s) {
            *title = s;
            return HU_OK;
        }
        free(s);
    }
    return HU_OK;
}

/* Walks the tree: reads every comment and queues comment-only nodes for removal. */
static int deck_walk(struct deck_ctx *c, cmark_node *doc, int first_line, struct deck_directives *d,
                     struct deck_drop *dr)
{
    cmark_iter *it = cmark_iter_new(doc);
    if (!it)
        return HU_ERR_NOMEM;
    int rc = HU_OK;
    cmark_event_type ev;
    while (rc == HU_OK && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(n);
        if (ev != CMARK_EVENT_ENTER || (type != CMARK_NODE_HTML_BLOCK && type != CMARK_NODE_HTML_INLINE))
            continue;
        const char *lit = cmark_node_get_literal(n);
        if (!lit)
            continue;
        /* An inline tag that is not a comment is left for safe mode to omit. */
        if (type == CMARK_NODE_HTML_INLINE && strncmp(lit, "<!--", 4) != 0)
            continue;
        bool only_comments;
        rc = deck_html_node(c, lit, first_line + cmark_node_get_start_line(n) - 1, d, &only_comments);
        if (rc == HU_OK && only_comments)
            rc = deck_drop_push(dr, n);
    }
    cmark_iter_free(it);
    return rc;
}

/* The rules that join a slide's directives together. */
static int deck_slide_check(struct deck_ctx *c, const struct deck_directives *d, const char *title)
{
    if (d->poll_line && d->discuss_line)
        return deck_errorf(c, d->poll_line > d->discuss_line ? d->poll_line : d->discuss_line,
                           "a slide cannot be both a poll and a discussion (poll at line %d, discuss at line %d)",
                           d->poll_line, d->discuss_line);
    if (!d->poll_line && d->id_line)
        return deck_errorf(c, d->id_line, "\"id\" is only for poll slides (expected \"poll: %s\" on this slide)",
                           pollkind_names());
    if (!d->poll_line && d->results_line)
        return deck_errorf(c, d->results_line,
                           "\"results\" is only for poll slides (expected \"poll: %s\" on this slide)",
                           pollkind_names());
    if (d->poll_line && !title)
        return deck_errorf(c, d->poll_line,
                           "poll has no question (expected a heading such as \"# Should we ...?\" on this slide)");
    return HU_OK;
}

int deck_slide_build(struct deck_ctx *c, const char *text, size_t len, int first_line, struct deck_slide *sl,
                     int *id_line)
{
    struct deck_directives d;
    struct deck_drop dr = {NULL, 0, 0};
    deck_directives_init(&d);
    sl->line = first_line;
    cmark_node *doc = cmark_parse_document(text, len, CMARK_OPT_SMART);
    int rc = doc ? deck_walk(c, doc, first_line, &d, &dr) : HU_ERR_NOMEM;
    if (rc == HU_OK) {
        for (size_t i = 0; i < dr.n; i++)
            cmark_node_free(dr.nodes[i]); /* also unlinks it */
        rc = deck_first_heading(doc, &sl->title);
    }
    if (rc == HU_OK)
        rc = deck_slide_check(c, &d, sl->title);
    if (rc == HU_OK) {
        /* CMARK_OPT_SAFE is the default since cmark 0.29; it is spelled out
         * so that no one "simplifies" raw HTML back in. */
        sl->html = cmark_render_html(doc, CMARK_OPT_SAFE | CMARK_OPT_SMART);
        if (!sl->html)
            rc = HU_ERR_NOMEM;
    }
    if (rc == HU_OK && d.notes.len) {
        sl->notes = hu_buf_steal(&d.notes);
        if (!sl->notes)
            rc = HU_ERR_NOMEM;
    }
    if (rc == HU_OK) {
        sl->kind = d.poll_line ? DECK_SLIDE_POLL : d.discuss_line ? DECK_SLIDE_DISCUSS : DECK_SLIDE_CONTENT;
        sl->discuss_seconds = d.discuss_seconds;
        if (d.poll_line) {
            sl->poll_kind = d.kind;
            sl->results_hidden = d.results_hidden;
            memcpy(sl->poll_id, d.id, sizeof sl->poll_id);
            sl->question = strdup(sl->title);
            if (!sl->question)
                rc = HU_ERR_NOMEM;
            *id_line = d.id_line ? d.id_line : d.poll_line;
        }
    }
    free(dr.nodes);
    if (doc)
        cmark_node_free(doc);
    deck_directives_free(&d);
    return rc;
}
