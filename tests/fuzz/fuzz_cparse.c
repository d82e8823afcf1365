/*
 * fuzz_cparse.c — libFuzzer target for the declaration parser.
 *
 * Each input is parsed as a cdef and as a type name in a fresh registry;
 * whatever got declared is then spelled, sized and (for functions)
 * prepared for libffi, which walks every type the parser built.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(tdmF_Registry *R, const tdmF_Type *t)
{
    char buf[256];
    tdmF_Err err;
    tdmF_typename(t, buf, sizeof buf);
    if (tdmF_sized(t, "fuzz", &err) == TDM_OK && t->kind != TDMF_ARRAY) {
        (void)tdmF_ffitype(R, t, &err);
    }
    if (t->kind == TDMF_FUNC && !(t->flags & TDMF_VARIADIC)) {
        (void)tdmF_cif(R, t, &err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tdmF_Registry *R = tdmF_registry_new();
    tdmF_Err err;
    const tdmF_Type *t = NULL;
    static const char *const probe[] = {"f", "g", "x", "s", "t", "a", "b", NULL};
    int i;
    if (R == NULL) {
        return 0;
    }
    memset(&err, 0, sizeof err);
    (void)tdmF_cdef(R, (const char *)data, size, &err);
    for (i = 0; probe[i]; i++) {
        const tdmF_Name *n = tdmF_lookup(R, probe[i]);
        if (n && n->type) {
            exercise(R, n->type);
        }
    }
    if (tdmF_parse_type(R, (const char *)data, size, "fuzz", &t, &err) == TDM_OK) {
        exercise(R, t);
    }
    tdmF_registry_free(R);
    return 0;
}
