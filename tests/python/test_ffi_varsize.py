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
