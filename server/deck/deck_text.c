/* deck_text.c -- a deck's text as numbered lines.
 *
 * The line index every other file of the reader works on (deck_impl.h,
 * struct deck_text and struct deck_lines): where each line starts, and which
 * file line a line of a slide's rewritten text came from, for messages.  At
 * the bottom of the reader, so its other files never call up into deck.c. */
#include <stdlib.h>

#include "base/hu_err.h"
#include "deck_impl.h"

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

/* Records where each line of t->s starts.  HU_OK or HU_ERR_NOMEM. */
int deck_index_lines(struct deck_text *t)
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
