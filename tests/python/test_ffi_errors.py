"""tandem.FFI errors (issue 3): clear Python exceptions, never a crash."""
import pytest

import tandem

from ffi_common import LIBC_CDEF, TESTLIB, TESTLIB_CDEF


@pytest.fixture
def ffi():
    f = tandem.FFI()
    f.cdef(LIBC_CDEF)
    f.cdef(TESTLIB_CDEF)
    return f


def test_bad_declaration_line_col(ffi):
    with pytest.raises(tandem.CDefError) as ei:
        ffi.cdef("int ok(void);\n  foo_t bad(int);")
    assert "2:3" in str(ei.value) and "foo_t" in str(ei.value)
    assert isinstance(ei.value, ffi.error)
    with pytest.raises(ffi.CDefError) as ei:
        ffi.cdef("int x y;")
    assert "1:7" in str(ei.value)
    with pytest.raises(tandem.CDefError) as ei:
        ffi.new("int[")
    assert "new: 1:" in str(ei.value)


def test_redeclaration(ffi):
    ffi.cdef("int rd(int);")
    ffi.cdef("int rd(int);")                # identical: fine
    with pytest.raises(tandem.CDefError) as ei:
        ffi.cdef("int rd(long);")
    assert "conflicting declaration of 'rd'" in str(ei.value)
    ffi.cdef("struct node { int v; };")
    with pytest.raises(tandem.CDefError) as ei:
        ffi.cdef("struct node { long v; };")
    assert "redefinition of 'struct node'" in str(ei.value)


def test_wrong_argument_count(ffi):
    T = ffi.dlopen(TESTLIB)
    with pytest.raises(TypeError) as ei:
        T.add(1)
    assert str(ei.value) == "'add' expects 2 arguments, got 1"
    with pytest.raises(TypeError) as ei:
        T.sum_ints()
    assert "at least 1 argument" in str(ei.value)


def test_wrong_argument_type(ffi):
    T = ffi.dlopen(TESTLIB)
    C = ffi.dlopen(None)
    with pytest.raises(TypeError) as ei:
        T.add(1, 2.5)
    assert str(ei.value) == "argument 2 to 'add': expected int, got 2.5 (not an integer)"
    with pytest.raises(TypeError) as ei:
        C.strlen("text")
    assert "argument 1 to 'strlen': expected char *" in str(ei.value)
    assert "str" in str(ei.value)
    with pytest.raises(TypeError):
        T.point_sum(ffi.new("int *"))
    with pytest.raises(TypeError) as ei:
        T.t_ptr(1234)
    assert "use cast" in str(ei.value)


def test_integer_out_of_range_never_truncated(ffi):
    T = ffi.dlopen(TESTLIB)
    with pytest.raises(OverflowError) as ei:
        T.add(1, 3000000000)
    assert str(ei.value) == "argument 2 to 'add': expected int, got 3000000000 (out of range)"
    with pytest.raises(OverflowError) as ei:
        T.t_u64(2**70)
    assert str(2**70) in str(ei.value) and "uint64_t" in str(ei.value)
    with pytest.raises(OverflowError):
        T.t_uint(-1)
    with pytest.raises(OverflowError):
        ffi.new("short *", 40000)
    with pytest.raises(OverflowError):
        ffi.new("int[2]", [1, 2**40])
    with pytest.raises(OverflowError):
        T.sum_ints(1, 2**70)


def test_varargs_non_values(ffi):
    T = ffi.dlopen(TESTLIB)
    with pytest.raises(TypeError) as ei:
        T.sum_ints(1, object())
    assert "variadic" in str(ei.value)


def test_null_dereference(ffi):
    p = ffi.cast("int *", 0)
    with pytest.raises(RuntimeError) as ei:
        p[0]
    assert "NULL pointer dereference" in str(ei.value)
    with pytest.raises(RuntimeError):
        p[0] = 1
    s = ffi.cast("struct point *", ffi.NULL)
    with pytest.raises(RuntimeError):
        s.x                              # cffi segfaults here
    with pytest.raises(RuntimeError):
        ffi.string(ffi.cast("char *", 0))
    with pytest.raises(RuntimeError):
        ffi.cast("int(*)(int)", 0)(1)


def test_missing_library(ffi):
    with pytest.raises(OSError) as ei:
        ffi.dlopen("libdoesnotexist_tdm.so")
    assert "cannot load library 'libdoesnotexist_tdm.so'" in str(ei.value)
    assert "No such file" in str(ei.value)      # the dlerror text


def test_undeclared_and_missing_symbols(ffi):
    C = ffi.dlopen(None)
    with pytest.raises(AttributeError) as ei:
        C.not_declared_fn
    assert "'not_declared_fn' is not declared" in str(ei.value)
    ffi.cdef("int tdm_no_such_symbol(int);")
    with pytest.raises(AttributeError) as ei:
        C.tdm_no_such_symbol
    assert "symbol 'tdm_no_such_symbol' not found" in str(ei.value)


def test_bad_field_and_index(ffi):
    p = ffi.new("struct point *")
    with pytest.raises(AttributeError) as ei:
        p.z
    assert "no member named 'z'" in str(ei.value)
    with pytest.raises(IndexError):
        ffi.new("int[3]")[3]
    with pytest.raises(TypeError):
        len(ffi.new("int *"))
    with pytest.raises(TypeError):
        ffi.new("int *")(1)


def test_unions_by_value(ffi):
    ffi.cdef("union u { int i; float f; }; int takes_union(union u);")
    C = ffi.dlopen(None)
    with pytest.raises(AttributeError):
        C.takes_union                            # not in libc
    f = ffi.cast("int(*)(union u)", 1)
    with pytest.raises(NotImplementedError) as ei:      # as cffi: libffi cannot pass it
        f(ffi.new("union u *")[0])
    assert "union" in str(ei.value)


def test_cast_errors(ffi):
    with pytest.raises(TypeError):
        ffi.cast("struct point", 0)
    with pytest.raises(TypeError):
        ffi.cast("int", "xy")       # a one-character str casts as its code point (cffi)


def test_incomplete_type(ffi):
    ffi.cdef("struct opaque;")
    with pytest.raises(ffi.error):
        ffi.sizeof("struct opaque")
    with pytest.raises(Exception):
        ffi.new("struct opaque *")
    p = ffi.cast("struct opaque *", 0x10)       # pointers to it are fine
    assert int(ffi.cast("intptr_t", p)) == 0x10


# Issue 8: the exception class follows the error's kind, set where the error
# is raised, never the message's wording.

def test_exception_class_per_kind(ffi):
    T = ffi.dlopen(TESTLIB)
    cases = [
        (OverflowError, lambda: T.add(1, 3000000000)),                  # range
        (OverflowError, lambda: ffi.new("short *", 40000)),
        (OverflowError, lambda: T.add(1, float("inf"))),
        (OverflowError, lambda: setattr(ffi.new("struct { int b : 3; } *"), "b", 100)),
        (IndexError, lambda: ffi.new("int[3]")[3]),                     # bounds
        (IndexError, lambda: ffi.new("int *")[1]),
        (RuntimeError, lambda: ffi.cast("int *", 0)[0]),                # NULL pointer
        (RuntimeError, lambda: ffi.cast("struct point *", 0).x),
        (RuntimeError, lambda: ffi.string(ffi.cast("char *", 0))),
        (tandem.CDefError, lambda: ffi.cdef("int f(void) { return 0; }")),   # declaration
        (tandem.CDefError, lambda: ffi.cdef("int add(long, long);")),
        (tandem.CDefError, lambda: ffi.cdef("struct k8inc; struct k8o { struct k8inc x; };")),
        (tandem.CDefError, lambda: ffi.new("int int")),
        (TypeError, lambda: T.add(1, 2.5)),                             # type
        (TypeError, lambda: ffi.new("struct k8inc2 { int x; } *", 1.5)),
    ]
    for cls, fn in cases:
        with pytest.raises(Exception) as ei:
            fn()
        assert type(ei.value) is cls, (cls, type(ei.value), str(ei.value))


@pytest.mark.parametrize("phrase", ["NULL pointer", "(out of range)", "out of bounds",
                                    "cdef: x", "conflicting declaration", " expects "])
def test_class_does_not_follow_wording(ffi, phrase):
    # A type error whose message happens to contain another kind's words
    # (here through the Python type's name) stays a TypeError.
    T = ffi.dlopen(TESTLIB)
    odd = type(phrase, (), {})()
    with pytest.raises(Exception) as ei:
        T.add(1, odd)
    assert phrase in str(ei.value)
    assert type(ei.value) is TypeError
    with pytest.raises(Exception) as ei:
        ffi.new("int *", odd)
    assert phrase in str(ei.value)
    assert type(ei.value) is TypeError
