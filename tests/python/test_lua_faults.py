"""Fault tests of the Lua side: a LuaRuntime whose allocator fails once its
limit is reached (max_memory), swept over operations crossing in both
directions. Every failure must be a clean LuaError/MemoryError, nothing may
crash or leak, and the runtime must work again once the limit is lifted.
Crash-prone cases run in a subprocess."""
import gc
import os
import subprocess
import sys
import textwrap
import weakref

import pytest

import tandem

_BUILD = os.environ.get("TANDEM_BUILD", os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "build"))

SWEEP = r'''
import sys, gc
sys.path.insert(0, sys.argv[1])
import tandem

def make():
    lua = tandem.LuaRuntime(max_memory=0)
    lua.execute("""
        ffi = require "tandem.ffi"
        ffi.cdef[[ int abs(int); typedef struct { int x, y; } ftpt; ]]
        function ident(...) return ... end
        function mk(n) local t = {} for i = 1, n do t[i] = ("s" .. i):rep(3) end return t end
        function callpy(f, ...) return f(...) end
        function boom(x) error(x) end
        function co_body(a) local b = coroutine.yield(a .. "!") return {b}, b .. "?" end
        function viaeval(s) return python.eval(s) end
        function cb(n) local f = ffi.cast("int (*)(int)", function(x) return x * 2 end)
                       local r = f(n) f:free() return r end
        function newpt() local p = ffi.new("ftpt", {1, 2}) return p.x + p.y, p end
        function iterpy(o) local s = 0 for x in python.iter(o) do s = s + x end return s end
        function tmr(t) local n = 0 for k, v in pairs(t) do n = n + 1 end return n end
        function wrapco(f) local w = coroutine.wrap(function(...) return f(...) end) return w(3) end
        function pyerr(f) local ok, e = pcall(f) return ok, e end
    """)
    return lua

class Obj:
    pass

def ops(lua):
    g = lua.globals()
    big = "x" * 5000
    yield lambda: g.ident("hello", big, 3, 2.5, Obj())
    yield lambda: g.ident(None, True, [1, 2])
    yield lambda: g.mk(50)
    yield lambda: list(g.mk(20).values())
    yield lambda: list(g.mk(20).items())
    yield lambda: lua.table_from([1, 2, "a", big], {"k": "v", 3: Obj()})
    yield lambda: g.callpy(lambda *a: ("r" + str(len(a)), a, {"d": 1}), "arg", big, Obj())
    yield lambda: g.callpy(lambda: g.ident("nested", Obj()))
    def err():
        try:
            g.boom("message " + big[:100])
        except tandem.LuaError:
            pass
        try:
            g.boom({"code": 7})
        except tandem.LuaError:
            pass
    yield err
    def pyexc():
        e = ValueError("pyexc")
        def f():
            raise e
        try:
            g.callpy(f)
        except ValueError as got:
            assert got is e
        g.pyerr(f)
    yield pyexc
    def coro():
        co = g.co_body.coroutine("start")
        a = co.send(None)
        try:
            co.send("again")
        except StopIteration:
            pass
    yield coro
    yield lambda: g.viaeval("[1, 'two', {3: 4}]")
    yield lambda: lua.eval("python.eval('(1, 2)')")
    yield lambda: g.cb(21)
    yield lambda: g.newpt()
    yield lambda: g.iterpy([1, 2, 3])
    yield lambda: g.tmr(lua.table_from({i: str(i) for i in range(30)}))
    yield lambda: g.wrapco(lambda x: x + 1)
    yield lambda: lua.eval("{1, 2, 3}")
    yield lambda: lua.execute("local t = {} for i = 1, 100 do t[i] = tostring(i) end return t")
    yield lambda: lua.eval("python.builtins.len({1, 2})") if hasattr(lua.globals().python, "builtins") else None
    yield lambda: lua.eval("string.rep('ab', 1000)")
    yield lambda: lua.eval("python.builtins.str(12345)")


def main():
    lo, hi, step = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    bad = 0
    for delta in range(lo, hi, step):
        lua = make()
        base = lua.get_memory_used(total=True)
        lua.set_max_memory(base + delta, total=True)
        for i, op in enumerate(ops(lua)):
            try:
                op()
            except (tandem.LuaError, MemoryError):
                pass
            except Exception as e:
                bad += 1
                print("delta", delta, "op", i, "unexpected", type(e).__name__, e, flush=True)
        lua.set_max_memory(0)
        g = lua.globals()
        assert g.ident(1, "x") == (1, "x"), delta
        assert lua.eval("1 + 1") == 2
        assert g.cb(4) == 8
        lua.close()
        gc.collect()
    print("sweep done", "bad", bad)
    sys.exit(1 if bad else 0)

main()
'''


def run_sweep(lo, hi, step):
    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-c", SWEEP, os.path.join(_BUILD, "python"),
                        str(lo), str(hi), str(step)],
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, (r.returncode, r.stdout[-3000:], r.stderr[-3000:])
    assert "sweep done bad 0" in r.stdout


def test_fault_sweep_small_limits():
    run_sweep(0, 6000, 7)


def test_fault_sweep_larger_limits():
    run_sweep(6000, 40000, 211)


class Thing:
    pass


def _fails_under_memory_limits(lua, call):
    """call(delta) under memory limits from 3000 bytes below what lua uses
    after a collection to 3000 above (delta - 3000, in steps of 3): how many
    calls raised LuaError. The limit is lifted and garbage collected after."""
    fails = 0
    for delta in range(0, 6000, 3):
        lua.set_max_memory(0)
        lua.execute("collectgarbage()")
        base = lua.get_memory_used(total=True)
        lua.set_max_memory(base + delta - 3000, total=True)
        try:
            call(delta)
        except tandem.LuaError:
            fails += 1
    lua.set_max_memory(0)
    lua.execute("collectgarbage() collectgarbage()")
    return fails


def test_py_to_lua_args_not_leaked_on_memory_error():
    """A Python object passed to Lua while the userdata for it cannot be
    made: the reference goes back to Python (it leaked: tdmL_push cleared
    TDM_VF_OWNED before the allocation that failed)."""
    x = Thing()
    lua = tandem.LuaRuntime(max_memory=0)
    lua.execute("function g(py, ...) return pcall(py, ...) end")
    g = lua.globals().g
    gc.collect()
    before = sys.getrefcount(x)
    fails = _fails_under_memory_limits(
        lua, lambda delta: g(lambda *a: None, x, Thing(), {"a": x}, "q" * 200 + str(delta)))
    lua.close()
    gc.collect()
    assert fails > 0
    assert sys.getrefcount(x) == before


def test_lua_to_py_results_not_leaked_on_memory_error():
    """Results of a Python call that Lua cannot take (no memory for their
    userdata or string) are released and the frame ended."""
    alive = weakref.WeakSet()

    def py():
        a, b = Thing(), Thing()
        alive.add(a)
        alive.add(b)
        return a, "z" * 300 + str(id(a)), b, [1]

    lua = tandem.LuaRuntime(max_memory=0)
    lua.execute("function f(py) local a, b, c, d = py() return 1 end")
    f = lua.globals().f
    fails = _fails_under_memory_limits(lua, lambda delta: f(py))
    assert lua.globals().f(lambda: 5) == 1
    lua.close()
    gc.collect()
    assert fails > 0
    assert len(alive) == 0


def test_lua_misuse_in_subprocess():
    """tests/lua/robustness.lua-style misuse driven from Python: metamethods
    with a wrong self, foreign metatables on other values."""
    code = textwrap.dedent('''
        import sys
        sys.path.insert(0, sys.argv[1])
        import tandem
        lua = tandem.LuaRuntime()
        lua.globals().o = object()
        lua.execute("""
            local mt = debug.getmetatable(o)
            for name, fn in pairs(mt) do
                if type(fn) == "function" then
                    for _, self in ipairs({{}, 1, "s", print, true}) do
                        pcall(fn, self, 1, 2)
                        pcall(fn)
                    end
                end
            end
            local t = debug.setmetatable({}, mt)
            pcall(function() return #t end)
            pcall(function() return t.x end)
            pcall(function() return t() end)
            pcall(function() return tostring(t) end)
        """)
        print("ok")
    ''')
    r = subprocess.run([sys.executable, "-c", code, os.path.join(_BUILD, "python")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-3000:]


def test_call_lua_function_with_many_arguments():
    lua = tandem.LuaRuntime()
    f = lua.eval("function(...) return select('#', ...) end")
    assert f(*range(10)) == 10
