/*
 * lang.h — the contract between the neutral core and a language adapter.
 *
 * Every crossing is one operation on a neutral frame: the caller's adapter
 * fills frame->args with neutral values, the callee's adapter performs the
 * operation in its own interpreter and leaves neutral results in frame->res,
 * the caller converts the results and calls lang->finish(frame). Adding a third
 * language means writing one more tdmR_Lang (with its open/close/control
 * slots) and naming it in the registry, adapters/langs.c; the core never
 * changes (docs/architecture.md, "What a third language adds").
 */
#ifndef TDM_LANG_H
#define TDM_LANG_H

#include "tandem.h"

#define TDMI_FUNC __attribute__((visibility("hidden"))) extern
#define TDMI_DATA __attribute__((visibility("hidden"))) extern

typedef struct tdmS_Frame tdmS_Frame;
typedef struct tdmS_Error tdmS_Error;

/*
 * Operations. Object operations act on args[0] (a TDM_OBJ of the callee's
 * language) with the remaining args as operands; language operations take
 * no target. Results: frame->res[0..nres).
 */
typedef enum tdmS_Op {
    /* object operations */
    TDM_OP_CALL = 0,    /* args[0](args[1..]) -> any number of results */
    TDM_OP_GETATTR,     /* args[0].args[1] -> 1 (Python: getattr; Lua: index) */
    TDM_OP_SETATTR,     /* args[0].args[1] = args[2] */
    TDM_OP_GETITEM,     /* args[0][args[1]] -> 1 */
    TDM_OP_SETITEM,     /* args[0][args[1]] = args[2] */
    TDM_OP_DELITEM,     /* del args[0][args[1]] */
    TDM_OP_LEN,         /* len/# -> 1 int */
    TDM_OP_STR,         /* str()/tostring -> 1 str */
    TDM_OP_REPR,        /* repr -> 1 str (Lua: str() of a table, 0 results when
                           its __tostring returns no string) */
    TDM_OP_COMPARE,     /* frame->sub: TDM_CMP_*; args[0] op args[1] -> 1 bool;
                           either operand may be the callee's object */
    TDM_OP_ARITH,       /* frame->sub: TDM_AR_*; args[0] op args[1] -> 1 (unary
                           ops: args[0] only); either operand may be ours */
    TDM_OP_ITER,        /* iter(args[0]) -> 1 iterator object */
    TDM_OP_NEXT,        /* next(args[0]) -> 1 value, or 0 results at the end;
                           sub: TDM_NEXT_* flags */
    TDM_OP_TNEXT,       /* table walk: next(args[0], args[1]) -> key, value | 0 */
    TDM_OP_RESUME,      /* resume coroutine args[0] with args[1..] */
    TDM_OP_TYPENAME,    /* -> 1 str: the language's own type name */
    TDM_OP_BOOL,        /* truth value -> 1 bool */
    TDM_OP_HASH,        /* -> 1 int */
    /* language operations */
    TDM_OP_EVAL,        /* args[0]: source text -> results */
    TDM_OP_EXEC,        /* args[0]: source text, args[1]: chunk name (opt) */
    TDM_OP_COMPILE,     /* args[0]: source, args[1]: chunk name or nil, args[2]: mode
                           -> 1 function;
                           sub TDM_COMPILE_THEN_CALL: the caller calls it next
                           (an interrupt pending at the end stays for the call) */
    TDM_OP_GLOBAL,      /* args[0]: name -> 1 (Lua: global; Python: __main__) */
    TDM_OP_SETGLOBAL,   /* args[0]: name, args[1]: value */
    TDM_OP_GLOBALS,     /* -> 1: the global table / __main__ dict */
    TDM_OP_BUILTINS,    /* -> 1: builtins module (Python) */
    TDM_OP_IMPORT,      /* args[0]: module name -> 1 (Python import, Lua require) */
    TDM_OP_NEWTABLE,    /* -> 1 new empty container (Lua table, Python dict) */
    TDM_OP_NONE,        /* -> 1: an object standing for the language's "none"
                           (Python None), which other languages keep as an
                           object instead of converting it to nil */
    TDM_OP_TABLEFROM,   /* args: k1, v1, k2, v2 ... (or v1, v2 ... with
                           TDM_TABLEFROM_SEQ in sub) -> 1 new table/dict */
    TDM_OP_TITEMS,      /* args[0]: table -> k1, v1, k2, v2 ... (snapshot);
                           frame->sub: TDM_ITEMS_* (keys or values only) */
    TDM_OP_COROUTINE,   /* args[0]: function -> 1 new coroutine (Lua thread) */
    TDM_OP_RAWLEN,      /* args[0] -> 1 int: length without metamethods */
    TDM_OP_INDEX,       /* args[0][args[1]] with the callee's default protocol
                           (Python, as lupa: item access when the object has
                           __getitem__, else attribute access) -> 1 */
    TDM_OP_NEWINDEX,    /* args[0][args[1]] = args[2], same protocol choice */
    TDM_OP_OVERFLOW,    /* args[0]: the callee's handler for its integers that do
                           not fit the caller's (a function of either language,
                           or nil: none) -> 0 */
    TDM_OP_CHECK,       /* language operation: run the handlers of asynchronous
                           events the language has pending (Python: signal
                           handlers, on its main thread) -> 0 results; the
                           error is what a handler raised */
    TDM_OP_LOADIR,      /* args[0]: translation IR text (bridge/ir.h), args[1]: the
                           caller's hook object, args[2]: recursion limit (int) ->
                           internal functions, entry functions, generated source;
                           frame->sub TDM_LOADIR_EMIT: only generate, load nothing ->
                           the runtime library's source, then each function's source */
    TDM_OP_EXPOSE,      /* args[0]: name, args[1]: int tdm_LangId of another attached
                           language; frame->sub: TDM_EXPOSE_* flags. Make that
                           language's objects reachable from the callee's code
                           under `name` (Lua: the global `python` table) -> 0 */
    TDM_OP_SOURCEIR,    /* args[0]: a function of the callee language, optional
                           args[1]: the text of its chunk when the language kept
                           none (Lua: a chunk named "=..."), which the host
                           remembered -> 2: [0] the
                           IR text of its source (Lua: docs/lua-ir.md), [1] an
                           accessor uv(i) -> upvalue i, uv(i, v) sets it (i: 1-based
                           position in the top func's (free ...) list; the
                           upvalues are shared, not copied). When the function
                           cannot be translated (a C function, stripped or
                           unreadable source, an _ENV that is not the global
                           table or that the chunk assigns, a syntax error, a
                           source that does not match the function):
                           [0] nil, [1] "CHUNK:LINE: why" (no error raised) */
    TDM_OP_PEEKID,      /* only through the peek hook: args[0][args[1]] read raw
                           (a metatable or not: nothing runs) -> 1 int, the
                           identity of the object it holds (Lua: lua_topointer,
                           unique while the object lives) when it is one whose
                           conversion holds it (Lua: a table, a Lua function, a
                           light C function); anything else, or nil: 0 (not
                           peeked). Lets a host tell an object it holds is
                           still there without a ref. */
    TDM_NOPS
} tdmS_Op;

/* frame->sub of TDM_OP_LOADIR */
#define TDM_LOADIR_EMIT 1

typedef enum tdmS_CmpOp { TDM_CMP_EQ, TDM_CMP_LT, TDM_CMP_LE } tdmS_CmpOp;

typedef enum tdmS_ArithOp {
    TDM_AR_ADD, TDM_AR_SUB, TDM_AR_MUL, TDM_AR_MOD, TDM_AR_POW, TDM_AR_DIV,
    TDM_AR_IDIV, TDM_AR_BAND, TDM_AR_BOR, TDM_AR_BXOR, TDM_AR_SHL, TDM_AR_SHR,
    TDM_AR_UNM, TDM_AR_BNOT, TDM_AR_CONCAT, TDM_NARITH
} tdmS_ArithOp;

/*
 * Ownership across a frame (the rules every adapter follows):
 *  - Arguments: an object of the callee's own language may be borrowed (the
 *    caller pins it until tdmS_end). An object of any other language is passed
 *    TDM_VF_OWNED: the callee may steal the reference (clear the flag) when it
 *    keeps the handle; tdmS_end releases what is still owned.
 *  - Results: objects of the callee's own language are TDM_VF_OWNED (the
 *    caller steals them into a proxy or releases them); everything else —
 *    strings, objects of the caller's language — is borrowed and pinned by the
 *    callee until finish().
 *  - Errors: err.value follows the result rule.
 *  - A release that needs a lock the releasing thread does not hold (the GIL,
 *    the runtime lock) goes through tdmR_defer and is drained by the owning
 *    adapter inside its own zone. The Python zone never calls the Lua API and
 *    the Lua zone never calls the Python API.
 *
 * For TDM_OBJ values of Lua, tdm_Value.aux carries the object kind below, so
 * the other side can pick the right proxy type without asking.
 */
#define TDM_OBJ_OTHER    0
#define TDM_OBJ_TABLE    1
#define TDM_OBJ_FUNCTION 2
#define TDM_OBJ_THREAD   3
#define TDM_OBJ_USERDATA 4

/* For a TDM_OBJ of a non-Lua language passed to Lua, aux selects how Lua
   indexing reaches it (python.as_attrgetter / as_itemgetter / as_function). */
#define TDM_PROTO_DEFAULT 0     /* TDM_OP_INDEX: the callee's own default */
#define TDM_PROTO_ATTR    1     /* TDM_OP_GETATTR */
#define TDM_PROTO_ITEM    2     /* TDM_OP_GETITEM */
#define TDM_PROTO_FUNC    3     /* callable only (python.as_function) */

/* TDM_OP_TITEMS takes in frame->sub what to list (an adapter may always
   give pairs when sub is TDM_ITEMS_PAIRS): */
#define TDM_ITEMS_PAIRS  0      /* k1, v1, k2, v2 ... */
#define TDM_ITEMS_KEYS   1      /* k1, k2 ... */
#define TDM_ITEMS_VALUES 2      /* v1, v2 ... */

/* Methods without a bound object (a caller that calls obj.name(...) at once
   need not make one). TDM_OP_INDEX takes in frame->sub: */
#define TDM_IX_PLAIN  0         /* one result: the value */
#define TDM_IX_METHOD 1         /* the callee may answer 2 results (fn, true): the
                                   value is fn bound to args[0] (a method: calling it
                                   with a, b calls fn(args[0], a, b)), left to the
                                   caller to make (TDM_IX_BIND) only when it needs
                                   the value itself; else 1 result, as TDM_IX_PLAIN.
                                   fn may be borrowed (not TDM_VF_OWNED): the callee
                                   pins it until its next method answer, so the
                                   caller takes its own reference before anything
                                   that may cross again (a finalizer) can run */
#define TDM_IX_BIND   2         /* args[0]: fn of a TDM_IX_METHOD answer, args[1]:
                                   the object -> 1: fn bound to it (the value
                                   TDM_IX_PLAIN gives) */
/* TDM_OP_CALL takes in frame->sub (only a callee that answered TDM_IX_METHOD
   with 2 results is given TDM_CALL_METHOD): */
#define TDM_CALL_PLAIN  0
#define TDM_CALL_METHOD 1       /* args[0]: fn, args[1]: the object it is bound to;
                                   calls fn(args[1], args[2] ...), without args[2]
                                   when it is args[1] itself (Lua's obj:m(a) passes
                                   obj again): what calling the bound value does */

/* TDM_OP_TABLEFROM takes in frame->sub how the arguments are laid out: */
#define TDM_TABLEFROM_PAIRS 0   /* k1, v1, k2, v2 ... */
#define TDM_TABLEFROM_SEQ   1   /* v1, v2 ... for the keys 1, 2 ... */
#define TDM_TABLEFROM_INTO  2   /* t, k1, v1 ...: fill the existing table t */

#define TDM_COMPILE_THEN_CALL 1

/* TDM_OP_RESUME reports in frame->sub: */
#define TDM_RESUME_RETURNED 0
#define TDM_RESUME_YIELDED  1
#define TDM_RESUME_NOTHROW  3   /* THROW asked, nothing delivered: the coroutine had
                                   not started, or is suspended elsewhere than in
                                   coroutine.yield (then its pending to-be-closed
                                   variables were closed) */
/* ... and takes in frame->sub, set by the caller: */
#define TDM_RESUME_THROW    2   /* args[1] is raised as an error at the yield where
                                   the coroutine is suspended (generator throw) */

/* TDM_OP_EXPOSE takes in frame->sub what to include besides the basic
   operations (import, exec, globals, iteration helpers, none): */
#define TDM_EXPOSE_EVAL     0x01    /* <name>.eval */
#define TDM_EXPOSE_BUILTINS 0x02    /* <name>.builtins */
#define TDM_EXPOSE_ALL      (TDM_EXPOSE_EVAL | TDM_EXPOSE_BUILTINS)

/* Options for starting a language in a runtime (tdmR_Lang.open). A language
   ignores what it cannot honour. */
typedef struct tdmR_OpenOptions {
    size_t max_memory;          /* 0: unlimited */
    int open_libs;              /* open the standard libraries */
} tdmR_OpenOptions;

/* Neutral control codes (tdmR_Lang.control): never raise, never run code of
   the language other than its finalizers. -1 when the language does not
   support the code or its state in the runtime is closed. */
typedef enum tdmR_Ctl {
    TDM_CTL_GC_COLLECT,         /* full collection; -> 0 */
    TDM_CTL_GC_STOP,            /* -> 0 */
    TDM_CTL_GC_RESTART,         /* -> 0 */
    TDM_CTL_GC_ISRUNNING,       /* -> 0/1 */
    TDM_CTL_MEM_USED,           /* -> bytes in use */
    TDM_CTL_MEM_MAX,            /* -> limit, 0 = none */
    TDM_CTL_MEM_SETMAX,         /* arg: new limit (0 = none) -> 0 */
    TDM_CTL_VERSION_NUM,        /* -> the language's version number (Lua: 504) */
    TDM_CTL_GLOBAL_SYMBOLS,     /* process-wide, rt may be NULL: 1 when the
                                   process's global symbols of the language's C
                                   API (what its C modules bind to) are the ones
                                   this adapter runs on, else 0 */
    /* Interrupts. These never take the runtime lock: they are made while
       another thread runs the language's code. */
    TDM_CTL_WATCH,              /* arg: id of the thread whose code in rt is
                                   polled for the caller's pending asynchronous
                                   events (TDM_OP_CHECK), 0: none -> 0 */
    TDM_CTL_INTERRUPT,          /* stop the code running in rt with the error
                                   "interrupted" -> 1: code was running, 0:
                                   nothing ran (nothing happens), -1: rt's state
                                   is not watched */
    TDM_CTL_INTR_DROP,          /* the host's outermost call on rt ended (the
                                   caller holds the runtime lock): an interrupt
                                   still pending is dropped, so it cannot stop
                                   the next call -> 0 */
    TDM_CTL_WATCH_TICK,         /* process-wide: arg is a void (*)(void) (as
                                   uintptr_t) the watchdog calls about 50 times
                                   a second on its own thread, 0: none -> 0 */
    TDM_CTL_SANDBOX,            /* arg: a const tdm_Policy * (as uintptr_t):
                                   sandbox the state (docs/sandbox.md) -> 0 */
    TDM_CTL_BUDGET              /* arg: a const tdm_Policy * (as uintptr_t):
                                   its max_instructions and timeout become the
                                   budget of each outermost call -> 0 */
} tdmR_Ctl;

/* Value flags (tdm_Value.flags). */
#define TDM_VF_OWNED    0x0001  /* the value owns u.obj (one reference) */
#define TDM_VF_OWNSTR   0x0002  /* u.s.p is malloc'd and owned by the value */
#define TDM_VF_BYTES    0x0004  /* TDM_STR that is binary (Python bytes) */
#define TDM_VF_PROXY    0x0008  /* TDM_OBJ wrapping a proxy of the other side */
#define TDM_VF_NONE     0x0010  /* TDM_NIL that must stay a distinct None */

/* TDM_OP_NEXT's sub: a tuple item becomes several results (python.iterex);
   a "none" first result comes as the object TDM_OP_NONE gives instead of a
   TDM_NIL with TDM_VF_NONE (a Lua for loop must not end on it) */
#define TDM_NEXT_UNPACK  1
#define TDM_NEXT_NONEOBJ 2
#define TDM_VF_ERROBJ   0x0020  /* TDM_OBJ that is an error/exception object; on a
                                   TDM_NIL in tdmS_Error.value: the error value is nil */
#define TDM_VF_XLATED   0x0040  /* TDM_OBJ: a Lua function that is the entry of a
                                   translated Python function (docs/translation.md):
                                   the Python adapter's proxy of it passes bytes and
                                   ints past 64 bits in as objects (pxlate.c) */

typedef struct tdmR_Lang {
    const char *name;           /* "lua", "python" */
    tdm_LangId id;

    /* Perform frame->op. Enters the language's own zone (takes its lock or
       GIL as needed) and stays in it until finish(). Returns a status; on
       error frame->err describes it. Never longjmps out. */
    int (*op)(tdmS_Frame *f);

    /* The caller has consumed frame->res: drop what op() left pinned and
       leave the language's zone. Never fails. */
    void (*finish)(tdmS_Frame *f);

    /* Drop one reference to a handle of this language. Called with the
       runtime's lock held; may take the language's own lock. Never raises. */
    void (*release)(tdm_Runtime *rt, void *handle);

    /* Take one more reference to a handle (caller holds the language lock
       or knows the handle is pinned by a live frame). */
    void (*retain)(tdm_Runtime *rt, void *handle);

    /* Optional (may be NULL). `caller` is a frame this language started and
       that is still running (code of another language is executing for it).
       Before that code blocks in native code (an FFI call), unblock lets this
       language's other threads run (Python: release a GIL the crossing
       kept); reblock undoes it afterwards. Never fail. */
    void (*unblock)(tdmS_Frame *caller);
    void (*reblock)(tdmS_Frame *caller);

    /* Optional (may be NULL: every handle is taken as valid). Is v, a
       TDM_OBJ of this language that a host hands back, a live handle of
       this runtime (not one of another runtime, not one already released)?
       Caller holds the runtime lock. Never raises. */
    int (*valid)(tdm_Runtime *rt, const tdm_Value *v);

    /* Optional (may be NULL). A read that runs none of this language's code,
       raises nothing and allocates nothing, without a frame: op
       TDM_OP_GETATTR, TDM_OP_GETITEM or TDM_OP_INDEX (args[1] the key) or
       TDM_OP_LEN on args[0], an object of this language that is a plain
       container (Lua: a table without a metatable), read raw. 1 with *res
       set (a string borrows this language's memory until peek_end(rt,
       *mark)), 0 when op() must do it (nothing done, nothing to end). The
       caller holds the runtime lock and no other thread of the caller's
       language can run (tdmS_Frame.excl); no frame is pushed, so nothing
       it guards (depth, tracebacks, interrupts, budgets) is at stake. */
    int (*peek)(tdm_Runtime *rt, int op, const tdm_Value *args, int nargs, tdm_Value *res,
                intptr_t *mark);
    void (*peek_end)(tdm_Runtime *rt, intptr_t mark);

    /* ---- start-up, control and shutdown (never on a crossing's path) ----
       Reached through the registry (adapters/langs.c: tdmR_open_lang,
       tdmR_control) or through rt->lang[id]; no adapter calls another. */

    /* Optional. Start the language in rt (o may be NULL: defaults) and
       attach this table with tdmR_attach. Call with no interpreter lock
       held but the caller's own. TDM_OK, or a status with err->status and
       err->message set. */
    int (*open)(tdm_Runtime *rt, const tdmR_OpenOptions *o, tdmS_Error *err);

    /* Optional. Free the language's per-runtime state. The table may stay
       attached (its hooks then see no state and do nothing) until
       tdmR_detach. Caller holds the runtime lock. */
    void (*close)(tdm_Runtime *rt);

    /* Optional. A tdmR_Ctl code; see there. Takes the locks it needs. */
    long long (*control)(tdm_Runtime *rt, int code, long long arg);

    /* "Lua 5.4.6", "Python 3.11.2": static storage, or NULL. */
    const char *release_name;
    /* Optional (may be NULL: yes). May dropping one reference to handle run
       code of this language (a finalizer)? No when another reference keeps
       it alive. A release that cannot run code leaves rt->epoch alone
       (bridge/value.c), so a translated read returning an object that stays
       referenced does not end the values cached before it. Runtime lock
       held; never raises. */
    int (*release_runs)(tdm_Runtime *rt, void *handle);
} tdmR_Lang;

#endif /* TDM_LANG_H */
