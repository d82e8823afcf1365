/*
 * test_lua_foreign.c — the two layouts of a foreign object's block in Lua
 * (adapters/lua/ladapter.h: tdmL_Foreign): a Python object whose handle packs
 * lives in one word (the handle and the state's tag), everything else in the
 * struct; both decode to the same fields, keep identity, take and release
 * one reference, and a stranger of a word's size is never taken for one.
 * The Lua adapter is real (libtandem.a); Python is a fake language that
 * counts references (its handles are never dereferenced).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "value.h"
#include "ladapter.h"
#include "check.h"

static _Alignas(16) char objs[64];     /* the fake objects' addresses */
static int retains, releases;
static void *released[8];

static int fake_op(tdmS_Frame *f) { return tdmS_error(f, TDM_ERRRUN, "fake: no ops"); }
static void fake_finish(tdmS_Frame *f) { (void)f; }
static void fake_retain(tdm_Runtime *rt, void *h) { (void)rt; (void)h; retains++; }
static void fake_release(tdm_Runtime *rt, void *h)
{
    (void)rt;
    if (releases < 8) {
        released[releases] = h;
    }
    releases++;
}

static const tdmR_Lang fake_python = {
    .name = "fakepy", .id = TDM_LANG_PYTHON, .op = fake_op, .finish = fake_finish,
    .release = fake_release, .retain = fake_retain,
};

/* One handle through its life: pushed, decoded, found again by identity,
   viewed, collected (one release). `word`: it should pack. */
static void check_handle(tdm_Runtime *rt, lua_State *L, tdmL_State *st, void *h, int word)
{
    int top = lua_gettop(L);
    retains = releases = 0;
    tdmL_pushforeign(L, st, TDM_LANG_PYTHON, h, 0, TDM_PROTO_DEFAULT, 0);
    CHECK_EQ_INT(retains, 1);
    CHECK_EQ_INT((long long)lua_rawlen(L, -1), word ? TDML_PWORD : (long long)sizeof(tdmL_Foreign));
    if (word) {
        uint64_t w;
        memcpy(&w, lua_touserdata(L, -1), sizeof w);
        CHECK(w == (st->ptag | (uintptr_t)h));
    }
    tdmL_Foreign fb;
    memset(&fb, 0xAA, sizeof fb);
    tdmL_Foreign *fo = tdmL_toforeign(L, st, -1, &fb);
    CHECK(fo == &fb);
    if (fo != NULL) {
        CHECK(fo->handle == h);
        CHECK(fo->rt == rt);
        CHECK_EQ_INT(fo->lang, TDM_LANG_PYTHON);
        CHECK_EQ_INT(fo->proto, TDM_PROTO_DEFAULT);
        CHECK_EQ_INT(fo->borrowed, 0);
    }
    CHECK(tdmL_finalized(L, st, -1, &fb) == NULL);
    CHECK_EQ_INT(tdmI_cget(&rt->held[TDM_LANG_PYTHON], h), 1);
    /* the same object again: the same userdata, no second reference */
    tdmL_pushforeign(L, st, TDM_LANG_PYTHON, h, 0, TDM_PROTO_DEFAULT, 0);
    CHECK(lua_rawequal(L, -1, -2));
    CHECK_EQ_INT(retains, 1);
    lua_pop(L, 1);
    /* a view (always the struct) of either layout: the same handle */
    tdmL_pushview(L, st, -1, TDM_PROTO_ITEM);
    CHECK_EQ_INT((long long)lua_rawlen(L, -1), (long long)sizeof(tdmL_Foreign));
    fo = tdmL_toforeign(L, st, -1, &fb);
    CHECK(fo != NULL && fo->handle == h && fo->proto == TDM_PROTO_ITEM && fo->borrowed);
    lua_settop(L, top);
    lua_gc(L, LUA_GCCOLLECT);
    lua_gc(L, LUA_GCCOLLECT);
    CHECK_EQ_INT(releases, 1);
    CHECK(released[0] == h);
    CHECK_EQ_INT(tdmI_cget(&rt->held[TDM_LANG_PYTHON], h), 0);
}

/* A userdata of a word's size holding w, given the Python objects'
   metatable (as debug.setmetatable can): never a live object of ours, and a
   metamethod called on it raises. `dead`: w is the tag alone, a finalized
   object's word (a handle-less word: nothing to reach through it). */
static void check_stranger(lua_State *L, tdmL_State *st, uint64_t w, int dead)
{
    int top = lua_gettop(L);
    tdmL_pushforeign(L, st, TDM_LANG_PYTHON, objs, 0, TDM_PROTO_DEFAULT, 0);    /* a real one */
    void *p = lua_newuserdatauv(L, sizeof w, 0);
    memcpy(p, &w, sizeof w);
    CHECK(lua_getmetatable(L, -2));
    lua_setmetatable(L, -2);
    tdmL_Foreign fb;
    CHECK(tdmL_toforeign(L, st, -1, &fb) == NULL);
    CHECK((tdmL_finalized(L, st, -1, &fb) != NULL) == dead);
    static const char *const mms[] = {"__index", "__call", "__len", "__tostring", "__unm"};
    for (size_t i = 0; i < sizeof mms / sizeof mms[0]; i++) {
        CHECK(lua_getmetatable(L, -1));
        lua_getfield(L, -1, mms[i]);
        lua_pushvalue(L, -3);
        lua_pushinteger(L, 1);
        CHECK_EQ_INT(lua_pcall(L, 2, 0, 0), LUA_ERRRUN);
        CHECK(strstr(lua_tostring(L, -1),
                     dead ? "deleted python object" : "python_object expected") != NULL);
        lua_pop(L, 2);
    }
    lua_settop(L, top);
}

int main(void)
{
    tdm_Runtime *rt = tdmR_new();
    tdmS_Error err = {0};
    tdmR_OpenOptions o = {0, 1};
    CHECK_EQ_INT(tdmR_open_lang(rt, TDM_LANG_LUA, &o, &err), TDM_OK);
    tdmR_attach(rt, &fake_python, NULL);
    tdmR_lock(rt);
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    lua_State *L = st->L;
    /* the tag: in the mask, neither all zero nor all one up there */
    uint64_t hi = st->ptag & (~(uint64_t)0 << 47);
    CHECK((st->ptag & ~TDML_PMASK) == 0);
    CHECK(hi != 0 && hi != (~(uint64_t)0 << 47));
    CHECK(((uintptr_t)objs & 15) == 0 && ((uintptr_t)objs >> 47) == 0);

    check_handle(rt, L, st, objs, 1);                    /* 16-aligned: one word */
    check_handle(rt, L, st, objs + 16, 1);
    check_handle(rt, L, st, objs + 8, 0);                /* 8-aligned: the struct */
    check_handle(rt, L, st, (void *)((uintptr_t)1 << 47 | 32), 0);     /* high bits */

    /* strangers of a word's size */
    check_stranger(L, st, (uint64_t)(uintptr_t)objs, 0);            /* a pointer */
    check_stranger(L, st, 1, 0);
    check_stranger(L, st, ~(uint64_t)0, 0);                         /* -1 */
    check_stranger(L, st, (st->ptag ^ (uint64_t)1 << 60) | (uintptr_t)objs, 0);
    check_stranger(L, st, (st->ptag ^ 1) | (uintptr_t)objs, 0);
    check_stranger(L, st, st->ptag, 1);                             /* no handle */
    lua_gc(L, LUA_GCCOLLECT);

    tdmR_unlock(rt);
    tdmR_lock(rt);
    tdmR_close_lang(rt, TDM_LANG_LUA);
    tdmR_unlock(rt);
    tdmR_detach(rt, TDM_LANG_PYTHON);
    tdmR_detach(rt, TDM_LANG_LUA);
    tdmR_decref(rt);
    return check_summary();
}
