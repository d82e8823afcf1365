/*
 * hook_floor.c — what any count hook costs stock Lua 5.4, without tandem
 * (bench/bench_budget.py runs it; docs/performance.md, "Budgets and the
 * sandbox").
 *
 * One plain lua_State (liblua5.4, the Lua tandem runs on) runs the Lua-only
 * loop of bench_budget.py, `local s = 0 for i = 1, n do s = s + i % 7 end`,
 * with no hook and with lua_sethook(L, h, LUA_MASKCOUNT, N) for several N;
 * h only counts its calls. N = INT_MAX never fires during the run: what is
 * left is the price of having a count hook at all (Lua 5.4 then runs every
 * instruction through luaG_traceexec to count it down). Cases are
 * interleaved, best of ROUNDS, in process CPU time (the machine is shared).
 *
 * Output, one line per case: `case N ns_per_iteration hook_calls`
 * (N 0: no hook). Then `clock -1 ns_per_read 0`: one read of
 * CLOCK_MONOTONIC_COARSE, the clock a timeout-only budget reads per call
 * (the floor of what arming a deadline can cost).
 *
 *   cc -O2 bench/hook_floor.c $(pkg-config --cflags --libs lua5.4) -o hook_floor
 *   ./hook_floor [iterations] [rounds]
 */
#define _GNU_SOURCE     /* CLOCK_MONOTONIC_COARSE */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

static long long calls;

static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)L;
    (void)ar;
    calls++;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    long long n = argc > 1 ? atoll(argv[1]) : 5000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 7;
    static const int counts[] = {0, INT_MAX, 10000, 100, 1};
    enum { NCASES = sizeof counts / sizeof counts[0] };
    double best[NCASES];
    long long ncalls[NCASES];
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_dostring(L, "return function(n) local s = 0 for i = 1, n do s = s + i % 7 end "
                         "return s end") != LUA_OK) {
        fprintf(stderr, "hook_floor: %s\n", lua_tostring(L, -1));
        return 1;
    }
    int fn = luaL_ref(L, LUA_REGISTRYINDEX);
    for (int c = 0; c < NCASES; c++) {
        best[c] = 1e300;
    }
    for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < NCASES; c++) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
            lua_pushinteger(L, (lua_Integer)n);
            calls = 0;
            if (counts[c] > 0) {
                lua_sethook(L, count_hook, LUA_MASKCOUNT, counts[c]);
            }
            double t0 = now();
            int s = lua_pcall(L, 1, 1, 0);
            double t = now() - t0;
            lua_sethook(L, NULL, 0, 0);
            if (s != LUA_OK) {
                fprintf(stderr, "hook_floor: %s\n", lua_tostring(L, -1));
                return 1;
            }
            lua_pop(L, 1);
            if (t < best[c]) {
                best[c] = t;
            }
            ncalls[c] = calls;
        }
    }
    for (int c = 0; c < NCASES; c++) {
        printf("case %d %.3f %lld\n", counts[c], best[c] / (double)n * 1e9, ncalls[c]);
    }
    double clock_best = 1e300;
    volatile long sink = 0;     /* the reads are used */
    for (int r = 0; r < rounds; r++) {
        struct timespec ts;
        double t0 = now();
        for (long long i = 0; i < n; i++) {
            clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
            sink += ts.tv_nsec;
        }
        double t = now() - t0;
        if (t < clock_best) {
            clock_best = t;
        }
    }
    printf("clock -1 %.3f 0\n", clock_best / (double)n * 1e9);
    lua_close(L);
    return 0;
}
