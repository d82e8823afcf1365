/*
 * pmodule.c — the extension module tandem._tandem.
 *
 * Multi-phase initialisation with a module state (types, exception classes,
 * the traceback helper namespace); no static PyObject globals. Also the
 * small types of the lupa API: the protocol wrappers of as_attrgetter /
 * as_itemgetter, python.args() arguments, and the nogc() context manager.
 */
#include <dlfcn.h>
#include <string.h>
#include "padapter.h"
#include "pffi.h"   /* FFI-WIRING */
#include <structmember.h>

tdmP_Module *tdmP_modstate(PyObject *m)
{
    return (tdmP_Module *)PyModule_GetState(m);
}

/* ---- protocol wrappers ------------------------------------------------- */

PyObject *tdmP_wrap(tdmP_Module *ms, PyObject *obj, int proto)
{
    tdmP_Wrapper *w = PyObject_GC_New(tdmP_Wrapper, ms->wrapper_type);
    if (w == NULL) {
        return NULL;
    }
    w->obj = Py_NewRef(obj);
    w->proto = proto;
    PyObject_GC_Track(w);
    return (PyObject *)w;
}

static PyObject *as_attrgetter(PyObject *m, PyObject *obj)
{
    return tdmP_wrap(tdmP_modstate(m), obj, TDM_PROTO_ATTR);
}

static PyObject *as_itemgetter(PyObject *m, PyObject *obj)
{
    return tdmP_wrap(tdmP_modstate(m), obj, TDM_PROTO_ITEM);
}

static PyObject *as_function(PyObject *m, PyObject *obj)
{
    return tdmP_wrap(tdmP_modstate(m), obj, TDM_PROTO_FUNC);
}

/* _as_object(obj): obj reaches Lua as a Python object even where the
   converter would copy it (bytes): translated code keeps bytes apart from
   str this way (docs/translation.md). */
static PyObject *as_object(PyObject *m, PyObject *obj)
{
    return tdmP_wrap(tdmP_modstate(m), obj, TDM_PROTO_DEFAULT);
}

static int wrapper_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((tdmP_Wrapper *)self)->obj);
    return 0;
}

static int wrapper_clear(PyObject *self)
{
    Py_CLEAR(((tdmP_Wrapper *)self)->obj);
    return 0;
}

static void wrapper_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    wrapper_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *no_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    PyErr_Format(PyExc_TypeError, "Type cannot be instantiated from Python (%s)",
                 type->tp_name);
    return NULL;
}

static PyType_Slot wrapper_slots[] = {
    {Py_tp_dealloc, wrapper_dealloc},
    {Py_tp_traverse, wrapper_traverse},
    {Py_tp_clear, wrapper_clear},
    {Py_tp_new, no_new},
    {Py_tp_doc, (void *)"A Python object marked for attribute or item access from Lua."},
    {0, NULL},
};

static PyType_Spec wrapper_spec = {
    "tandem._PyProtocolWrapper", sizeof(tdmP_Wrapper), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, wrapper_slots,
};

/* ---- python.args ---------------------------------------------------------- */

static int args_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((tdmP_Args *)self)->args);
    Py_VISIT(((tdmP_Args *)self)->kwargs);
    return 0;
}

static int args_clear(PyObject *self)
{
    Py_CLEAR(((tdmP_Args *)self)->args);
    Py_CLEAR(((tdmP_Args *)self)->kwargs);
    return 0;
}

static void args_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    args_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyType_Slot args_slots[] = {
    {Py_tp_dealloc, args_dealloc},
    {Py_tp_traverse, args_traverse},
    {Py_tp_clear, args_clear},
    {Py_tp_new, no_new},
    {Py_tp_doc, (void *)"Arguments built by python.args{...} in Lua."},
    {0, NULL},
};

static PyType_Spec args_spec = {
    "tandem._PyArguments", sizeof(tdmP_Args), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, args_slots,
};

/* _args(table): python.args{1, 2, key=v} -> positional and keyword arguments. */
static PyObject *make_args(PyObject *m, PyObject *table)
{
    tdmP_Module *ms = tdmP_modstate(m);
    PyObject *one = PyTuple_Pack(1, table);
    PyObject *pair = one ? tdmP_unpack_table(m, one) : NULL;
    Py_XDECREF(one);
    if (pair == NULL) {
        return NULL;
    }
    if (pair == Py_None) {
        Py_DECREF(pair);
        PyErr_SetString(PyExc_TypeError, "python.args() expects a Lua table");
        return NULL;
    }
    tdmP_Args *a = PyObject_GC_New(tdmP_Args, ms->args_type);
    if (a != NULL) {
        a->args = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
        a->kwargs = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
        PyObject_GC_Track(a);
    }
    Py_DECREF(pair);
    return (PyObject *)a;
}

/* ---- nogc() ---------------------------------------------------------------- */

typedef struct NoGC {
    PyObject_HEAD
    tdmP_Runtime *runtime;      /* strong */
    int was_running;
} NoGC;

static PyObject *nogc_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    PyObject *rt;
    if (kw != NULL || !PyArg_ParseTuple(args, "O", &rt)) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_TypeError, "nogc takes a LuaRuntime");
        }
        return NULL;
    }
    PyObject *m = PyType_GetModuleByDef(type, &tdmP_moduledef);     /* borrowed */
    if (m == NULL) {
        return NULL;
    }
    if (!PyObject_TypeCheck(rt, tdmP_modstate(m)->runtime_type)) {
        PyErr_Format(PyExc_TypeError, "nogc takes a LuaRuntime, not %.100s",
                     Py_TYPE(rt)->tp_name);
        return NULL;
    }
    NoGC *n = (NoGC *)type->tp_alloc(type, 0);
    if (n != NULL) {
        n->runtime = (tdmP_Runtime *)Py_NewRef(rt);
    }
    return (PyObject *)n;
}

static long long nogc_ctl(NoGC *n, tdmR_Ctl ctl)
{
    long long v;
    Py_BEGIN_ALLOW_THREADS
    v = tdmR_control(n->runtime->rt, TDM_LANG_LUA, ctl, 0);
    Py_END_ALLOW_THREADS
    return v;
}

static PyObject *nogc_enter(PyObject *self, PyObject *unused)
{
    (void)unused;
    NoGC *n = (NoGC *)self;
    if (tdmP_check_open(n->runtime) < 0) {
        return NULL;
    }
    n->was_running = nogc_ctl(n, TDM_CTL_GC_ISRUNNING) == 1;
    nogc_ctl(n, TDM_CTL_GC_STOP);
    return Py_NewRef(self);
}

static PyObject *nogc_exit(PyObject *self, PyObject *args)
{
    (void)args;
    NoGC *n = (NoGC *)self;
    if (n->was_running && !n->runtime->closed) {
        nogc_ctl(n, TDM_CTL_GC_RESTART);
    }
    Py_RETURN_FALSE;
}

static int nogc_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(((NoGC *)self)->runtime);
    return 0;
}

static int nogc_clear(PyObject *self)
{
    Py_CLEAR(((NoGC *)self)->runtime);
    return 0;
}

static void nogc_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    nogc_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyMethodDef nogc_methods[] = {
    {"__enter__", nogc_enter, METH_NOARGS, NULL},
    {"__exit__", nogc_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot nogc_slots[] = {
    {Py_tp_new, nogc_new},
    {Py_tp_dealloc, nogc_dealloc},
    {Py_tp_traverse, nogc_traverse},
    {Py_tp_clear, nogc_clear},
    {Py_tp_methods, nogc_methods},
    {0, NULL},
};

static PyType_Spec nogc_spec = {
    "tandem._LuaNoGC", sizeof(NoGC), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, nogc_slots,
};

/* ---- module ------------------------------------------------------------- */

static PyObject *m_lua_type(PyObject *m, PyObject *obj)
{
    return tdmP_lua_type(m, obj);
}

static PyObject *m_peek(PyObject *m, PyObject *const *args, Py_ssize_t nargs)
{
    return tdmP_peek_or(m, args, nargs);
}

static PyObject *m_peek_same(PyObject *m, PyObject *entries)
{
    return tdmP_peek_same(m, entries);
}

static PyObject *m_index(PyObject *m, PyObject *const *args, Py_ssize_t nargs)
{
    return tdmP_index_of(m, args, nargs);
}

static PyObject *m_pure(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    tdmP_mark_pure();
    Py_RETURN_NONE;
}

static PyObject *m_utf8(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    return PyBool_FromLong(tdmP_current_utf8());
}

static PyObject *m_unpacks(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    return PyBool_FromLong(tdmP_current_unpacks());
}

static PyObject *m_incoro(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    return PyBool_FromLong(tdmP_current_incoro());
}

static PyObject *m_unpack(PyObject *m, PyObject *args)
{
    return tdmP_unpack_table(m, args);
}

/* python.eval(code) in Lua: a Python object, as lupa's (which is the
   builtin eval), evaluating in the Python frame that called into Lua (its
   locals, then its module's globals) or, with no Python frame running (a Lua
   or C host), in __main__. A Lua string that is not valid UTF-8 arrives as
   bytes and is read with replacement characters. */
static PyObject *m_lua_eval(PyObject *m, PyObject *source)
{
    (void)m;
    PyObject *src;
    if (PyUnicode_Check(source)) {
        src = Py_NewRef(source);
    } else if (PyBytes_Check(source)) {
        src = PyUnicode_DecodeUTF8(PyBytes_AS_STRING(source), PyBytes_GET_SIZE(source),
                                   "replace");
    } else {
        PyErr_Format(PyExc_TypeError, "python.eval() expects a string, not %.100s",
                     Py_TYPE(source)->tp_name);
        return NULL;
    }
    if (src == NULL) {
        return NULL;
    }
    PyObject *g = NULL, *l = NULL;
    if (PyEval_GetFrame() != NULL) {
        g = PyEval_GetGlobals();
        l = PyEval_GetLocals();
        if (l == NULL) {
            PyErr_Clear();
        }
    }
    if (g == NULL) {
        PyErr_Clear();
        PyObject *main = PyImport_AddModule("__main__");    /* borrowed */
        g = main ? PyModule_GetDict(main) : NULL;
        l = NULL;
    }
    Py_ssize_t len = 0;
    const char *text = g ? PyUnicode_AsUTF8AndSize(src, &len) : NULL;
    PyObject *res = NULL;
    if (text != NULL && (size_t)len != strlen(text)) {
        /* as compile(): a NUL would silently end the source here */
        PyErr_SetString(PyExc_ValueError, "source code string cannot contain null bytes");
        text = NULL;
    }
    if (text != NULL) {
        while (*text == ' ' || *text == '\t') {
            text++;     /* as builtins.eval: leading blanks are no indentation */
        }
        PyObject *code = Py_CompileString(text, "<lua>", Py_eval_input);
        res = code ? PyEval_EvalCode(code, g, l != NULL ? l : g) : NULL;
        Py_XDECREF(code);
    }
    Py_DECREF(src);
    return res;
}

static PyObject *m_host_runtime(PyObject *m, PyObject *unused)
{
    (void)unused;
    return tdmP_host_runtime(m);
}

/* python.translate(fn) in Lua, tdm_translate in C: fn translated into a Lua
   function of the runtime calling into Python (tandem._translate.translate
   with that runtime's LuaRuntime, the one LuaRuntime.translate uses: the
   translation is cached per runtime, so both give the same function). */
static PyObject *m_lua_translate(PyObject *m, PyObject *fn)
{
    PyObject *rt = tdmP_host_runtime(m);
    if (rt == NULL) {
        return NULL;
    }
    PyObject *mod = PyImport_ImportModule("tandem._translate");
    PyObject *res = NULL;
    if (mod != NULL) {
        res = PyObject_CallMethod(mod, "translate", "OO", rt, fn);
        Py_DECREF(mod);
    }
    Py_DECREF(rt);
    return res;
}

static PyObject *m_lua_symbols_global(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    return PyBool_FromLong(tdmR_control(NULL, TDM_LANG_LUA, TDM_CTL_GLOBAL_SYMBOLS, 0) == 1);
}

static PyMethodDef module_methods[] = {
    {"lua_type", m_lua_type, METH_O,
     "lua_type(obj)\n--\n\nLua type name of a Lua object ('table', 'function', "
     "'thread', 'userdata'), None for other objects."},
    {"as_attrgetter", as_attrgetter, METH_O,
     "Mark obj so that Lua indexing uses attribute access."},
    {"as_itemgetter", as_itemgetter, METH_O,
     "Mark obj so that Lua indexing uses item access."},
    {"as_function", as_function, METH_O, "Mark obj as callable-only in Lua."},
    {"_as_object", as_object, METH_O, "obj passed to Lua as a Python object, never copied."},
    {"_peek", (PyCFunction)(void (*)(void))m_peek, METH_FASTCALL,
     "_peek(t, k, miss[, 'len' | 'id']): t[k] (#t; the identity of the object t[k] holds) of a Lua table without a metatable, read raw;"
     " miss when that cannot be done without a frame."},
    {"_peek_same", m_peek_same, METH_O,
     "_peek_same([(t, k, x, isobj), ...]): whether each t[k], read raw without a frame"
     " (its identity when isobj), is still x."},
    {"_index", (PyCFunction)(void (*)(void))m_index, METH_FASTCALL,
     "_index(rt, obj, key[, val]): obj[key] (obj[key] = val) as Lua code of rt indexes"
     " a Python object; the Python value."},
    {"_pure", m_pure, METH_NOARGS,
     "The crossing into Python running now ran no Python code of its own (translated"
     " code's call of an operator or math function on numbers and strings)."},
    {"_utf8", m_utf8, METH_NOARGS,
     "The runtime of the crossing into Python running now passes strings as UTF-8."},
    {"_unpacks", m_unpacks, METH_NOARGS,
     "The runtime of the crossing into Python running now unpacks returned tuples."},
    {"_caller_in_coroutine", m_incoro, METH_NOARGS,
     "The crossing into Python running now, or one enclosing it, was made by code"
     " running in a coroutine of its language (a Lua coroutine, not the main thread)."},
    {"_unpack_table", m_unpack, METH_O,
     "(args, kwargs) when args is one Lua table, else None."},
    {"_lua_args", make_args, METH_O, "python.args{...}: arguments from a Lua table."},
    {"_lua_eval", m_lua_eval, METH_O,
     "python.eval(code): evaluate in the Python frame that called into Lua."},
    {"_lua_translate", m_lua_translate, METH_O,
     "python.translate(fn): fn translated into a Lua function of the calling runtime."},
    {"host_runtime", m_host_runtime, METH_NOARGS,
     "The LuaRuntime of the Lua state hosting this Python (Lua-hosted Python)."},
    {"_lua_symbols_global", m_lua_symbols_global, METH_NOARGS,
     "True when the process's global lua_* symbols are tandem's Lua."},
    {NULL, NULL, 0, NULL},
};

static PyObject *make_type(PyObject *m, PyType_Spec *spec)
{
    PyObject *t = PyType_FromModuleAndSpec(m, spec, NULL);
    if (t == NULL) {
        return NULL;
    }
    const char *dot = strrchr(spec->name, '.');
    if (PyModule_AddObjectRef(m, dot + 1, t) < 0) {
        Py_DECREF(t);
        return NULL;
    }
    return t;
}

static int add_exceptions(PyObject *m, tdmP_Module *ms)
{
    ms->LuaError = PyErr_NewExceptionWithDoc("tandem.LuaError",
                                             "Base class for errors in the Lua runtime.",
                                             PyExc_Exception, NULL);
    if (ms->LuaError == NULL) {
        return -1;
    }
    ms->LuaSyntaxError = PyErr_NewExceptionWithDoc("tandem.LuaSyntaxError",
                                                   "Syntax error in Lua code.",
                                                   ms->LuaError, NULL);
    if (ms->LuaSyntaxError == NULL) {
        return -1;
    }
    PyObject *bases = PyTuple_Pack(2, ms->LuaError, PyExc_MemoryError);
    if (bases == NULL) {
        return -1;
    }
    ms->LuaMemoryError = PyErr_NewExceptionWithDoc("tandem.LuaMemoryError",
                                                   "Memory error in Lua code (max_memory).",
                                                   bases, NULL);
    Py_DECREF(bases);
    if (ms->LuaMemoryError == NULL) {
        return -1;
    }
    ms->LuaTimeoutError = PyErr_NewExceptionWithDoc(
        "tandem.LuaTimeoutError",
        "A call's budget ran out (max_instructions or timeout; docs/sandbox.md).",
        ms->LuaError, NULL);
    if (ms->LuaTimeoutError == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(m, "LuaError", ms->LuaError) < 0
            || PyModule_AddObjectRef(m, "LuaTimeoutError", ms->LuaTimeoutError) < 0
            || PyModule_AddObjectRef(m, "LuaSyntaxError", ms->LuaSyntaxError) < 0
            || PyModule_AddObjectRef(m, "LuaMemoryError", ms->LuaMemoryError) < 0) {
        return -1;
    }
    return 0;
}

/* Add a new reference (stolen) under name. */
static int add_new(PyObject *m, const char *name, PyObject *v)
{
    if (v == NULL) {
        return -1;
    }
    int rc = PyModule_AddObjectRef(m, name, v);
    Py_DECREF(v);
    return rc;
}

static int module_exec(PyObject *m)
{
    tdmP_Module *ms = tdmP_modstate(m);
    /* liblua5.4 stays local here: its lua_* names become global only when
       a Lua C module is loaded into a state (lload.c), so that a LuaJIT
       loaded later (lupa) keeps its own names. */
    if (add_exceptions(m, ms) < 0 || tdmP_runtime_init_type(m, ms) < 0
            || tdmP_proxy_init_types(m, ms) < 0) {
        return -1;
    }
    if ((ms->wrapper_type = (PyTypeObject *)make_type(m, &wrapper_spec)) == NULL
            || (ms->args_type = (PyTypeObject *)make_type(m, &args_spec)) == NULL
            || (ms->nogc_type = (PyTypeObject *)make_type(m, &nogc_spec)) == NULL) {
        return -1;
    }
    if (tdmP_ffi_exec(m) < 0) {     /* FFI-WIRING */
        return -1;
    }
    if (add_new(m, "LUA_VERSION", Py_BuildValue("(ii)", 5, 4)) < 0
            || add_new(m, "LUA_MAXINTEGER", PyLong_FromLongLong(INT64_MAX)) < 0
            || add_new(m, "LUA_MININTEGER", PyLong_FromLongLong(INT64_MIN)) < 0
            || PyModule_AddStringConstant(m, "__version__", TDM_VERSION_STRING) < 0) {
        return -1;
    }
    return 0;
}

static int module_traverse(PyObject *m, visitproc visit, void *arg)
{
    tdmP_Module *ms = tdmP_modstate(m);
    Py_VISIT(ms->runtime_type);
    Py_VISIT(ms->object_type);
    Py_VISIT(ms->table_type);
    Py_VISIT(ms->function_type);
    Py_VISIT(ms->thread_type);
    Py_VISIT(ms->userdata_type);
    Py_VISIT(ms->wrapper_type);
    Py_VISIT(ms->args_type);
    Py_VISIT(ms->nogc_type);
    Py_VISIT(ms->LuaError);
    Py_VISIT(ms->LuaSyntaxError);
    Py_VISIT(ms->LuaMemoryError);
    Py_VISIT(ms->LuaTimeoutError);
    Py_VISIT(ms->helpers);
    Py_VISIT(ms->host);
    for (int i = 0; i <= TDM_OBJ_USERDATA; i++) {
        Py_VISIT(ms->own_names[i]);
    }
    return 0;
}

static int module_clear(PyObject *m)
{
    tdmP_Module *ms = tdmP_modstate(m);
    Py_CLEAR(ms->runtime_type);
    Py_CLEAR(ms->object_type);
    Py_CLEAR(ms->table_type);
    Py_CLEAR(ms->function_type);
    Py_CLEAR(ms->thread_type);
    Py_CLEAR(ms->userdata_type);
    Py_CLEAR(ms->wrapper_type);
    Py_CLEAR(ms->args_type);
    Py_CLEAR(ms->nogc_type);
    Py_CLEAR(ms->LuaError);
    Py_CLEAR(ms->LuaSyntaxError);
    Py_CLEAR(ms->LuaMemoryError);
    Py_CLEAR(ms->LuaTimeoutError);
    Py_CLEAR(ms->helpers);
    Py_CLEAR(ms->host);
    for (int i = 0; i <= TDM_OBJ_USERDATA; i++) {
        Py_CLEAR(ms->own_names[i]);
    }
    return 0;
}

static void module_free(void *m)
{
    module_clear((PyObject *)m);
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {0, NULL},
};

PyModuleDef tdmP_moduledef = {
    PyModuleDef_HEAD_INIT,
    "tandem._tandem",
    "Lua 5.4 and CPython in one process: the C core of the tandem package.",
    sizeof(tdmP_Module),
    module_methods,
    module_slots,
    module_traverse,
    module_clear,
    module_free,
};

PyMODINIT_FUNC PyInit__tandem(void);

__attribute__((visibility("default"))) PyMODINIT_FUNC PyInit__tandem(void)
{
    return PyModuleDef_Init(&tdmP_moduledef);
}

PyObject *tdmP_make_module(const char *origin)
{
    PyObject *machinery = PyImport_ImportModule("_frozen_importlib");
    if (machinery == NULL) {
        return NULL;
    }
    PyObject *cls = PyObject_GetAttrString(machinery, "ModuleSpec");
    Py_DECREF(machinery);
    if (cls == NULL) {
        return NULL;
    }
    PyObject *args = Py_BuildValue("(sO)", "tandem._tandem", Py_None);
    PyObject *kw = Py_BuildValue("{ss}", "origin", origin ? origin : "built-in");
    PyObject *spec = (args && kw) ? PyObject_Call(cls, args, kw) : NULL;
    Py_XDECREF(args);
    Py_XDECREF(kw);
    Py_DECREF(cls);
    if (spec == NULL) {
        return NULL;
    }
    PyObject *m = PyModule_FromDefAndSpec(&tdmP_moduledef, spec);
    Py_DECREF(spec);
    if (m == NULL) {
        return NULL;
    }
    if (PyModule_ExecDef(m, &tdmP_moduledef) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
