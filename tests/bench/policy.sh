#!/bin/bash
# Benchmark of policy groups and the quarantine index (issue 7, item 6):
#   policy lookup with 50 groups and 10,000 masks, per message;
#   portcullisctl quarantine list over 100,000 entries.
# Run with "make bench-policy"; prints figures, asserts nothing.
set -eu
: "${top_builddir:?run through make bench-policy}"
: "${top_srcdir:?run through make bench-policy}"
make -s -C "$top_builddir" tests/bench/policy-cost portcullisctl > /dev/null
echo "== policy lookup (3 recipients a message; a third match no group)"
for masks in 1000 10000; do
	"$top_builddir/tests/bench/policy-cost" 50 "$masks" 100000
done
echo "== quarantine list"
bash "$top_srcdir/tests/bench/quarantine-list.sh" 100000
