/*
 * pffi_module.c — tandem.FFI (cffi's FFI object), the Lib type of dlopen,
 * the tandem._ffi state module, the choice of registry and the lock.
 *
 * Which registry: FFI(lua) shares the LuaRuntime's (rt->ffi, the one
 * `require "tandem.ffi"` uses in that runtime); FFI() in a Python hosted by
 * a lua5.4 (the pinned host runtime) shares the host's; otherwise FFI() gets
 * a private runtime with only the C language attached. All FFI objects of a
 * runtime share declarations, libraries and prepared signatures.
 */
#include "pffi.h"     /* Python.h first */
#include <dlfcn.h>
#include <string.h>
#include "padapter.h"
#include <structmember.h>

int tdmP_ffi_lock(tdm_Runtime *rt)
{
    if (!tdmR_trylock(rt)) {
        if (rt->pinned && !tdmR_held(rt)) {
            PyErr_SetString(PyExc_RuntimeError, "tandem.ffi: the runtime belongs to its host "
                            "Lua thread; use the ffi from that thread");
            return -1;
        }
        Py_BEGIN_ALLOW_THREADS
        tdmR_lock(rt);
        Py_END_ALLOW_THREADS
    }
    if (tdmR_haspending(rt)) {
        tdmR_drain(rt, TDM_LANG_C);
    }
    return 0;
}

/* ---- types from strings, CTypes and cdata ------------------------------- */

/* cffi's wording of a bad type string, tandem's message (with its
   line:column) kept after it: a lone unknown name is "unknown identifier
   'x'", anything else starts 'cannot parse "<string>"'. */
static void cffi_parse_message(tdmF_Err *err, const char *s, size_t n)
{
    char orig[TDMF_ERRMAX];
    size_t a = 0, b = n, i;
    int ident;
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n')) {
        a++;
    }
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\n')) {
        b--;
    }
    ident = b > a && !(s[a] >= '0' && s[a] <= '9');
    for (i = a; i < b && ident; i++) {
        ident = s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                (s[i] >= '0' && s[i] <= '9');
    }
    snprintf(orig, sizeof orig, "%s", err->msg);
    if (ident && strstr(orig, "unknown type name") != NULL) {
        snprintf(err->msg, sizeof err->msg, "unknown identifier '%.*s'", (int)(b - a), s + a);
    } else {
        snprintf(err->msg, sizeof err->msg, "cannot parse \"%.*s\"\n%.200s",
                 (int)(b - a > 150 ? 150 : b - a), s + a, orig);
    }
}

const tdmF_Type *tdmP_ffi_get_type(tdmP_FFI *f, PyObject *ct, const char *what, int cdata_ok)
{
    tdmP_FFIState *fs = tdmP_ffi_state((PyObject *)f);
    PyObject *hit, *ctype;
    const tdmF_Type *t;
    const char *s;
    Py_ssize_t n;
    tdmF_Err err;
    int st;
    if (Py_TYPE(ct) == fs->ctype_type) {
        const tdmF_Type *ot = ((tdmP_CType *)ct)->type;
        if (((tdmP_CType *)ct)->rt->ffi != f->R) {
            /* a shared CType (built from base types only) is this
               registry's type of the same spelling */
            char tn[256];
            PyObject *str;
            if (!tdmP_ctype_shareable(ot)) {
                PyErr_SetString(PyExc_ValueError, "ctype of another ffi registry");
                return NULL;
            }
            if ((str = PyUnicode_FromString(tdmF_cffi_typename(ot, tn, sizeof tn))) == NULL) {
                return NULL;
            }
            t = tdmP_ffi_get_type(f, str, what, cdata_ok);
            Py_DECREF(str);
            return t;
        }
        return ot;
    }
    if (cdata_ok && tdmP_is_cdata(ct)) {
        return ((tdmP_CData *)ct)->cd->type;
    }
    if (!PyUnicode_Check(ct)) {
        PyErr_Format(PyExc_TypeError, "%s: expected a C type string or a ctype%s, got a "
                     "'%.60s' object", what, cdata_ok ? " or cdata" : "", Py_TYPE(ct)->tp_name);
        return NULL;
    }
    hit = PyDict_GetItemWithError(f->parsed, ct);          /* borrowed */
    if (hit != NULL) {
        return PyLong_AsVoidPtr(hit);      /* this registry's type (its CType may be shared) */
    }
    if (PyErr_Occurred() || (s = PyUnicode_AsUTF8AndSize(ct, &n)) == NULL) {
        return NULL;
    }
    tdmF_err_init(&err);
    if (tdmP_ffi_lock(f->rt) < 0) {
        return NULL;
    }
    st = tdmF_parse_type_ex(f->R, s, (size_t)n, what, TDMF_PT_NAMES, &t, &err);
    tdmR_unlock(f->rt);
    if (st != TDM_OK) {     /* an impossible type (int(*)(int)[5]) is cffi's TypeError */
        if (err.kind == TDMF_EK_DECL) {
            cffi_parse_message(&err, s, (size_t)n);
        }
        tdmP_ffi_raise(fs, f->rt, &err, err.kind == TDMF_EK_TYPE ? PyExc_TypeError
                                                                 : fs->CDefError);
        return NULL;
    }
    if (t->kind == TDMF_ENUM && !(t->flags & TDMF_COMPLETE)) {
        /* `enum foo;` without values: unsigned int, with cffi's warning (once:
           the parsed type is cached below) */
        char tn[128];
        if (PyErr_WarnFormat(PyExc_UserWarning, 1, "'%s' has no values explicitly defined; "
                             "guessing that it is equivalent to 'unsigned int'",
                             tdmF_cffi_typename(t, tn, sizeof tn)) < 0) {
            return NULL;
        }
    }
    ctype = tdmP_ctype_new(fs, f, f->rt, t);      /* held by f->types */
    hit = ctype ? PyLong_FromVoidPtr((void *)t) : NULL;
    if (hit == NULL || PyDict_SetItem(f->parsed, ct, hit) < 0) {
        Py_XDECREF(hit);
        Py_XDECREF(ctype);
        return NULL;
    }
    Py_DECREF(hit);
    Py_DECREF(ctype);
    return t;
}

/* ---- FFI object ----------------------------------------------------------- */

static PyObject *ffi_make(PyTypeObject *type, tdm_Runtime *rt, PyObject *runtime)
{
    tdmP_FFIState *fs = tdmP_ffi_state_of_type(type);
    tdmP_FFI *f;
    char msg[256];
    int st;
    tdmF_CData *nul;
    tdmF_Err err;
    if (tdmP_ffi_lock(rt) < 0) {
        return NULL;
    }
    st = tdmF_attach(rt, msg, sizeof msg);
    if (st == TDM_OK) {
        tdmP_ffi_hooks(rt->ffi);
    }
    tdmR_unlock(rt);
    if (st != TDM_OK) {
        return PyErr_Format(PyExc_MemoryError, "tandem.FFI: %s", msg);
    }
    f = (tdmP_FFI *)type->tp_alloc(type, 0);
    if (f == NULL) {
        return NULL;
    }
    f->rt = rt;
    tdmR_incref(rt);
    f->R = rt->ffi;
    f->runtime = Py_XNewRef(runtime);
    if ((f->types = PyDict_New()) == NULL || (f->parsed = PyDict_New()) == NULL) {
        Py_DECREF(f);
        return NULL;
    }
    tdmF_err_init(&err);
    nul = tdmF_cd_alloc(f->R, tdmF_ptr(f->R, tdmF_base(f->R, TDMF_T_VOID), &err), 8, &err);
    if (nul == NULL || (f->null = tdmP_cd_new(fs, rt, nul, 0)) == NULL) {
        Py_DECREF(f);
        return nul ? NULL : PyErr_NoMemory();
    }
    return (PyObject *)f;
}

static PyObject *ffi_new_obj(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"runtime", NULL};
    tdmP_FFIState *fs = tdmP_ffi_state_of_type(type);
    PyObject *runtime = Py_None, *res;
    tdm_Runtime *rt = NULL;
    int private = 0;
    if (type != fs->ffi_type) {
        /* a subclass: its own __init__ takes the arguments; runtime= only by name */
        runtime = kw ? PyDict_GetItemString(kw, "runtime") : NULL;
        runtime = runtime ? runtime : Py_None;
    } else if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:FFI", kwlist, &runtime)) {
        return NULL;
    }
    if (runtime != Py_None) {
        if (!PyObject_TypeCheck(runtime, fs->runtime_type)) {
            return PyErr_Format(PyExc_TypeError, "FFI(runtime): expected a LuaRuntime, got a "
                                "'%.60s' object", Py_TYPE(runtime)->tp_name);
        }
        rt = ((tdmP_Runtime *)runtime)->rt;
        if (rt == NULL || ((tdmP_Runtime *)runtime)->closed) {
            PyErr_SetString(PyExc_ValueError, "FFI(runtime): the LuaRuntime is closed");
            return NULL;
        }
    } else {
        rt = tdmP_current_rt();
        if (rt == NULL || !rt->pinned) {
            PyObject *m = PyImport_ImportModule("tandem._tandem");
            tdmP_Module *ms = m ? tdmP_modstate(m) : NULL;
            rt = ms && ms->host ? ((tdmP_Runtime *)ms->host)->rt : NULL;
            Py_XDECREF(m);
            PyErr_Clear();
        }
        if (rt == NULL) {
            if ((rt = tdmR_new()) == NULL) {
                return PyErr_NoMemory();
            }
            private = 1;
        }
        runtime = NULL;
    }
    res = ffi_make(type, rt, runtime);
    if (private) {
        tdmR_decref(rt);            /* the FFI object holds its own reference */
    }
    return res;
}

PyObject *tdmP_ffi_for_runtime(PyObject *tandem_module, tdm_Runtime *rt)
{
    tdmP_FFIState *fs = tdmP_ffi_state_of(tandem_module);
    return fs ? ffi_make(fs->ffi_type, rt, NULL) : NULL;
}

static int ffi_traverse(PyObject *self, visitproc visit, void *arg)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(f->types);
    Py_VISIT(f->parsed);
    Py_VISIT(f->null);
    Py_VISIT(f->runtime);
    Py_VISIT(f->dict);
    Py_VISIT(f->libs);
    Py_VISIT(f->sources);
    return 0;
}

static int ffi_clear(PyObject *self)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    Py_CLEAR(f->types);
    Py_CLEAR(f->parsed);
    Py_CLEAR(f->null);
    Py_CLEAR(f->runtime);
    Py_CLEAR(f->dict);
    Py_CLEAR(f->libs);
    Py_CLEAR(f->sources);
    return 0;
}

static void ffi_dealloc(PyObject *self)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (f->weakreflist != NULL) {
        PyObject_ClearWeakRefs(self);
    }
    ffi_clear(self);
    if (f->rt != NULL) {
        tdmR_decref(f->rt);
    }
    tp->tp_free(self);
    Py_DECREF(tp);
}

/* ---- declarations and libraries ----------------------------------------- */

static PyObject *record_source(tdmP_FFI *f, PyObject *src, int packed, int pack);

/* cffi's wording of a cdef error's position, in place of tandem's
   "cdef: line:col: ": a bad declaration is "<file>:<line>: message", a
   syntax error 'cannot parse "<the line>"' then "<file>:<line>:<col>:
   message" ("parse error" then the position when a `# N "file"` line
   marker named the file). <file> is cffi's "<cdef source string>" unless a
   line marker named one, and <line> counts as line markers say. */
static void cffi_cdef_message(tdmF_Err *err, const char *src, size_t n)
{
    char body[TDMF_ERRMAX], out[2 * TDMF_ERRMAX];
    size_t k;
    const char *file = err->pfile[0] ? err->pfile : "<cdef source string>";
    if (err->line <= 0 || err->msgoff < 0 || err->msgoff > (int)strlen(err->msg)) {
        return;
    }
    snprintf(body, sizeof body, "%s", err->msg + err->msgoff);
    if (!err->parse) {
        snprintf(out, sizeof out, "%s:%d: %s", file, err->pline, body);
    } else if (err->pfile[0]) {
        snprintf(out, sizeof out, "parse error\n%s:%d:%d: %s", file, err->pline,
                 err->col, body);
    } else {
        size_t a = 0, b;
        int line = 1;
        while (a < n && line < err->line) {         /* the text of the error's line */
            line += src[a++] == '\n';
        }
        for (b = a; b < n && src[b] != '\n'; b++) {
        }
        while (a < b && (src[a] == ' ' || src[a] == '\t' || src[a] == '\r')) {
            a++;
        }
        while (b > a && (src[b - 1] == ' ' || src[b - 1] == '\t' || src[b - 1] == '\r')) {
            b--;
        }
        snprintf(out, sizeof out, "cannot parse \"%.*s\"\n%s:%d:%d: %s",
                 (int)(b - a > 150 ? 150 : b - a), src + a, file, err->pline, err->col, body);
    }
    k = strlen(out) < sizeof err->msg - 1 ? strlen(out) : sizeof err->msg - 1;
    memcpy(err->msg, out, k);
    err->msg[k] = '\0';
    err->line = 0;                  /* the message has no "cdef: line:col: " any more */
}

static PyObject *ffi_cdef(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"csource", (char *)"override", (char *)"packed",
                             (char *)"pack", NULL};
    tdmP_FFI *f = (tdmP_FFI *)self;
    const char *src;
    Py_ssize_t n;
    int override = 0, packed = 0, pack = 0, st;
    PyObject *packed_o = NULL;
    tdmF_Err err;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s#|pOi:cdef", kwlist, &src, &n, &override,
                                     &packed_o, &pack)) {
        return NULL;
    }
    /* as cffi: packed is False or True (pack=1); pack is a power of two */
    if (packed_o != NULL && (packed = PyObject_IsTrue(packed_o)) < 0) {
        return NULL;
    }
    if (packed && packed_o != Py_True &&
        !(PyLong_Check(packed_o) && PyLong_AsLong(packed_o) == 1)) {
        PyErr_SetString(PyExc_ValueError, "cdef: 'packed' should be False or True; use "
                        "'pack' to give another value");
        return NULL;
    }
    if (packed && pack) {
        PyErr_SetString(PyExc_ValueError, "cdef: 'packed' should be False when 'pack' is "
                        "given");
        return NULL;
    }
    if (pack < 0 || pack > 16 || (pack & (pack - 1)) != 0) {
        return PyErr_Format(PyExc_ValueError, "cdef: 'pack' must be a power of two up to 16, "
                            "not %d", pack);
    }
    pack = packed ? 1 : pack;
    tdmF_err_init(&err);
    if (tdmP_ffi_lock(f->rt) < 0) {
        return NULL;
    }
    st = tdmF_cdef_pack(f->R, src, (size_t)n, pack, &err);
    tdmR_unlock(f->rt);
    if (st != TDM_OK) {
        cffi_cdef_message(&err, src, (size_t)n);
        return tdmP_ffi_raise(tdmP_ffi_state(self), f->rt, &err,
                              tdmP_ffi_state(self)->CDefError);
    }
    return record_source(f, PyTuple_GET_ITEM(args, 0), packed, pack);
}

/* ---- include and introspection -------------------------------------------- */

/* Remember a cdef for include(). None, or NULL raised. */
static PyObject *record_source(tdmP_FFI *f, PyObject *src, int packed, int pack)
{
    PyObject *item;
    if (f->sources == NULL && (f->sources = PyList_New(0)) == NULL) {
        return NULL;
    }
    item = Py_BuildValue("(Oii)", src, packed, pack);
    if (item == NULL || PyList_Append(f->sources, item) < 0) {
        Py_XDECREF(item);
        return NULL;
    }
    Py_DECREF(item);
    Py_RETURN_NONE;
}

/* include(other): the declarations of another FFI become usable in this one.
   FFI objects of one runtime share a registry already; for another
   registry, other's cdefs (its includes among them) are declared here again,
   so the types are equal by declaration, not the same objects. */
static PyObject *ffi_include(PyObject *self, PyObject *other)
{
    tdmP_FFI *f = (tdmP_FFI *)self, *o = (tdmP_FFI *)other;
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    Py_ssize_t i, n;
    if (!PyObject_TypeCheck(other, fs->ffi_type)) {
        return PyErr_Format(PyExc_TypeError, "include(): expected an FFI, got a '%.60s' "
                            "object", Py_TYPE(other)->tp_name);
    }
    if (other == self) {
        PyErr_SetString(PyExc_ValueError, "include(): an FFI cannot include itself");
        return NULL;
    }
    if (o->R == f->R || o->sources == NULL) {
        Py_RETURN_NONE;
    }
    n = PyList_GET_SIZE(o->sources);
    for (i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(o->sources, i), *src = PyTuple_GET_ITEM(item, 0);
        const char *text;
        Py_ssize_t len;
        tdmF_Err err;
        int st;
        if ((text = PyUnicode_AsUTF8AndSize(src, &len)) == NULL) {
            return NULL;
        }
        tdmF_err_init(&err);
        if (tdmP_ffi_lock(f->rt) < 0) {
            return NULL;
        }
        st = tdmF_cdef_pack(f->R, text, (size_t)len,
                            (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 2)), &err);
        tdmR_unlock(f->rt);
        if (st != TDM_OK) {
            cffi_cdef_message(&err, text, (size_t)len);
            tdmF_err_prefix(&err, "include: ");
            return tdmP_ffi_raise(fs, f->rt, &err, fs->CDefError);
        }
        PyObject *r = record_source(f, src, 0, (int)PyLong_AsLong(PyTuple_GET_ITEM(item, 2)));
        if (r == NULL) {
            return NULL;
        }
        Py_DECREF(r);
    }
    Py_RETURN_NONE;
}

static int add_name(void *ud, const tdmF_Name *n)
{
    PyObject *item;
    int rc;
    if (n->flags & TDMF_NF_BUILTIN) {
        return 0;                   /* a standard type (int32_t, size_t, bool, FILE, ...) */
    }
    item = Py_BuildValue("(si)", n->key, n->kind);
    rc = item == NULL || PyList_Append((PyObject *)ud, item) < 0 ? -1 : 0;
    Py_XDECREF(item);
    return rc;
}

static int add_tag(void *ud, const tdmF_Type *t)
{
    const char *kind = t->kind == TDMF_STRUCT ? "struct" : t->kind == TDMF_UNION ? "union"
                                                                               : "enum";
    PyObject *item;
    int rc;
    if (t->name == NULL || t->tdname) {
        return 0;
    }
    item = Py_BuildValue("(ss)", kind, t->name);
    rc = item == NULL || PyList_Append((PyObject *)ud, item) < 0 ? -1 : 0;
    Py_XDECREF(item);
    return rc;
}

/* _names() -> ([(name, kind)], [(tag kind, tag)]): what the registry
   declares (kind: 1 typedef, 2 function, 3 variable, 4 constant); for
   list_types() and dir(lib). */
static PyObject *ffi_names(PyObject *self, PyObject *unused)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    PyObject *names = PyList_New(0), *tags = PyList_New(0), *r = NULL;
    int rc;
    (void)unused;
    if (names == NULL || tags == NULL || tdmP_ffi_lock(f->rt) < 0) {
        goto done;
    }
    rc = tdmF_names_each(f->R, add_name, names);
    rc = rc == 0 ? tdmF_tags_each(f->R, add_tag, tags) : rc;
    tdmR_unlock(f->rt);
    if (rc == 0) {
        r = PyTuple_Pack(2, names, tags);
    }
done:
    Py_XDECREF(names);
    Py_XDECREF(tags);
    return r;
}

/* ---- new, cast, typeof, sizes --------------------------------------------- */

/* Fill the object of type t at addr (nelem elements for [?]) from init.
   bytes and str initializers of a T[?] are followed by a terminator when
   nelem leaves room for it (new's memory is zero anyway; a library's
   unsized array variable gets it as cffi writes it). */
int tdmP_ffi_fill(tdmP_FFI *f, const tdmF_Type *t, void *addr, int64_t nelem, PyObject *init,
                tdmF_Err *err)
{
    if (t->kind == TDMF_ARRAY && PyUnicode_Check(init) && tdmP_unichar(t->base)) {
        int unit = tdmP_unichar(t->base);
        Py_ssize_t n = tdmP_unistr_units(init, unit);
        int64_t cap = t->length >= 0 ? t->length : nelem;
        char eb[64];
        if (n > cap) {
            return tdmF_seterrk(err, TDMF_EK_BOUNDS, TDM_ERRTYPE, "initializer str of length "
                                "%zd is too long for %lld %s", n, (long long)cap,
                                tdmF_typename(t->base, eb, sizeof eb));
        }
        tdmP_unistr_store(init, unit, addr);
        if (n < cap) {
            memset((char *)addr + (size_t)n * (size_t)unit, 0, (size_t)unit);
        }
        return TDM_OK;
    }
    if (t->kind == TDMF_ARRAY && t->length < 0) {
        const tdmF_Type *et = t->base;
        PyObject *seq;
        Py_ssize_t i, n;
        int st = TDM_OK;
        if (PyBytes_Check(init) && et->size == 1) {
            if (PyBytes_GET_SIZE(init) > nelem) {
                return tdmF_seterrk(err, TDMF_EK_BOUNDS, TDM_ERRTYPE, "initializer bytes of "
                                    "length %zd is too long for %lld elements",
                                    PyBytes_GET_SIZE(init), (long long)nelem);
            }
            memcpy(addr, PyBytes_AS_STRING(init), (size_t)PyBytes_GET_SIZE(init));
            if (PyBytes_GET_SIZE(init) < nelem) {
                ((char *)addr)[PyBytes_GET_SIZE(init)] = '\0';
            }
            return TDM_OK;
        }
        if (!PyList_Check(init) && !PyTuple_Check(init)) {
            return tdmF_seterr(err, TDM_ERRTYPE, "initializer for an array must be a list, a "
                               "tuple%s, not '%.60s'", et->size == 1 ? " or bytes" : "",
                               Py_TYPE(init)->tp_name);
        }
        seq = PySequence_Fast(init, "");
        if (seq == NULL) {
            return tdmF_seterr(err, TDM_ERRRUN, "bad initializer");
        }
        n = PySequence_Fast_GET_SIZE(seq);
        for (i = 0; i < n && i < nelem && st == TDM_OK; i++) {
            st = tdmP_ffi_to_c(f->R, et, PySequence_Fast_GET_ITEM(seq, i),
                               (char *)addr + (size_t)i * et->size, TDMF_CV_STORE, err);
            if (st != TDM_OK && !(st == TDM_ERRRUN && PyErr_Occurred())) {
                tdmF_err_prefix(err, "element %zd: ", i);
            }
        }
        Py_DECREF(seq);
        return st;
    }
    if (tdmF_flex_elem(t) != NULL) {
        tdm_Value v;
        int st;
        if (tdmP_ffi_value(f->R, init, &v) < 0) {
            return tdmF_seterr(err, TDM_ERRRUN, "bad initializer");
        }
        st = tdmF_to_c_n(f->R, t, &v, addr, nelem, TDMF_CV_STORE, err);
        tdmF_value_release(f->R, &v);
        return st;
    }
    return tdmP_ffi_to_c(f->R, t, init, addr, TDMF_CV_STORE, err);
}

/* cffi's rule for new("struct s *", init) when struct s ends in a
   variable-length array, directly or through a last struct member (struct
   bar { ...; struct foo tail; } with struct foo { ...; short data[]; }): the
   count comes from that array's initializer (a list or tuple: its length;
   bytes or str: length + 1; an int: the count itself, which then
   initializes nothing). *init may become a new reference, stored in *owned.
   -1 with an exception set on failure. */
static int flex_count(tdmP_FFI *f, const tdmF_Type *st, PyObject **init, PyObject **owned,
                      int64_t *nelem)
{
    const tdmF_Field *last = &st->fields[st->nfields - 1];
    PyObject *v = NULL, *n = NULL, *sub = NULL;
    Py_ssize_t k = 0;
    int bydict = 0;
    *nelem = -1;
    for (int i = 0; i < st->nfields - 1; i++) {
        k += !(st->fields[i].name == NULL && st->fields[i].isbit);  /* padding takes none */
    }
    if ((PyList_Check(*init) || PyTuple_Check(*init)) && PySequence_Fast_GET_SIZE(*init) == k + 1) {
        v = PySequence_Fast_GET_ITEM(*init, k);
    } else if (PyDict_Check(*init) && last->name != NULL) {
        v = PyDict_GetItemString(*init, last->name);    /* borrowed */
        bydict = 1;
    }
    if (v == NULL) {
        return 0;
    }
    if (last->type->kind == TDMF_STRUCT) {
        /* the array ends the last member: its own initializer says */
        PyObject *v2 = v;
        if (flex_count(f, last->type, &v2, &sub, nelem) < 0) {
            return -1;
        }
        if (sub == NULL) {
            return 0;
        }
        /* the member's initializer lost its count: rebuild ours around it */
        if (bydict) {
            n = PyDict_Copy(*init);
            if (n != NULL && PyDict_SetItemString(n, last->name, sub) < 0) {
                Py_CLEAR(n);
            }
        } else if ((n = PySequence_List(*init)) != NULL) {
            Py_INCREF(sub);
            PyList_SET_ITEM(n, k, sub);     /* steals; the old item is dropped below */
            Py_DECREF(v);
        }
        Py_DECREF(sub);
        if (n == NULL) {
            return -1;
        }
        *owned = *init = n;
        return 0;
    }
    if (PyList_Check(v) || PyTuple_Check(v)) {
        *nelem = PySequence_Fast_GET_SIZE(v);
    } else if (PyBytes_Check(v)) {
        *nelem = PyBytes_GET_SIZE(v) + 1;
    } else if (PyUnicode_Check(v) && tdmP_unichar(last->type->base)) {
        *nelem = tdmP_unistr_units(v, tdmP_unichar(last->type->base)) + 1;
    } else if (PyLong_Check(v)) {
        *nelem = PyLong_AsLongLong(v);
        if (*nelem < 0) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_ValueError, "new: negative array length");
            }
            return -1;
        }
        if (PyDict_Check(*init)) {
            n = PyDict_Copy(*init);
            if (n != NULL && PyDict_DelItemString(n, last->name) < 0) {
                Py_CLEAR(n);
            }
        } else {
            n = PySequence_GetSlice(*init, 0, k);
        }
        if (n == NULL) {
            return -1;
        }
        *owned = *init = n;
    }
    return 0;
}

static PyObject *ffi_new(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"cdecl", (char *)"init", NULL};
    tdmP_FFI *f = (tdmP_FFI *)self;
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    PyObject *ct, *init = Py_None, *owned = NULL;
    const tdmF_Type *t, *target;
    tdmF_CData *cd;
    tdmF_Err err;
    int64_t nelem = -1;
    char tn[160];
    void *addr;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O:new", kwlist, &ct, &init) ||
        (t = tdmP_ffi_get_type(f, ct, "new", 0)) == NULL) {
        return NULL;
    }
    if (t->kind != TDMF_PTR && t->kind != TDMF_ARRAY) {
        return PyErr_Format(PyExc_TypeError, "expected a pointer or array ctype, got '%s'",
                            tdmF_cffi_typename(t, tn, sizeof tn));
    }
    target = t->kind == TDMF_PTR ? t->base : t;
    if (t->kind == TDMF_ARRAY && t->length < 0) {
        if (PyLong_Check(init)) {
            nelem = PyLong_AsLongLong(init);
            if (nelem < 0) {
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_ValueError, "new: negative array length");
                }
                return NULL;
            }
            init = Py_None;
        } else if (PyBytes_Check(init) && t->base->size == 1) {
            nelem = PyBytes_GET_SIZE(init) + 1;
        } else if (PyUnicode_Check(init) && tdmP_unichar(t->base)) {
            nelem = tdmP_unistr_units(init, tdmP_unichar(t->base)) + 1;
        } else if (PyList_Check(init) || PyTuple_Check(init)) {
            nelem = PySequence_Size(init);
        } else {
            return PyErr_Format(PyExc_TypeError, "new '%s': needs a length or a list, tuple "
                                "or bytes initializer", tdmF_cffi_typename(t, tn, sizeof tn));
        }
    }
    tdmF_err_init(&err);
    if (target->kind == TDMF_VOID || target->kind == TDMF_FUNC) {
        return PyErr_Format(PyExc_TypeError, "cannot instantiate ctype '%s' of unknown size",
                            tdmF_cffi_typename(target, tn, sizeof tn));
    }
    if (t->kind == TDMF_PTR && tdmF_flex_elem(target) != NULL && init != Py_None &&
        flex_count(f, target, &init, &owned, &nelem) < 0) {
        return NULL;
    }
    if (tdmF_new(f->R, t, nelem, TDMF_NEW_POINTEE, NULL, &cd, &err) != TDM_OK) {
        Py_XDECREF(owned);
        return tdmP_ffi_raise(fs, f->rt, &err, NULL);
    }
    addr = t->kind == TDMF_PTR ? *(void **)cd->addr : cd->addr;
    if (init != Py_None && tdmP_ffi_fill(f, target, addr, nelem, init, &err) != TDM_OK) {
        Py_XDECREF(owned);
        tdmP_cd_release(f->rt, cd);
        if (!(err.status == TDM_ERRRUN && PyErr_Occurred())) {
            tdmF_err_prefix(&err, "new '%s': ", tdmF_cffi_typename(t, tn, sizeof tn));
        }
        return tdmP_ffi_raise(fs, f->rt, &err, NULL);
    }
    Py_XDECREF(owned);
    return tdmP_cd_new(fs, f->rt, cd, TDMP_CD_OWNING);
}

/* _view(cdecl, raw, nelem): a cdata of type cdecl ('T *' or an array) over
   the memory of the pointer or array cdata raw, keeping raw alive; nelem
   for a T[] type. The building block of new_allocator (tandem/_ffi_api.py). */
static PyObject *ffi_view(PyObject *self, PyObject *args)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    PyObject *ct, *raw;
    long long nelem;
    const tdmF_Type *t;
    tdmF_CData *src, *cd = NULL;
    tdmF_Err err;
    void *addr;
    if (!PyArg_ParseTuple(args, "OOL:_view", &ct, &raw, &nelem) ||
        (t = tdmP_ffi_get_type(f, ct, "new", 0)) == NULL) {
        return NULL;
    }
    if (!tdmP_is_cdata(raw) || ((tdmP_CData *)raw)->rt != f->rt) {
        return PyErr_Format(PyExc_TypeError, "alloc() must return a cdata object (got %.60s)",
                            Py_TYPE(raw)->tp_name);
    }
    src = ((tdmP_CData *)raw)->cd;
    if (src->type->kind != TDMF_PTR && src->type->kind != TDMF_ARRAY) {
        char tn[160];
        return PyErr_Format(PyExc_TypeError, "alloc() must return a cdata pointer, not '%s'",
                            tdmF_cffi_typename(src->type, tn, sizeof tn));
    }
    if ((addr = tdmF_cd_address(src)) == NULL) {
        return PyErr_NoMemory();
    }
    tdmF_err_init(&err);
    if (tdmP_ffi_lock(f->rt) < 0) {
        return NULL;
    }
    if (t->kind == TDMF_ARRAY) {
        cd = tdmF_cd_ref(f->R, t, addr, t->length >= 0 ? t->length : nelem, src, &err);
    } else if (t->kind == TDMF_PTR) {
        cd = tdmF_cd_alloc(f->R, t, sizeof(void *), &err);
        if (cd != NULL) {
            *(void **)cd->addr = addr;
            cd->keep = src;
            src->refs++;
        }
    } else {
        tdmF_seterr(&err, TDM_ERRTYPE, "expected a pointer or array ctype");
    }
    tdmR_unlock(f->rt);
    if (cd == NULL) {
        return tdmP_ffi_raise(fs, f->rt, &err, PyExc_TypeError);
    }
    return tdmP_cd_new(fs, f->rt, cd, 0);
}

static PyObject *ffi_cast(PyObject *self, PyObject *args)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    PyObject *ct, *val;
    const tdmF_Type *t;
    tdmF_CData *cd = NULL;
    tdm_Value v;
    tdmF_Err err;
    int st;
    if (!PyArg_ParseTuple(args, "OO:cast", &ct, &val) ||
        (t = tdmP_ffi_get_type(f, ct, "cast", 0)) == NULL) {
        return NULL;
    }
    if (t->kind == TDMF_COMPLEX && !tdmP_is_cdata(val)) {
        /* a Python number to a complex: converted here (no neutral complex) */
        tdmF_err_init(&err);
        if ((cd = tdmF_cd_alloc(f->R, t, t->size, &err)) == NULL) {
            return PyErr_NoMemory();
        }
        if (tdmP_ffi_to_c(f->R, t, val, cd->addr, TDMF_CV_STORE, &err) != TDM_OK) {
            tdmP_cd_release(f->rt, cd);
            return tdmP_ffi_raise(fs, f->rt, &err, PyExc_TypeError);
        }
        return tdmP_cd_new(fs, f->rt, cd, 0);
    }
    if (PyBytes_Check(val) && PyBytes_GET_SIZE(val) == 1) {
        v = tdm_int((unsigned char)PyBytes_AS_STRING(val)[0]);
    } else if (PyUnicode_Check(val) && PyUnicode_GetLength(val) == 1) {
        /* cffi: a one-character str casts as its code point */
        v = tdm_int((int64_t)PyUnicode_READ_CHAR(val, 0));
    } else if (tdmP_is_cdata(val) && ((tdmP_CData *)val)->cd->type->kind == TDMF_INT &&
               (((tdmP_CData *)val)->cd->type->flags & TDMF_CHAR)) {
        /* cffi: a `char` cdata casts as its unsigned byte (0x80 -> 128) */
        v = tdm_int(*(unsigned char *)((tdmP_CData *)val)->cd->addr);
    } else if (PyFloat_Check(val) && t->kind == TDMF_INT && (t->flags & TDMF_BOOL)) {
        v = tdm_int(PyFloat_AS_DOUBLE(val) != 0.0);     /* C: (_Bool)0.1 is 1 */
    } else if (PyLong_Check(val) && !PyBool_Check(val)) {
        /* C rule: wrap modulo 2^64 */
        unsigned long long u = PyLong_AsUnsignedLongLongMask(val);
        if (u == (unsigned long long)-1 && PyErr_Occurred()) {
            return NULL;
        }
        v = tdm_int((int64_t)u);
    } else if (tdmP_ffi_value(f->R, val, &v) < 0) {
        return NULL;
    }
    tdmF_err_init(&err);
    /* the lock guards only the count of a cdata the result will keep */
    tdmF_CData *src = tdmF_cd_of(&v);
    int locked = src != NULL && (src->type->kind == TDMF_ARRAY || src->keep != NULL);
    if (locked && tdmP_ffi_lock(f->rt) < 0) {
        return NULL;
    }
    st = tdmF_cast(f->R, t, &v, &cd, &err);
    tdmF_value_release(f->R, &v);
    if (locked) {
        tdmR_unlock(f->rt);
    }
    if (st != TDM_OK) {     /* a cast to a function type is cffi's CDefError */
        return tdmP_ffi_raise(fs, f->rt, &err,
                              err.kind == TDMF_EK_DECL ? NULL : PyExc_TypeError);
    }
    return tdmP_cd_new(fs, f->rt, cd, 0);
}

static PyObject *ffi_typeof(PyObject *self, PyObject *ct)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    const tdmF_Type *t = tdmP_ffi_get_type(f, ct, "typeof", 1);
    char tn[160];
    if (t == NULL) {
        return NULL;
    }
    if (t->kind == TDMF_FUNC && PyUnicode_Check(ct)) {
        return PyErr_Format(tdmP_ffi_state(self)->CDefError, "the type '%s' is a function "
                            "type, not a pointer-to-function type",
                            tdmF_cffi_typename(t, tn, sizeof tn));
    }
    return tdmP_ctype_new(tdmP_ffi_state(self), f, f->rt, t);
}

static PyObject *ffi_sizeof(PyObject *self, PyObject *ct)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    const tdmF_Type *t = tdmP_ffi_get_type(f, ct, "sizeof", 1);
    tdmF_Err err;
    if (t == NULL) {
        return NULL;
    }
    if (tdmP_is_cdata(ct)) {
        return PyLong_FromSize_t(tdmF_cd_size(((tdmP_CData *)ct)->cd));
    }
    tdmF_err_init(&err);
    if (tdmF_sized(t, "sizeof", &err) != TDM_OK) {
        return tdmP_ffi_raise(tdmP_ffi_state(self), f->rt, &err, tdmP_ffi_state(self)->FFIError);
    }
    return PyLong_FromSize_t(t->size);
}

static PyObject *ffi_alignof(PyObject *self, PyObject *ct)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    const tdmF_Type *t = tdmP_ffi_get_type(f, ct, "alignof", 1);
    tdmF_Err err;
    if (t == NULL) {
        return NULL;
    }
    tdmF_err_init(&err);
    if (t->kind != TDMF_ARRAY && tdmF_sized(t, "alignof", &err) != TDM_OK) {
        return tdmP_ffi_raise(tdmP_ffi_state(self), f->rt, &err, tdmP_ffi_state(self)->FFIError);
    }
    return PyLong_FromSize_t(t->align);
}

/* offsetof(ct, field, ...): fields chained through nested structs; an int
   indexes an array. */
static PyObject *ffi_offsetof(PyObject *self, PyObject *args)
{
    tdmP_FFI *f = (tdmP_FFI *)self;
    tdmP_FFIState *fs = tdmP_ffi_state(self);
    Py_ssize_t n = PyTuple_GET_SIZE(args), i;
    const tdmF_Type *t;
    size_t total = 0;
    tdmF_Err err;
    if (n < 2) {
        PyErr_SetString(PyExc_TypeError, "offsetof(ctype, field, ...) needs a field");
        return NULL;
    }
    if ((t = tdmP_ffi_get_type(f, PyTuple_GET_ITEM(args, 0), "offsetof", 0)) == NULL) {
        return NULL;
    }
    tdmF_err_init(&err);
    for (i = 1; i < n; i++) {
        PyObject *k = PyTuple_GET_ITEM(args, i);
        if (PyLong_Check(k) && (t->kind == TDMF_ARRAY || t->kind == TDMF_PTR)) {
            Py_ssize_t idx = PyLong_AsSsize_t(k);
            if (idx == -1 && PyErr_Occurred()) {
                return NULL;
            }
            t = t->base;
            total += (size_t)idx * t->size;
            continue;
        }
        const char *name = PyUnicode_Check(k) ? PyUnicode_AsUTF8(k) : NULL;
        size_t off = 0;
        const tdmF_Field *fld;
        if (name == NULL) {
            PyErr_SetString(PyExc_TypeError, "offsetof: field names must be str");
            return NULL;
        }
        if (tdmF_offsetof(f->R, t, name, &off, &err) != TDM_OK) {
            return tdmP_ffi_raise(fs, f->rt, &err, PyExc_KeyError);
        }
        size_t o2 = 0;
        fld = tdmF_field_find(t, name, &o2);
        total += off;
        t = fld->type;
    }
    return PyLong_FromSize_t(total);
}

/* callback(cdecl, fn, error=, onerror=). Giving error= or onerror= asks for
   cffi's handling of an exception in fn (onerror, or a traceback on stderr,
   and the error value to C); without either the exception is re-raised in
   the caller once the native call returns (docs/ffi.md). */
static PyObject *ffi_callback(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"cdecl", (char *)"python_callable", (char *)"error",
                             (char *)"onerror", NULL};
    tdmP_FFI *f = (tdmP_FFI *)self;
    PyObject *ct, *fn = Py_None, *error = NULL, *onerror = Py_None;
    const tdmF_Type *t;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OOO:callback", kwlist, &ct, &fn, &error,
                                     &onerror)) {
        return NULL;
    }
    if (onerror != Py_None && !PyCallable_Check(onerror)) {
        PyErr_SetString(PyExc_TypeError, "callback: onerror must be callable");
        return NULL;
    }
    if (fn == Py_None) {
        /* decorator form: ffi.callback(ct, error=..., onerror=...)(fn) */
        PyObject *functools = PyImport_ImportModule("functools"), *partial, *meth, *r = NULL;
        PyObject *a = NULL, *k = PyDict_New();
        if (functools == NULL || k == NULL ||
            (error != NULL && PyDict_SetItemString(k, "error", error) < 0) ||
            (onerror != Py_None && PyDict_SetItemString(k, "onerror", onerror) < 0)) {
            Py_XDECREF(functools);
            Py_XDECREF(k);
            return NULL;
        }
        partial = PyObject_GetAttrString(functools, "partial");
        meth = PyObject_GetAttrString(self, "_callback_deco");
        a = partial && meth ? PyTuple_Pack(2, meth, ct) : NULL;
        if (a != NULL) {
            r = PyObject_Call(partial, a, k);
        }
        Py_XDECREF(a);
        Py_DECREF(k);
        Py_XDECREF(partial);
        Py_XDECREF(meth);
        Py_DECREF(functools);
        return r;
    }
    if ((t = tdmP_ffi_get_type(f, ct, "callback", 0)) == NULL) {
        return NULL;
    }
    if (!PyCallable_Check(fn)) {
        return PyErr_Format(PyExc_TypeError, "callback: expected a callable, got a '%.60s' "
                            "object", Py_TYPE(fn)->tp_name);
    }
    return tdmP_ffi_callback(f, t, fn, error, onerror == Py_None ? NULL : onerror);
}

static PyObject *ffi_gc(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"cdata", (char *)"destructor", (char *)"size", NULL};
    PyObject *o, *d;
    Py_ssize_t size = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|n:gc", kwlist, &o, &d, &size)) {
        return NULL;
    }
    if (!tdmP_is_cdata(o)) {
        PyErr_SetString(PyExc_TypeError, "gc(): expected a cdata");
        return NULL;
    }
    return tdmP_ffi_gc((tdmP_FFI *)self, o, d, size);
}

static PyObject *ffi_new_handle(PyObject *self, PyObject *obj)
{
    return tdmP_ffi_new_handle((tdmP_FFI *)self, obj);
}

static PyObject *ffi_from_handle(PyObject *self, PyObject *p)
{
    return tdmP_ffi_from_handle((tdmP_FFI *)self, p);
}

/* getctype(cdecl, replace_with=''): cffi's rule. The type is spelled with
   a marker where a declarator name goes; replace_with (stripped) replaces
   it, parenthesised when it starts with '*' before an array suffix, else
   after a space unless it starts with '[' or '('. */
static PyObject *ffi_getctype(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {(char *)"cdecl", (char *)"replace_with", NULL};
    static const char mark[2] = {TDMF_SPELL_MARK, '\0'};
    tdmP_FFI *f = (tdmP_FFI *)self;
    PyObject *ct, *repl = NULL, *tmpl = NULL, *r = NULL, *m = NULL, *res = NULL;
    const tdmF_Type *t;
    char buf[256];
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|U:getctype", kwlist, &ct, &repl) ||
        (t = tdmP_ffi_get_type(f, ct, "getctype", 1)) == NULL) {
        return NULL;
    }
    tdmF_cffi_declname(t, mark, buf, sizeof buf);
    if ((tmpl = PyUnicode_FromString(buf)) == NULL || (m = PyUnicode_FromString(mark)) == NULL) {
        goto done;
    }
    r = repl ? PyObject_CallMethod(repl, "strip", NULL) : PyUnicode_FromString("");
    if (r == NULL) {
        goto done;
    }
    if (PyUnicode_GET_LENGTH(r) > 0) {
        Py_UCS4 c = PyUnicode_READ_CHAR(r, 0);
        PyObject *r2 = NULL;
        if (c == '*' && strchr(buf, TDMF_SPELL_MARK)[1] == '[') {
            r2 = PyUnicode_FromFormat("(%U)", r);
        } else if (c != '[' && c != '(') {
            r2 = PyUnicode_FromFormat(" %U", r);
        }
        if (r2 != NULL) {
            Py_SETREF(r, r2);
        } else if (PyErr_Occurred()) {
            goto done;
        }
    }
    res = PyUnicode_Replace(tmpl, m, r, 1);
done:
    Py_XDECREF(tmpl);
    Py_XDECREF(m);
    Py_XDECREF(r);
    return res;
}

static PyObject *ffi_release(PyObject *self, PyObject *o)
{
    (void)self;
    (void)o;
    Py_RETURN_NONE;
}

static PyObject *ffi_get_errno(PyObject *self, void *closure)
{
    (void)self;
    (void)closure;
    return PyLong_FromLong(tdmF_errno());
}

static int ffi_set_errno(PyObject *self, PyObject *v, void *closure)
{
    (void)self;
    (void)closure;
    long e = v ? PyLong_AsLong(v) : 0;
    if (e == -1 && PyErr_Occurred()) {
        return -1;
    }
    tdmF_set_errno((int)e);
    return 0;
}

/* FFI.NULL: a descriptor giving an FFI object its own 'void *' NULL cdata,
   and the class itself (cffi's FFI.NULL) the NULL of a private FFI made on
   first use. Read-only. */
typedef struct NullDescr {
    PyObject_HEAD
    PyTypeObject *ffi_type;     /* strong */
    PyObject *cls_null;         /* strong, or NULL until the class asks */
} NullDescr;

static PyObject *null_get(PyObject *self, PyObject *obj, PyObject *type)
{
    NullDescr *d = (NullDescr *)self;
    (void)type;
    if (obj != NULL && obj != Py_None && PyObject_TypeCheck(obj, d->ffi_type)) {
        return Py_NewRef(((tdmP_FFI *)obj)->null);
    }
    if (d->cls_null == NULL) {
        PyObject *f = PyObject_CallNoArgs((PyObject *)d->ffi_type);
        if (f == NULL) {
            return NULL;
        }
        d->cls_null = Py_NewRef(((tdmP_FFI *)f)->null);
        Py_DECREF(f);
    }
    return Py_NewRef(d->cls_null);
}

static int null_set(PyObject *self, PyObject *obj, PyObject *value)
{
    (void)self;
    (void)obj;
    (void)value;
    PyErr_SetString(PyExc_AttributeError, "attribute 'NULL' of 'FFI' objects is not writable");
    return -1;
}

static void null_dealloc(PyObject *self)
{
    NullDescr *d = (NullDescr *)self;
    PyTypeObject *tp = Py_TYPE(self);
    Py_XDECREF(d->ffi_type);
    Py_XDECREF(d->cls_null);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyType_Slot null_slots[] = {
    {Py_tp_descr_get, null_get},
    {Py_tp_descr_set, null_set},
    {Py_tp_dealloc, null_dealloc},
    {Py_tp_doc, (void *)"A 'void *' cdata with address 0."},
    {0, NULL},
};

static PyType_Spec null_spec = {
    "tandem._ffi.NullDescriptor", sizeof(NullDescr), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION, null_slots,
};

static int add_null(PyObject *fm, tdmP_FFIState *fs)
{
    PyObject *tp = PyType_FromModuleAndSpec(fm, &null_spec, NULL);
    NullDescr *d;
    int rc;
    if (tp == NULL) {
        return -1;
    }
    d = PyObject_New(NullDescr, (PyTypeObject *)tp);
    Py_DECREF(tp);
    if (d == NULL) {
        return -1;
    }
    d->ffi_type = (PyTypeObject *)Py_NewRef(fs->ffi_type);
    d->cls_null = NULL;
    rc = PyDict_SetItemString(fs->ffi_type->tp_dict, "NULL", (PyObject *)d);
    Py_DECREF(d);
    return rc;
}

static PyGetSetDef ffi_getset[] = {
    {"errno", ffi_get_errno, ffi_set_errno, "errno as the last C call of this thread left it.",
     NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef ffi_methods[] = {
    {"cdef", (PyCFunction)(void (*)(void))ffi_cdef, METH_VARARGS | METH_KEYWORDS,
     "cdef(source): declare C functions, types, variables and constants."},
    {"dlopen", tdmP_ffi_dlopen, METH_VARARGS,
     "dlopen(name[, flags]): load a library (None: the C library)."},
    {"dlclose", tdmP_ffi_dlclose, METH_O, "Libraries stay loaded until the registry is freed."},
    {"new", (PyCFunction)(void (*)(void))ffi_new, METH_VARARGS | METH_KEYWORDS,
     "new(cdecl[, init]): allocate zeroed C memory owned by the returned cdata."},
    {"cast", ffi_cast, METH_VARARGS, "cast(cdecl, value): C conversion rules."},
    {"typeof", ffi_typeof, METH_O, "typeof(cdecl or cdata) -> CType."},
    {"sizeof", ffi_sizeof, METH_O, "sizeof(cdecl or cdata) -> the size in bytes."},
    {"alignof", ffi_alignof, METH_O, "alignof(cdecl or cdata) -> the alignment in bytes."},
    {"offsetof", ffi_offsetof, METH_VARARGS,
     "offsetof(cdecl, field, ...) -> the offset of a (nested) field in bytes."},
    {"string", (PyCFunction)(void (*)(void))tdmP_ffi_string, METH_VARARGS | METH_KEYWORDS,
     "string(cdata[, maxlen]) -> bytes (str for wchar_t, the name for an enum)."},
    {"unpack", tdmP_ffi_unpack, METH_VARARGS, "unpack(cdata, length) -> bytes, str or list."},
    {"from_buffer", (PyCFunction)(void (*)(void))tdmP_ffi_from_buffer,
     METH_VARARGS | METH_KEYWORDS,
     "from_buffer([cdecl,] obj): a cdata over a Python buffer."},
    {"memmove", (PyCFunction)(void (*)(void))tdmP_ffi_memmove, METH_VARARGS | METH_KEYWORDS,
     "memmove(dest, src, n): copy n bytes between cdata or buffers."},
    {"addressof", tdmP_ffi_addressof, METH_VARARGS, "addressof(cdata, *fields_or_indexes)"},
    {"callback", (PyCFunction)(void (*)(void))ffi_callback, METH_VARARGS | METH_KEYWORDS,
     "callback(cdecl, fn=None, error=None, onerror=None); a decorator without fn."},
    {"_callback_deco", (PyCFunction)(void (*)(void))ffi_callback, METH_VARARGS | METH_KEYWORDS,
     NULL},
    {"gc", (PyCFunction)(void (*)(void))ffi_gc, METH_VARARGS | METH_KEYWORDS,
     "gc(cdata, destructor): a new cdata calling destructor(cdata) when collected."},
    {"new_handle", ffi_new_handle, METH_O,
     "new_handle(obj) -> a 'void *' cdata standing for obj while it lives."},
    {"from_handle", ffi_from_handle, METH_O,
     "from_handle(p) -> the object of a live new_handle() cdata."},
    {"getctype", (PyCFunction)(void (*)(void))ffi_getctype, METH_VARARGS | METH_KEYWORDS,
     "getctype(cdecl[, replace_with]) -> the C spelling of a type."},
    {"release", ffi_release, METH_O,
     "release(cdata): memory of new() is freed when its cdata is collected."},
    {"include", ffi_include, METH_O,
     "include(other_ffi): use the types and declarations of another FFI here."},
    {"_names", ffi_names, METH_NOARGS, NULL},
    {"_view", ffi_view, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* An FFI has an instance dict as cffi.FFI has (`ffi.C = ffi.dlopen(None)`),
   weak references, and may be subclassed. */
static PyMemberDef ffi_members[] = {
    {"__dictoffset__", T_PYSSIZET, offsetof(tdmP_FFI, dict), READONLY, NULL},
    {"__weaklistoffset__", T_PYSSIZET, offsetof(tdmP_FFI, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot ffi_slots[] = {
    {Py_tp_members, ffi_members},
    {Py_tp_new, ffi_new_obj},
    {Py_tp_dealloc, ffi_dealloc},
    {Py_tp_traverse, ffi_traverse},
    {Py_tp_clear, ffi_clear},
    {Py_tp_methods, ffi_methods},
    {Py_tp_getset, ffi_getset},
    {Py_tp_doc, (void *)"FFI([runtime]) — cffi's ABI-mode API over tandem's C type model.\n\n"
                        "With a LuaRuntime, declarations are shared with `require \"tandem.ffi\"` "
                        "in that runtime."},
    {0, NULL},
};

static PyType_Spec ffi_spec = {
    "tandem.FFI", sizeof(tdmP_FFI), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE, ffi_slots,
};

/* ---- the tandem._ffi state module ---------------------------------------------- */

static int fm_traverse(PyObject *m, visitproc visit, void *arg)
{
    tdmP_FFIState *fs = PyModule_GetState(m);
    Py_VISIT(fs->ffi_type);
    Py_VISIT(fs->cdata_type);
    Py_VISIT(fs->ctype_type);
    Py_VISIT(fs->buffer_type);
    Py_VISIT(fs->lib_type);
    Py_VISIT(fs->FFIError);
    Py_VISIT(fs->CDefError);
    Py_VISIT(fs->ValueError);
    Py_VISIT(fs->handles);
    Py_VISIT(fs->ctypes);
    Py_VISIT(fs->shared);
    Py_VISIT(fs->runtime_type);
    return 0;
}

static int fm_clear(PyObject *m)
{
    tdmP_FFIState *fs = PyModule_GetState(m);
    Py_CLEAR(fs->ffi_type);
    Py_CLEAR(fs->cdata_type);
    Py_CLEAR(fs->ctype_type);
    Py_CLEAR(fs->buffer_type);
    Py_CLEAR(fs->lib_type);
    Py_CLEAR(fs->FFIError);
    Py_CLEAR(fs->CDefError);
    Py_CLEAR(fs->ValueError);
    Py_CLEAR(fs->handles);
    Py_CLEAR(fs->ctypes);
    Py_CLEAR(fs->shared);
    Py_CLEAR(fs->runtime_type);
    return 0;
}

static void fm_free(void *m)
{
    fm_clear((PyObject *)m);
}

static int fm_exec(PyObject *fm)
{
    tdmP_FFIState *fs = PyModule_GetState(fm);
    static const struct { const char *name; int value; } rtld[] = {
        {"RTLD_LAZY", RTLD_LAZY}, {"RTLD_NOW", RTLD_NOW}, {"RTLD_GLOBAL", RTLD_GLOBAL},
        {"RTLD_LOCAL", RTLD_LOCAL}, {"RTLD_NODELETE", RTLD_NODELETE},
        {"RTLD_NOLOAD", RTLD_NOLOAD}, {"RTLD_DEEPBIND", RTLD_DEEPBIND},
    };
    fs->FFIError = PyErr_NewExceptionWithDoc("tandem.FFIError", "ffi.error: errors of the C "
                                             "type model and of native calls.",
                                             PyExc_Exception, NULL);
    if (fs->FFIError == NULL) {
        return -1;
    }
    fs->CDefError = PyErr_NewExceptionWithDoc("tandem.CDefError", "A bad C declaration or type "
                                              "string (line:column in the message).",
                                              fs->FFIError, NULL);
    if (fs->CDefError == NULL) {
        return -1;
    }
    {
        PyObject *bases = PyTuple_Pack(2, fs->FFIError, PyExc_ValueError);
        fs->ValueError = bases ? PyErr_NewExceptionWithDoc(
            "tandem.FFIValueError", "A right type with a wrong value (a negative array size, "
            "too many initializers): both ffi.error and ValueError, as cffi's two backends "
            "raise one or the other.", bases, NULL) : NULL;
        Py_XDECREF(bases);
    }
    if (fs->ValueError == NULL || (fs->handles = PyDict_New()) == NULL ||
        (fs->ctypes = PyDict_New()) == NULL || (fs->shared = PyDict_New()) == NULL) {
        return -1;
    }
    if ((fs->ffi_type = (PyTypeObject *)PyType_FromModuleAndSpec(fm, &ffi_spec, NULL)) == NULL ||
        tdmP_lib_init_type(fm, fs) < 0 ||
        tdmP_cdata_init_type(fm, fs) < 0 || tdmP_ctype_init_types(fm, fs) < 0) {
        return -1;
    }
    PyObject *d = fs->ffi_type->tp_dict;
    if (PyDict_SetItemString(d, "error", fs->FFIError) < 0 ||
        PyDict_SetItemString(d, "CDefError", fs->CDefError) < 0 ||
        PyDict_SetItemString(d, "CData", (PyObject *)fs->cdata_type) < 0 ||
        PyDict_SetItemString(d, "CType", (PyObject *)fs->ctype_type) < 0 ||
        PyDict_SetItemString(d, "buffer", (PyObject *)fs->buffer_type) < 0 ||
        add_null(fm, fs) < 0) {
        return -1;
    }
    for (size_t i = 0; i < sizeof rtld / sizeof rtld[0]; i++) {
        PyObject *v = PyLong_FromLong(rtld[i].value);
        if (v == NULL || PyDict_SetItemString(d, rtld[i].name, v) < 0) {
            Py_XDECREF(v);
            return -1;
        }
        Py_DECREF(v);
    }
    PyType_Modified(fs->ffi_type);
    return 0;
}

static PyModuleDef_Slot fm_slots[] = {
    {Py_mod_exec, fm_exec},
    {0, NULL},
};

PyModuleDef tdmP_ffi_def = {
    PyModuleDef_HEAD_INIT, "tandem._ffi", "State of tandem's ffi binding.",
    sizeof(tdmP_FFIState), NULL, fm_slots, fm_traverse, fm_clear, fm_free,
};

tdmP_FFIState *tdmP_ffi_state_of(PyObject *m)
{
    PyObject *fm = PyObject_GetAttrString(m, "_ffi");
    tdmP_FFIState *fs;
    if (fm == NULL) {
        return NULL;
    }
    fs = PyModule_GetState(fm);
    Py_DECREF(fm);              /* m keeps it alive */
    return fs;
}

int tdmP_ffi_exec(PyObject *m)
{
    PyObject *machinery, *spec, *fm;
    tdmP_FFIState *fs;
    /* importlib.machinery.ModuleSpec, from the frozen module every Python
       has loaded (importing importlib.machinery costs ~180 KB of RSS) */
    if ((machinery = PyImport_ImportModule("_frozen_importlib")) == NULL) {
        return -1;
    }
    spec = PyObject_CallMethod(machinery, "ModuleSpec", "sO", "tandem._ffi", Py_None);
    Py_DECREF(machinery);
    if (spec == NULL) {
        return -1;
    }
    fm = PyModule_FromDefAndSpec(&tdmP_ffi_def, spec);
    Py_DECREF(spec);
    if (fm == NULL) {
        return -1;
    }
    if (PyModule_ExecDef(fm, &tdmP_ffi_def) < 0 || PyModule_AddObjectRef(m, "_ffi", fm) < 0) {
        Py_DECREF(fm);
        return -1;
    }
    fs = PyModule_GetState(fm);
    fs->runtime_type = (PyTypeObject *)Py_XNewRef(tdmP_modstate(m)->runtime_type);
    Py_DECREF(fm);
    if (fs->runtime_type == NULL) {
        PyErr_SetString(PyExc_SystemError, "tdmP_ffi_exec: call it after the LuaRuntime type "
                        "is created");
        return -1;
    }
    if (PyModule_AddObjectRef(m, "FFI", (PyObject *)fs->ffi_type) < 0 ||
        PyModule_AddObjectRef(m, "CData", (PyObject *)fs->cdata_type) < 0 ||
        PyModule_AddObjectRef(m, "CType", (PyObject *)fs->ctype_type) < 0 ||
        PyModule_AddObjectRef(m, "FFIError", fs->FFIError) < 0 ||
        PyModule_AddObjectRef(m, "CDefError", fs->CDefError) < 0 ||
        PyModule_AddObjectRef(m, "FFIValueError", fs->ValueError) < 0) {
        return -1;
    }
    return 0;
}
