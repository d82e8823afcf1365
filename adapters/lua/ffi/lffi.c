/*
 * lffi.c — `require "tandem.ffi"`: LuaJIT's ffi API on the ffi/ core.
 *
 * cdef, C, load, new, cast, typeof, sizeof, alignof, offsetof, istype,
 * string, copy, fill, errno, gc, NULL, isnull, tonumber, abi, os, arch.
 * Library namespaces (ffi.C, ffi.load) are userdata resolving declared
 * names: functions and constants are cached (user value), C variables are
 * read and written through their address on every access.
 *
 * In a plain lua5.4 the module is found in tandem.so by Lua's all-in-one
 * loader and adopts the state into a runtime without starting Python; in a
 * state tandem created, package.preload provides it (lstate.c), so the same
 * runtime's registry is shared with Python's tandem.FFI().
 */
#include <stdlib.h>
#include <string.h>
#include "lffi.h"

#define BIND(L) ((tdmL_Ffi *)lua_touserdata(L, lua_upvalueindex(1)))

/* The live cdata at idx, NULL when the value is no cdata; raises for a
   cdata whose __gc ran (resurrected by a Lua finalizer). */
static tdmL_CData *cd_arg(lua_State *L, tdmL_Ffi *b, int idx)
{
    tdmL_CData *u = tdmL_cd_test(L, b, idx);
    tdmL_Foreign fb;
    if (u == NULL && lua_type(L, idx) == LUA_TUSERDATA && tdmL_finalized(L, b->st, idx, &fb)) {
        tdmL_finalized_error(L, TDM_LANG_C);
    }
    return u;
}

/* The values for `$` placeholders at [first, top]: a ctype or cdata is
   its type, a string an identifier, a number an integer. The array is a
   userdata pushed on the stack (strings stay on it). [-0, +1, v] */
static tdmF_Param *get_params(lua_State *L, tdmL_Ffi *b, int first, int *n)
{
    int top = lua_gettop(L);
    tdmF_Param *pv;
    *n = top >= first ? top - first + 1 : 0;
    pv = lua_newuserdatauv(L, (size_t)(*n ? *n : 1) * sizeof *pv, 0);
    for (int i = 0; i < *n; i++) {
        int idx = first + i, isint;
        memset(&pv[i], 0, sizeof pv[i]);
        switch (lua_type(L, idx)) {
        case LUA_TSTRING:
            pv[i].kind = TDMF_P_NAME;
            pv[i].name = lua_tolstring(L, idx, &pv[i].len);
            break;
        case LUA_TNUMBER:
            pv[i].kind = TDMF_P_NUM;
            pv[i].num = (int64_t)lua_tointegerx(L, idx, &isint);
            luaL_argcheck(L, isint, idx, "an integer is expected for '$'");
            break;
        default:
            pv[i].kind = TDMF_P_TYPE;
            pv[i].type = tdmL_ffi_checktype(L, b, idx, "parameter");
            break;
        }
    }
    return pv;
}

static int f_cdef(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    tdmF_Err err;
    int np, st;
    tdmF_err_init(&err);
    /* LuaJIT, as C: a tag names one kind of type (cffi lets struct t and union t be) */
    if (lua_gettop(L) > 1) {
        tdmF_Param *pv = get_params(L, b, 2, &np);
        st = tdmF_cdef_flags(b->R, s, n, pv, np, TDMF_CDEF_ONE_TAG_KIND, &err);
    } else {
        st = tdmF_cdef_flags(b->R, s, n, NULL, 0, TDMF_CDEF_ONE_TAG_KIND, &err);
    }
    if (st != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    return 0;
}

static int f_new(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    return tdmL_ffi_new(L, b, tdmL_ffi_checktype(L, b, 1, "new"), 2);
}

static int is_func_type(const tdmF_Type *t)
{
    return t->kind == TDMF_FUNC || (t->kind == TDMF_PTR && t->base->kind == TDMF_FUNC);
}

static int f_cast(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    const tdmF_Type *t = tdmL_ffi_checktype(L, b, 1, "cast");
    tdmF_CData *cd, *src;
    tdm_Value v;
    tdmF_Err err;
    luaL_checkany(L, 2);
    if (lua_type(L, 2) == LUA_TFUNCTION && is_func_type(t)) {
        tdmL_cb_push(L, b, t, 2);
        return 1;
    }
    lua_settop(L, 2);
    tdmL_ffi_tovalue_to(L, b, 2, t, 1, &v);     /* userdata, strings: may push */
    tdmF_err_init(&err);
    src = tdmF_cd_of(&v);
    if (src != NULL && t->kind == TDMF_PTR &&
        (src->type->kind == TDMF_STRUCT || src->type->kind == TDMF_UNION)) {
        /* a struct converts to a pointer to it (LuaJIT) */
        tdmF_CData *addr;
        tdm_Value av;
        int st;
        if (tdmF_addressof(b->R, src, NULL, &addr, &err) != TDM_OK) {
            return tdmL_ffi_raise(L, b, &err);
        }
        av = tdmF_cd_value(addr);
        st = tdmF_cast(b->R, t, &av, &cd, &err);
        tdmF_value_release(b->R, &av);
        if (st != TDM_OK) {
            return tdmL_ffi_raise(L, b, &err);
        }
    } else if (tdmF_cast(b->R, t, &v, &cd, &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    tdmL_cd_push(L, b, cd);
    return 1;
}

/* typeof(ct [, params for `$`...]) */
static int f_typeof(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    if (lua_type(L, 1) == LUA_TSTRING && lua_gettop(L) > 1) {
        size_t n;
        const char *s = lua_tolstring(L, 1, &n);
        const tdmF_Type *t;
        tdmF_Err err;
        int np;
        tdmF_Param *pv = get_params(L, b, 2, &np);
        tdmF_err_init(&err);
        if (tdmF_parse_type_params(b->R, s, n, "typeof", pv, np, &t, &err) != TDM_OK) {
            return tdmL_ffi_raise(L, b, &err);
        }
        tdmL_ffi_checksize(L, t);
        tdmL_ct_push(L, b, t);
        return 1;
    }
    tdmL_ct_push(L, b, tdmL_ffi_checktype(L, b, 1, "typeof"));
    return 1;
}

/* sizeof(ct [, nelem]): nil when the size is unknown (as LuaJIT). */
static int f_sizeof(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    tdmL_CData *u = cd_arg(L, b, 1);
    const tdmF_Type *t;
    lua_Integer nelem = -1;
    if (u != NULL) {
        tdmF_CData *cd = u->h.handle;
        if (cd->type->kind != TDMF_ARRAY || cd->type->length >= 0 || cd->nelem >= 0) {
            lua_pushinteger(L, (lua_Integer)tdmF_cd_size(cd));
            return 1;
        }
    }
    t = tdmL_ffi_checktype(L, b, 1, "sizeof");
    if (!lua_isnoneornil(L, 2) ||
        (t->kind == TDMF_ARRAY && t->length < 0 && tdmF_sized(t->base, "sizeof", NULL) == 0)) {
        /* a VLA needs its count, as in LuaJIT; an integral float is fine (2^4) */
        nelem = tdmL_checkcount(L, b, 2);
        luaL_argcheck(L, nelem >= 0, 2, "negative element count");
    }
    if (t->kind == TDMF_ARRAY && t->length < 0 && nelem >= 0 &&
        tdmF_sized(t->base, "sizeof", NULL) == TDM_OK) {
        lua_pushinteger(L, nelem * (lua_Integer)t->base->size);
        return 1;
    }
    if (tdmF_flex_elem(t) != NULL && nelem >= 0) {
        lua_pushinteger(L, (lua_Integer)t->size + nelem * (lua_Integer)tdmF_flex_elem(t)->size);
        return 1;
    }
    if (tdmF_sized(t, "sizeof", NULL) != TDM_OK) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushinteger(L, (lua_Integer)t->size);
    return 1;
}

static int f_alignof(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    const tdmF_Type *t = tdmL_ffi_checktype(L, b, 1, "alignof");
    if (t->kind == TDMF_ARRAY && !(t->flags & TDMF_VECTOR) && t->variant_of == NULL) {
        /* a vector's and a typedef's aligned array (int[3] __attribute__((aligned(16)))):
           their own */
        t = t->base;
    }
    if (t->align == 0) {
        lua_pushnil(L);
    } else {
        lua_pushinteger(L, (lua_Integer)t->align);
    }
    return 1;
}

/* offsetof(ct, field) -> offset [, bitpos, bitwidth]; nil when absent. */
static int f_offsetof(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    const tdmF_Type *t = tdmL_ffi_checktype(L, b, 1, "offsetof");
    const char *name = luaL_checkstring(L, 2);
    const tdmF_Field *f;
    size_t off = 0;
    if ((t->kind != TDMF_STRUCT && t->kind != TDMF_UNION) || !(t->flags & TDMF_COMPLETE) ||
        (f = tdmF_field_find(t, name, &off)) == NULL) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushinteger(L, (lua_Integer)off);
    if (f->isbit) {
        lua_pushinteger(L, f->bitpos);
        lua_pushinteger(L, f->bitwidth);
        return 3;
    }
    return 1;
}

/* Numbers of the same kind and size whose flags differ only where LuaJIT
   ignores them (long vs long long: they are one type here anyway). */
static int same_number(const tdmF_Type *a, const tdmF_Type *b)
{
    return a->kind == b->kind && a->size == b->size &&
           ((a->flags ^ b->flags) & (TDMF_SIGNED | TDMF_BOOL)) == 0;
}

/* LuaJIT's pointer compatibility for istype: the pointed-to types match
   ignoring qualifiers (which tandem ignores anyway) and signedness;
   void * is not special. */
static int istype_ptr(const tdmF_Type *a, const tdmF_Type *b)
{
    a = tdmF_scalar(a->base);
    b = tdmF_scalar(b->base);
    if (a == b) {
        return 1;
    }
    if (a->kind != b->kind || a->size != b->size) {
        return 0;
    }
    switch (a->kind) {
    case TDMF_INT:
    case TDMF_FLOAT:
        return ((a->flags ^ b->flags) & TDMF_BOOL) == 0;
    case TDMF_PTR:
    case TDMF_ARRAY:
        return istype_ptr(a, b);
    case TDMF_VOID:
        return 1;
    default:
        return 0;           /* structs, unions, functions: the same type only */
    }
}

/* istype(ct, obj): obj (a cdata, or a ctype standing for its type) has
   the type ct, as ffi.istype in LuaJIT; false for any other Lua value. */
static int f_istype(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    const tdmF_Type *t = tdmL_ffi_checktype(L, b, 1, "istype"), *ct = NULL;
    tdmL_CData *u = cd_arg(L, b, 2);
    int r = 0;
    luaL_checkany(L, 2);
    if (u != NULL) {
        ct = ((tdmF_CData *)u->h.handle)->type;
    } else if (lua_type(L, 2) == LUA_TUSERDATA && lua_getmetatable(L, 2)) {
        if (lua_topointer(L, -1) == b->ctmeta) {
            ct = tdmL_ffi_checktype(L, b, 2, "istype");
        }
        lua_pop(L, 1);
    }
    if (ct != NULL) {
        if (ct == t) {
            r = 1;
        } else if (t->kind == ct->kind && t->size == ct->size) {
            r = t->kind == TDMF_PTR ? istype_ptr(t, ct)
              : (t->kind == TDMF_INT || t->kind == TDMF_FLOAT) ? same_number(t, ct)
              : t->kind == TDMF_VOID;
        } else if ((t->kind == TDMF_STRUCT || t->kind == TDMF_UNION) && ct->kind == TDMF_PTR &&
                   ct->base == t) {
            r = 1;
        }
    }
    lua_pushboolean(L, r);
    return 1;
}

static int f_string(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    tdm_Value v;
    tdmF_Err err;
    const char *p;
    size_t n;
    lua_Integer len = lua_isnoneornil(L, 2) ? -1 : tdmL_checkcount(L, b, 2);
    tdmL_ffi_tovalue(L, b, 1, &v);
    if (v.kind == TDM_NIL) {
        return luaL_error(L, "string: NULL pointer");
    }
    tdmF_err_init(&err);
    if (tdmF_string(b->R, &v, len, &p, &n, &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    lua_pushlstring(L, p, n);
    return 1;
}

static int f_copy(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    tdm_Value dst, src;
    tdmF_Err err;
    lua_Integer n = lua_isnoneornil(L, 3) ? -1 : tdmL_checkcount(L, b, 3);
    tdmL_ffi_tovalue(L, b, 1, &dst);
    tdmL_ffi_tovalue(L, b, 2, &src);
    tdmF_err_init(&err);
    if (tdmF_copy(b->R, &dst, &src, n, &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    return 0;
}

static int f_fill(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    tdm_Value dst;
    tdmF_Err err;
    lua_Integer n = lua_isnoneornil(L, 2) ? -1 : tdmL_checkcount(L, b, 2);
    lua_Integer c = lua_isnoneornil(L, 3) ? 0 : tdmL_checkcount(L, b, 3);
    tdmL_ffi_tovalue(L, b, 1, &dst);
    tdmF_err_init(&err);
    if (tdmF_fill(b->R, &dst, n, (int)c, &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    return 0;
}

static int f_errno(lua_State *L)
{
    int old = tdmF_errno();
    if (!lua_isnoneornil(L, 1)) {
        tdmF_set_errno((int)luaL_checkinteger(L, 1));
    }
    lua_pushinteger(L, old);
    return 1;
}

/* gc(cd, fn): fn(cd) runs when the cdata object is collected; nil removes. */
static int f_gc(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    if (cd_arg(L, b, 1) == NULL) {
        return luaL_argerror(L, 1, "cdata expected");
    }
    if (!lua_isnil(L, 2) && !lua_isfunction(L, 2) && !luaL_getmetafield(L, 2, "__call")) {
        return luaL_argerror(L, 2, "function or nil expected");
    }
    lua_settop(L, 2);
    lua_setiuservalue(L, 1, 1);
    return 1;
}

/* isnull(v): nil, or a pointer-like cdata whose address is NULL. */
static int f_isnull(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    tdmL_CData *u = cd_arg(L, b, 1);
    int r = lua_isnoneornil(L, 1);
    if (u != NULL) {
        tdmF_CData *cd = u->h.handle;
        r = tdmF_is_ptrlike(cd->type) && tdmF_cd_address(cd) == NULL;
    }
    lua_pushboolean(L, r);
    return 1;
}

/* tonumber(v): numbers of numeric cdata (Lua's tonumber ignores userdata). */
static int f_tonumber(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    tdmL_CData *u = cd_arg(L, b, 1);
    tdm_Value v;
    if (u == NULL) {
        if (lua_type(L, 1) == LUA_TNUMBER) {
            lua_settop(L, 1);
            return 1;
        }
        if (lua_type(L, 1) == LUA_TSTRING && lua_stringtonumber(L, lua_tostring(L, 1)) != 0) {
            return 1;
        }
        lua_pushnil(L);
        return 1;
    }
    {
        tdmF_CData *cd = u->h.handle;
        const tdmF_Type *st = tdmF_scalar(cd->type);
        if (st->kind != TDMF_INT && st->kind != TDMF_FLOAT) {
            lua_pushnil(L);
            return 1;
        }
        if (st->kind == TDMF_INT && st->size == 8 && !(st->flags & TDMF_SIGNED) &&
            *(uint64_t *)cd->addr > (uint64_t)INT64_MAX) {
            lua_pushnumber(L, (lua_Number)*(uint64_t *)cd->addr);
            return 1;
        }
        if (tdmF_from_c(b->R, cd->type, cd->addr, NULL, &v, NULL) != TDM_OK) {
            return luaL_error(L, "not enough memory");
        }
        if (v.kind == TDM_BOOL) {
            lua_pushinteger(L, v.u.b);
        } else {
            tdmL_ffi_push(L, b, &v);
        }
        return 1;
    }
}

/* The global tonumber once tandem.ffi is loaded (LuaJIT's tonumber knows
   cdata): a numeric cdata gives its number, anything else goes to the
   tonumber that was there before (upvalue 2). upvalue 1: binding state. */
static int g_tonumber(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    if (lua_gettop(L) == 1 && cd_arg(L, b, 1) != NULL) {
        return f_tonumber(L);
    }
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int f_abi(lua_State *L)
{
    const char *p = luaL_checkstring(L, 1);
    lua_pushboolean(L, strcmp(p, "64bit") == 0 || strcmp(p, "le") == 0 ||
                       strcmp(p, "fpu") == 0 || strcmp(p, "hardfp") == 0);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Library namespaces                                                       */

/* A namespace is a userdata holding the library; its user value caches
   functions and constants by name. upvalues: 1 = the binding state, 2 = the
   identity of the namespace's metatable (each namespace has its own). */

/* The library of the namespace at 1, which a metamethod was called on; raises
   when it is not one (debug.getmetatable lets anything be passed, and
   debug.setmetatable can put the metatable on another userdata): a userdata
   of a library pointer's size with this metatable and a table for user value
   (which a ctype, of the same size, does not have). */
static tdmF_Lib *self_ns(lua_State *L)
{
    int ok = lua_type(L, 1) == LUA_TUSERDATA && lua_rawlen(L, 1) == sizeof(tdmF_Lib *) &&
             lua_getmetatable(L, 1);
    if (ok) {
        int n = 1;
        if (lua_topointer(L, -1) == lua_touserdata(L, lua_upvalueindex(2))) {
            ok = lua_getiuservalue(L, 1, 1) == LUA_TTABLE;
            n = 2;
        } else {
            ok = 0;
        }
        lua_pop(L, n);
    }
    if (!ok) {
        luaL_typeerror(L, 1, "ffi.namespace");
        return NULL;
    }
    return *(tdmF_Lib **)lua_touserdata(L, 1);
}

static int ns_index(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    tdmF_Lib *lib = self_ns(L);
    const char *name = luaL_checkstring(L, 2);
    tdm_Value v, val;
    tdmF_CData *cd;
    tdmF_Place pl;
    tdmF_Err err;
    lua_settop(L, 2);               /* the cache goes to 3 */
    lua_getiuservalue(L, 1, 1);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, 3) != LUA_TNIL) {
        return 1;
    }
    lua_settop(L, 3);
    tdmF_err_init(&err);
    if (tdmF_lib_get(b->R, lib, name, &v, &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    cd = tdmF_cd_of(&v);
    if (cd == NULL || cd->type->kind == TDMF_FUNC) {
        tdmL_ffi_push(L, b, &v);            /* a function or a constant: cached */
        lua_pushvalue(L, 2);
        lua_pushvalue(L, -2);
        lua_rawset(L, 3);
        return 1;
    }
    tdmF_cd_place(cd, &pl);                 /* a variable: its current value */
    if (tdmF_place_get(b->R, &pl, &val, &err) != TDM_OK) {
        tdmF_value_release(b->R, &v);
        return tdmL_ffi_raise(L, b, &err);
    }
    tdmL_ffi_push(L, b, &val);
    tdmF_value_release(b->R, &v);
    return 1;
}

static int ns_newindex(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    tdmF_Lib *lib = self_ns(L);
    const char *name = luaL_checkstring(L, 2);
    tdm_Value v, val;
    tdmF_CData *cd;
    tdmF_Place pl;
    tdmF_Err err;
    lua_State *saved;
    int st;
    tdmF_err_init(&err);
    if (tdmF_lib_get(b->R, lib, name, &v, &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    cd = tdmF_cd_of(&v);
    if (cd == NULL || cd->type->kind == TDMF_FUNC) {
        tdmF_value_release(b->R, &v);
        return luaL_error(L, "cannot assign to '%s' (not a variable)", name);
    }
    tdmF_cd_place(cd, &pl);
    tdmL_ffi_tovalue_to(L, b, 3, pl.type, 0, &val);
    saved = b->L;
    b->L = L;
    st = tdmF_place_set_cv(b->R, &pl, &val, TDMF_CV_STORE | TDMF_CV_CCONV, &err);
    b->L = saved;
    tdmF_value_release(b->R, &v);
    if (st != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    return 0;
}

static int ns_tostring(lua_State *L)
{
    tdmF_Lib *lib = self_ns(L);
    lua_pushfstring(L, "library: %s", tdmF_lib_name(lib));
    return 1;
}

static void push_namespace(lua_State *L, tdmL_Ffi *b, tdmF_Lib *lib)
{
    static const luaL_Reg meta[] = {
        {"__index", ns_index}, {"__newindex", ns_newindex}, {"__tostring", ns_tostring},
        {NULL, NULL}
    };
    tdmF_Lib **p = lua_newuserdatauv(L, sizeof *p, 1);
    *p = lib;
    lua_newtable(L);
    lua_setiuservalue(L, -2, 1);
    lua_createtable(L, 0, 5);
    lua_pushlightuserdata(L, b);
    lua_pushlightuserdata(L, (void *)lua_topointer(L, -2));
    luaL_setfuncs(L, meta, 2);
    lua_pushliteral(L, "ffi.namespace");
    lua_setfield(L, -2, "__name");
    lua_pushliteral(L, "ffi");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
}

static int f_load(lua_State *L)
{
    tdmL_Ffi *b = BIND(L);
    const char *name = luaL_checkstring(L, 1);
    tdmF_Lib *lib;
    tdmF_Err err;
    tdmF_err_init(&err);
    if (tdmF_lib_open(b->R, name, lua_toboolean(L, 2), &lib, &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    push_namespace(L, b, lib);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Module                                                                   */

static const luaL_Reg funcs[] = {
    {"cdef", f_cdef}, {"new", f_new}, {"cast", f_cast}, {"typeof", f_typeof},
    {"sizeof", f_sizeof}, {"alignof", f_alignof}, {"offsetof", f_offsetof},
    {"istype", f_istype}, {"string", f_string}, {"copy", f_copy}, {"fill", f_fill},
    {"errno", f_errno}, {"gc", f_gc}, {"isnull", f_isnull}, {"tonumber", f_tonumber},
    {"abi", f_abi}, {"load", f_load}, {"metatype", tdmL_metatype}, {NULL, NULL}
};

int luaopen_tandem_ffi(lua_State *L)
{
    static const char key_lib = 0;
    tdmL_State *st;
    tdmL_Ffi *b;
    tdmF_Lib *lib;
    tdmF_CData *null;
    tdm_Value nil = tdm_nil();
    tdmF_Err err;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_lib) == LUA_TTABLE) {
        return 1;
    }
    lua_pop(L, 1);
    tdmL_runtime_of(L);                 /* adopts a plain lua5.4 state; no Python */
    st = tdmL_state(L);
    b = tdmL_ffi(L, st);
    lua_createtable(L, 0, 24);
    lua_pushlightuserdata(L, b);
    luaL_setfuncs(L, funcs, 1);
    tdmF_err_init(&err);
    if (tdmF_lib_open(b->R, NULL, 0, &lib, &err) != TDM_OK ||
        tdmF_cast(b->R, tdmF_ptr(b->R, tdmF_base(b->R, TDMF_T_VOID), &err), &nil, &null,
                  &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    push_namespace(L, b, lib);
    lua_setfield(L, -2, "C");
    tdmL_cd_push(L, b, null);
    lua_setfield(L, -2, "NULL");
    lua_pushliteral(L, "Linux");
    lua_setfield(L, -2, "os");
    lua_pushliteral(L, "x64");
    lua_setfield(L, -2, "arch");
    lua_pushliteral(L, TDM_VERSION_STRING);
    lua_setfield(L, -2, "version");
    if (lua_getglobal(L, "tonumber") == LUA_TFUNCTION) {
        lua_pushlightuserdata(L, b);
        lua_insert(L, -2);
        lua_pushcclosure(L, g_tonumber, 2);
        lua_setglobal(L, "tonumber");
    } else {
        lua_pop(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &key_lib);
    return 1;
}
