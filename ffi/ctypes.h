/*
 * ctypes.h — the C type model shared by both languages.
 *
 * Types are interned in a registry (one per runtime): the same type is the
 * same pointer, so type equality is pointer equality and a function type
 * stands for its signature. Sizes, alignments and offsets follow gcc on
 * x86_64 SysV, bitfields included. A function type prepares its libffi call
 * interface lazily, once per registry.
 *
 * The registry is not thread-safe: callers hold the runtime lock. Every
 * function that can fail returns a status (TDM_OK == 0) and writes its
 * message into a caller-supplied tdmF_Err; nothing here aborts or exits.
 */
#ifndef TDM_FFI_CTYPES_H
#define TDM_FFI_CTYPES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <ffi.h>
#include "tandem.h"
#include "frame.h"      /* tdmS_Error (the struct only) and TDMI_FUNC */

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

#define TDMF_ERRMAX 384

/*
 * A core error: status and a message in a fixed buffer (recording an error
 * never allocates, so it cannot fail). `cb` holds an error raised by
 * adapter code inside a callback during a native call: its error object and
 * traceback, moved here so the caller can re-raise the identical error.
 */
/*
 * What went wrong, set where the error is raised, so that an adapter picks
 * its exception class from the kind and never from the message's wording
 * (Python: RANGE -> OverflowError, BOUNDS -> IndexError, NULLPTR ->
 * RuntimeError, DECL -> ffi.CDefError, TYPE -> TypeError; see
 * tdmP_ffi_raise). A prefix added by tdmF_err_prefix keeps the kind.
 */
typedef enum tdmF_ErrKind {
    TDMF_EK_OTHER = 0,          /* none of the below (the adapter's default) */
    TDMF_EK_RANGE,              /* a number does not fit the C type */
    TDMF_EK_BOUNDS,             /* an index or field outside the known memory */
    TDMF_EK_NULLPTR,            /* a NULL pointer dereferenced or read */
    TDMF_EK_DECL,               /* a bad or conflicting declaration (cdef, type names) */
    TDMF_EK_TYPE,               /* a value of the wrong type, a wrong argument count */
    TDMF_EK_VALUE,              /* a right type with a wrong value (too many initializers
                                   for a struct, a negative array size) */
    TDMF_EK_KEY,                /* no field or member of that name */
    TDMF_EK_NOTIMPL             /* a declaration ABI mode cannot serve (an enum given its
                                   values after its first use, a non-integer constant's
                                   value, a type libffi cannot pass by value): Python's
                                   NotImplementedError, as cffi */
} tdmF_ErrKind;

typedef struct tdmF_Err {
    int status;                 /* tdm_Status; TDM_OK when clear */
    int kind;                   /* tdmF_ErrKind; TDMF_EK_OTHER when clear */
    char msg[TDMF_ERRMAX];      /* NUL-terminated message */
    tdmS_Error cb;               /* owns: callback error (cb.status != 0), or zeroed */
    /* Where a declaration parser error is (cparse; line 0: no position, any
       other error): the text's line and column; the line and file name a
       `# N "file"` line marker gives it (pline == line and pfile "" without
       one); msgoff: where the message proper starts in msg, after
       "what: line:col: "; parse: a syntax error (cffi's 'cannot parse'),
       not a bad declaration. Adapters may word positions their own way. */
    int line, col, pline;
    int msgoff;
    int parse;
    char pfile[96];
} tdmF_Err;

/* The one initialiser: a clear record (cheap: the message buffer is not
   zeroed, only terminated). */
static inline void tdmF_err_init(tdmF_Err *e)
{
    e->status = TDM_OK;
    e->kind = TDMF_EK_OTHER;
    e->msg[0] = '\0';
    memset(&e->cb, 0, sizeof e->cb);
    e->line = 0;
}

/* The kind an error of `status` has unless its site says otherwise:
   TDM_ERRSYNTAX -> DECL, TDM_ERRTYPE -> TYPE, anything else -> OTHER. */
static inline int tdmF_status_kind(int status)
{
    return status == TDM_ERRSYNTAX ? TDMF_EK_DECL
         : status == TDM_ERRTYPE   ? TDMF_EK_TYPE : TDMF_EK_OTHER;
}

/* Record an error of kind tdmF_status_kind(status); returns `status` so
   that `return tdmF_seterr(...)` works. */
TDMI_FUNC int tdmF_seterr(tdmF_Err *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Record an error of an explicit tdmF_ErrKind. */
TDMI_FUNC int tdmF_seterrk(tdmF_Err *e, int kind, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Put `fmt...` in front of the current message ("argument 2 to 'f': "). */
TDMI_FUNC void tdmF_err_prefix(tdmF_Err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------ */
/* Types                                                                    */

typedef enum tdmF_Kind {
    TDMF_VOID = 0,
    TDMF_INT,           /* every integer type, _Bool and char */
    TDMF_FLOAT,         /* float, double */
    TDMF_PTR,           /* base: the pointee */
    TDMF_ARRAY,         /* base: the element; length < 0 for [?] / [] */
    TDMF_STRUCT,
    TDMF_UNION,
    TDMF_ENUM,          /* base: the underlying integer type */
    TDMF_FUNC,          /* base: the result; params */
    TDMF_COMPLEX        /* float _Complex, double _Complex; base: the part's float type */
} tdmF_Kind;

/* tdmF_Type.flags */
#define TDMF_SIGNED     0x01    /* INT: signed */
#define TDMF_CHAR       0x02    /* INT: plain `char` (string conversions) */
#define TDMF_BOOL       0x04    /* INT: _Bool */
#define TDMF_COMPLETE   0x08    /* STRUCT/UNION/ENUM: body known */
#define TDMF_VARIADIC   0x10    /* FUNC: declared with `...` */
#define TDMF_HASBITS    0x20    /* STRUCT/UNION: has bitfields (not by value) */
#define TDMF_FLEX       0x40    /* STRUCT: ends in a flexible array member, directly or
                                   through a last member that is such a struct */
#define TDMF_CALLSIG    0x80    /* FUNC: concrete signature of a variadic call */
#define TDMF_UNICHAR    0x100   /* INT: wchar_t, char16_t, char32_t (a character: str in
                                   Python, as cffi) */
#define TDMF_VECTOR     0x200   /* ARRAY: a GCC vector (__attribute__((vector_size(n)))):
                                   size and alignment n, indexed as an array, never
                                   decays to a pointer, never passed by value (libffi has
                                   no vector type) */
#define TDMF_PACKATTR   0x800   /* STRUCT/UNION: packed by __attribute__((packed)) (pack
                                   1), not #pragma pack: an aligned(n) member keeps n,
                                   where #pragma pack(N) caps it at N (gcc) */
#define TDMF_HASVARIANT 0x1000  /* STRUCT/UNION: a typedef's aligned variant exists
                                   (tdmF_variants_sync keeps it current) */
#define TDMF_OVERALIGNED 0x400  /* a layout changed by __attribute__((aligned(n))): a
                                   STRUCT/UNION with an aligned member or aligned itself,
                                   or a typedef's variant of a scalar (variant_of): such a
                                   struct is not passed by value (libffi lays structs out
                                   naturally) */

typedef struct tdmF_Type tdmF_Type;

typedef struct tdmF_Field {
    char *name;                 /* owns: NULL for anonymous members / padding bitfields */
    const tdmF_Type *type;      /* borrowed: interned in the registry */
    size_t offset;              /* bytes; bitfields: offset of the storage unit */
    uint8_t bitpos;             /* bitfields: first bit inside the unit */
    uint8_t bitwidth;           /* bitfields: width; 0 for ordinary fields */
    uint8_t isbit;              /* 1 for bitfields */
    uint8_t isconst;            /* declared const (`const int x;`, `char *const p;`):
                                   the Lua face refuses stores as LuaJIT; cffi ignores it */
    uint16_t align;             /* __attribute__((aligned(n))) on the member: its
                                   alignment is at least n (gcc); 0: its type's */
    int line, col;              /* where it was declared (messages) */
} tdmF_Field;

struct tdmF_Type {
    uint8_t kind;               /* tdmF_Kind */
    uint16_t flags;             /* TDMF_* */
    int8_t cifstate;            /* FUNC: 0 not prepared, 1 ready */
    uint8_t tdname;             /* anonymous aggregate named by its typedef */
    uint16_t depth;             /* nesting of derived types (bounded) */
    uint16_t pack;              /* STRUCT/UNION: largest field alignment allowed
                                   (packed=1, pack=N, #pragma pack); 0: natural */
    char *invalid;              /* owns: STRUCT/UNION: why no object of this type can
                                   exist (a float bitfield, as cffi: refused at new,
                                   not at cdef), or NULL */
    size_t size;                /* bytes; 0 for void, functions, [?] arrays */
    size_t align;
    const tdmF_Type *base;      /* borrowed: pointee / element / result / enum int */
    int64_t length;             /* ARRAY: element count, -1 when variable */
    char *name;                 /* owns: base-type name or tag; NULL if anonymous */
    tdmF_Field *fields;         /* owns: nfields entries (STRUCT/UNION) */
    int nfields;
    const tdmF_Type **params;   /* owns: the array; entries borrowed */
    int nparams;
    int nfixed;                 /* FUNC with TDMF_CALLSIG: fixed parameters */
    int decl_line, decl_col;    /* where a struct/union/enum body was declared */
    ffi_type *fft;              /* scalars: borrowed static libffi type;
                                   STRUCT: owns, built by tdmF_ffitype */
    ffi_type **elems;           /* owns: STRUCT element list for fft */
    ffi_cif cif;                /* FUNC: valid when cifstate == 1 */
    ffi_type **argv;            /* owns: FUNC argument types for cif */
    const tdmF_Type *ptrto;     /* borrowed: cached pointer-to-this type */
    const tdmF_Type *variant_of;    /* borrowed: the type this one is an aligned variant
                                   of (typedef int a8 __attribute__((aligned(8)));),
                                   or NULL */
    uint32_t hash;
    tdmF_Type *hnext;           /* borrowed: intern chain (registry owns all) */
    tdmF_Type *next;            /* borrowed: list of every type, freed by registry */
};

/* The built-in base types, in the order of tdmF_base(). */
typedef enum tdmF_BaseId {
    TDMF_T_VOID = 0, TDMF_T_BOOL, TDMF_T_CHAR, TDMF_T_SCHAR, TDMF_T_UCHAR,
    TDMF_T_SHORT, TDMF_T_USHORT, TDMF_T_INT, TDMF_T_UINT, TDMF_T_LONG,
    TDMF_T_ULONG, TDMF_T_LLONG, TDMF_T_ULLONG, TDMF_T_FLOAT, TDMF_T_DOUBLE,
    TDMF_T_FCOMPLEX, TDMF_T_DCOMPLEX,
    TDMF_T_INT8, TDMF_T_UINT8, TDMF_T_INT16, TDMF_T_UINT16, TDMF_T_INT32,
    TDMF_T_UINT32, TDMF_T_INT64, TDMF_T_UINT64, TDMF_T_SIZE, TDMF_T_SSIZE,
    TDMF_T_INTPTR, TDMF_T_UINTPTR, TDMF_T_PTRDIFF, TDMF_T_WCHAR, TDMF_T_OFF,
    TDMF_T_TIME, TDMF_T_CHAR16, TDMF_T_CHAR32, TDMF_T_LDOUBLE, TDMF_T_FILE, TDMF_NBASE
} tdmF_BaseId;

/* ------------------------------------------------------------------------ */
/* Registry                                                                 */

typedef struct tdmF_Registry tdmF_Registry;

/* Names of the ordinary identifier space. */
typedef enum tdmF_NameKind {
    TDMF_N_TYPEDEF = 1, TDMF_N_FUNC, TDMF_N_VAR, TDMF_N_CONST
} tdmF_NameKind;

typedef struct tdmF_Name {
    char *key;                  /* owns: the identifier */
    int kind;                   /* tdmF_NameKind */
    const tdmF_Type *type;      /* borrowed: typedef target, function or variable
                                   type, or the constant's type */
    int64_t value;              /* TDMF_N_CONST */
    char *sym;                  /* owns: TDMF_N_FUNC/VAR: the symbol to look up
                                   (asm("sym") redirect), or NULL for key */
    uint32_t seq;               /* order of declaration */
    const tdmF_Type *owner;     /* borrowed: the enum type of an enumerator, or NULL */
    uint8_t flags;              /* TDMF_NF_* */
} tdmF_Name;
/* tdmF_Name.flags */
#define TDMF_NF_BUILTIN 0x01    /* a standard name (int32_t, bool, FILE): a user's
                                   declaration of the same name replaces it (cffi) */
#define TDMF_NF_NOVALUE 0x02    /* CONST whose value ABI mode cannot know: a non-integer
                                   static const, an enumerator of `enum e { A, ... }` */

/* New empty registry (base types and standard typedefs only); NULL when out
   of memory. Standalone: usable without a runtime (unit tests). */
TDMI_FUNC tdmF_Registry *tdmF_registry_new(void);
/* Free the registry, every type, library and callback trampoline. Matches
   tdm_Runtime.ffi_free. Cdata objects must be released before. */
TDMI_FUNC void tdmF_registry_free(void *reg);

TDMI_FUNC const tdmF_Type *tdmF_base(const tdmF_Registry *R, tdmF_BaseId id);
/* Interned derived types; NULL when out of memory (err filled). */
TDMI_FUNC const tdmF_Type *tdmF_ptr(tdmF_Registry *R, const tdmF_Type *to,
                                    tdmF_Err *err);
TDMI_FUNC const tdmF_Type *tdmF_array(tdmF_Registry *R, const tdmF_Type *elem,
                                      int64_t length, tdmF_Err *err);
/* A function type; `nfixed` < 0 for an ordinary signature, else the number
   of fixed parameters of a concrete variadic call signature. */
TDMI_FUNC const tdmF_Type *tdmF_func(tdmF_Registry *R, const tdmF_Type *ret,
                                     const tdmF_Type *const *params, int n,
                                     int variadic, int nfixed, tdmF_Err *err);
/* GCC's vector of `elem` (an integer or floating type) of `size` bytes (a
   power of two, a multiple of elem's size): an array type flagged
   TDMF_VECTOR, size and alignment `size` (interned). */
TDMI_FUNC const tdmF_Type *tdmF_vector(tdmF_Registry *R, const tdmF_Type *elem,
                                       int64_t size, tdmF_Err *err);
/* A typedef's __attribute__((aligned(n))) on a scalar, enum, pointer, struct,
   union or array type t: the same type with alignment n (gcc: a typedef may
   raise or lower it; the size stays t's), one per (t, n), flagged
   TDMF_OVERALIGNED. A struct or union variant borrows t's fields (also when t
   is completed later: tdmF_variants_sync). Function, void and vector types
   are refused. */
TDMI_FUNC const tdmF_Type *tdmF_aligned_variant(tdmF_Registry *R, const tdmF_Type *t,
                                                int64_t n, tdmF_Err *err);
/* Copy t's layout (size, fields, flags) to its aligned variants, after t was
   completed or aligned. */
TDMI_FUNC void tdmF_variants_sync(tdmF_Registry *R, const tdmF_Type *t);
/* __attribute__((aligned(n))) on a completed struct or union: its
   alignment at least n, its size rounded up to it (gcc). */
TDMI_FUNC int tdmF_align_aggregate(tdmF_Registry *R, tdmF_Type *t, int64_t n,
                                   tdmF_Err *err);
/* A new, incomplete struct/union/enum (nominal; not registered by tag). */
TDMI_FUNC tdmF_Type *tdmF_aggregate(tdmF_Registry *R, int kind, const char *tag,
                                    tdmF_Err *err);
/* Lay out `fields` (ownership of the array and names moves to t on success;
   on failure the caller keeps them) and mark t complete. */
TDMI_FUNC int tdmF_complete(tdmF_Registry *R, tdmF_Type *t, tdmF_Field *fields,
                            int n, tdmF_Err *err);

/* Ordinary identifiers. Lookup: NULL when absent. Define: identical
   redeclaration is fine, a different one is an error naming both. */
TDMI_FUNC const tdmF_Name *tdmF_lookup(const tdmF_Registry *R, const char *name);
/* Call fn for every declared name / every struct, union and enum tag (in no
   particular order) until it returns nonzero (then -1). */
TDMI_FUNC int tdmF_names_each(const tdmF_Registry *R,
                              int (*fn)(void *ud, const tdmF_Name *n), void *ud);
/* Add TDMF_NF_* flags to a declared name (no effect when absent). */
TDMI_FUNC void tdmF_name_set_flags(tdmF_Registry *R, const char *name, int flags);
/* Record the enum type an enumerator belongs to (the first one kept). */
TDMI_FUNC void tdmF_name_set_owner(tdmF_Registry *R, const char *name,
                                   const tdmF_Type *owner);
/* The first-declared enumerator of enum type t with this value, or NULL
   (borrowed: valid while the registry is). */
TDMI_FUNC const char *tdmF_enum_name(const tdmF_Registry *R, const tdmF_Type *t,
                                     int64_t value);
TDMI_FUNC int tdmF_tags_each(const tdmF_Registry *R,
                             int (*fn)(void *ud, const tdmF_Type *t), void *ud);
TDMI_FUNC int tdmF_define(tdmF_Registry *R, const char *name, int kind,
                          const tdmF_Type *type, int64_t value, tdmF_Err *err);
/* Redirect the declared function or variable `name` to symbol `sym`
   (`int my_abs(int) asm("abs");`); a second, different redirect is an
   error naming both. */
TDMI_FUNC int tdmF_set_symbol(tdmF_Registry *R, const char *name, const char *sym,
                              tdmF_Err *err);
/* Tags: `kind` is TDMF_STRUCT, TDMF_UNION or TDMF_ENUM. */
TDMI_FUNC tdmF_Type *tdmF_tag_lookup(const tdmF_Registry *R, int kind,
                                     const char *tag);
TDMI_FUNC int tdmF_tag_define(tdmF_Registry *R, tdmF_Type *t, tdmF_Err *err);

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */

/* C spelling of a type ("int *", "int[4]", "int(*)(int, int)"), truncated
   to fit; returns buf. */
TDMI_FUNC const char *tdmF_typename(const tdmF_Type *t, char *buf, size_t n);
/* The same with a declarator name inside ("int f(int)", "char *names[4]"). */
TDMI_FUNC const char *tdmF_declname(const tdmF_Type *t, const char *name, char *buf,
                                    size_t n);
/* The same as cffi spells types: `int * *`, `int(* *)(int)`, `int[]`. A
   name starting with TDMF_SPELL_MARK gets no space before it (cffi's
   getctype template: "int *\x01", "int\x01[5]"). */
#define TDMF_SPELL_MARK '\x01'
TDMI_FUNC const char *tdmF_cffi_typename(const tdmF_Type *t, char *buf, size_t n);
TDMI_FUNC const char *tdmF_cffi_declname(const tdmF_Type *t, const char *name, char *buf,
                                         size_t n);
/* A floating value of type st (float, double or long double: size 4, 8, 16)
   read from / written to memory; long double goes through its real type,
   so a value is rounded once to double on the way out, never misread. */
static inline double tdmF_load_float(const tdmF_Type *st, const void *src)
{
    return st->size == 4 ? (double)*(const float *)src
         : st->size == 8 ? *(const double *)src : (double)*(const long double *)src;
}
static inline void tdmF_store_float(const tdmF_Type *st, void *dst, double d)
{
    if (st->size == 4) {
        *(float *)dst = (float)d;
    } else if (st->size == 8) {
        *(double *)dst = d;
    } else {
        *(long double *)dst = (long double)d;
    }
}
/* Enums act as their integer type: the scalar type to convert through. */
static inline const tdmF_Type *tdmF_scalar(const tdmF_Type *t)
{
    return t->kind == TDMF_ENUM ? t->base : t;
}
static inline int tdmF_is_int(const tdmF_Type *t)
{
    return t->kind == TDMF_INT || t->kind == TDMF_ENUM;
}
/* Pointers, arrays and functions (which decay to pointers). */
static inline int tdmF_is_ptrlike(const tdmF_Type *t)
{
    return t->kind == TDMF_PTR || t->kind == TDMF_ARRAY || t->kind == TDMF_FUNC;
}
/* Size usable for a value of this type; error for incomplete types, void,
   functions and variable arrays (`what` names the operation). */
TDMI_FUNC int tdmF_sized(const tdmF_Type *t, const char *what, tdmF_Err *err);
/* Find a field by name, searching anonymous members; adds the member's
   offset into *offset (start at 0). NULL when absent. */
TDMI_FUNC const tdmF_Field *tdmF_field_find(const tdmF_Type *t, const char *name,
                                            size_t *offset);

/* The libffi descriptor for passing t by value; NULL with err for types
   libffi cannot pass (unions, bitfield structs, arrays, incomplete). */
TDMI_FUNC ffi_type *tdmF_ffitype(tdmF_Registry *R, const tdmF_Type *t,
                                 tdmF_Err *err);
/* The prepared call interface of a function type (prepared on first use,
   kept on the interned type: one per signature per registry). */
TDMI_FUNC ffi_cif *tdmF_cif(tdmF_Registry *R, const tdmF_Type *fn, tdmF_Err *err);

/* ------------------------------------------------------------------------ */
/* Adapter hooks                                                            */

/* An initializer list: positional values, or values by field name. */
typedef struct tdmF_Init {
    size_t n;
    const tdm_Value *vals;      /* borrowed: valid until hooks->done */
    const char *const *names;   /* borrowed: field names, or NULL (positional) */
} tdmF_Init;

/*
 * What the core cannot do alone with objects of an adapter's language:
 * expand a list/table/dict used as an aggregate initializer, and release a
 * value it was handed ownership of (a callback result, an error object).
 * Registered per language; every hook may be NULL.
 */
typedef struct tdmF_Hooks {
    void *ud;                   /* borrowed: adapter state, outlives the registry use */
    /* TDM_OK and *out filled, or an error status with err filled (e.g. the
       object is not a sequence). */
    int (*expand)(void *ud, const tdm_Value *v, tdmF_Init *out, tdmF_Err *err);
    void (*done)(void *ud, tdmF_Init *in);
    void (*release)(void *ud, tdm_Value *v);
} tdmF_Hooks;

/* Install hooks for objects of `lang` (copied). */
TDMI_FUNC void tdmF_set_hooks(tdmF_Registry *R, tdm_LangId lang, const tdmF_Hooks *h);
TDMI_FUNC const tdmF_Hooks *tdmF_hooks(const tdmF_Registry *R, int lang);
/* Free what an error record owns (message, traceback, error object). */
TDMI_FUNC void tdmF_error_clear(tdmF_Registry *R, tdmS_Error *e);
TDMI_FUNC void tdmF_err_clear(tdmF_Registry *R, tdmF_Err *e);

/*
 * Native calls made by the holder of the runtime lock, seen from other
 * threads (ccallback.h: tdmF_busy_*). While the holder is inside C it cannot
 * release the lock, so a callback arriving on another thread must not wait
 * for it (the C code may be waiting for that thread: pthread_join).
 */
typedef struct tdmF_Busy {
    int native;                 /* native calls in progress made while holding the
                                   runtime lock (changed by the holder, read by any
                                   thread; __atomic) */
    char *refused;              /* owns: message of a callback refused on another
                                   thread during such a call, for that call to raise
                                   when it returns (set and taken atomically) */
} tdmF_Busy;

/* Internal to ffi/: the registry's extension slots used by other files. */
typedef struct tdmF_Ext {
    void *libs;                 /* owns: list of tdmF_Lib (ccall.c) */
    void *callbacks;            /* owns: list of trampolines (ccallback.c) */
    void (*free_libs)(void *);
    void (*free_callbacks)(void *);
    tdmF_Busy busy;             /* ccallback.c */
} tdmF_Ext;
TDMI_FUNC tdmF_Ext *tdmF_ext(tdmF_Registry *R);

#endif /* TDM_FFI_CTYPES_H */
