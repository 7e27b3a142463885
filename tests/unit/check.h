/* check.h -- the few assertions unit tests need.
 *
 * A failed CHECK prints file:line and the expression and counts a failure;
 * the test goes on so one run shows every broken case.  check_done() prints
 * the summary line and gives main's exit status. */
#ifndef HU_CHECK_H
#define HU_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_passes;

#define CHECK(expr)                                                              \
    do {                                                                         \
        if (expr) {                                                              \
            check_passes++;                                                      \
        } else {                                                                 \
            check_failures++;                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); \
        }                                                                        \
    } while (0)

#define CHECK_STR(a, b)                                                          \
    do {                                                                         \
        const char *check_a_ = (a), *check_b_ = (b);                             \
        if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) {           \
            check_passes++;                                                      \
        } else {                                                                 \
            check_failures++;                                                    \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s = \"%s\", expected \"%s\"\n", \
                    __FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)",     \
                    check_b_ ? check_b_ : "(null)");                             \
        }                                                                        \
    } while (0)

static inline int check_done(void)
{
    printf("%d passed, %d failed\n", check_passes, check_failures);
    return check_failures ? 1 : 0;
}

#endif
