/* tls.h -- the certificate and key of --tls-cert/--tls-key, checked.
 *
 * lws would load a bad pair and say little more than "problem loading
 * cert" on its log, or start with an expired certificate that every phone
 * then refuses.  So before lws sees them (at start and on every SIGHUP) the
 * files are read here with OpenSSL and refused with a sentence that names
 * the file and the problem: missing, unreadable, not PEM, expired, not yet
 * valid, or a key that is not the certificate's.  The check reads the files
 * once more than lws does; a pair swapped between the two reads is caught
 * by lws failing to load it. */
#ifndef HU_TLS_H
#define HU_TLS_H

#include <stddef.h>
#include <stdint.h>

/* What a good pair is worth knowing. */
struct tls_info {
    int64_t not_after;          /* unix seconds the certificate expires */
    char subject[256];          /* its subject's common name (or the whole subject) */
};

/* Checks cert (a PEM certificate, chain after it allowed) and key (its PEM
 * private key, unencrypted).  HU_OK and *info, or a hu_err with err set. */
int tls_check(const char *cert, const char *key, struct tls_info *info, char *err, size_t errlen);

#endif
