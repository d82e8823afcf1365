/*
 * pffi_conv.c — Python objects <-> C memory and neutral values for the ffi
 * binding, the Python hooks of the registry, and core errors as exceptions.
 *
 * The common conversions (an exact int to an integer type, a float or int to
 * a floating type) are done here straight into C memory, with the core's
 * range rule and its message format; everything else goes through a neutral
 * value and tdmF_to_c, so the rules stay the core's. Python specifics (as in
 * cffi): char reads as bytes of length 1, wchar_t as a str of length 1, _Bool
 * as bool; a str is never a char * (encode it first).
 */
#include "pffi.h"     /* Python.h first */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "padapter.h"

/* ---- Python -> C ---------------------------------------------------------- */

static int err_range(tdmF_Err *err, const tdmF_Type *t, PyObject *o)
{
    char tb[128];
    PyObject *s = PyObject_Str(o);
    const char *p = s ? PyUnicode_AsUTF8(s) : NULL;
    if (p == NULL) {
        PyErr_Clear();
        p = "?";
    }
    tdmF_seterrk(err, TDMF_EK_RANGE, TDM_ERRTYPE, "expected %s, got %s (out of range)",
                 tdmF_cffi_typename(t, tb, sizeof tb), p);
    Py_XDECREF(s);
    return TDM_ERRTYPE;
}

Py_ssize_t tdmP_unistr_units(PyObject *s, int unit)
{
    Py_ssize_t n = PyUnicode_GetLength(s), k = n;
    if (unit == 2 && PyUnicode_MAX_CHAR_VALUE(s) > 0xFFFF) {
        for (Py_ssize_t i = 0; i < n; i++) {
            k += PyUnicode_READ_CHAR(s, i) > 0xFFFF;
        }
    }
    return k;
}

void tdmP_unistr_store(PyObject *s, int unit, void *dst)
{
    Py_ssize_t n = PyUnicode_GetLength(s), i, k = 0;
    for (i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(s, i);
        if (unit == 4) {
            ((uint32_t *)dst)[k++] = (uint32_t)c;
        } else if (c > 0xFFFF) {
            c -= 0x10000;
            ((uint16_t *)dst)[k++] = (uint16_t)(0xD800 + (c >> 10));
            ((uint16_t *)dst)[k++] = (uint16_t)(0xDC00 + (c & 0x3FF));
        } else {
            ((uint16_t *)dst)[k++] = (uint16_t)c;
        }
    }
}

PyObject *tdmP_unistr_load(const void *src, int unit, Py_ssize_t n)
{
    if (unit == 2) {
        int order = -1;     /* native: little-endian on x86-64 */
        return PyUnicode_DecodeUTF16(src, n * 2, "surrogatepass", &order);
    }
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, src, n);
}

/* One character (a str of length 1) into a char type of `unit` bytes; -1
   when it does not fit (a char16_t takes no character past U+FFFF). */
static int unichar_to_c(PyObject *o, int unit, void *dst)
{
    Py_UCS4 c = PyUnicode_READ_CHAR(o, 0);
    if (unit == 2) {
        if (c > 0xFFFF) {
            return -1;
        }
        *(uint16_t *)dst = (uint16_t)c;
    } else {
        *(uint32_t *)dst = (uint32_t)c;
    }
    return 0;
}

/* Exact int -> integer type st (not _Bool). */
static int int_to_c(const tdmF_Type *t, const tdmF_Type *st, PyObject *o, void *dst,
                    tdmF_Err *err)
{
    int ovf = 0;
    long long x = PyLong_AsLongLongAndOverflow(o, &ovf);
    if (ovf != 0) {
        if (ovf > 0 && st->size == 8 && !(st->flags & TDMF_SIGNED)) {
            unsigned long long u = PyLong_AsUnsignedLongLong(o);
            if (!(u == (unsigned long long)-1 && PyErr_Occurred())) {
                *(uint64_t *)dst = u;
                return TDM_OK;
            }
            PyErr_Clear();
        }
        return err_range(err, t, o);
    }
    if (st->flags & TDMF_SIGNED) {
        switch (st->size) {
        case 1:
            if (x < INT8_MIN || x > INT8_MAX) {
                return err_range(err, t, o);
            }
            *(int8_t *)dst = (int8_t)x;
            return TDM_OK;
        case 2:
            if (x < INT16_MIN || x > INT16_MAX) {
                return err_range(err, t, o);
            }
            *(int16_t *)dst = (int16_t)x;
            return TDM_OK;
        case 4:
            if (x < INT32_MIN || x > INT32_MAX) {
                return err_range(err, t, o);
            }
            *(int32_t *)dst = (int32_t)x;
            return TDM_OK;
        default:
            *(int64_t *)dst = x;
            return TDM_OK;
        }
    }
    if (x < 0) {
        return err_range(err, t, o);
    }
    switch (st->size) {
    case 1:
        if (x > UINT8_MAX) {
            return err_range(err, t, o);
        }
        *(uint8_t *)dst = (uint8_t)x;
        return TDM_OK;
    case 2:
        if (x > UINT16_MAX) {
            return err_range(err, t, o);
        }
        *(uint16_t *)dst = (uint16_t)x;
        return TDM_OK;
    case 4:
        if (x > (long long)UINT32_MAX) {
            return err_range(err, t, o);
        }
        *(uint32_t *)dst = (uint32_t)x;
        return TDM_OK;
    default:
        *(uint64_t *)dst = (uint64_t)x;
        return TDM_OK;
    }
}

/* Rewrite the core's "a Python object" into the Python type's name. */
static void name_pyobj(tdmF_Err *err, PyObject *o)
{
    char *at = strstr(err->msg, "a Python object");
    if (at != NULL) {
        char tail[TDMF_ERRMAX], head[TDMF_ERRMAX];
        snprintf(tail, sizeof tail, "%s", at + strlen("a Python object"));
        *at = '\0';
        snprintf(head, sizeof head, "%s", err->msg);
        char out[3 * TDMF_ERRMAX];
        size_t n;
        snprintf(out, sizeof out, "%sa '%.60s' object%s%s", head, Py_TYPE(o)->tp_name,
                 PyUnicode_Check(o) ? " (encode a str to bytes first)" : "", tail);
        n = strlen(out) < sizeof err->msg ? strlen(out) : sizeof err->msg - 1;
        memcpy(err->msg, out, n);
        err->msg[n] = '\0';
    }
}

static void file_capsule_free(PyObject *cap)
{
    FILE *f = PyCapsule_GetPointer(cap, "tandem.FILE");
    if (f != NULL) {
        fclose(f);
    } else {
        PyErr_Clear();
    }
}

/* A Python file object for a FILE * (cffi's file emulation): its buffer is
   flushed, then a FILE * on a duplicate of its descriptor, unbuffered so that
   C's output lands in order with Python's, is made once and kept on the
   object (closed with it). NULL with err when o is no file. */
static FILE *python_file(PyObject *o, tdmF_Err *err)
{
    PyObject *cap, *r;
    FILE *f;
    int fd, nfd;
    if ((cap = PyObject_GetAttrString(o, "__tandem_FILE")) != NULL) {
        f = PyCapsule_GetPointer(cap, "tandem.FILE");
        Py_DECREF(cap);
    } else {
        PyErr_Clear();
        f = NULL;
    }
    if ((r = PyObject_CallMethod(o, "flush", NULL)) == NULL) {
        return (void)tdmF_seterr(err, TDM_ERRRUN, "flush failed"), NULL;
    }
    Py_DECREF(r);
    if (f != NULL) {
        return f;
    }
    if ((fd = PyObject_AsFileDescriptor(o)) < 0) {
        return (void)tdmF_seterr(err, TDM_ERRRUN, "fileno failed"), NULL;
    }
    if ((nfd = dup(fd)) < 0 || (f = fdopen(nfd, "r+")) == NULL) {
        if (nfd >= 0 && (f = fdopen(nfd, "w")) == NULL && (f = fdopen(nfd, "r")) == NULL) {
            close(nfd);
        }
        if (f == NULL) {
            return (void)tdmF_seterr(err, TDM_ERRTYPE, "cannot make a FILE * of this file"),
                   NULL;
        }
    }
    setvbuf(f, NULL, _IONBF, 0);
    if ((cap = PyCapsule_New(f, "tandem.FILE", file_capsule_free)) == NULL ||
        PyObject_SetAttrString(o, "__tandem_FILE", cap) < 0) {
        Py_XDECREF(cap);
        if (cap == NULL) {
            fclose(f);
        }
        return (void)tdmF_seterr(err, TDM_ERRRUN, "cannot keep the FILE * on the file"),
               NULL;
    }
    Py_DECREF(cap);
    return f;
}

int tdmP_ffi_to_c(tdmF_Registry *R, const tdmF_Type *t, PyObject *o, void *dst, int ctx,
                  tdmF_Err *err)
{
    const tdmF_Type *st = tdmF_scalar(t);
    PyTypeObject *tp = Py_TYPE(o);
    tdm_Value v;
    int rc;
    if (st->kind == TDMF_COMPLEX && !tdmP_is_cdata(o) && PyNumber_Check(o)) {
        /* a Python complex (or any number with __complex__/__float__) */
        Py_complex c = PyComplex_AsCComplex(o);
        if (c.real == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return tdmF_seterrk(err, TDMF_EK_TYPE, TDM_ERRTYPE, "expected %s, got a '%.60s' "
                                "object", st->name, tp->tp_name);
        }
        tdmF_complex_set(st, dst, c.real, c.imag);
        return TDM_OK;
    }
    if (t->kind == TDMF_PTR && t->base == tdmF_base(R, TDMF_T_FILE) && ctx == TDMF_CV_ARG &&
        !tdmP_is_cdata(o) && o != Py_None && PyObject_HasAttrString(o, "fileno")) {
        FILE *f = python_file(o, err);
        if (f == NULL) {
            return err->status;
        }
        *(FILE **)dst = f;
        return TDM_OK;
    }
    if (st->kind == TDMF_INT) {
        if ((st->flags & TDMF_CHAR) || tdmP_unichar(st)) {
            /* cffi: a char is bytes of length 1 and a wchar_t, char16_t or
               char32_t a str of length 1 (or a cdata of the type), never a
               number */
            if (PyNumber_Check(o) && !tdmP_is_cdata(o)) {
                char tb[64];
                return tdmF_seterrk(err, TDMF_EK_TYPE, TDM_ERRTYPE,
                                    "expected %s, got a '%.60s' object (a %s is %s of length 1)",
                                    tdmF_cffi_typename(t, tb, sizeof tb), tp->tp_name,
                                    st->name, (st->flags & TDMF_CHAR) ? "bytes" : "a str");
            }
        } else if (tp == &PyLong_Type && !(st->flags & TDMF_BOOL)) {
            return int_to_c(t, st, o, dst, err);
        }
        if (PyUnicode_Check(o) && tdmP_unichar(st) && PyUnicode_GetLength(o) == 1) {
            if (unichar_to_c(o, tdmP_unichar(st), dst) < 0) {
                char tb[64];
                return tdmF_seterrk(err, TDMF_EK_RANGE, TDM_ERRTYPE, "expected %s, got the "
                                    "character U+%04X (past U+FFFF: a surrogate pair needs "
                                    "two)", tdmF_cffi_typename(t, tb, sizeof tb),
                                    (unsigned)PyUnicode_READ_CHAR(o, 0));
            }
            return TDM_OK;
        }
    } else if (st->kind == TDMF_FLOAT && (tp == &PyFloat_Type || tp == &PyLong_Type)) {
        double d;
        if (tp == &PyFloat_Type) {
            d = PyFloat_AS_DOUBLE(o);
        } else {
            d = PyLong_AsDouble(o);
            if (d == -1.0 && PyErr_Occurred()) {
                PyErr_Clear();
                return err_range(err, t, o);
            }
        }
        tdmF_store_float(st, dst, d);
        return TDM_OK;
    }
    if (PyLong_Check(o) && !PyBool_Check(o)) {
        int ovf = 0;
        (void)PyLong_AsLongLongAndOverflow(o, &ovf);
        if (ovf != 0 && !(ovf > 0 && st->kind == TDMF_INT && st->size == 8)) {
            return err_range(err, t, o);
        }
    }
    if (tdmP_ffi_value(R, o, &v) < 0) {
        PyErr_Clear();
        return err_range(err, t, o);
    }
    rc = tdmF_to_c(R, t, &v, dst, ctx | TDMF_CV_CFFI, err);
    if (rc != TDM_OK && v.kind == TDM_OBJ && v.lang == TDM_LANG_PYTHON) {
        if (rc == TDM_ERRRUN && PyErr_Occurred()) {
            return rc;
        }
        name_pyobj(err, o);
    }
    tdmF_value_release(R, &v);
    return rc;
}

/* ---- Python -> neutral ---------------------------------------------------- */

int tdmP_ffi_value(tdmF_Registry *R, PyObject *o, tdm_Value *v)
{
    PyTypeObject *tp = Py_TYPE(o);
    memset(v, 0, sizeof *v);
    if (o == Py_None) {
        return 0;
    }
    if (tp == &PyBool_Type) {
        v->kind = TDM_BOOL;
        v->u.b = o == Py_True;
        return 0;
    }
    if (PyLong_Check(o)) {
        int ovf = 0;
        long long x = PyLong_AsLongLongAndOverflow(o, &ovf);
        if (ovf == 0) {
            if (x == -1 && PyErr_Occurred()) {
                return -1;
            }
            v->kind = TDM_INT;
            v->u.i = x;
            return 0;
        }
        if (ovf > 0) {
            unsigned long long u = PyLong_AsUnsignedLongLong(o);
            if (!(u == (unsigned long long)-1 && PyErr_Occurred())) {
                tdmF_Err err;
                tdmF_CData *cd = tdmF_cd_alloc(R, tdmF_base(R, TDMF_T_UINT64), 8, &err);
                if (cd == NULL) {
                    PyErr_NoMemory();
                    return -1;
                }
                *(uint64_t *)cd->addr = u;
                *v = tdmF_cd_value(cd);
                return 0;
            }
            PyErr_Clear();
        }
        PyErr_Format(PyExc_OverflowError, "integer %R does not fit in 64 bits", o);
        return -1;
    }
    if (PyFloat_Check(o)) {
        v->kind = TDM_FLOAT;
        v->u.f = PyFloat_AS_DOUBLE(o);
        return 0;
    }
    if (PyComplex_Check(o)) {
        /* no neutral complex: a `double _Complex` cdata carries it (into
           initializers and casts; the core converts it to either size) */
        tdmF_Err err;
        tdmF_CData *cd = tdmF_cd_alloc(R, tdmF_base(R, TDMF_T_DCOMPLEX), 16, &err);
        if (cd == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        tdmF_complex_set(cd->type, cd->addr, PyComplex_RealAsDouble(o),
                         PyComplex_ImagAsDouble(o));
        *v = tdmF_cd_value(cd);
        return 0;
    }
    if (PyBytes_Check(o)) {
        v->kind = TDM_STR;
        v->flags = TDM_VF_BYTES;
        v->u.s.p = PyBytes_AS_STRING(o);
        v->u.s.n = (size_t)PyBytes_GET_SIZE(o);
        return 0;
    }
    v->kind = TDM_OBJ;
    if (tdmP_is_cdata(o)) {
        v->lang = TDM_LANG_C;
        v->u.obj = ((tdmP_CData *)o)->cd;
    } else {
        v->lang = TDM_LANG_PYTHON;
        v->u.obj = o;
    }
    v->key = v->u.obj;
    return 0;
}

/* A copy of cd that shares no reference count with it (callback values
   cross threads without the lock). */
static tdmF_CData *cd_copy(tdmF_CData *cd, tdmF_Err *err)
{
    tdmF_CData *n;
    size_t size;
    if (cd->type->kind == TDMF_FUNC) {
        return tdmF_cd_ref(cd->reg, cd->type, cd->addr, -1, NULL, err);
    }
    size = tdmF_cd_size(cd);
    n = tdmF_cd_alloc(cd->reg, cd->type, size, err);
    if (n != NULL) {
        memcpy(n->addr, cd->addr, size);
        n->nelem = cd->nelem;
    }
    return n;
}

int tdmP_ffi_owned_value(tdmF_Registry *R, const tdmF_Type *t, PyObject *o, tdm_Value *v)
{
    const tdmF_Type *st = tdmF_scalar(t);
    if (tdmP_is_cdata(o)) {
        tdmF_Err err;
        tdmF_CData *cd = ((tdmP_CData *)o)->cd, *n;
        /* an array for a pointer result stands for its own address (as in
           C, and cffi), never a copy's: a reference to the same memory; as
           in cffi, the array must outlive C's use of the pointer */
        if (cd->type->kind == TDMF_ARRAY && st->kind == TDMF_PTR) {
            n = tdmF_cd_ref(cd->reg, cd->type, cd->addr, cd->nelem, NULL, &err);
        } else {
            n = cd_copy(cd, &err);
        }
        if (n == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        *v = tdmF_cd_value(n);
        return 0;
    }
    if (st->kind == TDMF_COMPLEX && PyNumber_Check(o)) {
        /* a callback's complex result: a cdata holding it */
        tdmF_Err err;
        tdmF_CData *n = tdmF_cd_alloc(R, st, st->size, &err);
        if (n == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        if (tdmP_ffi_to_c(R, st, o, n->addr, TDMF_CV_RESULT, &err) != TDM_OK) {
            tdmF_cd_decref(n);
            PyErr_SetString(PyExc_TypeError, err.msg);
            return -1;
        }
        *v = tdmF_cd_value(n);
        return 0;
    }
    if (PyBytes_Check(o)) {
        if (st->kind == TDMF_INT && PyBytes_GET_SIZE(o) == 1) {
            unsigned char c = (unsigned char)PyBytes_AS_STRING(o)[0];
            *v = tdm_int((st->flags & TDMF_SIGNED) ? (int64_t)(signed char)c : (int64_t)c);
            return 0;
        }
        char *p = malloc((size_t)PyBytes_GET_SIZE(o) + 1);
        if (p == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        memcpy(p, PyBytes_AS_STRING(o), (size_t)PyBytes_GET_SIZE(o) + 1);
        *v = tdm_lstr(p, (size_t)PyBytes_GET_SIZE(o));
        v->flags = TDM_VF_OWNSTR | TDM_VF_BYTES;
        return 0;
    }
    if (PyUnicode_Check(o) && tdmP_unichar(st) && PyUnicode_GetLength(o) == 1 &&
        (tdmP_unichar(st) == 4 || PyUnicode_READ_CHAR(o, 0) <= 0xFFFF)) {
        *v = tdm_int((int64_t)PyUnicode_READ_CHAR(o, 0));
        return 0;
    }
    if (tdmP_ffi_value(R, o, v) < 0) {
        return -1;
    }
    if (v->kind == TDM_OBJ && v->lang == TDM_LANG_PYTHON) {
        Py_INCREF(o);
        v->flags |= TDM_VF_OWNED;
    }
    return 0;
}

/* ---- C -> Python ---------------------------------------------------------- */

static PyObject *int_from_c(tdmF_Registry *R, const tdmF_Type *st, const void *src)
{
    (void)R;
    if (st->flags & TDMF_BOOL) {
        return PyBool_FromLong(*(const uint8_t *)src != 0);
    }
    if (st->flags & TDMF_CHAR) {
        return PyBytes_FromStringAndSize(src, 1);
    }
    if (tdmP_unichar(st) == 2) {
        return PyUnicode_FromOrdinal(*(const uint16_t *)src);
    }
    if (tdmP_unichar(st) == 4) {
        int32_t c = *(const int32_t *)src;
        if (c >= 0 && c <= 0x10FFFF) {
            return PyUnicode_FromOrdinal(c);
        }
        return PyLong_FromLong(c);
    }
    if (st->flags & TDMF_SIGNED) {
        switch (st->size) {
        case 1: return PyLong_FromLong(*(const int8_t *)src);
        case 2: return PyLong_FromLong(*(const int16_t *)src);
        case 4: return PyLong_FromLong(*(const int32_t *)src);
        default: return PyLong_FromLongLong(*(const int64_t *)src);
        }
    }
    switch (st->size) {
    case 1: return PyLong_FromLong(*(const uint8_t *)src);
    case 2: return PyLong_FromLong(*(const uint16_t *)src);
    case 4: return PyLong_FromUnsignedLong(*(const uint32_t *)src);
    default: return PyLong_FromUnsignedLongLong(*(const uint64_t *)src);
    }
}

PyObject *tdmP_ffi_from_c(tdmP_FFIState *fs, tdm_Runtime *rt, const tdmF_Type *t,
                          const void *src, tdmF_CData *keep)
{
    const tdmF_Type *st = tdmF_scalar(t);
    tdmF_Registry *R = rt->ffi;
    tdmF_Err err;
    tdm_Value v;
    switch (st->kind) {
    case TDMF_VOID:
        Py_RETURN_NONE;
    case TDMF_INT:
        return int_from_c(R, st, src);
    case TDMF_FLOAT:
        return PyFloat_FromDouble(tdmF_load_float(st, src));
    case TDMF_COMPLEX: {            /* a Python complex, as cffi */
        double re, im;
        tdmF_complex_get(st, src, &re, &im);
        return PyComplex_FromDoubles(re, im);
    }
    default:
        break;
    }
    tdmF_err_init(&err);
    if (tdmF_from_c(R, t, src, keep, &v, &err) != TDM_OK) {
        return tdmP_ffi_raise(fs, rt, &err, NULL);
    }
    return tdmP_cd_new(fs, rt, v.u.obj, 0);
}

PyObject *tdmP_ffi_from_value(tdmP_FFIState *fs, tdm_Runtime *rt, const tdmF_Type *t,
                              const tdm_Value *v)
{
    const tdmF_Type *st = tdmF_scalar(t);
    switch (v->kind) {
    case TDM_NIL:
        Py_RETURN_NONE;
    case TDM_BOOL:
        return PyBool_FromLong(v->u.b);
    case TDM_FLOAT:
        return PyFloat_FromDouble(v->u.f);
    case TDM_INT:
        if (st->kind == TDMF_INT) {
            int64_t x = v->u.i;
            return int_from_c(rt->ffi, st, &x);     /* little-endian: low bytes */
        }
        return PyLong_FromLongLong((long long)v->u.i);
    case TDM_STR:
        return PyBytes_FromStringAndSize(v->u.s.p, (Py_ssize_t)v->u.s.n);
    default:
        break;
    }
    if (v->lang == TDM_LANG_PYTHON) {
        return Py_NewRef((PyObject *)v->u.obj);
    }
    if (v->lang == TDM_LANG_C && v->u.obj != NULL) {
        tdmF_CData *cd = v->u.obj, *n;
        tdmF_Err err;
        const tdmF_Type *ct = tdmF_scalar(cd->type);
        if (ct->kind == TDMF_INT || ct->kind == TDMF_FLOAT) {
            return int_from_c(rt->ffi, ct, cd->addr);
        }
        if (ct->kind == TDMF_COMPLEX) {
            return tdmP_ffi_from_c(fs, rt, ct, cd->addr, NULL);
        }
        if ((n = cd_copy(cd, &err)) == NULL) {
            return PyErr_NoMemory();
        }
        return tdmP_cd_new(fs, rt, n, 0);
    }
    PyErr_SetString(PyExc_TypeError, "tandem.ffi: a value of another language cannot be a "
                    "callback argument");
    return NULL;
}

/* ---- registry hooks --------------------------------------------------------- */

/* The block behind a tdmF_Init made by expand: header, values, names. */
typedef struct Expanded {
    PyObject *seq;              /* strong: tuple of the values */
    PyObject *keys;             /* strong: list of keys (dicts) or NULL */
    size_t n;
    tdm_Value vals[];           /* then n names */
} Expanded;

static void expanded_free(tdmF_Registry *R, Expanded *x)
{
    for (size_t i = 0; i < x->n; i++) {
        tdmF_value_release(R, &x->vals[i]);
    }
    Py_XDECREF(x->seq);
    Py_XDECREF(x->keys);
    free(x);
}

static int hook_expand(void *ud, const tdm_Value *v, tdmF_Init *out, tdmF_Err *err)
{
    tdmF_Registry *R = ud;
    PyObject *o = v->u.obj, *seq = NULL, *keys = NULL;
    PyGILState_STATE g = PyGILState_Ensure();
    Expanded *x = NULL;
    const char **names = NULL;
    Py_ssize_t n, i;
    int st = TDM_OK;
    if (PyDict_Check(o)) {
        keys = PyDict_Keys(o);
        seq = keys ? PyDict_Values(o) : NULL;
    } else if (PyList_Check(o) || PyTuple_Check(o)) {
        seq = PySequence_Tuple(o);
    } else {
        st = tdmF_seterr(err, TDM_ERRTYPE, "cannot initialize C data from a '%.60s' object "
                         "(use a list, tuple or dict)", Py_TYPE(o)->tp_name);
        goto done;
    }
    if (seq == NULL) {
        goto pyerr;
    }
    n = PySequence_Fast_GET_SIZE(seq);
    x = calloc(1, sizeof *x + (size_t)n * (sizeof(tdm_Value) + sizeof(char *)));
    if (x == NULL) {
        st = tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
        goto done;
    }
    names = (const char **)(void *)&x->vals[n];
    for (i = 0; i < n; i++) {
        if (tdmP_ffi_value(R, PySequence_Fast_GET_ITEM(seq, i), &x->vals[i]) < 0) {
            goto pyerr;
        }
        x->n = (size_t)i + 1;
        if (keys != NULL) {
            PyObject *k = PyList_GET_ITEM(keys, i);
            if (!PyUnicode_Check(k) || (names[i] = PyUnicode_AsUTF8(k)) == NULL) {
                PyErr_Clear();
                st = tdmF_seterr(err, TDM_ERRTYPE, "field names must be str, got a '%.60s'",
                                 Py_TYPE(k)->tp_name);
                goto done;
            }
        }
    }
    x->seq = seq;
    x->keys = keys;
    seq = keys = NULL;
    out->n = (size_t)n;
    out->vals = x->vals;
    out->names = x->keys ? names : NULL;
    x = NULL;
    goto done;
pyerr:
    {
        PyObject *t, *val, *tb;
        PyErr_Fetch(&t, &val, &tb);
        PyObject *s = val ? PyObject_Str(val) : NULL;
        const char *msg = s ? PyUnicode_AsUTF8(s) : NULL;
        st = t == PyExc_OverflowError
             ? tdmF_seterrk(err, TDMF_EK_RANGE, TDM_ERRTYPE, "%s (out of range)",
                            msg ? msg : "error")
             : tdmF_seterr(err, TDM_ERRRUN, "%s", msg ? msg : "error");
        PyErr_Clear();
        Py_XDECREF(s);
        Py_XDECREF(t);
        Py_XDECREF(val);
        Py_XDECREF(tb);
        if (st == TDM_ERRRUN) {
            st = TDM_ERRTYPE;
        }
    }
done:
    if (x != NULL) {
        expanded_free(R, x);
    }
    Py_XDECREF(seq);
    Py_XDECREF(keys);
    PyGILState_Release(g);
    return st;
}

static void hook_done(void *ud, tdmF_Init *in)
{
    PyGILState_STATE g = PyGILState_Ensure();
    Expanded *x = (Expanded *)(void *)((char *)in->vals - offsetof(Expanded, vals));
    expanded_free(ud, x);
    PyGILState_Release(g);
}

static void hook_release(void *ud, tdm_Value *v)
{
    (void)ud;
    if (!Py_IsInitialized()) {
        return;
    }
    PyGILState_STATE g = PyGILState_Ensure();
    Py_DECREF((PyObject *)v->u.obj);
    PyGILState_Release(g);
}

void tdmP_ffi_hooks(tdmF_Registry *R)
{
    tdmF_Hooks h = {R, hook_expand, hook_done, hook_release};
    tdmF_set_hooks(R, TDM_LANG_PYTHON, &h);
}

/* ---- errors ------------------------------------------------------------------ */

static PyObject *raise_cb(tdmP_FFIState *fs, tdm_Runtime *rt, tdmS_Error *e)
{
    tdm_Value *v = &e->value;
    if (v->kind == TDM_OBJ && v->lang == TDM_LANG_PYTHON && v->u.obj != NULL &&
        PyExceptionInstance_Check((PyObject *)v->u.obj)) {
        PyObject *exc = v->u.obj;
        if (!(v->flags & TDM_VF_OWNED)) {
            Py_INCREF(exc);
        }
        *v = tdm_nil();
        tdmF_error_clear(NULL, e);
        PyErr_Restore(Py_NewRef((PyObject *)Py_TYPE(exc)), exc, PyException_GetTraceback(exc));
        return NULL;
    }
    tdmP_State *st = rt->state[TDM_LANG_PYTHON];
    if (st != NULL && v->kind == TDM_OBJ && v->lang == TDM_LANG_LUA) {
        /* a Lua error: LuaError with the Lua frames, as for any crossing */
        tdmS_Frame fr;
        PyObject *t, *val, *tb;
        memset(&fr, 0, sizeof fr);
        fr.rt = rt;
        tdmS_move_error(&fr.err, e);
        tdmP_raise_frame(st, &fr, NULL);
        PyErr_Fetch(&t, &val, &tb);
        if (tdmP_ffi_lock(rt) == 0) {
            tdmS_clear_error(rt, &fr.err);      /* what the proxy did not take */
            tdmR_unlock(rt);
        } else {
            PyErr_Clear();
        }
        PyErr_Restore(t, val, tb);
        return NULL;
    }
    PyErr_SetString(fs->FFIError, e->message ? e->message : "error in callback");
    if (v->kind == TDM_OBJ && (v->flags & TDM_VF_OWNED)) {
        PyObject *t, *val, *tb;
        PyErr_Fetch(&t, &val, &tb);
        if (tdmP_ffi_lock(rt) == 0) {
            tdmF_error_clear(rt->ffi, e);
            tdmR_unlock(rt);
        } else {
            PyErr_Clear();
        }
        PyErr_Restore(t, val, tb);
    }
    tdmF_error_clear(NULL, e);
    return NULL;
}

PyObject *tdmP_ffi_error_class(tdmP_FFIState *fs, const tdmF_Err *err, PyObject *deflt)
{
    switch (err->kind) {
    case TDMF_EK_RANGE:
        return PyExc_OverflowError;
    case TDMF_EK_NOTIMPL:
        return PyExc_NotImplementedError;
    case TDMF_EK_BOUNDS:
        return PyExc_IndexError;
    case TDMF_EK_NULLPTR:
        return PyExc_RuntimeError;
    case TDMF_EK_VALUE:
        return fs->ValueError;      /* ValueError and ffi.error both (cffi0 and cffi1) */
    default:
        break;
    }
    if (deflt != NULL) {
        return deflt;
    }
    if (err->status == TDM_ERRMEM) {
        return PyExc_MemoryError;
    }
    switch (err->kind) {
    case TDMF_EK_KEY:
        return PyExc_KeyError;
    case TDMF_EK_DECL:
        return fs->CDefError;
    case TDMF_EK_TYPE:
        return PyExc_TypeError;
    default:
        return fs->FFIError;
    }
}

PyObject *tdmP_ffi_raise(tdmP_FFIState *fs, tdm_Runtime *rt, tdmF_Err *err, PyObject *deflt)
{
    if (err->cb.status != TDM_OK) {
        return raise_cb(fs, rt, &err->cb);
    }
    if (err->status == TDM_ERRRUN && PyErr_Occurred()) {
        return NULL;
    }
    PyErr_SetString(tdmP_ffi_error_class(fs, err, deflt), err->msg[0] ? err->msg : "ffi error");
    return NULL;
}
