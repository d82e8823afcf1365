"""Indexing through __index in translated Lua code (luart's index: the
function and class-table shapes it takes first, and every other shape
through the general chain), native vs translated, compared as one string
of tagged values."""

import pytest

import tandem

SHOW = r'''
local function show(...)
  local out = {}
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    out[#out + 1] = math.type(v) or type(v) == 'table' and 'table' or type(v)
    out[#out + 1] = type(v) == 'table' and '' or tostring(v)
  end
  return table.concat(out, ' ')
end
'''

CASES = {
    # an __index function: one result, several (the first), none (nil)
    'fn_results': '''
        local t = setmetatable({}, {__index = function (s, k)
          if k == 'two' then return 1, 2 elseif k == 'none' then return end
          return rawequal(s, s) and k .. '!' end})
        return show(t.a, t.two, t.none, t[1], t[2.5], (t.two))''',
    # a class table one level up, a miss there, inheritance two levels up,
    # a class whose own __index is a function, int and float keys
    'classes': '''
        local Base = {greet = function () return 'base' end, [1] = 'one'}
        Base.__index = Base
        local Mid = setmetatable({mid = 'm'}, Base)
        Mid.__index = Mid
        local Fn = setmetatable({}, {__index = function (_, k) return 'fn:' .. tostring(k) end})
        Fn.__index = Fn
        local a, b, c = setmetatable({}, Mid), setmetatable({}, Fn), setmetatable({}, Base)
        return show(a.mid, a.greet(), a.nothing, a[1], a[1.0], b.x, b[2], c.mid, c[1], c.greet())''',
    # methods through a class: o:m() with self, a missing method's error
    'methods': '''
        local P = {}
        P.__index = P
        function P.new(x) return setmetatable({x = x}, P) end
        function P:get() return self.x end
        local p = P.new(4)
        local ok, e = pcall(function () return p:missing() end)
        return show(p:get(), P.new(5):get(), ok, (e:gsub('^.-:%d+: ', '')))''',
    # a value false in the class is found (not nil), nil in the object
    # falls to the class, an __index that is a string (its methods)
    'falsy_and_strings': '''
        local C = {f = false, z = 0}
        C.__index = C
        local o = setmetatable({z = nil}, C)
        local s = setmetatable({}, {__index = 'abc'})
        local ok, e = pcall(function () return s.len end)
        return show(o.f, o.z, type(ok and e))''',
    # a loop in the __index chain: Lua's error
    'chain_loop': '''
        local a, b = {}, {}
        setmetatable(a, {__index = b})
        setmetatable(b, {__index = a})
        local ok, e = pcall(function () return a.x end)
        return show(ok, (tostring(e):gsub('^.-:%d+: ', '')))''',
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_index_shapes(name):
    src = SHOW + 'return function ()\n' + CASES[name] + '\nend'
    outs = []
    for tr in (False, True):
        lua = tandem.LuaRuntime()
        f = lua.execute(src, name='=idx')
        if tr:
            f = lua.translate(f)
        outs.append(f())
    assert outs[0] == outs[1]
    assert EXPECT[name] in outs[0]


# a part of each native answer: the case ran the shape it names
EXPECT = {
    'fn_results': 'string a! integer 1 nil nil string 1! string 2.5! integer 1',
    'classes': 'string m string base nil nil string one string one string fn:x string fn:2 nil',
    'methods': 'integer 4 integer 5 boolean false',
    'falsy_and_strings': 'boolean false integer 0 string function',
    'chain_loop': "chain too long; possible loop",
}
