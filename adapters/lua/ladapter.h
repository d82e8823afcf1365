/*
 * ladapter.h — internal interface of the Lua adapter.
 *
 * The Lua adapter translates between a lua_State and the neutral model:
 * Lua values <-> tdm_Value (lconvert.c), operations on Lua objects requested
 * by another language (lops.c), objects of other languages living in Lua as
 * full userdata with metamethods (lforeign.c), the `python` helper table
 * (lpylib.c), state creation and refs (lstate.c), and the module entry for a
 * plain lua5.4 (lmodule.c). It never includes Python.h.
 */
#ifndef TDM_LADAPTER_H
#define TDM_LADAPTER_H

#include <time.h>
#include <lua.h>
#include <lauxlib.h>
#include "runtime.h"
#include "boot.h"

#define TDML_STRCACHE 2048      /* string cache slots (power of two; sets of two) */
#define TDML_STRCACHE_MAX 256   /* longest string interned (bytes) */

/* The state of a ref (tdmL_State.refst). */
enum { TDML_REF_FREE = 0, TDML_REF_LIVE = 1, TDML_REF_KEPT = 2 };

/* What Lua's collector is told about objects of other languages it holds
   (lforeign.c: charge). Lua sees only the small userdata; the object behind
   it (a Python exception with its traceback and frames, an instance and its
   dict) lives in memory Lua does not count. Each new foreign userdata adds
   its weight to st->fdebt; every TDML_CHARGE_STEP bytes the debt is handed
   to the collector (lua_gc LUA_GCSTEP), which paces it like Lua memory. */
#define TDML_WEIGHT_OBJECT 1024         /* an object: instance + dict, a list ... */
#define TDML_WEIGHT_ERROR  (16 * 1024)  /* an exception: traceback, frames, locals */
#define TDML_CHARGE_STEP   (64 * 1024)

/* One slot of the string cache: a string that crossed into Lua, keyed by its
   source object's identity (tdm_Value.key, e.g. the Python str) and checked
   by content, so a dead source whose address is reused never matches. */
typedef struct tdmL_StrSlot {
    const void *key;            /* weak: identity of the source object */
    const char *p;              /* borrowed: contents of the anchored Lua string */
    size_t n;
    int ref;                    /* registry ref anchoring the Lua string; 0: empty */
} tdmL_StrSlot;

/* Per-runtime Lua state; rt->state[TDM_LANG_LUA]. */
typedef struct tdmL_State {
    lua_State *L;               /* owns when `own` (lua_close in tdmL_close) */
    tdm_Runtime *rt;            /* borrowed: rt owns this struct */
    int own;                    /* we created L */
    int basemsgh;               /* own state: the message handler sits at index 1 of
                                   L's base level (lstate.c: l_open), where every
                                   outermost crossing runs (lops.c: direct_call) */
    size_t used;                /* bytes allocated through our allocator */
    size_t limit;               /* 0 = no limit */
    int limit_hit;              /* the last failed allocation hit the limit */
    uint8_t *refst;             /* owns: the state of each ref, two bits (four
                                   refs a byte, tdmL_refstate): free, live, or
                                   kept for good (its owners could not be
                                   counted: out of memory) */
    tdmI_Map refmore;           /* ref -> owners, for the live refs shared by
                                   more than one (tdmR_Lang.retain); a live ref
                                   absent here has one owner */
    int nrefst;                 /* refs refst has room for */
    int *freerefs;              /* owns: refs this adapter released and keeps for
                                   its next ones (lstate.c: tdmL_ref); each one's
                                   registry slot holds false */
    int nfree, cfree;           /* freerefs: used, room */
    const void *fmeta[TDM_NLANG];   /* identity of each foreign metatable */
    const void *mmeta;          /* identity of the metatable of a Python method read
                                   without its bound object (lforeign.c: method blocks) */
    const void *noneud;         /* identity of the foreign none (python.none), held by the registry
                                   (lpylib.c): a raw peek declines it, which the
                                   host would give as nil (lops.c: tdmL_peek) */
    uint64_t ptag;              /* the tag of this state's one-word blocks
                                   (lforeign.c: tdmL_Foreign), random, in the
                                   TDML_PMASK bits */
    size_t fdebt;               /* bytes of other languages' memory adopted by
                                   Lua since its collector was last told
                                   (lforeign.c: charge) */
    int hosted;                 /* L belongs to a lua5.4 host thread, which holds
                                   the runtime lock for the state's lifetime */
    tdmL_StrSlot *strcache;     /* owned: TDML_STRCACHE slots of C memory (freed
                                   in l_close); NULL until the first cacheable
                                   string, or when there was no memory for it */
    int coref;                  /* ref of the coroutine resumed last, 0: none */
    lua_State *co;              /* borrowed: that coroutine, kept alive by the
                                   ref; forgotten when the ref is released */
    const tdmS_Frame *errframe;  /* borrowed: the frame whose error the message
                                   handler recorded last in this tdmL_op, so an
                                   error in a __close while unwinding replaces it */
    int deptherr;               /* tdmL_key_deptherr holds a value */
    int lasterr;                /* the tdmL_key_lasterr pair is live: that value
                                   crossing out of Lua again is that exception */
    /* interrupts (lwatch.c): guarded by the watchdog's mutex, except that
       intr is read without it (atomic) */
    int intr;                   /* TDML_INTR_* pending for the running code */
    uintptr_t watch_tid;        /* thread whose Lua code is polled, 0: none */
    int watched;                /* on the watchdog's list */
    struct tdmL_State *watch_next;  /* borrowed: next on that list */
    lua_Hook saved_hook;        /* the debug hook an interrupt replaced, or NULL */
    int saved_mask, saved_count;
    lua_State *main;            /* borrowed: L's main thread (a Lua caller elsewhere
                                   runs in a coroutine: tdmS_Frame.incoro) */
    lua_State *running;         /* borrowed: the coroutine running now (resumed
                                   through tdmL_resume), NULL: the main thread;
                                   alive while set (its resumer holds it) */
    int poking;                 /* the watchdog is setting a hook on running */
    struct tdmL_Delegated *delegated;   /* borrowed: calls posted by other
                                   threads for the lock holder to run */
    /* budgets (lbudget.c): the runtime lock's holder reads and writes them */
    int b_on;                   /* a budget is set: each outermost call arms it */
    int b_armed;                /* an outermost call runs under the budget */
    int b_tripped;              /* TDML_BUDGET_*: the budget ran out in this call */
    int b_count;                /* this call's budget counts instructions: the
                                   count hook is set while it runs */
    long long b_max;            /* instructions per call, 0: no limit */
    long long b_left;           /* instructions left in this call */
    long long b_poll_ns;        /* when the count hook last polled signals */
    double b_timeout;           /* seconds per call, 0: none */
    long long b_span;           /* a timeout-only call's deadline: its start on
                                   b_clock plus this (ns: the timeout and the
                                   clock's slack; tdmL_budget_set) */
    int b_clock;                /* clockid_t the deadline starts from */
    int b_wd;                   /* a deadline was announced to the watchdog
                                   (tdmL_watch_deadline): st is listed and the
                                   watchdog fences for plain arming */
    long long b_deadline;       /* CLOCK_MONOTONIC ns, 0: none */
    /* a timeout-only budget has no hook while it runs: the watchdog sets one
       when the deadline passes (lwatch.c: fire). Atomic: the watchdog reads
       them without the runtime lock */
    long long b_dl_ns;          /* CLOCK_MONOTONIC ns of the armed deadline the
                                   watchdog is to enforce, 0: none */
    long long b_fired;          /* the b_dl_ns the watchdog set the hook for */
    long long b_wd_span;        /* the b_span of the last deadline announced
                                   (tdmL_watch_deadline): while calls come,
                                   the watchdog wakes at most this long after
                                   it looked, so the next call's deadline is
                                   never earlier than its wake */
    int b_idle;                 /* 0: a call armed since the watchdog's last
                                   look; 1: none (then it stops waking for
                                   st, and the next call tells it) */
    size_t max_alloc;           /* largest single allocation, 0: no limit */
    int alloc_hit;              /* the last failed allocation passed max_alloc */
    double max_match;           /* pattern cost limit (lsandbox.c), 0: none */
    lua_CFunction sb_orig[4];   /* the sandbox's string.find, match, gmatch,
                                   gsub (TDML_SB_*) when C functions without
                                   upvalues: its guard calls them directly */
    char mp_pat[32];            /* the pattern searched last in the sandbox */
    int mp_len;                 /* its length, -1: none */
    int mp_shape;               /* its factors of the subject's length + 1 */
} tdmL_State;

static inline int tdmL_refstate(const tdmL_State *st, int ref)
{
    return ref > 0 && ref < st->nrefst ? (st->refst[ref >> 2] >> ((ref & 3) * 2)) & 3
                                       : TDML_REF_FREE;
}

/* A value of another language living in Lua (full userdata). Two layouts,
   told apart by the userdata's length:
   - one word (TDML_PWORD bytes), the bulk of what Lua holds: a Python object
     of the default protocol, owning its reference, whose handle is 16-aligned
     below 2^47 (every object pymalloc or malloc makes): the handle or'ed with
     the state's random tag st->ptag, which fills the TDML_PMASK bits (never
     those of such a pointer, nor all zero or all one); 0 handle bits once
     __gc released it. Lua's userdata header (32 bytes) and the word make a
     40-byte request, a 48-byte malloc chunk (the block below makes it 64);
   - this struct, for everything else: views, other protocols, cdata (its
     header), a handle that does not pack.
   Readers get the block decoded into a tdmL_Foreign (tdmL_toforeign). */
#define TDML_PWORD 8
#define TDML_PMASK (~(uint64_t)0 << 47 | (uint64_t)15)
typedef struct tdmL_Foreign {
    void *handle;               /* owns one reference, released in __gc */
    tdm_Runtime *rt;            /* borrowed: outlives the Lua state */
    uint8_t lang;               /* tdm_LangId */
    uint8_t proto;              /* TDM_PROTO_* (bridge/lang.h) */
    uint8_t borrowed;           /* a protocol view: the user value (the original
                                   userdata) owns the handle, __gc releases nothing */
} tdmL_Foreign;

/* Registry keys (addresses of these are the keys; lua_rawgetp). */
TDMI_DATA const char tdmL_key_state;   /* lightuserdata tdmL_State* */
TDMI_DATA const char tdmL_key_cache;   /* weak-valued: handle -> foreign userdata */
TDMI_DATA const char tdmL_key_lasterr; /* {value, exception}: the Lua error value
                                          a LuaError gave back to Lua last */
TDMI_DATA const char tdmL_key_deptherr; /* the error value raised last for a crossing
                                           refused at the depth limit (TDM_ERRDEPTH):
                                           leaving Lua as itself it is TDM_ERRDEPTH */

/* lstate.c */
TDMI_FUNC tdmL_State *tdmL_state(lua_State *L);             /* [-0, +0, -] */
/* The allocator of the Lua states tandem makes (its ud is the tdmL_State):
   lua_getallocf finding it is the cheapest way from L to the state. */
TDMI_FUNC void *tdmL_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Wrap a lua_State we do not own (plain lua5.4 host). */
TDMI_FUNC tdmL_State *tdmL_attach_host(tdm_Runtime *rt, lua_State *L); /* [-0, +0, m] */
/* This adapter's language table (open, close, control: lstate.c). */
TDMI_DATA const tdmR_Lang tdmL_lang;
/* The message handler of every protected call a crossing makes (lops.c),
   for l_open to leave at the base level of the states it makes. */
TDMI_DATA const lua_CFunction tdmL_msgh;
/* lload.c: 1 when the process's global lua_* symbols (what Lua C modules
   bind to) are the Lua this adapter runs on (TDM_CTL_GLOBAL_SYMBOLS). */
TDMI_FUNC int tdmL_global_symbols_are_ours(void);
/* Store the value at idx in a new ref slot; returns the handle. [-0, +0, m] */
TDMI_FUNC void *tdmL_ref(lua_State *L, tdmL_State *st, int idx);
/* Push the value of a handle. [-0, +1, -] */
TDMI_FUNC void tdmL_getref(lua_State *L, tdmL_State *st, void *handle);
/* Push the registry-anchored setup for a fresh state (tables above). [-0,+0,m] */
TDMI_FUNC void tdmL_setup_registry(lua_State *L, tdmL_State *st);
TDMI_FUNC void tdmL_strcache_make(tdmL_State *st);

/* The string cache is two-way set associative: a string's set is two
   adjacent slots, the most recently used first, so two hot strings whose
   identities land in the same set do not evict each other on every
   crossing. The set for a string value, or NULL when it is not cacheable. */
static inline tdmL_StrSlot *tdmL_strset(const tdmL_State *st, const tdm_Value *v)
{
    if (v->key == NULL || v->u.s.n > TDML_STRCACHE_MAX || st->strcache == NULL) {
        return NULL;
    }
    return &st->strcache[2 * tdmI_slot(v->key, TDML_STRCACHE / 2)];
}

/* Is the string in slot sl the value v? Identity first, then content: the
   source may have died and another string taken its address. */
static inline __attribute__((always_inline)) int tdmL_strhit(const tdmL_StrSlot *sl, const tdm_Value *v)
{
    return sl->ref != 0 && sl->key == v->key && sl->n == v->u.s.n
           && tdmI_same_bytes(sl->p, v->u.s.p, v->u.s.n);
}

/* Push v when it is a string first in its cache set (the hot string of a
   call's arguments, a table key): 1, else 0 with nothing pushed. Inline for
   the crossing paths (lops.c: push_args_raw, tdmL_peek, op_tablefrom); the
   rest goes to tdmL_pushraw / tdmL_push, which look at the whole set.
   [-0, +(0|1), -] */
static inline __attribute__((always_inline)) int tdmL_pushcached(lua_State *L,
                                                                 const tdmL_State *st,
                                                                 const tdm_Value *v)
{
    const tdmL_StrSlot *set = v->kind == TDM_STR ? tdmL_strset(st, v) : NULL;
    if (set == NULL || !tdmL_strhit(set, v)) {
        return 0;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, set->ref);
    return 1;
}

/* lload.c */
/* Make sure the global lua_* symbols (what Lua C modules bind to) are this
   state's Lua, publishing them when nobody owns them. 1, or 0 with a
   message in err when another Lua owns them. */
TDMI_FUNC int tdmL_claim_global_symbols(char *err, size_t errlen);
/* Wrap package.loadlib and the C searchers with that check. [-0, +0, m] */
TDMI_FUNC void tdmL_guard_cmodules(lua_State *L);
/* lwatch.c — reached from other languages through tdmR_Lang.control
   (TDM_CTL_WATCH, TDM_CTL_INTERRUPT, TDM_CTL_WATCH_TICK). A watchdog thread
   looks at every watched state about 50 times a second; while thread `tid`
   (Python's main thread; 0: none) runs Lua code of it inside a crossing, the
   watchdog sets a one-shot Lua hook that runs TDM_OP_CHECK for the calling
   language, so signal handlers run and their exception stops the Lua code.
   Call after the state is open; closing it stops watching. Never fails
   (without a watchdog thread, nothing is polled). With tid 0 the state is
   only listed (interrupt() and delegated calls reach it); no thread starts. */
TDMI_FUNC void tdmL_watch(tdm_Runtime *rt, uintptr_t tid);
/* Stop the Lua code running in rt's watched state with the error
   "interrupted". Any thread; does not take the runtime lock. 1 when code was
   running, 0 when nothing ran (nothing happens), -1 when rt's state is not
   watched. */
TDMI_FUNC int tdmL_interrupt(tdm_Runtime *rt);
/* Have the watchdog call fn about 50 times a second, on its own thread with
   every signal blocked (one function per process; NULL stops). */
TDMI_FUNC void tdmL_watch_tick(void (*fn)(void));
/* lwatch.c: set hook h on L under the watchdog's mutex, when L's hook is
   NULL or `expect` (so an interrupt the watchdog set is never replaced).
   [-0, +0, -] */
TDMI_FUNC void tdmL_rehook(lua_State *L, lua_Hook expect, lua_Hook h, int count);
/* lbudget.c — per-call budgets (docs/sandbox.md). Arm at the start of an
   outermost crossing (st->b_on), disarm at its end; a call whose budget ran
   out ends in TDM_ERRTIMEOUT (tdmL_budget_status). Never raise. */
/* tdmL_budget_arm's parts out of line: a budget with max_instructions
   (the count hook); a timeout-only deadline the watchdog must be told of
   (tdmL_watch_deadline). */
TDMI_FUNC void tdmL_budget_arm_count(tdmL_State *st);
TDMI_FUNC void tdmL_budget_announce(tdmL_State *st, long long dl);
/* lwatch.c: when the watchdog wakes next (CLOCK_MONOTONIC ns; LLONG_MAX:
   not before it is told), and whether it fences for the arming calls
   (membarrier: 1) or they are sequentially consistent (0). Atomic. */
TDMI_DATA long long tdmL_wd_wake;
TDMI_DATA int tdmL_wd_fast;
/* Arm the budget at the start of an outermost call. A timeout-only budget
   costs a clock read and a few plain stores and loads: the store of the
   deadline, then the load of the watchdog's wake time. The watchdog stores
   its wake time, then reads every b_dl_ns; one of the two sees the other's
   store (store-load order on both sides), so either the watchdog sees dl
   before it sleeps, or this sees when it wakes and tells it if that is
   after dl. With tdmL_wd_fast the watchdog's membarrier orders this
   thread's plain store and load (a compiler barrier here), so a call pays
   no fence and no read-modify-write; without it both are sequentially
   consistent. Either way no lock and no wake while the watchdog wakes by
   dl, which it does while calls come: it sleeps at most b_wd_span past its
   last look (lwatch.c: earliest), and a call that starts after that look
   has a deadline start + b_span no earlier. Only the first call, one after
   a pause of a whole span, or one with a shorter timeout than the last
   tells it. */
static inline void tdmL_budget_arm(tdmL_State *st)
{
    st->b_armed = 1;
    st->b_tripped = 0;
    if (st->b_max > 0) {
        tdmL_budget_arm_count(st);
        return;
    }
    /* timeout only: no hook; the watchdog sets it at the deadline */
    st->b_count = 0;
    struct timespec ts;
    clock_gettime(st->b_clock, &ts);
    long long dl = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec + st->b_span;
    st->b_deadline = dl;
    __atomic_store_n(&st->b_fired, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&st->b_idle, 0, __ATOMIC_RELAXED);
    if (__builtin_expect(__atomic_load_n(&tdmL_wd_fast, __ATOMIC_RELAXED), 1)) {
        __atomic_store_n(&st->b_dl_ns, dl, __ATOMIC_RELEASE);
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        if (__builtin_expect(dl >= __atomic_load_n(&tdmL_wd_wake, __ATOMIC_RELAXED)
                             && st->b_wd, 1)) {
            return;
        }
    } else {
        __atomic_store_n(&st->b_dl_ns, dl, __ATOMIC_SEQ_CST);
        if (dl >= __atomic_load_n(&tdmL_wd_wake, __ATOMIC_SEQ_CST) && st->b_wd) {
            return;
        }
    }
    tdmL_budget_announce(st, dl);
}
TDMI_FUNC void tdmL_budget_disarm(tdmL_State *st);
TDMI_FUNC void tdmL_budget_set(tdmL_State *st, long long max_instructions, double timeout);
/* tdmL_budget_disarm for the common case, inline: a timeout-only budget
   whose call did not run out and whose deadline the watchdog did not fire
   on; 0 (nothing done) otherwise. A hook the watchdog sets after this read
   of b_fired finds no call armed when it fires, and removes itself. */
static inline int tdmL_budget_disarm_quick(tdmL_State *st)
{
    if (!st->b_armed || st->b_count || st->b_tripped
        || __atomic_load_n(&st->b_fired, __ATOMIC_RELAXED) != 0) {
        return 0;
    }
    st->b_armed = 0;
    __atomic_store_n(&st->b_dl_ns, 0, __ATOMIC_RELEASE);
    return 1;
}
/* The hook a resumed coroutine gets while a budget is armed. [-0, +0, -] */
TDMI_FUNC void tdmL_budget_resume(tdmL_State *st, lua_State *co);
/* The budget's hook: the watchdog sets it (count 1) when a timeout-only
   budget's deadline passes. [-0, +0, v] */
TDMI_FUNC void tdmL_budget_hook(lua_State *L, lua_Debug *ar);
/* lwatch.c: a timeout-only budget was armed with deadline dl_ns
   (st->b_dl_ns) and the watchdog would wake later (tdmL_wd_wake), or st is
   not listed: list st, start the watchdog and wake it. Takes its mutex. */
TDMI_FUNC void tdmL_watch_deadline(tdmL_State *st, long long dl_ns);

/* CLOCK_MONOTONIC in ns (lbudget.c). */
TDMI_FUNC long long tdmL_now_ns(void);
#define TDML_BUDGET_INSTR 1
#define TDML_BUDGET_TIME  2
#define TDML_SB_FIND   0
#define TDML_SB_MATCH  1
#define TDML_SB_GMATCH 2
#define TDML_SB_GSUB   3
#define TDML_SB_N      4
/* lsandbox.c: sandbox a state as the tdm_Policy at index 1 (light
   userdata) says; run under lua_pcall. [-1, +0, m] */
TDMI_FUNC int tdmL_sandbox(lua_State *L);
#define TDML_INTR_STOP 1        /* interrupt(): raise "interrupted" */
#define TDML_INTR_EXC  2        /* re-raise what a signal handler raised */
/* An outermost crossing into Lua starts or ends (runtime lock held): drop
   the interrupt still pending, restore the hook it replaced. Never raises.
   Call only when st->intr is set. [-0, +0, -] */
TDMI_FUNC void tdmL_intr_clear(tdmL_State *st);
/* From the budget's count hook (the watchdog's own poll never runs while
   another hook is set): on the polled thread, at most once per
   TDML_TICK_MS, let the calling language run its pending events (Python's
   signal handlers) and raise what they raise. [-0, +0, v] */
TDMI_FUNC void tdmL_budget_poll(lua_State *L, tdmL_State *st);
/* Stop watching st (before its lua_State is closed). */
TDMI_FUNC void tdmL_unwatch(tdmL_State *st);
/* lua_resume(co, from, nargs, nres) with co recorded as st's running
   coroutine meanwhile, so an interrupt or a signal reaches code looping in
   it (a Lua hook is per coroutine). [-?, +?, -] as lua_resume */
TDMI_FUNC int tdmL_resume(tdmL_State *st, lua_State *co, lua_State *from, int nargs,
                          int *nres);
/* A call another thread asks the runtime lock's holder to run for it, at
   the next Lua instruction the holder executes (a hook): a C thread's Lua
   callback while the holder runs Lua that may be waiting for that very
   callback. */
typedef struct tdmL_Delegated {
    struct tdmL_Delegated *next;        /* borrowed: next posted */
    void (*run)(struct tdmL_Delegated *d, lua_State *L);   /* the holder's thread */
    int state;                  /* TDML_DL_*; guarded by the watchdog's mutex */
} tdmL_Delegated;
#define TDML_DL_POSTED 0
#define TDML_DL_TAKEN 1         /* the holder is running it */
#define TDML_DL_DONE 2
#define TDML_DL_DROPPED 3       /* the state closed before it ran */
/* Post d (any thread but the holder's): 1 posted, 0 when the state cannot
   run it (not watched, or a debug hook of the user's is set). */
TDMI_FUNC int tdmL_delegate(tdm_Runtime *rt, tdmL_Delegated *d);
/* d's state; with take_back, a posted d is unlinked first (then
   TDML_DL_DROPPED is returned: the caller runs it itself). */
TDMI_FUNC int tdmL_delegate_state(tdmL_Delegated *d, int take_back);
/* Wait until a taken d is done. */
TDMI_FUNC void tdmL_delegate_wait(tdmL_Delegated *d);
/* lcoro.c — coroutine.resume and coroutine.wrap through tdmL_resume, in the
   states tandem opens with the standard libraries. [-0, +0, m] */
TDMI_FUNC void tdmL_open_coroutines(lua_State *L, tdmL_State *st);

/* lconvert.c */
/* nil, boolean, number or string at idx -> neutral (strings borrowed);
   0 when the value is none of these. [-0, +0, -] */
TDMI_FUNC int tdmL_tovalue_scalar(lua_State *L, int idx, tdm_Value *v);
/* Lua value at idx -> neutral when that needs no ref (scalars, borrowed
   strings, borrowed foreign handles other than cdata); 0 when it does. [-0, +0, -] */
TDMI_FUNC int tdmL_tovalue_noref(lua_State *L, tdmL_State *st, int idx, tdm_Value *v);
/* Lua value at idx -> neutral. Objects get an owned ref. [-0, +0, m] */
TDMI_FUNC void tdmL_tovalue(lua_State *L, tdmL_State *st, int idx, tdm_Value *v);
/* Neutral -> Lua; steals owned foreign references (clears TDM_VF_OWNED)
   once pushed: after a memory error v still owns what it owned. [-0, +1, m] */
TDMI_FUNC void tdmL_push(lua_State *L, tdmL_State *st, tdm_Value *v);
/* Push v only when that needs no allocation (nil, booleans, numbers, Lua
   objects, strings found in the string cache, objects of other languages
   that already have their userdata); 1 when pushed, 0 when nothing was
   pushed. Takes nothing from v: an owned reference stays owned. Needs two
   free stack slots. [-0, +(0|1), -] */
TDMI_FUNC int tdmL_pushraw(lua_State *L, tdmL_State *st, const tdm_Value *v);
/* Kind code (TDM_OBJ_*) of the Lua value at idx. [-0, +0, -] */
TDMI_FUNC int tdmL_objkind(lua_State *L, int idx);

/* lforeign.c */
/* The foreign block at idx decoded into buf (returned), or NULL (also when
   it was finalized: see tdmL_finalized). A copy: writing it changes nothing.
   A method block (lforeign.c) is made the proxy of its bound method first,
   which calls Python (never Lua code) and is NULL when that fails. Needs one
   free stack slot. [-0, +0, -] */
TDMI_FUNC tdmL_Foreign *tdmL_toforeign(lua_State *L, tdmL_State *st, int idx,
                                       tdmL_Foreign *buf);
/* The foreign block at idx when it is one of ours whose object is gone: the
   collector ran its __gc (or, for a view, its original's) and a Lua
   finalizer resurrected it: decoded into buf (returned). Else NULL. Needs
   one free stack slot. [-0, +0, -] */
TDMI_FUNC tdmL_Foreign *tdmL_finalized(lua_State *L, tdmL_State *st, int idx,
                                       tdmL_Foreign *buf);
/* 1 when the running __gc was called by Lua's collector (or lua_close), 0
   when Lua code called it (debug.getmetatable(o).__gc(o)). [-0, +0, -] */
TDMI_FUNC int tdmL_collecting(lua_State *L);
/* Raise the error for using a finalized object of lang ("deleted python
   object", lupa's words; "cdata already freed"). [-0, +0, v] */
TDMI_FUNC int tdmL_finalized_error(lua_State *L, int lang);
/* Push a userdata for handle (cached by identity when proto is default).
   `owned`: the caller gives one reference, taken only when this returns (a
   memory error leaves it with the caller). `weight`: bytes of the other
   language's memory the object is taken to keep alive (TDML_WEIGHT_*),
   charged to Lua's collector when the userdata is new; may run a GC step
   (finalizers included). [-0, +1, m] */
TDMI_FUNC void tdmL_pushforeign(lua_State *L, tdmL_State *st, tdm_LangId lang,
                                void *handle, int owned, int proto, size_t weight);
/* Push a view of the foreign userdata at idx with another protocol; the view
   keeps the original alive through its user value. [-0, +1, m] */
TDMI_FUNC void tdmL_pushview(lua_State *L, tdmL_State *st, int idx, int proto);
/* 1 when the value at idx is a method block (lforeign.c): a Python method
   read by obj.name from Lua, not yet given its bound object. [-0, +0, -] */
TDMI_FUNC int tdmL_is_method(lua_State *L, tdmL_State *st, int idx);
/* Create the metatable for a foreign language. [-0, +0, m] */
TDMI_FUNC void tdmL_foreign_init(lua_State *L, tdmL_State *st, tdm_LangId lang);
/* Run op on a foreign object with the Lua values at [first, first+n) as
   arguments; push the results; returns their number or raises. [-n?, +r, e] */
TDMI_FUNC int tdmL_foreign_call(lua_State *L, tdmL_State *st, tdm_LangId lang,
                                int op, int sub, int first, int n);
/* The same with args[0] the foreign object self (its handle, protocol
   proto) and the n - 1 values from first + 1 after it (first is not read
   when n is 1). room: stack slots known free above the top (a C function
   that pushed nothing yet has LUA_MINSTACK), so that a few results need no
   lua_checkstack. [-0, +r, e] */
TDMI_FUNC int tdmL_foreign_call_on(lua_State *L, tdmL_State *st, tdm_LangId lang,
                                   int op, int sub, void *self, int proto, int first,
                                   int n, int room);
/* The handle of the live, owned, non-view block of lang whose memory is p
   (len bytes: lua_rawlen of the userdata) when a cheap proof shows it is one
   (no metatable read; a block's memory never moves, so p may be kept while
   the userdata is), NULL otherwise: a view, a finalized block, a stranger.
   [-0, +0, -] */
TDMI_FUNC void *tdmL_block_proof(const tdmL_State *st, tdm_LangId lang, const void *p,
                                 size_t len, int *proto);
/* Raise the error recorded in a finished frame (frees it first). */
TDMI_FUNC int tdmL_raise_frame_error(lua_State *L, tdmL_State *st, tdmS_Frame *f);

/* lpylib.c */
/* The C function behind python.as_function closures (upvalues: st, lang,
   the foreign object). */
TDMI_FUNC int tdmL_asfunc_call(lua_State *L);
/* python.sandbox{...} of `require "tandem"` (upvalues: st, lang): a
   sandboxed child runtime for a lua5.4 host (tandem._luahost). */
TDMI_FUNC int tdmL_lib_sandbox(lua_State *L);
/* Push a table of helpers for foreign language `lang` (python.eval ...);
   flags: TDM_EXPOSE_* (what to include besides the basic helpers). */
TDMI_FUNC void tdmL_push_foreign_lib(lua_State *L, tdmL_State *st, tdm_LangId lang,
                                     int flags);   /* [-0, +1, m] */

/* lmodule.c */
/* The runtime of L: the one that created it, or one adopting a plain lua5.4
   state (pinned to its thread, closed with the state). [-0, +0, m] */
TDMI_FUNC tdm_Runtime *tdmL_runtime_of(lua_State *L);

/* lcdata.c (the ffi binding, lffi.h): cdata crossing into Lua */
/* Push the userdata standing for a TDM_LANG_C value (the same one each time
   the same cdata arrives); steals an owned reference once pushed (as
   tdmL_push). [-0, +1, m] */
TDMI_FUNC void tdmL_cdata_push(lua_State *L, tdmL_State *st, tdm_Value *v);
/* Remember the cdata userdata at idx for identity (it is crossing out). [-0, +0, m] */
TDMI_FUNC void tdmL_cdata_remember(lua_State *L, tdmL_State *st, int idx);
/* lffi.c: require "tandem.ffi" */
TDM_API int luaopen_tandem_ffi(lua_State *L);
TDM_API int luaopen_tandem(lua_State *L);      /* lmodule.c */

/* lops.c */
TDMI_FUNC int tdmL_op(tdmS_Frame *f);        /* tdmR_Lang.op for Lua */
TDMI_FUNC void tdmL_finish(tdmS_Frame *f);   /* tdmR_Lang.finish for Lua */
/* tdmR_Lang.peek / peek_end for Lua (lops.c) */
TDMI_FUNC int tdmL_peek(tdm_Runtime *rt, int op, const tdm_Value *args, int nargs,
                        tdm_Value *res, intptr_t *mark);
TDMI_FUNC void tdmL_peek_end(tdm_Runtime *rt, intptr_t mark);
/* Record the Lua stack of L (from `level`) into e. [-0, +0, -] */
TDMI_FUNC void tdmL_record_trace(lua_State *L, int level, tdmS_Error *e);
/* coroutine.yield as installed by tdmL_setup_registry: Lua's, plus a
   continuation that raises an error a generator throw() delivers. */
TDMI_FUNC int tdmL_yield(lua_State *L);

/* Translation back end (lxlate.c): TDM_OP_LOADIR. [-0, +3, e] */
TDMI_FUNC int tdmL_load_ir(lua_State *L, tdmL_State *st, tdmS_Frame *f);
/* lsrcrec.c: the bounded record of chunk texts loaded under a name that is
   not their text. record: [-0, +0, m]; recorded: pushes the text (a string)
   or false (ambiguous) and returns its type, or pushes nothing and returns
   LUA_TNIL. text NULL: a text not kept (the name's functions are refused).
   tdmL_open_load installs the recording `load`. */
TDMI_FUNC void tdmL_record_source(lua_State *L, const char *name, const char *text,
                                  size_t len);
TDMI_FUNC int tdmL_recorded_source(lua_State *L, const char *name);
TDMI_FUNC void tdmL_open_load(lua_State *L);
/* TDM_OP_SOURCEIR (lsourceir.c): pushes the IR text and the upvalue accessor,
   or nil and "CHUNK:LINE: why" when the function cannot be translated. */
TDMI_FUNC int tdmL_source_ir(lua_State *L, tdmL_State *st, tdmS_Frame *f);
/* lxfast.c: push a table of C fast paths of the pyrt helpers of the table at
   index rt (add sub mul mod ... getitem setitem), each falling back to the
   Lua helper it stands for. [-0, +1, m] */
TDMI_FUNC void tdmL_push_fast(lua_State *L, int rt);
/* lxentry.c: push rt.centry(f, body, nparams), the maker of the C entry
   of a translated function (rt.entry's protocol) for the table at index rt.
   [-0, +1, m] */
TDMI_FUNC void tdmL_push_centry(lua_State *L, int rt);
/* lxbox.c: the boxes standing for Lua values translated Python code holds
   (pyrt's rt.import). tdmL_open_box sets rt.box and rt.boxmode in the pyrt
   table at index rt, which has rt.proxyof and rt.luaof; call it before
   tdmL_push_fast and tdmL_push_centry, whose closures keep the boxes'
   metatable (tdmL_push_boxmeta: it, or false before). [-0, +0, m] */
TDMI_FUNC void tdmL_open_box(lua_State *L, int rt);
TDMI_FUNC int tdmL_push_boxmeta(lua_State *L);
/* Is the value at idx a box? If so push the Lua value it holds and return
   1, else push nothing and return 0. [-0, +(0|1), -] */
TDMI_FUNC int tdmL_unbox(lua_State *L, int idx);
/* Does the Lua value at idx have a box (meta: the index of the boxes'
   metatable)? If so push it and return 1, else push nothing and return 0.
   [-0, +(0|1), -] */
TDMI_FUNC int tdmL_box_lookup(lua_State *L, int idx, int meta);
/* F.getitem(o, k) (stack 1, 2) of a box o of a table without a metatable
   when the read gives what pyrt's rt.luaget gives without a crossing: 1
   and the value pushed; else 0, values perhaps pushed above 2. [-0, +?, -] */
TDMI_FUNC int tdmL_box_getitem(lua_State *L, int meta);
/* lxlate.c: is the value at idx a translated function's entry (rt.xentries)?
   [-0, +0, -] */
TDMI_FUNC int tdmL_is_xentry(lua_State *L, int idx);

#endif /* TDM_LADAPTER_H */
