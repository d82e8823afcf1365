/*
 * lsourceir.c — TDM_OP_SOURCEIR on Lua functions (bridge/lang.h): the IR of a
 * Lua function, written by the front end (adapters/lua/front/) from the
 * function's source as debug.getinfo finds it, and an accessor to its
 * upvalues, so that translated code shares them with Lua (docs/lua-ir.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladapter.h"
#include "front/lfront.h"

/* uv(i) -> upvalue i; uv(i, v) sets it. i: position in (free ...).
   uv(-i) -> whether upvalue i is a userdata: a None it gave may then be
   python.none, not nil (tandem/_luapylib.py). */
static int uv_access(lua_State *L)
{
    lua_Integer i = luaL_checkinteger(L, 1);
    lua_Integer n = (lua_Integer)lua_rawlen(L, lua_upvalueindex(2));
    int ask = i < 0 && i >= -n;
    if (ask) {
        i = -i;
    }
    if (i < 1 || i > n) {
        return luaL_error(L, "upvalue index %d out of range (1..%d)", (int)i, (int)n);
    }
    lua_rawgeti(L, lua_upvalueindex(2), i);
    int real = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (lua_gettop(L) >= 2) {
        lua_settop(L, 2);
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 2);                       /* fn, v */
        lua_setupvalue(L, 2, real);
        return 0;
    }
    lua_getupvalue(L, lua_upvalueindex(1), real);
    if (ask) {
        lua_pushboolean(L, lua_type(L, -1) == LUA_TUSERDATA);
    }
    return 1;
}

static int refuse(lua_State *L, const char *msg)
{
    lua_pushnil(L);
    lua_pushstring(L, msg);
    return 2;
}

/* Read a whole file as luaL_loadfile sees it (BOM and '#' first line
   skipped, the newline kept). NULL when unreadable. */
static char *read_source(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap);
    while (b && (r = fread(b + n, 1, cap - n, fp)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) { free(b); b = NULL; break; }
            b = nb; cap *= 2;
        }
    }
    int bad = ferror(fp);
    fclose(fp);
    if (!b || bad) { free(b); return NULL; }
    size_t skip = 0;
    if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) skip = 3;
    if (skip < n && b[skip] == '#') {
        while (skip < n && b[skip] != '\n') skip++;
    }
    memmove(b, b + skip, n - skip);
    *len = n - skip;
    return b;
}

/* Is upvalue i of the function at fidx the global table? The chunk's _ENV
   (an upvalue named _ENV the IR does not list) must be: translated code
   reads its globals there. */
static int env_is_globals(lua_State *L, int fidx, int i)
{
    lua_getupvalue(L, fidx, i);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    int same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return same;
}

/* The names of the top func's (free ...) list in the IR text, checked
   against the real upvalues; fills the index table on top. An upvalue
   named _ENV is the IR's when the IR lists one (a local _ENV of an
   enclosing function), else the chunk's _ENV, which must be the global
   table. 1: matched; 0: no (why says); -1: the chunk's _ENV is another
   table. */
static int map_upvalues(lua_State *L, int fidx, const char *ir, char *why, size_t whysz)
{
    const char *p = strstr(ir, " (lang lua) (func ");
    p = p ? strstr(p, ") (free") : NULL;
    if (!p) { snprintf(why, whysz, "no (free) list in the IR"); return 0; }
    p += 7;
    lua_newtable(L);
    int pos = 0, real = 0;
    for (;;) {
        while (*p == ' ') p++;
        if (*p == ')') break;
        const char *s = p;
        while (*p && *p != ' ' && *p != ')') p++;
        size_t len = (size_t)(p - s);
        /* strip one __N suffix: the Lua name */
        size_t k = len;
        while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9') k--;
        if (k < len && k >= 2 && s[k - 1] == '_' && s[k - 2] == '_') len = k - 2;
        int is_env = len == 4 && memcmp(s, "_ENV", 4) == 0;
        const char *name;
        for (;;) {
            name = lua_getupvalue(L, fidx, ++real);
            if (!name) break;
            lua_pop(L, 1);
            if (is_env || strcmp(name, "_ENV") != 0) break;
            if (!env_is_globals(L, fidx, real)) return -1;
        }
        if (!name || strlen(name) != len || memcmp(name, s, len) != 0) {
            snprintf(why, whysz, "upvalue %d is '%s', the source gives '%.*s'", pos + 1,
                     name ? name : "(none)", (int)len, s);
            return 0;
        }
        lua_pushinteger(L, real);
        lua_rawseti(L, -2, ++pos);
    }
    const char *name;
    while ((name = lua_getupvalue(L, fidx, ++real)) != NULL) {
        lua_pop(L, 1);
        if (strcmp(name, "_ENV") != 0) {
            snprintf(why, whysz, "upvalue '%s' not found in the source", name);
            return 0;
        }
        if (!env_is_globals(L, fidx, real)) return -1;
    }
    return 1;
}

/* The signature tdmLF_translate_sig picks a function by when several start
   and end on the same lines: "NPARAMS VARARG UPVALUE..." (upvalue names,
   _ENV included). malloc'd; NULL when out of memory. [-0, +0, -] */
static char *signature(lua_State *L, int fidx)
{
    lua_Debug ar;
    lua_pushvalue(L, fidx);
    lua_getinfo(L, ">u", &ar);
    size_t need = 32;
    const char *name;
    for (int i = 1; (name = lua_getupvalue(L, fidx, i)) != NULL; i++) {
        lua_pop(L, 1);
        need += strlen(name) + 1;
    }
    char *sig = malloc(need);
    if (sig == NULL) return NULL;
    size_t at = (size_t)snprintf(sig, need, "%d %d", (int)ar.nparams, ar.isvararg ? 1 : 0);
    for (int i = 1; (name = lua_getupvalue(L, fidx, i)) != NULL; i++) {
        lua_pop(L, 1);
        at += (size_t)snprintf(sig + at, need - at, " %s", name);
    }
    return sig;
}

/* Leaves the two results of TDM_OP_SOURCEIR on the stack. */
TDMI_FUNC int tdmL_source_ir(lua_State *L, tdmL_State *st, tdmS_Frame *f)
{
    lua_Debug ar;
    char msg[600];
    tdmL_push(L, st, &f->args[0]);
    int fidx = lua_gettop(L);
    if (!lua_isfunction(L, fidx)) {
        return luaL_error(L, "tandem: source IR of a %s value (a function expected)",
                          luaL_typename(L, fidx));
    }
    lua_pushvalue(L, fidx);
    lua_getinfo(L, ">S", &ar);
    if (strcmp(ar.what, "C") == 0) {
        return refuse(L, "[C]:?: a C function has no Lua source");
    }
    char *src = NULL;
    size_t len = 0;
    int owned = 0;
    int rec = tdmL_recorded_source(L, ar.source);   /* the text tandem loaded (lsrcrec.c) */
    if (rec == LUA_TBOOLEAN) {
        snprintf(msg, sizeof msg, "%s:%d: source not available (chunk name '%s' was loaded "
                 "with several texts, or with one tandem no longer remembers)", ar.short_src,
                 ar.linedefined, ar.source);
        return refuse(L, msg);
    }
    if (rec == LUA_TSTRING) {
        src = (char *)lua_tolstring(L, -1, &len);   /* kept on the stack below */
    } else if (ar.source[0] == '=') {
        if (f->nargs < 2 || f->args[1].kind != TDM_STR) {
            snprintf(msg, sizeof msg, "%s:%d: source not available (chunk name '%s')",
                     ar.short_src, ar.linedefined, ar.source);
            return refuse(L, msg);
        }
        /* the text the host remembered for this chunk: the line, signature
           and upvalue checks below still hold it to the function */
        src = (char *)f->args[1].u.s.p;    /* valid for the frame */
        len = f->args[1].u.s.n;
    } else if (ar.source[0] == '@') {
        src = read_source(ar.source + 1, &len);
        if (!src) {
            snprintf(msg, sizeof msg, "%s:%d: cannot read the source file", ar.short_src,
                     ar.linedefined);
            return refuse(L, msg);
        }
        owned = 1;
    } else {
        src = (char *)ar.source;
        len = ar.srclen;
    }
    if (len > 0 && src[0] == '\x1b') {
        if (owned) free(src);
        snprintf(msg, sizeof msg, "%s:%d: a precompiled chunk has no source", ar.short_src,
                 ar.linedefined);
        return refuse(L, msg);
    }
    char *ir = NULL;
    size_t irlen = 0;
    char *sig = signature(L, fidx);
    /* an upvalue _ENV that is not the global table (a chunk loaded with an
       environment, or the _ENV of a chunk that assigned it): global names
       are fields of that variable, read through the upvalue (a local _ENV
       of an enclosing function is one too, read the same way) */
    int envvar = 0;
    const char *upname;
    for (int i = 1; (upname = lua_getupvalue(L, fidx, i)) != NULL; i++) {
        lua_pop(L, 1);
        if (strcmp(upname, "_ENV") == 0 && !env_is_globals(L, fidx, i)) envvar = 1;
    }
    int rc = sig == NULL ? (snprintf(msg, sizeof msg, "not enough memory"), -1)
             : envvar ? tdmLF_translate_envvar(src, len, ar.source, ar.linedefined,
                                               ar.lastlinedefined, sig, &ir, &irlen, msg,
                                               sizeof msg)
                      : tdmLF_translate_sig(src, len, ar.source, ar.linedefined,
                                            ar.lastlinedefined, sig, &ir, &irlen, msg,
                                            sizeof msg);
    free(sig);
    if (owned) free(src);
    if (rc != 0) return refuse(L, msg);
    char why[300];
    lua_pushlstring(L, ir, irlen);
    free(ir);
    int mapped = map_upvalues(L, fidx, lua_tostring(L, -1), why, sizeof why);
    if (mapped <= 0) {
        if (mapped < 0) {
            snprintf(msg, sizeof msg, "%s:%d: the function's _ENV is not the global table "
                     "(a chunk loaded with an environment, or an _ENV set by the debug "
                     "library)", ar.short_src, ar.linedefined);
        } else {
            snprintf(msg, sizeof msg, "%s:%d: the source does not match the function (%s)",
                     ar.short_src, ar.linedefined, why);
        }
        lua_settop(L, fidx);
        return refuse(L, msg);
    }
    lua_pushvalue(L, fidx);
    lua_insert(L, -2);                      /* ir, fn, map */
    lua_pushcclosure(L, uv_access, 2);
    return 2;
}
