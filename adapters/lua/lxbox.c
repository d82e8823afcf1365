/*
 * lxbox.c — a Lua value held by translated Python code (pyrt's rt.import).
 *
 * A Lua table, function or coroutine that is not translated code's own is,
 * to the Python code translated, the bridge's proxy of it (_LuaTable,
 * _LuaFunction, _LuaThread): translated code holds it as a Python object, a
 * userdata, so that every operation on it goes to the host as the Python
 * function's would. That userdata is a box: a userdata of no bytes whose
 * user value is the Lua value, one per value for as long as the value lives
 * (pyrt's two ephemeron tables, rt.proxyof: value -> box, and rt.luaof:
 * box -> value), made here without a trip into Python. It becomes the
 * bridge's proxy of the value when it crosses into Python (tdmL_unbox, from
 * lconvert.c), as the value itself would.
 *
 * Before, each value entering translated code crossed into Python and came
 * back as the userdata of its proxy, made again after every collection: a
 * table.sort of 20,000 Lua records with a translated comparator took 470 ms
 * (the Python comparator through the bridge: 160 ms).
 *
 * Two fast paths read boxes from C, each giving what pyrt's Lua gives:
 * tdmL_box_lookup (the C entry, lxentry.c, importing its arguments) and
 * tdmL_box_getitem (F.getitem, lxfast.c: rt.luaget's read of a table
 * without a metatable).
 *
 * The boxes' metatable (registry[&meta_key], and an upvalue of the C
 * closures reading boxes: a registry read costs ~150 instructions, an
 * upvalue a few) holds what C needs: [1] the runtime's "strings are UTF-8"
 * flag (rt.boxmode, from rt.wraphook), [2] rt.proxyof. Its __metatable
 * hides it from getmetatable.
 */
#include "ladapter.h"

static char meta_key;           /* registry[&meta_key]: the boxes' metatable */

enum { M_UTF8 = 1, M_PROXYOF = 2, M_LUAOF = 3 };

/* rt.box(v): v's box, made when v has none. Upvalue 1: the metatable. */
static int l_box(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_settop(L, 1);
    int meta = lua_upvalueindex(1);
    if (lua_rawgeti(L, meta, M_PROXYOF) != LUA_TTABLE            /* 2 */
        || lua_rawgeti(L, meta, M_LUAOF) != LUA_TTABLE) {        /* 3 */
        return luaL_error(L, "rt.box: the box tables are missing");
    }
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 2) == LUA_TUSERDATA) {
        return 1;
    }
    lua_pop(L, 1);
    lua_newuserdatauv(L, 0, 1);                 /* 4 */
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, 4, 1);
    lua_pushvalue(L, meta);
    lua_setmetatable(L, 4);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 4);
    lua_rawset(L, 2);                           /* proxyof[v] = box */
    lua_pushvalue(L, 4);
    lua_pushvalue(L, 1);
    lua_rawset(L, 3);                           /* luaof[box] = v */
    return 1;
}

/* rt.boxmode(utf8): whether the runtime passes strings as UTF-8. */
static int l_boxmode(lua_State *L)
{
    lua_pushboolean(L, lua_toboolean(L, 1));
    lua_rawseti(L, lua_upvalueindex(1), M_UTF8);
    return 0;
}

void tdmL_open_box(lua_State *L, int rt)
{
    rt = lua_absindex(L, rt);
    lua_createtable(L, 3, 2);
    lua_pushliteral(L, "tandem.luavalue");
    lua_setfield(L, -2, "__name");
    lua_pushliteral(L, "a Lua value held by translated Python code");
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 0);
    lua_rawseti(L, -2, M_UTF8);
    lua_getfield(L, rt, "proxyof");
    lua_rawseti(L, -2, M_PROXYOF);
    lua_getfield(L, rt, "luaof");
    lua_rawseti(L, -2, M_LUAOF);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &meta_key);
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, l_box, 1);
    lua_setfield(L, rt, "box");
    lua_pushcclosure(L, l_boxmode, 1);
    lua_setfield(L, rt, "boxmode");
}

int tdmL_push_boxmeta(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &meta_key) == LUA_TTABLE) {
        return 1;
    }
    lua_pop(L, 1);
    lua_pushboolean(L, 0);
    return 0;
}

/* Is the value at idx a box (meta: the boxes' metatable, or false)? If so
   push its value and return 1. [-0, +(0|1), -] */
static int unbox_with(lua_State *L, int idx, int meta)
{
    if (lua_type(L, idx) != LUA_TUSERDATA || lua_rawlen(L, idx) != 0
        || !lua_getmetatable(L, idx)) {
        return 0;
    }
    int box = lua_rawequal(L, -1, meta);
    lua_pop(L, 1);
    if (!box) {
        return 0;
    }
    lua_getiuservalue(L, idx, 1);
    return 1;
}

int tdmL_unbox(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    if (!lua_checkstack(L, 3)) {
        return 0;
    }
    tdmL_push_boxmeta(L);
    int r = unbox_with(L, idx, lua_gettop(L));
    lua_remove(L, -1 - r);
    return r;
}

int tdmL_box_lookup(lua_State *L, int idx, int meta)
{
    if (lua_type(L, meta) != LUA_TTABLE) {
        return 0;
    }
    idx = lua_absindex(L, idx);
    lua_rawgeti(L, meta, M_PROXYOF);
    lua_pushvalue(L, idx);
    if (lua_rawget(L, -2) != LUA_TUSERDATA) {
        lua_pop(L, 2);
        return 0;
    }
    lua_remove(L, -2);
    return 1;
}

/* Is the string at idx one the bridge passes to Python unchanged? Here only
   when the runtime's strings are UTF-8 and it is ASCII (pyrt's same_str
   decides the rest). [-0, +0, -] */
static int same_ascii(lua_State *L, int idx, int meta)
{
    size_t n;
    const unsigned char *s = (const unsigned char *)lua_tolstring(L, idx, &n);
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 0x80) {
            return 0;
        }
    }
    int utf8 = lua_rawgeti(L, meta, M_UTF8) == LUA_TBOOLEAN && lua_toboolean(L, -1);
    lua_pop(L, 1);
    return utf8;
}

int tdmL_box_getitem(lua_State *L, int meta)
{
    if (lua_type(L, meta) != LUA_TTABLE || !lua_checkstack(L, 4) || !unbox_with(L, 1, meta)) {
        return 0;
    }
    int lv = lua_gettop(L);
    if (lua_type(L, lv) != LUA_TTABLE || lua_getmetatable(L, lv)) {
        return 0;                   /* (a metatable: pushed, left for the caller) */
    }
    switch (lua_type(L, 2)) {
    case LUA_TNUMBER:
    case LUA_TBOOLEAN:
        break;
    case LUA_TSTRING:
        if (same_ascii(L, 2, meta)) {
            break;
        }
        return 0;
    default:
        return 0;
    }
    lua_pushvalue(L, 2);
    switch (lua_rawget(L, lv)) {
    case LUA_TNUMBER:
    case LUA_TBOOLEAN:
    case LUA_TNIL:
    case LUA_TUSERDATA:
    case LUA_TLIGHTUSERDATA:
        return 1;
    case LUA_TSTRING:
        return same_ascii(L, -1, meta);
    case LUA_TTABLE:
    case LUA_TFUNCTION:
    case LUA_TTHREAD:
        return tdmL_box_lookup(L, -1, meta);   /* a value boxed already */
    default:
        return 0;
    }
}
