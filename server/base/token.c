/* token.c -- random tokens from getrandom(2), hashes from OpenSSL. */
#include "token.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/random.h>

#include "hu_err.h"

static int token_fill(unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return HU_ERR_IO;
        }
        p += got;
        n -= (size_t)got;
    }
    return HU_OK;
}

int token_random_hex(char *out, size_t outlen, size_t nbytes)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[64];
    if (nbytes > sizeof raw || outlen < 2 * nbytes + 1)
        return HU_ERR_INTERNAL;
    int rc = token_fill(raw, nbytes);
    if (rc)
        return rc;
    for (size_t i = 0; i < nbytes; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[2 * nbytes] = '\0';
    return HU_OK;
}

int token_random_code(char code[HU_CODE_LEN + 1])
{
    for (int i = 0; i < HU_CODE_LEN; i++) {
        unsigned char b;
        /* Rejection sampling keeps the digits uniform: 250 is the largest
         * multiple of 10 that fits a byte. */
        do {
            int rc = token_fill(&b, 1);
            if (rc)
                return rc;
        } while (b >= 250 || (i == 0 && b % 10 == 0));
        code[i] = (char)('0' + b % 10);
    }
    code[HU_CODE_LEN] = '\0';
    return HU_OK;
}

int token_hash(const char *s, size_t len, unsigned char out[HU_HASH_LEN])
{
    unsigned int n = 0;
    if (!EVP_Digest(s, len, out, &n, EVP_sha256(), NULL) || n != HU_HASH_LEN)
        return HU_ERR_INTERNAL;
    return HU_OK;
}

bool token_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    return CRYPTO_memcmp(a, b, alen) == 0;
}

bool token_well_formed(const char *s, size_t len)
{
    if (len != HU_TOKEN_LEN)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}
