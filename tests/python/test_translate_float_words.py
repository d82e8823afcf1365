"""Python variables named inf and nan (`inf = float("inf")`, common in
graph algorithms): the IR reader took the bare words for floats wherever
they stood, so a parameter, local, global or comprehension variable of
that name failed with "invalid IR: name expected" (a tandem bug message).
They are floats only as the value of a (float X) node now (bridge/ir.c
float_word)."""

import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source

SRC = '''
inf = float("inf")

def dijkstra_like(dist):
    best = inf
    for d in dist:
        if d < best:
            best = d
    return best

def params(inf=1.5, nan=2):
    return inf + nan, [nan for nan in range(3)], {inf: nan}

def locals_(x):
    nan = x != x
    inf = -x
    def inner():
        nonlocal inf
        inf = inf * 2
        return inf
    return nan, inner(), inf, float("inf"), float("nan") != float("nan")

def globals_():
    global nan
    nan = 7
    return nan + 1
'''


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("name,args", [("dijkstra_like", ([3, 1.5, 7],)),
                                       ("dijkstra_like", ([],)), ("params", ()),
                                       ("params", (0.5,)), ("locals_", (2.5,)),
                                       ("locals_", (float("nan"),)), ("globals_", ())])
def test_variables_named_inf_and_nan(lua, name, args):
    ns = run_source(SRC, "<float_words>")
    check_outcome(outcome(ns[name], args), outcome(lua.translate(ns[name]), args))
