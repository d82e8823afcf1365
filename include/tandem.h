/*
 * tandem.h — Lua 5.4 and CPython in one process, as equals.
 *
 * All a C host program needs: opaque runtime, neutral values, status codes.
 * No interpreter header is included; link with -ltandem (pkg-config tandem).
 *
 * Error convention: every function returning tdm_Status returns TDM_OK (0) on
 * success; on failure the message and traceback stay readable through
 * tdm_errmsg()/tdm_traceback() until the next call on the same runtime.
 */
#ifndef TANDEM_H
#define TANDEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TDM_VERSION_MAJOR 0
#define TDM_VERSION_MINOR 1
#define TDM_VERSION_PATCH 0
#define TDM_VERSION_STRING "0.1.0"

#if defined(__GNUC__)
#define TDM_API __attribute__((visibility("default")))
#else
#define TDM_API
#endif

/* ------------------------------------------------------------------------ */
/* Status codes                                                             */

typedef enum tdm_Status {
    TDM_OK = 0,
    TDM_ERRRUN,      /* an error raised by code (Lua error, Python exception) */
    TDM_ERRSYNTAX,   /* code did not compile */
    TDM_ERRMEM,      /* out of memory, or a runtime's memory limit reached */
    TDM_ERRTYPE,     /* a value of the wrong type for the operation */
    TDM_ERRARG,      /* bad argument to an API function */
    TDM_ERRCLOSED,   /* the runtime (or the object's runtime) is closed */
    TDM_ERRDEPTH,    /* too many nested crossings between languages */
    TDM_ERRYIELD,    /* a coroutine yielded (not an error for resume) */
    TDM_ERRDEAD      /* a coroutine that finished was resumed */
} tdm_Status;

/* Languages a runtime hosts. */
typedef enum tdm_LangId {
    TDM_LANG_NONE = 0,
    TDM_LANG_LUA = 1,
    TDM_LANG_PYTHON = 2,
    TDM_LANG_C = 3,     /* ffi cdata: C memory with a C type */
    TDM_NLANG = 4
} tdm_LangId;

/* ------------------------------------------------------------------------ */
/* Values                                                                   */

typedef enum tdm_Kind {
    TDM_NIL = 0,    /* Lua nil, Python None */
    TDM_BOOL,
    TDM_INT,        /* 64-bit signed */
    TDM_FLOAT,
    TDM_STR,        /* bytes with a length; text is UTF-8 */
    TDM_OBJ         /* an object of one language, held by a handle */
} tdm_Kind;

typedef struct tdm_Runtime tdm_Runtime;

/*
 * A neutral value. For TDM_STR the bytes are borrowed: valid until the next
 * call on the runtime unless the function that produced the value says
 * otherwise. For TDM_OBJ, `u.obj` is an opaque per-language handle; values
 * returned to a C host own their handle and must be passed to tdm_release().
 * Fields marked internal are for tandem's adapters; a host leaves them zero.
 */
typedef struct tdm_Value {
    uint8_t kind;       /* tdm_Kind */
    uint8_t lang;       /* TDM_OBJ: the language the object lives in */
    uint16_t flags;     /* internal: ownership and interning flags */
    int32_t aux;        /* internal: adapter scratch (e.g. a stack slot) */
    union {
        int b;
        int64_t i;
        double f;
        struct {
            const char *p;
            size_t n;
        } s;
        void *obj;
    } u;
    const void *key;    /* internal: identity of the source object */
} tdm_Value;

/* Constructors for host code. */
static inline tdm_Value tdm_nil(void) { tdm_Value v = {0}; return v; }
static inline tdm_Value tdm_bool(int b) { tdm_Value v = {0}; v.kind = TDM_BOOL; v.u.b = !!b; return v; }
static inline tdm_Value tdm_int(int64_t i) { tdm_Value v = {0}; v.kind = TDM_INT; v.u.i = i; return v; }
static inline tdm_Value tdm_float(double f) { tdm_Value v = {0}; v.kind = TDM_FLOAT; v.u.f = f; return v; }
static inline tdm_Value tdm_lstr(const char *p, size_t n)
{
    tdm_Value v = {0};
    v.kind = TDM_STR;
    v.u.s.p = p;
    v.u.s.n = n;
    return v;
}
TDM_API tdm_Value tdm_str(const char *s);

/* ------------------------------------------------------------------------ */
/* Runtime                                                                  */

/* Open a runtime hosting a fresh Lua 5.4 state and the process's CPython
   (initialised on first use). NULL on failure (out of memory). */
TDM_API tdm_Runtime *tdm_open(void);

/* Close a runtime: waits for calls in flight on other threads, then closes
   the Lua state; CPython stays initialised for the process. The handle
   stays valid: every later call on it (from any thread), and tdm_release of
   a value obtained before, returns or records TDM_ERRCLOSED. Closing twice
   is a no-op. */
TDM_API void tdm_close(tdm_Runtime *rt);

/* Free a runtime handle, closing it first if still open. After tdm_free no
   thread may use `rt` again. A closed handle never freed costs one small
   struct until the process ends. */
TDM_API void tdm_free(tdm_Runtime *rt);

/* Run `code` in `lang` (`chunkname` names it in tracebacks; may be NULL). */
TDM_API tdm_Status tdm_exec(tdm_Runtime *rt, tdm_LangId lang, const char *code,
                            const char *chunkname);
/* As tdm_exec, with `code` given as `len` bytes (tdm_exec stops at the first
   NUL). A NUL inside is part of the code: Python source containing one is an
   error (TDM_ERRRUN, "source code string cannot contain null bytes", as
   compile() says); Lua loads the chunk whole. */
TDM_API tdm_Status tdm_exec_n(tdm_Runtime *rt, tdm_LangId lang, const char *code, size_t len,
                              const char *chunkname);

/* Evaluate an expression; *out receives the value (owned: tdm_release). */
TDM_API tdm_Status tdm_eval(tdm_Runtime *rt, tdm_LangId lang, const char *expr,
                            tdm_Value *out);

/* Read a global (Lua global, or a name in Python's __main__). *out owned. */
TDM_API tdm_Status tdm_get_global(tdm_Runtime *rt, tdm_LangId lang,
                                  const char *name, tdm_Value *out);

/* Set a global; `v` is borrowed. An object of the other language arrives as
   a proxy, an object of the same language as itself. */
TDM_API tdm_Status tdm_set_global(tdm_Runtime *rt, tdm_LangId lang,
                                  const char *name, const tdm_Value *v);

/* Call `fn` (a TDM_OBJ of either language) with `nargs` borrowed arguments.
   Up to `maxres` results are stored in `res` (owned: tdm_release each);
   *nres receives how many were stored. */
TDM_API tdm_Status tdm_call(tdm_Runtime *rt, const tdm_Value *fn, int nargs,
                            const tdm_Value *args, tdm_Value *res, int maxres,
                            int *nres);

/* Translate `fn`, a Python function (TDM_OBJ of TDM_LANG_PYTHON), into a
   Lua function of rt that runs natively in Lua with Python's semantics
   (docs/translation.md); *out receives it (owned: tdm_release; call it with
   tdm_call, or hand it to Lua code with tdm_set_global). Translating the same
   function again gives the same Lua function (cached per runtime, shared with
   python.translate in Lua). TDM_OK; TDM_ERRARG (rt, fn or out NULL, fn not a
   value of this runtime); TDM_ERRTYPE (fn not a Python object); TDM_ERRRUN
   (the function cannot be translated: the message is
   "TranslationError: ...", naming the construct and its file:line; the
   source of fn must be findable, in a file or in Python's linecache);
   TDM_ERRCLOSED; TDM_ERRMEM. On failure *out is nil. */
TDM_API tdm_Status tdm_translate(tdm_Runtime *rt, const tdm_Value *fn, tdm_Value *out);

/* Release a value returned to the host (no-op for non-objects). After
   tdm_close an object is not released (its language is gone): the value is
   set to nil and TDM_ERRCLOSED becomes the last error. */
TDM_API void tdm_release(tdm_Runtime *rt, tdm_Value *v);

/* The last error on this runtime: message and traceback text (language
   frames of both interpreters, innermost last). Valid until the next call. */
TDM_API const char *tdm_errmsg(tdm_Runtime *rt);
TDM_API const char *tdm_traceback(tdm_Runtime *rt);

/* Name of a status code, for messages. */
TDM_API const char *tdm_status_name(tdm_Status st);

#ifdef __cplusplus
}
#endif
#endif /* TANDEM_H */
