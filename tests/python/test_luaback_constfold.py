"""<const> locals whose initializer Lua folds into a compile-time constant
(lcode.c constfolding: arithmetic and bitwise operators on numeric
constants, unless a division by zero, a conversion error, a NaN or a float
zero), captured by a closure (docs/translation.md, "The Lua front end").
Lua compiles such a constant into the closure: it is no upvalue. The
front end folded only literals and unary minus, so `local F <const> =
2^53` captured by a function was refused ("no function starting at line
N", a wrong reason); it folds as Lua does now. Where Lua does not fold,
the translation still refuses or gives the native answer, never another.
"""

import re

import pytest

import tandem

FOLDED = ["2^53", "10 // 3", "1 / 2", "7 % -3", "-7 // 2", "3.5 % -2", "1 << 63", "1 << 64",
          "-1 >> 1", "5 & 3.0", "2^0.5", "9007199254740993 * 1.0", "-(1/0)", "7 ~ 2",
          "2^-1074", "(2^53 + 1) // 1", "10 // 3.0", "0x7fffffffffffffff * 2",
          "-9223372036854775807 - 1 // -1", "5 // -1", "2^1024", "-2^1024", "1e308 * 10",
          "4 >> -1", "1 << -65", "3 * 4 + 2 ^ 2", "(1 + 2) * 3 // 2", "~5 & 0xff",
          # float modulo takes the divisor's sign (luai_nummod; a wrong fold here
          # was a silently different constant)
          "-7 % -4.0", "-7.5 % -2", "7 % -4.0", "-7 % 4.0", "(-7 % -4.0) | 0", "-1e308 % 3.0",
          "7.5 % 2", "-7 // 2.0", "7 // -2.0"]
NOT_FOLDED = ["1/0", "0/0", "3 - 3.0", "1 // 0", "1 % 0", "5 // 0.0", "1.5 | 1", "-0.0",
              "'10' + 1", "1 and 2", "math.maxinteger + 1", "3 % math.huge"]


def _src(e):
    return "local F <const> = %s\nreturn function()\n  return F, math.type(F)\nend" % e


def _run(e, translated):
    lua = tandem.LuaRuntime()
    try:
        f = lua.execute(_src(e))
        return ("ok",) + tuple(lua.translate(f)() if translated else f())
    except tandem.LuaError as x:
        return ("err", re.sub(r"<lua:\d+>", "<lua>", str(x)))


@pytest.mark.parametrize("e", FOLDED)
def test_folded_constants_translate(e):
    native = _run(e, False)
    assert native[0] == "ok"
    assert repr(_run(e, True)) == repr(native)


@pytest.mark.parametrize("e", NOT_FOLDED)
def test_other_constants_refused_or_native(e):
    native = _run(e, False)
    try:
        got = _run(e, True)
    except tandem.TranslationError as x:
        assert "compile-time constant" in str(x)
        return
    assert repr(got) == repr(native)


def _random_expr(rnd, depth):
    if depth == 0 or rnd.random() < 0.3:
        return rnd.choice(["0", "1", "2", "3", "-4", "7", "0.5", "-2.5", "3.0", "-7.0", "1e300",
                           "0x7fffffffffffffff", "-9223372036854775807", "2^53", "63", "64"])
    op = rnd.choice(["+", "-", "*", "/", "//", "%", "^", "&", "|", "~", "<<", ">>"])
    if rnd.random() < 0.15:
        return "-(%s)" % _random_expr(rnd, depth - 1)
    return "(%s %s %s)" % (_random_expr(rnd, depth - 1), op, _random_expr(rnd, depth - 1))


def test_random_constant_expressions():
    """Seeded random expressions over numeric literals: wherever the native
    chunk runs, the translation gives its value and type, or refuses."""
    import random
    rnd = random.Random(3101)
    compared = 0
    for _ in range(400):
        e = _random_expr(rnd, 3)
        native = _run(e, False)
        if native[0] != "ok":
            continue
        try:
            got = _run(e, True)
        except tandem.TranslationError as x:
            assert "compile-time constant" in str(x), e
            continue
        assert repr(got) == repr(native), e
        compared += 1
    assert compared > 100
