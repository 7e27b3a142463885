/* pollkind.h -- poll kinds as data.
 *
 * A poll is a question with a fixed list of options; a yes/no poll is the kind
 * with two options.  Modules that count, store or export votes work with
 * option indexes and this table, never with "yes"/"no" literals, so multiple
 * choice and scales can be added as rows rather than as special cases. */
#ifndef HU_POLLKIND_H
#define HU_POLLKIND_H

#include <stddef.h>

struct pollkind {
    const char *name;          /* as written in the deck: "yesno" */
    unsigned n_options;
    const char *const *options; /* machine names sent on the wire: "yes", "no" */
    const char *const *labels;  /* human labels: "Yes", "No" */
};

/* The kind called name, or NULL.  Static storage. */
const struct pollkind *pollkind_find(const char *name, size_t len);

/* Index of option name in kind, or -1. */
int pollkind_option(const struct pollkind *kind, const char *name, size_t len);

/* Comma-separated list of kind names for error messages ("yesno"). */
const char *pollkind_names(void);

#endif
