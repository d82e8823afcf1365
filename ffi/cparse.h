/*
 * cparse.h — the C declaration parser (the subset cffi and LuaJIT accept
 * in cdef) and the type-name parser used by new/cast/typeof.
 *
 * Messages name the construct and its position in the text:
 *   "cdef: 3:12: unknown type name 'foo_t'"
 * and the position is also recorded apart in the tdmF_Err (line, col, the
 * line and file `# N "file"` markers give, where the message proper starts,
 * syntax error or bad declaration), for an adapter to word its own way.
 * Declarations parsed before an error stay declared (redeclaring them
 * identically later is harmless).
 */
#ifndef TDM_FFI_CPARSE_H
#define TDM_FFI_CPARSE_H

#include "ctypes.h"

/* Parse declarations `src[0..len)` (need not be NUL-terminated) into R.
   TDM_OK, or TDM_ERRSYNTAX / TDM_ERRMEM with err filled. */
TDMI_FUNC int tdmF_cdef(tdmF_Registry *R, const char *src, size_t len,
                        tdmF_Err *err);

/* tdmF_cdef with structs and unions packed to at most `pack` bytes of
   alignment (cffi's cdef(pack=N); packed=True is pack=1; 0: natural), as
   #pragma pack(N) before the text. A pack other than 0, 1, 2, 4, 8, 16 is a
   TDMF_EK_VALUE error. */
TDMI_FUNC int tdmF_cdef_pack(tdmF_Registry *R, const char *src, size_t len, int pack,
                             tdmF_Err *err);

/* Parse a type name: "int", "int[?]", "struct foo *", "int(*)(int, int)".
   `what` prefixes messages ("new", "cast", "typeof"). The outermost array
   may have a variable length ([?] or []): length -1. *out is interned. */
TDMI_FUNC int tdmF_parse_type(tdmF_Registry *R, const char *src, size_t len,
                              const char *what, const tdmF_Type **out,
                              tdmF_Err *err);

/* A value for a `$` placeholder (LuaJIT's parameterized types): each `$`
   in the text takes the next one, as a type (where a typedef name may
   stand), an identifier or an integer. Not text substitution: a type
   needs no name. */
typedef struct tdmF_Param {
    int kind;                   /* TDMF_P_TYPE, TDMF_P_NAME, TDMF_P_NUM */
    const tdmF_Type *type;      /* borrowed: TDMF_P_TYPE */
    const char *name;           /* borrowed: TDMF_P_NAME, valid during the parse */
    size_t len;
    int64_t num;                /* TDMF_P_NUM */
} tdmF_Param;
enum { TDMF_P_TYPE = 1, TDMF_P_NAME, TDMF_P_NUM };

/* tdmF_cdef and tdmF_parse_type with `$` placeholders; a `$` without a
   value left is an error. */
TDMI_FUNC int tdmF_cdef_params(tdmF_Registry *R, const char *src, size_t len,
                               const tdmF_Param *params, int nparams, tdmF_Err *err);
TDMI_FUNC int tdmF_parse_type_params(tdmF_Registry *R, const char *src, size_t len,
                                     const char *what, const tdmF_Param *params,
                                     int nparams, const tdmF_Type **out, tdmF_Err *err);

/* tdmF_cdef_params with TDMF_CDEF_* flags: TDMF_CDEF_ONE_TAG_KIND refuses a
   tag used for two kinds (`struct t` and `union t`), as C and LuaJIT do;
   cffi allows it. */
#define TDMF_CDEF_ONE_TAG_KIND 0x01
TDMI_FUNC int tdmF_cdef_flags(tdmF_Registry *R, const char *src, size_t len,
                              const tdmF_Param *params, int nparams, int flags,
                              tdmF_Err *err);

/* tdmF_parse_type with flags: TDMF_PT_NAMES accepts (and ignores) a
   declarator name, as cffi does: "int foo(int)", "int(*cb)(bool)". */
#define TDMF_PT_NAMES 0x01
TDMI_FUNC int tdmF_parse_type_ex(tdmF_Registry *R, const char *src, size_t len,
                                 const char *what, int flags, const tdmF_Type **out,
                                 tdmF_Err *err);

#endif /* TDM_FFI_CPARSE_H */
