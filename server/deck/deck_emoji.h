/* deck_emoji.h -- Marp's ":shortcode:" emoji, as text in titles and slides.
 *
 * The table (deck_emoji_table.c) is generated from the one marp-core uses;
 * deck_emoji.c replaces shortcodes in the text of a parsed slide. */
#ifndef HU_DECK_EMOJI_H
#define HU_DECK_EMOJI_H

struct deck_emoji {
    const char *name; /* "smile", without colons */
    const char *utf8; /* the emoji */
};

extern const struct deck_emoji deck_emoji_table[];
extern const unsigned deck_emoji_count;

/* The emoji called name[0..len), or NULL. */
const char *deck_emoji_find(const char *name, unsigned len);

#endif
