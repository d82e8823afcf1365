/*
 * embed.c — the public C API (include/tandem.h) for host programs.
 *
 * A host runtime holds a fresh Lua state and the process's CPython, with the
 * `python` table installed in Lua. Every call is one neutral frame from the
 * host (TDM_LANG_NONE) to the language asked for; this file sees neither
 * interpreter's header.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "value.h"
#include "boot.h"

/* ---- the last error, per thread ------------------------------------------
   Each thread's last error on a runtime is its own record: another host
   thread's calls never replace or free it. The records of a runtime are a
   list in rt->state[TDM_LANG_NONE] (the host's slot: no language uses it),
   guarded by last_mutex (the list only; a record's error is touched by its
   own thread alone), freed by tdm_free. A thread is known by a number
   given on its first use (pthread_t values are reused). */
typedef struct tdmE_Last {
    struct tdmE_Last *next;
    unsigned long thread;
    tdmS_Error e;
} tdmE_Last;

static pthread_mutex_t last_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned long thread_counter;
static _Thread_local unsigned long my_thread;
static _Thread_local int my_errors;     /* >0: this thread may hold a record with an error */
/* The runtimes tdm_open_config made and tdm_free has not freed (under
   last_mutex): a thread that ends drops its records from each (exit_key's
   destructor), so threads that come and go leave nothing behind. */
static tdm_Runtime **hosts;
static int nhosts, chosts;
static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;
static int exit_key_ok;
static _Thread_local int my_exit_set;

/* Thread exit (a thread that made a record): free its records. */
static void thread_exit(void *arg)
{
    unsigned long me = (unsigned long)(uintptr_t)arg;
    tdmE_Last *mine = NULL;
    pthread_mutex_lock(&last_mutex);
    for (int i = 0; i < nhosts; i++) {
        tdmE_Last **pl = (tdmE_Last **)&hosts[i]->state[TDM_LANG_NONE];
        while (*pl != NULL) {
            tdmE_Last *l = *pl;
            if (l->thread == me) {
                *pl = l->next;
                l->next = mine;
                mine = l;
            } else {
                pl = &l->next;
            }
        }
    }
    pthread_mutex_unlock(&last_mutex);
    while (mine != NULL) {
        tdmE_Last *next = mine->next;
        tdmS_clear_error(NULL, &mine->e);
        free(mine);
        mine = next;
    }
}

/* fork(): last_mutex is held only for a moment, but a child forked in that
   moment must not inherit it locked */
static void last_lock(void)
{
    pthread_mutex_lock(&last_mutex);
}

static void last_unlock(void)
{
    pthread_mutex_unlock(&last_mutex);
}

static void make_exit_key(void)
{
    exit_key_ok = pthread_key_create(&exit_key, thread_exit) == 0;
    pthread_atfork(last_lock, last_unlock, last_unlock);
}

/* rt joins (add) or leaves the list of runtimes whose records threads drop
   at exit. Out of memory: not listed (its records then wait for tdm_free). */
static void list_host(tdm_Runtime *rt, int add)
{
    pthread_once(&exit_once, make_exit_key);
    pthread_mutex_lock(&last_mutex);
    if (add) {
        if (nhosts == chosts) {
            int cap = chosts ? chosts * 2 : 8;
            tdm_Runtime **h = realloc(hosts, (size_t)cap * sizeof *h);
            if (h != NULL) {
                hosts = h;
                chosts = cap;
            }
        }
        if (nhosts < chosts) {
            hosts[nhosts++] = rt;
        }
    } else {
        for (int i = 0; i < nhosts; i++) {
            if (hosts[i] == rt) {
                hosts[i] = hosts[--nhosts];
                break;
            }
        }
    }
    pthread_mutex_unlock(&last_mutex);
}
/* why this thread's last tdm_open_config failed (tdm_errmsg(NULL)) */
static _Thread_local char open_error[256];

static unsigned long thread_id(void)
{
    if (my_thread == 0) {
        my_thread = __atomic_add_fetch(&thread_counter, 1, __ATOMIC_RELAXED);
    }
    return my_thread;
}

/* This thread's record on rt; created when `create` (NULL when out of memory). */
static tdmE_Last *last_rec(tdm_Runtime *rt, int create)
{
    unsigned long me = thread_id();
    pthread_mutex_lock(&last_mutex);
    tdmE_Last *l = rt->state[TDM_LANG_NONE];
    while (l != NULL && l->thread != me) {
        l = l->next;
    }
    if (l == NULL && create) {
        l = calloc(1, sizeof *l);
        if (l != NULL) {
            l->thread = me;
            l->next = rt->state[TDM_LANG_NONE];
            rt->state[TDM_LANG_NONE] = l;
        }
    }
    pthread_mutex_unlock(&last_mutex);
    if (l != NULL && create && !my_exit_set) {
        /* this thread's records go when it ends */
        pthread_once(&exit_once, make_exit_key);
        my_exit_set = 1;
        if (exit_key_ok) {
            pthread_setspecific(exit_key, (void *)(uintptr_t)me);
        }
    }
    return l;
}

/* Forget this thread's last error on rt (every call starts so). */
static void last_clear(tdm_Runtime *rt)
{
    if (my_errors == 0) {
        return;
    }
    tdmE_Last *l = last_rec(rt, 0);
    if (l != NULL && (l->e.status != TDM_OK || l->e.message != NULL)) {
        tdmS_clear_error(NULL, &l->e);
        my_errors--;
    }
}

/* Make *e (moved: *e is left empty) this thread's last error on rt. Its
   error object must be released already. */
static void last_set(tdm_Runtime *rt, tdmS_Error *e)
{
    last_clear(rt);
    tdmE_Last *l = last_rec(rt, 1);
    if (l == NULL) {
        tdmS_clear_error(NULL, e);      /* out of memory: the status still says it */
        return;
    }
    tdmS_move_error(&l->e, e);
    my_errors++;
}

/* Every record of rt (tdm_free: no thread uses rt any more). */
static void last_free_all(tdm_Runtime *rt)
{
    pthread_mutex_lock(&last_mutex);
    tdmE_Last *l = rt->state[TDM_LANG_NONE];
    rt->state[TDM_LANG_NONE] = NULL;
    pthread_mutex_unlock(&last_mutex);
    while (l != NULL) {
        tdmE_Last *next = l->next;
        tdmS_clear_error(NULL, &l->e);
        free(l);
        l = next;
    }
}

/* ---- opening ------------------------------------------------------------- */

void tdm_config_init(tdm_Config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    memset(cfg, 0, sizeof *cfg);
    cfg->size = sizeof *cfg;
    cfg->max_memory = 0;
    cfg->lua_libs = 1;
    cfg->python = 1;
    cfg->python_table = "python";
    cfg->python_eval = 1;
    cfg->python_builtins = 1;
}

static char *describe(tdm_Runtime *rt, const tdm_Value *obj);

static tdm_Status open_failed(tdm_Runtime *rt, tdmS_Error *err, tdm_Status st, const char *what)
{
    /* an error object without a message (a MemoryError Python raised while
       the python table was made, through Lua): its text; out of memory is
       TDM_ERRMEM, as everywhere (found by make fault-test's C host sweep) */
    char *text = err->message == NULL && rt != NULL ? describe(rt, &err->value) : NULL;
    if (st == TDM_ERRRUN && text != NULL && strstr(text, "MemoryError") != NULL) {
        st = TDM_ERRMEM;
    }
    snprintf(open_error, sizeof open_error, "tandem: %s: %s", what,
             st == TDM_ERRMEM && err->message == NULL ? "not enough memory"
             : err->message != NULL ? err->message
             : text != NULL && text[0] != '\0' ? text : tdm_status_name(st));
    free(text);
    tdmS_clear_error(rt, err);
    if (rt != NULL) {
        tdm_free(rt);
    }
    return st;
}

tdm_Status tdm_open_config(const tdm_Config *cfg, tdm_Runtime **out)
{
    tdmS_Error err = {0};
    tdm_Config dflt;
    open_error[0] = '\0';
    if (out == NULL) {
        snprintf(open_error, sizeof open_error, "tdm_open_config: out is NULL");
        return TDM_ERRARG;
    }
    *out = NULL;
    if (cfg == NULL) {
        tdm_config_init(&dflt);
        cfg = &dflt;
    }
    if (cfg->size != sizeof *cfg) {
        snprintf(open_error, sizeof open_error,
                 "tdm_open_config: the configuration was not set up by tdm_config_init "
                 "(size %zu, expected %zu)", cfg->size, sizeof *cfg);
        return TDM_ERRARG;
    }
    if (cfg->python && cfg->python_table != NULL && cfg->python_table[0] == '\0') {
        snprintf(open_error, sizeof open_error, "tdm_open_config: python_table is empty");
        return TDM_ERRARG;
    }
    tdm_Runtime *rt = tdmR_new();
    if (rt == NULL) {
        snprintf(open_error, sizeof open_error, "tandem: not enough memory");
        return TDM_ERRMEM;
    }
    tdmR_OpenOptions o = {cfg->max_memory, cfg->lua_libs != 0};
    int st;
    if (cfg->python && (st = tdmR_open_lang(rt, TDM_LANG_PYTHON, &o, &err)) != TDM_OK) {
        return open_failed(rt, &err, (tdm_Status)st, "cannot start Python");
    }
    if ((st = tdmR_open_lang(rt, TDM_LANG_LUA, &o, &err)) != TDM_OK) {
        return open_failed(rt, &err, (tdm_Status)st, "cannot start Lua");
    }
    if (cfg->python && cfg->python_table != NULL) {
        int flags = (cfg->python_eval ? TDM_EXPOSE_EVAL : 0)
                    | (cfg->python_builtins ? TDM_EXPOSE_BUILTINS : 0);
        st = tdmR_expose(rt, TDM_LANG_LUA, TDM_LANG_PYTHON, cfg->python_table, flags, &err);
        if (st != TDM_OK) {
            return open_failed(rt, &err, (tdm_Status)st, "cannot install the python table");
        }
    }
    list_host(rt, 1);
    /* listed with the Lua watchdog without a thread to poll (0): a C
       thread's Lua callback can then be run by the thread running Lua, and
       tdm_interrupt reaches the Lua code */
    tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_WATCH, 0);
    *out = rt;
    return TDM_OK;
}

void tdm_policy_init(tdm_Policy *p)
{
    if (p == NULL) {
        return;
    }
    memset(p, 0, sizeof *p);
    p->size = sizeof *p;
    p->libs = "string,table,math,utf8,coroutine,os";
    p->load = 1;
    p->max_instructions = 100000000;
    p->timeout = 0;
    p->max_memory = (size_t)64 << 20;
    p->max_string = (size_t)16 << 20;
    p->max_match = 1e8;
}

tdm_Status tdm_open_sandboxed(const tdm_Policy *p, tdm_Runtime **out)
{
    tdm_Policy dflt;
    if (out == NULL) {
        snprintf(open_error, sizeof open_error, "tdm_open_sandboxed: out is NULL");
        return TDM_ERRARG;
    }
    *out = NULL;
    if (p == NULL) {
        tdm_policy_init(&dflt);
        p = &dflt;
    }
    if (p->size != sizeof *p) {
        snprintf(open_error, sizeof open_error,
                 "tdm_open_sandboxed: the policy was not set up by tdm_policy_init "
                 "(size %zu, expected %zu)", p->size, sizeof *p);
        return TDM_ERRARG;
    }
    if (p->max_instructions < 0 || !(p->timeout >= 0) || !(p->max_match >= 0)) {
        snprintf(open_error, sizeof open_error,
                 "tdm_open_sandboxed: negative max_instructions, timeout or max_match");
        return TDM_ERRARG;
    }
    tdm_Config cfg;
    tdm_config_init(&cfg);
    cfg.python_table = NULL;            /* objects reach Lua only as the host passes them */
    tdm_Runtime *rt = NULL;
    tdm_Status st = tdm_open_config(&cfg, &rt);
    if (st != TDM_OK) {
        return st;
    }
    if (tdmR_control(rt, TDM_LANG_PYTHON, TDM_CTL_SANDBOX, (long long)(uintptr_t)p) != 0
        || tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_SANDBOX, (long long)(uintptr_t)p) != 0) {
        snprintf(open_error, sizeof open_error,
                 "tdm_open_sandboxed: the policy was refused (libs \"%s\": known are "
                 "string, table, math, utf8, coroutine, os, print)", p->libs ? p->libs : "");
        tdm_free(rt);
        return TDM_ERRARG;
    }
    *out = rt;
    return TDM_OK;
}

tdm_Runtime *tdm_open(void)
{
    tdm_Runtime *rt = NULL;
    if (tdm_open_config(NULL, &rt) != TDM_OK) {
        fprintf(stderr, "%s\n", open_error);
        return NULL;
    }
    return rt;
}

/* Most arguments a host call may take (Lua's stack limit). */
#define MAX_ARGS 1000000

/* Record an error of the API itself as the calling thread's last error
   (when there is a runtime to keep it). */
static tdm_Status api_error(tdm_Runtime *rt, tdm_Status status, const char *msg)
{
    if (rt != NULL) {
        tdmS_Error e = {0};
        tdmS_set_error(&e, status, msg);
        last_set(rt, &e);
    }
    return status;
}

static tdm_Status bad_arg(tdm_Runtime *rt, const char *msg)
{
    return api_error(rt, TDM_ERRARG, msg);
}

/* A host value the runtime can take: a known kind, bytes behind a string,
   and an object of a language attached to rt that the language accepts as
   one of its live handles here. Runtime lock held: the valid hook looks into
   the language's state. */
static int valid_value(tdm_Runtime *rt, const tdm_Value *v)
{
    if (v->kind > TDM_OBJ || (v->kind == TDM_STR && v->u.s.p == NULL && v->u.s.n > 0)) {
        return 0;
    }
    if (v->kind != TDM_OBJ) {
        return 1;
    }
    if (v->lang <= TDM_LANG_NONE || v->lang >= TDM_NLANG || rt->lang[v->lang] == NULL) {
        return 0;
    }
    const tdmR_Lang *l = rt->lang[v->lang];
    return l->valid == NULL || l->valid(rt, v);
}

/* Closing and freeing are two steps. tdm_close waits for calls in flight on
   other threads (the runtime lock), closes the Lua state, detaches Python
   and marks the runtime closed, but keeps the handle: every later call on
   it, and every value obtained before, answers TDM_ERRCLOSED instead of
   touching freed memory. tdm_free drops the handle (closing first when
   needed); the memory goes when the last proxy holding the runtime is gone
   too. A handle closed and never freed stays a tombstone of one struct. */
static void close_locked(tdm_Runtime *rt)
{
    if (!rt->closed) {
        tdmR_close_lang(rt, TDM_LANG_LUA);
        tdmR_close_lang(rt, TDM_LANG_PYTHON);
        tdmR_close(rt);
        /* the languages are gone: no hook may run on this runtime again */
        tdmR_detach(rt, TDM_LANG_LUA);
        tdmR_detach(rt, TDM_LANG_PYTHON);
    }
}

void tdm_close(tdm_Runtime *rt)
{
    if (rt == NULL) {
        return;
    }
    tdmR_lock(rt);
    close_locked(rt);
    tdmR_unlock(rt);
}

void tdm_free(tdm_Runtime *rt)
{
    if (rt == NULL) {
        return;
    }
    tdmR_lock(rt);
    close_locked(rt);
    tdmR_unlock(rt);
    list_host(rt, 0);
    last_free_all(rt);
    tdmR_decref(rt);
}

/* The status of a call on a closed runtime. */
static tdm_Status closed_error(tdm_Runtime *rt)
{
    return api_error(rt, TDM_ERRCLOSED, "tandem: the runtime is closed");
}

/* Borrowed host value -> frame argument following the ownership rules: an
   object of another language than the callee's is passed owned. */
static void put_arg(tdm_Runtime *rt, tdm_LangId callee, const tdm_Value *src,
                    tdm_Value *dst)
{
    *dst = *src;
    dst->flags &= (uint16_t)~(TDM_VF_OWNED | TDM_VF_OWNSTR);
    if (src->kind == TDM_OBJ && src->lang != callee && rt->lang[src->lang] != NULL) {
        rt->lang[src->lang]->retain(rt, src->u.obj);
        dst->flags |= TDM_VF_OWNED;
    }
}

/* Frame result -> value owned by the host (a string: a NUL-terminated
   private copy). */
static int take_result(tdm_Runtime *rt, tdm_Value *v)
{
    if (v->kind == TDM_STR) {
        if (v->flags & TDM_VF_OWNSTR) {
            /* owned by the frame already: copied anyway, for the NUL */
            char *old = (char *)v->u.s.p;
            v->flags &= (uint16_t)~TDM_VF_OWNSTR;
            int st = tdmV_own_string(v);
            if (st != TDM_OK) {
                v->u.s.p = old;
                v->flags |= TDM_VF_OWNSTR;
                return st;
            }
            free(old);
            return TDM_OK;
        }
        return tdmV_own_string(v);
    }
    if (v->kind == TDM_OBJ && !(v->flags & TDM_VF_OWNED) && rt->lang[v->lang] != NULL) {
        rt->lang[v->lang]->retain(rt, v->u.obj);
        v->flags |= TDM_VF_OWNED;
    }
    return TDM_OK;
}

/* The traceback text of e from its trace entries (innermost last), then
   `inner`, the traceback of an error object of another language that the
   failing code raised (a Python exception raised through Lua: the Python
   frames), each of its lines indented under the language's name. */
static void format_trace(tdmS_Error *e, const char *inner, tdm_LangId inner_lang)
{
    if (e->tbtext != NULL || (e->ntrace == 0 && inner == NULL)) {
        return;
    }
    size_t cap = 64 + (size_t)e->ntrace * 128 + (inner ? strlen(inner) * 2 + 64 : 0), len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        return;
    }
    len += (size_t)snprintf(buf, cap, "traceback (most recent call last):\n");
    for (int i = 0; i < e->ntrace && len < cap; i++) {
        tdmS_TraceEntry *t = &e->trace[i];
        len += (size_t)snprintf(buf + len, cap - len, "  [%s] %s:%d in %s\n",
                                t->lang == TDM_LANG_LUA ? "lua" : "python",
                                t->source ? t->source : "?", t->line,
                                t->func ? t->func : "?");
    }
    if (inner != NULL && len < cap) {
        len += (size_t)snprintf(buf + len, cap - len, "  [%s] the error raised there:\n",
                                inner_lang == TDM_LANG_LUA ? "lua" : "python");
        for (const char *p = inner; *p != '\0' && len < cap;) {
            const char *nl = strchr(p, '\n');
            int n = nl ? (int)(nl - p) : (int)strlen(p);
            len += (size_t)snprintf(buf + len, cap - len, "    %.*s\n", n, p);
            p += n + (nl != NULL);
        }
    }
    tdmS_set_tbtext(e, buf, len < cap ? len : cap - 1);
    free(buf);
}

/* Text of an error object (e.g. a Python exception raised through Lua):
   its language's STR operation. Returns malloc'd text or NULL. */
static char *describe(tdm_Runtime *rt, const tdm_Value *obj)
{
    tdmS_Frame f;
    char *text = NULL;
    if (obj->kind != TDM_OBJ || rt->lang[obj->lang] == NULL) {
        return NULL;
    }
    tdmS_init(&f, rt, rt->lang[obj->lang], TDM_OP_STR, TDM_LANG_NONE);
    f.args[0] = *obj;
    f.args[0].flags &= (uint16_t)~TDM_VF_OWNED;
    f.nargs = 1;
    if (tdmR_enter(rt) != TDM_OK) {
        return NULL;
    }
    if (tdmS_call(&f) == TDM_OK && f.nres > 0 && f.res[0].kind == TDM_STR) {
        text = strndup(f.res[0].u.s.p, f.res[0].u.s.n);
    }
    tdmS_end(&f);
    tdmR_unlock(rt);
    tdmS_clear_error(rt, &f.err);
    return text;
}

/* One call from the host: its operation, arguments and results. */
typedef struct tdmE_Call {
    tdm_LangId lang;            /* the callee */
    int op;                     /* tdmS_Op */
    int sub;                    /* in: the frame's sub; out: the callee's (resume) */
    int nargs;
    const tdm_Value *args;      /* borrowed host values */
    tdm_Value *res;             /* owned by the host afterwards; may be NULL */
    int maxres;                 /* results beyond it are dropped */
    int nres;                   /* out: results stored */
    int got;                    /* out: results the callee gave */
} tdmE_Call;

/* The message of a host argument the runtime refuses. */
static const char *bad_value_msg(tdm_Runtime *rt, const tdm_Value *v)
{
    if (v->kind == TDM_STR && v->u.s.p == NULL) {
        return "tandem: a string argument has no bytes (its pointer is NULL, its length not 0:"
               " tdm_lstr(NULL, n))";
    }
    if (v->kind > TDM_OBJ) {
        return "tandem: an argument has an unknown kind (build values with tdm_int, tdm_str ...)";
    }
    if (v->lang <= TDM_LANG_NONE || v->lang >= TDM_NLANG || rt->lang[v->lang] == NULL) {
        return "tandem: an argument is an object of no language of this runtime";
    }
    return "tandem: an argument is not a valid value of this runtime"
           " (another runtime's object, or one already released)";
}

/* Run one frame from the host with the runtime lock held (host_call). */
static tdm_Status locked_call(tdm_Runtime *rt, tdmE_Call *c)
{
    tdmS_Frame f;
    tdm_LangId lang = c->lang;
    int nargs = c->nargs;
    if (lang <= TDM_LANG_NONE || lang >= TDM_NLANG || rt->lang[lang] == NULL) {
        return bad_arg(rt, "tandem: no such language in this runtime");
    }
    if (nargs < 0 || nargs > MAX_ARGS || (nargs > 0 && c->args == NULL)) {
        return bad_arg(rt, "tandem: bad argument count or NULL arguments");
    }
    for (int i = 0; i < nargs; i++) {
        if (!valid_value(rt, &c->args[i])) {
            return bad_arg(rt, bad_value_msg(rt, &c->args[i]));
        }
    }
    tdmS_init(&f, rt, rt->lang[lang], c->op, TDM_LANG_NONE);
    f.sub = (uint8_t)c->sub;
    if (tdmS_reserve_args(&f, nargs) != TDM_OK) {
        return api_error(rt, TDM_ERRMEM, "tandem: not enough memory");
    }
    for (int i = 0; i < nargs; i++) {
        put_arg(rt, lang, &c->args[i], &f.args[i]);
    }
    f.nargs = nargs;
    int st = tdmS_call(&f);
    if (st == TDM_OK) {
        int n = 0;
        c->got = f.nres;
        c->sub = f.sub;
        for (int i = 0; i < f.nres; i++) {
            if (i < c->maxres && c->res != NULL) {
                c->res[i] = f.res[i];
                if (take_result(rt, &c->res[i]) != TDM_OK) {
                    st = TDM_ERRMEM;
                }
                n++;
            } else {
                tdmV_release(rt, &f.res[i]);
            }
        }
        c->nres = n;
    }
    tdmS_Error e;
    tdmS_move_error(&e, &f.err);
    take_result(rt, &e.value);      /* keep the error object past finish */
    for (int i = 0; i < nargs; i++) {   /* before tdmS_end frees a grown array */
        tdmV_release(rt, &f.args[i]);
    }
    tdmS_end(&f);
    if (st != TDM_OK) {
        if (e.status == TDM_OK) {
            e.status = st;
        }
        /* an error object of another language than the callee's (a Python
           exception raised through Lua): its own traceback text too */
        char *inner = NULL;
        if (e.value.kind == TDM_OBJ && e.value.lang != lang && e.ntrace > 0) {
            inner = describe(rt, &e.value);
        }
        if (e.message == NULL) {
            e.message = inner != NULL ? strdup(inner) : describe(rt, &e.value);
        }
        if (e.message == NULL) {
            e.message = strdup(tdm_status_name((tdm_Status)st));
        }
        format_trace(&e, inner, (tdm_LangId)e.value.lang);
        free(inner);
        tdmV_release(rt, &e.value);
        last_set(rt, &e);
    } else {
        tdmS_clear_error(rt, &e);
    }
    return (tdm_Status)st;
}

/* One call from the host, the runtime lock held across it. Starts by
   forgetting the thread's last error on rt. */
static tdm_Status host_run(tdm_Runtime *rt, tdmE_Call *c)
{
    c->nres = 0;
    c->got = 0;
    if (rt == NULL) {
        return TDM_ERRARG;
    }
    last_clear(rt);
    if (tdmR_enter(rt) != TDM_OK) {
        return TDM_ERRARG;      /* pinned to another thread (a lua5.4 host) */
    }
    if (rt->closed) {
        tdmR_unlock(rt);
        return closed_error(rt);
    }
    tdm_Status st = locked_call(rt, c);
    if (__builtin_expect(__atomic_load_n(&rt->intr_asked, __ATOMIC_SEQ_CST), 0)
        && rt->top == NULL && rt->lang[TDM_LANG_LUA] != NULL) {
        /* the host's outermost call ended: a tdm_interrupt that came while
           it ran code of another language than Lua is for this call only */
        __atomic_store_n(&rt->intr_asked, 0, __ATOMIC_SEQ_CST);
        tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_INTR_DROP, 0);
    }
    tdmR_unlock(rt);
    return st;
}

static tdm_Status host_call(tdm_Runtime *rt, tdm_LangId lang, int op, int nargs,
                            const tdm_Value *args, tdm_Value *res, int maxres,
                            int *nres)
{
    tdmE_Call c = {lang, op, 0, nargs, args, res, maxres, 0, 0};
    tdm_Status st = host_run(rt, &c);
    if (nres != NULL) {
        *nres = c.nres;
    }
    return st;
}

/* Lua chunk names as given: "setup.lua" shows as setup.lua:3: in messages,
   not [string "setup.lua"] ("=name": the name itself; "@name" and "=name"
   given by the host are kept). Python takes the name as a file name already.
   *buf receives a malloc'd copy to free when one was needed. */
static const char *chunk_name(tdm_LangId lang, const char *name, char **buf)
{
    *buf = NULL;
    if (name == NULL) {
        name = "<embed>";
    }
    if (lang != TDM_LANG_LUA || name[0] == '=' || name[0] == '@') {
        return name;
    }
    size_t n = strlen(name);
    *buf = malloc(n + 2);
    if (*buf == NULL) {
        return name;
    }
    (*buf)[0] = '=';
    memcpy(*buf + 1, name, n + 1);
    return *buf;
}

static tdm_Status exec_code(tdm_Runtime *rt, tdm_LangId lang, tdm_Value code,
                            const char *chunkname)
{
    char *buf;
    tdm_Value a[2] = {code, tdm_str(chunk_name(lang, chunkname, &buf))};
    tdm_Status st = host_call(rt, lang, TDM_OP_EXEC, 2, a, NULL, 0, NULL);
    free(buf);
    return st;
}

tdm_Status tdm_exec(tdm_Runtime *rt, tdm_LangId lang, const char *code,
                    const char *chunkname)
{
    if (code == NULL) {
        return bad_arg(rt, "tdm_exec: code is NULL");
    }
    return exec_code(rt, lang, tdm_str(code), chunkname);
}

tdm_Status tdm_exec_n(tdm_Runtime *rt, tdm_LangId lang, const char *code, size_t len,
                      const char *chunkname)
{
    if (code == NULL) {
        return bad_arg(rt, "tdm_exec_n: code is NULL");
    }
    return exec_code(rt, lang, tdm_lstr(code, len), chunkname);
}

tdm_Status tdm_eval(tdm_Runtime *rt, tdm_LangId lang, const char *expr, tdm_Value *out)
{
    if (expr == NULL || out == NULL) {
        return bad_arg(rt, "tdm_eval: expr or out is NULL");
    }
    char *buf;
    tdm_Value a[2] = {tdm_str(expr), tdm_str(chunk_name(lang, "<embed>", &buf))};
    int n = 0;
    *out = tdm_nil();
    tdm_Status st = host_call(rt, lang, TDM_OP_EVAL, 2, a, out, 1, &n);
    free(buf);
    return st;
}

tdm_Status tdm_get_global(tdm_Runtime *rt, tdm_LangId lang, const char *name,
                          tdm_Value *out)
{
    if (name == NULL || out == NULL) {
        return bad_arg(rt, "tdm_get_global: name or out is NULL");
    }
    tdm_Value a = tdm_str(name);
    int n = 0;
    *out = tdm_nil();
    return host_call(rt, lang, TDM_OP_GLOBAL, 1, &a, out, 1, &n);
}

tdm_Status tdm_find_global(tdm_Runtime *rt, tdm_LangId lang, const char *name,
                           tdm_Value *out)
{
    if (name == NULL || out == NULL) {
        return bad_arg(rt, "tdm_find_global: name or out is NULL");
    }
    tdm_Value a = tdm_str(name);
    int n = 0;
    *out = tdm_nil();
    tdm_Status st = host_call(rt, lang, TDM_OP_GLOBAL, 1, &a, out, 1, &n);
    /* Python gives no result for a name it does not have (a None global is
       one result); Lua, a nil global's nil */
    if (st == TDM_OK && (n == 0 || (lang == TDM_LANG_LUA && out->kind == TDM_NIL))) {
        return TDM_ERRMISSING;
    }
    return st;
}

tdm_Status tdm_set_global(tdm_Runtime *rt, tdm_LangId lang, const char *name,
                          const tdm_Value *v)
{
    if (name == NULL || v == NULL) {
        return bad_arg(rt, "tdm_set_global: name or value is NULL");
    }
    tdm_Value a[2] = {tdm_str(name), *v};
    return host_call(rt, lang, TDM_OP_SETGLOBAL, 2, a, NULL, 0, NULL);
}

tdm_Status tdm_call(tdm_Runtime *rt, const tdm_Value *fn, int nargs,
                    const tdm_Value *args, tdm_Value *res, int maxres, int *nres)
{
    if (rt == NULL) {
        return TDM_ERRARG;
    }
    if (nargs < 0 || nargs > MAX_ARGS || (nargs > 0 && args == NULL)) {
        return bad_arg(rt, "tdm_call: bad argument count or NULL arguments");
    }
    if (fn == NULL || fn->kind != TDM_OBJ) {
        return api_error(rt, TDM_ERRTYPE, "tdm_call: the callee is not an object");
    }
    tdm_Value stackbuf[8];
    tdm_Value *all = nargs + 1 <= 8 ? stackbuf : malloc((size_t)(nargs + 1) * sizeof *all);
    if (all == NULL) {
        return api_error(rt, TDM_ERRMEM, "tdm_call: not enough memory");
    }
    all[0] = *fn;
    for (int i = 0; i < nargs; i++) {
        all[i + 1] = args[i];
    }
    tdm_Status st = host_call(rt, (tdm_LangId)fn->lang, TDM_OP_CALL, nargs + 1, all,
                              res, maxres, nres);
    if (all != stackbuf) {
        free(all);
    }
    return st;
}

/* An object operation on obj (its language's), obj and the operands borrowed. */
static tdm_Status obj_op(tdm_Runtime *rt, const char *fname, int op, const tdm_Value *obj,
                         const tdm_Value *a1, const tdm_Value *a2, tdm_Value *out)
{
    char msg[96];
    if (rt == NULL) {
        return TDM_ERRARG;
    }
    if (out != NULL) {
        *out = tdm_nil();
    }
    if (obj == NULL || a1 == NULL || (op == TDM_OP_SETITEM ? a2 == NULL : out == NULL)) {
        snprintf(msg, sizeof msg, "%s: a NULL argument", fname);
        return bad_arg(rt, msg);
    }
    if (obj->kind != TDM_OBJ) {
        snprintf(msg, sizeof msg, "%s: not an object (a %s)", fname, tdmV_kind_name(obj->kind));
        return api_error(rt, TDM_ERRTYPE, msg);
    }
    tdm_Value a[3] = {*obj, *a1, a2 != NULL ? *a2 : tdm_nil()};
    int n = 0;
    return host_call(rt, (tdm_LangId)obj->lang, op, op == TDM_OP_SETITEM ? 3 : 2, a, out,
                     out != NULL ? 1 : 0, &n);
}

tdm_Status tdm_get(tdm_Runtime *rt, const tdm_Value *obj, const tdm_Value *key, tdm_Value *out)
{
    return obj_op(rt, "tdm_get", TDM_OP_GETITEM, obj, key, NULL, out);
}

tdm_Status tdm_set(tdm_Runtime *rt, const tdm_Value *obj, const tdm_Value *key,
                   const tdm_Value *v)
{
    return obj_op(rt, "tdm_set", TDM_OP_SETITEM, obj, key, v, NULL);
}

tdm_Status tdm_new_table(tdm_Runtime *rt, tdm_LangId lang, tdm_Value *out)
{
    if (out == NULL) {
        return bad_arg(rt, "tdm_new_table: out is NULL");
    }
    int n = 0;
    *out = tdm_nil();
    return host_call(rt, lang, TDM_OP_NEWTABLE, 0, NULL, out, 1, &n);
}

tdm_Status tdm_coroutine(tdm_Runtime *rt, const tdm_Value *fn, tdm_Value *out)
{
    if (out != NULL) {
        *out = tdm_nil();
    }
    if (fn == NULL || out == NULL) {
        return bad_arg(rt, "tdm_coroutine: fn or out is NULL");
    }
    if (fn->kind != TDM_OBJ || fn->lang != TDM_LANG_LUA) {
        return api_error(rt, TDM_ERRTYPE, "tdm_coroutine: fn is not a Lua function");
    }
    int n = 0;
    return host_call(rt, TDM_LANG_LUA, TDM_OP_COROUTINE, 1, fn, out, 1, &n);
}

tdm_Status tdm_resume(tdm_Runtime *rt, const tdm_Value *co, int nargs, const tdm_Value *args,
                      tdm_Value *res, int maxres, int *nres)
{
    if (nres != NULL) {
        *nres = 0;
    }
    if (rt == NULL) {
        return TDM_ERRARG;
    }
    if (nargs < 0 || nargs > MAX_ARGS || (nargs > 0 && args == NULL)) {
        return bad_arg(rt, "tdm_resume: bad argument count or NULL arguments");
    }
    if (co == NULL || co->kind != TDM_OBJ) {
        return api_error(rt, TDM_ERRTYPE, "tdm_resume: not a coroutine (not an object)");
    }
    tdm_Value stackbuf[8];
    tdm_Value *all = nargs + 1 <= 8 ? stackbuf : malloc((size_t)(nargs + 1) * sizeof *all);
    if (all == NULL) {
        return api_error(rt, TDM_ERRMEM, "tdm_resume: not enough memory");
    }
    all[0] = *co;
    for (int i = 0; i < nargs; i++) {
        all[i + 1] = args[i];
    }
    tdmE_Call c = {(tdm_LangId)co->lang, TDM_OP_RESUME, 0, nargs + 1, all, res, maxres, 0, 0};
    tdm_Status st = host_run(rt, &c);
    if (all != stackbuf) {
        free(all);
    }
    if (nres != NULL) {
        *nres = c.nres;
    }
    if (st == TDM_OK && c.sub == TDM_RESUME_YIELDED) {
        return TDM_ERRYIELD;
    }
    return st;
}

/* tdm_translate: Python's tandem._tandem._lua_translate(fn) called through
   frames (import, attribute, call), for both directions: a Python function
   becomes a Lua function (the front end lives in Python, the back end in
   Lua, and they meet through the core, TDM_OP_LOADIR), a Lua function a
   Python function (the Lua front end is reached through TDM_OP_SOURCEIR,
   the back end is tandem._luaback), as LuaRuntime.translate and
   python.translate do, whose caches this shares. */
tdm_Status tdm_translate(tdm_Runtime *rt, const tdm_Value *fn, tdm_Value *out)
{
    if (rt == NULL) {
        return TDM_ERRARG;
    }
    if (out != NULL) {
        *out = tdm_nil();
    }
    if (fn == NULL || out == NULL) {
        return bad_arg(rt, "tdm_translate: fn or out is NULL");
    }
    if (fn->kind != TDM_OBJ || (fn->lang != TDM_LANG_PYTHON && fn->lang != TDM_LANG_LUA)) {
        return api_error(rt, TDM_ERRTYPE,
                         "tdm_translate: fn is not a Python or Lua object");
    }
    /* the translation lives in the other language */
    tdm_LangId want = fn->lang == TDM_LANG_PYTHON ? TDM_LANG_LUA : TDM_LANG_PYTHON;
    tdm_Value a[2] = {tdm_str("tandem._tandem"), tdm_str("_lua_translate")};
    tdm_Value mod, tr;
    int n = 0;
    tdm_Status st = host_call(rt, TDM_LANG_PYTHON, TDM_OP_IMPORT, 1, a, &mod, 1, &n);
    if (st != TDM_OK) {
        return st;
    }
    a[0] = mod;
    st = host_call(rt, TDM_LANG_PYTHON, TDM_OP_GETATTR, 2, a, &tr, 1, &n);
    tdm_release(rt, &mod);
    if (st != TDM_OK) {
        return st;
    }
    tdm_Value call[2] = {tr, *fn};
    st = host_call(rt, TDM_LANG_PYTHON, TDM_OP_CALL, 2, call, out, 1, &n);
    tdm_release(rt, &tr);
    if (st == TDM_OK && (n != 1 || out->kind != TDM_OBJ || out->lang != want)) {
        tdm_release(rt, out);       /* not what the front end promises */
        *out = tdm_nil();
        return api_error(rt, TDM_ERRTYPE, want == TDM_LANG_LUA
                         ? "tdm_translate: the translation is not a Lua function"
                         : "tdm_translate: the translation is not a Python function");
    }
    return st;
}

void tdm_release(tdm_Runtime *rt, tdm_Value *v)
{
    if (v == NULL) {
        return;
    }
    if (rt != NULL && v->kind == TDM_OBJ && tdmR_enter(rt) == TDM_OK) {
        int closed = rt->closed;
        if (closed) {
            /* its language is gone with the runtime: nothing left to drop
               (a Python object keeps the reference the host held) */
            closed_error(rt);
            *v = tdm_nil();
        }
        tdmR_unlock(rt);
        if (closed) {
            return;
        }
    }
    const tdmR_Lang *l = rt != NULL && v->kind == TDM_OBJ && (v->flags & TDM_VF_OWNED)
                                && v->lang < TDM_NLANG ? rt->lang[v->lang] : NULL;
    if (l != NULL && l->valid != NULL && tdmR_enter(rt) == TDM_OK) {
        /* a handle of another runtime (or one released already) names some
           other object here: leave it alone rather than drop that one */
        int ok = valid_value(rt, v);
        if (ok) {
            tdmV_release(rt, v);
        }
        tdmR_unlock(rt);
        if (!ok) {
            *v = tdm_nil();
        }
        return;
    }
    tdmV_release(rt, v);
}

const char *tdm_errmsg(tdm_Runtime *rt)
{
    if (rt == NULL) {
        return open_error;
    }
    tdmE_Last *l = my_errors > 0 ? last_rec(rt, 0) : NULL;
    return l != NULL && l->e.message != NULL ? l->e.message : "";
}

const char *tdm_traceback(tdm_Runtime *rt)
{
    tdmE_Last *l = rt != NULL && my_errors > 0 ? last_rec(rt, 0) : NULL;
    return l != NULL && l->e.tbtext != NULL ? l->e.tbtext : "";
}

/* ---- interrupts ---------------------------------------------------------- */

/* Any thread, without the runtime lock (the thread running the code holds
   it): the Lua adapter's watchdog sets the hook that raises "interrupted"
   (adapters/lua/lwatch.c, as LuaRuntime.interrupt()). The interrupt stays
   pending until the host's outermost call ends (host_run drops it, only
   after a tdm_interrupt: rt->intr_asked). */
int tdm_interrupt(tdm_Runtime *rt)
{
    if (rt == NULL || __atomic_load_n(&rt->closed, __ATOMIC_ACQUIRE)) {
        return 0;
    }
    /* first: a call ending from now on drops what the control sets (one that
       ended already is seen by tdmL_interrupt, which then takes it back) */
    __atomic_store_n(&rt->intr_asked, 1, __ATOMIC_SEQ_CST);
    return tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_INTERRUPT, 0) == 1;
}

/* ---- budgets ------------------------------------------------------------ */

tdm_Status tdm_set_budget(tdm_Runtime *rt, int64_t max_instructions, double timeout)
{
    if (rt == NULL) {
        return TDM_ERRARG;
    }
    if (max_instructions < 0 || !(timeout >= 0)) {
        return bad_arg(rt, "tdm_set_budget: negative max_instructions or timeout");
    }
    tdm_Policy p;
    tdm_policy_init(&p);
    p.max_instructions = max_instructions;
    p.timeout = timeout;
    if (tdmR_control(rt, TDM_LANG_LUA, TDM_CTL_BUDGET, (long long)(uintptr_t)&p) != 0) {
        return api_error(rt, TDM_ERRCLOSED, "tdm_set_budget: the runtime is closed");
    }
    return TDM_OK;
}
