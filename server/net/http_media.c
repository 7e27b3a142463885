/* http_media.c -- the images of a deck, at /media/<code>/<path>.
 *
 * DESIGN section 8 and docs/security.md "Deck images": a request is served
 * only when <path> is the key of an image the session's deck references and
 * that passed its checks at load (deck_media.c).  The file is opened again
 * now, beneath the deck's folder (or the PDF page cache) one component at a
 * time without following links, so a file or folder swapped for a link
 * since loading is refused; its bytes are sniffed again and must still be
 * an image within HU_MEDIA_MAX_BYTES.  Anything else is 404, with no hint.
 *
 * Caching: the ETag is the file's size, mtime and inode (a PDF page's is its
 * content hash).  The pages ask for "<url>?v=<etag>", so a request whose v
 * is the current ETag may be cached for a year; any other is revalidated
 * (If-None-Match, 304).  SVG gets a Content-Security-Policy with "sandbox"
 * on top of the server's: opened on its own, it still cannot run script.
 *
 * The body is read from the file in HTTP_MEDIA_CHUNK pieces, one per
 * writable callback, as lws's own file mounts do for the pages. */
#include "http_media.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hu_limits.h"
#include "base/media.h"

#define HTTP_MEDIA_CHUNK 16384

static const char http_media_svg_csp[] = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

void http_media_close(struct http_pss *p)
{
    if (p && p->file_open) {
        close(p->file_fd);
        p->file_open = false;
    }
}

static int http_media_header(struct lws *wsi, unsigned char **pos, unsigned char *end, const char *name,
                             const char *value)
{
    return lws_add_http_header_by_name(wsi, (const unsigned char *)name, (const unsigned char *)value,
                                       (int)strlen(value), pos, end);
}

int http_media(struct server *srv, struct lws *wsi, struct http_pss *p, const struct route *r)
{
    struct server_session *ss = net_find_session(srv, r->code);
    const struct deck *deck = ss ? session_deck(ss->session) : NULL;
    const struct deck_media *m = deck ? deck_media_find(deck, r->media) : NULL;
    int root = m ? (m->cached ? deck->cache_fd : deck->dir_fd) : -1;
    if (!m || root < 0)
        return HTTP_MEDIA_NOT_FOUND;
    int fd = media_open_beneath(root, m->file);
    struct stat st;
    unsigned char head[MEDIA_SNIFF_BYTES];
    ssize_t n = -1;
    const char *mime = NULL;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= HU_MEDIA_MAX_BYTES &&
        (n = pread(fd, head, sizeof head, 0)) >= 0)
        mime = media_sniff(head, (size_t)n);
    if (!mime) {
        if (fd >= 0)
            close(fd);
        return HTTP_MEDIA_NOT_FOUND;
    }
    char etag[64], quoted[72], v[64], inm[256];
    if (m->cached)
        snprintf(etag, sizeof etag, "%s", m->etag);
    else
        snprintf(etag, sizeof etag, "%llx-%llx-%llx", (unsigned long long)st.st_size,
                 (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)st.st_mtim.tv_nsec,
                 (unsigned long long)st.st_ino);
    snprintf(quoted, sizeof quoted, "\"%s\"", etag);
    const char *version = lws_get_urlarg_by_name(wsi, "v=", v, sizeof v); /* points after "v=" in v */
    bool immutable = version && strcmp(version, etag) == 0;
    bool fresh = lws_hdr_copy(wsi, inm, sizeof inm, WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0 && strstr(inm, quoted);
    unsigned char hdr[LWS_PRE + 2048];
    unsigned char *start = hdr + LWS_PRE, *pos = start, *end = hdr + sizeof hdr - 1;
    unsigned status = fresh ? HTTP_STATUS_NOT_MODIFIED : HTTP_STATUS_OK;
    if (lws_add_http_common_headers(wsi, status, mime, fresh ? LWS_ILLEGAL_HTTP_CONTENT_LEN : (lws_filepos_t)st.st_size,
                                    &pos, end) ||
        http_media_header(wsi, &pos, end, "etag:", quoted) ||
        http_media_header(wsi, &pos, end, "cache-control:",
                          immutable ? "max-age=31536000, immutable" : "no-cache") ||
        (strcmp(mime, "image/svg+xml") == 0 &&
         http_media_header(wsi, &pos, end, "content-security-policy:", http_media_svg_csp)) ||
        lws_finalize_write_http_header(wsi, start, &pos, end)) {
        close(fd);
        return -1;
    }
    if (fresh || p->head || st.st_size == 0) {
        close(fd);
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    p->file_open = true;
    p->file_fd = fd;
    p->file_left = (uint64_t)st.st_size;
    lws_callback_on_writable(wsi);
    return 0;
}

int http_media_writeable(struct lws *wsi, struct http_pss *p)
{
    unsigned char buf[LWS_PRE + HTTP_MEDIA_CHUNK];
    size_t want = p->file_left < HTTP_MEDIA_CHUNK ? (size_t)p->file_left : HTTP_MEDIA_CHUNK;
    ssize_t n = read(p->file_fd, buf + LWS_PRE, want);
    if (n <= 0) {
        /* The file shrank under us: the length sent cannot be honoured. */
        http_media_close(p);
        return -1;
    }
    p->file_left -= (uint64_t)n;
    bool last = p->file_left == 0;
    if (lws_write(wsi, buf + LWS_PRE, (size_t)n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n) {
        http_media_close(p);
        return -1;
    }
    if (!last) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    http_media_close(p);
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}
