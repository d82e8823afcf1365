/*
 * ccall.c — dlopen/dlsym and calls through libffi with checked arguments.
 *
 * The common path allocates nothing: argument storage and pointers live in
 * stack buffers, and the call interface is prepared once per signature.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccall.h"
#include "ccallback.h"

struct tdmF_Lib {
    void *handle;               /* owns: dlclose at registry free (unless adopted) */
    int adopted;                /* handle is the caller's (tdmF_lib_adopt): not closed */
    char *name;                 /* owns */
    tdmF_Lib *next;             /* borrowed: registry list */
};

/* initial-exec: no __tls_get_addr call on every native call (two words of
   static TLS, which glibc reserves for dlopened modules). Not static: the
   Lua call fast path reads and writes it inline (declared in lffi.h). */
__attribute__((visibility("hidden"))) _Thread_local int tdmF_tls_errno
    __attribute__((tls_model("initial-exec")));

int tdmF_errno(void)
{
    return tdmF_tls_errno;
}

void tdmF_set_errno(int e)
{
    tdmF_tls_errno = e;
}

/* ------------------------------------------------------------------------ */
/* Libraries                                                                */

static void free_libs(void *list)
{
    tdmF_Lib *lib = list, *next;
    for (; lib; lib = next) {
        next = lib->next;
        if (lib->handle && !lib->adopted) {
            dlclose(lib->handle);
        }
        free(lib->name);
        free(lib);
    }
}

int tdmF_lib_open(tdmF_Registry *R, const char *name, int global, tdmF_Lib **out,
                  tdmF_Err *err)
{
    tdmF_Ext *ext = tdmF_ext(R);
    tdmF_Lib *lib;
    void *h;
    int flags = RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL);
    char first[TDMF_ERRMAX / 2];
    *out = NULL;
    if (name == NULL || strcmp(name, "C") == 0) {
        name = "C";
    }
    for (lib = ext->libs; lib; lib = lib->next) {
        if (strcmp(lib->name, name) == 0) {
            *out = lib;
            return TDM_OK;
        }
    }
    if (strcmp(name, "C") == 0) {
        h = dlopen(NULL, RTLD_NOW);
    } else {
        h = dlopen(name, flags);
        if (h == NULL) {
            const char *e = dlerror();
            snprintf(first, sizeof first, "%s", e ? e : "unknown error");
            if (strchr(name, '/') == NULL && strstr(name, ".so") == NULL) {
                char alt[512];
                snprintf(alt, sizeof alt, "lib%s.so", name);
                h = dlopen(alt, flags);
            }
            if (h == NULL) {
                return tdmF_seterr(err, TDM_ERRARG, "cannot load library '%s': %s", name, first);
            }
        }
    }
    if (h == NULL) {
        const char *e = dlerror();
        return tdmF_seterr(err, TDM_ERRARG, "cannot open the C namespace: %s",
                           e ? e : "unknown error");
    }
    lib = calloc(1, sizeof *lib);
    if (lib == NULL || (lib->name = strdup(name)) == NULL) {
        free(lib);
        dlclose(h);
        return tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
    }
    lib->handle = h;
    lib->next = ext->libs;
    ext->libs = lib;
    ext->free_libs = free_libs;
    *out = lib;
    return TDM_OK;
}

int tdmF_lib_adopt(tdmF_Registry *R, void *handle, tdmF_Lib **out, tdmF_Err *err)
{
    tdmF_Ext *ext = tdmF_ext(R);
    tdmF_Lib *lib;
    char name[64];
    *out = NULL;
    if (handle == NULL) {
        return tdmF_seterr(err, TDM_ERRARG, "cannot use a NULL library handle");
    }
    for (lib = ext->libs; lib; lib = lib->next) {
        if (lib->handle == handle) {
            *out = lib;
            return TDM_OK;
        }
    }
    snprintf(name, sizeof name, "<handle %p>", handle);
    lib = calloc(1, sizeof *lib);
    if (lib == NULL || (lib->name = strdup(name)) == NULL) {
        free(lib);
        return tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
    }
    lib->handle = handle;
    lib->adopted = 1;
    lib->next = ext->libs;
    ext->libs = lib;
    ext->free_libs = free_libs;
    *out = lib;
    return TDM_OK;
}

const char *tdmF_lib_name(const tdmF_Lib *lib)
{
    return lib->name;
}

int tdmF_lib_get(tdmF_Registry *R, tdmF_Lib *lib, const char *name, tdm_Value *out,
                 tdmF_Err *err)
{
    const tdmF_Name *n = tdmF_lookup(R, name);
    tdmF_CData *cd;
    const char *e;
    void *p;
    *out = tdm_nil();
    if (n == NULL || n->kind == TDMF_N_TYPEDEF) {
        return tdmF_seterr(err, TDM_ERRARG, "'%s' is not declared%s (declare it with cdef)",
                           name, n ? " as a function or variable (it is a type)" : "");
    }
    if (n->kind == TDMF_N_CONST && (n->flags & TDMF_NF_NOVALUE)) {
        char tb[64];
        if (n->type->kind == TDMF_FLOAT) {
            return tdmF_seterrk(err, TDMF_EK_NOTIMPL, TDM_ERRARG, "non-integer constant '%s' "
                                "(%s) cannot be accessed from a dlopen() library", name,
                                tdmF_typename(n->type, tb, sizeof tb));
        }
        return tdmF_seterr(err, TDM_ERRARG, "'%s' belongs to an enum declared with '...': "
                           "its value is known only to a compiler (API mode)", name);
    }
    if (n->kind == TDMF_N_CONST) {
        *out = tdm_int(n->value);
        return TDM_OK;
    }
    dlerror();
    p = dlsym(lib->handle, n->sym ? n->sym : name);
    if (p == NULL) {
        e = dlerror();
        return tdmF_seterr(err, TDM_ERRARG, "symbol '%s' not found in %s%s%s",
                           n->sym ? n->sym : name,
                           strcmp(lib->name, "C") == 0 ? "the C namespace" : lib->name,
                           e ? ": " : "", e ? e : "");
    }
    if ((cd = tdmF_cd_ref(R, n->type, p, -1, NULL, err)) == NULL) {
        return err ? err->status : TDM_ERRMEM;
    }
    cd->name = n->key;
    *out = tdmF_cd_value(cd);
    return TDM_OK;
}

/* ------------------------------------------------------------------------ */
/* Calls                                                                    */

const tdmF_Type *tdmF_vararg_type(tdmF_Registry *R, const tdm_Value *v, tdmF_Err *err)
{
    const tdmF_CData *cd;
    const tdmF_Type *t;
    char vb[128];
    switch (v->kind) {
    case TDM_INT:
        return tdmF_base(R, v->u.i >= INT32_MIN && v->u.i <= INT32_MAX ? TDMF_T_INT : TDMF_T_LLONG);
    case TDM_BOOL:
        return tdmF_base(R, TDMF_T_INT);
    case TDM_FLOAT:
        return tdmF_base(R, TDMF_T_DOUBLE);
    case TDM_STR:
        return tdmF_ptr(R, tdmF_base(R, TDMF_T_CHAR), err);
    case TDM_NIL:
        return tdmF_ptr(R, tdmF_base(R, TDMF_T_VOID), err);
    default:
        break;
    }
    cd = tdmF_cd_of(v);
    if (cd == NULL) {
        tdmF_seterr(err, TDM_ERRTYPE, "cannot pass %s as a variadic argument (pass a number, "
                    "a string or a cdata)", tdmF_describe(v, vb, sizeof vb));
        return NULL;
    }
    t = tdmF_scalar(cd->type);
    if (t->kind == TDMF_INT && t->size < 4) {
        return tdmF_base(R, TDMF_T_INT);
    }
    if (t->kind == TDMF_FLOAT && t->size == 4) {    /* promoted; long double stays */
        return tdmF_base(R, TDMF_T_DOUBLE);
    }
    if ((t->kind == TDMF_ARRAY && !(t->flags & TDMF_VECTOR)) || t->kind == TDMF_FUNC) {
        return tdmF_ptr(R, t->kind == TDMF_ARRAY ? t->base : t, err);
    }
    return t;       /* a vector stays one: refused when the call is prepared */
}

static size_t rup(size_t x)
{
    return (x + 15) & ~(size_t)15;
}

#define ARGBUF 512
#define MAXSTACKARGS 32

int tdmF_call_ptr(tdmF_Registry *R, const tdmF_Type *fn, void *code, const char *name,
                  int nargs, const tdm_Value *args, tdm_Value *result, tdmF_Err *err)
{
    _Alignas(16) unsigned char abuf[ARGBUF], rbuf[64];
    void *avec_s[MAXSTACKARGS], **avec = avec_s;
    const tdmF_Type *ptypes_s[MAXSTACKARGS], **ptypes = ptypes_s;
    const tdmF_Type *sig = fn;
    unsigned char *store = abuf, *rv = rbuf;
    char label[160];
    tdmF_CallCtx ctx;
    ffi_cif *cif;
    size_t total = 0, off = 0, rsize;
    int i, st = TDM_OK, fixed = fn->nparams;
    *result = tdm_nil();
    if (name) {
        snprintf(label, sizeof label, "'%s'", name);
    } else {
        char tb[128];
        snprintf(label, sizeof label, "function '%s'", tdmF_typename(fn, tb, sizeof tb));
    }
    if (code == NULL) {
        return tdmF_seterr(err, TDM_ERRARG, "call to %s: NULL function pointer", label);
    }
    if ((fn->flags & TDMF_VARIADIC) ? nargs < fixed : nargs != fixed) {
        return tdmF_seterrk(err, TDMF_EK_TYPE, TDM_ERRARG,
                            "%s expects %s%d argument%s, got %d", label,
                            (fn->flags & TDMF_VARIADIC) ? "at least " : "", fixed,
                            fixed == 1 ? "" : "s", nargs);
    }
    if (nargs > MAXSTACKARGS) {
        avec = malloc((size_t)nargs * sizeof *avec);
        ptypes = malloc((size_t)nargs * sizeof *ptypes);
        if (avec == NULL || ptypes == NULL) {
            st = tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
            goto done;
        }
    }
    for (i = 0; i < nargs; i++) {
        ptypes[i] = i < fixed ? fn->params[i] : tdmF_vararg_type(R, &args[i], err);
        if (ptypes[i] == NULL) {
            tdmF_err_prefix(err, "argument %d to %s: ", i + 1, label);
            st = err ? err->status : TDM_ERRTYPE;
            goto done;
        }
        total += rup(ptypes[i]->size ? ptypes[i]->size : 1);
    }
    if (fn->flags & TDMF_VARIADIC) {
        sig = tdmF_func(R, fn->base, ptypes, nargs, 1, fixed, err);
        if (sig == NULL) {
            st = err ? err->status : TDM_ERRMEM;
            goto done;
        }
    }
    if ((cif = tdmF_cif(R, sig, err)) == NULL) {
        tdmF_err_prefix(err, "call to %s: ", label);
        st = err ? err->status : TDM_ERRTYPE;
        goto done;
    }
    rsize = rup(fn->base->size > sizeof(ffi_arg) ? fn->base->size : sizeof(ffi_arg));
    if ((total > ARGBUF && (store = malloc(total)) == NULL) ||
        (rsize > sizeof rbuf && (rv = malloc(rsize)) == NULL)) {
        st = tdmF_seterr(err, TDM_ERRMEM, "not enough memory");
        goto done;
    }
    for (i = 0; i < nargs; i++) {
        avec[i] = store + off;
        if ((st = tdmF_to_c(R, ptypes[i], &args[i], avec[i], TDMF_CV_ARG, err)) != TDM_OK) {
            tdmF_err_prefix(err, "argument %d to %s: ", i + 1, label);
            goto done;
        }
        off += rup(ptypes[i]->size ? ptypes[i]->size : 1);
    }
    tdmF_ctx_push(&ctx);
    errno = tdmF_tls_errno;
    ffi_call(cif, FFI_FN(code), rv, avec);
    tdmF_tls_errno = errno;
    tdmF_ctx_pop(&ctx);
    if (ctx.err.status != TDM_OK) {
        st = tdmF_seterr(err, ctx.err.status, "%s", ctx.err.message ? ctx.err.message
                                                                   : "error in callback");
        if (err) {
            tdmF_error_clear(R, &err->cb);
            err->cb = ctx.err;
        } else {
            tdmF_error_clear(R, &ctx.err);
        }
        goto done;
    }
    st = tdmF_from_c(R, fn->base, rv, NULL, result, err);
done:
    if (store != abuf) {
        free(store);
    }
    if (rv != rbuf) {
        free(rv);
    }
    if (avec != avec_s) {
        free(avec);
    }
    if (ptypes != ptypes_s) {
        free(ptypes);
    }
    return st;
}

int tdmF_call(tdmF_Registry *R, tdmF_CData *fn, int nargs, const tdm_Value *args,
              tdm_Value *result, tdmF_Err *err)
{
    const tdmF_Type *t = fn->type;
    char tb[128];
    if (t->kind == TDMF_FUNC) {
        return tdmF_call_ptr(R, t, fn->addr, fn->name, nargs, args, result, err);
    }
    if (t->kind == TDMF_PTR && t->base->kind == TDMF_FUNC) {
        return tdmF_call_ptr(R, t->base, *(void **)fn->addr, fn->name, nargs, args, result, err);
    }
    *result = tdm_nil();
    return tdmF_seterr(err, TDM_ERRTYPE, "cdata<%s> is not callable",
                       tdmF_typename(t, tb, sizeof tb));
}
