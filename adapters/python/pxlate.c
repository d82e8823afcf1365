/*
 * pxlate.c — translated functions called from Python.
 *
 * A translated function (docs/translation.md) is a Lua function, so Python
 * sees it as a _LuaFunction proxy and Lua code receives the real function.
 * Only the Python → Lua call differs: the converter copies bytes into a Lua
 * string (lupa's rule) and an int beyond 64 bits through the overflow
 * handler, but translated code must see a bytes object as bytes, not str, and
 * an int as the exact int. So arguments of those kinds, and instances of
 * subclasses of the scalar types (whose methods may differ), cross as
 * Python objects: translated code reaches them through the host hook.
 */
#include "padapter.h"

/* Must o cross into translated code as an object rather than a copy? */
static int keep_object(PyObject *o)
{
    PyTypeObject *t = Py_TYPE(o);
    if (t == &PyUnicode_Type || t == &PyFloat_Type || t == &PyBool_Type) {
        return 0;
    }
    if (t == &PyLong_Type) {
        int overflow;
        (void)PyLong_AsLongLongAndOverflow(o, &overflow);
        return overflow != 0;
    }
    return PyBytes_Check(o) || PyLong_Check(o) || PyFloat_Check(o) || PyUnicode_Check(o);
}

/* xcall: the callee is a translated function's entry, told that Python
   called it (tdmS_host_xcall, read by its C entry: lxentry.c); 0 for pyrt's
   keyword entry rt.kwcall, which exports its result for Python itself and
   must not leave the flag to the first entry its code calls from Lua. */
static inline __attribute__((always_inline)) PyObject *
xlate_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames, int xcall)
{
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    /* keyword values too: f(y=b"x") must see bytes, f(y=2**70) the int */
    Py_ssize_t total = n + (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0);
    Py_ssize_t k = 0;
    for (; k < total; k++) {
        if (keep_object(args[k])) {
            break;
        }
    }
    if (k == total) {
        tdmS_host_xcall = xcall;
        PyObject *r = tdmP_proxy_vectorcall_kept(self, args, nargsf, kwnames);
        tdmS_host_xcall = 0;
        return r;
    }
    PyObject **wrapped = PyMem_Malloc((size_t)(total > 0 ? total : 1) * sizeof *wrapped);
    if (wrapped == NULL) {
        return PyErr_NoMemory();
    }
    tdmP_Module *ms = ((tdmP_Proxy *)self)->owner->st->mod;
    PyObject *res = NULL;
    Py_ssize_t done = 0;
    for (; done < total; done++) {
        PyObject *a = args[done];
        wrapped[done] = keep_object(a) ? tdmP_wrap(ms, a, TDM_PROTO_DEFAULT) : Py_NewRef(a);
        if (wrapped[done] == NULL) {
            goto out;
        }
    }
    tdmS_host_xcall = xcall;
    res = tdmP_proxy_vectorcall_kept(self, wrapped, (size_t)n, kwnames);
    tdmS_host_xcall = 0;
out:
    for (Py_ssize_t i = 0; i < done; i++) {
        Py_DECREF(wrapped[i]);
    }
    PyMem_Free(wrapped);
    return res;
}

PyObject *tdmP_xlate_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                                PyObject *kwnames)
{
    return xlate_call(self, args, nargsf, kwnames, 1);
}

static PyObject *xlate_vectorcall_kw(PyObject *self, PyObject *const *args, size_t nargsf,
                                     PyObject *kwnames)
{
    return xlate_call(self, args, nargsf, kwnames, 0);
}

PyObject *tdmP_mark_translated(PyObject *runtime, PyObject *const *args, Py_ssize_t nargs)
{
    tdmP_Runtime *r = (tdmP_Runtime *)runtime;
    PyObject *fn = nargs >= 1 ? args[0] : NULL;
    if (nargs > 2 || fn == NULL || Py_TYPE(fn) != r->st->mod->function_type
            || ((tdmP_Proxy *)fn)->owner != r) {
        PyErr_SetString(PyExc_TypeError,
                        "_mark_translated(fn[, keywords]): a Lua function of this runtime");
        return NULL;
    }
    int kw = nargs == 2 ? PyObject_IsTrue(args[1]) : 0;
    if (kw < 0) {
        return NULL;
    }
    ((tdmP_FuncProxy *)fn)->vectorcall = kw ? xlate_vectorcall_kw : tdmP_xlate_vectorcall;
    Py_RETURN_NONE;
}
