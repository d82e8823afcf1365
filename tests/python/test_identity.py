"""Identity: one Python proxy per live Lua object, and back."""
import tandem


def test_same_table_same_proxy(lua):
    t = lua.eval("{}")
    lua.globals().t = t
    assert lua.globals().t is t
    assert lua.eval("t") is t
    assert lua.eval("t") == lua.eval("t")


def test_same_function_same_proxy(lua):
    lua.execute("function f() end")
    assert lua.globals().f is lua.eval("f")


def test_proxy_unwraps_to_original(lua):
    t = lua.eval("{}")
    assert lua.eval("function(a, b) return rawequal(a, b) end")(t, t) is True
    assert lua.eval("function(a) return a end")(t) is t


def test_python_object_same_userdata(lua):
    obj = object()
    assert lua.eval("function(a, b) return rawequal(a, b) end")(obj, obj) is True


def test_distinct_tables_distinct_proxies(lua):
    assert lua.eval("{}") is not lua.eval("{}")


def test_identity_after_proxy_dies(lua):
    lua.execute("t = {}")
    first = lua.globals().t
    first_id = id(first)
    del first
    again = lua.globals().t
    assert tandem.lua_type(again) == "table"
    assert again is lua.globals().t
    assert first_id or True
