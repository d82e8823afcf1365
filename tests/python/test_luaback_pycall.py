"""Python callables called by translated code (issue 10): what translated
code sees of the call is what the native Lua function sees through the
bridge (docs/translation.md "Python callables called by translated code").
Every case runs natively and translated and compares value and type:
results of every kind, the arguments the callable receives, errors it raises,
reached through a global, an upvalue, a table field, a method call, pcall and
inside a coroutine."""

import pytest

import tandem
import tandem._luaback  # (imported first: it imports _luabound)
from tandem import _luabound

CHUNK = r'''
return load([[
local function desc(...)
  local n = select('#', ...)
  local out = {n}
  for i = 1, n do
    local v = select(i, ...)
    local t = type(v)
    if t == 'userdata' then out[#out + 1] = v      -- the Python object itself
    elseif t == 'table' then out[#out + 1] = 'table#' .. #v .. ':' .. tostring(v[1])
    else out[#out + 1] = t .. ':' .. tostring(v) end
  end
  return table.unpack(out, 1, n + 1)
end
local up
local T = {}
local M = {}
function M.set(f) up = f; T.f = f; PYF = f end
function M.via_global(...) return desc(PYF(...)) end
function M.via_upvalue(...) return desc(up(...)) end
function M.via_field(...) return desc(T.f(...)) end
function M.via_arg(f, ...) return desc(f(...)) end
function M.via_method(...)
  local o = {m = up}
  return desc(o:m(...))
end
function M.via_pcall(...) return desc(pcall(up, ...)) end
function M.via_coroutine(...)
  local co = coroutine.create(function (...)
    local a = coroutine.yield()
    return desc(up(a, ...))
  end)
  coroutine.resume(co, ...)
  return select(2, coroutine.resume(co, 'resumed'))
end
function M.via_wrap(...)
  return coroutine.wrap(function (...) return desc(up(...)) end)(...)
end
function M.single(...) local s = up(...); return s, type(s) end
function M.concat(...) return up(...) .. '!' end
function M.len(...) return #up(...) end
function M.args()
  local t = {1, 2, x = 'y', gone = 'g', sub = {'s'}}
  up('a', 'h\u{e9}', '\xff', 1, 2.5, nil, true, false, t, t, t.sub, 2^63, math.mininteger)
  return t.x, t[1], t[2], t[3], #t, t.sub[1], t.sub[2], rawlen(t.sub), t.new == t.sub, t.gone
end
function M.callback()
  return up(function (a, b) return a .. '|' .. tostring(b), type(a) end)
end
function M.typeof() return type(up), type(PYF), rawequal(up, T.f), up == PYF end
function M.err_pcall()
  local ok, e = pcall(up)
  return ok, type(e), e
end
function M.err_field()
  local ok, e = pcall(up)
  return ok, type(e), type(e) == 'table' and e.code or e
end
function M.err_rethrow() local ok, e = pcall(up); error(e) end
function M.err_plain() local s = up(); return 'not reached' end
function M.err_coroutine()
  local co = coroutine.create(function () coroutine.yield(1); return up() end)
  coroutine.resume(co)
  local ok, e = coroutine.resume(co)
  return ok, type(e), e, coroutine.status(co)
end
function M.sort()
  local c = {'b', 'c', 'a', 'e', 'd'}
  table.sort(c, up)
  return table.concat(c, ',')
end
function M.enc()
  local t = {k = '\195\169'}
  local r = up('\195\169', t, '\233')
  return type(r) == 'string', type(r) == 'userdata', r == '\195\169', r == '\233',
    type(r) == 'string' and #r, t.k == '\233', t.k == '\195\169'
end
function M.objops(o)
  o.y = 'v'
  local t = setmetatable({}, {__index = o})
  local ok, e = pcall(function () return #o end)
  return o.x, o:m(2), o.y, t.x, ok, e, type(o.m), type(o)
end
function M.objres()
  local r = up()
  local ok3, e = pcall(up)
  local ok1, n = pcall(function () return #r end)
  local ok2, v = pcall(function () return r[1] end)
  return type(r), tostring(r), ok1, n, ok2, v, rawequal(r, up()), tostring(e)
end
function M.raiser() error({code = 7}) end
function M.tostr() return tostring(up) == tostring(PYF), type(tostring(up)), tostring(up) end
function M.libs()
  local out = {}
  for _, f in ipairs({
      function () return string.gsub('abc', '%w', up) end,
      function () return coroutine.create(up) end,
      function () return xpcall(error, up) end,
      function () return select('#', pcall(up, 1, 2)) end}) do
    local ok, e = pcall(f)
    out[#out + 1] = tostring(ok) .. ' ' .. tostring(e)
  end
  return table.concat(out, '\n')
end
return M
]])()
'''

RESULTS = ['abc', 'h\u00e9', b'by', b'\xff', b'', 1, -2**63, 2.5, float('inf'), True, False,
           None, (1, 'x'), (), (None,), [1, 2], {'a': 1}, object]
ROUTES = ['via_global', 'via_upvalue', 'via_field', 'via_arg', 'via_method', 'via_pcall',
          'via_coroutine', 'via_wrap']


def runtimes(**kw):
    """(native M, translated M) over two runtimes made alike."""
    ln = tandem.LuaRuntime(**kw)
    lt = tandem.LuaRuntime(**kw)
    Mn = ln.execute(CHUNK)
    Mt = lt.execute(CHUNK)
    key = (lambda n: n.encode()) if kw.get('encoding', 'UTF-8') is None else (lambda n: n)

    class Nat:
        def __getattr__(self, name):
            return Mn[key(name)]

    class Tr:
        def __getattr__(self, name):
            return lt.translate(Mt[key(name)])

    class Raw:
        def __getattr__(self, name):
            return Mt[key(name)]
    return Nat(), Tr(), Raw()


def norm(v):
    if isinstance(v, float) and v != v:
        return 'nan'
    return (type(v).__name__, v)


def both(Mn, Mt, name, *args):
    out = []
    for M in (Mn, Mt):
        try:
            r = getattr(M, name)(*args)
            out.append(('ok', [norm(x) for x in r] if isinstance(r, tuple) else norm(r)))
        except Exception as e:  # noqa: BLE001  compared, not swallowed
            out.append(('raise', type(e).__name__, str(e)))
    return out


@pytest.mark.parametrize('unpack', [False, True])
@pytest.mark.parametrize('route', ROUTES)
def test_results_every_type(route, unpack):
    Mn, Mt, _ = runtimes(unpack_returned_tuples=unpack)
    for ret in RESULTS:
        def f(*a, ret=ret):
            return ret
        Mn.set(f)
        Mt.set(f)
        args = (f,) if route == 'via_arg' else ()
        nat, tr = both(Mn, Mt, route, *args)
        assert tr == nat, (route, ret)


@pytest.mark.parametrize('route', ROUTES)
def test_results_several(route):
    # several results only exist with unpack_returned_tuples (lupa's option)
    Mn, Mt, _ = runtimes(unpack_returned_tuples=True)
    for ret in [(1, 'x', None), ('a', b'b'), (None, None), ((1, 2), [3]), (None,), ()]:
        def f(*a, ret=ret):
            return ret
        Mn.set(f)
        Mt.set(f)
        args = (f,) if route == 'via_arg' else ()
        nat, tr = both(Mn, Mt, route, *args)
        assert tr == nat, (route, ret)


def test_arguments_as_the_bridge_passes_them():
    Mn, Mt, _ = runtimes()
    seen = []

    def rec(*a):
        got = []
        for x in a:
            if tandem.lua_type(x) == 'table':
                got.append(('table', sorted((str(k), str(v) if tandem.lua_type(v) is None else
                                             sorted(map(str, v.values())))
                                            for k, v in x.items())))
            else:
                got.append(norm(x))
        # a callable that changes the table it is passed: translated code
        # sees the change, as native Lua does
        t = a[8]
        t['x'] = 'changed'
        t[1] = 'one'
        t[3] = 3
        t['gone'] = None
        t['new'] = a[10]
        a[10][2] = 'two'
        same = (a[8] is a[9], a[10] is t['sub'])
        seen.append((got, same))
    for M in (Mn, Mt):
        M.set(rec)
    nat, tr = both(Mn, Mt, 'args')
    assert seen[0] == seen[1]
    assert seen[0][1] == (True, True)
    assert [x[1] for x in seen[0][0][:4]] == ['a', 'h\u00e9', b'\xff', 1]
    assert tr == nat
    assert nat[1] == [('str', 'changed'), ('str', 'one'), ('int', 2), ('int', 3), ('int', 3),
                      ('str', 's'), ('str', 'two'), ('int', 2), ('bool', True), ('NoneType', None)]


def test_callbacks_and_results_that_are_functions():
    Mn, Mt, _ = runtimes()

    def takes(cb):
        # a translated function passed to Python: a Python callable with the
        # bridge's conversions; so is a Python function it returns
        r = cb('x', 2)
        return lambda *a: ('cb', r, a)
    for M in (Mn, Mt):
        M.set(takes)
    nat = Mn.callback()
    tr = Mt.callback()
    assert nat('q') == tr('q') == ('cb', ('x|2', 'string'), ('q',))


def test_type_identity_tostring():
    Mn, Mt, _ = runtimes()

    def f():
        return 1
    for M in (Mn, Mt):
        M.set(f)
    assert Mt.typeof() == Mn.typeof() == ('userdata', 'userdata', True, True)
    assert Mt.tostr() == Mn.tostr() == (True, 'string', str(f))


def test_library_functions_want_lua_functions():
    # a Python callable is not a Lua function for string.gsub,
    # coroutine.create and xpcall's handler (Lua's messages), pcall calls it
    Mn, Mt, _ = runtimes()

    def f(*a):
        return 'x'
    for M in (Mn, Mt):
        M.set(f)
    nat, tr = Mn.libs(), Mt.libs()
    assert tr == nat
    assert nat.count('python_object') == 3 and nat.endswith('true 2')


def test_errors_are_what_native_lua_sees():
    Mn, Mt, raw = runtimes()
    ex = ValueError('boom')

    def bad(*a):
        raise ex
    for M in (Mn, Mt):
        M.set(bad)
    for name in ('err_pcall', 'err_coroutine'):
        n, t = getattr(Mn, name)(), getattr(Mt, name)()
        assert n[:2] == t[:2] == (False, 'userdata') and n[2] is ex and t[2] is ex, name
        assert n[3:] == t[3:]
    for name in ('err_rethrow', 'err_plain'):
        for M in (Mn, Mt):
            with pytest.raises(ValueError) as ei:
                getattr(M, name)()
            assert ei.value is ex

    # a Lua error raised through the Python function: its Lua value
    Mn.set(lambda *a: Mn.raiser())
    Mt.set(lambda *a: raw.raiser())
    assert Mn.err_field() == Mt.err_field() == (False, 'table', 7)

    # a Python function raising tandem.LuaError itself: the exception object
    le = tandem.LuaError('mine')

    def raises_luaerror(*a):
        raise le
    for M in (Mn, Mt):
        M.set(raises_luaerror)
    n, t = Mn.err_pcall(), Mt.err_pcall()
    assert n[:2] == t[:2] == (False, 'userdata') and n[2] is le and t[2] is le


def test_string_results_work_as_lua_strings():
    Mn, Mt, _ = runtimes()

    def s(*a):
        return 'h\u00e9llo'
    for M in (Mn, Mt):
        M.set(s)
    for name in ('single', 'concat', 'len'):
        nat, tr = both(Mn, Mt, name)
        assert tr == nat and nat[0] == 'ok', name
    assert Mt.single() == Mn.single() == ('h\u00e9llo', 'string')
    assert Mt.concat() == 'h\u00e9llo!' and Mt.len() == Mn.len() == 6


def test_python_comparator_in_table_sort():
    Mn, Mt, _ = runtimes()

    def gt(a, b):
        assert isinstance(a, str) and isinstance(b, str)
        return a > b
    for M in (Mn, Mt):
        M.set(gt)
    # native Lua's table.sort wants a Lua function: a Python one is a userdata
    nat, tr = both(Mn, Mt, 'sort')
    assert tr == nat and nat[0] == 'raise' and 'got python_object' in nat[2]


def test_translated_and_luart_functions_are_not_wrapped():
    # only foreign callables take the PyCallable path: translated functions
    # and luart's library functions stay what they are
    lua = tandem.LuaRuntime()
    M = lua.execute(CHUNK)
    bd = _luabound.Boundary(lua)
    assert bd.to_lt(lua.translate(M.via_arg)) is lua.translate(M.via_arg).__luart__
    from tandem.luart import lbase
    assert bd.to_lt(lbase.lua_tostring) is lbase.lua_tostring
    w = bd.to_lt(len)
    assert isinstance(w, _luabound.PyCallable) and bd.to_lt(len) is w and bd.from_lt(w) is len


@pytest.mark.parametrize('enc', ['UTF-8', 'latin-1', None])
def test_runtime_encoding(enc):
    # arguments decoded and results encoded with the runtime's encoding, as
    # the bridge does (None: Lua strings arrive as bytes, a str is a Python
    # object in Lua); also the strings a callable writes into a table
    Mn, Mt, _ = runtimes(encoding=enc)
    for ret in ('\u00e9', b'\xe9', b'\xc3\xa9'):
        seen = []

        def f(s, t, s2, ret=ret):
            seen.append((s, s2, dict(t.items())))
            t['k'] = ret
            return ret
        for M in (Mn, Mt):
            M.set(f)
        nat, tr = Mn.enc(), Mt.enc()
        assert seen[0] == seen[1], (enc, ret)
        assert tr == nat, (enc, ret)
    want = {'UTF-8': '\u00e9', 'latin-1': '\u00c3\u00a9', None: b'\xc3\xa9'}[enc]
    assert seen[0][0] == want


def test_callable_objects_index_like_native():
    # a Python callable is a userdata: indexing, assignment, `#`, a method
    # call and use as an __index value run through the bridge as natively
    # (attribute access; `#` raising the object's TypeError)
    class O:
        x = 5

        def __call__(self):
            return 1

        def m(self, *a):
            return a[-1]
    Mn, Mt, _ = runtimes()
    o1, o2 = O(), O()
    n, t = Mn.objops(o1), Mt.objops(o2)
    assert n[:5] == t[:5] == (5, 2, 'v', 5, False)
    assert type(n[5]) is type(t[5]) is TypeError
    assert n[6:] == t[6:] == ('userdata', 'userdata')
    assert o1.y == o2.y == 'v'


def test_python_objects_and_exceptions_like_native():
    # a list result and an exception as pcall's value are userdata whose
    # tostring, `#` and indexing run through the bridge, as natively
    for ret in ([10, 20], {1: 'one'}, (7, 8), 'a string'):
        Mn, Mt, _ = runtimes()
        calls = [0]

        def f(ret=ret):
            calls[0] += 1
            if calls[0] == 2:
                raise KeyError('third call')
            return ret
        for M in (Mn, Mt):
            calls[0] = 0
            M.set(f)
        calls[0] = 0
        nat = Mn.objres()
        calls[0] = 0
        tr = Mt.objres()
        assert tr == nat, ret
        assert 'KeyError' in nat[-1] and 'third call' in nat[-1]


@pytest.mark.parametrize('enc', ['UTF-8', 'latin-1', None])
def test_plain_functions_called_directly(enc):
    """A plain Python function called with numbers, booleans, nil and
    strings is called by translated code itself (PyCallable.__call__): the
    arguments it receives, and what comes back of each kind of result,
    are what the native call through the bridge gives, in every encoding;
    the same for a bound method and a builtin (still bridged), which lose
    a repeated self."""
    got = {}
    for tr in (False, True):
        lua = tandem.LuaRuntime(encoding=enc)
        seen = []

        def f(*a):
            seen.append(tuple((type(x).__name__, x) for x in a))
            return a[0]
        key = (lambda k: k) if enc else str.encode
        lua.globals()[key('PF')] = f
        lua.globals()[key('BM')] = 'abc'.upper if enc else b'abc'.upper
        g = lua.eval('''function (...)
          local out = {}
          for _, v in ipairs({...}) do
            local r = PF(v, 'h\\u{e9}', '\\xff', 1, 2.5, nil, true, false)
            out[#out + 1] = type(r) .. ':' .. tostring(r)
          end
          out[#out + 1] = tostring(BM())
          return table.concat(out, ' ')
        end''')
        if tr:
            g = lua.translate(g)
        r = g(1, 2 ** 40, 1.5, True, 'x', 'h\u00e9' if enc else b'h\xc3\xa9')
        got[tr] = (r, seen)
    assert got[True] == got[False]
    assert len(got[False][1]) == 6
