"""Behaviours of lupa 1.14 that lupa's own unit tests pin down and tandem
lacked (found by running that suite against tandem; each checked against
Debian's lupa). Written for tandem: None keys, str() of Lua objects,
python.as_function, unpack_returned_tuples in iteration, unpacks_lua_table
with holes, calling coroutine objects."""
import pytest

import tandem
import tandem as lupa


def test_none_as_table_key_is_python_none(lua):
    t = lua.eval("{1, 2}")
    t[None] = 123
    assert t[None] == 123
    assert lua.eval("function(t) return t[python.none] end")(t) == 123
    lua.execute("tt = {}; tt[python.none] = 5")
    assert lua.globals().tt[None] == 5
    del t[None]
    assert t[None] is None
    assert list(t.values()) == [1, 2]


def test_str_of_lua_objects(lua):
    assert str(lua.eval("{}")).startswith("<Lua table at 0x")
    assert str(lua.eval("function() end")).startswith("<Lua function at 0x")
    t = lua.eval("setmetatable({}, {__tostring = function() return 'custom' end})")
    assert str(t) == "custom"
    assert repr(t).startswith("<Lua table at 0x")


def test_str_matches_repr_without_tostring(lua):
    t = lua.eval("{}")
    assert str(t) == repr(t)


def test_as_function_is_a_lua_function(lua):
    assert lua.eval("type(python.as_function(python.builtins.len))") == "function"
    sort = lua.eval("""function(cmp)
        local t = {3, 1, 2}
        table.sort(t, python.as_function(cmp))
        return t end""")
    assert list(sort(lambda a, b: a < b).values()) == [1, 2, 3]
    # crossing back, it is the Python object again
    assert lua.eval("python.as_function(python.builtins.len)") is len
    with pytest.raises(tandem.LuaError):
        lua.eval("python.as_function({})")
    # lunatic-python's asfunc stays a view of the object
    assert lua.eval("type(python.asfunc(python.builtins.len))") == "userdata"


def test_unpack_returned_tuples_in_python_iter_and_enumerate():
    rt = tandem.LuaRuntime(unpack_returned_tuples=True)
    try:
        f = rt.eval("function(L) for i, a, b in python.enumerate(L) do return i, a, b end end")
        assert f([(10, 40)]) == (0, 10, 40)
        g = rt.eval("function(L) for a, b in python.iter(L) do return a, b end end")
        assert g([(10, 40)]) == (10, 40)
        h = rt.eval("function(L) local n = 0 for a, b in python.iter(L) do"
                    " n = n + 1 end return n end")
        assert h([(None, 1), (2, None)]) == 2          # a None first value goes on
    finally:
        rt.close()
    rt = tandem.LuaRuntime()
    try:
        g = rt.eval("function(L) for a, b in python.iter(L) do return a, b end end")
        assert g([(10, 40)]) == ((10, 40), None)
    finally:
        rt.close()


def test_unpacks_lua_table_positionals_follow_the_length(lua):
    @lupa.unpacks_lua_table
    def f(x, y, z="default"):
        return (x, y, z)
    call = lua.eval("function(f, t) return f(t) end")
    assert call(f, lua.eval("{5, nil, 6}")) == (5, None, 6)
    assert call(f, lua.eval("{nil, nil, 6}")) == (None, None, 6)
    assert call(f, lua.eval("{1, 2, z = 3}")) == (1, 2, 3)
    # integer keys beyond the length are not arguments
    assert call(f, lua.eval("{1, 2, [10] = 5}")) == (1, 2, "default")
    with pytest.raises(TypeError):
        call(f, lua.eval("{1, 2, [1.5] = 3}"))


def test_coroutine_objects_are_not_callable(lua):
    gen = lua.eval("function() coroutine.yield(1) end").coroutine()
    with pytest.raises(tandem.LuaError, match="attempt to call a thread value"):
        gen()
    assert next(gen) == 1
    with pytest.raises(tandem.LuaError):
        gen()


MODULE_LEVEL_NAME = "module value"


def test_python_eval_sees_the_calling_python_frame(lua):
    """lupa's python.eval is the builtin eval: names resolve in the Python
    frame that called into Lua (its locals, then its module's globals)."""
    local_name = 41
    assert lua.eval('python.eval("local_name + 1")') == 42
    assert lua.eval('python.eval("MODULE_LEVEL_NAME")') == "module value"
    f = lua.eval('function() return python.eval("local_name") end')

    def inner():
        local_name = "inner"                    # noqa: F841 (read from Lua)
        return f()
    assert inner() == "inner"
    with pytest.raises(NameError):
        lua.eval('python.eval("no_such_name_anywhere")')
