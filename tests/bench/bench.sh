#!/bin/bash
# Benchmark, one run, one database (1,000,000 hash + 50,000 body signatures,
# deterministic, plus the test signatures), one set of messages:
#   filters:   Postfix alone, a do-nothing libmilter filter (the floor),
#              portcullis scan_mode=auto, portcullis scan_mode=message,
#              clamav-milter + clamd
#   workloads: 5kb-session  the 5 KB message, one SMTP session (and milter
#                           connection) per message: the usual MX case
#              5kb-reuse    the same, many messages per session (smtp-source -d)
#              corpus       BENCH_CORPUS distinct messages with real PDF, DOCX,
#                           ZIP and PNG attachments of 50 KB-2 MB (gen-corpus.py),
#                           one session per message
# Prints messages/s and CPU ms per message of each filter's processes (all
# threads, from /proc), the ratios against clamav-milter+clamd per workload,
# and the engine's CPU per message without any MTA (scan-cost) next to a
# bare libclamav scan of the same decoded attachments.
#   BENCH_MESSAGES   5 KB messages per run (default 3000)
#   BENCH_CORPUS     corpus messages (default 500)
#   BENCH_SESSIONS   parallel SMTP sessions (default 8)
#   BENCH_SIZE       5 KB message payload bytes (default 5000)
#   BENCH_HASH, BENCH_BODY  signature counts (default 1000000, 50000)
#   BENCH_SCRATCH    disk (default) or tmpfs: where BOTH scanners unpack
#                    (portcullis [av] tmp_dir, clamd TemporaryDirectory)
#   BENCH_QUICK=1    300 messages, 40 corpus messages: a smoke run
# Needs root; installs clamav-daemon and clamav-milter if missing.
# Caches: portcullis runs with libclamav's clean cache off (see engine/av.c);
# clamd with it on (its default): smtp-source repeats the same body, so the
# decoded body part hits clamd's cache, never portcullis's.  Corpus files are
# all distinct, so no cache hits there.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/bench/lib.sh"

make -s -C "$top_builddir" portcullis tests/bench/null-milter tests/bench/scan-cost || exit 1

if [ -n "${BENCH_QUICK:-}" ]; then
	: "${BENCH_MESSAGES:=300}" "${BENCH_CORPUS:=40}"
fi
N=${BENCH_MESSAGES:-3000}
NCORPUS=${BENCH_CORPUS:-500}
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
corpus=$work/corpus-$NCORPUS
if [ ! -f "$corpus/done" ]; then
	echo "bench: generating $NCORPUS corpus messages in $corpus"
	rm -rf "$corpus"
	python3 "$here/tests/bench/gen-corpus.py" "$corpus" "$NCORPUS" 1 && touch "$corpus/done"
fi

# The traffic of one workload: 5kb-session, 5kb-reuse or corpus.
send() {
	case $1 in
	5kb-session) timeout 900 smtp-source -s "$S" -m "$2" -l "$SIZE" -f bench@example.org \
		-t rcpt@discard.example "127.0.0.1:$PORT" ;;
	5kb-reuse) timeout 900 smtp-source -d -s "$S" -m "$2" -l "$SIZE" -f bench@example.org \
		-t rcpt@discard.example "127.0.0.1:$PORT" ;;
	corpus) timeout 1800 python3 "$here/tests/bench/send-corpus.py" 127.0.0.1 "$PORT" "$S" 1 \
		"$corpus" | grep -v "^accepted=$NCORPUS rejected=0 tempfailed=0 errors=0$" ;;
	esac
}

# One filter on one workload: NAME, WORKLOAD, milter socket or "", filter pids...
run() {
	local name=$1 load=$2 milter=$3 count=$N
	shift 3
	[ "$load" = corpus ] && count=$NCORPUS
	pf_start "$work/pf" "$PORT" "$milter" || exit 1
	# Warm up: spawn smtpd processes, touch every code path once.
	send 5kb-session 200 > /dev/null 2>&1
	pf_wait_queue_empty "$work/pf"
	local each0=() each1=() pid
	for pid in "$@"; do each0+=("$(ticks "$pid")"); done
	f0=$(ticks "$@") p0=$(postfix_ticks "$work/pf") t0=$(date +%s.%N)
	send "$load" "$count" > "$work/$name.$load.source" 2>&1
	t1=$(date +%s.%N) f1=$(ticks "$@") p1=$(postfix_ticks "$work/pf")
	for pid in "$@"; do each1+=("$(ticks "$pid")"); done
	pf_wait_queue_empty "$work/pf"
	errors=$(grep -c . "$work/$name.$load.source")
	rss=$( [ $# -gt 0 ] && rss_mb "$@" || echo 0)
	pf_stop "$work/pf"
	awk -v name="$name" -v load="$load" -v n="$count" -v t0="$t0" -v t1="$t1" \
	    -v f="$((f1 - f0))" -v p="$((p1 - p0))" -v hz="$HZ" -v rss="$rss" -v errors="$errors" 'BEGIN {
		printf "%-22s %-12s %9.1f msg/s %9.3f ms CPU/msg (filter) %8.3f ms (postfix) %5d MB RSS %s\n",
			name, load, n / (t1 - t0), f * 1000 / hz / n, p * 1000 / hz / n, rss,
			errors ? "(" errors " sender error lines)" : ""
	}' | tee -a "$work/results"
	local i=0
	for pid in "$@"; do
		awk -v p="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-40)" \
		    -v t="$((each1[i] - each0[i]))" -v hz="$HZ" -v n="$count" \
		    'BEGIN { printf "    %-40s %8.3f ms CPU/msg\n", p, t * 1000 / hz / n }'
		i=$((i + 1))
	done
}

# Every workload for one filter: NAME, milter socket or "", filter pids...
run_all() {
	for load in 5kb-session 5kb-reuse corpus; do
		run "$1" "$load" "${@:2}"
	done
}

start_portcullis() { # name, scan_mode, more options...
	local name=$1 mode=$2
	shift 2
	rm -f "$work/$name.sock"
	"$PC_PORTCULLIS" -f -c /dev/null -s "unix:$work/$name.sock" -o milter.socket_mode=0666 \
		-o av.database_dir="$db" -o message.spool_dir="$work/spool" \
		-o av.tmp_dir="$scratch/portcullis" -o scan.scan_mode="$mode" \
		-o message.max_message_size=100M "$@" > "$work/$name.log" 2>&1 &
	pcpid=$!
	for _ in $(seq 1200); do grep -q "started:" "$work/$name.log" && return 0; sleep 0.1; done
	echo "bench: portcullis did not start" >&2
	return 1
}

rm -f "$work/results"
nullpid= pcpid= clamdpid= cmpid=
trap 'pf_stop "$work/pf"; kill $nullpid $pcpid $clamdpid $cmpid 2>/dev/null; rm -rf "$scratch"' EXIT
# Delivery is to Postfix's discard transport: only the path through smtpd
# and the milter is measured.
echo "bench: scanner scratch on $SCRATCH ($scratch) for both filters"
echo "bench: $N messages of $SIZE bytes, $S sessions, $(cat "$db"/*.hdb | wc -l) hash and $(cat "$db"/*.ndb | wc -l) body signatures"

run_all "postfix" ""

rm -f "$work/null.sock"
"$top_builddir/tests/bench/null-milter" "unix:$work/null.sock" > "$work/null-milter.log" 2>&1 &
nullpid=$!
wait_socket "$work/null.sock" || exit 1
run_all "null-milter" "unix:$work/null.sock" "$nullpid"
kill "$nullpid"; wait "$nullpid"; nullpid=

mkdir -p "$work/spool"
for mode in auto message; do
	start_portcullis "portcullis-$mode" "$mode" || exit 1
	run_all "portcullis-$mode" "unix:$work/portcullis-$mode.sock" "$pcpid"
	kill "$pcpid"; wait "$pcpid"; pcpid=
done
# raw_scan = text, on the corpus only: what leaving encoded bodies out of the
# raw scan saves where attachments are.
start_portcullis portcullis-text auto -o scan.raw_scan=text || exit 1
run portcullis-text corpus "unix:$work/portcullis-text.sock" "$pcpid"
kill "$pcpid"; wait "$pcpid"; pcpid=

clamav_stack_start "$work" "$db" "$scratch/clamd" || exit 1
run_all "clamav-milter+clamd" "unix:$work/clamav-milter.sock" "$clamdpid" "$cmpid"
kill "$cmpid" "$clamdpid"; wait "$cmpid" "$clamdpid" 2>/dev/null; cmpid= clamdpid=

# The engine alone, no MTA: the same database and scratch directory.
cost() { "$top_builddir/tests/bench/scan-cost" "$@" av.database_dir="$db" \
	av.tmp_dir="$scratch/portcullis" message.spool_dir="$work/spool" 2>> "$work/scan-cost.log"; }
{
	echo "engine 5kb auto       $(cost "$work/message.eml" "$N") ms CPU/msg"
	echo "engine 5kb message    $(cost "$work/message.eml" "$N" scan.scan_mode=message) ms CPU/msg"
	echo "engine corpus auto    $(cost --corpus "$corpus") ms CPU/msg"
	echo "engine corpus text    $(cost --corpus "$corpus" scan.raw_scan=text) ms CPU/msg (raw_scan=text)"
	echo "engine corpus message $(cost --corpus "$corpus" scan.scan_mode=message) ms CPU/msg"
	echo "bare libclamav corpus $(cost --bare "$corpus") ms CPU/msg (decoded attachments)"
} | tee -a "$work/results"

awk '
/ msg\/s / { rate[$1, $2] = $3; cpu[$1, $2] = $5 }
/^engine corpus auto/ { e_auto = $4 } /^engine corpus text/ { e_text = $4 }
/^engine corpus message/ { e_msg = $4 } /^bare libclamav/ { bare = $4 }
/^engine 5kb auto/ { e5 = $4 } /^engine 5kb message/ { e5m = $4 }
END {
	split("5kb-session 5kb-reuse corpus", loads, " ")
	print ""
	printf "%-12s %-34s %-34s %s\n", "workload", "CPU vs clamav-milter+clamd", "throughput vs clamav-milter+clamd", "target (CPU)"
	for (i = 1; i <= 3; i++) {
		l = loads[i]; c = cpu["clamav-milter+clamd", l]; r = rate["clamav-milter+clamd", l]
		printf "%-12s auto %.2f  message %.2f  null %.2f     auto %.2f  message %.2f          %s\n", l,
			cpu["portcullis-auto", l] / c, cpu["portcullis-message", l] / c, cpu["null-milter", l] / c,
			rate["portcullis-auto", l] / r, rate["portcullis-message", l] / r,
			l == "corpus" ? "< 0.7" : "< 0.5"
	}
	printf "corpus, raw_scan=text: CPU %.2f, throughput %.2f x clamav-milter+clamd\n",
		cpu["portcullis-text", "corpus"] / cpu["clamav-milter+clamd", "corpus"],
		rate["portcullis-text", "corpus"] / rate["clamav-milter+clamd", "corpus"]
	printf "\nengine alone, corpus: auto %.2f x bare libclamav (raw_scan=text %.2f, message mode %.2f); target <= 1.2\n",
		e_auto / bare, e_text / bare, e_msg / bare
	printf "engine alone, 5 KB: auto %.3f ms, message mode %.3f ms\n", e5, e5m
	printf "portcullis auto above the floor, 5kb-session: %.3f ms CPU/msg (null milter %.3f)\n",
		cpu["portcullis-auto", "5kb-session"] - cpu["null-milter", "5kb-session"], cpu["null-milter", "5kb-session"]
}' "$work/results" | tee -a "$work/results"
