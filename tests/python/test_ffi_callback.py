"""ffi.callback: Python functions as C function pointers; errors never unwind
through C frames and are re-raised as the same object after the call."""
import gc
import sys
import traceback

import pytest

import tandem

from ffi_common import LIBC_CDEF, TESTLIB, TESTLIB_CDEF

from ffi_common import ffi, C, T  # noqa: F401  (shared fixtures)


def test_qsort_python_comparator(ffi, C):
    @ffi.callback("int(const void *, const void *)")
    def cmp(a, b):
        x = ffi.cast("int *", a)[0]
        y = ffi.cast("int *", b)[0]
        return (x > y) - (x < y)
    data = [5, 3, 9, 1, 7, 0, -4]
    arr = ffi.new("int[]", data)
    C.qsort(arr, len(data), ffi.sizeof("int"), cmp)
    assert list(arr) == sorted(data)
    assert repr(cmp).startswith("<cdata 'int(*)(void *, void *)' calling <function")


def test_callback_types(ffi, T):
    assert T.call_cb(ffi.callback("int(int)", lambda x: x * 3), 7) == 21
    assert T.call_cb_sum(ffi.callback("int(int)", lambda x: x), 10) == 45
    assert T.call_cb_d(ffi.callback("double(double, float)", lambda x, y: x + y), 1.25) == 1.75
    p = T.call_cb_pt(ffi.callback("struct point(struct point)", lambda p: [p.y, p.x]))
    assert (p.x, p.y) == (4, 3)
    assert T.call_cb_short(ffi.callback("short(void)", lambda: -2)) == -2


def test_callback_called_from_python(ffi):
    cb = ffi.callback("int(int, int)", lambda a, b: a - b)
    assert cb(10, 3) == 7


def test_exception_reraised_same_object(ffi, T):
    err = ValueError("boom")

    def bad(x):
        raise err
    cb = ffi.callback("int(int)", bad)
    with pytest.raises(ValueError) as ei:
        T.call_cb(cb, 1)
    assert ei.value is err
    tb = "".join(traceback.format_tb(ei.value.__traceback__))
    assert "in bad" in tb                       # the callback's frame is kept


def test_first_error_wins_and_error_value(ffi, T):
    calls = []

    def f(x):
        calls.append(x)
        raise KeyError(x)
    cb = ffi.callback("int(int)", f)
    with pytest.raises(KeyError) as ei:
        T.call_cb_sum(cb, 4)
    assert ei.value.args == (0,) and calls == [0, 1, 2, 3]    # C went on with 0s


def test_error_value_returned_to_c(ffi, T, capsys):
    """error= asks for cffi's handling: the traceback goes to stderr, C gets
    the error value and nothing is raised (docs/ffi.md)."""
    seen = []
    inner = ffi.callback("int(int)", lambda x: 1 // 0, error=42)
    outer = ffi.callback("int(int)", lambda x: seen.append(T.call_cb(inner, x)) or 0)
    assert T.call_cb(outer, 1) == 0
    assert seen == [42]
    assert "ZeroDivisionError" in capsys.readouterr().err
    assert T.call_cb_sum(inner, 3) == 3 * 42


def test_onerror(ffi, T):
    got = []

    def onerror(exc, val, tb):
        got.append((exc, type(val), tb is not None))
        return 99
    cb = ffi.callback("int(int)", lambda x: 1 // 0, onerror=onerror)
    assert T.call_cb(cb, 5) == 99                 # handled: no exception
    assert got == [(ZeroDivisionError, ZeroDivisionError, True)]
    cb2 = ffi.callback("int(int)", lambda x: 1 // 0, error=-5, onerror=lambda *a: None)
    assert T.call_cb(cb2, 5) == -5                # declined: the error value, no exception


def test_bad_result_type(ffi, T):
    cb = ffi.callback("int(int)", lambda x: "not an int")
    with pytest.raises(Exception) as ei:
        T.call_cb(cb, 1)
    assert "callback result" in str(ei.value)
    cb = ffi.callback("int(int)", lambda x: 2**40)
    with pytest.raises(Exception) as ei:
        T.call_cb(cb, 1)
    assert "out of range" in str(ei.value)


def test_decorator_forms(ffi, T):
    @ffi.callback("int(int)", error=-1)
    def twice(x):
        return 2 * x
    assert T.call_cb(twice, 21) == 42


def test_callback_errors_at_creation(ffi):
    with pytest.raises(TypeError):
        ffi.callback("int(int)", 42)
    with pytest.raises(TypeError):
        ffi.callback("int(int, ...)", lambda *a: 0)
    with pytest.raises(OverflowError):
        ffi.callback("int(int)", lambda x: x, error=2**40)


def test_callback_lifetime(ffi, T):
    cb = ffi.callback("int(int)", lambda x: x + 1)
    fp = ffi.cast("int(*)(int)", cb)            # a plain pointer: does not keep it alive
    assert T.call_cb(fp, 1) == 2
    del cb
    gc.collect()
    with pytest.raises(ffi.error) as ei:         # freed: error value + clear error
        T.call_cb(fp, 1)
    assert "freed" in str(ei.value)


def test_callback_cycle_collected(ffi):
    import weakref

    class Holder:
        pass
    h = Holder()
    h.cb = ffi.callback("int(int)", lambda x: h and x)
    w = weakref.ref(h)
    del h
    gc.collect()
    assert w() is None


def test_callback_from_another_thread(ffi, T):
    import threading
    out = []
    cb = ffi.callback("int(int)", lambda x: x * 2)

    def run():
        out.append(T.call_cb(cb, 21))
    th = [threading.Thread(target=run) for _ in range(4)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    assert out == [42] * 4


def test_exception_on_a_c_thread_is_printed_like_cffi(tmp_path):
    """A callback raising on a thread where no native call of ours waits
    (issue 7, item 19): C gets the error value and the exception goes to
    stderr as cffi prints it; with onerror returning a value, nothing is
    printed. In a child process, so stderr can be read and a hang fails."""
    import subprocess
    script = tmp_path / "thread_raise.py"
    script.write_text(
        "import tandem\n"
        "ffi = tandem.FFI()\n"
        "ffi.cdef('int t_call_cb_in_thread(int (*cb)(int), int x);')\n"
        "T = ffi.dlopen(%r)\n"
        "def boom(x):\n"
        "    raise ValueError('boom-19 %%d' %% x)\n"
        "cb = ffi.callback('int(int)', boom, error=-7)\n"
        "print(T.t_call_cb_in_thread(cb, 5), flush=True)\n"
        "handled = ffi.callback('int(int)', boom, onerror=lambda t, v, tb: 99)\n"
        "print(T.t_call_cb_in_thread(handled, 6), flush=True)\n" % TESTLIB)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["-7", "99"]
    assert r.stderr.startswith("From cffi callback <function boom at 0x"), r.stderr
    assert "Traceback (most recent call last):" in r.stderr
    assert "in boom" in r.stderr and "ValueError: boom-19 5" in r.stderr
    assert "boom-19 6" not in r.stderr
