"""Lua operators on Python objects in translated code (issue 10): native Lua
runs the bridge's metamethods for Python objects (every arithmetic, bitwise,
concatenation, comparison and call event: Python's operator, its exception as
the error value); translated code runs the same operation and gives the same
answers and the same errors. Every case runs natively and translated (two
runtimes loading the same chunk) and compares the texts of
`pcall(operation)`: ok, type and tostring of the value."""

import re

import pytest

import tandem
from luaback_outcome import LUA_SHOW

CHUNK = r'''
return load([[
local M = {}
local BIN = {
  function (a, b) return a + b end, function (a, b) return a - b end,
  function (a, b) return a * b end, function (a, b) return a / b end,
  function (a, b) return a // b end, function (a, b) return a % b end,
  function (a, b) return a ^ b end, function (a, b) return a & b end,
  function (a, b) return a | b end, function (a, b) return a ~ b end,
  function (a, b) return a << b end, function (a, b) return a >> b end,
  function (a, b) return a .. b end, function (a, b) return a == b end,
  function (a, b) return a ~= b end, function (a, b) return a < b end,
  function (a, b) return a <= b end, function (a, b) return a > b end,
  function (a, b) return a >= b end,
  function (a, b) return 'x' .. a .. b .. 1 end,
  function (a, b) return (a + 1) .. (b * 2) end,
}
local UN = {
  function (a) return -a end, function (a) return ~a end, function (a) return a() end,
  function (a) return a(1, 'two') end, function (a) return not a end,
}
''' + LUA_SHOW + r'''local function all(a, b)
  local out = {}
  for i, f in ipairs(BIN) do out[#out + 1] = i .. ' ' .. show(pcall(f, a, b)) end
  for i, f in ipairs(UN) do out[#out + 1] = 'u' .. i .. ' ' .. show(pcall(f, a)) end
  return table.concat(out, '\n')
end
function M.ops(a, b) return all(a, b) end
-- a table made by the (translated) code as the other operand
function M.with_table(a)
  local t = setmetatable({1, 2}, {__add = function (x, y) return 'tadd' end,
                                  __concat = function (x, y) return 'tcat' end,
                                  __eq = function () return true end,
                                  __lt = function () return true end})
  local plain = {7}
  return all(a, t) .. '\n' .. all(t, a) .. '\n' .. all(a, plain) .. '\n' .. all(plain, a)
end
-- the same operations inside a coroutine (a generator body runs them)
function M.in_coroutine(a, b)
  local co = coroutine.wrap(function (x, y)
    coroutine.yield()
    return all(x, y), x + y, x == y
  end)
  co(a, b)
  return co()
end
-- results of operators used further
function M.chain(a, b)
  local s = a + b
  local ok, e = pcall(function () return s + 1 end)
  return type(s), tostring(s), ok, tostring(e), a == a, rawequal(a, b), (a < b) and 'lt' or 'ge'
end
return M
]])()
'''


class V:
    """A Python object with some operators, an __eq__ and truthiness."""

    def __init__(self, x):
        self.x = x

    def __add__(self, o):
        return ('add', self.x, o if isinstance(o, (int, float, str, bytes)) else type(o).__name__)

    def __radd__(self, o):
        return ('radd', self.x, o if isinstance(o, (int, float, str, bytes)) else type(o).__name__)

    def __mul__(self, o):
        return self.x * 10

    def __eq__(self, o):
        return isinstance(o, V) and o.x == self.x

    __hash__ = object.__hash__

    def __lt__(self, o):
        return 'yes'

    def __le__(self, o):
        return 0

    def __neg__(self):
        return 'neg'

    def __invert__(self):
        return ['inv']

    def __call__(self, *a):
        return ('called',) + a

    def __str__(self):
        return 'V(%r)' % (self.x,)


class Bare:
    """No operators at all (every one raises Python's TypeError)."""

    def __str__(self):
        return 'Bare'


def runtimes(**kw):
    ln = tandem.LuaRuntime(**kw)
    lt = tandem.LuaRuntime(**kw)
    key = (lambda n: n.encode()) if kw.get('encoding', 'UTF-8') is None else (lambda n: n)
    return ln.execute(CHUNK), lt.execute(CHUNK), lt, key


def check(name, *args, **kw):
    Mn, Mt, lt, key = runtimes(**kw)
    nat = Mn[key(name)](*args)
    tr = lt.translate(Mt[key(name)])(*args)
    if nat != tr:
        nl = nat.split('\n') if isinstance(nat, str) else nat
        tl = tr.split('\n') if isinstance(tr, str) else tr
        diff = [(x, y) for x, y in zip(nl, tl) if x != y]
        assert nat == tr, diff[:5]
    return nat


# operands: Python objects with and without the operations, mixed with
# numbers and strings, both orders
PAIRS = [
    ([1], 2), (2, [1]), ([1], [1]), ([1], [2]), ([1], 'x'), ('x', [1]), ('10', [1]),
    ([1], 2.5), ((1, 2), (3,)), ({'a': 1}, {'a': 1}),
    (V(1), 3), (3, V(1)), (V(1), V(1)), (V(1), V(2)), (V(1), 's'), ('s', V(1)), (V(1), 2.5),
    (V(1), [1]), ([1], V(1)), (V(1), True), (None, V(1)),
    (Bare(), 1), (1, Bare()), (Bare(), Bare()), ('s', Bare()), (Bare(), V(3)),
    (len, 1), (len, len), (len, [1]),
]


@pytest.mark.parametrize('a,b', PAIRS, ids=[repr(p) for p in range(len(PAIRS))])
def test_every_operator_native_vs_translated(a, b):
    out = rows(check('ops', a, b))
    assert len(out) == 26 and 'u5' in out


def rows(out):
    """{'1': '<ok> <n> <type>:<tostring>', ...}: the first line of each
    operation's outcome (an exception's text continues on further lines)."""
    return dict(re.findall(r'^(u?\d+) (.*)$', out, re.M))


def test_python_errors_are_the_exception_objects():
    out = rows(check('ops', [1], 2))
    assert out['2'].startswith('false 1 userdata:TypeError: unsupported operand')  # [1] - 2
    assert out['3'] == 'true 1 userdata:[1, 1]'                                     # [1] * 2
    assert out['14'] == 'true 1 boolean:false'                                      # ==
    assert out['u3'] == "false 1 userdata:TypeError: 'list' object is not callable"
    out = rows(check('ops', V(1), V(1)))
    assert out['14'] == 'true 1 boolean:true'     # Python's __eq__
    assert out['16'] == 'true 1 boolean:true'     # __lt__ 'yes'
    assert out['17'] == 'true 1 boolean:false'    # __le__ 0
    assert out['u4'] == "true 1 userdata:('called', 1, 'two')"


def test_translated_tables_as_the_other_operand():
    check('with_table', V(1))
    check('with_table', [1])
    check('with_table', Bare())


def test_in_a_coroutine():
    check('in_coroutine', V(1), 2)
    check('in_coroutine', [1], [1])
    check('in_coroutine', 'x', V(1))


def test_results_used_further():
    assert check('chain', V(1), 2)[:2] == ('userdata', "('add', 1, 2)")
    check('chain', [1], [2])


@pytest.mark.parametrize('kw', [dict(unpack_returned_tuples=True), dict(encoding='latin-1'),
                                dict(encoding=None)])
def test_runtime_options(kw):
    check('ops', V(1), 'h\u00e9', **kw)
    check('ops', 'h\u00e9', [1], **kw)
    check('ops', V(1), b'\xff', **kw)
    check('ops', V(1), V(1), **kw)
