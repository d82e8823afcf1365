/*
 * embed.c — a C host program holding Lua and Python in one runtime.
 *
 * Build: cc embed.c $(pkg-config --cflags --libs tandem)
 * Shows: opening a runtime with a status, running code in either language,
 * passing values, calling a function of one language from the other, tables,
 * a coroutine, a missing global, and reading an error with its traceback.
 * Every return code is checked: a host program should do no less.
 */
#include <stdio.h>
#include <string.h>
#include "tandem.h"

/* Report a status that is not the expected one; 1 when it was not. */
static int expect(tdm_Runtime *rt, tdm_Status st, tdm_Status want, const char *what)
{
    if (st != want) {
        fprintf(stderr, "%s: %s (expected %s): %s\n%s", what, tdm_status_name(st),
                tdm_status_name(want), tdm_errmsg(rt), tdm_traceback(rt));
        return 1;
    }
    return 0;
}

static int check(tdm_Runtime *rt, tdm_Status st, const char *what)
{
    return expect(rt, st, TDM_OK, what);
}

int main(void)
{
    tdm_Config cfg;
    tdm_Runtime *rt;
    tdm_config_init(&cfg);
    cfg.max_memory = 256u << 20;        /* Lua may use up to 256 MiB */
    tdm_Status st = tdm_open_config(&cfg, &rt);
    if (st != TDM_OK) {
        fprintf(stderr, "cannot open a tandem runtime (%s): %s\n", tdm_status_name(st),
                tdm_errmsg(NULL));
        return 1;
    }
    int bad = 0;

    /* A Python function and a Lua function that calls it through `python`. */
    bad |= check(rt, tdm_exec(rt, TDM_LANG_PYTHON,
                              "def shout(s):\n    return s.upper() + '!'\n", "setup.py"),
                 "python exec");
    bad |= check(rt, tdm_exec(rt, TDM_LANG_LUA,
                              "function greet(name)\n"
                              "  local shout = python.eval('shout')\n"
                              "  return shout('hello ' .. name), #name\n"
                              "end\n",
                              "setup.lua"),
                 "lua exec");

    /* C calls Lua, which calls Python. */
    tdm_Value greet, res[2];
    int nres = 0;
    if (!bad && !(bad |= check(rt, tdm_get_global(rt, TDM_LANG_LUA, "greet", &greet),
                               "get greet"))) {
        tdm_Value arg = tdm_str("tandem");
        if (!(bad |= check(rt, tdm_call(rt, &greet, 1, &arg, res, 2, &nres), "call greet"))) {
            if (nres == 2 && res[0].kind == TDM_STR && res[1].kind == TDM_INT) {
                printf("greet('tandem') -> %s, %lld\n", res[0].u.s.p, (long long)res[1].u.i);
            } else {
                fprintf(stderr, "greet: unexpected results\n");
                bad = 1;
            }
            for (int i = 0; i < nres; i++) {
                tdm_release(rt, &res[i]);
            }
        }
        tdm_release(rt, &greet);
    }

    /* Python evaluates an expression; C reads the integer. */
    tdm_Value v;
    if (!(bad |= check(rt, tdm_eval(rt, TDM_LANG_PYTHON, "sum(range(10))", &v), "python eval"))) {
        if (v.kind == TDM_INT) {
            printf("sum(range(10)) -> %lld\n", (long long)v.u.i);
        } else {
            bad = 1;
        }
        tdm_release(rt, &v);
    }

    /* A table built from C, read by Lua code. */
    tdm_Value t, key = tdm_str("answer"), val = tdm_int(42);
    if (!(bad |= check(rt, tdm_new_table(rt, TDM_LANG_LUA, &t), "new table"))) {
        bad |= check(rt, tdm_set(rt, &t, &key, &val), "set answer");
        bad |= check(rt, tdm_set_global(rt, TDM_LANG_LUA, "config", &t), "set config");
        tdm_release(rt, &t);
    }
    if (!(bad |= check(rt, tdm_eval(rt, TDM_LANG_LUA, "config.answer + 1", &v), "read config"))) {
        printf("config.answer + 1 -> %lld\n", (long long)v.u.i);
        tdm_release(rt, &v);
    }

    /* A global that does not exist, told apart from one that is None. */
    bad |= check(rt, tdm_exec(rt, TDM_LANG_PYTHON, "nothing = None\n", "g.py"), "set None");
    bad |= check(rt, tdm_find_global(rt, TDM_LANG_PYTHON, "nothing", &v), "find None");
    bad |= expect(rt, tdm_find_global(rt, TDM_LANG_PYTHON, "no_such_name", &v), TDM_ERRMISSING,
                  "find missing");

    /* A Lua coroutine resumed from C until it returns. */
    tdm_Value fn, co;
    bad |= check(rt, tdm_exec(rt, TDM_LANG_LUA,
                              "function ticks(n) for i = 1, n do coroutine.yield(i) end "
                              "return 'done' end", "co.lua"), "define ticks");
    if (!bad && !(bad |= check(rt, tdm_get_global(rt, TDM_LANG_LUA, "ticks", &fn), "get ticks"))) {
        if (!(bad |= check(rt, tdm_coroutine(rt, &fn, &co), "coroutine"))) {
            tdm_Value n = tdm_int(3);
            st = tdm_resume(rt, &co, 1, &n, res, 1, &nres);
            while (st == TDM_ERRYIELD) {
                printf("tick %lld\n", (long long)res[0].u.i);
                st = tdm_resume(rt, &co, 0, NULL, res, 1, &nres);
            }
            if (!(bad |= check(rt, st, "resume"))) {
                printf("ticks -> %s\n", nres == 1 && res[0].kind == TDM_STR ? res[0].u.s.p : "?");
                tdm_release(rt, &res[0]);
            }
            bad |= expect(rt, tdm_resume(rt, &co, 0, NULL, res, 1, &nres), TDM_ERRDEAD,
                          "resume a finished coroutine");
            tdm_release(rt, &co);
        }
        tdm_release(rt, &fn);
    }

    /* An error in Lua, raised inside a Python callback: status, message, traceback. */
    st = tdm_exec(rt, TDM_LANG_LUA, "local f = python.eval('lambda: 1/0')\nf()\n", "boom.lua");
    printf("error status: %s\nmessage: %s\n", tdm_status_name(st), tdm_errmsg(rt));
    printf("%s\n", tdm_traceback(rt));
    bad |= expect(rt, st, TDM_ERRRUN, "the error");

    tdm_free(rt);
    return bad ? 1 : 0;
}
