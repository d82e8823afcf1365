"""Differences found by translating the Lua authors' own test scripts
(../shared/corpus/lua-5.4-testes, run natively and translated whole): each
expression natively and translated, value and type or error message."""

import pytest

import tandem

EXPRS = [
    # math.lua: tonumber with a base takes a '+' sign (b_str2int)
    "tonumber('  +1Z  ', 36)", "tonumber('+10', 2)", "tonumber('+', 10)", "tonumber('+-1', 10)",
    "tonumber('-+1', 10)", "tonumber(' + 1', 10)", "tonumber('  -1z  ', 36)",
    # nextvar.lua: ipairs' iterator wraps past math.maxinteger (luaL_intop)
    "(ipairs({}))({[math.mininteger] = 10}, math.maxinteger)",
    "(ipairs({}))({[3] = 'x'}, 2.0)", "(ipairs({}))({[3] = 'x'}, '2')",
    "math.type((ipairs({}))({[3] = 'x'}, 2.0))",
    # nextvar.lua: table.insert's first empty slot wraps (luaL_intop), bounds as unsigned
    "(function()\n local t = setmetatable({}, {__len = function() return math.maxinteger end})\n"
    " table.insert(t, 20)\n return next(t) end)()",
    "pcall(table.insert, {1, 2, 3}, 7, 1)", "pcall(table.insert, {1, 2, 3}, 0, 1)",
    "pcall(table.insert, {1, 2, 3}, -1, 1)", "pcall(table.remove, {1, 2, 3}, 7)",
    "pcall(table.remove, {1, 2, 3}, -1)", "pcall(table.remove, {1, 2, 3}, 4)",
    "pcall(table.remove, {}, 0)", "pcall(table.remove, {}, -1)",
    # pm.lua 391-397: gsub whose replacements are all nil or false gives the
    # original string (one address for %p); one replacement makes another
    "(function()\n local s = string.rep('a', 100)\n"
    " local r1 = string.gsub(s, 'b', 'c')\n local r2 = string.gsub(s, '.', {x = 'y'})\n"
    " local r3 = string.gsub(s, '(a)', function() return false end)\n"
    " local r4 = string.gsub(s, '%a', {a = 'a'})\n local r5 = string.gsub(s, 'a*', {})\n"
    " local p = string.format('%p', s)\n"
    " return p == string.format('%p', r1), p == string.format('%p', r2),\n"
    "  p == string.format('%p', r3), p == string.format('%p', r4), p == string.format('%p', r5),\n"
    "  r4 == s end)()",
    # strings.lua 183-192: short strings are interned (one address for %p),
    # long ones are not
    "(function()\n local f = string.format\n"
    " local s1, s2, s3 = string.rep('a', 10), string.rep('aa', 5), string.rep('b', 10)\n"
    " local l1, l2 = string.rep('a', 300), string.rep('a', 300)\n"
    " local m1, m2 = string.rep('x', 40), string.rep('xx', 20)\n"
    " return f('%p', s1) == f('%p', s2), f('%p', s1) ~= f('%p', s3),\n"
    "  f('%p', l1) ~= f('%p', l2), f('%p', l1) == f('%p', l1), f('%p', m1) == f('%p', m2),\n"
    "  f('%p', 1), f('%p', nil), f('%p', s1) ~= f('%p', {}) end)()",
    # found by luaback_fuzz.py (seed 2821): Lua codes x - 0 as x + (-0)
    # (OP_ADDI), so a float -0.0 gives 0.0; other constants, a float 0.0,
    # a string operand and a metamethod keep the subtraction
    "(function()\n local x, s = -0.0, '-0.0'\n local Z <const> = 0\n"
    " local t = setmetatable({}, {__sub = function(a, b) return 'sub' .. tostring(b) end})\n"
    " return tostring(x - 0), tostring(x - (0)), tostring(x - Z), tostring(x - (1 - 1)),\n"
    "  tostring(x - 0.0), tostring(x - 1 + 1), tostring(s - 0), t - 0, tostring(0 - x),\n"
    "  math.type(x - 0), tostring(-0.0 - 0) end)()",
    # vararg.lua: a local named 'call' (test_luaback_names.py)
    "(function()\n local call =\n function(f, ...) return f(...) end\n return call(math.max, 3, 9) end)()",
]


@pytest.mark.parametrize("expr", EXPRS)
def test_found_by_the_lua_test_scripts(expr):
    lua = tandem.LuaRuntime()
    f = lua.execute("return function()\n return %s\nend" % expr)
    pf = lua.translate(f)

    def run(g):
        try:
            r = g()
            return ("ok", r, type(r))
        except tandem.LuaError as e:
            return ("err", str(e))
    assert run(pf) == run(f)
