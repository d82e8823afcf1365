"""Declarations and types of issue 13 (cffi's behaviour): char16_t/char32_t,
long double, FILE, bool and the standard typedefs a cdef may redefine,
packed layouts, float static const, enum {A, ...}, cffi's refusals, casts to
arrays and to function types (docs/ffi.md, "Compatibility with cffi")."""
import ctypes
import math

import pytest

import tandem


@pytest.fixture
def ffi():
    return tandem.FFI()


# ---- character types -------------------------------------------------------

def test_char16_t_is_a_utf16_code_unit(ffi):
    assert ffi.sizeof("char16_t") == 2 and ffi.alignof("char16_t") == 2
    x = ffi.new("char16_t[]", 5)
    assert len(x) == 5 and ffi.sizeof(x) == 10
    x[2] = "\u1324"
    assert x[2] == "\u1324"
    y = ffi.new("char16_t[]", "\u1234\u5678")
    assert len(y) == 3 and list(y) == ["\u1234", "\u5678", "\x00"]
    assert ffi.string(y) == "\u1234\u5678"
    # past U+FFFF: a surrogate pair in the array, one character again in string()
    z = ffi.new("char16_t[]", "\U00012345")
    assert len(z) == 3 and list(z) == ["\ud808", "\udf45", "\x00"]
    assert ffi.string(z) == "\U00012345"
    assert ffi.unpack(z, 2) == "\U00012345"
    with pytest.raises(OverflowError):
        x[0] = "\U00012345"            # one char16_t cannot hold it


def test_char32_t_is_a_code_point(ffi):
    assert ffi.sizeof("char32_t") == 4
    x = ffi.new("char32_t[]", 5)
    assert len(x) == 5 and ffi.sizeof(x) == 20
    x[3] = "\U00013245"
    assert x[3] == "\U00013245"
    z = ffi.new("char32_t[]", "\U00012345")
    assert len(z) == 2 and list(z) == ["\U00012345", "\x00"]
    assert ffi.string(z) == "\U00012345"
    assert int(ffi.cast("char32_t", 0x41)) == 0x41


def test_char16_and_char32_through_a_c_call(ffi):
    def step(c):
        return chr(ord(c) + 0x2A)
    f16 = ffi.callback("char16_t(char16_t)", step)
    f32 = ffi.callback("char32_t(char32_t)", step)
    assert f16("\u1234") == "\u125e"
    assert f32("\u1234") == "\u125e"
    assert f32("\U00012345") == "\U0001236f"


# ---- long double -----------------------------------------------------------

def test_long_double_is_a_real_type(ffi):
    assert ffi.sizeof("long double") == ctypes.sizeof(ctypes.c_longdouble) == 16
    assert ffi.alignof("long double") == 16
    p = ffi.new("long double *", 1.5)
    assert p[0] == 1.5 and isinstance(p[0], float)
    p[0] = -math.inf
    assert math.isinf(p[0]) and p[0] < 0
    ffi.cdef("struct ld_s { char c; long double x; int i; };")
    assert ffi.offsetof("struct ld_s", "x") == 16 and ffi.sizeof("struct ld_s") == 48


def test_long_double_arguments_and_results(ffi):
    ffi.cdef("long double fabsl(long double); long double strtold(const char *, char **);"
             "int snprintf(char *, size_t, const char *, ...);")
    C = ffi.dlopen(None)
    assert C.fabsl(-2.5) == 2.5
    assert C.strtold(b"0.1", ffi.NULL) == 0.1
    # a long double cdata as a variadic argument stays long double (no promotion)
    buf = ffi.new("char[64]")
    C.snprintf(buf, 64, b"%.3Lf", ffi.cast("long double", 3.25))
    assert ffi.string(buf) == b"3.250"


# ---- standard names --------------------------------------------------------

def test_file_is_built_in_and_opaque(ffi):
    assert repr(ffi.typeof("FILE *")) == "<ctype 'FILE *'>"
    ffi.cdef("int fputs(const char *, FILE *); FILE *fopen(const char *, const char *);"
             "int fclose(FILE *);")
    with pytest.raises(TypeError):
        ffi.new("FILE *")           # no size: only pointers to it


def test_file_pointer_is_one_ctype_across_ffi_objects():
    # cffi's global cache holds FILE as a base type: `FILE *` (and FILE) is
    # the same CType in every FFI object, and usable in each
    a, b = tandem.FFI(), tandem.FFI()
    fp = a.typeof("FILE *")
    assert fp is b.typeof("FILE *") and fp.item is b.typeof("FILE")
    b.cdef("int fflush(FILE *);")
    assert b.dlopen(None).fflush(b.cast(fp, 0)) == 0       # fflush(NULL): all streams
    # a FILE the user defines is their own type, not the shared one
    c = tandem.FFI()
    c.cdef("typedef struct { int fd; } FILE;")
    assert c.typeof("FILE *") is not fp


def test_least_fast_and_max_typedefs(ffi):
    assert ffi.sizeof("int_least8_t") == 1 and ffi.sizeof("uint_least16_t") == 2
    assert ffi.sizeof("int_fast16_t") == 8 and ffi.sizeof("uint_fast8_t") == 1
    assert ffi.sizeof("intmax_t") == ffi.sizeof("uintmax_t") == 8


def test_bool_may_be_declared_as_cffi_allows(ffi):
    ffi.cdef("void f(bool);")
    ffi.cdef("typedef _Bool bool; void g(bool);")      # identical: fine
    other = tandem.FFI()
    other.cdef("typedef int bool, *FILE;")             # another meaning, as in cffi
    assert repr(other.cast("bool", 123)) == "<cdata 'int' 123>"
    assert repr(other.typeof("FILE")) == "<ctype 'int *'>"
    other.cdef("typedef bool (*fn_t)(bool, bool);")
    assert other.typeof("fn_t").args == (other.typeof("int"), other.typeof("int"))
    # once declared, a second, different declaration is a conflict as usual
    with pytest.raises(tandem.CDefError, match="conflicting declaration of 'bool'"):
        other.cdef("typedef char bool;")


def test_standard_typedefs_redefined(ffi):
    ffi.cdef("typedef unsigned long size_t;")          # identical
    assert ffi.sizeof("size_t") == 8
    ffi.cdef("typedef char FILE;")
    assert repr(ffi.cast("FILE", 123)) == "<cdata 'char' b'{'>"
    ffi.cdef("typedef char int32_t;")
    assert ffi.sizeof("int32_t") == 1
    with pytest.raises(tandem.CDefError):
        ffi.cdef("typedef short int32_t;")


# ---- packed layouts --------------------------------------------------------

def test_cdef_packed_and_pack(ffi):
    ffi.cdef("struct nonpacked { char a; int b; };")
    ffi.cdef("struct is_packed { char a; int b; };", packed=True)
    ffi.cdef("struct is_packed2 { char a; int b; };", pack=2)
    ffi.cdef("struct is_packed8 { char a; int b; };", pack=8)
    assert (ffi.sizeof("struct nonpacked"), ffi.alignof("struct nonpacked")) == (8, 4)
    assert (ffi.sizeof("struct is_packed"), ffi.alignof("struct is_packed")) == (5, 1)
    assert (ffi.sizeof("struct is_packed2"), ffi.alignof("struct is_packed2")) == (6, 2)
    assert (ffi.sizeof("struct is_packed8"), ffi.alignof("struct is_packed8")) == (8, 4)
    s = ffi.new("struct is_packed[2]")
    s[1].b = -4892220
    s[1].a = b"Y"
    assert (s[1].a, s[1].b) == (b"Y", -4892220)
    assert ffi.offsetof("struct is_packed", "b") == 1
    # the bytes are where a packed C struct has them
    raw = ffi.buffer(s)[:]
    assert raw[5:6] == b"Y" and int.from_bytes(raw[6:10], "little", signed=True) == -4892220


def test_cdef_pack_values(ffi):
    with pytest.raises(ValueError):
        ffi.cdef("", pack=3)
    with pytest.raises(ValueError):
        ffi.cdef("", packed=2)
    with pytest.raises(ValueError):
        ffi.cdef("", packed=True, pack=1)


def test_pragma_pack_and_packed_attribute(ffi):
    ffi.cdef("""
        #pragma pack(push, 1)
        struct pp1 { char a; double d; };
        #pragma pack(pop)
        struct pp8 { char a; double d; };
        struct pa { char a; short s; } __attribute__((packed));
        typedef struct __attribute__((__packed__)) { char a; long l; } pa_t;
    """)
    assert ffi.sizeof("struct pp1") == 9 and ffi.sizeof("struct pp8") == 16
    assert ffi.sizeof("struct pa") == 3 and ffi.sizeof("pa_t") == 9
    with pytest.raises(tandem.CDefError, match="bitfields in a packed struct"):
        ffi.cdef("struct pb { char a; int x : 3; };", packed=True)


def test_packed_struct_is_not_passed_by_value(ffi):
    ffi.cdef("struct pv { char a; int b; }; int takes_pv(struct pv);", packed=True)
    # cffi: NotImplementedError, as for any signature libffi cannot pass;
    # tandem's reason is the exception's note
    with pytest.raises(NotImplementedError) as ei:
        ffi.callback("int(struct pv)", lambda s: 0)
    assert "'struct pv' is packed" in ei.value.__notes__[0]


# ---- constants and enums ---------------------------------------------------

def test_float_static_const_is_declared_not_readable(ffi):
    ffi.cdef("""
        #define FOOBAR 42
        static const float baz = 42.5;
        static const double qux = 1e-3, quux = (2.5);
    """)
    lib = ffi.dlopen(None)
    assert lib.FOOBAR == 42
    for name in ("baz", "qux", "quux"):
        with pytest.raises(NotImplementedError, match="non-integer constant"):
            getattr(lib, name)
    with pytest.raises(tandem.CDefError, match="only integer constants"):
        ffi.cdef("#define PI 3.14")


def test_partial_enum(ffi):
    ffi.cdef("enum foo {A, ...}; enum bar { B, C };")
    lib = ffi.dlopen(None)
    assert lib.B == 0 and lib.C == 1
    with pytest.raises(AttributeError, match="declared with '...'"):
        lib.A
    with pytest.raises(tandem.CDefError):
        ffi.cdef("enum onlydots { ... };")


def test_enum_values_after_its_first_use_refused(ffi):
    with pytest.raises(NotImplementedError) as e:
        ffi.cdef("typedef enum foo_e foo_t; enum foo_e { AA, BB };")
    assert str(e.value) == ("enum foo_e: the '{}' declaration should appear on the first "
                            "time the enum is mentioned, not later")


def test_only_variadic_parameters_refused(ffi):
    with pytest.raises(tandem.CDefError, match=r"only '\(\.\.\.\)' as argument"):
        ffi.cdef("int foo(...);")
    ffi.cdef("int printf(const char *, ...);")        # with a named parameter: fine


# ---- parameters -------------------------------------------------------------

def test_void_typedef_as_the_only_parameter(ffi):
    ffi.cdef("typedef void void_t1; typedef void_t1 void_t; typedef int (*func_t)(void_t);")
    assert ffi.typeof("func_t").args == ()
    with pytest.raises(tandem.CDefError):
        ffi.cdef("int two_voids(void_t, int);")


def test_incomplete_struct_array_parameter(ffi):
    ffi.cdef("""
        struct bar_s;
        struct foo_s { void (*foo)(struct bar_s[]); };
        struct bar_s { struct foo_s foo; };
    """)
    q = ffi.new("struct foo_s *")
    assert ffi.typeof(q.foo).args == (ffi.typeof("struct bar_s *"),)
    with pytest.raises(tandem.CDefError, match="incomplete element type"):
        ffi.cdef("struct later_s; struct later_s *arr_of_incomplete[3];"
                 "struct holder_s { struct later_s items[2]; };")


# ---- bitfields ---------------------------------------------------------------

def test_bad_bitfields_refused_at_new(ffi):
    ffi.cdef("struct s1 { float x:1; };")
    with pytest.raises(TypeError):
        ffi.new("struct s1 *")
    ffi.cdef("struct s2 { char x:0; };")
    with pytest.raises(TypeError):
        ffi.new("struct s2 *")
    ffi.cdef("struct s3 { char x:9; };")
    with pytest.raises(TypeError, match="out of range"):
        ffi.new("struct s3 *")


# ---- casts -------------------------------------------------------------------

def test_cast_to_array_type(ffi):
    p = ffi.new("int[4]", [-5, 6, 7, 8])
    q = ffi.cast("int[3]", p)
    assert q[0] == -5 and q[2] == 7 and len(q) == 3
    assert repr(q).startswith("<cdata 'int[3]' 0x")
    r = ffi.cast("int[2]", ffi.cast("int *", p) + 1)
    assert list(r) == [6, 7]
    del p
    assert q[1] == 6                    # the array keeps its source's memory alive
    with pytest.raises(TypeError):
        ffi.cast("int(*)(int)[5]", 0)   # an array from a number: no


def test_cast_to_function_type_is_cdef_error(ffi):
    f = ffi.cast("int(*)(int)", 42)
    assert f != ffi.NULL
    with pytest.raises(tandem.CDefError, match="function type"):
        ffi.cast("int(int)", 42)


def test_python_file_for_a_file_pointer(ffi, tmp_path):
    ffi.cdef("int fputs(const char *, FILE *); int fflush(FILE *);")
    C = ffi.dlopen(None)
    name = tmp_path / "out.txt"
    with open(name, "wb") as f:
        f.write(b"[")
        C.fputs(b"hello from C", f)          # Python's buffer is flushed first
        f.write(b"][")
        C.fputs(b"more", f)                  # the same FILE * again, unbuffered
        f.write(b"]")
    assert name.read_bytes() == b"[hello from C][more]"
    with pytest.raises(TypeError):
        C.fputs(b"x", object())              # not a file
    assert C.fflush(ffi.NULL) == 0           # a FILE * cdata (here NULL) as before


def test_unsized_array_member_without_a_known_length_is_a_pointer(ffi):
    ffi.cdef("struct foo_s { int x; int a[]; };")
    p = ffi.new("struct foo_s *", [100, [200, 300, 400]])
    assert ffi.typeof(p.a) is ffi.typeof("int[]") and len(p.a) == 3   # length recorded
    q = ffi.cast("struct foo_s *", int(ffi.cast("intptr_t", p)))       # from an address
    assert ffi.typeof(q.a) is ffi.typeof("int *")
    assert q.a[2] == 400
    with pytest.raises(TypeError):
        len(q.a)


def test_struct_and_union_may_share_a_tag(ffi):
    # cffi accepts it (C and the Lua face, as LuaJIT, do not)
    ffi.cdef("struct foo { int a; short b, c, d; }; union foo { int a; short b, c, d; };")
    assert ffi.sizeof("struct foo") == 12 and ffi.sizeof("union foo") == 4


def test_enum_without_values_is_unsigned_int_with_a_warning(ffi):
    ffi.cdef("enum opaque_e;")
    with pytest.warns(UserWarning, match="'enum opaque_e' has no values explicitly defined; "
                      "guessing that it is equivalent to 'unsigned int'"):
        n = ffi.cast("enum opaque_e", -1)
    assert int(n) == 0xFFFFFFFF


def test_line_directives_are_skipped(ffi):
    # `# 42 "file"` (the preprocessor's output, as cffi accepts it) is no declaration
    ffi.cdef('# 42 "foo.h"\nint abs(int);\n# 7 "bar.h" 1 3\nlong labs(long);')
    lib = ffi.dlopen(None)
    assert lib.abs(-2) == 2 and lib.labs(-3) == 3
    with pytest.raises(tandem.CDefError):
        ffi.cdef('# 42 "foo.h"\nint @;')


# ---- backslash-newline splices (C's translation phase 2) --------------------

def test_backslash_newline_splices_inside_tokens(ffi):
    ffi.cdef("int lab\\\ns(int) asm(\"abs\");\n#define SPL 1\\\n2\n"
             "struct spl { int a\\\r\nb; };")
    C = ffi.dlopen(None)
    assert C.labs(-3) == 3 and C.SPL == 12
    assert ffi.offsetof("struct spl", "ab") == 0
    with pytest.raises(ffi.CDefError, match="4:2:"):
        ffi.cdef("int x\\\ny;\nint z\\\n @;")


# ---- GCC attributes that change a layout (issue 16's aligned, mode, vector_size) --

def test_aligned_attribute_layouts(ffi):
    # the same numbers gcc gives (tests/unit/test_ffi_layout.c compiles them)
    ffi.cdef("""
        struct al1 { char c; int x __attribute__((aligned(8))); short s; };
        struct al2 { char c; int x; } __attribute__((aligned(16)));
        typedef int i8a_t __attribute__((aligned(8)));
        typedef int i1a_t __attribute__((aligned(1)));
        struct al3 { char c; i8a_t x; };
        struct al4 { char c; i1a_t x; };
        struct al5 { char c; int x __attribute__((aligned(8))); } __attribute__((packed));
        #pragma pack(1)
        struct al6 { char c; int x __attribute__((aligned(4))); };
        #pragma pack()
    """)
    assert (ffi.sizeof("struct al1"), ffi.alignof("struct al1")) == (16, 8)
    assert ffi.offsetof("struct al1", "x") == 8 and ffi.offsetof("struct al1", "s") == 12
    assert (ffi.sizeof("struct al2"), ffi.alignof("struct al2")) == (16, 16)
    assert (ffi.sizeof("i8a_t"), ffi.alignof("i8a_t")) == (4, 8)
    # a variant of int, spelled as gcc would: never the shared CType of int
    t = ffi.typeof("i8a_t")
    assert t is not ffi.typeof("int") and t.cname == "int __attribute__((aligned(8)))"
    assert ffi.typeof(t.cname) is t and ffi.alignof(t) == 8
    assert ffi.alignof(tandem.FFI().typeof("int")) == 4
    assert ffi.offsetof("struct al3", "x") == 8 and ffi.sizeof("struct al3") == 16
    assert ffi.offsetof("struct al4", "x") == 1 and ffi.sizeof("struct al4") == 5
    assert ffi.offsetof("struct al5", "x") == 8     # packed keeps an aligned member's n
    assert ffi.offsetof("struct al6", "x") == 1     # #pragma pack caps it
    p = ffi.new("struct al1 *", [b"\x01", 2, 3])
    assert (p.c, p.x, p.s) == (b"\x01", 2, 3)
    v = ffi.new("i8a_t *", 7)
    assert v[0] == 7
    q = ffi.new("struct al4 *", {"x": -5})
    assert q.x == -5
    # libffi lays structs out naturally: an aligned layout is not passed by value
    ffi.cdef("int al_abs(struct al1) asm(\"abs\"); int al_i(i8a_t) asm(\"abs\");")
    C = ffi.dlopen(None)
    with pytest.raises(NotImplementedError, match="aligned"):
        C.al_abs(p[0])
    assert C.al_i(-4) == 4                          # a scalar passes as itself


def test_aligned_typedef_of_struct_union_array_and_bitfields(ffi):
    # gcc's numbers (tests/unit/test_ffi_layout.c compiles the same forms)
    ffi.cdef("""
        struct ts { int a; double d; };
        typedef struct ts T16 __attribute__((aligned(16)));
        typedef struct ts __attribute__((aligned(32))) T32;
        typedef struct ts T2 __attribute__((aligned(2)));
        typedef int A3[3] __attribute__((aligned(16)));
        union tu { int a; char b; };
        typedef union tu U8 __attribute__((aligned(8)));
        struct tinc;
        typedef struct tinc I16 __attribute__((aligned(16)));
        struct tinc { char c; short s; };
        typedef struct { char c[5]; } X5 __attribute__((aligned(8)));
        typedef struct { char c[3]; } C3 __attribute__((aligned(2)));
        struct th { char c; T16 t; char d; A3 a; T2 e; U8 u; I16 i; X5 x; };
        struct tb { char c; int x : 3 __attribute__((aligned(8))); char d; };
        struct tb2 { char c; int __attribute__((aligned(8))) x : 5; int y : 3; };
        int tabs(T16) asm("abs");
    """)
    sizes = {"T16": (16, 16), "T32": (16, 32), "T2": (16, 2), "A3": (12, 16),
             "U8": (4, 8), "I16": (4, 16), "X5": (5, 8), "struct ts": (16, 8),
             "struct th": (112, 16), "struct tb": (16, 8), "struct tb2": (16, 8)}
    for name, (size, align) in sizes.items():
        assert (ffi.sizeof(name), ffi.alignof(name)) == (size, align), name
    offs = {"t": 16, "d": 32, "a": 48, "e": 60, "u": 80, "i": 96, "x": 104}
    for field, off in offs.items():
        assert ffi.offsetof("struct th", field) == off, field
    assert ffi.offsetof("struct tb", "d") == 9
    # a CType of its own, spelled as gcc prints it, which parses back
    t = ffi.typeof("T16")
    assert t is not ffi.typeof("struct ts") and t.kind == "struct"
    assert t.cname == "struct ts __attribute__((aligned(16)))"
    assert ffi.typeof(t.cname) is t
    assert ffi.typeof("A3").cname == "int[3] __attribute__((aligned(16)))"
    assert ffi.typeof(ffi.typeof("A3").cname) is ffi.typeof("A3")
    assert ffi.typeof("X5").cname == "X5 __attribute__((aligned(8)))"
    # fields through the variant
    p = ffi.new("T16 *", [3, 2.5])
    assert (p.a, p.d) == (3, 2.5) and ffi.typeof(p) is ffi.typeof("T16 *")
    h = ffi.new("struct th *")
    h.t.a = 9
    h.a[2] = -7
    h.i.s = 300
    assert (h.t.a, h.a[2], h.i.s) == (9, -7, 300)
    assert ffi.cast("char *", ffi.addressof(h, "a")) - ffi.cast("char *", h) == 48
    b = ffi.new("struct tb *", {"c": b"a", "x": -3, "d": b"z"})
    assert bytes(ffi.buffer(b))[8] == 5 and (b.x, b.d) == (-3, b"z")
    b2 = ffi.new("struct tb2 *", {"x": -1, "y": -1})
    assert bytes(ffi.buffer(b2)) == bytes(8) + b"\xff" + bytes(7)
    # a pointer to the variant is a pointer to the struct, as in C
    ffi.cdef("struct tref { struct ts *p; T2 *q; };")
    r = ffi.new("struct tref *", {"p": p, "q": p})
    assert r.p.a == 3 and r.q.d == 2.5
    # the same typedef again is harmless; with another alignment, a conflict
    ffi.cdef("typedef struct { char c[5]; } X5 __attribute__((aligned(8)));")
    with pytest.raises(ffi.error):
        ffi.cdef("typedef struct { char c[5]; } X5 __attribute__((aligned(4)));")
    assert ffi.alignof("X5") == 8
    # gcc's errors for arrays of them
    with pytest.raises(ffi.error, match="alignment of array elements is greater"):
        ffi.typeof("A3[2]")
    with pytest.raises(ffi.error, match="alignment of array elements is greater"):
        ffi.typeof("X5[2]")
    with pytest.raises(ffi.error, match="not a multiple of its alignment"):
        ffi.typeof("C3[2]")
    assert ffi.sizeof("T16[2]") == 32
    # laid out by an aligned attribute: not passed by value
    C = ffi.dlopen(None)
    with pytest.raises(NotImplementedError, match="aligned"):
        C.tabs(p[0])


def test_objects_of_over_aligned_types_are_aligned(ffi):
    # past malloc's 16 bytes, ffi.new still places the object at a multiple
    # of its type's alignment (a C function may rely on it)
    ffi.cdef("struct __attribute__((aligned(64))) oa64 { char c; };"
             "typedef struct { double d[4]; } oa32 __attribute__((aligned(32)));")
    for _ in range(100):
        for t, n in (("struct oa64 *", 64), ("struct oa64[3]", 64), ("oa32 *", 32),
                     ("oa32[]", 32)):
            p = ffi.new(t, 5) if t.endswith("[]") else ffi.new(t)
            assert int(ffi.cast("uintptr_t", p)) % n == 0, t


def test_mode_attribute_picks_an_integer_width(ffi):
    ffi.cdef("""
        typedef int hi_t __attribute__((mode(HI)));
        typedef unsigned int qi_t __attribute__((__mode__(__QI__)));
        typedef int __attribute__((mode(DI))) di_t;
        typedef unsigned wd_t __attribute__((mode(word)));
        struct md { char c; int h __attribute__((mode(HI))); };
    """)
    assert ffi.sizeof("hi_t") == 2 and ffi.sizeof("qi_t") == 1
    assert ffi.sizeof("di_t") == 8 and ffi.sizeof("wd_t") == 8
    assert ffi.offsetof("struct md", "h") == 2 and ffi.sizeof("struct md") == 4
    assert ffi.cast("qi_t", -1) == ffi.cast("qi_t", 255)
    assert int(ffi.cast("qi_t", -1)) == 255 and int(ffi.cast("hi_t", 65535)) == -1
    with pytest.raises(OverflowError):
        ffi.new("hi_t *", 40000)
    with pytest.raises(ffi.CDefError, match="mode applies to an integer type"):
        ffi.cdef("typedef double bad_m __attribute__((mode(HI)));")
    with pytest.raises(ffi.CDefError, match="mode\\(TI\\) is not supported"):
        ffi.cdef("typedef int bad_t __attribute__((mode(TI)));")


def test_vector_size_lays_out_and_is_never_passed_by_value(ffi):
    ffi.cdef("""
        typedef float v4sf __attribute__((vector_size(16)));
        struct vs { char c; v4sf v; };
        v4sf v_abs(v4sf) asm("abs");
        int v_printf(const char *, ...) asm("printf");
    """)
    assert (ffi.sizeof("v4sf"), ffi.alignof("v4sf")) == (16, 16)
    assert ffi.offsetof("struct vs", "v") == 16 and ffi.sizeof("struct vs") == 32
    assert ffi.typeof("v4sf") is ffi.typeof("float __attribute__((vector_size(16)))")
    assert ffi.typeof("v4sf") is not ffi.typeof("float[4]")
    v = ffi.new("v4sf *", [1.5, 2.5, 3.5, 4.5])
    assert list(v[0]) == [1.5, 2.5, 3.5, 4.5] and len(v[0]) == 4
    s = ffi.new("struct vs *", [b"x", [1, 2]])
    assert s.v[1] == 2.0
    C = ffi.dlopen(None)
    # libffi has no vector type: a clear refusal, never a wrong call
    with pytest.raises(NotImplementedError, match="vector types cannot be passed"):
        C.v_abs(v[0])
    with pytest.raises(NotImplementedError, match="vector types cannot be passed"):
        C.v_printf(b"%d", v[0])
    with pytest.raises(NotImplementedError, match="callback with unsupported argument"):
        ffi.callback("int(v4sf)", lambda x: 0)     # cffi's words; tandem's reason as a note
    with pytest.raises(ffi.CDefError, match="power of two"):
        ffi.cdef("typedef int bad_v __attribute__((vector_size(12)));")
