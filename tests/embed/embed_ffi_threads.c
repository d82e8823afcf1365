/* embed_ffi_threads.c — a C host whose Lua code hands a Lua callback to C
   code that calls it on a new thread and joins that thread (issue 7, item
   9): the callback is refused instead of waiting for the runtime lock the
   joining call holds, and the host gets the refusal as the error of
   tdm_exec. alarm() turns a regression (a deadlock) into a failure. */
#include <string.h>
#include <unistd.h>
#include "tandem.h"
#include "echeck.h"

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
    ECHECK(rt != NULL);
    if (rt == NULL) {
        return echeck_summary();
    }
    ECHECK(tdm_exec(rt, TDM_LANG_LUA, code, "thread_cb") == TDM_ERRRUN);
    ECHECK(strstr(tdm_errmsg(rt), "callback called on another thread while the Lua state was "
                                  "busy in a native call") != NULL);
    /* the runtime is still usable, the callback too on the calling thread */
    ECHECK(tdm_eval(rt, TDM_LANG_LUA, "T.call_cb(cb, 5)", &v) == TDM_OK);
    ECHECK(v.kind == TDM_INT && v.u.i == 10);
    tdm_release(rt, &v);
    tdm_close(rt);
    return echeck_summary();
}
