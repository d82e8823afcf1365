/*
 * test_ffi_parse.c — the declaration parser and the type registry:
 * declarations, declarators, constants, interning, redeclaration.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cparse.h"
#include "ffi_util.h"

static tdmF_Registry *R;
static tdmF_Err err;

static int cdef(const char *src)
{
    int st = tdmF_cdef(R, src, strlen(src), &err);
    if (st != TDM_OK) {
        fprintf(stderr, "  cdef error: %s\n", err.msg);
    }
    return st;
}

/* A cdef expected to fail: quiet. */
static int bad(const char *src)
{
    return tdmF_cdef(R, src, strlen(src), &err);
}

static const tdmF_Type *ty(const char *s)
{
    return parse_type(R, &err, s);
}

static const char *name_of(const char *s)
{
    static char buf[256];
    const tdmF_Type *t = ty(s);
    return t ? tdmF_typename(t, buf, sizeof buf) : "(error)";
}

static const char *decl_of(const char *name)
{
    static char buf[256];
    const tdmF_Name *n = tdmF_lookup(R, name);
    return n ? tdmF_declname(n->type, name, buf, sizeof buf) : "(undeclared)";
}

static int64_t constant(const char *name)
{
    const tdmF_Name *n = tdmF_lookup(R, name);
    return n && n->kind == TDMF_N_CONST ? n->value : -999999;
}

static void test_functions(void)
{
    CHECK_EQ_INT(cdef("int abs(int);\n"
                      "size_t strlen(const char *s);\n"
                      "int printf(const char *fmt, ...);\n"
                      "void (*signal(int sig, void (*handler)(int)))(int);\n"
                      "extern int counter;\n"
                      "char *names[4];\n"
                      "int (*ops[3])(int, int);\n"
                      "unsigned long long f1(unsigned, short int, long double_not_kw);\n"
                      "void noargs(void);\n"
                      "int empty();\n"), TDM_OK);
    CHECK_EQ_INT(tdmF_lookup(R, "abs")->kind, TDMF_N_FUNC);
    CHECK_EQ_INT(tdmF_lookup(R, "counter")->kind, TDMF_N_VAR);
    CHECK_STR(decl_of("abs"), "int abs(int)");
    CHECK_STR(decl_of("strlen"), "size_t strlen(char *)");
    CHECK_STR(decl_of("printf"), "int printf(char *, ...)");
    CHECK_STR(decl_of("signal"), "void(*signal(int, void(*)(int)))(int)");
    CHECK_STR(decl_of("names"), "char *names[4]");
    CHECK_STR(decl_of("ops"), "int(*ops[3])(int, int)");
    CHECK_STR(decl_of("f1"), "unsigned long long f1(unsigned int, short, long)");
    CHECK_STR(decl_of("noargs"), "void noargs(void)");
    CHECK_STR(decl_of("empty"), "int empty(void)");
    CHECK(tdmF_lookup(R, "printf")->type->flags & TDMF_VARIADIC);
    /* array and function parameters decay to pointers */
    CHECK_EQ_INT(cdef("int takes(int a[10], int f(int));"), TDM_OK);
    CHECK_STR(decl_of("takes"), "int takes(int *, int(*)(int))");
}

static void test_types(void)
{
    const tdmF_Type *t;
    CHECK_STR(name_of("int"), "int");
    CHECK_STR(name_of("unsigned"), "unsigned int");
    CHECK_STR(name_of("long long unsigned int"), "unsigned long long");
    CHECK_STR(name_of("signed char"), "signed char");
    CHECK_STR(name_of("const char *"), "char *");
    CHECK_STR(name_of("int *const *volatile"), "int **");
    CHECK_STR(name_of("int[?]"), "int[?]");
    CHECK_STR(name_of("int[]"), "int[?]");
    CHECK_STR(name_of("int[2][3]"), "int[2][3]");
    CHECK_STR(name_of("int(*)(int, int)"), "int(*)(int, int)");
    CHECK_STR(name_of("int(*)[4]"), "int(*)[4]");
    CHECK_STR(name_of("char *[4]"), "char *[4]");
    CHECK_STR(name_of("_Bool"), "_Bool");
    CHECK_STR(name_of("bool"), "_Bool");
    CHECK_STR(name_of("int64_t"), "int64_t");
    CHECK_STR(name_of("uint8_t *"), "uint8_t *");
    t = ty("int[?]");
    CHECK(t && t->kind == TDMF_ARRAY && t->length == -1);
    t = ty("int[2][3]");
    CHECK(t && t->size == 24 && t->base->length == 3);
    t = ty("size_t");
    CHECK(t && t->size == 8 && !(t->flags & TDMF_SIGNED));
    t = ty("ssize_t");
    CHECK(t && t->size == 8 && (t->flags & TDMF_SIGNED));
    t = ty("char");
    CHECK(t && (t->flags & TDMF_CHAR) && (t->flags & TDMF_SIGNED));
    /* interning: the same type is the same pointer, however it is spelled */
    CHECK(ty("int *") == ty("int*"));
    CHECK(ty("int(*)(int, int)") == ty("int (*)(int a, int b)"));
    CHECK(ty("unsigned") == ty("unsigned int"));
    CHECK(ty("const int *") == ty("int *"));
    CHECK(ty("int *") != ty("long *"));
    CHECK(ty("int[3]") != ty("int[4]"));
    /* the function type of a declaration is the type of its pointer's target */
    CHECK(tdmF_lookup(R, "abs")->type == ty("int(*)(int)")->base);
}

static void test_structs(void)
{
    const tdmF_Type *t;
    const tdmF_Name *n;
    size_t off = 0;
    CHECK_EQ_INT(cdef("struct node { int value; struct node *next; };\n"
                      "typedef struct node node_t;\n"
                      "typedef struct { double x, y; } vec2;\n"
                      "union u { int i; float f; char c[8]; };\n"
                      "struct outer { int a; struct { int b; int c; }; union { long d; double e; }; "
                      "struct inner { short s; } in; int tail[]; };\n"
                      "struct fwd;\n"
                      "typedef struct fwd fwd_t;\n"
                      "int use_fwd(fwd_t *);\n"), TDM_OK);
    t = tdmF_tag_lookup(R, TDMF_STRUCT, "node");
    CHECK(t && t->size == 16 && t->nfields == 2);
    CHECK(t && t->fields[1].type->base == t);
    n = tdmF_lookup(R, "node_t");
    CHECK(n && n->kind == TDMF_N_TYPEDEF && n->type == t);
    CHECK_STR(name_of("vec2"), "vec2");
    CHECK_EQ_INT(ty("vec2")->size, 16);
    CHECK_EQ_INT(ty("union u")->size, 8);
    t = ty("struct outer");
    CHECK(t != NULL);
    if (t) {
        CHECK(tdmF_field_find(t, "c", &off) != NULL);
        CHECK_EQ_INT(off, 8);
        off = 0;
        CHECK(tdmF_field_find(t, "e", &off) != NULL);
        CHECK_EQ_INT(off, 16);
        CHECK(t->flags & TDMF_FLEX);
        CHECK_EQ_INT(t->size, 32);
    }
    CHECK(!(ty("struct fwd")->flags & TDMF_COMPLETE));
    /* completing a forward declaration later keeps the same type object */
    t = ty("struct fwd");
    CHECK_EQ_INT(cdef("struct fwd { char c; };"), TDM_OK);
    CHECK(ty("struct fwd") == t && (t->flags & TDMF_COMPLETE) && t->size == 1);
    CHECK_STR(name_of("struct inner *"), "struct inner *");
}

static void test_constants(void)
{
    const tdmF_Type *t;
    CHECK_EQ_INT(cdef("enum color { RED, GREEN = 5, BLUE, ALPHA = BLUE * 2 + 1 };\n"
                      "enum neg { MINUS = -1, PLUS = 1 };\n"
                      "enum bigv { HUGE_V = 0x100000000 };\n"
                      "#define BUFSIZE 1024\n"
                      "#define MASK (1 << 4) | 0x0F\n"
                      "#define CH 'A'\n"
                      "static const int LIMIT = BUFSIZE / 2;\n"
                      "const long OTHER = -LIMIT;\n"
                      "typedef char buf_t[BUFSIZE + sizeof(int)];\n"
                      "int arr_of_enum[BLUE];\n"), TDM_OK);
    CHECK_EQ_INT(constant("RED"), 0);
    CHECK_EQ_INT(constant("GREEN"), 5);
    CHECK_EQ_INT(constant("BLUE"), 6);
    CHECK_EQ_INT(constant("ALPHA"), 13);
    CHECK_EQ_INT(constant("BUFSIZE"), 1024);
    CHECK_EQ_INT(constant("MASK"), 31);
    CHECK_EQ_INT(constant("CH"), 65);
    CHECK_EQ_INT(constant("LIMIT"), 512);
    CHECK_EQ_INT(constant("OTHER"), -512);
    t = ty("enum color");
    CHECK(t && t->size == 4 && !(t->base->flags & TDMF_SIGNED));
    t = ty("enum neg");
    CHECK(t && t->size == 4 && (t->base->flags & TDMF_SIGNED));
    CHECK_EQ_INT(ty("enum bigv")->size, 8);
    CHECK_EQ_INT(ty("buf_t")->size, 1028);
    CHECK_EQ_INT(tdmF_lookup(R, "arr_of_enum")->type->length, 6);
    CHECK_EQ_INT(cdef("#define E1 (10 % 3) + (7 >> 1) - (~0) + !0 + (2 < 3) + (1 ? 4 : 5)"), TDM_OK);
    CHECK_EQ_INT(constant("E1"), 1 + 3 + 1 + 1 + 1 + 4);
    CHECK_EQ_INT(cdef("#define CASTED ((unsigned char)300)\n#define NEGC ((signed char)200)"), TDM_OK);
    CHECK_EQ_INT(constant("CASTED"), 44);
    CHECK_EQ_INT(constant("NEGC"), -56);
}

static void test_redeclaration(void)
{
    /* identical redeclarations are fine */
    CHECK_EQ_INT(cdef("int abs(int);\nstruct node { int value; struct node *next; };\n"
                      "typedef struct { double x, y; } vec2;\nenum color { RED, GREEN = 5, BLUE, "
                      "ALPHA = BLUE * 2 + 1 };\n#define BUFSIZE 1024\n"), TDM_OK);
    /* different ones are errors naming both */
    CHECK(bad("long abs(int);") != TDM_OK);
    CHECK_CONTAINS(err.msg, "cdef: 1:6: conflicting declaration of 'abs'");
    CHECK_CONTAINS(err.msg, "long abs(int)");
    CHECK_CONTAINS(err.msg, "previously function 'int abs(int)'");
    CHECK(bad("typedef long node_t;") != TDM_OK);
    CHECK_CONTAINS(err.msg, "typedef 'long', previously typedef 'struct node'");
    CHECK(bad("struct node { long value; };") != TDM_OK);
    CHECK_CONTAINS(err.msg, "redefinition of 'struct node' differs");
    CHECK_CONTAINS(err.msg, "{ long value; }");
    CHECK_CONTAINS(err.msg, "previous { int value; struct node *next; }");
    CHECK(bad("#define BUFSIZE 2048") != TDM_OK);
    CHECK_CONTAINS(err.msg, "constant 2048, previously constant 1024");
    CHECK(bad("enum other { RED = 3 };") != TDM_OK);
    CHECK_CONTAINS(err.msg, "'RED'");
}

static void test_positions(void)
{
    CHECK(bad("int a;\nint b;\nint c(int x, foo_t y);") != TDM_OK);
    CHECK_STR(err.msg, "cdef: 3:14: unknown type name 'foo_t'");
    CHECK(bad("\n\n   struct s { int x; ") != TDM_OK);
    CHECK_CONTAINS(err.msg, "cdef: 3:");
    CHECK_CONTAINS(err.msg, "expected '}' to close 'struct s'");
    CHECK(tdmF_parse_type(R, "int[", 4, "new", &(const tdmF_Type *){0}, &err) != TDM_OK);
    CHECK_CONTAINS(err.msg, "new: 1:5:");
    /* the position recorded apart (adapters word it their own way): a syntax
       error, then a bad declaration, then lines as `# N "file"` markers say */
    CHECK(bad("int a;\n  foo_t y;") != TDM_OK);
    CHECK(err.line == 2 && err.col == 3 && err.pline == 2 && err.parse == 1);
    CHECK(err.pfile[0] == '\0');
    CHECK_STR(err.msg + err.msgoff, "unknown type name 'foo_t'");
    CHECK(bad("\n# 42 \"foo.h\"\n\nint pos_f(...);") != TDM_OK);
    CHECK(err.line == 4 && err.pline == 43 && err.parse == 0);
    CHECK_STR(err.pfile, "foo.h");
    CHECK_STR(err.msg, "cdef: 4:11: pos_f: a function with only '(...)' as argument is not "
              "correct C");
    CHECK_STR(err.msg + err.msgoff, "pos_f: a function with only '(...)' as argument is not "
              "correct C");
    CHECK(bad("# 7 \"a.h\"\n#line 20\nstruct pos_s { struct pos_undef m; };") != TDM_OK);
    CHECK(err.line == 3 && err.pline == 20 && err.parse == 0);
    CHECK_STR(err.pfile, "a.h");
    CHECK_STR(err.msg + err.msgoff, "field 'm' has incomplete type 'struct pos_undef'");
    CHECK(bad("int pos_ok;") == TDM_OK || err.line == 0);
}

/* Issue 13's declarations (cffi): new base types, standard names a cdef may
   redefine, floating constants, partial enums, void typedef parameters,
   struct b[] parameters, line markers. */
static void test_cffi_declarations(void)
{
    const tdmF_Type *t;
    const tdmF_Name *n;
    CHECK_STR(name_of("long double"), "long double");
    t = ty("long double");
    CHECK(t && t->kind == TDMF_FLOAT && t->size == 16 && t->align == 16);
    t = ty("char16_t");
    CHECK(t && t->size == 2 && !(t->flags & TDMF_SIGNED) && (t->flags & TDMF_UNICHAR));
    t = ty("char32_t");
    CHECK(t && t->size == 4 && (t->flags & TDMF_UNICHAR));
    CHECK(ty("wchar_t") && (ty("wchar_t")->flags & TDMF_UNICHAR));
    CHECK_STR(name_of("FILE *"), "FILE *");
    CHECK(ty("FILE") && tdmF_sized(ty("FILE"), "new", NULL) != TDM_OK);
    CHECK_STR(name_of("bool"), "_Bool");
    CHECK_STR(name_of("int_fast32_t"), "long");
    CHECK_STR(name_of("uintmax_t"), "unsigned long");
    CHECK(cdef("long double ld_f(long double, char16_t);") == TDM_OK);
    CHECK_STR(decl_of("ld_f"), "long double ld_f(long double, char16_t)");
    /* standard names: an identical redeclaration, then another meaning */
    CHECK(cdef("typedef unsigned int uint32_t;") == TDM_OK);
    CHECK_STR(name_of("uint32_t"), "unsigned int");
    CHECK(cdef("typedef int bool;") == TDM_OK);
    CHECK_STR(name_of("bool"), "int");
    CHECK(bad("typedef char bool;") == TDM_ERRSYNTAX);
    /* floating static const: declared, value unknown to ABI mode */
    CHECK(cdef("static const double sc_d = 1.5e3, sc_e = .5 * 2;") == TDM_OK);
    CHECK(tdmF_lookup(R, "sc_d") != NULL && tdmF_lookup(R, "sc_e") != NULL);
    CHECK(cdef("static const float sc_f = 42.5f;") == TDM_OK);
    n = tdmF_lookup(R, "sc_f");
    CHECK(n && n->kind == TDMF_N_CONST && (n->flags & TDMF_NF_NOVALUE));
    /* enum { ..., ... }: the enumerators exist, their values are unknown */
    CHECK(cdef("enum pe { PE_A, PE_B = 4, ... }; enum qe { QE_A = 7 };") == TDM_OK);
    n = tdmF_lookup(R, "PE_B");
    CHECK(n && (n->flags & TDMF_NF_NOVALUE));
    n = tdmF_lookup(R, "QE_A");
    CHECK(n && !(n->flags & TDMF_NF_NOVALUE) && n->value == 7);
    /* parameters */
    CHECK(cdef("typedef void pv_t; int pv_f(pv_t);") == TDM_OK);
    CHECK_STR(decl_of("pv_f"), "int pv_f(void)");
    CHECK(cdef("struct inc_s; void inc_f(struct inc_s x[], struct inc_s[]);") == TDM_OK);
    CHECK_STR(decl_of("inc_f"), "void inc_f(struct inc_s *, struct inc_s *)");
    CHECK(bad("struct inc_s arr_inc[];") != TDM_OK);
    /* line markers are skipped, #pragma once too */
    CHECK(cdef("# 42 \"file.h\" 1\n#line 7\n#pragma once\nint lm_x;") == TDM_OK);
    CHECK(tdmF_lookup(R, "lm_x") != NULL);
}

/* C's translation phase 2: backslash-newline joins lines anywhere, inside a
   token too; positions in messages stay the source's. */
static void test_splices(void)
{
    const tdmF_Type *t;
    CHECK(cdef("int spl\\\nice(int);\n#define SPL_K 1\\\n2\n"
               "struct spl_s { int ab\\\r\ncd; uns\\\nigned x; };") == TDM_OK);
    CHECK(tdmF_lookup(R, "splice") != NULL && tdmF_lookup(R, "spl") == NULL);
    CHECK(constant("SPL_K") == 12);
    t = ty("struct spl_s");
    CHECK(t && t->nfields == 2 && strcmp(t->fields[0].name, "abcd") == 0 &&
          !(t->fields[1].type->flags & TDMF_SIGNED));
    CHECK(ty("long \\\nlong") == ty("long long"));
    CHECK(bad("int spl_a\\\nb;\nint spl_c\\\n  @;") == TDM_ERRSYNTAX);
    CHECK(strstr(err.msg, "4:3:") != NULL);
    CHECK(bad("int spl_q\\") == TDM_ERRSYNTAX);       /* a backslash at the end stays one */
}

int main(void)
{
    R = tdmF_registry_new();
    if (R == NULL) {
        return 2;
    }
    test_functions();
    test_types();
    test_structs();
    test_constants();
    test_redeclaration();
    test_positions();
    test_cffi_declarations();
    test_splices();
    tdmF_registry_free(R);
    return check_summary();
}
