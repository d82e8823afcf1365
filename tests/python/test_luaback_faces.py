"""python.translate(luafn) from Lua code inside a LuaRuntime (issue 10): the
Python function lua.translate gives, callable from Lua and Python."""

import pytest

import tandem

CHUNK = '''
return load([[
local n = 0
local function fib(k) n = n + 1; if k < 2 then return k end return fib(k - 1) + fib(k - 2) end
local function parts(a, b) return a // b, a % b, a / b end
local function count() return n end
return fib, parts, count
]])()
'''


def test_python_translate_from_lua():
    lua = tandem.LuaRuntime()
    fib, parts, count = lua.execute(CHUNK)
    lua.globals().fib, lua.globals().parts = fib, parts
    r = lua.execute('''
        local pf = python.translate(fib)
        return pf, pf(15), fib(15), rawequal(pf, python.translate(fib)), math.type(pf(5))
    ''')
    pf, got, want, same, mtype = r
    assert got == want == 610 and same and mtype == 'integer'
    assert pf is lua.translate(fib)                 # the same function both faces give
    assert type(pf).__name__ == 'function'
    assert count() == 2 * 1973 + 15                 # the upvalue n is shared
    # several results of a Python callable reach Lua as one tuple
    t = lua.execute('local r = python.translate(parts)(-7, 2) return r')
    assert t == parts(-7, 2) == (-4, 1, -3.5)


def test_python_translate_refusal_is_a_lua_error():
    lua = tandem.LuaRuntime()
    ok, err = lua.execute('return pcall(python.translate, print)')
    assert ok is False and isinstance(err, tandem.TranslationError)
    assert 'C function' in str(err)
    # a stripped binary chunk: no text tandem saw (a named text chunk is
    # recorded: test_luaback_sources.py)
    with pytest.raises(tandem.TranslationError, match='source not available'):
        lua.execute('return python.translate(load(string.dump(function()\n end, true), '
                    '"=x", "b"))')
    assert lua.execute('return python.translate(load("return function() return 4 end", '
                       '"=x")())()') == 4
    # lua.execute's own code: the runtime remembered its source
    assert lua.execute('return python.translate(function(a) return a .. "!" end)("hi")') == 'hi!'



def test_lua_error_in_translated_code_from_lua():
    lua = tandem.LuaRuntime()
    ok, err = lua.execute('return pcall(python.translate(load("return function(t) return t.x.y end")()), {})')
    assert ok is False
    assert "attempt to index a nil value (field 'x')" in str(err)
