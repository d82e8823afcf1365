/*
 * larith.c — arithmetic and comparisons on cdata with LuaJIT's rules, and
 * the metamethods of ffi.metatype.
 *
 * LuaJIT's rules (ext_ffi_semantics, "Arithmetic on cdata objects"):
 * - two numbers, at least one of them a cdata (any integer, enum, bool or
 *   floating-point cdata): both are converted to int64_t, or to uint64_t
 *   when either side is a uint64_t (a float truncated), and the operation
 *   is done in 64 bits — wrapping, integer division — giving a boxed
 *   int64_t/uint64_t cdata ("sticky" 64-bit integers). x / 0, x % 0 and
 *   INT64_MIN / -1 give 2^63 (as LuaJIT: 0x8000000000000000); a negative
 *   exponent gives 0 (or 1, -1 for bases 1 and -1; INT64_MAX for 0).
 *   Lua 5.4's `//` floors (signed) and the bitwise operators work on the
 *   64 bits too (LuaJIT has neither operator).
 * - a pointer or array and a number: pointer arithmetic (p + n, n + p,
 *   p - n); two compatible pointers: their difference in elements (a Lua
 *   integer).
 * - comparisons: numbers as above (unsigned when either side is uint64_t),
 *   pointers by address (nil is NULL); == never raises.
 * - an enum cdata and a string: the string names an enumerator.
 * When none applies, the metamethod of the ffi.metatype of the first
 * operand's type (through a pointer: the pointed-to type), then of the
 * second's, is called; == without one is false, anything else an error.
 *
 * What Lua 5.4 cannot follow: it calls __eq only between two userdata, so
 * `cd == 1`, `cd == "NAME"` and `p == nil` are false without asking us (the
 * order operators and arithmetic do ask, for any mix of operands).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "lffi.h"

static const char key_metatypes = 0;   /* registry: { [type] = metatable } */

/* ------------------------------------------------------------------------ */
/* ffi.metatype                                                             */

int tdmL_meta_get(lua_State *L, tdmL_Ffi *b, const tdmF_Type *t, const char *event)
{
    if (b->nmeta == 0 || t == NULL) {
        return 0;
    }
    if (t->kind == TDMF_PTR) {
        t = t->base;
    }
    if (t->kind != TDMF_STRUCT && t->kind != TDMF_UNION) {
        return 0;
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &key_metatypes);
    if (lua_rawgetp(L, -1, t) != LUA_TTABLE) {
        lua_pop(L, 2);
        return 0;
    }
    lua_pushstring(L, event);
    if (lua_rawget(L, -2) == LUA_TNIL) {        /* raw, as Lua looks up metamethods */
        lua_pop(L, 3);
        return 0;
    }
    lua_replace(L, -3);
    lua_pop(L, 1);
    return 1;
}

/* ffi.metatype(ct, mt) -> ctype: permanent, struct/union types only. */
int tdmL_metatype(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    const tdmF_Type *t = tdmL_ffi_checktype(L, b, 1, "metatype");
    char tb[128];
    luaL_checktype(L, 2, LUA_TTABLE);
    if (t->kind != TDMF_STRUCT && t->kind != TDMF_UNION) {
        return luaL_error(L, "metatype: '%s' is not a struct or union (wrap other types in "
                          "a struct)", tdmF_typename(t, tb, sizeof tb));
    }
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_metatypes) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &key_metatypes);
    }
    if (lua_rawgetp(L, -1, t) != LUA_TNIL) {
        return luaL_error(L, "metatype: cannot change the metatable of '%s' (it is permanent)",
                          tdmF_typename(t, tb, sizeof tb));
    }
    lua_pop(L, 1);
    lua_pushvalue(L, 2);
    lua_rawsetp(L, -2, t);
    b->nmeta++;
    tdmL_ct_push(L, b, t);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Operands                                                                 */

enum { OP_NONE = 0, OP_INT, OP_FLOAT, OP_PTR, OP_STR };

typedef struct Opnd {
    int kind;
    int u64;                    /* OP_INT: a uint64_t */
    uint64_t bits;              /* OP_INT: the value (sign-extended) */
    double f;                   /* OP_FLOAT */
    uintptr_t addr;             /* OP_PTR */
    tdmF_CData *cd;             /* borrowed: the cdata operand, or NULL */
    const tdmF_Type *type;      /* the cdata's type, or NULL */
} Opnd;

static void load_int(const tdmF_Type *st, const void *p, Opnd *o)
{
    int sg = (st->flags & TDMF_SIGNED) != 0;
    o->kind = OP_INT;
    switch (st->size) {
    case 1: o->bits = sg ? (uint64_t)(int64_t)*(const int8_t *)p : *(const uint8_t *)p; break;
    case 2: o->bits = sg ? (uint64_t)(int64_t)*(const int16_t *)p : *(const uint16_t *)p; break;
    case 4: o->bits = sg ? (uint64_t)(int64_t)*(const int32_t *)p : *(const uint32_t *)p; break;
    default:
        o->bits = *(const uint64_t *)p;
        o->u64 = !sg && !(st->flags & TDMF_BOOL);
        break;
    }
}

static void operand(lua_State *L, tdmL_Ffi *b, int idx, Opnd *o)
{
    tdmL_CData *u;
    memset(o, 0, sizeof *o);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            o->kind = OP_INT;
            o->bits = (uint64_t)lua_tointeger(L, idx);
        } else {
            o->kind = OP_FLOAT;
            o->f = lua_tonumber(L, idx);
        }
        return;
    case LUA_TNIL:
        o->kind = OP_PTR;
        return;
    case LUA_TSTRING:
        o->kind = OP_STR;
        return;
    case LUA_TUSERDATA:
        break;
    default:
        return;
    }
    if ((u = tdmL_cd_test(L, b, idx)) == NULL) {
        if (tdmL_cd_finalized(L, b, idx)) {
            tdmL_finalized_error(L, TDM_LANG_C);
        }
        return;
    }
    o->cd = u->h.handle;
    o->type = o->cd->type;
    switch (o->type->kind) {
    case TDMF_PTR:
    case TDMF_ARRAY:
    case TDMF_FUNC:
        o->kind = OP_PTR;
        o->addr = (uintptr_t)tdmF_cd_address(o->cd);
        break;
    case TDMF_INT:
    case TDMF_ENUM:
        load_int(tdmF_scalar(o->type), o->cd->addr, o);
        break;
    case TDMF_FLOAT:
        o->kind = OP_FLOAT;
        o->f = tdmF_load_float(o->type, o->cd->addr);
        break;
    default:
        o->addr = (uintptr_t)o->cd->addr;      /* a struct: == compares its address */
        break;
    }
}

/* A string operand beside an enum cdata: the enumerator's value. */
static void enum_name(lua_State *L, tdmL_Ffi *b, int idx, Opnd *o, const Opnd *other)
{
    const tdmF_Name *nm;
    if (o->kind != OP_STR || other->type == NULL || other->type->kind != TDMF_ENUM) {
        return;
    }
    nm = tdmF_lookup(b->R, lua_tostring(L, idx));
    if (nm == NULL || nm->kind != TDMF_N_CONST) {
        o->kind = OP_NONE;
        return;
    }
    o->kind = OP_INT;
    o->bits = (uint64_t)nm->value;
}

static int is_number(const Opnd *o)
{
    return o->kind == OP_INT || o->kind == OP_FLOAT;
}

/* A number as the 64 bits of an int64_t (u64 = 0) or uint64_t; floats
   truncate, NaN and values outside the type give 2^63 (x86's answer). */
static uint64_t bits64(const Opnd *o, int u64)
{
    double f = o->f;
    if (o->kind == OP_INT) {
        return o->bits;
    }
    if (u64 && f >= 9223372036854775808.0 && f < 18446744073709551616.0) {
        return (uint64_t)(f - 9223372036854775808.0) ^ (UINT64_C(1) << 63);
    }
    if (f >= -9223372036854775808.0 && f < 9223372036854775808.0) {
        return (uint64_t)(int64_t)f;
    }
    return UINT64_C(1) << 63;
}

/* ------------------------------------------------------------------------ */
/* 64-bit integer arithmetic                                                */

static uint64_t powu(uint64_t x, uint64_t k)
{
    uint64_t r = 1;
    while (k != 0) {
        if (k & 1) {
            r *= x;
        }
        x *= x;
        k >>= 1;
    }
    return r;
}

static uint64_t arith64(int op, uint64_t x, uint64_t y, int u64)
{
    const uint64_t MIN = UINT64_C(1) << 63;
    int64_t sx = (int64_t)x, sy = (int64_t)y;
    switch (op) {
    case TDM_AR_ADD: return x + y;
    case TDM_AR_SUB: return x - y;
    case TDM_AR_MUL: return x * y;
    case TDM_AR_UNM: return 0 - x;
    case TDM_AR_BAND: return x & y;
    case TDM_AR_BOR: return x | y;
    case TDM_AR_BXOR: return x ^ y;
    case TDM_AR_BNOT: return ~x;
    case TDM_AR_SHL: return sy >= 64 || sy <= -64 ? 0 : sy >= 0 ? x << sy : x >> -sy;
    case TDM_AR_SHR: return sy >= 64 || sy <= -64 ? 0 : sy >= 0 ? x >> sy : x << -sy;
    case TDM_AR_DIV:
    case TDM_AR_IDIV:
    case TDM_AR_MOD:
        if (y == 0) {
            return MIN;
        }
        if (u64) {
            return op == TDM_AR_MOD ? x % y : x / y;
        }
        if (x == MIN && sy == -1) {
            return op == TDM_AR_MOD ? 0 : MIN;
        }
        if (op == TDM_AR_MOD) {
            return (uint64_t)(sx % sy);
        }
        if (op == TDM_AR_IDIV && (sx % sy != 0) && ((sx < 0) != (sy < 0))) {
            return (uint64_t)(sx / sy - 1);         /* // floors */
        }
        return (uint64_t)(sx / sy);
    case TDM_AR_POW:
        if (u64 || sy >= 0) {
            return powu(x, y);
        }
        return sx == 0 ? (uint64_t)INT64_MAX : sx == 1 ? 1 : sx == -1 ? ((y & 1) ? x : 1) : 0;
    default:
        return 0;
    }
}

static void push_int64(lua_State *L, tdmL_Ffi *b, uint64_t v, int u64)
{
    tdmF_Err err;
    tdmF_CData *cd;
    tdmF_err_init(&err);
    cd = tdmF_cd_alloc(b->R, tdmF_base(b->R, u64 ? TDMF_T_UINT64 : TDMF_T_INT64), 8, &err);
    if (cd == NULL) {
        tdmL_ffi_raise(L, b, &err);
        return;
    }
    memcpy(cd->addr, &v, 8);
    tdmL_cd_push(L, b, cd);
}

/* ------------------------------------------------------------------------ */
/* The metamethods                                                          */

static const char *const events[TDM_NARITH] = {
    [TDM_AR_ADD] = "__add", [TDM_AR_SUB] = "__sub", [TDM_AR_MUL] = "__mul",
    [TDM_AR_MOD] = "__mod", [TDM_AR_POW] = "__pow", [TDM_AR_DIV] = "__div",
    [TDM_AR_IDIV] = "__idiv", [TDM_AR_BAND] = "__band", [TDM_AR_BOR] = "__bor",
    [TDM_AR_BXOR] = "__bxor", [TDM_AR_SHL] = "__shl", [TDM_AR_SHR] = "__shr",
    [TDM_AR_UNM] = "__unm", [TDM_AR_BNOT] = "__bnot", [TDM_AR_CONCAT] = "__concat"
};

static const char *describe(lua_State *L, const Opnd *o, int idx, char *buf, size_t n)
{
    char tb[128];
    if (o->cd != NULL) {
        snprintf(buf, n, "cdata<%s>", tdmF_typename(o->type, tb, sizeof tb));
    } else {
        snprintf(buf, n, "%s", luaL_typename(L, idx));
    }
    return buf;
}

/* No built-in meaning: the metatype's metamethod, else false (==) or an
   error. [-0, +1, e] */
static int fallback(lua_State *L, tdmL_Ffi *b, const char *event, const Opnd *a,
                    const Opnd *c, int unary, const char *what)
{
    char da[160], dc[160];
    if (tdmL_meta_get(L, b, a->type, event) || tdmL_meta_get(L, b, c->type, event)) {
        lua_pushvalue(L, 1);
        lua_pushvalue(L, unary ? 1 : 2);
        lua_call(L, 2, 1);
        return 1;
    }
    if (strcmp(event, "__eq") == 0) {
        /* two references to the same struct are equal */
        lua_pushboolean(L, a->cd && c->cd && a->kind == OP_NONE && c->kind == OP_NONE &&
                           a->addr == c->addr);
        return 1;
    }
    return luaL_error(L, "attempt to %s %s and %s", what, describe(L, a, 1, da, sizeof da),
                      describe(L, c, unary ? 1 : 2, dc, sizeof dc));
}

/* Pointer arithmetic; -1 when it does not apply. */
static int ptr_arith(lua_State *L, tdmL_Ffi *b, int op, const Opnd *a, const Opnd *c)
{
    tdmF_CData *r;
    tdmF_Err err;
    tdmF_err_init(&err);
    if (op == TDM_AR_SUB && a->kind == OP_PTR && c->kind == OP_PTR && a->cd && c->cd) {
        int64_t d;
        if (tdmF_ptr_diff(b->R, a->cd, c->cd, &d, &err) != TDM_OK) {
            return tdmL_ffi_raise(L, b, &err);
        }
        lua_pushinteger(L, (lua_Integer)d);
        return 1;
    }
    if ((op == TDM_AR_ADD || op == TDM_AR_SUB) && a->kind == OP_PTR && a->cd && is_number(c)) {
        int64_t n = (int64_t)bits64(c, 0);
        if (tdmF_ptr_add(b->R, a->cd, op == TDM_AR_SUB ? (int64_t)(0 - (uint64_t)n) : n, &r,
                         &err) != TDM_OK) {
            return tdmL_ffi_raise(L, b, &err);
        }
        tdmL_cd_push(L, b, r);
        return 1;
    }
    if (op == TDM_AR_ADD && c->kind == OP_PTR && c->cd && is_number(a)) {
        if (tdmF_ptr_add(b->R, c->cd, (int64_t)bits64(a, 0), &r, &err) != TDM_OK) {
            return tdmL_ffi_raise(L, b, &err);
        }
        tdmL_cd_push(L, b, r);
        return 1;
    }
    return -1;
}

int tdmL_arith(lua_State *L, int op)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    int unary = op == TDM_AR_UNM || op == TDM_AR_BNOT, r;
    Opnd a, c;
    operand(L, b, 1, &a);
    if (unary) {
        c = a;
    } else {
        operand(L, b, 2, &c);
        enum_name(L, b, 1, &a, &c);
        enum_name(L, b, 2, &c, &a);
    }
    if (op != TDM_AR_CONCAT && is_number(&a) && is_number(&c) && (a.cd || c.cd)) {
        int u64 = a.u64 || c.u64;
        push_int64(L, b, arith64(op, bits64(&a, u64), bits64(&c, u64), u64), u64);
        return 1;
    }
    if (!unary && (r = ptr_arith(L, b, op, &a, &c)) >= 0) {
        return r;
    }
    return fallback(L, b, events[op], &a, &c, unary,
                    op == TDM_AR_CONCAT ? "concatenate" : "perform arithmetic on");
}

int tdmL_compare(lua_State *L, int op)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    Opnd a, c;
    int r;
    operand(L, b, 1, &a);
    operand(L, b, 2, &c);
    enum_name(L, b, 1, &a, &c);
    enum_name(L, b, 2, &c, &a);
    if (is_number(&a) && is_number(&c) && (a.cd || c.cd)) {
        int u64 = a.u64 || c.u64;
        uint64_t x = bits64(&a, u64), y = bits64(&c, u64);
        if (op == TDM_CMP_EQ) {
            r = x == y;
        } else if (u64) {
            r = op == TDM_CMP_LT ? x < y : x <= y;
        } else {
            r = op == TDM_CMP_LT ? (int64_t)x < (int64_t)y : (int64_t)x <= (int64_t)y;
        }
        lua_pushboolean(L, r);
        return 1;
    }
    if (a.kind == OP_PTR && c.kind == OP_PTR) {
        r = op == TDM_CMP_EQ ? a.addr == c.addr : op == TDM_CMP_LT ? a.addr < c.addr
                                                                  : a.addr <= c.addr;
        lua_pushboolean(L, r);
        return 1;
    }
    return fallback(L, b, op == TDM_CMP_EQ ? "__eq" : op == TDM_CMP_LT ? "__lt" : "__le",
                    &a, &c, 0, "compare");
}
