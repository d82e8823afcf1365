/*
 * pffi_ctype.c — CType (ffi.typeof) and the buffer of ffi.buffer.
 *
 * A CType names an interned tdmF_Type of one registry; FFI.typeof returns the
 * same object for the same type (cached per FFI object), so `is` works as in
 * cffi. The buffer type exposes C memory through the buffer protocol and
 * slices to bytes (`ffi.buffer(p, n)[:]`), keeping its cdata alive.
 */
#include "pffi.h"     /* Python.h first */
#include <string.h>
#include <structmember.h>

/* One CType per interned type, process-wide: fs->ctypes maps the type's
   address to a weak reference to its CType (so `typeof("int *").item is
   typeof("int")`, as in cffi); an FFI also keeps the CTypes it returned in
   ffi->types (strong). The entry goes when its CType dies. The address stays
   unique while the CType lives: the CType holds its registry's runtime. */
int tdmP_ctype_shareable(const tdmF_Type *t)
{
    for (int depth = 0; depth < 64; depth++) {
        if (t->variant_of != NULL) {
            return 0;       /* a typedef's aligned variant: its registry's own */
        }
        switch (t->kind) {
        case TDMF_VOID:
        case TDMF_INT:
        case TDMF_FLOAT:
        case TDMF_COMPLEX:
            return 1;
        case TDMF_PTR:
        case TDMF_ARRAY:
            t = t->base;
            continue;
        case TDMF_FUNC:
            for (int i = 0; i < t->nparams; i++) {
                if (!tdmP_ctype_shareable(t->params[i])) {
                    return 0;
                }
            }
            t = t->base;
            continue;
        case TDMF_STRUCT:
            /* the built-in opaque FILE (ctypes.c: incomplete, named by its
               typedef) is a base type too: `FILE *` is one CType in every
               registry, as cffi's (test_FILE_issue228) */
            return !(t->flags & TDMF_COMPLETE) && t->tdname && t->name != NULL &&
                   strcmp(t->name, "FILE") == 0;
        default:
            return 0;       /* structs, unions, enums: declared by the user */
        }
    }
    return 0;
}

/* The live shared CType spelled `name`, or NULL (borrowed: the caller takes
   its own reference). */
static PyObject *shared_get(tdmP_FFIState *fs, PyObject *name)
{
    PyObject *wr = PyDict_GetItemWithError(fs->shared, name), *o;
    if (wr == NULL) {
        return NULL;
    }
    o = PyWeakref_GetObject(wr);
    return o == Py_None ? NULL : o;
}

PyObject *tdmP_ctype_new(tdmP_FFIState *fs, tdmP_FFI *ffi, tdm_Runtime *rt, const tdmF_Type *t)
{
    PyObject *key, *hit, *wr, *name = NULL;
    tdmP_CType *c = NULL;
    key = PyLong_FromVoidPtr((void *)t);
    if (key == NULL) {
        return NULL;
    }
    if (ffi != NULL) {
        hit = PyDict_GetItemWithError(ffi->types, key);
        if (hit != NULL || PyErr_Occurred()) {
            Py_DECREF(key);
            return Py_XNewRef(hit);
        }
    }
    wr = PyDict_GetItemWithError(fs->ctypes, key);          /* borrowed */
    if (wr != NULL) {
        hit = PyWeakref_GetObject(wr);                      /* borrowed */
        if (hit != NULL && hit != Py_None) {
            c = (tdmP_CType *)Py_NewRef(hit);
        }
    } else if (PyErr_Occurred()) {
        Py_DECREF(key);
        return NULL;
    }
    if (c == NULL && tdmP_ctype_shareable(t)) {
        /* cffi's global cache: a type of base types only is one CType for
           every registry (another registry's CType is resolved by its
           spelling when used: tdmP_ffi_get_type) */
        char tn[256];
        if ((name = PyUnicode_FromString(tdmF_cffi_typename(t, tn, sizeof tn))) == NULL) {
            Py_DECREF(key);
            return NULL;
        }
        hit = shared_get(fs, name);
        if (hit != NULL) {
            c = (tdmP_CType *)Py_NewRef(hit);
        } else if (PyErr_Occurred()) {
            Py_DECREF(name);
            Py_DECREF(key);
            return NULL;
        }
    }
    if (c == NULL) {
        c = PyObject_New(tdmP_CType, fs->ctype_type);
        if (c == NULL) {
            Py_XDECREF(name);
            Py_DECREF(key);
            return NULL;
        }
        c->type = t;
        c->rt = rt;
        c->item = NULL;
        c->weakreflist = NULL;
        tdmR_incref(rt);
        wr = PyWeakref_NewRef((PyObject *)c, NULL);
        if (wr == NULL || PyDict_SetItem(fs->ctypes, key, wr) < 0 ||
            (name != NULL && PyDict_SetItem(fs->shared, name, wr) < 0) ||
            ((t->kind == TDMF_PTR || t->kind == TDMF_ARRAY) &&
             (c->item = tdmP_ctype_new(fs, NULL, rt, t->base)) == NULL)) {
            Py_XDECREF(wr);
            Py_XDECREF(name);
            Py_DECREF(key);
            Py_DECREF(c);
            return NULL;
        }
        Py_DECREF(wr);
    }
    Py_XDECREF(name);
    if (ffi != NULL && PyDict_SetItem(ffi->types, key, (PyObject *)c) < 0) {
        Py_DECREF(key);
        Py_DECREF(c);
        return NULL;
    }
    Py_DECREF(key);
    return (PyObject *)c;
}

static void ctype_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tdmP_CType *c = (tdmP_CType *)self;
    tdm_Runtime *rt = c->rt;
    tdmP_FFIState *fs = PyType_GetModuleState(tp);
    if (c->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    if (fs != NULL && fs->ctypes != NULL) {
        /* forget the cache entry if it is ours (now dead); never raise */
        PyObject *et, *ev, *etb, *key, *wr;
        PyErr_Fetch(&et, &ev, &etb);
        key = PyLong_FromVoidPtr((void *)c->type);
        wr = key ? PyDict_GetItemWithError(fs->ctypes, key) : NULL;
        if (wr != NULL && PyWeakref_GetObject(wr) == Py_None) {
            PyDict_DelItem(fs->ctypes, key);
        }
        Py_XDECREF(key);
        PyErr_Clear();
        if (fs->shared != NULL && tdmP_ctype_shareable(c->type)) {
            char tn[256];
            PyObject *name = PyUnicode_FromString(tdmF_cffi_typename(c->type, tn, sizeof tn));
            wr = name ? PyDict_GetItemWithError(fs->shared, name) : NULL;
            if (wr != NULL && PyWeakref_GetObject(wr) == Py_None) {
                PyDict_DelItem(fs->shared, name);
            }
            Py_XDECREF(name);
            PyErr_Clear();
        }
        PyErr_Restore(et, ev, etb);
    }
    Py_CLEAR(c->item);
    tp->tp_free(self);
    Py_DECREF(tp);
    tdmR_decref(rt);
}

static PyObject *ctype_repr(PyObject *self)
{
    char tn[200];
    return PyUnicode_FromFormat("<ctype '%s'>",
                                tdmF_cffi_typename(((tdmP_CType *)self)->type, tn, sizeof tn));
}

static PyObject *ctype_richcompare(PyObject *a, PyObject *b, int op)
{
    if (Py_TYPE(a) != Py_TYPE(b) || (op != Py_EQ && op != Py_NE)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    int eq = ((tdmP_CType *)a)->type == ((tdmP_CType *)b)->type;
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static Py_hash_t ctype_hash(PyObject *self)
{
    return _Py_HashPointer((void *)((tdmP_CType *)self)->type);
}

static PyObject *sub(PyObject *self, const tdmF_Type *t)
{
    tdmP_CType *c = (tdmP_CType *)self;
    return tdmP_ctype_new(tdmP_ffi_state(self), NULL, c->rt, t);
}

static const tdmF_Type *fn_of(const tdmF_Type *t)
{
    if (t->kind == TDMF_PTR && t->base->kind == TDMF_FUNC) {
        return t->base;
    }
    return t->kind == TDMF_FUNC ? t : NULL;
}

static PyObject *ct_kind(PyObject *self, void *closure)
{
    const tdmF_Type *t = ((tdmP_CType *)self)->type;
    (void)closure;
    if (fn_of(t)) {
        return PyUnicode_FromString("function");
    }
    switch (t->kind) {
    case TDMF_VOID: return PyUnicode_FromString("void");
    case TDMF_INT:
    case TDMF_FLOAT:
    case TDMF_COMPLEX: return PyUnicode_FromString("primitive");
    case TDMF_PTR: return PyUnicode_FromString("pointer");
    case TDMF_ARRAY: return PyUnicode_FromString("array");
    case TDMF_STRUCT: return PyUnicode_FromString("struct");
    case TDMF_UNION: return PyUnicode_FromString("union");
    default: return PyUnicode_FromString("enum");
    }
}

static PyObject *ct_cname(PyObject *self, void *closure)
{
    char tn[200];
    (void)closure;
    return PyUnicode_FromString(tdmF_cffi_typename(((tdmP_CType *)self)->type, tn, sizeof tn));
}

static PyObject *ct_item(PyObject *self, void *closure)
{
    const tdmF_Type *t = ((tdmP_CType *)self)->type;
    (void)closure;
    if ((t->kind != TDMF_PTR && t->kind != TDMF_ARRAY) || fn_of(t)) {
        PyErr_SetString(PyExc_AttributeError, "item: not a pointer or array ctype");
        return NULL;
    }
    return sub(self, t->base);
}

static PyObject *ct_length(PyObject *self, void *closure)
{
    const tdmF_Type *t = ((tdmP_CType *)self)->type;
    (void)closure;
    if (t->kind != TDMF_ARRAY) {
        PyErr_SetString(PyExc_AttributeError, "length: not an array ctype");
        return NULL;
    }
    if (t->length < 0) {
        Py_RETURN_NONE;
    }
    return PyLong_FromLongLong((long long)t->length);
}

/* Append the fields of t at offset `off` to list, as cffi lists them:
   anonymous struct/union members flattened into their own fields; flags 1
   (cffi's BF_IGNORE_IN_CTOR) on a field that takes no positional
   initializer (a union's members after the first, and what they hold). */
static int add_fields(PyObject *self, PyObject *ns, PyObject *list, const tdmF_Type *t,
                      size_t off, int ignored)
{
    int first = 1;
    for (int i = 0; i < t->nfields; i++) {
        const tdmF_Field *f = &t->fields[i];
        PyObject *ft, *fld, *pair;
        int ign = ignored || (t->kind == TDMF_UNION && !first);
        if (f->name == NULL && f->isbit) {
            continue;
        }
        first = 0;
        if (f->name == NULL && (f->type->kind == TDMF_STRUCT || f->type->kind == TDMF_UNION)) {
            if (add_fields(self, ns, list, f->type, off + f->offset, ign) < 0) {
                return -1;
            }
            continue;
        }
        ft = sub(self, f->type);
        fld = ft ? PyObject_CallFunction(ns, NULL) : NULL;
        if (fld != NULL) {
            PyObject *o = PyLong_FromSize_t(off + f->offset);
            PyObject *bs = PyLong_FromLong(f->isbit ? f->bitwidth : -1);
            PyObject *sh = PyLong_FromLong(f->isbit ? f->bitpos : -1);
            PyObject *fl = PyLong_FromLong(ign);
            if (!o || !bs || !sh || !fl || PyObject_SetAttrString(fld, "type", ft) < 0 ||
                PyObject_SetAttrString(fld, "offset", o) < 0 ||
                PyObject_SetAttrString(fld, "bitsize", bs) < 0 ||
                PyObject_SetAttrString(fld, "bitshift", sh) < 0 ||
                PyObject_SetAttrString(fld, "flags", fl) < 0) {
                Py_CLEAR(fld);
            }
            Py_XDECREF(o);
            Py_XDECREF(bs);
            Py_XDECREF(sh);
            Py_XDECREF(fl);
        }
        pair = fld ? Py_BuildValue("(sO)", f->name ? f->name : "", fld) : NULL;
        Py_XDECREF(ft);
        Py_XDECREF(fld);
        if (pair == NULL || PyList_Append(list, pair) < 0) {
            Py_XDECREF(pair);
            return -1;
        }
        Py_DECREF(pair);
    }
    return 0;
}

static PyObject *ct_fields(PyObject *self, void *closure)
{
    const tdmF_Type *t = ((tdmP_CType *)self)->type;
    PyObject *types = NULL, *ns, *list;
    (void)closure;
    if (t->kind != TDMF_STRUCT && t->kind != TDMF_UNION) {
        PyErr_SetString(PyExc_AttributeError, "fields: not a struct or union ctype");
        return NULL;
    }
    if (!(t->flags & TDMF_COMPLETE)) {
        Py_RETURN_NONE;
    }
    if ((types = PyImport_ImportModule("types")) == NULL) {
        return NULL;
    }
    ns = PyObject_GetAttrString(types, "SimpleNamespace");
    Py_DECREF(types);
    if (ns == NULL || (list = PyList_New(0)) == NULL) {
        Py_XDECREF(ns);
        return NULL;
    }
    if (add_fields(self, ns, list, t, 0, 0) < 0) {
        Py_CLEAR(list);
    }
    Py_DECREF(ns);
    return list;
}

static PyObject *ct_args(PyObject *self, void *closure)
{
    const tdmF_Type *t = fn_of(((tdmP_CType *)self)->type);
    PyObject *tup;
    (void)closure;
    if (t == NULL) {
        PyErr_SetString(PyExc_AttributeError, "args: not a function ctype");
        return NULL;
    }
    if ((tup = PyTuple_New(t->nparams)) == NULL) {
        return NULL;
    }
    for (int i = 0; i < t->nparams; i++) {
        PyObject *a = sub(self, t->params[i]);
        if (a == NULL) {
            Py_DECREF(tup);
            return NULL;
        }
        PyTuple_SET_ITEM(tup, i, a);
    }
    return tup;
}

static PyObject *ct_result(PyObject *self, void *closure)
{
    const tdmF_Type *t = fn_of(((tdmP_CType *)self)->type);
    (void)closure;
    if (t == NULL) {
        PyErr_SetString(PyExc_AttributeError, "result: not a function ctype");
        return NULL;
    }
    return sub(self, t->base);
}

static PyObject *ct_ellipsis(PyObject *self, void *closure)
{
    const tdmF_Type *t = fn_of(((tdmP_CType *)self)->type);
    (void)closure;
    if (t == NULL) {
        PyErr_SetString(PyExc_AttributeError, "ellipsis: not a function ctype");
        return NULL;
    }
    return PyBool_FromLong((t->flags & TDMF_VARIADIC) != 0);
}

static PyGetSetDef ctype_getset[] = {
    {"kind", ct_kind, NULL, NULL, NULL},
    {"cname", ct_cname, NULL, NULL, NULL},
    {"item", ct_item, NULL, NULL, NULL},
    {"length", ct_length, NULL, NULL, NULL},
    {"fields", ct_fields, NULL, NULL, NULL},
    {"args", ct_args, NULL, NULL, NULL},
    {"result", ct_result, NULL, NULL, NULL},
    {"ellipsis", ct_ellipsis, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef ctype_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(tdmP_CType, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot ctype_slots[] = {
    {Py_tp_members, ctype_members},
    {Py_tp_dealloc, ctype_dealloc},
    {Py_tp_repr, ctype_repr},
    {Py_tp_richcompare, ctype_richcompare},
    {Py_tp_hash, ctype_hash},
    {Py_tp_getset, ctype_getset},
    {Py_tp_doc, (void *)"A C type (cffi's CType)."},
    {0, NULL},
};

static PyType_Spec ctype_spec = {
    "tandem.CType", sizeof(tdmP_CType), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION, ctype_slots,
};

/* ---- ffi.buffer ------------------------------------------------------------ */

typedef struct Buffer {
    PyObject_HEAD
    PyObject *cdata;            /* strong: keeps the memory alive */
    char *p;                    /* borrowed: the cdata's memory */
    Py_ssize_t size;
} Buffer;

PyObject *tdmP_buffer_new(tdmP_FFIState *fs, PyObject *cdata, Py_ssize_t size)
{
    tdmF_CData *cd;
    size_t known;
    char tn[160];
    Buffer *b;
    if (!tdmP_is_cdata(cdata)) {
        return PyErr_Format(PyExc_TypeError, "buffer(): expected a cdata, got a '%.60s' object",
                            Py_TYPE(cdata)->tp_name);
    }
    cd = ((tdmP_CData *)cdata)->cd;
    if (cd->type->kind == TDMF_PTR) {
        known = cd->type->base->size;
        if (cd->type->base->kind == TDMF_VOID || cd->type->base->kind == TDMF_FUNC) {
            known = 0;
        }
        if (known > tdmF_cd_avail(cd)) {
            known = tdmF_cd_avail(cd);
        }
    } else if (cd->type->kind == TDMF_ARRAY || cd->type->kind == TDMF_STRUCT ||
               cd->type->kind == TDMF_UNION) {
        known = tdmF_cd_size(cd);
    } else {
        return PyErr_Format(PyExc_TypeError, "buffer(): expected a pointer or array cdata, got "
                            "cdata '%s'", tdmF_cffi_typename(cd->type, tn, sizeof tn));
    }
    if (size < 0) {
        if (known == 0) {
            return PyErr_Format(PyExc_TypeError, "buffer(): cdata '%s' needs a size",
                                tdmF_cffi_typename(cd->type, tn, sizeof tn));
        }
        size = (Py_ssize_t)known;
    } else if ((cd->type->kind != TDMF_PTR && (size_t)size > known) ||
               (cd->type->kind == TDMF_PTR && (size_t)size > tdmF_cd_avail(cd))) {
        /* a pointer into memory of known extent (new("int *"), p + n of an
           array) is limited to it; a pointer from C is not checked */
        return PyErr_Format(PyExc_ValueError, "buffer(): size %zd exceeds the %zu bytes the "
                            "cdata '%s' %s", size,
                            cd->type->kind == TDMF_PTR ? tdmF_cd_avail(cd) : known,
                            tdmF_cffi_typename(cd->type, tn, sizeof tn),
                            cd->type->kind == TDMF_PTR ? "points to" : "holds");
    }
    if (tdmF_cd_address(cd) == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "buffer(): NULL pointer");
        return NULL;
    }
    b = PyObject_GC_New(Buffer, fs->buffer_type);
    if (b == NULL) {
        return NULL;
    }
    b->cdata = Py_NewRef(cdata);
    b->p = tdmF_cd_address(cd);
    b->size = size;
    PyObject_GC_Track(b);
    return (PyObject *)b;
}

static int buf_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((Buffer *)self)->cdata);
    return 0;
}

static int buf_clear(PyObject *self)
{
    Py_CLEAR(((Buffer *)self)->cdata);
    return 0;
}

static void buf_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    buf_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static int buf_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    Buffer *b = (Buffer *)self;
    if (b->cdata == NULL) {
        PyErr_SetString(PyExc_ValueError, "buffer released");
        return -1;
    }
    return PyBuffer_FillInfo(view, self, b->p, b->size, 0, flags);
}

static Py_ssize_t buf_length(PyObject *self)
{
    return ((Buffer *)self)->size;
}

static PyObject *buf_subscript(PyObject *self, PyObject *key)
{
    Buffer *b = (Buffer *)self;
    if (PySlice_Check(key)) {
        Py_ssize_t start, stop, step, n;
        if (PySlice_Unpack(key, &start, &stop, &step) < 0) {
            return NULL;
        }
        n = PySlice_AdjustIndices(b->size, &start, &stop, step);
        if (step == 1) {
            return PyBytes_FromStringAndSize(b->p + start, n);
        }
        PyObject *r = PyBytes_FromStringAndSize(NULL, n);
        if (r != NULL) {
            for (Py_ssize_t i = 0; i < n; i++) {
                PyBytes_AS_STRING(r)[i] = b->p[start + i * step];
            }
        }
        return r;
    }
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (i < 0) {
        i += b->size;
    }
    if (i < 0 || i >= b->size) {
        PyErr_SetString(PyExc_IndexError, "buffer index out of range");
        return NULL;
    }
    return PyBytes_FromStringAndSize(b->p + i, 1);
}

static int buf_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    Buffer *b = (Buffer *)self;
    Py_buffer src;
    Py_ssize_t start, stop, step, n;
    int rc = 0;
    if (value == NULL) {
        PyErr_SetString(PyExc_TypeError, "buffer items cannot be deleted");
        return -1;
    }
    if (!PySlice_Check(key)) {
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) {
            return -1;
        }
        start = i < 0 ? i + b->size : i;
        if (start < 0 || start >= b->size) {
            PyErr_SetString(PyExc_IndexError, "buffer index out of range");
            return -1;
        }
        stop = start + 1;
        step = 1;
        n = 1;
    } else {
        if (PySlice_Unpack(key, &start, &stop, &step) < 0) {
            return -1;
        }
        n = PySlice_AdjustIndices(b->size, &start, &stop, step);
    }
    if (PyObject_GetBuffer(value, &src, PyBUF_SIMPLE) < 0) {
        return -1;
    }
    if (src.len != n) {
        PyErr_Format(PyExc_ValueError, "buffer assignment: need %zd bytes, got %zd", n, src.len);
        rc = -1;
    } else {
        for (Py_ssize_t i = 0; i < n; i++) {
            b->p[start + i * step] = ((char *)src.buf)[i];
        }
    }
    PyBuffer_Release(&src);
    return rc;
}

static PyObject *buf_repr(PyObject *self)
{
    Buffer *b = (Buffer *)self;
    return PyUnicode_FromFormat("<tandem.buffer of %zd bytes at %p>", b->size, b->p);
}

/* buffer(cdata, size=-1): ffi.buffer is this type, as in cffi. */
static PyObject *buf_tp_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"cdata", (char *)"size", NULL};
    PyObject *o;
    Py_ssize_t size = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|n:buffer", kwlist, &o, &size)) {
        return NULL;
    }
    return tdmP_buffer_new(tdmP_ffi_state_of_type(type), o, size);
}

/* Comparisons with anything exposing bytes (bytes, bytearray, other
   buffers): by content, as cffi's buffer compares. */
static PyObject *buf_richcompare(PyObject *a, PyObject *b, int op)
{
    PyObject *x, *y, *r;
    if (!PyObject_CheckBuffer(a) || !PyObject_CheckBuffer(b)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    x = PyBytes_FromObject(a);
    y = x ? PyBytes_FromObject(b) : NULL;
    r = y ? PyObject_RichCompare(x, y, op) : NULL;
    Py_XDECREF(x);
    Py_XDECREF(y);
    return r;
}

static PyType_Slot buf_slots[] = {
    {Py_tp_new, buf_tp_new},
    {Py_tp_richcompare, buf_richcompare},
    {Py_tp_dealloc, buf_dealloc},
    {Py_tp_traverse, buf_traverse},
    {Py_tp_clear, buf_clear},
    {Py_tp_repr, buf_repr},
    {Py_bf_getbuffer, buf_getbuffer},
    {Py_mp_length, buf_length},
    {Py_sq_length, buf_length},
    {Py_mp_subscript, buf_subscript},
    {Py_mp_ass_subscript, buf_ass_subscript},
    {Py_tp_doc, (void *)"The raw memory of a cdata (ffi.buffer)."},
    {0, NULL},
};

static PyType_Spec buf_spec = {
    "tandem.buffer", sizeof(Buffer), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, buf_slots,
};

int tdmP_ctype_init_types(PyObject *fm, tdmP_FFIState *fs)
{
    fs->ctype_type = (PyTypeObject *)PyType_FromModuleAndSpec(fm, &ctype_spec, NULL);
    if (fs->ctype_type == NULL) {
        return -1;
    }
    fs->buffer_type = (PyTypeObject *)PyType_FromModuleAndSpec(fm, &buf_spec, NULL);
    return fs->buffer_type ? 0 : -1;
}
