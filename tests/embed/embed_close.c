/* embed_close.c — the C API after tdm_close: values obtained before, calls on
   the closed handle and calls racing with the close from other threads get
   TDM_ERRCLOSED (or complete), never touch freed memory. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include "tandem.h"
#include "check.h"

static void test_after_close(void)
{
    tdm_Runtime *rt = tdm_open();
    CHECK(rt != NULL);
    tdm_Value fn, tab, pyobj, s, out;
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "function(x) return x + 1 end", &fn));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "{1, 2, 3}", &tab));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_PYTHON, "[1, 2]", &pyobj));
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "'text'", &s));
    tdm_close(rt);

    tdm_Value arg = tdm_int(1);
    int nres = -1;
    CHECK(tdm_call(rt, &fn, 1, &arg, &out, 1, &nres) == TDM_ERRCLOSED);
    CHECK(nres == 0);
    CHECK(strstr(tdm_errmsg(rt), "closed") != NULL);
    CHECK(tdm_call(rt, &pyobj, 0, NULL, NULL, 0, NULL) == TDM_ERRCLOSED);
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "x = 1", NULL) == TDM_ERRCLOSED);
    CHECK(tdm_exec(rt, TDM_LANG_PYTHON, "x = 1", NULL) == TDM_ERRCLOSED);
    CHECK(tdm_eval(rt, TDM_LANG_LUA, "1", &out) == TDM_ERRCLOSED);
    CHECK(tdm_get_global(rt, TDM_LANG_LUA, "print", &out) == TDM_ERRCLOSED);
    CHECK(tdm_set_global(rt, TDM_LANG_PYTHON, "y", &arg) == TDM_ERRCLOSED);

    tdm_release(rt, &fn);
    CHECK(fn.kind == TDM_NIL);
    CHECK(strstr(tdm_errmsg(rt), "closed") != NULL);
    tdm_release(rt, &tab);
    CHECK(tab.kind == TDM_NIL);
    tdm_release(rt, &pyobj);
    CHECK(pyobj.kind == TDM_NIL);
    tdm_release(rt, &s);            /* an owned string is still freed */
    CHECK(s.kind == TDM_NIL);
    tdm_close(rt);                  /* twice: a no-op */
    CHECK(tdm_exec(rt, TDM_LANG_LUA, "x = 1", NULL) == TDM_ERRCLOSED);
    tdm_free(rt);
}

/* Threads call into one runtime until it is closed under them. */
#define NTHREADS 4
typedef struct {
    tdm_Runtime *rt;
    tdm_Value fn;       /* a Lua function, shared, obtained before the race */
    int ok, closed, other;
} Worker;

static void *worker(void *p)
{
    Worker *w = p;
    /* until the close (the cap is a hang guard); the yield lets the closing
       thread win the runtime lock even on a loaded machine */
    for (int i = 0; i < 10000000; i++) {
        tdm_Value arg = tdm_int(i), res;
        int n = 0;
        tdm_Status st = tdm_call(w->rt, &w->fn, 1, &arg, &res, 1, &n);
        if (st == TDM_OK) {
            w->ok++;
            if (n != 1 || res.kind != TDM_INT || res.u.i != i + 1) {
                w->other++;
            }
            tdm_release(w->rt, &res);
            sched_yield();
        } else if (st == TDM_ERRCLOSED) {
            w->closed++;
            tdm_Value t;
            if (tdm_eval(w->rt, TDM_LANG_PYTHON, "1", &t) != TDM_ERRCLOSED) {
                w->other++;
            }
            break;
        } else {
            w->other++;
            break;
        }
    }
    return NULL;
}

static void test_race_with_close(void)
{
    for (int round = 0; round < 5; round++) {
        tdm_Runtime *rt = tdm_open();
        CHECK(rt != NULL);
        tdm_Value fn;
        CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "function(x) return x + 1 end", &fn));
        Worker w[NTHREADS];
        pthread_t th[NTHREADS];
        for (int i = 0; i < NTHREADS; i++) {
            w[i] = (Worker){rt, fn, 0, 0, 0};
            CHECK(pthread_create(&th[i], NULL, worker, &w[i]) == 0);
        }
        usleep(20000 + 10000 * round);
        tdm_close(rt);
        int closed = 0, other = 0;
        for (int i = 0; i < NTHREADS; i++) {
            pthread_join(th[i], NULL);
            closed += w[i].closed;
            other += w[i].other;
        }
        CHECK(other == 0);
        CHECK(closed == NTHREADS);     /* each thread saw the close */
        tdm_release(rt, &fn);           /* after the close: no crash */
        CHECK(fn.kind == TDM_NIL);
        tdm_free(rt);
    }
}

int main(void)
{
    test_after_close();
    test_race_with_close();
    return check_summary();
}
