/* deck_md.c -- the Markdown dialect of a deck: cmark-gfm with GitHub's
 * tables, strikethrough and autolinks.
 *
 * Raw HTML never passes: safe mode omits it at render, so the "tagfilter"
 * extension (which escapes a few tags only) is not needed.  Strikethrough
 * takes "~~x~~" only, as Marp (markdown-it) does, so that "~5 min~" stays
 * text there and here.  The extension registry of cmark-gfm is global, so it
 * is filled once, whatever thread parses first (the --watch thread loads
 * decks too). */
#include "deck_impl.h"

#include <cmark-gfm-core-extensions.h>
#include <pthread.h>

static pthread_once_t deck_md_once = PTHREAD_ONCE_INIT;

static void deck_md_register(void) { cmark_gfm_core_extensions_ensure_registered(); }

cmark_parser *deck_md_parser(void)
{
    static const char *const exts[] = {"table", "strikethrough", "autolink"};
    if (pthread_once(&deck_md_once, deck_md_register) != 0)
        return NULL;
    /* No CMARK_OPT_SMART: a question must reach phones and exports exactly
     * as the deck spells it. */
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE);
    for (size_t i = 0; p && i < sizeof exts / sizeof exts[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (!e || !cmark_parser_attach_syntax_extension(p, e)) {
            cmark_parser_free(p);
            p = NULL;
        }
    }
    return p;
}

char *deck_md_render(cmark_parser *p, cmark_node *doc)
{
    /* CMARK_OPT_SAFE is the default; it is spelled out so that no one
     * "simplifies" raw HTML back in.  Table alignment is written as align=""
     * attributes: a style="" attribute would break the pages' CSP. */
    return cmark_render_html(doc, CMARK_OPT_SAFE, cmark_parser_get_syntax_extensions(p));
}
