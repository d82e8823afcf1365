"""Memory per proxy: the bytes each object costs on the other side, counted exactly.

Two directions, 10^5 objects each (issue 14's target: at most 96 B per proxy):

    lua->py   a Lua table held from Python: Lua makes N tables (kept in a Lua
              array), then Python fetches each one and keeps its proxy in a
              list allocated beforehand. Counted: the proxy object, its
              reference (registry slot), the identity-map entry, anything else
              the bridge allocates per object.
    py->lua   a Python object held by Lua: Python makes N objects (kept in a
              list), then Lua stores each one in a Lua array filled beforehand.
              Counted: the userdata, its identity-cache entry, the record that
              makes it visible to Python's collector, and the rest.

The objects themselves and the containers holding them exist before the
baseline, so only what the bridge adds is counted. Each measurement runs in a
child process of its own (one per kind, direction and counter), after a
warm-up crossing and a full collection on both sides, at the baseline and at
the end:

    C heap    glibc's mallinfo2 (uordblks + hblkhd: bytes of chunks in use,
              malloc's own headers and rounding included). This covers the Lua
              heap of PUC Lua (tandem, lupa on Lua 5.4: lua_Alloc is realloc),
              registry slots, identity maps and every C allocation. Python's
              small objects live in pymalloc's mmap'd arenas, not in malloc.
    Python    tracemalloc, in a second child (its own bookkeeping is malloc'd,
              so it cannot run in the mallinfo2 child): the blocks pymalloc
              serves (at most 512 B), each rounded up to its 16-byte size
              class, which is what it occupies. Larger Python blocks come from
              malloc and are already in the C column.
    Lua heap  collectgarbage("count") before and after, for information (it is
              part of the C column), except on LuaJIT (Debian's lupa), whose
              allocator maps its own memory: there it is added to the total.

And the resident memory (VmRSS) that importing the bridge and opening one
runtime adds to a bare Python (`python -c`: a child that reads VmRSS,
imports, opens, reads again; the best of 3; target at most 1 MB). Each
kind's package is byte-compiled first (compileall, as pip and Debian do at
install): without its .pyc a package is compiled at every import
(PYTHONDONTWRITEBYTECODE, or a directory Python cannot write), which costs
~330 KB of RSS in Python's compiler and is no cost of the bridge. With
TANDEM_FLOOR (bench/run.sh builds bench/floor.c there) the same child
measures the floor: an extension that links liblua5.4 and opens one state
(luaL_newstate + luaL_openlibs), what any embedding of this Lua pays.
--rss-detail prints each child's RSS by mapping (smaps: each library's
pages, heap, anon) on stderr.

    PYTHONPATH=build/python TANDEM_LUPA54=build/peers/lupa54 \\
        /usr/bin/python3 bench/bench_memory.py [--markdown] [--n=N] [--kinds=K,K]
        [--rss-detail]
"""
import ctypes
import gc
import json
import os
import subprocess
import sys

N = 100_000
KINDS = ("tandem", "lupa", "lupa54")
LABEL = {"tandem": "tandem", "lupa": "lupa (LuaJIT)", "lupa54": "lupa (Lua 5.4)"}
DIRS = ("lua->py", "py->lua")
TITLE = {"lua->py": "a Lua table held from Python", "py->lua": "a Python object held by Lua"}
TARGET = 96


def open_kind(kind):
    """A LuaRuntime of `kind` and its description."""
    if kind == "lupa54":
        sys.path.insert(0, os.environ["TANDEM_LUPA54"])
        import lupa as mod
        lua = mod.LuaRuntime()
        if lua.lua_version != (5, 4):
            raise SystemExit("TANDEM_LUPA54: %s runs Lua %r" % (mod.__file__, lua.lua_version))
        return lua, "lupa 1.14.1 (%s)" % lua.lua_implementation
    mod = __import__(kind)
    lua = mod.LuaRuntime()
    return lua, "%s %s (%s)" % (kind, mod.__version__, lua.lua_implementation)


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]


def c_heap():
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    m = libc.mallinfo2()
    return m.uordblks + m.hblkhd


def py_heap(snapshot):
    """Bytes of pymalloc's blocks in a tracemalloc snapshot, by size class."""
    total = 0
    for t in snapshot.traces:
        if t.size <= 512:
            total += (t.size + 15) // 16 * 16
    return total


def child(kind, direction, counter, n):
    """One measurement: prints {"bytes": per object, ...} as JSON."""
    import tracemalloc
    if counter == "py":
        tracemalloc.start()
    lua, impl = open_kind(kind)
    collect = lua.eval("function() collectgarbage() collectgarbage() "
                       "return collectgarbage('count') end")
    if direction == "lua->py":
        make = lua.eval("function(n) local t = {} for i = 1, n do t[i] = {} end return t end")
        objs = make(n + 1)
        keep = [None] * n
        objs[n + 1]                         # a first proxy: caches, types, maps

        def cross():
            o, k = objs, keep
            for i in range(n):
                k[i] = o[i + 1]
    else:
        objs = [object() for _ in range(n + 1)]
        lua.execute("T = {} for i = 1, %d do T[i] = false end" % (n + 1))
        store = lua.eval("function(i, o) T[i] = o end")
        store(n + 1, objs[n])               # a first userdata: caches, maps

        def cross():
            s, o = store, objs
            for i in range(n):
                s(i + 1, o[i])
    def settle():
        gc.collect()
        kb = collect()
        gc.collect()
        return kb
    kb0 = settle()
    if counter == "py":
        snap0 = tracemalloc.take_snapshot()
    else:
        c0 = c_heap()
    cross()
    kb1 = settle()
    out = {"impl": impl, "lua": (kb1 - kb0) * 1024 / n}
    if counter == "py":
        snap1 = tracemalloc.take_snapshot()
        out["bytes"] = (py_heap(snap1) - py_heap(snap0)) / n
        out["requested"] = (sum(t.size for t in snap1.traces if t.size <= 512)
                            - sum(t.size for t in snap0.traces if t.size <= 512)) / n
    else:
        out["bytes"] = (c_heap() - c0) / n
    # the proxies must still be alive here
    assert (keep[n - 1] is not None) if direction == "lua->py" else collect() > 0
    json.dump(out, sys.stdout)


RSS_CHILD = r"""
import sys
def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
def smaps():
    # KB resident by mapping: library (and permissions), [heap], [anon]
    out, cur = {}, None
    with open("/proc/self/smaps") as f:
        for line in f:
            w = line.split()
            if w[0] == "Rss:":
                out[cur] = out.get(cur, 0) + int(w[1])
            elif not w[0].endswith(":"):
                name = w[5].rsplit("/", 1)[-1] if len(w) > 5 else "[anon]"
                cur = "%s:%s" % (name, w[1])
    return out
kind = sys.argv[1]
detail = len(sys.argv) > 3
if detail:
    s0 = smaps()
r0 = rss_kb()
if kind == "floor":
    # bench/floor.c: a C extension that links liblua5.4 and opens a state
    # with luaL_newstate + luaL_openlibs at import (and 4 small types)
    sys.path.insert(0, sys.argv[2])
    import tandem_floor
    tandem_floor.eval("1")
else:
    if kind == "lupa54":
        sys.path.insert(0, sys.argv[2])
        import lupa as mod
    else:
        mod = __import__(kind)
    lua = mod.LuaRuntime()
    lua.eval("1")
r1 = rss_kb()
print(r1 - r0, r0)
if detail:
    s1 = smaps()
    print(" ".join("%s=%d" % (k, s1[k] - s0.get(k, 0)) for k in sorted(s1)
                   if s1[k] != s0.get(k, 0)))
"""


def rss_child(kind, detail=False):
    """(KB of RSS that importing kind and opening a runtime adds, KB before),
    in a bare interpreter (python -c: nothing imported but what site does);
    with detail, the KB by mapping too (a string)."""
    where = os.environ.get("TANDEM_FLOOR" if kind == "floor" else "TANDEM_LUPA54", "")
    r = subprocess.run([sys.executable, "-c", RSS_CHILD, kind, where]
                       + (["detail"] if detail else []),
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("RSS child %s failed:\n%s" % (kind, r.stderr[-2000:]))
    lines = r.stdout.splitlines()
    nums = [int(x) for x in lines[0].split()]
    return (nums, lines[1] if detail and len(lines) > 1 else "") if detail else nums


def byte_compile(kind):
    """Byte-compile kind's package where it is (what an install does)."""
    import importlib.util
    if kind == "lupa54":
        dirs = [os.path.join(os.environ["TANDEM_LUPA54"], "lupa")]
    else:
        spec = importlib.util.find_spec(kind)
        dirs = list(spec.submodule_search_locations or []) if spec else []
    for d in dirs:
        if os.access(d, os.W_OK):
            subprocess.run([sys.executable, "-m", "compileall", "-q", d],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(args):
    r = subprocess.run([sys.executable, __file__] + args, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("child %s failed:\n%s" % (" ".join(args), r.stderr[-2000:]))
    return json.loads(r.stdout)


def available(kind):
    if kind != "lupa54":
        return True
    path = os.environ.get("TANDEM_LUPA54")
    if path and os.path.isdir(os.path.join(path, "lupa")) and any(
            f.startswith("_lupa.") and f.endswith(".so")
            for f in os.listdir(os.path.join(path, "lupa"))):
        return True
    print("(no lupa54 column: TANDEM_LUPA54 unset or not built; bench/run.sh builds it)",
          file=sys.stderr)
    return False


def main():
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        kind, direction, counter, n = sys.argv[i + 1:i + 5]
        return child(kind, direction, counter, int(n))
    n = N
    for a in sys.argv:
        if a.startswith("--n="):
            n = int(a[4:])
    kinds = [k for k in KINDS if available(k)]
    only = [a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--kinds=")]
    if only:
        kinds = [k for k in kinds if k in only[0]]
    markdown = "--markdown" in sys.argv
    res, impls = {}, {}
    for kind in kinds:
        for d in DIRS:
            c = run(["--child", kind, d, "c", str(n)])
            p = run(["--child", kind, d, "py", str(n)])
            lua = c["lua"]
            # LuaJIT's heap is outside malloc: add it (collectgarbage's count)
            extra = lua if kind == "lupa" else 0.0
            res[kind, d] = {"c": c["bytes"], "py": p["bytes"], "req": p["requested"],
                            "lua": lua, "total": c["bytes"] + p["bytes"] + extra}
            impls[kind] = c["impl"]
        byte_compile(kind)
        res[kind, "rss"] = min(rss_child(kind)[0] for _ in range(3))
        if "--rss-detail" in sys.argv:
            (kb, _), detail = rss_child(kind, detail=True)
            print("RSS by mapping, %s (%d KB): %s" % (LABEL[kind], kb, detail), file=sys.stderr)
    # the floor of the RSS row: a minimal extension hosting Lua 5.4
    floor = None
    if os.environ.get("TANDEM_FLOOR"):
        floor = min(rss_child("floor")[0] for _ in range(3))
        if "--rss-detail" in sys.argv:
            (kb, _), detail = rss_child("floor", detail=True)
            print("RSS by mapping, floor (%d KB): %s" % (kb, detail), file=sys.stderr)
    floor_note = ("RSS floor (bench/floor.c: liblua5.4, luaL_newstate + luaL_openlibs): "
                  "%d KB" % floor) if floor is not None else None
    if markdown:
        print("| per object, %d objects | %s |" % (n, " | ".join(LABEL[k] for k in kinds)))
        print("|---|" + "---:|" * len(kinds))
        for d in DIRS:
            print("| **%s**: total B | %s |" % (TITLE[d], " | ".join(
                "**%.1f**" % res[k, d]["total"] for k in kinds)))
            for key, what in (("py", "Python objects (pymalloc classes)"),
                              ("c", "C heap (mallinfo2)"),
                              ("lua", "of which Lua heap (collectgarbage)")):
                print("| %s | %s |" % (what, " | ".join(
                    "%.1f" % res[k, d][key] for k in kinds)))
        print("| RSS of import + one runtime, KB | %s |"
              % " | ".join("%d" % res[k, "rss"] for k in kinds))
        print()
        if floor_note:
            print(floor_note)
            print()
    else:
        print("%-42s" % ("bytes per object (%d)" % n)
              + "".join(" %16s" % LABEL[k] for k in kinds))
        for d in DIRS:
            print("%-42s" % TITLE[d] + "".join(" %16.1f" % res[k, d]["total"] for k in kinds))
            for key, what in (("py", "  Python (pymalloc classes)"),
                              ("req", "  Python (tracemalloc, requested)"),
                              ("c", "  C heap (mallinfo2)"),
                              ("lua", "  Lua heap (collectgarbage)")):
                print("%-42s" % what + "".join(" %16.1f" % res[k, d][key] for k in kinds))
        print("%-42s" % "RSS: import + one runtime (KB)"
              + "".join(" %16d" % res[k, "rss"] for k in kinds))
        if floor_note:
            print(floor_note)
        if "tandem" in kinds:
            flags = [d for d in DIRS if res["tandem", d]["total"] > TARGET]
            flags += ["RSS"] if res["tandem", "rss"] > 1024 else []
            print("(targets: at most %d B per proxy each way, 1024 KB RSS; %s)" % (
                TARGET, "tandem above in " + ", ".join(flags) if flags else "met"))
    print("; ".join("%s: %s" % (LABEL[k], impls[k]) for k in kinds)
          + "; Python %s" % sys.version.split()[0])


if __name__ == "__main__":
    main()
