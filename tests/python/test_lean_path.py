"""The lean Python -> Lua call and attribute path (pcall.c tdmP_call_lean) and
its fallbacks: every case here must behave exactly as the general path."""
import sys
import threading

import pytest

import tandem


def test_each_scalar_argument_and_result_kind(lua):
    ident = lua.eval("function(...) return ... end")
    kinds = lua.eval("function(...) local t = {} for i = 1, select('#', ...) do"
                     " local v = select(i, ...) t[i] = math.type(v) or type(v) end"
                     " return table.concat(t, ',') end")
    assert kinds(1, 1.5, True, None, "s") == "integer,float,boolean,nil,string"
    for v in (0, -7, 2**63 - 1, -2**63, 0.25, True, False, "", "ü✓"):
        r = ident(v)
        assert r == v and type(r) is type(v)
    assert ident(None) is None
    assert ident() is None
    assert ident(1, 2) == (1, 2)


def test_lua_none_object_result_stays_distinct(lua):
    f = lua.eval("function() return python.none end")
    assert f() is None


def test_fallback_arguments(lua):
    ident = lua.eval("function(...) return ... end")
    # more arguments than the frame holds inline
    assert ident(*range(10)) == tuple(range(10))
    # an int beyond Lua's range goes to the converter, which raises
    with pytest.raises(OverflowError):
        ident(2**64)
    # a subclass of int and objects go through the converter
    class MyInt(int):
        pass
    assert ident(MyInt(5)) == 5
    obj = object()
    assert ident(obj) is obj
    assert ident(b"raw") == "raw"      # as lupa: a Lua string comes back as str


def test_overflow_handler_still_called(lua):
    rt = tandem.LuaRuntime(overflow_handler=lambda x: float(x))
    try:
        assert rt.eval("function(x) return x end")(2**70) == float(2**70)
    finally:
        rt.close()


def test_unencodable_str_raises_in_python(lua):
    ident = lua.eval("function(x) return x end")
    with pytest.raises(UnicodeEncodeError):
        ident("\ud800")
    assert ident("ok") == "ok"     # nothing left locked or half-done


def test_non_utf8_runtime_takes_the_general_path():
    rt = tandem.LuaRuntime(encoding=None)
    try:
        ident = rt.eval("function(x) return x end")
        assert ident(b"abc") == b"abc"
        assert ident(3) == 3
    finally:
        rt.close()


def test_error_through_the_lean_path_has_lua_frames(lua):
    f = lua.execute("local function inner(x) error('bad ' .. x) end\n"
                    "return function(x) inner(x) end")
    with pytest.raises(tandem.LuaError) as ei:
        f(3)
    assert "bad 3" in str(ei.value)
    names = []
    tb = ei.value.__traceback__
    while tb is not None:
        names.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    assert "inner" in names
    assert lua.eval("1 + 1") == 2


def test_string_and_table_results_use_the_converter(lua):
    f = lua.eval("function(x) return x .. '!', {x} end")
    s, t = f("a")
    assert s == "a!" and t[1] == "a"


def test_callback_during_lean_call(lua):
    seen = []
    f = lua.eval("function(cb, x) return cb(x) + 1 end")
    assert f(lambda v: seen.append(v) or v * 2, 20) == 41
    assert seen == [20]


def test_second_thread_takes_the_general_path(lua):
    f = lua.eval("function(x) return x * 2 end")
    out = []
    gate = threading.Event()

    def worker():
        gate.wait()
        out.append(sum(f(i) for i in range(2000)))

    t = threading.Thread(target=worker)
    t.start()
    gate.set()
    mine = sum(f(i) for i in range(2000))
    t.join()
    assert mine == out[0] == 2 * sum(range(2000))


def test_closed_runtime_and_attributes():
    rt = tandem.LuaRuntime()
    f = rt.eval("function(x) return x end")
    t = rt.eval("{x = 5, keys = 'lua'}")
    assert t.x == 5
    assert callable(t.keys)             # the proxy's own method wins
    assert t["keys"] == "lua"
    assert t.missing is None
    rt.close()
    with pytest.raises(tandem.LuaError):
        f(1)
    with pytest.raises(tandem.LuaError):
        t.x


def test_attribute_on_table_with_index_metamethod(lua):
    t = lua.eval("setmetatable({}, {__index = function(t, k) return k .. '?' end})")
    assert t.abc == "abc?"
    bad = lua.eval("setmetatable({}, {__index = function() error('nope') end})")
    with pytest.raises(tandem.LuaError, match="nope"):
        bad.x


def test_recursion_limit_still_enforced(lua):
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    lua.globals().py = lambda n: f(n)
    f = lua.eval("function(n) return py(n + 1) end")
    with pytest.raises((tandem.LuaError, RecursionError)):
        f(0)


def test_raw_index_results_that_need_refs(lua):
    # a plain table read with lua_rawget; table and function results need a
    # registry ref, made under the message handler put in place only then
    t = lua.eval("{a = {b = 1}, f = function() return 7 end, s = 'str', u = python.none}")
    assert t.a.b == 1 and t.a is t.a and t["a"] is t.a
    assert t.f() == 7
    assert t.s == "str" and t.u is None
    for _ in range(1000):
        assert t.a.b == 1


def test_own_names_per_proxy_type(lua):
    """Attribute access gives the proxy type's own methods first (per type:
    a table field named like a function method is still the field), and the
    proxy types cannot be changed at run time."""
    t = lua.eval("{coroutine = 1, send = 2, keys = 3, k = 4, x123456789 = 5}")
    assert t.coroutine == 1 and t.send == 2 and t.k == 4 and t.x123456789 == 5
    assert callable(t.keys) and t["keys"] == 3
    f = lua.eval("function() end")
    assert callable(f.coroutine)
    with pytest.raises(AttributeError):
        f.keys
    with pytest.raises(TypeError):
        type(t).extra = 1


def test_item_and_len_on_plain_tables(lua):
    # t[k] and len(t) take the lean path; a plain table is read raw
    t = lua.table_from([10, 20, 30])
    assert [t[i] for i in (1, 2, 3)] == [10, 20, 30]
    assert t[4] is None and t["x"] is None and t[1.5] is None
    assert len(t) == 3
    nested = lua.eval("{{1}, f = function() return 2 end}")
    assert nested[1] is nested[1] and nested[1][1] == 1
    assert nested["f"]() == 2
    assert len(lua.eval("{}")) == 0
    # a None key stands for python.none (the general path)
    n = lua.eval("function(t) t[python.none] = 'none' return t end")(lua.eval("{}"))
    assert n[None] == "none"


def test_item_and_len_with_metamethods(lua):
    t = lua.eval("setmetatable({}, {__index = function(t, k) return k * 2 end,"
                 " __len = function() return 42 end})")
    assert t[21] == 42 and len(t) == 42
    bad = lua.eval("setmetatable({}, {__len = function() error('no length') end,"
                   " __index = function() error('no item') end})")
    with pytest.raises(tandem.LuaError, match="no length"):
        len(bad)
    with pytest.raises(tandem.LuaError, match="no item"):
        bad[1]
    odd = lua.eval("setmetatable({}, {__len = function() return 'x' end})")
    with pytest.raises(TypeError, match="non-negative integer"):
        len(odd)
    with pytest.raises(tandem.LuaError):
        len(lua.eval("function() end"))


def test_item_and_len_closed_runtime_and_threads():
    rt = tandem.LuaRuntime()
    t = rt.table_from([1, 2])
    out = []

    def worker():
        out.append(sum(t[1] + len(t) for _ in range(2000)))

    th = threading.Thread(target=worker)
    th.start()
    mine = sum(t[2] + len(t) for _ in range(2000))
    th.join()
    assert mine == 4 * 2000 and out == [3 * 2000]
    rt.close()
    with pytest.raises(tandem.LuaError):
        t[1]
    with pytest.raises(tandem.LuaError):
        len(t)


def test_int_values_at_digit_and_range_limits_both_ways(lua):
    # ints of one 30-bit digit are read inline (tdmP_int_value), longer ones
    # by CPython; both ways across the boundary, as arguments and results
    ident = lua.eval("function(x) return x end")
    back = lua.eval("function(f, x) local r = f(x) return r, math.type(r) end")
    tp = lua.eval("function(x) return math.type(x) end")
    vals = [0, 1, -1, 2**30 - 1, -(2**30 - 1), 2**30, -(2**30), 2**31, 2**60 + 3,
            2**63 - 1, -2**63]
    for v in vals:
        assert ident(v) == v and type(ident(v)) is int
        assert tp(v) == "integer"
        assert back(lambda x: x, v) == (v, "integer")
        assert back(lambda x: x - 1 + 1, v) == (v, "integer")
    for v in (2**63, -2**63 - 1, 2**100):
        with pytest.raises(OverflowError):
            ident(v)


def test_strings_of_every_internal_kind_cross_as_their_utf8(lua):
    """A compact ASCII str is read inline as its own UTF-8 (padapter.h
    tdmP_utf8_value); every other kind (Latin-1, UCS-2, UCS-4, a subclass)
    through CPython. Lua sees the UTF-8 bytes of each: its length and bytes
    are checked in Lua, and the value comes back equal."""
    class S(str):
        pass
    info = lua.eval("function(s, t) return #s, s:byte(1, -1) end")
    ident = lua.eval("function(s) return s end")
    getter = lua.eval("function(t, k) return t[k] end")
    t = lua.eval("{}")
    cases = ["", "a", "abc", "x" * 16, "y" * 17, "z" * 40, "z" * 41, "a\0b", "\0",
             "caf\u00e9", "\u00ff" * 3, "\u20ac1", "\U0001f600", "mix\u00e9\u20ac\U0001f600",
             S("sub"), S("\u00e9t\u00e9"), "x" * 1000]
    for s in cases:
        b = s.encode("utf-8")
        got = info(s)
        n, data = (got, ()) if isinstance(got, int) else (got[0], got[1:])
        assert n == len(b), s
        assert bytes(data) == b, s
        r = ident(s)
        assert r == s and type(r) is str
        t[s] = len(s)               # a key written and read back as itself
        assert getter(t, s) == len(s)
        assert t[s] == len(s)
