"""Yields reached through values (issue 10): every function of
tests/python/luaback/yields.lua's M runs natively and through lua.translate
(callees translated automatically), compared for values, types and error
messages (metamethods of every event and iterators with a to-be-closed value
yield as in Lua 5.4); D's are the documented differences, which must fail
loudly in the translation (LuaError), never answer differently."""

import os

import pytest

import tandem
from luaback_outcome import outcome

HERE = os.path.dirname(os.path.abspath(__file__))
YIELDS = os.path.join(HERE, 'luaback', 'yields.lua')

CASES = [('via_table', ()), ('via_param', ()), ('via_alias', ()), ('via_pcall', ()),
         ('via_xpcall', ()), ('pcall_no_argument', ()), ('via_call_metamethod', ()),
         ('via_index_metamethod', ()),
         ('via_upvalue', ()), ('via_global', ()), ('both_ways', ()), ('status_inside', ()),
         ('deep_chain', (0,)), ('deep_chain', (5,)), ('outside_coroutine', ()),
         ('sort_comparator', ()), ('iterator', ()), ('loops_in_generators', ()),
         ('metamethod', ()), ('metamethods', ()), ('index_chain_and_newindex', ()),
         ('closing_iterator', ()), ('close_handler', ()), ('lib_tostring_meta', ()), ('lib_sort_lt_meta', ()),
         ('lib_concat_index_meta', ()), ('lib_ipairs_index_meta', ()),
         ('pcall_callable_table', ()), ('for_callable_table_iterator', ()),
         ('method_callable_field', ()), ('mixed_operands', ()), ('nested_index', ()),
         ('close_in_pcall_callable', ()), ('eq_yields', ()), ('pairs_meta_yields', ())]


@pytest.fixture(scope='module')
def mods():
    lua = tandem.LuaRuntime()
    M, D = lua.eval('dofile')(YIELDS)
    return lua, M, D


@pytest.mark.parametrize('name,args', CASES, ids=['%s%r' % c for c in CASES])
def test_yield_through_values(mods, name, args):
    lua, M, _ = mods
    native = outcome(M[name], args)
    pf = lua.translate(M[name])
    assert outcome(pf, args) == native, tandem.translated_source(pf)


def test_every_case_is_listed(mods):
    _, M, _ = mods
    assert set(M.keys()) == {n for n, _ in CASES} | {'string_index_meta'}


def test_changing_the_string_metatable_is_refused(mods):
    # translated code reads the runtime's string methods live, but luart's
    # own string operations (`s.foo` here) run on luart's string metatable:
    # a change of the runtime's is refused before it is made
    lua, M, _ = mods
    pf = lua.translate(M['string_index_meta'])
    with pytest.raises(NotImplementedError, match='string metatable'):
        pf()
    assert M.string_index_meta() == (1, 7, 'ABC')     # unchanged natively


def test_native_answers(mods):
    # the cases really yield through values in Lua (the comparison is not vacuous)
    _, M, _ = mods
    assert M.via_table() == '10 20 end'
    assert M.via_upvalue() == '1 2 5 10 done'
    assert M.deep_chain(5) == ('bottom', 'up<<<<<')
    assert 'attempt to yield across a C-call boundary' in outcome(M.sort_comparator, ())[1]
    # Lua 5.4 yields across metamethods and iterators with a to-be-closed value
    assert M.metamethod() == (1, 5)
    assert M.metamethods()[1].startswith('add:10 sub:11 mul:12')
    assert M.index_chain_and_newindex()[:4] == ('get x', 'set y', 'set z', 'set 1')
    assert M.closing_iterator()[-1] == '1:a,2:b,3:c,closed nil,closed boom,false boom'
    assert M.close_handler() == ('in close', 'body,closing,closed')
    assert M.pcall_callable_table() == 'ycall 5 true 2'
    assert M.mixed_operands() == 'yadd ycat ylt yle ycat yidx 1 2 true true ab5 6'
    assert M.string_index_meta() == (1, 7, 'ABC')
    # metamethods run by library functions cannot yield in Lua either
    for name in ('lib_tostring_meta', 'lib_sort_lt_meta', 'lib_concat_index_meta',
                 'lib_ipairs_index_meta'):
        ok, err, status = M[name]()
        assert ok is False and 'attempt to yield across a C-call boundary' in err, name
        assert status == 'dead'


def test_a_plain_body_stays_plain(mods):
    # a function that calls values gets a generator twin for coroutines,
    # its own body stays a plain Python function
    lua, M, _ = mods
    src = tandem.translated_source(lua.translate(M['via_param']))
    assert '.__luaco__ = ' in src and 'def _mk' in src


@pytest.mark.parametrize('name', ['no_source'])
def test_documented_differences_are_loud(mods, name):
    lua, _, D = mods
    native = outcome(D[name], ())
    assert native[0] == 'ok'                  # Lua 5.4 yields there
    got = outcome(lua.translate(D[name]), ())
    assert got[0] == 'err' and 'yield' in got[1], got
