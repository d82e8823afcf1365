#!/bin/sh
# lupa_suite_check.sh TOOL PYPATH [MIN_PERCENT] — run lupa 2.8's own unittest
# suite against tandem (TOOL: ../shared/tools/lupa_suite.sh, run from the
# project root) and judge it: fail on any crash or hang, or when fewer than
# MIN_PERCENT (default 97) of the tests that were not skipped pass. A crashed
# test counts as not passed. The last line reads
#   lupa-suite: P of N passed (X%) ...
# on purpose not in the "N passed, N failed" form of tandem's own suites, so
# CI's summary of those stays tandem's.
set -u
TOOL=${1:-../shared/tools/lupa_suite.sh}
PYPATH=${2:-$PWD/build/python}
MIN=${3:-97}
if [ ! -f "$TOOL" ]; then
    echo "lupa-suite: $TOOL not found (lupa's suite lives in ../shared beside the clone)"
    exit 1
fi
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
sh "$TOOL" "$PYPATH" > "$OUT" 2>&1
rc=$?
cat "$OUT"
stats=$(grep -E '^collected=[0-9]+ run=' "$OUT" | tail -1)
if [ $rc -ne 0 ] || [ -z "$stats" ]; then
    echo "lupa-suite: the runner failed (exit $rc, no result line)"
    exit 1
fi
val() { echo "$stats" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
run=$(val run); passed=$(val passed); failed=$(val failed); errors=$(val errors)
skipped=$(val skipped); crashed=$(val crashed_or_hung)
total=$((run - skipped + crashed))
notok=$((failed + errors + crashed))
# percentages in tenths, integer arithmetic only
pm=0
[ "$total" -gt 0 ] && pm=$((passed * 1000 / total))
pct="$((pm / 10)).$((pm % 10))"
verdict=ok
if [ "$crashed" -gt 0 ]; then
    verdict="FAIL: $crashed crashed or hung"
elif [ $((passed * 100)) -lt $((MIN * total)) ]; then
    verdict="FAIL: below ${MIN}%"
fi
echo "lupa-suite: $passed of $total passed ($pct%); $notok not passing, $crashed of them crashed or hung; $skipped skipped; need ${MIN}% and no crash: $verdict"
[ "$verdict" = ok ]
