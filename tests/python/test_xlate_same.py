"""xlate_same.same(), the value comparison of the translation tests: it must say
"different" wherever any of the copies it replaced did (type at every level,
NaN, signed zero, key order and key types, set order, views, iterators,
exception args), and "same" for equal values built apart."""
import collections
import math

import pytest

from xlate_same import case_id, check_outcome, outcome, same

NAN = float("nan")


def _cyclic(tail):
    lst = [1]
    lst.append(lst)
    lst.append(tail)
    return lst


SAME = [
    (1, 1), (True, True), (None, None), ("é", "é"), (b"\x00", b"\x00"),
    (1.5, 1.5), (-0.0, -0.0), (NAN, float("nan")), (math.inf, math.inf),
    ([1, (2.0, "x")], [1, (2.0, "x")]), ((), ()),
    ({1: "a", "b": [None]}, {1: "a", "b": [None]}),
    ({3, 1, 2}, {3, 1, 2}), (frozenset("ab"), frozenset("ab")),
    ({1: 2}.keys(), {1: 2}.keys()), ({1: [2]}.values(), {1: [2]}.values()),
    ({1: 2}.items(), {1: 2}.items()),
    (iter([1, 2.0]), iter([1, 2.0])), ((x for x in "ab"), (x for x in "ab")),
    (ValueError("m", 1), ValueError("m", 1)),
    (collections.Counter("aab"), collections.Counter("aab")),
    (_cyclic(0), _cyclic(0)),
]

DIFFERENT = [
    (1, 1.0), (1.0, 1), (True, 1), (1, True), (False, 0), (0, None), ("1", 1),
    (NAN, 1.0), (1.0, NAN), (NAN, None), (0.0, -0.0), (-0.0, 0.0), (1.5, 2.5),
    ([1, 2], (1, 2)), ((1, 2), [1, 2]), ([1, 2], [1, 2, 3]), ([1, 2], [2, 1]),
    ([[1, [2, 3]]], [[1, [2, 3.0]]]), ([(0.0,)], [(-0.0,)]), ([True], [1]),
    ({1: "a"}, {1.0: "a"}), ({1: "a"}, {True: "a"}), ({1: 1}, {1: True}),
    ({1: 1, 2: 2}, {2: 2, 1: 1}), ({"k": [1]}, {"k": (1,)}),
    ({1: 2}, collections.OrderedDict({1: 2})), ({1: 2}, collections.Counter({1: 2})),
    ({1, 2}, frozenset({1, 2})), ({1}, {True}),
    ({1: 2}.keys(), {1: 2}.values()), ({1: 2, 3: 4}.keys(), {3: 4, 1: 2}.keys()),
    ({1: 2}.values(), {1: 2.0}.values()), ({1: 2}.items(), {1: True}.items()),
    (iter([1, 2]), iter([1, 2.0])), (iter([1, 2]), iter((1, 2))),
    (iter([1, 2]), [1, 2]), (iter([1]), iter([1, 2])),
    (ValueError("m"), ValueError("n")), (ValueError("m"), TypeError("m")),
    (ValueError(1), ValueError(True)),
    (_cyclic(0), _cyclic(1)),
]


@pytest.mark.parametrize("a, b", SAME, ids=[repr(c) for c in SAME])
def test_says_same(a, b):
    assert same(a, b)


@pytest.mark.parametrize("a, b", DIFFERENT, ids=[repr(c) for c in DIFFERENT])
def test_says_different(a, b):
    assert not same(a, b)


def test_equal_sets_in_another_order_differ():
    a, b = set(), set()
    for x in (1, 9, 17):
        a.add(x)
    for x in (17, 9, 1):
        b.add(x)
    assert a == b and list(a) != list(b)
    assert not same(a, b)
    assert not same(frozenset(a), frozenset(b))


def test_a_list_that_contains_itself():
    a, b = [], []
    a.append(a)
    b.append(b)
    assert same(a, b)
    assert not same(a, [[[]]])


def test_outcome_and_check_outcome():
    args = ([1],)

    def grow(lst):
        lst.append(2)
        return len(lst)

    assert outcome(grow, args, copy_args=True) == ("ok", 2, ([1, 2],))
    assert args == ([1],)                       # the case's own args untouched
    assert outcome(grow, args) == ("ok", 2) and args == ([1, 2],)
    assert outcome(int, ("x",)) == ("raise", ValueError,
                                    "invalid literal for int() with base 10: 'x'")
    assert outcome(dict, (), {"a": 1}) == ("ok", {"a": 1})
    check_outcome(("ok", 1), ("ok", 1))
    check_outcome(("raise", KeyError, "'k'"), ("raise", KeyError, "'k'"))
    check_outcome(("ok", 1, [2]), ("ok", 1, [2.0]))  # the args only with args_too
    for native, translated, args_too in [
            (("ok", 1), ("ok", 1.0), False), (("ok", 1), ("raise", KeyError, "1"), False),
            (("raise", KeyError, "1"), ("ok", 1), False),
            (("raise", KeyError, "1"), ("raise", LookupError, "1"), False),
            (("raise", KeyError, "1"), ("raise", KeyError, "2"), False),
            (("ok", 1, [2]), ("ok", 1, [2.0]), True)]:
        with pytest.raises(AssertionError):
            check_outcome(native, translated, args_too)


def test_check_outcome_type_only_and_case_id():
    check_outcome(("raise", KeyError, "1"), ("raise", KeyError, "2"), message_too=False)
    for translated in [("raise", LookupError, "1"), ("ok", 1)]:
        with pytest.raises(AssertionError):
            check_outcome(("raise", KeyError, "1"), translated, message_too=False)
    assert case_id((len, ("x" * 80,))) == "len(%r,)" % ("x" * 80)     # not cut
