/*
 * pffi_call.c — calling a function cdata from Python.
 *
 * The path of `lib.add(1, 2)`: vectorcall on the CData, arguments converted
 * from the Python objects straight into a stack buffer (tdmP_ffi_to_c, no
 * neutral values for ints and floats), the prepared libffi interface of the
 * interned signature, the GIL released around ffi_call, the result converted
 * straight back. Nothing is allocated unless the result is a cdata. The
 * runtime lock is taken only to prepare an interface the first time, or to
 * intern the concrete signature of a variadic call.
 *
 * A Python (or Lua) callback that fails during the call parks its error in
 * the tdmF_CallCtx pushed here; after ffi_call returns it is raised as the
 * identical exception object.
 */
#include "pffi.h"     /* Python.h first */
#include <errno.h>
#include <string.h>

#define ARGBUF 512
#define MAXARGS 32

static size_t rup(size_t x)
{
    return (x + 15) & ~(size_t)15;
}

/* The function type and code address of a callable cdata; NULL raised. */
static const tdmF_Type *callee(tdmP_CData *c, void **code)
{
    const tdmF_Type *t = c->cd->type;
    char tn[160];
    if (t->kind == TDMF_FUNC) {
        *code = c->cd->addr;
        return t;
    }
    if (t->kind == TDMF_PTR && t->base->kind == TDMF_FUNC) {
        *code = *(void **)c->cd->addr;
        return t->base;
    }
    PyErr_Format(PyExc_TypeError, "cdata '%s' is not callable", tdmF_cffi_typename(t, tn, sizeof tn));
    return NULL;
}

static void label_of(tdmP_CData *c, const tdmF_Type *fn, char *buf, size_t n)
{
    char tn[128];
    if (c->cd->name) {
        snprintf(buf, n, "'%s'", c->cd->name);
    } else {
        snprintf(buf, n, "function '%s'", tdmF_cffi_typename(fn, tn, sizeof tn));
    }
}

/* A list or tuple for a `T *` parameter is a temporary T[len] initialised
   from it (as cffi): the array lives until the call returns. Temps holds
   them. */
typedef struct Temps {
    void *p[MAXARGS];
    int n;
} Temps;

static void temps_free(Temps *tm)
{
    while (tm->n > 0) {
        PyMem_Free(tm->p[--tm->n]);
    }
}

/* 1: o was a list for pointer type pt and *slot holds the temporary's
   address; 0: not that case; -1: err set (an element did not convert). */
static int list_arg(tdmF_Registry *R, const tdmF_Type *pt, PyObject *o, void *slot, Temps *tm,
                    tdmF_Err *err)
{
    const tdmF_Type *et;
    Py_ssize_t n, k;
    unsigned char *a;
    if (!(PyList_Check(o) || PyTuple_Check(o)) || pt->kind != TDMF_PTR) {
        return 0;
    }
    et = pt->base;
    if (et->size == 0 || et->kind == TDMF_VOID || et->kind == TDMF_FUNC) {
        return 0;
    }
    n = PySequence_Fast_GET_SIZE(o);
    if ((size_t)n > ((size_t)PY_SSIZE_T_MAX - 1) / et->size ||
        (a = PyMem_Calloc((size_t)n * et->size + 1, 1)) == NULL) {
        return tdmF_seterr(err, TDM_ERRMEM, "not enough memory for a %zd-element array", n),
               -1;
    }
    tm->p[tm->n++] = a;
    for (k = 0; k < n; k++) {
        /* the list may be changed by an element's conversion: take each item
           anew, holding a reference while converting it */
        PyObject *it;
        int rc;
        if (k >= PySequence_Fast_GET_SIZE(o)) {
            break;
        }
        it = PySequence_Fast_GET_ITEM(o, k);
        Py_INCREF(it);
        rc = tdmP_ffi_to_c(R, et, it, a + (size_t)k * et->size, TDMF_CV_STORE, err);
        Py_DECREF(it);
        if (rc != TDM_OK) {
            if (!(err->status == TDM_ERRRUN && PyErr_Occurred())) {
                tdmF_err_prefix(err, "item %zd: ", k);
            }
            return -1;
        }
    }
    *(void **)slot = a;
    return 1;
}

/* Types of the variadic arguments and the interned call signature (lock). */
static const tdmF_Type *vararg_sig(tdmP_CData *c, const tdmF_Type *fn, PyObject *const *args,
                                   int nargs, const tdmF_Type **ptypes, const char *label,
                                   tdmF_Err *err)
{
    tdm_Runtime *rt = c->rt;
    tdmF_Registry *R = rt->ffi;
    const tdmF_Type *sig = NULL;
    int i;
    for (i = 0; i < fn->nparams; i++) {
        ptypes[i] = fn->params[i];
    }
    for (; i < nargs; i++) {
        tdm_Value v;
        if (tdmP_ffi_value(R, args[i], &v) < 0) {
            PyObject *t, *val, *tb;
            PyErr_Fetch(&t, &val, &tb);
            PyObject *s = val ? PyObject_Str(val) : NULL;
            tdmF_seterrk(err, TDMF_EK_RANGE, TDM_ERRTYPE, "argument %d to %s: %s (out of range)",
                         i + 1, label, s && PyUnicode_AsUTF8(s) ? PyUnicode_AsUTF8(s) : "bad value");
            PyErr_Clear();
            Py_XDECREF(s);
            Py_XDECREF(t);
            Py_XDECREF(val);
            Py_XDECREF(tb);
            return NULL;
        }
        if (v.kind == TDM_OBJ && v.lang == TDM_LANG_PYTHON) {
            tdmF_seterr(err, TDM_ERRTYPE, "argument %d to %s: cannot pass a '%.60s' object as "
                        "a variadic argument (pass an int, a float, bytes, None or a cdata)",
                        i + 1, label, Py_TYPE(args[i])->tp_name);
            return NULL;
        }
        ptypes[i] = tdmF_vararg_type(R, &v, err);
        tdmF_value_release(R, &v);
        if (ptypes[i] == NULL) {
            tdmF_err_prefix(err, "argument %d to %s: ", i + 1, label);
            return NULL;
        }
    }
    sig = tdmF_func(R, fn->base, ptypes, nargs, 1, fn->nparams, err);
    if (sig != NULL && tdmF_cif(R, sig, err) == NULL) {
        tdmF_err_prefix(err, "call to %s: ", label);
        return NULL;
    }
    return sig;
}

/* A native call made while this thread holds the runtime lock (Python code
   called from Lua) counts as the lock holder's (tdmF_busy_*): a Lua callback
   arriving on another thread meanwhile is refused instead of waiting for a
   lock that cannot be released until C returns. NULL when not held. */
static tdmF_Busy *busy_enter(tdm_Runtime *rt)
{
    tdmF_Busy *busy;
    if (!tdmR_held(rt)) {
        return NULL;
    }
    busy = tdmF_busy(rt->ffi);
    tdmF_busy_enter(busy);
    return busy;
}

/* After the call: raise a refusal recorded meanwhile (when `report`; -1
   with ffi.error set), else drop it. */
static int busy_leave(tdmP_CData *c, tdmF_Busy *busy, int report)
{
    char *m;
    if (busy == NULL) {
        return 0;
    }
    tdmF_busy_leave(busy);
    if ((m = tdmF_busy_take(busy)) == NULL) {
        return 0;
    }
    if (report) {
        PyErr_SetString(tdmP_ffi_state((PyObject *)c)->FFIError, m);
    }
    free(m);
    return report ? -1 : 0;
}

#if defined(__x86_64__) && defined(__linux__)
/*
 * Direct calls. On x86_64 SysV, a non-variadic function whose parameters are
 * all integers or pointers (at most 6: all in registers) and whose result is
 * an integer, a pointer or void is called through a cast function pointer
 * with every argument widened to 64 bits (sign- or zero-extended, as callers
 * compiled by gcc and clang expect): the same machine call libffi would
 * make, without its interpretation of the descriptor. Everything else goes
 * through ffi_call.
 */
#define DIRECT_MAX TDMF_DIRECT_MAX

static int intlike(const tdmF_Type *t)
{
    return t->kind == TDMF_INT || t->kind == TDMF_ENUM || t->kind == TDMF_PTR;
}

static int direct_ok(const tdmF_Type *fn)
{
    if ((fn->flags & TDMF_VARIADIC) || fn->nparams > DIRECT_MAX ||
        !(fn->base->kind == TDMF_VOID || intlike(fn->base))) {
        return 0;
    }
    for (int i = 0; i < fn->nparams; i++) {
        if (!intlike(fn->params[i])) {
            return 0;
        }
    }
    return 1;
}

/* Widen the value to_c stored in the low bytes of a zeroed slot. */
static uint64_t widen(const tdmF_Type *t, uint64_t x)
{
    const tdmF_Type *st = tdmF_scalar(t);
    if (st->kind != TDMF_INT || !(st->flags & TDMF_SIGNED)) {
        return x;
    }
    switch (st->size) {
    case 1: return (uint64_t)(int64_t)(int8_t)x;
    case 2: return (uint64_t)(int64_t)(int16_t)x;
    case 4: return (uint64_t)(int64_t)(int32_t)x;
    default: return x;
    }
}

/* The commonest argument: an exact int for an int-sized integer parameter.
   1 done, 0 not this case or out of range (the general path reports it). */
static inline int fast_int(const tdmF_Type *t, PyObject *o, uint64_t *slot)
{
    int ovf;
    long long x;
    if (Py_TYPE(o) != &PyLong_Type || t->kind != TDMF_INT || t->size != 4 ||
        (t->flags & TDMF_BOOL)) {
        return 0;
    }
    x = PyLong_AsLongLongAndOverflow(o, &ovf);
    if (ovf != 0 || (t->flags & TDMF_SIGNED ? x < INT32_MIN || x > INT32_MAX
                                            : x < 0 || x > (long long)UINT32_MAX)) {
        return 0;
    }
    *slot = (t->flags & TDMF_SIGNED) ? (uint64_t)x : (uint64_t)(uint32_t)x;
    return 1;
}

static PyObject *call_direct(tdmP_CData *c, const tdmF_Type *fn, void *code,
                             PyObject *const *args, int nargs)
{
    uint64_t a[DIRECT_MAX], r;
    tdmF_Busy *busy;
    tdmF_CallCtx ctx;
    tdmF_Err err;
    char label[160];
    int i;
    Temps tm;
    int rc;
    tm.n = 0;
    for (i = 0; i < nargs; i++) {
        if (fast_int(fn->params[i], args[i], &a[i])) {
            continue;
        }
        a[i] = 0;
        if ((rc = list_arg(c->rt->ffi, fn->params[i], args[i], &a[i], &tm, &err)) == 0) {
            rc = tdmP_ffi_to_c(c->rt->ffi, fn->params[i], args[i], &a[i], TDMF_CV_ARG, &err)
                 == TDM_OK ? 1 : -1;
        }
        if (rc < 0) {
            temps_free(&tm);
            if (!(err.status == TDM_ERRRUN && PyErr_Occurred())) {
                label_of(c, fn, label, sizeof label);
                tdmF_err_prefix(&err, "argument %d to %s: ", i + 1, label);
            }
            memset(&err.cb, 0, sizeof err.cb);
            return tdmP_ffi_raise(tdmP_ffi_state((PyObject *)c), c->rt, &err, NULL);
        }
        a[i] = widen(fn->params[i], a[i]);
    }
    busy = busy_enter(c->rt);
    tdmF_ctx_push(&ctx);
    Py_BEGIN_ALLOW_THREADS
    errno = tdmF_errno();
    r = tdmF_call_direct(code, nargs, a);
    tdmF_set_errno(errno);
    Py_END_ALLOW_THREADS
    tdmF_ctx_pop(&ctx);
    temps_free(&tm);
    if (ctx.err.status != TDM_OK) {
        busy_leave(c, busy, 0);
        tdmF_err_init(&err);
        err.status = ctx.err.status;
        err.cb = ctx.err;
        return tdmP_ffi_raise(tdmP_ffi_state((PyObject *)c), c->rt, &err, NULL);
    }
    if (busy != NULL && busy_leave(c, busy, 1) < 0) {
        return NULL;
    }
    if (fn->base->kind == TDMF_INT && fn->base->size == 4 &&
        !(fn->base->flags & (TDMF_BOOL | TDMF_CHAR | TDMF_UNICHAR))) {
        return (fn->base->flags & TDMF_SIGNED) ? PyLong_FromLong((int32_t)r)
                                               : PyLong_FromUnsignedLong((uint32_t)r);
    }
    return tdmP_ffi_from_c(tdmP_ffi_state((PyObject *)c), c->rt, fn->base, &r, NULL);
}
#endif

static PyObject *call_error(tdmP_CData *c, tdmF_Err *err)
{
    return tdmP_ffi_raise(tdmP_ffi_state((PyObject *)c), c->rt, err, NULL);
}

PyObject *tdmP_cd_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                             PyObject *kw)
{
    tdmP_CData *c = (tdmP_CData *)self;
    int nargs = (int)PyVectorcall_NARGS(nargsf), i, fixed;
    _Alignas(16) unsigned char abuf[ARGBUF], rbuf[64];
    unsigned char *store = abuf, *rv = rbuf;
    void *avec[MAXARGS], *code;
    const tdmF_Type *ptypes_s[MAXARGS], **ptypes = ptypes_s;
    const tdmF_Type *fn, *sig;
    ffi_cif *cif;
    tdmF_CallCtx ctx;
    tdmF_Busy *busy;
    tdmF_Err err;
    size_t off = 0, total = 0, rsize;
    char label[160];
    PyObject *res = NULL;
    Temps tm;
    tm.n = 0;
    if ((fn = callee(c, &code)) == NULL) {
        return NULL;
    }
    tdmF_err_init(&err);
    fixed = fn->nparams;
    if (kw != NULL && PyTuple_GET_SIZE(kw) > 0) {
        label_of(c, fn, label, sizeof label);
        return PyErr_Format(PyExc_TypeError, "%s takes no keyword arguments", label);
    }
    if ((fn->flags & TDMF_VARIADIC) ? nargs < fixed : nargs != fixed) {
        label_of(c, fn, label, sizeof label);
        return PyErr_Format(PyExc_TypeError, "%s expects %s%d argument%s, got %d", label,
                            (fn->flags & TDMF_VARIADIC) ? "at least " : "", fixed,
                            fixed == 1 ? "" : "s", nargs);
    }
    if (nargs > MAXARGS) {
        label_of(c, fn, label, sizeof label);
        return PyErr_Format(PyExc_TypeError, "%s: more than %d arguments", label, MAXARGS);
    }
    if (code == NULL) {
        label_of(c, fn, label, sizeof label);
        return PyErr_Format(PyExc_RuntimeError, "call to %s: NULL function pointer", label);
    }
#ifdef DIRECT_MAX
    if (direct_ok(fn)) {
        return call_direct(c, fn, code, args, nargs);
    }
#endif
    label[0] = '\0';
    if (fn->flags & TDMF_VARIADIC) {
        label_of(c, fn, label, sizeof label);
        if (tdmP_ffi_lock(c->rt) < 0) {
            return NULL;
        }
        sig = vararg_sig(c, fn, args, nargs, ptypes, label, &err);
        tdmR_unlock(c->rt);
        if (sig == NULL) {
            return call_error(c, &err);
        }
        cif = (ffi_cif *)&sig->cif;
    } else {
        ptypes = fn->params;
        if (fn->cifstate == 1) {
            cif = (ffi_cif *)&fn->cif;
        } else {
            if (tdmP_ffi_lock(c->rt) < 0) {
                return NULL;
            }
            cif = tdmF_cif(c->rt->ffi, fn, &err);
            tdmR_unlock(c->rt);
            if (cif == NULL) {
                label_of(c, fn, label, sizeof label);
                tdmF_err_prefix(&err, "call to %s: ", label);
                return call_error(c, &err);
            }
        }
    }
    for (i = 0; i < nargs; i++) {
        total += rup(ptypes[i]->size ? ptypes[i]->size : 1);
    }
    rsize = rup(fn->base->size > sizeof(ffi_arg) ? fn->base->size : sizeof(ffi_arg));
    if ((total > ARGBUF && (store = PyMem_Malloc(total)) == NULL) ||
        (rsize > sizeof rbuf && (rv = PyMem_Malloc(rsize)) == NULL)) {
        PyErr_NoMemory();
        goto done;
    }
    for (i = 0; i < nargs; i++) {
        int rc;
        avec[i] = store + off;
        if ((rc = list_arg(c->rt->ffi, ptypes[i], args[i], avec[i], &tm, &err)) == 0) {
            rc = tdmP_ffi_to_c(c->rt->ffi, ptypes[i], args[i], avec[i], TDMF_CV_ARG, &err)
                 == TDM_OK ? 1 : -1;
        }
        if (rc < 0) {
            if (label[0] == '\0') {
                label_of(c, fn, label, sizeof label);
            }
            if (!(err.status == TDM_ERRRUN && PyErr_Occurred())) {
                tdmF_err_prefix(&err, "argument %d to %s: ", i + 1, label);
            }
            call_error(c, &err);
            goto done;
        }
        off += rup(ptypes[i]->size ? ptypes[i]->size : 1);
    }
    busy = busy_enter(c->rt);
    tdmF_ctx_push(&ctx);
    Py_BEGIN_ALLOW_THREADS
    errno = tdmF_errno();
    ffi_call(cif, FFI_FN(code), rv, avec);
    tdmF_set_errno(errno);
    Py_END_ALLOW_THREADS
    tdmF_ctx_pop(&ctx);
    if (ctx.err.status != TDM_OK) {
        busy_leave(c, busy, 0);
        tdmF_err_init(&err);
        err.status = ctx.err.status;
        err.cb = ctx.err;
        call_error(c, &err);
        goto done;
    }
    if (busy != NULL && busy_leave(c, busy, 1) < 0) {
        goto done;
    }
    res = tdmP_ffi_from_c(tdmP_ffi_state(self), c->rt, fn->base, rv, NULL);
done:
    temps_free(&tm);
    if (store != abuf) {
        PyMem_Free(store);
    }
    if (rv != rbuf) {
        PyMem_Free(rv);
    }
    return res;
}
