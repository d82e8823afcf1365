"""One C type model for both languages: tandem.FFI(lua) shares the registry of
`require "tandem.ffi"` in that LuaRuntime (py_to_lua_* / lua_to_py_*)."""
import gc

import pytest

import tandem
from ffi_common import TESTLIB



@pytest.fixture
def lua():
    rt = tandem.LuaRuntime()
    yield rt
    rt.close()


QSORT = "void qsort(void *, size_t, size_t, int (*)(const void *, const void *));"


def test_lua_type_known_to_python(lua):
    lua.execute('local ffi = require "tandem.ffi"\n'
                'ffi.cdef[[ struct lua_pt { int x, y; }; int abs(int); ]]')
    ffi = tandem.FFI(lua)
    p = ffi.new("struct lua_pt *", [3, 4])
    assert (p.x, p.y) == (3, 4)
    assert ffi.dlopen(None).abs(-3) == 3          # a function declared from Lua


def test_python_type_known_to_lua(lua):
    ffi = tandem.FFI(lua)
    ffi.cdef("struct py_pt { int x, y; };")
    f = lua.eval('function() local ffi = require "tandem.ffi"\n'
                 'local p = ffi.new("struct py_pt", {5, 6}) return p.x * p.y end')
    assert f() == 30
    assert tandem.FFI(lua).sizeof("struct py_pt") == 8     # every FFI(lua) shares it


def test_lua_to_py_cdata_keeps_type_and_address(lua):
    ffi = tandem.FFI(lua)
    get = lua.eval('function() local ffi = require "tandem.ffi"\n'
                   'arr = ffi.new("int[4]", {10, 20, 30, 40}) return arr, arr + 2 end')
    arr, p = get()
    assert ffi.typeof(arr) is ffi.typeof("int[4]")
    assert ffi.typeof(p) is ffi.typeof("int *")
    assert list(arr) == [10, 20, 30, 40] and p[0] == 30
    assert p - ffi.cast("int *", arr) == 2
    addr = lua.eval('function() local ffi = require "tandem.ffi"\n'
                    'return ffi.cast("intptr_t", arr) end')()
    assert int(ffi.cast("intptr_t", arr)) == int(addr)
    p[0] = 33                                    # same memory
    assert lua.eval("arr[2]") == 33


def test_py_to_lua_cdata(lua):
    ffi = tandem.FFI(lua)
    ffi.cdef("struct pair { int a, b; };")
    s = ffi.new("struct pair *", [1, 2])
    f = lua.eval("function(p) p.b = p.a + 40 return p.b end")
    assert f(s) == 41 and s.b == 41
    del s
    gc.collect()


def test_lua_qsort_with_python_comparator(lua):
    ffi = tandem.FFI(lua)
    ffi.cdef(QSORT)

    @ffi.callback("int(const void *, const void *)")
    def cmp(a, b):
        x = ffi.cast("int *", a)[0]
        y = ffi.cast("int *", b)[0]
        return (x > y) - (x < y)
    sort = lua.eval('function(cmp) local ffi = require "tandem.ffi"\n'
                    'local a = ffi.new("int[6]", {4, 2, 6, 1, 5, 3})\n'
                    'ffi.C.qsort(a, 6, 4, cmp)\n'
                    'return a[0], a[1], a[2], a[3], a[4], a[5] end')
    assert sort(cmp) == (1, 2, 3, 4, 5, 6)


def test_python_qsort_with_lua_comparator(lua):
    ffi = tandem.FFI(lua)
    ffi.cdef(QSORT)
    cmp = lua.eval('function() local ffi = require "tandem.ffi"\n'
                   'return ffi.cast("int(*)(const void *, const void *)", function(a, b)\n'
                   '  local x = ffi.cast("int *", a)[0] local y = ffi.cast("int *", b)[0]\n'
                   '  return x < y and 1 or (x > y and -1 or 0) end) end')()
    arr = ffi.new("int[]", [3, 9, 1, 7])
    ffi.dlopen(None).qsort(arr, 4, 4, cmp)
    assert list(arr) == [9, 7, 3, 1]             # descending: Lua's order


def test_python_error_in_callback_reaches_lua(lua):
    ffi = tandem.FFI(lua)
    ffi.cdef(QSORT)
    err = ValueError("from python")

    def bad(a, b):
        raise err
    cb = ffi.callback("int(const void *, const void *)", bad)
    run = lua.eval('function(cb) local ffi = require "tandem.ffi"\n'
                   'local a = ffi.new("int[3]", {3, 2, 1})\n'
                   'ffi.C.qsort(a, 3, 4, cb) end')
    with pytest.raises(ValueError) as ei:
        run(cb)
    assert ei.value is err


def test_lua_error_in_callback_reaches_python(lua):
    ffi = tandem.FFI(lua)
    ffi.cdef(QSORT)
    cmp = lua.eval('function() local ffi = require "tandem.ffi"\n'
                   'return ffi.cast("int(*)(const void *, const void *)", function(a, b)\n'
                   '  error("lua says no") end) end')()
    arr = ffi.new("int[]", [3, 2, 1])
    with pytest.raises(tandem.LuaError) as ei:
        ffi.dlopen(None).qsort(arr, 3, 4, cmp)
    assert "lua says no" in str(ei.value)
    cmp = lua.eval('function() local ffi = require "tandem.ffi"\n'
                   'return ffi.cast("int(*)(const void *, const void *)", function(a, b)\n'
                   '  error({code = 7}) end) end')()
    with pytest.raises(tandem.LuaError) as ei:
        ffi.dlopen(None).qsort(arr, 3, 4, cmp)
    assert ei.value.lua_value["code"] == 7        # the Lua error value itself


def test_other_runtime_cdata_rejected(lua):
    private = tandem.FFI()
    p = private.new("int *")
    f = lua.eval("function(x) return x end")
    with pytest.raises(ValueError):
        f(p)


def test_hosted_python_uses_host_registry(tmp_path):
    """In a Python hosted by lua5.4, tandem.FFI() shares the host's registry."""
    import os
    import shutil
    import subprocess
    from ffi_common import BUILD
    lua = shutil.which("lua5.4")
    mod = os.path.join(BUILD, "lua", "tandem.so")
    if lua is None or not os.path.exists(mod):
        pytest.skip("lua5.4 or build/lua/tandem.so missing")
    script = tmp_path / "hosted.lua"
    script.write_text(f'package.cpath = "{BUILD}/lua/?.so;" .. package.cpath\n' + '''
local python = require "tandem"
local ffi = require "tandem.ffi"
ffi.cdef[[ struct hpt { int x, y; };
           void qsort(void *, size_t, size_t, int (*)(const void *, const void *)); ]]
python.execute([[
import tandem
f = tandem.FFI()
p = f.new("struct hpt *", [7, 8])
cmp = f.callback("int(const void *, const void *)",
                 lambda a, b: f.cast("int *", a)[0] - f.cast("int *", b)[0])
]])
local p = python.eval("p")
local a = ffi.new("int[5]", {5, 1, 4, 2, 3})
ffi.C.qsort(a, 5, 4, python.eval("cmp"))
print(python.eval("f.sizeof('struct hpt')"), p.x + p.y, a[0], a[1], a[2], a[3], a[4])
''')
    env = dict(os.environ, PYTHONPATH=os.path.join(BUILD, "python"))
    out = subprocess.run([lua, str(script)], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["8", "15", "1", "2", "3", "4", "5"]


def test_threads_share_a_registry(lua):
    """Python threads using cdata that Lua made and the reverse, with GCs on
    both sides: the lock and the queued releases keep counts exact."""
    import threading
    ffi = tandem.FFI(lua)
    ffi.cdef("struct tp { int a; int b[4]; }; int abs(int);")
    C = ffi.dlopen(None)
    mk = lua.eval('function(n) local ffi = require "tandem.ffi" local t = {}\n'
                  'for i = 1, n do t[i] = ffi.new("struct tp", {i}) end return t[n], t[1] end')
    errors = []

    def work():
        try:
            for i in range(200):
                s = ffi.new("struct tp *", [i, [1, 2, 3, 4]])
                refs = [s.b, s[0], ffi.addressof(s[0], "b"), s.b + 1]
                x, y = mk(5)
                assert (x.a, y.a, C.abs(-i), refs[3][0]) == (5, 1, i, 2)
                del s, refs, x, y
                if i % 50 == 0:
                    lua.execute("collectgarbage()")
                    gc.collect()
        except Exception as e:          # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_lua_ffi_call_lets_a_c_thread_call_back_into_python(tmp_path):
    """A crossing from a single-threaded Python keeps the GIL; a native call
    made by that Lua code must let it go, or a C thread calling a Python
    callback while the call waits for it would hang (run in a child process
    with a timeout so a regression fails instead of hanging the suite)."""
    import subprocess
    import sys
    script = tmp_path / "thread_cb.py"
    script.write_text(
        "import tandem\n"
        "lua = tandem.LuaRuntime()\n"
        "ffi = tandem.FFI(lua)\n"
        "ffi.cdef('int t_call_cb_in_thread(int (*cb)(int), int x);')\n"
        "cb = ffi.callback('int(int)', lambda x: x * 2)\n"
        "lua.globals().cb = cb\n"
        "lua.globals().libpath = %r\n"
        "print(lua.execute(\"local ffi = require 'tandem.ffi'; "
        "return ffi.load(libpath).t_call_cb_in_thread(cb, 21)\"))\n" % TESTLIB)
    env = dict(__import__("os").environ)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "42"


def test_max_memory_counts_lua_ffi_allocations():
    """ffi.new from Lua counts against max_memory (issue 7, item 18): ten
    100 MB arrays under a 100 kB limit are refused with Lua's memory error."""
    small = tandem.LuaRuntime(max_memory=100000)
    with pytest.raises(tandem.LuaMemoryError):
        small.execute("local ffi = require 'tandem.ffi'\n"
                      "local t = {} for i = 1, 10 do t[i] = ffi.new('char[?]', 1e8) end")
    assert small.eval("select(2, pcall(require('tandem.ffi').new, 'char[?]', 1e6))") == \
        "not enough memory"
    small.close()
    rt = tandem.LuaRuntime(max_memory=4_000_000)
    # garbage cdata give their bytes back: a full collection runs before refusing
    rt.execute("ffi = require 'tandem.ffi'\n"
               "for i = 1, 50 do local x = ffi.new('char[?]', 1000000) end\n"
               "collectgarbage()")
    before = rt.get_memory_used()
    rt.execute("keep = ffi.new('char[?]', 1000000)")
    assert 1000000 <= rt.get_memory_used() - before < 1010000
    rt.execute("keep = nil; collectgarbage()")
    assert rt.get_memory_used() - before < 10000
    rt.close()


def test_lua_callback_from_a_c_thread_never_deadlocks(tmp_path):
    """A C thread calling a Lua callback while the runtime is busy in a native
    call that waits for that thread (pthread_create + pthread_join, issue 7,
    item 9): the callback is refused, C gets the error value, and the native
    call raises the refusal when it returns, in Lua or in Python. When the
    runtime is free (Python made the call) the callback runs. In a child
    process with a timeout, so a regression fails instead of hanging."""
    import subprocess
    import sys
    script = tmp_path / "lua_cb_thread.py"
    script.write_text(
        "import tandem\n"
        "lua = tandem.LuaRuntime()\n"
        "ffi = tandem.FFI(lua)\n"
        "ffi.cdef('int t_call_cb_in_thread(int (*cb)(int), int x);')\n"
        "T = ffi.dlopen(%r)\n"
        "lua.globals().libpath = %r\n"
        "ok, msg = lua.execute('''\n"
        "  local ffi = require 'tandem.ffi'\n"
        "  local T = ffi.load(libpath)\n"
        "  cb = ffi.cast('int(*)(int)', function(x) return x * 3 end)\n"
        "  return pcall(T.t_call_cb_in_thread, cb, 21)''')\n"
        "print(ok, msg)\n"
        "print(lua.execute('''return pcall(require('tandem.ffi').load(libpath)\n"
        "  .t_call_cb_in_thread, function(x) return x end, 1)'''))\n"
        "def from_python(x):\n"
        "    try:\n"
        "        return T.t_call_cb_in_thread(lua.globals().cb, x)\n"
        "    except ffi.error as e:\n"
        "        return 'ffi.error: %%s' %% e\n"
        "lua.globals().from_python = from_python\n"
        "print(lua.eval('from_python(5)'))\n"
        "print(T.t_call_cb_in_thread(lua.globals().cb, 21))\n"
        # arriving while the lock holder runs Lua (no native call): it waits, then runs
        "ffi.cdef('int t_start_cb_thread(int (*cb)(int), int x, int *go, int *out, '\n"
        "         'int *done); int t_join_cb_thread(void);')\n"
        "flags = ffi.new('int[3]', [0, -1, 0])\n"
        "assert T.t_start_cb_thread(lua.globals().cb, 4, flags, flags + 1, flags + 2) == 0\n"
        "lua.globals().flags = flags\n"
        "lua.execute('flags[0] = 1; local t = os.clock() while os.clock() - t < 0.2 do end')\n"
        "T.t_join_cb_thread()\n"
        "print(flags[1], flags[2])\n"
        # Lua spinning in plain Lua until the callback has run (no native
        # call, no let-go): the holder runs the callback at its next Lua
        # instruction, inside a coroutine too
        "flags[0] = 0; flags[1] = -1; flags[2] = 0\n"
        "assert T.t_start_cb_thread(lua.globals().cb, 5, flags, flags + 1, flags + 2) == 0\n"
        "print(lua.execute('flags[0] = 1; while flags[2] == 0 do end; return flags[1]'))\n"
        "T.t_join_cb_thread()\n"
        "flags[0] = 0; flags[1] = -1; flags[2] = 0\n"
        "assert T.t_start_cb_thread(lua.globals().cb, 6, flags, flags + 1, flags + 2) == 0\n"
        "print(lua.execute('return coroutine.wrap(function() flags[0] = 1 '\n"
        "                  'while flags[2] == 0 do end return flags[1] end)()'))\n"
        "T.t_join_cb_thread()\n" % (TESTLIB, TESTLIB))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 7, r.stdout
    refused = "callback called on another thread while the Lua state was busy in a native call"
    assert lines[0].startswith("False") and refused in lines[0]
    assert lines[1].startswith("(False,") and refused in lines[1]
    assert lines[2].startswith("ffi.error: " + refused)
    assert lines[3] == "63"
    assert lines[4] == "12 1"
    assert lines[5:] == ["15", "18"]


def test_lua_callback_error_on_a_c_thread_is_printed(tmp_path):
    """A Lua callback that raises on a C thread where no native call of ours
    waits (Python made the native call; the C thread runs the callback):
    nobody can raise it, so it is printed to stderr (as the Python face and
    cffi do) and C gets the error value, instead of being lost."""
    import subprocess
    import sys
    script = tmp_path / "lua_cb_err_thread.py"
    script.write_text(
        "import tandem\n"
        "lua = tandem.LuaRuntime()\n"
        "ffi = tandem.FFI(lua)\n"
        "ffi.cdef('int t_call_cb_in_thread(int (*cb)(int), int x);')\n"
        "T = ffi.dlopen(%r)\n"
        "lua.execute('''cb = require('tandem.ffi').cast('int(*)(int)',\n"
        "    function(x) error('boom ' .. x) end)''')\n"
        "print(T.t_call_cb_in_thread(lua.globals().cb, 7))\n" % TESTLIB)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "0"
    assert "tandem.ffi: error in Lua callback" in r.stderr
    assert "boom 7" in r.stderr
