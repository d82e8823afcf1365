/*
 * test_ir.c — the translation IR (bridge/ir.c): reading, validation with
 * clear errors, and the live locals / loops / handlers at yield points.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ir.h"

static char err[512];

static tdmX_Module *load(const char *text)
{
    tdmX_Module *m = NULL;
    err[0] = '\0';
    if (tdmX_load(text, strlen(text), &m, err, sizeof err) != TDM_OK) {
        return NULL;
    }
    return m;
}

/* The error text for an IR that must be rejected ("" if it was accepted). */
static const char *reject(const char *text)
{
    tdmX_Module *m = load(text);
    if (m != NULL) {
        tdmX_free(m);
        return "";
    }
    return err;
}

#define HDR(body) "(module \"f.py\" (func f 1 (params a) (defaults) (vars a x y i) (cells) (free) " \
                  "(globals g) (flags) (block " body ")))"
#define GEN(body) "(module \"g.py\" (func g 1 (params n) (defaults) (vars n i x t acc) (cells) (free) " \
                  "(globals) (flags gen) (block " body ")))"

static void test_build(void)
{
    tdmX_Module *m = load(HDR("(assign 2 (local x) (binop add (local a) (int 1)))"
                              "(return 3 (tuple (local x) (str \"a\\n\\\"b\\x41\") "
                              "(float -2.5e3) (global g)))"));
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_STR(m->source, "f.py");
    CHECK_EQ_INT(m->nfuncs, 1);
    const tdmX_Func *f = tdmX_find(m, "f");
    CHECK(f != NULL);
    CHECK_EQ_INT(f->line, 1);
    CHECK_EQ_INT(tdmX_len(f->vars), 5);
    CHECK_EQ_INT(f->is_gen, 0);
    const tdmX_Node *ret = tdmX_at(f->body, 2);
    CHECK(tdmX_is(ret, "return"));
    const tdmX_Node *tup = tdmX_at(ret, 2);
    const tdmX_Node *s = tdmX_at(tdmX_at(tup, 2), 1);
    CHECK_EQ_INT(s->kind, TDMX_STR);
    CHECK_EQ_INT(s->u.s.n, 5);
    CHECK(memcmp(s->u.s.p, "a\n\"bA", 5) == 0);
    CHECK(tdmX_at(tdmX_at(tup, 3), 1)->u.d == -2500.0);
    CHECK(tdmX_find(m, "nope") == NULL);
    tdmX_free(m);

    /* comments and a module of two functions */
    m = load("; two functions\n(module \"m.py\"\n"
             " (func a 1 (params) (defaults) (vars) (cells) (free) (globals b) (flags) "
             "(block (return 2 (call (global b)))))\n"
             " (func b 4 (params) (defaults) (vars) (cells) (free) (globals) (flags) "
             "(block (return 5 (int 9223372036854775807)))))");
    CHECK(m != NULL);
    if (m != NULL) {
        CHECK_EQ_INT(m->nfuncs, 2);
        CHECK_EQ_INT(tdmX_at(tdmX_at(tdmX_at(tdmX_find(m, "b")->body, 1), 2), 1)->u.i,
                     9223372036854775807LL);
        tdmX_free(m);
    }
}

static void test_reject(void)
{
    CHECK_CONTAINS(reject(""), "unexpected end");
    CHECK_CONTAINS(reject("(module \"f.py\""), "never closed");
    CHECK_CONTAINS(reject(")"), "unexpected ')'");
    CHECK_CONTAINS(reject("(module \"f.py)"), "unterminated string");
    CHECK_CONTAINS(reject("(module \"a\\qb\")"), "bad escape");
    CHECK_CONTAINS(reject("(module f.py)"), "(module \"SOURCE\"");
    CHECK_CONTAINS(reject("(module \"f.py\")"), "no function");
    CHECK_CONTAINS(reject("(module \"f.py\") x"), "text after the module");
    CHECK_CONTAINS(reject("(module \"f.py\" (func f 1))"), "(func NAME LINE");
    CHECK_CONTAINS(reject("(module \"f.py\" (func f 1 (params a) (defaults (local a)) (vars a) "
                          "(cells) (free) (globals) (flags) (block)))"), "must be a constant");
    CHECK_CONTAINS(reject("(module \"f.py\" (func f 1 (params) (defaults (int 1)) (vars) "
                          "(cells) (free) (globals) (flags) (block)))"), "more defaults");
    CHECK_CONTAINS(reject(HDR("(assign 2 (local x) (int 99999999999999999999))")),
                   "bad integer");
    CHECK_CONTAINS(reject(HDR("(bogus 2)")), "unknown statement 'bogus'");
    CHECK_CONTAINS(reject(HDR("(expr 2 (bogus))")), "unknown expression 'bogus'");
    CHECK_CONTAINS(reject(HDR("(expr 0 (int 1))")), "source line");
    CHECK_CONTAINS(reject(HDR("(expr 2 (binop plus (int 1) (int 2)))")), "unknown operator");
    CHECK_CONTAINS(reject(HDR("(expr 2 (binop add (int 1)))")), "missing argument");
    CHECK_CONTAINS(reject(HDR("(expr 2 (int 1 2))")), "too many arguments");
    CHECK_CONTAINS(reject(HDR("(expr 2 (local zz))")), "local 'zz' is not declared");
    CHECK_CONTAINS(reject(HDR("(expr 2 (global zz))")), "global 'zz' is not declared");
    CHECK_CONTAINS(reject(HDR("(expr 2 (free zz))")), "free 'zz' is not declared");
    CHECK_CONTAINS(reject(HDR("(break 7)")), "f.py:7: 'break' outside a loop");
    CHECK_CONTAINS(reject(HDR("(while 2 (true) (block) (block (continue 3)))")),
                   "outside any loop");
    CHECK_CONTAINS(reject(HDR("(assign 2 (int 1) (int 2))")), "not an assignment target");
    CHECK_CONTAINS(reject(HDR("(expr 2 (compare (int 1) lt))")), "compare takes");
    CHECK_CONTAINS(reject(HDR("(expr 2 (dict (int 1)))")), "key/value pairs");
    CHECK_CONTAINS(reject(HDR("(expr 2 (yield 2 4 _))")), "without (flags gen)");
    CHECK_CONTAINS(reject(HDR("(try 2 (block) (handlers (except _)) (block) (block))")),
                   "(except CLASS-or-_");
    CHECK_CONTAINS(reject("(module \"f.py\" (func f 1 (params q) (defaults) (vars) (cells) (free) "
                          "(globals) (flags) (block)))"), "parameter missing");
    CHECK_CONTAINS(reject("(module \"f.py\" (func f 1 (params) (defaults) (vars a a) (cells) (free) "
                          "(globals) (flags) (block)))"), "listed twice");
    CHECK_CONTAINS(reject("(module \"f.py\" (func f 1 (params) (defaults) (vars) (cells) (free) "
                          "(globals) (flags) (block))(func f 2 (params) (defaults) (vars) (cells) "
                          "(free) (globals) (flags) (block)))"), "defined twice");
    CHECK_CONTAINS(reject(GEN("(expr 2 (yield 2 4 _)) (expr 2 (yield 2 4 _))")),
                   "same id 2:4");
    CHECK_CONTAINS(reject(HDR("(expr 2 (yieldfrom 2 4 (local a)))")), "without (flags gen)");
    CHECK_CONTAINS(reject(GEN("(expr 2 (yieldfrom 2 4 _))")), "expression expected");
    CHECK_CONTAINS(reject(GEN("(expr 2 (yieldfrom 2 4))")), "missing argument");
    CHECK_CONTAINS(reject(GEN("(expr 2 (yield 2 4 _)) (expr 2 (yieldfrom 2 4 (local n)))")),
                   "same id 2:4");
    /* nested functions: free names must be locals of an enclosing function */
    CHECK_STR(reject(HDR("(def 2 (local x) (func inner 2 (params) (defaults) (vars) (cells) "
                         "(free a) (globals) (flags) (block (return 3 (free a)))))")), "");
    CHECK_CONTAINS(reject(HDR("(def 2 (local x) (func inner 2 (params) (defaults) (vars) "
                              "(cells) (free zz) (globals) (flags) (block)))")),
                   "free name 'zz' of inner is not a local of an enclosing function");
    CHECK_CONTAINS(reject(HDR("(expr 2 (lambda (func lam 2 (params) (defaults) (vars) (cells) "
                              "(free) (globals) (flags) (block (return 2 (local a))))))")),
                   "local 'a' is not declared");
    /* the error names the source position of the statement being checked */
    CHECK_CONTAINS(reject(HDR("(expr 12 (call (int 1) (bogus)))")), "(source f.py:12)");

    /* deep nesting is refused, not a stack overflow */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 1);
    memset(deep, '(', depth);
    memset(deep + depth, ')', depth);
    deep[depth * 2] = '\0';
    CHECK_CONTAINS(reject(deep), "nesting deeper");
    free(deep);
    /* NUL bytes are refused */
    tdmX_Module *m = NULL;
    CHECK(tdmX_load("(module \"a\0\")", 13, &m, err, sizeof err) != TDM_OK);
    CHECK_CONTAINS(err, "NUL byte");
}

/* The call protocol: (sig ...), (star e), (dstar e), (kw NAME e), (pycell NAME),
   expression defaults of nested functions. */
static void test_calls(void)
{
    tdmX_Module *m = load("(module \"c.py\" (func f 1 (params a b) (defaults (int 2)) "
                          "(vars a b r k kw) (cells) (free cnt) (globals g) (flags) "
                          "(block (expr 2 (call (global g) (local a) (star (local r)) "
                          "(kw x (int 1)) (dstar (local kw)))) "
                          "(assign 3 (pycell cnt) (pycell cnt)) "
                          "(def 4 (local b) (func f.inner 4 (params x) (defaults (local a)) "
                          "(vars x) (cells) (free) (globals) (flags) (block) "
                          "(sig \"f.<locals>.inner\" \"m\" 0 _ _ (kwonly) (kwdefaults)))) "
                          "(expr 5 (lambda (func lam 5 (params) (defaults) (vars) (cells) (free) "
                          "(globals) (flags) (block (return 5 (pycell cnt)))))))"
                          " (sig \"f\" \"m\" 1 r kw (kwonly k) (kwdefaults (none)))))");
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    const tdmX_Func *f = tdmX_find(m, "f");
    CHECK(f->sig != NULL && tdmX_is(f->sig, "sig"));
    CHECK_EQ_INT(tdmX_at(f->sig, 3)->u.i, 1);
    tdmX_free(m);
#define SIGF(sig) "(module \"c.py\" (func f 1 (params a) (defaults) (vars a r k) (cells) " \
                  "(free) (globals) (flags) (block) " sig "))"
    CHECK_STR(reject(SIGF("(sig \"f\" \"\" 0 _ _ (kwonly) (kwdefaults))")), "");
    CHECK_CONTAINS(reject(SIGF("(sig \"f\" \"\" 0 _ _ (kwonly k))")), "(sig \"QUALNAME\"");
    CHECK_CONTAINS(reject(SIGF("(sig \"f\" \"\" 2 _ _ (kwonly) (kwdefaults))")),
                   "positional-only count");
    CHECK_CONTAINS(reject(SIGF("(sig \"f\" \"\" 0 zz _ (kwonly) (kwdefaults))")),
                   "must be in (vars ...)");
    CHECK_CONTAINS(reject(SIGF("(sig \"f\" \"\" 0 a _ (kwonly) (kwdefaults))")),
                   "not in (params ...)");
    CHECK_CONTAINS(reject(SIGF("(sig \"f\" \"\" 0 r r (kwonly) (kwdefaults))")),
                   "named twice");
    CHECK_CONTAINS(reject(SIGF("(sig \"f\" \"\" 0 _ _ (kwonly k) (kwdefaults (local a)))")),
                   "must be a constant");
    CHECK_STR(reject(SIGF("(sig \"f\" \"\" 0 r _ (kwonly k) (kwdefaults _))")), "");
    CHECK_STR(reject(SIGF("(sig \"f\" \"\" 0 r _ (kwonly k) (kwdefaults (pykwdefault k)))")),
              "");
    CHECK_STR(reject("(module \"c.py\" (func f 1 (params a) (defaults (pydefault 0)) (vars a) "
                     "(cells) (free) (globals) (flags) (block)))"), "");
    /* a nested function's defaults are expressions of the enclosing scope */
    CHECK_CONTAINS(reject(HDR("(def 2 (local x) (func inner 2 (params p) (defaults (local zz)) "
                              "(vars p) (cells) (free) (globals) (flags) (block)))")),
                   "local 'zz' is not declared");
    CHECK_CONTAINS(reject(HDR("(expr 2 (pycell zz))")), "free 'zz' is not declared");
    CHECK_CONTAINS(reject(HDR("(expr 2 (call (global g) (star)))")), "missing argument");
}

static int has_live(const tdmX_Yield *y, const char *name)
{
    for (int i = 0; i < y->nlive; i++) {
        if (strcmp(y->live[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_yields(void)
{
    /* def g(n):
           acc = 0
           for i in range(n):          # line 3
               x = yield i             # line 4, col 12
               acc = acc + x
           t = 5
           yield acc                   # line 7, col 4
           return t                    */
    tdmX_Module *m = load(GEN(
        "(assign 2 (local acc) (int 0))"
        "(forrange 3 (local i) (int 0) (local n) (int 1) (block"
        "  (assign 4 (local x) (yield 4 12 (local i)))"
        "  (assign 5 (local acc) (binop add (local acc) (local x)))) (block))"
        "(assign 6 (local t) (int 5))"
        "(expr 7 (yield 7 4 (local acc)))"
        "(return 8 (local t))"));
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    const tdmX_Func *f = &m->funcs[0];
    CHECK_EQ_INT(f->is_gen, 1);
    CHECK_EQ_INT(f->nyields, 2);
    const tdmX_Yield *y = &f->yields[0];
    CHECK_EQ_INT(y->line, 4);
    CHECK_EQ_INT(y->col, 12);
    /* after resuming at 4:12: acc is read, the loop goes on (n is not read again:
       range's bounds are evaluated once), i is rewritten before being read */
    CHECK(has_live(y, "acc"));
    CHECK(!has_live(y, "x"));
    CHECK(!has_live(y, "i"));
    CHECK(!has_live(y, "n"));
    CHECK(!has_live(y, "t"));
    CHECK_EQ_INT(y->nloops, 1);
    CHECK(tdmX_is(y->loops[0], "forrange"));
    CHECK_EQ_INT(y->nhandlers, 0);
    y = &f->yields[1];
    CHECK_EQ_INT(y->line, 7);
    CHECK(has_live(y, "t"));
    CHECK(!has_live(y, "acc"));
    CHECK_EQ_INT(y->nlive, 1);
    CHECK_EQ_INT(y->nloops, 0);
    tdmX_free(m);

    /* while loop: a variable read at the loop head stays live inside;
       try/finally: what the finally block reads is live in the body */
    m = load(GEN(
        "(assign 2 (local i) (int 0))"
        "(try 3 (block"
        "   (while 4 (compare (local i) lt (local n)) (block"
        "      (expr 5 (yield 5 8 (local i)))"
        "      (assign 6 (local i) (binop add (local i) (int 1)))) (block)))"
        " (handlers (except (builtin KeyError) x (block (return 8 (local x)))))"
        " (block) (block (assign 10 (local acc) (local t))))"));
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    y = &m->funcs[0].yields[0];
    CHECK(has_live(y, "i"));
    CHECK(has_live(y, "n"));
    CHECK(has_live(y, "t"));        /* read by the finally block */
    CHECK(!has_live(y, "x"));       /* bound by the handler before being read */
    CHECK(!has_live(y, "acc"));
    CHECK_EQ_INT(y->nloops, 1);
    CHECK(tdmX_is(y->loops[0], "while"));
    CHECK_EQ_INT(y->nhandlers, 1);
    CHECK(tdmX_is(y->handlers[0], "try"));
    tdmX_free(m);

    /* a value computed before the yield in the same expression is a spill,
       not a live local: `x = n + (yield)`; n is read first */
    m = load(GEN("(assign 2 (local x) (binop add (local n) (yield 2 12 _)))"
                 "(return 3 (local x))"));
    CHECK(m != NULL);
    if (m != NULL) {
        CHECK_EQ_INT(m->funcs[0].yields[0].nlive, 0);
        tdmX_free(m);
    }

    /* yield from is a yield point too: def g(n):
           t = 1
           for i in range(n):          # line 3
               try:                    # line 4
                   x = yield from i    # line 5, col 20
               finally:
                   acc = t             # line 7
           return x                    # line 8
       the delegated iterable is evaluated before suspending (not live) */
    m = load(GEN("(assign 2 (local t) (int 1))"
                 "(forrange 3 (local i) (int 0) (local n) (int 1) (block"
                 "  (try 4 (block (assign 5 (local x) (yieldfrom 5 20 (local i))))"
                 "   (handlers) (block) (block (assign 7 (local acc) (local t)))))"
                 " (block))"
                 "(return 8 (lcheck x))"));
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    f = &m->funcs[0];
    CHECK_EQ_INT(f->nyields, 1);
    y = &f->yields[0];
    CHECK_EQ_INT(y->line, 5);
    CHECK_EQ_INT(y->col, 20);
    CHECK(tdmX_is(y->node, "yieldfrom"));
    CHECK(has_live(y, "t"));        /* read by the finally block and later iterations */
    CHECK(!has_live(y, "i"));       /* evaluated before the yield, rewritten after */
    CHECK(!has_live(y, "x"));       /* written when the delegation ends */
    CHECK(!has_live(y, "acc"));
    CHECK_EQ_INT(y->nloops, 1);
    CHECK(tdmX_is(y->loops[0], "forrange"));
    CHECK_EQ_INT(y->nhandlers, 1);
    CHECK(tdmX_is(y->handlers[0], "try"));
    tdmX_free(m);

    /* a nested generator keeps its yield points, on the module function's list
       (inner ones first): def f(a): def g(n): (def h(): yield n) yield from h() */
    m = load(HDR("(def 2 (local x) (func f.<locals>.g 2 (params) (defaults) (vars i t) "
                 "(cells) (free a) (globals) (flags gen) (block"
                 "  (def 3 (local t) (func f.<locals>.g.<locals>.h 3 (params) (defaults) "
                 "(vars) (cells) (free a) (globals) (flags gen) (block "
                 "(expr 4 (yield 4 8 (free a))))))"
                 "  (assign 5 (local i) (yieldfrom 5 12 (call (local t))))"
                 "  (return 6 (local i)))))"
                 "(return 7 (local x))"));
    CHECK(m != NULL);
    if (m == NULL) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    f = &m->funcs[0];
    CHECK_EQ_INT(f->is_gen, 0);
    CHECK_EQ_INT(f->nyields, 0);
    CHECK_EQ_INT(f->nnested, 2);
    if (f->nnested == 2) {
        CHECK_STR(f->nested[0].name, "f.<locals>.g.<locals>.h");
        CHECK_EQ_INT(f->nested[0].nyields, 1);
        CHECK_EQ_INT(f->nested[0].yields[0].line, 4);
        CHECK_EQ_INT(f->nested[0].yields[0].nlive, 0);
        CHECK_STR(f->nested[1].name, "f.<locals>.g");
        CHECK_EQ_INT(f->nested[1].is_gen, 1);
        CHECK_EQ_INT(f->nested[1].nyields, 1);
        y = &f->nested[1].yields[0];
        CHECK_EQ_INT(y->line, 5);
        CHECK_EQ_INT(y->col, 12);
        CHECK_EQ_INT(y->nlive, 0);      /* i is written before it is read */
    }
    tdmX_free(m);
}

/* issue 9's expression forms: (star T) in a tuple target, (slice o lo hi step) as
   an assignment and del target, the in-place operators for sets, `global` targets */
static void test_expr_forms(void)
{
    const char *ok = reject(HDR("(assign 2 (tuple (local x) (star (local y)) (local i)) "
                                "(local a))"
                                "(for 3 (tuple (star (local x)) (local y)) (local a) "
                                "(block (pass 4)) (block))"
                                "(assign 5 (slice (local a) (int 1) _ _) (list (int 1)))"
                                "(del 6 (slice (local a) _ _ (int 2)))"
                                "(del 7 (tuple (index (local a) (int 0)) (local x)))"
                                "(aug 8 (index (local a) (int 0)) isub (int 1))"
                                "(assign 9 (local x) (binop ibitor (local x) (local y)))"
                                "(assign 10 (global g) (local x))"
                                "(del 11 (global g))"));
    CHECK_STR(ok, "");
    if (ok[0]) {
        fprintf(stderr, "%s\n", ok);
    }
    CHECK_CONTAINS(reject(HDR("(assign 2 (tuple (star (local x)) (star (local y))) "
                              "(local a))")), "one (star TARGET) at most");
    CHECK_CONTAINS(reject(HDR("(assign 2 (star (local x)) (local a))")),
                   "not an assignment target");
    CHECK_CONTAINS(reject(HDR("(assign 2 (slice (local a) (int 1)) (local a))")),
                   "slice target takes");
    CHECK_CONTAINS(reject(HDR("(assign 2 (slice (local a) (local zz) _ _) (local a))")),
                   "'zz' is not declared");
    CHECK_CONTAINS(reject(HDR("(assign 2 (global h) (local a))")), "'h' is not declared");
    CHECK_CONTAINS(reject(HDR("(assign 2 (local x) (binop imatmul (local a) (int 1)))")),
                   "unknown operator");

    /* live locals: a starred target writes its name; a slice target reads its parts */
    tdmX_Module *m = load(GEN("(assign 2 (tuple (local x) (star (local t))) (yield 2 8 _))"
                              "(assign 3 (slice (local acc) (local i) _ _) (local x))"
                              "(return 4 (local t))"));
    CHECK(m != NULL);
    if (m != NULL) {
        const tdmX_Yield *y = &m->funcs[0].yields[0];
        CHECK(has_live(y, "acc"));
        CHECK(has_live(y, "i"));
        CHECK(!has_live(y, "x"));
        CHECK(!has_live(y, "t"));
        tdmX_free(m);
    } else {
        fprintf(stderr, "%s\n", err);
    }
}

/* (attr o NAME): an expression, and a target of assign, aug and del whose
   object is read (live at a yield before it) */
static void test_attr(void)
{
    const char *ok = reject(HDR("(expr 2 (attr (local a) real))"
                                "(assign 3 (attr (local a) x) (attr (global g) y))"
                                "(aug 4 (attr (local a) x) iadd (int 1))"
                                "(del 5 (attr (local a) x))"
                                "(assign 6 (local x) (attr (attr (local a) b) c))"
                                /* the bare words inf and nan are names here */
                                "(expr 7 (attr (global g) inf))"
                                "(expr 8 (method (local a) nan (float nan)))"
                                "(assign 9 (attr (local a) inf) (float inf))"));
    CHECK_STR(ok, "");
    if (ok[0]) {
        fprintf(stderr, "%s\n", ok);
    }
    CHECK_CONTAINS(reject(HDR("(expr 2 (attr (local a)))")), "missing argument");
    CHECK_CONTAINS(reject(HDR("(expr 2 (attr (local zz) x))")), "'zz' is not declared");
    CHECK_CONTAINS(reject(HDR("(assign 2 (attr (local a)) (int 1))")),
                   "attribute target takes");
    CHECK_CONTAINS(reject(HDR("(assign 2 (attr (local a) (int 1)) (int 1))")),
                   "attribute target takes");
    CHECK_CONTAINS(reject(HDR("(del 2 (attr (local zz) x))")), "'zz' is not declared");
    CHECK_CONTAINS(reject(HDR("(expr 2 (attr (local a) -inf))")), "name expected");
    CHECK_CONTAINS(reject(HDR("(expr 2 (attr (local a) 1.5))")), "name expected");
    tdmX_Module *mi = load(HDR("(expr 2 (attr (local a) inf))"));
    CHECK(mi != NULL);
    if (mi != NULL) {
        const tdmX_Node *e = mi->funcs[0].body->u.l.v[1]->u.l.v[2];
        CHECK(e->u.l.v[2]->kind == TDMX_SYM);
        CHECK_STR(e->u.l.v[2]->u.s.p, "inf");
        tdmX_free(mi);
    }

    /* variables named inf and nan (a Python `inf = float("inf")`): names
       everywhere but as a (float X) value, which is the float */
    tdmX_Module *mf = load("(module \"f.py\" (func f 1 (params inf) (defaults) (vars inf nan) "
                           "(cells) (free) (globals nan) (flags) (block "
                           "(assign 2 (local nan) (float nan)) "
                           "(assign 3 (global nan) (binop add (local inf) (float inf))))))");
    CHECK(mf != NULL);
    if (mf != NULL) {
        const tdmX_Node *a = mf->funcs[0].body->u.l.v[1];
        CHECK(a->u.l.v[2]->u.l.v[1]->kind == TDMX_SYM);
        CHECK(a->u.l.v[3]->u.l.v[1]->kind == TDMX_FLOAT && isnan(a->u.l.v[3]->u.l.v[1]->u.d));
        const tdmX_Node *b = mf->funcs[0].body->u.l.v[2]->u.l.v[3];
        CHECK(b->u.l.v[3]->u.l.v[1]->kind == TDMX_FLOAT && isinf(b->u.l.v[3]->u.l.v[1]->u.d));
        tdmX_free(mf);
    }

    tdmX_Module *m = load(GEN("(assign 2 (local x) (yield 2 8 _))"
                              "(assign 3 (attr (local acc) v) (local x))"
                              "(aug 4 (attr (local t) w) iadd (int 1))"));
    CHECK(m != NULL);
    if (m != NULL) {
        const tdmX_Yield *y = &m->funcs[0].yields[0];
        CHECK(has_live(y, "acc"));
        CHECK(has_live(y, "t"));
        CHECK(!has_live(y, "x"));
        tdmX_free(m);
    } else {
        fprintf(stderr, "%s\n", err);
    }
}

int main(void)
{
    test_build();
    test_reject();
    test_yields();
    test_expr_forms();
    test_calls();
    test_attr();
    return check_summary();
}
