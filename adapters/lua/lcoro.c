/*
 * lcoro.c — coroutine.resume and coroutine.wrap that record the running
 * coroutine (tdmL_resume), so LuaRuntime.interrupt() and Python's signal
 * handlers reach Lua code looping inside a coroutine: a Lua hook is per
 * coroutine, and Lua does not say which one runs.
 *
 * They replace the two functions of the standard library in the states
 * tandem opens (not in a lua5.4 host's own state) and behave as Lua 5.4's:
 * same results, same error values and messages (tests/lua/data/coroutine_lib.lua
 * compares them with the originals).
 */
#include "ladapter.h"

/* Resume co with the n values on top of L; the results (or the error value)
   replace them. -1 on error, else the number of results. [-n, +r, m] */
static int resume_values(lua_State *L, tdmL_State *st, lua_State *co, int n)
{
    if (!lua_checkstack(co, n)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    lua_xmove(L, co, n);
    int nres = 0;
    int status = tdmL_resume(st, co, L, n, &nres);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    lua_xmove(co, L, 1);        /* the error value */
    return -1;
}

/* coroutine.resume(co, ...) -> true, results | false, error */
static int co_resume(lua_State *L)
{
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co != NULL, 1, "thread");
    tdmL_State *st = lua_touserdata(L, lua_upvalueindex(1));
    int r = resume_values(L, st, co, lua_gettop(L) - 1);
    if (r < 0) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -(r + 1));
    return r + 1;
}

/* The function coroutine.wrap returns: upvalues the state, the coroutine. */
static int co_wrapped(lua_State *L)
{
    tdmL_State *st = lua_touserdata(L, lua_upvalueindex(1));
    lua_State *co = lua_tothread(L, lua_upvalueindex(2));
    int r = resume_values(L, st, co, lua_gettop(L));
    if (r >= 0) {
        return r;
    }
    int status = lua_status(co);
    if (status != LUA_OK && status != LUA_YIELD) {
        /* it failed inside: close its to-be-closed variables; the error
           value is what closing leaves (a __close may replace it) */
        lua_pop(L, 1);
        status = lua_resetthread(co);
        lua_xmove(co, L, 1);
    }
    if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);       /* the caller's position, as Lua's wrap */
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

/* coroutine.wrap(f) */
static int co_wrap(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, co_wrapped, 2);
    return 1;
}

void tdmL_open_coroutines(lua_State *L, tdmL_State *st)
{
    if (lua_getglobal(L, "coroutine") != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    lua_pushlightuserdata(L, st);
    lua_pushcclosure(L, co_resume, 1);
    lua_setfield(L, -2, "resume");
    lua_pushlightuserdata(L, st);
    lua_pushcclosure(L, co_wrap, 1);
    lua_setfield(L, -2, "wrap");
    lua_pop(L, 1);
}
