"""Integer locals that leave 64 bits (docs/translation.md, "Integers"):
translated code types a local as an integer when every assignment to it is
integer arithmetic, and checks each typed operation for overflow. A result
past 64 bits is a Python int object; the local then holds that object, and
the next typed operation on it (`x - 1`, `s + k`, `x * 3`, `x < k`, `x % 7`)
must still give Python's exact answer, not an OverflowError.

PYTEST_DONT_REWRITE

Every case runs in CPython and translated: value and type must be equal,
or the same exception type and message.
"""

import pytest

import tandem
from xlate_same import check_outcome, outcome

M = 2**63 - 1


def mul_then_sub(a):
    x = a * 3
    return x - 1


def add_twice(a):
    x = a + a
    y = x * 2
    return y // 3


def accumulate(n, k):
    s = 0
    for i in range(n):
        s += k
    return s


def doubling(n):
    s = 1
    for i in range(n):
        s += s
    return s


def tripling(n):
    s = 1
    t = 0
    for i in range(n):
        s = s * 3
        t = s - 1
    return t


def back_into_range(n):
    # past 64 bits and back: the object becomes a Lua integer again
    s = M
    s = s + n
    s = s - n
    return s + 0, s % 7, s // 2


def compare_and_mod(a):
    x = a * 5
    r = 0
    if x > 100:
        r = x % 1000003
    if x < -100:
        r = -x % 1000003
    return r, x == a * 5


def bitwise(a):
    x = a * 4
    return x & 0xFFFF, x | 1, x ^ 3, x >> 3, -x


def neg_min(a):
    x = a - 1
    return -x


def div_by_zero(a):
    x = a * 4
    return x // 0


CASES = [
    (mul_then_sub, [(5,), (2**62,), (M,), (-2**63,)]),
    (add_twice, [(5,), (2**62,), (M,), (-2**63,)]),
    (accumulate, [(10, 2**62), (10, -2**62), (3, 7)]),
    (doubling, [(10,), (63,), (64,), (70,), (130,)]),
    (tripling, [(10,), (39,), (40,), (50,)]),
    (back_into_range, [(1,), (2**62,), (M,)]),
    (compare_and_mod, [(7,), (2**62,), (-2**62,), (M,)]),
    (bitwise, [(3,), (2**62,), (-2**62,)]),
    (neg_min, [(-2**63 + 1,), (0,)]),
    (div_by_zero, [(2**62,), (1,)]),
]


@pytest.mark.parametrize("fn,argsets", CASES, ids=[c[0].__name__ for c in CASES])
def test_big_locals_as_cpython(fn, argsets):
    lua = tandem.LuaRuntime()
    tf = lua.translate(fn)
    for args in argsets:
        check_outcome(outcome(fn, args), outcome(tf, args))


def test_big_local_stays_python_int_object_in_lua():
    # called from Lua: the result past 64 bits reaches Lua code as the
    # plain function's does (thirty-second session): through the runtime's
    # overflow handler, here a Lua one keeping it a Python int object (Lua
    # integers are 64 bits), and arithmetic on it in Lua gives Python's
    # exact results; without a handler, the bridge's OverflowError
    lua = tandem.LuaRuntime()
    lua.execute("python.set_overflow_handler(function(n) return n end)")
    lua.globals().triple = lua.translate(mul_then_sub)
    r = lua.eval("(function() local x = triple(1 << 62) return x - x + 1, x * 2 end)()")
    assert r[0] == 1 and type(r[0]) is int
    assert r[1] == (3 * 2**62 - 1) * 2
    lua = tandem.LuaRuntime()
    lua.globals().triple = lua.translate(mul_then_sub)
    with pytest.raises(OverflowError, match="Python int too large for a Lua integer"):
        lua.eval("triple(1 << 62)")

