"""Lua -> Python translated code under the runtime's metatables of whole
types (`debug.setmetatable(10, mt)`: numbers, booleans, nil, functions),
run natively and translated: same values and types, or the same error.

Until the twenty-ninth session translated code setting one was refused and
one native code set was never run by translated operations (`(10)[3]`
raised "attempt to index a number value" where Lua runs the numbers'
`__index`). luart now asks the runtime for the metatable of the value's
type where an operation on it has no meaning of its own (tandem/_luatypemt.py);
a `__tostring` (or a function type's `__name`) stays refused: luart answers
`tostring` of those values by itself."""
import pytest

import tandem

# (setup run natively before the function, the function); each test has
# runtimes of its own
CASES = {
    'number_index': (None, """function()
        debug.setmetatable(10, {__index = function(a, b) return a + b end})
        local r = {(10)[3], (10)["3"], (2.5)[1]}
        debug.setmetatable(0, nil)
        return table.unpack(r)
    end"""),
    'number_len': (None, """function()
        debug.setmetatable(1, {__len = function(x) return math.floor(x) end})
        local a, b = #3.45, #7
        debug.setmetatable(1, nil)
        return a, b, getmetatable(1)
    end"""),
    'boolean_index': (None, """function()
        local mt = {__index = function(a, b) return a or b end}
        debug.setmetatable(true, mt)
        local r = {(true)[false], (false)[false], getmetatable(false) == mt}
        debug.setmetatable(false, nil)
        return table.unpack(r, 1, 3)
    end"""),
    'nil_add': (None, """function()
        local mt = {}
        debug.setmetatable(nil, mt)
        mt.__add = function(a, b) return (a or 1) + (b or 2) end
        local r = {10 + nil, nil + 23, nil + nil}
        debug.setmetatable(nil, nil)
        return table.unpack(r, 1, 3)
    end"""),
    'number_call': (None, """function(n)
        debug.setmetatable(0, {__call = function(self, x) return self * x end})
        local r = (5)(n)
        debug.setmetatable(0, nil)
        return r
    end"""),
    'number_table_arith_order': (None, """function()
        local t = setmetatable({}, {__add = function() return "table's" end})
        debug.setmetatable(0, {__add = function() return "number's" end})
        local r1, r2 = 1 + t, t + 1
        debug.setmetatable(0, nil)
        return r1, r2, 1 + 2
    end"""),
    'number_concat_and_lt': (None, """function()
        local t = {}
        debug.setmetatable(0, {__concat = function(a, b) return "cat" end,
                               __lt = function(a, b) return true end})
        local r1, r2 = 1 .. t, 1 < t
        debug.setmetatable(0, nil)
        return r1, r2, 1 .. 2
    end"""),
    'function_index': (None, """function()
        debug.setmetatable(print, {__index = function(f, k) return "field " .. k end})
        local r = print.foo
        debug.setmetatable(print, nil)
        return r
    end"""),
    'set_natively': ("debug.setmetatable(0, {__index = function(a, b) return a * b end})",
                     """function(n) return (n)[3], (2.5)[2] end"""),
    'removed_natively': ("debug.setmetatable(0, {__index = math}) debug.setmetatable(0, nil)",
                         """function(n) return pcall(function() return (n).floor end) end"""),
    'no_metatable_errors': (None, """function(n)
        local ok1, e1 = pcall(function() return (n)[1] end)
        local ok2, e2 = pcall(function() return #n end)
        local ok3, e3 = pcall(function() return n + nil end)
        local ok4, e4 = pcall(function() return nil .. n end)
        return e1, e2, e3, e4
    end"""),
    'tostring_unchanged': (None, """function(n)
        debug.setmetatable(0, {__index = math})
        local r = {tostring(n), (n).pi ~= nil, n .. ""}
        debug.setmetatable(0, nil)
        return table.unpack(r)
    end"""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_type_metatables_as_natively(name):
    setup, src = CASES[name]
    args = (7,)
    lua = tandem.LuaRuntime()
    if setup:
        lua.execute(setup)
    f = lua.eval(src)
    native = f(*args)
    translated = lua.translate(f)(*args)
    assert translated == native
    assert [type(x) for x in (translated if isinstance(translated, tuple) else (translated,))] \
        == [type(x) for x in (native if isinstance(native, tuple) else (native,))]


REFUSED = {
    'tostring_set': """function()
        debug.setmetatable(0, {__tostring = function() return "n" end})
        return tostring(1)
    end""",
    'tostring_written': """function()
        local mt = {}
        debug.setmetatable(true, mt)
        mt.__tostring = function() return "b" end
        return tostring(true)
    end""",
    'tostring_rawset': """function()
        local mt = {}
        debug.setmetatable(0, mt)
        rawset(mt, "__tostring", function() return "n" end)
        return tostring(1)
    end""",
    'function_name': """function()
        debug.setmetatable(print, {__name = "F"})
        return tostring(print)
    end""",
    'string_metatable': """function()
        debug.setmetatable("", {})
    end""",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_where_tostring_would_differ(name):
    lua = tandem.LuaRuntime()
    f = lua.translate(lua.eval(REFUSED[name]))
    with pytest.raises(NotImplementedError, match="translated code"):
        f()
    # natively these answer (or set the string metatable)
    lua2 = tandem.LuaRuntime()
    lua2.eval(REFUSED[name])()
