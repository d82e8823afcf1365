/* embed_sandbox.c — tdm_open_sandboxed and tdm_set_budget (docs/sandbox.md). */
#include "tandem.h"
#include "check.h"
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void)
{
    tdm_Policy p;
    tdm_policy_init(&p);
    p.max_instructions = 1000000;
    tdm_Runtime *rt = NULL;
    CHECK(tdm_open_sandboxed(&p, &rt) == TDM_OK);
    if (rt == NULL) {
        return check_summary();
    }
    tdm_Value v;
    /* no way out of the sandbox */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "python == nil and io == nil and debug == nil "
                                            "and require == nil and os.execute == nil", &v));
    CHECK(v.kind == TDM_BOOL && v.u.b == 1);
    /* the budget ends a loop; the runtime stays usable */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "while true do end", "loop.lua") == TDM_ERRTIMEOUT);
    CHECK(strstr(tdm_errmsg(rt), "instruction budget") != NULL);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "while true do pcall(function() while true do end "
                                      "end) end", "pcall.lua") == TDM_ERRTIMEOUT);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "1 + 1", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 2);
    /* a deadline instead */
    CHECK_OK(rt, tdm_set_budget(rt, 0, 0.02));
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "while true do end", "t.lua") == TDM_ERRTIMEOUT);
    CHECK(strstr(tdm_errmsg(rt), "deadline") != NULL);
    /* a timeout-only budget has no hook until its deadline (the watchdog sets
       it): a loop in a coroutine, one that swallows errors, and calls that
       end in time, many of them */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "coroutine.wrap(function() while true do end end)()",
                   "co.lua") == TDM_ERRTIMEOUT);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "while true do pcall(function() while true do end "
                                      "end) end", "pcall2.lua") == TDM_ERRTIMEOUT);
    for (int i = 0; i < 1000; i++) {
        if (tdm_eval(rt, TDM_LANG_LUA, "1 + 1", &v) != TDM_OK || v.u.i != 2) {
            CHECK(!"a call in time was stopped");
            break;
        }
    }
    /* a second runtime with its own, longer deadline, served by the same watchdog */
    tdm_Runtime *rt2 = NULL;
    CHECK(tdm_open_sandboxed(&p, &rt2) == TDM_OK);
    if (rt2 != NULL) {
        CHECK_OK(rt2, tdm_set_budget(rt2, 0, 0.05));
        CHECK(tdm_exec(rt2, TDM_LANG_LUA, "while true do end", "t2.lua") == TDM_ERRTIMEOUT);
        CHECK(tdm_exec(rt, TDM_LANG_LUA, "while true do end", "t3.lua") == TDM_ERRTIMEOUT);
        tdm_free(rt2);
    }
    /* calls arm their deadlines without waking the watchdog while it wakes
       no later (tdmL_budget_arm): one runtime's calls leave it asleep for an
       hour; a shorter deadline of another runtime, or of the same one, must
       still wake it, never early and promptly */
    tdm_Runtime *rt3 = NULL;
    CHECK(tdm_open_sandboxed(&p, &rt3) == TDM_OK);
    if (rt3 != NULL) {
        CHECK_OK(rt3, tdm_set_budget(rt3, 0, 3600));
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 2000; i++) {
                if (tdm_eval(rt3, TDM_LANG_LUA, "1 + 1", &v) != TDM_OK) {
                    CHECK(!"a call in time was stopped");
                    break;
                }
            }
            tdm_Runtime *r = round == 0 ? rt : rt3;
            if (round == 1) {
                CHECK_OK(rt3, tdm_set_budget(rt3, 0, 0.02));
            }
            double t0 = now_s();
            CHECK(tdm_exec(r, TDM_LANG_LUA, "while true do end", "w.lua") == TDM_ERRTIMEOUT);
            double took = now_s() - t0;
            CHECK(took >= 0.02);
            CHECK(took < 0.5);
        }
        tdm_free(rt3);
    }
    CHECK(tdm_set_budget(rt, -1, 0) == TDM_ERRARG);
    /* caps on C loops and memory */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "string.find(('a'):rep(1e5), '.-.-.-b')", "p.lua")
          == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "pattern too costly") != NULL);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "local s = ('x'):rep(1e9)", "m.lua") == TDM_ERRMEM);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "setmetatable({}, {__gc = type})", "g.lua")
          == TDM_ERRRUN);
    /* a Python object the host passes: nothing of it is reachable by default */
    tdm_Value obj;
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "(lambda: 1)", &obj));
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "f", &obj));
    tdm_release(rt, &obj);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "f()", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 1);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "return f.__globals__", "a.lua") == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "not reachable") != NULL);
    tdm_free(rt);

    /* bad policies */
    tdm_policy_init(&p);
    p.libs = "string,io";
    CHECK(tdm_open_sandboxed(&p, &rt) == TDM_ERRARG && rt == NULL);
    CHECK(strstr(tdm_errmsg(NULL), "io") != NULL);
    p.size = 0;
    CHECK(tdm_open_sandboxed(&p, &rt) == TDM_ERRARG);
    CHECK(tdm_open_sandboxed(NULL, NULL) == TDM_ERRARG);
    CHECK(strcmp(tdm_status_name(TDM_ERRTIMEOUT), "timeout") == 0);
    return check_summary();
}
