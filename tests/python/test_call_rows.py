"""The Python -> Lua call rows of issue 14 (branch i14-call): the direct call's
shortcuts (adapters/lua/lops.c: no lua_checkstack while LUA_MINSTACK room
suffices, one integer result read without take_results) must behave exactly
as the general path, at every stack depth and with every result kind."""
import pytest

import tandem


def test_calls_at_every_stack_height(lua):
    """Python -> Lua calls made inside a Lua -> Python callback whose Lua
    stack already holds k values (k arguments of the callback), for k around
    LUA_MINSTACK and beyond, with up to 5 (lean) and 40 (general) arguments:
    every argument arrives and every result comes back."""
    count = lua.eval("function(...) return select('#', ...), ... end")
    seen = []

    def cb(*args):
        out = []
        for m in (0, 1, 2, 5, 7, 12, 20, 40):
            vals = tuple(range(m))
            r = count(*vals)
            r = (r,) if not isinstance(r, tuple) else r
            out.append(r == (m,) + vals)
        seen.append(len(args))
        return all(out)

    call_with = lua.eval("""function(cb, k)
        local t = {}
        for i = 1, k do t[i] = i end
        return cb(table.unpack(t, 1, k))
    end""")
    for k in list(range(0, 30)) + [60, 200]:
        assert call_with(cb, k) is True, k
    assert seen == list(range(0, 30)) + [60, 200]


def test_nested_crossings_deep_stack(lua):
    """Crossings nested through many Lua -> Python -> Lua levels, each level's
    Lua stack holding values: the room rule holds at every level."""
    lua.globals().py = lambda n, *pad: g(n - 1, *pad) if n > 0 else len(pad)
    g = lua.eval("""function(n, ...)
        local a, b, c, d, e, f, g, h = 1, 2, 3, 4, 5, 6, 7, 8
        return py(n, a, b, c, d, e, f, g, h, ...)
    end""")
    assert g(40) == 8 * 41     # 41 levels of g, 8 more values each


def test_single_results_of_every_kind(lua):
    """One result, each kind: an integer takes the direct read; a float with
    an integral value stays a float, a numeric string a string."""
    cases = {
        "0": 0, "-1": -1, "math.maxinteger": 2**63 - 1, "math.mininteger": -2**63,
        "2.0": 2.0, "-0.0": -0.0, "1e300": 1e300, "'3'": "3", "'10'": "10",
        "true": True, "false": False, "nil": None,
    }
    for src, want in cases.items():
        f = lua.eval("function() return %s end" % src)
        got = f()
        assert got == want and type(got) is type(want), src
        g = lua.eval("function(x) return x, %s end" % src)
        assert g(1) == (1, want)
    h = lua.eval("function() return {1, 2} end")
    assert list(h().values()) == [1, 2]
    none = lua.eval("function() end")
    assert none() is None
    two = lua.eval("function(x) return x, x + 1 end")
    assert two(5) == (5, 6)


def test_direct_call_errors_keep_their_lua_frames(lua):
    f = lua.eval("function(x) if x > 2 then error('too big: ' .. x) end return x end")
    assert f(1) == 1
    with pytest.raises(tandem.LuaError, match="too big: 3"):
        f(3)
    assert f(2) == 2            # nothing left on the stack or locked
    for i in range(100):        # the stack does not grow call after call
        with pytest.raises(tandem.LuaError):
            f(10 + i)
    assert f(2) == 2


def test_interrupt_pending_when_an_integer_comes_back(lua):
    """interrupt() from a callback whose result is the Lua function's (a
    tail call): the interrupt is still pending when the integer comes back,
    and the end of the call drops it (the direct result leaves the finish to
    tdmL_finish when an interrupt is pending), so the next call runs."""
    f = lua.eval("function(cb, x) return cb(x) end")
    g = lua.eval("function(x) local s = 0 for i = 1, 100 do s = s + i end return x + s end")

    def cb(x):
        lua.interrupt()
        return x
    for i in range(200):
        assert f(cb, i) == i
        assert g(i) == i + 5050         # nothing pending for the next call
    # and from a callback that is not a tail call: stopped where Lua goes on
    h = lua.eval("function(cb, x) local y = cb(x) return y + 1 end")
    for i in range(50):
        try:
            assert h(cb, i) == i + 1
        except tandem.LuaError as e:
            assert "interrupted" in str(e), e
        assert g(i) == i + 5050


def test_budget_with_integer_results():
    """Under a budget (armed per call) an integer result still comes back
    and each call gets the whole budget."""
    rt = tandem.LuaRuntime()
    try:
        rt.set_budget(max_instructions=100_000)
        f = rt.eval("function(n) local s = 0 for i = 1, n do s = s + i end return s end")
        for _ in range(50):
            assert f(1000) == 500500
        with pytest.raises(tandem.LuaError):
            f(10_000_000)
        assert f(10) == 55
    finally:
        rt.close()


def _tb_names(exc):
    names = []
    tb = exc.__traceback__
    while tb is not None:
        names.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    return names


def test_lua_levels_in_tracebacks_outermost_and_nested(lua):
    """The outermost crossing into a state tandem made counts no Lua level
    below it (lua_getstack not asked); a nested one counts the enclosing
    Lua levels, which the enclosing crossing records: each Lua function
    appears once in the traceback."""
    f = lua.execute("local function inner(x) error('bad ' .. x) end\n"
                    "return function(x) inner(x) end")
    with pytest.raises(tandem.LuaError) as ei:
        f(3)
    assert _tb_names(ei.value).count("inner") == 1
    outer = lua.execute("local function middle(cb, x) local r = cb(x) return r end\n"
                        "return function(cb, x) return (middle(cb, x)) end")
    with pytest.raises(tandem.LuaError) as ei:
        outer(lambda x: f(x), 4)
    names = _tb_names(ei.value)
    assert "bad 4" in str(ei.value)
    assert names.count("inner") == 1 and names.count("middle") == 1, names
    assert outer(lambda x: x * 2, 5) == 10


def test_single_result_lean_and_general_paths_agree(lua):
    """One result of each kind through the lean path's own end (f(k): the
    converter, then the finish) and through the general path (f(k) with six
    more arguments): the same value, type, identity or exception."""
    obj = object()
    lua.globals().obj = obj
    f = lua.execute(r"""
        local t = {1, 2}
        local fn = function() return 9 end
        local co = coroutine.create(fn)
        local vals = {"", "abc", "ü✓", "\xff\xfe", string.rep("x", 1000), t, fn, co,
                      obj, python.none, 1.5, true}
        return function(k) return vals[k] end
    """)
    for k in range(1, 13):
        lean_err = general_err = None
        try:
            lean = f(k)
        except Exception as e:      # noqa: BLE001 - compared below
            lean_err = type(e)
        try:
            general = f(k, 0, 0, 0, 0, 0, 0)
        except Exception as e:      # noqa: BLE001
            general_err = type(e)
        assert lean_err is general_err, k
        if lean_err is None:
            assert type(lean) is type(general), k
            if isinstance(lean, (str, bytes, float, bool)) or lean is None:
                assert lean == general, k
            else:
                assert lean is general, k   # one proxy per Lua object, obj itself
    assert f(9) is obj
    assert f(10) is None
    assert list(f(6).values()) == [1, 2]
    assert f(7)() == 9
