/*
 * ccallback.h — C function pointers that call back into a language.
 *
 * A callback is a libffi closure whose handler converts the C arguments to
 * neutral values and calls the adapter's `invoke`. The handler never unwinds
 * through C frames: when invoke fails (or a conversion does), the error is
 * stored in the pending slot of the innermost native call on this thread
 * (tdmF_call re-raises it once the C function returns), or — when no native
 * call of ours is running on this thread — in the callback's own slot, read
 * with tdmF_callback_take_error. The C caller then receives the declared
 * error value (zero unless given).
 *
 * Lifetime: a callback is bound while its cdata lives and until
 * tdmF_callback_free. The trampoline itself stays allocated until the
 * registry is freed, so C code calling a freed callback gets the error
 * value and an error "callback called after it was freed", never a crash.
 */
#ifndef TDM_FFI_CCALLBACK_H
#define TDM_FFI_CCALLBACK_H

#include "cdata.h"

/*
 * The adapter's handler. args[0..nargs) are borrowed (released by the
 * engine after invoke returns). On success *result is set (ownership moves
 * to the engine, which converts it to the C result type and releases it);
 * nil for void callbacks. On failure return a status and fill *err: message
 * (malloc'd), value (the error object, TDM_VF_OWNED) and traceback, as a
 * bridge error record. Called with whatever lock the C caller holds: the
 * adapter takes its own language lock/GIL inside.
 * TDMF_CB_ERRVAL (negative, no tdm_Status): the handler dealt with an error itself (cffi's
 * onerror/stderr reporting): C gets the error value, nothing is parked.
 */
#define TDMF_CB_ERRVAL (-100)
typedef int (*tdmF_Invoke)(void *ud, const tdmF_Type *fn, int nargs, const tdm_Value *args,
                           tdm_Value *result, tdmS_Error *err);

typedef struct tdmF_Callback tdmF_Callback;

/* A callback of function type `fn` (a function or a pointer to function
   type; not variadic). `drop(ud)` is called when the binding ends (free,
   set, or the cdata's death). errval: the value returned to C when invoke
   fails (NULL: zero). *out: a new cdata of pointer-to-function type. */
TDMI_FUNC int tdmF_callback_new(tdmF_Registry *R, const tdmF_Type *fn, tdmF_Invoke invoke,
                                void *ud, void (*drop)(void *ud), const tdm_Value *errval,
                                tdmF_CData **out, tdmF_Err *err);
/* Rebind (cb:set(fn)): the old ud is dropped. Error when freed or when cd
   is not a callback. */
TDMI_FUNC int tdmF_callback_set(tdmF_CData *cd, tdmF_Invoke invoke, void *ud,
                                void (*drop)(void *ud), tdmF_Err *err);
/* Unbind now (cb:free()); the cdata stays a valid, dead pointer. */
TDMI_FUNC int tdmF_callback_free(tdmF_CData *cd, tdmF_Err *err);
/* 1 if cd is a callback that is still bound. */
TDMI_FUNC int tdmF_callback_alive(const tdmF_CData *cd);
/* Move out an error raised while no native call was waiting for it.
   Returns 1 when there was one. */
TDMI_FUNC int tdmF_callback_take_error(tdmF_CData *cd, tdmS_Error *out);
/* Called by tdmF_cd_decref when a callback cdata dies. */
TDMI_FUNC void tdmF_callback_release(void *cb);

/* Per-thread stack of native calls waiting for callback errors. */
typedef struct tdmF_CallCtx {
    struct tdmF_CallCtx *prev;  /* borrowed: the enclosing native call */
    tdmS_Error err;              /* owns: the first callback error, status 0 if none */
} tdmF_CallCtx;

TDMI_FUNC void tdmF_ctx_push(tdmF_CallCtx *c);
TDMI_FUNC void tdmF_ctx_pop(tdmF_CallCtx *c);

/* The innermost native call's callback-error context on this thread, for
   call fast paths that push/pop it inline (tdmF_ctx_push/pop are the
   function forms). Initial-exec TLS. */
TDMI_DATA _Thread_local tdmF_CallCtx *tdmF_tls_ctx __attribute__((tls_model("initial-exec")));

/*
 * Callbacks arriving on a thread that does not hold the runtime lock while
 * its holder is inside a native call (a C thread started by that call, which
 * joins it): the adapter refuses them instead of waiting forever. The
 * holder's native call paths count themselves (enter/leave around the C
 * call, only while holding the lock) and, when C returns, raise a refusal
 * recorded meanwhile (tdmF_busy_take).
 */
TDMI_FUNC tdmF_Busy *tdmF_busy(tdmF_Registry *R);
/* Only the lock holder changes the count (the lock orders the holders), so
   a plain increment published with a release store is enough: no locked
   instruction on the call path. */
static inline void tdmF_busy_enter(tdmF_Busy *b)
{
    __atomic_store_n(&b->native, __atomic_load_n(&b->native, __ATOMIC_RELAXED) + 1,
                     __ATOMIC_RELEASE);
}
static inline void tdmF_busy_leave(tdmF_Busy *b)
{
    __atomic_store_n(&b->native, __atomic_load_n(&b->native, __ATOMIC_RELAXED) - 1,
                     __ATOMIC_RELEASE);
}
/* Is the lock holder inside a native call? (any thread) */
static inline int tdmF_busy_native(tdmF_Busy *b)
{
    return __atomic_load_n(&b->native, __ATOMIC_ACQUIRE) > 0;
}
/* Record a refused callback's message for the holder's native call (the
   first one is kept). Any thread. */
TDMI_FUNC void tdmF_busy_refuse(tdmF_Busy *b, const char *msg);
/* Take the recorded message (malloc'd: free it), or NULL. */
static inline char *tdmF_busy_take(tdmF_Busy *b)
{
    if (__builtin_expect(__atomic_load_n(&b->refused, __ATOMIC_RELAXED) == NULL, 1)) {
        return NULL;
    }
    return __atomic_exchange_n(&b->refused, NULL, __ATOMIC_ACQ_REL);
}

#endif /* TDM_FFI_CCALLBACK_H */
