/*
 * embed.c — a C host program holding Lua and Python in one runtime.
 *
 * Build: cc embed.c $(pkg-config --cflags --libs tandem)
 * Shows: running code in either language, passing values, calling a function
 * of one language from the other, and reading an error with its traceback.
 */
#include <stdio.h>
#include <string.h>
#include "tandem.h"

static int check(tdm_Runtime *rt, tdm_Status st, const char *what)
{
    if (st != TDM_OK) {
        fprintf(stderr, "%s failed (%s): %s\n%s", what, tdm_status_name(st),
                tdm_errmsg(rt), tdm_traceback(rt));
        return 1;
    }
    return 0;
}

int main(void)
{
    tdm_Runtime *rt = tdm_open();
    if (rt == NULL) {
        fprintf(stderr, "cannot open a tandem runtime\n");
        return 1;
    }
    /* A Python function and a Lua function that calls it through `python`. */
    if (check(rt, tdm_exec(rt, TDM_LANG_PYTHON,
                           "def shout(s):\n    return s.upper() + '!'\n", "setup.py"),
              "python exec")
        || check(rt, tdm_exec(rt, TDM_LANG_LUA,
                              "function greet(name)\n"
                              "  local shout = python.eval('shout')\n"
                              "  return shout('hello ' .. name), #name\n"
                              "end\n",
                              "setup.lua"),
                 "lua exec")) {
        tdm_free(rt);
        return 1;
    }

    /* C calls Lua, which calls Python. */
    tdm_Value greet, res[2];
    int nres = 0;
    if (check(rt, tdm_get_global(rt, TDM_LANG_LUA, "greet", &greet), "get greet")) {
        tdm_free(rt);
        return 1;
    }
    tdm_Value arg = tdm_str("tandem");
    if (check(rt, tdm_call(rt, &greet, 1, &arg, res, 2, &nres), "call greet")) {
        tdm_free(rt);
        return 1;
    }
    printf("greet('tandem') -> %.*s, %lld\n", (int)res[0].u.s.n, res[0].u.s.p,
           (long long)res[1].u.i);
    tdm_release(rt, &res[0]);
    tdm_release(rt, &res[1]);

    /* Python evaluates an expression; C reads the integer. */
    tdm_Value v;
    if (check(rt, tdm_eval(rt, TDM_LANG_PYTHON, "sum(range(10))", &v), "python eval")) {
        tdm_free(rt);
        return 1;
    }
    printf("sum(range(10)) -> %lld\n", (long long)v.u.i);

    /* An error in Lua, raised inside a Python callback: status, message, traceback. */
    tdm_Status st = tdm_exec(rt, TDM_LANG_LUA,
                             "local f = python.eval('lambda: 1/0')\nf()\n", "boom.lua");
    printf("error status: %s\nmessage: %s\n", tdm_status_name(st), tdm_errmsg(rt));
    printf("traceback:\n%s\n", tdm_traceback(rt));

    tdm_release(rt, &greet);
    tdm_free(rt);
    return st == TDM_ERRRUN ? 0 : 1;
}
