/*
 * lfront.h — the Lua 5.4 front end of the translator: lexer and
 * recursive-descent parser of the whole 5.4 grammar, writing the Lua dialect
 * of the neutral IR (docs/lua-ir.md, docs/translation.md "The Lua front end").
 * Pure C11: includes neither lua.h nor Python.h.
 */
#ifndef TDM_LFRONT_H
#define TDM_LFRONT_H

#include <stddef.h>

/* Translate the function of `src` whose `function` keyword is on line
   `linedefined` and whose `end` is on `lastline` (debug.getinfo's values);
   linedefined 0 means the main chunk (a vararg function). `chunkname` is the
   chunk's name as lua_load got it ("@file.lua", "=stdin", or the source).
   Returns 0 and *out (malloc'd IR text, NUL-ended, length in *outlen), or -1
   and a message "CHUNK:LINE: what" in err (luac's wording for syntax errors). */
int tdmLF_translate(const char *src, size_t n, const char *chunkname,
                    int linedefined, int lastline, char **out, size_t *outlen,
                    char *err, size_t errsz);

/* As tdmLF_translate, choosing among several functions on the same lines
   by `sig`, "NPARAMS VARARG UPVALUE...": the parameter count, 1 for a
   vararg function (else 0), and the Lua names of its upvalues in
   debug.getupvalue order, blank-separated (what lua_getinfo "u" and
   lua_getupvalue give). _ENV's place among them is compared only when the
   rest leaves several functions (it may be missing from sig: then only
   the rest is compared); NULL is tdmLF_translate. */
int tdmLF_translate_sig(const char *src, size_t n, const char *chunkname,
                        int linedefined, int lastline, const char *sig, char **out,
                        size_t *outlen, char *err, size_t errsz);

/* As tdmLF_translate_sig, with the chunk's _ENV a variable: an upvalue,
   (free _ENV), that every global name indexes, as Lua compiles them (for a
   function whose _ENV is not the global table: a chunk loaded with an
   environment). tdmLF_translate_sig does this by itself for a function
   reading the chunk's _ENV when the chunk assigns it. */
int tdmLF_translate_envvar(const char *src, size_t n, const char *chunkname,
                           int linedefined, int lastline, const char *sig, char **out,
                           size_t *outlen, char *err, size_t errsz);

/* Only check the syntax of a chunk (as luac -p): 0, or -1 and the message. */
int tdmLF_check(const char *src, size_t n, const char *chunkname, char *err, size_t errsz);

/* Lua's short_src of a chunk name (luaO_chunkid), into buf of size bufsz. */
void tdmLF_chunkid(char *buf, size_t bufsz, const char *chunkname);

#endif
