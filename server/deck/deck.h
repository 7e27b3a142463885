/* deck.h -- a deck file parsed into slides.
 *
 * A deck is Markdown with slides separated by "---" lines, optional front
 * matter and Marp-style directives in HTML comments (docs/deck-format.md).
 * Parsing renders every slide to HTML with cmark in safe mode, so raw HTML in
 * a deck never reaches a page.  A deck is immutable once parsed. */
#ifndef HU_DECK_H
#define HU_DECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/hu_limits.h"
#include "model/pollkind.h"
#include "model/pollspec.h"

/* Longest language tag of "lang:" (BCP 47: "cy", "pt-BR", "zh-Hant-TW"). */
#define DECK_LANG_MAX 35

/* DECK_SLIDE_QA: "<!-- qa -->", the slide that shows the ranked audience
 * questions on the projector. */
enum deck_slide_kind { DECK_SLIDE_CONTENT, DECK_SLIDE_DISCUSS, DECK_SLIDE_POLL, DECK_SLIDE_QA };

/* Audience questions for the whole session ("qa:" in the front matter). */
enum deck_qa { DECK_QA_OFF, DECK_QA_ON, DECK_QA_MODERATED };

/* An image a deck shows, served at /media/<code>/<key> (deck_media.c). */
struct deck_media {
    char *key;         /* the path below /media/<code>/: the file relative to the deck's folder once
                          symlinks are resolved ("images/map.png"), or "<pdf>/page-N.png" for a PDF
                          page. From malloc() */
    char *file;        /* the file relative to its root folder, no symlink, "." or "..". From malloc() */
    bool cached;       /* its root is the PDF page cache, else the deck's folder */
    bool ok;           /* found, inside, an image, within HU_MEDIA_MAX_BYTES: served */
    const char *mime;  /* static; NULL unless ok */
    char etag[48];     /* "size-mtime-inode" in hex at load, "" unless ok */
    int line;          /* first reference in the file */
};

/* A Marp background image ("![bg](x)") of a slide. */
struct deck_bg {
    int media;         /* index into deck->media */
    char size[8];      /* "cover" (default), "contain", "auto" or "NNN%" */
};

enum deck_split { DECK_SPLIT_NONE, DECK_SPLIT_LEFT, DECK_SPLIT_RIGHT };

/* A slide's look after Marp's global, local and spot directives. */
struct deck_look {
    bool paginate;
    char *header, *footer;   /* inline HTML rendered from Markdown, or NULL. From malloc() */
    char *bg_color, *color;  /* checked CSS colours, or NULL. From malloc() */
    char *bg_css;            /* a checked CSS gradient for backgroundImage, or NULL. From malloc() */
    char *classes;           /* Marp classes ("lead invert"), checked, or NULL. From malloc() */
};

enum deck_theme { DECK_THEME_LIGHT, DECK_THEME_DARK, DECK_THEME_CONTRAST };

struct deck_slide {
    /* Longest language tag of "lang:" (BCP 47: "cy", "pt-BR", "zh-Hant-TW"). */
#define DECK_LANG_MAX 35

enum deck_slide_kind kind;
    int line;                 /* 1-based line of the slide's first line in the file */
    char *title;              /* plain text of the first heading, at most HU_QUESTION_MAX bytes,
                                 or NULL. From malloc() */
    char *html;               /* rendered body, never NULL. From malloc() */
    char *notes;              /* non-directive comments (speaker notes), or NULL. From malloc() */
    char *notes_html;         /* notes rendered as the slide is (safe Markdown), or NULL. From malloc() */
    int discuss_seconds;      /* DISCUSS: timer length, 0 = no timer */
    /* POLL only: */
    char poll_id[HU_POLL_ID_MAX + 1]; /* explicit "id:" or derived "poll-N" */
    char *question;           /* plain text of the first heading. From malloc() */
    const struct pollkind *poll_kind; /* static; the same as spec->kind */
    struct pollspec *spec;    /* the kind's options and parameters. From malloc() */
    bool results_hidden;      /* "results: hidden": tallies hidden until closed and revealed */
    /* Look (docs/deck-format.md "Images", "Marp"): */
    struct deck_bg *bgs;      /* background images in order. From malloc() */
    size_t n_bgs;
    enum deck_split split;    /* "bg left" / "bg right": the backgrounds take one side */
    int split_pct;            /* their share of the width, 1..99 (50 unless "bg left:40%") */
    int fragments;            /* list items shown one by one ("*" bullets, "1)" items) */
    int pdf_page;             /* 1-based page of a PDF this slide shows, else 0 */
    struct deck_look look;
};

struct deck {
    char *path;               /* as given to deck_load. From malloc() */
    char *title;              /* front matter title, else first slide's title, else file name;
                                 at most HU_TITLE_MAX bytes. From malloc() */
    bool has_code;            /* front matter fixed the join code */
    char code[HU_CODE_LEN + 1];
    enum deck_qa qa;          /* front matter "qa:" (off when not given) */
    char lang[DECK_LANG_MAX + 1]; /* front matter "lang:", a checked language tag, or "" */
    size_t n_slides;          /* >= 1 */
    struct deck_slide *slides;
    size_t n_polls;
    char **warnings;          /* "path:line: warning: ..." lines without "\n", in file order.
                                 From malloc(), each too */
    size_t n_warnings;
    struct deck_media *media; /* every image referenced, in order of first use. From malloc() */
    size_t n_media;
    size_t n_media_bad;       /* image references not shown: missing, outside, not an image ... */
    size_t n_pdf_pages;       /* slides that show a PDF page */
    enum deck_theme theme;
    char accent[8];           /* "#rrggbb", or "" for the theme's own */
    int logo;                 /* index into media, or -1 */
    int dir_fd;               /* the deck's folder (O_PATH), or -1 when parsed from memory */
    int cache_fd;             /* the PDF page cache folder (O_PATH), or -1 */
};

/* How deck_load reads what a deck refers to.  All fields may be zero. */
struct deck_opts {
    const char *pdf_cache;    /* folder for rendered PDF pages (created when missing); NULL: PDFs are
                                 checked and counted, not rendered (handsup check) */
    double *pdf_seconds;      /* when not NULL, adds the time spent rendering PDF pages */
};

/* Parse len bytes of buf as a deck.  name is used in error messages only.
 * On success returns HU_OK and stores a new deck in *out (caller frees with
 * deck_free).  On failure returns HU_ERR_PARSE (or HU_ERR_NOMEM) and writes
 * "name:line: what was expected" into err (always NUL-terminated). */
int deck_parse(const char *name, const char *buf, size_t len, struct deck **out,
               char *err, size_t errlen);

/* Read and parse the file at path; errors as deck_parse, plus "path: reason"
 * when the file cannot be read or is larger than HU_DECK_MAX_BYTES.  On
 * success the deck's warnings are also written to warn, one per line, unless
 * warn is NULL (they stay in deck->warnings either way). */
int deck_load_warn(const char *path, FILE *warn, struct deck **out, char *err, size_t errlen);

/* deck_load_warn(path, stderr, ...): a facilitator sees the warnings where
 * the server prints its banner. */
int deck_load(const char *path, struct deck **out, char *err, size_t errlen);

/* deck_load_warn with options: images are looked up in the deck's folder,
 * PDF pages counted and (with opts->pdf_cache) rendered.  opts may be NULL. */
int deck_load_opts(const char *path, const struct deck_opts *opts, FILE *warn, struct deck **out, char *err,
                   size_t errlen);

/* deck_load_opts for a deck that is not (yet) a file: buf parsed as the
 * deck `name` (for messages), with its images and PDFs looked up in the
 * folder that holds the file `beside` and that folder held open for
 * serving.  The organiser's uploads are parsed so, beside the data file
 * where they are stored.  Warnings stay in deck->warnings. */
int deck_parse_beside(const char *name, const char *buf, size_t len, const char *beside,
                      const struct deck_opts *opts, struct deck **out, char *err, size_t errlen);

/* The PDF page cache of the data file at data_path ("<data>.pages") into
 * out.  false when out is too small. */
bool deck_pdf_cache_path(const char *data_path, char *out, size_t outlen);

/* Rewrites every image URL of the deck for the session with join code
 * code: "/media/<code>/<key>?v=<etag>" (deck_media.c).  Call once, before
 * the deck is shown.  Returns HU_OK or HU_ERR_NOMEM (the deck is then
 * unchanged or partly rewritten, and still valid to free). */
int deck_bind(struct deck *deck, const char *code);

/* The URL of deck->media[i] for code into out ("" when the image is not
 * served).  Returns false when out is too small. */
bool deck_media_url(const struct deck *deck, size_t i, const char *code, char *out, size_t outlen);

/* The media whose key is key (as decoded from a request path), or NULL. */
const struct deck_media *deck_media_find(const struct deck *deck, const char *key);

/* Writes deck->warnings to f, one per line.  Returns 0, or -1 on a write error. */
int deck_print_warnings(const struct deck *deck, FILE *f);

/* Index of the slide holding poll_id, or -1. */
int deck_find_poll(const struct deck *deck, const char *poll_id);

/* Closes the folders the deck holds open for serving its images (a deck
 * replaced by a reload keeps its strings for votes in flight, but must not
 * keep two descriptors per edit).  Accepts NULL. */
void deck_release_files(struct deck *deck);

/* Frees deck and everything it owns.  Accepts NULL. */
void deck_free(struct deck *deck);

#endif
