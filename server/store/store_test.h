/* store_test.h -- hooks into the store for unit tests only.
 *
 * Not part of the server's interface: nothing but tests/unit/test_store.c
 * includes it. */
#ifndef HU_STORE_TEST_H
#define HU_STORE_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* With on, the writer's next transactions really fail with SQLITE_FULL: the
 * file is capped at its current size (PRAGMA max_page_count) and each batch
 * starts with a probe that needs a new page, as a batch on a full disk would.
 * With on false, the cap is lifted again.  Waits for a running batch. */
void store_test_fail_writes(struct store *st, bool on);

/* Batches committed so far. */
uint64_t store_test_batches(struct store *st);

#endif
