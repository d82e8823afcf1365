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
TSAN_TESTS ?= tests/python/test_threads_stress.py tests/python/test_threads.py

.PHONY: tsan-test
tsan-test:
	$(MAKE) BUILD=$(TSAN_BUILD) OPT='-O1 -g -fno-omit-frame-pointer -fsanitize=thread' \
	    SANLD=-fsanitize=thread python-module
	sh tools/tsan_test.sh $(TSAN_BUILD) $(PYTHON) $(TSAN_TESTS)
