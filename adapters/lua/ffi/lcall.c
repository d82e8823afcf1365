/*
 * lcall.c — calling a function cdata from Lua (its __call).
 *
 * A function cdata caches, on its first call, everything derivable
 * from its type in the userdata (function type, prepared libffi interface,
 * a conversion code per parameter, whether it is called directly). When
 * every parameter and the result are scalars (integers, enums, floats,
 * pointers) and the function is not variadic, __call range-checks the
 * arguments straight from the Lua stack into a register block and calls
 * through the cached interface — or, for integer/pointer signatures on
 * x86-64, through a plain C function pointer — with errno and the
 * callback-error context handled inline: no frame, no allocation, no
 * function call of ours. Any argument the fast path does not take (a
 * conversion failure included) falls back to the general path (tdmF_call),
 * which produces the error message. The general path also turns a Lua
 * function passed for a function-pointer parameter into a callback that
 * lives for the duration of the call.
 *
 * The fast path (fast_args, call_fast) is static and always_inline into
 * tdmL_cd_call in this file, exactly as it was inside lcdata.c: the split
 * costs no call. Lua reaches tdmL_cd_call through the cdata metatable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lffi.h"

#define FASTMAX TDML_FASTMAX
#define SMALLARGS TDML_SMALLARGS

static int scalar_type(const tdmF_Type *t)
{
    /* long double (16 bytes) takes the general path: the fast one's slots are 8 */
    return t->kind == TDMF_INT || t->kind == TDMF_ENUM ||
           (t->kind == TDMF_FLOAT && t->size <= 8) || t->kind == TDMF_PTR;
}

/* The conversion code of a scalar type. */
static uint8_t kind_code(const tdmF_Type *t)
{
    const tdmF_Type *st = tdmF_scalar(t);
    int sg = (st->flags & TDMF_SIGNED) != 0;
    switch (st->kind) {
    case TDMF_VOID:
        return TDML_K_VOID;
    case TDMF_PTR:
        return TDML_K_PTR;
    case TDMF_FLOAT:
        return st->size == 4 ? TDML_K_FLOAT : TDML_K_DOUBLE;
    case TDMF_INT:
        if (st->flags & TDMF_BOOL) {
            return TDML_K_OTHER;
        }
        switch (st->size) {
        case 1: return sg ? TDML_K_I8 : TDML_K_U8;
        case 2: return sg ? TDML_K_I16 : TDML_K_U16;
        case 4: return sg ? TDML_K_I32 : TDML_K_U32;
        default: return sg ? TDML_K_I64 : TDML_K_U64;
        }
    default:
        return TDML_K_OTHER;
    }
}

static int int_class(uint8_t k)
{
    return k >= TDML_K_I8 && k <= TDML_K_PTR;
}

/* Look at a function cdata once: can it take the fast path? */
static void prepare(tdmL_Ffi *b, tdmL_CData *u)
{
    const tdmF_CData *cd = u->h.handle;
    const tdmF_Type *fn = tdmL_func_type(cd->type);
    int direct = 1;
    u->fast = -1;
    if (fn == NULL || (fn->flags & TDMF_VARIADIC) || fn->nparams > FASTMAX ||
        (fn->base->kind != TDMF_VOID && !scalar_type(fn->base))) {
        return;
    }
    for (int i = 0; i < fn->nparams; i++) {
        if (!scalar_type(fn->params[i])) {
            return;
        }
        u->pcode[i] = kind_code(fn->params[i]);
        direct = direct && int_class(u->pcode[i]);
    }
    if ((u->cif = tdmF_cif(b->R, fn, NULL)) == NULL) {
        return;
    }
    u->rcode = kind_code(fn->base);
#if defined(__x86_64__) && !defined(_WIN64)
    u->direct = (uint8_t)(direct && fn->nparams <= 6 &&
                          (u->rcode == TDML_K_VOID || int_class(u->rcode)));
#else
    (void)direct;
    u->direct = 0;
#endif
    u->indirect = cd->type->kind != TDMF_FUNC;
    u->nparams = (uint8_t)fn->nparams;
    u->fn = fn;
    u->b = b;
    u->fast = 1;
}

/* The range of each integer kind that a Lua integer may have (a 64-bit
   unsigned parameter takes the non-negative ones; larger values come as
   cdata and take fast_arg's general conversion). */
static const lua_Integer kmin[] = {
    [TDML_K_I8] = INT8_MIN, [TDML_K_U8] = 0, [TDML_K_I16] = INT16_MIN, [TDML_K_U16] = 0,
    [TDML_K_I32] = INT32_MIN, [TDML_K_U32] = 0, [TDML_K_I64] = INT64_MIN, [TDML_K_U64] = 0
};
static const lua_Integer kmax[] = {
    [TDML_K_I8] = INT8_MAX, [TDML_K_U8] = UINT8_MAX, [TDML_K_I16] = INT16_MAX,
    [TDML_K_U16] = UINT16_MAX, [TDML_K_I32] = INT32_MAX, [TDML_K_U32] = UINT32_MAX,
    [TDML_K_I64] = INT64_MAX, [TDML_K_U64] = INT64_MAX
};

/* One argument that is not a Lua integer for an integer parameter, as a
   full 64-bit register value (sign or zero extended as the ABI wants); 0
   when the value needs the general path (which then reports the error). */
static int fast_arg(lua_State *L, tdmL_Ffi *b, const tdmF_Type *t, uint8_t k, int idx,
                    uint64_t *out)
{
    tdm_Value v;
    uint64_t raw = 0;
    tdmL_ffi_tovalue(L, b, idx, &v);
    if (tdmF_to_c(b->R, t, &v, &raw, TDMF_CV_ARG, NULL) != TDM_OK) {
        return 0;
    }
    switch (k) {
    case TDML_K_I8: *out = (uint64_t)(int64_t)(int8_t)raw; break;
    case TDML_K_I16: *out = (uint64_t)(int64_t)(int16_t)raw; break;
    case TDML_K_I32: *out = (uint64_t)(int64_t)(int32_t)raw; break;
    default: *out = raw; break;     /* zero extended (raw started at 0) */
    }
    return 1;
}

/* Push a fast-path result of kind k from its register bits. */
static int push_fast_result(lua_State *L, tdmL_Ffi *b, const tdmF_Type *rt, uint8_t k,
                            const void *rv)
{
    uint64_t r = *(const uint64_t *)rv;
    tdm_Value res;
    switch (k) {
    case TDML_K_VOID: return 0;
    case TDML_K_I8: lua_pushinteger(L, (int8_t)r); return 1;
    case TDML_K_U8: lua_pushinteger(L, (uint8_t)r); return 1;
    case TDML_K_I16: lua_pushinteger(L, (int16_t)r); return 1;
    case TDML_K_U16: lua_pushinteger(L, (uint16_t)r); return 1;
    case TDML_K_I32: lua_pushinteger(L, (int32_t)r); return 1;
    case TDML_K_U32: lua_pushinteger(L, (uint32_t)r); return 1;
    case TDML_K_I64: lua_pushinteger(L, (lua_Integer)r); return 1;
    case TDML_K_DOUBLE: lua_pushnumber(L, *(const double *)rv); return 1;
    default:
        break;
    }
    if (tdmF_from_c(b->R, rt, rv, NULL, &res, NULL) != TDM_OK) {
        return luaL_error(L, "not enough memory");
    }
    tdmL_ffi_push(L, b, &res);
    return 1;
}


/* Push a call result: nothing for void. */
static int push_result(lua_State *L, tdmL_Ffi *b, const tdmF_Type *rt, tdm_Value *res)
{
    if (rt->kind == TDMF_VOID) {
        return 0;
    }
    tdmL_ffi_push(L, b, res);
    return 1;
}

/* The general path: any signature, varargs, struct arguments, temporary
   callbacks. Arguments at [first, first + nargs). */
static int call_general(lua_State *L, tdmL_Ffi *b, tdmF_CData *cd, int first, int nargs)
{
    tdm_Value small[SMALLARGS], *vals = small, res = tdm_nil();
    const tdmF_Type *fn = tdmL_func_type(cd->type);
    tdmF_Err err;
    lua_State *saved;
    int st, tmpbase, ntmp = 0;
    if (nargs > SMALLARGS) {
        vals = lua_newuserdatauv(L, (size_t)nargs * sizeof *vals, 0);
    }
    tmpbase = lua_gettop(L) + 1;
    for (int i = 0; i < nargs; i++) {
        const tdmF_Type *pt = fn && i < fn->nparams ? fn->params[i] : NULL;
        if (pt && lua_type(L, first + i) == LUA_TFUNCTION && tdmL_func_type(pt) != NULL &&
            pt->kind == TDMF_PTR) {
            /* a Lua function for a function pointer: a callback for this call */
            tdmL_cb_push(L, b, pt, first + i);
            ntmp++;
            tdmL_ffi_tovalue(L, b, -1, &vals[i]);
        } else {
            /* LuaJIT's extra pointer conversions may push a temporary */
            int top = lua_gettop(L);
            tdmL_ffi_tovalue_to(L, b, first + i, pt, 0, &vals[i]);
            ntmp += lua_gettop(L) - top;
        }
    }
    tdmF_err_init(&err);
    saved = b->L;
    b->L = L;
    tdmS_Frame *ub = b->rt->top != NULL ? tdmS_unblock(b->rt) : NULL;
    tdmF_busy_enter(b->busy);
    st = tdmF_call(b->R, cd, nargs, vals, &res, &err);
    tdmF_busy_leave(b->busy);
    if (ub != NULL) {
        tdmS_reblock(b->rt, ub);
    }
    b->L = saved;
    for (int i = 0; i < ntmp; i++) {
        tdmL_CData *u = lua_touserdata(L, tmpbase + i);
        /* debug.getlocal reaches it: its __gc may have run */
        if (u->h.handle != NULL && (((tdmF_CData *)u->h.handle)->flags & TDMF_CD_CALLBACK)) {
            tdmF_callback_free(u->h.handle, NULL);
        }
    }
    if (st != TDM_OK) {
        free(tdmF_busy_take(b->busy));      /* this call's own error explains it */
        return tdmL_ffi_raise(L, b, &err);
    }
    if (b->busy->refused != NULL) {
        tdmF_value_release(b->R, &res);
        return tdmL_cb_raise_refused(L, b);
    }
    if (fn == NULL) {
        tdmF_value_release(b->R, &res);
        return 0;
    }
    return push_result(L, b, fn->base, &res);
}

/* Fast path, step 1: the arguments, range-checked straight from the Lua
   stack into a register block (a Lua integer for an integer parameter
   without any call of ours). 0 when one needs the general path, which
   reports what is wrong. [-0, +0, -] */
static inline __attribute__((always_inline)) int fast_args(lua_State *L, const tdmL_CData *u,
                                                          uint64_t *abuf)
{
    for (int i = 0; i < u->nparams; i++) {
        uint8_t k = u->pcode[i];
        if (__builtin_expect(k >= TDML_K_I8 && k <= TDML_K_U64 && lua_isinteger(L, i + 2), 1)) {
            lua_Integer x = lua_tointegerx(L, i + 2, NULL);
            if (__builtin_expect(x < kmin[k] || x > kmax[k], 0)) {
                return 0;
            }
            abuf[i] = (uint64_t)x;
        } else if (!fast_arg(L, u->b, u->fn->params[i], k, i + 2, &abuf[i])) {
            return 0;
        }
    }
    return 1;
}

/* Through libffi: signatures with floating-point parameters or results,
   or more than six parameters. */
static __attribute__((noinline)) void call_cif(const tdmL_CData *u, void *code, uint64_t *abuf,
                                               void *rv)
{
    void *avec[FASTMAX];
    for (int i = 0; i < u->nparams; i++) {
        avec[i] = &abuf[i];
    }
    ffi_call(u->cif, FFI_FN(code), rv, avec);
}

/* Fast path, step 2: the call, with errno and the callback-error context
   handled inline (no frame, no allocation, no call of ours), then the
   result. [-0, +(0|1), e] */
static inline __attribute__((always_inline)) int call_fast(lua_State *L, tdmL_CData *u,
                                                          uint64_t *abuf)
{
    tdmL_Ffi *b = u->b;
    tdmF_CData *cd = u->h.handle;
    union { ffi_arg a; double d; uint64_t u; } rv;
    tdmF_CallCtx ctx;
    lua_State *saved;
    void *code = u->indirect ? *(void **)cd->addr : cd->addr;
    int *perr;
    if (code == NULL) {
        return -1;
    }
    tdmL_ctx_push(&ctx);
    saved = b->L;
    b->L = L;
    tdmF_busy_enter(b->busy);
    /* a crossing from Python may hold the GIL: let go while C runs */
    tdmS_Frame *ub = b->rt->top != NULL ? tdmS_unblock(b->rt) : NULL;
    perr = &errno;
    *perr = tdmF_tls_errno;
#if defined(__x86_64__) && !defined(_WIN64)
    if (u->direct) {
        rv.u = tdmF_call_direct(code, u->nparams, abuf);
    } else
#endif
    {
        call_cif(u, code, abuf, &rv);
    }
    tdmF_tls_errno = *perr;
    if (ub != NULL) {
        tdmS_reblock(b->rt, ub);
    }
    tdmF_busy_leave(b->busy);
    b->L = saved;
    tdmL_ctx_pop(&ctx);
    if (ctx.err.status != TDM_OK) {
        free(tdmF_busy_take(b->busy));      /* this call's own error explains it */
        return tdmL_cb_raise(L, b, &ctx.err);
    }
    if (__builtin_expect(b->busy->refused != NULL, 0)) {
        return tdmL_cb_raise_refused(L, b);
    }
    if (__builtin_expect(u->rcode == TDML_K_I32, 1)) {
        lua_pushinteger(L, (int32_t)rv.u);
        return 1;
    }
    return push_fast_result(L, b, u->fn->base, u->rcode, &rv);
}

/* The first call (the cache is filled) and everything the fast path does
   not take. */
static __attribute__((noinline)) int call_slow(lua_State *L, tdmL_CData *u)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    uint64_t abuf[FASTMAX];
    int r;
    if (u->fast <= 0 && tdmL_func_type(((tdmF_CData *)u->h.handle)->type) == NULL &&
        tdmL_meta_get(L, b, ((tdmF_CData *)u->h.handle)->type, "__call")) {
        lua_insert(L, 1);           /* ffi.metatype's __call(cd, ...) */
        lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
        return lua_gettop(L);
    }
    if (u->fast == 0) {
        prepare(b, u);
        if (u->fast > 0 && lua_gettop(L) - 1 == u->nparams && fast_args(L, u, abuf) &&
            (r = call_fast(L, u, abuf)) >= 0) {
            return r;
        }
    }
    return call_general(L, b, u->h.handle, 2, lua_gettop(L) - 1);
}

/* __call: upvalue 1 = binding state. */
int tdmL_cd_call(lua_State *L)
{
    tdmL_Ffi *b = lua_touserdata(L, lua_upvalueindex(1));
    tdmL_CData *u = lua_touserdata(L, 1);
    uint64_t abuf[FASTMAX];
    int r;
    /* A cdata whose call plan this binding cached: a full userdata of our
       block size whose plan points at this binding (only this code stores
       it) — checked without fetching the metatable. Anything else takes the
       full check (debug.getmetatable lets any value reach __call). */
    if (u == NULL || lua_rawlen(L, 1) != sizeof *u || u->b != b) {   /* light: rawlen 0 */
        u = tdmL_cd_test(L, b, 1);
        if (u == NULL) {
            return tdmL_not_cdata(L, b, 1);
        }
    }
    if (u->fast > 0 && lua_gettop(L) - 1 == u->nparams && fast_args(L, u, abuf) &&
        (r = call_fast(L, u, abuf)) >= 0) {
        return r;
    }
    return call_slow(L, u);
}
