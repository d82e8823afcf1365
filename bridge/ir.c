/*
 * ir.c — parse, validate and analyse the translation IR (ir.h).
 *
 * Three passes over a text a front end wrote: an S-expression reader
 * (atoms: symbols, integers, floats, "strings" with \n \t \\ \" \xHH
 * escapes), a validator driven by the node table below (shape, operators,
 * scopes, break/continue inside loops), and a backward live-variable
 * analysis that gives every yield point the locals read after it resumes.
 * Errors are messages, never crashes: depth, sizes and every index are
 * checked.
 */
#include "ir.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXDEPTH 200            /* nesting of the IR text */
#define MAXVARS 1024            /* locals per function (live sets are bitsets) */
#define SETW (MAXVARS / 64)

typedef struct Err {
    char *buf;
    size_t size;
    int set;
} Err;

static int fail(Err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(Err *e, const char *fmt, ...)
{
    if (!e->set && e->size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->buf, e->size, fmt, ap);
        va_end(ap);
    }
    e->set = 1;
    return TDM_ERRARG;
}

/* ---- nodes ---------------------------------------------------------------- */

static void free_node(tdmX_Node *n)
{
    if (n == NULL) {
        return;
    }
    if (n->kind == TDMX_LIST) {
        for (int i = 0; i < n->u.l.n; i++) {
            free_node(n->u.l.v[i]);
        }
        free(n->u.l.v);
    } else if (n->kind == TDMX_SYM || n->kind == TDMX_STR) {
        free(n->u.s.p);
    }
    free(n);
}

const char *tdmX_head(const tdmX_Node *n)
{
    if (n == NULL || n->kind != TDMX_LIST || n->u.l.n == 0 || n->u.l.v[0]->kind != TDMX_SYM) {
        return NULL;
    }
    return n->u.l.v[0]->u.s.p;
}

int tdmX_is(const tdmX_Node *n, const char *head)
{
    const char *h = tdmX_head(n);
    return h != NULL && strcmp(h, head) == 0;
}

int tdmX_len(const tdmX_Node *n)
{
    return n != NULL && n->kind == TDMX_LIST ? n->u.l.n : 0;
}

const tdmX_Node *tdmX_at(const tdmX_Node *n, int i)
{
    return i >= 0 && i < tdmX_len(n) ? n->u.l.v[i] : NULL;
}

/* ---- reader --------------------------------------------------------------- */

typedef struct Reader {
    const char *p, *end;
    int line, col;
    Err *err;
} Reader;

static void skip_space(Reader *r)
{
    while (r->p < r->end) {
        char c = *r->p;
        if (c == ';') {                 /* comment to end of line */
            while (r->p < r->end && *r->p != '\n') {
                r->p++;
            }
        } else if (c == '\n') {
            r->line++;
            r->col = 1;
            r->p++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            r->col++;
            r->p++;
        } else {
            return;
        }
    }
}

static void adv(Reader *r)
{
    r->p++;
    r->col++;
}

static tdmX_Node *new_node(Reader *r, tdmX_Kind k)
{
    tdmX_Node *n = calloc(1, sizeof *n);
    if (n == NULL) {
        fail(r->err, "ir: out of memory");
        return NULL;
    }
    n->kind = k;
    n->tline = r->line;
    n->tcol = r->col;
    return n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static tdmX_Node *read_string(Reader *r)
{
    tdmX_Node *n = new_node(r, TDMX_STR);
    if (n == NULL) {
        return NULL;
    }
    adv(r);                             /* opening quote */
    size_t cap = 16, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        free(n);
        fail(r->err, "ir: out of memory");
        return NULL;
    }
    for (;;) {
        if (r->p >= r->end) {
            fail(r->err, "ir:%d:%d: unterminated string", n->tline, n->tcol);
            goto error;
        }
        char c = *r->p;
        if (c == '"') {
            adv(r);
            break;
        }
        if (c == '\n') {
            fail(r->err, "ir:%d:%d: newline inside a string (write \\n)", r->line, r->col);
            goto error;
        }
        if (c == '\\') {
            adv(r);
            if (r->p >= r->end) {
                continue;               /* reported as unterminated */
            }
            char e = *r->p;
            if (e == 'n') {
                c = '\n';
            } else if (e == 't') {
                c = '\t';
            } else if (e == 'r') {
                c = '\r';
            } else if (e == '\\' || e == '"') {
                c = e;
            } else if (e == 'x' && r->end - r->p >= 3 && hexval(r->p[1]) >= 0
                       && hexval(r->p[2]) >= 0) {
                c = (char)(hexval(r->p[1]) * 16 + hexval(r->p[2]));
                adv(r);
                adv(r);
            } else {
                fail(r->err, "ir:%d:%d: bad escape in a string", r->line, r->col);
                goto error;
            }
        }
        if (len + 2 > cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                fail(r->err, "ir: out of memory");
                goto error;
            }
            buf = nb;
        }
        buf[len++] = c;
        adv(r);
    }
    buf[len] = '\0';
    n->u.s.p = buf;
    n->u.s.n = len;
    return n;
error:
    free(buf);
    free(n);
    return NULL;
}

static int is_atom_char(char c)
{
    return c != '(' && c != ')' && c != '"' && c != ';' && c != ' ' && c != '\t'
           && c != '\n' && c != '\r';
}

static tdmX_Node *read_atom(Reader *r)
{
    const char *s = r->p;
    int line = r->line, col = r->col;
    while (r->p < r->end && is_atom_char(*r->p)) {
        adv(r);
    }
    size_t len = (size_t)(r->p - s);
    char *txt = malloc(len + 1);
    if (txt == NULL) {
        fail(r->err, "ir: out of memory");
        return NULL;
    }
    memcpy(txt, s, len);
    txt[len] = '\0';
    tdmX_Node *n = new_node(r, TDMX_SYM);
    if (n == NULL) {
        free(txt);
        return NULL;
    }
    n->tline = line;
    n->tcol = col;
    char c = txt[0];
    int numeric = (c >= '0' && c <= '9')
                  || ((c == '-' || c == '+') && len > 1 && txt[1] >= '0' && txt[1] <= '9');
    /* (the bare words inf and nan are names, floats only as the value of a
       (float X) node: read_node; -inf is no name) */
    if (numeric || strcmp(txt, "-inf") == 0) {
        char *endp;
        errno = 0;
        int isfloat = strpbrk(txt, ".eEn") != NULL;
        if (!isfloat) {
            long long v = strtoll(txt, &endp, 10);
            if (*endp == '\0' && errno == 0) {
                n->kind = TDMX_INT;
                n->u.i = v;
                free(txt);
                return n;
            }
            fail(r->err, "ir:%d:%d: bad integer '%s' (64-bit signed)", line, col, txt);
        } else {
            double d = strtod(txt, &endp);
            if (*endp == '\0') {
                n->kind = TDMX_FLOAT;
                n->u.d = d;
                free(txt);
                return n;
            }
            fail(r->err, "ir:%d:%d: bad number '%s'", line, col, txt);
        }
        free(txt);
        free(n);
        return NULL;
    }
    n->u.s.p = txt;
    n->u.s.n = len;
    return n;
}

/* (float inf) and (float nan): the words as the floats they name. A bare
   inf or nan elsewhere is a name (a Python variable `inf`, `math.nan`). */
static void float_word(tdmX_Node *n)
{
    if (n->u.l.n != 2 || n->u.l.v[0]->kind != TDMX_SYM || strcmp(n->u.l.v[0]->u.s.p, "float") != 0
        || n->u.l.v[1]->kind != TDMX_SYM) {
        return;
    }
    tdmX_Node *k = n->u.l.v[1];
    int isinf_ = strcmp(k->u.s.p, "inf") == 0;
    if (isinf_ || strcmp(k->u.s.p, "nan") == 0) {
        free(k->u.s.p);
        k->kind = TDMX_FLOAT;
        k->u.d = isinf_ ? HUGE_VAL : NAN;
    }
}

static tdmX_Node *read_node(Reader *r, int depth)
{
    skip_space(r);
    if (r->p >= r->end) {
        fail(r->err, "ir:%d:%d: unexpected end of text", r->line, r->col);
        return NULL;
    }
    char c = *r->p;
    if (c == ')') {
        fail(r->err, "ir:%d:%d: unexpected ')'", r->line, r->col);
        return NULL;
    }
    if (c == '"') {
        return read_string(r);
    }
    if (c != '(') {
        return read_atom(r);
    }
    if (depth >= MAXDEPTH) {
        fail(r->err, "ir:%d:%d: nesting deeper than %d", r->line, r->col, MAXDEPTH);
        return NULL;
    }
    tdmX_Node *n = new_node(r, TDMX_LIST);
    if (n == NULL) {
        return NULL;
    }
    adv(r);
    int cap = 0;
    for (;;) {
        skip_space(r);
        if (r->p >= r->end) {
            fail(r->err, "ir:%d:%d: '(' never closed", n->tline, n->tcol);
            free_node(n);
            return NULL;
        }
        if (*r->p == ')') {
            adv(r);
            float_word(n);
            return n;
        }
        tdmX_Node *kid = read_node(r, depth + 1);
        if (kid == NULL) {
            free_node(n);
            return NULL;
        }
        if (n->u.l.n == cap) {
            cap = cap ? cap * 2 : 4;
            tdmX_Node **nv = realloc(n->u.l.v, (size_t)cap * sizeof *nv);
            if (nv == NULL) {
                free_node(kid);
                free_node(n);
                fail(r->err, "ir: out of memory");
                return NULL;
            }
            n->u.l.v = nv;
        }
        n->u.l.v[n->u.l.n++] = kid;
    }
}

/* ---- validation ----------------------------------------------------------- */

/* Node table. Argument specs, one character per argument:
     L source line (int > 0)   i int   n number   S string   s name (symbol)
     o operator of the node    e expression       x expression or _ (absent)
     T assignment target       B block            H handlers
     F a nested (func ...) whose free names are locals of an enclosing function
   A trailing '*' repeats the character before it (zero or more). */
typedef struct NodeSpec {
    const char *name;
    char cat;                   /* 's' statement, 'e' expression, 't' target */
    const char *args;
    const char *const *ops;     /* operators allowed for 'o' */
} NodeSpec;

static const char *const binops[] = {
    "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "lshift", "rshift",
    "bitand", "bitor", "bitxor",
    "iadd", "imul",     /* the in-place forms of += and *= (a list is extended) */
    "isub", "ibitor", "ibitand", "ibitxor",     /* -= |= &= ^= (a set changes in place) */
    "itruediv", "ifloordiv", "imod", "ipow", "ilshift", "irshift",  /* the other op= */
    NULL
};
static const char *const unops[] = { "neg", "pos", "not", "invert", NULL };
static const char *const cmpops[] = {
    "eq", "ne", "lt", "le", "gt", "ge", "in", "notin", "is", "isnot", NULL
};

static const NodeSpec specs[] = {
    /* statements */
    { "expr", 's', "Le", NULL },
    { "assign", 's', "LTe", NULL },
    { "aug", 's', "LToe", binops },
    { "if", 's', "LeBB", NULL },
    { "while", 's', "LeBB", NULL },
    { "for", 's', "LTeBB", NULL },
    { "forrange", 's', "LTeeeBB", NULL },
    { "break", 's', "L", NULL },
    { "continue", 's', "L", NULL },
    { "pass", 's', "L", NULL },
    { "return", 's', "Lx", NULL },
    { "raise", 's', "Lx", NULL },
    { "try", 's', "LBHBB", NULL },
    { "assert", 's', "Lex", NULL },
    { "del", 's', "LT", NULL },
    { "def", 's', "LTF", NULL },    /* bind a nested function (a closure) */
    /* expressions */
    { "int", 'e', "i", NULL },
    { "float", 'e', "n", NULL },
    { "str", 'e', "S", NULL },
    { "true", 'e', "", NULL },
    { "false", 'e', "", NULL },
    { "none", 'e', "", NULL },
    { "local", 'e', "s", NULL },
    { "lcheck", 'e', "s", NULL },   /* local read that may be unbound */
    { "free", 'e', "s", NULL },
    { "pycell", 'e', "s", NULL },
    { "pydefault", 'e', "i", NULL },    /* __defaults__[i] of the Python function */
    { "pykwdefault", 'e', "s", NULL },  /* __kwdefaults__[name] */   /* a free variable of the translated Python closure */
    { "global", 'e', "s", NULL },
    { "builtin", 'e', "s", NULL },
    { "import", 'e', "Si", NULL },  /* an import statement's text and line: its value(s) */
    { "binop", 'e', "oee", binops },
    { "unop", 'e', "oe", unops },
    { "compare", 'e', "eoe*", cmpops },  /* e0 op1 e1 [op2 e2 ...] */
    { "and", 'e', "ee*", NULL },
    { "or", 'e', "ee*", NULL },
    { "ifexp", 'e', "eee", NULL },
    { "call", 'e', "ee*", NULL },
    { "list", 'e', "e*", NULL },
    { "tuple", 'e', "e*", NULL },
    { "dict", 'e', "e*", NULL },    /* k1 v1 k2 v2 ... (checked below) */
    { "index", 'e', "ee", NULL },
    { "slice", 'e', "exxx", NULL },
    { "method", 'e', "ese*", NULL },
    { "attr", 'e', "es", NULL },    /* o.name: an attribute read (a target too) */
    { "yield", 'e', "iix", NULL },
    { "yieldfrom", 'e', "iie", NULL },   /* yield from: a yield point delegating to e */
    { "lambda", 'e', "F", NULL },
    { "setx", 'e', "Te", NULL },    /* (x := e): stores e in the name target, gives it */
    { "kw", 'e', "se", NULL },      /* a keyword argument of a call */
    { "star", 'e', "e", NULL },     /* f(*e): an argument of a call */
    { "dstar", 'e', "e", NULL },    /* f(**e): an argument of a call */
    { NULL, 0, NULL, NULL }
};

/* (yield ...) and (yieldfrom ...) are the yield points */
static int is_yield(const char *h)
{
    return strcmp(h, "yield") == 0 || strcmp(h, "yieldfrom") == 0;
}

/* The Lua dialect (docs/lua-ir.md): `(module "CHUNK" (lang lua) (func ...))`.
   Extra argument specs: N a list of local names, A (attribs A...), E a list of
   expressions, P a list of targets, I a table item. */
static const char *const lbinops[] = {
    "add", "sub", "mul", "div", "mod", "pow", "idiv", "band", "bor", "bxor", "shl", "shr",
    "concat", "eq", "ne", "lt", "le", "gt", "ge", NULL
};
static const char *const lunops[] = { "unm", "not", "len", "bnot", NULL };

static const NodeSpec lua_specs[] = {
    { "local", 's', "LNAE", NULL },
    { "set", 's', "LPE", NULL },
    { "expr", 's', "Le", NULL },
    { "do", 's', "LB", NULL },
    { "while", 's', "LeB", NULL },
    { "repeat", 's', "LBeL*", NULL },   /* the until condition's line (Lua) */
    { "if", 's', "LeBB", NULL },
    { "fornum", 's', "LseexB", NULL },
    { "forin", 's', "LNEB", NULL },
    { "break", 's', "L", NULL },
    { "goto", 's', "Ls", NULL },
    { "label", 's', "Ls", NULL },
    { "return", 's', "Le*", NULL },
    { "def", 's', "LTF", NULL },
    { "nil", 'e', "", NULL },
    { "true", 'e', "", NULL },
    { "false", 'e', "", NULL },
    { "int", 'e', "i", NULL },
    { "float", 'e', "n", NULL },
    { "str", 'e', "S", NULL },
    { "vararg", 'e', "", NULL },
    { "local", 'e', "s", NULL },
    { "free", 'e', "s", NULL },
    { "global", 'e', "s", NULL },
    { "env", 'e', "", NULL },       /* the chunk's _ENV as a value */
    { "index", 'e', "ee", NULL },
    { "call", 'e', "ee*", NULL },
    { "method", 'e', "ese*", NULL },
    { "lbin", 'e', "oee", lbinops },
    { "lun", 'e', "oe", lunops },
    { "and", 'e', "ee", NULL },
    { "or", 'e', "ee", NULL },
    { "paren", 'e', "e", NULL },
    { "table", 'e', "I*", NULL },
    { "lambda", 'e', "F", NULL },
    { NULL, 0, NULL, NULL }
};

static const NodeSpec *find_spec_in(const NodeSpec *table, const char *name, char cat)
{
    for (const NodeSpec *s = table; s->name != NULL; s++) {
        if (strcmp(s->name, name) == 0 && (cat == 0 || s->cat == cat)) {
            return s;
        }
    }
    return NULL;
}

typedef struct Walk Walk;
struct Walk {
    Err *err;
    int lua;                    /* the Lua dialect */
    const char *file;
    tdmX_Func *fn;
    int loops;                  /* loop nesting (break/continue) */
    const tdmX_Node *stack[MAXDEPTH];   /* enclosing loops and try statements */
    int nstack;
    int line;                   /* current statement line */
    Walk *outer;                /* the walk of the enclosing function, or NULL */
};

static int in_list(const tdmX_Node *names, const char *s)
{
    for (int i = 1; i < tdmX_len(names); i++) {
        if (strcmp(names->u.l.v[i]->u.s.p, s) == 0) {
            return i;
        }
    }
    return 0;
}

static int vexpr(Walk *w, const tdmX_Node *n);
static int vstmt(Walk *w, const tdmX_Node *n);
static int vnested(Walk *w, const tdmX_Node *n);
static int vfunc(Walk *w, const tdmX_Node *n, tdmX_Func *f);
static int vblock(Walk *w, const tdmX_Node *n);

static int bad(Walk *w, const tdmX_Node *n, const char *what)
{
    const char *h = tdmX_head(n);
    return fail(w->err, "ir:%d:%d: %s%s%s (source %s:%d)", n ? n->tline : 0, n ? n->tcol : 0,
                what, h ? " in " : "", h ? h : "", w->file, w->line);
}

static int vname_ref(Walk *w, const tdmX_Node *n, const char *kind, const char *name)
{
    const tdmX_Func *f = w->fn;
    if (strcmp(kind, "pycell") == 0) {
        /* a cell of the Python function: declared in the module-level
           function's (free ...) */
        const Walk *top = w;
        while (top->outer != NULL) {
            top = top->outer;
        }
        f = top->fn;
        kind = "free";
    }
    const tdmX_Node *scope = strcmp(kind, "free") == 0 ? f->free
                             : strcmp(kind, "global") == 0 ? f->globals
                             : strcmp(kind, "builtin") == 0 ? NULL : f->vars;
    if (scope != NULL && !in_list(scope, name)) {
        return fail(w->err, "ir:%d:%d: %s '%s' is not declared in (%s ...) of function %s "
                    "(source %s:%d)", n->tline, n->tcol, kind, name,
                    scope == f->vars ? "vars" : kind, f->name, w->file, w->line);
    }
    return TDM_OK;
}

static int add_yield(Walk *w, const tdmX_Node *n)
{
    tdmX_Func *f = w->fn;
    tdmX_Yield *ny = realloc(f->yields, (size_t)(f->nyields + 1) * sizeof *ny);
    if (ny == NULL) {
        return fail(w->err, "ir: out of memory");
    }
    f->yields = ny;
    tdmX_Yield *y = &f->yields[f->nyields++];
    memset(y, 0, sizeof *y);
    y->node = n;
    y->line = (int)n->u.l.v[1]->u.i;
    y->col = (int)n->u.l.v[2]->u.i;
    int nl = 0, nh = 0;
    for (int i = 0; i < w->nstack; i++) {
        if (tdmX_is(w->stack[i], "try")) {
            nh++;
        } else {
            nl++;
        }
    }
    y->loops = calloc((size_t)nl + 1, sizeof *y->loops);
    y->handlers = calloc((size_t)nh + 1, sizeof *y->handlers);
    if (y->loops == NULL || y->handlers == NULL) {
        return fail(w->err, "ir: out of memory");
    }
    for (int i = 0; i < w->nstack; i++) {
        if (tdmX_is(w->stack[i], "try")) {
            y->handlers[y->nhandlers++] = w->stack[i];
        } else {
            y->loops[y->nloops++] = w->stack[i];
        }
    }
    for (int i = 0; i < f->nyields - 1; i++) {
        if (f->yields[i].line == y->line && f->yields[i].col == y->col) {
            return fail(w->err, "%s:%d: two yield points with the same id %d:%d",
                        w->file, y->line, y->line, y->col);
        }
    }
    return TDM_OK;
}

static int vtarget(Walk *w, const tdmX_Node *n)
{
    const char *h = tdmX_head(n);
    if (h == NULL) {
        return bad(w, n, "assignment target expected");
    }
    if (strcmp(h, "local") == 0 || strcmp(h, "free") == 0 || strcmp(h, "global") == 0
        || strcmp(h, "pycell") == 0) {
        if (tdmX_len(n) != 2 || n->u.l.v[1]->kind != TDMX_SYM) {
            return bad(w, n, "a name target takes one name");
        }
        return vname_ref(w, n, h, n->u.l.v[1]->u.s.p);
    }
    if (strcmp(h, "index") == 0) {
        if (tdmX_len(n) != 3) {
            return bad(w, n, "index target takes an object and a key");
        }
        return vexpr(w, n->u.l.v[1]) || vexpr(w, n->u.l.v[2]) ? TDM_ERRARG : TDM_OK;
    }
    if (strcmp(h, "attr") == 0) {           /* (attr o NAME) */
        if (tdmX_len(n) != 3 || n->u.l.v[2]->kind != TDMX_SYM) {
            return bad(w, n, "attribute target takes an object and a name");
        }
        return vexpr(w, n->u.l.v[1]) ? TDM_ERRARG : TDM_OK;
    }
    if (strcmp(h, "tuple") == 0) {
        int stars = 0;
        for (int i = 1; i < n->u.l.n; i++) {
            const tdmX_Node *k = n->u.l.v[i];
            if (tdmX_is(k, "star")) {       /* (star TARGET): takes the rest as a list */
                if (++stars > 1 || tdmX_len(k) != 2) {
                    return bad(w, k, "one (star TARGET) at most in a tuple target");
                }
                k = k->u.l.v[1];
            }
            if (vtarget(w, k) != TDM_OK) {
                return TDM_ERRARG;
            }
        }
        return TDM_OK;
    }
    if (strcmp(h, "slice") == 0) {          /* (slice o lo|_ hi|_ step|_) */
        if (tdmX_len(n) != 5) {
            return bad(w, n, "slice target takes an object and three bounds");
        }
        if (vexpr(w, n->u.l.v[1])) {
            return TDM_ERRARG;
        }
        for (int i = 2; i < 5; i++) {
            const tdmX_Node *k = n->u.l.v[i];
            if (!(k->kind == TDMX_SYM && strcmp(k->u.s.p, "_") == 0) && vexpr(w, k)) {
                return TDM_ERRARG;
            }
        }
        return TDM_OK;
    }
    return bad(w, n, "not an assignment target");
}

static int vhandlers(Walk *w, const tdmX_Node *n)
{
    if (!tdmX_is(n, "handlers")) {
        return bad(w, n, "(handlers ...) expected");
    }
    for (int i = 1; i < n->u.l.n; i++) {
        const tdmX_Node *h = n->u.l.v[i];
        if (!tdmX_is(h, "except") || tdmX_len(h) != 4 || h->u.l.v[2]->kind != TDMX_SYM) {
            return bad(w, h, "(except CLASS-or-_ NAME-or-_ (block ...)) expected");
        }
        const tdmX_Node *cls = h->u.l.v[1];
        if (!(cls->kind == TDMX_SYM && strcmp(cls->u.s.p, "_") == 0) && vexpr(w, cls)) {
            return TDM_ERRARG;
        }
        const char *name = h->u.l.v[2]->u.s.p;
        if (strcmp(name, "_") != 0 && vname_ref(w, h, "local", name)) {
            return TDM_ERRARG;
        }
        if (vblock(w, h->u.l.v[3])) {
            return TDM_ERRARG;
        }
    }
    return TDM_OK;
}

/* Check n's arguments against spec->args. */
static int vargs(Walk *w, const tdmX_Node *n, const NodeSpec *sp)
{
    const char *a = sp->args;
    int i = 1, nkids = n->u.l.n;
    while (*a) {
        char c = *a;
        int rep = a[1] == '*';
        if (i >= nkids) {
            if (rep) {
                break;
            }
            return bad(w, n, "missing argument");
        }
        const tdmX_Node *k = n->u.l.v[i];
        int ok = TDM_OK;
        switch (c) {
        case 'L':
            if (k->kind != TDMX_INT || k->u.i <= 0 || k->u.i > 0x7fffffff) {
                return bad(w, k, "source line (a positive int) expected");
            }
            w->line = (int)k->u.i;
            break;
        case 'i':
            if (k->kind != TDMX_INT) {
                return bad(w, k, "integer expected");
            }
            if (is_yield(sp->name) && (k->u.i < 0 || k->u.i > 0x7fffffff)) {
                return bad(w, k, "yield position out of range");
            }
            break;
        case 'n':
            if (k->kind != TDMX_INT && k->kind != TDMX_FLOAT) {
                return bad(w, k, "number expected");
            }
            break;
        case 'S':
            if (k->kind != TDMX_STR) {
                return bad(w, k, "string expected");
            }
            break;
        case 's':
            if (k->kind != TDMX_SYM) {      /* (inf and nan are names: read_node) */
                return bad(w, k, "name expected");
            }
            if (w->lua && strcmp(sp->name, "fornum") == 0 && vname_ref(w, k, "local", k->u.s.p)) {
                return TDM_ERRARG;
            }
            break;
        case 'o': {
            int found = 0;
            for (int j = 0; k->kind == TDMX_SYM && sp->ops[j] != NULL; j++) {
                found |= strcmp(sp->ops[j], k->u.s.p) == 0;
            }
            if (!found) {
                return bad(w, k, "unknown operator");
            }
            break;
        }
        case 'e':
            ok = vexpr(w, k);
            break;
        case 'x':
            ok = k->kind == TDMX_SYM && strcmp(k->u.s.p, "_") == 0 ? TDM_OK : vexpr(w, k);
            break;
        case 'T':
            ok = vtarget(w, k);
            break;
        case 'B':
            ok = vblock(w, k);
            break;
        case 'H':
            ok = vhandlers(w, k);
            break;
        case 'F':
            ok = vnested(w, k);
            break;
        case 'N': case 'E': case 'P':
            if (k->kind != TDMX_LIST) {
                return bad(w, k, c == 'N' ? "(names...) expected" : "a list expected");
            }
            for (int j = 0; j < k->u.l.n && ok == TDM_OK; j++) {
                const tdmX_Node *x = k->u.l.v[j];
                if (c == 'N') {
                    if (x->kind != TDMX_SYM) {
                        return bad(w, x, "local name expected");
                    }
                    ok = vname_ref(w, x, "local", x->u.s.p);
                } else {
                    ok = c == 'E' ? vexpr(w, x) : vtarget(w, x);
                }
            }
            break;
        case 'A':
            if (!tdmX_is(k, "attribs")) {
                return bad(w, k, "(attribs A...) expected");
            }
            for (int j = 1; j < k->u.l.n; j++) {
                const tdmX_Node *x = k->u.l.v[j];
                if (x->kind != TDMX_SYM || (strcmp(x->u.s.p, "_") != 0
                                            && strcmp(x->u.s.p, "const") != 0
                                            && strcmp(x->u.s.p, "close") != 0)) {
                    return bad(w, x, "attribute _, const or close expected");
                }
            }
            break;
        case 'I': {
            const char *ih = tdmX_head(k);
            if (ih != NULL && strcmp(ih, "pos") == 0 && k->u.l.n == 2) {
                ok = vexpr(w, k->u.l.v[1]);
            } else if (ih != NULL && strcmp(ih, "field") == 0 && k->u.l.n == 3) {
                ok = vexpr(w, k->u.l.v[1]) || vexpr(w, k->u.l.v[2]) ? TDM_ERRARG : TDM_OK;
            } else {
                return bad(w, k, "table item (pos e) or (field k v) expected");
            }
            break;
        }
        default:
            return fail(w->err, "ir: bad node table entry for %s", sp->name);
        }
        if (ok != TDM_OK) {
            return ok;
        }
        i++;
        if (!rep) {
            a++;
        } else if (c == 'e' && strcmp(sp->name, "compare") == 0) {
            a--;                /* compare: alternate 'o' and 'e' */
            if (i >= nkids) {
                break;
            }
        }
    }
    if (i < nkids) {
        return bad(w, n, "too many arguments");
    }
    return TDM_OK;
}

static int vnode(Walk *w, const tdmX_Node *n, char cat)
{
    const char *h = tdmX_head(n);
    if (h == NULL) {
        return bad(w, n, cat == 's' ? "statement expected" : "expression expected");
    }
    const NodeSpec *sp = find_spec_in(w->lua ? lua_specs : specs, h, cat);
    if (sp == NULL) {
        return fail(w->err, "ir:%d:%d: unknown %s '%s' (source %s:%d)", n->tline, n->tcol,
                    cat == 's' ? "statement" : "expression", h, w->file, w->line);
    }
    int loopish = strcmp(h, "while") == 0 || strcmp(h, "for") == 0
                  || strcmp(h, "forrange") == 0
                  || (w->lua && (strcmp(h, "repeat") == 0 || strcmp(h, "fornum") == 0
                                 || strcmp(h, "forin") == 0));
    int pushed = loopish || strcmp(h, "try") == 0;
    if (pushed) {
        if (w->nstack >= MAXDEPTH) {
            return bad(w, n, "too deeply nested");
        }
        w->stack[w->nstack++] = n;
    }
    if ((strcmp(h, "break") == 0 || strcmp(h, "continue") == 0) && w->loops == 0) {
        return fail(w->err, "%s:%d: '%s' outside a loop", w->file,
                    n->u.l.n > 1 && n->u.l.v[1]->kind == TDMX_INT ? (int)n->u.l.v[1]->u.i
                    : w->line, h);
    }
    if (is_yield(h) && !w->fn->is_gen) {
        return bad(w, n, "yield in a function without (flags gen)");
    }
    if (strcmp(h, "compare") == 0 && n->u.l.n % 2 != 0) {
        return bad(w, n, "compare takes e0 op1 e1 [op2 e2 ...]");
    }
    if (strcmp(h, "dict") == 0 && n->u.l.n % 2 != 1) {
        return bad(w, n, "dict takes key/value pairs");
    }
    int names = (cat == 'e' && strcmp(h, "local") == 0) || strcmp(h, "lcheck") == 0
                || strcmp(h, "free") == 0 || strcmp(h, "global") == 0
                || strcmp(h, "pycell") == 0;
    int rc;
    if (loopish) {
        /* (the else block is checked by else_escapes) */
        w->loops++;
        rc = vargs(w, n, sp);
        w->loops--;
    } else {
        int saved = w->loops;
        rc = vargs(w, n, sp);
        w->loops = saved;
    }
    if (rc == TDM_OK && names) {
        rc = vname_ref(w, n, strcmp(h, "lcheck") == 0 ? "local" : h, n->u.l.v[1]->u.s.p);
    }
    if (rc == TDM_OK && is_yield(h)) {
        rc = add_yield(w, n);
    }
    if (pushed) {
        w->nstack--;
    }
    return rc;
}

static int vexpr(Walk *w, const tdmX_Node *n)
{
    return vnode(w, n, 'e');
}

static int vstmt(Walk *w, const tdmX_Node *n)
{
    return vnode(w, n, 's');
}

static int vblock(Walk *w, const tdmX_Node *n)
{
    if (!tdmX_is(n, "block")) {
        return bad(w, n, "(block ...) expected");
    }
    for (int i = 1; i < n->u.l.n; i++) {
        if (vstmt(w, n->u.l.v[i]) != TDM_OK) {
            return TDM_ERRARG;
        }
    }
    return TDM_OK;
}

/* A loop's else block runs outside the loop: re-check break/continue there.
   (vargs checked it with the loop counted; this catches `while c: ... else:
   break` at top level.) */
static int else_escapes(const tdmX_Node *blk, int loops);

static int stmt_escapes(const tdmX_Node *s, int loops)
{
    const char *h = tdmX_head(s);
    if (h == NULL) {
        return 0;
    }
    if (strcmp(h, "break") == 0 || strcmp(h, "continue") == 0) {
        return loops == 0;
    }
    int n = tdmX_len(s);
    if (strcmp(h, "while") == 0 || strcmp(h, "for") == 0 || strcmp(h, "forrange") == 0) {
        return else_escapes(s->u.l.v[n - 2], loops + 1) || else_escapes(s->u.l.v[n - 1], loops);
    }
    if (strcmp(h, "if") == 0) {
        return else_escapes(s->u.l.v[3], loops) || else_escapes(s->u.l.v[4], loops);
    }
    if (strcmp(h, "try") == 0) {
        const tdmX_Node *hs = s->u.l.v[3];
        for (int i = 1; i < tdmX_len(hs); i++) {
            if (else_escapes(hs->u.l.v[i]->u.l.v[3], loops)) {
                return 1;
            }
        }
        return else_escapes(s->u.l.v[2], loops) || else_escapes(s->u.l.v[4], loops)
               || else_escapes(s->u.l.v[5], loops);
    }
    return 0;
}

static int else_escapes(const tdmX_Node *blk, int loops)
{
    for (int i = 1; i < tdmX_len(blk); i++) {
        if (stmt_escapes(blk->u.l.v[i], loops)) {
            return 1;
        }
    }
    return 0;
}

static int vnames(Walk *w, const tdmX_Node *n, const char *what)
{
    if (!tdmX_is(n, what)) {
        return fail(w->err, "ir:%d:%d: (%s ...) expected in function %s", n ? n->tline : 0,
                    n ? n->tcol : 0, what, w->fn->name);
    }
    for (int i = 1; i < n->u.l.n; i++) {
        const tdmX_Node *k = n->u.l.v[i];
        if (k->kind != TDMX_SYM) {
            return bad(w, k, "name expected");
        }
        for (int j = 1; j < i; j++) {
            if (strcmp(n->u.l.v[j]->u.s.p, k->u.s.p) == 0) {
                return fail(w->err, "ir:%d:%d: '%s' listed twice in (%s ...) of %s",
                            k->tline, k->tcol, k->u.s.p, what, w->fn->name);
            }
        }
    }
    return TDM_OK;
}

/* (sig "QUALNAME" "MODULE" POSONLY VARARG|_ KWARG|_ (kwonly k...) (kwdefaults x|_ ...)):
   the parameters beyond (params ...); every name a local in (vars ...), none a
   positional parameter; a module-level function's keyword-only defaults are
   constants (a nested function's are expressions checked by vnested). */
static int vsig(Walk *w, const tdmX_Func *f)
{
    const tdmX_Node *s = f->sig;
    if (!tdmX_is(s, "sig") || tdmX_len(s) != 8 || s->u.l.v[1]->kind != TDMX_STR
        || s->u.l.v[2]->kind != TDMX_STR || s->u.l.v[3]->kind != TDMX_INT
        || s->u.l.v[4]->kind != TDMX_SYM || s->u.l.v[5]->kind != TDMX_SYM
        || !tdmX_is(s->u.l.v[6], "kwonly") || !tdmX_is(s->u.l.v[7], "kwdefaults")
        || tdmX_len(s->u.l.v[6]) != tdmX_len(s->u.l.v[7])) {
        return bad(w, s, "(sig \"QUALNAME\" \"MODULE\" POSONLY VARARG|_ KWARG|_ (kwonly k...) "
                   "(kwdefaults x|_ ...)) expected");
    }
    if (s->u.l.v[3]->u.i < 0 || s->u.l.v[3]->u.i > tdmX_len(f->params) - 1) {
        return bad(w, s->u.l.v[3], "positional-only count out of range");
    }
    if (vnames(w, s->u.l.v[6], "kwonly") != TDM_OK) {
        return TDM_ERRARG;
    }
    const tdmX_Node *names[64];
    int nn = 0;
    for (int i = 4; i <= 5; i++) {
        if (strcmp(s->u.l.v[i]->u.s.p, "_") != 0) {
            names[nn++] = s->u.l.v[i];
        }
    }
    for (int i = 1; i < tdmX_len(s->u.l.v[6]); i++) {
        if (nn < 64) {
            names[nn++] = s->u.l.v[6]->u.l.v[i];
        } else {
            return bad(w, s, "more than 62 keyword-only parameters");
        }
    }
    for (int i = 0; i < nn; i++) {
        const char *nm = names[i]->u.s.p;
        if (!in_list(f->vars, nm) || in_list(f->params, nm)) {
            return bad(w, names[i], "a *args/**kwargs/keyword-only parameter must be in "
                       "(vars ...) and not in (params ...)");
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(names[j]->u.s.p, nm) == 0) {
                return bad(w, names[i], "a parameter named twice");
            }
        }
    }
    const tdmX_Node *kd = s->u.l.v[7];
    for (int i = 1; w->outer == NULL && i < tdmX_len(kd); i++) {
        const tdmX_Node *d = kd->u.l.v[i];
        if (d->kind == TDMX_SYM && strcmp(d->u.s.p, "_") == 0) {
            continue;
        }
        const char *h = tdmX_head(d);
        if (h == NULL || !(strcmp(h, "int") == 0 || strcmp(h, "float") == 0
                           || strcmp(h, "str") == 0 || strcmp(h, "true") == 0
                           || strcmp(h, "false") == 0 || strcmp(h, "none") == 0
                           || strcmp(h, "pydefault") == 0 || strcmp(h, "pykwdefault") == 0)
            || vexpr(w, d) != TDM_OK) {
            return bad(w, d, "a default must be a constant");
        }
    }
    return TDM_OK;
}

static int vfunc(Walk *w, const tdmX_Node *n, tdmX_Func *f)
{
    static const char *const parts[] = {
        "params", "vars", "cells", "free", "globals", "flags", "block"
    };
    if (!tdmX_is(n, "func") || (n->u.l.n != 11 && n->u.l.n != 12)
        || n->u.l.v[1]->kind != TDMX_SYM
        || n->u.l.v[2]->kind != TDMX_INT || n->u.l.v[2]->u.i < (w->lua ? 0 : 1)
        || n->u.l.v[2]->u.i > 0x7fffffff) {
        return fail(w->err, "ir:%d:%d: (func NAME LINE (params) (defaults) (vars) (cells) "
                    "(free) (globals) (flags) (block)) expected", n->tline, n->tcol);
    }
    f->node = n;
    f->name = n->u.l.v[1]->u.s.p;
    f->line = (int)n->u.l.v[2]->u.i;
    w->fn = f;
    w->line = f->line;
    for (int i = 0; i < 6; i++) {
        if (vnames(w, n->u.l.v[i == 0 ? 3 : 4 + i], parts[i]) != TDM_OK) {
            return TDM_ERRARG;
        }
    }
    f->params = n->u.l.v[3];
    f->defaults = n->u.l.v[4];
    f->vars = n->u.l.v[5];
    f->cells = n->u.l.v[6];
    f->free = n->u.l.v[7];
    f->globals = n->u.l.v[8];
    f->body = n->u.l.v[10];
    f->sig = n->u.l.n == 12 ? n->u.l.v[11] : NULL;
    if (!tdmX_is(f->defaults, "defaults")) {
        return bad(w, f->defaults, "(defaults CONST...) expected");
    }
    if (tdmX_len(f->defaults) > tdmX_len(f->params)) {
        return bad(w, f->defaults, "more defaults than parameters");
    }
    if (f->sig != NULL && vsig(w, f) != TDM_OK) {
        return TDM_ERRARG;
    }
    for (int i = 1; w->outer == NULL && i < tdmX_len(f->defaults); i++) {
        const char *h = tdmX_head(f->defaults->u.l.v[i]);
        if (h == NULL || !(strcmp(h, "int") == 0 || strcmp(h, "float") == 0
                           || strcmp(h, "str") == 0 || strcmp(h, "true") == 0
                           || strcmp(h, "false") == 0 || strcmp(h, "none") == 0
                           || strcmp(h, "pydefault") == 0 || strcmp(h, "pykwdefault") == 0)
            || vexpr(w, f->defaults->u.l.v[i]) != TDM_OK) {
            return bad(w, f->defaults->u.l.v[i], "a default must be a constant");
        }
    }
    const tdmX_Node *flags = n->u.l.v[9];
    for (int i = 1; i < flags->u.l.n; i++) {
        if (strcmp(flags->u.l.v[i]->u.s.p, "gen") == 0) {
            f->is_gen = 1;
        } else if (w->lua && strcmp(flags->u.l.v[i]->u.s.p, "vararg") == 0) {
            f->is_vararg = 1;
        } else {
            return bad(w, flags->u.l.v[i], "unknown flag");
        }
    }
    if (tdmX_len(f->vars) - 1 > MAXVARS) {
        return fail(w->err, "%s:%d: function %s has more than %d local variables", w->file,
                    f->line, f->name, MAXVARS);
    }
    for (int i = 1; i < tdmX_len(f->params); i++) {
        if (!in_list(f->vars, f->params->u.l.v[i]->u.s.p)) {
            return bad(w, f->params->u.l.v[i], "parameter missing from (vars ...)");
        }
    }
    for (int i = 1; i < tdmX_len(f->cells); i++) {
        if (!in_list(f->vars, f->cells->u.l.v[i]->u.s.p)) {
            return bad(w, f->cells->u.l.v[i], "cell missing from (vars ...)");
        }
    }
    for (int i = 1; i < tdmX_len(f->free); i++) {
        if (in_list(f->vars, f->free->u.l.v[i]->u.s.p)) {
            return bad(w, f->free->u.l.v[i], "a name cannot be both local and free");
        }
    }
    if (vblock(w, f->body) != TDM_OK) {
        return TDM_ERRARG;
    }
    /* (Lua has no loop else; its (while L e B) is not Python's (while L e B B)) */
    if (!w->lua && else_escapes(f->body, 0)) {
        return fail(w->err, "%s:%d: break/continue in a loop's else block outside any loop",
                    w->file, f->line);
    }
    return TDM_OK;
}

static int analyse(tdmX_Func *f, Err *err);
static void free_func(tdmX_Func *f);

/* A nested function: validated like a module function in a walk of its own;
   each of its free names must be a local (or free name) of an enclosing one.
   A nested generator is kept, with its yield points, on the module-level
   function's `nested` list. */
static int vnested(Walk *w, const tdmX_Node *n)
{
    tdmX_Func f;
    memset(&f, 0, sizeof f);
    Walk *inner = calloc(1, sizeof *inner);
    if (inner == NULL) {
        return fail(w->err, "ir: out of memory");
    }
    inner->err = w->err;
    inner->file = w->file;
    inner->lua = w->lua;
    inner->outer = w;
    int depth = 0;
    for (Walk *o = w; o != NULL; o = o->outer) {
        depth++;
    }
    int rc = depth > 50 ? bad(w, n, "functions nested too deeply") : TDM_OK;
    /* a nested function's defaults are expressions of the enclosing function,
       evaluated when the def runs */
    const tdmX_Node *defs = tdmX_len(n) >= 11 ? n->u.l.v[4] : NULL;
    for (int i = 1; rc == TDM_OK && i < tdmX_len(defs); i++) {
        rc = vexpr(w, defs->u.l.v[i]);
    }
    const tdmX_Node *sig = tdmX_len(n) == 12 ? n->u.l.v[11] : NULL;
    const tdmX_Node *kd = tdmX_is(sig, "sig") ? tdmX_at(sig, 7) : NULL;
    for (int i = 1; rc == TDM_OK && tdmX_is(kd, "kwdefaults") && i < tdmX_len(kd); i++) {
        const tdmX_Node *d = kd->u.l.v[i];
        if (!(d->kind == TDMX_SYM && strcmp(d->u.s.p, "_") == 0)) {
            rc = vexpr(w, d);
        }
    }
    if (rc == TDM_OK) {
        rc = vfunc(inner, n, &f);
    }
    for (int i = 1; rc == TDM_OK && i < tdmX_len(f.free); i++) {
        const char *name = f.free->u.l.v[i]->u.s.p;
        int found = 0;
        for (Walk *o = w; o != NULL && !found; o = o->outer) {
            found = in_list(o->fn->vars, name) || in_list(o->fn->free, name);
        }
        if (!found) {
            rc = fail(w->err, "ir:%d:%d: free name '%s' of %s is not a local of an enclosing "
                      "function (source %s:%d)", n->tline, n->tcol, name, f.name, w->file,
                      f.line);
        }
    }
    free(inner);
    if (rc == TDM_OK && f.is_gen) {
        Walk *top = w;
        while (top->outer != NULL) {
            top = top->outer;
        }
        tdmX_Func *owner = top->fn;
        rc = analyse(&f, w->err);
        tdmX_Func *nn = NULL;
        if (rc == TDM_OK) {
            nn = realloc(owner->nested, (size_t)(owner->nnested + 1) * sizeof *nn);
            if (nn == NULL) {
                rc = fail(w->err, "ir: out of memory");
            }
        }
        if (nn != NULL) {
            owner->nested = nn;
            nn[owner->nnested++] = f;
            return TDM_OK;
        }
    }
    free_func(&f);
    return rc;
}

/* ---- live variables at yield points -------------------------------------- */

typedef struct Set { uint64_t w[SETW]; } Set;

static Set set_or(Set a, Set b)
{
    for (int i = 0; i < SETW; i++) {
        a.w[i] |= b.w[i];
    }
    return a;
}

static int set_eq(const Set *a, const Set *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

typedef struct Live {
    tdmX_Func *fn;
    Set brk, cont;              /* live at a break / continue target */
    Set ret;                    /* live when leaving the function (finally blocks) */
    Set exc;                    /* live where a raise would go (handlers) */
    int intry;                  /* exc is meaningful */
} Live;

static int var_index(const tdmX_Func *f, const char *name)
{
    return in_list(f->vars, name) - 1;  /* -1 when not a local */
}

static Set set_add(Set s, const tdmX_Func *f, const char *name)
{
    int i = var_index(f, name);
    if (i >= 0) {
        s.w[i / 64] |= (uint64_t)1 << (i % 64);
    }
    return s;
}

static Set set_del(Set s, const tdmX_Func *f, const char *name)
{
    int i = var_index(f, name);
    if (i >= 0) {
        s.w[i / 64] &= ~((uint64_t)1 << (i % 64));
    }
    return s;
}

static Set live_expr(Live *lv, const tdmX_Node *e, Set out);

static int is_absent(const tdmX_Node *n)
{
    return n->kind == TDMX_SYM && strcmp(n->u.s.p, "_") == 0;
}

static Set live_opt(Live *lv, const tdmX_Node *e, Set out)
{
    return is_absent(e) ? out : live_expr(lv, e, out);
}

static void record_yield(Live *lv, const tdmX_Node *e, Set out)
{
    tdmX_Func *f = lv->fn;
    for (int i = 0; i < f->nyields; i++) {
        tdmX_Yield *y = &f->yields[i];
        if (y->node != e) {
            continue;
        }
        if (y->live == NULL) {
            y->live = calloc((size_t)tdmX_len(f->vars) + 1, sizeof *y->live);
            if (y->live == NULL) {
                return;                 /* reported by tdmX_load */
            }
        }
        y->nlive = 0;
        for (int v = 0; v + 1 < tdmX_len(f->vars); v++) {
            if (out.w[v / 64] & ((uint64_t)1 << (v % 64))) {
                y->live[y->nlive++] = f->vars->u.l.v[v + 1]->u.s.p;
            }
        }
    }
}

static Set live_expr(Live *lv, const tdmX_Node *e, Set out)
{
    const char *h = tdmX_head(e);
    if (h == NULL) {
        return out;
    }
    if (strcmp(h, "local") == 0 || strcmp(h, "lcheck") == 0) {
        return set_add(out, lv->fn, e->u.l.v[1]->u.s.p);
    }
    if (is_yield(h)) {
        /* the value (or the delegated iterable) is evaluated before the
           generator suspends: live at the yield point is what is read after */
        record_yield(lv, e, out);
        return live_opt(lv, e->u.l.v[3], out);
    }
    if (strcmp(h, "ifexp") == 0) {
        Set a = live_expr(lv, e->u.l.v[2], out);
        Set b = live_expr(lv, e->u.l.v[3], out);
        return live_expr(lv, e->u.l.v[1], set_or(a, b));
    }
    if (strcmp(h, "and") == 0 || strcmp(h, "or") == 0) {
        Set s = out;
        for (int i = e->u.l.n - 1; i >= 1; i--) {
            s = set_or(out, live_expr(lv, e->u.l.v[i], s));
        }
        return s;
    }
    /* every other expression evaluates its sub-expressions left to right */
    Set s = out;
    for (int i = e->u.l.n - 1; i >= 1; i--) {
        const tdmX_Node *k = e->u.l.v[i];
        if (k->kind == TDMX_LIST) {
            s = live_expr(lv, k, s);
        }
    }
    return s;
}

static Set live_block(Live *lv, const tdmX_Node *b, Set out);

static Set live_target(Live *lv, const tdmX_Node *t, Set out)
{
    const char *h = tdmX_head(t);
    if (strcmp(h, "local") == 0) {
        return set_del(out, lv->fn, t->u.l.v[1]->u.s.p);
    }
    if (strcmp(h, "index") == 0) {
        return live_expr(lv, t->u.l.v[1], live_expr(lv, t->u.l.v[2], out));
    }
    if (strcmp(h, "tuple") == 0) {
        for (int i = t->u.l.n - 1; i >= 1; i--) {
            out = live_target(lv, t->u.l.v[i], out);
        }
    }
    if (strcmp(h, "star") == 0) {
        return live_target(lv, t->u.l.v[1], out);
    }
    if (strcmp(h, "slice") == 0 || strcmp(h, "attr") == 0) {   /* the object (bounds) read */
        return live_expr(lv, t, out);
    }
    return out;
}

static Set live_loop(Live *lv, const tdmX_Node *s, Set out)
{
    const char *h = tdmX_head(s);
    int n = s->u.l.n;
    const tdmX_Node *body = s->u.l.v[n - 2], *els = s->u.l.v[n - 1];
    Live inner = *lv;
    Set elsl = live_block(lv, els, out);
    Set head;
    memset(&head, 0, sizeof head);
    for (int iter = 0; iter < MAXVARS + 2; iter++) {
        inner.brk = out;
        inner.cont = head;
        Set b = live_block(&inner, body, head);
        Set nh;
        if (strcmp(h, "while") == 0) {
            nh = live_expr(lv, s->u.l.v[2], set_or(b, elsl));
        } else {
            nh = set_or(live_target(lv, s->u.l.v[2], b), elsl);
        }
        nh = set_or(nh, head);
        if (set_eq(&nh, &head)) {
            break;
        }
        head = nh;
    }
    /* one more pass so every yield inside records the fixed point */
    inner.brk = out;
    inner.cont = head;
    (void)live_block(&inner, body, head);
    if (strcmp(h, "while") == 0) {
        return head;
    }
    if (strcmp(h, "for") == 0) {
        return live_expr(lv, s->u.l.v[3], head);
    }
    /* forrange VAR start stop step: evaluated once, left to right */
    Set in = live_expr(lv, s->u.l.v[5], head);
    in = live_expr(lv, s->u.l.v[4], in);
    return live_expr(lv, s->u.l.v[3], in);
}

static Set live_try(Live *lv, const tdmX_Node *s, Set out)
{
    const tdmX_Node *body = s->u.l.v[2], *hs = s->u.l.v[3];
    const tdmX_Node *els = s->u.l.v[4], *fin = s->u.l.v[5];
    int hasfin = tdmX_len(fin) > 1;
    Live in = *lv;
    Set f = live_block(lv, fin, out);
    Set afterbody = live_block(lv, els, hasfin ? f : out);
    Set exc;
    memset(&exc, 0, sizeof exc);
    for (int i = 1; i < tdmX_len(hs); i++) {
        const tdmX_Node *hd = hs->u.l.v[i];
        Set hl = live_block(lv, hd->u.l.v[3], hasfin ? f : out);
        if (strcmp(hd->u.l.v[2]->u.s.p, "_") != 0) {
            hl = set_del(hl, lv->fn, hd->u.l.v[2]->u.s.p);
        }
        exc = set_or(exc, live_opt(lv, hd->u.l.v[1], hl));
    }
    if (hasfin) {
        exc = set_or(exc, f);
        in.brk = set_or(in.brk, f);
        in.cont = set_or(in.cont, f);
        in.ret = set_or(in.ret, f);
    }
    if (lv->intry) {
        exc = set_or(exc, lv->exc);
    }
    in.exc = exc;
    in.intry = 1;
    return set_or(live_block(&in, body, afterbody), exc);
}

static Set live_stmt(Live *lv, const tdmX_Node *s, Set out)
{
    const char *h = tdmX_head(s);
    Set none;
    memset(&none, 0, sizeof none);
    Set in = out;
    if (strcmp(h, "expr") == 0) {
        in = live_expr(lv, s->u.l.v[2], out);
    } else if (strcmp(h, "assign") == 0) {
        in = live_expr(lv, s->u.l.v[3], live_target(lv, s->u.l.v[2], out));
    } else if (strcmp(h, "aug") == 0) {
        const tdmX_Node *t = s->u.l.v[2];
        Set a = live_expr(lv, s->u.l.v[4], live_target(lv, t, out));
        in = tdmX_is(t, "local") ? set_add(a, lv->fn, t->u.l.v[1]->u.s.p) : a;
    } else if (strcmp(h, "if") == 0) {
        in = live_expr(lv, s->u.l.v[2], set_or(live_block(lv, s->u.l.v[3], out),
                                                live_block(lv, s->u.l.v[4], out)));
    } else if (strcmp(h, "while") == 0 || strcmp(h, "for") == 0
               || strcmp(h, "forrange") == 0) {
        in = live_loop(lv, s, out);
    } else if (strcmp(h, "break") == 0) {
        in = lv->brk;
    } else if (strcmp(h, "continue") == 0) {
        in = lv->cont;
    } else if (strcmp(h, "return") == 0) {
        in = live_opt(lv, s->u.l.v[2], lv->ret);
    } else if (strcmp(h, "raise") == 0) {
        in = live_opt(lv, s->u.l.v[2], lv->intry ? lv->exc : none);
    } else if (strcmp(h, "try") == 0) {
        in = live_try(lv, s, out);
    } else if (strcmp(h, "assert") == 0) {
        Set fails = live_opt(lv, s->u.l.v[3], lv->intry ? lv->exc : none);
        in = live_expr(lv, s->u.l.v[2], set_or(out, fails));
    } else if (strcmp(h, "del") == 0) {
        const tdmX_Node *t = s->u.l.v[2];
        in = tdmX_is(t, "local") ? set_add(set_del(out, lv->fn, t->u.l.v[1]->u.s.p), lv->fn,
                                           t->u.l.v[1]->u.s.p)
                                 : live_target(lv, t, out);
    }
    return lv->intry ? set_or(in, lv->exc) : in;
}

static Set live_block(Live *lv, const tdmX_Node *b, Set out)
{
    for (int i = b->u.l.n - 1; i >= 1; i--) {
        out = live_stmt(lv, b->u.l.v[i], out);
    }
    return out;
}

static int analyse(tdmX_Func *f, Err *err)
{
    if (f->nyields == 0) {
        return TDM_OK;
    }
    Live lv;
    memset(&lv, 0, sizeof lv);
    lv.fn = f;
    Set out;
    memset(&out, 0, sizeof out);
    (void)live_block(&lv, f->body, out);
    for (int i = 0; i < f->nyields; i++) {
        if (f->yields[i].live == NULL) {
            return fail(err, "ir: out of memory");
        }
    }
    return TDM_OK;
}

/* ---- entry points ---------------------------------------------------------- */

static void free_func(tdmX_Func *f)
{
    for (int j = 0; j < f->nyields; j++) {
        free(f->yields[j].live);
        free(f->yields[j].loops);
        free(f->yields[j].handlers);
    }
    free(f->yields);
    f->yields = NULL;
    f->nyields = 0;
    for (int j = 0; j < f->nnested; j++) {
        free_func(&f->nested[j]);
    }
    free(f->nested);
    f->nested = NULL;
    f->nnested = 0;
}

void tdmX_free(tdmX_Module *m)
{
    if (m == NULL) {
        return;
    }
    /* funcs is NULL when its allocation failed after nfuncs was set (found
       by make fault-test's lua5.4 host sweep) */
    for (int i = 0; m->funcs != NULL && i < m->nfuncs; i++) {
        free_func(&m->funcs[i]);
    }
    free(m->funcs);
    free_node(m->root);
    free(m);
}

const tdmX_Func *tdmX_find(const tdmX_Module *m, const char *name)
{
    for (int i = 0; m != NULL && i < m->nfuncs; i++) {
        if (strcmp(m->funcs[i].name, name) == 0) {
            return &m->funcs[i];
        }
    }
    return NULL;
}

int tdmX_load(const char *text, size_t n, tdmX_Module **out, char *errbuf, size_t errsz)
{
    Err err = { errbuf, errsz, 0 };
    Reader r = { text, text + n, 1, 1, &err };
    *out = NULL;
    if (text == NULL) {
        return fail(&err, "ir: no text");
    }
    if (memchr(text, '\0', n) != NULL) {
        return fail(&err, "ir: NUL byte in the text");
    }
    tdmX_Module *m = calloc(1, sizeof *m);
    if (m == NULL) {
        return fail(&err, "ir: out of memory");
    }
    m->root = read_node(&r, 0);
    if (m->root == NULL) {
        tdmX_free(m);
        return TDM_ERRARG;
    }
    skip_space(&r);
    if (r.p < r.end) {
        fail(&err, "ir:%d:%d: text after the module", r.line, r.col);
        tdmX_free(m);
        return TDM_ERRARG;
    }
    tdmX_Node *root = m->root;
    if (!tdmX_is(root, "module") || root->u.l.n < 2 || root->u.l.v[1]->kind != TDMX_STR) {
        fail(&err, "ir:%d:%d: (module \"SOURCE\" (func ...) ...) expected", root->tline,
             root->tcol);
        tdmX_free(m);
        return TDM_ERRARG;
    }
    m->source = root->u.l.v[1]->u.s.p;
    int first = 2;
    if (root->u.l.n > 2 && tdmX_is(root->u.l.v[2], "lang")) {
        const tdmX_Node *lg = root->u.l.v[2];
        if (tdmX_len(lg) != 2 || lg->u.l.v[1]->kind != TDMX_SYM
            || strcmp(lg->u.l.v[1]->u.s.p, "lua") != 0) {
            fail(&err, "ir:%d:%d: (lang lua) expected", lg->tline, lg->tcol);
            tdmX_free(m);
            return TDM_ERRARG;
        }
        m->lua = 1;
        first = 3;
    }
    int nparts = root->u.l.n;
    /* Lua dialect: the front end's (fixed U...) and (self U) facts about the
       function's upvalues follow the function (docs/lua-ir.md) */
    while (m->lua && nparts > first + 1
           && (tdmX_is(root->u.l.v[nparts - 1], "fixed")
               || tdmX_is(root->u.l.v[nparts - 1], "self"))) {
        const tdmX_Node *f = root->u.l.v[nparts - 1];
        int bad = tdmX_is(f, "self") && tdmX_len(f) != 2;
        for (int i = 1; i < tdmX_len(f); i++)
            if (f->u.l.v[i]->kind != TDMX_SYM) bad = 1;
        if (bad) {
            fail(&err, "ir:%d:%d: (fixed NAME...) or (self NAME) expected", f->tline, f->tcol);
            tdmX_free(m);
            return TDM_ERRARG;
        }
        nparts--;
    }
    m->nfuncs = nparts - first;
    m->funcs = calloc((size_t)m->nfuncs + 1, sizeof *m->funcs);
    if (m->funcs == NULL) {
        tdmX_free(m);
        return fail(&err, "ir: out of memory");
    }
    Walk w;
    memset(&w, 0, sizeof w);
    w.err = &err;
    w.file = m->source;
    w.lua = m->lua;
    for (int i = 0; i < m->nfuncs; i++) {
        if (vfunc(&w, root->u.l.v[i + first], &m->funcs[i]) != TDM_OK) {
            tdmX_free(m);
            return TDM_ERRARG;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(m->funcs[j].name, m->funcs[i].name) == 0) {
                fail(&err, "%s:%d: function %s defined twice in the module", m->source,
                     m->funcs[i].line, m->funcs[i].name);
                tdmX_free(m);
                return TDM_ERRARG;
            }
        }
        if (analyse(&m->funcs[i], &err) != TDM_OK) {
            tdmX_free(m);
            return TDM_ERRARG;
        }
    }
    if (m->nfuncs == 0) {
        fail(&err, "ir: the module has no function");
        tdmX_free(m);
        return TDM_ERRARG;
    }
    *out = m;
    return TDM_OK;
}
