/*
 * sweep_embed.c — the fault sweep for a C host (make fault-test;
 * docs/reliability.md).
 *
 * Linked against the fault build of libtandem (mk/fault.mk: the same objects
 * plus tests/fault/fault.c, every allocation of tandem's code wrapped). For
 * each workload below — the embed API's crossings: tdm_exec/tdm_eval,
 * tdm_call both ways, tdm_get/tdm_set/tdm_get_global/tdm_set_global,
 * tdm_coroutine/tdm_resume, tdm_translate, Lua's FFI with a callback (a
 * libffi closure), errors both ways, a sandboxed runtime — it counts the
 * allocations K of one run, then for n = 1..K runs it with the n-th failing
 * and checks that:
 *   - nothing crashes (under ASan with SAN=1);
 *   - the status is TDM_OK (the failure was absorbed: Lua's emergency
 *     collection, a workload's own pcall) or a memory error: TDM_ERRMEM, or
 *     an error whose message says memory (a MemoryError raised in Python);
 *   - the runtime still works afterwards (Lua and Python eval, a call);
 *   - nothing leaks: for every tenth n, R runs failing the n-th allocation
 *     must not grow the live blocks of tandem's C heap or Python's allocated
 *     blocks by one per run more than R runs failing nothing.
 * Ends with "N passed, N failed" (1 passed when no workload had a bad
 * result or a leak).
 *
 *   sweep_embed [--quick] [--only NAME]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tandem.h"

void tdm_fault_arm(long n);
void tdm_fault_stop(void);
long tdm_fault_count(void);
int tdm_fault_fired(void);
int tdm_fault_nsites(void);
long tdm_fault_live(void **out, long *counts, int n);

#define LUA TDM_LANG_LUA
#define PY TDM_LANG_PYTHON

static const char *SETUP_LUA =
    "ffi = require 'tandem.ffi'\n"
    "ffi.cdef[[ int abs(int); typedef struct { int x, y; } fpt; ]]\n"
    "function ident(...) return ... end\n"
    "function mk(n) local t = {} for i = 1, n do t[i] = ('s' .. i):rep(3) end return t end\n"
    "function boom(x) error(x) end\n"
    "function gen(a) local b = coroutine.yield(a .. '!') return {b}, b .. '?' end\n"
    "function cb(n) local f = ffi.cast('int (*)(int)', function(x) return x * 2 end)\n"
    "  local r = f(n) f:free() return r end\n"
    "function newpt() local p = ffi.new('fpt', {1, 2}) return p.x + p.y, p end\n";

static const char *SETUP_PY =
    "import gc, sys\n"
    "class Obj:\n"
    "    pass\n"
    "def pyident(*a):\n"
    "    return a\n"
    "def pyboom(x):\n"
    "    raise ValueError(x)\n"
    "import linecache\n"
    "src = 'def tr(a, b):\\n    total = 0\\n    for i in range(a):\\n'"
    " '        total += i * b\\n    return total\\n'\n"
    "linecache.cache['<fault_tr>'] = (len(src), None, src.splitlines(True), '<fault_tr>')\n"
    "exec(compile(src, '<fault_tr>', 'exec'))\n";

/* The first status that is not ok_status, else TDM_OK. */
#define TRY(expr)                           \
    do {                                    \
        tdm_Status s_ = (expr);             \
        if (s_ != TDM_OK) {                 \
            st = s_;                        \
            goto out;                       \
        }                                   \
    } while (0)

static void release_all(tdm_Runtime *rt, tdm_Value *v, int n)
{
    for (int i = 0; i < n; i++) {
        tdm_release(rt, &v[i]);
    }
}

static int w_exec_eval(tdm_Runtime *rt)
{
    tdm_Status st = TDM_OK;
    tdm_Value a = {0}, b = {0}, c = {0};
    TRY(tdm_exec(rt, LUA, "local t = mk(10) t.x = {y = {z = 'deep'}} return t", "w.lua"));
    TRY(tdm_eval(rt, LUA, "{1, 2, {x = 'y'}, 'str' .. 1}", &a));
    TRY(tdm_eval(rt, PY, "{'k': [1, 2.5, 'x' * 40], 3: (None, True)}", &b));
    TRY(tdm_eval(rt, LUA, "('abc'):rep(50)", &c));
out:
    tdm_release(rt, &a);
    tdm_release(rt, &b);
    tdm_release(rt, &c);
    return st;
}

static int w_calls(tdm_Runtime *rt)
{
    tdm_Status st = TDM_OK;
    tdm_Value fn = {0}, pf = {0}, obj = {0}, res[8] = {{0}};
    int nres = 0;
    TRY(tdm_get_global(rt, LUA, "ident", &fn));
    TRY(tdm_eval(rt, PY, "Obj()", &obj));
    tdm_Value args[5] = {tdm_int(7), tdm_float(2.5), tdm_str("a string, not short, x x x x"),
                         obj, tdm_bool(1)};
    TRY(tdm_call(rt, &fn, 5, args, res, 8, &nres));
    release_all(rt, res, nres);
    nres = 0;
    TRY(tdm_get_global(rt, PY, "pyident", &pf));
    TRY(tdm_call(rt, &pf, 5, args, res, 8, &nres));
out:
    release_all(rt, res, nres);
    tdm_release(rt, &fn);
    tdm_release(rt, &pf);
    tdm_release(rt, &obj);
    return st;
}

static int w_get_set(tdm_Runtime *rt)
{
    tdm_Status st = TDM_OK;
    tdm_Value t = {0}, d = {0}, v = {0}, w = {0};
    TRY(tdm_new_table(rt, LUA, &t));
    tdm_Value k = tdm_str("key"), val = tdm_str("value of the key");
    TRY(tdm_set(rt, &t, &k, &val));
    TRY(tdm_get(rt, &t, &k, &v));
    TRY(tdm_new_table(rt, PY, &d));
    TRY(tdm_set(rt, &d, &k, &t));
    TRY(tdm_get(rt, &d, &k, &w));
    TRY(tdm_set_global(rt, LUA, "from_c", &d));
    TRY(tdm_set_global(rt, PY, "from_c", &t));
    tdm_release(rt, &v);
    TRY(tdm_get_global(rt, LUA, "from_c", &v));
out:
    tdm_release(rt, &t);
    tdm_release(rt, &d);
    tdm_release(rt, &v);
    tdm_release(rt, &w);
    return st;
}

static int w_resume(tdm_Runtime *rt)
{
    tdm_Status st = TDM_OK;
    tdm_Value fn = {0}, co = {0}, res[4] = {{0}};
    int nres = 0;
    TRY(tdm_get_global(rt, LUA, "gen", &fn));
    TRY(tdm_coroutine(rt, &fn, &co));
    tdm_Value a = tdm_str("start");
    tdm_Status s = tdm_resume(rt, &co, 1, &a, res, 4, &nres);
    if (s != TDM_ERRYIELD) {
        st = s == TDM_OK ? TDM_ERRRUN : s;
        goto out;
    }
    release_all(rt, res, nres);
    nres = 0;
    a = tdm_str("again");
    TRY(tdm_resume(rt, &co, 1, &a, res, 4, &nres));
out:
    release_all(rt, res, nres);
    tdm_release(rt, &fn);
    tdm_release(rt, &co);
    return st;
}

static int w_translate(tdm_Runtime *rt)
{
    tdm_Status st = TDM_OK;
    tdm_Value fn = {0}, lf = {0}, res[1] = {{0}};
    int nres = 0;
    TRY(tdm_get_global(rt, PY, "tr", &fn));
    TRY(tdm_translate(rt, &fn, &lf));
    tdm_Value args[2] = {tdm_int(5), tdm_int(3)};
    TRY(tdm_call(rt, &lf, 2, args, res, 1, &nres));
out:
    release_all(rt, res, nres);
    tdm_release(rt, &fn);
    tdm_release(rt, &lf);
    return st;
}

static int w_ffi(tdm_Runtime *rt)
{
    tdm_Status st = TDM_OK;
    tdm_Value v = {0};
    TRY(tdm_eval(rt, LUA, "cb(21)", &v));
    tdm_release(rt, &v);
    TRY(tdm_exec(rt, LUA, "local s, p = newpt() return ffi.C.abs(-3), "
                          "ffi.new('int[4]', {1, 2, 3, 4})[2], p", "ffi.lua"));
out:
    tdm_release(rt, &v);
    return st;
}

/* Errors both ways: the expected error is TDM_OK here. */
static int w_errors(tdm_Runtime *rt)
{
    tdm_Status st = TDM_OK;
    tdm_Value fn = {0}, pf = {0}, res[1] = {{0}};
    int nres = 0;
    TRY(tdm_get_global(rt, LUA, "boom", &fn));
    tdm_Value a = tdm_str("message");
    tdm_Status s = tdm_call(rt, &fn, 1, &a, res, 1, &nres);
    if (s != TDM_ERRRUN || strstr(tdm_errmsg(rt), "message") == NULL) {
        st = s == TDM_OK ? TDM_ERRTYPE : s;
        goto out;
    }
    TRY(tdm_get_global(rt, PY, "pyboom", &pf));
    s = tdm_call(rt, &pf, 1, &a, res, 1, &nres);
    if (s != TDM_ERRRUN || strstr(tdm_errmsg(rt), "ValueError") == NULL) {
        st = s == TDM_OK ? TDM_ERRTYPE : s;
        goto out;
    }
    s = tdm_exec(rt, LUA, "local ok, e = pcall(python.eval, 'pyboom(1)') "
                          "assert(not ok) error(e)", "err.lua");
    if (s != TDM_ERRRUN) {
        st = s == TDM_OK ? TDM_ERRTYPE : s;
    }
out:
    release_all(rt, res, nres);
    tdm_release(rt, &fn);
    tdm_release(rt, &pf);
    return st;
}

static int w_sandbox(tdm_Runtime *unused)
{
    (void)unused;
    tdm_Policy p;
    tdm_policy_init(&p);
    p.max_instructions = 20000;
    tdm_Runtime *rt = NULL;
    tdm_Status st = tdm_open_sandboxed(&p, &rt);
    if (st != TDM_OK) {
        return st;
    }
    st = tdm_exec(rt, LUA, "local t = {} for i = 1, 50 do t[i] = tostring(i) end", "sb.lua");
    if (st == TDM_OK) {
        st = tdm_exec(rt, LUA, "while true do end", "loop.lua");
        st = st == TDM_ERRTIMEOUT ? TDM_OK : st == TDM_OK ? TDM_ERRTYPE : st;
    }
    if (st != TDM_OK) {
        /* the message goes with the runtime: keep whether it said memory */
        const char *m = tdm_errmsg(rt);
        if (st == TDM_ERRRUN && (strstr(m, "memory") || strstr(m, "MemoryError"))) {
            st = TDM_ERRMEM;
        }
    }
    tdm_free(rt);
    return st;
}

static int w_new_runtime(tdm_Runtime *unused)
{
    (void)unused;
    tdm_Runtime *rt = NULL;
    tdm_Config cfg;
    tdm_config_init(&cfg);
    tdm_Status st = tdm_open_config(&cfg, &rt);
    if (st != TDM_OK) {
        const char *m = tdm_errmsg(NULL);
        if (st == TDM_ERRRUN && (strstr(m, "memory") || strstr(m, "MemoryError"))) {
            st = TDM_ERRMEM;
        } else if (st != TDM_ERRMEM) {
            printf("  c_new_runtime: tdm_open_config: %s: %s\n", tdm_status_name(st), m);
        }
        return st;
    }
    tdm_Value v = {0};
    st = tdm_eval(rt, LUA, "1 + 1", &v);
    if (st == TDM_ERRRUN) {
        const char *m = tdm_errmsg(rt);
        if (strstr(m, "memory") || strstr(m, "MemoryError")) {
            st = TDM_ERRMEM;
        } else {
            printf("  c_new_runtime: tdm_eval: %s: %s\n", tdm_status_name(st), m);
        }
    }
    tdm_release(rt, &v);
    tdm_free(rt);
    return st;
}

typedef struct {
    const char *name;
    int (*run)(tdm_Runtime *rt);
} Workload;

static const Workload WORKLOADS[] = {
    {"c_exec_eval", w_exec_eval}, {"c_calls", w_calls},       {"c_get_set", w_get_set},
    {"c_resume", w_resume},       {"c_translate", w_translate}, {"c_ffi", w_ffi},
    {"c_errors", w_errors},       {"c_sandbox", w_sandbox},   {"c_new_runtime", w_new_runtime},
};

static tdm_Runtime *make(void)
{
    tdm_Runtime *rt = tdm_open();
    if (rt == NULL || tdm_exec(rt, LUA, SETUP_LUA, "setup.lua") != TDM_OK
        || tdm_exec(rt, PY, SETUP_PY, "setup.py") != TDM_OK) {
        fprintf(stderr, "sweep_embed: setup failed: %s\n", rt ? tdm_errmsg(rt) : "tdm_open");
        exit(2);
    }
    return rt;
}

/* A status the caller may see when an allocation failed. */
static int is_memory_error(tdm_Runtime *rt, tdm_Status st)
{
    if (st == TDM_OK || st == TDM_ERRMEM) {
        return 1;
    }
    const char *m = tdm_errmsg(rt);
    return st == TDM_ERRRUN && m != NULL && (strstr(m, "memory") || strstr(m, "MemoryError"));
}

/* The runtime works: Lua and Python eval, a call, a callback. */
static int sane(tdm_Runtime *rt)
{
    tdm_Value v = {0}, fn = {0}, res[2] = {{0}};
    int nres = 0, ok = 1;
    ok = ok && tdm_eval(rt, LUA, "1 + 1", &v) == TDM_OK && v.kind == TDM_INT && v.u.i == 2;
    ok = ok && tdm_eval(rt, PY, "len('abc')", &v) == TDM_OK && v.kind == TDM_INT && v.u.i == 3;
    ok = ok && tdm_get_global(rt, LUA, "ident", &fn) == TDM_OK;
    tdm_Value a = tdm_int(5);
    ok = ok && tdm_call(rt, &fn, 1, &a, res, 2, &nres) == TDM_OK && nres == 1
         && res[0].u.i == 5;
    release_all(rt, res, nres);
    ok = ok && tdm_eval(rt, LUA, "cb(4)", &v) == TDM_OK && v.u.i == 8;
    tdm_release(rt, &fn);
    return ok;
}

static int run_armed(tdm_Runtime *rt, const Workload *w, long n, tdm_Status *st)
{
    tdm_fault_arm(n);
    *st = w->run(rt);
    tdm_fault_stop();
    return is_memory_error(rt, *st);
}

/* Live blocks: tandem's C heap and Python's, after full collections. */
static void heap(tdm_Runtime *rt, long *pyblocks, long *cblocks)
{
    tdm_Value v = {0};
    for (int i = 0; i < 3; i++) {
        tdm_exec(rt, PY, "gc.collect()", "gc.py");
        tdm_exec(rt, LUA, "collectgarbage() collectgarbage()", "gc.lua");
    }
    *pyblocks = tdm_eval(rt, PY, "sys.getallocatedblocks()", &v) == TDM_OK ? (long)v.u.i : 0;
    *cblocks = tdm_fault_live(NULL, NULL, 0);
}

/* 1 when R runs failing allocation n grow the heaps by at least one block
   per run more than R runs failing nothing, in each of three windows. */
static int leaks(tdm_Runtime *rt, const Workload *w, long n, int R)
{
    tdm_Status st;
    for (int i = 0; i < R; i++) {
        run_armed(rt, w, n, &st);
    }
    for (int window = 0; window < 3; window++) {
        long grow_py[2], grow_c[2];
        for (int k = 0; k < 2; k++) {
            long p0, c0, p1, c1;
            heap(rt, &p0, &c0);
            for (int i = 0; i < R; i++) {
                run_armed(rt, w, k ? n : 0, &st);
            }
            heap(rt, &p1, &c1);
            grow_py[k] = p1 - p0;
            grow_c[k] = c1 - c0;
        }
        long dp = grow_py[1] - grow_py[0], dc = grow_c[1] - grow_c[0];
        if (dp < R && dc < R) {
            return 0;
        }
        if (window == 2) {
            printf("  %s n=%ld: leak: %+ld Python blocks, %+ld C blocks / %d runs\n",
                   w->name, n, dp, dc, R);
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    int quick = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        }
    }
    long grand[4] = {0, 0, 0, 0};
    for (size_t wi = 0; wi < sizeof WORKLOADS / sizeof WORKLOADS[0]; wi++) {
        const Workload *w = &WORKLOADS[wi];
        if (only != NULL && strcmp(only, w->name) != 0) {
            continue;
        }
        tdm_Runtime *rt = make();
        tdm_Status st;
        for (int i = 0; i < 5; i++) {       /* warm: imports, caches, translations */
            if (w->run(rt) != TDM_OK) {
                printf("  %s: fails without a failure: %s\n", w->name, tdm_errmsg(rt));
                grand[2]++;
                break;
            }
        }
        tdm_fault_arm(0);
        w->run(rt);
        long total = tdm_fault_count();
        long step = quick && total > 150 ? total / 150 : 1;
        long fired = 0, bad = 0, leaking = 0;
        for (long n = 1; n <= total; n += step) {
            int ok = run_armed(rt, w, n, &st);
            fired += tdm_fault_fired();
            if (!ok || !sane(rt)) {
                bad++;
                printf("  %s n=%ld: %s (status %s: %s)\n", w->name, n,
                       ok ? "runtime broken after the failure" : "not a memory error",
                       tdm_status_name(st), tdm_errmsg(rt));
                tdm_free(rt);
                rt = make();
                continue;
            }
            if (n % (10 * step) == 1 && leaks(rt, w, n, 30)) {
                leaking++;
            }
        }
        tdm_free(rt);
        printf("%-14s %6ld allocations, %6ld failures injected, %ld bad, %ld leaking\n",
               w->name, total, fired, bad, leaking);
        fflush(stdout);
        grand[0] += total;
        grand[1] += fired;
        grand[2] += bad;
        grand[3] += leaking;
    }
    printf("distinct allocation sites made to fail: %d\n", tdm_fault_nsites());
    printf("total: %ld allocations, %ld failures injected, %ld bad, %ld leaking\n", grand[0],
           grand[1], grand[2], grand[3]);
    int ok = grand[2] == 0 && grand[3] == 0 && grand[1] > 0;
    printf("%d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
