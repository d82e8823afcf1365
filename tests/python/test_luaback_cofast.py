"""The coroutine kernel (issue 10, docs/translation.md "Coroutines"): a
`for ... in coroutine.wrap(f)` that iterates f's generator directly, status
and the running coroutine read lazily, resumes without bookkeeping. Every
function of tests/python/luaback/cofast.lua runs natively and through
lua.translate, compared for values, types and error messages."""

import os

import pytest

import tandem
from luaback_outcome import outcome
from tandem.luart import lcoro

HERE = os.path.dirname(os.path.abspath(__file__))
COFAST = os.path.join(HERE, 'luaback', 'cofast.lua')

CASES = [('sum', (10,)), ('sum', (0,)), ('yield_results', ()), ('several_values', ()),
         ('first_nil_stops', ()), ('returns_values', ()), ('error_inside', ()),
         ('error_value_inside', ()), ('error_level0_inside', ()), ('error_in_loop_body', ()),
         ('status_inside', ()), ('normal_status', ()), ('foreign_resume', ()),
         ('close_from_loop', ()), ('finished_by_foreign_resume', ()), ('nested_wraps', ()),
         ('nested_calls', ()), ('break_then_resume', ()), ('arguments', ()),
         ('wrap_in_local', (False,)), ('wrap_in_local', (True,)), ('with_state', ()),
         ('resume_loop', (5,)), ('wrap_calls', ()), ('yield_outside', ()),
         ('foreign_resume_statement_yields', ())]


@pytest.fixture(scope='module')
def mod():
    lua = tandem.LuaRuntime()
    return lua, lua.eval('dofile')(COFAST)


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
    assert M.sum(10) == (55, 'integer')
    assert M.yield_results() == 'got 10;nil 10 nil;got 20;nil 20 nil;got 30;nil 30 nil'
    assert M.first_nil_stops()[:3] == ('1', 'suspended', True)
    out, ok, err = M.returns_values()
    assert (out, ok) == ('1,5', False) and err.endswith('cannot resume dead coroutine')
    r = M.foreign_resume()
    # after two resumes from the loop's body, the loop's next step passes
    # (nil, the control value the loop last saw)
    assert 'resume true y4;r4=nil y2;v=y5' in r
    assert M.close_from_loop()[1:2] == (False,)


def test_the_fast_path_is_taken(mod, monkeypatch):
    # `for v in coroutine.wrap(f)` over a translated body returning nothing
    # iterates the body's generator (lcoro.fast_start), others do not
    lua, M = mod
    started = []
    real = lcoro.fast_start
    monkeypatch.setattr(lcoro, 'fast_start', lambda co, g: started.append(co) or real(co, g))
    assert lua.translate(M.sum)(100) == (5050, 'integer')
    assert len(started) == 1
    assert lua.translate(M.returns_values)()[0] == '1,5'
    assert len(started) == 1            # the body returns values: the general path
    src = tandem.translated_source(lua.translate(M.sum))
    assert "'returns no values'" in src and '_forinw(' in src


def test_no_bookkeeping_left_behind(mod):
    # finished coroutines leave no frame registered; a dropped suspended one
    # takes its entry with it
    lua, M = mod
    pf = lua.translate(M.sum)
    before = len(lcoro._frames)
    pf(50)
    lua.translate(M.break_then_resume)()
    import gc
    gc.collect()
    assert len(lcoro._frames) == before


def test_statement_yield_reads_no_resume_values():
    # a yield whose values are unused still honours a foreign resume (the
    # _Foreign marker), which the source shows
    lua = tandem.LuaRuntime()
    f = lua.eval('function()\n for v in coroutine.wrap(function()\n'
                 ' coroutine.yield(1) end) do end end')
    src = tandem.translated_source(lua.translate(f))
    assert '_Foreign and _yret(' in src
