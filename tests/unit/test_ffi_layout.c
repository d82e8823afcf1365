/*
 * test_ffi_layout.c — sizes, alignments and offsets computed by the ffi
 * registry against the C compiler's for the same declarations, and
 * bitfields read and written through the ffi on memory laid out by C.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cdata.h"
#include "cparse.h"

/* Each declaration is compiled by C and handed to cdef as text. */
#define LAYOUT(name, ...) __VA_ARGS__; static const char src_##name[] = #__VA_ARGS__ ";";

LAYOUT(s1, struct s1 { char a; int b; char c; })
LAYOUT(s2, struct s2 { char a; double b; short c; char d[3]; long long e; })
LAYOUT(s3, struct s3 { char a; struct s1 in; char b; union { int i; char c[5]; } u; })
LAYOUT(s4, struct s4 { short a; char b[7]; void *p; float f; })
LAYOUT(s5, struct s5 { int a; struct { char x; double y; }; union { short s; char c; }; char z; })
LAYOUT(s6, struct s6 { char a; int arr[2][3]; char b; struct s1 ins[2]; })
LAYOUT(s7, struct s7 { char c; long double_; uint8_t u8; uint16_t u16; int64_t i64; _Bool flag; })
LAYOUT(s8, struct s8 { int n; double tail[]; })
LAYOUT(u1, union u1 { char c; double d; int arr[3]; struct s1 s; })
LAYOUT(s9, struct s9 { char a; struct s9 *next; void (*fn)(int); char b; })
LAYOUT(s10, struct s10 { char a; enum { E0, E1 } e; char b; })

/* Bitfields: gcc packs them into units of their declared type. */
LAYOUT(b1, struct b1 { unsigned a : 3; int b : 5; unsigned c : 12; char d; })
LAYOUT(b2, struct b2 { char a; int b : 4; int c : 30; short d : 9; })
LAYOUT(b3, struct b3 { unsigned long long a : 40; unsigned long long b : 30; int c : 2; })
LAYOUT(b4, struct b4 { char a; int : 0; char b; unsigned char c : 1; unsigned char : 3; unsigned char d : 4; })
LAYOUT(b5, struct b5 { _Bool f : 1; short s : 3; char c : 7; long l : 33; })
LAYOUT(b6, union b6 { int a : 7; unsigned b : 17; char c; })
LAYOUT(b7, struct b7 { char a; int : 3; char b; })

/* Packed layouts: __attribute__((packed)) in both places gcc takes it, and
   #pragma pack (the C struct compiled under the same pragma as the text). */
LAYOUT(p1, struct p1 { char a; int b; short c; double d; } __attribute__((packed)))
LAYOUT(p2, struct __attribute__((__packed__)) p2 { char a; struct s1 in; long long e; char z; })
LAYOUT(p3, struct p3 { char a; struct p1 in; int b; })
#pragma pack(push, 2)
struct q1 { char a; int b; char c; double d; };
#pragma pack(push, 4)
struct q2 { char a; double b; short c; };
#pragma pack(pop)
union q3 { char a; long long b; int c[3]; };
#pragma pack()
struct q4 { char a; double b; };
#pragma pack(pop)
static const char src_q[] =
    "#pragma pack(push, 2)\n"
    "struct q1 { char a; int b; char c; double d; };\n"
    "#pragma pack(push, 4)\n"
    "struct q2 { char a; double b; short c; };\n"
    "#pragma pack(pop)\n"
    "union q3 { char a; long long b; int c[3]; };\n"
    "#pragma pack()\n"
    "struct q4 { char a; double b; };\n"
    "#pragma pack(pop)\n"
    "struct q5 { char a; double b; };\n";
struct q5 { char a; double b; };

/* GCC attributes that change a layout: aligned(n) on members, structs and
   typedefs (a typedef may lower it), mode(...) widths, vector_size(n). */
LAYOUT(a1, struct a1 { char c; int x __attribute__((aligned(8))); short s; })
LAYOUT(a2, struct a2 { char c; int x; } __attribute__((aligned(16))))
LAYOUT(a3, struct __attribute__((aligned(32))) a3 { char c; })
LAYOUT(a4, typedef int i8a_t __attribute__((aligned(8))); struct a4 { char c; i8a_t x; })
LAYOUT(a5, typedef int i1a_t __attribute__((__aligned__(1))); struct a5 { char c; i1a_t x; })
LAYOUT(a6, typedef double d2a_t __attribute__((aligned(2))); struct a6 { char c; d2a_t x[2]; })
LAYOUT(a7, struct a7 { char c; int x __attribute__((aligned)); })
LAYOUT(a9, struct a9 { char c; int x __attribute__((aligned(8))); } __attribute__((packed)))
LAYOUT(a10, typedef struct { char c; } __attribute__((aligned(8))) a10_t; struct a10 { char c; a10_t in; a10_t arr[2]; })
LAYOUT(a11, struct a11 { char c; struct a2 in; char d; })
/* aligned(n) on a typedef of a struct, union or array (a variant of it, raised
   or lowered; also of an incomplete struct, completed later), and on bitfields */
LAYOUT(t1, struct t1s { int a; double d; }; typedef struct t1s t16_t __attribute__((aligned(16))); typedef struct t1s __attribute__((aligned(32))) t32_t; typedef struct t1s t2_t __attribute__((aligned(2))); struct t1 { char c; t16_t x; char d; t2_t y; t16_t arr[2]; })
LAYOUT(t2, typedef int a3x16_t[3] __attribute__((aligned(16))); typedef int a4x16_t[4] __attribute__((aligned(16))); struct t2 { char c; a3x16_t a; char d; a4x16_t b[2]; })
LAYOUT(t3, union t3u { int a; char b; }; typedef union t3u u8_t __attribute__((aligned(8))); struct t3c { char x[3]; }; typedef struct t3c c3a2_t __attribute__((aligned(2))); struct t3 { char c; u8_t u; c3a2_t k; char e; })
LAYOUT(t4, struct t4i; typedef struct t4i t4i16_t __attribute__((aligned(16))); struct t4i { char c; }; typedef struct { char c[5]; } x5_t __attribute__((aligned(8))); struct t4 { char c; t4i16_t a; x5_t b; char d; })
LAYOUT(t5, struct t5 { char c; struct t1s __attribute__((aligned(32))) x; t32_t y; })
LAYOUT(t6, typedef t32_t t32l4_t __attribute__((aligned(4))); struct t6 { char c; struct t1 in; struct t2 in2; t32l4_t z; union { u8_t u; char k; } an; })
LAYOUT(f1, struct f1 { char c; int x : 3 __attribute__((aligned(8))); char d; })
LAYOUT(f2, struct f2 { char c; int __attribute__((aligned(8))) x : 5; int y : 3; })
LAYOUT(f3, struct f3 { char c; int x : 3 __attribute__((aligned(16))); })
LAYOUT(f4, struct f4 { int a : 3; int x : 3 __attribute__((aligned(4))); short s; })
LAYOUT(f5, union f5 { char c; int x : 3 __attribute__((aligned(8))); })
LAYOUT(f6, struct f6 { char c; int : 3 __attribute__((aligned(8))); char d; })
LAYOUT(f7, struct f7 { char c; long long x : 3 __attribute__((aligned(2))); char d; })
LAYOUT(f8, struct f8 { char c; struct f1 in; unsigned y : 2 __attribute__((aligned(4))); })
#pragma pack(push, 1)
struct a8 { char c; int x __attribute__((aligned(4))); short s; };
#pragma pack(pop)
static const char src_a8[] =
    "#pragma pack(push, 1)\n"
    "struct a8 { char c; int x __attribute__((aligned(4))); short s; };\n"
    "#pragma pack(pop)\n";
LAYOUT(m1, struct m1 { char c; int h __attribute__((mode(HI))); long long q __attribute__((__mode__(__SI__))); unsigned __attribute__((mode(QI))) b; })
LAYOUT(m2, typedef int __attribute__((mode(DI))) di_t; typedef unsigned wd_t __attribute__((mode(word))); typedef int pm_t __attribute__((mode(pointer))); struct m2 { char c; di_t d; wd_t w; pm_t p; })
LAYOUT(v1, typedef float v4sf_t __attribute__((vector_size(16))); struct v1 { char c; v4sf_t v; })
LAYOUT(v2, typedef int v8si_t __attribute__((vector_size(32))); struct v2 { char c; v8si_t v; short s; })
LAYOUT(v3, struct v3 { char c; short v __attribute__((vector_size(8))); char d; })
LAYOUT(v4, typedef double v8df_t __attribute__((vector_size(64))); struct v4 { char c; v8df_t v; })
LAYOUT(v5, typedef char v2qi_t __attribute__((vector_size(2))); struct v5 { char c; v2qi_t v; })

static tdmF_Registry *R;
static tdmF_Err err;

static const tdmF_Type *load(const char *src, int kind, const char *tag)
{
    if (tdmF_cdef(R, src, strlen(src), &err) != TDM_OK) {
        fprintf(stderr, "  cdef error: %s\n", err.msg);
        return NULL;
    }
    return tdmF_tag_lookup(R, kind, tag);
}

static size_t ffi_off(const tdmF_Type *t, const char *field)
{
    size_t off = 0;
    if (tdmF_offsetof(R, t, field, &off, &err) != TDM_OK) {
        fprintf(stderr, "  offsetof error: %s\n", err.msg);
        return (size_t)-1;
    }
    return off;
}

#define SAME_SIZE(tag, kind, ctype)                                           \
    const tdmF_Type *t_##tag = load(src_##tag, kind, #tag);                   \
    CHECK(t_##tag != NULL);                                                   \
    if (t_##tag) {                                                            \
        CHECK_EQ_INT(t_##tag->size, sizeof(ctype));                           \
        CHECK_EQ_INT(t_##tag->align, _Alignof(ctype));                        \
    }

#define SAME_OFF(tag, ctype, field)                                           \
    if (t_##tag) {                                                            \
        CHECK_EQ_INT(ffi_off(t_##tag, #field), offsetof(ctype, field));       \
    }

static void test_plain(void)
{
    SAME_SIZE(s1, TDMF_STRUCT, struct s1)
    SAME_OFF(s1, struct s1, a) SAME_OFF(s1, struct s1, b) SAME_OFF(s1, struct s1, c)
    SAME_SIZE(s2, TDMF_STRUCT, struct s2)
    SAME_OFF(s2, struct s2, b) SAME_OFF(s2, struct s2, c) SAME_OFF(s2, struct s2, d)
    SAME_OFF(s2, struct s2, e)
    SAME_SIZE(s3, TDMF_STRUCT, struct s3)
    SAME_OFF(s3, struct s3, in) SAME_OFF(s3, struct s3, b) SAME_OFF(s3, struct s3, u)
    SAME_SIZE(s4, TDMF_STRUCT, struct s4)
    SAME_OFF(s4, struct s4, b) SAME_OFF(s4, struct s4, p) SAME_OFF(s4, struct s4, f)
    SAME_SIZE(s5, TDMF_STRUCT, struct s5)
    SAME_OFF(s5, struct s5, x) SAME_OFF(s5, struct s5, y) SAME_OFF(s5, struct s5, s)
    SAME_OFF(s5, struct s5, c) SAME_OFF(s5, struct s5, z)
    SAME_SIZE(s6, TDMF_STRUCT, struct s6)
    SAME_OFF(s6, struct s6, arr) SAME_OFF(s6, struct s6, b) SAME_OFF(s6, struct s6, ins)
    SAME_SIZE(s7, TDMF_STRUCT, struct s7)
    SAME_OFF(s7, struct s7, double_) SAME_OFF(s7, struct s7, u8) SAME_OFF(s7, struct s7, u16)
    SAME_OFF(s7, struct s7, i64) SAME_OFF(s7, struct s7, flag)
    SAME_SIZE(s8, TDMF_STRUCT, struct s8)
    SAME_OFF(s8, struct s8, tail)
    SAME_SIZE(u1, TDMF_UNION, union u1)
    SAME_OFF(u1, union u1, d) SAME_OFF(u1, union u1, s)
    SAME_SIZE(s9, TDMF_STRUCT, struct s9)
    SAME_OFF(s9, struct s9, next) SAME_OFF(s9, struct s9, fn) SAME_OFF(s9, struct s9, b)
    SAME_SIZE(s10, TDMF_STRUCT, struct s10)
    SAME_OFF(s10, struct s10, e) SAME_OFF(s10, struct s10, b)
}

/* Read field `name` of C memory `mem` of type t through the ffi. */
static int64_t get_field(const tdmF_Type *t, void *mem, const char *name)
{
    tdmF_CData *cd = tdmF_cd_ref(R, t, mem, -1, NULL, &err);
    tdmF_Place pl;
    tdm_Value v = tdm_nil();
    int64_t r = -12345;
    if (cd && tdmF_cd_field(R, cd, name, &pl, &err) == TDM_OK &&
        tdmF_place_get(R, &pl, &v, &err) == TDM_OK) {
        r = v.kind == TDM_BOOL ? v.u.b : v.u.i;
    } else {
        fprintf(stderr, "  field %s: %s\n", name, err.msg);
    }
    if (cd) {
        tdmF_cd_decref(cd);
    }
    return r;
}

static int set_field(const tdmF_Type *t, void *mem, const char *name, int64_t val)
{
    tdmF_CData *cd = tdmF_cd_ref(R, t, mem, -1, NULL, &err);
    tdmF_Place pl;
    tdm_Value v = tdm_int(val);
    int st = cd ? tdmF_cd_field(R, cd, name, &pl, &err) : TDM_ERRMEM;
    if (st == TDM_OK) {
        st = tdmF_place_set(R, &pl, &v, &err);
    }
    if (cd) {
        tdmF_cd_decref(cd);
    }
    return st;
}

static void test_bitfields(void)
{
    SAME_SIZE(b1, TDMF_STRUCT, struct b1)
    SAME_OFF(b1, struct b1, d)
    SAME_SIZE(b2, TDMF_STRUCT, struct b2)
    SAME_SIZE(b3, TDMF_STRUCT, struct b3)
    SAME_SIZE(b4, TDMF_STRUCT, struct b4)
    SAME_OFF(b4, struct b4, b)
    SAME_SIZE(b5, TDMF_STRUCT, struct b5)
    SAME_SIZE(b6, TDMF_UNION, union b6)
    SAME_SIZE(b7, TDMF_STRUCT, struct b7)
    SAME_OFF(b7, struct b7, b)
    {   /* C writes, ffi reads */
        struct b1 x;
        struct b2 y;
        struct b3 z;
        struct b5 w;
        memset(&x, 0, sizeof x);
        memset(&y, 0, sizeof y);
        memset(&z, 0, sizeof z);
        memset(&w, 0, sizeof w);
        x.a = 5; x.b = -9; x.c = 4000; x.d = 'q';
        y.a = 1; y.b = -3; y.c = 300000000; y.d = -200;
        z.a = 0xFFFFFFFFFFull; z.b = 123456789; z.c = -2;
        w.f = 1; w.s = -4; w.c = 60; w.l = -4000000000L;
        CHECK_EQ_INT(get_field(t_b1, &x, "a"), 5);
        CHECK_EQ_INT(get_field(t_b1, &x, "b"), -9);
        CHECK_EQ_INT(get_field(t_b1, &x, "c"), 4000);
        CHECK_EQ_INT(get_field(t_b1, &x, "d"), 'q');
        CHECK_EQ_INT(get_field(t_b2, &y, "b"), -3);
        CHECK_EQ_INT(get_field(t_b2, &y, "c"), 300000000);
        CHECK_EQ_INT(get_field(t_b2, &y, "d"), -200);
        CHECK_EQ_INT(get_field(t_b3, &z, "a"), 0xFFFFFFFFFFll);
        CHECK_EQ_INT(get_field(t_b3, &z, "b"), 123456789);
        CHECK_EQ_INT(get_field(t_b3, &z, "c"), -2);
        CHECK_EQ_INT(get_field(t_b5, &w, "f"), 1);
        CHECK_EQ_INT(get_field(t_b5, &w, "s"), -4);
        CHECK_EQ_INT(get_field(t_b5, &w, "c"), 60);
        CHECK_EQ_INT(get_field(t_b5, &w, "l"), -4000000000LL);
    }
    {   /* ffi writes, C reads; neighbours untouched; range checked */
        struct b1 x;
        struct b4 q;
        memset(&x, 0, sizeof x);
        memset(&q, 0, sizeof q);
        x.d = 'k';
        CHECK_EQ_INT(set_field(t_b1, &x, "a", 7), TDM_OK);
        CHECK_EQ_INT(set_field(t_b1, &x, "b", -16), TDM_OK);
        CHECK_EQ_INT(set_field(t_b1, &x, "c", 4095), TDM_OK);
        CHECK_EQ_INT(x.a, 7);
        CHECK_EQ_INT(x.b, -16);
        CHECK_EQ_INT(x.c, 4095);
        CHECK_EQ_INT(x.d, 'k');
        CHECK(set_field(t_b1, &x, "a", 8) != TDM_OK);
        CHECK_CONTAINS(err.msg, "got 8 (out of range)");
        CHECK(set_field(t_b1, &x, "b", 16) != TDM_OK);
        CHECK(set_field(t_b1, &x, "c", -1) != TDM_OK);
        CHECK_EQ_INT(x.a, 7);
        CHECK_EQ_INT(set_field(t_b4, &q, "c", 1), TDM_OK);
        CHECK_EQ_INT(set_field(t_b4, &q, "d", 15), TDM_OK);
        CHECK_EQ_INT(q.c, 1);
        CHECK_EQ_INT(q.d, 15);
        CHECK_EQ_INT(q.a, 0);
        CHECK_EQ_INT(q.b, 0);
    }
}

static void test_by_value_descriptors(void)
{
    /* libffi's own layout of the struct descriptors matches the compiler's */
    static const char *const tags[] = {"s1", "s2", "s4", "s6", "s7", "s9", "s10", NULL};
    static const size_t sizes[] = {sizeof(struct s1), sizeof(struct s2),
                                   sizeof(struct s4), sizeof(struct s6), sizeof(struct s7),
                                   sizeof(struct s9), sizeof(struct s10)};
    int i;
    for (i = 0; tags[i]; i++) {
        const tdmF_Type *t = tdmF_tag_lookup(R, TDMF_STRUCT, tags[i]);
        const tdmF_Type *fn = t ? tdmF_func(R, t, &t, 1, 0, -1, &err) : NULL;
        ffi_cif *cif = fn ? tdmF_cif(R, fn, &err) : NULL;
        if (!CHECK(cif != NULL)) {
            fprintf(stderr, "  struct %s: %s\n", tags[i], err.msg);
            continue;
        }
        CHECK_EQ_INT(cif->rtype->size, sizes[i]);
    }
    /* unions (and structs holding one, like s3) and bitfield structs are not
       passable by value, with a clear message */
    {
        CHECK(tdmF_ffitype(R, tdmF_tag_lookup(R, TDMF_STRUCT, "s3"), &err) == NULL);
        const tdmF_Type *t = tdmF_tag_lookup(R, TDMF_UNION, "u1");
        CHECK(tdmF_ffitype(R, t, &err) == NULL);
        CHECK_CONTAINS(err.msg, "unions cannot be passed or returned by value");
        CHECK(tdmF_ffitype(R, tdmF_tag_lookup(R, TDMF_STRUCT, "b1"), &err) == NULL);
        CHECK_CONTAINS(err.msg, "has bitfields");
    }
}

/* gcc's layout alignment is __alignof__ (for vectors of 32 bytes and more,
   _Alignof reports a smaller ABI minimum than gcc lays them out with). */
#define SAME_SIZE_G(tag, kind, ctype)                                         \
    const tdmF_Type *t_##tag = load(src_##tag, kind, #tag);                   \
    CHECK(t_##tag != NULL);                                                   \
    if (t_##tag) {                                                            \
        CHECK_EQ_INT(t_##tag->size, sizeof(ctype));                           \
        CHECK_EQ_INT(t_##tag->align, __alignof__(ctype));                     \
    }

static const tdmF_Type *named(const char *name)
{
    const tdmF_Name *n = tdmF_lookup(R, name);
    return n && n->kind == TDMF_N_TYPEDEF ? n->type : NULL;
}

static void test_attributes(void)
{
    const tdmF_Type *t;
    SAME_SIZE_G(a1, TDMF_STRUCT, struct a1)
    SAME_OFF(a1, struct a1, x) SAME_OFF(a1, struct a1, s)
    SAME_SIZE_G(a2, TDMF_STRUCT, struct a2)
    SAME_SIZE_G(a3, TDMF_STRUCT, struct a3)
    SAME_SIZE_G(a4, TDMF_STRUCT, struct a4)
    SAME_OFF(a4, struct a4, x)
    SAME_SIZE_G(a5, TDMF_STRUCT, struct a5)
    SAME_OFF(a5, struct a5, x)
    SAME_SIZE_G(a6, TDMF_STRUCT, struct a6)
    SAME_OFF(a6, struct a6, x)
    SAME_SIZE_G(a7, TDMF_STRUCT, struct a7)
    SAME_OFF(a7, struct a7, x)
    SAME_SIZE_G(a8, TDMF_STRUCT, struct a8)
    SAME_OFF(a8, struct a8, x) SAME_OFF(a8, struct a8, s)
    SAME_SIZE_G(a9, TDMF_STRUCT, struct a9)
    SAME_OFF(a9, struct a9, x)
    SAME_SIZE_G(a10, TDMF_STRUCT, struct a10)
    SAME_OFF(a10, struct a10, in) SAME_OFF(a10, struct a10, arr)
    SAME_SIZE_G(a11, TDMF_STRUCT, struct a11)
    SAME_OFF(a11, struct a11, in) SAME_OFF(a11, struct a11, d)
    /* typedef variants: the type's alignment, its size, the same kind */
    t = named("i8a_t");
    CHECK(t && t->kind == TDMF_INT && t->size == sizeof(i8a_t) &&
          t->align == __alignof__(i8a_t) && (t->flags & TDMF_SIGNED));
    t = named("i1a_t");
    CHECK(t && t->size == 4 && t->align == __alignof__(i1a_t));
    t = named("a10_t");
    CHECK(t && t->size == sizeof(a10_t) && t->align == __alignof__(a10_t));
    SAME_SIZE_G(m1, TDMF_STRUCT, struct m1)
    SAME_OFF(m1, struct m1, h) SAME_OFF(m1, struct m1, q) SAME_OFF(m1, struct m1, b)
    SAME_SIZE_G(m2, TDMF_STRUCT, struct m2)
    SAME_OFF(m2, struct m2, d) SAME_OFF(m2, struct m2, w) SAME_OFF(m2, struct m2, p)
    /* typedefs of structs, unions and arrays: variants of them */
    SAME_SIZE_G(t1, TDMF_STRUCT, struct t1)
    SAME_OFF(t1, struct t1, x) SAME_OFF(t1, struct t1, d) SAME_OFF(t1, struct t1, y)
    SAME_OFF(t1, struct t1, arr)
    SAME_SIZE_G(t2, TDMF_STRUCT, struct t2)
    SAME_OFF(t2, struct t2, a) SAME_OFF(t2, struct t2, d) SAME_OFF(t2, struct t2, b)
    SAME_SIZE_G(t3, TDMF_STRUCT, struct t3)
    SAME_OFF(t3, struct t3, u) SAME_OFF(t3, struct t3, k) SAME_OFF(t3, struct t3, e)
    SAME_SIZE_G(t4, TDMF_STRUCT, struct t4)
    SAME_OFF(t4, struct t4, a) SAME_OFF(t4, struct t4, b) SAME_OFF(t4, struct t4, d)
    SAME_SIZE_G(t5, TDMF_STRUCT, struct t5)
    SAME_OFF(t5, struct t5, x) SAME_OFF(t5, struct t5, y)
    SAME_SIZE_G(t6, TDMF_STRUCT, struct t6)
    SAME_OFF(t6, struct t6, in) SAME_OFF(t6, struct t6, in2) SAME_OFF(t6, struct t6, z)
    SAME_OFF(t6, struct t6, an)
    {
        static const char *const vnames[] = {"t16_t", "t32_t", "t2_t", "a3x16_t", "a4x16_t",
                                             "u8_t", "c3a2_t", "t4i16_t", "x5_t", "t32l4_t",
                                             NULL};
        static const size_t vsize[] = {sizeof(t16_t), sizeof(t32_t), sizeof(t2_t),
                                       sizeof(a3x16_t), sizeof(a4x16_t), sizeof(u8_t),
                                       sizeof(c3a2_t), sizeof(t4i16_t), sizeof(x5_t),
                                       sizeof(t32l4_t)};
        static const size_t valign[] = {__alignof__(t16_t), __alignof__(t32_t),
                                        __alignof__(t2_t), __alignof__(a3x16_t),
                                        __alignof__(a4x16_t), __alignof__(u8_t),
                                        __alignof__(c3a2_t), __alignof__(t4i16_t),
                                        __alignof__(x5_t), __alignof__(t32l4_t)};
        for (int i = 0; vnames[i]; i++) {
            const tdmF_Type *v = named(vnames[i]), *back = NULL;
            char nb[128];
            if (!CHECK(v != NULL && v->variant_of != NULL)) {
                continue;
            }
            CHECK_EQ_INT(v->size, vsize[i]);
            CHECK_EQ_INT(v->align, valign[i]);
            CHECK_EQ_INT(v->kind, v->variant_of->kind);
            /* spelled as gcc prints it, which reads back as the same type */
            CHECK(strstr(tdmF_typename(v, nb, sizeof nb), "__attribute__((aligned(") != NULL);
            CHECK(tdmF_parse_type(R, nb, strlen(nb), "typeof", &back, &err) == TDM_OK &&
                  back == v);
            /* libffi lays structs out naturally: none passes by value (a union
               is refused as a union) */
            if (v->kind == TDMF_STRUCT) {
                CHECK(tdmF_ffitype(R, v, &err) == NULL);
                CHECK(err.kind == TDMF_EK_NOTIMPL);
                CHECK_CONTAINS(err.msg, "__attribute__((aligned))");
            }
        }
        CHECK(named("t16_t")->fields == tdmF_tag_lookup(R, TDMF_STRUCT, "t1s")->fields);
        CHECK(named("t4i16_t")->nfields == 1 &&
              (named("t4i16_t")->flags & TDMF_COMPLETE));   /* completed after the typedef */
        CHECK(tdmF_ffitype(R, t_t2, &err) == NULL);             /* holds an aligned array */
        CHECK(tdmF_ffitype(R, tdmF_tag_lookup(R, TDMF_STRUCT, "t1s"), &err) != NULL);
        CHECK_EQ_INT(tdmF_tag_lookup(R, TDMF_STRUCT, "t1s")->align, 8);   /* unchanged */
    }
    /* arrays of them: gcc's two errors */
    {
        const tdmF_Type *back = NULL;
        CHECK(tdmF_parse_type(R, "a3x16_t[2]", 10, "typeof", &back, &err) != TDM_OK);
        CHECK_CONTAINS(err.msg, "alignment of array elements is greater than element size");
        CHECK(tdmF_parse_type(R, "c3a2_t[2]", 9, "typeof", &back, &err) != TDM_OK);
        CHECK_CONTAINS(err.msg, "size of array element is not a multiple of its alignment");
        CHECK(tdmF_parse_type(R, "i8a_t[2]", 8, "typeof", &back, &err) != TDM_OK);
        CHECK_CONTAINS(err.msg, "alignment of array elements is greater than element size");
        CHECK(tdmF_parse_type(R, "t16_t[2]", 8, "typeof", &back, &err) == TDM_OK &&
              back->size == sizeof(t16_t[2]));
    }
    /* aligned(n) on bitfields: starts at a multiple of n, raises a named one's struct */
    SAME_SIZE_G(f1, TDMF_STRUCT, struct f1)
    SAME_OFF(f1, struct f1, d)
    SAME_SIZE_G(f2, TDMF_STRUCT, struct f2)
    SAME_SIZE_G(f3, TDMF_STRUCT, struct f3)
    SAME_SIZE_G(f4, TDMF_STRUCT, struct f4)
    SAME_OFF(f4, struct f4, s)
    SAME_SIZE_G(f5, TDMF_UNION, union f5)
    SAME_SIZE_G(f6, TDMF_STRUCT, struct f6)
    SAME_OFF(f6, struct f6, d)
    SAME_SIZE_G(f7, TDMF_STRUCT, struct f7)
    SAME_OFF(f7, struct f7, d)
    SAME_SIZE_G(f8, TDMF_STRUCT, struct f8)
    SAME_OFF(f8, struct f8, in)
    {   /* C writes, ffi reads; ffi writes, C reads */
        struct f1 a;
        struct f2 b;
        struct f3 c;
        struct f4 d;
        union f5 e;
        struct f7 g;
        struct f8 h;
        memset(&a, 0, sizeof a); memset(&b, 0, sizeof b); memset(&c, 0, sizeof c);
        memset(&d, 0, sizeof d); memset(&e, 0, sizeof e); memset(&g, 0, sizeof g);
        memset(&h, 0, sizeof h);
        a.c = 1; a.x = -3; a.d = 9;
        b.x = 11; b.y = -2;
        c.x = 2;
        d.a = -1; d.x = 3; d.s = 77;
        e.x = -4;
        g.x = 3; g.d = 5;
        h.in.x = 1; h.y = 2;
        if (t_f1 && t_f2 && t_f3 && t_f4 && t_f5 && t_f7 && t_f8) {
            CHECK_EQ_INT(get_field(t_f1, &a, "x"), -3);
            CHECK_EQ_INT(get_field(t_f2, &b, "x"), 11);
            CHECK_EQ_INT(get_field(t_f2, &b, "y"), -2);
            CHECK_EQ_INT(get_field(t_f3, &c, "x"), 2);
            CHECK_EQ_INT(get_field(t_f4, &d, "a"), -1);
            CHECK_EQ_INT(get_field(t_f4, &d, "x"), 3);
            CHECK_EQ_INT(get_field(t_f5, &e, "x"), -4);
            CHECK_EQ_INT(get_field(t_f7, &g, "x"), 3);
            CHECK_EQ_INT(get_field(t_f8, &h, "y"), 2);
            CHECK_EQ_INT(set_field(t_f1, &a, "x", 2), TDM_OK);
            CHECK_EQ_INT(set_field(t_f2, &b, "y", 1), TDM_OK);
            CHECK_EQ_INT(set_field(t_f4, &d, "x", -2), TDM_OK);
            CHECK_EQ_INT(set_field(t_f7, &g, "x", -1), TDM_OK);
            CHECK_EQ_INT(a.x, 2);
            CHECK_EQ_INT(a.c, 1);
            CHECK_EQ_INT(a.d, 9);
            CHECK_EQ_INT(b.x, 11);
            CHECK_EQ_INT(b.y, 1);
            CHECK_EQ_INT(d.a, -1);
            CHECK_EQ_INT(d.x, -2);
            CHECK_EQ_INT(d.s, 77);
            CHECK_EQ_INT(g.x, -1);
            CHECK_EQ_INT(g.d, 5);
        }
    }
    t = named("wd_t");
    CHECK(t && t->size == sizeof(wd_t) && !(t->flags & TDMF_SIGNED));
    t = named("di_t");
    CHECK(t && t->size == sizeof(di_t) && (t->flags & TDMF_SIGNED));
    SAME_SIZE_G(v1, TDMF_STRUCT, struct v1)
    SAME_OFF(v1, struct v1, v)
    SAME_SIZE_G(v2, TDMF_STRUCT, struct v2)
    SAME_OFF(v2, struct v2, v) SAME_OFF(v2, struct v2, s)
    SAME_SIZE_G(v3, TDMF_STRUCT, struct v3)
    SAME_OFF(v3, struct v3, v) SAME_OFF(v3, struct v3, d)
    SAME_SIZE_G(v4, TDMF_STRUCT, struct v4)
    SAME_OFF(v4, struct v4, v)
    SAME_SIZE_G(v5, TDMF_STRUCT, struct v5)
    SAME_OFF(v5, struct v5, v)
    t = named("v4sf_t");
    CHECK(t && t->kind == TDMF_ARRAY && (t->flags & TDMF_VECTOR) && t->length == 4 &&
          t->size == sizeof(v4sf_t) && t->align == __alignof__(v4sf_t));
    /* libffi cannot pass vectors, nor structs an aligned attribute laid out */
    CHECK(tdmF_ffitype(R, named("v4sf_t"), &err) == NULL);
    CHECK(err.kind == TDMF_EK_NOTIMPL);
    CHECK_CONTAINS(err.msg, "vector types cannot be passed or returned by value");
    CHECK(tdmF_ffitype(R, tdmF_tag_lookup(R, TDMF_STRUCT, "v1"), &err) == NULL);
    CHECK(err.kind == TDMF_EK_NOTIMPL);
    CHECK(tdmF_ffitype(R, tdmF_tag_lookup(R, TDMF_STRUCT, "a1"), &err) == NULL);
    CHECK(err.kind == TDMF_EK_NOTIMPL);
    CHECK_CONTAINS(err.msg, "__attribute__((aligned))");
    CHECK(tdmF_ffitype(R, tdmF_tag_lookup(R, TDMF_STRUCT, "a10"), &err) == NULL);
    CHECK(tdmF_ffitype(R, named("i8a_t"), &err) != NULL);  /* a scalar passes as itself */
    /* refused with their reason */
    {
        static const char *const bad_src[] = {
            "typedef float bad1 __attribute__((mode(HI)));",
            "typedef int bad2 __attribute__((mode(TI)));",
            "typedef int bad3 __attribute__((vector_size(12)));",
            "typedef int *bad4 __attribute__((vector_size(16)));",
            "struct bad5 { int x __attribute__((aligned(3))); };",
            "typedef int bad6(int) __attribute__((aligned(16)));",
            "typedef v4sf_t bad7 __attribute__((aligned(32)));",
            "typedef int bad8 __attribute__((vector_size(2)));",
            NULL
        };
        static const char *const why[] = {
            "mode applies to an integer type", "mode(TI) is not supported",
            "vector_size(12) is not a power of two", "vector_size applies to an integer",
            "requested alignment 3", "on a typedef of 'int(int)' is not supported",
            "on a typedef of 'float __attribute__((vector_size(16)))' is not supported", "vector_size(2) is not a power of two multiple",
        };
        for (int i = 0; bad_src[i]; i++) {
            CHECK(tdmF_cdef(R, bad_src[i], strlen(bad_src[i]), &err) == TDM_ERRSYNTAX);
            if (!CHECK_CONTAINS(err.msg, why[i])) {
                fprintf(stderr, "  %s\n", bad_src[i]);
            }
        }
    }
    /* the spelling: gcc's */
    {
        char nb[128];
        CHECK_STR(tdmF_typename(named("v4sf_t"), nb, sizeof nb),
                  "float __attribute__((vector_size(16)))");
        CHECK_STR(tdmF_typename(named("i8a_t"), nb, sizeof nb),
                  "int __attribute__((aligned(8)))");
        /* and the spelling reads back as the same type */
        const tdmF_Type *back = NULL;
        CHECK(tdmF_parse_type(R, nb, strlen(nb), "typeof", &back, &err) == TDM_OK &&
              back == named("i8a_t"));
    }
}

static void test_packed(void)
{
    SAME_SIZE(p1, TDMF_STRUCT, struct p1)
    SAME_OFF(p1, struct p1, b) SAME_OFF(p1, struct p1, c) SAME_OFF(p1, struct p1, d)
    SAME_SIZE(p2, TDMF_STRUCT, struct p2)
    SAME_OFF(p2, struct p2, in) SAME_OFF(p2, struct p2, e) SAME_OFF(p2, struct p2, z)
    SAME_SIZE(p3, TDMF_STRUCT, struct p3)
    SAME_OFF(p3, struct p3, in) SAME_OFF(p3, struct p3, b)
    CHECK(load(src_q, TDMF_STRUCT, "q1") != NULL);
    {
        const tdmF_Type *q1 = tdmF_tag_lookup(R, TDMF_STRUCT, "q1");
        const tdmF_Type *q2 = tdmF_tag_lookup(R, TDMF_STRUCT, "q2");
        const tdmF_Type *q3 = tdmF_tag_lookup(R, TDMF_UNION, "q3");
        const tdmF_Type *q4 = tdmF_tag_lookup(R, TDMF_STRUCT, "q4");
        const tdmF_Type *q5 = tdmF_tag_lookup(R, TDMF_STRUCT, "q5");
        CHECK(q1 && q2 && q3 && q4 && q5);
        if (q1 && q2 && q3 && q4 && q5) {
            CHECK_EQ_INT(q1->size, sizeof(struct q1));
            CHECK_EQ_INT(q1->align, _Alignof(struct q1));
            CHECK_EQ_INT(ffi_off(q1, "b"), offsetof(struct q1, b));
            CHECK_EQ_INT(ffi_off(q1, "d"), offsetof(struct q1, d));
            CHECK_EQ_INT(q2->size, sizeof(struct q2));
            CHECK_EQ_INT(q2->align, _Alignof(struct q2));
            CHECK_EQ_INT(ffi_off(q2, "b"), offsetof(struct q2, b));
            CHECK_EQ_INT(ffi_off(q2, "c"), offsetof(struct q2, c));
            CHECK_EQ_INT(q3->size, sizeof(union q3));
            CHECK_EQ_INT(q3->align, _Alignof(union q3));
            CHECK_EQ_INT(q4->size, sizeof(struct q4));
            CHECK_EQ_INT(ffi_off(q4, "b"), offsetof(struct q4, b));
            CHECK_EQ_INT(q5->size, sizeof(struct q5));
            CHECK_EQ_INT(ffi_off(q5, "b"), offsetof(struct q5, b));
        }
    }
    /* cdef(pack=N) is #pragma pack(N) before the text; by value is refused */
    {
        const char *src = "struct pk8 { char a; double b; short c; };";
        const tdmF_Type *t;
        CHECK(tdmF_cdef_pack(R, src, strlen(src), 4, &err) == TDM_OK);
        t = tdmF_tag_lookup(R, TDMF_STRUCT, "pk8");
        CHECK(t != NULL);
        if (t) {
            CHECK_EQ_INT(t->size, 16);
            CHECK_EQ_INT(t->align, 4);
            CHECK_EQ_INT(ffi_off(t, "b"), 4);
            CHECK(tdmF_ffitype(R, t, &err) == NULL);
            CHECK(strstr(err.msg, "is packed: it cannot be passed by value") != NULL);
        }
        CHECK(tdmF_cdef_pack(R, src, strlen(src), 3, &err) != TDM_OK);
        CHECK(err.kind == TDMF_EK_VALUE);
    }
}

int main(void)
{
    R = tdmF_registry_new();
    if (R == NULL) {
        return 2;
    }
    test_plain();
    test_bitfields();
    test_packed();
    test_attributes();
    test_by_value_descriptors();
    tdmF_registry_free(R);
    return check_summary();
}
