"""Library fields cached per call site (docs/translation.md "Fast paths of
the generated Python", `lib.name`): a read like `coroutine.yield` or
`math.floor` keeps its value with the epoch of the watched dicts (luart's
WDict: the global table's and the standard library tables' hash parts) and
reads again once a watched key changed. Every function of
tests/python/luaback/libcache.lua replaces a library field or rebinds a
library global in the middle of a loop; it runs natively and through
lua.translate, compared for values, types and error messages. Then the
WDict/_libget rules themselves."""

import os
import re

import sys

import pytest

import tandem
from luaback_outcome import outcome
from tandem import luart
from tandem.luart import _core, lemit

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_FILE = os.path.join(HERE, 'luaback', 'libcache.lua')

CASES = ['yield_replaced', 'yield_nil', 'yield_rawset', 'yield_alias', 'coroutine_replaced',
         'coroutine_via_G', 'coroutine_with_index', 'yield_replaced_inline', 'resume_replaced',
         'floor_replaced', 'floor_from_meta', 'sub_replaced', 'insert_replaced', 'unchanged',
         'field_added', 'own_table', 'yield_replaced_in_body', 'yield_plain_in_body',
         'yield_kinds']
LIBS = ('coroutine', 'math', 'string', 'table')


def _snapshot():
    return {n: (dict(getattr(luart, n).hash), getattr(luart, n).meta) for n in LIBS}


@pytest.fixture
def libs_kept():
    """luart's library tables are shared by every translation: each case
    restores what it replaced; this checks it did (and repairs if not)."""
    before = _snapshot()
    yield
    after = _snapshot()
    for n in LIBS:
        t = getattr(luart, n)
        if after[n] != before[n]:
            dict.clear(t.hash)
            dict.update(t.hash, before[n][0])
            t.meta = before[n][1]
    assert after == before


@pytest.fixture(scope='module')
def mod():
    lua = tandem.LuaRuntime()
    return lua, lua.eval('dofile')(CASES_FILE)


@pytest.mark.parametrize('n', [1, 5])
@pytest.mark.parametrize('name', CASES)
def test_native_vs_translated(mod, libs_kept, name, n):
    lua, M = mod
    native = outcome(M[name], (n,))
    pf = lua.translate(M[name])
    assert outcome(pf, (n,)) == native, tandem.translated_source(pf)
    assert outcome(pf, (n,)) == native     # again, the sites' caches filled


def test_every_case_is_listed(mod):
    _, M = mod
    assert set(M.keys()) == set(CASES)


def test_native_answers(mod, libs_kept):
    # the cases do replace what they say (checked on Lua itself)
    _, M = mod
    assert M['yield_replaced'](5) == (True, '1,2,30,40,50', None)
    assert M['coroutine_replaced'](5) == (True, '1,2,6,4,5', None)
    assert M['floor_from_meta'](4) == (True, '1,ab,2,bc,42,cd,42,de', '1,2,3,4')
    assert M['yield_nil'](5)[0] is False


CALLS = """return function(n)
  local t, r = {}, 0
  for i = 1, n do
    table.insert(t, string.sub("abc", i, i))
    r = r + math.floor(i / 2)
  end
  return table.concat(t), r
end"""


def test_sites_are_cached():
    lua = tandem.LuaRuntime()
    f = lua.execute(CALLS)
    pf = lua.translate(f)
    assert pf(3) == f(3) == ('abc', 2)
    src = tandem.translated_source(pf)
    for k in (b'floor', b'sub', b'insert', b'concat'):
        assert re.search(r"_libget\(_lc\d+, _ENVH, b'\w+', %r\)" % k, src), src
    lua = tandem.LuaRuntime()
    src = tandem.translated_source(lua.translate(lua.execute(KERNEL)))
    assert "_ENVH, b'coroutine', b'yield')" in src and "_ENVH, b'coroutine', b'wrap')" in src


KERNEL = """return function(n)
  local s = 0
  for v in coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) do
    s = s + v
  end
  return s
end"""


def test_kernel_cache_holds_across_calls():
    # the yield site is filled at most once per call (an entry keeps the
    # caches when what they read is still there: _lualive), then read from
    # the cache: the epoch does not move while the loop runs
    lua = tandem.LuaRuntime()
    pf = lua.translate(lua.execute(KERNEL))
    assert pf(10) == 55
    fills = []

    def prof(frame, event, arg):
        if event == 'call' and frame.f_code.co_name == 'libget':
            fills.append(1)
    sys.setprofile(prof)
    try:
        assert pf(1000) == 500500
    finally:
        sys.setprofile(None)
    assert len(fills) <= 4, len(fills)


# ---- the watched dicts

def test_env_watches_only_cached_keys():
    env = luart.new_env()
    H = env.hash
    assert H.__class__ is _core.WDict and H.w == set()
    ep = _core.EPOCH[0]
    _core.setindex(env, b'counter', 1)      # a program's own global: no bump
    _core.setindex(env, b'counter', 2)
    _core.setindex(env, b'counter', None)
    assert _core.EPOCH[0] is ep
    s = [None, None]
    assert lemit._libget(s, H, b'math', b'floor') is luart.math.hash[b'floor']
    assert b'math' in H.w and s[0] is _core.EPOCH[0]
    _core.setindex(env, b'math', luart.math)    # the same value again still counts
    assert s[0] is not _core.EPOCH[0]


@pytest.mark.parametrize('change', [
    lambda h: h.__setitem__(b'zz', 1), lambda h: h.pop(b'zz', None),
    lambda h: h.setdefault(b'yy', 1), lambda h: h.update({b'zz': 2}),
    lambda h: h.__delitem__(b'zz'), lambda h: h.__ior__({b'zz': 3}),
    lambda h: h.popitem(), lambda h: h.clear()],
    ids=['set', 'pop', 'setdefault', 'update', 'del', 'ior', 'popitem', 'clear'])
def test_library_dict_changes_bump(change):
    h = _core.WDict()
    h[b'zz'] = 0
    ep = _core.EPOCH[0]
    change(h)
    assert _core.EPOCH[0] is not ep


def test_libget_gives_none_off_the_cacheable_case():
    env = luart.new_env()
    H = env.hash
    own = luart.LuaTable()
    own.set(b'f', len)
    env.set(b'mine', own)           # a table whose dict is not watched
    s = [None, None]
    assert lemit._libget(s, H, b'mine', b'f') is None and s == [_core.EPOCH[0], None]
    s = [None, None]
    assert lemit._libget(s, H, b'math', b'nosuch') is None     # absent field
    assert s[1] is None and b'nosuch' not in luart.math.hash
    s = [None, None]
    assert lemit._libget(s, H, b'nosuch', b'f') is None        # absent global
    assert lemit._libget(s, {b'math': luart.math}, b'math', b'floor') is None  # not WDict


def test_standalone_os_table_is_watched():
    from tandem.luart import standalone
    g = standalone.new_env()
    assert g.get(b'os').hash.__class__ is _core.WDict


SHADOW = """return function(n)
  local v, fs, s = "outer", {}, 0
  for v in coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) do
    s = s + v
  end
  for w in coroutine.wrap(function() for i = 1, n do coroutine.yield(i * 2) end end) do
    fs[#fs + 1] = function() return w end      -- a fresh w per iteration (a cell)
  end
  local r = {}
  for i = 1, #fs do r[i] = fs[i]() end
  return v, s, table.concat(r, ",")
end"""


@pytest.mark.parametrize('n', [0, 1, 4])
def test_wrap_for_variable_set_by_the_nil_test(n):
    # the loop's one plain variable is assigned by the test ending the loop:
    # an outer local of the same name and captured loop variables stay Lua's
    lua = tandem.LuaRuntime()
    f = lua.execute(SHADOW)
    pf = lua.translate(f)
    assert outcome(pf, (n,)) == outcome(f, (n,))
    assert re.search(r'\(L_v\w* := _t\d+\[0\]\) is None', tandem.translated_source(pf))


def test_yield_proof_set_by_the_read_cleared_by_any_bump():
    # a yield statement's site tests one flag, the proof: set only when the
    # read cached coroutine.yield itself, cleared by every bump
    env = luart.new_env()
    H = env.hash
    s = [None, None, False]
    assert lemit._libget(s, H, b'coroutine', b'yield') is luart.coroutine.hash[b'yield']
    assert s[2] is True and s in _core.PROOFS
    h = _core.WDict()
    h[b'anything'] = 1                      # any watched write: every proof goes
    assert s[2] is False and s not in _core.PROOFS
    f = [None, None, False]
    assert lemit._libget(f, H, b'math', b'floor') is luart.math.hash[b'floor']
    assert f[2] is False                    # cached, but not coroutine.yield
    two = [None, None]                      # the other sites keep two slots
    assert lemit._libget(two, H, b'coroutine', b'yield') is luart.coroutine.hash[b'yield']
    assert len(two) == 2
    assert lemit._libget(s, H, b'coroutine', b'yield') is luart.coroutine.hash[b'yield']
    _core.setindex(env, b'coroutine', luart.coroutine)     # the global rebound
    assert s[2] is False


def test_yield_statement_tests_the_proof():
    lua = tandem.LuaRuntime()
    src = tandem.translated_source(lua.translate(lua.execute(KERNEL)))
    m = re.search(r"_libget\((_lc\d+), _ENVH, b'coroutine', b'yield'\)", src)
    assert m, src
    c = m.group(1)
    assert "%s = [None, None, False]" % c in src
    # a yield statement: the proof tested by an if, the generic call after else
    assert re.search(r"\n( +)if %s\[2\]:  # lua \d+\n\1    if \(_t\d+ := \(yield " % c, src), src
