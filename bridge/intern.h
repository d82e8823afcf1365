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
#include <string.h>
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

/* A set of one-word entries (8 bytes a slot, half a tdmI_Map entry), for
   the per-object maps whose size is the bridge's memory per object. Two
   kinds, chosen at init:
   - koff = offsetof(T, key): each entry is a pointer to a T that holds its
     own key (a const void * at koff) for as long as it is in the set: the
     identity map of proxies (the proxy knows its object);
   - koff = TDMI_COUNTED: each entry is a key with a count >= 1 (how many
     holders a handle has); counts of 1..7 of an 8-aligned key live in the
     entry's low bits, larger ones and unaligned keys in `more`.
   Linear probing, rebuilt at 4/5 load to at most 1/2. */
#define TDMI_COUNTED ((size_t)-1)

typedef struct tdmI_Set {
    uintptr_t *slots;           /* owns: cap words; 0 empty, 1 deleted */
    size_t cap;                 /* power of two, or 0 */
    size_t used;                /* live entries */
    size_t tomb;                /* deleted markers */
    size_t koff;                /* see above */
    tdmI_Map more;              /* TDMI_COUNTED: key -> count that does not fit */
} tdmI_Set;

TDMI_FUNC void tdmI_sinit(tdmI_Set *s, size_t koff);
TDMI_FUNC void tdmI_sfree(tdmI_Set *s);
/* The entry whose key is key (a pointer set), or NULL. */
TDMI_FUNC void *tdmI_sget(const tdmI_Set *s, const void *key);
/* Store val under its own key (replaces). 0, or -1 when out of memory. */
TDMI_FUNC int tdmI_sput(tdmI_Set *s, void *val);
/* Remove val if it is the entry for its key (read from val). */
TDMI_FUNC void tdmI_sdel(tdmI_Set *s, const void *val);
/* Counted set: add delta to key's count (an entry at 0 or below goes).
   0, or -1 when out of memory (the count is then unchanged). */
TDMI_FUNC int tdmI_cadd(tdmI_Set *s, const void *key, intptr_t delta);
/* Counted set: key's count, 0 when absent. */
TDMI_FUNC intptr_t tdmI_cget(const tdmI_Set *s, const void *key);
/* Counted set: fn for every key and its count (the set must not change
   meanwhile); stops at and returns the first nonzero result. */
TDMI_FUNC int tdmI_ceach(const tdmI_Set *s, int (*fn)(const void *key, void *count, void *arg),
                         void *arg);

/* Direct-mapped cache slot for a string identity: index in [0, n). */
static inline size_t tdmI_slot(const void *key, size_t n)
{
    uintptr_t h = (uintptr_t)key;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 40) & (n - 1);
}

/* a[0, n) == b[0, n), for the string caches' hit test: up to 16 bytes (the
   common key) by two overlapping loads from each side and no call, longer
   by memcmp. Reads only within the n bytes. */
static inline int tdmI_same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a0, a1, b0, b1;
        memcpy(&a0, a, 8);
        memcpy(&b0, b, 8);
        memcpy(&a1, a + n - 8, 8);
        memcpy(&b1, b + n - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n >= 4 && n < 8) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4);
        memcpy(&b0, b, 4);
        memcpy(&a1, a + n - 4, 4);
        memcpy(&b1, b + n - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n < 4) {
        /* the first, middle and last bytes cover 1, 2 and 3 */
        return n == 0 || (a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]);
    }
    return memcmp(a, b, n) == 0;
}

#endif /* TDM_INTERN_H */
