/*
 * runtime.h — the neutral runtime: languages attached, the runtime lock, the
 * chain of crossings, the deferred-release queue and the identity map.
 *
 * A runtime is reference counted: proxies hold it so that an object used after
 * its runtime was closed reports TDM_ERRCLOSED instead of touching freed memory.
 */
#ifndef TDM_RUNTIME_H
#define TDM_RUNTIME_H

#include <pthread.h>
#include "frame.h"
#include "intern.h"

typedef struct tdmR_Pending {
    uint8_t lang;               /* tdm_LangId owning the handle */
    void *handle;               /* one reference to drop */
} tdmR_Pending;

struct tdm_Runtime {
    const tdmR_Lang *lang[TDM_NLANG];    /* borrowed: static adapter tables */
    void *state[TDM_NLANG];     /* per-language state, owned by that adapter;
                                   [TDM_LANG_NONE]: the C host API's (adapters/embed:
                                   each host thread's last error) */
    /* The runtime lock: recursive, an atomic owner word for the uncontended
       path (no syscall, no mutex), a mutex + condition for waiters. */
    uintptr_t owner;            /* atomic: owning thread id, 0 when free */
    uintptr_t kept_tid;         /* atomic: the owner while it runs a crossing that
                                   kept its language's lock (Python's GIL) although
                                   other threads of that language exist (frame.h,
                                   TDMS_EXCL_KEPT): the watchdog polls it so they
                                   get turns; 0 when none */
    int nlocked;                /* recursion count, touched by the owner only */
    int waiters;                /* atomic: threads blocked in tdmR_lock */
    pthread_mutex_t wait_mutex;
    pthread_cond_t wait_cond;
    tdmS_Frame *top;             /* borrowed: innermost crossing */
    /* Bumped by every crossing (tdmS_call), every release of a foreign object
       (it may run a finalizer) and every tdmS_reblock: unchanged between two
       reads by the lock holder means no code of another language ran on this
       thread in between (translated code's global cache, adapters/lua/lxlate.c). */
    uint64_t epoch;
    /* The bumps of read-only host calls translated code made (a global, a
       module's attribute: adapters/lua/lxlate.c, rt.hpure), which ran no
       other code: rt.epoch() is epoch - pure, so those reads leave every
       value cached before them valid. */
    uint64_t pure;
    int depth;                  /* frames on the chain */
    int maxdepth;               /* TDM_MAX_DEPTH unless changed */
    int closed;                 /* set by tdmR_close */
    int intr_asked;             /* atomic: a C host's tdm_interrupt was made since
                                   its last outermost call ended (adapters/embed) */
    int pinned;                 /* the lock is held for good by a host thread
                                   (a lua5.4 that required tandem) */
    int refs;                   /* references to this struct (atomic) */
    pthread_mutex_t qlock;      /* guards the pending queue */
    tdmR_Pending *pending;       /* owns: queue of deferred releases */
    int npending, cpending;
    int haspending;             /* atomic (relaxed): a cheap check without qlock;
                                   read it with tdmR_haspending */
    tdmI_Map ids;               /* identity: foreign object -> proxy (weak) */
    /* For a language with a cycle collector (Python): which of its handles
       objects of other languages own, and how many times. Guarded by
       hlock, not the runtime lock, so the collector may read it from any
       thread. Errors only ever make it show fewer references. */
    tdmI_Set held[TDM_NLANG];   /* handle -> count (TDMI_COUNTED) */
    pthread_mutex_t hlock;
    void *ffi;                  /* owns: the ffi type registry (ffi/), or NULL */
    void (*ffi_free)(void *);   /* frees `ffi` at destruction */
    /* Every live runtime is on one process-wide list, so that a fork()
       child can reset their locks (runtime.c, pthread_atfork). */
    struct tdm_Runtime *reg_prev, *reg_next;
};

/* New runtime with no language attached; refs = 1. NULL when out of memory.
   The first call registers tandem's fork handlers: in a fork() child, the
   locks of every runtime (runtime lock, queue, held record) are reset, the
   runtime lock staying with the forking thread only if it held it, so the
   child can use a runtime another thread of the parent was inside. */
TDMI_FUNC tdm_Runtime *tdmR_new(void);
TDMI_FUNC void tdmR_attach(tdm_Runtime *rt, const tdmR_Lang *lang, void *state);
/* Forget language `lang` in rt (its table and state pointer): no hook of it
   runs on rt afterwards. Its state must be freed already (lang->close). */
TDMI_FUNC void tdmR_detach(tdm_Runtime *rt, tdm_LangId lang);
/* Free language `lang`'s state in rt through its close hook, when attached
   (the table stays until tdmR_detach). Caller holds the runtime lock. */
TDMI_FUNC void tdmR_close_lang(tdm_Runtime *rt, tdm_LangId lang);
/* Make the objects of language `from` reachable from the code of `into`
   under `name` (TDM_OP_EXPOSE on `into`; flags: TDM_EXPOSE_*). One frame
   from the host (TDM_LANG_NONE): takes the runtime lock; with Python as
   `from`, call it with the GIL released or in a runtime no other thread
   knows yet. TDM_OK, or the status with the error moved into *err. */
TDMI_FUNC int tdmR_expose(tdm_Runtime *rt, tdm_LangId into, tdm_LangId from,
                          const char *name, int flags, tdmS_Error *err);
/* Mark closed; languages detach their state themselves. Idempotent. */
TDMI_FUNC void tdmR_close(tdm_Runtime *rt);
TDMI_FUNC void tdmR_incref(tdm_Runtime *rt);
/* Drops a reference; frees the struct at zero. */
TDMI_FUNC void tdmR_decref(tdm_Runtime *rt);

TDMI_FUNC void tdmR_lock(tdm_Runtime *rt);
TDMI_FUNC int tdmR_trylock(tdm_Runtime *rt);        /* 1 when taken */
TDMI_FUNC void tdmR_unlock(tdm_Runtime *rt);
TDMI_FUNC int tdmR_held(const tdm_Runtime *rt);     /* by this thread */
/* Take the runtime lock before starting a crossing (tdmS_call links the frame
   into rt->top, which only the lock holder may touch). Returns TDM_OK, or
   TDM_ERRARG without blocking when the runtime is pinned to another thread.
   Call without holding the GIL. */
TDMI_FUNC int tdmR_enter(tdm_Runtime *rt);

/* Another language's object took (delta = 1) or dropped (delta = -1) one
   reference to a handle of `lang`. Thread-safe; never fails (a record that
   cannot grow is skipped: the collector then sees fewer references). */
TDMI_FUNC void tdmR_hold(tdm_Runtime *rt, tdm_LangId lang, void *handle, int delta);
/* Call fn once for every handle of `lang` that other languages own at least
   once, with the number of references as (void *)count (under hlock; fn
   must not call back into the runtime). Stops at and returns the first
   nonzero result. */
TDMI_FUNC int tdmR_each_held(tdm_Runtime *rt, tdm_LangId lang,
                             int (*fn)(const void *handle, void *count, void *arg),
                             void *arg);

/* Queue one reference of `lang` for release (thread-safe, never blocks on
   the runtime lock). Returns 0, or -1 when the queue cannot grow (the
   reference is then leaked, never freed twice). */
TDMI_FUNC int tdmR_defer(tdm_Runtime *rt, tdm_LangId lang, void *handle);
/* Release every queued reference of `lang` through lang->release. Call from
   inside that language's zone. */
TDMI_FUNC void tdmR_drain(tdm_Runtime *rt, tdm_LangId lang);

/* Whether releases may be queued: a hint read without qlock by the thread
   holding the runtime lock while tdmR_defer sets it from any thread (a
   release queued just after it is read waits for the next crossing). A
   relaxed atomic load, the same instruction as a plain one on x86-64 and not
   a data race (make tsan-test reported the plain read). */
static inline int tdmR_haspending(const tdm_Runtime *rt)
{
    return __atomic_load_n(&rt->haspending, __ATOMIC_RELAXED);
}

#endif /* TDM_RUNTIME_H */
