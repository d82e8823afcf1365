/*
 * ccallback.c — libffi closures calling an adapter's handler; errors are
 * parked, never thrown through C.
 */
#include <stdlib.h>
#include <string.h>

#include "ccallback.h"

struct tdmF_Callback {
    tdmF_Registry *reg;         /* borrowed: owns this struct through its list */
    const tdmF_Type *fn;        /* borrowed: the function type */
    ffi_closure *closure;       /* owns: freed with the registry */
    void *code;                 /* the closure's executable address */
    tdmF_Invoke invoke;         /* NULL once unbound */
    void *ud;                   /* owns through drop */
    void (*drop)(void *ud);
    unsigned char *errval;      /* owns: the C error result (fn->base size bytes) */
    tdmS_Error pending;          /* owns: error raised outside any native call */
    tdmF_Callback *next;        /* borrowed: registry list */
};

/* The innermost native call of this thread waiting for callback errors.
   Not static: the Lua call fast path pushes and pops inline (lffi.h). Only
   err.status needs clearing on push: park() overwrites the whole record
   while the status is TDM_OK, and nothing reads it otherwise. */
__attribute__((visibility("hidden"))) _Thread_local tdmF_CallCtx *tdmF_tls_ctx
    __attribute__((tls_model("initial-exec")));

void tdmF_ctx_push(tdmF_CallCtx *c)
{
    memset(&c->err, 0, sizeof c->err);
    c->prev = tdmF_tls_ctx;
    tdmF_tls_ctx = c;
}

void tdmF_ctx_pop(tdmF_CallCtx *c)
{
    tdmF_tls_ctx = c->prev;
}

static void free_list(void *list)
{
    tdmF_Callback *cb = list, *next;
    for (; cb; cb = next) {
        next = cb->next;
        if (cb->drop && cb->invoke) {
            cb->drop(cb->ud);
        }
        tdmF_error_clear(cb->reg, &cb->pending);
        ffi_closure_free(cb->closure);
        free(cb->errval);
        free(cb);
    }
}

/* Park an error: the innermost waiting native call of this thread takes
   the first one; without one, the callback keeps it. Later errors of the
   same call are dropped (the first one explains the failure). */
static void park(tdmF_Callback *cb, tdmS_Error *e)
{
    tdmS_Error *slot = tdmF_tls_ctx ? &tdmF_tls_ctx->err : &cb->pending;
    if (slot->status == TDM_OK) {
        *slot = *e;
        memset(e, 0, sizeof *e);
    } else {
        tdmF_error_clear(cb->reg, e);
    }
}

static void park_msg(tdmF_Callback *cb, int status, const char *msg)
{
    tdmS_Error e;
    memset(&e, 0, sizeof e);
    e.status = status;
    e.message = strdup(msg);        /* NULL when out of memory: status still tells */
    park(cb, &e);
}

/* Write a C result into libffi's return slot (small integers widened to
   a full ffi_arg, as libffi requires). */
static void put_result(const tdmF_Type *t, void *ret, const void *val)
{
    const tdmF_Type *st = tdmF_scalar(t);
    if (st->kind == TDMF_INT && st->size < sizeof(ffi_arg)) {
        int64_t i = 0;
        switch (st->size) {
        case 1: i = (st->flags & TDMF_SIGNED) ? *(const int8_t *)val : *(const uint8_t *)val; break;
        case 2: i = (st->flags & TDMF_SIGNED) ? *(const int16_t *)val : *(const uint16_t *)val; break;
        default: i = (st->flags & TDMF_SIGNED) ? *(const int32_t *)val
                                                : (int64_t)*(const uint32_t *)val; break;
        }
        *(ffi_arg *)ret = (ffi_arg)i;
    } else if (t->kind != TDMF_VOID) {
        memcpy(ret, val, t->size);
    }
}

/* A C argument as a neutral value without a call, for what callbacks take
   most: integers (not _Bool; 64-bit unsigned up to INT64_MAX) and floats.
   0 for anything else (tdmF_from_c then). Same results as tdmF_from_c. */
static inline int fast_from_c(const tdmF_Type *t, const void *src, tdm_Value *out)
{
    const tdmF_Type *st = tdmF_scalar(t);
    int64_t i;
    if (st->kind == TDMF_INT && !(st->flags & TDMF_BOOL)) {
        int sg = (st->flags & TDMF_SIGNED) != 0;
        switch (st->size) {
        case 1: i = sg ? *(const int8_t *)src : *(const uint8_t *)src; break;
        case 2: i = sg ? *(const int16_t *)src : *(const uint16_t *)src; break;
        case 4: i = sg ? *(const int32_t *)src : (int64_t)*(const uint32_t *)src; break;
        case 8:
            i = *(const int64_t *)src;
            if (!sg && i < 0) {
                return 0;
            }
            break;
        default: return 0;
        }
        *out = tdm_int(i);
        return 1;
    }
    if (st->kind == TDMF_FLOAT) {
        *out = tdm_float(tdmF_load_float(st, src));
        return 1;
    }
    return 0;
}

/* A callback result into libffi's return slot without a call, for an
   integer result type (not _Bool) given a Lua/Python integer in range, or
   a floating-point type given a number. 0 for anything else, including
   every value out of range (tdmF_to_c then reports it). */
static inline int fast_result(const tdmF_Type *t, const tdm_Value *v, void *ret)
{
    const tdmF_Type *st = tdmF_scalar(t);
    if (st->kind == TDMF_INT && v->kind == TDM_INT && !(st->flags & TDMF_BOOL)) {
        int64_t i = v->u.i;
        if (st->size < 8) {
            int bits = (int)st->size * 8;
            int64_t lo = (st->flags & TDMF_SIGNED) ? -((int64_t)1 << (bits - 1)) : 0;
            int64_t hi = (st->flags & TDMF_SIGNED) ? ((int64_t)1 << (bits - 1)) - 1
                                                    : ((int64_t)1 << bits) - 1;
            if (i < lo || i > hi) {
                return 0;
            }
        } else if (st->size != 8 || (!(st->flags & TDMF_SIGNED) && i < 0)) {
            return 0;
        }
        *(ffi_arg *)ret = (ffi_arg)i;   /* widened, as put_result does */
        return 1;
    }
    if (st->kind == TDMF_FLOAT && (v->kind == TDM_INT || v->kind == TDM_FLOAT)) {
        double d = v->kind == TDM_INT ? (double)v->u.i : v->u.f;
        tdmF_store_float(st, ret, d);
        return 1;
    }
    return 0;
}

static void handler(ffi_cif *cif, void *ret, void **cargs, void *data)
{
    tdmF_Callback *cb = data;
    const tdmF_Type *fn = cb->fn, *rt = fn->base;
    tdm_Value small[8], *argv = small, res = tdm_nil();
    tdmS_Error e;
    tdmF_Err ferr;
    int i, n = fn->nparams, st;
    unsigned char tmp[64];
    (void)cif;
    small[0] = tdm_nil();           /* the rest is filled as converted */
    if (cb->invoke == NULL) {
        park_msg(cb, TDM_ERRRUN, "callback called after it was freed");
        goto fail;
    }
    if (n > 8 && (argv = calloc((size_t)n, sizeof *argv)) == NULL) {
        park_msg(cb, TDM_ERRMEM, "not enough memory in callback");
        goto fail;
    }
    for (i = 0; i < n; i++) {
        if (fast_from_c(fn->params[i], cargs[i], &argv[i])) {
            continue;
        }
        tdmF_err_init(&ferr);
        if (tdmF_from_c(cb->reg, fn->params[i], cargs[i], NULL, &argv[i], &ferr) != TDM_OK) {
            tdmF_err_prefix(&ferr, "callback argument %d: ", i + 1);
            while (--i >= 0) {
                tdmF_value_release(cb->reg, &argv[i]);
            }
            park_msg(cb, ferr.status, ferr.msg);
            goto fail;
        }
    }
    memset(&e, 0, sizeof e);
    st = cb->invoke(cb->ud, fn, n, argv, &res, &e);
    for (i = 0; i < n; i++) {
        if (argv[i].kind >= TDM_STR) {      /* numbers own nothing */
            tdmF_value_release(cb->reg, &argv[i]);
        }
    }
    if (argv != small) {
        free(argv);
        argv = small;
    }
    if (st == TDMF_CB_ERRVAL) {
        tdmF_value_release(cb->reg, &res);
        goto fail;
    }
    if (st != TDM_OK) {
        if (e.status == TDM_OK) {
            e.status = st;
        }
        park(cb, &e);
        tdmF_value_release(cb->reg, &res);
        goto fail;
    }
    if (rt->kind != TDMF_VOID) {
        unsigned char *buf;
        if (fast_result(rt, &res, ret)) {
            return;                         /* a number: owns nothing */
        }
        buf = rt->size <= sizeof tmp ? tmp : malloc(rt->size);
        if (buf == NULL) {
            park_msg(cb, TDM_ERRMEM, "not enough memory in callback");
            tdmF_value_release(cb->reg, &res);
            goto fail;
        }
        memset(buf, 0, rt->size);
        tdmF_err_init(&ferr);
        st = tdmF_to_c(cb->reg, rt, &res, buf, TDMF_CV_RESULT, &ferr);
        tdmF_value_release(cb->reg, &res);
        if (st != TDM_OK) {
            tdmF_err_prefix(&ferr, "callback result: ");
            park_msg(cb, ferr.status, ferr.msg);
            if (buf != tmp) {
                free(buf);
            }
            goto fail;
        }
        put_result(rt, ret, buf);
        if (buf != tmp) {
            free(buf);
        }
    } else {
        tdmF_value_release(cb->reg, &res);
    }
    return;
fail:
    if (argv != small) {
        free(argv);
    }
    put_result(rt, ret, cb->errval);
}

int tdmF_callback_new(tdmF_Registry *R, const tdmF_Type *fn, tdmF_Invoke invoke, void *ud,
                      void (*drop)(void *ud), const tdm_Value *errval, tdmF_CData **out,
                      tdmF_Err *err)
{
    tdmF_Callback *cb;
    tdmF_CData *cd;
    const tdmF_Type *pt;
    ffi_cif *cif;
    tdmF_Ext *ext = tdmF_ext(R);
    char tb[128];
    int st;
    *out = NULL;
    if (fn->kind == TDMF_PTR) {
        fn = fn->base;
    }
    if (fn->kind != TDMF_FUNC) {
        return tdmF_seterr(err, TDM_ERRTYPE, "callback: '%s' is not a function type",
                           tdmF_typename(fn, tb, sizeof tb));
    }
    if (fn->flags & TDMF_VARIADIC) {
        return tdmF_seterr(err, TDM_ERRTYPE, "callback: variadic callbacks are not supported "
                           "('%s')", tdmF_typename(fn, tb, sizeof tb));
    }
    if ((cif = tdmF_cif(R, fn, err)) == NULL) {
        tdmF_err_prefix(err, "callback '%s': ", tdmF_typename(fn, tb, sizeof tb));
        return err ? err->status : TDM_ERRTYPE;
    }
    if ((pt = tdmF_ptr(R, fn, err)) == NULL) {
        return err ? err->status : TDM_ERRMEM;
    }
    cb = calloc(1, sizeof *cb);
    if (cb == NULL || (cb->errval = calloc(1, fn->base->size + 8)) == NULL) {
        free(cb);
        return tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
    }
    cb->reg = R;
    cb->fn = fn;
    if (errval && errval->kind != TDM_NIL && fn->base->kind != TDMF_VOID &&
        (st = tdmF_to_c(R, fn->base, errval, cb->errval, TDMF_CV_RESULT, err)) != TDM_OK) {
        tdmF_err_prefix(err, "callback error value: ");
        free(cb->errval);
        free(cb);
        return st;
    }
    cb->closure = ffi_closure_alloc(sizeof(ffi_closure), &cb->code);
    if (cb->closure == NULL ||
        ffi_prep_closure_loc(cb->closure, cif, handler, cb, cb->code) != FFI_OK) {
        int nomem = cb->closure == NULL;
        if (cb->closure) {
            ffi_closure_free(cb->closure);
        }
        free(cb->errval);
        free(cb);
        return nomem ? tdmF_seterr(err, TDM_ERRMEM, "callback: not enough memory for a libffi closure")
                     : tdmF_seterr(err, TDM_ERRTYPE, "callback: libffi cannot prepare the closure");
    }
    if ((cd = tdmF_cd_alloc(R, pt, sizeof(void *), err)) == NULL) {
        ffi_closure_free(cb->closure);
        free(cb->errval);
        free(cb);
        return err ? err->status : TDM_ERRMEM;
    }
    cb->invoke = invoke;
    cb->ud = ud;
    cb->drop = drop;
    cb->next = ext->callbacks;
    ext->callbacks = cb;
    ext->free_callbacks = free_list;
    *(void **)cd->addr = cb->code;
    cd->flags |= TDMF_CD_CALLBACK;
    cd->cb = cb;
    *out = cd;
    return TDM_OK;
}

static void unbind(tdmF_Callback *cb)
{
    void (*drop)(void *) = cb->drop;
    void *ud = cb->ud;
    cb->invoke = NULL;
    cb->drop = NULL;
    cb->ud = NULL;
    if (drop) {
        drop(ud);
    }
}

static tdmF_Callback *get_cb(const tdmF_CData *cd, tdmF_Err *err)
{
    if (!(cd->flags & TDMF_CD_CALLBACK)) {
        tdmF_seterr(err, TDM_ERRTYPE, "not a callback");
        return NULL;
    }
    return cd->cb;
}

int tdmF_callback_set(tdmF_CData *cd, tdmF_Invoke invoke, void *ud, void (*drop)(void *ud),
                      tdmF_Err *err)
{
    tdmF_Callback *cb = get_cb(cd, err);
    if (cb == NULL) {
        return TDM_ERRTYPE;
    }
    if (cb->invoke == NULL) {
        return tdmF_seterr(err, TDM_ERRARG, "callback was freed: it cannot be set again");
    }
    unbind(cb);
    cb->invoke = invoke;
    cb->ud = ud;
    cb->drop = drop;
    return TDM_OK;
}

int tdmF_callback_free(tdmF_CData *cd, tdmF_Err *err)
{
    tdmF_Callback *cb = get_cb(cd, err);
    if (cb == NULL) {
        return TDM_ERRTYPE;
    }
    if (cb->invoke == NULL) {
        return tdmF_seterr(err, TDM_ERRARG, "callback was already freed");
    }
    unbind(cb);
    return TDM_OK;
}

int tdmF_callback_alive(const tdmF_CData *cd)
{
    return (cd->flags & TDMF_CD_CALLBACK) && ((tdmF_Callback *)cd->cb)->invoke != NULL;
}

int tdmF_callback_take_error(tdmF_CData *cd, tdmS_Error *out)
{
    tdmF_Callback *cb = get_cb(cd, NULL);
    if (cb == NULL || cb->pending.status == TDM_OK) {
        return 0;
    }
    *out = cb->pending;
    memset(&cb->pending, 0, sizeof cb->pending);
    return 1;
}

tdmF_Busy *tdmF_busy(tdmF_Registry *R)
{
    return &tdmF_ext(R)->busy;
}

void tdmF_busy_refuse(tdmF_Busy *b, const char *msg)
{
    char *m = strdup(msg), *none = NULL;
    if (m != NULL && !__atomic_compare_exchange_n(&b->refused, &none, m, 0, __ATOMIC_ACQ_REL,
                                                  __ATOMIC_RELAXED)) {
        free(m);        /* one is recorded already: the first explains it */
    }
}

void tdmF_callback_release(void *p)
{
    tdmF_Callback *cb = p;
    if (cb->invoke) {
        unbind(cb);
    }
}
