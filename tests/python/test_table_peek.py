"""Reads of Lua tables from Python without a frame (issue 14: bridge/lang.h
`peek`, adapters/lua/lops.c `tdmL_peek`): `t.x`, `t[k]` and `len(t)` of a
table with no metatable are read raw; anything else — a metatable, a key or
value that needs an allocation, another thread — takes the frame's path.
Every case here compares with what Lua itself answers (`rawget`/`t[k]`/`#t`
inside Lua) so a read taking the wrong path shows as a wrong value.
"""
import math
import threading

import pytest

import tandem


@pytest.fixture
def lua():
    return tandem.LuaRuntime()


def test_values_of_every_kind(lua):
    t = lua.eval("""{i = 7, f = 2.5, s = "text", yes = true, no = false,
                    big = math.maxinteger, neg = math.mininteger, z = -0.0,
                    u = "h\\xc3\\xa9", [1] = "one", [2] = 2}""")
    for _ in range(3):          # the first read of a key caches its string
        assert (t.i, t.f, t.s, t.yes, t.no) == (7, 2.5, "text", True, False)
        assert (t.big, t.neg) == (2**63 - 1, -2**63)
        assert math.copysign(1.0, t.z) == -1.0
        assert t.u == "h\u00e9"
        assert (t[1], t[2], t["i"], t.missing, t[3]) == ("one", 2, 7, None, None)
        assert len(t) == 2
        assert type(t.i) is int and type(t.f) is float and type(t.yes) is bool


def test_keys_of_every_kind(lua):
    t = lua.eval("""(function()
        local k = {}
        local t = {[1] = "int", [2.5] = "float", [true] = "bool", [k] = "table"}
        t.key = k
        return t
    end)()""")
    for _ in range(2):
        assert t[1] == "int" and t[1.0] == "int"        # 1.0 is the key 1 in Lua
        assert t[2.5] == "float" and t[True] == "bool"
        assert t[t.key] == "table"
        assert t[float("nan")] is None and t[False] is None
        assert t[None] is None


def test_table_values_take_the_frame(lua):
    t = lua.eval("{inner = {x = 1}, list = {1, 2, 3}}")
    for _ in range(2):
        inner = t.inner
        assert inner.x == 1 and inner is t.inner        # identity kept
        assert len(t.list) == 3 and t.list[3] == 3


def test_python_objects_as_values(lua):
    class O:
        pass

    o = O()
    lua.globals().o = o
    t = lua.eval("{obj = o, none = python.none}")
    for _ in range(2):
        assert t.obj is o
        assert t.none is None


def test_metatables_are_honoured(lua):
    t = lua.eval("{x = 1, 10, 20}")
    assert (t.x, t.y, t[1], len(t)) == (1, None, 10, 2)
    lua.execute("""local t = ...
        setmetatable(t, {__index = function(_, k) return "mm:" .. tostring(k) end,
                         __len = function() return 99 end})""", t)
    assert (t.x, t.y, t[1], t[5], len(t)) == (1, "mm:y", 10, "mm:5", 99)
    lua.execute("setmetatable(..., nil)", t)
    assert (t.y, t[5], len(t)) == (None, None, 2)


def test_index_errors_still_raise(lua):
    t = lua.eval("setmetatable({}, {__index = function() error('no way') end})")
    with pytest.raises(tandem.LuaError, match="no way"):
        t.x
    with pytest.raises(tandem.LuaError, match="no way"):
        t[1]


def test_reads_agree_with_lua_after_writes(lua):
    t = lua.eval("{}")
    get = lua.eval("function(t, k) return rawget(t, k) end")
    for i in range(200):
        t[i % 7] = i
        t["k%d" % (i % 5)] = str(i)
        assert t[i % 7] == get(t, i % 7) == i
        assert t["k%d" % (i % 5)] == get(t, "k%d" % (i % 5)) == str(i)
        assert len(t) == lua.eval("function(t) return #t end")(t)


def test_a_new_string_key_each_time(lua):
    t = lua.eval("{}")
    for i in range(300):
        key = "name%d" % i
        t[key] = i
    assert [t["name%d" % i] for i in range(300)] == list(range(300))


def test_under_a_memory_limit():
    lua = tandem.LuaRuntime(max_memory=2_000_000)
    t = lua.eval("{x = 'value', 1, 2}")
    for _ in range(1000):
        assert t.x == "value" and t[2] == 2 and len(t) == 2


def test_from_two_threads(lua):
    t = lua.eval("{x = 5, 1, 2, 3}")
    errors = []

    def work():
        try:
            for _ in range(3000):
                assert t.x == 5 and t[2] == 2 and len(t) == 3
        except Exception as e:      # pragma: no cover - reported below
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(3)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    assert errors == []


def test_closed_runtime(lua):
    t = lua.eval("{x = 1}")
    assert t.x == 1
    lua.close()
    with pytest.raises(Exception, match="closed"):
        t.x
    with pytest.raises(Exception, match="closed"):
        len(t)


def test_inside_a_lua_call(lua):
    # Python code called from Lua reads a table while Lua code runs below it
    t = lua.eval("{x = 3, 4, 5}")
    read = lambda tt: (tt.x, tt[2], len(tt))   # noqa: E731
    lua.globals().read = read
    assert tuple(lua.eval("function(t) return read(t) end")(t)) == (3, 5, 2)
    co = lua.eval("coroutine.wrap(function(t) coroutine.yield(read(t)) end)")
    assert tuple(co(t)) == (3, 5, 2)
