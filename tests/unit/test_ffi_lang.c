/*
 * test_ffi_lang.c — the bridge operations on cdata (adapters/c/clang.c) with
 * hand-built frames, as any adapter would run them: attach, CALL, element
 * and field reads and writes, LEN, STR, COMPARE, ARITH, errors (with a
 * callback error moved whole onto the frame), release/retain.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ccall.h"
#include "ccallback.h"
#include "clang.h"
#include "cparse.h"
#include "ffi_util.h"

static tdm_Runtime *rt;
static tdmF_Registry *R;
static tdmS_Frame f;

/* Run op on args; returns the status. The frame stays for inspection. */
static int run(int op, int sub, int n, const tdm_Value *args)
{
    memset(&f, 0, sizeof f);
    f.rt = rt;
    f.lang = &tdmF_lang;
    f.op = (uint8_t)op;
    f.sub = (uint8_t)sub;
    f.args = f.argbuf;
    f.res = f.resbuf;
    memcpy(f.argbuf, args, (size_t)n * sizeof *args);
    f.nargs = n;
    return tdmF_lang.op(&f);
}

static void end(void)
{
    for (int i = 0; i < f.nres; i++) {
        tdmF_value_release(R, &f.res[i]);
    }
    tdmF_lang.finish(&f);
    tdmF_error_clear(R, &f.err);
}

static const tdmF_Type *ty(const char *s)
{
    const tdmF_Type *t = NULL;
    tdmF_Err err;
    memset(&err, 0, sizeof err);
    tdmF_parse_type(R, s, strlen(s), "typeof", &t, &err);
    return t;
}

static int failing(void *ud, const tdmF_Type *fn, int nargs, const tdm_Value *args,
                   tdm_Value *result, tdmS_Error *err)
{
    (void)ud; (void)fn; (void)nargs; (void)args; (void)result;
    err->status = TDM_ERRRUN;
    err->message = strdup("raised in callback");
    return TDM_ERRRUN;
}

int main(void)
{
    char msg[64];
    tdmF_Err err;
    tdmF_Lib *lib;
    tdm_Value fnv, a[3];
    tdmF_CData *arr, *p, *q, *cb;
    memset(&err, 0, sizeof err);

    rt = calloc(1, sizeof *rt);
    CHECK_EQ_INT(tdmF_attach(rt, msg, sizeof msg), TDM_OK);
    R = rt->ffi;
    CHECK(R != NULL);
    CHECK(rt->ffi_free == tdmF_registry_free);
    CHECK(rt->lang[TDM_LANG_C] == &tdmF_lang && rt->state[TDM_LANG_C] == R);
    CHECK_EQ_INT(tdmF_attach(rt, msg, sizeof msg), TDM_OK);
    CHECK(rt->ffi == R);                       /* idempotent: one registry */

    {
        static const char decls[] = "int add(int, int); struct pt { int x, y; };"
                                    "int call_cb(int (*f)(int), int x);";
        CHECK_EQ_INT(tdmF_cdef(R, decls, sizeof decls - 1, &err), TDM_OK);
    }
    CHECK_EQ_INT(tdmF_lib_open(R, TDM_TESTLIB, 0, &lib, &err), TDM_OK);
    CHECK_EQ_INT(tdmF_lib_get(R, lib, "add", &fnv, &err), TDM_OK);

    /* CALL */
    a[0] = fnv; a[0].flags = 0; a[1] = tdm_int(2); a[2] = tdm_int(40);
    CHECK_EQ_INT(run(TDM_OP_CALL, 0, 3, a), TDM_OK);
    CHECK(f.nres == 1 && f.res[0].kind == TDM_INT && f.res[0].u.i == 42);
    end();
    a[2] = tdm_int(3000000000LL);
    CHECK(run(TDM_OP_CALL, 0, 3, a) != TDM_OK);
    CHECK_CONTAINS(f.err.message, "argument 2 to 'add': expected int, got 3000000000 (out of range)");
    end();

    /* elements: GETITEM / SETITEM / LEN / STR / BOOL */
    CHECK_EQ_INT(tdmF_new(R, ty("int[4]"), -1, 0, NULL, &arr, &err), TDM_OK);
    a[0] = cv(arr); a[1] = tdm_int(2); a[2] = tdm_int(7);
    CHECK_EQ_INT(run(TDM_OP_SETITEM, 0, 3, a), TDM_OK);
    end();
    CHECK_EQ_INT(run(TDM_OP_GETITEM, 0, 2, a), TDM_OK);
    CHECK(f.nres == 1 && f.res[0].u.i == 7);
    end();
    a[1] = tdm_int(4);
    CHECK(run(TDM_OP_INDEX, 0, 2, a) != TDM_OK);
    CHECK_CONTAINS(f.err.message, "out of bounds");
    end();
    CHECK_EQ_INT(run(TDM_OP_LEN, 0, 1, a), TDM_OK);
    CHECK_EQ_INT(f.res[0].u.i, 4);
    end();
    CHECK_EQ_INT(run(TDM_OP_STR, 0, 1, a), TDM_OK);
    CHECK(f.res[0].kind == TDM_STR && strncmp(f.res[0].u.s.p, "cdata<int[4]>: 0x", 17) == 0);
    end();

    /* fields */
    {
        tdmF_CData *s;
        CHECK_EQ_INT(tdmF_new(R, ty("struct pt"), -1, 0, NULL, &s, &err), TDM_OK);
        a[0] = cv(s); a[1] = S("y"); a[2] = tdm_int(5);
        CHECK_EQ_INT(run(TDM_OP_SETATTR, 0, 3, a), TDM_OK);
        end();
        CHECK_EQ_INT(run(TDM_OP_GETATTR, 0, 2, a), TDM_OK);
        CHECK_EQ_INT(f.res[0].u.i, 5);
        end();
        a[1] = S("z");
        CHECK(run(TDM_OP_GETATTR, 0, 2, a) != TDM_OK);
        CHECK_CONTAINS(f.err.message, "has no member named 'z'");
        end();
        CHECK(run(TDM_OP_LEN, 0, 1, a) != TDM_OK);
        CHECK_CONTAINS(f.err.message, "length of cdata<struct pt> is unknown");
        end();
        tdmF_cd_decref(s);
    }

    /* ARITH and COMPARE: p + 1, 1 + p, p - q, ordering, NULL */
    a[0] = cv(arr); a[1] = tdm_int(3);
    CHECK_EQ_INT(run(TDM_OP_ARITH, TDM_AR_ADD, 2, a), TDM_OK);
    p = tdmF_cd_of(&f.res[0]);
    CHECK(p != NULL && p->refs == 1);
    tdmF_cd_incref(p);
    end();
    a[0] = tdm_int(1); a[1] = cv(arr);
    CHECK_EQ_INT(run(TDM_OP_ARITH, TDM_AR_ADD, 2, a), TDM_OK);
    q = tdmF_cd_of(&f.res[0]);
    tdmF_cd_incref(q);
    end();
    a[0] = cv(p); a[1] = cv(q);
    CHECK_EQ_INT(run(TDM_OP_ARITH, TDM_AR_SUB, 2, a), TDM_OK);
    CHECK_EQ_INT(f.res[0].u.i, 2);
    end();
    CHECK_EQ_INT(run(TDM_OP_COMPARE, TDM_CMP_LT, 2, a), TDM_OK);
    CHECK(f.res[0].kind == TDM_BOOL && f.res[0].u.b == 0);
    end();
    CHECK_EQ_INT(run(TDM_OP_COMPARE, TDM_CMP_LE, 2, (tdm_Value[]){cv(q), cv(p)}), TDM_OK);
    CHECK(f.res[0].u.b == 1);
    end();
    CHECK_EQ_INT(run(TDM_OP_COMPARE, TDM_CMP_EQ, 2, (tdm_Value[]){cv(p), tdm_nil()}), TDM_OK);
    CHECK(f.res[0].u.b == 0);
    end();
    a[0] = cv(p); a[1] = tdm_float(1.5);
    CHECK(run(TDM_OP_ARITH, TDM_AR_ADD, 2, a) != TDM_OK);
    CHECK_CONTAINS(f.err.message, "pointer arithmetic needs a pointer and an integer");
    end();
    CHECK(run(TDM_OP_ITER, 0, 1, a) != TDM_OK);
    CHECK_CONTAINS(f.err.message, "not supported");
    end();
    /* numbers in cdata */
    {
        tdmF_CData *n;
        tdm_Value five = tdm_int(5);
        CHECK_EQ_INT(tdmF_cast(R, ty("long long"), &five, &n, &err), TDM_OK);
        CHECK_EQ_INT(run(TDM_OP_ARITH, TDM_AR_MUL, 2, (tdm_Value[]){cv(n), tdm_int(3)}), TDM_OK);
        CHECK(f.res[0].kind == TDM_INT && f.res[0].u.i == 15);
        end();
        CHECK_EQ_INT(run(TDM_OP_COMPARE, TDM_CMP_EQ, 2, (tdm_Value[]){tdm_int(5), cv(n)}), TDM_OK);
        CHECK(f.res[0].u.b == 1);
        end();
        tdmF_cd_decref(n);
    }

    /* a callback error moves whole onto the frame */
    CHECK_EQ_INT(tdmF_callback_new(R, ty("int(*)(int)"), failing, NULL, NULL, NULL, &cb, &err),
                 TDM_OK);
    {
        tdm_Value fv;
        CHECK_EQ_INT(tdmF_lib_get(R, lib, "call_cb", &fv, &err), TDM_OK);
        a[0] = fv; a[0].flags = 0; a[1] = cv(cb); a[2] = tdm_int(1);
        CHECK_EQ_INT(run(TDM_OP_CALL, 0, 3, a), TDM_ERRRUN);
        CHECK_STR(f.err.message, "raised in callback");
        end();
        tdmF_value_release(R, &fv);
    }

    /* retain / release */
    {
        int refs = arr->refs;       /* 1 + the pointers p and q keeping it */
        CHECK_EQ_INT(refs, 3);
        tdmF_lang.retain(rt, arr);
        CHECK_EQ_INT(arr->refs, refs + 1);
        tdmF_lang.release(rt, arr);
        CHECK_EQ_INT(arr->refs, refs);
    }

    tdmF_cd_decref(cb);
    tdmF_cd_decref(p);
    tdmF_cd_decref(q);
    tdmF_cd_decref(arr);
    tdmF_value_release(R, &fnv);
    rt->ffi_free(rt->ffi);
    free(rt);
    return check_summary();
}
