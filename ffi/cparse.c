/*
 * cparse.c — declarations, declarators, struct/union/enum bodies, and the
 * entry points tdmF_cdef / tdmF_parse_type.
 *
 * The text is tokenized first (clex.c), then parsed by recursive descent
 * with a depth limit so that hostile input ends in an error, never a stack
 * overflow; constant expressions are evaluated by cexpr.c.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "cparse.h"
#include "cexpr.h"

/* ------------------------------------------------------------------------ */
/* Declaration specifiers                                                   */

enum { ST_NONE = 0, ST_TYPEDEF, ST_EXTERN, ST_STATIC };

/* GCC attributes that change a type or a layout, as parsed (0: absent). */
typedef struct Attrs {
    int64_t align;              /* aligned(n); aligned alone: 16 (gcc's largest on x86-64) */
    int mode;                   /* mode(QI|HI|SI|DI|word|pointer|byte): bytes */
    int64_t vsize;              /* vector_size(n): bytes */
    Tok *at_align, *at_mode, *at_vsize;     /* borrowed: where each was written */
} Attrs;

typedef struct Specs {
    const tdmF_Type *type;      /* borrowed: interned */
    int storage;
    int isconst;
    Tok *at;                    /* borrowed: first token */
    Attrs attrs;                /* attributes among the specifiers: for every declarator */
} Specs;

static const char *const ignored_words[] = {
    "const", "volatile", "restrict", "__restrict", "__restrict__", "__const",
    "__volatile", "__volatile__", "register", "__extension__", "inline",
    "__inline", "__inline__",
    /* calling conventions: the only one on x86-64 is the default (cffi) */
    "__stdcall", "__cdecl", "WINAPI", NULL
};

static int is_callconv(const Tok *t)
{
    return is_word(t, "__stdcall") || is_word(t, "__cdecl") || is_word(t, "WINAPI");
}

static int word_in(const Tok *t, const char *const *list)
{
    int i;
    for (i = 0; list[i]; i++) {
        if (is_word(t, list[i])) {
            return 1;
        }
    }
    return 0;
}

static int is_typedef_name(P *p, const Tok *t)
{
    char name[256];
    const tdmF_Name *n;
    if (t->kind != K_IDENT || t->len >= (int)sizeof name) {
        return 0;
    }
    tdmF_cp_tokname(t, name, sizeof name);
    n = tdmF_lookup(p->R, name);
    return n && n->kind == TDMF_N_TYPEDEF;
}

static const char *const basic_words[] = {
    "signed", "__signed", "__signed__", "unsigned", "short", "long", "int", "char",
    "void", "float", "double", "_Bool", "_Complex", "__complex__", "complex", NULL
};

/* Is t a keyword that belongs to a type? */
static int type_keyword(const Tok *t)
{
    return word_in(t, basic_words) || word_in(t, ignored_words) || is_word(t, "struct") ||
           is_word(t, "union") || is_word(t, "enum");
}

int tdmF_cp_starts_type(P *p, const Tok *t)
{
    return t->kind == K_PTYPE || type_keyword(t) || is_typedef_name(p, t);
}

static int parse_tagged(P *p, const tdmF_Type **out);

typedef struct Words {
    int nsigned, nunsigned, nshort, nlong, nint, nchar, nvoid, nfloat, ndouble, nbool;
    int ncomplex;
} Words;

static int resolve_basic(P *p, const Words *w, const Tok *at, const tdmF_Type **out)
{
    int sign = w->nsigned + w->nunsigned, id = -1;
    int others = w->nvoid + w->nfloat + w->ndouble + w->nbool + w->nchar;
    if (w->ncomplex) {
        /* float _Complex, double _Complex; `complex` alone is LuaJIT's
           double complex */
        if (w->ncomplex > 1 || sign || w->nshort || w->nint || w->nlong || w->nvoid ||
            w->nbool || w->nchar || w->nfloat + w->ndouble > 1) {
            return tdmF_cp_err(p, at, TDM_ERRSYNTAX, "_Complex type combination unsupported "
                               "(only float _Complex and double _Complex)");
        }
        *out = tdmF_base(p->R, w->nfloat ? TDMF_T_FCOMPLEX : TDMF_T_DCOMPLEX);
        return TDM_OK;
    }
    if (w->nsigned > 1 || w->nunsigned > 1 || (w->nsigned && w->nunsigned) || w->nint > 1 ||
        w->nshort > 1 || w->nlong > 2 || (w->nshort && w->nlong) || others > 1 ||
        (others && (w->nshort || w->nint)) || (others && !w->nchar && sign) ||
        (w->nlong && others && !w->ndouble) || (w->ndouble && w->nlong > 1)) {
        return tdmF_cp_serr(p, at, "invalid combination of type specifiers");
    }
    if (w->nvoid) {
        id = TDMF_T_VOID;
    } else if (w->nbool) {
        id = TDMF_T_BOOL;
    } else if (w->nfloat) {
        id = TDMF_T_FLOAT;
    } else if (w->ndouble) {
        id = w->nlong ? TDMF_T_LDOUBLE : TDMF_T_DOUBLE;
    } else if (w->nchar) {
        id = w->nunsigned ? TDMF_T_UCHAR : w->nsigned ? TDMF_T_SCHAR : TDMF_T_CHAR;
    } else if (w->nshort) {
        id = w->nunsigned ? TDMF_T_USHORT : TDMF_T_SHORT;
    } else if (w->nlong == 2) {
        id = w->nunsigned ? TDMF_T_ULLONG : TDMF_T_LLONG;
    } else if (w->nlong == 1) {
        id = w->nunsigned ? TDMF_T_ULONG : TDMF_T_LONG;
    } else {
        id = w->nunsigned ? TDMF_T_UINT : TDMF_T_INT;
    }
    *out = tdmF_base(p->R, (tdmF_BaseId)id);
    return TDM_OK;
}

/* Attributes that would change a layout or a call: refused, never ignored
   (that would be silently wrong). aligned, mode and vector_size are taken
   where a declaration can use them (parse_attribute's Attrs). */
static const char *const layout_attrs[] = {
    "packed", "aligned", "mode", "vector_size", "ms_struct", "gcc_struct", "regparm",
    "stdcall", "fastcall", "thiscall", "ms_abi", "sysv_abi", "transparent_union", NULL
};

/* Strip gcc's __name__ spelling: into buf, returns the bare name. */
static const char *bare_name(const Tok *t, char *buf, size_t n)
{
    size_t k;
    tdmF_cp_tokname(t, buf, n);
    k = strlen(buf);
    if (k > 4 && strncmp(buf, "__", 2) == 0 && strcmp(buf + k - 2, "__") == 0) {
        buf[k - 2] = '\0';
        return buf + 2;
    }
    return buf;
}

/* The arguments of aligned / mode / vector_size (cur: just past the name). */
static int parse_attr_args(P *p, const char *nm, Tok *t, Attrs *a)
{
    int64_t v;
    int st;
    if (strcmp(nm, "mode") == 0) {
        static const struct { const char *name; int bytes; } modes[] = {
            {"QI", 1}, {"byte", 1}, {"HI", 2}, {"SI", 4}, {"DI", 8}, {"word", 8},
            {"pointer", 8}, {NULL, 0}
        };
        char mb[64];
        const char *m;
        int i;
        if (!accept(p, '(') || cur(p)->kind != K_IDENT) {
            return tdmF_cp_serr(p, t, "expected mode(NAME)");
        }
        m = bare_name(cur(p), mb, sizeof mb);
        for (i = 0; modes[i].name && strcmp(modes[i].name, m) != 0; i++) {
        }
        if (modes[i].name == NULL) {
            return tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "mode(%s) is not supported (QI, HI, SI, "
                               "DI, word, pointer and byte are: integer widths)", m);
        }
        advance(p);
        a->mode = modes[i].bytes;
        a->at_mode = t;
        return tdmF_cp_expect(p, ')', "after the mode");
    }
    if (strcmp(nm, "aligned") == 0 && !is_punct(cur(p), '(')) {
        v = 16;                     /* gcc's __BIGGEST_ALIGNMENT__ on x86-64 */
    } else {
        if (!accept(p, '(')) {
            return tdmF_cp_serr(p, t, "expected %s(N)", nm);
        }
        if ((st = tdmF_cp_expr(p, &v)) != TDM_OK ||
            (st = tdmF_cp_expect(p, ')', "after the attribute's argument")) != TDM_OK) {
            return st;
        }
    }
    if (nm[0] == 'a') {
        if (v <= 0 || v > (1 << 15) || (v & (v - 1)) != 0) {
            return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "requested alignment %lld is not a positive "
                               "power of two (at most 32768)", (long long)v);
        }
        if (v > a->align) {
            a->align = v;           /* several: the largest (gcc) */
        }
        a->at_align = t;
    } else {
        a->vsize = v;
        a->at_vsize = t;
    }
    return TDM_OK;
}

/* __attribute__((a, b(args), ...)) at cur: attributes that change neither
   layout nor calls (nothrow, const, format, visibility, ...) are skipped,
   the others refused with their name. `packed` is taken where it applies to
   a struct or union (*packed set; packed NULL elsewhere), or where
   parse_tagged has already applied it (p->packed_attr). */
static int parse_attribute(P *p, int *packed, Attrs *a)
{
    Tok *at = cur(p);
    int level, applied = (int)(at - p->toks) == p->packed_attr;
    advance(p);
    if (!accept(p, '(') || !accept(p, '(')) {
        return tdmF_cp_serr(p, at, "expected '((' after '%.*s'", at->len, at->p);
    }
    for (level = 2; level > 0;) {
        Tok *t = cur(p);
        if (t->kind == K_EOF) {
            return tdmF_cp_serr(p, at, "unterminated '%.*s'", at->len, at->p);
        }
        if (level == 2 && t->kind == K_IDENT) {
            char name[64];
            const char *nm = bare_name(t, name, sizeof name);
            if (strcmp(nm, "packed") == 0 && (packed != NULL || applied)) {
                if (packed != NULL) {
                    *packed = 1;
                }
                advance(p);
                continue;
            }
            if (a != NULL && (strcmp(nm, "aligned") == 0 || strcmp(nm, "mode") == 0 ||
                              strcmp(nm, "vector_size") == 0)) {
                int st;
                advance(p);
                if ((st = parse_attr_args(p, nm, t, a)) != TDM_OK) {
                    return st;
                }
                continue;
            }
            for (int i = 0; layout_attrs[i]; i++) {
                if (strcmp(nm, layout_attrs[i]) == 0) {
                    return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "__attribute__((%s)) is not "
                                       "supported (it changes the layout or the call)", nm);
                }
            }
        }
        level += is_punct(t, '(') - is_punct(t, ')');
        advance(p);
    }
    return TDM_OK;
}

/* asm("sym") / __asm__("sym" "concatenated") at cur: the symbol into sym. */
static int parse_asm(P *p, char *sym, size_t n)
{
    Tok *at = cur(p);
    size_t k = 0;
    advance(p);
    if (!accept(p, '(') || cur(p)->kind != K_STR) {
        return tdmF_cp_serr(p, at, "expected '(\"symbol\")' after '%.*s'",
                            at->len, at->p);
    }
    while (cur(p)->kind == K_STR) {
        Tok *t = cur(p);
        if (memchr(t->p, '\\', (size_t)t->len) != NULL || k + (size_t)t->len - 2 >= n) {
            return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "unsupported asm symbol name %.*s",
                               t->len, t->p);
        }
        memcpy(sym + k, t->p + 1, (size_t)t->len - 2);
        k += (size_t)t->len - 2;
        advance(p);
    }
    sym[k] = '\0';
    if (k == 0) {
        return tdmF_cp_err(p, at, TDM_ERRSYNTAX, "empty asm symbol name");
    }
    return tdmF_cp_expect(p, ')', "after the asm symbol");
}

static int is_attribute(const Tok *t)
{
    return is_word(t, "__attribute__") || is_word(t, "__attribute");
}

static int is_asm(const Tok *t)
{
    return is_word(t, "asm") || is_word(t, "__asm__") || is_word(t, "__asm");
}

static int parse_specs(P *p, Specs *s, int allow_storage)
{
    Words w;
    int nbasic = 0;
    char b[64];
    memset(&w, 0, sizeof w);
    memset(s, 0, sizeof *s);
    s->at = cur(p);
    for (;;) {
        Tok *t = cur(p);
        if (t->kind == K_PTYPE && !s->type && !nbasic) {
            s->type = t->ptype;         /* a `$` standing for a type */
            advance(p);
            continue;
        }
        if (t->kind != K_IDENT) {
            break;
        }
        if (word_in(t, ignored_words)) {
            s->isconst |= is_word(t, "const") || is_word(t, "__const");
        } else if (is_word(t, "typedef") || is_word(t, "extern") || is_word(t, "static")) {
            if (!allow_storage) {
                return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "storage class '%.*s' not allowed here",
                                   t->len, t->p);
            }
            if (s->storage) {
                return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "more than one storage class");
            }
            s->storage = is_word(t, "typedef") ? ST_TYPEDEF
                         : is_word(t, "extern") ? ST_EXTERN : ST_STATIC;
        } else if (word_in(t, basic_words)) {
            if (s->type) {
                return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "'%.*s' cannot be combined with a "
                                   "previous type", t->len, t->p);
            }
            nbasic++;
            w.nsigned += is_word(t, "signed") || is_word(t, "__signed") ||
                         is_word(t, "__signed__");
            w.nunsigned += is_word(t, "unsigned");
            w.nshort += is_word(t, "short");
            w.nlong += is_word(t, "long");
            w.nint += is_word(t, "int");
            w.nchar += is_word(t, "char");
            w.nvoid += is_word(t, "void");
            w.nfloat += is_word(t, "float");
            w.ndouble += is_word(t, "double");
            w.nbool += is_word(t, "_Bool");
            w.ncomplex += is_word(t, "_Complex") || is_word(t, "__complex__") ||
                          is_word(t, "complex");
        } else if (is_word(t, "struct") || is_word(t, "union") || is_word(t, "enum")) {
            if (s->type || nbasic) {
                return tdmF_cp_serr(p, t, "two types in one declaration");
            }
            if (parse_tagged(p, &s->type) != TDM_OK) {
                return p->err->status;
            }
            continue;   /* parse_tagged advanced */
        } else if (is_word(t, "__int128") || is_word(t, "_Float128")) {
            return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "type '%.*s' is not supported", t->len, t->p);
        } else if (is_attribute(t)) {
            if ((int)(t - p->toks) == p->body_end && p->body_type != NULL) {
                /* struct s { ... } __attribute__((aligned(16))): the struct's */
                Attrs a;
                memset(&a, 0, sizeof a);
                if (parse_attribute(p, NULL, &a) != TDM_OK) {
                    return p->err->status;
                }
                if (a.mode || a.vsize) {
                    return tdmF_cp_err(p, a.mode ? a.at_mode : a.at_vsize, TDM_ERRSYNTAX,
                                       "%s applies to an integer or floating type, not to a "
                                       "struct or union", a.mode ? "mode" : "vector_size");
                }
                if (a.align && tdmF_align_aggregate(p->R, p->body_type, a.align, p->err)
                        != TDM_OK) {
                    return tdmF_cp_rerr(p, a.at_align);
                }
                p->body_end = p->pos;       /* another may follow */
                continue;
            }
            if (parse_attribute(p, NULL, &s->attrs) != TDM_OK) {
                return p->err->status;
            }
            continue;
        } else if (is_word(t, "__declspec") || is_asm(t) || is_word(t, "_Alignas")) {
            return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "'%.*s' is not supported", t->len, t->p);
        } else if (!s->type && !nbasic && is_typedef_name(p, t)) {
            char name[256];
            tdmF_cp_tokname(t, name, sizeof name);
            s->type = tdmF_lookup(p->R, name)->type;
        } else {
            break;
        }
        advance(p);
    }
    if (nbasic) {
        return resolve_basic(p, &w, s->at, &s->type);
    }
    if (s->type == NULL) {
        Tok *t = cur(p);
        if (t->kind == K_IDENT) {
            return tdmF_cp_serr(p, t, "unknown type name '%.*s'", t->len, t->p);
        }
        return tdmF_cp_serr(p, t, "expected a type, got %s",
                            tdmF_cp_tokdesc(t, b, sizeof b));
    }
    return TDM_OK;
}

/* ------------------------------------------------------------------------ */
/* Declarators                                                              */

enum { D_NAMED = 1, D_ABSTRACT = 2, D_EITHER = 3 };

typedef struct Decl {
    int isconst;                /* `* const` right before the name: the object is const */
    const tdmF_Type *type;      /* borrowed: interned */
    Tok *name;                  /* borrowed: the name token, or NULL */
    Tok *at;                    /* borrowed: where the declarator starts */
} Decl;

static int parse_declarator(P *p, const tdmF_Type *base, int mode, Decl *d);
static int trailing_attrs(P *p, const Specs *s, Attrs *a);
static int apply_type_attrs(P *p, Decl *d, const Attrs *a);

/* Is t (a declarator's type over specifier type base) reached through a
   pointer? `const int *p` is not a const object, `const int a[3]` is. */
static int through_ptr(const tdmF_Type *t, const tdmF_Type *base)
{
    while (t->kind == TDMF_ARRAY) {
        t = t->base;
    }
    return t != base;
}

/* Parameters after '(' up to and including ')'. fname: the name of the
   function declared (`int f(...)`), or NULL (a function type in a pointer,
   a parameter, a field, a type name), for messages as cffi words them. */
static int parse_params(P *p, const tdmF_Type *ret, const Tok *fname, const tdmF_Type **out)
{
    const tdmF_Type **params = NULL;
    int n = 0, cap = 0, variadic = 0, st = TDM_OK;
    char b[64];
    if (is_word(cur(p), "void") && is_punct(peekn(p, 1), ')')) {
        p->pos += 2;
    } else if (!accept(p, ')')) {
        for (;;) {
            Specs s;
            Decl d;
            if (is_punct(cur(p), P_ELLIPSIS) && n == 0) {
                st = tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "%.*s: a function with only "
                                 "'(...)' as argument is not correct C",
                                 fname ? fname->len : 13, fname ? fname->p : "in expression");
                goto done;
            }
            if (cur(p)->kind == K_IDENT && !tdmF_cp_starts_type(p, cur(p)) &&
                (is_punct(peekn(p, 1), ',') || is_punct(peekn(p, 1), ')'))) {
                /* int f(x): a K&R parameter list, or an unknown type */
                st = tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "%.*s arg %d: unknown type '%.*s' "
                                 "(if you meant to use the old C syntax of giving untyped "
                                 "arguments, it is not supported)",
                                 fname ? fname->len : 13, fname ? fname->p : "in expression",
                                 n + 1, cur(p)->len, cur(p)->p);
                goto done;
            }
            if (accept(p, P_ELLIPSIS)) {
                variadic = 1;
                if ((st = tdmF_cp_expect(p, ')', "after '...'")) != TDM_OK) {
                    goto done;
                }
                break;
            }
            if ((st = parse_specs(p, &s, 0)) != TDM_OK) {
                goto done;
            }
            p->param_decl = 1;
            st = parse_declarator(p, s.type, D_EITHER, &d);
            p->param_decl = 0;
            if (st == TDM_OK && (st = trailing_attrs(p, &s, &s.attrs)) == TDM_OK) {
                st = apply_type_attrs(p, &d, &s.attrs);     /* aligned: nothing for a call */
            }
            if (st != TDM_OK) {
                goto done;
            }
            if (d.type->kind == TDMF_VOID && n == 0 && d.name == NULL && is_punct(cur(p), ')')) {
                advance(p);     /* (void_t), a typedef of void: no parameters (C, cffi) */
                break;
            }
            if (d.type->kind == TDMF_VOID) {
                st = tdmF_cp_err(p, d.at, TDM_ERRSYNTAX, "parameter %d has type void", n + 1);
                goto done;
            }
            if (d.type->kind == TDMF_ARRAY && !(d.type->flags & TDMF_VECTOR)) {
                /* adjust to pointers (a vector is a value: it stays) */
                d.type = tdmF_ptr(p->R, d.type->base, p->err);
            } else if (d.type->kind == TDMF_FUNC) {
                d.type = tdmF_ptr(p->R, d.type, p->err);
            }
            if (d.type == NULL) {
                st = p->err->status;
                goto done;
            }
            if (n == cap) {
                const tdmF_Type **np;
                cap = cap ? cap * 2 : 8;
                np = realloc(params, (size_t)cap * sizeof *np);
                if (np == NULL) {
                    st = tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
                    goto done;
                }
                params = np;
            }
            params[n++] = d.type;
            if (accept(p, ')')) {
                break;
            }
            if (!accept(p, ',')) {
                st = tdmF_cp_serr(p, cur(p), "expected ',' or ')' in parameter list, "
                                  "got %s", tdmF_cp_tokdesc(cur(p), b, sizeof b));
                goto done;
            }
        }
    }
    if ((ret->kind == TDMF_ARRAY && !(ret->flags & TDMF_VECTOR)) || ret->kind == TDMF_FUNC) {
        st = tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "function cannot return %s",
                         ret->kind == TDMF_ARRAY ? "an array" : "a function");
        if (p->err != NULL) {
            p->err->kind = TDMF_EK_TYPE;    /* cffi: an invalid result type (TypeError) */
        }
        goto done;
    }
    *out = tdmF_func(p->R, ret, params, n, variadic, -1, p->err);
    if (*out == NULL) {
        st = p->err->status;
    }
done:
    free(params);
    return st;
}

/* A struct no object can have (tdmF_Type.invalid), or an array of them: it
   may still be named in declarations, as cffi allows; new refuses it. */
static int invalid_elem(const tdmF_Type *t)
{
    while (t->kind == TDMF_ARRAY) {
        t = t->base;
    }
    return t->invalid != NULL;
}

/* Array and function suffixes, applied so that the first one is outermost. */
static int parse_suffixes(P *p, const tdmF_Type *base, const tdmF_Type **out)
{
    Tok *at = cur(p);
    const Tok *fname = p->funcname;     /* only for the suffix right after the name */
    char nb[128];
    int st;
    p->funcname = NULL;
    if ((st = tdmF_cp_enter(p)) != TDM_OK) {
        return st;
    }
    if (accept(p, '[')) {
        int64_t len = -1;
        const tdmF_Type *elem;
        if (!accept(p, ']')) {
            if (accept(p, '?')) {
                len = -1;
            } else {
                Tok *et = cur(p);
                if ((st = tdmF_cp_expr(p, &len)) != TDM_OK) {
                    goto out;
                }
                if (len < 0) {
                    st = tdmF_cp_err(p, et, TDM_ERRSYNTAX, "array size is negative (%lld)",
                                     (long long)len);
                    if (p->err != NULL) {
                        p->err->kind = TDMF_EK_VALUE;   /* a well-formed but bad size */
                    }
                    goto out;
                }
            }
            if ((st = tdmF_cp_expect(p, ']', "to close the array size")) != TDM_OK) {
                goto out;
            }
        }
        if ((st = parse_suffixes(p, base, &elem)) != TDM_OK) {
            goto out;
        }
        if (elem->kind == TDMF_FUNC) {
            st = tdmF_cp_err(p, at, TDM_ERRSYNTAX, "array of functions is not allowed");
        } else if ((int)(at - p->toks) == p->incomplete_ok && len < 0 &&
                   (elem->kind == TDMF_STRUCT || elem->kind == TDMF_UNION)) {
            /* a parameter `struct b x[]` of a still incomplete struct: it is a
               pointer (parse_params adjusts it), which needs no element size */
            if ((*out = tdmF_array(p->R, elem, -1, p->err)) == NULL) {
                st = tdmF_cp_rerr(p, at);
            }
        } else if (!invalid_elem(elem) && tdmF_sized(elem, "array element", NULL) != TDM_OK) {
            st = tdmF_cp_err(p, at, TDM_ERRSYNTAX, "array has incomplete element type '%s'",
                             tdmF_typename(elem, nb, sizeof nb));
            if (p->err != NULL && elem->kind == TDMF_ARRAY) {
                p->err->kind = TDMF_EK_VALUE;           /* int[10][]: cffi's ValueError */
            }
        } else if ((*out = tdmF_array(p->R, elem, len, p->err)) == NULL) {
            st = tdmF_cp_rerr(p, at);
        }
    } else if (accept(p, '(')) {
        const tdmF_Type *ret;
        int save = p->pos, end;
        /* The result type is what follows the parameter list: skip it first. */
        int level = 1;
        while (level > 0 && cur(p)->kind != K_EOF) {
            level += is_punct(cur(p), '(') - is_punct(cur(p), ')');
            advance(p);
        }
        if ((st = parse_suffixes(p, base, &ret)) != TDM_OK) {
            goto out;
        }
        end = p->pos;
        p->pos = save;
        if ((st = parse_params(p, ret, fname, out)) != TDM_OK) {
            goto out;
        }
        p->pos = end;
    } else {
        *out = base;
    }
out:
    p->depth--;
    return st;
}

static int nested_declarator_follows(P *p)
{
    Tok *t = peekn(p, 1);
    if (!is_punct(cur(p), '(')) {
        return 0;
    }
    if (is_punct(t, '*') || is_punct(t, '(') || is_punct(t, '^') || is_punct(t, '[') ||
        is_callconv(t)) {
        return 1;           /* '[': int ([10])[5] is int[10][5] */
    }
    return t->kind == K_IDENT && !tdmF_cp_starts_type(p, t);
}

static int parse_declarator(P *p, const tdmF_Type *base, int mode, Decl *d)
{
    int st;
    char b[64];
    if ((st = tdmF_cp_enter(p)) != TDM_OK) {
        return st;
    }
    int top = p->top_decl;
    p->top_decl = 0;
    d->name = NULL;
    d->isconst = 0;
    d->at = cur(p);
    while (is_callconv(cur(p))) {
        advance(p);
    }
    while (accept(p, '*')) {
        if ((base = tdmF_ptr(p->R, base, p->err)) == NULL) {
            st = p->err->status;
            goto out;
        }
        d->isconst = 0;
        while (word_in(cur(p), ignored_words)) {
            d->isconst |= is_word(cur(p), "const") || is_word(cur(p), "__const");
            advance(p);
        }
    }
    if (nested_declarator_follows(p)) {
        int inner, level = 0, end;
        const tdmF_Type *t;
        advance(p);
        inner = p->pos;
        while (cur(p)->kind != K_EOF && !(level == 0 && is_punct(cur(p), ')'))) {
            level += is_punct(cur(p), '(') - is_punct(cur(p), ')');
            advance(p);
        }
        if ((st = tdmF_cp_expect(p, ')', "to close the declarator")) != TDM_OK ||
            (st = parse_suffixes(p, base, &t)) != TDM_OK) {
            goto out;
        }
        end = p->pos;
        p->pos = inner;
        if ((st = parse_declarator(p, t, mode, d)) != TDM_OK) {
            goto out;
        }
        if (!is_punct(cur(p), ')')) {
            st = tdmF_cp_serr(p, cur(p), "expected ')' in declarator, got %s",
                              tdmF_cp_tokdesc(cur(p), b, sizeof b));
            goto out;
        }
        p->pos = end;
        goto out;
    }
    /* A typedef name here is the declared name (it may be redeclared). */
    if (p->param_decl) {        /* this parameter's own suffix, not a nested one's */
        p->param_decl = 0;
        p->incomplete_ok = -1;
        if (cur(p)->kind == K_IDENT && !type_keyword(cur(p)) && is_punct(peekn(p, 1), '[')) {
            p->incomplete_ok = p->pos + 1;
        } else if (is_punct(cur(p), '[')) {
            p->incomplete_ok = p->pos;
        }
    }
    if (cur(p)->kind == K_IDENT && !type_keyword(cur(p)) &&
        !(mode == D_ABSTRACT && is_typedef_name(p, cur(p)))) {
        if (mode == D_ABSTRACT && !p->names_ok) {
            st = tdmF_cp_serr(p, cur(p), "unexpected name '%.*s' in a type",
                              cur(p)->len, cur(p)->p);
            goto out;
        }
        d->name = cur(p);
        advance(p);
        if (top) {
            p->funcname = d->name;      /* int f(...): f, in messages */
        }
    } else if (mode == D_NAMED) {
        st = tdmF_cp_serr(p, cur(p), "expected a name in declaration, got %s",
                          tdmF_cp_tokdesc(cur(p), b, sizeof b));
        goto out;
    }
    st = parse_suffixes(p, base, &d->type);
out:
    p->depth--;
    if (st == TDM_OK && d->type == NULL) {
        d->type = base;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* struct / union / enum                                                    */

static int same_fields(const tdmF_Type *a, const tdmF_Type *b);

static int same_type(const tdmF_Type *a, const tdmF_Type *b)
{
    if (a == b) {
        return 1;
    }
    /* Anonymous nested aggregates are new objects on every parse. */
    return a->kind == b->kind && (a->kind == TDMF_STRUCT || a->kind == TDMF_UNION) &&
           ((a->name == NULL && b->name == NULL) ||
            (a->tdname && b->tdname && strcmp(a->name, b->name) == 0)) &&
           same_fields(a, b);
}

static int same_fields(const tdmF_Type *a, const tdmF_Type *b)
{
    int i;
    if (a->nfields != b->nfields || a->size != b->size) {
        return 0;
    }
    for (i = 0; i < a->nfields; i++) {
        const tdmF_Field *x = &a->fields[i], *y = &b->fields[i];
        if ((x->name == NULL) != (y->name == NULL) ||
            (x->name && strcmp(x->name, y->name) != 0) || !same_type(x->type, y->type) ||
            x->isbit != y->isbit || x->bitwidth != y->bitwidth) {
            return 0;
        }
    }
    return 1;
}

static void describe_body(const tdmF_Type *t, char *buf, size_t n)
{
    size_t k = (size_t)snprintf(buf, n, "{ ");
    int i;
    for (i = 0; i < t->nfields && k < n; i++) {
        char tb[128];
        const tdmF_Field *f = &t->fields[i];
        tdmF_declname(f->type, f->name ? f->name : "", tb, sizeof tb);
        if (f->isbit) {
            k += (size_t)snprintf(buf + k, n - k, "%s: %d; ", tb, f->bitwidth);
        } else {
            k += (size_t)snprintf(buf + k, n - k, "%s; ", tb);
        }
    }
    if (k < n) {
        snprintf(buf + k, n - k, "}");
    }
}

static void free_fields(tdmF_Field *f, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        free(f[i].name);
    }
    free(f);
}

/* Fields after '{' up to and including '}'; lays out t. */
static int parse_declaration(P *p);

static void apply_pack(P *p, const Tok *t);

/* A field no object can have (a float bitfield, a too wide one): cffi takes
   the declaration and refuses the type at new/sizeof (TypeError); the first
   reason is kept in *why. */
static int defer_field(P *p, const Tok *at, char **why, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int defer_field(P *p, const Tok *at, char **why, const char *fmt, ...)
{
    char msg[256], full[300];
    va_list ap;
    if (*why != NULL) {
        return TDM_OK;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%d:%d: %s", at->line, at->col, msg);
    if ((*why = strdup(full)) == NULL) {
        return tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
    }
    return TDM_OK;
}

/* Attributes after a declarator (`int x __attribute__((mode(HI)));`) into a,
   on top of the specifiers' ones. */
static int trailing_attrs(P *p, const Specs *s, Attrs *a)
{
    *a = s->attrs;
    while (is_attribute(cur(p))) {
        if (parse_attribute(p, NULL, a) != TDM_OK) {
            return p->err->status;
        }
    }
    return TDM_OK;
}

/* mode and vector_size change the declared type itself (gcc: an integer of
   that width, keeping its signedness; a vector of that type). */
static int apply_type_attrs(P *p, Decl *d, const Attrs *a)
{
    char nb[128];
    if (a->mode) {
        static const tdmF_BaseId ids[2][4] = {
            {TDMF_T_UINT8, TDMF_T_UINT16, TDMF_T_UINT32, TDMF_T_UINT64},
            {TDMF_T_INT8, TDMF_T_INT16, TDMF_T_INT32, TDMF_T_INT64}
        };
        const tdmF_Type *st = d->type->kind == TDMF_ENUM ? d->type->base : d->type;
        if (st->kind != TDMF_INT || (st->flags & (TDMF_BOOL | TDMF_UNICHAR))) {
            return tdmF_cp_err(p, a->at_mode, TDM_ERRSYNTAX, "mode applies to an integer type, "
                               "not '%s'", tdmF_typename(d->type, nb, sizeof nb));
        }
        d->type = tdmF_base(p->R, ids[(st->flags & TDMF_SIGNED) != 0]
                                     [a->mode == 1 ? 0 : a->mode == 2 ? 1 : a->mode == 4 ? 2 : 3]);
    }
    if (a->vsize) {
        const tdmF_Type *v = tdmF_vector(p->R, d->type, a->vsize, p->err);
        if (v == NULL) {
            return tdmF_cp_rerr(p, a->at_vsize);
        }
        d->type = v;
    }
    return TDM_OK;
}

static int parse_fields(P *p, tdmF_Type *t, int packed)
{
    tdmF_Field *fields = NULL;
    int n = 0, cap = 0, st = TDM_OK;
    char nb[128], *why = NULL;
    t->pack = (uint16_t)(packed ? 1 : p->pack);
    /* set both ways: in `struct t { struct t {...} y; }` the inner body is
       parsed into the same t (refused as a nested redefinition afterwards),
       and a packed outer body must not leave the flag without its pack */
    if (packed) {
        t->flags |= TDMF_PACKATTR;  /* aligned(n) members keep n (gcc) */
    } else {
        t->flags &= ~TDMF_PACKATTR;
    }
    while (!accept(p, '}')) {
        Specs s;
        if (cur(p)->kind == K_PACK) {       /* takes effect for the next struct */
            apply_pack(p, cur(p));
            advance(p);
            continue;
        }
        if (cur(p)->kind == K_EOF) {
            st = tdmF_cp_serr(p, cur(p), "expected '}' to close '%s'",
                              tdmF_typename(t, nb, sizeof nb));
            goto fail;
        }
        if (is_word(cur(p), "static")) {
            /* static const int K = 5; inside a struct (C++, LuaJIT): a constant
               (global here, where LuaJIT scopes it to the struct) */
            if ((st = parse_declaration(p)) != TDM_OK) {
                goto fail;
            }
            continue;
        }
        if ((st = parse_specs(p, &s, 0)) != TDM_OK) {
            goto fail;
        }
        if (s.type->kind == TDMF_ENUM && accept(p, ';')) {
            continue;       /* enum { A, B }; inside a struct: only its constants */
        }
        for (;;) {
            Decl d;
            tdmF_Field *f;
            Attrs fa;
            int64_t width = -1;
            d.type = s.type;
            d.name = NULL;
            d.isconst = 0;
            d.at = cur(p);
            if (is_punct(cur(p), ';') && (s.type->kind == TDMF_STRUCT ||
                                          s.type->kind == TDMF_UNION)) {
                /* anonymous member */
            } else if (!is_punct(cur(p), ':') &&
                       (st = parse_declarator(p, s.type, D_NAMED, &d)) != TDM_OK) {
                goto fail;
            }
            if ((st = trailing_attrs(p, &s, &fa)) != TDM_OK ||
                (st = apply_type_attrs(p, &d, &fa)) != TDM_OK) {
                goto fail;
            }
            if (accept(p, ':')) {
                Tok *wt = cur(p);
                const tdmF_Type *bt = tdmF_scalar(d.type);
                if ((st = tdmF_cp_expr(p, &width)) != TDM_OK) {
                    goto fail;
                }
                if (width < 0) {
                    st = tdmF_cp_err(p, wt, TDM_ERRSYNTAX, "bitfield width %lld is negative",
                                     (long long)width);
                    goto fail;
                }
                int bad = 1;
                if (bt->kind != TDMF_INT) {
                    st = defer_field(p, d.at, &why, "bitfield has non-integer type '%s'",
                                     tdmF_typename(d.type, nb, sizeof nb));
                } else if (width > (int64_t)(bt->size * 8) ||
                           ((bt->flags & TDMF_BOOL) && width > 1)) {
                    st = defer_field(p, wt, &why, "bitfield width %lld out of range for '%s'",
                                     (long long)width, tdmF_typename(d.type, nb, sizeof nb));
                } else if (width == 0 && d.name) {
                    st = defer_field(p, wt, &why, "named bitfield '%.*s' has zero width",
                                     d.name->len, d.name->p);
                } else if (t->pack) {
                    st = tdmF_cp_err(p, d.at, TDM_ERRSYNTAX, "bitfields in a packed struct are "
                                     "not supported");
                } else {
                    bad = 0;
                }
                if (st == TDM_OK && is_attribute(cur(p))) {
                    Attrs after = fa;       /* int x : 3 __attribute__((aligned(8))) */
                    if ((st = trailing_attrs(p, &s, &after)) == TDM_OK) {
                        fa.align = after.align > fa.align ? after.align : fa.align;
                        fa.at_align = after.at_align ? after.at_align : fa.at_align;
                    }
                }
                if (st != TDM_OK) {
                    goto fail;
                }
                if (bad) {
                    if (!accept(p, ',')) {      /* refused at new: not laid out */
                        break;
                    }
                    continue;
                }
            } else if (d.type->kind == TDMF_VOID || d.type->kind == TDMF_FUNC) {
                st = tdmF_cp_err(p, d.at, TDM_ERRSYNTAX, "field '%.*s' declared as %s",
                                 d.name ? d.name->len : 1, d.name ? d.name->p : "?",
                                 d.type->kind == TDMF_VOID ? "void" : "a function");
                goto fail;
            }
            if (n == cap) {
                tdmF_Field *nf;
                cap = cap ? cap * 2 : 8;
                nf = realloc(fields, (size_t)cap * sizeof *nf);
                if (nf == NULL) {
                    st = tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
                    goto fail;
                }
                fields = nf;
            }
            f = &fields[n++];
            memset(f, 0, sizeof *f);
            f->type = d.type->kind == TDMF_ENUM && width >= 0 ? d.type->base : d.type;
            f->line = d.at->line;
            f->col = d.at->col;
            f->isbit = width >= 0;
            f->bitwidth = (uint8_t)(width >= 0 ? width : 0);
            f->isconst = (uint8_t)(d.isconst || (s.isconst && !through_ptr(d.type, s.type)));
            f->align = (uint16_t)fa.align;
            if (d.name && (f->name = strndup(d.name->p, (size_t)d.name->len)) == NULL) {
                st = tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
                goto fail;
            }
            if (!accept(p, ',')) {
                break;
            }
        }
        if ((st = tdmF_cp_expect(p, ';', "after a field declaration")) != TDM_OK) {
            goto fail;
        }
    }
    if ((st = tdmF_complete(p->R, t, fields, n, p->err)) != TDM_OK) {
        /* a field's message starts with its "line:col: ": recorded as a position */
        Tok at = {0};
        int k = 0;
        if (p->err != NULL && sscanf(p->err->msg, "%d:%d: %n", &at.line, &at.col, &k) == 2 &&
            k > 0) {
            char m[TDMF_ERRMAX];
            int kind = p->err->kind;
            snprintf(m, sizeof m, "%s", p->err->msg + k);
            tdmF_cp_err(p, &at, st, "%s", m);
            p->err->kind = kind;
        } else {
            tdmF_err_prefix(p->err, "%s: ", p->what);
        }
        goto fail;
    }
    if (why != NULL && t->invalid == NULL) {
        t->invalid = why;
        tdmF_variants_sync(p->R, t);
    } else {
        free(why);
    }
    return TDM_OK;
fail:
    free(why);
    free_fields(fields, n);
    return st;
}

static int parse_enum_body(P *p, tdmF_Type *t)
{
    int64_t v = 0, lo = 0, hi = 0;
    int count = 0, st, first = p->n, partial = 0;
    char name[256];
    const tdmF_Type *ct = tdmF_base(p->R, TDMF_T_INT);
    while (!accept(p, '}')) {
        Tok *nt = cur(p);
        if (is_punct(nt, P_ELLIPSIS) && count > 0) {
            /* enum e { A, B, ... }: more enumerators and values only the
               compiler knows (cffi's API mode); ABI mode knows none of them */
            advance(p);
            partial = 1;
            if ((st = tdmF_cp_expect(p, '}', "after '...' in an enum")) != TDM_OK) {
                return st;
            }
            break;
        }
        first = count == 0 ? p->pos : first;
        if (nt->kind != K_IDENT) {
            char b[64];
            return tdmF_cp_serr(p, nt, "expected an enumerator name, got %s",
                                tdmF_cp_tokdesc(nt, b, sizeof b));
        }
        tdmF_cp_tokname(nt, name, sizeof name);
        advance(p);
        if (accept(p, '=') && (st = tdmF_cp_expr(p, &v)) != TDM_OK) {
            return st;
        }
        if (tdmF_define(p->R, name, TDMF_N_CONST, ct, v, p->err) != TDM_OK) {
            return tdmF_cp_rerr(p, nt);
        }
        tdmF_name_set_owner(p->R, name, t);
        lo = count == 0 || v < lo ? v : lo;
        hi = count == 0 || v > hi ? v : hi;
        count++;
        v = (int64_t)((uint64_t)v + 1);
        if (!accept(p, ',')) {
            if ((st = tdmF_cp_expect(p, '}', "after the enumerators")) != TDM_OK) {
                return st;
            }
            break;
        }
    }
    if (count == 0) {
        return tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "empty enum");
    }
    for (int i = first; partial && i < p->pos; i++) {
        Tok *et = &p->toks[i];
        if (et->kind == K_IDENT && (i == first || is_punct(&p->toks[i - 1], ','))) {
            tdmF_cp_tokname(et, name, sizeof name);
            tdmF_name_set_flags(p->R, name, TDMF_NF_NOVALUE);
        }
    }
    if (lo >= 0) {
        t->base = tdmF_base(p->R, hi <= (int64_t)UINT32_MAX ? TDMF_T_UINT : TDMF_T_ULONG);
    } else {
        t->base = tdmF_base(p->R, lo >= INT32_MIN && hi <= INT32_MAX ? TDMF_T_INT : TDMF_T_LONG);
    }
    t->size = t->align = t->base->size;
    t->flags |= TDMF_COMPLETE;
    return TDM_OK;
}

/* Does the __attribute__((...)) at token i name `packed` (or __packed__)? */
static int attr_has_packed(P *p, int i)
{
    int level = 0;
    for (i++; i < p->n; i++) {
        Tok *t = &p->toks[i];
        level += is_punct(t, '(') - is_punct(t, ')');
        if (level <= 0) {
            return 0;
        }
        if (level == 2 && (is_word(t, "packed") || is_word(t, "__packed__"))) {
            return 1;
        }
    }
    return 0;
}

static int parse_tagged(P *p, const tdmF_Type **out)
{
    Tok *kw = cur(p), *tagtok = NULL;
    int kind = is_word(kw, "struct") ? TDMF_STRUCT : is_word(kw, "union") ? TDMF_UNION : TDMF_ENUM;
    char tag[256], nb[128], b1[512], b2[512];
    tdmF_Type *t, *old = NULL;
    int st, packed = 0;
    Attrs pre;
    memset(&pre, 0, sizeof pre);
    advance(p);
    while (is_attribute(cur(p))) {      /* struct __attribute__((packed)) tag { ... } */
        if ((st = parse_attribute(p, kind == TDMF_ENUM ? NULL : &packed,
                                  kind == TDMF_ENUM ? NULL : &pre)) != TDM_OK) {
            return st;
        }
    }
    if (pre.mode || pre.vsize) {
        return tdmF_cp_err(p, pre.mode ? pre.at_mode : pre.at_vsize, TDM_ERRSYNTAX,
                           "%s applies to an integer or floating type, not to a struct or "
                           "union", pre.mode ? "mode" : "vector_size");
    }
    if (cur(p)->kind == K_IDENT) {
        tagtok = cur(p);
        if (tagtok->len >= (int)sizeof tag) {
            return tdmF_cp_err(p, tagtok, TDM_ERRSYNTAX, "tag name too long");
        }
        tdmF_cp_tokname(tagtok, tag, sizeof tag);
        advance(p);
        old = tdmF_tag_lookup(p->R, kind, tag);
        if (old == NULL && (p->flags & TDMF_CDEF_ONE_TAG_KIND)) {  /* one tag, one kind */
            static const int kinds[] = {TDMF_STRUCT, TDMF_UNION, TDMF_ENUM};
            static const char *const words[] = {"struct", "union", "enum"};
            for (int i = 0; i < 3; i++) {
                if (kinds[i] != kind && tdmF_tag_lookup(p->R, kinds[i], tag) != NULL) {
                    return tdmF_cp_err(p, tagtok, TDM_ERRSYNTAX, "'%s' redeclared as a "
                                       "different kind of tag (previously %s %s)", tag,
                                       words[i], tag);
                }
            }
        }
    }
    if (pre.align && !is_punct(cur(p), '{')) {
        return tdmF_cp_err(p, pre.at_align, TDM_ERRSYNTAX, "__attribute__((aligned)) on a "
                           "struct or union goes with its body");
    }
    if (!accept(p, '{')) {
        if (tagtok == NULL) {
            char b[64];
            return tdmF_cp_serr(p, cur(p), "expected a tag name or '{' after '%.*s', "
                                "got %s", kw->len, kw->p, tdmF_cp_tokdesc(cur(p), b, sizeof b));
        }
        if (old == NULL) {      /* forward declaration */
            if ((old = tdmF_aggregate(p->R, kind, tag, p->err)) == NULL ||
                tdmF_tag_define(p->R, old, p->err) != TDM_OK) {
                return tdmF_cp_rerr(p, tagtok);
            }
        }
        *out = old;
        return TDM_OK;
    }
    if (kind == TDMF_ENUM && old && !(old->flags & TDMF_COMPLETE)) {
        /* as cffi: an enum's type depends on its values, so one already used
           (typedef enum e e_t;) cannot get them afterwards */
        return tdmF_seterrk(p->err, TDMF_EK_NOTIMPL, TDM_ERRSYNTAX, "enum %s: the '{}' "
                            "declaration should appear on the first time the enum is "
                            "mentioned, not later", tag);
    }
    if (kind != TDMF_ENUM) {    /* struct s { ... } __attribute__((packed)) */
        int level = 1, i = p->pos;
        for (; i < p->n && level > 0; i++) {
            level += is_punct(&p->toks[i], '{') - is_punct(&p->toks[i], '}');
        }
        if (i < p->n && is_attribute(&p->toks[i]) && attr_has_packed(p, i)) {
            packed = 1;
            p->packed_attr = i;
        }
    }
    if ((st = tdmF_cp_enter(p)) != TDM_OK) {
        return st;
    }
    if (old && !(old->flags & TDMF_COMPLETE)) {
        t = old;
    } else {
        t = tdmF_aggregate(p->R, kind, tagtok ? tag : NULL, p->err);
        if (t == NULL) {
            st = tdmF_cp_rerr(p, kw);
            goto out;
        }
        if (old == NULL && tagtok && tdmF_tag_define(p->R, t, p->err) != TDM_OK) {
            st = tdmF_cp_rerr(p, kw);
            goto out;
        }
    }
    t->decl_line = kw->line;
    t->decl_col = kw->col;
    st = kind == TDMF_ENUM ? parse_enum_body(p, t) : parse_fields(p, t, packed);
    if (st != TDM_OK) {
        goto out;
    }
    if (pre.align && (st = tdmF_align_aggregate(p->R, t, pre.align, p->err)) != TDM_OK) {
        st = tdmF_cp_rerr(p, pre.at_align);
        goto out;
    }
    if (kind != TDMF_ENUM) {
        p->body_end = p->pos;       /* an attribute right after '}' is the struct's */
        p->body_type = t;
    }
    if (old && old != t) {      /* a second definition: must be the same */
        int same = kind == TDMF_ENUM ? old->base == t->base : same_fields(old, t);
        if (!same) {
            if (kind == TDMF_ENUM) {
                snprintf(b1, sizeof b1, "{ ... }");
                snprintf(b2, sizeof b2, "{ ... }");
            } else {
                describe_body(t, b1, sizeof b1);
                describe_body(old, b2, sizeof b2);
            }
            st = tdmF_cp_err(p, kw, TDM_ERRSYNTAX, "redefinition of '%s' differs from the "
                             "previous definition: %s vs previous %s",
                             tdmF_typename(old, nb, sizeof nb), b1, b2);
            goto out;
        }
        t = old;
    }
    *out = t;
out:
    p->depth--;
    return st;
}

/* ------------------------------------------------------------------------ */
/* Declarations                                                             */

int tdmF_cp_type_name(P *p, const tdmF_Type **out)
{
    Specs s;
    Decl d;
    int st;
    if ((st = tdmF_cp_enter(p)) != TDM_OK) {
        return st;
    }
    if ((st = parse_specs(p, &s, 0)) == TDM_OK &&
        (st = parse_declarator(p, s.type, D_ABSTRACT, &d)) == TDM_OK &&
        (st = trailing_attrs(p, &s, &s.attrs)) == TDM_OK &&
        (st = apply_type_attrs(p, &d, &s.attrs)) == TDM_OK) {
        *out = d.type;      /* "float __attribute__((vector_size(16)))" */
        if (s.attrs.align &&
            (*out = tdmF_aligned_variant(p->R, d.type, s.attrs.align, p->err)) == NULL) {
            st = tdmF_cp_rerr(p, s.attrs.at_align);     /* "int __attribute__((aligned(8)))" */
        }
    }
    p->depth--;
    return st;
}

static int parse_define(P *p)
{
    Tok *nt;
    char name[256], b[64];
    int64_t v;
    int st;
    advance(p);
    nt = cur(p);
    if (nt->kind != K_IDENT || nt->len >= (int)sizeof name) {
        return tdmF_cp_serr(p, nt, "expected a macro name after #define, got %s",
                            tdmF_cp_tokdesc(nt, b, sizeof b));
    }
    tdmF_cp_tokname(nt, name, sizeof name);
    advance(p);
    if (is_punct(cur(p), '(') && cur(p)->p == nt->p + nt->len) {
        return tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "#define %s: function-like macros are not "
                           "supported", name);
    }
    if (cur(p)->kind == K_EOL) {
        return tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "#define %s: only integer constants are "
                           "supported (empty definition)", name);
    }
    if ((st = tdmF_cp_expr(p, &v)) != TDM_OK) {
        char msg[TDMF_ERRMAX];
        memcpy(msg, p->err->msg, sizeof msg);
        return tdmF_seterrk(p->err, p->err->kind, st,
                            "%s (#define %s: only integer constants are supported)", msg, name);
    }
    if (cur(p)->kind != K_EOL) {
        return tdmF_cp_serr(p, cur(p), "#define %s: unexpected %s after the "
                            "value (only integer constants are supported)", name,
                            tdmF_cp_tokdesc(cur(p), b, sizeof b));
    }
    advance(p);
    if (tdmF_define(p->R, name, TDMF_N_CONST, tdmF_base(p->R, TDMF_T_LONG), v, p->err) != TDM_OK) {
        return tdmF_cp_rerr(p, nt);
    }
    return TDM_OK;
}

/* An integer constant converted to its declared type, as C does. */
static int64_t narrow(const tdmF_Type *t, int64_t v)
{
    const tdmF_Type *st = tdmF_scalar(t);
    uint64_t u = (uint64_t)v, m;
    if (st->flags & TDMF_BOOL) {
        return v != 0;
    }
    if (st->size >= 8) {
        return v;
    }
    m = (UINT64_C(1) << (st->size * 8)) - 1;
    u &= m;
    if ((st->flags & TDMF_SIGNED) && (u >> (st->size * 8 - 1)) != 0) {
        u |= ~m;
    }
    return (int64_t)u;
}

static int declare(P *p, const Specs *s, const Decl *d, const char *sym)
{
    char name[256], nb[128];
    int64_t v;
    int st;
    if (d->name->len >= (int)sizeof name) {
        return tdmF_cp_err(p, d->name, TDM_ERRSYNTAX, "name too long");
    }
    tdmF_cp_tokname(d->name, name, sizeof name);
    if (s->storage == ST_TYPEDEF) {
        tdmF_Type *t = (tdmF_Type *)d->type;
        const tdmF_Name *old = tdmF_lookup(p->R, name);
        if (old && old->kind == TDMF_N_TYPEDEF && old->type != t && old->type->tdname &&
            t->name == NULL && old->type->kind == t->kind && old->type->align == t->align &&
            same_fields(old->type, t)) {
            return TDM_OK;      /* typedef struct { ... } name; again, identical */
        }
        if (t->variant_of != NULL) {
            /* typedef struct { ... } name __attribute__((aligned(8))): the struct is
               named by the typedef, the typedef is its variant */
            if ((t->kind == TDMF_STRUCT || t->kind == TDMF_UNION) && t->name == NULL &&
                t->variant_of->name == NULL) {
                if ((t->name = strdup(name)) == NULL) {
                    return tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
                }
                t->tdname = 1;
            }
            t = (tdmF_Type *)t->variant_of;
        }
        if ((t->kind == TDMF_STRUCT || t->kind == TDMF_UNION || t->kind == TDMF_ENUM) &&
            t->name == NULL) {          /* typedef struct { ... } name; */
            if ((t->name = strdup(name)) == NULL) {
                return tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
            }
            t->tdname = 1;
        }
        if (is_punct(cur(p), '=')) {
            return tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "typedef '%s' is initialized", name);
        }
        st = tdmF_define(p->R, name, TDMF_N_TYPEDEF, d->type, 0, p->err);
    } else if (d->type->kind == TDMF_FUNC) {
        if (is_punct(cur(p), '{')) {
            /* a definition, not a declaration (cffi's words) */
            return tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "unexpected <FuncDef>: this construct "
                               "is valid C but not valid in cdef()");
        }
        st = tdmF_define(p->R, name, TDMF_N_FUNC, d->type, 0, p->err);
        if (st == TDM_OK && sym[0] != '\0') {
            st = tdmF_set_symbol(p->R, name, sym, p->err);
        }
    } else if (sym[0] != '\0' && s->storage != ST_TYPEDEF) {
        if (d->type->kind == TDMF_VOID) {
            return tdmF_cp_err(p, d->name, TDM_ERRSYNTAX, "variable '%s' declared void", name);
        }
        st = tdmF_define(p->R, name, TDMF_N_VAR, d->type, 0, p->err);
        if (st == TDM_OK) {
            st = tdmF_set_symbol(p->R, name, sym, p->err);
        }
    } else if (is_punct(cur(p), '=') && s->storage == ST_STATIC && s->isconst &&
               d->type->kind == TDMF_FLOAT) {
        /* static const double K = 1.5; as cffi: declared, but its value is
           the compiler's (API mode); reading it in ABI mode is refused */
        int level = 0;
        for (advance(p); cur(p)->kind != K_EOF; advance(p)) {
            level += is_punct(cur(p), '(') - is_punct(cur(p), ')');
            if (level == 0 && (is_punct(cur(p), ',') || is_punct(cur(p), ';'))) {
                break;
            }
        }
        st = tdmF_define(p->R, name, TDMF_N_CONST, d->type, 0, p->err);
        if (st == TDM_OK) {
            tdmF_name_set_flags(p->R, name, TDMF_NF_NOVALUE);
        }
    } else if (is_punct(cur(p), '=')) {
        Tok *eq = cur(p);
        if (!tdmF_is_int(d->type)) {
            return tdmF_cp_err(p, eq, TDM_ERRSYNTAX, "'%s': only integer constants can be "
                               "initialized (type '%s')", name,
                               tdmF_typename(d->type, nb, sizeof nb));
        }
        advance(p);
        if ((st = tdmF_cp_expr(p, &v)) != TDM_OK) {
            return st;
        }
        v = narrow(d->type, v);     /* keeps its declared type: char K = 298 is 42 */
        st = tdmF_define(p->R, name, TDMF_N_CONST, d->type, v, p->err);
    } else if (s->storage == ST_STATIC && s->isconst && tdmF_is_int(d->type)) {
        return tdmF_cp_err(p, d->name, TDM_ERRSYNTAX, "static const '%s' needs a value "
                           "(static const int X = 5;)", name);
    } else if (s->storage == ST_STATIC) {
        return tdmF_cp_err(p, d->name, TDM_ERRSYNTAX, "static variable '%s' has no symbol to "
                           "look up (declare it extern, or static const with a value)", name);
    } else {
        if (d->type->kind == TDMF_VOID) {
            return tdmF_cp_err(p, d->name, TDM_ERRSYNTAX, "variable '%s' declared void", name);
        }
        st = tdmF_define(p->R, name, TDMF_N_VAR, d->type, 0, p->err);
    }
    return st == TDM_OK ? TDM_OK : tdmF_cp_rerr(p, d->name);
}

static int parse_declaration(P *p)
{
    Specs s;
    int st;
    char b[64];
    if ((st = parse_specs(p, &s, 1)) != TDM_OK) {
        return st;
    }
    if (accept(p, ';')) {
        return TDM_OK;
    }
    for (;;) {
        Decl d;
        char sym[256] = "";
        Attrs da = s.attrs;
        p->top_decl = 1;
        if ((st = parse_declarator(p, s.type, D_NAMED, &d)) != TDM_OK) {
            return st;
        }
        for (;;) {              /* GCC extras: asm("sym"), __attribute__((...)) */
            if (is_asm(cur(p))) {
                if (s.storage == ST_TYPEDEF) {
                    return tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "asm() on a typedef");
                }
                st = parse_asm(p, sym, sizeof sym);
            } else if (is_attribute(cur(p))) {
                st = parse_attribute(p, NULL, &da);
            } else {
                break;
            }
            if (st != TDM_OK) {
                return st;
            }
        }
        if ((st = apply_type_attrs(p, &d, &da)) != TDM_OK) {
            return st;
        }
        if (da.align && s.storage == ST_TYPEDEF) {
            /* typedef int a8 __attribute__((aligned(8))): a variant of the type
               (on a variable or a function it changes nothing ABI mode reads) */
            const tdmF_Type *v = tdmF_aligned_variant(p->R, d.type, da.align, p->err);
            if (v == NULL) {
                return tdmF_cp_rerr(p, da.at_align);
            }
            d.type = v;
        }
        if ((st = declare(p, &s, &d, sym)) != TDM_OK) {
            return st;
        }
        if (accept(p, ';')) {
            return TDM_OK;
        }
        if (!accept(p, ',')) {
            return tdmF_cp_serr(p, cur(p), "expected ';' or ',' after "
                                "declaration of '%.*s', got %s", d.name->len, d.name->p,
                                tdmF_cp_tokdesc(cur(p), b, sizeof b));
        }
    }
}

static void parser_init(P *p, tdmF_Registry *R, const char *what, tdmF_Err *err)
{
    memset(p, 0, sizeof *p);
    p->R = R;
    p->err = err;
    p->what = what;
    p->packed_attr = -1;
    p->incomplete_ok = -1;
}

/* #pragma pack(...) at t: as gcc, pack() and pack(pop) of an empty stack
   go back to the default (here: the pack the cdef started with). */
static void apply_pack(P *p, const Tok *t)
{
    switch (t->punct) {
    case PK_PUSH:
        if (p->npack < PACKSTACK) {
            p->packstack[p->npack] = p->pack;
        }
        p->npack++;
        if (t->num != 0) {
            p->pack = (int)t->num;
        }
        break;
    case PK_POP:
        if (p->npack > 0) {
            p->npack--;
            p->pack = p->npack < PACKSTACK ? p->packstack[p->npack] : p->pack;
        } else {
            p->pack = p->pack0;
        }
        break;
    default:
        p->pack = t->num != 0 ? (int)t->num : p->pack0;
        break;
    }
}

int tdmF_cdef(tdmF_Registry *R, const char *src, size_t len, tdmF_Err *err)
{
    return tdmF_cdef_params(R, src, len, NULL, 0, err);
}

static int cdef_full(tdmF_Registry *R, const char *src, size_t len, const tdmF_Param *params,
                     int nparams, int pack, int flags, tdmF_Err *err);

int tdmF_cdef_params(tdmF_Registry *R, const char *src, size_t len, const tdmF_Param *params,
                     int nparams, tdmF_Err *err)
{
    return cdef_full(R, src, len, params, nparams, 0, 0, err);
}

int tdmF_cdef_flags(tdmF_Registry *R, const char *src, size_t len, const tdmF_Param *params,
                    int nparams, int flags, tdmF_Err *err)
{
    return cdef_full(R, src, len, params, nparams, 0, flags, err);
}

int tdmF_cdef_pack(tdmF_Registry *R, const char *src, size_t len, int pack, tdmF_Err *err)
{
    if (pack < 0 || pack > 16 || (pack & (pack - 1)) != 0) {
        return tdmF_seterrk(err, TDMF_EK_VALUE, TDM_ERRARG, "cdef: pack=%d is not 1, 2, 4, 8 "
                            "or 16", pack);
    }
    return cdef_full(R, src, len, NULL, 0, pack, 0, err);
}

static int cdef_full(tdmF_Registry *R, const char *src, size_t len, const tdmF_Param *params,
                     int nparams, int pack, int flags, tdmF_Err *err)
{
    P p;
    int st;
    parser_init(&p, R, "cdef", err);
    p.flags = flags;
    p.params = params;
    p.nparams = nparams;
    p.pack = p.pack0 = pack;
    st = tdmF_cp_lex(&p, src, len);
    while (st == TDM_OK && cur(&p)->kind != K_EOF) {
        if (cur(&p)->kind == K_PACK) {
            apply_pack(&p, cur(&p));
            advance(&p);
        } else if (cur(&p)->kind == K_DEFINE) {
            st = parse_define(&p);
        } else if (cur(&p)->kind == K_EOL) {
            advance(&p);
        } else if (!accept(&p, ';')) {
            st = parse_declaration(&p);
        }
    }
    tdmF_cp_free(&p);
    if (st != TDM_OK && err != NULL &&
        (err->kind == TDMF_EK_OTHER || err->kind == TDMF_EK_TYPE)) {
        err->kind = TDMF_EK_DECL;   /* a declaration the registry refused is still a bad cdef */
    }
    return st;
}

static int parse_type_full(tdmF_Registry *R, const char *src, size_t len, const char *what,
                           const tdmF_Param *params, int nparams, int flags,
                           const tdmF_Type **out, tdmF_Err *err);

int tdmF_parse_type(tdmF_Registry *R, const char *src, size_t len, const char *what,
                    const tdmF_Type **out, tdmF_Err *err)
{
    return parse_type_full(R, src, len, what, NULL, 0, 0, out, err);
}

int tdmF_parse_type_params(tdmF_Registry *R, const char *src, size_t len, const char *what,
                           const tdmF_Param *params, int nparams, const tdmF_Type **out,
                           tdmF_Err *err)
{
    return parse_type_full(R, src, len, what, params, nparams, 0, out, err);
}

int tdmF_parse_type_ex(tdmF_Registry *R, const char *src, size_t len, const char *what,
                       int flags, const tdmF_Type **out, tdmF_Err *err)
{
    return parse_type_full(R, src, len, what, NULL, 0, flags, out, err);
}

static int parse_type_full(tdmF_Registry *R, const char *src, size_t len, const char *what,
                           const tdmF_Param *params, int nparams, int flags,
                           const tdmF_Type **out, tdmF_Err *err)
{
    P p;
    int st;
    char b[64];
    parser_init(&p, R, what, err);
    p.params = params;
    p.nparams = nparams;
    p.names_ok = (flags & TDMF_PT_NAMES) != 0;
    st = tdmF_cp_lex(&p, src, len);
    if (st == TDM_OK && cur(&p)->kind == K_DEFINE) {
        st = tdmF_cp_serr(&p, cur(&p), "expected a type, got '#define'");
    }
    if (st == TDM_OK) {
        st = tdmF_cp_type_name(&p, out);
    }
    if (st == TDM_OK && cur(&p)->kind != K_EOF) {
        st = tdmF_cp_serr(&p, cur(&p), "unexpected %s after the type",
                          tdmF_cp_tokdesc(cur(&p), b, sizeof b));
    }
    tdmF_cp_free(&p);
    return st;
}
