/*
 * clang.c — the object operations of the bridge performed on cdata.
 *
 * Each operation maps onto the ffi core: CALL -> tdmF_call, INDEX/GETITEM/
 * GETATTR -> an element or field read, SETITEM/SETATTR/NEWINDEX -> a
 * checked write, LEN -> the known array length, STR/REPR -> "cdata<T>: 0x..",
 * COMPARE -> addresses (pointers) or values (numbers), ARITH -> pointer +/-
 * integer, pointer - pointer and plain numbers. Results that are cdata are
 * new references (TDM_VF_OWNED); a STR result is borrowed from a buffer the
 * frame keeps (f->scratch) until finish.
 *
 * It lives beside the adapters (the C language's face of the bridge), not in
 * ffi/: it registers itself with tdmR_attach like the Lua and Python faces,
 * so it links with bridge/, while ffi/ still links alone (the fuzzer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clang.h"
#include "ccall.h"

/* Record an error on the frame (the frame owns the copy). */
static int fail(tdmS_Frame *f, int status, const char *msg)
{
    free(f->err.message);
    f->err.message = strdup(msg);
    f->err.status = status;
    return status;
}

/* A core error; a callback error parked during a call moves to the frame
   whole (its error object and traceback), so the caller re-raises it. */
static int fail_err(tdmS_Frame *f, tdmF_Registry *R, tdmF_Err *err)
{
    int st = err->status != TDM_OK ? err->status : TDM_ERRRUN;
    if (err->cb.status != TDM_OK) {
        free(f->err.message);
        f->err = err->cb;
        memset(&err->cb, 0, sizeof err->cb);
        if (f->err.message == NULL) {
            f->err.message = strdup(err->msg);
        }
        f->err.status = st;
        return st;
    }
    fail(f, st, err->msg);
    tdmF_err_clear(R, err);
    return st;
}

static tdmF_CData *cdata_arg(tdmS_Frame *f, int i)
{
    return i < f->nargs ? tdmF_cd_of(&f->args[i]) : NULL;
}

/* Element index or field name of args[1] into a place. */
static int place_of(tdmS_Frame *f, tdmF_Registry *R, tdmF_CData *cd, tdmF_Place *pl,
                    tdmF_Err *err)
{
    const tdm_Value *k = &f->args[1];
    char name[256];
    if (k->kind == TDM_INT) {
        return tdmF_cd_index(R, cd, k->u.i, pl, err);
    }
    if (k->kind == TDM_FLOAT && k->u.f == (double)(int64_t)k->u.f) {
        return tdmF_cd_index(R, cd, (int64_t)k->u.f, pl, err);
    }
    if (k->kind == TDM_STR && k->u.s.n < sizeof name && memchr(k->u.s.p, 0, k->u.s.n) == NULL) {
        memcpy(name, k->u.s.p, k->u.s.n);
        name[k->u.s.n] = '\0';
        return tdmF_cd_field(R, cd, name, pl, err);
    }
    return tdmF_seterr(err, TDM_ERRTYPE, "cdata index must be an integer or a field name");
}

/* Is v something an address comparison accepts (pointer-like cdata, nil)? */
static int addr_like(const tdm_Value *v)
{
    const tdmF_CData *cd = tdmF_cd_of(v);
    return v->kind == TDM_NIL || (cd != NULL && (tdmF_is_ptrlike(cd->type) ||
                                                 cd->type->kind == TDMF_STRUCT ||
                                                 cd->type->kind == TDMF_UNION));
}

/* A number out of a Lua/Python number or a numeric cdata: 1 int, 2 float,
   3 unsigned 64-bit above INT64_MAX (*i holds the bits), 0 not a number. */
static int number_of(tdmF_Registry *R, const tdm_Value *v, int64_t *i, double *d)
{
    const tdmF_CData *cd = tdmF_cd_of(v);
    tdm_Value n;
    if (v->kind == TDM_INT || v->kind == TDM_BOOL) {
        *i = v->kind == TDM_INT ? v->u.i : v->u.b;
        *d = (double)*i;
        return 1;
    }
    if (v->kind == TDM_FLOAT) {
        *d = v->u.f;
        return 2;
    }
    if (cd == NULL || (tdmF_scalar(cd->type)->kind != TDMF_INT &&
                       tdmF_scalar(cd->type)->kind != TDMF_FLOAT)) {
        return 0;
    }
    if (tdmF_from_c(R, cd->type, cd->addr, NULL, &n, NULL) != TDM_OK) {
        return 0;
    }
    if (n.kind == TDM_OBJ) {
        tdmF_value_release(R, &n);      /* uint64 above INT64_MAX */
        *i = (int64_t)*(const uint64_t *)cd->addr;
        *d = (double)*(const uint64_t *)cd->addr;
        return 3;
    }
    return number_of(R, &n, i, d);
}

static int op_compare(tdmS_Frame *f, tdmF_Registry *R)
{
    const tdm_Value *a = &f->args[0], *b = &f->args[1];
    int64_t ia, ib;
    double da, db;
    int ka, kb, r;
    if (addr_like(a) && addr_like(b)) {
        int c = tdmF_ptr_cmp(a, b);
        r = f->sub == TDM_CMP_EQ ? c == 0 : f->sub == TDM_CMP_LT ? c < 0 : c <= 0;
    } else if ((ka = number_of(R, a, &ia, &da)) != 0 && (kb = number_of(R, b, &ib, &db)) != 0) {
        if (ka == 1 && kb == 1) {
            r = f->sub == TDM_CMP_EQ ? ia == ib : f->sub == TDM_CMP_LT ? ia < ib : ia <= ib;
        } else if (ka == 3 && kb == 3) {
            uint64_t ua = (uint64_t)ia, ub = (uint64_t)ib;
            r = f->sub == TDM_CMP_EQ ? ua == ub : f->sub == TDM_CMP_LT ? ua < ub : ua <= ub;
        } else if ((ka == 3 && kb == 1) || (ka == 1 && kb == 3)) {
            r = f->sub == TDM_CMP_EQ ? 0 : kb == 3;     /* the huge one is larger */
        } else {
            r = f->sub == TDM_CMP_EQ ? da == db : f->sub == TDM_CMP_LT ? da < db : da <= db;
        }
    } else if (f->sub == TDM_CMP_EQ) {
        r = tdmF_cd_of(a) != NULL && tdmF_cd_of(a) == tdmF_cd_of(b);
    } else {
        return fail(f, TDM_ERRTYPE, "cannot compare these cdata values");
    }
    f->res[0] = tdm_bool(r);
    f->nres = 1;
    return TDM_OK;
}

static int op_numeric(tdmS_Frame *f, tdmF_Registry *R)
{
    int64_t ia = 0, ib = 0;
    double da = 0, db = 0;
    int unary = f->sub == TDM_AR_UNM, ka, kb = 1;
    ka = number_of(R, &f->args[0], &ia, &da);
    if (!unary) {
        kb = f->nargs > 1 ? number_of(R, &f->args[1], &ib, &db) : 0;
    }
    if (ka == 0 || kb == 0) {
        return fail(f, TDM_ERRTYPE, "unsupported operand types for cdata arithmetic");
    }
    if (ka != 2 && kb != 2 && f->sub != TDM_AR_DIV && f->sub != TDM_AR_POW) {
        /* integers: 64-bit wrapping arithmetic */
        uint64_t x = (uint64_t)ia, y = (uint64_t)ib;
        switch (f->sub) {
        case TDM_AR_ADD: f->res[0] = tdm_int((int64_t)(x + y)); break;
        case TDM_AR_SUB: f->res[0] = tdm_int((int64_t)(x - y)); break;
        case TDM_AR_MUL: f->res[0] = tdm_int((int64_t)(x * y)); break;
        case TDM_AR_UNM: f->res[0] = tdm_int((int64_t)(0 - x)); break;
        default:
            return fail(f, TDM_ERRTYPE, "unsupported operation on cdata numbers");
        }
    } else {
        switch (f->sub) {
        case TDM_AR_ADD: f->res[0] = tdm_float(da + db); break;
        case TDM_AR_SUB: f->res[0] = tdm_float(da - db); break;
        case TDM_AR_MUL: f->res[0] = tdm_float(da * db); break;
        case TDM_AR_DIV: f->res[0] = tdm_float(da / db); break;
        case TDM_AR_UNM: f->res[0] = tdm_float(-da); break;
        default:
            return fail(f, TDM_ERRTYPE, "unsupported operation on cdata numbers");
        }
    }
    f->nres = 1;
    return TDM_OK;
}

static int op_arith(tdmS_Frame *f, tdmF_Registry *R, tdmF_Err *err)
{
    tdmF_CData *a = cdata_arg(f, 0), *b = cdata_arg(f, 1), *r = NULL;
    int pa = a && (a->type->kind == TDMF_PTR || a->type->kind == TDMF_ARRAY);
    int pb = b && (b->type->kind == TDMF_PTR || b->type->kind == TDMF_ARRAY);
    int st;
    if (f->sub == TDM_AR_SUB && pa && pb) {
        int64_t d;
        if ((st = tdmF_ptr_diff(R, a, b, &d, err)) != TDM_OK) {
            return fail_err(f, R, err);
        }
        f->res[0] = tdm_int(d);
        f->nres = 1;
        return TDM_OK;
    }
    if ((f->sub == TDM_AR_ADD || f->sub == TDM_AR_SUB) && (pa || pb) && f->nargs > 1) {
        const tdm_Value *n = pa ? &f->args[1] : &f->args[0];
        int64_t i;
        double d;
        if ((pa && pb) || (f->sub == TDM_AR_SUB && !pa) || number_of(R, n, &i, &d) != 1) {
            return fail(f, TDM_ERRTYPE, "pointer arithmetic needs a pointer and an integer");
        }
        if (tdmF_ptr_add(R, pa ? a : b, f->sub == TDM_AR_SUB ? -i : i, &r, err) != TDM_OK) {
            return fail_err(f, R, err);
        }
        f->res[0] = tdmF_cd_value(r);
        f->nres = 1;
        return TDM_OK;
    }
    return op_numeric(f, R);
}

static int op_str(tdmS_Frame *f, tdmF_CData *cd)
{
    char tb[128], *buf = malloc(200);
    int n;
    if (buf == NULL) {
        return fail(f, TDM_ERRMEM, "not enough memory");
    }
    n = snprintf(buf, 200, "cdata<%s>: %p", tdmF_typename(cd->type, tb, sizeof tb),
                 tdmF_is_ptrlike(cd->type) ? tdmF_cd_address(cd) : cd->addr);
    f->scratch = (intptr_t)buf;
    f->res[0] = tdm_lstr(buf, (size_t)(n < 200 ? n : 199));
    f->nres = 1;
    return TDM_OK;
}

static int op_bool(tdmS_Frame *f, tdmF_Registry *R, tdmF_CData *cd)
{
    int64_t i;
    double d;
    int k;
    if (tdmF_is_ptrlike(cd->type)) {
        f->res[0] = tdm_bool(tdmF_cd_address(cd) != NULL);
    } else if ((k = number_of(R, &f->args[0], &i, &d)) != 0) {
        f->res[0] = tdm_bool(k != 2 ? i != 0 : d != 0);
    } else {
        f->res[0] = tdm_bool(1);
    }
    f->nres = 1;
    return TDM_OK;
}

static int c_op(tdmS_Frame *f)
{
    tdmF_Registry *R = f->rt->ffi;
    tdmF_CData *cd = cdata_arg(f, 0);
    tdmF_Place pl;
    tdmF_Err err;
    int64_t len;
    tdmF_err_init(&err);
    f->entered = 1;
    f->scratch = 0;
    if (R == NULL) {
        return fail(f, TDM_ERRCLOSED, "the ffi registry of this runtime is gone");
    }
    if (cd == NULL && f->op != TDM_OP_COMPARE && f->op != TDM_OP_ARITH) {
        return fail(f, TDM_ERRARG, "cdata operation without a cdata target");
    }
    switch (f->op) {
    case TDM_OP_CALL:
        if (tdmF_call(R, cd, f->nargs - 1, f->args + 1, &f->res[0], &err) != TDM_OK) {
            return fail_err(f, R, &err);
        }
        f->nres = f->res[0].kind == TDM_NIL ? 0 : 1;
        return TDM_OK;
    case TDM_OP_GETATTR:
    case TDM_OP_GETITEM:
    case TDM_OP_INDEX:
        if (f->nargs < 2 || place_of(f, R, cd, &pl, &err) != TDM_OK ||
            tdmF_place_get(R, &pl, &f->res[0], &err) != TDM_OK) {
            return f->nargs < 2 ? fail(f, TDM_ERRARG, "index: missing key") : fail_err(f, R, &err);
        }
        f->nres = 1;
        return TDM_OK;
    case TDM_OP_SETATTR:
    case TDM_OP_SETITEM:
    case TDM_OP_NEWINDEX:
        if (f->nargs < 3) {
            return fail(f, TDM_ERRARG, "cdata assignment: missing key or value");
        }
        if (place_of(f, R, cd, &pl, &err) != TDM_OK ||
            tdmF_place_set(R, &pl, &f->args[2], &err) != TDM_OK) {
            return fail_err(f, R, &err);
        }
        return TDM_OK;
    case TDM_OP_LEN:
        if ((len = tdmF_cd_length(cd)) < 0) {
            char tb[128], msg[200];
            snprintf(msg, sizeof msg, "length of cdata<%s> is unknown",
                     tdmF_typename(cd->type, tb, sizeof tb));
            return fail(f, TDM_ERRTYPE, msg);
        }
        f->res[0] = tdm_int(len);
        f->nres = 1;
        return TDM_OK;
    case TDM_OP_STR:
    case TDM_OP_REPR:
        return op_str(f, cd);
    case TDM_OP_TYPENAME:
        f->res[0] = tdm_lstr("cdata", 5);
        f->nres = 1;
        return TDM_OK;
    case TDM_OP_BOOL:
        return op_bool(f, R, cd);
    case TDM_OP_HASH:
        f->res[0] = tdm_int((int64_t)(intptr_t)(tdmF_is_ptrlike(cd->type) ? tdmF_cd_address(cd)
                                                                          : (void *)cd));
        f->nres = 1;
        return TDM_OK;
    case TDM_OP_COMPARE:
        if (f->nargs < 2) {
            return fail(f, TDM_ERRARG, "compare: missing operand");
        }
        return op_compare(f, R);
    case TDM_OP_ARITH:
        if (f->nargs < 1 || (f->sub != TDM_AR_UNM && f->nargs < 2)) {
            return fail(f, TDM_ERRARG, "arith: missing operand");
        }
        return op_arith(f, R, &err);
    default:
        return fail(f, TDM_ERRTYPE, "operation not supported on cdata");
    }
}

static void c_finish(tdmS_Frame *f)
{
    if (f->scratch != 0) {
        free((void *)f->scratch);
        f->scratch = 0;
    }
}

static void c_release(tdm_Runtime *rt, void *handle)
{
    (void)rt;
    tdmF_cd_decref(handle);
}

static void c_retain(tdm_Runtime *rt, void *handle)
{
    (void)rt;
    tdmF_cd_incref(handle);
}

const tdmR_Lang tdmF_lang = {
    "c", TDM_LANG_C, c_op, c_finish, c_release, c_retain, NULL, NULL,
    NULL,       /* a cdata is a refcounted C object, usable from any runtime */
    NULL, NULL,                 /* no peek: every read goes through c_op */
    NULL, NULL, NULL, NULL,     /* attached by tdmF_attach: no open/close/control/release name */
    NULL,                       /* a release may run code (a cdata's finalizer) */
};

int tdmF_attach(tdm_Runtime *rt, char *err, size_t n)
{
    if (rt->ffi == NULL) {
        tdmF_Registry *R = tdmF_registry_new();
        if (R == NULL) {
            if (n > 0) {
                snprintf(err, n, "ffi: not enough memory creating the type registry");
            }
            return TDM_ERRMEM;
        }
        rt->ffi = R;
        rt->ffi_free = tdmF_registry_free;
    }
    tdmR_attach(rt, &tdmF_lang, rt->ffi);
    return TDM_OK;
}
