/* cloud.h -- the entries of a word cloud, kept as answers come and go.
 *
 * Each shown answer counts once towards the entry of its key (its text
 * folded by case, spacing already collapsed by hu_text_clean: "Trust" and
 * " trust " are one entry); an entry's size is its count.  Entries sit in a
 * hash table by key and in a rank by count, so adding or removing an answer
 * is O(1) (plus the answer's length to fold and hash it), and the biggest
 * entries are the rank's head: nothing is ever recomputed from all answers.
 * An entry shows the spelling of the first answer that created it. */
#ifndef HU_CLOUD_H
#define HU_CLOUD_H

#include <stddef.h>
#include <stdint.h>

#include "rank.h"

struct cloud_entry {
    struct rank_item rank;        /* count: shown answers under this key */
    struct cloud_entry *chain;    /* next in its hash bucket */
    uint32_t hash;                /* of key */
    char *key;                    /* folded text. From malloc() */
    char *text;                   /* as first written. From malloc() */
};

struct cloud {
    struct rank rank;             /* entries, biggest first */
    struct cloud_entry **buckets; /* From malloc() */
    uint32_t n_buckets;           /* power of two, or 0 before the first entry */
    uint32_t n_entries;
};

void cloud_init(struct cloud *c);
/* Frees every entry. */
void cloud_clear(struct cloud *c);

/* One more answer with text (cleaned, len bytes).  HU_OK or HU_ERR_NOMEM. */
int cloud_add(struct cloud *c, const char *text, size_t len);
/* One answer fewer; an entry that reaches 0 is dropped.  No-op for a text
 * with no entry. */
void cloud_remove(struct cloud *c, const char *text, size_t len);

/* The entries in rank order: cloud_first(c), then cloud_next(e); NULL at
 * the end. */
const struct cloud_entry *cloud_first(const struct cloud *c);
const struct cloud_entry *cloud_next(const struct cloud_entry *e);

#endif
