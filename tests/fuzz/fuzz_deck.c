/* fuzz_deck.c -- libFuzzer target for the deck parser.
 *
 * Parses arbitrary bytes as a deck named "fuzz.md", then walks every field
 * of the result and traps on any broken promise of server/deck/deck.h, so the
 * fuzzer finds wrong answers as well as memory errors. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "base/media.h"
#include "deck/deck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Errors read "fuzz.md:LINE: what" or "fuzz.md: what". */
static void fuzz_check_error(int rc, const struct deck *deck, const char *err)
{
    static const char prefix[] = "fuzz.md:";
    if (rc != HU_ERR_PARSE && rc != HU_ERR_NOMEM)
        __builtin_trap();
    if (deck != NULL)
        __builtin_trap();
    if (strncmp(err, prefix, sizeof prefix - 1) != 0)
        __builtin_trap();
    const char *p = err + sizeof prefix - 1;
    if (*p >= '0' && *p <= '9') {
        if (*p == '0')
            __builtin_trap();
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p != ':')
            __builtin_trap();
        p++;
    }
    if (p[0] != ' ' || p[1] == '\0')
        __builtin_trap();
}

/* Reading each string end to end lets ASan see any that is unterminated or
 * freed early. */
static size_t fuzz_strlen_or_zero(const char *s)
{
    return s ? strlen(s) : 0;
}

static void fuzz_check_slide(const struct deck *deck, size_t i, size_t *polls)
{
    const struct deck_slide *s = &deck->slides[i];
    if (s->kind != DECK_SLIDE_CONTENT && s->kind != DECK_SLIDE_DISCUSS && s->kind != DECK_SLIDE_POLL &&
        s->kind != DECK_SLIDE_QA)
        __builtin_trap();
    if (s->line < 1 || !s->html)
        __builtin_trap();
    (void)strlen(s->html);
    (void)fuzz_strlen_or_zero(s->title);
    (void)fuzz_strlen_or_zero(s->notes);
    if (s->discuss_seconds < 0 || s->discuss_seconds > HU_DECK_MAX_DISCUSS_SECONDS)
        __builtin_trap();
    if (s->discuss_seconds > 0 && s->kind != DECK_SLIDE_DISCUSS)
        __builtin_trap();
    /* Backgrounds name real media; splits and fragments stay in range. */
    for (size_t k = 0; k < s->n_bgs; k++)
        if (s->bgs[k].media < 0 || (size_t)s->bgs[k].media >= deck->n_media || !s->bgs[k].size[0])
            __builtin_trap();
    if (s->split != DECK_SPLIT_NONE && (s->split_pct < 1 || s->split_pct > 99))
        __builtin_trap();
    if (s->fragments < 0 || (s->kind != DECK_SLIDE_CONTENT && s->pdf_page))
        __builtin_trap();
    (void)fuzz_strlen_or_zero(s->look.header);
    (void)fuzz_strlen_or_zero(s->look.footer);
    (void)fuzz_strlen_or_zero(s->look.classes);
    if (s->kind != DECK_SLIDE_POLL)
        return;
    (*polls)++;
    if (!s->question || !s->poll_kind || !s->spec || s->spec->kind != s->poll_kind)
        __builtin_trap();
    /* Every kind with options has at least two, and a text poll none. */
    if (s->spec->kind->text ? s->spec->n_options != 0 : s->spec->n_options < 2 || s->spec->n_options > HU_OPTION_MAX)
        __builtin_trap();
    if (s->spec->multiple < 1 || (s->spec->n_options && s->spec->multiple > s->spec->n_options))
        __builtin_trap();
    for (unsigned k = 0; k < s->spec->n_options; k++)
        if (!s->spec->ids[k][0] || strlen(s->spec->ids[k]) > HU_OPTION_ID_MAX)
            __builtin_trap();
    (void)strlen(s->question);
    size_t id_len = strnlen(s->poll_id, sizeof s->poll_id);
    if (id_len == 0 || id_len > HU_POLL_ID_MAX)
        __builtin_trap();
    for (size_t k = 0; k < id_len; k++) {
        char c = s->poll_id[k];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-'))
            __builtin_trap();
    }
    /* Ids are unique, so the lookup must land on this very slide. */
    if (deck_find_poll(deck, s->poll_id) != (int)i)
        __builtin_trap();
}

static void fuzz_check_deck(const struct deck *deck)
{
    if (!deck || deck->n_slides < 1 || deck->n_slides > HU_DECK_MAX_SLIDES || !deck->slides)
        __builtin_trap();
    if (!deck->path || strcmp(deck->path, "fuzz.md") != 0 || !deck->title)
        __builtin_trap();
    (void)strlen(deck->title);
    if (deck->has_code) {
        if (strlen(deck->code) != HU_CODE_LEN)
            __builtin_trap();
        for (size_t k = 0; k < HU_CODE_LEN; k++)
            if (deck->code[k] < '0' || deck->code[k] > '9')
                __builtin_trap();
    }
    /* Parsed from memory: nothing on disk is looked at, nothing is served. */
    for (size_t i = 0; i < deck->n_media; i++)
        if (!deck->media[i].key || deck->media[i].ok || !media_rel_ok(deck->media[i].key))
            __builtin_trap();
    if (deck->logo >= (int)deck->n_media || deck->dir_fd != -1 || deck->n_pdf_pages > deck->n_slides)
        __builtin_trap();
    size_t polls = 0;
    for (size_t i = 0; i < deck->n_slides; i++)
        fuzz_check_slide(deck, i, &polls);
    if (polls != deck->n_polls)
        __builtin_trap();
    if (deck_find_poll(deck, "") != -1)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct deck *deck = NULL;
    char err[512];
    int rc = deck_parse("fuzz.md", (const char *)data, size, &deck, err, sizeof err);
    if (rc == HU_OK)
        fuzz_check_deck(deck);
    else
        fuzz_check_error(rc, deck, err);
    deck_free(deck);
    return 0;
}
