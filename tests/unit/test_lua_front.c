/*
 * test_lua_front.c — the Lua 5.4 front end (adapters/lua/front): tokens,
 * statements and expressions in the IR, scope renaming, cells, function
 * selection by line, and syntax errors in luac 5.4's wording (the messages
 * below are what `luac5.4 -p` prints for the same source).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ir.h"
#include "lfront.h"

static char out_buf[65536];

/* IR of the function at line/last of src ("" and the message in out_buf on error). */
static const char *ir(const char *src, int line, int last)
{
    char err[512], *out = NULL;
    size_t n;
    if (tdmLF_translate(src, strlen(src), "@t.lua", line, last, &out, &n, err, sizeof err) != 0) {
        snprintf(out_buf, sizeof out_buf, "ERR %s", err);
        return out_buf;
    }
    /* every IR the front end writes passes the core's validator */
    tdmX_Module *m = NULL;
    char verr[512];
    if (tdmX_load(out, n, &m, verr, sizeof verr) != TDM_OK) {
        snprintf(out_buf, sizeof out_buf, "INVALID %s: %s", verr, out);
    } else {
        CHECK(m->lua == 1 && m->nfuncs == 1);
        snprintf(out_buf, sizeof out_buf, "%s", out);
    }
    tdmX_free(m);
    free(out);
    return out_buf;
}
static const char *err(const char *src)
{
    static char e[512];
    if (tdmLF_check(src, strlen(src), "@t.lua", e, sizeof e) == 0) return "ok";
    return e;
}
#define HAS(src, line, last, piece) \
    CHECK_CONTAINS(ir(src, line, last), piece)
#define ERR(src, msg) CHECK_STR(err(src), msg)

static void test_tokens(void)
{
    HAS("return 1, 0x10, 0xffffffffffffffff, 9223372036854775807", 0, 0,
        "(return 1 (int 1) (int 16) (int -1) (int 9223372036854775807))");
    HAS("return 9223372036854775808", 0, 0, "(float 9.2233720368547758e+18)");
    HAS("return 1.5, .5, 3., 1e2, 0x1p4, 0x.8, 1e999", 0, 0,
        "(float 1.5) (float 0.5) (float 3.0) (float 100.0) (float 16.0) (float 0.5) (float inf)");
    HAS("return 'a\\tb\\\\\\\"\\'', \"\\65\\066\\x41\\u{48}\\u{20AC}\"", 0, 0,
        "(str \"a\\tb\\\\\\\"'\") (str \"ABAH\\xE2\\x82\\xAC\")");
    HAS("return 'a\\z   \n  b', '\\a\\b\\f\\v\\r\\n', '\\\n'", 0, 0,
        "(str \"ab\") (str \"\\x07\\x08\\x0C\\x0B\\r\\n\") (str \"\\n\")");
    HAS("return [[\nx]], [==[a]]b]==], --[[ c ]] 1 --[=[\n]=]", 0, 0,
        "(str \"x\") (str \"a]]b\") (int 1)");
    HAS("return a // b, a ~= b, a << 1, a >> 1, a ~ b, ~a, #a, a .. b, a <= b, a >= b, a == b", 0, 0,
        "(lbin idiv (global a) (global b)) (lbin ne (global a) (global b)) "
        "(lbin shl (global a) (int 1)) (lbin shr (global a) (int 1)) (lbin bxor (global a) (global b)) "
        "(lun bnot (global a)) (lun len (global a)) (lbin concat (global a) (global b)) "
        "(lbin le (global a) (global b)) (lbin ge (global a) (global b)) (lbin eq (global a) (global b))");
}

static void test_expressions(void)
{
    /* precedence and associativity */
    HAS("return 1 + 2 * 3 ^ 2 ^ 2", 0, 0,
        "(lbin add (int 1) (lbin mul (int 2) (lbin pow (int 3) (lbin pow (int 2) (int 2)))))");
    HAS("return a .. b .. c", 0, 0, "(lbin concat (global a) (lbin concat (global b) (global c)))");
    HAS("return -x ^ 2", 0, 0, "(lun unm (lbin pow (global x) (int 2)))");
    HAS("return a or b and not c", 0, 0, "(or (global a) (and (global b) (lun not (global c))))");
    HAS("return a | b & c ~ d", 0, 0, "(lbin bor (global a) (lbin bxor (lbin band (global b) (global c)) (global d)))");
    HAS("return 1 < 2 == true", 0, 0, "(lbin eq (lbin lt (int 1) (int 2)) (true))");
    HAS("return nil, false, ...", 0, 0, "(return 1 (nil) (false) (vararg))");
    HAS("return (f()), (...)", 0, 0, "(paren (call (global f))) (paren (vararg))");
    HAS("return {1, x = 2, [3] = 4; f()}", 0, 0,
        "(table (pos (int 1)) (field (str \"x\") (int 2)) (field (int 3) (int 4)) (pos (call (global f))))");
    HAS("return o:m(1), f'a', f{}, a.b[c]", 0, 0,
        "(method (global o) m (int 1)) (call (global f) (str \"a\")) (call (global f) (table)) "
        "(index (index (global a) (str \"b\")) (global c))");
    HAS("return function(a, ...) return a end", 0, 0,
        "(lambda (func anon_1 1 (params a) (defaults) (vars a) (cells) (free) (globals) (flags vararg)");
}

static void test_statements(void)
{
    HAS("local a, b <const>, c <close> = 1, 2", 0, 0, "(local 1 (a b c) (attribs _ const close) ((int 1) (int 2)))");
    HAS("a, b.c = b.c, a", 0, 0, "(set 1 ((global a) (index (global b) (str \"c\"))) ((index (global b) (str \"c\")) (global a)))");
    HAS("f(1)", 0, 0, "(expr 1 (call (global f) (int 1)))");
    HAS("do local x end", 0, 0, "(do 1 (block (local 1 (x) (attribs _) ())))");
    HAS("while x do break end", 0, 0, "(while 1 (global x) (block (break 1)))");
    HAS("repeat local y = 1 until y", 0, 0, "(repeat 1 (block (local 1 (y) (attribs _) ((int 1)))) (local y) 1)");
    HAS("repeat\nlocal y = 1\n\nuntil\ny", 0, 0, "(repeat 1 (block (local 2 (y) (attribs _) ((int 1)))) (local y) 5)");
    CHECK(strncmp(ir("repeat\nlocal y = 1\n\nuntil\ny", 0, 0), "INVALID", 7) != 0);
    HAS("if a then f() elseif b then g() else h() end", 0, 0,
        "(if 1 (global a) (block (expr 1 (call (global f)))) (block (if 1 (global b) "
        "(block (expr 1 (call (global g)))) (block (expr 1 (call (global h)))))))");
    HAS("for i = 1, 10, 2 do end for j = 1, n do end", 0, 0, "(fornum 1 i (int 1) (int 10) (int 2) (block)) (fornum 1 j (int 1) (global n) _ (block))");
    HAS("for k, v in pairs(t) do end", 0, 0, "(forin 1 (k v) ((call (global pairs) (global t))) (block))");
    HAS("goto a ::a:: ::b:: goto b", 0, 0, "(goto 1 a) (label 1 a) (label 1 b) (goto 1 b)");
    HAS("local function f() return f() end", 0, 0, "(def 1 (local f) (func f 1 (params) (defaults) (vars) (cells) (free f)");
    HAS("function a.b.c() end function g() end", 0, 0,
        "(def 1 (index (index (global a) (str \"b\")) (str \"c\")) (func a.b.c 1");
    HAS("function g() end", 0, 0, "(def 1 (global g) (func g 1");
    HAS("function a:m(x) return self end", 0, 0, "(func a.m 1 (params self x)");
    HAS("return", 0, 0, "(return 1)");
}

static void test_scopes(void)
{
    /* shadowing renames; __DIGITS names are renamed too */
    HAS("local x = 1 do local x = 2 end local x = 3 local y__2 = 4", 0, 0,
        "(vars x x__2 x__3 y__2__1)");
    HAS("for _, v in ipairs(t) do local _ = v end", 0, 0, "(vars ___1 v ___2)");
    HAS("local inf, nan = 1, 2 return inf, nan", 0, 0, "(return 1 (local inf__1) (local nan__1))");
    HAS("_ = inf + x__1 + o:nan()", 0, 0,
        "(set 1 ((global ___0)) ((lbin add (lbin add (global inf__0) (global x__1__0)) (method (global o) nan__0))))");
    /* a captured local declared in a loop is a cell; the closure's free var */
    HAS("for i = 1, 3 do local c = i fs[i] = function() return c end end", 0, 0, "(cells c)");
    HAS("for i = 1, 3 do local c = i fs[i] = function() return c end end", 0, 0, "(free c)");
    /* upvalues in debug.getupvalue order, _ENV left out; globals listed */
    const char *src = "local a, b = 1, 2\nlocal function f()\n  print(b, a)\nend";
    HAS(src, 2, 4, "(func f 2 (params) (defaults) (vars) (cells) (free b a) (globals print)");
    HAS(src, 2, 4, "(module \"t.lua\" (lang lua) (func f 2");
    /* an intermediate function carries the upvalue of a nested one */
    HAS("local u\nfunction o()\n  return function() return u end\nend", 2, 4, "(free u)");
    /* upvalues no statement of the chunk assigns are (fixed ...); the one
       holding the function itself (local function) is (self ...) */
    HAS(src, 2, 4, "(globals print) (flags) (block (expr 3 (call (global print) (free b) (free a))))) (fixed b a))");
    HAS("local a, b = 1, 2\nlocal function f()\n  return a + b\nend\nb = 3", 2, 4, ")))) (fixed a))");
    HAS("local function f(n)\n  return f(n)\nend", 1, 3, ")))) (fixed f) (self f))");
    HAS("local function f(n)\n  return f(n)\nend\nf = nil", 1, 3, "(call (free f) (local n))))))\n");
    HAS("local x\nlocal function f()\n  return function() x = 1 end\nend", 2, 4, "(block (return 3 (lambda");
    CHECK(strstr(ir("local x\nlocal function f()\n  return function() x = 1 end\nend", 2, 4), "fixed") == NULL);
    /* compile-time constants are folded away, not upvalues */
    HAS("local K <const> = -3\nfunction f() return K end", 2, 2, "(free) (globals) (flags) (block (return 2 (int -3)))");
    /* binary operators on numeric constants are folded as lcode.c's
       constfolding folds them (2 * 3, 2^53, 7 // 2 ...) */
    HAS("local K <const> = 2 * 3\nfunction f() return K end", 2, 2, "(block (return 2 (int 6)))");
    HAS("local K <const> = 2 * 3 return K", 0, 0, "(block (return 1 (int 6)))");
    HAS("local K <const> = 2^53\nfunction f() return K end", 2, 2,
        "(block (return 2 (float 9007199254740992.0)))");
    HAS("local K <const> = -7 % -4.0\nfunction f() return K end", 2, 2, "(return 2 (float -3.0))");
    /* neither a float zero nor a division by zero: a real local, as in Lua */
    HAS("local K <const> = 1 // 0 return K", 0, 0, "(local 1 (K) (attribs const) ((lbin idiv (int 1) (int 0))))");
    /* a constant Lua may fold and the front end does not (an and/or) cannot
       be mapped to upvalues: refused */
    CHECK_STR(ir("local K <const> = 1 and 2\nfunction f() return K end", 2, 2),
              "ERR t.lua:2: constant 'K' may be a compile-time constant in Lua (upvalues cannot be mapped)");
    /* a break in a while loop (the validator once read Lua's (while L e B)
       as Python's (while L e B B), its body as a loop's else block) */
    HAS("local a\nwhile true do\n  if a then break end\nend", 0, 0,
        "(while 2 (true) (block (if 3 (local a) (block (break 3)) (block))))");
    /* the chunk's _ENV as a value is (env); _ENV.x is the global x */
    HAS("function f()\n  local e = _ENV\nend", 1, 3, "(local 2 (e) (attribs _) ((env)))");
    HAS("function f()\n  _ENV.y = _ENV.x\nend", 1, 3,
        "(globals y x) (flags) (block (set 2 ((global y)) ((global x)))))");
    HAS("function _ENV.g() end", 0, 0, "(def 1 (global g)");
    HAS("return (_ENV).x, _ENV['x']", 0, 0, "(index (env) (str \"x\")) (index (env) (str \"x\"))");
    /* a local _ENV: the globals in its scope are its fields, as Lua compiles them */
    HAS("local _ENV = {}\nx = y", 0, 0, "(set 2 ((index (local _ENV) (str \"x\"))) "
        "((index (local _ENV) (str \"y\"))))");
    HAS("function f(_ENV) return x end", 1, 1, "(params _ENV)");
    HAS("function f(_ENV) return x end", 1, 1, "(return 1 (index (local _ENV) (str \"x\")))");
    /* captured: an ordinary upvalue (listed in (free); signatures skip it) */
    HAS("local _ENV = {}\nfunction f() return x end", 2, 2,
        "(free _ENV) (globals) (flags) (block (return 2 (index (free _ENV) (str \"x\")))))");
    HAS("local _ENV <const> = {}\nlocal function f() return x end", 2, 2, "(free _ENV)");
    HAS("do local _ENV = {} end\nfunction f() return x end", 2, 2, "(globals x)");
    /* a chunk assigning its _ENV: the chunk's _ENV is a variable, the upvalue
       (free _ENV) of the functions using it, not fixed; globals its fields */
    HAS("function f() return x end\nfunction g(e) _ENV = e end", 1, 1,
        "(free _ENV) (globals) (flags) (block (return 1 (index (free _ENV) (str \"x\"))))))");
    HAS("function f() return _ENV end\n_ENV = {}", 1, 1, "(return 1 (free _ENV))");
    HAS("x = 1\n_ENV = nil", 0, 0, "(set 1 ((index (free _ENV) (str \"x\"))) ((int 1)))");
    HAS("x = 1\n_ENV = nil", 0, 0, "(set 2 ((free _ENV)) ((nil)))");
    CHECK(strstr(ir("function f() return x end\n_ENV = {}", 1, 1), "(fixed") == NULL);
    HAS("function f() return x end\nlocal g = function() return _ENV end", 1, 1, "(global x)");
    HAS("function f(a) return a end\n_ENV = {}", 1, 1, "(return 1 (local a))");
    /* a function reading a local _ENV only is not affected */
    HAS("function f() local _ENV = {} return x end\n_ENV = {}", 1, 1,
        "(index (local _ENV) (str \"x\"))");
    /* a local _ENV still shadows the chunk's in that mode */
    HAS("function f() local _ENV = {} return x, _G end\n_ENV = {}", 1, 1,
        "(index (local _ENV) (str \"x\"))");
    HAS("function f() local _ENV = {} _ENV = {x = 1} return x end", 1, 1,
        "(set 1 ((local _ENV)) ((table");
    /* selection by line */
    CHECK_STR(ir("f = function() end g = function() end", 1, 1),
                 "ERR t.lua:1: several functions start at line 1 and end at line 1: cannot tell which one to translate");
    CHECK_STR(ir("x = 1", 5, 6), "ERR t.lua:5: no function starting at line 5 and ending at line 6");
    HAS("f = function()\nend g = function() end", 2, 2, "(func anon_2 2");
    /* label renaming per name */
    HAS("do goto a ::a:: end do goto a ::a:: end", 0, 0, "(goto 1 a__2) (label 1 a__2)");
}

/* IR of the function at line/last chosen by signature (tdmLF_translate_sig). */
static const char *ir_sig(const char *src, int line, const char *sig)
{
    char e[512], *out = NULL;
    size_t n;
    if (tdmLF_translate_sig(src, strlen(src), "@t.lua", line, line, sig, &out, &n, e,
                            sizeof e) != 0) {
        snprintf(out_buf, sizeof out_buf, "ERR %s", e);
        return out_buf;
    }
    snprintf(out_buf, sizeof out_buf, "%s", out);
    free(out);
    return out_buf;
}

static void test_signature(void)
{
    /* several functions on one line: parameters, vararg and upvalues pick one */
    const char *src = "local u, w\nf, g, h = function(a) return u end, function(a, b) end, "
                      "function(...) return w, u end";
    CHECK_CONTAINS(ir_sig(src, 2, "1 0 u"), "(params a) (defaults) (vars a) (cells) (free u)");
    CHECK_CONTAINS(ir_sig(src, 2, "2 0"), "(params a__2 b)");
    CHECK_CONTAINS(ir_sig(src, 2, "0 1 w u"), "(free w u)");
    /* no function with that signature; two with the same one */
    CHECK_STR(ir_sig(src, 2, "0 1 u w"),
              "ERR t.lua:2: no function starting at line 2 and ending at line 2");
    CHECK_STR(ir_sig("f, g = function() end, function() end", 1, "0 0"),
              "ERR t.lua:1: several functions start at line 1 and end at line 1: cannot tell which one to translate");
    /* an inner closure on the line of its enclosing function */
    const char *mk = "local log\nlocal function mk(n) return {f = function() log = n end} end";
    CHECK_CONTAINS(ir_sig(mk, 2, "1 0 log"), "(func mk 2 (params n)");
    CHECK_CONTAINS(ir_sig(mk, 2, "0 0 log n"), "(func anon_2 2 (params)");
    /* alike but for the place of _ENV (Lua adds it at the function's first
       global name): the full signature picks; a place of _ENV matching
       neither is "several" (the first pass, _ENV aside, found two) */
    const char *nest = "local u\nf = function() return g(function() return u end) end";
    CHECK_CONTAINS(ir_sig(nest, 2, "0 0 _ENV u"), "(func anon_2 2 (params) (defaults) (vars) "
                   "(cells) (free u) (globals g)");
    CHECK_CONTAINS(ir_sig(nest, 2, "0 0 u"), "(free u) (globals) (flags)");
    CHECK_CONTAINS(ir_sig(nest, 2, "0 0 u _ENV"), "ERR t.lua:2: several functions");
    const char *late = "local u\nf = function() return (function() return u end)(), g end";
    CHECK_CONTAINS(ir_sig(late, 2, "0 0 u _ENV"), "(globals g)");
    CHECK_CONTAINS(ir_sig(late, 2, "0 0 u"), "(globals)");
    CHECK_CONTAINS(ir_sig(late, 2, "0 0 _ENV u"), "ERR t.lua:2: several functions");
    /* a malformed signature matches nothing */
    CHECK_CONTAINS(ir_sig(mk, 2, "x"), "ERR t.lua:2: no function");
    /* the chunk's _ENV as a variable on request (a chunk loaded with an
       environment): globals are its fields, the signature skips it */
    char e[512], *out = NULL;
    size_t n;
    CHECK(tdmLF_translate_envvar("local u\nfunction f() return x, u end", 36, "@t.lua", 2, 2,
                                 "0 0 u", &out, &n, e, sizeof e) == 0);
    CHECK(out != NULL && strstr(out, "(free _ENV u)") != NULL
          && strstr(out, "(return 2 (index (free _ENV) (str \"x\")) (free u))") != NULL);
    free(out);
}

/* The Lua dialect in the validator: what it refuses. */
static void test_validator(void)
{
    static const char *const bad[] = {
        "(module \"t\" (lang python) (func f 1 (params) (defaults) (vars) (cells) (free) (globals) (flags) (block)))",
        "(module \"t\" (lang lua) (func f 1 (params) (defaults) (vars) (cells) (free) (globals) (flags) (block (break 1))))",
        "(module \"t\" (lang lua) (func f 1 (params) (defaults) (vars) (cells) (free) (globals) (flags) (block (return 1 (local x)))))",
        "(module \"t\" (lang lua) (func f 1 (params) (defaults) (vars) (cells) (free) (globals) (flags) (block (expr 1 (lbin truediv (int 1) (int 2))))))",
        "(module \"t\" (lang lua) (func f 1 (params) (defaults) (vars x) (cells) (free) (globals) (flags) (block (local 1 (x) (attribs final) ()))))",
        "(module \"t\" (lang lua) (func f 1 (params) (defaults) (vars) (cells) (free) (globals) (flags) (block (expr 1 (table (item (int 1)))))))",
        "(module \"t\" (func f 1 (params) (defaults) (vars) (cells) (free) (globals) (flags) (block (return 1 (int 1) (int 2)))))",
        "(module \"t\" (lang lua) (func f 1 (params) (defaults) (vars) (cells) (free) (globals) (flags vararg) (block (fornum 1 i (int 1) (int 2) _ (block)))))",
        "(module \"t\" (lang lua) (func f 1 (params) (defaults) (vars) (cells) (free u) (globals) (flags) (block)) (self u v))",
        "(module \"t\" (lang lua) (func f 1 (params) (defaults) (vars) (cells) (free u) (globals) (flags) (block)) (fixed (int 1)))",
        "(module \"t\" (func f 1 (params) (defaults) (vars) (cells) (free u) (globals) (flags) (block)) (fixed u))",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tdmX_Module *m = NULL;
        char e[512];
        CHECK(tdmX_load(bad[i], strlen(bad[i]), &m, e, sizeof e) != TDM_OK);
        tdmX_free(m);
    }
    const char *good = "(module \"t\" (lang lua) (func main 0 (params) (defaults) (vars i) (cells) (free) "
                       "(globals) (flags vararg) (block (fornum 1 i (int 1) (int 2) _ (block (break 1))) "
                       "(return 2 (vararg) (int 1)))))";
    tdmX_Module *m = NULL;
    char e[512] = "";
    CHECK_EQ_INT(tdmX_load(good, strlen(good), &m, e, sizeof e), TDM_OK);
    CHECK(m != NULL && m->lua && m->funcs[0].is_vararg);
    tdmX_free(m);
    const char *facts = "(module \"t\" (lang lua) (func f 1 (params) (defaults) (vars) (cells) "
                        "(free u) (globals) (flags) (block)) (fixed u) (self u))";
    m = NULL;
    CHECK_EQ_INT(tdmX_load(facts, strlen(facts), &m, e, sizeof e), TDM_OK);
    CHECK(m != NULL && m->lua && m->nfuncs == 1);
    tdmX_free(m);
}

static void test_errors(void)
{
    ERR("x = = 1", "t.lua:1: unexpected symbol near '='");
    ERR("function f()\n x = 1\n", "t.lua:3: 'end' expected (to close 'function' at line 1) near <eof>");
    ERR("x = \"abc", "t.lua:1: unfinished string near <eof>");
    ERR("x = \"abc\ny\"", "t.lua:1: unfinished string near '\"abc'");
    ERR("x = 3x", "t.lua:1: malformed number near '3x'");
    ERR("x = 0x", "t.lua:1: malformed number near '0x'");
    ERR("x = 1e+", "t.lua:1: malformed number near '1e+'");
    ERR("x = '\\q'", "t.lua:1: invalid escape sequence near ''\\q'");
    ERR("x = '\\xZZ'", "t.lua:1: hexadecimal digit expected near ''\\xZ'");
    ERR("x = '\\300'", "t.lua:1: decimal escape too large near ''\\300''");
    ERR("x = '\\u{110000000}'", "t.lua:1: UTF-8 value too large near ''\\u{110000000'");
    ERR("x = '\\u48'", "t.lua:1: missing '{' near ''\\u4'");
    ERR("x = [==[ abc", "t.lua:1: unfinished long string (starting at line 1) near <eof>");
    ERR("--[[ abc", "t.lua:1: unfinished long comment (starting at line 1) near <eof>");
    ERR("x = [=x", "t.lua:1: invalid long string delimiter near '[='");
    ERR("local a <const> = 1; a = 2", "t.lua:1: attempt to assign to const variable 'a'");
    ERR("local a <const> = f(); a = 2", "t.lua:1: attempt to assign to const variable 'a'");
    ERR("local a <foo> = 1", "t.lua:1: unknown attribute 'foo'");
    ERR("local a <close>, b <close> = 1", "t.lua:1: multiple to-be-closed variables in local list");
    ERR("goto foo", "t.lua:1: no visible label 'foo' for <goto> at line 1");
    ERR("do local x; goto l; local y; ::l:: print(1) end",
        "t.lua:1: <goto l> at line 1 jumps into the scope of local 'y'");
    ERR("::a:: ::a::", "t.lua:1: label 'a' already defined on line 1");
    ERR("break", "t.lua:1: break outside loop at line 1");
    ERR("x = ...\nfunction f() return ... end", "t.lua:2: cannot use '...' outside a vararg function near '...'");
    ERR("f() = 1", "t.lua:1: syntax error near '='");
    ERR("x", "t.lua:1: syntax error near <eof>");
    ERR("function f(a,) end", "t.lua:1: <name> or '...' expected near ')'");
    ERR("for i do end", "t.lua:1: '=' or 'in' expected near 'do'");
    ERR("f(", "t.lua:1: unexpected symbol near <eof>");
    ERR("x = {1 2}", "t.lua:1: '}' expected near '2'");
    ERR("x = \x01", "t.lua:1: unexpected symbol near '<\\1>'");
    ERR("return 1 x = 2", "t.lua:1: <eof> expected near 'x'");
    ERR("do goto c; local z = 1 ::c:: end", "ok");     /* label at block end: outside z's scope */
    ERR("#!shebang is not skipped by the parser", "t.lua:1: unexpected symbol near '#'");
}

int main(void)
{
    test_tokens();
    test_expressions();
    test_statements();
    test_scopes();
    test_signature();
    test_errors();
    test_validator();
    return check_summary();
}
