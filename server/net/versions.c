/* versions.c -- handsup's version and its libraries' (versions.h). */
#include "versions.h"

#include <cairo.h>
#include <cmark-gfm.h>
#include <hiredis/hiredis.h>
#include <poppler.h>
#include <ev.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <openssl/crypto.h>
#include <qrencode.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

int versions_list(struct versions_row *rows)
{
    int n = 0;
    rows[n].name = "handsup";
    snprintf(rows[n++].version, sizeof rows[0].version, "%s", HANDSUP_VERSION);
    rows[n].name = "libwebsockets";
    snprintf(rows[n++].version, sizeof rows[0].version, "%s", lws_get_library_version());
    rows[n].name = "libev";
    snprintf(rows[n++].version, sizeof rows[0].version, "%d.%d", ev_version_major(), ev_version_minor());
    rows[n].name = "openssl";
    snprintf(rows[n++].version, sizeof rows[0].version, "%s", OpenSSL_version(OPENSSL_VERSION));
    rows[n].name = "sqlite";
    snprintf(rows[n++].version, sizeof rows[0].version, "%s", sqlite3_libversion());
    rows[n].name = "jansson";
    snprintf(rows[n++].version, sizeof rows[0].version, "%s", jansson_version_str());
    rows[n].name = "cmark-gfm";
    snprintf(rows[n++].version, sizeof rows[0].version, "%s", cmark_version_string());
    rows[n].name = "poppler";
    snprintf(rows[n++].version, sizeof rows[0].version, "%s", poppler_get_version());
    rows[n].name = "cairo";
    snprintf(rows[n++].version, sizeof rows[0].version, "%s", cairo_version_string());
    /* hiredis has no call that says its version: the one built with. */
    rows[n].name = "hiredis";
    snprintf(rows[n++].version, sizeof rows[0].version, "%d.%d.%d", HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH);
    rows[n].name = "libqrencode";
    char *qr = QRcode_APIVersionString(); /* static storage in the library */
    snprintf(rows[n++].version, sizeof rows[0].version, "%s", qr ? qr : "?");
    return n;
}
