"""isinstance() of translated functions and generators against Python's
types (types.FunctionType, types.GeneratorType, collections.abc ...): they
stand for a Python function and a Python generator, so the answer is
CPython's for those. Before the thirtieth session the question was asked of
what crosses into Python (a Lua function proxy, a LuaGenerator): False,
silently (`isinstance(gen(), types.GeneratorType)` guards flatten-style
code)."""

import collections.abc
import types

import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source

SRC = '''
def gen():
    yield 1

def helper(x):
    return x

def kinds(cls):
    def inner():
        return 1
    return (isinstance(gen(), cls), isinstance((v for v in [1]), cls),
            isinstance(lambda: 0, cls), isinstance(inner, cls), isinstance(helper, cls),
            isinstance([1], cls), isinstance(len, cls))

def flatten(xs):
    out = []
    for x in xs:
        if isinstance(x, (list, types.GeneratorType)):
            out.extend(flatten(x))
        else:
            out.append(x)
    return out

def use_flatten():
    return flatten([1, (y for y in [2, 3]), [4, (z for z in [5])]])
'''

NS = run_source(SRC, "<test_translate_isinstance_kinds>", {"types": types})


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("cls", [types.FunctionType, types.GeneratorType,
                                 types.LambdaType, types.BuiltinFunctionType,
                                 collections.abc.Generator, collections.abc.Iterator,
                                 collections.abc.Callable, (int, types.FunctionType), object,
                                 int, 5],
                         ids=repr)
def test_kinds(lua, cls):
    check_outcome(outcome(NS["kinds"], (cls,)), outcome(lua.translate(NS["kinds"]), (cls,)))


def test_flatten_generators(lua):
    assert lua.translate(NS["use_flatten"])() == NS["use_flatten"]() == [1, 2, 3, 4, 5]
