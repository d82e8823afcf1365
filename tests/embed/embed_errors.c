/* embed_errors.c — errors reach a C host as status + message + traceback. */
#include "tandem.h"
#include "echeck.h"

int main(void)
{
    tdm_Runtime *rt = tdm_open();
    ECHECK(rt != NULL);
    if (rt == NULL) {
        return echeck_summary();
    }
    tdm_Value v;

    /* syntax errors in each language */
    ECHECK(tdm_exec(rt, TDM_LANG_LUA, "x = = 1", "bad.lua") == TDM_ERRSYNTAX);
    ECHECK(strstr(tdm_errmsg(rt), "bad.lua") != NULL);
    ECHECK(tdm_exec(rt, TDM_LANG_PYTHON, "def (:", "bad.py") == TDM_ERRSYNTAX);
    ECHECK(strstr(tdm_errmsg(rt), "SyntaxError") != NULL);

    /* runtime errors with the stack of the failing language */
    ECHECK(tdm_exec(rt, TDM_LANG_LUA, "local function inner() error('deep') end\n"
                                      "local function outer() inner() end\nouter()\n",
                    "stack.lua") == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "deep") != NULL);
    ECHECK(strstr(tdm_traceback(rt), "inner") != NULL);
    ECHECK(strstr(tdm_traceback(rt), "outer") != NULL);
    ECHECK(tdm_exec(rt, TDM_LANG_PYTHON, "def f():\n    raise KeyError('k')\nf()\n",
                    "err.py") == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "KeyError") != NULL);
    ECHECK(strstr(tdm_traceback(rt), "err.py") != NULL);

    /* code with a NUL byte (tdm_exec_n): Python refuses it, Lua loads it whole */
    ECHECK(tdm_exec_n(rt, TDM_LANG_PYTHON, "x = 1\0; raise", 13, "nul.py") == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "null bytes") != NULL);
    ECHECK(tdm_exec_n(rt, TDM_LANG_PYTHON, "nul_ok = 7", 10, "nul.py") == TDM_OK);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "nul_ok", &v));
    ECHECK(v.kind == TDM_INT && v.u.i == 7);
    ECHECK_OK(rt, tdm_exec_n(rt, TDM_LANG_LUA, "nul_n = #'a\0b'", 14, "nul.lua"));
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "nul_n", &v));
    ECHECK(v.kind == TDM_INT && v.u.i == 3);
    ECHECK(tdm_exec_n(rt, TDM_LANG_LUA, NULL, 3, "x") == TDM_ERRARG);

    /* a Python exception raised in a callback, seen by the host through Lua */
    ECHECK(tdm_exec(rt, TDM_LANG_LUA, "python.eval('lambda: 1/0')()", "cb.lua") == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "ZeroDivisionError") != NULL);

    /* calling something that is not callable, and bad arguments */
    tdm_Value num = tdm_int(5), res;
    int nres;
    ECHECK(tdm_call(rt, &num, 0, NULL, &res, 1, &nres) == TDM_ERRTYPE);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "{}", &v));
    ECHECK(tdm_call(rt, &v, 0, NULL, &res, 1, &nres) == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "call") != NULL);
    tdm_release(rt, &v);
    ECHECK(tdm_exec(rt, (tdm_LangId)9, "x", NULL) == TDM_ERRARG);

    /* ping-pong recursion across the boundary ends in a clean error */
    ECHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON,
                           "import sys\nsys.setrecursionlimit(100000)\n", "rec.py"));
    ECHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA,
                           "function pong(n) return python.eval('ping')(n + 1) end", "rec.lua"));
    ECHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON,
                           "import tandem\n"
                           "def ping(n):\n"
                           "    return n if n >= 100000 else PONG(n + 1)\n", "rec.py"));
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "pong", &v));
    ECHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "PONG", &v));
    tdm_release(rt, &v);
    /* ... the depth limit is TDM_ERRDEPTH, whichever language was outermost
       and whichever crossing was refused */
    tdm_Status st = tdm_eval(rt, TDM_LANG_LUA, "pong(0)", &v);
    ECHECK(st == TDM_ERRDEPTH);
    ECHECK(strstr(tdm_errmsg(rt), "nested") != NULL || strstr(tdm_errmsg(rt), "RecursionError") != NULL);
    ECHECK(tdm_eval(rt, TDM_LANG_PYTHON, "ping(0)", &v) == TDM_ERRDEPTH);
    ECHECK(strstr(tdm_errmsg(rt), "too many nested calls") != NULL);
    ECHECK(tdm_eval(rt, TDM_LANG_LUA, "pong(1)", &v) == TDM_ERRDEPTH);
    /* caught and replaced by another error: that error's status */
    ECHECK(tdm_exec(rt, TDM_LANG_LUA, "local ok = pcall(pong, 0)\nassert(not ok)\n"
                                      "error('replaced')", "rep.lua") == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "replaced") != NULL);
    /* caught and raised again unchanged: still the depth limit */
    ECHECK(tdm_exec(rt, TDM_LANG_LUA, "local ok, e = pcall(pong, 0)\nerror(e, 0)",
                    "again.lua") == TDM_ERRDEPTH);
    /* Python's own recursion limit is "too deep" too */
    ECHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON, "sys.setrecursionlimit(1000)\n"
                                                "def rec(n): return rec(n + 1)\n", "rec.py"));
    ECHECK(tdm_eval(rt, TDM_LANG_PYTHON, "rec(0)", &v) == TDM_ERRDEPTH);
    ECHECK(strstr(tdm_errmsg(rt), "RecursionError") != NULL);
    /* a plain error is not */
    ECHECK(tdm_eval(rt, TDM_LANG_LUA, "pong(nil)", &v) == TDM_ERRRUN);

    /* the runtime still works afterwards */
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "6 * 7", &v));
    ECHECK(v.kind == TDM_INT && v.u.i == 42);
    tdm_close(rt);
    return echeck_summary();
}
