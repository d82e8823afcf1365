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
    /* selection by lines and signature: a function on line 1, the input's
       first line read as the signature too (any bytes) */
    char sig[64];
    size_t k = 0;
    while (k < size && k < sizeof sig - 1 && data[k] != '\n' && data[k] != 0) {
        sig[k] = (char)data[k];
        k++;
    }
    sig[k] = 0;
    out = NULL;
    if (tdmLF_translate_sig((const char *)data, size, "=fuzz", 1, 1, sig, &out, &n, err,
                            sizeof err) == 0)
        free(out);
    return 0;
}
