/*
 * bench_addmod.c — the hand-written baseline for bench_ffi_lua: a Lua C
 * module wrapping bench_add.c the way one would without an FFI. Built
 * without liblua (the lua5.4 binary exports the API).
 */
#include <lua.h>
#include <lauxlib.h>

int add(int a, int b);
int luaopen_bench_addmod(lua_State *L);

static int l_add(lua_State *L)
{
    lua_pushinteger(L, add((int)luaL_checkinteger(L, 1), (int)luaL_checkinteger(L, 2)));
    return 1;
}

/* call_n(f, n): call the Lua function f(i) n times, summing the results. */
static int l_call_n(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 2), s = 0;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    for (lua_Integer i = 0; i < n; i++) {
        lua_pushvalue(L, 1);
        lua_pushinteger(L, i);
        lua_call(L, 1, 1);
        s += lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    lua_pushinteger(L, s);
    return 1;
}

int luaopen_bench_addmod(lua_State *L)
{
    static const luaL_Reg f[] = {{"add", l_add}, {"call_n", l_call_n}, {NULL, NULL}};
    luaL_newlib(L, f);
    return 1;
}
