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


# ---- from lupa 2.8's suite (tools: ../shared/tools/lupa_suite.sh) ----------

def test_load_mode_is_passed_to_lua(lua):
    """lupa 2.x: eval/execute/compile take mode= ('t', 'b', 'bt'); text code
    with mode='b' is a syntax error."""
    for call in (lua.eval, lua.execute, lua.compile):
        with pytest.raises(tandem.LuaSyntaxError, match="attempt to load a text chunk"):
            call("return 1+1", name="plus", mode="b")
    assert lua.eval("1+1", mode="t") == 2
    assert lua.execute("return 1+1", name="p", mode="bt") == 2
    assert lua.compile("return 3", mode=None)() == 3
    with pytest.raises(ValueError):
        lua.eval("1", mode="x")
    for enc in (None, "latin-1"):
        other = lupa.LuaRuntime(encoding=enc)
        with pytest.raises(tandem.LuaSyntaxError):
            other.execute("return 1", mode="b")
        assert other.execute("return 1", mode="t") == 1


def test_table_from_dict_with_none_key(lua):
    t = lua.table_from({"foo": 1, None: "python.none"})
    assert t[None] == "python.none" and t["foo"] == 1 and len(t) == 0
    assert lua.eval("function(t) return t[python.none] end")(t) == "python.none"


def test_table_from_recursive_structure_that_contains_itself(lua):
    data = {}
    data["key"] = data
    lst = []
    lst.append(lst)
    data["list"] = lst
    t = lua.table_from(data, recursive=True)
    assert t.key is t and t.list[1] is t.list
    check = lua.eval("function(d) return d.key.key.key == d and d.list == d.list[1] end")
    assert check(t) is True


def test_set_overflow_handler_from_lua():
    big = 2 ** 80
    lua = lupa.LuaRuntime()
    lua.execute("python.set_overflow_handler(function(o) return o end)")
    assert lua.eval("type")(big) == "userdata"          # kept as a Python object
    assert lua.eval("function(o) return o end")(big) == big
    lua.execute("python.set_overflow_handler(python.builtins.float)")
    assert lua.eval("math.type")(big) == "float"
    lua.execute("python.set_overflow_handler(function(o) return python.builtins.float(o) * 2 end)")
    assert lua.eval("function(x) return x end")(big) == float(big) * 2
    lua.execute("python.set_overflow_handler(nil)")
    with pytest.raises(OverflowError):
        lua.eval("type")(big)
    lua.set_overflow_handler(float)
    assert lua.eval("math.type")(big) == "float"
    for bad in ("123", "{}", "true", "'abc'", "coroutine.create(function() end)"):
        with pytest.raises(tandem.LuaError, match="bad argument #1"):
            lua.execute("python.set_overflow_handler(%s)" % bad)
    assert lua.eval("math.type")(big) == "float"          # unchanged by the failures
    # a handler whose own result is another big int crossing: an error, not
    # a recursion through the handler
    lua.execute("python.set_overflow_handler(function(o) return o * 2 end)")
    with pytest.raises(OverflowError, match="inside the overflow_handler"):
        lua.eval("function(g) return g() end")(lambda: big)


def test_str_with_tostring_returning_no_string_is_a_type_error(lua):
    with pytest.raises(TypeError, match="__tostring returned non-string object"):
        str(lua.eval("setmetatable({}, {__tostring = function() end})"))
    assert str(lua.eval("setmetatable({}, {__tostring = function() return 12 end})")) == "12"
    with pytest.raises(tandem.LuaError):
        str(lua.eval("setmetatable({}, {__tostring = function() error('x') end})"))


def test_max_memory_limit_needs_max_memory_at_creation():
    lua = lupa.LuaRuntime()
    assert lua.get_max_memory() is None and lua.get_max_memory(total=True) is None
    with pytest.raises(RuntimeError, match="max_memory must be set"):
        lua.set_max_memory(10000)
    lua = lupa.LuaRuntime(max_memory=0)
    assert lua.get_max_memory() == 0
    lua.set_max_memory(100000)
    assert lua.get_max_memory() == 100000


def test_lua_objects_have_getattr(lua):
    t = lua.eval("{a = 1, keys = 'lua keys'}")
    assert t.__getattr__("a") == 1
    assert t.__getattr__("keys") == "lua keys"       # the Lua field, not the method
    gen = lua.eval("function(n) coroutine.yield(n) end").coroutine(5)
    with pytest.raises(AttributeError):
        gen.__getattr__("no_such_attribute")
    with pytest.raises(AttributeError):
        t.__getattr__("__no_such_dunder__")


def test_getmetatable_of_python_object_shows_its_metamethods(lua):
    class Callable:
        def __call__(self):
            return 5
    get = lua.eval("function(o, k) return getmetatable(o)[k] end")
    assert get(Callable(), "__call") is not None
    assert get(object(), "__index") is not None
    assert get(object(), "__gc") is None
    # the copy may be changed; the objects are not
    lua.execute("function spoil(o) getmetatable(o).__call = nil end")
    lua.globals().spoil(Callable())
    assert lua.eval("function(o) return o() end")(Callable()) == 5
    assert lua.eval("function(o) return getmetatable(o) ~= debug.getmetatable(o) end")(object())


def test_python_eval_is_a_python_object():
    """lupa's python.eval is a Python object: indexing it goes through the
    attribute handlers like any Python object's."""
    seen = []

    def get_attr(obj, name):
        seen.append(name)
        return 23
    lua = lupa.LuaRuntime(attribute_handlers=(get_attr, None))
    assert lua.eval("python.eval.huhu") == 23 and seen == ["huhu"]
    assert lua.eval("type(python.eval)") == "userdata"
    assert lua.eval('python.eval("1 + 2")') == 3
    assert lua.eval('python.eval(" 2 * 3")') == 6          # leading blanks, as eval
    with pytest.raises(TypeError):
        lua.eval("python.eval(5)")
    assert lupa.LuaRuntime(register_eval=False).eval("python.eval") is None
