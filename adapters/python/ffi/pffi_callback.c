/*
 * pffi_callback.c — cdata that hold Python objects: ffi.callback, ffi.gc,
 * ffi.new_handle/from_handle and ffi.from_buffer.
 *
 * Callbacks. The core's libffi closure calls cb_invoke with neutral
 * arguments; it takes the GIL (PyGILState_Ensure: the thread may be one the
 * C library made, or a Lua thread holding the runtime lock — "lock, then
 * GIL" is the allowed order), calls the Python function and returns a status.
 * An exception never unwinds through C: onerror(type, value, tb) runs first
 * (a non-None result becomes the C result), else the exception object is
 * handed to the core, which returns the declared error value to C and parks
 * the error on the waiting native call; pffi_call.c re-raises the same object
 * with its traceback when ffi_call returns.
 *
 * Finalizer records (gc, handles, buffers) belong to the core cdata: they run
 * when its last reference goes, from whichever language drops it, and take
 * the GIL. The wrapper that created such a cdata points at the record
 * (tdmP_CData.extra) so the cyclic GC can see the Python objects it holds
 * while that wrapper is the only holder (cd->refs == 1).
 */
#include "pffi.h"     /* Python.h first */
#include <string.h>

enum { TAG_CB = 0x43424346, TAG_FIN = 0x46494e46 };
enum { FIN_GC, FIN_HANDLE, FIN_BUFFER };

/* A Python callback binding. Owned by two holders — the core binding (until
   drop) and the creating wrapper — counted under the GIL. */
typedef struct CbInfo {
    int tag;
    int refs;
    PyObject *fn;               /* strong; NULL once unbound */
    PyObject *onerror;          /* strong or NULL */
    PyObject *error;            /* strong: error= given (cffi's reporting), or NULL */
    PyObject *fm;               /* strong: the _ffi module (types) */
    tdm_Runtime *rt;            /* borrowed: its registry owns the binding */
} CbInfo;

typedef struct Fin {
    int tag;
    int kind;                   /* FIN_* */
    PyObject *a;                /* strong: destructor / handle object / buffer source */
    PyObject *b;                /* strong: original cdata (gc) / address key (handle) */
    PyObject *handles;          /* strong: the handle table (handles) */
    Py_buffer view;             /* FIN_BUFFER: released by the finalizer */
} Fin;

static void cbinfo_decref(CbInfo *ci)
{
    if (--ci->refs == 0) {
        Py_CLEAR(ci->fn);
        Py_CLEAR(ci->onerror);
        Py_CLEAR(ci->error);
        Py_CLEAR(ci->fm);
        PyMem_RawFree(ci);
    }
}

/* ---- callbacks ------------------------------------------------------------- */

/* The current exception into a bridge error record (steals it). */
static int capture(tdmS_Error *err)
{
    PyObject *t, *v, *tb, *s;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    if (v == NULL) {
        v = Py_NewRef(Py_None);
    }
    if (tb != NULL && PyExceptionInstance_Check(v)) {
        PyException_SetTraceback(v, tb);
    }
    s = PyObject_Str(v);
    if (s == NULL) {
        PyErr_Clear();
    }
    const char *msg = s ? PyUnicode_AsUTF8(s) : NULL;
    const char *tn = PyExceptionInstance_Check(v) ? Py_TYPE(v)->tp_name : "error";
    size_t n = strlen(tn) + (msg ? strlen(msg) : 0) + 3;
    memset(err, 0, sizeof *err);
    err->status = TDM_ERRRUN;
    err->message = malloc(n);
    if (err->message != NULL) {
        snprintf(err->message, n, "%s%s%s", tn, msg && msg[0] ? ": " : "", msg ? msg : "");
    }
    PyErr_Clear();
    Py_XDECREF(s);
    err->value.kind = TDM_OBJ;
    err->value.lang = TDM_LANG_PYTHON;
    err->value.flags = TDM_VF_OWNED | TDM_VF_ERROBJ;
    err->value.u.obj = v;       /* steals */
    err->value.key = v;
    Py_XDECREF(t);
    Py_XDECREF(tb);
    return TDM_ERRRUN;
}

/* Print the current exception to sys.stderr as cffi does ("From cffi
   callback <function f at 0x...>:" and the traceback) and clear it. */
static void report(CbInfo *ci, const char *what)
{
    PyObject *t, *v, *tb, *f;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    f = PySys_GetObject("stderr");                  /* borrowed */
    if (f != NULL && f != Py_None && t != NULL) {
        if (PyFile_WriteString("From cffi callback ", f) < 0 ||
            PyFile_WriteObject(ci->fn ? ci->fn : Py_None, f, 0) < 0 ||
            PyFile_WriteString(":\n", f) < 0 || PyFile_WriteString(what, f) < 0) {
            PyErr_Clear();
        }
        PyErr_Display(t, v, tb);
    }
    Py_XDECREF(t);
    Py_XDECREF(v);
    Py_XDECREF(tb);
    PyErr_Clear();
}

static int cb_invoke(void *ud, const tdmF_Type *fn, int nargs, const tdm_Value *args,
                     tdm_Value *result, tdmS_Error *err)
{
    CbInfo *ci = ud;
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *small[8], **pa = small, *r = NULL;
    tdmP_FFIState *fs;
    int i, st = TDM_OK;
    *result = tdm_nil();
    if (ci->fn == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "callback called after it was freed");
        goto pyerr;
    }
    fs = PyModule_GetState(ci->fm);
    if (nargs > 8 && (pa = PyMem_Malloc((size_t)nargs * sizeof *pa)) == NULL) {
        PyErr_NoMemory();
        goto pyerr;
    }
    for (i = 0; i < nargs; i++) {
        if ((pa[i] = tdmP_ffi_from_value(fs, ci->rt, fn->params[i], &args[i])) == NULL) {
            while (--i >= 0) {
                Py_DECREF(pa[i]);
            }
            goto pyerr;
        }
    }
    r = PyObject_Vectorcall(ci->fn, pa, (size_t)nargs, NULL);
    for (i = 0; i < nargs; i++) {
        Py_DECREF(pa[i]);
    }
    if (r == NULL) {
        goto pyerr;
    }
    if (fn->base->kind == TDMF_VOID && r != Py_None) {
        /* cffi's warning; C gets nothing either way */
        PyErr_SetString(PyExc_TypeError, "callback with the return type 'void' must return "
                        "None");
        report(ci, "Trying to convert the result back to C:\n");
        goto done;
    }
    if (ci->error != NULL && fn->base->kind != TDMF_VOID && fn->base->kind != TDMF_STRUCT &&
        fn->base->kind != TDMF_UNION) {
        /* cffi's handling asked for: a result that does not convert is an
           error of the callback (printed, C gets `error`), so try it here */
        _Alignas(16) unsigned char trial[32];
        tdmF_Err ferr;
        tdmF_err_init(&ferr);
        if (fn->base->size <= sizeof trial &&
            tdmP_ffi_to_c(ci->rt->ffi, fn->base, r, trial, TDMF_CV_RESULT, &ferr) != TDM_OK) {
            if (!PyErr_Occurred()) {
                tdmF_err_prefix(&ferr, "callback result: ");
                memset(&ferr.cb, 0, sizeof ferr.cb);
                tdmP_ffi_raise(fs, ci->rt, &ferr, NULL);
            }
            goto pyerr;
        }
    }
    if (fn->base->kind != TDMF_VOID &&
        tdmP_ffi_owned_value(ci->rt->ffi, fn->base, r, result) < 0) {
        goto pyerr;
    }
    goto done;
pyerr:
    if (ci->error != NULL) {
        /* cffi's behaviour, asked for by error= or onerror=: onerror(t, v, tb)
           may give the result; else the error is printed to stderr (only
           without onerror) and C gets the error value. Nothing is raised. */
        PyObject *t, *v, *tb, *x = NULL;
        if (ci->onerror == NULL) {
            report(ci, "");
        } else {
            PyErr_Fetch(&t, &v, &tb);
            PyErr_NormalizeException(&t, &v, &tb);
            if (tb != NULL && v != NULL) {
                PyException_SetTraceback(v, tb);
            }
            x = PyObject_CallFunctionObjArgs(ci->onerror, t ? t : Py_None, v ? v : Py_None,
                                             tb ? tb : Py_None, NULL);
            Py_XDECREF(t);
            Py_XDECREF(v);
            Py_XDECREF(tb);
            if (x == NULL) {
                report(ci, "During the call to 'onerror', another exception occurred:\n");
            }
        }
        if (fn->base->kind != TDMF_VOID && x != NULL && x != Py_None &&
            tdmP_ffi_owned_value(ci->rt->ffi, fn->base, x, result) == 0) {
            st = TDM_OK;                    /* onerror's result */
        } else {
            PyErr_Clear();
            st = TDMF_CB_ERRVAL;            /* the error value */
        }
        Py_XDECREF(x);
        goto done;
    }
    if (ci->onerror != NULL) {
        PyObject *t, *v, *tb, *x;
        PyErr_Fetch(&t, &v, &tb);
        PyErr_NormalizeException(&t, &v, &tb);
        if (tb != NULL && v != NULL) {
            PyException_SetTraceback(v, tb);
        }
        x = PyObject_CallFunctionObjArgs(ci->onerror, t ? t : Py_None, v ? v : Py_None,
                                         tb ? tb : Py_None, NULL);
        if (x != NULL && x != Py_None && fn->base->kind != TDMF_VOID &&
            tdmP_ffi_owned_value(ci->rt->ffi, fn->base, x, result) == 0) {
            Py_DECREF(x);
            Py_XDECREF(t);
            Py_XDECREF(v);
            Py_XDECREF(tb);
            goto done;
        }
        if (x != NULL) {
            Py_DECREF(x);
            PyErr_Restore(t, v, tb);        /* onerror declined: the original error */
        } else {
            PyObject *t2, *v2, *tb2;        /* onerror failed: its error, chained */
            PyErr_Fetch(&t2, &v2, &tb2);
            PyErr_NormalizeException(&t2, &v2, &tb2);
            if (v2 != NULL && v != NULL) {
                PyException_SetContext(v2, v);      /* steals v */
                v = NULL;
            }
            Py_XDECREF(t);
            Py_XDECREF(v);
            Py_XDECREF(tb);
            PyErr_Restore(t2, v2, tb2);
        }
    }
    if (tdmF_tls_ctx == NULL) {
        /* no native call of ours waits on this thread (a C thread, or C
           calling the pointer later): nobody to raise it to, so report it
           as cffi does and give C the error value */
        report(ci, "");
        memset(err, 0, sizeof *err);
        st = err->status = TDM_ERRRUN;
    } else {
        st = capture(err);
    }
done:
    Py_XDECREF(r);
    if (pa != small) {
        PyMem_Free(pa);
    }
    PyGILState_Release(g);
    return st;
}

static void cb_drop(void *ud)
{
    CbInfo *ci = ud;
    if (!Py_IsInitialized()) {
        return;                     /* interpreter gone: leak, never crash */
    }
    PyGILState_STATE g = PyGILState_Ensure();
    Py_CLEAR(ci->fn);
    Py_CLEAR(ci->onerror);
    Py_CLEAR(ci->error);
    cbinfo_decref(ci);
    PyGILState_Release(g);
}

PyObject *tdmP_ffi_callback(tdmP_FFI *ffi, const tdmF_Type *t, PyObject *fn, PyObject *error,
                            PyObject *onerror)
{
    tdmP_FFIState *fs = tdmP_ffi_state((PyObject *)ffi);
    tdm_Value ev;
    tdmF_CData *cd = NULL;
    tdmF_Err err;
    CbInfo *ci;
    PyObject *res;
    int st;
    if (tdmP_ffi_value(ffi->R, error ? error : Py_None, &ev) < 0) {
        return NULL;
    }
    ci = PyMem_RawCalloc(1, sizeof *ci);
    if (ci == NULL) {
        tdmF_value_release(ffi->R, &ev);
        return PyErr_NoMemory();
    }
    ci->tag = TAG_CB;
    ci->refs = 2;                   /* the binding and the wrapper */
    ci->fn = Py_NewRef(fn);
    ci->onerror = Py_XNewRef(onerror);
    if (error != NULL || onerror != NULL) {
        ci->error = Py_NewRef(error ? error : Py_None);
    }
    ci->fm = Py_NewRef(PyType_GetModule(Py_TYPE(ffi)));
    ci->rt = ffi->rt;
    tdmF_err_init(&err);
    if (tdmP_ffi_lock(ffi->rt) < 0) {
        st = -1;
    } else {
        st = tdmF_callback_new(ffi->R, t, cb_invoke, ci, cb_drop, &ev, &cd, &err);
        tdmR_unlock(ffi->rt);
    }
    tdmF_value_release(ffi->R, &ev);
    if (st != TDM_OK) {
        ci->refs = 1;
        cbinfo_decref(ci);
        if (st > 0 && err.cb.status == TDM_OK && err.kind == TDMF_EK_NOTIMPL) {
            /* a parameter or result libffi cannot pass: cffi's exception
               and wording, tandem's reason as a note */
            char tn[200];
            const tdmF_Type *ft = t->kind == TDMF_PTR ? t->base : t;
            PyObject *msg = PyUnicode_FromFormat(
                "%s: callback with unsupported argument or return type or with '...'",
                tdmF_cffi_declname(ft, "(*)", tn, sizeof tn));
            PyObject *exc = msg ? PyObject_CallOneArg(PyExc_NotImplementedError, msg) : NULL;
            PyObject *r = exc ? PyObject_CallMethod(exc, "add_note", "s", err.msg) : NULL;
            if (r != NULL) {
                PyErr_SetObject(PyExc_NotImplementedError, exc);
            }
            Py_XDECREF(r);
            Py_XDECREF(exc);
            Py_XDECREF(msg);
            return NULL;
        }
        return st < 0 ? NULL : tdmP_ffi_raise(fs, ffi->rt, &err, NULL);
    }
    res = tdmP_cd_new(fs, ffi->rt, cd, 0);
    if (res == NULL) {
        cbinfo_decref(ci);          /* the binding died with cd */
        return NULL;
    }
    ((tdmP_CData *)res)->extra = ci;
    PyObject_GC_Track(res);
    return res;
}

/* ---- finalizer records ------------------------------------------------------ */

static void fin_run(void *ud, tdmF_CData *cd)
{
    Fin *f = ud;
    (void)cd;
    if (!Py_IsInitialized()) {
        return;
    }
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);       /* a dealloc may run with an exception set */
    if (f->kind == FIN_GC && f->a != NULL) {
        PyObject *r = PyObject_CallOneArg(f->a, f->b);
        if (r == NULL) {
            PyErr_WriteUnraisable(f->a);
        }
        Py_XDECREF(r);
    } else if (f->kind == FIN_HANDLE && f->b != NULL) {
        if (PyDict_DelItem(f->handles, f->b) < 0) {
            PyErr_Clear();
        }
    } else if (f->kind == FIN_BUFFER) {
        PyBuffer_Release(&f->view);
    }
    Py_XDECREF(f->a);
    Py_XDECREF(f->b);
    Py_XDECREF(f->handles);
    PyMem_RawFree(f);
    PyErr_Restore(t, v, tb);
    PyGILState_Release(g);
}

static Fin *fin_new(int kind)
{
    Fin *f = PyMem_RawCalloc(1, sizeof *f);
    if (f == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    f->tag = TAG_FIN;
    f->kind = kind;
    return f;
}

/* Wrap a fresh cdata that carries finalizer record f. */
static PyObject *wrap_fin(tdmP_FFI *ffi, tdmF_CData *cd, Fin *f, int pflags)
{
    PyObject *res;
    tdmF_cd_set_finalizer(cd, fin_run, f);
    res = tdmP_cd_new(tdmP_ffi_state((PyObject *)ffi), ffi->rt, cd, pflags);
    if (res != NULL) {
        ((tdmP_CData *)res)->extra = f;
        PyObject_GC_Track(res);
    }
    return res;
}

PyObject *tdmP_ffi_gc(tdmP_FFI *ffi, PyObject *cdata, PyObject *dtor, Py_ssize_t size)
{
    tdmP_CData *c = (tdmP_CData *)cdata;
    tdmF_CData *cd = c->cd, *n;
    tdmF_Err err;
    Fin *f;
    (void)size;
    if (dtor == Py_None) {
        /* cffi: gc(p, None) detaches the destructor of a cdata ffi.gc made
           and returns None; any other cdata has none to remove */
        if (c->extra && ((Fin *)c->extra)->tag == TAG_FIN && ((Fin *)c->extra)->kind == FIN_GC) {
            Py_CLEAR(((Fin *)c->extra)->a);
            Py_RETURN_NONE;
        }
        PyErr_SetString(PyExc_TypeError, "Can remove destructor only on a object previously "
                        "returned by ffi.gc()");
        return NULL;
    }
    if (!PyCallable_Check(dtor)) {
        PyErr_SetString(PyExc_TypeError, "gc(): the destructor must be callable");
        return NULL;
    }
    tdmF_err_init(&err);
    if (cd->type->kind == TDMF_PTR) {
        n = tdmF_cd_alloc(ffi->R, cd->type, sizeof(void *), &err);
        if (n != NULL) {
            *(void **)n->addr = *(void **)cd->addr;
        }
    } else {
        n = tdmF_cd_ref(ffi->R, cd->type, cd->addr, cd->nelem, NULL, &err);
    }
    if (n == NULL) {
        return PyErr_NoMemory();
    }
    if ((f = fin_new(FIN_GC)) == NULL) {
        tdmF_cd_decref(n);
        return NULL;
    }
    f->a = Py_NewRef(dtor);
    f->b = Py_NewRef(cdata);        /* keeps the memory alive, passed to destructor */
    return wrap_fin(ffi, n, f, 0);
}

PyObject *tdmP_ffi_new_handle(tdmP_FFI *ffi, PyObject *obj)
{
    tdmP_FFIState *fs = tdmP_ffi_state((PyObject *)ffi);
    const tdmF_Type *vp = tdmF_ptr(ffi->R, tdmF_base(ffi->R, TDMF_T_VOID), NULL);
    tdmF_CData *cd;
    tdmF_Err err;
    PyObject *rec;
    Fin *f;
    tdmF_err_init(&err);
    if (vp == NULL || (cd = tdmF_cd_alloc(ffi->R, vp, sizeof(void *), &err)) == NULL) {
        return PyErr_NoMemory();
    }
    *(void **)cd->addr = cd->addr;      /* a unique address while the handle lives */
    if ((f = fin_new(FIN_HANDLE)) == NULL) {
        tdmF_cd_decref(cd);
        return NULL;
    }
    f->a = Py_NewRef(obj);
    f->handles = Py_NewRef(fs->handles);
    f->b = PyLong_FromVoidPtr(cd->addr);
    rec = PyLong_FromVoidPtr(f);
    if (f->b == NULL || rec == NULL || PyDict_SetItem(fs->handles, f->b, rec) < 0) {
        Py_XDECREF(rec);
        Py_CLEAR(f->b);
        tdmF_cd_set_finalizer(cd, fin_run, f);
        tdmF_cd_decref(cd);
        return NULL;
    }
    Py_DECREF(rec);
    return wrap_fin(ffi, cd, f, TDMP_CD_HANDLE);
}

PyObject *tdmP_ffi_from_handle(tdmP_FFI *ffi, PyObject *p)
{
    tdmP_FFIState *fs = tdmP_ffi_state((PyObject *)ffi);
    PyObject *key, *rec;
    Fin *f;
    if (!tdmP_is_cdata(p) || ((tdmP_CData *)p)->cd->type->kind != TDMF_PTR) {
        PyErr_SetString(PyExc_TypeError, "from_handle(): expected a pointer cdata");
        return NULL;
    }
    if (tdmF_cd_address(((tdmP_CData *)p)->cd) == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "cannot use from_handle() on NULL pointer");
        return NULL;                    /* cffi's class and words */
    }
    key = PyLong_FromVoidPtr(tdmF_cd_address(((tdmP_CData *)p)->cd));
    if (key == NULL) {
        return NULL;
    }
    rec = PyDict_GetItemWithError(fs->handles, key);
    Py_DECREF(key);
    if (rec == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "from_handle(): not the address of a live handle "
                            "(made by new_handle and still alive)");
        }
        return NULL;
    }
    f = PyLong_AsVoidPtr(rec);
    if (f == NULL || f->a == NULL) {
        PyErr_SetString(PyExc_ValueError, "from_handle(): the handle's object was collected");
        return NULL;
    }
    return Py_NewRef(f->a);
}

PyObject *tdmP_cd_from_buffer(tdmP_FFI *ffi, const tdmF_Type *t, PyObject *obj)
{
    tdmF_Registry *R = ffi->R;
    tdmF_CData *cd = NULL;
    tdmF_Err err;
    int64_t nelem = -1;
    char tn[160];
    Fin *f = fin_new(FIN_BUFFER);
    if (f == NULL) {
        return NULL;
    }
    if (PyObject_GetBuffer(obj, &f->view, PyBUF_WRITABLE) < 0) {
        PyErr_Clear();
        if (PyObject_GetBuffer(obj, &f->view, PyBUF_SIMPLE) < 0) {
            PyMem_RawFree(f);
            return NULL;
        }
    }
    f->a = Py_NewRef(obj);
    tdmF_err_init(&err);
    if (tdmP_ffi_lock(ffi->rt) < 0) {
        goto fail;
    }
    if (t == NULL) {
        t = tdmF_array(R, tdmF_base(R, TDMF_T_CHAR), -1, &err);
    }
    if (t != NULL && t->kind == TDMF_ARRAY && t->base->size > 0) {
        nelem = t->length >= 0 ? -1 : (int64_t)f->view.len / (int64_t)t->base->size;
        if (t->length < 0 || (size_t)f->view.len >= t->size) {
            cd = tdmF_cd_ref(R, t, f->view.buf, nelem, NULL, &err);
        }
    }
    tdmR_unlock(ffi->rt);
    if (cd == NULL) {
        if (t == NULL || err.status != TDM_OK) {
            tdmP_ffi_raise(tdmP_ffi_state((PyObject *)ffi), ffi->rt, &err, NULL);
        } else {
            PyErr_Format(PyExc_TypeError, "from_buffer(): expected an array ctype that fits "
                         "the buffer, got '%s'", tdmF_cffi_typename(t, tn, sizeof tn));
        }
        goto fail;
    }
    return wrap_fin(ffi, cd, f, TDMP_CD_BUFFER);
fail:
    PyBuffer_Release(&f->view);
    Py_XDECREF(f->a);
    PyMem_RawFree(f);
    return NULL;
}

/* ---- GC and repr support for CData ----------------------------------------- */

int tdmP_cd_traverse_extra(tdmP_CData *c, visitproc visit, void *arg)
{
    if (c->extra == NULL || c->cd == NULL) {
        return 0;
    }
    if (*(int *)c->extra == TAG_CB) {
        CbInfo *ci = c->extra;
        if (c->cd->refs == 1) {
            Py_VISIT(ci->fn);
            Py_VISIT(ci->onerror);
        }
    } else if (c->cd->refs == 1 && c->cd->fin == fin_run) {
        Fin *f = c->extra;
        Py_VISIT(f->a);
        if (f->kind == FIN_GC) {
            Py_VISIT(f->b);
        }
    }
    return 0;
}

void tdmP_cd_clear_extra(tdmP_CData *c)
{
    if (c->extra == NULL || c->cd == NULL) {
        return;
    }
    if (*(int *)c->extra == TAG_CB) {
        CbInfo *ci = c->extra;
        if (c->cd->refs == 1 && ci->fn != NULL) {
            tdmF_callback_free(c->cd, NULL);        /* drop() clears fn */
        }
    } else if (c->cd->refs == 1 && c->cd->fin == fin_run) {
        Fin *f = c->extra;
        if (f->kind == FIN_HANDLE && f->b != NULL) {
            if (PyDict_DelItem(f->handles, f->b) < 0) {
                PyErr_Clear();
            }
            Py_CLEAR(f->b);
        }
        if (f->kind != FIN_BUFFER) {
            Py_CLEAR(f->a);
        }
        if (f->kind == FIN_GC) {
            Py_CLEAR(f->b);
        }
    }
}

void tdmP_cd_drop_extra(tdmP_CData *c)
{
    if (c->extra != NULL && *(int *)c->extra == TAG_CB) {
        cbinfo_decref(c->extra);
    }
    c->extra = NULL;
}

PyObject *tdmP_cd_repr_extra(tdmP_CData *c)
{
    if (c->extra == NULL) {
        return NULL;
    }
    if (*(int *)c->extra == TAG_CB) {
        CbInfo *ci = c->extra;
        if (ci->fn == NULL) {
            return PyUnicode_FromString("(freed callback)");
        }
        return PyUnicode_FromFormat("calling %R", ci->fn);
    }
    Fin *f = c->extra;
    if (f->kind == FIN_HANDLE && f->a != NULL) {
        return PyUnicode_FromFormat("handle to %R", f->a);
    }
    if (f->kind == FIN_BUFFER) {
        return PyUnicode_FromFormat("buffer len %lld from '%s' object",
                                    (long long)tdmF_cd_length(c->cd), Py_TYPE(f->a)->tp_name);
    }
    return NULL;
}
