/*
 * floor.c — tandem_floor, the hand-written minimum for bench/bench_lupa.py.
 *
 * A CPython extension hosting one PUC Lua 5.4 state (liblua5.4, the Lua
 * tandem must use) that does exactly the work of each bench_lupa case
 * directly against the Lua and Python C APIs: no locking, no identity map,
 * no tracebacks, only what is needed to be correct for the benchmark input
 * (lua_pcall wherever Lua code can run; raw table access where none can).
 * Its time per op is the floor a row can reach with Lua 5.4 and CPython;
 * floor/lupa above 0.33 means a row's target is out of reach.
 *
 *   eval(src)          -> value of "return src" (Function, Table, int, str...)
 *   table_from(list)   -> Table of the ints at 1..n
 *   table_from(dict)   -> Table of the str->int pairs
 *   Function(args...)  -> call with one result (vectorcall)
 *   Function.coroutine() -> Coroutine; Coroutine.send(None) resumes it
 *   Table.name         -> t[name] (raw), falling back to the methods
 *   Table[key]         -> t[key] (raw without a metatable); len(Table) raw length
 *   python.iter(obj)   -> in Lua, an iterator function over iter(obj)
 *   Table.values() / Table.items() -> iterator of values / (key, value)
 *   Other Python objects reach Lua as full userdata with __call, __index, __gc.
 *
 * Built by bench/run.sh into BUILD/bench; the state is never closed.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

static lua_State *L;
static int py_mt_ref;                   /* metatable of wrapped PyObjects */

static PyTypeObject FunctionType, TableType, CoroutineType;
static PyObject *function_vectorcall(PyObject *, PyObject *const *, size_t, PyObject *);

typedef struct {
    PyObject_HEAD
    int ref;
    vectorcallfunc vectorcall;
} RefObject;                            /* Function and Table */

typedef struct {
    PyObject_HEAD
    int ref;                            /* the thread, kept alive */
    lua_State *co;
    int done;
} CoroutineObject;

/* ---- values: Lua -> Python ---- */

static PyObject *wrap_ref(PyTypeObject *type, lua_State *S, int idx)
{
    RefObject *o = PyObject_New(RefObject, type);
    if (!o)
        return NULL;
    lua_pushvalue(S, idx);
    o->ref = luaL_ref(S, LUA_REGISTRYINDEX);
    o->vectorcall = NULL;
    return (PyObject *)o;
}

static PyObject *to_py(lua_State *S, int idx)
{
    switch (lua_type(S, idx)) {
    case LUA_TNIL:
        Py_RETURN_NONE;
    case LUA_TBOOLEAN:
        return PyBool_FromLong(lua_toboolean(S, idx));
    case LUA_TNUMBER:
        if (lua_isinteger(S, idx))
            return PyLong_FromLongLong(lua_tointeger(S, idx));
        return PyFloat_FromDouble(lua_tonumber(S, idx));
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(S, idx, &len);
        return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, NULL);
    }
    case LUA_TTABLE:
        return wrap_ref(&TableType, S, idx);
    case LUA_TFUNCTION: {
        PyObject *f = wrap_ref(&FunctionType, S, idx);
        if (f)
            ((RefObject *)f)->vectorcall = function_vectorcall;
        return f;
    }
    case LUA_TUSERDATA: {
        PyObject **p = luaL_testudata(S, idx, "tandem_floor.py");
        if (p) {
            Py_INCREF(*p);
            return *p;
        }
    }
    /* fall through */
    default:
        PyErr_Format(PyExc_TypeError, "cannot convert Lua %s",
                     luaL_typename(S, idx));
        return NULL;
    }
}

/* ---- values: Python -> Lua ---- */

static inline int push_py(lua_State *S, PyObject *o)
{
    if (PyLong_CheckExact(o)) {
        long long v = PyLong_AsLongLong(o);
        if (v == -1 && PyErr_Occurred())
            return -1;
        lua_pushinteger(S, v);
    } else if (PyUnicode_CheckExact(o)) {
        Py_ssize_t len;
        const char *s = PyUnicode_AsUTF8AndSize(o, &len);
        if (!s)
            return -1;
        lua_pushlstring(S, s, (size_t)len);
    } else if (PyFloat_CheckExact(o)) {
        lua_pushnumber(S, PyFloat_AS_DOUBLE(o));
    } else if (PyBool_Check(o)) {
        lua_pushboolean(S, o == Py_True);
    } else if (o == Py_None) {
        lua_pushnil(S);
    } else if (Py_IS_TYPE(o, &FunctionType) || Py_IS_TYPE(o, &TableType)) {
        lua_rawgeti(S, LUA_REGISTRYINDEX, ((RefObject *)o)->ref);
    } else {
        PyObject **p = lua_newuserdatauv(S, sizeof *p, 0);
        Py_INCREF(o);
        *p = o;
        lua_rawgeti(S, LUA_REGISTRYINDEX, py_mt_ref);
        lua_setmetatable(S, -2);
    }
    return 0;
}

/* After a failed lua_pcall: a Python error raised in a metamethod wins. */
static PyObject *lua_failed(lua_State *S, int base)
{
    if (!PyErr_Occurred())
        PyErr_SetString(PyExc_RuntimeError, lua_tostring(S, -1));
    lua_settop(S, base);
    return NULL;
}

/* ---- metamethods of a wrapped PyObject (userdata) ---- */

static int py_error(lua_State *S)
{
    lua_pushliteral(S, "python error");  /* the Python error stays set */
    return lua_error(S);
}

/* ud(...): up to 8 arguments, one result. obj:method(x) drops the repeated self
   of a bound method, as lupa does. */
static int py_call(lua_State *S)
{
    PyObject *f = *(PyObject **)lua_touserdata(S, 1);
    PyObject *args[8];
    int n = lua_gettop(S) - 1;
    if (n > 8)
        return luaL_error(S, "too many arguments");
    for (int i = 0; i < n; i++) {
        args[i] = to_py(S, i + 2);
        if (!args[i]) {
            while (i--)
                Py_DECREF(args[i]);
            return py_error(S);
        }
    }
    if (n && PyMethod_Check(f) && PyMethod_GET_SELF(f) == args[0])
        f = PyMethod_GET_FUNCTION(f);   /* called with self first, as given */
    PyObject *r = PyObject_Vectorcall(f, args, (size_t)n, NULL);
    for (int i = 0; i < n; i++)
        Py_DECREF(args[i]);
    if (!r)
        return py_error(S);
    int rc = push_py(S, r);
    Py_DECREF(r);
    return rc < 0 ? py_error(S) : 1;
}

static int py_index(lua_State *S)       /* ud.key -> getattr(obj, key) */
{
    PyObject *o = *(PyObject **)lua_touserdata(S, 1);
    size_t len;
    const char *k = lua_tolstring(S, 2, &len);
    PyObject *name = PyUnicode_FromStringAndSize(k, (Py_ssize_t)len);
    if (!name)
        return py_error(S);
    PyObject *r = PyObject_GetAttr(o, name);
    Py_DECREF(name);
    if (!r)
        return py_error(S);
    int rc = push_py(S, r);
    Py_DECREF(r);
    return rc < 0 ? py_error(S) : 1;
}

/* python.iter(ud): a Lua iterator function over iter(obj) (a C closure whose
   upvalue is the Python iterator, wrapped like any object). */
static int py_iter_step(lua_State *S)
{
    PyObject *it = *(PyObject **)lua_touserdata(S, lua_upvalueindex(1));
    PyObject *v = PyIter_Next(it);
    if (!v)
        return PyErr_Occurred() ? py_error(S) : 0;
    int rc = push_py(S, v);
    Py_DECREF(v);
    return rc < 0 ? py_error(S) : 1;
}

static int py_iter(lua_State *S)
{
    PyObject **p = luaL_checkudata(S, 1, "tandem_floor.py");
    PyObject *it = PyObject_GetIter(*p);
    if (!it)
        return py_error(S);
    PyObject **q = lua_newuserdatauv(S, sizeof *q, 0);
    *q = it;                            /* the reference is the userdata's */
    lua_rawgeti(S, LUA_REGISTRYINDEX, py_mt_ref);
    lua_setmetatable(S, -2);
    lua_pushcclosure(S, py_iter_step, 1);
    return 1;
}

static int py_gc(lua_State *S)
{
    PyObject **p = lua_touserdata(S, 1);
    Py_CLEAR(*p);
    return 0;
}

/* ---- Function ---- */

static PyObject *function_vectorcall(PyObject *self, PyObject *const *args,
                                     size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    int base = lua_gettop(L);
    if (kwnames && PyTuple_GET_SIZE(kwnames)) {
        PyErr_SetString(PyExc_TypeError, "no keyword arguments");
        return NULL;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, ((RefObject *)self)->ref);
    if (!lua_checkstack(L, (int)n + 1)) {
        lua_settop(L, base);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (push_py(L, args[i]) < 0) {
            lua_settop(L, base);
            return NULL;
        }
    if (lua_pcall(L, (int)n, 1, 0) != LUA_OK)
        return lua_failed(L, base);
    PyObject *r = to_py(L, -1);
    lua_settop(L, base);
    return r;
}

static PyObject *function_coroutine(PyObject *self, PyObject *unused)
{
    (void)unused;
    CoroutineObject *c = PyObject_New(CoroutineObject, &CoroutineType);
    if (!c)
        return NULL;
    c->co = lua_newthread(L);
    c->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    c->done = 0;
    lua_rawgeti(c->co, LUA_REGISTRYINDEX, ((RefObject *)self)->ref);
    return (PyObject *)c;
}

static void ref_dealloc(PyObject *self)
{
    luaL_unref(L, LUA_REGISTRYINDEX, ((RefObject *)self)->ref);
    PyObject_Free(self);
}

static PyMethodDef function_methods[] = {
    {"coroutine", function_coroutine, METH_NOARGS, "a coroutine running this function"},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject FunctionType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "tandem_floor.Function",
    .tp_basicsize = sizeof(RefObject),
    .tp_dealloc = ref_dealloc,
    .tp_vectorcall_offset = offsetof(RefObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_methods = function_methods,
};

/* ---- Table ---- */

/* t.name: a raw lookup (no Lua code runs); a nil falls back to the methods. */
static PyObject *table_getattro(PyObject *self, PyObject *name)
{
    Py_ssize_t len;
    const char *k = PyUnicode_AsUTF8AndSize(name, &len);
    if (!k)
        return NULL;
    int base = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ((RefObject *)self)->ref);
    lua_pushlstring(L, k, (size_t)len);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_settop(L, base);
        return PyObject_GenericGetAttr(self, name);
    }
    PyObject *r = to_py(L, -1);
    lua_settop(L, base);
    return r;
}

/* t[k] under lua_pcall when the table has a metatable (__index may run). */
static int gettable(lua_State *S)
{
    lua_gettable(S, 1);
    return 1;
}

/* t[key]: raw when the table has no metatable (no Lua code can run). */
static PyObject *table_subscript(PyObject *self, PyObject *key)
{
    int base = lua_gettop(L);
    if (PyLong_CheckExact(key)) {
        long long k = PyLong_AsLongLong(key);
        if (k == -1 && PyErr_Occurred())
            return NULL;
        lua_rawgeti(L, LUA_REGISTRYINDEX, ((RefObject *)self)->ref);
        if (!lua_getmetatable(L, -1)) {
            lua_rawgeti(L, -1, (lua_Integer)k);
            PyObject *r = to_py(L, -1);
            lua_settop(L, base);
            return r;
        }
        lua_settop(L, base);
    }
    lua_pushcfunction(L, gettable);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ((RefObject *)self)->ref);
    if (push_py(L, key) < 0) {
        lua_settop(L, base);
        return NULL;
    }
    if (lua_pcall(L, 2, 1, 0) != LUA_OK)
        return lua_failed(L, base);
    PyObject *r = to_py(L, -1);
    lua_settop(L, base);
    return r;
}

/* len(t): the raw length, as lupa 1.14 (lua_objlen). */
static Py_ssize_t table_length(PyObject *self)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ((RefObject *)self)->ref);
    Py_ssize_t n = (Py_ssize_t)lua_rawlen(L, -1);
    lua_pop(L, 1);
    return n;
}

static PyMappingMethods table_mapping = {
    .mp_length = table_length,
    .mp_subscript = table_subscript,
};

/*
 * values()/items(): an iterator, as lupa returns. It walks with lua_next (raw,
 * no Lua code runs) on a thread of its own whose stack holds [table, key].
 */
typedef struct {
    PyObject_HEAD
    int ref;                            /* the thread, kept alive */
    lua_State *S;
    int items;                          /* 1: (key, value) tuples */
} IterObject;

static PyTypeObject IterType;

static PyObject *table_iter(PyObject *self, int items)
{
    IterObject *it = PyObject_New(IterObject, &IterType);
    if (!it)
        return NULL;
    it->S = lua_newthread(L);
    it->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    it->items = items;
    lua_rawgeti(it->S, LUA_REGISTRYINDEX, ((RefObject *)self)->ref);
    lua_pushnil(it->S);
    return (PyObject *)it;
}

static PyObject *iter_next(PyObject *self)
{
    IterObject *it = (IterObject *)self;
    lua_State *S = it->S;
    if (lua_gettop(S) < 2 || !lua_next(S, 1))
        return NULL;                    /* exhausted: StopIteration */
    PyObject *v = to_py(S, -1), *r = v;
    if (v && it->items) {
        PyObject *k = to_py(S, -2);
        r = k ? PyTuple_Pack(2, k, v) : NULL;
        Py_XDECREF(k);
        Py_DECREF(v);
    }
    lua_pop(S, 1);                      /* keep the key for the next step */
    return r;
}

static void iter_dealloc(PyObject *self)
{
    luaL_unref(L, LUA_REGISTRYINDEX, ((IterObject *)self)->ref);
    PyObject_Free(self);
}

static PyTypeObject IterType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "tandem_floor.TableIter",
    .tp_basicsize = sizeof(IterObject),
    .tp_dealloc = iter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = iter_next,
};

static PyObject *table_values(PyObject *self, PyObject *unused)
{
    (void)unused;
    return table_iter(self, 0);
}

static PyObject *table_items(PyObject *self, PyObject *unused)
{
    (void)unused;
    return table_iter(self, 1);
}

static PyMethodDef table_methods[] = {
    {"values", table_values, METH_NOARGS, "iterator over the values"},
    {"items", table_items, METH_NOARGS, "iterator over (key, value)"},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject TableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "tandem_floor.Table",
    .tp_basicsize = sizeof(RefObject),
    .tp_dealloc = ref_dealloc,
    .tp_getattro = table_getattro,
    .tp_as_mapping = &table_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = table_methods,
};

/* ---- Coroutine ---- */

static PyObject *coroutine_send(PyObject *self, PyObject *value)
{
    CoroutineObject *c = (CoroutineObject *)self;
    int nargs = 0, nres;
    if (c->done) {
        PyErr_SetNone(PyExc_StopIteration);
        return NULL;
    }
    if (value != Py_None) {
        if (push_py(c->co, value) < 0)
            return NULL;
        nargs = 1;
    }
    int status = lua_resume(c->co, L, nargs, &nres);
    if (status != LUA_OK && status != LUA_YIELD) {
        c->done = 1;
        return lua_failed(c->co, 0);
    }
    if (status == LUA_OK)
        c->done = 1;
    PyObject *r = nres ? to_py(c->co, -nres) : Py_NewRef(Py_None);
    lua_pop(c->co, nres);
    return r;
}

static void coroutine_dealloc(PyObject *self)
{
    luaL_unref(L, LUA_REGISTRYINDEX, ((CoroutineObject *)self)->ref);
    PyObject_Free(self);
}

static PyMethodDef coroutine_methods[] = {
    {"send", coroutine_send, METH_O, "resume; returns the first yielded value"},
    {NULL, NULL, 0, NULL}
};

static PyTypeObject CoroutineType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "tandem_floor.Coroutine",
    .tp_basicsize = sizeof(CoroutineObject),
    .tp_dealloc = coroutine_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = coroutine_methods,
};

/* ---- module ---- */

static PyObject *floor_eval(PyObject *mod, PyObject *arg)
{
    (void)mod;
    Py_ssize_t len;
    const char *src = PyUnicode_AsUTF8AndSize(arg, &len);
    if (!src)
        return NULL;
    int base = lua_gettop(L);
    lua_pushliteral(L, "return ");
    lua_pushlstring(L, src, (size_t)len);
    lua_concat(L, 2);
    size_t clen;
    const char *code = lua_tolstring(L, -1, &clen);
    if (luaL_loadbuffer(L, code, clen, "=eval") != LUA_OK
        || lua_pcall(L, 0, 1, 0) != LUA_OK)
        return lua_failed(L, base);
    PyObject *r = to_py(L, -1);
    lua_settop(L, base);
    return r;
}

static PyObject *floor_table_from(PyObject *mod, PyObject *arg)
{
    (void)mod;
    int base = lua_gettop(L);
    if (PyList_CheckExact(arg)) {
        Py_ssize_t n = PyList_GET_SIZE(arg);
        lua_createtable(L, (int)n, 0);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *v = PyList_GET_ITEM(arg, i);
            if (PyLong_CheckExact(v)) {         /* the benchmark's case */
                long long x = PyLong_AsLongLong(v);
                if (x == -1 && PyErr_Occurred())
                    goto fail;
                lua_pushinteger(L, x);
            } else if (push_py(L, v) < 0) {
                goto fail;
            }
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
    } else if (PyDict_CheckExact(arg)) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        lua_createtable(L, 0, (int)PyDict_GET_SIZE(arg));
        while (PyDict_Next(arg, &pos, &k, &v)) {
            if (push_py(L, k) < 0 || push_py(L, v) < 0)
                goto fail;
            lua_rawset(L, -3);
        }
    } else {
        PyErr_SetString(PyExc_TypeError, "table_from takes a list or a dict");
        return NULL;
    }
    RefObject *t = PyObject_New(RefObject, &TableType);
    if (!t)
        goto fail;
    t->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    t->vectorcall = NULL;
    lua_settop(L, base);
    return (PyObject *)t;
fail:
    lua_settop(L, base);
    return NULL;
}

static PyMethodDef floor_methods[] = {
    {"eval", floor_eval, METH_O, "value of the Lua expression"},
    {"table_from", floor_table_from, METH_O, "Lua table from a list or dict"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef floor_module = {
    PyModuleDef_HEAD_INIT, "tandem_floor",
    "Hand-written Lua 5.4 <-> CPython crossings: the floor for bench_lupa.",
    -1, floor_methods, NULL, NULL, NULL, NULL
};

PyMODINIT_FUNC PyInit_tandem_floor(void);
PyMODINIT_FUNC PyInit_tandem_floor(void)
{
    if (PyType_Ready(&FunctionType) < 0 || PyType_Ready(&TableType) < 0
        || PyType_Ready(&CoroutineType) < 0 || PyType_Ready(&IterType) < 0)
        return NULL;
    if (!L) {
        L = luaL_newstate();
        if (!L)
            return PyErr_NoMemory();
        luaL_openlibs(L);
        luaL_newmetatable(L, "tandem_floor.py");
        lua_pushcfunction(L, py_call);
        lua_setfield(L, -2, "__call");
        lua_pushcfunction(L, py_index);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, py_gc);
        lua_setfield(L, -2, "__gc");
        py_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_newtable(L);                /* python.iter */
        lua_pushcfunction(L, py_iter);
        lua_setfield(L, -2, "iter");
        lua_setglobal(L, "python");
    }
    PyObject *m = PyModule_Create(&floor_module);
    if (m && PyModule_AddStringConstant(m, "__version__", LUA_RELEASE) < 0)
        Py_CLEAR(m);
    return m;
}
