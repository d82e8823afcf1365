"""Variable-size C data as cffi has it (issue 13): a library's array variable
of unknown length, flexible array members reached through nested structs, and
the zero-length array spelling `T x[0]` (docs/ffi.md, "Compatibility with
cffi")."""
import pytest

import tandem
from ffi_common import TESTLIB


@pytest.fixture
def ffi():
    return tandem.FFI()


# ---- `extern int a[];` in a library -----------------------------------------

def test_unsized_library_array_takes_a_list(ffi):
    ffi.cdef("extern int global_ints[]; extern char global_chars[];")
    T = ffi.dlopen(TESTLIB)
    a = T.global_ints
    assert [a[i] for i in range(8)] == list(range(8))
    with pytest.raises(TypeError):
        len(a)                                  # only C knows its length
    T.global_ints = list(range(10, 15))         # as cffi: the list's elements
    assert [T.global_ints[i] for i in range(8)] == [10, 11, 12, 13, 14, 5, 6, 7]
    T.global_ints = (1, 2)
    assert [T.global_ints[i] for i in range(3)] == [1, 2, 12]
    T.global_ints = list(range(8))              # leave it as found
    # bytes take their terminator with them; string() of an unsized array
    # reads up to the NUL
    T.global_chars = b"xy"
    assert ffi.string(T.global_chars) == b"xy"
    assert T.global_chars[2] == b"\x00"
    T.global_chars = b"abc"
    assert ffi.string(T.global_chars) == b"abc"
    with pytest.raises(TypeError, match="unknown length takes a list or a tuple"):
        T.global_ints = 5
    with pytest.raises(TypeError):
        T.global_ints = ffi.new("int[]", [1, 2])


# ---- a flexible array member reached through the last member of a struct ----

NESTED = """
    struct foo_s { int len[100]; short data[]; };
    struct bar_s { int abc[100]; struct foo_s tail; };
    struct baz_s { int x; struct bar_s b; };
"""


def test_nested_flexible_array_sized_from_its_initializer(ffi):
    ffi.cdef(NESTED)
    assert ffi.sizeof("struct bar_s") == 800
    for i in (1, 3, 50):
        p = ffi.new("struct bar_s *", [[10], [[20], [3, 4, 5, 6, 7, 8, 9] * i]])
        assert ffi.sizeof(p[0]) == 800 + 14 * i      # the allocation holds them all
        assert p.abc[0] == 10 and p.tail.len[0] == 20
        assert p.tail.data[0] == 3 and p.tail.data[7 * i - 1] == 9
        assert len(p.tail.data) == 7 * i            # the count is known: bounds-checked
        with pytest.raises(IndexError):
            p.tail.data[7 * i]
    # dicts, an int count (initializes nothing), two levels deep
    p = ffi.new("struct bar_s *", {"tail": {"data": [1, 2, 3]}})
    assert ffi.sizeof(p[0]) == 806 and list(p.tail.data) == [1, 2, 3]
    p = ffi.new("struct bar_s *", [[1], [[2], 10]])
    assert ffi.sizeof(p[0]) == 820 and p.tail.len[0] == 2 and p.tail.data[9] == 0
    p = ffi.new("struct baz_s *", [1, [[1], [[2], [1, 2, 3, 4, 5]]]])
    assert ffi.sizeof(p[0]) == 814 and p.b.tail.data[4] == 5


def test_nested_flexible_array_stores_stay_inside_the_object(ffi):
    ffi.cdef(NESTED)
    p = ffi.new("struct bar_s *", [[1], [[2], [1, 2, 3]]])
    p.tail = [[5], [7, 8]]
    assert p.tail.len[0] == 5 and list(p.tail.data) == [7, 8, 0]
    # cffi writes the two extra elements past the 806 bytes it allocated
    with pytest.raises(IndexError, match="too many initializers"):
        p.tail = [[5], [7, 8, 9, 10, 11]]
    # an array of such structs: the next element follows, no room for data
    with pytest.raises(IndexError, match="room for 0"):
        ffi.new("struct bar_s[]", [[[1], [[2], [1, 2]]]])
    a = ffi.new("struct bar_s[]", [[[1], [[2]]]])
    assert a[0].tail.len[0] == 2


# ---- a struct ending in T y[] in the middle of another (gcc allows it) -------

BOGUS = """
    struct foo_s { signed char len; signed char data[]; };
    struct bar_s { struct foo_s foo; int bcd; };
"""


def test_flexible_struct_in_the_middle_uses_the_room_after_it(ffi):
    ffi.cdef(BOGUS)
    # as cffi: data takes the bytes after foo, which bcd then overwrites
    p = ffi.new("struct bar_s *", [[123, [45, 56, 67, 78]], 9999999])
    assert ffi.sizeof(p[0]) == 8
    assert p.foo.len == 123 and p.bcd == 9999999
    assert list(p.foo.data[0:3]) == [45, 56, 67]
    assert p.foo.data[3] == 9999999 & 0x7f          # bcd's low byte
    assert len(p.foo.data) == 7                     # the room up to the end of bar_s
    with pytest.raises(IndexError):
        p.foo.data[7]
    # a member's initializer does not clear the members after it
    p = ffi.new("struct bar_s *", {"bcd": 5, "foo": [1, [2, 3]]})
    assert p.bcd == 5 and list(p.foo.data[0:2]) == [2, 3]
    p.foo = [1, [2, 3]]
    assert p.foo.len == 1 and p.bcd == 5
    # past the end of the object: refused (cffi allocates more, new only sizes a
    # struct from its last member)
    with pytest.raises(IndexError, match="room for 7"):
        ffi.new("struct bar_s *", [[1, list(range(9))], 3])


# ---- `T x[0]` ending a struct: a pointer, bounded by the owner's memory -----

def test_zero_length_array_member_reads_as_a_bounded_pointer(ffi):
    ffi.cdef("struct foo_s { int len; short data[0]; };"
             "struct bar_s { struct foo_s a; int b; };")
    assert ffi.sizeof("struct foo_s") == 4
    assert ffi.typeof("struct foo_s").fields[1][1].type is ffi.typeof("short[0]")
    p = ffi.new("char[]", ffi.sizeof("struct foo_s") + 7 * 2)
    q = ffi.cast("struct foo_s *", p)
    assert q.len == 0
    assert repr(q.data).startswith("<cdata 'short *' 0x")
    assert ffi.typeof(q.data) is ffi.typeof("short *")
    assert q.data[6] == 0
    q.data[6] = 15
    assert q.data[6] == 15
    assert p[16] == b"\x0f"
    with pytest.raises(IndexError):                 # past the char[18] it lives in
        q.data[7]
    assert q[0].data[6] == 15                       # through the struct, the same
    # a struct from new has no room after it
    s = ffi.new("struct foo_s *")
    with pytest.raises(IndexError):
        s.data[0]
    # and as cffi, [0] takes no initializer
    with pytest.raises(IndexError, match="too many initializers"):
        ffi.new("struct foo_s *", [1, [2]])
    assert ffi.new("struct foo_s *", [1, []]).len == 1


# ---- `T x[]` through a pointer new did not return: a bounded T * (cffi) ------

def test_unsized_member_through_a_cast_is_a_bounded_pointer(ffi):
    ffi.cdef("struct uc_s { int x; int a[]; };")
    p = ffi.new("struct uc_s *", [100, [200, 300, 400]])
    assert ffi.typeof(p.a) is ffi.typeof("int[]") and len(p.a) == 3    # recorded
    assert len(p[0].a) == 3 and ffi.sizeof(p[0]) == 16                 # new's object
    q = ffi.cast("struct uc_s *", p)
    assert q.x == 100
    assert ffi.typeof(q.a) is ffi.typeof("int *")                       # no length
    with pytest.raises(TypeError):
        len(q.a)
    with pytest.raises(TypeError):
        list(q.a)
    assert [q.a[i] for i in range(3)] == [200, 300, 400]
    with pytest.raises(IndexError):                 # still bounded by p's memory
        q.a[3]
    assert ffi.typeof(q[0].a) is ffi.typeof("int *") and ffi.sizeof(q[0]) == 4
    q.a = [7, 8, 9]                                 # stores keep the room they had
    assert list(p.a) == [7, 8, 9]
    with pytest.raises(IndexError):
        q.a = [1, 2, 3, 4]
