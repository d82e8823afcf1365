/*
 * cdata.h — C data objects both adapters wrap, and what can be done with them.
 *
 * A cdata is "an object of C type `type` at address `addr`". It is reference
 * counted (not atomically: callers hold the runtime lock). Memory from new
 * lives in the same allocation and is freed with the last reference; a
 * reference cdata (a struct field, an array element, a C variable, memory
 * returned by C) points into memory it does not own, and holds a strong
 * reference to the cdata that owns it, if any.
 *
 * As a neutral value a cdata is kind TDM_OBJ, lang TDM_LANG_C, u.obj the
 * tdmF_CData; with TDM_VF_OWNED the value holds one reference.
 */
#ifndef TDM_FFI_CDATA_H
#define TDM_FFI_CDATA_H

#include <stddef.h>
#include "ctypes.h"

/* tdmF_CData.flags */
#define TDMF_CD_REF       0x01  /* addr is memory the cdata does not own */
#define TDMF_CD_CALLBACK  0x02  /* a callback: cb is the binding (ccallback.c) */
#define TDMF_CD_OWNPTR    0x04  /* the pointer new("T *") returned for its object (keep):
                                   the count of a T's unsized array is known through it */

typedef struct tdmF_CData tdmF_CData;

/* Finalizer (ffi.gc): called once, before the memory is freed, with the
   dying cdata (do not keep a reference to it). Never raises. */
typedef void (*tdmF_Finalizer)(void *ud, tdmF_CData *cd);

struct tdmF_CData {
    int refs;                   /* values and adapter wrappers holding it */
    uint16_t flags;             /* TDMF_CD_* */
    const tdmF_Type *type;      /* borrowed: interned in reg */
    tdmF_Registry *reg;         /* borrowed: outlives every cdata */
    void *addr;                 /* the object: payload below, or foreign memory */
    int64_t nelem;              /* element count of a variable-length array, or of
                                   the array ending a struct (TDMF_FLEX); else -1 */
    tdmF_CData *keep;           /* strong: cdata owning the memory at addr, or NULL */
    tdmF_Finalizer fin;         /* finalizer, or NULL */
    void *fin_ud;               /* borrowed: the finalizer's argument */
    void *cb;                   /* borrowed: the tdmF_Callback when TDMF_CD_CALLBACK
                                   (owned by the registry: its trampoline outlives it) */
    const char *name;           /* borrowed: declared name of a C function (a key
                                   of the registry), for messages; or NULL */
    max_align_t payload[];      /* the object when the cdata owns it */
};

/* A cdata owning `size` zeroed bytes for an object of type t (refs = 1).
   NULL with err when out of memory. */
TDMI_FUNC tdmF_CData *tdmF_cd_alloc(tdmF_Registry *R, const tdmF_Type *t, size_t size,
                                    tdmF_Err *err);
/* A reference cdata: type t at addr, which stays valid while `keep` lives
   (keep may be NULL for memory the caller vouches for; a new reference to
   keep is taken). nelem: element count for [?] arrays, else -1. */
TDMI_FUNC tdmF_CData *tdmF_cd_ref(tdmF_Registry *R, const tdmF_Type *t, void *addr,
                                  int64_t nelem, tdmF_CData *keep, tdmF_Err *err);
TDMI_FUNC void tdmF_cd_incref(tdmF_CData *cd);
/* Drops a reference; at zero runs the finalizer and frees. */
TDMI_FUNC void tdmF_cd_decref(tdmF_CData *cd);
TDMI_FUNC void tdmF_cd_set_finalizer(tdmF_CData *cd, tdmF_Finalizer fin, void *ud);

/* A neutral value holding cd (steals the reference). */
TDMI_FUNC tdm_Value tdmF_cd_value(tdmF_CData *cd);
/* The cdata in a value, or NULL (borrowed: valid while the value is). */
TDMI_FUNC tdmF_CData *tdmF_cd_of(const tdm_Value *v);
/* Release what a value owns (cdata reference, owned string, other
   languages' objects through their hook). Leaves nil. */
TDMI_FUNC void tdmF_value_release(tdmF_Registry *R, tdm_Value *v);

/* The address a pointer-like cdata stands for: the pointer value for
   pointers, the object address for arrays, structs and functions. */
TDMI_FUNC void *tdmF_cd_address(const tdmF_CData *cd);
/* Bytes of the object (variable arrays: nelem * element size; a struct
   ending in one: sizeof + nelem * element size). */
TDMI_FUNC size_t tdmF_cd_size(const tdmF_CData *cd);
/* Element count of an array cdata; -1 when unknown (pointers). */
TDMI_FUNC int64_t tdmF_cd_length(const tdmF_CData *cd);
/* The memory cd may reach by indexing, when its extent is known: for an
   array, struct or scalar its own object; for a pointer, the object of the
   cdata owning the memory it points into (new("T *"), arrays, addressof,
   p + n keep it). [*lo, *hi) and 1; 0 when unknown (C memory). */
TDMI_FUNC int tdmF_cd_bounds(const tdmF_CData *cd, uintptr_t *lo, uintptr_t *hi);
/* Bytes known to be usable from tdmF_cd_address(cd) on: the object's size,
   or what is left of a pointer's bounds (0 when it points outside them);
   SIZE_MAX when unknown. */
TDMI_FUNC size_t tdmF_cd_avail(const tdmF_CData *cd);
/* The element type of the variable-length array ending struct t (int y[?]
   or int y[] as last member), or NULL. */
TDMI_FUNC const tdmF_Type *tdmF_flex_elem(const tdmF_Type *t);

/* ------------------------------------------------------------------------ */
/* Conversions between C memory and neutral values (cconv.c)                */

/* Contexts for tdmF_to_c: a call argument may point into a string's bytes
   for the duration of the call; a store or a callback result may not. */
enum { TDMF_CV_ARG = 0, TDMF_CV_STORE = 1, TDMF_CV_RESULT = 2 };
/* Or-ed into a context: C's conversion rules instead of range checks
   (LuaJIT's stores, new and cast): integers wrap to the width, floats
   truncate toward zero (NaN and values outside 64 bits give 2^63), any
   number converts to _Bool as != 0; a bitfield keeps the low bits. */
#define TDMF_CV_CCONV 0x10
/* Or-ed into a context: cffi's stricter rules (the Python face): a `char`
   takes only a 1-byte string and a `wchar_t` only a 1-character string (or
   a cdata), never a number or a boolean; and a store (TDMF_CV_STORE) takes
   no nil for a pointer (cffi wants ffi.NULL; call arguments still do). */
#define TDMF_CV_CFFI 0x20
/* Or-ed into a context: the element count given with a variable-length
   object is the room it has, not its count (a struct member nobody recorded
   a count for): zero nothing past the fixed part, write what is given. */
#define TDMF_CV_ROOM 0x40
#define TDMF_CV_MASK  0x0f      /* the context without the flags */

/* Convert v to type t into dst (t's size bytes), with range and type
   checks. Messages read "expected int, got 3000000000 (out of range)". */
TDMI_FUNC int tdmF_to_c(tdmF_Registry *R, const tdmF_Type *t, const tdm_Value *v,
                        void *dst, int ctx, tdmF_Err *err);
/* Convert C memory of type t to a neutral value: integers (that fit int64)
   and floats as numbers, _Bool as a boolean, void as nil; anything else
   (pointers, aggregates, unsigned 64-bit values above INT64_MAX) as a new
   cdata. Aggregates are references into src kept alive by `keep`, or copies
   when keep is NULL. *out is owned. */
TDMI_FUNC int tdmF_from_c(tdmF_Registry *R, const tdmF_Type *t, const void *src,
                          tdmF_CData *keep, tdm_Value *out, tdmF_Err *err);
/* tdmF_to_c for an object whose type has a variable length: nelem is the
   element count of a T[?] or of the array ending a struct (ignored for
   other types). A variable-length array of unknown length (nelem < 0)
   accepts no initializer. */
TDMI_FUNC int tdmF_to_c_n(tdmF_Registry *R, const tdmF_Type *t, const tdm_Value *v,
                          void *dst, int64_t nelem, int ctx, tdmF_Err *err);
/* Fill object memory of type t from an initializer list (C rules:
   positional or by field name, the rest stays as it was, normally zero).
   nelem: element count of a T[?], or of the array ending a struct. */
TDMI_FUNC int tdmF_init(tdmF_Registry *R, const tdmF_Type *t, void *dst, int64_t nelem,
                        const tdmF_Init *in, tdmF_Err *err);
/* tdmF_init with a conversion context for the elements (TDMF_CV_CCONV). */
TDMI_FUNC int tdmF_init_cv(tdmF_Registry *R, const tdmF_Type *t, void *dst, int64_t nelem,
                           const tdmF_Init *in, int ctx, tdmF_Err *err);
/* The parts of a complex number of type t (float or double _Complex) in
   memory, as doubles; and the reverse. */
TDMI_FUNC void tdmF_complex_get(const tdmF_Type *t, const void *src, double *re, double *im);
TDMI_FUNC void tdmF_complex_set(const tdmF_Type *t, void *dst, double re, double im);
/* Short description of a value for messages ("3000000000", "cdata<int *>"). */
TDMI_FUNC const char *tdmF_describe(const tdm_Value *v, char *buf, size_t n);
/* May a pointer to `from` be used as a pointer to `to`? */
TDMI_FUNC int tdmF_ptr_compatible(const tdmF_Type *to, const tdmF_Type *from);

/* ------------------------------------------------------------------------ */
/* Places: an lvalue inside C memory (cdata.c)                              */

typedef struct tdmF_Place {
    const tdmF_Type *type;      /* borrowed: the element or field type */
    void *addr;                 /* the object, or the bitfield's storage unit */
    uint8_t bitpos, bitwidth;   /* bitwidth 0: not a bitfield */
    uint8_t isconst;            /* a const field (tdmF_Field.isconst) */
    tdmF_CData *owner;          /* borrowed: cdata whose memory this is, or NULL */
    int64_t nelem;              /* a variable-length array (or struct ending in one):
                                   its element count when known, else -1 */
    uint8_t room;               /* nelem is only the room the known extent leaves (a
                                   member no count was recorded for): a store writes
                                   what it is given and zeroes nothing past the fixed
                                   part (TDMF_CV_ROOM) */
    uint8_t tail0;              /* a `T x[0]` member ending its struct, or a `T x[]`
                                   reached through a pointer new did not return: read
                                   as a T * at its address, bounded by the owner (as
                                   cffi) */
} tdmF_Place;

/* cd[i]: arrays and pointers, bounds-checked when the extent is known
   (tdmF_cd_bounds): new("int *")[1] is an error, a pointer from C is not
   checked. */
TDMI_FUNC int tdmF_cd_index(tdmF_Registry *R, tdmF_CData *cd, int64_t i,
                            tdmF_Place *out, tdmF_Err *err);
/* cd.name for structs/unions and pointers to them (anonymous members are
   searched). */
TDMI_FUNC int tdmF_cd_field(tdmF_Registry *R, tdmF_CData *cd, const char *name,
                            tdmF_Place *out, tdmF_Err *err);
/* The whole object of a cdata as a place (for its value). */
TDMI_FUNC void tdmF_cd_place(tdmF_CData *cd, tdmF_Place *out);
/* Read: scalars as numbers, aggregates as reference cdata. *out owned. */
TDMI_FUNC int tdmF_place_get(tdmF_Registry *R, const tdmF_Place *pl, tdm_Value *out,
                             tdmF_Err *err);
/* The T * a `T x[0]` member ending its struct reads as (pl->tail0): its
   address, kept alive by and bounded by pl->owner. *out owned. */
TDMI_FUNC int tdmF_tail0_get(tdmF_Registry *R, const tdmF_Place *pl, tdm_Value *out,
                             tdmF_Err *err);
/* Write with conversion and range checks (bitfields: fits the width). */
TDMI_FUNC int tdmF_place_set(tdmF_Registry *R, const tdmF_Place *pl, const tdm_Value *v,
                             tdmF_Err *err);
/* The same in a conversion context (TDMF_CV_STORE, with TDMF_CV_CCONV for
   C's rules instead of range checks). */
TDMI_FUNC int tdmF_place_set_cv(tdmF_Registry *R, const tdmF_Place *pl, const tdm_Value *v,
                                int ctx, tdmF_Err *err);

/* ------------------------------------------------------------------------ */
/* Operations behind the language APIs (cdata.c)                            */

#define TDMF_NEW_POINTEE 0x01   /* new("T *") allocates a T (cffi) */
#define TDMF_NEW_CCONV   0x02   /* initializers convert as C does (TDMF_CV_CCONV) */

/* new: zero-filled object of type t; nelem for [?] arrays (< 0: taken from
   the initializer) and for a struct ending in a variable-length array
   (sizeof + nelem elements; < 0: none). init may be NULL. *out: new
   reference. */
TDMI_FUNC int tdmF_new(tdmF_Registry *R, const tdmF_Type *t, int64_t nelem, int flags,
                       const tdmF_Init *init, tdmF_CData **out, tdmF_Err *err);
/* cast: C conversion rules (integers wrap, pointers from addresses). */
TDMI_FUNC int tdmF_cast(tdmF_Registry *R, const tdmF_Type *t, const tdm_Value *v,
                        tdmF_CData **out, tdmF_Err *err);
/* p + n (arrays decay to pointers). *out: new reference. */
TDMI_FUNC int tdmF_ptr_add(tdmF_Registry *R, tdmF_CData *cd, int64_t n, tdmF_CData **out,
                           tdmF_Err *err);
/* a - b in elements, for pointers/arrays of compatible types. */
TDMI_FUNC int tdmF_ptr_diff(tdmF_Registry *R, tdmF_CData *a, tdmF_CData *b, int64_t *out,
                            tdmF_Err *err);
/* Address comparison: <0, 0, >0. Nil compares as NULL. */
TDMI_FUNC int tdmF_ptr_cmp(const tdm_Value *a, const tdm_Value *b);
/* Pointer to the object of cd (or to one of its fields when name != NULL). */
TDMI_FUNC int tdmF_addressof(tdmF_Registry *R, tdmF_CData *cd, const char *name,
                             tdmF_CData **out, tdmF_Err *err);
TDMI_FUNC int tdmF_offsetof(tdmF_Registry *R, const tdmF_Type *t, const char *name,
                            size_t *out, tdmF_Err *err);
/* string(p[, n]): the bytes (borrowed: valid while the C memory is) of a
   char pointer/array up to its NUL (n < 0) or exactly n bytes. */
TDMI_FUNC int tdmF_string(tdmF_Registry *R, const tdm_Value *v, int64_t n,
                          const char **p, size_t *len, tdmF_Err *err);
/* copy(dst, src[, n]): src is a cdata or a string (n < 0: the string and
   its NUL). Bounds-checked where sizes are known. */
TDMI_FUNC int tdmF_copy(tdmF_Registry *R, const tdm_Value *dst, const tdm_Value *src,
                        int64_t n, tdmF_Err *err);
TDMI_FUNC int tdmF_fill(tdmF_Registry *R, const tdm_Value *dst, int64_t n, int byte,
                        tdmF_Err *err);

#endif /* TDM_FFI_CDATA_H */
