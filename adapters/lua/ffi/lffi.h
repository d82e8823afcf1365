/*
 * lffi.h — internal interface of the Lua ffi binding (`require "tandem.ffi"`).
 *
 * The binding exposes ffi/ with LuaJIT's conventions: cdata are full
 * userdata (lcdata.c), Lua functions become C function pointers through
 * libffi closures (lcallback.c), and the module table (lffi.c) holds cdef,
 * new, cast, typeof, the C namespace and the rest. All of it runs in the
 * Lua zone with the runtime lock held (a lua_CFunction, or a callback that
 * entered the runtime), converts Lua values to neutral values and calls the
 * core; errors are raised only after the core returned.
 */
#ifndef TDM_LFFI_H
#define TDM_LFFI_H

#include <string.h>
#include "ladapter.h"
#include "ccall.h"
#include "ccallback.h"
#include "cparse.h"
#include "clang.h"

typedef struct tdmL_CbCall tdmL_CbCall;

/* Per Lua state binding state: a full userdata anchored in the registry
   (freed by Lua when the state closes; its __gc uninstalls the hooks). */
typedef struct tdmL_Ffi {
    tdm_Runtime *rt;            /* borrowed: outlives the Lua state */
    tdmL_State *st;             /* borrowed: the adapter state of this state */
    tdmF_Registry *R;           /* borrowed: rt->ffi, freed with rt */
    lua_State *L;               /* borrowed: the thread whose native call is
                                   running (callbacks and table expansion use
                                   its stack), or NULL */
    tdmL_CbCall *cb;            /* borrowed: innermost Lua callback running
                                   (lives on the C stack of lcallback.c) */
    const void *cdmeta;         /* identity of the cdata metatable */
    const void *ctmeta;         /* identity of the ctype metatable */
    tdmF_Busy *busy;            /* borrowed: tdmF_busy(R), counts our native calls */
    int nmeta;                  /* ffi.metatype calls so far (0: skip the lookups) */
} tdmL_Ffi;

/* The fast call path: at most this many scalar parameters. */
#define TDML_FASTMAX 8
/* General paths: this many arguments or initializers without allocation. */
#define TDML_SMALLARGS 16

/* How the fast path converts a scalar (see lcall.c). */
enum {
    TDML_K_OTHER = 0, TDML_K_VOID, TDML_K_I8, TDML_K_U8, TDML_K_I16, TDML_K_U16,
    TDML_K_I32, TDML_K_U32, TDML_K_I64, TDML_K_U64, TDML_K_PTR, TDML_K_FLOAT, TDML_K_DOUBLE
};

/* A cdata in Lua. The header makes tdmL_toforeign/tdmL_tovalue see it as a
   TDM_LANG_C object, so it crosses to Python as itself. The rest is the
   call cache of a function cdata, filled on its first call. */
typedef struct tdmL_CData {
    tdmL_Foreign h;             /* h.handle: the tdmF_CData (owns one reference,
                                   dropped in __gc); h.lang = TDM_LANG_C */
    tdmL_Ffi *b;                /* borrowed: binding state (outlives every cdata
                                   userdata of its state); set with the cache */
    const tdmF_Type *fn;        /* call cache: function type (fast path) */
    ffi_cif *cif;               /* borrowed: prepared interface kept on fn */
    int8_t fast;                /* 0: not yet looked at, 1: fast path, -1: general */
    uint8_t direct;             /* integer-class signature: called without libffi */
    uint8_t indirect;           /* a function pointer: code is *addr, not addr */
    uint8_t nparams;            /* fn->nparams */
    uint8_t rcode;              /* TDML_K_* of the result */
    uint8_t pcode[TDML_FASTMAX];    /* TDML_K_* of each parameter */
    size_t charged;             /* bytes of ffi.new memory counted in the state's
                                   used memory (max_memory); given back in __gc */
} tdmL_CData;


/* tdmF_ctx_push/pop, inline: only the status of the record is cleared (the
   engine overwrites the whole record when it parks the first error). */
static inline void tdmL_ctx_push(tdmF_CallCtx *c)
{
    c->err.status = TDM_OK;
    c->prev = tdmF_tls_ctx;
    tdmF_tls_ctx = c;
}

static inline void tdmL_ctx_pop(tdmF_CallCtx *c)
{
    tdmF_tls_ctx = c->prev;
}

/* A ctype object (ffi.typeof): one userdata per type and state. */
typedef struct tdmL_CType {
    const tdmF_Type *t;         /* borrowed: interned in the registry */
} tdmL_CType;

/* lcdata.c */
/* The binding state of L, created (with the runtime's registry) on first
   use. [-0, +0, m] */
TDMI_FUNC tdmL_Ffi *tdmL_ffi(lua_State *L, tdmL_State *st);
/* The binding state of L if it exists, else NULL (needs 1 stack slot). [-0, +0, -] */
TDMI_FUNC tdmL_Ffi *tdmL_ffi_peek(lua_State *L);
/* Push a new userdata for cd; steals one reference. [-0, +1, m] */
TDMI_FUNC void tdmL_cd_push(lua_State *L, tdmL_Ffi *b, tdmF_CData *cd);
/* The cdata userdata at idx, or NULL. [-0, +0, -] */
TDMI_FUNC tdmL_CData *tdmL_cd_test(lua_State *L, tdmL_Ffi *b, int idx);
/* Raise for the value at idx, which is not a live cdata. [-0, +0, v] */
TDMI_FUNC int tdmL_not_cdata(lua_State *L, tdmL_Ffi *b, int idx);
/* Lua value -> neutral for the core: borrowed (strings, cdata, tables stay
   on the stack); a table is {TDM_OBJ, TDM_LANG_LUA, u.obj NULL, aux = its
   absolute stack index}, which the expand hook reads. [-0, +0, -] */
TDMI_FUNC void tdmL_ffi_tovalue(lua_State *L, tdmL_Ffi *b, int idx, tdm_Value *v);
/* tdmL_ffi_tovalue for a value going to C type t (NULL: a variadic
   argument) with LuaJIT's extra conversions to pointers: a light userdata,
   an io file (its FILE *) or another plain full userdata (its payload), a
   pointer or array to integers of another signedness, and with copystr
   (cast, new) a string, copied into memory the new pointer keeps alive.
   Those push the converted cdata, which must stay on the stack while v is
   used. [-0, +(0|1), m] */
TDMI_FUNC void tdmL_ffi_tovalue_to(lua_State *L, tdmL_Ffi *b, int idx, const tdmF_Type *t,
                                   int copystr, tdm_Value *v);
/* Neutral -> Lua; a cdata value: steals it when TDM_VF_OWNED (flag
   cleared), else takes a new reference. [-0, +1, m] */
TDMI_FUNC void tdmL_ffi_push(lua_State *L, tdmL_Ffi *b, tdm_Value *v);
/* Expand the table at v->aux into an initializer list (the values stay
   pushed on L until tdmL_ffi_done). */
TDMI_FUNC int tdmL_ffi_expand(void *ud, const tdm_Value *v, tdmF_Init *out, tdmF_Err *err);
TDMI_FUNC void tdmL_ffi_done(void *ud, tdmF_Init *in);
/* Raise a core error (a parked callback error re-raises its value). */
TDMI_FUNC int tdmL_ffi_raise(lua_State *L, tdmL_Ffi *b, tdmF_Err *err);
/* Resolve a C type argument: a type string, a ctype or a cdata. [-0, +0, v] */
/* Raise LuaJIT's error for a type larger than 0x7fffffff bytes. */
TDMI_FUNC void tdmL_ffi_checksize(lua_State *L, const tdmF_Type *t);
TDMI_FUNC const tdmF_Type *tdmL_ffi_checktype(lua_State *L, tdmL_Ffi *b, int idx,
                                              const char *what);
/* new(t, nelem, init values at [first, top]) -> pushes the cdata. [-0, +1, v] */
TDMI_FUNC int tdmL_ffi_new(lua_State *L, tdmL_Ffi *b, const tdmF_Type *t, int first);

/* Push the ctype object of t (one per type and state). [-0, +1, m] */
TDMI_FUNC void tdmL_ct_push(lua_State *L, tdmL_Ffi *b, const tdmF_Type *t);

/* A count or length argument: an integer, an integral float or an integer
   cdata (LuaJIT). [-0, +0, v] */
TDMI_FUNC lua_Integer tdmL_checkcount(lua_State *L, tdmL_Ffi *b, int idx);
/* Could the value at idx be a count (a number or an integer cdata)? [-0, +0, -] */
TDMI_FUNC int tdmL_iscount(lua_State *L, tdmL_Ffi *b, int idx);
/* Is the value at idx a cdata userdata whose __gc ran? [-0, +0, -] */
TDMI_FUNC int tdmL_cd_finalized(lua_State *L, tdmL_Ffi *b, int idx);

/* larith.c */
/* Push the metamethod `event` of the ffi.metatype of t (through a pointer:
   of the pointed-to struct) and return 1; else push nothing, return 0.
   [-0, +(0|1), m] */
TDMI_FUNC int tdmL_meta_get(lua_State *L, tdmL_Ffi *b, const tdmF_Type *t, const char *event);
/* ffi.metatype(ct, mt); upvalue 1: the binding state. */
TDMI_FUNC int tdmL_metatype(lua_State *L);
/* The arithmetic (TDM_AR_*) and comparison (TDM_CMP_*) metamethods of
   cdata with LuaJIT's rules; upvalue 1: the binding state. [-0, +1, e] */
TDMI_FUNC int tdmL_arith(lua_State *L, int op);
TDMI_FUNC int tdmL_compare(lua_State *L, int op);

/* lcall.c */
/* __call of a function cdata (upvalue 1 = binding state): the fast path for
   scalar signatures, else the general path. */
TDMI_FUNC int tdmL_cd_call(lua_State *L);

/* The function type a cdata of type t calls (a function or a pointer to
   one), or NULL. */
static inline const tdmF_Type *tdmL_func_type(const tdmF_Type *t)
{
    if (t->kind == TDMF_FUNC) {
        return t;
    }
    if (t->kind == TDMF_PTR && t->base->kind == TDMF_FUNC) {
        return t->base;
    }
    return NULL;
}

/* lcallback.c */
/* Push a callback cdata of function(-pointer) type t calling the Lua
   function at fnidx. [-0, +1, v] */
TDMI_FUNC void tdmL_cb_push(lua_State *L, tdmL_Ffi *b, const tdmF_Type *t, int fnidx);
/* Raise an error parked by a callback during a native call (frees it). */
TDMI_FUNC int tdmL_cb_raise(lua_State *L, tdmL_Ffi *b, tdmS_Error *e);
/* Raise the refusal of a callback that another thread made during the
   native call that just returned (tdmF_busy_take). [-0, +1, v] */
TDMI_FUNC int tdmL_cb_raise_refused(lua_State *L, tdmL_Ffi *b);
/* cb:free() and cb:set(fn); upvalue 1: the binding state. */
TDMI_FUNC int tdmL_cb_free(lua_State *L);
TDMI_FUNC int tdmL_cb_set(lua_State *L);

#endif /* TDM_LFFI_H */
