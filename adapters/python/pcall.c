/*
 * pcall.c — crossings started from Python: Python code operating on Lua.
 *
 * The protocol of one crossing (docs/architecture.md):
 *   1. with the GIL: arguments -> neutral values in a frame on the C stack;
 *   2. release the GIL (the thread state is kept in f->host so that a Lua ->
 *      Python callback on this thread can take it back), take the runtime
 *      lock, tdmS_call: Lua runs;
 *   3. re-take the GIL; drain the releases other threads queued; results ->
 *      Python (or the error -> an exception);
 *   4. tdmS_end (Lua leaves its zone), unlock, drop the owned arguments.
 * The runtime lock is taken before tdmS_call because tdmS_call links the
 * frame into rt->top, which only the lock holder may touch.
 */
#include "padapter.h"

void tdmP_frame(tdmS_Frame *f, tdmP_Runtime *r, int op)
{
    tdmS_init(f, r->rt, r->rt->lang[TDM_LANG_LUA], op, TDM_LANG_PYTHON);
}

/* Is this the only Python thread (and interpreter)? Then no thread can be
   waiting for the GIL, and a crossing may keep it instead of paying a
   release and re-acquire; a thread started later by a callback makes every
   following crossing release it again. GIL held. */
int tdmP_sole_thread(void)
{
    /* an interpreter links its thread states both ways (cpython/pystate.h):
       alone means no neighbour on either side */
    PyThreadState *ts = PyThreadState_Get();
    return ts->prev == NULL && ts->next == NULL && PyInterpreterState_Head() == ts->interp
           && PyInterpreterState_Next(ts->interp) == NULL;
}

void tdmP_recheck_excl(tdm_Runtime *rt)
{
    if (tdmP_sole_thread()) {
        return;
    }
    for (tdmS_Frame *f = rt->top; f != NULL; f = f->prev) {
        if (f->excl == TDMS_EXCL_SOLE) {
            f->excl = TDMS_EXCL_NO;     /* a kept GIL (TDMS_EXCL_KEPT) stays kept */
        }
    }
}

int tdmP_enter(tdmS_Frame *f)
{
    tdm_Runtime *rt = f->rt;
    int status;
    int keep = f->excl == TDMS_EXCL_KEPT;      /* asked by a translated function */
    f->excl = TDMS_EXCL_NO;
    f->host = NULL;
    if (tdmP_sole_thread() && tdmR_trylock(rt)) {
        /* fast path: the GIL stays with us (host == NULL says so to
           callbacks, see pops.c); no other Python thread exists and none
           can run before Lua returns (excl) */
        f->held = 1;
        f->excl = TDMS_EXCL_SOLE;
        status = tdmS_call(f);
    } else if (keep && tdmR_trylock(rt)) {
        /* a translated function is Python code that runs in Lua: it keeps
           the GIL, as CPython's own code does, although other Python
           threads exist. They run only inside crossings and in the
           watchdog's polls of this thread (kept_tid: pops.c TDM_OP_CHECK
           gives the GIL away there), and each bumps the epoch, so
           translated code keeps its reads (lxlate.c, rt.epoch) as on a
           sole thread. Without it every global read crossed: fib(20) took
           13x as long with a sleeping thread in the process. */
        f->held = 1;
        f->excl = TDMS_EXCL_KEPT;
        uintptr_t prev = __atomic_load_n(&rt->kept_tid, __ATOMIC_RELAXED);
        __atomic_store_n(&rt->kept_tid, __atomic_load_n(&rt->owner, __ATOMIC_RELAXED),
                         __ATOMIC_RELEASE);
        status = tdmS_call(f);
        __atomic_store_n(&rt->kept_tid, prev, __ATOMIC_RELEASE);
    } else {
        f->host = PyEval_SaveThread();
        status = tdmR_enter(rt);
        if (status == TDM_OK) {
            f->held = 1;
            status = tdmS_call(f);
        } else {
            tdmS_error(f, status, "this Lua state belongs to the lua5.4 thread that loaded"
                                  " tandem; call it from that thread only");
        }
        PyEval_RestoreThread((PyThreadState *)f->host);
        f->host = NULL;
    }
    tdmP_State *st = rt->state[TDM_LANG_PYTHON];
    if (tdmR_haspending(rt)) {
        tdmR_drain(rt, TDM_LANG_PYTHON);
    }
    /* zombies are (lock) state: p_finish of another thread may be filling
       them when this crossing never got the lock */
    if (f->held && st != NULL && st->nzombies > 0) {
        tdmP_drop_zombies(st);
    }
    return status;
}

void tdmP_drop_args(tdmS_Frame *f)
{
    for (int i = 0; i < f->nargs; i++) {
        tdm_Value *a = &f->args[i];
        if (a->kind == TDM_OBJ && (a->flags & TDM_VF_OWNED)) {
            if (a->lang == TDM_LANG_PYTHON) {
                Py_DECREF((PyObject *)a->u.obj);
            } else {
                tdmV_release(f->rt, a);
            }
            a->flags = 0;
        }
    }
}

void tdmP_leave(tdmS_Frame *f)
{
    tdm_Runtime *rt = f->rt;
    /* owned arguments first: tdmS_end frees an argument array that outgrew
       the frame's inline buffer */
    if (f->owning) {
        tdmP_drop_args(f);
    }
    f->nargs = 0;
    tdmS_end(f);
    if (f->err.status != TDM_OK || f->err.message != NULL) {
        tdmS_clear_error(rt, &f->err);
    }
    if (f->held) {
        f->held = 0;
        tdmR_unlock(rt);
    }
}

PyObject *tdmP_results(tdmP_State *st, tdmS_Frame *f)
{
    int n = f->nres;
    if (n == 0) {
        Py_RETURN_NONE;
    }
    if (n == 1) {
        return tdmP_from_value(st, &f->res[0]);
    }
    PyObject *t = PyTuple_New(n);
    if (t == NULL) {
        goto error;
    }
    for (int i = 0; i < n; i++) {
        PyObject *o = tdmP_from_value(st, &f->res[i]);
        if (o == NULL) {
            Py_DECREF(t);
            goto error;
        }
        PyTuple_SET_ITEM(t, i, o);
    }
    return t;
error:
    for (int i = 0; i < n; i++) {
        tdmV_release(f->rt, &f->res[i]);
    }
    return NULL;
}

/* Convert args[0..n) into f->args[first..]; on error the converted ones stay
   in f (f->nargs counts them) for drop_args. Sets f->owning when one of them
   owns something (a caller that knows the others do not may clear it first). */
int tdmP_fill_args(tdmP_Runtime *r, tdmS_Frame *f, int first,
                     PyObject *const *args, Py_ssize_t n, PyObject **tmp)
{
    if (n > 250000) {
        PyErr_SetString(PyExc_ValueError, "too many arguments for a Lua call");
        return -1;
    }
    if (first + (int)n > TDM_FRAME_INLINE && tdmS_reserve_args(f, first + (int)n) != TDM_OK) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        tdm_Value *v = &f->args[first + i];
        /* exact scalars and str inline (a str only as UTF-8: another runtime
           encoding goes through the converter); the rest, and an int out of
           range (the overflow handler), through the converter */
        int k = r->st->enc_utf8 ? tdmP_lean_arg(args[i], v) : 0;
        if (k < 0) {
            return -1;
        }
        if (k > 0) {
            f->nargs = first + (int)i + 1;
            continue;
        }
        if (tdmP_to_value(r, args[i], v, tmp) < 0) {
            return -1;
        }
        if (v->flags & (TDM_VF_OWNED | TDM_VF_OWNSTR)) {
            f->owning = 1;
        }
        f->nargs = first + (int)i + 1;
    }
    return 0;
}

static PyObject *finish_call(tdmP_Runtime *r, tdmS_Frame *f, int status,
                             const char *prefix)
{
    PyObject *res = NULL;
    if (status == TDM_OK) {
        if (f->nres == 1) {
            res = tdmP_from_value(r->st, &f->res[0]);
            if (res == NULL) {
                tdmV_release(f->rt, &f->res[0]);    /* as tdmP_results does */
            }
        } else {
            res = tdmP_results(r->st, f);
        }
    } else {
        tdmP_raise_frame(r->st, f, prefix);
    }
    tdmP_leave(f);
    return res;
}

PyObject *tdmP_run(tdmP_Runtime *r, int op, PyObject *const *args, Py_ssize_t n,
                   int syntax_prefix)
{
    return tdmP_run_sub(r, op, 0, args, n, syntax_prefix);
}

PyObject *tdmP_run_sub(tdmP_Runtime *r, int op, int sub, PyObject *const *args,
                       Py_ssize_t n, int syntax_prefix)
{
    if (tdmP_check_open(r) < 0) {
        return NULL;
    }
    tdmS_Frame f;
    PyObject *tmp = NULL;
    tdmP_frame(&f, r, op);
    f.sub = (uint8_t)sub;
    f.owning = 0;       /* fill_args sets it again for an argument that owns */
    if (tdmP_fill_args(r, &f, 0, args, n, &tmp) < 0) {
        tdmP_drop_args(&f);
        tdmS_end(&f);
        Py_XDECREF(tmp);
        return NULL;
    }
    int status = tdmP_enter(&f);
    PyObject *res = finish_call(r, &f, status,
                                syntax_prefix ? "error loading code: " : NULL);
    Py_XDECREF(tmp);
    return res;
}

PyObject *tdmP_lean_end(tdmP_Runtime *r, tdmS_Frame *f, int status)
{
    return finish_call(r, f, status, NULL);
}

PyObject *tdmP_call_lean(tdmP_Proxy *p, int op, PyObject *const *args, Py_ssize_t n,
                         int *done)
{
    return tdmP_call_lean_inline(p, op, args, n, done);
}

static PyObject *run_on(tdmP_Proxy *p, int op, int sub, PyObject *const *args,
                        Py_ssize_t n, int excl)
{
    tdmP_Runtime *r = p->owner;
    if (r->closed || p->handle == NULL) {
        tdmP_check_open(r);
        if (!PyErr_Occurred()) {
            PyErr_SetString(r->st->mod->LuaError, "the Lua object is no longer usable");
        }
        return NULL;
    }
    tdmS_Frame f;
    PyObject *tmp = NULL;
    tdmP_frame(&f, r, op);
    f.sub = (uint8_t)sub;
    tdmP_proxy_value(p, &f.args[0]);
    f.nargs = 1;
    f.owning = 0;       /* args[0] is borrowed; fill_args sets it for one that owns */
    if (n > 0 && tdmP_fill_args(r, &f, 1, args, n, &tmp) < 0) {
        tdmP_drop_args(&f);
        tdmS_end(&f);
        Py_XDECREF(tmp);
        return NULL;
    }
    f.excl = (uint8_t)excl;     /* a request: tdmP_enter decides */
    int status = tdmP_enter(&f);
    PyObject *res = finish_call(r, &f, status, NULL);
    Py_XDECREF(tmp);
    return res;
}

PyObject *tdmP_run_on(tdmP_Proxy *p, int op, int sub, PyObject *const *args,
                      Py_ssize_t n)
{
    return run_on(p, op, sub, args, n, TDMS_EXCL_NO);
}

PyObject *tdmP_run_kept(tdmP_Proxy *p, PyObject *const *args, Py_ssize_t n)
{
    return run_on(p, TDM_OP_CALL, 0, args, n, TDMS_EXCL_KEPT);
}
