/*
 * pruntime.c — LuaRuntime: a Lua 5.4 state with lupa's API.
 *
 * The object owns a tdm_Runtime (one tdmR reference) holding the Lua state
 * (tdmR_open_lang) and this adapter's per-runtime state (options, identity map,
 * string cache, pins). Methods are crossings (pcall.c) or controls of the Lua
 * state (tdmR_control, called with the GIL released since it takes the
 * runtime lock). close() closes the Lua state; proxies still alive then raise
 * LuaError when used.
 */
#include <string.h>
#include "padapter.h"
#include <structmember.h>

/* ---- per-runtime state -------------------------------------------------- */

tdmP_State *tdmP_state_new(tdm_Runtime *rt, PyObject *module)
{
    tdmP_State *st = PyMem_RawCalloc(1, sizeof *st);
    if (st == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    st->rt = rt;
    st->module = Py_NewRef(module);
    st->mod = tdmP_modstate(module);
    st->encoding = PyUnicode_FromString("UTF-8");
    st->source_encoding = PyUnicode_FromString("UTF-8");
    st->chunks = PyDict_New();
    st->enc_utf8 = 1;
    tdmI_sinit(&st->ids, offsetof(tdmP_Proxy, key));
    if (st->encoding == NULL || st->source_encoding == NULL || st->chunks == NULL) {
        tdmP_state_free(st);
        return NULL;
    }
    return st;
}

static void clear_strings(tdmP_State *st)
{
    if (st->strcache == NULL) {
        return;
    }
    for (int i = 0; i < TDMP_STRCACHE; i++) {
        st->strcache[i].key = NULL;
        Py_CLEAR(st->strcache[i].obj);
    }
}

/* GIL held. */
void tdmP_state_free(tdmP_State *st)
{
    if (st == NULL) {
        return;
    }
    clear_strings(st);
    while (st->npins > 0) {
        Py_DECREF(st->pins[--st->npins]);
    }
    tdmP_drop_zombies(st);
    PyMem_RawFree(st->pins);
    PyMem_RawFree(st->zombies);
    tdmI_sfree(&st->ids);
    Py_CLEAR(st->encoding);
    Py_CLEAR(st->source_encoding);
    Py_CLEAR(st->attribute_filter);
    Py_CLEAR(st->attr_getter);
    Py_CLEAR(st->attr_setter);
    Py_CLEAR(st->overflow_handler);
    Py_CLEAR(st->last_method);
    Py_CLEAR(st->chunks);
    Py_CLEAR(st->lastname);
    if (st->owner_strong) {
        Py_CLEAR(st->owner);
    }
    Py_CLEAR(st->module);
    PyMem_RawFree(st->strcache);
    PyMem_RawFree(st);
}

int tdmP_check_open(tdmP_Runtime *r)
{
    if (r->closed || r->rt == NULL || r->rt->closed) {
        PyErr_SetString(r->st ? r->st->mod->LuaError : PyExc_RuntimeError,
                        "the LuaRuntime is closed");
        return -1;
    }
    return 0;
}

/* ---- options ------------------------------------------------------------- */

/* Encoding name as str (from str or ASCII bytes); Py_None stays None. */
static PyObject *encoding_arg(PyObject *e)
{
    if (e == Py_None) {
        return Py_NewRef(Py_None);
    }
    if (PyUnicode_Check(e)) {
        return Py_NewRef(e);
    }
    if (PyBytes_Check(e) || PyByteArray_Check(e)) {
        return PyUnicode_FromEncodedObject(e, "ascii", "strict");
    }
    PyErr_Format(PyExc_ValueError, "expected string, got %s", Py_TYPE(e)->tp_name);
    return NULL;
}

static int is_utf8(PyObject *enc)
{
    const char *s = PyUnicode_AsUTF8(enc);
    if (s == NULL) {
        PyErr_Clear();
        return 0;
    }
    char buf[8];
    size_t n = 0;
    for (; *s && n < sizeof buf - 1; s++) {
        if (*s != '-' && *s != '_') {
            buf[n++] = (char)(*s | 0x20);
        }
    }
    buf[n] = '\0';
    return *s == '\0' && strcmp(buf, "utf8") == 0;
}

/* Lua code, names and the python table's keys are ASCII text: an encoding
   that does not write ASCII as itself (UTF-16, UTF-32) cannot carry them.
   0 when it can, -1 with ValueError when not (or LookupError: no codec). */
static int check_ascii_compatible(PyObject *enc, const char *what)
{
    const char *name = PyUnicode_AsUTF8(enc);
    if (name == NULL) {
        return -1;
    }
    PyObject *u = PyUnicode_FromString("python");
    PyObject *b = u ? PyUnicode_AsEncodedString(u, name, "strict") : NULL;
    Py_XDECREF(u);
    if (b == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeError)) {
            return -1;
        }
        PyErr_Clear();
    }
    int same = b != NULL && PyBytes_Check(b) && PyBytes_GET_SIZE(b) == 6
               && memcmp(PyBytes_AS_STRING(b), "python", 6) == 0;
    Py_XDECREF(b);
    if (!same) {
        PyErr_Format(PyExc_ValueError,
                     "%s %R cannot be used with Lua: it does not encode ASCII text as "
                     "itself (Lua code and names are ASCII); use UTF-8 or another "
                     "ASCII-compatible encoding", what, enc);
        return -1;
    }
    return 0;
}

static int set_options(tdmP_State *st, PyObject *encoding, PyObject *source_encoding,
                       PyObject *filter, PyObject *handlers, int unpack,
                       PyObject *overflow)
{
    PyObject *enc = encoding_arg(encoding);
    if (enc == NULL) {
        return -1;
    }
    PyObject *senc = source_encoding == Py_None ? NULL : encoding_arg(source_encoding);
    if (source_encoding != Py_None && senc == NULL) {
        Py_DECREF(enc);
        return -1;
    }
    if (senc == NULL) {
        senc = enc != Py_None ? Py_NewRef(enc) : PyUnicode_FromString("UTF-8");
    }
    if (enc != Py_None) {
        PyObject *codec = PyCodec_Encoder(PyUnicode_AsUTF8(enc));   /* validates */
        if (codec == NULL) {
            Py_DECREF(enc);
            Py_XDECREF(senc);
            return -1;
        }
        Py_DECREF(codec);
    }
    if ((enc != Py_None && check_ascii_compatible(enc, "encoding") < 0)
        || (senc != NULL && senc != enc && check_ascii_compatible(senc, "source_encoding") < 0)) {
        Py_DECREF(enc);
        Py_XDECREF(senc);
        return -1;
    }
    Py_XSETREF(st->encoding, enc == Py_None ? NULL : enc);
    if (enc == Py_None) {
        Py_DECREF(enc);
    }
    Py_XSETREF(st->source_encoding, senc);
    st->enc_utf8 = st->encoding != NULL && is_utf8(st->encoding);

    if (filter != Py_None && !PyCallable_Check(filter)) {
        PyErr_SetString(PyExc_ValueError, "attribute_filter must be callable");
        return -1;
    }
    PyObject *get_fn = NULL, *set_fn = NULL;
    if (handlers != Py_None && PyObject_IsTrue(handlers)) {
        PyObject *seq = PySequence_Fast(handlers, "");
        if (seq == NULL || PySequence_Fast_GET_SIZE(seq) != 2) {
            Py_XDECREF(seq);
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError,
                            "attribute_handlers must be a sequence of two callables");
            return -1;
        }
        get_fn = PySequence_Fast_GET_ITEM(seq, 0);
        set_fn = PySequence_Fast_GET_ITEM(seq, 1);
        Py_DECREF(seq);     /* items stay alive in `handlers` */
        if ((get_fn != Py_None && !PyCallable_Check(get_fn))
                || (set_fn != Py_None && !PyCallable_Check(set_fn))) {
            PyErr_SetString(PyExc_ValueError,
                            "attribute_handlers must be a sequence of two callables");
            return -1;
        }
        if (filter != Py_None && (get_fn != Py_None || set_fn != Py_None)) {
            PyErr_SetString(PyExc_ValueError,
                            "attribute_filter and attribute_handlers are mutually exclusive");
            return -1;
        }
        get_fn = get_fn == Py_None ? NULL : get_fn;
        set_fn = set_fn == Py_None ? NULL : set_fn;
    }
    if (overflow != Py_None && !PyCallable_Check(overflow)) {
        PyErr_SetString(PyExc_ValueError, "overflow_handler must be callable");
        return -1;
    }
    Py_XSETREF(st->attribute_filter, filter == Py_None ? NULL : Py_NewRef(filter));
    Py_XSETREF(st->attr_getter, Py_XNewRef(get_fn));
    Py_XSETREF(st->attr_setter, Py_XNewRef(set_fn));
    Py_XSETREF(st->overflow_handler, overflow == Py_None ? NULL : Py_NewRef(overflow));
    st->unpack_returned_tuples = unpack;
    return 0;
}

/* ---- life ---------------------------------------------------------------- */

static long long control(tdmP_Runtime *r, tdmR_Ctl ctl, long long arg)
{
    long long v;
    Py_BEGIN_ALLOW_THREADS
    v = tdmR_control(r->rt, TDM_LANG_LUA, ctl, arg);
    Py_END_ALLOW_THREADS
    return v;
}

static void apply_limit(tdmP_Runtime *r, long long max, int total);

/* Python's main thread, whose signal handlers may run while it is in Lua
   (the thread id as the runtime lock records it); 0 when unknown. */
static uintptr_t main_thread_id(void)
{
    uintptr_t id = 0;
    if (_PyOS_IsMainThread()) {
        /* what threading.main_thread().ident says, without importing
           threading (~0.8 MB of RSS for a program that never uses it) */
        return (uintptr_t)PyThread_get_thread_ident();
    }
    PyObject *th = PyImport_ImportModule("threading");
    PyObject *main = th ? PyObject_CallMethod(th, "main_thread", NULL) : NULL;
    PyObject *ident = main ? PyObject_GetAttrString(main, "ident") : NULL;
    if (ident != NULL && PyLong_Check(ident)) {
        id = (uintptr_t)PyLong_AsUnsignedLong(ident);
    }
    if (PyErr_Occurred()) {
        PyErr_Clear();
        id = 0;
    }
    Py_XDECREF(ident);
    Py_XDECREF(main);
    Py_XDECREF(th);
    return id;
}

/* A policy read from a tandem.Sandbox; libs points into *libs_buf (a new
   reference the caller drops). 0, or -1 raised. */
static int read_policy(PyObject *sb, tdm_Policy *p, PyObject **libs_buf)
{
    memset(p, 0, sizeof *p);
    p->size = sizeof *p;
    *libs_buf = NULL;
    PyObject *v = PyObject_CallMethod(sb, "_c_policy", NULL);
    if (v == NULL) {
        return -1;
    }
    PyObject *libs;
    long long mi, mm, ms;
    int load;
    double to, mx;
    if (!PyArg_ParseTuple(v, "UpLLdLd;Sandbox._c_policy", &libs, &load, &mi, &mm, &to,
                          &ms, &mx)) {
        Py_DECREF(v);
        return -1;
    }
    p->max_match = mx;
    *libs_buf = Py_NewRef(libs);
    Py_DECREF(v);
    p->libs = PyUnicode_AsUTF8(*libs_buf);
    if (p->libs == NULL) {
        return -1;
    }
    p->load = load;
    p->max_instructions = mi;
    p->max_memory = (size_t)mm;
    p->timeout = to;
    p->max_string = (size_t)ms;
    return 0;
}

/* LuaRuntime(sandbox=...): no python table; the policy's libraries and
   budget; attribute and item access through the policy's getattr/setattr
   (docs/sandbox.md). New reference. */
static PyObject *sandbox_new(PyTypeObject *type, PyObject *sandbox, PyObject *encoding,
                             PyObject *source_encoding, int unpack, PyObject *overflow)
{
    PyObject *sb = NULL, *handlers = NULL, *libs = NULL;
    tdmP_Runtime *r = NULL;
    if (sandbox == Py_True) {
        PyObject *mod = PyImport_ImportModule("tandem._sandbox");
        sb = mod ? PyObject_CallMethod(mod, "Sandbox", NULL) : NULL;
        Py_XDECREF(mod);
    } else {
        sb = Py_NewRef(sandbox);
    }
    tdm_Policy pol;
    if (sb == NULL || read_policy(sb, &pol, &libs) < 0) {
        goto error;
    }
    handlers = Py_BuildValue("(NN)", PyObject_GetAttrString(sb, "getattr"),
                             PyObject_GetAttrString(sb, "setattr"));
    PyObject *module = handlers ? PyType_GetModuleByDef(type, &tdmP_moduledef) : NULL;
    if (module == NULL) {
        goto error;
    }
    r = (tdmP_Runtime *)type->tp_alloc(type, 0);
    if (r == NULL) {
        goto error;
    }
    tdmS_Error err = {0};
    r->owns_lua = 1;
    r->sandboxed = 1;
    r->rt = tdmR_new();
    if (r->rt == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    r->st = tdmP_state_new(r->rt, module);
    if (r->st == NULL) {
        goto error;
    }
    if (set_options(r->st, encoding ? encoding : r->st->encoding, source_encoding, Py_None,
                    handlers, unpack, overflow) < 0) {
        goto error;
    }
    r->st->owner = r;
    tdmR_attach(r->rt, &tdmP_lang, r->st);
    tdmR_OpenOptions o = {0, 1};
    int status = tdmR_open_lang(r->rt, TDM_LANG_LUA, &o, &err);
    if (status != TDM_OK) {
        r->closed = 1;
        PyErr_Format(r->st->mod->LuaError, "Failed to initialise Lua runtime: %s",
                     err.message ? err.message : "unknown error");
        tdmS_clear_error(r->rt, &err);
        goto error;
    }
    r->membase = control(r, TDM_CTL_MEM_USED, 0);
    if (control(r, TDM_CTL_SANDBOX, (long long)(uintptr_t)&pol) != 0) {
        PyErr_Format(PyExc_ValueError, "could not sandbox the Lua state (libs=%R)", libs);
        goto error;
    }
    r->maxmem = (long long)pol.max_memory;
    r->b_max = (long long)pol.max_instructions;
    r->b_timeout = pol.timeout;
    tdmR_control(r->rt, TDM_LANG_LUA, TDM_CTL_WATCH, (long long)main_thread_id());
    Py_DECREF(sb);
    Py_DECREF(handlers);
    Py_DECREF(libs);
    return (PyObject *)r;
error:
    Py_XDECREF(sb);
    Py_XDECREF(handlers);
    Py_XDECREF(libs);
    Py_XDECREF(r);
    return NULL;
}

static PyObject *runtime_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"encoding", (char *)"source_encoding", (char *)"attribute_filter",
                             (char *)"attribute_handlers", (char *)"register_eval", (char *)"unpack_returned_tuples",
                             (char *)"register_builtins", (char *)"overflow_handler", (char *)"max_memory",
                             (char *)"sandbox", NULL};
    PyObject *encoding = NULL, *source_encoding = Py_None, *filter = Py_None;
    PyObject *handlers = Py_None, *overflow = Py_None, *maxmem = Py_None;
    PyObject *sandbox = Py_None;
    int reg_eval = 1, unpack = 0, reg_builtins = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOOOpppOOO:LuaRuntime", kwlist, &encoding,
                                     &source_encoding, &filter, &handlers, &reg_eval,
                                     &unpack, &reg_builtins, &overflow, &maxmem, &sandbox)) {
        return NULL;
    }
    if (sandbox != Py_None && sandbox != Py_False) {
        if (filter != Py_None || handlers != Py_None || maxmem != Py_None) {
            PyErr_SetString(PyExc_ValueError, "with sandbox=, give attribute access and "
                            "max_memory in the tandem.Sandbox policy");
            return NULL;
        }
        return sandbox_new(type, sandbox, encoding, source_encoding, unpack, overflow);
    }
    long long limit = 0;
    if (maxmem != Py_None) {
        limit = PyLong_AsLongLong(maxmem);
        if (limit == -1 && PyErr_Occurred()) {
            return NULL;
        }
        if (limit < 0) {
            PyErr_SetString(PyExc_ValueError, "max_memory must not be negative");
            return NULL;
        }
    }
    PyObject *module = PyType_GetModuleByDef(type, &tdmP_moduledef);
    if (module == NULL) {
        return NULL;
    }
    tdmP_Runtime *r = (tdmP_Runtime *)type->tp_alloc(type, 0);
    if (r == NULL) {
        return NULL;
    }
    tdmS_Error err = {0};
    r->owns_lua = 1;
    r->rt = tdmR_new();
    if (r->rt == NULL) {
        Py_DECREF(r);
        return PyErr_NoMemory();
    }
    r->st = tdmP_state_new(r->rt, module);
    if (r->st == NULL) {
        Py_DECREF(r);
        return NULL;
    }
    if (encoding == NULL) {
        encoding = r->st->encoding;     /* "UTF-8" */
    }
    /* the filters apply to Lua code only: not while the python table is set up */
    if (set_options(r->st, encoding, source_encoding, filter, handlers, unpack, overflow) < 0) {
        Py_DECREF(r);
        return NULL;
    }
    r->st->owner = r;       /* weak: the runtime object outlives its state */
    tdmR_attach(r->rt, &tdmP_lang, r->st);
    tdmR_OpenOptions o = {0, 1};
    int status = tdmR_open_lang(r->rt, TDM_LANG_LUA, &o, &err);
    if (status == TDM_OK) {
        /* the attribute filters apply to Lua code, not to setting up the
           python table: held aside meanwhile */
        PyObject *held[3] = {r->st->attribute_filter, r->st->attr_getter, r->st->attr_setter};
        r->st->attribute_filter = r->st->attr_getter = r->st->attr_setter = NULL;
        int flags = (reg_eval ? TDM_EXPOSE_EVAL : 0) | (reg_builtins ? TDM_EXPOSE_BUILTINS : 0);
        status = tdmR_expose(r->rt, TDM_LANG_LUA, TDM_LANG_PYTHON, "python", flags, &err);
        r->st->attribute_filter = held[0];
        r->st->attr_getter = held[1];
        r->st->attr_setter = held[2];
        if (status != TDM_OK) {
            char *why = err.message;
            err.message = NULL;
            char buf[512];
            snprintf(buf, sizeof buf, "could not install the python table (%s: %s)",
                     tdm_status_name((tdm_Status)status), why ? why : "no message");
            free(why);
            tdmS_set_error(&err, status, buf);
        }
    }
    if (status != TDM_OK) {
        /* not marked closed: the Lua state may be open (the python table
           failed), and the dealloc below closes it (close_lua) */
        /* out of memory, in Lua (ERRMEM) or in Python while the python
           table was made (a MemoryError as the error value): a memory error */
        PyObject *ev = err.value.kind == TDM_OBJ && err.value.lang == TDM_LANG_PYTHON
                       ? (PyObject *)err.value.u.obj : NULL;
        int nomem = status == TDM_ERRMEM
                    || (ev != NULL && PyErr_GivenExceptionMatches(ev, PyExc_MemoryError));
        PyErr_Format(nomem ? r->st->mod->LuaMemoryError : r->st->mod->LuaError,
                     "Failed to initialise Lua runtime: %s",
                     nomem ? "not enough memory" : err.message ? err.message : "unknown error");
        tdmS_clear_error(r->rt, &err);
        Py_DECREF(r);
        return NULL;
    }
    r->membase = control(r, TDM_CTL_MEM_USED, 0);
    r->maxmem = maxmem == Py_None ? -1 : 0;
    /* signal handlers run while Lua code runs on the main thread, and
       interrupt() can stop it */
    tdmR_control(r->rt, TDM_LANG_LUA, TDM_CTL_WATCH, (long long)main_thread_id());
    if (limit > 0) {
        apply_limit(r, limit, 0);
    }
    return (PyObject *)r;
}

tdmP_Runtime *tdmP_runtime_wrap(tdmP_Module *ms, tdm_Runtime *rt)
{
    tdmP_Runtime *r = (tdmP_Runtime *)ms->runtime_type->tp_alloc(ms->runtime_type, 0);
    if (r == NULL) {
        return NULL;
    }
    tdmR_incref(rt);
    r->rt = rt;
    r->st = rt->state[TDM_LANG_PYTHON];
    r->owns_lua = 0;
    return r;
}

/* Close the Lua state. The runtime lock is taken with the GIL released and
   the GIL re-taken while holding it (the order is always "runtime lock, then
   GIL": a thread that took the lock after us is waiting for the GIL, so we
   must never block on the lock while holding the GIL). The Python
   references Lua's finalizers dropped are queued, then drained here. */
static void close_lua(tdmP_Runtime *r)
{
    if (r->closed || !r->owns_lua || r->rt == NULL) {
        r->closed = 1;
        return;
    }
    r->closed = 1;
    tdm_Runtime *rt = r->rt;
    Py_BEGIN_ALLOW_THREADS
    tdmR_lock(rt);
    tdmR_close_lang(rt, TDM_LANG_LUA);
    tdmR_close(rt);
    Py_END_ALLOW_THREADS
    tdmR_drain(rt, TDM_LANG_PYTHON);
    if (r->st != NULL) {
        while (r->st->npins > 0) {
            Py_DECREF(r->st->pins[--r->st->npins]);
        }
        tdmP_drop_zombies(r->st);
        clear_strings(r->st);
    }
    tdmR_unlock(rt);
}

/* close() and __exit__: refused while this thread runs code of the runtime
   (a callback) or holds its lock (a finalizer run during a crossing): the
   Lua state would be freed under the running code. 0, or -1 raised. */
static int can_close(tdmP_Runtime *r)
{
    if (!r->owns_lua) {
        PyErr_SetString(PyExc_RuntimeError, "this LuaRuntime belongs to its Lua host");
        return -1;
    }
    if (r->rt != NULL && !r->closed && tdmR_held(r->rt)) {
        PyErr_SetString(r->st->mod->LuaError,
                        "cannot close a LuaRuntime from code it is running");
        return -1;
    }
    return 0;
}

typedef struct HeldVisit {
    visitproc visit;
    void *arg;
} HeldVisit;

static int visit_held(const void *handle, void *count, void *arg)
{
    (void)count;
    HeldVisit *h = arg;
    return h->visit((PyObject *)(uintptr_t)handle, h->arg);
}

/* The Lua state is this object's: the Python objects Lua holds (userdata
   owning a reference, recorded by the runtime in tdmR_hold) are visited as
   its references, so a cycle through Lua (a Python function in a Lua global
   that refers to this runtime) is garbage Python's collector can find. Each
   is visited once however many references Lua owns: never more than exist. */
static int runtime_traverse(PyObject *self, visitproc visit, void *arg)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(r->state);
    if (r->owns_lua && r->st != NULL) {
        Py_VISIT(r->st->attribute_filter);
        Py_VISIT(r->st->attr_getter);
        Py_VISIT(r->st->attr_setter);
        Py_VISIT(r->st->overflow_handler);
        Py_VISIT(r->st->last_method);
    }
    if (r->owns_lua && !r->closed && r->rt != NULL) {
        HeldVisit h = {visit, arg};
        int rc = tdmR_each_held(r->rt, TDM_LANG_PYTHON, visit_held, &h);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* Garbage: closing the Lua state drops every Python reference it holds,
   which breaks the cycle. */
static int runtime_clear(PyObject *self)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    /* first, while the Lua state is open: the proxies the state holds
       release their Lua references */
    Py_CLEAR(r->state);
    if (r->owns_lua && r->st != NULL) {
        Py_CLEAR(r->st->attribute_filter);
        Py_CLEAR(r->st->attr_getter);
        Py_CLEAR(r->st->attr_setter);
        Py_CLEAR(r->st->overflow_handler);
        Py_CLEAR(r->st->last_method);
    }
    if (r->owns_lua && !r->closed && r->rt != NULL && !tdmR_held(r->rt)) {
        close_lua(r);
    }
    return 0;
}

static void runtime_dealloc(PyObject *self)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (r->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    Py_CLEAR(r->state);
    if (r->rt != NULL) {
        if (r->owns_lua) {
            close_lua(r);
            tdmR_detach(r->rt, TDM_LANG_PYTHON);
        }
        if (r->owns_lua || r->owns_state) {
            tdmP_state_free(r->st);
        }
        r->st = NULL;
        tdmR_decref(r->rt);
        r->rt = NULL;
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* ---- methods -------------------------------------------------------------- */

/* Text for Lua code and names: str in the source encoding. With a runtime
   encoding other than UTF-8 a str would not arrive as Lua text, so it is
   encoded here (bytes cross as they are). New reference. */
static PyObject *lua_text(tdmP_Runtime *r, PyObject *o)
{
    if (PyUnicode_Check(o) && !r->st->enc_utf8) {
        return PyUnicode_AsEncodedString(o, PyUnicode_AsUTF8(r->st->source_encoding),
                                         "strict");
    }
    return Py_NewRef(o);
}

/* Code argument as str or bytes (new reference). */
static PyObject *code_arg(tdmP_Runtime *r, PyObject *code, const char *prefix)
{
    if (PyUnicode_Check(code)) {
        PyObject *full = prefix ? PyUnicode_FromFormat("%s%U", prefix, code) : Py_NewRef(code);
        if (full == NULL) {
            return NULL;
        }
        PyObject *t = lua_text(r, full);
        Py_DECREF(full);
        return t;
    }
    if (PyBytes_Check(code)) {
        if (prefix == NULL) {
            return Py_NewRef(code);
        }
        /* not "%s": the code may hold NUL bytes, which Lua sees as text */
        PyObject *full = PyBytes_FromString(prefix);
        PyBytes_Concat(&full, code);
        return full;
    }
    (void)r;
    PyErr_Format(PyExc_TypeError, "Lua code must be str or bytes, not %.100s",
                 Py_TYPE(code)->tp_name);
    return NULL;
}

/* Compile code (with chunk name) and, when call, run it with args. */
static PyObject *run_code(tdmP_Runtime *r, PyObject *code, PyObject *name, PyObject *mode,
                          int call, PyObject *const *args, Py_ssize_t n, const char *errprefix)
{
    if (tdmP_check_open(r) < 0) {
        return NULL;
    }
    PyObject *cname = tdmP_chunk_name(r->st, code, name);
    /* the mode as bytes: Lua text whatever the runtime's encoding */
    PyObject *cargs[3] = {code, cname ? lua_text(r, cname) : Py_NewRef(Py_None),
                          mode ? PyUnicode_AsASCIIString(mode) : NULL};
    if (cargs[1] == NULL || (mode != NULL && cargs[2] == NULL)) {
        Py_XDECREF(cargs[1]);
        Py_XDECREF(cargs[2]);
        return NULL;
    }
    PyObject *fn = tdmP_run_sub(r, TDM_OP_COMPILE, call ? TDM_COMPILE_THEN_CALL : 0, cargs,
                                mode ? 3 : cname ? 2 : 1, 0);
    Py_DECREF(cargs[1]);
    Py_XDECREF(cargs[2]);
    if (fn == NULL) {
        if (errprefix != NULL && PyErr_ExceptionMatches(r->st->mod->LuaSyntaxError)
                && !PyErr_ExceptionMatches(r->st->mod->LuaMemoryError)) {
            PyObject *t, *v, *tb;
            PyErr_Fetch(&t, &v, &tb);
            PyObject *msg = v ? PyObject_Str(v) : NULL;
            if (msg != NULL) {
                PyErr_Format(t, "%s%U", errprefix, msg);
                Py_DECREF(msg);
                Py_XDECREF(t);
                Py_XDECREF(v);
                Py_XDECREF(tb);
            } else {
                PyErr_Restore(t, v, tb);
            }
        }
        return NULL;
    }
    if (!call) {
        return fn;
    }
    PyObject *res;
    if (tdmP_is_proxy(r->st->mod, fn)) {
        res = tdmP_run_on((tdmP_Proxy *)fn, TDM_OP_CALL, 0, args, n);
    } else {
        PyErr_SetString(PyExc_TypeError, "compiled Lua code is not a function");
        res = NULL;
    }
    Py_DECREF(fn);
    return res;
}

/* name= and mode= of eval/execute/compile. *mode is the load mode Lua gets
   ("t", "b" or "bt", as lupa); NULL (mode absent or None) keeps tandem's
   default, text only: a binary chunk is not verified by Lua. */
static PyObject *get_name_kw(PyObject *kwnames, PyObject *const *args, Py_ssize_t n,
                             PyObject **mode, int *bad)
{
    PyObject *name = NULL;
    *bad = 0;
    *mode = NULL;
    if (kwnames == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
        PyObject *k = PyTuple_GET_ITEM(kwnames, i);
        if (PyUnicode_Check(k) && PyUnicode_CompareWithASCIIString(k, "name") == 0) {
            name = args[n + i] == Py_None ? NULL : args[n + i];
        } else if (PyUnicode_Check(k) && PyUnicode_CompareWithASCIIString(k, "mode") == 0) {
            *mode = args[n + i];
        } else {
            PyErr_Format(PyExc_TypeError, "unexpected keyword argument %R", k);
            *bad = 1;
        }
    }
    if (name != NULL && !PyUnicode_Check(name)) {
        PyErr_SetString(PyExc_TypeError, "name must be a str");
        *bad = 1;
    }
    if (*mode == Py_None) {
        *mode = NULL;
    } else if (*mode != NULL && !(PyUnicode_Check(*mode)
               && (PyUnicode_CompareWithASCIIString(*mode, "t") == 0
                   || PyUnicode_CompareWithASCIIString(*mode, "b") == 0
                   || PyUnicode_CompareWithASCIIString(*mode, "bt") == 0))) {
        PyErr_Format(PyExc_ValueError, "mode must be 't', 'b' or 'bt', not %R", *mode);
        *bad = 1;
    }
    return name;
}

static PyObject *code_method(PyObject *self, PyObject *const *args, size_t nargsf,
                             PyObject *kwnames, int eval)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    int bad;
    if (n < 1) {
        PyErr_Format(PyExc_TypeError, "%s() missing the Lua code", eval ? "eval" : "execute");
        return NULL;
    }
    PyObject *mode;
    PyObject *name = get_name_kw(kwnames, args, n, &mode, &bad);
    if (bad) {
        return NULL;
    }
    PyObject *code = code_arg(r, args[0], eval ? "return " : NULL);
    if (code == NULL) {
        return NULL;
    }
    PyObject *res = run_code(r, code, name, mode, 1, args + 1, n - 1, "error loading code: ");
    Py_DECREF(code);
    return res;
}

static PyObject *rt_eval(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwn)
{
    return code_method(self, args, nargsf, kwn, 1);
}

static PyObject *rt_execute(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwn)
{
    return code_method(self, args, nargsf, kwn, 0);
}

static PyObject *rt_compile(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwn)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    int bad;
    if (n != 1) {
        PyErr_SetString(PyExc_TypeError, "compile() takes the Lua code");
        return NULL;
    }
    PyObject *mode;
    PyObject *name = get_name_kw(kwn, args, n, &mode, &bad);
    if (bad) {
        return NULL;
    }
    PyObject *code = code_arg(r, args[0], NULL);
    if (code == NULL) {
        return NULL;
    }
    PyObject *res = run_code(r, code, name, mode, 0, NULL, 0, NULL);
    Py_DECREF(code);
    return res;
}

/* _load_ir(ir_text, hook, maxdepth[, emit]): load translated code
   (TDM_OP_LOADIR); used by tandem._translate. With emit true nothing is
   loaded: the result is (pyrt source, source of each function...), for
   standalone files (tandem translate). New reference. */
static PyObject *rt_load_ir(PyObject *self, PyObject *const *args, Py_ssize_t n)
{
    if ((n != 3 && n != 4) || !PyUnicode_Check(args[0]) || !PyLong_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError,
                        "_load_ir(ir_text: str, hook, maxdepth: int[, emit: bool])");
        return NULL;
    }
    int emit = n == 4 ? PyObject_IsTrue(args[3]) : 0;
    if (emit < 0) {
        return NULL;
    }
    return tdmP_run_sub((tdmP_Runtime *)self, TDM_OP_LOADIR, emit ? TDM_LOADIR_EMIT : 0,
                        args, 3, 0);
}

/* _source_ir(fn[, source]): (IR text, upvalue accessor) of a Lua function,
   or (None, "CHUNK:LINE: why") (TDM_OP_SOURCEIR); used by tandem._luaback.
   source: the chunk's text when Lua kept none (a chunk this runtime loaded
   as "=<lua:N>": _chunk_source). New reference. */
static PyObject *rt_source_ir(PyObject *self, PyObject *const *args, Py_ssize_t n)
{
    if (n < 1 || n > 2 || (n == 2 && !PyUnicode_Check(args[1]))) {
        PyErr_SetString(PyExc_TypeError, "_source_ir(fn[, source: str])");
        return NULL;
    }
    return tdmP_run((tdmP_Runtime *)self, TDM_OP_SOURCEIR, args, (int)n, 0);
}

/* _chunk_source(name): the source of a chunk this runtime's eval/execute
   loaded under "=name" (tdmP_chunk_name keeps up to 2000), or None.
   New reference. */
static PyObject *rt_chunk_source(PyObject *self, PyObject *name)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    PyObject *src = r->st != NULL ? PyDict_GetItemWithError(r->st->chunks, name) : NULL;
    if (src == NULL && PyErr_Occurred()) {
        return NULL;
    }
    if (src == NULL || !PyUnicode_Check(src)) {
        Py_RETURN_NONE;
    }
    return Py_NewRef(src);
}

/* translate(fn): fn translated into a Lua function of this runtime
   (docs/translation.md; the front end is tandem._translate). New reference. */
static PyObject *rt_translate(PyObject *self, PyObject *fn)
{
    PyObject *mod = PyImport_ImportModule("tandem._translate");
    if (mod == NULL) {
        return NULL;
    }
    PyObject *res = PyObject_CallMethod(mod, "translate", "OO", self, fn);
    Py_DECREF(mod);
    return res;
}

static PyObject *rt_require(PyObject *self, PyObject *name)
{
    if (!PyUnicode_Check(name) && !PyBytes_Check(name)) {
        PyErr_SetString(PyExc_TypeError, "modulename must be a string");
        return NULL;
    }
    PyObject *t = lua_text((tdmP_Runtime *)self, name);
    if (t == NULL) {
        return NULL;
    }
    PyObject *r = tdmP_run((tdmP_Runtime *)self, TDM_OP_IMPORT, &t, 1, 0);
    Py_DECREF(t);
    return r;
}

static PyObject *rt_globals(PyObject *self, PyObject *unused)
{
    (void)unused;
    return tdmP_run((tdmP_Runtime *)self, TDM_OP_GLOBALS, NULL, 0, 0);
}

/* ---- controls ------------------------------------------------------------- */

static int closed_ctl(tdmP_Runtime *r)
{
    return tdmP_check_open(r);
}

static PyObject *rt_gccollect(PyObject *self, PyObject *unused)
{
    (void)unused;
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    if (closed_ctl(r) < 0) {
        return NULL;
    }
    control(r, TDM_CTL_GC_COLLECT, 0);
    Py_RETURN_NONE;
}

static int total_kw(PyObject *args, PyObject *kw, const char *fmt, PyObject **extra)
{
    static char *kwlist1[] = {(char *)"total", NULL};
    static char *kwlist2[] = {(char *)"max_memory", (char *)"total", NULL};
    int total = 0;
    if (extra == NULL) {
        return PyArg_ParseTupleAndKeywords(args, kw, fmt, kwlist1, &total) ? total : -1;
    }
    return PyArg_ParseTupleAndKeywords(args, kw, fmt, kwlist2, extra, &total) ? total : -1;
}

static PyObject *rt_get_memory_used(PyObject *self, PyObject *args, PyObject *kw)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    int total = total_kw(args, kw, "|p:get_memory_used", NULL);
    if (total < 0 || closed_ctl(r) < 0) {
        return NULL;
    }
    long long used = control(r, TDM_CTL_MEM_USED, 0);
    return PyLong_FromLongLong(total || used < r->membase ? used : used - r->membase);
}

static PyObject *rt_get_max_memory(PyObject *self, PyObject *args, PyObject *kw)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    int total = total_kw(args, kw, "|p:get_max_memory", NULL);
    if (total < 0 || closed_ctl(r) < 0) {
        return NULL;
    }
    if (r->maxmem < 0) {
        Py_RETURN_NONE;         /* as lupa: no max_memory given */
    }
    if (!total) {
        return PyLong_FromLongLong(r->maxmem);
    }
    return PyLong_FromLongLong(control(r, TDM_CTL_MEM_MAX, 0));
}

/* Limit of the Lua allocator: the memory in use when the runtime was made
   is not counted (as lupa's builtins), unless total. */
static void apply_limit(tdmP_Runtime *r, long long max, int total)
{
    r->maxmem = total && max > r->membase ? max - r->membase : max;
    control(r, TDM_CTL_MEM_SETMAX, max == 0 ? 0 : (total ? max : r->membase + max));
}

static PyObject *rt_set_max_memory(PyObject *self, PyObject *args, PyObject *kw)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    PyObject *limit = NULL;
    int total = total_kw(args, kw, "O|p:set_max_memory", &limit);
    if (total < 0 || closed_ctl(r) < 0) {
        return NULL;
    }
    if (r->maxmem < 0) {
        /* as lupa: a limit is a choice made when the runtime is created
           (max_memory=0 there: no limit yet, one may be set later) */
        PyErr_SetString(PyExc_RuntimeError,
                        "max_memory must be set on LuaRuntime creation (0: no limit yet)");
        return NULL;
    }
    long long v = PyLong_AsLongLong(limit);
    if (v == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (v < 0) {
        PyErr_SetString(PyExc_ValueError, "max_memory must not be negative");
        return NULL;
    }
    apply_limit(r, v, total);
    Py_RETURN_NONE;
}

static PyObject *rt_set_overflow_handler(PyObject *self, PyObject *handler)
{
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    if (closed_ctl(r) < 0) {
        return NULL;
    }
    if (handler != Py_None && !PyCallable_Check(handler)) {
        PyErr_SetString(PyExc_ValueError, "overflow_handler must be callable");
        return NULL;
    }
    Py_XSETREF(r->st->overflow_handler, handler == Py_None ? NULL : Py_NewRef(handler));
    Py_RETURN_NONE;
}

/* interrupt(): stop the Lua code running in this runtime (any thread). Does
   not need the GIL for long: the watchdog's mutex is never held while
   waiting for the GIL. */
static PyObject *rt_interrupt(PyObject *self, PyObject *unused)
{
    (void)unused;
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    if (r->closed || r->rt == NULL || r->rt->closed) {
        Py_RETURN_FALSE;
    }
    long long rc = tdmR_control(r->rt, TDM_LANG_LUA, TDM_CTL_INTERRUPT, 0);
    if (rc < 0) {
        PyErr_SetString(r->st->mod->LuaError,
                        "interrupt() is not available for the Lua state of a lua5.4 host");
        return NULL;
    }
    return PyBool_FromLong(rc != 0);
}

/* set_budget(max_instructions=None, timeout=None): the budget of each
   later call (None or 0: no limit). */
static PyObject *rt_set_budget(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"max_instructions", (char *)"timeout", NULL};
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    PyObject *mi = Py_None, *to = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|OO:set_budget", kwlist, &mi, &to)
            || closed_ctl(r) < 0) {
        return NULL;
    }
    tdm_Policy p;
    memset(&p, 0, sizeof p);
    p.size = sizeof p;
    p.max_instructions = mi == Py_None ? 0 : PyLong_AsLongLong(mi);
    p.timeout = to == Py_None ? 0 : PyFloat_AsDouble(to);
    if (PyErr_Occurred()) {
        return NULL;
    }
    if (p.max_instructions < 0 || p.timeout < 0 || p.timeout != p.timeout) {
        PyErr_SetString(PyExc_ValueError, "a budget must not be negative");
        return NULL;
    }
    if (control(r, TDM_CTL_BUDGET, (long long)(uintptr_t)&p) < 0) {
        return tdmP_check_open(r) < 0 ? NULL : PyErr_Format(r->st->mod->LuaError,
                                                            "cannot set a budget");
    }
    r->b_max = p.max_instructions;
    r->b_timeout = p.timeout;
    Py_RETURN_NONE;
}

/* get_budget() -> (max_instructions or None, timeout or None) */
static PyObject *rt_get_budget(PyObject *self, PyObject *unused)
{
    (void)unused;
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    PyObject *mi = r->b_max > 0 ? PyLong_FromLongLong(r->b_max) : Py_NewRef(Py_None);
    PyObject *to = r->b_timeout > 0 ? PyFloat_FromDouble(r->b_timeout) : Py_NewRef(Py_None);
    if (mi == NULL || to == NULL) {
        Py_XDECREF(mi);
        Py_XDECREF(to);
        return NULL;
    }
    return Py_BuildValue("(NN)", mi, to);
}

/* budget(max_instructions=None, timeout=None): a context manager setting
   the budget of the calls inside (tandem._sandbox.Budget). */
static PyObject *rt_budget(PyObject *self, PyObject *args, PyObject *kw)
{
    PyObject *mod = PyImport_ImportModule("tandem._sandbox");
    PyObject *cls = mod ? PyObject_GetAttrString(mod, "Budget") : NULL;
    Py_XDECREF(mod);
    if (cls == NULL) {
        return NULL;
    }
    PyObject *first = PyTuple_Pack(1, self);
    PyObject *all = first ? PySequence_Concat(first, args) : NULL;
    Py_XDECREF(first);
    PyObject *res = all ? PyObject_Call(cls, all, kw) : NULL;
    Py_XDECREF(all);
    Py_DECREF(cls);
    return res;
}

static PyObject *rt_sandboxed(PyObject *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(((tdmP_Runtime *)self)->sandboxed);
}

/* The encoding Lua strings are decoded with (None: they arrive as bytes);
   the Lua -> Python translation's boundary converts as the bridge does. */
static PyObject *rt_encoding(PyObject *self, void *closure)
{
    (void)closure;
    tdmP_State *st = ((tdmP_Runtime *)self)->st;
    if (st == NULL || st->encoding == NULL) {
        Py_RETURN_NONE;
    }
    return Py_NewRef(st->encoding);
}

static PyObject *rt_nogc(PyObject *self, PyObject *unused)
{
    (void)unused;
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    return PyObject_CallOneArg((PyObject *)r->st->mod->nogc_type, self);
}

static PyObject *rt_close(PyObject *self, PyObject *unused)
{
    (void)unused;
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    if (can_close(r) < 0) {
        return NULL;
    }
    close_lua(r);
    Py_RETURN_NONE;
}

static PyObject *rt_enter(PyObject *self, PyObject *unused)
{
    (void)unused;
    return Py_NewRef(self);
}

static PyObject *rt_exit(PyObject *self, PyObject *args)
{
    (void)args;
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    if (r->owns_lua) {
        if (can_close(r) < 0) {
            return NULL;
        }
        close_lua(r);
    }
    Py_RETURN_FALSE;
}

static PyObject *rt_lua_version(PyObject *self, void *closure)
{
    (void)closure;
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    long long v = r->closed ? 504 : control(r, TDM_CTL_VERSION_NUM, 0);
    if (v <= 0) {
        v = 504;
    }
    return Py_BuildValue("(ii)", (int)(v / 100), (int)(v % 100));
}

static PyObject *rt_lua_implementation(PyObject *self, void *closure)
{
    (void)self;
    (void)closure;
    return PyUnicode_FromString(tdmR_release_name(TDM_LANG_LUA));
}

static PyObject *rt_closed(PyObject *self, void *closure)
{
    (void)closure;
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    return PyBool_FromLong(r->closed || r->rt == NULL || r->rt->closed);
}

static PyMethodDef runtime_methods[] = {
    {"eval", (PyCFunction)(void (*)(void))rt_eval, METH_FASTCALL | METH_KEYWORDS,
     "eval(lua_code, *args, name=None)\n--\n\nEvaluate a Lua expression."},
    {"execute", (PyCFunction)(void (*)(void))rt_execute, METH_FASTCALL | METH_KEYWORDS,
     "execute(lua_code, *args, name=None)\n--\n\nExecute a Lua program."},
    {"compile", (PyCFunction)(void (*)(void))rt_compile, METH_FASTCALL | METH_KEYWORDS,
     "compile(lua_code, name=None)\n--\n\nCompile Lua code into a function."},
    {"require", rt_require, METH_O, "Load a Lua module (Lua's require)."},
    {"translate", rt_translate, METH_O,
     "translate(fn)\n--\n\nTranslate a Python function into a Lua function of this "
     "runtime (docs/translation.md)."},
    {"_load_ir", (PyCFunction)(void (*)(void))rt_load_ir, METH_FASTCALL, NULL},
    {"_source_ir", (PyCFunction)(void (*)(void))rt_source_ir, METH_FASTCALL, NULL},
    {"_chunk_source", rt_chunk_source, METH_O, NULL},
    {"_mark_translated", (PyCFunction)(void (*)(void))tdmP_mark_translated, METH_FASTCALL, NULL},
    {"globals", rt_globals, METH_NOARGS, "The Lua global table."},
    {"table", (PyCFunction)(void (*)(void))tdmP_rt_table, METH_VARARGS | METH_KEYWORDS,
     "table(*items, **kwargs)\n--\n\nA new Lua table with the items in order and the "
     "keyword arguments as keys."},
    {"table_from", (PyCFunction)(void (*)(void))tdmP_rt_table_from, METH_FASTCALL | METH_KEYWORDS,
     "table_from(*args, recursive=False)\n--\n\nA new Lua table from mappings and "
     "iterables; with recursive=True nested dicts/lists become tables too."},
    {"gccollect", rt_gccollect, METH_NOARGS, "Run a full Lua garbage collection."},
    {"nogc", rt_nogc, METH_NOARGS, "Context manager stopping the Lua GC inside."},
    {"set_budget", (PyCFunction)(void (*)(void))rt_set_budget, METH_VARARGS | METH_KEYWORDS,
     "set_budget(max_instructions=None, timeout=None)\n--\n\nThe budget of each later "
     "call into Lua; past it LuaTimeoutError (docs/sandbox.md)."},
    {"get_budget", rt_get_budget, METH_NOARGS,
     "get_budget()\n--\n\n(max_instructions, timeout) of each call; None: no limit."},
    {"budget", (PyCFunction)(void (*)(void))rt_budget, METH_VARARGS | METH_KEYWORDS,
     "budget(max_instructions=None, timeout=None)\n--\n\nContext manager: the budget "
     "of the calls inside it, the previous one restored after."},
    {"get_memory_used", (PyCFunction)(void (*)(void))rt_get_memory_used,
     METH_VARARGS | METH_KEYWORDS, "Bytes allocated by the Lua state."},
    {"get_max_memory", (PyCFunction)(void (*)(void))rt_get_max_memory,
     METH_VARARGS | METH_KEYWORDS, "The memory limit (0: none)."},
    {"set_max_memory", (PyCFunction)(void (*)(void))rt_set_max_memory,
     METH_VARARGS | METH_KEYWORDS, "Set the memory limit (0: none)."},
    {"set_overflow_handler", rt_set_overflow_handler, METH_O,
     "Set the function called with Python ints too large for Lua."},
    {"close", rt_close, METH_NOARGS, "Close the Lua state; its objects become unusable."},
    {"interrupt", rt_interrupt, METH_NOARGS,
     "Stop the Lua code running in this runtime with LuaError('...: interrupted')"
     " (callable from any thread). True when code was running; False when none"
     " ran (the next call is not affected)."},
    {"__enter__", rt_enter, METH_NOARGS, NULL},
    {"__exit__", rt_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* The translation layers' state of this runtime (tandem/_perrt.py): a dict
   the runtime owns, so that what it holds (Lua functions and tables of this
   runtime, translated functions) is part of the runtime's own cycle, which
   the collector frees, where a module-level map keyed by the runtime would
   keep the runtime alive through its own values. */
static PyObject *rt_state(PyObject *self, void *closure)
{
    (void)closure;
    tdmP_Runtime *r = (tdmP_Runtime *)self;
    if (r->state == NULL) {
        r->state = PyDict_New();
        if (r->state == NULL) {
            return NULL;
        }
    }
    return Py_NewRef(r->state);
}

static PyGetSetDef runtime_getset[] = {
    {"_state", rt_state, NULL, "The translation layers' per-runtime state (a dict).", NULL},
    {"lua_version", rt_lua_version, NULL, "(major, minor) of the Lua runtime.", NULL},
    {"lua_implementation", rt_lua_implementation, NULL, "e.g. 'Lua 5.4.4'.", NULL},
    {"closed", rt_closed, NULL, "True after close().", NULL},
    {"sandboxed", rt_sandboxed, NULL, "True when made with sandbox=.", NULL},
    {"_encoding", rt_encoding, NULL, "The encoding of Lua strings for Python (None: bytes).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMemberDef runtime_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(tdmP_Runtime, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot runtime_slots[] = {
    {Py_tp_new, runtime_new},
    {Py_tp_dealloc, runtime_dealloc},
    {Py_tp_traverse, runtime_traverse},
    {Py_tp_clear, runtime_clear},
    {Py_tp_methods, runtime_methods},
    {Py_tp_getset, runtime_getset},
    {Py_tp_members, runtime_members},
    {Py_tp_doc, (void *)"LuaRuntime(encoding='UTF-8', source_encoding=None, "
                        "attribute_filter=None, attribute_handlers=None, register_eval=True, "
                        "unpack_returned_tuples=False, register_builtins=True, "
                        "overflow_handler=None, max_memory=None, sandbox=None)\n--\n\n"
                        "A Lua 5.4 state, with lupa's API."},
    {0, NULL},
};

static PyType_Spec runtime_spec = {
    "tandem.LuaRuntime", sizeof(tdmP_Runtime), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE, runtime_slots,
};

int tdmP_runtime_init_type(PyObject *m, tdmP_Module *ms)
{
    PyObject *t = PyType_FromModuleAndSpec(m, &runtime_spec, NULL);
    if (t == NULL) {
        return -1;
    }
    if (PyModule_AddObjectRef(m, "LuaRuntime", t) < 0) {
        Py_DECREF(t);
        return -1;
    }
    ms->runtime_type = (PyTypeObject *)t;
    return 0;
}
