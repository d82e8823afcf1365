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

/* ---- one-word sets (intern.h: tdmI_Set) ----------------------------------- */

#define S_EMPTY ((uintptr_t)0)
#define S_TOMB ((uintptr_t)1)
#define S_INLINE 7u             /* low bits of a counted entry: count - 1, or 7 */

static inline const void *s_key(const tdmI_Set *s, uintptr_t w)
{
    if (s->koff == TDMI_COUNTED) {
        return (const void *)(w & ~(uintptr_t)S_INLINE);
    }
    return *(const void *const *)(w + s->koff);
}

void tdmI_sinit(tdmI_Set *s, size_t koff)
{
    s->slots = NULL;
    s->cap = 0;
    s->used = 0;
    s->tomb = 0;
    s->koff = koff;
    tdmI_init(&s->more);
}

void tdmI_sfree(tdmI_Set *s)
{
    free(s->slots);
    tdmI_free(&s->more);
    tdmI_sinit(s, s->koff);
}

/* The slot of key's entry, or NULL. */
static uintptr_t *s_find(const tdmI_Set *s, const void *key)
{
    if (s->cap == 0 || key == NULL) {
        return NULL;
    }
    size_t mask = s->cap - 1;
    for (size_t i = hash_ptr(key) & mask;; i = (i + 1) & mask) {
        uintptr_t w = s->slots[i];
        if (w == S_EMPTY) {
            return NULL;
        }
        if (w != S_TOMB && s_key(s, w) == key) {
            return &s->slots[i];
        }
    }
}

/* Room for one more entry: rebuilt at 4/5 load (live + deleted) to at most
   1/2 (a full set doubles). 0, or -1 when out of memory. */
static int s_reserve(tdmI_Set *s)
{
    if ((s->used + s->tomb + 1) * 5 <= s->cap * 4) {
        return 0;
    }
    size_t cap = 64;
    while ((s->used + 1) * 2 > cap) {
        cap *= 2;
    }
    uintptr_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL) {
        return -1;
    }
    for (size_t i = 0; i < s->cap; i++) {
        uintptr_t w = s->slots[i];
        if (w != S_EMPTY && w != S_TOMB) {
            size_t j = hash_ptr(s_key(s, w)) & (cap - 1);
            while (slots[j] != S_EMPTY) {
                j = (j + 1) & (cap - 1);
            }
            slots[j] = w;
        }
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    s->tomb = 0;
    return 0;
}

/* Insert w (its key absent). */
static void s_insert(tdmI_Set *s, uintptr_t w)
{
    size_t mask = s->cap - 1;
    size_t i = hash_ptr(s_key(s, w)) & mask;
    while (s->slots[i] != S_EMPTY && s->slots[i] != S_TOMB) {
        i = (i + 1) & mask;
    }
    if (s->slots[i] == S_TOMB) {
        s->tomb--;
    }
    s->slots[i] = w;
    s->used++;
}

static void s_remove(tdmI_Set *s, uintptr_t *slot)
{
    *slot = S_TOMB;
    s->used--;
    s->tomb++;
}

void *tdmI_sget(const tdmI_Set *s, const void *key)
{
    uintptr_t *slot = s_find(s, key);
    return slot != NULL ? (void *)*slot : NULL;
}

int tdmI_sput(tdmI_Set *s, void *val)
{
    const void *key = val != NULL ? s_key(s, (uintptr_t)val) : NULL;
    if (key == NULL || s->koff == TDMI_COUNTED) {
        return -1;
    }
    uintptr_t *slot = s_find(s, key);
    if (slot != NULL) {
        *slot = (uintptr_t)val;
        return 0;
    }
    if (s_reserve(s) != 0) {
        return -1;
    }
    s_insert(s, (uintptr_t)val);
    return 0;
}

void tdmI_sdel(tdmI_Set *s, const void *val)
{
    if (val == NULL || s->koff == TDMI_COUNTED) {
        return;
    }
    uintptr_t *slot = s_find(s, s_key(s, (uintptr_t)val));
    if (slot != NULL && *slot == (uintptr_t)val) {
        s_remove(s, slot);
    }
}

static int aligned(const void *key)
{
    return ((uintptr_t)key & S_INLINE) == 0;
}

intptr_t tdmI_cget(const tdmI_Set *s, const void *key)
{
    if (!aligned(key)) {
        return (intptr_t)tdmI_get(&s->more, key);
    }
    uintptr_t *slot = s_find(s, key);
    if (slot == NULL) {
        return 0;
    }
    unsigned tag = (unsigned)(*slot & S_INLINE);
    return tag == S_INLINE ? (intptr_t)tdmI_get(&s->more, key) : (intptr_t)tag + 1;
}

int tdmI_cadd(tdmI_Set *s, const void *key, intptr_t delta)
{
    if (key == NULL || s->koff != TDMI_COUNTED) {
        return -1;
    }
    if (!aligned(key)) {        /* no room for a count: all in `more` */
        void *old = tdmI_get(&s->more, key);
        intptr_t n = (intptr_t)old + delta;
        if (n > 0) {
            return tdmI_put(&s->more, key, (void *)n);
        }
        if (old != NULL) {
            tdmI_del(&s->more, key, old);
        }
        return 0;
    }
    uintptr_t *slot = s_find(s, key);
    unsigned tag = slot != NULL ? (unsigned)(*slot & S_INLINE) : 0;
    intptr_t old = slot == NULL ? 0
                   : tag == S_INLINE ? (intptr_t)tdmI_get(&s->more, key) : (intptr_t)tag + 1;
    intptr_t n = old + delta;
    if (n > (intptr_t)S_INLINE - 1 && tdmI_put(&s->more, key, (void *)n) != 0) {
        return -1;
    }
    if (slot == NULL) {
        if (n <= 0) {
            return 0;
        }
        if (s_reserve(s) != 0) {
            if (n > (intptr_t)S_INLINE - 1) {
                tdmI_del(&s->more, key, (void *)n);
            }
            return -1;
        }
        s_insert(s, (uintptr_t)key | (n > (intptr_t)S_INLINE - 1 ? S_INLINE : (unsigned)(n - 1)));
        return 0;
    }
    if (tag == S_INLINE && n <= (intptr_t)S_INLINE - 1) {
        tdmI_del(&s->more, key, (void *)old);
    }
    if (n <= 0) {
        s_remove(s, slot);
    } else {
        *slot = (uintptr_t)key | (n > (intptr_t)S_INLINE - 1 ? S_INLINE : (unsigned)(n - 1));
    }
    return 0;
}

typedef struct CEach {
    int (*fn)(const void *key, void *count, void *arg);
    void *arg;
} CEach;

static int more_unaligned(const void *key, void *count, void *arg)
{
    CEach *c = arg;
    return aligned(key) ? 0 : c->fn(key, count, c->arg);
}

int tdmI_ceach(const tdmI_Set *s, int (*fn)(const void *key, void *count, void *arg), void *arg)
{
    for (size_t i = 0; i < s->cap; i++) {
        uintptr_t w = s->slots[i];
        if (w == S_EMPTY || w == S_TOMB) {
            continue;
        }
        const void *key = (const void *)(w & ~(uintptr_t)S_INLINE);
        unsigned tag = (unsigned)(w & S_INLINE);
        intptr_t n = tag == S_INLINE ? (intptr_t)tdmI_get(&s->more, key) : (intptr_t)tag + 1;
        int rc = fn(key, (void *)n, arg);
        if (rc != 0) {
            return rc;
        }
    }
    CEach c = {fn, arg};
    return tdmI_each(&s->more, more_unaligned, &c);
}
