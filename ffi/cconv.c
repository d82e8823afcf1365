/*
 * cconv.c — neutral values <-> C memory, with range and type checks.
 *
 * Never silently wrong: an integer that does not fit, a float with a
 * fraction for an integer type, a pointer of another type, a string where
 * it would dangle: each is an error naming the C type and the value.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cdata.h"

const char *tdmF_describe(const tdm_Value *v, char *buf, size_t n)
{
    char tb[128];
    switch (v->kind) {
    case TDM_NIL:
        snprintf(buf, n, "nil");
        break;
    case TDM_BOOL:
        snprintf(buf, n, "%s", v->u.b ? "true" : "false");
        break;
    case TDM_INT:
        snprintf(buf, n, "%lld", (long long)v->u.i);
        break;
    case TDM_FLOAT:
        snprintf(buf, n, "%.17g", v->u.f);
        break;
    case TDM_STR:
        snprintf(buf, n, "a string of length %zu", v->u.s.n);
        break;
    default:
        if (v->lang == TDM_LANG_C && v->u.obj) {
            snprintf(buf, n, "cdata<%s>",
                     tdmF_typename(((tdmF_CData *)v->u.obj)->type, tb, sizeof tb));
        } else {
            snprintf(buf, n, "a %s object", v->lang == TDM_LANG_LUA ? "Lua"
                     : v->lang == TDM_LANG_PYTHON ? "Python" : "foreign");
        }
        break;
    }
    return buf;
}

static int badk(const tdmF_Type *t, const tdm_Value *v, int kind, const char *why,
                tdmF_Err *err)
{
    char tb[128], vb[160];
    return tdmF_seterrk(err, kind, TDM_ERRTYPE, "expected %s, got %s%s",
                        tdmF_typename(t, tb, sizeof tb), tdmF_describe(v, vb, sizeof vb), why);
}

static int bad(const tdmF_Type *t, const tdm_Value *v, const char *why, tdmF_Err *err)
{
    return badk(t, v, TDMF_EK_TYPE, why, err);
}

/* A number that does not fit t. */
static int bad_range(const tdmF_Type *t, const tdm_Value *v, tdmF_Err *err)
{
    return badk(t, v, TDMF_EK_RANGE, " (out of range)", err);
}

/* Read an integer object of (scalar) type t. */
static void load_int(const tdmF_Type *t, const void *src, int64_t *i, uint64_t *u)
{
    int sg = (t->flags & TDMF_SIGNED) != 0;
    switch (t->size) {
    case 1:
        *i = sg ? *(const int8_t *)src : *(const uint8_t *)src;
        break;
    case 2:
        *i = sg ? *(const int16_t *)src : *(const uint16_t *)src;
        break;
    case 4:
        *i = sg ? *(const int32_t *)src : (int64_t)*(const uint32_t *)src;
        break;
    default:
        *u = *(const uint64_t *)src;
        *i = (int64_t)*u;
        return;
    }
    *u = (uint64_t)*i;
}

static void store_int(const tdmF_Type *t, void *dst, uint64_t u)
{
    switch (t->size) {
    case 1: *(uint8_t *)dst = (uint8_t)u; break;
    case 2: *(uint16_t *)dst = (uint16_t)u; break;
    case 4: *(uint32_t *)dst = (uint32_t)u; break;
    default: *(uint64_t *)dst = u; break;
    }
}

/* A numeric reading of a value: integer (with an unsigned 64-bit escape
   for cdata above INT64_MAX) or float. 0 when the value is not numeric. */
typedef struct Num {
    int isfloat, ishuge;
    int64_t i;
    uint64_t u;
    double f;
} Num;

static int numeric(const tdm_Value *v, Num *num)
{
    memset(num, 0, sizeof *num);
    if (v->kind == TDM_INT) {
        num->i = v->u.i;
        return 1;
    }
    if (v->kind == TDM_FLOAT) {
        num->isfloat = 1;
        num->f = v->u.f;
        return 1;
    }
    if (v->kind == TDM_OBJ && v->lang == TDM_LANG_C && v->u.obj) {
        const tdmF_CData *cd = v->u.obj;
        const tdmF_Type *st = tdmF_scalar(cd->type);
        if (st->kind == TDMF_INT) {
            load_int(st, cd->addr, &num->i, &num->u);
            num->ishuge = !(st->flags & TDMF_SIGNED) && st->size == 8 && num->i < 0;
            return 1;
        }
        if (st->kind == TDMF_FLOAT) {
            num->isfloat = 1;
            num->f = tdmF_load_float(st, cd->addr);
            return 1;
        }
    }
    return 0;
}

/* C's conversion of a number to an integer type (TDMF_CV_CCONV): the
   value wraps to the width, a float truncates toward zero first. */
static void store_cconv(const tdmF_Type *st, void *dst, const Num *num)
{
    uint64_t u;
    if (!num->isfloat) {
        u = num->ishuge ? num->u : (uint64_t)num->i;
    } else if (st->flags & TDMF_BOOL) {
        u = num->f != 0;
    } else if (num->f >= -9223372036854775808.0 && num->f < 9223372036854775808.0) {
        u = (uint64_t)(int64_t)num->f;
    } else if (num->f >= 9223372036854775808.0 && num->f < 18446744073709551616.0) {
        u = (uint64_t)(num->f - 9223372036854775808.0) ^ (UINT64_C(1) << 63);
    } else {
        u = UINT64_C(1) << 63;          /* NaN, inf, beyond 64 bits: x86's answer */
    }
    if (st->flags & TDMF_BOOL) {
        u = u != 0;
    }
    store_int(st, dst, u);
}

static int to_int(tdmF_Registry *R, const tdmF_Type *t, const tdm_Value *v, void *dst,
                  int ctx, tdmF_Err *err)
{
    const tdmF_Type *st = tdmF_scalar(t);
    Num num;
    int64_t lo, hi;
    char vb[64];
    if ((ctx & TDMF_CV_CFFI) && (v->kind == TDM_BOOL || v->kind == TDM_INT ||
                                    v->kind == TDM_FLOAT) &&
        ((st->flags & TDMF_CHAR) || st == tdmF_base(R, TDMF_T_WCHAR))) {
        return bad(t, v, (st->flags & TDMF_CHAR) ? " (a char is a string of length 1)"
                                                 : " (a wchar_t is a string of length 1)", err);
    }
    if (v->kind == TDM_BOOL) {
        store_int(st, dst, (uint64_t)(v->u.b != 0));
        return TDM_OK;
    }
    if (v->kind == TDM_STR) {
        if ((st->flags & TDMF_CHAR) && v->u.s.n == 1) {
            *(char *)dst = v->u.s.p[0];
            return TDM_OK;
        }
        if (t->kind == TDMF_ENUM && v->u.s.n < 200 && memchr(v->u.s.p, 0, v->u.s.n) == NULL) {
            char name[200];
            const tdmF_Name *nm;
            memcpy(name, v->u.s.p, v->u.s.n);
            name[v->u.s.n] = '\0';
            nm = tdmF_lookup(R, name);
            if (nm && nm->kind == TDMF_N_CONST) {
                store_int(st, dst, (uint64_t)nm->value);
                return TDM_OK;
            }
            return bad(t, v, " (not an enumerator name)", err);
        }
        return bad(t, v, "", err);
    }
    if (!numeric(v, &num)) {
        return bad(t, v, "", err);
    }
    if (ctx & TDMF_CV_CCONV) {
        store_cconv(st, dst, &num);
        return TDM_OK;
    }
    if (num.isfloat) {
        if (!(num.f == floor(num.f)) || isinf(num.f)) {
            return isinf(num.f) ? bad_range(t, v, err) : bad(t, v, " (not an integer)", err);
        }
        if (num.f < -9223372036854775808.0 || num.f >= 18446744073709551616.0) {
            return bad_range(t, v, err);
        }
        if (num.f >= 9223372036854775808.0) {
            num.ishuge = 1;
            num.u = (uint64_t)num.f;
        } else {
            num.i = (int64_t)num.f;
        }
    }
    if (st->flags & TDMF_BOOL) {
        if (num.ishuge || (num.i != 0 && num.i != 1)) {
            return badk(t, v, TDMF_EK_RANGE, " (only 0 or 1)", err);
        }
        *(uint8_t *)dst = (uint8_t)num.i;
        return TDM_OK;
    }
    if (num.ishuge) {
        if (st->size == 8 && !(st->flags & TDMF_SIGNED)) {
            store_int(st, dst, num.u);
            return TDM_OK;
        }
        snprintf(vb, sizeof vb, "%llu", (unsigned long long)num.u);
        goto range;
    }
    if (st->flags & TDMF_SIGNED) {
        hi = st->size == 8 ? INT64_MAX : (int64_t)((UINT64_C(1) << (st->size * 8 - 1)) - 1);
        lo = -hi - 1;
    } else {
        lo = 0;
        hi = st->size == 8 ? INT64_MAX : (int64_t)((UINT64_C(1) << (st->size * 8)) - 1);
    }
    if (num.i < lo || num.i > hi) {
        snprintf(vb, sizeof vb, "%lld", (long long)num.i);
        goto range;
    }
    store_int(st, dst, (uint64_t)num.i);
    return TDM_OK;
range:
    {
        char tb[128];
        return tdmF_seterrk(err, TDMF_EK_RANGE, TDM_ERRTYPE, "expected %s, got %s (out of range)",
                            tdmF_typename(t, tb, sizeof tb), vb);
    }
}

static int to_float(const tdmF_Type *t, const tdm_Value *v, void *dst, tdmF_Err *err)
{
    Num num;
    double d;
    if (v->kind == TDM_BOOL || !numeric(v, &num)) {
        return bad(t, v, "", err);
    }
    d = num.isfloat ? num.f : num.ishuge ? (double)num.u : (double)num.i;
    tdmF_store_float(t, dst, d);
    return TDM_OK;
}

/* A complex number's parts as doubles. */
void tdmF_complex_get(const tdmF_Type *t, const void *src, double *re, double *im)
{
    if (t->size == 8) {
        *re = ((const float *)src)[0];
        *im = ((const float *)src)[1];
    } else {
        *re = ((const double *)src)[0];
        *im = ((const double *)src)[1];
    }
}

void tdmF_complex_set(const tdmF_Type *t, void *dst, double re, double im)
{
    if (t->size == 8) {
        ((float *)dst)[0] = (float)re;
        ((float *)dst)[1] = (float)im;
    } else {
        ((double *)dst)[0] = re;
        ((double *)dst)[1] = im;
    }
}

/* A complex from a real number (imaginary part 0) or a complex cdata. */
static int to_complex(const tdmF_Type *t, const tdm_Value *v, void *dst, tdmF_Err *err)
{
    Num num;
    if (v->kind == TDM_OBJ && v->lang == TDM_LANG_C && v->u.obj &&
        ((const tdmF_CData *)v->u.obj)->type->kind == TDMF_COMPLEX) {
        const tdmF_CData *cd = v->u.obj;
        double re, im;
        tdmF_complex_get(cd->type, cd->addr, &re, &im);
        tdmF_complex_set(t, dst, re, im);
        return TDM_OK;
    }
    if (v->kind == TDM_BOOL || !numeric(v, &num)) {
        return bad(t, v, "", err);
    }
    tdmF_complex_set(t, dst, num.isfloat ? num.f : num.ishuge ? (double)num.u : (double)num.i,
                     0.0);
    return TDM_OK;
}

int tdmF_ptr_compatible(const tdmF_Type *to, const tdmF_Type *from)
{
    to = tdmF_scalar(to);
    from = tdmF_scalar(from);
    while (to->variant_of != NULL) {    /* a typedef's aligned variant: the same type */
        to = to->variant_of;
    }
    while (from->variant_of != NULL) {
        from = from->variant_of;
    }
    if (to == from || to->kind == TDMF_VOID || from->kind == TDMF_VOID) {
        return 1;
    }
    if (to->kind == TDMF_INT && from->kind == TDMF_INT) {
        /* same representation (int64_t / long), or any two byte types */
        return to->size == from->size &&
               (to->size == 1 || ((to->flags ^ from->flags) & (TDMF_SIGNED | TDMF_BOOL)) == 0);
    }
    if (to->kind == TDMF_ARRAY && from->kind == TDMF_ARRAY) {
        return (to->length == from->length || to->length < 0 || from->length < 0) &&
               tdmF_ptr_compatible(to->base, from->base);
    }
    if (to->kind == TDMF_PTR && from->kind == TDMF_PTR) {
        return tdmF_ptr_compatible(to->base, from->base) &&
               (to->base->kind == from->base->kind || to->base->kind == TDMF_VOID ||
                from->base->kind == TDMF_VOID);
    }
    return 0;
}

/* The pointer a cdata offers for a parameter of pointer type t. */
static int cdata_to_ptr(const tdmF_Type *t, const tdmF_CData *cd, void **out)
{
    const tdmF_Type *ct = cd->type, *to = t->base;
    switch (ct->kind) {
    case TDMF_PTR:
        if (!tdmF_ptr_compatible(to, ct->base)) {
            return 0;
        }
        *out = *(void *const *)cd->addr;
        return 1;
    case TDMF_ARRAY:
        if (!tdmF_ptr_compatible(to, ct->base) && !tdmF_ptr_compatible(to, ct)) {
            return 0;
        }
        *out = cd->addr;
        return 1;
    default:
        /* a function, a struct, or any object of the pointee type: its address */
        if (ct == to || to->kind == TDMF_VOID) {
            *out = cd->addr;
            return 1;
        }
        return 0;
    }
}

static int to_ptr(const tdmF_Type *t, const tdm_Value *v, void *dst, int ctx, tdmF_Err *err)
{
    void *p = NULL;
    const tdmF_Type *to = tdmF_scalar(t->base);
    if (v->kind == TDM_NIL) {
        if ((ctx & TDMF_CV_CFFI) && (ctx & TDMF_CV_MASK) == TDMF_CV_STORE) {
            return bad(t, v, " (store ffi.NULL for a NULL pointer)", err);
        }
        *(void **)dst = NULL;
        return TDM_OK;
    }
    if (v->kind == TDM_STR) {
        if (to->kind != TDMF_VOID && !(to->kind == TDMF_INT && to->size == 1)) {
            return bad(t, v, "", err);
        }
        if ((ctx & TDMF_CV_MASK) != TDMF_CV_ARG) {
            return bad(t, v, " (a string can only be passed as a call argument: it would "
                       "dangle; use new to make a char array)", err);
        }
        *(const char **)dst = v->u.s.p;
        return TDM_OK;
    }
    if (v->kind == TDM_OBJ && v->lang == TDM_LANG_C && v->u.obj &&
        cdata_to_ptr(t, v->u.obj, &p)) {
        *(void **)dst = p;
        return TDM_OK;
    }
    if (v->kind == TDM_INT) {
        return bad(t, v, " (use cast to make a pointer from an address)", err);
    }
    return bad(t, v, "", err);
}

/* Bytes of an object of type t holding nelem elements when variable. */
static size_t object_size(const tdmF_Type *t, int64_t nelem)
{
    const tdmF_Type *fe = tdmF_flex_elem(t);
    if (t->kind == TDMF_ARRAY && t->length < 0) {
        return nelem > 0 ? (size_t)nelem * t->base->size : 0;
    }
    return t->size + (fe != NULL && nelem > 0 ? (size_t)nelem * fe->size : 0);
}

static int to_aggregate(tdmF_Registry *R, const tdmF_Type *t, const tdm_Value *v, void *dst,
                        int64_t nelem, int ctx, tdmF_Err *err)
{
    const tdmF_Hooks *h;
    tdmF_Init in;
    int st;
    char tb[128];
    size_t size = object_size(t, nelem);
    if (v->kind == TDM_OBJ && v->lang == TDM_LANG_C && v->u.obj) {
        const tdmF_CData *cd = v->u.obj;
        const void *src = NULL;
        size_t n = t->size;
        if (cd->type == t || (t->kind == TDMF_ARRAY && tdmF_ptr_compatible(t, cd->type) &&
                              (t->length < 0 ? tdmF_cd_length(cd) >= 0
                                             : tdmF_cd_size(cd) == t->size))) {
            src = cd->addr;
            n = tdmF_cd_size(cd);
            if (n > size) {
                return bad(t, v, " (too long)", err);
            }
        } else if (cd->type->kind == TDMF_PTR && cd->type->base == t) {
            src = *(void *const *)cd->addr;
            if (src == NULL) {
                return tdmF_seterrk(err, TDMF_EK_NULLPTR, TDM_ERRTYPE,
                                    "expected %s, got a NULL pointer",
                                    tdmF_typename(t, tb, sizeof tb));
            }
        }
        if (src == NULL) {
            return bad(t, v, "", err);
        }
        memmove(dst, src, n);
        return TDM_OK;
    }
    if (v->kind == TDM_STR && t->kind == TDMF_ARRAY && t->base->kind == TDMF_INT &&
        t->base->size == 1) {
        if (v->u.s.n > size) {
            return tdmF_seterrk(err, TDMF_EK_BOUNDS, TDM_ERRTYPE, "expected %s, got a string "
                                "of length %zu (too long)", tdmF_typename(t, tb, sizeof tb),
                                v->u.s.n);
        }
        memcpy(dst, v->u.s.p, v->u.s.n);
        memset((char *)dst + v->u.s.n, 0, size - v->u.s.n);
        return TDM_OK;
    }
    h = v->kind == TDM_OBJ ? tdmF_hooks(R, v->lang) : NULL;
    if (h == NULL || h->expand == NULL) {
        return bad(t, v, "", err);
    }
    if ((st = h->expand(h->ud, v, &in, err)) != TDM_OK) {
        return st;
    }
    /* with TDMF_CV_ROOM nelem is only the room left: what follows the fixed
       part may be other members' memory (a struct ending in T y[] in the
       middle of another), so only the fixed part is cleared */
    memset(dst, 0, (ctx & TDMF_CV_ROOM) ? (t->kind == TDMF_ARRAY && t->length < 0 ? 0 : t->size)
                                        : size);
    st = tdmF_init_cv(R, t, dst, t->kind == TDMF_ARRAY && t->length >= 0 ? t->length : nelem,
                      &in, (ctx & (TDMF_CV_CCONV | TDMF_CV_CFFI | TDMF_CV_ROOM)) | TDMF_CV_STORE,
                      err);
    if (h->done) {
        h->done(h->ud, &in);
    }
    return st;
}

int tdmF_to_c_n(tdmF_Registry *R, const tdmF_Type *t, const tdm_Value *v, void *dst,
                int64_t nelem, int ctx, tdmF_Err *err)
{
    if (nelem >= 0 && ((t->kind == TDMF_ARRAY && t->length < 0 &&
                        tdmF_sized(t->base, "convert", NULL) == TDM_OK) ||
                       tdmF_flex_elem(t) != NULL)) {
        return to_aggregate(R, t, v, dst, nelem, ctx, err);
    }
    return tdmF_to_c(R, t, v, dst, ctx, err);
}

int tdmF_to_c(tdmF_Registry *R, const tdmF_Type *t, const tdm_Value *v, void *dst, int ctx,
              tdmF_Err *err)
{
    switch (t->kind) {
    case TDMF_INT:
    case TDMF_ENUM:
        return to_int(R, t, v, dst, ctx, err);
    case TDMF_FLOAT:
        return to_float(t, v, dst, err);
    case TDMF_COMPLEX:
        if (v->kind == TDM_OBJ && v->lang != TDM_LANG_C) {
            return to_aggregate(R, t, v, dst, -1, ctx, err);    /* {re, im} */
        }
        return to_complex(t, v, dst, err);
    case TDMF_PTR:
        return to_ptr(t, v, dst, ctx, err);
    case TDMF_STRUCT:
    case TDMF_UNION:
    case TDMF_ARRAY:
        if (tdmF_sized(t, "convert", err) != TDM_OK) {
            return err ? err->status : TDM_ERRTYPE;
        }
        if (tdmF_flex_elem(t) != NULL) {
            /* ending in T y[] with no count or room known (an array element):
               its fixed part, and no element of y */
            return to_aggregate(R, t, v, dst, 0, ctx | TDMF_CV_ROOM, err);
        }
        return to_aggregate(R, t, v, dst, -1, ctx, err);
    case TDMF_VOID:
        if (v->kind == TDM_NIL) {
            return TDM_OK;
        }
        return bad(t, v, "", err);
    default:
        return bad(t, v, "", err);
    }
}

int tdmF_from_c(tdmF_Registry *R, const tdmF_Type *t, const void *src, tdmF_CData *keep,
                tdm_Value *out, tdmF_Err *err)
{
    const tdmF_Type *st = tdmF_scalar(t);
    tdmF_CData *cd;
    *out = tdm_nil();
    switch (st->kind) {
    case TDMF_VOID:
        return TDM_OK;
    case TDMF_INT: {
        int64_t i;
        uint64_t u;
        if (st->flags & TDMF_BOOL) {
            *out = tdm_bool(*(const uint8_t *)src != 0);
            return TDM_OK;
        }
        load_int(st, src, &i, &u);
        if (!(st->size == 8 && !(st->flags & TDMF_SIGNED) && i < 0)) {
            *out = tdm_int(i);
            return TDM_OK;
        }
        break;          /* unsigned above INT64_MAX: boxed in a cdata */
    }
    case TDMF_FLOAT:
        *out = tdm_float(tdmF_load_float(st, src));
        return TDM_OK;
    default:
        break;
    }
    if ((t->kind == TDMF_STRUCT || t->kind == TDMF_UNION || t->kind == TDMF_ARRAY ||
         t->kind == TDMF_FUNC) && (keep || t->kind == TDMF_FUNC)) {
        cd = tdmF_cd_ref(R, t, (void *)src, -1, keep, err);
    } else {
        cd = tdmF_cd_alloc(R, t, t->size, err);
        if (cd) {
            memcpy(cd->addr, src, t->size);
        }
    }
    if (cd == NULL) {
        return err ? err->status : TDM_ERRMEM;
    }
    *out = tdmF_cd_value(cd);
    return TDM_OK;
}

/* ------------------------------------------------------------------------ */
/* Initializers                                                             */

static int init_elem(tdmF_Registry *R, const tdmF_Type *t, void *dst, const tdm_Value *v,
                     int ctx, tdmF_Err *err)
{
    tdmF_Place pl;
    memset(&pl, 0, sizeof pl);
    pl.type = t;
    pl.addr = dst;
    pl.nelem = -1;
    if (t->kind == TDMF_STRUCT && tdmF_flex_elem(t) != NULL) {
        pl.nelem = 0;       /* an array element ending in T y[]: the next element
                               follows, so no room for any (gcc's extension) */
        pl.room = 1;
    }
    return tdmF_place_set_cv(R, &pl, v, ctx, err);
}

/* The room a member of type ft at offset off of an object of objsize bytes
   leaves for the elements of a T y[] ending it (directly or through a last
   struct member): gcc lets a struct ending in one sit anywhere in another,
   and its elements then use what follows, up to the end of the object
   (never beyond: cffi's allocation rule, without its writes past the end).
   -1 when ft has no such array. */
static int64_t member_room(const tdmF_Type *ft, size_t off, size_t objsize)
{
    const tdmF_Type *fe = ft->kind == TDMF_STRUCT ? tdmF_flex_elem(ft) : NULL;
    if (fe == NULL || fe->size == 0) {
        return -1;
    }
    return off + ft->size <= objsize ? (int64_t)((objsize - off - ft->size) / fe->size) : 0;
}

static int init_field(tdmF_Registry *R, const tdmF_Field *f, char *base, size_t off,
                      int64_t nelem, const tdm_Value *v, int ctx, tdmF_Err *err)
{
    tdmF_Place pl;
    int st;
    memset(&pl, 0, sizeof pl);
    pl.nelem = nelem;
    pl.room = (ctx & TDMF_CV_ROOM) != 0;
    ctx &= ~TDMF_CV_ROOM;
    pl.type = f->type;
    pl.addr = base + off;
    pl.bitpos = f->bitpos;
    pl.bitwidth = f->isbit ? f->bitwidth : 0;
    st = tdmF_place_set_cv(R, &pl, v, ctx, err);
    if (st != TDM_OK) {
        tdmF_err_prefix(err, "field '%s': ", f->name ? f->name : "<anonymous>");
    }
    return st;
}

/* Positional initializers of struct/union t at dst + off, from vals[*pos]
   on: C's brace elision for anonymous members (as cffi): an anonymous
   struct or union takes the values for its own members in turn, and a
   union only for its first member. `top`: t is the object itself (its last
   field may be the variable-length array of nelem elements). */
static int init_flat(tdmF_Registry *R, const tdmF_Type *t, char *dst, size_t off,
                     const tdm_Value *vals, size_t n, size_t *pos, int64_t nelem, int top,
                     size_t objsize, int ctx, tdmF_Err *err)
{
    int fi, st;
    for (fi = 0; fi < t->nfields && *pos < n; fi++) {
        const tdmF_Field *f = &t->fields[fi];
        if (f->name == NULL && f->isbit) {
            continue;           /* padding bitfields take no initializer */
        }
        if (f->name == NULL && (f->type->kind == TDMF_STRUCT || f->type->kind == TDMF_UNION)) {
            st = init_flat(R, f->type, dst, off + f->offset, vals, n, pos, -1, 0, objsize, ctx,
                           err);
        } else if (top && fi == t->nfields - 1) {
            st = init_field(R, f, dst, off + f->offset, nelem, &vals[*pos], ctx, err);
            ++*pos;
        } else {
            int64_t room = member_room(f->type, off + f->offset, objsize);
            st = init_field(R, f, dst, off + f->offset, room,
                            &vals[*pos], room >= 0 ? ctx | TDMF_CV_ROOM : ctx, err);
            ++*pos;
        }
        if (st != TDM_OK) {
            return st;
        }
        if (t->kind == TDMF_UNION) {
            break;              /* a union's first member takes the initializer */
        }
    }
    return TDM_OK;
}

int tdmF_init(tdmF_Registry *R, const tdmF_Type *t, void *dst, int64_t nelem,
              const tdmF_Init *in, tdmF_Err *err)
{
    return tdmF_init_cv(R, t, dst, nelem, in, TDMF_CV_STORE, err);
}

int tdmF_init_cv(tdmF_Registry *R, const tdmF_Type *t, void *dst, int64_t nelem,
                 const tdmF_Init *in, int ctx, tdmF_Err *err)
{
    char tb[128];
    size_t i;
    int st;
    if (t->kind == TDMF_ARRAY) {
        size_t esz = t->base->size;
        int64_t len = t->length >= 0 ? t->length : nelem;
        if (in->n == 1 && in->vals[0].kind == TDM_STR && t->base->kind == TDMF_INT &&
            esz == 1 && in->names == NULL) {
            const tdm_Value *s = &in->vals[0];
            if (len >= 0 && s->u.s.n > (size_t)len) {
                return tdmF_seterr(err, TDM_ERRTYPE, "initializer string of length %zu is too "
                                   "long for %s", s->u.s.n, tdmF_typename(t, tb, sizeof tb));
            }
            memcpy(dst, s->u.s.p, s->u.s.n);
            return TDM_OK;
        }
        if (in->names) {
            return tdmF_seterr(err, TDM_ERRTYPE, "named initializers for an array '%s'",
                               tdmF_typename(t, tb, sizeof tb));
        }
        if (len >= 0 && in->n > (size_t)len) {
            if ((ctx & TDMF_CV_ROOM) && t->length < 0) {
                return tdmF_seterrk(err, TDMF_EK_BOUNDS, TDM_ERRTYPE,
                                    "too many initializers for %s (%zu given, the enclosing "
                                    "object has room for %lld)",
                                    tdmF_typename(t, tb, sizeof tb), in->n, (long long)len);
            }
            return tdmF_seterrk(err, TDMF_EK_BOUNDS, TDM_ERRTYPE,
                                "too many initializers for %s (%zu given)",
                               tdmF_typename(t, tb, sizeof tb), in->n);
        }
        for (i = 0; i < in->n; i++) {
            st = init_elem(R, t->base, (char *)dst + i * esz, &in->vals[i], ctx, err);
            if (st != TDM_OK) {
                tdmF_err_prefix(err, "element %zu: ", i);
                return st;
            }
        }
        return TDM_OK;
    }
    if (t->kind == TDMF_STRUCT || t->kind == TDMF_UNION) {
        if (!(t->flags & TDMF_COMPLETE)) {
            return tdmF_sized(t, "initialize", err);
        }
        size_t objsize = object_size(t, nelem);
        if (in->names == NULL) {
            size_t pos = 0;
            if ((st = init_flat(R, t, dst, 0, in->vals, in->n, &pos, nelem, 1, objsize, ctx,
                                err)) != TDM_OK) {
                return st;
            }
            if (pos < in->n) {
                return tdmF_seterrk(err, TDMF_EK_VALUE, TDM_ERRTYPE,
                                    "too many initializers for %s (%zu given)",
                                    tdmF_typename(t, tb, sizeof tb), in->n);
            }
            return TDM_OK;
        }
        for (i = 0; i < in->n; i++) {
            const tdmF_Field *f;
            size_t off = 0;
            f = tdmF_field_find(t, in->names[i], &off);
            if (f == NULL) {
                return tdmF_seterrk(err, TDMF_EK_KEY, TDM_ERRTYPE, "%s has no field '%s'",
                                   tdmF_typename(t, tb, sizeof tb), in->names[i]);
            }
            if (f == &t->fields[t->nfields - 1]) {
                st = init_field(R, f, dst, off, nelem, &in->vals[i], ctx, err);
            } else {
                int64_t room = member_room(f->type, off, objsize);
                st = init_field(R, f, dst, off, room, &in->vals[i],
                                room >= 0 ? ctx | TDMF_CV_ROOM : ctx, err);
            }
            if (st != TDM_OK) {
                return st;
            }
        }
        return TDM_OK;
    }
    if (t->kind == TDMF_COMPLEX && in->n == 2 && in->names == NULL) {
        /* (re, im), as LuaJIT's ffi.new("complex", 1.5, -2) */
        double part[2];
        for (i = 0; i < 2; i++) {
            if ((st = to_float(tdmF_base(R, TDMF_T_DOUBLE), &in->vals[i], &part[i], err))
                    != TDM_OK) {
                tdmF_err_prefix(err, "%s part: ", i ? "imaginary" : "real");
                return st;
            }
        }
        tdmF_complex_set(t, dst, part[0], part[1]);
        return TDM_OK;
    }
    if (in->n > 1 || in->names) {
        return tdmF_seterr(err, TDM_ERRTYPE, "too many initializers for %s (%zu given)",
                           tdmF_typename(t, tb, sizeof tb), in->n);
    }
    return in->n == 1 ? init_elem(R, t, dst, &in->vals[0], ctx, err) : TDM_OK;
}
