/*
 * pboot.c — CPython inside a Lua (or C) host.
 *
 * tdmP_boot starts CPython when the process has none: libpython is promoted
 * to global symbols first (so C extension modules such as _json, _decimal,
 * _sqlite3 resolve against it), the Python package directory beside the Lua
 * module is put on sys.path, and this very copy of the extension module is
 * registered as sys.modules["tandem._tandem"] (the builtin importer refuses
 * dotted names from the inittab, so the module is created from its def and
 * inserted), so `import tandem` in that Python uses the running adapter
 * instead of loading a second copy. The GIL is released before returning.
 *
 * Inside such a Python, tandem.host_runtime() is a LuaRuntime for the Lua
 * state calling into Python, and sys.modules["lua"] offers lunatic-python's
 * `import lua` (eval, execute, globals, require).
 */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "padapter.h"

static const char lua_module_src[] =
    "import sys as _sys, types as _types\n"
    "def _install(t):\n"
    "    m = _types.ModuleType('lua', 'The hosting Lua state (lunatic-python API).')\n"
    "    def eval(code, *args):\n"
    "        return t.host_runtime().eval(code, *args)\n"
    "    def execute(code, *args):\n"
    "        return t.host_runtime().execute(code, *args)\n"
    "    def globals():\n"
    "        return t.host_runtime().globals()\n"
    "    def require(name):\n"
    "        return t.host_runtime().require(name)\n"
    "    m.eval, m.execute, m.globals, m.require = eval, execute, globals, require\n"
    "    m.runtime = t.host_runtime\n"
    "    _sys.modules.setdefault('lua', m)\n";

/* The directory holding the `tandem` Python package, found from this shared
   object: the build tree (build/lua/tandem.so, build/lib/libtandem.so ->
   build/python) or an installed prefix (<prefix>/lib/lua/5.4/tandem.so,
   <prefix>/lib/libtandem.so -> <prefix>/lib/python3/dist-packages).
   TANDEM_PYTHONPATH overrides. 0 when found. */
static int package_dir(char *out, size_t n, const char **self_path)
{
    static const char *const rel[] = {
        "../python", "python3/dist-packages", "../python3/dist-packages",
        "../../python3/dist-packages",
    };
    Dl_info info;
    if (dladdr((void *)&tdmP_boot, &info) == 0 || info.dli_fname == NULL) {
        return -1;
    }
    *self_path = info.dli_fname;
    const char *env = getenv("TANDEM_PYTHONPATH");
    if (env != NULL && *env != '\0') {
        snprintf(out, n, "%s", env);
        return 0;
    }
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", info.dli_fname);
    char *dir = dirname(buf);
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char probe[PATH_MAX + 96];
        snprintf(probe, sizeof probe, "%s/%s/tandem/__init__.py", dir, rel[i]);
        if (access(probe, R_OK) == 0) {
            snprintf(out, n, "%s/%s", dir, rel[i]);
            return 0;
        }
    }
    return -1;
}

/* `import tandem` must work inside this Python: when the package is not on
   sys.path, stand a module in for it with the adapter's names. GIL held. */
static int ensure_package(PyObject *m)
{
    PyObject *pkg = PyImport_ImportModule("tandem");
    if (pkg != NULL) {
        Py_DECREF(pkg);
        return 0;
    }
    PyErr_Clear();
    pkg = PyModule_New("tandem");
    PyObject *path = PyList_New(0);
    int rc = -1;
    if (pkg != NULL && path != NULL
        && PyModule_AddObjectRef(pkg, "__path__", path) == 0
        && PyDict_Merge(PyModule_GetDict(pkg), PyModule_GetDict(m), 0) == 0
        && PyModule_AddObjectRef(pkg, "_tandem", m) == 0
        && PyDict_SetItemString(PyImport_GetModuleDict(), "tandem", pkg) == 0) {
        rc = 0;
    }
    Py_XDECREF(path);
    Py_XDECREF(pkg);
    return rc;
}

/* Make sys.modules["tandem._tandem"] this module. GIL held. New reference. */
static PyObject *own_module(const char *self_path)
{
    PyObject *mods = PyImport_GetModuleDict();      /* borrowed */
    PyObject *m = PyDict_GetItemString(mods, "tandem._tandem");
    if (m != NULL) {
        return Py_NewRef(m);
    }
    m = tdmP_make_module(self_path);
    if (m == NULL) {
        return NULL;
    }
    if (PyDict_SetItemString(mods, "tandem._tandem", m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

static void install_lua_module(PyObject *m)
{
    PyObject *ns = PyDict_New();
    PyObject *b = PyImport_ImportModule("builtins");
    PyObject *r = NULL;
    if (ns != NULL && b != NULL && PyDict_SetItemString(ns, "__builtins__", b) == 0) {
        r = PyRun_String(lua_module_src, Py_file_input, ns, ns);
    }
    PyObject *fn = r ? PyDict_GetItemString(ns, "_install") : NULL;
    PyObject *x = fn ? PyObject_CallOneArg(fn, m) : NULL;
    if (x == NULL) {
        PyErr_Clear();
    }
    Py_XDECREF(x);
    Py_XDECREF(r);
    Py_XDECREF(b);
    Py_XDECREF(ns);
}

int tdmP_boot(tdm_Runtime *rt, const tdmR_OpenOptions *o, tdmS_Error *err)
{
    (void)o;        /* nothing to choose: one CPython per process */
    char pkg[PATH_MAX] = "";
    const char *self_path = NULL;
    int found = package_dir(pkg, sizeof pkg, &self_path) == 0;
    int started = !Py_IsInitialized();
    if (started) {
        char lib[64];
        snprintf(lib, sizeof lib, "libpython%d.%d.so.1.0", PY_MAJOR_VERSION, PY_MINOR_VERSION);
        if (dlopen(lib, RTLD_NOW | RTLD_GLOBAL) == NULL) {
            tdmS_set_error(err, TDM_ERRARG, dlerror());
            return TDM_ERRARG;
        }
        Py_InitializeEx(0);
        if (!Py_IsInitialized()) {
            tdmS_set_error(err, TDM_ERRRUN, "tandem: CPython failed to initialise");
            return TDM_ERRRUN;
        }
        if (found) {
            PyObject *path = PySys_GetObject("path");       /* borrowed */
            PyObject *d = PyUnicode_DecodeFSDefault(pkg);
            if (path == NULL || d == NULL || PyList_Insert(path, 0, d) < 0) {
                PyErr_Clear();
            }
            Py_XDECREF(d);
        }
        PyEval_SaveThread();
    }
    PyGILState_STATE gs = PyGILState_Ensure();
    int status = TDM_OK;
    PyObject *m = own_module(self_path);
    if (m == NULL) {
        PyErr_Print();
        tdmS_set_error(err, TDM_ERRRUN, "tandem: could not create the tandem._tandem module");
        status = TDM_ERRRUN;
        goto done;
    }
    if (ensure_package(m) < 0) {
        PyErr_Print();
        tdmS_set_error(err, TDM_ERRRUN, "tandem: could not provide the tandem package");
        status = TDM_ERRRUN;
        goto done;
    }
    if (rt->state[TDM_LANG_PYTHON] == NULL) {
        tdmP_State *st = tdmP_state_new(rt, m);
        if (st == NULL) {
            PyErr_Clear();
            tdmS_set_error(err, TDM_ERRMEM, "tandem: not enough memory");
            status = TDM_ERRMEM;
            goto done;
        }
        tdmR_attach(rt, &tdmP_lang, st);
    }
    install_lua_module(m);
    if (started && rt->pinned) {
        tdmP_host_signals(rt);      /* a lua5.4 host: Ctrl-C in Python code */
    }
done:
    Py_XDECREF(m);
    PyGILState_Release(gs);
    return status;
}

void tdmP_detach(tdm_Runtime *rt)
{
    tdmP_host_signals_off(rt);      /* first: its handler reads rt */
    tdmP_State *st = rt->state[TDM_LANG_PYTHON];
    if (st == NULL || !Py_IsInitialized()) {
        return;
    }
    PyGILState_STATE gs = PyGILState_Ensure();
    tdmR_drain(rt, TDM_LANG_PYTHON);
    tdmR_detach(rt, TDM_LANG_PYTHON);
    tdmP_Module *ms = st->mod;
    if (ms->host != NULL && ((tdmP_Runtime *)ms->host)->rt == rt) {
        Py_CLEAR(ms->host);
    }
    if (st->owner != NULL && st->owner_strong) {
        /* proxies may outlive the host: the wrapper takes the state along */
        tdmP_Runtime *w = st->owner;
        w->closed = 1;
        w->owns_state = 1;
        st->owner = NULL;
        st->owner_strong = 0;
        Py_DECREF(w);
    } else {
        tdmP_state_free(st);
    }
    PyGILState_Release(gs);
}

PyObject *tdmP_host_runtime(PyObject *m)
{
    tdmP_Module *ms = tdmP_modstate(m);
    tdm_Runtime *rt = tdmP_current_rt();
    if (rt == NULL) {
        if (ms->host != NULL) {
            return Py_NewRef(ms->host);
        }
        PyErr_SetString(PyExc_RuntimeError,
                        "tandem.host_runtime(): this Python is not running inside Lua "
                        "(call it from Python code that Lua called)");
        return NULL;
    }
    tdmP_State *st = rt->state[TDM_LANG_PYTHON];
    if (st == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "tandem.host_runtime(): Python is detached");
        return NULL;
    }
    if (st->owner == NULL) {
        tdmP_Runtime *w = tdmP_runtime_wrap(ms, rt);
        if (w == NULL) {
            return NULL;
        }
        st->owner = w;
        st->owner_strong = 1;
    }
    if (st->owner_strong && ms->host == NULL) {
        ms->host = Py_NewRef((PyObject *)st->owner);
    }
    return Py_NewRef((PyObject *)st->owner);
}
