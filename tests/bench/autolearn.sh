#!/bin/bash
# Autolearn benchmark, one run: the first BENCH_AUTOLEARN_MESSAGES messages
# of easy-ham-1 (SpamAssassin public corpus, a training group) sent straight
# to the milter by BENCH_SESSIONS parallel miltertest clients, a connection
# each, twice: autolearn off, then on with every message a clear case
# (autolearn_ham = 1000), so each is tokenized and learned into a new store.
# Prints the mean time per message the daemon logs (time=, the MTA's wait),
# the daemon's CPU per message and the wall time, and the ratios of the
# learning run against the run without.
#   BENCH_AUTOLEARN_MESSAGES  default 400     BENCH_SESSIONS  default 4
#   BENCH_QUICK=1   40 messages, 2 clients, nothing rebuilt: the smoke run
#                   of the test suite (tests/bench-tools.sh)
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/bench/lib.sh"

if [ -n "${BENCH_QUICK:-}" ]; then
	N=40 S=2
else
	make -s -C "$top_builddir" portcullis portcullisctl || exit 1
	N=${BENCH_AUTOLEARN_MESSAGES:-400} S=${BENCH_SESSIONS:-4}
fi
HZ=$(getconf CLK_TCK)
work=$top_builddir/tests/out/bench-autolearn
rm -rf "$work"
mkdir -p "$work"
tar xzf "$(pc_corpus_tgz)" -C "$work" package/data/easy-ham-1 || exit 1
# Session k sends every S-th message from the k-th on.
i=0
for f in $(ls "$work"/package/data/easy-ham-1/*.txt | head -"$N"); do
	mkdir -p "$work/set$((i % S))"
	mv "$f" "$work/set$((i % S))/"
	i=$((i + 1))
done

# One run: LABEL, then portcullis options; sets mean_ms, cpu_ms, wall_s.
run() {
	local label=$1 d=$work/$1 pids= k start end pid t
	shift
	mkdir -p "$d/spool"
	pc_start_milter "$d" "unix:$d/milter.sock" -o log.level=info \
		-o spam.bayes_dir="$d/bayes" "$@" || exit 1
	pid=$(cat "$d/milter.pid")
	start=$(date +%s.%N)
	for k in $(seq 0 $((S - 1))); do
		miltertest -s "$here/tests/bench/autolearn-load.lua" -D SOCKET="unix:$d/milter.sock" \
			-D TESTDIR="$here/tests/milter" -D WORKDIR="$d" -D FILES="$work/set$k/*" \
			> "$d/client$k.out" 2>&1 &
		pids="$pids $!"
	done
	wait $pids || { echo "$label: a client failed:"; cat "$d"/client*.out; exit 1; }
	end=$(date +%s.%N)
	t=$(ticks "$pid")
	pc_stop_milter "$d" || { echo "$label: portcullis exit status $PC_MILTER_STATUS"; exit 1; }
	[ "$(grep -c "action=accept" "$d/milter.log")" = "$N" ] ||
		{ echo "$label: not every message was accepted"; exit 1; }
	mean_ms=$(sed -n 's/.*action=accept.* time=\([0-9.]*\)ms.*/\1/p' "$d/milter.log" |
		awk '{ s += $1 } END { printf "%.2f", s / NR }')
	cpu_ms=$(echo "scale=2; $t * 1000 / $HZ / $N" | bc)
	wall_s=$(echo "scale=2; ($end - $start) / 1" | bc)
	printf "%-10s %8s ms/msg logged  %6s ms CPU/msg  %6s s wall\n" "$label" "$mean_ms" \
		"$cpu_ms" "$wall_s"
}

echo "$N messages of easy-ham-1, $S parallel clients"
run off -o spam.autolearn=no
off_mean=$mean_ms off_cpu=$cpu_ms off_wall=$wall_s
run learning -o spam.autolearn=yes -o spam.autolearn_ham=1000
learned=$("$top_builddir/portcullisctl" -c /dev/null -o spam.bayes_dir="$work/learning/bayes" stats)
echo "$learned" | grep -q ": 0 spam, $N ham learned" || { echo "store: $learned"; exit 1; }
echo "store after the learning run: $N ham learned (every message, none lost at exit)"
echo "learning vs off: time per message $(echo "scale=2; $mean_ms / $off_mean" | bc)x," \
	"CPU $(echo "scale=2; $cpu_ms / $off_cpu" | bc)x, wall $(echo "scale=2; $wall_s / $off_wall" | bc)x"
