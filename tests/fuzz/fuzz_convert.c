/* fuzz_convert.c — libFuzzer target: value conversion both ways.
 *
 * The input is read as a program building a nested Lua table through the C
 * API (tdm_new_table, tdm_set: keys are integers and byte strings, values
 * nil-free scalars of every kind and nested tables, up to depth 8). Then:
 *   1. every scalar goes through a Lua and a Python identity function
 *      (C -> Lua/Python -> C) and must come back equal;
 *   2. Python copies the table into nested dicts (Lua -> Python), copies
 *      those back into Lua tables (LuaRuntime.table_from, Python -> Lua),
 *      and checks the second copy equals the first; Lua checks the new
 *      table equals the original, deeply.
 * A conversion failure, an inequality or a crash is a finding (abort). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem.h"

#define MAX_DEPTH 8
#define MAX_SCALARS 64

static tdm_Runtime *rt;
static tdm_Value lua_id, py_id, py_round, lua_deq;

static const char py_src[] =
    "import tandem\n"
    "R = tandem.host_runtime()\n"
    "def _ident(*a):\n"
    "    return a\n"
    "def _to_py(v):\n"
    "    if tandem.lua_type(v) == 'table':\n"
    "        return {_to_py(k): _to_py(x) for k, x in v.items()}\n"
    "    return v\n"
    "def _round(t):\n"
    "    d = _to_py(t)\n"
    "    t2 = R.table_from(d, recursive=True)\n"
    "    d2 = _to_py(t2)\n"
    "    if d != d2:\n"
    "        raise AssertionError('round trip changed %r into %r' % (d, d2))\n"
    "    return t2\n";

static const char lua_src[] =
    "function fz_ident(...) return ... end\n"
    "function fz_deq(a, b)\n"
    "  if type(a) ~= 'table' or type(b) ~= 'table' then\n"
    "    return a == b or (a ~= a and b ~= b)\n"
    "  end\n"
    "  for k, v in pairs(a) do if not fz_deq(v, b[k]) then return false end end\n"
    "  for k in pairs(b) do if a[k] == nil then return false end end\n"
    "  return true\n"
    "end\n";

static void die(const char *what, tdm_Status s)
{
    fprintf(stderr, "fuzz_convert: %s: %s: %s\n", what, tdm_status_name(s),
            rt ? tdm_errmsg(rt) : "");
    abort();
}

static void setup(void)
{
    tdm_Status s;
    rt = tdm_open();
    if (rt == NULL) {
        die("tdm_open", TDM_ERRRUN);
    }
    if ((s = tdm_exec(rt, TDM_LANG_LUA, lua_src, "fuzz.lua")) != TDM_OK) {
        die("lua setup", s);
    }
    if ((s = tdm_exec(rt, TDM_LANG_PYTHON, py_src, "fuzz.py")) != TDM_OK) {
        die("python setup", s);
    }
    if (tdm_get_global(rt, TDM_LANG_LUA, "fz_ident", &lua_id) != TDM_OK
        || tdm_get_global(rt, TDM_LANG_LUA, "fz_deq", &lua_deq) != TDM_OK
        || tdm_get_global(rt, TDM_LANG_PYTHON, "_ident", &py_id) != TDM_OK
        || tdm_get_global(rt, TDM_LANG_PYTHON, "_round", &py_round) != TDM_OK) {
        die("globals", TDM_ERRRUN);
    }
}

typedef struct Reader {
    const uint8_t *p;
    size_t n;
} Reader;

static int byte(Reader *r)
{
    if (r->n == 0) {
        return -1;
    }
    r->n--;
    return *r->p++;
}

static uint64_t bytes8(Reader *r)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        int b = byte(r);
        v = (v << 8) | (uint64_t)(b < 0 ? 0 : b);
    }
    return v;
}

/* A scalar from the input (never nil); strings point into the input. */
static tdm_Value scalar(Reader *r, int kind)
{
    switch (kind % 4) {
    case 0:
        return tdm_bool(byte(r) & 1);
    case 1:
        return tdm_int((int64_t)bytes8(r));
    case 2: {
        uint64_t u = bytes8(r);
        double d;
        memcpy(&d, &u, sizeof d);
        return tdm_float(isnan(d) ? 0.5 : d);
    }
    default: {
        int len = byte(r);
        len = len < 0 ? 0 : len % 48;
        if ((size_t)len > r->n) {
            len = (int)r->n;
        }
        tdm_Value v = tdm_lstr((const char *)r->p, (size_t)len);
        r->p += len;
        r->n -= (size_t)len;
        return v;
    }
    }
}

static int same_scalar(const tdm_Value *a, const tdm_Value *b)
{
    if (a->kind != b->kind) {
        /* a float with an integral value may come back as an int */
        return a->kind == TDM_FLOAT && b->kind == TDM_INT && a->u.f == (double)b->u.i;
    }
    switch (a->kind) {
    case TDM_BOOL:
        return a->u.b == b->u.b;
    case TDM_INT:
        return a->u.i == b->u.i;
    case TDM_FLOAT:
        return a->u.f == b->u.f;
    case TDM_STR:
        return a->u.s.n == b->u.s.n && memcmp(a->u.s.p, b->u.s.p, a->u.s.n) == 0;
    default:
        return 0;
    }
}

/* fn(args...) must give back args: as n results, or (Python) as one
   tuple of them. */
static void check_identity(const tdm_Value *fn, const char *who, const tdm_Value *args, int n)
{
    tdm_Value res[MAX_SCALARS];
    int nres = 0;
    tdm_Status s = tdm_call(rt, fn, n, args, res, MAX_SCALARS, &nres);
    if (s != TDM_OK) {
        die(who, s);
    }
    int packed = nres == 1 && n != 1 && res[0].kind == TDM_OBJ;
    if (packed || (nres == 1 && res[0].kind == TDM_OBJ && args[0].kind != TDM_OBJ)) {
        tdm_Value tuple = res[0];
        for (int i = 0; i < n; i++) {
            tdm_Value key = tdm_int(i), item;
            if ((s = tdm_get(rt, &tuple, &key, &item)) != TDM_OK) {
                die(who, s);
            }
            if (!same_scalar(&args[i], &item)) {
                fprintf(stderr, "%s: argument %d changed (kind %d -> %d)\n", who, i,
                        args[i].kind, item.kind);
                abort();
            }
            tdm_release(rt, &item);
        }
        tdm_release(rt, &tuple);
        return;
    }
    if (nres != n) {
        fprintf(stderr, "%s: %d results for %d arguments\n", who, nres, n);
        abort();
    }
    for (int i = 0; i < n; i++) {
        if (!same_scalar(&args[i], &res[i])) {
            fprintf(stderr, "%s: argument %d changed (kind %d -> %d)\n", who, i, args[i].kind,
                    res[i].kind);
            abort();
        }
        tdm_release(rt, &res[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (rt == NULL) {
        setup();
    }
    Reader r = {data, size};
    tdm_Value stack[MAX_DEPTH];
    tdm_Value scalars[MAX_SCALARS];
    int depth = 0, nscalars = 0, op;
    tdm_Status s;
    if ((s = tdm_new_table(rt, TDM_LANG_LUA, &stack[0])) != TDM_OK) {
        die("new table", s);
    }
    while ((op = byte(&r)) >= 0) {
        if (op % 8 == 7) {                  /* close the innermost table */
            if (depth > 0) {
                tdm_release(rt, &stack[depth--]);
            }
            continue;
        }
        /* a key: an integer (small, so arrays happen) or a string */
        int kb = byte(&r);
        tdm_Value key = (kb & 1) ? scalar(&r, 3) : tdm_int((kb < 0 ? 0 : kb) >> 1);
        if (key.kind == TDM_STR && key.u.s.n == 0) {
            key = tdm_int(0);
        }
        tdm_Value val;
        int nested = op % 8 == 6 && depth + 1 < MAX_DEPTH;
        if (nested) {
            if ((s = tdm_new_table(rt, TDM_LANG_LUA, &val)) != TDM_OK) {
                die("new table", s);
            }
        } else {
            val = scalar(&r, op % 8);
            if (nscalars < MAX_SCALARS) {
                scalars[nscalars++] = val;
            }
        }
        if ((s = tdm_set(rt, &stack[depth], &key, &val)) != TDM_OK) {
            die("tdm_set", s);
        }
        if (nested) {
            stack[++depth] = val;
        }
    }
    while (depth > 0) {
        tdm_release(rt, &stack[depth--]);
    }
    if (nscalars > 0) {
        check_identity(&lua_id, "lua identity", scalars, nscalars);
        check_identity(&py_id, "python identity", scalars, nscalars);
    }
    tdm_Value t2;
    int n = 0;
    if ((s = tdm_call(rt, &py_round, 1, &stack[0], &t2, 1, &n)) != TDM_OK || n != 1) {
        die("python round trip", s);
    }
    tdm_Value args[2] = {stack[0], t2}, eq;
    if ((s = tdm_call(rt, &lua_deq, 2, args, &eq, 1, &n)) != TDM_OK || n != 1) {
        die("lua deq", s);
    }
    if (eq.kind != TDM_BOOL || !eq.u.b) {
        fprintf(stderr, "fuzz_convert: the table came back different\n");
        abort();
    }
    tdm_release(rt, &t2);
    tdm_release(rt, &stack[0]);
    return 0;
}
