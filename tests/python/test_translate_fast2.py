"""More fast paths of translated code (docs/translation.md, "Speed"): store
loops that index the list's slots directly and set the loop variable once,
after the loop; `if o[k]:` on an inline list slot with the range check and
the slot read once; `d[k] += n` as one call (AINCR).

PYTEST_DONT_REWRITE

Every case runs in CPython and translated; value and type must be equal, or
the same exception type and message. Where a fast path is meant to be taken,
the generated source is checked for it, so a case cannot pass by falling
back; the cases the fast path must not take (bools, floats, big ints, float
and bool keys equal to int keys, missing keys, other receivers, dicts and
dict subclasses passed in from Python) are each run against CPython.
"""

import collections
import functools

import pytest

import tandem
import xlate_same

MAXI = 2 ** 63 - 1

# the arguments after the call must be the same too (a store loop writes them)
check = functools.partial(xlate_same.check, args_too=True)


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


# ---- store loops: slots indexed directly, the loop variable set after ---------

def store_after(n, a, b, s):
    flags = [True] * n
    j = "before"
    for j in range(a, b, s):
        flags[j] = False
    return j, flags


def store_two_lists(n, a, b, s):
    xs = [0] * n
    ys = [1] * n
    j = None
    for j in range(a, b, s):
        xs[j] = 7
        ys[j] = None
    return j, xs, ys


def test_store_loop_sets_the_variable_once(lua):
    lua.translate(store_after)
    src = tandem.translated_source(store_after)
    # the fast loop stores into the slot by the Lua index, with no per-item assignment
    assert "do v_flags[t" in src and "] = false end if " in src, src


@pytest.mark.parametrize("args", [
    (10, 0, 10, 1), (10, 2, 10, 3), (10, 2, 9, 3), (10, 2, 8, 3), (10, 9, -1, -1),
    (10, 9, 0, -4), (10, 9, 1, -4), (10, 3, 3, 1), (10, 5, 2, 1), (10, 2, 5, -1),
    (10, 0, 11, 1), (10, -3, 5, 1), (10, 9, -2, -1), (10, 4, 5, 100), (1, 0, 1, 1),
    (0, 0, 0, 1), (10, 0, 10, 0), (10, 0.0, 10, 1), (10, True, 5, 2),
])
def test_store_loops(lua, args):
    check(lua, store_after, args)
    check(lua, store_two_lists, args)


# ---- if o[k]: the range check and the slot read once ------------------------------

def if_slot(lo, hi):
    v = [True, False, None, 0, 1, "", "a", [], [0], 0.0, 2.5, (), {}, {0: 1}]
    out = []
    for i in range(lo, hi):
        if v[i]:
            out.append(i)
        else:
            out.append(-100 - i)
    return out


def if_slot_param(v, k):
    xs = list(v)
    if xs[k]:
        return "yes"
    return "no"


def test_if_slot_is_inline(lua):
    lua.translate(if_slot)
    src = tandem.translated_source(if_slot)
    assert "v_v[v_i + 1]; if t" in src and "== true or t" in src, src


@pytest.mark.parametrize("args", [(0, 14), (-14, 0), (-14, 14), (0, 15), (-15, 0), (3, 3)])
def test_if_slot(lua, args):
    check(lua, if_slot, args)


@pytest.mark.parametrize("args", [
    ([0, 1], 1), ([0, 1], 0), ([None], 0), ([0, 1], -1), ([0, 1], 2), ([0, 1], -3),
    ([0, 1], True), ([0, 1], False), ([0, 1], 1.0), ([0, 1], "1"), ([0, 1], 2 ** 64),
])
def test_if_slot_other_indexes(lua, args):
    check(lua, if_slot_param, args)


# ---- d[k] += n -----------------------------------------------------------------------

def aincr_counts(words):
    d = {}
    for w in words:
        d[w] = 0
    for w in words:
        d[w] += 1
    return d


def aincr_one(d, k):
    d[k] += 1
    return d


def aincr_neg(d, k):
    d[k] += -3
    d[k] += 0
    return d


def aincr_missing(words):
    d = {}
    for w in words:
        d[w] += 1
    return d


def aincr_keys():
    d = {1.0: 0, True: 0, "x": 0, 2: 0}
    k = 1
    d[k] += 1           # the key stays 1.0 (Python keeps the first key object)
    k = 2.0
    d[k] += 1           # a float key equal to an int key
    k = "x"
    d[k] += 1
    return d


class LogDict(dict):
    def __setitem__(self, k, v):
        super().__setitem__(k, v * 10)


def test_aincr_is_one_call(lua):
    for f in (aincr_counts, aincr_one, aincr_neg):
        lua.translate(f)
        assert "AINCR(v_d, v_" in tandem.translated_source(f), f.__name__


@pytest.mark.parametrize("words", [[], ["a"], ["a", "b", "a", "c", "a"], [1, 2, 1, 3], [1, "1", 1]])
def test_aincr_counts(lua, words):
    check(lua, aincr_counts, (words,))


@pytest.mark.parametrize("args", [
    ({"a": 1}, "a"), ({"a": True}, "a"), ({"a": False}, "a"), ({"a": 1.5}, "a"),
    ({"a": MAXI}, "a"), ({"a": 2 ** 70}, "a"), ({"a": -2 ** 63}, "a"), ({"a": "s"}, "a"),
    ({"a": [1]}, "a"), ({"a": None}, "a"), ({"a": 1}, "b"), ({1: 5}, 1.0), ({1: 5}, True),
    ({True: 5}, 1), ({1.0: 5}, 1), ({(1, 2): 5}, (1, 2)), ({}, "a"),
    ([1, 2, 3], 1), ([1, 2, 3], -1), ([1, 2, 3], -3), ([1, 2, 3], 3), ([1, 2, 3], -4),
    ([1, True, 3], 1), ([1, 2.5], 1), ([MAXI], 0), ([2 ** 64], 0), ([1, 2], 1.0),
    ([1, 2], True), ((1, 2), 0), ("abc", 0),
    (collections.Counter("aab"), "a"), (collections.Counter("aab"), "z"),
    (collections.defaultdict(int, a=1), "b"), (LogDict(a=1), "a"),
])
def test_aincr_receivers(lua, args):
    check(lua, aincr_one, args)
    check(lua, aincr_neg, args)


def test_aincr_missing_and_keys(lua):
    check(lua, aincr_missing, (["a"],))
    check(lua, aincr_missing, ([],))
    check(lua, aincr_keys, ())


def aincr_list(n):
    xs = [0] * 3
    for i in range(n):
        j = i % 3
        xs[j] += 1
        k = -1
        xs[k] += 2
    return xs


def test_aincr_list(lua):
    lua.translate(aincr_list)
    assert "AINCR(v_xs, " in tandem.translated_source(aincr_list)
    for n in (0, 1, 5):
        check(lua, aincr_list, (n,))


def test_aincr_python_dict_is_mutated(lua):
    d = {"a": 1}
    assert lua.translate(aincr_one)(d, "a") is d
    assert d == {"a": 2}
