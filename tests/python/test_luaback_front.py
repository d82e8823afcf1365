"""The back end on the C front end's IR (adapters/lua/front): every function
of tests/python/luaback/funcs.lua is run natively and translated (IR from
the front end's lfront_check driver with debug.getinfo's lines, upvalues
shared through a debug.getupvalue/setupvalue accessor), compared for values,
types and error messages. Once TDM_OP_SOURCEIR is merged, lua.translate
does the same end to end (test_translate_end_to_end)."""

import os
import re
import subprocess

import pytest

import tandem
from tandem import _luaback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FUNCS = os.path.join(HERE, 'luaback', 'funcs.lua')

NAMES = ['swap', 'multi', 'varargs', 'fornum', 'closures', 'shared', 'continue_and_break',
         'repeat_locals', 'generic_for', 'methods', 'meta', 'newindex', 'close', 'errors',
         'upvalue', 'strings', 'sorting', 'coroutines', 'class', 'intdiv', 'returns_table']
ARGS = {'varargs': (1, None, 'x', None), 'errors': ('T:{}',), 'strings': ('hello world foo',),
        'class': (1, 2), 'swap': ('a', 2.5)}


@pytest.fixture(scope='module')
def front(tmp_path_factory):
    built = os.path.join(ROOT, 'build', 'tests', 'unit', 'lfront_check')
    if os.path.exists(built):
        return built
    srcs = [os.path.join(ROOT, d, f) for d in ('adapters/lua/front', 'bridge')
            for f in os.listdir(os.path.join(ROOT, d)) if f.endswith('.c')]
    exe = str(tmp_path_factory.mktemp('lf') / 'lfront_check')
    r = subprocess.run(['cc', '-std=c11', '-D_GNU_SOURCE', '-O1', '-I' + os.path.join(ROOT, 'adapters/lua/front'),
                        '-I' + os.path.join(ROOT, 'bridge'), '-I' + os.path.join(ROOT, 'include'),
                        '-I' + ROOT] + srcs
                       + [os.path.join(ROOT, 'tests/unit/lfront_check.c'), '-o', exe, '-lm', '-lpthread'],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return exe


ACC = '''
return function(f, names)
  local idx = {}
  for i = 1, 255 do
    local n = debug.getupvalue(f, i)
    if n == nil then break end
    idx[n] = i
  end
  return function(i, ...)
    local j = idx[names[i]]
    if select('#', ...) > 0 then debug.setupvalue(f, j, (...)) return end
    return select(2, debug.getupvalue(f, j))
  end
end
'''


def _norm(v):
    if tandem.lua_type(v) == 'table':
        return ('table', sorted((repr(k), repr(_norm(x))) for k, x in v.items()))
    if isinstance(v, tuple):
        return tuple(_norm(x) for x in v)
    if isinstance(v, float) and v != v:
        return ('float', 'nan')
    return (type(v).__name__, v)


def _run(f, args):
    try:
        return ('ok', _norm(f(*args)))
    except tandem.LuaError as e:
        return ('err', re.sub(r'0x[0-9a-f]+', 'ADDR', str(e)))


def _translate(lua, front, fn):
    info = lua.eval('function(f) local i = debug.getinfo(f, "S") '
                    'return i.source, i.linedefined, i.lastlinedefined end')(fn)
    src, line, last = info
    assert src.startswith('@')
    r = subprocess.run([front, '-t', str(line), str(last), src[1:]], capture_output=True,
                       text=True)
    if r.returncode != 0:
        raise tandem.TranslationError(r.stdout.strip())
    ir = r.stdout
    free = re.match(r'.*?\(func \S+ \d+ .*?\(free([^)]*)\)', ir).group(1).split()
    acc = lua.execute(ACC)(fn, lua.table_from(free)) if free else None
    return _luaback.wrap_translated(lua, fn, ir, acc, {}, tandem.LuaError)


@pytest.mark.parametrize('name', NAMES)
def test_function(front, name):
    lua = tandem.LuaRuntime()
    M = lua.eval('dofile')(FUNCS)
    fn = M[name]
    # a second load of the chunk: its own upvalues (the translation shares them)
    pf = _translate(lua, front, lua.eval('dofile')(FUNCS)[name])
    args = [lua.eval(a[2:]) if isinstance(a, str) and a.startswith('T:') else a
            for a in ARGS.get(name, ())]
    a = _run(fn, args)
    b = _run(pf, args)
    assert a == b, tandem.translated_source(pf)


def test_upvalue_shared_with_lua(front):
    lua = tandem.LuaRuntime()
    M = lua.eval('dofile')(FUNCS)
    pf = _translate(lua, front, M['upvalue'])
    assert pf() == 1 and pf() == 2
    assert M['upvalue']() == 3     # the Lua function sees the translated writes
    assert pf() == 4


def test_error_positions_are_lua_lines(front):
    lua = tandem.LuaRuntime()
    M = lua.eval('dofile')(FUNCS)
    pf = _translate(lua, front, M['errors'])
    r = pf(lua.eval('{}'))
    assert r[0] == FUNCS + ":145: attempt to index a nil value (field 'x')"
    assert r[2].startswith(FUNCS + ":147: attempt to add a 'string' with a 'table'")


def test_table_returned_to_lua(front):
    lua = tandem.LuaRuntime()
    M = lua.eval('dofile')(FUNCS)
    pf = _translate(lua, front, M['returns_table'])
    t = pf()
    check = lua.eval('function(t) local s = 0 for _, v in ipairs(t) do s = s + v end '
                     'return #t, s, type(t), t.name, #t.nested, table.concat(t, ",") end')
    assert check(t) == (3, 6, 'table', 'x', 2, '1,2,3')
