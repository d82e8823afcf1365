/* embed_values.c — values crossing from a C host into both languages and back. */
#include <stdlib.h>
#include "tandem.h"
#include "check.h"

static int str_is(const tdm_Value *v, const char *s)
{
    return v->kind == TDM_STR && v->u.s.n == strlen(s) && memcmp(v->u.s.p, s, v->u.s.n) == 0;
}

int main(void)
{
    tdm_Runtime *rt = tdm_open();
    CHECK(rt != NULL);
    if (rt == NULL) {
        return check_summary();
    }
    tdm_Value v;

    /* scalars from each language */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "1 + 2", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 3);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "1 / 2", &v));
    CHECK(v.kind == TDM_FLOAT && v.u.f == 0.5);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "2**62", &v));
    CHECK(v.kind == TDM_INT && v.u.i == (int64_t)1 << 62);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "'h\\u00e9'", &v));
    CHECK(str_is(&v, "h\xc3\xa9"));
    tdm_release(rt, &v);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "nil", &v));
    CHECK(v.kind == TDM_NIL);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "None", &v));
    CHECK(v.kind == TDM_NIL);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "True", &v));
    CHECK(v.kind == TDM_BOOL && v.u.b == 1);

    /* globals set from C, read by code */
    tdm_Value n = tdm_int(41);
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_LUA, "answer", &n));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "answer + 1", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 42);
    tdm_Value s = tdm_str("spam");
    CHECK_OK(rt, tdm_set_global(rt, TDM_LANG_PYTHON, "word", &s));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "word * 2", &v));
    CHECK(str_is(&v, "spamspam"));
    tdm_release(rt, &v);

    /* an object of one language handed to the other by the host */
    tdm_Value tbl, len, fn;
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "{10, 20, 30}", &tbl));
    CHECK(tbl.kind == TDM_OBJ && tbl.lang == TDM_LANG_LUA);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "lambda t: len(t)", &fn));
    CHECK(fn.kind == TDM_OBJ && fn.lang == TDM_LANG_PYTHON);
    int nres = 0;
    CHECK_OK(rt, tdm_call(rt, &fn, 1, &tbl, &len, 1, &nres));
    CHECK(nres == 1 && len.kind == TDM_INT && len.u.i == 3);

    /* a Python function called with many arguments (beyond the inline frame) */
    tdm_Value sum, args[10], out;
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "lambda *a: sum(a)", &sum));
    for (int i = 0; i < 10; i++) {
        args[i] = tdm_int(i + 1);
    }
    CHECK_OK(rt, tdm_call(rt, &sum, 10, args, &out, 1, &nres));
    CHECK(out.kind == TDM_INT && out.u.i == 55);

    /* multiple results from Lua, fewer kept by the host */
    tdm_Value multi, r2[2];
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "function(...) return ... end", &multi));
    tdm_Value three[3] = {tdm_int(1), tdm_str("two"), tdm_float(3.0)};
    CHECK_OK(rt, tdm_call(rt, &multi, 3, three, r2, 2, &nres));
    CHECK(nres == 2 && r2[0].u.i == 1 && str_is(&r2[1], "two"));
    tdm_release(rt, &r2[1]);

    tdm_release(rt, &tbl);
    tdm_release(rt, &fn);
    tdm_release(rt, &sum);
    tdm_release(rt, &multi);
    tdm_close(rt);
    return check_summary();
}
