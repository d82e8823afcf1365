# mk/tsan.mk — the thread tests under ThreadSanitizer (docs/reliability.md).
#
#   make tsan-test     build the Python extension with gcc -fsanitize=thread
#                      into build-race/ and run the thread tests with libtsan
#                      preloaded; fails on any ThreadSanitizer report
#
# CPython and liblua are not instrumented: TSan sees tandem's own memory
# accesses and every pthread call (the GIL, tandem's locks), not the
# interpreters' memory accesses.

TSAN_BUILD ?= build-race
TSAN_TESTS ?= tests/python/test_threads_stress.py tests/python/test_threads.py \
    tests/python/test_sandbox.py tests/python/test_translate_threads.py
# liblua leaves through __longjmp_chk, which TSan does not intercept: a shim
# preloaded after libtsan hands it to TSan's longjmp (tests/tsan_longjmp.c)
TSAN_LJ := $(TSAN_BUILD)/tsan_longjmp.so

.PHONY: tsan-test
tsan-test:
	$(MAKE) BUILD=$(TSAN_BUILD) OPT='-O1 -g -fno-omit-frame-pointer -fsanitize=thread' \
	    SANLD=-fsanitize=thread python-module
	@mkdir -p $(TSAN_BUILD)
	$(CC) -O1 -g -fPIC -shared -o $(TSAN_LJ) tests/tsan_longjmp.c
	sh tools/tsan_test.sh $(TSAN_BUILD) $(PYTHON) $(TSAN_TESTS)
