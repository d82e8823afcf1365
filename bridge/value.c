/*
 * value.c — neutral value ownership.
 */
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "value.h"

tdm_Value tdm_str(const char *s)
{
    return tdm_lstr(s, s ? strlen(s) : 0);
}

void tdmV_release(tdm_Runtime *rt, tdm_Value *v)
{
    if (v->kind == TDM_STR && (v->flags & TDM_VF_OWNSTR)) {
        free((void *)v->u.s.p);
    } else if (v->kind == TDM_OBJ && (v->flags & TDM_VF_OWNED) && rt != NULL
               && v->lang < TDM_NLANG) {
        const tdmR_Lang *l = rt->lang[v->lang];
        if (l != NULL) {
            if (l->release_runs == NULL || l->release_runs(rt, v->u.obj)) {
                rt->epoch++;    /* a release may run code (a finalizer) */
            }
            l->release(rt, v->u.obj);
        }
    }
    memset(v, 0, sizeof *v);
}

int tdmV_own_string(tdm_Value *v)
{
    if (v->kind != TDM_STR || (v->flags & TDM_VF_OWNSTR)) {
        return TDM_OK;
    }
    char *p = malloc(v->u.s.n + 1);
    if (p == NULL) {
        return TDM_ERRMEM;
    }
    memcpy(p, v->u.s.p, v->u.s.n);
    p[v->u.s.n] = '\0';
    v->u.s.p = p;
    v->flags |= TDM_VF_OWNSTR;
    return TDM_OK;
}

const char *tdmV_kind_name(int kind)
{
    static const char *const names[] = {"nil", "boolean", "integer", "float",
                                        "string", "object"};
    if (kind < 0 || kind > TDM_OBJ) {
        return "?";
    }
    return names[kind];
}

const char *tdm_status_name(tdm_Status st)
{
    static const char *const names[] = {
        "ok", "runtime error", "syntax error", "memory error", "type error",
        "bad argument", "runtime closed", "too deep", "yield", "dead coroutine",
        "missing", "timeout",
    };
    if ((unsigned)st >= sizeof names / sizeof names[0]) {
        return "unknown status";
    }
    return names[st];
}
