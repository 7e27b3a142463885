/* test_grow.c -- doubling growth of dense arrays (server/base/grow.c). */
#include <stdint.h>
#include <stdlib.h>

#include "../check.h"
#include "base/grow.h"
#include "base/hu_err.h"

int main(void)
{
    CHECK(hu_grow_cap(0, 1, 64) == 64);
    CHECK(hu_grow_cap(0, 65, 64) == 128);
    CHECK(hu_grow_cap(128, 129, 64) == 256);
    CHECK(hu_grow_cap(256, 10, 64) == 256);
    CHECK(hu_grow_cap(1u << 31, UINT32_MAX, 64) == UINT32_MAX);
    uint32_t *a = NULL;
    CHECK(hu_resize_zero(&a, 0, 4, sizeof *a) == HU_OK && a);
    a[0] = 7;
    CHECK(hu_resize_zero(&a, 4, 1000, sizeof *a) == HU_OK && a[0] == 7);
    int zero = 1;
    for (int i = 4; i < 1000; i++)
        zero &= a[i] == 0;
    CHECK(zero);
    free(a);
    return check_done();
}
