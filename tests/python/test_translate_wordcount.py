"""The word-count fast paths of translated code (docs/translation.md, "Speed";
docs/performance.md): `str.split()` without a separator on any text (Python's
whitespace, ASCII and Unicode; "%S+" on long strings when that is exact), and
`d[k] = d.get(k, c) + n` / `d[k] += n` inline when d is a dict local.

PYTEST_DONT_REWRITE

Every case runs in CPython and translated; value and type must be equal (dicts
in the same order), or the same exception type and message. Where a fast path
is meant to be taken, the generated source is checked for it.
"""

import sys

import pytest

import tandem
from xlate_same import check

MAXI, MINI = 2 ** 63 - 1, -2 ** 63

# every character str.split() splits on, from CPython itself
PY_WS = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


# ---- str.split() without a separator ----------------------------------------------

def split_list(s):
    return s.split()


def split_max(s, k):
    return s.split(None, k)


def split_kw(s, k):
    return s.split(maxsplit=k)


def split_loop(s):
    out = []
    for w in s.split():
        out.append(w)
    return out


def split_many(xs):
    return [x.split() for x in xs]


def test_the_whitespace_premise():
    # the runtime's table: ASCII \t\n\v\f\r, \x1c-\x1f, space, and beyond ASCII
    # exactly these, all starting with the UTF-8 bytes \xc2, \xe1, \xe2, \xe3
    beyond = [c for c in PY_WS if ord(c) >= 0x80]
    assert [ord(c) for c in PY_WS if ord(c) < 0x80] == [9, 10, 11, 12, 13, 28, 29, 30, 31, 32]
    assert [ord(c) for c in beyond] == [0x85, 0xA0, 0x1680] + list(range(0x2000, 0x200B)) \
        + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
    assert {c.encode()[0] for c in beyond} == {0xC2, 0xE1, 0xE2, 0xE3}


def test_split_streams_and_lists(lua):
    lua.translate(split_loop)
    assert "SPLITW(" in tandem.translated_source(split_loop)


TRICKY = [
    "", " ", "a", " a ", "a b", "  a  b  ", "\t\n\x0b\x0c\r", "a\x1cb\x1dc\x1ed\x1fe",
    "\x1c\x1d\x1e\x1f", "a\x00b c\x00", "a\x7fb c", "é", " é è ", "日本 語", "a😀 b 😀",
    "a\u3000b", "\u3000a\u3000", "a\x85b\xa0c", "a\u1680b\u2000c\u200ad\u2028e\u2029f\u202fg"
    "\u205fh", "a\u200bb",      # ZERO WIDTH SPACE is not whitespace to Python
    "a\u00a1b \u2010c\u2060d\u3001e\u1681f\u180eg\u2030h\u2100",   # same lead bytes, not spaces
    "\u00a0", "\u2003\u2003", " \u2028 \u2029 ", "\xa0\xa0a\xa0\xa0", "a\u00a0\u3000 \tb",
]


@pytest.mark.parametrize("s", TRICKY + [c.join(["x", "y", ""]) for c in PY_WS], ids=repr)
def test_split(lua, s):
    check(lua, split_list, (s,))
    check(lua, split_loop, (s,))
    for k in (-1, 0, 1, 2):
        check(lua, split_max, (s, k))
        check(lua, split_kw, (s, k))


LONG = [
    " w1  w2\tw3\n" * 300,                          # the "%S+" path
    ("word " * 400) + "\x1c" + ("x " * 10),         # \x1c: not "%S+"
    ("word " * 400) + "\x1f",
    ("wörd " * 400) + "end",                       # non-ASCII, no non-ASCII space: "%S+"
    ("word " * 400) + "\u3000tail",                 # a non-ASCII space at the end
    "\xa0" + ("word " * 400),                       # ... at the start
    ("a\u2009b " * 300) + "\u2009",
    ("日本\u3000語 " * 300),
    ("x" * 3000),
    (" " * 3000),
    ("\u3000" * 1000),
    "\t".join(["y"] * 1000) + "\x00",
]


@pytest.mark.parametrize("s", LONG, ids=lambda s: repr(s[:12]) + "...%d" % len(s))
def test_split_long(lua, s):
    check(lua, split_list, (s,))
    check(lua, split_loop, (s,))
    for k in (0, 1, 7, 1000):
        check(lua, split_max, (s, k))


def test_split_every_character_with_the_lead_bytes(lua):
    # every code point below U+0800 (ASCII and the two-byte ones, \xc2 among
    # their lead bytes) and U+1000-U+3FFF (the lead bytes \xe1-\xe3), one by one
    # (short strings) and all in one long string
    cps = [c for c in list(range(0x800)) + list(range(0x1000, 0x4000))]
    xs = ["a" + chr(c) + "b" for c in cps]
    check(lua, split_many, (xs,))
    check(lua, split_list, ("".join(xs),))
    check(lua, split_loop, (" ".join(xs),))


def test_split_other_receivers(lua):
    check(lua, split_loop, (["x", "y"],))
    check(lua, split_loop, (None,))
    check(lua, split_list, (5,))


# ---- d[k] = d.get(k, c) + n and d[k] += n on a dict local: inline ----------------------

def wordcount(text):
    counts = {}
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    return counts


def wordcount_aug(text):
    counts = {}
    for w in text.split():
        if w not in counts:
            counts[w] = 0
        counts[w] += 1
    return counts


def incr_values(start, keys, n_neg):
    d = {"a": start, 1: start, None: start, (1, 2): start, 2.5: start}
    for k in keys:
        d[k] = d.get(k, 0) + 1
    e = dict(d)
    for k in keys:
        e[k] = e.get(k, 3) + n_neg
    return d, e


def incr_neg(start, keys):
    d = {"a": start, 1: start}
    for k in keys:
        d[k] = d.get(k, 0) - 2
        d[k] += -1
    return d


def incr_tuple_keys(start):
    d = {(1, 2): start, (): start, "x": start}
    ks = [(1, 2), (1, 2), (), ("x",), "x", (1, 2.0), (True, 2)]
    for k in ks:
        d[k] = d.get(k, 0) + 1
        d[k] += 1
    return d


def incr_unhashable(which):
    d = {"a": 1}
    k = [1] if which == 0 else ({} if which == 1 else {1, 2})
    d[k] = d.get(k, 0) + 1
    return d


def incr_unhashable_aug(which):
    d = {"a": 1}
    k = [1] if which == 0 else {}
    d[k] += 1
    return d


def incr_zero(start, keys):
    d = {"a": start, 1: start}
    for k in keys:
        d[k] = d.get(k, 0) + 0
        d[k] += 0
    return d


def incr_aug(start, keys):
    d = {"a": start, 1: start, None: start}
    for k in keys:
        d[k] += 1
    return d


def incr_mutating(keys):
    d = {}
    for i, k in enumerate(keys):
        d[k] = d.get(k, 10) + 1
        if i == 3:
            del d[k]
        if i == 6:
            d.clear()
        if i == 9:
            d = {"fresh": 0}
        if i == 12:
            d = dict(zip(keys, range(len(keys))))
    return d


def incr_many_deletes(n):
    d = {}
    for i in range(n):
        k = "k%d" % (i % 40)
        d[k] = d.get(k, 0) + 1
        if i % 3 == 0:
            del d[k]            # compacts the dict (new pos and vals tables) now and then
    return d


def incr_param(d, k):
    d[k] = d.get(k, 0) + 1
    d[k] += 1
    return d


def incr_shared(keys):
    d = {}

    def peek():
        return len(d)
    for k in keys:
        d[k] = d.get(k, 0) + 1
    return d, peek()


def incr_reassigned(keys, other):
    d = {}
    for k in keys:
        d[k] = d.get(k, 0) + 1
    d = other
    for k in keys:
        d[k] = d.get(k, 0) + 1
    return d


def test_inline_increments_are_taken(lua):
    for f in (wordcount, incr_values, incr_zero, incr_mutating):
        lua.translate(f)
        src = tandem.translated_source(f)
        assert "ISINT(" in src and ".pos[" in src, f.__name__
        assert "DINCR(v_" in src, f.__name__          # the slow path stays
    for f in (wordcount_aug, incr_aug):
        lua.translate(f)
        src = tandem.translated_source(f)
        assert "ISINT(" in src and "AINCR(v_" in src, f.__name__


def test_no_inline_when_the_local_may_hold_anything(lua):
    # a parameter, a local shared with a nested function, a local assigned a
    # parameter: DINCR/AINCR as before; a negative increment is a negation in
    # the IR, not a literal: the general statement
    for f in (incr_param, incr_shared, incr_reassigned, incr_neg):
        lua.translate(f)
        src = tandem.translated_source(f)
        assert "ISINT(" not in src, f.__name__


WC_TEXTS = ["", "a", "a b a c a b", "the cat the hat\tthe\nbat", "é e é\u3000e", "1 1.0 True",
            " ".join("w%d" % (i % 7) for i in range(100))]


@pytest.mark.parametrize("text", WC_TEXTS, ids=repr)
def test_wordcount(lua, text):
    check(lua, wordcount, (text,))
    check(lua, wordcount_aug, (text,))


# (a Python tuple passed in is a Python object, not a key translated code
# hashes: tuple keys are made inside, incr_tuple_keys)
KEYS = [["a", "a", "b", "a"], [1, 1.0, True, 2, 1], [None, None, 2.5, 2.5],
        [0, -0.0, 0.0, False], ["b", "c", "b"], [], [float("inf")], [-1.5, 10 ** 6]]


@pytest.mark.parametrize("keys", KEYS, ids=repr)
@pytest.mark.parametrize("start", [0, 5, -7, MAXI - 1, MAXI, MINI, MINI + 1, 1.5, -0.0, True,
                                   False, 2 ** 70, "s", None, [1]], ids=repr)
def test_inline_values_and_keys(lua, keys, start):
    check(lua, incr_values, (start, keys, -4))
    check(lua, incr_values, (start, keys, MINI))
    check(lua, incr_neg, (start, keys))
    check(lua, incr_zero, (start, keys))
    check(lua, incr_tuple_keys, (start,))
    check(lua, incr_aug, (start, keys))


def test_inline_mutations(lua):
    check(lua, incr_mutating, (["a", "b", "a", "c", "a", "b", "a", "c", "d", "a", "b",
                                "fresh", "a", "x", "a"],))
    check(lua, incr_many_deletes, (500,))


@pytest.mark.parametrize("args", [({"a": 1}, "a"), ({}, "a"), ([1], 0), ({1: MAXI}, 1.0),
                                  ({True: 2}, 1), ({"a": 1.5}, "a")], ids=repr)
def test_not_inline_receivers(lua, args):
    check(lua, incr_param, args)
    check(lua, incr_shared, (["a", "b", "a"],))
    check(lua, incr_reassigned, (["a", "b", "a"], args[0]))


@pytest.mark.parametrize("which", [0, 1, 2])
def test_inline_unhashable_keys(lua, which):
    check(lua, incr_unhashable, (which,))
    check(lua, incr_unhashable_aug, (min(which, 1),))


def test_inline_missing_key_raises(lua):
    check(lua, incr_aug, (0, ["zz"]))
    check(lua, incr_aug, (0, [2]))
