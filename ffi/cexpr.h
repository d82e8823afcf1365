/*
 * cexpr.h — constant expressions of declarations (array lengths, enum
 * values, bitfield widths, #define): evaluated in 64 bits, wrapping, never
 * undefined behaviour. Internal to the declaration parser.
 */
#ifndef TDM_FFI_CEXPR_H
#define TDM_FFI_CEXPR_H

#include "clex.h"

/* Evaluate the expression at the current token into *v. */
TDMI_FUNC int tdmF_cp_expr(P *p, int64_t *v);

/* From the parser (cparse.c), for sizeof(type) and casts: */
/* Can a type name start at t? */
TDMI_FUNC int tdmF_cp_starts_type(P *p, const Tok *t);
/* Parse a type name ("int", "struct s *", "int(*)(int)") into *out. */
TDMI_FUNC int tdmF_cp_type_name(P *p, const tdmF_Type **out);

#endif /* TDM_FFI_CEXPR_H */
