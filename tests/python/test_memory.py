"""What a proxy and an import cost (docs/performance.md, "Memory per object")."""
import os
import subprocess
import sys

import pytest

import tandem


def test_table_proxy_is_64_bytes_with_the_gc_header():
    lua = tandem.LuaRuntime()
    t = lua.eval("{}")
    u = lua.eval("io.stdout")
    assert sys.getsizeof(t) <= 64
    assert sys.getsizeof(u) <= 64
    # a function carries its vectorcall slot, a coroutine its arguments
    assert sys.getsizeof(lua.eval("print")) <= 80
    assert sys.getsizeof(lua.eval("coroutine.create(print)")) <= 80


def test_tables_and_coroutines_called_without_vectorcall():
    lua = tandem.LuaRuntime()
    t = lua.eval("setmetatable({}, {__call = function(self, a, b) return a * b end})")
    assert t(6, 7) == 42
    assert callable(t)
    with pytest.raises(TypeError, match="keyword"):
        t(1, b=2)
    plain = lua.eval("{}")
    with pytest.raises(tandem.LuaError):
        plain()
    co = lua.eval("coroutine.create(function(a) coroutine.yield(a + 1) end)")
    assert list(co(1)) == [2]
    started = lua.eval("function(a) coroutine.yield(a) end").coroutine(5)
    assert next(started) == 5
    with pytest.raises(tandem.LuaError, match="started coroutine"):
        started()
    assert tandem.lua_type(t) == "table" and tandem.lua_type(co) == "thread"


def test_identity_survives_many_proxies_coming_and_going():
    lua = tandem.LuaRuntime()
    tables = lua.eval("function(n) local t = {} for i = 1, n do t[i] = {} end return t end")(
        5000)
    first = [tables[i] for i in range(1, 5001)]
    assert all(tables[i] is first[i - 1] for i in range(1, 5001))
    del first[::2]                      # half the proxies die: their entries go
    again = [tables[i] for i in range(1, 5001)]
    assert all(again[i] is first[i // 2] for i in range(1, 5000, 2))
    assert len({id(x) for x in again}) == 5000


def test_import_and_runtime_do_not_pull_in_heavy_modules():
    code = ("import sys, tandem\n"
            "tandem.LuaRuntime().eval('1')\n"
            "heavy = ('ast', 'inspect', 'typing', 'dis', 'threading', 'ctypes',\n"
            "         '_ctypes', 'importlib.machinery', 'tandem._ffi_api')\n"
            "print(','.join(m for m in heavy if m in sys.modules))\n"
            "print(tandem.Sandbox.__name__, tandem.TranslationError.__name__,\n"
            "      'translated_source' in dir(tandem))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    loaded, names = r.stdout.splitlines()
    assert loaded == ""
    assert names == "Sandbox TranslationError True"



def test_ffi_python_methods_come_with_the_name():
    """tandem.FFI's Python-written methods (_ffi_api.py) are there on the
    class as soon as the name is read, before any instance, however it is
    read; the module is loaded then, not at import."""
    code = ("import sys, tandem\n"
            "print('tandem._ffi_api' in sys.modules, 'FFI' in dir(tandem),\n"
            "      'FFI' in tandem.__all__)\n"
            "from tandem import FFI\n"
            "print('tandem._ffi_api' in sys.modules, FFI is tandem._tandem.FFI,\n"
            "      FFI is tandem.FFI, all(hasattr(FFI, n) for n in\n"
            "      ('init_once', 'new_allocator', 'list_types', 'def_extern')))\n"
            "print(FFI().init_once(lambda: 42, 'tag'))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "True", "True", "True", "True", "True", "True",
                                "42"]
    star = subprocess.run([sys.executable, "-c", "from tandem import *; "
                           "print(FFI.init_once.__module__)"],
                          capture_output=True, text=True, env=dict(os.environ))
    assert star.returncode == 0, star.stderr
    assert star.stdout.strip() == "tandem._ffi_api"


def _c_heap():
    """glibc's mallinfo2: bytes of C heap in use (None off glibc; 0 under
    ASan, whose allocator is not glibc's)."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "mallinfo2"):
        return None
    libc.mallinfo2.restype = MallInfo2
    m = libc.mallinfo2()
    return m.uordblks + m.hblkhd


def test_string_caches_are_made_by_the_first_string():
    """A runtime that passes no string does not pay the two 64 KB string
    caches; the first string that crosses makes them (the Lua side's in C
    memory, not charged to the Lua heap or max_memory), and they cache."""
    if _c_heap() is None:
        pytest.skip("no mallinfo2")
    lua = tandem.LuaRuntime()
    count = lua.eval("function() collectgarbage() collectgarbage() "
                     "return collectgarbage('count') end")
    store = lua.eval("function(s) S = s end")
    fresh = count()
    assert fresh < 60, fresh          # KB: 99 with the Lua cache made at open
    store(12345)                      # no string yet: no cache
    heap = _c_heap()
    store("a string from Python")     # Python -> Lua: the Lua side's cache
    assert heap == 0 or _c_heap() - heap >= 60 * 1024
    assert count() - fresh < 8        # not in the Lua heap
    assert lua.eval("S") == "a string from Python"
    same = "hello, cache"
    store(same)
    assert lua.eval("S") == same
    get = lua.eval("function() return 'a string from Lua' end")
    first = get()                     # Lua -> Python: the Python side's cache
    assert first == "a string from Lua" and get() is first


def _readelf(*args):
    import shutil
    if shutil.which(args[0]) is None:
        pytest.skip("%s not installed" % args[0])
    r = subprocess.run(list(args), capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("%s failed: %s" % (args[0], r.stderr[:200]))
    return r.stdout


def test_module_layout_keeps_the_start_together():
    """The pages import + one runtime touch are together (docs/performance.md,
    "RSS"): the translator's runtime library is in .lrodata, a load segment of
    its own after the data, so no fault-around window of the constants maps
    it; the module's start comes before the FFI's and the translator's
    code."""
    so = tandem._tandem.__file__
    sections = {}
    for line in _readelf("readelf", "-SW", so).splitlines():
        w = line.replace("[ ", "[").split()
        if len(w) > 5 and w[1].startswith("."):
            sections[w[1]] = (int(w[3], 16), int(w[5], 16))
    syms = {}
    for line in _readelf("nm", so).splitlines():
        w = line.split()
        if len(w) == 3:
            syms.setdefault(w[2], int(w[0], 16))
    need = ("tdmL_pyrt_src", "PyInit__tandem", "tdmP_runtime_init_type", "tdmP_ffi_exec",
            "tdmL_load_ir", "tdmF_cdef")
    if not all(n in syms for n in need):
        pytest.skip("symbols stripped")
    assert ".lrodata" in sections, sorted(sections)
    lo, size = sections[".lrodata"]
    assert lo <= syms["tdmL_pyrt_src"] < lo + size
    # its own PT_LOAD: the segment holding pyrt holds no other section
    segs = []
    for line in _readelf("readelf", "-lW", so).splitlines():
        w = line.split()
        if w and w[0] == "LOAD":
            segs.append((int(w[2], 16), int(w[5], 16)))
    seg = [(va, sz) for va, sz in segs if va <= syms["tdmL_pyrt_src"] < va + sz]
    assert len(seg) == 1, segs
    va, sz = seg[0]
    others = [n for n, (a, n_sz) in sections.items()
              if n != ".lrodata" and a and n_sz and va <= a < va + sz]
    assert others == [], others
    start = max(syms["PyInit__tandem"], syms["tdmP_runtime_init_type"])
    assert start < syms["tdmP_ffi_exec"] < syms["tdmF_cdef"] < syms["tdmL_load_ir"]


_PYRT_PAGES = r'''
import struct, subprocess, sys, tandem
so = tandem._tandem.__file__
sym = [l.split() for l in subprocess.run(["nm", so], capture_output=True,
       text=True).stdout.splitlines()]
addr = [int(w[0], 16) for w in sym if len(w) == 3 and w[2] == "tdmL_pyrt_src"]
if not addr:
    print("skip"); sys.exit()
base = min(int(l.split("-")[0], 16) for l in open("/proc/self/maps") if so in l)
def resident():
    first = (base + addr[0]) // 4096
    with open("/proc/self/pagemap", "rb") as pm:
        n = 0
        for page in range(first, first + 60):   # 240 KB of the 250 KB text
            pm.seek(page * 8)
            n += struct.unpack("Q", pm.read(8))[0] >> 63
    return n
rt = tandem.LuaRuntime()
rt.eval("1")
before = resident()
def f(x):
    return x * 2 + 1
print(before, rt.translate(f)(20), resident() > 0)
'''


def test_translator_runtime_library_is_not_resident_until_translating(tmp_path):
    """pyrt (tdmL_pyrt_src, 250 KB) has a load segment of its own: import, a
    runtime and an eval map none of its pages; translating reads it and
    still works."""
    script = tmp_path / "pyrt_pages.py"      # translate reads the source
    script.write_text(_PYRT_PAGES)
    r = subprocess.run([sys.executable, str(script)], capture_output=True,
                       text=True, env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    if r.stdout.strip() == "skip":
        pytest.skip("symbols stripped")
    before, result, after = r.stdout.split()
    assert before == "0"
    assert result == "41"
    assert after == "True"


def test_start_code_is_together(tmp_path):
    """The functions of _tandem.so that import + LuaRuntime() + eval("1")
    run are together at the front of .text, next to the PLT
    (mk/pymod_start.ld, made by tools/start_order.py): measured exactly with
    callgrind, they fill at least 90% of the bytes from .text's start to the
    end of the last one, and that run is under 96 KB. A function the start
    runs that the list does not name sits elsewhere in .text and fails this
    (run `make start-order`)."""
    import bisect
    import shutil
    if os.environ.get("TANDEM_SANITIZER"):
        pytest.skip("valgrind does not run the sanitizers' runtime")
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind not installed")
    so = tandem._tandem.__file__
    sections = {}
    for line in _readelf("readelf", "-SW", so).splitlines():
        w = line.replace("[ ", "[").split()
        if len(w) > 5 and w[1].startswith("."):
            sections[w[1]] = (int(w[3], 16), int(w[5], 16))
    lo, size = sections[".text"]
    syms = []
    for line in _readelf("nm", "-S", "--defined-only", so).splitlines():
        w = line.split()
        if len(w) == 4 and w[2] in "tT":
            syms.append((int(w[0], 16), int(w[1], 16), w[3]))
    if not syms:
        pytest.skip("symbols stripped")
    syms.sort()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, os.path.join(root, "tools"))
    try:
        import start_order
    finally:
        sys.path.pop(0)
    out = str(tmp_path / "cg.out")
    subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=yes",
                    "--callgrind-out-file=" + out, sys.executable, "-c", start_order.CHILD],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ))
    starts = [s for s, _, _ in syms]
    run = {}                                  # the functions run in .text
    for a in start_order.executed(out, os.path.basename(so)):
        i = bisect.bisect_right(starts, a) - 1
        if lo <= a < lo + size and i >= 0 and a < syms[i][0] + syms[i][1]:
            run[syms[i][0]] = syms[i]
    assert len(run) > 80, len(run)            # the start runs here
    end = max(s + sz for s, sz, _ in run.values())
    used = sum(sz for _, sz, _ in run.values())
    far = sorted(n for s, sz, n in run.values() if s + sz > lo + 96 * 1024)
    assert far == [], far
    assert used >= 0.9 * (end - lo), (used, end - lo)
