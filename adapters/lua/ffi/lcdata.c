/*
 * lcdata.c — cdata as Lua userdata: conversions, table initializers, the
 * metamethods (index, call, arithmetic, comparison, length, tostring, gc);
 * the call path is in lcall.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lffi.h"

static const char key_bind = 0;        /* registry: the tdmL_Ffi userdata */
static const char key_cdmeta = 0;      /* registry: cdata metatable */
static const char key_ctmeta = 0;      /* registry: ctype metatable */

#define SMALLARGS TDML_SMALLARGS

/* ------------------------------------------------------------------------ */
/* Values                                                                   */

/* The cdata userdata at idx, live or finalized, or NULL. */
static tdmL_CData *cd_block(lua_State *L, tdmL_Ffi *b, int idx)
{
    const void *mt;
    if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx)) {
        return NULL;
    }
    mt = lua_topointer(L, -1);
    lua_pop(L, 1);
    /* the size too: debug.setmetatable can give our metatable to any userdata */
    return mt == b->cdmeta && lua_rawlen(L, idx) == sizeof(tdmL_CData) ? lua_touserdata(L, idx)
                                                                      : NULL;
}

/* A cdata whose __gc ran (a Lua finalizer resurrected it) has no handle:
   not a cdata any more for every use. */
tdmL_CData *tdmL_cd_test(lua_State *L, tdmL_Ffi *b, int idx)
{
    tdmL_CData *u = cd_block(L, b, idx);
    return u != NULL && u->h.handle != NULL ? u : NULL;
}

int tdmL_cd_finalized(lua_State *L, tdmL_Ffi *b, int idx)
{
    tdmL_CData *u = cd_block(L, b, idx);
    return u != NULL && u->h.handle == NULL;
}

/* Raise for the value at idx, which is not a live cdata. */
int tdmL_not_cdata(lua_State *L, tdmL_Ffi *b, int idx)
{
    if (cd_block(L, b, idx) != NULL) {
        return tdmL_finalized_error(L, TDM_LANG_C);
    }
    return luaL_typeerror(L, idx, "cdata");
}

void tdmL_cd_push(lua_State *L, tdmL_Ffi *b, tdmF_CData *cd)
{
    tdmL_CData *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->h.handle = cd;
    u->h.rt = b->rt;
    u->h.lang = TDM_LANG_C;
    u->h.proto = TDM_PROTO_DEFAULT;
    u->h.borrowed = 0;
    u->b = NULL;
    u->fn = NULL;
    u->cif = NULL;
    u->fast = 0;
    u->charged = 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &key_cdmeta);
    lua_setmetatable(L, -2);
}

void tdmL_ffi_tovalue(lua_State *L, tdmL_Ffi *b, int idx, tdm_Value *v)
{
    memset(v, 0, sizeof *v);
    if (tdmL_tovalue_scalar(L, idx, v)) {
        return;
    }
    switch (lua_type(L, idx)) {
    case LUA_TUSERDATA: {
        tdmL_CData *u = tdmL_cd_test(L, b, idx);
        tdmL_Foreign fb, *fo;
        if (u != NULL) {
            v->kind = TDM_OBJ;
            v->lang = TDM_LANG_C;
            v->u.obj = u->h.handle;
            v->key = u->h.handle;
            return;
        }
        if ((fo = tdmL_toforeign(L, b->st, idx, &fb)) != NULL) {
            v->kind = TDM_OBJ;
            v->lang = fo->lang;
            v->u.obj = fo->handle;
            v->key = fo->handle;
            return;
        }
        break;
    }
    default:
        break;
    }
    v->kind = TDM_OBJ;
    v->lang = TDM_LANG_LUA;
    v->aux = lua_absindex(L, idx);
    v->key = lua_topointer(L, idx);
}

void tdmL_ffi_push(lua_State *L, tdmL_Ffi *b, tdm_Value *v)
{
    if (v->kind == TDM_OBJ && v->lang == TDM_LANG_C) {
        tdmF_CData *cd = v->u.obj;
        tdmL_cd_push(L, b, cd);     /* may raise: v keeps its reference */
        if (!(v->flags & TDM_VF_OWNED)) {
            tdmF_cd_incref(cd);
        }
        v->flags &= (uint16_t)~TDM_VF_OWNED;
        return;
    }
    tdmL_push(L, b->st, v);
}

/* The address a plain Lua userdata stands for as a pointer (LuaJIT): a
   light userdata its value, an io file its FILE *, another full userdata
   (not a cdata, ctype or proxy of another language) its payload. */
static int userdata_address(lua_State *L, tdmL_Ffi *b, int idx, void **out)
{
    luaL_Stream *f;
    tdmL_Foreign fb;
    if (lua_type(L, idx) == LUA_TLIGHTUSERDATA) {
        *out = lua_touserdata(L, idx);
        return 1;
    }
    if (lua_type(L, idx) != LUA_TUSERDATA || cd_block(L, b, idx) != NULL ||
        tdmL_toforeign(L, b->st, idx, &fb) != NULL) {
        return 0;
    }
    if (lua_getmetatable(L, idx)) {
        int isct = lua_topointer(L, -1) == b->ctmeta;
        lua_pop(L, 1);
        if (isct) {
            return 0;
        }
    }
    if ((f = luaL_testudata(L, idx, LUA_FILEHANDLE)) != NULL) {
        *out = f->f;
        return 1;
    }
    *out = lua_touserdata(L, idx);
    return 1;
}

/* LuaJIT's pointer compatibility beyond the core's: pointed-to integers of
   the same size whatever their signedness (an int[3] for a uint32_t *). */
static int loose_ptr(const tdmF_Type *to, const tdmF_CData *cd)
{
    const tdmF_Type *a, *e;
    if (to->kind != TDMF_PTR || (cd->type->kind != TDMF_PTR && cd->type->kind != TDMF_ARRAY)) {
        return 0;
    }
    a = tdmF_scalar(to->base);
    e = tdmF_scalar(cd->type->base);
    return a->kind == TDMF_INT && e->kind == TDMF_INT && a->size == e->size &&
           ((a->flags ^ e->flags) & TDMF_BOOL) == 0 && a != e;
}

void tdmL_ffi_tovalue_to(lua_State *L, tdmL_Ffi *b, int idx, const tdmF_Type *t, int copystr,
                         tdm_Value *v)
{
    tdmF_CData *cd = NULL, *src;
    tdmF_Err err;
    void *addr;
    int st = TDM_OK;
    idx = lua_absindex(L, idx);
    tdmL_ffi_tovalue(L, b, idx, v);
    if (t != NULL && t->kind != TDMF_PTR) {
        return;
    }
    if (t == NULL) {
        t = tdmF_ptr(b->R, tdmF_base(b->R, TDMF_T_VOID), NULL);
        if (t == NULL) {
            return;
        }
    }
    tdmF_err_init(&err);
    if (userdata_address(L, b, idx, &addr)) {
        tdm_Value a = tdm_int((int64_t)(intptr_t)addr);
        st = tdmF_cast(b->R, t, &a, &cd, &err);
    } else if ((src = tdmF_cd_of(v)) != NULL && loose_ptr(t, src)) {
        st = tdmF_cast(b->R, t, v, &cd, &err);
    } else if (copystr && v->kind == TDM_STR && tdmF_scalar(t->base)->size <= 1 &&
               (t->base->kind == TDMF_VOID || tdmF_is_int(t->base))) {
        /* cast/new of a string: a pointer to a copy it keeps alive */
        const tdmF_Type *at = tdmF_array(b->R, tdmF_base(b->R, TDMF_T_CHAR),
                                         (int64_t)v->u.s.n + 1, &err);
        tdmF_CData *copy = at ? tdmF_cd_alloc(b->R, at, v->u.s.n + 1, &err) : NULL;
        if (copy != NULL) {
            tdm_Value cv = tdmF_cd_value(copy);
            memcpy(copy->addr, v->u.s.p, v->u.s.n);
            st = tdmF_cast(b->R, t, &cv, &cd, &err);
            tdmF_value_release(b->R, &cv);
        }
    }
    if (st != TDM_OK || cd == NULL) {
        return;         /* the conversion of the original value reports it */
    }
    tdmL_cd_push(L, b, cd);
    tdmL_ffi_tovalue(L, b, -1, v);
}

lua_Integer tdmL_checkcount(lua_State *L, tdmL_Ffi *b, int idx)
{
    tdmL_CData *u = tdmL_cd_test(L, b, idx);
    if (u != NULL && tdmF_is_int(((tdmF_CData *)u->h.handle)->type)) {
        tdmF_CData *cd = u->h.handle;
        const tdmF_Type *st = tdmF_scalar(cd->type);
        uint64_t bits = 0;
        memcpy(&bits, cd->addr, st->size);
        if (st->size < 8 && (st->flags & TDMF_SIGNED) &&
            (bits >> (st->size * 8 - 1)) != 0) {
            bits |= ~((UINT64_C(1) << (st->size * 8)) - 1);    /* sign-extend */
        }
        luaL_argcheck(L, st->size < 8 || (st->flags & TDMF_SIGNED) ||
                         bits <= (uint64_t)INT64_MAX, idx, "count out of range");
        return (lua_Integer)bits;
    }
    return luaL_checkinteger(L, idx);
}

int tdmL_iscount(lua_State *L, tdmL_Ffi *b, int idx)
{
    tdmL_CData *u;
    if (lua_type(L, idx) == LUA_TNUMBER) {
        return 1;
    }
    u = tdmL_cd_test(L, b, idx);
    return u != NULL && tdmF_is_int(((tdmF_CData *)u->h.handle)->type);
}

/* ------------------------------------------------------------------------ */
/* Table initializers (the core's expand hook for Lua values)               */

typedef struct Expansion {
    lua_State *L;               /* borrowed: holds the values until done */
    int top;                    /* stack top to restore */
    const char **names;         /* points into this block, or NULL */
    tdm_Value vals[];           /* n values, then n names */
} Expansion;

int tdmL_ffi_expand(void *ud, const tdm_Value *v, tdmF_Init *out, tdmF_Err *err)
{
    tdmL_Ffi *b = ud;
    lua_State *L = b->L;
    Expansion *x;
    size_t n = 0, i;
    int t = v->aux, base = 1, named = 0, top;
    if (L == NULL || v->lang != TDM_LANG_LUA || v->u.obj != NULL || t <= 0 ||
        lua_type(L, t) != LUA_TTABLE) {
        return tdmF_seterr(err, TDM_ERRTYPE, "a Lua %s cannot initialize C data (use a table "
                           "created in this call)", L && t > 0 ? luaL_typename(L, t) : "object");
    }
    if (!lua_checkstack(L, 4)) {
        return tdmF_seterr(err, TDM_ERRMEM, "Lua stack overflow");
    }
    top = lua_gettop(L);
    if (lua_rawgeti(L, t, 0) != LUA_TNIL) {
        base = 0;
    } else if (lua_rawgeti(L, t, 1) == LUA_TNIL) {
        named = 1;
    }
    lua_settop(L, top);
    if (named) {
        lua_pushnil(L);
        while (lua_next(L, t)) {
            lua_pop(L, 1);
            n++;
        }
    } else {
        n = (size_t)lua_rawlen(L, t) + (base == 0);
    }
    if (n > 1000000 || !lua_checkstack(L, (int)(2 * n + 4))) {
        return tdmF_seterr(err, TDM_ERRMEM, "table initializer too large (%zu entries)", n);
    }
    x = malloc(sizeof *x + n * (sizeof(tdm_Value) + sizeof(char *)) + 1);
    if (x == NULL) {
        return tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
    }
    x->L = L;
    x->top = top;
    x->names = named ? (const char **)(void *)(x->vals + n) : NULL;
    if (named) {
        lua_pushnil(L);
        for (i = 0; lua_next(L, t); i++) {
            if (lua_type(L, -2) != LUA_TSTRING) {
                lua_settop(L, top);
                free(x);
                return tdmF_seterr(err, TDM_ERRTYPE, "table initializer: keys must be field "
                                   "names or indices from 0 or 1 (got a %s key)",
                                   luaL_typename(L, -2));
            }
            x->names[i] = lua_tostring(L, -2);
            tdmL_ffi_tovalue(L, b, -1, &x->vals[i]);
            lua_pushvalue(L, -2);       /* keep key and value; walk on */
        }
        lua_settop(L, lua_gettop(L));
    } else {
        for (i = 0; i < n; i++) {
            lua_rawgeti(L, t, (lua_Integer)i + base);
            tdmL_ffi_tovalue(L, b, -1, &x->vals[i]);
        }
    }
    out->n = n;
    out->vals = x->vals;
    out->names = x->names;
    return TDM_OK;
}

void tdmL_ffi_done(void *ud, tdmF_Init *in)
{
    Expansion *x;
    (void)ud;
    if (in->vals == NULL) {
        return;
    }
    x = (Expansion *)(void *)((char *)in->vals - offsetof(Expansion, vals));
    lua_settop(x->L, x->top);
    free(x);
    in->vals = NULL;
}

/* Release a Lua value the core owns (a ref handle from another binding). */
static void hook_release(void *ud, tdm_Value *v)
{
    tdm_Runtime *rt = ud ? ((tdmL_Ffi *)ud)->rt : NULL;
    if (rt != NULL && v->u.obj != NULL && rt->lang[TDM_LANG_LUA] != NULL) {
        rt->lang[TDM_LANG_LUA]->release(rt, v->u.obj);
    }
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

int tdmL_ffi_raise(lua_State *L, tdmL_Ffi *b, tdmF_Err *err)
{
    if (err->cb.status != TDM_OK) {
        return tdmL_cb_raise(L, b, &err->cb);
    }
    luaL_where(L, 1);
    lua_pushstring(L, err->msg[0] ? err->msg : "ffi: unknown error");
    lua_concat(L, 2);
    return lua_error(L);
}


/* ------------------------------------------------------------------------ */
/* Types and new                                                            */

void tdmL_ffi_checksize(lua_State *L, const tdmF_Type *t)
{
    /* LuaJIT's limit on a C type's size (2 GiB - 1): larger is an error */
    if (t->size > 0x7fffffff) {
        char tb[128];
        luaL_error(L, "size of C type '%s' is too large (more than 0x7fffffff bytes)",
                   tdmF_typename(t, tb, sizeof tb));
    }
}

/* 1 when the userdata at idx, of a ctype's size, holds what a ctype holds:
   a pointer, not the high tag bits of a Python object's one-word block
   (ladapter.h: tdmL_Foreign), the other block of that size without a user
   value, which debug.setmetatable can give the ctype metatable. */
static int ct_shaped(lua_State *L, int idx)
{
    const tdmL_CType *ct = lua_touserdata(L, idx);
    return ct != NULL && lua_type(L, idx) == LUA_TUSERDATA && lua_rawlen(L, idx) == sizeof *ct
           && (uint64_t)(uintptr_t)ct->t >> 47 == 0;     /* a tag's are never all 0 */
}

const tdmF_Type *tdmL_ffi_checktype(lua_State *L, tdmL_Ffi *b, int idx, const char *what)
{
    const tdmF_Type *t = NULL;
    tdmL_CData *u;
    tdmF_Err err;
    size_t n;
    const char *s;
    if (lua_type(L, idx) == LUA_TSTRING) {
        s = lua_tolstring(L, idx, &n);
        tdmF_err_init(&err);
        if (tdmF_parse_type(b->R, s, n, what, &t, &err) != TDM_OK) {
            tdmL_ffi_raise(L, b, &err);
        }
        tdmL_ffi_checksize(L, t);
        return t;
    }
    if ((u = tdmL_cd_test(L, b, idx)) != NULL) {
        return ((tdmF_CData *)u->h.handle)->type;
    }
    if (lua_type(L, idx) == LUA_TUSERDATA && lua_getmetatable(L, idx)) {
        const void *mt = lua_topointer(L, -1);
        lua_pop(L, 1);
        /* the metatable can be moved (debug.setmetatable): check the block */
        if (mt == b->ctmeta && ct_shaped(L, idx)) {
            int uv = lua_getiuservalue(L, idx, 1);
            lua_pop(L, 1);
            if (uv == LUA_TNONE) {
                return ((tdmL_CType *)lua_touserdata(L, idx))->t;
            }
        }
    }
    if (cd_block(L, b, idx) != NULL) {
        tdmL_finalized_error(L, TDM_LANG_C);
    }
    luaL_argerror(L, idx, "C type expected (a type string, a ctype or a cdata)");
    return NULL;
}

static int is_aggregate(const tdmF_Type *t)
{
    return t->kind == TDMF_STRUCT || t->kind == TDMF_UNION || t->kind == TDMF_ARRAY;
}

/* Fill every element of a new array with one value (LuaJIT's rule for a
   single array initializer). */
static int fill_elements(tdmL_Ffi *b, tdmF_CData *cd, const tdm_Value *v, tdmF_Err *err)
{
    int64_t i, n = tdmF_cd_length(cd);
    tdmF_Place pl;
    for (i = 0; i < n; i++) {
        if (tdmF_cd_index(b->R, cd, i, &pl, err) != TDM_OK ||
            tdmF_place_set_cv(b->R, &pl, v, TDMF_CV_STORE | TDMF_CV_CCONV, err) != TDM_OK) {
            return err->status;
        }
    }
    return TDM_OK;
}

/* The bytes ffi.new(t, nelem) allocates (SIZE_MAX when that overflows). */
static size_t new_size(const tdmF_Type *t, int64_t nelem)
{
    const tdmF_Type *fe = tdmF_flex_elem(t);
    size_t n = t->size, e;
    if (t->kind == TDMF_ARRAY && t->length < 0) {
        fe = t->base;
        n = 0;
    }
    if (fe != NULL && nelem > 0 &&
        (__builtin_mul_overflow((uint64_t)nelem, fe->size, &e) ||
         __builtin_add_overflow(n, e, &n))) {
        return SIZE_MAX;
    }
    return n;
}

/* FFI memory made from Lua counts against the state's max_memory as Lua's
   own does: when n more bytes would pass the limit, a full collection runs
   first (dead cdata give their bytes back in __gc) and if they still do not
   fit, Lua's own memory error is raised (LUA_ERRMEM: an allocation the
   limit refuses, so a Python caller gets LuaMemoryError). [-0, +0, m] */
static void check_memory(lua_State *L, tdmL_State *st, size_t n)
{
    if (!st->own || st->limit == 0 || (n <= st->limit && st->used <= st->limit - n)) {
        return;
    }
    lua_gc(L, LUA_GCCOLLECT);
    if (n <= st->limit && st->used <= st->limit - n) {
        return;
    }
    (void)lua_newuserdatauv(L, st->limit + 1, 0);   /* refused by l_alloc: raises */
    luaL_error(L, "not enough memory");             /* not reached */
}

int tdmL_ffi_new(lua_State *L, tdmL_Ffi *b, const tdmF_Type *t, int first)
{
    int top = lua_gettop(L), ninit, st;
    int64_t nelem = -1;
    tdmF_CData *cd = NULL;
    tdm_Value small[SMALLARGS], *vals = small;
    tdmF_Init init = {0, NULL, NULL};
    tdmF_Err err;
    lua_State *saved;
    if ((t->kind == TDMF_ARRAY && t->length < 0) ||
        (tdmF_flex_elem(t) != NULL && tdmL_iscount(L, b, first))) {
        /* T[?], and a struct ending in T y[?] / T y[]: the element count (an
           integral float or an integer cdata is fine) */
        nelem = (int64_t)tdmL_checkcount(L, b, first);
        luaL_argcheck(L, nelem >= 0, first, "negative array length");
        first++;
    }
    check_memory(L, b->st, new_size(t, nelem));
    ninit = top - first + 1;
    if (ninit < 0) {
        ninit = 0;
    }
    if (ninit > SMALLARGS) {
        vals = lua_newuserdatauv(L, (size_t)ninit * sizeof *vals, 0);
    }
    for (int i = 0; i < ninit; i++) {
        if (ninit == 1 && t->kind == TDMF_PTR) {
            tdmL_ffi_tovalue_to(L, b, first, t, 1, &vals[0]);
            if (lua_gettop(L) > top) {
                return 1;   /* a pointer of type t made by the conversion (it keeps a
                               copied string alive): the new object itself */
            }
        } else {
            tdmL_ffi_tovalue(L, b, first + i, &vals[i]);
        }
    }
    tdmF_err_init(&err);
    saved = b->L;
    b->L = L;
    if (ninit == 1 && is_aggregate(t) && lua_type(L, first) == LUA_TTABLE) {
        st = tdmL_ffi_expand(b, &vals[0], &init, &err);
        if (st == TDM_OK) {
            st = tdmF_new(b->R, t, nelem, TDMF_NEW_CCONV, &init, &cd, &err);
            tdmL_ffi_done(b, &init);
        }
    } else if (ninit == 1 && t->kind == TDMF_ARRAY &&
               (vals[0].kind == TDM_INT || vals[0].kind == TDM_FLOAT || vals[0].kind == TDM_BOOL ||
                (tdmF_cd_of(&vals[0]) && !is_aggregate(((tdmF_CData *)vals[0].u.obj)->type)))) {
        st = tdmF_new(b->R, t, nelem, TDMF_NEW_CCONV, NULL, &cd, &err);
        if (st == TDM_OK && (st = fill_elements(b, cd, &vals[0], &err)) != TDM_OK) {
            tdmF_cd_decref(cd);
        }
    } else if (ninit == 1 && is_aggregate(t) && t->size > 0 && tdmF_cd_of(&vals[0])) {
        tdmF_Place pl;
        st = tdmF_new(b->R, t, nelem, TDMF_NEW_CCONV, NULL, &cd, &err);
        if (st == TDM_OK) {
            tdmF_cd_place(cd, &pl);
            st = tdmF_place_set_cv(b->R, &pl, &vals[0], TDMF_CV_STORE | TDMF_CV_CCONV, &err);
            if (st != TDM_OK) {
                tdmF_cd_decref(cd);
            }
        }
    } else {
        init.n = (size_t)ninit;
        init.vals = vals;
        st = tdmF_new(b->R, t, nelem, TDMF_NEW_CCONV, ninit ? &init : NULL, &cd, &err);
    }
    b->L = saved;
    if (st != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    tdmL_cd_push(L, b, cd);
    if (b->st->own) {
        tdmL_CData *u = lua_touserdata(L, -1);
        u->charged = tdmF_cd_size(cd);
        b->st->used += u->charged;
    }
    if ((t->kind == TDMF_STRUCT || t->kind == TDMF_UNION) && tdmL_meta_get(L, b, t, "__gc")) {
        lua_setiuservalue(L, -2, 1);        /* the metatype's __gc: an implicit ffi.gc */
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Indexing                                                                 */

/* The cdata a metamethod (upvalue 1 = binding state) was called on; raises
   when it is not one (debug.getmetatable lets anything be passed) or was
   finalized. */
static tdmF_CData *self_cd(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    tdmL_CData *u = tdmL_cd_test(L, b, 1);
    if (u == NULL) {
        tdmL_not_cdata(L, b, 1);
        return NULL;
    }
    return u->h.handle;
}

/* The place for cd[key]: TDM_OK, or an error status with err filled. A
   number key is truncated (LuaJIT), an integer cdata key is its value. */
static int place_try(lua_State *L, tdmL_Ffi *b, tdmF_CData *cd, int kidx, tdmF_Place *pl,
                     tdmF_Err *err)
{
    tdmL_CData *ku;
    char tb[128];
    switch (lua_type(L, kidx)) {
    case LUA_TNUMBER: {
        lua_Number n;
        if (lua_isinteger(L, kidx)) {
            return tdmF_cd_index(b->R, cd, (int64_t)lua_tointeger(L, kidx), pl, err);
        }
        n = lua_tonumber(L, kidx);
        if (n >= -9223372036854775808.0 && n < 9223372036854775808.0) {
            return tdmF_cd_index(b->R, cd, (int64_t)n, pl, err);
        }
        break;
    }
    case LUA_TSTRING:
        return tdmF_cd_field(b->R, cd, lua_tostring(L, kidx), pl, err);
    case LUA_TUSERDATA:
        if ((ku = tdmL_cd_test(L, b, kidx)) != NULL &&
            tdmF_is_int(((tdmF_CData *)ku->h.handle)->type)) {
            tdm_Value kv;
            int64_t i;
            tdmL_ffi_tovalue(L, b, kidx, &kv);
            if (tdmF_to_c(b->R, tdmF_base(b->R, TDMF_T_INT64), &kv, &i,
                          TDMF_CV_STORE | TDMF_CV_CCONV, err) != TDM_OK) {
                return err->status;
            }
            return tdmF_cd_index(b->R, cd, i, pl, err);
        }
        break;
    default:
        break;
    }
    return tdmF_seterr(err, TDM_ERRTYPE, "cdata<%s>: index must be an integer or a field name, "
                       "got %s", tdmF_typename(cd->type, tb, sizeof tb), luaL_typename(L, kidx));
}

/* __index: upvalues 1 = binding state, 2 = cb:free, 3 = cb:set. */
static int cd_index(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    tdmF_CData *cd = self_cd(L);
    tdmF_Place pl;
    tdm_Value v;
    tdmF_Err err;
    if (lua_type(L, 2) == LUA_TSTRING && tdmL_func_type(cd->type) != NULL) {
        const char *k = lua_tostring(L, 2);
        if (strcmp(k, "free") == 0 || strcmp(k, "set") == 0) {
            lua_pushvalue(L, lua_upvalueindex(k[0] == 'f' ? 2 : 3));
            return 1;
        }
    }
    tdmF_err_init(&err);
    if (place_try(L, b, cd, 2, &pl, &err) != TDM_OK) {
        if (tdmL_meta_get(L, b, cd->type, "__index")) {     /* ffi.metatype */
            if (lua_isfunction(L, -1)) {
                lua_pushvalue(L, 1);
                lua_pushvalue(L, 2);
                lua_call(L, 2, 1);
            } else {
                lua_pushvalue(L, 2);
                lua_gettable(L, -2);
            }
            return 1;
        }
        return tdmL_ffi_raise(L, b, &err);
    }
    if (tdmF_place_get(b->R, &pl, &v, &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    tdmL_ffi_push(L, b, &v);
    return 1;
}

/* __newindex: stores convert as C does (LuaJIT: integers wrap, floats
   truncate, any number is a bool); calls keep the range checks. */
static int cd_newindex(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    tdmF_CData *cd = self_cd(L);
    tdmF_Place pl;
    tdm_Value v;
    tdmF_Err err;
    lua_State *saved;
    int st;
    tdmF_err_init(&err);
    if (place_try(L, b, cd, 2, &pl, &err) != TDM_OK) {
        if (tdmL_meta_get(L, b, cd->type, "__newindex")) {  /* ffi.metatype */
            if (lua_isfunction(L, -1)) {
                lua_pushvalue(L, 1);
                lua_pushvalue(L, 2);
                lua_pushvalue(L, 3);
                lua_call(L, 3, 0);
            } else {
                lua_pushvalue(L, 2);
                lua_pushvalue(L, 3);
                lua_settable(L, -3);
            }
            return 0;
        }
        return tdmL_ffi_raise(L, b, &err);
    }
    if (pl.isconst) {           /* LuaJIT: a const field is read-only */
        return luaL_error(L, "attempt to write to constant location");
    }
    tdmL_ffi_tovalue_to(L, b, 3, pl.type, 0, &v);
    saved = b->L;
    b->L = L;
    st = tdmF_place_set_cv(b->R, &pl, &v, TDMF_CV_STORE | TDMF_CV_CCONV, &err);
    b->L = saved;
    if (st != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Length, tostring, comparison, arithmetic, gc                             */

static int cd_len(lua_State *L)
{
    tdmF_CData *cd = self_cd(L);
    int64_t n = tdmF_cd_length(cd);
    char tb[128];
    if (n < 0 && tdmL_meta_get(L, lua_touserdata(L, lua_upvalueindex(1)), cd->type, "__len")) {
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        return 1;
    }
    if (n < 0) {
        return luaL_error(L, "length of cdata<%s> is unknown",
                          tdmF_typename(cd->type, tb, sizeof tb));
    }
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

static int cd_tostring(lua_State *L)
{
    tdmF_CData *cd = self_cd(L);
    const tdmF_Type *st = tdmF_scalar(cd->type);
    char tb[128];
    if (tdmL_meta_get(L, lua_touserdata(L, lua_upvalueindex(1)), cd->type, "__tostring")) {
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        return 1;
    }
    if (st->kind == TDMF_INT && st->size == 8 && !(st->flags & TDMF_BOOL)) {
        char buf[40];
        if (st->flags & TDMF_SIGNED) {
            snprintf(buf, sizeof buf, "%lldLL", (long long)*(int64_t *)cd->addr);
        } else {
            snprintf(buf, sizeof buf, "%lluULL", (unsigned long long)*(uint64_t *)cd->addr);
        }
        lua_pushstring(L, buf);
        return 1;
    }
    if (st->kind == TDMF_COMPLEX) {         /* LuaJIT: "1.5-2i" */
        char buf[80];
        double re, im;
        tdmF_complex_get(st, cd->addr, &re, &im);
        snprintf(buf, sizeof buf, "%.14g%+.14gi", re, im);
        lua_pushstring(L, buf);
        return 1;
    }
    lua_pushfstring(L, "cdata<%s>: %p", tdmF_typename(cd->type, tb, sizeof tb),
                    tdmF_is_ptrlike(cd->type) ? tdmF_cd_address(cd) : cd->addr);
    return 1;
}

/* Comparison and arithmetic: LuaJIT's rules, then the metatype (larith.c). */
#define ARITH(name, op) \
    static int name(lua_State *L) \
    { \
        return tdmL_arith(L, op); \
    }
ARITH(cd_add, TDM_AR_ADD)
ARITH(cd_sub, TDM_AR_SUB)
ARITH(cd_mul, TDM_AR_MUL)
ARITH(cd_div, TDM_AR_DIV)
ARITH(cd_mod, TDM_AR_MOD)
ARITH(cd_pow, TDM_AR_POW)
ARITH(cd_idiv, TDM_AR_IDIV)
ARITH(cd_unm, TDM_AR_UNM)
ARITH(cd_band, TDM_AR_BAND)
ARITH(cd_bor, TDM_AR_BOR)
ARITH(cd_bxor, TDM_AR_BXOR)
ARITH(cd_shl, TDM_AR_SHL)
ARITH(cd_shr, TDM_AR_SHR)
ARITH(cd_bnot, TDM_AR_BNOT)
ARITH(cd_concat, TDM_AR_CONCAT)
#undef ARITH

static int cd_eq(lua_State *L)
{
    return tdmL_compare(L, TDM_CMP_EQ);
}

static int cd_lt(lua_State *L)
{
    return tdmL_compare(L, TDM_CMP_LT);
}

static int cd_le(lua_State *L)
{
    return tdmL_compare(L, TDM_CMP_LE);
}

/* __gc: run the ffi.gc finalizer (user value 1) with the cdata, then drop
   the reference. Finalizer errors become warnings, never errors. upvalue 1:
   the binding state (freed with the Lua state, after every finalizer).
   Runs once: anything but a live cdata (an explicit call through
   debug.getmetatable on any value, a resurrected cdata) is left alone.
   Called by Lua code rather than the collector it only runs (and removes)
   the ffi.gc finalizer, as LuaJIT's: the memory belongs to the collector,
   and C code may be using it (a callback can reach the arguments of the
   native call running below it through debug.getlocal). */
static int cd_gc(lua_State *L)
{
    tdmL_CData *u = tdmL_cd_test(L, lua_touserdata(L, lua_upvalueindex(1)), 1);
    tdmF_CData *cd;
    if (u == NULL) {
        return 0;
    }
    if (lua_getiuservalue(L, 1, 1) != LUA_TNIL) {
        lua_pushnil(L);             /* runs once, even if it calls __gc itself */
        lua_setiuservalue(L, 1, 1);
        lua_pushvalue(L, 1);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
            lua_warning(L, "tandem.ffi: error in finalizer: ", 1);
            lua_warning(L, lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?", 0);
        }
    }
    lua_settop(L, 1);
    cd = u->h.handle;
    if (cd == NULL || !tdmL_collecting(L)) {
        return 0;
    }
    u->h.handle = NULL;
    u->b = NULL;            /* tdmL_cd_call's quick check fails: it looks closer */
    u->fast = 0;
    if (u->charged != 0) {          /* ffi.new memory counted for max_memory */
        tdmL_State *st = tdmL_state(L);
        st->used -= u->charged;
        u->charged = 0;
    }
    tdmF_cd_decref(cd);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* ctype objects                                                            */

/* The ctype a metamethod was called on; raises when it is not one
   (debug.getmetatable lets anything be passed). The metatable is checked
   when the binding is known (b != NULL), the size and contents always. */
static tdmL_CType *self_ct(lua_State *L, tdmL_Ffi *b)
{
    tdmL_CType *ct = lua_touserdata(L, 1);
    int ok = ct_shaped(L, 1);
    if (ok && b != NULL) {
        ok = lua_getmetatable(L, 1) && lua_topointer(L, -1) == b->ctmeta;
        if (ok) {
            /* no user value: not a namespace (same size) given this
               metatable through debug.setmetatable */
            ok = lua_getiuservalue(L, 1, 1) == LUA_TNONE;
            lua_pop(L, 2);
        }
    }
    if (!ok) {
        luaL_typeerror(L, 1, "ctype");
        return NULL;
    }
    return ct;
}

/* ct(...): ffi.new(ct, ...), or the metatype's __new(ct, ...). */
static int ct_call(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    tdmL_CType *ct = self_ct(L, b);
    if (tdmL_meta_get(L, b, ct->t, "__new") && ct->t->kind != TDMF_PTR) {
        lua_insert(L, 1);
        lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
        return lua_gettop(L);
    }
    return tdmL_ffi_new(L, b, ct->t, 2);
}

/* ct.key: the metatype's __index (a table or a function(ct, key)). */
static int ct_index(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    tdmL_CType *ct = self_ct(L, b);
    char tb[128];
    if (ct->t->kind != TDMF_PTR && tdmL_meta_get(L, b, ct->t, "__index")) {
        if (lua_isfunction(L, -1)) {
            lua_pushvalue(L, 1);
            lua_pushvalue(L, 2);
            lua_call(L, 2, 1);
        } else {
            lua_pushvalue(L, 2);
            lua_gettable(L, -2);
        }
        return 1;
    }
    if (lua_type(L, 2) == LUA_TSTRING && (ct->t->kind == TDMF_STRUCT ||
                                          ct->t->kind == TDMF_UNION)) {
        /* a static const or enum constant declared inside the struct (they
           are global here: any integer constant is found) */
        const tdmF_Name *nm = tdmF_lookup(b->R, lua_tostring(L, 2));
        if (nm != NULL && nm->kind == TDMF_N_CONST) {
            lua_pushinteger(L, (lua_Integer)nm->value);
            return 1;
        }
    }
    return luaL_error(L, "ctype<%s> has no member '%s'", tdmF_typename(ct->t, tb, sizeof tb),
                      luaL_tolstring(L, 2, NULL));
}

static int ct_tostring(lua_State *L)
{
    tdmL_CType *ct = self_ct(L, lua_touserdata(L, lua_upvalueindex(1)));
    char tb[128];
    lua_pushfstring(L, "ctype<%s>", tdmF_typename(ct->t, tb, sizeof tb));
    return 1;
}

static int ct_eq(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    const void *m1 = NULL, *m2 = NULL;
    if (lua_getmetatable(L, 1)) {
        m1 = lua_topointer(L, -1);
    }
    if (lua_getmetatable(L, 2)) {
        m2 = lua_topointer(L, -1);
    }
    lua_pushboolean(L, m1 == b->ctmeta && m2 == b->ctmeta &&
                    ((tdmL_CType *)lua_touserdata(L, 1))->t ==
                    ((tdmL_CType *)lua_touserdata(L, 2))->t);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Binding state                                                            */

/* Uninstall the hooks when the collector calls it (the state is closing).
   The registry reaches the binding state, so debug.getmetatable lets Lua
   code call this on anything, itself included: that does nothing. */
static int bind_gc(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, 1);
    static const tdmF_Hooks none = {NULL, NULL, NULL, NULL};
    if (b != NULL && b == tdmL_ffi_peek(L) && b->R != NULL && tdmL_collecting(L)) {
        tdmF_set_hooks(b->R, TDM_LANG_LUA, &none);
        b->R = NULL;
    }
    return 0;
}

static void set_closures(lua_State *L, tdmL_Ffi *b, const luaL_Reg *r)
{
    for (; r->name; r++) {
        lua_pushlightuserdata(L, b);
        lua_pushcclosure(L, r->func, 1);
        lua_setfield(L, -2, r->name);
    }
}

static const luaL_Reg cd_meta[] = {
    {"__newindex", cd_newindex}, {"__call", tdmL_cd_call}, {"__len", cd_len},
    {"__tostring", cd_tostring}, {"__eq", cd_eq}, {"__lt", cd_lt}, {"__le", cd_le},
    {"__add", cd_add}, {"__sub", cd_sub}, {"__mul", cd_mul}, {"__div", cd_div},
    {"__mod", cd_mod}, {"__pow", cd_pow}, {"__idiv", cd_idiv}, {"__unm", cd_unm},
    {"__band", cd_band}, {"__bor", cd_bor}, {"__bxor", cd_bxor}, {"__shl", cd_shl},
    {"__shr", cd_shr}, {"__bnot", cd_bnot}, {"__concat", cd_concat}, {NULL, NULL}
};

static void make_metatables(lua_State *L, tdmL_Ffi *b)
{
    lua_createtable(L, 0, 16);
    set_closures(L, b, cd_meta);
    lua_pushlightuserdata(L, b);
    lua_pushlightuserdata(L, b);
    lua_pushcclosure(L, tdmL_cb_free, 1);
    lua_pushlightuserdata(L, b);
    lua_pushcclosure(L, tdmL_cb_set, 1);
    lua_pushcclosure(L, cd_index, 3);
    lua_setfield(L, -2, "__index");
    lua_pushlightuserdata(L, b);
    lua_pushcclosure(L, cd_gc, 1);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "cdata");
    lua_setfield(L, -2, "__name");
    lua_pushliteral(L, "ffi");
    lua_setfield(L, -2, "__metatable");
    b->cdmeta = lua_topointer(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &key_cdmeta);

    lua_createtable(L, 0, 5);
    lua_pushlightuserdata(L, b);
    lua_pushcclosure(L, ct_call, 1);
    lua_setfield(L, -2, "__call");
    lua_pushlightuserdata(L, b);
    lua_pushcclosure(L, ct_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushlightuserdata(L, b);
    lua_pushcclosure(L, ct_eq, 1);
    lua_setfield(L, -2, "__eq");
    lua_pushlightuserdata(L, b);
    lua_pushcclosure(L, ct_tostring, 1);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "ctype");
    lua_setfield(L, -2, "__name");
    lua_pushliteral(L, "ffi");
    lua_setfield(L, -2, "__metatable");
    b->ctmeta = lua_topointer(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &key_ctmeta);
}

tdmL_Ffi *tdmL_ffi_peek(lua_State *L)
{
    tdmL_Ffi *b = NULL;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_bind) == LUA_TUSERDATA) {
        b = lua_touserdata(L, -1);
    }
    lua_pop(L, 1);
    return b;
}

tdmL_Ffi *tdmL_ffi(lua_State *L, tdmL_State *st)
{
    tdmL_Ffi *b;
    tdmF_Hooks hooks;
    char err[200];
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_bind) == LUA_TUSERDATA) {
        b = lua_touserdata(L, -1);
        lua_pop(L, 1);
        return b;
    }
    lua_pop(L, 1);
    if (tdmF_attach(st->rt, err, sizeof err) != TDM_OK) {
        luaL_error(L, "%s", err);
        return NULL;
    }
    b = lua_newuserdatauv(L, sizeof *b, 0);
    memset(b, 0, sizeof *b);
    b->rt = st->rt;
    b->st = st;
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, bind_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &key_bind);
    make_metatables(L, b);
    b->R = st->rt->ffi;
    b->busy = tdmF_busy(b->R);
    hooks.ud = b;
    hooks.expand = tdmL_ffi_expand;
    hooks.done = tdmL_ffi_done;
    hooks.release = hook_release;
    tdmF_set_hooks(b->R, TDM_LANG_LUA, &hooks);
    st->fmeta[TDM_LANG_C] = b->cdmeta;      /* cdata cross as TDM_LANG_C */
    return b;
}

void tdmL_ct_push(lua_State *L, tdmL_Ffi *b, const tdmF_Type *t)
{
    static const char key_ctcache = 0;
    tdmL_CType *ct;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_ctcache) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "v");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &key_ctcache);
    }
    if (lua_rawgetp(L, -1, t) == LUA_TUSERDATA) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    ct = lua_newuserdatauv(L, sizeof *ct, 0);
    ct->t = t;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &key_ctmeta);
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, t);
    lua_remove(L, -2);
    (void)b;
}

/* ------------------------------------------------------------------------ */
/* Crossings (lconvert.c)                                                   */

void tdmL_cdata_push(lua_State *L, tdmL_State *st, tdm_Value *v)
{
    tdmL_Ffi *b = tdmL_ffi(L, st);
    tdmF_CData *cd = v->u.obj;
    int owned = (v->flags & TDM_VF_OWNED) != 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &tdmL_key_cache);
    if (lua_rawgetp(L, -1, cd) == LUA_TUSERDATA) {
        lua_remove(L, -2);
        v->flags &= (uint16_t)~TDM_VF_OWNED;
        if (owned) {
            tdmF_cd_decref(cd);
        }
        return;
    }
    lua_pop(L, 1);
    /* the userdata takes the reference only once it exists: a memory error
       in tdmL_cd_push leaves it with v (its owner releases it) */
    tdmL_cd_push(L, b, cd);
    if (!owned) {
        tdmF_cd_incref(cd);
    }
    v->flags &= (uint16_t)~TDM_VF_OWNED;
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, cd);
    lua_remove(L, -2);
}

void tdmL_cdata_remember(lua_State *L, tdmL_State *st, int idx)
{
    tdmL_Foreign *fo = lua_touserdata(L, idx);
    (void)st;
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &tdmL_key_cache);
    lua_pushvalue(L, idx);
    lua_rawsetp(L, -2, fo->handle);
    lua_pop(L, 1);
}
