/*
 * langs.c — the language registry: the one file that names every adapter's
 * tdmR_Lang (as Lua's linit.c names its libraries). Starting and controlling
 * a language by id goes through here; everything else reaches an attached
 * language through rt->lang[id]. Adding a language: its table below.
 *
 * Sees neither interpreter's header (tools/check_layers.sh checks it).
 */
#include "runtime.h"
#include "boot.h"

/* Each adapter's table (defined in its own folder). */
TDMI_DATA const tdmR_Lang tdmL_lang;     /* adapters/lua/lstate.c */
TDMI_DATA const tdmR_Lang tdmP_lang;     /* adapters/python/pops.c */

static const tdmR_Lang *const langs[TDM_NLANG] = {
    [TDM_LANG_LUA] = &tdmL_lang,
    [TDM_LANG_PYTHON] = &tdmP_lang,
};

const tdmR_Lang *tdmR_lang_of(tdm_LangId id)
{
    return id > TDM_LANG_NONE && id < TDM_NLANG ? langs[id] : NULL;
}

int tdmR_open_lang(tdm_Runtime *rt, tdm_LangId id, const tdmR_OpenOptions *o, tdmS_Error *err)
{
    const tdmR_Lang *l = tdmR_lang_of(id);
    if (rt == NULL || l == NULL || l->open == NULL) {
        return tdmS_set_error(err, TDM_ERRARG, "tandem: no such language to start");
    }
    int status = l->open(rt, o, err);
    if (status != TDM_OK && err->status == TDM_OK) {
        err->status = status;
    }
    return status;
}

long long tdmR_control(tdm_Runtime *rt, tdm_LangId id, int code, long long arg)
{
    const tdmR_Lang *l = tdmR_lang_of(id);
    if (l == NULL || l->control == NULL) {
        return -1;
    }
    return l->control(rt, code, arg);
}

const char *tdmR_release_name(tdm_LangId id)
{
    const tdmR_Lang *l = tdmR_lang_of(id);
    return l != NULL && l->release_name != NULL ? l->release_name : "";
}
