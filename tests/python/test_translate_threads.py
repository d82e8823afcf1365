"""Translated functions in a process with other Python threads (pcall.c,
TDMS_EXCL_KEPT): a translated function is Python code, so it keeps the GIL
as CPython's code does, gives the other threads their turns at the
watchdog's polls (every 20 ms), and keeps what it reads as on a sole thread.
Before, with any other thread alive the GIL was released and every global
read crossed: fib(20) took 13x as long next to a sleeping thread."""

import threading
import time

import pytest

import tandem
from xlate_same import count_host_ops, run_source

SRC = '''
import time
STEP = 3
def helper(x):
    return x + STEP
def loop(n):
    s = 0
    for i in range(n):
        s += helper(i) % 7
    return s
def spin(seconds):
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        for i in range(2000):
            n += i % 3
    return n
'''


@pytest.fixture(scope="module")
def ns():
    return run_source(SRC, "<test_translate_threads>")


def _with_idle_thread(run):
    """run() while another Python thread exists (it waits on an event)."""
    ev = threading.Event()
    t = threading.Thread(target=ev.wait)
    t.start()
    try:
        return run()
    finally:
        ev.set()
        t.join()


def test_reads_kept_with_another_thread_alive(ns):
    lua = tandem.LuaRuntime()
    lf = lua.translate(ns["loop"])
    assert lf(50) == ns["loop"](50)

    def counted():
        t0 = time.monotonic()
        cnt = count_host_ops(lambda: lf(3000))
        return cnt, int((time.monotonic() - t0) / 0.020) + 1
    cnt, polls = _with_idle_thread(counted)
    # helper and STEP: each read once, then once more after each poll of
    # the watchdog (the other thread's turn); it was 6000 (every read)
    assert 1 <= cnt["global"] <= 2 * (1 + polls) + 2, (cnt, polls)
    assert _with_idle_thread(lambda: lf(3000)) == ns["loop"](3000)


def test_keyword_calls_keep_reads_too(ns):
    """A keyword call (its arguments bound by pyrt's keyword entry) keeps
    the GIL as a positional call does: it crossed with the GIL released,
    so with another thread alive every global read crossed (6000)."""
    lua = tandem.LuaRuntime()
    lf = lua.translate(ns["loop"])
    assert lf(n=50) == ns["loop"](50)

    def counted():
        t0 = time.monotonic()
        cnt = count_host_ops(lambda: lf(n=3000))
        return cnt, int((time.monotonic() - t0) / 0.020) + 1
    cnt, polls = _with_idle_thread(counted)
    assert 1 <= cnt["global"] <= 2 * (1 + polls) + 2, (cnt, polls)


@pytest.mark.parametrize("where", ["main", "worker"])
def test_other_threads_get_turns(ns, where):
    """A translated loop of about 0.3 s keeps the GIL; a Python thread
    counting meanwhile still advances (its turns come at the watchdog's
    polls), whichever of the two runs on the main thread."""
    lua = tandem.LuaRuntime()
    lf = lua.translate(ns["spin"])
    count = [0]
    stop = threading.Event()
    res = []

    def counter():
        while not stop.is_set():
            count[0] += 1

    def translated():
        res.append(lf(0.3))

    if where == "main":
        t = threading.Thread(target=counter)
        t.start()
        time.sleep(0.01)
        c0 = count[0]
        translated()
        c1 = count[0]
        stop.set()
        t.join()
    else:
        t = threading.Thread(target=translated)
        c0 = count[0]
        t.start()
        while t.is_alive():
            count[0] += 1
        t.join()
        c1 = count[0]
    assert res and res[0] > 0
    assert c1 - c0 > 1000, c1 - c0


def test_a_read_during_which_another_thread_ran(ns):
    """A global read (a crossing counted as pure: the values kept before it
    stay valid) during which another thread took the GIL and rebound a
    global kept before it: the next read of that global sees the new value,
    as in CPython (pgil.c: the GIL's hand-overs are counted). The read of B
    meets a key of the module's dict with B's hash whose __eq__ waits (the
    GIL given away) while the other thread sets A."""
    go, done = threading.Event(), threading.Event()

    class Collider:
        fired = False
        armed = False

        def __hash__(self):
            return hash("B")

        def __eq__(self, other):
            if Collider.armed and not Collider.fired and threading.current_thread() is main:
                Collider.fired = True
                go.set()
                done.wait(5)
            return False

    main = threading.current_thread()
    g = {"__name__": "collide"}
    g[Collider()] = 0           # first in B's probe sequence
    src = '''
A = 1
B = 10
def f():
    a1 = A
    b = B
    a2 = A
    return a1, b, a2
'''
    run_source(src, "<test_translate_threads_collide>", g)

    def setter():
        go.wait(5)
        g["A"] = 2
        done.set()
    t = threading.Thread(target=setter)
    t.start()
    try:
        lua = tandem.LuaRuntime()
        lf = lua.translate(g["f"])
        Collider.armed = True
        got = lf()
    finally:
        go.set()
        done.set()
        t.join()
    assert Collider.fired
    assert got == (1, 10, 2), got
