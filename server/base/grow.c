/* grow.c -- doubling growth of dense arrays (grow.h). */
#include "grow.h"

#include <stdlib.h>
#include <string.h>

#include "hu_err.h"

uint32_t hu_grow_cap(uint32_t cap, uint32_t need, uint32_t initial)
{
    uint64_t c = cap ? cap : initial;
    while (c < need)
        c *= 2;
    return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

int hu_resize_zero(void *pp, uint32_t old, uint32_t new_cap, size_t size)
{
    void **p = pp;
    char *q = realloc(*p, (size_t)new_cap * size);
    if (!q)
        return HU_ERR_NOMEM;
    if (new_cap > old)
        memset(q + (size_t)old * size, 0, (size_t)(new_cap - old) * size);
    *p = q;
    return HU_OK;
}
