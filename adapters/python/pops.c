/*
 * pops.c — tdmP_lang: operations on Python objects requested by another
 * language (Lua code calling, indexing, iterating Python objects).
 *
 * Entering the Python zone. The runtime lock is held by this thread (the
 * caller's language runs under it) and rt->top chains this thread's frames.
 * When an enclosing frame was started by Python on this thread and released
 * the GIL (host != NULL), that thread state is taken back with
 * PyEval_RestoreThread and released again before returning; otherwise
 * (Python hosted in Lua or in C) PyGILState_Ensure/Release. Inside the zone
 * the releases other threads queued are drained.
 *
 * Results: Python objects are new references (TDM_VF_OWNED); strings borrow
 * the buffer of a str/bytes object that is pinned on the runtime's pin stack
 * from op() until finish(). finish() runs without the GIL: it moves the pins
 * to the runtime's zombie list (runtime lock held), dropped the next time this
 * adapter holds the GIL and the lock.
 */
#include <string.h>
#include "padapter.h"

/* initial-exec: no __tls_get_addr call on the crossing path (as ffi/ccall.c) */
static _Thread_local tdm_Runtime *current_rt __attribute__((tls_model("initial-exec")));

tdm_Runtime *tdmP_current_rt(void)
{
    return current_rt;
}

/* The Python state of the runtime whose crossing runs on this thread, or
   NULL. */
static tdmP_State *current_state(void)
{
    tdm_Runtime *rt = current_rt;
    return rt != NULL ? rt->state[TDM_LANG_PYTHON] : NULL;
}

void tdmP_mark_pure(void)
{
    tdmP_State *st = current_state();
    if (st != NULL) {
        st->pure_call = 1;
    }
}

int tdmP_current_utf8(void)
{
    tdmP_State *st = current_state();
    return st != NULL && st->enc_utf8;
}

int tdmP_current_unpacks(void)
{
    tdmP_State *st = current_state();
    return st != NULL && st->unpack_returned_tuples;
}

/* The crossing into Python running now, or one enclosing it, was made by
   code running in a coroutine of the caller's language (tdmS_Frame.incoro):
   the code running now is inside that coroutine, as the same code in one
   language would be (a Lua caller on the main thread nested in such a
   crossing runs there only because calls from Python do). */
int tdmP_current_incoro(void)
{
    tdm_Runtime *rt = current_rt;
    for (const tdmS_Frame *f = rt != NULL ? rt->top : NULL; f != NULL; f = f->prev) {
        if (f->incoro) {
            return 1;
        }
    }
    return 0;
}

void tdmP_set_current_rt(tdm_Runtime *rt)
{
    current_rt = rt;
}

/* ---- results ------------------------------------------------------------ */

static int set_nres(tdmS_Frame *f, int n)
{
    if (tdmS_reserve_res(f, n) != TDM_OK) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Append the result o (borrowed). */
static int push_result(tdmP_State *st, tdmS_Frame *f, PyObject *o)
{
    if (f->nres < TDM_FRAME_INLINE) {
        /* the common scalars inline: no pin, no call into the converter */
        PyTypeObject *t = Py_TYPE(o);
        tdm_Value *v = &f->res[f->nres];
        if (t == &PyLong_Type) {
            int overflow = 0;
            long long x = tdmP_int_value(o, &overflow);
            if (overflow == 0) {
                if (x == -1 && PyErr_Occurred()) {
                    return -1;
                }
                memset(v, 0, sizeof *v);
                v->kind = TDM_INT;
                v->u.i = x;
                f->nres++;
                return 0;
            }
            /* out of range: the converter asks the overflow handler */
        } else if (t == &PyFloat_Type) {
            memset(v, 0, sizeof *v);
            v->kind = TDM_FLOAT;
            v->u.f = PyFloat_AS_DOUBLE(o);
            f->nres++;
            return 0;
        } else if (o == Py_None) {
            memset(v, 0, sizeof *v);
            v->kind = TDM_NIL;
            f->nres++;
            return 0;
        }
    }
    if (set_nres(f, f->nres + 1) < 0 || tdmP_to_result(st, o, &f->res[f->nres]) < 0) {
        return -1;
    }
    f->nres++;
    return 0;
}

/* What Python code returned to Lua: with unpack_returned_tuples a tuple
   becomes several results (lupa). Borrows res. */
static inline int push_returned(tdmP_State *st, tdmS_Frame *f, PyObject *res)
{
    if (st->unpack_returned_tuples && PyTuple_Check(res)) {
        Py_ssize_t m = PyTuple_GET_SIZE(res);
        int rc = 0;
        for (Py_ssize_t j = 0; j < m && rc == 0; j++) {
            rc = push_result(st, f, PyTuple_GET_ITEM(res, j));
        }
        return rc;
    }
    return push_result(st, f, res);
}

/* Steals o; NULL means an exception is set. */
static int push_new(tdmP_State *st, tdmS_Frame *f, PyObject *o)
{
    if (o == NULL) {
        return -1;
    }
    int rc = push_result(st, f, o);
    Py_DECREF(o);
    return rc;
}

/* A text result in UTF-8 whatever the runtime encoding. Steals s. */
static int push_text(tdmP_State *st, tdmS_Frame *f, PyObject *s)
{
    if (s == NULL) {
        return -1;
    }
    Py_ssize_t n;
    const char *p = PyUnicode_Check(s) ? PyUnicode_AsUTF8AndSize(s, &n) : NULL;
    if (p == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "expected a str");
        }
        Py_DECREF(s);
        return -1;
    }
    if (set_nres(f, f->nres + 1) < 0) {
        Py_DECREF(s);
        return -1;
    }
    if (tdmP_pin(st, s) < 0) {      /* steals s, also on failure */
        return -1;
    }
    tdm_Value *v = &f->res[f->nres++];
    memset(v, 0, sizeof *v);
    v->kind = TDM_STR;
    v->u.s.p = p;
    v->u.s.n = (size_t)n;
    v->key = s;
    return 0;
}

static void push_scalar(tdmS_Frame *f, int kind, long long i)
{
    tdm_Value *v = &f->res[f->nres++];
    memset(v, 0, sizeof *v);
    v->kind = (uint8_t)kind;
    if (kind == TDM_BOOL) {
        v->u.b = (int)i;
    } else {
        v->u.i = i;
    }
}

/* Append None as an object (TDM_OP_NONE's result): for a language whose
   nil would end a loop or vanish from a list. */
static int push_none_obj(tdmS_Frame *f)
{
    if (set_nres(f, f->nres + 1) < 0) {
        return -1;
    }
    tdm_Value *v = &f->res[f->nres++];
    memset(v, 0, sizeof *v);
    tdmP_object_value(v, Py_None, TDM_PROTO_DEFAULT);
    return 0;
}

/* ---- arguments ---------------------------------------------------------- */

/* Argument i as Python (new reference). */
static PyObject *arg(tdmP_State *st, tdmS_Frame *f, int i)
{
    if (i >= f->nargs) {
        Py_RETURN_NONE;
    }
    return tdmP_from_value(st, &f->args[i]);
}

/* Argument i as a name: Lua strings are always text here (UTF-8), whatever
   the runtime encoding. New reference. */
static PyObject *name_arg(tdmP_State *st, tdmS_Frame *f, int i)
{
    if (i < f->nargs && f->args[i].kind == TDM_STR) {
        return PyUnicode_DecodeUTF8(f->args[i].u.s.p, (Py_ssize_t)f->args[i].u.s.n, "strict");
    }
    return arg(st, f, i);
}

/* The target object of an object operation (borrowed). */
static PyObject *target(tdmS_Frame *f)
{
    if (f->nargs < 1 || f->args[0].kind != TDM_OBJ || f->args[0].lang != TDM_LANG_PYTHON) {
        PyErr_SetString(PyExc_TypeError, "tandem: the target is not a Python object");
        return NULL;
    }
    return f->args[0].u.obj;
}

static PyObject *main_dict(void)
{
    PyObject *m = PyImport_AddModule("__main__");     /* borrowed */
    return m ? PyModule_GetDict(m) : NULL;
}

/* Source text of argument i as a str (new reference). */
static PyObject *text_arg(tdmS_Frame *f, int i)
{
    if (i >= f->nargs || f->args[i].kind != TDM_STR) {
        PyErr_SetString(PyExc_TypeError, "expected a string");
        return NULL;
    }
    return PyUnicode_DecodeUTF8(f->args[i].u.s.p, (Py_ssize_t)f->args[i].u.s.n, "replace");
}

/* ---- operations --------------------------------------------------------- */

static int op_call(tdmP_State *st, tdmS_Frame *f)
{
    PyObject *fn = target(f);
    if (fn == NULL) {
        return -1;
    }
    PyObject *small[8];
    PyObject **argv = small;
    int n = f->nargs - 1, rc = -1, i, special = 0;
    PyObject *res = NULL;
    if (n > 8 && (argv = PyMem_Malloc((size_t)n * sizeof *argv)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (i = 0; i < n; i++) {
        tdm_Value *v = &f->args[i + 1];
        argv[i] = v->kind == TDM_INT ? PyLong_FromLongLong((long long)v->u.i)
                                     : tdmP_from_value(st, v);
        if (argv[i] == NULL) {
            goto done;
        }
        special |= Py_TYPE(argv[i]) == st->mod->args_type;
    }
    PyObject **callv = argv;
    if (f->sub == TDM_CALL_METHOD) {
        /* fn(args[1], args[2] ...) of a method answer (op_getmethod); Lua's
           obj:m(a) passes obj again: the bound method's rule below */
        if (n >= 2 && argv[1] == argv[0]) {
            callv = argv + 1;
        }
    } else if (n == 0 || PyFunction_Check(fn)) {
        /* a plain function (the common callback) takes every argument */
    } else if (PyMethod_Check(fn) && PyMethod_GET_SELF(fn) == argv[0]) {
        /* Lua obj:m(a) passes obj twice: call the plain function */
        fn = PyMethod_GET_FUNCTION(fn);
    } else if (PyCFunction_Check(fn) && PyCFunction_GET_SELF(fn) == argv[0]
               && !PyModule_Check(argv[0])) {
        callv = argv + 1;       /* the same for methods of built-in types */
    }
    if (special) {
        /* from callv: the repeated self dropped as above */
        PyObject *pos = PyList_New(0), *kw = PyDict_New();
        for (PyObject **arg = callv; pos && kw && arg < argv + n; arg++) {
            if (Py_TYPE(*arg) == st->mod->args_type) {
                tdmP_Args *a = (tdmP_Args *)*arg;
                Py_ssize_t end = PyList_GET_SIZE(pos);
                if (PyList_SetSlice(pos, end, end, a->args) < 0
                        || PyDict_Update(kw, a->kwargs) < 0) {
                    Py_CLEAR(pos);
                }
            } else if (PyList_Append(pos, *arg) < 0) {
                Py_CLEAR(pos);
            }
        }
        PyObject *t = pos ? PyList_AsTuple(pos) : NULL;
        if (t != NULL && kw != NULL) {
            res = PyObject_Call(fn, t, kw);
        }
        Py_XDECREF(t);
        Py_XDECREF(pos);
        Py_XDECREF(kw);
    } else {
        res = PyObject_Vectorcall(fn, callv, (size_t)(n - (callv - argv)), NULL);
    }
    if (res == NULL) {
        goto done;
    }
    rc = push_returned(st, f, res);
    Py_DECREF(res);
done:
    while (--i >= 0) {
        Py_DECREF(argv[i]);
    }
    if (argv != small) {
        PyMem_Free(argv);
    }
    return rc;
}

/* Attribute name after attribute_filter; new reference. */
static PyObject *attr_name(tdmP_State *st, PyObject *obj, PyObject *name, int setting)
{
    Py_INCREF(name);
    if (st->attribute_filter != NULL) {
        PyObject *r = PyObject_CallFunctionObjArgs(st->attribute_filter, obj, name,
                                                   setting ? Py_True : Py_False, NULL);
        Py_DECREF(name);
        if (r == NULL) {
            return NULL;
        }
        name = r;
    }
    if (PyBytes_Check(name)) {
        PyObject *s = PyUnicode_FromEncodedObject(name, PyUnicode_AsUTF8(st->source_encoding),
                                                  "strict");
        Py_DECREF(name);
        name = s;
    }
    return name;
}

/* obj.name from Lua: the attribute getter, or the attribute through the
   filter. New reference or NULL raised. */
static PyObject *getattr_of(tdmP_State *st, PyObject *obj, PyObject *name)
{
    if (st->attr_getter != NULL) {
        return PyObject_CallFunctionObjArgs(st->attr_getter, obj, name, NULL);
    }
    if (st->attribute_filter == NULL && PyUnicode_CheckExact(name)) {
        return PyObject_GetAttr(obj, name);     /* what attr_name would give */
    }
    PyObject *n = attr_name(st, obj, name, 0), *v = n ? PyObject_GetAttr(obj, n) : NULL;
    Py_XDECREF(n);
    return v;
}

static int op_getattr(tdmP_State *st, tdmS_Frame *f, PyObject *obj)
{
    PyObject *name = arg(st, f, 1);
    if (name == NULL) {
        return -1;
    }
    PyObject *v = getattr_of(st, obj, name);
    Py_DECREF(name);
    return push_new(st, f, v);
}

/* TDM_IX_METHOD: obj.name as CPython's LOAD_METHOD finds it. A function
   (any method descriptor) found on the type and not shadowed by the
   instance goes back unbound with `true` after it: the caller calls it with
   obj first (TDM_CALL_METHOD) and makes the bound method only when it needs
   the value (op_bind), so that obj:name(x) from Lua makes no bound method.
   Anything else (a filter, a getter, a name that is not text) as
   op_getattr. */
static int op_getmethod(tdmP_State *st, tdmS_Frame *f, PyObject *obj)
{
    if (st->attr_getter != NULL || st->attribute_filter != NULL) {
        return op_getattr(st, f, obj);
    }
    PyObject *name = arg(st, f, 1), *meth = NULL;
    if (name == NULL) {
        return -1;
    }
    if (!PyUnicode_CheckExact(name)) {
        Py_DECREF(name);
        return op_getattr(st, f, obj);
    }
    int unbound = _PyObject_GetMethod(obj, name, &meth);
    Py_DECREF(name);
    if (meth == NULL) {
        return -1;
    }
    if (!unbound) {
        return push_new(st, f, meth);
    }
    if (set_nres(f, 2) < 0) {
        Py_DECREF(meth);
        return -1;
    }
    /* The function goes back borrowed, pinned by st->last_method until the
       next method answer replaces it: crossings run one at a time under the
       runtime lock, so the caller has made its own reference (or found its
       proxy) before then, and has none to release — from Lua, a release is
       deferred to the next entry into Python. */
    if (st->last_method == meth) {
        Py_DECREF(meth);
    } else {
        Py_XSETREF(st->last_method, meth);
    }
    tdm_Value *v = &f->res[f->nres++];
    memset(v, 0, sizeof *v);
    v->kind = TDM_OBJ;
    v->lang = TDM_LANG_PYTHON;
    v->u.obj = meth;
    v->key = meth;
    v->aux = TDM_PROTO_DEFAULT;
    push_scalar(f, TDM_BOOL, 1);
    return 0;
}

/* TDM_IX_BIND: fn (a method answer of op_getmethod) bound to args[1], as
   the attribute lookup would have bound it. */
static int op_bind(tdmP_State *st, tdmS_Frame *f, PyObject *fn)
{
    PyObject *o = arg(st, f, 1);
    if (o == NULL) {
        return -1;
    }
    descrgetfunc get = Py_TYPE(fn)->tp_descr_get;
    PyObject *r = get != NULL ? get(fn, o, (PyObject *)Py_TYPE(o)) : Py_NewRef(fn);
    Py_DECREF(o);
    return push_new(st, f, r);
}

/* obj.name = val from Lua: the attribute setter, or the attribute through
   the filter. 0, or -1 raised. */
static int setattr_of(tdmP_State *st, PyObject *obj, PyObject *name, PyObject *val)
{
    if (st->attr_setter != NULL) {
        PyObject *r = PyObject_CallFunctionObjArgs(st->attr_setter, obj, name, val, NULL);
        Py_XDECREF(r);
        return r ? 0 : -1;
    }
    PyObject *n = attr_name(st, obj, name, 1);
    int rc = n ? PyObject_SetAttr(obj, n, val) : -1;
    Py_XDECREF(n);
    return rc;
}

static int op_setattr(tdmP_State *st, tdmS_Frame *f, PyObject *obj)
{
    PyObject *name = arg(st, f, 1), *val = NULL;
    int rc = -1;
    if (name != NULL && (val = arg(st, f, 2)) != NULL) {
        rc = setattr_of(st, obj, name, val);
    }
    Py_XDECREF(name);
    Py_XDECREF(val);
    return rc;
}

static int has_getitem(PyObject *obj)
{
    PyTypeObject *t = Py_TYPE(obj);
    return (t->tp_as_mapping && t->tp_as_mapping->mp_subscript)
           || (t->tp_as_sequence && t->tp_as_sequence->sq_item);
}

static int op_item(tdmP_State *st, tdmS_Frame *f, PyObject *obj, int op)
{
    PyObject *key = arg(st, f, 1), *val = NULL;
    int rc = -1;
    if (key == NULL) {
        return -1;
    }
    if (op == TDM_OP_GETITEM) {
        rc = push_new(st, f, PyObject_GetItem(obj, key));
    } else if (op == TDM_OP_DELITEM) {
        rc = PyObject_DelItem(obj, key);
    } else if ((val = arg(st, f, 2)) != NULL) {
        rc = PyObject_SetItem(obj, key, val);
        Py_DECREF(val);
    }
    Py_DECREF(key);
    return rc;
}

/* _tandem._index(rt, obj, key[, val]): obj[key] (obj[key] = val) as Lua
   code of the runtime rt indexes a Python object of the default protocol
   (the TDM_OP_INDEX and TDM_OP_NEWINDEX rules of dispatch below), with key
   and val the Python values the bridge gives for the Lua ones. The result
   is the Python value, not yet converted for Lua. Translated code (the
   Lua -> Python direction) runs Lua's indexing of a Python object here,
   without a crossing into Lua and back. */
PyObject *tdmP_index_of(PyObject *m, PyObject *const *args, Py_ssize_t nargs)
{
    tdmP_Module *ms = tdmP_modstate(m);
    if ((nargs != 3 && nargs != 4) || !PyObject_TypeCheck(args[0], ms->runtime_type)) {
        PyErr_SetString(PyExc_TypeError, "_index(runtime, obj, key[, val])");
        return NULL;
    }
    tdmP_Runtime *r = (tdmP_Runtime *)args[0];
    if (tdmP_check_open(r) < 0) {
        return NULL;
    }
    tdmP_State *st = r->st;
    PyObject *obj = args[1], *key = args[2];
    if (nargs == 3) {
        if (st->attr_getter == NULL && has_getitem(obj)) {
            return PyObject_GetItem(obj, key);
        }
        return getattr_of(st, obj, key);
    }
    int rc = st->attr_setter == NULL && has_getitem(obj)
             ? PyObject_SetItem(obj, key, args[3]) : setattr_of(st, obj, key, args[3]);
    return rc < 0 ? NULL : Py_NewRef(Py_None);
}

static PyObject *arith(int sub, PyObject *a, PyObject *b)
{
    switch (sub) {
    case TDM_AR_ADD:
    case TDM_AR_CONCAT:
        return PyNumber_Add(a, b);
    case TDM_AR_SUB:
        return PyNumber_Subtract(a, b);
    case TDM_AR_MUL:
        return PyNumber_Multiply(a, b);
    case TDM_AR_MOD:
        return PyNumber_Remainder(a, b);
    case TDM_AR_POW:
        return PyNumber_Power(a, b, Py_None);
    case TDM_AR_DIV:
        return PyNumber_TrueDivide(a, b);
    case TDM_AR_IDIV:
        return PyNumber_FloorDivide(a, b);
    case TDM_AR_BAND:
        return PyNumber_And(a, b);
    case TDM_AR_BOR:
        return PyNumber_Or(a, b);
    case TDM_AR_BXOR:
        return PyNumber_Xor(a, b);
    case TDM_AR_SHL:
        return PyNumber_Lshift(a, b);
    case TDM_AR_SHR:
        return PyNumber_Rshift(a, b);
    case TDM_AR_UNM:
        return PyNumber_Negative(a);
    case TDM_AR_BNOT:
        return PyNumber_Invert(a);
    default:
        PyErr_SetString(PyExc_ValueError, "tandem: unknown arithmetic operator");
        return NULL;
    }
}

/* Arithmetic on a Python int object (a big int that translated code keeps
   as one, docs/translation.md "Integers") whose result is an int outside
   64 bits: the result stays a Python int object, as Python computes it,
   instead of failing to convert. With an overflow handler set the handler
   decides, as for any int result (lupa). Steals r. */
static int push_arith(tdmP_State *st, tdmS_Frame *f, PyObject *r, PyObject *a, PyObject *b)
{
    if (r != NULL && PyLong_CheckExact(r) && st->overflow_handler == NULL
        && (PyLong_CheckExact(a) || PyLong_CheckExact(b))) {
        int overflow = 0;
        (void)PyLong_AsLongLongAndOverflow(r, &overflow);
        if (overflow != 0) {
            PyObject *w = tdmP_wrap(st->mod, r, TDM_PROTO_DEFAULT);
            Py_DECREF(r);
            return push_new(st, f, w);
        }
    }
    return push_new(st, f, r);
}

static int op_binary(tdmP_State *st, tdmS_Frame *f)
{
    static const int cmp[] = {Py_EQ, Py_LT, Py_LE};
    PyObject *a = arg(st, f, 0), *b = NULL;
    int rc = -1;
    if (a == NULL) {
        return -1;
    }
    if (f->op == TDM_OP_ARITH && (f->sub == TDM_AR_UNM || f->sub == TDM_AR_BNOT)) {
        rc = push_arith(st, f, arith(f->sub, a, a), a, a);
    } else if ((b = arg(st, f, 1)) != NULL) {
        if (f->op == TDM_OP_COMPARE) {
            int r = f->sub <= TDM_CMP_LE ? PyObject_RichCompareBool(a, b, cmp[f->sub]) : -1;
            if (r >= 0 && set_nres(f, 1) == 0) {
                push_scalar(f, TDM_BOOL, r);
                rc = 0;
            }
        } else {
            rc = push_arith(st, f, arith(f->sub, a, b), a, b);
        }
    }
    Py_DECREF(a);
    Py_XDECREF(b);
    return rc;
}

static int op_next(tdmP_State *st, tdmS_Frame *f, PyObject *it)
{
    /* PyIter_Check and PyIter_Next, inline: the step of every python.iter */
    iternextfunc step = Py_TYPE(it)->tp_iternext;
    if (step == NULL || step == &_PyObject_NextNotImplemented) {
        PyErr_Format(PyExc_TypeError, "'%.100s' object is not an iterator",
                     Py_TYPE(it)->tp_name);
        return -1;
    }
    PyObject *v = step(it);
    if (v == NULL) {
        if (!PyErr_Occurred()) {
            return 0;                           /* 0 results: the end */
        }
        if (!PyErr_ExceptionMatches(PyExc_StopIteration)) {
            return -1;
        }
        PyErr_Clear();                          /* a StopIteration ends it too */
        return 0;
    }
    int rc = 0;
    int noneobj = (f->sub & TDM_NEXT_NONEOBJ) != 0;
    /* python.iterex, or any iteration with unpack_returned_tuples (lupa) */
    if (((f->sub & TDM_NEXT_UNPACK) || st->unpack_returned_tuples) && PyTuple_Check(v)) {
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(v) && rc == 0; j++) {
            PyObject *x = PyTuple_GET_ITEM(v, j);
            rc = j == 0 && noneobj && x == Py_None ? push_none_obj(f) : push_result(st, f, x);
        }
    } else if (v == Py_None && noneobj) {
        rc = push_none_obj(f);
    } else if (v == Py_None) {
        /* a None item must not end a Lua for loop: a distinct none */
        if ((rc = set_nres(f, 1)) == 0) {
            push_scalar(f, TDM_NIL, 0);
            f->res[0].flags = TDM_VF_NONE;
        }
    } else {
        rc = push_result(st, f, v);
    }
    Py_DECREF(v);
    return rc;
}

static int op_resume(tdmP_State *st, tdmS_Frame *f, PyObject *gen)
{
    PyObject *val = f->nargs > 1 ? arg(st, f, 1) : Py_NewRef(Py_None), *res = NULL;
    if (val == NULL) {
        return -1;
    }
    if (!PyIter_Check(gen)) {
        Py_DECREF(val);
        PyErr_SetString(PyExc_TypeError, "resume: not a Python generator or iterator");
        return -1;
    }
    if (PyGen_Check(gen)) {
        /* a generator that finished (returned or raised) before: nothing runs */
        PyObject *fr = PyObject_GetAttrString(gen, "gi_frame");
        int dead = fr == Py_None;
        Py_XDECREF(fr);
        if (fr == NULL) {
            Py_DECREF(val);
            return -1;
        }
        if (dead) {
            Py_DECREF(val);
            tdmS_error(f, TDM_ERRDEAD, "cannot resume a finished Python generator");
            return -1;
        }
    }
    PySendResult r = PyIter_Send(gen, val, &res);
    Py_DECREF(val);
    if (r == PYGEN_ERROR) {
        return -1;
    }
    f->sub = r == PYGEN_NEXT ? TDM_RESUME_YIELDED : TDM_RESUME_RETURNED;
    if (r == PYGEN_RETURN && res == Py_None) {
        Py_DECREF(res);
        return 0;
    }
    return push_new(st, f, res);
}

static int op_titems(tdmP_State *st, tdmS_Frame *f, PyObject *obj)
{
    PyObject *items = PyDict_Check(obj) ? PyDict_Items(obj) : PyMapping_Items(obj);
    if (items == NULL) {
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(items);
    int per = f->sub == TDM_ITEMS_PAIRS ? 2 : 1;
    int rc = n * 2 > INT32_MAX / 2 ? -1 : set_nres(f, (int)n * per);
    for (Py_ssize_t i = 0; i < n && rc == 0; i++) {
        PyObject *kv = PyList_GET_ITEM(items, i);
        if (!PyTuple_Check(kv) || PyTuple_GET_SIZE(kv) != 2) {
            PyErr_SetString(PyExc_TypeError, "items() must give pairs");
            rc = -1;
            break;
        }
        if (f->sub != TDM_ITEMS_VALUES) {
            rc = push_result(st, f, PyTuple_GET_ITEM(kv, 0));
        }
        if (rc == 0 && f->sub != TDM_ITEMS_KEYS) {
            rc = push_result(st, f, PyTuple_GET_ITEM(kv, 1));
        }
    }
    Py_DECREF(items);
    return rc;
}

static int op_tablefrom(tdmP_State *st, tdmS_Frame *f)
{
    if (f->sub == TDM_TABLEFROM_INTO) {
        PyErr_SetString(PyExc_TypeError, "table_from: filling an existing dict is not supported");
        return -1;
    }
    PyObject *d = PyDict_New();
    if (d == NULL) {
        return -1;
    }
    int seq = f->sub == TDM_TABLEFROM_SEQ, step = seq ? 1 : 2;
    for (int i = 0; i + step - 1 < f->nargs; i += step) {
        PyObject *k = seq ? PyLong_FromLong(i + 1) : arg(st, f, i);
        PyObject *v = k ? arg(st, f, i + step - 1) : NULL;
        int rc = v ? PyDict_SetItem(d, k, v) : -1;
        Py_XDECREF(k);
        Py_XDECREF(v);
        if (rc < 0) {
            Py_DECREF(d);
            return -1;
        }
    }
    return push_new(st, f, d);
}

static int op_code(tdmP_State *st, tdmS_Frame *f)
{
    PyObject *src = text_arg(f, 0), *name = NULL, *code = NULL, *res = NULL;
    PyObject *g = main_dict(), *l = NULL;
    int rc = -1;
    if (src == NULL || g == NULL) {
        goto done;
    }
    if (f->op == TDM_OP_EVAL && f->from == TDM_LANG_LUA && PyEval_GetFrame() != NULL) {
        /* python.eval from Lua that Python code called: as lupa (whose
           python.eval is the builtin eval), the names are those of that
           Python frame; with no Python frame (a Lua or C host), __main__ */
        g = PyEval_GetGlobals();
        l = PyEval_GetLocals();
        if (l == NULL) {
            PyErr_Clear();
        }
        if (g == NULL) {
            PyErr_Clear();
            g = main_dict();
            l = NULL;
        }
    }
    /* the chunk name as text whatever its bytes (decode_str would give
       bytes for invalid UTF-8, and fail here without an exception) */
    name = f->nargs > 1 && f->args[1].kind == TDM_STR ? text_arg(f, 1)
                                                       : PyUnicode_FromString("<lua>");
    if (name == NULL) {
        goto done;
    }
    int start = f->op == TDM_OP_EVAL ? Py_eval_input : Py_file_input;
    Py_ssize_t tlen;
    const char *text = PyUnicode_AsUTF8AndSize(src, &tlen);
    if (text == NULL) {
        goto done;
    }
    if (memchr(text, '\0', (size_t)tlen) != NULL) {
        /* Py_CompileString would stop at it: as builtins.compile */
        PyErr_SetString(PyExc_ValueError, "source code string cannot contain null bytes");
        goto done;
    }
    if (f->op == TDM_OP_EVAL) {
        while (*text == ' ' || *text == '\t') {
            text++;     /* as builtins.eval: leading blanks are no indentation */
        }
    }
    code = Py_CompileString(text, PyUnicode_AsUTF8(name), start);
    if (code == NULL) {
        goto done;
    }
    if (f->op == TDM_OP_COMPILE) {
        rc = push_result(st, f, code);
        goto done;
    }
    res = PyEval_EvalCode(code, g, l != NULL ? l : g);
    if (res != NULL) {
        rc = f->op == TDM_OP_EVAL ? push_returned(st, f, res) : 0;
    }
done:
    Py_XDECREF(src);
    Py_XDECREF(name);
    Py_XDECREF(code);
    Py_XDECREF(res);
    return rc;
}

static int op_global(tdmP_State *st, tdmS_Frame *f)
{
    PyObject *g = main_dict(), *name = name_arg(st, f, 0);
    int rc = -1;
    if (g == NULL || name == NULL) {
        goto done;
    }
    if (f->op == TDM_OP_SETGLOBAL) {
        PyObject *v = arg(st, f, 1);
        rc = v ? PyDict_SetItem(g, name, v) : -1;
        Py_XDECREF(v);
    } else {
        PyObject *v = PyDict_GetItemWithError(g, name);
        if (v == NULL && !PyErr_Occurred()) {
            PyObject *b = PyEval_GetBuiltins();
            v = b ? PyDict_GetItemWithError(b, name) : NULL;
        }
        rc = v ? push_result(st, f, v) : (PyErr_Occurred() ? -1 : 0);
    }
done:
    Py_XDECREF(name);
    return rc;
}

/* python.set_overflow_handler(h) from Lua: h a Lua function (a proxy) or a
   Python callable, nil for none; the same setting as
   LuaRuntime.set_overflow_handler. */
static int op_overflow(tdmP_State *st, tdmS_Frame *f)
{
    PyObject *h = arg(st, f, 0);
    if (h == NULL) {
        return -1;
    }
    if (h != Py_None && !PyCallable_Check(h)) {
        Py_DECREF(h);
        PyErr_SetString(PyExc_ValueError, "overflow_handler must be callable");
        return -1;
    }
    if (h == Py_None) {
        Py_CLEAR(h);
    }
    Py_XSETREF(st->overflow_handler, h);
    return 0;
}

static int dispatch(tdmP_State *st, tdmS_Frame *f)
{
    PyObject *obj = NULL;
    if (f->op < TDM_OP_EVAL || f->op == TDM_OP_TITEMS || f->op == TDM_OP_RAWLEN
            || f->op == TDM_OP_INDEX || f->op == TDM_OP_NEWINDEX) {
        if (f->op != TDM_OP_COMPARE && f->op != TDM_OP_ARITH && (obj = target(f)) == NULL) {
            return -1;
        }
    }
    switch (f->op) {
    case TDM_OP_CALL:
        return op_call(st, f);
    case TDM_OP_INDEX:
        if (f->sub == TDM_IX_BIND) {
            return op_bind(st, f, obj);
        }
        if (st->attr_getter == NULL && has_getitem(obj)) {
            return op_item(st, f, obj, TDM_OP_GETITEM);
        }
        if (f->sub == TDM_IX_METHOD) {
            return op_getmethod(st, f, obj);
        }
        return op_getattr(st, f, obj);
    case TDM_OP_GETATTR:
        return op_getattr(st, f, obj);
    case TDM_OP_NEWINDEX:
        if (st->attr_setter == NULL && has_getitem(obj)) {
            return op_item(st, f, obj, TDM_OP_SETITEM);
        }
        return op_setattr(st, f, obj);
    case TDM_OP_SETATTR:
        return op_setattr(st, f, obj);
    case TDM_OP_GETITEM:
    case TDM_OP_SETITEM:
    case TDM_OP_DELITEM:
        return op_item(st, f, obj, f->op);
    case TDM_OP_LEN:
    case TDM_OP_RAWLEN: {
        Py_ssize_t n = PyObject_Size(obj);
        if (n < 0 || set_nres(f, 1) < 0) {
            return -1;
        }
        push_scalar(f, TDM_INT, n);
        return 0;
    }
    case TDM_OP_STR:
        if (PyExceptionInstance_Check(obj)) {
            return push_text(st, f, tdmP_format_exc(st->mod, obj));
        }
        return push_text(st, f, PyObject_Str(obj));
    case TDM_OP_REPR:
        return push_text(st, f, PyObject_Repr(obj));
    case TDM_OP_COMPARE:
    case TDM_OP_ARITH:
        return op_binary(st, f);
    case TDM_OP_ITER:
        return push_new(st, f, PyObject_GetIter(obj));
    case TDM_OP_NEXT:
        return op_next(st, f, obj);
    case TDM_OP_RESUME:
        return op_resume(st, f, obj);
    case TDM_OP_TYPENAME:
        return push_text(st, f, PyUnicode_FromString(Py_TYPE(obj)->tp_name));
    case TDM_OP_BOOL: {
        int b = PyObject_IsTrue(obj);
        if (b < 0 || set_nres(f, 1) < 0) {
            return -1;
        }
        push_scalar(f, TDM_BOOL, b);
        return 0;
    }
    case TDM_OP_HASH: {
        Py_hash_t h = PyObject_Hash(obj);
        if (h == -1 || set_nres(f, 1) < 0) {
            return -1;
        }
        push_scalar(f, TDM_INT, h);
        return 0;
    }
    case TDM_OP_EVAL:
    case TDM_OP_EXEC:
    case TDM_OP_COMPILE:
        return op_code(st, f);
    case TDM_OP_GLOBAL:
    case TDM_OP_SETGLOBAL:
        return op_global(st, f);
    case TDM_OP_GLOBALS: {
        PyObject *g = main_dict();      /* borrowed */
        return g != NULL ? push_result(st, f, g) : -1;
    }
    case TDM_OP_BUILTINS:
        return push_new(st, f, PyImport_ImportModule("builtins"));
    case TDM_OP_IMPORT: {
        PyObject *name = name_arg(st, f, 0);
        if (name == NULL) {
            return -1;
        }
        int rc = push_new(st, f, PyImport_Import(name));
        Py_DECREF(name);
        return rc;
    }
    case TDM_OP_NONE:
        return push_none_obj(f);
    case TDM_OP_NEWTABLE:
        return push_new(st, f, PyDict_New());
    case TDM_OP_TABLEFROM:
        return op_tablefrom(st, f);
    case TDM_OP_TITEMS:
        return op_titems(st, f, obj);
    case TDM_OP_OVERFLOW:
        return op_overflow(st, f);
    case TDM_OP_CHECK:
        if (PyErr_CheckSignals() < 0) {     /* does nothing off the main thread */
            return -1;
        }
        if (!tdmP_sole_thread()) {
            /* the other Python threads' turn (a translated function keeps
               the GIL while it runs: pcall.c, TDMS_EXCL_KEPT); the crossing
               that brought us here bumped the epoch */
            Py_BEGIN_ALLOW_THREADS
            Py_END_ALLOW_THREADS
        }
        return 0;
    default:
        PyErr_Format(PyExc_NotImplementedError,
                     "tandem: operation %d is not supported on Python objects", f->op);
        return -1;
    }
}

/* ---- the language table ------------------------------------------------- */

/* Drop the results pinned since mark (GIL held). */
static void unpin_to(tdmP_State *st, int mark)
{
    while (st->npins > mark) {
        PyObject *o = st->pins[--st->npins];
        Py_DECREF(o);
    }
}

static void release_results(tdmS_Frame *f)
{
    for (int i = 0; i < f->nres; i++) {
        tdm_Value *v = &f->res[i];
        if (v->kind == TDM_OBJ && (v->flags & TDM_VF_OWNED) && v->lang == TDM_LANG_PYTHON) {
            Py_DECREF((PyObject *)v->u.obj);
        }
        memset(v, 0, sizeof *v);
    }
    f->nres = 0;
}

static int p_op(tdmS_Frame *f)
{
    tdm_Runtime *rt = f->rt;
    tdmP_State *st = rt->state[TDM_LANG_PYTHON];
    if (st == NULL) {
        return tdmS_error(f, TDM_ERRCLOSED, "tandem: Python is not attached to this runtime");
    }
    tdmS_Frame *pf = f->prev;
    while (pf != NULL && pf->from != TDM_LANG_PYTHON) {
        pf = pf->prev;
    }
    PyGILState_STATE gs = PyGILState_UNLOCKED;
    /* pf->host == NULL: that crossing kept the GIL (pcall.c), we hold it */
    int kept = pf != NULL && pf->host == NULL;
    int restored = pf != NULL && pf->host != NULL;
    if (restored) {
        PyEval_RestoreThread((PyThreadState *)pf->host);
        pf->host = NULL;
    } else if (!kept) {
        gs = PyGILState_Ensure();
    }
    tdm_Runtime *saved = current_rt;
    current_rt = rt;
    if (tdmR_haspending(rt)) {
        tdmR_drain(rt, TDM_LANG_PYTHON);
    }
    if (st->nzombies > 0) {
        tdmP_drop_zombies(st);
    }
    int mark = st->npins;
    f->scratch = mark;
    f->entered = 1;
    f->nres = 0;
    int status = TDM_OK;
    /* under a translated function's kept GIL (TDMS_EXCL_KEPT) another
       thread may take the GIL while this Python code runs: then the epoch
       moves once more, so this crossing never counts as a pure read
       (pgil.c, lxlate.c rt.hpure) */
    int counted = kept && pf->excl == TDMS_EXCL_KEPT;
    unsigned long sw = counted ? tdmP_gil_switches() : 0;
    uint64_t e_in = rt->epoch;
    st->pure_call = 0;
    if (dispatch(st, f) < 0) {
        release_results(f);
        unpin_to(st, mark);
        /* an answer rather than an exception (op_resume of a finished generator) */
        status = f->err.status == TDM_ERRDEAD && !PyErr_Occurred() ? TDM_ERRDEAD
                                                                    : tdmP_capture(st, f);
    }
    if (st->npins == mark) {
        f->entered = 0;         /* nothing pinned: p_finish would have nothing to do */
    }
    if (counted && tdmP_gil_switches() != sw) {
        rt->epoch++;            /* another thread ran (and may have rebound a global) */
    } else if (st->pure_call && rt->epoch == e_in && status == TDM_OK) {
        /* a call that ran no Python code (tdmP_mark_pure: translated
           code's call of an operator or math function on numbers and
           strings) and no other crossing or release: its own bump is
           counted as pure, as a read-only host call's (lxlate.c
           rt.hpure), so translated code keeps the global and the
           attribute it read to reach the function */
        rt->pure++;
    }
    st->pure_call = 0;
    /* tdmP_sole_thread inline (the crossing path): did the Python code start
       a thread or an interpreter? Then no enclosing crossing is exclusive. */
    PyThreadState *ts = _PyThreadState_UncheckedGet();
    if (ts->prev != NULL || ts->next != NULL || PyInterpreterState_Head() != ts->interp
            || PyInterpreterState_Next(ts->interp) != NULL) {
        tdmP_recheck_excl(rt);
    }
    current_rt = saved;
    if (restored) {
        pf->host = PyEval_SaveThread();
    } else if (!kept) {
        PyGILState_Release(gs);
    }
    return status;
}

/* Without the GIL; the runtime lock is held by the caller's zone. */
static void p_finish(tdmS_Frame *f)
{
    tdm_Runtime *rt = f->rt;
    tdmP_State *st = rt->state[TDM_LANG_PYTHON];
    if (st == NULL) {
        return;
    }
    int mark = (int)f->scratch;
    if (mark > st->npins) {
        mark = st->npins;
    }
    int n = st->npins - mark;
    if (n <= 0) {
        return;
    }
    int need = st->nzombies + n;
    if (need > st->czombies) {
        int cap = st->czombies ? st->czombies * 2 : 64;
        while (cap < need) {
            cap *= 2;
        }
        PyObject **z = PyMem_RawRealloc(st->zombies, (size_t)cap * sizeof *z);
        if (z != NULL) {
            st->zombies = z;
            st->czombies = cap;
        }
    }
    for (int i = mark; i < st->npins; i++) {
        if (st->nzombies < st->czombies) {
            st->zombies[st->nzombies++] = st->pins[i];
        } else {
            tdmR_defer(rt, TDM_LANG_PYTHON, st->pins[i]);
        }
    }
    st->npins = mark;
}

static void p_release(tdm_Runtime *rt, void *handle)
{
    if (handle == NULL) {
        return;
    }
    if (PyGILState_Check()) {
        Py_DECREF((PyObject *)handle);      /* may run a finalizer ... */
        if (tdmR_held(rt)) {
            tdmP_recheck_excl(rt);          /* ... that starts a thread */
        }
    } else {
        tdmR_defer(rt, TDM_LANG_PYTHON, handle);
    }
}

/* Only the last reference's release can run a finalizer; without the GIL
   the count cannot be read: say yes. */
static int p_release_runs(tdm_Runtime *rt, void *handle)
{
    (void)rt;
    return handle == NULL || !PyGILState_Check() || Py_REFCNT((PyObject *)handle) <= 1;
}

static void p_retain(tdm_Runtime *rt, void *handle)
{
    (void)rt;
    if (PyGILState_Check()) {
        Py_INCREF((PyObject *)handle);
    } else {
        PyGILState_STATE gs = PyGILState_Ensure();
        Py_INCREF((PyObject *)handle);
        PyGILState_Release(gs);
    }
}

/* A crossing that kept the GIL (pcall.c fast path, host == NULL) releases it
   while the code it runs blocks in native code, so that a thread the C code
   starts can call back into Python; reblock takes it back. */
static void p_unblock(tdmS_Frame *caller)
{
    if (caller->host == NULL) {
        caller->host = PyEval_SaveThread();
        caller->unblocked = 1;
    }
}

static void p_reblock(tdmS_Frame *caller)
{
    if (caller->unblocked) {
        caller->unblocked = 0;
        PyEval_RestoreThread((PyThreadState *)caller->host);
        caller->host = NULL;
        tdmP_recheck_excl(caller->rt);      /* the native code may have started one */
    }
}

/* tdmR_Lang.control. TDM_CTL_SANDBOX (a C host's tdm_open_sandboxed):
   attribute and item access from other languages goes through a default
   tandem.Sandbox (nothing reachable). Takes the GIL. */
static long long p_control(tdm_Runtime *rt, int code, long long arg)
{
    (void)arg;
    if (code != TDM_CTL_SANDBOX || rt == NULL) {
        return -1;
    }
    tdmP_State *st = rt->state[TDM_LANG_PYTHON];
    if (st == NULL) {
        return -1;
    }
    long long r = -1;
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *mod = PyImport_ImportModule("tandem._sandbox");
    PyObject *sb = mod ? PyObject_CallMethod(mod, "Sandbox", NULL) : NULL;
    PyObject *get = sb ? PyObject_GetAttrString(sb, "getattr") : NULL;
    PyObject *set = get ? PyObject_GetAttrString(sb, "setattr") : NULL;
    if (set != NULL) {
        Py_CLEAR(st->attribute_filter);
        Py_XSETREF(st->attr_getter, Py_NewRef(get));
        Py_XSETREF(st->attr_setter, Py_NewRef(set));
        r = 0;
    } else {
        PyErr_Clear();
    }
    Py_XDECREF(set);
    Py_XDECREF(get);
    Py_XDECREF(sb);
    Py_XDECREF(mod);
    PyGILState_Release(gs);
    return r;
}

const tdmR_Lang tdmP_lang = {
    .name = "python",
    .id = TDM_LANG_PYTHON,
    .op = p_op,
    .finish = p_finish,
    .release = p_release,
    .release_runs = p_release_runs,
    .retain = p_retain,
    .unblock = p_unblock,
    .reblock = p_reblock,
    .valid = NULL,      /* one CPython per process: a Python handle is valid in any runtime */
    .open = tdmP_boot,
    .close = tdmP_detach,
    .control = p_control,
    .release_name = "Python " PY_VERSION,
};
