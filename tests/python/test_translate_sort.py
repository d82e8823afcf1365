"""list.sort and sorted in translated code are CPython 3.11's listsort step for
step (adapters/lua/pyrt/timsort.lua): the same comparisons in the same order,
the same result with NaN, and the same partial order when a comparison raises.
Each case runs in CPython and translated; comparisons are logged by a Python
class whose __lt__ records its operands (and can raise)."""
import linecache
import math
import random

import pytest

import tandem

SRC = '''
def sort_copy(xs, rev):
    ys = list(xs)
    try:
        ys.sort(reverse=rev)
    except ValueError:
        return ['failed'] + ys
    return ys

def sort_copy_key(xs, rev):
    ys = list(xs)
    try:
        ys.sort(key=lambda p: p[0], reverse=rev)
    except ValueError:
        return ['failed'] + ys
    return ys

def sorted_key(xs, rev):
    try:
        return sorted(xs, key=lambda p: p[0], reverse=rev)
    except ValueError:
        return ['failed']

def plain(xs):
    return sorted(xs), sorted(xs, reverse=True)
'''


@pytest.fixture(scope="module")
def funcs():
    linecache.cache["<sort>"] = (len(SRC), None, SRC.splitlines(True), "<sort>")
    ns = {}
    exec(compile(SRC, "<sort>", "exec"), ns)
    lua = tandem.LuaRuntime()
    return {name: (ns[name], lua.translate(ns[name]))
            for name in ("sort_copy", "sort_copy_key", "sorted_key", "plain")}


class Logged:
    """An item whose < is logged; v == 'boom' raises ValueError."""
    __slots__ = ("v", "i", "log")

    def __init__(self, v, i, log):
        self.v, self.i, self.log = v, i, log

    def __lt__(self, other):
        self.log.append((self.i, other.i))
        if self.v == "boom" or other.v == "boom":
            raise ValueError("boom")
        return self.v < other.v


def values(rng, n, kind):
    if kind == 0:                               # many equal items
        return [rng.randrange(10) for _ in range(n)]
    if kind == 1:                               # ascending with descending runs
        vals = sorted(rng.randrange(1000) for _ in range(n))
        for _ in range(rng.randrange(5)):
            i = rng.randrange(n)
            vals[i:i + 20] = sorted(vals[i:i + 20], reverse=True)
        return vals
    if kind == 2:                               # descending, disturbed
        vals = list(range(n, 0, -1))
        for _ in range(n // 10):
            vals[rng.randrange(n)] = rng.randrange(n)
        return vals
    return [rng.random() for _ in range(n)]


def outcome(impl, name, vals, boom, rev):
    log = []
    items = [Logged(v, i, log) for i, v in enumerate(vals)]
    if boom is not None:
        items[boom].v = "boom"
    arg = items if name == "sort_copy" else [(k, k.i) for k in items]
    res = impl(arg, rev)
    ids = [x if x == "failed" else x.i if name == "sort_copy" else x[1] for x in res]
    return ids, log


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", ["sort_copy", "sort_copy_key", "sorted_key"])
def test_same_comparisons_and_partial_order(funcs, name, seed):
    rng = random.Random(seed)
    for trial in range(40):
        n = rng.choice([1, 2, 5, 31, 63, 64, 65, 100, 257, 700])
        vals = values(rng, n, rng.randrange(4))
        boom = rng.randrange(n) if n > 3 and rng.random() < 0.3 else None
        rev = rng.random() < 0.4
        native = outcome(funcs[name][0], name, vals, boom, rev)
        translated = outcome(funcs[name][1], name, vals, boom, rev)
        assert translated[0] == native[0], (n, boom, rev)
        assert translated[1] == native[1], (n, boom, rev)


@pytest.mark.parametrize("xs", [
    [3.0, math.nan, 1.0, 2.0],
    [math.nan, 5.0, 1.0, math.nan, 0.5, -1.0, 7.0],
    [1, math.nan, 0, 2.5, math.nan, -3, 9, 4, 4, 1.5] * 7,
    [[1, math.nan], [1, 0], [0, math.nan]],
])
def test_nan_orders_as_cpython(funcs, xs):
    native = funcs["plain"][0](xs)
    translated = funcs["plain"][1](xs)
    assert repr(translated) == repr(native)
