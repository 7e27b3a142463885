/* media.c -- content sniffing of images and opening files beneath a folder.
 *
 * Sniffing follows the signatures of the WHATWG MIME Sniffing standard for
 * the four raster formats; SVG has none, so its root element is looked for
 * after what may precede it in an XML file.  The walk in media_open_beneath
 * opens one component at a time with O_NOFOLLOW, so a file or folder swapped
 * for a symbolic link after a deck was loaded is refused, not followed. */
#include "media.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "hu_limits.h"

static bool media_prefix(const unsigned char *buf, size_t len, const char *sig, size_t n)
{
    return len >= n && memcmp(buf, sig, n) == 0;
}

/* Skips white space, an XML declaration, processing instructions, comments
 * and a doctype; true when "<svg" follows. */
static bool media_is_svg(const unsigned char *s, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        unsigned char ch = s[i];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
            i++;
            continue;
        }
        if (ch != '<' || i + 1 >= len)
            return false;
        const char *end = NULL;
        if (s[i + 1] == '?')
            end = "?>";
        else if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0)
            end = "-->";
        else if (s[i + 1] == '!')
            end = ">"; /* a doctype without an internal subset */
        if (!end) {
            size_t rest = len - i;
            return rest >= 5 && memcmp(s + i, "<svg", 4) == 0 &&
                   (s[i + 4] == ' ' || s[i + 4] == '>' || s[i + 4] == '\n' || s[i + 4] == '\t' || s[i + 4] == '\r' ||
                    s[i + 4] == '/');
        }
        const unsigned char *e = memmem(s + i + 2, len - i - 2, end, strlen(end));
        if (!e)
            return false;
        i = (size_t)(e - s) + strlen(end);
    }
    return false;
}

const char *media_sniff(const unsigned char *buf, size_t len)
{
    if (media_prefix(buf, len, "\x89PNG\r\n\x1a\n", 8))
        return "image/png";
    if (media_prefix(buf, len, "\xff\xd8\xff", 3))
        return "image/jpeg";
    if (media_prefix(buf, len, "GIF87a", 6) || media_prefix(buf, len, "GIF89a", 6))
        return "image/gif";
    if (len >= 14 && memcmp(buf, "RIFF", 4) == 0 && memcmp(buf + 8, "WEBPVP", 6) == 0)
        return "image/webp";
    if (media_is_svg(buf, len))
        return "image/svg+xml";
    return NULL;
}

bool media_rel_ok(const char *rel)
{
    size_t len = strlen(rel);
    if (len == 0 || len > HU_MEDIA_PATH_MAX || rel[0] == '/' || strchr(rel, '\\'))
        return false;
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
        if (*p == '/')
            p++;
        if (*p == '\0' && p[-1] == '/')
            return false; /* a trailing "/" names a folder */
    }
    return true;
}

int media_open_beneath(int dirfd, const char *rel)
{
    if (!media_rel_ok(rel)) {
        errno = EINVAL;
        return -1;
    }
    char part[HU_MEDIA_PATH_MAX + 1];
    int at = dirfd;
    const char *p = rel;
    for (;;) {
        size_t n = strcspn(p, "/");
        memcpy(part, p, n);
        part[n] = '\0';
        p += n;
        bool last = *p == '\0';
        int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (last ? O_NONBLOCK : O_DIRECTORY);
        int fd = openat(at, part, flags);
        int saved = errno;
        if (at != dirfd)
            close(at);
        if (fd < 0) {
            errno = saved;
            return -1;
        }
        if (last) {
            /* O_NONBLOCK kept a FIFO from hanging the open; reads are
             * blocking again for a regular file. */
            int fl = fcntl(fd, F_GETFL);
            if (fl >= 0)
                (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
            return fd;
        }
        at = fd;
        p++;
    }
}
