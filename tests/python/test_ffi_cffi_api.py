"""tandem.FFI as a cffi user expects it (issue 13, cffi face): the FFI object,
CType identity and spelling, dlopen, include, list_types, new_allocator,
def_extern, init_once across threads, callbacks with error=/onerror=."""
import gc
import math
import threading
import time
import weakref

import pytest

import tandem


# ---- the FFI object -------------------------------------------------------

def test_ffi_has_instance_attributes_and_weakrefs():
    ffi = tandem.FFI()
    ffi.C = ffi.dlopen(None)
    ffi.cdef("size_t strlen(const char *);")
    assert ffi.C.strlen(b"hello") == 5
    w = weakref.ref(ffi)
    assert w() is ffi
    del ffi
    gc.collect()
    assert w() is None


def test_ffi_subclass_with_its_own_init():
    class MyFFI(tandem.FFI):
        def __init__(self, x):
            self.x = x
    f = MyFFI(42)
    assert f.x == 42 and type(f) is MyFFI
    p = f.new("int *", 7)
    assert p[0] == 7
    assert f.typeof(p) is f.typeof("int *")


def test_every_public_method_has_a_docstring():
    for name in dir(tandem.FFI):
        if not name.startswith("_"):
            attr = getattr(tandem.FFI, name)
            if callable(attr) and not isinstance(attr, type):
                assert attr.__doc__, name


def test_ctype_identity_and_weakrefs():
    ffi = tandem.FFI()
    t1 = ffi.typeof("int **")
    t2 = ffi.typeof("int *")
    assert t1.item is t2
    assert t2.item is ffi.typeof("int")
    assert ffi.typeof("int[][10]") is ffi.typeof("int[][10]")
    w = weakref.ref(t2)
    assert w() is t2


def test_cffi_spelling_of_types():
    ffi = tandem.FFI()
    assert ffi.typeof("int**").cname == "int * *"
    assert ffi.typeof("int(**)(int)").cname == "int(* *)(int)"
    assert ffi.typeof("int(**)[5]").cname == "int(* *)[5]"
    assert ffi.typeof("int[]").cname == "int[]"
    assert ffi.typeof("int *[5]").cname == "int *[5]"
    assert repr(ffi.new("int[]", 2)) == "<cdata 'int[]' owning 8 bytes>"
    assert repr(ffi.new("int **")) == "<cdata 'int * *' owning 8 bytes>"
    assert ffi.typeof("long(*)(long, long**, ...)").cname == "long(*)(long, long * *, ...)"


def test_getctype_follows_cffi():
    ffi = tandem.FFI()
    assert ffi.getctype("int") == "int"
    assert ffi.getctype("int", "x") == "int x"
    assert ffi.getctype("int*", "x") == "int * x"
    assert ffi.getctype("int", replace_with=" * x ") == "int * x"
    assert ffi.getctype(ffi.typeof("int*"), "*") == "int * *"
    assert ffi.getctype("int[5]", "[6]") == "int[6][5]"
    assert ffi.getctype("int[5]", "*") == "int(*)[5]"
    assert ffi.getctype("int[5]", " ** foo ") == "int(** foo)[5]"
    with pytest.raises(TypeError):
        ffi.getctype("int", 5)


# ---- libraries ---------------------------------------------------------------

def test_dlopen_short_names_as_cffi():
    ffi = tandem.FFI()
    ffi.cdef("double sin(double);")
    m = ffi.dlopen("m")
    assert m.sin(1.25) == math.sin(1.25)
    with pytest.raises(OSError, match="no_such_library_xyz"):
        ffi.dlopen("no_such_library_xyz")


def test_lib_dir_dlclose_and_lifetime():
    ffi = tandem.FFI()
    ffi.cdef("""
        typedef enum { E1, E2 } e_t;
        double cos(double);
        extern int some_var;
        #define SOME_K 42
    """)
    lib = ffi.dlopen("m")
    assert dir(lib) == ["E1", "E2", "SOME_K", "cos", "some_var"]
    w = weakref.ref(lib)
    del lib
    gc.collect()
    assert w() is not None          # the FFI keeps its libraries
    lib = w()
    ffi.dlclose(lib)
    with pytest.raises(ValueError, match="has already been closed"):
        lib.cos
    with pytest.raises(ValueError, match="has already been closed"):
        lib.some_var = 1
    with pytest.raises(TypeError):
        ffi.dlclose(42)


# ---- include, list_types -----------------------------------------------------

def test_include_makes_declarations_usable():
    ffi1 = tandem.FFI()
    ffi1.cdef("typedef signed char schar_t; struct foo { int x; }; enum e { EA, EB, EC };")
    ffi2 = tandem.FFI()
    ffi2.include(ffi1)
    assert int(ffi2.cast("schar_t", 142)) == 142 - 256
    assert ffi2.new("struct foo *", [142]).x == 142
    assert ffi2.sizeof("char[EC]") == 2
    ffi3 = tandem.FFI()
    ffi3.include(ffi2)              # transitively
    assert ffi3.new("struct foo *", [1]).x == 1
    with pytest.raises(ValueError):
        ffi1.include(ffi1)
    with pytest.raises(TypeError):
        ffi1.include("not an ffi")


def test_list_types_lists_what_cdef_declared():
    ffi = tandem.FFI()
    assert ffi.list_types() == ([], [], [])
    ffi.cdef("typedef int foo_t; typedef struct { int a; } anon_t;")
    ffi.cdef("struct s2 { int a; }; union u1 { int a; }; struct s1 { int b; };")
    assert ffi.list_types() == (["anon_t", "foo_t"], ["s1", "s2"], ["u1"])


# ---- new_allocator, def_extern, init_once -----------------------------------

def test_new_allocator_with_alloc_and_free():
    ffi = tandem.FFI()
    seen = []

    def myalloc(size):
        seen.append(size)
        return ffi.new("char[]", b"X" * size)

    def myfree(raw):
        seen.append(ffi.typeof(raw).cname)

    alloc = ffi.new_allocator(myalloc, myfree)
    p = alloc("int[10]")
    assert seen == [40]
    assert ffi.typeof(p) is ffi.typeof("int[10]") and ffi.sizeof(p) == 40
    assert p[5] == 0                # cleared
    raw = ffi.new_allocator(myalloc, should_clear_after_alloc=False)("int[]", 3)
    assert ffi.sizeof(raw) == 12 and raw[1] == ord("X") * 0x01010101
    q = alloc("struct { int a; } *") if False else alloc("int *", 5)
    assert q[0] == 5
    del p, q
    for _ in range(3):
        gc.collect()
    assert seen.count("char[]") == 2
    plain = ffi.new_allocator()
    assert list(plain("int[3]", [1, 2, 3])) == [1, 2, 3]


def test_new_allocator_errors():
    ffi = tandem.FFI()
    with pytest.raises(TypeError):
        ffi.new_allocator(free=lambda x: None)
    with pytest.raises(TypeError, match=r"alloc\(\) must return a cdata object \(got int\)"):
        ffi.new_allocator(lambda n: 42)("int[5]")
    with pytest.raises(TypeError, match="must return a cdata pointer, not 'int'"):
        ffi.new_allocator(lambda n: ffi.cast("int", 42))("int[5]")
    with pytest.raises(MemoryError):
        ffi.new_allocator(lambda n: ffi.NULL)("int[5]")

    def boom(n):
        raise LookupError(n)
    with pytest.raises(LookupError):
        ffi.new_allocator(boom)("int[5]")


def test_def_extern_is_refused_in_abi_mode():
    with pytest.raises(ValueError, match="API-mode"):
        tandem.FFI().def_extern()


def test_init_once_other_threads_wait_for_the_first():
    ffi = tandem.FFI()
    seen = []

    def init():
        seen.append("init!")
        time.sleep(0.3)
        seen.append("init done")
        return 7

    threads = [threading.Thread(target=lambda: seen.append(ffi.init_once(init, "t")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == ["init!", "init done"] + 4 * [7]


# ---- callbacks: cffi's handling with error= / onerror= ----------------------

def test_callback_error_value_and_stderr_report(capsys):
    ffi = tandem.FFI()

    def cb(x):
        raise KeyError("cb-fails")
    f = ffi.callback("int(int)", cb, error=-66)
    assert f(1) == -66
    err = capsys.readouterr().err
    assert err.startswith("From cffi callback <function")
    assert "KeyError: 'cb-fails'" in err


def test_callback_onerror_gets_the_exception_and_may_answer(capsys):
    ffi = tandem.FFI()
    seen = []

    def oops(exc, val, tb):
        seen.append((exc, tb.tb_frame.f_code.co_name))
        return 123 if len(seen) == 2 else None

    @ffi.callback("int(int)", onerror=oops)
    def fn(x):
        return x + ""
    assert fn(1) == 0               # onerror said None: the error value (0)
    assert fn(2) == 123             # onerror's answer
    assert seen == [(TypeError, "fn"), (TypeError, "fn")]
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError):
        ffi.callback("int(int)", lambda x: x, onerror=42)


def test_callback_without_error_or_onerror_still_raises_in_the_caller():
    ffi = tandem.FFI()
    ffi.cdef("void qsort(void *, size_t, size_t, int(*)(const void *, const void *));")
    C = ffi.dlopen(None)

    def cmp(a, b):
        raise KeyError("raised-through")
    arr = ffi.new("int[]", [3, 1, 2])
    with pytest.raises(KeyError, match="raised-through"):
        C.qsort(arr, 3, ffi.sizeof("int"), ffi.callback("int(*)(const void *, const void *)",
                                                        cmp))
    # with error=, cffi's way: the comparator's error value, no exception
    C.qsort(arr, 3, ffi.sizeof("int"),
            ffi.callback("int(*)(const void *, const void *)", cmp, error=0,
                         onerror=lambda *a: None))


def test_void_callback_returning_a_value_warns(capsys):
    ffi = tandem.FFI()
    f = ffi.callback("void(*)(void)", lambda: 42)
    assert f() is None
    err = capsys.readouterr().err
    assert "must return None" in err
    g = ffi.callback("void(*)(void)", lambda: None)
    assert g() is None
    assert capsys.readouterr().err == ""


# ---- enum names, cffi's exception classes, addressof ------------------------

def test_string_and_repr_of_an_enum_name_the_enumerator():
    ffi = tandem.FFI()
    ffi.cdef("enum foo { A0, B0, CC0 }; enum bar { A1, B1 = -2, CC1, D1, E1 };"
             "enum dup { AA = 0, BB = 0 };")
    assert ffi.string(ffi.cast("enum foo", 2)) == "CC0"
    assert ffi.string(ffi.cast("enum foo", 7)) == "7"
    assert ffi.string(ffi.cast("enum bar", -1)) == "CC1"
    assert ffi.string(ffi.cast("enum bar", 1)) == "E1"
    assert ffi.string(ffi.cast("enum dup", 0)) == "AA"     # the first declared
    assert repr(ffi.cast("enum bar", -1)) == "<cdata 'enum bar' -1: CC1>"
    assert repr(ffi.cast("enum foo", 9)) == "<cdata 'enum foo' 9>"


def test_cffi_exception_classes():
    ffi = tandem.FFI()
    ffi.cdef("struct foo { int a, b; }; union u { int a; char b; };"
             "struct bar { struct foo x, y; };")
    with pytest.raises(IndexError):
        ffi.new("int[4]", [1, 2, 3, 4, 5])
    with pytest.raises(ValueError):
        ffi.new("struct foo *", [1, 2, 3])
    with pytest.raises(ValueError):
        ffi.new("union u *", [1, 2])
    with pytest.raises(KeyError):
        ffi.new("struct foo *", {"zz": 1})
    with pytest.raises(ValueError):
        ffi.typeof("int[-5]")
    with pytest.raises(ValueError):
        ffi.typeof("int[10][]")
    p = ffi.new("struct bar *")
    with pytest.raises(KeyError):
        ffi.addressof(p[0], "y.a")
    with pytest.raises(KeyError):
        ffi.offsetof("struct foo", "zz")
    with pytest.raises(AttributeError):
        p.zz                                  # attribute access stays AttributeError


def test_addressof_needs_an_object():
    ffi = tandem.FFI()
    ffi.cdef("struct s { int x, y; };")
    p = ffi.new("struct s *")
    assert ffi.addressof(p[0]) == p
    assert ffi.addressof(p, "y") == ffi.addressof(p[0], "y")
    with pytest.raises(TypeError):
        ffi.addressof(p)                      # a pointer: no object of its own
    with pytest.raises(TypeError):
        ffi.addressof(ffi.cast("int", 5))
    arr = ffi.new("int[10]")
    assert ffi.typeof(ffi.addressof(arr)) is ffi.typeof("int(*)[10]")
    q = ffi.cast("int *", arr)
    assert ffi.addressof(q, 3) == q + 3


def test_named_function_types_in_type_strings():
    ffi = tandem.FFI()
    assert ffi.callback("int foo(int)", lambda x: x + 1)(41) == 42
    t = ffi.typeof("int(*callback)(_Bool is_valid)")
    assert t is ffi.typeof("int(*)(_Bool)")
    assert ffi.typeof("int *x") is ffi.typeof("int *")


def test_ffi_buffer_is_a_type_with_comparisons():
    ffi = tandem.FFI()
    a = ffi.new("signed char[]", [5, 6, 7])
    b = ffi.buffer(a)
    assert type(b) is ffi.buffer
    assert ffi.buffer(cdata=a, size=2)[:] == b"\x05\x06"
    assert b == b"\x05\x06\x07" and b != b"\x05\x06"
    assert b < b"\x05\x07" and b >= bytearray(b"\x05")
    assert b == ffi.buffer(ffi.new("char[]", b"\x05\x06\x07"), 3)
    with pytest.raises(TypeError):
        ffi.buffer()


def test_calling_conventions_are_ignored_on_x86_64():
    ffi = tandem.FFI()
    ffi.cdef("double __stdcall sin(double x);")
    assert ffi.dlopen("m").sin(0.5) == math.sin(0.5)
    tp = ffi.typeof("int(*)(int __stdcall x(int), long (__cdecl*y)(void),"
                    " short(WINAPI *z)(short))")
    assert tp is ffi.typeof("int(*)(int(*)(int), long(*)(void), short(*)(short))")
    assert tp.cname == "int(*)(int(*)(int), long(*)(), short(*)(short))"


def test_casts_as_cffi_answers_them():
    ffi = tandem.FFI()
    assert int(ffi.cast("int", ffi.cast("char", b"\x80"))) == 0x80   # char casts unsigned
    assert int(ffi.cast("int", ffi.cast("char", b"a"))) == ord("a")
    assert int(ffi.cast("int", ffi.cast("signed char", -1))) == -1
    assert int(ffi.cast("_Bool", 0.1)) == 1
    assert int(ffi.cast("_Bool", -0.0)) == 0
    assert int(ffi.cast("_Bool", b"\x80")) == 1
    assert int(ffi.cast("int", 1.9)) == 1
    assert type(int(ffi.cast("_Bool", 1))) is int


def test_from_handle_of_null_is_a_runtime_error():
    ffi = tandem.FFI()
    with pytest.raises(RuntimeError, match="NULL"):
        ffi.from_handle(ffi.NULL)
    x = object()
    h = ffi.new_handle(x)
    assert ffi.from_handle(h) is x
    with pytest.raises(ValueError):
        ffi.from_handle(ffi.cast("void *", 12345))
