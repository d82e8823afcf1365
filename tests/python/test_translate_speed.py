"""Translation fast paths (docs/translation.md, "Speed"): the global-read
cache and typed emission must never change an answer.

PYTEST_DONT_REWRITE

Every case runs in CPython and translated; value and type must be equal, or
the same exception type and message.
"""

import math
import threading
import time

import pytest

import tandem

MAXI, MINI = 2 ** 63 - 1, -2 ** 63


def same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def outcome(f, args):
    try:
        return ("ok", f(*args))
    except Exception as e:      # noqa: BLE001 — every exception is an outcome here
        return ("raise", type(e), str(e))


def big(v):
    if isinstance(v, int) and not isinstance(v, bool):
        return not MINI <= v <= MAXI
    if isinstance(v, (list, tuple)):
        return any(big(x) for x in v)
    return False


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


# ---- global reads: the cache is invalidated whenever other code may have run ----

VAL = 0
FLAG = False


class Poke:
    """A callable that is not a function (called through the bridge): rebinds VAL."""

    def __init__(self, to):
        self.to = to

    def __call__(self):
        global VAL
        VAL = self.to


poke = Poke(0)


def g_read():
    return VAL


def g_two():
    a = VAL
    poke()
    return (a, VAL)


def g_two_arg(cb):
    a = VAL
    b = VAL
    cb()
    return (a, b, VAL)


def g_loop_calls(cb, n):
    out = []
    for i in range(n):
        out.append(VAL)
        cb(i)
    return out


def g_rec(n):
    if n == 0:
        poke()
        return 0
    return g_rec(n - 1) + VAL


def g_spin(limit):
    n = 0
    while not FLAG:
        n += 1
        if n > limit:
            return -1
    return n


def test_global_changed_between_calls(lua):
    global VAL
    lf = lua.translate(g_read)
    for v in (1, "x", None, 2.5, 3):
        VAL = v
        assert same(lf(), v)


def test_global_changed_by_python_callee(lua):
    global VAL
    VAL, poke.to = 1, 2
    assert lua.translate(g_two)() == (1, 2)
    VAL = 5

    def cb():
        global VAL
        VAL = 6
    assert lua.translate(g_two_arg)(cb) == (5, 5, 6)

    VAL = 0

    def step(i):
        global VAL
        VAL = i + 1
    assert lua.translate(g_loop_calls)(step, 4) == [0, 1, 2, 3]


def test_global_changed_in_recursion(lua):
    global VAL
    VAL, poke.to = 1, 10
    # the innermost call rebinds VAL; every frame adds it after that
    assert lua.translate(g_rec)(5) == g_rec(5) == 50
    VAL, poke.to = 1, 10
    assert g_rec(5) == 50


def test_recursive_global_rebound(lua):
    """fib reads `fib` at each call: rebinding it between calls is seen."""
    global g_rec
    saved = g_rec
    lf = lua.translate(saved)
    try:
        g_rec = lambda n: 1000      # noqa: E731
        assert lf(3) == saved(3)
    finally:
        g_rec = saved


def test_global_changed_by_another_thread(lua):
    """With another Python thread alive the GIL is released while Lua runs:
    every read must see the other thread's write."""
    global FLAG
    FLAG = False
    lf = lua.translate(g_spin)

    def setter():
        global FLAG
        time.sleep(0.05)
        FLAG = True
    t = threading.Thread(target=setter)
    t.start()
    try:
        n = lf(10 ** 8)
    finally:
        t.join()
    assert n > 0


def test_global_changed_by_thread_started_inside(lua):
    """A thread started by a Python callee of translated code (the crossing
    was exclusive when it began): translated code must see its write."""
    global FLAG
    FLAG = False
    threads = []

    def start():
        def setter():
            global FLAG
            time.sleep(0.05)
            FLAG = True
        t = threading.Thread(target=setter)
        threads.append(t)
        t.start()
    try:
        n = lua.translate(g_spin_cb)(start, 10 ** 8)
    finally:
        for t in threads:
            t.join()
    assert n > 0


def g_spin_cb(cb, limit):
    cb()
    return g_spin(limit)
