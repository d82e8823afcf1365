/*
 * check.h — the one assertion kit of the C tests: unit tests (bridge/, ffi/,
 * the IR) and the embedding tests (tests/embed/, through include/tandem.h).
 *
 * Every check counts and reports its failure with file:line; the program
 * ends with `return check_summary();`, which prints exactly
 * "N passed, N failed" and returns the exit code (1 on any failure).
 * Checks evaluate their arguments once and return 1 when they passed.
 */
#ifndef TDM_TEST_CHECK_H
#define TDM_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_npassed, check_nfailed;

static inline int check_true(int ok, const char *expr, const char *file, int line)
{
    if (ok) {
        check_npassed++;
    } else {
        check_nfailed++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
    }
    return ok;
}

static inline int check_eq_int(long long a, long long b, const char *ea, const char *eb,
                               const char *file, int line)
{
    if (a == b) {
        check_npassed++;
        return 1;
    }
    check_nfailed++;
    fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n", file, line, ea, eb, a, b);
    return 0;
}

static inline int check_str(const char *a, const char *b, const char *ea, const char *eb,
                            const char *file, int line)
{
    if (a && b && strcmp(a, b) == 0) {
        check_npassed++;
        return 1;
    }
    check_nfailed++;
    fprintf(stderr, "%s:%d: check failed: %s == %s (\"%s\" != \"%s\")\n", file, line, ea, eb,
            a ? a : "(null)", b ? b : "(null)");
    return 0;
}

static inline int check_contains(const char *hay, const char *needle, const char *eh,
                                 const char *file, int line)
{
    if (hay && needle && strstr(hay, needle)) {
        check_npassed++;
        return 1;
    }
    check_nfailed++;
    fprintf(stderr, "%s:%d: check failed: %s contains \"%s\" (got \"%s\")\n", file, line, eh,
            needle ? needle : "(null)", hay ? hay : "(null)");
    return 0;
}

#define CHECK(cond) check_true(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ_INT(a, b) check_eq_int((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STR(a, b) check_str((a), (b), #a, #b, __FILE__, __LINE__)
#define CHECK_CONTAINS(hay, needle) check_contains((hay), (needle), #hay, __FILE__, __LINE__)

/* A C API call that must return TDM_OK; on failure the status and the
   runtime's last error are printed (embedding tests: include tandem.h first). */
#ifdef TDM_VERSION_MAJOR
static inline int check_ok(tdm_Runtime *rt, tdm_Status st, const char *expr, const char *file,
                           int line)
{
    if (st != TDM_OK) {
        fprintf(stderr, "%s:%d: %s -> %s: %s\n", file, line, expr, tdm_status_name(st),
                tdm_errmsg(rt));
    }
    return check_true(st == TDM_OK, "status == TDM_OK", file, line);
}
#define CHECK_OK(rt, expr) check_ok((rt), (expr), #expr, __FILE__, __LINE__)
#endif

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_npassed, check_nfailed);
    return check_nfailed ? 1 : 0;
}

#endif /* TDM_TEST_CHECK_H */
