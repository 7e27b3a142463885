/* fuzz_route.c -- libFuzzer target for the HTTP route parser.
 *
 * route_parse reads a NUL-terminated path, so the input is copied into an
 * exactly sized buffer first (ASan then sees any read past its end).  A
 * route that carries a join code must carry exactly 8 digits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hu_limits.h"
#include "base/media.h"
#include "net/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = malloc(size + 1);
    if (!path)
        return 0;
    if (size > 0)
        memcpy(path, data, size);
    path[size] = '\0';
    struct route r;
    route_parse(path, &r);
    size_t code_len = strnlen(r.code, sizeof r.code);
    /* A media path is a plain relative path inside the parsed string:
     * nothing that could climb out of the deck's folder. */
    if (r.kind == ROUTE_MEDIA && (!r.media || r.media < path || r.media >= path + size || !media_rel_ok(r.media)))
        __builtin_trap();
    if (r.kind != ROUTE_MEDIA && r.media)
        __builtin_trap();
    switch (r.kind) {
    case ROUTE_MEDIA:
    case ROUTE_JOIN:
    case ROUTE_QR:
    case ROUTE_RESULTS:
    case ROUTE_ADMIN_RUNS:
    case ROUTE_ADMIN_RUN:
        if (code_len != HU_CODE_LEN)
            __builtin_trap();
        for (size_t i = 0; i < HU_CODE_LEN; i++)
            if (r.code[i] < '0' || r.code[i] > '9')
                __builtin_trap();
        /* The code came from the path, right after the route's prefix,
         * where spaces between its digits are skipped. */
        {
            size_t k = 0;
            for (size_t i = 0; i < size; i++)
                if (path[i] != ' ')
                    path[k++] = path[i];
            path[k] = '\0';
        }
        if (!strstr(path, r.code))
            __builtin_trap();
        if (r.kind == ROUTE_RESULTS && (r.format < EXPORT_CSV || r.format > EXPORT_XLSX))
            __builtin_trap();
        /* Only a run's own route names a run, and only 1..ROUTE_RUN_MAX. */
        if ((r.kind == ROUTE_ADMIN_RUN) != (r.run != 0) || r.run < 0 || r.run > ROUTE_RUN_MAX)
            __builtin_trap();
        break;
    case ROUTE_NONE:
    case ROUTE_API_NONE:
    case ROUTE_HEALTH:
    case ROUTE_METRICS:
    case ROUTE_ADMIN_NONE:
    case ROUTE_ADMIN_SESSIONS:
    case ROUTE_ADMIN_DECKS:
    case ROUTE_ADMIN_REPORT:
        if (code_len != 0 || r.run != 0)
            __builtin_trap();
        if (r.kind == ROUTE_ADMIN_REPORT && r.format != EXPORT_CSV && r.format != EXPORT_JSON &&
            r.format != EXPORT_HTML)
            __builtin_trap();
        /* The organiser's routes live under /api/admin/ and nowhere else. */
        if (route_is_admin(r.kind) != (strncmp(path, "/api/admin/", 11) == 0))
            __builtin_trap();
        break;
    default:
        __builtin_trap();
    }
    if (r.kind != ROUTE_NONE && path[0] != '/')
        __builtin_trap();
    free(path);
    return 0;
}
