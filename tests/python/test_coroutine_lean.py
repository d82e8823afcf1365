"""A started Lua coroutine resumed from Python with arguments that convert
without the converter takes the lean path (issue 14's coroutine row:
adapters/python/pcoro.c resume_lean, adapters/lua/lops.c direct_resume's
one integer): no general frame protocol, the integer read where it was
yielded. Every case here is checked against what the same coroutine gives
when Lua itself resumes it (coroutine.resume in Lua), so a step that took
the wrong path shows as a different value, type, state or error.
"""
import threading

import pytest

import tandem


@pytest.fixture
def lua():
    return tandem.LuaRuntime()


# the coroutine's steps as Lua itself sees them: every yielded value list and
# the final status, driven by the same sent values
LUA_DRIVE = """
return function(f, sends)
    local co = coroutine.create(f)
    local out = {}
    local ok, a, b = coroutine.resume(co)
    out[#out + 1] = {ok, a, b}
    for i = 1, #sends do
        if coroutine.status(co) == "dead" then break end
        local s = sends[i]
        if s == "<none>" then ok, a, b = coroutine.resume(co)
        else ok, a, b = coroutine.resume(co, s) end
        out[#out + 1] = {ok, a, b}
    end
    return out, coroutine.status(co)
end
"""

YIELDS = """function(x)
    local n = 0
    while true do
        n = n + 1
        local got = coroutine.yield(n)
        if got == "float" then got = coroutine.yield(n + 0.5)
        elseif got == "str" then got = coroutine.yield("s" .. n)
        elseif got == "bool" then got = coroutine.yield(n % 2 == 0)
        elseif got == "nil" then got = coroutine.yield(nil)
        elseif got == "none" then got = coroutine.yield()
        elseif got == "two" then got = coroutine.yield(n, n * 10)
        elseif got == "table" then got = coroutine.yield({n})
        elseif got == "max" then got = coroutine.yield(math.maxinteger)
        elseif got == "min" then got = coroutine.yield(math.mininteger)
        elseif got == "stop" then return "done", n
        elseif got == "fail" then error("failed at " .. n)
        end
    end
end"""

KINDS = ["<none>", "float", "str", "bool", "nil", "none", "two", "max", "min", 7, 2.5,
         "plain", True, "<none>", "stop"]


def python_steps(lua, f, sends):
    co = f.coroutine()
    steps = [next(co)]
    for s in sends:
        try:
            steps.append(next(co) if s == "<none>" else co.send(s))
        except StopIteration as e:
            steps.append(("stop", e.value))
            break
    return steps


def test_yields_of_every_kind_as_lua_sees_them(lua):
    f = lua.eval(YIELDS)
    steps = python_steps(lua, f, KINDS)
    drive = lua.execute(LUA_DRIVE)
    lua_steps, status = drive(f, lua.table_from(KINDS))
    assert status == "dead"
    lua_steps = list(lua_steps.values())
    assert len(steps) == len(lua_steps)
    for py, lu in zip(steps, lua_steps):
        assert lu[1] is True
        if isinstance(py, tuple) and py and py[0] == "stop":
            assert py[1] == (lu[2], lu[3])
        elif isinstance(py, tuple):
            assert py == (lu[2], lu[3])
        elif lu[2] is None:
            assert py is None
        elif isinstance(lu[2], (int, float, bool, str)):
            assert py == lu[2] and type(py) is type(lu[2])
        else:
            assert list(py.values()) == list(lu[2].values())


def test_integer_limits_and_many_steps(lua):
    f = lua.eval("function() local i = math.maxinteger - 2 "
                 "while true do coroutine.yield(i) i = i + 1 end end")
    co = f.coroutine()
    got = [next(co) for _ in range(6)]
    assert got == [2**63 - 3, 2**63 - 2, 2**63 - 1, -2**63, -2**63 + 1, -2**63 + 2]
    g = lua.eval("function(n) for i = 1, n do coroutine.yield(i) end return 'end' end")
    # (the function's return value ends the iteration, as lupa gives it)
    assert list(g.coroutine(10000)) == list(range(1, 10001)) + ["end"]


def test_sent_values_of_each_lean_kind(lua):
    f = lua.eval("function() local v = nil while true do "
                 "v = coroutine.yield(math.type(v) or type(v)) end end")
    co = f.coroutine()
    assert next(co) == "nil"
    assert [co.send(x) for x in (1, 2.5, "s", True, False, -2**63)] == \
        ["integer", "float", "string", "boolean", "boolean", "integer"]
    # sent values that need the converter take the general path
    with pytest.raises(OverflowError):
        co.send(2**70)
    assert co.send([1]) == "userdata"
    assert co.send({"a": 1}) == "userdata"
    assert co.send((1, 2)) == "integer"     # a tuple sends its items


def test_errors_and_the_end(lua):
    f = lua.eval(YIELDS)
    co = f.coroutine()
    assert next(co) == 1
    assert co.send("x") == 2
    with pytest.raises(tandem.LuaError, match="failed at 2"):
        co.send("fail")
    with pytest.raises(StopIteration):
        next(co)
    co = f.coroutine()
    next(co)
    # the function's results are the last value (lupa's protocol), then the end
    assert co.send("stop") == ("done", 1)
    with pytest.raises(StopIteration):
        co.send(None)
    with pytest.raises(StopIteration):
        next(co)


def test_python_error_raised_inside(lua):
    def boom():
        raise KeyError("k")
    lua.globals().boom = boom
    co = lua.eval("function() coroutine.yield(1) boom() end").coroutine()
    assert next(co) == 1
    with pytest.raises(KeyError):
        next(co)
    with pytest.raises(StopIteration):
        next(co)


def test_resumed_from_python_called_by_lua(lua):
    # a nested resume: the runtime lock is held by this thread's outer call
    f = lua.eval("function(n) for i = 1, n do coroutine.yield(i * 2) end end")
    co = f.coroutine(5)
    next(co)
    lua.globals().step = lambda: next(co)
    g = lua.eval("function() local s = 0 for i = 1, 4 do s = s + step() end return s end")
    assert g() == 4 + 6 + 8 + 10


def test_with_another_python_thread_alive(lua):
    f = lua.eval("function(n) for i = 1, n do coroutine.yield(i) end end")
    co = f.coroutine(1000)
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert sum(co) == 500500
    finally:
        stop.set()
        t.join()


def test_interrupt_pending_at_a_yield(lua):
    f = lua.eval("function(cb) local i = 0 while true do i = i + 1 "
                 "cb() coroutine.yield(i) end end")
    co = f.coroutine(lambda: lua.interrupt())
    got = []
    for _ in range(50):
        try:
            got.append(next(co))
        except tandem.LuaError as e:
            assert "interrupted" in str(e)
            break
        except StopIteration:
            break
    g = lua.eval("function(x) return x + 1 end")
    assert g(1) == 2                    # nothing pending, nothing locked


def test_coroutine_state_seen_from_lua(lua):
    f = lua.eval("function() coroutine.yield(1) coroutine.yield(2) end")
    co = f.coroutine()
    status = lua.eval("coroutine.status")
    assert next(co) == 1
    assert next(co) == 2
    with pytest.raises(StopIteration):
        next(co)
    # the lean steps left Lua's own view consistent
    h = lua.eval("function() local co = coroutine.running() return coroutine.status(co) end")
    assert h() == "running"
    assert status is not None


def test_general_resume_path_leaves_the_stack_as_it_found_it(lua):
    """A resume the direct path cannot take (here: a string argument the
    string cache has not seen) runs under the trampoline; whatever it yields,
    the end of the crossing puts Lua's stack back, so thousands of such
    resumes leave Lua's memory where it was."""
    f = lua.eval("function() local v while true do v = coroutine.yield(1) end end")
    co = f.coroutine()
    next(co)
    count = lua.eval("function() collectgarbage() collectgarbage() "
                     "return collectgarbage('count') end")
    for i in range(200):
        co.send("warm%d" % i)
    before = count()
    for i in range(20000):
        assert co.send("s%d" % i) == 1
    assert count() - before < 64          # KB; one stack slot a resume would be ~320
