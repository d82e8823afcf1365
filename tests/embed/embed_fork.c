/* embed_fork.c — fork() while another thread is inside Lua: the child does
   not inherit a held runtime lock (tandem's pthread_atfork handlers reset
   it) and can use the runtime. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tandem.h"
#include "check.h"

static tdm_Runtime *rt;
static char flag_in[64], flag_stop[64];

/* Thread A: a Lua loop that says it has started (a file) and runs until the
   parent asks it to stop (another file), 30 s at most. Between two looks
   at the file it counts without allocating, so the fork almost always finds
   the state between two instructions rather than inside the allocator or
   the collector (a child using a state forked mid-allocation is the hazard
   CPython documents for fork(): under load, once, it hung). */
static void *inside_lua(void *p)
{
    tdm_Status *st = p;
    char code[512];
    snprintf(code, sizeof code,
             "local f = io.open('%s', 'w') f:write('in') f:close()\n"
             "local t = os.time()\n"
             "while os.time() - t < 30 do\n"
             "  for i = 1, 100000 do end\n"
             "  local g = io.open('%s') if g then g:close() break end\n"
             "end\n", flag_in, flag_stop);
    *st = tdm_exec(rt, TDM_LANG_LUA, code, "inside");
    return NULL;
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

int main(void)
{
    snprintf(flag_in, sizeof flag_in, "/tmp/tdm_fork_in_%d", (int)getpid());
    snprintf(flag_stop, sizeof flag_stop, "/tmp/tdm_fork_stop_%d", (int)getpid());
    rt = tdm_open();
    CHECK(rt != NULL);
    tdm_Status ast = TDM_ERRRUN;
    pthread_t a;
    CHECK(pthread_create(&a, NULL, inside_lua, &ast) == 0);
    for (int i = 0; i < 3000 && !exists(flag_in); i++) {
        usleep(10000);
    }
    CHECK(exists(flag_in));        /* thread A holds the runtime lock now */

    pid_t pid = fork();
    if (pid == 0) {
        alarm(20);                  /* a child blocked on the lock dies */
        tdm_Value v;
        int ok = tdm_eval(rt, TDM_LANG_LUA, "6 * 7", &v) == TDM_OK
                 && v.kind == TDM_INT && v.u.i == 42;
        ok = ok && tdm_exec(rt, TDM_LANG_LUA, "forked = true", NULL) == TDM_OK;
        _exit(ok ? 0 : 3);
    }
    CHECK(pid > 0);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!WIFEXITED(status)) {
        fprintf(stderr, "child ended by signal %d\n", WTERMSIG(status));
    }

    FILE *f = fopen(flag_stop, "w");
    CHECK(f != NULL);
    if (f != NULL) {
        fclose(f);
    }
    pthread_join(a, NULL);
    CHECK(ast == TDM_OK);
    tdm_Value v;
    CHECK_OK(rt, tdm_eval(rt, TDM_LANG_LUA, "forked == nil", &v));
    CHECK(v.kind == TDM_BOOL && v.u.b);    /* the child's change stayed there */
    unlink(flag_in);
    unlink(flag_stop);
    tdm_free(rt);
    return check_summary();
}
