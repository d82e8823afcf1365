/*
 * cparse.c — tokenizer, declarations, declarators, constant expressions.
 *
 * The whole text is tokenized first (an array allows the look-ahead that
 * nested declarators need), then parsed by recursive descent with a depth
 * limit so that hostile input ends in an error, never a stack overflow.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "cparse.h"

#define MAXDEPTH 160

enum {
    K_EOF = 0, K_IDENT, K_NUM, K_PUNCT, K_DEFINE, K_EOL
};
enum {                          /* multi-character punctuators */
    P_ELLIPSIS = 256, P_SHL, P_SHR, P_LE, P_GE, P_EQ, P_NE, P_AND, P_OR
};

typedef struct Tok {
    int kind;
    int punct;                  /* K_PUNCT: the character or P_* */
    const char *p;              /* borrowed: into the source text */
    int len;
    int line, col;
    uint64_t num;               /* K_NUM */
} Tok;

typedef struct P {
    tdmF_Registry *R;           /* borrowed */
    tdmF_Err *err;              /* borrowed: the caller's record */
    const char *what;           /* message prefix */
    Tok *toks;                  /* owns: freed at the end of the parse */
    int n, cap, pos;
    int depth;
} P;

static int perr(P *p, const Tok *t, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int perr(P *p, const Tok *t, int status, const char *fmt, ...)
{
    char msg[TDMF_ERRMAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tdmF_seterr(p->err, status, "%s: %d:%d: %s", p->what, t->line, t->col, msg);
}

/* Re-prefix a message produced by the registry with what and position. */
static int rerr(P *p, const Tok *t)
{
    char msg[TDMF_ERRMAX];
    memcpy(msg, p->err->msg, sizeof msg);
    return perr(p, t, p->err->status, "%s", msg);
}

/* ------------------------------------------------------------------------ */
/* Tokenizer                                                                */

static Tok *push(P *p, int kind, const char *s, int len, int line, int col)
{
    Tok *t;
    if (p->n == p->cap) {
        int ncap = p->cap ? p->cap * 2 : 128;
        Tok *nt = realloc(p->toks, (size_t)ncap * sizeof *nt);
        if (nt == NULL) {
            return NULL;
        }
        p->toks = nt;
        p->cap = ncap;
    }
    t = &p->toks[p->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->p = s;
    t->len = len;
    t->line = line;
    t->col = col;
    return t;
}

static int is_id(int c, int first)
{
    return c == '_' || c == '$' || isalpha(c) || (!first && isdigit(c));
}

/* An integer literal at s (decimal, 0x, 0b, octal; suffixes u/l). */
static int lex_number(P *p, const char *s, const char *end, Tok *t)
{
    const char *q = s;
    uint64_t v = 0;
    unsigned base = 10;
    if (q + 1 < end && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
        base = 16;
        q += 2;
    } else if (q + 1 < end && q[0] == '0' && (q[1] == 'b' || q[1] == 'B')) {
        base = 2;
        q += 2;
    } else if (q[0] == '0') {
        base = 8;
    }
    for (; q < end && isxdigit((unsigned char)*q); q++) {
        unsigned d = isdigit((unsigned char)*q) ? (unsigned)(*q - '0')
                                                : (unsigned)(tolower((unsigned char)*q) - 'a' + 10);
        if (d >= base) {
            return perr(p, t, TDM_ERRSYNTAX, "invalid digit '%c' in integer constant", *q);
        }
        if (v > (UINT64_MAX - d) / base) {
            return perr(p, t, TDM_ERRSYNTAX, "integer constant too large");
        }
        v = v * base + d;
    }
    while (q < end && (*q == 'u' || *q == 'U' || *q == 'l' || *q == 'L')) {
        q++;
    }
    if (q < end && (*q == '.' || *q == 'e' || *q == 'E' || is_id((unsigned char)*q, 0))) {
        return perr(p, t, TDM_ERRSYNTAX,
                    "only integer constants are supported (floating or malformed number)");
    }
    t->num = v;
    t->len = (int)(q - s);
    return TDM_OK;
}

static int lex_char(P *p, const char *s, const char *end, Tok *t)
{
    const char *q = s + 1;
    uint64_t v;
    if (q >= end) {
        return perr(p, t, TDM_ERRSYNTAX, "unterminated character constant");
    }
    if (*q == '\\') {
        q++;
        if (q >= end) {
            return perr(p, t, TDM_ERRSYNTAX, "unterminated character constant");
        }
        switch (*q) {
        case 'n': v = '\n'; q++; break;
        case 't': v = '\t'; q++; break;
        case 'r': v = '\r'; q++; break;
        case '0': v = 0; q++; break;
        case '\\': case '\'': case '"': v = (unsigned char)*q++; break;
        case 'x':
            v = 0;
            for (q++; q < end && isxdigit((unsigned char)*q); q++) {
                v = (v * 16 + (uint64_t)(isdigit((unsigned char)*q) ? *q - '0'
                                         : tolower((unsigned char)*q) - 'a' + 10)) & 0xff;
            }
            break;
        default:
            return perr(p, t, TDM_ERRSYNTAX, "unknown escape sequence in character constant");
        }
    } else {
        v = (unsigned char)*q++;
    }
    if (q >= end || *q != '\'') {
        return perr(p, t, TDM_ERRSYNTAX, "unterminated character constant");
    }
    t->num = (uint64_t)(int64_t)(signed char)v;  /* char is signed */
    t->len = (int)(q + 1 - s);
    return TDM_OK;
}

static int lex(P *p, const char *src, size_t len)
{
    const char *s = src, *end = src + len, *linestart = src;
    int line = 1, indirective = 0, bol = 1;
    static const struct { const char *s; int code; } multi[] = {
        {"...", P_ELLIPSIS}, {"<<", P_SHL}, {">>", P_SHR}, {"<=", P_LE}, {">=", P_GE},
        {"==", P_EQ}, {"!=", P_NE}, {"&&", P_AND}, {"||", P_OR}
    };
    while (s < end) {
        int c = (unsigned char)*s, col = (int)(s - linestart) + 1, k;
        Tok *t;
        if (c == '\n') {
            if (indirective && push(p, K_EOL, s, 0, line, col) == NULL) {
                goto nomem;
            }
            indirective = 0;
            bol = 1;
            line++;
            linestart = ++s;
            continue;
        }
        if (c == '\\' && s + 1 < end && s[1] == '\n') {   /* line splice */
            line++;
            s += 2;
            linestart = s;
            continue;
        }
        if (isspace(c)) {
            s++;
            continue;
        }
        if (c == '/' && s + 1 < end && s[1] == '/') {
            while (s < end && *s != '\n') {
                s++;
            }
            continue;
        }
        if (c == '/' && s + 1 < end && s[1] == '*') {
            Tok at = {0};
            at.line = line;
            at.col = col;
            for (s += 2; s + 1 < end && !(s[0] == '*' && s[1] == '/'); s++) {
                if (*s == '\n') {
                    line++;
                    linestart = s + 1;
                }
            }
            if (s + 1 >= end) {
                return perr(p, &at, TDM_ERRSYNTAX, "unterminated comment");
            }
            s += 2;
            continue;
        }
        if (c == '#' && bol) {
            const char *q = s + 1, *w;
            Tok at = {0};
            at.line = line;
            at.col = col;
            while (q < end && (*q == ' ' || *q == '\t')) {
                q++;
            }
            for (w = q; q < end && is_id((unsigned char)*q, 0); q++) {
            }
            if (q - w == 6 && memcmp(w, "define", 6) == 0) {
                if (push(p, K_DEFINE, s, (int)(q - s), line, col) == NULL) {
                    goto nomem;
                }
                indirective = 1;
                bol = 0;
                s = q;
                continue;
            }
            return perr(p, &at, TDM_ERRSYNTAX, "unsupported preprocessor directive '#%.*s' "
                        "(only #define NAME <integer> is supported)", (int)(q - w), w);
        }
        bol = 0;
        t = push(p, K_PUNCT, s, 1, line, col);
        if (t == NULL) {
            goto nomem;
        }
        if (is_id(c, 1)) {
            const char *q = s;
            while (q < end && is_id((unsigned char)*q, 0)) {
                q++;
            }
            t->kind = K_IDENT;
            t->len = (int)(q - s);
            s = q;
            continue;
        }
        if (isdigit(c)) {
            t->kind = K_NUM;
            if (lex_number(p, s, end, t) != TDM_OK) {
                return p->err->status;
            }
            s += t->len;
            continue;
        }
        if (c == '\'') {
            t->kind = K_NUM;
            if (lex_char(p, s, end, t) != TDM_OK) {
                return p->err->status;
            }
            s += t->len;
            continue;
        }
        for (k = 0; k < (int)(sizeof multi / sizeof multi[0]); k++) {
            size_t ml = strlen(multi[k].s);
            if ((size_t)(end - s) >= ml && memcmp(s, multi[k].s, ml) == 0) {
                t->punct = multi[k].code;
                t->len = (int)ml;
                break;
            }
        }
        if (t->punct == 0) {
            if (strchr("{}()[];,*=:?<>+-/%&|^~!.", c) == NULL || c == 0) {
                return perr(p, t, TDM_ERRSYNTAX, "unexpected character '%c'",
                            isprint(c) ? c : '?');
            }
            t->punct = c;
        }
        s += t->len;
    }
    if (indirective && push(p, K_EOL, s, 0, line, (int)(s - linestart) + 1) == NULL) {
        goto nomem;
    }
    if (push(p, K_EOF, s, 0, line, (int)(s - linestart) + 1) == NULL) {
        goto nomem;
    }
    return TDM_OK;
nomem:
    return tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
}

/* ------------------------------------------------------------------------ */
/* Token helpers                                                            */

static Tok *cur(P *p) { return &p->toks[p->pos]; }

static Tok *peekn(P *p, int k)
{
    int i = p->pos + k;
    return &p->toks[i < p->n ? i : p->n - 1];
}

static int is_punct(const Tok *t, int c) { return t->kind == K_PUNCT && t->punct == c; }

static int is_word(const Tok *t, const char *w)
{
    return t->kind == K_IDENT && (size_t)t->len == strlen(w) && memcmp(t->p, w, (size_t)t->len) == 0;
}

static void advance(P *p)
{
    if (p->toks[p->pos].kind != K_EOF) {
        p->pos++;
    }
}

static int accept(P *p, int c)
{
    if (is_punct(cur(p), c)) {
        advance(p);
        return 1;
    }
    return 0;
}

static const char *tokdesc(const Tok *t, char *buf, size_t n)
{
    if (t->kind == K_EOF) {
        snprintf(buf, n, "end of input");
    } else if (t->kind == K_EOL) {
        snprintf(buf, n, "end of line");
    } else {
        snprintf(buf, n, "'%.*s'", t->len > 40 ? 40 : t->len, t->p);
    }
    return buf;
}

static int expect(P *p, int c, const char *context)
{
    char b[64];
    if (accept(p, c)) {
        return TDM_OK;
    }
    return perr(p, cur(p), TDM_ERRSYNTAX, "expected '%c' %s, got %s", c, context,
                tokdesc(cur(p), b, sizeof b));
}

static void tokname(const Tok *t, char *buf, size_t n)
{
    snprintf(buf, n, "%.*s", t->len, t->p);
}

static int enter(P *p)
{
    if (++p->depth > MAXDEPTH) {
        return perr(p, cur(p), TDM_ERRSYNTAX, "declaration nested too deeply");
    }
    return TDM_OK;
}

/* ------------------------------------------------------------------------ */
/* Declaration specifiers                                                   */

enum { ST_NONE = 0, ST_TYPEDEF, ST_EXTERN, ST_STATIC };

typedef struct Specs {
    const tdmF_Type *type;      /* borrowed: interned */
    int storage;
    int isconst;
    Tok *at;                    /* borrowed: first token */
} Specs;

static const char *const ignored_words[] = {
    "const", "volatile", "restrict", "__restrict", "__restrict__", "__const",
    "__volatile", "__volatile__", "register", "__extension__", "inline",
    "__inline", "__inline__", NULL
};

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
    tokname(t, name, sizeof name);
    n = tdmF_lookup(p->R, name);
    return n && n->kind == TDMF_N_TYPEDEF;
}

static const char *const basic_words[] = {
    "signed", "__signed", "__signed__", "unsigned", "short", "long", "int", "char",
    "void", "float", "double", "_Bool", "bool", NULL
};

/* Is t a keyword that belongs to a type? */
static int type_keyword(const Tok *t)
{
    return word_in(t, basic_words) || word_in(t, ignored_words) || is_word(t, "struct") ||
           is_word(t, "union") || is_word(t, "enum");
}

/* Can a type name start at t? */
static int starts_type(P *p, const Tok *t)
{
    return type_keyword(t) || is_typedef_name(p, t);
}

static int parse_tagged(P *p, const tdmF_Type **out);
static int parse_expr(P *p, int64_t *v);
static int parse_type_name(P *p, const tdmF_Type **out);

typedef struct Words {
    int nsigned, nunsigned, nshort, nlong, nint, nchar, nvoid, nfloat, ndouble, nbool;
} Words;

static int resolve_basic(P *p, const Words *w, const Tok *at, const tdmF_Type **out)
{
    int sign = w->nsigned + w->nunsigned, id = -1;
    int others = w->nvoid + w->nfloat + w->ndouble + w->nbool + w->nchar;
    if (w->nsigned > 1 || w->nunsigned > 1 || (w->nsigned && w->nunsigned) || w->nint > 1 ||
        w->nshort > 1 || w->nlong > 2 || (w->nshort && w->nlong) || others > 1 ||
        (others && (w->nshort || w->nint)) || (others && !w->nchar && sign) ||
        (w->nlong && others && !w->ndouble)) {
        return perr(p, at, TDM_ERRSYNTAX, "invalid combination of type specifiers");
    }
    if (w->ndouble && w->nlong) {
        return perr(p, at, TDM_ERRSYNTAX, "'long double' is not supported");
    }
    if (w->nvoid) {
        id = TDMF_T_VOID;
    } else if (w->nbool) {
        id = TDMF_T_BOOL;
    } else if (w->nfloat) {
        id = TDMF_T_FLOAT;
    } else if (w->ndouble) {
        id = TDMF_T_DOUBLE;
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
        if (t->kind != K_IDENT) {
            break;
        }
        if (word_in(t, ignored_words)) {
            s->isconst |= is_word(t, "const") || is_word(t, "__const");
        } else if (is_word(t, "typedef") || is_word(t, "extern") || is_word(t, "static")) {
            if (!allow_storage) {
                return perr(p, t, TDM_ERRSYNTAX, "storage class '%.*s' not allowed here",
                            t->len, t->p);
            }
            if (s->storage) {
                return perr(p, t, TDM_ERRSYNTAX, "more than one storage class");
            }
            s->storage = is_word(t, "typedef") ? ST_TYPEDEF
                         : is_word(t, "extern") ? ST_EXTERN : ST_STATIC;
        } else if (word_in(t, basic_words)) {
            if (s->type) {
                return perr(p, t, TDM_ERRSYNTAX, "'%.*s' cannot be combined with a "
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
            w.nbool += is_word(t, "_Bool") || is_word(t, "bool");
        } else if (is_word(t, "struct") || is_word(t, "union") || is_word(t, "enum")) {
            if (s->type || nbasic) {
                return perr(p, t, TDM_ERRSYNTAX, "two types in one declaration");
            }
            if (parse_tagged(p, &s->type) != TDM_OK) {
                return p->err->status;
            }
            continue;   /* parse_tagged advanced */
        } else if (is_word(t, "_Complex") || is_word(t, "__complex__") ||
                   is_word(t, "__int128") || is_word(t, "_Float128")) {
            return perr(p, t, TDM_ERRSYNTAX, "type '%.*s' is not supported", t->len, t->p);
        } else if (is_word(t, "__attribute__") || is_word(t, "__declspec") ||
                   is_word(t, "__asm__") || is_word(t, "asm") || is_word(t, "_Alignas")) {
            return perr(p, t, TDM_ERRSYNTAX, "'%.*s' is not supported", t->len, t->p);
        } else if (!s->type && !nbasic && is_typedef_name(p, t)) {
            char name[256];
            tokname(t, name, sizeof name);
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
            return perr(p, t, TDM_ERRSYNTAX, "unknown type name '%.*s'", t->len, t->p);
        }
        return perr(p, t, TDM_ERRSYNTAX, "expected a type, got %s", tokdesc(t, b, sizeof b));
    }
    return TDM_OK;
}

/* ------------------------------------------------------------------------ */
/* Declarators                                                              */

enum { D_NAMED = 1, D_ABSTRACT = 2, D_EITHER = 3 };

typedef struct Decl {
    const tdmF_Type *type;      /* borrowed: interned */
    Tok *name;                  /* borrowed: the name token, or NULL */
    Tok *at;                    /* borrowed: where the declarator starts */
} Decl;

static int parse_declarator(P *p, const tdmF_Type *base, int mode, Decl *d);

/* Parameters after '(' up to and including ')'. */
static int parse_params(P *p, const tdmF_Type *ret, const tdmF_Type **out)
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
            if (accept(p, P_ELLIPSIS)) {
                variadic = 1;
                if ((st = expect(p, ')', "after '...'")) != TDM_OK) {
                    goto done;
                }
                break;
            }
            if ((st = parse_specs(p, &s, 0)) != TDM_OK ||
                (st = parse_declarator(p, s.type, D_EITHER, &d)) != TDM_OK) {
                goto done;
            }
            if (d.type->kind == TDMF_VOID) {
                st = perr(p, d.at, TDM_ERRSYNTAX, "parameter %d has type void", n + 1);
                goto done;
            }
            if (d.type->kind == TDMF_ARRAY) {       /* adjust to pointers */
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
                st = perr(p, cur(p), TDM_ERRSYNTAX, "expected ',' or ')' in parameter list, "
                          "got %s", tokdesc(cur(p), b, sizeof b));
                goto done;
            }
        }
    }
    if (ret->kind == TDMF_ARRAY || ret->kind == TDMF_FUNC) {
        st = perr(p, cur(p), TDM_ERRSYNTAX, "function cannot return %s",
                  ret->kind == TDMF_ARRAY ? "an array" : "a function");
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

/* Array and function suffixes, applied so that the first one is outermost. */
static int parse_suffixes(P *p, const tdmF_Type *base, const tdmF_Type **out)
{
    Tok *at = cur(p);
    char nb[128];
    int st;
    if ((st = enter(p)) != TDM_OK) {
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
                if ((st = parse_expr(p, &len)) != TDM_OK) {
                    goto out;
                }
                if (len < 0) {
                    st = perr(p, et, TDM_ERRSYNTAX, "array size is negative (%lld)",
                              (long long)len);
                    goto out;
                }
            }
            if ((st = expect(p, ']', "to close the array size")) != TDM_OK) {
                goto out;
            }
        }
        if ((st = parse_suffixes(p, base, &elem)) != TDM_OK) {
            goto out;
        }
        if (elem->kind == TDMF_FUNC) {
            st = perr(p, at, TDM_ERRSYNTAX, "array of functions is not allowed");
        } else if (tdmF_sized(elem, "array element", NULL) != TDM_OK) {
            st = perr(p, at, TDM_ERRSYNTAX, "array has incomplete element type '%s'",
                      tdmF_typename(elem, nb, sizeof nb));
        } else if ((*out = tdmF_array(p->R, elem, len, p->err)) == NULL) {
            st = rerr(p, at);
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
        if ((st = parse_params(p, ret, out)) != TDM_OK) {
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
    if (is_punct(t, '*') || is_punct(t, '(') || is_punct(t, '^')) {
        return 1;
    }
    return t->kind == K_IDENT && !starts_type(p, t);
}

static int parse_declarator(P *p, const tdmF_Type *base, int mode, Decl *d)
{
    int st;
    char b[64];
    if ((st = enter(p)) != TDM_OK) {
        return st;
    }
    d->name = NULL;
    d->at = cur(p);
    while (accept(p, '*')) {
        if ((base = tdmF_ptr(p->R, base, p->err)) == NULL) {
            st = p->err->status;
            goto out;
        }
        while (word_in(cur(p), ignored_words)) {
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
        if ((st = expect(p, ')', "to close the declarator")) != TDM_OK ||
            (st = parse_suffixes(p, base, &t)) != TDM_OK) {
            goto out;
        }
        end = p->pos;
        p->pos = inner;
        if ((st = parse_declarator(p, t, mode, d)) != TDM_OK) {
            goto out;
        }
        if (!is_punct(cur(p), ')')) {
            st = perr(p, cur(p), TDM_ERRSYNTAX, "expected ')' in declarator, got %s",
                      tokdesc(cur(p), b, sizeof b));
            goto out;
        }
        p->pos = end;
        goto out;
    }
    /* A typedef name here is the declared name (it may be redeclared). */
    if (cur(p)->kind == K_IDENT && !type_keyword(cur(p)) &&
        !(mode == D_ABSTRACT && is_typedef_name(p, cur(p)))) {
        if (mode == D_ABSTRACT) {
            st = perr(p, cur(p), TDM_ERRSYNTAX, "unexpected name '%.*s' in a type",
                      cur(p)->len, cur(p)->p);
            goto out;
        }
        d->name = cur(p);
        advance(p);
    } else if (mode == D_NAMED) {
        st = perr(p, cur(p), TDM_ERRSYNTAX, "expected a name in declaration, got %s",
                  tokdesc(cur(p), b, sizeof b));
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
/* Constant expressions (evaluated in 64 bits, wrapping, never UB)          */

static int parse_cond(P *p, int64_t *v);
static int parse_unary(P *p, int64_t *v);

static int parse_primary(P *p, int64_t *v)
{
    Tok *t = cur(p);
    char name[256], b[64];
    int st;
    if (t->kind == K_NUM) {
        *v = (int64_t)t->num;
        advance(p);
        return TDM_OK;
    }
    if (is_word(t, "sizeof") || is_word(t, "_Alignof") || is_word(t, "__alignof__")) {
        const tdmF_Type *ty;
        int isalign = !is_word(t, "sizeof");
        advance(p);
        if ((st = expect(p, '(', "after sizeof")) != TDM_OK ||
            (st = parse_type_name(p, &ty)) != TDM_OK ||
            (st = expect(p, ')', "after the type")) != TDM_OK) {
            return st;
        }
        if (tdmF_sized(ty, isalign ? "alignof" : "sizeof", p->err) != TDM_OK) {
            return rerr(p, t);
        }
        *v = (int64_t)(isalign ? ty->align : ty->size);
        return TDM_OK;
    }
    if (t->kind == K_IDENT) {
        const tdmF_Name *n;
        tokname(t, name, sizeof name);
        n = tdmF_lookup(p->R, name);
        if (n == NULL || n->kind != TDMF_N_CONST) {
            return perr(p, t, TDM_ERRSYNTAX, "'%s' is not an integer constant", name);
        }
        *v = n->value;
        advance(p);
        return TDM_OK;
    }
    if (accept(p, '(')) {
        if (starts_type(p, cur(p))) {       /* a cast */
            const tdmF_Type *ty;
            if ((st = parse_type_name(p, &ty)) != TDM_OK ||
                (st = expect(p, ')', "after the cast type")) != TDM_OK ||
                (st = enter(p)) != TDM_OK) {
                return st;
            }
            st = parse_unary(p, v);
            p->depth--;
            if (st != TDM_OK) {
                return st;
            }
            ty = tdmF_scalar(ty);
            if (ty->kind != TDMF_INT) {
                return perr(p, t, TDM_ERRSYNTAX, "only casts to integer types are allowed "
                            "in constant expressions");
            }
            if (ty->size < 8) {
                uint64_t m = ((uint64_t)1 << (ty->size * 8)) - 1, u = (uint64_t)*v & m;
                if ((ty->flags & TDMF_SIGNED) && (u >> (ty->size * 8 - 1))) {
                    u |= ~m;
                }
                *v = (int64_t)u;
            }
            return TDM_OK;
        }
        if ((st = parse_cond(p, v)) != TDM_OK) {
            return st;
        }
        return expect(p, ')', "in expression");
    }
    return perr(p, t, TDM_ERRSYNTAX, "expected an integer constant expression, got %s",
                tokdesc(t, b, sizeof b));
}

static int parse_unary(P *p, int64_t *v)
{
    Tok *t = cur(p);
    int st;
    if (t->kind == K_PUNCT && t->punct < 256 && strchr("-+~!", t->punct)) {
        int op = t->punct;
        advance(p);
        if ((st = enter(p)) != TDM_OK) {
            return st;
        }
        st = parse_unary(p, v);
        p->depth--;
        if (st != TDM_OK) {
            return st;
        }
        switch (op) {
        case '-': *v = (int64_t)(0 - (uint64_t)*v); break;
        case '~': *v = (int64_t)~(uint64_t)*v; break;
        case '!': *v = !*v; break;
        default: break;
        }
        return TDM_OK;
    }
    return parse_primary(p, v);
}

static int prec(const Tok *t)
{
    if (t->kind != K_PUNCT) {
        return 0;
    }
    switch (t->punct) {
    case P_OR: return 1;
    case P_AND: return 2;
    case '|': return 3;
    case '^': return 4;
    case '&': return 5;
    case P_EQ: case P_NE: return 6;
    case '<': case '>': case P_LE: case P_GE: return 7;
    case P_SHL: case P_SHR: return 8;
    case '+': case '-': return 9;
    case '*': case '/': case '%': return 10;
    default: return 0;
    }
}

static int apply(P *p, const Tok *t, int op, int64_t a, int64_t b, int64_t *r)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case P_OR: *r = a || b; break;
    case P_AND: *r = a && b; break;
    case '|': *r = (int64_t)(ua | ub); break;
    case '^': *r = (int64_t)(ua ^ ub); break;
    case '&': *r = (int64_t)(ua & ub); break;
    case P_EQ: *r = a == b; break;
    case P_NE: *r = a != b; break;
    case '<': *r = a < b; break;
    case '>': *r = a > b; break;
    case P_LE: *r = a <= b; break;
    case P_GE: *r = a >= b; break;
    case '+': *r = (int64_t)(ua + ub); break;
    case '-': *r = (int64_t)(ua - ub); break;
    case '*': *r = (int64_t)(ua * ub); break;
    case P_SHL: case P_SHR:
        if (b < 0 || b > 63) {
            return perr(p, t, TDM_ERRSYNTAX, "shift count %lld out of range", (long long)b);
        }
        *r = op == P_SHL ? (int64_t)(ua << b)
                         : (a < 0 ? (int64_t)~(~ua >> b) : (int64_t)(ua >> b));
        break;
    default:        /* '/' and '%' */
        if (b == 0) {
            return perr(p, t, TDM_ERRSYNTAX, "division by zero in constant expression");
        }
        if (a == INT64_MIN && b == -1) {
            *r = op == '/' ? INT64_MIN : 0;
        } else {
            *r = op == '/' ? a / b : a % b;
        }
        break;
    }
    return TDM_OK;
}

static int parse_binary(P *p, int minprec, int64_t *v)
{
    int st = parse_unary(p, v);
    while (st == TDM_OK && prec(cur(p)) >= minprec) {
        Tok *t = cur(p);
        int pr = prec(t), op = t->punct;
        int64_t rhs;
        advance(p);
        if ((st = enter(p)) != TDM_OK) {
            return st;
        }
        st = parse_binary(p, pr + 1, &rhs);
        p->depth--;
        if (st == TDM_OK) {
            st = apply(p, t, op, *v, rhs, v);
        }
    }
    return st;
}

static int parse_cond(P *p, int64_t *v)
{
    int st;
    int64_t a, b;
    if ((st = enter(p)) != TDM_OK) {
        return st;
    }
    st = parse_binary(p, 1, v);
    if (st == TDM_OK && accept(p, '?')) {
        if ((st = parse_cond(p, &a)) == TDM_OK &&
            (st = expect(p, ':', "in conditional expression")) == TDM_OK &&
            (st = parse_cond(p, &b)) == TDM_OK) {
            *v = *v ? a : b;
        }
    }
    p->depth--;
    return st;
}

static int parse_expr(P *p, int64_t *v)
{
    return parse_cond(p, v);
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
static int parse_fields(P *p, tdmF_Type *t)
{
    tdmF_Field *fields = NULL;
    int n = 0, cap = 0, st = TDM_OK;
    char nb[128];
    while (!accept(p, '}')) {
        Specs s;
        if (cur(p)->kind == K_EOF) {
            st = perr(p, cur(p), TDM_ERRSYNTAX, "expected '}' to close '%s'",
                      tdmF_typename(t, nb, sizeof nb));
            goto fail;
        }
        if ((st = parse_specs(p, &s, 0)) != TDM_OK) {
            goto fail;
        }
        for (;;) {
            Decl d;
            tdmF_Field *f;
            int64_t width = -1;
            d.type = s.type;
            d.name = NULL;
            d.at = cur(p);
            if (is_punct(cur(p), ';') && (s.type->kind == TDMF_STRUCT ||
                                          s.type->kind == TDMF_UNION)) {
                /* anonymous member */
            } else if (!is_punct(cur(p), ':') &&
                       (st = parse_declarator(p, s.type, D_NAMED, &d)) != TDM_OK) {
                goto fail;
            }
            if (accept(p, ':')) {
                Tok *wt = cur(p);
                const tdmF_Type *bt = tdmF_scalar(d.type);
                if ((st = parse_expr(p, &width)) != TDM_OK) {
                    goto fail;
                }
                if (bt->kind != TDMF_INT) {
                    st = perr(p, d.at, TDM_ERRSYNTAX, "bitfield has non-integer type '%s'",
                              tdmF_typename(d.type, nb, sizeof nb));
                    goto fail;
                }
                if (width < 0 || width > (int64_t)(bt->size * 8) ||
                    ((bt->flags & TDMF_BOOL) && width > 1)) {
                    st = perr(p, wt, TDM_ERRSYNTAX, "bitfield width %lld out of range for '%s'",
                              (long long)width, tdmF_typename(d.type, nb, sizeof nb));
                    goto fail;
                }
                if (width == 0 && d.name) {
                    st = perr(p, wt, TDM_ERRSYNTAX, "named bitfield '%.*s' has zero width",
                              d.name->len, d.name->p);
                    goto fail;
                }
            } else if (d.type->kind == TDMF_VOID || d.type->kind == TDMF_FUNC) {
                st = perr(p, d.at, TDM_ERRSYNTAX, "field '%.*s' declared as %s",
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
            if (d.name && (f->name = strndup(d.name->p, (size_t)d.name->len)) == NULL) {
                st = tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
                goto fail;
            }
            if (!accept(p, ',')) {
                break;
            }
        }
        if ((st = expect(p, ';', "after a field declaration")) != TDM_OK) {
            goto fail;
        }
    }
    if ((st = tdmF_complete(p->R, t, fields, n, p->err)) != TDM_OK) {
        tdmF_err_prefix(p->err, "%s: ", p->what);
        goto fail;
    }
    return TDM_OK;
fail:
    free_fields(fields, n);
    return st;
}

static int parse_enum_body(P *p, tdmF_Type *t)
{
    int64_t v = 0, lo = 0, hi = 0;
    int count = 0, st;
    char name[256];
    const tdmF_Type *ct = tdmF_base(p->R, TDMF_T_INT);
    while (!accept(p, '}')) {
        Tok *nt = cur(p);
        if (nt->kind != K_IDENT) {
            char b[64];
            return perr(p, nt, TDM_ERRSYNTAX, "expected an enumerator name, got %s",
                        tokdesc(nt, b, sizeof b));
        }
        tokname(nt, name, sizeof name);
        advance(p);
        if (accept(p, '=') && (st = parse_expr(p, &v)) != TDM_OK) {
            return st;
        }
        if (tdmF_define(p->R, name, TDMF_N_CONST, ct, v, p->err) != TDM_OK) {
            return rerr(p, nt);
        }
        lo = count == 0 || v < lo ? v : lo;
        hi = count == 0 || v > hi ? v : hi;
        count++;
        v = (int64_t)((uint64_t)v + 1);
        if (!accept(p, ',')) {
            if ((st = expect(p, '}', "after the enumerators")) != TDM_OK) {
                return st;
            }
            break;
        }
    }
    if (count == 0) {
        return perr(p, cur(p), TDM_ERRSYNTAX, "empty enum");
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

static int parse_tagged(P *p, const tdmF_Type **out)
{
    Tok *kw = cur(p), *tagtok = NULL;
    int kind = is_word(kw, "struct") ? TDMF_STRUCT : is_word(kw, "union") ? TDMF_UNION : TDMF_ENUM;
    char tag[256], nb[128], b1[512], b2[512];
    tdmF_Type *t, *old = NULL;
    int st;
    advance(p);
    if (cur(p)->kind == K_IDENT) {
        tagtok = cur(p);
        if (tagtok->len >= (int)sizeof tag) {
            return perr(p, tagtok, TDM_ERRSYNTAX, "tag name too long");
        }
        tokname(tagtok, tag, sizeof tag);
        advance(p);
        old = tdmF_tag_lookup(p->R, kind, tag);
    }
    if (!accept(p, '{')) {
        if (tagtok == NULL) {
            char b[64];
            return perr(p, cur(p), TDM_ERRSYNTAX, "expected a tag name or '{' after '%.*s', "
                        "got %s", kw->len, kw->p, tokdesc(cur(p), b, sizeof b));
        }
        if (old == NULL) {      /* forward declaration */
            if ((old = tdmF_aggregate(p->R, kind, tag, p->err)) == NULL ||
                tdmF_tag_define(p->R, old, p->err) != TDM_OK) {
                return rerr(p, tagtok);
            }
        }
        *out = old;
        return TDM_OK;
    }
    if ((st = enter(p)) != TDM_OK) {
        return st;
    }
    if (old && !(old->flags & TDMF_COMPLETE)) {
        t = old;
    } else {
        t = tdmF_aggregate(p->R, kind, tagtok ? tag : NULL, p->err);
        if (t == NULL) {
            st = rerr(p, kw);
            goto out;
        }
        if (old == NULL && tagtok && tdmF_tag_define(p->R, t, p->err) != TDM_OK) {
            st = rerr(p, kw);
            goto out;
        }
    }
    t->decl_line = kw->line;
    t->decl_col = kw->col;
    st = kind == TDMF_ENUM ? parse_enum_body(p, t) : parse_fields(p, t);
    if (st != TDM_OK) {
        goto out;
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
            st = perr(p, kw, TDM_ERRSYNTAX, "redefinition of '%s' differs from the previous "
                      "definition: %s vs previous %s", tdmF_typename(old, nb, sizeof nb), b1, b2);
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

static int parse_type_name(P *p, const tdmF_Type **out)
{
    Specs s;
    Decl d;
    int st;
    if ((st = enter(p)) != TDM_OK) {
        return st;
    }
    if ((st = parse_specs(p, &s, 0)) == TDM_OK &&
        (st = parse_declarator(p, s.type, D_ABSTRACT, &d)) == TDM_OK) {
        *out = d.type;
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
        return perr(p, nt, TDM_ERRSYNTAX, "expected a macro name after #define, got %s",
                    tokdesc(nt, b, sizeof b));
    }
    tokname(nt, name, sizeof name);
    advance(p);
    if (is_punct(cur(p), '(') && cur(p)->p == nt->p + nt->len) {
        return perr(p, cur(p), TDM_ERRSYNTAX, "#define %s: function-like macros are not "
                    "supported", name);
    }
    if (cur(p)->kind == K_EOL) {
        return perr(p, cur(p), TDM_ERRSYNTAX, "#define %s: only integer constants are "
                    "supported (empty definition)", name);
    }
    if ((st = parse_expr(p, &v)) != TDM_OK) {
        char msg[TDMF_ERRMAX];
        memcpy(msg, p->err->msg, sizeof msg);
        return tdmF_seterr(p->err, st, "%s (#define %s: only integer constants are supported)",
                           msg, name);
    }
    if (cur(p)->kind != K_EOL) {
        return perr(p, cur(p), TDM_ERRSYNTAX, "#define %s: unexpected %s after the value "
                    "(only integer constants are supported)", name, tokdesc(cur(p), b, sizeof b));
    }
    advance(p);
    if (tdmF_define(p->R, name, TDMF_N_CONST, tdmF_base(p->R, TDMF_T_LONG), v, p->err) != TDM_OK) {
        return rerr(p, nt);
    }
    return TDM_OK;
}

static int declare(P *p, const Specs *s, const Decl *d)
{
    char name[256], nb[128];
    int64_t v;
    int st;
    if (d->name->len >= (int)sizeof name) {
        return perr(p, d->name, TDM_ERRSYNTAX, "name too long");
    }
    tokname(d->name, name, sizeof name);
    if (s->storage == ST_TYPEDEF) {
        tdmF_Type *t = (tdmF_Type *)d->type;
        const tdmF_Name *old = tdmF_lookup(p->R, name);
        if (old && old->kind == TDMF_N_TYPEDEF && old->type != t && old->type->tdname &&
            t->name == NULL && old->type->kind == t->kind && same_fields(old->type, t)) {
            return TDM_OK;      /* typedef struct { ... } name; again, identical */
        }
        if ((t->kind == TDMF_STRUCT || t->kind == TDMF_UNION || t->kind == TDMF_ENUM) &&
            t->name == NULL) {          /* typedef struct { ... } name; */
            if ((t->name = strdup(name)) == NULL) {
                return tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
            }
            t->tdname = 1;
        }
        if (is_punct(cur(p), '=')) {
            return perr(p, cur(p), TDM_ERRSYNTAX, "typedef '%s' is initialized", name);
        }
        st = tdmF_define(p->R, name, TDMF_N_TYPEDEF, d->type, 0, p->err);
    } else if (d->type->kind == TDMF_FUNC) {
        if (is_punct(cur(p), '{')) {
            return perr(p, cur(p), TDM_ERRSYNTAX, "function definitions are not supported "
                        "(declare '%s' only)", name);
        }
        st = tdmF_define(p->R, name, TDMF_N_FUNC, d->type, 0, p->err);
    } else if (is_punct(cur(p), '=')) {
        Tok *eq = cur(p);
        if (!tdmF_is_int(d->type)) {
            return perr(p, eq, TDM_ERRSYNTAX, "'%s': only integer constants can be "
                        "initialized (type '%s')", name, tdmF_typename(d->type, nb, sizeof nb));
        }
        advance(p);
        if ((st = parse_expr(p, &v)) != TDM_OK) {
            return st;
        }
        st = tdmF_define(p->R, name, TDMF_N_CONST, d->type, v, p->err);
    } else if (s->storage == ST_STATIC && s->isconst && tdmF_is_int(d->type)) {
        return perr(p, d->name, TDM_ERRSYNTAX, "static const '%s' needs a value "
                    "(static const int X = 5;)", name);
    } else {
        if (d->type->kind == TDMF_VOID) {
            return perr(p, d->name, TDM_ERRSYNTAX, "variable '%s' declared void", name);
        }
        st = tdmF_define(p->R, name, TDMF_N_VAR, d->type, 0, p->err);
    }
    return st == TDM_OK ? TDM_OK : rerr(p, d->name);
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
        if ((st = parse_declarator(p, s.type, D_NAMED, &d)) != TDM_OK ||
            (st = declare(p, &s, &d)) != TDM_OK) {
            return st;
        }
        if (accept(p, ';')) {
            return TDM_OK;
        }
        if (!accept(p, ',')) {
            return perr(p, cur(p), TDM_ERRSYNTAX, "expected ';' or ',' after declaration of "
                        "'%.*s', got %s", d.name->len, d.name->p, tokdesc(cur(p), b, sizeof b));
        }
    }
}

static void parser_init(P *p, tdmF_Registry *R, const char *what, tdmF_Err *err)
{
    memset(p, 0, sizeof *p);
    p->R = R;
    p->err = err;
    p->what = what;
}

int tdmF_cdef(tdmF_Registry *R, const char *src, size_t len, tdmF_Err *err)
{
    P p;
    int st;
    parser_init(&p, R, "cdef", err);
    st = lex(&p, src, len);
    while (st == TDM_OK && cur(&p)->kind != K_EOF) {
        if (cur(&p)->kind == K_DEFINE) {
            st = parse_define(&p);
        } else if (cur(&p)->kind == K_EOL) {
            advance(&p);
        } else if (!accept(&p, ';')) {
            st = parse_declaration(&p);
        }
    }
    free(p.toks);
    return st;
}

int tdmF_parse_type(tdmF_Registry *R, const char *src, size_t len, const char *what,
                    const tdmF_Type **out, tdmF_Err *err)
{
    P p;
    int st;
    char b[64];
    parser_init(&p, R, what, err);
    st = lex(&p, src, len);
    if (st == TDM_OK && cur(&p)->kind == K_DEFINE) {
        st = perr(&p, cur(&p), TDM_ERRSYNTAX, "expected a type, got '#define'");
    }
    if (st == TDM_OK) {
        st = parse_type_name(&p, out);
    }
    if (st == TDM_OK && cur(&p)->kind != K_EOF) {
        st = perr(&p, cur(&p), TDM_ERRSYNTAX, "unexpected %s after the type",
                  tokdesc(cur(&p), b, sizeof b));
    }
    free(p.toks);
    return st;
}
