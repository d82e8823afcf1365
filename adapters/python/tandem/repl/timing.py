"""Honest timing for :time and :race: a warm-up, batches long enough for the
clock, several rounds, the median."""
from __future__ import annotations

import statistics
import time
from typing import Any, Callable, List, Tuple

ROUNDS = 5
MIN_BATCH = 0.05        # seconds one batch must last


def fmt(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return "%.3g %s" % (seconds / scale, unit)
    return "%.3g ns" % (seconds / 1e-9)


def per_call_batched(run: Callable[[int], Any]) -> Tuple[float, int]:
    """Median seconds per call of run(k) (k calls per run) and the batch size."""
    run(1)                                  # warm-up
    n = 1
    while True:
        t0 = time.perf_counter()
        run(n)
        dt = time.perf_counter() - t0
        if dt >= MIN_BATCH or n >= 1 << 26:
            break
        n *= 2 if dt <= 0 else max(2, min(100, int(MIN_BATCH / dt) + 1))
    samples: List[float] = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        run(n)
        samples.append((time.perf_counter() - t0) / n)
    return statistics.median(samples), n


def per_call(fn: Callable[[], Any]) -> Tuple[float, int]:
    def run(k: int) -> None:
        for _ in range(k):
            fn()
    return per_call_batched(run)


class Race:
    def __init__(self, bridge: float, native: float, result: Any, n: int,
                 original: str = "Python") -> None:
        self.bridge, self.native, self.result, self.n = bridge, native, result, n
        self.original = original        # the language of the original function

    def report(self, name: str) -> str:
        ratio = self.bridge / self.native if self.native > 0 else float("inf")
        other = "Lua" if self.original == "Python" else "Python"
        across = "across the bridge (%s calls the %s function):" % (other, self.original)
        native = "translated (runs in %s):" % other
        return ("%s -> %r (same result both ways)\n"
                "  %s %s per call\n"
                "  %-*s %s per call\n"
                "  translated is %.1fx the speed (median of %d rounds, %d calls each)"
                % (name, self.result, across, fmt(self.bridge), len(across), native,
                   fmt(self.native), ratio, ROUNDS, self.n))


def race(lua: Any, fn: Any, translated: Any, args: Tuple[Any, ...]) -> Race:
    """Call fn from a Lua loop across the bridge, and its translation natively,
    with the same arguments; the results must be equal."""
    call = lua.eval("function(f, ...) return f(...) end")
    loop = lua.eval("function(f, n, ...) for i = 1, n do f(...) end end")
    via_bridge = call(fn, *args)
    native = call(translated, *args)
    if via_bridge != native or type(via_bridge) is not type(native):
        raise AssertionError("results differ: across the bridge %r, translated %r"
                             % (via_bridge, native))
    t_native, n = per_call_batched(lambda k: loop(translated, k, *args))
    t_bridge, _ = per_call_batched(lambda k: loop(fn, k, *args))
    return Race(t_bridge, t_native, native, n)


def race_from_python(fn: Any, translated: Any, args: Tuple[Any, ...]) -> Race:
    """A Lua function fn called from a Python loop across the bridge, and its
    translation into Python called natively, with the same arguments."""
    via_bridge = fn(*args)
    native = translated(*args)
    if via_bridge != native or type(via_bridge) is not type(native):
        raise AssertionError("results differ: across the bridge %r, translated %r"
                             % (via_bridge, native))

    def loop(f: Any) -> Callable[[int], None]:
        def run(k: int) -> None:
            for _ in range(k):
                f(*args)
        return run
    t_native, n = per_call_batched(loop(translated))
    t_bridge, _ = per_call_batched(loop(fn))
    return Race(t_bridge, t_native, native, n, "Lua")
