/*
 * intern.c — open-addressing identity map (see intern.h).
 *
 * Linear probing over a power-of-two table, tombstones on delete, rebuilt at
 * 3/4 load (live + tombstones). Keys are object addresses; a key's owner keeps
 * the object alive while the entry exists, so addresses are never reused
 * under a live entry.
 */
#include <stdlib.h>
#include "intern.h"

#define TOMB ((const void *)&tomb_marker)
static const char tomb_marker;

static size_t hash_ptr(const void *p)
{
    uintptr_t h = (uintptr_t)p;
    h ^= h >> 33;
    h *= (uintptr_t)0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (size_t)h;
}

void tdmI_init(tdmI_Map *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->used = 0;
    m->tomb = 0;
}

void tdmI_free(tdmI_Map *m)
{
    free(m->slots);
    tdmI_init(m);
}

static tdmI_Entry *find(const tdmI_Map *m, const void *key)
{
    size_t mask = m->cap - 1;
    size_t i = hash_ptr(key) & mask;
    for (;;) {
        tdmI_Entry *e = &m->slots[i];
        if (e->key == key) {
            return e;
        }
        if (e->key == NULL) {
            return NULL;
        }
        i = (i + 1) & mask;
    }
}

void *tdmI_get(const tdmI_Map *m, const void *key)
{
    if (m->cap == 0 || key == NULL) {
        return NULL;
    }
    tdmI_Entry *e = find(m, key);
    return e ? e->val : NULL;
}

static int rebuild(tdmI_Map *m, size_t cap)
{
    tdmI_Entry *old = m->slots;
    size_t oldcap = m->cap;
    tdmI_Entry *slots = calloc(cap, sizeof *slots);
    if (slots == NULL) {
        return -1;
    }
    m->slots = slots;
    m->cap = cap;
    m->used = 0;
    m->tomb = 0;
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i].key != NULL && old[i].key != TOMB) {
            size_t j = hash_ptr(old[i].key) & (cap - 1);
            while (slots[j].key != NULL) {
                j = (j + 1) & (cap - 1);
            }
            slots[j] = old[i];
            m->used++;
        }
    }
    free(old);
    return 0;
}

int tdmI_put(tdmI_Map *m, const void *key, void *val)
{
    if (key == NULL || key == TOMB) {
        return -1;
    }
    if ((m->used + m->tomb + 1) * 4 > m->cap * 3) {
        size_t cap = m->cap ? m->cap : 64;
        while ((m->used + 1) * 2 > cap) {
            cap *= 2;
        }
        if (rebuild(m, cap) != 0) {
            return -1;
        }
    }
    size_t mask = m->cap - 1;
    size_t i = hash_ptr(key) & mask;
    tdmI_Entry *grave = NULL;
    for (;;) {
        tdmI_Entry *e = &m->slots[i];
        if (e->key == key) {
            e->val = val;
            return 0;
        }
        if (e->key == TOMB && grave == NULL) {
            grave = e;
        } else if (e->key == NULL) {
            if (grave != NULL) {
                e = grave;
                m->tomb--;
            }
            e->key = key;
            e->val = val;
            m->used++;
            return 0;
        }
        i = (i + 1) & mask;
    }
}

void tdmI_del(tdmI_Map *m, const void *key, const void *val)
{
    if (m->cap == 0 || key == NULL) {
        return;
    }
    tdmI_Entry *e = find(m, key);
    if (e != NULL && e->val == val) {
        e->key = TOMB;
        e->val = NULL;
        m->used--;
        m->tomb++;
    }
}

int tdmI_each(const tdmI_Map *m, int (*fn)(const void *key, void *val, void *arg), void *arg)
{
    for (size_t i = 0; i < m->cap; i++) {
        const tdmI_Entry *e = &m->slots[i];
        if (e->key != NULL && e->key != TOMB) {
            int rc = fn(e->key, e->val, arg);
            if (rc != 0) {
                return rc;
            }
        }
    }
    return 0;
}
