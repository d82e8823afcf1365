/* embed_translate_lua.c — tdm_translate on a Lua function: a Python function
   running its translation (issue 10), every return code checked. */
#include "tandem.h"
#include "check.h"

/* Lua functions whose source Lua keeps: load() of a string keeps the
   string as the chunk's source; the text of a chunk run by tdm_exec under
   a name ("defs"), or load()ed under a name, tandem records
   (adapters/lua/lsrcrec.c). */
static const char setup_lua[] =
    "local src = [[\n"
    "local calls = 0\n"
    "local function fib(n)\n"
    "  calls = calls + 1\n"
    "  if n < 2 then return n end\n"
    "  return fib(n - 1) + fib(n - 2)\n"
    "end\n"
    "local function idiv(a, b) return a // b, a % b, a / b end\n"
    "local function fails(t) return t.x.y end\n"
    "local function ncalls() return calls end\n"
    "return fib, idiv, fails, ncalls\n"
    "]]\n"
    "fib, idiv, fails, ncalls = load(src)()\n"
    "function named(x) return x // 2, x / 2 end\n"
    "load('function dup1(x) return x end', '=dup')()\n"
    "load('function dup2(x) return -x end', '=dup')()\n";

static int is_true(tdm_Runtime *rt, tdm_LangId lang, const char *expr)
{
    tdm_Value v;
    if (tdm_eval(rt, lang, expr, &v) != TDM_OK) {
        fprintf(stderr, "eval failed: %s\n", tdm_errmsg(rt));
        return 0;
    }
    int ok = v.kind == TDM_BOOL && v.u.b == 1;
    tdm_release(rt, &v);
    return ok;
}

int main(void)
{
    tdm_Runtime *rt = tdm_open();
    CHECK(rt != NULL);
    if (rt == NULL) {
        return check_summary();
    }
    tdm_Value lf, pf, pf2, res[3], args[2];
    int n = 0;
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA, setup_lua, "defs"));

    /* a recursive Lua function becomes a Python function */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "fib", &lf));
    CHECK_OK(rt, tdm_translate(rt, &lf, &pf));
    CHECK(pf.kind == TDM_OBJ && pf.lang == TDM_LANG_PYTHON);
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "pfib", &pf));
    CHECK(is_true(rt, TDM_LANG_PYTHON, "type(pfib).__name__ == 'function'"));
    args[0] = tdm_int(20);
    CHECK_OK(rt, tdm_call(rt, &pf, 1, args, res, 1, &n));
    CHECK(n == 1 && res[0].kind == TDM_INT && res[0].u.i == 6765);
    /* the upvalue `calls` is shared with the Lua closures still in Lua */
    CHECK(is_true(rt, TDM_LANG_LUA, "ncalls() == 21891"));

    /* the same Lua function twice: the same Python function, also the one
       python.translate in Lua gives */
    CHECK_OK(rt, tdm_translate(rt, &lf, &pf2));
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "pfib2", &pf2));
    CHECK(is_true(rt, TDM_LANG_PYTHON, "pfib is pfib2"));
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "pfib", &pf));
    CHECK(is_true(rt, TDM_LANG_LUA, "rawequal(python.translate(fib), pfib)"));
    tdm_release(rt, &pf2);
    tdm_release(rt, &lf);
    tdm_release(rt, &pf);

    /* Lua's arithmetic, several results */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "idiv", &lf));
    CHECK_OK(rt, tdm_translate(rt, &lf, &pf));
    tdm_release(rt, &lf);
    args[0] = tdm_int(-7);
    args[1] = tdm_int(2);
    CHECK_OK(rt, tdm_call(rt, &pf, 2, args, res, 3, &n));
    /* through the bridge a Python callable's several results are a tuple */
    CHECK(n == 1 && res[0].kind == TDM_OBJ);
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "r", &res[0]));
    tdm_release(rt, &res[0]);
    CHECK(is_true(rt, TDM_LANG_PYTHON, "r == (-4, 1, -3.5) and type(r[2]) is float"));
    args[1] = tdm_int(0);
    CHECK(tdm_call(rt, &pf, 2, args, res, 3, &n) == TDM_ERRRUN);
    /* lua5.4: "[string ...]:7: attempt to divide by zero" */
    CHECK(strstr(tdm_errmsg(rt), "\"]:7: attempt to divide by zero") != NULL);
    tdm_release(rt, &pf);

    /* an error keeps the Lua chunk and line */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "fails", &lf));
    CHECK_OK(rt, tdm_translate(rt, &lf, &pf));
    tdm_release(rt, &lf);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "{}", &args[0]));
    CHECK(tdm_call(rt, &pf, 1, args, res, 1, &n) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "LuaError") != NULL);
    CHECK(strstr(tdm_errmsg(rt), ":8: attempt to index a nil value (field 'x')") != NULL);
    tdm_release(rt, &args[0]);
    tdm_release(rt, &pf);

    /* TDM_ERRRUN with a TranslationError: a C function, a chunk whose source
       Lua did not keep */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "print", &lf));
    pf = tdm_int(1);
    CHECK(tdm_translate(rt, &lf, &pf) == TDM_ERRRUN);
    CHECK(pf.kind == TDM_NIL);
    CHECK(strstr(tdm_errmsg(rt), "TranslationError") != NULL);
    CHECK(strstr(tdm_errmsg(rt), "C function") != NULL);
    tdm_release(rt, &lf);
    /* a name loaded with two texts: which one is the function's? refused */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "dup1", &lf));
    CHECK(tdm_translate(rt, &lf, &pf) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "TranslationError") != NULL);
    CHECK(strstr(tdm_errmsg(rt), "chunk name '=dup' was loaded") != NULL);
    tdm_release(rt, &lf);

    /* a function of the tdm_exec chunk "defs": its recorded text */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "named", &lf));
    CHECK_OK(rt, tdm_translate(rt, &lf, &pf));
    tdm_release(rt, &lf);
    args[0] = tdm_int(7);
    CHECK_OK(rt, tdm_call(rt, &pf, 1, args, res, 1, &n));
    CHECK(n == 1 && res[0].kind == TDM_OBJ);
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "r", &res[0]));
    tdm_release(rt, &res[0]);
    CHECK(is_true(rt, TDM_LANG_PYTHON, "r == (3, 3.5) and type(r[0]) is int"));
    CHECK(is_true(rt, TDM_LANG_LUA, "select(2, named(7)) == 3.5"));
    tdm_release(rt, &pf);
    /* tdm_exec code defining a function under another name, run twice with
       the same text: still one text */
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA, "function twice(x)\n return x .. x end", "=t"));
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA, "function twice(x)\n return x .. x end", "=t"));
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "twice", &lf));
    CHECK_OK(rt, tdm_translate(rt, &lf, &pf));
    tdm_release(rt, &lf);
    tdm_Value s = tdm_str("ab");
    CHECK_OK(rt, tdm_call(rt, &pf, 1, &s, res, 1, &n));
    CHECK(n == 1 && res[0].kind == TDM_STR && res[0].u.s.n == 4
          && memcmp(res[0].u.s.p, "abab", 4) == 0);
    tdm_release(rt, &res[0]);
    tdm_release(rt, &pf);

    /* TDM_ERRTYPE: a Lua table is no function; a number is no object */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "{}", &lf));
    CHECK(tdm_translate(rt, &lf, &pf) == TDM_ERRRUN);
    tdm_release(rt, &lf);
    tdm_Value num = tdm_int(5);
    CHECK(tdm_translate(rt, &num, &pf) == TDM_ERRTYPE);
    CHECK(strstr(tdm_errmsg(rt), "not a Python or Lua object") != NULL);

    tdm_free(rt);
    return check_summary();
}
