/* cloud.c -- word cloud entries: a chained hash table beside a rank.
 *
 * The table doubles when it holds more entries than buckets, so a lookup
 * stays O(1) expected and a run of new entries costs O(1) amortised each. */
#include "cloud.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hu_err.h"
#include "base/hu_limits.h"
#include "base/hu_text.h"

#define CLOUD_INITIAL_BUCKETS 64

/* cloud_first and cloud_next turn a rank item into its entry. */
_Static_assert(offsetof(struct cloud_entry, rank) == 0, "the rank item is an entry's first member");

void cloud_init(struct cloud *c)
{
    memset(c, 0, sizeof *c);
    rank_init(&c->rank);
}

static void cloud_entry_free(struct cloud_entry *e)
{
    free(e->key);
    free(e->text);
    free(e);
}

void cloud_clear(struct cloud *c)
{
    /* The rank walks its items (the entries) to forget them: before they go. */
    rank_clear(&c->rank);
    for (uint32_t i = 0; i < c->n_buckets; i++)
        for (struct cloud_entry *e = c->buckets[i]; e;) {
            struct cloud_entry *next = e->chain;
            cloud_entry_free(e);
            e = next;
        }
    free(c->buckets);
    cloud_init(c);
}

static uint32_t cloud_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The folded key of text into b (capped at a message's size). */
static int cloud_key(const char *text, size_t len, struct hu_buf *b)
{
    hu_buf_init(b, HU_MSG_MAX * 2);
    int rc = hu_text_fold(text, len, b);
    if (rc == HU_OK && !b->data)
        rc = hu_buf_append(b, "", 0);
    return rc;
}

static struct cloud_entry **cloud_slot(const struct cloud *c, const char *key, size_t klen, uint32_t h)
{
    struct cloud_entry **pp = &c->buckets[h & (c->n_buckets - 1)];
    while (*pp && !((*pp)->hash == h && strlen((*pp)->key) == klen && memcmp((*pp)->key, key, klen) == 0))
        pp = &(*pp)->chain;
    return pp;
}

static int cloud_grow(struct cloud *c)
{
    uint32_t n = c->n_buckets ? c->n_buckets * 2 : CLOUD_INITIAL_BUCKETS;
    struct cloud_entry **b = calloc(n, sizeof *b);
    if (!b)
        return HU_ERR_NOMEM;
    for (uint32_t i = 0; i < c->n_buckets; i++)
        for (struct cloud_entry *e = c->buckets[i]; e;) {
            struct cloud_entry *next = e->chain;
            e->chain = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
            e = next;
        }
    free(c->buckets);
    c->buckets = b;
    c->n_buckets = n;
    return HU_OK;
}

int cloud_add(struct cloud *c, const char *text, size_t len)
{
    struct hu_buf key;
    int rc = cloud_key(text, len, &key);
    if (rc == HU_OK && c->n_entries >= c->n_buckets)
        rc = cloud_grow(c);
    if (rc != HU_OK) {
        hu_buf_free(&key);
        return rc;
    }
    uint32_t h = cloud_hash(key.data, key.len);
    struct cloud_entry **pp = cloud_slot(c, key.data, key.len, h);
    if (*pp) {
        hu_buf_free(&key);
        return rank_inc(&c->rank, &(*pp)->rank);
    }
    struct cloud_entry *e = calloc(1, sizeof *e);
    if (!e || !(e->text = strndup(text, len))) {
        free(e);
        hu_buf_free(&key);
        return HU_ERR_NOMEM;
    }
    e->key = hu_buf_steal(&key);
    e->hash = h;
    if (!e->key || rank_insert(&c->rank, &e->rank, 1) != HU_OK) {
        cloud_entry_free(e);
        return HU_ERR_NOMEM;
    }
    *pp = e;
    c->n_entries++;
    return HU_OK;
}

void cloud_remove(struct cloud *c, const char *text, size_t len)
{
    struct hu_buf key;
    if (c->n_buckets == 0 || cloud_key(text, len, &key) != HU_OK)
        return;
    uint32_t h = cloud_hash(key.data, key.len);
    struct cloud_entry **pp = cloud_slot(c, key.data, key.len, h);
    hu_buf_free(&key);
    struct cloud_entry *e = *pp;
    if (!e)
        return;
    if (e->rank.count > 1) {
        /* Out of memory for a new group leaves the entry one answer too
         * big until the next change: better than losing it. */
        (void)rank_dec(&c->rank, &e->rank);
        return;
    }
    rank_remove(&c->rank, &e->rank);
    *pp = e->chain;
    c->n_entries--;
    cloud_entry_free(e);
}

const struct cloud_entry *cloud_first(const struct cloud *c)
{
    return (const struct cloud_entry *)c->rank.head;
}

const struct cloud_entry *cloud_next(const struct cloud_entry *e)
{
    return (const struct cloud_entry *)e->rank.next;
}
