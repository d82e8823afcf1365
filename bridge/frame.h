/*
 * frame.h — the neutral frame: one crossing between languages.
 *
 * A frame records the operation, its language, its arguments and results, and
 * — when it fails — the error: status, message, the error object (a Python
 * exception or a Lua error value, kept as a handle) and the stack entries of
 * the failing language, so the other side can show them as its own traceback
 * entries. Frames live on the C stack of the caller; rt->top links them.
 */
#ifndef TDM_FRAME_H
#define TDM_FRAME_H

#include <string.h>
#include "lang.h"

#define TDM_FRAME_INLINE 6      /* args/results held without allocation */
#define TDM_MAX_DEPTH 180       /* nested crossings before TDM_ERRDEPTH */

/* tdmS_Frame.excl: whether other threads of the caller's language can run
   while the callee runs. */
enum {
    TDMS_EXCL_NO = 0,       /* they can (Python: the GIL was released) */
    TDMS_EXCL_SOLE = 1,     /* there are none (Python: the only thread, GIL kept) */
    TDMS_EXCL_KEPT = 2      /* there are, but the caller kept its lock (Python: a
                               translated function keeps the GIL, as Python code
                               does): they run only inside crossings, each of which
                               bumps the epoch, and in the watchdog's polls
                               (runtime.h, kept_tid), which are crossings */
};

/* One entry of a language's stack, innermost last in tdmS_Error.trace. */
typedef struct tdmS_TraceEntry {
    char *func;         /* owns: malloc'd, freed by tdmS_clear_error; may be NULL */
    char *source;       /* owns: chunk name or file name */
    int line;           /* 0 when unknown */
    tdm_LangId lang;
} tdmS_TraceEntry;

struct tdmS_Error {
    int status;                 /* tdm_Status; TDM_OK when no error */
    char *message;              /* owns: malloc'd text, NULL if none */
    tdm_Value value;            /* the error object (TDM_VF_OWNED), or nil */
    tdm_Value inner;            /* when `value` stands for an error value of the
                                   language the error goes to (a LuaError's Lua
                                   value): that value (owned), given there instead;
                                   nil (flags 0) when there is none */
    tdmS_TraceEntry *trace;      /* owns: array of ntrace entries */
    int ntrace;
    char *tbtext;               /* owns: formatted traceback text, or NULL */
};

struct tdmS_Frame {
    tdm_Runtime *rt;            /* borrowed: the runtime, alive during the call */
    tdmS_Frame *prev;            /* borrowed: the enclosing crossing, or NULL */
    const tdmR_Lang *lang;       /* borrowed: callee language (static table) */
    uint8_t op;                 /* tdmS_Op */
    uint8_t sub;                /* tdmS_CmpOp / tdmS_ArithOp */
    uint8_t from;               /* tdm_LangId of the caller */
    uint8_t entered;            /* callee zone entered (finish owed) */
    uint8_t held;               /* the caller took the runtime lock for it */
    uint8_t unblocked;          /* the caller's language was unblocked (tdmS_unblock) */
    uint8_t owning;             /* an argument may own something (1 unless the caller
                                   knows none does); 0 skips tdmS_end's release walk */
    uint8_t excl;               /* TDMS_EXCL_*: whether the caller keeps every other
                                   thread of its language out while the callee runs;
                                   TDMS_EXCL_NO unless it says so (a caller may set
                                   TDMS_EXCL_KEPT before tdmP_enter to ask for it) */
    uint8_t incoro;             /* the caller runs in a coroutine of its language, not
                                   on its main thread (set by the caller's adapter;
                                   read by the callee's: translated code asking
                                   whether it may yield) */
    int nargs;
    int nres;
    int maxres;                 /* results wanted; -1 for all */
    tdm_Value *args;            /* borrowed or argbuf */
    tdm_Value *res;             /* resbuf or owns: malloc'd, freed in tdmS_end */
    void *host;                 /* caller adapter's saved state (e.g. PyThreadState) */
    intptr_t scratch;           /* callee adapter's state (e.g. Lua stack base) */
    int levels;                 /* callee adapter's state (Lua: call levels on the
                                   stack below the crossing, not its own) */
    tdmS_Error err;
    tdm_Value argbuf[TDM_FRAME_INLINE];
    tdm_Value resbuf[TDM_FRAME_INLINE];
};

/* Prepare a frame for `op` on language `lang` called from `from`. Inline:
   every crossing starts with it, and the error record's clearing is a few
   stores when its size is known where it is compiled (issue 14). */
static inline void tdmS_init(tdmS_Frame *f, tdm_Runtime *rt, const tdmR_Lang *lang,
                             int op, tdm_LangId from)
{
    f->rt = rt;
    f->prev = NULL;
    f->lang = lang;
    f->op = (uint8_t)op;
    f->sub = 0;
    f->from = (uint8_t)from;
    f->entered = 0;
    f->held = 0;
    f->unblocked = 0;
    f->owning = 1;
    f->excl = TDMS_EXCL_NO;
    f->incoro = 0;
    f->nargs = 0;
    f->nres = 0;
    f->maxres = -1;
    f->args = f->argbuf;
    f->res = f->resbuf;
    f->host = NULL;
    f->scratch = 0;
    f->levels = 0;
    memset(&f->err, 0, sizeof f->err);
}
/* Make room for n arguments (f->args), keeping the f->nargs already there;
   grows the inline buffer once (call it with the final count). TDM_OK or
   TDM_ERRMEM. */
TDMI_FUNC int tdmS_reserve_args(tdmS_Frame *f, int n);
/* Make room for n results (f->res); TDM_OK or TDM_ERRMEM. */
TDMI_FUNC int tdmS_reserve_res(tdmS_Frame *f, int n);

/* Push the frame on rt's chain and run lang->op. Checks depth and whether
   the runtime is closed first. The caller holds the runtime lock (tdmR_enter):
   rt->top is only touched under it, and callees rely on it. Returns the
   status (also in f->err.status). */
TDMI_FUNC int tdmS_call(tdmS_Frame *f);
/* Set by a host language's adapter on its thread just before it calls the
   entry of a translated function itself (not through other code of the
   entry's language), cleared after: the entry reads and clears it first,
   so it knows its caller is the host (a returned tuple is one value then,
   several for a caller of its own language in a runtime that unpacks
   returned tuples). */
TDMI_DATA _Thread_local int tdmS_host_xcall;
/* After the results are consumed: lang->finish, then arguments still owned
   are released through their language and the buffers freed (f->nargs = 0).
   The error (if any) stays in f->err until tdmS_clear_error. */
TDMI_FUNC void tdmS_end_full(tdmS_Frame *f);
static inline void tdmS_end(tdmS_Frame *f)
{
    /* the common crossing has nothing to finish, release or free */
    if (f->entered || (f->owning && f->nargs > 0) || f->args != f->argbuf
        || f->res != f->resbuf) {
        tdmS_end_full(f);
        return;
    }
    f->nargs = 0;
    f->nres = 0;
}

/* Error recording (the callee writes these into its frame). */
TDMI_FUNC int tdmS_error(tdmS_Frame *f, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
TDMI_FUNC int tdmS_error_lstr(tdmS_Frame *f, int status, const char *msg, size_t n);
TDMI_FUNC int tdmS_add_trace(tdmS_Error *e, tdm_LangId lang, const char *func,
                             const char *source, int line);
TDMI_FUNC void tdmS_set_tbtext(tdmS_Error *e, const char *text, size_t n);
/* Set status and a copy of msg as e's message (an older message is freed).
   Outside a frame: e.g. a language failing to start. Returns status. */
TDMI_FUNC int tdmS_set_error(tdmS_Error *e, int status, const char *msg);
/* Move an error from one record to another (dst cleared first). */
TDMI_FUNC void tdmS_move_error(tdmS_Error *dst, tdmS_Error *src);
/* Free what an error owns; releases its error object through rt. */
TDMI_FUNC void tdmS_clear_error(tdm_Runtime *rt, tdmS_Error *e);

/* Around a native call that may block: let the language whose crossing is
   running (rt->top's caller) run its other threads. Returns the frame to
   pass to tdmS_reblock, or NULL when there was nothing to do. */
TDMI_FUNC tdmS_Frame *tdmS_unblock(tdm_Runtime *rt);
TDMI_FUNC void tdmS_reblock(tdm_Runtime *rt, tdmS_Frame *f);

/* Number of frames on rt's chain. */
TDMI_FUNC int tdmS_depth(const tdm_Runtime *rt);

#endif /* TDM_FRAME_H */
