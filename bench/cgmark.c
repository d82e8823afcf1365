/*
 * cgmark.c — callgrind client requests for bench_lupa.py, loaded with ctypes.
 *
 * Where perf has no counters, bench_lupa.py runs one child per kind under
 * callgrind with --collect-atstart=no and brackets each measured run of a case
 * with cg_start() / cg_stop(): the dump written by cg_stop holds exactly the
 * instructions of that run. Outside valgrind the requests do nothing.
 * Built on the fly by bench_lupa.py (gcc -shared); needs valgrind's headers.
 */
#include <valgrind/callgrind.h>

void cg_start(void);
void cg_stop(void);

void cg_start(void)
{
    CALLGRIND_ZERO_STATS;
    CALLGRIND_TOGGLE_COLLECT;
}

void cg_stop(void)
{
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_DUMP_STATS;
}
