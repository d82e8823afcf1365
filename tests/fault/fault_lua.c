/*
 * fault_lua.c — tests/fault/fault.c's controls for a lua5.4 host (make
 * fault-test; tests/fault/sweep.lua).
 *
 * Linked only into the fault build of the Lua module (mk/fault.mk), next to
 * fault.c. sweep.lua reaches it with
 *   package.loadlib(path_of_that_tandem.so, "luaopen_tandem_fault")()
 * (the same library `require "tandem"` loaded, so the same counters). None
 * of these functions allocates: they can run while a failure is armed.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <lua.h>
#include <lauxlib.h>

void tdm_fault_arm(long n);
void tdm_fault_stop(void);
long tdm_fault_count(void);
int tdm_fault_fired(void);
int tdm_fault_nsites(void);
long tdm_fault_live(void **out, long *counts, int n);

int luaopen_tandem_fault(lua_State *L) __attribute__((visibility("default")));

static int f_arm(lua_State *L)
{
    tdm_fault_arm((long)luaL_checkinteger(L, 1));
    return 0;
}

static int f_stop(lua_State *L)
{
    (void)L;
    tdm_fault_stop();
    return 0;
}

static int f_count(lua_State *L)
{
    lua_pushinteger(L, tdm_fault_count());
    return 1;
}

static int f_fired(lua_State *L)
{
    lua_pushboolean(L, tdm_fault_fired());
    return 1;
}

static int f_nsites(lua_State *L)
{
    lua_pushinteger(L, tdm_fault_nsites());
    return 1;
}

static int f_live(lua_State *L)
{
    lua_pushinteger(L, tdm_fault_live(NULL, NULL, 0));
    return 1;
}

/* {[offset of a call site in its shared object] = live blocks it holds};
   the offsets are what addr2line -e that object takes (allocates: call
   unarmed). */
static int f_sites(lua_State *L)
{
    static void *sites[512];
    static long counts[512];
    tdm_fault_live(sites, counts, 512);
    lua_newtable(L);
    for (int i = 0; i < 512 && sites[i] != NULL; i++) {
        Dl_info info;
        uintptr_t off = (uintptr_t)sites[i];
        if (dladdr(sites[i], &info) != 0) {
            off -= (uintptr_t)info.dli_fbase;
        }
        lua_pushinteger(L, counts[i]);
        lua_rawseti(L, -2, (lua_Integer)off - 1);
    }
    return 1;
}

int luaopen_tandem_fault(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"arm", f_arm},     {"stop", f_stop}, {"count", f_count}, {"fired", f_fired},
        {"nsites", f_nsites}, {"live", f_live},
        {"sites", f_sites}, {NULL, NULL},
    };
    luaL_newlib(L, fns);
    return 1;
}
