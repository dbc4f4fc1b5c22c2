#!/bin/bash
# reload_memory: peak RSS of a signature reload, concurrent against
# sequential, with a large synthetic database (make bench-reload; not in CI).
#   top_builddir=BUILD bash tests/bench/reload-memory.sh [NHASH [NBODY]]
# The database is gen-sigs.sh's (default 1,000,000 sha256 hash signatures
# and 50,000 body signatures, the size of a full ClamAV set in count).  For
# each mode a daemon loads it, the kernel's peak-RSS mark is reset
# (/proc/PID/clear_refs), portcullisctl reloads the signatures (it waits),
# and VmHWM is the reload's peak.  Then one message is sent during a second
# reload to show what sequential costs in answers: it is tempfailed.
# Figures (2026-12-03, 1,050,002 signatures): concurrent peak 324 MB from
# 170 MB (1.91x), sequential 170 MB (1.00x); the reload takes 3.9 s either way.
# "reload policy" (the web console's, after a list change) keeps the engine.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/bench/lib.sh"
NHASH=${1:-1000000}
NBODY=${2:-50000}
work=$(pc_workdir bench-reload-memory)
C="$top_builddir/portcullisctl"
echo "generating $NHASH hash and $NBODY body signatures..."
sh "$here/tests/bench/gen-sigs.sh" "$work/db" "$NHASH" "$NBODY"
kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }

measure() { # label mode what: reload "what" (signatures, policy) under reload_memory "mode"
	local label=$1 mode=$2 what=$3 d="$work/$1" pid start ms before peak after ctl
	mkdir -p "$d/spool"
	pc_start_milter "$d" "unix:$d/milter.sock" -o "av.database_dir=$work/db" \
		-o "av.reload_memory=$mode" -o av.db_check_interval=0 -o log.level=info || return 1
	pid=$(cat "$d/milter.pid")
	pc_wait_log "$d/milter.log" "started:" 1
	before=$(kb "$pid" VmRSS)
	echo 5 > "/proc/$pid/clear_refs"	# VmHWM := VmRSS
	start=$(date +%s%N)
	"$C" -c /dev/null -o "milter.control_socket=$d/control.sock" reload "$what" > "$d/ctl.out" 2>&1 ||
		{ echo "$label: reload failed: $(cat "$d/ctl.out")"; return 1; }
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	peak=$(kb "$pid" VmHWM)
	after=$(kb "$pid" VmRSS)
	awk -v m="$label" -v b="$before" -v p="$peak" -v a="$after" -v ms="$ms" 'BEGIN {
		printf "%-10s RSS before %5d MB, reload peak %5d MB (%.2fx), after %5d MB; reload %d ms\n",
			m, b / 1024, p / 1024, p / b, a / 1024, ms }'
	echo "$peak" > "$d/peak"
	# A message sent while a second reload runs: answered at once either way
	# (concurrent: scanned; sequential: 451 4.7.1 until the new engine is in).
	"$C" -c /dev/null -o "milter.control_socket=$d/control.sock" reload "$what" > /dev/null 2>&1 &
	ctl=$!
	[ "$mode" = sequential ] && pc_wait_log "$d/milter.log" "old engine freed" 2
	miltertest -s "$here/tests/milter/send-3-clean-1-infected.lua" -D SOCKET="unix:$d/milter.sock" \
		-D TESTDIR="$here/tests/milter" > "$d/mt.out" 2>&1
	# (the script stops at its first unexpected answer: a tempfail)
	echo "           messages during a second reload: $(grep -o ' action=[a-z]*' "$d/milter.log" |
		sort | uniq -c | tr -s ' \n' ' ')"
	wait $ctl
	pc_stop_milter "$d"
}

measure concurrent concurrent signatures && measure sequential sequential signatures &&
	measure policy concurrent policy || exit 1
awk -v s="$(cat "$work/sequential/peak")" -v c="$(cat "$work/concurrent/peak")" \
	-v p="$(cat "$work/policy/peak")" \
	'BEGIN { printf "sequential peak / concurrent peak: %.2f; reload policy peak / concurrent: %.2f\n", s / c, p / c }'
