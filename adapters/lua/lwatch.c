/*
 * lwatch.c — stopping running Lua code: LuaRuntime.interrupt() from any
 * thread, and Python's signal handlers (Ctrl-C, signal.alarm) while Lua code
 * runs on Python's main thread.
 *
 * Both go through one Lua hook set from outside the running code —
 * lua_sethook may be called asynchronously, as lua.c does from its SIGINT
 * handler — so Lua code that is not interrupted pays nothing:
 *  - a watchdog thread (every signal blocked) wakes every TDML_TICK_MS; for
 *    each watched state whose runtime lock the polled thread holds and that
 *    has no hook, it sets a one-shot count hook. That hook, inside a
 *    crossing, runs TDM_OP_CHECK on the calling language (Python: its signal
 *    handlers) and removes itself. An exception a handler raised becomes the
 *    pending interrupt (TDML_INTR_EXC);
 *  - tdmL_interrupt marks TDML_INTR_STOP and sets the hook.
 * While an interrupt is pending the hook fires at every instruction and
 * raises (the same exception object, or "interrupted"), so no pcall keeps the
 * code running; the interrupt is dropped when the outermost crossing ends
 * (tdmL_finish: the only cost on the crossing path, one load and branch).
 * tdmL_interrupt takes back an interrupt whose crossing ended as it was set;
 * one that raced with the end of a call so closely that both missed it stops
 * the next call on that runtime instead.
 *
 * The watchdog also enforces timeout-only budgets (lbudget.c): it wakes at
 * the earliest armed deadline (st->b_dl_ns) and sets the budget's hook on the
 * state and its running coroutine (fire), so such a budget costs nothing
 * while the call runs. It ticks (every TDML_TICK_MS) only while a state is
 * polled or a tick function is set; otherwise it sleeps until the next
 * deadline, or until told. A call arms its deadline without its mutex and
 * without waking it while it wakes no later (tdmL_budget_arm in
 * ladapter.h; wd_wait for the other half of that handshake).
 *
 * A Lua hook belongs to one coroutine, so the hook is set on the state's
 * main thread (as lua.c does) and on the coroutine running now: resumes go
 * through tdmL_resume (Python's and C's through lops.c, Lua's through
 * lcoro.c's coroutine.resume and coroutine.wrap), which records it.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <linux/membarrier.h>
#endif
#include "ladapter.h"

#define TDML_TICK_MS 20

/* Guards the list, the interrupt fields of every listed state (except reads
   of intr), and hooks set from outside the running thread. */
static pthread_mutex_t wd_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond = PTHREAD_COND_INITIALIZER;  /* wakes the watchdog */
static pthread_cond_t dl_cond = PTHREAD_COND_INITIALIZER;  /* a delegated call ended */
static tdmL_State *wd_list;             /* borrowed: unlinked by tdmL_unwatch */
static void (*wd_tick)(void);
static int wd_running;                  /* the thread runs its loop */
static int wd_joinable;                 /* wd_thread was started and not joined */
static pthread_t wd_thread;
static pthread_once_t wd_once = PTHREAD_ONCE_INIT;
/* When the watchdog wakes next (CLOCK_MONOTONIC ns); LLONG_MAX when it is
   not running or waits for nothing but wd_cond. While it is awake it keeps
   the time it woke for: it reads every deadline again before it sleeps.
   Atomic: a budget armed with an earlier deadline wakes it
   (tdmL_budget_arm, tdmL_watch_deadline). */
long long tdmL_wd_wake = LLONG_MAX;
int tdmL_wd_fast;
/* A timeout-only budget was armed once: the watchdog fences before it
   sleeps (heavy_fence). Under wd_mutex. */
static int wd_timed;

/* Registry key of the exception a signal handler raised (re-raised until
   the crossing ends). */
static const char key_exc = 0;

static void hook(lua_State *L, lua_Debug *ar);

static int intr_of(tdmL_State *st)
{
    return __atomic_load_n(&st->intr, __ATOMIC_ACQUIRE);
}

/* ---- the hook ------------------------------------------------------------ */

/* Trampoline: push the error value of the tdmS_Error at 1 (state at 2) and
   keep it for re-raising. [-0, +1, m] */
static int keep_exc(lua_State *L)
{
    tdmS_Error *e = lua_touserdata(L, 1);
    tdmL_State *st = lua_touserdata(L, 2);
    lua_settop(L, 0);
    tdmL_push(L, st, &e->value);
    lua_pushvalue(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &key_exc);
    return 1;
}

/* The language whose crossing runs the current Lua code (the nearest caller
   that is not Lua), or NULL. */
static const tdmR_Lang *caller_lang(tdm_Runtime *rt)
{
    for (tdmS_Frame *f = rt->top; f != NULL; f = f->prev) {
        if (f->from != TDM_LANG_LUA && f->from < TDM_NLANG) {
            return rt->lang[f->from];
        }
    }
    return NULL;
}

/* Let the calling language handle its pending events; raise what they
   raised (and keep it pending). [-0, +0, v] */
static void poll(lua_State *L, tdmL_State *st)
{
    tdm_Runtime *rt = st->rt;
    uintptr_t me = (uintptr_t)pthread_self();
    if (rt->closed || (me != st->watch_tid && me != __atomic_load_n(&rt->kept_tid,
                                                                   __ATOMIC_ACQUIRE))) {
        return;
    }
    const tdmR_Lang *lang = caller_lang(rt);
    if (lang == NULL) {
        return;     /* no crossing (e.g. a finalizer run by a control) */
    }
    tdmS_Frame f;
    tdmS_init(&f, rt, lang, TDM_OP_CHECK, TDM_LANG_LUA);
    f.owning = 0;
    int status = tdmS_call(&f);
    if (status == TDM_OK || f.err.value.kind != TDM_OBJ) {
        tdmS_end(&f);
        tdmS_clear_error(rt, &f.err);   /* e.g. too deep: nothing to raise */
        return;
    }
    tdmS_Error e;
    tdmS_move_error(&e, &f.err);
    tdmS_end(&f);
    if (!lua_checkstack(L, 4)) {
        tdmS_clear_error(rt, &e);
        luaL_error(L, "interrupted (stack overflow keeping the exception)");
        return;
    }
    lua_pushcfunction(L, keep_exc);
    lua_pushlightuserdata(L, &e);
    lua_pushlightuserdata(L, st);
    int s = lua_pcall(L, 2, 1, 0);
    tdmS_clear_error(rt, &e);
    if (s == LUA_OK) {
        pthread_mutex_lock(&wd_mutex);
        __atomic_store_n(&st->intr, TDML_INTR_EXC, __ATOMIC_RELEASE);
        lua_sethook(st->L, hook, LUA_MASKCOUNT, 1);
        if (L != st->L) {
            lua_sethook(L, hook, LUA_MASKCOUNT, 1);
        }
        pthread_mutex_unlock(&wd_mutex);
    }
    lua_error(L);       /* the exception (or the memory error) */
}

/* Run the calls other threads posted (the runtime lock is this thread's:
   only its holder runs Lua code). [-0, +0, -] */
static void run_delegated(lua_State *L, tdmL_State *st)
{
    pthread_mutex_lock(&wd_mutex);
    tdmL_Delegated *list = st->delegated;
    st->delegated = NULL;
    for (tdmL_Delegated *d = list; d != NULL; d = d->next) {
        d->state = TDML_DL_TAKEN;
    }
    pthread_mutex_unlock(&wd_mutex);
    while (list != NULL) {
        tdmL_Delegated *d = list;
        list = d->next;         /* d belongs to its poster once done */
        d->run(d, L);
        pthread_mutex_lock(&wd_mutex);
        d->state = TDML_DL_DONE;
        pthread_cond_broadcast(&dl_cond);
        pthread_mutex_unlock(&wd_mutex);
    }
}

/* The one hook: run delegated calls, raise a pending interrupt, else poll
   once and go. [-0, +0, v] */
static void hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    tdmL_State *st = tdmL_state(L);
    if (st == NULL) {
        lua_sethook(L, NULL, 0, 0);
        return;
    }
    if (__atomic_load_n(&st->delegated, __ATOMIC_ACQUIRE) != NULL) {
        run_delegated(L, st);
    }
    int intr = intr_of(st);
    if (intr == TDML_INTR_STOP) {
        luaL_where(L, 0);       /* where the running function was stopped */
        lua_pushliteral(L, "interrupted");
        lua_concat(L, 2);
        lua_error(L);
        return;
    }
    if (intr == TDML_INTR_EXC) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &key_exc);
        lua_error(L);
        return;
    }
    /* the watchdog's one-shot poll, or a hook left from an interrupt that
       was dropped: remove it, unless an interrupt came meanwhile */
    pthread_mutex_lock(&wd_mutex);
    intr = st->intr;
    if (intr == 0 && lua_gethook(L) == hook) {
        lua_sethook(L, NULL, 0, 0);
    }
    pthread_mutex_unlock(&wd_mutex);
    if (intr == 0) {
        if (st->b_armed) {
            /* the poll was set before the call armed its budget, so arming
               left it in place (tdmL_rehook sets no hook over another one):
               the budget's hook goes back now, or the call would run without
               a budget (found by make tsan-test: a `while true do end` that
               never ended) */
            tdmL_budget_resume(st, L);
        }
        poll(L, st);
    }
}

void tdmL_budget_poll(lua_State *L, tdmL_State *st)
{
    long long now = tdmL_now_ns();
    if (now - st->b_poll_ns < TDML_TICK_MS * 1000000LL) {
        return;
    }
    st->b_poll_ns = now;
    poll(L, st);
}

void tdmL_intr_clear(tdmL_State *st)
{
    lua_State *L = st->L;
    pthread_mutex_lock(&wd_mutex);
    int was = st->intr;
    __atomic_store_n(&st->intr, 0, __ATOMIC_RELEASE);
    if (L != NULL) {
        lua_sethook(L, st->saved_hook, st->saved_mask, st->saved_count);
    }
    st->saved_hook = NULL;
    st->saved_mask = st->saved_count = 0;
    pthread_mutex_unlock(&wd_mutex);
    if (was == TDML_INTR_EXC && L != NULL && lua_checkstack(L, 1)) {
        /* nil over an existing key: no allocation, cannot raise */
        lua_pushnil(L);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &key_exc);
    }
}

/* ---- the watchdog -------------------------------------------------------- */

/* Set the hook on the coroutine st runs now (always, or only when it has
   none); wd_mutex held. See tdmL_resume for the handshake. */
static void set_running_hook(tdmL_State *st, int always)
{
    __atomic_store_n(&st->poking, 1, __ATOMIC_SEQ_CST);
    lua_State *co = __atomic_load_n(&st->running, __ATOMIC_SEQ_CST);
    if (co != NULL && (always || lua_gethook(co) == NULL)) {
        lua_sethook(co, hook, LUA_MASKCOUNT, 1);
    }
    __atomic_store_n(&st->poking, 0, __ATOMIC_SEQ_CST);
}

/* One state, wd_mutex held; from the watchdog thread. [-0, +0, -] */
static void poke(tdmL_State *st)
{
    tdm_Runtime *rt = st->rt;
    uintptr_t owner = __atomic_load_n(&rt->owner, __ATOMIC_ACQUIRE);
    if (st->L == NULL || intr_of(st) != 0 || owner == 0
        || (owner != st->watch_tid && owner != __atomic_load_n(&rt->kept_tid, __ATOMIC_ACQUIRE))
        || __atomic_load_n(&rt->top, __ATOMIC_RELAXED) == NULL) {
        return;
    }
    if (lua_gethook(st->L) == NULL) {
        lua_sethook(st->L, hook, LUA_MASKCOUNT, 1);
    }
    set_running_hook(st, 0);
}

/* A timeout-only budget's deadline passed: set the budget's hook on the
   state and on the coroutine it runs now, once per deadline; wd_mutex held,
   from the watchdog thread. A hook that is not the budget's stays (an
   interrupt's, which ends the call anyway; the one-shot poll, which hands
   over to the budget as it removes itself; a debug hook, which a budget
   never replaces). A hook set as the call ends finds no budget armed, or a
   later deadline, and removes itself. [-0, +0, -] */
static void fire(tdmL_State *st, long long now)
{
    long long dl = __atomic_load_n(&st->b_dl_ns, __ATOMIC_SEQ_CST);
    if (dl == 0 || dl > now || st->L == NULL
        || __atomic_load_n(&st->b_fired, __ATOMIC_RELAXED) == dl) {
        return;
    }
    __atomic_store_n(&st->b_fired, dl, __ATOMIC_SEQ_CST);
    lua_Hook h = lua_gethook(st->L);
    if (h == NULL || h == tdmL_budget_hook) {
        lua_sethook(st->L, tdmL_budget_hook, LUA_MASKCOUNT, 1);
    }
    __atomic_store_n(&st->poking, 1, __ATOMIC_SEQ_CST);
    lua_State *co = __atomic_load_n(&st->running, __ATOMIC_SEQ_CST);
    if (co != NULL) {
        h = lua_gethook(co);
        if (h == NULL || h == tdmL_budget_hook) {
            lua_sethook(co, tdmL_budget_hook, LUA_MASKCOUNT, 1);
        }
    }
    __atomic_store_n(&st->poking, 0, __ATOMIC_SEQ_CST);
}

/* Let this process's threads use plain stores and loads to arm deadlines
   (tdmL_wd_fast): membarrier(2) makes the watchdog's heavy_fence a full
   barrier on every thread of the process. Once, and again in a fork's
   child (its registration is the parent's process's, not the child's). */
static void fast_register(void)
{
    int ok = 0;
#if defined(__linux__) && defined(SYS_membarrier)
    ok = syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
#endif
    __atomic_store_n(&tdmL_wd_fast, ok, __ATOMIC_SEQ_CST);
}

/* Between the watchdog's store of its wake time and its reads of the
   deadlines: with tdmL_wd_fast, a barrier on every running thread of the
   process (membarrier), so an arming call's plain store of its deadline and
   load of the wake time (tdmL_budget_arm) behave as if fenced; else the
   arming calls' sequentially consistent accesses need nothing more. 0 when
   the membarrier failed: tdmL_wd_fast is off from now on, and calls that
   armed before they saw it off may have a deadline that the reads after
   this miss (the caller wakes again soon to look). */
static int heavy_fence(void)
{
#if defined(__linux__) && defined(SYS_membarrier)
    if (__atomic_load_n(&tdmL_wd_fast, __ATOMIC_RELAXED)
        && syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) != 0) {
        __atomic_store_n(&tdmL_wd_fast, 0, __ATOMIC_SEQ_CST);
        return 0;
    }
#endif
    return 1;
}

/* The earliest armed deadline the watchdog has not fired, or `wake` if
   that is earlier; wd_mutex held. With now > 0 (the clock, read before),
   also now + b_wd_span for each state with a timeout budget and no call
   armed that armed one since the last look: a call arming after `now` has
   a deadline no earlier, so it need not wake this thread (tdmL_budget_arm);
   after a whole span without a call, the state's next call wakes it. */
static long long earliest(long long wake, long long now)
{
    for (tdmL_State *st = wd_list; st != NULL; st = st->watch_next) {
        long long dl = __atomic_load_n(&st->b_dl_ns, __ATOMIC_SEQ_CST);
        if (dl != 0) {
            if (dl < wake && __atomic_load_n(&st->b_fired, __ATOMIC_RELAXED) != dl) {
                wake = dl;
            }
        } else if (now > 0 && __atomic_load_n(&st->b_idle, __ATOMIC_RELAXED) == 0) {
            long long span = __atomic_load_n(&st->b_wd_span, __ATOMIC_RELAXED);
            __atomic_store_n(&st->b_idle, 1, __ATOMIC_RELAXED);
            if (span > 0 && now + span < wake) {
                wake = now + span;
            }
        }
    }
    return wake;
}

#define TDML_FENCE_RETRY_NS 1000000LL   /* a failed membarrier: look again in 1 ms */

/* Wait for the next tick, deadline or signal; wd_mutex held. */
static void wd_wait(long long next_tick)
{
    long long wake = earliest(next_tick, tdmL_now_ns());
    /* A call arms its deadline without the mutex (tdmL_budget_arm): it
       stores the deadline, then loads tdmL_wd_wake and signals (under
       wd_mutex, which this thread holds until it waits) if the deadline is
       earlier. This thread stores the wake time, fences, then reads the
       deadlines again: a call the reads miss saw this wake time. */
    for (;;) {
        __atomic_store_n(&tdmL_wd_wake, wake, __ATOMIC_SEQ_CST);
        if (!wd_timed) {
            break;      /* no call arms a deadline without the mutex yet */
        }
        if (!heavy_fence()) {
            long long soon = tdmL_now_ns() + TDML_FENCE_RETRY_NS;
            wake = earliest(wake < soon ? wake : soon, 0);
            __atomic_store_n(&tdmL_wd_wake, wake, __ATOMIC_SEQ_CST);
            break;
        }
        long long again = earliest(wake, 0);
        if (again == wake) {
            break;
        }
        wake = again;   /* armed meanwhile: store the earlier time, fence again */
    }
    if (wake == LLONG_MAX) {
        pthread_cond_wait(&wd_cond, &wd_mutex);
    } else {
        struct timespec ts = { .tv_sec = wake / 1000000000LL, .tv_nsec = wake % 1000000000LL };
        pthread_cond_clockwait(&wd_cond, &wd_mutex, CLOCK_MONOTONIC, &ts);
    }
}

/* Whether the watchdog has to tick: a polled state or a tick function. */
static int wd_ticking(void)
{
    if (wd_tick != NULL) {
        return 1;
    }
    for (tdmL_State *st = wd_list; st != NULL; st = st->watch_next) {
        if (st->watch_tid != 0) {
            return 1;
        }
    }
    return 0;
}

/* The watchdog: runs until nothing is watched. It holds wd_mutex except
   while it waits and while it runs the tick function. */
static void *wd_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&wd_mutex);
    long long next_tick = tdmL_now_ns() + TDML_TICK_MS * 1000000LL;
    for (;;) {
        /* checked before each wait too: a signal sent while this thread ran
           the tick function (wd_mutex released) is lost, and with nothing
           to tick the wait below has no timeout (found by process.lua: a
           lua5.4 host joining the watchdog as it unloads) */
        if (wd_list != NULL || wd_tick != NULL) {
            wd_wait(wd_ticking() ? next_tick : LLONG_MAX);
        }
        if (wd_list == NULL && wd_tick == NULL) {
            wd_running = 0;
            __atomic_store_n(&tdmL_wd_wake, LLONG_MAX, __ATOMIC_SEQ_CST);
            pthread_mutex_unlock(&wd_mutex);
            return NULL;
        }
        long long now = tdmL_now_ns();
        for (tdmL_State *st = wd_list; st != NULL; st = st->watch_next) {
            fire(st, now);
        }
        if (now < next_tick && wd_ticking()) {
            continue;   /* woken for a deadline or a change */
        }
        next_tick = now + TDML_TICK_MS * 1000000LL;
        for (tdmL_State *st = wd_list; st != NULL; st = st->watch_next) {
            poke(st);
        }
        void (*tick)(void) = wd_tick;
        if (tick != NULL) {
            pthread_mutex_unlock(&wd_mutex);
            tick();
            pthread_mutex_lock(&wd_mutex);
        }
    }
}

/* Start the watchdog unless it runs; wd_mutex held. Signals are blocked in
   it, so a process signal goes to a thread that can act on it. */
static void start_locked(void)
{
    if (wd_running) {
        return;
    }
    if (wd_joinable) {
        /* it left its loop (and wd_mutex) by itself: collect it */
        pthread_join(wd_thread, NULL);
        wd_joinable = 0;
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    wd_running = wd_joinable = pthread_create(&wd_thread, NULL, wd_main, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* fork: the child has no watchdog; it gets its own when it watches states */
static void fork_prepare(void)
{
    pthread_mutex_lock(&wd_mutex);
}

static void fork_parent(void)
{
    pthread_mutex_unlock(&wd_mutex);
}

static void fork_child(void)
{
    wd_running = wd_joinable = 0;       /* the thread stayed in the parent */
    __atomic_store_n(&tdmL_wd_wake, LLONG_MAX, __ATOMIC_SEQ_CST);
    fast_register();
    if (wd_list != NULL || wd_tick != NULL) {
        start_locked();
    }
    pthread_mutex_unlock(&wd_mutex);
}

static void init_once(void)
{
    /* The watchdog thread, the fork handlers and psignal.c's SIGINT handler
       are code of this shared object: keep it mapped for the life of the
       process (a lua5.4 host dlcloses its C modules when its state closes). */
    Dl_info info;
    if (dladdr((void *)&wd_main, &info) != 0 && info.dli_fname != NULL) {
        (void)dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    }
    pthread_atfork(fork_prepare, fork_parent, fork_child);
    fast_register();
}

/* Put st on the watchdog's list; wd_mutex held. */
static void list_locked(tdmL_State *st)
{
    if (!st->watched) {
        __atomic_store_n(&st->watched, 1, __ATOMIC_RELEASE);
        st->watch_next = wd_list;
        wd_list = st;
    }
}

void tdmL_watch(tdm_Runtime *rt, uintptr_t tid)
{
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    if (st == NULL) {
        return;
    }
    pthread_once(&wd_once, init_once);
    pthread_mutex_lock(&wd_mutex);
    st->watch_tid = tid;
    list_locked(st);
    if (tid != 0) {
        start_locked();     /* only a polled thread needs the watchdog's ticks */
        pthread_cond_signal(&wd_cond);  /* it may wait for no tick */
    }
    pthread_mutex_unlock(&wd_mutex);
}

void tdmL_watch_deadline(tdmL_State *st, long long dl_ns)
{
    (void)dl_ns;
    pthread_once(&wd_once, init_once);
    pthread_mutex_lock(&wd_mutex);
    wd_timed = 1;
    list_locked(st);
    start_locked();
    pthread_cond_signal(&wd_cond);
    pthread_mutex_unlock(&wd_mutex);
}

void tdmL_unwatch(tdmL_State *st)
{
    pthread_mutex_lock(&wd_mutex);
    if (st->watched) {
        tdmL_State **p = &wd_list;
        while (*p != NULL && *p != st) {
            p = &(*p)->watch_next;
        }
        if (*p == st) {
            *p = st->watch_next;
        }
        __atomic_store_n(&st->watched, 0, __ATOMIC_RELEASE);
        st->watch_next = NULL;
        __atomic_store_n(&st->b_dl_ns, 0, __ATOMIC_SEQ_CST);
        if (wd_list == NULL) {
            pthread_cond_signal(&wd_cond);  /* a watchdog waiting for nothing leaves */
        }
    }
    for (tdmL_Delegated *d = st->delegated; d != NULL; d = d->next) {
        d->state = TDML_DL_DROPPED;     /* its poster runs into the closed state */
    }
    st->delegated = NULL;
    pthread_cond_broadcast(&dl_cond);
    pthread_mutex_unlock(&wd_mutex);
}

void tdmL_watch_tick(void (*fn)(void))
{
    pthread_once(&wd_once, init_once);
    pthread_mutex_lock(&wd_mutex);
    wd_tick = fn;
    if (fn != NULL) {
        start_locked();
        pthread_cond_signal(&wd_cond);  /* it may wait for no tick */
    }
    /* Nothing left to watch: end the thread now and wait for it. A lua5.4
       host unloads this module (dlclose) right after its state closes, and
       the thread must not be in its code then. */
    int stop = fn == NULL && wd_list == NULL && wd_joinable;
    pthread_t t = wd_thread;
    if (stop) {
        wd_joinable = 0;
        pthread_cond_signal(&wd_cond);
    }
    pthread_mutex_unlock(&wd_mutex);
    if (stop) {
        pthread_join(t, NULL);
    }
}

int tdmL_interrupt(tdm_Runtime *rt)
{
    int r = -1;
    pthread_mutex_lock(&wd_mutex);
    tdmL_State *st = wd_list;
    while (st != NULL && st->rt != rt) {
        st = st->watch_next;
    }
    if (st != NULL && st->L != NULL) {     /* listed: alive until unlisted */
        r = __atomic_load_n(&rt->owner, __ATOMIC_SEQ_CST) != 0
            && __atomic_load_n(&rt->top, __ATOMIC_RELAXED) != NULL;
        if (r && st->intr == 0) {
            lua_Hook h = lua_gethook(st->L);
            if (h != NULL && h != hook) {
                st->saved_hook = h;     /* a debug hook: back when the call ends */
                st->saved_mask = lua_gethookmask(st->L);
                st->saved_count = lua_gethookcount(st->L);
            }
            __atomic_store_n(&st->intr, TDML_INTR_STOP, __ATOMIC_SEQ_CST);
            lua_sethook(st->L, hook, LUA_MASKCOUNT, 1);
            set_running_hook(st, 1);
            if (__atomic_load_n(&rt->top, __ATOMIC_SEQ_CST) == NULL) {
                /* the call ended meanwhile: nothing to stop any more */
                __atomic_store_n(&st->intr, 0, __ATOMIC_SEQ_CST);
                lua_sethook(st->L, st->saved_hook, st->saved_mask, st->saved_count);
                st->saved_hook = NULL;
                st->saved_mask = st->saved_count = 0;
                r = 0;
            }
        }
    }
    pthread_mutex_unlock(&wd_mutex);
    return r;
}

void tdmL_rehook(lua_State *L, lua_Hook expect, lua_Hook h, int count)
{
    pthread_mutex_lock(&wd_mutex);
    lua_Hook now = lua_gethook(L);
    if (now == NULL || now == expect) {
        lua_sethook(L, h, h != NULL ? LUA_MASKCOUNT : 0, h != NULL ? count : 0);
    }
    pthread_mutex_unlock(&wd_mutex);
}

int tdmL_resume(tdmL_State *st, lua_State *co, lua_State *from, int nargs, int *nres)
{
    lua_State *prev = st->running;
    /* sequentially consistent: either the watchdog's fire sees co running,
       or tdmL_budget_resume sees the b_fired it stored first */
    __atomic_store_n(&st->running, co, __ATOMIC_SEQ_CST);
    if (st->b_armed) {
        tdmL_budget_resume(st, co);     /* a coroutine made before the call */
    }
    if (intr_of(st) != 0) {
        pthread_mutex_lock(&wd_mutex);
        lua_sethook(co, hook, LUA_MASKCOUNT, 1);   /* an interrupt is pending */
        pthread_mutex_unlock(&wd_mutex);
    }
    int status = lua_resume(co, from, nargs, nres);
    /* co may be collected once this returns: the watchdog must not be
       setting a hook on it then. It raises `poking` before it reads
       `running` (both sequentially consistent), so either it reads prev or
       this sees it poking and waits the few instructions it takes. */
    __atomic_store_n(&st->running, prev, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&st->poking, __ATOMIC_SEQ_CST)) {
        /* spin: lua_sethook is a handful of stores */
    }
    return status;
}

/* ---- calls delegated to the lock's holder ------------------------------- */

int tdmL_delegate(tdm_Runtime *rt, tdmL_Delegated *d)
{
    int r = 0;
    pthread_once(&wd_once, init_once);
    pthread_mutex_lock(&wd_mutex);
    tdmL_State *st = wd_list;
    while (st != NULL && st->rt != rt) {
        st = st->watch_next;
    }
    if (st != NULL && st->L != NULL) {     /* listed: alive until unlisted */
        lua_Hook h = lua_gethook(st->L);
        if (h == NULL || h == hook) {
            d->state = TDML_DL_POSTED;
            d->next = st->delegated;
            __atomic_store_n(&st->delegated, d, __ATOMIC_RELEASE);
            lua_sethook(st->L, hook, LUA_MASKCOUNT, 1);
            set_running_hook(st, 1);
            r = 1;
        }
    }
    pthread_mutex_unlock(&wd_mutex);
    return r;
}

int tdmL_delegate_state(tdmL_Delegated *d, int take_back)
{
    pthread_mutex_lock(&wd_mutex);
    int state = d->state;
    if (take_back && state == TDML_DL_POSTED) {
        for (tdmL_State *st = wd_list; st != NULL; st = st->watch_next) {
            tdmL_Delegated **p = &st->delegated;
            while (*p != NULL && *p != d) {
                p = &(*p)->next;
            }
            if (*p == d) {
                *p = d->next;
                break;
            }
        }
        state = d->state = TDML_DL_DROPPED;
    }
    pthread_mutex_unlock(&wd_mutex);
    return state;
}

void tdmL_delegate_wait(tdmL_Delegated *d)
{
    pthread_mutex_lock(&wd_mutex);
    while (d->state == TDML_DL_TAKEN) {
        pthread_cond_wait(&dl_cond, &wd_mutex);
    }
    pthread_mutex_unlock(&wd_mutex);
}
