/*
 * test_bridge.c — the neutral core alone, with a fake foreign language:
 * intern map, deferred releases, frames, depth limit, closed runtimes, errors.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "value.h"
#include "check.h"

/* ---- a fake language: handles are counters; CALL sums integer args ------- */
static int fake_released, fake_retained, fake_finished, fake_depth_seen;

static int fake_op(tdmS_Frame *f)
{
    f->entered = 1;
    switch (f->op) {
    case TDM_OP_CALL: {
        int64_t sum = 0;
        for (int i = 1; i < f->nargs; i++) {
            if (f->args[i].kind != TDM_INT) {
                return tdmS_error(f, TDM_ERRTYPE, "argument %d: expected integer, got %s",
                                  i, tdmV_kind_name(f->args[i].kind));
            }
            sum += f->args[i].u.i;
        }
        f->res[0] = tdm_int(sum);
        f->nres = 1;
        return TDM_OK;
    }
    case TDM_OP_EVAL:       /* recurse through the runtime: depth test */
        fake_depth_seen = tdmS_depth(f->rt);
        {
            tdmS_Frame inner;
            tdmS_init(&inner, f->rt, f->lang, TDM_OP_EVAL, TDM_LANG_LUA);
            int st = tdmS_call(&inner);
            if (st != TDM_OK) {
                tdmS_move_error(&f->err, &inner.err);
            }
            tdmS_end(&inner);
            return st;
        }
    case TDM_OP_NEWTABLE:   /* many results: beyond the inline buffer */
        if (tdmS_reserve_res(f, 100) != TDM_OK) {
            return TDM_ERRMEM;
        }
        for (int i = 0; i < 100; i++) {
            f->res[i] = tdm_int(i);
        }
        f->nres = 100;
        return TDM_OK;
    default:
        return tdmS_error(f, TDM_ERRARG, "unsupported op %d", f->op);
    }
}

static void fake_finish(tdmS_Frame *f)
{
    (void)f;
    fake_finished++;
}

static void fake_release(tdm_Runtime *rt, void *h)
{
    (void)rt;
    (void)h;
    fake_released++;
}

static void fake_retain(tdm_Runtime *rt, void *h)
{
    (void)rt;
    (void)h;
    fake_retained++;
}

static const tdmR_Lang fake = {
    .name = "fake", .id = TDM_LANG_PYTHON, .op = fake_op, .finish = fake_finish,
    .release = fake_release, .retain = fake_retain,
};

static void test_intern(void)
{
    tdmI_Map m;
    tdmI_init(&m);
    CHECK(tdmI_get(&m, (void *)0x10) == NULL);
    static char keys[5000];
    int ok = 1;
    for (int i = 0; i < 5000; i++) {
        ok &= tdmI_put(&m, &keys[i], (void *)(intptr_t)(i + 1)) == 0;
    }
    CHECK(ok);
    for (int i = 0; i < 5000; i++) {
        ok &= tdmI_get(&m, &keys[i]) == (void *)(intptr_t)(i + 1);
    }
    CHECK(ok);
    CHECK(m.used == 5000);
    /* delete only when the value matches (a stale owner removes nothing) */
    tdmI_del(&m, &keys[7], (void *)0x999);
    CHECK(tdmI_get(&m, &keys[7]) == (void *)8);
    for (int i = 0; i < 5000; i += 2) {
        tdmI_del(&m, &keys[i], (void *)(intptr_t)(i + 1));
    }
    CHECK(m.used == 2500);
    ok = 1;
    for (int i = 0; i < 5000; i++) {
        void *want = (i % 2) ? (void *)(intptr_t)(i + 1) : NULL;
        ok &= tdmI_get(&m, &keys[i]) == want;
    }
    CHECK(ok);
    /* churn: tombstones are reused and the table does not grow without bound */
    size_t cap = m.cap;
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 5000; i += 2) {
            tdmI_put(&m, &keys[i], (void *)1);
        }
        for (int i = 0; i < 5000; i += 2) {
            tdmI_del(&m, &keys[i], (void *)1);
        }
    }
    CHECK(m.cap <= cap * 2);
    CHECK(tdmI_put(&m, NULL, (void *)1) == -1);
    tdmI_free(&m);
}

/* One-word sets: entries that hold their key, and counted keys. */
typedef struct SetItem {
    int tag;
    const void *key;
} SetItem;

static int sum_counts(const void *key, void *count, void *arg)
{
    (void)key;
    *(intptr_t *)arg += (intptr_t)count;
    return 0;
}

/* tdmI_same_bytes (the string caches' hit test) against memcmp: every
   length 0..40, equal, and one byte different at each position; the
   operands at odd addresses (no alignment assumed). */
static void test_same_bytes(void)
{
    char a[48], b[48];
    int ok = 1;
    for (size_t n = 0; n <= 40; n++) {
        for (size_t i = 0; i < n; i++) {
            a[1 + i] = (char)('a' + (i * 7) % 26);
        }
        memcpy(b + 3, a + 1, n);
        ok &= tdmI_same_bytes(a + 1, b + 3, n) == 1;
        for (size_t d = 0; d < n; d++) {
            b[3 + d] ^= 0x20;
            ok &= tdmI_same_bytes(a + 1, b + 3, n) == 0;
            ok &= (memcmp(a + 1, b + 3, n) == 0) == 0;
            b[3 + d] ^= 0x20;
        }
    }
    CHECK(ok);
}

static void test_sets(void)
{
    static SetItem items[3000];
    static uint64_t keys[3000];
    tdmI_Set s;
    tdmI_sinit(&s, offsetof(SetItem, key));
    CHECK(tdmI_sget(&s, &keys[0]) == NULL);
    int ok = 1;
    for (int i = 0; i < 3000; i++) {
        items[i].tag = i;
        items[i].key = &keys[i];
        ok &= tdmI_sput(&s, &items[i]) == 0;
    }
    CHECK(ok && s.used == 3000 && s.used * 5 <= s.cap * 4);
    for (int i = 0; i < 3000; i++) {
        ok &= tdmI_sget(&s, &keys[i]) == &items[i];
    }
    CHECK(ok);
    SetItem other = {0, &keys[5]};
    tdmI_sdel(&s, &other);                      /* not the entry for its key */
    CHECK(tdmI_sget(&s, &keys[5]) == &items[5]);
    for (int i = 0; i < 3000; i += 2) {
        tdmI_sdel(&s, &items[i]);
    }
    for (int i = 0; i < 3000; i++) {
        ok &= tdmI_sget(&s, &keys[i]) == (i % 2 ? &items[i] : NULL);
    }
    CHECK(ok && s.used == 1500);
    for (int round = 0; round < 20; round++) {  /* churn: tombstones reused */
        for (int i = 0; i < 3000; i += 2) {
            ok &= tdmI_sput(&s, &items[i]) == 0;
        }
        for (int i = 0; i < 3000; i += 2) {
            tdmI_sdel(&s, &items[i]);
        }
    }
    CHECK(ok && s.used == 1500 && s.cap <= 8192);
    tdmI_sfree(&s);

    tdmI_Set c;
    tdmI_sinit(&c, TDMI_COUNTED);
    for (int i = 0; i < 3000; i++) {
        ok &= tdmI_cadd(&c, &keys[i], 1 + i % 20) == 0;     /* up to 20: some in `more` */
    }
    static char odd[4];
    const void *unaligned = (const char *)odd + ((uintptr_t)odd & 7 ? 0 : 1);
    ok &= tdmI_cadd(&c, unaligned, 3) == 0;
    CHECK(ok);
    for (int i = 0; i < 3000; i++) {
        ok &= tdmI_cget(&c, &keys[i]) == 1 + i % 20;
    }
    CHECK(ok && tdmI_cget(&c, unaligned) == 3);
    intptr_t total = 0, want = 3;
    for (int i = 0; i < 3000; i++) {
        want += 1 + i % 20;
    }
    CHECK(tdmI_ceach(&c, sum_counts, &total) == 0 && total == want);
    for (int i = 0; i < 3000; i++) {            /* down across the inline limit */
        ok &= tdmI_cadd(&c, &keys[i], -(i % 20)) == 0;
        ok &= tdmI_cget(&c, &keys[i]) == 1;
    }
    CHECK(ok);
    for (int i = 0; i < 3000; i++) {
        tdmI_cadd(&c, &keys[i], -1);
    }
    tdmI_cadd(&c, unaligned, -3);
    total = 0;
    CHECK(tdmI_ceach(&c, sum_counts, &total) == 0 && total == 0 && c.used == 0
          && c.more.used == 0);
    CHECK(tdmI_cadd(&c, NULL, 1) == -1);
    tdmI_sfree(&c);
}

static void test_frames(void)
{
    tdm_Runtime *rt = tdmR_new();
    tdmR_attach(rt, &fake, NULL);
    tdmS_Frame f;

    /* a call with results */
    tdmS_init(&f, rt, &fake, TDM_OP_CALL, TDM_LANG_LUA);
    f.args[0] = tdm_nil();
    f.args[1] = tdm_int(40);
    f.args[2] = tdm_int(2);
    f.nargs = 3;
    fake_finished = 0;
    CHECK(tdmS_call(&f) == TDM_OK);
    CHECK(f.nres == 1 && f.res[0].u.i == 42);
    CHECK(rt->top == NULL && rt->depth == 0);
    tdmS_end(&f);
    CHECK(fake_finished == 1);
    tdmS_end(&f);
    CHECK(fake_finished == 1);     /* finish runs once */

    /* many arguments and many results */
    tdmS_init(&f, rt, &fake, TDM_OP_CALL, TDM_LANG_LUA);
    CHECK(tdmS_reserve_args(&f, 50) == TDM_OK);
    f.args[0] = tdm_nil();
    for (int i = 1; i < 50; i++) {
        f.args[i] = tdm_int(i);
    }
    f.nargs = 50;
    CHECK(tdmS_call(&f) == TDM_OK && f.res[0].u.i == 49 * 50 / 2);
    tdmS_end(&f);
    tdmS_init(&f, rt, &fake, TDM_OP_NEWTABLE, TDM_LANG_LUA);
    CHECK(tdmS_call(&f) == TDM_OK && f.nres == 100 && f.res[99].u.i == 99);
    tdmS_end(&f);

    /* an error names the argument */
    tdmS_init(&f, rt, &fake, TDM_OP_CALL, TDM_LANG_LUA);
    f.args[0] = tdm_nil();
    f.args[1] = tdm_str("x");
    f.nargs = 2;
    CHECK(tdmS_call(&f) == TDM_ERRTYPE);
    CHECK(f.err.message && strstr(f.err.message, "argument 1: expected integer, got string"));
    tdmS_end(&f);
    tdmS_clear_error(rt, &f.err);
    CHECK(f.err.message == NULL && f.err.status == TDM_OK);

    /* depth limit: recursion through the runtime stops cleanly */
    rt->maxdepth = 50;
    tdmS_init(&f, rt, &fake, TDM_OP_EVAL, TDM_LANG_LUA);
    CHECK(tdmS_call(&f) == TDM_ERRDEPTH);
    CHECK(f.err.message && strstr(f.err.message, "limit 50"));
    CHECK(fake_depth_seen == 50);
    CHECK(rt->depth == 0 && rt->top == NULL);
    tdmS_end(&f);
    tdmS_clear_error(rt, &f.err);

    /* traces and owned error values */
    tdmS_Error e = {0};
    CHECK(tdmS_add_trace(&e, TDM_LANG_LUA, "f", "x.lua", 3) == TDM_OK);
    CHECK(tdmS_add_trace(&e, TDM_LANG_PYTHON, NULL, "y.py", 9) == TDM_OK);
    CHECK(e.ntrace == 2 && strcmp(e.trace[0].source, "x.lua") == 0 && e.trace[1].func == NULL);
    e.value.kind = TDM_OBJ;
    e.value.lang = TDM_LANG_PYTHON;
    e.value.flags = TDM_VF_OWNED;
    fake_released = 0;
    tdmS_clear_error(rt, &e);
    CHECK(fake_released == 1 && e.ntrace == 0);

    /* a closed runtime refuses new crossings */
    tdmR_close(rt);
    tdmS_init(&f, rt, &fake, TDM_OP_CALL, TDM_LANG_LUA);
    CHECK(tdmS_call(&f) == TDM_ERRCLOSED);
    tdmS_end(&f);
    tdmS_clear_error(rt, &f.err);
    tdmR_decref(rt);
}

static void test_defer(void)
{
    tdm_Runtime *rt = tdmR_new();
    tdmR_attach(rt, &fake, NULL);
    fake_released = 0;
    int ok = 1;
    for (int i = 0; i < 1000; i++) {
        ok &= tdmR_defer(rt, TDM_LANG_PYTHON, (void *)(intptr_t)(i + 1)) == 0;
    }
    CHECK(ok);
    tdmR_defer(rt, TDM_LANG_LUA, (void *)1);     /* another language's entry stays */
    CHECK(rt->npending == 1001);
    tdmR_drain(rt, TDM_LANG_PYTHON);
    CHECK(fake_released == 1000);
    CHECK(rt->npending == 1 && rt->pending[0].lang == TDM_LANG_LUA);
    /* owned values release through their language, strings free their copy */
    tdm_Value v = tdm_str("abc");
    CHECK(tdmV_own_string(&v) == TDM_OK && (v.flags & TDM_VF_OWNSTR));
    CHECK(strcmp(v.u.s.p, "abc") == 0);
    tdmV_release(rt, &v);
    CHECK(v.kind == TDM_NIL);
    tdm_Value o = {0};
    o.kind = TDM_OBJ;
    o.lang = TDM_LANG_PYTHON;
    o.flags = TDM_VF_OWNED;
    tdmV_release(rt, &o);
    CHECK(fake_released == 1001);
    o.kind = TDM_OBJ;                   /* borrowed: nothing released */
    o.lang = TDM_LANG_PYTHON;
    tdmV_release(rt, &o);
    CHECK(fake_released == 1001);
    /* the runtime lock is recursive and knows its owner */
    CHECK(!tdmR_held(rt));
    tdmR_lock(rt);
    CHECK(tdmR_trylock(rt) && tdmR_held(rt));
    tdmR_unlock(rt);
    tdmR_unlock(rt);
    CHECK(!tdmR_held(rt));
    CHECK(strcmp(tdm_status_name(TDM_ERRDEPTH), "too deep") == 0);
    CHECK(strcmp(tdm_status_name((tdm_Status)99), "unknown status") == 0);
    tdmR_decref(rt);
}

/* ---- the runtime lock under contention ---------------------------------- */
static long counter;

static void *hammer(void *arg)
{
    tdm_Runtime *rt = arg;
    for (int i = 0; i < 100000; i++) {
        tdmR_lock(rt);
        tdmR_lock(rt);          /* recursive */
        long c = counter;
        counter = c + 1;        /* a lost update shows a broken lock */
        tdmR_unlock(rt);
        if (i % 7 == 0 && tdmR_trylock(rt)) {
            counter++;
            counter--;
            tdmR_unlock(rt);
        }
        tdmR_unlock(rt);
    }
    return NULL;
}

static void test_lock_threads(void)
{
    tdm_Runtime *rt = tdmR_new();
    pthread_t th[4];
    counter = 0;
    for (int i = 0; i < 4; i++) {
        pthread_create(&th[i], NULL, hammer, rt);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
    }
    CHECK(counter == 400000);
    CHECK(!tdmR_held(rt) && rt->waiters == 0 && rt->owner == 0);
    /* pinned: another thread is refused without blocking */
    tdmR_lock(rt);
    rt->pinned = 1;
    CHECK(tdmR_enter(rt) == TDM_OK);   /* the pinning thread itself may nest */
    tdmR_unlock(rt);
    tdmR_unlock(rt);
    tdmR_decref(rt);
}

static int count_held(const void *handle, void *count, void *arg)
{
    int *n = arg;
    (void)handle;
    (void)count;
    (*n)++;
    return 0;
}

static int stop_at_first(const void *handle, void *count, void *arg)
{
    (void)count;
    *(const void **)arg = handle;
    return 7;
}

/* The record of which handles other languages own (for a collector). */
static void test_held(void)
{
    tdm_Runtime *rt = tdmR_new();
    CHECK(rt != NULL);
    if (rt == NULL) {
        return;
    }
    static char a, b;
    int n = 0;
    CHECK(tdmR_each_held(rt, TDM_LANG_PYTHON, count_held, &n) == 0 && n == 0);
    tdmR_hold(rt, TDM_LANG_PYTHON, &a, 1);
    tdmR_hold(rt, TDM_LANG_PYTHON, &a, 1);      /* two owners: listed once */
    tdmR_hold(rt, TDM_LANG_PYTHON, &b, 1);
    tdmR_hold(rt, TDM_LANG_C, &b, 1);           /* per language */
    n = 0;
    CHECK(tdmR_each_held(rt, TDM_LANG_PYTHON, count_held, &n) == 0 && n == 2);
    tdmR_hold(rt, TDM_LANG_PYTHON, &a, -1);
    n = 0;
    tdmR_each_held(rt, TDM_LANG_PYTHON, count_held, &n);
    CHECK(n == 2);                             /* a still has one owner */
    tdmR_hold(rt, TDM_LANG_PYTHON, &a, -1);
    tdmR_hold(rt, TDM_LANG_PYTHON, &a, -1);     /* one drop too many: ignored */
    n = 0;
    tdmR_each_held(rt, TDM_LANG_PYTHON, count_held, &n);
    CHECK(n == 1);
    const void *first = NULL;
    CHECK(tdmR_each_held(rt, TDM_LANG_PYTHON, stop_at_first, &first) == 7 && first == &b);
    tdmR_hold(rt, TDM_LANG_PYTHON, NULL, 1);    /* bad input: nothing */
    tdmR_hold(rt, TDM_NLANG, &a, 1);
    CHECK(tdmR_each_held(rt, TDM_NLANG, count_held, &n) == 0);
    tdmR_hold(rt, TDM_LANG_PYTHON, &b, -1);
    n = 0;
    tdmR_each_held(rt, TDM_LANG_PYTHON, count_held, &n);
    CHECK(n == 0);
    n = 0;
    tdmR_each_held(rt, TDM_LANG_C, count_held, &n);
    CHECK(n == 1);
    tdmR_decref(rt);
}

int main(void)
{
    test_held();
    test_lock_threads();
    test_intern();
    test_same_bytes();
    test_sets();
    test_frames();
    test_defer();
    return check_summary();
}
