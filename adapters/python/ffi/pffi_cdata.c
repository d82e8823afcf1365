/*
 * pffi_cdata.c — the CData type: a tdmF_CData seen from Python with cffi's
 * behaviour (indexing, slices, fields, pointer arithmetic and comparison,
 * int()/float()/bool(), len and iteration of arrays, repr).
 *
 * Reads and writes of scalars touch no reference count and take no lock;
 * operations that make a cdata referring into another one (an element that
 * is a struct, p + n, a slice) take the runtime lock for the owner's count.
 */
#include "pffi.h"     /* Python.h first */
#include <string.h>
#include <structmember.h>

static void cd_dealloc(PyObject *self);

int tdmP_is_cdata(PyObject *o)
{
    return Py_TYPE(o)->tp_dealloc == cd_dealloc;
}

PyObject *tdmP_cd_new(tdmP_FFIState *fs, tdm_Runtime *rt, tdmF_CData *cd, int pflags)
{
    tdmP_CData *c = PyObject_GC_New(tdmP_CData, fs->cdata_type);
    if (c == NULL) {
        tdmP_cd_release(rt, cd);
        return NULL;
    }
    c->cd = cd;
    c->rt = rt;
    tdmR_incref(rt);
    c->vectorcall = tdmP_cd_vectorcall;
    c->pflags = pflags;
    c->extra = NULL;
    c->weakreflist = NULL;
    return (PyObject *)c;
}

void tdmP_cd_release(tdm_Runtime *rt, tdmF_CData *cd)
{
    if (cd->refs == 1 && cd->keep == NULL && cd->fin == NULL &&
        !(cd->flags & TDMF_CD_CALLBACK)) {
        tdmF_cd_decref(cd);         /* the only holder: nothing shared to guard */
        return;
    }
    if (tdmR_trylock(rt)) {
        if (tdmR_haspending(rt)) {
            tdmR_drain(rt, TDM_LANG_C);
        }
        tdmF_cd_decref(cd);
        tdmR_unlock(rt);
        return;
    }
    (void)tdmR_defer(rt, TDM_LANG_C, cd);   /* on failure leaked, never freed twice */
}

static void cd_dealloc(PyObject *self)
{
    tdmP_CData *c = (tdmP_CData *)self;
    PyTypeObject *tp = Py_TYPE(self);
    tdm_Runtime *rt = c->rt;
    PyObject_GC_UnTrack(self);
    if (c->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    tdmP_cd_drop_extra(c);          /* before the cdata: a record may die with it */
    if (c->cd != NULL) {
        tdmP_cd_release(rt, c->cd);
        c->cd = NULL;
    }
    tp->tp_free(self);
    Py_DECREF(tp);
    tdmR_decref(rt);
}

static int cd_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    return tdmP_cd_traverse_extra((tdmP_CData *)self, visit, arg);
}

static int cd_clear(PyObject *self)
{
    tdmP_cd_clear_extra((tdmP_CData *)self);
    return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static const char *cname(const tdmP_CData *c, char *buf, size_t n)
{
    return tdmF_cffi_typename(c->cd->type, buf, n);
}

static int is_num(const tdmF_Type *t)
{
    const tdmF_Type *st = tdmF_scalar(t);
    return st->kind == TDMF_INT || st->kind == TDMF_FLOAT;
}

/* The value of a primitive cdata as a Python number (char as its code). */
static PyObject *num_value(tdmP_CData *c)
{
    const tdmF_Type *st = tdmF_scalar(c->cd->type);
    if (st->kind == TDMF_FLOAT) {
        return PyFloat_FromDouble(tdmF_load_float(st, c->cd->addr));
    }
    if (st->flags & TDMF_CHAR) {
        return PyLong_FromLong(*(unsigned char *)c->cd->addr);
    }
    PyObject *v = tdmP_ffi_from_c(tdmP_ffi_state((PyObject *)c), c->rt, st, c->cd->addr, NULL);
    if (v != NULL && !PyLong_Check(v)) {       /* bool, wchar_t */
        PyObject *i = PyUnicode_Check(v) ? PyLong_FromLong((long)PyUnicode_READ_CHAR(v, 0))
                                         : PyNumber_Long(v);
        Py_DECREF(v);
        return i;
    }
    return v;
}

/* A place -> Python: scalars by value (no lock), pointers as copies,
   aggregates as references into the owner (under the lock). */
static PyObject *place_get(tdmP_CData *c, const tdmF_Place *pl)
{
    tdmP_FFIState *fs = tdmP_ffi_state((PyObject *)c);
    tdm_Runtime *rt = c->rt;
    const tdmF_Type *t = pl->type, *sct = tdmF_scalar(t);
    int st;
    tdmF_CData *cd;
    tdmF_Err err;
    tdmF_err_init(&err);
    if (pl->tail0) {
        /* a `T x[0]` ending a struct: a T * bounded by the owner (cffi's T *) */
        tdm_Value v;
        if (tdmP_ffi_lock(rt) < 0) {
            return NULL;
        }
        st = tdmF_tail0_get(rt->ffi, pl, &v, &err);
        tdmR_unlock(rt);
        if (st != TDM_OK) {
            return tdmP_ffi_raise(fs, rt, &err, NULL);
        }
        return tdmP_cd_new(fs, rt, tdmF_cd_of(&v), 0);
    }
    if (pl->bitwidth) {
        tdm_Value v;
        PyObject *r;
        st = tdmF_place_get(rt->ffi, pl, &v, &err);
        if (st != TDM_OK) {
            return tdmP_ffi_raise(fs, rt, &err, NULL);
        }
        r = tdmP_ffi_from_value(fs, rt, t, &v);
        tdmF_value_release(rt->ffi, &v);
        return r;
    }
    if (sct->kind == TDMF_INT || sct->kind == TDMF_FLOAT || sct->kind == TDMF_COMPLEX ||
        t->kind == TDMF_PTR) {
        return tdmP_ffi_from_c(fs, rt, t, pl->addr, NULL);
    }
    if (tdmP_ffi_lock(rt) < 0) {
        return NULL;
    }
    if (t->kind == TDMF_ARRAY && t->length < 0 && pl->nelem < 0) {
        /* an unsized array member whose length nobody recorded (a struct
           from cast or from C): a pointer to its first element, as cffi */
        const tdmF_Type *pt = tdmF_ptr(rt->ffi, t->base, &err);
        void *a = pl->addr;
        tdmR_unlock(rt);
        return pt != NULL ? tdmP_ffi_from_c(fs, rt, pt, &a, NULL)
                          : tdmP_ffi_raise(fs, rt, &err, NULL);
    }
    cd = tdmF_cd_ref(rt->ffi, t, pl->addr,
                     (t->kind == TDMF_ARRAY && t->length < 0) || tdmF_flex_elem(t) ? pl->nelem
                                                                                   : -1,
                     pl->owner, &err);
    tdmR_unlock(rt);
    if (cd == NULL) {
        return tdmP_ffi_raise(fs, rt, &err, NULL);
    }
    return tdmP_cd_new(fs, rt, cd, 0);
}

static int place_set(tdmP_CData *c, const tdmF_Place *pl, PyObject *value)
{
    tdm_Runtime *rt = c->rt;
    tdmF_Err err;
    int st;
    tdmF_err_init(&err);
    if (pl->bitwidth || pl->nelem >= 0) {
        /* a bitfield; a variable-length array or a struct ending in one,
           with its count or its room */
        tdm_Value v;
        if (tdmP_ffi_value(rt->ffi, value, &v) < 0) {
            return -1;
        }
        st = tdmF_place_set(rt->ffi, pl, &v, &err);
        tdmF_value_release(rt->ffi, &v);
    } else {
        st = tdmP_ffi_to_c(rt->ffi, pl->type, value, pl->addr, TDMF_CV_STORE, &err);
    }
    if (st != TDM_OK) {
        tdmP_ffi_raise(tdmP_ffi_state((PyObject *)c), rt, &err, NULL);
        return -1;
    }
    return 0;
}

/* ---- repr, hash, compare ------------------------------------------------- */

static PyObject *cd_repr(PyObject *self)
{
    tdmP_CData *c = (tdmP_CData *)self;
    tdmF_CData *cd = c->cd;
    const tdmF_Type *t = cd->type;
    char tn[160];
    PyObject *extra;
    cname(c, tn, sizeof tn);
    if ((extra = tdmP_cd_repr_extra(c)) != NULL) {
        PyObject *r = PyUnicode_FromFormat("<cdata '%s' %U>", tn, extra);
        Py_DECREF(extra);
        return r;
    }
    if (PyErr_Occurred()) {
        return NULL;
    }
    if (c->pflags & TDMP_CD_SLICE) {
        return PyUnicode_FromFormat("<cdata '%s' sliced length %lld>", tn,
                                    (long long)tdmF_cd_length(cd));
    }
    if (c->pflags & TDMP_CD_OWNING) {
        size_t n = t->kind == TDMF_PTR && cd->keep ? tdmF_cd_size(cd->keep) : tdmF_cd_size(cd);
        return PyUnicode_FromFormat("<cdata '%s' owning %zu bytes>", tn, n);
    }
    if (is_num(t) || t->kind == TDMF_COMPLEX) {
        PyObject *v = tdmP_ffi_from_c(tdmP_ffi_state(self), c->rt, t, cd->addr, NULL);
        PyObject *name = v && t->kind == TDMF_ENUM ? tdmP_enum_name(c->rt, t, v) : NULL;
        PyObject *r = NULL;
        if (name != NULL) {
            r = PyUnicode_FromFormat("<cdata '%s' %R: %U>", tn, v, name);   /* cffi */
        } else if (v != NULL && !PyErr_Occurred()) {
            r = PyUnicode_FromFormat("<cdata '%s' %R>", tn, v);
        }
        Py_XDECREF(name);
        Py_XDECREF(v);
        return r;
    }
    if ((t->kind == TDMF_STRUCT || t->kind == TDMF_UNION || t->kind == TDMF_ARRAY) &&
        !(cd->flags & TDMF_CD_REF)) {
        return PyUnicode_FromFormat("<cdata '%s' owning %zu bytes>", tn, tdmF_cd_size(cd));
    }
    if (tdmF_cd_address(cd) == NULL) {
        return PyUnicode_FromFormat("<cdata '%s' NULL>", tn);
    }
    return PyUnicode_FromFormat("<cdata '%s%s' %p>", tn,
                                t->kind == TDMF_STRUCT || t->kind == TDMF_UNION ? " &" : "",
                                tdmF_cd_address(cd));
}

static Py_hash_t cd_hash(PyObject *self)
{
    tdmP_CData *c = (tdmP_CData *)self;
    if (is_num(c->cd->type)) {
        PyObject *v = num_value(c);
        Py_hash_t h = v ? PyObject_Hash(v) : -1;
        Py_XDECREF(v);
        return h;
    }
    return _Py_HashPointer(tdmF_cd_address(c->cd));
}

static PyObject *cd_richcompare(PyObject *a, PyObject *b, int op)
{
    int ca = tdmP_is_cdata(a), cb = tdmP_is_cdata(b);
    tdmP_CData *x = ca ? (tdmP_CData *)a : NULL, *y = cb ? (tdmP_CData *)b : NULL;
    int numa = x && is_num(x->cd->type), numb = y && is_num(y->cd->type);
    if (numa || numb) {
        PyObject *va = numa ? num_value(x) : Py_NewRef(a);
        PyObject *vb = numb ? num_value(y) : Py_NewRef(b);
        PyObject *r = NULL;
        if (va != NULL && vb != NULL) {
            if ((!numa && ca) || (!numb && cb)) {
                r = Py_NewRef(op == Py_NE ? Py_True : op == Py_EQ ? Py_False
                                                                  : Py_NotImplemented);
            } else {
                r = PyObject_RichCompare(va, vb, op);
            }
        }
        Py_XDECREF(va);
        Py_XDECREF(vb);
        return r;
    }
    if (!ca || !cb) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    uintptr_t pa = (uintptr_t)tdmF_cd_address(x->cd), pb = (uintptr_t)tdmF_cd_address(y->cd);
    Py_RETURN_RICHCOMPARE(pa, pb, op);
}

/* ---- numbers ------------------------------------------------------------ */

static PyObject *cd_int(PyObject *self)
{
    tdmP_CData *c = (tdmP_CData *)self;
    char tn[160];
    if (is_num(c->cd->type)) {
        PyObject *v = num_value(c);
        if (v != NULL && (PyFloat_Check(v) || PyBool_Check(v))) {
            Py_SETREF(v, PyNumber_Long(v));     /* int(cast("_Bool", 1)) is an int */
        }
        return v;
    }
    return PyErr_Format(PyExc_TypeError, "int() not supported on cdata '%s' (cast it to "
                        "intptr_t for an address)", cname(c, tn, sizeof tn));
}

static PyObject *cd_float(PyObject *self)
{
    tdmP_CData *c = (tdmP_CData *)self;
    char tn[160];
    if (is_num(c->cd->type)) {
        PyObject *v = num_value(c);
        if (v != NULL && !PyFloat_Check(v)) {
            Py_SETREF(v, PyNumber_Float(v));
        }
        return v;
    }
    return PyErr_Format(PyExc_TypeError, "float() not supported on cdata '%s'",
                        cname(c, tn, sizeof tn));
}

static int cd_bool(PyObject *self)
{
    tdmP_CData *c = (tdmP_CData *)self;
    const tdmF_Type *t = c->cd->type;
    if (is_num(t)) {
        PyObject *v = num_value(c);
        int r = v ? PyObject_IsTrue(v) : -1;
        Py_XDECREF(v);
        return r;
    }
    if (t->kind == TDMF_PTR) {
        return tdmF_cd_address(c->cd) != NULL;
    }
    return 1;
}

static PyObject *ptr_add(tdmP_CData *c, int64_t n)
{
    tdmP_FFIState *fs = tdmP_ffi_state((PyObject *)c);
    tdmF_CData *r;
    tdmF_Err err;
    int st;
    tdmF_err_init(&err);
    if (tdmP_ffi_lock(c->rt) < 0) {
        return NULL;
    }
    st = tdmF_ptr_add(c->rt->ffi, c->cd, n, &r, &err);
    tdmR_unlock(c->rt);
    if (st != TDM_OK) {
        return tdmP_ffi_raise(fs, c->rt, &err, NULL);
    }
    return tdmP_cd_new(fs, c->rt, r, 0);
}

static int is_ptrlike_cd(PyObject *o)
{
    if (!tdmP_is_cdata(o)) {
        return 0;
    }
    int k = ((tdmP_CData *)o)->cd->type->kind;
    return k == TDMF_PTR || k == TDMF_ARRAY;
}

static PyObject *cd_add(PyObject *a, PyObject *b)
{
    PyObject *p = is_ptrlike_cd(a) ? a : is_ptrlike_cd(b) ? b : NULL;
    PyObject *n = p == a ? b : a;
    if (p == NULL || !PyIndex_Check(n) || tdmP_is_cdata(n)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    Py_ssize_t i = PyNumber_AsSsize_t(n, PyExc_OverflowError);
    if (i == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return ptr_add((tdmP_CData *)p, i);
}

static PyObject *cd_sub(PyObject *a, PyObject *b)
{
    if (!is_ptrlike_cd(a)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    tdmP_CData *c = (tdmP_CData *)a;
    if (is_ptrlike_cd(b)) {
        tdmF_Err err;
        int64_t d;
        tdmF_err_init(&err);
        if (tdmF_ptr_diff(c->rt->ffi, c->cd, ((tdmP_CData *)b)->cd, &d, &err) != TDM_OK) {
            return tdmP_ffi_raise(tdmP_ffi_state(a), c->rt, &err, NULL);
        }
        return PyLong_FromLongLong((long long)d);
    }
    if (!PyIndex_Check(b) || tdmP_is_cdata(b)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    Py_ssize_t i = PyNumber_AsSsize_t(b, PyExc_OverflowError);
    if (i == -1 && PyErr_Occurred()) {
        return NULL;
    }
    return ptr_add(c, -(int64_t)i);
}

/* ---- sequences ------------------------------------------------------------ */

static Py_ssize_t cd_length(PyObject *self)
{
    tdmP_CData *c = (tdmP_CData *)self;
    int64_t n = tdmF_cd_length(c->cd);
    char tn[160];
    if (n < 0) {
        PyErr_Format(PyExc_TypeError, "cdata of type '%s' has no len()",
                     cname(c, tn, sizeof tn));
        return -1;
    }
    return (Py_ssize_t)n;
}

/* p[a:b] -> a 'T[]' reference of b - a elements. */
static PyObject *cd_slice(tdmP_CData *c, PyObject *key, Py_ssize_t *pstart, Py_ssize_t *pn,
                          int want_cdata)
{
    PySliceObject *s = (PySliceObject *)key;
    tdmF_CData *cd = c->cd;
    int64_t len = tdmF_cd_length(cd);
    Py_ssize_t start, stop;
    char tn[160];
    if (s->step != Py_None) {
        return PyErr_Format(PyExc_ValueError, "slice with a step is not supported on cdata");
    }
    if ((cd->type->kind != TDMF_ARRAY && cd->type->kind != TDMF_PTR) ||
        ((s->start == Py_None || s->stop == Py_None) && len < 0)) {
        return PyErr_Format(PyExc_IndexError, "cdata '%s' needs an explicit slice start and "
                            "stop", cname(c, tn, sizeof tn));
    }
    start = s->start == Py_None ? 0 : PyNumber_AsSsize_t(s->start, PyExc_IndexError);
    if (start == -1 && PyErr_Occurred()) {
        return NULL;
    }
    stop = s->stop == Py_None ? (Py_ssize_t)len : PyNumber_AsSsize_t(s->stop, PyExc_IndexError);
    if (stop == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (cd->type->kind == TDMF_PTR && cd->type->base->size > 0 &&
        tdmF_cd_avail(cd) != SIZE_MAX) {
        len = (int64_t)(tdmF_cd_avail(cd) / cd->type->base->size);  /* known extent */
    }
    if (start < 0 || stop < start || (len >= 0 && stop > len)) {
        return PyErr_Format(PyExc_IndexError, "slice [%zd:%zd] out of bounds for cdata '%s'",
                            start, stop, cname(c, tn, sizeof tn));
    }
    *pstart = start;
    *pn = stop - start;
    if (!want_cdata) {
        Py_RETURN_NONE;
    }
    tdmP_FFIState *fs = tdmP_ffi_state((PyObject *)c);
    tdm_Runtime *rt = c->rt;
    tdmF_Place pl;
    tdmF_Err err;
    const tdmF_Type *at;
    tdmF_CData *r = NULL;
    tdmF_err_init(&err);
    if (tdmP_ffi_lock(rt) < 0) {
        return NULL;
    }
    if (tdmF_cd_index(rt->ffi, cd, 0, &pl, &err) == TDM_OK &&
        (at = tdmF_array(rt->ffi, cd->type->base, -1, &err)) != NULL) {
        r = tdmF_cd_ref(rt->ffi, at, (char *)pl.addr + (size_t)start * cd->type->base->size,
                        *pn, pl.owner, &err);
    }
    tdmR_unlock(rt);
    if (r == NULL) {
        return tdmP_ffi_raise(fs, rt, &err, NULL);
    }
    return tdmP_cd_new(fs, rt, r, TDMP_CD_SLICE);
}

static int index_of(PyObject *key, int64_t *i)
{
    Py_ssize_t n;
    if (tdmP_is_cdata(key) && is_num(((tdmP_CData *)key)->cd->type)) {
        PyObject *v = num_value((tdmP_CData *)key);
        if (v == NULL) {
            return -1;
        }
        n = PyNumber_AsSsize_t(v, PyExc_IndexError);
        Py_DECREF(v);
    } else {
        n = PyNumber_AsSsize_t(key, PyExc_IndexError);
    }
    if (n == -1 && PyErr_Occurred()) {
        return -1;
    }
    *i = n;
    return 0;
}

static PyObject *cd_subscript(PyObject *self, PyObject *key)
{
    tdmP_CData *c = (tdmP_CData *)self;
    tdmF_Place pl;
    tdmF_Err err;
    int64_t i;
    if (PySlice_Check(key)) {
        Py_ssize_t start, n;
        return cd_slice(c, key, &start, &n, 1);
    }
    if (index_of(key, &i) < 0) {
        return NULL;
    }
    tdmF_err_init(&err);
    if (tdmF_cd_index(c->rt->ffi, c->cd, i, &pl, &err) != TDM_OK) {
        return tdmP_ffi_raise(tdmP_ffi_state(self), c->rt, &err, PyExc_TypeError);
    }
    return place_get(c, &pl);
}

static PyObject *cd_item(PyObject *self, Py_ssize_t i)
{
    PyObject *k = PyLong_FromSsize_t(i), *r;
    if (k == NULL) {
        return NULL;
    }
    r = cd_subscript(self, k);
    Py_DECREF(k);
    return r;
}

static int slice_assign(tdmP_CData *c, PyObject *key, PyObject *value)
{
    Py_ssize_t start, n, i;
    PyObject *r = cd_slice(c, key, &start, &n, 0), *seq;
    const tdmF_Type *et = c->cd->type->base;
    tdmF_Place pl;
    tdmF_Err err;
    int rc = 0;
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    tdmF_err_init(&err);
    if (tdmF_cd_index(c->rt->ffi, c->cd, start, &pl, &err) != TDM_OK) {
        tdmP_ffi_raise(tdmP_ffi_state((PyObject *)c), c->rt, &err, NULL);
        return -1;
    }
    if (PyBytes_Check(value) && et->size == 1 && tdmF_scalar(et)->kind == TDMF_INT) {
        if (PyBytes_GET_SIZE(value) != n) {
            PyErr_Format(PyExc_ValueError, "need %zd bytes, got %zd", n, PyBytes_GET_SIZE(value));
            return -1;
        }
        memcpy(pl.addr, PyBytes_AS_STRING(value), (size_t)n);
        return 0;
    }
    seq = PySequence_Fast(value, "slice assignment needs a sequence");
    if (seq == NULL) {
        return -1;
    }
    if (PySequence_Fast_GET_SIZE(seq) != n) {
        PyErr_Format(PyExc_ValueError, "need %zd items, got %zd", n,
                     PySequence_Fast_GET_SIZE(seq));
        Py_DECREF(seq);
        return -1;
    }
    for (i = 0; i < n && rc == 0; i++) {
        tdmF_Place e = pl;
        e.addr = (char *)pl.addr + (size_t)i * et->size;
        rc = place_set(c, &e, PySequence_Fast_GET_ITEM(seq, i));
    }
    Py_DECREF(seq);
    return rc;
}

static int cd_ass_subscript(PyObject *self, PyObject *key, PyObject *value)
{
    tdmP_CData *c = (tdmP_CData *)self;
    tdmF_Place pl;
    tdmF_Err err;
    int64_t i;
    if (value == NULL) {
        PyErr_SetString(PyExc_TypeError, "cdata items cannot be deleted");
        return -1;
    }
    if (PySlice_Check(key)) {
        return slice_assign(c, key, value);
    }
    if (index_of(key, &i) < 0) {
        return -1;
    }
    tdmF_err_init(&err);
    if (tdmF_cd_index(c->rt->ffi, c->cd, i, &pl, &err) != TDM_OK) {
        tdmP_ffi_raise(tdmP_ffi_state(self), c->rt, &err, PyExc_TypeError);
        return -1;
    }
    return place_set(c, &pl, value);
}

static PyObject *cd_iter(PyObject *self)
{
    tdmP_CData *c = (tdmP_CData *)self;
    char tn[160];
    if (c->cd->type->kind != TDMF_ARRAY || tdmF_cd_length(c->cd) < 0) {
        return PyErr_Format(PyExc_TypeError, "cdata '%s' does not support iteration",
                            cname(c, tn, sizeof tn));
    }
    return PySeqIter_New(self);
}

/* ---- fields --------------------------------------------------------------- */

static int has_fields(const tdmF_Type *t)
{
    if (t->kind == TDMF_PTR) {
        t = t->base;
    }
    return t->kind == TDMF_STRUCT || t->kind == TDMF_UNION;
}

static int field_place(tdmP_CData *c, PyObject *name, tdmF_Place *pl, int *found)
{
    const char *s;
    tdmF_Err err;
    *found = 0;
    if (!has_fields(c->cd->type) || !PyUnicode_Check(name)) {
        return 0;
    }
    s = PyUnicode_AsUTF8(name);
    if (s == NULL) {
        return -1;
    }
    if (s[0] == '_' && s[1] == '_') {
        return 0;
    }
    tdmF_err_init(&err);
    if (tdmF_cd_field(c->rt->ffi, c->cd, s, pl, &err) != TDM_OK) {
        tdmP_ffi_raise(tdmP_ffi_state((PyObject *)c), c->rt, &err, PyExc_AttributeError);
        return -1;
    }
    *found = 1;
    return 0;
}

static PyObject *cd_getattro(PyObject *self, PyObject *name)
{
    tdmP_CData *c = (tdmP_CData *)self;
    tdmF_Place pl;
    int found;
    if (field_place(c, name, &pl, &found) < 0) {
        return NULL;
    }
    if (found) {
        return place_get(c, &pl);
    }
    return PyObject_GenericGetAttr(self, name);
}

static int cd_setattro(PyObject *self, PyObject *name, PyObject *value)
{
    tdmP_CData *c = (tdmP_CData *)self;
    tdmF_Place pl;
    int found;
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cdata fields cannot be deleted");
        return -1;
    }
    if (field_place(c, name, &pl, &found) < 0) {
        return -1;
    }
    if (found) {
        return place_set(c, &pl, value);
    }
    return PyObject_GenericSetAttr(self, name, value);
}

static PyObject *cd_dir(PyObject *self, PyObject *unused)
{
    tdmP_CData *c = (tdmP_CData *)self;
    const tdmF_Type *t = c->cd->type;
    PyObject *l = PyList_New(0);
    (void)unused;
    if (l == NULL || !has_fields(t)) {
        return l;
    }
    if (t->kind == TDMF_PTR) {
        t = t->base;
    }
    for (int i = 0; i < t->nfields; i++) {
        PyObject *s;
        if (t->fields[i].name == NULL) {
            continue;
        }
        s = PyUnicode_FromString(t->fields[i].name);
        if (s == NULL || PyList_Append(l, s) < 0) {
            Py_XDECREF(s);
            Py_DECREF(l);
            return NULL;
        }
        Py_DECREF(s);
    }
    return l;
}

/* ---- type ------------------------------------------------------------------- */

static PyObject *cd_call(PyObject *self, PyObject *args, PyObject *kw)
{
    return PyVectorcall_Call(self, args, kw);
}

static PyMemberDef cd_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(tdmP_CData, vectorcall), READONLY, NULL},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(tdmP_CData, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

/* complex(cd): a complex cdata's value; a real number's as complex (cffi) */
static PyObject *cd_complex(PyObject *self, PyObject *unused)
{
    tdmP_CData *c = (tdmP_CData *)self;
    const tdmF_Type *t = c->cd->type;
    char tn[160];
    (void)unused;
    if (t->kind == TDMF_COMPLEX) {
        return tdmP_ffi_from_c(tdmP_ffi_state(self), c->rt, t, c->cd->addr, NULL);
    }
    if (is_num(t)) {
        PyObject *v = num_value(c), *r;
        if (v == NULL) {
            return NULL;
        }
        r = PyComplex_FromDoubles(PyFloat_AsDouble(v), 0.0);
        Py_DECREF(v);
        return PyErr_Occurred() ? (Py_XDECREF(r), NULL) : r;
    }
    return PyErr_Format(PyExc_TypeError, "complex() not supported on cdata '%s'",
                        cname(c, tn, sizeof tn));
}

static PyMethodDef cd_methods[] = {
    {"__dir__", cd_dir, METH_NOARGS, NULL},
    {"__complex__", cd_complex, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyObject *cd_no_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)type;
    (void)args;
    (void)kw;
    PyErr_SetString(PyExc_TypeError, "cannot create CData objects directly: use ffi.new or "
                    "ffi.cast");
    return NULL;
}

static PyType_Slot cd_slots[] = {
    {Py_tp_dealloc, cd_dealloc},
    {Py_tp_traverse, cd_traverse},
    {Py_tp_clear, cd_clear},
    {Py_tp_repr, cd_repr},
    {Py_tp_hash, cd_hash},
    {Py_tp_richcompare, cd_richcompare},
    {Py_tp_getattro, cd_getattro},
    {Py_tp_setattro, cd_setattro},
    {Py_tp_iter, cd_iter},
    {Py_tp_call, cd_call},
    {Py_tp_members, cd_members},
    {Py_tp_methods, cd_methods},
    {Py_tp_new, cd_no_new},
    {Py_nb_int, cd_int},
    {Py_nb_float, cd_float},
    {Py_nb_bool, cd_bool},
    {Py_nb_add, cd_add},
    {Py_nb_subtract, cd_sub},
    {Py_mp_length, cd_length},
    {Py_sq_item, cd_item},
    {Py_mp_subscript, cd_subscript},
    {Py_mp_ass_subscript, cd_ass_subscript},
    {Py_tp_doc, (void *)"C data: an object of a C type at an address (cffi's CData)."},
    {0, NULL},
};

static PyType_Spec cd_spec = {
    "tandem.CData", sizeof(tdmP_CData), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL, cd_slots,
};

int tdmP_cdata_init_type(PyObject *fm, tdmP_FFIState *fs)
{
    fs->cdata_type = (PyTypeObject *)PyType_FromModuleAndSpec(fm, &cd_spec, NULL);
    return fs->cdata_type ? 0 : -1;
}

/* ---- crossing languages ----------------------------------------------------- */

PyObject *tdmP_cdata_wrap(PyObject *tandem_module, tdm_Runtime *rt, tdm_Value *v)
{
    tdmP_FFIState *fs = tdmP_ffi_state_of(tandem_module);
    tdmF_CData *cd = v->u.obj;
    if (fs == NULL) {
        return NULL;
    }
    if (v->flags & TDM_VF_OWNED) {
        v->flags &= (uint16_t)~TDM_VF_OWNED;
    } else {
        tdmF_cd_incref(cd);         /* runtime lock held by the crossing */
    }
    return tdmP_cd_new(fs, rt, cd, 0);
}

static int same_registry(tdmP_CData *c, tdm_Runtime *rt)
{
    if (rt != NULL && c->rt != rt && c->rt->ffi != rt->ffi) {
        PyErr_SetString(PyExc_ValueError, "cannot pass a cdata of another runtime's ffi "
                        "registry (use tandem.FFI(runtime) to share one)");
        return -1;
    }
    return 0;
}

int tdmP_cdata_borrow(PyObject *o, tdm_Runtime *rt, tdm_Value *v)
{
    tdmP_CData *c = (tdmP_CData *)o;
    if (!tdmP_is_cdata(o)) {
        return 0;
    }
    if (same_registry(c, rt) < 0) {
        return -1;
    }
    *v = tdmF_cd_value(c->cd);
    v->flags = 0;
    return 1;
}

int tdmP_cdata_unwrap(PyObject *o, tdm_Runtime *rt, tdm_Value *v)
{
    tdmP_CData *c = (tdmP_CData *)o;
    if (!tdmP_is_cdata(o)) {
        return 0;
    }
    if (same_registry(c, rt) < 0) {
        return -1;
    }
    if (tdmR_held(c->rt)) {
        tdmF_cd_incref(c->cd);
    } else {
        if (tdmP_ffi_lock(c->rt) < 0) {
            return -1;
        }
        tdmF_cd_incref(c->cd);
        tdmR_unlock(c->rt);
    }
    *v = tdmF_cd_value(c->cd);
    return 1;
}
