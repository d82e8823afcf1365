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


def test_coroutine_resume_after_ref_reuse(lua):
    """The Lua side remembers the coroutine resumed last by its ref; a ref
    released and handed to another coroutine must resume the new one."""
    import gc
    make = lua.eval("function(tag) return function() while true do"
                    " coroutine.yield(tag) end end end")
    for i in range(50):
        co = make(i).coroutine()
        assert next(co) == i
        assert co.send(None) == i
        del co
        gc.collect()
        lua.execute("collectgarbage()")
    a, b = make("a").coroutine(), make("b").coroutine()
    assert [next(a), next(b), next(a), next(b)] == ["a", "b", "a", "b"]


def test_coroutine_resume_errors_after_direct_path(lua):
    co = lua.eval("function() coroutine.yield(1) error('boom') end").coroutine()
    assert next(co) == 1
    with pytest.raises(tandem.LuaError, match="boom"):
        next(co)
    with pytest.raises(StopIteration):
        next(co)


def test_py_to_lua_results_as_objects_after_scalars(lua):
    """Results converted without a ref, then one needing a ref, go through
    the protected path together."""
    f = lua.eval("function() return 1, 'two', {3}, python.none end")
    r = f()
    assert r[0] == 1 and r[1] == "two" and r[2][1] == 3


def test_lua_to_py_metamethod_on_a_foreign_value(lua):
    """The metamethods check their first argument's metatable, so calling
    one through debug.getmetatable on another value is an error, not a
    crash."""
    class O:
        attr = 5
    f = lua.eval("""function(o)
        local mt = debug.getmetatable(o)
        local ok1 = pcall(mt.__index, io.stdout, 'attr')
        local ok2 = pcall(mt.__call, newproxy and newproxy() or io.stdout, 1)
        return o.attr
    end""")
    assert f(O()) == 5


def test_lua_to_py_many_results(lua):
    lua_unpack = lua.eval("function(f) return select('#', f()) end")
    many = tuple(range(40))
    lua2 = tandem.LuaRuntime(unpack_returned_tuples=True)
    count = lua2.eval("function(f) local t = {f()} return #t, t[1], t[40] end")
    assert count(lambda: many) == (40, 0, 39)
    assert lua_unpack(lambda: 7) == 1


def test_coroutine_send_argument_kinds_and_yielded_objects(lua):
    """send() converts scalar arguments inline and falls back to the
    converter for the rest; yielded tables need a ref (the message handler
    is put in place only then); an error inside still carries its frames."""
    co = lua.eval("""function(x)
        while true do
            if x == 'boom' then error('exploded with ' .. x) end
            x = coroutine.yield(type(x) == 'table' and x or {v = x}, x)
        end
    end""").coroutine(1)
    t, v = next(co)
    assert t.v == 1 and v == 1
    for arg in (2, 2.5, "s", True, None):
        t, v = co.send(arg)
        assert v == arg and (arg is None or t.v == arg)
    obj = [1, 2]
    t, v = co.send(obj)
    assert t.v is obj and v is obj
    with pytest.raises(UnicodeEncodeError):
        co.send("\ud800")
    t, v = co.send(7)                   # still usable after the rejected send
    assert v == 7
    with pytest.raises(tandem.LuaError, match="exploded with boom"):
        co.send("boom")
    with pytest.raises(StopIteration):
        co.send(1)


# ---- throw() and close() deliver at the yield, as a Python generator's ----

LUA_CATCHER = """function()
  local ok, e = pcall(coroutine.yield, 1)
  coroutine.yield(e)
  coroutine.yield(3)
end"""


def py_catcher():
    try:
        yield 1
    except BaseException as e:      # the counterpart of pcall
        yield e
    yield 3


def test_throw_caught_at_the_yield_like_a_generator(lua):
    exc = KeyError("k")
    for gen in (py_catcher(), lua.eval(LUA_CATCHER).coroutine()):
        assert next(gen) == 1
        assert gen.throw(exc) is exc      # the pcall's error value, yielded next
        assert next(gen) == 3


def test_throw_uncaught_propagates_itself_with_lua_frames(lua):
    co = lua.eval("function()\n  coroutine.yield(1)\nend", name="=thrower").coroutine()
    assert next(co) == 1
    exc = ValueError("v")
    with pytest.raises(ValueError) as ei:
        co.throw(exc)
    assert ei.value is exc
    import traceback
    names = [f.filename for f in traceback.extract_tb(ei.value.__traceback__)]
    assert "thrower" in names
    with pytest.raises(StopIteration):
        next(co)


def test_throw_class_and_value_forms(lua):
    co = lua.eval(LUA_CATCHER).coroutine()
    next(co)
    e = co.throw(KeyError, "x")
    assert isinstance(e, KeyError) and e.args == ("x",)


def test_throw_to_a_fresh_or_finished_coroutine_raises_it(lua):
    f = lua.eval("function() coroutine.yield(1) end")
    fresh = f.coroutine()
    with pytest.raises(KeyError):
        fresh.throw(KeyError("fresh"))
    with pytest.raises(StopIteration):
        next(fresh)
    done = f.coroutine()
    assert list(done) == [1]
    with pytest.raises(KeyError):
        done.throw(KeyError("done"))


def test_throw_into_a_lua_created_coroutine(lua):
    co = lua.eval("""coroutine.create(function()
      while true do
        local ok, e = pcall(coroutine.yield, 'waiting')
        if not ok then coroutine.yield('caught ' .. python.builtins.repr(e)) end
      end
    end)""")
    assert next(co) == "waiting"
    assert co.throw(KeyError("x")) == "caught KeyError('x')"


def test_close_runs_pending_close_variables(lua):
    lua.execute("closed = {}")
    co = lua.eval("""function()
      local a <close> = setmetatable({}, {__close = function(_, e) closed[#closed + 1] = python.builtins.repr(e) end})
      coroutine.yield(1)
      closed[#closed + 1] = 'not reached'
    end""").coroutine()
    assert next(co) == 1
    assert co.close() is None
    assert list(lua.eval("closed").values()) == ["GeneratorExit()"]
    assert not co
    with pytest.raises(StopIteration):
        next(co)


def test_close_seen_by_pcall_like_a_generator(lua):
    def py_gen(log):
        try:
            yield 1
        except GeneratorExit as e:
            log.append(type(e).__name__)
            raise
    log = []
    gen = py_gen(log)
    next(gen)
    gen.close()
    lua.execute("log = {}")
    co = lua.eval("""function()
      local ok, e = pcall(coroutine.yield, 1)
      log[#log + 1] = python.builtins.type(e).__name__
      error(e, 0)
    end""").coroutine()
    next(co)
    assert co.close() is None
    assert list(lua.eval("log").values()) == log == ["GeneratorExit"]


def test_yield_after_close_is_a_runtime_error(lua):
    stop = []
    def stubborn():
        while not stop:
            try:
                yield 1
            except GeneratorExit:
                pass
    gen = stubborn()
    next(gen)
    with pytest.raises(RuntimeError, match="ignored GeneratorExit"):
        gen.close()
    stop.append(1)
    with pytest.raises(StopIteration):
        next(gen)
    co = lua.eval("function() while true do pcall(coroutine.yield, 1) end end").coroutine()
    next(co)
    with pytest.raises(RuntimeError, match="ignored GeneratorExit"):
        co.close()
    assert next(co) == 1        # still suspended, as the generator


def test_close_propagates_another_error(lua):
    co = lua.eval("function() pcall(coroutine.yield, 1) error('other', 0) end").coroutine()
    next(co)
    with pytest.raises(tandem.LuaError, match="other"):
        co.close()


def test_plain_lua_resume_unchanged(lua):
    # the yield tandem installs returns what coroutine.resume passes, as Lua's
    assert lua.execute("""
      local co = coroutine.create(function(a) local b, c = coroutine.yield(a + 1) return b * c end)
      local _, x = coroutine.resume(co, 1)
      local _, y = coroutine.resume(co, 6, 7)
      return x, y, coroutine.status(co)
    """) == (2, 42, "dead")


def test_throw_bad_arguments_are_type_errors(lua):
    co = lua.eval(LUA_CATCHER).coroutine()
    next(co)
    with pytest.raises(TypeError, match="BaseException"):
        co.throw(42)
    with pytest.raises(TypeError):
        co.throw(KeyError("k"), "separate value")
    assert co.throw(KeyError("still suspended")).args == ("still suspended",)


def test_throw_and_close_after_the_runtime_closed():
    rt = tandem.LuaRuntime()
    co = rt.eval("function() coroutine.yield(1) end").coroutine()
    next(co)
    rt.close()
    assert co.close() is None
    co2 = tandem.LuaRuntime()
    c = co2.eval("function() coroutine.yield(1) end").coroutine()
    next(c)
    co2.close()
    with pytest.raises(KeyError):
        c.throw(KeyError("k"))
