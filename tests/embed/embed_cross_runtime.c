/* embed_cross_runtime.c — a Lua value of one runtime handed to another
   runtime's C API is refused with TDM_ERRARG and a message, never taken for
   whatever that runtime keeps under the same handle; releasing it through the
   wrong runtime leaves the other runtime's objects alone. */
#include <string.h>
#include "tandem.h"
#include "check.h"

static int is_str(const tdm_Value *v, const char *s)
{
    return v->kind == TDM_STR && v->u.s.n == strlen(s) && memcmp(v->u.s.p, s, v->u.s.n) == 0;
}

int main(void)
{
    tdm_Runtime *a = tdm_open(), *b = tdm_open();
    CHECK(a != NULL && b != NULL);
    if (a == NULL || b == NULL) {
        return check_summary();
    }
    tdm_Value fa, fb, t, res[1];
    int nres = 0;
    /* the same registry slots in both: each runtime's first function */
    CHECK_OK(a, tdm_eval(a, TDM_LANG_LUA, "function() return 'from a' end", &fa));
    CHECK_OK(b, tdm_eval(b, TDM_LANG_LUA, "function() return 'from b' end", &fb));
    CHECK_OK(b, tdm_call(b, &fb, 0, NULL, res, 1, &nres));
    CHECK(nres == 1 && is_str(&res[0], "from b"));
    tdm_release(b, &res[0]);

    /* a's function through b: refused, b's own function not called */
    CHECK(tdm_call(b, &fa, 0, NULL, res, 1, &nres) == TDM_ERRARG);
    CHECK(strstr(tdm_errmsg(b), "another runtime") != NULL);
    /* as an argument and as a global value too */
    CHECK_OK(b, tdm_eval(b, TDM_LANG_LUA, "function(x) return type(x) end", &t));
    CHECK(tdm_call(b, &t, 1, &fa, res, 1, &nres) == TDM_ERRARG);
    CHECK(tdm_set_global(b, TDM_LANG_LUA, "stolen", &fa) == TDM_ERRARG);
    CHECK(tdm_set_global(b, TDM_LANG_PYTHON, "stolen", &fa) == TDM_ERRARG);

    /* released through the wrong runtime: b's function survives */
    tdm_Value copy = fa;
    tdm_release(b, &copy);
    CHECK(copy.kind == TDM_NIL);
    CHECK_OK(b, tdm_call(b, &fb, 0, NULL, res, 1, &nres));
    CHECK(nres == 1 && is_str(&res[0], "from b"));
    tdm_release(b, &res[0]);
    /* and a's is still a's */
    CHECK_OK(a, tdm_call(a, &fa, 0, NULL, res, 1, &nres));
    CHECK(nres == 1 && is_str(&res[0], "from a"));
    tdm_release(a, &res[0]);

    /* a handle released already, whose slot now holds another object */
    tdm_Value old = fb;
    tdm_release(b, &fb);
    tdm_Value other;
    CHECK_OK(b, tdm_eval(b, TDM_LANG_LUA, "{}", &other));
    CHECK(tdm_call(b, &old, 0, NULL, res, 1, &nres) == TDM_ERRARG);
    tdm_release(b, &old);           /* leaves `other` alone */
    CHECK(old.kind == TDM_NIL);
    CHECK_OK(b, tdm_set_global(b, TDM_LANG_LUA, "other", &other));
    tdm_Value n;
    CHECK_OK(b, tdm_eval(b, TDM_LANG_LUA, "type(other)", &n));
    CHECK(is_str(&n, "table"));
    tdm_release(b, &n);

    /* Python values are one interpreter's: usable from either runtime */
    tdm_Value py;
    CHECK_OK(a, tdm_eval(a, TDM_LANG_PYTHON, "[1, 2]", &py));
    CHECK_OK(b, tdm_set_global(b, TDM_LANG_PYTHON, "lst", &py));
    CHECK_OK(b, tdm_eval(b, TDM_LANG_PYTHON, "len(lst)", &n));
    CHECK(n.kind == TDM_INT && n.u.i == 2);
    tdm_release(a, &py);

    tdm_release(b, &other);
    tdm_release(b, &t);
    tdm_release(a, &fa);
    tdm_close(b);
    tdm_close(a);
    return check_summary();
}
