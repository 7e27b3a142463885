/* versions.h -- the versions of handsup and of the libraries it runs on,
 * as loaded at run time (a library upgraded under the binary shows its new
 * version), for --version and the build_info metric. */
#ifndef HU_VERSIONS_H
#define HU_VERSIONS_H

struct versions_row {
    const char *name;           /* "libwebsockets", "sqlite", ... */
    char version[96];
};

#define VERSIONS_MAX 16

/* Fills rows (room for VERSIONS_MAX) and returns how many: handsup first. */
int versions_list(struct versions_row *rows);

#endif
