/* embed_lasterror.c — the last error is per thread: another thread's calls
   on the same runtime never replace or free it. */
#include <pthread.h>
#include "tandem.h"
#include "check.h"

static tdm_Runtime *shared;
static int stop;
static int other_bad;

/* fails and succeeds on the shared runtime as fast as it can */
static void *churn(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
        tdm_Value v;
        if (tdm_exec(shared, TDM_LANG_LUA, "error('churn')", "churn.lua") != TDM_ERRRUN
            || strstr(tdm_errmsg(shared), "churn") == NULL) {
            __atomic_add_fetch(&other_bad, 1, __ATOMIC_RELAXED);
        }
        if (tdm_eval(shared, TDM_LANG_LUA, "1", &v) != TDM_OK
            || strcmp(tdm_errmsg(shared), "") != 0) {
            __atomic_add_fetch(&other_bad, 1, __ATOMIC_RELAXED);
        }
    }
    return NULL;
}

static void *fail_once(void *arg)
{
    tdm_Value v;
    (void)tdm_eval(shared, TDM_LANG_PYTHON, "missing_name", &v);
    *(int *)arg = strstr(tdm_errmsg(shared), "NameError") != NULL;
    return NULL;
}

int main(void)
{
    shared = tdm_open();
    CHECK(shared != NULL);
    if (shared == NULL) {
        return check_summary();
    }
    /* this thread's error stays while another thread churns */
    CHECK(tdm_exec(shared, TDM_LANG_PYTHON, "raise ValueError('mine')", "mine.py") == TDM_ERRRUN);
    const char *msg = tdm_errmsg(shared);
    const char *tb = tdm_traceback(shared);
    CHECK(strstr(msg, "ValueError: mine") != NULL);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, churn, NULL) == 0);
    int same = 1;
    for (int i = 0; i < 20000; i++) {
        const char *m = tdm_errmsg(shared);
        if (m != msg || strstr(m, "ValueError: mine") == NULL || tdm_traceback(shared) != tb) {
            same = 0;
        }
    }
    CHECK(same);
    /* ... and this thread's own calls meanwhile replace only its own */
    int ok = 1;
    for (int i = 0; i < 300; i++) {
        tdm_Value v;
        if (tdm_eval(shared, TDM_LANG_LUA, "error('own')", &v) != TDM_ERRRUN
            || strstr(tdm_errmsg(shared), "own") == NULL
            || strstr(tdm_errmsg(shared), "churn") != NULL) {
            ok = 0;
        }
        if (tdm_eval(shared, TDM_LANG_LUA, "2", &v) != TDM_OK
            || strcmp(tdm_errmsg(shared), "") != 0) {
            ok = 0;
        }
    }
    CHECK(ok);
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
    pthread_join(th, NULL);
    CHECK(other_bad == 0);

    /* a thread that fails and ends; this thread's last call succeeded */
    int seen = 0;
    CHECK(pthread_create(&th, NULL, fail_once, &seen) == 0);
    pthread_join(th, NULL);
    CHECK(seen == 1);
    CHECK(strcmp(tdm_errmsg(shared), "") == 0);

    /* many threads that fail and end: their records go with them (valgrind
       run: tools/valgrind.sh), this thread's stay */
    CHECK(tdm_exec(shared, TDM_LANG_LUA, "error('kept')", "kept.lua") == TDM_ERRRUN);
    int all_seen = 1;
    for (int round = 0; round < 4; round++) {
        pthread_t ths[8];
        int seen8[8] = {0};
        for (int i = 0; i < 8; i++) {
            CHECK(pthread_create(&ths[i], NULL, fail_once, &seen8[i]) == 0);
        }
        for (int i = 0; i < 8; i++) {
            pthread_join(ths[i], NULL);
            all_seen &= seen8[i];
        }
    }
    CHECK(all_seen);
    CHECK(strstr(tdm_errmsg(shared), "kept") != NULL);

    /* two runtimes: each keeps this thread's last error on it */
    tdm_Runtime *other = tdm_open();
    CHECK(other != NULL);
    if (other != NULL) {
        tdm_Value v;
        CHECK(tdm_eval(shared, TDM_LANG_LUA, "error('on shared')", &v) == TDM_ERRRUN);
        CHECK(tdm_eval(other, TDM_LANG_LUA, "error('on other')", &v) == TDM_ERRRUN);
        CHECK(strstr(tdm_errmsg(shared), "on shared") != NULL);
        CHECK(strstr(tdm_errmsg(other), "on other") != NULL);
        tdm_free(other);
    }
    tdm_free(shared);
    return check_summary();
}
