/* llex.h — the Lua 5.4 lexer of the front end (private to adapters/lua/front). */
#ifndef TDM_LLEX_H
#define TDM_LLEX_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

enum {
    TK_AND = 257, TK_BREAK, TK_DO, TK_ELSE, TK_ELSEIF, TK_END, TK_FALSE, TK_FOR,
    TK_FUNCTION, TK_GOTO, TK_IF, TK_IN, TK_LOCAL, TK_NIL, TK_NOT, TK_OR, TK_REPEAT,
    TK_RETURN, TK_THEN, TK_TRUE, TK_UNTIL, TK_WHILE,
    TK_IDIV, TK_CONCAT, TK_DOTS, TK_EQ, TK_GE, TK_LE, TK_NE, TK_SHL, TK_SHR,
    TK_DBCOLON, TK_EOS, TK_FLT, TK_INT, TK_NAME, TK_STRING
};

typedef struct LFArena LFArena;
void *lf_alloc(LFArena **a, size_t n);

typedef struct LFToken {
    int tok;
    const char *s; size_t len;  /* NAME, STRING: arena-owned */
    int64_t i;
    double r;
} LFToken;

typedef struct LFLex {
    const char *src; size_t n, pos;
    int current, linenumber, lastline;
    LFToken t, ahead;
    char *buf; size_t blen, bcap;   /* Lua's token buffer (error messages) */
    char chunk[256];
    jmp_buf jb;
    char *err; size_t errsz;
    LFArena *arena;
} LFLex;

void lf_lex_init(LFLex *ls, const char *src, size_t n, const char *chunkname);
void lf_next(LFLex *ls);
int lf_lookahead(LFLex *ls);
_Noreturn void lf_syntaxerror(LFLex *ls, const char *msg);   /* msg near current token */
_Noreturn void lf_semerror(LFLex *ls, const char *msg);      /* no "near" */
const char *lf_token2str(LFLex *ls, int tok, char *b, size_t bsz);

#endif
