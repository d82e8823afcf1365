/* lfront_check FILE... — luac -p with the front end: prints "ok" or the error
   per file (used by tests/lua_front_corpus.sh). With -t LINE LAST: the IR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"
#include "lfront.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) { cap *= 2; b = realloc(b, cap); }
    }
    fclose(f);
    *n = len;
    return b;
}

int main(int argc, char **argv)
{
    int i = 1, line = -1, last = -1, validate = 0;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) { validate = 1; i = 2; }
    if (argc > 3 && strcmp(argv[1], "-t") == 0) { line = atoi(argv[2]); last = atoi(argv[3]); i = 4; }
    int rc = 0;
    for (; i < argc; i++) {
        size_t n = 0;
        char *src = slurp(argv[i], &n);
        if (!src) { printf("%s: cannot read\n", argv[i]); rc = 1; continue; }
        size_t skip = 0;                       /* luaL_loadfile skips a first '#' line */
        if (n && src[0] == '#') { while (skip < n && src[skip] != '\n') skip++; }
        char name[1024], err[512];
        snprintf(name, sizeof name, "@%s", argv[i]);
        if (line >= 0) {
            char *out; size_t ol;
            if (tdmLF_translate(src + skip, n - skip, name, line, last, &out, &ol, err, sizeof err) == 0) {
                fwrite(out, 1, ol, stdout); free(out);
            } else { printf("%s\n", err); rc = 1; }
        } else if (validate) {           /* the main chunk's IR through tdmX_load */
            char *out; size_t ol;
            tdmX_Module *m = NULL;
            if (tdmLF_translate(src + skip, n - skip, name, 0, 0, &out, &ol, err, sizeof err) != 0) {
                printf("%s\n", err); rc = 1;
            } else {
                if (tdmX_load(out, ol, &m, err, sizeof err) != TDM_OK) { printf("invalid IR: %s\n", err); rc = 1; }
                else printf("ok\n");
                tdmX_free(m);
                free(out);
            }
        } else if (tdmLF_check(src + skip, n - skip, name, err, sizeof err) == 0) {
            printf("ok\n");
        } else {
            printf("%s\n", err); rc = 1;
        }
        free(src);
    }
    return rc;
}
