/*
 * lconvert.c — Lua values <-> neutral values.
 *
 * Lua -> neutral: scalars by value, strings borrowed (the Lua string stays on
 * the stack for the life of the frame), Lua objects as owned refs, objects of
 * other languages unwrapped to their handle (borrowed: the userdata pins it).
 * Neutral -> Lua: the reverse; a foreign object arrives as the one userdata
 * already standing for it, so identity (rawequal) holds.
 */
#include <string.h>
#include "ladapter.h"
#include "value.h"

int tdmL_objkind(lua_State *L, int idx)
{
    switch (lua_type(L, idx)) {
    case LUA_TTABLE:
        return TDM_OBJ_TABLE;
    case LUA_TFUNCTION:
        return TDM_OBJ_FUNCTION;
    case LUA_TTHREAD:
        return TDM_OBJ_THREAD;
    case LUA_TUSERDATA:
    case LUA_TLIGHTUSERDATA:
        return TDM_OBJ_USERDATA;
    default:
        return TDM_OBJ_OTHER;
    }
}

/* Fill v from the Lua value at idx of type t when that needs no ref;
   0 when it does (a Lua object, a cdata). [-0, +0, -] */
static int tovalue_typed(lua_State *L, tdmL_State *st, int idx, int t, tdm_Value *v)
{
    v->flags = 0;
    v->aux = 0;
    v->key = NULL;
    v->lang = 0;
    switch (t) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            v->kind = TDM_INT;
            v->u.i = (int64_t)lua_tointeger(L, idx);
        } else {
            v->kind = TDM_FLOAT;
            v->u.f = (double)lua_tonumber(L, idx);
        }
        return 1;
    case LUA_TNONE:
    case LUA_TNIL:
        v->kind = TDM_NIL;
        return 1;
    case LUA_TBOOLEAN:
        v->kind = TDM_BOOL;
        v->u.b = lua_toboolean(L, idx);
        return 1;
    case LUA_TSTRING:
        v->kind = TDM_STR;
        v->u.s.p = lua_tolstring(L, idx, &v->u.s.n);
        v->key = v->u.s.p;
        return 1;
    case LUA_TUSERDATA: {
        if (st != NULL) {
            /* a live proxy of a Python object, proved without its metatable
               (~40 instructions instead of ~300: self_block's proof) */
            int proto;
            const void *p = lua_touserdata(L, idx);
            void *h = tdmL_block_proof(st, TDM_LANG_PYTHON, p, lua_rawlen(L, idx), &proto);
            if (h != NULL) {
                v->kind = TDM_OBJ;
                v->lang = TDM_LANG_PYTHON;
                v->u.obj = h;
                v->key = h;
                v->aux = proto;
                return 1;
            }
        }
        tdmL_Foreign fb;
        tdmL_Foreign *fo = st != NULL ? tdmL_toforeign(L, st, idx, &fb) : NULL;
        if (fo == NULL || fo->lang == TDM_LANG_C) {
            return 0;       /* a cdata crossing out is remembered (allocates) */
        }
        v->kind = TDM_OBJ;
        v->lang = fo->lang;
        v->u.obj = fo->handle;
        v->key = fo->handle;
        v->aux = fo->proto;
        return 1;
    }
    default:
        return 0;
    }
}

/* [-0, +0, -] */
int tdmL_tovalue_scalar(lua_State *L, int idx, tdm_Value *v)
{
    int t = lua_type(L, idx);
    return t != LUA_TUSERDATA && tovalue_typed(L, NULL, idx, t, v);
}

/* [-0, +0, -] */
int tdmL_tovalue_noref(lua_State *L, tdmL_State *st, int idx, tdm_Value *v)
{
    return tovalue_typed(L, st, idx, lua_type(L, idx), v);
}

/* [-0, +0, m] */
void tdmL_tovalue(lua_State *L, tdmL_State *st, int idx, tdm_Value *v)
{
    int t = lua_type(L, idx);
    if (tovalue_typed(L, st, idx, t, v)) {
        return;
    }
    if (t == LUA_TFUNCTION && lua_tocfunction(L, idx) == tdmL_asfunc_call
        && lua_checkstack(L, 1) && lua_getupvalue(L, idx, 3) != NULL) {
        /* a python.as_function closure crossing back: its object */
        tdmL_Foreign fb;
        tdmL_Foreign *fo = tdmL_toforeign(L, st, -1, &fb);
        lua_pop(L, 1);
        if (fo != NULL) {
            v->kind = TDM_OBJ;
            v->lang = fo->lang;
            v->u.obj = fo->handle;
            v->key = fo->handle;
            v->aux = TDM_PROTO_DEFAULT;
            return;
        }
    }
    if (t == LUA_TUSERDATA) {
        tdmL_Foreign fb;
        tdmL_Foreign *fo = tdmL_toforeign(L, st, idx, &fb);
        if (fo != NULL) {       /* a cdata */
            tdmL_cdata_remember(L, st, idx);    /* crossing out: keep identity */
            v->kind = TDM_OBJ;
            v->lang = fo->lang;
            v->u.obj = fo->handle;
            v->key = fo->handle;
            v->aux = fo->proto;
            return;
        }
        if (tdmL_unbox(L, idx)) {
            /* a Lua value translated Python code held (lxbox.c): the value */
            v->kind = TDM_OBJ;
            v->lang = TDM_LANG_LUA;
            v->aux = tdmL_objkind(L, -1);
            v->key = lua_topointer(L, -1);
            v->u.obj = tdmL_ref(L, st, -1);
            v->flags = TDM_VF_OWNED;
            lua_pop(L, 1);
            return;
        }
        if (tdmL_is_method(L, st, idx)) {
            /* a Python method whose bound method could not be made: not a
               Lua userdata to Python */
            luaL_error(L, "python method: its bound method could not be made "
                          "(out of memory, or its object was deleted)");
            return;
        }
    }
    int xentry = t == LUA_TFUNCTION && tdmL_is_xentry(L, idx);
    v->kind = TDM_OBJ;
    v->lang = TDM_LANG_LUA;
    v->aux = tdmL_objkind(L, idx);
    v->key = lua_topointer(L, idx);
    v->u.obj = tdmL_ref(L, st, idx);
    v->flags = TDM_VF_OWNED | (xentry ? TDM_VF_XLATED : 0);
}

/* The ref of v's string in its set (moved to the front), or 0. */
static int str_find(tdmL_StrSlot *set, const tdm_Value *v)
{
    if (set == NULL) {
        return 0;
    }
    if (tdmL_strhit(&set[0], v)) {
        return set[0].ref;
    }
    if (tdmL_strhit(&set[1], v)) {
        tdmL_StrSlot t = set[0];
        set[0] = set[1];
        set[1] = t;
        return set[0].ref;
    }
    return 0;
}

/* Push a string through the cache. [-0, +1, m] */
static void push_str(lua_State *L, tdmL_State *st, const tdm_Value *v)
{
    if (st->strcache == NULL && v->key != NULL && v->u.s.n <= TDML_STRCACHE_MAX) {
        tdmL_strcache_make(st);     /* the first cacheable string */
    }
    tdmL_StrSlot *set = tdmL_strset(st, v);
    int ref = str_find(set, v);
    if (ref != 0) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        return;
    }
    lua_pushlstring(L, v->u.s.p, v->u.s.n);
    if (set == NULL) {
        return;
    }
    /* the least recently used slot's ref takes the new string (made first:
       luaL_ref may raise, and the set must stay consistent if it does) */
    lua_pushvalue(L, -1);
    ref = set[1].ref;
    if (ref == 0) {
        ref = luaL_ref(L, LUA_REGISTRYINDEX);
        if (ref <= 0) {
            return;
        }
    } else {
        lua_rawseti(L, LUA_REGISTRYINDEX, ref);     /* replace the old string */
    }
    set[1] = set[0];
    set[0].key = v->key;
    set[0].ref = ref;
    set[0].p = lua_tolstring(L, -1, &set[0].n);
}

/* [-0, +(0|1), -] */
int tdmL_pushraw(lua_State *L, tdmL_State *st, const tdm_Value *v)
{
    switch (v->kind) {
    case TDM_NIL:
        lua_pushnil(L);
        return 1;
    case TDM_BOOL:
        lua_pushboolean(L, v->u.b);
        return 1;
    case TDM_INT:
        lua_pushinteger(L, (lua_Integer)v->u.i);
        return 1;
    case TDM_FLOAT:
        lua_pushnumber(L, (lua_Number)v->u.f);
        return 1;
    case TDM_STR: {
        int ref = str_find(tdmL_strset(st, v), v);
        if (ref != 0) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
            return 1;
        }
        return 0;
    }
    case TDM_OBJ:
        if (v->lang == TDM_LANG_LUA) {
            tdmL_getref(L, st, v->u.obj);
            return 1;
        }
        if ((v->aux & 0xff) != TDM_PROTO_DEFAULT) {
            return 0;
        }
        /* an object of another language that already has its userdata
           (the identity cache; raw reads do not allocate) */
        lua_rawgetp(L, LUA_REGISTRYINDEX, &tdmL_key_cache);
        if (lua_rawgetp(L, -1, v->u.obj) == LUA_TUSERDATA) {
            lua_remove(L, -2);
            return 1;
        }
        lua_pop(L, 2);
        return 0;
    default:
        return 0;
    }
}

/* [-0, +1, m] */
void tdmL_push(lua_State *L, tdmL_State *st, tdm_Value *v)
{
    switch (v->kind) {
    case TDM_NIL:
        lua_pushnil(L);
        return;
    case TDM_BOOL:
        lua_pushboolean(L, v->u.b);
        return;
    case TDM_INT:
        lua_pushinteger(L, (lua_Integer)v->u.i);
        return;
    case TDM_FLOAT:
        lua_pushnumber(L, (lua_Number)v->u.f);
        return;
    case TDM_STR:
        push_str(L, st, v);
        return;
    case TDM_OBJ:
        if (v->lang == TDM_LANG_LUA) {
            tdmL_getref(L, st, v->u.obj);
        } else if (v->lang == TDM_LANG_C) {
            tdmL_cdata_push(L, st, v);              /* the ffi binding's userdata */
        } else {
            /* stolen (or released) by pushforeign once it returns; when it
               raises, the reference stays with v for its owner to release */
            int owned = (v->flags & TDM_VF_OWNED) != 0;
            tdmL_pushforeign(L, st, (tdm_LangId)v->lang, v->u.obj, owned,
                             v->aux & 0xff, (v->flags & TDM_VF_ERROBJ)
                                 ? TDML_WEIGHT_ERROR : TDML_WEIGHT_OBJECT);
            v->flags &= (uint16_t)~TDM_VF_OWNED;
        }
        return;
    default:
        lua_pushnil(L);
        return;
    }
}
