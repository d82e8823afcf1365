/*
 * clang.h — C data as a language of the bridge (TDM_LANG_C): the FFI's
 * language table, beside the Lua and Python adapters.
 *
 * A cdata crossing between languages is a neutral value {TDM_OBJ,
 * TDM_LANG_C, u.obj = the tdmF_CData}. tdmF_lang lets any adapter perform
 * the generic object operations on it (call, index, length, str, compare,
 * pointer arithmetic) through an ordinary frame, as it would on a Lua or
 * Python object; the language bindings (adapters/lua/ffi/, adapters/python/ffi/)
 * wrap cdata directly and use ffi/ without frames on their hot paths.
 *
 * Neutral: includes no interpreter header. The op runs with the runtime
 * lock already held by the caller (tdmR_enter) and takes no other lock.
 */
#ifndef TDM_ADAPTERS_CLANG_H
#define TDM_ADAPTERS_CLANG_H

#include <stddef.h>
#include "runtime.h"    /* struct tdm_Runtime (rt->ffi, rt->lang); header only */

/* op/finish/release (decref)/retain (incref) for TDM_LANG_C handles. */
TDMI_DATA const tdmR_Lang tdmF_lang;

/* Give rt its ffi registry (rt->ffi, freed by rt->ffi_free) if it has none,
   and attach tdmF_lang with the registry as its state. Idempotent: both
   bindings call it, so one runtime has one registry. TDM_OK, or TDM_ERRMEM
   with a message in err. Caller holds the runtime lock. */
TDMI_FUNC int tdmF_attach(tdm_Runtime *rt, char *err, size_t n);

#endif /* TDM_ADAPTERS_CLANG_H */
