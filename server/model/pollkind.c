/* pollkind.c -- the table of poll kinds (pollkind.h says what each flag means). */
#include "pollkind.h"

#include <string.h>

static const char *const yesno_ids[] = {"yes", "no"};
static const char *const yesno_labels[] = {"Yes", "No"};

static const struct pollkind pollkind_table[] = {
    /* name      text   listed numeric multiple fixed options */
    {"yesno", false, false, false, false, 2, yesno_ids, yesno_labels},
    {"choice", false, true, false, true, 0, NULL, NULL},
    {"scale", false, false, true, false, 0, NULL, NULL},
    {"text", true, false, false, false, 0, NULL, NULL},
};

const struct pollkind *pollkind_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof pollkind_table / sizeof pollkind_table[0]; i++)
        if (strlen(pollkind_table[i].name) == len && memcmp(pollkind_table[i].name, name, len) == 0)
            return &pollkind_table[i];
    return NULL;
}

const char *pollkind_names(void) { return "yesno, choice, scale, text"; }
