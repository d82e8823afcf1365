"""String arithmetic in Lua -> Python translation under a string metatable
the program changed (docs/translation.md "Values at the boundary",
tandem/_luastrmt.py). Lua 5.4 runs arithmetic on strings through the
string metatable's metamethods; luart did the library's coercion by itself
whatever the runtime's metatable held: `"10" + 1` gave 11 where a program's
own `__add` answers, and bitwise operators on strings raised where
`bwcoercion.lua` (Lua's tests) gives them metamethods. Each case natively
and translated in separate runtimes (the change is made natively, before
or after the translation)."""

import pytest

import tandem

from test_luaback_fast import both

SETUP = {
    'custom_add': "getmetatable('').__add = function(a, b) return 'added' end",
    'custom_unm': "getmetatable('').__unm = function(a) return 'negated' end",
    'removed_sub': "getmetatable('').__sub = nil",
    'bitwise': """local mt = getmetatable('')
local function toint(x) local n = tonumber(x) return n and math.tointeger(n) end
mt.__band = function(a, b) return toint(a) & toint(b) end
mt.__bor = function(a, b) return toint(a) | toint(b) end
mt.__bnot = function(a) return ~toint(a) end
mt.__shl = function(a, b) return toint(a) << toint(b) end""",
    'none': "",
}

EXPRS = {
    'add': "return function(a) return a + 1, 1 + a, P(function() return a + {} end) end",
    'unm': "return function(a) return P(function() return -a end) end",
    'sub': "return function(a) return P(function() return a - 1 end) end",
    'mul_float': "return function(a) return a * 2.5, 2.5 * a end",
    'band': "return function(a) return P(function() return a & 6, 6 | a, ~a, a << 1 end) end",
    'table_first': "return function(a) local t = setmetatable({}, {__add = function() "
                   "return 'table' end}) return t + a, a + t end",
}


# pcall with the chunk's name taken out of messages (the runtimes differ)
P = ("local function P(f, ...)\n local r = table.pack(pcall(f, ...))\n"
     " if not r[1] then r[2] = (tostring(r[2]):gsub('^<lua:%d+>:', '')) end\n"
     " return table.unpack(r, 1, r.n)\nend\n")


@pytest.mark.parametrize('expr', sorted(EXPRS))
@pytest.mark.parametrize('setup', sorted(SETUP))
def test_string_arithmetic(setup, expr):
    src = SETUP[setup] + "\n" + P + EXPRS[expr]
    both(src, calls=[('10',), ('0x7',)], separate=True)


def test_changed_after_translation():
    lua = tandem.LuaRuntime()
    f = lua.execute("return function(a) return a + 1 end")
    pf = lua.translate(f)
    assert pf('10') == f('10') == 11
    lua.execute("getmetatable('').__add = function(a, b) return 'mine' end")
    assert pf('10') == f('10') == 'mine'
    lua.execute("getmetatable('').__add = nil")
    with pytest.raises(tandem.LuaError, match='attempt to perform arithmetic on a string'):
        pf('10')


def test_plain_numbers_do_not_ask(monkeypatch):
    # luart's own path for numbers: the lookup runs only with a string operand
    from tandem.luart import _core
    lua = tandem.LuaRuntime()
    pf = lua.translate(lua.execute("return function(a, b) return a + b, a * b end"))
    asked = []
    real = _core.STRMT      # (installed when tandem._luabound is imported)

    def counting(ev):
        asked.append(ev)
        return real(ev)
    monkeypatch.setattr(_core, 'STRMT', counting)
    assert pf(2.5, 4) == (6.5, 10.0)
    assert asked == []
    assert pf('2', 4) == (6, 8)
    assert asked == [b'__add', b'__mul']
