/* embed_errors.c — errors reach a C host as status + message + traceback. */
#include "tandem.h"
#include "check.h"

int main(void)
{
    tdm_Runtime *rt = tdm_open();
    CHECK(rt != NULL);
    if (rt == NULL) {
        return check_summary();
    }
    tdm_Value v;

    /* syntax errors in each language */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "x = = 1", "bad.lua") == TDM_ERRSYNTAX);
    CHECK(strstr(tdm_errmsg(rt), "bad.lua") != NULL);
    CHECK(tdm_exec(rt, TDM_LANG_PYTHON, "def (:", "bad.py") == TDM_ERRSYNTAX);
    CHECK(strstr(tdm_errmsg(rt), "SyntaxError") != NULL);

    /* runtime errors with the stack of the failing language */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "local function inner() error('deep') end\n"
                                      "local function outer() inner() end\nouter()\n",
                    "stack.lua") == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "deep") != NULL);
    CHECK(strstr(tdm_traceback(rt), "inner") != NULL);
    CHECK(strstr(tdm_traceback(rt), "outer") != NULL);
    CHECK(tdm_exec(rt, TDM_LANG_PYTHON, "def f():\n    raise KeyError('k')\nf()\n",
                    "err.py") == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "KeyError") != NULL);
    CHECK(strstr(tdm_traceback(rt), "err.py") != NULL);

    /* code with a NUL byte (tdm_exec_n): Python refuses it, Lua loads it whole */
    CHECK(tdm_exec_n(rt, TDM_LANG_PYTHON, "x = 1\0; raise", 13, "nul.py") == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "null bytes") != NULL);
    CHECK(tdm_exec_n(rt, TDM_LANG_PYTHON, "nul_ok = 7", 10, "nul.py") == TDM_OK);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "nul_ok", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 7);
    CHECK_OK(rt, tdm_exec_n(rt, TDM_LANG_LUA, "nul_n = #'a\0b'", 14, "nul.lua"));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "nul_n", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 3);
    CHECK(tdm_exec_n(rt, TDM_LANG_LUA, NULL, 3, "x") == TDM_ERRARG);

    /* a Python exception raised in a callback, seen by the host through Lua */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "python.eval('lambda: 1/0')()", "cb.lua") == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "ZeroDivisionError") != NULL);

    /* calling something that is not callable, and bad arguments */
    tdm_Value num = tdm_int(5), res;
    int nres;
    CHECK(tdm_call(rt, &num, 0, NULL, &res, 1, &nres) == TDM_ERRTYPE);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "{}", &v));
    CHECK(tdm_call(rt, &v, 0, NULL, &res, 1, &nres) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "call") != NULL);
    tdm_release(rt, &v);
    CHECK(tdm_exec(rt, (tdm_LangId)9, "x", NULL) == TDM_ERRARG);

    /* ping-pong recursion across the boundary ends in a clean error */
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON,
                           "import sys\nsys.setrecursionlimit(100000)\n", "rec.py"));
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA,
                           "function pong(n) return python.eval('ping')(n + 1) end", "rec.lua"));
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON,
                           "import tandem\n"
                           "def ping(n):\n"
                           "    return n if n >= 100000 else PONG(n + 1)\n", "rec.py"));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "pong", &v));
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "PONG", &v));
    tdm_release(rt, &v);
    /* ... the depth limit is TDM_ERRDEPTH, whichever language was outermost
       and whichever crossing was refused */
    tdm_Status st = tdm_eval(rt, TDM_LANG_LUA, "pong(0)", &v);
    CHECK(st == TDM_ERRDEPTH);
    CHECK(strstr(tdm_errmsg(rt), "nested") != NULL || strstr(tdm_errmsg(rt), "RecursionError") != NULL);
    CHECK(tdm_eval(rt, TDM_LANG_PYTHON, "ping(0)", &v) == TDM_ERRDEPTH);
    CHECK(strstr(tdm_errmsg(rt), "too many nested calls") != NULL);
    CHECK(tdm_eval(rt, TDM_LANG_LUA, "pong(1)", &v) == TDM_ERRDEPTH);
    /* caught and replaced by another error: that error's status */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "local ok = pcall(pong, 0)\nassert(not ok)\n"
                                      "error('replaced')", "rep.lua") == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "replaced") != NULL);
    /* caught and raised again unchanged: still the depth limit */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "local ok, e = pcall(pong, 0)\nerror(e, 0)",
                    "again.lua") == TDM_ERRDEPTH);
    /* Python's own recursion limit is "too deep" too */
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON, "sys.setrecursionlimit(1000)\n"
                                                "def rec(n): return rec(n + 1)\n", "rec.py"));
    CHECK(tdm_eval(rt, TDM_LANG_PYTHON, "rec(0)", &v) == TDM_ERRDEPTH);
    CHECK(strstr(tdm_errmsg(rt), "RecursionError") != NULL);
    /* a plain error is not */
    CHECK(tdm_eval(rt, TDM_LANG_LUA, "pong(nil)", &v) == TDM_ERRRUN);

    /* the runtime still works afterwards */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "6 * 7", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 42);
    tdm_close(rt);
    return check_summary();
}
