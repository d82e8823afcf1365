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


# ---- lists and tuples for pointer arguments: a temporary array (cffi) ------------

def test_list_for_pointer_argument_is_a_temporary_array(ffi):
    ffi.cdef("size_t strlen(const char *);")
    C = ffi.dlopen(None)
    assert C.strlen([b"a", b"b", b"c", b"\x00"]) == 3
    assert C.strlen((b"x", b"\x00")) == 1
    seen = []

    @ffi.callback("int(int *, int)")
    def total(p, n):
        seen.append(ffi.typeof(p).cname)
        return sum(p[i] for i in range(n))

    assert total([1, 2, 3, 4], 4) == 10
    assert total((), 0) == 0
    assert seen == ["int *", "int *"]


def test_list_of_structs_and_pointers_for_pointer_arguments(ffi):
    ffi.cdef("struct rtc_pt { int a, b; };")

    @ffi.callback("int(struct rtc_pt *)")
    def first_two(p):
        return p[0].a * 1000 + p[0].b * 100 + p[1].a * 10 + p[1].b

    assert first_two([[5, 6], {"b": 8}]) == 5608
    names = []

    @ffi.callback("void(char **)")
    def strings(argv):
        names.append(ffi.string(argv[0]))
        names.append(argv[1] == ffi.NULL)

    strings([ffi.new("char[]", b"foo"), ffi.NULL])
    assert names == [b"foo", True]


def test_list_argument_errors(ffi):
    @ffi.callback("int(int *)")
    def f(p):
        return p[0]

    with pytest.raises(OverflowError, match="item 1"):
        f([1, 2**40])
    with pytest.raises(TypeError, match="item 0"):
        f(["x"])
    # a list is no pointer for a void * parameter (no element type)
    g = ffi.callback("int(void *)", lambda p: 0)
    with pytest.raises(TypeError):
        g([1, 2])


# ---- characters: char is bytes of length 1, wchar_t a str of length 1 (cffi) -----

def test_char_and_wchar_refuse_numbers(ffi):
    with pytest.raises(TypeError, match="a char is"):
        ffi.new("char *", 32)
    with pytest.raises(TypeError):
        ffi.new("char *", True)
    with pytest.raises(TypeError, match="a wchar_t is"):
        ffi.new("wchar_t *", 32)
    p = ffi.new("char[2]")
    with pytest.raises(TypeError):
        p[0] = 65
    p[0] = b"A"
    assert p[0] == b"A"
    # nested initialisers follow the same rule (union's first member is a char)
    ffi.cdef("union rtc_u { char a; int b; }; struct rtc_c { char c; wchar_t w; };")
    with pytest.raises(TypeError):
        ffi.new("union rtc_u *", [1005])
    with pytest.raises(TypeError):
        ffi.new("struct rtc_c *", [66])
    assert ffi.new("union rtc_u *", [b"A"]).a == b"A"
    # a char parameter, as cffi
    f = ffi.callback("int(char)", lambda c: c[0])
    assert f(b"x") == ord("x")
    with pytest.raises(TypeError):
        f(120)
    # signed/unsigned char stay integers
    assert ffi.new("signed char *", 65)[0] == 65
    assert ffi.new("unsigned char *", 200)[0] == 200


def test_cast_of_a_one_character_str_and_string_of_wchar(ffi):
    assert int(ffi.cast("int", "\u1234")) == 0x1234
    w = ffi.cast("wchar_t", "x")
    assert ffi.string(w) == "x"
    assert ffi.string(ffi.cast("wchar_t", 0x1F600)) == "\U0001F600"
    assert ffi.string(ffi.cast("char", 66)) == b"B"
    with pytest.raises(TypeError):
        ffi.string(ffi.cast("_Bool", 1))      # not a character (cffi)
    with pytest.raises(TypeError):
        ffi.string(ffi.cast("signed char", 65))
    with pytest.raises(TypeError):
        ffi.cast("int", "xy")


def test_too_long_string_initialisers_are_index_errors(ffi):
    with pytest.raises(IndexError):
        ffi.new("char[2]", b"abc")
    with pytest.raises(IndexError):
        ffi.new("wchar_t[2]", "abc")
    assert ffi.string(ffi.new("char[2]", b"ab"), 2) == b"ab"


def test_bool_out_of_range_is_an_overflow_error(ffi):
    with pytest.raises(OverflowError, match="only 0 or 1"):
        ffi.new("_Bool *", 2)
    assert ffi.new("_Bool *", 1)[0] is True


# ---- anonymous struct/union members: C's brace elision, as cffi ------------------

def test_initialisers_of_anonymous_members(ffi):
    ffi.cdef("""
        struct rtc_anon { struct { int a, b; }; union { int c, d; }; };
        union rtc_uanon { struct { int a, b; }; union { int c, d; }; };
        struct rtc_anon2 { int a; union { int b; union { int c, d; }; }; int e; };
    """)
    p = ffi.new("struct rtc_anon *", [1, 2, 3])
    assert (p.a, p.b, p.c, p.d) == (1, 2, 3, 3)
    p = ffi.new("struct rtc_anon *", {"b": 12, "d": 14})
    assert (p.a, p.b, p.c) == (0, 12, 14)
    with pytest.raises(ValueError, match="too many initializers"):
        ffi.new("struct rtc_anon *", [0, 0, 0, 0])
    u = ffi.new("union rtc_uanon *", [123, 456])     # the first member: the struct
    assert (u.a, u.b, u.c) == (123, 456, 123)
    with pytest.raises(ValueError):
        ffi.new("union rtc_uanon *", [1, 2, 3])
    q = ffi.new("struct rtc_anon2 *", [11, 22, 33])
    assert (q.a, q.b, q.c, q.d, q.e) == (11, 22, 22, 22, 33)
    fields = [(n, f.offset, f.flags) for n, f in ffi.typeof("struct rtc_anon2").fields]
    assert fields == [("a", 0, 0), ("b", 4, 0), ("c", 4, 1), ("d", 4, 1), ("e", 8, 0)]


# ---- gc(p, None), dlopen of a handle, FFI.NULL, callback result errors -------------

def test_gc_none_detaches_only_a_gc_cdata():
    import gc
    ffi = tandem.FFI()
    p = ffi.new("int *", 123)
    with pytest.raises(TypeError, match="previously returned by ffi.gc"):
        ffi.gc(p, None)
    seen = []
    q1 = ffi.gc(p, lambda p: seen.append(1))
    q2 = ffi.gc(q1, lambda p: seen.append(2))
    gc.collect()
    assert seen == []
    assert ffi.gc(q1, None) is None
    del q1, q2
    gc.collect()
    assert seen == [2]


def test_dlopen_of_a_handle_cdata():
    ffi = tandem.FFI()
    ffi.cdef("void *dlopen(const char *, int); int dlclose(void *); int add(int, int);")
    C = ffi.dlopen(None)
    handle = C.dlopen(TESTLIB.encode(), ffi.RTLD_NOW)
    assert handle != ffi.NULL
    lib = ffi.dlopen(handle)
    assert lib.add(40, 2) == 42
    assert ffi.dlopen(ffi.cast("void *", handle)).add(1, 2) == 3
    assert C.dlclose(handle) == 0       # the handle stays the caller's to close
    with pytest.raises(OSError, match="NULL library handle"):
        ffi.dlopen(ffi.NULL)
    with pytest.raises(TypeError, match="handle from dlopen"):
        ffi.dlopen(ffi.new("int[1]"))


def test_ffi_null_on_the_class():
    null = tandem.FFI.NULL
    assert null is tandem.FFI.NULL
    assert tandem.FFI().typeof(null).cname == "void *"
    ffi = tandem.FFI()
    assert ffi.NULL == null and ffi.NULL is ffi.NULL
    with pytest.raises(AttributeError):
        ffi.NULL = 1

    class Sub(tandem.FFI):
        def __init__(self, x):
            super().__init__()
    assert Sub.NULL is null


def test_callback_with_error_value_and_an_unconvertible_result(capsys):
    ffi = tandem.FFI()

    @ffi.callback("long(long, long)", error=42)
    def cb(a, b):
        return a - b

    assert cb(-100, -10) == -90
    assert cb(2**63 - 1, -10) == 42          # out of range: printed, C gets `error`
    assert "callback result" in capsys.readouterr().err
    # without error=/onerror= tandem's default re-raises in the caller
    plain = ffi.callback("long(long, long)", lambda a, b: a - b)
    with pytest.raises(tandem.FFIError, match="out of range"):
        plain(2**63 - 1, -10)


# ---- complex numbers (issue 13 item 19): Python complex values, as cffi -------------

CX_CDEF = """
double _Complex t_cdouble(double _Complex z);
float _Complex t_cfloat(float _Complex z);
double _Complex cd_mul(double _Complex a, double _Complex b);
float _Complex cf_make(float re, float im);
double cd_abs2(double _Complex z);
double _Complex call_cb_cd(double _Complex (*f)(double _Complex), double _Complex z);
"""


@pytest.fixture(scope="module")
def cx():
    f = tandem.FFI()
    f.cdef(CX_CDEF)
    return f, f.dlopen(TESTLIB)


def test_complex_types(cx):
    ffi, _ = cx
    assert ffi.sizeof("double _Complex") == 16 and ffi.alignof("double _Complex") == 8
    assert ffi.sizeof("float _Complex") == 8 and ffi.alignof("float _Complex") == 4
    assert ffi.typeof("float _Complex").kind == "primitive"
    assert ffi.typeof("_Complex double") is ffi.typeof("double _Complex")
    for bad in ("int _Complex", "long double _Complex", "_Complex _Complex double"):
        with pytest.raises(tandem.CDefError, match="_Complex type combination"):
            ffi.typeof(bad)


def test_complex_arguments_and_results(cx):
    _, T = cx
    assert T.t_cdouble(1 + 2j) == 1 + 2j
    assert type(T.t_cdouble(1 + 2j)) is complex
    assert T.t_cfloat(1.5 - 0.5j) == 1.5 - 0.5j
    assert T.cd_mul(1 + 2j, 3 - 1j) == (1 + 2j) * (3 - 1j)
    assert T.cf_make(1.0, -2.0) == 1 - 2j
    assert T.cd_abs2(3 + 4j) == 25.0
    assert T.t_cdouble(2) == 2 + 0j            # a real number: imaginary part 0
    with pytest.raises(TypeError):
        T.t_cdouble("1+2j")


def test_complex_in_memory_casts_and_callbacks(cx):
    ffi, T = cx
    p = ffi.new("double _Complex *", 1 + 2j)
    assert p[0] == 1 + 2j
    a = ffi.new("float _Complex[2]", [1j, 2])
    assert (a[0], a[1]) == (1j, 2 + 0j)
    c = ffi.cast("double _Complex", 1.5 + 2j)
    assert repr(c) == "<cdata 'double _Complex' (1.5+2j)>"
    assert complex(c) == 1.5 + 2j
    assert complex(ffi.cast("float _Complex", c)) == 1.5 + 2j
    assert complex(ffi.cast("int", 3)) == 3 + 0j
    ffi.cdef("struct rtc_z { int n; double _Complex z; };")
    s = ffi.new("struct rtc_z *", [1, 2 - 3j])
    assert s.z == 2 - 3j
    s.z = 5 - 5j
    assert s.z == 5 - 5j
    cb = ffi.callback("double _Complex(double _Complex)", lambda z: z.conjugate())
    assert T.call_cb_cd(cb, 1 + 2j) == 2 * (1 - 2j)       # C doubles what it got back
    assert cb(3 + 4j) == 3 - 4j


# ---- CTypes of base-type-only types are shared by every FFI (cffi's cache) ----------

def test_ctypes_shared_across_ffi_objects():
    import gc
    import weakref
    f1, f2 = tandem.FFI(), tandem.FFI()
    assert f1.typeof("char") is f2.typeof("char ")
    assert f1.typeof("long") is f2.typeof("signed long int")
    assert f1.typeof("int ***") is f2.typeof(" int * * *")
    assert f1.typeof("int(*)(int,int)") is f2.typeof("int(*)(int,int)")
    assert f1.typeof("double _Complex[3]") is f2.typeof("double _Complex[3]")
    # declared by the user: one per registry
    assert f1.typeof("struct rtc_foo") is not f2.typeof("struct rtc_foo")
    assert f1.typeof("struct rtc_foo *") is f1.typeof("struct rtc_foo*")
    # a shared CType works with the other FFI as that FFI's own type
    t = f1.typeof("int[3]")
    p = f2.new(t, [1, 2, 3])
    assert f2.typeof(p) is t and list(p) == [1, 2, 3]
    assert f2.sizeof(t) == 12 and f2.cast(f1.typeof("long"), 7) == 7
    # a pointer's CType keeps its item's alive; the rest goes with the FFI
    f3 = tandem.FFI()
    t1, t2 = f3.typeof("long ***"), f3.typeof("long **")
    w1, w2 = weakref.ref(t1), weakref.ref(t2)
    del t2, f3
    gc.collect()
    assert w1() is t1 and w2() is not None
    f4 = tandem.FFI()
    assert f4.typeof(f4.new("long ***")[0]) is w2()


def test_type_string_errors_worded_as_cffi():
    ffi = tandem.FFI()
    with pytest.raises(tandem.CDefError) as ei:
        ffi.cast("foobarbazunknown", 0)
    assert str(ei.value) == "unknown identifier 'foobarbazunknown'"
    with pytest.raises(tandem.CDefError) as ei:
        ffi.cast("foobarbazunknown*", 0)
    msg = str(ei.value)
    assert msg.startswith('cannot parse "foobarbazunknown*"\n')
    assert "cast: 1:1:" in msg          # tandem's line:col stays as the detail
    with pytest.raises(ValueError):
        ffi.typeof("int[10][]")         # not a parse error: cffi's class, unchanged


def _cdef_error(src):
    with pytest.raises(tandem.CDefError) as ei:
        tandem.FFI().cdef(src)
    return str(ei.value)


def test_cdef_errors_worded_as_cffi():
    # a bad declaration: "<cdef source string>:<line>: message"
    assert _cdef_error("int foo(...);") == (
        "<cdef source string>:1: foo: a function with only '(...)' as argument is not "
        "correct C")
    assert _cdef_error("int f(int);\ntypedef int (*g)(...);") == (
        "<cdef source string>:2: in expression: a function with only '(...)' as argument "
        "is not correct C")
    assert _cdef_error("void f(foobarbazzz);") == (
        "<cdef source string>:1: f arg 1: unknown type 'foobarbazzz' (if you meant to use "
        "the old C syntax of giving untyped arguments, it is not supported)")
    assert _cdef_error("void foo(void) {}") == (
        "<cdef source string>:1: unexpected <FuncDef>: this construct is valid C but not "
        "valid in cdef()")
    assert _cdef_error("\nstruct cw { struct cw_undef m; };") == (
        "<cdef source string>:2: field 'm' has incomplete type 'struct cw_undef'")
    # a syntax error: the line, then "<cdef source string>:<line>:<col>: message"
    # (lines of the text: a backslash-newline splice does not join them here)
    assert _cdef_error(" x y z ").startswith(
        'cannot parse "x y z"\n<cdef source string>:1:2: ')
    assert _cdef_error("\n\n\n x y z ").startswith(
        'cannot parse "x y z"\n<cdef source string>:4:')
    assert _cdef_error("int x\\\ny;\nint z\\\n @;") == (
        "cannot parse \"@;\"\n<cdef source string>:4:2: unexpected character '@'")


def test_cdef_errors_follow_line_markers():
    # `# N "file"` names the file and numbers the lines after it (cffi)
    assert _cdef_error('\n# 42 "foobar"\n\n    a b c d\n    ').startswith(
        "parse error\nfoobar:43:5: ")
    assert _cdef_error('# 7 "x.h"\nint f(int);\n#line 20\nvoid g(h);') == (
        "x.h:20: g arg 1: unknown type 'h' (if you meant to use the old C syntax of "
        "giving untyped arguments, it is not supported)")
    with pytest.raises(tandem.CDefError, match="^include: <cdef source string>:1: "):
        a, b = tandem.FFI(), tandem.FFI()
        a.cdef("int inc_dup(int);")
        b.cdef("long inc_dup(int);")
        b.include(a)


# ---- None is no pointer in a store (cffi); call arguments keep it ------------------

def test_none_refused_for_stored_pointers():
    ffi = tandem.FFI()
    ffi.cdef("struct rtc_named { const char *name; }; size_t strlen(const char *);")
    n = ffi.new("int *", 99)
    p = ffi.new("int *[]", [n])
    with pytest.raises(TypeError, match="ffi.NULL"):
        p[0] = None
    p[0] = ffi.NULL
    assert p[0] == ffi.NULL
    s = ffi.new("struct rtc_named *", [ffi.new("char[]", b"x")])
    with pytest.raises(TypeError):
        s.name = None
    with pytest.raises(TypeError):
        ffi.new("struct rtc_named *", [None])
    with pytest.raises(TypeError):
        ffi.new("int *[1]", [None])
    # a call argument may still be None (tandem's convenience, shared with Lua's nil)
    f = ffi.callback("int(int *)", lambda q: q == ffi.NULL)
    assert f(None) == 1


def test_value_errors_are_also_ffi_errors():
    ffi = tandem.FFI()
    for exc in (ValueError, ffi.error, tandem.FFIValueError):
        with pytest.raises(exc, match="negative"):
            ffi.cast("int[-5]", 0)
    ffi.cdef("struct rtc_two { int a, b; };")
    with pytest.raises(ffi.error, match="too many initializers"):
        ffi.new("struct rtc_two *", [1, 2, 3])


def test_callback_of_a_type_libffi_cannot_pass_is_not_implemented():
    ffi = tandem.FFI()
    ffi.cdef("struct rtc_bits { int a, b, c, d, e; int x : 1; }; union rtc_un { int a; };")
    with pytest.raises(NotImplementedError) as ei:
        ffi.callback("struct rtc_bits foo(void)", lambda: 42)
    assert str(ei.value) == ("struct rtc_bits(*)(): callback with unsupported argument or "
                             "return type or with '...'")
    assert "has bitfields" in ei.value.__notes__[0]      # tandem's reason, as a note
    with pytest.raises(NotImplementedError) as ei:
        ffi.callback("int(*)(union rtc_un)", lambda u: 0)
    assert "unions cannot be passed" in ei.value.__notes__[0]
