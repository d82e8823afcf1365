/*
 * frame.c — crossings: frame set-up, depth accounting, error records.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "value.h"

int tdmS_reserve_args(tdmS_Frame *f, int n)
{
    if (n <= TDM_FRAME_INLINE || f->args != f->argbuf) {
        return TDM_OK;
    }
    tdm_Value *a = calloc((size_t)n, sizeof *a);
    if (a == NULL) {
        return TDM_ERRMEM;
    }
    /* arguments already placed (e.g. the callee in args[0]) move along */
    int keep = f->nargs < TDM_FRAME_INLINE ? f->nargs : TDM_FRAME_INLINE;
    memcpy(a, f->argbuf, (size_t)keep * sizeof *a);
    f->args = a;
    return TDM_OK;
}

int tdmS_reserve_res(tdmS_Frame *f, int n)
{
    if (n <= TDM_FRAME_INLINE) {
        return TDM_OK;
    }
    tdm_Value *r = realloc(f->res == f->resbuf ? NULL : f->res,
                           (size_t)n * sizeof *r);
    if (r == NULL) {
        return TDM_ERRMEM;
    }
    if (f->res == f->resbuf) {
        memcpy(r, f->resbuf, sizeof f->resbuf);
    }
    f->res = r;
    return TDM_OK;
}

_Thread_local int tdmS_host_xcall __attribute__((tls_model("initial-exec")));

int tdmS_call(tdmS_Frame *f)
{
    tdm_Runtime *rt = f->rt;
    if (rt->closed) {
        return tdmS_error(f, TDM_ERRCLOSED, "tandem: the runtime is closed");
    }
    if (f->lang == NULL) {
        return tdmS_error(f, TDM_ERRARG, "tandem: language not attached to this runtime");
    }
    if (rt->depth >= rt->maxdepth) {
        return tdmS_error(f, TDM_ERRDEPTH,
                          "tandem: too many nested calls between languages (limit %d)",
                          rt->maxdepth);
    }
    f->prev = rt->top;
    /* rt->top is read by the Lua watchdog thread (lwatch.c: poke) without
       the runtime lock: relaxed atomic stores (plain moves on x86-64), so the
       access is not a data race (found by make tsan-test) */
    __atomic_store_n(&rt->top, f, __ATOMIC_RELAXED);
    rt->depth++;
    rt->epoch++;
    int st = f->lang->op(f);
    __atomic_store_n(&rt->top, f->prev, __ATOMIC_RELAXED);
    rt->depth--;
    if (st != TDM_OK && f->err.status == TDM_OK) {
        f->err.status = st;
    }
    return st;
}

void tdmS_end_full(tdmS_Frame *f)
{
    if (f->entered) {
        f->entered = 0;
        f->lang->finish(f);
    }
    /* arguments the callee did not steal go back to their language here, so
       no caller can read a freed argument array after this point */
    for (int i = 0; f->owning && i < f->nargs; i++) {
        tdm_Value *a = &f->args[i];
        if ((a->kind == TDM_OBJ && (a->flags & TDM_VF_OWNED))
            || (a->kind == TDM_STR && (a->flags & TDM_VF_OWNSTR))) {
            tdmV_release(f->rt, a);
        }
    }
    f->nargs = 0;
    if (f->args != f->argbuf) {
        free(f->args);
        f->args = f->argbuf;
    }
    if (f->res != f->resbuf) {
        free(f->res);
        f->res = f->resbuf;
    }
    f->nres = 0;
}

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

int tdmS_error_lstr(tdmS_Frame *f, int status, const char *msg, size_t n)
{
    free(f->err.message);
    f->err.message = dupn(msg, n);
    f->err.status = status;
    return status;
}

int tdmS_error(tdmS_Frame *f, int status, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) {
        n = 0;
    }
    if ((size_t)n >= sizeof buf) {
        n = (int)sizeof buf - 1;
    }
    return tdmS_error_lstr(f, status, buf, (size_t)n);
}

int tdmS_add_trace(tdmS_Error *e, tdm_LangId lang, const char *func,
                   const char *source, int line)
{
    tdmS_TraceEntry *t = realloc(e->trace, (size_t)(e->ntrace + 1) * sizeof *t);
    if (t == NULL) {
        return TDM_ERRMEM;
    }
    e->trace = t;
    t = &e->trace[e->ntrace++];
    t->func = func ? dupn(func, strlen(func)) : NULL;
    t->source = source ? dupn(source, strlen(source)) : NULL;
    t->line = line;
    t->lang = lang;
    return TDM_OK;
}

void tdmS_set_tbtext(tdmS_Error *e, const char *text, size_t n)
{
    free(e->tbtext);
    e->tbtext = text ? dupn(text, n) : NULL;
}

void tdmS_clear_error(tdm_Runtime *rt, tdmS_Error *e)
{
    free(e->message);
    for (int i = 0; i < e->ntrace; i++) {
        free(e->trace[i].func);
        free(e->trace[i].source);
    }
    free(e->trace);
    free(e->tbtext);
    tdmV_release(rt, &e->value);
    tdmV_release(rt, &e->inner);
    memset(e, 0, sizeof *e);
}

int tdmS_set_error(tdmS_Error *e, int status, const char *msg)
{
    free(e->message);
    e->message = msg != NULL ? dupn(msg, strlen(msg)) : NULL;
    e->status = status;
    return status;
}

void tdmS_move_error(tdmS_Error *dst, tdmS_Error *src)
{
    *dst = *src;
    memset(src, 0, sizeof *src);
}

tdmS_Frame *tdmS_unblock(tdm_Runtime *rt)
{
    tdmS_Frame *f = rt->top;
    if (f == NULL || f->unblocked || f->from >= TDM_NLANG || rt->lang[f->from] == NULL
        || rt->lang[f->from]->unblock == NULL) {
        return NULL;
    }
    rt->lang[f->from]->unblock(f);
    return f;
}

void tdmS_reblock(tdm_Runtime *rt, tdmS_Frame *f)
{
    if (f != NULL && f->from < TDM_NLANG && rt->lang[f->from] != NULL
        && rt->lang[f->from]->reblock != NULL) {
        rt->lang[f->from]->reblock(f);
    }
    rt->epoch++;        /* other threads of the caller's language may have run */
}

int tdmS_depth(const tdm_Runtime *rt)
{
    return rt->depth;
}
