"""`with` statements in translated Python code (tandem/_withlower.py:
lowered to what CPython runs, PEP 343; pyrt/types.lua tdm_withexit,
tdm_withenter, tdm_withexc). Each case runs natively and translated on
fresh arguments and compares the result or exception and the log of what
the context managers saw (a traceback as its type: translated code's
traceback holds its own frames). It was a TranslationError ("'with'")."""

import array
import threading

import pytest

import tandem
from xlate_same import outcome, run_source, same

SRC = '''
import contextlib

class CM:
    def __init__(self, log, suppress=False, fail_exit=False):
        self.log, self.suppress, self.fail_exit = log, suppress, fail_exit
    def __enter__(self):
        self.log.append("enter")
        return 42
    def __exit__(self, t, v, tb):
        self.log.append(("exit", t.__name__ if t else None, str(v) if v else None,
                         type(tb).__name__))
        if self.fail_exit:
            raise RuntimeError("in exit")
        return self.suppress

class NoExit:
    def __enter__(self):
        return 1

class BadEnter:
    def __enter__(self):
        raise OSError("no enter")
    def __exit__(self, *a):
        return False

def basic(log):
    with CM(log) as x:
        log.append(x)
    return log

def raising(log):
    with CM(log):
        raise ValueError("boom")

def suppressed(log):
    with CM(log, True):
        raise KeyError("k")
    log.append("after")
    return log

def suppressed_python_error(log, d):
    with CM(log, True):
        d["missing"]
    return "went on"

def returning(log):
    for i in range(3):
        with CM(log):
            if i == 1:
                return i
            if i == 0:
                continue
    return -1

def breaking(log):
    while True:
        with CM(log):
            break
    return log

def two(log):
    with CM(log) as a, CM(log) as b:
        log.append(a + b)
    return log

def nested_suppress(log):
    with CM(log):
        with CM(log, True):
            raise IndexError("i")
        log.append("inner done")
    return log

def exit_raises(log):
    with CM(log, fail_exit=True):
        raise ValueError("first")

def exit_raises_clean(log):
    with CM(log, fail_exit=True):
        log.append("body")
    return log

def not_cm(x):
    with x:
        return 1

def no_exit():
    with NoExit():
        return 1

def bad_enter(log):
    with BadEnter():
        log.append("never")

def unpack_fail(log):
    with CM(log) as (a, b):
        return a

def target_item(log, d):
    with CM(log) as d["k"]:
        pass
    return d

@contextlib.contextmanager
def gen_cm(log):
    log.append("in")
    try:
        yield 5
    except ZeroDivisionError:
        log.append("caught")
    finally:
        log.append("out")

def use_gen(log, n):
    with gen_cm(log) as v:
        log.append(10 // n + v)
    return log

def use_lock(lk, log):
    with lk:
        log.append(lk.locked())
    return log, lk.locked()

def in_generator(log):
    with CM(log):
        yield 1
        yield 2

def gen_closed(log):
    out = []
    for v in in_generator(log):
        out.append(v)
        break
    log.append("after")
    return out, log
'''

# (a Lua table's proxy: a type of tandem's own, its tp_name "tandem._LuaTable")
_LUA = tandem.LuaRuntime()

CASES = [
    ("basic", lambda: ([],)), ("raising", lambda: ([],)), ("suppressed", lambda: ([],)),
    ("suppressed_python_error", lambda: ([], {})), ("returning", lambda: ([],)),
    ("breaking", lambda: ([],)), ("two", lambda: ([],)), ("nested_suppress", lambda: ([],)),
    ("exit_raises", lambda: ([],)), ("exit_raises_clean", lambda: ([],)),
    ("not_cm", lambda: (1,)), ("not_cm", lambda: ([],)), ("not_cm", lambda: (None,)),
    ("not_cm", lambda: ("s",)), ("not_cm", lambda: (iter([]),)),
    ("not_cm", lambda: (array.array("i"),)), ("not_cm", lambda: (_LUA.table(),)),
    ("no_exit", lambda: ()), ("bad_enter", lambda: ([],)),
    ("unpack_fail", lambda: ([],)), ("target_item", lambda: ([], {})),
    ("use_gen", lambda: ([], 2)), ("use_gen", lambda: ([], 0)),
    ("use_lock", lambda: (threading.Lock(), [])), ("gen_closed", lambda: ([],)),
]


@pytest.fixture(scope="module")
def ns():
    return run_source(SRC, "<test_translate_with>")


@pytest.fixture(scope="module")
def lua():
    return _LUA


_LOCK = type(threading.Lock())


def _plain(args):
    """The arguments as comparable values (a lock as its state, a Lua
    table as its Lua type)."""
    return [("lock", a.locked()) if type(a) is _LOCK else
            ("lua", tandem.lua_type(a)) if tandem.lua_type(a) is not None else a
            for a in args]


@pytest.mark.parametrize("i", range(len(CASES)), ids=["%s%d" % (c[0], i)
                                                       for i, c in enumerate(CASES)])
def test_with_as_cpython(ns, lua, i):
    name, make = CASES[i]
    a_native, a_trans = make(), make()
    native = outcome(ns[name], a_native)
    got = outcome(lua.translate(ns[name]), a_trans)
    if native[0] == "ok" and isinstance(native[1], tuple) and name == "use_lock":
        native, got = (native[0], native[1][0]), (got[0], got[1][0])
    assert got[0] == native[0] and same(got[1:], native[1:]), (native, got)
    assert same(_plain(a_trans), _plain(a_native)), (a_native, a_trans)


def test_exit_sees_a_traceback_at_the_translated_line(ns, lua):
    """An exception of translated code reaches __exit__ as the Python
    exception, its traceback ending at the line that raised it."""
    seen = []

    class Spy:
        def __enter__(self):
            return self

        def __exit__(self, t, v, tb):
            while tb.tb_next is not None:
                tb = tb.tb_next
            seen.append((t, str(v), tb.tb_frame.f_code.co_filename, tb.tb_lineno))
            return True
    ns2 = run_source('''
def f(cm):
    with cm:
        x = 1
        raise ValueError("here")
    return x
''', "<test_translate_with_tb>")
    assert lua.translate(ns2["f"])(Spy()) == 1
    assert seen == [(ValueError, "here", "<test_translate_with_tb>", 5)]
