/* fuzz_sandbox.c — libFuzzer target: the sandbox's Lua surface.
 *
 * Each input byte picks a fragment of a small grammar of Lua (loops,
 * recursion, metatables, coroutines, string bombs, patterns, load, pcall,
 * goto, the escape routes the hostile suite names), glued into a chunk run
 * in a sandboxed runtime with a tiny budget (20 000 instructions, 1 MiB of
 * memory, 256 KiB strings, 0.2 s: the bombs' cost is the memory they touch
 * under ASan, so the caps are small enough to hit quickly and still far
 * above what the harmless fragments need; 4 MiB / 1 MiB ran 1.4 times
 * slower, docs/reliability.md). Every run must end in TDM_OK or a clean error (run, syntax,
 * memory, timeout), the runtime must then still evaluate 1 + 1, and no
 * forbidden library may have appeared. Anything else (another status, a
 * crash, a hang past libFuzzer's -timeout) is a finding. A fresh runtime every
 * 256 inputs keeps one input's globals from steering the next ones too long. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem.h"

static tdm_Runtime *rt;
static unsigned runs;

static const char *const frag[] = {
    "while true do end ",
    "repeat until false ",
    "for i = 1, 1e9 do end ",
    "local function f(n) return f(n + 1) + 1 end f(1) ",
    "local t = setmetatable({}, {__index = function(t, k) return t[k] end}) local _ = t.x ",
    "local s = 'x' for i = 1, 40 do s = s .. s end ",
    "local s = string.rep('ab', 1e9) ",
    "local s = ('a'):rep(1e5) string.find(s, ('a*'):rep(20) .. 'b') ",
    "string.gsub(('a'):rep(100), '.', function() while true do end end) ",
    "table.sort({3, 1, 2, 5, 4}, function(a, b) while true do end end) ",
    "local co = coroutine.wrap(function() while true do coroutine.yield() end end) co() co() ",
    "local co = coroutine.create(function() error('x') end) coroutine.resume(co) ",
    "pcall(function() while true do end end) ",
    "xpcall(function() while true do end end, function() while true do end end) ",
    "local ok = pcall(error, setmetatable({}, {__tostring = function() while true do end end})) ",
    "local t = {} for i = 1, 1e7 do t[i] = i end ",
    "local f = load('return 1 + 1') local x = f and f() ",
    "load(string.char(27) .. 'LuaT') ",
    "load(function() return nil end) ",
    "setmetatable({}, {__gc = function() end}) ",
    "getmetatable('').__index = nil ",
    "rawset(string, 'rep', nil) ",
    "collectgarbage('stop') ",
    "collectgarbage('count') ",
    "local x = io or debug or python or require or package or dofile ",
    "os.execute('true') ",
    "local d = os.date('*t') ",
    "string.format('%99999d', 1) ",
    "table.concat(setmetatable({}, {__index = function() return 'x' end}), '', 1, 1e8) ",
    "table.unpack({}, 1, 1e7) ",
    "utf8.char(0x10FFFF, 0x7FFFFFFF) ",
    "do local t <close> = setmetatable({}, {__close = function() while true do end end}) end ",
    "goto done ::done:: ",
    "local a = {} a[a] = a ",
    "error(setmetatable({}, {__index = function() while true do end end})) ",
    "(function(...) return select('#', ...) end)(table.unpack({1, 2, 3})) ",
    "local s = tostring(1/0) .. tostring(-0.0) .. math.maxinteger // -1 ",
    "local x = 1 // 0 ",
    "string.rep('', 1e10) ",
    "local m = string.match(('x'):rep(1000), '(.-)%1') ",
    "return ",
    "end ",
    "( ",
    "local ",
    "function ",
    "x = ",
    "1 + ",
    "'str' ",
    "{ ",
    "} ",
    ") ",
    "if true then ",
    "else ",
    "do ",
    "and ",
    "nil ",
    "... ",
    ":: ",
};
#define NFRAG (sizeof frag / sizeof frag[0])

static void die(const char *what, tdm_Status s, const char *code)
{
    fprintf(stderr, "fuzz_sandbox: %s: %s: %s\ncode: %s\n", what, tdm_status_name(s),
            rt ? tdm_errmsg(rt) : "", code);
    abort();
}

static void open_runtime(void)
{
    tdm_Policy p;
    tdm_policy_init(&p);
    p.max_instructions = 20000;
    p.max_memory = 1 << 20;
    p.max_string = 256 << 10;
    p.timeout = 0.2;
    if (tdm_open_sandboxed(&p, &rt) != TDM_OK) {
        fprintf(stderr, "fuzz_sandbox: cannot open: %s\n", tdm_errmsg(NULL));
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (rt == NULL || runs++ % 256 == 0) {
        if (rt != NULL) {
            tdm_free(rt);
        }
        open_runtime();
    }
    char code[8192];
    size_t n = 0;
    for (size_t i = 0; i < size && i < 64; i++) {
        const char *f = frag[data[i] % NFRAG];
        size_t l = strlen(f);
        if (n + l + 1 > sizeof code) {
            break;
        }
        memcpy(code + n, f, l);
        n += l;
    }
    code[n] = '\0';
    tdm_Status s = tdm_exec(rt, TDM_LANG_LUA, code, "fuzz.lua");
    if (s != TDM_OK && s != TDM_ERRRUN && s != TDM_ERRSYNTAX && s != TDM_ERRMEM
        && s != TDM_ERRTIMEOUT) {
        die("unexpected status", s, code);
    }
    tdm_Value v;
    s = tdm_eval(rt, TDM_LANG_LUA, "1 + 1", &v);
    if (s != TDM_OK || v.kind != TDM_INT || v.u.i != 2) {
        die("runtime unusable after the chunk", s, code);
    }
    /* rawget: a script may have set an __index on _G; no library may be
       reachable however the globals were changed */
    s = tdm_eval(rt, TDM_LANG_LUA, "rawget(_G, 'io') == nil and rawget(_G, 'debug') == nil "
                                   "and rawget(_G, 'python') == nil and rawget(_G, 'package') == nil "
                                   "and rawget(string, 'dump') == nil", &v);
    if (s == TDM_OK && !(v.kind == TDM_BOOL && v.u.b)) {
        die("a forbidden library appeared", s, code);
    }
    return 0;
}
