/* embed_robustness.c — misuse of the C host API ends in a status, never a
   crash: NULL arguments, unknown language ids, values of no language, values
   released twice, huge argument counts. */
#include <limits.h>
#include <pthread.h>
#include "tandem.h"
#include "check.h"

/* Several host threads on one runtime, failing and succeeding: the last
   error is per runtime and must not be freed by two threads at once. */
static tdm_Runtime *shared;
static int thread_bad;

static void *hammer(void *arg)
{
    tdm_LangId lang = arg != NULL ? TDM_LANG_PYTHON : TDM_LANG_LUA;
    for (int i = 0; i < 3000; i++) {
        tdm_Value v;
        if (tdm_exec(shared, lang, lang == TDM_LANG_LUA ? "error('x')" : "1/0", "t") == TDM_OK
            || tdm_eval(shared, lang, "1", &v) != TDM_OK) {
            __atomic_add_fetch(&thread_bad, 1, __ATOMIC_RELAXED);
            continue;
        }
        tdm_release(shared, &v);
        (void)tdm_errmsg(shared);
    }
    return NULL;
}

int main(void)
{
    /* a NULL runtime */
    tdm_Value v = tdm_nil(), res[2];
    int nres = -1;
    CHECK(tdm_exec(NULL, TDM_LANG_LUA, "x = 1", NULL) == TDM_ERRARG);
    CHECK(tdm_eval(NULL, TDM_LANG_LUA, "1", &v) == TDM_ERRARG);
    CHECK(tdm_get_global(NULL, TDM_LANG_LUA, "x", &v) == TDM_ERRARG);
    CHECK(tdm_set_global(NULL, TDM_LANG_LUA, "x", &v) == TDM_ERRARG);
    CHECK(tdm_call(NULL, &v, 0, NULL, res, 1, &nres) == TDM_ERRARG);
    CHECK(tdm_errmsg(NULL) != NULL && tdm_traceback(NULL) != NULL);
    tdm_release(NULL, &v);
    tdm_release(NULL, NULL);
    tdm_close(NULL);

    tdm_Runtime *rt = tdm_open();
    CHECK(rt != NULL);
    if (rt == NULL) {
        return check_summary();
    }

    /* NULL code, names, outputs and arguments */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, NULL, NULL) == TDM_ERRARG);
    CHECK(tdm_exec(rt, TDM_LANG_PYTHON, NULL, "x.py") == TDM_ERRARG);
    CHECK(tdm_eval(rt, TDM_LANG_LUA, NULL, &v) == TDM_ERRARG);
    CHECK(tdm_eval(rt, TDM_LANG_LUA, "1", NULL) == TDM_ERRARG);
    CHECK(tdm_eval(rt, TDM_LANG_PYTHON, "1", NULL) == TDM_ERRARG);
    CHECK(tdm_get_global(rt, TDM_LANG_LUA, NULL, &v) == TDM_ERRARG);
    CHECK(tdm_get_global(rt, TDM_LANG_PYTHON, "x", NULL) == TDM_ERRARG);
    CHECK(tdm_set_global(rt, TDM_LANG_LUA, NULL, &v) == TDM_ERRARG);
    CHECK(tdm_set_global(rt, TDM_LANG_LUA, "x", NULL) == TDM_ERRARG);
    CHECK(tdm_call(rt, NULL, 0, NULL, res, 1, &nres) != TDM_OK);
    CHECK(strlen(tdm_errmsg(rt)) > 0);

    tdm_Value fn;
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "function(...) return select('#', ...) end", &fn));
    CHECK(tdm_call(rt, &fn, 2, NULL, res, 1, &nres) == TDM_ERRARG);
    CHECK(tdm_call(rt, &fn, -1, NULL, res, 1, &nres) != TDM_OK);
    CHECK(tdm_call(rt, &fn, INT_MAX, res, res, 1, &nres) == TDM_ERRARG);
    /* results: NULL nres, no room for results, negative maxres */
    CHECK_OK(rt, tdm_call(rt, &fn, 0, NULL, NULL, 0, NULL));
    CHECK_OK(rt, tdm_call(rt, &fn, 0, NULL, res, -5, &nres));
    CHECK(nres == 0);
    tdm_Value many[10];
    for (int i = 0; i < 10; i++) {
        many[i] = tdm_int(i);
    }
    CHECK_OK(rt, tdm_call(rt, &fn, 10, many, res, 1, &nres));
    CHECK(nres == 1 && res[0].kind == TDM_INT && res[0].u.i == 10);

    /* unknown language ids: in the call, in a callee, in an argument */
    CHECK(tdm_exec(rt, TDM_LANG_NONE, "x", NULL) == TDM_ERRARG);
    CHECK(tdm_exec(rt, (tdm_LangId)-1, "x", NULL) == TDM_ERRARG);
    CHECK(tdm_exec(rt, (tdm_LangId)200, "x", NULL) == TDM_ERRARG);
    CHECK(tdm_exec(rt, TDM_LANG_C, "x", NULL) != TDM_OK);
    tdm_Value bogus = tdm_nil();
    bogus.kind = TDM_OBJ;
    bogus.lang = 200;
    bogus.u.obj = (void *)0x1;
    CHECK(tdm_call(rt, &bogus, 0, NULL, res, 1, &nres) == TDM_ERRARG);
    CHECK(tdm_call(rt, &fn, 1, &bogus, res, 1, &nres) == TDM_ERRARG);
    CHECK(tdm_set_global(rt, TDM_LANG_PYTHON, "bogus", &bogus) == TDM_ERRARG);
    bogus.lang = TDM_LANG_NONE;
    CHECK(tdm_call(rt, &fn, 1, &bogus, res, 1, &nres) == TDM_ERRARG);
    tdm_Value badkind = tdm_nil();
    badkind.kind = 77;
    CHECK(tdm_call(rt, &fn, 1, &badkind, res, 1, &nres) == TDM_ERRARG);
    bogus.lang = 200;
    tdm_release(rt, &bogus);        /* a value of no language: nothing to do */
    CHECK(bogus.kind == TDM_NIL);

    /* a value released twice: the first release leaves nil */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "object()", &v));
    tdm_release(rt, &v);
    CHECK(v.kind == TDM_NIL);
    tdm_release(rt, &v);
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "{}", &v));
    tdm_release(rt, &v);
    tdm_release(rt, &v);

    /* host threads sharing the runtime */
    shared = rt;
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        pthread_create(&th[i], NULL, hammer, i % 2 ? (void *)1 : NULL);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
    }
    CHECK(thread_bad == 0);

    /* a chunk name that is not UTF-8 */
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_PYTHON, "robust = 1", "\xff\xfe.py"));

    /* the runtime still works */
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "1 + 1", &v));
    CHECK(v.kind == TDM_INT && v.u.i == 2);
    /* Lua objects kept by Python outlive their runtime: using them raises */
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA,
                           "local m = python.eval('__import__(\"__main__\").__dict__')\n"
                           "m.held_t = {1, 2, 3}\n"
                           "m.held_f = function() return 1 end\n"
                           "m.held_co = coroutine.create(function() coroutine.yield(1) end)\n",
                           "keep.lua"));
    tdm_release(rt, &fn);
    tdm_close(rt);

    tdm_Runtime *rt2 = tdm_open();
    CHECK(rt2 != NULL);
    if (rt2 == NULL) {
        return check_summary();
    }
    CHECK_OK(rt2, tdm_exec(rt2, TDM_LANG_PYTHON,
                            "errs = []\n"
                            "for op in (lambda: len(held_t), lambda: held_t[1], lambda: held_f(),\n"
                            "           lambda: next(held_co), lambda: list(held_t)):\n"
                            "    try:\n"
                            "        op()\n"
                            "    except Exception as e:\n"
                            "        errs.append(type(e).__name__)\n"
                            "closed_errors = ','.join(errs)\n", "closed.py"));
    CHECK_OK(rt2, tdm_eval(rt2, TDM_LANG_PYTHON, "closed_errors", &v));
    CHECK(v.kind == TDM_STR && v.u.s.n == strlen("LuaError,LuaError,LuaError,LuaError,LuaError")
           && memcmp(v.u.s.p, "LuaError,LuaError,LuaError,LuaError,LuaError", v.u.s.n) == 0);
    tdm_release(rt2, &v);
    /* into another runtime's Lua: refused, not confused with its objects */
    CHECK(tdm_exec(rt2, TDM_LANG_LUA, "python.eval('held_f')()", "mix.lua") != TDM_OK);
    CHECK(tdm_exec(rt2, TDM_LANG_LUA, "local t = python.eval('held_t'); return t[1]",
                    "mix.lua") != TDM_OK);
    CHECK_OK(rt2, tdm_exec(rt2, TDM_LANG_PYTHON, "del held_t, held_f, held_co\n", "del.py"));
    tdm_close(rt2);
    return check_summary();
}
