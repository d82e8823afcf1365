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
 * 3 its TUPLE metatable, 4 the string "n" (a list's length field), 5 its
 * DICT metatable, or false when a dict made by rt.newdict does not have the
 * fields read here (then no dict fast path is taken), 6 the metatable of
 * the boxes of Lua values (lxbox.c).
 *
 * pyrt's representations read here (adapters/lua/pyrt/core.lua): a list is
 * {n = length, [1..n] = items}; a dict is {keys, vals, pos, used, count}
 * where pos maps the Lua key of a Python key (the string itself, the integer
 * itself) to its slot in vals. An existing key's value is replaced in place;
 * everything else (a new key, other key types, deletion) is the helper's.
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
/* a / b: two numbers, not both integers, with a non-zero divisor (the int
   converted to the nearest double, as Python converts it), or two integers
   of at most 53 bits, which CPython also divides as doubles; larger
   integers (CPython's division is then exact), zero divisors and the rest
   are the helper's */
static int f_truediv(lua_State *L)
{
    const lua_Integer two53 = (lua_Integer)1 << 53;
    lua_Integer a, b;
    if (both_int(L, &a, &b)) {
        if (b != 0 && a >= -two53 && a <= two53 && b >= -two53 && b <= two53) {
            lua_pushnumber(L, (lua_Number)a / (lua_Number)b);
            return 1;
        }
    } else if (both_num(L) && lua_tonumber(L, 2) != 0) {
        lua_pushnumber(L, lua_tonumber(L, 1) / lua_tonumber(L, 2));
        return 1;
    }
    return fallback(L, 2, 1);
}

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

/* The slot of key 2 in dict 1 (a string or integer key present), pushing
   the dict's vals table; 0 (nothing pushed) when the helper must decide.
   *absent (may be NULL): set when 1 is a dict and 2 a string or integer key
   it does not hold. */
static lua_Integer dict_slot_x(lua_State *L, int *absent)
{
    int kt = lua_type(L, 2);
    if (lua_type(L, 1) != LUA_TTABLE || !(kt == LUA_TSTRING || lua_isinteger(L, 2))
        || !lua_toboolean(L, lua_upvalueindex(5)) || !lua_getmetatable(L, 1)) {
        return 0;
    }
    int ok = lua_rawequal(L, -1, lua_upvalueindex(5));
    lua_pop(L, 1);
    if (!ok || lua_getfield(L, 1, "pos") != LUA_TTABLE) {
        lua_pop(L, ok);
        return 0;
    }
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) == LUA_TNIL && absent != NULL) {
        *absent = 1;
    }
    int isnum;
    lua_Integer i = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 2);
    if (!isnum || i <= 0 || lua_getfield(L, 1, "vals") != LUA_TTABLE) {
        lua_pop(L, isnum && i > 0);
        return 0;
    }
    return i;
}

static lua_Integer dict_slot(lua_State *L)
{
    return dict_slot_x(L, NULL);
}

static int f_getitem(lua_State *L)
{
    lua_Integer s = slot(L, 1);
    if (s > 0) {
        lua_rawgeti(L, 1, s);
        return 1;
    }
    s = dict_slot(L);
    if (s > 0) {
        lua_rawgeti(L, -1, s);
        return 1;
    }
    if (lua_type(L, 1) == LUA_TUSERDATA && tdmL_box_getitem(L, lua_upvalueindex(6))) {
        return 1;                       /* a Lua table's read (lxbox.c) */
    }
    return fallback(L, 2, 1);
}

/* d.get(k) / d.get(k, default): (method d "get" k [default]) */
static int f_get(lua_State *L)
{
    int n = lua_gettop(L);
    if (n == 2 || n == 3) {
        lua_Integer s = dict_slot(L);
        if (s > 0) {
            lua_rawgeti(L, -1, s);
            return 1;
        }
    }
    /* the helper: method(d, "get", args...) */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_pushliteral(L, "get");
    lua_insert(L, 3);
    lua_call(L, n + 1, 1);
    return 1;
}

/* l.append(x): (method l "append" x) */
static int f_append(lua_State *L)
{
    if (lua_gettop(L) == 2 && lua_type(L, 1) == LUA_TTABLE && lua_getmetatable(L, 1)) {
        int ok = lua_rawequal(L, -1, lua_upvalueindex(2));
        lua_pop(L, 1);
        if (ok) {
            lua_pushvalue(L, lua_upvalueindex(4));
            lua_rawget(L, 1);
            int isnum;
            lua_Integer n = lua_tointegerx(L, -1, &isnum);
            lua_pop(L, 1);
            if (isnum && n >= 0 && n < LUA_MAXINTEGER) {
                lua_pushvalue(L, lua_upvalueindex(4));
                lua_pushinteger(L, n + 1);
                lua_rawset(L, 1);
                lua_pushvalue(L, 2);
                lua_rawseti(L, 1, n + 1);
                return 0;
            }
        }
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_pushliteral(L, "append");
    lua_insert(L, 3);
    lua_call(L, n + 1, 1);
    return 1;
}

static int f_setitem(lua_State *L)
{
    lua_settop(L, 3);
    lua_Integer s = slot(L, 0);
    if (s > 0) {
        lua_rawseti(L, 1, s);
        return 0;
    }
    s = dict_slot(L);                   /* an existing key: its value replaced */
    if (s > 0) {
        lua_pushvalue(L, 3);
        lua_rawseti(L, -2, s);
        return 0;
    }
    return fallback(L, 3, 0);
}

/* dincr(d, k, c, n): `d[k] = d.get(k, c) + n` (lxlate.c, dincr_stmt): an
   existing str/int key of a dict holding an integer gets the sum when it
   does not overflow; anything else is the helper rt.dincr (get, add,
   setitem, as the statement runs them), told when d is a dict without the
   key (get would return c: no need to run it). */
static int f_dincr(lua_State *L)
{
    lua_settop(L, 4);
    int absent = 0;
    lua_Integer s = lua_isinteger(L, 4) ? dict_slot_x(L, &absent) : 0;
    if (s > 0) {
        lua_Integer v, r;
        if (lua_rawgeti(L, -1, s) == LUA_TNUMBER && lua_isinteger(L, -1)
            && (v = lua_tointeger(L, -1), !__builtin_add_overflow(v, lua_tointeger(L, 4), &r))) {
            lua_pop(L, 1);
            lua_pushinteger(L, r);
            lua_rawseti(L, -2, s);
            return 0;
        }
        lua_settop(L, 4);
    }
    lua_pushboolean(L, absent);
    return fallback(L, 5, 0);
}

/* aincr(d, k, n): `d[k] += n` with an int literal n (lxlate.c, aincr_stmt):
   an item of a list (an int index in range, negative ones counted from the
   end) or an existing str/int key of a dict, holding an integer, gets the
   sum when it does not overflow; anything else (a missing key: KeyError, another
   receiver, a value that is not an int, an overflow) is the helper
   rt.aincr, which runs getitem, iadd and setitem as the statement does. */
static int f_aincr(lua_State *L)
{
    lua_settop(L, 3);
    lua_Integer s = lua_isinteger(L, 3) ? slot(L, 0) : 0;      /* a list's item */
    if (s > 0) {
        lua_Integer v, r;
        if (lua_rawgeti(L, 1, s) == LUA_TNUMBER && lua_isinteger(L, -1)
            && (v = lua_tointeger(L, -1), !__builtin_add_overflow(v, lua_tointeger(L, 3), &r))) {
            lua_pop(L, 1);
            lua_pushinteger(L, r);
            lua_rawseti(L, 1, s);
            return 0;
        }
        lua_settop(L, 3);
    }
    s = lua_isinteger(L, 3) ? dict_slot(L) : 0;
    if (s > 0) {
        lua_Integer v, r;
        if (lua_rawgeti(L, -1, s) == LUA_TNUMBER && lua_isinteger(L, -1)
            && (v = lua_tointeger(L, -1), !__builtin_add_overflow(v, lua_tointeger(L, 3), &r))) {
            lua_pop(L, 1);
            lua_pushinteger(L, r);
            lua_rawseti(L, -2, s);
            return 0;
        }
    }
    return fallback(L, 3, 0);
}

/* range(a, b, c) of a `for` loop (pyrt's rt.range): three integers, c not
   zero, give the Lua loop's first value, last value and step, or nil for an
   empty range; anything else is the helper's (its TypeError, ValueError). */
static int f_range(lua_State *L)
{
    if (lua_gettop(L) == 3 && lua_isinteger(L, 1) && lua_isinteger(L, 2) && lua_isinteger(L, 3)) {
        lua_Integer a = lua_tointeger(L, 1), b = lua_tointeger(L, 2), c = lua_tointeger(L, 3);
        if (c > 0) {
            if (a >= b) {
                lua_pushnil(L);
                return 1;
            }
            lua_pushinteger(L, b - 1);      /* b > a >= minint: no overflow */
        } else if (c < 0) {
            if (a <= b) {
                lua_pushnil(L);
                return 1;
            }
            lua_pushinteger(L, b + 1);      /* b < a <= maxint */
        } else {
            return fallback(L, 3, 3);
        }
        lua_pushvalue(L, 1);
        lua_insert(L, -2);
        lua_pushvalue(L, 3);
        return 3;
    }
    return fallback(L, lua_gettop(L), 3);
}

/* lchk(n, ...): exactly n arguments follow, each an integer (the entry of a
   leaf, lxlate.c gen_leaf) */
static int f_lchk(lua_State *L)
{
    int n = lua_gettop(L) - 1;
    int ok = lua_isinteger(L, 1) && lua_tointeger(L, 1) == n;
    for (int i = 2; ok && i <= n + 1; i++) {
        ok = lua_isinteger(L, i);
    }
    lua_pushboolean(L, ok);
    return 1;
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

/* isint(v): v is a Lua integer (the inline dict increments of lxlate.c,
   incr_inline: math.type without making a string) */
/* 1 when the values at stack indexes from..to are all integers (none: 1),
   2 when all are floats, else 0 */
static int num_kind(lua_State *L, int from, int to)
{
    int ints = 1, flts = 1;
    for (int i = from; i <= to && (ints || flts); i++) {
        if (lua_isinteger(L, i)) {
            flts = 0;
        } else if (lua_type(L, i) == LUA_TNUMBER) {
            ints = 0;
        } else {
            ints = flts = 0;
        }
    }
    return ints ? 1 : flts ? 2 : 0;
}

/* LCHK2(n, ...): 1 when there are n arguments and every one is an integer,
   2 when every one is a float, else false (the leaf entry of a function
   with integer and float leaf bodies, lxlate.c gen_leaf) */
static int f_lchk2(lua_State *L)
{
    int n = lua_gettop(L) - 1;
    int k = lua_isinteger(L, 1) && lua_tointeger(L, 1) == n ? num_kind(L, 2, n + 1) : 0;
    if (k != 0) {
        lua_pushinteger(L, k);
    } else {
        lua_pushboolean(L, 0);
    }
    return 1;
}

/* NUMK(...): true, false when every argument is an integer; false, true
   when every one is a float; false, false otherwise (the parameter
   versions T and TF of translated code, lxlate.c emit_tcheck) */
static int f_numk(lua_State *L)
{
    int k = num_kind(L, 1, lua_gettop(L));
    lua_pushboolean(L, k == 1);
    lua_pushboolean(L, k == 2);
    return 2;
}

static int f_isint(lua_State *L)
{
    lua_pushboolean(L, lua_isinteger(L, 1));
    return 1;
}

static const struct { const char *name; lua_CFunction f; } fast[] = {
    { "add", f_add }, { "iadd", f_add }, { "sub", f_sub }, { "mul", f_mul },
    { "imul", f_mul }, { "mod", f_mod }, { "floordiv", f_floordiv },
    { "truediv", f_truediv }, { "itruediv", f_truediv },
    { "lt", f_lt }, { "le", f_le }, { "gt", f_gt }, { "ge", f_ge },
    { "eq", f_eq }, { "ne", f_ne }, { "truth", f_truth },
    { "getitem", f_getitem }, { "setitem", f_setitem }, { "range", f_range },
    { "dincr", f_dincr }, { "aincr", f_aincr },
};

/* Does rt.newdict() make the representation dict_slot reads? */
static int dict_ok(lua_State *L, int rt)
{
    int top = lua_gettop(L), ok = 0;
    if (lua_getfield(L, rt, "newdict") == LUA_TFUNCTION) {
        lua_call(L, 0, 1);
        int d = lua_gettop(L);
        if (lua_type(L, d) == LUA_TTABLE && lua_getmetatable(L, d)) {
            lua_getfield(L, rt, "DICT");
            ok = lua_rawequal(L, -1, -2);
            ok = lua_getfield(L, d, "pos") == LUA_TTABLE && ok;
            ok = lua_getfield(L, d, "vals") == LUA_TTABLE && ok;
        }
    }
    lua_settop(L, top);
    return ok;
}

static void push_closure(lua_State *L, int rt, int dm, const char *helper, lua_CFunction f)
{
    lua_getfield(L, rt, helper);
    lua_getfield(L, rt, "LIST");
    lua_getfield(L, rt, "TUPLE");
    lua_pushliteral(L, "n");
    lua_pushvalue(L, dm);
    tdmL_push_boxmeta(L);
    lua_pushcclosure(L, f, 6);
}

void tdmL_push_fast(lua_State *L, int rt)
{
    rt = lua_absindex(L, rt);
    if (dict_ok(L, rt)) {
        lua_getfield(L, rt, "DICT");
    } else {
        lua_pushboolean(L, 0);
    }
    int dm = lua_gettop(L);
    lua_createtable(L, 0, (int)(sizeof fast / sizeof fast[0]) + 3);
    for (size_t i = 0; i < sizeof fast / sizeof fast[0]; i++) {
        if (lua_getfield(L, rt, fast[i].name) != LUA_TFUNCTION) {   /* keep pyrt's own */
            lua_pop(L, 1);
            continue;
        }
        lua_pop(L, 1);
        push_closure(L, rt, dm, fast[i].name, fast[i].f);
        lua_setfield(L, -2, fast[i].name);
    }
    if (lua_getfield(L, rt, "method") == LUA_TFUNCTION) {
        push_closure(L, rt, dm, "method", f_get);
        lua_setfield(L, -3, "get");
        push_closure(L, rt, dm, "method", f_append);
        lua_setfield(L, -3, "append");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, f_ints);
    lua_setfield(L, -2, "ints");
    lua_pushcfunction(L, f_lchk);
    lua_setfield(L, -2, "lchk");
    lua_pushcfunction(L, f_isint);
    lua_setfield(L, -2, "isint");
    lua_pushcfunction(L, f_numk);
    lua_setfield(L, -2, "numk");
    lua_pushcfunction(L, f_lchk2);
    lua_setfield(L, -2, "lchk2");
    lua_remove(L, dm);
}
