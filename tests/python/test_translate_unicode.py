"""Text beyond ASCII in translated code against CPython, for every code point
(surrogates aside: they cannot cross): repr() (printable characters kept,
the others escaped as \\xNN, \\uNNNN, \\UNNNNNNNN; pyrt/unicode.lua's ranges),
str.isprintable(), str.isspace() and strip/lstrip/rstrip by Python's
whitespace or by given characters."""

import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


SRC = '''
def reprs(s):
    return repr(s)
def each_repr(s):
    return [repr(c) for c in s]
def printable(s):
    return [c.isprintable() for c in s], s.isprintable()
def spaces(s):
    return [c.isspace() for c in s], s.isspace()
def shown(x, s):
    return f"{s!r}|%r|{[s, x]}" % (s,)
def strips(s, chars):
    return s.strip(chars), s.lstrip(chars), s.rstrip(chars)
def strips_ws(s):
    return s.strip(), s.lstrip(), s.rstrip(), s.split()
'''
NS = run_source(SRC, "<tandem-unicode>")


def compare(lua, name, *args):
    f = NS[name]
    check_outcome(outcome(f, args), outcome(lua.translate(f), args))


def chunks(size):
    """Every code point but the surrogates, in strings of `size`."""
    cps = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(cps), size):
        yield "".join(map(chr, cps[i:i + size]))


def test_repr_of_every_code_point(lua):
    lf = lua.translate(NS["each_repr"])
    for s in chunks(1024):
        assert lf(s) == NS["each_repr"](s), s[0]


@pytest.mark.parametrize("s", ["\u00e9t\u00e9", "a'b\u20ac", "a'b\"\u20ac", "\x85\xa0\xad",
                               "\u2028\u2029\ufeff\u200b", "\U0001f600\U000e0001\U0010ffff",
                               "\t\n\x00\x7f\u0378", "'\u00ff'", ""])
def test_repr_in_strings_and_containers(lua, s):
    compare(lua, "reprs", s)
    compare(lua, "shown", 1, s)


def test_isprintable_and_isspace_of_every_code_point(lua):
    for name in ("printable", "spaces"):
        lf = lua.translate(NS[name])
        for s in chunks(4096):
            assert lf(s) == NS[name](s), (name, s[0])


WS = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f" \
     "\u3000"


@pytest.mark.parametrize("s", ["\u3000\u00e9t\u00e9\x85 ", WS + "x" + WS, WS, "\u200bx\u200b",
                               "\u20ac\u20acab\u20ac", "\xa0\u00fc\xa0", "x", ""])
def test_strip_beyond_ascii(lua, s):
    compare(lua, "strips_ws", s)
    for chars in ["\u20ac", "\u20aca", "\xa0\u3000", "x", "", None, "\u00fc\xa0"]:
        compare(lua, "strips", s, chars)
