"""Crossing benchmarks: tandem against lupa and the hand-written floor, in one run.

Each case is written once against lupa's API and run on every kind, so the
ratios compare the same work:

    tandem   this tree (PYTHONPATH=build/python), PUC Lua 5.4
    lupa     Debian's python3-lupa 1.14.1, on LuaJIT 2.1
    lupa54   lupa 1.14.1 built on Debian's Lua 5.4 (../shared/tools/build_lupa54.sh,
             run by bench/run.sh into BUILD/peers/lupa54), from TANDEM_LUPA54
    floor    bench/floor.c (module tandem_floor, built by bench/run.sh), from
             TANDEM_FLOOR: the hand-written minimum with PUC Lua 5.4 and CPython

    PYTHONPATH=build/python TANDEM_FLOOR=build/bench TANDEM_LUPA54=build/peers/lupa54 \
        /usr/bin/python3 bench/bench_lupa.py [--markdown] [--instructions] [--kinds=K,K]

The ratios printed are tandem/lupa54 (issue 14's target: at most 0.5 on every
row), tandem/floor (target for the one-crossing rows: at most 1.3), floor/lupa54
(above 0.5: no bridge on Lua 5.4 can meet the first target on that row) and
tandem/lupa on LuaJIT. A kind whose module lacks what a case needs shows "—".

Debian's lupa is built on LuaJIT and imports it with global symbols, so it
cannot share a process with liblua5.4 (whose own internal calls would bind to
LuaJIT's lua_* functions); lupa54 and the floor each load their own Lua too.
Each kind therefore runs in a child process of this one, alternating kinds
over two rounds; the best time of each wins.

Timings on a shared machine swing run to run. --instructions prints instead
the user-space instructions per op (perf stat -e instructions:u): each case of
each kind runs alone in a child (--child-one KIND CASE N) once with n/4 ops and
once with 5n/4, and the difference of the two counts over the n ops between
them cancels start-up, imports and warm-up. Where perf has no counters (this
VM) it counts callgrind's Ir instead (~50x slower): one child per kind runs
every case with n/40 and then n/8 ops, each run bracketed by callgrind client
requests (bench/cgmark.c, built on the fly, loaded with ctypes), and differences
the two runs' dumps; without either it says so in one line and prints no table.
Both heaps (Python's and Lua's) are collected between cases and before each
counted run, outside the count, so that the garbage one case leaves (the bulk
rows keep every table they make until they end) is not collected during, and
charged to, another.
"""
import gc
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
    out["table_from(1000-int list)"] = (lambda n: [lua.table_from(ints) for _ in range(n)], 1000)
    d = {"k%d" % i: i for i in range(1000)}
    out["table_from(1000 str->int dict)"] = (lambda n: [lua.table_from(d) for _ in range(n)], 1000)
    big = lua.table_from(d)
    out["list(t.values()) 1000"] = (lambda n: [list(big.values()) for _ in range(n)], 1000)
    out["dict(t.items()) 1000"] = (lambda n: [dict(big.items()) for _ in range(n)], 1000)

    gen_fn = lua.eval("function() while true do coroutine.yield(1) end end")

    def resume(n):
        co = gen_fn.coroutine()
        nx = co.send
        nx(None)
        for _ in range(n):
            nx(None)
    out["coroutine resume/yield"] = (resume, N)

    f3 = lua.eval("function(a, b, c) return a end")

    def call_mixed(n):
        f, s = f3, s10
        for i in range(n):
            f(i, s, 1.5)
    out["py->lua call f(int, str, float)"] = (call_mixed, N)

    loop_t = lua.eval("function(f, n) local t = {1} for i = 1, n do f(t) end end")
    out["lua->py call f(table)"] = (lambda n: loop_t(pyident, n), N)

    seq = lua.table_from(ints)

    def index(n):                         # t[1] .. t[1000], again and again
        tt = seq
        for base in range(0, n, 1000):
            for i in range(1, min(1000, n - base) + 1):
                tt[i]
    out["t[i] read from Python"] = (index, N)

    def length(n):
        tt = seq
        for _ in range(n):
            len(tt)
    out["len(t)"] = (length, N)

    iter_loop = lua.eval("function(l) local x for v in python.iter(l) do x = v end return x end")

    def py_iter(n):                       # one op: one element of a 1000-item list
        for _ in range(n // 1000):
            iter_loop(ints)
        if n % 1000:
            iter_loop(ints[:n % 1000])
    out["python.iter(list) in a Lua for"] = (py_iter, N)

    class Methods:
        def method(self, x):
            return x
    colon_loop = lua.eval("function(o, n) for i = 1, n do o:method(i) end end")
    dot_loop = lua.eval("function(o, n) for i = 1, n do o.method(i) end end")
    mobj = Methods()
    out["Lua for: obj:method(i)"] = (lambda n: colon_loop(mobj, n), N)
    out["Lua for: obj.method(i)"] = (lambda n: dot_loop(mobj, n), N)

    dicts = [{"a": i, "b": "x"} for i in range(100)]
    out["table_from(list of 100 dicts)"] = (
        lambda n: [lua.table_from(dicts) for _ in range(n)], 2000)

    def items_loop(n):
        for _ in range(n):
            for k, v in seq.items():
                pass
    out["for k, v in t.items() 1000"] = (items_loop, 1000)

    # not a case: run between cases, outside what is measured, so that the
    # garbage one case leaves (the bulk rows keep every table they make
    # until they end) is not collected during, and charged to, the next
    lua_collect = lua.eval("function() collectgarbage() collectgarbage() end")

    def collect_all():
        gc.collect()
        lua_collect()
    out["_collect"] = (collect_all, 0)
    return out


def split(todo):
    """(the cases, the collector run between them) of what cases() made."""
    return ({name: c for name, c in todo.items() if not name.startswith("_")},
            todo["_collect"][0])


KINDS = ("tandem", "lupa", "lupa54", "floor")
LABEL = {"tandem": "tandem", "lupa": "lupa (LuaJIT)", "lupa54": "lupa (Lua 5.4)",
         "floor": "floor"}


def load(kind):
    """The cases of one kind and its description: "tandem", "lupa" (Debian's,
    on LuaJIT), "lupa54" (lupa 1.14.1 built on Debian's Lua 5.4, imported from
    TANDEM_LUPA54) or "floor" (tandem_floor, from TANDEM_FLOOR)."""
    if kind == "floor":
        sys.path.insert(0, os.environ["TANDEM_FLOOR"])
        import tandem_floor as mod
        return cases(mod), "tandem_floor (%s)" % mod.__version__
    if kind == "lupa54":
        sys.path.insert(0, os.environ["TANDEM_LUPA54"])
        import lupa as mod
        lua = mod.LuaRuntime()
        if lua.lua_version != (5, 4):
            raise SystemExit("TANDEM_LUPA54: %s runs Lua %r, not 5.4"
                             % (mod.__file__, lua.lua_version))
        return cases(lua), "lupa %s (%s)" % (getattr(mod, "__version__", "1.14.1"),
                                             lua.lua_implementation)
    mod = __import__(kind)
    lua = mod.LuaRuntime()
    return cases(lua), "%s %s (%s)" % (kind, mod.__version__, lua.lua_implementation)


def child(kind):
    todo, impl = load(kind)
    todo, collect = split(todo)
    out = {}
    for name, (fn, n) in todo.items():
        collect()
        out[name] = best(fn, n)
    out["_impl"] = impl
    json.dump(out, sys.stdout)


def child_one(kind, name, n):
    """Run one case once with n ops, after a warm-up that does not depend on n."""
    todo, impl = load(kind)
    fn, default_n = split(todo)[0][name]
    fn(min(default_n // 10, 1000))
    fn(n)
    print(impl)


def child_cg(kind, lib):
    """Under callgrind (--collect-atstart=no): every case after its warm-up,
    run with n/40 then n/8 ops, each run after a full collection of both
    heaps and bracketed by lib's cg_start/cg_stop,
    so that dump 2i+1 and 2i+2 hold case i's two runs. Prints the runs' op
    counts and the description."""
    import ctypes
    cg = ctypes.CDLL(lib)
    todo, impl = load(kind)
    todo, collect = split(todo)
    plan = []
    for name, (fn, n) in todo.items():
        fn(min(n // 10, 1000))
        ops = (n // 40, n // 8)
        for m in ops:
            collect()       # each run starts from a collected heap: it pays
            cg.cg_start()   # for its own garbage only
            fn(m)
            cg.cg_stop()
        plan.append((name, ops))
    json.dump({"impl": impl, "plan": plan}, sys.stdout)


def callgrind_kind(kind, tmp):
    """{case: Ir per op} and the description of one kind, from one callgrind
    child (child_cg): per case, the two runs' counts differenced."""
    lib = os.path.join(tmp, "cgmark.so")
    if not os.path.exists(lib):
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cgmark.c")
        r = subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", lib, src],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise NoPerf("bench/cgmark.c did not build (valgrind's headers?): %s"
                         % r.stderr.strip()[-200:])
    out = os.path.join(tmp, "cg-%s.out" % kind)
    env = dict(os.environ, PYTHONHASHSEED="0")
    r = subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no",
                        "--callgrind-out-file=" + out, sys.executable, __file__,
                        "--child-cg", kind, lib], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise NoPerf("callgrind child %s failed: %s" % (kind, r.stderr.strip()[-300:]))
    got = json.loads(r.stdout)
    counts = []
    for i in range(1, 2 * len(got["plan"]) + 1):
        with open("%s.%d" % (out, i)) as f:
            counts.append(next(int(line.split()[1]) for line in f
                               if line.startswith(("totals:", "summary:"))))
    per_op = {}
    for i, (name, (n1, n2)) in enumerate(got["plan"]):
        per_op[name] = (counts[2 * i + 1] - counts[2 * i]) / (n2 - n1)
    return per_op, got["impl"]


def child_list(kind):
    """The case names and their default op counts, in order."""
    json.dump([(name, n) for name, (_, n) in split(load(kind)[0])[0].items()], sys.stdout)


def available(kind):
    """Whether the child of `kind` can run (tandem and lupa always are)."""
    var, lib, how = {
        "floor": ("TANDEM_FLOOR", "tandem_floor.", "builds bench/floor.c"),
        "lupa54": ("TANDEM_LUPA54", "_lupa.", "builds lupa on Lua 5.4 into build/peers"),
    }.get(kind, (None, None, None))
    if var is None:
        return True
    path = os.environ.get(var)
    if not path:
        print("(no %s column: %s is not set; bench/run.sh %s and sets it)"
              % (kind, var, how), file=sys.stderr)
        return False
    if kind == "lupa54":
        path = os.path.join(path, "lupa")
    if not any(f.startswith(lib) and f.endswith(".so")
               for f in (os.listdir(path) if os.path.isdir(path) else ())):
        print("(no %s column: not built in %s)" % (kind, path), file=sys.stderr)
        return False
    return True


def measure(modname):
    env = dict(os.environ)
    r = subprocess.run([sys.executable, __file__, "--child", modname], env=env,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


class NoPerf(Exception):
    """perf stat cannot count instructions:u here."""


COUNTER = "perf"


def count_instructions(argv):
    """(User-space instructions retired by running argv, its stdout): perf stat,
    or callgrind's Ir where COUNTER is "callgrind" (no counters on the VM)."""
    env = dict(os.environ, PYTHONHASHSEED="0")    # same dict layouts every run
    if COUNTER == "callgrind":
        try:
            r = subprocess.run(["valgrind", "--tool=callgrind",
                                "--callgrind-out-file=/dev/null"] + argv,
                               env=env, capture_output=True, text=True)
        except OSError as e:
            raise NoPerf("cannot run valgrind (%s)" % e)
        for line in r.stderr.splitlines():
            if "Collected :" in line and r.returncode == 0:
                return int(line.split(":")[-1]), r.stdout.strip()
        raise NoPerf("callgrind printed no count: %s" % r.stderr[-300:])
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
    ops (n/40 and n/8 under callgrind, ~50x slower), differenced so that
    start-up, imports and warm-up cancel."""
    n1, n2 = (n // 40, n // 8) if COUNTER == "callgrind" else (n // 4, n * 5 // 4)
    argv = [sys.executable, __file__, "--child-one", kind, name]
    i1, impl = count_instructions(argv + [str(n1)])
    i2, _ = count_instructions(argv + [str(n2)])
    return (i2 - i1) / (n2 - n1), impl


def instructions(kinds, markdown):
    """The instructions-per-op table: deterministic where ns/op is noisy."""
    global COUNTER
    try:
        try:
            count_instructions(["/bin/true"])
        except NoPerf as e:
            COUNTER = "callgrind"
            print("(%s: counting with callgrind, slow)" % e, file=sys.stderr)
            count_instructions(["/bin/true"])
            return instructions_callgrind(kinds, markdown)
        ops = json.loads(subprocess.run([sys.executable, __file__, "--list", "tandem"],
                                        capture_output=True, text=True,
                                        check=True).stdout)
        has = {kind: dict(json.loads(subprocess.run(
            [sys.executable, __file__, "--list", kind], capture_output=True,
            text=True, check=True).stdout)) for kind in kinds}
        rows, impls = [], {}
        for name, n in ops:
            row = {}
            for kind in kinds:
                if name in has[kind]:         # else the kind lacks the case: "—"
                    row[kind], impls[kind] = instructions_per_op(kind, name, n)
            rows.append((name, n, row))
    except NoPerf as e:
        print("(no instruction table: %s; is perf installed, "
              "kernel.perf_event_paranoid <= 2?)" % e, file=sys.stderr)
        return
    table(rows, kinds, "instr/op", markdown)
    print(("Ir per op (callgrind; runs of n/40 and n/8 ops, differenced); "
           if COUNTER == "callgrind" else
           "instructions:u per op (perf stat; runs of n/4 and 5n/4 ops, differenced); ")
          + " vs ".join(impls[k] for k in kinds if k in impls))


def instructions_callgrind(kinds, markdown):
    """The instructions table from callgrind: one child per kind (child_cg)."""
    ops = json.loads(subprocess.run([sys.executable, __file__, "--list", "tandem"],
                                    capture_output=True, text=True, check=True).stdout)
    per_kind, impls = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for kind in kinds:
                per_kind[kind], impls[kind] = callgrind_kind(kind, tmp)
        except NoPerf as e:
            print("(no instruction table: %s)" % e, file=sys.stderr)
            return
    rows = [(name, n, {k: per_kind[k][name] for k in kinds if name in per_kind[k]})
            for name, n in ops]
    table(rows, kinds, "Ir/op", markdown)
    print("Ir per op (callgrind, one child per kind; per case runs of n/40 and n/8 "
          "ops, differenced); " + " vs ".join(impls[k] for k in kinds))


def fmt(x):
    """An instruction count or a time: 1234, or 123k above 100,000."""
    if x is None:
        return "—"
    return "%.0fk" % (x / 1000) if x >= 100_000 else "%.0f" % x


def ratio(a, b):
    return "—" if a is None or b is None else "%.2f" % (a / b)


def table(rows, kinds, unit, markdown):
    """rows: (name, n, {kind: value}); a kind without a value shows "—".
    Ratios: tandem against lupa on Lua 5.4 (the issue's target: at most 0.5)
    and against the floor (for the one-crossing rows, n == N: at most 1.3);
    floor/lupa54 above 0.5 means no bridge on Lua 5.4 reaches the first."""
    cols = [k for k in KINDS if k in kinds]
    ratios = [("tandem/lupa54", "tandem", "lupa54")] if "lupa54" in cols else []
    ratios += [("tandem/floor", "tandem", "floor")] if "floor" in cols else []
    ratios += [("floor/lupa54", "floor", "lupa54")] if {"floor", "lupa54"} <= set(cols) else []
    ratios += [("tandem/lupa (LuaJIT)", "tandem", "lupa")] if "lupa" in cols else []
    if markdown:
        print("| crossing | " + " | ".join("%s %s" % (LABEL[k], unit) for k in cols)
              + "".join(" | " + r[0] for r in ratios) + " |")
        print("|---|" + "---:|" * (len(cols) + len(ratios)))
        for name, n, r in rows:
            print("| %s | " % name + " | ".join(fmt(r.get(k)) for k in cols)
                  + "".join(" | " + ratio(r.get(a), r.get(b)) for _, a, b in ratios)
                  + " |")
        print()
        return
    print("%-34s" % "crossing" + "".join(" %14s" % LABEL[k] for k in cols)
          + "".join(" %9s" % r[0].split(" ")[0].replace("tandem/", "t/") for r in ratios))
    for name, n, r in rows:
        line = "%-34s" % name + "".join(" %14s" % fmt(r.get(k)) for k in cols)
        line += "".join(" %9s" % ratio(r.get(a), r.get(b)) for _, a, b in ratios)
        flags = []
        t, l54, fl = r.get("tandem"), r.get("lupa54"), r.get("floor")
        if t is not None and l54 is not None and t / l54 > 0.5:
            flags.append("above 0.5 of lupa54")
        if n == N and t is not None and fl is not None and t / fl > 1.3:
            flags.append("above 1.3x floor")
        print(line + ("  (%s)" % "; ".join(flags) if flags else ""))
    print("(%s)" % unit)


def main():
    if "--child" in sys.argv:
        return child(sys.argv[sys.argv.index("--child") + 1])
    if "--child-one" in sys.argv:
        i = sys.argv.index("--child-one")
        kind, name, n = sys.argv[i + 1:i + 4]
        return child_one(kind, name, int(n))
    if "--child-cg" in sys.argv:
        i = sys.argv.index("--child-cg")
        return child_cg(sys.argv[i + 1], sys.argv[i + 2])
    if "--list" in sys.argv:
        return child_list(sys.argv[sys.argv.index("--list") + 1])
    markdown = "--markdown" in sys.argv
    kinds = [k for k in KINDS if available(k)]
    only = [a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--kinds=")]
    if only:                              # --kinds=tandem,floor: those columns only
        kinds = [k for k in kinds if k in only[0]]
    if "--instructions" in sys.argv:
        return instructions(kinds, markdown)
    runs = {k: [] for k in kinds}
    for _ in range(2):
        for kind in kinds:
            runs[kind].append(measure(kind))
    ns = dict(json.loads(subprocess.run([sys.executable, __file__, "--list", "tandem"],
                                        capture_output=True, text=True,
                                        check=True).stdout))
    rows = []
    for name in runs["tandem"][0]:
        if name.startswith("_"):
            continue
        rows.append((name, ns[name], {k: min(r[name] for r in runs[k])
                                      for k in kinds if name in runs[k][0]}))
    table(rows, kinds, "ns/op", markdown)
    print("; ".join("%s: %s" % (LABEL[k], runs[k][0]["_impl"]) for k in kinds)
          + "; Python %s" % sys.version.split()[0])


if __name__ == "__main__":
    main()
