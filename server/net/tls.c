/* tls.c -- checking a certificate and its key before lws loads them (tls.h). */
#include "tls.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/hu_err.h"

/* A private key with a passphrase cannot be loaded by a service at boot:
 * refuse to prompt, so it fails here with a clear message. */
static int tls_no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* "Jan  2 03:04:05 2026 GMT" for messages. */
static void tls_time_text(const ASN1_TIME *t, char *out, size_t outlen)
{
    snprintf(out, outlen, "?");
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    if (ASN1_TIME_print(b, t) == 1) {
        int n = BIO_read(b, out, (int)outlen - 1);
        if (n > 0)
            out[n] = '\0';
    }
    BIO_free(b);
}

static int64_t tls_unix_time(const ASN1_TIME *t)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return (int64_t)timegm(&tm);
}

int tls_check(const char *cert, const char *key, struct tls_info *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    int rc = HU_ERR_PARSE;
    X509 *x = NULL;
    EVP_PKEY *pk = NULL;
    FILE *f = fopen(cert, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read --tls-cert %s: %s", cert, strerror(errno));
        return HU_ERR_IO;
    }
    x = PEM_read_X509(f, NULL, tls_no_passphrase, NULL);
    fclose(f);
    if (!x) {
        snprintf(err, errlen, "--tls-cert %s holds no PEM certificate (expected a file starting with "
                              "-----BEGIN CERTIFICATE-----)", cert);
        goto done;
    }
    char when[64];
    if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
        tls_time_text(X509_get0_notAfter(x), when, sizeof when);
        snprintf(err, errlen, "--tls-cert %s expired on %s: renew it (certbot renew, or your CA)", cert, when);
        goto done;
    }
    if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
        tls_time_text(X509_get0_notBefore(x), when, sizeof when);
        snprintf(err, errlen, "--tls-cert %s is not valid before %s (is this machine's clock right?)", cert, when);
        goto done;
    }
    if (!(f = fopen(key, "r"))) {
        snprintf(err, errlen, "cannot read --tls-key %s: %s", key, strerror(errno));
        rc = HU_ERR_IO;
        goto done;
    }
    pk = PEM_read_PrivateKey(f, NULL, tls_no_passphrase, NULL);
    fclose(f);
    if (!pk) {
        snprintf(err, errlen, "--tls-key %s holds no unencrypted PEM private key", key);
        goto done;
    }
    if (X509_check_private_key(x, pk) != 1) {
        snprintf(err, errlen, "--tls-key %s is not the private key of --tls-cert %s", key, cert);
        goto done;
    }
    info->not_after = tls_unix_time(X509_get0_notAfter(x));
    X509_NAME *name = X509_get_subject_name(x);
    if (X509_NAME_get_text_by_NID(name, NID_commonName, info->subject, sizeof info->subject) < 0)
        X509_NAME_oneline(name, info->subject, sizeof info->subject);
    rc = HU_OK;
done:
    /* Errors were reported in err; OpenSSL's queue would otherwise surface
     * in the next unrelated call that prints it. */
    ERR_clear_error();
    X509_free(x);
    EVP_PKEY_free(pk);
    return rc;
}
