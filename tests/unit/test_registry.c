/*
 * test_registry.c — the language registry (adapters/langs.c) with both real
 * adapters linked in (libtandem.a): languages started, controlled, exposed
 * and stopped by id only, errors reported through tdmS_Error.
 */
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "value.h"
#include "boot.h"
#include "check.h"

/* Run Lua code (one EVAL frame from the host) and return its first result
   as a bool, or -1 on error. */
static int lua_truth(tdm_Runtime *rt, const char *code)
{
    tdmR_lock(rt);
    tdmS_Frame f;
    tdmS_init(&f, rt, rt->lang[TDM_LANG_LUA], TDM_OP_EVAL, TDM_LANG_NONE);
    f.args[0] = tdm_lstr(code, strlen(code));
    f.nargs = 1;
    f.owning = 0;
    int r = -1;
    if (tdmS_call(&f) == TDM_OK && f.nres >= 1 && f.res[0].kind == TDM_BOOL) {
        r = f.res[0].u.b;
    } else if (f.err.message != NULL) {
        fprintf(stderr, "lua_truth: %s\n", f.err.message);
    }
    tdmS_end(&f);
    tdmS_clear_error(rt, &f.err);
    tdmR_unlock(rt);
    return r;
}

static void test_tables(void)
{
    CHECK(tdmR_lang_of(TDM_LANG_LUA) != NULL);
    CHECK_STR(tdmR_lang_of(TDM_LANG_LUA)->name, "lua");
    CHECK_STR(tdmR_lang_of(TDM_LANG_PYTHON)->name, "python");
    CHECK(tdmR_lang_of(TDM_LANG_NONE) == NULL);
    CHECK(tdmR_lang_of(TDM_LANG_C) == NULL);           /* attached by ffi/, not started */
    CHECK(tdmR_lang_of((tdm_LangId)TDM_NLANG) == NULL);
    CHECK(tdmR_lang_of((tdm_LangId)-3) == NULL);
    CHECK_CONTAINS(tdmR_release_name(TDM_LANG_LUA), "Lua 5.4");
    CHECK_CONTAINS(tdmR_release_name(TDM_LANG_PYTHON), "Python 3.");
    CHECK_STR(tdmR_release_name(TDM_LANG_NONE), "");
    /* process-wide: this program links liblua5.4 itself */
    CHECK_EQ_INT(tdmR_control(NULL, TDM_LANG_LUA, TDM_CTL_GLOBAL_SYMBOLS, 0), 1);
    CHECK_EQ_INT(tdmR_control(NULL, TDM_LANG_LUA, TDM_CTL_GC_COLLECT, 0), -1);
    CHECK_EQ_INT(tdmR_control(NULL, TDM_LANG_PYTHON, TDM_CTL_GC_COLLECT, 0), -1);
    CHECK_EQ_INT(tdmR_control(NULL, TDM_LANG_NONE, TDM_CTL_GLOBAL_SYMBOLS, 0), -1);
}

static void test_open_errors(void)
{
    tdm_Runtime *rt = tdmR_new();
    tdmS_Error err = {0};
    CHECK_EQ_INT(tdmR_open_lang(rt, TDM_LANG_NONE, NULL, &err), TDM_ERRARG);
    CHECK_EQ_INT(err.status, TDM_ERRARG);
    CHECK_CONTAINS(err.message, "no such language");
    tdmS_clear_error(rt, &err);
    CHECK_EQ_INT(tdmR_open_lang(rt, TDM_LANG_C, NULL, &err), TDM_ERRARG);
    tdmS_clear_error(rt, &err);
    CHECK_EQ_INT(tdmR_open_lang(NULL, TDM_LANG_LUA, NULL, &err), TDM_ERRARG);
    tdmS_clear_error(rt, &err);
    CHECK(rt->lang[TDM_LANG_LUA] == NULL);
    tdmR_decref(rt);
}

/* A fresh Lua table owned by the caller (lock held). */
static tdm_Value new_table(tdm_Runtime *rt, const tdmR_Lang *lua)
{
    tdmS_Frame f;
    tdmS_init(&f, rt, lua, TDM_OP_EVAL, TDM_LANG_NONE);
    f.args[0] = tdm_lstr("{}", 2);
    f.nargs = 1;
    f.owning = 0;
    CHECK_EQ_INT(tdmS_call(&f), TDM_OK);
    CHECK(f.nres == 1 && f.res[0].kind == TDM_OBJ);
    tdm_Value t = f.res[0];
    f.res[0] = tdm_nil();
    tdmS_end(&f);
    tdmS_clear_error(rt, &f.err);
    return t;
}

/* A handle shared by many owners (retain): a second and later owner is
   counted aside, beside the ref's two bits of state; the ref lives until the
   last release. */
static void test_shared_handle(tdm_Runtime *rt)
{
    const tdmR_Lang *lua = rt->lang[TDM_LANG_LUA];
    tdmR_lock(rt);
    tdm_Value t = new_table(rt, lua);
    CHECK(lua->valid(rt, &t));
    for (int i = 0; i < 600; i++) {
        lua->retain(rt, t.u.obj);
    }
    for (int i = 0; i < 600; i++) {
        lua->release(rt, t.u.obj);
    }
    CHECK(lua->valid(rt, &t));                 /* one owner left */
    lua->release(rt, t.u.obj);
    CHECK(!lua->valid(rt, &t));                /* released: the ref is gone */
    tdmR_unlock(rt);
}

/* Refs' states are two bits, four refs a byte: releasing or sharing one
   leaves its neighbours as they are, across the array's growth. */
static void test_ref_states(tdm_Runtime *rt)
{
    enum { N = 3000 };
    const tdmR_Lang *lua = rt->lang[TDM_LANG_LUA];
    static tdm_Value t[N];
    tdmR_lock(rt);
    for (int i = 0; i < N; i++) {
        t[i] = new_table(rt, lua);
    }
    for (int i = 0; i < N; i += 3) {
        lua->retain(rt, t[i].u.obj);            /* every third: two owners */
    }
    for (int i = 0; i < N; i += 2) {
        lua->release(rt, t[i].u.obj);           /* every second: one owner less */
    }
    int bad = 0;
    for (int i = 0; i < N; i++) {
        int live = i % 2 != 0 || i % 3 == 0;
        bad += lua->valid(rt, &t[i]) != live;
    }
    CHECK_EQ_INT(bad, 0);
    for (int i = 0; i < N; i++) {
        if (i % 2 != 0 || i % 3 == 0) {
            lua->release(rt, t[i].u.obj);
        }
    }
    for (int i = 0; i < N; i++) {               /* the shared, never released: one left */
        bad += lua->valid(rt, &t[i]) != (i % 6 == 3);
    }
    CHECK_EQ_INT(bad, 0);
    for (int i = 3; i < N; i += 6) {
        lua->release(rt, t[i].u.obj);
    }
    for (int i = 0; i < N; i++) {
        bad += lua->valid(rt, &t[i]);
    }
    CHECK_EQ_INT(bad, 0);
    lua->release(rt, t[0].u.obj);               /* released twice: nothing */
    lua->retain(rt, t[1].u.obj);                /* a free ref: nothing */
    CHECK(!lua->valid(rt, &t[0]) && !lua->valid(rt, &t[1]));
    tdmR_unlock(rt);
}

static void test_lua_alone(void)
{
    tdm_Runtime *rt = tdmR_new();
    tdmS_Error err = {0};
    tdmR_OpenOptions o = {0, 1};
    CHECK_EQ_INT(tdmR_open_lang(rt, TDM_LANG_LUA, &o, &err), TDM_OK);
    CHECK(err.message == NULL);
    CHECK(rt->lang[TDM_LANG_LUA] == tdmR_lang_of(TDM_LANG_LUA));
    CHECK(tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_MEM_USED, 0) > 0);
    CHECK_EQ_INT(tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_VERSION_NUM, 0), 504);
    CHECK_EQ_INT(tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_GC_ISRUNNING, 0), 1);
    CHECK_EQ_INT(tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_GC_STOP, 0), 0);
    CHECK_EQ_INT(tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_GC_ISRUNNING, 0), 0);
    CHECK_EQ_INT(tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_GC_RESTART, 0), 0);
    CHECK_EQ_INT(tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_MEM_SETMAX, 1 << 30), 0);
    CHECK_EQ_INT(tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_MEM_MAX, 0), 1 << 30);
    CHECK_EQ_INT(tdmR_control(rt, TDM_LANG_LUA, 999, 0), -1);      /* unknown code */
    /* the standard libraries as asked */
    CHECK_EQ_INT(lua_truth(rt, "string ~= nil and table ~= nil"), 1);
    /* exposing a language that is not attached: an error, nothing set */
    CHECK_EQ_INT(tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, "python", TDM_EXPOSE_ALL, &err),
                 TDM_ERRCLOSED);
    CHECK(err.message != NULL);
    tdmS_clear_error(rt, &err);
    /* the op itself refuses exposing Lua in Lua, through the frame */
    tdmR_lock(rt);
    tdmS_Frame f;
    tdmS_init(&f, rt, rt->lang[TDM_LANG_LUA], TDM_OP_EXPOSE, TDM_LANG_NONE);
    f.args[0] = tdm_lstr("self", 4);
    f.args[1] = tdm_int(TDM_LANG_LUA);
    f.nargs = 2;
    f.owning = 0;
    CHECK_EQ_INT(tdmS_call(&f), TDM_ERRRUN);
    CHECK_CONTAINS(f.err.message, "expose needs another attached language");
    tdmS_end(&f);
    tdmS_clear_error(rt, &f.err);
    tdmR_unlock(rt);
    CHECK_EQ_INT(lua_truth(rt, "self == nil"), 1);
    test_shared_handle(rt);
    test_ref_states(rt);
    /* shutdown by id: state freed, control answers -1, then detached */
    tdmR_lock(rt);
    tdmR_close_lang(rt, TDM_LANG_LUA);
    CHECK(rt->state[TDM_LANG_LUA] == NULL);
    tdmR_unlock(rt);
    CHECK_EQ_INT(tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_MEM_USED, 0), -1);
    tdmR_detach(rt, TDM_LANG_LUA);
    CHECK(rt->lang[TDM_LANG_LUA] == NULL);
    tdmR_decref(rt);
}

static void test_with_python(void)
{
    tdm_Runtime *rt = tdmR_new();
    tdmS_Error err = {0};
    CHECK_EQ_INT(tdmR_open_lang(rt, TDM_LANG_PYTHON, NULL, &err), TDM_OK);
    if (err.message) {
        fprintf(stderr, "python: %s\n", err.message);
    }
    CHECK_EQ_INT(tdmR_open_lang(rt, TDM_LANG_LUA, NULL, &err), TDM_OK);
    CHECK(rt->lang[TDM_LANG_PYTHON] == tdmR_lang_of(TDM_LANG_PYTHON));
    /* flags choose what the exposed table holds */
    CHECK_EQ_INT(tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, "py", TDM_EXPOSE_BUILTINS, &err),
                 TDM_OK);
    CHECK(err.message == NULL);
    CHECK_EQ_INT(lua_truth(rt, "type(py) == 'table' and py.eval == nil and py.builtins ~= nil"), 1);
    CHECK_EQ_INT(tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, "py2", TDM_EXPOSE_EVAL, &err),
                 TDM_OK);
    CHECK_EQ_INT(lua_truth(rt, "py2.eval ~= nil and py2.builtins == nil"), 1);
    CHECK_EQ_INT(lua_truth(rt, "py.import('math').floor(2.5) == 2"), 1);
    /* shutdown by id, as tdm_close does */
    tdmR_lock(rt);
    tdmR_close_lang(rt, TDM_LANG_LUA);
    tdmR_close_lang(rt, TDM_LANG_PYTHON);
    CHECK(rt->lang[TDM_LANG_PYTHON] == NULL);   /* Python's close detaches itself */
    tdmR_close(rt);
    tdmR_detach(rt, TDM_LANG_LUA);
    tdmR_unlock(rt);
    tdmR_decref(rt);
}

int main(void)
{
    test_tables();
    test_open_errors();
    test_lua_alone();
    test_with_python();
    return check_summary();
}
