"""Edges found by the type-directed differential fuzzer (xlate_fuzz.TypedGen),
each against CPython: round() with ndigits (floats rounded as CPython's dtoa
does, ints to multiples of ten), chr() past a C int, slice bounds and steps
past 64 bits (clamped), and refusals at run time, which no `except` of
translated code may catch (CPython would not have run that handler)."""
import linecache
import struct
import random

import pytest

import tandem
from xlate_same import check_outcome, outcome


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


SRC = '''
def rnd(x, n):
    return round(x, n)
def chr_of(i):
    return chr(i)
def sl(x, lo, hi, st):
    return x[lo:hi:st]
def sl_assign(x, lo, hi, st):
    y = list(x)
    y[lo:hi:st] = y[lo:hi:st]
    del y[lo:hi]
    return y
def upper_caught(s):
    try:
        return s.upper()
    except Exception:
        return -99
def upper_bare(s):
    try:
        return s.upper()
    except:
        return -99
def upper_nie(s):
    try:
        return s.upper()
    except NotImplementedError:
        return -99
def user_nie(s):
    try:
        raise NotImplementedError("mine")
    except NotImplementedError as e:
        return str(e)
def host_refusal(f):
    try:
        return f()
    except Exception:
        return -99
'''
NAME = "<tandem-edges>"
linecache.cache[NAME] = (len(SRC), None, SRC.splitlines(True), NAME)
NS: dict = {}
exec(compile(SRC, NAME, "exec"), NS)


def same_outcome(lua, name, *args):
    f = NS[name]
    check_outcome(outcome(f, args), outcome(lua.translate(f), args), message_too=False)


def floats():
    out = [0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 2.675, 1e300, 5e-324, 1e-320, 123456.789, 0.125,
           -0.045, float("inf"), float("-inf"), float("nan"), 9.995, 99.5, 0.05, 5.0, 50.0,
           5e-6, 1e22, 1e23, 9.999999999999999e22, 0.1, 0.7, 1234.5678, -0.4]
    r = random.Random(9)
    for _ in range(150):
        out.append(struct.unpack("d", struct.pack("Q", r.getrandbits(64)))[0])
        out.append(r.uniform(-1000, 1000))
        out.append(round(r.uniform(-100, 100), r.randint(0, 4)) + r.choice([5e-3, -5e-2]))
    return out


NDIGITS = list(range(-20, 21)) + [-400, -309, -308, -307, 300, 322, 323, 324, 400]


def test_round_float_ndigits(lua):
    f, lf = NS["rnd"], lua.translate(NS["rnd"])
    for x in floats():
        for n in NDIGITS:
            check_outcome(outcome(f, (x, n)), outcome(lf, (x, n)))


@pytest.mark.parametrize("x", [0, 7, -7, 15, 25, 35, -25, 1250, -1250, 999999999999999999,
                               2 ** 62, -2 ** 63, 2 ** 63 - 1, True, False])
def test_round_int_ndigits(lua, x):
    for n in NDIGITS + [True, None]:
        same_outcome(lua, "rnd", x, n)


@pytest.mark.parametrize("args", [(2.5, 2.0), (2.5, "1"), ([1], 1), ([1], int), ("x", 1),
                                  (2 ** 70, -3), (2.5, 2 ** 70), (2.5, -2 ** 70),
                                  (15, 2 ** 70), (1.0, None)])
def test_round_ndigits_odd_arguments(lua, args):
    same_outcome(lua, "rnd", *args)


@pytest.mark.parametrize("i", [0, 65, 0x10ffff, 0x110000, -1, 2 ** 31 - 1, 2 ** 31, -2 ** 31,
                               -2 ** 31 - 1, 2 ** 62, -2 ** 63, 2 ** 100, True, 1.0, "a"])
def test_chr_bounds(lua, i):
    same_outcome(lua, "chr_of", i)


BOUNDS = [None, 0, 1, -1, 3, -4, -2 ** 63, 2 ** 63 - 1, 2 ** 63, -2 ** 63 - 1, 2 ** 70, -2 ** 70]
STEPS = [None, 1, -1, 2, -3, 2 ** 63 - 1, -2 ** 63, -2 ** 63 + 1, 2 ** 70, -2 ** 70, 0]


@pytest.mark.parametrize("name", ["sl", "sl_assign"])
@pytest.mark.parametrize("x", ["abcdef", "\u00fc\u20acabc", [1, 2, 3, 4, 5], (1, 2, 3)])
def test_slices_past_64_bits(lua, name, x):
    f, lf = NS[name], lua.translate(NS[name])
    for lo in BOUNDS:
        for hi in BOUNDS:
            for st in STEPS:
                check_outcome(outcome(f, (x, lo, hi, st)), outcome(lf, (x, lo, hi, st)),
                              message_too=False)


@pytest.mark.parametrize("name", ["upper_caught", "upper_bare", "upper_nie"])
def test_refusal_is_not_caught_by_except(lua, name):
    lf = lua.translate(NS[name])
    assert lf("abc") == "ABC"
    # str.upper of a non-ASCII str is refused at run time: no handler runs
    with pytest.raises(NotImplementedError, match=r"\(tandem translation\)"):
        lf("\u00fc\u20aca")


def test_user_not_implemented_error_is_caught(lua):
    same_outcome(lua, "user_nie", "x")


def test_refusal_from_the_host_is_not_caught(lua):
    def refuses():
        raise NotImplementedError("what the host cannot do (tandem translation)")

    def fine():
        raise ValueError("ordinary")
    lf = lua.translate(NS["host_refusal"])
    assert lf(fine) == -99
    with pytest.raises(NotImplementedError, match="the host cannot do"):
        lf(refuses)
