"""Values of the runtime reaching translated Python code (issue 9): what a
translated function does with them is what the Python function does when
the bridge calls it. Each case runs the Python function and its
translation and compares value and type, or exception type and message."""

import pytest

import tandem
from xlate_same import outcome, run_source

SRC = '''
class O:
    t = (1, 2, 3)
    one = (None,)
    empty = ()

    def pair(self):
        return 1, 'x'


def tuple_attr(o):
    x = o.t
    return x, len(x), type(x).__name__, o.one, o.empty


def tuple_result(o):
    p = o.pair()
    a, b = o.pair()
    return p, a, b, type(p).__name__


def tuple_item(d):
    return d['k'], d['k'][1:], [t for t in d['k']]
'''


@pytest.fixture(scope="module")
def ns():
    return run_source(SRC, "<test_translate_luavalues>")


@pytest.mark.parametrize("unpack", [False, True])
@pytest.mark.parametrize("name,arg", [("tuple_attr", "O"), ("tuple_result", "O"),
                                      ("tuple_item", "d")])
def test_tuples_from_python_stay_tuples(ns, unpack, name, arg):
    """A tuple a Python operation gives translated code is one value, in a
    runtime that unpacks returned tuples too (it took the tuple's first
    item there)."""
    lua = tandem.LuaRuntime(unpack_returned_tuples=unpack)
    a = ns["O"]() if arg == "O" else {"k": (4, 5, 6)}
    want = outcome(ns[name], (a,))
    assert want[0] == "ok"
    assert outcome(lua.translate(ns[name]), (a,)) == want
