/* cmd_check.c -- `handsup check DECK...`: load decks as `serve` would,
 * without serving, and say what is in them.
 *
 * For each deck: its warnings (file:line, as at start-up), then a summary
 * (slides, PDF pages, polls with id, kind and the kind's parameters,
 * audience questions, images shown and not shown).
 * PDFs are opened and their pages counted, not rendered (no data file is
 * involved).  Exit status 1 when any deck has an error, else 0: warnings are
 * advice, as they are for `serve`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/hu_err.h"
#include "cli.h"
#include "deck/deck.h"

const char cmd_check_synopsis[] = "check DECK.md...";

const char cmd_check_usage[] =
    "check    loads each deck without serving it, prints its warnings and a summary (slides,\n"
    "         polls with id and kind, images and PDF pages found or not shown); exits 1 when\n"
    "         a deck has an error.\n";


/* A poll's kind and what it asks for beyond it: "(yesno)", "(choice: 3
 * options, up to 2 picks)", "(scale: 1-5)", "(text: cloud, 1 answer of 140
 * characters, moderated)". */
static void check_poll_kind(const struct pollspec *p, FILE *f)
{
    fprintf(f, "(%s", p->kind->name);
    if (p->kind->n_fixed) {
        /* yes/no: nothing to say beyond the kind */
    } else if (p->kind->text) {
        fprintf(f, ": %s, %u answer%s of %u characters%s", p->show == POLLSPEC_SHOW_WALL ? "wall" : "cloud", p->answers,
                p->answers == 1 ? "" : "s", p->max_chars, p->moderate ? ", moderated" : "");
    } else if (p->kind->numeric) {
        fprintf(f, ": %d-%d", p->min, p->max);
    } else {
        fprintf(f, ": %u options", p->n_options);
        if (p->multiple > 1)
            fprintf(f, ", up to %u picks", p->multiple);
    }
    fputc(')', f);
}

static void check_summary(const struct deck *d, FILE *f)
{
    static const char *const qa[] = {"off", "on", "moderated"};
    size_t shown = 0;
    for (size_t i = 0; i < d->n_media; i++)
        shown += !d->media[i].cached;
    fprintf(f, "%s: ok: \"%s\", %zu slide%s", d->path, d->title, d->n_slides, d->n_slides == 1 ? "" : "s");
    if (d->n_pdf_pages)
        fprintf(f, " (%zu from PDF pages)", d->n_pdf_pages);
    fprintf(f, ", %zu poll%s, %zu image%s found, %zu not shown, %zu warning%s\n", d->n_polls,
            d->n_polls == 1 ? "" : "s", shown, shown == 1 ? "" : "s", d->n_media_bad, d->n_warnings,
            d->n_warnings == 1 ? "" : "s");
    if (d->has_code)
        fprintf(f, "  join code %s\n", d->code);
    if (d->qa != DECK_QA_OFF)
        fprintf(f, "  audience questions: %s\n", qa[d->qa]);
    for (size_t i = 0; i < d->n_slides; i++) {
        const struct deck_slide *sl = &d->slides[i];
        if (sl->kind == DECK_SLIDE_CONTENT && !sl->pdf_page)
            continue;
        fprintf(f, "  slide %zu (line %d): ", i + 1, sl->line);
        switch (sl->kind) {
        case DECK_SLIDE_POLL:
            fprintf(f, "poll \"%s\" ", sl->poll_id);
            check_poll_kind(sl->spec, f);
            fprintf(f, ": %s\n", sl->question);
            break;
        case DECK_SLIDE_DISCUSS:
            fprintf(f, "discuss%s%s\n", sl->title ? ": " : "", sl->title ? sl->title : "");
            break;
        case DECK_SLIDE_QA:
            fprintf(f, "audience questions%s%s\n", sl->title ? ": " : "", sl->title ? sl->title : "");
            break;
        case DECK_SLIDE_CONTENT:
            fprintf(f, "PDF page %d\n", sl->pdf_page);
            break;
        }
    }
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            cli_help();
            return 0;
        }
        return cli_usage_error("%s", "unknown option");
    }
    if (optind >= argc)
        return cli_usage_error("%s", "check needs at least one deck file");
    int status = 0;
    for (int i = optind; i < argc; i++) {
        struct deck *d = NULL;
        char err[1024];
        struct deck_opts dopts = {NULL, NULL};
        /* Warnings go where the summary goes: this command's output is them. */
        int rc = deck_load_opts(argv[i], &dopts, stdout, &d, err, sizeof err);
        if (rc != HU_OK) {
            fflush(stdout);
            fprintf(stderr, "%s\n", err);
            status = 1;
            continue;
        }
        check_summary(d, stdout);
        deck_free(d);
    }
    return status;
}
