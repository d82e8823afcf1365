/* embed_translate.c — tdm_translate: a Python function as a native Lua
   function of the runtime, every return code checked. */
#include "tandem.h"
#include "echeck.h"

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
    ECHECK(rt != NULL);
    if (rt == NULL) {
        return echeck_summary();
    }
    tdm_Value pyfn, lf, lf2, res[2], v;
    int n = 0;
    ECHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON, setup_py, "setup.py"));

    /* a comparator, translated and used by Lua's table.sort */
    ECHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "by_mod7", &pyfn));
    ECHECK(pyfn.kind == TDM_OBJ && pyfn.lang == TDM_LANG_PYTHON);
    ECHECK_OK(rt, tdm_translate(rt, &pyfn, &lf));
    ECHECK(lf.kind == TDM_OBJ && lf.lang == TDM_LANG_LUA);
    ECHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "cmp", &lf));
    ECHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA,
                           "assert(debug.getinfo(cmp, 'S').what == 'Lua')\n"
                           "t = {10, 3, 8, 15, 1, -4, 22, 0, 7, -11}\n"
                           "table.sort(t, cmp)\n"
                           "order = table.concat(t, ',')", "sort.lua"));
    ECHECK_OK(rt, tdm_get_global(rt, TDM_LANG_LUA, "order", &v));
    ECHECK(v.kind == TDM_STR && v.u.s.n == 25
           && memcmp(v.u.s.p, "0,7,1,8,15,22,-11,-4,3,10", 25) == 0);
    tdm_release(rt, &v);

    /* called from C: Python's answers */
    tdm_Value args[2] = {tdm_int(10), tdm_int(3)};
    ECHECK_OK(rt, tdm_call(rt, &lf, 2, args, res, 2, &n));
    ECHECK(n == 1 && res[0].kind == TDM_BOOL && res[0].u.b == 0);    /* 10 % 7 == 3 % 7, 10 > 3 */
    tdm_release(rt, &res[0]);

    /* the same function object twice, and the same one Lua code gets */
    ECHECK_OK(rt, tdm_translate(rt, &pyfn, &lf2));
    ECHECK(lf2.kind == TDM_OBJ && lf2.lang == TDM_LANG_LUA);
    ECHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "cmp2", &lf2));
    ECHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "pycmp", &pyfn));
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA,
                           "rawequal(cmp, cmp2) and rawequal(cmp, python.translate(pycmp))",
                           &v));
    ECHECK(v.kind == TDM_BOOL && v.u.b == 1);
    tdm_release(rt, &lf2);
    tdm_release(rt, &pyfn);

    /* floor division and modulo of negatives, as Python */
    ECHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "floor_parts", &pyfn));
    ECHECK_OK(rt, tdm_translate(rt, &pyfn, &lf2));
    tdm_release(rt, &pyfn);
    args[0] = tdm_int(-7);
    args[1] = tdm_int(2);
    ECHECK_OK(rt, tdm_call(rt, &lf2, 2, args, res, 1, &n));
    ECHECK(n == 1 && res[0].kind == TDM_OBJ);
    ECHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "fp_result", &res[0]));
    tdm_release(rt, &res[0]);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "fp_result == [-4, 1, -3.5] "
                           "and type(fp_result) is list", &v));
    ECHECK(v.kind == TDM_BOOL && v.u.b == 1);

    /* an exception raised in translated code: TDM_ERRRUN with Python's message */
    ECHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "fails", &pyfn));
    ECHECK_OK(rt, tdm_translate(rt, &pyfn, &v));
    tdm_release(rt, &pyfn);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "{}", &res[1]));
    ECHECK(tdm_call(rt, &v, 1, &res[1], res, 1, &n) == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "KeyError") != NULL);
    tdm_release(rt, &res[1]);
    tdm_release(rt, &v);

    /* TDM_ERRRUN: TranslationError, naming the construct and file:line */
    ECHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "uses_class", &pyfn));
    lf2 = tdm_int(1);
    ECHECK(tdm_translate(rt, &pyfn, &lf2) == TDM_ERRRUN);
    ECHECK(lf2.kind == TDM_NIL);
    ECHECK(strstr(tdm_errmsg(rt), "TranslationError") != NULL);
    ECHECK(strstr(tdm_errmsg(rt), "cmp.py:7") != NULL);
    tdm_release(rt, &pyfn);
    /* ... a function without source */
    ECHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "nosrc", &pyfn));
    ECHECK(tdm_translate(rt, &pyfn, &lf2) == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "source") != NULL);
    tdm_release(rt, &pyfn);
    /* ... a Python object that is no function */
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "len", &pyfn));
    ECHECK(tdm_translate(rt, &pyfn, &lf2) == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "only Python functions") != NULL);
    tdm_release(rt, &pyfn);

    /* TDM_ERRTYPE: not a Python object (a number, a Lua function) */
    tdm_Value num = tdm_int(5);
    ECHECK(tdm_translate(rt, &num, &lf2) == TDM_ERRTYPE);
    ECHECK(strstr(tdm_errmsg(rt), "not a Python object") != NULL);
    ECHECK(tdm_translate(rt, &lf, &lf2) == TDM_ERRTYPE);
    ECHECK(lf2.kind == TDM_NIL);

    /* TDM_ERRARG: NULL arguments, a NULL runtime, a value released already */
    ECHECK(tdm_translate(rt, NULL, &lf2) == TDM_ERRARG);
    ECHECK(strstr(tdm_errmsg(rt), "NULL") != NULL);
    ECHECK(tdm_translate(rt, &num, NULL) == TDM_ERRARG);
    ECHECK(tdm_translate(NULL, &num, &lf2) == TDM_ERRARG);

    /* after a failure the runtime works on */
    args[0] = tdm_int(8);
    args[1] = tdm_int(1);
    ECHECK_OK(rt, tdm_call(rt, &lf, 2, args, res, 1, &n));
    ECHECK(n == 1 && res[0].kind == TDM_BOOL && res[0].u.b == 0);   /* 8%7 == 1%7, 8 > 1 */

    /* TDM_ERRCLOSED after tdm_close */
    ECHECK_OK(rt, tdm_get_global(rt, TDM_LANG_PYTHON, "by_mod7", &pyfn));
    tdm_release(rt, &lf);
    tdm_release(rt, &lf2);
    tdm_close(rt);
    ECHECK(tdm_translate(rt, &pyfn, &lf2) == TDM_ERRCLOSED);
    ECHECK(strstr(tdm_errmsg(rt), "closed") != NULL);
    ECHECK(lf2.kind == TDM_NIL);
    tdm_release(rt, &pyfn);
    tdm_free(rt);
    return echeck_summary();
}
