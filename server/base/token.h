/* token.h -- secrets: random tokens, their hashes, and constant-time comparison.
 *
 * Participant tokens and presenter keys come from the kernel's CSPRNG.  Tokens
 * are kept only as SHA-256 hashes, in memory and in the data file, so a copy
 * of the database cannot be used to impersonate a phone. */
#ifndef HU_TOKEN_H
#define HU_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "hu_limits.h"

/* Writes nbytes random bytes as 2*nbytes lowercase hex digits plus a NUL into
 * out (outlen >= 2*nbytes+1).  HU_OK or HU_ERR_IO. */
int token_random_hex(char *out, size_t outlen, size_t nbytes);

/* A random join code: HU_CODE_LEN decimal digits plus NUL, first digit 1-9 so
 * it never looks truncated.  HU_OK or HU_ERR_IO. */
int token_random_code(char code[HU_CODE_LEN + 1]);

/* SHA-256 of the len bytes at s.  HU_OK or HU_ERR_INTERNAL. */
int token_hash(const char *s, size_t len, unsigned char out[HU_HASH_LEN]);

/* Compares two strings in time that depends only on their lengths. */
bool token_equal(const char *a, size_t alen, const char *b, size_t blen);

/* True when s is exactly HU_TOKEN_LEN lowercase hex digits: the only shape of
 * token the server issues, so anything else is not looked up at all. */
bool token_well_formed(const char *s, size_t len);

#endif
