/*
 * lxentry.c — the entry of a translated function in C: what rt.entry
 * (adapters/lua/pyrt/core.lua) does in Lua, for callers outside translated
 * code (Lua code such as table.sort's comparator calls, Python callers),
 * without the Lua wrapper, xpcall's own frame and select("#", ...).
 *
 * The protocol is the Lua one, step for step: the depth counter saved and
 * restored around the call, the function run under rt.handler (which turns
 * stack overflows into RecursionError), an error handed to rt.reraise (a
 * Python exception), a result that is not None, a bool, a number or a string
 * handed to rt.export under the same handler. Numbers and strings are what
 * rt.export returns unchanged, so they are returned without the call.
 *
 * Two shortcuts, each giving what the general path gives:
 * - a top-level function with a fixed-arity body (rt.xreg) called with
 *   exactly its number of parameters runs the body directly, skipping the
 *   argument count; TT (the body's last argument) says whether every
 *   argument is an integer, which the body would otherwise check itself;
 * - a "leaf" (lxlate.c, leaf_ok: the body specialised for integer
 *   arguments, without calls, indexing or any operation that can raise or
 *   allocate) called with integers only: no depth bookkeeping (it calls
 *   nothing, so only its own frame counts: the depth limit is checked here
 *   first) and it returns an integer, a bool or None, which need no export.
 *   It still runs under lua_pcall with rt.handler, so an error from a hook
 *   (an interrupt, a budget) or a C stack overflow reaches the caller as the
 *   general path delivers it.
 *
 * Upvalues: 1 the function, 2 its body or false, 3 its number of
 * parameters (-1: no body), 4 its leaf or false, 5 the pyrt table rt,
 * 6 rt.handler.
 */
#include "ladapter.h"

#define RT lua_upvalueindex(5)
#define HANDLER lua_upvalueindex(6)

/* rt.reraise(error at the top): never returns */
static int reraise(lua_State *L)
{
    lua_getfield(L, RT, "reraise");
    lua_insert(L, -2);
    lua_call(L, 1, 0);
    return lua_error(L);        /* not reached: rt.reraise raises */
}

static int c_entry(lua_State *L)
{
    int n = lua_gettop(L);
    int np = (int)lua_tointeger(L, lua_upvalueindex(3));
    int direct = n == np, ints = direct;
    for (int i = 1; ints && i <= n; i++) {
        ints = lua_isinteger(L, i);
    }
    if (!lua_checkstack(L, n + 8)) {
        return luaL_error(L, "stack overflow (translated function arguments)");
    }
    if (ints && lua_toboolean(L, lua_upvalueindex(4))) {
        lua_getfield(L, RT, "depth");
        lua_getfield(L, RT, "maxdepth");
        int room = lua_isinteger(L, -2) && lua_isinteger(L, -1)
                   && lua_tointeger(L, -2) < lua_tointeger(L, -1);
        lua_pop(L, 2);
        if (room) {
            lua_pushvalue(L, HANDLER);
            lua_pushvalue(L, lua_upvalueindex(4));
            for (int i = 1; i <= n; i++) {
                lua_pushvalue(L, i);
            }
            if (lua_pcall(L, n, 1, n + 1) != LUA_OK) {
                return reraise(L);
            }
            return 1;           /* an integer, a bool or nil */
        }
    }
    lua_getfield(L, RT, "depth");               /* n + 1: saved */
    lua_pushvalue(L, HANDLER);                  /* n + 2 */
    int nargs = n;
    if (direct) {
        lua_pushvalue(L, lua_upvalueindex(2));
        for (int i = 1; i <= n; i++) {
            lua_pushvalue(L, i);
        }
        lua_pushboolean(L, ints);               /* TT */
        nargs++;
    } else {
        lua_pushvalue(L, lua_upvalueindex(1));
        for (int i = 1; i <= n; i++) {
            lua_pushvalue(L, i);
        }
    }
    int st = lua_pcall(L, nargs, 1, n + 2);
    lua_pushvalue(L, n + 1);
    lua_setfield(L, RT, "depth");
    if (st != LUA_OK) {
        return reraise(L);
    }
    switch (lua_type(L, -1)) {
    case LUA_TNIL: case LUA_TBOOLEAN: case LUA_TNUMBER: case LUA_TSTRING:
        return 1;
    default:
        break;
    }
    lua_getfield(L, RT, "export");
    lua_insert(L, -2);
    if (lua_pcall(L, 1, 1, n + 2) != LUA_OK) {
        return reraise(L);
    }
    return 1;
}

/* rt.centry(f, body, nparams, leaf): the entry closure of f. */
static int mk_entry(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 4);
    if (lua_type(L, 2) != LUA_TFUNCTION || !lua_isinteger(L, 3)) {
        lua_pushboolean(L, 0);
        lua_replace(L, 2);
        lua_pushinteger(L, -1);
        lua_replace(L, 3);
    }
    if (lua_type(L, 4) != LUA_TFUNCTION) {
        lua_pushboolean(L, 0);
        lua_replace(L, 4);
    }
    lua_pushvalue(L, lua_upvalueindex(1));      /* rt */
    lua_getfield(L, -1, "handler");
    lua_pushcclosure(L, c_entry, 6);
    return 1;
}

void tdmL_push_centry(lua_State *L, int rt)
{
    lua_pushvalue(L, rt);
    lua_pushcclosure(L, mk_entry, 1);
}
