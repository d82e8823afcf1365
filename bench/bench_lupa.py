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

Timings on a shared machine swing run to run. --instructions prints instead
the user-space instructions per op (perf stat -e instructions:u): each case of
each kind runs alone in a child (--child-one KIND CASE N) once with n/4 ops and
once with 5n/4, and the difference of the two counts over the n ops between
them cancels start-up, imports and warm-up. Without a usable perf it says so in
one line and prints no table.
"""
import json
import os
import subprocess
import sys
import tempfile
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


def cases(lua):
    """The cases on `lua`: a LuaRuntime of tandem or lupa, or the tandem_floor
    module, which offers the same eval and table_from."""
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


def load(kind):
    """The cases of one kind ("tandem", "lupa" or "floor") and its description."""
    if kind == "floor":
        sys.path.insert(0, os.environ["TANDEM_FLOOR"])
        import tandem_floor as mod
        return cases(mod), "tandem_floor (%s)" % mod.__version__
    mod = __import__(kind)
    lua = mod.LuaRuntime()
    return cases(lua), "%s %s (%s)" % (kind, mod.__version__, lua.lua_implementation)


def child(kind):
    todo, impl = load(kind)
    out = {name: best(fn, n) for name, (fn, n) in todo.items()}
    out["_impl"] = impl
    json.dump(out, sys.stdout)


def child_one(kind, name, n):
    """Run one case once with n ops, after a warm-up that does not depend on n."""
    todo, impl = load(kind)
    fn, default_n = todo[name]
    fn(min(default_n, 1000))
    fn(n)
    print(impl)


def child_list(kind):
    """The case names and their default op counts, in order."""
    json.dump([(name, n) for name, (_, n) in load(kind)[0].items()], sys.stdout)


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


class NoPerf(Exception):
    """perf stat cannot count instructions:u here."""


def count_instructions(argv):
    """(User-space instructions retired by running argv, its stdout), by perf stat."""
    env = dict(os.environ, PYTHONHASHSEED="0")    # same dict layouts every run
    with tempfile.NamedTemporaryFile("r", suffix=".perf") as out:
        try:
            r = subprocess.run(["perf", "stat", "-x,", "-o", out.name,
                                "-e", "instructions:u", "--"] + argv,
                               env=env, capture_output=True, text=True)
        except OSError as e:
            raise NoPerf("cannot run perf (%s)" % e)
        if r.returncode != 0:
            err = r.stderr.strip().splitlines() or ["exit status %d" % r.returncode]
            raise NoPerf("perf stat failed: %s" % err[-1])
        for line in out:
            fields = line.strip().split(",")
            if len(fields) > 2 and fields[2].startswith("instructions"):
                if not fields[0].isdigit():
                    raise NoPerf("perf stat counted instructions:u as %s" % fields[0])
                return int(fields[0]), r.stdout.strip()
    raise NoPerf("perf stat printed no instructions:u count")


def instructions_per_op(kind, name, n):
    """(instructions per op, description) of one case: two runs, of n/4 and 5n/4
    ops, differenced so that start-up, imports and warm-up cancel."""
    n1, n2 = n // 4, n * 5 // 4
    argv = [sys.executable, __file__, "--child-one", kind, name]
    i1, impl = count_instructions(argv + [str(n1)])
    i2, _ = count_instructions(argv + [str(n2)])
    return (i2 - i1) / (n2 - n1), impl


def instructions(kinds, markdown):
    """The instructions-per-op table: deterministic where ns/op is noisy."""
    try:
        count_instructions(["/bin/true"])
        ops = json.loads(subprocess.run([sys.executable, __file__, "--list", "tandem"],
                                        capture_output=True, text=True,
                                        check=True).stdout)
        rows, impls = [], {}
        for name, n in ops:
            row = {}
            for kind in kinds:
                row[kind], impls[kind] = instructions_per_op(kind, name, n)
            rows.append((name, row))
    except NoPerf as e:
        print("(no instruction table: %s; is perf installed, "
              "kernel.perf_event_paranoid <= 2?)" % e, file=sys.stderr)
        return
    has_floor = "floor" in kinds
    if markdown:
        print("| crossing | tandem instr/op | lupa instr/op |"
              + (" floor instr/op |" if has_floor else "") + " tandem/lupa |"
              + (" floor/lupa |" if has_floor else ""))
        print("|---|---:|---:|" + ("---:|" if has_floor else "") + "---:|"
              + ("---:|" if has_floor else ""))
        for name, r in rows:
            line = "| %s | %.0f | %.0f |" % (name, r["tandem"], r["lupa"])
            if has_floor:
                line += " %.0f |" % r["floor"]
            line += " %.2f |" % (r["tandem"] / r["lupa"])
            if has_floor:
                line += " %.2f |" % (r["floor"] / r["lupa"])
            print(line)
        print()
    else:
        head = "%-34s %12s %12s" % ("crossing", "tandem ins", "lupa ins")
        head += " %12s" % "floor ins" if has_floor else ""
        head += " %7s" % "ratio" + (" %7s" % "fl/lupa" if has_floor else "")
        print(head)
        for name, r in rows:
            line = "%-34s %12.0f %12.0f" % (name, r["tandem"], r["lupa"])
            line += " %12.0f" % r["floor"] if has_floor else ""
            line += " %7.2f" % (r["tandem"] / r["lupa"])
            line += " %7.2f" % (r["floor"] / r["lupa"]) if has_floor else ""
            print(line)
    print("instructions:u per op (perf stat; runs of n/4 and 5n/4 ops, differenced); "
          + " vs ".join(impls[k] for k in kinds))


def main():
    if "--child" in sys.argv:
        return child(sys.argv[sys.argv.index("--child") + 1])
    if "--child-one" in sys.argv:
        i = sys.argv.index("--child-one")
        kind, name, n = sys.argv[i + 1:i + 4]
        return child_one(kind, name, int(n))
    if "--list" in sys.argv:
        return child_list(sys.argv[sys.argv.index("--list") + 1])
    markdown = "--markdown" in sys.argv
    kinds = ["tandem", "lupa"] + (["floor"] if floor_available() else [])
    if "--instructions" in sys.argv:
        return instructions(kinds, markdown)
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
