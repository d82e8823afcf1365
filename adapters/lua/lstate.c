/*
 * lstate.c — Lua states of a runtime: creation with a memory-limited
 * allocator, refs held from outside Lua, controls (gc, memory).
 */
#include <stdlib.h>
#include <string.h>
#include <lualib.h>
#include "ladapter.h"

const char tdmL_key_state = 0;
const char tdmL_key_cache = 0;
const char tdmL_key_lasterr = 0;
const char tdmL_key_deptherr = 0;

/* slots the main thread's stack keeps from the start (l_open) */
#define TDML_BASE_STACK 1000

void *tdmL_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    tdmL_State *st = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        st->used -= old;
        return NULL;
    }
    if (st->max_alloc != 0 && nsize > old && nsize > st->max_alloc) {
        st->alloc_hit = 1;      /* a sandbox's max_string (lsandbox.c) */
        return NULL;
    }
    if (st->limit != 0 && nsize > old && st->used - old + nsize > st->limit) {
        st->limit_hit = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p != NULL) {
        st->used = st->used - old + nsize;
    }
    return p;
}

tdmL_State *tdmL_state(lua_State *L)
{
    tdmL_State *st;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &tdmL_key_state);
    st = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return st;
}

/* [-0, +0, m] */
void tdmL_setup_registry(lua_State *L, tdmL_State *st)
{
    lua_pushlightuserdata(L, st);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &tdmL_key_state);
    lua_newtable(L);                        /* handle -> userdata, weak values */
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "v");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &tdmL_key_cache);
    /* the string cache (64 KB) is made by the first string that crosses
       (tdmL_strcache_make): a runtime that passes no string does not pay it */
    st->strcache = NULL;
    for (int lang = TDM_LANG_PYTHON; lang < TDM_NLANG; lang++) {
        tdmL_foreign_init(L, st, (tdm_LangId)lang);
    }
    /* coroutine.yield that a generator throw()/close() can raise at */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    if (lua_getfield(L, -1, LUA_COLIBNAME) == LUA_TTABLE) {
        lua_pushcfunction(L, tdmL_yield);
        lua_setfield(L, -2, "yield");
    }
    lua_pop(L, 2);
}

/* Make the string cache. It is C memory, outside the Lua allocator, so a
   runtime under set_max_memory does not see its first string crossing
   fail for a cache it never asked for; freed in l_close. Without memory
   the cache simply stays off (strings are pushed uncached). */
void tdmL_strcache_make(tdmL_State *st)
{
    st->strcache = calloc(TDML_STRCACHE, sizeof *st->strcache);
}

/* Refs live in the registry (luaL_ref): reading one is a single array
   lookup on the crossing path. Each ref has an owner count in C memory so a
   handle can be shared (retain) and is unref'd when the last owner lets go.

   A released ref is not handed back to luaL_ref's free list (two reads and
   two writes of the registry each way) but kept in st->freerefs with false
   in its slot, for this adapter's next ref: one registry write each way.
   The slot stays non-nil, so luaL_ref, which other C code in the state may
   use on the same registry, never hands it out (its new refs come from its
   own free list or past the registry's border, and false is no border). */
static void set_refstate(tdmL_State *st, int ref, int state)
{
    uint8_t *b = &st->refst[ref >> 2];
    int shift = (ref & 3) * 2;
    *b = (uint8_t)((*b & ~(3 << shift)) | (state << shift));
}

void *tdmL_ref(lua_State *L, tdmL_State *st, int idx)
{
    lua_pushvalue(L, idx);
    if (st->nfree > 0 && !lua_isnil(L, -1)) {
        /* a slot of ours that holds false: a key that exists, no allocation */
        int ref = st->freerefs[--st->nfree];
        lua_rawseti(L, LUA_REGISTRYINDEX, ref);
        set_refstate(st, ref, TDML_REF_LIVE);
        return (void *)(intptr_t)ref;
    }
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    if (ref >= st->nrefst) {
        int n = st->nrefst ? st->nrefst : 1024;
        while (n <= ref) {
            n *= 2;
        }
        uint8_t *p = realloc(st->refst, (size_t)n / 4);
        if (p == NULL) {
            luaL_unref(L, LUA_REGISTRYINDEX, ref);
            luaL_error(L, "not enough memory");
            return NULL;
        }
        memset(p + st->nrefst / 4, 0, (size_t)(n - st->nrefst) / 4);
        st->refst = p;
        st->nrefst = n;
    }
    set_refstate(st, ref, TDML_REF_LIVE);
    return (void *)(intptr_t)ref;
}

void tdmL_getref(lua_State *L, tdmL_State *st, void *handle)
{
    (void)st;
    lua_rawgeti(L, LUA_REGISTRYINDEX, (lua_Integer)(intptr_t)handle);
}

/* Free a ref: its slot kept for tdmL_ref (see above), or when the list
   cannot grow given back to luaL_ref. Neither allocates in Lua nor raises
   (the slot's key exists). Needs 1 stack slot. */
static void unref(lua_State *L, tdmL_State *st, int ref)
{
    if (st->nfree == st->cfree) {
        int n = st->cfree ? st->cfree * 2 : 64;
        int *p = n > st->cfree ? realloc(st->freerefs, (size_t)n * sizeof *p) : NULL;
        if (p == NULL) {
            luaL_unref(L, LUA_REGISTRYINDEX, ref);
            return;
        }
        st->freerefs = p;
        st->cfree = n;
    }
    lua_pushboolean(L, 0);
    lua_rawseti(L, LUA_REGISTRYINDEX, ref);
    st->freerefs[st->nfree++] = ref;
}

/* Drop one owner of a ref: callable from any zone; defers when another
   thread holds the runtime. unref only stores into keys that exist (the
   ref's slot, and for luaL_unref the free-list head luaL_ref created), so it
   does not allocate or raise. */
static void l_release(tdm_Runtime *rt, void *handle)
{
    if (!tdmR_trylock(rt)) {
        tdmR_defer(rt, TDM_LANG_LUA, handle);
        return;
    }
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    int ref = (int)(intptr_t)handle;
    if (st != NULL && st->L != NULL && tdmL_refstate(st, ref) == TDML_REF_LIVE) {
        void *key = (void *)(intptr_t)ref;
        intptr_t n = st->refmore.used ? (intptr_t)tdmI_get(&st->refmore, key) : 0;
        if (n > 2) {
            (void)tdmI_put(&st->refmore, key, (void *)(n - 1));  /* fails: kept */
        } else if (n == 2) {
            tdmI_del(&st->refmore, key, (void *)n);             /* one owner left */
        } else if (lua_checkstack(st->L, 2)) {
            set_refstate(st, ref, TDML_REF_FREE);
            if (ref == st->coref) {
                st->coref = 0;      /* the slot may be reused for another value */
                st->co = NULL;
            }
            unref(st->L, st, ref);
        } else {
            tdmR_defer(rt, TDM_LANG_LUA, handle);
        }
    }
    tdmR_unlock(rt);
}

/* Add an owner to a ref (no Lua allocation). */
static void l_retain(tdm_Runtime *rt, void *handle)
{
    tdmR_lock(rt);
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    int ref = (int)(intptr_t)handle;
    if (st != NULL && tdmL_refstate(st, ref) == TDML_REF_LIVE) {
        void *key = (void *)(intptr_t)ref;
        intptr_t n = st->refmore.used ? (intptr_t)tdmI_get(&st->refmore, key) : 0;
        if (tdmI_put(&st->refmore, key, (void *)(n ? n + 1 : 2)) != 0) {
            /* out of memory: the ref is kept for good rather than released
               while an owner has it */
            if (n != 0) {
                tdmI_del(&st->refmore, key, (void *)n);
            }
            set_refstate(st, ref, TDML_REF_KEPT);
        }
    }
    tdmR_unlock(rt);
}

/* Every crossing reads a ref (lua_rawgeti on the registry). A ref in the
   registry's array part is one indexed load; one in its hash part walks a
   hash chain, ~25 instructions more per read (callgrind, t.x from Python).
   A new state's registry has an array of 2 and grows it only at a rehash,
   which comes when its hash part is full: with the string and
   light-userdata keys the libraries put there, the first refs a program
   makes sat in the hash part. Made here first, while the registry holds
   nothing else, TDML_REG_ARRAY - 3 refs fill it as an array of
   TDML_REG_ARRAY slots (a rehash only moves keys to the hash part when
   fewer than half of the array's slots are used: freed refs hold the free
   list's links, so they stay), then are freed highest first, so luaL_ref
   hands the lowest out first. Costs the slots' 16 bytes each in the Lua
   heap. [-0, +0, m] */
#define TDML_REG_ARRAY 64

static void presize_registry(lua_State *L)
{
    int first = 0;
    int last = 0;
    for (int i = 3; i < TDML_REG_ARRAY; i++) {
        lua_pushboolean(L, 1);
        last = luaL_ref(L, LUA_REGISTRYINDEX);
        if (first == 0) {
            first = last;
        }
    }
    for (int ref = last; ref >= first && ref > 0; ref--) {
        luaL_unref(L, LUA_REGISTRYINDEX, ref);
    }
}

static int setup(lua_State *L)
{
    tdmL_State *st = lua_touserdata(L, 1);
    const tdmR_OpenOptions *o = lua_touserdata(L, 2);
    presize_registry(L);
    if (o->open_libs) {
        luaL_openlibs(L);
        tdmL_guard_cmodules(L);
        tdmL_open_coroutines(L, st);
        tdmL_open_load(L);
    }
    tdmL_setup_registry(L, st);
    /* require "tandem" / "tandem.ffi" use this copy, never a second
       tandem.so (which would adopt the state as a lua5.4 host's) */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_tandem_ffi);
    lua_setfield(L, -2, "tandem.ffi");
    lua_pushcfunction(L, luaopen_tandem);
    lua_setfield(L, -2, "tandem");
    lua_pop(L, 1);
    return 0;
}

/* A handle is a registry ref: valid when the ref is live and holds the
   object whose identity the value carries (a ref number of another runtime
   names some other value here, or nothing). */
static int l_valid(tdm_Runtime *rt, const tdm_Value *v)
{
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    int ref = (int)(intptr_t)v->u.obj;
    if (st == NULL || st->L == NULL || tdmL_refstate(st, ref) == TDML_REF_FREE) {
        return 0;
    }
    if (!lua_checkstack(st->L, 1)) {
        return 1;       /* cannot look: the ref itself is live */
    }
    lua_rawgeti(st->L, LUA_REGISTRYINDEX, ref);
    int same = lua_topointer(st->L, -1) == v->key;
    lua_pop(st->L, 1);
    return same;
}

/* tdmR_Lang.open: a new Lua state owned by rt. */
static int l_open(tdm_Runtime *rt, const tdmR_OpenOptions *opts, tdmS_Error *err)
{
    static const tdmR_OpenOptions defaults = {0, 1};
    const tdmR_OpenOptions *o = opts != NULL ? opts : &defaults;
    tdmL_State *st = calloc(1, sizeof *st);
    if (st == NULL) {
        return tdmS_set_error(err, TDM_ERRMEM, "not enough memory");
    }
    st->rt = rt;
    st->own = 1;
    st->L = lua_newstate(tdmL_alloc, st);
    if (st->L == NULL) {
        free(st);
        return tdmS_set_error(err, TDM_ERRMEM, "not enough memory");
    }
    lua_State *L = st->L;
    st->main = L;
    lua_pushcfunction(L, setup);
    lua_pushlightuserdata(L, st);
    lua_pushlightuserdata(L, (void *)o);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        tdmS_set_error(err, TDM_ERRMEM, lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                                       : "Lua set-up failed");
        lua_close(L);
        free(st);
        return TDM_ERRMEM;
    }
    /* the outermost crossings' message handler, kept at index 1 of the base
       level for the state's life: nothing tandem runs there goes below the
       top it found (a light C function: no allocation) */
    lua_pushcfunction(L, tdmL_msgh);
    st->basemsgh = 1;
    /* Lua 5.4.4 (Debian 12's liblua5.4) corrupts memory when its stack
       grows while a __concat metamethod runs for a concatenation of six
       values ("attempt to call a nil value", then a crash: a plain C host
       with one value below the function reproduces it; see
       tests/python/test_lua_stack_reserve.py). Reserving slots at the base
       level raises its CallInfo's top, which the collector never shrinks
       below: code that stays within them never moves the stack. (A
       coroutine's stack still starts small.) Not fatal if it fails. */
    lua_checkstack(L, TDML_BASE_STACK);
    st->limit = o->max_memory ? st->used + o->max_memory : 0;
    tdmR_attach(rt, &tdmL_lang, st);
    return TDM_OK;
}

tdmL_State *tdmL_attach_host(tdm_Runtime *rt, lua_State *L)
{
    tdmL_State *st = calloc(1, sizeof *st);
    if (st == NULL) {
        luaL_error(L, "not enough memory");
        return NULL;
    }
    st->rt = rt;
    st->own = 0;
    st->L = L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
    st->main = lua_tothread(L, -1);
    lua_pop(L, 1);
    tdmR_attach(rt, &tdmL_lang, st);
    tdmL_setup_registry(L, st);
    return st;
}

/* tdmR_Lang.close: runs the finalizers of an owned state; the table stays
   attached (its hooks see no state) until tdmR_detach. */
static void l_close(tdm_Runtime *rt)
{
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    if (st == NULL) {
        return;
    }
    tdmR_close(rt);
    tdmL_unwatch(st);           /* before the state it hooks goes */
    if (st->own && st->L != NULL) {
        lua_close(st->L);       /* finalizers run; releases see the runtime closed */
    }
    st->L = NULL;
    rt->state[TDM_LANG_LUA] = NULL;
    free(st->refst);
    free(st->freerefs);
    free(st->strcache);
    tdmI_free(&st->refmore);
    free(st);
}

/* tdmR_Lang.control (tdmR_Ctl codes). */
static long long l_control(tdm_Runtime *rt, int ctl, long long arg)
{
    long long r = 0;
    switch (ctl) {      /* codes that take no lock */
    case TDM_CTL_GLOBAL_SYMBOLS:
        return tdmL_global_symbols_are_ours();
    case TDM_CTL_WATCH_TICK:
        tdmL_watch_tick((void (*)(void))(uintptr_t)arg);
        return 0;
    case TDM_CTL_WATCH:
        if (rt == NULL) {
            return -1;
        }
        tdmL_watch(rt, (uintptr_t)arg);
        return 0;
    case TDM_CTL_INTERRUPT:
        return rt != NULL ? tdmL_interrupt(rt) : -1;
    case TDM_CTL_INTR_DROP: {   /* the caller holds the runtime lock */
        tdmL_State *cst = rt != NULL ? rt->state[TDM_LANG_LUA] : NULL;
        if (cst == NULL || cst->L == NULL) {
            return -1;
        }
        if (__atomic_load_n(&cst->intr, __ATOMIC_ACQUIRE) != 0) {
            tdmL_intr_clear(cst);
        }
        return 0;
    }
    default:
        break;
    }
    if (rt == NULL) {
        return -1;
    }
    tdmR_lock(rt);
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    if (st == NULL || st->L == NULL || rt->closed) {
        tdmR_unlock(rt);
        return -1;
    }
    lua_State *L = st->L;
    tdmR_drain(rt, TDM_LANG_LUA);
    switch (ctl) {
    case TDM_CTL_GC_COLLECT:
        lua_gc(L, LUA_GCCOLLECT);
        break;
    case TDM_CTL_GC_STOP:
        lua_gc(L, LUA_GCSTOP);
        break;
    case TDM_CTL_GC_RESTART:
        lua_gc(L, LUA_GCRESTART);
        break;
    case TDM_CTL_GC_ISRUNNING:
        r = lua_gc(L, LUA_GCISRUNNING);
        break;
    case TDM_CTL_MEM_USED:
        r = st->own ? (long long)st->used
                    : (long long)lua_gc(L, LUA_GCCOUNT) * 1024 + lua_gc(L, LUA_GCCOUNTB);
        break;
    case TDM_CTL_MEM_MAX:
        r = (long long)st->limit;
        break;
    case TDM_CTL_MEM_SETMAX:
        if (!st->own || arg < 0) {
            r = -1;
        } else {
            st->limit = (size_t)arg;
        }
        break;
    case TDM_CTL_SANDBOX: {
        const tdm_Policy *p = (const tdm_Policy *)(uintptr_t)arg;
        if (!st->own || p == NULL || !lua_checkstack(L, 2)) {
            r = -1;
            break;
        }
        int top = lua_gettop(L);
        lua_pushcfunction(L, tdmL_sandbox);
        lua_pushlightuserdata(L, (void *)p);
        r = lua_pcall(L, 1, 0, 0) == LUA_OK ? 0 : -1;
        lua_settop(L, top);
        if (r == 0) {
            st->max_alloc = p->max_string;
            st->max_match = p->max_match;
            st->limit = p->max_memory ? st->used + p->max_memory : 0;
            tdmL_budget_set(st, (long long)p->max_instructions, p->timeout);
        }
        break;
    }
    case TDM_CTL_BUDGET: {
        const tdm_Policy *p = (const tdm_Policy *)(uintptr_t)arg;
        if (p == NULL) {
            r = -1;
        } else {
            tdmL_budget_set(st, (long long)p->max_instructions, p->timeout);
        }
        break;
    }
    case TDM_CTL_VERSION_NUM:
        r = (long long)lua_version(L);
        break;
    default:
        r = -1;
        break;
    }
    tdmR_unlock(rt);
    return r;
}

const tdmR_Lang tdmL_lang = {
    .name = "lua",
    .id = TDM_LANG_LUA,
    .op = tdmL_op,
    .finish = tdmL_finish,
    .release = l_release,
    .retain = l_retain,
    .valid = l_valid,
    .peek = tdmL_peek,
    .peek_end = tdmL_peek_end,
    .open = l_open,
    .close = l_close,
    .control = l_control,
    .release_name = LUA_RELEASE,
};
