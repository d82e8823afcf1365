/* embed_ffi_threads.c — a C host whose Lua code hands a Lua callback to C
   code that calls it on a new thread and joins that thread (issue 7, item
   9): the callback is refused instead of waiting for the runtime lock the
   joining call holds, and the host gets the refusal as the error of
   tdm_exec. A callback arriving while the host spins in plain Lua waiting
   for it is run by the host's Lua thread. alarm() turns a regression (a
   deadlock) into a failure. */
#include <string.h>
#include <unistd.h>
#include "tandem.h"
#include "check.h"

int main(void)
{
    static const char code[] =
        "local ffi = require 'tandem.ffi'\n"
        "ffi.cdef 'int t_call_cb_in_thread(int (*cb)(int), int x); int call_cb(int (*f)(int), int x);'\n"
        "T = ffi.load('libtdmtest.so')\n"      /* found through LD_LIBRARY_PATH */
        "cb = ffi.cast('int(*)(int)', function(x) return x * 2 end)\n"
        "T.t_call_cb_in_thread(cb, 21)\n";
    tdm_Runtime *rt;
    tdm_Value v = tdm_nil();
    alarm(60);
    rt = tdm_open();
    CHECK(rt != NULL);
    if (rt == NULL) {
        return check_summary();
    }
    CHECK(tdm_exec(rt, TDM_LANG_LUA, code, "thread_cb") == TDM_ERRRUN);
    CHECK(strstr(tdm_errmsg(rt), "callback called on another thread while the Lua state was "
                                  "busy in a native call") != NULL);
    /* the runtime is still usable, the callback too on the calling thread */
    CHECK(tdm_eval(rt, TDM_LANG_LUA, "T.call_cb(cb, 5)", &v) == TDM_OK);
    CHECK(v.kind == TDM_INT && v.u.i == 10);
    tdm_release(rt, &v);
    /* the callback arrives while the host thread spins in plain Lua until
       it has happened (no native call): the Lua thread runs it */
    static const char spin[] =
        "local ffi = require 'tandem.ffi'\n"
        "ffi.cdef 'int t_start_cb_thread(int (*cb)(int), int x, int *go, int *out, int *done);"
        " int t_join_cb_thread(void);'\n"
        "local flags = ffi.new('int[3]', {0, -1, 0})\n"
        "assert(T.t_start_cb_thread(cb, 8, flags, flags + 1, flags + 2) == 0)\n"
        "flags[0] = 1\n"
        "while flags[2] == 0 do end\n"
        "T.t_join_cb_thread()\n"
        "spun = flags[1]\n";
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA, spin, "spin"));
    CHECK(tdm_eval(rt, TDM_LANG_LUA, "spun", &v) == TDM_OK);
    CHECK(v.kind == TDM_INT && v.u.i == 16);
    tdm_release(rt, &v);
    tdm_close(rt);

    /* the same from a runtime opened by tdm_open_config (it used to wait
       forever: only tdm_open listed its state for delegated calls) */
    tdm_Config cfg;
    tdm_config_init(&cfg);
    cfg.python = 0;
    CHECK(tdm_open_config(&cfg, &rt) == TDM_OK);
    if (rt == NULL) {
        return check_summary();
    }
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA,
                           "local ffi = require 'tandem.ffi'\n"
                           "ffi.cdef 'int call_cb(int (*f)(int), int x);'\n"
                           "T = ffi.load('libtdmtest.so')\n"
                           "cb = ffi.cast('int(*)(int)', function(x) return x * 2 end)\n",
                           "setup"));
    CHECK_OK(rt, tdm_exec(rt, TDM_LANG_LUA, spin, "spin"));
    CHECK(tdm_eval(rt, TDM_LANG_LUA, "spun", &v) == TDM_OK);
    CHECK(v.kind == TDM_INT && v.u.i == 16);
    tdm_free(rt);
    return check_summary();
}
