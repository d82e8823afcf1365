"""SystemExit and MemoryError are exception classes of the runtime library
as the others are: called with arguments (`raise SystemExit(3)`) they were
called as functions ("attempt to call a class value (field 'SystemExit')").
SystemExit.code is BaseException_init's: None, the one argument, or the
arguments' tuple."""

import pytest

import tandem
from xlate_same import run_source, same

SRC = '''
def make(k):
    if k == 0:
        return SystemExit().code
    if k == 1:
        return SystemExit(5).code
    if k == 2:
        return SystemExit(1, "x").code, SystemExit(1, "x").args
    if k == 3:
        return SystemExit("bye").code
    if k == 4:
        raise SystemExit(3)
    if k == 5:
        try:
            raise SystemExit(4)
        except SystemExit as e:
            return e.code, e.args, str(e)
    if k == 6:
        try:
            raise MemoryError("m")
        except MemoryError as e:
            return type(e).__name__, e.args
    if k == 7:
        try:
            raise SystemExit(None)
        except BaseException as e:
            return e.code, repr(e)
'''


def outcome(f, args):
    try:
        return ("ok", f(*args))
    except BaseException as e:      # noqa: BLE001 — SystemExit is an outcome here
        return ("raise", type(e), str(e))


@pytest.fixture(scope="module")
def env():
    return run_source(SRC, "/tmp/tandem_test_systemexit.py"), tandem.LuaRuntime()


@pytest.mark.parametrize("k", range(8))
def test_as_cpython(env, k):
    ns, lua = env
    native, translated = outcome(ns["make"], (k,)), outcome(lua.translate(ns["make"]), (k,))
    assert native[0] == translated[0], (native, translated)
    if native[0] == "ok":
        assert same(native[1], translated[1]), (native, translated)
    else:
        assert native[1:] == translated[1:]
