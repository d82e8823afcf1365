/*
 * ctypes.c — interned C types, the per-runtime registry, x86_64 SysV layout.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctypes.h"
#include "cdata.h"

#define TDMF_MAXDEPTH 100       /* derived-type nesting (keeps recursion bounded) */

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

int tdmF_seterr(tdmF_Err *e, int status, const char *fmt, ...)
{
    va_list ap;
    if (e == NULL) {
        return status;
    }
    e->status = status;
    e->kind = tdmF_status_kind(status);
    e->line = 0;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return status;
}

int tdmF_seterrk(tdmF_Err *e, int kind, int status, const char *fmt, ...)
{
    va_list ap;
    if (e == NULL) {
        return status;
    }
    e->status = status;
    e->kind = kind;
    e->line = 0;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return status;
}

void tdmF_err_prefix(tdmF_Err *e, const char *fmt, ...)
{
    char head[TDMF_ERRMAX];
    char old[TDMF_ERRMAX];
    va_list ap;
    if (e == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    old[sizeof old - 1] = '\0';
    {
        size_t hn = strlen(head), on = strlen(old);
        if (hn > sizeof e->msg - 1) {
            hn = sizeof e->msg - 1;
        }
        if (on > sizeof e->msg - 1 - hn) {
            on = sizeof e->msg - 1 - hn;
        }
        memcpy(e->msg, head, hn);
        memcpy(e->msg + hn, old, on);
        e->msg[hn + on] = '\0';
        if (e->line > 0) {
            e->msgoff = e->msgoff + (int)hn < (int)(hn + on) ? e->msgoff + (int)hn
                                                             : (int)(hn + on);
        }
    }
}

void tdmF_error_clear(tdmF_Registry *R, tdmS_Error *e)
{
    int i;
    free(e->message);
    for (i = 0; i < e->ntrace; i++) {
        free(e->trace[i].func);
        free(e->trace[i].source);
    }
    free(e->trace);
    free(e->tbtext);
    if (R != NULL) {
        tdmF_value_release(R, &e->value);
    }
    memset(e, 0, sizeof *e);
}

void tdmF_err_clear(tdmF_Registry *R, tdmF_Err *e)
{
    tdmF_error_clear(R, &e->cb);
    tdmF_err_init(e);
}

/* ------------------------------------------------------------------------ */
/* String maps (names and tags); no deletion                                */

typedef struct Map {
    char **keys;                /* owns: strdup'd keys */
    void **vals;                /* borrowed or owned per map (see registry) */
    size_t cap, used;
} Map;

static uint32_t strhash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) {
        h = (h ^ (unsigned char)*s++) * 16777619u;
    }
    return h;
}

static void *map_get(const Map *m, const char *key)
{
    size_t i;
    if (m->cap == 0) {
        return NULL;
    }
    for (i = strhash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
        if (strcmp(m->keys[i], key) == 0) {
            return m->vals[i];
        }
    }
    return NULL;
}

/* Insert a new key (absent); the key is copied. 0, or -1 out of memory. */
static int map_put(Map *m, const char *key, void *val)
{
    size_t i;
    char *k;
    if ((m->used + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64, j;
        char **nk = calloc(ncap, sizeof *nk);
        void **nv = calloc(ncap, sizeof *nv);
        if (nk == NULL || nv == NULL) {
            free(nk);
            free(nv);
            return -1;
        }
        for (j = 0; j < m->cap; j++) {
            if (m->keys[j]) {
                for (i = strhash(m->keys[j]) & (ncap - 1); nk[i]; i = (i + 1) & (ncap - 1)) {
                }
                nk[i] = m->keys[j];
                nv[i] = m->vals[j];
            }
        }
        free(m->keys);
        free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = ncap;
    }
    k = strdup(key);
    if (k == NULL) {
        return -1;
    }
    for (i = strhash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
    }
    m->keys[i] = k;
    m->vals[i] = val;
    m->used++;
    return 0;
}

static void map_free(Map *m, int freenames)
{
    size_t i;
    for (i = 0; i < m->cap; i++) {
        free(m->keys[i]);
        if (freenames && m->vals[i]) {
            free(((tdmF_Name *)m->vals[i])->key);
            free(((tdmF_Name *)m->vals[i])->sym);
            free(m->vals[i]);
        }
    }
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------------ */
/* Registry                                                                 */

struct tdmF_Registry {
    tdmF_Type *all;             /* owns: every type (list through ->next) */
    tdmF_Type **itab;           /* owns: intern buckets (chains through ->hnext) */
    size_t icap, icount;
    Map names;                  /* identifier -> tdmF_Name (owned) */
    Map tags;                   /* "struct x" -> tdmF_Type (borrowed from all) */
    const tdmF_Type *base[TDMF_NBASE];  /* borrowed: from all */
    tdmF_Hooks hooks[TDM_NLANG];
    tdmF_Ext ext;
};

typedef struct BaseDef {
    const char *name;
    uint8_t kind;
    uint16_t flags;
    uint8_t size;
    ffi_type *fft;
} BaseDef;

#ifdef FFI_TARGET_HAS_COMPLEX_TYPE
#define FFT_CFLOAT &ffi_type_complex_float
#define FFT_CDOUBLE &ffi_type_complex_double
#else       /* complex values work in memory, but cannot be passed (tdmF_ffitype) */
#define FFT_CFLOAT NULL
#define FFT_CDOUBLE NULL
#endif
#define S_ TDMF_SIGNED
static const BaseDef bases[TDMF_NBASE] = {
    {"void", TDMF_VOID, 0, 0, &ffi_type_void},
    {"_Bool", TDMF_INT, TDMF_BOOL, 1, &ffi_type_uint8},
    {"char", TDMF_INT, S_ | TDMF_CHAR, 1, &ffi_type_sint8},
    {"signed char", TDMF_INT, S_, 1, &ffi_type_sint8},
    {"unsigned char", TDMF_INT, 0, 1, &ffi_type_uint8},
    {"short", TDMF_INT, S_, 2, &ffi_type_sint16},
    {"unsigned short", TDMF_INT, 0, 2, &ffi_type_uint16},
    {"int", TDMF_INT, S_, 4, &ffi_type_sint32},
    {"unsigned int", TDMF_INT, 0, 4, &ffi_type_uint32},
    {"long", TDMF_INT, S_, 8, &ffi_type_sint64},
    {"unsigned long", TDMF_INT, 0, 8, &ffi_type_uint64},
    {"long long", TDMF_INT, S_, 8, &ffi_type_sint64},
    {"unsigned long long", TDMF_INT, 0, 8, &ffi_type_uint64},
    {"float", TDMF_FLOAT, 0, 4, &ffi_type_float},
    {"double", TDMF_FLOAT, 0, 8, &ffi_type_double},
    /* libffi's complex types (FFI_TARGET_HAS_COMPLEX_TYPE: x86-64 since 3.3) */
    {"float _Complex", TDMF_COMPLEX, 0, 8, FFT_CFLOAT},
    {"double _Complex", TDMF_COMPLEX, 0, 16, FFT_CDOUBLE},
    {"int8_t", TDMF_INT, S_, 1, &ffi_type_sint8},
    {"uint8_t", TDMF_INT, 0, 1, &ffi_type_uint8},
    {"int16_t", TDMF_INT, S_, 2, &ffi_type_sint16},
    {"uint16_t", TDMF_INT, 0, 2, &ffi_type_uint16},
    {"int32_t", TDMF_INT, S_, 4, &ffi_type_sint32},
    {"uint32_t", TDMF_INT, 0, 4, &ffi_type_uint32},
    {"int64_t", TDMF_INT, S_, 8, &ffi_type_sint64},
    {"uint64_t", TDMF_INT, 0, 8, &ffi_type_uint64},
    {"size_t", TDMF_INT, 0, 8, &ffi_type_uint64},
    {"ssize_t", TDMF_INT, S_, 8, &ffi_type_sint64},
    {"intptr_t", TDMF_INT, S_, 8, &ffi_type_sint64},
    {"uintptr_t", TDMF_INT, 0, 8, &ffi_type_uint64},
    {"ptrdiff_t", TDMF_INT, S_, 8, &ffi_type_sint64},
    {"wchar_t", TDMF_INT, S_ | TDMF_UNICHAR, 4, &ffi_type_sint32},
    {"off_t", TDMF_INT, S_, 8, &ffi_type_sint64},
    {"time_t", TDMF_INT, S_, 8, &ffi_type_sint64},
    {"char16_t", TDMF_INT, TDMF_UNICHAR, 2, &ffi_type_uint16},
    {"char32_t", TDMF_INT, TDMF_UNICHAR, 4, &ffi_type_uint32},
    {"long double", TDMF_FLOAT, 0, 16, &ffi_type_longdouble},
    {"FILE", TDMF_STRUCT, 0, 0, NULL},      /* opaque: only FILE * is usable */
};

/* Standard typedef names that are not base types of their own (glibc
   x86-64), and bool (stdbool.h). Like every name of the standard headers
   here, a user's typedef may give them another meaning (cffi). */
static const struct { const char *name; int id; } aliases[] = {
    {"bool", TDMF_T_BOOL},
    {"int_least8_t", TDMF_T_INT8}, {"uint_least8_t", TDMF_T_UINT8},
    {"int_least16_t", TDMF_T_INT16}, {"uint_least16_t", TDMF_T_UINT16},
    {"int_least32_t", TDMF_T_INT32}, {"uint_least32_t", TDMF_T_UINT32},
    {"int_least64_t", TDMF_T_INT64}, {"uint_least64_t", TDMF_T_UINT64},
    {"int_fast8_t", TDMF_T_INT8}, {"uint_fast8_t", TDMF_T_UINT8},
    {"int_fast16_t", TDMF_T_LONG}, {"uint_fast16_t", TDMF_T_ULONG},
    {"int_fast32_t", TDMF_T_LONG}, {"uint_fast32_t", TDMF_T_ULONG},
    {"int_fast64_t", TDMF_T_LONG}, {"uint_fast64_t", TDMF_T_ULONG},
    {"intmax_t", TDMF_T_LONG}, {"uintmax_t", TDMF_T_ULONG},
};

/* A standard name resolving to base type `id` (overridable, see tdmF_define). */
static int builtin_name(tdmF_Registry *R, const char *name, int id)
{
    tdmF_Name *n = calloc(1, sizeof *n);
    if (n == NULL || (n->key = strdup(name)) == NULL || map_put(&R->names, name, n) != 0) {
        if (n) {
            free(n->key);
        }
        free(n);
        return -1;
    }
    n->kind = TDMF_N_TYPEDEF;
    n->type = R->base[id];
    n->flags = TDMF_NF_BUILTIN;
    return 0;
}
#undef S_

static tdmF_Type *type_alloc(tdmF_Registry *R, int kind, tdmF_Err *err)
{
    tdmF_Type *t = calloc(1, sizeof *t);
    if (t == NULL) {
        tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
        return NULL;
    }
    t->kind = (uint8_t)kind;
    t->align = 1;
    t->next = R->all;
    R->all = t;
    return t;
}

tdmF_Registry *tdmF_registry_new(void)
{
    tdmF_Registry *R = calloc(1, sizeof *R);
    int i;
    if (R == NULL) {
        return NULL;
    }
    for (i = 0; i < TDMF_NBASE; i++) {
        tdmF_Type *t = type_alloc(R, bases[i].kind, NULL);
        if (t == NULL || (t->name = strdup(bases[i].name)) == NULL) {
            tdmF_registry_free(R);
            return NULL;
        }
        t->flags = bases[i].flags;
        t->size = t->align = bases[i].size;
        if (t->align == 0) {
            t->align = 1;
        }
        t->fft = bases[i].fft;
        if (t->kind == TDMF_COMPLEX) {      /* two parts of the float type */
            t->align = t->size / 2;
            t->base = R->base[t->size == 8 ? TDMF_T_FLOAT : TDMF_T_DOUBLE];
        }
        t->tdname = i == TDMF_T_FILE;   /* spelled FILE, not struct FILE */
        R->base[i] = t;
        /* The standard typedef names resolve through the name table. */
        if (i >= TDMF_T_INT8 && i != TDMF_T_LDOUBLE &&
            builtin_name(R, bases[i].name, i) != 0) {
            tdmF_registry_free(R);
            return NULL;
        }
    }
    for (i = 0; i < (int)(sizeof aliases / sizeof aliases[0]); i++) {
        if (builtin_name(R, aliases[i].name, aliases[i].id) != 0) {
            tdmF_registry_free(R);
            return NULL;
        }
    }
    return R;
}

void tdmF_registry_free(void *reg)
{
    tdmF_Registry *R = reg;
    tdmF_Type *t, *next;
    int i;
    if (R == NULL) {
        return;
    }
    if (R->ext.free_callbacks) {
        R->ext.free_callbacks(R->ext.callbacks);
    }
    free(R->ext.busy.refused);
    if (R->ext.free_libs) {
        R->ext.free_libs(R->ext.libs);
    }
    for (t = R->all; t; t = next) {
        next = t->next;
        if (t->variant_of == NULL) {    /* a variant's fields and invalid are borrowed */
            for (i = 0; i < t->nfields; i++) {
                free(t->fields[i].name);
            }
            free(t->fields);
            free(t->invalid);
        }
        free(t->params);
        free(t->name);
        free(t->argv);
        if (t->kind == TDMF_STRUCT && t->fft) {
            free(t->fft);
        }
        free(t->elems);
        free(t);
    }
    free(R->itab);
    map_free(&R->names, 1);
    map_free(&R->tags, 0);
    free(R);
}

tdmF_Ext *tdmF_ext(tdmF_Registry *R)
{
    return &R->ext;
}

const tdmF_Type *tdmF_base(const tdmF_Registry *R, tdmF_BaseId id)
{
    return R->base[id];
}

void tdmF_set_hooks(tdmF_Registry *R, tdm_LangId lang, const tdmF_Hooks *h)
{
    if ((int)lang >= 0 && lang < TDM_NLANG) {
        R->hooks[lang] = *h;
    }
}

const tdmF_Hooks *tdmF_hooks(const tdmF_Registry *R, int lang)
{
    return (lang >= 0 && lang < TDM_NLANG) ? &R->hooks[lang] : NULL;
}

/* ------------------------------------------------------------------------ */
/* Interning of derived types                                               */

static uint32_t mix(uint32_t h, uint64_t x)
{
    h ^= (uint32_t)(x ^ (x >> 32));
    h *= 0x9E3779B1u;
    return h ^ (h >> 15);
}

static uint32_t derived_hash(int kind, const tdmF_Type *base, int64_t length,
                             const tdmF_Type *const *params, int n, int flags,
                             int nfixed)
{
    uint32_t h = mix((uint32_t)kind, (uint64_t)(uintptr_t)base);
    int i;
    h = mix(h, (uint64_t)length);
    for (i = 0; i < n; i++) {
        h = mix(h, (uint64_t)(uintptr_t)params[i]);
    }
    return mix(h, (uint64_t)((flags << 8) ^ nfixed ^ (n << 20)));
}

static int intern_grow(tdmF_Registry *R)
{
    size_t ncap = R->icap ? R->icap * 2 : 256, i;
    tdmF_Type **nt = calloc(ncap, sizeof *nt);
    if (nt == NULL) {
        return -1;
    }
    for (i = 0; i < R->icap; i++) {
        tdmF_Type *t = R->itab[i], *nx;
        for (; t; t = nx) {
            nx = t->hnext;
            t->hnext = nt[t->hash & (ncap - 1)];
            nt[t->hash & (ncap - 1)] = t;
        }
    }
    free(R->itab);
    R->itab = nt;
    R->icap = ncap;
    return 0;
}

static const tdmF_Type *intern(tdmF_Registry *R, int kind, const tdmF_Type *base,
                               int64_t length, const tdmF_Type *const *params,
                               int n, int flags, int nfixed, tdmF_Err *err)
{
    uint32_t h = derived_hash(kind, base, length, params, n, flags, nfixed);
    tdmF_Type *t;
    int depth = base->depth + 1, i;
    for (i = 0; i < n; i++) {
        depth = params[i]->depth + 1 > depth ? params[i]->depth + 1 : depth;
    }
    if (depth > TDMF_MAXDEPTH) {
        tdmF_seterr(err, TDM_ERRARG, "type nested too deeply (more than %d levels)",
                    TDMF_MAXDEPTH);
        return NULL;
    }
    if (R->icap) {
        for (t = R->itab[h & (R->icap - 1)]; t; t = t->hnext) {
            if (t->hash == h && t->kind == kind && t->base == base &&
                t->length == length && t->nparams == n && t->flags == flags &&
                t->nfixed == nfixed &&
                (n == 0 || memcmp(t->params, params, (size_t)n * sizeof *params) == 0)) {
                return t;
            }
        }
    }
    if ((R->icount + 1) * 2 > R->icap && intern_grow(R) != 0) {
        tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
        return NULL;
    }
    t = type_alloc(R, kind, err);
    if (t == NULL) {
        return NULL;
    }
    if (n > 0) {
        t->params = malloc((size_t)n * sizeof *params);
        if (t->params == NULL) {
            tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
            return NULL;    /* t stays on R->all, freed with the registry */
        }
        memcpy(t->params, params, (size_t)n * sizeof *params);
    }
    t->base = base;
    t->depth = (uint16_t)depth;
    t->length = length;
    t->nparams = n;
    t->flags = (uint16_t)flags;
    t->nfixed = nfixed;
    t->hash = h;
    t->hnext = R->itab[h & (R->icap - 1)];
    R->itab[h & (R->icap - 1)] = t;
    R->icount++;
    return t;
}

const tdmF_Type *tdmF_ptr(tdmF_Registry *R, const tdmF_Type *to, tdmF_Err *err)
{
    tdmF_Type *t;
    if (to->ptrto) {
        return to->ptrto;
    }
    t = (tdmF_Type *)intern(R, TDMF_PTR, to, 0, NULL, 0, 0, -1, err);
    if (t) {
        t->size = t->align = sizeof(void *);
        t->fft = &ffi_type_pointer;
        ((tdmF_Type *)to)->ptrto = t;
    }
    return t;
}

const tdmF_Type *tdmF_array(tdmF_Registry *R, const tdmF_Type *elem,
                            int64_t length, tdmF_Err *err)
{
    tdmF_Type *t;
    char nb[128];
    if (length < -1) {
        length = -1;
    }
    if (length > 0 && elem->size > 0 && (uint64_t)length > (SIZE_MAX >> 2) / elem->size) {
        tdmF_seterr(err, TDM_ERRARG, "array too large (%lld elements)", (long long)length);
        return NULL;
    }
    if (elem->align > 0 && elem->size % elem->align != 0) {
        /* a typedef's aligned variant (typedef int a3[3] __attribute__((aligned(16)));):
           gcc's two errors */
        tdmF_seterr(err, TDM_ERRSYNTAX, elem->size < elem->align
                    ? "alignment of array elements is greater than element size ('%s': "
                      "size %zu, alignment %zu)"
                    : "size of array element is not a multiple of its alignment ('%s': "
                      "size %zu, alignment %zu)",
                    tdmF_typename(elem, nb, sizeof nb), elem->size, elem->align);
        return NULL;
    }
    t = (tdmF_Type *)intern(R, TDMF_ARRAY, elem, length, NULL, 0, 0, -1, err);
    if (t) {
        t->size = length > 0 ? (size_t)length * elem->size : 0;
        t->align = elem->align;
    }
    return t;
}

const tdmF_Type *tdmF_vector(tdmF_Registry *R, const tdmF_Type *elem, int64_t size,
                             tdmF_Err *err)
{
    tdmF_Type *t;
    char nb[128];
    const tdmF_Type *st = elem->kind == TDMF_ENUM ? elem->base : elem;
    if ((st->kind != TDMF_INT && st->kind != TDMF_FLOAT) || (st->flags & TDMF_BOOL) ||
        elem->variant_of != NULL) {
        tdmF_seterr(err, TDM_ERRSYNTAX, "vector_size applies to an integer or floating type, "
                    "not '%s'", tdmF_typename(elem, nb, sizeof nb));
        return NULL;
    }
    if (size <= 0 || size > (1 << 15) || (size & (size - 1)) != 0 ||
        (size_t)size % elem->size != 0) {
        tdmF_seterr(err, TDM_ERRSYNTAX, "vector_size(%lld) is not a power of two multiple of "
                    "the size of '%s' (%zu)", (long long)size,
                    tdmF_typename(elem, nb, sizeof nb), elem->size);
        return NULL;
    }
    t = (tdmF_Type *)intern(R, TDMF_ARRAY, elem, size / (int64_t)elem->size, NULL, 0,
                            TDMF_VECTOR, -1, err);
    if (t) {
        t->size = t->align = (size_t)size;
    }
    return t;
}

static size_t align_up(size_t x, size_t a);

static int bad_alignment(int64_t n, tdmF_Err *err)
{
    if (n <= 0 || n > (1 << 15) || (n & (n - 1)) != 0) {
        tdmF_seterr(err, TDM_ERRSYNTAX, "requested alignment %lld is not a positive power of "
                    "two (at most 32768)", (long long)n);
        return 1;
    }
    return 0;
}

const tdmF_Type *tdmF_aligned_variant(tdmF_Registry *R, const tdmF_Type *t, int64_t n,
                                      tdmF_Err *err)
{
    tdmF_Type *v;
    char nb[128];
    if (bad_alignment(n, err)) {
        return NULL;
    }
    while (t->variant_of != NULL) {
        t = t->variant_of;          /* a variant of a variant: of the original */
    }
    if (t->kind == TDMF_FUNC || t->kind == TDMF_VOID ||
        (t->kind == TDMF_ARRAY && (t->flags & TDMF_VECTOR))) {
        tdmF_seterr(err, TDM_ERRSYNTAX, "__attribute__((aligned)) on a typedef of '%s' is not "
                    "supported", tdmF_typename(t, nb, sizeof nb));
        return NULL;
    }
    if ((size_t)n == t->align) {
        return t;
    }
    for (v = R->all; v != NULL; v = v->next) {
        if (v->variant_of == t && v->align == (size_t)n) {
            return v;
        }
    }
    if ((v = type_alloc(R, t->kind, err)) == NULL) {
        return NULL;
    }
    {
        tdmF_Type *keepnext = v->next;
        *v = *t;                    /* the same type, apart from its alignment */
        v->next = keepnext;
    }
    v->hnext = NULL;
    v->ptrto = NULL;
    v->name = NULL;
    v->elems = NULL;
    v->params = NULL;
    v->argv = NULL;
    v->cifstate = 0;
    if (t->kind == TDMF_STRUCT || t->kind == TDMF_UNION) {
        v->fft = NULL;      /* fields and invalid: borrowed from t (variants_sync) */
    } else {
        v->fields = NULL;
        v->nfields = 0;
        v->invalid = NULL;
    }
    if (t->name != NULL && (v->name = strdup(t->name)) == NULL) {
        tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
        return NULL;
    }
    v->align = (size_t)n;
    v->variant_of = t;
    v->flags |= TDMF_OVERALIGNED;
    if (t->kind == TDMF_STRUCT || t->kind == TDMF_UNION) {
        v->flags &= (uint16_t)~TDMF_HASVARIANT;
        ((tdmF_Type *)t)->flags |= TDMF_HASVARIANT;     /* R owns t */
    }
    return v;
}

void tdmF_variants_sync(tdmF_Registry *R, const tdmF_Type *t)
{
    tdmF_Type *v;
    if (!(t->flags & TDMF_HASVARIANT)) {
        return;
    }
    for (v = R->all; v != NULL; v = v->next) {
        if (v->variant_of == t) {   /* declared while t was incomplete, or before
                                       an attribute after its body */
            v->size = t->size;
            v->fields = t->fields;
            v->nfields = t->nfields;
            v->invalid = t->invalid;
            v->pack = t->pack;
            v->decl_line = t->decl_line;
            v->decl_col = t->decl_col;
            v->flags = (uint16_t)((t->flags | TDMF_OVERALIGNED) & ~TDMF_HASVARIANT);
        }
    }
}

int tdmF_align_aggregate(tdmF_Registry *R, tdmF_Type *t, int64_t n, tdmF_Err *err)
{
    if (bad_alignment(n, err)) {
        return err ? err->status : TDM_ERRSYNTAX;
    }
    if ((size_t)n > t->align) {
        t->align = (size_t)n;
        t->size = align_up(t->size, t->align);
        t->flags |= TDMF_OVERALIGNED;
        tdmF_variants_sync(R, t);
    }
    return TDM_OK;
}

const tdmF_Type *tdmF_func(tdmF_Registry *R, const tdmF_Type *ret,
                           const tdmF_Type *const *params, int n,
                           int variadic, int nfixed, tdmF_Err *err)
{
    int flags = (variadic ? TDMF_VARIADIC : 0) | (nfixed >= 0 ? TDMF_CALLSIG : 0);
    return intern(R, TDMF_FUNC, ret, 0, params, n, flags, nfixed < 0 ? -1 : nfixed, err);
}

tdmF_Type *tdmF_aggregate(tdmF_Registry *R, int kind, const char *tag, tdmF_Err *err)
{
    tdmF_Type *t = type_alloc(R, kind, err);
    if (t && tag && (t->name = strdup(tag)) == NULL) {
        tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
        return NULL;
    }
    if (t && kind == TDMF_ENUM) {
        t->base = R->base[TDMF_T_UINT];
        t->size = t->align = 4;
    }
    return t;
}

/* ------------------------------------------------------------------------ */
/* Layout                                                                   */

static size_t align_up(size_t x, size_t a)
{
    return (x + a - 1) / a * a;
}

int tdmF_sized(const tdmF_Type *t, const char *what, tdmF_Err *err)
{
    char nb[128];
    if (t->invalid != NULL) {
        return tdmF_seterr(err, TDM_ERRTYPE, "%s: '%s' cannot be instantiated: %s", what,
                           tdmF_typename(t, nb, sizeof nb), t->invalid);
    }
    if (t->kind == TDMF_VOID || t->kind == TDMF_FUNC ||
        ((t->kind == TDMF_STRUCT || t->kind == TDMF_UNION) && !(t->flags & TDMF_COMPLETE)) ||
        (t->kind == TDMF_ARRAY && t->length < 0)) {
        return tdmF_seterr(err, TDM_ERRTYPE, "%s: '%s' has no known size%s", what,
                           tdmF_typename(t, nb, sizeof nb),
                           (t->kind == TDMF_STRUCT || t->kind == TDMF_UNION)
                               ? " (incomplete type)" : "");
    }
    if (t->kind == TDMF_ARRAY) {
        return tdmF_sized(t->base, what, err);
    }
    return TDM_OK;
}

const tdmF_Field *tdmF_field_find(const tdmF_Type *t, const char *name, size_t *offset)
{
    int i;
    for (i = 0; i < t->nfields; i++) {
        const tdmF_Field *f = &t->fields[i];
        if (f->name && strcmp(f->name, name) == 0) {
            *offset += f->offset;
            return f;
        }
        if (f->name == NULL && !f->isbit &&
            (f->type->kind == TDMF_STRUCT || f->type->kind == TDMF_UNION)) {
            size_t sub = *offset + f->offset;
            const tdmF_Field *g = tdmF_field_find(f->type, name, &sub);
            if (g) {
                *offset = sub;
                return g;
            }
        }
    }
    return NULL;
}

/* Lay out one bitfield of a struct at bit position *bit (gcc rules: a
   bitfield never straddles a storage unit of its declared type's size). */
static void place_bitfield(tdmF_Field *f, size_t *bit)
{
    size_t unit = f->type->size * 8;
    size_t b = *bit;
    if (f->bitwidth == 0) {
        *bit = align_up(b, unit);
        f->offset = *bit / 8;
        f->bitpos = 0;
        return;
    }
    if (b / unit != (b + f->bitwidth - 1) / unit) {
        b = align_up(b, unit);
    }
    f->offset = (b / unit) * f->type->size;
    f->bitpos = (uint8_t)(b - f->offset * 8);
    *bit = b + f->bitwidth;
}

int tdmF_complete(tdmF_Registry *R, tdmF_Type *t, tdmF_Field *fields, int n,
                  tdmF_Err *err)
{
    size_t bit = 0, size = 0, align = 1, fa;
    int i, j, isunion = t->kind == TDMF_UNION, hasbits = 0, flex = 0, overaligned = 0;
    const char *inv = NULL;
    char nb[128];
    if (t->flags & TDMF_COMPLETE) {
        /* completed while its body was parsed: `struct t { struct t {...}; }` */
        return tdmF_seterr(err, TDM_ERRSYNTAX, "nested redefinition of '%s'",
                           tdmF_typename(t, nb, sizeof nb));
    }
    for (i = 0; i < n; i++) {
        tdmF_Field *f = &fields[i];
        const tdmF_Type *ft = f->type;
        if (f->name) {
            size_t dummy = 0;
            for (j = 0; j < i; j++) {
                if ((fields[j].name && strcmp(fields[j].name, f->name) == 0) ||
                    (fields[j].name == NULL && !fields[j].isbit &&
                     tdmF_field_find(fields[j].type, f->name, &dummy))) {
                    return tdmF_seterr(err, TDM_ERRSYNTAX, "%d:%d: duplicate member '%s'",
                                       f->line, f->col, f->name);
                }
            }
        }
        if (f->isbit) {
            hasbits = 1;
            /* int x : 3 __attribute__((aligned(8))): gcc starts it at a multiple of
               n bytes and, when named, raises the struct's alignment to n */
            fa = f->align > ft->align ? f->align : ft->align;
            if (f->align) {
                overaligned = 1;
            }
            if (isunion) {
                f->offset = 0;
                f->bitpos = 0;
                size = size > (f->bitwidth + 7u) / 8 ? size : (f->bitwidth + 7u) / 8;
            } else {
                if (f->align) {
                    bit = align_up(bit, (size_t)f->align * 8);
                }
                place_bitfield(f, &bit);
            }
            if (f->name && fa > align) {
                align = fa;
            }
            continue;
        }
        /* aligned(n) on the member: at least n; gcc lets __attribute__((packed))
           keep it, #pragma pack(N) caps it at N */
        if ((t->flags & TDMF_PACKATTR) && t->pack) {
            fa = ft->align > t->pack ? t->pack : ft->align;
            fa = f->align > fa ? f->align : fa;
        } else {
            fa = f->align > ft->align ? f->align : ft->align;
            fa = t->pack && fa > t->pack ? t->pack : fa;
        }
        {
            const tdmF_Type *e = ft;
            if (f->align) {
                overaligned = 1;
            }
            while (e->kind == TDMF_ARRAY && !(e->flags & TDMF_VECTOR)) {
                if (e->flags & TDMF_OVERALIGNED) {
                    overaligned = 1;        /* typedef int a[3] __attribute__((aligned)) */
                }
                e = e->base;
            }
            if (inv == NULL) {
                inv = e->invalid;   /* a member no object can have: nor can this */
            }
            if (e->flags & TDMF_OVERALIGNED) {
                overaligned = 1;
            }
        }
        if (ft->kind == TDMF_ARRAY && ft->length < 0) {
            if (isunion || i != n - 1) {
                return tdmF_seterr(err, TDM_ERRSYNTAX,
                                   "%d:%d: flexible array member '%s' must be last in a struct",
                                   f->line, f->col, f->name ? f->name : "?");
            }
            flex = 1;
        } else if (!isunion && i == n - 1 && ft->kind == TDMF_STRUCT && (ft->flags & TDMF_FLEX)) {
            flex = 1;       /* ends in a struct that ends in T y[]: the count of that
                               innermost array sizes this struct too (as cffi) */
        } else if (inv == NULL && tdmF_sized(ft, "field", NULL) != TDM_OK) {
            return tdmF_seterr(err, TDM_ERRSYNTAX, "%d:%d: field '%s' has incomplete type '%s'",
                               f->line, f->col, f->name ? f->name : "<anonymous>",
                               tdmF_typename(ft, nb, sizeof nb));
        }
        if (fa > align) {
            align = fa;
        }
        if (isunion) {
            f->offset = 0;
            size = size > ft->size ? size : ft->size;
        } else {
            f->offset = align_up((bit + 7) / 8, fa);
            bit = (f->offset + ft->size) * 8;
        }
    }
    if (!isunion) {
        size = (bit + 7) / 8;
    }
    if (inv != NULL && t->invalid == NULL && (t->invalid = strdup(inv)) == NULL) {
        return tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
    }
    t->size = align_up(size, align);
    t->align = align;
    t->fields = fields;
    t->nfields = n;
    t->flags |= TDMF_COMPLETE | (hasbits ? TDMF_HASBITS : 0) | (flex ? TDMF_FLEX : 0) |
                (overaligned ? TDMF_OVERALIGNED : 0);
    tdmF_variants_sync(R, t);
    return TDM_OK;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                    */

const tdmF_Name *tdmF_lookup(const tdmF_Registry *R, const char *name)
{
    return map_get(&R->names, name);
}

int tdmF_names_each(const tdmF_Registry *R, int (*fn)(void *ud, const tdmF_Name *n), void *ud)
{
    for (size_t i = 0; i < R->names.cap; i++) {
        if (R->names.keys[i] != NULL && fn(ud, R->names.vals[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

void tdmF_name_set_flags(tdmF_Registry *R, const char *name, int flags)
{
    tdmF_Name *n = map_get(&R->names, name);
    if (n != NULL) {
        n->flags |= (uint8_t)flags;
    }
}

void tdmF_name_set_owner(tdmF_Registry *R, const char *name, const tdmF_Type *owner)
{
    tdmF_Name *n = map_get(&R->names, name);
    if (n != NULL && n->owner == NULL) {
        n->owner = owner;
    }
}

const char *tdmF_enum_name(const tdmF_Registry *R, const tdmF_Type *t, int64_t value)
{
    const tdmF_Name *best = NULL;
    for (size_t i = 0; i < R->names.cap; i++) {
        const tdmF_Name *n = R->names.vals[i];
        if (R->names.keys[i] != NULL && n->kind == TDMF_N_CONST && n->owner == t &&
            n->value == value && (best == NULL || n->seq < best->seq)) {
            best = n;
        }
    }
    return best ? best->key : NULL;
}

int tdmF_tags_each(const tdmF_Registry *R, int (*fn)(void *ud, const tdmF_Type *t), void *ud)
{
    for (size_t i = 0; i < R->tags.cap; i++) {
        if (R->tags.keys[i] != NULL && fn(ud, R->tags.vals[i]) != 0) {
            return -1;
        }
    }
    return 0;
}

static const char *name_desc(const tdmF_Name *n, const char *name, char *buf, size_t sz)
{
    char tb[160];
    switch (n->kind) {
    case TDMF_N_TYPEDEF:
        snprintf(buf, sz, "typedef '%s'", tdmF_typename(n->type, tb, sizeof tb));
        break;
    case TDMF_N_FUNC:
        snprintf(buf, sz, "function '%s'", tdmF_declname(n->type, name, tb, sizeof tb));
        break;
    case TDMF_N_VAR:
        snprintf(buf, sz, "variable '%s'", tdmF_declname(n->type, name, tb, sizeof tb));
        break;
    default:
        snprintf(buf, sz, "constant %lld", (long long)n->value);
        break;
    }
    return buf;
}

int tdmF_define(tdmF_Registry *R, const char *name, int kind,
                const tdmF_Type *type, int64_t value, tdmF_Err *err)
{
    tdmF_Name *old = map_get(&R->names, name), *n;
    if (old) {
        char a[192], b[192];
        tdmF_Name nw;
        if (old->kind == kind && old->type == type &&
            (kind != TDMF_N_CONST || old->value == value)) {
            return TDM_OK;
        }
        if (old->flags & TDMF_NF_BUILTIN) {
            /* a standard header name (int32_t, bool, FILE): the user's own
               declaration replaces it, as cffi lets `typedef int bool;` */
            old->kind = kind;
            old->type = type;
            old->value = value;
            old->flags = 0;
            old->seq = (uint32_t)R->names.used;
            return TDM_OK;
        }
        nw.kind = kind;
        nw.type = type;
        nw.value = value;
        return tdmF_seterr(err, TDM_ERRSYNTAX,
                           "conflicting declaration of '%s': %s, previously %s", name,
                           name_desc(&nw, name, a, sizeof a), name_desc(old, name, b, sizeof b));
    }
    n = calloc(1, sizeof *n);
    if (n == NULL || (n->key = strdup(name)) == NULL || map_put(&R->names, name, n) != 0) {
        if (n) {
            free(n->key);
        }
        free(n);
        return tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
    }
    n->kind = kind;
    n->seq = (uint32_t)R->names.used;      /* declaration order (enum names) */
    n->type = type;
    n->value = value;
    return TDM_OK;
}

int tdmF_set_symbol(tdmF_Registry *R, const char *name, const char *sym, tdmF_Err *err)
{
    tdmF_Name *n = map_get(&R->names, name);
    const char *old;
    if (n == NULL || (n->kind != TDMF_N_FUNC && n->kind != TDMF_N_VAR)) {
        return tdmF_seterr(err, TDM_ERRSYNTAX, "asm(\"%s\"): '%s' is not a function or "
                           "variable", sym, name);
    }
    old = n->sym ? n->sym : n->key;
    if (strcmp(old, sym) == 0) {
        return TDM_OK;
    }
    if (n->sym != NULL) {
        return tdmF_seterr(err, TDM_ERRSYNTAX, "conflicting declaration of '%s': symbol "
                           "'%s', previously '%s'", name, sym, old);
    }
    if ((n->sym = strdup(sym)) == NULL) {
        return tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
    }
    return TDM_OK;
}

static const char *kindword(int kind)
{
    return kind == TDMF_STRUCT ? "struct" : kind == TDMF_UNION ? "union" : "enum";
}

tdmF_Type *tdmF_tag_lookup(const tdmF_Registry *R, int kind, const char *tag)
{
    char key[300];
    snprintf(key, sizeof key, "%s %s", kindword(kind), tag);
    return map_get(&R->tags, key);
}

int tdmF_tag_define(tdmF_Registry *R, tdmF_Type *t, tdmF_Err *err)
{
    char key[300];
    snprintf(key, sizeof key, "%s %s", kindword(t->kind), t->name);
    if (map_put(&R->tags, key, t) != 0) {
        return tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
    }
    return TDM_OK;
}

/* ------------------------------------------------------------------------ */
/* Spelling                                                                 */

/* out = a b c d, truncated to fit n bytes (no format-truncation games). */
static void join(char *out, size_t n, const char *a, const char *b, const char *c,
                 const char *d)
{
    const char *parts[4] = {a, b, c, d};
    size_t k = 0;
    int i;
    for (i = 0; i < 4; i++) {
        const char *p = parts[i];
        while (*p && k + 1 < n) {
            out[k++] = *p++;
        }
    }
    if (n) {
        out[k] = '\0';
    }
}

/* cffi: the C spelling cffi prints (`int * *`, `int(* *)(int)`, `int[]`,
   `int * x`); else LuaJIT's (`int **`, `int(**)(int)`, `int[?]`, `int *x`). */
static void spell(const tdmF_Type *t, const char *inner, char *out, size_t n, int cffi)
{
    char tmp[256], params[256];
    size_t k;
    int i;
    switch (t->kind) {
    case TDMF_PTR:
        {
            const char *sp = cffi && inner[0] != '\0' && inner[0] != '[' && inner[0] != '(' &&
                             inner[0] != TDMF_SPELL_MARK ? " " : "";
            if (t->base->kind == TDMF_ARRAY || t->base->kind == TDMF_FUNC) {
                join(tmp, sizeof tmp, "(*", sp, inner, ")");
            } else {
                join(tmp, sizeof tmp, "*", sp, inner, "");
            }
        }
        spell(t->base, tmp, out, n, cffi);
        return;
    case TDMF_ARRAY:
        if (t->variant_of != NULL) {
            /* typedef int a3[3] __attribute__((aligned(16))): "int[3]
               __attribute__((aligned(16)))", which parses back to this type */
            char vb[128], ab[48];
            spell(t->variant_of, "", vb, sizeof vb, cffi);
            snprintf(ab, sizeof ab, " __attribute__((aligned(%zu)))", t->align);
            join(out, n, vb, ab, inner[0] != '\0' && inner[0] != TDMF_SPELL_MARK ? " " : "", inner);
            return;
        }
        if (t->flags & TDMF_VECTOR) {
            /* as gcc prints it: float __attribute__((vector_size(16))) */
            char eb[128], vs[64];
            spell(t->base, "", eb, sizeof eb, cffi);
            snprintf(vs, sizeof vs, " __attribute__((vector_size(%zu)))", t->size);
            join(tmp, sizeof tmp, eb, vs, "", "");
            join(out, n, tmp, inner[0] == '\0' || inner[0] == '[' || inner[0] == '(' ||
                 inner[0] == TDMF_SPELL_MARK ? "" : " ", inner, "");
            return;
        }
        if (t->length < 0) {
            join(tmp, sizeof tmp, inner, cffi ? "[]" : "[?]", "", "");
        } else {
            char num[32];
            snprintf(num, sizeof num, "[%lld]", (long long)t->length);
            join(tmp, sizeof tmp, inner, num, "", "");
        }
        spell(t->base, tmp, out, n, cffi);
        return;
    case TDMF_FUNC:
        params[0] = '\0';
        for (i = 0, k = 0; i < t->nparams && k < sizeof params; i++) {
            char pb[128];
            spell(t->params[i], "", pb, sizeof pb, cffi);
            join(params + k, sizeof params - k, i ? ", " : "", pb, "", "");
            k += strlen(params + k);
        }
        if ((t->flags & TDMF_VARIADIC) && k < sizeof params) {
            join(params + k, sizeof params - k, t->nparams ? ", " : "", "...", "", "");
        } else if (t->nparams == 0 && !cffi) {      /* cffi spells it `int(*)()` */
            join(params, sizeof params, "void", "", "", "");
        }
        join(tmp, sizeof tmp, inner, "(", params, ")");
        spell(t->base, tmp, out, n, cffi);
        return;
    default:
        break;
    }
    if (t->variant_of != NULL) {
        /* a typedef's aligned variant: as gcc would print it */
        char vb[128], ab[48];
        spell(t->variant_of, "", vb, sizeof vb, cffi);
        snprintf(ab, sizeof ab, " __attribute__((aligned(%zu)))", t->align);
        join(tmp, sizeof tmp, vb, ab, "", "");
    } else if (t->tdname) {
        join(tmp, sizeof tmp, t->name, "", "", "");
    } else if (t->kind == TDMF_STRUCT || t->kind == TDMF_UNION || t->kind == TDMF_ENUM) {
        join(tmp, sizeof tmp, kindword(t->kind), " ", t->name ? t->name : "<anonymous>", "");
    } else {
        join(tmp, sizeof tmp, t->name ? t->name : "?", "", "", "");
    }
    join(out, n, tmp, inner[0] == '\0' || inner[0] == '[' || inner[0] == '(' ||
         inner[0] == TDMF_SPELL_MARK ? "" : " ", inner, "");
}

const char *tdmF_typename(const tdmF_Type *t, char *buf, size_t n)
{
    spell(t, "", buf, n, 0);
    return buf;
}

const char *tdmF_declname(const tdmF_Type *t, const char *name, char *buf, size_t n)
{
    spell(t, name ? name : "", buf, n, 0);
    return buf;
}

const char *tdmF_cffi_typename(const tdmF_Type *t, char *buf, size_t n)
{
    spell(t, "", buf, n, 1);
    return buf;
}

const char *tdmF_cffi_declname(const tdmF_Type *t, const char *name, char *buf, size_t n)
{
    spell(t, name ? name : "", buf, n, 1);
    return buf;
}

/* ------------------------------------------------------------------------ */
/* libffi descriptors                                                       */

/* Append t's libffi elements (arrays flattened) to elems[*k]. */
static int add_elems(tdmF_Registry *R, const tdmF_Type *t, ffi_type **elems,
                     size_t *k, tdmF_Err *err)
{
    if (t->kind == TDMF_ARRAY && (t->flags & TDMF_VECTOR)) {
        return tdmF_ffitype(R, t, err) != NULL ? TDM_OK : (err ? err->status : TDM_ERRTYPE);
    }
    if (t->kind == TDMF_ARRAY) {
        int64_t i;
        for (i = 0; i < t->length; i++) {
            if (add_elems(R, t->base, elems, k, err) != TDM_OK) {
                return err ? err->status : TDM_ERRTYPE;
            }
        }
        return TDM_OK;
    }
    elems[*k] = tdmF_ffitype(R, t, err);
    if (elems[*k] == NULL) {
        return err ? err->status : TDM_ERRTYPE;
    }
    (*k)++;
    return TDM_OK;
}

static size_t count_elems(const tdmF_Type *t)
{
    if (t->kind == TDMF_ARRAY) {
        return (size_t)t->length * count_elems(t->base);
    }
    return 1;
}

#define MAXELEMS 4096

static ffi_type *struct_fft(tdmF_Registry *R, tdmF_Type *t, tdmF_Err *err)
{
    char nb[128];
    size_t total = 0, k = 0;
    int i;
    ffi_type *ft;
    ffi_type **elems;
    if (t->flags & TDMF_HASBITS) {
        tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s' has bitfields: it cannot be passed by value",
                    tdmF_typename(t, nb, sizeof nb));
        return NULL;
    }
    for (i = 0; t->pack && i < t->nfields; i++) {
        if (t->fields[i].type->align > t->pack) {
            tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s' is packed: it cannot be passed by value (pass "
                        "a pointer)", tdmF_typename(t, nb, sizeof nb));
            return NULL;
        }
    }
    if (t->flags & TDMF_OVERALIGNED) {
        tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s' has a layout changed by "
                     "__attribute__((aligned)): it cannot be passed by value (pass a pointer)",
                     tdmF_typename(t, nb, sizeof nb));
        return NULL;
    }
    if ((t->flags & TDMF_FLEX) || t->size == 0) {
        tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s' has no fixed size: it cannot be passed by value",
                    tdmF_typename(t, nb, sizeof nb));
        return NULL;
    }
    for (i = 0; i < t->nfields; i++) {
        if (t->fields[i].type->size == 0) {
            tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s' has an empty member: it cannot be passed by "
                        "value", tdmF_typename(t, nb, sizeof nb));
            return NULL;
        }
        if (t->fields[i].type->size > MAXELEMS * 16) {
            total = MAXELEMS + 1;
            break;
        }
        total += count_elems(t->fields[i].type);
    }
    if (total > MAXELEMS) {
        tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s' is too large to be passed by value (pass a pointer)",
                    tdmF_typename(t, nb, sizeof nb));
        return NULL;
    }
    ft = calloc(1, sizeof *ft);
    elems = calloc(total + 1, sizeof *elems);
    if (ft == NULL || elems == NULL) {
        free(ft);
        free(elems);
        tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
        return NULL;
    }
    for (i = 0; i < t->nfields; i++) {
        if (add_elems(R, t->fields[i].type, elems, &k, err) != TDM_OK) {
            free(ft);
            free(elems);
            return NULL;
        }
    }
    ft->type = FFI_TYPE_STRUCT;
    ft->elements = elems;
    t->fft = ft;
    t->elems = elems;
    return ft;
}

ffi_type *tdmF_ffitype(tdmF_Registry *R, const tdmF_Type *t, tdmF_Err *err)
{
    char nb[128];
    switch (t->kind) {
    case TDMF_COMPLEX:
        if (t->fft == NULL) {
            tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s' cannot be passed by value: this libffi has "
                        "no complex types", tdmF_typename(t, nb, sizeof nb));
            return NULL;
        }
        return t->fft;
    case TDMF_VOID:
    case TDMF_INT:
    case TDMF_FLOAT:
    case TDMF_PTR:
        return t->fft;
    case TDMF_ENUM:
        return t->base->fft;
    case TDMF_STRUCT:
        if (!(t->flags & TDMF_COMPLETE)) {
            break;
        }
        return t->fft ? t->fft : struct_fft(R, (tdmF_Type *)t, err);
    case TDMF_ARRAY:
        if (t->flags & TDMF_VECTOR) {
            tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s': vector types cannot be "
                         "passed or returned by value (libffi has no vector type); pass a "
                         "pointer", tdmF_typename(t, nb, sizeof nb));
            return NULL;
        }
        break;
    case TDMF_UNION:
        tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s': unions cannot be passed or returned by value "
                    "(libffi has no union type); pass a pointer",
                    tdmF_typename(t, nb, sizeof nb));
        return NULL;
    default:
        break;
    }
    tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRTYPE, "'%s' cannot be passed or returned by value",
                tdmF_typename(t, nb, sizeof nb));
    return NULL;
}

ffi_cif *tdmF_cif(tdmF_Registry *R, const tdmF_Type *fn, tdmF_Err *err)
{
    tdmF_Type *f = (tdmF_Type *)fn;
    ffi_type *rt;
    ffi_status st;
    int i;
    if (f->cifstate == 1) {
        return &f->cif;
    }
    rt = tdmF_ffitype(R, f->base, err);
    if (rt == NULL) {
        tdmF_err_prefix(err, "result: ");
        return NULL;
    }
    if (f->argv == NULL && f->nparams > 0) {
        f->argv = calloc((size_t)f->nparams, sizeof *f->argv);
        if (f->argv == NULL) {
            tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
            return NULL;
        }
    }
    for (i = 0; i < f->nparams; i++) {
        f->argv[i] = tdmF_ffitype(R, f->params[i], err);
        if (f->argv[i] == NULL) {
            tdmF_err_prefix(err, "argument %d: ", i + 1);
            return NULL;
        }
    }
    if (f->flags & TDMF_CALLSIG) {
        st = ffi_prep_cif_var(&f->cif, FFI_DEFAULT_ABI, (unsigned)f->nfixed,
                              (unsigned)f->nparams, rt, f->argv);
    } else {
        st = ffi_prep_cif(&f->cif, FFI_DEFAULT_ABI, (unsigned)f->nparams, rt, f->argv);
    }
    if (st != FFI_OK) {
        tdmF_seterr(err, TDM_ERRTYPE, "libffi cannot prepare this call (status %d)", (int)st);
        return NULL;
    }
    f->cifstate = 1;
    return &f->cif;
}
