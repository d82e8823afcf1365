/*
 * runtime.c — runtime lifetime, the runtime lock, deferred releases.
 */
#include <stdlib.h>
#include <string.h>
#include "runtime.h"

tdm_Runtime *tdmR_new(void)
{
    tdm_Runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        return NULL;
    }
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rt->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_mutex_init(&rt->qlock, NULL);
    rt->refs = 1;
    rt->maxdepth = TDM_MAX_DEPTH;
    tdmI_init(&rt->ids);
    return rt;
}

void tdmR_attach(tdm_Runtime *rt, const tdm_Lang *lang, void *state)
{
    rt->lang[lang->id] = lang;
    rt->state[lang->id] = state;
}

void tdmR_close(tdm_Runtime *rt)
{
    rt->closed = 1;
}

void tdmR_incref(tdm_Runtime *rt)
{
    __atomic_add_fetch(&rt->refs, 1, __ATOMIC_RELAXED);
}

void tdmR_decref(tdm_Runtime *rt)
{
    if (__atomic_sub_fetch(&rt->refs, 1, __ATOMIC_ACQ_REL) != 0) {
        return;
    }
    tdmS_clear_error(NULL, &rt->last);
    if (rt->ffi != NULL && rt->ffi_free != NULL) {
        rt->ffi_free(rt->ffi);
    }
    tdmI_free(&rt->ids);
    free(rt->pending);
    pthread_mutex_destroy(&rt->qlock);
    pthread_mutex_destroy(&rt->lock);
    free(rt);
}

void tdmR_lock(tdm_Runtime *rt)
{
    pthread_mutex_lock(&rt->lock);
    rt->owner = pthread_self();
    rt->nlocked++;
}

int tdmR_trylock(tdm_Runtime *rt)
{
    if (pthread_mutex_trylock(&rt->lock) != 0) {
        return 0;
    }
    rt->owner = pthread_self();
    rt->nlocked++;
    return 1;
}

void tdmR_unlock(tdm_Runtime *rt)
{
    rt->nlocked--;
    pthread_mutex_unlock(&rt->lock);
}

int tdmR_held(const tdm_Runtime *rt)
{
    return rt->nlocked > 0 && pthread_equal(rt->owner, pthread_self());
}

int tdmR_enter(tdm_Runtime *rt)
{
    if (rt->pinned && !tdmR_held(rt)) {
        return TDM_ERRARG;
    }
    tdmR_lock(rt);
    return TDM_OK;
}

int tdmR_defer(tdm_Runtime *rt, tdm_LangId lang, void *handle)
{
    int rc = 0;
    pthread_mutex_lock(&rt->qlock);
    if (rt->npending == rt->cpending) {
        int cap = rt->cpending ? rt->cpending * 2 : 64;
        tdm_Pending *p = realloc(rt->pending, (size_t)cap * sizeof *p);
        if (p == NULL) {
            rc = -1;
            goto done;
        }
        rt->pending = p;
        rt->cpending = cap;
    }
    rt->pending[rt->npending].lang = (uint8_t)lang;
    rt->pending[rt->npending].handle = handle;
    rt->npending++;
    rt->haspending = 1;
done:
    pthread_mutex_unlock(&rt->qlock);
    return rc;
}

void tdmR_drain(tdm_Runtime *rt, tdm_LangId lang)
{
    const tdm_Lang *l = rt->lang[lang];
    if (!rt->haspending || l == NULL) {
        return;
    }
    for (;;) {
        void *batch[64];
        int n = 0;
        pthread_mutex_lock(&rt->qlock);
        int keep = 0;
        for (int i = 0; i < rt->npending; i++) {
            if (rt->pending[i].lang == lang && n < 64) {
                batch[n++] = rt->pending[i].handle;
            } else {
                rt->pending[keep++] = rt->pending[i];
            }
        }
        rt->npending = keep;
        rt->haspending = keep > 0;
        pthread_mutex_unlock(&rt->qlock);
        if (n == 0) {
            return;
        }
        /* A release may run a finalizer that queues more: the loop sees it. */
        for (int i = 0; i < n; i++) {
            l->release(rt, batch[i]);
        }
    }
}
