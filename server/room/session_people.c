/* session_people.c -- participants of a session, found by token hash.
 *
 * Only SHA-256 hashes of tokens are kept.  The hash is already uniform, so
 * its first bytes index an open-addressing table directly. */
#include <stdlib.h>
#include <string.h>

#include "base/hu_err.h"
#include "session_impl.h"

static uint32_t session_people_slot(const unsigned char hash[HU_HASH_LEN], uint32_t size)
{
    uint32_t h;
    memcpy(&h, hash, sizeof h);
    return h & (size - 1);
}

int session_people_find(const struct session *s, const unsigned char hash[HU_HASH_LEN])
{
    if (!s->table_size)
        return -1;
    for (uint32_t i = session_people_slot(hash, s->table_size);; i = (i + 1) & (s->table_size - 1)) {
        uint32_t v = s->table[i];
        if (!v)
            return -1;
        if (memcmp(s->hashes[v - 1], hash, HU_HASH_LEN) == 0)
            return (int)(v - 1);
    }
}

static int session_people_rehash(struct session *s, uint32_t size)
{
    uint32_t *t = calloc(size, sizeof *t);
    if (!t)
        return HU_ERR_NOMEM;
    static const unsigned char none[HU_HASH_LEN];
    for (uint32_t idx = 0; idx < s->n_participants; idx++) {
        if (memcmp(s->hashes[idx], none, HU_HASH_LEN) == 0)
            continue; /* a hole (session_people_put) */
        uint32_t i = session_people_slot(s->hashes[idx], size);
        while (t[i])
            i = (i + 1) & (size - 1);
        t[i] = idx + 1;
    }
    free(s->table);
    s->table = t;
    s->table_size = size;
    return HU_OK;
}

/* Room for one more participant's hash in s->hashes. */
static int session_people_reserve(struct session *s)
{
    if (s->n_participants < s->cap_participants)
        return HU_OK;
    uint32_t cap = s->cap_participants ? s->cap_participants * 2 : 64;
    void *p = realloc(s->hashes, (size_t)cap * HU_HASH_LEN);
    if (!p)
        return HU_ERR_NOMEM;
    s->hashes = p;
    s->cap_participants = cap;
    return HU_OK;
}

/* Records participant idx's hash and its slot in the table, which has a
 * free slot (callers keep it at least twice as big as the participants). */
static void session_people_place(struct session *s, uint32_t idx, const unsigned char hash[HU_HASH_LEN])
{
    memcpy(s->hashes[idx], hash, HU_HASH_LEN);
    uint32_t i = session_people_slot(hash, s->table_size);
    while (s->table[i])
        i = (i + 1) & (s->table_size - 1);
    s->table[i] = idx + 1;
}

int session_people_add(struct session *s, const unsigned char hash[HU_HASH_LEN], uint32_t *idx)
{
    if (s->n_participants >= HU_SESSION_MAX_PARTICIPANTS)
        return HU_ERR_FULL;
    int rc = session_people_reserve(s);
    if (rc)
        return rc;
    /* Keep the load factor under one half so probes stay short. */
    if ((uint64_t)(s->n_participants + 1) * 2 > s->table_size) {
        rc = session_people_rehash(s, s->table_size ? s->table_size * 2 : 128);
        if (rc)
            return rc;
    }
    uint32_t n = s->n_participants;
    session_people_place(s, n, hash);
    s->n_participants = n + 1;
    *idx = n;
    return HU_OK;
}

int session_people_put(struct session *s, uint32_t idx, const unsigned char hash[HU_HASH_LEN])
{
    static const unsigned char none[HU_HASH_LEN];
    if (idx >= HU_SESSION_MAX_PARTICIPANTS)
        return HU_ERR_FULL;
    if (idx < s->n_participants) {
        if (memcmp(s->hashes[idx], none, HU_HASH_LEN) != 0)
            return HU_OK; /* known already: the same participant, told twice */
        /* Fill the hole in place.  It used to rebuild the whole table
         * twice per hole: in cluster mode about half of the joins arrive
         * as holes (a node's own join is answered before the other node's
         * earlier ones reach it), so 38,000 phones on two nodes cost each
         * node some 19,000 rebuilds of a 131,072-slot table during the
         * connect, seconds of its loop.  The table keeps at least twice
         * n_participants slots (session_people_add) and holes take none,
         * so a free slot is there; made sure of all the same. */
        if ((uint64_t)s->n_participants * 2 > s->table_size) {
            uint32_t size = s->table_size ? s->table_size : 128;
            while ((uint64_t)size < (uint64_t)s->n_participants * 2)
                size *= 2;
            int rc = session_people_rehash(s, size);
            if (rc)
                return rc;
        }
        session_people_place(s, idx, hash);
        return HU_OK;
    }
    /* Indices up to idx not known yet become holes, filled when they come. */
    while (s->n_participants < idx) {
        int rc = session_people_reserve(s);
        if (rc)
            return rc;
        memset(s->hashes[s->n_participants++], 0, HU_HASH_LEN);
    }
    uint32_t got;
    return session_people_add(s, hash, &got);
}

void session_people_free(struct session *s)
{
    free(s->hashes);
    free(s->table);
    s->hashes = NULL;
    s->table = NULL;
}
