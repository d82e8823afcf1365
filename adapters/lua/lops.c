/*
 * lops.c — operations on Lua objects requested by another language.
 *
 * tdmL_op is the Lua side of every crossing into Lua: with the runtime lock
 * already held by the caller (bridge/runtime.h, tdmR_enter), it runs a
 * trampoline under lua_pcall with a C message handler that
 * records the Lua stack into the frame's error. Everything that may raise
 * (pushing arguments, calling, making refs for results) happens inside the
 * trampoline; outside it only non-raising API calls are made. Results stay on
 * the Lua stack (so borrowed strings stay valid) until tdmL_finish.
 */
#include <stdlib.h>
#include <string.h>
#include "ladapter.h"
#include "value.h"

/* TDM_OP_ARITH hands frame->sub to lua_arith unchanged: the neutral codes
   must stay in Lua's LUA_OP* order (lang.h). */
_Static_assert(TDM_AR_ADD == LUA_OPADD && TDM_AR_SUB == LUA_OPSUB && TDM_AR_MUL == LUA_OPMUL
               && TDM_AR_MOD == LUA_OPMOD && TDM_AR_POW == LUA_OPPOW
               && TDM_AR_DIV == LUA_OPDIV && TDM_AR_IDIV == LUA_OPIDIV
               && TDM_AR_BAND == LUA_OPBAND && TDM_AR_BOR == LUA_OPBOR
               && TDM_AR_BXOR == LUA_OPBXOR && TDM_AR_SHL == LUA_OPSHL
               && TDM_AR_SHR == LUA_OPSHR && TDM_AR_UNM == LUA_OPUNM
               && TDM_AR_BNOT == LUA_OPBNOT,
               "tdmS_ArithOp must follow Lua's LUA_OP* order");
_Static_assert(TDM_CMP_EQ == LUA_OPEQ && TDM_CMP_LT == LUA_OPLT && TDM_CMP_LE == LUA_OPLE,
               "tdmS_CmpOp must follow Lua's LUA_OP* order");

#define TRACE_HEAD 10    /* entries kept from the innermost end */
#define TRACE_TAIL 11    /* entries kept from the outermost end */

/* Number of levels on L's stack (exponential then binary search, as
   luaL_traceback does, so a deep stack costs O(log n) probes). */
static int last_level(lua_State *L)
{
    lua_Debug ar;
    int li = 1, le = 1;
    while (lua_getstack(L, le, &ar)) {
        li = le;
        le *= 2;
    }
    while (li < le) {
        int m = (li + le) / 2;
        if (lua_getstack(L, m, &ar)) {
            li = m + 1;
        } else {
            le = m;
        }
    }
    return le - 1;
}

static void add_level(lua_State *L, int level, tdmS_Error *e)
{
    lua_Debug ar;
    if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "Sln", &ar)
        || strcmp(ar.what, "C") == 0) {
        return;
    }
    const char *name = ar.name;
    if (name == NULL) {
        name = strcmp(ar.what, "main") == 0 ? "<main chunk>" : "<lua function>";
    }
    tdmS_add_trace(e, TDM_LANG_LUA, name, ar.short_src, ar.currentline);
}

/* [-0, +0, -]: levels [level, last - below] into e->trace, innermost last
   (the `below` outermost levels belong to enclosing crossings, which record
   them); a deep stack keeps its TRACE_HEAD innermost and TRACE_TAIL
   outermost levels. */
static void record_levels(lua_State *L, int level, int below, tdmS_Error *e)
{
    int last = last_level(L) - below;
    int first = e->ntrace;
    for (int lv = level; lv <= last; lv++) {
        if (lv - level >= TRACE_HEAD && last - lv >= TRACE_TAIL) {
            lv = last - TRACE_TAIL;     /* skip the middle */
            continue;
        }
        add_level(L, lv, e);
    }
    /* getstack walks innermost first: reverse the new entries */
    for (int i = first, j = e->ntrace - 1; i < j; i++, j--) {
        tdmS_TraceEntry t = e->trace[i];
        e->trace[i] = e->trace[j];
        e->trace[j] = t;
    }
}

void tdmL_record_trace(lua_State *L, int level, tdmS_Error *e)
{
    record_levels(L, level, 0, e);
}

/* The error value at idx is the Lua value a LuaError gave back to Lua
   (push_error): replace it with that exception, which crosses as itself,
   and forget the pair (it would keep the exception alive). [-0, +0, m] */
static void map_lasterr(lua_State *L, tdmL_State *st, int idx)
{
    if (!st->lasterr || !lua_checkstack(L, 3)) {
        return;
    }
    idx = lua_absindex(L, idx);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &tdmL_key_lasterr) == LUA_TTABLE) {
        lua_rawgeti(L, -1, 1);
        if (lua_rawequal(L, -1, idx)) {
            st->lasterr = 0;
            lua_rawgeti(L, -2, 2);
            lua_replace(L, idx);
            lua_pushnil(L);
            lua_rawsetp(L, LUA_REGISTRYINDEX, &tdmL_key_lasterr);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* The Lua error value at idx (not an object of another language) into
   e->value, whatever its type: a string as an owned copy (all its bytes), nil
   as a nil marked TDM_VF_ERROBJ, an object with a ref. [-0, +0, m] */
static void error_value(lua_State *L, tdmL_State *st, int idx, tdmS_Error *e)
{
    tdmV_release(st->rt, &e->value);
    int t = lua_type(L, idx);
    if (t == LUA_TSTRING) {
        size_t n;
        const char *p = lua_tolstring(L, idx, &n);
        char *copy = malloc(n + 1);
        if (copy != NULL) {
            memcpy(copy, p, n + 1);
            e->value.kind = TDM_STR;
            e->value.flags = TDM_VF_OWNSTR;
            e->value.u.s.p = copy;
            e->value.u.s.n = n;
        }
    } else if (t == LUA_TNIL) {
        e->value.flags = TDM_VF_ERROBJ;
    } else if (!tdmL_tovalue_scalar(L, idx, &e->value)) {
        tdmL_tovalue(L, st, idx, &e->value);    /* error({code = 7}) */
    }
}

/* Message handler: record message, Lua frames and traceback text into the
   current frame; return the error value unchanged. Called again for the
   same frame (a __close failing while the error unwinds), it records the
   new error instead, as Lua reports that one. */
static int msgh(lua_State *L)
{
    tdmL_State *st = tdmL_state(L);
    tdmS_Frame *f = st ? st->rt->top : NULL;
    if (f != NULL && f->lang == &tdmL_lang && st->errframe == f) {
        tdmS_clear_error(st->rt, &f->err);
    }
    if (f != NULL && f->lang == &tdmL_lang && f->err.message == NULL
        && f->err.ntrace == 0) {
        st->errframe = f;
        map_lasterr(L, st, 1);
        tdmL_Foreign fb;
        if (tdmL_toforeign(L, st, 1, &fb) == NULL) {
            error_value(L, st, 1, &f->err);
            size_t n;
            const char *m = luaL_tolstring(L, 1, &n);
            tdmS_error_lstr(f, TDM_ERRRUN, m, n);
            luaL_traceback(L, L, m, 1);
            m = lua_tolstring(L, -1, &n);
            tdmS_set_tbtext(&f->err, m, n);
        }
        record_levels(L, 1, f->levels, &f->err);
    }
    lua_settop(L, 1);
    return 1;
}

const lua_CFunction tdmL_msgh = msgh;

/* v is the integer i: the common result, filled field by field (each crossing
   that returns one does this; a whole-struct initialiser costs more). */
static inline void int_value(tdm_Value *v, lua_Integer i)
{
    v->kind = TDM_INT;
    v->flags = 0;
    v->aux = 0;
    v->lang = 0;
    v->key = NULL;
    v->u.i = (int64_t)i;
}

/* Convert the values at [from, top] into f->res; return their number. */
static int collect(lua_State *L, tdmL_State *st, tdmS_Frame *f, int from)
{
    int n = lua_gettop(L) - from + 1;
    if (n < 0) {
        n = 0;
    }
    if (tdmS_reserve_res(f, n) != TDM_OK) {
        return luaL_error(L, "not enough memory");
    }
    for (int i = 0; i < n; i++) {
        tdmL_tovalue(L, st, from + i, &f->res[i]);
        f->nres = i + 1;
    }
    return n;
}

static int str_arg(lua_State *L, tdmS_Frame *f, int i, const char *what)
{
    if (i >= f->nargs || f->args[i].kind != TDM_STR) {
        return luaL_error(L, "%s must be a string", what);
    }
    return 0;
}

static int load_code(lua_State *L, tdmS_Frame *f, int is_expr)
{
    str_arg(L, f, 0, "Lua code");
    const char *chunk = "<python>";
    if (f->nargs > 1 && f->args[1].kind == TDM_STR) {
        chunk = f->args[1].u.s.p;       /* NUL-terminated by every adapter */
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (is_expr) {
        luaL_addstring(&b, "return ");
    }
    luaL_addlstring(&b, f->args[0].u.s.p, f->args[0].u.s.n);
    luaL_pushresult(&b);
    size_t n;
    const char *code = lua_tolstring(L, -1, &n);
    /* args[2]: the load mode ("t", "b", "bt"), checked by the caller */
    const char *mode = "t";
    if (f->nargs > 2 && f->args[2].kind == TDM_STR) {
        mode = f->args[2].u.s.p;        /* NUL-terminated by every adapter */
    }
    int s = luaL_loadbufferx(L, code, n, chunk, mode);
    if (s == LUA_OK && (n == 0 || code[0] != LUA_SIGNATURE[0])) {
        tdmL_record_source(L, chunk, code, n);  /* for TDM_OP_SOURCEIR (lsrcrec.c) */
    }
    if (s != LUA_OK) {
        /* anything but a memory error is the code not compiling: also the
           parser's "C stack overflow" (a LUA_ERRRUN) on deep nesting */
        size_t mn;
        const char *m = lua_tolstring(L, -1, &mn);
        tdmL_State *st = tdmL_state(L);
        tdmS_clear_error(st->rt, &f->err);      /* what msgh saw inside the parser */
        st->errframe = NULL;
        tdmS_error_lstr(f, s == LUA_ERRMEM ? TDM_ERRMEM : TDM_ERRSYNTAX,
                        m ? m : "load failed", m ? mn : 11);
        return lua_error(L);
    }
    lua_remove(L, -2);
    return 0;
}

/* Record the Lua error value on top of L in f->err: the value, message
   and (when co is given) the traceback text of co. An object of another
   language is left to convert_error. [-0, +0, m] */
static void record_error(lua_State *L, tdmL_State *st, tdmS_Frame *f, lua_State *co,
                         int status)
{
    tdmL_Foreign fb;
    if (tdmL_toforeign(L, st, -1, &fb) != NULL) {
        tdmV_release(st->rt, &f->err.value);
        free(f->err.message);
        f->err.message = NULL;
        f->err.status = TDM_ERRRUN;
        return;
    }
    error_value(L, st, lua_gettop(L), &f->err);
    size_t n;
    const char *m = luaL_tolstring(L, -1, &n);
    tdmS_error_lstr(f, status == LUA_ERRMEM ? TDM_ERRMEM : TDM_ERRRUN, m, n);
    if (co != NULL) {
        luaL_traceback(L, co, m, 0);
        m = lua_tolstring(L, -1, &n);
        tdmS_set_tbtext(&f->err, m, n);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* Close co's pending to-be-closed variables (co is dead or will not be
   resumed again); on an error the final error value is on top of co. */
static int close_thread(lua_State *L, lua_State *co)
{
#if LUA_VERSION_RELEASE_NUM >= 50406
    return lua_closethread(co, L);
#else
    (void)L;
    return lua_resetthread(co);
#endif
}

/* A coroutine failed: move its error value onto L and record the message,
   traceback text and Lua frames of co (its stack is intact) in f->err, then
   raise the value on L. After a throw (generator throw or close) the
   coroutine's pending to-be-closed variables are closed, as a Python
   generator's finally blocks run; a __close that fails then replaces the
   error, as in Lua. [-0, +1, v] */
static int raise_resume_error(lua_State *L, tdmL_State *st, tdmS_Frame *f, lua_State *co,
                              int status)
{
    st->errframe = NULL;
    int close = f->sub == TDM_RESUME_THROW && lua_checkstack(co, 1);
    if (close) {
        lua_pushvalue(co, -1);      /* the error stays for close_thread */
    }
    lua_xmove(co, L, 1);
    map_lasterr(L, st, -1);
    record_error(L, st, f, co, status);
    tdmL_record_trace(co, 0, &f->err);
    if (close) {
        int s = close_thread(L, co);
        if (s != LUA_OK && lua_gettop(co) > 0) {
            lua_xmove(co, L, 1);
            if (lua_rawequal(L, -1, -2)) {
                lua_pop(L, 1);
            } else {
                lua_remove(L, -2);      /* a __close failed: its error */
                record_error(L, st, f, NULL, s);
            }
        }
        lua_settop(co, 0);
    }
    return lua_error(L);
}

/* The key a generator throw() resumes a coroutine with, before the error
   value; tdmL_yield's continuation raises that value. */
static const char key_throw = 0;

static int yield_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    if (lua_gettop(L) == 2 && lua_touserdata(L, 1) == &key_throw) {
        return lua_error(L);            /* the value at 2 */
    }
    return lua_gettop(L);
}

int tdmL_yield(lua_State *L)
{
    return lua_yieldk(L, lua_gettop(L), 0, yield_k);
}

/* co is suspended in tdmL_yield (a throw can be delivered there). [-0, +0, -] */
static int at_yield(lua_State *co)
{
    lua_Debug ar;
    if (lua_status(co) != LUA_YIELD || !lua_getstack(co, 0, &ar) || !lua_checkstack(co, 1)
        || !lua_getinfo(co, "f", &ar)) {
        return 0;
    }
    int ours = lua_tocfunction(co, -1) == tdmL_yield;
    lua_pop(co, 1);
    return ours;
}

/* THROW to a coroutine that has not started or is suspended elsewhere than
   in tdmL_yield: nothing runs at a yield. A suspended one has its pending
   to-be-closed variables closed (it ends); a __close error is raised. */
static int throw_nowhere(lua_State *L, tdmL_State *st, tdmS_Frame *f, lua_State *co)
{
    f->sub = TDM_RESUME_NOTHROW;
    if (lua_status(co) == LUA_YIELD && close_thread(L, co) != LUA_OK) {
        lua_xmove(co, L, 1);
        lua_settop(co, 0);
        record_error(L, st, f, NULL, LUA_ERRRUN);
        st->errframe = NULL;
        return lua_error(L);
    }
    return 0;
}

static int op_resume(lua_State *L, tdmL_State *st, tdmS_Frame *f)
{
    tdmL_push(L, st, &f->args[0]);
    lua_State *co = lua_tothread(L, 1);
    if (co == NULL) {
        return luaL_error(L, "resume: not a coroutine");
    }
    int status = lua_status(co);
    if ((status == LUA_OK && lua_gettop(co) == 0) || (status != LUA_OK && status != LUA_YIELD)) {
        tdmS_error(f, TDM_ERRDEAD, "cannot resume dead coroutine");
        return lua_error(L);
    }
    int nargs = f->nargs - 1;
    if (f->sub == TDM_RESUME_THROW) {
        if (nargs != 1 || !at_yield(co)) {
            return throw_nowhere(L, st, f, co);
        }
        lua_pushlightuserdata(L, (void *)&key_throw);
        nargs++;
    }
    for (int i = 1; i < f->nargs; i++) {
        tdmL_push(L, st, &f->args[i]);
    }
    if (!lua_checkstack(co, nargs + 1)) {
        return luaL_error(L, "resume: too many arguments");
    }
    lua_xmove(L, co, nargs);
    int nres = 0;
    status = tdmL_resume(st, co, L, nargs, &nres);
    if (status == LUA_OK || status == LUA_YIELD) {
        f->sub = status == LUA_YIELD ? TDM_RESUME_YIELDED : TDM_RESUME_RETURNED;
        luaL_checkstack(L, nres + 1, "resume: too many results");
        lua_xmove(co, L, nres);
        return collect(L, st, f, 2);
    }
    /* error inside the coroutine: its stack is intact, record it */
    return raise_resume_error(L, st, f, co, status);
}

/* A placeholder in f->res for an item pinned on the stack (kind nil). */
#define PINNED_MARK 1

/* keys() or values(): numbers and booleans go straight into f->res; other
   items are pinned on the stack (from index 2, in order) with a marked
   placeholder, converted once the walk is over. Saves the pin and the
   second pass for the common numeric values. Returns the number of pinned
   items (the trampoline returns them so they stay on the stack). */
static int titems_one(lua_State *L, tdmL_State *st, tdmS_Frame *f)
{
    int keys = f->sub == TDM_ITEMS_KEYS;
    int n = 0, cap = TDM_FRAME_INLINE, budget = 0, pinned = 0;
    f->nres = 0;        /* nothing owned until the end */
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (keys) {
            lua_pop(L, 1);      /* the key, on top, is the item */
        }
        if (n == cap) {
            cap *= 2;
            if (cap < 0 || tdmS_reserve_res(f, cap) != TDM_OK) {
                return luaL_error(L, "not enough memory");
            }
        }
        tdm_Value *v = &f->res[n++];
        int t = lua_type(L, -1);
        v->flags = 0;
        v->lang = 0;
        v->key = NULL;
        v->aux = 0;
        if (t == LUA_TNUMBER || t == LUA_TBOOLEAN) {
            if (t == LUA_TBOOLEAN) {
                v->kind = TDM_BOOL;
                v->u.b = lua_toboolean(L, -1);
            } else if (lua_isinteger(L, -1)) {
                v->kind = TDM_INT;
                v->u.i = (int64_t)lua_tointeger(L, -1);
            } else {
                v->kind = TDM_FLOAT;
                v->u.f = (double)lua_tonumber(L, -1);
            }
            if (!keys) {
                lua_pop(L, 1);
            }
            continue;
        }
        v->kind = TDM_NIL;
        v->aux = PINNED_MARK;
        if (--budget < 0) {
            luaL_checkstack(L, 2 * 64, "table too large to list");
            budget = 64;
        }
        if (keys) {
            lua_pushvalue(L, -1);
        }
        lua_rotate(L, -2, 1);       /* the item below the walking key */
        pinned++;
    }
    f->nres = n;
    for (int i = 0, idx = 2; pinned > 0 && i < n; i++) {
        if (f->res[i].kind == TDM_NIL && f->res[i].aux == PINNED_MARK) {
            tdmL_tovalue(L, st, idx++, &f->res[i]);
            pinned--;
        }
    }
    return lua_gettop(L) - 1;   /* the pinned items stay on the stack */
}

static int op_titems(lua_State *L, tdmL_State *st, tdmS_Frame *f)
{
    tdmL_push(L, st, &f->args[0]);
    if (!lua_istable(L, 1)) {
        return luaL_error(L, "items: not a table (a %s value)", luaL_typename(L, 1));
    }
    if (f->sub == TDM_ITEMS_KEYS || f->sub == TDM_ITEMS_VALUES) {
        return titems_one(L, st, f);
    }
    int budget = 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (--budget < 0) {
            luaL_checkstack(L, 3 * 64, "table too large to list");
            budget = 64;
        }
        /* keep what is listed pinned on the stack; the key walks on top */
        if (f->sub == TDM_ITEMS_VALUES) {
            lua_rotate(L, -2, 1);
        } else {
            if (f->sub == TDM_ITEMS_KEYS) {
                lua_pop(L, 1);
            }
            lua_pushvalue(L, -2 + (f->sub == TDM_ITEMS_KEYS));
        }
    }
    return collect(L, st, f, 2);
}

/* Push a neutral value to store in a table: numbers inline. [-0, +1, m] */
static void push_item(lua_State *L, tdmL_State *st, tdm_Value *v)
{
    if (v->kind == TDM_INT) {
        lua_pushinteger(L, (lua_Integer)v->u.i);
    } else if (v->kind == TDM_FLOAT) {
        lua_pushnumber(L, (lua_Number)v->u.f);
    } else {
        tdmL_push(L, st, v);
    }
}

/* Registry key of the chunk `return {...}`, which builds the array part of
   a sequence with one SETLIST instead of a lua_rawseti per item. */
static const char seq_key = 0;

/* Sequences up to this long go through `return {...}` (their values on the
   stack twice); longer ones, or any under a debug hook (which would see the
   chunk run), are stored one by one. */
#define TDM_SEQ_VARARG_MAX 8192

static int op_tablefrom(lua_State *L, tdmL_State *st, tdmS_Frame *f)
{
    if (f->sub == TDM_TABLEFROM_SEQ && f->nargs <= TDM_SEQ_VARARG_MAX && lua_gethook(L) == NULL) {
        if (lua_rawgetp(L, LUA_REGISTRYINDEX, &seq_key) != LUA_TFUNCTION) {
            lua_pop(L, 1);
            if (luaL_loadstring(L, "return {...}") != LUA_OK) {
                return lua_error(L);
            }
            lua_pushvalue(L, -1);
            lua_rawsetp(L, LUA_REGISTRYINDEX, &seq_key);
        }
        luaL_checkstack(L, f->nargs + 8, "table_from: too many items");
        for (int i = 0; i < f->nargs; i++) {
            push_item(L, st, &f->args[i]);
        }
        lua_call(L, f->nargs, 1);
        return collect(L, st, f, 1);
    }
    if (f->sub == TDM_TABLEFROM_SEQ) {
        /* v1, v2 ...: the array part, sized exactly */
        lua_createtable(L, f->nargs, 0);
        for (int i = 0; i < f->nargs; i++) {
            push_item(L, st, &f->args[i]);
            lua_rawseti(L, 1, (lua_Integer)i + 1);
        }
        return collect(L, st, f, 1);
    }
    /* TDM_TABLEFROM_INTO: args[0] is the table to fill */
    int first = f->sub == TDM_TABLEFROM_INTO;
    int npairs = (f->nargs - first) / 2, narr = 0;
    if (first) {
        tdmL_push(L, st, &f->args[0]);
        if (lua_type(L, 1) != LUA_TTABLE) {
            return luaL_error(L, "table_from: the target is not a table");
        }
    } else {
        for (int i = 0; i < npairs; i++) {
            const tdm_Value *k = &f->args[2 * i];
            narr += k->kind == TDM_INT && k->u.i == narr + 1;
        }
        lua_createtable(L, narr, npairs - narr);
    }
    for (int i = 0; i < npairs; i++) {
        tdm_Value *k = &f->args[first + 2 * i];
        if (k->kind == TDM_INT) {
            push_item(L, st, &f->args[first + 2 * i + 1]);
            lua_rawseti(L, 1, (lua_Integer)k->u.i);
        } else {
            if (!tdmL_pushcached(L, st, k)) {
                tdmL_push(L, st, k);
            }
            push_item(L, st, &f->args[first + 2 * i + 1]);
            lua_rawset(L, 1);
        }
    }
    return collect(L, st, f, 1);
}

static int trampoline(lua_State *L)
{
    tdmS_Frame *f = lua_touserdata(L, 1);
    tdmL_State *st = f->rt->state[TDM_LANG_LUA];
    int n = f->nargs;
    lua_settop(L, 0);
    /* TABLEFROM stores its pairs one at a time */
    luaL_checkstack(L, (f->op == TDM_OP_TABLEFROM ? 0 : n) + 8, "too many arguments");
    if (f->op < TDM_OP_EVAL && n < 1) {
        return luaL_error(L, "tandem: operation without a target");
    }
    switch (f->op) {
    case TDM_OP_CALL:
        for (int i = 0; i < n; i++) {
            tdmL_push(L, st, &f->args[i]);
        }
        lua_call(L, n - 1, LUA_MULTRET);
        return collect(L, st, f, 1);
    case TDM_OP_GETATTR:
    case TDM_OP_GETITEM:
    case TDM_OP_INDEX:
        if (n < 2) {
            return luaL_error(L, "index: missing key");
        }
        tdmL_push(L, st, &f->args[0]);
        tdmL_push(L, st, &f->args[1]);
        lua_gettable(L, 1);
        return collect(L, st, f, 2);
    case TDM_OP_SETATTR:
    case TDM_OP_SETITEM:
    case TDM_OP_NEWINDEX:
    case TDM_OP_DELITEM:
        if (n < 2) {
            return luaL_error(L, "index: missing key");
        }
        tdmL_push(L, st, &f->args[0]);
        tdmL_push(L, st, &f->args[1]);
        if (f->op == TDM_OP_DELITEM || n < 3) {
            lua_pushnil(L);
        } else {
            tdmL_push(L, st, &f->args[2]);
        }
        lua_settable(L, 1);
        return 0;
    case TDM_OP_LEN:
        tdmL_push(L, st, &f->args[0]);
        lua_len(L, 1);
        return collect(L, st, f, 2);
    case TDM_OP_RAWLEN:
        tdmL_push(L, st, &f->args[0]);
        lua_pushinteger(L, (lua_Integer)lua_rawlen(L, 1));
        return collect(L, st, f, 2);
    case TDM_OP_STR:
        tdmL_push(L, st, &f->args[0]);
        luaL_tolstring(L, 1, NULL);
        return collect(L, st, f, 2);
    case TDM_OP_REPR:
        /* for another language's str(): __tostring when the object has
           one, else "<Lua table at 0x...>" (lupa's form); no result when
           __tostring returns something that is not a string (or number),
           which the caller reports as its own type error, as lupa */
        tdmL_push(L, st, &f->args[0]);
        if (luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
            lua_pushvalue(L, 1);
            lua_call(L, 1, 1);
            if (!lua_isstring(L, -1)) {
                return 0;
            }
            lua_tostring(L, -1);
        } else {
            lua_pushfstring(L, "<Lua %s at %p>", luaL_typename(L, 1), lua_topointer(L, 1));
        }
        return collect(L, st, f, 2);
    case TDM_OP_TYPENAME:
        tdmL_push(L, st, &f->args[0]);
        lua_pushstring(L, luaL_typename(L, 1));
        return collect(L, st, f, 2);
    case TDM_OP_BOOL:
        tdmL_push(L, st, &f->args[0]);
        lua_pushboolean(L, lua_toboolean(L, 1));
        return collect(L, st, f, 2);
    case TDM_OP_COMPARE:
        if (n < 2) {
            return luaL_error(L, "compare: missing operand");
        }
        tdmL_push(L, st, &f->args[0]);
        tdmL_push(L, st, &f->args[1]);
        lua_pushboolean(L, lua_compare(L, 1, 2, f->sub == TDM_CMP_EQ ? LUA_OPEQ
                                               : f->sub == TDM_CMP_LT ? LUA_OPLT
                                                                      : LUA_OPLE));
        return collect(L, st, f, 3);
    case TDM_OP_ARITH: {
        int unary = f->sub == TDM_AR_UNM || f->sub == TDM_AR_BNOT;
        if (f->sub >= TDM_NARITH || n < (unary ? 1 : 2)) {
            return luaL_error(L, "arith: bad operation");
        }
        tdmL_push(L, st, &f->args[0]);
        if (!unary) {
            tdmL_push(L, st, &f->args[1]);
        }
        if (f->sub == TDM_AR_CONCAT) {
            lua_concat(L, 2);
        } else {
            lua_arith(L, f->sub);   /* TDM_AR_* follow LUA_OP* order */
        }
        return collect(L, st, f, 1);
    }
    case TDM_OP_TNEXT:
        tdmL_push(L, st, &f->args[0]);
        if (!lua_istable(L, 1)) {
            return luaL_error(L, "next: not a table");
        }
        if (n > 1) {
            tdmL_push(L, st, &f->args[1]);
        } else {
            lua_pushnil(L);
        }
        if (lua_next(L, 1)) {
            return collect(L, st, f, 2);
        }
        return 0;
    case TDM_OP_TITEMS:
        return op_titems(L, st, f);
    case TDM_OP_TABLEFROM:
        return op_tablefrom(L, st, f);
    case TDM_OP_NEWTABLE:
        lua_newtable(L);
        return collect(L, st, f, 1);
    case TDM_OP_COROUTINE: {
        tdmL_push(L, st, &f->args[0]);
        if (lua_type(L, 1) == LUA_TTHREAD) {
            /* a coroutine not started yet stands for its function (lupa:
               calling it makes a fresh coroutine with the arguments) */
            lua_State *co = lua_tothread(L, 1);
            lua_Debug ar;
            if (co == L || lua_status(co) != LUA_OK || lua_gettop(co) != 1
                || lua_getstack(co, 0, &ar)) {
                return luaL_error(L, "attempt to call a thread value: a started coroutine"
                                     " is resumed with send() or next()");
            }
            lua_pushvalue(co, 1);
            lua_xmove(co, L, 1);
            lua_replace(L, 1);
        }
        if (lua_type(L, 1) != LUA_TFUNCTION) {
            return luaL_error(L, "coroutine: not a function (a %s value)", luaL_typename(L, 1));
        }
        lua_State *co = lua_newthread(L);
        lua_pushvalue(L, 1);
        lua_xmove(L, co, 1);
        return collect(L, st, f, 2);
    }
    case TDM_OP_RESUME:
        return op_resume(L, st, f);
    case TDM_OP_EVAL:
    case TDM_OP_EXEC:
        load_code(L, f, f->op == TDM_OP_EVAL);
        lua_call(L, 0, LUA_MULTRET);
        return collect(L, st, f, 1);
    case TDM_OP_COMPILE:
        load_code(L, f, 0);
        return collect(L, st, f, 1);
    case TDM_OP_GLOBAL:
    case TDM_OP_SETGLOBAL:
        str_arg(L, f, 0, "global name");
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        lua_pushlstring(L, f->args[0].u.s.p, f->args[0].u.s.n);
        if (f->op == TDM_OP_GLOBAL) {
            lua_gettable(L, 1);
            return collect(L, st, f, 2);
        }
        if (n > 1) {
            tdmL_push(L, st, &f->args[1]);
        } else {
            lua_pushnil(L);
        }
        lua_settable(L, 1);
        return 0;
    case TDM_OP_GLOBALS:
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        return collect(L, st, f, 1);
    case TDM_OP_SOURCEIR:
        tdmL_source_ir(L, st, f);
        return collect(L, st, f, lua_gettop(L) - 1);
    case TDM_OP_LOADIR: {
        int k = tdmL_load_ir(L, st, f);
        return collect(L, st, f, lua_gettop(L) - k + 1);
    }
    case TDM_OP_IMPORT:
        str_arg(L, f, 0, "module name");
        if (lua_getglobal(L, "require") != LUA_TFUNCTION) {
            return luaL_error(L, "require is not available in this Lua state");
        }
        lua_pushlstring(L, f->args[0].u.s.p, f->args[0].u.s.n);
        lua_call(L, 1, 1);
        return collect(L, st, f, 1);
    case TDM_OP_EXPOSE: {
        str_arg(L, f, 0, "name");
        tdm_Value *lang = n > 1 ? &f->args[1] : NULL;
        if (lang == NULL || lang->kind != TDM_INT || lang->u.i <= TDM_LANG_NONE
            || lang->u.i >= TDM_NLANG || lang->u.i == TDM_LANG_LUA
            || f->rt->lang[lang->u.i] == NULL) {
            return luaL_error(L, "tandem: expose needs another attached language");
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        lua_pushlstring(L, f->args[0].u.s.p, f->args[0].u.s.n);
        tdmL_push_foreign_lib(L, st, (tdm_LangId)lang->u.i, f->sub);
        lua_settable(L, -3);
        return 0;
    }
    default:
        return luaL_error(L, "tandem: operation %d is not supported on Lua objects",
                          (int)f->op);
    }
}

static int convert_error(lua_State *L, tdmL_State *st, tdmS_Frame *f, int s)
{
    int status = f->err.status;
    if (s == LUA_ERRMEM) {
        status = TDM_ERRMEM;
        if (f->err.message == NULL && st->alloc_hit) {
            tdmS_error(f, TDM_ERRMEM, "not enough memory (a single string, table or stack "
                       "past the sandbox's max_string of %zu bytes)", st->max_alloc);
        } else if (f->err.message == NULL) {
            tdmS_error(f, TDM_ERRMEM, st->limit_hit ? "not enough memory (max_memory limit reached)"
                                                    : "not enough memory");
        }
    } else if (s == LUA_ERRERR) {
        status = TDM_ERRRUN;
        if (f->err.message == NULL) {
            tdmS_error(f, TDM_ERRRUN, "error in error handling");
        }
    } else if (status == TDM_OK) {
        status = TDM_ERRRUN;
    }
    if (st->b_tripped && s != LUA_ERRMEM) {
        status = TDM_ERRTIMEOUT;        /* whatever the code raised past its budget */
    }
    if (st->deptherr && lua_checkstack(L, 1)) {
        /* the error a crossing refused at the depth limit raised, unchanged,
           is that error; forgotten either way (it holds the value) */
        lua_rawgetp(L, LUA_REGISTRYINDEX, &tdmL_key_deptherr);
        if (status == TDM_ERRRUN && lua_rawequal(L, -1, -2)) {
            status = TDM_ERRDEPTH;
        }
        lua_pop(L, 1);
        lua_pushnil(L);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &tdmL_key_deptherr);     /* no allocation */
        st->deptherr = 0;
    }
    f->err.status = status;
    tdmL_Foreign fb;
    tdmL_Foreign *fo = tdmL_toforeign(L, st, -1, &fb);
    if (fo != NULL) {
        /* an object of another language (e.g. a Python exception): borrowed,
           pinned on the stack until finish */
        f->err.value.kind = TDM_OBJ;
        f->err.value.lang = fo->lang;
        f->err.value.u.obj = fo->handle;
        f->err.value.key = fo->handle;
        f->err.value.flags = TDM_VF_ERROBJ;
    } else if (f->err.message == NULL && lua_type(L, -1) == LUA_TSTRING) {
        size_t n;
        const char *m = lua_tolstring(L, -1, &n);
        tdmS_error_lstr(f, status, m, n);
    } else if (f->err.message == NULL) {
        tdmS_error(f, status, "(error object is a %s value)", luaL_typename(L, -1));
    }
    return status;
}

/* A protected step failed: drop the results converted before the error
   (refs made by collect), then record the error. */
static int fail(lua_State *L, tdmL_State *st, tdmS_Frame *f, int s)
{
    for (int i = 0; i < f->nres; i++) {
        tdmV_release(st->rt, &f->res[i]);
    }
    f->nres = 0;
    return convert_error(L, st, f, s);
}

/* Trampoline converting its arguments (the results of a direct call) into
   the current frame's results; returns them so they stay pinned. */
static int collect_args(lua_State *L)
{
    tdmL_State *st = tdmL_state(L);
    return collect(L, st, st->rt->top, 1);
}

/* Push args[from..nargs) without allocating; 0 (stack back to `top`) when
   one of them needs the protected path. Lua objects, integers and floats,
   the common arguments, and a string first in its cache set are pushed here;
   the rest by tdmL_pushraw. Inline: the
   direct call's loop is the Python -> Lua call's (issue 14). [-0, +(0|n), -] */
static inline __attribute__((always_inline)) int push_args_raw(lua_State *L, tdmL_State *st, const tdmS_Frame *f, int from,
                         int top)
{
    /* the bounds in locals: every lua_* call could otherwise alias f */
    const tdm_Value *v = f->args + from;
    const tdm_Value *end = f->args + f->nargs;
    for (; v < end; v++) {
        int kind = v->kind;
        if (kind == TDM_OBJ && v->lang == TDM_LANG_LUA) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, (lua_Integer)(intptr_t)v->u.obj);
        } else if (kind == TDM_INT) {
            lua_pushinteger(L, (lua_Integer)v->u.i);
        } else if (kind == TDM_FLOAT) {
            lua_pushnumber(L, (lua_Number)v->u.f);
        } else if (!tdmL_pushcached(L, st, v) && !tdmL_pushraw(L, st, v)) {
            lua_settop(L, top);
            return 0;
        }
    }
    return 1;
}

/* Results at [first, top] into f->res: directly when none needs a ref (an
   allocation), else through the collect_args trampoline. The message
   handler sits at index `msgh_at`, or when that is 0 is not there yet (the
   caller ran nothing that can raise) and is put at base + 1 if it is
   needed. */
static int take_results(lua_State *L, tdmL_State *st, tdmS_Frame *f, int base, int first,
                        int msgh_at)
{
    int n = lua_gettop(L) - first + 1;
    int refs = n > TDM_FRAME_INLINE;
    for (int i = 0; i < n && !refs; i++) {
        tdm_Value *v = &f->res[i];
        if (lua_isinteger(L, first + i)) {      /* the common result, inline */
            int_value(v, lua_tointeger(L, first + i));
            continue;
        }
        refs = !tdmL_tovalue_noref(L, st, first + i, v);
    }
    if (refs) {
        if (!lua_checkstack(L, 3)) {
            return tdmS_error(f, TDM_ERRMEM, "Lua stack overflow");
        }
        if (!msgh_at) {
            lua_pushcfunction(L, msgh);
            lua_insert(L, base + 1);
            msgh_at = base + 1;
            first++;
        }
        lua_pushcfunction(L, collect_args);
        lua_insert(L, first);
        int s = lua_pcall(L, n, LUA_MULTRET, msgh_at);
        return s == LUA_OK ? TDM_OK : fail(L, st, f, s);
    }
    f->nres = n;        /* converted above: borrowed, nothing to undo */
    return TDM_OK;
}

/* CALL whose arguments push without allocating: lua_pcall the callee
   itself, skipping the trampoline (the common Python -> Lua call). -1 when
   the trampoline must do it (nothing was done). */
static int direct_call(lua_State *L, tdmL_State *st, tdmS_Frame *f, int base)
{
    /* the outermost crossing on a state tandem made runs at its base level,
       where l_open left the message handler at index 1 (no push) */
    int h = 1;
    int first = base + 1;
    if (!(f->prev == NULL && st->basemsgh)) {
        /* pushed here; base may be 0 (a C function such as coroutine.wrap's
           that moved its arguments away runs on L), so h may be 1 too */
        lua_pushcfunction(L, msgh);
        h = base + 1;
        first = base + 2;
    }
#if defined(__SANITIZE_ADDRESS__)
    /* the invariant l_open set up, checked by make san-test */
    if (lua_tocfunction(L, h) != msgh) {
        abort();
    }
#endif
    if (!push_args_raw(L, st, f, 0, first - 1)) {
        lua_settop(L, base);
        return -1;
    }
    int s = lua_pcall(L, f->nargs - 1, LUA_MULTRET, h);
    if (s != LUA_OK) {
        return convert_error(L, st, f, s);
    }
    if (lua_gettop(L) != first) {
        return take_results(L, st, f, base, first, h);
    }
    /* one result, the common case: as take_results converts it */
    tdm_Value *v = &f->res[0];
    if (!lua_isinteger(L, -1)) {
        if (!tdmL_tovalue_noref(L, st, first, v)) {
            return take_results(L, st, f, base, first, h);
        }
        f->nres = 1;        /* borrowed: pinned on the stack until finish */
        return TDM_OK;
    }
    int_value(v, lua_tointegerx(L, -1, NULL));
    f->nres = 1;
    if (__atomic_load_n(&st->intr, __ATOMIC_RELAXED) == 0 && !st->b_armed) {
        /* nothing borrowed and nothing for tdmL_finish to do but this: the
           stack back now, and no finish owed (as the Python zone does when
           it pinned nothing) */
        lua_settop(L, base);
        f->entered = 0;
    }
    return TDM_OK;
}

/* Index of a plain table (no metatable: nothing can run or raise) with a
   key that pushes without allocating: lua_rawget. -1 when the trampoline
   must do it. */
static int direct_index(lua_State *L, tdmL_State *st, tdmS_Frame *f, int base)
{
    /* nothing here can raise: the message handler is only put in place
       if a result needs the protected path */
    if (f->nargs != 2 || f->args[0].kind != TDM_OBJ || f->args[0].lang != TDM_LANG_LUA
        || f->args[0].aux != TDM_OBJ_TABLE || !push_args_raw(L, st, f, 0, base)) {
        return -1;
    }
    if (lua_type(L, base + 1) != LUA_TTABLE || lua_getmetatable(L, base + 1)) {
        lua_settop(L, base);
        return -1;
    }
    lua_rawget(L, base + 1);
    return take_results(L, st, f, base, base + 2, 0);
}

/* #t of a plain table (no metatable: no __len can run, lua_rawlen cannot
   raise), without the trampoline. */
static int direct_len(lua_State *L, tdmL_State *st, tdmS_Frame *f, int base)
{
    if (f->nargs != 1 || f->args[0].kind != TDM_OBJ || f->args[0].lang != TDM_LANG_LUA
        || f->args[0].aux != TDM_OBJ_TABLE || !push_args_raw(L, st, f, 0, base)) {
        return -1;
    }
    if (lua_type(L, base + 1) != LUA_TTABLE || lua_getmetatable(L, base + 1)) {
        lua_settop(L, base);
        return -1;
    }
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, base + 1));
    return take_results(L, st, f, base, base + 2, 0);
}

/* A raw read of a plain table without a frame (tdmR_Lang.peek): t[k] or
   #t of a table with no metatable (nothing can run or raise), a key that
   pushes without allocating (tdmL_pushraw) and a result that converts
   without one (no new ref); the value stays on the stack until
   tdmL_peek_end. Anything else: 0, and the frame's path (tdmL_op) does it.
   No Lua code runs, so no hook, interrupt or budget is involved, and no
   deferred release needs draining first. */
int tdmL_peek(tdm_Runtime *rt, int op, const tdm_Value *args, int nargs, tdm_Value *res,
              intptr_t *mark)
{
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    const tdm_Value *t = &args[0];
    if (st == NULL || st->L == NULL || rt->closed || nargs < 1 || t->kind != TDM_OBJ
        || t->lang != TDM_LANG_LUA || t->aux != TDM_OBJ_TABLE) {
        return 0;
    }
    int len = op == TDM_OP_LEN, id = op == TDM_OP_PEEKID;
    if (len ? nargs != 1
            : nargs != 2 || (op != TDM_OP_GETATTR && op != TDM_OP_GETITEM
                             && op != TDM_OP_INDEX && !id)) {
        return 0;
    }
    lua_State *L = st->L;
    int base = lua_gettop(L);
    /* as tdmL_op: Lua gave the running C function (or the base level)
       LUA_MINSTACK slots */
    if (base + 3 > LUA_MINSTACK && !lua_checkstack(L, 3)) {
        return 0;
    }
    /* tdmL_getref, whose answer is the type */
    /* (a raw read runs nothing whatever the metatable: PEEKID reads any
       table; the others answer for the index, which a metatable may change) */
    if (lua_rawgeti(L, LUA_REGISTRYINDEX, (lua_Integer)(intptr_t)t->u.obj) != LUA_TTABLE
        || (!id && lua_getmetatable(L, base + 1))) {
        lua_settop(L, base);
        return 0;
    }
    if (len) {
        int_value(res, lua_rawlen(L, base + 1));
        *mark = base;           /* peek_end pops the table */
        return 1;
    }
    if (args[1].kind == TDM_INT) {
        lua_rawgeti(L, base + 1, (lua_Integer)args[1].u.i);    /* t[i] */
    } else if (tdmL_pushcached(L, st, &args[1])) {
        lua_rawget(L, base + 1);                    /* t.name: the cached key */
    } else if (tdmL_pushraw(L, st, &args[1])) {
        lua_rawget(L, base + 1);
    } else {
        lua_settop(L, base);
        return 0;
    }
    if (id) {
        /* only objects whose identity the host pins by what it makes of
           them: a table (its view holds it), a Lua function (its
           translation or its wrapper holds it), a light C function (an
           address for good). A C closure may be a Python callable, which
           the host gets back as itself, and a userdata a Python object:
           neither holds the Lua object, whose address a new one may take. */
        int ty = lua_type(L, base + 2);
        if (!(ty == LUA_TTABLE
              || (ty == LUA_TFUNCTION && !tdmL_is_xentry(L, base + 2)
                  && !(lua_iscfunction(L, base + 2)
                       && lua_getupvalue(L, base + 2, 1) != NULL)))) {
            lua_settop(L, base);
            return 0;
        }
        int_value(res, (lua_Integer)(intptr_t)lua_topointer(L, base + 2));
    } else if (st->noneud != NULL && lua_type(L, base + 2) == LUA_TUSERDATA
               && lua_topointer(L, base + 2) == st->noneud) {
        lua_settop(L, base);    /* python.none: the host would take it for nil */
        return 0;
    } else if (lua_isinteger(L, base + 2)) {
        int_value(res, lua_tointeger(L, base + 2));
    } else if (!tdmL_tovalue_noref(L, st, base + 2, res)) {
        lua_settop(L, base);            /* a Lua object: it needs a ref */
        return 0;
    }
    *mark = base;
    return 1;
}

void tdmL_peek_end(tdm_Runtime *rt, intptr_t mark)
{
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    if (st != NULL && st->L != NULL) {
        lua_settop(st->L, (int)mark);
    }
}

/* Record the error of a coroutine that failed in lua_resume (its stack is
   intact). Trampoline: 1 = the coroutine, 2 = the frame, 3 = the status. */
static int resume_error(lua_State *L)
{
    lua_State *co = lua_tothread(L, 1);
    tdmS_Frame *f = lua_touserdata(L, 2);
    int status = (int)lua_tointeger(L, 3);
    tdmL_State *st = f->rt->state[TDM_LANG_LUA];
    lua_settop(L, 3);
    return raise_resume_error(L, st, f, co, status);
}

/* The coroutine held by the ref `handle`, or NULL. The last one is
   remembered (st->coref), so resuming it again reads no registry slot.
   [-0, +0, -] */
static lua_State *ref_thread(lua_State *L, tdmL_State *st, void *handle)
{
    int ref = (int)(intptr_t)handle;
    if (tdmL_refstate(st, ref) == TDML_REF_FREE) {
        return NULL;
    }
    if (ref == st->coref) {
        return st->co;
    }
    tdmL_getref(L, st, handle);
    lua_State *co = lua_tothread(L, -1);
    lua_pop(L, 1);          /* the ref keeps it alive */
    if (co != NULL) {
        st->coref = ref;
        st->co = co;
    }
    return co;
}

/* RESUME without the trampoline: lua_resume is itself protected. -1 when
   the trampoline must do it. */
static int direct_resume(lua_State *L, tdmL_State *st, tdmS_Frame *f, int base)
{
    const tdm_Value *a = &f->args[0];
    lua_State *co = NULL;
    if (f->sub == TDM_RESUME_THROW) {
        return -1;      /* op_resume delivers it */
    }
    if (a->kind == TDM_OBJ && a->lang == TDM_LANG_LUA) {
        co = ref_thread(L, st, a->u.obj);
    }
    int nargs = f->nargs - 1;
    if (co == NULL || co == L || (nargs > 0 && !lua_checkstack(co, nargs + 1))) {
        return -1;
    }
    /* lua_resume is protected itself: the message handler is only put in
       place when a result needs the protected path, or for an error */
    if (!push_args_raw(L, st, f, 1, base)) {
        return -1;
    }
    int status = lua_status(co);
    if ((status == LUA_OK && lua_gettop(co) == 0) || (status != LUA_OK && status != LUA_YIELD)) {
        return tdmS_error(f, TDM_ERRDEAD, "cannot resume dead coroutine");
    }
    if (nargs > 0) {
        lua_xmove(L, co, nargs);
    }
    int nres = 0;
    status = tdmL_resume(st, co, L, nargs, &nres);
    if (status == LUA_OK || status == LUA_YIELD) {
        f->sub = status == LUA_YIELD ? TDM_RESUME_YIELDED : TDM_RESUME_RETURNED;
        if (nres == 1 && lua_isinteger(co, -1)) {
            /* one integer, the common yield: read where it is, then popped
               (as moving it would); nothing is left on L for tdmL_finish
               unless an interrupt or a budget asks for it */
            tdm_Value *v = &f->res[0];
            int_value(v, lua_tointegerx(co, -1, NULL));
            lua_pop(co, 1);
            f->nres = 1;
            if (__atomic_load_n(&st->intr, __ATOMIC_RELAXED) == 0 && !st->b_armed) {
                f->entered = 0;
            }
            return TDM_OK;
        }
        /* tdmL_op made room for nargs + 8 */
        if (nres > 6 && !lua_checkstack(L, nres + 2)) {
            lua_pop(co, nres);
            return tdmS_error(f, TDM_ERRMEM, "resume: too many results");
        }
        lua_xmove(co, L, nres);
        return take_results(L, st, f, base, base + 1, 0);
    }
    /* the error value is on co's stack; record it under protection */
    lua_pushcfunction(L, msgh);
    lua_pushcfunction(L, resume_error);
    tdmL_getref(L, st, a->u.obj);
    lua_pushlightuserdata(L, f);
    lua_pushinteger(L, status);
    int s = lua_pcall(L, 3, 0, base + 1);
    return convert_error(L, st, f, s == LUA_OK ? LUA_ERRRUN : s);
}

int tdmL_op(tdmS_Frame *f)
{
    tdm_Runtime *rt = f->rt;        /* the caller holds the runtime lock */
    f->entered = 1;
    f->scratch = -1;
    tdmL_State *st = rt->state[TDM_LANG_LUA];
    if (st == NULL || st->L == NULL || rt->closed) {
        return tdmS_error(f, TDM_ERRCLOSED, "tandem: the runtime is closed");
    }
    lua_State *L = st->L;
    if (tdmR_haspending(rt)) {
        tdmR_drain(rt, TDM_LANG_LUA);
    }
    int base = lua_gettop(L);
    int need = (f->op == TDM_OP_TABLEFROM ? 0 : f->nargs) + 8;
    /* L runs a C function here (the caller's, or the base level of a state
       nothing runs on, or a C hook's): Lua gave it LUA_MINSTACK free slots
       above its function, less what is on its stack now; lua_checkstack
       only when more is needed */
    if (base + need > LUA_MINSTACK && !lua_checkstack(L, need)) {
        return tdmS_error(f, TDM_ERRMEM, "Lua stack overflow");
    }
    f->scratch = base;
    if (__builtin_expect(st->b_on, 0) && f->prev == NULL) {
        tdmL_budget_arm(st);
    }
    st->limit_hit = 0;
    st->alloc_hit = 0;
    st->errframe = NULL;
    st->lasterr = 0;
    lua_Debug ar;
    /* nested in a Lua call (or a lua5.4 host's): the levels already there
       are the enclosing crossings' to record */
    /* a state tandem made runs Lua code only inside a crossing: with none
       enclosing this one, no level is on its stack (lua_getstack not asked) */
    f->levels = (f->prev == NULL && st->own) ? 0
                : lua_getstack(L, 0, &ar) ? last_level(L) + 1 : 0;
    int st_direct = -1;
    if (f->nargs > 0 && f->nargs <= 16) {
        switch (f->op) {
        case TDM_OP_CALL:
            st_direct = direct_call(L, st, f, base);
            break;
        case TDM_OP_GETATTR:
        case TDM_OP_GETITEM:
        case TDM_OP_INDEX:
            st_direct = direct_index(L, st, f, base);
            break;
        case TDM_OP_LEN:
            st_direct = direct_len(L, st, f, base);
            break;
        case TDM_OP_RESUME:
            st_direct = direct_resume(L, st, f, base);
            break;
        default:
            break;
        }
    }
    if (st_direct >= 0) {
        return st_direct;
    }
    lua_pushcfunction(L, msgh);
    lua_pushcfunction(L, trampoline);
    lua_pushlightuserdata(L, f);
    int s = lua_pcall(L, 1, LUA_MULTRET, base + 1);
    if (s == LUA_OK) {
        return TDM_OK;
    }
    return fail(L, st, f, s);
}

/* tdmL_finish with an interrupt pending: the outermost crossing drops it
   (the code it stopped has stopped). Out of line: the common finish stays a
   tail call. */
static __attribute__((noinline)) void finish_interrupted(tdmL_State *st, tdmS_Frame *f)
{
    if (f->prev == NULL) {
        /* a chunk compiled for the call that follows (execute, eval): the
           interrupt that arrived meanwhile is for that call */
        if (st->intr != 0 && !(f->op == TDM_OP_COMPILE && f->sub == TDM_COMPILE_THEN_CALL
                               && f->err.status == TDM_OK)) {
            tdmL_intr_clear(st);
        }
        if (st->b_armed) {
            tdmL_budget_disarm(st);
        }
    }
    lua_settop(st->L, (int)f->scratch);
}

void tdmL_finish(tdmS_Frame *f)
{
    tdmL_State *st = f->rt->state[TDM_LANG_LUA];
    if (st != NULL && st->L != NULL && f->scratch >= 0) {
        if (__builtin_expect(__atomic_load_n(&st->intr, __ATOMIC_RELAXED) != 0
                             || st->b_armed, 0)) {
            /* the outermost call of a timeout-only budget that did not run
               out: disarmed here (the call's whole cost is in budget_arm) */
            if (!(f->prev == NULL && __atomic_load_n(&st->intr, __ATOMIC_RELAXED) == 0
                  && tdmL_budget_disarm_quick(st))) {
                finish_interrupted(st, f);
                return;
            }
        }
        lua_settop(st->L, (int)f->scratch);
    }
}
