"""A runtime that translated functions (either way) is freed when nothing
holds it: the translation layers keep their per-runtime state on the runtime
(tandem/_perrt.py), so the runtime, its translations and their caches form
one cycle the collector frees. Before, module-level maps keyed by the
runtime kept every such runtime alive for the life of the process."""
import gc
import weakref

import pytest

import tandem


def add_one(x):
    return x + 1


def add_all(xs):
    out = []
    for x in xs:
        out.append(add_one(x))
    return out


def count(n):
    for i in range(n):
        yield i


def py_function(lua):
    lf = lua.translate(add_all)
    assert list(lf([1, 2])) == [2, 3]
    lua.globals().G = lf
    lua.execute("assert(G({1})[0] == 2)")


def py_generator(lua):
    # a suspended translated generator, held by a Lua global
    g = lua.translate(count)(4)
    assert next(g) == 0
    lua.globals().g = g
    assert list(lua.globals().g) == [1, 2, 3]


def lua_function(lua):
    fn = lua.eval("function(t) local s = 0 for _, v in ipairs(t) do s = s + v end return s, {s} end")
    r = lua.translate(fn)(lua.table(1, 2, 3))
    assert r[0] == 6


def lua_live_globals(lua):
    lua.execute("X = 1\nfunction inc() X = X + 1 return X end\n"
                "function twice() inc() return inc() end")
    pf = lua.translate(lua.globals().twice)
    assert pf() == 3
    lua.execute("X = 10")
    assert pf() == 12


def lua_coroutine(lua):
    fn = lua.eval("function(n) local co = coroutine.wrap(function() for i = 1, n do "
                  "coroutine.yield(i) end end) local s = 0 for v in co do s = s + v end "
                  "return s end")
    assert lua.translate(fn)(4) == 10


def lua_adopted_table(lua):
    lua.execute("V = {}")
    t = lua.translate(lua.eval("function() local t = {} V.x = t t.a = 1 return t end"))()
    assert lua.eval("V.x.a") == 1
    assert t["a"] == 1


def lua_called_from_lua(lua):
    lua.globals().cmp = lua.translate(lua.eval("function(a, b) return a < b end"))
    lua.execute("local t = {3, 1, 2} table.sort(t, function(a, b) return cmp(a, b) end) "
                "assert(t[1] == 1)")


def lua_python_translate(lua):
    lua.execute("F = python.translate(function(x) return x * 3 end) assert(F(2) == 6)")


def both_directions(lua):
    lua.globals().lf = lua.translate(add_one)
    pf = lua.translate(lua.eval("function(x) return lf(x) * 2 end"))
    assert pf(3) == 8


def lua_userdata(lua):
    # a userdata of the runtime (a file handle) reaching translated code: its
    # wrapper class reads the userdata's metatable through a view
    fn = lua.eval("function() local f = io.stdout return io.type(f), f == io.stdout, "
                  "tostring(f):sub(1, 4) end")
    assert tuple(lua.translate(fn)()) == ('file', True, 'file')


def lua_userdata_eq(lua):
    # two distinct userdata of one metatable compared (the __eq path of luart)
    fn = lua.eval("function(a, b) return a == b end")
    stdin, stdout = lua.eval("io.stdin"), lua.eval("io.stdout")
    assert lua.translate(fn)(stdin, stdout) is False
    assert lua.translate(fn)(stdin, stdin) is True


CASES = [py_function, py_generator, lua_function, lua_live_globals, lua_coroutine,
         lua_adopted_table, lua_called_from_lua, lua_python_translate, both_directions,
         lua_userdata, lua_userdata_eq]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_runtime_is_freed(case):
    lua = tandem.LuaRuntime()
    case(lua)
    ref = weakref.ref(lua)
    del lua
    gc.collect()
    assert ref() is None


def test_translations_keep_their_runtime():
    # what the runtime's state holds is not freed while a translation of it
    # is held: the translated function still runs after the runtime's name
    # is gone and a collection ran
    lua = tandem.LuaRuntime()
    lf = lua.translate(add_all)
    pf = lua.translate(lua.eval("function(a) return a * 2 end"))
    ref = weakref.ref(lua)
    del lua
    gc.collect()
    assert ref() is not None
    assert list(lf([4])) == [5]
    assert pf(4) == 8
    del lf, pf
    gc.collect()
    assert ref() is None


def test_many_runtimes_do_not_pile_up():
    refs = []
    for i in range(20):
        lua = tandem.LuaRuntime()
        both_directions(lua)
        refs.append(weakref.ref(lua))
        del lua
    gc.collect()
    assert [r for r in refs if r() is not None] == []


def test_closed_runtime_is_freed():
    lua = tandem.LuaRuntime()
    both_directions(lua)
    lua.close()
    ref = weakref.ref(lua)
    del lua
    gc.collect()
    assert ref() is None


def test_state_is_per_runtime():
    a, b = tandem.LuaRuntime(), tandem.LuaRuntime()
    assert a._state is a._state
    assert a._state is not b._state
    la, lb = a.translate(add_one), b.translate(add_one)
    assert la is not lb and la(1) == lb(1) == 2
    assert a.translate(add_one) is la


def test_userdata_classes_leave_luart_with_their_runtime():
    # the per-metatable classes of userdata wrappers are registered with
    # luart (two distinct userdata compare with __eq); they leave it when
    # their runtime is freed, and read their metatable weakly meanwhile
    from tandem.luart import _core
    before = set(_core.USERDATA_EQ)
    lua = tandem.LuaRuntime()
    lua_userdata(lua)
    made = set(_core.USERDATA_EQ) - before
    assert len(made) == 1
    cls = made.pop()
    assert cls.lua_meta is not None and _core.index(cls.lua_meta, b'__name') == b'FILE*'
    del lua
    gc.collect()
    assert set(_core.USERDATA_EQ) == before
    assert cls.lua_meta is None
