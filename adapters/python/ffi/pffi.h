/*
 * pffi.h — the Python binding of the ffi core: cffi's ABI-mode API.
 *
 *   pffi_module.c    the FFI type (cdef, new, cast, typeof, ...), the _ffi state
 *                    module, runtime selection and the lock
 *   pffi_lib.c       the Lib type of dlopen
 *   pffi_memory.c    string, unpack, buffer, from_buffer, memmove, addressof
 *   pffi_cdata.c     the CData type: indexing, fields, arithmetic, repr
 *   pffi_call.c      calls of function cdata (vectorcall, no allocation)
 *   pffi_conv.c      Python objects <-> C memory / neutral values, errors
 *   pffi_ctype.c     the CType type and the buffer type (ffi.buffer)
 *   pffi_callback.c  ffi.callback, ffi.gc, new_handle/from_handle, from_buffer
 *
 * State. The binding's types and exceptions live in the module state of a
 * small module object of its own ("tandem._ffi", created by tdmP_ffi_exec and
 * kept as the attribute `_ffi` of tandem._tandem); the types are created with
 * it as their module, so PyType_GetModuleState(Py_TYPE(obj)) reaches the state
 * from any instance without globals.
 *
 * Runtimes and locks. Every FFI, CType and CData object holds one tdmR
 * reference to the runtime whose registry (rt->ffi) its types live in. The
 * registry and cdata reference counts are guarded by the runtime lock; Python
 * code takes it with tdmP_ffi_lock (trylock first; the GIL is released only
 * when it must block) and never blocks on it while holding the GIL. A CData
 * whose last reference is dropped without the lock queues the release
 * (tdmR_defer, drained on the next lock). Native calls do not take the lock
 * (argument conversion reads only immutable types) and release the GIL.
 */
#ifndef TDM_PFFI_H
#define TDM_PFFI_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "runtime.h"
#include "ctypes.h"
#include "cparse.h"
#include "cdata.h"
#include "ccall.h"
#include "ccallback.h"
#include "clang.h"

/* Module state of tandem._ffi. */
typedef struct tdmP_FFIState {
    PyTypeObject *ffi_type;
    PyTypeObject *cdata_type;
    PyTypeObject *ctype_type;
    PyTypeObject *buffer_type;
    PyTypeObject *lib_type;
    PyObject *FFIError;         /* strong: ffi.error, base of the others */
    PyObject *CDefError;        /* strong */
    PyObject *ValueError;       /* strong: tandem.FFIValueError, a subclass of both
                                   ffi.error and ValueError (cffi0 raises ValueError where
                                   cffi1 raises ffi.error for the same mistakes) */
    PyObject *handles;          /* strong dict: address -> object (new_handle) */
    PyObject *ctypes;           /* strong dict: type address -> weakref to its CType */
    PyTypeObject *runtime_type; /* strong: tandem.LuaRuntime */
    PyObject *shared;           /* strong dict: cffi spelling -> weakref to the CType that
                                   every registry shares for a type built only from base
                                   types (cffi's global type cache) */
} tdmP_FFIState;

/* tandem.FFI */
typedef struct tdmP_FFI {
    PyObject_HEAD
    tdm_Runtime *rt;            /* owns one tdmR reference */
    tdmF_Registry *R;           /* borrowed: rt->ffi, alive while rt is */
    PyObject *types;            /* strong dict: type address -> CType */
    PyObject *parsed;           /* strong dict: type string -> its type's address (int) */
    PyObject *null;             /* strong: ffi.NULL */
    PyObject *runtime;          /* strong: the LuaRuntime given, or NULL */
    PyObject *sources;          /* strong list: (source, packed, pack) of every cdef and
                                   include, replayed by include(); or NULL */
    PyObject *libs;             /* strong list: the Libs of dlopen (kept alive as cffi
                                   keeps them), or NULL */
    PyObject *dict;             /* strong: instance attributes (ffi.C = ...), or NULL */
    PyObject *weakreflist;
} tdmP_FFI;

/* CData flags (tdmP_CData.pflags) */
#define TDMP_CD_OWNING  0x01    /* made by new(): repr says "owning N bytes" */
#define TDMP_CD_HANDLE  0x02    /* new_handle */
#define TDMP_CD_BUFFER  0x04    /* from_buffer */
#define TDMP_CD_SLICE   0x08    /* p[a:b] */

typedef struct tdmP_CData {
    PyObject_HEAD
    tdmF_CData *cd;             /* owns one reference (released by tdmP_cd_release) */
    tdm_Runtime *rt;            /* owns one tdmR reference */
    vectorcallfunc vectorcall;  /* calls of function cdata */
    int pflags;                 /* TDMP_CD_* */
    void *extra;                /* borrowed: callback binding / finalizer record of
                                   the cdata this wrapper created (for GC traversal),
                                   valid while cd->refs counts this wrapper */
    PyObject *weakreflist;
} tdmP_CData;

typedef struct tdmP_CType {
    PyObject_HEAD
    const tdmF_Type *type;      /* borrowed: interned in rt->ffi */
    tdm_Runtime *rt;            /* owns one tdmR reference */
    PyObject *item;             /* strong: the CType of a pointer's or array's item (kept
                                   alive by it, as in cffi), or NULL */
    PyObject *weakreflist;
} tdmP_CType;

/* Is t built only from base types (pointers, arrays, functions of them)? Such
   a type means the same in every registry: its CType is shared (pffi_ctype.c). */
TDMI_FUNC int tdmP_ctype_shareable(const tdmF_Type *t);

/* ---- pffi_module.c ------------------------------------------------------ */
/* Module exec of tandem._tandem calls this: creates tandem._ffi and adds FFI,
   CData, CType, FFIError, CDefError to m. 0, or -1 raised. */
TDMI_FUNC int tdmP_ffi_exec(PyObject *m);
/* State of the _ffi module of tandem._tandem `m` (borrowed), NULL raised. */
TDMI_FUNC tdmP_FFIState *tdmP_ffi_state_of(PyObject *m);
/* The module definition of tandem._ffi (pffi_module.c). */
extern PyModuleDef tdmP_ffi_def;
/* State of the binding from any of its objects, also an instance of a
   Python subclass of FFI (its type has no module: the MRO is searched). */
static inline tdmP_FFIState *tdmP_ffi_state_of_type(PyTypeObject *tp)
{
    if (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) {
        PyObject *m = ((PyHeapTypeObject *)tp)->ht_module;
        if (m != NULL) {
            return (tdmP_FFIState *)PyModule_GetState(m);
        }
    }
    return (tdmP_FFIState *)PyModule_GetState(PyType_GetModuleByDef(tp, &tdmP_ffi_def));
}
static inline tdmP_FFIState *tdmP_ffi_state(PyObject *obj)
{
    return tdmP_ffi_state_of_type(Py_TYPE(obj));
}
/* Take rt's lock from Python (GIL held). 0, or -1 raised. Drains the queued
   cdata releases. */
TDMI_FUNC int tdmP_ffi_lock(tdm_Runtime *rt);
/* An FFI object for rt (a new reference); attaches the C language if needed. */
TDMI_FUNC PyObject *tdmP_ffi_for_runtime(PyObject *tandem_module, tdm_Runtime *rt);

/* The type named by a str (parsed once per FFI), a CType, or (cdata_ok) the
   type of a cdata. Borrowed (interned); NULL raised. */
TDMI_FUNC const tdmF_Type *tdmP_ffi_get_type(tdmP_FFI *f, PyObject *ct, const char *what,
                                             int cdata_ok);

/* ---- pffi_lib.c --------------------------------------------------------- */
TDMI_FUNC int tdmP_lib_init_type(PyObject *fm, tdmP_FFIState *fs);
TDMI_FUNC PyObject *tdmP_ffi_dlopen(PyObject *self, PyObject *args);
TDMI_FUNC PyObject *tdmP_ffi_dlclose(PyObject *self, PyObject *lib);
/* lib.name as a cdata: the function, or the reference cdata of a variable
   (*isvar). New reference or NULL raised (AttributeError). */
TDMI_FUNC PyObject *tdmP_lib_symbol(PyObject *lib, PyObject *name, int *isvar);

/* ---- pffi_memory.c: FFI methods (self is the FFI) ------------------------ */
/* The name of the enumerator of enum type t with the Python int value: a new
   str, or NULL (with an exception set only on a real error). */
/* Character types read as str (cffi): wchar_t, char16_t (UTF-16 code units),
   char32_t. The unit size in bytes (2 or 4), or 0 for any other type. */
static inline int tdmP_unichar(const tdmF_Type *t)
{
    return t->kind == TDMF_INT && (t->flags & TDMF_UNICHAR) ? (int)t->size : 0;
}
/* Code units a str takes as an array of `unit`-byte characters (UTF-16:
   a character past U+FFFF takes two, a surrogate pair). */
TDMI_FUNC Py_ssize_t tdmP_unistr_units(PyObject *s, int unit);
/* Store str s as `unit`-byte characters at dst (room for units() of them). */
TDMI_FUNC void tdmP_unistr_store(PyObject *s, int unit, void *dst);
/* A str of n `unit`-byte characters at src (UTF-16 surrogate pairs joined,
   as cffi; lone surrogates kept). */
TDMI_FUNC PyObject *tdmP_unistr_load(const void *src, int unit, Py_ssize_t n);
/* Fill the object of type t at addr from a Python initializer (nelem: the
   element count of a T[?], or of the array ending a struct); new's and a
   library's unsized array variable's (pffi_module.c). */
TDMI_FUNC int tdmP_ffi_fill(tdmP_FFI *f, const tdmF_Type *t, void *addr, int64_t nelem,
                            PyObject *init, tdmF_Err *err);
TDMI_FUNC PyObject *tdmP_enum_name(tdm_Runtime *rt, const tdmF_Type *t, PyObject *value);
TDMI_FUNC PyObject *tdmP_ffi_string(PyObject *self, PyObject *args, PyObject *kw);
TDMI_FUNC PyObject *tdmP_ffi_unpack(PyObject *self, PyObject *args);
TDMI_FUNC PyObject *tdmP_ffi_from_buffer(PyObject *self, PyObject *args, PyObject *kw);
TDMI_FUNC PyObject *tdmP_ffi_memmove(PyObject *self, PyObject *args, PyObject *kw);
TDMI_FUNC PyObject *tdmP_ffi_addressof(PyObject *self, PyObject *args);

/* ---- pffi_cdata.c ------------------------------------------------------- */
TDMI_FUNC int tdmP_cdata_init_type(PyObject *fm, tdmP_FFIState *fs);
/* Wrap cd (steals the reference, also on error) into a CData of runtime rt
   (takes a tdmR reference). New reference or NULL. */
TDMI_FUNC PyObject *tdmP_cd_new(tdmP_FFIState *fs, tdm_Runtime *rt, tdmF_CData *cd,
                                int pflags);
/* Drop one cdata reference from Python: without the lock when it is the last
   and frees nothing shared, else under the lock, else queued. */
TDMI_FUNC void tdmP_cd_release(tdm_Runtime *rt, tdmF_CData *cd);
/* Any CData of any interpreter's module copy (dealloc identity). */
TDMI_FUNC int tdmP_is_cdata(PyObject *o);

/* ---- the value converter hooks (wired by pconvert.c) --------------------- */
/* A TDM_OBJ value of lang TDM_LANG_C arriving in Python (runtime lock held):
   steals the reference when TDM_VF_OWNED (clears the flag), else takes one.
   `tandem_module`: tandem._tandem. New reference or NULL raised. */
TDMI_FUNC PyObject *tdmP_cdata_wrap(PyObject *tandem_module, tdm_Runtime *rt, tdm_Value *v);
/* A Python CData going to another language: v = {TDM_OBJ, TDM_LANG_C,
   TDM_VF_OWNED, cd} with a new reference. 1 done, 0 not a CData, -1 raised
   (a cdata of another runtime). */
TDMI_FUNC int tdmP_cdata_unwrap(PyObject *o, tdm_Runtime *rt, tdm_Value *v);
/* The same without a reference (flags 0), for results the caller pins (the
   ownership rule for results of another language). 1, 0 or -1 as above. */
TDMI_FUNC int tdmP_cdata_borrow(PyObject *o, tdm_Runtime *rt, tdm_Value *v);

/* ---- pffi_call.c -------------------------------------------------------- */
TDMI_FUNC PyObject *tdmP_cd_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                                       PyObject *kw);

/* ---- pffi_conv.c -------------------------------------------------------- */
/* Python object -> C object of type t at dst (t's size), range-checked.
   ctx: TDMF_CV_ARG (bytes may be pointed to) or TDMF_CV_STORE. TDM_OK or an
   error in err (no Python exception set, except when a hook raised one:
   then err->status is TDM_ERRRUN and the Python error is pending). */
TDMI_FUNC int tdmP_ffi_to_c(tdmF_Registry *R, const tdmF_Type *t, PyObject *o, void *dst,
                            int ctx, tdmF_Err *err);
/* C object of type t at src -> Python (char -> bytes of length 1, _Bool ->
   bool, wchar_t -> str, integers/floats -> int/float, others -> CData; an
   aggregate is a reference kept alive by `keep` when keep is given — then
   the runtime lock must be held). New reference or NULL raised. */
TDMI_FUNC PyObject *tdmP_ffi_from_c(tdmP_FFIState *fs, tdm_Runtime *rt, const tdmF_Type *t,
                                    const void *src, tdmF_CData *keep);
/* Neutral value -> Python for type t (callback arguments: cdata arrive as
   independent copies). New reference or NULL raised. */
TDMI_FUNC PyObject *tdmP_ffi_from_value(tdmP_FFIState *fs, tdm_Runtime *rt,
                                        const tdmF_Type *t, const tdm_Value *v);
/* Python -> neutral value without a target type (borrowed: strings point
   into o; cdata and other Python objects are borrowed handles). An int in
   [2^63, 2^64) becomes an owned uint64_t cdata (release with
   tdmF_value_release). 0, or -1 raised. */
TDMI_FUNC int tdmP_ffi_value(tdmF_Registry *R, PyObject *o, tdm_Value *v);
/* Python -> owned neutral value for type t that outlives o (callback
   results): cdata copied, Python objects referenced. 0 or -1 raised. */
TDMI_FUNC int tdmP_ffi_owned_value(tdmF_Registry *R, const tdmF_Type *t, PyObject *o,
                                   tdm_Value *v);
/* Install the Python hooks (expand lists/tuples/dicts, release) on R. */
TDMI_FUNC void tdmP_ffi_hooks(tdmF_Registry *R);
/* The exception class for err, from its kind only (never its wording), in
   one switch: RANGE -> OverflowError, BOUNDS -> IndexError, VALUE ->
   ValueError, NULLPTR -> RuntimeError whatever `deflt` is; else `deflt`
   when given; else MemoryError for TDM_ERRMEM, KEY -> KeyError,
   DECL -> ffi.CDefError, TYPE -> TypeError,
   anything else -> ffi.error. Borrowed reference. */
TDMI_FUNC PyObject *tdmP_ffi_error_class(tdmP_FFIState *fs, const tdmF_Err *err,
                                         PyObject *deflt);
/* Raise err as a Python exception: a parked callback error is re-raised as
   the identical object; else an exception of tdmP_ffi_error_class() with
   err's message. Clears err->cb (lock not needed for Python error objects).
   Returns NULL. */
TDMI_FUNC PyObject *tdmP_ffi_raise(tdmP_FFIState *fs, tdm_Runtime *rt, tdmF_Err *err,
                                   PyObject *deflt);

/* ---- pffi_ctype.c ------------------------------------------------------- */
TDMI_FUNC int tdmP_ctype_init_types(PyObject *fm, tdmP_FFIState *fs);
/* The CType for t (cached in ffi->types when ffi is given). New reference. */
TDMI_FUNC PyObject *tdmP_ctype_new(tdmP_FFIState *fs, tdmP_FFI *ffi, tdm_Runtime *rt,
                                   const tdmF_Type *t);
/* ffi.buffer(cdata[, size]). New reference. */
TDMI_FUNC PyObject *tdmP_buffer_new(tdmP_FFIState *fs, PyObject *cdata, Py_ssize_t size);

/* ---- pffi_callback.c ---------------------------------------------------- */
/* error: the error value, or NULL when not given; error or onerror given
   selects cffi's reporting (pffi_callback.c). */
TDMI_FUNC PyObject *tdmP_ffi_callback(tdmP_FFI *ffi, const tdmF_Type *t, PyObject *fn,
                                      PyObject *error, PyObject *onerror);
TDMI_FUNC PyObject *tdmP_ffi_gc(tdmP_FFI *ffi, PyObject *cdata, PyObject *dtor,
                                Py_ssize_t size);
TDMI_FUNC PyObject *tdmP_ffi_new_handle(tdmP_FFI *ffi, PyObject *obj);
TDMI_FUNC PyObject *tdmP_ffi_from_handle(tdmP_FFI *ffi, PyObject *p);
TDMI_FUNC PyObject *tdmP_cd_from_buffer(tdmP_FFI *ffi, const tdmF_Type *t, PyObject *obj);
/* GC support for a CData whose cdata holds Python objects. */
TDMI_FUNC int tdmP_cd_traverse_extra(tdmP_CData *c, visitproc visit, void *arg);
TDMI_FUNC void tdmP_cd_clear_extra(tdmP_CData *c);
/* The wrapper is going away (called before its cdata reference is released). */
TDMI_FUNC void tdmP_cd_drop_extra(tdmP_CData *c);
/* repr detail for callbacks/handles/buffers ("calling <function f>"). New
   reference str or NULL (no detail, no error). */
TDMI_FUNC PyObject *tdmP_cd_repr_extra(tdmP_CData *c);

#endif /* TDM_PFFI_H */
