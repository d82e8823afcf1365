"""Lua coroutines as Python generators; Python iterators in Lua loops."""
import pytest

import tandem


def test_coroutine_generator(lua):
    gen = lua.eval("function(n) for i = 1, n do coroutine.yield(i) end end").coroutine(3)
    assert list(gen) == [1, 2, 3]
    with pytest.raises(StopIteration):
        next(gen)


def test_coroutine_send(lua):
    f = lua.eval("function() local x = coroutine.yield(1) return x * 2 end")
    co = f.coroutine()
    assert next(co) == 1
    assert co.send(21) == 42
    with pytest.raises(StopIteration):
        co.send(None)
    fresh = f.coroutine()
    with pytest.raises(TypeError):
        fresh.send(5)


def test_coroutine_throw_and_close(lua):
    co = lua.eval("function() coroutine.yield(1) coroutine.yield(2) end").coroutine()
    assert next(co) == 1
    with pytest.raises(KeyError):
        co.throw(KeyError("k"))
    with pytest.raises(StopIteration):
        next(co)
    co2 = lua.eval("function() coroutine.yield(1) end").coroutine()
    co2.close()
    assert list(co2) == []


def test_coroutine_error(lua):
    co = lua.eval("function() coroutine.yield(1) error('in co') end").coroutine()
    assert next(co) == 1
    with pytest.raises(tandem.LuaError, match="in co"):
        next(co)


def test_lua_thread_from_lua(lua):
    co = lua.eval("coroutine.create(function(a) coroutine.yield(a + 1) end)")
    assert tandem.lua_type(co) == "thread"
    assert co.send((1,)) == 2


def test_python_generator_drives_lua_for(lua):
    def gen():
        yield 1
        yield None
        yield 3

    f = lua.eval("""function(g)
        local n = 0
        for x in python.iter(g) do n = n + 1 end
        return n end""")
    assert f(gen()) == 3


def test_coroutine_function_not_function(lua):
    t = lua.eval("{}")
    with pytest.raises(TypeError):
        t.coroutine()               # t.coroutine is t["coroutine"], nil


def test_coroutine_values_and_errors_on_the_direct_path(lua):
    f = lua.eval("""function(a)
        local t = {}
        local x = coroutine.yield(a, "s", t)
        local y = coroutine.yield(x .. "!")
        error({code = y})
    end""")
    co = f.coroutine(1)
    a, s, t = next(co)
    assert (a, s, tandem.lua_type(t)) == (1, "s", "table")
    assert co.send("hi") == "hi!"
    with pytest.raises(tandem.LuaError):
        co.send(7)
    with pytest.raises(StopIteration):
        next(co)
    co = lua.eval("function() coroutine.yield(1) return 2, 3 end").coroutine()
    assert list(co) == [1, (2, 3)]
