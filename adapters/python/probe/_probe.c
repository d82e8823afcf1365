/*
 * _probe.c — tandem._probe: does another Lua own the process's global lua_*
 * names? Asked by tandem/__init__.py before it loads tandem._tandem, to
 * decide RTLD_DEEPBIND. Its own module so the answer costs a 16 KB file's
 * pages, not _ctypes and libffi's ~170 KB of resident memory (the probe
 * used _ctypes.dlsym before; that path remains when this module is absent).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>

/* lua_global(): True when lua_settop resolves in the global scope (the
   program, its libraries, and those loaded RTLD_GLOBAL), as
   dlsym(dlopen(NULL), ...) answers. */
static PyObject *lua_global(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    void *h = dlopen(NULL, RTLD_NOW);
    void *sym = h != NULL ? dlsym(h, "lua_settop") : NULL;
    if (h != NULL) {
        dlclose(h);
    }
    return PyBool_FromLong(sym != NULL);
}

static PyMethodDef probe_methods[] = {
    {"lua_global", lua_global, METH_NOARGS,
     "True when another Lua owns the process's global lua_* names."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef probe_def = {
    PyModuleDef_HEAD_INIT, "tandem._probe", NULL, 0, probe_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__probe(void);

__attribute__((visibility("default"))) PyMODINIT_FUNC PyInit__probe(void)
{
    return PyModuleDef_Init(&probe_def);
}
