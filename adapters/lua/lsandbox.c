/*
 * lsandbox.c — a Lua state for untrusted scripts (docs/sandbox.md).
 *
 * tdmL_sandbox (TDM_CTL_SANDBOX) strips the state down to the policy's
 * libraries and replaces what would reach the host or run unbounded in C:
 *  - globals: only the safe base functions and the kept libraries; os keeps
 *    time, clock, date and difftime; string.dump goes;
 *  - load: text chunks only; the sandbox's globals unless an env is given;
 *  - collectgarbage: "count" and "step" only;
 *  - xpcall: an error a hook raised skips the script's message handler,
 *    which would run with hooks off (sb_handler);
 *  - setmetatable: refuses a metatable with __gc (a finalizer runs outside
 *    any call's budget, e.g. when the host closes the runtime);
 *  - the string metatable is protected (__metatable);
 *  - C loops that do not reach the count hook are bounded up front:
 *    string.rep of an empty string, table.move's range, and pattern
 *    searches whose worst case (see pattern_cost) passes max_match.
 * Memory is bounded by the allocator (max_memory, max_string: lstate.c).
 */
#include <stdio.h>
#include <string.h>
#include "ladapter.h"

/* ---- bounded C functions -------------------------------------------------- */

/* string.rep(s, n, sep): the original loops n times even when s and sep are
   empty (nothing to allocate, so no cap stops it). [-0, +1, m] */
static int sb_rep(lua_State *L)
{
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* Worst-case steps of a search for pattern p (lp bytes) in a subject of ls
   bytes: each start position (one when anchored) times, for each repeated
   item (x*, x+, x-, %b), every length it can take, times the pattern's
   length. Backtracking of a Lua pattern never costs more. The pattern's
   part is its shape: how many factors of ls + 1 (pattern_shape). */
static int pattern_shape(const char *p, size_t lp)
{
    int k = 0;
    size_t i = 0;
    if (lp > 0 && p[0] == '^') {
        i = 1;
    } else {
        k++;            /* every start position */
    }
    for (; i < lp; i++) {
        char c = p[i];
        if (c == '%') {
            if (i + 1 < lp && p[i + 1] == 'b') {
                k++;
                i += 3;
            } else {
                i++;
            }
        } else if (c == '[') {
            i++;
            if (i < lp && p[i] == '^') {
                i++;
            }
            do {        /* the first ']' is a member */
                if (i < lp && p[i] == '%') {
                    i++;
                }
                i++;
            } while (i < lp && p[i] != ']');
        } else if (c == '*' || c == '+' || c == '-') {
            k++;
        }
    }
    return k;
}

static double pattern_cost(int k, size_t lp, size_t ls)
{
    double n = (double)ls + 1;
    double cost = (double)(lp ? lp : 1);
    for (int j = 0; j < k && cost <= 1e300; j++) {
        cost *= n;
    }
    return cost;
}

/* The shape of pattern p, through the state's one-entry cache: a script
   searches with the same few patterns over and over, and comparing a short
   pattern costs less than reading it again. The cache holds a copy of the
   pattern's bytes, never a pointer to a Lua string. */
static int shape_of(tdmL_State *st, const char *p, size_t lp)
{
    if (lp <= sizeof st->mp_pat && (size_t)st->mp_len == lp
        && memcmp(st->mp_pat, p, lp) == 0) {
        return st->mp_shape;
    }
    int k = pattern_shape(p, lp);
    if (lp <= sizeof st->mp_pat) {
        memcpy(st->mp_pat, p, lp);
        st->mp_len = (int)lp;
        st->mp_shape = k;
    }
    return k;
}

/* The state of a sandboxed Lua state: the allocator's ud when tandem made
   it (a few instructions), else the registry's (a hash lookup). */
static tdmL_State *sb_state(lua_State *L)
{
    void *ud;
    if (lua_getallocf(L, &ud) == tdmL_alloc) {
        return ud;
    }
    return tdmL_state(L);
}

/* string.find / match / gmatch / gsub (`which`, TDML_SB_*): refuse a search
   whose worst case passes the policy's max_match, then run the original:
   with this call's stack, called directly (st->sb_orig: a C function
   without upvalues, which reads only its arguments), so the guard costs
   the estimate and no second call through the VM; else through lua_call
   (upvalue 1). `plain_ok`: argument 4 can ask for a plain search (find). */
static inline int sb_search(lua_State *L, int which, int plain_ok)
{
    size_t ls, lp;
    const char *p;
    if (lua_tolstring(L, 1, &ls) == NULL || (p = lua_tolstring(L, 2, &lp)) == NULL) {
        luaL_checklstring(L, 1, &ls);           /* the original's error */
        p = luaL_checklstring(L, 2, &lp);
    }
    tdmL_State *st = sb_state(L);
    if (st != NULL && st->max_match > 0) {
        double cost = plain_ok && lua_gettop(L) >= 4 && lua_toboolean(L, 4)
                      ? pattern_cost(1, lp, ls)
                      : pattern_cost(shape_of(st, p, lp), lp, ls);
        if (cost > st->max_match) {
            char msg[160];
            snprintf(msg, sizeof msg, "pattern too costly for the sandbox: up to %.3g steps "
                     "on a subject of %zu bytes (max_match %.3g)", cost, ls, st->max_match);
            return luaL_error(L, "%s", msg);
        }
    }
    if (st != NULL && st->sb_orig[which] != NULL) {
        return st->sb_orig[which](L);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int sb_find(lua_State *L)
{
    return sb_search(L, TDML_SB_FIND, 1);
}

static int sb_match(lua_State *L)
{
    return sb_search(L, TDML_SB_MATCH, 0);
}

static int sb_gmatch(lua_State *L)
{
    return sb_search(L, TDML_SB_GMATCH, 0);
}

static int sb_gsub(lua_State *L)
{
    return sb_search(L, TDML_SB_GSUB, 0);
}

/* table.move(a1, f, e, t, a2): the original loops e - f + 1 times, and
   moving nils into missing keys allocates nothing. At most max_string
   elements (a table holding more cannot exist under that cap). */
static int sb_move(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    tdmL_State *st = tdmL_state(L);
    lua_Integer cap = st != NULL && st->max_alloc > 0 ? (lua_Integer)st->max_alloc : 0;
    if (cap > 0 && e >= f && (e - f >= cap || e - f < 0)) {
        return luaL_error(L, "table.move of too many elements for the sandbox "
                          "(%I; at most %I)", e - f + 1, cap);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* setmetatable(t, mt) without finalizers. */
static int sb_setmetatable(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) {
            return luaL_error(L, "setmetatable: __gc is not allowed in the sandbox");
        }
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

/* load(chunk, name, mode, env): text only; env as given (absent: the
   sandbox's globals). */
static int sb_load(lua_State *L)
{
    int n = lua_gettop(L);
    lua_settop(L, 4);           /* absent arguments read as nil */
    int t = lua_type(L, 1);
    if (t != LUA_TSTRING && t != LUA_TFUNCTION) {
        return luaL_typeerror(L, 1, "string or function");
    }
    const char *mode = luaL_optstring(L, 3, "t");
    if (strcmp(mode, "t") != 0) {
        lua_pushnil(L);
        lua_pushfstring(L, "load: mode '%s' is not allowed in the sandbox (text chunks "
                        "only)", mode);
        return 2;
    }
    if (t == LUA_TSTRING && lua_rawlen(L, 1) > 0 && lua_tostring(L, 1)[0] == LUA_SIGNATURE[0]) {
        lua_pushnil(L);
        lua_pushliteral(L, "load: binary chunks are not allowed in the sandbox");
        return 2;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushliteral(L, "t");
    if (n >= 4) {
        lua_pushvalue(L, 4);
    }
    lua_call(L, n >= 4 ? 4 : 3, LUA_MULTRET);
    return lua_gettop(L) - 4;
}

static int sb_collectgarbage(lua_State *L)
{
    const char *opt = luaL_optstring(L, 1, "count");
    if (strcmp(opt, "count") != 0 && strcmp(opt, "step") != 0) {
        return luaL_error(L, "collectgarbage('%s') is not allowed in the sandbox "
                          "(only 'count' and 'step')", opt);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* The message handler of a sandboxed xpcall. An error raised by a hook (a
   budget that ran out, an interrupt) reaches the handler while Lua runs
   hooks no more (lua_Debug's allowhook is off until the error unwinds to a
   pcall): a handler that loops would never be stopped. Such an error
   passes through unhandled; any other goes to the script's handler. */
static int sb_handler(lua_State *L)
{
    tdmL_State *st = tdmL_state(L);
    if (st != NULL && (st->b_tripped || __atomic_load_n(&st->intr, __ATOMIC_RELAXED))) {
        lua_settop(L, 1);
        return 1;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sb_xpcall(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, sb_handler, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* ---- applying the policy ---------------------------------------------------- */

static const char *const base_kept[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
    "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type",
    "xpcall", "_VERSION", "_G", "collectgarbage", NULL,
};
static const char *const libs_known[] = {
    "string", "table", "math", "utf8", "coroutine", "os", "print", NULL,
};

/* 1 when name is an item of the comma-separated list. */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *e = strchr(p, ',');
        size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, name, n) == 0) {
            return 1;
        }
        p = e != NULL ? e + 1 : NULL;
    }
    return 0;
}

static int in(const char *const *names, const char *name)
{
    for (; *names != NULL; names++) {
        if (strcmp(*names, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* t[name] (t at index ti) when it is a C function without upvalues (the
   running function's would be the wrapper's), else NULL. [-0, +0, -] */
static lua_CFunction direct(lua_State *L, int ti, const char *name)
{
    int top = lua_gettop(L);
    lua_getfield(L, ti, name);
    lua_CFunction f = lua_tocfunction(L, -1);
    if (f != NULL && lua_getupvalue(L, -1, 1) != NULL) {
        f = NULL;
    }
    lua_settop(L, top);
    return f;
}

/* t[name] = f with the current t[name] as upvalue 1 (and the boolean
   `extra` as upvalue 2 when >= 0); t at index ti. [-0, +0, m] */
static void wrap(lua_State *L, int ti, const char *name, lua_CFunction f, int extra)
{
    lua_getfield(L, ti, name);
    if (extra >= 0) {
        lua_pushboolean(L, extra);
    }
    lua_pushcclosure(L, f, extra >= 0 ? 2 : 1);
    lua_setfield(L, ti, name);
}

/* Policy at 1. Unknown library names are an error (a typo would open
   nothing, silently). */
int tdmL_sandbox(lua_State *L)
{
    const tdm_Policy *p = lua_touserdata(L, 1);
    const char *libs = p->libs != NULL ? p->libs : "string,table,math,utf8,coroutine,os";
    for (const char *q = libs; *q != '\0';) {
        const char *e = strchr(q, ',');
        size_t len = e != NULL ? (size_t)(e - q) : strlen(q);
        char name[32];
        if (len == 0 || len >= sizeof name) {
            return luaL_error(L, "sandbox: bad library list '%s'", libs);
        }
        memcpy(name, q, len);
        name[len] = '\0';
        if (!in(libs_known, name)) {
            return luaL_error(L, "sandbox: unknown library '%s' (known: string, table, "
                              "math, utf8, coroutine, os, print)", name);
        }
        q = e != NULL ? e + 1 : q + len;
    }
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);        /* 1: _G */
    /* the names to drop first: a table may not change while traversed */
    lua_newtable(L);                                            /* 2 */
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int keep = k != NULL && ((in(base_kept, k) && strcmp(k, "print") != 0)
                                 || (in(libs_known, k) && listed(libs, k))
                                 || (strcmp(k, "load") == 0 && p->load));
        if (!keep) {
            lua_pushvalue(L, -1);
            lua_pushboolean(L, 1);
            lua_settable(L, 2);
        }
    }
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_settable(L, 1);
    }
    lua_settop(L, 1);
    /* os: the clock and the calendar only */
    if (lua_getfield(L, 1, "os") == LUA_TTABLE) {
        static const char *const os_kept[] = {"time", "clock", "date", "difftime", NULL};
        lua_createtable(L, 0, 4);
        for (int i = 0; os_kept[i] != NULL; i++) {
            lua_getfield(L, 2, os_kept[i]);
            lua_setfield(L, -2, os_kept[i]);
        }
        lua_setfield(L, 1, "os");
    }
    lua_settop(L, 1);
    /* string: no dump; bounded rep and searches; the metatable protected
       (it is shared by every string, and its __index is this table) */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);   /* 2 */
    lua_getfield(L, 2, "string");                               /* 3 */
    lua_pushnil(L);
    lua_setfield(L, 3, "dump");
    wrap(L, 3, "rep", sb_rep, -1);
    tdmL_State *st = sb_state(L);
    static const char *const searches[TDML_SB_N] = {"find", "match", "gmatch", "gsub"};
    for (int i = 0; i < TDML_SB_N && st != NULL; i++) {
        st->sb_orig[i] = direct(L, 3, searches[i]);
    }
    if (st != NULL) {
        st->mp_len = -1;        /* nothing cached (0 would be the empty pattern) */
    }
    wrap(L, 3, "find", sb_find, -1);
    wrap(L, 3, "match", sb_match, -1);
    wrap(L, 3, "gmatch", sb_gmatch, -1);
    wrap(L, 3, "gsub", sb_gsub, -1);
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    lua_settop(L, 2);
    lua_getfield(L, 2, "table");
    wrap(L, 3, "move", sb_move, -1);
    lua_settop(L, 1);
    wrap(L, 1, "setmetatable", sb_setmetatable, -1);
    wrap(L, 1, "collectgarbage", sb_collectgarbage, -1);
    wrap(L, 1, "xpcall", sb_xpcall, -1);
    if (p->load) {
        wrap(L, 1, "load", sb_load, -1);
    }
    /* package.loaded (io, debug, the full os ...) stays in the registry,
       out of reach without debug and require */
    lua_settop(L, 0);
    return 0;
}
