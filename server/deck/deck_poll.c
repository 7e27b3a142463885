/* deck_poll.c -- a poll slide's kind parameters and options.
 *
 * Reads "multiple", "range", "labels", "max", "answers", "show" and
 * "moderate" (docs/deck-format.md), checks that each belongs to the slide's
 * kind, and builds the slide's pollspec: for a "choice" poll, the options
 * are the items of the slide's first list in the cmark-gfm tree the slide
 * is rendered from (so emoji, strikethrough and images are already read),
 * which leaves the rendered slide
 * (the projector draws the options as bars, phones as buttons). */
#include "deck_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hu_err.h"

enum deck_param { DECK_P_MULTIPLE, DECK_P_RANGE, DECK_P_LABELS, DECK_P_MAX, DECK_P_ANSWERS, DECK_P_SHOW,
                  DECK_P_MODERATE };

const char *const deck_poll_params[] = {"multiple", "range", "labels", "max", "answers", "show", "moderate", NULL};

/* The kind each parameter belongs to, for "X is for Y polls". */
static const char *const deck_param_kind[] = {"choice", "scale", "scale", "text", "text", "text", "text"};

int *deck_poll_param_line(struct deck_directives *d, int k)
{
    int *lines[] = {&d->multiple_line, &d->range_line, &d->labels_line, &d->max_line,
                    &d->answers_line,  &d->show_line,  &d->moderate_line};
    return lines[k];
}

static int deck_param_line(const struct deck_directives *d, int k)
{
    const int lines[] = {d->multiple_line, d->range_line, d->labels_line, d->max_line,
                         d->answers_line,  d->show_line,  d->moderate_line};
    return lines[k];
}

static bool deck_word(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(word, s, len) == 0;
}

/* A whole number within [lo, hi] from all of s[0..len), else -1 (a value
 * above hi is reported as hi + 1). */
static long deck_number(const char *s, size_t len, long lo, long hi)
{
    long v = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v <= hi)
            v = v * 10 + (s[i] - '0');
    }
    return v < lo ? -1 : v > hi ? hi + 1 : v;
}

static void deck_param_trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* Past the separator of a range at s[*i]: "-", "..", an en dash or "to",
 * with spaces around.  False when there is none. */
static bool deck_range_sep(const char *s, size_t len, size_t *i)
{
    size_t j = *i;
    while (j < len && s[j] == ' ')
        j++;
    if (j < len && s[j] == '-')
        j++;
    else if (j + 1 < len && s[j] == '.' && s[j + 1] == '.')
        j += 2;
    else if (j + 2 < len && memcmp(s + j, "\xe2\x80\x93", 3) == 0)
        j += 3;
    else if (j + 1 < len && deck_word(s + j, 2, "to"))
        j += 2;
    else
        return false;
    while (j < len && s[j] == ' ')
        j++;
    *i = j;
    return true;
}

/* "1-5", "1 - 5", "0..10", "1 to 7". */
static int deck_range(struct deck_ctx *c, struct deck_directives *d, const char *val, size_t vlen, int line)
{
    int vl = vlen > 60 ? 60 : (int)vlen;
    size_t i = 0;
    while (i < vlen && val[i] >= '0' && val[i] <= '9')
        i++;
    size_t a_end = i;
    long a = deck_number(val, a_end, 0, 1000), b = -1;
    if (a >= 0 && deck_range_sep(val, vlen, &i))
        b = deck_number(val + i, vlen - i, 0, 1000);
    if (a < 0 || b < 0)
        return deck_errorf(c, line, "bad range \"%.*s\" (expected two whole numbers such as 1-5)", vl, val);
    if (a >= b)
        return deck_errorf(c, line, "range \"%.*s\" runs backwards or is empty (expected low-high such as 1-5)", vl,
                           val);
    if (b > HU_SCALE_TOP)
        return deck_errorf(c, line, "range \"%.*s\" goes past %d (a scale runs within 0-%d)", vl, val, HU_SCALE_TOP,
                           HU_SCALE_TOP);
    d->range_min = (int)a;
    d->range_max = (int)b;
    return HU_OK;
}

/* "Not at all | Completely": the two ends of a scale. */
static int deck_labels(struct deck_ctx *c, struct deck_directives *d, const char *val, size_t vlen, int line)
{
    const char *bar = memchr(val, '|', vlen);
    const char *lo = val, *hi = bar ? bar + 1 : NULL;
    size_t lolen = bar ? (size_t)(bar - val) : vlen, hilen = bar ? vlen - (size_t)(hi - val) : 0;
    if (bar && memchr(hi, '|', hilen))
        return deck_errorf(c, line, "labels has more than two parts (expected \"low end | high end\")");
    if (!bar)
        return deck_errorf(c, line, "labels needs both ends, separated by \"|\" (e.g. labels: Not at all | Completely)");
    deck_param_trim(&lo, &lolen);
    deck_param_trim(&hi, &hilen);
    if (lolen > HU_LABEL_MAX || hilen > HU_LABEL_MAX)
        return deck_errorf(c, line, "a scale label is longer than %d bytes", HU_LABEL_MAX);
    if (lolen == 0 && hilen == 0)
        return deck_errorf(c, line, "labels are both empty (expected \"low end | high end\")");
    memcpy(d->low_label, lo, lolen);
    d->low_label[lolen] = '\0';
    memcpy(d->high_label, hi, hilen);
    d->high_label[hilen] = '\0';
    return HU_OK;
}

static int deck_yes_no(struct deck_ctx *c, const char *name, const char *val, size_t vlen, int line, bool *out)
{
    int vl = vlen > 60 ? 60 : (int)vlen;
    if (deck_word(val, vlen, "yes") || deck_word(val, vlen, "true") || deck_word(val, vlen, "on"))
        *out = true;
    else if (deck_word(val, vlen, "no") || deck_word(val, vlen, "false") || deck_word(val, vlen, "off"))
        *out = false;
    else
        return deck_errorf(c, line, "bad %s setting \"%.*s\" (expected yes or no)", name, vl, val);
    return HU_OK;
}

int deck_poll_param(struct deck_ctx *c, struct deck_directives *d, int k, const char *val, size_t vlen, int line)
{
    int vl = vlen > 60 ? 60 : (int)vlen;
    long n;
    bool on;
    switch ((enum deck_param)k) {
    case DECK_P_MULTIPLE:
        if (deck_word(val, vlen, "yes") || deck_word(val, vlen, "true") || deck_word(val, vlen, "any")) {
            d->multiple = 0;
            return HU_OK;
        }
        n = deck_number(val, vlen, 1, HU_CHOICE_MAX);
        if (n < 1 || n > HU_CHOICE_MAX)
            return deck_errorf(c, line,
                               "bad multiple \"%.*s\" (expected how many picks a person may make, 1 to %d, or yes "
                               "for any number)",
                               vl, val, HU_CHOICE_MAX);
        d->multiple = (unsigned)n;
        return HU_OK;
    case DECK_P_RANGE:
        return deck_range(c, d, val, vlen, line);
    case DECK_P_LABELS:
        return deck_labels(c, d, val, vlen, line);
    case DECK_P_MAX:
        n = deck_number(val, vlen, 1, HU_TEXT_MAX);
        if (n < 1 || n > HU_TEXT_MAX)
            return deck_errorf(c, line, "bad max \"%.*s\" (expected the characters an answer may have, 1 to %d)", vl,
                               val, HU_TEXT_MAX);
        d->max_chars = (unsigned)n;
        return HU_OK;
    case DECK_P_ANSWERS:
        n = deck_number(val, vlen, 1, HU_ANSWERS_MAX);
        if (n < 1 || n > HU_ANSWERS_MAX)
            return deck_errorf(c, line, "bad answers \"%.*s\" (expected answers per person, 1 to %d)", vl, val,
                               HU_ANSWERS_MAX);
        d->answers = (unsigned)n;
        return HU_OK;
    case DECK_P_SHOW:
        if (deck_word(val, vlen, "cloud") || deck_word(val, vlen, "wordcloud"))
            d->show = POLLSPEC_SHOW_CLOUD;
        else if (deck_word(val, vlen, "wall") || deck_word(val, vlen, "cards"))
            d->show = POLLSPEC_SHOW_WALL;
        else
            return deck_errorf(c, line, "bad show \"%.*s\" (expected cloud or wall)", vl, val);
        return HU_OK;
    case DECK_P_MODERATE:
        if (deck_yes_no(c, "moderate", val, vlen, line, &on) != HU_OK)
            return HU_ERR_PARSE;
        d->moderate = on;
        return HU_OK;
    }
    return HU_ERR_PARSE;
}

/* The first list of the slide that is not inside another list. */
static cmark_node *deck_first_list(cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_node *found = NULL;
    cmark_event_type ev;
    while (it && !found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_LIST)
            found = n;
    }
    cmark_iter_free(it);
    return found;
}

/* The options of a listed kind, from the items of the first list. */
static int deck_options(struct deck_ctx *c, const struct deck_directives *d, cmark_node *doc,
                        const struct deck_lines *lines, struct pollspec *p)
{
    cmark_node *list = deck_first_list(doc);
    if (!list)
        return deck_errorf(c, d->poll_line,
                           "a %s poll needs its options as a list on the slide (expected lines such as \"- Trust\", "
                           "\"- Time\", or \"1. Trust\")",
                           p->kind->name);
    int list_line = deck_file_line(lines, cmark_node_get_start_line(list));
    unsigned n = 0;
    for (cmark_node *item = cmark_node_first_child(list); item; item = cmark_node_next(item), n++) {
        int line = deck_file_line(lines, cmark_node_get_start_line(item));
        if (n >= HU_CHOICE_MAX)
            return deck_errorf(c, line, "a choice poll has at most %d options; this list has more", HU_CHOICE_MAX);
        bool cut = false;
        char *label = deck_plain_text(item, HU_LABEL_MAX, &cut);
        if (!label)
            return HU_ERR_NOMEM;
        int rc = HU_OK;
        if (!label[0])
            rc = deck_errorf(c, line, "option %u has no text (expected a label after the list marker)", n + 1);
        if (rc == HU_OK && cut)
            rc = deck_warnf(c, line, "option %u is longer than %d bytes and is cut to that", n + 1, HU_LABEL_MAX);
        if (rc == HU_OK)
            rc = pollspec_add_option(p, label, strlen(label));
        free(label);
        if (rc != HU_OK)
            return rc;
    }
    if (n < HU_CHOICE_MIN)
        return deck_errorf(c, list_line, "a choice poll needs at least %d options; this list has %u", HU_CHOICE_MIN,
                           n);
    unsigned a = 0, b = 0;
    if (pollspec_finish(p, &a, &b) == HU_ERR_EXISTS)
        return deck_errorf(c, list_line, "options %u and %u are both \"%.80s\" (each option needs its own label)",
                           a + 1, b + 1, p->labels[a]);
    /* The list becomes the poll's buttons and bars; left in the slide it
     * would show twice. */
    cmark_node_free(list);
    return HU_OK;
}

/* A parameter given on a slide whose kind does not take it. */
static int deck_param_misplaced(struct deck_ctx *c, const struct deck_directives *d)
{
    for (int k = 0; deck_poll_params[k]; k++) {
        int line = deck_param_line(d, k);
        if (!line)
            continue;
        if (!d->poll_line)
            return deck_errorf(c, line,
                               "\"%s\" is only for poll slides (expected a poll directive such as \"poll: %s\" on "
                               "this slide)",
                               deck_poll_params[k], deck_param_kind[k]);
        if (strcmp(d->kind->name, deck_param_kind[k]) != 0)
            return deck_errorf(c, line, "\"%s\" is for %s polls; this slide's poll is %s", deck_poll_params[k],
                               deck_param_kind[k], d->kind->name);
    }
    return HU_OK;
}

int deck_poll_build(struct deck_ctx *c, const struct deck_directives *d, struct cmark_node *doc,
                    const struct deck_lines *lines, struct pollspec **out)
{
    *out = NULL;
    int rc = deck_param_misplaced(c, d);
    if (rc != HU_OK || !d->poll_line)
        return rc;
    struct pollspec *p = malloc(sizeof *p);
    if (!p)
        return HU_ERR_NOMEM;
    pollspec_init(p, d->kind);
    if (d->kind->listed)
        rc = deck_options(c, d, doc, lines, p);
    if (rc == HU_OK && d->multiple_line) {
        unsigned m = d->multiple ? d->multiple : p->n_options;
        if (m > p->n_options)
            rc = deck_warnf(c, d->multiple_line,
                            "multiple: %u is more than the %u options; every option may be picked (multiple: yes "
                            "says so)",
                            m, p->n_options);
        p->multiple = m > p->n_options ? p->n_options : m;
    }
    if (rc == HU_OK && d->range_line)
        rc = pollspec_set_range(p, d->range_min, d->range_max);
    if (rc == HU_OK && d->labels_line) {
        memcpy(p->low_label, d->low_label, sizeof p->low_label);
        memcpy(p->high_label, d->high_label, sizeof p->high_label);
    }
    if (rc == HU_OK && d->max_line)
        p->max_chars = d->max_chars;
    if (rc == HU_OK && d->answers_line)
        p->answers = d->answers;
    if (rc == HU_OK && d->show_line)
        p->show = d->show;
    if (rc == HU_OK && d->moderate_line)
        p->moderate = d->moderate;
    if (rc != HU_OK) {
        free(p);
        return rc;
    }
    *out = p;
    return HU_OK;
}
