/* embed_translate.c — tdm_translate: a Python function as a native Lua
   function of the runtime, every return code checked. */
#include "tandem.h"
#include "check.h"

/* Python functions with their source in linecache under "cmp.py" (a C host's
   code has no file; the translator reads source through linecache). */
static const char setup_py[] =
    "import linecache\n"
    "src = '''\n"
    "def by_mod7(a, b):\n"
    "    return a % 7 < b % 7 or (a % 7 == b % 7 and a < b)\n"
    "def floor_parts(a, b):\n"
    "    return [a // b, a % b, a / b]\n"
    "def uses_class(x):\n"
    "    class K:\n"
    "        pass\n"
    "    return K\n"
    "def fails(d):\n"
    "    return d['missing']\n"
    "'''\n"
    "linecache.cache['cmp.py'] = (len(src), None, src.splitlines(True), 'cmp.py')\n"
    "exec(compile(src, 'cmp.py', 'exec'))\n"
    "def nosrc(x):\n"
    "    return x\n";

int main(void)
{
    tdm_Runtime *rt = tdm_open();
    CHECK(rt != NULL);
    if (rt == NULL) {
        return check_summary();
    }
    tdm_Value pyfn, lf, lf2, res[2], v;
    int n = 0;
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON, setup_py, "setup.py"));

    /* a comparator, translated and used by Lua's table.sort */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "by_mod7", &pyfn));
    CHECK(pyfn.kind == TDM_OBJ && pyfn.lang == TDM_LANG_PYTHON);
    CHECK_OK(rt, tdm_translate(rt, &pyfn, &lf));
    CHECK(lf.kind == TDM_OBJ && lf.lang == TDM_LANG_LUA);
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "cmp", &lf));
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA,
                           "assert(debug.getinfo(cmp, 'S').what == 'Lua')\n"
                           "t = {10, 3, 8, 15, 1, -4, 22, 0, 7, -11}\n"
                           "table.sort(t, cmp)\n"
                           "order = table.concat(t, ',')", "sort.lua"));
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "order", &v));
    CHECK(v.kind == TDM_STR && v.u.s.n == 25
           && memcmp(v.u.s.p, "0,7,1,8,15,22,-11,-4,3,10", 25) == 0);
    tdm_release(rt, &v);

    /* called from C: Python's answers */
    tdm_Value args[2] = {tdm_int(10), tdm_int(3)};
    CHECK_OK(rt, tdm_call(rt, &lf, 2, args, res, 2, &n));
    CHECK(n == 1 && res[0].kind == TDM_BOOL && res[0].u.b == 0);    /* 10 % 7 == 3 % 7, 10 > 3 */
    tdm_release(rt, &res[0]);

    /* the same function object twice, and the same one Lua code gets */
    CHECK_OK(rt, tdm_translate(rt, &pyfn, &lf2));
    CHECK(lf2.kind == TDM_OBJ && lf2.lang == TDM_LANG_LUA);
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "cmp2", &lf2));
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "pycmp", &pyfn));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA,
                           "rawequal(cmp, cmp2) and rawequal(cmp, python.translate(pycmp))",
                           &v));
    CHECK(v.kind == TDM_BOOL && v.u.b == 1);
    tdm_release(rt, &lf2);
    tdm_release(rt, &pyfn);

    /* floor division and modulo of negatives, as Python */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "floor_parts", &pyfn));
    CHECK_OK(rt, tdm_translate(rt, &pyfn, &lf2));
    tdm_release(rt, &pyfn);
    args[0] = tdm_int(-7);
    args[1] = tdm_int(2);
    CHECK_OK(rt, tdm_call(rt, &lf2, 2, args, res, 1, &n));
    CHECK(n == 1 && res[0].kind == TDM_OBJ);
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "fp_result", &res[0]));
    tdm_release(rt, &res[0]);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "fp_result == [-4, 1, -3.5] "
                           "and type(fp_result) is list", &v));
    CHECK(v.kind == TDM_BOOL && v.u.b == 1);

    /* an exception raised in translated code: TDM_ERRRUN with Python's message */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "fails", &pyfn));
    CHECK_OK(rt, tdm_translate(rt, &pyfn, &v));
    tdm_release(rt, &pyfn);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "{}", &res[1]));
    CHECK(tdm_call(rt, &v, 1, &res[1], res, 1, &n) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "KeyError") != NULL);
    tdm_release(rt, &res[1]);
    tdm_release(rt, &v);

    /* TDM_ERRRUN: TranslationError, naming the construct and file:line */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "uses_class", &pyfn));
    lf2 = tdm_int(1);
    CHECK(tdm_translate(rt, &pyfn, &lf2) == TDM_ERRRUN);
    CHECK(lf2.kind == TDM_NIL);
    CHECK(strstr(tdm_errmsg(rt), "TranslationError") != NULL);
    CHECK(strstr(tdm_errmsg(rt), "cmp.py:7") != NULL);
    tdm_release(rt, &pyfn);
    /* ... a function without source */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "nosrc", &pyfn));
    CHECK(tdm_translate(rt, &pyfn, &lf2) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "source") != NULL);
    tdm_release(rt, &pyfn);
    /* ... a Python object that is no function */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "len", &pyfn));
    CHECK(tdm_translate(rt, &pyfn, &lf2) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "only Python functions") != NULL);
    tdm_release(rt, &pyfn);

    /* TDM_ERRTYPE: not an object (a number) */
    tdm_Value num = tdm_int(5);
    CHECK(tdm_translate(rt, &num, &lf2) == TDM_ERRTYPE);
    CHECK(strstr(tdm_errmsg(rt), "not a Python or Lua object") != NULL);
    /* a Lua function goes the other way (embed_translate_lua.c); this one is
       generated code whose source Lua does not keep: a TranslationError */
    CHECK(tdm_translate(rt, &lf, &lf2) == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "TranslationError") != NULL);
    CHECK(lf2.kind == TDM_NIL);

    /* TDM_ERRARG: NULL arguments, a NULL runtime, a value released already */
    CHECK(tdm_translate(rt, NULL, &lf2) == TDM_ERRARG);
    CHECK(strstr(tdm_errmsg(rt), "NULL") != NULL);
    CHECK(tdm_translate(rt, &num, NULL) == TDM_ERRARG);
    CHECK(tdm_translate(NULL, &num, &lf2) == TDM_ERRARG);

    /* after a failure the runtime works on */
    args[0] = tdm_int(8);
    args[1] = tdm_int(1);
    CHECK_OK(rt, tdm_call(rt, &lf, 2, args, res, 1, &n));
    CHECK(n == 1 && res[0].kind == TDM_BOOL && res[0].u.b == 0);   /* 8%7 == 1%7, 8 > 1 */

    /* TDM_ERRCLOSED after tdm_close */
    CHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "by_mod7", &pyfn));
    tdm_release(rt, &lf);
    tdm_release(rt, &lf2);
    tdm_close(rt);
    CHECK(tdm_translate(rt, &pyfn, &lf2) == TDM_ERRCLOSED);
    CHECK(strstr(tdm_errmsg(rt), "closed") != NULL);
    CHECK(lf2.kind == TDM_NIL);
    tdm_release(rt, &pyfn);
    tdm_free(rt);
    return check_summary();
}
