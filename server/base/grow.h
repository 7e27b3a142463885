/* grow.h -- dense arrays indexed by participant or id, grown by doubling.
 *
 * Tallies, answers and questions keep arrays indexed by a small integer that
 * only grows; doubling keeps a run of new indexes O(1) amortised each, and
 * the new slots start zeroed ("nothing yet").  Several arrays sharing one
 * capacity are grown to the same new capacity one after the other. */
#ifndef HU_GROW_H
#define HU_GROW_H

#include <stddef.h>
#include <stdint.h>

/* The capacity that holds need elements: cap (or initial when 0) doubled
 * until it does. */
uint32_t hu_grow_cap(uint32_t cap, uint32_t need, uint32_t initial);

/* Resizes *pp (an array of size-byte elements, old of them) to new_cap
 * elements, zeroing those past old.  pp is the address of the array
 * pointer.  HU_OK, or HU_ERR_NOMEM with *pp unchanged. */
int hu_resize_zero(void *pp, uint32_t old, uint32_t new_cap, size_t size);

#endif
