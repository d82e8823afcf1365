/*
 * tandem.h — Lua 5.4 and CPython in one process, as equals.
 *
 * All a C host program needs: opaque runtime, neutral values, status codes.
 * No interpreter header is included; link with -ltandem (pkg-config tandem).
 *
 * Error convention: every function returning tdm_Status returns TDM_OK (0) on
 * success; on failure the message and traceback stay readable through
 * tdm_errmsg()/tdm_traceback() until the same thread's next call on the same
 * runtime (each thread has its own last error).
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
    TDM_ERRYIELD,    /* tdm_resume: the coroutine yielded (not an error) */
    TDM_ERRDEAD,     /* tdm_resume: the coroutine had finished (or failed) */
    TDM_ERRMISSING,  /* tdm_find_global: no such name (not an error) */
    TDM_ERRTIMEOUT   /* a call's budget ran out (max_instructions or timeout) */
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
 * A neutral value (docs/c-api.md, Values).
 *
 * Arguments a host passes are borrowed: tandem copies what it keeps, so a
 * string argument's bytes need only live until the call returns.
 * Values tandem returns to the host are owned by the host until
 * tdm_release(): a TDM_STR's bytes are a private copy (NUL-terminated after
 * the n bytes, valid until tdm_release whatever the host calls meanwhile); a
 * TDM_OBJ holds one reference to the object.
 *
 * A host reads `kind`, then the member of `u` it selects, and `lang` for a
 * TDM_OBJ. `flags`, `aux` and `key` are tandem's: a host does not read them
 * (their meaning may change) and builds values only with the constructors
 * below, which leave them zero.
 */
typedef struct tdm_Value {
    uint8_t kind;       /* tdm_Kind: which member of u is meaningful */
    uint8_t lang;       /* TDM_OBJ: the language the object lives in (tdm_LangId) */
    uint16_t flags;     /* reserved (tandem: ownership and interning flags); 0 */
    int32_t aux;        /* reserved (tandem: object subtype, indexing protocol); 0 */
    union {
        int b;          /* TDM_BOOL: 0 or 1 */
        int64_t i;      /* TDM_INT */
        double f;       /* TDM_FLOAT */
        struct {
            const char *p;  /* TDM_STR: the bytes (may hold NULs); UTF-8 for text */
            size_t n;       /* TDM_STR: their number */
        } s;
        void *obj;      /* TDM_OBJ: opaque handle; pass the whole value back */
    } u;
    const void *key;    /* reserved (tandem: identity of the object); NULL */
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
   (initialised on first use), with the `python` table in Lua: the defaults
   of tdm_config_init. NULL on failure, the reason printed on stderr (use
   tdm_open_config for a status and the reason instead). */
TDM_API tdm_Runtime *tdm_open(void);

/* How tdm_open_config opens a runtime. Fill it with tdm_config_init (which
   sets every field, `size` included), then change what you need. */
typedef struct tdm_Config {
    size_t size;                /* set by tdm_config_init; do not change */
    size_t max_memory;          /* Lua's memory limit in bytes (past it: TDM_ERRMEM);
                                   0: none (default) */
    int lua_libs;               /* open Lua's standard libraries (default 1) */
    int python;                 /* host Python too (default 1); 0: a Lua-only
                                   runtime (TDM_LANG_PYTHON calls: TDM_ERRARG) */
    const char *python_table;   /* name of Lua's global table reaching Python
                                   (default "python"); NULL: no table */
    int python_eval;            /* with <python_table>.eval (default 1) */
    int python_builtins;        /* with <python_table>.builtins (default 1) */
} tdm_Config;

/* The defaults into *cfg. */
TDM_API void tdm_config_init(tdm_Config *cfg);

/* Open a runtime as *cfg says (cfg NULL: the defaults); *out receives it, or
   NULL on failure. TDM_OK; TDM_ERRARG (out NULL, cfg not from
   tdm_config_init, an empty python_table); TDM_ERRMEM; or the status of the
   language that failed to start. The reason of a failure is
   tdm_errmsg(NULL) on the calling thread, until its next tdm_open_config. */
TDM_API tdm_Status tdm_open_config(const tdm_Config *cfg, tdm_Runtime **out);

/* ------------------------------------------------------------------------ */
/* Sandboxed runtimes (docs/sandbox.md)                                     */

/* What a sandboxed runtime's Lua code may use and spend. Fill it with
   tdm_policy_init (which sets every field, `size` included), then change
   what you need. */
typedef struct tdm_Policy {
    size_t size;                /* set by tdm_policy_init; do not change */
    const char *libs;           /* comma-separated libraries to keep, of "string",
                                   "table", "math", "utf8", "coroutine", "os" (its
                                   time, clock, date, difftime only) and "print";
                                   default "string,table,math,utf8,coroutine,os" */
    int load;                   /* load() of text chunks in the sandbox (default 1) */
    int64_t max_instructions;   /* Lua instructions per call (default 100000000);
                                   0: no limit. Past it: TDM_ERRTIMEOUT */
    double timeout;             /* seconds per call (default 0: none). Past it:
                                   TDM_ERRTIMEOUT */
    size_t max_memory;          /* Lua's memory limit (default 64 MiB; 0: none) */
    size_t max_string;          /* largest single Lua allocation: a string, a
                                   table's part, a stack (default 16 MiB) */
    double max_match;           /* the most steps a pattern search may take at
                                   worst (default 1e8); see docs/sandbox.md */
} tdm_Policy;

/* The defaults into *p. */
TDM_API void tdm_policy_init(tdm_Policy *p);

/* Open a runtime whose Lua state is sandboxed as *p says (NULL: the
   defaults): Python is hosted but Lua has no `python` table; objects reach
   Lua only as the host passes them (tdm_set_global, tdm_call arguments).
   *out receives it. Status and reasons as tdm_open_config. */
TDM_API tdm_Status tdm_open_sandboxed(const tdm_Policy *p, tdm_Runtime **out);

/* The budget of each later outermost call into rt's Lua (any runtime, not
   only a sandboxed one): at most max_instructions Lua instructions (0: no
   limit) and `timeout` seconds (0: none). A call past it fails with
   TDM_ERRTIMEOUT; the runtime stays usable. An instruction limit costs Lua
   code about 2x (Lua 5.4 traps every instruction while a count hook is
   set); a timeout alone costs nothing until the deadline (a watchdog thread
   stops the call). TDM_OK, TDM_ERRARG (negative), TDM_ERRCLOSED. */
TDM_API tdm_Status tdm_set_budget(tdm_Runtime *rt, int64_t max_instructions, double timeout);

/* Stop the Lua code rt is running, from any thread (it does not wait for
   the runtime lock): the call running it ends with TDM_ERRRUN and a message
   ending in "interrupted", and the runtime stays usable. Until that call of
   the host returns, every Lua instruction raises the error again, so Lua's
   pcall cannot keep the code going. Python code is not stopped, but the
   first Lua code it runs before the host's call returns is. 1 when a call
   was running on rt (it is interrupted), 0 when none was (nothing
   happens; the next call is not affected), or rt is NULL or closed. */
TDM_API int tdm_interrupt(tdm_Runtime *rt);

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

/* Read a global (Lua global, or a name in Python's __main__, then its
   builtins). *out owned. A name that does not exist gives nil, as a nil
   global or Python's None does: tdm_find_global tells them apart. */
TDM_API tdm_Status tdm_get_global(tdm_Runtime *rt, tdm_LangId lang,
                                  const char *name, tdm_Value *out);

/* As tdm_get_global, but a name that does not exist gives TDM_ERRMISSING
   (not an error: tdm_errmsg is empty) and *out nil. Python: a name neither
   in __main__ nor in builtins (one bound to None is found: TDM_OK, nil).
   Lua: a global whose value is nil (Lua has no other kind of absence). */
TDM_API tdm_Status tdm_find_global(tdm_Runtime *rt, tdm_LangId lang,
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

/* Index an object of either language: *out = obj[key] (Lua: t[k], with
   metamethods; Python: obj[key], so a missing dict key is TDM_ERRRUN with
   KeyError). `obj` and `key` borrowed, *out owned. TDM_ERRTYPE when obj is
   not an object. */
TDM_API tdm_Status tdm_get(tdm_Runtime *rt, const tdm_Value *obj, const tdm_Value *key,
                           tdm_Value *out);

/* obj[key] = v (Lua: t[k] = v with metamethods, v nil removes the key;
   Python: obj[key] = v). All borrowed. TDM_ERRTYPE when obj is not an
   object. */
TDM_API tdm_Status tdm_set(tdm_Runtime *rt, const tdm_Value *obj, const tdm_Value *key,
                           const tdm_Value *v);

/* A new empty table of `lang` (Lua: a table; Python: a dict); *out owned. */
TDM_API tdm_Status tdm_new_table(tdm_Runtime *rt, tdm_LangId lang, tdm_Value *out);

/* A new Lua coroutine running `fn` (a Lua function); *out owned. */
TDM_API tdm_Status tdm_coroutine(tdm_Runtime *rt, const tdm_Value *fn, tdm_Value *out);

/* Resume coroutine `co` (a Lua coroutine, or a Python generator: the first
   argument is sent) with `nargs` borrowed arguments. Results as tdm_call.
   TDM_ERRYIELD: it yielded, the results are the yielded values (not an
   error: tdm_errmsg is empty). TDM_OK: it returned, the results are its
   return values; it is finished. TDM_ERRDEAD: it had finished (or failed)
   before: nothing ran. TDM_ERRRUN: it raised an error (it is finished).
   TDM_ERRTYPE: co is not an object. A Python generator is dead once it
   returned or raised, as a Lua coroutine is; any other Python iterator is
   sent to (TDM_OK with no results once it is exhausted). */
TDM_API tdm_Status tdm_resume(tdm_Runtime *rt, const tdm_Value *co, int nargs,
                              const tdm_Value *args, tdm_Value *res, int maxres, int *nres);

/* Translate `fn` into the other language (docs/translation.md):
   - a Python function (TDM_OBJ of TDM_LANG_PYTHON) becomes a Lua function of
     rt that runs natively in Lua with Python's semantics (the source of fn
     must be findable, in a file or in Python's linecache);
   - a Lua function (TDM_OBJ of TDM_LANG_LUA) becomes a Python function
     (TDM_LANG_PYTHON) that runs natively in CPython with Lua's semantics;
     its upvalues stay shared with Lua; its source must be what Lua kept: a
     file (`@name`) or a load()ed string (a chunk named "=..." or by
     tdm_exec keeps none, nor does a C function).
   *out receives it (owned: tdm_release; call it with tdm_call, or hand it
   to code with tdm_set_global). Translating the same function again gives
   the same result (cached per runtime, shared with LuaRuntime.translate
   and python.translate in Lua). TDM_OK; TDM_ERRARG (rt, fn or out NULL,
   fn not a value of this runtime); TDM_ERRTYPE (fn not a Python or Lua
   object); TDM_ERRRUN (the function cannot be translated: the message is
   "TranslationError: ...", naming the construct and its file:line);
   TDM_ERRCLOSED; TDM_ERRMEM. On failure *out is nil. */
TDM_API tdm_Status tdm_translate(tdm_Runtime *rt, const tdm_Value *fn, tdm_Value *out);

/* Release a value returned to the host (no-op for non-objects). After
   tdm_close an object is not released (its language is gone): the value is
   set to nil and TDM_ERRCLOSED becomes the last error. */
TDM_API void tdm_release(tdm_Runtime *rt, tdm_Value *v);

/* The calling thread's last error on rt: message and traceback text
   (language frames of both interpreters, innermost last). Each thread has
   its own: valid until the same thread's next call on rt; another thread's
   calls never change it. "" when the last call succeeded. tdm_errmsg(NULL):
   why the thread's last tdm_open_config failed. */
TDM_API const char *tdm_errmsg(tdm_Runtime *rt);
TDM_API const char *tdm_traceback(tdm_Runtime *rt);

/* Name of a status code, for messages. */
TDM_API const char *tdm_status_name(tdm_Status st);

#ifdef __cplusplus
}
#endif
#endif /* TANDEM_H */
