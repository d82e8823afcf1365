/*
 * pffi_memory.c — FFI methods on raw memory: string, unpack, buffer,
 * from_buffer, memmove and addressof.
 *
 * Reads go through the core where it checks bounds and NULL (tdmF_string,
 * tdmF_addressof, tdmF_ptr_add); Python buffers (bytes, bytearray,
 * memoryview) are accepted wherever cffi accepts them.
 */
#include "pffi.h"     /* Python.h first */
#include <string.h>

PyObject *tdmP_enum_name(tdm_Runtime *rt, const tdmF_Type *t, PyObject *value)
{
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
    const char *name;
    if (overflow || (v == -1 && PyErr_Occurred()) || tdmP_ffi_lock(rt) < 0) {
        return NULL;
    }
    name = tdmF_enum_name(rt->ffi, t, (int64_t)v);
    tdmR_unlock(rt);
    return name ? PyUnicode_FromString(name) : NULL;
}

PyObject *tdmP_ffi_string(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"cdata", (char *)"maxlen", NULL};
    tdmP_FFI *f = (tdmP_FFI *)self;
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    PyObject *o;
    Py_ssize_t maxlen = -1;
    const tdmF_Type *t, *st;
    tdm_Value v;
    tdmF_Err err;
    const char *p;
    size_t len;
    char tn[160];
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|n:string", kwlist, &o, &maxlen)) {
        return NULL;
    }
    if (!tdmP_is_cdata(o)) {
        return PyErr_Format(PyExc_TypeError, "string(): expected a cdata, got a '%.60s' object",
                            Py_TYPE(o)->tp_name);
    }
    tdmF_CData *cd = ((tdmP_CData *)o)->cd;
    t = cd->type;
    st = tdmF_scalar(t);
    if (t->kind == TDMF_ENUM) {
        /* the enumerator's name (the first declared for the value), else
           the value as text, as cffi */
        PyObject *i = tdmP_ffi_from_c(fs, f->rt, st, cd->addr, NULL), *r;
        if (i == NULL) {
            return NULL;
        }
        r = tdmP_enum_name(f->rt, t, i);
        if (r == NULL && !PyErr_Occurred()) {
            r = PyObject_Str(i);
        }
        Py_DECREF(i);
        return r;
    }
    if (st->kind == TDMF_INT) {
        /* cffi: a char gives bytes, a wchar_t a str; other integers
           (signed char, _Bool, ...) are not characters */
        if (st->flags & TDMF_CHAR) {
            return PyBytes_FromStringAndSize(cd->addr, 1);
        }
        if (st == tdmF_base(f->R, TDMF_T_WCHAR)) {
            int32_t c = *(const int32_t *)cd->addr;
            if (c >= 0 && c <= 0x10FFFF) {
                return PyUnicode_FromOrdinal(c);
            }
            return PyErr_Format(PyExc_ValueError, "string(): wchar_t value %ld is not a "
                                "Unicode code point", (long)c);
        }
        return PyErr_Format(PyExc_TypeError, "string(): unexpected cdata '%s' argument",
                            tdmF_cffi_typename(t, tn, sizeof tn));
    }
    if ((t->kind == TDMF_PTR || t->kind == TDMF_ARRAY) && tdmP_unichar(t->base)) {
        int unit = tdmP_unichar(t->base);
        const char *w = tdmF_cd_address(cd);
        int64_t lim = maxlen >= 0 ? maxlen : t->kind == TDMF_ARRAY ? tdmF_cd_length(cd) : -1;
        size_t avail = tdmF_cd_avail(cd) / (size_t)unit;   /* known extent: stop there */
        if (t->kind == TDMF_PTR && avail < (size_t)INT64_MAX && (lim < 0 || lim > (int64_t)avail)) {
            lim = (int64_t)avail;
        }
        Py_ssize_t k = 0;
        if (w == NULL) {
            PyErr_SetString(PyExc_RuntimeError, "string: NULL pointer");
            return NULL;
        }
        while ((lim < 0 || k < lim) &&
               (unit == 2 ? ((const uint16_t *)w)[k] : ((const uint32_t *)w)[k]) != 0) {
            k++;
        }
        return tdmP_unistr_load(w, unit, k);
    }
    if (t->kind == TDMF_PTR && maxlen >= 0 && (size_t)maxlen > tdmF_cd_avail(cd)) {
        maxlen = (Py_ssize_t)tdmF_cd_avail(cd);     /* maxlen is a maximum (cffi) */
    }
    v = tdmF_cd_value(cd);
    v.flags = 0;
    tdmF_err_init(&err);
    if (tdmF_string(f->R, &v, maxlen, &p, &len, &err) != TDM_OK) {
        return tdmP_ffi_raise(fs, f->rt, &err, NULL);
    }
    if (maxlen >= 0 && t->base && t->base->size == 1) {
        const char *z = memchr(p, 0, len);
        if (z != NULL) {
            len = (size_t)(z - p);
        }
    }
    return PyBytes_FromStringAndSize(p, (Py_ssize_t)len);
}

PyObject *tdmP_ffi_unpack(PyObject *self, PyObject *args)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    PyObject *o, *list;
    Py_ssize_t n, i;
    const tdmF_Type *et;
    char *base;
    if (!PyArg_ParseTuple(args, "On:unpack", &o, &n)) {
        return NULL;
    }
    if (!tdmP_is_cdata(o) || (((tdmP_CData *)o)->cd->type->kind != TDMF_PTR &&
                              ((tdmP_CData *)o)->cd->type->kind != TDMF_ARRAY)) {
        PyErr_SetString(PyExc_TypeError, "unpack(): expected a pointer or array cdata");
        return NULL;
    }
    tdmF_CData *cd = ((tdmP_CData *)o)->cd;
    int64_t len = tdmF_cd_length(cd);
    et = cd->type->base;
    base = tdmF_cd_address(cd);
    if (cd->type->kind == TDMF_PTR && et->size > 0 && tdmF_cd_avail(cd) != SIZE_MAX) {
        len = (int64_t)(tdmF_cd_avail(cd) / et->size);    /* memory of known extent */
    }
    if (n < 0 || (len >= 0 && n > len)) {
        return PyErr_Format(PyExc_IndexError, "unpack(): length %zd out of bounds (%lld)", n,
                            (long long)len);
    }
    if (base == NULL && n > 0) {
        PyErr_SetString(PyExc_RuntimeError, "unpack(): NULL pointer dereference");
        return NULL;
    }
    if (et->kind == TDMF_INT && (et->flags & TDMF_CHAR)) {
        return PyBytes_FromStringAndSize(base, n);
    }
    if (tdmP_unichar(et)) {
        return tdmP_unistr_load(base, tdmP_unichar(et), n);
    }
    if (et->size == 0 && n > 0) {
        PyErr_SetString(PyExc_TypeError, "unpack(): elements of unknown size");
        return NULL;
    }
    if ((list = PyList_New(n)) == NULL) {
        return NULL;
    }
    int agg = et->kind == TDMF_STRUCT || et->kind == TDMF_UNION || et->kind == TDMF_ARRAY;
    for (i = 0; i < n; i++) {
        PyObject *x;
        if (agg) {
            /* elements stay references into the same memory */
            PyObject *idx = PyLong_FromSsize_t(i);
            x = idx ? PyObject_GetItem(o, idx) : NULL;
            Py_XDECREF(idx);
        } else {
            x = tdmP_ffi_from_c(fs, f->rt, et, base + (size_t)i * et->size, NULL);
        }
        if (x == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, x);
    }
    return list;
}

PyObject *tdmP_ffi_from_buffer(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"cdecl", (char *)"python_buffer", (char *)"require_writable",
                             NULL};
    tdmP_FFI *f = (tdmP_FFI *)self;
    PyObject *a, *b = NULL;
    int writable = 0;
    const tdmF_Type *t = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|Op:from_buffer", kwlist, &a, &b, &writable)) {
        return NULL;
    }
    if (b == NULL) {
        b = a;
    } else if ((t = tdmP_ffi_get_type(f, a, "from_buffer", 0)) == NULL) {
        return NULL;
    }
    if (writable && PyObject_CheckBuffer(b)) {
        Py_buffer view;
        if (PyObject_GetBuffer(b, &view, PyBUF_WRITABLE) < 0) {
            return NULL;
        }
        PyBuffer_Release(&view);
    }
    return tdmP_cd_from_buffer(f, t, b);
}

/* dst/src of memmove: a cdata, or any object with the buffer protocol. */
static int mem_arg(PyObject *o, int writable, char **p, Py_ssize_t *size, Py_buffer *view)
{
    view->obj = NULL;
    if (tdmP_is_cdata(o)) {
        tdmF_CData *cd = ((tdmP_CData *)o)->cd;
        *p = tdmF_cd_address(cd);
        *size = cd->type->kind != TDMF_PTR ? (Py_ssize_t)tdmF_cd_size(cd)
                : tdmF_cd_avail(cd) >= (size_t)PY_SSIZE_T_MAX ? PY_SSIZE_T_MAX
                : (Py_ssize_t)tdmF_cd_avail(cd);
        if (*p == NULL) {
            PyErr_SetString(PyExc_RuntimeError, "memmove: NULL pointer");
            return -1;
        }
        return 0;
    }
    if (PyObject_GetBuffer(o, view, writable ? PyBUF_WRITABLE : PyBUF_SIMPLE) < 0) {
        return -1;
    }
    *p = view->buf;
    *size = view->len;
    return 0;
}

PyObject *tdmP_ffi_memmove(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"dest", (char *)"src", (char *)"n", NULL};
    PyObject *d, *s;
    Py_ssize_t n, dn, sn;
    char *dp, *sp;
    Py_buffer dv, sv;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOn:memmove", kwlist, &d, &s, &n)) {
        return NULL;
    }
    if (mem_arg(d, 1, &dp, &dn, &dv) < 0) {
        return NULL;
    }
    if (mem_arg(s, 0, &sp, &sn, &sv) < 0) {
        if (dv.obj) {
            PyBuffer_Release(&dv);
        }
        return NULL;
    }
    if (n < 0 || n > dn || n > sn) {
        PyErr_Format(PyExc_ValueError, "memmove: %zd bytes exceed the %s's size (%zd bytes)", n,
                     n > sn ? "source" : "destination", n > sn ? sn : dn);
    } else {
        memmove(dp, sp, (size_t)n);
    }
    if (dv.obj) {
        PyBuffer_Release(&dv);
    }
    if (sv.obj) {
        PyBuffer_Release(&sv);
    }
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_RETURN_NONE;
}

PyObject *tdmP_ffi_addressof(PyObject *self, PyObject *args)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    Py_ssize_t n = PyTuple_GET_SIZE(args), i;
    PyObject *o, *cur;
    if (n < 1) {
        PyErr_SetString(PyExc_TypeError, "addressof(cdata, *fields) needs a cdata");
        return NULL;
    }
    o = PyTuple_GET_ITEM(args, 0);
    if (Py_TYPE(o) == fs->lib_type) {
        PyObject *name, *r;
        if (n != 2 || !PyUnicode_Check(name = PyTuple_GET_ITEM(args, 1))) {
            PyErr_SetString(PyExc_TypeError, "addressof(lib, 'name')");
            return NULL;
        }
        int isvar;
        r = tdmP_lib_symbol(o, name, &isvar);
        if (r == NULL || !isvar) {
            return r;                       /* a function is its own address */
        }
        o = r;
        args = PyTuple_Pack(1, o);
        Py_DECREF(o);
        r = args ? tdmP_ffi_addressof(self, args) : NULL;
        Py_XDECREF(args);
        return r;
    }
    if (!tdmP_is_cdata(o)) {
        PyErr_SetString(PyExc_TypeError, "addressof(): expected a cdata");
        return NULL;
    }
    if (n == 1 && !(((tdmP_CData *)o)->cd->flags & TDMF_CD_REF)) {
        /* cffi: the address of a struct, union or array object (or of a
           library variable); a pointer or number value has none here */
        int k = ((tdmP_CData *)o)->cd->type->kind;
        if (k != TDMF_STRUCT && k != TDMF_UNION && k != TDMF_ARRAY) {
            char tn[160];
            return PyErr_Format(PyExc_TypeError, "addressof(): expected a struct, union or "
                                "array cdata, got '%s'",
                                tdmF_cffi_typename(((tdmP_CData *)o)->cd->type, tn, sizeof tn));
        }
    }
    cur = Py_NewRef(o);
    /* all but the last field: walk by ordinary access */
    for (i = 1; i < n - 1; i++) {
        PyObject *k = PyTuple_GET_ITEM(args, i);
        PyObject *nx = PyLong_Check(k) ? PyObject_GetItem(cur, k) : PyObject_GetAttr(cur, k);
        Py_DECREF(cur);
        if ((cur = nx) == NULL) {
            return NULL;
        }
        if (!tdmP_is_cdata(cur)) {
            Py_DECREF(cur);
            PyErr_SetString(PyExc_TypeError, "addressof(): the path must go through aggregates");
            return NULL;
        }
    }
    tdmP_CData *c = (tdmP_CData *)cur;
    PyObject *last = n > 1 ? PyTuple_GET_ITEM(args, n - 1) : NULL;
    tdmF_CData *r = NULL;
    tdmF_Err err;
    int st;
    tdmF_err_init(&err);
    if (last != NULL && PyLong_Check(last)) {
        Py_ssize_t idx = PyLong_AsSsize_t(last);
        if (idx == -1 && PyErr_Occurred()) {
            Py_DECREF(cur);
            return NULL;
        }
        if (tdmP_ffi_lock(f->rt) < 0) {
            Py_DECREF(cur);
            return NULL;
        }
        st = tdmF_ptr_add(f->R, c->cd, idx, &r, &err);
    } else {
        const char *name = last ? PyUnicode_AsUTF8(last) : NULL;
        if (last != NULL && name == NULL) {
            Py_DECREF(cur);
            return NULL;
        }
        if (tdmP_ffi_lock(f->rt) < 0) {
            Py_DECREF(cur);
            return NULL;
        }
        st = tdmF_addressof(f->R, c->cd, name, &r, &err);
    }
    tdmR_unlock(f->rt);
    Py_DECREF(cur);
    if (st != TDM_OK) {
        return tdmP_ffi_raise(fs, f->rt, &err, err.kind == TDMF_EK_KEY ? PyExc_KeyError
                                                                        : PyExc_TypeError);
    }
    return tdmP_cd_new(fs, f->rt, r, 0);
}

