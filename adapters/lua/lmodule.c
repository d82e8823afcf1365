/*
 * lmodule.c — `require "tandem"` in a plain lua5.4: start CPython inside the
 * Lua process and return lunatic-python's API (python.execute, eval, import,
 * globals, locals, builtins, asindx, asattr, asfunc, none) plus lupa's
 * python.* helpers (iter, iterex, enumerate, as_attrgetter, ...).
 *
 * This module must not link liblua5.4: the lua5.4 binary exports the API.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include "ladapter.h"

static const char key_lib = 0;
static const char key_sentinel = 0;

/* Closes the runtime when the host Lua state closes. */
static int sentinel_gc(lua_State *L)
{
    tdm_Runtime **prt = lua_touserdata(L, 1);
    tdm_Runtime *rt;
    /* Only the collector finalizing the sentinel itself closes the runtime:
       an explicit call through debug.getmetatable, or this metatable given
       to another userdata with debug.setmetatable, does nothing. */
    if (prt == NULL || !tdmL_collecting(L)
        || lua_rawgetp(L, LUA_REGISTRYINDEX, &key_sentinel) != LUA_TUSERDATA
        || lua_touserdata(L, -1) != (void *)prt) {
        return 0;
    }
    lua_pop(L, 1);
    rt = *prt;
    if (rt == NULL) {
        return 0;
    }
    *prt = NULL;
    tdmR_close(rt);
    /* every language through its table: Python's per-runtime state, then
       this adapter's (the host's state is not ours to lua_close) */
    for (int id = TDM_LANG_NONE + 1; id < TDM_NLANG; id++) {
        if (id != TDM_LANG_LUA && rt->lang[id] != NULL && rt->lang[id]->close != NULL) {
            tdmR_close_lang(rt, (tdm_LangId)id);
            tdmR_detach(rt, (tdm_LangId)id);
        }
    }
    tdmR_close_lang(rt, TDM_LANG_LUA);
    while (tdmR_held(rt)) {
        tdmR_unlock(rt);
    }
    tdmR_decref(rt);
    return 0;
}

static int return_upvalue(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    return 1;
}

tdm_Runtime *tdmL_runtime_of(lua_State *L)
{
    tdmL_State *st = tdmL_state(L);
    if (st != NULL) {
        return st->rt;          /* a state tandem created, or already adopted */
    }
    tdm_Runtime **prt = lua_newuserdatauv(L, sizeof *prt, 0);
    *prt = NULL;
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, sentinel_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &key_sentinel);   /* anchored for the state's life */
    tdm_Runtime *rt = tdmR_new();
    if (rt == NULL) {
        luaL_error(L, "tandem: not enough memory");
        return NULL;
    }
    *prt = rt;
    st = tdmL_attach_host(rt, L);
    st->hosted = 1;
    tdmR_lock(rt);              /* the host thread owns this state */
    rt->pinned = 1;
    return rt;
}


/* Keep this module mapped for the life of the process. lua_close unloads
   the C modules it loaded (the CLIBS finalizer dlcloses them), but Python
   threads started from this Lua may still be running the adapter's code
   (a proxy call, a finalizer): unloading it under them crashes at exit.
   RTLD_NODELETE on a handle of the loaded object makes every dlclose a
   no-op for it. */
static void pin_module(void)
{
    Dl_info info;
    if (dladdr((void *)&pin_module, &info) != 0 && info.dli_fname != NULL) {
        void *self = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        (void)self;         /* the extra reference is meant never to be dropped */
    }
}

int luaopen_tandem(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_lib) == LUA_TTABLE) {
        return 1;
    }
    lua_pop(L, 1);
    pin_module();
    tdm_Runtime *rt = tdmL_runtime_of(L);
    tdmL_State *st = tdmL_state(L);
    if (rt->lang[TDM_LANG_PYTHON] == NULL) {
        tdmS_Error err = {0};
        if (tdmR_open_lang(rt, TDM_LANG_PYTHON, NULL, &err) != TDM_OK) {
            lua_pushfstring(L, "tandem: cannot start Python: %s",
                            err.message ? err.message : "unknown error");
            tdmS_clear_error(rt, &err);
            return lua_error(L);
        }
    }
    tdmL_push_foreign_lib(L, st, TDM_LANG_PYTHON, TDM_EXPOSE_ALL);
    /* lunatic-python: python.builtins() is a function */
    lua_getfield(L, -1, "builtins");
    lua_pushcclosure(L, return_upvalue, 1);
    lua_setfield(L, -2, "builtins");
    lua_pushlightuserdata(L, st);
    lua_pushinteger(L, TDM_LANG_PYTHON);
    lua_pushcclosure(L, tdmL_lib_sandbox, 2);
    lua_setfield(L, -2, "sandbox");
    lua_pushliteral(L, TDM_VERSION_STRING);
    lua_setfield(L, -2, "version");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &key_lib);
    return 1;
}
