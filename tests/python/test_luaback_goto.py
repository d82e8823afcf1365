"""General goto (issue 10): every function of tests/python/luaback/gotos.lua
(cases from Lua's own testes/goto.lua, state machines, gotos out of nested
loops, into if blocks, out of <close> scopes, in coroutines) runs natively
and through lua.translate (the C front end through TDM_OP_SOURCEIR, the
Python back end), compared for values, types and error messages."""

import os

import pytest

import tandem
from luaback_outcome import outcome

HERE = os.path.dirname(os.path.abspath(__file__))
GOTOS = os.path.join(HERE, 'luaback', 'gotos.lua')

CASES = [
    ('simple', ()), ('over_local_to_end', ()), ('order', ()), ('fresh_local', ()),
    ('into_if', ()), ('closures', (2,)), ('closures', (0,)), ('closures', (4,)),
    ('testG', (1,)), ('testG', (2,)), ('testG', (3,)), ('testG', (4,)), ('testG', (5,)),
    ('close_back', ()), ('close_loop', (3,)), ('close_loop', (1,)),
    ('close_then_label', (3,)),
    ('state_machine', ('12+ 345*6 7',)), ('state_machine', ('',)), ('state_machine', ('99',)),
    ('nested_break', (4,)), ('nested_break', (2,)), ('outer_continue', (5,)),
    ('repeat_continue', (7,)), ('repeat_continue', (1,)), ('while_labels', (9,)),
    ('while_labels', (4,)), ('in_closure', (5,)), ('coroutine_goto', (4,)),
    ('error_in_goto_loop', (3,)), ('infinite_guarded', ()), ('close_jumps', ()),
]


@pytest.fixture(scope='module')
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize('name,args', CASES, ids=['%s%r' % c for c in CASES])
def test_goto(lua, name, args):
    M = lua.eval('dofile')(GOTOS)
    native = outcome(M[name], args)
    pf = lua.translate(M[name])
    assert outcome(pf, args) == native, tandem.translated_source(pf)


def test_every_case_is_listed(lua):
    M = lua.eval('dofile')(GOTOS)
    assert set(M.keys()) == {n for n, _ in CASES}


def test_error_line_is_the_lua_line(lua):
    M = lua.eval('dofile')(GOTOS)
    with pytest.raises(tandem.LuaError, match=r"gotos\.lua:\d+: attempt to index a nil "
                       r"value \(local 't'\)"):
        lua.translate(M['error_in_goto_loop'])(2)


def test_dispatch_is_readable(lua):
    M = lua.eval('dofile')(GOTOS)
    src = tandem.translated_source(lua.translate(M['state_machine']))
    assert '# goto dispatch' in src and '# ::number::' in src
