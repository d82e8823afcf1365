/*
 * ir.h — tandem's neutral translation IR (see docs/translation.md).
 *
 * A front end (any language) writes a module of functions as S-expression
 * text; the core parses it, validates it against the node table in ir.c and
 * analyses every yield point (live locals, enclosing loops, pending
 * handlers), so a back end and, later, a frame migrator can rely on it.
 * Includes neither interpreter header.
 *
 *   (module "file.py"
 *     (func NAME LINE (params p...) (defaults CONST...) (vars v...)
 *           (cells c...) (free u...) (globals g...) (flags gen?) (block STMT...)
 *           [(sig "QUALNAME" "MODULE" POSONLY VARARG|_ KWARG|_ (kwonly k...)
 *                 (kwdefaults x|_ ...))]))
 *
 * Every statement carries its source line as first argument; a yield point is
 * (yield LINE COL VALUE) or (yieldfrom LINE COL ITERABLE) and its stable id is
 * "LINE:COL" in the source file.
 */
#ifndef TDM_IR_H
#define TDM_IR_H

#include <stddef.h>
#include <stdint.h>

#include "lang.h"

typedef enum tdmX_Kind {
    TDMX_LIST, TDMX_SYM, TDMX_INT, TDMX_FLOAT, TDMX_STR
} tdmX_Kind;

typedef struct tdmX_Node tdmX_Node;
struct tdmX_Node {
    tdmX_Kind kind;
    int tline, tcol;            /* position in the IR text (parse errors) */
    union {
        int64_t i;
        double d;
        struct { char *p; size_t n; } s;        /* owns: SYM and STR text, NUL-ended */
        struct { tdmX_Node **v; int n; } l;     /* owns: children */
    } u;
};

/* One yield point of a function, computed by tdmX_load. */
typedef struct tdmX_Yield {
    int line, col;              /* the stable id: source position of the yield */
    const tdmX_Node *node;      /* borrowed: the (yield ...) or (yieldfrom ...) node */
    int nlive;
    const char **live;          /* owns the array; names borrowed from the tree:
                                   locals read after resuming before written */
    int nloops;
    const tdmX_Node **loops;    /* owns the array: enclosing for/while, outermost first */
    int nhandlers;
    const tdmX_Node **handlers; /* owns the array: enclosing try statements */
} tdmX_Yield;

typedef struct tdmX_Func {
    const char *name;           /* borrowed from the tree */
    int line;
    const tdmX_Node *node;      /* borrowed: the (func ...) node */
    const tdmX_Node *params, *defaults, *vars, *cells, *free, *globals, *body;  /* borrowed */
    int is_gen;
    int is_vararg;              /* Lua dialect: (flags vararg) */
    int nyields;
    tdmX_Yield *yields;         /* owns: in source order */
    const tdmX_Node *sig;       /* borrowed: (sig ...) or NULL (positional parameters only) */
    int nnested;
    struct tdmX_Func *nested;   /* owns (module-level functions only): the generator
                                   functions nested in this one at any depth, each
                                   with its yield points, inner ones first */
} tdmX_Func;

typedef struct tdmX_Module {
    tdmX_Node *root;            /* owns */
    const char *source;         /* borrowed from root: the source file name */
    int lua;                    /* (lang lua): the Lua dialect (docs/lua-ir.md) */
    int nfuncs;
    tdmX_Func *funcs;           /* owns */
} tdmX_Module;

/* Parse, validate and analyse IR text. TDM_OK and *out, or an error status
   with a message "ir:LINE:COL: ..." (IR text position) or "FILE:LINE: ..."
   (source position) in err. Never crashes on malformed input. */
TDMI_FUNC int tdmX_load(const char *text, size_t n, tdmX_Module **out,
                        char *err, size_t errsz);
TDMI_FUNC void tdmX_free(tdmX_Module *m);

/* Node helpers (NULL-safe). */
TDMI_FUNC const char *tdmX_head(const tdmX_Node *n);   /* symbol heading a list */
TDMI_FUNC int tdmX_is(const tdmX_Node *n, const char *head);
TDMI_FUNC int tdmX_len(const tdmX_Node *n);             /* children of a list */
TDMI_FUNC const tdmX_Node *tdmX_at(const tdmX_Node *n, int i);
TDMI_FUNC const tdmX_Func *tdmX_find(const tdmX_Module *m, const char *name);

#endif /* TDM_IR_H */
