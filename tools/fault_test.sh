#!/bin/sh
# fault_test.sh BUILD PYTHON [sweep args] — run tests/fault/sweep.py on the
# fault build (mk/fault.mk); under a sanitizer build, with ASan preloaded as
# tools/run_tests.sh does. Ends with "N passed, N failed".
set -u
BUILD=${1:-build}
PYTHON=${2:-/usr/bin/python3}
shift 2
cd "$(dirname "$0")/.." || exit 1
case "$BUILD" in
    *san*)
        exec env TANDEM_SANITIZER=1 \
            LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
            ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            "$PYTHON" tests/fault/sweep.py "$BUILD/fault/python" "$@" ;;
esac
exec "$PYTHON" tests/fault/sweep.py "$BUILD/fault/python" "$@"
