"""Lua C modules (Debian's lua-lpeg, lua-cjson) load inside a runtime created
from Python: the extension re-opens liblua5.4 with global symbols."""
import pytest

import tandem


def test_require_lpeg():
    lua = tandem.LuaRuntime()
    lpeg = lua.require("lpeg")
    assert tandem.lua_type(lpeg) == "table"
    count = lua.eval("""function(s)
        local lpeg = require 'lpeg'
        local digits = lpeg.C(lpeg.R('09') ^ 1)
        local p = lpeg.Ct((digits + 1) ^ 0)
        return #p:match(s)
    end""")
    assert count("a1b22c333") == 3


def test_require_cjson_round_trip():
    lua = tandem.LuaRuntime()
    enc = lua.eval("function(t) return require('cjson').encode(t) end")
    dec = lua.eval("function(s) return require('cjson').decode(s) end")
    t = dec('{"a": [1, 2, 3], "b": "x"}')
    assert t.b == "x"
    assert list(t.a.values()) == [1, 2, 3]
    assert enc(lua.table_from({"k": 1})) == '{"k":1}'


def test_require_missing_module_is_lua_error():
    lua = tandem.LuaRuntime()
    with pytest.raises(tandem.LuaError, match="no_such_lua_module"):
        lua.require("no_such_lua_module")


def test_require_tandem_inside_runtime_uses_this_copy():
    """require "tandem" inside a runtime created from Python gives the
    lunatic-python API of the same runtime (preloaded), never a second copy
    of the Lua module adopting the state."""
    lua = tandem.LuaRuntime()
    py = lua.eval('(require "tandem")')
    assert lua.eval('require("tandem") == require("tandem")')
    assert py.eval("6 * 7") == 42
    assert lua.eval('require("tandem").builtins().len({1, 2, 3})') == 3
    lua.execute('require("tandem").execute("shared_value = 5")')
    import __main__
    assert __main__.shared_value == 5
