"""The integer version of a wrap-for (issue 10, docs/translation.md "Fast
paths of the generated Python"): every function of
tests/python/luaback/wrapint.lua runs natively and through lua.translate,
compared for values, types and error messages; and the versions are really
emitted where the body allows one and not elsewhere."""

import os

import pytest

import tandem
from luaback_outcome import outcome

HERE = os.path.dirname(os.path.abspath(__file__))
WRAPINT = os.path.join(HERE, 'luaback', 'wrapint.lua')

CASES = [('all_ints', (10,)), ('all_ints', (0,)), ('float_midway', ()),
         ('string_midway', ()), ('table_midway', ()), ('wraps_midway', ()),
         ('several_values', ()), ('nil_ends', ()), ('break_inside', (3,)),
         ('break_inside', (10,)), ('break_after_switch', ()), ('float_start', ()),
         ('two_locals', ()), ('not_an_int_expression', ()), ('boolean_value', ()),
         ('error_inside', ()), ('overflow_then_float', ()), ('resumed_from_body', ()),
         ('goto_body', ()), ('nested_loops', ()), ('local_in_body', ()),
         ('outer_local_of_the_same_name', ()), ('switch_then_break', ())]


@pytest.fixture(scope='module')
def mod():
    lua = tandem.LuaRuntime()
    return lua, lua.eval('dofile')(WRAPINT)


@pytest.mark.parametrize('name,args', CASES, ids=['%s%r' % c for c in CASES])
def test_native_vs_translated(mod, name, args):
    lua, M = mod
    native = outcome(M[name], args)
    pf = lua.translate(M[name])
    assert outcome(pf, args) == native, tandem.translated_source(pf)


def test_every_case_is_listed(mod):
    _, M = mod
    assert set(M.keys()) == {n for n, _ in CASES}


def test_native_answers(mod):
    # the comparisons are not vacuous: Lua's own answers
    _, M = mod
    assert M.all_ints(10) == '55:integer'
    assert M.float_midway() == '17.5:float 6:integer'
    assert M.string_midway() == '34:integer'
    assert M.table_midway() == '106.5:float'
    assert M.wraps_midway() == '0:integer'
    assert M.several_values() == '6:integer'
    assert M.nil_ends() == '3:integer not yet 3:integer'
    assert M.two_locals() == '-8:integer 86:integer 4:integer'
    assert M.overflow_then_float() == '-9.2233720368548e+18:float'


def version_count(lua, M, name):
    src = tandem.translated_source(lua.translate(M[name]))
    return src.count('# (the integer version)')


def test_versions_where_the_body_allows(mod):
    lua, M = mod
    for name in ('all_ints', 'float_midway', 'string_midway', 'wraps_midway',
                 'break_inside', 'two_locals', 'resumed_from_body', 'local_in_body'):
        assert version_count(lua, M, name) >= 1, name
    # a goto, or no local the body keeps an integer: the loop as written
    for name in ('goto_body', 'not_an_int_expression'):
        assert version_count(lua, M, name) == 0, name
