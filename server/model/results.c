/* results.c -- releases the plain-data results built for exports.
 *
 * Builders (session_results, store_read_results) may stop half way on an
 * error, so every field is freed only if set and absent options are NULL. */
#include "results.h"

#include <stdlib.h>
#include <string.h>

static void results_poll_free(struct results_poll *p)
{
    free(p->poll_id);
    free(p->question);
    free(p->kind);
    free(p->status);
    /* Both builders zero the whole poll first, so unused slots are NULL; all
     * of them are freed in case options were added beyond n_options. */
    for (unsigned i = 0; i < HU_OPTION_MAX; i++)
        free(p->options[i]);
}

void results_session_clear(struct results_session *s)
{
    for (size_t j = 0; s->polls && j < s->n_polls; j++)
        results_poll_free(&s->polls[j]);
    free(s->polls);
    free(s->code);
    free(s->title);
    free(s->deck_path);
    free(s->run_label);
    memset(s, 0, sizeof *s);
}

void results_free(struct results *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->sessions && i < r->n_sessions; i++)
        results_session_clear(&r->sessions[i]);
    free(r->sessions);
    free(r);
}
