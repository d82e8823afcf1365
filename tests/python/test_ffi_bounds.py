"""tandem.FFI memory safety (issue 7, items 3 and 6): indexes and sizes are
checked wherever the extent of the memory is known, a struct ending in a
variable-length array gets its element count, and no API call crashes.
The crash-prone cases run in a subprocess so a regression fails, not kills."""
import subprocess
import sys

import pytest

import tandem


@pytest.fixture
def ffi():
    f = tandem.FFI()
    f.cdef("struct vs { double x; int y[]; }; struct pt { int a, b; };"
           "struct vc { char c; char s[]; };")
    return f


def run_isolated(code):
    """Run code with tandem in a fresh interpreter; its stdout, or a failure
    that says how it died."""
    out = subprocess.run([sys.executable, "-c", "import tandem\nffi = tandem.FFI()\n" + code],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, (out.returncode, out.stderr[-2000:])
    return out.stdout


def test_new_pointer_indexes_only_its_object(ffi):
    p = ffi.new("int *", 7)
    assert p[0] == 7
    for i in (1, -1, 2**20):
        with pytest.raises(IndexError) as ei:
            p[i]
        assert "out of bounds for cdata<int *>" in str(ei.value)
        with pytest.raises(IndexError):
            p[i] = 5
    s = ffi.new("struct pt *")
    with pytest.raises(IndexError):
        s[1].a = 5
    with pytest.raises(IndexError):
        (s + 1).a
    s[0].b = 3
    assert s.b == 3


def test_pointer_into_array_checked_against_the_array(ffi):
    a = ffi.new("int[4]", [1, 2, 3, 4])
    p = ffi.cast("int *", a)
    assert p[3] == 4
    with pytest.raises(IndexError):
        p[4]
    q = p + 2
    assert q[-2] == 1 and q[1] == 4
    with pytest.raises(IndexError):
        q[2]
    c = ffi.cast("char *", a)
    c[15] = b"x"
    with pytest.raises(IndexError):
        c[16]


def test_pointer_from_c_stays_unchecked(ffi):
    ffi.cdef("void *malloc(size_t); void free(void *);")
    C = ffi.dlopen(None)
    raw = ffi.cast("int *", C.malloc(64))
    raw[15] = 9                 # C memory: the extent is not known (as cffi)
    assert raw[15] == 9
    C.free(raw)


def test_buffer_larger_than_the_object(ffi):
    assert run_isolated("""
try:
    ffi.buffer(ffi.new("int *"), 2**40)[2**39]
except ValueError as e:
    print("ValueError", e)
""").startswith("ValueError buffer(): size 1099511627776 exceeds the 4 bytes")
    assert len(ffi.buffer(ffi.new("int *"), 4)) == 4
    assert len(ffi.buffer(ffi.new("int *"))) == 4
    with pytest.raises(ValueError):
        ffi.buffer(ffi.new("int[2]") + 1, 8)
    with pytest.raises(ValueError):
        ffi.memmove(ffi.new("int *"), b"12345678", 8)


def test_variable_length_struct_count_from_initializer(ffi):
    s = ffi.new("struct vs *", [1.5, [1, 2, 3]])
    assert (s.x, len(s.y), s.y[2]) == (1.5, 3, 3)
    assert ffi.sizeof(s[0]) == 8 + 3 * 4
    with pytest.raises(IndexError):
        s.y[3]
    with pytest.raises(IndexError):
        s.y[3] = 1
    n = ffi.new("struct vs *", {"y": 100})          # an int: the count (cffi)
    assert ffi.sizeof(n[0]) == 408 and len(n.y) == 100
    for i in range(100):
        n.y[i] = i
    assert n.y[99] == 99 and n.x == 0
    with pytest.raises(IndexError):
        n.y[100] = 1
    m = ffi.new("struct vs *", [2.5, 10])
    assert (m.x, len(m.y)) == (2.5, 10)
    b = ffi.new("struct vc *", [b"a", b"hello"])       # bytes: length + 1
    assert len(b.s) == 6 and ffi.string(b.s) == b"hello"
    e = ffi.new("struct vs *")
    assert len(e.y) == 0 and ffi.sizeof(e[0]) == 8
    with pytest.raises(IndexError):
        e.y[0] = 1


def test_getctype_and_type_objects_never_crash(ffi):
    assert ffi.getctype("int") == "int"
    assert ffi.getctype("int", "*x") == "int *x"
    out = run_isolated("""
for make in (lambda: type(ffi.typeof("int"))(),
             lambda: type(ffi.buffer(ffi.new("int[2]")))(),
             lambda: type(ffi.dlopen(None))()):
    try:
        make()
    except TypeError as e:
        print("TypeError", e)
""")
    # CType and Lib cannot be made by hand; the buffer type is ffi.buffer
    # itself (as in cffi) and wants its cdata
    assert out.count("TypeError cannot create") == 2, out
    assert "TypeError buffer() missing required argument 'cdata'" in out, out


def test_string_and_unpack_stop_at_the_known_extent(ffi):
    assert ffi.unpack(ffi.new("int *", 5), 1) == [5]
    with pytest.raises(IndexError):
        ffi.unpack(ffi.new("int *"), 100)
    assert ffi.string(ffi.new("char *", b"a"), 100) == b"a"
    assert ffi.string(ffi.new("wchar_t *", "z"), 100) == "z"
    assert ffi.string(ffi.new("char[4]", b"abc") + 1) == b"bc"


def test_slice_of_a_pointer_stays_inside_the_known_extent(ffi):
    p = ffi.new("int *", 3)
    assert list(p[0:1]) == [3]
    with pytest.raises(IndexError):
        p[0:10]
    q = ffi.cast("int *", ffi.new("int[4]", [1, 2, 3, 4]))
    assert list(q[1:4]) == [2, 3, 4]
    with pytest.raises(IndexError):
        q[1:5]
