/* embed_interrupt.c — tdm_interrupt: a C host stops the Lua code a runtime
   runs from another thread, as LuaRuntime.interrupt() does for Python
   (issue 7, item 8). The interrupter calls tdm_interrupt until it answers 1
   (a call is running), so no test depends on timing; alarm() turns a
   regression (the loop never stopped) into a failure. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "tandem.h"
#include "check.h"

static tdm_Runtime *target;
static int flag;            /* set by the interrupter once it interrupted */

static void *interrupter(void *arg)
{
    (void)arg;
    struct timespec ms = {0, 1000000};
    while (!tdm_interrupt(target)) {
        nanosleep(&ms, NULL);
    }
    __atomic_store_n(&flag, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static pthread_t start_interrupter(tdm_Runtime *rt)
{
    pthread_t t;
    target = rt;
    __atomic_store_n(&flag, 0, __ATOMIC_SEQ_CST);
    if (pthread_create(&t, NULL, interrupter, NULL) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        _exit(1);
    }
    return t;
}

/* tdm_exec of `code` while another thread interrupts the runtime: its status */
static tdm_Status exec_while_interrupting(tdm_Runtime *rt, tdm_LangId lang, const char *code,
                                          const char *name)
{
    pthread_t t = start_interrupter(rt);
    tdm_Status st = tdm_exec(rt, lang, code, name);
    pthread_join(t, NULL);
    return st;
}

/* what a stopped call answers: TDM_ERRRUN, "interrupted" */
static void check_stopped(tdm_Runtime *rt, tdm_Status st)
{
    CHECK_EQ_INT(st, TDM_ERRRUN);
    CHECK_CONTAINS(tdm_errmsg(rt), "interrupted");
}

/* run Lua `code` while another thread interrupts it: stopped */
static void interrupted_exec(tdm_Runtime *rt, const char *code)
{
    check_stopped(rt, exec_while_interrupting(rt, TDM_LANG_LUA, code, "spin.lua"));
}

/* Python code waiting (no Lua) until the interrupter has interrupted, then
   running `tail`, while another thread interrupts: its status */
static tdm_Status python_waiting(tdm_Runtime *rt, const char *tail, const char *name)
{
    char code[512];
    snprintf(code, sizeof code,
             "import ctypes, time\n"
             "flag = ctypes.c_int.from_address(%lu)\n"
             "while flag.value == 0:\n"
             "    time.sleep(0.001)\n"
             "%s", (unsigned long)(uintptr_t)&flag, tail);
    return exec_while_interrupting(rt, TDM_LANG_PYTHON, code, name);
}

static void usable(tdm_Runtime *rt)
{
    tdm_Value v;
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "40 + 2", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 42);
}

static void lua_loops(tdm_Runtime *rt)
{
    interrupted_exec(rt, "while true do end");
    CHECK_CONTAINS(tdm_errmsg(rt), "spin.lua:1:");     /* where it was stopped */
    usable(rt);
    /* pcall cannot keep the code running */
    interrupted_exec(rt, "while true do pcall(function() while true do end end) end");
    usable(rt);
    /* a loop inside a coroutine run by Lua code */
    interrupted_exec(rt, "local co = coroutine.wrap(function() while true do end end) co()");
    usable(rt);
    /* nothing running: 0, and the next call is not affected */
    CHECK_EQ_INT(tdm_interrupt(rt), 0);
    usable(rt);
}

static void coroutine_from_host(tdm_Runtime *rt)
{
    tdm_Value fn, co, res[1];
    int n;
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA,
                           "function looper() coroutine.yield(1) while true do end end",
                           "co.lua"));
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "looper", &fn));
    CHECK_OK(rt, tdm_coroutine(rt, &fn, &co));
    CHECK_EQ_INT(tdm_resume(rt, &co, 0, NULL, res, 1, &n), TDM_ERRYIELD);
    pthread_t t = start_interrupter(rt);
    tdm_Status st = tdm_resume(rt, &co, 0, NULL, res, 1, &n);
    pthread_join(t, NULL);
    check_stopped(rt, st);
    CHECK_EQ_INT(tdm_resume(rt, &co, 0, NULL, res, 1, &n), TDM_ERRDEAD);
    tdm_release(rt, &co);
    tdm_release(rt, &fn);
    usable(rt);
}

/* Python code run by the host: not stopped itself, but the Lua code it runs
   before the host's call returns is; a call that ran no Lua leaves nothing
   pending for the next one. */
static void python_from_host(tdm_Runtime *rt)
{
    tdm_Value fn;
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA, "function spin() while true do end end\n"
                                             "function one() return 1 end", "fns.lua"));
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "spin", &fn));
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "spin", &fn));
    tdm_release(rt, &fn);
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "one", &fn));
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "one", &fn));
    tdm_release(rt, &fn);

    /* Python calling Lua that loops */
    check_stopped(rt, exec_while_interrupting(rt, TDM_LANG_PYTHON, "spin()", "spin.py"));
    usable(rt);

    /* Python waiting (no Lua) until the interrupter has interrupted: the
       Python code ends normally and the next call runs */
    CHECK_OK(rt, python_waiting(rt, "after = 'python went on'\n", "wait.py"));
    usable(rt);

    /* ... and the same with Lua called afterwards in the same host call */
    check_stopped(rt, python_waiting(rt, "one()\n", "wait2.py"));
    usable(rt);
}

/* a runtime opened another way (NULL: its opening failed, already checked):
   its loop is stopped, it is usable after, then freed */
static void loop_stopped_then_free(tdm_Runtime *rt)
{
    if (rt != NULL) {
        interrupted_exec(rt, "while true do end");
        usable(rt);
        tdm_free(rt);
    }
}

int main(void)
{
    alarm(120);
    tdm_Runtime *rt = tdm_open();
    CHECK(rt != NULL);
    if (rt == NULL) {
        return check_summary();
    }
    lua_loops(rt);
    coroutine_from_host(rt);
    python_from_host(rt);
    tdm_close(rt);
    CHECK_EQ_INT(tdm_interrupt(rt), 0);             /* closed */
    tdm_free(rt);
    CHECK_EQ_INT(tdm_interrupt(NULL), 0);

    /* a runtime opened by tdm_open_config, and a sandboxed one */
    tdm_Config cfg;
    tdm_config_init(&cfg);
    cfg.python = 0;
    CHECK_EQ_INT(tdm_open_config(&cfg, &rt), TDM_OK);
    loop_stopped_then_free(rt);
    tdm_Policy p;
    tdm_policy_init(&p);
    p.max_instructions = 0;
    CHECK_EQ_INT(tdm_open_sandboxed(&p, &rt), TDM_OK);
    loop_stopped_then_free(rt);
    return check_summary();
}
