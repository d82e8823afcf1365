/*
 * lbudget.c — per-call budgets: at most b_max Lua instructions and
 * b_timeout seconds for each outermost call into a state (docs/sandbox.md).
 *
 * With max_instructions, a count hook (tdmL_budget_hook) fires every
 * TDML_BUDGET_STEP instructions of the running coroutine (fewer when fewer
 * are left), takes them off b_left and looks at the clock. Lua 5.4 pays for
 * any count hook on every instruction (the VM counts it down in
 * luaG_traceexec), so a budget with only a timeout sets no hook at all: the
 * watchdog thread (lwatch.c: fire) sets it, count 1, when the deadline
 * passes, as interrupt() does; until then the call runs at full speed.
 *
 * When the budget has run out the hook raises, and from then on fires at
 * every instruction and raises again, so no pcall, xpcall or __close keeps
 * the code running; the call ends in TDM_ERRTIMEOUT (lops.c: convert_error).
 * New coroutines inherit the hook (lua_newthread copies it); coroutines made
 * before the call get it when resumed (tdmL_resume). Hooks are set through
 * tdmL_rehook, under the watchdog's mutex, so an interrupt (lwatch.c) and the
 * budget never lose each other's hook. Long-running C functions do not reach
 * the hook: the sandbox caps them (lsandbox.c) and the allocator caps their
 * memory (lstate.c).
 */
#include <time.h>
#include "ladapter.h"

#define TDML_BUDGET_STEP 10000

long long tdmL_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Instructions until the next look. */
static int step_of(const tdmL_State *st)
{
    long long s = TDML_BUDGET_STEP;
    if (st->b_max > 0 && st->b_left < s) {
        s = st->b_left > 0 ? st->b_left : 1;
    }
    return (int)s;
}

/* [-0, +0, v] */
void tdmL_budget_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    tdmL_State *st = tdmL_state(L);
    if (st == NULL || !st->b_armed) {
        tdmL_rehook(L, tdmL_budget_hook, NULL, 0);     /* left from an ended call */
        return;
    }
    if (st->b_tripped == 0) {
        if (st->b_count) {
            st->b_left -= lua_gethookcount(L);
            if (st->b_left <= 0) {
                st->b_tripped = TDML_BUDGET_INSTR;
            } else if (st->b_deadline > 0 && tdmL_now_ns() >= st->b_deadline) {
                st->b_tripped = TDML_BUDGET_TIME;
            } else {
                if (lua_gethookcount(L) != step_of(st)) {
                    tdmL_rehook(L, tdmL_budget_hook, tdmL_budget_hook, step_of(st));
                }
                if (st->watch_tid != 0) {
                    tdmL_budget_poll(L, st);    /* Ctrl-C, signal.alarm */
                }
                return;
            }
        } else if (st->b_deadline > 0 && tdmL_now_ns() >= st->b_deadline) {
            st->b_tripped = TDML_BUDGET_TIME;   /* the watchdog set this hook */
        } else {
            /* timeout only, before the deadline: a hook the watchdog set for
               an earlier call's deadline, or a resumed coroutine's check */
            tdmL_rehook(L, tdmL_budget_hook, NULL, 0);
            return;
        }
    }
    if (lua_gethookcount(L) != 1) {
        tdmL_rehook(L, tdmL_budget_hook, tdmL_budget_hook, 1);
    }
    if (st->b_tripped == TDML_BUDGET_INSTR) {
        luaL_error(L, "instruction budget exhausted (max_instructions=%I)",
                   (lua_Integer)st->b_max);
    } else {
        luaL_error(L, "timeout: the call ran past its deadline (timeout=%f s)",
                   (lua_Number)st->b_timeout);
    }
}

/* The clock a timeout-only call's deadline starts from: CLOCK_MONOTONIC
   costs a few tens of ns where the vDSO reads a paravirtual clock
   (kvm-clock: ~25 ns, a third of a Python -> Lua call); CLOCK_MONOTONIC_COARSE
   costs ~3 ns and lags by less than its resolution (the kernel's tick). The
   coarse clock is used when its resolution is at most 1% of the timeout,
   and its resolution is added: the deadline is then never early and at most
   1% of the timeout late; shorter timeouts read the precise clock. Chosen
   once per budget (tdmL_budget_set), so arming is a clock read, an add and
   a few stores. */
static long long coarse_res_ns = -1;     /* -1: not asked yet, 0: no coarse clock */

void tdmL_budget_set(tdmL_State *st, long long max_instructions, double timeout)
{
    st->b_max = max_instructions > 0 ? max_instructions : 0;
    st->b_timeout = timeout > 0 ? (timeout < 1e9 ? timeout : 1e9) : 0;  /* ns fit */
    st->b_on = st->b_max > 0 || st->b_timeout > 0;
    long long res = __atomic_load_n(&coarse_res_ns, __ATOMIC_RELAXED);
    if (res < 0) {
        struct timespec r;
        res = clock_getres(CLOCK_MONOTONIC_COARSE, &r) == 0 && r.tv_sec == 0
              ? (long long)r.tv_nsec : 0;
        __atomic_store_n(&coarse_res_ns, res, __ATOMIC_RELAXED);
    }
    long long span = (long long)(st->b_timeout * 1e9);
    if (res > 0 && (double)res * 100.0 <= st->b_timeout * 1e9) {
        st->b_clock = CLOCK_MONOTONIC_COARSE;
        st->b_span = span + res;
    } else {
        st->b_clock = CLOCK_MONOTONIC;
        st->b_span = span;
    }
}

void tdmL_budget_arm_count(tdmL_State *st)
{
    st->b_left = st->b_max;
    st->b_count = 1;
    st->b_deadline = st->b_timeout > 0
                     ? tdmL_now_ns() + (long long)(st->b_timeout * 1e9) : 0;
    tdmL_rehook(st->L, tdmL_budget_hook, tdmL_budget_hook, step_of(st));
}

void tdmL_budget_announce(tdmL_State *st, long long dl)
{
    __atomic_store_n(&st->b_wd_span, st->b_span, __ATOMIC_RELAXED);
    tdmL_watch_deadline(st, dl);
    st->b_wd = 1;       /* listed, and the watchdog fences from now on */
}

void tdmL_budget_disarm(tdmL_State *st)
{
    int tripped = st->b_tripped;
    st->b_armed = 0;
    st->b_tripped = 0;
    if (st->b_count) {
        tdmL_rehook(st->L, tdmL_budget_hook, NULL, 0);
        return;
    }
    /* the hook the watchdog set for this call (it stored b_fired first), if
       any, goes; one it sets later (it read b_dl_ns before this store) finds
       no call armed, or a later deadline, when it fires and removes itself */
    __atomic_store_n(&st->b_dl_ns, 0, __ATOMIC_RELEASE);
    if (tripped || __atomic_load_n(&st->b_fired, __ATOMIC_RELAXED) != 0) {
        tdmL_rehook(st->L, tdmL_budget_hook, NULL, 0);
    }
}

void tdmL_budget_resume(tdmL_State *st, lua_State *co)
{
    if (st->b_count || st->b_tripped) {
        tdmL_rehook(co, tdmL_budget_hook, tdmL_budget_hook,
                    st->b_tripped ? 1 : step_of(st));
    } else if (__atomic_load_n(&st->b_fired, __ATOMIC_SEQ_CST) != 0) {
        /* the deadline may have passed: the hook looks at the clock */
        tdmL_rehook(co, tdmL_budget_hook, tdmL_budget_hook, 1);
    } else if (lua_gethook(co) == tdmL_budget_hook) {
        tdmL_rehook(co, tdmL_budget_hook, NULL, 0);    /* left from an earlier call */
    }
}
