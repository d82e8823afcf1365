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
    test_by_value_descriptors();
    tdmF_registry_free(R);
    return check_summary();
}
