"""Slicing a range in translated code gives CPython's range: the slice's
indices clamped as slice.indices does, mapped through the range (so the repr,
the items and len agree), over a grid of ranges and slices."""
import itertools
import linecache

import pytest

import tandem

SRC = "def f(a, b, c, lo, hi, st):\n    r = range(a, b, c)[lo:hi:st]\n    return repr(r), list(r), len(r)\n"
RANGES = [(0, 10, 1), (10, 0, -1), (3, 50, 7), (-5, 5, 2), (5, -20, -3), (0, 0, 1)]
SLICES = list(itertools.product([None, 0, 2, -3, 100, -100], [None, 1, -1, 7, 100, -100],
                                [None, 1, 2, -1, -3]))


@pytest.fixture(scope="module")
def both():
    linecache.cache["<rs>"] = (len(SRC), None, SRC.splitlines(True), "<rs>")
    ns = {}
    exec(compile(SRC, "<rs>", "exec"), ns)
    return ns["f"], tandem.LuaRuntime().translate(ns["f"])


@pytest.mark.parametrize("rng", RANGES)
def test_range_slices_as_cpython(both, rng):
    f, lf = both
    for sl in SLICES:
        assert lf(*rng, *sl) == f(*rng, *sl), (rng, sl)


def test_range_slice_step_zero(both):
    f, lf = both
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        lf(0, 10, 1, None, None, 0)


BIG = '''
def big_range(n):
    return len(range(n))

def big_for(n):
    return [i for i in range(n, n + 2)]
'''


@pytest.mark.parametrize("name", ["big_range", "big_for"])
@pytest.mark.parametrize("n", [2 ** 64, -2 ** 70])
def test_range_of_int_past_64_bits_is_refused(name, n):
    """range() of an int past 64 bits: a refusal at run time, where it raised
    TypeError ("'int' object cannot be interpreted as an integer") until the
    twenty-fourth fuzzing session while CPython gives a range."""
    linecache.cache["<rbig>"] = (len(BIG), None, BIG.splitlines(True), "<rbig>")
    ns = {}
    exec(compile(BIG, "<rbig>", "exec"), ns)
    f = ns[name]
    try:
        f(n)        # CPython answers (len of range(2 ** 64): OverflowError)
    except OverflowError:
        pass
    with pytest.raises(NotImplementedError, match="range.. of an int past 64 bits"):
        tandem.LuaRuntime().translate(f)(n)


REV = '''
def rev(a, b, c):
    r = range(a, b, c)
    it = reversed(r)
    first = next(it, None)
    return type(it).__name__, first, list(it), list(reversed(r)), [i for i in reversed(r)]
'''


@pytest.mark.parametrize("rng", RANGES + [(2 ** 63 - 10, 2 ** 63 - 1, 3), (-2 ** 63 + 5, -2 ** 63, -2)])
def test_reversed_range_as_cpython(rng):
    """reversed() of a range object: CPython's range_iterator from the last
    item, where translated code raised TypeError ("'range' object is not
    reversible") until the twenty-fifth fuzzing session."""
    linecache.cache["<rrev>"] = (len(REV), None, REV.splitlines(True), "<rrev>")
    ns = {}
    exec(compile(REV, "<rrev>", "exec"), ns)
    f = ns["rev"]
    assert tandem.LuaRuntime().translate(f)(*rng) == f(*rng)
