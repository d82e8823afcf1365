"""Augmented assignment (x op= y) in translated code for every operator, on a
name, an item and a slice, over operands of every kind (ints at the 64-bit
edge, floats, bools, None, str, list, tuple, dict, set, and Python objects
that arrive as proxies). Each case runs in CPython and translated: the same
value and type, or the same exception and message (CPython names the
augmented operator: "unsupported operand type(s) for +=")."""
import copy
import fractions
import linecache

import pytest

import tandem

OPS = ["+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^"]

SRC = "".join('''
def name_{i}(a, b):
    a {op}= b
    return a

def item_{i}(a, b):
    t = [0, a]
    t[1] {op}= b
    return t[1]

def made_{i}(b):
    a = [1, 2]
    c = a
    a {op}= b
    c.append(0)                 # seen through a when the list changed in place
    return a, c
'''.format(i=i, op=op) for i, op in enumerate(OPS)) + '''
def slice_add(a, b):
    a[1:3] += b
    return a

def slice_mul(a):
    a[::2] *= 2
    return a

def slice_made(b):
    a = [1, 2, 3, 4]
    a[-2:] += b
    a[:1] *= 3
    return a
'''

OPERANDS = [3, -7, 0, 2 ** 62, -(2 ** 63), 1.5, -0.0, True, None, "ab", [1, 2], (3,),
            {1: 2}, {5}, fractions.Fraction(1, 3)]


@pytest.fixture(scope="module")
def ns():
    linecache.cache["<aug>"] = (len(SRC), None, SRC.splitlines(True), "<aug>")
    d = {}
    exec(compile(SRC, "<aug>", "exec"), d)
    return d


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


def outcome(f, *args):
    args = copy.deepcopy(args)
    try:
        r = f(*args)
        return ("ok", repr(r), type(r).__name__, repr(args))
    except Exception as e:      # noqa: BLE001 - the exception is the outcome
        return ("raise", type(e).__name__, str(e))


@pytest.mark.parametrize("i", range(len(OPS)), ids=OPS)
def test_every_operator_on_names_and_items(ns, lua, i):
    for kind in ("name", "item"):
        f = ns["%s_%d" % (kind, i)]
        lf = lua.translate(f)
        for a in OPERANDS:
            for b in OPERANDS:
                if OPS[i] in ("**", "<<", "*") and isinstance(b, int) and abs(b) > 64:
                    continue        # 3 ** 2**62: CPython would not finish either
                native = outcome(f, a, b)
                if native[0] == "raise" and native[1] in ("OverflowError", "MemoryError"):
                    continue
                translated = outcome(lf, a, b)
                if translated[0] == "raise" and translated[1] == "NotImplementedError":
                    continue        # refused, never a different answer
                assert translated == native, (kind, OPS[i], a, b)


@pytest.mark.parametrize("i", range(len(OPS)), ids=OPS)
def test_lists_made_in_translated_code(ns, lua, i):
    f = ns["made_%d" % i]
    lf = lua.translate(f)
    for b in [[3], (4, 5), 2, "xy", None, 1.5]:
        assert outcome(lf, b) == outcome(f, b), (OPS[i], b)


@pytest.mark.parametrize("name, args", [
    ("slice_add", ([1, 2, 3, 4], [7])), ("slice_add", ([1], (5, 6))),
    ("slice_add", ((1, 2), [1])), ("slice_add", ([1, 2, 3], 5)), ("slice_mul", ([1, 2, 3, 4, 5],)),
    ("slice_mul", ([1, 2],)), ("slice_made", ([9],)), ("slice_made", ("xy",)),
    ("slice_made", (3,)),
])
def test_slices(ns, lua, name, args):
    assert outcome(lua.translate(ns[name]), *args) == outcome(ns[name], *args)
