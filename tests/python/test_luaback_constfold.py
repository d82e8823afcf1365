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
          "4 >> -1", "1 << -65", "3 * 4 + 2 ^ 2", "(1 + 2) * 3 // 2", "~5 & 0xff"]
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
