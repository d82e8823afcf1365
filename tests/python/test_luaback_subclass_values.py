"""Instances of subclasses of int, float and str given to translated Lua
code (an IntEnum or IntFlag member, a str Enum's, a float subclass): the
bridge gives Lua their value (a number, a string), so `type`, `math.type`,
`==` and table keys see a number or a string. Translated code had the
Python object: type() 'userdata', `a == 2` false (silently different)."""

import enum

import pytest

import tandem


class E(enum.IntEnum):
    B = 2


class Fl(enum.IntFlag):
    R = 4


class F(float):
    pass


class S(str):
    pass


class Color(str, enum.Enum):
    RED = "red"


SRC = """return function(a, f)
  local t = {[2] = 'two', [4] = 'four', [2.5] = 'f', x = 'x', red = 'red'}
  local b = f and f() or a
  return type(a), math.type(a), a == 2, t[a], tostring(a), type(b), b == a, t[b]
end"""

VALUES = [E.B, Fl.R, F(2.0), F(2.5), S("x"), Color.RED, 2, "x", True, 2 ** 63 - 1]


@pytest.mark.parametrize("v", VALUES, ids=repr)
def test_subclass_values_cross_as_their_value(v):
    native_rt, xl_rt = tandem.LuaRuntime(), tandem.LuaRuntime()
    native = native_rt.execute(SRC)
    translated = xl_rt.translate(xl_rt.execute(SRC))
    # as an argument, and as the result of a Python callable
    assert translated(v, None) == native(v, None)
    assert translated(2, lambda: v) == native(2, lambda: v)
