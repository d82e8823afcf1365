"""lupa's API, as lupa code uses it (import tandem as lupa)."""
import pytest

import tandem as lupa


def test_module_names():
    for name in ("LuaRuntime", "LuaError", "LuaSyntaxError", "LuaMemoryError", "lua_type",
                 "as_attrgetter", "as_itemgetter", "unpacks_lua_table",
                 "unpacks_lua_table_method", "LUA_VERSION", "LUA_MAXINTEGER",
                 "LUA_MININTEGER", "__version__"):
        assert hasattr(lupa, name), name
    assert lupa.LUA_VERSION == (5, 4)
    assert lupa.LUA_MAXINTEGER == 2**63 - 1 and lupa.LUA_MININTEGER == -2**63


def test_runtime_properties(lua):
    assert lua.lua_version == (5, 4)
    assert lua.lua_implementation.startswith("Lua 5.4")


def test_eval_execute_with_args(lua):
    assert lua.eval("1+1") == 2
    assert lua.eval("...", 1, 2) == (1, 2)
    assert lua.execute("local a, b = ... return a * b", 6, 7) == 42
    assert lua.execute("x = 1") is None


def test_compile(lua):
    f = lua.compile("return ... + 1")
    assert lupa.lua_type(f) == "function"
    assert f(1) == 2


def test_globals_table_require(lua):
    g = lua.globals()
    g.answer = 42
    assert lua.eval("answer") == 42
    assert lua.require("string").format("%d", 5) == "5"
    with pytest.raises(lupa.LuaError):
        lua.require("no.such.module")


def test_table(lua):
    t = lua.table(1, 2, x=3)
    assert t[1] == 1 and t[2] == 2 and t.x == 3 and len(t) == 2


def test_table_from(lua):
    t = lua.table_from([10, 20], {"a": 1})
    assert list(t.values())[:2] == [10, 20] and t.a == 1
    t2 = lua.table_from(t)
    assert dict(t2.items()) == dict(t.items())
    nested = lua.table_from({"l": [1, 2]})
    assert lupa.lua_type(nested.l) is None          # not recursive: a Python list
    rec = lua.table_from({"l": [1, 2], "d": {"k": "v"}}, recursive=True)
    assert lupa.lua_type(rec.l) == "table" and rec.l[2] == 2 and rec.d.k == "v"
    with pytest.raises(TypeError):
        lua.table_from(5)


def test_table_from_recursive_cycle(lua):
    # as lupa: a structure that contains itself becomes a table that does
    d = {}
    d["self"] = d
    t = lua.table_from({"d": d}, recursive=True)
    assert t.d.self is t.d and lua.eval("function(t) return t.d.self.self == t.d end")(t)
    shared = [1]
    t = lua.table_from({"a": shared, "b": shared}, recursive=True)
    assert t.a is t.b


def test_table_access(lua):
    t = lua.eval("{1, 2, x = 'y'}")
    assert t.x == "y" and t["x"] == "y" and t[1] == 1
    t.z = 5
    t["w"] = 6
    assert lua.eval("function(t) return t.z + t.w end")(t) == 11
    del t.z
    del t["w"]
    assert t.z is None and t.w is None
    assert list(t) == [1, 2, "x"]
    assert sorted(map(str, t.keys())) == ["1", "2", "x"]
    assert len(t) == 2


def test_table_methods_not_shadowed(lua):
    t = lua.eval("{keys = 1}")
    assert callable(t.keys)
    assert t["keys"] == 1


def test_function_attribute_access_rejected(lua):
    f = lua.eval("function() end")
    with pytest.raises(AttributeError):
        f.x
    with pytest.raises(TypeError):
        f[1]
    with pytest.raises(TypeError):
        iter(f)


def test_lua_type():
    rt = lupa.LuaRuntime()
    assert lupa.lua_type(rt.eval("{}")) == "table"
    assert lupa.lua_type(rt.eval("print")) == "function"
    assert lupa.lua_type(rt.eval("coroutine.create(function() end)")) == "thread"
    assert lupa.lua_type(rt.eval("io.stdout")) == "userdata"
    assert lupa.lua_type(1) is None and lupa.lua_type(None) is None


def test_attribute_filter():
    def filt(obj, name, setting):
        if name.startswith("_"):
            raise AttributeError("private")
        return name

    rt = lupa.LuaRuntime(attribute_filter=filt)

    class O:
        pub = 1
        _priv = 2

    assert rt.eval("function(o) return o.pub end")(O()) == 1
    with pytest.raises(AttributeError):
        rt.eval("function(o) return o._priv end")(O())


def test_attribute_handlers():
    seen = []

    def getter(obj, name):
        seen.append(name)
        return name.upper()

    def setter(obj, name, value):
        seen.append((name, value))

    rt = lupa.LuaRuntime(attribute_handlers=(getter, setter))
    assert rt.eval("function(o) return o.abc end")(object()) == "ABC"
    rt.eval("function(o) o.k = 3 end")(object())
    assert seen == ["abc", ("k", 3)]
    with pytest.raises(ValueError):
        lupa.LuaRuntime(attribute_handlers=(1, 2))
    with pytest.raises(ValueError):
        lupa.LuaRuntime(attribute_handlers=(getter, setter), attribute_filter=getter)
    with pytest.raises(ValueError):
        lupa.LuaRuntime(attribute_filter=5)


def test_python_objects_in_lua(lua):
    d = {"a": 1}
    assert lua.eval("function(d) return d.a end")(d) == 1          # getitem default
    lst = [1, 2]
    lua.eval("function(l) l:append(3) end")(lupa.as_attrgetter(lst))
    assert lst == [1, 2, 3]
    assert lua.eval("function(d) return d['a'] end")(lupa.as_itemgetter(d)) == 1


def test_python_table_in_lua(lua):
    lua.execute("""
        function use(o)
            local s = 0
            for x in python.iter(o) do s = s + x end
            return s
        end""")
    assert lua.globals().use([1, 2, 3]) == 6
    assert lua.eval("python.builtins.len")("abcd") == 4
    assert lua.eval("python.eval('1 + 2')") == 3
    assert lua.eval("python.none") is None


def test_register_options():
    rt = lupa.LuaRuntime(register_eval=False, register_builtins=False)
    assert rt.eval("python.eval") is None and rt.eval("python.builtins") is None


def test_unpack_returned_tuples():
    rt = lupa.LuaRuntime(unpack_returned_tuples=True)
    assert rt.eval("function(f) local a, b = f() return b end")(lambda: (1, 2)) == 2
    rt2 = lupa.LuaRuntime()
    assert rt2.eval("function(f) local a, b = f() return b end")(lambda: (1, 2)) is None


def test_unpacks_lua_table(lua):
    @lupa.unpacks_lua_table
    def f(a, b=0, *, c=0):
        return a + b + c

    lua.globals().f = f
    assert lua.eval("f{1, 2, c = 3}") == 6
    assert lua.eval("f(1, 2)") == 3

    class K:
        @lupa.unpacks_lua_table_method
        def m(self, a, b=0):
            return a - b

    lua.globals().k = K()
    assert lua.eval("k.m{5, b = 2}") == 3


def test_python_args(lua):
    def f(*args, **kw):
        return len(args) * 10 + len(kw)

    assert lua.eval("function(f) return f(python.args{1, 2, x = 3}) end")(f) == 21


def test_python_args_method_call_drops_repeated_self(lua):
    """obj:m(python.args{...}) passes obj once, as obj:m(1) does (and lupa):
    the repeated self was kept when a python.args was among the arguments."""
    import datetime

    class O:
        def m(self, *a, **k):
            return "%s %d %s" % (type(self).__name__, len(a), sorted(k))

    run = lua.eval("""function(o, d) return o:m(python.args{k = 1}),
        o:m(1, python.args{k = 3}), o.m(o, python.args{k = 4}), o:m(1),
        d:replace(python.args{year = 2000}) end""")
    assert run(O(), datetime.date(1999, 5, 6)) == (
        "O 0 ['k']", "O 1 ['k']", "O 0 ['k']", "O 1 []", datetime.date(2000, 5, 6))


def test_memory_functions():
    lua = lupa.LuaRuntime(max_memory=0)         # 0: no limit yet, one may be set
    assert lua.get_memory_used() >= 0
    assert lua.get_memory_used(total=True) > 0
    assert lua.get_max_memory() == 0
    lua.set_max_memory(10_000_000)
    assert lua.get_max_memory() == 10_000_000
    lua.set_max_memory(0)
    lua.gccollect()
    with pytest.raises(ValueError):
        lua.set_max_memory(-1)


def test_tight_memory_limit_leaves_room_for_strings():
    # The first string to cross into Lua must not cost the script its
    # budget: tandem's own string cache is not charged to max_memory.
    lua = lupa.LuaRuntime(max_memory=0)
    lua.execute("a = ('a'):rep(50000)")
    used = lua.get_memory_used()
    lua.set_max_memory(used + 6000)
    g = lua.globals()
    g["short"] = "abc"                          # the first string to cross
    assert lua.eval("short .. 'd'") == "abcd"
    with pytest.raises(lupa.LuaMemoryError):
        lua.eval("('b'):rep(100000)")           # the limit itself still holds
    del g["a"]
    lua.gccollect()
    assert lua.eval("('b'):rep(10)") == "b" * 10


def test_nogc(lua):
    with lua.nogc():
        assert lua.eval("collectgarbage('isrunning')") is False
    assert lua.eval("collectgarbage('isrunning')") is True


def test_closed_runtime_errors():
    rt = lupa.LuaRuntime()
    t = rt.eval("{}")
    f = rt.eval("function() return 1 end")
    rt.close()
    rt.close()                                  # idempotent
    with pytest.raises(lupa.LuaError):
        rt.eval("1")
    with pytest.raises(lupa.LuaError):
        f()
    with pytest.raises(lupa.LuaError):
        t.x
    with pytest.raises(lupa.LuaError):
        rt.globals()
    del t, f                                    # no crash releasing after close


def test_object_of_other_runtime_rejected():
    a, b = lupa.LuaRuntime(), lupa.LuaRuntime()
    t = a.eval("{}")
    with pytest.raises(lupa.LuaError, match="different Lua runtimes"):
        b.eval("function(x) return x end")(t)
    with pytest.raises(lupa.LuaError):
        b.globals().x = t


def test_runtime_context_manager():
    with lupa.LuaRuntime() as rt:
        assert rt.eval("1") == 1
    with pytest.raises(lupa.LuaError):
        rt.eval("1")


def test_cannot_instantiate_proxies(lua):
    with pytest.raises(TypeError):
        type(lua.eval("{}"))()
