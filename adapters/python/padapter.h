/*
 * padapter.h — internal interface of the Python adapter.
 *
 * The Python adapter translates between CPython and the neutral model:
 * PyObject <-> tdm_Value (pconvert.c), crossings started from Python
 * (pcall.c), operations on Python objects requested by another language
 * (pops.c), Lua objects seen from Python as proxies (pproxy.c, pcoro.c), the
 * LuaRuntime type (pruntime.c), Lua errors as Python exceptions with the Lua
 * frames as traceback entries (perror.c), the module (pmodule.c) and starting
 * CPython inside a Lua host (pboot.c). It never includes lua.h and never calls
 * the Lua API: everything Lua goes through tdmL_lang.
 *
 * Locks. Lua runs under the runtime lock, Python under the GIL. The order is
 * always "runtime lock, then GIL": a thread holding the GIL releases it before
 * it blocks on the runtime lock, so the two never deadlock.
 */
#ifndef TDM_PADAPTER_H
#define TDM_PADAPTER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "runtime.h"
#include "boot.h"
#include "value.h"

#define TDMP_STRCACHE 2048      /* Lua string -> Python str cache slots */
#define TDMP_STRCACHE_MAX 512   /* longest string cached (bytes) */

typedef struct tdmP_Module tdmP_Module;
typedef struct tdmP_Runtime tdmP_Runtime;

/* One slot of the string cache: a Lua string identity and its Python str. */
typedef struct tdmP_StrSlot {
    const void *key;            /* weak: the Lua string, compared with content */
    PyObject *obj;              /* strong */
    const char *p;              /* borrowed: obj's UTF-8 (or bytes) buffer, valid
                                   while obj is in the slot */
    size_t n;
} tdmP_StrSlot;

/* Per-runtime Python state; rt->state[TDM_LANG_PYTHON]. Fields marked (GIL)
   are touched only with the GIL held, (lock) only with the runtime lock. */
typedef struct tdmP_State {
    tdm_Runtime *rt;            /* borrowed: rt owns this struct via tdmP_detach */
    tdmP_Module *mod;           /* borrowed: kept alive by `module` */
    PyObject *module;           /* strong: the _tandem module */
    tdmP_Runtime *owner;        /* weak (Python host: the LuaRuntime that opened
                                   rt) or strong (hosted: see owner_strong) */
    int owner_strong;
    /* options (GIL) */
    PyObject *encoding;         /* strong: str, or NULL for bytes */
    PyObject *source_encoding;  /* strong: str */
    int enc_utf8;               /* encoding is UTF-8: fast paths */
    int unpack_returned_tuples;
    PyObject *attribute_filter; /* strong or NULL */
    PyObject *attr_getter;      /* strong or NULL */
    PyObject *attr_setter;      /* strong or NULL */
    PyObject *overflow_handler; /* strong or NULL */
    PyObject *last_method;      /* strong or NULL: the function of the last method
                                   answer (pops.c, op_getmethod), which it pins */
    int pure_call;              /* the crossing being dispatched ran no Python code
                                   of its own (tdmP_mark_pure; p_op clears it) */
    /* identity: Lua object key -> live proxy (GIL; weak, removed in dealloc) */
    tdmI_Set ids;               /* of tdmP_Proxy, keyed by their key */
    /* strings (GIL) */
    tdmP_StrSlot *strcache;     /* owns: TDMP_STRCACHE slots, made by the first
                                   cacheable string (64 KB a runtime that
                                   passes no string does not pay) */
    /* pins: objects kept alive from op() until finish() (lock) */
    PyObject **pins;            /* owns: array, strong refs */
    int npins, cpins;
    PyObject **zombies;         /* owns: array, strong refs dropped at the next
                                   entry into the Python zone (lock) */
    int nzombies, czombies;
    PyObject *chunks;           /* strong dict: chunk name -> source (linecache) */
    PyObject *lastname;         /* the last unremembered "=<lua:N>" name given out */
} tdmP_State;

/* LuaRuntime. */
struct tdmP_Runtime {
    PyObject_HEAD
    tdm_Runtime *rt;            /* owns one tdmR reference */
    tdmP_State *st;             /* borrowed: rt->state[TDM_LANG_PYTHON] */
    int owns_lua;               /* close() closes the Lua state */
    int owns_state;             /* dealloc frees st (a host's wrapper after detach) */
    int closed;
    long long membase;          /* Lua memory in use after set-up (not counted) */
    long long maxmem;           /* max_memory as given (0: none; -1: not given,
                                   so no limit can be set, as lupa) */
    long long b_max;            /* the budget of each call: instructions (0: none) */
    double b_timeout;           /* and seconds (0: none); docs/sandbox.md */
    int sandboxed;              /* made with sandbox= */
    PyObject *state;            /* the Python layer's per-runtime dict (_state),
                                   made on first use; traversed */
    PyObject *weakreflist;
};

/* A Lua object seen from Python (table, function, coroutine, userdata):
   48 bytes (64 with the collector's header) for a table or a userdata, what
   every proxy needs; functions and coroutines extend it. The kind is the
   type (tdmP_kind). */
typedef struct tdmP_Proxy {
    PyObject_HEAD
    tdmP_Runtime *owner;        /* strong */
    void *handle;               /* owns one Lua reference (tdmL_lang.release) */
    const void *key;            /* identity in owner->st->ids */
    PyObject *weakreflist;
} tdmP_Proxy;

/* _LuaFunction: called through vectorcall (tables, userdata and coroutines
   are called through tp_call, rarely) */
typedef struct tdmP_FuncProxy {
    tdmP_Proxy p;
    vectorcallfunc vectorcall;
} tdmP_FuncProxy;

/* _LuaThread */
typedef struct tdmP_CoProxy {
    tdmP_Proxy p;
    PyObject *coargs;           /* strong: arguments of the first resume, or NULL */
    int costate;                /* 0 fresh, 1 started, 2 finished */
} tdmP_CoProxy;

/* Module state. */
struct tdmP_Module {
    PyTypeObject *runtime_type;
    PyTypeObject *object_type;      /* base: _LuaObject */
    PyTypeObject *table_type;
    PyTypeObject *function_type;
    PyTypeObject *thread_type;
    PyTypeObject *userdata_type;
    PyTypeObject *wrapper_type;     /* as_attrgetter / as_itemgetter */
    PyTypeObject *args_type;        /* python.args() result */
    PyTypeObject *nogc_type;
    PyObject *LuaError;
    PyObject *LuaSyntaxError;
    PyObject *LuaMemoryError;
    PyObject *LuaTimeoutError;
    PyObject *helpers;              /* dict: namespace of the traceback helper */
    /* frozensets: the names each proxy type defines itself (methods such
       as keys), given before Lua is asked; index TDM_OBJ_* (thread, table,
       function, userdata; OTHER for the base type) */
    PyObject *own_names[TDM_OBJ_USERDATA + 1];
    uint64_t own_lengths[TDM_OBJ_USERDATA + 1];   /* bit n: a name of n characters
                                                     (bit 63: 63 or more) */
    PyObject *host;                 /* strong: LuaRuntime of the hosting Lua, or NULL */
};

/* The proxy types of the module instance initialised last, by TDM_OBJ_*:
   a quick answer for tdmP_kind (the types of another live instance miss
   and take the module state; a freed instance's cannot match, the last
   instance's replace them before any proxy of theirs exists). */
TDMI_DATA PyTypeObject *tdmP_kind_types[TDM_OBJ_USERDATA + 1];

/* TDM_OBJ_* of a proxy, from its type (the module state through the
   owner, or after a clear through the type). */
static inline int tdmP_kind(PyObject *o)
{
    PyTypeObject *t = Py_TYPE(o);
    if (t == tdmP_kind_types[TDM_OBJ_FUNCTION]) {
        return TDM_OBJ_FUNCTION;
    }
    if (t == tdmP_kind_types[TDM_OBJ_TABLE]) {
        return TDM_OBJ_TABLE;
    }
    tdmP_Runtime *owner = ((tdmP_Proxy *)o)->owner;
    tdmP_Module *ms = owner != NULL ? owner->st->mod : PyType_GetModuleState(t);
    return ms == NULL                 ? TDM_OBJ_USERDATA
           : t == ms->table_type    ? TDM_OBJ_TABLE
           : t == ms->function_type ? TDM_OBJ_FUNCTION
           : t == ms->thread_type   ? TDM_OBJ_THREAD
                                    : TDM_OBJ_USERDATA;
}

/* A Python object marked for Lua indexing (as_attrgetter/as_itemgetter). */
typedef struct tdmP_Wrapper {
    PyObject_HEAD
    PyObject *obj;              /* strong */
    int proto;                  /* TDM_PROTO_ATTR / TDM_PROTO_ITEM / _FUNC */
} tdmP_Wrapper;

/* python.args{...}: positional and keyword arguments for a Python call. */
typedef struct tdmP_Args {
    PyObject_HEAD
    PyObject *args;             /* strong tuple */
    PyObject *kwargs;           /* strong dict */
} tdmP_Args;

/* ---- pmodule.c ---------------------------------------------------------- */
/* obj marked for Lua with an indexing protocol (TDM_PROTO_*): the wrapper
   behind as_attrgetter/as_itemgetter/as_function, and, with
   TDM_PROTO_DEFAULT, a way to pass None as python.none rather than nil.
   New reference. */
TDMI_FUNC PyObject *tdmP_wrap(tdmP_Module *ms, PyObject *obj, int proto);
TDMI_DATA PyModuleDef tdmP_moduledef;
/* Module state of the module object m (borrowed). */
TDMI_FUNC tdmP_Module *tdmP_modstate(PyObject *m);
/* Create and execute the module outside the import system (Lua host). New
   reference. */
TDMI_FUNC PyObject *tdmP_make_module(const char *origin);

/* ---- pruntime.c --------------------------------------------------------- */
TDMI_FUNC int tdmP_runtime_init_type(PyObject *m, tdmP_Module *ms);
/* A LuaRuntime object that does not own rt (Lua or C host). New reference. */
TDMI_FUNC tdmP_Runtime *tdmP_runtime_wrap(tdmP_Module *ms, tdm_Runtime *rt);
/* New per-runtime state with lupa's defaults; attached by the caller. */
TDMI_FUNC tdmP_State *tdmP_state_new(tdm_Runtime *rt, PyObject *module);
TDMI_FUNC void tdmP_state_free(tdmP_State *st);
/* Raise LuaError when the runtime is closed; 0 when usable, -1 raised. */
TDMI_FUNC int tdmP_check_open(tdmP_Runtime *r);

/* ---- pconvert.c --------------------------------------------------------- */
/* Python -> neutral for an argument sent to Lua. Objects get a new reference
   (TDM_VF_OWNED); strings borrow the buffer of `o` (kept alive by the caller:
   `o` is borrowed and must outlive the frame). Encoded strings of a non-UTF-8
   encoding are added to *tmp (a list, created on demand). 0, or -1 raised. */
TDMI_FUNC int tdmP_to_value(tdmP_Runtime *r, PyObject *o, tdm_Value *v,
                            PyObject **tmp);
/* Same, for a result or error going back to another language from op():
   objects owned, strings pinned until finish. 0 or -1 raised. */
TDMI_FUNC int tdmP_to_result(tdmP_State *st, PyObject *o, tdm_Value *v);
/* Neutral -> Python. For TDM_OBJ of Lua, steals the handle when
   TDM_VF_OWNED (clears the flag); a borrowed Lua handle is not supported
   from results (the Lua side always gives owned ones). New reference, or
   NULL raised. */
TDMI_FUNC PyObject *tdmP_from_value(tdmP_State *st, tdm_Value *v);
/* The proxy for a Lua object (identity-preserving). Steals an owned handle.
   New reference or NULL. */
TDMI_FUNC PyObject *tdmP_proxy_for(tdmP_State *st, tdm_Value *v);
/* Pins and deferred decrefs (runtime lock held). */
TDMI_FUNC int tdmP_pin(tdmP_State *st, PyObject *o);     /* steals o */
TDMI_FUNC void tdmP_drop_zombies(tdmP_State *st);       /* GIL + lock held */

/* ---- pcall.c: crossings Python -> Lua ---------------------------------- */
/* Run `op` on Lua with `nargs` prepared arguments in f (tdmS_init done by
   tdmP_frame). Releases the GIL while Lua runs. Returns the status. */
TDMI_FUNC void tdmP_frame(tdmS_Frame *f, tdmP_Runtime *r, int op);
TDMI_FUNC int tdmP_enter(tdmS_Frame *f);
/* Is this the only Python thread (and interpreter)? GIL held. */
TDMI_FUNC int tdmP_sole_thread(void);
/* Python code ran on this thread (GIL held): when it left another Python
   thread behind, no crossing on the chain is exclusive any more (frame.h
   `excl`: the Lua code they run may no longer keep what it read). */
TDMI_FUNC void tdmP_recheck_excl(tdm_Runtime *rt);
/* After tdmP_enter: finish the frame, release the owned arguments, leave
   the runtime lock. */
TDMI_FUNC void tdmP_leave(tdmS_Frame *f);
/* Arguments args[0..n) -> f->args[first..] (f->nargs counts the converted
   ones, also on error); temporaries go to *tmp. 0 or -1 raised. */
TDMI_FUNC int tdmP_fill_args(tdmP_Runtime *r, tdmS_Frame *f, int first,
                             PyObject *const *args, Py_ssize_t n, PyObject **tmp);
/* Drop the owned arguments of f (GIL held). */
TDMI_FUNC void tdmP_drop_args(tdmS_Frame *f);
/* Results of f as Python: None, one object, or a tuple. New reference. */
TDMI_FUNC PyObject *tdmP_results(tdmP_State *st, tdmS_Frame *f);
/* Call op with the Python objects args[0..n) and return the results as
   above (or raise). The whole protocol in one function. New reference. */
TDMI_FUNC PyObject *tdmP_run(tdmP_Runtime *r, int op, PyObject *const *args,
                             Py_ssize_t n, int syntax_prefix);
/* Same with frame->sub set. */
TDMI_FUNC PyObject *tdmP_run_sub(tdmP_Runtime *r, int op, int sub, PyObject *const *args,
                                 Py_ssize_t n, int syntax_prefix);
/* The common case of tdmP_run_on without its general machinery: up to
   TDM_FRAME_INLINE - 1 arguments that are exact int, float, bool, None or
   str, the only Python thread, the runtime lock free. *done = 0 when that
   does not apply (nothing was done, no exception: use tdmP_run_on). */
TDMI_FUNC PyObject *tdmP_call_lean(tdmP_Proxy *p, int op, PyObject *const *args,
                                   Py_ssize_t n, int *done);
/* The end of a lean frame that tdmP_call_lean does not end itself (an
   error, several results): results or the exception, then tdmP_leave. */
TDMI_FUNC PyObject *tdmP_lean_end(tdmP_Runtime *r, tdmS_Frame *f, int status);
/* Same with a Lua handle as args[0] (a proxy's object). */
TDMI_FUNC PyObject *tdmP_run_on(tdmP_Proxy *p, int op, int sub,
                                PyObject *const *args, Py_ssize_t n);
/* A call of a translated function: as tdmP_run_on, keeping the GIL when
   other Python threads exist and the runtime lock is free (TDMS_EXCL_KEPT). */
TDMI_FUNC PyObject *tdmP_run_kept(tdmP_Proxy *p, PyObject *const *args, Py_ssize_t n);

/* ---- perror.c ----------------------------------------------------------- */
/* Raise the error of a failed frame as a Python exception (LuaError family or
   the original Python exception), with the Lua frames in the traceback.
   `prefix`: message prefix for syntax errors ("error loading code: "). */
TDMI_FUNC void tdmP_raise_frame(tdmP_State *st, tdmS_Frame *f, const char *prefix);
/* Record the current Python exception into f->err (clears it). Returns
   TDM_ERRRUN. GIL held. */
TDMI_FUNC int tdmP_capture(tdmP_State *st, tdmS_Frame *f);
/* Formatted traceback + message of an exception. New reference str. */
TDMI_FUNC PyObject *tdmP_format_exc(tdmP_Module *ms, PyObject *exc);
/* Register a chunk's source for tracebacks; returns the chunk name to use
   (borrowed from st->chunks, valid while st lives; past 2000 chunks a
   fresh name held by st->lastname until the next call). */
TDMI_FUNC PyObject *tdmP_chunk_name(tdmP_State *st, PyObject *source,
                                    PyObject *name);

/* ---- pgil.c ------------------------------------------------------------- */
/* A count that moves when a thread other than the last holder takes the GIL
   (CPython 3.11's switch_number; on other versions it moves at every call).
   GIL held. */
TDMI_FUNC unsigned long tdmP_gil_switches(void);

/* ---- pproxy.c ----------------------------------------------------------- */
TDMI_FUNC int tdmP_proxy_init_types(PyObject *m, tdmP_Module *ms);
TDMI_FUNC PyObject *tdmP_proxy_new(tdmP_State *st, tdm_Value *v);
/* pxlate.c: the vectorcall of a translated function's proxy (bytes, ints
   past 64 bits and scalar subclasses cross as objects) */
TDMI_FUNC PyObject *tdmP_xlate_vectorcall(PyObject *self, PyObject *const *args,
                                          size_t nargsf, PyObject *kwnames);
TDMI_FUNC int tdmP_proxy_traverse(PyObject *self, visitproc visit, void *arg);
TDMI_FUNC int tdmP_proxy_clear(PyObject *self);
/* A Lua proxy's call (its vectorcall slot). */
TDMI_FUNC PyObject *tdmP_proxy_vectorcall(PyObject *self, PyObject *const *args,
                                          size_t nargsf, PyObject *kwnames);
/* The same for a translated function (pxlate.c): tdmP_run_kept. */
TDMI_FUNC PyObject *tdmP_proxy_vectorcall_kept(PyObject *self, PyObject *const *args,
                                               size_t nargsf, PyObject *kwnames);
/* ---- ptable.c ------------------------------------------------------------ */
/* LuaRuntime.table_from and LuaRuntime.table. */
TDMI_FUNC PyObject *tdmP_rt_table_from(PyObject *self, PyObject *const *args,
                                       size_t nargsf, PyObject *kwnames);
TDMI_FUNC PyObject *tdmP_rt_table(PyObject *self, PyObject *args, PyObject *kwargs);
/* ---- pxlate.c ------------------------------------------------------------ */
/* LuaRuntime._mark_translated(fn[, keywords]): fn (a Lua function proxy) is
   a translated entry (keywords true: pyrt's keyword entry rt.kwcall); its
   calls from Python keep the GIL and keep bytes and ints beyond 64 bits as
   objects. */
TDMI_FUNC PyObject *tdmP_mark_translated(PyObject *runtime, PyObject *const *args,
                                         Py_ssize_t nargs);
/* The module function lua_type(obj). */
TDMI_FUNC PyObject *tdmP_lua_type(PyObject *m, PyObject *obj);
/* (args, kwargs) from a single Lua table argument (unpacks_lua_table). */
TDMI_FUNC PyObject *tdmP_unpack_table(PyObject *m, PyObject *table);
TDMI_FUNC PyObject *tdmP_peek_or(PyObject *m, PyObject *const *args, Py_ssize_t nargs);
TDMI_FUNC PyObject *tdmP_peek_same(PyObject *m, PyObject *entries);
TDMI_FUNC int tdmP_is_proxy(tdmP_Module *ms, PyObject *o);

/* ---- pcoro.c ------------------------------------------------------------ */
TDMI_FUNC int tdmP_coro_init_type(PyObject *m, tdmP_Module *ms);

/* ---- pops.c: the ops on Python objects --------------------------------- */
/* This adapter's language table (open: tdmP_boot, close: tdmP_detach). */
TDMI_DATA const tdmR_Lang tdmP_lang;
TDMI_FUNC int tdmP_misc_init_types(PyObject *m, tdmP_Module *ms);
/* _tandem._index(rt, obj, key[, val]): Lua's indexing of a Python object */
TDMI_FUNC PyObject *tdmP_index_of(PyObject *m, PyObject *const *args, Py_ssize_t nargs);

/* ---- pboot.c ------------------------------------------------------------ */
/* tdmR_Lang.open: start CPython if the process has none (libpython loaded
   with global symbols first) and attach tdmP_lang to rt; when Python is
   already running, only attach. TDM_OK or a status with err set. */
TDMI_FUNC int tdmP_boot(tdm_Runtime *rt, const tdmR_OpenOptions *o, tdmS_Error *err);
/* tdmR_Lang.close: drop rt's Python state and detach tdmP_lang (tdmR_detach). */
TDMI_FUNC void tdmP_detach(tdm_Runtime *rt);
/* The LuaRuntime of the Lua state that is calling into Python on this thread,
   or of the hosting Lua state. New reference or NULL raised. */
TDMI_FUNC PyObject *tdmP_host_runtime(PyObject *m);
TDMI_FUNC tdm_Runtime *tdmP_current_rt(void);
TDMI_FUNC void tdmP_set_current_rt(tdm_Runtime *rt);
/* The crossing into Python running on this thread ran no Python code of its
   own (translated code's host call of a pure function: _tandem._pure()). */
TDMI_FUNC void tdmP_mark_pure(void);
/* The runtime of the crossing into Python running on this thread passes
   strings as UTF-8 (its encoding). */
TDMI_FUNC int tdmP_current_utf8(void);
/* ... and unpacks tuples returned to Lua (unpack_returned_tuples). */
TDMI_FUNC int tdmP_current_unpacks(void);
/* The crossing into Python running now, or one enclosing it, was made from
   a coroutine of the caller's language (tdmS_Frame.incoro): translated code
   may not yield to it. */
TDMI_FUNC int tdmP_current_incoro(void);

/* ---- psignal.c ---------------------------------------------------------- */
/* A lua5.4 host started this Python: let SIGINT raise KeyboardInterrupt in
   the Python code it runs (GIL held, on the host thread). */
TDMI_FUNC void tdmP_host_signals(tdm_Runtime *rt);
/* rt is going: stop (no-op for another runtime). */
TDMI_FUNC void tdmP_host_signals_off(tdm_Runtime *rt);

/* Value setters shared by the generic converter (pconvert.c) and the call
   fast path (pcall.c). All borrow from `o`, which the caller keeps alive for
   the crossing. */

/* A Lua proxy as its (borrowed) handle. */
static inline void tdmP_proxy_value(tdmP_Proxy *p, tdm_Value *v)
{
    v->kind = TDM_OBJ;
    v->lang = TDM_LANG_LUA;
    v->flags = 0;
    v->aux = (uint16_t)tdmP_kind((PyObject *)p);
    v->u.obj = p->handle;
    v->key = p->key;
}

/* A Python object crossing as itself: v owns a new reference to o. */
static inline void tdmP_object_value(tdm_Value *v, PyObject *o, int proto)
{
    v->kind = TDM_OBJ;
    v->lang = TDM_LANG_PYTHON;
    v->flags = TDM_VF_OWNED;
    v->aux = (uint16_t)proto;
    v->u.obj = Py_NewRef(o);
    v->key = o;
}

/* A str as its UTF-8 bytes (cached in the str). 0, or -1 with an exception.
   A compact ASCII str (most names and keys) is its own UTF-8: its data is
   read inline, as PyUnicode_AsUTF8AndSize would return it. */
static inline __attribute__((always_inline)) int tdmP_utf8_value(PyObject *o, tdm_Value *v)
{
    Py_ssize_t n;
    const char *p;
    if (PyUnicode_IS_COMPACT_ASCII(o)) {
        p = (const char *)PyUnicode_DATA(o);
        n = PyUnicode_GET_LENGTH(o);
    } else {
        p = PyUnicode_AsUTF8AndSize(o, &n);
        if (p == NULL) {
            return -1;
        }
    }
    v->kind = TDM_STR;
    v->flags = 0;
    v->aux = 0;
    v->lang = 0;
    v->key = o;
    v->u.s.p = p;
    v->u.s.n = (size_t)n;
    return 0;
}

/* An argument that converts without the converter: exact int in range,
   float, bool, None, or str (UTF-8 runtime). 0 when it needs the converter;
   -1 with an exception. */
/* An exact int's value when it fits a long long: *overflow set (and -1
   returned) when it does not; -1 with an exception only on an internal
   error, as PyLong_AsLongLongAndOverflow. An int of at most one digit (30
   bits) is read inline (3.11's layout), the rest asked to CPython. */
static inline long long tdmP_int_value(PyObject *o, int *overflow)
{
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
    Py_ssize_t size = Py_SIZE(o);
    if (size >= -1 && size <= 1) {
        *overflow = 0;
        return (long long)size * (long long)((PyLongObject *)o)->ob_digit[0];
    }
#endif
    return PyLong_AsLongLongAndOverflow(o, overflow);
}

static inline __attribute__((always_inline)) int tdmP_lean_arg(PyObject *o, tdm_Value *v)
{
    PyTypeObject *t = Py_TYPE(o);
    v->flags = 0;
    v->aux = 0;
    v->lang = 0;
    v->key = NULL;
    if (t == &PyLong_Type) {
        int overflow = 0;
        long long x = tdmP_int_value(o, &overflow);
        if (overflow != 0) {
            return 0;       /* the converter asks the overflow handler */
        }
        v->kind = TDM_INT;
        v->u.i = x;
        return 1;
    }
    if (t == &PyUnicode_Type) {
        return tdmP_utf8_value(o, v) < 0 ? -1 : 1;
    }
    if (t == &PyFloat_Type) {
        v->kind = TDM_FLOAT;
        v->u.f = PyFloat_AS_DOUBLE(o);
        return 1;
    }
    if (o == Py_None) {
        v->kind = TDM_NIL;
        return 1;
    }
    if (t == &PyBool_Type) {
        v->kind = TDM_BOOL;
        v->u.b = o == Py_True;
        return 1;
    }
    return 0;
}

/* A single scalar result as a Python object (new reference) without the
   converter; NULL when it needs the converter (no exception set then, unless
   memory ran out making an int: *done says which). */
static inline __attribute__((always_inline)) PyObject *tdmP_lean_result(const tdm_Value *v, int *done)
{
    *done = 1;
    switch (v->kind) {
    case TDM_INT:
        return PyLong_FromLongLong((long long)v->u.i);
    case TDM_FLOAT:
        return PyFloat_FromDouble(v->u.f);
    case TDM_BOOL:
        return Py_NewRef(v->u.b ? Py_True : Py_False);
    case TDM_NIL:
        if (!(v->flags & TDM_VF_NONE)) {
            Py_RETURN_NONE;
        }
        break;
    default:
        break;
    }
    *done = 0;
    return NULL;
}

/* The lean path's frame (tdmP_call_lean_inline, pcoro.c resume_lean): the
   arguments already in f->argbuf, the lock taken by this sole Python
   thread, which keeps the GIL. */
static inline __attribute__((always_inline)) void tdmP_lean_frame(tdmS_Frame *f, tdm_Runtime *rt, int op, int nargs)
{
    tdmS_init(f, rt, rt->lang[TDM_LANG_LUA], op, TDM_LANG_PYTHON);
    f->nargs = nargs;
    f->owning = 0;
    f->held = 1;
    f->excl = TDMS_EXCL_SOLE;           /* sole thread, GIL kept */
}

/* After the lean path's crossing: releases other threads queued and the
   proxies that died meanwhile, as tdmP_enter does. */
static inline __attribute__((always_inline)) void tdmP_lean_after(tdmP_State *st, tdm_Runtime *rt)
{
    if (tdmR_haspending(rt)) {
        tdmR_drain(rt, TDM_LANG_PYTHON);
    }
    if (st->nzombies > 0) {
        tdmP_drop_zombies(st);
    }
}

/* The lean path's end once its results are Python objects: the callee's
   finish if owed, then the lock (finish_call's end less what this frame
   cannot hold: owned arguments, heap buffers, an error record). */
static inline __attribute__((always_inline)) void tdmP_lean_leave(tdmS_Frame *f, tdm_Runtime *rt)
{
    if (f->entered) {
        f->entered = 0;
        f->lang->finish(f);
    }
    f->held = 0;
    tdmR_unlock(rt);
}

/* The body of tdmP_call_lean (pcall.c), inline where a proxy is called
   (pproxy.c: proxy_vectorcall), the Python -> Lua call row of issue 14. */
static inline __attribute__((always_inline)) PyObject *
tdmP_call_lean_inline(tdmP_Proxy *p, int op, PyObject *const *args, Py_ssize_t n,
                      int *done)
{
    tdmP_Runtime *r = p->owner;
    *done = 0;
    if (n >= TDM_FRAME_INLINE || r->closed || p->handle == NULL || !r->st->enc_utf8) {
        return NULL;
    }
    tdmS_Frame f;
    tdm_Runtime *rt = r->rt;
    tdmP_proxy_value(p, &f.argbuf[0]);
    for (Py_ssize_t i = 0; i < n; i++) {
        int k = tdmP_lean_arg(args[i], &f.argbuf[i + 1]);
        if (k <= 0) {
            *done = k < 0;
            return NULL;
        }
    }
    if (!tdmP_sole_thread() || !tdmR_trylock(rt)) {
        return NULL;
    }
    *done = 1;
    const tdmR_Lang *lua = rt->lang[TDM_LANG_LUA];
    if (op != TDM_OP_CALL && lua->peek != NULL) {
        /* a raw read of a plain table: no frame (bridge/lang.h, peek) */
        tdm_Value pv;
        intptr_t mark;
        if (lua->peek(rt, op, f.argbuf, (int)n + 1, &pv, &mark)) {
            int conv;
            PyObject *res = tdmP_lean_result(&pv, &conv);
            if (!conv) {
                res = tdmP_from_value(r->st, &pv);      /* a str, a Python object */
            }
            lua->peek_end(rt, mark);
            tdmR_unlock(rt);
            return res;
        }
    }
    tdmP_lean_frame(&f, rt, op, (int)n + 1);
    int status = tdmS_call(&f);
    tdmP_State *st = r->st;
    tdmP_lean_after(st, rt);
    if (status == TDM_OK && f.nres == 1 && f.res == f.resbuf) {
        int conv;
        PyObject *res = tdmP_lean_result(&f.res[0], &conv);
        if (!conv) {
            /* any other single result (a str, a Lua object): the converter,
               then finish_call's end less what this frame cannot hold (owned
               arguments, heap buffers, an error record) */
            res = tdmP_from_value(st, &f.res[0]);
            if (res == NULL) {
                tdmV_release(rt, &f.res[0]);    /* as tdmP_results does */
            }
        }
        tdmP_lean_leave(&f, rt);
        return res;
    }
    return tdmP_lean_end(r, &f, status);
}

#endif /* TDM_PADAPTER_H */
