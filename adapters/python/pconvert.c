/*
 * pconvert.c — Python objects <-> neutral values.
 *
 * Python -> neutral: None, bool, int (exact: outside int64 the overflow
 * handler decides, else OverflowError), float, str (the UTF-8 buffer of the
 * str itself, borrowed; `key` is the str object so the Lua side can intern),
 * bytes, Lua proxies unwrapped to their handle, anything else as an owned
 * Python object.
 *
 * Neutral -> Python: strings decoded with the runtime's encoding (a Lua string
 * that is not valid in that encoding arrives as bytes instead of raising),
 * with a small direct-mapped cache keyed by the Lua string's identity and
 * checked by content, so a string crossing repeatedly is not decoded again;
 * Lua objects as proxies, one live proxy per Lua object (identity holds).
 */
#include <string.h>
#include "padapter.h"
#include "pffi.h"   /* FFI-WIRING */

/* ---- pins ---------------------------------------------------------------- */

static int grow(PyObject ***arr, int *cap, int need)
{
    if (need <= *cap) {
        return 0;
    }
    int ncap = *cap ? *cap * 2 : 32;
    while (ncap < need) {
        ncap *= 2;
    }
    PyObject **p = PyMem_RawRealloc(*arr, (size_t)ncap * sizeof *p);
    if (p == NULL) {
        return -1;
    }
    *arr = p;
    *cap = ncap;
    return 0;
}

/* Steals o. Runtime lock held (GIL too, for the error path). */
int tdmP_pin(tdmP_State *st, PyObject *o)
{
    if (grow(&st->pins, &st->cpins, st->npins + 1) < 0) {
        Py_DECREF(o);
        PyErr_NoMemory();
        return -1;
    }
    st->pins[st->npins++] = o;
    return 0;
}

/* GIL and runtime lock held. */
void tdmP_drop_zombies(tdmP_State *st)
{
    while (st->nzombies > 0) {
        PyObject *o = st->zombies[--st->nzombies];
        Py_DECREF(o);
    }
}

/* ---- Python -> neutral -------------------------------------------------- */

enum { MODE_ARG, MODE_RESULT };

static int convert(tdmP_State *st, PyObject *o, tdm_Value *v, int mode,
                   PyObject **tmp, int depth);

/* Keep `o` (new reference, stolen) alive for the frame. */
static int keep(tdmP_State *st, PyObject *o, int mode, PyObject **tmp)
{
    if (mode == MODE_RESULT) {
        return tdmP_pin(st, o);
    }
    if (*tmp == NULL) {
        *tmp = PyList_New(0);
        if (*tmp == NULL) {
            Py_DECREF(o);
            return -1;
        }
    }
    int rc = PyList_Append(*tmp, o);
    Py_DECREF(o);
    return rc;
}

static int set_object(tdm_Value *v, PyObject *o, int proto)
{
    tdmP_object_value(v, o, proto);
    return 0;
}

static int convert_int(tdmP_State *st, PyObject *o, tdm_Value *v, int mode,
                       PyObject **tmp, int depth)
{
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow == 0) {
        if (x == -1 && PyErr_Occurred()) {
            return -1;
        }
        v->kind = TDM_INT;
        v->u.i = x;
        return 0;
    }
    /* handler calls running in this thread: one that makes another big int
       cross (a Lua handler doing arithmetic on its argument) gets an
       OverflowError, not a recursion through the handler */
    static _Thread_local int in_handler;
    if (st->overflow_handler == NULL || depth > 0 || in_handler > 0) {
        PyErr_Format(PyExc_OverflowError,
                     in_handler > 0 ? "Python int too large for a Lua integer (64-bit) "
                                      "inside the overflow_handler"
                                    : "Python int too large for a Lua integer (64-bit); "
                                      "set an overflow handler to convert it (LuaRuntime("
                                      "overflow_handler=f), or python.set_overflow_handler(f) "
                                      "from Lua)");
        return -1;
    }
    /* A Lua function (python.set_overflow_handler) gets the int as a Python
       object, and that object returned stays one, as in lupa */
    PyObject *handler = Py_NewRef(st->overflow_handler);    /* it may reset it */
    int lua_handler = tdmP_is_proxy(st->mod, handler);
    PyObject *h;
    in_handler++;
    if (lua_handler) {
        PyObject *w = tdmP_wrap(st->mod, o, TDM_PROTO_DEFAULT);
        h = w ? PyObject_CallOneArg(handler, w) : NULL;
        Py_XDECREF(w);
    } else {
        h = PyObject_CallOneArg(handler, o);
    }
    in_handler--;
    Py_DECREF(handler);
    if (h == NULL) {
        return -1;
    }
    if (lua_handler && PyLong_Check(h) && !PyBool_Check(h)) {
        int too_large = 0;
        (void)PyLong_AsLongLongAndOverflow(h, &too_large);
        if (too_large != 0) {
            int rc = set_object(v, h, TDM_PROTO_DEFAULT);
            Py_DECREF(h);
            return rc;
        }
    }
    if (PyLong_Check(h) && !PyBool_Check(h)) {
        /* still an int: exact or OverflowError, never a silent wrap */
        int rc = convert_int(st, h, v, mode, tmp, depth + 1);
        Py_DECREF(h);
        return rc;
    }
    int rc = convert(st, h, v, mode, tmp, depth + 1);
    if (rc == 0 && v->kind == TDM_STR) {
        return keep(st, h, mode, tmp);
    }
    Py_DECREF(h);
    return rc;
}

static int convert_str(tdmP_State *st, PyObject *o, tdm_Value *v, int mode,
                       PyObject **tmp)
{
    if (st->enc_utf8) {
        if (tdmP_utf8_value(o, v) < 0) {
            return -1;
        }
        if (mode == MODE_RESULT) {
            return tdmP_pin(st, Py_NewRef(o));
        }
        return 0;
    }
    if (st->encoding == NULL) {
        /* lupa: with encoding=None a str is not a Lua string */
        return set_object(v, o, TDM_PROTO_DEFAULT);
    }
    PyObject *b = PyUnicode_AsEncodedString(o, PyUnicode_AsUTF8(st->encoding),
                                            "strict");
    if (b == NULL) {
        return -1;
    }
    v->kind = TDM_STR;
    v->u.s.p = PyBytes_AS_STRING(b);
    v->u.s.n = (size_t)PyBytes_GET_SIZE(b);
    v->key = NULL;
    return keep(st, b, mode, tmp);
}

/* bytes (and subclasses) as binary Lua strings, borrowed */
static int convert_bytes(tdmP_State *st, PyObject *o, tdm_Value *v, int mode)
{
    v->kind = TDM_STR;
    v->flags = TDM_VF_BYTES;
    v->u.s.p = PyBytes_AS_STRING(o);
    v->u.s.n = (size_t)PyBytes_GET_SIZE(o);
    v->key = o;
    if (mode == MODE_RESULT) {
        return tdmP_pin(st, Py_NewRef(o));
    }
    return 0;
}

static int convert_proxy(tdmP_State *st, PyObject *o, tdm_Value *v, int mode)
{
    tdmP_Proxy *p = (tdmP_Proxy *)o;
    if (p->owner->rt != st->rt) {
        PyErr_SetString(st->mod->LuaError,
                        "cannot mix objects from different Lua runtimes");
        return -1;
    }
    if (p->owner->closed || p->handle == NULL) {
        PyErr_SetString(st->mod->LuaError, "the LuaRuntime is closed");
        return -1;
    }
    tdmP_proxy_value(p, v);
    if (mode == MODE_RESULT) {
        return tdmP_pin(st, Py_NewRef(o));
    }
    return 0;
}

static int convert(tdmP_State *st, PyObject *o, tdm_Value *v, int mode,
                   PyObject **tmp, int depth)
{
    PyTypeObject *t = Py_TYPE(o);
    v->flags = 0;
    v->aux = 0;
    v->key = NULL;
    v->lang = 0;
    if (o == Py_None) {
        v->kind = TDM_NIL;
        return 0;
    }
    if (t == &PyUnicode_Type) {
        return convert_str(st, o, v, mode, tmp);
    }
    if (t == &PyLong_Type) {
        return convert_int(st, o, v, mode, tmp, depth);
    }
    if (t == &PyFloat_Type) {
        v->kind = TDM_FLOAT;
        v->u.f = PyFloat_AS_DOUBLE(o);
        return 0;
    }
    if (t == &PyBool_Type) {
        v->kind = TDM_BOOL;
        v->u.b = o == Py_True;
        return 0;
    }
    if (t == &PyBytes_Type) {
        return convert_bytes(st, o, v, mode);
    }
    tdmP_Module *ms = st->mod;
    if (t->tp_base == ms->object_type || t == ms->object_type) {
        return convert_proxy(st, o, v, mode);
    }
    if (t == ms->wrapper_type) {
        tdmP_Wrapper *w = (tdmP_Wrapper *)o;
        return set_object(v, w->obj, w->proto);
    }
    /* subclasses of the scalar types: as lupa, by value */
    if (PyLong_Check(o)) {
        return convert_int(st, o, v, mode, tmp, depth);
    }
    if (PyFloat_Check(o)) {
        v->kind = TDM_FLOAT;
        v->u.f = PyFloat_AsDouble(o);
        return 0;
    }
    if (PyUnicode_Check(o)) {
        return convert_str(st, o, v, mode, tmp);
    }
    if (PyBytes_Check(o)) {
        return convert_bytes(st, o, v, mode);
    }
    {   /* FFI-WIRING */
        int rc = mode == MODE_RESULT ? tdmP_cdata_borrow(o, st->rt, v)
                                     : tdmP_cdata_unwrap(o, st->rt, v);
        if (rc != 0) {
            return rc < 0 ? -1 : mode == MODE_RESULT ? tdmP_pin(st, Py_NewRef(o)) : 0;
        }
    }
    return set_object(v, o, TDM_PROTO_DEFAULT);
}

int tdmP_to_value(tdmP_Runtime *r, PyObject *o, tdm_Value *v, PyObject **tmp)
{
    return convert(r->st, o, v, MODE_ARG, tmp, 0);
}

int tdmP_to_result(tdmP_State *st, PyObject *o, tdm_Value *v)
{
    return convert(st, o, v, MODE_RESULT, NULL, 0);
}

/* ---- neutral -> Python -------------------------------------------------- */

/* The string cache, made by the first string that could use it; without
   memory, strings are decoded uncached. */
static int make_strcache(tdmP_State *st)
{
    st->strcache = PyMem_RawCalloc(TDMP_STRCACHE, sizeof *st->strcache);
    return st->strcache != NULL;
}

static PyObject *decode_str(tdmP_State *st, const tdm_Value *v)
{
    const char *p = v->u.s.p;
    size_t n = v->u.s.n;
    if ((v->flags & TDM_VF_BYTES) || st->encoding == NULL) {
        return PyBytes_FromStringAndSize(p, (Py_ssize_t)n);
    }
    if (!st->enc_utf8) {
        PyObject *s = PyUnicode_Decode(p, (Py_ssize_t)n,
                                       PyUnicode_AsUTF8(st->encoding), "strict");
        if (s == NULL && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            PyErr_Clear();
            return PyBytes_FromStringAndSize(p, (Py_ssize_t)n);
        }
        return s;
    }
    /* two-way sets, most recently used first (as the Lua side's cache) */
    tdmP_StrSlot *slot = NULL;
    if (v->key != NULL && n <= TDMP_STRCACHE_MAX
            && (st->strcache != NULL || make_strcache(st))) {
        tdmP_StrSlot *set = &st->strcache[2 * tdmI_slot(v->key, TDMP_STRCACHE / 2)];
        if (set[0].key == v->key && set[0].n == n && tdmI_same_bytes(set[0].p, p, n)) {
            return Py_NewRef(set[0].obj);
        }
        tdmP_StrSlot t = set[1];
        set[1] = set[0];
        set[0] = t;
        if (t.key == v->key && t.n == n && tdmI_same_bytes(t.p, p, n)) {
            return Py_NewRef(t.obj);
        }
        slot = &set[0];     /* the least recently used one, now in front */
    }
    PyObject *s = PyUnicode_DecodeUTF8(p, (Py_ssize_t)n, "strict");
    if (s == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            return NULL;
        }
        PyErr_Clear();
        s = PyBytes_FromStringAndSize(p, (Py_ssize_t)n);
        if (s == NULL) {
            return NULL;
        }
    }
    if (slot != NULL) {
        Py_ssize_t cn;
        const char *cp = PyUnicode_Check(s) ? PyUnicode_AsUTF8AndSize(s, &cn)
                                            : (cn = PyBytes_GET_SIZE(s), PyBytes_AS_STRING(s));
        if (cp == NULL) {
            PyErr_Clear();      /* not cached; s is still the result */
        } else {
            Py_XSETREF(slot->obj, Py_NewRef(s));
            slot->key = v->key;
            slot->p = cp;
            slot->n = (size_t)cn;
        }
    }
    return s;
}

PyObject *tdmP_proxy_for(tdmP_State *st, tdm_Value *v)
{
    tdm_Runtime *rt = st->rt;
    PyObject *p = tdmI_sget(&st->ids, v->key);
    if (p != NULL) {
        Py_INCREF(p);
        if (v->flags & TDM_VF_OWNED) {
            v->flags &= (uint16_t)~TDM_VF_OWNED;
            rt->lang[TDM_LANG_LUA]->release(rt, v->u.obj);
        }
        return p;
    }
    if (!(v->flags & TDM_VF_OWNED)) {
        PyErr_SetString(PyExc_SystemError,
                        "tandem: a Lua object arrived without a reference");
        return NULL;
    }
    p = tdmP_proxy_new(st, v);          /* steals the handle, even on error */
    if (p == NULL) {
        return NULL;
    }
    if (tdmI_sput(&st->ids, p) != 0) {
        Py_DECREF(p);
        return PyErr_NoMemory();
    }
    return p;
}

PyObject *tdmP_from_value(tdmP_State *st, tdm_Value *v)
{
    switch (v->kind) {
    case TDM_NIL:
        Py_RETURN_NONE;
    case TDM_BOOL:
        return PyBool_FromLong(v->u.b);
    case TDM_INT:
        return PyLong_FromLongLong((long long)v->u.i);
    case TDM_FLOAT:
        return PyFloat_FromDouble(v->u.f);
    case TDM_STR:
        return decode_str(st, v);
    case TDM_OBJ:
        if (v->lang == TDM_LANG_LUA) {
            return tdmP_proxy_for(st, v);
        }
        if (v->lang == TDM_LANG_PYTHON) {
            PyObject *o = v->u.obj;
            if (v->flags & TDM_VF_OWNED) {
                v->flags &= (uint16_t)~TDM_VF_OWNED;
                return o;
            }
            return Py_NewRef(o);
        }
        if (v->lang == TDM_LANG_C) {    /* FFI-WIRING */
            return tdmP_cdata_wrap(st->module, st->rt, v);
        }
        PyErr_Format(PyExc_TypeError, "tandem: cannot convert a %s object to Python",
                     v->lang == TDM_LANG_C ? "C (ffi)" : "foreign");
        return NULL;
    default:
        PyErr_SetString(PyExc_SystemError, "tandem: bad neutral value");
        return NULL;
    }
}
