/* embed_values.c — values crossing from a C host into both languages and back. */
#include <stdlib.h>
#include "tandem.h"
#include "echeck.h"

static int str_is(const tdm_Value *v, const char *s)
{
    return v->kind == TDM_STR && v->u.s.n == strlen(s) && memcmp(v->u.s.p, s, v->u.s.n) == 0;
}

int main(void)
{
    tdm_Runtime *rt = tdm_open();
    ECHECK(rt != NULL);
    if (rt == NULL) {
        return echeck_summary();
    }
    tdm_Value v;

    /* scalars from each language */
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "1 + 2", &v));
    ECHECK(v.kind == TDM_INT && v.u.i == 3);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "1 / 2", &v));
    ECHECK(v.kind == TDM_FLOAT && v.u.f == 0.5);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "2**62", &v));
    ECHECK(v.kind == TDM_INT && v.u.i == (int64_t)1 << 62);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "'h\\u00e9'", &v));
    ECHECK(str_is(&v, "h\xc3\xa9"));
    tdm_release(rt, &v);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "nil", &v));
    ECHECK(v.kind == TDM_NIL);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "None", &v));
    ECHECK(v.kind == TDM_NIL);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "True", &v));
    ECHECK(v.kind == TDM_BOOL && v.u.b == 1);

    /* globals set from C, read by code */
    tdm_Value n = tdm_int(41);
    ECHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "answer", &n));
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "answer + 1", &v));
    ECHECK(v.kind == TDM_INT && v.u.i == 42);
    tdm_Value s = tdm_str("spam");
    ECHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "word", &s));
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "word * 2", &v));
    ECHECK(str_is(&v, "spamspam"));
    tdm_release(rt, &v);

    /* an object of one language handed to the other by the host */
    tdm_Value tbl, len, fn;
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "{10, 20, 30}", &tbl));
    ECHECK(tbl.kind == TDM_OBJ && tbl.lang == TDM_LANG_LUA);
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "lambda t: len(t)", &fn));
    ECHECK(fn.kind == TDM_OBJ && fn.lang == TDM_LANG_PYTHON);
    int nres = 0;
    ECHECK_OK(rt, tdm_call(rt, &fn, 1, &tbl, &len, 1, &nres));
    ECHECK(nres == 1 && len.kind == TDM_INT && len.u.i == 3);

    /* a Python function called with many arguments (beyond the inline frame) */
    tdm_Value sum, args[10], out;
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "lambda *a: sum(a)", &sum));
    for (int i = 0; i < 10; i++) {
        args[i] = tdm_int(i + 1);
    }
    ECHECK_OK(rt, tdm_call(rt, &sum, 10, args, &out, 1, &nres));
    ECHECK(out.kind == TDM_INT && out.u.i == 55);

    /* multiple results from Lua, fewer kept by the host */
    tdm_Value multi, r2[2];
    ECHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "function(...) return ... end", &multi));
    tdm_Value three[3] = {tdm_int(1), tdm_str("two"), tdm_float(3.0)};
    ECHECK_OK(rt, tdm_call(rt, &multi, 3, three, r2, 2, &nres));
    ECHECK(nres == 2 && r2[0].u.i == 1 && str_is(&r2[1], "two"));
    tdm_release(rt, &r2[1]);

    tdm_release(rt, &tbl);
    tdm_release(rt, &fn);
    tdm_release(rt, &sum);
    tdm_release(rt, &multi);
    tdm_close(rt);
    return echeck_summary();
}
