"""bench_budget.py — the cost of budgets (issue 12 "Numbers"; docs/performance.md).

Each case is timed on three runtimes in the same process, interleaved, best
of ROUNDS:
  none      LuaRuntime(): no budget, so no count hook
  budget    LuaRuntime() with set_budget(max_instructions=10**12, timeout=3600):
            the count hook fires every 10 000 instructions and looks at the clock
  sandbox   LuaRuntime(sandbox=Sandbox(max_instructions=10**12, timeout=3600))
            (also the replaced library functions: string.rep, the pattern guard)
Cases: a Lua-only loop, Python -> Lua calls, Lua -> Python callbacks, a
pattern-heavy Lua loop (the sandbox's guard on string.find). Then the latency
from `while true do end` to LuaTimeoutError with a 10 ms deadline.

usage: PYTHONPATH=build/python python3 bench/bench_budget.py [--quick]
"""
import statistics
import sys
import time

import tandem

QUICK = "--quick" in sys.argv
ROUNDS = 3 if QUICK else 7
SCALE = 0.2 if QUICK else 1.0

BIG = 10 ** 12
HOUR = 3600.0


def runtimes():
    none = tandem.LuaRuntime()
    budget = tandem.LuaRuntime()
    budget.set_budget(BIG, HOUR)
    sandbox = tandem.LuaRuntime(sandbox=tandem.Sandbox(max_instructions=BIG, timeout=HOUR))
    return {"none": none, "budget": budget, "sandbox": sandbox}


def case_lua_loop(lua):
    n = int(5_000_000 * SCALE)
    f = lua.eval("function(n) local s = 0 for i = 1, n do s = s + i % 7 end return s end")
    return lambda: f(n), n, "Lua-only loop (per iteration)"


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
            t0 = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - t0)
    return what, n, best


def deadline_latency(samples):
    lua = tandem.LuaRuntime(sandbox=tandem.Sandbox(timeout=0.01, max_instructions=None))
    late = []
    for _ in range(samples):
        t0 = time.perf_counter()
        try:
            lua.execute("while true do end")
        except tandem.LuaTimeoutError:
            pass
        late.append(time.perf_counter() - t0)
    return late


def main():
    rts = runtimes()
    print("%-44s %12s %12s %12s %9s %9s" % ("case", "none ns", "budget ns", "sandbox ns",
                                             "budget", "sandbox"))
    for case in CASES:
        what, n, best = bench_case(case, rts)
        ns = {k: v / n * 1e9 for k, v in best.items()}
        print("%-44s %12.1f %12.1f %12.1f %+8.1f%% %+8.1f%%"
              % (what, ns["none"], ns["budget"], ns["sandbox"],
                 (ns["budget"] / ns["none"] - 1) * 100, (ns["sandbox"] / ns["none"] - 1) * 100))
    late = deadline_latency(10 if QUICK else 50)
    print("while true do end -> LuaTimeoutError, timeout=0.010 s: median %.2f ms, max %.2f ms "
          "(%d runs)" % (statistics.median(late) * 1e3, max(late) * 1e3, len(late)))


if __name__ == "__main__":
    main()
