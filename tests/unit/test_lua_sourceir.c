/*
 * test_lua_sourceir.c — TDM_OP_SOURCEIR on Lua functions (adapters/lua/
 * lsourceir.c): the IR of a loaded function found from debug.getinfo, the
 * upvalue accessor sharing (not copying) upvalues, and the refusals (C
 * function, stripped source, an _ENV that is not the global table, a file
 * that is gone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime.h"
#include "value.h"
#include "boot.h"
#include "check.h"

static tdm_Runtime *rt;

/* One frame of op on Lua with args; results copied into res (owned). */
static int run(int op, tdm_Value *args, int nargs, tdm_Value *res, int maxres)
{
    tdmS_Frame f;
    tdmS_init(&f, rt, rt->lang[TDM_LANG_LUA], op, TDM_LANG_NONE);
    for (int i = 0; i < nargs; i++) f.args[i] = args[i];
    f.nargs = nargs;
    f.owning = 0;
    int n = -1;
    if (tdmS_call(&f) == TDM_OK) {
        n = f.nres;
        for (int i = 0; i < n && i < maxres; i++) { res[i] = f.res[i]; f.res[i] = tdm_nil(); }
        for (int i = maxres; i < n; i++) tdmV_release(rt, &f.res[i]);
    } else if (f.err.message) {
        fprintf(stderr, "run: %s\n", f.err.message);
    }
    tdmS_end(&f);
    tdmS_clear_error(rt, &f.err);
    return n;
}

static int eval(const char *code, tdm_Value *res, int maxres)
{
    tdm_Value a = tdm_lstr(code, strlen(code));
    return run(TDM_OP_EVAL, &a, 1, res, maxres);
}

static const char *str_of(const tdm_Value *v, char *buf, size_t bsz)
{
    if (v->kind != TDM_STR) { snprintf(buf, bsz, "<kind %d>", v->kind); return buf; }
    snprintf(buf, bsz, "%.*s", (int)v->u.s.n, v->u.s.p);
    return buf;
}

static void test_loaded(void)
{
    tdm_Value fn[1], r[2], v[1];
    char b[4096];
    CHECK_EQ_INT(eval("(load('local a, b = 10, 20\\nK = function(x)\\n  b = b + x\\n"
                      "  return a + b + y\\nend\\nG = function() return b end\\nreturn K', "
                      "'=chunk'))()", fn, 1), 1);
    /* '=chunk' keeps no source in Lua: the text tandem's load recorded
       (lsrcrec.c) is found */
    CHECK_EQ_INT(run(TDM_OP_SOURCEIR, fn, 1, r, 2), 2);
    CHECK_CONTAINS(str_of(&r[0], b, sizeof b),
                   "(module \"chunk\" (lang lua) (func anon_2 2 (params x)");
    tdmV_release(rt, &r[0]);
    tdmV_release(rt, &r[1]);
    tdmV_release(rt, &fn[0]);
    /* a stripped binary chunk ("=?"): a text tandem never saw, refused with
       the position */
    CHECK_EQ_INT(eval("load(string.dump(function(x)\n return x end, true), '=bin', 'b')",
                      fn, 1), 1);
    CHECK_EQ_INT(run(TDM_OP_SOURCEIR, fn, 1, r, 2), 2);
    CHECK(r[0].kind == TDM_NIL);
    CHECK_CONTAINS(str_of(&r[1], b, sizeof b), "source not available (chunk name '=?')");
    tdmV_release(rt, &r[1]);
    tdmV_release(rt, &fn[0]);

    CHECK_EQ_INT(eval("(load('local a, b = 10, 20\\nK = function(x)\\n  b = b + x\\n"
                      "  return a + b + y\\nend\\nG = function() return b end\\nreturn K'))()",
                      fn, 1), 1);
    CHECK_EQ_INT(run(TDM_OP_SOURCEIR, fn, 1, r, 2), 2);
    CHECK_CONTAINS(str_of(&r[0], b, sizeof b),
                   "(module \"[string \\\"local a, b = 10, 20...\\\"]\" (lang lua) (func anon_2 2 "
                   "(params x) (defaults) (vars x) (cells) (free b a) (globals y) (flags)");
    tdmV_release(rt, &r[0]);
    /* uv(1) is b (first used), uv(2) is a */
    tdm_Value a1[2] = {tdm_int(1)};
    CHECK_EQ_INT(run(TDM_OP_CALL, (tdm_Value[]){r[1], tdm_int(1)}, 2, v, 1), 1);
    CHECK(v[0].kind == TDM_INT && v[0].u.i == 20);
    CHECK_EQ_INT(run(TDM_OP_CALL, (tdm_Value[]){r[1], tdm_int(2)}, 2, v, 1), 1);
    CHECK(v[0].kind == TDM_INT && v[0].u.i == 10);
    /* writing through the accessor is seen by a sibling closure in Lua */
    CHECK_EQ_INT(run(TDM_OP_CALL, (tdm_Value[]){r[1], tdm_int(1), tdm_int(99)}, 3, v, 1), 0);
    CHECK_EQ_INT(eval("G()", v, 1), 1);
    CHECK(v[0].kind == TDM_INT && v[0].u.i == 99);
    (void)a1;
    /* out of range: an error, not a crash */
    CHECK_EQ_INT(run(TDM_OP_CALL, (tdm_Value[]){r[1], tdm_int(3)}, 2, v, 1), -1);
    tdmV_release(rt, &r[1]);
    tdmV_release(rt, &fn[0]);
}

static void test_refusals(void)
{
    tdm_Value fn[1], r[2];
    char b[1024];
    CHECK_EQ_INT(eval("print", fn, 1), 1);
    CHECK_EQ_INT(run(TDM_OP_SOURCEIR, fn, 1, r, 2), 2);
    CHECK(r[0].kind == TDM_NIL);
    CHECK_STR(str_of(&r[1], b, sizeof b), "[C]:?: a C function has no Lua source");
    tdmV_release(rt, &r[1]);
    tdmV_release(rt, &fn[0]);

    /* the chunk's _ENV as a value: translated, when it is the global table */
    CHECK_EQ_INT(eval("load('return function() return _ENV end')()", fn, 1), 1);
    CHECK_EQ_INT(run(TDM_OP_SOURCEIR, fn, 1, r, 2), 2);
    CHECK_CONTAINS(str_of(&r[0], b, sizeof b), "(free) (globals) (flags) (block (return 1 (env)))");
    tdmV_release(rt, &r[0]);
    tdmV_release(rt, &r[1]);
    tdmV_release(rt, &fn[0]);
    /* loaded with an environment: the chunk's _ENV is a variable, its
       globals fields of the upvalue (before: refused; first: the global
       table read instead) */
    CHECK_EQ_INT(eval("load('return function() return x end', '=envd', 't', {x = 1})()", fn, 1), 1);
    CHECK_EQ_INT(run(TDM_OP_SOURCEIR, fn, 1, r, 2), 2);
    CHECK_CONTAINS(str_of(&r[0], b, sizeof b),
                   "(free _ENV) (globals) (flags) (block (return 1 (index (free _ENV) (str \"x\"))))");
    tdmV_release(rt, &r[0]);
    tdmV_release(rt, &r[1]);
    tdmV_release(rt, &fn[0]);
    /* an upvalue local _ENV is the IR's (free _ENV), read through the accessor */
    CHECK_EQ_INT(eval("load('local y = 2\\nlocal _ENV = {x = 5}\\nreturn function() "
                      "return x + y end', '=lenv')()", fn, 1), 1);
    CHECK_EQ_INT(run(TDM_OP_SOURCEIR, fn, 1, r, 2), 2);
    /* (not the global table: the chunk's _ENV is a variable too, _ENV__2 the
       local's IR name; the accessor maps it by its Lua name) */
    CHECK_CONTAINS(str_of(&r[0], b, sizeof b), "(free _ENV__2 y) (globals)");
    tdmV_release(rt, &r[0]);
    {
        tdm_Value v[1];
        CHECK_EQ_INT(run(TDM_OP_CALL, (tdm_Value[]){r[1], tdm_int(1)}, 2, v, 1), 1);
        CHECK(v[0].kind == TDM_OBJ);
        tdmV_release(rt, &v[0]);
        CHECK_EQ_INT(run(TDM_OP_CALL, (tdm_Value[]){r[1], tdm_int(2)}, 2, v, 1), 1);
        CHECK(v[0].kind == TDM_INT && v[0].u.i == 2);
    }
    tdmV_release(rt, &r[1]);
    tdmV_release(rt, &fn[0]);

    /* a file: read again at translation time; gone -> refused */
    const char *path = "/tmp/tdm_sourceir_test.lua";
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (!fp) return;
    fputs("#!/usr/bin/lua\nlocal function fib(n)\n  if n < 2 then return n end\n"
          "  return fib(n - 1) + fib(n - 2)\nend\nreturn fib\n", fp);
    fclose(fp);
    CHECK_EQ_INT(eval("dofile('/tmp/tdm_sourceir_test.lua')", fn, 1), 1);
    CHECK_EQ_INT(run(TDM_OP_SOURCEIR, fn, 1, r, 2), 2);
    CHECK_CONTAINS(str_of(&r[0], b, sizeof b), "(func fib 2 (params n) (defaults) (vars n) (cells) (free fib)");
    tdmV_release(rt, &r[0]);
    tdmV_release(rt, &r[1]);
    remove(path);
    CHECK_EQ_INT(run(TDM_OP_SOURCEIR, fn, 1, r, 2), 2);
    CHECK(r[0].kind == TDM_NIL);
    CHECK_STR(str_of(&r[1], b, sizeof b), "/tmp/tdm_sourceir_test.lua:2: cannot read the source file");
    tdmV_release(rt, &r[1]);
    tdmV_release(rt, &fn[0]);
}

int main(void)
{
    rt = tdmR_new();
    tdmS_Error err = {0};
    tdmR_OpenOptions o = {0, 1};
    if (tdmR_open_lang(rt, TDM_LANG_LUA, &o, &err) != TDM_OK) {
        fprintf(stderr, "cannot open Lua: %s\n", err.message ? err.message : "?");
        return 1;
    }
    tdmR_lock(rt);
    test_loaded();
    test_refusals();
    tdmR_close_lang(rt, TDM_LANG_LUA);      /* shut down as tdm_close does */
    tdmR_close(rt);
    tdmR_detach(rt, TDM_LANG_LUA);
    tdmR_unlock(rt);
    tdmR_decref(rt);
    return check_summary();
}
