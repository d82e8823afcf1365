/*
 * llex.c — Lua 5.4 lexer for the front end, following llex.c of Lua 5.4 so
 * that tokens, numerals (lua_stringtonumber's rules: decimal integer overflow
 * becomes a float, hex integers wrap), escapes and error messages match luac.
 */
#include "llex.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct LFArena { LFArena *next; size_t used, cap; char data[]; };

void *lf_alloc(LFArena **a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!*a || (*a)->cap - (*a)->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        LFArena *c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = *a; c->used = 0; c->cap = cap; *a = c;
    }
    void *p = (*a)->data + (*a)->used;
    (*a)->used += n;
    return p;
}

static const char *const tokens[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
    "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
    "true", "until", "while",
    "//", "..", "...", "==", ">=", "<=", "~=", "<<", ">>", "::", "<eof>",
    "<number>", "<integer>", "<name>", "<string>"
};

#define EOZ (-1)

static void save(LFLex *ls, int c)
{
    if (ls->blen + 1 >= ls->bcap) {
        size_t nc = ls->bcap ? ls->bcap * 2 : 256;
        char *nb = realloc(ls->buf, nc);
        if (!nb) lf_semerror(ls, "not enough memory");
        ls->buf = nb; ls->bcap = nc;
    }
    ls->buf[ls->blen++] = (char)c;
}

static void next(LFLex *ls)
{
    ls->current = ls->pos < ls->n ? (unsigned char)ls->src[ls->pos++] : EOZ;
}
static void save_and_next(LFLex *ls) { save(ls, ls->current); next(ls); }
#define currIsNewline(ls) ((ls)->current == '\n' || (ls)->current == '\r')

void lf_lex_init(LFLex *ls, const char *src, size_t n, const char *chunkname)
{
    memset(ls, 0, sizeof *ls);
    ls->src = src; ls->n = n;
    ls->linenumber = 1; ls->lastline = 1;
    ls->ahead.tok = TK_EOS;
    snprintf(ls->chunk, sizeof ls->chunk, "%s", chunkname);
    next(ls);
}

const char *lf_token2str(LFLex *ls, int tok, char *b, size_t bsz)
{
    (void)ls;
    if (tok < 257) {
        if (isprint(tok)) snprintf(b, bsz, "'%c'", tok);
        else snprintf(b, bsz, "'<\\%d>'", tok);
    } else if (tok < TK_EOS) {
        snprintf(b, bsz, "'%s'", tokens[tok - 257]);
    } else {
        snprintf(b, bsz, "%s", tokens[tok - 257]);
    }
    return b;
}

static _Noreturn void lexerror(LFLex *ls, const char *msg, int tok)
{
    char near[200];
    if (tok) {
        if (tok == TK_NAME || tok == TK_STRING || tok == TK_FLT || tok == TK_INT) {
            size_t k = ls->blen > 150 ? 150 : ls->blen;     /* luaO_chunkid-like bound */
            snprintf(near, sizeof near, "'%.*s'", (int)k, ls->buf ? ls->buf : "");
        } else {
            lf_token2str(ls, tok, near, sizeof near);
        }
        snprintf(ls->err, ls->errsz, "%s:%d: %s near %s", ls->chunk, ls->linenumber, msg, near);
    } else {
        snprintf(ls->err, ls->errsz, "%s:%d: %s", ls->chunk, ls->linenumber, msg);
    }
    longjmp(ls->jb, 1);
}

void lf_syntaxerror(LFLex *ls, const char *msg) { lexerror(ls, msg, ls->t.tok); }
void lf_semerror(LFLex *ls, const char *msg) { lexerror(ls, msg, 0); }

static void inclinenumber(LFLex *ls)
{
    int old = ls->current;
    next(ls);
    if (currIsNewline(ls) && ls->current != old) next(ls);
    ++ls->linenumber;
}

static int check_next1(LFLex *ls, int c)
{
    if (ls->current == c) { next(ls); return 1; }
    return 0;
}
static int check_next2(LFLex *ls, const char *set)
{
    if (ls->current == set[0] || ls->current == set[1]) { save_and_next(ls); return 1; }
    return 0;
}

static const char *intern(LFLex *ls, const char *s, size_t len)
{
    char *p = lf_alloc(&ls->arena, len + 1);
    if (!p) lf_semerror(ls, "not enough memory");
    memcpy(p, s, len); p[len] = 0;
    return p;
}

static int hexval(int c) { return isdigit(c) ? c - '0' : (tolower(c) - 'a') + 10; }

/* lua_stringtonumber on a numeral: 1 int, 2 float, 0 malformed. */
static int str2num(const char *s, int64_t *i, double *d)
{
    const char *p = s;
    uint64_t a = 0; int empty = 1;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        for (p += 2; isxdigit((unsigned char)*p); p++) { a = a * 16 + (uint64_t)hexval(*p); empty = 0; }
        if (!empty && *p == 0) { *i = (int64_t)a; return 1; }
    } else {
        int ovf = 0;
        for (; isdigit((unsigned char)*p); p++) {
            int dg = *p - '0';
            if (a >= 922337203685477580ull && (a > 922337203685477580ull || dg > 7)) ovf = 1;
            a = a * 10 + (uint64_t)dg; empty = 0;
        }
        if (!empty && !ovf && *p == 0) { *i = (int64_t)a; return 1; }
    }
    if (strpbrk(s, "nN")) return 0;
    char *end;
    errno = 0;
    *d = strtod(s, &end);
    if (end == s || *end != 0) return 0;
    return 2;
}

static int read_numeral(LFLex *ls, LFToken *t)
{
    const char *expo = "Ee";
    int first = ls->current;
    save_and_next(ls);
    if (first == '0' && check_next2(ls, "xX")) expo = "Pp";
    for (;;) {
        if (check_next2(ls, expo)) check_next2(ls, "-+");
        else if (isxdigit(ls->current) || ls->current == '.') save_and_next(ls);
        else break;
    }
    if (ls->current != EOZ && (isalpha(ls->current) || ls->current == '_'))
        save_and_next(ls);
    save(ls, 0); ls->blen--;
    int r = str2num(ls->buf, &t->i, &t->r);
    if (r == 0) lexerror(ls, "malformed number", TK_FLT);
    return r == 1 ? TK_INT : TK_FLT;
}

static size_t skip_sep(LFLex *ls)
{
    size_t count = 0;
    int s = ls->current;
    save_and_next(ls);
    while (ls->current == '=') { save_and_next(ls); count++; }
    return ls->current == s ? count + 2 : (count == 0 ? 1 : 0);
}

static void read_long_string(LFLex *ls, LFToken *t, size_t sep)
{
    int line = ls->linenumber;
    save_and_next(ls);
    if (currIsNewline(ls)) inclinenumber(ls);
    for (;;) {
        switch (ls->current) {
        case EOZ: {
            char msg[80];
            snprintf(msg, sizeof msg, "unfinished long %s (starting at line %d)",
                     t ? "string" : "comment", line);
            lexerror(ls, msg, TK_EOS);
        }
        case ']':
            if (skip_sep(ls) == sep) {
                save_and_next(ls);
                goto endloop;
            }
            break;
        case '\n': case '\r':
            save(ls, '\n');
            inclinenumber(ls);
            if (!t) ls->blen = 0;
            break;
        default:
            if (t) save_and_next(ls);
            else next(ls);
        }
    }
endloop:
    if (t) { t->s = intern(ls, ls->buf + sep, ls->blen - 2 * sep); t->len = ls->blen - 2 * sep; }
}

static void esccheck(LFLex *ls, int c, const char *msg)
{
    if (!c) {
        if (ls->current != EOZ) save_and_next(ls);
        lexerror(ls, msg, TK_STRING);
    }
}

static int gethexa(LFLex *ls)
{
    save_and_next(ls);
    esccheck(ls, ls->current != EOZ && isxdigit(ls->current), "hexadecimal digit expected");
    return hexval(ls->current);
}

static int readhexaesc(LFLex *ls)
{
    int r = gethexa(ls);
    r = (r << 4) + gethexa(ls);
    ls->blen -= 2;
    return r;
}

static unsigned long readutf8esc(LFLex *ls)
{
    unsigned long r;
    int i = 4;
    save_and_next(ls);
    esccheck(ls, ls->current == '{', "missing '{'");
    r = (unsigned long)gethexa(ls);
    while ((save_and_next(ls), ls->current != EOZ && isxdigit(ls->current))) {
        i++;
        esccheck(ls, r <= (0x7FFFFFFFu >> 4), "UTF-8 value too large");
        r = (r << 4) + (unsigned long)hexval(ls->current);
    }
    esccheck(ls, ls->current == '}', "missing '}'");
    next(ls);
    ls->blen -= (size_t)i;
    return r;
}

static void utf8esc(LFLex *ls)
{
    unsigned long x = readutf8esc(ls);
    char b[8]; int n = 1;
    if (x < 0x80) b[7] = (char)x;
    else {
        unsigned int mfb = 0x3f;
        do {
            b[8 - (n++)] = (char)(0x80 | (x & 0x3f));
            x >>= 6; mfb >>= 1;
        } while (x > mfb);
        b[8 - n] = (char)((~mfb << 1) | x);
    }
    for (int k = 8 - n; k < 8; k++) save(ls, (unsigned char)b[k]);
}

static int readdecesc(LFLex *ls)
{
    int i, r = 0;
    for (i = 0; i < 3 && ls->current != EOZ && isdigit(ls->current); i++) {
        r = 10 * r + ls->current - '0';
        save_and_next(ls);
    }
    esccheck(ls, r <= 255, "decimal escape too large");
    ls->blen -= (size_t)i;
    return r;
}

static void read_string(LFLex *ls, int del, LFToken *t)
{
    save_and_next(ls);
    while (ls->current != del) {
        switch (ls->current) {
        case EOZ: lexerror(ls, "unfinished string", TK_EOS);
        case '\n': case '\r': lexerror(ls, "unfinished string", TK_STRING);
        case '\\': {
            int c;
            save_and_next(ls);
            switch (ls->current) {
            case 'a': c = '\a'; goto read_save;
            case 'b': c = '\b'; goto read_save;
            case 'f': c = '\f'; goto read_save;
            case 'n': c = '\n'; goto read_save;
            case 'r': c = '\r'; goto read_save;
            case 't': c = '\t'; goto read_save;
            case 'v': c = '\v'; goto read_save;
            case 'x': c = readhexaesc(ls); goto read_save;
            case 'u': utf8esc(ls); goto no_save;
            case '\n': case '\r': inclinenumber(ls); c = '\n'; goto only_save;
            case '\\': case '"': case '\'': c = ls->current; goto read_save;
            case EOZ: goto no_save;
            case 'z': {
                ls->blen -= 1;
                next(ls);
                while (ls->current != EOZ && isspace(ls->current)) {
                    if (currIsNewline(ls)) inclinenumber(ls);
                    else next(ls);
                }
                goto no_save;
            }
            default:
                esccheck(ls, ls->current != EOZ && isdigit(ls->current), "invalid escape sequence");
                c = readdecesc(ls);
                goto only_save;
            }
        read_save:
            next(ls);
        only_save:
            ls->blen -= 1;
            save(ls, c);
        no_save:
            break;
        }
        default:
            save_and_next(ls);
        }
    }
    save_and_next(ls);
    t->s = intern(ls, ls->buf + 1, ls->blen - 2);
    t->len = ls->blen - 2;
}

static int isalpha_(int c) { return c != EOZ && (isalpha(c) || c == '_'); }
static int isalnum_(int c) { return c != EOZ && (isalnum(c) || c == '_'); }

static int llex(LFLex *ls, LFToken *t)
{
    ls->blen = 0;
    for (;;) {
        switch (ls->current) {
        case '\n': case '\r': inclinenumber(ls); break;
        case ' ': case '\f': case '\t': case '\v': next(ls); break;
        case '-':
            next(ls);
            if (ls->current != '-') return '-';
            next(ls);
            if (ls->current == '[') {
                size_t sep = skip_sep(ls);
                ls->blen = 0;
                if (sep >= 2) {
                    read_long_string(ls, NULL, sep);
                    ls->blen = 0;
                    break;
                }
            }
            while (!currIsNewline(ls) && ls->current != EOZ) next(ls);
            break;
        case '[': {
            size_t sep = skip_sep(ls);
            if (sep >= 2) { read_long_string(ls, t, sep); return TK_STRING; }
            else if (sep == 0) lexerror(ls, "invalid long string delimiter", TK_STRING);
            return '[';
        }
        case '=': next(ls); return check_next1(ls, '=') ? TK_EQ : '=';
        case '<':
            next(ls);
            if (check_next1(ls, '=')) return TK_LE;
            if (check_next1(ls, '<')) return TK_SHL;
            return '<';
        case '>':
            next(ls);
            if (check_next1(ls, '=')) return TK_GE;
            if (check_next1(ls, '>')) return TK_SHR;
            return '>';
        case '/': next(ls); return check_next1(ls, '/') ? TK_IDIV : '/';
        case '~': next(ls); return check_next1(ls, '=') ? TK_NE : '~';
        case ':': next(ls); return check_next1(ls, ':') ? TK_DBCOLON : ':';
        case '"': case '\'': read_string(ls, ls->current, t); return TK_STRING;
        case '.':
            save_and_next(ls);
            if (check_next1(ls, '.')) {
                if (check_next1(ls, '.')) return TK_DOTS;
                return TK_CONCAT;
            }
            if (ls->current == EOZ || !isdigit(ls->current)) return '.';
            return read_numeral(ls, t);
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            return read_numeral(ls, t);
        case EOZ: return TK_EOS;
        default:
            if (isalpha_(ls->current)) {
                do save_and_next(ls); while (isalnum_(ls->current));
                if (ls->blen >= 2 && ls->blen <= 8 && ls->buf[0] >= 'a' && ls->buf[0] <= 'w')
                for (int k = 0; k <= TK_WHILE - 257; k++)
                    if (strlen(tokens[k]) == ls->blen && memcmp(tokens[k], ls->buf, ls->blen) == 0)
                        return 257 + k;
                t->s = intern(ls, ls->buf, ls->blen); t->len = ls->blen;
                return TK_NAME;
            } else {
                int c = ls->current;
                next(ls);
                return c;
            }
        }
    }
}

void lf_next(LFLex *ls)
{
    ls->lastline = ls->linenumber;
    if (ls->ahead.tok != TK_EOS) {
        ls->t = ls->ahead;
        ls->ahead.tok = TK_EOS;
    } else {
        ls->t.tok = llex(ls, &ls->t);
    }
}

int lf_lookahead(LFLex *ls)
{
    ls->ahead.tok = llex(ls, &ls->ahead);
    return ls->ahead.tok;
}
