/*
 * lpylib.c — the helper table Lua code uses to reach another language
 * (`python` in a runtime created from Python, the module table returned by
 * `require "tandem"` in a plain lua5.4): eval, exec, import, builtins, none,
 * translate, iteration helpers and indexing-protocol views. Every helper is a neutral
 * operation on the other language; nothing here knows Python.
 */
#include <stdlib.h>
#include <string.h>
#include "ladapter.h"

#define ST(L) ((tdmL_State *)lua_touserdata(L, lua_upvalueindex(1)))
#define LANG(L) ((tdm_LangId)lua_tointeger(L, lua_upvalueindex(2)))

/* upvalues: st, lang, op, nargs (-1: all) */
static int lib_op(lua_State *L)
{
    int op = (int)lua_tointeger(L, lua_upvalueindex(3));
    int want = (int)lua_tointeger(L, lua_upvalueindex(4));
    int n = lua_gettop(L);
    if (want >= 0) {
        if (n < want) {
            return luaL_error(L, "expected %d argument(s), got %d", want, n);
        }
        n = want;
    }
    if (op == TDM_OP_EVAL || op == TDM_OP_EXEC || op == TDM_OP_IMPORT) {
        luaL_checktype(L, 1, LUA_TSTRING);
    }
    return tdmL_foreign_call(L, ST(L), LANG(L), op, 0, 1, n);
}

static void push_none(lua_State *L, tdmL_State *st, tdm_LangId lang)
{
    int top = lua_gettop(L);
    lua_pushnil(L);
    tdmL_foreign_call(L, st, lang, TDM_OP_NONE, 0, top + 1, 0);
    lua_remove(L, top + 1);
}

/* An iterator step's own state: its first upvalue (the second is the
   foreign iterator). */
typedef struct IterStep {
    tdmL_State *st;             /* borrowed: lives as long as the Lua state */
    const void *it;             /* the iterator's block (upvalue 2 keeps it) */
    size_t itlen;               /* its lua_rawlen */
    lua_Integer count;          /* enumerate: the next index */
    int lang;
    int mode;                   /* 0 iter, 1 iterex, 2 enumerate */
} IterStep;

/* Iterator step: the iterator's handle read off its block (the cheap proof
   of lforeign.c, on the block's memory kept since make_iter) goes to the other language as the operation's object, with
   no conversion of a Lua argument; anything that proof does not accept
   (a finalized iterator reached again through a finalizer) takes the
   general conversion, which raises. */
static int iter_step(lua_State *L)
{
    IterStep *s = lua_touserdata(L, lua_upvalueindex(1));
    tdmL_State *st = s->st;
    tdm_LangId lang = (tdm_LangId)s->lang;
    int mode = s->mode, proto, n;
    /* a None first value must not end the loop: python.none instead (iterex:
       only the first, as lupa: Lua looks at no other for termination) */
    int sub = mode == 2 ? 0 : (mode == 1 ? TDM_NEXT_UNPACK : 0) | TDM_NEXT_NONEOBJ;
    void *it = tdmL_block_proof(st, lang, s->it, s->itlen, &proto);
    if (it != NULL) {
        /* Lua gave this C function LUA_MINSTACK free slots and it pushed
           nothing yet; the iterator is the only argument (first unread) */
        n = tdmL_foreign_call_on(L, st, lang, TDM_OP_NEXT, sub, it, proto, 0, 1,
                                 LUA_MINSTACK);
    } else {
        lua_settop(L, 0);
        lua_pushvalue(L, lua_upvalueindex(2));
        n = tdmL_foreign_call(L, st, lang, TDM_OP_NEXT, sub, 1, 1);
    }
    if (n == 0) {
        return 0;                       /* exhausted: ends the for loop */
    }
    if (mode == 2 && n == 1 && lua_isnil(L, -1)) {
        lua_pop(L, 1);
        push_none(L, st, lang);
    }
    if (mode == 2) {
        lua_pushinteger(L, s->count++);
        lua_insert(L, -n - 1);
        return n + 1;
    }
    return n;
}

static int make_iter(lua_State *L, int mode)
{
    tdmL_State *st = ST(L);
    tdm_LangId lang = LANG(L);
    lua_Integer start = mode == 2 ? luaL_optinteger(L, 2, 0) : 0;
    luaL_checkany(L, 1);
    lua_settop(L, 1);
    tdmL_foreign_call(L, st, lang, TDM_OP_ITER, 0, 1, 1);
    IterStep *s = lua_newuserdatauv(L, sizeof *s, 0);
    s->st = st;
    s->it = lua_touserdata(L, -2);      /* NULL: not a block, never proved */
    s->itlen = s->it != NULL ? lua_rawlen(L, -2) : 0;
    s->count = start;
    s->lang = lang;
    s->mode = mode;
    lua_insert(L, -2);
    lua_pushcclosure(L, iter_step, 2);
    return 1;
}

static int lib_iter(lua_State *L) { return make_iter(L, 0); }
static int lib_iterex(lua_State *L) { return make_iter(L, 1); }
static int lib_enumerate(lua_State *L) { return make_iter(L, 2); }

static int make_view(lua_State *L, int proto)
{
    luaL_checkany(L, 1);
    tdmL_pushview(L, ST(L), 1, proto);
    return 1;
}

static int lib_as_attrgetter(lua_State *L) { return make_view(L, TDM_PROTO_ATTR); }
static int lib_as_itemgetter(lua_State *L) { return make_view(L, TDM_PROTO_ITEM); }
/* python.as_function(obj) (lupa): a real Lua function calling obj, for Lua
   APIs that insist on a function (table.sort, string.gsub). upvalues: st,
   lang, obj. Crossing back to the object's language it is obj again
   (tdmL_tovalue). */
int tdmL_asfunc_call(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(3));
    lua_insert(L, 1);
    return tdmL_foreign_call(L, ST(L), LANG(L), TDM_OP_CALL, 0, 1, lua_gettop(L));
}

static int lib_as_function(lua_State *L)
{
    luaL_checkany(L, 1);
    tdmL_Foreign fb;
    if (tdmL_toforeign(L, ST(L), 1, &fb) == NULL) {
        const tdmL_Foreign *dead = tdmL_finalized(L, ST(L), 1, &fb);
        if (dead != NULL) {
            return tdmL_finalized_error(L, dead->lang);
        }
        return luaL_argerror(L, 1, "expected a foreign (Python) object");
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, tdmL_asfunc_call, 3);
    return 1;
}

/* python.sandbox{...} (lua5.4 host): tandem._luahost.sandbox(...), which
   builds the sandboxed child runtime through the Python side's LuaRuntime,
   so the policy and budgets are the same code as tandem.Sandbox's. */
int tdmL_lib_sandbox(lua_State *L)
{
    int n = lua_gettop(L);
    if (n > 1) {
        return luaL_error(L, "python.sandbox expects one table of options, got %d arguments", n);
    }
    lua_pushliteral(L, "tandem._luahost");                                  /* n+1 */
    tdmL_foreign_call(L, ST(L), LANG(L), TDM_OP_IMPORT, 0, n + 1, 1);      /* n+2 */
    lua_pushliteral(L, "sandbox");                                          /* n+3 */
    tdmL_foreign_call(L, ST(L), LANG(L), TDM_OP_GETATTR, 0, n + 2, 2);     /* n+4 */
    lua_replace(L, n + 1);
    lua_settop(L, n + 1);
    lua_insert(L, 1);                   /* the function, then the options */
    return tdmL_foreign_call(L, ST(L), LANG(L), TDM_OP_CALL, 0, 1, n + 1);
}

static int lib_asfunc(lua_State *L) { return make_view(L, TDM_PROTO_FUNC); }

/* python.set_overflow_handler(h) (lupa): what a Python int too large for a
   Lua integer becomes — h(n) for a Lua function h (n arrives as a Python
   object) or a callable Python object; nil removes the handler. */
static int lib_set_overflow_handler(lua_State *L)
{
    int t = lua_type(L, 1);
    tdmL_Foreign fb;
    if (t != LUA_TNIL && t != LUA_TFUNCTION && tdmL_toforeign(L, ST(L), 1, &fb) == NULL) {
        return luaL_argerror(L, 1, "expected nil, a Lua function or a callable Python object");
    }
    lua_settop(L, 1);
    tdmL_foreign_call(L, ST(L), LANG(L), TDM_OP_OVERFLOW, 0, 1, 1);
    return 0;
}

static void set_op(lua_State *L, tdmL_State *st, tdm_LangId lang, const char *name,
                   int op, int nargs)
{
    lua_pushlightuserdata(L, st);
    lua_pushinteger(L, lang);
    lua_pushinteger(L, op);
    lua_pushinteger(L, nargs);
    lua_pushcclosure(L, lib_op, 4);
    lua_setfield(L, -2, name);
}

static void set_fn(lua_State *L, tdmL_State *st, tdm_LangId lang, const char *name,
                   lua_CFunction fn)
{
    lua_pushlightuserdata(L, st);
    lua_pushinteger(L, lang);
    lua_pushcclosure(L, fn, 2);
    lua_setfield(L, -2, name);
}

/* [-0, +1, e] */
void tdmL_push_foreign_lib(lua_State *L, tdmL_State *st, tdm_LangId lang, int flags)
{
    lua_createtable(L, 0, 24);
    set_op(L, st, lang, "exec", TDM_OP_EXEC, 1);
    set_op(L, st, lang, "execute", TDM_OP_EXEC, 1);
    set_op(L, st, lang, "import", TDM_OP_IMPORT, 1);
    set_op(L, st, lang, "globals", TDM_OP_GLOBALS, 0);
    set_op(L, st, lang, "locals", TDM_OP_GLOBALS, 0);
    set_fn(L, st, lang, "iter", lib_iter);
    set_fn(L, st, lang, "iterex", lib_iterex);
    set_fn(L, st, lang, "enumerate", lib_enumerate);
    set_fn(L, st, lang, "as_attrgetter", lib_as_attrgetter);
    set_fn(L, st, lang, "as_itemgetter", lib_as_itemgetter);
    set_fn(L, st, lang, "as_function", lib_as_function);
    set_fn(L, st, lang, "asattr", lib_as_attrgetter);     /* lunatic-python names */
    set_fn(L, st, lang, "asindx", lib_as_itemgetter);
    set_fn(L, st, lang, "asfunc", lib_asfunc);      /* lunatic-python: a view */
    set_fn(L, st, lang, "set_overflow_handler", lib_set_overflow_handler);
    push_none(L, st, lang);
    if (st->noneud == NULL && lua_type(L, -1) == LUA_TUSERDATA) {
        /* kept for good, so its identity stays python.none's */
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "tandem.none");
        st->noneud = lua_topointer(L, -1);
    }
    lua_setfield(L, -2, "none");
    if (flags & TDM_EXPOSE_BUILTINS) {
        lua_pushnil(L);
        tdmL_foreign_call(L, st, lang, TDM_OP_BUILTINS, 0, lua_gettop(L), 0);
        lua_remove(L, -2);
        lua_setfield(L, -2, "builtins");
    }
    /* python.args{...}: a Python-side marker that a call unpacks as
       positional and keyword arguments */
    lua_pushliteral(L, "tandem._tandem");
    tdmL_foreign_call(L, st, lang, TDM_OP_IMPORT, 0, lua_gettop(L), 1);
    lua_pushliteral(L, "_lua_args");
    tdmL_foreign_call(L, st, lang, TDM_OP_GETATTR, 0, lua_gettop(L) - 1, 2);
    lua_setfield(L, -5, "args");       /* lib, name, module, key, fn */
    lua_pop(L, 1);
    /* python.translate(fn): fn translated into a Lua function of this
       runtime, the same one LuaRuntime.translate(fn) gives (cached per
       runtime); a TranslationError is raised as the error */
    lua_pushliteral(L, "_lua_translate");
    tdmL_foreign_call(L, st, lang, TDM_OP_GETATTR, 0, lua_gettop(L) - 1, 2);
    lua_setfield(L, -5, "translate");  /* lib, name, module, key, fn */
    lua_pop(L, 1);
    if (flags & TDM_EXPOSE_EVAL) {
        /* python.eval: a Python object, as lupa's (its attributes are a
           Python object's); it evaluates in the calling Python frame */
        lua_pushliteral(L, "_lua_eval");
        tdmL_foreign_call(L, st, lang, TDM_OP_GETATTR, 0, lua_gettop(L) - 1, 2);
        lua_setfield(L, -5, "eval");   /* lib, name, module, key, fn */
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
}

