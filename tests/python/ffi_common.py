"""Shared set-up of the ffi tests: the test library, its declarations, and the
module-scoped fixtures ffi / C / T (an FFI with both declared, the C library,
the test library)."""
import os

import pytest

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("TANDEM_BUILD", os.path.join(_ROOT, "build"))
TESTLIB = os.path.join(BUILD, "lib", "libtdmtest.so")

BASE_TYPES = [
    # (C type, function, in-range values, out-of-range value or None)
    ("char", "t_char", [b"a", b"\x00", b"\xff"], None),
    ("signed char", "t_schar", [-128, 0, 127], 128),
    ("unsigned char", "t_uchar", [0, 255], 256),
    ("short", "t_short", [-32768, 32767], 32768),
    ("unsigned short", "t_ushort", [0, 65535], -1),
    ("int", "t_int", [-2**31, 0, 2**31 - 1], 2**31),
    ("unsigned int", "t_uint", [0, 2**32 - 1], 2**32),
    ("long", "t_long", [-2**63, 2**63 - 1], 2**63),
    ("unsigned long", "t_ulong", [0, 2**64 - 1], 2**64),
    ("long long", "t_llong", [-2**63, 2**63 - 1], -2**63 - 1),
    ("unsigned long long", "t_ullong", [0, 2**64 - 1], -1),
    ("int8_t", "t_i8", [-128, 127], -129),
    ("uint8_t", "t_u8", [0, 255], 256),
    ("int16_t", "t_i16", [-32768, 32767], 40000),
    ("uint16_t", "t_u16", [0, 65535], 65536),
    ("int32_t", "t_i32", [-2**31, 2**31 - 1], 2**31),
    ("uint32_t", "t_u32", [0, 2**32 - 1], -1),
    ("int64_t", "t_i64", [-2**63, 2**63 - 1], 2**63),
    ("uint64_t", "t_u64", [0, 2**64 - 1], 2**64),
    ("size_t", "t_size", [0, 2**64 - 1], -1),
    ("ssize_t", "t_ssize", [-2**63, 2**63 - 1], 2**63),
    ("intptr_t", "t_intptr", [-1, 2**63 - 1], 2**63),
    ("float", "t_float", [0.5, -2.25], None),
    ("double", "t_double", [0.1, -1e300], None),
    ("_Bool", "t_bool", [True, False], None),
]

TESTLIB_CDEF = "\n".join(f"{t} {f}({t});" for t, f, _, _ in BASE_TYPES) + """
void *t_ptr(void *);
int t_neg8(void);
signed char t_ret_schar(void);
unsigned short t_ret_ushort(void);
uint64_t t_big_u64(void);
int add(int, int);
double mix(int a, double b, float c, long long d, char e, short f, unsigned char g,
           _Bool h, uint16_t i, int8_t j);
struct point { int x, y; };
struct point make_point(int x, int y);
int point_sum(struct point p);
struct big { double a, b, c; long d; };
struct big big_scale(struct big b, double k);
struct withf { float f; char c; };
struct withf withf_make(float f, char c);
struct nested { struct point p; char tag; int arr[3]; };
struct nested nested_make(int base);
int nested_sum(struct nested n);
int sum_ints(int n, ...);
long long sum_llongs(int n, ...);
double sum_doubles(int n, ...);
int call_cb(int (*f)(int), int x);
int call_cb_sum(int (*f)(int), int n);
double call_cb_d(double (*f)(double, float), double x);
struct point call_cb_pt(struct point (*f)(struct point));
short call_cb_short(short (*f)(void));
void *ret_null(void);
const char *greeting(void);
void fill_squares(int *a, int n);
int global_counter;
const char *global_name;
int set_errno_to(int e);
int get_errno_val(void);
typedef int (*binop)(int, int);
binop get_adder(void);
struct bits { unsigned a : 3; int b : 5; unsigned c : 12; char d; };
int bits_b(const struct bits *s);
"""

LIBC_CDEF = """
size_t strlen(const char *);
int snprintf(char *, size_t, const char *, ...);
typedef struct { int quot; int rem; } div_t;
div_t div(int, int);
long strtol(const char *, char **, int);
void qsort(void *, size_t, size_t, int (*)(const void *, const void *));
struct timeval { long tv_sec; long tv_usec; };
int gettimeofday(struct timeval *tv, void *tz);
void *malloc(size_t);
void free(void *);
char *strerror(int);
int abs(int);
"""


@pytest.fixture(scope="module")
def ffi():
    import tandem
    f = tandem.FFI()
    f.cdef(LIBC_CDEF)
    f.cdef(TESTLIB_CDEF)
    return f


@pytest.fixture(scope="module")
def C(ffi):
    return ffi.dlopen(None)


@pytest.fixture(scope="module")
def T(ffi):
    return ffi.dlopen(TESTLIB)
