/*
 * ffi_util.h — helpers the FFI unit tests share. They link ffi/ without
 * bridge/ (no tdm_str), so a string value is made here. Include after
 * check.h and the ffi headers a test needs.
 */
#ifndef TDM_TESTS_FFI_UTIL_H
#define TDM_TESTS_FFI_UTIL_H

#include <stdio.h>
#include <string.h>

#include "cdata.h"
#include "cparse.h"

/* The string value of s (a view of s: nothing to release). */
static inline tdm_Value S(const char *s)
{
    return tdm_lstr(s, strlen(s));
}

/* A borrowed value for a cdata (the caller keeps its reference). */
static inline tdm_Value cv(tdmF_CData *cd)
{
    tdm_Value v = tdmF_cd_value(cd);
    v.flags = 0;
    return v;
}

/* The type that s names in R, or NULL with err's message printed. */
static inline const tdmF_Type *parse_type(tdmF_Registry *R, tdmF_Err *err, const char *s)
{
    const tdmF_Type *t = NULL;
    if (tdmF_parse_type(R, s, strlen(s), "typeof", &t, err) != TDM_OK) {
        fprintf(stderr, "  type error: %s\n", err->msg);
        return NULL;
    }
    return t;
}

#endif
