/*
 * boot.h — the entry points each adapter provides so that another adapter (or
 * the C host API) can start it without including its interpreter's header.
 *
 * Declared here, in the core, so that dependencies point inward: the Python
 * extension starts a Lua state through tdmL_open, the Lua module starts
 * CPython through tdmP_boot, and neither includes the other's header.
 */
#ifndef TDM_BOOT_H
#define TDM_BOOT_H

#include "lang.h"

/* The language tables (static; one per adapter). */
TDMI_DATA const tdm_Lang tdmL_lang;
TDMI_DATA const tdm_Lang tdmP_lang;

/* ---- Lua adapter ------------------------------------------------------- */

typedef struct tdm_LuaOptions {
    size_t max_memory;          /* 0: unlimited */
    int open_libs;              /* open the standard libraries */
    int python_table;           /* install the `python` table (needs Python attached) */
    int register_eval;          /* python.eval available */
    int register_builtins;      /* python.builtins available */
} tdm_LuaOptions;

/* Create a Lua state owned by rt and attach tdmL_lang. TDM_OK, or a status
   with a message in err. Call without holding any interpreter lock except
   the caller's own (e.g. with the GIL held: Lua code does not run here). */
TDMI_FUNC int tdmL_open(tdm_Runtime *rt, const tdm_LuaOptions *o, char *err,
                        size_t errlen);
/* Close rt's Lua state (runs finalizers). Caller holds the runtime lock. */
TDMI_FUNC void tdmL_close(tdm_Runtime *rt);
/* 1 when the process's global lua_* symbols (what Lua C modules bind to)
   are the Lua this adapter runs on (lload.c). */
TDMI_FUNC int tdmL_global_symbols_are_ours(void);
/* Install the `python` table once Python is attached (takes the lock). */
TDMI_FUNC int tdmL_install_foreign(tdm_Runtime *rt, tdm_LangId lang,
                                   const char *name, const tdm_LuaOptions *o);

typedef enum tdm_LuaCtl {
    TDM_LCTL_GC_COLLECT,        /* full collection; -> 0 */
    TDM_LCTL_GC_STOP,           /* -> 0 */
    TDM_LCTL_GC_RESTART,        /* -> 0 */
    TDM_LCTL_GC_ISRUNNING,      /* -> 0/1 */
    TDM_LCTL_MEM_USED,          /* -> bytes in use */
    TDM_LCTL_MEM_MAX,           /* -> limit, 0 = none */
    TDM_LCTL_MEM_SETMAX,        /* arg: new limit (0 = none) -> 0 */
    TDM_LCTL_VERSION_NUM        /* -> LUA_VERSION_NUM (504) */
} tdm_LuaCtl;

/* Non-raising control of rt's Lua state. Takes the runtime lock itself, so
   call it with the GIL released (a finalizer may call back into Python).
   Returns the value described above, or -1 when the runtime is closed. */
TDMI_FUNC long long tdmL_control(tdm_Runtime *rt, tdm_LuaCtl ctl, long long arg);
/* "Lua 5.4.x", static storage. */
TDMI_FUNC const char *tdmL_release_name(void);

/* Interrupts (adapters/lua/lwatch.c). A watchdog thread looks at every
   watched state about 50 times a second; while thread `tid` (Python's main
   thread; 0: none) runs Lua code of it inside a crossing, the watchdog sets a
   one-shot Lua hook that runs TDM_OP_CHECK for the calling language, so
   signal handlers run and their exception stops the Lua code. Call after
   tdmL_open; tdmL_close stops watching. Never fails (without a watchdog
   thread, nothing is polled). */
TDMI_FUNC void tdmL_watch(tdm_Runtime *rt, uintptr_t tid);
/* Stop the Lua code running in rt's watched state with the error
   "interrupted". Any thread; does not take the runtime lock. 1 when code was
   running, 0 when nothing ran (nothing happens), -1 when rt's state is not
   watched. */
TDMI_FUNC int tdmL_interrupt(tdm_Runtime *rt);
/* Have the watchdog call fn about 50 times a second, on its own thread with
   every signal blocked (one function per process; NULL stops). */
TDMI_FUNC void tdmL_watch_tick(void (*fn)(void));

/* ---- Python adapter ---------------------------------------------------- */

/* Start CPython if the process has none (loading libpython with global
   symbols first), and attach tdmP_lang to rt. Safe to call when Python is
   already running (then it only attaches). TDM_OK or status + err. */
TDMI_FUNC int tdmP_boot(tdm_Runtime *rt, char *err, size_t errlen);
/* Detach Python from rt (drops per-runtime Python state). */
TDMI_FUNC void tdmP_detach(tdm_Runtime *rt);

#endif /* TDM_BOOT_H */
