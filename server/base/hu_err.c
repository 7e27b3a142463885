/* hu_err.c -- names and texts for hu_err, generated from HU_ERR_TABLE. */
#include "hu_err.h"

struct hu_err_entry {
    int value;
    const char *code;
    const char *text;
};

static const struct hu_err_entry hu_err_entries[] = {
#define HU_ERR_ROW(name, value, code, text) {value, code, text},
    HU_ERR_TABLE(HU_ERR_ROW)
#undef HU_ERR_ROW
};

static const struct hu_err_entry *hu_err_find(int err)
{
    for (unsigned i = 0; i < sizeof hu_err_entries / sizeof hu_err_entries[0]; i++)
        if (hu_err_entries[i].value == err)
            return &hu_err_entries[i];
    /* An unknown value is a bug: report it as the internal error (a row of
     * the table, so this recursion ends at once). */
    return hu_err_find(HU_ERR_INTERNAL);
}

const char *hu_strerror(int err) { return hu_err_find(err)->text; }

const char *hu_err_code(int err) { return hu_err_find(err)->code; }
