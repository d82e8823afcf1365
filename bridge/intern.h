/*
 * intern.h — the shared intern table.
 *
 * Two uses, one structure: an open-addressing map from an object's identity
 * (a stable pointer in its own interpreter) to the proxy that stands for it on
 * the other side, so the same object crossing twice arrives as the same proxy;
 * and a direct-mapped string cache that lets a string crossing repeatedly reuse
 * the converted string instead of copying and hashing it again.
 */
#ifndef TDM_INTERN_H
#define TDM_INTERN_H

#include <stddef.h>
#include <stdint.h>
#include "lang.h"

typedef struct tdmI_Entry {
    const void *key;            /* identity, NULL = empty */
    void *val;                  /* weak: removed by the value's owner */
} tdmI_Entry;

typedef struct tdmI_Map {
    tdmI_Entry *slots;          /* owns: capacity entries, freed by tdmI_free */
    size_t cap;                 /* power of two, or 0 */
    size_t used;                /* live entries */
    size_t tomb;                /* deleted markers */
} tdmI_Map;

TDMI_FUNC void tdmI_init(tdmI_Map *m);
TDMI_FUNC void tdmI_free(tdmI_Map *m);
/* The value stored for key, or NULL. */
TDMI_FUNC void *tdmI_get(const tdmI_Map *m, const void *key);
/* Store key -> val (replaces). 0, or -1 when out of memory. */
TDMI_FUNC int tdmI_put(tdmI_Map *m, const void *key, void *val);
/* Remove key if it maps to val (a stale owner removes nothing). */
TDMI_FUNC void tdmI_del(tdmI_Map *m, const void *key, const void *val);

/* Call fn for every live entry (the map must not change meanwhile); stops
   at and returns the first nonzero result. */
TDMI_FUNC int tdmI_each(const tdmI_Map *m, int (*fn)(const void *key, void *val, void *arg),
                        void *arg);

/* Direct-mapped cache slot for a string identity: index in [0, n). */
static inline size_t tdmI_slot(const void *key, size_t n)
{
    uintptr_t h = (uintptr_t)key;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 40) & (n - 1);
}

#endif /* TDM_INTERN_H */
