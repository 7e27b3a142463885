/* test_deck.c -- the deck parser against the data folders and the examples.
 *
 * tests/decks/valid/<name>.md must parse, and its optional <name>.expect
 * lists facts about the result (format at deck_expect_line below);
 * tests/decks/invalid/<name>.md must fail with exactly <name>.err.  Cases
 * that are awkward as files (size caps, NUL bytes) are built in code. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "base/hu_err.h"
#include "deck/deck.h"

#define TEST_FILE_MAX (2 * 1024 * 1024)

/* Reads a whole file into a malloc'd NUL-terminated buffer, or NULL. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(TEST_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, TEST_FILE_MAX, f) : 0;
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The sorted names of the *.md files in dir (without ".md"), so runs print
 * the same order everywhere.  Returns the count; *names is malloc'd. */
static size_t list_decks(const char *dir, char ***names)
{
    DIR *d = opendir(dir);
    size_t n = 0, cap = 0;
    *names = NULL;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 3 || strcmp(e->d_name + len - 3, ".md") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **p = realloc(*names, cap * sizeof *p);
            if (!p)
                break;
            *names = p;
        }
        (*names)[n++] = strndup(e->d_name, len - 3);
    }
    closedir(d);
    if (n)
        qsort(*names, n, sizeof **names, cmp_names);
    return n;
}

static const char *kind_name(enum deck_slide_kind k)
{
    return k == DECK_SLIDE_POLL ? "poll" : k == DECK_SLIDE_DISCUSS ? "discuss" : k == DECK_SLIDE_QA ? "qa" : "content";
}

/* "\n" in an expectation stands for a newline (speaker notes span lines). */
static void unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') {
            *w++ = '\n';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static bool expect_fail(const char *where, const char *line, const char *got)
{
    fprintf(stderr, "%s: expectation \"%s\" not met (got \"%s\")\n", where, line, got ? got : "(null)");
    return false;
}

/* One line of a .expect file.  Slides are numbered from 1.
 *   slides N | polls N | title TEXT | code DIGITS | code none | lang TAG | lang none
 *   warnings N | warning TEXT (one of the warnings, exactly)
 *   slide I content | slide I discuss SECONDS | slide I poll ID hidden|visible
 *   slide I title TEXT | slide I title none | slide I line N | slide I question TEXT
 *   slide I notes TEXT | slide I notes none | slide I notes-html TEXT (exact)
 *   slide I html-has TEXT | slide I html-lacks TEXT | slide I html TEXT (exact)
 *   theme light|dark|contrast | accent #RRGGBB|none | media N | media I KEY
 *   slide I fragments N | slide I pdf-page N | slide I bgs none|MEDIA:SIZE ... [split left|right PCT]
 *   slide I look paginate|header|footer|class|bgcolor|color|bgcss VALUE|none
 *   qa off|on|moderated | slide I qa
 *   slide I kind KIND | slide I spec JSON (the poll's stored parameters, exactly)
 * Blank lines and lines starting with "#" are comments. */
static bool deck_expect_line(const struct deck *d, const char *where, char *line)
{
    char buf[128];
    const char *arg;
    if (strncmp(line, "slides ", 7) == 0) {
        snprintf(buf, sizeof buf, "%zu", d->n_slides);
        return strcmp(buf, line + 7) == 0 || expect_fail(where, line, buf);
    }
    if (strncmp(line, "polls ", 6) == 0) {
        snprintf(buf, sizeof buf, "%zu", d->n_polls);
        return strcmp(buf, line + 6) == 0 || expect_fail(where, line, buf);
    }
    if (strncmp(line, "title ", 6) == 0)
        return strcmp(d->title, line + 6) == 0 || expect_fail(where, line, d->title);
    if (strncmp(line, "warnings ", 9) == 0) {
        snprintf(buf, sizeof buf, "%zu", d->n_warnings);
        return strcmp(buf, line + 9) == 0 || expect_fail(where, line, d->n_warnings ? d->warnings[0] : buf);
    }
    if (strncmp(line, "warning ", 8) == 0) {
        for (size_t i = 0; i < d->n_warnings; i++)
            if (strcmp(d->warnings[i], line + 8) == 0)
                return true;
        return expect_fail(where, line, d->n_warnings ? d->warnings[0] : "no warnings");
    }
    if (strncmp(line, "theme ", 6) == 0) {
        const char *got = d->theme == DECK_THEME_DARK ? "dark" : d->theme == DECK_THEME_CONTRAST ? "contrast" : "light";
        return strcmp(got, line + 6) == 0 || expect_fail(where, line, got);
    }
    if (strncmp(line, "accent ", 7) == 0)
        return strcmp(d->accent[0] ? d->accent : "none", line + 7) == 0 || expect_fail(where, line, d->accent);
    if (strncmp(line, "media ", 6) == 0) {
        /* "media N" (count) or "media I KEY" (the key of media I, from 0) */
        char *end;
        long i = strtol(line + 6, &end, 10);
        if (*end == '\0') {
            snprintf(buf, sizeof buf, "%zu", d->n_media);
            return strcmp(buf, line + 6) == 0 || expect_fail(where, line, buf);
        }
        if (i < 0 || (size_t)i >= d->n_media)
            return expect_fail(where, line, "no such media");
        return strcmp(d->media[i].key, end + 1) == 0 || expect_fail(where, line, d->media[i].key);
    }
    if (strncmp(line, "qa ", 3) == 0) {
        const char *got = d->qa == DECK_QA_ON ? "on" : d->qa == DECK_QA_MODERATED ? "moderated" : "off";
        return strcmp(got, line + 3) == 0 || expect_fail(where, line, got);
    }
    if (strncmp(line, "code ", 5) == 0) {
        const char *got = d->has_code ? d->code : "none";
        return strcmp(got, line + 5) == 0 || expect_fail(where, line, got);
    }
    if (strncmp(line, "lang ", 5) == 0) {
        const char *got = d->lang[0] ? d->lang : "none";
        return strcmp(got, line + 5) == 0 || expect_fail(where, line, got);
    }
    if (strncmp(line, "slide ", 6) != 0)
        return expect_fail(where, line, "an unknown expectation");
    char *end;
    long i = strtol(line + 6, &end, 10);
    if (end == line + 6 || *end != ' ' || i < 1)
        return expect_fail(where, line, "a bad slide number");
    if ((size_t)i > d->n_slides)
        return expect_fail(where, line, "no such slide");
    const struct deck_slide *sl = &d->slides[i - 1];
    char *what = end + 1;
    char *sp = strchr(what, ' ');
    arg = sp ? sp + 1 : "";
    size_t wlen = sp ? (size_t)(sp - what) : strlen(what);
#define IS(word) (wlen == strlen(word) && memcmp(what, word, wlen) == 0)
    if (IS("kind") || IS("spec")) {
        if (!sl->spec)
            return expect_fail(where, line, "not a poll");
        if (IS("kind"))
            return strcmp(sl->spec->kind->name, arg) == 0 || expect_fail(where, line, sl->spec->kind->name);
        char *enc = pollspec_encode(sl->spec);
        bool ok = enc && strcmp(enc, arg) == 0;
        if (!ok)
            expect_fail(where, line, enc);
        free(enc);
        return ok;
    }
    if (IS("content") || IS("discuss") || IS("poll") || IS("qa")) {
        if (sl->kind == DECK_SLIDE_POLL)
            snprintf(buf, sizeof buf, "poll %s %s", sl->poll_id, sl->results_hidden ? "hidden" : "visible");
        else if (sl->kind == DECK_SLIDE_DISCUSS)
            snprintf(buf, sizeof buf, "discuss %d", sl->discuss_seconds);
        else
            snprintf(buf, sizeof buf, "%s", kind_name(sl->kind));
        return strcmp(buf, what) == 0 || expect_fail(where, line, buf);
    }
    if (IS("title") || IS("question") || IS("notes")) {
        const char *got = IS("title") ? sl->title : IS("question") ? sl->question : sl->notes;
        if (strcmp(arg, "none") == 0)
            return got == NULL || expect_fail(where, line, got);
        return (got && strcmp(got, arg) == 0) || expect_fail(where, line, got);
    }
    if (IS("line")) {
        snprintf(buf, sizeof buf, "%d", sl->line);
        return strcmp(buf, arg) == 0 || expect_fail(where, line, buf);
    }
    if (IS("notes-html"))
        return (sl->notes_html && strcmp(sl->notes_html, arg) == 0) || expect_fail(where, line, sl->notes_html);
    if (IS("html"))
        return strcmp(sl->html, arg) == 0 || expect_fail(where, line, sl->html);
    if (IS("html-has"))
        return strstr(sl->html, arg) != NULL || expect_fail(where, line, sl->html);
    if (IS("html-lacks"))
        return strstr(sl->html, arg) == NULL || expect_fail(where, line, sl->html);
    if (IS("fragments") || IS("pdf-page")) {
        snprintf(buf, sizeof buf, "%d", IS("fragments") ? sl->fragments : sl->pdf_page);
        return strcmp(buf, arg) == 0 || expect_fail(where, line, buf);
    }
    if (IS("bgs")) {
        /* "slide I bgs MEDIA:SIZE MEDIA:SIZE ..." or "none"; then the split */
        buf[0] = '\0';
        for (size_t k = 0; k < sl->n_bgs; k++)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%d:%s", k ? " " : "", sl->bgs[k].media,
                     sl->bgs[k].size);
        if (sl->split != DECK_SPLIT_NONE)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " split %s %d",
                     sl->split == DECK_SPLIT_LEFT ? "left" : "right", sl->split_pct);
        return strcmp(sl->n_bgs ? buf : "none", arg) == 0 || expect_fail(where, line, buf);
    }
    if (IS("look")) {
        /* "slide I look KEY VALUE|none": paginate, header, footer, class,
         * bgcolor, color, bgcss */
        const struct deck_look *l = &sl->look;
        size_t kl = strcspn(arg, " ");
        const char *val = arg[kl] ? arg + kl + 1 : "";
        const char *got = NULL;
#define KEY(k) (kl == strlen(k) && strncmp(arg, k, kl) == 0)
        if (KEY("paginate"))
            got = l->paginate ? "true" : "false";
        else if (KEY("header"))
            got = l->header;
        else if (KEY("footer"))
            got = l->footer;
        else if (KEY("class"))
            got = l->classes;
        else if (KEY("bgcolor"))
            got = l->bg_color;
        else if (KEY("color"))
            got = l->color;
        else if (KEY("bgcss"))
            got = l->bg_css;
        else
            return expect_fail(where, line, "an unknown look key");
#undef KEY
        return strcmp(got ? got : "none", val) == 0 || expect_fail(where, line, got);
    }
#undef IS
    return expect_fail(where, line, "an unknown slide expectation");
}

/* Checks every line of the .expect file at path.  Returns whether one of
 * them is about warnings: a deck that warns must say so in its .expect. */
static bool check_expect(const struct deck *d, const char *path)
{
    size_t len;
    bool warned = false;
    char *text = read_all(path, &len);
    if (!text)
        return false; /* the .expect file is optional */
    int lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[--l] = '\0';
        if (l == 0 || line[0] == '#')
            continue;
        unescape(line);
        warned = warned || strncmp(line, "warning", 7) == 0;
        char where[1100]; /* path is at most 1023 bytes, plus ":line" */
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        CHECK(deck_expect_line(d, where, line));
    }
    free(text);
    return warned;
}

static void run_valid(const char *tests)
{
    char dir[512], path[1024];
    char **names;
    snprintf(dir, sizeof dir, "%s/decks/valid", tests);
    size_t n = list_decks(dir, &names);
    CHECK(n >= 8);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        snprintf(path, sizeof path, "%s/%s.md", dir, names[i]);
        char *text = read_all(path, &len);
        CHECK(text != NULL);
        char name[300], err[512];
        snprintf(name, sizeof name, "%s.md", names[i]);
        struct deck *d = NULL;
        int rc = text ? deck_parse(name, text, len, &d, err, sizeof err) : HU_ERR_IO;
        if (rc != HU_OK)
            fprintf(stderr, "valid/%s.md does not parse: %s\n", names[i], err);
        CHECK(rc == HU_OK);
        if (d) {
            snprintf(path, sizeof path, "%s/%s.expect", dir, names[i]);
            bool warned = check_expect(d, path);
            if (d->n_warnings && !warned)
                fprintf(stderr, "valid/%s.md warns, and its .expect says nothing about it: %s\n", names[i],
                        d->warnings[0]);
            CHECK(warned || d->n_warnings == 0);
        }
        deck_free(d);
        free(text);
        free(names[i]);
    }
    free(names);
}

static void run_invalid(const char *tests)
{
    char dir[512], path[1024];
    char **names;
    snprintf(dir, sizeof dir, "%s/decks/invalid", tests);
    size_t n = list_decks(dir, &names);
    CHECK(n >= 12);
    for (size_t i = 0; i < n; i++) {
        size_t len, elen = 0;
        snprintf(path, sizeof path, "%s/%s.md", dir, names[i]);
        char *text = read_all(path, &len);
        snprintf(path, sizeof path, "%s/%s.err", dir, names[i]);
        char *want = read_all(path, &elen);
        if (!want)
            fprintf(stderr, "invalid/%s.md has no .err file\n", names[i]);
        CHECK(text != NULL && want != NULL);
        while (want && elen && (want[elen - 1] == '\n' || want[elen - 1] == '\r'))
            want[--elen] = '\0';
        char name[300], err[512];
        snprintf(name, sizeof name, "%s.md", names[i]);
        struct deck *d = NULL;
        int rc = text ? deck_parse(name, text, len, &d, err, sizeof err) : HU_OK;
        if (rc != HU_ERR_PARSE)
            fprintf(stderr, "invalid/%s.md: expected a parse error, got %d\n", names[i], rc);
        CHECK(rc == HU_ERR_PARSE);
        CHECK(d == NULL);
        if (rc != HU_OK && want)
            CHECK_STR(err, want);
        deck_free(d);
        free(text);
        free(want);
        free(names[i]);
    }
    free(names);
}

/* The example decks shipped in slides/ load through deck_load. */
static void run_examples(const char *tests)
{
    char path[1024], err[512];
    struct deck *d = NULL;
    snprintf(path, sizeof path, "%s/../slides/workshop.md", tests);
    int rc = deck_load(path, &d, err, sizeof err);
    if (rc != HU_OK)
        fprintf(stderr, "%s\n", err);
    CHECK(rc == HU_OK);
    if (d) {
        CHECK(!d->has_code);
        CHECK(d->n_polls == 3);
        CHECK_STR(d->path, path);
        size_t discuss = 0, hidden = 0;
        for (size_t i = 0; i < d->n_slides; i++) {
            discuss += d->slides[i].kind == DECK_SLIDE_DISCUSS && d->slides[i].discuss_seconds > 0;
            hidden += d->slides[i].kind == DECK_SLIDE_POLL && d->slides[i].results_hidden;
        }
        CHECK(discuss == 3);
        CHECK(hidden >= 1);
        CHECK(deck_find_poll(d, "poll-1") < 0); /* every poll has a stable id */
        int m = deck_find_poll(d, "methodology");
        CHECK(m > 0 && d->slides[m].kind == DECK_SLIDE_POLL);
        CHECK(m > 0 && d->slides[m - 1].kind == DECK_SLIDE_DISCUSS);
        CHECK(deck_find_poll(d, "nope") == -1);
    }
    deck_free(d);
    d = NULL;
    snprintf(path, sizeof path, "%s/../slides/webinar.md", tests);
    rc = deck_load(path, &d, err, sizeof err);
    if (rc != HU_OK)
        fprintf(stderr, "%s\n", err);
    CHECK(rc == HU_OK);
    if (d) {
        CHECK(d->has_code);
        CHECK_STR(d->code, "40455687");
        CHECK(d->n_polls >= 2 && d->n_polls <= 3);
    }
    deck_free(d);
}

/* True when s is valid UTF-8: a cut title must not end inside a character. */
static bool utf8_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0)
            return false;
        for (int k = 1; k < n; k++)
            if ((p[k] & 0xC0) != 0x80)
                return false;
        p += n;
    }
    return true;
}

/* Appends "# " and n copies of the 2-byte "\xC3\xA9" (or "\xE2\x82\xAC" when
 * wide), starting one byte in so no cap falls on a character boundary. */
static size_t put_heading(char *buf, size_t at, size_t n, bool wide)
{
    memcpy(buf + at, "# a", 3);
    at += 3;
    for (size_t i = 0; i < n; i++) {
        memcpy(buf + at, wide ? "\xE2\x82\xAC" : "\xC3\xA9", wide ? 3 : 2);
        at += wide ? 3 : 2;
    }
    buf[at++] = '\n';
    return at;
}

/* Item 7: a title from a long first heading and a long question are cut at
 * a character boundary, below what the store keeps, with warnings. */
static void run_caps(void)
{
    char err[512];
    struct deck *d = NULL;
    char *buf = malloc(8192);
    CHECK(buf != NULL);
    if (!buf)
        return;
    size_t n = put_heading(buf, 0, 300, false);
    memcpy(buf + n, "---\n<!-- poll: yesno -->\n", 25);
    n = put_heading(buf, n + 25, 700, true);
    CHECK(deck_parse("caps.md", buf, n, &d, err, sizeof err) == HU_OK);
    if (d) {
        CHECK(strlen(d->title) <= HU_TITLE_MAX && strlen(d->title) >= HU_TITLE_MAX - 3);
        CHECK(utf8_ok(d->title));
        CHECK(strlen(d->slides[0].title) <= HU_QUESTION_MAX);
        CHECK(utf8_ok(d->slides[0].title));
        const char *q = d->slides[1].question;
        CHECK(q && strlen(q) <= HU_QUESTION_MAX && strlen(q) >= HU_QUESTION_MAX - 3 && utf8_ok(q));
        CHECK(q && strcmp(q, d->slides[1].title) == 0);
        CHECK(d->n_warnings == 2);
        if (d->n_warnings == 2) {
            CHECK_STR(d->warnings[0], "caps.md:1: warning: the deck's title, taken from this heading, is cut to 200 "
                                      "bytes; set a shorter \"title:\" in the front matter");
            CHECK_STR(d->warnings[1], "caps.md:4: warning: the question is longer than 1000 bytes and is cut to "
                                      "that; shorten the heading");
        }
    }
    deck_free(d);
    free(buf);
}

/* The warning channel: deck_load_warn prints what deck->warnings holds, in
 * file order, and a flood of warnings is capped with a count. */
static void run_warning_channel(const char *tests)
{
    char err[512], path[1024];
    struct deck *d = NULL;
    snprintf(path, sizeof path, "%s/decks/valid/unknown-directive-warn.md", tests);
    FILE *f = tmpfile();
    CHECK(f != NULL);
    CHECK(deck_load_warn(path, f, &d, err, sizeof err) == HU_OK);
    if (d && f) {
        char got[2048];
        rewind(f);
        size_t n = fread(got, 1, sizeof got - 1, f);
        got[n] = '\0';
        char *nl = strchr(got, '\n');
        CHECK(d->n_warnings == 2 && nl != NULL);
        if (nl && d->n_warnings == 2) {
            *nl = '\0';
            CHECK_STR(got, d->warnings[0]);
            CHECK(strstr(d->warnings[0], ":6: warning: unknown directive \"timer\"") != NULL);
            CHECK(strstr(nl + 1, d->warnings[1]) == nl + 1);
        }
    }
    if (f)
        fclose(f);
    deck_free(d);
    d = NULL;
    CHECK(deck_load_warn(path, NULL, &d, err, sizeof err) == HU_OK); /* NULL: collect only */
    CHECK(d && d->n_warnings == 2);
    deck_free(d);
    d = NULL;

    /* 150 unknown directives: 100 warnings, then one with the count. */
    size_t cap = 150 * 20 + 16;
    char *buf = malloc(cap);
    CHECK(buf != NULL);
    if (buf) {
        size_t n = 0;
        memcpy(buf, "# Many\n", 7);
        n = 7;
        for (int i = 0; i < 150; i++) {
            memcpy(buf + n, "<!-- timer: 5m -->\n", 19);
            n += 19;
        }
        CHECK(deck_parse("many.md", buf, n, &d, err, sizeof err) == HU_OK);
        CHECK(d && d->n_warnings == 101);
        if (d && d->n_warnings == 101) {
            CHECK(strncmp(d->warnings[0], "many.md:2: warning:", 19) == 0);
            CHECK_STR(d->warnings[100], "many.md: warning: 50 more warnings not shown");
        }
        deck_free(d);
    }
    free(buf);
}

/* What is easier to build than to check in: caps, NUL bytes, bad UTF-8, I/O. */
static void run_built(const char *tests)
{
    char err[512], path[1024];
    struct deck *d = NULL;

    CHECK(deck_load("/nonexistent/deck.md", &d, err, sizeof err) == HU_ERR_IO);
    CHECK_STR(err, "/nonexistent/deck.md: cannot read: No such file or directory");
    CHECK(d == NULL);
    snprintf(path, sizeof path, "%s/decks", tests);
    CHECK(deck_load(path, &d, err, sizeof err) == HU_ERR_IO);
    CHECK(strstr(err, ": cannot read: Is a directory") != NULL);

    static const char nul[] = "# One\n\nHello\0world\n";
    CHECK(deck_parse("nul.md", nul, sizeof nul - 1, &d, err, sizeof err) == HU_ERR_PARSE);
    CHECK_STR(err, "nul.md:3: NUL byte in the text (expected a UTF-8 text file)");

    static const char *const bad_utf8[] = {
        "# A\n\xC3\n",             /* truncated */
        "# A\n\xC0\xAF\n",         /* overlong "/" */
        "# A\n\xED\xA0\x80\n",     /* surrogate */
        "# A\n\xF4\x90\x80\x80\n", /* above U+10FFFF */
        "# A\r\n\xFF\r\n",         /* CRLF counts one line */
    };
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
        CHECK(deck_parse("u.md", bad_utf8[i], strlen(bad_utf8[i]), &d, err, sizeof err) == HU_ERR_PARSE);
        CHECK_STR(err, "u.md:2: invalid UTF-8 (expected the file to be saved as UTF-8)");
    }
    static const char good_utf8[] = "# Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x91\x8D\n";
    CHECK(deck_parse("u.md", good_utf8, strlen(good_utf8), &d, err, sizeof err) == HU_OK);
    if (d)
        CHECK_STR(d->title, "Caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x91\x8D");
    deck_free(d);
    d = NULL;

    /* Size cap: one byte over is refused before anything else. */
    size_t big = (size_t)HU_DECK_MAX_BYTES + 1;
    char *buf = malloc(big);
    CHECK(buf != NULL);
    if (buf) {
        memset(buf, 'a', big);
        CHECK(deck_parse("big.md", buf, big, &d, err, sizeof err) == HU_ERR_PARSE);
        CHECK_STR(err, "big.md: the deck is larger than 1048576 bytes");
    }
    free(buf);

    /* Slide cap: HU_DECK_MAX_SLIDES slides pass, one more fails at its line. */
    size_t cap = (HU_DECK_MAX_SLIDES + 1) * 8 + 1;
    buf = malloc(cap);
    CHECK(buf != NULL);
    if (buf) {
        size_t n = 0;
        for (int i = 0; i <= HU_DECK_MAX_SLIDES; i++) {
            memcpy(buf + n, "# S\n---\n", 8);
            n += 8;
        }
        /* 1000 slides and a final "---": the trailing empty slide is dropped. */
        CHECK(deck_parse("many.md", buf, n - 8, &d, err, sizeof err) == HU_OK);
        if (d)
            CHECK(d->n_slides == HU_DECK_MAX_SLIDES);
        deck_free(d);
        d = NULL;
        CHECK(deck_parse("many.md", buf, n - 4, &d, err, sizeof err) == HU_ERR_PARSE);
        CHECK_STR(err, "many.md:2001: too many slides (at most 1000)");
    }
    free(buf);

    /* A tiny error buffer is still NUL-terminated. */
    char small[8];
    CHECK(deck_parse("x.md", "", 0, &d, small, sizeof small) == HU_ERR_PARSE);
    CHECK(strlen(small) == sizeof small - 1);
    deck_free(NULL);

    run_caps();
    run_warning_channel(tests);
}

/* Invariants every parsed deck keeps, whatever its input. */
static bool deck_sane(const struct deck *d)
{
    size_t polls = 0;
    if (!d->title || !d->path || d->n_slides < 1 || d->n_slides > HU_DECK_MAX_SLIDES)
        return false;
    if (strlen(d->title) > HU_TITLE_MAX || !utf8_ok(d->title))
        return false;
    for (size_t i = 0; i < d->n_warnings; i++)
        if (strncmp(d->warnings[i], d->path, strlen(d->path)) != 0 || !strstr(d->warnings[i], "warning: "))
            return false;
    for (size_t i = 0; i < d->n_slides; i++) {
        const struct deck_slide *sl = &d->slides[i];
        if (!sl->html || strstr(sl->html, "<script"))
            return false;
        if (sl->title && (strlen(sl->title) > HU_QUESTION_MAX || !utf8_ok(sl->title)))
            return false;
        if (sl->kind == DECK_SLIDE_POLL) {
            polls++;
            if (!sl->question || !sl->poll_kind || !sl->poll_id[0] || deck_find_poll(d, sl->poll_id) != (int)i)
                return false;
        }
    }
    return polls == d->n_polls;
}

/* Mutates the valid decks many times over (splicing in the characters the
 * parser cares about) and checks that each result is a clean error or a
 * sane deck.  Run under ASan this is a small, deterministic fuzzer. */
static void run_mutations(const char *tests)
{
    static const char *const bits[] = {"---\n", "<!--", "-->", "```\n", "~~~", "\r", "\n", "poll: yesno\n",
                                       "discuss: 5m", "id: x", "# ", "\xEF\xBB\xBF", "\xC3\xA9", "<script>",
                                       "<!-- poll: yesno --> ", "<!---", "--->", "...\n", "title: >\n", "    ",
                                       "\\\n", "`", "> ", "- ", "\n\n", "title: \"a\\\"b\" # c\n"};
    char dir[512], path[1024], err[512];
    char **names;
    snprintf(dir, sizeof dir, "%s/decks/valid", tests);
    size_t n = list_decks(dir, &names);
    unsigned long long rng = 0x9E3779B97F4A7C15ULL;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        snprintf(path, sizeof path, "%s/%s.md", dir, names[i]);
        char *text = read_all(path, &len);
        char *buf = text ? malloc(len + 64) : NULL;
        for (int round = 0; buf && round < 300; round++) {
            memcpy(buf, text, len);
            size_t blen = len;
            for (int m = 0; m < 3; m++) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                size_t at = blen ? (size_t)(rng % blen) : 0;
                const char *bit = bits[(rng >> 32) % (sizeof bits / sizeof bits[0])];
                size_t bl = strlen(bit);
                if (blen + bl > len + 63)
                    break;
                if ((rng >> 40) & 1) { /* insert */
                    memmove(buf + at + bl, buf + at, blen - at);
                    blen += bl;
                } else if (at + bl > blen) {
                    continue;
                }
                memcpy(buf + at, bit, bl); /* or overwrite */
            }
            struct deck *d = NULL;
            int rc = deck_parse("m.md", buf, blen, &d, err, sizeof err);
            if (rc == HU_OK ? !deck_sane(d) : (rc != HU_ERR_PARSE || d || strncmp(err, "m.md:", 5) != 0)) {
                if (bad++ < 5)
                    fprintf(stderr, "mutation of %s gave rc %d: %s\n", names[i], rc, rc ? err : "insane deck");
            }
            deck_free(d);
        }
        free(buf);
        free(text);
        free(names[i]);
    }
    free(names);
    CHECK(bad == 0);
}

int main(int argc, char **argv)
{
    const char *tests = argc > 1 ? argv[1] : "tests";
    run_valid(tests);
    run_invalid(tests);
    run_examples(tests);
    run_built(tests);
    run_mutations(tests);
    return check_done();
}
