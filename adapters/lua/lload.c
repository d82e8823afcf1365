/*
 * lload.c — who owns the process's global lua_* symbols, and the guard on
 * loading Lua C modules (lpeg, cjson) into a tandem state.
 *
 * A Lua C module does not link a Lua library: the dynamic linker binds its
 * lua_* references to the first definition in the process's global scope.
 * In a lua5.4 host that is the executable (tandem's Lua too). In Python,
 * tandem's liblua5.4 is loaded RTLD_LOCAL and only made global when a C
 * module is first loaded into one of its states — unless another Lua (lupa's
 * LuaJIT, loaded RTLD_GLOBAL) already owns those names: a module loaded then
 * would call LuaJIT on a Lua 5.4 state, so the loaders refuse it with a Lua
 * error naming both libraries instead.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "ladapter.h"

/* The global definition of lua_settop (what a C module would bind to), or
   NULL. Looked up from the main program's handle: RTLD_DEFAULT would search
   this object's own scope first when it was loaded RTLD_DEEPBIND. */
static void *global_settop(void)
{
    void *main_handle = dlopen(NULL, RTLD_NOW);
    void *g = main_handle != NULL ? dlsym(main_handle, "lua_settop") : NULL;
    if (main_handle != NULL) {
        dlclose(main_handle);
    }
    return g;
}

static const char *object_of(void *addr)
{
    Dl_info di;
    if (addr != NULL && dladdr(addr, &di) != 0 && di.dli_fname != NULL) {
        return di.dli_fname;
    }
    return "?";
}

int tdmL_claim_global_symbols(char *err, size_t errlen)
{
    void *ours = (void *)&lua_settop;
    void *g = global_settop();
    if (g == NULL) {
        /* nobody owns the names: publish the Lua this state runs on */
        Dl_info di;
        if (dladdr(ours, &di) != 0 && di.dli_fname != NULL) {
            (void)dlopen(di.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
        }
        g = global_settop();
    }
    if (g == ours) {
        return 1;
    }
    if (g == NULL) {
        snprintf(err, errlen, "tandem's Lua (%s) cannot be made global for C modules",
                 object_of(ours));
    } else {
        snprintf(err, errlen,
                 "the process's global lua_* symbols belong to another Lua (%s, loaded "
                 "before tandem, e.g. by lupa); a C module would bind to it instead of "
                 "tandem's Lua 5.4 (%s). Load the module from that Lua, or import "
                 "tandem and load Lua C modules before the other Lua library",
                 object_of(g), object_of(ours));
    }
    return 0;
}

int tdmL_global_symbols_are_ours(void)
{
    return global_settop() == (void *)&lua_settop;
}

/* The file a C searcher would open for `name` (kind 2: the root of a.b),
   pushed as a string, or nil when there is none. [-0, +1, e] */
static void push_c_file(lua_State *L, const char *name, int kind)
{
    const char *dot = strchr(name, '.');
    lua_getglobal(L, "package");
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_pushnil(L);
        return;
    }
    lua_getfield(L, -1, "searchpath");
    if (kind == 2 && dot != NULL) {
        lua_pushlstring(L, name, (size_t)(dot - name));
    } else {
        lua_pushstring(L, name);
    }
    lua_getfield(L, -3, "cpath");
    if (!lua_isfunction(L, -3) || !lua_isstring(L, -1)) {
        lua_pop(L, 4);
        lua_pushnil(L);
        return;
    }
    lua_call(L, 2, 1);
    lua_remove(L, -2);
    if (!lua_isstring(L, -1)) {
        lua_pop(L, 1);
        lua_pushnil(L);
    }
}

/* A wrapped C loader. upvalues: the original function, the kind (0: the C
   searcher, 2: the all-in-one searcher, both given a module name; 1:
   package.loadlib). Before the original opens a file (binding it to the
   global lua_* names) the names are claimed for this Lua; when another Lua
   owns them the original is not called: the searcher raises the error,
   loadlib returns nil, message, "open". A module with no C file goes
   straight to the searcher's usual "no file" message. */
static int guarded_loader(lua_State *L)
{
    char err[768];
    int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
    if (kind == 1) {
        if (!tdmL_claim_global_symbols(err, sizeof err)) {
            luaL_pushfail(L);
            lua_pushfstring(L, "tandem: cannot load %s: %s", luaL_optstring(L, 1, "?"), err);
            lua_pushliteral(L, "open");
            return 3;
        }
    } else {
        const char *name = luaL_checkstring(L, 1);
        int top = lua_gettop(L);
        push_c_file(L, name, kind);
        if (lua_isstring(L, -1) && !tdmL_claim_global_symbols(err, sizeof err)) {
            return luaL_error(L, "tandem: cannot load Lua C module '%s' (%s): %s", name,
                              lua_tostring(L, -1), err);
        }
        lua_settop(L, top);
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static void wrap(lua_State *L, int t, const char *field, lua_Integer idx, int kind)
{
    if (field != NULL) {
        lua_getfield(L, t, field);
    } else {
        lua_rawgeti(L, t, idx);
    }
    if (!lua_isfunction(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_pushinteger(L, kind);
    lua_pushcclosure(L, guarded_loader, 2);
    if (field != NULL) {
        lua_setfield(L, t, field);
    } else {
        lua_rawseti(L, t, idx);
    }
}

void tdmL_guard_cmodules(lua_State *L)
{
    if (lua_getglobal(L, "package") != LUA_TTABLE) {
        lua_pop(L, 1);
        return;
    }
    int pkg = lua_gettop(L);
    wrap(L, pkg, "loadlib", 0, 1);
    if (lua_getfield(L, pkg, "searchers") == LUA_TTABLE) {
        int s = lua_gettop(L);
        wrap(L, s, NULL, 3, 0);     /* C modules: luaopen_<name> in <name>.so */
        wrap(L, s, NULL, 4, 2);     /* all-in-one: a.b from a.so */
    }
    lua_settop(L, pkg - 1);
}
