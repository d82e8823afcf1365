/* fuzz_lua_front.c — libFuzzer target: the Lua front end (lexer, parser, IR
   writer) on arbitrary bytes must return an IR or a message, never crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lfront.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512], *out = NULL;
    size_t n;
    tdmLF_check((const char *)data, size, "=fuzz", err, sizeof err);
    if (tdmLF_translate((const char *)data, size, "=fuzz", 0, 0, &out, &n, err, sizeof err) == 0)
        free(out);
    return 0;
}
