"""Lua indexing of Python objects in translated code (issue 10): `o.x`,
`o[k]`, `o.x = v` and `o:m(...)` on a Python object run the bridge's rules
(the runtime's attribute handlers and filter, items for objects with
__getitem__, attributes otherwise, method answers) directly in translated
code, without a trip into Lua (_tandem._index, _luabound._pyc_index and
_pyc_mlook). Every case runs natively and translated (two runtimes loading
the same chunk, made with the same options) and compares the texts of
`pcall(operation)`: ok, count, type and tostring of each value, addresses
masked."""

import math
import re

import pytest

import tandem
from luaback_outcome import LUA_SHOW

CHUNK = r'''
return load([[
local M = {}
''' + LUA_SHOW + r'''local function run(fs, ...)
  local out = {}
  for i, f in ipairs(fs) do out[#out + 1] = i .. ' ' .. show(pcall(f, ...)) end
  return table.concat(out, '\n')
end
-- reads with every kind of key
function M.reads(o, ...)
  local keys = table.pack(...)
  local fs = {}
  for i = 1, keys.n do
    local k = keys[i]
    fs[#fs + 1] = function () return o[k] end
    fs[#fs + 1] = function () local v = o[k]; return type(v), v == o[k] end
  end
  -- integer keys the translation knows are integers (a loop's index, a
  -- constant below 1): the object is not a table
  for i = -1, 2 do fs[#fs + 1] = function () return o[i], o[i + 1] end end
  fs[#fs + 1] = function () return o[0], o[-1] end
  fs[#fs + 1] = function () return o['\xff'] end
  fs[#fs + 1] = function () return o[{1}] end
  fs[#fs + 1] = function () return o[o] end
  return run(fs)
end
-- the names of an object with attributes, as written in Lua code
function M.attrs(o)
  return run({
    function () return o.x end,
    function () return o.x + 1, o.s .. '!', #o.s end,
    function () return o.big end,
    function () return o.t end,
    function () return o.b end,
    function () return o.n.x, o.n.n end,
    function () return o.missing end,
    function () return o.prop end,
    function () return o.lt end,
    function () return o.cb(1, 2) end,
    function () return o:cb(1) end,
    function () return o.i end,
    function () return type(o.i), math.type(o.i), o.i + 1 end,
    function () return o.f, o.u end,
    function () return o.lt, type(o.lt), o.lt.k, #o.lt end,
  })
end
-- methods, called every way Lua code calls them
function M.methods(o)
  return run({
    function () return o:m(1) end,
    function () return o.m(1) end,
    function () return o.m(o, 1) end,
    function () return o:m() end,
    function () return o.m() end,
    function () return o:m(o) end,
    function () return o:cm(2) end,
    function () return o.cm(2) end,
    function () return o:sm(3) end,
    function () return o.sm(3) end,
    function () return o:many() end,
    function () return o:str() end,
    function () return o:raises() end,
    function () return o:m(1, 2, 3) end,
    function () return o:echo('h\u{e9}', '\xff', 1.5, nil, true) end,
    function () return o:echo({1, 2}) end,
    function () return o:echo(o, o.n) end,
    function () return o:echo(function () end) ~= nil end,
    function () return o:nothing() end,
    function () return o:big2() end,
    function () local m = o.m; return m(5), type(m) end,
    function () return o.m == o.m, rawequal(o.m, o.m) end,
    function () return o:x() end,
    function () return o:missing() end,
    function () return o.n:m(7) end,
    function () return o:cb(9) end,
    function () return o:m(0/0), o:m(-0.0), o:m(math.huge), o:m(true), o:m(nil) end,
    function () return o:m(math.maxinteger), o:m(math.mininteger, 2) end,
    function () local p = o; return o:m(p), p:m(o) end,
  })
end
-- built-in objects and their methods
function M.builtins(d, l, m)
  return run({
    function () return d.a, d['a'], d[1], d[1.0], d[true], d.zz end,
    function () return d:get('a'), d:get('zz', 5), d.get('a') end,
    function () return l[0], l[1], l[-1], l[7] end,
    function () l:append(4); return #l, l[3] end,
    function () return l.append(5), #l end,
    function () return l:index(2), l:count(1) end,
    function () return m.pi, m.sqrt(16), m:sqrt(16) end,
    function () return m.floor(2.5), m.inf, m.nan ~= m.nan end,
    function () return d.keys ~= nil, d:keys() ~= nil end,
  })
end
-- assignments
function M.writes(o, d, l)
  return run({
    function () o.x = 41; return o.x end,
    function () o.s = 'h\u{e9}'; return o.s, type(o.s) end,
    function () o.b = '\xff'; return o.b, type(o.b) end,
    function () o.new = {1, 2}; return type(o.new), o.new[1] end,
    function () o.n2 = o.n; return o.n2 == o.n, rawequal(o.n2, o.n) end,
    function () o.gone = nil; return o.gone end,
    function () o.prop = 1 end,
    function () o[1] = 2 end,
    function () d.k = 'v'; d[2] = 3.5; d[true] = false; return d.k, d[2], d[true] end,
    function () l[0] = 'z'; return l[0] end,
    function () l[99] = 1 end,
    function () o.f = function (a) return a * 2 end; return o.f(21) end,
  })
end
-- a parameter used with an integer constant (n - 1): the entry has a typed
-- version for integer n, where the other parameters enter as they do in
-- the generic one
function M.typed(l, t, o, n)
  local s = 0
  for i = 0, n - 1 do s = s + l[i % 3] + t[i % 2 + 1] + o.x end
  return s, #t, l[n % 3]
end
-- inside a coroutine (the generator bodies' paths)
function M.in_coroutine(o)
  local co = coroutine.wrap(function ()
    coroutine.yield()
    return o.x, o:m(4), o.n.x, o:echo('s'), o.missing
  end)
  co()
  return show(pcall(co))
end
return M
]])()
'''


class Node:
    def __init__(self, x):
        self.x = x
        self.n = None

    def m(self, a=0):
        return ('node.m', self.x, a)


class Obj:
    """An object with every kind of attribute Lua code reads."""
    big = 2 ** 70
    t = (1, 'two', None)
    b = b'\xffbytes'
    f = 1.5
    u = None

    def __init__(self, lt=None):
        self.x = 10
        self.s = 'h\u00e9'
        self.n = Node(3)
        self.n.n = 'inner'
        self.i = True
        self.cb = lambda *a: ('cb',) + tuple(type(x).__name__ for x in a)
        self.lt = lt

    @property
    def prop(self):
        raise ValueError('no prop')

    def m(self, a=None, *more):
        return ('m', a if isinstance(a, (int, float, str, type(None))) else type(a).__name__,
                len(more))

    @classmethod
    def cm(cls, a=None):
        return ('cm', cls.__name__, a if not isinstance(a, Obj) else 'obj')

    @staticmethod
    def sm(*a):
        return ('sm', len(a))

    def many(self):
        return 1, 'x', None

    def str(self):
        return 'str\u00e9'

    def raises(self):
        raise KeyError('k')

    def echo(self, *a):
        return '|'.join(type(x).__name__ + ':' + (x if isinstance(x, str) else repr(x))
                        for x in a if not isinstance(x, (Obj, Node))) + ':%d' % len(a)

    def nothing(self):
        pass

    def big2(self):
        return -2 ** 64


def runtimes(**kw):
    ln = tandem.LuaRuntime(**kw)
    lt = tandem.LuaRuntime(**kw)
    key = (lambda n: n.encode()) if kw.get('encoding', 'UTF-8') is None else (lambda n: n)
    return (ln, ln.execute(CHUNK)), (lt, lt.execute(CHUNK)), key


def unaddr(s):
    return re.sub(r'0x[0-9a-f]+', 'ADDR', s)


def check(name, make_args, **kw):
    """make_args(runtime) -> the arguments (fresh objects for each side)."""
    (ln, Mn), (lt, Mt), key = runtimes(**kw)
    nat = Mn[key(name)](*make_args(ln))
    tr = lt.translate(Mt[key(name)])(*make_args(lt))
    if isinstance(nat, bytes):
        nat, tr = nat.decode('latin-1'), tr.decode('latin-1')
    nat, tr = unaddr(nat), unaddr(tr)
    if nat != tr:
        diff = [(x, y) for x, y in zip(nat.split('\n'), tr.split('\n')) if x != y]
        assert nat == tr, diff[:5]
    return nat


def rows(out):
    """{'1': '<ok> <n> <type>:<tostring>', ...}: the first line of each
    operation's outcome (an exception's text continues on further lines)."""
    return dict(re.findall(r'^(\d+) (.*)$', out, re.M))


def obj(lua):
    return Obj(lua.table(k='v', n=1))


OPTIONS = [dict(), dict(encoding=None), dict(encoding='latin-1'),
           dict(unpack_returned_tuples=True),
           dict(overflow_handler=float),
           dict(attribute_filter=lambda o, name, setting: name + '_no'
                if name == 'x' else name),
           dict(attribute_handlers=(lambda o, name: ('got', name) if name != 'm'
                                    else getattr(o, name),
                                    lambda o, name, v: setattr(o, 'w_' + str(name), v)))]
IDS = ['default', 'enc-none', 'latin1', 'unpack', 'overflow', 'filter', 'handlers']


@pytest.mark.parametrize('kw', OPTIONS, ids=IDS)
def test_attribute_reads(kw):
    out = check('attrs', lambda L: (obj(L),), **kw)
    if not kw:
        assert rows(out)['1'] == 'true 1 number:10'
        assert rows(out)['7'].startswith("false 1 userdata:AttributeError: 'Obj' object")


@pytest.mark.parametrize('kw', OPTIONS, ids=IDS)
def test_methods(kw):
    out = check('methods', lambda L: (obj(L),), **kw)
    if not kw:
        assert rows(out)['1'] == "true 1 userdata:('m', 1, 0)"


@pytest.mark.parametrize('kw', OPTIONS, ids=IDS)
def test_reads_of_every_key(kw):
    keys = ('x', 'm', 1, 2.5, True, 'h\u00e9')
    check('reads', lambda L: (obj(L),) + keys, **kw)
    # (True and 1 are one key of a dict: the value is the last written)
    check('reads', lambda L: ({'x': 1, 1: 't', 2.5: 'f', 'h\u00e9': 2},) + keys, **kw)
    check('reads', lambda L: ([10, 20, 30],) + keys, **kw)
    check('reads', lambda L: ((1, 2),) + keys, **kw)
    check('reads', lambda L: ('a string',) + keys, **kw)
    check('reads', lambda L: (math,) + keys, **kw)
    check('reads', lambda L: (tandem.as_attrgetter({'x': 1}),) + keys, **kw)
    check('reads', lambda L: (tandem.as_itemgetter(obj(L)),) + keys, **kw)


@pytest.mark.parametrize('kw', OPTIONS, ids=IDS)
def test_builtin_objects(kw):
    check('builtins', lambda L: ({'a': 1, 1: 'b'}, [1, 2, 3], math), **kw)


@pytest.mark.parametrize('kw', OPTIONS, ids=IDS)
def test_writes(kw):
    made = []

    def args(L):
        o, d, lst = obj(L), {}, [1]
        made.append((o, d, lst))
        return o, d, lst
    check('writes', args, **kw)
    (on, dn, ln), (ot, dt, lt) = made
    assert dn == dt and ln == lt

    def plain(o):
        # the attributes written, but Lua objects and the nodes
        return {k: v for k, v in vars(o).items()
                if tandem.lua_type(v) is None and not isinstance(v, Node) and k != 'cb'}
    assert plain(on) == plain(ot)
    n2 = 'w_n2' if 'attribute_handlers' in kw else 'n2'
    assert repr(getattr(on, n2)) == repr(getattr(ot, n2)).replace(hex(id(ot.n)), hex(id(on.n)))
    if 'attribute_handlers' not in kw:
        assert getattr(on, n2) is on.n and getattr(ot, n2) is ot.n


@pytest.mark.parametrize('kw', OPTIONS[:2], ids=IDS[:2])
def test_in_a_coroutine(kw):
    check('in_coroutine', lambda L: (obj(L),), **kw)


def test_translated_code_indexes_without_a_trip_into_lua():
    """The direct path is taken: no call of the bridge's index helper."""
    from tandem import _luabound
    lua = tandem.LuaRuntime()
    f = lua.execute('return function (o) return o.x + o:m(1)[1] + #o.s end')
    tf = lua.translate(f)
    calls = []
    real = _luabound._pyc_op
    _luabound._pyc_op = lambda *a: calls.append(a) or real(*a)
    try:

        class P:
            x = 1
            s = 'abc'

            def m(self, a):
                return [a, 2]
        assert tf(P()) == f(P()) == 1 + 2 + 3
    finally:
        _luabound._pyc_op = real
    assert calls == []


@pytest.mark.parametrize('n', [3, 3.0, '3', 2 ** 40])
def test_typed_entry_converts_the_other_parameters(n):
    """The entry's typed version (n an int) once used a Python list and a
    Lua table passed in unconverted: "attempt to index a userdata value"."""
    (ln, Mn), (lt, Mt), _ = runtimes()
    if n == 2 ** 40:
        n = 7       # (a loop of 2**40 steps: only the type matters here)
    args = lambda L: ([1, 2, 3], L.table(10, 20), Obj(), n)    # noqa: E731

    def run(f, a):
        try:
            r = f(*a)
            return ('ok', r, [type(x) for x in r])
        except Exception as e:  # noqa: BLE001  compared, not swallowed
            return ('raise', type(e).__name__, unaddr(str(e)).split('\n')[0])
    nat = run(Mn.typed, args(ln))
    tr = run(lt.translate(Mt.typed), args(lt))
    assert tr == nat
    assert nat[0] == ('raise' if isinstance(n, float) else 'ok'), nat     # l[0.0]: TypeError


def test_luart_functions_leave_as_lua_functions():
    """A function of luart that is not a library function (a coroutine.wrap
    function, a gmatch or ipairs iterator) leaves translated code as a Lua
    function, as natively (it crossed as a Python function: a str argument
    reached its body as a Python object). Found by luaback_fuzz --objects."""
    lua = tandem.LuaRuntime()
    f = lua.execute('return function (py)\n'
                    '  local w = coroutine.wrap(function (a) coroutine.yield(type(a), a .. "!") return 2 end)\n'
                    '  return py(w, string.gmatch("a b", "%a"), (ipairs({})), w), w\n'
                    'end')
    tf = lua.translate(f)

    def py(*fs):
        return ','.join(type(x).__name__ for x in fs) + ':' + repr(fs[0] is fs[3])
    nat, tr = f(py), tf(py)
    assert nat[0] == tr[0] == '_LuaFunction,_LuaFunction,_LuaFunction,_LuaFunction:True'
    assert tandem.lua_type(tr[1]) == 'function'
    assert nat[1]('x') == tr[1]('x') == ('string', 'x!')
    assert nat[1]() == tr[1]() == 2


def test_a_coroutine_of_translated_code_does_not_leave_it():
    """A coroutine made by translated code is a luart object, not the Lua
    thread native code gives: leaving translated code (a result, an argument
    of a Python callable, a value stored into a Python object), it is
    refused (NotImplementedError), not a different object."""
    lua = tandem.LuaRuntime()
    cases = [('return function () return coroutine.create(print) end', lambda: ()),
             ('return function (py) return py(coroutine.create(print)) end',
              lambda: (lambda co: co,)),
             ('return function (d) d.co = coroutine.create(print) return d.co end',
              lambda: ({},))]
    for src, args in cases:
        f = lua.execute(src)
        assert tandem.lua_type(f(*args())) == 'thread'
        with pytest.raises(NotImplementedError, match='coroutine made by translated code'):
            lua.translate(f)(*args())


def test_a_nan_reaches_python_as_a_new_float():
    """Every NaN crossing the bridge is a new Python float; luart's NaNs are
    often one object (0/0 is one constant), which a dict key or list.count's
    identity test tells apart: a NaN leaving translated code (a key, a
    value, a call's argument, a result) is a new float too. Found by
    luaback_fuzz --objects (PD[0/0] = v twice: two keys natively)."""
    lua = tandem.LuaRuntime()
    f = lua.execute('return function (d, l, add, count, same)\n'
                    '  local n = 0/0\n'
                    '  d[n] = 1; d[0/0] = 2; d.x = n; l[0] = n\n'
                    '  add(n); add(d.x)\n'
                    '  return count(n), same(n, n), n, n\n'
                    'end')
    tf = lua.translate(f)

    def run(fn):
        d, lst = {}, [None]
        r = fn(d, lst, lst.append, lst.count, lambda a, b: a is b)
        return len(d), len(lst), r[0], r[1], r[2] is r[3]
    assert run(f) == run(tf) == (3, 3, 0, False, False)


class BigSub:
    """An operator whose result is past 64 bits: the bridge keeps it a
    Python int object in Lua."""

    def __sub__(self, o):
        return 5 - o


@pytest.mark.parametrize('kw', [dict(), dict(overflow_handler=float)], ids=['default', 'overflow'])
def test_ints_past_64_bits(kw):
    """An int past 64 bits reaches translated code as native Lua sees it:
    an argument from Python as the bridge converts it (OverflowError, or
    the overflow handler's value); one Lua holds as a Python object (an
    operator's result, a Lua table's field) as that object (type userdata,
    tostring, math.type nil; it crossed as a Lua integer past 64 bits);
    back to Python as the int. Found by luaback_fuzz --objects
    (math.sqrt(PN - math.mininteger))."""
    lua = tandem.LuaRuntime(**kw)
    f = lua.execute('return function (o, t, x)\n'
                    '  local v = o - math.mininteger\n'
                    '  t.v = v\n'
                    '  return type(v), math.type(v), tostring(v), pcall(math.sqrt, v),\n'
                    '    type(t.v), rawequal(t.v, v), math.type(x), v\n'
                    'end')
    tf = lua.translate(f)

    def run(fn, x):
        try:
            return fn(BigSub(), lua.table(), x)
        except OverflowError as e:
            return 'OverflowError', str(e)
    for x in (1, 2 ** 70):
        nat, tr = run(f, x), run(tf, x)
        assert [str(v) for v in nat] == [str(v) for v in tr]
    if not kw:
        assert run(tf, 1)[:3] == ('userdata', None, '9223372036854775813')
        assert run(tf, 2 ** 70)[0] == 'OverflowError'
    else:
        assert run(tf, 2 ** 70)[6] == 'float'
