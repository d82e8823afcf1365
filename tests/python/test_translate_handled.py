"""The exception being handled (CPython's sys.exc_info()) in code translated
into Lua, run natively and translated: same value and type, or the same
exception and message.

Before the twenty-ninth session translated code knew it only lexically: a
bare `raise` in a function called from an except clause raised
RuntimeError("No active exception to reraise") where CPython re-raises the
handled exception, `sys.exc_info()` and `logging.exception()` in Python code
called from an except clause saw no exception, `e.__context__` was refused
and an exception leaving translated code had no `__context__`. Now the
runtime keeps the handled exception (rt.exc, pyrt/core.lua), restores it
when the try statement is left, swaps it with generators, tells the host
(Python code called from an except clause runs inside one), and sets
`__context__` at raise time as CPython does."""
import io
import logging
import traceback

import pytest

import tandem
from xlate_same import check_outcome, outcome, run_source

SRC = '''
import sys
import traceback

def helper_reraise():
    raise

def bare_raise_in_helper(x):
    try:
        try:
            1 / x
        except ZeroDivisionError:
            helper_reraise()
    except ZeroDivisionError as e:
        return "re-raised: " + str(e)
    except RuntimeError as e:
        return "runtime: " + str(e)

def bare_raise_nothing_handled(x):
    try:
        helper_reraise()
    except RuntimeError as e:
        return str(e)

def after_handler_nothing_handled(x):
    try:
        1 / x
    except ZeroDivisionError:
        pass
    try:
        helper_reraise()
    except RuntimeError as e:
        return "after: " + str(e)

def exc_info_name(x):
    try:
        1 / x
    except ZeroDivisionError:
        return sys.exc_info()[0].__name__, str(sys.exc_info()[1])

def exc_info_after(x):
    try:
        1 / x
    except ZeroDivisionError:
        pass
    return sys.exc_info()

def exception_in_helper():
    return repr(sys.exception())

def sys_exception_in_callee(x):
    try:
        {}[x]
    except KeyError:
        return exception_in_helper()

def format_exc_last_line(x):
    try:
        int(x)
    except ValueError:
        return traceback.format_exc().strip().splitlines()[-1]

def context_inside(x):
    try:
        try:
            1 / x
        except ZeroDivisionError:
            raise ValueError("v")
    except ValueError as e:
        return type(e.__context__).__name__, e.__cause__, e.__suppress_context__

def cause_inside(x):
    try:
        try:
            1 / x
        except ZeroDivisionError as z:
            raise ValueError("v") from z
    except ValueError as e:
        return (type(e.__cause__).__name__, type(e.__context__).__name__,
                e.__suppress_context__)

def from_none_inside(x):
    try:
        try:
            1 / x
        except ZeroDivisionError:
            raise ValueError("v") from None
    except ValueError as e:
        return e.__cause__, type(e.__context__).__name__, e.__suppress_context__

def no_context(x):
    try:
        raise ValueError(x)
    except ValueError as e:
        return e.__context__, e.__cause__, e.__suppress_context__

def reraise_same_no_context(x):
    try:
        try:
            raise KeyError(x)
        except KeyError as k:
            raise k
    except KeyError as e:
        return e.__context__

def context_cycle_cut(x):
    try:
        raise KeyError(x)
    except KeyError as a:
        try:
            raise ValueError(x)
        except ValueError:
            try:
                raise a
            except KeyError as again:
                return (again is a, type(a.__context__).__name__,
                        a.__context__.__context__)

def runtime_error_gets_context(x):
    try:
        try:
            [][x]
        except IndexError:
            return 1 // 0
    except ZeroDivisionError as e:
        return type(e.__context__).__name__

def nested_handlers_restore(x):
    out = []
    try:
        raise KeyError(x)
    except KeyError:
        try:
            raise ValueError(x)
        except ValueError:
            out.append(sys.exc_info()[0].__name__)
        out.append(sys.exc_info()[0].__name__)
    out.append(sys.exc_info()[0])
    return out

def gen_in_handler():
    try:
        raise KeyError("g")
    except KeyError:
        yield sys.exc_info()[0].__name__
        yield sys.exc_info()[0].__name__

def generator_keeps_its_own(x):
    g = gen_in_handler()
    first = next(g)
    outside = sys.exc_info()[0]
    second = next(g)
    return first, outside, second

def gen_sees_caller():
    yield sys.exc_info()[0]

def generator_sees_callers(x):
    g = gen_sees_caller()
    try:
        1 / x
    except ZeroDivisionError:
        inside = next(g).__name__
    return inside

def raises_with_context(x):
    try:
        1 / x
    except ZeroDivisionError:
        raise ValueError("while handling")

def raises_from(x):
    try:
        1 / x
    except ZeroDivisionError as z:
        raise ValueError("from") from z

def raises_from_none(x):
    try:
        1 / x
    except ZeroDivisionError:
        raise ValueError("none") from None

def log_exception(log):
    try:
        {}["missing"]
    except KeyError:
        log.exception("lookup failed")
    return "logged"

def finally_sees_pending(x):
    out = []
    try:
        try:
            1 / x
        finally:
            out.append(sys.exc_info()[0])
    except ZeroDivisionError:
        out.append(sys.exc_info()[0].__name__)
    out.append(sys.exc_info()[0])
    return out

def finally_without_exception(x):
    out = []
    try:
        out.append(x)
    finally:
        out.append(sys.exc_info()[0])
    return out

def finally_context(x):
    try:
        try:
            1 / x
        finally:
            raise ValueError("in finally")
    except ValueError as e:
        return type(e.__context__).__name__

def finally_bare_raise(x):
    try:
        try:
            1 / x
        finally:
            reraise_pending()
    except ZeroDivisionError as e:
        return "pending re-raised: " + str(e)

def reraise_pending():
    raise

def finally_return(x):
    for i in range(2):
        try:
            1 / x
        finally:
            if i == 0:
                continue
            return sys.exc_info()[0]

def finally_exits_then_state(x):
    out = []
    for i in range(3):
        try:
            try:
                1 / x
            finally:
                out.append(sys.exc_info()[0])
                if i == 0:
                    continue
                if i == 1:
                    try:
                        break
                    finally:
                        out.append(sys.exc_info()[0])
        finally:
            out.append(sys.exc_info()[0])
        out.append("not reached")
    out.append(sys.exc_info()[0])
    out.append(nested_return(x))
    out.append(sys.exc_info()[0])
    return out

def nested_return(x):
    try:
        1 / x
    finally:
        try:
            raise KeyError(x)
        finally:
            return sys.exc_info()[0].__name__

def escapes_finally(x):
    try:
        1 / x
    finally:
        raise KeyError("from finally")

def after_escape(x):
    try:
        escapes_finally(x)
    except KeyError:
        pass
    return sys.exc_info()[0]

class AppError(Exception):
    pass

def python_exception_context(x):
    try:
        try:
            1 / x
        except ZeroDivisionError:
            raise AppError("app")
    except AppError as e:
        return type(e.__context__).__name__, e.__suppress_context__

def python_exception_class_raised(x):
    try:
        raise AppError
    except AppError as e:
        return repr(e), e.__context__

def python_exception_from(x):
    try:
        try:
            1 / x
        except ZeroDivisionError as z:
            raise AppError("f") from z
    except AppError as e:
        return type(e.__cause__).__name__, type(e.__context__).__name__, e.__suppress_context__

def runtime_exception_from_python_one(x):
    try:
        try:
            raise AppError("first")
        except AppError as a:
            raise ValueError("second") from a
    except ValueError as e:
        return type(e.__cause__).__name__, str(e.__cause__)

def raise_not_an_exception(x):
    try:
        raise AppError.__name__ if x else ZeroDivisionError
    except TypeError as e:
        return str(e)

def python_escape(x):
    try:
        1 / x
    except ZeroDivisionError:
        raise AppError("out")

def loop_of_handlers(n):
    d = {}
    misses = 0
    for i in range(n):
        try:
            d[i % 3]
        except KeyError:
            misses += 1
            d[i % 3] = i
    return misses, sys.exc_info()[0]
'''

NS = run_source(SRC, "<handled>")

CASES = [
    "bare_raise_in_helper", "bare_raise_nothing_handled", "after_handler_nothing_handled",
    "exc_info_name", "exc_info_after", "sys_exception_in_callee", "format_exc_last_line",
    "context_inside", "cause_inside", "from_none_inside", "no_context",
    "reraise_same_no_context", "context_cycle_cut", "runtime_error_gets_context",
    "nested_handlers_restore", "generator_keeps_its_own", "generator_sees_callers",
    "loop_of_handlers", "finally_sees_pending", "finally_without_exception", "finally_context",
    "finally_bare_raise", "after_escape", "finally_return", "finally_exits_then_state",
    "python_exception_context", "python_exception_class_raised", "python_exception_from",
    "runtime_exception_from_python_one", "raise_not_an_exception",
]
ARGS_EXTRA = {"raise_not_an_exception": (1,)}
ARGS = {"format_exc_last_line": ("x1",), "sys_exception_in_callee": ("k",),
        "loop_of_handlers": (10,)}


@pytest.fixture(scope="module")
def lua():
    return tandem.LuaRuntime()


@pytest.mark.parametrize("name", CASES)
def test_handled_exception(lua, name):
    f = NS[name]
    args = ARGS.get(name, ARGS_EXTRA.get(name, (0,)))
    check_outcome(outcome(f, args), outcome(lua.translate(f), args))


@pytest.mark.parametrize("name", ["raises_with_context", "raises_from", "raises_from_none",
                                  "python_escape"])
def test_escaping_exception_keeps_cause_and_context(lua, name):
    f = NS[name]
    got = []
    for run in (f, lua.translate(f)):
        with pytest.raises(Exception) as ei:
            run(0)
        e = ei.value
        got.append((str(e), type(e.__cause__), type(e.__context__), e.__suppress_context__))
    assert got[0] == got[1]


def test_escaping_context_not_replaced_by_the_callers(lua):
    """Called from a Python except clause: the exception raised while
    translated code handled its own keeps that one as __context__."""
    f = NS["raises_with_context"]
    tf = lua.translate(f)
    for run in (f, tf):
        try:
            raise KeyError("outer")
        except KeyError:
            with pytest.raises(ValueError) as ei:
                run(0)
        assert type(ei.value.__context__) is ZeroDivisionError


def test_traceback_text_chains_the_handled_exception(lua):
    f = NS["raises_with_context"]
    with pytest.raises(ValueError) as ei:
        lua.translate(f)(0)
    text = "".join(traceback.format_exception(ei.value))
    assert "ZeroDivisionError" in text
    assert "During handling of the above exception, another exception occurred" in text


def test_logging_exception_sees_the_handled_exception(lua):
    outs = []
    for run in (NS["log_exception"], lua.translate(NS["log_exception"])):
        stream = io.StringIO()
        log = logging.getLogger("tandem.test.handled")
        handler = logging.StreamHandler(stream)
        log.addHandler(handler)
        log.propagate = False
        try:
            assert run(log) == "logged"
        finally:
            log.removeHandler(handler)
        outs.append(stream.getvalue())
    for out in outs:
        assert out.startswith("lookup failed\nTraceback (most recent call last):")
        assert out.rstrip().endswith("KeyError: 'missing'")


def test_host_state_cleared_after_the_handler(lua):
    """After an except clause that called Python code, Python code called
    later sees no exception (the host was told when the clause was left,
    also when it was left by an exception)."""
    src = '''
import sys
def probe():
    return sys.exc_info()[0]

def leaves_by_exception(x):
    try:
        1 / x
    except ZeroDivisionError:
        probe()
        raise ValueError("out")

def after(x):
    try:
        leaves_by_exception(x)
    except ValueError:
        pass
    return probe()
'''
    ns = run_source(src, "<handled2>")
    tf = lua.translate(ns["after"])
    assert tf(0) is None
    assert lua.translate(ns["probe"])() is None


def test_error_leaving_a_finally_block_drops_its_exception(lua):
    """A finally block run for an exception, left by another exception with
    no try statement around it in the function: when the error leaves
    translated code for Python, what the block handled is dropped (the next
    call sees no handled exception)."""
    esc = lua.translate(NS["escapes_finally"])
    with pytest.raises(KeyError) as ei:
        esc(0)
    assert type(ei.value.__context__) is ZeroDivisionError
    probe = run_source("import sys\ndef probe():\n    return sys.exc_info()[0]\n"
                       "def bare():\n    raise\n", "<handled3>")
    assert lua.translate(probe["probe"])() is None
    with pytest.raises(RuntimeError, match="No active exception to reraise"):
        lua.translate(probe["bare"])()




def test_units_share_the_handled_exception(lua):
    """A unit translated while an except clause of another runs (the
    runtime's operations then call Python through the new unit's hook):
    Python code the clause calls afterwards still sees the exception (one
    state per runtime, not per unit)."""
    src = '''
import sys
def probe():
    return sys.exc_info()[0].__name__

def late():
    return 1

def caller(x):
    try:
        1 / x
    except ZeroDivisionError:
        TRANSLATE_NOW()
        return probe()
'''
    ns = run_source(src, "<handled4>")
    rt = tandem.LuaRuntime()
    ns["TRANSLATE_NOW"] = lambda: None
    assert ns["caller"](0) == "ZeroDivisionError"
    ns["TRANSLATE_NOW"] = lambda: rt.translate(ns["late"])()
    assert rt.translate(ns["caller"])(0) == "ZeroDivisionError"


TB_SRC = '''
def tb_outer(x):
    def tb_inner(y):
        try:
            return 1 / y
        finally:
            pass
    return tb_inner(x)

def tb_top(x):
    try:
        raise ValueError(x)
    except KeyError:
        pass

def tb_lambda(x):
    f = lambda y: [][y]
    return f(x)
'''


@pytest.mark.parametrize("name,where", [("tb_outer", (5, "tb_inner")),
                                        ("tb_top", (12, "tb_top")),
                                        ("tb_lambda", (17, "<lambda>"))])
def test_traceback_names_the_function(lua, name, where):
    """The innermost traceback entry of an exception raised in translated
    code names its line and function as CPython's does, also inside a try
    body or a nested function (before: `<module>`; lxlate.c span_add,
    rt.funcspans)."""
    f = run_source(TB_SRC, "<tbnames>")[name]
    for run in (f, lua.translate(f)):
        with pytest.raises(Exception) as ei:
            run(0)
        frames = [(fr.lineno, fr.name) for fr in traceback.extract_tb(ei.value.__traceback__)
                  if fr.filename == "<tbnames>"]
        assert frames[-1] == where


TB_LIB = '''
# a module of helpers another module's functions call


def lib_check(x):
    if x < 0:
        raise ValueError("negative: %d" % x)
    return x


def lib_nested(x):
    def inner(y):
        return [1, 2][y]
    return inner(x)
'''

TB_APP = '''
def app_main(x):
    return lib_check(x) + lib_nested(x)
'''


@pytest.mark.parametrize("arg,where", [(-1, (7, "lib_check")), (5, (13, "inner"))])
def test_traceback_names_the_file_of_another_module(lua, arg, where):
    """A function of another module translated with its caller (its unit's
    chunks carry the caller's file name) raises with its own file in the
    traceback (it named the caller's file with the library's line)."""
    lib = run_source(TB_LIB, "<tblib>")
    f = run_source(TB_APP, "<tbapp>", {"lib_check": lib["lib_check"],
                                       "lib_nested": lib["lib_nested"]})["app_main"]
    for run in (f, lua.translate(f)):
        with pytest.raises((ValueError, IndexError)) as ei:
            run(arg)
        last = traceback.extract_tb(ei.value.__traceback__)[-1]
        assert (last.filename, last.lineno, last.name) == ("<tblib>",) + where


RETURN_SRC = '''
def ret_local_import():
    import sys
    try:
        raise ValueError("m")
    except ValueError:
        return sys.exc_info()[0]

def ret_format_exc():
    import traceback
    try:
        raise KeyError("k")
    except KeyError:
        return traceback.format_exc().splitlines()[-1]

def ret_in_finally():
    import sys
    try:
        try:
            raise TypeError("t")
        finally:
            return sys.exc_info()[0]
    except TypeError:
        return "escaped"

def ret_helper():
    try:
        raise ValueError("v")
    except ValueError:
        return helper_exc_name()

def helper_exc_name():
    import sys
    e = sys.exc_info()[1]
    return type(e).__name__ if e is not None else None
'''


@pytest.mark.parametrize("name", ["ret_local_import", "ret_format_exc", "ret_in_finally",
                                  "ret_helper"])
def test_return_value_computed_while_handling(lua, name):
    """`return EXPR` in an except clause or a finally block computes EXPR
    with the exception still handled; the chain was put back before the
    value was computed (sys.exc_info() was (None, None, None) when the
    expression made no statement of its own, e.g. a local `sys`)."""
    f = run_source(RETURN_SRC, "<handled_return>")[name]
    check_outcome(outcome(f, ()), outcome(lua.translate(f), ()))
