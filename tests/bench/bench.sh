#!/bin/bash
# Benchmark: Postfix alone, Postfix + a do-nothing libmilter filter (the
# floor), Postfix + portcullis, Postfix + clamav-milter + clamd, in one run,
# with the same messages and the same signature database (1,000,000 hash +
# 50,000 body signatures, deterministic, plus the test signatures).  Prints
# messages/s and CPU ms per message of each filter's processes (all threads,
# from /proc), the ratios, and the engine's CPU per message without any MTA.
#   BENCH_MESSAGES   messages per configuration (default 3000)
#   BENCH_SESSIONS   parallel SMTP sessions (default 8)
#   BENCH_SIZE       message payload bytes (default 5000)
#   BENCH_HASH, BENCH_BODY  signature counts (default 1000000, 50000)
#   BENCH_SCRATCH    disk (default) or tmpfs: where BOTH scanners unpack
#                    (portcullis [av] tmp_dir, clamd TemporaryDirectory)
# Needs root; installs clamav-daemon and clamav-milter if missing.
# libclamav's clean-file cache is on (its default) for both filters.  Whole
# messages never repeat (queue id, Received header), but smtp-source sends the
# same body every time, so the decoded body part hits the cache in both.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export top_srcdir=$here top_builddir=${top_builddir:-$here}
# Never the sanitizer build: its figures would be meaningless.
[ -x "$top_builddir/portcullis" ] || top_builddir=$(dirname "$(ls "$here"/build-release/portcullis "$here"/portcullis 2>/dev/null | head -1)")
. "$here/tests/lib.sh"
. "$here/tests/e2e/postfix-lib.sh"

make -s -C "$top_builddir" portcullis tests/bench/null-milter tests/bench/scan-cost || exit 1

N=${BENCH_MESSAGES:-3000}
S=${BENCH_SESSIONS:-8}
SIZE=${BENCH_SIZE:-5000}
NHASH=${BENCH_HASH:-1000000}
NBODY=${BENCH_BODY:-50000}
SCRATCH=${BENCH_SCRATCH:-disk}
PORT=20325
work=$top_builddir/tests/out/bench
HZ=$(getconf CLK_TCK)
mkdir -p "$work"
case $SCRATCH in
disk) scratch=$work/scratch ;;
tmpfs) scratch=/dev/shm/portcullis-bench ;;
*) echo "BENCH_SCRATCH must be disk or tmpfs" >&2; exit 2 ;;
esac
rm -rf "$scratch"
mkdir -p "$scratch/portcullis" "$scratch/clamd"

for p in clamav-daemon clamav-milter; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			clamav-daemon clamav-milter > "$work/apt.out" 2>&1
done
for unit in clamav-daemon clamav-freshclam clamav-milter; do
	systemctl stop "$unit" > /dev/null 2>&1
done

db=$work/db-$NHASH-$NBODY
if [ ! -f "$db/bench.ndb" ]; then
	echo "bench: generating $NHASH hash + $NBODY body signatures in $db"
	sh "$here/tests/bench/gen-sigs.sh" "$db" "$NHASH" "$NBODY"
fi

# smtp-source's message as the milter sees it, for the engine-alone figure.
sh "$here/tests/bench/gen-message.sh" > "$work/message.eml"

# CPU ticks used so far by a list of processes (all their threads).
ticks() {
	t=0
	for pid in "$@"; do
		set -- $(cut -d')' -f2 "/proc/$pid/stat")
		t=$((t + ${12} + ${13}))
	done
	echo $t
}
# Postfix: the master (with its reaped children) plus its live children.
postfix_ticks() {
	master=$(head -1 "$work/pf/queue/pid/master.pid" | tr -d ' ')
	kids=$(cat /proc/"$master"/task/*/children 2>/dev/null)
	set -- $(cut -d')' -f2 "/proc/$master/stat")
	echo $(( ${12} + ${13} + ${14} + ${15} + $(ticks $kids) ))
}
rss_mb() {
	kb=0
	for pid in "$@"; do
		kb=$((kb + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")))
	done
	echo $((kb / 1024))
}
wait_socket() {
	for _ in $(seq 1200); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	echo "bench: $1 did not appear" >&2
	return 1
}

# One configuration: NAME, milter socket or "", filter pids...
run() {
	name=$1 milter=$2
	shift 2
	pf_start "$work/pf" "$PORT" "$milter" || exit 1
	# Warm up: spawn smtpd processes, touch every code path once.
	timeout 300 smtp-source -s "$S" -m 200 -l "$SIZE" -f bench@example.org -t rcpt@discard.example \
		"127.0.0.1:$PORT" > /dev/null 2>&1
	pf_wait_queue_empty "$work/pf"
	local each0=() each1=() pid
	for pid in "$@"; do each0+=("$(ticks "$pid")"); done
	f0=$(ticks "$@") p0=$(postfix_ticks) t0=$(date +%s.%N)
	timeout 900 smtp-source -s "$S" -m "$N" -l "$SIZE" -f bench@example.org -t rcpt@discard.example \
		"127.0.0.1:$PORT" > "$work/$name.source" 2>&1
	t1=$(date +%s.%N) f1=$(ticks "$@") p1=$(postfix_ticks)
	for pid in "$@"; do each1+=("$(ticks "$pid")"); done
	pf_wait_queue_empty "$work/pf"
	errors=$(grep -c . "$work/$name.source")
	rss=$( [ $# -gt 0 ] && rss_mb "$@" || echo 0)
	pf_stop "$work/pf"
	awk -v name="$name" -v n="$N" -v t0="$t0" -v t1="$t1" -v f="$((f1 - f0))" \
	    -v p="$((p1 - p0))" -v hz="$HZ" -v rss="$rss" -v errors="$errors" 'BEGIN {
		printf "%-28s %9.1f msg/s %10.3f ms CPU/msg (filter) %8.3f ms CPU/msg (postfix) %6d MB RSS %s\n",
			name, n / (t1 - t0), f * 1000 / hz / n, p * 1000 / hz / n, rss,
			errors ? "(" errors " smtp-source error lines)" : ""
	}' | tee -a "$work/results"
	local i=0
	for pid in "$@"; do
		awk -v p="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-40)" \
		    -v t="$((each1[i] - each0[i]))" -v hz="$HZ" -v n="$N" \
		    'BEGIN { printf "    %-40s %8.3f ms CPU/msg\n", p, t * 1000 / hz / n }'
		i=$((i + 1))
	done
}

rm -f "$work/results"
nullpid= pcpid= clamdpid= cmpid=
trap 'pf_stop "$work/pf"; kill $nullpid $pcpid $clamdpid $cmpid 2>/dev/null; rm -rf "$scratch"' EXIT
# Delivery is to Postfix's discard transport: only the path through smtpd
# and the milter is measured.
echo "bench: scanner scratch on $SCRATCH ($scratch) for both filters"
echo "bench: $N messages of $SIZE bytes, $S sessions, $(cat "$db"/*.hdb | wc -l) hash and $(cat "$db"/*.ndb | wc -l) body signatures"

run "postfix (no milter)" ""

rm -f "$work/null.sock"
"$top_builddir/tests/bench/null-milter" "unix:$work/null.sock" > "$work/null-milter.log" 2>&1 &
nullpid=$!
wait_socket "$work/null.sock" || exit 1
run "postfix + null-milter" "unix:$work/null.sock" "$nullpid"
kill "$nullpid"; wait "$nullpid"; nullpid=

mkdir -p "$work/spool"
"$PC_PORTCULLIS" -f -c /dev/null -s "unix:$work/portcullis.sock" -o milter.socket_mode=0666 \
	-o av.database_dir="$db" -o message.spool_dir="$work/spool" \
	-o av.tmp_dir="$scratch/portcullis" > "$work/portcullis.log" 2>&1 &
pcpid=$!
wait_socket "$work/portcullis.sock" && grep -q "started:" "$work/portcullis.log" ||
	for _ in $(seq 600); do grep -q "started:" "$work/portcullis.log" && break; sleep 0.1; done
run "postfix + portcullis" "unix:$work/portcullis.sock" "$pcpid"
kill "$pcpid"; wait "$pcpid"; pcpid=

cat > "$work/clamd.conf" <<CONF
LocalSocket $work/clamd.sock
FixStaleSocket true
DatabaseDirectory $db
TemporaryDirectory $scratch/clamd
Foreground true
LogFile $work/clamd.log
MaxThreads 12
ScanMail true
ScanArchive true
CONF
cat > "$work/clamav-milter.conf" <<CONF
MilterSocket unix:$work/clamav-milter.sock
MilterSocketMode 666
FixStaleSocket true
ClamdSocket unix:$work/clamd.sock
Foreground true
LogFile $work/clamav-milter.log
OnClean Accept
OnInfected Reject
AddHeader Replace
CONF
clamd -c "$work/clamd.conf" > "$work/clamd.out" 2>&1 &
clamdpid=$!
wait_socket "$work/clamd.sock" || exit 1
clamav-milter -c "$work/clamav-milter.conf" > "$work/clamav-milter.out" 2>&1 &
cmpid=$!
wait_socket "$work/clamav-milter.sock" || exit 1
run "postfix + clamav-milter+clamd" "unix:$work/clamav-milter.sock" "$clamdpid" "$cmpid"
kill "$cmpid" "$clamdpid"; wait "$cmpid" "$clamdpid" 2>/dev/null; cmpid= clamdpid=

engine=$("$top_builddir/tests/bench/scan-cost" "$work/message.eml" "$N" av.database_dir="$db" \
	av.tmp_dir="$scratch/portcullis" message.spool_dir="$work/spool" 2> "$work/scan-cost.log")
echo "engine alone (scan-cost)     $engine ms CPU/msg, same message shape, same database and scratch" |
	tee -a "$work/results"

awk '
/no milter/ { base_rate = $4 + 0 }
/null-milter/ { null_cpu = $6 + 0 }
/scan-cost/ { engine_cpu = $4 + 0 }
/portcullis/ { pc_rate = $4 + 0; pc_cpu = $6 + 0 }
/clamav-milter/ { cm_rate = $4 + 0; cm_cpu = $6 + 0 }
END {
	printf "\nportcullis CPU per message = %.2f x clamav-milter+clamd (target < 0.5)\n", pc_cpu / cm_cpu
	printf "portcullis throughput       = %.2f x clamav-milter+clamd (target >= 1.5)\n", pc_rate / cm_rate
	printf "throughput vs Postfix alone:  portcullis %.2f, clamav-milter+clamd %.2f\n",
		pc_rate / base_rate, cm_rate / base_rate
	printf "libmilter floor (null milter) = %.2f x clamav-milter+clamd\n", null_cpu / cm_cpu
	printf "portcullis = floor %.3f + engine %.3f + rest %.3f ms CPU/msg\n",
		null_cpu, engine_cpu, pc_cpu - null_cpu - engine_cpu
}' "$work/results" | tee -a "$work/results"
