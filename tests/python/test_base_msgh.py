"""The outermost Python -> Lua call uses the message handler a runtime keeps
at index 1 of its Lua state's base level (issue 14: lstate.c l_open,
lops.c direct_call); a nested call pushes its own. Every operation that runs
at the base level must leave it there: here each kind runs between two
failing calls, and each failure must still come back as a LuaError with
Lua's message and traceback (a wrong handler would lose them or call some
other value). make san-test also checks the slot on every such call.
"""
import traceback

import pytest

import tandem

FAIL = """function(x)
    if x == "boom" then error("boom at " .. tostring(x)) end
    return x
end"""


@pytest.fixture
def lua():
    return tandem.LuaRuntime()


def check_failure(f):
    with pytest.raises(tandem.LuaError) as e:
        f("boom")
    assert "boom at boom" in str(e.value)
    # the Lua level the handler recorded, shown as a traceback entry
    entries = traceback.extract_tb(e.value.__traceback__)
    assert any(x.filename.startswith("<lua") and x.lineno == 2 for x in entries), entries


def base_level_operations(lua):
    """One of each kind of work at the base level, returning what it saw."""
    t = lua.eval("{x = 1, 2, 3}")
    seen = [t.x, t[1], len(t), list(t.values())]
    seen.append(lua.execute("return 1, 'two', {}")[:2])
    seen.append(dict(lua.table_from({"a": 1}).items()))
    co = lua.eval("coroutine.create(function(a) local b = coroutine.yield(a + 1) "
                  "error('in co ' .. b) end)")
    resume = lua.eval("coroutine.resume")
    seen.append(resume(co, 1))
    seen.append(resume(co, "x")[0])
    g = lua.eval("function(...) return select('#', ...), ... end")
    seen.append(g(1, "s", 2.5, None, True, t, [1], 7, 8, 9))
    try:
        lua.eval("syntax error here")
    except tandem.LuaSyntaxError:
        seen.append("syntax")
    return seen


def test_errors_before_and_after_each_kind_of_work(lua):
    f = lua.eval(FAIL)
    for _ in range(3):
        check_failure(f)
        seen = base_level_operations(lua)
        assert seen[0:3] == [1, 2, 2]
        assert seen[-1] == "syntax"
        assert f(41) == 41
        assert f("s") == "s"


def test_nested_calls_push_their_own_handler(lua):
    f = lua.eval(FAIL)
    lua.globals().py_inner = lambda: f("boom")
    outer = lua.eval("""function()
        local ok, err = pcall(py_inner)
        return ok, tostring(err)
    end""")
    ok, err = outer()
    assert ok is False and "boom at boom" in err
    check_failure(f)


def test_error_values_and_many_results(lua):
    h = lua.eval("function(kind) if kind == 1 then error({code = 7}) "
                 "elseif kind == 2 then error() end return 1, 2, 3, 4, 5, 6, 7, 8 end")
    with pytest.raises(tandem.LuaError):
        h(1)
    with pytest.raises(tandem.LuaError):
        h(2)
    assert h(3) == (1, 2, 3, 4, 5, 6, 7, 8)
    check_failure(lua.eval(FAIL))


def test_memory_errors_keep_the_handler():
    lua = tandem.LuaRuntime(max_memory=512 * 1024)
    grow = lua.eval("function(n) local t = {} for i = 1, n do t[i] = ('x'):rep(100) .. i end "
                    "return #t end")
    with pytest.raises(MemoryError):
        grow(10 ** 7)
    assert grow(10) == 10
    check_failure(lua.eval(FAIL))
