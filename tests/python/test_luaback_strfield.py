"""A string's field read by translated Lua (`s.k`, `s['k']`: _lualive.Live.ix)
is the runtime's string metatable's, as its methods already were: each case
natively and translated, in fresh runtimes where native code first changed
the string library or the string metatable. Before, translated code read
luart's own string table: a function the program added to `string` was nil
as a field (`local f = s.trim`), a replaced `__index` was not run."""

import re

import pytest

import tandem

SETUPS = {
    'added_function': "function string.trim(s) return (s:gsub('^%s+', ''):gsub('%s+$', '')) end",
    'index_function': "getmetatable('').__index = function(s, k) return k .. '!' end",
    'index_table': "getmetatable('').__index = {len = function() return 'mine' end}",
}

BODIES = {
    'field_then_call': "local s = '  a ' local f = s.trim return type(f), f and f(s)",
    'library_fields': "return ('x').len == string.len, ('x').nope, ('x')['upper'] == string.upper",
    'unknown_field': "return ('x').foo, ('x')['bar']",
    'field_call': "local s = 'abc' return s.len(s)",
    'in_a_coroutine': "local co = coroutine.wrap(function(s) coroutine.yield(s.len) "
                      "return s.trim end) local a = co('x') return a == string.len, co() ~= nil",
}


def outcome(lua, f):
    try:
        return ('ok', f())
    except tandem.LuaError as e:
        return ('err', re.sub(r'<lua:\d+>', '<lua>', str(e)))


@pytest.mark.parametrize('setup', sorted(SETUPS))
@pytest.mark.parametrize('body', sorted(BODIES))
def test_string_field(setup, body):
    src = "return function()\n " + BODIES[body] + "\nend"
    got = []
    for translated in (False, True):
        lua = tandem.LuaRuntime()
        f = lua.execute(src)
        lua.execute(SETUPS[setup])
        if translated:
            f = lua.translate(f)
        got.append(outcome(lua, f))
    assert got[0] == got[1]


def test_a_change_between_calls_is_seen():
    lua = tandem.LuaRuntime()
    f = lua.translate(lua.execute("return function() return type(('x').shout) end"))
    assert f() == 'nil'
    lua.execute("function string.shout(s) return s:upper() end")
    assert f() == 'function'
    lua.execute("string.shout = nil")
    assert f() == 'nil'
