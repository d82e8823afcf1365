"""Fault-injection sweep (make fault-test; docs/reliability.md).

Runs with the fault build of the extension (tests/fault/fault.c linked in
with --wrap): every allocation tandem's code makes (C heap, the Lua
allocator, libffi closures, CPython constructors) is counted, and
tdm_fault_arm(n) makes the n-th fail. For each workload below, the sweep
counts its allocations K, then for n = 1..K runs it with the n-th failing and
checks that:
  * the process does not crash (this script runs it; ASan with SAN=1);
  * the error reaching the caller is a memory error (MemoryError, which
    LuaMemoryError is, or a LuaError about memory), or nothing when the
    workload's own code handled it;
  * the runtime still works afterwards (a call both ways, unarmed);
  * nothing leaks: each failing run is repeated, and Python's allocated
    blocks and the C heap's bytes in use must not grow with the repeats.
Prints per workload: allocations, failures injected, bad results; then the
distinct allocation sites (tandem call sites) that were made to fail.

usage: sweep.py PYDIR [--quick] [--only NAME]
"""
import ctypes
import gc
import os
import subprocess
import sys

PYDIR = sys.argv[1]
sys.path.insert(0, PYDIR)
QUICK = "--quick" in sys.argv
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None

import tandem  # noqa: E402  (from PYDIR)

SO = tandem._tandem.__file__ if hasattr(tandem._tandem, "__file__") else None
F = ctypes.PyDLL(SO)
F.tdm_fault_arm.argtypes = [ctypes.c_long]
F.tdm_fault_count.restype = ctypes.c_long
F.tdm_fault_site.restype = ctypes.c_void_p
F.tdm_fault_site.argtypes = [ctypes.c_int]
F.tdm_fault_last.restype = ctypes.c_void_p


F.tdm_fault_live.restype = ctypes.c_long
F.tdm_fault_live.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]


def heap_in_use(lua):
    """(Python's allocated blocks, live blocks of tandem's C heap) after full
    collections of both heaps."""
    for _ in range(4):       # a userdata's finalizer may need a later cycle
        gc.collect()
        lua.execute("collectgarbage() collectgarbage()")
    return sys.getallocatedblocks(), F.tdm_fault_live(None, None, 0)


def live_by_site():
    sites = (ctypes.c_void_p * 512)()
    counts = (ctypes.c_long * 512)()
    F.tdm_fault_live(sites, counts, 512)
    return {sites[i]: counts[i] for i in range(512) if sites[i]}


def is_memory_error(e):
    if isinstance(e, MemoryError):
        return True
    return isinstance(e, tandem.LuaError) and "memory" in str(e)


# ---- workloads ----------------------------------------------------------------

LUA_SETUP = """
ffi = require "tandem.ffi"
ffi.cdef[[ int abs(int); typedef struct { int x, y; } fpt; ]]
function ident(...) return ... end
function mk(n) local t = {} for i = 1, n do t[i] = ("s" .. i):rep(3) end return t end
function callpy(f, ...) return f(...) end
function boom(x) error(x) end
function co_body(a) local b = coroutine.yield(a .. "!") return {b}, b .. "?" end
function cb(n) local f = ffi.cast("int (*)(int)", function(x) return x * 2 end)
               local r = f(n) f:free() return r end
function newpt() local p = ffi.new("fpt", {1, 2}) return p.x + p.y, p end
function iterpy(o) local s = 0 for x in python.iter(o) do s = s + x end return s end
function count(t) local n = 0 for k, v in pairs(t) do n = n + 1 end return n end
function pyerr(f) local ok, e = pcall(f) return ok, e end
function methods(o, n)
  local s = 0
  for i = 1, n do s = s + o:add(i) + o.add(i) end
  local m = o.add
  return s, m, tostring(o.add), m == o.add, ident(m)
end
"""


class Obj:
    pass


def translated(a, b):
    total = 0
    for i in range(a):
        total += i * b
    return [total, str(a)]


def w_calls(lua):
    g = lua.globals()
    g.ident("hello", "x" * 300, 3, 2.5, Obj(), None, True)
    g.callpy(lambda *a: ("r", len(a), {"d": 1}), "arg", Obj())


class Acc:
    def add(self, x):
        return x + 1


def w_methods(lua):
    """Method blocks (obj.method from Lua) and table reads without a frame."""
    g = lua.globals()
    g.methods(Acc(), 5)
    t = lua.eval("{x = 'text', 1, 2, {}}")
    t.x, t[1], t[3], len(t), t.missing


def w_convert(lua):
    g = lua.globals()
    t = lua.table_from([1, 2, "a", {"k": [1, 2, {"z": 3.5}]}], {"k": "v", 3: Obj()})
    g.count(t)
    list(g.mk(15).items())
    lua.eval("{1, 2, {x = {y = 'deep'}}, 'str'}")


def w_errors(lua):
    g = lua.globals()
    for arg in ("message", {"code": 7}):
        try:
            g.boom(arg)
        except tandem.LuaError:
            pass
    e = ValueError("pyexc")

    def f():
        raise e
    try:
        g.callpy(f)
    except ValueError as got:
        assert got is e
    g.pyerr(f)


def w_coroutines(lua):
    co = lua.globals().co_body.coroutine("start")
    co.send(None)
    try:
        co.send("again")
    except StopIteration:
        pass
    lua.execute("local w = coroutine.wrap(function(a) coroutine.yield(a) return 2 end) w(1) w()")


def w_ffi(lua):
    g = lua.globals()
    g.cb(21)
    g.newpt()
    lua.execute("return ffi.C.abs(-3), ffi.new('int[4]', {1, 2, 3, 4})[2]")


def w_python_iter(lua):
    lua.globals().iterpy([1, 2, 3])
    lua.eval("python.eval('(1, [2], {3: 4})')")


def w_translate(lua):
    fn = lua.translate(translated)
    fn(5, 3)


def w_sandbox(lua):
    sb = tandem.LuaRuntime(sandbox=tandem.Sandbox(max_instructions=20000))
    try:
        sb.execute("local t = {} for i = 1, 50 do t[i] = tostring(i) end return t")
        try:
            sb.execute("while true do end")
        except tandem.LuaTimeoutError:
            pass
    finally:
        sb.close()


def w_new_runtime(lua):
    r = tandem.LuaRuntime()
    r.eval("1 + 1")
    r.close()


WORKLOADS = [w_calls, w_methods, w_convert, w_errors, w_coroutines, w_ffi, w_python_iter,
             w_translate, w_sandbox, w_new_runtime]


def make():
    lua = tandem.LuaRuntime()
    lua.execute(LUA_SETUP)
    return lua


def sane(lua):
    """The runtime works after a failure: calls both ways, a callback into
    Python, an FFI callback."""
    g = lua.globals()
    assert g.ident(1, "x") == (1, "x")
    assert lua.eval("1 + 1") == 2
    assert g.callpy(lambda a: a + 1, 41) == 42
    assert g.cb(4) == 8


def run_armed(lua, work, n):
    """Run work with the n-th allocation failing; None when clean, else why."""
    F.tdm_fault_arm(n)
    try:
        work(lua)
    except BaseException as e:      # noqa: B902 — anything else is a finding
        F.tdm_fault_stop()
        if not is_memory_error(e):
            return "%s: %s" % (type(e).__name__, str(e)[:300])
    finally:
        F.tdm_fault_stop()
    return None


def leak_check(lua, work, n, R=50):
    """None, or how much more the heaps grow with repeats of the failing run
    than with as many runs that fail nothing. Caches (tandem's string and
    identity caches, CPython's) grow and level off, and some growth is not
    the failure's (see baseline_growth): a leak is at least one Python block
    or tandem C block more per run than the unfailing runs, in each of three
    windows after a warm-up."""
    for _ in range(R):
        run_armed(lua, work, n)
    seen = []
    for window in range(3):
        growth = []
        for arm in (0, n):
            b0, m0 = heap_in_use(lua)
            s0 = live_by_site()
            for _ in range(R):
                run_armed(lua, work, arm)
            b1, m1 = heap_in_use(lua)
            growth.append((b1 - b0, m1 - m0))
            if arm:
                s1 = live_by_site()
                grew = {a: c - s0.get(a, 0) for a, c in s1.items() if c - s0.get(a, 0) >= R}
        db = growth[1][0] - growth[0][0]
        dm = growth[1][1] - growth[0][1]
        if db < R and dm < R:
            return None
        seen.append("%+d Python blocks, %+d C blocks / %d runs%s"
                    % (db, dm, R, " (C blocks from %s)" % ", ".join(where(list(grew)))
                       if grew else ""))
    # tandem's Lua-string -> str cache (2048 entries, each holding its str)
    # fills with runs that make new strings. A failure that makes Lua run
    # its emergency collection frees the run's strings, so every run's come
    # back at new addresses (under ASan's quarantine always): the cache then
    # fills over up to ~1000 runs and its growth decays to nothing. A leak
    # keeps growing: measure windows until one is clean, up to 2,400 runs
    # (past any cache's filling).
    for _ in range(8 * R):
        run_armed(lua, work, n)
    for window in range(12):
        b0, m0 = heap_in_use(lua)
        for _ in range(2 * R):
            run_armed(lua, work, n)
        b1, m1 = heap_in_use(lua)
        if b1 - b0 < 2 * R and m1 - m0 < 2 * R:
            return None
    seen.append("after %d more: %+d Python blocks, %+d C blocks / %d runs"
                % (8 * R + 24 * R, b1 - b0, m1 - m0, 2 * R))
    return "; ".join(seen)


def baseline_growth(lua, work, R=200):
    """Heap growth per run of work failing nothing, after a warm-up."""
    for _ in range(R // 4):
        work(lua)
    b0, m0 = heap_in_use(lua)
    for _ in range(R):
        work(lua)
    b1, m1 = heap_in_use(lua)
    return (b1 - b0) / R, (m1 - m0) / R


def sweep(work):
    lua = make()
    for _ in range(5):              # warm: imports, caches, translations
        work(lua)
    F.tdm_fault_arm(0)
    work(lua)
    total = F.tdm_fault_count()
    step = max(1, total // 150) if QUICK else 1
    bad = fired = leaks = 0
    for n in range(1, total + 1, step):
        why = run_armed(lua, work, n)
        fired += F.tdm_fault_fired()
        if why is None:
            try:
                sane(lua)
            except BaseException as e:      # noqa: B902
                why = "runtime broken after the failure: %s: %s" % (type(e).__name__, e)
        if why is not None:
            bad += 1
            print("  %s n=%d: %s (failed: %s)" % (work.__name__, n, why,
                                                   where([F.tdm_fault_last()])), flush=True)
            lua.close()
            lua = make()
            continue
        if n % (10 * step) == 1:
            why = leak_check(lua, work, n)
            if why:
                leaks += 1
                print("  %s n=%d: leak: %s (failed: %s)" % (work.__name__, n, why,
                                                          where([F.tdm_fault_last()])), flush=True)
    base = baseline_growth(lua, work)
    lua.close()
    return total, fired, bad, leaks, base


def so_base(so):
    base = None
    with open("/proc/self/maps") as maps:
        for line in maps:
            if line.rstrip().endswith(os.path.realpath(so)):
                start, _, off = line.split()[0].split("-")[0], None, line.split()[2]
                if int(off, 16) == 0:
                    base = int(start, 16)
                    break
    return base


def where(addrs, so=None):
    """file:line function of each call site (addr2line)."""
    so = so or SO
    base = so_base(so)
    if base is None or not addrs:
        return []
    offs = ["0x%x" % (a - base - 1) for a in addrs]
    try:
        out = subprocess.run(["addr2line", "-f", "-s", "-e", so] + offs, capture_output=True,
                             text=True, timeout=120).stdout.split("\n")
    except OSError:
        return []
    return ["%s %s" % (out[i + 1], out[i]) for i in range(0, len(out) - 1, 2)]


def last_trace():
    """The backtrace of the last failure, tandem frames as file:line."""
    buf = (ctypes.c_void_p * 24)()
    k = F.tdm_fault_trace(buf, 24)
    base = so_base(SO)
    mine = [a for a in buf[:k] if a and base and base <= a < base + (64 << 20)]
    return where(mine)


def site_names(so):
    """Function names of the distinct failing call sites (addr2line)."""
    import re
    base = so_base(so)
    addrs = [F.tdm_fault_site(i) for i in range(F.tdm_fault_nsites())]
    if base is None or not addrs:
        return []
    offs = ["0x%x" % (a - base - 1) for a in addrs]
    try:
        out = subprocess.run(["addr2line", "-f", "-e", so] + offs, capture_output=True,
                             text=True, timeout=120).stdout.split("\n")
    except OSError:
        return []
    names = out[0::2]
    return sorted(set(re.sub(r"\..*", "", n) for n in names if n))


def main():
    grand = [0, 0, 0, 0]
    for work in WORKLOADS:
        if ONLY and work.__name__ != ONLY:
            continue
        total, fired, bad, leaks, base = sweep(work)
        print("%-14s %6d allocations, %6d failures injected, %d bad, %d leaking"
              " (without failures: %+.2f Python blocks, %+.2f C blocks per run)"
              % (work.__name__, total, fired, bad, leaks, base[0], base[1]), flush=True)
        for i, v in enumerate((total, fired, bad, leaks)):
            grand[i] += v
    nsites = F.tdm_fault_nsites()
    names = site_names(SO)
    print("distinct allocation sites made to fail: %d (in %d functions)" % (nsites, len(names)))
    if names:
        print("  " + " ".join(names))
    print("total: %d allocations, %d failures injected, %d bad, %d leaking"
          % tuple(grand))
    ok = grand[2] == 0 and grand[3] == 0 and grand[1] > 0
    print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
    sys.exit(0 if ok else 1)


main()
