/* blocklist.h -- words and phrases that hold an answer or question back.
 *
 * An open answer or an audience question that contains a blocked word or
 * phrase is kept as "pending" for the presenter to approve or hide, whatever
 * the deck says about moderation: it never reaches the projector on its
 * own.  Matching is on whole words after case folding (hu_text_fold), so
 * "Idiot!" matches "idiot" and "idiotic" does not, unless the entry ends in
 * "*" ("idiot*"), which matches every word starting with it.  A phrase
 * ("go away") matches those words in a row.  Lookups are a hash set: the
 * cost of a check grows with the text, not with the list. */
#ifndef HU_BLOCKLIST_H
#define HU_BLOCKLIST_H

#include <stdbool.h>
#include <stddef.h>

struct blocklist;

/* An empty list.  NULL when out of memory.  blocklist_free accepts NULL. */
struct blocklist *blocklist_new(void);
void blocklist_free(struct blocklist *bl);

/* Adds the built-in list of abusive English words (blocklist_words.c).
 * HU_OK or HU_ERR_NOMEM. */
int blocklist_add_builtin(struct blocklist *bl);

/* Adds the entries of a --blocklist file: one word or phrase a line (UTF-8),
 * blank lines and lines starting with "#" skipped.  A line "-builtin" says
 * the file replaces the built-in list rather than extends it
 * (*replace_builtin is then set).  HU_OK, HU_ERR_NOMEM, or HU_ERR_PARSE with
 * *bad_line the 1-based line that is not UTF-8. */
int blocklist_add_text(struct blocklist *bl, const char *text, size_t len, bool *replace_builtin, int *bad_line);

/* Does text (cleaned by hu_text_clean) hold a blocked word or phrase?  A
 * NULL or empty list matches nothing. */
bool blocklist_match(const struct blocklist *bl, const char *text, size_t len);

/* Entries in the list. */
size_t blocklist_size(const struct blocklist *bl);

#endif
