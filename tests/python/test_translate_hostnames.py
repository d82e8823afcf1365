"""Python's own builtins and exception classes in translated code.

A builtin the runtime does not implement (complex, bytes, object, open,
issubclass, OSError ...) is read at call time like a global and called
through the host; builtins that look at the calling frame or at object
identity (locals, vars, globals, eval, exec, super, dir, id, breakpoint) are
refused. An `except` clause may name any exception class: another builtin
one, a module's own, one reached by an attribute (json.JSONDecodeError), or
a variable holding one; CPython's TypeError for a class that is not one.
Compared with CPython: value and type, or exception type and message."""
import json

import pytest

import tandem
from xlate_same import case_id, check_case, run_source


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


SRC = '''
class AppError(Exception):
    pass

class SubError(AppError):
    pass

MISSING = object()

def builtins_of_python(n):
    z = complex(n, 1)
    b = bytes([n % 256, 65])
    ba = bytearray(b"xy")
    ba.append(n % 256)
    return z, z.imag, b, b.hex(), bytes(ba), issubclass(bool, int), \\
        issubclass(SubError, AppError), frozenset({n}), slice(1, n).stop, ascii("é")

def sentinel(d, k):
    v = d.get(k, MISSING)
    return "missing" if v is MISSING else v

def catch_builtin(n):
    try:
        if n == 0:
            raise OSError(2, "no file")
        if n == 1:
            raise UnicodeError("bad")
        if n == 2:
            return b"\\xff".decode("utf-8")
        return int("x")
    except (OSError, UnicodeDecodeError) as e:
        return "caught", type(e).__name__, e.args[0]
    except UnicodeError as e:
        return "unicode", str(e)
    except LookupError:
        return "lookup"

def catch_own(n):
    try:
        if n == 0:
            raise SubError("sub", n)
        if n == 1:
            raise AppError("app")
        if n == 2:
            return json.loads("{bad")
        return 1 // 0
    except SubError as e:
        return "sub", e.args
    except AppError as e:
        return "app", str(e)
    except json.JSONDecodeError as e:
        return "json", e.pos
    except ArithmeticError:
        return "arith"

def catch_given(cls, n):
    try:
        if n == 0:
            raise ValueError("v")
        if n == 1:
            raise KeyError("k")
        return "none"
    except cls:
        return "caught"
    except Exception:
        return "other"

def catch_not_a_class(n):
    try:
        raise ValueError(n)
    except MISSING:
        return "caught"

def raise_own(n):
    raise SubError("raised", n)

def helper(x):
    return x

def is_helper(g):
    def inner():
        return 0
    return g is helper, g is not helper, helper is g, inner is helper, g is MISSING

def python_constants(n):
    big = 1180591620717411303424
    return big == 2 ** 70, big + n, -99999999999999999999 // 7, b"\\x00\\xff" + bytes([n]), \
        3j * 2, (1 + 2j) * n, {big: 1}[2 ** 70], type(big) is int, len(b"abc")

def python_keywords(s, n):
    # Python's own builtins take any keyword, * and ** (CPython checks them)
    args = [s]
    kw = {"encoding": "ascii"}
    return (bytes(s, encoding="ascii"), bytes(*args, **kw), complex(real=n, imag=2),
            int.from_bytes(b"\\x01\\x00", byteorder="little"), bytearray(s, "ascii", errors="strict"))

def python_bad_keyword(s):
    return bytes(s, encoding="ascii", bogus=1)

def python_bad_star(n):
    return complex(*[n, 2, 3])

def python_bad_dstar(n):
    return complex(n, **{"real": 1})

def constant_twice(n):
    out = []
    for i in range(n):
        out.append(b"k")
    return out, [x is out[0] for x in out]
'''

NS = run_source(SRC, "<test_translate_hostnames>", {"json": json})


def f(name):
    return NS[name]


CASES = [(f("builtins_of_python"), (n,)) for n in (0, 3, 300)]
CASES += [(f("sentinel"), ({"a": 1}, k)) for k in ("a", "b")]
CASES += [(f("catch_builtin"), (n,)) for n in range(4)]
CASES += [(f("catch_own"), (n,)) for n in range(4)]
CASES += [(f("catch_given"), (cls, n)) for cls in (ValueError, LookupError,
                                                   (KeyError, ValueError), NS["AppError"])
          for n in range(3)]
CASES += [(f("catch_not_a_class"), (0,)), (f("raise_own"), (5,))]
CASES += [(f("python_constants"), (n,)) for n in (0, 7)]
CASES += [(f("python_keywords"), ("ab", 3)), (f("python_keywords"), ("é", 3)),
          (f("python_bad_keyword"), ("ab",)), (f("python_bad_star"), (1,)),
          (f("python_bad_dstar"), (1,))]
CASES += [(f("is_helper"), (g,)) for g in (NS["helper"], NS["MISSING"], len, 3, None)]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_against_cpython(lua, case):
    check_case(lua, case)


@pytest.mark.parametrize("name", ["locals", "vars", "globals", "dir"])
def test_frame_builtins_are_refused(lua, name):
    ns = run_source("def g(x):\n    return %s(x) if x else %s\n" % (name, name),
                    "<test_translate_hostnames_%s>" % name)
    with pytest.raises(tandem.TranslationError, match=r"the builtin '%s'" % name):
        lua.translate(ns["g"])


def test_refusal_is_not_caught_by_a_python_class(lua):
    ns = run_source('''
def g(x):
    try:
        return list(x).__sizeof__()
    except NotImplementedError:
        return "caught"
''', "<test_translate_hostnames_refusal>")
    with pytest.raises(NotImplementedError, match=r"\(tandem translation\)"):
        lua.translate(ns["g"])("ab")

