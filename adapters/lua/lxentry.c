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
 * One shortcut, giving what the general path gives: a top-level function
 * with a fixed-arity body (rt.xreg) called with exactly its number of
 * parameters runs the body directly, skipping the argument count; TT (the
 * body's last argument) says whether every argument is an integer, which
 * the body would otherwise check itself. (A "leaf", lxlate.c gen_leaf, has
 * an entry of its own written in Lua, which falls back on this one.)
 *
 * Upvalues: 1 the function, 2 its body or false, 3 its number of
 * parameters (-1: no body), 4 the pyrt table rt, 5 rt.handler, 6
 * rt.depthcell (its upvalue 1 is the depth counter translated code shares),
 * 7 the metatable of the boxes of Lua values (lxbox.c).
 */
#include "ladapter.h"

#define RT lua_upvalueindex(4)
#define HANDLER lua_upvalueindex(5)
#define CELL lua_upvalueindex(6)
#define BOXMETA lua_upvalueindex(7)

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
    int from_host = tdmS_host_xcall;    /* frame.h: Python called this entry itself */
    tdmS_host_xcall = 0;
    int n = lua_gettop(L);
    int np = (int)lua_tointeger(L, lua_upvalueindex(3));
    int direct = n == np, ints = direct;
    for (int i = 1; ints && i <= n; i++) {
        ints = lua_isinteger(L, i);
    }
    if (!lua_checkstack(L, n + 8)) {
        return luaL_error(L, "stack overflow (translated function arguments)");
    }
    for (int i = 1; !ints && i <= n; i++) {
        /* a Lua table, function or coroutine a caller passes: the bridge's
           proxy of it, as the Python function would get (rt.import) */
        int t = lua_type(L, i);
        if (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD) {
            if (tdmL_box_lookup(L, i, BOXMETA)) {        /* its box, made before */
                lua_replace(L, i);
                continue;
            }
            lua_getfield(L, RT, "import");
            lua_pushvalue(L, i);
            lua_call(L, 1, 1);
            lua_replace(L, i);
        }
    }
    lua_getupvalue(L, CELL, 1);                 /* n + 1: the depth, saved */
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
    lua_setupvalue(L, CELL, 1);
    if (st != LUA_OK) {
        return reraise(L);
    }
    switch (lua_type(L, -1)) {
    case LUA_TNIL: case LUA_TBOOLEAN: case LUA_TNUMBER: case LUA_TSTRING:
        return 1;
    default:
        break;
    }
    /* a caller in Lua gets a returned tuple as the bridge gives a Python
       function's (several results in a runtime that unpacks them), and a
       Python object converted as the bridge converts a Python function's
       result (bytes a Lua string, an int past 64 bits through the
       overflow_handler: rt.exportres) */
    lua_getfield(L, RT, from_host ? "export" : "exportres");
    lua_insert(L, -2);
    int top = lua_gettop(L) - 2;
    if (lua_pcall(L, 1, from_host ? 1 : LUA_MULTRET, n + 2) != LUA_OK) {
        return reraise(L);
    }
    return lua_gettop(L) - top;
}

/* rt.centry(f, body, nparams): the entry closure of f. */
static int mk_entry(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 3);
    if (lua_type(L, 2) != LUA_TFUNCTION || !lua_isinteger(L, 3)) {
        lua_pushboolean(L, 0);
        lua_replace(L, 2);
        lua_pushinteger(L, -1);
        lua_replace(L, 3);
    }
    lua_pushvalue(L, lua_upvalueindex(1));      /* rt */
    lua_getfield(L, -1, "handler");
    lua_getfield(L, -2, "depthcell");
    tdmL_push_boxmeta(L);
    lua_pushcclosure(L, c_entry, 7);
    return 1;
}

void tdmL_push_centry(lua_State *L, int rt)
{
    lua_pushvalue(L, rt);
    lua_pushcclosure(L, mk_entry, 1);
}
