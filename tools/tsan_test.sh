#!/bin/sh
# tsan_test.sh BUILD PYTHON TEST... — pytest on the ThreadSanitizer build
# (mk/tsan.mk) with libtsan preloaded. Ends with "N passed, N failed":
# 1 passed when pytest passed and TSan reported nothing.
set -u
BUILD=$1
PYTHON=$2
shift 2
cd "$(dirname "$0")/.." || exit 1
LOG=$(mktemp)
# TSan's reports go to files (log_path): printed to stderr they would land
# in pytest's capture of a passing test and never be seen
TLOG=$(mktemp -d)
LJ=$(cd "$BUILD" && pwd)/tsan_longjmp.so
[ -f "$LJ" ] || { echo "tsan_test.sh: $LJ missing (make tsan-test builds it)"; exit 1; }
# tsan_longjmp.so (mk/tsan.mk, tests/tsan_longjmp.c): liblua's __longjmp_chk
# through TSan's longjmp, or its shadow stack overflows
env LD_PRELOAD="$(gcc -print-file-name=libtsan.so) $LJ" \
    TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 report_signal_unsafe=0 exitcode=0 suppressions=$(pwd)/tests/tsan.supp log_path=$TLOG/tsan" \
    PYTHONPATH="$BUILD/python" TANDEM_BUILD="$BUILD" \
    "$PYTHON" -m pytest -q -p no:cacheprovider "$@" > "$LOG" 2>&1
rc=$?
tail -5 "$LOG"
cat "$TLOG"/tsan.* >> "$LOG" 2>/dev/null
reports=$(grep -c '^WARNING: ThreadSanitizer' "$LOG")
echo "ThreadSanitizer reports: $reports (full log: $LOG)"
if [ "$reports" -gt 0 ]; then
    grep -A30 '^WARNING: ThreadSanitizer' "$LOG" | head -120
fi
rm -rf "$TLOG"
if [ $rc -eq 0 ] && [ "$reports" -eq 0 ]; then
    echo "1 passed, 0 failed"
    exit 0
fi
echo "0 passed, 1 failed"
exit 1
