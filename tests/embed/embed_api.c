/* embed_api.c — the C API of issue 8: coroutines (TDM_ERRYIELD/TDM_ERRDEAD),
   missing globals (TDM_ERRMISSING), tables (tdm_get/tdm_set/tdm_new_table),
   the configuration struct, chunk names, string lifetime, bad strings. */
#include <stdlib.h>
#include "tandem.h"
#include "check.h"

static int str_is(const tdm_Value *v, const char *s)
{
    return v->kind == TDM_STR && v->u.s.n == strlen(s) && memcmp(v->u.s.p, s, v->u.s.n) == 0;
}

static void coroutines(tdm_Runtime *rt)
{
    tdm_Value fn, co, res[3], arg;
    int n = -1;
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA,
                           "function gen(a)\n"
                           "  local b = coroutine.yield(a + 1, 'first')\n"
                           "  local c = coroutine.yield(b * 2)\n"
                           "  return 'done', c\n"
                           "end\n"
                           "function bad() coroutine.yield(1); error('inside') end\n",
                           "co.lua"));
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "gen", &fn));
    CHECK_OK(rt, tdm_coroutine(rt, &fn, &co));
    CHECK(co.kind == TDM_OBJ && co.lang == TDM_LANG_LUA);

    arg = tdm_int(10);
    CHECK(tdm_resume(rt, &co, 1, &arg, res, 3, &n) == TDM_ERRYIELD);
    CHECK(strcmp(tdm_errmsg(rt), "") == 0);        /* not an error */
    CHECK(n == 2 && res[0].kind == TDM_INT && res[0].u.i == 11 && str_is(&res[1], "first"));
    tdm_release(rt, &res[1]);
    arg = tdm_int(4);
    CHECK(tdm_resume(rt, &co, 1, &arg, res, 3, &n) == TDM_ERRYIELD);
    CHECK(n == 1 && res[0].kind == TDM_INT && res[0].u.i == 8);
    arg = tdm_str("last");
    CHECK(tdm_resume(rt, &co, 1, &arg, res, 3, &n) == TDM_OK);      /* returned */
    CHECK(n == 2 && str_is(&res[0], "done") && str_is(&res[1], "last"));
    tdm_release(rt, &res[0]);
    tdm_release(rt, &res[1]);
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 3, &n) == TDM_ERRDEAD);
    CHECK(n == 0);
    CHECK(strstr(tdm_errmsg(rt), "dead") != NULL);
    tdm_release(rt, &co);
    tdm_release(rt, &fn);

    /* an error inside: TDM_ERRRUN, then the coroutine is dead */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "bad", &fn));
    CHECK_OK(rt, tdm_coroutine(rt, &fn, &co));
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_ERRYIELD);
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "inside") != NULL);
    CHECK(strstr(tdm_errmsg(rt), "co.lua:6") != NULL);
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_ERRDEAD);
    tdm_release(rt, &co);

    /* results beyond maxres are dropped; a coroutine made by Lua code */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA,
                           "coroutine.create(function() coroutine.yield(1, 2, 3) end)", &co));
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_ERRYIELD);
    CHECK(n == 1 && res[0].u.i == 1);
    CHECK(tdm_resume(rt, &co, 0, NULL, NULL, 0, &n) == TDM_OK && n == 0);
    tdm_release(rt, &co);

    /* a Python generator: values sent, TDM_OK with the return value at its end */
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON,
                           "def pygen():\n"
                           "    x = yield 1\n"
                           "    yield x + 1\n"
                           "    return 'end'\n"
                           "g = pygen()\n", "gen.py"));
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "g", &co));
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_ERRYIELD);
    CHECK(n == 1 && res[0].u.i == 1);
    arg = tdm_int(41);
    CHECK(tdm_resume(rt, &co, 1, &arg, res, 1, &n) == TDM_ERRYIELD);
    CHECK(n == 1 && res[0].u.i == 42);
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_OK);
    CHECK(n == 1 && str_is(&res[0], "end"));
    tdm_release(rt, &res[0]);
    /* resumed again after its end: TDM_ERRDEAD, nothing runs */
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_ERRDEAD && n == 0);
    CHECK(strstr(tdm_errmsg(rt), "finished Python generator") != NULL);
    tdm_release(rt, &co);

    /* a Python generator that raised is dead too */
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON,
                           "def pybad():\n"
                           "    yield 1\n"
                           "    raise KeyError('k')\n"
                           "g2 = pybad()\n", "gen2.py"));
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "g2", &co));
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_ERRYIELD);
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "KeyError") != NULL);
    CHECK(tdm_resume(rt, &co, 0, NULL, res, 1, &n) == TDM_ERRDEAD);
    tdm_release(rt, &co);

    /* misuse */
    arg = tdm_int(1);
    CHECK(tdm_resume(rt, &arg, 0, NULL, res, 1, &n) == TDM_ERRTYPE);
    CHECK(tdm_resume(rt, NULL, 0, NULL, res, 1, &n) == TDM_ERRTYPE);
    CHECK(tdm_resume(rt, &fn, -1, NULL, res, 1, &n) == TDM_ERRARG);
    CHECK(tdm_resume(NULL, &fn, 0, NULL, res, 1, &n) == TDM_ERRARG);
    CHECK(tdm_resume(rt, &fn, 0, NULL, res, 1, &n) == TDM_ERRRUN);     /* a function */
    CHECK(tdm_coroutine(rt, &arg, &co) == TDM_ERRTYPE && co.kind == TDM_NIL);
    CHECK(tdm_coroutine(rt, NULL, &co) == TDM_ERRARG);
    CHECK(tdm_coroutine(rt, &fn, NULL) == TDM_ERRARG);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "{}", &co));
    CHECK(tdm_coroutine(rt, &co, &res[0]) == TDM_ERRRUN);            /* a table */
    tdm_release(rt, &co);
    tdm_release(rt, &fn);
}

static void globals(tdm_Runtime *rt)
{
    tdm_Value v = tdm_int(7);
    CHECK(tdm_find_global(rt, TDM_LANG_LUA, "nowhere", &v) == TDM_ERRMISSING);
    CHECK(v.kind == TDM_NIL);
    CHECK(strcmp(tdm_errmsg(rt), "") == 0);
    CHECK(tdm_find_global(rt, TDM_LANG_PYTHON, "nowhere", &v) == TDM_ERRMISSING);
    CHECK(strcmp(tdm_status_name(TDM_ERRMISSING), "missing") == 0);
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON, "is_none = None\nzero = 0\n", "g.py"));
    CHECK_OK(rt, tdm_find_global(rt, TDM_LANG_PYTHON, "is_none", &v));
    CHECK(v.kind == TDM_NIL);                  /* found, and None */
    CHECK_OK(rt, tdm_find_global(rt, TDM_LANG_PYTHON, "zero", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 0);
    CHECK_OK(rt, tdm_find_global(rt, TDM_LANG_PYTHON, "len", &v));   /* a builtin */
    CHECK(v.kind == TDM_OBJ);
    tdm_release(rt, &v);
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA, "flag = false", "g.lua"));
    CHECK_OK(rt, tdm_find_global(rt, TDM_LANG_LUA, "flag", &v));
    CHECK(v.kind == TDM_BOOL && v.u.b == 0);
    /* tdm_get_global still answers nil for all of them */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "nowhere", &v));
    CHECK(v.kind == TDM_NIL);
    CHECK(tdm_find_global(rt, TDM_LANG_LUA, NULL, &v) == TDM_ERRARG);
    CHECK(tdm_find_global(rt, TDM_LANG_LUA, "x", NULL) == TDM_ERRARG);
    CHECK(tdm_find_global(rt, (tdm_LangId)9, "x", &v) == TDM_ERRARG);
}

static void tables(tdm_Runtime *rt)
{
    tdm_Value t, d, k, v, out;
    CHECK_OK(rt, tdm_new_table(rt, TDM_LANG_LUA, &t));
    CHECK(t.kind == TDM_OBJ && t.lang == TDM_LANG_LUA);
    k = tdm_str("name");
    v = tdm_str("tandem");
    CHECK_OK(rt, tdm_set(rt, &t, &k, &v));
    k = tdm_int(1);
    v = tdm_float(2.5);
    CHECK_OK(rt, tdm_set(rt, &t, &k, &v));
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "ct", &t));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "ct.name .. ':' .. ct[1] .. ':' .. #ct", &out));
    CHECK(str_is(&out, "tandem:2.5:1"));
    tdm_release(rt, &out);
    k = tdm_str("name");
    CHECK_OK(rt, tdm_get(rt, &t, &k, &out));
    CHECK(str_is(&out, "tandem"));
    tdm_release(rt, &out);
    k = tdm_str("absent");
    CHECK_OK(rt, tdm_get(rt, &t, &k, &out));
    CHECK(out.kind == TDM_NIL);
    /* nil removes a key; a nil key is Lua's error */
    k = tdm_int(1);
    v = tdm_nil();
    CHECK_OK(rt, tdm_set(rt, &t, &k, &v));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "#ct", &out));
    CHECK(out.kind == TDM_INT && out.u.i == 0);
    CHECK(tdm_set(rt, &t, &v, &k) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "nil") != NULL);
    /* metamethods run */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA,
                           "setmetatable({}, {__index = function(_, key) return key .. '!' end})",
                           &d));
    k = tdm_str("hey");
    CHECK_OK(rt, tdm_get(rt, &d, &k, &out));
    CHECK(str_is(&out, "hey!"));
    tdm_release(rt, &out);
    tdm_release(rt, &d);

    /* a Python dict, and a Lua table stored in it */
    CHECK_OK(rt, tdm_new_table(rt, TDM_LANG_PYTHON, &d));
    CHECK(d.kind == TDM_OBJ && d.lang == TDM_LANG_PYTHON);
    k = tdm_str("lua");
    CHECK_OK(rt, tdm_set(rt, &d, &k, &t));
    k = tdm_int(3);
    v = tdm_bool(1);
    CHECK_OK(rt, tdm_set(rt, &d, &k, &v));
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "cd", &d));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON,
                           "type(cd) is dict and cd[3] is True and cd['lua']['name']", &out));
    CHECK(str_is(&out, "tandem"));
    tdm_release(rt, &out);
    k = tdm_str("lua");
    CHECK_OK(rt, tdm_get(rt, &d, &k, &out));       /* the Lua table itself comes back */
    CHECK(out.kind == TDM_OBJ && out.lang == TDM_LANG_LUA);
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "back", &out));
    tdm_release(rt, &out);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "rawequal(back, ct)", &out));
    CHECK(out.kind == TDM_BOOL && out.u.b == 1);
    k = tdm_str("missing");
    CHECK(tdm_get(rt, &d, &k, &out) == TDM_ERRRUN);    /* Python: KeyError */
    CHECK(strstr(tdm_errmsg(rt), "KeyError") != NULL);
    CHECK(out.kind == TDM_NIL);
    /* a Python list by index */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "[10, 20, 30]", &v));
    k = tdm_int(-1);
    CHECK_OK(rt, tdm_get(rt, &v, &k, &out));
    CHECK(out.kind == TDM_INT && out.u.i == 30);
    k = tdm_int(5);
    CHECK(tdm_get(rt, &v, &k, &out) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "IndexError") != NULL);
    tdm_release(rt, &v);

    /* misuse */
    k = tdm_int(1);
    v = tdm_int(2);
    CHECK(tdm_get(rt, &k, &k, &out) == TDM_ERRTYPE);
    CHECK(strstr(tdm_errmsg(rt), "not an object") != NULL);
    CHECK(tdm_set(rt, &v, &k, &v) == TDM_ERRTYPE);
    CHECK(tdm_get(rt, NULL, &k, &out) == TDM_ERRARG);
    CHECK(tdm_get(rt, &t, NULL, &out) == TDM_ERRARG);
    CHECK(tdm_get(rt, &t, &k, NULL) == TDM_ERRARG);
    CHECK(tdm_set(rt, &t, &k, NULL) == TDM_ERRARG);
    CHECK(tdm_get(NULL, &t, &k, &out) == TDM_ERRARG);
    CHECK(tdm_new_table(rt, TDM_LANG_LUA, NULL) == TDM_ERRARG);
    CHECK(tdm_new_table(rt, TDM_LANG_NONE, &out) == TDM_ERRARG);
    CHECK(tdm_new_table(NULL, TDM_LANG_LUA, &out) == TDM_ERRARG);
    tdm_Value bad = tdm_lstr(NULL, 5);
    CHECK(tdm_get(rt, &t, &bad, &out) == TDM_ERRARG);
    CHECK(strstr(tdm_errmsg(rt), "tdm_lstr(NULL, n)") != NULL);
    CHECK(strstr(tdm_errmsg(rt), "another runtime") == NULL);
    tdm_release(rt, &d);
    tdm_release(rt, &t);
}

static void strings_and_names(tdm_Runtime *rt)
{
    tdm_Value a, b;
    /* a returned string is the host's copy: it outlives later calls */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "string.rep('ab', 3)", &a));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "'x' * 1000", &b));
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA, "collectgarbage()", "gc.lua"));
    CHECK(str_is(&a, "ababab") && a.u.s.p[6] == '\0');       /* NUL after the bytes */
    CHECK(b.u.s.n == 1000 && b.u.s.p[999] == 'x' && b.u.s.p[1000] == '\0');
    tdm_release(rt, &a);
    tdm_release(rt, &b);
    CHECK(a.kind == TDM_NIL);
    /* a string with a NUL inside keeps its length */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "'a\\0b'", &a));
    CHECK(a.u.s.n == 3 && a.u.s.p[1] == '\0' && a.u.s.p[2] == 'b');
    tdm_release(rt, &a);

    /* Lua chunk names appear as given, not [string "..."] */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "\nerror('named')", "setup.lua") == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "setup.lua:2: named") != NULL);
    CHECK(strstr(tdm_errmsg(rt), "[string") == NULL);
    CHECK(strstr(tdm_traceback(rt), "setup.lua:2") != NULL);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "x = = 1", "syn.lua") == TDM_ERRSYNTAX);
    CHECK(strncmp(tdm_errmsg(rt), "syn.lua:1:", 10) == 0);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "error('at')", "=exact") == TDM_ERRRUN);
    CHECK(strncmp(tdm_errmsg(rt), "exact:1: at", 11) == 0);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "error('at')", NULL) == TDM_ERRRUN);
    CHECK(strncmp(tdm_errmsg(rt), "<embed>:1: at", 13) == 0);
    CHECK(tdm_exec(rt, TDM_LANG_PYTHON, "\n1/0", "setup.py") == TDM_ERRRUN);
    CHECK(strstr(tdm_traceback(rt), "setup.py") != NULL);

    /* a NULL string with a length: its own message */
    b = tdm_lstr(NULL, 5);
    CHECK(tdm_set_global(rt, TDM_LANG_LUA, "s", &b) == TDM_ERRARG);
    CHECK(strstr(tdm_errmsg(rt), "pointer is NULL") != NULL);
    b = tdm_lstr(NULL, 0);                      /* the empty string */
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "s", &b));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "s == ''", &a));
    CHECK(a.kind == TDM_BOOL && a.u.b == 1);
}

/* The traceback of an error raised by Python code that Lua called lists the
   frames of both languages. */
static void both_tracebacks(tdm_Runtime *rt)
{
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON,
                           "def deep_py():\n"
                           "    raise KeyError('inner')\n", "deep.py"));
    CHECK(tdm_exec(rt, TDM_LANG_LUA,
                    "local function outer_lua()\n"
                    "  python.eval('deep_py')()\n"
                    "end\n"
                    "outer_lua()\n", "outer.lua") == TDM_ERRRUN);
    const char *tb = tdm_traceback(rt);
    CHECK(strstr(tb, "[lua] outer.lua:2") != NULL);
    CHECK(strstr(tb, "[lua] outer.lua:4") != NULL);
    CHECK(strstr(tb, "[python]") != NULL);
    CHECK(strstr(tb, "deep.py\", line 2, in deep_py") != NULL);
    CHECK(strstr(tb, "KeyError: 'inner'") != NULL);
    CHECK(strstr(tdm_errmsg(rt), "KeyError") != NULL);
}

static void config(void)
{
    tdm_Config cfg;
    tdm_Runtime *rt = (tdm_Runtime *)&cfg;
    tdm_Value v;
    tdm_config_init(&cfg);
    CHECK(cfg.size == sizeof cfg && cfg.lua_libs == 1 && cfg.python == 1
           && strcmp(cfg.python_table, "python") == 0 && cfg.max_memory == 0);
    tdm_config_init(NULL);

    /* another name for the python table, without eval */
    cfg.python_table = "py";
    cfg.python_eval = 0;
    CHECK(tdm_open_config(&cfg, &rt) == TDM_OK && rt != NULL);
    CHECK(strcmp(tdm_errmsg(NULL), "") == 0);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA,
                           "python == nil and py.eval == nil and py.builtins ~= nil"
                           " and py.import('math').sqrt(16)", &v));
    CHECK(v.kind == TDM_FLOAT && v.u.f == 4.0);
    tdm_free(rt);

    /* a Lua-only runtime without its standard libraries */
    tdm_config_init(&cfg);
    cfg.python = 0;
    cfg.lua_libs = 0;
    CHECK(tdm_open_config(&cfg, &rt) == TDM_OK);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "string == nil and python == nil", &v));
    CHECK(v.kind == TDM_BOOL && v.u.b == 1);
    CHECK(tdm_eval(rt, TDM_LANG_PYTHON, "1", &v) == TDM_ERRARG);
    CHECK(strstr(tdm_errmsg(rt), "no such language") != NULL);
    tdm_free(rt);

    /* a memory limit */
    tdm_config_init(&cfg);
    cfg.max_memory = 4u << 20;
    CHECK(tdm_open_config(&cfg, &rt) == TDM_OK);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "local t = {} for i = 1, 1e7 do t[i] = i end", "big.lua")
           == TDM_ERRMEM);
    CHECK(strstr(tdm_errmsg(rt), "memory") != NULL);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "1 + 1", &v));
    tdm_free(rt);

    /* NULL: the defaults */
    CHECK(tdm_open_config(NULL, &rt) == TDM_OK);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "python.eval('6 * 7')", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 42);
    tdm_free(rt);

    /* failures: a status and the reason, *out NULL */
    rt = (tdm_Runtime *)&cfg;
    CHECK(tdm_open_config(NULL, NULL) == TDM_ERRARG);
    CHECK(strstr(tdm_errmsg(NULL), "out is NULL") != NULL);
    tdm_Config raw;
    memset(&raw, 0, sizeof raw);        /* not from tdm_config_init */
    CHECK(tdm_open_config(&raw, &rt) == TDM_ERRARG && rt == NULL);
    CHECK(strstr(tdm_errmsg(NULL), "tdm_config_init") != NULL);
    tdm_config_init(&cfg);
    cfg.python_table = "";
    rt = (tdm_Runtime *)&cfg;
    CHECK(tdm_open_config(&cfg, &rt) == TDM_ERRARG && rt == NULL);
    CHECK(strstr(tdm_errmsg(NULL), "python_table") != NULL);
    tdm_config_init(&cfg);
    cfg.max_memory = 1024;              /* too small for the python table */
    CHECK(tdm_open_config(&cfg, &rt) == TDM_ERRMEM && rt == NULL);
    CHECK(strstr(tdm_errmsg(NULL), "memory") != NULL);
}

int main(void)
{
    config();
    tdm_Runtime *rt = tdm_open();
    CHECK(rt != NULL);
    if (rt == NULL) {
        return check_summary();
    }
    coroutines(rt);
    globals(rt);
    tables(rt);
    strings_and_names(rt);
    both_tracebacks(rt);
    tdm_close(rt);
    tdm_Value v;
    CHECK(tdm_new_table(rt, TDM_LANG_LUA, &v) == TDM_ERRCLOSED);
    CHECK(tdm_find_global(rt, TDM_LANG_LUA, "x", &v) == TDM_ERRCLOSED);
    CHECK(tdm_resume(rt, &v, 0, NULL, NULL, 0, NULL) == TDM_ERRTYPE);
    tdm_free(rt);
    return check_summary();
}
