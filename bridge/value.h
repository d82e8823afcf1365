/*
 * value.h — helpers over the neutral value (tdm_Value, include/tandem.h).
 */
#ifndef TDM_VALUE_H
#define TDM_VALUE_H

#include "lang.h"

/* Drop what a value owns: its handle (TDM_VF_OWNED) through the owning
   language — immediately if rt's lock is held by this thread, else deferred —
   and an owned string copy. Leaves nil. rt may be NULL for non-objects. */
TDMI_FUNC void tdmV_release(tdm_Runtime *rt, tdm_Value *v);

/* Make a TDM_STR value own a private copy of its bytes (TDM_VF_OWNSTR).
   TDM_OK or TDM_ERRMEM. */
TDMI_FUNC int tdmV_own_string(tdm_Value *v);

/* Neutral kind name, for messages: "nil", "boolean", ... */
TDMI_FUNC const char *tdmV_kind_name(int kind);

#endif /* TDM_VALUE_H */
