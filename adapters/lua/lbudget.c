/*
 * lbudget.c — per-call budgets: at most b_max Lua instructions and
 * b_timeout seconds for each outermost call into a state (docs/sandbox.md).
 *
 * A count hook (budget_hook) fires every TDML_BUDGET_STEP instructions of
 * the running coroutine (fewer when fewer are left), takes them off b_left
 * and looks at the clock. When the budget has run out it raises, and from
 * then on fires at every instruction and raises again, so no pcall, xpcall
 * or __close keeps the code running; the call ends in TDM_ERRTIMEOUT
 * (lops.c: convert_error). New coroutines inherit the hook (lua_newthread
 * copies it); coroutines made before the call get it when resumed
 * (tdmL_resume). Hooks are set through tdmL_rehook, under the watchdog's
 * mutex, so an interrupt (lwatch.c) and the budget never lose each other's
 * hook. Long-running C functions do not reach the hook: the sandbox caps
 * them (lsandbox.c) and the allocator caps their memory (lstate.c).
 */
#include <time.h>
#include "ladapter.h"

#define TDML_BUDGET_STEP 10000

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
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
static void budget_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    tdmL_State *st = tdmL_state(L);
    if (st == NULL || !st->b_armed) {
        tdmL_rehook(L, budget_hook, NULL, 0);       /* left from an ended call */
        return;
    }
    if (st->b_tripped == 0) {
        st->b_left -= lua_gethookcount(L);
        if (st->b_max > 0 && st->b_left <= 0) {
            st->b_tripped = TDML_BUDGET_INSTR;
        } else if (st->b_deadline > 0 && now_seconds() >= st->b_deadline) {
            st->b_tripped = TDML_BUDGET_TIME;
        } else {
            if (lua_gethookcount(L) != step_of(st)) {
                tdmL_rehook(L, budget_hook, budget_hook, step_of(st));
            }
            return;
        }
    }
    if (lua_gethookcount(L) != 1) {
        tdmL_rehook(L, budget_hook, budget_hook, 1);
    }
    if (st->b_tripped == TDML_BUDGET_INSTR) {
        luaL_error(L, "instruction budget exhausted (max_instructions=%I)",
                   (lua_Integer)st->b_max);
    } else {
        luaL_error(L, "timeout: the call ran past its deadline (timeout=%f s)",
                   (lua_Number)st->b_timeout);
    }
}

void tdmL_budget_set(tdmL_State *st, long long max_instructions, double timeout)
{
    st->b_max = max_instructions > 0 ? max_instructions : 0;
    st->b_timeout = timeout > 0 ? timeout : 0;
    st->b_on = st->b_max > 0 || st->b_timeout > 0;
}

void tdmL_budget_arm(tdmL_State *st)
{
    st->b_armed = 1;
    st->b_tripped = 0;
    st->b_left = st->b_max;
    st->b_deadline = st->b_timeout > 0 ? now_seconds() + st->b_timeout : 0;
    tdmL_rehook(st->L, budget_hook, budget_hook, step_of(st));
}

void tdmL_budget_disarm(tdmL_State *st)
{
    st->b_armed = 0;
    st->b_tripped = 0;
    tdmL_rehook(st->L, budget_hook, NULL, 0);
}

void tdmL_budget_resume(tdmL_State *st, lua_State *co)
{
    tdmL_rehook(co, budget_hook, budget_hook, st->b_tripped ? 1 : step_of(st));
}
