/*
 * pffi_lib.c — the Lib object of ffi.dlopen: functions, variables and
 * constants of a library by attribute.
 *
 * Functions come as 'T(*)(...)' cdata (as in cffi), made once and cached in
 * the Lib; constants (enumerators, #define) as ints; variables are read and
 * written through a cached reference cdata at the symbol's address. Libraries
 * stay loaded until the registry is freed (dlclose is a no-op).
 */
#include "pffi.h"     /* Python.h first */
#include <dlfcn.h>
#include <string.h>
#include <structmember.h>

/* The Lib object of dlopen. */
typedef struct Lib {
    PyObject_HEAD
    tdmP_FFI *ffi;              /* strong */
    tdmF_Lib *lib;              /* borrowed: the registry keeps libraries loaded */
    PyObject *cache;            /* strong dict: name -> function cdata or constant */
    PyObject *vars;             /* strong dict: name -> reference cdata of a variable */
    PyObject *weakreflist;
    int closed;                 /* dlclose() was called: every lookup is refused */
} Lib;

/* cffi's rule for a short name ("m", "c"): ctypes.util.find_library(name).
   The file name as bytes (new reference), None when not found, NULL raised. */
static PyObject *find_library(PyObject *name)
{
    PyObject *util = PyImport_ImportModule("ctypes.util"), *r, *b = NULL;
    if (util == NULL) {
        return NULL;
    }
    r = PyObject_CallMethod(util, "find_library", "O", name);
    Py_DECREF(util);
    if (r == NULL || r == Py_None) {
        return r;
    }
    if (!PyUnicode_FSConverter(r, &b)) {
        b = NULL;
    }
    Py_DECREF(r);
    return b;
}

PyObject *tdmP_ffi_dlopen(PyObject *self, PyObject *args)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    PyObject *name = Py_None, *bytes = NULL;
    int flags = 0, st;
    tdmF_Lib *lib;
    tdmF_Err err;
    Lib *l;
    if (!PyArg_ParseTuple(args, "|Oi:dlopen", &name, &flags)) {
        return NULL;
    }
    tdmF_err_init(&err);
    if (tdmP_is_cdata(name)) {
        /* cffi: a `void *` handle from the C function dlopen */
        tdmF_CData *cd = ((tdmP_CData *)name)->cd;
        char tn[160];
        if (cd->type->kind != TDMF_PTR) {
            return PyErr_Format(PyExc_TypeError, "dlopen: expected a library name or a "
                                "pointer cdata (a handle from dlopen), got cdata '%s'",
                                tdmF_cffi_typename(cd->type, tn, sizeof tn));
        }
        if (tdmP_ffi_lock(f->rt) < 0) {
            return NULL;
        }
        st = tdmF_lib_adopt(f->R, *(void **)cd->addr, &lib, &err);
        tdmR_unlock(f->rt);
        goto opened;
    }
    if (name != Py_None && !PyUnicode_FSConverter(name, &bytes)) {
        return NULL;
    }
    if (tdmP_ffi_lock(f->rt) < 0) {
        Py_XDECREF(bytes);
        return NULL;
    }
    st = tdmF_lib_open(f->R, bytes ? PyBytes_AS_STRING(bytes) : NULL,
                       (flags & RTLD_GLOBAL) != 0, &lib, &err);
    tdmR_unlock(f->rt);
    if (st == TDM_ERRARG && bytes != NULL && strchr(PyBytes_AS_STRING(bytes), '/') == NULL) {
        PyObject *found = find_library(name);
        if (found == NULL) {
            Py_DECREF(bytes);
            return NULL;
        }
        if (found != Py_None && tdmP_ffi_lock(f->rt) == 0) {
            tdmF_Err err2;
            tdmF_err_init(&err2);
            if (tdmF_lib_open(f->R, PyBytes_AS_STRING(found), (flags & RTLD_GLOBAL) != 0,
                              &lib, &err2) == TDM_OK) {
                st = TDM_OK;
            }
            tdmR_unlock(f->rt);
        }
        Py_DECREF(found);
        if (PyErr_Occurred()) {
            Py_DECREF(bytes);
            return NULL;
        }
    }
    Py_XDECREF(bytes);
opened:
    if (st != TDM_OK) {
        return tdmP_ffi_raise(fs, f->rt, &err, st == TDM_ERRMEM ? PyExc_MemoryError
                                                                : PyExc_OSError);
    }
    l = PyObject_GC_New(Lib, fs->lib_type);
    if (l == NULL) {
        return NULL;
    }
    l->ffi = (tdmP_FFI *)Py_NewRef(self);
    l->lib = lib;
    l->cache = PyDict_New();
    l->vars = PyDict_New();
    l->weakreflist = NULL;
    l->closed = 0;
    PyObject_GC_Track(l);
    if (l->cache == NULL || l->vars == NULL ||
        (f->libs == NULL && (f->libs = PyList_New(0)) == NULL) ||
        PyList_Append(f->libs, (PyObject *)l) < 0) {
        Py_DECREF(l);
        return NULL;
    }
    return (PyObject *)l;
}

/* dlclose(lib): the Lib refuses every later lookup (cffi's ValueError). The
   library itself stays loaded until the registry goes: cdata taken from it
   may still be alive. */
PyObject *tdmP_ffi_dlclose(PyObject *self, PyObject *lib)
{
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    if (!PyObject_TypeCheck(lib, fs->lib_type)) {
        return PyErr_Format(PyExc_TypeError, "dlclose(): expected a Lib, got a '%.60s' object",
                            Py_TYPE(lib)->tp_name);
    }
    ((Lib *)lib)->closed = 1;
    PyDict_Clear(((Lib *)lib)->cache);
    PyDict_Clear(((Lib *)lib)->vars);
    Py_RETURN_NONE;
}

static int refuse_closed(Lib *l)
{
    if (l->closed) {
        PyErr_Format(PyExc_ValueError, "library '%s' has already been closed",
                     tdmF_lib_name(l->lib));
        return -1;
    }
    return 0;
}

/* lib.name: functions as 'T(*)(...)' cdata (cached), constants as ints,
   variables by value. */
static PyObject *lib_lookup(Lib *l, PyObject *name, tdmF_CData **var)
{
    tdmP_FFI *f = l->ffi;
    tdmP_FFIState *fs = tdmP_ffi_state((PyObject *)f);
    const char *s = PyUnicode_AsUTF8(name);
    PyObject *hit, *res = NULL;
    tdm_Value v;
    tdmF_Err err;
    int st;
    *var = NULL;
    if (s == NULL || refuse_closed(l) < 0) {
        return NULL;
    }
    if ((hit = PyDict_GetItemWithError(l->cache, name)) != NULL) {
        return Py_NewRef(hit);
    }
    if ((hit = PyDict_GetItemWithError(l->vars, name)) != NULL) {
        *var = ((tdmP_CData *)hit)->cd;
        return Py_NewRef(hit);
    }
    if (PyErr_Occurred()) {
        return NULL;
    }
    tdmF_err_init(&err);
    if (tdmP_ffi_lock(f->rt) < 0) {
        return NULL;
    }
    st = tdmF_lib_get(f->R, l->lib, s, &v, &err);
    if (st == TDM_OK && v.kind == TDM_OBJ && ((tdmF_CData *)v.u.obj)->type->kind == TDMF_FUNC) {
        tdmF_CData *fn = v.u.obj, *p;
        const tdmF_Type *pt = tdmF_ptr(f->R, fn->type, &err);
        p = pt ? tdmF_cd_alloc(f->R, pt, sizeof(void *), &err) : NULL;
        if (p != NULL) {
            *(void **)p->addr = fn->addr;
            p->name = fn->name;
            tdmF_cd_decref(fn);
            v = tdmF_cd_value(p);
        } else {
            tdmF_value_release(f->R, &v);
            st = err.status ? err.status : TDM_ERRMEM;
        }
    }
    tdmR_unlock(f->rt);
    if (st != TDM_OK) {
        return tdmP_ffi_raise(fs, f->rt, &err, PyExc_AttributeError);
    }
    if (v.kind == TDM_INT) {
        res = PyLong_FromLongLong((long long)v.u.i);
        if (res != NULL && PyDict_SetItem(l->cache, name, res) < 0) {
            Py_CLEAR(res);
        }
        return res;
    }
    tdmF_CData *cd = v.u.obj;
    int isfn = cd->type->kind == TDMF_PTR && cd->name != NULL &&
               cd->type->base->kind == TDMF_FUNC;
    res = tdmP_cd_new(fs, f->rt, cd, 0);
    if (res != NULL && PyDict_SetItem(isfn ? l->cache : l->vars, name, res) < 0) {
        Py_CLEAR(res);
    }
    if (res != NULL && !isfn) {
        *var = cd;
    }
    return res;
}

static PyObject *lib_getattro(PyObject *self, PyObject *name)
{
    Lib *l = (Lib *)self;
    tdmF_CData *var;
    PyObject *r;
    const char *s = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
    if (s == NULL || (s[0] == '_' && s[1] == '_')) {
        return PyObject_GenericGetAttr(self, name);
    }
    r = lib_lookup(l, name, &var);
    if (r != NULL && var != NULL) {
        PyObject *val = tdmP_ffi_from_c(tdmP_ffi_state((PyObject *)l->ffi), l->ffi->rt,
                                        var->type, var->addr, var);
        Py_DECREF(r);
        return val;
    }
    return r;
}

static int lib_setattro(PyObject *self, PyObject *name, PyObject *value)
{
    Lib *l = (Lib *)self;
    tdmF_CData *var;
    tdmF_Err err;
    PyObject *r;
    int st;
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "library attributes cannot be deleted");
        return -1;
    }
    if ((r = lib_lookup(l, name, &var)) == NULL) {
        return -1;
    }
    Py_DECREF(r);
    if (var == NULL) {
        PyErr_Format(PyExc_AttributeError, "'%U' is not a variable: it cannot be assigned",
                     name);
        return -1;
    }
    tdmF_err_init(&err);
    if (var->type->kind == TDMF_ARRAY && var->type->length < 0 && var->nelem < 0) {
        /* `extern int a[];`: its length is the library's business; as cffi,
           a list, tuple, bytes or str writes its elements (bytes and str
           with their terminator), trusting the declaration as C would */
        const tdmF_Type *et = var->type->base;
        int64_t n;
        if (PyList_Check(value) || PyTuple_Check(value)) {
            n = PySequence_Fast_GET_SIZE(value);
        } else if (PyBytes_Check(value) && et->size == 1) {
            n = PyBytes_GET_SIZE(value) + 1;
        } else if (PyUnicode_Check(value) && tdmP_unichar(et)) {
            n = tdmP_unistr_units(value, tdmP_unichar(et)) + 1;
        } else {
            PyErr_Format(PyExc_TypeError, "'%U': an array variable of unknown length takes "
                         "a list or a tuple%s, not '%.60s'", name,
                         et->size == 1 ? " or bytes" : tdmP_unichar(et) ? " or str" : "",
                         Py_TYPE(value)->tp_name);
            return -1;
        }
        st = tdmP_ffi_fill(l->ffi, var->type, var->addr, n, value, &err);
    } else {
        st = tdmP_ffi_to_c(l->ffi->R, var->type, value, var->addr, TDMF_CV_STORE, &err);
    }
    if (st != TDM_OK) {
        tdmP_ffi_raise(tdmP_ffi_state((PyObject *)l->ffi), l->ffi->rt, &err, NULL);
        return -1;
    }
    return 0;
}

static PyObject *lib_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<tandem.Lib '%s'>", tdmF_lib_name(((Lib *)self)->lib));
}

static int lib_traverse(PyObject *self, visitproc visit, void *arg)
{
    Lib *l = (Lib *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(l->ffi);
    Py_VISIT(l->cache);
    Py_VISIT(l->vars);
    return 0;
}

static int lib_clear(PyObject *self)
{
    Lib *l = (Lib *)self;
    Py_CLEAR(l->cache);
    Py_CLEAR(l->vars);
    Py_CLEAR(l->ffi);
    return 0;
}

static void lib_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (((Lib *)self)->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    lib_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* dir(lib): the functions, variables and constants declared (cffi lists
   what cdef declared, found in the library or not), sorted. */
static PyObject *lib_dir(PyObject *self, PyObject *unused)
{
    Lib *l = (Lib *)self;
    PyObject *names, *res, *decl;
    (void)unused;
    if ((names = PyObject_CallMethod((PyObject *)l->ffi, "_names", NULL)) == NULL) {
        return NULL;
    }
    decl = PyTuple_GET_ITEM(names, 0);
    res = PyList_New(0);
    for (Py_ssize_t i = 0; res != NULL && i < PyList_GET_SIZE(decl); i++) {
        PyObject *item = PyList_GET_ITEM(decl, i);
        if (PyLong_AsLong(PyTuple_GET_ITEM(item, 1)) != TDMF_N_TYPEDEF &&
            PyList_Append(res, PyTuple_GET_ITEM(item, 0)) < 0) {
            Py_CLEAR(res);
        }
    }
    Py_DECREF(names);
    if (res != NULL && PyList_Sort(res) < 0) {
        Py_CLEAR(res);
    }
    return res;
}

static PyMethodDef lib_methods[] = {
    {"__dir__", lib_dir, METH_NOARGS, "The names cdef declared."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef lib_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(Lib, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot lib_slots[] = {
    {Py_tp_methods, lib_methods},
    {Py_tp_members, lib_members},
    {Py_tp_dealloc, lib_dealloc},
    {Py_tp_traverse, lib_traverse},
    {Py_tp_clear, lib_clear},
    {Py_tp_getattro, lib_getattro},
    {Py_tp_setattro, lib_setattro},
    {Py_tp_repr, lib_repr},
    {Py_tp_doc, (void *)"A loaded library: functions, variables and constants by name."},
    {0, NULL},
};

static PyType_Spec lib_spec = {
    "tandem.Lib", sizeof(Lib), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION, lib_slots,
};

int tdmP_lib_init_type(PyObject *fm, tdmP_FFIState *fs)
{
    fs->lib_type = (PyTypeObject *)PyType_FromModuleAndSpec(fm, &lib_spec, NULL);
    return fs->lib_type ? 0 : -1;
}

PyObject *tdmP_lib_symbol(PyObject *lib, PyObject *name, int *isvar)
{
    tdmF_CData *var;
    PyObject *r = lib_lookup((Lib *)lib, name, &var);
    *isvar = r != NULL && var != NULL;
    return r;
}

