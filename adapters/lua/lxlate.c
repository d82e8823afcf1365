/*
 * lxlate.c — the Lua back end of the translator: IR (bridge/ir.h) -> Lua 5.4
 * source running on the Python-semantics library pyrt.lua (docs/translation.md).
 *
 * Each IR function becomes one chunk loaded under the chunk name "@FILE" of
 * its Python source, and every Python statement is emitted on the Lua line of
 * the same number when the output allows it, so Lua's own error positions and
 * tracebacks name the Python file and line; each line also ends with a
 * "-- FILE:LINE" comment. Code generation is plain C (no Lua calls, no
 * longjmp); only tdmL_load_ir touches the Lua state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "ladapter.h"
#include "frame.h"
#include "ir.h"
#include "pyrt_lua.h"

/* ---- output buffer ---------------------------------------------------------- */

typedef struct Buf {
    char *p;            /* owns: malloc'd, NUL-terminated */
    size_t n, cap;
} Buf;

/* Chunk-level caches of global callees a chunk keeps at most (3 Lua locals
   each: the chunk's main function may have 200, the prelude takes ~100). */
#define GC_MAX 24
#define BND_MAX 8

typedef struct Gen {
    Buf *o;             /* current output (the chunk, or a side buffer) */
    Buf chunk;
    int line;           /* line of the chunk's output being written */
    int has;            /* the current line holds code */
    int cmt;            /* Python line to note at the end of the current line */
    const char *file;
    const tdmX_Module *m;
    const tdmX_Func *fn;
    int tmp, lbl;
    int indent;
    int ntry;           /* try closures around the current point (in the function) */
    int looptry;        /* try closures between the current point and its loop */
    int inloop;
    int cont;           /* continue label of the innermost loop */
    int brkflag;        /* temp set on break when the loop has an else block, or 0 */
    int exc;            /* temp holding the exception of the innermost handler, or 0 */
    int finok, fincode; /* in a finally block: the temps of its try's outcome (not
                           finok: fincode is the exception pending), or 0 */
    int finret, finloop; /* the temp of the handled-exception chain (rt.hs) as it
                            was before the outermost finally block being generated
                            (of the function; of the innermost loop), or 0: a
                            return (a break, continue) out of it puts it back */
    int ingen;          /* the function being generated is a generator (its body runs
                           in a coroutine: no depth accounting, return ends it) */
    int oom;
    char err[256];
    unsigned char *intl;    /* owns: per var of fn, the local only ever holds ints */
    unsigned char *intlT;   /* owns: the same when the parameters were ints on entry
                               (the Lua local T says so), or NULL */
    unsigned char *listl, *listlT;  /* owns: the list locals, the same two ways */
    unsigned char *dictl;   /* owns: the dict locals (every assignment a new dict) */
    unsigned char *fltl;    /* owns: the float locals (every assignment a float) */
    unsigned char *fltlTF;  /* owns: the float locals when the parameters T checks
                               were floats on entry (the Lua local TF), or NULL */
    struct TfLine {         /* the function's T, TF line (emit_tcheck) */
        size_t pos, len;    /* where it was written, in buf */
        Buf *buf;           /* the buffer it is in, or NULL: no T, TF line */
        char *args;         /* owns: its arguments ("v_a, v_b") */
        int used;           /* a statement had a TF version */
    } tf;
    int inver;              /* generating the two versions of an expression */
    struct {                /* owns: the last inline list slot read, its parts */
        char *text, *cond, *val, *o, *k;
    } slot;
    int tmp0;               /* tmp when the current statement began */
    Buf statics;        /* chunk-level statements put on line 1 (signatures) */
    int nsig;           /* signatures in statics */
    const int *deftmp;  /* temporaries holding a nested function's defaults, or NULL */
    const char *callee; /* Lua expression of the callee of the call being compiled */
    int starlist;       /* its positional arguments are more than one `*e` (a list
                           CPython builds: "Value after * must be an iterable") */
    int topsig;         /* SIG index of the module-level function being generated */
    int split;          /* the function being generated has a fixed-arity body:
                           its `...` wrapper counts the arguments and calls BODY */
    int leaf;           /* generating the leaf version (gen_leaf): T is true,
                           no depth bookkeeping */
    int flat;           /* no newlines (a version emitted on one line) */
    int *lmap;          /* owns: pairs (output line, Python line) of the lines
                           whose statements are of an earlier Python line
                           (a decorator applied after the def's body) */
    int nlmap, caplmap; /* pairs in lmap, room */
    struct Span {       /* owns: the output lines of each nested function */
        int first, last;
        const char *name;   /* borrowed from the IR tree: its qualified name */
    } *spans;
    int nspans, capspans;
    struct {            /* call-site caches of global callees (direct_call): */
        const char *name;   /* the global (a name in the IR) */
        int k;              /* the number of positional arguments */
        const char *attr;   /* module_call: the attribute called (NULL: a call) */
    } gc[GC_MAX];
    int ngc;            /* chunk locals CV<i>, CE<i>, CB<i> declared in statics */
    struct {            /* bounds of parameters never rebound, known where an
                           `if p < K: return ...` lets the rest of a block run
                           (bound_after): lo <= p <= hi when p is an int */
        const tdmX_Func *fn;
        const char *name;
        long long lo, hi;
    } bnd[BND_MAX];
    int nbnd;
} Gen;

static void bput(Gen *g, const char *s, size_t n)
{
    Buf *b = g->o;
    if (g->oom || n == 0) {
        return;
    }
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n + 1) {
            cap *= 2;
        }
        char *np = realloc(b->p, cap);
        if (np == NULL) {
            g->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void emit(Gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(Gen *g, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        g->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        bput(g, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        g->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    bput(g, big, (size_t)n);
    free(big);
}

static void eput(Gen *g, const char *s)
{
    bput(g, s, strlen(s));
}

/* Output line `out` holds statements of the earlier Python line `py`:
   rt.linemap (pyrt/core.lua) gives errors raised there py's position. */
static void lmap_add(Gen *g, int out, int py)
{
    if (g->nlmap == g->caplmap) {
        int cap = g->caplmap ? 2 * g->caplmap : 8;
        int *p = realloc(g->lmap, 2 * (size_t)cap * sizeof *p);
        if (p == NULL) {
            g->oom = 1;
            return;
        }
        g->lmap = p;
        g->caplmap = cap;
    }
    g->lmap[2 * g->nlmap] = out;
    g->lmap[2 * g->nlmap + 1] = py;
    g->nlmap++;
}

/* The nested function name (its qualified name) ran on output lines
   first..last: rt.funcspans (pyrt/core.lua) names it in tracebacks. */
static void span_add(Gen *g, int first, int last, const char *name)
{
    if (g->flat || last < first) {
        return;
    }
    if (g->nspans == g->capspans) {
        int cap = g->capspans ? 2 * g->capspans : 8;
        struct Span *p = realloc(g->spans, (size_t)cap * sizeof *p);
        if (p == NULL) {
            g->oom = 1;
            return;
        }
        g->spans = p;
        g->capspans = cap;
    }
    g->spans[g->nspans++] = (struct Span){ first, last, name };
}

static void newline(Gen *g)
{
    if (g->flat) {
        eput(g, " ");
        return;
    }
    if (g->cmt > 0) {
        emit(g, "  -- %s:%d", g->file, g->cmt);
        if (g->cmt != g->line) {
            lmap_add(g, g->line, g->cmt);
        }
        g->cmt = 0;
    }
    eput(g, "\n");
    g->line++;
    g->has = 0;
}

/* Start a statement of Python line L: on output line L when we are not past it. */
static void at_line(Gen *g, int L)
{
    if (g->flat) {
        eput(g, " ");
        return;
    }
    if (g->line < L) {
        while (g->line < L) {
            newline(g);
        }
    } else if (g->has && (g->line > L || (g->cmt > 0 && g->cmt != L))) {
        newline(g);     /* (a line holds the statements of one Python line) */
    }
    if (!g->has) {
        for (int i = 0; i < g->indent; i++) {
            eput(g, "  ");
        }
    } else {
        eput(g, " ");
    }
    g->has = 1;
    if (g->cmt == 0) {
        g->cmt = L;
    }
}

static int gen_fail(Gen *g, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int gen_fail(Gen *g, int line, const char *fmt, ...)
{
    if (g->err[0] == '\0') {
        char msg[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(g->err, sizeof g->err, "%s:%d: %s", g->file, line, msg);
    }
    return -1;
}

/* ---- expressions ------------------------------------------------------------- */

/* An expression compiles to a Lua expression (a malloc'd string) plus
   statements that must run before it, written to g->o ("pre"). */
typedef struct Ex {
    char *s;            /* owns */
    int isbool;         /* known to be a Lua boolean */
    int simple;         /* a constant or a local: evaluating it later gives the same */
} Ex;

static char *dupf(Gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *dupf(Gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s == NULL) {
        g->oom = 1;
        return NULL;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static Ex ex_make(char *s, int isbool, int simple)
{
    Ex e = { s, isbool, simple };
    return e;
}

static int expr(Gen *g, const tdmX_Node *n, Ex *out);
static int assign_to(Gen *g, const tdmX_Node *t, const char *val);
static int gen_nested(Gen *g, const tdmX_Node *fnode, int *t);

static const char *sym(const tdmX_Node *n, int i)
{
    const tdmX_Node *k = tdmX_at(n, i);
    return k != NULL && k->kind == TDMX_SYM ? k->u.s.p : "";
}

static int absent(const tdmX_Node *n)
{
    return n != NULL && n->kind == TDMX_SYM && strcmp(n->u.s.p, "_") == 0;
}

static char *lua_string(Gen *g, const char *s, size_t n)
{
    Buf b = { NULL, 0, 0 };
    Buf *save = g->o;
    g->o = &b;
    eput(g, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            emit(g, "\\%c", c);
        } else if (c == '\n') {
            eput(g, "\\n");
        } else if (c < 32 || c == 127) {
            emit(g, "\\%03d", c);
        } else {
            bput(g, (const char *)&c, 1);
        }
    }
    eput(g, "\"");
    g->o = save;
    return b.p;
}

static char *float_text(Gen *g, double d)
{
    if (d != d) {
        return dupf(g, "(0.0/0.0)");
    }
    if (d > 1.7976931348623157e308) {
        return dupf(g, "(1.0/0.0)");
    }
    if (d < -1.7976931348623157e308) {
        return dupf(g, "(-1.0/0.0)");
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    if (strpbrk(buf, ".en") == NULL) {
        strcat(buf, ".0");
    }
    return dupf(g, "(%s)", buf);
}

/* Compile sub-expressions kids[0..n) left to right into out[]. When a later
   one needs statements first, the earlier results are kept in temporaries
   so the evaluation order stays Python's. */
static int exprs(Gen *g, const tdmX_Node *const *kids, int n, Ex *out)
{
    for (int i = 0; i < n; i++) {
        Buf side = { NULL, 0, 0 };
        Buf *save = g->o;
        g->o = &side;
        int rc = expr(g, kids[i], &out[i]);
        g->o = save;
        if (rc != 0) {
            free(side.p);
            for (int j = 0; j < i; j++) {
                free(out[j].s);
            }
            return -1;
        }
        if (side.n > 0) {
            /* what kids[i] runs first happens before the earlier operands are
               used: keep their values (a variable read too: kids[i] may be an
               assignment expression writing that variable) */
            for (int j = 0; j < i; j++) {
                if (!out[j].simple || tdmX_is(kids[j], "local") || tdmX_is(kids[j], "lcheck")
                    || tdmX_is(kids[j], "free")) {
                    int t = ++g->tmp;
                    emit(g, "local t%d = %s; ", t, out[j].s);
                    free(out[j].s);
                    out[j].s = dupf(g, "t%d", t);
                    out[j].simple = 1;
                }
            }
            bput(g, side.p, side.n);
        }
        free(side.p);
    }
    return 0;
}

static void free_exs(Ex *e, int n)
{
    for (int i = 0; i < n; i++) {
        free(e[i].s);
    }
}

/* a, b, c from out[0..n) (callers free) */
/* More values than this in one list (a display's items, a call's
   arguments) go through a table constructor, which Lua fills 50 at a time:
   as a plain list each would take a register of the function (at most 255,
   locals included: "function or expression needs too many registers"). */
#define JOIN_DIRECT 40

static char *join(Gen *g, Ex *e, int n, const char *first)
{
    Buf b = { NULL, 0, 0 };
    Buf *save = g->o;
    g->o = &b;
    eput(g, "");
    if (first != NULL) {
        eput(g, first);
    }
    if (n > JOIN_DIRECT) {
        /* left to right as before; the explicit count keeps None items */
        eput(g, first != NULL ? ", rt.tunpack({" : "rt.tunpack({");
    }
    for (int i = 0; i < n; i++) {
        if (i > 0 || (first != NULL && n <= JOIN_DIRECT)) {
            eput(g, ", ");
        }
        eput(g, e[i].s ? e[i].s : "nil");
    }
    if (n > JOIN_DIRECT) {
        char tail[48];
        snprintf(tail, sizeof tail, "}, 1, %d)", n);
        eput(g, tail);
    }
    g->o = save;
    return b.p;
}

/* pyrt's exception classes (defclass): class values, called through
   rt.call, not as functions */
static int is_exc_class(const char *name)
{
    static const char *const names[] = {
        "BaseException", "Exception", "ArithmeticError", "ZeroDivisionError",
        "OverflowError", "LookupError", "KeyError", "IndexError", "ValueError", "TypeError",
        "NameError", "UnboundLocalError", "AssertionError", "RuntimeError",
        "NotImplementedError", "RecursionError", "AttributeError", "StopIteration",
        "GeneratorExit", "SystemExit", "MemoryError", NULL
    };
    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp(names[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

static void slot_free(Gen *g)
{
    free(g->slot.text);
    free(g->slot.cond);
    free(g->slot.val);
    free(g->slot.o);
    free(g->slot.k);
    memset(&g->slot, 0, sizeof g->slot);
}

static int truth_of(Gen *g, const Ex *e, char **out)
{
    if (!e->isbool && g->slot.text != NULL && strcmp(e->s, g->slot.text) == 0) {
        /* the truth of an inline list slot (the same text is the same code):
           booleans and None without a call; the slot read is a raw index */
        const char *c = g->slot.cond, *v = g->slot.val;
        *out = dupf(g, "((%s) and (%s == true or %s ~= false and %s ~= nil and truth(%s)) or "
                    "not (%s) and truth(getitem(%s, %s)))", c, v, v, v, v, c, g->slot.o,
                    g->slot.k);
        return 0;
    }
    *out = e->isbool ? dupf(g, "%s", e->s) : dupf(g, "truth(%s)", e->s);
    return 0;
}

/* (and ...)/(or ...) with an and/or operand, its value into t and, in tk,
   its truth when known (nil when not asked yet). CPython's jumps ask the
   truth of each value at most once: in `a and b or c` a false a goes
   straight to c, its __bool__ asked once, not again by the `or`. *known:
   every operand is a Lua boolean (tk is never nil: no truth call). */
static int boolop_into(Gen *g, const tdmX_Node *n, int t, int tk, int *known)
{
    int isand = tdmX_is(n, "and");
    int closes = 0, prev = 0;
    *known = 1;
    for (int i = 1; i < n->u.l.n; i++) {
        const tdmX_Node *k = n->u.l.v[i];
        if (i > 1) {
            if (!prev) {
                emit(g, "if t%d == nil then t%d = truth(t%d) end; ", tk, tk, t);
            }
            emit(g, "if %st%d then ", isand ? "" : "not ", tk);
            closes++;
        }
        if (tdmX_is(k, "and") || tdmX_is(k, "or")) {
            if (boolop_into(g, k, t, tk, &prev) != 0) {
                return -1;
            }
        } else {
            Ex e;
            if (expr(g, k, &e) != 0) {
                return -1;
            }
            prev = e.isbool;
            if (e.isbool) {
                emit(g, "t%d = %s; t%d = t%d; ", t, e.s, tk, t);
            } else {
                emit(g, "t%d = %s; t%d = nil; ", t, e.s, tk);
            }
            free(e.s);
        }
        *known = *known && prev;
    }
    for (int i = 0; i < closes; i++) {
        eput(g, "end; ");
    }
    return 0;
}

static int cond_ex(Gen *g, const tdmX_Node *n, Ex *out);

/* The operands of (and a b ...) / (or a b ...) in turn into a temporary,
   each through gen (expr: the operand, Python's value; cond_ex: its truth,
   a Lua boolean) */
static int boolop_seq(Gen *g, const tdmX_Node *n, int isand, Ex *out,
                      int (*gen)(Gen *, const tdmX_Node *, Ex *))
{
    int t = ++g->tmp;
    Ex e;
    if (gen(g, n->u.l.v[1], &e) != 0) {
        return -1;
    }
    int allbool = e.isbool;
    emit(g, "local t%d = %s; ", t, e.s);
    free(e.s);
    int closes = 0;
    for (int i = 2; i < n->u.l.n; i++) {
        emit(g, allbool ? "if %st%d then " : "if %struth(t%d) then ", isand ? "" : "not ", t);
        if (gen(g, n->u.l.v[i], &e) != 0) {
            return -1;
        }
        allbool = allbool && e.isbool;
        emit(g, "t%d = %s; ", t, e.s);
        free(e.s);
        closes++;
    }
    for (int i = 0; i < closes; i++) {
        eput(g, "end; ");
    }
    *out = ex_make(dupf(g, "t%d", t), allbool, 0);
    return 0;
}

/* (and a b ...) / (or a b ...): Python returns an operand */
static int boolop(Gen *g, const tdmX_Node *n, int isand, Ex *out)
{
    for (int i = 1; i < n->u.l.n; i++) {
        if (tdmX_is(n->u.l.v[i], "and") || tdmX_is(n->u.l.v[i], "or")) {
            int t = ++g->tmp, tk = ++g->tmp, known;
            emit(g, "local t%d, t%d; ", t, tk);
            if (boolop_into(g, n, t, tk, &known) != 0) {
                return -1;
            }
            *out = ex_make(dupf(g, "t%d", t), known, 0);
            return 0;
        }
    }
    return boolop_seq(g, n, isand, out, expr);
}

/* The truth of n as a Lua boolean, each operand's truth asked once. In a
   condition (`if a and b:`, `while`, `assert`, `x if c else y`, a `not`
   there) CPython jumps on each operand's truth; the value of `a and b` and
   then its truth would ask a false a's __bool__ (or __len__) twice. (A
   `not` in a value, `return not (a and b)`, CPython 3.11 computes from the
   value: twice, and expr does the same.) */
static int cond_ex(Gen *g, const tdmX_Node *n, Ex *out)
{
    const char *h = tdmX_head(n);
    if (h != NULL && (strcmp(h, "and") == 0 || strcmp(h, "or") == 0)) {
        return boolop_seq(g, n, h[0] == 'a', out, cond_ex);
    }
    if (tdmX_is(n, "unop") && strcmp(sym(n, 1), "not") == 0) {
        Ex e;
        if (cond_ex(g, n->u.l.v[2], &e) != 0) {
            return -1;
        }
        *out = ex_make(dupf(g, "(not %s)", e.s), 1, 0);
        free(e.s);
        return 0;
    }
    if (tdmX_is(n, "ifexp")) {
        /* `if (a and b) if c else d:` jumps on each branch's truth too */
        int t = ++g->tmp;
        Ex e;
        if (cond_ex(g, n->u.l.v[1], &e) != 0) {
            return -1;
        }
        emit(g, "local t%d; if %s then ", t, e.s);
        free(e.s);
        for (int i = 2; i <= 3; i++) {
            if (cond_ex(g, n->u.l.v[i], &e) != 0) {
                return -1;
            }
            emit(g, i == 2 ? "t%d = %s else " : "t%d = %s end; ", t, e.s);
            free(e.s);
        }
        *out = ex_make(dupf(g, "t%d", t), 1, 0);
        return 0;
    }
    Ex e;
    if (expr(g, n, &e) != 0) {
        return -1;
    }
    char *cs;
    truth_of(g, &e, &cs);
    free(e.s);
    *out = ex_make(cs, 1, 0);
    return 0;
}

static int is_boolop(const tdmX_Node *n)
{
    return tdmX_is(n, "and") || tdmX_is(n, "or") || tdmX_is(n, "ifexp")
           || (tdmX_is(n, "unop") && strcmp(sym(n, 1), "not") == 0);
}

static const char *cmpfn(const char *op);

static int singleton(const tdmX_Node *e)
{
    return tdmX_is(e, "none") || tdmX_is(e, "true") || tdmX_is(e, "false");
}

/* The Lua function of comparison op; `is` with no None/True/False operand
   (a type: the front end allows no other) is rt.is_, which also knows a
   Python type object from the runtime's own value for it (pyrt/types.lua). */
static const char *cmpfn2(const char *op, const tdmX_Node *a, const tdmX_Node *b)
{
    if (strcmp(op, "is") == 0 && !singleton(a) && !singleton(b)) {
        return "rt.is_";
    }
    if (strcmp(op, "isnot") == 0 && !singleton(a) && !singleton(b)) {
        return "rt.isnot_";
    }
    return cmpfn(op);
}

static const char *cmpfn(const char *op)
{
    if (strcmp(op, "in") == 0) {
        return "isin";
    }
    if (strcmp(op, "notin") == 0) {
        return "notin";
    }
    if (strcmp(op, "is") == 0) {
        return "rawequal";
    }
    if (strcmp(op, "isnot") == 0) {
        return "isnot";
    }
    return op;          /* eq ne lt le gt ge */
}

static const char *typed_cmp(const char *op);
static int int_expr(const tdmX_Func *f, const unsigned char *intl, const tdmX_Node *e);
static const char *base_op(const char *op);
static int float_expr(const tdmX_Func *f, const unsigned char *ints, const unsigned char *flts,
                      const tdmX_Node *e);

static int compare(Gen *g, const tdmX_Node *n, Ex *out)
{
    int nops = (n->u.l.n - 2) / 2;
    if (nops == 1) {
        const tdmX_Node *kids[2] = { n->u.l.v[1], n->u.l.v[3] };
        Ex e[2];
        if (exprs(g, kids, 2, e) != 0) {
            return -1;
        }
        const char *op = typed_cmp(n->u.l.v[2]->u.s.p);
        int i0 = int_expr(g->fn, g->intl, kids[0]), i1 = int_expr(g->fn, g->intl, kids[1]);
        int f0 = !i0 && float_expr(g->fn, g->intl, g->fltl, kids[0]);
        int f1 = !i1 && float_expr(g->fn, g->intl, g->fltl, kids[1]);
        int eq = op != NULL && (strcmp(op, "==") == 0 || strcmp(op, "~=") == 0);
        if (op != NULL && (i0 || f0) && (i1 || f1) && (!eq || i0 == i1)) {
            /* two ints, or a float and a number: Lua 5.4 orders an int and
               a float exactly, as CPython, and an int that is a Python int
               past 64 bits through its metamethods; == and ~= only between
               two ints or two floats (Lua's == of a number and a userdata
               is false without asking it: 2.0**70 == 2**70 is True) */
            *out = ex_make(dupf(g, "(%s %s %s)", e[0].s, op, e[1].s), 1, 0);
            free_exs(e, 2);
            return 0;
        }
        *out = ex_make(dupf(g, "%s(%s, %s)", cmpfn2(n->u.l.v[2]->u.s.p, kids[0], kids[1]),
                            e[0].s, e[1].s), 1, 0);
        free_exs(e, 2);
        return 0;
    }
    /* a op1 b op2 c: each middle operand evaluated once, the next one only
       while the chain holds; flat (not one `if` inside another per
       operator, nor a local per operand: Lua's limits of 200 each) */
    int r = ++g->tmp;
    Ex left;
    if (expr(g, n->u.l.v[1], &left) != 0) {
        return -1;
    }
    int lt = ++g->tmp, rt = ++g->tmp;
    emit(g, "local t%d, t%d = %s, nil; local t%d = false; ", lt, rt, left.s, r);
    free(left.s);
    for (int k = 0; k < nops; k++) {
        Ex right;
        if (k > 0) {
            emit(g, "if t%d then t%d = t%d; ", r, lt, rt);
        }
        if (expr(g, n->u.l.v[3 + 2 * k], &right) != 0) {
            return -1;
        }
        emit(g, "t%d = %s; t%d = %s(t%d, t%d); ", rt, right.s, r,
             cmpfn2(n->u.l.v[2 + 2 * k]->u.s.p, n->u.l.v[1 + 2 * k], n->u.l.v[3 + 2 * k]),
             lt, rt);
        free(right.s);
        if (k > 0) {
            eput(g, "end; ");
        }
    }
    *out = ex_make(dupf(g, "t%d", r), 1, 0);
    return 0;
}

static int call_args(Gen *g, const tdmX_Node *n, int from, const char *prefix_fmt,
                     const char *callee, Ex *out)
{
    int nargs = n->u.l.n - from;
    Ex *e = calloc((size_t)nargs + 1, sizeof *e);
    if (e == NULL) {
        g->oom = 1;
        return -1;
    }
    if (exprs(g, (const tdmX_Node *const *)n->u.l.v + from, nargs, e) != 0) {
        free(e);
        return -1;
    }
    char *args = join(g, e, nargs, callee);
    *out = ex_make(dupf(g, prefix_fmt, args ? args : ""), 0, 0);
    free(args);
    free_exs(e, nargs);
    free(e);
    return 0;
}

/* ---- typed emission -------------------------------------------------------------

   Where the IR shows that both operands are Lua integers, arithmetic and
   comparisons are plain Lua operators with only the overflow check they need
   (inline, no call); everything else calls the helper (lxfast.c, pyrt).
   Integers are: int literals, len()/ord()/abs(int) results, int-only operations
   on integers, and "int locals": a local (not a parameter, not shared with a
   closure) every assignment of which is an integer expression or a `range`
   loop, found by an optimistic fixed point over the function's assignments.
   A local written anywhere the walk does not know (a tuple target, a `for`
   over anything else, an `except ... as`, a nested `def`, an IR node it has
   no rule for) is never an int local. Reads of an int local that may find it
   unbound are checked before the value is used, as everywhere. */

typedef struct IntScan {
    const tdmX_Func *f;
    unsigned char *cand;        /* per var: still believed to hold only ints */
    const tdmX_Node **asg;      /* owns: pairs (target local node, expression) */
    int nasg, casg;
    int kind;                   /* typed_locals' kind: 0 ints, else another type */
    int oom;
} IntScan;

static int var_index(const tdmX_Func *f, const char *name)
{
    for (int i = 1; i < tdmX_len(f->vars); i++) {
        if (strcmp(f->vars->u.l.v[i]->u.s.p, name) == 0) {
            return i - 1;
        }
    }
    return -1;
}

static void disq_name(IntScan *sc, const char *name)
{
    int i = var_index(sc->f, name);
    if (i >= 0) {
        sc->cand[i] = 0;
    }
}

/* every symbol anywhere under n that names a local: not an int local */
static void disq_all(IntScan *sc, const tdmX_Node *n)
{
    if (n == NULL) {
        return;
    }
    if (n->kind == TDMX_SYM) {
        disq_name(sc, n->u.s.p);
    } else if (n->kind == TDMX_LIST) {
        for (int i = 0; i < n->u.l.n; i++) {
            disq_all(sc, n->u.l.v[i]);
        }
    }
}

static void scan_record(IntScan *sc, const tdmX_Node *target, const tdmX_Node *e)
{
    if (sc->nasg + 2 > sc->casg) {
        int c = sc->casg ? sc->casg * 2 : 64;
        const tdmX_Node **p = realloc(sc->asg, (size_t)c * sizeof *p);
        if (p == NULL) {
            sc->oom = 1;
            return;
        }
        sc->asg = p;
        sc->casg = c;
    }
    sc->asg[sc->nasg++] = target;
    sc->asg[sc->nasg++] = e;
}

static void scan_expr(IntScan *sc, const tdmX_Node *n)
{
    static const char *const known[] = {
        "int", "float", "str", "true", "false", "none", "local", "lcheck", "free",
        "global", "builtin", "binop", "unop", "compare", "and", "or", "ifexp", "call",
        "list", "tuple", "dict", "index", "slice", "method", "kw", "yield", "attr", NULL
    };
    const char *h = tdmX_head(n);
    if (h == NULL) {
        return;                         /* an atom: an operator name, "_" ... */
    }
    if (strcmp(h, "lambda") == 0) {
        return;                         /* its own scope; it cannot write ours */
    }
    for (int i = 0; known[i] != NULL; i++) {
        if (strcmp(known[i], h) == 0) {
            for (int k = 1; k < n->u.l.n; k++) {
                scan_expr(sc, n->u.l.v[k]);
            }
            return;
        }
    }
    disq_all(sc, n);                    /* an expression we have no rule for */
}

static void scan_block(IntScan *sc, const tdmX_Node *b);

/* a target of anything but a plain assignment or range loop */
static void scan_other_target(IntScan *sc, const tdmX_Node *t)
{
    if (tdmX_is(t, "index") || tdmX_is(t, "attr")) {
        scan_expr(sc, t);
    } else {
        disq_all(sc, t);
    }
}

/* a target of del: an item or a slice leaves the names in it bound as they
   were; a name (or anything else) is unbound by it */
static void scan_del(IntScan *sc, const tdmX_Node *t)
{
    if (tdmX_is(t, "index") || tdmX_is(t, "slice") || tdmX_is(t, "attr")) {
        scan_expr(sc, t);
    } else if (tdmX_is(t, "tuple")) {
        for (int i = 1; i < t->u.l.n; i++) {
            scan_del(sc, t->u.l.v[i]);
        }
    } else {
        disq_all(sc, t);
    }
}

static void scan_stmt(IntScan *sc, const tdmX_Node *s)
{
    const char *h = tdmX_head(s);
    int n = s->u.l.n;
    if (h == NULL) {
        return;
    }
    if (strcmp(h, "assign") == 0) {
        const tdmX_Node *t = s->u.l.v[2];
        if (tdmX_is(t, "local")) {
            scan_record(sc, t, s->u.l.v[3]);
        } else {
            scan_other_target(sc, t);
        }
        scan_expr(sc, s->u.l.v[3]);
    } else if (strcmp(h, "forrange") == 0) {
        const tdmX_Node *t = s->u.l.v[2];
        if (!tdmX_is(t, "local") || sc->kind != 0) {
            scan_other_target(sc, t);   /* a range index is an int: no other type */
        }
        for (int k = 3; k < n; k++) {
            if (tdmX_is(s->u.l.v[k], "block")) {
                scan_block(sc, s->u.l.v[k]);
            } else {
                scan_expr(sc, s->u.l.v[k]);
            }
        }
    } else if (strcmp(h, "for") == 0) {
        scan_other_target(sc, s->u.l.v[2]);
        scan_expr(sc, s->u.l.v[3]);
        scan_block(sc, s->u.l.v[4]);
        scan_block(sc, s->u.l.v[5]);
    } else if (strcmp(h, "aug") == 0) {
        scan_other_target(sc, s->u.l.v[2]);
        scan_expr(sc, s->u.l.v[4]);
    } else if (strcmp(h, "expr") == 0 || strcmp(h, "return") == 0
               || strcmp(h, "raise") == 0 || strcmp(h, "assert") == 0) {
        for (int k = 2; k < n; k++) {
            scan_expr(sc, s->u.l.v[k]);
        }
    } else if (strcmp(h, "if") == 0 || strcmp(h, "while") == 0) {
        scan_expr(sc, s->u.l.v[2]);
        scan_block(sc, s->u.l.v[3]);
        scan_block(sc, s->u.l.v[4]);
    } else if (strcmp(h, "try") == 0) {
        const tdmX_Node *hs = s->u.l.v[3];
        scan_block(sc, s->u.l.v[2]);
        for (int i = 1; i < tdmX_len(hs); i++) {
            const tdmX_Node *x = hs->u.l.v[i];
            scan_expr(sc, x->u.l.v[1]);
            disq_all(sc, x->u.l.v[2]);  /* except ... as NAME */
            scan_block(sc, x->u.l.v[3]);
        }
        scan_block(sc, s->u.l.v[4]);
        scan_block(sc, s->u.l.v[5]);
    } else if (strcmp(h, "del") == 0) {
        scan_del(sc, s->u.l.v[2]);      /* `del d[k]` rebinds neither d nor k */
    } else if (strcmp(h, "def") == 0) {
        disq_all(sc, s->u.l.v[2]);
    } else if (strcmp(h, "break") == 0 || strcmp(h, "continue") == 0
               || strcmp(h, "pass") == 0) {
        /* nothing */
    } else {
        disq_all(sc, s);                /* a statement we have no rule for */
    }
}

static void scan_block(IntScan *sc, const tdmX_Node *b)
{
    if (!tdmX_is(b, "block") && !tdmX_is(b, "block-else") && !tdmX_is(b, "block-finally")) {
        disq_all(sc, b);
        return;
    }
    for (int i = 1; i < b->u.l.n; i++) {
        scan_stmt(sc, b->u.l.v[i]);
    }
}

static int int_local(const tdmX_Func *f, const unsigned char *intl, const char *name)
{
    int i = intl != NULL ? var_index(f, name) : -1;
    return i >= 0 && intl[i];
}

/* Is e an integer, given the int locals `intl`? */
static int int_expr(const tdmX_Func *f, const unsigned char *intl, const tdmX_Node *e)
{
    const char *h = tdmX_head(e);
    if (h == NULL) {
        return 0;
    }
    if (strcmp(h, "int") == 0) {
        return 1;
    }
    if (strcmp(h, "local") == 0 || strcmp(h, "lcheck") == 0) {
        return int_local(f, intl, sym(e, 1));
    }
    if (strcmp(h, "binop") == 0) {
        static const char *const intops[] = {
            "add", "sub", "mul", "floordiv", "mod", "iadd", "imul", "bitand", "bitor",
            "bitxor", "lshift", "rshift", NULL
        };
        for (int i = 0; intops[i] != NULL; i++) {
            if (strcmp(intops[i], base_op(sym(e, 1))) == 0) {
                return int_expr(f, intl, e->u.l.v[2]) && int_expr(f, intl, e->u.l.v[3]);
            }
        }
        return 0;
    }
    if (strcmp(h, "unop") == 0) {
        return strcmp(sym(e, 1), "not") != 0 && int_expr(f, intl, e->u.l.v[2]);
    }
    if (strcmp(h, "ifexp") == 0) {
        return int_expr(f, intl, e->u.l.v[2]) && int_expr(f, intl, e->u.l.v[3]);
    }
    if (strcmp(h, "call") == 0 && tdmX_is(e->u.l.v[1], "builtin")) {
        const char *b = sym(e->u.l.v[1], 1);
        int nargs = e->u.l.n - 2;
        if (strcmp(b, "len") == 0 || strcmp(b, "ord") == 0) {
            return nargs == 1;
        }
        if (strcmp(b, "abs") == 0) {
            return nargs == 1 && int_expr(f, intl, e->u.l.v[2]);
        }
    }
    return 0;
}

/* The int locals of f (malloc'd, one flag per var), or NULL. */
/* Is e a list (pyrt LIST), given the list locals `lists` and int locals `ints`? */
static int list_expr(const tdmX_Func *f, const unsigned char *ints, const unsigned char *lists,
                     const tdmX_Node *e)
{
    const char *h = tdmX_head(e);
    if (h == NULL) {
        return 0;
    }
    if (strcmp(h, "list") == 0) {
        return 1;
    }
    if (strcmp(h, "local") == 0 || strcmp(h, "lcheck") == 0) {
        return int_local(f, lists, sym(e, 1));
    }
    if (strcmp(h, "call") == 0 && tdmX_is(e->u.l.v[1], "builtin")) {
        const char *b = sym(e->u.l.v[1], 1);
        return strcmp(b, "list") == 0 || strcmp(b, "sorted") == 0;
    }
    if (strcmp(h, "binop") == 0) {
        const tdmX_Node *a = e->u.l.v[2], *b = e->u.l.v[3];
        if (strcmp(sym(e, 1), "add") == 0) {             /* list + list */
            return list_expr(f, ints, lists, a) && list_expr(f, ints, lists, b);
        }
        if (strcmp(sym(e, 1), "mul") == 0) {             /* list * int, int * list */
            return (list_expr(f, ints, lists, a) && int_expr(f, ints, b))
                   || (int_expr(f, ints, a) && list_expr(f, ints, lists, b));
        }
    }
    return 0;
}

/* Is e a dict (pyrt DICT), given the dict locals `dicts`? A display, a call
   of the builtin dict (resolved at translation time: it always makes a new
   dict), or a dict local. */
static int dict_expr(const tdmX_Func *f, const unsigned char *dicts, const tdmX_Node *e)
{
    const char *h = tdmX_head(e);
    if (h == NULL) {
        return 0;
    }
    if (strcmp(h, "dict") == 0) {
        return 1;
    }
    if (strcmp(h, "local") == 0 || strcmp(h, "lcheck") == 0) {
        return int_local(f, dicts, sym(e, 1));
    }
    return strcmp(h, "call") == 0 && tdmX_is(e->u.l.v[1], "builtin")
           && strcmp(sym(e->u.l.v[1], 1), "dict") == 0;
}

/* Is e a float (a Lua float, Python's exact float), given the int locals
   `ints` and the float locals `flts`? Float literals, float() of one
   argument (pyrt's B.float always returns a Lua float), abs() of a float,
   `/` of two numbers (int / int too: its helper's result is a float), `+ - *
   // %` of a float and a number, a float to an int power, `-` and `+` of a
   float, a conditional expression between two floats, float locals. An int
   operand may be a Python int past 64 bits (int locals can hold one: typed
   emission above): Lua's operators on it run Python's arithmetic, whose
   result with a float is a float. */
static int float_expr(const tdmX_Func *f, const unsigned char *ints, const unsigned char *flts,
                      const tdmX_Node *e)
{
    const char *h = tdmX_head(e);
    if (h == NULL) {
        return 0;
    }
    if (strcmp(h, "float") == 0) {
        return 1;
    }
    if (strcmp(h, "local") == 0 || strcmp(h, "lcheck") == 0) {
        return int_local(f, flts, sym(e, 1));
    }
    if (strcmp(h, "binop") == 0) {
        const char *op = base_op(sym(e, 1));
        const tdmX_Node *a = e->u.l.v[2], *b = e->u.l.v[3];
        int fa = float_expr(f, ints, flts, a), fb = float_expr(f, ints, flts, b);
        int na = fa || int_expr(f, ints, a), nb = fb || int_expr(f, ints, b);
        if (strcmp(op, "add") == 0 || strcmp(op, "sub") == 0 || strcmp(op, "mul") == 0
            || strcmp(op, "floordiv") == 0 || strcmp(op, "mod") == 0) {
            return na && nb && (fa || fb);
        }
        if (strcmp(op, "truediv") == 0) {
            return na && nb;
        }
        return strcmp(op, "pow") == 0 && fa && int_expr(f, ints, b);
    }
    if (strcmp(h, "unop") == 0) {
        return (strcmp(sym(e, 1), "neg") == 0 || strcmp(sym(e, 1), "pos") == 0)
               && float_expr(f, ints, flts, e->u.l.v[2]);
    }
    if (strcmp(h, "ifexp") == 0) {
        return float_expr(f, ints, flts, e->u.l.v[2]) && float_expr(f, ints, flts, e->u.l.v[3]);
    }
    if (strcmp(h, "call") == 0 && tdmX_is(e->u.l.v[1], "builtin") && e->u.l.n <= 3) {
        const char *b = sym(e->u.l.v[1], 1);
        const tdmX_Node *x = e->u.l.n == 3 ? e->u.l.v[2] : NULL;
        if (x != NULL && (tdmX_is(x, "kw") || tdmX_is(x, "star") || tdmX_is(x, "dstar"))) {
            return 0;
        }
        if (strcmp(b, "float") == 0) {
            return 1;
        }
        return strcmp(b, "abs") == 0 && x != NULL && float_expr(f, ints, flts, x);
    }
    return 0;
}

/* kind 0: the int locals (params: parameters count as ints, the T version);
   kind 1: the list locals, given the int locals `ints`; kind 2: the dict
   locals (a parameter never is one); kind 3: the float locals, given the int
   locals `ints` (params: parameters count as floats, the TF version). */
static int operand_in(const tdmX_Node *n, const char *p);

static unsigned char *typed_locals(Gen *g, const tdmX_Func *f, int params, int kind,
                                   const unsigned char *ints)
{
    int nv = tdmX_len(f->vars) - 1;
    if (nv <= 0) {
        return NULL;
    }
    IntScan sc;
    memset(&sc, 0, sizeof sc);
    sc.f = f;
    sc.kind = kind;
    sc.cand = calloc((size_t)nv, 1);
    if (sc.cand == NULL) {
        g->oom = 1;
        return NULL;
    }
    for (int i = 0; i < nv; i++) {
        sc.cand[i] = 1;
    }
    if (!params || (kind != 0 && kind != 3)) {
        disq_all(&sc, f->params);
    } else {
        /* parameters the entry will not check (emit_tcheck: not an operand
           anywhere) are not known ints, and neither is a local assigned
           from one: out before the fixed point, not after it */
        for (int j = 1; j < tdmX_len(f->params); j++) {
            if (!operand_in(f->body, f->params->u.l.v[j]->u.s.p)) {
                disq_name(&sc, f->params->u.l.v[j]->u.s.p);
            }
        }
    }
    disq_all(&sc, f->cells);
    disq_all(&sc, f->free);
    scan_block(&sc, f->body);
    int changed = 1;
    while (changed && !sc.oom) {
        changed = 0;
        for (int i = 0; i < sc.nasg; i += 2) {
            int v = var_index(f, sym(sc.asg[i], 1));
            int ok = kind == 0 ? int_expr(f, sc.cand, sc.asg[i + 1])
                     : kind == 1 ? list_expr(f, ints, sc.cand, sc.asg[i + 1])
                     : kind == 2 ? dict_expr(f, sc.cand, sc.asg[i + 1])
                                 : float_expr(f, ints, sc.cand, sc.asg[i + 1]);
            if (v >= 0 && sc.cand[v] && !ok) {
                sc.cand[v] = 0;
                changed = 1;
            }
        }
    }
    free(sc.asg);
    if (sc.oom) {
        free(sc.cand);
        g->oom = 1;
        return NULL;
    }
    return sc.cand;
}

#define MAXI_ 9223372036854775807LL
#define MINI_ (-MAXI_ - 1)

/* a op b for two integers: plain Lua with the check it needs, or NULL when
   only the helper will do (an operand not simple where it is used twice) */
typedef struct Lit { int is; long long v; } Lit;

static Lit lit_of(const tdmX_Node *n)
{
    Lit l = { 0, 0 };
    if (tdmX_is(n, "int")) {
        l.is = 1;
        l.v = (long long)n->u.l.v[1]->u.i;
    } else if (tdmX_is(n, "unop") && strcmp(sym(n, 1), "neg") == 0) {
        l = lit_of(n->u.l.v[2]);        /* -literal, as the front end gives `-2` */
        if (l.is && l.v == MINI_) {
            l.is = 0;                   /* -(-2**63) is past 64 bits */
        }
        l.v = l.is ? -l.v : 0;
    }
    return l;
}

/* x op= y on two ints is x = x op y: the in-place forms only differ for
   lists, sets and Python objects */
static const char *base_op(const char *op)
{
    static const char *const inplace[] = {
        "iadd", "isub", "imul", "itruediv", "ifloordiv", "imod", "ipow", "ilshift",
        "irshift", "ibitand", "ibitor", "ibitxor", NULL
    };
    for (int i = 0; inplace[i] != NULL; i++) {
        if (strcmp(op, inplace[i]) == 0) {
            return op + 1;
        }
    }
    return op;
}

/* The bounds known for int local n (a parameter never rebound) at this point
   of the function being generated: 1 and *lo, *hi, or 0. */
static int param_bounds(const Gen *g, const tdmX_Node *n, long long *lo, long long *hi)
{
    if (!tdmX_is(n, "local")) {
        return 0;
    }
    int found = 0;
    *lo = MINI_;
    *hi = MAXI_;
    for (int i = 0; i < g->nbnd; i++) {
        if (g->bnd[i].fn == g->fn && strcmp(g->bnd[i].name, sym(n, 1)) == 0) {
            found = 1;
            *lo = g->bnd[i].lo > *lo ? g->bnd[i].lo : *lo;
            *hi = g->bnd[i].hi < *hi ? g->bnd[i].hi : *hi;
        }
    }
    return found;
}

static char *typed_binop(Gen *g, const char *op, const tdmX_Node *const *kids, const Ex *e)
{
    op = base_op(op);
    if (!int_expr(g->fn, g->intl, kids[0]) || !int_expr(g->fn, g->intl, kids[1])) {
        return NULL;
    }
    const Ex *a = &e[0], *b = &e[1];
    Lit la = lit_of(kids[0]), lb = lit_of(kids[1]);
    if (strcmp(op, "add") == 0 || strcmp(op, "sub") == 0) {
        int add = op[0] == 'a';
        if (lb.is && lb.v != MINI_) {
            long long k = add ? lb.v : -lb.v;       /* a + k */
            if (k == 0) {
                return dupf(g, "%s", a->s);
            }
            if (!a->simple) {
                return NULL;
            }
            long long lo, hi;
            if (param_bounds(g, kids[0], &lo, &hi) && (k > 0 ? hi <= MAXI_ - k : lo >= MINI_ - k)) {
                return dupf(g, "(%s %c %lld)", a->s, k > 0 ? '+' : '-', k > 0 ? k : -k);
            }
            return k > 0 ? dupf(g, "(%s > %lld and OVF(\"add\", %s, %lld) or %s + %lld)", a->s,
                                MAXI_ - k, a->s, k, a->s, k)
                         : dupf(g, "(%s < %lld and OVF(\"sub\", %s, %lld) or %s - %lld)", a->s,
                                MINI_ - k, a->s, -k, a->s, -k);
        }
        if (!a->simple || !b->simple) {
            return NULL;
        }
        if (add) {
            return dupf(g, "((%s ~ (%s + %s)) & (%s ~ (%s + %s)) < 0 and OVF(\"add\", %s, %s) "
                        "or %s + %s)", a->s, a->s, b->s, b->s, a->s, b->s, a->s, b->s, a->s,
                        b->s);
        }
        return dupf(g, "((%s ~ %s) & (%s ~ (%s - %s)) < 0 and OVF(\"sub\", %s, %s) or %s - %s)",
                    a->s, b->s, a->s, a->s, b->s, a->s, b->s, a->s, b->s);
    }
    if (strcmp(op, "mul") == 0) {
        const Ex *x = a;
        Lit k = lb;
        if (!k.is) {
            x = b;
            k = la;
        }
        if (!k.is || !x->simple) {
            return NULL;
        }
        long long c = k.v;
        if (c == 0) {
            return dupf(g, "0");
        }
        if (c == 1) {
            return dupf(g, "%s", x->s);
        }
        if (c == -1) {
            return dupf(g, "(%s == math.mininteger and OVF(\"neg\", %s) or -%s)", x->s, x->s,
                        x->s);
        }
        /* C division truncates: for c > 0 the bounds are ceil(MIN/c), floor(MAX/c) */
        long long lo = c > 0 ? MINI_ / c : MAXI_ / c;
        long long hi = c > 0 ? MAXI_ / c : MINI_ / c;
        return dupf(g, "((%s < %lld or %s > %lld) and OVF(\"mul\", %s, %lld) or %s * %lld)", x->s,
                    lo, x->s, hi, x->s, c, x->s, c);
    }
    if (strcmp(op, "truediv") == 0 && (a->simple || la.is) && (b->simple || lb.is)
        && !(lb.is && lb.v == 0)) {
        /* int / int: CPython divides two ints of at most 53 bits as doubles
           (exact conversions, one correctly rounded division), as Lua's /
           does; larger ones, a zero divisor and Python ints past 64 bits
           (Lua compares them through Python) take the helper */
        char ca[160] = "", cb[160] = "";
        if (strlen(a->s) > 24 || strlen(b->s) > 24) {
            return NULL;
        }
        if (!la.is) {
            snprintf(ca, sizeof ca, "%s >= -9007199254740992 and %s <= 9007199254740992 and ",
                     a->s, a->s);
        } else if (la.v < -9007199254740992LL || la.v > 9007199254740992LL) {
            return NULL;
        }
        if (!lb.is) {
            snprintf(cb, sizeof cb, "%s >= -9007199254740992 and %s <= 9007199254740992 and "
                     "%s ~= 0 and ", b->s, b->s, b->s);
        } else if (lb.v < -9007199254740992LL || lb.v > 9007199254740992LL) {
            return NULL;
        }
        if (!ca[0] && !cb[0]) {
            return dupf(g, "(%s / %s)", a->s, b->s);
        }
        return dupf(g, "(%s%s%s / %s or truediv(%s, %s))", ca, cb, a->s, b->s, a->s, b->s);
    }
    if ((strcmp(op, "mod") == 0 || strcmp(op, "floordiv") == 0) && lb.is && lb.v != 0
        && !(op[0] == 'f' && lb.v == -1)) {
        /* Lua's integer // and % floor, as Python's (MIN % -1 is 0 in both) */
        return dupf(g, "(%s %s %lld)", a->s, op[0] == 'm' ? "%" : "//", lb.v);
    }
    return NULL;
}

/* a op b where one operand is a float and the other a number: Lua's float
   operators are IEEE double arithmetic as CPython's (an int operand is
   converted to the nearest double, ties to even, as PyLong_AsDouble does),
   so `+ - *` are plain; `/` raises ZeroDivisionError on a zero divisor (-0.0
   too) after evaluating both operands, as CPython; `//`, `%` (the signs of
   zero results differ from Lua's) and `**` (OverflowError) keep the helper.
   NULL when not applicable. */
static char *typed_fbinop(Gen *g, const char *op, const tdmX_Node *const *kids, const Ex *e)
{
    op = base_op(op);
    int fa = float_expr(g->fn, g->intl, g->fltl, kids[0]);
    int fb = float_expr(g->fn, g->intl, g->fltl, kids[1]);
    if (!(fa || fb) || !(fa || int_expr(g->fn, g->intl, kids[0]))
        || !(fb || int_expr(g->fn, g->intl, kids[1]))) {
        return NULL;
    }
    if (strcmp(op, "sub") == 0) {
        Lit lb = lit_of(kids[1]);
        if (lb.is && lb.v == 0) {
            /* Lua codes `a - 0` (an integer constant) as a + (-0) (OP_ADDI),
               which turns a float -0.0 into 0.0; Python's -0.0 - 0 is -0.0:
               subtract a float zero instead (the same for every float) */
            return dupf(g, "(%s - 0.0)", e[0].s);
        }
    }
    static const char *const ops[][2] = { { "add", "+" }, { "sub", "-" }, { "mul", "*" } };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(op, ops[i][0]) == 0) {
            return dupf(g, "(%s %s %s)", e[0].s, ops[i][1], e[1].s);
        }
    }
    if (strcmp(op, "truediv") == 0) {
        const tdmX_Node *d = kids[1];
        if (tdmX_is(d, "unop") && strcmp(sym(d, 1), "neg") == 0) {
            d = d->u.l.v[2];            /* -literal */
        }
        const tdmX_Node *k = tdmX_at(d, 1);
        if ((tdmX_is(d, "int") || tdmX_is(d, "float")) && k != NULL
            && (k->kind == TDMX_INT ? k->u.i != 0 : k->u.d != 0)) {
            return dupf(g, "(%s / %s)", e[0].s, e[1].s);
        }
        if (e[1].simple) {
            return dupf(g, "(%s / (%s ~= 0 and %s or throw(\"ZeroDivisionError\", "
                        "\"float division by zero\")))", e[0].s, e[1].s, e[1].s);
        }
    }
    return NULL;
}

static const char *typed_cmp(const char *op)
{
    static const char *const names[][2] = {
        { "lt", "<" }, { "le", "<=" }, { "gt", ">" }, { "ge", ">=" }, { "eq", "==" },
        { "ne", "~=" }
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i][0], op) == 0) {
            return names[i][1];
        }
    }
    return NULL;
}

static int expr_pre(Gen *g, const tdmX_Node *n, Ex *out, Buf *pre);

/* Parameters that stay ints when they arrive as ints: check them once on
   entry (local T), so expressions over them can have a typed version. */
/* Is local p an operand of arithmetic or a comparison somewhere under n
   (not inside nested functions)? */
static int operand_in(const tdmX_Node *n, const char *p)
{
    const char *h = tdmX_head(n);
    if (h == NULL || strcmp(h, "func") == 0 || strcmp(h, "lambda") == 0) {
        return 0;
    }
    int arith = strcmp(h, "binop") == 0 || strcmp(h, "unop") == 0
                || strcmp(h, "compare") == 0;
    for (int i = 1; i < n->u.l.n; i++) {
        const tdmX_Node *k = n->u.l.v[i];
        if (arith && tdmX_is(k, "local") && strcmp(sym(k, 1), p) == 0) {
            return 1;
        }
        if (operand_in(k, p)) {
            return 1;
        }
    }
    return 0;
}

static void emit_tcheck(Gen *g, const tdmX_Func *f)
{
    int any = 0, np = tdmX_len(f->params);
    Buf args = { NULL, 0, 0 };
    unsigned char *checked = calloc((size_t)(np > 0 ? np : 1), 1);
    if (checked == NULL) {
        g->oom = 1;
        return;
    }
    for (int j = 1; g->intlT != NULL && j < np; j++) {
        const char *p = f->params->u.l.v[j]->u.s.p;
        if (!operand_in(f->body, p)) {
            int v = var_index(f, p);    /* not worth a check: typed as unknown */
            if (v >= 0) {
                g->intlT[v] = 0;
            }
        } else if (int_local(f, g->intlT, p)) {
            Buf *o = g->o;
            g->o = &args;
            emit(g, "%sv_%s", any ? ", " : "", p);
            g->o = o;
            checked[j] = 1;
            any = 1;
        }
    }
    /* The float version (TF): the same parameters all floats. Only when the
       float locals so found assume nothing of a parameter T does not check. */
    free(g->fltlTF);
    g->fltlTF = NULL;
    if (any && !g->leaf && !g->oom) {
        g->fltlTF = typed_locals(g, f, 1, 3, g->intl);
        int useful = 0;
        for (int j = 1; g->fltlTF != NULL && j < np; j++) {
            if (int_local(f, g->fltlTF, f->params->u.l.v[j]->u.s.p)) {
                useful = 1;
                if (!checked[j]) {
                    useful = 0;
                    break;
                }
            }
        }
        if (!useful) {
            free(g->fltlTF);
            g->fltlTF = NULL;
        }
    }
    free(checked);
    if (any && g->leaf) {
        eput(g, " local T = true");
    } else if (any && g->fltlTF != NULL) {
        g->tf.pos = g->o->n;
        g->tf.used = 0;
        emit(g, g->split ? " local T, TF = TT if not T then T, TF = NUMK(%s) end"
                         : " local T, TF = NUMK(%s)", args.p);
        g->tf.len = g->o->n - g->tf.pos;
        g->tf.buf = g->o;
        g->tf.args = args.p;
        args.p = NULL;
    } else if (any) {
        emit(g, g->split ? " local T = TT or INTS(%s)" : " local T = INTS(%s)", args.p);
    }
    free(args.p);
    if (!any) {
        free(g->intlT);
        free(g->listlT);
        g->intlT = g->listlT = NULL;    /* no T: nothing is typed only when T */
    }
}

/* an integer expression without calls: literals, int locals, int-only ops */
static int pure_int(const tdmX_Func *f, const unsigned char *intl, const tdmX_Node *e)
{
    const char *h = tdmX_head(e);
    if (h == NULL || intl == NULL) {
        return 0;
    }
    if (strcmp(h, "int") == 0) {
        return 1;
    }
    if (strcmp(h, "local") == 0) {
        return int_local(f, intl, sym(e, 1));
    }
    if (strcmp(h, "binop") == 0 || strcmp(h, "unop") == 0) {
        if (!int_expr(f, intl, e)) {
            return 0;
        }
        for (int i = 2; i < e->u.l.n; i++) {
            if (!pure_int(f, intl, e->u.l.v[i])) {
                return 0;
            }
        }
        return 1;
    }
    return 0;
}

static int pure_typed(const tdmX_Func *f, const unsigned char *intl, const tdmX_Node *n)
{
    if (tdmX_is(n, "compare")) {
        return n->u.l.n == 4 && typed_cmp(n->u.l.v[2]->u.s.p) != NULL
               && pure_int(f, intl, n->u.l.v[1]) && pure_int(f, intl, n->u.l.v[3]);
    }
    return (tdmX_is(n, "binop") || (tdmX_is(n, "unop") && strcmp(sym(n, 1), "not") != 0))
           && pure_int(f, intl, n);
}

/* n typed only when the parameters arrived as ints: both versions, chosen by
   T. Pure integer expressions have no statements and no side effects before
   the value (an OverflowError aside), so nothing runs twice. 0 when not
   applicable (*out untouched). */
static int versioned(Gen *g, const tdmX_Node *n, Ex *out, int *rc)
{
    if (g->intlT == NULL || g->inver || !pure_typed(g->fn, g->intlT, n)
        || pure_typed(g->fn, g->intl, n)) {
        return 0;
    }
    unsigned char *save = g->intl;
    Ex a, b;
    Buf pa, pb;
    g->inver = 1;
    g->intl = g->intlT;
    *rc = expr_pre(g, n, &a, &pa);
    g->intl = save;
    if (*rc == 0) {
        *rc = expr_pre(g, n, &b, &pb);
        if (*rc != 0) {
            free(a.s);
            free(pa.p);
        }
    }
    g->inver = 0;
    if (*rc != 0) {
        return 1;
    }
    if (g->leaf && pa.n == 0) {
        *out = a;                       /* T is true: the typed version alone */
        free(b.s);
    } else if (pa.n > 0 || pb.n > 0 || strcmp(a.s, b.s) == 0) {
        bput(g, pb.p, pb.n);            /* the general version (the same, or statements) */
        *out = b;
        free(a.s);
    } else if (b.isbool) {
        *out = ex_make(dupf(g, "(T and %s or not T and %s)", a.s, b.s), 1, 0);
        free(a.s);
        free(b.s);
    } else {
        *out = ex_make(dupf(g, "(T and %s or %s)", a.s, b.s), 0, 0);
        free(a.s);
        free(b.s);
    }
    free(pa.p);
    free(pb.p);
    if (out->s == NULL) {
        g->oom = 1;
        *rc = -1;
    }
    return 1;
}

/* o[k] where the IR shows a list local o and an integer k (both simple):
   the condition under which the raw slot o[k + 1] is Python's o[k] (T
   first when that needs the parameters' types), or NULL. */
static char *list_slot_cond(Gen *g, const tdmX_Node *o, const tdmX_Node *k, const Ex *e)
{
    if (!tdmX_is(o, "local") || !e[0].simple || !e[1].simple) {
        return NULL;
    }
    const char *name = sym(o, 1);
    int plain = int_local(g->fn, g->listl, name) && int_expr(g->fn, g->intl, k);
    int whenT = !plain && g->intlT != NULL && int_local(g->fn, g->listlT, name)
                && int_expr(g->fn, g->intlT, k);
    if (!plain && !whenT) {
        return NULL;
    }
    return dupf(g, "%s%s >= 0 and %s < %s.n", whenT ? "T and " : "", e[1].s, e[1].s, e[0].s);
}

/* (call f args...) of a non-builtin: a translated function (in rt.xf) is
   called as a plain Lua function, anything else through the helper `call`.
   The callee and the arguments go to temporaries (each used twice), so a
   statement with very many calls keeps the helper form (Lua's 200 locals). */
/* The call-site cache of global `name` called with k positional arguments:
   its index (chunk locals CV<i>, CE<i>, CB<i> declared on first use), or -1
   when the chunk has GC_MAX already. */
static int gcache_slot2(Gen *g, const char *name, int k, const char *attr)
{
    for (int i = 0; i < g->ngc; i++) {
        if (g->gc[i].k == k && strcmp(g->gc[i].name, name) == 0
            && (g->gc[i].attr == NULL) == (attr == NULL)
            && (attr == NULL || strcmp(g->gc[i].attr, attr) == 0)) {
            return i;
        }
    }
    if (g->ngc == GC_MAX) {
        return -1;
    }
    int i = g->ngc++;
    g->gc[i].name = name;
    g->gc[i].k = k;
    g->gc[i].attr = attr;
    Buf *save = g->o;
    g->o = &g->statics;
    emit(g, "local CV%d, CE%d, CB%d; ", i, i, i);
    g->o = save;
    return i;
}

static int gcache_slot(Gen *g, const char *name, int k)
{
    return gcache_slot2(g, name, k, NULL);
}

/* s is one parenthesised expression: "(...)" whose first "(" closes at
   its end (Lua parentheses keep one value of a call) */
static int wrapped(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || s[0] != '(' || s[n - 1] != ')') {
        return 0;
    }
    int d = 0;
    char q = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (q) {
            if (c == '\\') {
                i++;
            } else if (c == q) {
                q = 0;
            }
        } else if (c == '"' || c == '\'') {
            q = c;
        } else if (c == '(') {
            d++;
        } else if (c == ')' && --d == 0 && i != n - 1) {
            return 0;
        }
    }
    return d == 0 && q == 0;
}

/* The check of global call-site cache gc before a call: t<cb> the cached
   body, refilled with the value read (t<cv>) when the epoch moved; with copy,
   the cached value is copied into t<cv> on a hit too (the call's branches
   read it there, not from CV<gc>). */
static void emit_gcheck(Gen *g, int gc, int cb, int cv, const char *name, int k, int copy)
{
    if (copy) {
        emit(g, "local t%d, t%d = CB%d, CV%d; if CE%d ~= EP() then t%d = ", cb, cv, gc, gc, gc,
             cv);
    } else {
        emit(g, "local t%d = CB%d; if CE%d ~= EP() then local t%d = ", cb, gc, gc, cv);
    }
    emit(g, "G(\"%s\"); t%d = XB[%d][t%d] or false; CV%d, CB%d, CE%d = t%d, t%d, EP() or nil "
         "end; ", name, cb, k, cv, gc, gc, gc, cv, cb);
}

/* the longest argument text direct_call writes into each branch of a call */
enum { ARG_INLINE_MAX = 96 };

static unsigned display_mask(const tdmX_Node *n, int from);

static int direct_call(Gen *g, const tdmX_Node *n, Ex *out)
{
    int nk = n->u.l.n - 1;             /* the callee and the arguments */
    Ex *e = calloc((size_t)nk, sizeof *e);
    if (e == NULL) {
        g->oom = 1;
        return -1;
    }
    /* a global callee: read at call time, before the arguments, through its
       call-site cache, which keeps the value with the epoch it was read at
       (the rule of G: docs/translation.md, "call-time globals") and the
       value's fixed-arity body for k arguments (rt.xb[k]: false when it has
       none). A hit costs no table read. */
    int gc = tdmX_is(n->u.l.v[1], "global") ? gcache_slot(g, sym(n->u.l.v[1], 1), nk - 1) : -1;
    int cb = 0, cv = 0;
    size_t mark = 0, after = 0;
    Buf *ob = g->o;
    if (gc >= 0) {
        cb = ++g->tmp;
        cv = ++g->tmp;
        mark = g->o->n;
        emit_gcheck(g, gc, cb, cv, sym(n->u.l.v[1], 1), nk - 1, 1);
        after = g->o->n;
        e[0] = ex_make(dupf(g, "t%d", cv), 0, 1);
        if (e[0].s == NULL || exprs(g, (const tdmX_Node *const *)n->u.l.v + 2, nk - 1, e + 1) != 0) {
            free(e[0].s);
            free(e);
            return -1;
        }
    } else if (exprs(g, (const tdmX_Node *const *)n->u.l.v + 1, nk, e) != 0) {
        free(e);
        return -1;
    }
    /* an argument is evaluated in whichever branch of the call below runs
       (they exclude each other, and choosing one reads only the callee and
       the XF table): a short expression goes there as it is, not through a
       temporary first (one Lua MOVE fewer per argument); a long one is
       spilled, so that the text is not tripled */
    size_t alen = 0;
    for (int i = 1; i < nk; i++) {
        alen += e[i].simple ? 0 : strlen(e[i].s);
    }
    for (int i = 0; i < nk; i++) {
        if (!e[i].simple && (i == 0 || alen > ARG_INLINE_MAX)) {
            int t = ++g->tmp;
            emit(g, "local t%d = %s; ", t, e[i].s);
            free(e[i].s);
            e[i].s = dupf(g, "t%d", t);
            e[i].simple = 1;
        }
    }
    for (int i = 1; i < nk; i++) {
        if (!e[i].simple && !wrapped(e[i].s)) {   /* one value, as the temporary kept */
            char *p = dupf(g, "(%s)", e[i].s);
            free(e[i].s);
            e[i].s = p;
            if (p == NULL) {
                free_exs(e, nk);
                free(e);
                return -1;
            }
        }
    }
    if (gc >= 0 && g->o == ob && ob->n == after && !g->oom) {
        /* nothing was written between the check and the call (no argument
           needed a statement or a spill), so nothing runs there: the
           branches without a body read the callee from CV itself, which is
           then still the value checked (one upvalue read fewer on a hit) */
        ob->n = mark;
        ob->p[mark] = '\0';
        emit_gcheck(g, gc, cb, cv, sym(n->u.l.v[1], 1), nk - 1, 0);
        free(e[0].s);
        e[0].s = dupf(g, "CV%d", gc);
        if (e[0].s == NULL) {
            free_exs(e, nk);
            free(e);
            return -1;
        }
    }
    char *args = join(g, e + 1, nk - 1, NULL);
    int r = gc >= 0 ? cb : ++g->tmp;
    /* TT, the body's last argument: every argument is an integer (always,
       or when the parameters were: T) */
    int all = 1, allT = g->intlT != NULL;
    for (int i = 2; i < n->u.l.n; i++) {
        all = all && int_expr(g->fn, g->intl, n->u.l.v[i]);
        allT = allT && int_expr(g->fn, g->intlT, n->u.l.v[i]);
    }
    const char *tt = nk == 1 ? "" : all ? ", true" : allT ? ", T" : "";
    /* a top-level translated function taking exactly these many arguments:
       its body (rt.xreg); another translated function: itself; anything
       else through the helper */
    if (gc < 0) {
        emit(g, "local t%d = XB[%d][%s]; ", r, nk - 1, e[0].s);
    }
    /* anything else: rt.callm when an argument is a display (a Python
       callee may keep it: pyrt/hostcall.lua) */
    unsigned mask = display_mask(n, 2);
    char gen[32];
    if (mask) {
        snprintf(gen, sizeof gen, "rt.callm(%u, ", mask);
    } else {
        snprintf(gen, sizeof gen, "call(");
    }
    /* the callee parenthesised: a constant (`None()`, `(5)(x)`: CPython's
       TypeError) is no prefix expression in Lua; `(v)(...)` compiles as
       `v(...)` does */
    emit(g, "if t%d then t%d = t%d(%s%s) elseif XF[%s] then t%d = (%s)(%s) "
         "else t%d = %s%s%s%s) end; ", r, r, r, args ? args : "", tt,
         e[0].s, r, e[0].s, args ? args : "", r, gen, e[0].s, nk > 1 ? ", " : "",
         args ? args : "");
    free(args);
    free_exs(e, nk);
    free(e);
    /* t<r> is written only by the call above: reading it later gives the
       same value (so a later operand's statements need not copy it) */
    *out = ex_make(dupf(g, "t%d", r), 0, 1);
    return out->s ? 0 : -1;
}

/* (call f args...) with keyword, * or ** arguments: rt.callkw(f, args...)
   with marker arguments; star(f, e) and dstar(f, e) name the callee in their
   errors, so it is evaluated once into a temporary first. */
static int call_kw(Gen *g, const tdmX_Node *n, Ex *out)
{
    Ex fe;
    if (expr(g, n->u.l.v[1], &fe) != 0) {
        return -1;
    }
    char *callee = fe.s;
    if (!fe.simple || tdmX_is(n->u.l.v[1], "local") || tdmX_is(n->u.l.v[1], "lcheck")
        || tdmX_is(n->u.l.v[1], "free")) {
        int t = ++g->tmp;
        emit(g, "local t%d = %s; ", t, fe.s);
        free(fe.s);
        callee = dupf(g, "t%d", t);
    }
    const char *saved = g->callee;
    int savedlist = g->starlist, npos = 0;
    for (int i = 2; i < n->u.l.n; i++) {
        npos += !tdmX_is(n->u.l.v[i], "kw") && !tdmX_is(n->u.l.v[i], "dstar");
    }
    g->callee = callee;
    g->starlist = npos > 1;
    int rc = call_args(g, n, 2, "callkw(%s)", callee, out);
    g->callee = saved;
    g->starlist = savedlist;
    free(callee);
    return rc;
}

/* An argument whose evaluation can neither raise nor have an effect. */
static int inert(const tdmX_Node *a)
{
    static const char *const heads[] = {
        "int", "float", "str", "true", "false", "none", "local", NULL
    };
    const char *h = tdmX_head(a);
    for (int i = 0; h != NULL && heads[i] != NULL; i++) {
        if (strcmp(h, heads[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* o.name(args) whose args (keyword ones included) could raise or have
   effects: CPython looks the method up before it runs them (an
   AttributeError comes first, f() in x.append(f()) or x.m(k=f()) does not
   run when x has no such method). */
static int method_checked(const tdmX_Node *n)
{
    for (int i = 3; i < n->u.l.n; i++) {
        const tdmX_Node *a = n->u.l.v[i];
        if (tdmX_is(a, "star") || tdmX_is(a, "dstar")) {
            return 0;
        }
    }
    for (int i = 3; i < n->u.l.n; i++) {
        const tdmX_Node *a = n->u.l.v[i];
        if (!inert(tdmX_is(a, "kw") ? a->u.l.v[2] : a)) {
            return 1;
        }
    }
    return 0;
}

/* Has (method o NAME args...) a keyword argument? */
static int method_kw(const tdmX_Node *n)
{
    for (int i = 3; i < n->u.l.n; i++) {
        if (tdmX_is(n->u.l.v[i], "kw")) {
            return 1;
        }
    }
    return 0;
}

static int is_cell(const tdmX_Func *f, const char *name);
static int method_first(Gen *g, const tdmX_Node *n, Ex *out);

/* L.append(x) on a list local L (every assignment of it a list, not shared
   with a nested function): looking `append` up on a list cannot fail or run
   anything, and pyrt's list.append is `l.n = l.n + 1; l[l.n] = x`. */
static int list_append(Gen *g, const tdmX_Node *n)
{
    if (n->u.l.n != 4 || strcmp(sym(n, 2), "append") != 0 || !tdmX_is(n->u.l.v[1], "local")) {
        return 0;
    }
    const tdmX_Node *a = n->u.l.v[3];
    if (tdmX_is(a, "kw") || tdmX_is(a, "star") || tdmX_is(a, "dstar")) {
        return 0;
    }
    const char *l = sym(n->u.l.v[1], 1);
    return int_local(g->fn, g->listl, l) && !is_cell(g->fn, l);
}

/* list_append inline: the receiver, then the argument, then the store (the
   length read after the argument ran: it may append to the same list). */
static int inline_append(Gen *g, const tdmX_Node *n, Ex *out)
{
    Ex o, a;
    if (expr(g, n->u.l.v[1], &o) != 0) {
        return -1;
    }
    if (!o.simple || strncmp(o.s, "v_", 2) != 0) {     /* a checked read: the helper */
        free(o.s);
        return method_first(g, n, out);
    }
    int to = ++g->tmp;
    emit(g, "local t%d = %s; ", to, o.s);
    free(o.s);
    if (expr(g, n->u.l.v[3], &a) != 0) {
        return -1;
    }
    int ta = ++g->tmp, tn = ++g->tmp;
    emit(g, "local t%d = %s; local t%d = t%d.n + 1; t%d.n = t%d; t%d[t%d] = t%d; ", ta, a.s, tn,
         to, to, tn, to, tn, ta);
    free(a.s);
    *out = ex_make(dupf(g, "nil"), 0, 1);
    return out->s ? 0 : -1;
}

/* Bit i set for the i-th of n's arguments from `from` on that is a list or
   dict display: a container nothing in translated code refers to (a Python
   callee may keep it: pyrt/hostcall.lua) */
static unsigned display_mask(const tdmX_Node *n, int from)
{
    unsigned mask = 0;
    for (int i = from; i < n->u.l.n && i - from < 30; i++) {
        if (tdmX_is(n->u.l.v[i], "list") || tdmX_is(n->u.l.v[i], "dict")) {
            mask |= 1u << (i - from);
        }
    }
    return mask;
}

/* The arguments of (method o NAME args...), in order, joined with commas
   into *args (NULL when there are none). 0, or -1 on error. */
static int method_args(Gen *g, const tdmX_Node *n, char **args)
{
    int nargs = n->u.l.n - 3;
    Ex *e = calloc((size_t)nargs + 1, sizeof *e);
    if (e == NULL) {
        g->oom = 1;
        return -1;
    }
    if (exprs(g, (const tdmX_Node *const *)n->u.l.v + 3, nargs, e) != 0) {
        free(e);
        return -1;
    }
    *args = join(g, e, nargs, NULL);
    free_exs(e, nargs);
    free(e);
    return 0;
}

/* The opening of a call of the Python callable t<t>: "call(t<t>", or
   "rt.callm(MASK, t<t>" when display arguments may be kept
   (pyrt/hostcall.lua) */
static void call_open(char *buf, size_t size, unsigned mask, int t)
{
    if (mask) {
        snprintf(buf, size, "rt.callm(%u, t%d", mask, t);
    } else {
        snprintf(buf, size, "call(t%d", t);
    }
}

/* (method (global M) NAME args...) with positional arguments: M.NAME(args)
   where M is usually a module (math.sqrt(x)). A call-site cache keeps what
   M.NAME resolved to with the epoch (rt.modfn, pyrt/pymath.lua: a module's
   attribute, as a native function when it is a genuine math function), so
   a loop pays no crossing; anything else (M not a module, a name its
   __dict__ lacks) is the method call as usual, M.NAME looked up before the
   arguments run (rt.mcheck), as CPython does. 1 done, 0 not applicable. */
static int module_call(Gen *g, const tdmX_Node *n, Ex *out)
{
    const tdmX_Node *m = n->u.l.v[1];
    int nargs = n->u.l.n - 3;
    if (!tdmX_is(m, "global") || g->leaf || g->flat) {
        return 0;
    }
    for (int i = 0; i < nargs; i++) {
        const tdmX_Node *a = n->u.l.v[3 + i];
        if (tdmX_is(a, "kw") || tdmX_is(a, "star") || tdmX_is(a, "dstar")) {
            return 0;
        }
    }
    int gc = gcache_slot2(g, sym(m, 1), 0, sym(n, 2));
    if (gc < 0) {
        return 0;
    }
    Ex me;
    if (expr(g, m, &me) != 0) {
        return -1;
    }
    int tm = ++g->tmp, tf = ++g->tmp, tc = ++g->tmp;
    /* CB<gc>: t<tf> is a Lua function taking these arguments (a native) */
    emit(g, "local t%d, t%d = nil, CV%d; if CE%d ~= EP() then t%d = %s; t%d = rt.modfn(t%d, "
         "\"%s\", %d); CV%d, CE%d, CB%d = t%d, t%d and EP() or nil, type(t%d) == \"function\" "
         "end; ", tm, tf, gc, gc, tm, me.s, tf, tm, sym(n, 2), nargs, gc, gc, gc, tf, tf, tf);
    if (method_checked(n)) {    /* arguments with effects: the method looked up first */
        emit(g, "local t%d = t%d or rt.mcheck(t%d, \"%s\"); ", tc, tf, tm, sym(n, 2));
    } else {                    /* else rt.method looks it up (one crossing, not two) */
        emit(g, "local t%d = t%d; ", tc, tf);
    }
    free(me.s);
    char *args;
    if (method_args(g, n, &args) != 0) {
        return -1;
    }
    unsigned mask = display_mask(n, 3);
    char callee[48];
    call_open(callee, sizeof callee, mask, tc);
    int tr = ++g->tmp;
    emit(g, "local t%d; ", tr);
    if (!mask) {                /* a native: called as the Lua function it is */
        emit(g, "if CB%d then t%d = t%d(%s) else", gc, tr, tf, args ? args : "");
    }
    emit(g, "if t%d then t%d = %s%s%s) else t%d = method(t%d, \"%s\"%s%s) end; ", tc, tr,
         callee, nargs ? ", " : "", args ? args : "", tr, tm, sym(n, 2), nargs ? ", " : "",
         args ? args : "");
    free(args);
    *out = ex_make(dupf(g, "t%d", tr), 0, 1);
    return out->s ? 1 : -1;
}

/* receiver, its method (rt.mcheck: nil for our own values, else Python's
   bound method; with keywords, the method as CPython's LOAD_METHOD finds
   it), then the arguments, then the call (with keywords: rt.callkw of
   Python's method, rt.methodkw of our own value) */
static int method_first(Gen *g, const tdmX_Node *n, Ex *out)
{
    int nargs = n->u.l.n - 3;
    unsigned mask = display_mask(n, 3);
    int kw = method_kw(n);
    Ex o;
    if (expr(g, n->u.l.v[1], &o) != 0) {
        return -1;
    }
    int to = ++g->tmp, tm = ++g->tmp;
    emit(g, "local t%d = %s; local t%d = rt.mcheck(t%d, \"%s\"%s); ", to, o.s, tm, to, sym(n, 2),
         kw ? ", true" : "");
    free(o.s);
    char *args;
    if (method_args(g, n, &args) != 0) {
        return -1;
    }
    if (kw) {
        int tk = ++g->tmp;
        emit(g, "local t%d; if t%d then t%d = rt.callkw(t%d, %s) else t%d = rt.methodkw(t%d, "
             "\"%s\", %s) end; ", tk, tm, tk, tm, args, tk, to, sym(n, 2), args);
        free(args);
        *out = ex_make(dupf(g, "t%d", tk), 0, 1);
        return out->s ? 0 : -1;
    }
    const char *fast = strcmp(sym(n, 2), "append") == 0 && nargs == 1 ? "MAPPEND"
                     : strcmp(sym(n, 2), "get") == 0 && (nargs == 1 || nargs == 2) ? "MGET"
                     : NULL;
    int tr = ++g->tmp;
    /* a Python object's method (t<tm>): a display argument may be kept
       (rt.callm, pyrt/hostcall.lua) */
    char callee[48];
    call_open(callee, sizeof callee, mask, tm);
    if (fast != NULL) {
        emit(g, "local t%d; if t%d then t%d = %s, %s) else t%d = %s(t%d, %s) end; ", tr,
             tm, tr, callee, args ? args : "", tr, fast, to, args ? args : "");
    } else {
        emit(g, "local t%d; if t%d then t%d = %s%s%s) else t%d = method(t%d, \"%s\"%s%s) end; ",
             tr, tm, tr, callee, nargs ? ", " : "", args ? args : "", tr, to, sym(n, 2),
             nargs ? ", " : "", args ? args : "");
    }
    free(args);
    *out = ex_make(dupf(g, "t%d", tr), 0, 1);
    return out->s ? 0 : -1;
}

static int expr(Gen *g, const tdmX_Node *n, Ex *out)
{
    const char *h = tdmX_head(n);
    memset(out, 0, sizeof *out);
    if (g->oom) {
        return -1;
    }
    int vrc, rc0;
    if (versioned(g, n, out, &vrc)) {
        return vrc;
    }
    if (absent(n)) {                    /* an omitted optional part: None */
        *out = ex_make(dupf(g, "nil"), 0, 1);
        return out->s ? 0 : -1;
    }
    if (h == NULL) {
        return gen_fail(g, 0, "malformed IR expression");
    }
    if (strcmp(h, "int") == 0) {
        int64_t v = n->u.l.v[1]->u.i;
        *out = v == INT64_MIN ? ex_make(dupf(g, "math.mininteger"), 0, 1)
                              : ex_make(dupf(g, v < 0 ? "(%lld)" : "%lld", (long long)v), 0, 1);
    } else if (strcmp(h, "float") == 0) {
        const tdmX_Node *k = n->u.l.v[1];
        *out = ex_make(float_text(g, k->kind == TDMX_INT ? (double)k->u.i : k->u.d), 0, 1);
    } else if (strcmp(h, "str") == 0) {
        *out = ex_make(lua_string(g, n->u.l.v[1]->u.s.p, n->u.l.v[1]->u.s.n), 0, 1);
    } else if (strcmp(h, "import") == 0) {
        /* a function-local import statement, run by the host in the
           function's globals (_translate.py, _Hooks "import"): its value,
           or a tuple of its values for `from m import a, b` */
        char *text = lua_string(g, n->u.l.v[1]->u.s.p, n->u.l.v[1]->u.s.n);
        if (text == NULL) {
            g->oom = 1;
            return -1;
        }
        *out = ex_make(dupf(g, "H(\"import\", K, %s, %lld)", text,
                            (long long)n->u.l.v[2]->u.i), 0, 0);
        free(text);
    } else if (strcmp(h, "true") == 0 || strcmp(h, "false") == 0) {
        *out = ex_make(dupf(g, "%s", h), 1, 1);
    } else if (strcmp(h, "none") == 0) {
        *out = ex_make(dupf(g, "nil"), 0, 1);
    } else if (strcmp(h, "local") == 0) {
        *out = ex_make(dupf(g, "v_%s", sym(n, 1)), 0, 1);
    } else if (strcmp(h, "lcheck") == 0) {
        *out = ex_make(dupf(g, "(v_%s == UNB and unbound(\"%s\") or v_%s)", sym(n, 1),
                            sym(n, 1), sym(n, 1)), 0, 0);
    } else if (strcmp(h, "free") == 0) {
        *out = ex_make(dupf(g, "(v_%s == UNB and freeunbound(\"%s\") or v_%s)", sym(n, 1),
                            sym(n, 1), sym(n, 1)), 0, 0);
    } else if (strcmp(h, "lambda") == 0) {
        int t;
        if (gen_nested(g, n->u.l.v[1], &t) != 0) {
            return -1;
        }
        *out = ex_make(dupf(g, "t%d", t), 0, 1);
    } else if (strcmp(h, "yield") == 0 || strcmp(h, "yieldfrom") == 0) {
        /* a yield point: rt.yield / rt.yieldfrom suspend the generator's coroutine
           (pyrt/gen.lua); the result is the sent value / the delegate's return */
        const tdmX_Node *v = n->u.l.v[3];
        const tdmX_Node *f = tdmX_at(v, 1);
        Ex e;
        int rc;
        if (h[5] != '\0' && tdmX_is(v, "call") && tdmX_is(f, "builtin")
                && strcmp(sym(f, 1), "range") == 0) {
            /* yield from range(...): a range iterator */
            rc = call_args(g, v, 2, "rt.range_iter(%s)", NULL, &e);
        } else {
            rc = expr(g, v, &e);
        }
        if (rc != 0) {
            return -1;
        }
        int t = ++g->tmp;
        /* its stable id "LINE:COL" (docs/translation.md, "Yield points") */
        emit(g, "local t%d = %s(%s, \"%d:%d\"); ", t, h[5] ? "YFROM" : "YIELD", e.s,
             (int)n->u.l.v[1]->u.i, (int)n->u.l.v[2]->u.i);
        free(e.s);
        *out = ex_make(dupf(g, "t%d", t), 0, 1);
    } else if (strcmp(h, "kw") == 0) {
        Ex e;
        if (expr(g, n->u.l.v[2], &e) != 0) {
            return -1;
        }
        /* a display's marker says so: a Python callee may keep it
           (pyrt/hostcall.lua) */
        int disp = tdmX_is(n->u.l.v[2], "list") || tdmX_is(n->u.l.v[2], "dict");
        *out = ex_make(dupf(g, "kwarg(\"%s\", %s%s)", sym(n, 1), e.s, disp ? ", true" : ""), 0,
                       e.simple);
        free(e.s);
    } else if (strcmp(h, "star") == 0 || strcmp(h, "dstar") == 0) {
        if (g->callee == NULL) {
            return gen_fail(g, 0, "'%s' outside the arguments of a call", h);
        }
        const char *callee = g->callee;
        Ex e;
        if (expr(g, n->u.l.v[1], &e) != 0) {
            return -1;
        }
        *out = ex_make(dupf(g, "%s(%s, %s%s)", h, callee, e.s,
                            h[0] != 's' ? "" : g->starlist ? ", true" : ", false, true"),
                       0, 0);
        free(e.s);
    } else if (strcmp(h, "global") == 0) {
        /* the cache hit inline (G itself checks again when it is a miss, or the
           value is None or False) */
        *out = ex_make(dupf(g, "(GE[\"%s\"] == EP() and GV[\"%s\"] or G(\"%s\"))", sym(n, 1), sym(n, 1),
                            sym(n, 1)), 0, 0);
    } else if (strcmp(h, "pydefault") == 0) {   /* read once, when the chunk loads */
        *out = ex_make(dupf(g, "H(\"default\", K, %lld)", (long long)n->u.l.v[1]->u.i), 0, 0);
    } else if (strcmp(h, "pykwdefault") == 0) {
        *out = ex_make(dupf(g, "H(\"kwdefault\", K, \"%s\")", sym(n, 1)), 0, 0);
    } else if (strcmp(h, "pycell") == 0) {      /* a Python cell, through the host */
        *out = ex_make(dupf(g, "H(\"cell\", K, \"%s\")", sym(n, 1)), 0, 0);
    } else if (strcmp(h, "setx") == 0) {     /* (x := e) */
        const tdmX_Node *t = n->u.l.v[1];
        if (!tdmX_is(t, "local") && !tdmX_is(t, "free") && !tdmX_is(t, "pycell")
            && !tdmX_is(t, "global")) {
            return gen_fail(g, 0, "an assignment expression to '%s'", tdmX_head(t));
        }
        Ex e;
        if (expr(g, n->u.l.v[2], &e) != 0) {
            return -1;
        }
        int tv = ++g->tmp;
        emit(g, "local t%d = %s; ", tv, e.s);
        free(e.s);
        char val[32];
        snprintf(val, sizeof val, "t%d", tv);
        if (assign_to(g, t, val) != 0) {
            return -1;
        }
        *out = ex_make(dupf(g, "t%d", tv), 0, 1);
    } else if (strcmp(h, "builtin") == 0) {
        *out = ex_make(dupf(g, "B.%s", sym(n, 1)), 0, 1);
    } else if (strcmp(h, "binop") == 0) {
        const tdmX_Node *kids[2] = { n->u.l.v[2], n->u.l.v[3] };
        Ex e[2];
        if (exprs(g, kids, 2, e) != 0) {
            return -1;
        }
        char *typed = typed_binop(g, sym(n, 1), kids, e);
        if (typed == NULL && !g->oom) {
            typed = typed_fbinop(g, sym(n, 1), kids, e);
        }
        *out = ex_make(typed ? typed : dupf(g, "%s(%s, %s)", sym(n, 1), e[0].s, e[1].s), 0, 0);
        free_exs(e, 2);
    } else if (strcmp(h, "unop") == 0) {
        Ex e;
        if (expr(g, n->u.l.v[2], &e) != 0) {
            return -1;
        }
        const char *op = sym(n, 1);
        int isint = int_expr(g->fn, g->intl, n->u.l.v[2]);
        int isflt = !isint && float_expr(g->fn, g->intl, g->fltl, n->u.l.v[2]);
        if (strcmp(op, "not") == 0) {
            *out = ex_make(e.isbool ? dupf(g, "(not %s)", e.s)
                                    : dupf(g, "(not truth(%s))", e.s), 1, 0);
        } else if (isflt && strcmp(op, "neg") == 0) {
            *out = ex_make(dupf(g, "(- %s)", e.s), 0, 0);   /* (not --: a comment) */
        } else if ((isint || isflt) && strcmp(op, "pos") == 0) {
            *out = ex_make(dupf(g, "%s", e.s), 0, e.simple);
        } else if (isint && strcmp(op, "invert") == 0) {
            *out = ex_make(dupf(g, "(~%s)", e.s), 0, 0);        /* -x-1: no overflow */
        } else if (isint && strcmp(op, "neg") == 0 && lit_of(n).is) {
            *out = ex_make(dupf(g, "(%lld)", lit_of(n).v), 0, 1);      /* -literal */
        } else if (isint && strcmp(op, "neg") == 0 && e.simple) {
            *out = ex_make(dupf(g, "(%s == math.mininteger and OVF(\"neg\", %s) or -%s)", e.s,
                                e.s, e.s), 0, 0);
        } else {
            *out = ex_make(dupf(g, "%s(%s)", op, e.s), 0, 0);
        }
        free(e.s);
    } else if (strcmp(h, "and") == 0 || strcmp(h, "or") == 0) {
        return boolop(g, n, h[0] == 'a', out);
    } else if (strcmp(h, "compare") == 0) {
        return compare(g, n, out);
    } else if (strcmp(h, "ifexp") == 0) {
        int t = ++g->tmp;
        Ex c, a, b;
        if (cond_ex(g, n->u.l.v[1], &c) != 0) {
            return -1;
        }
        emit(g, "local t%d; if %s then ", t, c.s);
        free(c.s);
        if (expr(g, n->u.l.v[2], &a) != 0) {
            return -1;
        }
        emit(g, "t%d = %s else ", t, a.s);
        if (expr(g, n->u.l.v[3], &b) != 0) {
            free(a.s);
            return -1;
        }
        emit(g, "t%d = %s end; ", t, b.s);
        *out = ex_make(dupf(g, "t%d", t), a.isbool && b.isbool, 0);
        free(a.s);
        free(b.s);
    } else if (strcmp(h, "call") == 0) {
        const tdmX_Node *f = n->u.l.v[1];
        int kw = 0, st = 0;
        for (int i = 2; i < n->u.l.n; i++) {
            kw |= tdmX_is(n->u.l.v[i], "kw");
            st |= tdmX_is(n->u.l.v[i], "star") || tdmX_is(n->u.l.v[i], "dstar");
        }
        if (st || (kw && !(tdmX_is(f, "builtin") && !is_exc_class(sym(f, 1))))) {
            return call_kw(g, n, out);
        }
        if (tdmX_is(f, "builtin") && (strcmp(sym(f, 1), "str") == 0
                                      || strcmp(sym(f, 1), "_fstr") == 0)
            && n->u.l.n == 3 && int_expr(g->fn, g->intl, n->u.l.v[2])) {
            /* str(int) (and f"{int}") is Lua's integer format, "%lld" */
            return call_args(g, n, 2, "ITOS(%s)", NULL, out);
        }
        if (tdmX_is(f, "builtin") && !is_exc_class(sym(f, 1))) {
            char *fmt = dupf(g, "(B.%s(%%s))", sym(f, 1));
            int rc = fmt ? call_args(g, n, 2, fmt, NULL, out) : -1;
            free(fmt);
            if (rc == 0 && strcmp(sym(f, 1), "bool") == 0) {
                out->isbool = 1;
            }
            return rc;
        }
        if (g->tmp - g->tmp0 < 120) {
            return direct_call(g, n, out);
        }
        return call_args(g, n, 1, "call(%s)", NULL, out);
    } else if (strcmp(h, "list") == 0 || strcmp(h, "tuple") == 0 || strcmp(h, "dict") == 0) {
        char *fmt = dupf(g, "%s_of(%%s)", h);
        int rc = fmt ? call_args(g, n, 1, fmt, NULL, out) : -1;
        free(fmt);
        return rc;
    } else if (strcmp(h, "index") == 0) {
        const tdmX_Node *kids[2] = { n->u.l.v[1], n->u.l.v[2] };
        Ex e[2];
        if (exprs(g, kids, 2, e) != 0) {
            return -1;
        }
        char *cond = list_slot_cond(g, kids[0], kids[1], e);
        /* a None or False element takes the helper, which gives the same */
        *out = ex_make(cond ? dupf(g, "(%s and %s[%s + 1] or getitem(%s, %s))", cond, e[0].s,
                                   e[1].s, e[0].s, e[1].s)
                            : dupf(g, "getitem(%s, %s)", e[0].s, e[1].s), 0, 0);
        if (cond != NULL && out->s != NULL) {      /* for truth_of */
            slot_free(g);
            g->slot.text = dupf(g, "%s", out->s);
            g->slot.cond = cond;
            g->slot.val = dupf(g, "%s[%s + 1]", e[0].s, e[1].s);
            g->slot.o = dupf(g, "%s", e[0].s);
            g->slot.k = dupf(g, "%s", e[1].s);
            if (g->slot.text == NULL || g->slot.val == NULL || g->slot.o == NULL
                || g->slot.k == NULL) {
                slot_free(g);
            }
        } else {
            free(cond);
        }
        free_exs(e, 2);
    } else if (strcmp(h, "slice") == 0) {
        return call_args(g, n, 1, "slice(%s)", NULL, out);
    } else if (strcmp(h, "attr") == 0) {        /* o.name (pyrt/types.lua) */
        Ex o;
        if (expr(g, n->u.l.v[1], &o) != 0) {
            return -1;
        }
        /* of a global (math.pi): a module's attribute is kept (pyrt/pymath.lua) */
        *out = ex_make(dupf(g, "rt.%s(%s, \"%s\")",
                            tdmX_is(n->u.l.v[1], "global") ? "gattr" : "getattr", o.s,
                            sym(n, 2)), 0, 0);
        free(o.s);
    } else if (strcmp(h, "method") == 0 && (rc0 = module_call(g, n, out)) != 0) {
        return rc0 < 0 ? -1 : 0;
    } else if (strcmp(h, "method") == 0 && list_append(g, n)) {
        return inline_append(g, n, out);
    } else if (strcmp(h, "method") == 0 && method_checked(n)) {
        return method_first(g, n, out);
    } else if (strcmp(h, "method") == 0) {
        /* (method obj name args...): obj, then the args */
        int nargs = n->u.l.n - 3;
        Ex *e = calloc((size_t)nargs + 2, sizeof *e);
        const tdmX_Node **kids = calloc((size_t)nargs + 2, sizeof *kids);
        if (e == NULL || kids == NULL) {
            free(e);
            free(kids);
            g->oom = 1;
            return -1;
        }
        kids[0] = n->u.l.v[1];
        for (int i = 0; i < nargs; i++) {
            kids[i + 1] = n->u.l.v[3 + i];
        }
        int rc = exprs(g, kids, nargs + 1, e);
        free(kids);
        if (rc != 0) {
            free(e);
            return -1;
        }
        char *args = join(g, e + 1, nargs, NULL);
        /* list.append and dict.get have C fast paths (lxfast.c); keyword
           arguments keep the helper (its errors) */
        int nokw = 1;
        for (int i = 0; i < nargs; i++) {
            nokw = nokw && !tdmX_is(n->u.l.v[3 + i], "kw");
        }
        const char *fast = !nokw ? NULL
                         : strcmp(sym(n, 2), "append") == 0 && nargs == 1 ? "MAPPEND"
                         : strcmp(sym(n, 2), "get") == 0 && (nargs == 1 || nargs == 2) ? "MGET"
                         : NULL;
        if (fast != NULL) {
            *out = ex_make(dupf(g, "%s(%s, %s)", fast, e[0].s, args ? args : ""), 0, 0);
        } else {
            *out = ex_make(dupf(g, "%s(%s, \"%s\"%s%s)", nokw ? "method" : "rt.methodkw", e[0].s,
                                sym(n, 2), nargs ? ", " : "", args ? args : ""), 0, 0);
        }
        free(args);
        free_exs(e, nargs + 1);
        free(e);
    } else {
        return gen_fail(g, 0, "the IR expression '%s' has no Lua translation yet", h);
    }
    if (out->s == NULL) {
        g->oom = 1;
        return -1;
    }
    return 0;
}

/* Compile n with gen (expr, cond_ex) into a side buffer: *pre gets its
   statements. */
static int gen_pre(Gen *g, const tdmX_Node *n, Ex *out, Buf *pre,
                   int (*gen)(Gen *, const tdmX_Node *, Ex *))
{
    Buf *save = g->o;
    memset(pre, 0, sizeof *pre);
    g->o = pre;
    int rc = gen(g, n, out);
    g->o = save;
    if (rc != 0) {
        free(pre->p);
        pre->p = NULL;
    }
    return rc;
}

static int expr_pre(Gen *g, const tdmX_Node *n, Ex *out, Buf *pre)
{
    return gen_pre(g, n, out, pre, expr);
}

/* expr_pre of a condition: an and/or/not through cond_ex (a Lua boolean,
   each operand's truth asked once), anything else as expr_pre gives it */
static int cond_pre(Gen *g, const tdmX_Node *n, Ex *out, Buf *pre)
{
    return gen_pre(g, n, out, pre, is_boolop(n) ? cond_ex : expr);
}

/* ---- statements ---------------------------------------------------------------- */

static int block(Gen *g, const tdmX_Node *b);

static void emit_return(Gen *g, const char *val)
{
    char tv[32];
    int wrapped = 0;
    if (g->finret && g->ntry == 0) {   /* (in a try's closure: its rt.try does) */
        /* the value first, with the exception still handled (`return
           sys.exc_info()[0]` in an except clause), then the chain put back */
        int t = ++g->tmp;
        emit(g, "do local t%d = %s; rt.sethandled(t%d) ", t, val, g->finret);
        snprintf(tv, sizeof tv, "t%d", t);
        val = tv;
        wrapped = 1;
    }
    if (g->ntry > 0) {
        emit(g, "do return 1, %s end", val);
    } else {
        /* parenthesised: not a tail call, so the frame stays for error positions */
        if (g->ingen || g->leaf) {
            emit(g, "do return (%s) end", val);     /* ends the generator's coroutine */
        } else {
            emit(g, "do DEPTH = D - 1 return (%s) end", val);
        }
    }
    if (wrapped) {
        eput(g, " end");
    }
}

static void emit_break(Gen *g)
{
    if (g->finloop && g->looptry == 0) {
        emit(g, "rt.sethandled(t%d) ", g->finloop);
    }
    if (g->looptry > 0) {
        eput(g, "do return 2 end");
    } else if (g->brkflag) {
        emit(g, "t%d = true; do break end", g->brkflag);
    } else {
        eput(g, "do break end");
    }
}

static void emit_continue(Gen *g)
{
    if (g->finloop && g->looptry == 0) {
        emit(g, "rt.sethandled(t%d) ", g->finloop);
    }
    if (g->looptry > 0) {
        eput(g, "do return 3 end");
    } else {
        emit(g, "goto c%d", g->cont);
    }
}

/* Assign the Lua expression `val` (already evaluated, or simple) to target t. */
static int assign_to(Gen *g, const tdmX_Node *t, const char *val)
{
    const char *h = tdmX_head(t);
    if (strcmp(h, "local") == 0 || strcmp(h, "free") == 0) {
        emit(g, "v_%s = %s; ", sym(t, 1), val);
        return 0;
    }
    if (strcmp(h, "pycell") == 0) {
        emit(g, "rt.setcell(K, \"%s\", %s); ", sym(t, 1), val);
        return 0;
    }
    if (strcmp(h, "index") == 0) {
        const tdmX_Node *kids[2] = { t->u.l.v[1], t->u.l.v[2] };
        Ex e[2];
        if (exprs(g, kids, 2, e) != 0) {
            return -1;
        }
        char *cond = list_slot_cond(g, kids[0], kids[1], e);
        if (cond != NULL) {
            emit(g, "if %s then %s[%s + 1] = %s else setitem(%s, %s, %s) end; ", cond, e[0].s,
                 e[1].s, val, e[0].s, e[1].s, val);
            free(cond);
        } else {
            emit(g, "setitem(%s, %s, %s); ", e[0].s, e[1].s, val);
        }
        free_exs(e, 2);
        return 0;
    }
    if (strcmp(h, "tuple") == 0) {
        int k = t->u.l.n - 1;
        int first = g->tmp + 1;
        int star = -1;
        for (int i = 0; i < k; i++) {
            if (tdmX_is(t->u.l.v[i + 1], "star")) {
                star = i;
            }
        }
        g->tmp += k;
        eput(g, "local ");
        for (int i = 0; i < k; i++) {
            emit(g, "%st%d", i ? ", " : "", first + i);
        }
        if (star >= 0) {        /* a, *b, c = v: b gets a list of the rest (pyrt/expr.lua) */
            emit(g, " = rt.unpackex(%s, %d, %d); ", val, star, k - star - 1);
        } else {
            emit(g, " = unpack(%s, %d); ", val, k);
        }
        for (int i = 0; i < k; i++) {
            char name[32];
            const tdmX_Node *ti = t->u.l.v[i + 1];
            snprintf(name, sizeof name, "t%d", first + i);
            if (assign_to(g, tdmX_is(ti, "star") ? ti->u.l.v[1] : ti, name) != 0) {
                return -1;
            }
        }
        return 0;
    }
    if (strcmp(h, "global") == 0) {     /* through the host: the module's globals */
        emit(g, "rt.setglobal(H, K, \"%s\", %s); ", sym(t, 1), val);
        return 0;
    }
    if (strcmp(h, "attr") == 0) {       /* o.name = v (pyrt/types.lua) */
        Ex o;
        if (expr(g, t->u.l.v[1], &o) != 0) {
            return -1;
        }
        emit(g, "rt.setattr(%s, \"%s\", %s); ", o.s, sym(t, 2), val);
        free(o.s);
        return 0;
    }
    if (strcmp(h, "slice") == 0) {      /* a[lo:hi:step] = v (pyrt/expr.lua) */
        const tdmX_Node *kids[4] = { t->u.l.v[1], t->u.l.v[2], t->u.l.v[3], t->u.l.v[4] };
        Ex e[4];
        if (exprs(g, kids, 4, e) != 0) {
            return -1;
        }
        emit(g, "rt.setslice(%s, %s, %s, %s, %s); ", e[0].s, e[1].s, e[2].s, e[3].s, val);
        free_exs(e, 4);
        return 0;
    }
    return gen_fail(g, 0, "assignment target '%s' has no Lua translation", h);
}

/* Statement text into a side buffer; when it declared temporaries, wrap it in
   do ... end so they do not pile up in the function's scope. */
typedef struct Mark { Buf *save; Buf side; int tmp; } Mark;

static void side_begin(Gen *g, Mark *mk)
{
    mk->save = g->o;
    memset(&mk->side, 0, sizeof mk->side);
    mk->tmp = g->tmp;
    g->o = &mk->side;
}

static void side_end(Gen *g, Mark *mk, int wrap)
{
    g->o = mk->save;
    if (mk->side.n > 0) {
        if (wrap && g->tmp != mk->tmp) {
            eput(g, "do ");
            bput(g, mk->side.p, mk->side.n);
            eput(g, " end");
        } else {
            bput(g, mk->side.p, mk->side.n);
        }
    }
    free(mk->side.p);
}

/* del TARGET: a name becomes unbound (reading it then raises), items and
   slices are deleted (pyrt/expr.lua), a tuple deletes left to right. */
static int del_target(Gen *g, const tdmX_Node *t)
{
    const char *h = tdmX_head(t);
    if (strcmp(h, "local") == 0) {
        emit(g, "if v_%s == UNB then unbound(\"%s\") end v_%s = UNB; ", sym(t, 1), sym(t, 1),
             sym(t, 1));
        return 0;
    }
    if (strcmp(h, "free") == 0) {
        emit(g, "if v_%s == UNB then freeunbound(\"%s\") end v_%s = UNB; ", sym(t, 1),
             sym(t, 1), sym(t, 1));
        return 0;
    }
    if (strcmp(h, "global") == 0) {
        emit(g, "rt.delglobal(H, K, \"%s\"); ", sym(t, 1));
        return 0;
    }
    if (strcmp(h, "attr") == 0) {
        Ex o;
        if (expr(g, t->u.l.v[1], &o) != 0) {
            return -1;
        }
        emit(g, "rt.delattr(%s, \"%s\"); ", o.s, sym(t, 2));
        free(o.s);
        return 0;
    }
    if (strcmp(h, "index") == 0 || strcmp(h, "slice") == 0) {
        Ex e;
        if (call_args(g, t, 1, strcmp(h, "index") == 0 ? "rt.delitem(%s)" : "rt.delslice(%s)",
                      NULL, &e) != 0) {
            return -1;
        }
        emit(g, "%s; ", e.s);
        free(e.s);
        return 0;
    }
    if (strcmp(h, "tuple") == 0) {
        for (int i = 1; i < t->u.l.n; i++) {
            if (del_target(g, t->u.l.v[i]) != 0) {
                return -1;
            }
        }
        return 0;
    }
    return gen_fail(g, 0, "del of '%s' has no Lua translation", h);
}

/* The inline form of DINCR/AINCR when d is a dict local (every assignment
   of it a new dict, so it holds a pyrt dict whenever it is read): an existing
   key holding an integer whose sum with the literal n does not overflow gets
   the sum in place, in Lua, with one light C call (ISINT); anything else is
   the call `slow`. The key needs no type test: pos maps the Lua key of every
   Python key (a str itself, an int itself, an integral float as that int,
   anything else to a table of pyrt's own or nothing), and Lua's indexing
   normalises an integral float key as keyof does; so pos[k] finds a slot
   exactly when the dict holds a key equal to k of one of those types, and
   every other k (a bool, None, a tuple, a NaN, an unhashable) misses and goes
   the slow way. The value is replaced in place: the key, its position and
   the dict's size stay, as in CPython. n >= 0 (the front end writes `-1` as
   a negation, not a literal). */
static void incr_inline(Gen *g, const char *d, const char *k, long long n, const char *slow)
{
    int p = ++g->tmp, v = ++g->tmp;
    char bound[64] = "";
    if (n > 0) {
        snprintf(bound, sizeof bound, " and t%d <= %lld", v, MAXI_ - n);
    }
    emit(g, "local t%d = %s.pos[%s] local t%d = t%d and %s.vals[t%d] if t%d and ISINT(t%d)%s "
         "then %s.vals[t%d] = t%d + %lld else %s end", p, d, k, v, p, d, p, p, v, bound, d, p, v,
         n, slow);
}

static int dict_local(Gen *g, const tdmX_Node *n)
{
    return tdmX_is(n, "local") && int_local(g->fn, g->dictl, sym(n, 1))
           && !is_cell(g->fn, sym(n, 1));
}

/* (assign L (index (local d) (local k)) (binop add (method (local d) get
   (local k) (int c)) (int n))): `d[k] = d.get(k, c) + n`, the counting idiom,
   as one call DINCR(d, k, c, n) (lxfast.c: an existing str/int key of a dict
   holding an int; anything else is the helper rt.dincr, which runs get, add
   and setitem as the statement would). d and k are locals, read twice as
   Python reads them (nothing between the reads can rebind a local). */
static int dincr_stmt(Gen *g, const tdmX_Node *s)
{
    const tdmX_Node *t = s->u.l.v[2], *v = s->u.l.v[3];
    if (!tdmX_is(t, "index") || t->u.l.n != 3 || !tdmX_is(t->u.l.v[1], "local")
        || !tdmX_is(t->u.l.v[2], "local") || !tdmX_is(v, "binop") || v->u.l.n != 4
        || strcmp(sym(v, 1), "add") != 0 || !tdmX_is(v->u.l.v[3], "int")) {
        return 0;
    }
    const tdmX_Node *m = v->u.l.v[2];
    if (!tdmX_is(m, "method") || m->u.l.n != 5 || strcmp(sym(m, 2), "get") != 0
        || !tdmX_is(m->u.l.v[1], "local") || !tdmX_is(m->u.l.v[3], "local")
        || !tdmX_is(m->u.l.v[4], "int")
        || strcmp(sym(m->u.l.v[1], 1), sym(t->u.l.v[1], 1)) != 0
        || strcmp(sym(m->u.l.v[3], 1), sym(t->u.l.v[2], 1)) != 0) {
        return 0;
    }
    const tdmX_Node *kids[4] = { t->u.l.v[1], t->u.l.v[2], m->u.l.v[4], v->u.l.v[3] };
    Ex e[4];
    if (exprs(g, kids, 4, e) != 0) {
        return -1;
    }
    int ok = e[0].simple && e[1].simple && strncmp(e[0].s, "v_", 2) == 0
             && strncmp(e[1].s, "v_", 2) == 0;
    if (ok) {
        Lit c = lit_of(kids[3]);
        char *slow = dupf(g, "DINCR(%s, %s, %s, %s)", e[0].s, e[1].s, e[2].s, e[3].s);
        if (slow == NULL) {
            ok = -1;
        } else if (dict_local(g, kids[0]) && c.is && c.v >= 0) {
            incr_inline(g, e[0].s, e[1].s, c.v, slow);
        } else {
            emit(g, "%s", slow);
        }
        free(slow);
    }
    free_exs(e, 4);
    return ok;
}

/* (aug L (index (local d) (local k)) iadd (int n)): `d[k] += n` as one call
   AINCR(d, k, n) (lxfast.c: an existing str/int key of a dict holding an
   int; anything else is the helper rt.aincr: getitem, iadd, setitem, in the
   statement's order; the literal has no effect to order). */
static int aincr_stmt(Gen *g, const tdmX_Node *s)
{
    if (s->u.l.n != 5) {
        return 0;
    }
    const tdmX_Node *t = s->u.l.v[2], *v = s->u.l.v[4];
    if (!tdmX_is(t, "index") || t->u.l.n != 3 || !tdmX_is(t->u.l.v[1], "local")
        || !tdmX_is(t->u.l.v[2], "local") || !tdmX_is(v, "int")
        || strcmp(base_op(sym(s, 3)), "add") != 0) {
        return 0;
    }
    const tdmX_Node *kids[3] = { t->u.l.v[1], t->u.l.v[2], v };
    Ex e[3];
    if (exprs(g, kids, 3, e) != 0) {
        return -1;
    }
    int ok = e[0].simple && e[1].simple && strncmp(e[0].s, "v_", 2) == 0
             && strncmp(e[1].s, "v_", 2) == 0;
    if (ok) {
        Lit c = lit_of(v);
        char *slow = dupf(g, "AINCR(%s, %s, %s)", e[0].s, e[1].s, e[2].s);
        if (slow == NULL) {
            ok = -1;
        } else if (dict_local(g, t->u.l.v[1]) && c.is && c.v >= 0) {
            incr_inline(g, e[0].s, e[1].s, c.v, slow);
        } else {
            emit(g, "%s", slow);
        }
        free(slow);
    }
    free_exs(e, 3);
    return ok;
}

/* (call (builtin tdm_fresh) X): a display or comprehension assigned directly */
static int fresh_value(const tdmX_Node *v)
{
    return tdmX_is(v, "call") && v->u.l.n == 3 && tdmX_is(v->u.l.v[1], "builtin")
           && strcmp(sym(v->u.l.v[1], 1), "tdm_fresh") == 0;
}

static int simple_stmt(Gen *g, const tdmX_Node *s, const char *h)
{
    Mark mk;
    side_begin(g, &mk);
    int rc = 0;
    if (strcmp(h, "assign") == 0 && (rc = dincr_stmt(g, s)) != 0) {
        rc = rc < 0 ? -1 : 0;
    } else if (strcmp(h, "aug") == 0 && (rc = aincr_stmt(g, s)) != 0) {
        rc = rc < 0 ? -1 : 0;
    } else if (strcmp(h, "expr") == 0) {
        Ex e;
        rc = expr(g, s->u.l.v[2], &e);
        if (rc == 0) {
            emit(g, "local _ = %s", e.s);
            g->tmp++;           /* forces the do ... end */
            free(e.s);
        }
    } else if (strcmp(h, "assign") == 0 && tdmX_is(s->u.l.v[2], "index")
               && fresh_value(s->u.l.v[3])) {
        /* o[k] = a display: the value, then o and k, rt.setfresh (a Python
           container may take it as it is: pyrt/hostcall.lua) */
        const tdmX_Node *t = s->u.l.v[2];
        Ex e;
        rc = expr(g, s->u.l.v[3]->u.l.v[2], &e);
        if (rc == 0) {
            int tv = ++g->tmp;
            emit(g, "local t%d = %s; ", tv, e.s);
            free(e.s);
            const tdmX_Node *kids[2] = { t->u.l.v[1], t->u.l.v[2] };
            Ex ok[2];
            rc = exprs(g, kids, 2, ok);
            if (rc == 0) {
                emit(g, "rt.setfresh(%s, %s, t%d)", ok[0].s, ok[1].s, tv);
                free_exs(ok, 2);
            }
        }
    } else if (strcmp(h, "assign") == 0) {
        Ex e;
        const tdmX_Node *t = s->u.l.v[2];
        rc = expr(g, s->u.l.v[3], &e);
        if (rc == 0) {
            if (tdmX_is(t, "local") || tdmX_is(t, "free")) {
                emit(g, "v_%s = %s", sym(t, 1), e.s);
            } else {
                int tv = ++g->tmp;
                emit(g, "local t%d = %s; ", tv, e.s);
                char name[32];
                snprintf(name, sizeof name, "t%d", tv);
                rc = assign_to(g, t, name);
            }
            free(e.s);
        }
    } else if (strcmp(h, "aug") == 0 && tdmX_is(s->u.l.v[2], "attr")) {
        /* (aug L (attr o name) op v): o once, its attribute, v, the write */
        const tdmX_Node *t = s->u.l.v[2];
        Ex o;
        rc = expr(g, t->u.l.v[1], &o);
        if (rc == 0) {
            int to = ++g->tmp, tc = ++g->tmp;
            emit(g, "local t%d = %s; local t%d = rt.getattr(t%d, \"%s\"); ", to, o.s, tc, to,
                 sym(t, 2));
            free(o.s);
            Ex v;
            rc = expr(g, s->u.l.v[4], &v);
            if (rc == 0) {
                emit(g, "rt.setattr(t%d, \"%s\", %s(t%d, %s))", to, sym(t, 2), sym(s, 3), tc,
                     v.s);
                free(v.s);
            }
        }
    } else if (strcmp(h, "aug") == 0) {
        /* (aug L (index o k) op v): o and k evaluated once */
        const tdmX_Node *t = s->u.l.v[2];
        const tdmX_Node *kids[2] = { t->u.l.v[1], t->u.l.v[2] };
        Ex e[2];
        rc = exprs(g, kids, 2, e);
        if (rc == 0) {
            int to = ++g->tmp, tk = ++g->tmp, tc = ++g->tmp;
            emit(g, "local t%d, t%d = %s, %s; local t%d = getitem(t%d, t%d); ", to, tk, e[0].s,
                 e[1].s, tc, to, tk);
            free_exs(e, 2);
            Ex v;
            rc = expr(g, s->u.l.v[4], &v);
            if (rc == 0) {
                emit(g, "setitem(t%d, t%d, %s(t%d, %s))", to, tk, sym(s, 3), tc, v.s);
                free(v.s);
            }
        }
    } else if (strcmp(h, "return") == 0) {
        if (absent(s->u.l.v[2])) {
            emit_return(g, "nil");
        } else {
            Ex e;
            rc = expr(g, s->u.l.v[2], &e);
            if (rc == 0) {
                emit_return(g, e.s);
                free(e.s);
            }
        }
    } else if (strcmp(h, "raise") == 0) {
        if (absent(s->u.l.v[2])) {
            if (g->exc) {
                emit(g, "error(t%d, 0)", g->exc);
            } else {
                /* in a finally block, the exception it runs for; else the one
                   being handled where the function was called from (rt.handled),
                   or "No active exception to reraise" */
                if (g->finok) {
                    emit(g, "if not t%d then error(t%d, 0) end ", g->finok, g->fincode);
                }
                eput(g, "rt.reraise_handled()");
            }
        } else {
            Ex e;
            rc = expr(g, s->u.l.v[2], &e);
            if (rc == 0) {
                emit(g, "raise(%s)", e.s);
                free(e.s);
            }
        }
    } else if (strcmp(h, "assert") == 0) {
        Ex c;
        rc = cond_ex(g, s->u.l.v[2], &c);
        if (rc == 0) {
            emit(g, "if not %s then ", c.s);
            free(c.s);
            if (absent(s->u.l.v[3])) {
                eput(g, "assertfail(nil, false)");
            } else {
                Ex m;
                rc = expr(g, s->u.l.v[3], &m);
                if (rc == 0) {
                    emit(g, "assertfail(%s, true)", m.s);
                    free(m.s);
                }
            }
            eput(g, " end");
        }
    } else if (strcmp(h, "del") == 0) {
        rc = del_target(g, s->u.l.v[2]);
    } else if (strcmp(h, "break") == 0) {
        emit_break(g);
    } else if (strcmp(h, "continue") == 0) {
        emit_continue(g);
    } else if (strcmp(h, "pass") == 0) {
        /* nothing */
    } else {
        rc = gen_fail(g, (int)s->u.l.v[1]->u.i, "the IR statement '%s' has no Lua "
                      "translation yet", h);
    }
    side_end(g, &mk, 1);
    return rc;
}

static int stmt(Gen *g, const tdmX_Node *s);
static int stmt_versions(Gen *g, const tdmX_Node *s, const char *h);

static int if_stmt(Gen *g, const tdmX_Node *s)
{
    Ex c;
    Buf pre;
    if (cond_pre(g, s->u.l.v[2], &c, &pre) != 0) {
        return -1;
    }
    char *cs;
    int slot = !c.isbool && g->slot.text != NULL && strcmp(c.s, g->slot.text) == 0;
    if (slot) {
        /* `if o[k]:` on an inline list slot: the range condition once, the
           slot read once (truth_of's expression repeats both when false) */
        int tc = ++g->tmp, ts = ++g->tmp;
        cs = dupf(g, "local t%d = %s; local t%d = t%d and %s; if t%d == true or t%d and "
                  "truth(t%d) or not t%d and truth(getitem(%s, %s)) then", tc, g->slot.cond, ts,
                  tc, g->slot.val, ts, ts, ts, tc, g->slot.o, g->slot.k);
    } else {
        truth_of(g, &c, &cs);
    }
    int wrap = pre.n > 0 || slot;
    if (wrap) {
        eput(g, "do ");
        bput(g, pre.p, pre.n);
    }
    emit(g, slot ? "%s" : "if %s then", cs);
    free(cs);
    free(c.s);
    g->indent++;
    int rc = block(g, s->u.l.v[3]);
    if (rc == 0 && tdmX_len(s->u.l.v[4]) > 1) {
        eput(g, " else");
        rc = block(g, s->u.l.v[4]);
    }
    g->indent--;
    eput(g, " end");
    if (wrap) {
        eput(g, " end");
    }
    free(pre.p);
    return rc;
}

/* Loop context saved around a loop body. */
typedef struct LoopSave { int looptry, inloop, cont, brkflag, finloop; } LoopSave;

static void loop_enter(Gen *g, LoopSave *ls, int brkflag)
{
    ls->looptry = g->looptry;
    ls->inloop = g->inloop;
    ls->cont = g->cont;
    ls->brkflag = g->brkflag;
    ls->finloop = g->finloop;
    g->finloop = 0;
    g->looptry = 0;
    g->inloop = 1;
    g->cont = ++g->lbl;
    g->brkflag = brkflag;
}

static void loop_leave(Gen *g, const LoopSave *ls)
{
    g->looptry = ls->looptry;
    g->inloop = ls->inloop;
    g->cont = ls->cont;
    g->brkflag = ls->brkflag;
    g->finloop = ls->finloop;
}

static int loop_body(Gen *g, const tdmX_Node *body)
{
    eput(g, " do");
    g->indent++;
    int rc = block(g, body);
    g->indent--;
    emit(g, " end ::c%d::", g->cont);
    return rc;
}

static int loop_else(Gen *g, const tdmX_Node *els, int flag)
{
    if (!flag) {
        return 0;
    }
    emit(g, " if not t%d then", flag);
    g->indent++;
    int rc = block(g, els);
    g->indent--;
    eput(g, " end");
    return rc;
}

static int while_stmt(Gen *g, const tdmX_Node *s)
{
    int hasels = tdmX_len(s->u.l.v[4]) > 1;
    int flag = hasels ? ++g->tmp : 0;
    Ex c;
    Buf pre;
    if (cond_pre(g, s->u.l.v[2], &c, &pre) != 0) {
        return -1;
    }
    char *cs;
    truth_of(g, &c, &cs);
    eput(g, "do ");
    if (flag) {
        emit(g, "local t%d = false; ", flag);
    }
    LoopSave ls;
    loop_enter(g, &ls, flag);
    if (pre.n > 0) {
        eput(g, "while true do ");
        bput(g, pre.p, pre.n);
        emit(g, "if not %s then break end", cs);
    } else {
        emit(g, "while %s do", cs);
    }
    free(cs);
    free(c.s);
    free(pre.p);
    int rc = loop_body(g, s->u.l.v[3]);
    loop_leave(g, &ls);
    eput(g, " end");
    if (rc == 0) {
        rc = loop_else(g, s->u.l.v[4], flag);
    }
    eput(g, " end");
    return rc;
}

/* Does expression n contain no call (of anything), lambda or yield? */
static int no_calls(const tdmX_Node *n)
{
    if (n == NULL || n->kind != TDMX_LIST || n->u.l.n == 0) {
        return 1;
    }
    if (tdmX_is(n, "call") || tdmX_is(n, "method") || tdmX_is(n, "lambda")
            || tdmX_is(n, "yield") || tdmX_is(n, "yieldfrom")) {
        return 0;
    }
    for (int i = 1; i < n->u.l.n; i++) {
        if (!no_calls(n->u.l.v[i])) {
            return 0;
        }
    }
    return 1;
}

/* `for x in f(args)` where nothing but the call itself can make a generator:
   if f is a generator function, the loop holds the only reference to the
   generator it made (pyrt/gen.lua: rt.owned). */
static int owns_iterable(const tdmX_Node *it)
{
    if (!tdmX_is(it, "call") || !no_calls(it->u.l.v[1])) {
        return 0;
    }
    for (int i = 2; i < it->u.l.n; i++) {
        if (!no_calls(it->u.l.v[i])) {
            return 0;
        }
    }
    return 1;
}

/* Is name one of f's cells (locals nested functions share)? */
static int is_cell(const tdmX_Func *f, const char *name)
{
    for (int i = 1; i < tdmX_len(f->cells); i++) {
        if (strcmp(sym(f->cells, i), name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* `for j in range(...)` whose body only stores constants into list locals at
   index j (`flags[j] = False`): nothing in it can change a list's length, call
   anything or raise but an IndexError, so when the first and the last index
   are in range for every list, every index is. The number of stores (each
   list a list local not shared with a nested function: nothing else can
   reach it), or 0; *whenT: the lists are lists only when T. */
static int store_loop(Gen *g, const tdmX_Node *s, int *whenT)
{
    const tdmX_Node *target = s->u.l.v[2], *body = s->u.l.v[s->u.l.n - 2];
    const tdmX_Node *els = s->u.l.v[s->u.l.n - 1];
    if (!tdmX_is(target, "local") || tdmX_len(els) > 1 || tdmX_len(body) < 2) {
        return 0;
    }
    *whenT = 0;
    for (int i = 1; i < tdmX_len(body); i++) {
        const tdmX_Node *a = body->u.l.v[i];
        if (!tdmX_is(a, "assign") || a->u.l.n != 4) {
            return 0;
        }
        const tdmX_Node *t = a->u.l.v[2], *v = a->u.l.v[3];
        if (!tdmX_is(t, "index") || t->u.l.n != 3 || !tdmX_is(t->u.l.v[1], "local")
            || !tdmX_is(t->u.l.v[2], "local") || strcmp(sym(t->u.l.v[2], 1), sym(target, 1)) != 0) {
            return 0;
        }
        if (!tdmX_is(v, "true") && !tdmX_is(v, "false") && !tdmX_is(v, "none")
            && !tdmX_is(v, "int")) {
            return 0;
        }
        const char *l = sym(t->u.l.v[1], 1);
        if (is_cell(g->fn, l) || strcmp(l, sym(target, 1)) == 0) {
            return 0;
        }
        if (!int_local(g->fn, g->listl, l)) {
            if (g->intlT == NULL || !int_local(g->fn, g->listlT, l)) {
                return 0;
            }
            *whenT = 1;
        }
    }
    return tdmX_len(body) - 1;
}

/* The fast version of a store loop (store_loop): `if <all in range> then for
   ... stores ... end else`, the general loop following. a, b: the range's
   first and last values; iv the loop's index temporary. */
static int store_loop_fast(Gen *g, const tdmX_Node *s, int whenT, int a, int b, int c, int iv)
{
    const tdmX_Node *target = s->u.l.v[2], *body = s->u.l.v[s->u.l.n - 2];
    Ex *lst = calloc((size_t)tdmX_len(body), sizeof *lst);
    Ex *val = calloc((size_t)tdmX_len(body), sizeof *val);
    int n = tdmX_len(body) - 1, rc = 0, k = 0;
    if (lst == NULL || val == NULL) {
        free(lst);
        free(val);
        g->oom = 1;
        return -1;
    }
    for (; k < n && rc == 0; k++) {
        const tdmX_Node *as = body->u.l.v[k + 1];
        rc = expr(g, as->u.l.v[2]->u.l.v[1], &lst[k]);
        if (rc == 0 && (rc = expr(g, as->u.l.v[3], &val[k])) != 0) {
            free(lst[k].s);
        }
        if (rc == 0 && (!lst[k].simple || strncmp(lst[k].s, "v_", 2) != 0)) {
            rc = 1;                     /* a read that checks for unbound: not here */
            free(lst[k].s);
            free(val[k].s);
        }
    }
    if (rc != 0) {
        free_exs(lst, k - 1);
        free_exs(val, k - 1);
        free(lst);
        free(val);
        return rc < 0 ? -1 : 0;
    }
    emit(g, "if %s", whenT ? "T and " : "");
    for (int i = 0; i < n; i++) {
        emit(g, "t%d >= 0 and t%d >= 0 and t%d < %s.n and t%d < %s.n and ", a, b, a, lst[i].s, b,
             lst[i].s);
    }
    /* the Lua index runs over the slots (a + 1 .. b + 1: no overflow, both
       are below a list's length); nothing in the body reads the Python
       variable or can raise, so it is assigned once, after the loop, the
       last index (a + (b - a) // c * c: b - a cannot overflow either) */
    emit(g, "true then for t%d = t%d + 1, t%d + 1, t%d do", iv, a, b, c);
    for (int i = 0; i < n; i++) {
        emit(g, " %s[t%d] = %s", lst[i].s, iv, val[i].s);
    }
    emit(g, " end if t%d > 0 and t%d <= t%d or t%d < 0 and t%d >= t%d then local t%d = t%d + "
         "(t%d - t%d) // t%d * t%d; ", c, a, b, c, a, b, iv, a, b, a, c, c);
    char name[32];
    snprintf(name, sizeof name, "t%d", iv);
    Mark mk;
    side_begin(g, &mk);
    rc = assign_to(g, target, name);
    side_end(g, &mk, 1);
    eput(g, " end else ");
    free_exs(lst, n);
    free_exs(val, n);
    free(lst);
    free(val);
    return rc != 0 ? -1 : 1;
}

static int for_stmt(Gen *g, const tdmX_Node *s, int range)
{
    int nk = s->u.l.n;
    const tdmX_Node *target = s->u.l.v[2], *body = s->u.l.v[nk - 2], *els = s->u.l.v[nk - 1];
    int hasels = tdmX_len(els) > 1;
    int flag = hasels ? ++g->tmp : 0;
    int rc;
    eput(g, "do ");
    if (flag) {
        emit(g, "local t%d = false; ", flag);
    }
    int iv = ++g->tmp;
    int fastl = 0;
    if (range) {
        const tdmX_Node *kids[3] = { s->u.l.v[3], s->u.l.v[4], s->u.l.v[5] };
        Ex e[3];
        if (exprs(g, kids, 3, e) != 0) {
            return -1;
        }
        int a = ++g->tmp, b = ++g->tmp, c = ++g->tmp;
        emit(g, "local t%d, t%d, t%d = range(%s, %s, %s); if t%d then ", a, b, c, e[0].s, e[1].s,
             e[2].s, a);
        free_exs(e, 3);
        int whenT;
        if (!flag && store_loop(g, s, &whenT) > 0) {
            fastl = store_loop_fast(g, s, whenT, a, b, c, iv);
            if (fastl < 0) {
                return -1;
            }
        }
        emit(g, "for t%d = t%d, t%d, t%d do ", iv, a, b, c);
    } else {
        Ex e;
        const tdmX_Node *itn = s->u.l.v[3];
        int own = owns_iterable(itn);
        /* `for w in X.split():` on a str streams the words (rt.splitw) */
        int sw = !own && tdmX_is(itn, "method") && itn->u.l.n == 3
                 && strcmp(sym(itn, 2), "split") == 0 ? ++g->tmp : 0;
        if (own) {
            eput(g, "rt.lastgen = nil; ");
        }
        if (expr(g, sw ? itn->u.l.v[1] : itn, &e) != 0) {
            return -1;
        }
        if (sw) {
            int recv = ++g->tmp;
            emit(g, "local t%d = %s; local t%d = SPLITW(t%d); ", recv, e.s, sw, recv);
            free(e.s);
            e.s = dupf(g, "(t%d or method(t%d, \"split\"))", sw, recv);
            if (e.s == NULL) {
                return -1;
            }
        }
        int it = ++g->tmp;
        if (own) {
            /* a generator the loop made is closed when the loop is left early
               (break, return, an exception), as CPython's reference count does */
            int src = ++g->tmp, cl = ++g->tmp;
            emit(g, "local t%d = %s; local t%d <close> = rt.owned(t%d); ", src, e.s, cl, src);
            free(e.s);
            e.s = dupf(g, "t%d", src);
            if (e.s == NULL) {
                return -1;
            }
        }
        if (own) {
            emit(g, "local t%d = iter(%s); while true do local ok, t%d = t%d(); if not ok then "
                 "break end ", it, e.s, iv, it);
        } else {
            /* a list or tuple is walked by index, reading its length at each
               step as pyrt's (and CPython's) list iterator does, without a
               closure call per item; anything else through iter() */
            int src = ++g->tmp, isl = ++g->tmp, idx = ++g->tmp;
            char swt[32] = "";
            if (sw) {
                snprintf(swt, sizeof swt, "not t%d and ", sw);
            }
            emit(g, "local t%d = %s; local t%d = GMT(t%d); t%d = t%d == LIST or t%d == TUPLE; "
                 "local t%d = not t%d and %siter(t%d); local t%d = 0; while true do local t%d; ",
                 src, e.s, isl, src, isl, isl, isl, it, isl, swt, src, idx, iv);
            if (sw) {
                /* src is the gmatch iterator itself then: not a list, not iter()'d */
                emit(g, "if t%d then t%d = t%d() if t%d == nil then break end else", sw, iv, sw,
                     iv);               /* "else" "if": one elseif chain */
            }
            emit(g, "if t%d then t%d = t%d + 1 if t%d > t%d.n then break end t%d = t%d[t%d] else "
                 "local ok; ok, t%d = t%d() if not ok then break end end ", isl, idx, idx, idx,
                 src, iv, src, idx, iv, it);
        }
        free(e.s);
    }
    char name[32];
    snprintf(name, sizeof name, "t%d", iv);
    Mark mk;
    side_begin(g, &mk);
    rc = assign_to(g, target, name);
    side_end(g, &mk, 1);
    if (rc != 0) {
        return -1;
    }
    LoopSave ls;
    loop_enter(g, &ls, flag);
    rc = loop_body(g, body);
    loop_leave(g, &ls);
    eput(g, range ? (fastl ? " end end end" : " end end") : " end");
    if (rc == 0) {
        rc = loop_else(g, els, flag);
    }
    eput(g, " end");
    return rc;
}

/* Whether an except clause's (or a finally block's) body makes no call
   (assignments, operators, indexing and attribute reads of locals and
   constants, pass, return, break, continue): its exception is not handed to
   the host (rt.handle), which costs three host calls per handled exception.
   (An operator of a Python object, or a property, run there does not see
   it: docs/translation.md.) */
static int only_heads(const tdmX_Node *n, const char *const *ok, int headless_ok);
static int quiet_handler(const tdmX_Node *body)
{
    static const char *const ok[] = {
        "block", "pass", "return", "assign", "aug", "local", "free", "break", "continue",
        "int", "float", "str", "true", "false", "none", "binop", "unop", "compare", "and",
        "or", "ifexp", "index", "attr", "if", NULL,
    };
    return only_heads(body, ok, 1);
}

/* One except clause h for the exception in temp c1: its class tested
   (`if match(...) then`, left open for the caller to end), the exception
   pushed as the one being handled (sys.exc_info(), a bare raise in a
   function called here, __context__: rt.handle), the name bound around the
   body. */
static int except_clause(Gen *g, const tdmX_Node *h, int c1)
{
    const tdmX_Node *cls = h->u.l.v[1];
    Ex ce = { NULL, 0, 0 };
    if (!absent(cls)) {
        Buf pre;
        if (expr_pre(g, cls, &ce, &pre) != 0) {
            return -1;
        }
        bput(g, pre.p, pre.n);
        free(pre.p);
    }
    emit(g, " if match(t%d, %s) then", c1, ce.s ? ce.s : "nil");
    free(ce.s);
    emit(g, " rt.handle(t%d%s);", c1, quiet_handler(h->u.l.v[3]) ? "" : ", true");
    const char *name = h->u.l.v[2]->u.s.p;
    if (strcmp(name, "_") != 0) {
        emit(g, " v_%s = rt.asexc(t%d);", name, c1);   /* a Lua error value: a LuaError */
    }
    int rc = block(g, h->u.l.v[3]);
    if (strcmp(name, "_") != 0) {
        emit(g, " v_%s = UNB;", name);
    }
    return rc;
}

/* The pending completion of a try body's closure (code c, value v: return
   1, break 2, continue 3) carried out at the statement's level. */
static void try_completion(Gen *g, int c, int v)
{
    emit(g, " if t%d == 1 then ", c);
    char val[32];
    snprintf(val, sizeof val, "t%d", v);
    emit_return(g, val);
    if (g->inloop) {
        emit(g, " elseif t%d == 2 then ", c);
        emit_break(g);
        emit(g, " elseif t%d == 3 then ", c);
        emit_continue(g);
    }
    eput(g, " end");
}

/* Code inside a try closure (after `try(function()`): its return, break
   and continue become completion codes, between enter and leave. */
static void try_closure_enter(Gen *g)
{
    g->ntry++;
    g->looptry++;
    g->indent++;
}

static void try_closure_leave(Gen *g)
{
    g->indent--;
    g->ntry--;
    g->looptry--;
}

/* The body of a try closure, ended with `end)`. */
static int try_closure_body(Gen *g, const tdmX_Node *body)
{
    try_closure_enter(g);
    int rc = block(g, body);
    try_closure_leave(g);
    eput(g, " end)");
    return rc;
}

/* try/except[/else] without finally: the body in a closure under rt.try,
   the clauses and the else block at the statement's level (no second
   closure and pcall: a try/except run without an exception, 0.77 us, 0.43
   with rt.try's pack gone, 0.24 with this; docs/performance.md). A clause
   pushes its exception (rt.handle) and puts the chain back
   when it ends, and before a return, break or continue leaves it
   (finret, finloop); an error leaving it is put back by whatever catches it
   (an enclosing rt.try, rt.reraise, a generator's resume). */
static int try_inline(Gen *g, const tdmX_Node *s)
{
    const tdmX_Node *body = s->u.l.v[2], *hs = s->u.l.v[3], *els = s->u.l.v[4];
    int ok = ++g->tmp, c1 = ++g->tmp, v1 = ++g->tmp;
    emit(g, "do local t%d, t%d, t%d = try(function()", ok, c1, v1);
    int rc = try_closure_body(g, body);
    emit(g, " if t%d then if t%d ~= nil then", ok, c1);
    try_completion(g, c1, v1);
    eput(g, " end");
    if (rc == 0 && tdmX_len(els) > 1) {
        rc = block(g, els);
    }
    int chain = ++g->tmp;
    emit(g, " else local t%d = rt.hs", chain);
    int saved_exc = g->exc, fr = g->finret, fl = g->finloop;
    g->exc = c1;
    g->finret = fr ? fr : chain;
    g->finloop = fl ? fl : chain;
    int open = 0;       /* the `if ... else` opened, closed at the end */
    for (int i = 1; rc == 0 && i < tdmX_len(hs); i++) {
        rc = except_clause(g, hs->u.l.v[i], c1);
        open++;
        emit(g, " rt.sethandled(t%d) else", chain);
    }
    g->exc = saved_exc;
    g->finret = fr;
    g->finloop = fl;
    emit(g, " error(t%d, 0)", c1);
    for (int i = 0; i < open; i++) {
        eput(g, " end");
    }
    eput(g, " end end");
    return rc;
}

/* try with a finally block: a closure runs the body, then (one after the
   other, neither inside another) one the else block and one the handlers;
   completion codes carry return (1, value), break (2), continue (3) out of
   them; the finally block runs in the enclosing code, then the pending
   completion. Without a finally block: try_inline. */
static int try_stmt(Gen *g, const tdmX_Node *s)
{
    const tdmX_Node *body = s->u.l.v[2], *hs = s->u.l.v[3];
    const tdmX_Node *els = s->u.l.v[4], *fin = s->u.l.v[5];
    if (tdmX_len(fin) <= 1 && (tdmX_len(hs) > 1 || tdmX_len(els) > 1)) {
        return try_inline(g, s);
    }
    int ok = ++g->tmp, code = ++g->tmp, val = ++g->tmp;
    emit(g, "do local t%d, t%d, t%d = try(function()", ok, code, val);
    int rc = try_closure_body(g, body);
    if (rc == 0 && tdmX_len(hs) > 1) {
        /* the clauses in a closure of their own after the body's, not
           around it (nor around the else block, which runs when the body
           completed normally, and whose exceptions reach the finally block,
           not the clauses): a recursion through try/except/finally (and
           `with`) nests one pcall per level, not two, under Lua's limit of
           200 C calls (rt.try puts the handled-exception chain back) */
        int exc = ++g->tmp;
        emit(g, " if not t%d then local t%d = t%d; t%d, t%d, t%d = try(function()", ok, exc,
             code, ok, code, val);
        try_closure_enter(g);
        int saved_exc = g->exc;
        g->exc = exc;
        for (int i = 1; rc == 0 && i < tdmX_len(hs); i++) {
            rc = except_clause(g, hs->u.l.v[i], exc);
            eput(g, " return nil end");
        }
        g->exc = saved_exc;
        try_closure_leave(g);
        emit(g, " error(t%d, 0) end)", exc);
        if (rc == 0 && tdmX_len(els) > 1) {
            emit(g, " elseif t%d == nil then t%d, t%d, t%d = try(function()", code, ok, code,
                 val);
            rc = try_closure_body(g, els);
        }
        eput(g, " end");
    }
    if (rc == 0 && tdmX_len(fin) > 1) {
        /* run for an exception, the block handles it (sys.exc_info(), the
           __context__ of what it raises): rt.handle, the chain put back after
           it, and by a return, break or continue leaving it (finret, finloop) */
        int chain = ++g->tmp;
        emit(g, " local t%d = rt.hs if not t%d then rt.handle(t%d%s) end", chain, ok, code,
             quiet_handler(fin) ? "" : ", true");
        int fo = g->finok, fc = g->fincode, fr = g->finret, fl = g->finloop;
        g->finok = ok;
        g->fincode = code;
        g->finret = fr ? fr : chain;
        g->finloop = fl ? fl : chain;
        rc = block(g, fin);
        g->finok = fo;
        g->fincode = fc;
        g->finret = fr;
        g->finloop = fl;
        emit(g, " if rt.hs ~= t%d then rt.sethandled(t%d) end", chain, chain);
    }
    emit(g, " if not t%d then error(t%d, 0) end", ok, code);
    try_completion(g, code, val);
    eput(g, " end");
    return rc;
}

/* Whether the tree n is made only of lists headed by a symbol in ok (NULL
   ended) and of atoms; a list without a head passes when headless_ok. */
static int only_heads(const tdmX_Node *n, const char *const *ok, int headless_ok)
{
    if (n->kind != TDMX_LIST) {
        return 1;
    }
    const char *h = tdmX_head(n);
    if (h == NULL) {
        return headless_ok;
    }
    int found = 0;
    for (int i = 0; !found && ok[i] != NULL; i++) {
        found = strcmp(ok[i], h) == 0;
    }
    if (!found) {
        return 0;
    }
    for (int i = 1; i < n->u.l.n; i++) {
        if (!only_heads(n->u.l.v[i], ok, headless_ok)) {
            return 0;
        }
    }
    return 1;
}

/* Is there a node with head h anywhere in n? */
static int has_head(const tdmX_Node *n, const char *h)
{
    if (tdmX_is(n, h)) {
        return 1;
    }
    for (int i = 1; n->kind == TDMX_LIST && i < n->u.l.n; i++) {
        if (has_head(n->u.l.v[i], h)) {
            return 1;
        }
    }
    return 0;
}

/* Only nodes a statement with two versions can be made of. */
static int version_nodes(const tdmX_Node *n)
{
    static const char *const ok[] = {
        "return", "expr", "assign", "binop", "unop", "compare", "call", "global", "local",
        "int", "float", "str", "true", "false", "none", "and", "or", "ifexp", "builtin", NULL,
    };
    return only_heads(n, ok, 0);
}

/* A return, expression statement or assignment to a local in a function
   with parameter versions (local T): when its typed version (the
   parameters' ints known) differs from the general one, both as
   statements, `if T then typed else general end`, on the statement's line:
   one test of T for the statement instead of one per expression (the
   typed version then also passes `true` for T to the bodies it calls).
   1 done, 0 not applicable, -1 error. */
static int stmt_versions(Gen *g, const tdmX_Node *s, const char *h)
{
    if (g->intlT == NULL || g->leaf || g->flat || g->inver
        || (strcmp(h, "return") != 0 && strcmp(h, "expr") != 0 && strcmp(h, "assign") != 0)
        || (strcmp(h, "assign") == 0 && !tdmX_is(s->u.l.v[2], "local"))
        || !version_nodes(s)) {
        return 0;
    }
    unsigned char *il = g->intl, *ilT = g->intlT, *ll = g->listl, *llT = g->listlT;
    unsigned char *fl = g->fltl, *flTF = g->fltlTF;
    Buf v[3] = { { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 } };
    Buf *save = g->o;
    /* the float version only for statements without calls: a call site
       is not copied a third time (fib's would, for floats it never gets) */
    int rc = 0, nv = flTF != NULL && !has_head(s, "call") ? 3 : 2;
    for (int i = 0; i < nv && rc == 0; i++) {
        slot_free(g);
        g->o = &v[i];
        g->intl = i == 0 ? ilT : il;
        g->listl = i == 0 ? llT : ll;
        g->fltl = i == 2 ? flTF : fl;   /* 2: the parameters were floats (TF) */
        g->intlT = g->listlT = g->fltlTF = NULL;
        rc = simple_stmt(g, s, h);
        eput(g, "");
    }
    slot_free(g);
    g->o = save;
    g->intl = il;
    g->intlT = ilT;
    g->listl = ll;
    g->listlT = llT;
    g->fltl = fl;
    g->fltlTF = flTF;
    int done = 0;
    if (rc == 0 && !g->oom && strchr(v[0].p, '\n') == NULL && strchr(v[1].p, '\n') == NULL
        && (nv == 2 || strchr(v[2].p, '\n') == NULL)) {
        int f = nv == 3 && strcmp(v[2].p, v[1].p) != 0;
        g->tf.used |= f;
        if (strcmp(v[0].p, v[1].p) == 0 && !f) {
            bput(g, v[1].p, v[1].n);
        } else if (strcmp(v[0].p, v[1].p) == 0) {
            emit(g, "if TF then %s else %s end", v[2].p, v[1].p);
        } else if (f) {
            emit(g, "if T then %s elseif TF then %s else %s end", v[0].p, v[2].p, v[1].p);
        } else {
            emit(g, "if T then %s else %s end", v[0].p, v[1].p);
        }
        done = 1;
    }
    for (int i = 0; i < 3; i++) {
        free(v[i].p);
    }
    return rc != 0 ? -1 : done;
}

static int stmt(Gen *g, const tdmX_Node *s)
{
    const char *h = tdmX_head(s);
    int L = (int)s->u.l.v[1]->u.i;
    g->tmp0 = g->tmp;
    at_line(g, L);
    if (strcmp(h, "if") == 0) {
        return if_stmt(g, s);
    }
    if (strcmp(h, "while") == 0) {
        return while_stmt(g, s);
    }
    if (strcmp(h, "for") == 0 || strcmp(h, "forrange") == 0) {
        return for_stmt(g, s, h[3] == 'r');
    }
    if (strcmp(h, "try") == 0) {
        return try_stmt(g, s);
    }
    if (strcmp(h, "def") == 0) {
        Mark mk;
        side_begin(g, &mk);
        int t;
        int rc = gen_nested(g, s->u.l.v[3], &t);
        if (rc == 0) {
            char name[32];
            snprintf(name, sizeof name, "t%d", t);
            rc = assign_to(g, s->u.l.v[2], name);
        }
        side_end(g, &mk, 1);
        return rc;
    }
    int rc = stmt_versions(g, s, h);
    if (rc != 0) {
        return rc < 0 ? -1 : 0;
    }
    return simple_stmt(g, s, h);
}

/* Does name appear under n other than as a read in an expression (a
   target, an `except ... as`, a loop variable, a nested scope)? Errs
   towards yes. */
static int rebinds(const tdmX_Node *n, const char *name)
{
    static const char *const reads[] = {
        "block", "if", "while", "return", "expr", "compare", "binop", "unop", "call",
        "and", "or", "ifexp", "global", "int", "local", "index", NULL
    };
    if (n->kind == TDMX_SYM || n->kind == TDMX_STR) {
        return strcmp(n->u.s.p, name) == 0;
    }
    if (n->kind != TDMX_LIST) {
        return 0;
    }
    const char *h = tdmX_head(n);
    int read = 0;
    for (int i = 0; h != NULL && !read && reads[i] != NULL; i++) {
        read = strcmp(reads[i], h) == 0;
    }
    for (int i = 1; i < n->u.l.n; i++) {
        const tdmX_Node *k = n->u.l.v[i];
        if (read && tdmX_is(k, "local")) {
            continue;
        }
        if (read && strcmp(h, "global") == 0) {
            continue;
        }
        if (rebinds(k, name)) {
            return 1;
        }
    }
    return 0;
}

/* After `if p < K: ... return` (no else; the body ends in return or raise)
   the rest of the block runs only when p >= K: with p a parameter of the
   function that nothing rebinds (so it holds to the function's end), the
   bound lets typed p - k skip its overflow check. lt/le give a lower bound,
   gt/ge an upper one; only `local op int`. */
static void bound_after(Gen *g, const tdmX_Node *s)
{
    if (!tdmX_is(s, "if") || g->nbnd == BND_MAX || tdmX_len(s->u.l.v[4]) > 1) {
        return;
    }
    const tdmX_Node *c = s->u.l.v[2], *body = s->u.l.v[3];
    int nb = body->u.l.n;
    if (!tdmX_is(c, "compare") || c->u.l.n != 4 || !tdmX_is(c->u.l.v[1], "local")
        || !tdmX_is(c->u.l.v[3], "int") || nb < 2
        || !(tdmX_is(body->u.l.v[nb - 1], "return") || tdmX_is(body->u.l.v[nb - 1], "raise"))) {
        return;
    }
    const char *p = sym(c->u.l.v[1], 1), *op = sym(c, 2);
    const tdmX_Func *f = g->fn;
    int param = 0;
    for (int j = 1; j < tdmX_len(f->params); j++) {
        param = param || strcmp(f->params->u.l.v[j]->u.s.p, p) == 0;
    }
    if (!param || rebinds(f->cells, p) || rebinds(f->free, p) || rebinds(f->body, p)) {
        return;
    }
    long long k = lit_of(c->u.l.v[3]).v, lo = MINI_, hi = MAXI_;
    if (strcmp(op, "lt") == 0) {
        lo = k;                             /* not p < k */
    } else if (strcmp(op, "le") == 0 && k < MAXI_) {
        lo = k + 1;
    } else if (strcmp(op, "gt") == 0) {
        hi = k;
    } else if (strcmp(op, "ge") == 0 && k > MINI_) {
        hi = k - 1;
    } else {
        return;
    }
    g->bnd[g->nbnd].fn = f;
    g->bnd[g->nbnd].name = p;
    g->bnd[g->nbnd].lo = lo;
    g->bnd[g->nbnd].hi = hi;
    g->nbnd++;
}

static int block(Gen *g, const tdmX_Node *b)
{
    int nb = g->nbnd;
    for (int i = 1; i < b->u.l.n; i++) {
        if (stmt(g, b->u.l.v[i]) != 0) {
            g->nbnd = nb;
            return -1;
        }
        bound_after(g, b->u.l.v[i]);
    }
    g->nbnd = nb;
    return 0;
}

/* ---- functions ------------------------------------------------------------------ */

static const char prelude[] =
    /* the recursion depth and its limit: upvalues of the function the chunk
       returns, joined to the runtime library's before it runs (rt.joindepth) */
    "local DEPTH, MAXD = 0, 0 return function(...) "
    "local rt, H, K, NAME = ...; "
    "local truth, call, method, getitem, setitem, slice, iter, unpack, range = "
    "rt.truth, rt.call, rt.method, rt.getitem, rt.setitem, rt.slice, rt.iter, rt.unpack, "
    "rt.range; "
    "local add, sub, mul, truediv, floordiv, mod, pow = rt.add, rt.sub, rt.mul, rt.truediv, "
    "rt.floordiv, rt.mod, rt.pow; local iadd, imul = rt.iadd, rt.imul; "
    "local lshift, rshift, bitand, bitor, bitxor, neg, pos, invert = rt.lshift, rt.rshift, "
    "rt.bitand, rt.bitor, rt.bitxor, rt.neg, rt.pos, rt.invert; "
    "local eq, ne, lt, le, gt, ge, isin, notin, isnot = rt.eq, rt.ne, rt.lt, rt.le, rt.gt, "
    "rt.ge, rt.contains_r, rt.notin_r, rt.isnot; "
    "local list_of, tuple_of, dict_of, B, UNB = rt.list_of, rt.tuple_of, rt.dict_of, "
    "rt.builtins, rt.UNB; "
    "local raise, throw, unbound, assertfail, try, match, argcount = rt.raise, rt.throw, "
    "rt.unbound, rt.assertfail, rt.try, rt.match, rt.argcount; "
    "local freeunbound, kwarg = rt.freeunbound, rt.kwarg; "
    "local YIELD, YFROM, GEN = rt.yield, rt.yieldfrom, rt.gen; "
    "local callkw, star, dstar, defsig, mkfunc, mksig = rt.callkw, rt.star, rt.dstar, "
    "rt.defsig, rt.mkfunc, rt.mksig; local SIG = {}; "
    /* a global read asks __globals__ at call time, unless this run holds the
       same value read since the last crossing (rt.epoch: docs/translation.md) */
    "local EP, GV, GE = rt.epoch, {}, {}; local function G(n) local e = EP() "
    "if e and GE[n] == e then return GV[n] end local v = rt.hpure(H, \"global\", K, n) e = EP() "
    "if e then GV[n] = v GE[n] = e end return v end; "
    /* the C fast paths of the hottest helpers (lxfast.c) */
    "local OVF, XF, XB, XREG = rt.overflow, rt.xf, rt.xb, rt.xreg; "
    "local GMT, LIST, TUPLE = getmetatable, rt.LIST, rt.TUPLE; local F = rt.fast; local DINCR, AINCR, LCHK, SLOW, SPLITW, ISINT = F.dincr, F.aincr, F.lchk, rt.slowentry, rt.splitw, F.isint; local INTS, NUMK, LCHK2, ITOS, MAPPEND, MGET = F.ints, F.numk, F.lchk2, rt.itos, F.append, F.get; truth, getitem, setitem, add, sub, mul, floordiv, mod, iadd, imul, "
    "eq, ne, lt, le, gt, ge, range, truediv = F.truth, F.getitem, F.setitem, F.add, F.sub, F.mul, "
    "F.floordiv, F.mod, F.iadd, F.imul, F.eq, F.ne, F.lt, F.le, F.gt, F.ge, F.range, F.truediv; "
    "local isub, ibitor, ibitand, ibitxor = rt.isub, rt.ibitor, rt.ibitand, rt.ibitxor; "
    "local itruediv, ifloordiv, imod, ipow, ilshift, irshift = F.itruediv, rt.ifloordiv, "
    "rt.imod, rt.ipow, rt.ilshift, rt.irshift; ";

/* A view of a (func ...) node (validated by tdmX_load). */
static void func_view(const tdmX_Node *n, tdmX_Func *f)
{
    memset(f, 0, sizeof *f);
    f->node = n;
    f->name = n->u.l.v[1]->u.s.p;
    f->line = (int)n->u.l.v[2]->u.i;
    f->params = n->u.l.v[3];
    f->defaults = n->u.l.v[4];
    f->vars = n->u.l.v[5];
    f->cells = n->u.l.v[6];
    f->free = n->u.l.v[7];
    f->globals = n->u.l.v[8];
    f->body = n->u.l.v[10];
    f->sig = n->u.l.n == 12 ? n->u.l.v[11] : NULL;
    f->is_gen = tdmX_len(n->u.l.v[9]) > 1 && strcmp(sym(n->u.l.v[9], 1), "gen") == 0;
}

/* ---- signatures (the call protocol: pyrt/call.lua) ----------------------------- */

/* A function with *args, **kwargs or keyword-only parameters: its Lua body
   takes the canonical arguments and rt.mkfunc wraps it. */
static int sig_complex(const tdmX_Func *f)
{
    const tdmX_Node *s = f->sig;
    return s != NULL && (strcmp(sym(s, 4), "_") != 0 || strcmp(sym(s, 5), "_") != 0
                         || tdmX_len(tdmX_at(s, 6)) > 1);
}

/* Is name a parameter of f (positional, *args, keyword-only or **kwargs)? */
static int sig_param(const tdmX_Func *f, const char *name)
{
    for (int j = 1; j < tdmX_len(f->params); j++) {
        if (strcmp(f->params->u.l.v[j]->u.s.p, name) == 0) {
            return 1;
        }
    }
    const tdmX_Node *s = f->sig;
    if (s == NULL) {
        return 0;
    }
    if (strcmp(sym(s, 4), name) == 0 || strcmp(sym(s, 5), name) == 0) {
        return 1;
    }
    const tdmX_Node *ko = tdmX_at(s, 6);
    for (int j = 1; j < tdmX_len(ko); j++) {
        if (strcmp(ko->u.l.v[j]->u.s.p, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The number of default values of f: positional ones, then keyword-only. */
static int sig_ndefaults(const tdmX_Func *f, int *nkw)
{
    *nkw = 0;
    const tdmX_Node *kd = f->sig ? tdmX_at(f->sig, 7) : NULL;
    for (int i = 1; i < tdmX_len(kd); i++) {
        *nkw += !absent(kd->u.l.v[i]);
    }
    return tdmX_len(f->defaults) - 1;
}

/* The i-th default node (positional defaults, then present keyword-only ones). */
static const tdmX_Node *sig_default(const tdmX_Func *f, int i)
{
    int nd = tdmX_len(f->defaults) - 1;
    if (i < nd) {
        return f->defaults->u.l.v[i + 1];
    }
    const tdmX_Node *kd = tdmX_at(f->sig, 7);
    for (int j = 1; j < tdmX_len(kd); j++) {
        if (!absent(kd->u.l.v[j]) && i-- == nd) {
            return kd->u.l.v[j];
        }
    }
    return NULL;
}

/* Append `SIG[k] = mksig(...)` to the chunk statics; k, or -1. Module-level
   functions (top) carry their constant defaults in it. */
static int sig_static(Gen *g, const tdmX_Func *f, int top)
{
    const tdmX_Node *s = f->sig;
    int k = ++g->nsig;
    Buf *save = g->o;
    g->o = &g->statics;
    const char *qual = s ? s->u.l.v[1]->u.s.p : f->name;
    const char *mod = s ? s->u.l.v[2]->u.s.p : "";
    char *q = lua_string(g, qual, strlen(qual));
    char *m = lua_string(g, mod, strlen(mod));
    emit(g, "SIG[%d] = mksig(%s, %s, {", k, q ? q : "\"\"", m ? m : "\"\"");
    free(q);
    free(m);
    for (int i = 1; i < tdmX_len(f->params); i++) {
        emit(g, "%s\"%s\"", i > 1 ? ", " : "", sym(f->params, i));
    }
    int nkw;
    int nd = sig_ndefaults(f, &nkw);
    emit(g, "}, %d, %d, {", s ? (int)s->u.l.v[3]->u.i : 0, nd);
    const tdmX_Node *ko = s ? tdmX_at(s, 6) : NULL;
    for (int i = 1; i < tdmX_len(ko); i++) {
        emit(g, "%s\"%s\"", i > 1 ? ", " : "", sym(ko, i));
    }
    eput(g, "}, {");
    for (int i = 1; i < tdmX_len(ko); i++) {
        emit(g, "%s%s", i > 1 ? ", " : "", absent(tdmX_at(s, 7)->u.l.v[i]) ? "false" : "true");
    }
    emit(g, "}, %s, %s, %s", s && strcmp(sym(s, 4), "_") != 0 ? "true" : "false",
         s && strcmp(sym(s, 5), "_") != 0 ? "true" : "false", top ? "true" : "false");
    int rc = 0;
    for (int i = 0; top && i < nd + nkw; i++) {
        Ex e;
        if (expr(g, sig_default(f, i), &e) != 0) {
            rc = -1;
            break;
        }
        emit(g, ", %s", e.s);
        free(e.s);
    }
    eput(g, "); ");
    g->o = save;
    return rc == 0 ? k : -1;
}

static int gen_function_body(Gen *g, const tdmX_Func *f, const char *namexpr);

static void typing_free(Gen *g)
{
    free(g->intl);
    free(g->intlT);
    free(g->listl);
    free(g->listlT);
    free(g->dictl);
    free(g->fltl);
    free(g->fltlTF);
}

/* The typed locals of f, replacing those of the function generated before. */
static void typing_begin(Gen *g, const tdmX_Func *f)
{
    typing_free(g);
    g->intl = typed_locals(g, f, 0, 0, NULL);
    g->intlT = typed_locals(g, f, 1, 0, NULL);
    g->listl = typed_locals(g, f, 0, 1, g->intl);
    g->listlT = typed_locals(g, f, 0, 1, g->intlT);
    g->dictl = typed_locals(g, f, 0, 2, NULL);
    g->fltl = typed_locals(g, f, 0, 3, g->intl);
    g->fltlTF = NULL;                   /* emit_tcheck decides */
}

/* Emit `function(...) ... end` for f; namexpr is the Lua expression naming
   it in argument-count errors. */
static int gen_function(Gen *g, const tdmX_Func *f, const char *namexpr)
{
    g->fn = f;
    typing_begin(g, f);
    int np = tdmX_len(f->params) - 1, nd = tdmX_len(f->defaults) - 1;
    const int *deftmp = g->deftmp;
    g->deftmp = NULL;
    if (sig_complex(f)) {
        /* the body of rt.mkfunc: called with the canonical arguments */
        const tdmX_Node *s = f->sig;
        eput(g, "function(");
        int k = 0;
        for (int i = 0; i < np; i++) {
            emit(g, "%sv_%s", k++ ? ", " : "", sym(f->params, i + 1));
        }
        if (strcmp(sym(s, 4), "_") != 0) {
            emit(g, "%sv_%s", k++ ? ", " : "", sym(s, 4));
        }
        for (int i = 1; i < tdmX_len(tdmX_at(s, 6)); i++) {
            emit(g, "%sv_%s", k++ ? ", " : "", sym(tdmX_at(s, 6), i));
        }
        if (strcmp(sym(s, 5), "_") != 0) {
            emit(g, "%sv_%s", k++ ? ", " : "", sym(s, 5));
        }
        eput(g, ")");
        return gen_function_body(g, f, namexpr);
    }
    eput(g, "function(...) local n = select(\"#\", ...)");
    if (np > 0) {
        eput(g, " local ");
        for (int i = 0; i < np; i++) {
            emit(g, "%sv_%s", i ? ", " : "", sym(f->params, i + 1));
        }
        eput(g, " = ...");
    }
    emit(g, " if n ~= %d then", np);
    Buf names = { NULL, 0, 0 };
    Buf *save = g->o;
    g->o = &names;
    eput(g, "");
    for (int i = 0; i < np; i++) {
        emit(g, ", \"%s\"", sym(f->params, i + 1));
    }
    g->o = save;
    if (nd > 0) {
        emit(g, " if n < %d or n > %d then argcount(%s, %d, %d, n%s) end", np - nd, np,
             namexpr, np, nd, names.p ? names.p : "");
        for (int i = 0; i < nd; i++) {
            int p = np - nd + i;
            if (deftmp != NULL) {       /* evaluated when the def ran */
                emit(g, " if n < %d then v_%s = t%d end", p + 1, sym(f->params, p + 1),
                     deftmp[i]);
                continue;
            }
            if (g->topsig > 0 && tdmX_is(f->defaults->u.l.v[i + 1], "pydefault")) {
                /* the Python object, fetched once into the signature */
                emit(g, " if n < %d then v_%s = SIG[%d].defaults[%d] end", p + 1,
                     sym(f->params, p + 1), g->topsig, i + 1);
                continue;
            }
            Ex e;
            if (expr(g, f->defaults->u.l.v[i + 1], &e) != 0) {
                free(names.p);
                return -1;
            }
            emit(g, " if n < %d then v_%s = %s end", p + 1, sym(f->params, p + 1), e.s);
            free(e.s);
        }
    } else {
        emit(g, " argcount(%s, %d, 0, n%s)", namexpr, np, names.p ? names.p : "");
    }
    free(names.p);
    eput(g, " end");
    if (g->split) {                     /* the body follows (gen_func) */
        eput(g, " return BODY(");
        for (int i = 0; i < np; i++) {
            emit(g, "%sv_%s", i ? ", " : "", sym(f->params, i + 1));
        }
        eput(g, ") end");
        return g->oom ? gen_fail(g, f->line, "not enough memory") : 0;
    }
    return gen_function_body(g, f, namexpr);
}

/* The rest of a function after its parameters: the other locals, the depth
   check, the body. */
/* No statement had a float version: the T, TF line back to the T line. */
static void tf_unused(Gen *g)
{
    char *line = dupf(g, g->split ? " local T = TT or INTS(%s)" : " local T = INTS(%s)",
                      g->tf.args);
    size_t n = line != NULL ? strlen(line) : 0;
    Buf *b = g->tf.buf;
    static const char head[] = " local T, TF = ";
    if (line != NULL && n <= g->tf.len && g->tf.pos + g->tf.len <= b->n
        && strncmp(b->p + g->tf.pos, head, sizeof head - 1) == 0) {
        memcpy(b->p + g->tf.pos, line, n);
        memmove(b->p + g->tf.pos + n, b->p + g->tf.pos + g->tf.len,
                b->n - g->tf.pos - g->tf.len + 1);        /* and the NUL */
        b->n -= g->tf.len - n;
    }
    free(line);
}

static int gen_body_tf(Gen *g, const tdmX_Func *f, const char *namexpr);

/* gen_body_tf with the T, TF line's state of the enclosing function kept. */
static int gen_function_body(Gen *g, const tdmX_Func *f, const char *namexpr)
{
    struct TfLine saved = g->tf;
    memset(&g->tf, 0, sizeof g->tf);
    int rc = gen_body_tf(g, f, namexpr);
    free(g->tf.args);
    g->tf = saved;
    return rc;
}

static int gen_body_tf(Gen *g, const tdmX_Func *f, const char *namexpr)
{
    int first = 1;
    for (int i = 1; i < tdmX_len(f->vars); i++) {
        const char *v = f->vars->u.l.v[i]->u.s.p;
        if (!sig_param(f, v)) {
            emit(g, first ? " local v_%s" : ", v_%s", v);
            first = 0;
        }
    }
    if (!first) {
        eput(g, " = UNB");
        int k = 0;
        for (int i = 1; i < tdmX_len(f->vars); i++) {
            k += !sig_param(f, f->vars->u.l.v[i]->u.s.p);
        }
        for (int i = 1; i < k; i++) {
            eput(g, ", UNB");
        }
    }
    g->ingen = f->is_gen;
    if (f->is_gen) {
        /* a generator function: the call binds the arguments and returns a
           generator whose coroutine runs the body (pyrt/gen.lua) */
        emit_tcheck(g, f);
        eput(g, " return GEN(function()");
    } else if (g->leaf) {
        emit_tcheck(g, f);              /* the caller checked the depth (lxentry.c) */
    } else {
        eput(g, " local D = DEPTH + 1 if D > MAXD then throw(\"RecursionError\", "
                "\"maximum recursion depth exceeded\") end DEPTH = D");
        emit_tcheck(g, f);
    }
    g->indent++;
    if (block(g, f->body) != 0) {
        return -1;
    }
    g->indent--;
    if (g->tf.buf != NULL && g->tf.buf == g->o && !g->tf.used && !g->oom) {
        tf_unused(g);
    }
    if (g->has) {
        eput(g, " ");
    }
    if (f->is_gen) {
        emit(g, "return nil end, %s) end", namexpr);
    } else if (g->leaf) {
        eput(g, "return nil end");
    } else {
        eput(g, "DEPTH = D - 1 return nil end");
    }
    return g->oom ? gen_fail(g, f->line, "not enough memory") : 0;
}

/* Control context of the function being generated, saved around a nested one. */
typedef struct FnSave {
    unsigned char *intl, *intlT, *listl, *listlT, *dictl, *fltl, *fltlTF;
    const tdmX_Func *fn;
    int ntry, looptry, inloop, cont, brkflag, exc, ingen, finok, fincode, finret, finloop;
} FnSave;

/* Emit the statements making a nested (func ...) node a Lua function (a
   closure: the enclosing locals it uses are Lua upvalues, shared like Python
   cells) in a new temporary; its defaults are evaluated first, in the
   enclosing function, and the function registered with its signature.
   *t gets the temporary. */
static int gen_nested(Gen *g, const tdmX_Node *fnode, int *t)
{
    tdmX_Func f;
    func_view(fnode, &f);
    int nkw;
    int nd = sig_ndefaults(&f, &nkw);
    int *temps = calloc((size_t)(nd + nkw) + 1, sizeof *temps);
    if (temps == NULL) {
        g->oom = 1;
        return -1;
    }
    for (int i = 0; i < nd + nkw; i++) {
        Ex e;
        if (expr(g, sig_default(&f, i), &e) != 0) {
            free(temps);
            return -1;
        }
        temps[i] = ++g->tmp;
        emit(g, "local t%d = %s; ", temps[i], e.s);
        free(e.s);
    }
    int k = sig_static(g, &f, 0);
    if (k < 0) {
        free(temps);
        return -1;
    }
    *t = ++g->tmp;
    emit(g, "local t%d = %s(", *t, sig_complex(&f) ? "mkfunc" : "defsig");
    FnSave sv = { g->intl, g->intlT, g->listl, g->listlT, g->dictl, g->fltl, g->fltlTF, g->fn,
                  g->ntry,
                  g->looptry, g->inloop, g->cont, g->brkflag, g->exc, g->ingen, g->finok,
                  g->fincode, g->finret, g->finloop };
    g->intl = g->intlT = g->listl = g->listlT = g->dictl = g->fltl = g->fltlTF = NULL;
    int tmp0 = g->tmp0;                 /* the enclosing statement's */
    g->ntry = g->looptry = g->inloop = g->cont = g->brkflag = g->exc = 0;
    g->finok = g->fincode = g->finret = g->finloop = 0;
    const char *callee = g->callee;
    g->callee = NULL;
    int split = g->split;
    g->split = 0;                       /* a nested function has no separate body */
    g->deftmp = temps;
    char *nm = lua_string(g, f.name, strlen(f.name));
    int first = g->line;
    int rc = nm ? gen_function(g, &f, nm) : -1;
    free(nm);
    span_add(g, first, g->line, f.name);
    g->deftmp = NULL;
    g->callee = callee;
    g->split = split;
    if (rc == 0) {
        emit(g, ", SIG[%d]", k);
        for (int i = 0; i < nd + nkw; i++) {
            emit(g, ", t%d", temps[i]);
        }
        eput(g, "); ");
    }
    free(temps);
    typing_free(g);
    g->intl = sv.intl;
    g->intlT = sv.intlT;
    g->listl = sv.listl;
    g->listlT = sv.listlT;
    g->dictl = sv.dictl;
    g->fltl = sv.fltl;
    g->fltlTF = sv.fltlTF;
    g->tmp0 = tmp0;
    g->fn = sv.fn;
    g->ntry = sv.ntry;
    g->looptry = sv.looptry;
    g->inloop = sv.inloop;
    g->cont = sv.cont;
    g->brkflag = sv.brkflag;
    g->exc = sv.exc;
    g->ingen = sv.ingen;
    g->finok = sv.finok;
    g->fincode = sv.fincode;
    g->finret = sv.finret;
    g->finloop = sv.finloop;
    return rc;
}

/* Could the leaf text run without calling anything, indexing anything or
   raising, when every local is an integer (lxentry.c)? Only keywords, the
   names of the function's locals and temporaries (v_x, tN, T, UNB),
   integer literals and operators that cannot raise on integers are allowed
   (`%` and `//` only by a non-zero literal); no loops, calls, strings,
   floats, indexing, fields, lengths or concatenation. */
static int leaf_ok(const char *p, int floats)
{
    static const char *const kw[] = {
        "local", "if", "then", "else", "elseif", "end", "do", "return", "and", "or",
        "not", "true", "false", "nil", "T", "UNB", NULL,
    };
    int prev = 0;                       /* the last token: 'a' a name or ')' or a number */
    while (*p) {
        char c = *p;
        if (c == ' ' || c == '\n') {
            p++;
            continue;
        }
        if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            const char *b = p;
            while (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
                   || (*p >= '0' && *p <= '9')) {
                p++;
            }
            size_t n = (size_t)(p - b);
            int ok = (n > 2 && b[0] == 'v' && b[1] == '_')
                     || (n > 1 && b[0] == 't' && strspn(b + 1, "0123456789") == n - 1);
            int k = -1;
            for (int i = 0; !ok && kw[i] != NULL; i++) {
                ok = strlen(kw[i]) == n && memcmp(kw[i], b, n) == 0;
                k = i;
            }
            if (!ok) {
                return 0;
            }
            prev = k >= 0 && k < 11 ? 0 : 'a';  /* a keyword before `(`: no call */
            continue;
        }
        if (c >= '0' && c <= '9') {
            while (*p >= '0' && *p <= '9') {
                p++;
            }
            if (floats && *p == '.') {      /* a float literal (float_text: %.17g) */
                p++;
                while (*p >= '0' && *p <= '9') {
                    p++;
                }
            }
            if (floats && (*p == 'e' || *p == 'E')) {
                p++;
                p += *p == '+' || *p == '-';
                while (*p >= '0' && *p <= '9') {
                    p++;
                }
            }
            if (*p == '.' || *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
                return 0;                   /* a float (in an int leaf) or hex literal */
            }
            prev = 'a';
            continue;
        }
        if (c == '(') {
            if (prev == 'a' || prev == ')') {
                return 0;                   /* a call */
            }
            prev = '(';
            p++;
            continue;
        }
        if (c == '%' || (c == '/' && p[1] == '/')) {
            p += c == '%' ? 1 : 2;
            while (*p == ' ') {
                p++;
            }
            if (*p < '1' || *p > '9') {
                return 0;                   /* only by a non-zero literal */
            }
            prev = 0;
            continue;
        }
        if (c == '/' && !floats) {
            return 0;                       /* true division: not integer */
        }
        if (c == '/') {                     /* by a non-zero literal (typed_fbinop) */
            prev = 0;
            p++;
            continue;
        }
        if (strchr(")+-*<>=~&|;,", c) != NULL) {
            if (c == '-' && p[1] == '-') {
                return 0;                   /* a comment: not expected here */
            }
            prev = c == ')' ? ')' : 0;
            p++;
            continue;
        }
        return 0;                           /* [ ] { } . : # " ' and the rest */
    }
    return 1;
}

/* The leaf version of f, `local LEAF = function(params) ... end; ` in the
   chunk statics, when it passes leaf_ok: the body specialised for integer
   arguments (T true), without depth bookkeeping, on one line. */
/* Only statements and expressions a leaf can be made of (the text check
   leaf_ok decides; this spares emitting the others). */
static int leaf_nodes(const tdmX_Node *n)
{
    static const char *const ok[] = {
        "block", "if", "return", "assign", "aug", "pass", "expr", "local", "int", "float",
        "true", "false", "none", "binop", "unop", "compare", "and", "or", "ifexp", NULL,
    };
    return only_heads(n, ok, 1);
}

/* The text of f's leaf body, `function(params) ... return nil end`, typed
   for integer parameters (floats 0: T true) or for float parameters (floats
   1: the float locals with every parameter a float, no T), when it passes
   leaf_ok; else NULL (*rc -1 on an error). */
static char *leaf_text(Gen *g, const tdmX_Func *f, int floats, int *rc)
{
    Buf b = { NULL, 0, 0 };
    Buf *save = g->o;
    int line = g->line, has = g->has, cmt = g->cmt, indent = g->indent;
    g->o = &b;
    g->flat = g->leaf = 1;
    g->fn = f;
    typing_begin(g, f);
    int typed = g->intlT != NULL;
    if (floats) {
        unsigned char *fl = typed_locals(g, f, 1, 3, g->intl);
        typed = 0;
        for (int j = 1; fl != NULL && j < tdmX_len(f->params); j++) {
            typed |= int_local(f, fl, f->params->u.l.v[j]->u.s.p);
        }
        free(g->fltl);
        free(g->intlT);
        free(g->listlT);
        g->fltl = fl;                   /* every parameter a float (LCHK2) */
        g->intlT = g->listlT = NULL;    /* no T */
    }
    eput(g, "function(");
    for (int i = 1; i < tdmX_len(f->params); i++) {
        emit(g, "%sv_%s", i > 1 ? ", " : "", sym(f->params, i));
    }
    eput(g, ")");
    *rc = gen_function_body(g, f, "NAME");
    if (!floats) {
        typed = typed && g->intlT != NULL;  /* emit_tcheck kept T */
    }
    slot_free(g);
    g->flat = g->leaf = 0;
    g->o = save;
    g->line = line;
    g->has = has;
    g->cmt = cmt;
    g->indent = indent;
    if (*rc != 0 || g->oom || !typed || !leaf_ok(b.p + strlen("function("), floats)) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* The leaf version of f, `local LEAF = function(...) ... end; ` in the
   chunk statics: the body specialised for integer arguments (T true) and/or
   for float arguments, without depth bookkeeping, on one line, when one of
   them passes leaf_ok. The entry of callers outside translated code
   (rt.entry): the leaf when every argument is an integer (or a float, for
   the float body), their count is right and the depth counter has room for
   its frame; else the general C entry. */
static int gen_leaf(Gen *g, const tdmX_Func *f)
{
    if (f->is_gen || sig_complex(f) || tdmX_len(f->params) < 2 || tdmX_len(f->cells) > 1
        || tdmX_len(f->free) > 1 || tdmX_len(f->globals) > 1 || !leaf_nodes(f->body)) {
        return 0;
    }
    int rc = 0, np = tdmX_len(f->params) - 1;
    char *ib = leaf_text(g, f, 0, &rc);
    char *fb = rc == 0 ? leaf_text(g, f, 1, &rc) : NULL;
    if (rc != 0 || (ib == NULL && fb == NULL)) {
        free(ib);
        free(fb);
        return rc != 0 ? -1 : 0;
    }
    const char *any = ib != NULL ? ib : fb;
    const char *close = strchr(any, ')');
    Buf *s = g->o;
    g->o = &g->statics;
    char *params = dupf(g, "%.*s", (int)(close - any - strlen("function(")),
                        any + strlen("function("));
    const char *bi = ib != NULL ? strchr(ib, ')') + 1 : NULL;
    const char *bf = fb != NULL ? strchr(fb, ')') + 1 : NULL;
    if (fb == NULL) {
        emit(g, "local FN, BODY; local LEAF = function(...) if not (LCHK(%d, ...) and "
             "DEPTH < MAXD) then return SLOW(FN, ...) end local %s = ...%s; ", np,
             params ? params : "", bi);
    } else if (ib == NULL) {
        emit(g, "local FN, BODY; local LEAF = function(...) if not (LCHK2(%d, ...) == 2 and "
             "DEPTH < MAXD) then return SLOW(FN, ...) end local %s = ...%s; ", np,
             params ? params : "", bf);
    } else {
        /* both: each body without its function's closing `end` */
        emit(g, "local FN, BODY; local LEAF = function(...) local K = LCHK2(%d, ...) if not "
             "(K and DEPTH < MAXD) then return SLOW(FN, ...) end local %s = ... if K == 1 "
             "then %.*s else %.*s end end; ", np, params ? params : "",
             (int)(strlen(bi) - 3), bi, (int)(strlen(bf) - 3), bf);
    }
    free(params);
    g->o = s;
    free(ib);
    free(fb);
    return 1;
}

/* Open `rt.<fn>("@<file>", {` (its items and `}); ` are the caller's);
   0 when out of memory. */
static int chunk_table(Gen *g, const char *fn)
{
    char *src = lua_string(g, g->file, strlen(g->file));
    if (src == NULL || g->oom) {
        free(src);
        return 0;
    }
    emit(g, "rt.%s(\"@\" .. %s, {", fn, src);
    free(src);
    return 1;
}

static int gen_func(Gen *g, const tdmX_Func *f)
{
    eput(g, prelude);
    size_t mark = g->chunk.n;          /* the signatures go here, on line 1 */
    g->has = 1;
    at_line(g, f->line);
    int k = sig_static(g, f, 1);
    if (k < 0) {
        return -1;
    }
    g->topsig = k;
    /* a plain signature: the function value counts the arguments and calls
       its fixed-arity body (registered with rt.xreg: translated callers and
       the C entry call the body directly) */
    g->split = !sig_complex(f) && !f->is_gen;
    int leaf = g->split ? gen_leaf(g, f) : 0;
    if (leaf < 0) {
        return -1;
    }
    if (g->split) {
        eput(g, leaf ? "FN = defsig(" : "local BODY; local FN = defsig(");
    } else {
        emit(g, "return %s(", sig_complex(f) ? "mkfunc" : "defsig");
    }
    const char *qual = f->sig ? f->sig->u.l.v[1]->u.s.p : NULL;
    char *nm = qual ? lua_string(g, qual, strlen(qual)) : NULL;
    int rc = gen_function(g, f, nm ? nm : "NAME");
    if (rc == 0 && g->split) {
        int np = tdmX_len(f->params) - 1;
        emit(g, ", SIG[%d]); BODY = function(", k);
        for (int i = 0; i < np; i++) {
            emit(g, "v_%s, ", sym(f->params, i + 1));
        }
        eput(g, "TT)");
        rc = gen_function_body(g, f, nm ? nm : "NAME");
        g->split = 0;
        if (rc == 0) {
            emit(g, "; return XREG(FN, BODY, %d, %s)", np, leaf ? "LEAF" : "nil");
        }
    } else if (rc == 0) {
        emit(g, ", SIG[%d])", k);
    }
    g->split = 0;
    free(nm);
    if (rc != 0) {
        return -1;
    }
    span_add(g, f->line, g->line, f->name);
    newline(g);
    bput(g, "end\n", 4);                /* the function the prelude opened */
    Buf *out = g->o;
    g->o = &g->statics;         /* (run once, when the chunk is loaded) */
    if (g->nlmap > 0 && chunk_table(g, "linemap")) {
        for (int i = 0; i < g->nlmap; i++) {
            emit(g, "[%d] = %d, ", g->lmap[2 * i], g->lmap[2 * i + 1]);
        }
        eput(g, "}); ");
    }
    if (g->nspans > 0 && chunk_table(g, "funcspans")) {
        for (int i = 0; i < g->nspans; i++) {
            char *sn = lua_string(g, g->spans[i].name, strlen(g->spans[i].name));
            emit(g, "%d, %d, %s, ", g->spans[i].first, g->spans[i].last, sn ? sn : "\"?\"");
            free(sn);
        }
        eput(g, "}); ");
    }
    g->o = out;
    if (g->statics.n > 0 && !g->oom) {
        Buf all = { NULL, 0, 0 };
        Buf *save = g->o;
        g->o = &all;
        bput(g, g->chunk.p, mark);
        bput(g, g->statics.p, g->statics.n);
        bput(g, g->chunk.p + mark, g->chunk.n - mark);
        g->o = save;
        free(g->chunk.p);
        g->chunk = all;
    }
    free(g->statics.p);
    g->statics.p = NULL;
    return g->oom ? gen_fail(g, f->line, "not enough memory") : 0;
}

/* Lua source for function i of m (malloc'd), or NULL with err set. */
static char *gen_source(const tdmX_Module *m, int i, char *err, size_t errsz)
{
    Gen g;
    memset(&g, 0, sizeof g);
    g.o = &g.chunk;
    g.line = 1;
    g.m = m;
    g.file = m->source;
    int rc = gen_func(&g, &m->funcs[i]);
    free(g.lmap);
    free(g.spans);
    slot_free(&g);
    typing_free(&g);
    /* gen_func frees the signatures' buffer once merged into the chunk; a
       failure before that leaves it here (make fault-test's lua5.4 host sweep:
       one block per failed translation) */
    free(g.statics.p);
    if (rc != 0 || g.oom) {
        snprintf(err, errsz, "%s", g.err[0] ? g.err : "not enough memory");
        free(g.chunk.p);
        return NULL;
    }
    return g.chunk.p;
}

/* ---- loading ---------------------------------------------------------------------- */

typedef struct Hold {
    tdmX_Module *m;     /* owns */
    char **src;         /* owns: nfuncs sources */
    int nsrc;
} Hold;

static int hold_gc(lua_State *L)
{
    Hold *h = lua_touserdata(L, 1);
    if (h != NULL) {
        for (int i = 0; i < h->nsrc; i++) {
            free(h->src[i]);
        }
        free(h->src);
        tdmX_free(h->m);
        memset(h, 0, sizeof *h);
    }
    return 0;
}

static const char pyrt_key = 'P';

/* rt.epoch(): the runtime's epoch (runtime.h: bumped by every crossing and
   every foreign release) while the crossing running this Lua code is
   exclusive (frame.h `excl`: no other thread of the calling language can run
   before it returns), else false. Translated code keeps a global it read
   while the epoch it read then is unchanged. */
static int l_epoch(lua_State *L)
{
    const tdm_Runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    const tdmS_Frame *f = rt->top;
    if (f != NULL && f->excl && f->host == NULL) {
        lua_pushinteger(L, (lua_Integer)(rt->epoch - rt->pure));
    } else {
        lua_pushboolean(L, 0);
    }
    return 1;
}

/* rt.hpure(H, op, ...): H(op, ...) for a host op that only reads (a
   global, a module's own attribute) and runs no code of its own. When the
   call was the only crossing (the epoch moved by exactly its own bump: no
   nested crossing, no release), that bump is counted as pure and rt.epoch()
   does not move: the values translated code cached before stay valid. Two
   globals read in one loop re-read each other's stale entries forever
   otherwise (each read's crossing invalidated the other's cache). The
   assumption is the one every cached read already makes: no Python code
   (a signal handler, a finalizer) runs inside the read. [-n, +1, e] */
static int l_hpure(lua_State *L)
{
    tdm_Runtime *rt = lua_touserdata(L, lua_upvalueindex(1));
    uint64_t e0 = rt->epoch;
    lua_call(L, lua_gettop(L) - 1, 1);
    if (rt->epoch == e0 + 1) {
        rt->pure++;
    }
    return 1;
}

/* Is the value at idx the entry of a translated function (a key of
   rt.xentries: a top-level function's entry or a nested one's that left
   translated code)? Its Python proxy must pass bytes and ints past 64 bits
   in as objects, as the top-level entry's does. [-0, +0, -] */
int tdmL_is_xentry(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TFUNCTION || !lua_checkstack(L, 3)) {
        return 0;
    }
    idx = lua_absindex(L, idx);
    int yes = 0;
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &pyrt_key) == LUA_TTABLE) {
        lua_pushliteral(L, "xentries");
        if (lua_rawget(L, -2) == LUA_TTABLE) {
            lua_pushvalue(L, idx);
            yes = lua_rawget(L, -2) != LUA_TNIL;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return yes;
}

/* Push the runtime library of this state (loaded once). [-0, +1, e] */
static void push_pyrt(lua_State *L, tdmL_State *st)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &pyrt_key) == LUA_TTABLE) {
        return;
    }
    lua_pop(L, 1);
    if (luaL_loadbufferx(L, tdmL_pyrt_src, sizeof tdmL_pyrt_src - 1, "=pyrt", "t") != LUA_OK) {
        lua_error(L);
    }
    lua_pushcfunction(L, luaopen_debug);       /* a debug table of pyrt's own */
    lua_call(L, 0, 1);
    lua_call(L, 1, 1);
    lua_pushlightuserdata(L, st->rt);
    lua_pushcclosure(L, l_epoch, 1);
    lua_setfield(L, -2, "epoch");
    lua_pushlightuserdata(L, st->rt);
    lua_pushcclosure(L, l_hpure, 1);
    lua_setfield(L, -2, "hpure");
    tdmL_open_box(L, -1);                       /* before the closures keeping it */
    tdmL_push_fast(L, -1);
    lua_setfield(L, -2, "fast");
    tdmL_push_centry(L, -1);
    lua_setfield(L, -2, "centry");
    lua_newtable(L);                            /* rt.xf: the translated functions */
    lua_newtable(L);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, "xf");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &pyrt_key);
}

/* TDM_OP_LOADIR: args[0] IR text, args[1] the host hook, args[2] recursion limit.
   Pushes the table of internal functions, the table of entry functions and the
   Lua source, and returns 3. With f->sub TDM_LOADIR_EMIT (tandem translate:
   standalone files) nothing is loaded: pushes the source of the runtime
   library pyrt, then the source of each function (a chunk taking rt, H, K,
   NAME and returning the function), and returns their count. [-0, +k, e] */
int tdmL_load_ir(lua_State *L, tdmL_State *st, tdmS_Frame *f)
{
    if (f->nargs < 2 || f->args[0].kind != TDM_STR) {
        return luaL_error(L, "load_ir: the IR text and the hook are required");
    }
    Hold *h = lua_newuserdatauv(L, sizeof *h, 0);
    memset(h, 0, sizeof *h);
    lua_newtable(L);
    lua_pushcfunction(L, hold_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    int hold = lua_gettop(L);
    char err[300];
    if (tdmX_load(f->args[0].u.s.p, f->args[0].u.s.n, &h->m, err, sizeof err) != TDM_OK) {
        return luaL_error(L, "invalid IR: %s", err);
    }
    h->src = calloc((size_t)h->m->nfuncs, sizeof *h->src);
    if (h->src == NULL) {
        return luaL_error(L, "not enough memory");
    }
    for (int i = 0; i < h->m->nfuncs; i++) {
        h->src[i] = gen_source(h->m, i, err, sizeof err);
        if (h->src[i] == NULL) {
            return luaL_error(L, "translation: %s", err);
        }
        h->nsrc = i + 1;
    }
    if (f->sub == TDM_LOADIR_EMIT) {
        luaL_checkstack(L, h->m->nfuncs + 2, "too many functions");
        lua_pushlstring(L, tdmL_pyrt_src, sizeof tdmL_pyrt_src - 1);
        for (int i = 0; i < h->m->nfuncs; i++) {
            lua_pushstring(L, h->src[i]);
        }
        return 1 + h->m->nfuncs;
    }
    push_pyrt(L, st);
    int rt = lua_gettop(L);
    lua_getfield(L, rt, "wraphook");            /* the hook, importing Lua values */
    tdmL_push(L, st, &f->args[1]);
    lua_call(L, 1, 1);
    int hook = lua_gettop(L);
    lua_pushvalue(L, hook);
    lua_setfield(L, rt, "H");
    lua_getfield(L, rt, "depthcell");          /* upvalues DEPTH, MAXD (pyrt/core.lua) */
    int cell = lua_gettop(L);
    if (f->nargs > 2 && f->args[2].kind == TDM_INT && f->args[2].u.i > 0) {
        lua_pushinteger(L, f->args[2].u.i);
        lua_setupvalue(L, cell, 2);
    }
    lua_newtable(L);
    int internal = lua_gettop(L);
    lua_newtable(L);
    int entries = lua_gettop(L);
    lua_getfield(L, rt, "kwcall");              /* entries[0]: keyword calls (call.lua) */
    lua_rawseti(L, entries, 0);
    luaL_Buffer all;
    lua_getfield(L, rt, "chunks");
    int chunks = lua_gettop(L);
    lua_getfield(L, rt, "fnames");
    int fnames = lua_gettop(L);
    lua_pushfstring(L, "@%s", h->m->source);
    lua_pushboolean(L, 1);
    lua_settable(L, chunks);
    for (int i = 0; i < h->m->nfuncs; i++) {
        const tdmX_Func *fn = &h->m->funcs[i];
        lua_pushfstring(L, "@%s", h->m->source);
        const char *chunk = lua_tostring(L, -1);
        if (luaL_loadbufferx(L, h->src[i], strlen(h->src[i]), chunk, "t") != LUA_OK) {
            return luaL_error(L, "translation produced invalid Lua (a tandem bug): %s",
                              lua_tostring(L, -1));
        }
        /* the function the chunk opens, its DEPTH and MAXD joined to the
           runtime library's (rt.joindepth: every function it makes shares them) */
        lua_getfield(L, rt, "joindepth");
        lua_insert(L, -2);
        lua_call(L, 0, 1);
        lua_call(L, 1, 1);
        lua_pushvalue(L, rt);
        lua_pushvalue(L, hook);
        lua_pushinteger(L, i);
        lua_pushstring(L, fn->name);
        lua_call(L, 4, 1);                      /* -> the function */
        lua_pushvalue(L, -1);
        lua_pushstring(L, fn->name);
        lua_settable(L, fnames);
        lua_pushvalue(L, -1);
        lua_rawseti(L, internal, i + 1);
        lua_getfield(L, rt, "xf");              /* translated: called directly */
        lua_rawgeti(L, internal, i + 1);
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
        lua_pop(L, 1);
        lua_getfield(L, rt, "entry");
        lua_insert(L, -2);
        lua_call(L, 1, 1);
        lua_rawseti(L, entries, i + 1);
        lua_pop(L, 1);                          /* chunk name */
    }
    lua_pushvalue(L, internal);
    lua_pushvalue(L, entries);
    luaL_buffinit(L, &all);
    for (int i = 0; i < h->m->nfuncs; i++) {
        luaL_addstring(&all, "-- ");
        luaL_addstring(&all, h->m->funcs[i].name);
        luaL_addstring(&all, " (");
        luaL_addstring(&all, h->m->source);
        luaL_addstring(&all, ")\n");
        luaL_addstring(&all, h->src[i]);
    }
    luaL_pushresult(&all);
    (void)hold;
    return 3;
}
