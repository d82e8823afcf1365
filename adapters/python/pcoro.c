/*
 * pcoro.c — Lua coroutines seen from Python as generators.
 *
 * A _LuaThread proxy follows the generator protocol: next() resumes it (the
 * first resume passes the arguments given to coroutine()), send(v) resumes
 * with v (a tuple is unpacked into several Lua values, as lupa), throw()
 * raises the exception at the coroutine.yield where the coroutine is
 * suspended (a pcall there catches it; what the coroutine yields next is
 * throw()'s result), close() raises GeneratorExit there the same way. A
 * coroutine that returns gives its return values as the last item, then
 * StopIteration.
 */
#include <string.h>
#include "padapter.h"

/* CO_RUNNING: resumed from Python and not back yet; resuming it again (from
   a callback it runs) is refused like a generator's, without ending it. */
enum { CO_FRESH = 0, CO_STARTED = 1, CO_DONE = 2, CO_RUNNING = 3 };

#define CO(p) ((tdmP_CoProxy *)(p))

static int check_not_running(tdmP_Proxy *p)
{
    if (CO(p)->costate == CO_RUNNING) {
        PyErr_SetString(PyExc_ValueError, "Lua coroutine already executing");
        return -1;
    }
    return 0;
}

/* The values a resume produced: a single scalar without the converter. */
static PyObject *co_results(tdmP_State *st, tdmS_Frame *f)
{
    if (f->nres == 1) {
        int done;
        PyObject *o = tdmP_lean_result(&f->res[0], &done);
        if (done) {
            return o;
        }
    }
    return tdmP_results(st, f);
}

/* How a resume ended, for throw()/close(); RES_LEAN_NOT: resume_lean did
   nothing. */
enum { RES_VALUE, RES_NOTHROW, RES_ERROR, RES_DEAD, RES_LEAN_NOT };

/* The Python -> Lua call row's lean path (padapter.h tdmP_call_lean_inline)
   for a resume of a started coroutine that yields one scalar, the common
   step of a generator (issue 14's coroutine row): arguments that convert
   without the converter, this thread the only Python thread and the
   runtime lock free (the GIL kept), the frame on the stack without the
   general protocol. Anything else — a value needing the converter, another
   result, an error, the coroutine's end — leaves through resume_end with
   the same frame. *how is RES_LEAN_NOT when nothing was done (the general
   path runs). */
static PyObject *resume_end(tdmP_Proxy *p, tdmS_Frame *f, int status, int *how,
                            PyObject *tmp);

/* The coroutine itself as the resume's first argument (borrowed). */
static inline void thread_value(tdmP_Proxy *p, tdm_Value *a)
{
    a->kind = TDM_OBJ;
    a->flags = 0;
    a->lang = TDM_LANG_LUA;
    a->aux = TDM_OBJ_THREAD;
    a->u.obj = p->handle;
    a->key = p->key;
}

static PyObject *resume_lean(tdmP_Proxy *p, tdmS_Frame *f, PyObject *const *args,
                             Py_ssize_t n, int *how)
{
    tdmP_Runtime *r = p->owner;
    *how = RES_LEAN_NOT;
    if (n >= TDM_FRAME_INLINE || !r->st->enc_utf8) {
        return NULL;
    }
    thread_value(p, &f->argbuf[0]);
    for (Py_ssize_t i = 0; i < n; i++) {
        int k = tdmP_lean_arg(args[i], &f->argbuf[i + 1]);
        if (k <= 0) {
            if (k < 0) {
                *how = RES_ERROR;
            }
            return NULL;
        }
    }
    tdm_Runtime *rt = r->rt;
    if (!tdmP_sole_thread() || !tdmR_trylock(rt)) {
        return NULL;
    }
    tdmP_lean_frame(f, rt, TDM_OP_RESUME, (int)n + 1);
    CO(p)->costate = CO_RUNNING;
    int status = tdmS_call(f);
    tdmP_lean_after(r->st, rt);
    if (status == TDM_OK && f->sub == TDM_RESUME_YIELDED && f->nres == 1 && f->res == f->resbuf) {
        int conv;
        PyObject *res = tdmP_lean_result(&f->res[0], &conv);
        if (conv) {
            CO(p)->costate = CO_STARTED;
            *how = RES_VALUE;
            tdmP_lean_leave(f, rt);
            return res;
        }
    }
    return resume_end(p, f, status, how, NULL);
}

/* Resume with args (sub: 0, or TDM_RESUME_THROW with the exception as the
   only argument). *how says how it ended. New reference or NULL. */
static PyObject *resume_sub(tdmP_Proxy *p, PyObject *const *args, Py_ssize_t n, int sub,
                            int *how);

static PyObject *resume(tdmP_Proxy *p, PyObject *const *args, Py_ssize_t n)
{
    int how;
    return resume_sub(p, args, n, 0, &how);
}

static PyObject *resume_sub(tdmP_Proxy *p, PyObject *const *args, Py_ssize_t n, int sub,
                            int *how)
{
    *how = RES_ERROR;
    tdmP_Runtime *r = p->owner;
    if (CO(p)->costate == CO_DONE) {
        PyErr_SetNone(PyExc_StopIteration);
        return NULL;
    }
    if (check_not_running(p) < 0) {
        return NULL;
    }
    if (r->closed || p->handle == NULL) {
        if (tdmP_check_open(r) == 0) {
            PyErr_SetString(r->st->mod->LuaError, "the Lua object is no longer usable");
        }
        return NULL;
    }
    tdmS_Frame f;
    PyObject *tmp = NULL, *res = NULL;
    if (sub == 0 && CO(p)->costate == CO_STARTED) {
        res = resume_lean(p, &f, args, n, how);
        if (res != NULL || *how != RES_LEAN_NOT) {
            return res;
        }
        *how = RES_ERROR;
    }
    tdmP_frame(&f, r, TDM_OP_RESUME);
    thread_value(p, &f.args[0]);
    f.nargs = 1;
    f.sub = (uint8_t)sub;
    f.owning = 0;       /* args[0] is borrowed; fill_args sets it for one that owns */
    if (n > 0 && tdmP_fill_args(r, &f, 1, args, n, &tmp) < 0) {
        tdmP_drop_args(&f);
        tdmS_end(&f);
        Py_XDECREF(tmp);
        return NULL;
    }
    CO(p)->costate = CO_RUNNING;
    return resume_end(p, &f, tdmP_enter(&f), how, tmp);
}

/* After the resume's crossing (tdmP_enter, or resume_lean's): the
   coroutine's new state, the results or the error, the frame left. */
static PyObject *resume_end(tdmP_Proxy *p, tdmS_Frame *f, int status, int *how,
                            PyObject *tmp)
{
    tdmP_Runtime *r = p->owner;
    PyObject *res = NULL;
    *how = RES_ERROR;
    if (status == TDM_ERRDEAD) {
        CO(p)->costate = CO_DONE;
        *how = RES_DEAD;
        PyErr_SetNone(PyExc_StopIteration);
    } else if (status == TDM_OK && f->sub == TDM_RESUME_NOTHROW) {
        CO(p)->costate = CO_DONE;
        *how = RES_NOTHROW;
    } else if (status != TDM_OK) {
        CO(p)->costate = CO_DONE;
        tdmP_raise_frame(r->st, f, NULL);
        if (PyErr_ExceptionMatches(PyExc_StopIteration)) {
            /* as PEP 479 for generators: a StopIteration raised by code the
               coroutine ran must not look like the coroutine's end */
            PyObject *t, *v, *tb;
            PyErr_Fetch(&t, &v, &tb);
            PyErr_NormalizeException(&t, &v, &tb);
            if (tb != NULL) {
                PyException_SetTraceback(v, tb);
            }
            Py_XDECREF(t);
            Py_XDECREF(tb);
            PyObject *exc = PyObject_CallFunction(PyExc_RuntimeError, "s",
                                                  "Lua coroutine raised StopIteration");
            if (exc != NULL) {
                PyException_SetCause(exc, Py_NewRef(v));
                PyException_SetContext(exc, v);     /* steals v */
                PyErr_SetObject(PyExc_RuntimeError, exc);
                Py_DECREF(exc);
            } else {
                Py_XDECREF(v);
            }
        }
    } else if (f->sub == TDM_RESUME_YIELDED) {
        CO(p)->costate = CO_STARTED;
        *how = RES_VALUE;
        res = co_results(r->st, f);
    } else {
        CO(p)->costate = CO_DONE;
        *how = RES_VALUE;
        if (f->nres == 0) {
            PyErr_SetNone(PyExc_StopIteration);
        } else {
            res = tdmP_results(r->st, f);
        }
    }
    tdmP_leave(f);
    Py_XDECREF(tmp);
    return res;
}

static PyObject *thread_next(PyObject *self)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    PyObject *args = CO(p)->coargs;
    if (check_not_running(p) < 0) {
        return NULL;
    }
    if (args != NULL) {
        CO(p)->coargs = NULL;
        PyObject *r = resume(p, &PyTuple_GET_ITEM(args, 0), PyTuple_GET_SIZE(args));
        Py_DECREF(args);
        return r;
    }
    return resume(p, NULL, 0);
}

static PyObject *thread_send(PyObject *self, PyObject *value)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    if (value == Py_None) {
        return thread_next(self);
    }
    if (CO(p)->coargs != NULL) {
        PyErr_SetString(PyExc_TypeError,
                        "can't send non-None value to a just-started generator");
        return NULL;
    }
    if (PyTuple_Check(value)) {
        return resume(p, &PyTuple_GET_ITEM(value, 0), PyTuple_GET_SIZE(value));
    }
    return resume(p, &value, 1);
}

/* The exception throw(typ[, val[, tb]]) raises, as a generator's throw
   builds it. New reference, or NULL with an exception set. */
static PyObject *make_exception(PyObject *const *args, Py_ssize_t n)
{
    PyObject *typ = args[0], *val = n > 1 ? args[1] : Py_None, *tb = n > 2 ? args[2] : Py_None;
    if (tb != Py_None && !PyTraceBack_Check(tb)) {
        PyErr_SetString(PyExc_TypeError, "throw() third argument must be a traceback object");
        return NULL;
    }
    PyObject *exc;
    if (PyExceptionInstance_Check(typ)) {
        if (val != Py_None) {
            PyErr_SetString(PyExc_TypeError, "instance exception may not have a separate value");
            return NULL;
        }
        exc = Py_NewRef(typ);
    } else if (PyExceptionClass_Check(typ)) {
        PyObject *t = Py_NewRef(typ), *v = Py_NewRef(val), *b = NULL;
        PyErr_NormalizeException(&t, &v, &b);
        Py_XDECREF(t);
        Py_XDECREF(b);
        if (v == NULL || !PyExceptionInstance_Check(v)) {
            Py_XDECREF(v);
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_TypeError, "calling the exception class failed");
            }
            return NULL;
        }
        exc = v;
    } else {
        PyErr_Format(PyExc_TypeError,
                     "exceptions must be classes or instances deriving from BaseException, not %s",
                     Py_TYPE(typ)->tp_name);
        return NULL;
    }
    if (tb != Py_None) {
        PyException_SetTraceback(exc, tb);
    }
    return exc;
}

/* Raise exc (borrowed) in Python. */
static void set_exception(PyObject *exc)
{
    PyObject *tb = PyException_GetTraceback(exc);
    PyErr_Restore(Py_NewRef((PyObject *)Py_TYPE(exc)), Py_NewRef(exc), tb);
}

/* Deliver exc (borrowed) at the yield where the coroutine is suspended.
   *how as resume_sub; RES_NOTHROW: nothing was delivered (the coroutine
   had not started, was suspended elsewhere, is over, or its runtime is
   closed) and it is done. */
static PyObject *deliver(tdmP_Proxy *p, PyObject *exc, int *how)
{
    if (CO(p)->costate == CO_DONE || p->owner->closed || p->handle == NULL) {
        CO(p)->costate = CO_DONE;
        Py_CLEAR(CO(p)->coargs);
        *how = RES_NOTHROW;
        return NULL;
    }
    Py_CLEAR(CO(p)->coargs);
    PyObject *res = resume_sub(p, &exc, 1, TDM_RESUME_THROW, how);
    if (*how == RES_DEAD) {
        PyErr_Clear();          /* the StopIteration of a finished coroutine */
        *how = RES_NOTHROW;
    }
    return res;
}

static PyObject *thread_throw(PyObject *self, PyObject *const *args, Py_ssize_t n)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    if (n < 1 || n > 3) {
        PyErr_SetString(PyExc_TypeError, "throw expected 1 to 3 arguments");
        return NULL;
    }
    if (check_not_running(p) < 0) {
        return NULL;
    }
    PyObject *exc = make_exception(args, n);
    if (exc == NULL) {
        return NULL;
    }
    int how;
    PyObject *res = deliver(p, exc, &how);
    if (how == RES_NOTHROW) {
        set_exception(exc);     /* as a generator that never ran, or is over */
    }
    Py_DECREF(exc);
    return res;
}

static PyObject *thread_close(PyObject *self, PyObject *unused)
{
    (void)unused;
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    if (check_not_running(p) < 0) {
        return NULL;
    }
    PyObject *exc = PyObject_CallNoArgs(PyExc_GeneratorExit);
    if (exc == NULL) {
        return NULL;
    }
    int how;
    PyObject *res = deliver(p, exc, &how);
    Py_DECREF(exc);
    if (how == RES_ERROR) {
        /* as a generator: ending with GeneratorExit (or StopIteration) is
           closing; any other error propagates */
        if (PyErr_ExceptionMatches(PyExc_GeneratorExit)
            || PyErr_ExceptionMatches(PyExc_StopIteration)) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        return NULL;
    }
    if (how == RES_VALUE && CO(p)->costate == CO_STARTED) {
        Py_XDECREF(res);
        PyErr_SetString(PyExc_RuntimeError, "Lua coroutine ignored GeneratorExit");
        return NULL;
    }
    Py_XDECREF(res);
    PyErr_Clear();              /* a StopIteration of returning */
    Py_RETURN_NONE;
}

static int thread_bool(PyObject *self)
{
    return CO(self)->costate != CO_DONE;
}

static Py_ssize_t thread_len(PyObject *self)
{
    PyErr_Format(PyExc_TypeError, "object of type '%s' has no len()", Py_TYPE(self)->tp_name);
    return -1;
}

static int thread_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(CO(self)->coargs);
    return tdmP_proxy_traverse(self, visit, arg);
}

static int thread_clear(PyObject *self)
{
    Py_CLEAR(CO(self)->coargs);
    return tdmP_proxy_clear(self);
}

static PyObject *thread_iter(PyObject *self)
{
    return Py_NewRef(self);
}

static PyMethodDef thread_methods[] = {
    {"send", thread_send, METH_O,
     "Resume the coroutine with a value (a tuple sends several values)."},
    {"throw", (PyCFunction)(void (*)(void))thread_throw, METH_FASTCALL,
     "Raise the exception at the yield where the coroutine is suspended;\n"
     "return what it yields next."},
    {"close", thread_close, METH_NOARGS,
     "Raise GeneratorExit at the yield where the coroutine is suspended."},
    {NULL, NULL, 0, NULL},
};

TDMI_FUNC void tdmP_proxy_slots(PyType_Slot *out, int *n);

int tdmP_coro_init_type(PyObject *m, tdmP_Module *ms)
{
    PyType_Slot slots[32];
    int n = 0;
    tdmP_proxy_slots(slots, &n);
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (slots[i].slot == Py_nb_bool) {
            slots[i].pfunc = (void *)thread_bool;
        }
        /* no len() or [] on a coroutine: list(co) must not ask Lua for # */
        if (slots[i].slot == Py_mp_length) {
            slots[i].pfunc = (void *)thread_len;
        }
        if (slots[i].slot == Py_tp_traverse) {
            slots[i].pfunc = (void *)thread_traverse;
        }
        if (slots[i].slot == Py_tp_clear) {
            slots[i].pfunc = (void *)thread_clear;
        }
        if (slots[i].slot != Py_mp_subscript) {
            slots[k++] = slots[i];
        }
    }
    n = k;
    slots[n++] = (PyType_Slot){Py_tp_iter, (void *)thread_iter};
    slots[n++] = (PyType_Slot){Py_tp_iternext, (void *)thread_next};
    slots[n++] = (PyType_Slot){Py_tp_methods, thread_methods};
    slots[n++] = (PyType_Slot){Py_tp_doc, (void *)"A Lua coroutine, used as a generator."};
    slots[n++] = (PyType_Slot){0, NULL};
    PyType_Spec spec = {
        "tandem._LuaThread", sizeof(tdmP_CoProxy), 0,
        Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE, slots,
    };
    PyObject *t = PyType_FromModuleAndSpec(m, &spec, (PyObject *)ms->object_type);
    if (t == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(m, "_LuaThread", t) < 0) {
        Py_DECREF(t);
        return -1;
    }
    ms->thread_type = (PyTypeObject *)t;
    return 0;
}
