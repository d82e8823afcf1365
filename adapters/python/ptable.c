/*
 * ptable.c — LuaRuntime.table(*items, **kw) and LuaRuntime.table_from(*objs,
 * recursive=False): Python containers into new Lua tables.
 *
 * The pairs are converted straight into one frame's arguments and the Lua
 * adapter builds the table in one operation (TDM_OP_TABLEFROM); with
 * recursive, nested dicts/lists/tuples become tables too, one per Python
 * object, so shared and self-containing structures keep their shape.
 */
#include "padapter.h"

/* The pairs of a table_from, converted straight into the frame's arguments
   (k1, v1, k2, v2 ...): sequence keys are plain integers, no Python int is
   made for them. The objects whose buffers or handles the arguments borrow
   are held in `keep` until the crossing is over. */
typedef struct Pairs {
    tdmP_Runtime *r;            /* borrowed */
    tdmS_Frame *f;               /* borrowed: args grow here */
    int cap;                    /* capacity of f->args */
    PyObject **keep;            /* owns: PyMem_Raw array of strong refs */
    Py_ssize_t nkeep, ckeep;
    PyObject *tmp;              /* strong list of encoded strings, or NULL */
    long long next;             /* next sequence index */
    int recursive;
    PyObject *memo;             /* borrowed: recursive only */
    int seq;                    /* TDM_TABLEFROM_SEQ: values only, no keys */
    int owned;                  /* some argument owns an object */
} Pairs;

static PyObject *build_table(tdmP_Runtime *r, PyObject *const *objs, Py_ssize_t n,
                             int recursive, PyObject *memo, PyObject *into);

/* Value to store: with recursive, dicts/lists/tuples become Lua tables, one
   per Python object (memo: id -> (object, table)), so a structure that
   contains itself becomes a Lua table that contains itself, as in lupa: the
   table is made empty and entered in memo before it is filled. New
   reference. */
static PyObject *table_value(tdmP_Runtime *r, PyObject *v, int recursive, PyObject *memo)
{
    if (!recursive || !(PyDict_Check(v) || PyList_Check(v) || PyTuple_Check(v))) {
        return Py_NewRef(v);
    }
    PyObject *id = PyLong_FromVoidPtr(v);
    if (id == NULL) {
        return NULL;
    }
    PyObject *done = PyDict_GetItemWithError(memo, id);
    if (done != NULL || PyErr_Occurred()) {
        Py_DECREF(id);
        return done ? Py_NewRef(PyTuple_GET_ITEM(done, 1)) : NULL;
    }
    PyObject *t = tdmP_run(r, TDM_OP_NEWTABLE, NULL, 0, 0);
    PyObject *entry = t ? PyTuple_Pack(2, v, t) : NULL;     /* keeps v's id v's */
    if (entry == NULL || PyDict_SetItem(memo, id, entry) < 0) {
        Py_XDECREF(entry);
        Py_XDECREF(t);
        Py_DECREF(id);
        return NULL;
    }
    Py_DECREF(entry);
    Py_DECREF(id);
    /* each level is a C frame (and a crossing): bounded like Python code */
    if (Py_EnterRecursiveCall(" while converting a nested structure to Lua tables")) {
        Py_DECREF(t);
        return NULL;
    }
    PyObject *filled = build_table(r, &v, 1, recursive, memo, t);
    Py_LeaveRecursiveCall();
    if (filled == NULL) {
        Py_DECREF(t);
        return NULL;
    }
    Py_DECREF(filled);
    return t;
}

/* Room for `npairs` more pairs (values only with p->seq) in f->args.
   0 or -1 raised. */
static int pairs_room_n(Pairs *p, Py_ssize_t npairs)
{
    tdmS_Frame *f = p->f;
    if (p->seq) {
        npairs = (npairs + 1) / 2;
    }
    if (f->nargs + 2 * npairs <= p->cap) {
        return 0;
    }
    if (npairs > INT_MAX / 8 || p->cap > INT_MAX / 4 - 2 * npairs) {
        PyErr_SetString(PyExc_ValueError, "table_from: too many items");
        return -1;
    }
    int ncap = p->cap < 64 ? 64 : p->cap * 2;
    if (ncap < f->nargs + 2 * npairs) {
        ncap = f->nargs + 2 * (int)npairs;
    }
    tdm_Value *a = realloc(f->args == f->argbuf ? NULL : f->args, (size_t)ncap * sizeof *a);
    if (a == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (f->args == f->argbuf) {
        memcpy(a, f->argbuf, (size_t)f->nargs * sizeof *a);
    }
    f->args = a;
    p->cap = ncap;
    return 0;
}

static int pairs_room(Pairs *p)
{
    return pairs_room_n(p, 1);
}

/* Exact int (in range) or float: the value without touching o. 1 when
   converted, 0 when o needs the general conversion. */
static inline __attribute__((always_inline)) int scalar_value(PyObject *o, tdm_Value *v)
{
    if (Py_IS_TYPE(o, &PyLong_Type)) {
        int overflow = 0;
        long long x = tdmP_int_value(o, &overflow);     /* one digit inline */
        if (overflow != 0 || (x == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return 0;
        }
        *v = (tdm_Value){.kind = TDM_INT, .u.i = x};
        return 1;
    }
    if (Py_IS_TYPE(o, &PyFloat_Type)) {
        *v = (tdm_Value){.kind = TDM_FLOAT, .u.f = PyFloat_AS_DOUBLE(o)};
        return 1;
    }
    return 0;
}

/* Hold o (steals) for the life of the crossing. 0 or -1 raised. */
static inline __attribute__((always_inline)) int pairs_keep(Pairs *p, PyObject *o)
{
    if (p->nkeep == p->ckeep) {
        Py_ssize_t nc = p->ckeep ? p->ckeep * 2 : 256;
        PyObject **k = PyMem_RawRealloc(p->keep, (size_t)nc * sizeof *k);
        if (k == NULL) {
            Py_DECREF(o);
            PyErr_NoMemory();
            return -1;
        }
        p->keep = k;
        p->ckeep = nc;
    }
    p->keep[p->nkeep++] = o;
    return 0;
}

/* Convert o (steals) into the next argument. 0 or -1 raised. */
static int pairs_put(Pairs *p, PyObject *o)
{
    if (o == NULL) {
        return -1;
    }
    tdmS_Frame *f = p->f;
    tdm_Value *v = &f->args[f->nargs];
    if (scalar_value(o, v)) {
        f->nargs++;
        Py_DECREF(o);
        return 0;
    }
    if (pairs_keep(p, o) < 0) {
        return -1;
    }
    if (Py_IS_TYPE(o, &PyUnicode_Type) && p->r->st->enc_utf8) {
        /* the str's own UTF-8 buffer, borrowed while `keep` holds it */
        if (tdmP_utf8_value(o, v) < 0) {
            return -1;
        }
        f->nargs++;
        return 0;
    }
    if (tdmP_to_value(p->r, o, v, &p->tmp) < 0) {
        return -1;
    }
    p->owned |= (v->kind == TDM_OBJ && (v->flags & TDM_VF_OWNED))
                || (v->kind == TDM_STR && (v->flags & TDM_VF_OWNSTR));
    f->nargs++;
    return 0;
}

/* Key k (borrowed), value v (steals). A None key is python.none, as lupa
   (and as t[None]): a Lua table has no nil key. */
static int add_pair(Pairs *p, PyObject *k, PyObject *v)
{
    if (v == NULL) {
        return -1;
    }
    if (pairs_room(p) < 0 || pairs_put(p, k == Py_None
                                      ? tdmP_wrap(p->r->st->mod, Py_None, TDM_PROTO_DEFAULT)
                                      : Py_NewRef(k)) < 0) {
        Py_DECREF(v);
        return -1;
    }
    return pairs_put(p, v);
}

/* The next sequence key and value v (steals). */
static int add_seq(Pairs *p, PyObject *v)
{
    if (v == NULL) {
        return -1;
    }
    if (pairs_room(p) < 0) {
        Py_DECREF(v);
        return -1;
    }
    if (!p->seq) {
        tdm_Value *k = &p->f->args[p->f->nargs++];
        memset(k, 0, sizeof *k);
        k->kind = TDM_INT;
        k->u.i = p->next;
    }
    p->next++;
    return pairs_put(p, v);
}

static int add_items(Pairs *p, PyObject *obj)
{
    tdmP_Runtime *r = p->r;
    tdmP_Module *ms = r->st->mod;
    int recursive = p->recursive;
    PyObject *memo = p->memo;
    if (PyDict_Check(obj)) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        int utf8 = r->st->enc_utf8 && !p->seq;
        if (utf8 && pairs_room_n(p, PyDict_GET_SIZE(obj)) < 0) {
            return -1;
        }
        while (PyDict_Next(obj, &pos, &k, &v)) {
            tdmS_Frame *f = p->f;
            if (utf8 && Py_IS_TYPE(k, &PyUnicode_Type) && f->nargs + 2 <= p->cap
                && scalar_value(v, &f->args[f->nargs + 1])) {
                /* str -> number: no Python code runs for the pair, so it goes
                   straight into the frame (the key kept for its UTF-8) */
                if (tdmP_utf8_value(k, &f->args[f->nargs]) < 0     /* ASCII inline */
                    || pairs_keep(p, Py_NewRef(k)) < 0) {
                    return -1;
                }
                f->nargs += 2;
                continue;
            }
            Py_INCREF(k);       /* table_value may run Python code */
            int rc = add_pair(p, k, table_value(r, v, recursive, memo));
            Py_DECREF(k);
            if (rc < 0) {
                return -1;
            }
        }
        return 0;
    }
    if (PyList_CheckExact(obj) || PyTuple_CheckExact(obj)) {
        /* by index, re-reading the size: a recursive conversion may run
           Python code that changes the list */
        if (pairs_room_n(p, PySequence_Fast_GET_SIZE(obj)) < 0) {
            return -1;
        }
        tdmS_Frame *f = p->f;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(obj); i++) {
            PyObject *o = PySequence_Fast_GET_ITEM(obj, i);
            if (p->seq) {
                if (f->nargs + 1 <= p->cap && scalar_value(o, &f->args[f->nargs])) {
                    f->nargs++;
                    p->next++;
                    continue;
                }
            } else if (f->nargs + 2 <= p->cap && scalar_value(o, &f->args[f->nargs + 1])) {
                f->args[f->nargs] = (tdm_Value){.kind = TDM_INT, .u.i = p->next++};
                f->nargs += 2;
                continue;
            }
            if (add_seq(p, table_value(r, o, recursive, memo)) < 0) {
                return -1;
            }
        }
        return 0;
    }
    if (tdmP_is_proxy(ms, obj) && tdmP_kind(obj) == TDM_OBJ_TABLE) {
        PyObject *items = PyObject_CallMethod(obj, "items", NULL);
        if (items == NULL) {
            return -1;
        }
        PyObject *kv;
        int rc = 0;
        while (rc == 0 && (kv = PyIter_Next(items)) != NULL) {
            rc = add_pair(p, PyTuple_GET_ITEM(kv, 0), Py_NewRef(PyTuple_GET_ITEM(kv, 1)));
            Py_DECREF(kv);
        }
        Py_DECREF(items);
        return rc == 0 && !PyErr_Occurred() ? 0 : -1;
    }
    if (PyMapping_Check(obj) && !PyList_Check(obj) && !PyTuple_Check(obj)
            && PyObject_HasAttrString(obj, "keys")) {
        PyObject *keys = PyMapping_Keys(obj);
        if (keys == NULL) {
            return -1;
        }
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
            PyObject *k = PyList_GET_ITEM(keys, i);
            PyObject *v = PyObject_GetItem(obj, k);
            PyObject *tv = v ? table_value(r, v, recursive, memo) : NULL;
            Py_XDECREF(v);
            if (add_pair(p, k, tv) < 0) {
                Py_DECREF(keys);
                return -1;
            }
        }
        Py_DECREF(keys);
        return 0;
    }
    PyObject *it = PyObject_GetIter(obj);
    if (it == NULL) {
        return -1;
    }
    PyObject *v;
    while ((v = PyIter_Next(it)) != NULL) {
        int rc = add_seq(p, table_value(r, v, recursive, memo));
        Py_DECREF(v);
        if (rc < 0) {
            Py_DECREF(it);
            return -1;
        }
    }
    Py_DECREF(it);
    return PyErr_Occurred() ? -1 : 0;
}

/* The table of table_from(*objs); into: an existing Lua table (a proxy) to
   fill instead of a new one. */
static PyObject *build_table(tdmP_Runtime *r, PyObject *const *objs, Py_ssize_t n,
                             int recursive, PyObject *memo, PyObject *into)
{
    tdmS_Frame f;
    tdmP_frame(&f, r, TDM_OP_TABLEFROM);
    Pairs p = {r, &f, TDM_FRAME_INLINE, NULL, 0, 0, NULL, 1, recursive, memo, 0, 0};
    PyObject *res = NULL;
    if (into != NULL) {
        f.sub = TDM_TABLEFROM_INTO;
        if (pairs_put(&p, Py_NewRef(into)) < 0) {
            tdmP_drop_args(&f);
            tdmS_end(&f);
            goto done;
        }
    } else if (n == 1 && !recursive
               && (PyList_CheckExact(objs[0]) || PyTuple_CheckExact(objs[0]))) {
        /* one plain sequence: values only, Lua fills the array part */
        p.seq = 1;
        f.sub = TDM_TABLEFROM_SEQ;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (add_items(&p, objs[i]) < 0) {
            tdmP_drop_args(&f);
            tdmS_end(&f);
            goto done;
        }
    }
    int status = tdmP_enter(&f);
    if (status == TDM_OK) {
        res = tdmP_results(r->st, &f);
    } else {
        tdmP_raise_frame(r->st, &f, NULL);
    }
    if (!p.owned) {
        /* only scalars and borrowed strings: nothing for leave to release */
        f.nargs = 0;
    }
    tdmP_leave(&f);
done:
    for (Py_ssize_t i = 0; i < p.nkeep; i++) {
        Py_DECREF(p.keep[i]);
    }
    PyMem_RawFree(p.keep);
    Py_XDECREF(p.tmp);
    return res;
}

PyObject *tdmP_rt_table_from(PyObject *self, PyObject *const *args, size_t nargsf,
                             PyObject *kwnames)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    int recursive = 0;
    if (kwnames != NULL) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
            if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, i), "recursive")) {
                PyErr_Format(PyExc_TypeError, "unexpected keyword argument %R",
                             PyTuple_GET_ITEM(kwnames, i));
                return NULL;
            }
            if ((recursive = PyObject_IsTrue(args[n + i])) < 0) {
                return NULL;
            }
        }
    }
    if (tdmP_check_open(r) < 0) {
        return NULL;
    }
    PyObject *memo = recursive ? PyDict_New() : NULL;
    if (recursive && memo == NULL) {
        return NULL;
    }
    PyObject *res = recursive && n == 1
        && (PyDict_Check(args[0]) || PyList_Check(args[0]) || PyTuple_Check(args[0]))
        ? table_value(r, args[0], 1, memo)     /* its own entry in memo */
        : build_table(r, args, n, recursive, memo, NULL);
    Py_XDECREF(memo);
    return res;
}

PyObject *tdmP_rt_table(PyObject *self, PyObject *args, PyObject *kwargs)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    if (tdmP_check_open(r) < 0) {
        return NULL;
    }
    PyObject *objs[2] = {args, kwargs};
    return build_table(r, objs, kwargs ? 2 : 1, 0, NULL, NULL);
}
