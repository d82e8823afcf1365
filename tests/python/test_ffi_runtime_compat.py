"""tandem.FFI's runtime behaviour against cffi's (issue 13): what values are
accepted where, what a callback hands C, complex numbers, cffi's wording."""
import cmath

import pytest

import tandem
from ffi_common import TESTLIB

RT_CDEF = """
void *call_cb_intptr(int *(*f)(void), int v);
"""


@pytest.fixture(scope="module")
def ffi():
    f = tandem.FFI()
    f.cdef(RT_CDEF)
    return f


@pytest.fixture(scope="module")
def T(ffi):
    return ffi.dlopen(TESTLIB)


# ---- issue 13 item 10: an array returned for a `T *` callback result ------------

def test_callback_array_result_is_the_arrays_address(ffi, T):
    arr = ffi.new("int[4]", [1, 2, 3, 4])

    @ffi.callback("int *(void)")
    def give():
        return arr

    got = T.call_cb_intptr(give, 99)
    # C received the array's own address: its write through the pointer shows
    # in the array, and the address it returns is the array's
    assert arr[0] == 99
    assert int(ffi.cast("intptr_t", got)) == int(ffi.cast("intptr_t", arr))
    # called from Python the result compares equal to the array (cffi's test)
    assert give() == arr


def test_callback_pointer_and_struct_results_unchanged(ffi, T):
    p = ffi.new("int *", 5)

    @ffi.callback("int *(void)")
    def give():
        return p

    T.call_cb_intptr(give, 7)
    assert p[0] == 7
    assert give() == p
