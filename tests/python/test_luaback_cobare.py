"""One integer yielded bare (issue 10, docs/translation.md "Coroutines"):
every function of tests/python/luaback/cobare.lua runs natively and
through lua.translate, compared for values, types and error messages; and
the translation really yields the int itself where it proves one."""

import os
import re

import pytest

import tandem
from luaback_outcome import outcome
from tandem.luart import lcoro

HERE = os.path.dirname(os.path.abspath(__file__))
COBARE = os.path.join(HERE, 'luaback', 'cobare.lua')

CASES = [('resumes', (3,)), ('resumes', (0,)), ('wrap_calls', (2,)), ('for_one', (4,)),
         ('for_one', (0,)), ('for_two', (3,)), ('wraparound', ()), ('float_loop', ()),
         ('nested', (3,)), ('values_back', (3,)), ('foreign_resume', ()),
         ('yield_replaced', (5,))]


@pytest.fixture(scope='module')
def mod():
    lua = tandem.LuaRuntime()
    return lua, lua.eval('dofile')(COBARE)


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
    assert M.wraparound() == (-2**63 + 17, 'integer')
    assert M.nested(3) == (90, 'integer')
    assert M.float_loop() == '1.0:float 2.0:float 3.0:float'
    assert M.for_one(2)[2].startswith('1:integer 2:integer 2.5:float')


def test_int_yields_are_bare(mod):
    lua, M = mod
    src = tandem.translated_source(lua.translate(M.wraparound))
    # (a plain local is yielded as itself: no temporary keeps it for _yret)
    assert re.search(r'\(yield L_i(__\d+)?\)', src), src      # the int itself
    src = tandem.translated_source(lua.translate(M.float_loop))
    assert not re.search(r'\(yield L_x(__\d+)?\)', src), src  # a float: a tuple
    assert re.search(r'\(yield \(L_x(__\d+)?,\)\)', src), src


def test_yvals():
    assert lcoro.yvals(5) == (5,)
    assert lcoro.yvals((1, 2)) == (1, 2)
    assert lcoro.yvals(()) == ()
