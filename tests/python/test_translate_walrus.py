"""Assignment expressions (:=, PEP 572) in translated code: the value is the
expression's, the variable is written when CPython writes it (operands before
it keep the values they had), a comprehension's := binds in the enclosing
function, and a read of a := variable that may not have run is checked. Each
case runs in CPython and translated; value and type, or exception and message,
must be the same."""
import linecache

import pytest

import tandem

SRC = '''
def w1(xs):
    out = []
    for x in xs:
        if (y := x * 2) > 4:
            out.append(y)
    return out, y

def w2(a):
    return a + (a := 5), a

def w3(xs):
    return [y for x in xs if (y := x % 3)], y

def w4(n):
    if (m := n) > 10 and m < 20:
        return m
    return -m

def w5(xs):
    total = 0
    return [total := total + x for x in xs], total

def w6(a):
    return (a := a + 1) + (a := a * 10) + a, a

def w7(f, g):
    return f(f := g), f

def w8(xs):
    out = []
    while (v := xs.pop() if xs else None) is not None:
        out.append(v)
    return out

def w9(n):
    return n > 0 and (k := n * 2) or 0

def w10(xs):
    g = (z := x for x in xs)
    r = list(g)
    return r, z

def w11(a):
    return [a, (a := 7), a]

def w12(d):
    return {k: (v := k * 2) for k in d}, v

def w13(xs):
    return [[(q := y) for y in range(x)] for x in xs], q

def w14(a, b):
    return 0 < (b := a) < b + 1, b

def w15(xs):
    if any((hit := x) > 2 for x in xs):
        return hit
    return None

def w16(s):
    return [m for w in s.split() if (m := w.upper()) != w], m

def w17(n):
    total = 0
    while (n := n - 1) >= 0:
        total += n
    return total, n
'''

CASES = [("w1", ([1, 2, 3, 4],)), ("w1", ([],)), ("w2", (1,)), ("w3", ([1, 2, 3, 4, 5],)),
         ("w3", ([3, 6],)), ("w4", (15,)), ("w4", (3,)), ("w5", ([1, 2, 3],)), ("w6", (2,)),
         ("w7", (len, abs)), ("w8", ([1, 2, 3],)), ("w9", (3,)), ("w9", (0,)),
         ("w10", ([1, 2],)), ("w10", ([],)), ("w11", (1,)), ("w12", ([1, 2],)),
         ("w12", ([],)), ("w13", ([1, 2, 3],)), ("w14", (1, 9)), ("w15", ([1, 5, 7],)),
         ("w15", ([1],)), ("w16", ("ab Cd EF",)), ("w17", (4,))]


@pytest.fixture(scope="module")
def ns():
    name = "<walrus>"
    linecache.cache[name] = (len(SRC), None, SRC.splitlines(True), name)
    d = {}
    exec(compile(SRC, name, "exec"), d)
    return d


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


def outcome(f, args):
    try:
        r = f(*args)
        return ("ok", repr(r), type(r))
    except Exception as e:      # noqa: BLE001 - the exception is the outcome
        return ("raise", type(e), str(e))


@pytest.mark.parametrize("name, args", CASES)
def test_same_as_cpython(ns, lua, name, args):
    f = ns[name]
    native = outcome(f, [list(a) if isinstance(a, list) else a for a in args])
    translated = outcome(lua.translate(f), [list(a) if isinstance(a, list) else a for a in args])
    assert translated == native


def test_global_target_in_comprehension_is_refused(lua):
    src = "def wg(xs):\n    global G\n    return [G := x for x in xs]\n"
    linecache.cache["<wg>"] = (len(src), None, src.splitlines(True), "<wg>")
    d = {}
    exec(compile(src, "<wg>", "exec"), d)
    with pytest.raises(tandem.TranslationError, match="<wg>:3"):
        lua.translate(d["wg"])
