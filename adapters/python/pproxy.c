/*
 * pproxy.c — Lua objects seen from Python.
 *
 * One proxy type per Lua kind, all derived from _LuaObject: _LuaTable
 * (attribute and item access, keys/values/items, iteration, len),
 * _LuaFunction (call through vectorcall, coroutine()), _LuaThread (pcoro.c)
 * and _LuaUserdata. A proxy owns one Lua reference (a handle of tdmL_lang)
 * and a strong reference to its LuaRuntime; the runtime's identity map keeps
 * one live proxy per Lua object, so the same table crossing twice is the same
 * Python object. Dealloc releases the handle through tdmL_lang.release, which
 * never blocks (it queues when another thread holds the runtime).
 */
#include <stddef.h>
#include <string.h>
#include "padapter.h"
#include <structmember.h>

#define proxy_vectorcall tdmP_proxy_vectorcall

PyTypeObject *tdmP_kind_types[TDM_OBJ_USERDATA + 1];

/* ---- life ---------------------------------------------------------------- */

PyObject *tdmP_proxy_new(tdmP_State *st, tdm_Value *v)
{
    tdmP_Module *ms = st->mod;
    tdm_Runtime *rt = st->rt;
    PyTypeObject *type;
    switch (v->aux) {
    case TDM_OBJ_TABLE:
        type = ms->table_type;
        break;
    case TDM_OBJ_FUNCTION:
        type = ms->function_type;
        break;
    case TDM_OBJ_THREAD:
        type = ms->thread_type;
        break;
    default:
        type = ms->userdata_type;
        break;
    }
    void *handle = v->u.obj;
    v->flags &= (uint16_t)~TDM_VF_OWNED;
    if (st->owner == NULL) {
        /* hosted by Lua or C: proxies need a LuaRuntime object to refer to */
        tdmP_Runtime *w = tdmP_runtime_wrap(ms, rt);
        if (w == NULL) {
            rt->lang[TDM_LANG_LUA]->release(rt, handle);
            return NULL;
        }
        st->owner = w;
        st->owner_strong = 1;
    }
    tdmP_Proxy *p = PyObject_GC_New(tdmP_Proxy, type);
    if (p == NULL) {
        rt->lang[TDM_LANG_LUA]->release(rt, handle);
        return NULL;
    }
    p->owner = (tdmP_Runtime *)Py_NewRef((PyObject *)st->owner);
    p->handle = handle;
    p->key = v->key;
    p->weakreflist = NULL;
    if (type == ms->function_type) {
        /* a translated function's entry (TDM_VF_XLATED, lconvert.c): a nested
           one leaving translated code gets the calling convention of the
           top-level one (tdmP_mark_translated) */
        ((tdmP_FuncProxy *)p)->vectorcall = (v->flags & TDM_VF_XLATED) ? tdmP_xlate_vectorcall
                                                                       : proxy_vectorcall;
    } else if (type == ms->thread_type) {
        ((tdmP_CoProxy *)p)->coargs = NULL;
        ((tdmP_CoProxy *)p)->costate = 0;
    }
    PyObject_GC_Track(p);
    return (PyObject *)p;
}

/* Forget the Lua object: identity entry and handle. */
static void drop_handle(tdmP_Proxy *p)
{
    tdmP_Runtime *r = p->owner;
    if (r == NULL) {
        return;
    }
    if (p->key != NULL) {
        tdmI_sdel(&r->st->ids, p);
        p->key = NULL;
    }
    void *h = p->handle;
    p->handle = NULL;
    if (h != NULL && !r->closed && !r->rt->closed && r->rt->lang[TDM_LANG_LUA] != NULL) {
        r->rt->lang[TDM_LANG_LUA]->release(r->rt, h);
    }
}

int tdmP_proxy_traverse(PyObject *self, visitproc visit, void *arg)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(p->owner);
    return 0;
}

int tdmP_proxy_clear(PyObject *self)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    drop_handle(p);
    Py_CLEAR(p->owner);
    return 0;
}
#define proxy_traverse tdmP_proxy_traverse
#define proxy_clear tdmP_proxy_clear

static void proxy_dealloc(PyObject *self)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    /* out of the identity map before weakref callbacks run: one that fetches
       the same Lua object must get a new proxy, not this dying one */
    if (p->owner != NULL && p->key != NULL) {
        tdmI_sdel(&p->owner->st->ids, p);
        p->key = NULL;
    }
    if (p->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    tp->tp_clear(self);         /* a coroutine's clears its arguments too */
    tp->tp_free(self);
    Py_DECREF(tp);
}

int tdmP_is_proxy(tdmP_Module *ms, PyObject *o)
{
    PyTypeObject *t = Py_TYPE(o);
    return t == ms->object_type || t->tp_base == ms->object_type;
}

static tdmP_Module *pmod(PyObject *self)
{
    return ((tdmP_Proxy *)self)->owner->st->mod;
}

/* ---- protocol ----------------------------------------------------------- */

static PyObject *function_coroutine(PyObject *self, PyObject *const *args, Py_ssize_t n);

/* A Lua function called with keyword arguments: a translated function's
   entry binds them with Python's rules (tandem._translate.call_kw, which
   returns NotImplemented for any other Lua function: those take none). */
static PyObject *proxy_call_kw(PyObject *self, PyObject *const *args, size_t nargsf,
                               PyObject *kwnames)
{
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    PyObject *r = NULL, *pos = NULL, *kw = NULL;
    PyObject *mod = PyImport_ImportModule("tandem._translate");
    if (mod == NULL) {
        PyErr_Clear();
        goto refuse;
    }
    pos = PyTuple_New(n);
    kw = PyDict_New();
    if (pos == NULL || kw == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyTuple_SET_ITEM(pos, i, Py_NewRef(args[i]));
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
        if (PyDict_SetItem(kw, PyTuple_GET_ITEM(kwnames, i), args[n + i]) < 0) {
            goto done;
        }
    }
    r = PyObject_CallMethod(mod, "call_kw", "OOOO", self, pos, kw,
                            (PyObject *)((tdmP_Proxy *)self)->owner);
    if (r == Py_NotImplemented) {
        Py_CLEAR(r);
        Py_DECREF(mod);
        Py_DECREF(pos);
        Py_DECREF(kw);
        goto refuse;
    }
done:
    Py_XDECREF(mod);
    Py_XDECREF(pos);
    Py_XDECREF(kw);
    return r;
refuse:
    PyErr_SetString(PyExc_TypeError, "Lua functions take no keyword arguments");
    return NULL;
}

static inline __attribute__((always_inline)) PyObject *
call_proxy(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames, int kept)
{
    if (kwnames != NULL && PyTuple_GET_SIZE(kwnames) > 0) {
        if (tdmP_kind(self) == TDM_OBJ_FUNCTION) {
            return proxy_call_kw(self, args, nargsf, kwnames);
        }
        PyErr_SetString(PyExc_TypeError, "Lua functions take no keyword arguments");
        return NULL;
    }
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    if (Py_TYPE(self) == p->owner->st->mod->thread_type) {
        tdmP_CoProxy *c = (tdmP_CoProxy *)self;
        /* lupa: a coroutine that came from Lua not started yet stands for
           its function: calling it gives a fresh generator with these
           arguments. One made by .coroutine() or already resumed is a
           generator, not callable. */
        if (c->coargs != NULL || c->costate != 0) {
            PyErr_SetString(p->owner->st->mod->LuaError,
                            "attempt to call a thread value: a started coroutine is resumed with send() or next()");
            return NULL;
        }
        return function_coroutine(self, args, n);
    }
    int done;
    PyObject *r = tdmP_call_lean_inline((tdmP_Proxy *)self, TDM_OP_CALL, args, n, &done);
    if (done) {
        return r;
    }
    if (kept) {
        return tdmP_run_kept((tdmP_Proxy *)self, args, n);
    }
    return tdmP_run_on((tdmP_Proxy *)self, TDM_OP_CALL, 0, args, n);
}

PyObject *proxy_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf,
                           PyObject *kwnames)
{
    return call_proxy(self, args, nargsf, kwnames, 0);
}

PyObject *tdmP_proxy_vectorcall_kept(PyObject *self, PyObject *const *args, size_t nargsf,
                                     PyObject *kwnames)
{
    return call_proxy(self, args, nargsf, kwnames, 1);
}

static PyObject *proxy_new_vc(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    PyErr_Format(PyExc_TypeError, "cannot create '%s' instances", type->tp_name);
    return NULL;
}

static inline __attribute__((always_inline)) int is_dunder(PyObject *name)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(name);
    return n > 4 && PyUnicode_READ_CHAR(name, 0) == '_' && PyUnicode_READ_CHAR(name, 1) == '_'
           && PyUnicode_READ_CHAR(name, n - 1) == '_' && PyUnicode_READ_CHAR(name, n - 2) == '_';
}

/* Is name defined by the proxy's Python type (a method like keys)? */
static inline __attribute__((always_inline)) int own_attr(PyObject *self, PyObject *name)
{
    /* one set lookup (the proxy types are immutable, their names fixed at
       import); `object` itself defines only dunders, which the caller has
       already sent to the generic lookup */
    tdmP_Module *ms = pmod(self);
    PyTypeObject *tp = Py_TYPE(self);
    int i = tp == ms->table_type      ? TDM_OBJ_TABLE
            : tp == ms->function_type ? TDM_OBJ_FUNCTION
            : tp == ms->thread_type   ? TDM_OBJ_THREAD
            : tp == ms->userdata_type ? TDM_OBJ_USERDATA
            : tp == ms->object_type   ? TDM_OBJ_OTHER
                                      : -1;
    PyObject *names = i >= 0 ? ms->own_names[i] : NULL;
    if (names != NULL) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(name);
        if (!(ms->own_lengths[i] & ((uint64_t)1 << (n < 63 ? n : 63)))) {
            return 0;       /* no own name that long: the common case, no lookup */
        }
        return PySet_Contains(names, name);
    }
    for (PyTypeObject *t = Py_TYPE(self); t != NULL && t != &PyBaseObject_Type; t = t->tp_base) {
        if (t->tp_dict != NULL && PyDict_GetItemWithError(t->tp_dict, name) != NULL) {
            return 1;
        }
    }
    return PyErr_Occurred() ? -1 : 0;
}

/* The attribute name as a Lua key: with encoding=None, bytes in the source
   encoding (as lupa). New reference. */
static inline __attribute__((always_inline)) PyObject *lua_name(PyObject *self, PyObject *name)
{
    tdmP_State *st = ((tdmP_Proxy *)self)->owner->st;
    if (st->encoding == NULL && PyUnicode_Check(name)) {
        return PyUnicode_AsEncodedString(name, PyUnicode_AsUTF8(st->source_encoding), "strict");
    }
    return Py_NewRef(name);
}

static inline __attribute__((always_inline)) PyObject *lua_getattr(PyObject *self, PyObject *name);

static PyObject *proxy_getattro(PyObject *self, PyObject *name)
{
    if (!PyUnicode_Check(name) || is_dunder(name)) {
        return PyObject_GenericGetAttr(self, name);
    }
    int own = own_attr(self, name);
    if (own != 0) {
        return own > 0 ? PyObject_GenericGetAttr(self, name) : NULL;
    }
    return lua_getattr(self, name);
}

/* obj.__getattr__(name) (lupa has it): the Lua lookup of a name that is not
   a dunder, whatever the proxy's own methods are called. */
static PyObject *proxy_getattr_method(PyObject *self, PyObject *name)
{
    if (!PyUnicode_Check(name)) {
        PyErr_Format(PyExc_TypeError, "attribute name must be a str, not %.100s",
                     Py_TYPE(name)->tp_name);
        return NULL;
    }
    if (is_dunder(name)) {
        PyErr_Format(PyExc_AttributeError, "'%.100s' object has no attribute '%U'",
                     Py_TYPE(self)->tp_name, name);
        return NULL;
    }
    return lua_getattr(self, name);
}

/* The attribute name (a str, not a dunder) looked up in Lua. */
static inline __attribute__((always_inline)) PyObject *lua_getattr(PyObject *self, PyObject *name)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    if (tdmP_kind(self) == TDM_OBJ_FUNCTION || tdmP_kind(self) == TDM_OBJ_THREAD) {
        PyErr_Format(PyExc_AttributeError,
                     "item/attribute access not supported on Lua %s objects",
                     tdmP_kind(self) == TDM_OBJ_FUNCTION ? "function" : "thread");
        return NULL;
    }
    PyObject *key = lua_name(self, name);
    if (key == NULL) {
        return NULL;
    }
    int done;
    PyObject *r = tdmP_call_lean_inline(p, TDM_OP_GETATTR, &key, 1, &done);
    if (!done) {
        r = tdmP_run_on(p, TDM_OP_GETATTR, 0, &key, 1);
    }
    Py_DECREF(key);
    return r;
}

static int proxy_setattro(PyObject *self, PyObject *name, PyObject *value)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    if (!PyUnicode_Check(name) || is_dunder(name) || tdmP_kind(self) != TDM_OBJ_TABLE) {
        return PyObject_GenericSetAttr(self, name, value);
    }
    PyObject *args[2] = {lua_name(self, name), value ? value : Py_None};
    if (args[0] == NULL) {
        return -1;
    }
    PyObject *r = tdmP_run_on(p, TDM_OP_SETATTR, 0, args, 2);
    Py_DECREF(args[0]);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

/* A key for a table: None stands for python.none there (a Lua table cannot
   have a nil key), as lupa does. New reference. */
static PyObject *table_key(tdmP_Proxy *p, PyObject *key)
{
    if (key == Py_None && tdmP_kind((PyObject *)p) == TDM_OBJ_TABLE) {
        return tdmP_wrap(p->owner->st->mod, Py_None, TDM_PROTO_DEFAULT);
    }
    return Py_NewRef(key);
}

static PyObject *proxy_getitem(PyObject *self, PyObject *key)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    if (tdmP_kind(self) == TDM_OBJ_FUNCTION || tdmP_kind(self) == TDM_OBJ_THREAD) {
        PyErr_SetString(PyExc_TypeError, "item/attribute access not supported on functions");
        return NULL;
    }
    PyObject *k = table_key(p, key);
    if (k == NULL) {
        return NULL;
    }
    /* the lean path (as for t.x) when it can take the call, else the general one */
    int done;
    PyObject *r = tdmP_call_lean_inline(p, TDM_OP_GETITEM, &k, 1, &done);
    if (!done) {
        r = tdmP_run_on(p, TDM_OP_GETITEM, 0, &k, 1);
    }
    Py_DECREF(k);
    return r;
}

static int proxy_setitem(PyObject *self, PyObject *key, PyObject *value)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    if (tdmP_kind(self) != TDM_OBJ_TABLE && tdmP_kind(self) != TDM_OBJ_USERDATA) {
        PyErr_SetString(PyExc_TypeError, "item assignment not supported on this Lua object");
        return -1;
    }
    PyObject *k = table_key(p, key);
    if (k == NULL) {
        return -1;
    }
    PyObject *args[2] = {k, value ? value : Py_None};
    PyObject *r = tdmP_run_on(p, TDM_OP_SETITEM, 0, args, 2);
    Py_DECREF(k);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

/* len(t) of a plain table: the Lua side's peek (bridge/lang.h) read under
   the lean path's conditions (no frame), its int straight to Py_ssize_t;
   -1 when it does not apply (nothing done). */
static Py_ssize_t peek_len(tdmP_Proxy *p)
{
    tdmP_Runtime *r = p->owner;
    if (r->closed || p->handle == NULL) {
        return -1;
    }
    tdm_Runtime *rt = r->rt;
    const tdmR_Lang *lua = rt->lang[TDM_LANG_LUA];
    if (lua == NULL || lua->peek == NULL || !tdmP_sole_thread() || !tdmR_trylock(rt)) {
        return -1;
    }
    tdm_Value t, v;
    intptr_t mark;
    tdmP_proxy_value(p, &t);
    Py_ssize_t n = -1;
    if (lua->peek(rt, TDM_OP_LEN, &t, 1, &v, &mark)) {
        n = v.kind == TDM_INT && v.u.i >= 0 && v.u.i <= PY_SSIZE_T_MAX ? (Py_ssize_t)v.u.i : -1;
        lua->peek_end(rt, mark);
    }
    tdmR_unlock(rt);
    return n;
}

static Py_ssize_t proxy_len(PyObject *self)
{
    Py_ssize_t len = peek_len((tdmP_Proxy *)self);
    if (len >= 0) {
        return len;
    }
    int done;
    PyObject *r = tdmP_call_lean((tdmP_Proxy *)self, TDM_OP_LEN, NULL, 0, &done);
    if (!done) {
        r = tdmP_run_on((tdmP_Proxy *)self, TDM_OP_LEN, 0, NULL, 0);
    }
    if (r == NULL) {
        return -1;
    }
    Py_ssize_t n = PyLong_Check(r) ? PyLong_AsSsize_t(r) : -1;
    if (n < 0 && !PyErr_Occurred()) {
        PyErr_SetString(PyExc_TypeError, "the Lua length is not a non-negative integer");
    }
    Py_DECREF(r);
    return n;
}

static const char *kind_name(int kind)
{
    switch (kind) {
    case TDM_OBJ_TABLE:
        return "table";
    case TDM_OBJ_FUNCTION:
        return "function";
    case TDM_OBJ_THREAD:
        return "thread";
    default:
        return "userdata";
    }
}

static PyObject *proxy_repr(PyObject *self)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    return PyUnicode_FromFormat("<Lua %s at %p>", kind_name(tdmP_kind(self)), p->key);
}

static PyObject *proxy_str(PyObject *self)
{
    PyObject *r = tdmP_run_on((tdmP_Proxy *)self, TDM_OP_REPR, 0, NULL, 0);
    if (r == Py_None) {
        /* no result: __tostring returned a non-string (lupa's error) */
        Py_DECREF(r);
        PyErr_SetString(PyExc_TypeError, "__tostring returned non-string object");
        return NULL;
    }
    if (r != NULL && PyBytes_Check(r)) {
        PyObject *s = PyUnicode_DecodeUTF8(PyBytes_AS_STRING(r), PyBytes_GET_SIZE(r), "replace");
        Py_DECREF(r);
        return s;
    }
    if (r != NULL && !PyUnicode_Check(r)) {
        Py_DECREF(r);
        return proxy_repr(self);
    }
    return r;
}

static int proxy_bool(PyObject *self)
{
    (void)self;
    return 1;
}

static PyObject *proxy_iter_none(PyObject *self)
{
    (void)self;
    PyErr_SetString(PyExc_TypeError, "iteration is only supported for tables");
    return NULL;
}

/* ---- tables ------------------------------------------------------------- */

enum { KEYS, VALUES, ITEMS };

/* One TITEMS crossing: a list of keys, values or (key, value) pairs. */
static PyObject *table_list(PyObject *self, int what)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    tdmP_Runtime *r = p->owner;
    if (r->closed || p->handle == NULL) {
        if (tdmP_check_open(r) == 0) {
            PyErr_SetString(r->st->mod->LuaError, "the Lua object is no longer usable");
        }
        return NULL;
    }
    tdmS_Frame f;
    tdmP_frame(&f, r, TDM_OP_TITEMS);
    f.sub = what == KEYS ? TDM_ITEMS_KEYS : what == VALUES ? TDM_ITEMS_VALUES : TDM_ITEMS_PAIRS;
    tdmP_proxy_value(p, &f.args[0]);
    f.nargs = 1;
    int status = tdmP_enter(&f);
    PyObject *list = NULL;
    if (status != TDM_OK) {
        tdmP_raise_frame(r->st, &f, NULL);
        tdmP_leave(&f);
        return NULL;
    }
    if (what != ITEMS) {
        /* keys or values only: one result per entry */
        list = PyList_New(f.nres);
        for (int i = 0; list != NULL && i < f.nres; i++) {
            PyObject *o = tdmP_from_value(r->st, &f.res[i]);
            if (o == NULL) {
                Py_CLEAR(list);
                break;
            }
            PyList_SET_ITEM(list, i, o);
        }
        goto done;
    }
    int n = f.nres / 2, i = 0;
    list = PyList_New(n);
    for (; list != NULL && i < n; i++) {
        /* (k, v) built in place: the tuple steals both */
        PyObject *item = PyTuple_New(2);
        PyObject *k = item ? tdmP_from_value(r->st, &f.res[2 * i]) : NULL;
        PyObject *v = k ? tdmP_from_value(r->st, &f.res[2 * i + 1]) : NULL;
        if (v == NULL) {
            Py_XDECREF(k);
            Py_XDECREF(item);
            Py_CLEAR(list);
            break;
        }
        PyTuple_SET_ITEM(item, 0, k);
        PyTuple_SET_ITEM(item, 1, v);
        PyList_SET_ITEM(list, i, item);
    }
done:
    for (int j = 0; j < f.nres; j++) {
        if (f.res[j].kind == TDM_OBJ || (f.res[j].flags & TDM_VF_OWNSTR)) {
            tdmV_release(f.rt, &f.res[j]);
        }
    }
    tdmP_leave(&f);
    return list;
}

static PyObject *table_iter_of(PyObject *self, int what)
{
    PyObject *list = table_list(self, what);
    if (list == NULL) {
        return NULL;
    }
    PyObject *it = PyObject_GetIter(list);
    Py_DECREF(list);
    return it;
}

static PyObject *table_iter(PyObject *self)
{
    return table_iter_of(self, KEYS);
}

static PyObject *table_keys(PyObject *self, PyObject *unused)
{
    (void)unused;
    return table_iter_of(self, KEYS);
}

static PyObject *table_values(PyObject *self, PyObject *unused)
{
    (void)unused;
    return table_iter_of(self, VALUES);
}

static PyObject *table_items(PyObject *self, PyObject *unused)
{
    (void)unused;
    return table_iter_of(self, ITEMS);
}

static int table_delattro(PyObject *self, PyObject *name, PyObject *value)
{
    return proxy_setattro(self, name, value);
}

/* ---- functions ---------------------------------------------------------- */

static PyObject *function_coroutine(PyObject *self, PyObject *const *args, Py_ssize_t n)
{
    tdmP_Proxy *p = (tdmP_Proxy *)self;
    PyObject *co = tdmP_run_on(p, TDM_OP_COROUTINE, 0, NULL, 0);
    if (co == NULL) {
        return NULL;
    }
    if (!tdmP_is_proxy(pmod(self), co) || tdmP_kind(co) != TDM_OBJ_THREAD) {
        Py_DECREF(co);
        PyErr_SetString(PyExc_TypeError, "Lua object is not a function");
        return NULL;
    }
    PyObject *t = PyTuple_New(n);
    if (t == NULL) {
        Py_DECREF(co);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyTuple_SET_ITEM(t, i, Py_NewRef(args[i]));
    }
    Py_XSETREF(((tdmP_CoProxy *)co)->coargs, t);
    ((tdmP_CoProxy *)co)->costate = 0;
    return co;
}

/* ---- module helpers ------------------------------------------------------ */

PyObject *tdmP_lua_type(PyObject *m, PyObject *obj)
{
    tdmP_Module *ms = tdmP_modstate(m);
    if (!tdmP_is_proxy(ms, obj)) {
        Py_RETURN_NONE;
    }
    return PyUnicode_FromString(kind_name(tdmP_kind(obj)));
}

/* The peek of t (and key k, NULL for #t) into av: t a Lua table proxy of
   an open UTF-8 runtime with a Lua peek hook, k a value the lean path
   converts; its runtime, else NULL (no error set: the caller's general path
   reports anything wrong). */
static tdmP_Runtime *peek_args(tdmP_Module *ms, PyObject *t, PyObject *k, tdm_Value *av)
{
    if (!tdmP_is_proxy(ms, t) || tdmP_kind(t) != TDM_OBJ_TABLE) {
        return NULL;
    }
    tdmP_Proxy *p = (tdmP_Proxy *)t;
    tdmP_Runtime *r = p->owner;
    if (r->closed || p->handle == NULL || !r->st->enc_utf8) {
        return NULL;
    }
    const tdmR_Lang *lua = r->rt->lang[TDM_LANG_LUA];
    if (lua == NULL || lua->peek == NULL) {
        return NULL;
    }
    tdmP_proxy_value(p, &av[0]);
    if (k != NULL) {
        int n = tdmP_lean_arg(k, &av[1]);
        if (n <= 0) {
            if (n < 0) {
                PyErr_Clear();
            }
            return NULL;
        }
    }
    return r;
}

/* One peek of op on av (peek_args'), the runtime lock held: the Python
   value, or NULL without an error when the hook declines (NULL with one
   when the conversion failed). */
static PyObject *peek_one(tdmP_Runtime *r, int op, const tdm_Value *av)
{
    tdm_Runtime *rt = r->rt;
    const tdmR_Lang *lua = rt->lang[TDM_LANG_LUA];
    tdm_Value pv;
    intptr_t mark;
    if (!lua->peek(rt, op, av, op == TDM_OP_LEN ? 1 : 2, &pv, &mark)) {
        return NULL;
    }
    int conv;
    PyObject *res = tdmP_lean_result(&pv, &conv);
    if (!conv) {
        res = tdmP_from_value(r->st, &pv);      /* a str */
    }
    lua->peek_end(rt, mark);
    return res;
}

/* _peek(t, k, miss) and _peek(t, None, miss, 'len'): t[k] (#t) read raw,
   without a frame, when t is a Lua table proxy without a metatable and the
   value needs no reference (bridge/lang.h, peek), on the lean path's terms
   (the sole Python thread, the lock free or this thread's, UTF-8); else miss,
   and the caller runs the index protocol. For the views of translated Lua
   code (_luabound.py): a plain table's raw read is its index.
   _peek(t, k, miss, 'id'): the identity (an int) of the object t[k] holds,
   read raw whatever t's metatable, miss for anything else (_lualive.py:
   a value read before is still there). */
PyObject *tdmP_peek_or(PyObject *m, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 && nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "_peek(t, k, miss[, 'len' or 'id'])");
        return NULL;
    }
    tdmP_Module *ms = tdmP_modstate(m);
    PyObject *t = args[0], *miss = args[2];
    /* the fourth argument: 'len' (#t), or 'id' (the identity of the
       object t[k] holds: TDM_OP_PEEKID) */
    int op = TDM_OP_GETITEM;
    if (nargs == 4) {
        op = PyUnicode_Check(args[3]) && PyUnicode_CompareWithASCIIString(args[3], "id") == 0
             ? TDM_OP_PEEKID : TDM_OP_LEN;
    }
    tdm_Value av[2];
    tdmP_Runtime *r = peek_args(ms, t, op == TDM_OP_LEN ? NULL : args[1], av);
    if (r == NULL || !tdmP_sole_thread() || !tdmR_trylock(r->rt)) {
        return Py_NewRef(miss);
    }
    PyObject *res = peek_one(r, op, av);
    tdmR_unlock(r->rt);
    return res == NULL && !PyErr_Occurred() ? Py_NewRef(miss) : res;
}

/* _peek_same(entries): whether every entry (t, k, x, isobj) still holds:
   t[k] read raw as _peek reads it ('id' when isobj is True) equals x (same
   type, ==). False as soon as one differs or cannot be read without a
   frame (other Python threads, a key the string cache does not know). One
   C call for all the raw reads translated Lua code's caches hold
   (_lualive.py, Live.sync). */
PyObject *tdmP_peek_same(PyObject *m, PyObject *entries)
{
    tdmP_Module *ms = tdmP_modstate(m);
    if (!PyList_Check(entries)) {
        PyErr_SetString(PyExc_TypeError, "_peek_same(list of (t, k, x, isobj))");
        return NULL;
    }
    int same = tdmP_sole_thread();
    tdm_Runtime *locked = NULL;
    for (Py_ssize_t i = 0; same && i < PyList_GET_SIZE(entries); i++) {
        PyObject *e = PyList_GET_ITEM(entries, i);
        if (!PyTuple_Check(e) || PyTuple_GET_SIZE(e) != 4) {
            same = 0;
            break;
        }
        PyObject *x = PyTuple_GET_ITEM(e, 2);
        tdm_Value av[2];
        tdmP_Runtime *r = peek_args(ms, PyTuple_GET_ITEM(e, 0), PyTuple_GET_ITEM(e, 1), av);
        if (r == NULL) {
            same = 0;
            break;
        }
        tdm_Runtime *rt = r->rt;
        if (locked != rt) {
            if (locked != NULL) {
                tdmR_unlock(locked);
                locked = NULL;
            }
            if (!tdmR_trylock(rt)) {
                same = 0;
                break;
            }
            locked = rt;
        }
        int op = PyTuple_GET_ITEM(e, 3) == Py_True ? TDM_OP_PEEKID : TDM_OP_GETITEM;
        PyObject *res = peek_one(r, op, av);
        if (res == NULL) {
            if (PyErr_Occurred()) {
                tdmR_unlock(locked);
                return NULL;
            }
            same = 0;
            break;
        }
        if (Py_TYPE(res) != Py_TYPE(x)) {
            same = 0;
        } else {
            int eq = PyObject_RichCompareBool(res, x, Py_EQ);
            if (eq <= 0) {
                if (eq < 0) {
                    PyErr_Clear();
                }
                same = 0;
            }
        }
        Py_DECREF(res);
    }
    if (locked != NULL) {
        tdmR_unlock(locked);
    }
    return PyBool_FromLong(same);
}

/* unpacks_lua_table: (args, kwargs) from args when it is one Lua table, else
   None. */
PyObject *tdmP_unpack_table(PyObject *m, PyObject *args)
{
    tdmP_Module *ms = tdmP_modstate(m);
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) != 1) {
        Py_RETURN_NONE;
    }
    PyObject *t = PyTuple_GET_ITEM(args, 0);
    if (!tdmP_is_proxy(ms, t) || tdmP_kind(t) != TDM_OBJ_TABLE) {
        Py_RETURN_NONE;
    }
    PyObject *items = table_list(t, ITEMS), *kw = NULL, *pos = NULL, *res = NULL;
    if (items == NULL || (kw = PyDict_New()) == NULL) {
        goto done;
    }
    /* positional: t[1] .. t[#t] (raw length), holes as None; other
       integer keys are not arguments (as lupa) */
    Py_ssize_t count = PyList_GET_SIZE(items);
    PyObject *len = tdmP_run_on((tdmP_Proxy *)t, TDM_OP_RAWLEN, 0, NULL, 0);
    Py_ssize_t n = len != NULL && PyLong_Check(len) ? PyLong_AsSsize_t(len) : -1;
    Py_XDECREF(len);
    if (n < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "the Lua table has no length");
        }
        goto done;
    }
    if ((pos = PyTuple_New(n)) == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyTuple_SET_ITEM(pos, i, Py_NewRef(Py_None));
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *kv = PyList_GET_ITEM(items, i);
        PyObject *k = PyTuple_GET_ITEM(kv, 0), *v = PyTuple_GET_ITEM(kv, 1);
        if (PyLong_CheckExact(k)) {
            int overflow = 0;
            long long idx = PyLong_AsLongLongAndOverflow(k, &overflow);
            if (overflow == 0 && idx >= 1 && idx <= n) {
                Py_XSETREF(((PyTupleObject *)pos)->ob_item[idx - 1], Py_NewRef(v));
            }
        } else if (PyUnicode_Check(k) || PyBytes_Check(k)) {
            PyObject *name = PyBytes_Check(k) ? PyUnicode_FromEncodedObject(k, "utf-8", "strict")
                                              : Py_NewRef(k);
            int rc = name ? PyDict_SetItem(kw, name, v) : -1;
            Py_XDECREF(name);
            if (rc < 0) {
                goto done;
            }
        } else {
            PyErr_SetString(PyExc_TypeError, "table key is neither an integer nor a string");
            goto done;
        }
    }
    res = PyTuple_Pack(2, pos, kw);
done:
    Py_XDECREF(items);
    Py_XDECREF(kw);
    Py_XDECREF(pos);
    return res;
}

/* ---- types --------------------------------------------------------------- */

static PyMemberDef proxy_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(tdmP_Proxy, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyMemberDef function_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(tdmP_FuncProxy, vectorcall), READONLY, NULL},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(tdmP_Proxy, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

/* tp_call of the proxies without a vectorcall slot (tables, userdata and
   coroutines: called rarely, a table through its __call) */
static PyObject *proxy_call(PyObject *self, PyObject *args, PyObject *kw)
{
    if (kw != NULL && PyDict_GET_SIZE(kw) > 0) {
        PyErr_SetString(PyExc_TypeError, "Lua functions take no keyword arguments");
        return NULL;
    }
    return proxy_vectorcall(self, &PyTuple_GET_ITEM(args, 0), (size_t)PyTuple_GET_SIZE(args),
                            NULL);
}

static PyMethodDef object_methods[] = {
    {"__getattr__", proxy_getattr_method, METH_O, "The Lua value of a (non-dunder) name."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef table_methods[] = {
    {"keys", table_keys, METH_NOARGS, "Iterator over the keys of the table."},
    {"values", table_values, METH_NOARGS, "Iterator over the values of the table."},
    {"items", table_items, METH_NOARGS, "Iterator over the (key, value) pairs."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef function_methods[] = {
    {"coroutine", (PyCFunction)(void (*)(void))function_coroutine, METH_FASTCALL,
     "Create a Lua coroutine from this function, started with the arguments."},
    {NULL, NULL, 0, NULL},
};

#define PROXY_FLAGS (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE)

#define COMMON_SLOTS \
    {Py_tp_call, proxy_call}, \
    {Py_tp_members, proxy_members}, \
    CALLED_SLOTS

#define CALLED_SLOTS \
    {Py_tp_dealloc, proxy_dealloc}, \
    {Py_tp_traverse, proxy_traverse}, \
    {Py_tp_clear, proxy_clear}, \
    {Py_tp_new, proxy_new_vc}, \
    {Py_tp_repr, proxy_repr}, \
    {Py_tp_str, proxy_str}, \
    {Py_tp_getattro, proxy_getattro}, \
    {Py_nb_bool, proxy_bool}, \
    {Py_mp_subscript, proxy_getitem}, \
    {Py_mp_length, proxy_len}

static PyType_Slot object_slots[] = {
    COMMON_SLOTS,
    {Py_tp_iter, proxy_iter_none},
    {Py_tp_methods, object_methods},
    {Py_tp_doc, (void *)"A Lua object (base of the Lua proxy types)."},
    {0, NULL},
};

static PyType_Slot table_slots[] = {
    COMMON_SLOTS,
    {Py_tp_setattro, table_delattro},
    {Py_mp_ass_subscript, proxy_setitem},
    {Py_tp_iter, table_iter},
    {Py_tp_methods, table_methods},
    {Py_tp_doc, (void *)"A Lua table."},
    {0, NULL},
};

static PyType_Slot function_slots[] = {
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_members, function_members},
    CALLED_SLOTS,
    {Py_tp_iter, proxy_iter_none},
    {Py_tp_methods, function_methods},
    {Py_tp_doc, (void *)"A Lua function."},
    {0, NULL},
};

static PyType_Slot userdata_slots[] = {
    COMMON_SLOTS,
    {Py_tp_iter, proxy_iter_none},
    {Py_mp_ass_subscript, proxy_setitem},
    {Py_tp_doc, (void *)"A Lua userdata."},
    {0, NULL},
};

static PyType_Spec object_spec = {
    "tandem._LuaObject", sizeof(tdmP_Proxy), 0, PROXY_FLAGS | Py_TPFLAGS_BASETYPE, object_slots,
};
static PyType_Spec table_spec = {
    "tandem._LuaTable", sizeof(tdmP_Proxy), 0, PROXY_FLAGS, table_slots,
};
static PyType_Spec function_spec = {
    "tandem._LuaFunction", sizeof(tdmP_FuncProxy), 0, PROXY_FLAGS | Py_TPFLAGS_HAVE_VECTORCALL,
    function_slots,
};
static PyType_Spec userdata_spec = {
    "tandem._LuaUserdata", sizeof(tdmP_Proxy), 0, PROXY_FLAGS, userdata_slots,
};

static PyTypeObject *make_type(PyObject *m, PyType_Spec *spec, PyTypeObject *base)
{
    PyObject *t = PyType_FromModuleAndSpec(m, spec, (PyObject *)base);
    if (t == NULL) {
        return NULL;
    }
    const char *dot = strrchr(spec->name, '.');
    if (PyModule_AddObjectRef(m, dot ? dot + 1 : spec->name, t) < 0) {
        Py_DECREF(t);
        return NULL;
    }
    return (PyTypeObject *)t;
}

/* The non-dunder names a type and its bases (up to object) define, as a
   frozenset. New reference. */
static PyObject *own_names_of(PyTypeObject *type, uint64_t *lengths)
{
    *lengths = 0;
    PyObject *set = PySet_New(NULL);
    for (PyTypeObject *t = type; set != NULL && t != NULL && t != &PyBaseObject_Type;
         t = t->tp_base) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (t->tp_dict != NULL && PyDict_Next(t->tp_dict, &pos, &k, &v)) {
            if (!PyUnicode_Check(k) || is_dunder(k)) {
                continue;
            }
            Py_ssize_t n = PyUnicode_GET_LENGTH(k);
            *lengths |= (uint64_t)1 << (n < 63 ? n : 63);
            if (PySet_Add(set, k) < 0) {
                Py_CLEAR(set);
                break;
            }
        }
    }
    PyObject *fs = set != NULL ? PyFrozenSet_New(set) : NULL;
    Py_XDECREF(set);
    return fs;
}

int tdmP_proxy_init_types(PyObject *m, tdmP_Module *ms)
{
    if ((ms->object_type = make_type(m, &object_spec, NULL)) == NULL
            || (ms->table_type = make_type(m, &table_spec, ms->object_type)) == NULL
            || (ms->function_type = make_type(m, &function_spec, ms->object_type)) == NULL
            || (ms->userdata_type = make_type(m, &userdata_spec, ms->object_type)) == NULL
            || tdmP_coro_init_type(m, ms) < 0) {
        return -1;
    }
    PyTypeObject *types[TDM_OBJ_USERDATA + 1];
    types[TDM_OBJ_OTHER] = ms->object_type;
    types[TDM_OBJ_TABLE] = ms->table_type;
    types[TDM_OBJ_FUNCTION] = ms->function_type;
    types[TDM_OBJ_THREAD] = ms->thread_type;
    types[TDM_OBJ_USERDATA] = ms->userdata_type;
    for (int i = 0; i <= TDM_OBJ_USERDATA; i++) {
        tdmP_kind_types[i] = i == TDM_OBJ_OTHER ? NULL : types[i];
    }
    for (int i = 0; i <= TDM_OBJ_USERDATA; i++) {
        if ((ms->own_names[i] = own_names_of(types[i], &ms->own_lengths[i])) == NULL) {
            return -1;
        }
    }
    return 0;
}

/* For pcoro.c: the common slots are shared. */
TDMI_FUNC void tdmP_proxy_slots(PyType_Slot *out, int *n);
void tdmP_proxy_slots(PyType_Slot *out, int *n)
{
    PyType_Slot common[] = {COMMON_SLOTS};
    int k = (int)(sizeof common / sizeof common[0]);
    memcpy(out, common, sizeof common);
    *n = k;
}
