/*
 * test_ffi_errors.c — every error of issue 3's Errors section: precise
 * declaration errors, argument count/type/range, varargs, callback errors
 * (never unwinding, re-raised after the native call), freed callbacks,
 * NULL dereferences, missing libraries and symbols. None may crash.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ccall.h"
#include "ccallback.h"
#include "cparse.h"
#include "ffi_util.h"

static tdmF_Registry *R;
static tdmF_Err err;
static tdmF_Lib *libc, *lib;

static const tdmF_Type *ty(const char *s)
{
    return parse_type(R, &err, s);
}

/* cdef that must fail: returns the message. */
static const char *bad_cdef(const char *src)
{
    if (tdmF_cdef(R, src, strlen(src), &err) == TDM_OK) {
        return "(accepted)";
    }
    return err.msg;
}

/* cdef that is accepted but leaves struct `tag` impossible to instantiate
   (cffi: a float or too wide bitfield is a TypeError at new): the message. */
static const char *unusable(const char *src, const char *tag)
{
    const tdmF_Type *t;
    if (tdmF_cdef(R, src, strlen(src), &err) != TDM_OK) {
        return err.msg;
    }
    t = tdmF_tag_lookup(R, TDMF_STRUCT, tag);
    if (t == NULL) {
        return "(no such struct)";
    }
    if (tdmF_sized(t, "new", &err) == TDM_OK) {
        return "(usable)";
    }
    return err.kind == TDMF_EK_TYPE ? err.msg : "(not a type error)";
}

/* Call that must fail: returns the message. */
static const char *bad_call(tdmF_Lib *l, const char *name, int n, const tdm_Value *args)
{
    tdm_Value fn, res;
    int st = tdmF_lib_get(R, l, name, &fn, &err);
    if (st == TDM_OK) {
        st = tdmF_call(R, tdmF_cd_of(&fn), n, args, &res, &err);
        tdmF_value_release(R, &fn);
        if (st == TDM_OK) {
            tdmF_value_release(R, &res);
            return "(succeeded)";
        }
    }
    return err.msg;
}

static void test_declarations(void)
{
    CHECK_STR(bad_cdef("int a;\nint b;\nint c(int x, foo_t y);"),
              "cdef: 3:14: unknown type name 'foo_t'");
    CHECK_STR(bad_cdef("  foo_t x;"), "cdef: 1:3: unknown type name 'foo_t'");
    CHECK_STR(bad_cdef("long long double f(void);"),
              "cdef: 1:1: invalid combination of type specifiers");
    CHECK_STR(bad_cdef("struct s { int x; } __attribute__((ms_struct));"),
              "cdef: 1:36: __attribute__((ms_struct)) is not supported (it changes the layout "
              "or the call)");
    CHECK_STR(bad_cdef("struct s2 { int x __attribute__((aligned(6))); };"),
              "cdef: 1:34: requested alignment 6 is not a positive power of two (at most "
              "32768)");
    CHECK_STR(bad_cdef("int f(int) asm(\"g\");\nint f(int) asm(\"h\");"),
              "cdef: 2:5: conflicting declaration of 'f': symbol 'h', previously 'g'");
    CHECK_CONTAINS(bad_cdef("int f(int) asm(g);"), "expected '(\"symbol\")' after 'asm'");
    CHECK_CONTAINS(bad_cdef("typedef int t asm(\"x\");"), "asm() on a typedef");
    CHECK_STR(bad_cdef("static int sx;"), "cdef: 1:12: static variable 'sx' has no symbol to "
              "look up (declare it extern, or static const with a value)");
    CHECK_CONTAINS(bad_cdef("int f(int) __attribute__((nothrow);"), "unterminated");
    CHECK_CONTAINS(bad_cdef("int f(int) asm(\"x);"), "unterminated string literal");
    CHECK_STR(bad_cdef("int f(void) { return 0; }"),
              "cdef: 1:13: unexpected <FuncDef>: this construct is valid C but not valid in "
              "cdef()");
    CHECK_CONTAINS(bad_cdef("#include <stdio.h>"),
                   "cdef: 1:1: unsupported preprocessor directive '#include'");
    CHECK_CONTAINS(bad_cdef("#define PI 3.14"), "cdef: 1:12: only integer constants");
    CHECK_CONTAINS(bad_cdef("#define MAX(a, b) a"), "function-like macros are not supported");
    CHECK_STR(unusable("struct bf { int x : 40; };", "bf"),
              "new: 'struct bf' cannot be instantiated: 1:21: bitfield width 40 out of range "
              "for 'int'");
    CHECK_STR(unusable("struct bf2 { float x : 3; };", "bf2"),
              "new: 'struct bf2' cannot be instantiated: 1:20: bitfield has non-integer type "
              "'float'");
    CHECK_STR(unusable("struct bf3 { int x : 0; };", "bf3"),
              "new: 'struct bf3' cannot be instantiated: 1:22: named bitfield 'x' has zero "
              "width");
    CHECK_STR(unusable("struct bf4 { struct bf2 in[2]; int y; };", "bf4"),
              "new: 'struct bf4' cannot be instantiated: 1:20: bitfield has non-integer type "
              "'float'");
    CHECK_STR(unusable("struct bf5 { int x : 3; char c : 8; };", "bf5"), "(usable)");
    CHECK_CONTAINS(bad_cdef("struct bf6 { int x : -1; };"), "bitfield width -1 is negative");
    CHECK_CONTAINS(bad_cdef("#pragma pack(1)\nstruct pk1 { char c; int x : 3; };"),
                   "bitfields in a packed struct are not supported");
    CHECK_CONTAINS(bad_cdef("#pragma pack(3)"), "#pragma pack: 3 is not 1, 2, 4, 8 or 16");
    CHECK_CONTAINS(bad_cdef("#pragma pack(push, r1, 4)"), "malformed #pragma pack");
    CHECK_CONTAINS(bad_cdef("#pragma weak foo"), "unsupported #pragma 'weak'");
    CHECK_STR(bad_cdef("int only_va(...);"),
              "cdef: 1:13: only_va: a function with only '(...)' as argument is not correct C");
    CHECK_STR(bad_cdef("typedef int (*only_va_p)(...);"),
              "cdef: 1:26: in expression: a function with only '(...)' as argument is not "
              "correct C");
    CHECK_STR(bad_cdef("void kr(int, kr_arg);"),
              "cdef: 1:14: kr arg 2: unknown type 'kr_arg' (if you meant to use the old C "
              "syntax of giving untyped arguments, it is not supported)");
    CHECK_STR(bad_cdef("void kr2(void (*cb)(kr_arg));"),
              "cdef: 1:21: in expression arg 1: unknown type 'kr_arg' (if you meant to use "
              "the old C syntax of giving untyped arguments, it is not supported)");
    CHECK_STR(bad_cdef("void kr3(kr_t x);"), "cdef: 1:10: unknown type name 'kr_t'");
    CHECK_STR(bad_cdef("typedef enum late_e late_t;\nenum late_e { LA, LB };"),
              "enum late_e: the '{}' declaration should appear on the first time the enum "
              "is mentioned, not later");
    CHECK(err.kind == TDMF_EK_NOTIMPL);
    CHECK_CONTAINS(bad_cdef("typedef int myint_t;\ntypedef long myint_t;"),
                   "conflicting declaration of 'myint_t'");
    CHECK_CONTAINS(bad_cdef("int fa[3](int);"), "cdef: 1:7: array of functions is not allowed");
    CHECK_CONTAINS(bad_cdef("int fr(void)[3];"), "function cannot return an array");
    CHECK_CONTAINS(bad_cdef("int x\nint y;"), "cdef: 2:1: expected ';' or ',' after "
                   "declaration of 'x', got 'int'");
    CHECK_CONTAINS(bad_cdef("int x; /* never closed"), "cdef: 1:8: unterminated comment");
    CHECK_CONTAINS(bad_cdef("struct inc; struct holder { struct inc member; };"),
                   "field 'member' has incomplete type 'struct inc'");
    CHECK_CONTAINS(bad_cdef("struct dup { int a; long a; };"), "duplicate member 'a'");
    CHECK_CONTAINS(bad_cdef("int neg[-1];"), "cdef: 1:9: array size is negative (-1)");
    CHECK_CONTAINS(bad_cdef("int dz[1 / 0];"), "division by zero in constant expression");
    CHECK_CONTAINS(bad_cdef("struct fl { int a[]; int b; };"),
                   "flexible array member 'a' must be last");
    CHECK_CONTAINS(bad_cdef("typedef int ti = 5;"), "typedef 'ti' is initialized");
    CHECK_CONTAINS(bad_cdef("void v;"), "variable 'v' declared void");
    CHECK_CONTAINS(bad_cdef("int f(void x);"), "parameter 1 has type void");
    CHECK_CONTAINS(bad_cdef("unsigned float uf;"), "invalid combination of type specifiers");
    CHECK_CONTAINS(bad_cdef("int u = UNKNOWN_CONST;"), "'UNKNOWN_CONST' is not an integer constant");
    {
        char deep[520];
        memset(deep, '(', 250);
        deep[250] = 'x';
        memset(deep + 251, ')', 250);
        memcpy(deep + 501, ";", 2);
        memcpy(deep, "int ", 4);
        CHECK_CONTAINS(bad_cdef(deep), "declaration nested too deeply");
    }
    CHECK_CONTAINS(bad_cdef("int @x;"), "cdef: 1:5: unexpected character '@'");
    /* found by fuzz-ffi (a leak): the inner body completed the outer type */
    CHECK_CONTAINS(bad_cdef("struct nr { char a; struct nr { double b; } ; };"),
                   "nested redefinition of 'struct nr'");
    /* found by fuzz-ffi (a division by zero): a packed outer body left its
       flag on the inner body of the same struct, laid out with no pack */
    CHECK_CONTAINS(bad_cdef("struct __attribute__((packed)) np { struct np { int x; } y; };"),
                   "nested redefinition of 'struct np'");
    CHECK_CONTAINS(bad_cdef("struct nq { struct nq { int x; } y; } __attribute__((packed));"),
                   "nested redefinition of 'struct nq'");
    /* redeclaring differently names both declarations */
    CHECK_EQ_INT(tdmF_cdef(R, "int rd(int);", 12, &err), TDM_OK);
    CHECK_EQ_INT(tdmF_cdef(R, "int rd(int);", 12, &err), TDM_OK);
    CHECK_STR(bad_cdef("int rd(long);"), "cdef: 1:5: conflicting declaration of 'rd': "
              "function 'int rd(long)', previously function 'int rd(int)'");
    /* type strings for new/cast/typeof */
    {
        const tdmF_Type *t;
        CHECK(tdmF_parse_type(R, "struct", 6, "cast", &t, &err) != TDM_OK);
        CHECK_CONTAINS(err.msg, "cast: 1:7: expected a tag name or '{' after 'struct'");
        CHECK(tdmF_parse_type(R, "int x", 5, "new", &t, &err) != TDM_OK);
        CHECK_STR(err.msg, "new: 1:5: unexpected name 'x' in a type");
        CHECK(tdmF_parse_type(R, "int[?][?]", 9, "new", &t, &err) != TDM_OK);
        CHECK_CONTAINS(err.msg, "array has incomplete element type 'int[?]'");
    }
}

static void test_arguments(void)
{
    tdm_Value a[3];
    tdm_Value lua_obj = tdm_nil();
    tdmF_CData *ia;
    lua_obj.kind = TDM_OBJ;
    lua_obj.lang = TDM_LANG_LUA;
    lua_obj.u.obj = &lua_obj;
    a[0] = tdm_int(1);
    a[1] = tdm_int(2);
    CHECK_STR(bad_call(libc, "abs", 2, a), "'abs' expects 1 argument, got 2");
    CHECK_STR(bad_call(lib, "add", 1, a), "'add' expects 2 arguments, got 1");
    CHECK_STR(bad_call(lib, "sum_ints", 0, a), "'sum_ints' expects at least 1 argument, got 0");
    a[1] = tdm_int(3000000000LL);
    CHECK_STR(bad_call(lib, "add", 2, a),
              "argument 2 to 'add': expected int, got 3000000000 (out of range)");
    a[0] = tdm_int(-1);
    CHECK_STR(bad_call(lib, "t_uint", 1, a),
              "argument 1 to 't_uint': expected unsigned int, got -1 (out of range)");
    a[0] = tdm_int(256);
    CHECK_STR(bad_call(lib, "t_u8", 1, a),
              "argument 1 to 't_u8': expected uint8_t, got 256 (out of range)");
    a[0] = tdm_float(2.5);
    CHECK_STR(bad_call(libc, "abs", 1, a),
              "argument 1 to 'abs': expected int, got 2.5 (not an integer)");
    a[0] = S("x2");
    CHECK_STR(bad_call(libc, "abs", 1, a),
              "argument 1 to 'abs': expected int, got a string of length 2");
    a[0] = tdm_int(2);
    CHECK_STR(bad_call(lib, "t_bool", 1, a),
              "argument 1 to 't_bool': expected _Bool, got 2 (only 0 or 1)");
    a[0] = tdm_int(1234);
    CHECK_STR(bad_call(libc, "strlen", 1, a), "argument 1 to 'strlen': expected char *, got "
              "1234 (use cast to make a pointer from an address)");
    a[0] = tdm_float(1.0);
    CHECK_STR(bad_call(lib, "t_ptr", 1, a), "argument 1 to 't_ptr': expected void *, got 1");
    {
        tdm_Value three[3] = {tdm_int(1), tdm_int(2), tdm_int(3)};
        tdmF_Init in = {3, three, NULL};
        CHECK_EQ_INT(tdmF_new(R, ty("int[3]"), -1, 0, &in, &ia, &err), TDM_OK);
    }
    a[0] = cv(ia);
    CHECK_STR(bad_call(libc, "strlen", 1, a),
              "argument 1 to 'strlen': expected char *, got cdata<int[3]>");
    a[0] = lua_obj;
    CHECK_STR(bad_call(libc, "abs", 1, a), "argument 1 to 'abs': expected int, got a Lua object");
    /* varargs: never silently wrong */
    a[0] = tdm_int(1);
    a[1] = lua_obj;
    CHECK_STR(bad_call(lib, "sum_ints", 2, a), "argument 2 to 'sum_ints': cannot pass a Lua "
              "object as a variadic argument (pass a number, a string or a cdata)");
    {   /* a uint64 above INT64_MAX does not fit a long */
        tdm_Value m1 = tdm_int(-1);
        tdmF_CData *u = NULL;
        CHECK_EQ_INT(tdmF_cast(R, ty("uint64_t"), &m1, &u, &err), TDM_OK);
        a[0] = cv(u);
        CHECK_STR(bad_call(lib, "t_long", 1, a),
                  "argument 1 to 't_long': expected long, got 18446744073709551615 (out of range)");
        tdmF_cd_decref(u);
    }
    {   /* unions by value: a clear error before any call */
        tdm_Value res;
        const tdmF_Name *n;
        CHECK_EQ_INT(tdmF_cdef(R, "union uu { int a; float f; }; int takes_u(union uu);", 52, &err),
                     TDM_OK);
        n = tdmF_lookup(R, "takes_u");
        CHECK(n != NULL);
        a[0] = tdm_nil();
        CHECK(n && tdmF_call_ptr(R, n->type, (void *)abs, "takes_u", 1, a, &res, &err) != TDM_OK);
        CHECK_CONTAINS(err.msg, "unions cannot be passed or returned by value");
    }
    tdmF_cd_decref(ia);
}

/* Callback handlers standing in for a language. */
static int ninvoked;

static int inv_fail_at_2(void *ud, const tdmF_Type *fn, int n, const tdm_Value *args,
                         tdm_Value *res, tdmS_Error *e)
{
    (void)ud; (void)fn; (void)n;
    ninvoked++;
    if (args[0].u.i == 2) {
        e->message = strdup("ValueError: two is not allowed");
        e->status = TDM_ERRRUN;
        return TDM_ERRRUN;
    }
    *res = tdm_int(args[0].u.i);
    return TDM_OK;
}

static int inv_fail(void *ud, const tdmF_Type *fn, int n, const tdm_Value *args, tdm_Value *res,
                    tdmS_Error *e)
{
    (void)ud; (void)fn; (void)n; (void)args; (void)res;
    e->message = strdup("boom");
    return TDM_ERRRUN;
}

static int inv_string(void *ud, const tdmF_Type *fn, int n, const tdm_Value *args, tdm_Value *res,
                      tdmS_Error *e)
{
    (void)ud; (void)fn; (void)n; (void)args; (void)e;
    *res = S("not an int");
    return TDM_OK;
}

static int drops;
static void drop_ud(void *ud)
{
    (void)ud;
    drops++;
}

static void test_callbacks(void)
{
    tdmF_CData *cb = NULL;
    tdm_Value a[2], res, ev = tdm_int(-1);
    tdmS_Error pend;
    int (*direct)(int);
    CHECK_EQ_INT(tdmF_callback_new(R, ty("int(*)(int)"), inv_fail_at_2, NULL, drop_ud, &ev, &cb,
                                   &err), TDM_OK);
    /* an error inside the callback: C continues (gets -1), the error is
       raised once call_cb_sum returns */
    a[0] = cv(cb);
    a[1] = tdm_int(5);
    CHECK_STR(bad_call(lib, "call_cb_sum", 2, a), "ValueError: two is not allowed");
    CHECK_EQ_INT(err.status, TDM_ERRRUN);
    CHECK_EQ_INT(err.cb.status, TDM_ERRRUN);
    CHECK_STR(err.cb.message, "ValueError: two is not allowed");
    CHECK_EQ_INT(ninvoked, 5);              /* C ran to completion */
    tdmF_err_clear(R, &err);
    CHECK(err.cb.message == NULL);
    /* called directly by C outside any call: error value, error parked on the callback */
    direct = (int (*)(int))tdmF_cd_address(cb);
    CHECK_EQ_INT(direct(2), -1);
    CHECK_EQ_INT(direct(7), 7);
    CHECK_EQ_INT(tdmF_callback_take_error(cb, &pend), 1);
    CHECK_STR(pend.message, "ValueError: two is not allowed");
    tdmF_error_clear(R, &pend);
    CHECK_EQ_INT(tdmF_callback_take_error(cb, &pend), 0);
    /* freed: no crash, the error value, a clear error */
    CHECK_EQ_INT(tdmF_callback_free(cb, &err), TDM_OK);
    CHECK_EQ_INT(drops, 1);
    CHECK(!tdmF_callback_alive(cb));
    a[1] = tdm_int(3);
    CHECK_STR(bad_call(lib, "call_cb", 2, a), "callback called after it was freed");
    tdmF_err_clear(R, &err);
    CHECK_EQ_INT(direct(9), -1);
    CHECK_EQ_INT(tdmF_callback_take_error(cb, &pend), 1);
    tdmF_error_clear(R, &pend);
    CHECK(tdmF_callback_free(cb, &err) != TDM_OK);
    CHECK_STR(err.msg, "callback was already freed");
    CHECK(tdmF_callback_set(cb, inv_fail, NULL, NULL, &err) != TDM_OK);
    CHECK_STR(err.msg, "callback was freed: it cannot be set again");
    tdmF_cd_decref(cb);
    CHECK_EQ_INT(drops, 1);                 /* dropped once, not again at death */
    /* the trampoline outlives its cdata: still no crash */
    CHECK_EQ_INT(direct(4), -1);

    /* default error value is 0; a bad result converts to an error */
    CHECK_EQ_INT(tdmF_callback_new(R, ty("int(*)(int)"), inv_fail, NULL, NULL, NULL, &cb, &err),
                 TDM_OK);
    direct = (int (*)(int))tdmF_cd_address(cb);
    CHECK_EQ_INT(direct(1), 0);
    CHECK_EQ_INT(tdmF_callback_take_error(cb, &pend), 1);
    tdmF_error_clear(R, &pend);
    CHECK_EQ_INT(tdmF_callback_set(cb, inv_string, NULL, NULL, &err), TDM_OK);
    a[0] = cv(cb);
    a[1] = tdm_int(1);
    CHECK_STR(bad_call(lib, "call_cb", 2, a),
              "callback result: expected int, got a string of length 10");
    tdmF_err_clear(R, &err);
    tdmF_cd_decref(cb);
    /* callbacks cannot be variadic; error values must fit */
    CHECK(tdmF_callback_new(R, ty("int(*)(int, ...)"), inv_fail, NULL, NULL, NULL, &cb, &err)
          != TDM_OK);
    CHECK_CONTAINS(err.msg, "variadic callbacks are not supported");
    ev = tdm_int(100000);
    CHECK(tdmF_callback_new(R, ty("short(*)(void)"), inv_fail, NULL, NULL, &ev, &cb, &err)
          != TDM_OK);
    CHECK_STR(err.msg, "callback error value: expected short, got 100000 (out of range)");
    (void)res;
}

static void test_null_and_bounds(void)
{
    tdm_Value r = tdm_nil(), a[2];
    tdmF_CData *p, *arr = NULL, *q = NULL;
    tdmF_Place pl;
    const char *s;
    size_t n;
    tdm_Value fnv;
    CHECK_EQ_INT(tdmF_lib_get(R, lib, "ret_null", &fnv, &err), TDM_OK);
    CHECK_EQ_INT(tdmF_call(R, tdmF_cd_of(&fnv), 0, NULL, &r, &err), TDM_OK);
    tdmF_value_release(R, &fnv);
    p = tdmF_cd_of(&r);
    CHECK(tdmF_cd_index(R, p, 0, &pl, &err) != TDM_OK);
    CHECK_STR(err.msg, "NULL pointer dereference (indexing cdata<void *>)");
    CHECK(tdmF_string(R, &r, -1, &s, &n, &err) != TDM_OK);
    CHECK_STR(err.msg, "string: NULL pointer");
    a[0] = S("x");
    CHECK(tdmF_copy(R, &r, &a[0], -1, &err) != TDM_OK);
    CHECK_STR(err.msg, "copy: NULL pointer");
    CHECK(tdmF_fill(R, &r, 4, 0, &err) != TDM_OK);
    tdmF_value_release(R, &r);
    {
        tdm_Value z = tdm_int(0);
        tdmF_CData *sp = NULL, *fp = NULL;
        CHECK_EQ_INT(tdmF_cast(R, ty("struct point *"), &z, &sp, &err), TDM_OK);
        CHECK(tdmF_cd_field(R, sp, "x", &pl, &err) != TDM_OK);
        CHECK_STR(err.msg, "NULL pointer dereference (field 'x' of cdata<struct point *>)");
        CHECK_EQ_INT(tdmF_cast(R, ty("int(*)(int)"), &z, &fp, &err), TDM_OK);
        CHECK(tdmF_call(R, fp, 1, &z, &r, &err) != TDM_OK);
        CHECK_STR(err.msg, "call to function 'int(int)': NULL function pointer");
        tdmF_cd_decref(sp);
        tdmF_cd_decref(fp);
    }
    CHECK_EQ_INT(tdmF_new(R, ty("int[4]"), -1, 0, NULL, &arr, &err), TDM_OK);
    CHECK(tdmF_cd_index(R, arr, 4, &pl, &err) != TDM_OK);
    CHECK_STR(err.msg, "index 4 out of bounds for cdata<int[4]> (length 4)");
    CHECK(tdmF_cd_index(R, arr, -1, &pl, &err) != TDM_OK);
    a[0] = cv(arr);
    a[1] = S("this is far too long");
    CHECK(tdmF_copy(R, &a[0], &a[1], -1, &err) != TDM_OK);
    CHECK_STR(err.msg, "copy: 21 bytes exceed the destination's size (16 bytes)");
    CHECK(tdmF_cd_field(R, arr, "x", &pl, &err) != TDM_OK);
    CHECK_STR(err.msg, "cdata<int[4]> has no field 'x' (not a struct or union)");
    tdmF_cd_decref(arr);
    {
        tdm_Value four[5] = {tdm_int(1), tdm_int(2), tdm_int(3), tdm_int(4), tdm_int(5)};
        tdmF_Init in = {5, four, NULL};
        CHECK(tdmF_new(R, ty("int[4]"), -1, 0, &in, &arr, &err) != TDM_OK);
        CHECK_STR(err.msg, "new 'int[4]': too many initializers for int[4] (5 given)");
        CHECK(tdmF_new(R, ty("int[?]"), -1, 0, NULL, &arr, &err) != TDM_OK);
        CHECK_STR(err.msg, "new: 'int[?]' needs a length");
        CHECK(tdmF_new(R, ty("struct inc"), -1, 0, NULL, &arr, &err) != TDM_OK);
        CHECK_CONTAINS(err.msg, "'struct inc' has no known size");
        in.n = 1;
        four[0] = S("x");
        CHECK(tdmF_new(R, ty("struct { char *name; }"), -1, 0, &in, &arr, &err) != TDM_OK);
        CHECK_CONTAINS(err.msg, "it would dangle");
    }
    CHECK_EQ_INT(tdmF_new(R, ty("void *"), -1, 0, NULL, &q, &err), TDM_OK);
    CHECK(tdmF_ptr_add(R, q, 1, &p, &err) != TDM_OK);
    CHECK_CONTAINS(err.msg, "pointer arithmetic on cdata<void *>");
    tdmF_cd_decref(q);
}

/* Issue 7: pointers into memory of known extent are checked, a struct
   ending in a variable-length array gets its count. */
static void test_extent_and_flex(void)
{
    tdmF_CData *p = NULL, *q = NULL, *s = NULL, *y;
    tdmF_Place pl;
    tdm_Value v;
    uintptr_t lo, hi;
    CHECK_EQ_INT(tdmF_new(R, ty("int *"), -1, TDMF_NEW_POINTEE, NULL, &p, &err), TDM_OK);
    CHECK_EQ_INT(tdmF_cd_index(R, p, 0, &pl, &err), TDM_OK);
    CHECK(tdmF_cd_index(R, p, 1, &pl, &err) != TDM_OK);
    CHECK_STR(err.msg, "index 1 out of bounds for cdata<int *> (it points into 4 bytes at "
                       "offset 0)");
    CHECK(tdmF_cd_index(R, p, -1, &pl, &err) != TDM_OK);
    CHECK_EQ_INT(tdmF_cd_avail(p), 4);
    CHECK_EQ_INT(tdmF_ptr_add(R, p, 1, &q, &err), TDM_OK);
    CHECK_EQ_INT(tdmF_cd_avail(q), 0);
    CHECK_EQ_INT(tdmF_cd_index(R, q, -1, &pl, &err), TDM_OK);
    CHECK(tdmF_cd_index(R, q, 0, &pl, &err) != TDM_OK);
    v = cv(q);
    CHECK(tdmF_fill(R, &v, 1, 0, &err) != TDM_OK);
    tdmF_cd_decref(q);
    tdmF_cd_decref(p);

    CHECK_EQ_INT(tdmF_new(R, ty("struct { double x; int y[?]; }"), 100, 0, NULL, &s, &err),
                 TDM_OK);
    CHECK_EQ_INT(tdmF_cd_size(s), 408);
    CHECK(tdmF_cd_bounds(s, &lo, &hi) && hi - lo == 408);
    CHECK_EQ_INT(tdmF_cd_field(R, s, "y", &pl, &err), TDM_OK);
    CHECK_EQ_INT(pl.nelem, 100);
    CHECK_EQ_INT(tdmF_place_get(R, &pl, &v, &err), TDM_OK);
    y = tdmF_cd_of(&v);
    CHECK(y != NULL && tdmF_cd_length(y) == 100);
    CHECK_EQ_INT(tdmF_cd_index(R, y, 99, &pl, &err), TDM_OK);
    CHECK(tdmF_cd_index(R, y, 100, &pl, &err) != TDM_OK);
    CHECK_STR(err.msg, "index 100 out of bounds for cdata<int[?]> (length 100)");
    tdmF_value_release(R, &v);
    tdmF_cd_decref(s);
    CHECK(tdmF_new(R, ty("struct { double x; int y[?]; }"), INT64_MAX, 0, NULL, &s, &err)
          != TDM_OK);
    CHECK_CONTAINS(err.msg, "too large");
}

static void test_libraries(void)
{
    tdmF_Lib *l = NULL;
    tdm_Value v;
    CHECK(tdmF_lib_open(R, "nonexistent_xyz", 0, &l, &err) != TDM_OK);
    CHECK_CONTAINS(err.msg, "cannot load library 'nonexistent_xyz': nonexistent_xyz: cannot "
                   "open shared object file");
    CHECK(tdmF_lib_get(R, libc, "nosuch_function", &v, &err) != TDM_OK);
    CHECK_STR(err.msg, "'nosuch_function' is not declared (declare it with cdef)");
    CHECK_EQ_INT(tdmF_cdef(R, "int not_in_lib(void);", 21, &err), TDM_OK);
    CHECK(tdmF_lib_get(R, lib, "not_in_lib", &v, &err) != TDM_OK);
    CHECK_CONTAINS(err.msg, "symbol 'not_in_lib' not found in " TDM_TESTLIB);
    CHECK(tdmF_lib_get(R, libc, "size_t", &v, &err) != TDM_OK);
    CHECK_CONTAINS(err.msg, "it is a type");
}

/* Issue 8: every error path records a kind, and adapters choose the exception
   class from it, never from the wording; prefixes keep the kind. */
static int kind_of_call(tdmF_Lib *l, const char *name, int n, const tdm_Value *args)
{
    bad_call(l, name, n, args);
    return err.kind;
}

static void test_error_kinds(void)
{
    tdm_Value a[2], r = tdm_nil(), fnv;
    tdmF_CData *arr = NULL, *p = NULL, *np = NULL, *bs = NULL;
    tdmF_Place pl;
    const char *s;
    size_t n;
    tdmF_Err e;
    /* the one initialiser gives a clear record */
    memset(&e, 0x5a, sizeof e);
    tdmF_err_init(&e);
    CHECK_EQ_INT(e.status, TDM_OK);
    CHECK_EQ_INT(e.kind, TDMF_EK_OTHER);
    CHECK_STR(e.msg, "");
    CHECK_EQ_INT(e.cb.status, TDM_OK);
    CHECK(e.cb.message == NULL);
    /* range: integers, floats, bitfields */
    a[0] = tdm_int(1);
    a[1] = tdm_int(3000000000LL);
    CHECK_EQ_INT(kind_of_call(lib, "add", 2, a), TDMF_EK_RANGE);
    a[0] = tdm_int(256);
    CHECK_EQ_INT(kind_of_call(lib, "t_u8", 1, a), TDMF_EK_RANGE);
    a[0] = tdm_float(1.0 / 0.0);
    CHECK_EQ_INT(kind_of_call(libc, "abs", 1, a), TDMF_EK_RANGE);
    a[0] = tdm_float(1e30);
    CHECK_EQ_INT(kind_of_call(libc, "abs", 1, a), TDMF_EK_RANGE);
    CHECK_EQ_INT(tdmF_new(R, ty("struct { int b : 3; }"), -1, 0, NULL, &bs, &err), TDM_OK);
    CHECK_EQ_INT(tdmF_cd_field(R, bs, "b", &pl, &err), TDM_OK);
    a[0] = tdm_int(100);
    CHECK(tdmF_place_set(R, &pl, &a[0], &err) != TDM_OK);
    CHECK_CONTAINS(err.msg, "(bitfield)");
    CHECK_EQ_INT(err.kind, TDMF_EK_RANGE);
    tdmF_cd_decref(bs);
    /* type: wrong kind of value, wrong argument count */
    a[0] = tdm_float(2.5);
    CHECK_EQ_INT(kind_of_call(libc, "abs", 1, a), TDMF_EK_TYPE);
    a[0] = S("x2");
    CHECK_EQ_INT(kind_of_call(libc, "abs", 1, a), TDMF_EK_TYPE);
    CHECK_EQ_INT(kind_of_call(libc, "abs", 2, a), TDMF_EK_TYPE);
    CHECK_EQ_INT(err.status, TDM_ERRARG);       /* the kind, not the status, says "type" */
    /* bounds: arrays and pointers of known extent */
    CHECK_EQ_INT(tdmF_new(R, ty("int[4]"), -1, 0, NULL, &arr, &err), TDM_OK);
    CHECK(tdmF_cd_index(R, arr, 4, &pl, &err) != TDM_OK);
    CHECK_EQ_INT(err.kind, TDMF_EK_BOUNDS);
    tdmF_cd_decref(arr);
    CHECK_EQ_INT(tdmF_new(R, ty("int *"), -1, TDMF_NEW_POINTEE, NULL, &p, &err), TDM_OK);
    CHECK(tdmF_cd_index(R, p, 1, &pl, &err) != TDM_OK);
    CHECK_EQ_INT(err.kind, TDMF_EK_BOUNDS);
    tdmF_cd_decref(p);
    /* NULL pointers: indexing, fields, strings, copies */
    CHECK_EQ_INT(tdmF_lib_get(R, lib, "ret_null", &fnv, &err), TDM_OK);
    CHECK_EQ_INT(tdmF_call(R, tdmF_cd_of(&fnv), 0, NULL, &r, &err), TDM_OK);
    tdmF_value_release(R, &fnv);
    CHECK(tdmF_cd_index(R, tdmF_cd_of(&r), 0, &pl, &err) != TDM_OK);
    CHECK_EQ_INT(err.kind, TDMF_EK_NULLPTR);
    CHECK(tdmF_string(R, &r, -1, &s, &n, &err) != TDM_OK);
    CHECK_EQ_INT(err.kind, TDMF_EK_NULLPTR);
    a[0] = S("x");
    CHECK(tdmF_copy(R, &r, &a[0], -1, &err) != TDM_OK);
    CHECK_EQ_INT(err.kind, TDMF_EK_NULLPTR);
    tdmF_value_release(R, &r);
    a[0] = tdm_int(0);
    CHECK_EQ_INT(tdmF_cast(R, ty("struct point *"), &a[0], &np, &err), TDM_OK);
    CHECK(tdmF_cd_field(R, np, "x", &pl, &err) != TDM_OK);
    CHECK_EQ_INT(err.kind, TDMF_EK_NULLPTR);
    tdmF_cd_decref(np);
    np = NULL;
    /* a NULL *function* pointer is not a NULL dereference: ffi.error as before */
    CHECK_EQ_INT(tdmF_cast(R, ty("int(*)(int)"), &a[0], &np, &err), TDM_OK);
    CHECK(tdmF_call(R, np, 1, &a[0], &r, &err) != TDM_OK);
    CHECK_EQ_INT(err.kind, TDMF_EK_OTHER);
    tdmF_cd_decref(np);
    /* declarations: syntax, unknown names, conflicts, and registry errors
       that a cdef reports (an incomplete field type, a TDM_ERRTYPE) */
    bad_cdef("int f(void) { return 0; }");
    CHECK_EQ_INT(err.kind, TDMF_EK_DECL);
    bad_cdef("foo_t x;");
    CHECK_EQ_INT(err.kind, TDMF_EK_DECL);
    bad_cdef("long abs(int);");
    CHECK_CONTAINS(err.msg, "conflicting declaration");
    CHECK_EQ_INT(err.kind, TDMF_EK_DECL);
    bad_cdef("struct kinc; struct kouter { struct kinc x; };");
    CHECK_EQ_INT(err.kind, TDMF_EK_DECL);
    bad_cdef("enum { KBIG = sizeof(struct kinc) };");
    CHECK_EQ_INT(err.kind, TDMF_EK_DECL);
    CHECK(tdmF_parse_type(R, "int int", 7, "new", &(const tdmF_Type *){NULL}, &err) != TDM_OK);
    CHECK_EQ_INT(err.kind, TDMF_EK_DECL);
    /* other: a missing symbol */
    CHECK(tdmF_lib_get(R, lib, "no_such_symbol_here", &fnv, &err) != TDM_OK);
    CHECK_EQ_INT(err.kind, TDMF_EK_OTHER);
    /* the kind is the site's, whatever the message says; prefixes keep it */
    tdmF_seterr(&e, TDM_ERRTYPE, "x (out of range) NULL pointer out of bounds");
    CHECK_EQ_INT(e.kind, TDMF_EK_TYPE);
    tdmF_seterrk(&e, TDMF_EK_RANGE, TDM_ERRTYPE, "reworded: too big");
    tdmF_err_prefix(&e, "argument %d: ", 1);
    CHECK_STR(e.msg, "argument 1: reworded: too big");
    CHECK_EQ_INT(e.kind, TDMF_EK_RANGE);
    tdmF_err_clear(R, &e);
    CHECK_EQ_INT(e.kind, TDMF_EK_OTHER);
    CHECK_EQ_INT(tdmF_status_kind(TDM_ERRSYNTAX), TDMF_EK_DECL);
    CHECK_EQ_INT(tdmF_status_kind(TDM_ERRTYPE), TDMF_EK_TYPE);
    CHECK_EQ_INT(tdmF_status_kind(TDM_ERRARG), TDMF_EK_OTHER);
}

int main(void)
{
    static const char decls[] =
        "int abs(int); size_t strlen(const char *); int add(int, int);\n"
        "int sum_ints(int n, ...); unsigned int t_uint(unsigned int); uint8_t t_u8(uint8_t);\n"
        "bool t_bool(bool); void *t_ptr(void *); long t_long(long);\n"
        "int call_cb(int (*f)(int), int x); int call_cb_sum(int (*f)(int), int n);\n"
        "void *ret_null(void); struct point { int x, y; };\n";
    R = tdmF_registry_new();
    if (R == NULL || tdmF_cdef(R, decls, strlen(decls), &err) != TDM_OK ||
        tdmF_lib_open(R, "C", 0, &libc, &err) != TDM_OK ||
        tdmF_lib_open(R, TDM_TESTLIB, 0, &lib, &err) != TDM_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return 2;
    }
    test_declarations();
    test_arguments();
    test_callbacks();
    test_null_and_bounds();
    test_extent_and_flex();
    test_libraries();
    test_error_kinds();
    tdmF_registry_free(R);
    return check_summary();
}
