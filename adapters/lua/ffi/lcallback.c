/*
 * lcallback.c — Lua functions as C function pointers (ffi.cast with a
 * function, cb:free(), cb:set()), and re-raising what they raised.
 *
 * The core's closure handler calls lua_invoke, which enters the runtime
 * (the lock is recursive: a callback during a native call made from Lua
 * already holds it) and runs the function under lua_pcall on the thread
 * that made the native call (or the state's main thread when C calls the
 * pointer on its own). Nothing here can longjmp into C frames: every
 * allocating Lua call happens inside the protected trampoline, and the
 * message handler records the error value (as a ref), message and
 * traceback into the core's error record. The native call then returns its
 * error value to C; once it is back in Lua, tdmL_cb_raise raises the
 * original value (a string error carries the callback's traceback).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lffi.h"
#include "value.h"

/* The binding of one callback to a Lua function. */
typedef struct LCb {
    tdm_Runtime *rt;            /* borrowed: outlives the registry that drops us */
    void *ref;                  /* owns: ref slot of the function (tdmL_ref) */
    tdmL_State *st;             /* borrowed: the state the function lives in; used
                                   only while rt->state[TDM_LANG_LUA] is still it */
    tdmL_Ffi *b;                /* borrowed: its binding state (same lifetime) */
} LCb;

/* One running callback (C stack of lua_invoke). */
struct tdmL_CbCall {
    tdmL_CbCall *prev;          /* borrowed: enclosing callback, or NULL */
    tdmL_Ffi *b;                /* borrowed */
    LCb *cb;                    /* borrowed */
    const tdmF_Type *fn;        /* borrowed: the function type */
    int nargs;
    const tdm_Value *args;      /* borrowed: owned by the core's handler */
    tdm_Value *result;          /* out: owned by the core's handler */
    tdmS_Error *err;             /* out */
};

static void lcb_drop(void *ud)
{
    LCb *c = ud;
    const tdmR_Lang *lua = c->rt->lang[TDM_LANG_LUA];
    if (lua != NULL && c->ref != NULL) {
        lua->release(c->rt, c->ref);     /* non-raising; defers off-thread */
    }
    free(c);
}

static int cb_fail(tdmS_Error *err, int status, const char *msg)
{
    err->status = status;
    free(err->message);
    err->message = strdup(msg);
    return status;
}

/* Message handler: record message, traceback and the error value. */
static int cb_msgh(lua_State *L)
{
    tdmL_State *st = tdmL_state(L);
    tdmL_Ffi *b = st ? tdmL_ffi_peek(L) : NULL;
    tdmL_CbCall *c = b ? b->cb : NULL;
    if (c != NULL && c->err->status == TDM_OK) {
        tdmS_Error *e = c->err;
        tdmL_Foreign fb;
        tdmL_Foreign *fo = tdmL_toforeign(L, st, 1, &fb);
        size_t n;
        const char *m = luaL_tolstring(L, 1, &n);
        e->status = TDM_ERRRUN;
        if ((e->message = malloc(n + 1)) != NULL) {
            memcpy(e->message, m, n + 1);
        }
        luaL_traceback(L, L, m, 1);
        m = lua_tolstring(L, -1, &n);
        tdmS_set_tbtext(e, m, n);
        tdmL_record_trace(L, 1, e);
        if (fo != NULL) {
            /* an error object of another language: keep the same object */
            if (b->rt->lang[fo->lang] != NULL) {
                b->rt->lang[fo->lang]->retain(b->rt, fo->handle);
                e->value.kind = TDM_OBJ;
                e->value.lang = fo->lang;
                e->value.u.obj = fo->handle;
                e->value.key = fo->handle;
                e->value.flags = TDM_VF_OWNED | TDM_VF_ERROBJ;
            }
        } else {
            void *ref = tdmL_ref(L, st, 1);
            e->value.kind = TDM_OBJ;
            e->value.lang = TDM_LANG_LUA;
            e->value.aux = tdmL_objkind(L, 1);
            e->value.key = lua_topointer(L, 1);
            e->value.u.obj = ref;
            e->value.flags = TDM_VF_OWNED | TDM_VF_ERROBJ;
        }
    }
    lua_settop(L, 1);
    return 1;
}

/* The callback's result at the top of L as a neutral value the core owns,
   for a non-aggregate result type: never raises. [-0, +0, -] */
static int take_scalar(lua_State *L, tdmL_Ffi *b, tdm_Value *r, tdmS_Error *err)
{
    if (lua_isinteger(L, -1)) {
        *r = tdm_int((int64_t)lua_tointegerx(L, -1, NULL));
        return TDM_OK;
    }
    tdmL_ffi_tovalue(L, b, -1, r);
    if (r->kind == TDM_STR) {
        char *p = malloc(r->u.s.n + 1);
        if (p == NULL) {
            *r = tdm_nil();
            return cb_fail(err, TDM_ERRMEM, "callback result: not enough memory");
        }
        memcpy(p, r->u.s.p, r->u.s.n);
        p[r->u.s.n] = '\0';
        r->u.s.p = p;
        r->flags |= TDM_VF_OWNSTR;
    } else if (r->kind == TDM_OBJ && r->lang == TDM_LANG_C) {
        tdmF_cd_incref(r->u.obj);
        r->flags |= TDM_VF_OWNED;
    } else if (r->kind == TDM_OBJ) {
        r->aux = 0;             /* not usable once the stack is popped */
    }
    return TDM_OK;
}

static int is_aggregate(const tdmF_Type *t)
{
    return t->kind == TDMF_STRUCT || t->kind == TDMF_UNION || t->kind == TDMF_ARRAY;
}

/* The callback's result as a neutral value the core owns; a table for an
   aggregate result type becomes a new cdata. [-0, +0, e] */
static void take_result(lua_State *L, tdmL_CbCall *c)
{
    tdmL_Ffi *b = c->b;
    const tdmF_Type *rt = c->fn->base;
    tdm_Value *r = c->result;
    if (lua_type(L, -1) == LUA_TTABLE && is_aggregate(rt)) {
        tdmF_Init in;
        tdmF_Err err;
        tdmF_CData *cd = NULL;
        lua_State *saved = b->L;
        int st;
        tdmL_ffi_tovalue(L, b, -1, r);
        tdmF_err_init(&err);
        b->L = L;
        st = tdmL_ffi_expand(b, r, &in, &err);
        if (st == TDM_OK) {
            st = tdmF_new(b->R, rt, -1, 0, &in, &cd, &err);
            tdmL_ffi_done(b, &in);
        }
        b->L = saved;
        *r = tdm_nil();
        if (st != TDM_OK) {
            luaL_error(L, "callback result: %s", err.msg);
            return;
        }
        *r = tdmF_cd_value(cd);
    } else if (take_scalar(L, b, r, c->err) != TDM_OK) {
        luaL_error(L, "%s", c->err->message ? c->err->message : "not enough memory");
    }
}

/* Protected: push the function and the converted arguments (cdata and
   strings allocate), call it, take the result. */
static int cb_tramp(lua_State *L)
{
    tdmL_CbCall *c = lua_touserdata(L, 1);
    tdmL_Ffi *b = c->b;
    lua_settop(L, 0);
    tdmL_getref(L, b->st, c->cb->ref);
    for (int i = 0; i < c->nargs; i++) {
        tdm_Value v = c->args[i];
        v.flags &= (uint16_t)~TDM_VF_OWNED;     /* borrowed: push takes its own */
        tdmL_ffi_push(L, b, &v);
    }
    lua_call(L, c->nargs, 1);
    take_result(L, c);
    return 0;
}

/* Can the arguments be pushed without allocating (so without raising)? */
static int plain_args(int nargs, const tdm_Value *args)
{
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind > TDM_FLOAT) {
            return 0;
        }
    }
    return 1;
}

/* The binding state for a call of cb, or NULL when the state is closed. */
static tdmL_Ffi *cb_binding(LCb *cb)
{
    tdm_Runtime *rt = cb->rt;
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    if (st == NULL || st->L == NULL || rt->closed) {
        return NULL;
    }
    if (st == cb->st) {
        return cb->b->R != NULL ? cb->b : NULL;
    }
    return lua_checkstack(st->L, 2) ? tdmL_ffi_peek(st->L) : NULL;
}

/* A callback of a thread that does not hold the runtime lock, posted for
   the holder to run while it runs Lua (lwatch.c). */
typedef struct Delegated {
    tdmL_Delegated h;
    LCb *cb;
    const tdmF_Type *fn;
    int nargs;
    const tdm_Value *args;
    tdm_Value *result;
    tdmS_Error *err;
    int status;
} Delegated;

static int invoke_held(LCb *cb, lua_State *L, const tdmF_Type *fn, int nargs,
                       const tdm_Value *args, tdm_Value *result, tdmS_Error *err);

/* On the holder's thread, inside a Lua hook on L (the running coroutine). */
static void run_delegated(tdmL_Delegated *h, lua_State *L)
{
    Delegated *d = (Delegated *)h;
    d->status = invoke_held(d->cb, L, d->fn, d->nargs, d->args, d->result, d->err);
}

#define ENTERED (-1)

/* Take the runtime lock for a callback on a thread that does not hold it
   (ENTERED), or have the holder run it (its status). While the holder runs
   Lua, the call is posted for it (lwatch.c: a hook runs it at the holder's
   next Lua instruction, so Lua code spinning until the callback happened
   sees it happen) and the lock is tried meanwhile (the holder may let go
   first: then the call is taken back and run here). While the holder is
   inside a native call (the C code may be waiting for this very thread,
   e.g. pthread_join) or when a lua5.4 host owns the state for good, the
   callback is refused (C gets its error value) and the refusal is raised by
   the holder's native call when it returns, or printed to stderr when there
   is none. Never waits forever. */
static int enter_from_thread(tdm_Runtime *rt, Delegated *d)
{
    tdmF_Busy *busy = tdmF_busy(rt->ffi);
    const struct timespec pause = {0, 200000};      /* 0.2 ms */
    const char *msg;
    int posted = 0;
    for (;;) {
        if (posted) {
            int state = tdmL_delegate_state(&d->h, 0);
            if (state == TDML_DL_DONE) {
                return d->status;
            }
            if (state == TDML_DL_DROPPED) {
                posted = 0;         /* the state closed: find out below */
            }
        }
        if (!rt->pinned && tdmR_trylock(rt)) {
            if (posted && tdmL_delegate_state(&d->h, 1) != TDML_DL_DROPPED) {
                /* the holder ran it and let go since */
                tdmR_unlock(rt);
                tdmL_delegate_wait(&d->h);
                return d->status;
            }
            return ENTERED;
        }
        if (tdmF_busy_native(busy)) {
            if (posted && tdmL_delegate_state(&d->h, 1) != TDML_DL_DROPPED) {
                tdmL_delegate_wait(&d->h);      /* it runs it (and calls C) */
                return d->status;
            }
            msg = "callback called on another thread while the Lua state was busy in a "
                  "native call (waiting for it could deadlock): C got the error value";
            tdmF_busy_refuse(busy, msg);
            if (!tdmF_busy_native(busy)) {
                /* the call returned meanwhile: unless it took the refusal,
                   nobody will raise it */
                char *m = tdmF_busy_take(busy);
                if (m != NULL) {
                    free(m);
                    fprintf(stderr, "tandem.ffi: %s\n", msg);
                }
            }
            break;
        }
        if (rt->pinned) {
            msg = "callback called on another thread: the Lua state belongs to the host "
                  "thread; C got the error value";
            fprintf(stderr, "tandem.ffi: %s\n", msg);
            break;
        }
        if (!posted) {
            posted = tdmL_delegate(rt, &d->h);
        }
        nanosleep(&pause, NULL);
    }
    return cb_fail(d->err, TDM_ERRARG, msg);
}

int tdmL_cb_raise_refused(lua_State *L, tdmL_Ffi *b)
{
    char *m = tdmF_busy_take(b->busy);
    luaL_where(L, 1);
    lua_pushstring(L, m != NULL ? m : "callback refused on another thread");
    free(m);
    lua_concat(L, 2);
    return lua_error(L);
}

/* tdmF_Invoke for Lua functions. Numbers, booleans and nil are pushed
   directly and the function runs under a single lua_pcall (message handler
   below it); other arguments, and table results for aggregate types, go
   through the protected trampoline. The runtime lock is taken only when
   this thread does not hold it already (a callback during a native call
   made from Lua always does). */
/* The call itself, the runtime lock held, on L (NULL: the thread of the
   native call, or the main thread). */
static int invoke_held(LCb *cb, lua_State *L, const tdmF_Type *fn, int nargs,
                       const tdm_Value *args, tdm_Value *result, tdmS_Error *err)
{
    tdmL_Ffi *b;
    tdmL_CbCall call;
    int top, s;
    if ((b = cb_binding(cb)) == NULL) {
        return cb_fail(err, TDM_ERRCLOSED, "callback: the Lua state is closed");
    }
    if (L == NULL) {
        L = b->L != NULL ? b->L : b->st->L;
    }
    if (!lua_checkstack(L, nargs + 8)) {
        return cb_fail(err, TDM_ERRMEM, "callback: Lua stack overflow");
    }
    call.prev = b->cb;
    call.b = b;
    call.cb = cb;
    call.fn = fn;
    call.nargs = nargs;
    call.args = args;
    call.result = result;
    call.err = err;
    b->cb = &call;
    top = lua_gettop(L);
    lua_pushcfunction(L, cb_msgh);
    if (plain_args(nargs, args) && !is_aggregate(fn->base)) {
        tdmL_getref(L, b->st, cb->ref);
        for (int i = 0; i < nargs; i++) {
            switch (args[i].kind) {
            case TDM_INT: lua_pushinteger(L, (lua_Integer)args[i].u.i); break;
            case TDM_FLOAT: lua_pushnumber(L, (lua_Number)args[i].u.f); break;
            case TDM_BOOL: lua_pushboolean(L, args[i].u.b); break;
            default: lua_pushnil(L); break;
            }
        }
        s = lua_pcall(L, nargs, 1, top + 1);
        if (s == LUA_OK && take_scalar(L, b, result, err) != TDM_OK) {
            s = LUA_ERRMEM;
        }
    } else {
        lua_pushcfunction(L, cb_tramp);
        lua_pushlightuserdata(L, &call);
        s = lua_pcall(L, 1, 0, top + 1);
    }
    b->cb = call.prev;
    if (s != LUA_OK && err->status == TDM_OK) {
        /* no handler ran (memory error, error in the handler) */
        cb_fail(err, s == LUA_ERRMEM ? TDM_ERRMEM : TDM_ERRRUN,
                lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error in callback");
    }
    lua_settop(L, top);
    s = s == LUA_OK ? TDM_OK : err->status;
    if (s != TDM_OK && tdmF_tls_ctx == NULL) {
        /* no native call of ours waits on this thread (a C thread, or C
           calling the pointer later): nobody to raise it to, so report it
           on stderr, as the Python face does, and C gets the error value */
        fprintf(stderr, "tandem.ffi: error in Lua callback: %s\n",
                err->tbtext ? err->tbtext : err->message ? err->message : "(no message)");
    }
    return s;
}

static int lua_invoke(void *ud, const tdmF_Type *fn, int nargs, const tdm_Value *args,
                      tdm_Value *result, tdmS_Error *err)
{
    LCb *cb = ud;
    tdm_Runtime *rt = cb->rt;
    if (tdmR_held(rt)) {
        return invoke_held(cb, NULL, fn, nargs, args, result, err);
    }
    Delegated d = {{NULL, run_delegated, 0}, cb, fn, nargs, args, result, err, TDM_OK};
    int s = enter_from_thread(rt, &d);
    if (s == ENTERED) {
        s = invoke_held(cb, NULL, fn, nargs, args, result, err);
        tdmR_unlock(rt);
    }
    return s;
}

int tdmL_cb_raise(lua_State *L, tdmL_Ffi *b, tdmS_Error *e)
{
    if (e->value.kind == TDM_OBJ) {
        if (e->value.lang == TDM_LANG_LUA) {
            tdmL_getref(L, b->st, e->value.u.obj);
        } else {
            tdmL_push(L, b->st, &e->value);     /* steals the reference */
        }
        if (lua_type(L, -1) == LUA_TSTRING && e->tbtext != NULL) {
            lua_pop(L, 1);
            lua_pushstring(L, e->tbtext);       /* message + the callback's traceback */
        }
    } else {
        luaL_where(L, 1);
        lua_pushstring(L, e->tbtext ? e->tbtext : e->message ? e->message : "error in callback");
        lua_concat(L, 2);
    }
    tdmF_error_clear(b->R, e);
    return lua_error(L);
}

void tdmL_cb_push(lua_State *L, tdmL_Ffi *b, const tdmF_Type *t, int fnidx)
{
    tdmF_CData *cd;
    tdmF_Err err;
    LCb *c;
    void *ref;
    luaL_checktype(L, fnidx, LUA_TFUNCTION);
    ref = tdmL_ref(L, b->st, fnidx);
    if ((c = malloc(sizeof *c)) == NULL) {
        b->rt->lang[TDM_LANG_LUA]->release(b->rt, ref);
        luaL_error(L, "not enough memory");
        return;
    }
    c->rt = b->rt;
    c->ref = ref;
    c->st = b->st;
    c->b = b;
    tdmF_err_init(&err);
    if (tdmF_callback_new(b->R, t, lua_invoke, c, lcb_drop, NULL, &cd, &err) != TDM_OK) {
        lcb_drop(c);
        tdmL_ffi_raise(L, b, &err);
        return;
    }
    tdmL_cd_push(L, b, cd);
}

static tdmF_CData *check_cb(lua_State *L, tdmL_Ffi *b)
{
    tdmL_CData *u = tdmL_cd_test(L, b, 1);
    if (u == NULL) {
        tdmL_Foreign fb;
        if (tdmL_finalized(L, b->st, 1, &fb) != NULL) {
            tdmL_finalized_error(L, TDM_LANG_C);
        }
        luaL_argerror(L, 1, "callback expected");
        return NULL;
    }
    return u->h.handle;
}

int tdmL_cb_free(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    tdmF_CData *cd = check_cb(L, b);
    tdmF_Err err;
    tdmF_err_init(&err);
    if (tdmF_callback_free(cd, &err) != TDM_OK) {
        return tdmL_ffi_raise(L, b, &err);
    }
    return 0;
}

int tdmL_cb_set(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    tdmF_CData *cd = check_cb(L, b);
    tdmF_Err err;
    LCb *c;
    void *ref;
    luaL_checktype(L, 2, LUA_TFUNCTION);
    if (!(cd->flags & TDMF_CD_CALLBACK)) {
        return luaL_error(L, "not a callback");
    }
    ref = tdmL_ref(L, b->st, 2);
    if ((c = malloc(sizeof *c)) == NULL) {
        b->rt->lang[TDM_LANG_LUA]->release(b->rt, ref);
        return luaL_error(L, "not enough memory");
    }
    c->rt = b->rt;
    c->ref = ref;
    c->st = b->st;
    c->b = b;
    tdmF_err_init(&err);
    if (tdmF_callback_set(cd, lua_invoke, c, lcb_drop, &err) != TDM_OK) {
        lcb_drop(c);
        return tdmL_ffi_raise(L, b, &err);
    }
    return 0;
}
