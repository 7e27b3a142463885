/* replay_main.c -- runs a fuzz target over saved inputs, without libFuzzer.
 *
 * Linked with one fuzz_<target>.c, it calls LLVMFuzzerTestOneInput once per
 * file of the directories (or files) named on the command line, so the seed
 * corpus and every regression input are checked by gcc builds and under
 * ASan+UBSan in each test run.  Dotfiles are skipped (.gitkeep). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this are a mistake in the corpus, not a test. */
#define REPLAY_MAX_BYTES (4 * 1024 * 1024)

/* Reads the file into a buffer of exactly its size, so a target that reads
 * one byte too far trips ASan as it would under libFuzzer. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || st.st_size > REPLAY_MAX_BYTES) {
        fprintf(stderr, "replay: %s: cannot size the file or too large\n", path);
        fclose(f);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *data = malloc(size ? size : 1);
    if (!data) {
        fprintf(stderr, "replay: %s: out of memory\n", path);
        fclose(f);
        return -1;
    }
    size_t got = size ? fread(data, 1, size, f) : 0;
    int read_failed = ferror(f);
    fclose(f);
    if (got != size || read_failed) {
        fprintf(stderr, "replay: %s: short read\n", path);
        free(data);
        return -1;
    }
    /* Printed before the call so a crash names its input. */
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int replay_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of dir in name order; returns the count, or -1. */
static long replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    long rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **grown = realloc(names, ncap * sizeof *grown);
            if (!grown) {
                rc = -1;
                break;
            }
            names = grown;
            cap = ncap;
        }
        size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
        if ((names[n] = malloc(len)) == NULL) {
            rc = -1;
            break;
        }
        int w = snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
        if (w < 0 || (size_t)w >= len) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    if (rc == 0 && n > 0)
        qsort(names, n, sizeof *names, replay_cmp);
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) != 0) {
            rc = -1;
        } else if (S_ISREG(st.st_mode)) {
            if (replay_file(names[i]) != 0)
                rc = -1;
            else
                rc++;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc < 0)
        fprintf(stderr, "replay: %s: failed\n", dir);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        long n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : (replay_file(argv[i]) == 0 ? 1 : -1);
        if (n < 0)
            return 1;
        total += n;
    }
    /* An empty run would pass while testing nothing. */
    if (total == 0) {
        fprintf(stderr, "replay: no input found\n");
        return 1;
    }
    printf("replay: %ld inputs, no crash\n", total);
    return 0;
}
