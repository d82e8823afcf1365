"""bench_budget.py — the cost of budgets (issue 12 "Numbers"; docs/performance.md).

Each case is timed on five runtimes in the same process, interleaved, best
of ROUNDS, in process CPU time (the machine is shared: wall time would count
other jobs):
  none        LuaRuntime(): no budget
  timeout     set_budget(timeout=3600): no hook while a call runs; the
              watchdog thread sets one when the deadline passes
  instr       set_budget(max_instructions=10**12, timeout=3600): Lua's count
              hook, firing every 10 000 instructions (and reading the clock)
  sb-timeout  LuaRuntime(sandbox=Sandbox(max_instructions=None, timeout=3600))
              (also the replaced library functions: string.rep, the pattern guard)
  sb-instr    LuaRuntime(sandbox=Sandbox(max_instructions=10**12, timeout=3600))
Cases: a Lua-only loop, Python -> Lua calls, Lua -> Python callbacks, a
pattern-heavy Lua loop (the sandbox's guard on string.find).

Then the floor: bench/hook_floor.c (built here with cc) runs the same
Lua-only loop in a plain lua_State of liblua5.4 with lua_sethook(L, h,
LUA_MASKCOUNT, N) for several N, no tandem involved: what any instruction
budget costs on stock Lua 5.4; and times one read of CLOCK_MONOTONIC_COARSE,
what arming a timeout-only budget's deadline cannot do without.

Then the latency from `while true do end` to LuaTimeoutError with a 10 ms
deadline, for a timeout-only budget (the watchdog) and for one with
max_instructions too (the count hook reads the clock).

usage: PYTHONPATH=build/python python3 bench/bench_budget.py [--quick]
"""
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

import tandem

QUICK = "--quick" in sys.argv
ROUNDS = 3 if QUICK else 7
SCALE = 0.2 if QUICK else 1.0

BIG = 10 ** 12
HOUR = 3600.0
LOOP_N = int(5_000_000 * SCALE)
HERE = os.path.dirname(os.path.abspath(__file__))
clock = time.process_time


def runtimes():
    rts = {}
    rts["none"] = tandem.LuaRuntime()
    rts["timeout"] = tandem.LuaRuntime()
    rts["timeout"].set_budget(timeout=HOUR)
    rts["instr"] = tandem.LuaRuntime()
    rts["instr"].set_budget(BIG, HOUR)
    rts["sb-timeout"] = tandem.LuaRuntime(
        sandbox=tandem.Sandbox(max_instructions=None, timeout=HOUR))
    rts["sb-instr"] = tandem.LuaRuntime(
        sandbox=tandem.Sandbox(max_instructions=BIG, timeout=HOUR))
    return rts


def case_lua_loop(lua):
    f = lua.eval("function(n) local s = 0 for i = 1, n do s = s + i % 7 end return s end")
    return lambda: f(LOOP_N), LOOP_N, "Lua-only loop (per iteration)"


def case_py_to_lua(lua):
    n = int(200_000 * SCALE)
    f = lua.eval("function(x) return x + 1 end")

    def run():
        for i in range(n):
            f(i)
    return run, n, "Python -> Lua call (per call)"


def case_lua_to_py(lua):
    n = int(200_000 * SCALE)
    f = lua.eval("function(cb, n) local s = 0 for i = 1, n do s = s + cb(i) end return s end")

    def cb(i):
        return i
    return lambda: f(cb, n), n, "Lua -> Python callback (per call)"


def case_patterns(lua):
    n = int(200_000 * SCALE)
    f = lua.eval("function(n) local c = 0 for i = 1, n do "
                 "if string.find('key_' .. (i % 100), '^key_%d+$') then c = c + 1 end end "
                 "return c end")
    return lambda: f(n), n, "string.find in a Lua loop (per iteration)"


CASES = [case_lua_loop, case_py_to_lua, case_lua_to_py, case_patterns]


def bench_case(case, rts):
    prepared = {name: case(lua) for name, lua in rts.items()}
    best = {name: float("inf") for name in rts}
    n = what = None
    for _ in range(ROUNDS):
        for name, (run, n, what) in prepared.items():
            t0 = clock()
            run()
            best[name] = min(best[name], clock() - t0)
    return what, n, best


def hook_floor():
    """Run bench/hook_floor.c; {count: ns per iteration} (count 0: no hook)."""
    cc = os.environ.get("CC", "cc")
    try:
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "lua5.4"],
                               capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        flags = ["-I/usr/include/lua5.4", "-llua5.4"]
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "hook_floor")
        cmd = [cc, "-std=c11", "-O2", os.path.join(HERE, "hook_floor.c"), "-o", exe] + flags
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print("(bench/hook_floor.c did not build: %s)" % " ".join(map(shlex.quote, cmd)))
            print(r.stderr)
            return None
        out = subprocess.run([exe, str(LOOP_N), str(ROUNDS)], capture_output=True,
                             text=True, check=True).stdout
    floor = {}
    for line in out.splitlines():
        _, count, ns, _calls = line.split()
        floor[int(count)] = float(ns)
    return floor


def deadline_latency(samples, max_instructions):
    lua = tandem.LuaRuntime(sandbox=tandem.Sandbox(timeout=0.01,
                                                   max_instructions=max_instructions))
    late = []
    for _ in range(samples):
        t0 = time.perf_counter()
        try:
            lua.execute("while true do end")
        except tandem.LuaTimeoutError:
            pass
        late.append(time.perf_counter() - t0)
    return late


def pct(x, base):
    return "%+7.1f%%" % ((x / base - 1) * 100)


def main():
    rts = runtimes()
    names = list(rts)
    print("ns per op, best of %d, process CPU time; %% against none" % ROUNDS)
    print("%-42s" % "case" + "".join("%11s" % n for n in names)
          + "".join("%10s" % n for n in names[1:]))
    loop_ns = call_ns = None
    for case in CASES:
        what, n, best = bench_case(case, rts)
        ns = {k: v / n * 1e9 for k, v in best.items()}
        if case is case_lua_loop:
            loop_ns = ns
        if case is case_py_to_lua:
            call_ns = ns
        print("%-42s" % what + "".join("%11.1f" % ns[k] for k in names)
              + "".join("%10s" % pct(ns[k], ns["none"]) for k in names[1:]))

    floor = hook_floor()
    if floor is not None:
        base = floor[0]
        print()
        print("The floor: the same Lua-only loop in a plain lua_State (bench/hook_floor.c),")
        print("lua_sethook(L, h, LUA_MASKCOUNT, N); N = 2147483647 never fires in the run:")
        for count in sorted(c for c in floor if c >= 0):
            label = "no hook" if count == 0 else "count hook, N = %d" % count
            extra = "" if count == 0 else "   %s" % pct(floor[count], base)
            print("  %-34s %7.2f ns/iteration%s" % (label, floor[count], extra))
        if -1 in floor:
            print("  one read of CLOCK_MONOTONIC_COARSE (a timeout-only budget's per-call "
                  "floor): %.2f ns" % floor[-1])
            if call_ns is not None:
                print("  Python -> Lua call under a timeout: %+.1f ns over none, %+.1f ns "
                      "over none + that clock read" % (call_ns["timeout"] - call_ns["none"],
                      call_ns["timeout"] - call_ns["none"] - floor[-1]))
        if 10000 in floor and loop_ns is not None:
            f_cost = floor[10000] / base - 1
            t_cost = loop_ns["instr"] / loop_ns["none"] - 1
            print("  max_instructions: tandem %+.1f%% vs the floor (N = 10000) %+.1f%%: "
                  "%.2f of the floor's cost" % (t_cost * 100, f_cost * 100,
                                                t_cost / f_cost if f_cost > 0 else float("nan")))

    samples = 10 if QUICK else 50
    print()
    for label, mi in (("timeout only (watchdog)", None), ("with max_instructions (count hook)", BIG)):
        late = deadline_latency(samples, mi)
        print("while true do end -> LuaTimeoutError, timeout=0.010 s, %-34s median %.2f ms, "
              "max %.2f ms (%d runs)" % (label + ":", statistics.median(late) * 1e3,
                                         max(late) * 1e3, len(late)))


if __name__ == "__main__":
    main()
