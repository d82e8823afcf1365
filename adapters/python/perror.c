/*
 * perror.c — errors between Python and Lua.
 *
 * Lua -> Python: a failed frame becomes LuaError / LuaSyntaxError /
 * LuaMemoryError (RecursionError for too deep a crossing), or — when the Lua
 * error value is a Python exception that went through Lua — that identical
 * exception. Either way the Lua frames recorded in the frame's error become
 * real traceback entries (chunk name as file name, line, function name),
 * placed after the calling Python frame and before the frames of the original
 * exception, so the traceback reads in call order. The entries are made by a
 * small embedded Python helper: it compiles "\n" * (line - 1) + "raise" under
 * the chunk's name, renames the code object after the Lua function, raises,
 * and relinks the frame it got with types.TracebackType. Chunk sources given
 * to eval/execute/compile are registered in linecache so the lines show
 * (the last 1024 of them: names are numbered per process, so a process
 * making runtimes without end would otherwise grow linecache without end).
 *
 * Python -> its caller: the current exception is captured as the error value
 * of the frame (owned), with "TypeName: message"; for a caller other than Lua
 * (a C host) also the formatted traceback and the Python frames as trace
 * entries. Lua raises the exception object itself, so a crossing into Lua
 * makes neither (ping-pong recursion would pay for them at every level).
 */
#include <string.h>
#include "padapter.h"
#include <frameobject.h>

static const char helper_src[] =
    "import types as _types, linecache as _linecache, collections as _coll\n"
    "_codes = {}\n"
    "_lines = _coll.deque()\n"
    "class _Mark(BaseException):\n"
    "    pass\n"
    "def _code(filename, line, name):\n"
    "    key = (filename, line, name)\n"
    "    c = _codes.get(key)\n"
    "    if c is None:\n"
    "        if len(_codes) > 4096:\n"
    "            _codes.clear()\n"
    "        pad = ' ' * 400  # wider than the line: no caret markers under Lua lines\n"
    "        c = compile('\\n' * (max(line, 1) - 1) + 'raise (_e' + pad + ')', filename, 'exec')\n"
    "        c = c.replace(co_name=name, co_qualname=name)\n"
    "        _codes[key] = c\n"
    "    return c\n"
    "def lua_traceback(entries, tb, sources):\n"
    "    for filename, line, name in reversed(entries):\n"
    "        src = sources.get(filename)\n"
    "        if src is not None and filename not in _linecache.cache:\n"
    "            _linecache.cache[filename] = (len(src), None,\n"
    "                                         src.splitlines(True), filename)\n"
    "            _lines.append(filename)\n"
    "            if len(_lines) > 1024:  # chunk names are per process: bound them\n"
    "                _linecache.cache.pop(_lines.popleft(), None)\n"
    "        g = {'_e': _Mark, '__name__': filename}\n"
    "        try:\n"
    "            exec(_code(filename, line, name), g)\n"
    "        except _Mark as m:\n"
    "            t = m.__traceback__.tb_next\n"
    "        tb = _types.TracebackType(tb, t.tb_frame, t.tb_lasti, t.tb_lineno)\n"
    "    return tb\n"
    "def format_exc(e):\n"
    "    import traceback\n"
    "    return ''.join(traceback.format_exception(type(e), e, e.__traceback__))\n";

/* The helper namespace (borrowed), created on first use. */
static PyObject *helpers(tdmP_Module *ms)
{
    if (ms->helpers != NULL) {
        return ms->helpers;
    }
    PyObject *ns = PyDict_New();
    if (ns == NULL) {
        return NULL;
    }
    PyObject *b = PyImport_ImportModule("builtins");
    if (b == NULL || PyDict_SetItemString(ns, "__builtins__", b) < 0) {
        Py_XDECREF(b);
        Py_DECREF(ns);
        return NULL;
    }
    Py_DECREF(b);
    PyObject *r = PyRun_String(helper_src, Py_file_input, ns, ns);
    if (r == NULL) {
        Py_DECREF(ns);
        return NULL;
    }
    Py_DECREF(r);
    ms->helpers = ns;
    return ns;
}

PyObject *tdmP_format_exc(tdmP_Module *ms, PyObject *exc)
{
    PyObject *ns = helpers(ms);
    if (ns == NULL) {
        return NULL;
    }
    PyObject *fn = PyDict_GetItemString(ns, "format_exc");
    return fn ? PyObject_CallOneArg(fn, exc) : NULL;
}

/* The name Lua shows for chunk name `name` (luaO_chunkid, LUA_IDSIZE 60):
   "=name" as name (cut to 59 bytes), "@file" as file ("..." and its last 56
   bytes when longer), anything else as [string "name"] (its first line, cut
   to 45 bytes, with "..." when cut). New reference, NULL on error. */
static PyObject *lua_short_src(PyObject *name)
{
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(name, &n);
    if (s == NULL) {
        return NULL;
    }
    enum { IDSIZE = 60 };
    if (n > 0 && s[0] == '=') {
        return PyUnicode_DecodeUTF8(s + 1, n - 1 < IDSIZE - 1 ? n - 1 : IDSIZE - 1, "replace");
    }
    if (n > 0 && s[0] == '@') {
        if (n - 1 < IDSIZE) {
            return PyUnicode_DecodeUTF8(s + 1, n - 1, "replace");
        }
        Py_ssize_t keep = IDSIZE - 1 - 3;
        PyObject *tail = PyUnicode_DecodeUTF8(s + n - keep, keep, "replace");
        PyObject *r = tail ? PyUnicode_FromFormat("...%U", tail) : NULL;
        Py_XDECREF(tail);
        return r;
    }
    const char *nl = n > 0 ? memchr(s, '\n', (size_t)n) : NULL;
    Py_ssize_t room = IDSIZE - (Py_ssize_t)(sizeof "[string \"" - 1 + 3 + 2) - 1;
    if (n < room && nl == NULL) {
        return PyUnicode_FromFormat("[string \"%U\"]", name);
    }
    Py_ssize_t len = nl != NULL ? nl - s : n;
    if (len > room) {
        len = room;
    }
    PyObject *head = PyUnicode_DecodeUTF8(s, len, "replace");
    PyObject *r = head ? PyUnicode_FromFormat("[string \"%U...\"]", head) : NULL;
    Py_XDECREF(head);
    return r;
}

PyObject *tdmP_chunk_name(tdmP_State *st, PyObject *source, PyObject *name)
{
    /* chunks: name -> source, and source -> name to reuse names */
    if (name != NULL) {
        if (PyDict_Size(st->chunks) < 2000 && PyUnicode_Check(source) && PyUnicode_Check(name)) {
            /* registered under the name Lua shows (its traceback entries'
               file name): "=name" and "@name" as name, others as
               [string "name"] */
            PyObject *shown = lua_short_src(name);
            if (shown == NULL || PyDict_SetItem(st->chunks, shown, source) < 0) {
                PyErr_Clear();
            }
            Py_XDECREF(shown);
        }
        return name;
    }
    PyObject *known = PyDict_GetItemWithError(st->chunks, source);
    if (known != NULL) {
        return known;
    }
    if (PyErr_Occurred()) {
        PyErr_Clear();
        return NULL;
    }
    /* numbered per process, not per runtime: linecache is one per process,
       and a name must never show another runtime's source. Past 2000 chunks
       (or for bytes code) the name is still unique, only not remembered
       here: the Lua adapter records the text under it for translation
       (adapters/lua/lsrcrec.c), a shared name would be ambiguous there. */
    static long chunkseq;       /* GIL */
    PyObject *n = PyUnicode_FromFormat("<lua:%ld>", ++chunkseq);
    if (n == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *eq = PyUnicode_FromFormat("=%U", n);
    if (eq != NULL && (PyDict_Size(st->chunks) >= 2000 || !PyUnicode_Check(source))) {
        Py_DECREF(n);
        Py_XSETREF(st->lastname, eq);   /* borrowed by the caller, like the others */
        return eq;
    }
    int rc = eq ? PyDict_SetItem(st->chunks, source, eq) : -1;
    if (rc == 0) {
        rc = PyDict_SetItem(st->chunks, n, source);
    }
    Py_DECREF(n);
    Py_XDECREF(eq);
    if (rc < 0) {
        PyErr_Clear();
        return NULL;
    }
    return PyDict_GetItem(st->chunks, source);
}

#define TRACE_HEAD 20
#define TRACE_TAIL 80

/* Lua entries of e as a list of (source, line, name), outermost first. */
static PyObject *lua_entries(const tdmS_Error *e)
{
    PyObject *list = PyList_New(0);
    if (list == NULL) {
        return NULL;
    }
    int nlua = 0, seen = 0;
    for (int i = 0; i < e->ntrace; i++) {
        nlua += e->trace[i].lang == TDM_LANG_LUA;
    }
    for (int i = 0; i < e->ntrace; i++) {
        const tdmS_TraceEntry *t = &e->trace[i];
        if (t->lang != TDM_LANG_LUA) {
            continue;
        }
        seen++;
        /* a Lua stack overflow has ~200,000 levels: keep both ends */
        if (nlua > TRACE_HEAD + TRACE_TAIL && seen > TRACE_HEAD
                && seen <= nlua - TRACE_TAIL) {
            continue;
        }
        const char *src = t->source ? t->source : "<lua>";
        const char *fn = t->func ? t->func : "<lua>";
        PyObject *item = Py_BuildValue("(NiN)",
                                       PyUnicode_DecodeUTF8(src, (Py_ssize_t)strlen(src), "replace"),
                                       t->line,
                                       PyUnicode_DecodeUTF8(fn, (Py_ssize_t)strlen(fn), "replace"));
        if (item == NULL || PyList_Append(list, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(item);
    }
    return list;
}

/* tb extended in front with the Lua entries of e. New reference (may be
   Py_None when there is nothing). On failure returns tb unchanged. */
static PyObject *with_lua_frames(tdmP_State *st, const tdmS_Error *e, PyObject *tb)
{
    PyObject *entries = NULL, *ns, *fn, *res = NULL;
    int has_lua = 0;
    for (int i = 0; i < e->ntrace; i++) {
        has_lua |= e->trace[i].lang == TDM_LANG_LUA;
    }
    if (!has_lua || (ns = helpers(st->mod)) == NULL) {
        goto done;
    }
    fn = PyDict_GetItemString(ns, "lua_traceback");
    entries = lua_entries(e);
    if (fn == NULL || entries == NULL) {
        goto done;
    }
    res = PyObject_CallFunctionObjArgs(fn, entries, tb, st->chunks, NULL);
done:
    Py_XDECREF(entries);
    if (res == NULL) {
        PyErr_Clear();
        res = Py_NewRef(tb);
    }
    return res;
}

static PyObject *error_class(tdmP_Module *ms, int status)
{
    switch (status) {
    case TDM_ERRSYNTAX:
        return ms->LuaSyntaxError;
    case TDM_ERRMEM:
        return ms->LuaMemoryError;
    case TDM_ERRTIMEOUT:
        return ms->LuaTimeoutError;
    case TDM_ERRDEPTH:
        return PyExc_RecursionError;
    case TDM_ERRTYPE:
    case TDM_ERRARG:
        return PyExc_TypeError;
    default:
        return ms->LuaError;
    }
}

void tdmP_raise_frame(tdmP_State *st, tdmS_Frame *f, const char *prefix)
{
    tdmS_Error *e = &f->err;
    tdmP_Module *ms = st->mod;
    PyObject *exc = NULL;
    tdm_Value *ev = &e->value;
    if (ev->kind == TDM_OBJ && ev->lang == TDM_LANG_PYTHON
            && PyExceptionInstance_Check((PyObject *)ev->u.obj)) {
        exc = tdmP_from_value(st, ev);      /* the identical exception */
    } else {
        const char *msg = e->message ? e->message : tdm_status_name((tdm_Status)e->status);
        if (e->status == TDM_ERRMEM && e->message == NULL) {
            msg = "not enough memory";
        }
        if (e->status == TDM_ERRCLOSED) {
            msg = "the LuaRuntime is closed";   /* one wording, whoever saw it */
        }
        if (e->status != TDM_ERRSYNTAX) {
            prefix = NULL;
        }
        size_t mlen = strlen(msg);
        if (ev->kind == TDM_STR && e->message != NULL && mlen < ev->u.s.n
            && memcmp(msg, ev->u.s.p, mlen) == 0) {
            mlen = ev->u.s.n;       /* the message is the string error value: all its bytes */
            msg = ev->u.s.p;
        }
        PyObject *body = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)mlen, "replace");
        if (body == NULL) {
            return;
        }
        PyObject *text = PyUnicode_FromFormat("%s%U", prefix ? prefix : "", body);
        Py_DECREF(body);
        if (text == NULL) {
            return;
        }
        exc = PyObject_CallOneArg(error_class(ms, e->status), text);
        Py_DECREF(text);
        if (exc != NULL && (ev->kind != TDM_NIL || (ev->flags & TDM_VF_ERROBJ))
            && e->status == TDM_ERRRUN) {
            /* the Lua error value itself, whatever its type (None for nil),
               for code that wants more than text; it goes back to Lua as
               itself (tdmP_capture) */
            PyObject *val = tdmP_from_value(st, ev);
            if (val == NULL || PyObject_SetAttrString(exc, "lua_value", val) < 0) {
                PyErr_Clear();
            }
            Py_XDECREF(val);
        }
    }
    if (exc == NULL) {
        return;
    }
    PyObject *old = PyException_GetTraceback(exc);
    PyObject *tb = with_lua_frames(st, e, old ? old : Py_None);
    Py_XDECREF(old);
    if (tb != Py_None) {
        PyException_SetTraceback(exc, tb);
    }
    PyErr_Restore(Py_NewRef((PyObject *)Py_TYPE(exc)), exc, tb == Py_None ? NULL : tb);
    if (tb == Py_None) {
        Py_DECREF(tb);
    }
}

/* Python frames of tb as trace entries, outermost first. */
static void add_python_trace(tdmS_Error *e, PyObject *tb)
{
    while (tb != NULL && tb != Py_None && PyTraceBack_Check(tb)) {
        PyTracebackObject *t = (PyTracebackObject *)tb;
        PyCodeObject *code = PyFrame_GetCode(t->tb_frame);
        const char *file = PyUnicode_AsUTF8(code->co_filename);
        const char *name = PyUnicode_AsUTF8(code->co_name);
        if (file == NULL || name == NULL) {
            PyErr_Clear();
        }
        tdmS_add_trace(e, TDM_LANG_PYTHON, name, file, t->tb_lineno);
        Py_DECREF(code);
        tb = (PyObject *)t->tb_next;
    }
}

/* A LuaError carrying the Lua error value it was made from (lua_value):
   that value as a neutral value Lua gets back as itself (an owned ref for a
   Lua object, an owned copy of a string, a scalar), while the exception
   stays the error object (the Lua side maps the value back to it when it
   crosses again). 1 when *v was set, 0 when exc is not such an error
   (nothing raised). */
static int lua_error_value(tdmP_State *st, PyObject *exc, tdm_Value *v)
{
    if (!PyObject_TypeCheck(exc, (PyTypeObject *)st->mod->LuaError)) {
        return 0;
    }
    PyObject *d = PyObject_GenericGetDict(exc, NULL);
    PyObject *lv = d != NULL ? PyDict_GetItemString(d, "lua_value") : NULL;
    Py_XINCREF(lv);
    Py_XDECREF(d);
    PyErr_Clear();
    if (lv == NULL) {
        return 0;
    }
    tdm_Value t;
    memset(&t, 0, sizeof t);
    int ok = tdmP_to_result(st, lv, &t) == 0;
    Py_DECREF(lv);
    PyErr_Clear();
    if (ok && t.kind == TDM_STR) {
        ok = tdmV_own_string(&t) == TDM_OK;
    } else if (ok && t.kind == TDM_OBJ) {
        const tdmR_Lang *lua = st->rt->lang[TDM_LANG_LUA];
        ok = t.lang == TDM_LANG_LUA && lua != NULL;
        if (ok && !(t.flags & TDM_VF_OWNED)) {
            lua->retain(st->rt, t.u.obj);   /* the proxy's handle is only pinned */
            t.flags |= TDM_VF_OWNED;
        }
    }
    if (!ok) {
        tdmV_release(st->rt, &t);
        return 0;
    }
    if (t.kind == TDM_NIL) {
        t.flags = TDM_VF_ERROBJ;    /* error(nil): the value is nil */
    }
    *v = t;
    return 1;
}

int tdmP_capture(tdmP_State *st, tdmS_Frame *f)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value == NULL) {
        Py_XDECREF(type);
        Py_XDECREF(tb);
        return tdmS_error(f, TDM_ERRRUN, "tandem: unknown Python error");
    }
    if (tb != NULL) {
        PyException_SetTraceback(value, tb);
    }
    tdmS_Error *e = &f->err;
    tdmS_clear_error(f->rt, e);
    e->status = TDM_ERRRUN;
    PyObject *s = PyObject_Str(value);
    const char *msg = s ? PyUnicode_AsUTF8(s) : NULL;
    const char *tname = ((PyTypeObject *)type)->tp_name;
    const char *dot = strrchr(tname, '.');
    if (dot != NULL) {
        tname = dot + 1;
    }
    if (msg != NULL && *msg) {
        tdmS_error(f, TDM_ERRRUN, "%s: %s", tname, msg);
    } else {
        tdmS_error(f, TDM_ERRRUN, "%s", tname);
    }
    Py_XDECREF(s);
    PyErr_Clear();
    if ((f->op == TDM_OP_EXEC || f->op == TDM_OP_EVAL || f->op == TDM_OP_COMPILE)
        && PyErr_GivenExceptionMatches(type, PyExc_SyntaxError)) {
        e->status = TDM_ERRSYNTAX;      /* the code did not compile */
    } else if (PyErr_GivenExceptionMatches(type, PyExc_RecursionError)) {
        /* too deep: tandem's limit of nested crossings (raised in Python
           as RecursionError), or Python's own recursion limit */
        e->status = TDM_ERRDEPTH;
    }
    if (f->from == TDM_LANG_LUA) {
        /* Lua raises the exception object itself (lforeign.c) and drops the
           rest of the record: no trace entries, no formatted text. Making
           them cost O(traceback length) at every crossing, so ping-pong
           recursion paid O(n^2) for an error raised at its bottom (issue 7,
           item 13); the exception keeps its traceback, formatted when
           someone asks (tostring in Lua, a C host's tdm_traceback). */
        lua_error_value(st, value, &e->inner);  /* Lua gets its own error value back */
    } else {
        add_python_trace(e, tb);
        PyObject *text = tdmP_format_exc(st->mod, value);
        Py_ssize_t n;
        const char *p = text ? PyUnicode_AsUTF8AndSize(text, &n) : NULL;
        if (p != NULL) {
            tdmS_set_tbtext(e, p, (size_t)n);
        }
        Py_XDECREF(text);
        PyErr_Clear();
    }
    e->value.kind = TDM_OBJ;
    e->value.lang = TDM_LANG_PYTHON;
    e->value.flags = TDM_VF_OWNED | TDM_VF_ERROBJ;
    e->value.aux = 0;
    e->value.u.obj = value;         /* steals */
    e->value.key = value;
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return e->status;
}
