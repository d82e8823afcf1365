/*
 * psignal.c — Ctrl-C for Python code that a lua5.4 host runs.
 *
 * lua.c handles SIGINT itself while a chunk runs (its handler only sets a
 * Lua hook, which fires when Lua code runs again), and CPython is started
 * without its own handlers (Py_InitializeEx(0)): a Python loop called from
 * Lua could not be stopped. tdmP_host_signals makes SIGINT reach it:
 *  - Python's SIGINT handler becomes default_int_handler (KeyboardInterrupt)
 *    without CPython's C handler being left installed;
 *  - tandem's C handler: while the host runs Python code for Lua (the
 *    innermost crossing is into Python) it trips Python's SIGINT
 *    (PyErr_SetInterrupt, async-signal-safe): KeyboardInterrupt is raised
 *    in that code and reaches Lua as an error value Lua can catch.
 *    Otherwise it does what the handler it stands in front of does (lua.c's,
 *    which stops the Lua code, or the default action);
 *  - lua.c installs its handler again for every chunk (every line at the
 *    prompt), so the watchdog (adapters/lua/lwatch.c) puts tandem's back in
 *    front of it, about 50 times a second.
 */
#include <signal.h>
#include <string.h>
#include "padapter.h"

static tdm_Runtime *host_rt;        /* atomic; borrowed: cleared by
                                       tdmP_host_signals_off before rt goes */
static struct sigaction prev_int;   /* the handler tandem's stands in front of */

static void on_sigint(int sig, siginfo_t *info, void *uc)
{
    tdm_Runtime *rt = __atomic_load_n(&host_rt, __ATOMIC_ACQUIRE);
    tdmS_Frame *top = rt != NULL ? __atomic_load_n(&rt->top, __ATOMIC_ACQUIRE) : NULL;
    if (top != NULL && top->lang == &tdmP_lang) {
        PyErr_SetInterrupt();
        return;
    }
    struct sigaction p = prev_int;
    if (p.sa_flags & SA_SIGINFO) {
        if (p.sa_sigaction != NULL) {
            p.sa_sigaction(sig, info, uc);
        }
    } else if (p.sa_handler == SIG_DFL) {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(sig, &dfl, NULL);
        raise(sig);         /* delivered on return: the default action */
    } else if (p.sa_handler != SIG_IGN) {
        p.sa_handler(sig);
    }
}

/* Put tandem's handler in front of the current one (unless SIGINT is
   ignored). Runs on the watchdog thread too. */
static void rechain(void)
{
    struct sigaction cur;
    if (sigaction(SIGINT, NULL, &cur) != 0) {
        return;
    }
    if (cur.sa_flags & SA_SIGINFO ? cur.sa_sigaction == on_sigint
                                  : cur.sa_handler == SIG_IGN) {
        return;
    }
    struct sigaction mine;
    memset(&mine, 0, sizeof mine);
    mine.sa_sigaction = on_sigint;
    mine.sa_flags = SA_SIGINFO;     /* no SA_RESTART: a sleep in Python wakes up */
    sigemptyset(&mine.sa_mask);
    prev_int = cur;
    sigaction(SIGINT, &mine, NULL);
}

void tdmP_host_signals(tdm_Runtime *rt)
{
    /* Python's handler for SIGINT: KeyboardInterrupt. signal.signal also
       installs CPython's C handler, which would take Ctrl-C away from Lua
       code: the one before it goes back. */
    struct sigaction cur;
    int saved = sigaction(SIGINT, NULL, &cur) == 0;
    PyObject *sig = PyImport_ImportModule("signal");
    PyObject *h = sig != NULL ? PyObject_GetAttrString(sig, "default_int_handler") : NULL;
    PyObject *r = h != NULL ? PyObject_CallMethod(sig, "signal", "iO", SIGINT, h) : NULL;
    if (r == NULL) {
        PyErr_Clear();
    }
    Py_XDECREF(r);
    Py_XDECREF(h);
    Py_XDECREF(sig);
    if (saved) {
        sigaction(SIGINT, &cur, NULL);
    }
    __atomic_store_n(&host_rt, rt, __ATOMIC_RELEASE);
    rechain();
    tdmR_control(NULL, TDM_LANG_LUA, TDM_CTL_WATCH_TICK, (long long)(uintptr_t)rechain);
}

void tdmP_host_signals_off(tdm_Runtime *rt)
{
    if (__atomic_load_n(&host_rt, __ATOMIC_ACQUIRE) == rt) {
        tdmR_control(NULL, TDM_LANG_LUA, TDM_CTL_WATCH_TICK, 0);
        __atomic_store_n(&host_rt, NULL, __ATOMIC_RELEASE);
    }
}
