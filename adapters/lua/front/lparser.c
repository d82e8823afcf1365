/*
 * lparser.c — recursive-descent parser of Lua 5.4 (after lparser.c of Lua
 * 5.4: same grammar, same checks, same error wording) writing the Lua
 * dialect of the IR directly: statements stream into their function's body,
 * expressions are built bottom-up as text. Scopes: locals renamed unique in
 * the chunk (x, x__2, ...), upvalues as (free ...), globals through _ENV.
 */
#include "lfront.h"
#include "llex.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXVARS 200
#define MAXLEVEL 200

typedef struct SB { char *p; size_t n, cap; } SB;

typedef struct Var {
    const char *name, *ir;
    int kind;                   /* 0 regular, 1 const, 2 close, 3 compile-time constant,
                                   4 const Lua may fold (refused as an upvalue) */
    const char *k;              /* kind 3: the constant's IR text */
    int captured;
    int assigned;               /* the target of an assignment somewhere in the chunk */
    struct FS *owner;
} Var;

typedef struct Label { const char *name, *ir; int line, nactvar; } Label;
typedef struct Goto { const char *name; const char *ir; int line, nactvar; size_t off; int isbreak; } Goto;

typedef struct Patch { size_t off; const char *ir; } Patch;

typedef struct Block {
    struct Block *prev;
    int nactvar, firstlabel, firstgoto, isloop;
} Block;

typedef struct NameList { const char **v; int n, cap; } NameList;

typedef struct FS {
    struct FS *prev;
    const char *name;
    int line, lastline, vararg;
    int genv;                   /* first line reading the chunk's _ENV (a global
                                   name, or _ENV itself), here or nested; 0: none */
    int envpos;                 /* where Lua adds the upvalue _ENV for that read:
                                   the count of free names then; -1: none */
    const char *refuse;        /* why this function cannot be translated */
    SB body;
    NameList params, vars, cells, free, globals;
    Var **fv; int fvcap;        /* the Var of each name in free, same order */
    Var **act; int nact, actcap;
    Label *labels; int nlabels, labcap;
    Goto *gotos; int ngotos, gotocap;
    Block *bl;
    struct Patch *patches; int npatch, patchcap;
    const char *text;           /* the finished (func ...) */
} FS;

typedef struct Count { const char *name; int n; } Count;

typedef struct P {
    LFLex ls;
    FS *fs;
    int level;
    Count *names; int ncap, nused;      /* rename counters, chunk-wide */
    Count *lnames; int lcap, lused;     /* label rename counters */
    int want_line, want_last, nfound;
    const char *want_sig;       /* tdmLF_translate_sig's filter, or NULL */
    const char *found; int found_genv; const char *found_refuse;
    const char *near_refuse;    /* the refusal of a function on the wanted lines whose
                                   upvalues did not match (a folded constant's) */
    int env_set;                /* first line assigning the chunk's _ENV; 0: none */
    int env_var;                /* the chunk's _ENV is a variable (the chunk assigns
                                   it: second pass), an upvalue of the main function
                                   every global name indexes, as Lua compiles them */
    int env_sig;                /* signatures match the place of _ENV too (a pass
                                   again when _ENV aside several functions matched) */
    Var **found_fv; int found_nfv;      /* the found function's upvalues */
    Var *found_self;            /* the local a `local function` found one is assigned to */
    char chunkid[256];
} P;

typedef struct E {
    const char *s;
    int k;                      /* EK_* */
    const char *k_text;         /* constant text when foldable */
    Var *var;                   /* local/free: the variable */
    int pure;                   /* only constants and foldable operators */
} E;
enum { EK_OTHER, EK_CALL, EK_VARARG, EK_LOCAL, EK_FREE, EK_GLOBAL, EK_INDEX, EK_CONST, EK_ENV };

/* ------------------------------------------------------------------ text */

static void *palloc(P *p, size_t n)
{
    void *r = lf_alloc(&p->ls.arena, n);
    if (!r) lf_semerror(&p->ls, "not enough memory");
    return r;
}

static void sb_add(P *p, SB *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        while (nc < b->n + n + 1) nc *= 2;
        char *np = palloc(p, nc);
        if (b->n) memcpy(np, b->p, b->n);
        b->p = np; b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static void sb_s(P *p, SB *b, const char *s) { sb_add(p, b, s, strlen(s)); }

static const char *xf(P *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    char *r = palloc(p, (size_t)n + 1);
    if ((size_t)n < sizeof small) memcpy(r, small, (size_t)n + 1);
    else { va_start(ap, fmt); vsnprintf(r, (size_t)n + 1, fmt, ap); va_end(ap); }
    return r;
}


/* Concatenate n strings into the arena (the hot path: no printf). */
static const char *cat(P *p, int n, ...)
{
    va_list ap;
    size_t len = 0;
    const char *parts[8];
    size_t lens[8];
    va_start(ap, n);
    for (int i = 0; i < n; i++) { parts[i] = va_arg(ap, const char *); lens[i] = strlen(parts[i]); len += lens[i]; }
    va_end(ap);
    char *r = palloc(p, len + 1), *o = r;
    for (int i = 0; i < n; i++) { memcpy(o, parts[i], lens[i]); o += lens[i]; }
    *o = 0;
    return r;
}

/* Append to the current function's body; fmt knows only %d and %s (the
   hot path of the writer: no printf). */
static void bf(P *p, const char *fmt, ...)
{
    va_list ap;
    SB *b = &p->fs->body;
    va_start(ap, fmt);
    const char *run = fmt;
    for (const char *c = fmt; *c; c++) {
        if (c[0] != '%' || (c[1] != 'd' && c[1] != 's')) continue;
        if (c > run) sb_add(p, b, run, (size_t)(c - run));
        if (c[1] == 'd') {
            char t[16];
            int v = va_arg(ap, int), k = 16;
            unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
            do { t[--k] = (char)('0' + u % 10); u /= 10; } while (u);
            if (v < 0) t[--k] = '-';
            sb_add(p, b, t + k, (size_t)(16 - k));
        } else {
            sb_s(p, b, va_arg(ap, const char *));
        }
        c++;
        run = c + 1;
    }
    if (*run) sb_s(p, b, run);
    va_end(ap);
}

static const char *irstr(P *p, const char *s, size_t n)
{
    SB b = {0};
    sb_s(p, &b, "(str \"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char t[8];
        if (c == '"' || c == '\\') { t[0] = '\\'; t[1] = (char)c; sb_add(p, &b, t, 2); }
        else if (c == '\n') sb_s(p, &b, "\\n");
        else if (c == '\t') sb_s(p, &b, "\\t");
        else if (c == '\r') sb_s(p, &b, "\\r");
        else if (c >= 32 && c < 127) { t[0] = (char)c; sb_add(p, &b, t, 1); }
        else { snprintf(t, sizeof t, "\\x%02X", c); sb_add(p, &b, t, 4); }
    }
    sb_s(p, &b, "\")");
    return b.p;
}

static const char *irfloat(P *p, double d)
{
    if (isnan(d)) return "(float nan)";
    if (isinf(d)) return d > 0 ? "(float inf)" : "(float -inf)";
    char t[64];
    snprintf(t, sizeof t, "%.17g", d);
    if (!strpbrk(t, ".eEn")) strcat(t, ".0");
    return xf(p, "(float %s)", t);
}

static void nl_add(P *p, NameList *l, const char *s)
{
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 8;
        const char **nv = palloc(p, sizeof *nv * (size_t)nc);
        if (l->n) memcpy(nv, l->v, sizeof *nv * (size_t)l->n);
        l->v = nv; l->cap = nc;
    }
    l->v[l->n++] = s;
}
static int nl_has(const NameList *l, const char *s)
{
    for (int i = 0; i < l->n; i++) if (strcmp(l->v[i], s) == 0) return 1;
    return 0;
}
static void nl_emit(P *p, SB *b, const char *head, const NameList *l)
{
    sb_s(p, b, "("); sb_s(p, b, head);
    for (int i = 0; i < l->n; i++) { sb_s(p, b, " "); sb_s(p, b, l->v[i]); }
    sb_s(p, b, ")");
}

/* Names the IR reader would not read as a symbol: `_` ("absent"), `inf`, `nan`. */
static int reserved_atom(const char *s)
{
    return strcmp(s, "_") == 0 || strcmp(s, "inf") == 0 || strcmp(s, "nan") == 0;
}

/* A global or method name as an IR symbol: names the reader would take for
   another atom, or that end in __DIGITS, get `__0` appended (docs/lua-ir.md). */
static const char *symname(P *p, const char *name)
{
    size_t len = strlen(name), k = len;
    while (k > 0 && isdigit((unsigned char)name[k - 1])) k--;
    int suffixed = k < len && k >= 2 && name[k - 1] == '_' && name[k - 2] == '_';
    if (!suffixed && !reserved_atom(name)) return name;
    return xf(p, "%s__0", name);
}

/* Rename: first declaration keeps its name unless it ends in __DIGITS. */
static const char *rename_(P *p, Count **tab, int *cap, int *used, const char *name)
{
    if (*used * 2 >= *cap) {
        int nc = *cap ? *cap * 2 : 256;
        Count *nt = calloc((size_t)nc, sizeof *nt);
        if (!nt) lf_semerror(&p->ls, "not enough memory");
        for (int i = 0; i < *cap; i++) if ((*tab)[i].name) {
            unsigned h = 5381;
            for (const char *c = (*tab)[i].name; *c; c++) h = h * 33 + (unsigned char)*c;
            int j = (int)(h & (unsigned)(nc - 1));
            while (nt[j].name) j = (j + 1) & (nc - 1);
            nt[j] = (*tab)[i];
        }
        free(*tab); *tab = nt; *cap = nc;
    }
    unsigned h = 5381;
    for (const char *c = name; *c; c++) h = h * 33 + (unsigned char)*c;
    int j = (int)(h & (unsigned)(*cap - 1));
    while ((*tab)[j].name && strcmp((*tab)[j].name, name) != 0) j = (j + 1) & (*cap - 1);
    if (!(*tab)[j].name) { (*tab)[j].name = name; (*used)++; }
    int n = ++(*tab)[j].n;
    size_t len = strlen(name), k = len;
    while (k > 0 && isdigit((unsigned char)name[k - 1])) k--;
    int suffixed = k < len && k >= 2 && name[k - 1] == '_' && name[k - 2] == '_';
    if (n == 1 && !suffixed && !reserved_atom(name)) return name;
    return xf(p, "%s__%d", name, n);
}

/* ------------------------------------------------------------------ tokens */

static _Noreturn void error_expected(P *p, int tok)
{
    char b[64], m[96];
    snprintf(m, sizeof m, "%s expected", lf_token2str(&p->ls, tok, b, sizeof b));
    lf_syntaxerror(&p->ls, m);
}
static int testnext(P *p, int c) { if (p->ls.t.tok == c) { lf_next(&p->ls); return 1; } return 0; }
static void check(P *p, int c) { if (p->ls.t.tok != c) error_expected(p, c); }
static void checknext(P *p, int c) { check(p, c); lf_next(&p->ls); }
static void check_match(P *p, int what, int who, int where)
{
    if (!testnext(p, what)) {
        if (where == p->ls.linenumber) error_expected(p, what);
        char a[64], b[64], m[200];
        snprintf(m, sizeof m, "%s expected (to close %s at line %d)",
                 lf_token2str(&p->ls, what, a, sizeof a), lf_token2str(&p->ls, who, b, sizeof b), where);
        lf_syntaxerror(&p->ls, m);
    }
}
static const char *str_checkname(P *p)
{
    check(p, TK_NAME);
    const char *s = p->ls.t.s;
    lf_next(&p->ls);
    return s;
}
static int block_follow(P *p, int withuntil)
{
    switch (p->ls.t.tok) {
    case TK_ELSE: case TK_ELSEIF: case TK_END: case TK_EOS: return 1;
    case TK_UNTIL: return withuntil;
    default: return 0;
    }
}
static void enterlevel(P *p)
{
    if (++p->level > MAXLEVEL) {
        snprintf(p->ls.err, p->ls.errsz, "%s:%d: chunk has too many syntax levels",
                 p->ls.chunk, p->ls.linenumber);
        longjmp(p->ls.jb, 1);
    }
}
#define leavelevel(p) ((p)->level--)

/* ------------------------------------------------------------------ scopes */

/* The chunk's _ENV (the upvalue load gives the main function) is read at
   line: by every function up to the main one. */
static void use_genv(P *p, int line)
{
    for (FS *f = p->fs; f; f = f->prev) {
        if (!f->genv) f->genv = line;
        if (f->envpos < 0) f->envpos = f->free.n;
    }
}

static Var *new_localvar(P *p, const char *name)
{
    FS *fs = p->fs;
    if (fs->nact >= MAXVARS) {
        char m[120];
        if (fs->line == 0) snprintf(m, sizeof m, "too many local variables (limit is %d) in main function", MAXVARS);
        else snprintf(m, sizeof m, "too many local variables (limit is %d) in function at line %d", MAXVARS, fs->line);
        lf_syntaxerror(&p->ls, m);
    }
    Var *v = palloc(p, sizeof *v);
    memset(v, 0, sizeof *v);
    v->name = name;
    v->owner = fs;
    return v;
}

/* Bring v into scope (a real local gets its IR name and a (vars) entry). */
static void activate(P *p, Var *v)
{
    FS *fs = p->fs;
    if (v->kind != 3) {
        v->ir = rename_(p, &p->names, &p->ncap, &p->nused, v->name);
        nl_add(p, &fs->vars, v->ir);
    }
    if (fs->nact == fs->actcap) {
        int nc = fs->actcap ? fs->actcap * 2 : 16;
        Var **na = palloc(p, sizeof *na * (size_t)nc);
        if (fs->nact) memcpy(na, fs->act, sizeof *na * (size_t)fs->nact);
        fs->act = na; fs->actcap = nc;
    }
    fs->act[fs->nact++] = v;
}

static Var *find_local(FS *fs, const char *name)
{
    for (int i = fs->nact - 1; i >= 0; i--)
        if (strcmp(fs->act[i]->name, name) == 0) return fs->act[i];
    return NULL;
}

static E mk(const char *s, int k) { E e; e.s = s; e.k = k; e.k_text = NULL; e.var = NULL; e.pure = 0; return e; }

/* The global name: (global name), a field of the chunk's _ENV. */
static E global_e(P *p, const char *name, int line)
{
    use_genv(p, line);
    name = symname(p, name);
    if (!nl_has(&p->fs->globals, name)) nl_add(p, &p->fs->globals, name);
    return mk(cat(p, 3, "(global ", name, ")"), EK_GLOBAL);
}

static E singlevar_name(P *p, const char *name, int line)
{
    FS *owner = NULL; Var *v = NULL;
    for (FS *f = p->fs; f; f = f->prev)
        if ((v = find_local(f, name)) != NULL) { owner = f; break; }
    if (!v && strcmp(name, "_ENV") == 0) {
        /* the chunk's _ENV as a value: (env) */
        use_genv(p, line);
        return mk("(env)", EK_ENV);
    }
    if (!v) {
        /* a global: _ENV.name, a field of the chunk's _ENV or of a local
           _ENV in scope (then an index of that variable, as Lua compiles it) */
        E env = singlevar_name(p, "_ENV", line);
        if (env.k == EK_ENV) return global_e(p, name, line);
        return mk(cat(p, 5, "(index ", env.s, " ", irstr(p, name, strlen(name)), ")"), EK_INDEX);
    }
    if (v->kind == 3) { E e = mk(v->k, EK_CONST); e.k_text = v->k; e.var = v; return e; }
    if (owner == p->fs) { E e = mk(cat(p, 3, "(local ", v->ir, ")"), EK_LOCAL); e.var = v; return e; }
    if (v->kind == 4) {
        /* Lua may have folded this constant away: the upvalue list is unknown */
        const char *why = xf(p, "%s:%d: constant '%s' may be a compile-time constant in Lua"
                             " (upvalues cannot be mapped)", p->chunkid, line, v->name);
        for (FS *f = p->fs; f; f = f->prev) if (!f->refuse) f->refuse = why;
    }
    if (!v->captured) { v->captured = 1; nl_add(p, &owner->cells, v->ir); }
    /* upvalue in every function between owner and here, outermost first */
    FS *chain[256]; int n = 0;
    for (FS *f = p->fs; f != owner && n < 256; f = f->prev) chain[n++] = f;
    for (int i = n - 1; i >= 0; i--)
        if (!nl_has(&chain[i]->free, v->ir)) {
            FS *f = chain[i];
            if (f->free.n >= f->fvcap) {
                int nc = f->fvcap ? f->fvcap * 2 : 8;
                Var **nv = palloc(p, sizeof *nv * (size_t)nc);
                if (f->free.n) memcpy(nv, f->fv, sizeof *nv * (size_t)f->free.n);
                f->fv = nv; f->fvcap = nc;
            }
            f->fv[f->free.n] = v;
            nl_add(p, &f->free, v->ir);
        }
    E e = mk(cat(p, 3, "(free ", v->ir, ")"), EK_FREE);
    e.var = v;
    return e;
}

static void check_readonly(P *p, const E *e)
{
    if (e->k == EK_ENV && !p->env_set) p->env_set = p->ls.linenumber;
    if (e->var) e->var->assigned = 1;
    if (e->var && (e->var->kind != 0)) {
        char m[200];
        snprintf(m, sizeof m, "attempt to assign to const variable '%s'", e->var->name);
        lf_semerror(&p->ls, m);
    }
}

/* ------------------------------------------------------------------ gotos */

static _Noreturn void jumpscopeerror(P *p, Goto *gt)
{
    const char *varname = p->fs->act[gt->nactvar]->name;
    char m[300];
    snprintf(m, sizeof m, "<goto %s> at line %d jumps into the scope of local '%s'",
             gt->name, gt->line, varname);
    lf_semerror(&p->ls, m);
}

static Label *findlabel(P *p, const char *name)
{
    FS *fs = p->fs;
    for (int i = 0; i < fs->nlabels; i++)
        if (strcmp(fs->labels[i].name, name) == 0) return &fs->labels[i];
    return NULL;
}

static void add_goto(P *p, const char *name, int line, int isbreak)
{
    FS *fs = p->fs;
    if (fs->ngotos == fs->gotocap) {
        int nc = fs->gotocap ? fs->gotocap * 2 : 8;
        Goto *ng = palloc(p, sizeof *ng * (size_t)nc);
        if (fs->ngotos) memcpy(ng, fs->gotos, sizeof *ng * (size_t)fs->ngotos);
        fs->gotos = ng; fs->gotocap = nc;
    }
    Goto *g = &fs->gotos[fs->ngotos++];
    g->name = name; g->ir = NULL; g->line = line; g->nactvar = fs->nact;
    g->off = fs->body.n; g->isbreak = isbreak;
}

static void add_patch(P *p, size_t off, const char *ir)
{
    FS *fs = p->fs;
    if (fs->npatch == fs->patchcap) {
        int nc = fs->patchcap ? fs->patchcap * 2 : 8;
        Patch *np = palloc(p, sizeof *np * (size_t)nc);
        if (fs->npatch) memcpy(np, fs->patches, sizeof *np * (size_t)fs->npatch);
        fs->patches = np; fs->patchcap = nc;
    }
    fs->patches[fs->npatch].off = off;
    fs->patches[fs->npatch].ir = ir;
    fs->npatch++;
}

static void createlabel(P *p, const char *name, const char *ir, int line, int last)
{
    FS *fs = p->fs;
    if (fs->nlabels == fs->labcap) {
        int nc = fs->labcap ? fs->labcap * 2 : 8;
        Label *nl = palloc(p, sizeof *nl * (size_t)nc);
        if (fs->nlabels) memcpy(nl, fs->labels, sizeof *nl * (size_t)fs->nlabels);
        fs->labels = nl; fs->labcap = nc;
    }
    Label *l = &fs->labels[fs->nlabels++];
    l->name = name; l->ir = ir; l->line = line;
    l->nactvar = last ? fs->bl->nactvar : fs->nact;
    Block *bl = fs->bl;
    for (int i = bl->firstgoto; i < fs->ngotos;) {
        Goto *gt = &fs->gotos[i];
        if (strcmp(gt->name, name) == 0) {
            if (gt->nactvar < l->nactvar) jumpscopeerror(p, gt);
            if (!gt->isbreak) add_patch(p, gt->off, ir);
            memmove(gt, gt + 1, sizeof *gt * (size_t)(fs->ngotos - i - 1));
            fs->ngotos--;
        } else {
            i++;
        }
    }
}

static void enterblock(P *p, Block *bl, int isloop)
{
    FS *fs = p->fs;
    bl->isloop = isloop;
    bl->nactvar = fs->nact;
    bl->firstlabel = fs->nlabels;
    bl->firstgoto = fs->ngotos;
    bl->prev = fs->bl;
    fs->bl = bl;
}

static _Noreturn void undefgoto(P *p, Goto *gt)
{
    char m[300];
    if (gt->isbreak) snprintf(m, sizeof m, "break outside loop at line %d", gt->line);
    else snprintf(m, sizeof m, "no visible label '%s' for <goto> at line %d", gt->name, gt->line);
    lf_semerror(&p->ls, m);
}

static void leaveblock(P *p)
{
    FS *fs = p->fs;
    Block *bl = fs->bl;
    fs->nact = bl->nactvar;
    if (bl->isloop) createlabel(p, "break", NULL, 0, 0);
    fs->nlabels = bl->firstlabel;
    if (bl->prev) {
        for (int i = bl->firstgoto; i < fs->ngotos; i++) fs->gotos[i].nactvar = bl->nactvar;
    } else if (bl->firstgoto < fs->ngotos) {
        undefgoto(p, &fs->gotos[bl->firstgoto]);
    }
    fs->bl = bl->prev;
}

/* ------------------------------------------------------------------ expressions */

static E expr(P *p);
static E subexpr(P *p, int limit);
static void statlist(P *p);
static void lf_statement(P *p);
static const char *body(P *p, int ismethod, int line, const char *name);

static int explist(P *p, SB *out, E *last)
{
    int n = 1;
    *last = expr(p);
    while (testnext(p, ',')) {
        sb_s(p, out, " "); sb_s(p, out, last->s);
        *last = expr(p);
        n++;
    }
    return n;
}

static const char *constructor(P *p)
{
    int line = p->ls.linenumber;
    SB b = {0};
    sb_s(p, &b, "(table");
    checknext(p, '{');
    do {
        if (p->ls.t.tok == '}') break;
        if (p->ls.t.tok == TK_NAME && lf_lookahead(&p->ls) == '=') {
            const char *k = irstr(p, p->ls.t.s, p->ls.t.len);
            lf_next(&p->ls); checknext(p, '=');
            E v = expr(p);
            sb_s(p, &b, " (field "); sb_s(p, &b, k); sb_s(p, &b, " "); sb_s(p, &b, v.s); sb_s(p, &b, ")");
        } else if (p->ls.t.tok == '[') {
            lf_next(&p->ls);
            E k = expr(p);
            checknext(p, ']'); checknext(p, '=');
            E v = expr(p);
            sb_s(p, &b, " (field "); sb_s(p, &b, k.s); sb_s(p, &b, " "); sb_s(p, &b, v.s); sb_s(p, &b, ")");
        } else {
            E v = expr(p);
            sb_s(p, &b, " (pos "); sb_s(p, &b, v.s); sb_s(p, &b, ")");
        }
    } while (testnext(p, ',') || testnext(p, ';'));
    check_match(p, '}', '{', line);
    sb_s(p, &b, ")");
    return b.p;
}

static const char *funcargs(P *p, int line)
{
    SB b = {0};
    sb_s(p, &b, "");
    switch (p->ls.t.tok) {
    case '(': {
        lf_next(&p->ls);
        if (p->ls.t.tok != ')') {
            E last;
            explist(p, &b, &last);
            sb_s(p, &b, " "); sb_s(p, &b, last.s);
        }
        check_match(p, ')', '(', line);
        break;
    }
    case '{': sb_s(p, &b, " "); sb_s(p, &b, constructor(p)); break;
    case TK_STRING:
        sb_s(p, &b, " "); sb_s(p, &b, irstr(p, p->ls.t.s, p->ls.t.len));
        lf_next(&p->ls);
        break;
    default: lf_syntaxerror(&p->ls, "function arguments expected");
    }
    return b.p;
}

static E primaryexp(P *p)
{
    switch (p->ls.t.tok) {
    case '(': {
        int line = p->ls.linenumber;
        lf_next(&p->ls);
        E e = expr(p);
        check_match(p, ')', '(', line);
        if (e.k == EK_CALL || e.k == EK_VARARG) return mk(cat(p, 3, "(paren ", e.s, ")"), EK_OTHER);
        E r = mk(e.s, EK_OTHER); r.k_text = e.k_text;
        return r;
    }
    case TK_NAME: {
        int line = p->ls.linenumber;
        return singlevar_name(p, str_checkname(p), line);
    }
    default: lf_syntaxerror(&p->ls, "unexpected symbol");
    }
}

static E suffixedexp(P *p)
{
    int line = p->ls.linenumber;
    E v = primaryexp(p);
    for (;;) {
        switch (p->ls.t.tok) {
        case '.': {
            lf_next(&p->ls);
            check(p, TK_NAME);
            if (v.k == EK_ENV) {    /* _ENV.name is the global name */
                v = global_e(p, str_checkname(p), line);
                break;
            }
            const char *k = irstr(p, p->ls.t.s, p->ls.t.len);
            lf_next(&p->ls);
            v = mk(cat(p, 5, "(index ", v.s, " ", k, ")"), EK_INDEX);
            break;
        }
        case '[': {
            lf_next(&p->ls);
            E k = expr(p);
            checknext(p, ']');
            v = mk(cat(p, 5, "(index ", v.s, " ", k.s, ")"), EK_INDEX);
            break;
        }
        case ':': {
            lf_next(&p->ls);
            const char *name = symname(p, str_checkname(p));
            const char *a = funcargs(p, line);
            v = mk(cat(p, 7, "(method ", v.s, " ", name, a, ")", ""), EK_CALL);
            break;
        }
        case '(': case TK_STRING: case '{': {
            const char *a = funcargs(p, line);
            v = mk(cat(p, 4, "(call ", v.s, a, ")"), EK_CALL);
            break;
        }
        default: return v;
        }
    }
}

static E simpleexp(P *p)
{
    E e;
    switch (p->ls.t.tok) {
    case TK_FLT: e = mk(irfloat(p, p->ls.t.r), EK_OTHER); e.k_text = e.s; break;
    case TK_INT: e = mk(xf(p, "(int %lld)", (long long)p->ls.t.i), EK_OTHER); e.k_text = e.s; break;
    case TK_STRING: e = mk(irstr(p, p->ls.t.s, p->ls.t.len), EK_OTHER); e.k_text = e.s; break;
    case TK_NIL: e = mk("(nil)", EK_OTHER); e.k_text = e.s; break;
    case TK_TRUE: e = mk("(true)", EK_OTHER); e.k_text = e.s; break;
    case TK_FALSE: e = mk("(false)", EK_OTHER); e.k_text = e.s; break;
    case TK_DOTS:
        if (!p->fs->vararg) lf_syntaxerror(&p->ls, "cannot use '...' outside a vararg function");
        e = mk("(vararg)", EK_VARARG);
        break;
    case '{': return mk(constructor(p), EK_OTHER);
    case TK_FUNCTION: {
        int line = p->ls.linenumber;
        lf_next(&p->ls);
        return mk(cat(p, 3, "(lambda ", body(p, 0, line, xf(p, "anon_%d", line)), ")"), EK_OTHER);
    }
    default: return suffixedexp(p);
    }
    lf_next(&p->ls);
    return e;
}

static const char *unop_name(int t)
{
    switch (t) {
    case TK_NOT: return "not";
    case '-': return "unm";
    case '~': return "bnot";
    case '#': return "len";
    default: return NULL;
    }
}

static const struct { int tok; const char *name; int left, right; } binops[] = {
    {'+', "add", 10, 10}, {'-', "sub", 10, 10}, {'*', "mul", 11, 11}, {'%', "mod", 11, 11},
    {'^', "pow", 14, 13}, {'/', "div", 11, 11}, {TK_IDIV, "idiv", 11, 11},
    {'&', "band", 6, 6}, {'|', "bor", 4, 4}, {'~', "bxor", 5, 5},
    {TK_SHL, "shl", 7, 7}, {TK_SHR, "shr", 7, 7}, {TK_CONCAT, "concat", 9, 8},
    {TK_EQ, "eq", 3, 3}, {'<', "lt", 3, 3}, {TK_LE, "le", 3, 3},
    {TK_NE, "ne", 3, 3}, {'>', "gt", 3, 3}, {TK_GE, "ge", 3, 3},
    {TK_AND, "and", 2, 2}, {TK_OR, "or", 1, 1},
};
#define UNARY_PRIORITY 12

static int getbinop(int tok)
{
    for (int i = 0; i < (int)(sizeof binops / sizeof binops[0]); i++)
        if (binops[i].tok == tok) return i;
    return -1;
}

/* A numeric constant's value: 1 an integer (*i), 2 a float (*d), 0 other. */
static int num_of(const char *k, long long *i, double *d)
{
    char t[64];
    if (!k) return 0;
    if (sscanf(k, "(int %lld)", i) == 1) return 1;
    if (strncmp(k, "(float ", 7) != 0 || sscanf(k, "(float %63[^)])", t) != 1) return 0;
    *d = strcmp(t, "inf") == 0 ? HUGE_VAL : strcmp(t, "-inf") == 0 ? -HUGE_VAL
         : strcmp(t, "nan") == 0 ? NAN : strtod(t, NULL);
    return 2;
}

/* Fold a unary op on a constant as luaK_prefix does (for compile-time constants). */
static const char *fold_un(P *p, int tok, const char *k)
{
    if (!k) return NULL;
    if (tok == TK_NOT) {
        if (strcmp(k, "(nil)") == 0 || strcmp(k, "(false)") == 0) return "(true)";
        return "(false)";
    }
    long long i; double d;
    int t = num_of(k, &i, &d);
    if (t == 1) {
        if (tok == '-') return xf(p, "(int %lld)", (long long)(0ULL - (unsigned long long)i));
        if (tok == '~') return xf(p, "(int %lld)", ~i);
        return NULL;
    }
    if (tok == '-' && t == 2) {
        if (d == 0 || isnan(d)) return NULL;
        return irfloat(p, -d);
    }
    return NULL;
}

/* A float with an exact integer value (luaV_tointegerns, F2Ieq). */
static int float_int(double d, long long *i)
{
    if (!(d == floor(d)) || d < -9223372036854775808.0 || d >= 9223372036854775808.0) return 0;
    *i = (long long)d;
    return 1;
}

static long long shiftl(long long x, long long y)
{
    if (y <= -64 || y >= 64) return 0;
    if (y < 0) return (long long)((unsigned long long)x >> (unsigned)-y);
    return (long long)((unsigned long long)x << (unsigned)y);
}

/* Fold a binary arithmetic or bitwise op on two numeric constants as
   lcode.c's constfolding does (validop's rules, luaO_rawarith; neither a
   NaN nor a float zero is folded), so that a <const> local Lua folds is a
   compile-time constant here too (no upvalue); NULL when Lua does not fold. */
static const char *fold_bin(P *p, int tok, const char *ka, const char *kb)
{
    long long a, b, r;
    double x, y, z;
    int ta = num_of(ka, &a, &x), tb = num_of(kb, &b, &y);
    if (!ta || !tb) return NULL;
    if (tok == '&' || tok == '|' || tok == '~' || tok == TK_SHL || tok == TK_SHR) {
        if ((ta == 2 && !float_int(x, &a)) || (tb == 2 && !float_int(y, &b))) return NULL;
        r = tok == '&' ? (a & b) : tok == '|' ? (a | b) : tok == '~' ? (a ^ b)
            : tok == TK_SHL ? shiftl(a, b) : shiftl(a, b == LLONG_MIN ? 64 : -b);
        return xf(p, "(int %lld)", r);
    }
    if ((tok == '/' || tok == TK_IDIV || tok == '%') && (tb == 1 ? b == 0 : y == 0)) return NULL;
    if (ta == 1 && tb == 1 && tok != '/' && tok != '^') {
        unsigned long long ua = (unsigned long long)a, ub = (unsigned long long)b;
        switch (tok) {
        case '+': r = (long long)(ua + ub); break;
        case '-': r = (long long)(ua - ub); break;
        case '*': r = (long long)(ua * ub); break;
        case TK_IDIV:
            if (b == -1) r = (long long)(0ULL - ua);
            else { r = a / b; if ((a ^ b) < 0 && a % b != 0) r -= 1; }
            break;
        case '%':
            if (b == -1) r = 0;
            else { r = a % b; if (r != 0 && (r ^ b) < 0) r += b; }
            break;
        default: return NULL;
        }
        return xf(p, "(int %lld)", r);
    }
    if (ta == 1) x = (double)a;
    if (tb == 1) y = (double)b;
    switch (tok) {
    case '+': z = x + y; break;
    case '-': z = x - y; break;
    case '*': z = x * y; break;
    case '/': z = x / y; break;
    case '^': z = y == 2 ? x * x : pow(x, y); break;
    case TK_IDIV: z = floor(x / y); break;
    case '%':
        z = fmod(x, y);     /* luai_nummod: fmod's sign is x's; floored to y's */
        if ((z > 0) ? y < 0 : (z < 0 && y > 0)) z += y;
        break;
    default: return NULL;
    }
    if (isnan(z) || z == 0) return NULL;
    return irfloat(p, z);
}

static E subexpr(P *p, int limit)
{
    E v;
    enterlevel(p);
    const char *uop = unop_name(p->ls.t.tok);
    if (uop) {
        int tok = p->ls.t.tok;
        lf_next(&p->ls);
        E a = subexpr(p, UNARY_PRIORITY);
        const char *k = fold_un(p, tok, a.k_text);
        v = mk(tok == TK_NOT ? cat(p, 3, "(lun not ", a.s, ")") : cat(p, 5, "(lun ", uop, " ", a.s, ")"), EK_OTHER);
        v.k_text = k;
        v.pure = a.pure && tok != '#';
    } else {
        v = simpleexp(p);
        if (v.k_text) v.pure = 1;
    }
    int op = getbinop(p->ls.t.tok);
    while (op >= 0 && binops[op].left > limit) {
        int pure = v.pure;
        const char *ka = v.k_text;
        lf_next(&p->ls);
        E b = subexpr(p, binops[op].right);
        if (binops[op].tok == TK_AND) v = mk(cat(p, 5, "(and ", v.s, " ", b.s, ")"), EK_OTHER);
        else if (binops[op].tok == TK_OR) v = mk(cat(p, 5, "(or ", v.s, " ", b.s, ")"), EK_OTHER);
        else {
            v = mk(cat(p, 7, "(lbin ", binops[op].name, " ", v.s, " ", b.s, ")"), EK_OTHER);
            v.k_text = fold_bin(p, binops[op].tok, ka, b.k_text);
        }
        v.pure = pure && b.pure && ((binops[op].left >= 4 && binops[op].left != 9) || binops[op].left <= 2);
        op = getbinop(p->ls.t.tok);
    }
    leavelevel(p);
    return v;
}

static E expr(P *p) { return subexpr(p, 0); }

/* ------------------------------------------------------------------ functions */

static void open_func(P *p, FS *fs, const char *name, int line)
{
    memset(fs, 0, sizeof *fs);
    fs->prev = p->fs;
    fs->name = name;
    fs->line = line;
    fs->envpos = -1;
    p->fs = fs;
}

/* The next word of a signature at *sig (NULL at its end), its length in
   *len; `_ENV` words skipped unless env. */
static const char *sig_word(const char **sig, size_t *len, int env)
{
    for (;;) {
        while (**sig == ' ') (*sig)++;
        if (**sig == 0) return NULL;
        const char *w = *sig;
        while (**sig && **sig != ' ') (*sig)++;
        *len = (size_t)(*sig - w);
        if (env || *len != 4 || memcmp(w, "_ENV", 4) != 0) return w;
    }
}

/* The Lua name of fs's next upvalue after *i (NULL after the last), its
   length in *len: an IR name less one __DIGITS suffix; the chunk's _ENV at
   fs->envpos when env (*envdone: given), `_ENV` names skipped unless env. */
static const char *fv_name(const FS *fs, int *i, int *envdone, size_t *len, int env)
{
    for (;;) {
        if (env && !*envdone && fs->envpos == *i) {
            *envdone = 1;
            *len = 4;
            return "_ENV";
        }
        if (*i >= fs->free.n) return NULL;
        const char *nm = fs->free.v[(*i)++];
        size_t n = strlen(nm), k = n;
        while (k > 0 && nm[k - 1] >= '0' && nm[k - 1] <= '9') k--;
        if (k < n && k >= 2 && nm[k - 1] == '_' && nm[k - 2] == '_') n = k - 2;
        *len = n;
        if (env || n != 4 || memcmp(nm, "_ENV", 4) != 0) return nm;
    }
}

/* Does fs have the signature "NPARAMS VARARG NAME..." (its parameter count,
   1 when vararg, its upvalues' Lua names in debug.getupvalue order)? NULL
   matches every function. _ENV is left out of the comparison unless env:
   then it must be where Lua put it (two functions on one line that differ
   only there: `function() return g(function() return u end) end`). */
static int sig_matches(const FS *fs, const char *sig, int env)
{
    if (sig == NULL) return 1;
    char *end;
    long np = strtol(sig, &end, 10);
    if (end == sig || np != fs->params.n) return 0;
    sig = end;
    long va = strtol(sig, &end, 10);
    if (end == sig || (va != 0) != (fs->vararg != 0)) return 0;
    sig = end;
    int i = 0, envdone = 0;
    for (;;) {
        size_t wl = 0, nl = 0;
        const char *w = sig_word(&sig, &wl, env);
        const char *nm = fv_name(fs, &i, &envdone, &nl, env);
        if (w == NULL || nm == NULL) return w == nm;
        if (wl != nl || memcmp(w, nm, nl) != 0) return 0;
    }
}

static const char *close_func(P *p, Block *bl)
{
    FS *fs = p->fs;
    (void)bl;
    leaveblock(p);
    /* the body with resolved goto names inserted at their places */
    SB b = {0};
    sb_s(p, &b, xf(p, "(func %s %d ", fs->name, fs->line));
    nl_emit(p, &b, "params", &fs->params);
    sb_s(p, &b, " (defaults) ");
    nl_emit(p, &b, "vars", &fs->vars); sb_s(p, &b, " ");
    nl_emit(p, &b, "cells", &fs->cells); sb_s(p, &b, " ");
    nl_emit(p, &b, "free", &fs->free); sb_s(p, &b, " ");
    nl_emit(p, &b, "globals", &fs->globals);
    sb_s(p, &b, fs->vararg ? " (flags vararg) (block" : " (flags) (block");
    size_t at = 0;
    for (int i = 0; i < fs->npatch; i++) {     /* patches are in body order */
        sb_add(p, &b, fs->body.p + at, fs->patches[i].off - at);
        sb_s(p, &b, fs->patches[i].ir);
        at = fs->patches[i].off;
    }
    if (fs->body.n > at) sb_add(p, &b, fs->body.p + at, fs->body.n - at);
    sb_s(p, &b, "))");
    fs->text = b.p;
    if (fs->line == p->want_line && (p->want_line == 0 || fs->lastline == p->want_last)
        && sig_matches(fs, p->want_sig, p->env_sig)) {
        p->nfound++;
        p->found = fs->text;
        p->found_genv = fs->genv;
        p->found_refuse = fs->refuse;
        p->found_fv = fs->fv; p->found_nfv = fs->free.n;
    } else if (fs->line == p->want_line && fs->lastline == p->want_last && fs->refuse) {
        p->near_refuse = fs->refuse;
    }
    p->fs = fs->prev;
    return fs->text;
}

static void sort_patches(FS *fs)
{
    for (int i = 1; i < fs->npatch; i++) {
        Patch x = fs->patches[i]; int j = i - 1;
        while (j >= 0 && fs->patches[j].off > x.off) { fs->patches[j + 1] = fs->patches[j]; j--; }
        fs->patches[j + 1] = x;
    }
}

static void add_param(P *p, const char *name)
{
    Var *v = new_localvar(p, name);
    activate(p, v);
    nl_add(p, &p->fs->params, v->ir);
}

static const char *body(P *p, int ismethod, int line, const char *name)
{
    FS nfs; Block bl;
    open_func(p, &nfs, name, line);
    enterblock(p, &bl, 0);
    checknext(p, '(');
    if (ismethod) add_param(p, "self");
    if (p->ls.t.tok != ')') {
        do {
            switch (p->ls.t.tok) {
            case TK_NAME: add_param(p, str_checkname(p)); break;
            case TK_DOTS: lf_next(&p->ls); nfs.vararg = 1; break;
            default: lf_syntaxerror(&p->ls, "<name> or '...' expected");
            }
        } while (!nfs.vararg && testnext(p, ','));
    }
    checknext(p, ')');
    statlist(p);
    nfs.lastline = p->ls.linenumber;
    check_match(p, TK_END, TK_FUNCTION, line);
    sort_patches(&nfs);
    return close_func(p, &bl);
}

/* ------------------------------------------------------------------ statements */

static void block(P *p)
{
    Block bl;
    enterblock(p, &bl, 0);
    bf(p, " (block");
    statlist(p);
    bf(p, ")");
    leaveblock(p);
}


static void restassign(P *p, SB *targets, E *lh, int line)
{
    if (lh->k != EK_LOCAL && lh->k != EK_FREE && lh->k != EK_GLOBAL && lh->k != EK_INDEX
        && lh->k != EK_CONST && lh->k != EK_ENV)
        lf_syntaxerror(&p->ls, "syntax error");
    check_readonly(p, lh);
    sb_s(p, targets, " "); sb_s(p, targets, lh->s);
    if (testnext(p, ',')) {
        E nv = suffixedexp(p);
        restassign(p, targets, &nv, line);
    } else {
        checknext(p, '=');
        SB vals = {0}; E last;
        sb_s(p, &vals, "");
        explist(p, &vals, &last);
        bf(p, " (set %d (%s) (%s%s%s))", line, targets->p + 1, vals.p + (vals.n ? 1 : 0),
           vals.n ? " " : "", last.s);
    }
}

static void exprstat(P *p, int line)
{
    E v = suffixedexp(p);
    if (p->ls.t.tok == '=' || p->ls.t.tok == ',') {
        SB t = {0};
        restassign(p, &t, &v, line);
    } else {
        if (v.k != EK_CALL) lf_syntaxerror(&p->ls, "syntax error");
        bf(p, " (expr %d ", line); sb_s(p, &p->fs->body, v.s); sb_s(p, &p->fs->body, ")");
    }
}

static const char *cond(P *p) { return expr(p).s; }

static void test_then_block(P *p, int line)
{
    lf_next(&p->ls);            /* skip IF or ELSEIF */
    const char *c = cond(p);
    checknext(p, TK_THEN);
    bf(p, " (if %d %s", line, c);
    block(p);
    if (p->ls.t.tok == TK_ELSEIF) {
        bf(p, " (block");
        test_then_block(p, p->ls.linenumber);
        bf(p, ")");
    } else if (testnext(p, TK_ELSE)) {
        block(p);
    } else {
        bf(p, " (block)");
    }
    if (p->ls.t.tok == TK_END) {} /* closed by the caller */
    bf(p, ")");
}

static void ifstat(P *p, int line)
{
    test_then_block(p, line);
    check_match(p, TK_END, TK_IF, line);
}

static void fornum(P *p, const char *varname, int line)
{
    Var *v = new_localvar(p, varname);
    checknext(p, '=');
    E a = expr(p);
    checknext(p, ',');
    E b = expr(p);
    const char *step = "_";
    if (testnext(p, ',')) step = expr(p).s;
    checknext(p, TK_DO);
    Block bl;
    enterblock(p, &bl, 0);
    activate(p, v);
    bf(p, " (fornum %d %s %s %s %s", line, v->ir, a.s, b.s, step);
    block(p);
    leaveblock(p);
    bf(p, ")");
}

static void forlist(P *p, const char *first, int line)
{
    Var *vs[MAXVARS + 1]; int n = 0;
    vs[n++] = new_localvar(p, first);
    while (testnext(p, ',')) {
        if (n >= MAXVARS) lf_syntaxerror(&p->ls, "too many local variables");
        vs[n++] = new_localvar(p, str_checkname(p));
    }
    checknext(p, TK_IN);
    SB ex = {0}; E last;
    sb_s(p, &ex, "");
    explist(p, &ex, &last);
    checknext(p, TK_DO);
    Block bl;
    enterblock(p, &bl, 0);
    for (int i = 0; i < n; i++) activate(p, vs[i]);
    bf(p, " (forin %d (", line);
    for (int i = 0; i < n; i++) bf(p, i ? " %s" : "%s", vs[i]->ir);
    bf(p, ") (%s%s%s)", ex.p + (ex.n ? 1 : 0), ex.n ? " " : "", last.s);
    block(p);
    leaveblock(p);
    bf(p, ")");
}

static void forstat(P *p, int line)
{
    Block bl;
    enterblock(p, &bl, 1);
    lf_next(&p->ls);
    const char *v = str_checkname(p);
    switch (p->ls.t.tok) {
    case '=': fornum(p, v, line); break;
    case ',': case TK_IN: forlist(p, v, line); break;
    default: lf_syntaxerror(&p->ls, "'=' or 'in' expected");
    }
    check_match(p, TK_END, TK_FOR, line);
    leaveblock(p);
}

static void whilestat(P *p, int line)
{
    lf_next(&p->ls);
    const char *c = cond(p);
    Block bl;
    enterblock(p, &bl, 1);
    checknext(p, TK_DO);
    bf(p, " (while %d %s", line, c);
    block(p);
    bf(p, ")");
    check_match(p, TK_END, TK_WHILE, line);
    leaveblock(p);
}

static void repeatstat(P *p, int line)
{
    Block bl1, bl2;
    enterblock(p, &bl1, 1);
    enterblock(p, &bl2, 0);
    lf_next(&p->ls);
    bf(p, " (repeat %d (block", line);
    statlist(p);
    check_match(p, TK_UNTIL, TK_REPEAT, line);
    bf(p, ")");
    int uline = p->ls.linenumber;   /* the condition's line: its errors' position */
    const char *c = cond(p);
    bf(p, " %s %d)", c, uline);
    leaveblock(p);
    leaveblock(p);
}

static const char *funcname_str(SB *n) { return n->p; }

static void funcstat(P *p, int line)
{
    lf_next(&p->ls);
    SB nm = {0};
    const char *n1 = str_checkname(p);
    sb_s(p, &nm, n1);
    E v = singlevar_name(p, n1, line);
    int ismethod = 0;
    while (p->ls.t.tok == '.') {
        lf_next(&p->ls);
        check(p, TK_NAME);
        sb_s(p, &nm, "."); sb_s(p, &nm, p->ls.t.s);
        if (v.k == EK_ENV) {        /* function _ENV.f: the global f */
            v = global_e(p, str_checkname(p), line);
            continue;
        }
        v = mk(cat(p, 5, "(index ", v.s, " ", irstr(p, p->ls.t.s, p->ls.t.len), ")"), EK_INDEX);
        lf_next(&p->ls);
    }
    if (p->ls.t.tok == ':') {
        lf_next(&p->ls);
        check(p, TK_NAME);
        sb_s(p, &nm, "."); sb_s(p, &nm, p->ls.t.s);
        v = mk(cat(p, 5, "(index ", v.s, " ", irstr(p, p->ls.t.s, p->ls.t.len), ")"), EK_INDEX);
        lf_next(&p->ls);
        ismethod = 1;
    }
    const char *f = body(p, ismethod, line, funcname_str(&nm));
    check_readonly(p, &v);
    if (v.k == EK_LOCAL) {
        /* `function g()` with g a local of this function assigns it, as
           `g = function() end` does: `(def L (local g) f)` is the
           declaration `local function g` makes (a new variable) */
        bf(p, " (set %d (%s) ((lambda ", line, v.s); sb_s(p, &p->fs->body, f);
        sb_s(p, &p->fs->body, ")))");
        return;
    }
    bf(p, " (def %d %s ", line, v.s); sb_s(p, &p->fs->body, f); sb_s(p, &p->fs->body, ")");
}

static void localfunc(P *p, int line)
{
    const char *name = str_checkname(p);
    Var *v = new_localvar(p, name);
    activate(p, v);
    const char *ir = v->ir;
    const char *f = body(p, 0, line, name);
    if (f == p->found) p->found_self = v;
    bf(p, " (def %d (local %s) ", line, ir); sb_s(p, &p->fs->body, f); sb_s(p, &p->fs->body, ")");
}

static int getlocalattribute(P *p)
{
    if (testnext(p, '<')) {
        const char *attr = str_checkname(p);
        checknext(p, '>');
        if (strcmp(attr, "const") == 0) return 1;
        if (strcmp(attr, "close") == 0) return 2;
        char m[200];
        snprintf(m, sizeof m, "unknown attribute '%s'", attr);
        lf_semerror(&p->ls, m);
    }
    return 0;
}

static void localstat(P *p, int line)
{
    Var *vs[MAXVARS + 1]; int nvars = 0, toclose = -1;
    do {
        if (p->fs->nact + nvars >= MAXVARS) {
            char m[120];
            if (p->fs->line == 0) snprintf(m, sizeof m, "too many local variables (limit is %d) in main function", MAXVARS);
            else snprintf(m, sizeof m, "too many local variables (limit is %d) in function at line %d", MAXVARS, p->fs->line);
            lf_next(&p->ls);
            lf_syntaxerror(&p->ls, m);
        }
        vs[nvars] = new_localvar(p, str_checkname(p));
        vs[nvars]->kind = getlocalattribute(p);
        if (vs[nvars]->kind == 2) {
            if (toclose != -1) lf_semerror(&p->ls, "multiple to-be-closed variables in local list");
            toclose = nvars;
        }
        nvars++;
    } while (testnext(p, ','));
    SB ex = {0}; E last = mk(NULL, EK_OTHER); int nexps = 0;
    sb_s(p, &ex, "");
    if (testnext(p, '=')) nexps = explist(p, &ex, &last);
    Var *lv = vs[nvars - 1];
    int ctc = 0;
    if (nvars == nexps && lv->kind == 1 && last.k_text) {
        lv->kind = 3; lv->k = last.k_text; ctc = 1;
    } else if (nvars == nexps && lv->kind == 1 && last.pure) {
        lv->kind = 4;           /* maybe folded by Lua (binary constant folding) */
    }
    for (int i = 0; i < nvars; i++) activate(p, vs[i]);
    int nreal = nvars - ctc;
    if (nreal == 0) return;
    bf(p, " (local %d (", line);
    for (int i = 0; i < nreal; i++) bf(p, i ? " %s" : "%s", vs[i]->ir);
    bf(p, ") (attribs");
    for (int i = 0; i < nreal; i++)
        bf(p, " %s", (vs[i]->kind == 1 || vs[i]->kind == 4) ? "const" : vs[i]->kind == 2 ? "close" : "_");
    bf(p, ") (");
    if (nexps) {
        if (ctc) bf(p, "%s", ex.n ? ex.p + 1 : "");
        else bf(p, "%s%s%s", ex.n ? ex.p + 1 : "", ex.n ? " " : "", last.s);
    }
    bf(p, "))");
}

static void retstat(P *p, int line)
{
    bf(p, " (return %d", line);
    if (!block_follow(p, 1) && p->ls.t.tok != ';') {
        SB ex = {0}; E last;
        sb_s(p, &ex, "");
        explist(p, &ex, &last);
        bf(p, "%s %s", ex.p, last.s);
    }
    bf(p, ")");
    testnext(p, ';');
}

static void labelstat(P *p, const char *name, int line)
{
    checknext(p, TK_DBCOLON);
    const char *ir = rename_(p, &p->lnames, &p->lcap, &p->lused, name);
    bf(p, " (label %d %s)", line, ir);
    while (p->ls.t.tok == ';' || p->ls.t.tok == TK_DBCOLON) lf_statement(p);
    Label *lb = findlabel(p, name);
    if (lb) {
        char m[300];
        snprintf(m, sizeof m, "label '%s' already defined on line %d", name, lb->line);
        lf_semerror(&p->ls, m);
    }
    createlabel(p, name, ir, line, block_follow(p, 0));
}

static void gotostat(P *p, int line)
{
    const char *name = str_checkname(p);
    Label *lb = findlabel(p, name);
    if (lb) {
        bf(p, " (goto %d %s)", line, lb->ir);
    } else {
        bf(p, " (goto %d ", line);
        add_goto(p, name, line, 0);
        bf(p, ")");
    }
}

static void lf_statement(P *p)
{
    int line = p->ls.linenumber;
    enterlevel(p);
    switch (p->ls.t.tok) {
    case ';': lf_next(&p->ls); break;
    case TK_IF: ifstat(p, line); break;
    case TK_WHILE: whilestat(p, line); break;
    case TK_DO:
        lf_next(&p->ls);
        bf(p, " (do %d", line);
        block(p);
        bf(p, ")");
        check_match(p, TK_END, TK_DO, line);
        break;
    case TK_FOR: forstat(p, line); break;
    case TK_REPEAT: repeatstat(p, line); break;
    case TK_FUNCTION: funcstat(p, line); break;
    case TK_LOCAL:
        lf_next(&p->ls);
        if (testnext(p, TK_FUNCTION)) localfunc(p, line);
        else localstat(p, line);
        break;
    case TK_DBCOLON: {
        lf_next(&p->ls);
        labelstat(p, str_checkname(p), line);
        break;
    }
    case TK_RETURN: lf_next(&p->ls); retstat(p, line); break;
    case TK_BREAK:
        lf_next(&p->ls);
        add_goto(p, "break", line, 1);
        bf(p, " (break %d)", line);
        break;
    case TK_GOTO: lf_next(&p->ls); gotostat(p, line); break;
    default: exprstat(p, line); break;
    }
    leavelevel(p);
}

static void statlist(P *p)
{
    while (!block_follow(p, 1)) {
        if (p->ls.t.tok == TK_RETURN) { lf_statement(p); return; }
        lf_statement(p);
    }
}

/* ------------------------------------------------------------------ API */

void tdmLF_chunkid(char *out, size_t bufsz, const char *source)
{
    size_t srclen = strlen(source);
    if (bufsz < 16) { if (bufsz) out[0] = 0; return; }
    if (*source == '=') {
        if (srclen <= bufsz) memcpy(out, source + 1, srclen);
        else { memcpy(out, source + 1, bufsz - 1); out[bufsz - 1] = 0; }
    } else if (*source == '@') {
        if (srclen <= bufsz) memcpy(out, source + 1, srclen);
        else {
            memcpy(out, "...", 3);
            memcpy(out + 3, source + 1 + srclen - bufsz + 3, bufsz - 4);
            out[bufsz - 1] = 0;
        }
    } else {
        const char *nl = strchr(source, '\n');
        size_t b = bufsz - sizeof("[string \"...\"]");
        char *o = out;
        memcpy(o, "[string \"", 9); o += 9;
        if (srclen < b && nl == NULL) { memcpy(o, source, srclen); o += srclen; }
        else {
            if (nl) srclen = (size_t)(nl - source);
            if (srclen > b) srclen = b;
            memcpy(o, source, srclen); o += srclen;
            memcpy(o, "...", 3); o += 3;
        }
        memcpy(o, "\"]", 3);
    }
}

static void free_arena(LFArena *a)
{
    while (a) { LFArena *n = *(LFArena **)a; free(a); a = n; }
}

enum { RUN_ENVVAR = 1, RUN_ENVSIG = 2 };

/* 0, or -1 with err set, or -2: the function reads the chunk's _ENV and
   the chunk assigns it (mode without RUN_ENVVAR: parse again with it), or
   -3: several functions match the signature with _ENV left out (mode
   without RUN_ENVSIG: parse again with it). */
static int run1(const char *src, size_t n, const char *chunkname, int line, int last,
                const char *sig, char **out, size_t *outlen, char *err, size_t errsz,
                int mode)
{
    P *p = calloc(1, sizeof *p);
    if (!p) { snprintf(err, errsz, "not enough memory"); return -1; }
    int env_var = (mode & RUN_ENVVAR) != 0;
    p->env_var = env_var;
    p->env_sig = (mode & RUN_ENVSIG) != 0;
    char cid[256];
    tdmLF_chunkid(cid, 60, chunkname);
    lf_lex_init(&p->ls, src, n, cid);
    snprintf(p->chunkid, sizeof p->chunkid, "%s", cid);
    p->ls.err = err; p->ls.errsz = errsz;
    p->want_line = line; p->want_last = last; p->want_sig = sig;
    int rc = -1;
    FS *mainfs = palloc(p, sizeof *mainfs);
    FS *loader = palloc(p, sizeof *loader);
    if (setjmp(p->ls.jb) == 0) {
        Block bl;
        if (env_var) {
            /* the chunk's _ENV: a local of a function around the main one
               (the loader, never output), so the main function and those
               nested in it get it as the upvalue (free _ENV) where they use
               it, in Lua's order of first use */
            open_func(p, loader, "loader", 0);
            activate(p, new_localvar(p, "_ENV"));
        }
        open_func(p, mainfs, "main", 0);
        mainfs->vararg = 1;
        enterblock(p, &bl, 0);
        lf_next(&p->ls);
        statlist(p);
        check(p, TK_EOS);
        mainfs->lastline = p->ls.linenumber;
        sort_patches(mainfs);
        close_func(p, &bl);
        rc = 0;
        if (out) {
            if (p->nfound != 1 && p->env_sig) {
                /* (the first pass found several) */
                snprintf(err, errsz, "%s:%d: several functions start at line %d and end at line %d: "
                         "cannot tell which one to translate", cid, line, line, last);
                rc = -1;
            } else if (p->nfound == 0 && p->near_refuse) {
                snprintf(err, errsz, "%s", p->near_refuse);
                rc = -1;
            } else if (p->nfound == 0) {
                snprintf(err, errsz, "%s:%d: no function starting at line %d and ending at line %d",
                         cid, line, line, last);
                rc = -1;
            } else if (p->nfound > 1 && p->want_sig) {
                rc = -3;        /* again, the place of _ENV compared too */
            } else if (p->nfound > 1) {
                snprintf(err, errsz, "%s:%d: several functions start at line %d and end at line %d: "
                         "cannot tell which one to translate", cid, line, line, last);
                rc = -1;
            } else if (p->found_refuse) {
                snprintf(err, errsz, "%s", p->found_refuse);
                rc = -1;
            } else if (p->found_genv && p->env_set) {
                /* (env) and (global x) are the one global table: again with
                   the chunk's _ENV a variable */
                snprintf(err, errsz, "%s:%d: the chunk assigns _ENV: the global table of "
                         "the function at line %d can change", cid, p->env_set, line);
                rc = p->env_var ? -1 : -2;
            } else {
                SB b = {0};
                sb_s(p, &b, "(module ");
                sb_s(p, &b, irstr(p, cid, strlen(cid)) + 5);
                b.n--; b.p[b.n] = 0;            /* drop irstr's closing paren */
                sb_s(p, &b, " (lang lua) ");
                sb_s(p, &b, p->found);
                /* (fixed u...): the upvalues no statement of the chunk assigns
                   (their value is the one they were initialised with);
                   (self u): the fixed upvalue holding this very function */
                int nfixed = 0;
                for (int i = 0; i < p->found_nfv; i++) {
                    if (p->found_fv[i]->assigned) continue;
                    sb_s(p, &b, nfixed++ ? " " : " (fixed ");
                    sb_s(p, &b, p->found_fv[i]->ir);
                }
                if (nfixed) sb_s(p, &b, ")");
                if (p->found_self && !p->found_self->assigned) {
                    for (int i = 0; i < p->found_nfv; i++)
                        if (p->found_fv[i] == p->found_self) {
                            sb_s(p, &b, " (self ");
                            sb_s(p, &b, p->found_self->ir);
                            sb_s(p, &b, ")");
                        }
                }
                sb_s(p, &b, ")\n");
                *out = malloc(b.n + 1);
                if (!*out) { snprintf(err, errsz, "not enough memory"); rc = -1; }
                else { memcpy(*out, b.p, b.n + 1); if (outlen) *outlen = b.n; }
            }
        }
    }
    free(p->ls.buf);
    free(p->names); free(p->lnames);
    free_arena(p->ls.arena);
    free(p);
    return rc;
}

static int run(const char *src, size_t n, const char *chunkname, int line, int last,
               const char *sig, char **out, size_t *outlen, char *err, size_t errsz, int mode)
{
    int rc;
    while ((rc = run1(src, n, chunkname, line, last, sig, out, outlen, err, errsz, mode)) == -2
           || rc == -3) {
        mode |= rc == -2 ? RUN_ENVVAR : RUN_ENVSIG;
    }
    return rc;
}

int tdmLF_translate(const char *src, size_t n, const char *chunkname, int linedefined,
                    int lastline, char **out, size_t *outlen, char *err, size_t errsz)
{
    *out = NULL;
    return run(src, n, chunkname, linedefined, lastline, NULL, out, outlen, err, errsz, 0);
}

int tdmLF_translate_sig(const char *src, size_t n, const char *chunkname, int linedefined,
                        int lastline, const char *sig, char **out, size_t *outlen, char *err,
                        size_t errsz)
{
    *out = NULL;
    return run(src, n, chunkname, linedefined, lastline, sig, out, outlen, err, errsz, 0);
}

int tdmLF_translate_envvar(const char *src, size_t n, const char *chunkname, int linedefined,
                           int lastline, const char *sig, char **out, size_t *outlen, char *err,
                           size_t errsz)
{
    *out = NULL;
    return run(src, n, chunkname, linedefined, lastline, sig, out, outlen, err, errsz,
               RUN_ENVVAR);
}

int tdmLF_check(const char *src, size_t n, const char *chunkname, char *err, size_t errsz)
{
    return run(src, n, chunkname, -1, -1, NULL, NULL, NULL, err, errsz, 0);
}
