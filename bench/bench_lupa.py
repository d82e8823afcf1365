"""Crossing benchmarks: tandem against Debian's lupa, in the same run.

Each case is written once against lupa's API and run on both modules, so the
ratio compares the same work. Prints ns/op for each and tandem/lupa; the issue's
target is a ratio of at most 0.33 for every crossing.

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_lupa.py [--markdown]

Debian's lupa is built on LuaJIT and imports it with global symbols, so it
cannot share a process with liblua5.4 (whose own internal calls would bind to
LuaJIT's lua_* functions). Each module therefore runs in a child process of
this one, alternating tandem, lupa, tandem, lupa; the best time of each wins.

With TANDEM_FLOOR set to the directory holding the tandem_floor extension
(bench/floor.c, built by bench/run.sh), a third child runs the same cases on
it: the hand-written minimum with PUC Lua 5.4 and CPython. Its column is the
floor each row can reach; floor/lupa above 0.33 means the row's target is out
of reach with Lua 5.4.
"""
import json
import os
import subprocess
import sys
import time

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


def floor_cases(mod):
    """cases() on tandem_floor: the same work, by the hand-written minimum."""
    ident = mod.eval("function(x) return x end")
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

    loop = mod.eval("function(f, n) for i = 1, n do f(i) end end")
    pyident = lambda x: x
    out["lua->py call lambda x: x"] = (lambda n: loop(pyident, n), N)

    class Obj:
        attr = 1
    getattr_loop = mod.eval("function(o, n) local a for i = 1, n do a = o.attr end return a end")
    obj = Obj()
    out["obj.attr read from Lua"] = (lambda n: getattr_loop(obj, n), N)

    t = mod.eval("{x = 1}")

    def read_x(n):
        tt = t
        for _ in range(n):
            tt.x
    out["t.x read from Python"] = (read_x, N)

    ints = list(range(1000))
    out["table_from(1000-int list)"] = (lambda n: [mod.table_from(ints) for _ in range(n)], 200)
    d = {"k%d" % i: i for i in range(1000)}
    out["table_from(1000 str->int dict)"] = (lambda n: [mod.table_from(d) for _ in range(n)], 200)
    big = mod.table_from(d)
    out["list(t.values()) 1000"] = (lambda n: [list(big.values()) for _ in range(n)], 200)
    out["dict(t.items()) 1000"] = (lambda n: [dict(big.items()) for _ in range(n)], 200)

    gen_fn = mod.eval("function() while true do coroutine.yield(1) end end")

    def resume(n):
        co = gen_fn.coroutine()
        nx = co.send
        nx(None)
        for _ in range(n):
            nx(None)
    out["coroutine resume/yield"] = (resume, N)
    return out


def child(modname):
    if modname == "floor":
        sys.path.insert(0, os.environ["TANDEM_FLOOR"])
        import tandem_floor as mod
        out = {name: best(fn, n) for name, (fn, n) in floor_cases(mod).items()}
        out["_impl"] = "tandem_floor (%s)" % mod.__version__
    else:
        mod = __import__(modname)
        out = {name: best(fn, n) for name, (fn, n) in cases(mod).items()}
        out["_impl"] = "%s %s (%s)" % (modname, mod.__version__,
                                       mod.LuaRuntime().lua_implementation)
    json.dump(out, sys.stdout)


def floor_available():
    """The floor child can run: TANDEM_FLOOR names a dir holding tandem_floor."""
    path = os.environ.get("TANDEM_FLOOR")
    if not path:
        print("(no floor column: TANDEM_FLOOR is not set; bench/run.sh builds "
              "bench/floor.c and sets it)", file=sys.stderr)
        return False
    if not any(f.startswith("tandem_floor.") and f.endswith(".so")
               for f in (os.listdir(path) if os.path.isdir(path) else ())):
        print("(no floor column: tandem_floor is not built in %s)" % path,
              file=sys.stderr)
        return False
    return True


def measure(modname):
    env = dict(os.environ)
    r = subprocess.run([sys.executable, __file__, "--child", modname], env=env,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def main():
    if "--child" in sys.argv:
        return child(sys.argv[sys.argv.index("--child") + 1])
    markdown = "--markdown" in sys.argv
    kinds = ["tandem", "lupa"] + (["floor"] if floor_available() else [])
    runs = {k: [] for k in kinds}
    for _ in range(2):
        for kind in kinds:
            runs[kind].append(measure(kind))
    has_floor = "floor" in runs
    rows = []
    for name in runs["tandem"][0]:
        if name.startswith("_"):
            continue
        tt, lt = (min(r[name] for r in runs[k]) for k in ("tandem", "lupa"))
        ft = min(r[name] for r in runs["floor"]) if has_floor else None
        rows.append((name, tt, lt, ft))
    lupa_impl = runs["lupa"][0]["_impl"]
    tandem_impl = runs["tandem"][0]["_impl"]
    floor_impl = runs["floor"][0]["_impl"] if has_floor else None
    if markdown:
        if has_floor:
            print("| crossing | tandem ns/op | lupa ns/op | tandem/lupa "
                  "| floor ns/op | floor/lupa |")
            print("|---|---:|---:|---:|---:|---:|")
        else:
            print("| crossing | tandem ns/op | lupa ns/op | tandem/lupa |")
            print("|---|---:|---:|---:|")
        for name, tt, lt, ft in rows:
            line = "| %s | %.0f | %.0f | %.2f |" % (name, tt, lt, tt / lt)
            if has_floor:
                line += " %.0f | %.2f |" % (ft, ft / lt)
            print(line)
        print()
        print("%s vs %s; Python %s" % (tandem_impl, lupa_impl, sys.version.split()[0]))
        if has_floor:
            print("floor: %s, hand-written C (bench/floor.c)" % floor_impl)
    else:
        head = "%-34s %10s %10s %7s" % ("crossing", "tandem ns", "lupa ns", "ratio")
        if has_floor:
            head += " %10s %7s" % ("floor ns", "fl/lupa")
        print(head)
        for name, tt, lt, ft in rows:
            line = "%-34s %10.0f %10.0f %7.2f" % (name, tt, lt, tt / lt)
            if has_floor:
                line += " %10.0f %7.2f" % (ft, ft / lt)
            flags = []
            if tt / lt > 0.34:
                flags.append("target 0.33")
            if has_floor and ft / lt > 0.34:
                flags.append("floor above 0.33")
            print(line + ("  (%s)" % "; ".join(flags) if flags else ""))
        print("%s vs %s" % (tandem_impl, lupa_impl))
        if has_floor:
            print("floor: %s, hand-written C (bench/floor.c)" % floor_impl)


if __name__ == "__main__":
    main()
