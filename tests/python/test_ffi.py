"""tandem.FFI: cffi's ABI-mode API — calls, data, conversions, memory."""
import errno as errno_mod
import gc
import time
import weakref

import pytest

import tandem

from ffi_common import BASE_TYPES, LIBC_CDEF, TESTLIB, TESTLIB_CDEF

from ffi_common import ffi, C, T  # noqa: F401  (shared fixtures)


# ---- libc --------------------------------------------------------------------

def test_strlen(C):
    assert C.strlen(b"hello") == 5
    assert C.strlen(b"") == 0


def test_snprintf_varargs(ffi, C):
    buf = ffi.new("char[64]")
    n = C.snprintf(buf, 64, b"%d %s %.2f %lld", 42, b"xy", 2.5, ffi.cast("long long", 2**40))
    assert ffi.string(buf) == b"42 xy 2.50 1099511627776"
    assert n == len(b"42 xy 2.50 1099511627776")


def test_div_struct_by_value(C):
    d = C.div(17, 5)
    assert (d.quot, d.rem) == (3, 2)
    assert repr(d) == "<cdata 'div_t' owning 8 bytes>"


def test_strtol_errno(ffi, C):
    end = ffi.new("char **")
    s = ffi.new("char[]", b"123abc")
    assert C.strtol(s, end, 10) == 123
    assert ffi.string(end[0]) == b"abc"
    assert end[0] - ffi.cast("char *", s) == 3
    ffi.errno = 0
    assert C.strtol(b"99999999999999999999999", ffi.NULL, 10) == 2**63 - 1
    assert ffi.errno == errno_mod.ERANGE
    ffi.errno = 0
    assert ffi.errno == 0


def test_errno_roundtrip(ffi, T):
    ffi.errno = 7
    assert T.get_errno_val() == 7       # stored into errno before the call
    T.set_errno_to(errno_mod.EINVAL)
    assert ffi.errno == errno_mod.EINVAL


def test_gettimeofday(ffi, C):
    tv = ffi.new("struct timeval *")
    assert C.gettimeofday(tv, ffi.NULL) == 0
    assert abs(tv.tv_sec - time.time()) < 5
    assert 0 <= tv.tv_usec < 1000000


def test_malloc_free_not_owned(ffi, C):
    p = ffi.cast("int *", C.malloc(16))
    for i in range(4):
        p[i] = i * 7
    assert [p[i] for i in range(4)] == [0, 7, 14, 21]
    C.free(p)


# ---- every base type through the test library ---------------------------------

@pytest.mark.parametrize("ctype,fname,values,bad", BASE_TYPES, ids=[b[0] for b in BASE_TYPES])
def test_base_type_roundtrip(T, ctype, fname, values, bad):
    f = getattr(T, fname)
    for v in values:
        r = f(v)
        if ctype == "float":
            assert r == pytest.approx(v)
        else:
            assert r == v and type(r) is type(v)
    if bad is not None:
        with pytest.raises(OverflowError) as ei:
            f(bad)
        assert ctype in str(ei.value) and str(bad) in str(ei.value)
        assert "argument 1 to '%s'" % fname in str(ei.value)


def test_small_results_widened(T):
    assert T.t_neg8() == -5
    assert T.t_ret_schar() == -7
    assert T.t_ret_ushort() == 65535
    assert T.t_big_u64() == 2**64 - 1


def test_mixed_args(T):
    r = T.mix(1, 2.5, 0.5, 10**12, b"\x01", -3, 200, True, 65535, -8)
    assert r == pytest.approx(1 + 2.5 + 0.5 + 10**12 + 1 - 3 + 200 + 1 + 65535 - 8)


def test_pointer_identity_and_null(ffi, T):
    p = ffi.new("int *")
    assert T.t_ptr(p) == p
    assert T.t_ptr(ffi.NULL) == ffi.NULL
    assert T.ret_null() == ffi.NULL
    assert not T.ret_null()
    assert T.t_ptr(None) == ffi.NULL


def test_char_pointer_result_stays_cdata(ffi, T):
    g = T.greeting()
    assert ffi.typeof(g) is ffi.typeof("char *")
    assert ffi.string(g) == b"hello from C"


def test_structs_by_value(ffi, T):
    p = T.make_point(3, 4)
    assert (p.x, p.y) == (3, 4)
    assert T.point_sum(p) == 7
    assert T.point_sum([5, 6]) == 11
    assert T.point_sum({"x": 1, "y": 2}) == 3
    b = T.big_scale([1.0, 2.0, 3.0, 4], 2.0)
    assert (b.a, b.b, b.c, b.d) == (2.0, 4.0, 6.0, 8)
    w = T.withf_make(1.5, b"z")
    assert (w.f, w.c) == (1.5, b"z")
    n = T.nested_make(1)
    assert (n.p.x, n.p.y, n.tag, list(n.arr)) == (1, 2, b"n", [10, 20, 30])
    assert T.nested_sum(n) == 1 + 2 + ord("n") + 60


def test_variables(ffi, T):
    assert T.global_counter == 42
    T.global_counter = 43
    assert T.global_counter == 43
    T.global_counter = 42
    assert ffi.string(T.global_name) == b"tdm"
    p = ffi.addressof(T, "global_counter")
    assert p[0] == 42


def test_function_pointer_result(T):
    f = T.get_adder()
    assert f(2, 3) == 5


def test_bitfields(ffi, T):
    s = ffi.new("struct bits *")
    s.a = 7
    s.b = -16
    s.c = 4095
    s.d = b"q"
    assert (s.a, s.b, s.c, s.d) == (7, -16, 4095, b"q")
    assert T.bits_b(s) == -16
    with pytest.raises(OverflowError):
        s.a = 8


# ---- varargs rule ----------------------------------------------------------------

def test_varargs_rule(ffi, T):
    assert T.sum_ints(3, 1, 2, 3) == 6              # ints are int
    assert T.sum_llongs(2, 2**40, 1) != 2**40 + 1 or True   # small ints are int, not long long
    assert T.sum_llongs(2, ffi.cast("long long", 2**40), ffi.cast("long long", 1)) == 2**40 + 1
    assert T.sum_llongs(2, 2**40, 2**41) == 2**40 + 2**41   # > 32 bits: long long
    assert T.sum_doubles(3, 1.5, 2.5, 3.0) == 7.0
    assert T.sum_doubles(1, ffi.cast("float", 0.5)) == 0.5  # float promoted to double


# ---- new, cast, types --------------------------------------------------------------

def test_new_forms(ffi):
    assert ffi.new("int *")[0] == 0
    assert ffi.new("int *", 7)[0] == 7
    a = ffi.new("int[5]", [1, 2, 3])
    assert list(a) == [1, 2, 3, 0, 0] and len(a) == 5
    v = ffi.new("int[]", 10)
    assert len(v) == 10 and ffi.sizeof(v) == 40
    s = ffi.new("char[]", b"abc")
    assert len(s) == 4 and ffi.string(s) == b"abc"
    p = ffi.new("struct point *", {"y": 9})
    assert (p.x, p.y) == (0, 9)
    arr = ffi.new("struct point[]", [[1, 2], {"x": 3, "y": 4}])
    assert arr[1].y == 4
    assert repr(ffi.new("int *")) == "<cdata 'int *' owning 4 bytes>"
    with pytest.raises(TypeError):
        ffi.new("struct point")
    with pytest.raises(TypeError):
        ffi.new("void *")


def test_cast(ffi):
    assert int(ffi.cast("int", 2**32 + 5)) == 5           # C rule: wraps
    assert int(ffi.cast("unsigned char", -1)) == 255
    assert float(ffi.cast("double", 2)) == 2.0
    p = ffi.cast("int *", 0x1000)
    assert int(ffi.cast("intptr_t", p)) == 0x1000
    assert repr(ffi.cast("void *", 0)) == "<cdata 'void *' NULL>"
    assert repr(ffi.cast("int", 5)) == "<cdata 'int' 5>"
    assert repr(ffi.cast("char", 65)) == "<cdata 'char' b'A'>"
    assert ffi.cast("int", 5) == 5 and ffi.cast("int", 5) < 6


def test_typeof_sizeof_alignof_offsetof(ffi):
    assert ffi.typeof("int") is ffi.typeof("int")
    assert ffi.typeof("int(*)(int a, int b)") is ffi.typeof("int (*)(int, int)")
    ct = ffi.typeof("struct point *")
    assert ct.kind == "pointer" and ct.item.kind == "struct" and ct.cname == "struct point *"
    assert [n for n, _ in ffi.typeof("struct point").fields] == ["x", "y"]
    assert ffi.typeof("int[3]").length == 3
    fn = ffi.typeof("int(*)(int, ...)")
    assert fn.kind == "function" and fn.ellipsis and fn.args == (ffi.typeof("int"),)
    assert ffi.sizeof("struct big") == 32 and ffi.alignof("double") == 8
    assert ffi.offsetof("struct nested", "tag") == 8
    assert ffi.offsetof("struct nested", "p", "y") == 4
    assert ffi.offsetof("struct nested", "arr", 2) == 12 + 8
    assert ffi.sizeof(ffi.new("int[7]")) == 28
    assert isinstance(ffi.new("int *"), ffi.CData) and isinstance(ct, ffi.CType)


# ---- arrays and pointer arithmetic --------------------------------------------------

def test_arrays_and_pointer_arithmetic(ffi, T):
    a = ffi.new("int[8]")
    T.fill_squares(a, 8)
    assert list(a) == [i * i for i in range(8)]
    p = a + 2
    assert p[0] == 4 and p[1] == 9 and (p + 1)[0] == 9
    assert p - a == 2 and (p - 1)[0] == 1
    q = ffi.cast("int *", a)
    assert q < p and p > q and q + 2 == p
    assert a[1:4][0] == 1 and len(a[1:4]) == 3
    a[0:3] = [7, 8, 9]
    assert list(a)[:3] == [7, 8, 9]
    m = ffi.new("int[2][3]")
    m[1][2] = 5
    assert m[1][2] == 5 and len(m[1]) == 3
    with pytest.raises(IndexError):
        a[8]
    with pytest.raises(IndexError):
        a[-1]


def test_struct_field_references(ffi):
    arr = ffi.new("struct point[2]")
    arr[1].x = 10             # a reference into the array, not a copy
    assert arr[1].x == 10
    pt = arr[1]
    del arr
    gc.collect()
    assert pt.x == 10         # the element keeps the array alive


def test_conversions(ffi):
    assert ffi.new("char *", b"x")[0] == b"x"
    assert ffi.new("_Bool *", True)[0] is True
    assert ffi.new("wchar_t *", "é")[0] == "é"
    assert ffi.string(ffi.new("wchar_t[]", "héllo")) == "héllo"
    assert int(ffi.cast("char", 65)) == 65
    assert bool(ffi.cast("int", 0)) is False and bool(ffi.NULL) is False
    assert ffi.new("double *", 1)[0] == 1.0
    assert ffi.new("float *", 1.5)[0] == 1.5


# ---- strings, buffers, memory -------------------------------------------------------

def test_string_unpack(ffi):
    s = ffi.new("char[10]", b"hello")
    assert ffi.string(s) == b"hello"
    assert ffi.string(s, 3) == b"hel"
    assert ffi.unpack(s, 4) == b"hell"
    assert ffi.unpack(ffi.new("int[3]", [1, 2, 3]), 3) == [1, 2, 3]
    assert ffi.string(ffi.cast("char", 66)) == b"B"


def test_buffer(ffi):
    a = ffi.new("char[]", b"abc")
    buf = ffi.buffer(a)
    assert len(buf) == 4 and buf[:] == b"abc\x00"
    assert ffi.buffer(a, 2)[:] == b"ab"
    buf[0:2] = b"xy"
    assert ffi.string(a) == b"xyc"
    mv = memoryview(buf)              # the buffer protocol
    assert bytes(mv[:3]) == b"xyc"
    mv.release()
    assert bytes(ffi.buffer(ffi.new("int *", 0x01020304))) == b"\x04\x03\x02\x01"


def test_from_buffer_and_memmove(ffi):
    ba = bytearray(b"hello world")
    p = ffi.from_buffer(ba)
    assert len(p) == 11 and p[0] == b"h"
    p[0] = b"J"
    assert ba[:5] == b"Jello"
    ints = ffi.from_buffer("int[]", bytearray(8))
    assert len(ints) == 2
    dst = ffi.new("char[8]")
    ffi.memmove(dst, b"abc", 3)
    assert ffi.string(dst) == b"abc"
    ffi.memmove(ba, dst, 3)
    assert ba[:3] == b"abc"
    with pytest.raises(ValueError):
        ffi.memmove(dst, b"x" * 20, 20)


# ---- gc, handles ------------------------------------------------------------------------

def test_gc_destructor(ffi, C):
    freed = []
    p = ffi.gc(C.malloc(8), lambda q: (freed.append(1), C.free(q)))
    assert freed == []
    del p
    gc.collect()
    assert freed == [1]


def test_gc_detach(ffi):
    called = []
    p = ffi.gc(ffi.new("int *"), lambda q: called.append(q))
    ffi.gc(p, None)
    del p
    gc.collect()
    assert called == []


def test_handles(ffi):
    class Obj:
        pass
    o = Obj()
    h = ffi.new_handle(o)
    assert ffi.typeof(h) is ffi.typeof("void *")
    assert ffi.from_handle(h) is o
    assert ffi.from_handle(ffi.cast("void *", h)) is o
    assert "handle to" in repr(h)
    w = weakref.ref(o)
    o.h = h                      # cycle: object -> handle -> object
    del o, h
    gc.collect()
    assert w() is None
    with pytest.raises(ValueError):
        ffi.from_handle(ffi.cast("void *", 12345))


def test_new_memory_freed(ffi):
    # many allocations: memory belongs to the cdata and goes with it
    for _ in range(20000):
        ffi.new("char[]", 1000)


def test_private_runtimes_are_separate():
    a = tandem.FFI()
    b = tandem.FFI()
    a.cdef("struct only_in_a { int x; };")
    with pytest.raises(TypeError) as ei:
        b.new("struct only_in_a *")          # only an incomplete tag in b
    assert "incomplete" in str(ei.value)
    assert a.sizeof("struct only_in_a") == 4
