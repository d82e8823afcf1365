"""A list or dict translated code made, changed by a Python callable that
does not keep it (docs/translation.md, "Containers translated code made,
handed to Python"): random.shuffle(xs), bisect.insort(xs, x), a helper
appending to its argument or filling a dict. The callee gets a copy; its
changes were refused (NotImplementedError "a Python callable changed a
list ..."). They are copied back now, so translated code's container holds
what CPython's one object holds, with the identity of the containers
inside it kept (a copy of one is that one); a callee that gives its
argument back as its result returns the container itself. A callee that
keeps a reference, or changes a set, is still refused.
"""

import sys
import types

import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source

HELPERS = '''
KEPT = []

def append(xs, x):
    xs.append(x)

def fill(d):
    d["b"] = [1, 2]
    d.pop("a")
    d[(3, 4)] = "t"

def ident(xs):
    xs.append(7)
    return xs

def reverse(xs):
    xs.reverse()

def inner(xs):
    xs[0].append(9)

def add(s):
    s.add(3)

def keep(xs):
    KEPT.append(xs)

def clear(xs):
    del xs[:]

def raises(xs):
    xs.append(1)
    raise ValueError("after a change")

def apply(xs, cb):
    xs.append("pre")
    cb()
    xs.append("post")

def setitem(d, k, v):
    d[k] = v

def take_first(w):
    KEPT.append(w[0])
    w.clear()
'''

SRC = '''
import bisect
import random
import tdm_copyback_helpers as H

def shuffled():
    xs = list(range(10))
    random.seed(5)
    random.shuffle(xs)
    return xs

def insorted():
    xs = [1, 3, 5]
    bisect.insort(xs, 4)
    bisect.insort(xs, 0)
    return xs, len(xs)

def appended():
    inner = [9]
    xs = [inner, 1]
    H.append(xs, inner)
    inner.append(10)
    return xs, xs[0] is inner, xs[2] is inner

def filled():
    d = {"a": 1, (1, 2): "p"}
    H.fill(d)
    d["z"] = 26
    return d, d[(3, 4)], (3, 4) in d, list(d)

def given_back():
    xs = [1]
    ys = H.ident(xs)
    ys.append(2)
    return xs, ys is xs

def reversed_rows():
    rows = [[1], [2]]
    a, b = rows
    H.reverse(rows)
    rows[0].append(5)
    return rows, rows[0] is b, rows[1] is a, b

def inner_changed():
    rows = [[1], [2]]
    first = rows[0]
    H.inner(rows)
    return rows, first, first is rows[0]

def cleared():
    xs = [1, 2, 3]
    H.clear(xs)
    xs.append(4)
    return xs, len(xs)

def left_again():
    xs = [1]
    H.append(xs, 2)
    H.append(xs, 3)
    return xs

def set_changed():
    s = {1, 2}
    H.add(s)
    return s

def kept():
    xs = [1]
    H.keep(xs)
    return xs

def values_in_a_loop():
    d = {1: 1, 2: 2, "k": [0]}
    for k in d:
        H.setitem(d, k, 5)
    return d

def changed_by_a_callback_too():
    xs = [0]
    def cb():
        xs.append(1)
    H.apply(xs, cb)
    return xs

def moved_out_of_a_display():
    xs = [1]
    H.take_first([xs])
    xs.append(2)
    return xs

def changed_then_raised():
    xs = [0]
    try:
        H.raises(xs)
    except ValueError:
        return "caught", xs
'''

NAMES = ["shuffled", "insorted", "appended", "filled", "given_back", "reversed_rows",
         "inner_changed", "cleared", "left_again", "values_in_a_loop"]


@pytest.fixture(scope="module")
def env():
    mod = types.ModuleType("tdm_copyback_helpers")
    exec(compile(HELPERS, "<tdm copyback helpers>", "exec"), mod.__dict__)
    sys.modules[mod.__name__] = mod
    try:
        yield tandem.LuaRuntime(), run_source(SRC, "<tandem-test copy back>"), mod
    finally:
        del sys.modules[mod.__name__]


@pytest.mark.parametrize("name", NAMES)
def test_changes_copied_back(env, name):
    lua, ns, _ = env
    f = ns[name]
    check_outcome(outcome(f, ()), outcome(lua.translate(f), ()))


# a callback of translated code changing the container during the call
# (the copy back would lose its change); a copy moved from a display into
# a list the callee keeps (its count did not grow)
@pytest.mark.parametrize("name", ["set_changed", "kept", "changed_then_raised",
                                  "changed_by_a_callback_too", "moved_out_of_a_display"])
def test_still_refused(env, name):
    lua, ns, mod = env
    assert outcome(ns[name], ())[0] == "ok"
    mod.KEPT.clear()
    with pytest.raises(NotImplementedError, match=r"\(tandem translation\)$"):
        lua.translate(ns[name])()
