"""Exceptions among the arguments of an exception, and the RuntimeError of
PEP 479 (docs/translation.md, "Exceptions"). `raise RuntimeError(e)` with
e an exception translated code caught (the common wrap), and anything
raising such an exception, ended in tandem.LuaError('exception: 0x...'):
the argument could not leave translated code, and that refusal escaped as
a bare Lua error. The argument is now the exception's Python object, and
an argument that cannot leave raises its refusal. The RuntimeError a
generator raises for a StopIteration escaping it had no __cause__ and
__context__ (CPython's _PyErr_FormatFromCause sets both).
"""

import pytest

import tandem
from xlate_same import check_case, run_source

SRC = '''
def wrap():
    try:
        1 / 0
    except ZeroDivisionError as k:
        raise RuntimeError(k)

def wrap_caught():
    try:
        raise ValueError(KeyError(1))
    except ValueError as e:
        return str(e), repr(e.args), type(e.args[0]).__name__

def wrap_kept():
    inner = KeyError("k")
    try:
        raise ValueError(inner, 2)
    except ValueError as e:
        return e.args[0] is inner, e.args[1]

def nested_three():
    try:
        raise TypeError(ValueError(KeyError("deep")))
    except TypeError as e:
        return str(e), str(e.args[0]), repr(e.args[0].args[0])

def wrap_from():
    try:
        int("x")
    except ValueError as k:
        raise LookupError("while parsing", k) from k

def send_exception():
    def g():
        x = yield 1
        return x
    it = g()
    next(it)
    it.send(StopIteration(3))

def unexportable_arg():
    raise ValueError(iter([1, 2]))

def pep479():
    def g():
        yield 1
        raise StopIteration("leak")
    try:
        list(g())
    except RuntimeError as e:
        return (str(e), repr(e.__cause__), repr(e.__context__), e.__suppress_context__,
                e.__cause__ is e.__context__)

def pep479_next():
    def g():
        yield 1
        next(iter([]))
    try:
        for _ in g():
            pass
    except RuntimeError as e:
        return type(e.__cause__).__name__, type(e.__context__).__name__

def pep479_escapes():
    def g():
        yield 1
        raise StopIteration("out")
    return list(g())
'''

NAMES = ["wrap", "wrap_caught", "wrap_kept", "nested_three", "wrap_from", "send_exception",
         "pep479", "pep479_next", "pep479_escapes"]


@pytest.fixture(scope="module")
def env():
    return tandem.LuaRuntime(), run_source(SRC, "<tandem-test exc args>")


@pytest.mark.parametrize("name", NAMES)
def test_as_cpython(env, name):
    check_case(env[0], (env[1][name], ()))


@pytest.mark.parametrize("name", ["wrap", "wrap_from", "pep479_escapes"])
def test_chain_reaches_python(env, name):
    """The exception leaving translated code carries CPython's chain."""
    lua, ns = env
    got = []
    for f in (ns[name], lua.translate(ns[name])):
        try:
            f()
        except Exception as e:      # noqa: BLE001 — compared below
            got.append((type(e), str(e), repr(e.__cause__), repr(e.__context__),
                        e.__suppress_context__, repr(e.args)))
    assert len(got) == 2 and got[0] == got[1]


def test_an_argument_that_cannot_leave_is_refused(env):
    """An iterator made by translated code cannot leave it: its refusal is
    what is raised (not a bare Lua error)."""
    lua, ns = env
    with pytest.raises(NotImplementedError, match=r"\(tandem translation\)$"):
        lua.translate(ns["unexportable_arg"])()
