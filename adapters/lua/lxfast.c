/*
 * lxfast.c — C fast paths of the runtime library's hottest helpers, used by
 * translated code (adapters/lua/lxlate.c, docs/translation.md "Speed").
 *
 * Each helper handles the cases whose Python result plain C gives exactly
 * (two integers without overflow, two floats, a list index in range ...)
 * and hands every other case, unchanged, to the Lua helper of the same name
 * in pyrt (its first upvalue), which raises Python's errors. So the answers
 * are the Lua helpers' answers, one C call cheaper: a Lua helper pays a Lua
 * call plus one or two C calls (math.type, getmetatable) on its own fast path.
 *
 * Upvalues of every closure: 1 the Lua helper, 2 pyrt's LIST metatable,
 * 3 its TUPLE metatable, 4 the string "n" (a list's length field).
 */
#include <string.h>

#include "ladapter.h"

/* The Lua helper on the `nargs` arguments (and nothing else), `nres` results. */
static int fallback(lua_State *L, int nargs, int nres)
{
    lua_settop(L, nargs);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, nargs, nres);
    return nres;
}

static int both_int(lua_State *L, lua_Integer *a, lua_Integer *b)
{
    if (lua_isinteger(L, 1) && lua_isinteger(L, 2)) {
        *a = lua_tointeger(L, 1);
        *b = lua_tointeger(L, 2);
        return 1;
    }
    return 0;
}

/* two numbers, not both integers (Python converts the int, as Lua does) */
static int both_num(lua_State *L)
{
    return lua_type(L, 1) == LUA_TNUMBER && lua_type(L, 2) == LUA_TNUMBER;
}

static int f_add(lua_State *L)
{
    lua_Integer a, b, r;
    if (both_int(L, &a, &b)) {
        if (!__builtin_add_overflow(a, b, &r)) {
            lua_pushinteger(L, r);
            return 1;
        }
    } else if (both_num(L)) {
        lua_pushnumber(L, lua_tonumber(L, 1) + lua_tonumber(L, 2));
        return 1;
    }
    return fallback(L, 2, 1);
}

static int f_sub(lua_State *L)
{
    lua_Integer a, b, r;
    if (both_int(L, &a, &b)) {
        if (!__builtin_sub_overflow(a, b, &r)) {
            lua_pushinteger(L, r);
            return 1;
        }
    } else if (both_num(L)) {
        lua_pushnumber(L, lua_tonumber(L, 1) - lua_tonumber(L, 2));
        return 1;
    }
    return fallback(L, 2, 1);
}

static int f_mul(lua_State *L)
{
    lua_Integer a, b, r;
    if (both_int(L, &a, &b)) {
        if (!__builtin_mul_overflow(a, b, &r)) {
            lua_pushinteger(L, r);
            return 1;
        }
    } else if (both_num(L)) {
        lua_pushnumber(L, lua_tonumber(L, 1) * lua_tonumber(L, 2));
        return 1;
    }
    return fallback(L, 2, 1);
}

/* integers only: floats keep CPython's float_divmod in the Lua helper */
static int f_mod(lua_State *L)
{
    lua_Integer a, b;
    if (both_int(L, &a, &b) && b != 0) {
        lua_Integer r = 0;
        if (b != -1) {                  /* MIN % -1 overflows in C */
            r = a % b;
            if (r != 0 && (r ^ b) < 0) {
                r += b;                 /* floored: the sign of the divisor */
            }
        }
        lua_pushinteger(L, r);
        return 1;
    }
    return fallback(L, 2, 1);
}

static int f_floordiv(lua_State *L)
{
    lua_Integer a, b;
    if (both_int(L, &a, &b) && b != 0 && !(b == -1 && a == LUA_MININTEGER)) {
        lua_Integer q = a / b;
        if (a % b != 0 && (a ^ b) < 0) {
            q -= 1;
        }
        lua_pushinteger(L, q);
        return 1;
    }
    return fallback(L, 2, 1);
}

/* Python's str order is code point order: UTF-8 byte order, whatever the C
   locale's collation (Lua's own < uses strcoll). */
static int strcmp_lua(lua_State *L)
{
    size_t na, nb;
    const char *a = lua_tolstring(L, 1, &na), *b = lua_tolstring(L, 2, &nb);
    int c = memcmp(a, b, na < nb ? na : nb);
    return c != 0 ? c : (na > nb) - (na < nb);
}

static int both_str(lua_State *L)
{
    return lua_type(L, 1) == LUA_TSTRING && lua_type(L, 2) == LUA_TSTRING;
}

/* which: 0 <, 1 <=, 2 >, 3 >= */
static int order(lua_State *L, int which)
{
    int r;
    if (both_num(L)) {                  /* exact for int/float mixes; NaN false */
        r = which == 0 ? lua_compare(L, 1, 2, LUA_OPLT)
          : which == 1 ? lua_compare(L, 1, 2, LUA_OPLE)
          : which == 2 ? lua_compare(L, 2, 1, LUA_OPLT)
          : lua_compare(L, 2, 1, LUA_OPLE);
    } else if (both_str(L)) {
        int c = strcmp_lua(L);
        r = which == 0 ? c < 0 : which == 1 ? c <= 0 : which == 2 ? c > 0 : c >= 0;
    } else {
        return fallback(L, 2, 1);
    }
    lua_pushboolean(L, r);
    return 1;
}

static int f_lt(lua_State *L) { return order(L, 0); }
static int f_le(lua_State *L) { return order(L, 1); }
static int f_gt(lua_State *L) { return order(L, 2); }
static int f_ge(lua_State *L) { return order(L, 3); }

/* numbers (1 == 1.0, exact for big ints, NaN unequal) or strings; booleans
   against numbers (True == 1) and everything else go to the helper */
static int equal(lua_State *L, int ne)
{
    if (both_num(L) || both_str(L)) {
        lua_pushboolean(L, lua_rawequal(L, 1, 2) != ne);
        return 1;
    }
    return fallback(L, 2, 1);
}

static int f_eq(lua_State *L) { return equal(L, 0); }
static int f_ne(lua_State *L) { return equal(L, 1); }

static int f_truth(lua_State *L)
{
    switch (lua_type(L, 1)) {
    case LUA_TBOOLEAN:
        lua_pushboolean(L, lua_toboolean(L, 1));
        return 1;
    case LUA_TNIL:
        lua_pushboolean(L, 0);
        return 1;
    case LUA_TNUMBER:
        if (lua_isinteger(L, 1)) {
            lua_pushboolean(L, lua_tointeger(L, 1) != 0);
        } else {
            lua_pushboolean(L, lua_tonumber(L, 1) != 0);     /* NaN is true */
        }
        return 1;
    case LUA_TSTRING:
        lua_pushboolean(L, lua_rawlen(L, 1) > 0);
        return 1;
    default:
        return fallback(L, 1, 1);
    }
}

/* The 0-based index k of list/tuple o (its 1-based slot), or 0 when the
   Lua helper must decide (not a list, not an int, out of range). */
static lua_Integer slot(lua_State *L, int tuple_too)
{
    if (lua_type(L, 1) != LUA_TTABLE || !lua_isinteger(L, 2) || !lua_getmetatable(L, 1)) {
        return 0;
    }
    int ok = lua_rawequal(L, -1, lua_upvalueindex(2))
             || (tuple_too && lua_rawequal(L, -1, lua_upvalueindex(3)));
    lua_pop(L, 1);
    if (!ok) {
        return 0;
    }
    lua_pushvalue(L, lua_upvalueindex(4));
    lua_rawget(L, 1);
    int isnum;
    lua_Integer n = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    lua_Integer i = lua_tointeger(L, 2);
    if (!isnum) {
        return 0;
    }
    if (i < 0) {
        i += n;
    }
    return i >= 0 && i < n ? i + 1 : 0;
}

static int f_getitem(lua_State *L)
{
    lua_Integer s = slot(L, 1);
    if (s > 0) {
        lua_rawgeti(L, 1, s);
        return 1;
    }
    return fallback(L, 2, 1);
}

static int f_setitem(lua_State *L)
{
    lua_Integer s = slot(L, 0);
    if (s > 0) {
        lua_settop(L, 3);
        lua_rawseti(L, 1, s);
        return 0;
    }
    return fallback(L, 3, 0);
}

/* ints(...): every argument is an integer (not a float, not a bool) */
static int f_ints(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        if (!lua_isinteger(L, i)) {
            lua_pushboolean(L, 0);
            return 1;
        }
    }
    lua_pushboolean(L, 1);
    return 1;
}

static const struct { const char *name; lua_CFunction f; } fast[] = {
    { "add", f_add }, { "iadd", f_add }, { "sub", f_sub }, { "mul", f_mul },
    { "imul", f_mul }, { "mod", f_mod }, { "floordiv", f_floordiv },
    { "lt", f_lt }, { "le", f_le }, { "gt", f_gt }, { "ge", f_ge },
    { "eq", f_eq }, { "ne", f_ne }, { "truth", f_truth },
    { "getitem", f_getitem }, { "setitem", f_setitem },
};

void tdmL_push_fast(lua_State *L, int rt)
{
    rt = lua_absindex(L, rt);
    lua_createtable(L, 0, (int)(sizeof fast / sizeof fast[0]));
    for (size_t i = 0; i < sizeof fast / sizeof fast[0]; i++) {
        lua_getfield(L, rt, fast[i].name);
        if (lua_type(L, -1) != LUA_TFUNCTION) {         /* keep pyrt's own */
            lua_pop(L, 1);
            continue;
        }
        lua_getfield(L, rt, "LIST");
        lua_getfield(L, rt, "TUPLE");
        lua_pushliteral(L, "n");
        lua_pushcclosure(L, fast[i].f, 4);
        lua_setfield(L, -2, fast[i].name);
    }
    lua_pushcfunction(L, f_ints);
    lua_setfield(L, -2, "ints");
}
