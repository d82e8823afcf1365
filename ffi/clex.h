/*
 * clex.h — the declaration parser's tokens, state and lexer, shared by
 * clex.c, cexpr.c and cparse.c only (the public entry points are in cparse.h).
 *
 * The whole text is tokenized first (an array allows the look-ahead that
 * nested declarators need): clex.c turns text into Tok, cexpr.c evaluates
 * constant expressions over them, cparse.c parses declarations.
 */
#ifndef TDM_FFI_CLEX_H
#define TDM_FFI_CLEX_H

#include <stdint.h>
#include <string.h>

#include "ctypes.h"

#define MAXDEPTH 160

enum {
    K_EOF = 0, K_IDENT, K_NUM, K_PUNCT, K_DEFINE, K_EOL,
    K_STR,                      /* a string literal: p/len include the quotes */
    K_PTYPE,                    /* a type given for a `$` placeholder (ptype) */
    K_FNUM,                     /* a floating constant (p/len: its text) */
    K_PACK                      /* #pragma pack: punct is PK_*, num the value (0: default) */
};
enum { PK_SET = 1, PK_PUSH, PK_POP };   /* pack(N) / pack(), pack(push[,N]), pack(pop) */
#define PACKSTACK 16
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
    const tdmF_Type *ptype;     /* borrowed: K_PTYPE */
} Tok;

typedef struct P {
    tdmF_Registry *R;           /* borrowed */
    tdmF_Err *err;              /* borrowed: the caller's record */
    const char *what;           /* message prefix */
    Tok *toks;                  /* owns: freed at the end of the parse */
    int n, cap, pos;
    int depth;
    const struct tdmF_Param *params;    /* borrowed: values for `$`, or NULL */
    int nparams, nextparam;
    int names_ok;               /* a type name may carry a declarator name (cffi) */
    int pack;                   /* largest field alignment of structs declared now
                                   (cdef(pack=N), #pragma pack); 0: natural */
    int pack0;                  /* the pack the cdef started with (pack(), pop of empty) */
    int packstack[PACKSTACK], npack;    /* #pragma pack(push) */
    int packed_attr;            /* token index of an __attribute__((packed)) already
                                   applied to the struct before it, or -1 */
    int flags;                  /* TDMF_CDEF_* */
    int param_decl;             /* the next declarator is a function parameter's */
    int top_decl;               /* the next declarator is a declaration's own (its name
                                   names a function declared there, in messages) */
    const Tok *funcname;        /* borrowed: that name, for the suffix right after it */
    int incomplete_ok;          /* token index of a parameter's '[' whose element may
                                   be incomplete (struct b[]: a pointer), or -1 */
    int body_end;               /* token index just after the '}' of the struct or union
                                   body parsed last (an attribute there is its), or 0 */
    tdmF_Type *body_type;       /* borrowed: that struct or union */
    char *spliced;              /* owns: the source with its backslash-newlines removed
                                   (C's translation phase 2), when it had any; tokens
                                   point into it */
    size_t *splices;            /* owns: offsets in `spliced` where a line was joined
                                   (positions in messages stay the source's lines) */
    int nsplices;
    struct LineMark {           /* `# N "file"` line markers, in text order: the */
        int line;               /* text line after the marker is line num of file */
        int num;
        const char *file;       /* borrowed: into the (spliced) source, or NULL */
        int flen;
    } *marks;                   /* owns */
    int nmarks, capmarks;
} P;

/* Record an error at token t: "<what>: <line>:<col>: <message>". Returns status. */
TDMI_FUNC int tdmF_cp_err(P *p, const Tok *t, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* tdmF_cp_err for a syntax error (text that does not parse, where a bad
   declaration is tdmF_cp_err's): err->parse is set (cffi's 'cannot parse'). */
TDMI_FUNC int tdmF_cp_serr(P *p, const Tok *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Re-prefix a message produced by the registry with what and position (keeps its kind). */
TDMI_FUNC int tdmF_cp_rerr(P *p, const Tok *t);

/* Tokenize src[0..len) into p->toks (ending in K_EOF). TDM_OK or TDM_ERRSYNTAX/ERRMEM. */
TDMI_FUNC int tdmF_cp_lex(P *p, const char *src, size_t len);
/* Free what the lexer allocated (tokens, the spliced source). */
TDMI_FUNC void tdmF_cp_free(P *p);

/* ---- token helpers ------------------------------------------------------ */

static inline Tok *cur(P *p) { return &p->toks[p->pos]; }

static inline Tok *peekn(P *p, int k)
{
    int i = p->pos + k;
    return &p->toks[i < p->n ? i : p->n - 1];
}

static inline int is_punct(const Tok *t, int c) { return t->kind == K_PUNCT && t->punct == c; }

static inline int is_word(const Tok *t, const char *w)
{
    return t->kind == K_IDENT && (size_t)t->len == strlen(w) && memcmp(t->p, w, (size_t)t->len) == 0;
}

static inline void advance(P *p)
{
    if (p->toks[p->pos].kind != K_EOF) {
        p->pos++;
    }
}

static inline int accept(P *p, int c)
{
    if (is_punct(cur(p), c)) {
        advance(p);
        return 1;
    }
    return 0;
}

/* "'tok'", "end of input" or "end of line" into buf; returns buf. */
TDMI_FUNC const char *tdmF_cp_tokdesc(const Tok *t, char *buf, size_t n);
/* Accept punctuator c or fail with "expected 'c' <context>, got ...". */
TDMI_FUNC int tdmF_cp_expect(P *p, int c, const char *context);
/* The token's text, NUL-terminated (truncated to n - 1). */
TDMI_FUNC void tdmF_cp_tokname(const Tok *t, char *buf, size_t n);
/* One level deeper (callers decrement p->depth): fails past MAXDEPTH. */
TDMI_FUNC int tdmF_cp_enter(P *p);

#endif /* TDM_FFI_CLEX_H */
