/*
 * lforeign.c — objects of other languages living in Lua.
 *
 * Each is a full userdata holding one reference to its handle, with a
 * metatable per language whose metamethods turn Lua operators into neutral
 * operations on that language (call, index, arithmetic, comparison, length,
 * tostring). A weak-valued cache keyed by handle makes the same object arrive
 * as the same userdata every time it crosses.
 *
 * Method blocks: obj.name read by Lua code, where the attribute is a
 * function on obj's type (CPython's LOAD_METHOD finds it unbound), is a
 * userdata holding obj and the function in its user values rather than the
 * proxy of a new bound method: obj:name(x) then makes no bound method, no
 * identity cache entry and no finalizer. It is a new userdata per read, as
 * the bound method would be, and its metatable is the proxies' but for
 * __call (the function called with obj first) and __gc (none). Anything else
 * done with it — another metamethod, crossing to Python, a python.*
 * function — first turns it, in place, into the proxy of the bound method
 * (method_bind): it is then that proxy for good, with the same identity.
 */
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include "ladapter.h"
#include "value.h"

static const char fmeta_keys[TDM_NLANG];    /* registry keys of the metatables */
static const char mmeta_key;                /* registry key: method blocks' metatable */

/* The word of a one-word block (ladapter.h: tdmL_Foreign). */
static inline uint64_t pword(const void *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* A one-word block's fields, decoded into out: tag is the state's. */
static inline tdmL_Foreign *pdecode(tdm_Runtime *rt, uint64_t w, tdmL_Foreign *out)
{
    out->handle = (void *)(uintptr_t)(w & ~TDML_PMASK);
    out->rt = rt;
    out->lang = TDM_LANG_PYTHON;
    out->proto = TDM_PROTO_DEFAULT;
    out->borrowed = 0;
    return out;
}

/* The block of the userdata at idx, decoded into out, when it is one of
   ours for lang: a metatable match alone is not enough, debug.setmetatable
   can give a foreign metatable to any value. [-0, +0, -] */
static tdmL_Foreign *valid_block(lua_State *L, tdmL_State *st, int idx, tdm_LangId lang,
                                 tdmL_Foreign *out)
{
    /* lua_touserdata accepts full and light userdata; lua_rawlen is 0 for
       a light one */
    const void *p = lua_touserdata(L, idx);
    if (p == NULL) {
        return NULL;
    }
    size_t len = lua_rawlen(L, idx);
    if (len == TDML_PWORD) {
        uint64_t w = pword(p);
        if (lang != TDM_LANG_PYTHON || (w & TDML_PMASK) != st->ptag) {
            return NULL;
        }
        return pdecode(st->rt, w, out);
    }
    const tdmL_Foreign *fo = p;
    if (len < sizeof *fo || fo->rt != st->rt || fo->lang != lang) {
        return NULL;
    }
    *out = *fo;
    return out;
}

/* 1 while the block fo (of the userdata at idx) holds its object: the
   collector's __gc clears the handle, and a view (whose handle is a copy)
   also asks its original, which a view of a view shares (tdmL_pushview). A
   finalized object is reachable again through a resurrecting Lua finalizer
   (the weak identity cache forgets it first). Needs one free stack slot. */
static int block_live(lua_State *L, const tdmL_Foreign *fo, int idx)
{
    if (fo->handle == NULL) {
        return 0;
    }
    if (!fo->borrowed) {
        return 1;
    }
    lua_getiuservalue(L, idx, 1);       /* the original, either layout */
    const void *orig = lua_touserdata(L, -1);
    size_t len = orig != NULL ? lua_rawlen(L, -1) : 0;
    int live = len == TDML_PWORD ? (pword(orig) & ~TDML_PMASK) != 0
                                 : len >= sizeof *fo && ((const tdmL_Foreign *)orig)->handle != NULL;
    lua_pop(L, 1);
    return live;
}

/* The block at idx decoded into out when it is one of ours (live or
   finalized), else NULL. */
static tdmL_Foreign *any_block(lua_State *L, tdmL_State *st, int idx, tdmL_Foreign *out)
{
    if (!lua_getmetatable(L, idx)) {
        return NULL;
    }
    const void *mt = lua_topointer(L, -1);
    lua_pop(L, 1);
    for (int lang = TDM_LANG_PYTHON; lang < TDM_NLANG; lang++) {
        if (st->fmeta[lang] == mt) {
            return valid_block(L, st, idx, (tdm_LangId)lang, out);
        }
    }
    return NULL;
}

/* A method block: a userdata of a block's size with the method metatable,
   no runtime and the state in the handle's place (so that the proxies'
   proof, tdmL_block_proof, never takes it for a proxy). */
static inline int method_block(const void *p, size_t len, const tdmL_State *st)
{
    const tdmL_Foreign *m = p;
    return p != NULL && len == sizeof *m && m->rt == NULL && m->handle == (const void *)st;
}

int tdmL_is_method(lua_State *L, tdmL_State *st, int idx)
{
    if (st->mmeta == NULL || lua_type(L, idx) != LUA_TUSERDATA
        || !method_block(lua_touserdata(L, idx), lua_rawlen(L, idx), st)
        || !lua_getmetatable(L, idx)) {
        return 0;
    }
    int is = lua_topointer(L, -1) == st->mmeta;
    lua_pop(L, 1);
    return is;
}

/* Trampoline: the identity cache's entry handle (2) -> userdata (1). */
static int cache_put(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &tdmL_key_cache);
    lua_pushvalue(L, 1);
    lua_rawsetp(L, -2, lua_touserdata(L, 2));
    return 0;
}

static void charge(lua_State *L, tdmL_State *st, size_t bytes);
static void release_handle(tdm_Runtime *rt, tdm_LangId lang, void *handle);

/* Turn the method block at idx into the proxy of its bound method, in
   place (TDM_IX_BIND: Python binds the function, running no Python code of
   the user's for a function); 1 when done, 0 when it could not be (the
   block is left as it was; no error raised, nothing left on the stack). A
   block whose object or function is gone (a resurrected block) cannot be.
   [-0, +0, -] */
static int method_bind(lua_State *L, tdmL_State *st, int idx)
{
    tdm_Runtime *rt = st->rt;
    idx = lua_absindex(L, idx);
    if (rt->lang[TDM_LANG_PYTHON] == NULL || !lua_checkstack(L, 4)) {
        return 0;
    }
    lua_getiuservalue(L, idx, 2);       /* the function */
    lua_getiuservalue(L, idx, 1);       /* the object */
    tdmL_Foreign fb, ob;                /* their handles stay pinned by the block */
    tdmL_Foreign *fn = tdmL_toforeign(L, st, -2, &fb);
    tdmL_Foreign *obj = tdmL_toforeign(L, st, -1, &ob);
    lua_pop(L, 2);
    if (fn == NULL || obj == NULL || fn->lang != TDM_LANG_PYTHON
        || obj->lang != TDM_LANG_PYTHON) {
        return 0;
    }
    tdmS_Frame f;
    tdmS_init(&f, rt, rt->lang[TDM_LANG_PYTHON], TDM_OP_INDEX, TDM_LANG_LUA);
    f.sub = TDM_IX_BIND;
    f.owning = 0;
    if (tdmS_reserve_args(&f, 2) != TDM_OK) {
        return 0;
    }
    const tdmL_Foreign *src[2] = {fn, obj};
    for (int i = 0; i < 2; i++) {
        tdm_Value *v = &f.args[i];
        memset(v, 0, sizeof *v);
        v->kind = TDM_OBJ;
        v->lang = TDM_LANG_PYTHON;
        v->u.obj = src[i]->handle;
        v->key = src[i]->handle;
        v->aux = src[i]->proto;
    }
    f.nargs = 2;
    int status = tdmS_call(&f);
    f.nargs = 0;
    void *h = NULL;
    if (status == TDM_OK && f.nres == 1 && f.res[0].kind == TDM_OBJ
        && f.res[0].lang == TDM_LANG_PYTHON && (f.res[0].flags & TDM_VF_OWNED)
        && f.res[0].u.obj != NULL) {
        h = f.res[0].u.obj;
        f.res[0].flags &= (uint16_t)~TDM_VF_OWNED;     /* the block takes it */
    }
    for (int i = 0; i < f.nres; i++) {
        tdmV_release(rt, &f.res[i]);
    }
    tdmS_clear_error(rt, &f.err);
    tdmS_end(&f);
    if (h == NULL) {
        return 0;
    }
    lua_pushcfunction(L, cache_put);
    lua_pushvalue(L, idx);
    lua_pushlightuserdata(L, h);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        lua_pop(L, 1);
        release_handle(rt, TDM_LANG_PYTHON, h);
        return 0;
    }
    tdmL_Foreign *b = lua_touserdata(L, idx);
    b->handle = h;
    b->rt = rt;
    b->lang = TDM_LANG_PYTHON;
    b->proto = TDM_PROTO_DEFAULT;
    b->borrowed = 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &fmeta_keys[TDM_LANG_PYTHON]);
    lua_setmetatable(L, idx);           /* with __gc: now finalized as a proxy */
    lua_pushnil(L);
    lua_setiuservalue(L, idx, 1);
    lua_pushnil(L);
    lua_setiuservalue(L, idx, 2);
    tdmR_hold(rt, TDM_LANG_PYTHON, h, 1);
    charge(L, st, TDML_WEIGHT_OBJECT);
    return 1;
}

/* The method block at idx made a proxy, or the error. [-0, +0, v] */
static void method_bind_or_raise(lua_State *L, tdmL_State *st, int idx)
{
    if (!method_bind(L, st, idx)) {
        luaL_error(L, "python method: its bound method could not be made "
                      "(out of memory, or its object was deleted)");
    }
}

tdmL_Foreign *tdmL_toforeign(lua_State *L, tdmL_State *st, int idx, tdmL_Foreign *buf)
{
    tdmL_Foreign *fo = any_block(L, st, idx, buf);
    if (fo == NULL && tdmL_is_method(L, st, idx) && method_bind(L, st, idx)) {
        fo = any_block(L, st, idx, buf);
    }
    return fo != NULL && block_live(L, fo, idx) ? fo : NULL;
}

tdmL_Foreign *tdmL_finalized(lua_State *L, tdmL_State *st, int idx, tdmL_Foreign *buf)
{
    tdmL_Foreign *fo = any_block(L, st, idx, buf);
    return fo != NULL && !block_live(L, fo, idx) ? fo : NULL;
}

int tdmL_finalized_error(lua_State *L, int lang)
{
    return luaL_error(L, lang == TDM_LANG_C ? "cdata already freed (its __gc ran)"
                                            : "deleted python object");
}

/* Lua names a function the collector calls as a finalizer "__gc", a
   "metamethod" (since 5.4.4; before, it has no name, and only a call from
   Lua code — a field, local, method ... — is known to be explicit). */
int tdmL_collecting(lua_State *L)
{
    lua_Debug ar;
    if (!lua_getstack(L, 0, &ar) || !lua_getinfo(L, "n", &ar) || ar.namewhat == NULL) {
        return 1;
    }
#if defined(LUA_VERSION_RELEASE_NUM) && LUA_VERSION_RELEASE_NUM >= 50404
    return strcmp(ar.namewhat, "metamethod") == 0;
#else
    return ar.namewhat[0] == '\0' || strcmp(ar.namewhat, "metamethod") == 0;
#endif
}

static void release_handle(tdm_Runtime *rt, tdm_LangId lang, void *handle)
{
    const tdmR_Lang *l = rt->lang[lang];
    if (l != NULL) {
        if (l->release_runs == NULL || l->release_runs(rt, handle)) {
            rt->epoch++;        /* a release may run code (a finalizer) */
        }
        l->release(rt, handle);
    }
}

/* Tell Lua's collector about `bytes` of memory it holds but cannot see.
   Lua 5.4 has no external-memory API; LUA_GCSTEP with a size adds that many
   KiB to the collector's debt (not to its count of the heap) and runs the
   step the debt calls for, so the collector paces itself as if Lua had
   allocated them: a cycle every "heap size x pause" of charges, O(bytes) of
   work per charge whatever the heap size. The charge is batched in
   st->fdebt so the crossing path only adds and compares. Not while the
   collector is stopped (collectgarbage "stop": LUA_GCSTEP would run it
   anyway), inside a finalizer or while the state closes (lua_gc says -1 or
   0): the debt is kept for later. A step may run finalizers, as any
   allocation here may. [-0, +0, -] */
static void charge(lua_State *L, tdmL_State *st, size_t bytes)
{
    st->fdebt += bytes;
    if (st->fdebt < TDML_CHARGE_STEP || lua_gc(L, LUA_GCISRUNNING) != 1) {
        return;
    }
    size_t kb = st->fdebt / 1024;      /* a debt kept while stopped may be large */
    st->fdebt %= 1024;
    lua_gc(L, LUA_GCSTEP, kb < (1u << 20) ? (int)kb : 1 << 20);
}

void tdmL_pushforeign(lua_State *L, tdmL_State *st, tdm_LangId lang, void *handle,
                      int owned, int proto, size_t weight)
{
    tdm_Runtime *rt = st->rt;
    if (proto == TDM_PROTO_DEFAULT) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &tdmL_key_cache);
        if (lua_rawgetp(L, -1, handle) == LUA_TUSERDATA) {
            lua_remove(L, -2);
            if (owned) {
                release_handle(rt, lang, handle);
            }
            return;
        }
        lua_pop(L, 1);
    }
    /* Everything that may raise (the userdata, the cache entry) happens
       before the block takes the handle: a memory error leaves the reference
       with the caller, and the half-made userdata releases nothing. */
    int packed = lang == TDM_LANG_PYTHON && proto == TDM_PROTO_DEFAULT && handle != NULL
                 && ((uintptr_t)handle & TDML_PMASK) == 0;
    tdmL_Foreign *fo = NULL;
    void *word = NULL;
    if (packed) {
        word = lua_newuserdatauv(L, TDML_PWORD, 0);
        memcpy(word, &st->ptag, sizeof st->ptag);       /* no handle yet */
    } else {
        fo = lua_newuserdatauv(L, sizeof *fo, 0);
        fo->handle = NULL;
        fo->rt = rt;
        fo->lang = (uint8_t)lang;
        fo->proto = (uint8_t)proto;
        fo->borrowed = 0;
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &fmeta_keys[lang]);
    lua_setmetatable(L, -2);
    if (proto == TDM_PROTO_DEFAULT) {
        lua_pushvalue(L, -1);
        lua_rawsetp(L, -3, handle);
        lua_remove(L, -2);
    }
    if (packed) {
        uint64_t w = st->ptag | (uintptr_t)handle;
        memcpy(word, &w, sizeof w);
    } else {
        fo->handle = handle;
    }
    if (!owned && rt->lang[lang] != NULL) {
        rt->lang[lang]->retain(rt, handle);
    }
    tdmR_hold(rt, lang, handle, 1);     /* visible to that language's collector */
    charge(L, st, weight);              /* and its memory to Lua's */
}

void tdmL_pushview(lua_State *L, tdmL_State *st, int idx, int proto)
{
    idx = lua_absindex(L, idx);
    if (tdmL_is_method(L, st, idx)) {
        method_bind_or_raise(L, st, idx);
    }
    tdmL_Foreign ob;
    tdmL_Foreign *orig = any_block(L, st, idx, &ob);
    if (orig == NULL) {
        luaL_argerror(L, idx, "expected a foreign (Python) object");
        return;
    }
    if (!block_live(L, orig, idx)) {
        tdmL_finalized_error(L, orig->lang);
        return;
    }
    tdmL_Foreign *fo = lua_newuserdatauv(L, sizeof *fo, 1);
    *fo = *orig;
    fo->proto = (uint8_t)proto;
    fo->borrowed = 1;
    if (orig->borrowed) {
        lua_getiuservalue(L, idx, 1);   /* a view of a view: the original */
    } else {
        lua_pushvalue(L, idx);
    }
    lua_setiuservalue(L, -2, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &fmeta_keys[orig->lang]);
    lua_setmetatable(L, -2);
}

/* Push the value standing for an error (trampoline: 1 = the tdmS_Error,
   2 = the state). [-0, +1, m] */
static int push_error(lua_State *L)
{
    tdmS_Error *e = lua_touserdata(L, 1);
    tdmL_State *st = lua_touserdata(L, 2);
    if (e->inner.kind != TDM_NIL || (e->inner.flags & TDM_VF_ERROBJ)) {
        /* a LuaError: its Lua error value, remembered with the exception so
           that the value going out again is that exception */
        lua_createtable(L, 2, 0);
        tdmL_push(L, st, &e->inner);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, 1);
        tdmL_push(L, st, &e->value);
        lua_rawseti(L, -3, 2);
        lua_insert(L, -2);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &tdmL_key_lasterr);
        st->lasterr = 1;
    } else if (e->value.kind != TDM_NIL || (e->value.flags & TDM_VF_ERROBJ)) {
        tdmL_push(L, st, &e->value);    /* an error object, or a Lua error value */
    } else if (e->message != NULL) {
        lua_pushstring(L, e->message);
    } else {
        lua_pushfstring(L, "tandem: %s", tdm_status_name((tdm_Status)e->status));
    }
    if (e->status == TDM_ERRDEPTH) {
        /* the depth limit: this value leaving Lua unchanged (not caught and
           replaced) is that error again (lops.c, convert_error) */
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &tdmL_key_deptherr);
        st->deptherr = 1;
    }
    return 1;
}

/* Registry key: weak-keyed table, Python exception raised into the Lua
   code of a lua5.4 host -> {position, Lua traceback} where it was first
   raised. Its tostring shows both, so that lua5.4, which prints an uncaught
   error with tostring (its message handler adds no traceback to a
   non-string error), still tells where in the Lua code the Python exception
   came out. (In a runtime made from Python the error goes back to Python,
   the Lua frames in its traceback.) */
static const char key_raised = 0;

/* Trampoline: record where the exception at 1 is raised (level 1 is the C
   function raising it, level 2 the Lua code that called it). [-0, +0, m] */
static int note_raise(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_raised) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &key_raised);
    }
    lua_pushvalue(L, 1);
    if (lua_rawget(L, -2) != LUA_TNIL) {
        return 0;               /* raised before: the first place tells most */
    }
    lua_pop(L, 1);
    lua_pushvalue(L, 1);
    lua_createtable(L, 2, 0);
    luaL_where(L, 2);
    lua_rawseti(L, -2, 1);
    luaL_traceback(L, L, NULL, 1);
    lua_rawseti(L, -2, 2);
    lua_rawset(L, -3);
    return 0;
}

/* The string at the top, tostring of the Python object at 1: when that
   object is an exception raised into Lua, "position: " before it and Lua's
   stack traceback after it. [-1, +1, m] */
static void with_raise_site(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_raised) != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    lua_pushvalue(L, 1);
    if (lua_rawget(L, -2) != LUA_TTABLE) {
        lua_pop(L, 2);
        return;
    }
    lua_remove(L, -2);                          /* str, site */
    size_t n;
    const char *text = lua_tolstring(L, -2, &n);
    int nl = n > 0 && text[n - 1] == '\n';     /* a Python traceback ends with one */
    lua_rawgeti(L, -1, 1);                      /* str, site, where */
    lua_rotate(L, -3, 1);                       /* where, str, site */
    if (!nl) {
        lua_pushliteral(L, "\n");
        lua_insert(L, -2);                      /* where, str, "\n", site */
    }
    lua_rawgeti(L, -1, 2);                      /* where, str, ["\n",] site, tb */
    lua_remove(L, -2);
    lua_concat(L, nl ? 3 : 4);
}

/* Raise the error of a frame: the frame is ended and the error freed before
   anything that may raise. */
int tdmL_raise_frame_error(lua_State *L, tdmL_State *st, tdmS_Frame *f)
{
    tdmS_Error e;
    tdmS_move_error(&e, &f->err);
    tdmS_end(f);
    int pyexc = e.inner.kind == TDM_NIL && !(e.inner.flags & TDM_VF_ERROBJ)
                && e.value.kind == TDM_OBJ && e.value.lang == TDM_LANG_PYTHON;
    lua_settop(L, 0);           /* raising: room for the call below */
    lua_pushcfunction(L, push_error);
    lua_pushlightuserdata(L, &e);
    lua_pushlightuserdata(L, st);
    int ok = lua_pcall(L, 2, 1, 0) == LUA_OK;   /* the error value, or the memory error */
    tdmS_clear_error(st->rt, &e);
    if (ok && pyexc && st->hosted && lua_type(L, -1) == LUA_TUSERDATA) {
        lua_pushcfunction(L, note_raise);
        lua_pushvalue(L, -2);
        if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
            lua_pop(L, 1);      /* no record: the error itself still goes */
        }
    }
    return lua_error(L);
}

/* Trampoline: the Lua value at 1 -> the tdm_Value at 2 (state at 3). */
static int tovalue_p(lua_State *L)
{
    tdmL_tovalue(L, lua_touserdata(L, 3), 1, lua_touserdata(L, 2));
    return 0;
}

/* Lua value at idx -> neutral argument; 1 when it owns a ref. A value that
   needs a ref (an allocation) is converted under lua_pcall: on a memory
   error the frame is ended (what the arguments before it own released)
   and the error raised. [-0, +0, m] */
static inline __attribute__((always_inline)) int arg_value(lua_State *L, tdmL_State *st,
                                                         int idx, tdmS_Frame *f, tdm_Value *v)
{
    if (lua_isinteger(L, idx)) {
        v->kind = TDM_INT;          /* the common case, without the switch */
        v->flags = 0;
        v->aux = 0;
        v->key = NULL;
        v->lang = 0;
        v->u.i = (int64_t)lua_tointeger(L, idx);
        return 0;
    }
    if (tdmL_tovalue_noref(L, st, idx, v)) {
        return 0;
    }
    tdmL_Foreign fb;
    tdmL_Foreign *dead = lua_type(L, idx) == LUA_TUSERDATA ? tdmL_finalized(L, st, idx, &fb) : NULL;
    if (dead != NULL) {
        tdmS_end(f);
        return tdmL_finalized_error(L, dead->lang);
    }
    if (!lua_checkstack(L, 4)) {
        tdmS_end(f);
        lua_settop(L, 0);
        return luaL_error(L, "not enough memory");
    }
    lua_pushcfunction(L, tovalue_p);
    lua_pushvalue(L, idx);
    lua_pushlightuserdata(L, v);
    lua_pushlightuserdata(L, st);
    if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
        tdmS_end(f);
        return lua_error(L);
    }
    return (v->flags & TDM_VF_OWNED) != 0;
}

/* Results [from, nres) of a frame (trampoline: 1 = the frame, 2 = the
   state, 3 = from); each is released once pushed. [-0, +(nres - from), m] */
static int push_rest(lua_State *L)
{
    tdmS_Frame *f = lua_touserdata(L, 1);
    tdmL_State *st = lua_touserdata(L, 2);
    int from = (int)lua_tointeger(L, 3);
    lua_settop(L, 0);
    luaL_checkstack(L, f->nres - from + 2, "too many results to push");
    for (int i = from; i < f->nres; i++) {
        tdm_Value *v = &f->res[i];
        tdmL_push(L, st, v);
        if (v->flags & (TDM_VF_OWNED | TDM_VF_OWNSTR)) {
            tdmV_release(st->rt, v);
        }
    }
    return f->nres - from;
}

/* Drop every result still owned, end the frame. */
static void drop_results(tdmL_State *st, tdmS_Frame *f)
{
    for (int i = 0; i < f->nres; i++) {
        tdmV_release(st->rt, &f->res[i]);
    }
    tdmS_end(f);
}

/* The frame's results onto the Lua stack, then the frame ended. What
   pushes without allocating is pushed directly; the rest under lua_pcall,
   so that a memory error still ends the frame (which holds the other
   language's pins and references) before it is raised. [-0, +nres, m] */
static inline __attribute__((always_inline)) int push_results(lua_State *L, tdmL_State *st,
                                                            tdmS_Frame *f, int room)
{
    int nres = f->nres, i;
    if (nres + 4 > room && !lua_checkstack(L, nres + 4)) {
        drop_results(st, f);
        return luaL_error(L, "too many results to push");
    }
    for (i = 0; i < nres; i++) {
        tdm_Value *v = &f->res[i];
        if (v->kind == TDM_INT) {
            lua_pushinteger(L, (lua_Integer)v->u.i);
            continue;
        }
        if (!tdmL_pushraw(L, st, v)) {
            break;
        }
        if (v->flags & (TDM_VF_OWNED | TDM_VF_OWNSTR)) {
            tdmV_release(st->rt, v);
        }
    }
    if (i < nres) {
        /* a borrowed object of another language (a method answer's
           function, bridge/lang.h TDM_IX_METHOD) gets its reference now:
           making its userdata may run a finalizer, which may cross again
           and make its callee drop the pin */
        for (int j = i; j < nres; j++) {
            tdm_Value *v = &f->res[j];
            if (v->kind == TDM_OBJ && v->lang == TDM_LANG_PYTHON && !(v->flags & TDM_VF_OWNED)
                && st->rt->lang[TDM_LANG_PYTHON] != NULL) {
                st->rt->lang[TDM_LANG_PYTHON]->retain(st->rt, v->u.obj);
                v->flags |= TDM_VF_OWNED;
            }
        }
        lua_pushcfunction(L, push_rest);
        lua_pushlightuserdata(L, f);
        lua_pushlightuserdata(L, st);
        lua_pushinteger(L, i);
        if (lua_pcall(L, 3, LUA_MULTRET, 0) != LUA_OK) {
            drop_results(st, f);
            return lua_error(L);
        }
    }
    tdmS_end(f);
    return nres;
}

/* Fill v with the object h of lang, protocol proto (borrowed: pinned by its
   userdata). */
static inline void obj_value(tdm_Value *v, tdm_LangId lang, void *h, int proto)
{
    v->kind = TDM_OBJ;
    v->flags = 0;
    v->lang = (uint8_t)lang;
    v->u.obj = h;
    v->key = h;
    v->aux = proto;
}

/* Run f with args[0, npre) already in it (objects pinned by userdata on
   the stack) and the Lua values at [first, first+n) after them; push the
   results. `room` as tdmL_foreign_call_on, whose loop this is for a
   caller with more than one object in front (py_method_call). [-0, +r, e] */
static int call_frame(lua_State *L, tdmL_State *st, tdmS_Frame *f, int npre, int first,
                      int n, int room)
{
    tdm_Runtime *rt = st->rt;
    int owns = 0;
    for (int i = 0; i < n; i++) {
        owns |= arg_value(L, st, first + i, f, &f->args[npre + i]);
        f->nargs = npre + i + 1;
    }
    int status = tdmS_call(f);
    if (owns) {
        for (int i = 0; i < f->nargs; i++) {
            tdmV_release(rt, &f->args[i]);
        }
    }
    f->nargs = 0;       /* nothing left for tdmS_end to release */
    if (status != TDM_OK) {
        return tdmL_raise_frame_error(L, st, f);
    }
    return push_results(L, st, f, room);
}

/* Run op with args[0] the object `self` of lang with protocol `proto` (the
   userdata at `first`, when self != NULL) or the value there, and the
   values at (first, first+n) after it; push the results. `room`: stack
   slots known to be free above the top (a metamethod: what Lua guarantees a
   C function, LUA_MINSTACK, less what it pushed), so that a few results
   need no lua_checkstack. [-0, +r, e] */
int tdmL_foreign_call_on(lua_State *L, tdmL_State *st, tdm_LangId lang, int op, int sub,
                         void *self, int proto, int first, int n, int room)
{
    tdm_Runtime *rt = st->rt;
    tdmS_Frame f;
    if (self != NULL && n > 0 && lang == TDM_LANG_C) {
        tdmL_cdata_remember(L, st, first);      /* crossing out: keep identity */
    }
    tdmS_init(&f, rt, rt->lang[lang], op, TDM_LANG_LUA);
    f.sub = (uint8_t)sub;
    f.incoro = L != st->main;
    if (n > TDM_FRAME_INLINE && tdmS_reserve_args(&f, n) != TDM_OK) {
        return luaL_error(L, "not enough memory");
    }
    int owns = 0, i = 0;
    if (self != NULL && n > 0) {
        obj_value(&f.args[0], lang, self, proto);
        f.nargs = i = 1;
    }
    for (; i < n; i++) {
        owns |= arg_value(L, st, first + i, &f, &f.args[i]);
        f.nargs = i + 1;
    }
    int status = tdmS_call(&f);
    if (owns) {
        for (i = 0; i < f.nargs; i++) {
            tdmV_release(rt, &f.args[i]);
        }
    }
    f.nargs = 0;        /* nothing left for tdmS_end to release */
    if (status != TDM_OK) {
        return tdmL_raise_frame_error(L, st, &f);
    }
    return push_results(L, st, &f, room);
}

int tdmL_foreign_call(lua_State *L, tdmL_State *st, tdm_LangId lang, int op, int sub,
                      int first, int n)
{
    return tdmL_foreign_call_on(L, st, lang, op, sub, NULL, 0, first, n, 0);
}

/* What one metamethod does; its closure's only upvalue (a userdata). */
typedef struct tdmL_Meta {
    tdmL_State *st;             /* borrowed: lives as long as the Lua state */
    uint8_t lang, op, sub;
} tdmL_Meta;

/* The live foreign block at 1, which must belong to the metatable of lang:
   a metamethod is normally called on its own object, but debug.getmetatable
   can call it on anything, and a finalized object can be reached again
   (block_live). Raises otherwise. The metatable is left on the stack (above
   the arguments, below the results: harmless, and no lua_settop).
   [-0, +(0|1), v] */
static void *self_block_full(lua_State *L, tdmL_State *st, tdm_LangId lang, int *proto)
{
    tdmL_Foreign fb, *fo = NULL;
    if (lang == TDM_LANG_PYTHON && tdmL_is_method(L, st, 1)) {
        method_bind_or_raise(L, st, 1);         /* tostring(o.m), o.m.__name__ ... */
    }
    if (lua_getmetatable(L, 1) && lua_topointer(L, -1) == st->fmeta[lang]) {
        fo = valid_block(L, st, 1, lang, &fb);
    }
    if (fo == NULL) {
        luaL_typeerror(L, 1, lang == TDM_LANG_C ? "cdata" : "python_object");
        return NULL;
    }
    if (!block_live(L, fo, 1)) {
        tdmL_finalized_error(L, lang);
    }
    *proto = fo->proto;
    return fo->handle;
}

void *tdmL_block_proof(const tdmL_State *st, tdm_LangId lang, const void *p, size_t len,
                       int *proto)
{
    if (len == TDML_PWORD) {
        uint64_t w = pword(p);
        if (lang == TDM_LANG_PYTHON && (w & TDML_PMASK) == st->ptag && w != st->ptag) {
            *proto = TDM_PROTO_DEFAULT;
            return (void *)(uintptr_t)(w & ~TDML_PMASK);
        }
    } else if (len == sizeof(tdmL_Foreign)) {
        const tdmL_Foreign *fo = p;
        if (fo->rt == st->rt && fo->lang == lang && fo->handle != NULL && !fo->borrowed) {
            *proto = fo->proto;
            return fo->handle;
        }
    }
    return NULL;
}

static inline void *block_handle(lua_State *L, tdmL_State *st, tdm_LangId lang, int idx,
                                 int *proto)
{
    const void *p = lua_touserdata(L, idx);
    return p != NULL ? tdmL_block_proof(st, lang, p, lua_rawlen(L, idx), proto) : NULL;
}


static inline void *self_block(lua_State *L, tdmL_State *st, tdm_LangId lang, int *proto)
{
    /* The cheap proof first (~40 instructions instead of ~190): a full
       userdata of exactly a block's size (lua_rawlen is 0 for anything else
       lua_touserdata accepts) that only tandem's own blocks fill so — a
       word whose tag bits are this state's random tag (a Python object),
       or a struct whose runtime field is this runtime (cdata blocks are
       larger) — of this language, holding its object and not a view (the
       same proof foreign_gc relies on). Anything else — a view, a finalized
       object, a stranger — takes the full check (self_block_full), with the
       metatable. */
    void *h = block_handle(L, st, lang, 1, proto);
    if (h != NULL) {
        return h;
    }
    return self_block_full(L, st, lang, proto);
}

static inline __attribute__((always_inline)) int mm_run(lua_State *L, tdmL_State *st,
                                                     tdm_LangId lang, int op, int sub)
{
    int n = lua_gettop(L);
    void *self = NULL;
    int proto = TDM_PROTO_DEFAULT;
    /* the operand of a unary operation is this metamethod's own object; a
       binary one (arithmetic, comparison, concat) may have it on either
       side, and arg_value checks each operand */
    if (op == TDM_OP_CALL || op == TDM_OP_LEN || op == TDM_OP_STR) {
        self = self_block(L, st, lang, &proto);
    } else if (op == TDM_OP_INDEX || op == TDM_OP_NEWINDEX) {
        self = self_block(L, st, lang, &proto);
        if (proto == TDM_PROTO_ATTR) {
            op = op == TDM_OP_INDEX ? TDM_OP_GETATTR : TDM_OP_SETATTR;
        } else if (proto == TDM_PROTO_ITEM) {
            op = op == TDM_OP_INDEX ? TDM_OP_GETITEM : TDM_OP_SETITEM;
        } else if (proto == TDM_PROTO_FUNC) {
            return luaL_error(L, "cannot index a python.as_function() object");
        }
    } else if (op == TDM_OP_ARITH && (sub == TDM_AR_UNM || sub == TDM_AR_BNOT)) {
        self = self_block(L, st, lang, &proto);
        n = 1;      /* Lua passes the operand twice */
    } else if (op == TDM_OP_COMPARE) {
        n = 2;
    }
    if (op == TDM_OP_LEN || op == TDM_OP_STR) {
        n = 1;
    }
    /* Lua gave this C function LUA_MINSTACK free slots; self_block's slow
       path may have used one (the metatable it leaves) */
    int nres = tdmL_foreign_call_on(L, st, lang, op, sub, self, proto, 1, n,
                                    LUA_MINSTACK - 1);
    if (op == TDM_OP_COMPARE) {
        lua_pushboolean(L, nres > 0 && lua_toboolean(L, -1));
        return 1;
    }
    if (op == TDM_OP_STR && (nres < 1 || lua_type(L, -1) != LUA_TSTRING)) {
        return luaL_error(L, "__tostring did not produce a string");
    }
    if (op == TDM_OP_STR && lang == TDM_LANG_PYTHON) {
        with_raise_site(L);
    }
    return nres;
}

static int foreign_mm(lua_State *L)
{
    const tdmL_Meta *m = lua_touserdata(L, lua_upvalueindex(1));
    return mm_run(L, m->st, (tdm_LangId)m->lang, m->op, m->sub);
}

/* The state of a metamethod's Lua state: from the allocator's ud when
   tandem made the state (a few instructions; reading the upvalue through
   its pseudo-index costs ~35), else from the upvalue (a lua5.4 host's
   state). */
static inline tdmL_State *mm_state(lua_State *L)
{
    void *ud;
    if (lua_getallocf(L, &ud) == tdmL_alloc) {
        return ud;
    }
    return ((const tdmL_Meta *)lua_touserdata(L, lua_upvalueindex(1)))->st;
}

/* __call and __index of Python objects, the hot metamethods: the same as
   foreign_mm with the operation known where it is compiled. */
static int py_call_mm(lua_State *L)
{
    return mm_run(L, mm_state(L), TDM_LANG_PYTHON, TDM_OP_CALL, 0);
}

/* obj.name with a string name on a proxy of the default protocol asks for
   a method answer (TDM_IX_METHOD): a function found on the type comes back
   with `true`, and becomes a method block (obj, function) instead of the
   proxy of a bound method. */
static int py_index_mm(lua_State *L)
{
    tdmL_State *st = mm_state(L);
    int proto = TDM_PROTO_DEFAULT;
    void *self = block_handle(L, st, TDM_LANG_PYTHON, 1, &proto);
    if (self == NULL || proto != TDM_PROTO_DEFAULT || lua_type(L, 2) != LUA_TSTRING
        || lua_gettop(L) != 2) {
        return mm_run(L, st, TDM_LANG_PYTHON, TDM_OP_INDEX, 0);
    }
    int nres = tdmL_foreign_call_on(L, st, TDM_LANG_PYTHON, TDM_OP_INDEX, TDM_IX_METHOD,
                                    self, proto, 1, 2, LUA_MINSTACK);
    if (nres != 2 || lua_type(L, -1) != LUA_TBOOLEAN) {
        return nres;
    }
    lua_pop(L, 1);                      /* ..., fn */
    tdmL_Foreign *m = lua_newuserdatauv(L, sizeof *m, 2);
    m->handle = st;                     /* method_block's marks */
    m->rt = NULL;
    m->lang = TDM_LANG_PYTHON;
    m->proto = TDM_PROTO_DEFAULT;
    m->borrowed = 0;
    lua_rotate(L, -2, 1);               /* ..., m, fn */
    lua_setiuservalue(L, -2, 2);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &mmeta_key);
    lua_setmetatable(L, -2);
    return 1;
}

/* __call of a method block m: m(a, b) is fn(obj, a, b), and obj:name(a)
   passes obj again, which Python drops (TDM_CALL_METHOD): what calling the
   bound method does. */
static int py_method_call(lua_State *L)
{
    tdmL_State *st = mm_state(L);
    if (!method_block(lua_touserdata(L, 1), lua_rawlen(L, 1), st)) {
        return luaL_typeerror(L, 1, "python_object");
    }
    int n = lua_gettop(L);
    lua_getiuservalue(L, 1, 2);         /* n+1: the function */
    lua_getiuservalue(L, 1, 1);         /* n+2: the object */
    int fproto = TDM_PROTO_DEFAULT, oproto = TDM_PROTO_DEFAULT;
    void *fn = block_handle(L, st, TDM_LANG_PYTHON, n + 1, &fproto);
    void *obj = block_handle(L, st, TDM_LANG_PYTHON, n + 2, &oproto);
    if (fn == NULL || obj == NULL) {
        /* not plain live proxies (a resurrected block): the checked path */
        lua_settop(L, n);
        lua_getiuservalue(L, 1, 1);
        lua_insert(L, 2);
        lua_getiuservalue(L, 1, 2);
        lua_replace(L, 1);
        fn = self_block_full(L, st, TDM_LANG_PYTHON, &fproto);
        return tdmL_foreign_call_on(L, st, TDM_LANG_PYTHON, TDM_OP_CALL, TDM_CALL_METHOD,
                                    fn, fproto, 1, n + 1, LUA_MINSTACK - 3);
    }
    tdm_Runtime *rt = st->rt;
    tdmS_Frame f;
    tdmS_init(&f, rt, rt->lang[TDM_LANG_PYTHON], TDM_OP_CALL, TDM_LANG_LUA);
    f.sub = TDM_CALL_METHOD;
    f.incoro = L != st->main;
    if (n + 1 > TDM_FRAME_INLINE && tdmS_reserve_args(&f, n + 1) != TDM_OK) {
        return luaL_error(L, "not enough memory");
    }
    obj_value(&f.args[0], TDM_LANG_PYTHON, fn, fproto);
    obj_value(&f.args[1], TDM_LANG_PYTHON, obj, oproto);
    f.nargs = 2;
    return call_frame(L, st, &f, 2, 2, n - 1, LUA_MINSTACK - 2);
}

/* upvalues: 1 = the runtime (light userdata), 2 = lang, 3 = the state's
   tag of one-word blocks (ladapter.h: tdmL_Foreign). Releases the
   handle once, when the collector calls it: a resurrected object has none
   left (block_live). A call from Lua code (debug.getmetatable(o).__gc(o))
   does nothing: the object may be in use below it — a callback can run
   while the other language works on the object through a borrowed handle
   (a generator python.iter is stepping, say). Anything that is not our block
   (a value given the metatable through debug.setmetatable) is left alone. */
static int foreign_gc(lua_State *L)
{
    tdmL_Foreign *fo = lua_touserdata(L, 1);    /* full or light: see valid_block */
    if (fo == NULL || lua_rawlen(L, 1) != sizeof *fo
        || fo->rt != lua_touserdata(L, lua_upvalueindex(1))
        || fo->lang != lua_tointeger(L, lua_upvalueindex(2)) || fo->handle == NULL
        || !tdmL_collecting(L)) {
        return 0;
    }
    void *h = fo->handle;
    fo->handle = NULL;
    if (!fo->borrowed) {            /* a view releases nothing */
        tdmR_hold(fo->rt, (tdm_LangId)fo->lang, h, -1);
        release_handle(fo->rt, (tdm_LangId)fo->lang, h);
    }
    return 0;
}

/* __gc of Python objects: a one-word block here (the struct in
   foreign_gc). The state, its tag and runtime come from the allocator's
   ud when tandem made the Lua state (mm_state), else from the upvalues. */
static int py_gc(lua_State *L)
{
    void *p = lua_touserdata(L, 1);
    if (p == NULL || lua_rawlen(L, 1) != TDML_PWORD) {
        return foreign_gc(L);
    }
    void *ud;
    uint64_t tag;
    tdm_Runtime *rt;
    if (lua_getallocf(L, &ud) == tdmL_alloc) {
        tag = ((tdmL_State *)ud)->ptag;
        rt = ((tdmL_State *)ud)->rt;
    } else {
        tag = (uint64_t)lua_tointeger(L, lua_upvalueindex(3));
        rt = lua_touserdata(L, lua_upvalueindex(1));
    }
    uint64_t w = pword(p);
    if ((w & TDML_PMASK) != tag || w == tag || !tdmL_collecting(L)) {
        return 0;
    }
    void *h = (void *)(uintptr_t)(w & ~TDML_PMASK);
    memcpy(p, &tag, sizeof tag);        /* the handle is gone */
    tdmR_hold(rt, TDM_LANG_PYTHON, h, -1);
    release_handle(rt, TDM_LANG_PYTHON, h);
    return 0;
}

typedef struct mm {
    const char *name;
    int op, sub;
} mm;

static const mm metamethods[] = {
    {"__index", TDM_OP_INDEX, 0},
    {"__newindex", TDM_OP_NEWINDEX, 0},
    {"__call", TDM_OP_CALL, 0},
    {"__len", TDM_OP_LEN, 0},
    {"__tostring", TDM_OP_STR, 0},
    {"__eq", TDM_OP_COMPARE, TDM_CMP_EQ},
    {"__lt", TDM_OP_COMPARE, TDM_CMP_LT},
    {"__le", TDM_OP_COMPARE, TDM_CMP_LE},
    {"__add", TDM_OP_ARITH, TDM_AR_ADD},
    {"__sub", TDM_OP_ARITH, TDM_AR_SUB},
    {"__mul", TDM_OP_ARITH, TDM_AR_MUL},
    {"__mod", TDM_OP_ARITH, TDM_AR_MOD},
    {"__pow", TDM_OP_ARITH, TDM_AR_POW},
    {"__div", TDM_OP_ARITH, TDM_AR_DIV},
    {"__idiv", TDM_OP_ARITH, TDM_AR_IDIV},
    {"__band", TDM_OP_ARITH, TDM_AR_BAND},
    {"__bor", TDM_OP_ARITH, TDM_AR_BOR},
    {"__bxor", TDM_OP_ARITH, TDM_AR_BXOR},
    {"__shl", TDM_OP_ARITH, TDM_AR_SHL},
    {"__shr", TDM_OP_ARITH, TDM_AR_SHR},
    {"__unm", TDM_OP_ARITH, TDM_AR_UNM},
    {"__bnot", TDM_OP_ARITH, TDM_AR_BNOT},
    {"__concat", TDM_OP_ARITH, TDM_AR_CONCAT},
};

/* A tag for st's one-word blocks: 21 random bits in TDML_PMASK, neither
   all zero (a pointer's) nor all one (a small negative integer's), so that
   only the state's own blocks carry it (a stranger has to guess it: 1 in
   2^21). From getrandom, else the clock and addresses. */
static uint64_t new_ptag(tdmL_State *st)
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        r = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)st
            ^ (uint64_t)ts.tv_sec << 32 ^ (uint64_t)(uintptr_t)&r >> 4;
        r ^= r >> 29;
        r *= 0xBF58476D1CE4E5B9ull;
    }
    uint64_t hi = r & (~(uint64_t)0 << 47);
    if (hi == 0 || hi == (~(uint64_t)0 << 47)) {
        hi ^= (uint64_t)1 << 50;
    }
    return hi | (r & 15);
}

/* [-0, +0, m] */
void tdmL_foreign_init(lua_State *L, tdmL_State *st, tdm_LangId lang)
{
    if (st->ptag == 0) {
        st->ptag = new_ptag(st);
    }
    size_t n = sizeof metamethods / sizeof metamethods[0];
    lua_createtable(L, 0, (int)n + 3);
    for (size_t i = 0; i < n; i++) {
        tdmL_Meta *m = lua_newuserdatauv(L, sizeof *m, 0);
        m->st = st;
        m->lang = (uint8_t)lang;
        m->op = (uint8_t)metamethods[i].op;
        m->sub = (uint8_t)metamethods[i].sub;
        lua_CFunction fn = foreign_mm;
        if (lang == TDM_LANG_PYTHON && metamethods[i].op == TDM_OP_CALL) {
            fn = py_call_mm;
        } else if (lang == TDM_LANG_PYTHON && metamethods[i].op == TDM_OP_INDEX) {
            fn = py_index_mm;
        }
        lua_pushcclosure(L, fn, 1);
        lua_setfield(L, -2, metamethods[i].name);
    }
    lua_pushlightuserdata(L, st->rt);
    lua_pushinteger(L, lang);
    lua_pushinteger(L, (lua_Integer)st->ptag);
    lua_pushcclosure(L, lang == TDM_LANG_PYTHON ? py_gc : foreign_gc, 3);
    lua_setfield(L, -2, "__gc");
    lua_pushstring(L, lang == TDM_LANG_PYTHON ? "python_object" : "cdata");
    lua_setfield(L, -2, "__name");
    /* getmetatable(obj) is a copy without __gc (as lupa, its __index,
       __call ... are there to read and call); the metatable itself cannot
       be changed or reached from Lua code without the debug library */
    lua_createtable(L, 0, (int)n + 1);
    for (size_t i = 0; i < n; i++) {
        lua_getfield(L, -2, metamethods[i].name);
        lua_setfield(L, -2, metamethods[i].name);
    }
    lua_getfield(L, -2, "__name");
    lua_setfield(L, -2, "__name");
    lua_setfield(L, -2, "__metatable");
    st->fmeta[lang] = lua_topointer(L, -1);
    if (lang == TDM_LANG_PYTHON) {
        /* method blocks: the same metamethods (each makes the block a proxy
           first, self_block_full and tdmL_toforeign), their own __call, no
           __gc, the same getmetatable() answer */
        lua_createtable(L, 0, (int)n + 2);
        for (size_t i = 0; i < n; i++) {
            if (metamethods[i].op == TDM_OP_CALL) {
                tdmL_Meta *m = lua_newuserdatauv(L, sizeof *m, 0);
                m->st = st;
                m->lang = (uint8_t)lang;
                m->op = TDM_OP_CALL;
                m->sub = TDM_CALL_METHOD;
                lua_pushcclosure(L, py_method_call, 1);
            } else {
                lua_getfield(L, -2, metamethods[i].name);
            }
            lua_setfield(L, -2, metamethods[i].name);
        }
        lua_getfield(L, -2, "__name");
        lua_setfield(L, -2, "__name");
        lua_getfield(L, -2, "__metatable");
        lua_setfield(L, -2, "__metatable");
        st->mmeta = lua_topointer(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &mmeta_key);
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &fmeta_keys[lang]);
}
