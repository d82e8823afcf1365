/*
 * boot.h — starting, controlling and stopping languages without naming them.
 *
 * The registry (adapters/langs.c, linked into every product, as Lua's
 * linit.c) is the only file that names each adapter's tdmR_Lang. Everything
 * else starts a language by its id and reaches an attached language through
 * its table (open, close, control, release; operations through frames), so
 * no adapter calls into another and a third language adds one table and one
 * line in the registry.
 */
#ifndef TDM_BOOT_H
#define TDM_BOOT_H

#include "lang.h"

/* The table of language `id` linked into this product, or NULL. */
TDMI_FUNC const tdmR_Lang *tdmR_lang_of(tdm_LangId id);

/* Start language `id` in rt (o may be NULL: defaults) and attach it. Lua: a
   new state owned by rt. Python: start CPython when the process has none
   (libpython promoted to global symbols first), else only attach. Call
   without holding any interpreter lock except the caller's own. TDM_OK, or
   a status with err->status / err->message set (the caller clears err with
   tdmS_clear_error). */
TDMI_FUNC int tdmR_open_lang(tdm_Runtime *rt, tdm_LangId id, const tdmR_OpenOptions *o,
                             tdmS_Error *err);

/* tdmR_Ctl `code` on language `id` (its state in rt; rt may be NULL for
   process-wide codes). -1 when the language is not linked in, does not
   support the code, or its state in rt is closed. Takes the runtime lock
   itself for codes about rt: call it with no interpreter lock held (a
   finalizer may call back into another language). */
TDMI_FUNC long long tdmR_control(tdm_Runtime *rt, tdm_LangId id, int code, long long arg);

/* "Lua 5.4.6", ...: the release name of language `id`, or "" when unknown. */
TDMI_FUNC const char *tdmR_release_name(tdm_LangId id);

#endif /* TDM_BOOT_H */
