/* hu_text.h -- participants' free text, made safe to keep, count and show.
 *
 * Open answers and audience questions arrive from anyone in the room.  Before
 * the server keeps one it is checked as UTF-8 and cleaned: control
 * characters, bidirectional overrides and invisible format characters are
 * removed, white space is collapsed, and its length is counted in characters
 * (code points), the unit a deck's "max:" is written in.  Escaping for a
 * given output (JSON, HTML, CSV) stays with that output.  No I/O, no state. */
#ifndef HU_TEXT_H
#define HU_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* True when s[0..len) is UTF-8 as RFC 3629 defines it (no overlong forms,
 * no surrogates, nothing above U+10FFFF) and holds no NUL. */
bool hu_utf8_valid(const char *s, size_t len);

/* Decodes the code point at s[*i] (s valid UTF-8) and moves *i past it. */
uint32_t hu_utf8_next(const char *s, size_t len, size_t *i);

/* Code points in s[0..len) (s valid UTF-8). */
size_t hu_utf8_chars(const char *s, size_t len);

/* Cleans s[0..len) into out (which the caller initialised; its cap bounds the
 * bytes): C0 and C1 controls are dropped (tab and line breaks become
 * spaces), as are the bidirectional controls (U+061C, U+200E-F,
 * U+202A-E, U+2066-9) and invisible format characters (U+00AD, U+200B,
 * U+2060-4, U+FEFF); runs of white space become one space; the ends are
 * trimmed.  Zero-width joiners stay: emoji sequences and several scripts
 * need them.  Returns HU_OK; HU_ERR_BAD_MESSAGE for text that is not UTF-8,
 * holds a NUL or is empty once cleaned; HU_ERR_TOO_LONG when it has more
 * than max_chars characters; HU_ERR_NOMEM or HU_ERR_TOO_LARGE from out. */
int hu_text_clean(const char *s, size_t len, size_t max_chars, struct hu_buf *out);

/* The key under which answers are grouped ("normalised by case and
 * spacing"): s (already cleaned) with letters folded to lower case (Latin,
 * Greek, Cyrillic, Armenian and full-width Latin, simple one-to-one folding)
 * and zero-width joiners and variation selectors dropped, so "Trust",
 * "trust" and "TRUST" are one entry.  Appends to out. */
int hu_text_fold(const char *s, size_t len, struct hu_buf *out);

/* The lower-case partner of code point c, or c. */
uint32_t hu_fold_char(uint32_t c);

/* Appends code point c to out as UTF-8. */
int hu_utf8_put(struct hu_buf *out, uint32_t c);

#endif
