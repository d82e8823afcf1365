/*
 * lsrcrec.c — the record of the texts of chunks tandem loads under a name
 * that is not their text (docs/translation.md "Lua → Python", sources), so
 * that TDM_OP_SOURCEIR (lsourceir.c) finds the source of any function
 * defined in code tandem ran: tdm_exec/tdm_eval, lua.execute/lua.eval (their
 * "=<lua:N>" and custom chunk names), and, in states tandem creates, Lua
 * code's own load(text, name) (the base `load` is replaced by an equivalent
 * that records).
 *
 * The record maps a chunk name (Lua's `source`, as debug.getinfo gives it)
 * to the text loaded under it. It is bounded (REC_MAXN chunks, REC_MAXB
 * bytes; the oldest are forgotten first) and never gives a wrong text:
 *   - a name loaded again with another text becomes ambiguous (false): its
 *     functions are refused;
 *   - a forgotten name sets a bit of a fixed filter (hash of the name); a
 *     name recorded later whose bit is set is uncertain (false) too, since
 *     functions of the forgotten text may still exist. The names the Python
 *     adapter makes ("=<lua:N>", N growing per process) never come back and
 *     set no bit.
 * Chunks loaded by C code that calls lua_load itself are not seen.
 */
#include <string.h>

#include "ladapter.h"

#define REC_MAXN 4096
#define REC_MAXB ((lua_Integer)8 << 20)     /* counted against a sandbox's memory too */
#define REC_FILTER 4096
#define REC_READMAX ((lua_Integer)1 << 20)    /* text kept from a reader function */

/* the record: { map, ring, head, tail, bytes, filter } */
enum { R_MAP = 1, R_RING, R_HEAD, R_TAIL, R_BYTES, R_FILTER };

static const char key_rec = 0;

static void push_rec(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_rec) == LUA_TTABLE) {
        return;
    }
    lua_pop(L, 1);
    lua_createtable(L, 6, 0);
    lua_newtable(L);
    lua_rawseti(L, -2, R_MAP);
    lua_newtable(L);
    lua_rawseti(L, -2, R_RING);
    lua_pushinteger(L, 1);
    lua_rawseti(L, -2, R_HEAD);         /* the oldest name's slot */
    lua_pushinteger(L, 1);
    lua_rawseti(L, -2, R_TAIL);         /* the next free slot */
    lua_pushinteger(L, 0);
    lua_rawseti(L, -2, R_BYTES);
    lua_newtable(L);
    lua_rawseti(L, -2, R_FILTER);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &key_rec);
}

static lua_Integer geti(lua_State *L, int rec, int k)
{
    lua_rawgeti(L, rec, k);
    lua_Integer v = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return v;
}

static void seti(lua_State *L, int rec, int k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_rawseti(L, rec, k);
}

static lua_Integer name_bit(const char *s, size_t n)
{
    unsigned long h = 2166136261UL;     /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h = ((h ^ (unsigned char)s[i]) * 16777619UL) & 0xffffffffUL;
    }
    return (lua_Integer)(h % REC_FILTER) + 1;
}

/* Names the Python adapter makes: unique per process, never reused. */
static int tandem_name(const char *s, size_t n)
{
    return n > 6 && memcmp(s, "=<lua:", 6) == 0;
}

/* Forget the oldest record (rec at index rec). */
static void evict(lua_State *L, int rec)
{
    lua_Integer head = geti(L, rec, R_HEAD);
    lua_rawgeti(L, rec, R_RING);
    int ring = lua_gettop(L);
    lua_rawgeti(L, ring, head);                 /* name */
    lua_pushnil(L);
    lua_rawseti(L, ring, head);
    seti(L, rec, R_HEAD, head + 1);
    lua_rawgeti(L, rec, R_MAP);
    lua_pushvalue(L, -2);
    lua_rawget(L, -2);                          /* name map text|false */
    if (lua_type(L, -1) == LUA_TSTRING) {
        seti(L, rec, R_BYTES, geti(L, rec, R_BYTES) - (lua_Integer)lua_rawlen(L, -1));
    }
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    lua_pushnil(L);
    lua_rawset(L, -3);                          /* map[name] = nil */
    lua_pop(L, 1);
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    if (s != NULL && !tandem_name(s, n)) {
        lua_rawgeti(L, rec, R_FILTER);
        lua_pushboolean(L, 1);
        lua_rawseti(L, -2, name_bit(s, n));
        lua_pop(L, 1);
    }
    lua_pop(L, 2);                              /* name, ring */
}

void tdmL_record_source(lua_State *L, const char *name, const char *text, size_t len)
{
    size_t nn = strlen(name);
    if ((text != NULL && nn == len && memcmp(name, text, len) == 0)
            || !lua_checkstack(L, 8)) {
        return;             /* Lua keeps this source itself (its chunk name) */
    }
    push_rec(L);
    int rec = lua_gettop(L);
    lua_rawgeti(L, rec, R_MAP);
    int map = lua_gettop(L);
    lua_pushlstring(L, name, nn);
    int key = lua_gettop(L);
    lua_pushvalue(L, key);
    int had = lua_rawget(L, map);
    if (had != LUA_TNIL) {
        if (had == LUA_TSTRING) {
            size_t on;
            const char *old = lua_tolstring(L, -1, &on);
            if (text == NULL || on != len || memcmp(old, text, len) != 0) {
                seti(L, rec, R_BYTES, geti(L, rec, R_BYTES) - (lua_Integer)on);
                lua_pushvalue(L, key);
                lua_pushboolean(L, 0);          /* two texts: ambiguous */
                lua_rawset(L, map);
            }
        }
        lua_settop(L, rec - 1);
        return;
    }
    lua_pop(L, 1);
    int certain = text != NULL && (lua_Integer)len <= REC_MAXB;
    if (certain && !tandem_name(name, nn)) {
        lua_rawgeti(L, rec, R_FILTER);
        certain = lua_rawgeti(L, -1, name_bit(name, nn)) == LUA_TNIL;
        lua_pop(L, 2);
    }
    lua_pushvalue(L, key);
    if (certain) {
        lua_pushlstring(L, text, len);
        seti(L, rec, R_BYTES, geti(L, rec, R_BYTES) + (lua_Integer)len);
    } else {
        lua_pushboolean(L, 0);          /* functions of a forgotten text may exist */
    }
    lua_rawset(L, map);
    lua_Integer tail = geti(L, rec, R_TAIL);
    lua_rawgeti(L, rec, R_RING);
    lua_pushvalue(L, key);
    lua_rawseti(L, -2, tail);
    lua_pop(L, 1);
    seti(L, rec, R_TAIL, tail + 1);
    while (geti(L, rec, R_TAIL) - geti(L, rec, R_HEAD) > REC_MAXN
           || geti(L, rec, R_BYTES) > REC_MAXB) {
        evict(L, rec);
    }
    lua_settop(L, rec - 1);
}

int tdmL_recorded_source(lua_State *L, const char *name)
{
    if (!lua_checkstack(L, 4)) {
        return LUA_TNIL;
    }
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &key_rec) != LUA_TTABLE) {
        lua_pop(L, 1);
        return LUA_TNIL;
    }
    lua_rawgeti(L, -1, R_MAP);
    int t = lua_getfield(L, -1, name);
    if (t == LUA_TNIL) {
        lua_pop(L, 3);
        return LUA_TNIL;
    }
    lua_replace(L, -3);
    lua_pop(L, 1);
    return t;
}

/* ---- load, recording (luaB_load of Lua 5.4's lbaselib.c, plus the record) */

#define RESERVEDSLOT 5

static const char *generic_reader(lua_State *L, void *ud, size_t *size)
{
    (void)ud;
    luaL_checkstack(L, 2, "too many nested functions");
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        *size = 0;
        return NULL;
    }
    else if ((!lua_isstring(L, -1))) {
        luaL_error(L, "reader function must return a string");
    }
    lua_replace(L, RESERVEDSLOT);
    /* the pieces, for the record (slot 6; false once past REC_READMAX: a
       reader may feed an endless comment, whose text Lua's load never holds) */
    if (lua_istable(L, RESERVEDSLOT + 1)) {
        lua_Integer k = (lua_Integer)lua_rawlen(L, RESERVEDSLOT + 1) + 1;
        lua_rawgeti(L, RESERVEDSLOT + 1, 0);
        lua_Integer bytes = lua_tointeger(L, -1) + (lua_Integer)lua_rawlen(L, RESERVEDSLOT);
        lua_pop(L, 1);
        if (bytes > REC_READMAX) {
            lua_pushboolean(L, 0);
            lua_replace(L, RESERVEDSLOT + 1);
        } else {
            lua_pushinteger(L, bytes);
            lua_rawseti(L, RESERVEDSLOT + 1, 0);
            lua_pushvalue(L, RESERVEDSLOT);
            lua_rawseti(L, RESERVEDSLOT + 1, k);
        }
    }
    return lua_tolstring(L, RESERVEDSLOT, size);
}

static int load_aux(lua_State *L, int status, int envidx)
{
    if ((status == LUA_OK)) {
        if (envidx != 0) {
            lua_pushvalue(L, envidx);
            if (!lua_setupvalue(L, -2, 1)) {
                lua_pop(L, 1);
            }
        }
        return 1;
    }
    else {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
}

static int rec_load(lua_State *L)
{
    int status;
    size_t l;
    const char *s = lua_tolstring(L, 1, &l);
    const char *mode = luaL_optstring(L, 3, "bt");
    int env = (!lua_isnone(L, 4) ? 4 : 0);
    if (s != NULL) {
        const char *chunkname = luaL_optstring(L, 2, s);
        status = luaL_loadbufferx(L, s, l, chunkname, mode);
        if (status == LUA_OK && chunkname != s && (l == 0 || s[0] != LUA_SIGNATURE[0])) {
            tdmL_record_source(L, chunkname, s, l);
        }
    }
    else {
        const char *chunkname = luaL_optstring(L, 2, "=(load)");
        luaL_checktype(L, 1, LUA_TFUNCTION);
        lua_settop(L, RESERVEDSLOT);
        lua_newtable(L);                /* RESERVEDSLOT + 1: the pieces read */
        status = lua_load(L, generic_reader, NULL, chunkname, mode);
        if (status == LUA_OK && !lua_istable(L, RESERVEDSLOT + 1)) {
            tdmL_record_source(L, chunkname, NULL, 0);      /* text not kept */
        } else if (status == LUA_OK) {
            luaL_Buffer b;
            lua_Integer n = (lua_Integer)lua_rawlen(L, RESERVEDSLOT + 1);
            luaL_buffinit(L, &b);
            for (lua_Integer i = 1; i <= n; i++) {
                lua_rawgeti(L, RESERVEDSLOT + 1, i);
                luaL_addvalue(&b);
            }
            luaL_pushresult(&b);
            size_t tl;
            const char *text = lua_tolstring(L, -1, &tl);
            if (tl == 0 || text[0] != LUA_SIGNATURE[0]) {
                tdmL_record_source(L, chunkname, text, tl);
            }
            lua_pop(L, 1);
        }
    }
    return load_aux(L, status, env);
}

void tdmL_open_load(lua_State *L)
{
    lua_pushcfunction(L, rec_load);
    lua_setglobal(L, "load");
}
