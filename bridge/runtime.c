/*
 * runtime.c — runtime lifetime, the runtime lock, deferred releases.
 */
#include <stdlib.h>
#include <string.h>
#include "runtime.h"

/* The list of live runtimes (for the fork handlers), guarded by reg_lock. */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static tdm_Runtime *reg_head;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static uintptr_t self_id(void);

/* (Re)create the mutexes and condition of a runtime, unlocked. */
static void init_locks(tdm_Runtime *rt)
{
    pthread_mutex_init(&rt->wait_mutex, NULL);
    pthread_cond_init(&rt->wait_cond, NULL);
    pthread_mutex_init(&rt->qlock, NULL);
    /* recursive: a collector's visitor may itself run a collection that
       walks the record again (gc.get_referents and friends) */
    pthread_mutexattr_t ha;
    pthread_mutexattr_init(&ha);
    pthread_mutexattr_settype(&ha, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rt->hlock, &ha);
    pthread_mutexattr_destroy(&ha);
}

/* fork(): the list is stable across the fork (prepare/parent), and in the
   child, where only the forking thread exists, every runtime's locks are
   made anew. A thread of the parent that was inside a runtime is gone: its
   runtime lock is dropped (kept when the forking thread was the owner, with
   its recursion count) and nobody waits any more. Like CPython's own
   after-fork reset of its locks; what the vanished thread left half done in
   the interpreters is the same hazard CPython documents for fork(). */
static void fork_prepare(void)
{
    pthread_mutex_lock(&reg_lock);
}

static void fork_parent(void)
{
    pthread_mutex_unlock(&reg_lock);
}

static void fork_child(void)
{
    pthread_mutex_init(&reg_lock, NULL);
    uintptr_t me = self_id();
    for (tdm_Runtime *rt = reg_head; rt != NULL; rt = rt->reg_next) {
        init_locks(rt);
        rt->waiters = 0;
        if (rt->owner != me) {
            rt->owner = 0;
            rt->nlocked = 0;
        }
    }
}

static void register_fork_handlers(void)
{
    (void)pthread_atfork(fork_prepare, fork_parent, fork_child);
}

tdm_Runtime *tdmR_new(void)
{
    tdm_Runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        return NULL;
    }
    pthread_once(&fork_once, register_fork_handlers);
    init_locks(rt);
    pthread_mutex_lock(&reg_lock);
    rt->reg_next = reg_head;
    if (reg_head != NULL) {
        reg_head->reg_prev = rt;
    }
    reg_head = rt;
    pthread_mutex_unlock(&reg_lock);
    rt->refs = 1;
    rt->maxdepth = TDM_MAX_DEPTH;
    tdmI_init(&rt->ids);
    for (int i = 0; i < TDM_NLANG; i++) {
        tdmI_sinit(&rt->held[i], TDMI_COUNTED);
    }
    return rt;
}

void tdmR_attach(tdm_Runtime *rt, const tdmR_Lang *lang, void *state)
{
    rt->lang[lang->id] = lang;
    rt->state[lang->id] = state;
}

void tdmR_detach(tdm_Runtime *rt, tdm_LangId lang)
{
    if (lang > TDM_LANG_NONE && lang < TDM_NLANG) {
        rt->lang[lang] = NULL;
        rt->state[lang] = NULL;
    }
}

void tdmR_close_lang(tdm_Runtime *rt, tdm_LangId lang)
{
    if (lang > TDM_LANG_NONE && lang < TDM_NLANG && rt->lang[lang] != NULL
        && rt->lang[lang]->close != NULL) {
        rt->lang[lang]->close(rt);
    }
}

int tdmR_expose(tdm_Runtime *rt, tdm_LangId into, tdm_LangId from, const char *name,
                int flags, tdmS_Error *err)
{
    if (into <= TDM_LANG_NONE || into >= TDM_NLANG || from <= TDM_LANG_NONE
        || from >= TDM_NLANG || name == NULL) {
        return tdmS_set_error(err, TDM_ERRARG, "tandem: bad arguments to expose");
    }
    if (rt->lang[into] == NULL || rt->lang[from] == NULL) {
        return tdmS_set_error(err, TDM_ERRCLOSED,
                              "tandem: expose between languages not both attached");
    }
    tdmR_lock(rt);
    tdmS_Frame f;
    tdmS_init(&f, rt, rt->lang[into], TDM_OP_EXPOSE, TDM_LANG_NONE);
    f.sub = (uint8_t)flags;
    f.owning = 0;
    f.maxres = 0;
    f.args[0] = tdm_lstr(name, strlen(name));
    f.args[1] = tdm_int(from);
    f.nargs = 2;
    int status = tdmS_call(&f);
    tdmS_end(&f);
    if (status != TDM_OK) {
        tdmS_move_error(err, &f.err);
        if (err->status == TDM_OK) {
            err->status = status;
        }
    } else {
        tdmS_clear_error(rt, &f.err);
    }
    tdmR_unlock(rt);
    return status;
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
    pthread_mutex_lock(&reg_lock);
    if (rt->reg_prev != NULL) {
        rt->reg_prev->reg_next = rt->reg_next;
    } else {
        reg_head = rt->reg_next;
    }
    if (rt->reg_next != NULL) {
        rt->reg_next->reg_prev = rt->reg_prev;
    }
    pthread_mutex_unlock(&reg_lock);
    if (rt->ffi != NULL && rt->ffi_free != NULL) {
        rt->ffi_free(rt->ffi);
    }
    tdmI_free(&rt->ids);
    for (int i = 0; i < TDM_NLANG; i++) {
        tdmI_sfree(&rt->held[i]);
    }
    pthread_mutex_destroy(&rt->hlock);
    free(rt->pending);
    pthread_mutex_destroy(&rt->qlock);
    pthread_cond_destroy(&rt->wait_cond);
    pthread_mutex_destroy(&rt->wait_mutex);
    free(rt);
}

static uintptr_t self_id(void)
{
    return (uintptr_t)pthread_self();
}

static int try_acquire(tdm_Runtime *rt, uintptr_t me)
{
    uintptr_t free_ = 0;
    return __atomic_compare_exchange_n(&rt->owner, &free_, me, 0, __ATOMIC_SEQ_CST,
                                       __ATOMIC_RELAXED);
}

void tdmR_lock(tdm_Runtime *rt)
{
    uintptr_t me = self_id();
    if (__atomic_load_n(&rt->owner, __ATOMIC_RELAXED) == me) {
        rt->nlocked++;
        return;
    }
    if (!try_acquire(rt, me)) {
        pthread_mutex_lock(&rt->wait_mutex);
        __atomic_add_fetch(&rt->waiters, 1, __ATOMIC_SEQ_CST);
        while (!try_acquire(rt, me)) {
            pthread_cond_wait(&rt->wait_cond, &rt->wait_mutex);
        }
        __atomic_sub_fetch(&rt->waiters, 1, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&rt->wait_mutex);
    }
    rt->nlocked = 1;
}

int tdmR_trylock(tdm_Runtime *rt)
{
    uintptr_t me = self_id();
    if (__atomic_load_n(&rt->owner, __ATOMIC_RELAXED) == me) {
        rt->nlocked++;
        return 1;
    }
    if (!try_acquire(rt, me)) {
        return 0;
    }
    rt->nlocked = 1;
    return 1;
}

void tdmR_unlock(tdm_Runtime *rt)
{
    if (--rt->nlocked > 0) {
        return;
    }
    __atomic_store_n(&rt->owner, 0, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&rt->waiters, __ATOMIC_SEQ_CST) > 0) {
        /* a waiter registered before our release: wake it (it holds the
           mutex until it sleeps, so the signal cannot be lost) */
        pthread_mutex_lock(&rt->wait_mutex);
        pthread_cond_broadcast(&rt->wait_cond);
        pthread_mutex_unlock(&rt->wait_mutex);
    }
}

int tdmR_held(const tdm_Runtime *rt)
{
    return __atomic_load_n(&rt->owner, __ATOMIC_RELAXED) == self_id();
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
        tdmR_Pending *p = realloc(rt->pending, (size_t)cap * sizeof *p);
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
    __atomic_store_n(&rt->haspending, 1, __ATOMIC_RELAXED);
done:
    pthread_mutex_unlock(&rt->qlock);
    return rc;
}

void tdmR_drain(tdm_Runtime *rt, tdm_LangId lang)
{
    const tdmR_Lang *l = rt->lang[lang];
    if (!tdmR_haspending(rt) || l == NULL) {
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
        __atomic_store_n(&rt->haspending, keep > 0, __ATOMIC_RELAXED);
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

void tdmR_hold(tdm_Runtime *rt, tdm_LangId lang, void *handle, int delta)
{
    if (lang <= TDM_LANG_NONE || lang >= TDM_NLANG || handle == NULL) {
        return;
    }
    pthread_mutex_lock(&rt->hlock);
    (void)tdmI_cadd(&rt->held[lang], handle, delta);    /* out of memory: not recorded */
    pthread_mutex_unlock(&rt->hlock);
}

int tdmR_each_held(tdm_Runtime *rt, tdm_LangId lang,
                   int (*fn)(const void *handle, void *count, void *arg), void *arg)
{
    if (lang <= TDM_LANG_NONE || lang >= TDM_NLANG) {
        return 0;
    }
    pthread_mutex_lock(&rt->hlock);
    int rc = tdmI_ceach(&rt->held[lang], fn, arg);
    pthread_mutex_unlock(&rt->hlock);
    return rc;
}
