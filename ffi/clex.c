/*
 * clex.c — the declaration parser's lexer: C text into tokens (integer and
 * character literals, identifiers, punctuators, #define lines), error
 * messages with positions, and the token helpers the parser and the
 * constant-expression evaluator share.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "clex.h"
#include "cparse.h"

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

/* Record the position of an error at t (msg holds "what: line:col: message"). */
static void err_position(P *p, const Tok *t, int parse)
{
    tdmF_Err *e = p->err;
    int i, pline = t->line;
    const struct LineMark *m = NULL;
    if (e == NULL) {
        return;
    }
    for (i = 0; i < p->nmarks && p->marks[i].line <= t->line; i++) {
        m = &p->marks[i];
    }
    e->pfile[0] = '\0';
    if (m != NULL) {
        pline = m->num + (t->line - m->line);
        for (i = (int)(m - p->marks); i >= 0; i--) {     /* the last marker naming a file */
            if (p->marks[i].file != NULL) {
                snprintf(e->pfile, sizeof e->pfile, "%.*s", p->marks[i].flen, p->marks[i].file);
                break;
            }
        }
    }
    e->line = t->line;
    e->col = t->col;
    e->pline = pline;
    e->parse = parse;
    e->msgoff = snprintf(NULL, 0, "%s: %d:%d: ", p->what, t->line, t->col);
    if (e->msgoff > (int)strlen(e->msg)) {
        e->msgoff = (int)strlen(e->msg);
    }
}

static int vcp_err(P *p, const Tok *t, int status, int parse, const char *fmt, va_list ap)
{
    char msg[TDMF_ERRMAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    tdmF_seterr(p->err, status, "%s: %d:%d: %s", p->what, t->line, t->col, msg);
    err_position(p, t, parse);
    return status;
}

int tdmF_cp_err(P *p, const Tok *t, int status, const char *fmt, ...)
{
    va_list ap;
    int st;
    va_start(ap, fmt);
    st = vcp_err(p, t, status, 0, fmt, ap);
    va_end(ap);
    return st;
}

int tdmF_cp_serr(P *p, const Tok *t, const char *fmt, ...)
{
    va_list ap;
    int st;
    va_start(ap, fmt);
    st = vcp_err(p, t, TDM_ERRSYNTAX, 1, fmt, ap);
    va_end(ap);
    return st;
}

int tdmF_cp_rerr(P *p, const Tok *t)
{
    char msg[TDMF_ERRMAX];
    int kind = p->err->kind, st;
    memcpy(msg, p->err->msg, sizeof msg);
    st = tdmF_cp_err(p, t, p->err->status, "%s", msg);
    p->err->kind = kind;
    return st;
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
    if (base == 10 || base == 8) {     /* 1e-3, 0.5, 10.: a floating constant */
        const char *r = s;
        while (r < end && isdigit((unsigned char)*r)) {
            r++;
        }
        if (r < end && (*r == '.' || *r == 'e' || *r == 'E')) {
            q = r;
            goto floating;
        }
    }
    for (; q < end && isxdigit((unsigned char)*q); q++) {
        unsigned d = isdigit((unsigned char)*q) ? (unsigned)(*q - '0')
                                                : (unsigned)(tolower((unsigned char)*q) - 'a' + 10);
        if (d >= base) {
            return tdmF_cp_serr(p, t, "invalid digit '%c' in integer constant", *q);
        }
        if (v > (UINT64_MAX - d) / base) {
            return tdmF_cp_serr(p, t, "integer constant too large");
        }
        v = v * base + d;
    }
    while (q < end && (*q == 'u' || *q == 'U' || *q == 'l' || *q == 'L')) {
        q++;
    }
floating:
    if (base != 16 && base != 2 && q < end && (*q == '.' || *q == 'e' || *q == 'E')) {
        /* a floating constant: a token of its own (only a static const of a
           floating type takes one; an integer expression refuses it) */
        for (q = s; q < end && (isdigit((unsigned char)*q) || *q == '.'); q++) {
        }
        if (q < end && (*q == 'e' || *q == 'E')) {
            q++;
            q += q < end && (*q == '+' || *q == '-');
            if (q >= end || !isdigit((unsigned char)*q)) {
                return tdmF_cp_serr(p, t, "malformed floating constant");
            }
            while (q < end && isdigit((unsigned char)*q)) {
                q++;
            }
        }
        q += q < end && (*q == 'f' || *q == 'F' || *q == 'l' || *q == 'L');
        if (q < end && (is_id((unsigned char)*q, 0) || *q == '.')) {
            return tdmF_cp_serr(p, t, "malformed floating constant");
        }
        t->kind = K_FNUM;
        t->len = (int)(q - s);
        return TDM_OK;
    }
    if (q < end && (*q == '.' || *q == 'e' || *q == 'E' || is_id((unsigned char)*q, 0))) {
        return tdmF_cp_serr(p, t,
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
        return tdmF_cp_serr(p, t, "unterminated character constant");
    }
    if (*q == '\\') {
        q++;
        if (q >= end) {
            return tdmF_cp_serr(p, t, "unterminated character constant");
        }
        switch (*q) {
        case 'n': v = '\n'; q++; break;
        case 't': v = '\t'; q++; break;
        case 'r': v = '\r'; q++; break;
        case 'a': v = '\a'; q++; break;
        case 'b': v = '\b'; q++; break;
        case 'f': v = '\f'; q++; break;
        case 'v': v = '\v'; q++; break;
        case 'e': v = 27; q++; break;           /* LuaJIT's extension */
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            int k;
            for (v = 0, k = 0; k < 3 && q < end && *q >= '0' && *q <= '7'; k++, q++) {
                v = v * 8 + (uint64_t)(*q - '0');
            }
            v &= 0xff;
            break;
        }
        case '\\': case '\'': case '"': case '?': v = (unsigned char)*q++; break;
        case 'x':
            v = 0;
            for (q++; q < end && isxdigit((unsigned char)*q); q++) {
                v = (v * 16 + (uint64_t)(isdigit((unsigned char)*q) ? *q - '0'
                                         : tolower((unsigned char)*q) - 'a' + 10)) & 0xff;
            }
            break;
        default:
            return tdmF_cp_serr(p, t,
                                "unknown escape sequence in character constant");
        }
    } else {
        v = (unsigned char)*q++;
    }
    if (q >= end || *q != '\'') {
        return tdmF_cp_serr(p, t, "unterminated character constant");
    }
    t->num = (uint64_t)(int64_t)(signed char)v;  /* char is signed */
    t->len = (int)(q + 1 - s);
    return TDM_OK;
}

static const char *skip_blank(const char *q, const char *end)
{
    while (q < end && (*q == ' ' || *q == '\t')) {
        q++;
    }
    return q;
}

/* #pragma at q (after the word): pack(N), pack(), pack(push[, N]), pack(pop)
   become a K_PACK token; `once` is ignored; any other pragma is refused (it
   might change a layout: never silently ignored). */
static int lex_pragma(P *p, const char *q, const char *end, const Tok *at)
{
    const char *w;
    int op = PK_SET;
    uint64_t n = 0;
    Tok *t;
    q = skip_blank(q, end);
    for (w = q; q < end && is_id((unsigned char)*q, 0); q++) {
    }
    if (q - w == 4 && memcmp(w, "once", 4) == 0) {
        return TDM_OK;
    }
    if (!(q - w == 4 && memcmp(w, "pack", 4) == 0)) {
        return tdmF_cp_err(p, at, TDM_ERRSYNTAX, "unsupported #pragma '%.*s' (only #pragma "
                           "pack is supported)", (int)(q - w), w);
    }
    q = skip_blank(q, end);
    if (q >= end || *q != '(') {
        goto bad;
    }
    q = skip_blank(q + 1, end);
    if (end - q >= 4 && memcmp(q, "push", 4) == 0) {
        op = PK_PUSH;
        q = skip_blank(q + 4, end);
        if (q < end && *q == ',') {
            q = skip_blank(q + 1, end);
            if (q >= end || !isdigit((unsigned char)*q)) {
                goto bad;       /* pack(push, identifier[, N]) is MSVC's */
            }
        }
    } else if (end - q >= 3 && memcmp(q, "pop", 3) == 0) {
        op = PK_POP;
        q = skip_blank(q + 3, end);
    }
    if (op != PK_POP && q < end && isdigit((unsigned char)*q)) {
        while (q < end && isdigit((unsigned char)*q)) {
            n = n * 10 + (uint64_t)(*q++ - '0');
            if (n > 1000) {
                break;
            }
        }
        if (n == 0 || n > 16 || (n & (n - 1)) != 0) {
            return tdmF_cp_err(p, at, TDM_ERRSYNTAX, "#pragma pack: %llu is not 1, 2, 4, 8 "
                               "or 16", (unsigned long long)n);
        }
        q = skip_blank(q, end);
    }
    if (q >= end || *q != ')') {
        goto bad;
    }
    t = push(p, K_PACK, w, 4, at->line, at->col);
    if (t == NULL) {
        return tdmF_seterr(p->err, TDM_ERRMEM, "not enough memory");
    }
    t->punct = op;
    t->num = n;
    return TDM_OK;
bad:
    return tdmF_cp_err(p, at, TDM_ERRSYNTAX, "malformed #pragma pack (expected pack(N), "
                       "pack(), pack(push[, N]) or pack(pop))");
}

void tdmF_cp_free(P *p)
{
    free(p->toks);
    free(p->spliced);
    free(p->splices);
    free(p->marks);
    p->toks = NULL;
    p->spliced = NULL;
    p->splices = NULL;
    p->marks = NULL;
    p->nmarks = p->capmarks = 0;
}

/* A line marker `# 42 "file"` or `#line 42 "file"` (w: its number or "line",
   end: the end of its line) on text line `line`: positions after it are
   reported as the marker says (messages only; they carry nothing a
   declaration needs). A marker without a number is ignored. 0, or -1 out of
   memory. */
static int line_marker(P *p, const char *w, const char *end, int line)
{
    const char *q = w;
    long num = 0;
    struct LineMark *m;
    if (!isdigit((unsigned char)*q)) {
        q += 4;                                         /* "line" */
        while (q < end && (*q == ' ' || *q == '\t')) {
            q++;
        }
    }
    if (q >= end || !isdigit((unsigned char)*q)) {
        return 0;
    }
    for (; q < end && isdigit((unsigned char)*q); q++) {
        num = num < 100000000 ? num * 10 + (*q - '0') : num;
    }
    if (p->nmarks == p->capmarks) {
        int cap = p->capmarks ? p->capmarks * 2 : 4;
        struct LineMark *nm = realloc(p->marks, (size_t)cap * sizeof *nm);
        if (nm == NULL) {
            return -1;
        }
        p->marks = nm;
        p->capmarks = cap;
    }
    m = &p->marks[p->nmarks++];
    m->line = line + 1;
    m->num = (int)num;
    m->file = NULL;
    m->flen = 0;
    while (q < end && (*q == ' ' || *q == '\t')) {
        q++;
    }
    if (q < end && *q == '"') {
        const char *f = ++q;
        while (q < end && *q != '"' && *q != '\n') {
            q++;
        }
        if (q < end && *q == '"') {
            m->file = f;
            m->flen = (int)(q - f);
        }
    }
    return 0;
}

/* Does a line splice (backslash, then \n or \r\n) start at src[i]? */
static int is_splice(const char *src, size_t i, size_t len)
{
    return src[i] == '\\' && i + 1 < len &&
           (src[i + 1] == '\n' || (src[i + 1] == '\r' && i + 2 < len && src[i + 2] == '\n'));
}

/* C's translation phase 2: a backslash followed by a newline (or by \r\n)
   joins two lines anywhere, inside a token too (`int lj_spl\<newline>abs;`
   declares lj_splabs). When src has any, p->spliced is the joined text (its
   length in *outlen) and p->splices where each join happened. 1 when
   spliced, 0 with nothing to do, -1 out of memory. */
static int splice_lines(P *p, const char *src, size_t len, size_t *outlen)
{
    size_t i, o = 0, n = 0;
    for (i = 0; i < len; i++) {
        n += (size_t)is_splice(src, i, len);
    }
    if (n == 0) {
        return 0;
    }
    if (n > INT_MAX || (p->spliced = malloc(len + 1)) == NULL ||
        (p->splices = malloc(n * sizeof *p->splices)) == NULL) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        if (is_splice(src, i, len)) {
            i += src[i + 1] == '\r' ? 2 : 1;
            p->splices[p->nsplices++] = o;
            continue;
        }
        p->spliced[o++] = src[i];
    }
    p->spliced[o] = '\0';
    *outlen = o;
    return 1;
}

int tdmF_cp_lex(P *p, const char *src, size_t len)
{
    const char *s, *end, *linestart;
    int line = 1, indirective = 0, bol = 1, nsp = 0;
    size_t slen = len;
    int sp = splice_lines(p, src, len, &slen);
    if (sp < 0) {
        goto nomem;
    }
    s = sp > 0 ? p->spliced : src;
    end = s + slen;
    linestart = s;
    static const struct { const char *s; int code; } multi[] = {
        {"...", P_ELLIPSIS}, {"<<", P_SHL}, {">>", P_SHR}, {"<=", P_LE}, {">=", P_GE},
        {"==", P_EQ}, {"!=", P_NE}, {"&&", P_AND}, {"||", P_OR}
    };
    while (s < end) {
        int c, col, k;
        Tok *t;
        while (nsp < p->nsplices && p->spliced + p->splices[nsp] <= s) {
            line++;                     /* a joined line: positions as in the source */
            linestart = p->spliced + p->splices[nsp++];
        }
        c = (unsigned char)*s;
        col = (int)(s - linestart) + 1;
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
                return tdmF_cp_serr(p, &at, "unterminated comment");
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
            if (q - w == 6 && memcmp(w, "pragma", 6) == 0) {
                if (lex_pragma(p, q, end, &at) != TDM_OK) {
                    return p->err->status;
                }
            } else if (!((q > w && isdigit((unsigned char)*w)) ||
                         (q - w == 4 && memcmp(w, "line", 4) == 0))) {
                return tdmF_cp_err(p, &at, TDM_ERRSYNTAX, "unsupported preprocessor directive "
                                   "'#%.*s' (only #define NAME <integer>, #pragma pack and "
                                   "line markers are supported)", (int)(q - w), w);
            }
            /* the rest of the line: # 42 "file" line markers carry nothing a
               declaration needs (messages may report their positions) */
            {
                const char *eol = q;
                while (eol < end && *eol != '\n') {
                    eol++;
                }
                if ((isdigit((unsigned char)*w) || (q - w == 4 && memcmp(w, "line", 4) == 0)) &&
                    line_marker(p, w, eol, line) < 0) {
                    goto nomem;
                }
                q = eol;
            }
            s = q;
            continue;
        }
        bol = 0;
        t = push(p, K_PUNCT, s, 1, line, col);
        if (t == NULL) {
            goto nomem;
        }
        if (c == '$' && p->params != NULL) {
            const struct tdmF_Param *pv;
            if (p->nextparam >= p->nparams) {
                return tdmF_cp_err(p, t, TDM_ERRSYNTAX, "no value for '$' number %d",
                                   p->nextparam + 1);
            }
            pv = &p->params[p->nextparam++];
            if (pv->kind == TDMF_P_TYPE) {
                t->kind = K_PTYPE;
                t->ptype = pv->type;
            } else if (pv->kind == TDMF_P_NAME) {
                t->kind = K_IDENT;
                t->p = pv->name;
                t->len = (int)pv->len;
            } else {
                t->kind = K_NUM;
                t->num = (uint64_t)pv->num;
            }
            s++;
            continue;
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
        if (c == '"') {
            const char *q = s + 1;
            while (q < end && *q != '"' && *q != '\n') {
                q += (*q == '\\' && q + 1 < end) ? 2 : 1;
            }
            if (q >= end || *q != '"') {
                return tdmF_cp_serr(p, t, "unterminated string literal");
            }
            t->kind = K_STR;
            t->len = (int)(q + 1 - s);
            s = q + 1;
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
                return tdmF_cp_serr(p, t, "unexpected character '%c'",
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

const char *tdmF_cp_tokdesc(const Tok *t, char *buf, size_t n)
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

int tdmF_cp_expect(P *p, int c, const char *context)
{
    char b[64];
    if (accept(p, c)) {
        return TDM_OK;
    }
    return tdmF_cp_serr(p, cur(p), "expected '%c' %s, got %s", c, context,
                        tdmF_cp_tokdesc(cur(p), b, sizeof b));
}

void tdmF_cp_tokname(const Tok *t, char *buf, size_t n)
{
    snprintf(buf, n, "%.*s", t->len, t->p);
}

int tdmF_cp_enter(P *p)
{
    if (++p->depth > MAXDEPTH) {
        return tdmF_cp_err(p, cur(p), TDM_ERRSYNTAX, "declaration nested too deeply");
    }
    return TDM_OK;
}
