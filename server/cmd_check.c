/* cmd_check.c -- `handsup check DECK...`: load decks as `serve` would,
 * without serving, and say what is in them.
 *
 * For each deck: its warnings (file:line, as at start-up), then a summary
 * (slides, PDF pages, polls with id and kind, images shown and not shown).
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


static void check_summary(const struct deck *d, FILE *f)
{
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
    for (size_t i = 0; i < d->n_slides; i++) {
        const struct deck_slide *sl = &d->slides[i];
        if (sl->kind == DECK_SLIDE_CONTENT && !sl->pdf_page)
            continue;
        if (sl->kind == DECK_SLIDE_POLL)
            fprintf(f, "  slide %zu (line %d): poll \"%s\" (%s): %s\n", i + 1, sl->line, sl->poll_id,
                    sl->poll_kind->name, sl->question);
        else if (sl->kind == DECK_SLIDE_DISCUSS)
            fprintf(f, "  slide %zu (line %d): discuss%s%s\n", i + 1, sl->line, sl->title ? ": " : "",
                    sl->title ? sl->title : "");
        else
            fprintf(f, "  slide %zu (line %d): PDF page %d\n", i + 1, sl->line, sl->pdf_page);
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
