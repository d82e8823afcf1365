/* echeck.h — minimal checks for the embedding tests; ends with the summary line. */
#ifndef ECHECK_H
#define ECHECK_H
#include <stdio.h>
#include <string.h>

static int echeck_passed, echeck_failed;

#define ECHECK(cond)                                                        \
    do {                                                                    \
        if (cond) {                                                         \
            echeck_passed++;                                                \
        } else {                                                            \
            echeck_failed++;                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                   \
    } while (0)

#define ECHECK_OK(rt, expr)                                                 \
    do {                                                                    \
        tdm_Status st_ = (expr);                                            \
        if (st_ != TDM_OK) {                                                \
            fprintf(stderr, "%s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #expr, \
                    tdm_status_name(st_), tdm_errmsg(rt));                  \
        }                                                                   \
        ECHECK(st_ == TDM_OK);                                              \
    } while (0)

static int echeck_summary(void)
{
    printf("%d passed, %d failed\n", echeck_passed, echeck_failed);
    return echeck_failed ? 1 : 0;
}
#endif
