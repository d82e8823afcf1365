/*
 * cdata.c — C data objects: lifetime, places (index, field, bitfields) and
 * the operations behind new/cast/string/copy/fill/addressof/offsetof.
 *
 * Dereferencing NULL through any of these is an error, never a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cdata.h"
#include "ccallback.h"

/* ------------------------------------------------------------------------ */
/* Lifetime                                                                 */

/* The alignment an object of t's payload may need: t's own, or, for a
   pointer or array (whose payload may be the pointed-to or element objects),
   the largest along its bases. Over-aligning a pointer value costs nothing
   but a few bytes, and only past malloc's 16. */
static size_t payload_align(const tdmF_Type *t)
{
    size_t a = 1;
    for (; t != NULL; t = (t->kind == TDMF_PTR || t->kind == TDMF_ARRAY) ? t->base : NULL) {
        a = t->align > a ? t->align : a;
    }
    return a;
}

tdmF_CData *tdmF_cd_alloc(tdmF_Registry *R, const tdmF_Type *t, size_t size, tdmF_Err *err)
{
    tdmF_CData *cd;
    /* beyond malloc's alignment (aligned(32) and up), the object starts at
       the first multiple of its alignment inside a larger payload */
    size_t align = size ? payload_align(t) : 1;
    size_t pad = align > _Alignof(max_align_t) ? align - 1 : 0;
    if (size > ((size_t)1 << 40)) {
        tdmF_seterr(err, TDM_ERRMEM, "not enough memory (allocating %zu bytes)", size);
        return NULL;
    }
    cd = calloc(1, sizeof *cd + (size ? size : 1) + pad);
    if (cd == NULL) {
        tdmF_seterr(err, TDM_ERRMEM, "not enough memory (allocating %zu bytes)", size);
        return NULL;
    }
    cd->refs = 1;
    cd->type = t;
    cd->reg = R;
    cd->addr = cd->payload;
    if (pad) {
        uintptr_t a = (uintptr_t)cd->payload;
        cd->addr = (char *)cd->payload + ((align - a % align) % align);
    }
    cd->nelem = -1;
    return cd;
}

tdmF_CData *tdmF_cd_ref(tdmF_Registry *R, const tdmF_Type *t, void *addr, int64_t nelem,
                        tdmF_CData *keep, tdmF_Err *err)
{
    tdmF_CData *cd = tdmF_cd_alloc(R, t, 0, err);
    if (cd == NULL) {
        return NULL;
    }
    cd->flags |= TDMF_CD_REF;
    cd->addr = addr;
    cd->nelem = nelem;
    cd->keep = keep;
    if (keep) {
        keep->refs++;
    }
    return cd;
}

void tdmF_cd_incref(tdmF_CData *cd)
{
    cd->refs++;
}

void tdmF_cd_decref(tdmF_CData *cd)
{
    while (cd && --cd->refs == 0) {
        tdmF_CData *keep = cd->keep;
        if (cd->fin) {
            tdmF_Finalizer fin = cd->fin;
            cd->fin = NULL;
            cd->refs = 1;           /* alive during the finalizer */
            fin(cd->fin_ud, cd);
            if (--cd->refs != 0) {
                return;             /* resurrected by the finalizer */
            }
        }
        if (cd->flags & TDMF_CD_CALLBACK) {
            tdmF_callback_release(cd->cb);
        }
        free(cd);
        cd = keep;                  /* drop the owner without recursion */
    }
}

void tdmF_cd_set_finalizer(tdmF_CData *cd, tdmF_Finalizer fin, void *ud)
{
    cd->fin = fin;
    cd->fin_ud = ud;
}

tdm_Value tdmF_cd_value(tdmF_CData *cd)
{
    tdm_Value v = tdm_nil();
    v.kind = TDM_OBJ;
    v.lang = TDM_LANG_C;
    v.flags = TDM_VF_OWNED;
    v.u.obj = cd;
    v.key = cd;
    return v;
}

tdmF_CData *tdmF_cd_of(const tdm_Value *v)
{
    return (v->kind == TDM_OBJ && v->lang == TDM_LANG_C) ? v->u.obj : NULL;
}

void tdmF_value_release(tdmF_Registry *R, tdm_Value *v)
{
    if (v->kind == TDM_OBJ && (v->flags & TDM_VF_OWNED) && v->u.obj) {
        if (v->lang == TDM_LANG_C) {
            tdmF_cd_decref(v->u.obj);
        } else {
            const tdmF_Hooks *h = tdmF_hooks(R, v->lang);
            if (h && h->release) {
                h->release(h->ud, v);
            }
        }
    } else if (v->kind == TDM_STR && (v->flags & TDM_VF_OWNSTR)) {
        free((void *)v->u.s.p);
    }
    *v = tdm_nil();
}

void *tdmF_cd_address(const tdmF_CData *cd)
{
    return cd->type->kind == TDMF_PTR ? *(void *const *)cd->addr : cd->addr;
}

int64_t tdmF_cd_length(const tdmF_CData *cd)
{
    if (cd->type->kind != TDMF_ARRAY) {
        return -1;
    }
    return cd->type->length >= 0 ? cd->type->length : cd->nelem;
}

const tdmF_Type *tdmF_flex_elem(const tdmF_Type *t)
{
    const tdmF_Type *last;
    if (t->kind != TDMF_STRUCT || !(t->flags & TDMF_FLEX) || t->nfields == 0) {
        return NULL;
    }
    last = t->fields[t->nfields - 1].type;
    if (last->kind == TDMF_STRUCT) {
        return tdmF_flex_elem(last);    /* struct bar { ...; struct foo tail; } */
    }
    return last->kind == TDMF_ARRAY && last->length < 0 ? last->base : NULL;
}

size_t tdmF_cd_size(const tdmF_CData *cd)
{
    const tdmF_Type *fe;
    if (cd->type->kind == TDMF_ARRAY && cd->type->length < 0) {
        return cd->nelem > 0 ? (size_t)cd->nelem * cd->type->base->size : 0;
    }
    if (cd->nelem > 0 && (fe = tdmF_flex_elem(cd->type)) != NULL) {
        return cd->type->size + (size_t)cd->nelem * fe->size;
    }
    return cd->type->size;
}

/* The extent of cd's own object, when known. */
static int object_bounds(const tdmF_CData *cd, uintptr_t *lo, uintptr_t *hi)
{
    const tdmF_Type *t = cd->type;
    switch (t->kind) {
    case TDMF_ARRAY:
        if (tdmF_cd_length(cd) < 0) {
            return 0;
        }
        break;
    case TDMF_STRUCT:
    case TDMF_UNION:
        if (!(t->flags & TDMF_COMPLETE)) {
            return 0;
        }
        if (tdmF_flex_elem(t) && cd->nelem < 0) {
            /* a struct ending in T y[] whose count nobody recorded (a member
               of a larger object, a cast): it extends at most to the end of
               the memory its owner is known to hold */
            uintptr_t klo, khi;
            if (cd->keep == NULL || !tdmF_cd_bounds(cd->keep, &klo, &khi) ||
                (uintptr_t)cd->addr < klo || (uintptr_t)cd->addr > khi ||
                khi - (uintptr_t)cd->addr < t->size) {
                return 0;
            }
            *lo = (uintptr_t)cd->addr;
            *hi = khi;
            return 1;
        }
        break;
    case TDMF_INT:
    case TDMF_FLOAT:
    case TDMF_COMPLEX:
    case TDMF_ENUM:
    case TDMF_PTR:
        break;
    default:
        return 0;           /* functions, void */
    }
    *lo = (uintptr_t)cd->addr;
    *hi = *lo + tdmF_cd_size(cd);
    return 1;
}

int tdmF_cd_bounds(const tdmF_CData *cd, uintptr_t *lo, uintptr_t *hi)
{
    if (cd->type->kind == TDMF_PTR) {
        return cd->keep != NULL && object_bounds(cd->keep, lo, hi);
    }
    return object_bounds(cd, lo, hi);
}

size_t tdmF_cd_avail(const tdmF_CData *cd)
{
    uintptr_t lo, hi, a = (uintptr_t)tdmF_cd_address(cd);
    if (!tdmF_cd_bounds(cd, &lo, &hi)) {
        return SIZE_MAX;
    }
    return a >= lo && a <= hi ? (size_t)(hi - a) : 0;
}

/* ------------------------------------------------------------------------ */
/* Places                                                                   */

static const char *cdname(const tdmF_CData *cd, char *buf, size_t n)
{
    char tb[128];
    snprintf(buf, n, "cdata<%s>", tdmF_typename(cd->type, tb, sizeof tb));
    return buf;
}

void tdmF_cd_place(tdmF_CData *cd, tdmF_Place *out)
{
    memset(out, 0, sizeof *out);
    out->type = cd->type;
    out->addr = cd->addr;
    out->owner = cd;
    out->nelem = cd->nelem;
}

/* Is [addr, addr + size) inside the known extent of the memory cd reaches?
   (1 when the extent is unknown.) */
static int in_bounds(const tdmF_CData *cd, uintptr_t addr, size_t size)
{
    uintptr_t lo, hi;
    if (!tdmF_cd_bounds(cd, &lo, &hi)) {
        return 1;
    }
    return addr >= lo && addr <= hi && size <= hi - addr;
}

/* The element count of a variable-length object of type t at addr reached
   through cd, when the owner says it (-1 otherwise). */
static int64_t owner_nelem(const tdmF_CData *cd, const tdmF_Type *t, const void *addr)
{
    const tdmF_CData *o = cd->type->kind == TDMF_PTR ? cd->keep : cd;
    return o != NULL && o->type == t && o->addr == addr ? o->nelem : -1;
}

int tdmF_cd_index(tdmF_Registry *R, tdmF_CData *cd, int64_t i, tdmF_Place *out, tdmF_Err *err)
{
    const tdmF_Type *t = cd->type, *elem;
    char *base;
    char nb[160];
    int64_t len = tdmF_cd_length(cd);
    size_t off;
    (void)R;
    memset(out, 0, sizeof *out);
    out->nelem = -1;
    if (t->kind == TDMF_ARRAY) {
        if (len >= 0 && (i < 0 || i >= len)) {
            return tdmF_seterrk(err, TDMF_EK_BOUNDS, TDM_ERRARG,
                                "index %lld out of bounds for %s (length %lld)",
                                (long long)i, cdname(cd, nb, sizeof nb), (long long)len);
        }
        base = cd->addr;
        out->owner = cd;
    } else if (t->kind == TDMF_PTR) {
        base = *(char **)cd->addr;
        if (base == NULL) {
            return tdmF_seterrk(err, TDMF_EK_NULLPTR, TDM_ERRARG,
                                "NULL pointer dereference (indexing %s)",
                                cdname(cd, nb, sizeof nb));
        }
        out->owner = cd->keep;
        if (i == 0 && (cd->flags & TDMF_CD_OWNPTR)) {
            /* p[0] of the pointer new returned is its object, count and all;
               through another pointer (a cast) the count is not known (cffi) */
            out->nelem = owner_nelem(cd, t->base, base);
        }
    } else {
        return tdmF_seterr(err, TDM_ERRTYPE, "%s cannot be indexed", cdname(cd, nb, sizeof nb));
    }
    elem = t->base;
    if (tdmF_sized(elem, "index", err) != TDM_OK) {
        return err ? err->status : TDM_ERRTYPE;
    }
    if (__builtin_mul_overflow((size_t)(i < 0 ? -(uint64_t)i : (uint64_t)i), elem->size, &off)) {
        return tdmF_seterr(err, TDM_ERRARG, "index %lld overflows", (long long)i);
    }
    out->type = elem;
    out->addr = (char *)((uintptr_t)base + (i < 0 ? (uintptr_t)0 - off : off));
    if (t->kind == TDMF_PTR && !in_bounds(cd, (uintptr_t)out->addr, elem->size)) {
        uintptr_t lo = 0, hi = 0;
        tdmF_cd_bounds(cd, &lo, &hi);
        memset(out, 0, sizeof *out);
        return tdmF_seterrk(err, TDMF_EK_BOUNDS, TDM_ERRARG,
                            "index %lld out of bounds for %s (it points into "
                            "%zu bytes at offset %lld)", (long long)i, cdname(cd, nb, sizeof nb),
                            (size_t)(hi - lo), (long long)((intptr_t)base - (intptr_t)lo));
    }
    return TDM_OK;
}

int tdmF_cd_field(tdmF_Registry *R, tdmF_CData *cd, const char *name, tdmF_Place *out,
                  tdmF_Err *err)
{
    const tdmF_Type *t = cd->type, *fe;
    char *base = cd->addr;
    const tdmF_Field *f;
    size_t off = 0;
    char nb[160], tb[128];
    (void)R;
    memset(out, 0, sizeof *out);
    out->owner = cd;
    out->nelem = -1;
    if (t->kind == TDMF_PTR && (t->base->kind == TDMF_STRUCT || t->base->kind == TDMF_UNION)) {
        base = *(char **)cd->addr;
        if (base == NULL) {
            return tdmF_seterrk(err, TDMF_EK_NULLPTR, TDM_ERRARG,
                                "NULL pointer dereference (field '%s' of %s)",
                                name, cdname(cd, nb, sizeof nb));
        }
        out->owner = cd->keep;
        t = t->base;
    }
    if (t->kind == TDMF_COMPLEX && (strcmp(name, "re") == 0 || strcmp(name, "im") == 0)) {
        /* LuaJIT's c.re / c.im: the parts, of the float type */
        out->type = t->base;
        out->addr = base + (name[0] == 'i' ? t->base->size : 0);
        return TDM_OK;
    }
    if (t->kind != TDMF_STRUCT && t->kind != TDMF_UNION) {
        return tdmF_seterr(err, TDM_ERRTYPE, "%s has no field '%s' (not a struct or union)",
                           cdname(cd, nb, sizeof nb), name);
    }
    if (!(t->flags & TDMF_COMPLETE)) {
        return tdmF_sized(t, "field access", err);
    }
    f = tdmF_field_find(t, name, &off);
    if (f == NULL) {
        return tdmF_seterrk(err, TDMF_EK_KEY, TDM_ERRTYPE, "'%s' has no member named '%s'",
                           tdmF_typename(t, tb, sizeof tb), name);
    }
    out->type = f->type;
    out->addr = base + off;
    out->bitpos = f->bitpos;
    out->bitwidth = f->isbit ? f->bitwidth : 0;
    out->isconst = f->isconst;
    if (f->type->kind == TDMF_ARRAY && f->type->length == 0 && f == &t->fields[t->nfields - 1]) {
        out->tail0 = 1;     /* `T x[0];` ending a struct: read as a T * (cffi) */
    }
    if ((fe = tdmF_flex_elem(f->type->kind == TDMF_ARRAY && f->type->length < 0 ? t : f->type))
            != NULL && f->type->kind != TDMF_UNION) {
        /* a variable-length array ending the struct (or ending a struct member,
           anywhere: gcc allows it): its count, or what the known extent
           leaves room for (then stores write no further than they must) */
        uintptr_t lo, hi, a = (uintptr_t)out->addr;
        out->nelem = f == &t->fields[t->nfields - 1] ? owner_nelem(cd, t, base) : -1;
        if (out->nelem < 0 && tdmF_cd_bounds(cd, &lo, &hi) && fe->size > 0 && a >= lo &&
            a <= hi && hi - a >= f->type->size) {
            out->nelem = (int64_t)((hi - a - f->type->size) / fe->size);
            out->room = 1;
        }
    }
    if (f->type->kind == TDMF_ARRAY && f->type->length < 0 &&
        (out->room || out->nelem < 0 ||
         (cd->type->kind == TDMF_PTR && !(cd->flags & TDMF_CD_OWNPTR)))) {
        /* `T y[]` whose count was not recorded for what is read (a struct
           reached through a cast, a pointer from C or from memory, one in the
           middle of another): a T * bounded by the owner's memory, as cffi
           (which knows the count only through what new made); stores still
           write no further than the count or room above */
        out->tail0 = 1;
    }
    if (cd->type->kind == TDMF_PTR && !in_bounds(cd, (uintptr_t)out->addr, f->type->size)) {
        memset(out, 0, sizeof *out);
        return tdmF_seterrk(err, TDMF_EK_BOUNDS, TDM_ERRARG,
                            "field '%s' of %s is out of bounds of the memory "
                            "it points into", name, cdname(cd, nb, sizeof nb));
    }
    return TDM_OK;
}

static uint64_t bitmask(int w)
{
    return w >= 64 ? UINT64_MAX : (UINT64_C(1) << w) - 1;
}

int tdmF_tail0_get(tdmF_Registry *R, const tdmF_Place *pl, tdm_Value *out, tdmF_Err *err)
{
    const tdmF_Type *pt = tdmF_ptr(R, pl->type->base, err);
    tdmF_CData *cd;
    if (pt == NULL || (cd = tdmF_cd_alloc(R, pt, sizeof(void *), err)) == NULL) {
        return err ? err->status : TDM_ERRMEM;
    }
    *(void **)cd->addr = pl->addr;
    /* its bounds are those of the memory the struct lives in (the memory
       after the struct is usable only as far as its owner is known to hold
       it): the cdata owning that memory; none for C memory (unchecked, as a
       pointer from C) */
    tdmF_CData *o = pl->owner;
    while (o != NULL && (o->flags & TDMF_CD_REF) && o->type->kind != TDMF_PTR) {
        o = o->keep;
    }
    if (o != NULL) {
        cd->keep = o;
        tdmF_cd_incref(o);
    }
    *out = tdmF_cd_value(cd);
    return TDM_OK;
}

int tdmF_place_get(tdmF_Registry *R, const tdmF_Place *pl, tdm_Value *out, tdmF_Err *err)
{
    if (pl->bitwidth) {
        const tdmF_Type *st = tdmF_scalar(pl->type);
        uint64_t unit = 0, val;
        memcpy(&unit, pl->addr, st->size);
        val = (unit >> pl->bitpos) & bitmask(pl->bitwidth);
        if (st->flags & TDMF_BOOL) {
            *out = tdm_bool(val != 0);
        } else if ((st->flags & TDMF_SIGNED) && ((val >> (pl->bitwidth - 1)) & 1)) {
            *out = tdm_int((int64_t)(val | ~bitmask(pl->bitwidth)));
        } else if (val > (uint64_t)INT64_MAX) {
            return tdmF_from_c(R, st, &val, NULL, out, err);
        } else {
            *out = tdm_int((int64_t)val);
        }
        return TDM_OK;
    }
    if (pl->tail0) {
        return tdmF_tail0_get(R, pl, out, err);
    }
    if (pl->nelem >= 0 && pl->owner != NULL &&
        ((pl->type->kind == TDMF_ARRAY && pl->type->length < 0) || tdmF_flex_elem(pl->type))) {
        tdmF_CData *cd = tdmF_cd_ref(R, pl->type, pl->addr, pl->nelem, pl->owner, err);
        if (cd == NULL) {
            return err ? err->status : TDM_ERRMEM;
        }
        *out = tdmF_cd_value(cd);
        return TDM_OK;
    }
    return tdmF_from_c(R, pl->type, pl->addr, pl->owner, out, err);
}

int tdmF_place_set(tdmF_Registry *R, const tdmF_Place *pl, const tdm_Value *v, tdmF_Err *err)
{
    return tdmF_place_set_cv(R, pl, v, TDMF_CV_STORE, err);
}

int tdmF_place_set_cv(tdmF_Registry *R, const tdmF_Place *pl, const tdm_Value *v, int ctx,
                      tdmF_Err *err)
{
    const tdmF_Type *st;
    uint64_t unit = 0, val = 0, m;
    int64_t sv;
    int stt;
    if (pl->bitwidth == 0) {
        return tdmF_to_c_n(R, pl->type, v, pl->addr, pl->nelem,
                           ctx | (pl->room ? TDMF_CV_ROOM : 0), err);
    }
    st = tdmF_scalar(pl->type);
    if ((stt = tdmF_to_c(R, st, v, &val, ctx, err)) != TDM_OK) {
        return stt;
    }
    m = bitmask(pl->bitwidth);
    if (ctx & TDMF_CV_CCONV) {
        if (st->flags & TDMF_BOOL) {
            val = val != 0;
        }
    } else if (st->flags & TDMF_SIGNED) {
        int shift = 64 - (int)st->size * 8;
        sv = (int64_t)(val << shift) >> shift;      /* sign-extend the stored type */
        if (sv < -(int64_t)(m >> 1) - 1 || sv > (int64_t)(m >> 1)) {
            goto range;
        }
        val = (uint64_t)sv;
    } else if (val > m) {
        sv = (int64_t)val;
        goto range;
    }
    memcpy(&unit, pl->addr, st->size);
    unit = (unit & ~(m << pl->bitpos)) | ((val & m) << pl->bitpos);
    memcpy(pl->addr, &unit, st->size);
    return TDM_OK;
range:
    {
        char tb[128];
        return tdmF_seterrk(err, TDMF_EK_RANGE, TDM_ERRTYPE,
                            "expected %s:%d (bitfield), got %lld (out of range)",
                            tdmF_typename(pl->type, tb, sizeof tb), pl->bitwidth, (long long)sv);
    }
}

/* ------------------------------------------------------------------------ */
/* new, cast                                                                */

int tdmF_new(tdmF_Registry *R, const tdmF_Type *t, int64_t nelem, int flags,
             const tdmF_Init *init, tdmF_CData **out, tdmF_Err *err)
{
    tdmF_CData *cd;
    size_t size;
    char tb[128];
    int st;
    *out = NULL;
    if ((flags & TDMF_NEW_POINTEE) && t->kind == TDMF_PTR) {
        tdmF_CData *obj, *p;
        if ((st = tdmF_new(R, t->base, nelem, flags & TDMF_NEW_CCONV, init, &obj, err)) != TDM_OK) {
            return st;
        }
        if ((p = tdmF_cd_alloc(R, t, sizeof(void *), err)) == NULL) {
            tdmF_cd_decref(obj);
            return err ? err->status : TDM_ERRMEM;
        }
        *(void **)p->addr = obj->addr;
        p->keep = obj;      /* steals */
        p->flags |= TDMF_CD_OWNPTR;
        *out = p;
        return TDM_OK;
    }
    if (t->kind == TDMF_ARRAY && t->length < 0) {
        if (nelem < 0 && init && init->n == 1 && init->vals[0].kind == TDM_STR &&
            t->base->size == 1 && init->names == NULL) {
            nelem = (int64_t)init->vals[0].u.s.n + 1;
        } else if (nelem < 0 && init) {
            nelem = (int64_t)init->n;
        }
        if (nelem < 0) {
            return tdmF_seterr(err, TDM_ERRARG, "new: '%s' needs a length",
                               tdmF_typename(t, tb, sizeof tb));
        }
        if (tdmF_sized(t->base, "new", err) != TDM_OK) {
            return err ? err->status : TDM_ERRTYPE;
        }
        if (__builtin_mul_overflow((uint64_t)nelem, t->base->size, &size)) {
            return tdmF_seterr(err, TDM_ERRMEM, "new: '%s' with %lld elements is too large",
                               tdmF_typename(t, tb, sizeof tb), (long long)nelem);
        }
    } else {
        const tdmF_Type *fe;
        if (tdmF_sized(t, "new", err) != TDM_OK) {
            return err ? err->status : TDM_ERRTYPE;
        }
        size = t->size;
        if ((fe = tdmF_flex_elem(t)) == NULL) {
            nelem = -1;
        } else if (nelem < 0) {
            nelem = 0;          /* no count: the array at the end is empty */
        } else if (__builtin_mul_overflow((uint64_t)nelem, fe->size, &size) ||
                   __builtin_add_overflow(size, t->size, &size)) {
            return tdmF_seterr(err, TDM_ERRMEM, "new: '%s' with %lld elements is too large",
                               tdmF_typename(t, tb, sizeof tb), (long long)nelem);
        }
    }
    if ((cd = tdmF_cd_alloc(R, t, size, err)) == NULL) {
        return err ? err->status : TDM_ERRMEM;
    }
    cd->nelem = nelem;
    if (init && init->n > 0 &&
        (st = tdmF_init_cv(R, t, cd->addr, nelem, init,
                           TDMF_CV_STORE | ((flags & TDMF_NEW_CCONV) ? TDMF_CV_CCONV : 0),
                           err)) != TDM_OK) {
        tdmF_err_prefix(err, "new '%s': ", tdmF_typename(t, tb, sizeof tb));
        tdmF_cd_decref(cd);
        return st;
    }
    *out = cd;
    return TDM_OK;
}

int tdmF_cast(tdmF_Registry *R, const tdmF_Type *t, const tdm_Value *v, tdmF_CData **out,
              tdmF_Err *err)
{
    const tdmF_Type *st = tdmF_scalar(t);
    tdmF_CData *src = tdmF_cd_of(v), *cd, *keep = NULL;
    uint64_t bits = 0;
    double f = 0;
    int isfloat = 0;
    char tb[128], vb[128];
    *out = NULL;
    if (t->kind == TDMF_FUNC) {     /* cffi's CDefError: a function type is no value */
        return tdmF_seterrk(err, TDMF_EK_DECL, TDM_ERRTYPE, "cast: cannot cast to the function "
                            "type '%s' (cast to a pointer to it: '%s')",
                            tdmF_typename(t, tb, sizeof tb),
                            tdmF_declname(t, "(*)", vb, sizeof vb));
    }
    if (t->kind == TDMF_ARRAY && t->length >= 0 && src != NULL &&
        tdmF_is_ptrlike(src->type) && src->type->kind != TDMF_FUNC) {
        /* as cffi: the array at the address the pointer or array holds, not
           owned (the source's owner is kept alive) */
        int rc = tdmF_sized(t, "cast", err);
        if (rc != TDM_OK) {
            return rc;
        }
        cd = tdmF_cd_ref(R, t, tdmF_cd_address(src), -1,
                         src->type->kind == TDMF_PTR ? src->keep : src, err);
        if (cd == NULL) {
            return err ? err->status : TDM_ERRMEM;
        }
        *out = cd;
        return TDM_OK;
    }
    if (st->kind == TDMF_COMPLEX) {
        /* a real number (imaginary part 0) or a complex cdata, converted */
        if ((cd = tdmF_cd_alloc(R, t, t->size, err)) == NULL) {
            return err ? err->status : TDM_ERRMEM;
        }
        if (tdmF_to_c(R, t, v, cd->addr, TDMF_CV_STORE, err) != TDM_OK) {
            tdmF_cd_decref(cd);
            tdmF_err_prefix(err, "cast: ");
            return err ? err->status : TDM_ERRTYPE;
        }
        *out = cd;
        return TDM_OK;
    }
    if (st->kind != TDMF_INT && st->kind != TDMF_FLOAT && st->kind != TDMF_PTR) {
        return tdmF_seterr(err, TDM_ERRTYPE, "cast: cannot cast to '%s' (only to numbers, "
                           "pointers and, from a pointer or array, to arrays of known "
                           "length)", tdmF_typename(t, tb, sizeof tb));
    }
    if (v->kind == TDM_INT) {
        bits = (uint64_t)v->u.i;
    } else if (v->kind == TDM_BOOL) {
        bits = v->u.b != 0;
    } else if (v->kind == TDM_FLOAT) {
        isfloat = 1;
        f = v->u.f;
    } else if (v->kind == TDM_NIL && st->kind == TDMF_PTR) {
        bits = 0;
    } else if (src && tdmF_is_ptrlike(src->type)) {
        bits = (uint64_t)(uintptr_t)tdmF_cd_address(src);
        keep = src->type->kind == TDMF_PTR ? src->keep : src;
    } else if (src && (tdmF_scalar(src->type)->kind == TDMF_INT ||
                       tdmF_scalar(src->type)->kind == TDMF_FLOAT)) {
        tdm_Value n;
        int stt = tdmF_from_c(R, src->type, src->addr, NULL, &n, err);
        if (stt != TDM_OK) {
            return stt;
        }
        if (n.kind == TDM_FLOAT) {
            isfloat = 1;
            f = n.u.f;
        } else if (n.kind == TDM_INT || n.kind == TDM_BOOL) {
            bits = n.kind == TDM_INT ? (uint64_t)n.u.i : (uint64_t)n.u.b;
        } else {            /* a boxed unsigned 64-bit value */
            bits = *(uint64_t *)((tdmF_CData *)n.u.obj)->addr;
            tdmF_value_release(R, &n);
        }
    } else {
        return tdmF_seterr(err, TDM_ERRTYPE, "cast: cannot cast %s to '%s'",
                           tdmF_describe(v, vb, sizeof vb), tdmF_typename(t, tb, sizeof tb));
    }
    if (isfloat && st->kind != TDMF_FLOAT) {
        if (st->kind == TDMF_PTR || !(f >= -9223372036854775808.0 && f < 18446744073709551616.0)) {
            return tdmF_seterr(err, TDM_ERRTYPE, "cast: cannot cast %s to '%s'",
                               tdmF_describe(v, vb, sizeof vb), tdmF_typename(t, tb, sizeof tb));
        }
        bits = f < 0 ? (uint64_t)(int64_t)f : (uint64_t)f;
    }
    if ((cd = tdmF_cd_alloc(R, t, t->size, err)) == NULL) {
        return err ? err->status : TDM_ERRMEM;
    }
    if (st->kind == TDMF_FLOAT) {
        double d = isfloat ? f : (v->kind == TDM_INT ? (double)v->u.i : (double)bits);
        tdmF_store_float(st, cd->addr, d);
    } else if (st->kind == TDMF_PTR) {
        *(void **)cd->addr = (void *)(uintptr_t)bits;
        if (keep) {
            cd->keep = keep;
            keep->refs++;
        }
    } else if (st->flags & TDMF_BOOL) {
        *(uint8_t *)cd->addr = bits != 0;
    } else {
        memcpy(cd->addr, &bits, st->size);      /* little-endian truncation */
    }
    *out = cd;
    return TDM_OK;
}

/* ------------------------------------------------------------------------ */
/* Pointer arithmetic                                                       */

/* Element type, start address and owner of a pointer or array cdata. */
static int ptr_parts(tdmF_CData *cd, const char *what, const tdmF_Type **elem, char **addr,
                     tdmF_CData **owner, tdmF_Err *err)
{
    char nb[160];
    if (cd->type->kind == TDMF_ARRAY) {
        *addr = cd->addr;
        *owner = cd;
    } else if (cd->type->kind == TDMF_PTR) {
        *addr = *(char **)cd->addr;
        *owner = cd->keep;
    } else {
        return tdmF_seterr(err, TDM_ERRTYPE, "%s: %s is not a pointer or array", what,
                           cdname(cd, nb, sizeof nb));
    }
    *elem = cd->type->base;
    if (tdmF_sized(*elem, what, NULL) != TDM_OK || (*elem)->size == 0) {
        return tdmF_seterr(err, TDM_ERRTYPE, "%s: pointer arithmetic on %s (element size "
                           "unknown)", what, cdname(cd, nb, sizeof nb));
    }
    return TDM_OK;
}

int tdmF_ptr_add(tdmF_Registry *R, tdmF_CData *cd, int64_t n, tdmF_CData **out, tdmF_Err *err)
{
    const tdmF_Type *elem, *pt;
    char *addr;
    tdmF_CData *owner, *r;
    int st;
    *out = NULL;
    if ((st = ptr_parts(cd, "pointer arithmetic", &elem, &addr, &owner, err)) != TDM_OK) {
        return st;
    }
    if ((pt = tdmF_ptr(R, elem, err)) == NULL || (r = tdmF_cd_alloc(R, pt, sizeof(void *), err)) == NULL) {
        return err ? err->status : TDM_ERRMEM;
    }
    *(char **)r->addr = (char *)((uintptr_t)addr + (uintptr_t)n * (uintptr_t)elem->size);
    r->keep = owner;
    if (owner) {
        owner->refs++;
    }
    *out = r;
    return TDM_OK;
}

int tdmF_ptr_diff(tdmF_Registry *R, tdmF_CData *a, tdmF_CData *b, int64_t *out, tdmF_Err *err)
{
    const tdmF_Type *ea, *eb;
    char *pa, *pb;
    tdmF_CData *o;
    char na[160], nb[160];
    int st;
    (void)R;
    if ((st = ptr_parts(a, "pointer difference", &ea, &pa, &o, err)) != TDM_OK ||
        (st = ptr_parts(b, "pointer difference", &eb, &pb, &o, err)) != TDM_OK) {
        return st;
    }
    if (ea->size != eb->size || !tdmF_ptr_compatible(ea, eb)) {
        return tdmF_seterr(err, TDM_ERRTYPE, "pointer difference: %s and %s point to "
                           "different types", cdname(a, na, sizeof na), cdname(b, nb, sizeof nb));
    }
    *out = (int64_t)((intptr_t)pa - (intptr_t)pb) / (int64_t)ea->size;
    return TDM_OK;
}

static uintptr_t value_address(const tdm_Value *v)
{
    const tdmF_CData *cd = tdmF_cd_of(v);
    if (cd == NULL) {
        return 0;
    }
    return (uintptr_t)tdmF_cd_address(cd);
}

int tdmF_ptr_cmp(const tdm_Value *a, const tdm_Value *b)
{
    uintptr_t x = value_address(a), y = value_address(b);
    return x < y ? -1 : x > y;
}

int tdmF_addressof(tdmF_Registry *R, tdmF_CData *cd, const char *name, tdmF_CData **out,
                   tdmF_Err *err)
{
    tdmF_Place pl;
    const tdmF_Type *pt;
    tdmF_CData *r;
    int st;
    *out = NULL;
    if (name) {
        if ((st = tdmF_cd_field(R, cd, name, &pl, err)) != TDM_OK) {
            return st;
        }
        if (pl.bitwidth) {
            return tdmF_seterr(err, TDM_ERRTYPE, "addressof: '%s' is a bitfield", name);
        }
    } else {
        tdmF_cd_place(cd, &pl);
    }
    if ((pt = tdmF_ptr(R, pl.type, err)) == NULL ||
        (r = tdmF_cd_alloc(R, pt, sizeof(void *), err)) == NULL) {
        return err ? err->status : TDM_ERRMEM;
    }
    *(void **)r->addr = pl.addr;
    r->keep = pl.owner;
    if (pl.owner) {
        pl.owner->refs++;
    }
    *out = r;
    return TDM_OK;
}

int tdmF_offsetof(tdmF_Registry *R, const tdmF_Type *t, const char *name, size_t *out,
                  tdmF_Err *err)
{
    const tdmF_Field *f;
    char tb[128];
    (void)R;
    *out = 0;
    if (t->kind != TDMF_STRUCT && t->kind != TDMF_UNION) {
        return tdmF_seterr(err, TDM_ERRTYPE, "offsetof: '%s' is not a struct or union",
                           tdmF_typename(t, tb, sizeof tb));
    }
    if (tdmF_sized(t, "offsetof", err) != TDM_OK) {
        return err ? err->status : TDM_ERRTYPE;
    }
    if ((f = tdmF_field_find(t, name, out)) == NULL) {
        return tdmF_seterrk(err, TDMF_EK_KEY, TDM_ERRTYPE,
                            "offsetof: '%s' has no member named '%s'",
                           tdmF_typename(t, tb, sizeof tb), name);
    }
    if (f->isbit) {
        return tdmF_seterr(err, TDM_ERRTYPE, "offsetof: '%s' is a bitfield", name);
    }
    return TDM_OK;
}

/* ------------------------------------------------------------------------ */
/* string, copy, fill                                                       */

/* Address and known size (SIZE_MAX when unknown) of a pointer-like cdata. */
static int mem_parts(const tdm_Value *v, const char *what, char **addr, size_t *size,
                     tdmF_Err *err)
{
    const tdmF_CData *cd = tdmF_cd_of(v);
    char vb[160];
    if (cd == NULL || (!tdmF_is_ptrlike(cd->type) && cd->type->kind != TDMF_STRUCT &&
                       cd->type->kind != TDMF_UNION)) {
        return tdmF_seterr(err, TDM_ERRTYPE, "%s: expected a pointer or array cdata, got %s",
                           what, tdmF_describe(v, vb, sizeof vb));
    }
    *addr = tdmF_cd_address(cd);
    /* a pointer, or an array of unknown length (`extern char name[];`): what
       its bounds allow, unknown (SIZE_MAX) for C memory, as for a pointer */
    *size = cd->type->kind == TDMF_PTR || (cd->type->kind == TDMF_ARRAY &&
                                           tdmF_cd_length(cd) < 0)
                ? tdmF_cd_avail(cd) : tdmF_cd_size(cd);
    if (*addr == NULL) {
        return tdmF_seterrk(err, TDMF_EK_NULLPTR, TDM_ERRARG, "%s: NULL pointer", what);
    }
    return TDM_OK;
}

int tdmF_string(tdmF_Registry *R, const tdm_Value *v, int64_t n, const char **p, size_t *len,
                tdmF_Err *err)
{
    char *addr;
    size_t size;
    const tdmF_CData *cd = tdmF_cd_of(v);
    int st;
    (void)R;
    if ((st = mem_parts(v, "string", &addr, &size, err)) != TDM_OK) {
        return st;
    }
    if (n >= 0) {
        if ((uint64_t)n > size) {
            return tdmF_seterr(err, TDM_ERRARG, "string: length %lld exceeds the object's "
                               "%zu bytes", (long long)n, size);
        }
        *p = addr;
        *len = (size_t)n;
        return TDM_OK;
    }
    if (cd->type->base == NULL || cd->type->base->kind != TDMF_INT || cd->type->base->size != 1) {
        char tb[128];
        return tdmF_seterr(err, TDM_ERRTYPE, "string: cdata<%s> needs a length (only char "
                           "pointers and arrays end at a NUL)",
                           tdmF_typename(cd->type, tb, sizeof tb));
    }
    if (size == SIZE_MAX) {
        *len = strlen(addr);
    } else {
        const char *z = memchr(addr, 0, size);
        *len = z ? (size_t)(z - addr) : size;
    }
    *p = addr;
    return TDM_OK;
}

int tdmF_copy(tdmF_Registry *R, const tdm_Value *dst, const tdm_Value *src, int64_t n,
              tdmF_Err *err)
{
    char *d, *s;
    size_t dsize, ssize, count;
    int st, addnul = 0;
    (void)R;
    if ((st = mem_parts(dst, "copy", &d, &dsize, err)) != TDM_OK) {
        return st;
    }
    if (src->kind == TDM_STR) {
        s = (char *)src->u.s.p;
        ssize = src->u.s.n;
        if (n < 0) {
            addnul = 1;
            n = (int64_t)ssize;
        }
    } else {
        if ((st = mem_parts(src, "copy", &s, &ssize, err)) != TDM_OK) {
            return st;
        }
        if (n < 0) {
            if (ssize == SIZE_MAX) {
                return tdmF_seterr(err, TDM_ERRARG, "copy: a length is needed to copy from "
                                   "a pointer");
            }
            n = (int64_t)ssize;
        }
    }
    count = (size_t)n;
    if (count > ssize || count + (size_t)addnul > dsize) {
        return tdmF_seterr(err, TDM_ERRARG, "copy: %zu bytes exceed the %s's size (%zu bytes)",
                           count + (size_t)addnul, count > ssize ? "source" : "destination",
                           count > ssize ? ssize : dsize);
    }
    memmove(d, s, count);
    if (addnul) {
        d[count] = '\0';
    }
    return TDM_OK;
}

int tdmF_fill(tdmF_Registry *R, const tdm_Value *dst, int64_t n, int byte, tdmF_Err *err)
{
    char *d;
    size_t dsize;
    int st;
    (void)R;
    if ((st = mem_parts(dst, "fill", &d, &dsize, err)) != TDM_OK) {
        return st;
    }
    if (n < 0) {
        if (dsize == SIZE_MAX) {
            return tdmF_seterr(err, TDM_ERRARG, "fill: a length is needed for a pointer");
        }
        n = (int64_t)dsize;
    }
    if ((uint64_t)n > dsize) {
        return tdmF_seterr(err, TDM_ERRARG, "fill: %lld bytes exceed the destination's size "
                           "(%zu bytes)", (long long)n, dsize);
    }
    memset(d, byte, (size_t)n);
    return TDM_OK;
}
