/*
 * embed.c — the public C API (include/tandem.h) for host programs.
 *
 * A host runtime holds a fresh Lua state and the process's CPython, with the
 * `python` table installed in Lua. Every call is one neutral frame from the
 * host (TDM_LANG_NONE) to the language asked for; this file sees neither
 * interpreter's header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "value.h"
#include "boot.h"

tdm_Runtime *tdm_open(void)
{
    tdm_Error err = {0};
    tdm_Runtime *rt = tdmR_new();
    if (rt == NULL) {
        return NULL;
    }
    tdm_OpenOptions o = {0, 1};
    if (tdmR_open_lang(rt, TDM_LANG_PYTHON, &o, &err) != TDM_OK
        || tdmR_open_lang(rt, TDM_LANG_LUA, &o, &err) != TDM_OK
        || tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, "python", TDM_EXPOSE_ALL,
                       &err) != TDM_OK) {
        fprintf(stderr, "tandem: tdm_open failed: %s\n",
                err.message ? err.message : "unknown error");
        tdmS_clear_error(rt, &err);
        tdm_free(rt);
        return NULL;
    }
    return rt;
}

/* Most arguments a host call may take (Lua's stack limit). */
#define MAX_ARGS 1000000

/* Record an error of the API itself as the last error (when there is a
   runtime to keep it). rt->last is only touched under the runtime lock:
   host threads sharing a runtime must not free each other's message. */
static tdm_Status api_error(tdm_Runtime *rt, tdm_Status status, const char *msg)
{
    if (rt != NULL && tdmR_enter(rt) == TDM_OK) {
        tdmS_clear_error(rt, &rt->last);
        rt->last.status = status;
        rt->last.message = strdup(msg);
        tdmR_unlock(rt);
    }
    return status;
}

static tdm_Status bad_arg(tdm_Runtime *rt, const char *msg)
{
    return api_error(rt, TDM_ERRARG, msg);
}

/* A host value the runtime can take: a known kind, bytes behind a string,
   and an object of a language attached to rt that the language accepts as
   one of its live handles here. Runtime lock held: the valid hook looks into
   the language's state. */
static int valid_value(tdm_Runtime *rt, const tdm_Value *v)
{
    if (v->kind > TDM_OBJ || (v->kind == TDM_STR && v->u.s.p == NULL && v->u.s.n > 0)) {
        return 0;
    }
    if (v->kind != TDM_OBJ) {
        return 1;
    }
    if (v->lang <= TDM_LANG_NONE || v->lang >= TDM_NLANG || rt->lang[v->lang] == NULL) {
        return 0;
    }
    const tdm_Lang *l = rt->lang[v->lang];
    return l->valid == NULL || l->valid(rt, v);
}

/* Closing and freeing are two steps. tdm_close waits for calls in flight on
   other threads (the runtime lock), closes the Lua state, detaches Python
   and marks the runtime closed, but keeps the handle: every later call on
   it, and every value obtained before, answers TDM_ERRCLOSED instead of
   touching freed memory. tdm_free drops the handle (closing first when
   needed); the memory goes when the last proxy holding the runtime is gone
   too. A handle closed and never freed stays a tombstone of one struct. */
static void close_locked(tdm_Runtime *rt)
{
    if (!rt->closed) {
        tdmR_close_lang(rt, TDM_LANG_LUA);
        tdmR_close_lang(rt, TDM_LANG_PYTHON);
        tdmR_close(rt);
        /* the languages are gone: no hook may run on this runtime again */
        tdmR_detach(rt, TDM_LANG_LUA);
        tdmR_detach(rt, TDM_LANG_PYTHON);
    }
}

void tdm_close(tdm_Runtime *rt)
{
    if (rt == NULL) {
        return;
    }
    tdmR_lock(rt);
    close_locked(rt);
    tdmR_unlock(rt);
}

void tdm_free(tdm_Runtime *rt)
{
    if (rt == NULL) {
        return;
    }
    tdmR_lock(rt);
    close_locked(rt);
    tdmS_clear_error(rt, &rt->last);
    tdmR_unlock(rt);
    tdmR_decref(rt);
}

/* With the runtime lock held: the status of a call on a closed runtime. */
static tdm_Status closed_error(tdm_Runtime *rt)
{
    tdmS_clear_error(rt, &rt->last);
    rt->last.status = TDM_ERRCLOSED;
    rt->last.message = strdup("tandem: the runtime is closed");
    return TDM_ERRCLOSED;
}

/* Borrowed host value -> frame argument following the ownership rules: an
   object of another language than the callee's is passed owned. */
static void put_arg(tdm_Runtime *rt, tdm_LangId callee, const tdm_Value *src,
                    tdm_Value *dst)
{
    *dst = *src;
    dst->flags &= (uint16_t)~(TDM_VF_OWNED | TDM_VF_OWNSTR);
    if (src->kind == TDM_OBJ && src->lang != callee && rt->lang[src->lang] != NULL) {
        rt->lang[src->lang]->retain(rt, src->u.obj);
        dst->flags |= TDM_VF_OWNED;
    }
}

/* Frame result -> value owned by the host. */
static int take_result(tdm_Runtime *rt, tdm_Value *v)
{
    if (v->kind == TDM_STR) {
        return tdmV_own_string(v);
    }
    if (v->kind == TDM_OBJ && !(v->flags & TDM_VF_OWNED) && rt->lang[v->lang] != NULL) {
        rt->lang[v->lang]->retain(rt, v->u.obj);
        v->flags |= TDM_VF_OWNED;
    }
    return TDM_OK;
}

static void format_trace(tdm_Error *e)
{
    if (e->tbtext != NULL || e->ntrace == 0) {
        return;
    }
    size_t cap = 64 + (size_t)e->ntrace * 128, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        return;
    }
    len += (size_t)snprintf(buf, cap, "traceback (most recent call last):\n");
    for (int i = 0; i < e->ntrace && len < cap; i++) {
        tdm_TraceEntry *t = &e->trace[i];
        len += (size_t)snprintf(buf + len, cap - len, "  [%s] %s:%d in %s\n",
                                t->lang == TDM_LANG_LUA ? "lua" : "python",
                                t->source ? t->source : "?", t->line,
                                t->func ? t->func : "?");
    }
    tdmS_set_tbtext(e, buf, len < cap ? len : cap - 1);
    free(buf);
}

/* Text of an error object (e.g. a Python exception raised through Lua):
   its language's STR operation. Returns malloc'd text or NULL. */
static char *describe(tdm_Runtime *rt, const tdm_Value *obj)
{
    tdm_Frame f;
    char *text = NULL;
    if (obj->kind != TDM_OBJ || rt->lang[obj->lang] == NULL) {
        return NULL;
    }
    tdmS_init(&f, rt, rt->lang[obj->lang], TDM_OP_STR, TDM_LANG_NONE);
    f.args[0] = *obj;
    f.args[0].flags &= (uint16_t)~TDM_VF_OWNED;
    f.nargs = 1;
    if (tdmR_enter(rt) != TDM_OK) {
        return NULL;
    }
    if (tdmS_call(&f) == TDM_OK && f.nres > 0 && f.res[0].kind == TDM_STR) {
        text = strndup(f.res[0].u.s.p, f.res[0].u.s.n);
    }
    tdmS_end(&f);
    tdmR_unlock(rt);
    tdmS_clear_error(rt, &f.err);
    return text;
}

/* Run one frame from the host with the runtime lock held (host_call);
   results beyond maxres are dropped. */
static tdm_Status locked_call(tdm_Runtime *rt, tdm_LangId lang, int op, int nargs,
                              const tdm_Value *args, tdm_Value *res, int maxres,
                              int *nres)
{
    tdm_Frame f;
    tdmS_clear_error(rt, &rt->last);
    if (lang <= TDM_LANG_NONE || lang >= TDM_NLANG || rt->lang[lang] == NULL) {
        return bad_arg(rt, "tandem: no such language in this runtime");
    }
    if (nargs < 0 || nargs > MAX_ARGS || (nargs > 0 && args == NULL)) {
        return bad_arg(rt, "tandem: bad argument count or NULL arguments");
    }
    for (int i = 0; i < nargs; i++) {
        if (!valid_value(rt, &args[i])) {
            return bad_arg(rt, "tandem: an argument is not a valid value of this runtime"
                               " (another runtime's object, or one already released)");
        }
    }
    tdmS_init(&f, rt, rt->lang[lang], op, TDM_LANG_NONE);
    if (tdmS_reserve_args(&f, nargs) != TDM_OK) {
        rt->last.status = TDM_ERRMEM;
        return TDM_ERRMEM;
    }
    for (int i = 0; i < nargs; i++) {
        put_arg(rt, lang, &args[i], &f.args[i]);
    }
    f.nargs = nargs;
    int st = tdmS_call(&f);
    if (st == TDM_OK) {
        int n = 0;
        for (int i = 0; i < f.nres; i++) {
            if (i < maxres && res != NULL) {
                res[i] = f.res[i];
                if (take_result(rt, &res[i]) != TDM_OK) {
                    st = TDM_ERRMEM;
                }
                n++;
            } else {
                tdmV_release(rt, &f.res[i]);
            }
        }
        if (nres != NULL) {
            *nres = n;
        }
    }
    tdm_Error e;
    tdmS_move_error(&e, &f.err);
    take_result(rt, &e.value);      /* keep the error object past finish */
    for (int i = 0; i < nargs; i++) {   /* before tdmS_end frees a grown array */
        tdmV_release(rt, &f.args[i]);
    }
    tdmS_end(&f);
    if (st != TDM_OK) {
        if (e.status == TDM_OK) {
            e.status = st;
        }
        if (e.message == NULL) {
            e.message = describe(rt, &e.value);
        }
        if (e.message == NULL) {
            e.message = strdup(tdm_status_name((tdm_Status)st));
        }
        tdmV_release(rt, &e.value);
        format_trace(&e);
        rt->last = e;
    } else {
        tdmS_clear_error(rt, &e);
    }
    return (tdm_Status)st;
}

/* One call from the host. The runtime lock is held across the whole call,
   rt->last included (see api_error). */
static tdm_Status host_call(tdm_Runtime *rt, tdm_LangId lang, int op, int nargs,
                            const tdm_Value *args, tdm_Value *res, int maxres,
                            int *nres)
{
    if (nres != NULL) {
        *nres = 0;
    }
    if (rt == NULL) {
        return TDM_ERRARG;
    }
    if (tdmR_enter(rt) != TDM_OK) {
        return TDM_ERRARG;      /* pinned to another thread (a lua5.4 host) */
    }
    if (rt->closed) {
        tdm_Status cst = closed_error(rt);
        tdmR_unlock(rt);
        return cst;
    }
    tdm_Status st = locked_call(rt, lang, op, nargs, args, res, maxres, nres);
    tdmR_unlock(rt);
    return st;
}

tdm_Status tdm_exec(tdm_Runtime *rt, tdm_LangId lang, const char *code,
                    const char *chunkname)
{
    if (code == NULL) {
        return bad_arg(rt, "tdm_exec: code is NULL");
    }
    tdm_Value a[2] = {tdm_str(code), tdm_str(chunkname ? chunkname : "<embed>")};
    return host_call(rt, lang, TDM_OP_EXEC, 2, a, NULL, 0, NULL);
}

tdm_Status tdm_exec_n(tdm_Runtime *rt, tdm_LangId lang, const char *code, size_t len,
                      const char *chunkname)
{
    if (code == NULL) {
        return bad_arg(rt, "tdm_exec_n: code is NULL");
    }
    tdm_Value a[2] = {tdm_lstr(code, len), tdm_str(chunkname ? chunkname : "<embed>")};
    return host_call(rt, lang, TDM_OP_EXEC, 2, a, NULL, 0, NULL);
}

tdm_Status tdm_eval(tdm_Runtime *rt, tdm_LangId lang, const char *expr, tdm_Value *out)
{
    if (expr == NULL || out == NULL) {
        return bad_arg(rt, "tdm_eval: expr or out is NULL");
    }
    tdm_Value a[2] = {tdm_str(expr), tdm_str("<embed>")};
    int n = 0;
    *out = tdm_nil();
    return host_call(rt, lang, TDM_OP_EVAL, 2, a, out, 1, &n);
}

tdm_Status tdm_get_global(tdm_Runtime *rt, tdm_LangId lang, const char *name,
                          tdm_Value *out)
{
    if (name == NULL || out == NULL) {
        return bad_arg(rt, "tdm_get_global: name or out is NULL");
    }
    tdm_Value a = tdm_str(name);
    int n = 0;
    *out = tdm_nil();
    return host_call(rt, lang, TDM_OP_GLOBAL, 1, &a, out, 1, &n);
}

tdm_Status tdm_set_global(tdm_Runtime *rt, tdm_LangId lang, const char *name,
                          const tdm_Value *v)
{
    if (name == NULL || v == NULL) {
        return bad_arg(rt, "tdm_set_global: name or value is NULL");
    }
    tdm_Value a[2] = {tdm_str(name), *v};
    return host_call(rt, lang, TDM_OP_SETGLOBAL, 2, a, NULL, 0, NULL);
}

tdm_Status tdm_call(tdm_Runtime *rt, const tdm_Value *fn, int nargs,
                    const tdm_Value *args, tdm_Value *res, int maxres, int *nres)
{
    if (rt == NULL) {
        return TDM_ERRARG;
    }
    if (nargs < 0 || nargs > MAX_ARGS || (nargs > 0 && args == NULL)) {
        return bad_arg(rt, "tdm_call: bad argument count or NULL arguments");
    }
    if (fn == NULL || fn->kind != TDM_OBJ) {
        return api_error(rt, TDM_ERRTYPE, "tdm_call: the callee is not an object");
    }
    tdm_Value stackbuf[8];
    tdm_Value *all = nargs + 1 <= 8 ? stackbuf : malloc((size_t)(nargs + 1) * sizeof *all);
    if (all == NULL) {
        return api_error(rt, TDM_ERRMEM, "tdm_call: not enough memory");
    }
    all[0] = *fn;
    for (int i = 0; i < nargs; i++) {
        all[i + 1] = args[i];
    }
    tdm_Status st = host_call(rt, (tdm_LangId)fn->lang, TDM_OP_CALL, nargs + 1, all,
                              res, maxres, nres);
    if (all != stackbuf) {
        free(all);
    }
    return st;
}

/* tdm_translate: Python's tandem._tandem._lua_translate(fn) called through
   frames (import, attribute, call): the front end lives in Python, the back
   end in Lua, and they meet through the core (TDM_OP_LOADIR) as they do for
   LuaRuntime.translate and python.translate, whose cache this shares. */
tdm_Status tdm_translate(tdm_Runtime *rt, const tdm_Value *fn, tdm_Value *out)
{
    if (rt == NULL) {
        return TDM_ERRARG;
    }
    if (out != NULL) {
        *out = tdm_nil();
    }
    if (fn == NULL || out == NULL) {
        return bad_arg(rt, "tdm_translate: fn or out is NULL");
    }
    if (fn->kind != TDM_OBJ || fn->lang != TDM_LANG_PYTHON) {
        return api_error(rt, TDM_ERRTYPE, "tdm_translate: fn is not a Python object");
    }
    tdm_Value a[2] = {tdm_str("tandem._tandem"), tdm_str("_lua_translate")};
    tdm_Value mod, tr;
    int n = 0;
    tdm_Status st = host_call(rt, TDM_LANG_PYTHON, TDM_OP_IMPORT, 1, a, &mod, 1, &n);
    if (st != TDM_OK) {
        return st;
    }
    a[0] = mod;
    st = host_call(rt, TDM_LANG_PYTHON, TDM_OP_GETATTR, 2, a, &tr, 1, &n);
    tdm_release(rt, &mod);
    if (st != TDM_OK) {
        return st;
    }
    tdm_Value call[2] = {tr, *fn};
    st = host_call(rt, TDM_LANG_PYTHON, TDM_OP_CALL, 2, call, out, 1, &n);
    tdm_release(rt, &tr);
    if (st == TDM_OK && (n != 1 || out->kind != TDM_OBJ || out->lang != TDM_LANG_LUA)) {
        tdm_release(rt, out);       /* not what the front end promises */
        *out = tdm_nil();
        return api_error(rt, TDM_ERRTYPE, "tdm_translate: the translation is not a Lua function");
    }
    return st;
}

void tdm_release(tdm_Runtime *rt, tdm_Value *v)
{
    if (v == NULL) {
        return;
    }
    if (rt != NULL && v->kind == TDM_OBJ && tdmR_enter(rt) == TDM_OK) {
        int closed = rt->closed;
        if (closed) {
            /* its language is gone with the runtime: nothing left to drop
               (a Python object keeps the reference the host held) */
            closed_error(rt);
            *v = tdm_nil();
        }
        tdmR_unlock(rt);
        if (closed) {
            return;
        }
    }
    const tdm_Lang *l = rt != NULL && v->kind == TDM_OBJ && (v->flags & TDM_VF_OWNED)
                                && v->lang < TDM_NLANG ? rt->lang[v->lang] : NULL;
    if (l != NULL && l->valid != NULL && tdmR_enter(rt) == TDM_OK) {
        /* a handle of another runtime (or one released already) names some
           other object here: leave it alone rather than drop that one */
        int ok = valid_value(rt, v);
        if (ok) {
            tdmV_release(rt, v);
        }
        tdmR_unlock(rt);
        if (!ok) {
            *v = tdm_nil();
        }
        return;
    }
    tdmV_release(rt, v);
}

const char *tdm_errmsg(tdm_Runtime *rt)
{
    return rt != NULL && rt->last.message ? rt->last.message : "";
}

const char *tdm_traceback(tdm_Runtime *rt)
{
    return rt != NULL && rt->last.tbtext ? rt->last.tbtext : "";
}
