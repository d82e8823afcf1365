/* tsan_longjmp.c — preloaded after libtsan by make tsan-test (mk/tsan.mk,
 * tools/tsan_test.sh; docs/reliability.md).
 *
 * Debian's liblua5.4 is built with _FORTIFY_SOURCE, so every Lua error and
 * every coroutine.yield leaves through __longjmp_chk, which gcc 12's
 * ThreadSanitizer does not intercept (it intercepts longjmp, _longjmp and
 * siglongjmp). The _setjmp in lua_pcall / lua_resume is intercepted, the jump
 * back is not: each jump past tandem's instrumented C functions (a luaL_error
 * in a budget hook or a library function, a yield) leaves their entries on
 * TSan's shadow stack, until after some 65 000 of them TSan fails its own
 * check `((args.size)) < ((1 << kStackSizeBits))` or the process crashes.
 * This __longjmp_chk hands the jump to TSan's longjmp, which unwinds its
 * shadow stack to the matching _setjmp and then jumps. (It drops the check
 * __longjmp_chk adds, that the jump goes up the stack: only for this build.) */
#undef _FORTIFY_SOURCE          /* else longjmp below is __longjmp_chk again */
#include <setjmp.h>

void __longjmp_chk(jmp_buf env, int val) __attribute__((noreturn));
void __longjmp_chk(jmp_buf env, int val)
{
    longjmp(env, val);
}
