/* pollkind.c -- the table of poll kinds. */
#include "pollkind.h"

#include <string.h>

static const char *const yesno_options[] = {"yes", "no"};
static const char *const yesno_labels[] = {"Yes", "No"};

static const struct pollkind pollkind_table[] = {
    {"yesno", 2, yesno_options, yesno_labels},
};

const struct pollkind *pollkind_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof pollkind_table / sizeof pollkind_table[0]; i++)
        if (strlen(pollkind_table[i].name) == len && memcmp(pollkind_table[i].name, name, len) == 0)
            return &pollkind_table[i];
    return NULL;
}

int pollkind_option(const struct pollkind *kind, const char *name, size_t len)
{
    for (unsigned i = 0; i < kind->n_options; i++)
        if (strlen(kind->options[i]) == len && memcmp(kind->options[i], name, len) == 0)
            return (int)i;
    return -1;
}

const char *pollkind_names(void) { return "yesno"; }
