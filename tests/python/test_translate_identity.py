"""`is` and `is not` between any values in translated Python code
(pyrt/types.lua rt.is_, _translate._is_objects): CPython's answer where
CPython fixes it (one object, two objects, values of two types, unequal
numbers or strings), a refusal at run time where its caches and merged
constants decide (two equal numbers or strings, two tuples that are not one
object). Each case runs natively and translated; the refusals are listed."""

import pytest

import tandem
from xlate_same import outcome, run_source, same

SRC = '''
import heapq
MISSING = object()
BIG = 2 ** 70

def sentinel_local(xs):
    sentinel = object()
    r = next(iter(xs), sentinel)
    return r is sentinel, r is not sentinel

def sentinel_global(d, k):
    v = d.get(k, MISSING)
    return v is MISSING

def lists(a):
    b = a
    c = list(a)
    return a is b, a is c, a is not c, [] is [], {} is {}, set() is set()

def kinds(i, f, s, l):
    return i is f, s is l, i is s, l is None, f is l, i is not f

def unequal(a, b, s, t):
    return a is b, s is t, a is not b

def equal_ints(a):
    b = a + 0
    return a is b

def same_int(a):
    return a is a

def equal_strings(s):
    t = s + ""
    return s is t

def floats(x, y):
    return x is y

def functions():
    return (sentinel_local is sentinel_local, lists is sentinel_local, len is len,
            len is abs)

def tuple_one():
    t = (1, [2])
    u = t
    return t is u, t is not u

def tuples_equal():
    t = (1, 2)
    u = (1, 2)
    return t is u

def tuples_unequal(n):
    t = (1, n)
    u = (2, n)
    v = (1, n, 3)
    return t is u, t is v

def frozen():
    a = frozenset([1])
    return a is a

def passed_in(o, p):
    return o is p, o is not p, o is None

def big():
    return BIG is BIG

def big_equal(n):
    a = 2 ** n
    b = 2 ** n
    return a is b

def types(x):
    return type(x) is int, type(x) is not str, int is type(x)

def generators():
    g = (i for i in range(3))
    h = g
    return g is h, g is iter(g), iter(g) is g

def iterators(xs):
    it = iter(xs)
    return it is iter(it), iter(xs) is iter(xs)

def views(d):
    return d.keys() is d.keys(), d.items() is d.items()

def bound(l):
    return l.append is l.append

def ranges(n):
    r = range(n)
    return r is r, range(n) is range(n)

def exceptions():
    e = ValueError("x")
    f = e
    return e is f, ValueError("x") is ValueError("x")

def nones(x):
    y = None
    return x is y, y is None, x is not y

def nlargest1(xs):
    return heapq.nlargest(1, xs)
'''

class Obj:
    pass


_O = Obj()

CASES = [
    ("sentinel_local", ([],)), ("sentinel_local", ([5],)), ("sentinel_local", ([None],)),
    ("sentinel_global", ({"a": 1}, "a")), ("sentinel_global", ({"a": 1}, "b")),
    ("lists", ([1, 2],)),
    ("kinds", (1, 1.0, "1", [1])), ("kinds", (0, -0.0, "", [])),
    ("unequal", (1, 2, "a", "b")), ("unequal", (2 ** 62, -2 ** 62, "x", "xy")),
    ("functions", ()), ("tuple_one", ()), ("tuples_unequal", (3,)),
    ("passed_in", (_O, _O)), ("passed_in", (_O, Obj())), ("passed_in", ([1], [1])),
    ("passed_in", ((1, 2), (1, 2))), ("passed_in", (2 ** 70, 2 ** 70 + 1)),
    ("passed_in", (b"a", b"b")), ("passed_in", (1, 1.0)), ("passed_in", (b"ab", b"ab")),
    ("frozen", ()),
    ("big", ()), ("types", (1,)), ("types", ("s",)), ("types", (True,)),
    ("generators", ()), ("iterators", ([1, 2],)), ("views", ({1: 2},)), ("bound", ([],)),
    ("ranges", (3,)), ("exceptions", ()), ("nones", (None,)), ("nones", (0,)),
    ("floats", (1.5, 2.5)), ("nlargest1", ([3, 9, 1],)),
]

# CPython answers these from its caches and merged constants: refused
REFUSED = [
    ("equal_ints", (5,)), ("equal_ints", (10 ** 6,)), ("same_int", (7,)),
    ("equal_strings", ("abc",)), ("tuples_equal", ()),
    ("floats", (1.5, 1.5)), ("floats", (float("nan"), float("nan"))),
    ("big_equal", (70,)), ("passed_in", (2 ** 70, 2 ** 70)),
    ("passed_in", (bytes([97, 98]), bytes([97, 98]))),
]


@pytest.fixture(scope="module")
def ns():
    return run_source(SRC, "<test_translate_identity>")


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


def _id(case):
    return "%s%r" % (case[0], case[1])[:60]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_identity_as_cpython(ns, lua, case):
    name, args = case
    native = outcome(ns[name], args)
    got = outcome(lua.translate(ns[name]), args)
    assert native[0] == "ok", native
    assert got[0] == native[0] and same(got[1], native[1]), (native, got)


@pytest.mark.parametrize("case", REFUSED, ids=_id)
def test_identity_cpython_caches_decide_is_refused(ns, lua, case):
    name, args = case
    with pytest.raises(NotImplementedError, match=r"'is' between two .*\(tandem translation\)"):
        lua.translate(ns[name])(*args)
