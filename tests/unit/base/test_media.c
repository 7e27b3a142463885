/* test_media.c -- base/media.c: content sniffing, the relative paths the
 * media route accepts, and opening beneath a folder without following
 * links. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "base/media.h"

static const char *sniff(const char *s, size_t n) { return media_sniff((const unsigned char *)s, n); }

static void test_sniff(void)
{
    CHECK_STR(sniff("\x89PNG\r\n\x1a\n....", 12), "image/png");
    CHECK_STR(sniff("\xff\xd8\xff\xe0", 4), "image/jpeg");
    CHECK_STR(sniff("GIF89a..", 8), "image/gif");
    CHECK_STR(sniff("GIF87a..", 8), "image/gif");
    CHECK_STR(sniff("RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp");
    CHECK_STR(sniff("<svg xmlns='x'/>", 16), "image/svg+xml");
    const char *svg = "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<!DOCTYPE svg>\n<svg>";
    CHECK_STR(sniff(svg, strlen(svg)), "image/svg+xml");
    CHECK(sniff("<html><svg>", 11) == NULL);
    CHECK(sniff("<svgfoo>", 8) == NULL);
    CHECK(sniff("<!-- never closed <svg>", 23) == NULL);
    CHECK(sniff("\x89PNG", 4) == NULL);   /* short */
    CHECK(sniff("RIFF\x10\0\0\0WAVEfmt ", 16) == NULL);
    CHECK(sniff("%PDF-1.4", 8) == NULL);
    CHECK(sniff("", 0) == NULL);
}

static void test_rel(void)
{
    CHECK(media_rel_ok("map.png"));
    CHECK(media_rel_ok("images/sub/deep one.png"));
    CHECK(media_rel_ok("www.../x.png"));
    const char *bad[] = {"", "/etc/passwd", "../x", "a/../b", "a/./b", "./a", "a//b", "a/", "a\\b", "..", "."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!media_rel_ok(bad[i]));
    char long_path[1200];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    CHECK(!media_rel_ok(long_path));
}

static void test_open(void)
{
    char tmpl[] = "/tmp/handsup-media-XXXXXX";
    char *root = mkdtemp(tmpl);
    CHECK(root != NULL);
    if (!root)
        return;
    char p[512];
    snprintf(p, sizeof p, "%s/deck", root);
    CHECK(mkdir(p, 0700) == 0);
    snprintf(p, sizeof p, "%s/deck/images", root);
    CHECK(mkdir(p, 0700) == 0);
    snprintf(p, sizeof p, "%s/deck/images/a.png", root);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    snprintf(p, sizeof p, "%s/outside.png", root);
    f = fopen(p, "w");
    if (f)
        fclose(f);
    char link[512];
    snprintf(link, sizeof link, "%s/deck/images/out.png", root);
    CHECK(symlink(p, link) == 0);
    snprintf(link, sizeof link, "%s/deck/linkdir", root);
    snprintf(p, sizeof p, "%s/deck/images", root);
    CHECK(symlink(p, link) == 0);
    snprintf(p, sizeof p, "%s/deck", root);
    int dir = open(p, O_PATH | O_DIRECTORY);
    CHECK(dir >= 0);
    int fd = media_open_beneath(dir, "images/a.png");
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    errno = 0;
    CHECK(media_open_beneath(dir, "images/out.png") < 0 && errno == ELOOP);
    CHECK(media_open_beneath(dir, "linkdir/a.png") < 0);
    errno = 0;
    CHECK(media_open_beneath(dir, "../outside.png") < 0 && errno == EINVAL);
    CHECK(media_open_beneath(dir, "images/none.png") < 0);
    int folder = media_open_beneath(dir, "images"); /* opens; the route checks it is a file */
    if (folder >= 0)
        close(folder);
    close(dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    test_sniff();
    test_rel();
    test_open();
    return check_done();
}
