/* deck_impl.h -- what the deck parser's files share, private to them.
 *
 * deck.c splits the text into slides, deck_front.c reads the front matter,
 * deck_directive.c finds and reads the HTML comments of one slide and
 * deck_slide.c turns one slide into HTML with cmark.  Nothing here is used
 * outside deck*.c. */
#ifndef HU_DECK_IMPL_H
#define HU_DECK_IMPL_H

#include <cmark-gfm.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "deck.h"

#define DECK_NOTES_MAX (64 * 1024) /* speaker notes of one slide, bytes */
#define DECK_WARNINGS_MAX 100      /* warnings kept per deck; more are counted, not kept */
#define DECK_TICKS_MAX 64          /* longer backtick runs never open a code span (keeps scans linear) */

/* Marp's directives that change a slide's look (deck_marp.c). */
enum deck_mk { DECK_MK_PAGINATE, DECK_MK_HEADER, DECK_MK_FOOTER, DECK_MK_CLASS, DECK_MK_BGCOLOR,
               DECK_MK_BGIMAGE, DECK_MK_BGSIZE, DECK_MK_COLOR, DECK_MK_COUNT };

/* The values of those directives given in one place: checked text, or NULL. */
struct deck_marp_set {
    char *val[DECK_MK_COUNT]; /* From malloc() */
    bool has[DECK_MK_COUNT];  /* given (an empty value resets) */
};

/* What a deck refers to and what holds for the whole deck, gathered while
 * it is read (deck_media.c, deck_marp.c, deck_look.c, deck_pdf.c). */
struct deck_res {
    const struct deck_opts *opts; /* never NULL (zeroes when none given) */
    const char *dir;          /* the deck's folder, symlinks resolved, or NULL: no file access
                                 (deck_parse from memory, the fuzzer). Borrowed */
    struct deck_media *media; /* From malloc() */
    size_t n_media, cap_media;
    size_t n_media_bad;       /* references not shown (each warned about) */
    int heading_divider;      /* Marp's headingDivider: split before headings of level 1..N; 0 = off */
    enum deck_theme theme;
    char accent[8];
    int logo;                 /* index into media, or -1 */
    bool marp;                /* front matter "marp: true" */
    struct deck_marp_set front; /* local directives of the front matter: every slide's defaults */
    struct deck_marp_set running; /* the local directives in force at the slide being built */
};

/* Where errors and warnings go. */
struct deck_ctx {
    const char *name; /* file name for messages; borrowed */
    char *err;        /* caller's buffer; always NUL-terminated after an error */
    size_t errlen;
    char **warnings;  /* "name:line: warning: ..." lines. From malloc(), each too */
    int *warning_lines; /* the line of each, to print them in file order. From malloc() */
    size_t n_warnings;
    size_t warnings_dropped; /* beyond DECK_WARNINGS_MAX */
    struct deck_res *res;     /* never NULL while a deck is parsed */
};

/* Writes "name:line: message" (or "name: message" when line is 0) and returns
 * HU_ERR_PARSE, so callers can write "return deck_errorf(...)". */
int deck_errorf(struct deck_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records "name:line: warning: message" (no line when line is 0), up to
 * DECK_WARNINGS_MAX of them.  Returns HU_OK or HU_ERR_NOMEM. */
int deck_warnf(struct deck_ctx *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Puts the warnings in file order and adds "name: warning: N more warnings
 * not shown" when some were dropped.  Returns HU_OK or HU_ERR_NOMEM. */
int deck_warn_finish(struct deck_ctx *c);

/* The longest prefix of s[0..len) that is at most max bytes and does not end
 * inside a UTF-8 character (s is valid UTF-8). */
size_t deck_utf8_cut(const char *s, size_t len, size_t max);

/* The directives found on one slide.  A *_line of 0 means "not given". */
struct deck_directives {
    int poll_line;
    const struct pollkind *kind;
    int discuss_line;
    int discuss_seconds;
    int id_line;
    char id[HU_POLL_ID_MAX + 1];
    int results_line;
    bool results_hidden;
    int qa_line;         /* "<!-- qa -->": the slide shows the audience's questions */
    /* A poll's parameters as written (deck_poll.c reads and checks them). */
    int multiple_line, range_line, labels_line, max_line, answers_line, show_line, moderate_line;
    unsigned multiple;   /* 0 = "yes" (any number) */
    int range_min, range_max;
    char low_label[HU_LABEL_MAX + 1], high_label[HU_LABEL_MAX + 1];
    unsigned max_chars, answers;
    enum pollspec_show show;
    bool moderate;
    struct hu_buf notes; /* plain comments, separated by blank lines */
    struct deck_marp_set local, spot; /* Marp's local directives and their "_" (this slide only) forms */
    char *pdf;           /* "pdf: FILE [A-B]": the file. From malloc() */
    int pdf_line, pdf_first, pdf_last; /* pages, 1-based; 0 = from the first / to the last */
};

void deck_directives_init(struct deck_directives *d);
void deck_directives_free(struct deck_directives *d);

/* Reads the body of one HTML comment (the text between "<!--" and "-->"),
 * whose first byte is on file line `line`.  A comment whose first line is a
 * known directive or Marp key, or whose lines are all "key: value" with at
 * least one handsup directive among them, is a directive comment; any other
 * comment is appended to d->notes (with a warning when it looks like a
 * directive).  Returns HU_OK, HU_ERR_PARSE or HU_ERR_NOMEM. */
int deck_comment(struct deck_ctx *c, const char *body, size_t len, int line, struct deck_directives *d);

/* Parses a discussion length ("90s", "5 min", "1m30s", "2:30", "1h", "300")
 * into seconds.  Returns HU_OK, HU_ERR_PARSE when the text has another
 * shape, or HU_ERR_TOO_LARGE when the length is not within 1 s ..
 * HU_DECK_MAX_DISCUSS_SECONDS (0 counts as out of range too). */
int deck_duration(const char *s, size_t len, int *seconds);

/* True when s[0..len) is a valid poll id: [A-Za-z0-9_-]{1,HU_POLL_ID_MAX}. */
bool deck_id_valid(const char *s, size_t len);

/* Finds the HTML comments of one line outside code spans, the way cmark
 * will: "<!--" escaped as "\<!--" or inside `code` is text.  One scanner per
 * line; its position only moves forward, which keeps it linear. */
struct deck_cscan {
    const char *s;
    size_t len, pos;
    bool in_comment;                     /* inside a comment at pos */
    bool past_line;                      /* the comment going on past the line was reported */
    bool no_close[DECK_TICKS_MAX + 1];   /* backtick runs known to have no closing run */
};

void deck_cscan_init(struct deck_cscan *cs, const char *s, size_t len, bool in_comment);

/* The next comment: *open is where its "<!--" is (SIZE_MAX for the comment
 * the line started inside), *close where its "-->" is, or len when it goes
 * on past the line.  Returns false when the line has no more comments; then
 * cs->in_comment tells whether the next line starts inside one. */
bool deck_cscan_next(struct deck_cscan *cs, size_t *open, size_t *close);

/* Would cmark 0.30 read "<!--" body "-->" inside a paragraph as a comment?
 * It refuses bodies that start with ">" or "->", end with "-" or hold "--". */
bool deck_inline_comment_ok(const char *body, size_t len);

/* Where the "-->" closing a comment whose "<!--" is at s is, searching from
 * s + 2 so that "<!-->" closes at once as in HTML; NULL when none. */
const char *deck_comment_end(const char *s, size_t len);

/* A text after normalisation: every line ending is "\n". */
struct deck_text {
    const char *s;      /* NUL-terminated; borrowed */
    size_t len;
    size_t *line_start; /* offset of line i + 1. From malloc() */
    size_t n_lines;
};

/* Line i + 1 (0-based i < t->n_lines), without its "\n". */
const char *deck_line(const struct deck_text *t, size_t i, size_t *len);

/* Front matter: what deck_front_parse found. */
struct deck_front {
    char title[HU_TITLE_MAX + 1]; /* "" when not given */
    bool has_code;
    char code[HU_CODE_LEN + 1];
    enum deck_qa qa;
    int qa_line;                  /* 0 when not given */
    char lang[DECK_LANG_MAX + 1]; /* "" when not given */
    int lang_line;
};

/* Where the front matter is: whether there is one and, if so, the 0-based
 * lines [first, end) between its markers; *body is the first line after it
 * (the first line of the file when there is none).  A first "---" followed by
 * anything but YAML-like lines is a slide separator, not front matter.
 * Returns HU_OK, or HU_ERR_PARSE when front matter is opened and not closed. */
int deck_front_find(struct deck_ctx *c, const struct deck_text *t, bool *found, size_t *first, size_t *end,
                    size_t *body);

/* Reads the front matter, file lines (0-based) [first, end): key: value
 * pairs.  Returns HU_OK or HU_ERR_PARSE. */
int deck_front_parse(struct deck_ctx *c, const struct deck_text *t, size_t first, size_t end,
                     struct deck_front *out);

/* The file line of each line of a slide's text: line_of[k] for slide line
 * k + 1 (the text cmark sees may have more lines than the file, see deck.c). */
struct deck_lines {
    const int *line_of;
    size_t n;
    int fallback; /* the line to name when the slide has no lines */
};

/* File line of slide line k (1-based); clamped, so any k gives a line. */
int deck_file_line(const struct deck_lines *l, int k);

/* deck.c: frees what a slide owns (not the slide) and zeroes it. */
void deck_slide_free(struct deck_slide *sl);

/* deck.c: fills t->line_start (malloc'd) and t->n_lines from t->s. */
int deck_index_lines(struct deck_text *t);

/* deck_scan.c: one slide's lines before it is built, body lines (0-based)
 * [first, end). */
struct deck_segment {
    size_t first, end;
    bool blank;  /* only whitespace */
    bool setext; /* ends at a "---" that follows a paragraph line (see deck_slide_info) */
};

/* Rewrites file lines [from, n_lines) of t into body, each comment that cmark
 * would not keep whole on a line of its own; *text (body's characters) and
 * *line_of (the file line of each body line) are malloc'd. */
int deck_rewrite(const struct deck_text *t, size_t from, char **text, struct deck_text *body, int **line_of);

/* Cuts the body's lines into segments at "---" lines outside code and
 * comments.  *segs is malloc'd. */
int deck_split(struct deck_ctx *c, const struct deck_text *t, const int *line_of, struct deck_segment **segs,
               size_t *n_segs);

/* What deck_slide_build tells the caller besides the slide. */
struct deck_slide_info {
    int id_line;          /* poll: the "id:" directive's line, else the "poll:" line */
    int title_line;       /* the line of the heading the title comes from, or 0 */
    int qa_line;          /* a qa slide: the "qa" directive's line */
    const char *setext;   /* the text line just above the "---" that ends the slide (for a hint), or NULL */
    size_t setext_len;
    char *pdf;            /* "pdf:" directive's file, or NULL. From malloc() */
    int pdf_line, pdf_first, pdf_last;
};

/* deck_poll.c: the poll parameters a directive comment may hold (multiple,
 * range, labels, max, answers, show, moderate), NULL-terminated. */
extern const char *const deck_poll_params[];

/* deck_poll.c: reads the value of poll parameter deck_poll_params[k] into
 * d (a repeat is refused by the caller).  Returns HU_OK or HU_ERR_PARSE. */
int deck_poll_param(struct deck_ctx *c, struct deck_directives *d, int k, const char *val, size_t vlen, int line);

/* deck_poll.c: where poll parameter k's line is kept in d. */
int *deck_poll_param_line(struct deck_directives *d, int k);

/* deck_poll.c: checks a slide's poll parameters against its kind and builds
 * its pollspec (for a listed kind, from the first list of doc, which it
 * removes from the slide: the options become buttons and bars).  *out is
 * malloc'd.  Returns HU_OK, HU_ERR_PARSE or HU_ERR_NOMEM. */
struct cmark_node;
int deck_poll_build(struct deck_ctx *c, const struct deck_directives *d, struct cmark_node *doc,
                    const struct deck_lines *lines, struct pollspec **out);

/* deck_slide.c: the plain text of a node (a heading, a list item): its text
 * and code, emphasis and links flattened, white space runs collapsed, cut
 * at max bytes between characters (*cut says so).  malloc'd ("" when it
 * has no text), or NULL when out of memory. */
char *deck_plain_text(struct cmark_node *node, size_t max, bool *cut);

/* Fills sl (kind, title, html, notes, question, poll fields except the
 * derived id) from the slide text [text, text + len).  Returns HU_OK,
 * HU_ERR_PARSE or HU_ERR_NOMEM; on failure sl may hold allocations that
 * deck_free releases. */
int deck_slide_build(struct deck_ctx *c, const char *text, size_t len, const struct deck_lines *lines,
                     struct deck_slide *sl, struct deck_slide_info *info);

/* deck_emoji.c: replaces Marp's ":shortcode:" emoji in the text nodes of
 * doc.  HU_OK or HU_ERR_NOMEM. */
int deck_emoji_replace(cmark_node *doc);

/* deck_media.c: registers the image at url (as written in the deck, line
 * `line`) and returns its index in c->res->media, or -1 when it cannot be
 * shown (with a warning naming the line: missing, outside the deck's folder,
 * not an image, too large, an external URL).  *nomem is set when out of
 * memory. */
int deck_media_ref(struct deck_ctx *c, const char *url, int line, bool *nomem);

/* deck_media.c: adds a PDF page (file inside the page cache, etag NULL when
 * it was not rendered) as media key; returns its index or -1 (out of
 * memory). */
int deck_media_add_page(struct deck_ctx *c, const char *key, const char *file, const char *etag, int line);

/* deck_media.c: HTML-escapes s[0..len) into b (for attribute values too). */
int deck_html_escape(struct hu_buf *b, const char *s, size_t len);

/* deck_image.c: Marp's image keywords.  Turns every image of the slide into
 * HTML of ours (size keywords, media URLs), moves "bg" images out of the
 * flow into sl->bgs (with split and size), and drops paragraphs left empty.
 * HU_OK, HU_ERR_NOMEM. */
int deck_images(struct deck_ctx *c, cmark_node *doc, const struct deck_lines *lines, struct deck_slide *sl);

/* deck_image.c: the fragmented lists of Marp ("*" bullets, "1)" items):
 * wraps each item's content so pages can reveal them one by one; returns
 * how many items in *count.  src_lines are the slide's lines (text,
 * starts, n) to read each list's marker. */
int deck_fragments(cmark_node *doc, const char *text, const size_t *starts, size_t n, int *count);

/* deck_marp.c: a Marp directive line of a comment (key without its "_"
 * when spot).  Applies globals to c->res and locals to d; a bad value is a
 * warning.  HU_OK or HU_ERR_NOMEM. */
int deck_marp_directive(struct deck_ctx *c, struct deck_directives *d, const char *key, size_t klen,
                        const char *val, size_t vlen, int line);
/* deck_marp.c: true for a key Marp or handsup's look knows ("paginate",
 * "_class", "pdf", "headingDivider" ...). */
bool deck_marp_key_known(const char *key, size_t klen);
/* deck_marp.c: a front matter key other than title and code. */
int deck_marp_front(struct deck_ctx *c, const char *key, size_t klen, const char *val, size_t vlen, int line);
/* deck_marp.c: reads "headingDivider: N" in the body of a comment (for the
 * split, before slides are built). */
void deck_marp_scan_comment(struct deck_ctx *c, const char *body, size_t len);
/* deck_marp.c: each slide's look from the front matter, the local
 * directives so far (running, updated) and the slide's spot ones. */
int deck_marp_look(struct deck_ctx *c, struct deck_marp_set *running, const struct deck_directives *d,
                   struct deck_slide *sl);
void deck_marp_set_free(struct deck_marp_set *m);
void deck_look_free(struct deck_look *l);

/* deck_pdf.c: reads "pdf: FILE [A-B]" into d.  HU_OK or HU_ERR_PARSE. */
int deck_pdf_directive(struct deck_ctx *c, struct deck_directives *d, const char *val, size_t vlen, int line);

struct deck_slide_info;
/* deck_pdf.c: replaces every slide with a "pdf:" directive by one slide per
 * page (rendered into the cache when c->res->opts->pdf_cache is set).
 * d->slides and *info are reallocated.  HU_OK, HU_ERR_PARSE (a missing,
 * encrypted or broken PDF, a bad page range, too many slides) or
 * HU_ERR_NOMEM. */
int deck_pdf_expand(struct deck_ctx *c, struct deck *d, struct deck_slide_info **info);

/* deck_md.c: a parser for the deck's Markdown dialect (GFM tables,
 * strikethrough, autolinks), or NULL when out of memory; the caller frees it
 * with cmark_parser_free after rendering. */
cmark_parser *deck_md_parser(void);
/* The document parsed by p as HTML in safe mode (malloc'd), or NULL. */
char *deck_md_render(cmark_parser *p, cmark_node *doc);

#endif
