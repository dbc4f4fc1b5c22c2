#!/bin/bash
# Benchmark, one run, one database (1,000,000 hash + 50,000 body signatures,
# deterministic, plus the test signatures), one set of messages, every
# figure measured side by side:
#   filters   postfix         Postfix alone, no milter
#             null-milter     a do-nothing libmilter filter: the floor
#             portcullis      the built-in default configuration (spam on,
#                             raw_scan = text)
#             portcullis-av   AV only (spam = no), raw_scan = text
#             portcullis-full AV only, raw_scan = full (corpus only)
#             clamav          clamav-milter + clamd
#   workloads real-session    a real 5 KB message (easy-ham-1's first,
#                             61 header lines, one text part), one SMTP
#                             session (and milter connection) per message:
#                             the usual MX case
#             real-reuse      the same, every client's messages on one session
#             corpus          BENCH_CORPUS distinct messages with real PDF,
#                             DOCX, ZIP and PNG attachments of 50 KB-2 MB
#                             (gen-corpus.py), one session per message
#             synth-session, synth-reuse  smtp-source's synthetic 5 KB
#                             message (7 header lines), only if listed in
#                             BENCH_LOADS
# Prints messages/s and CPU ms per message of each filter's processes (all
# threads, from /proc) and of Postfix (master and its children), then each
# target: portcullis-av at most 0.3 ms above the null milter and at most
# 0.5x clamav on the real message; portcullis at most 0.45 ms above the
# null milter; the corpus below 0.7x clamav; the engine alone (scan-cost,
# no MTA) at most 1.2x a bare libclamav scan of the decoded attachments.
#   BENCH_MESSAGES   real (and synthetic) messages per run (default 1000)
#   BENCH_CORPUS     corpus messages (default 500)
#   BENCH_SESSIONS   parallel SMTP sessions (default 8)
#   BENCH_ROUNDS     runs of each small workload (default 2); the targets
#                    take each filter's least CPU: on a shared machine a
#                    burst of other work only ever adds
#   BENCH_LOADS      workloads (default "real-session real-reuse corpus")
#   BENCH_HASH, BENCH_BODY  signature counts (default 1000000, 50000)
#   BENCH_SCRATCH    tmpfs (default) or disk: the scanners' scratch, for
#                    both: portcullis's default tmp_dir (spool_dir/scratch)
#                    gets a tmpfs of 20% of RAM mounted, as the systemd unit
#                    does; clamd's TemporaryDirectory is a directory in it
#   BENCH_BASELINE   another build's portcullis binary (e.g. of an earlier
#                    commit), run as "baseline" with its built-in defaults
#                    on the small workloads, for a before/after in one run
#   BENCH_QUICK=1    300 messages, 40 corpus messages: a smoke run
# Needs root; installs clamav-daemon and clamav-milter if missing.
# Caches: portcullis runs with libclamav's clean cache off (see engine/av.c);
# clamd with it on (its default): the same message is sent again and again,
# so its decoded body part hits clamd's cache, never portcullis's.  Corpus
# files are all distinct, so no cache hits there.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/bench/lib.sh"

make -s -C "$top_builddir" portcullis tests/bench/null-milter tests/bench/scan-cost || exit 1

if [ -n "${BENCH_QUICK:-}" ]; then
	: "${BENCH_MESSAGES:=300}" "${BENCH_CORPUS:=40}"
fi
N=${BENCH_MESSAGES:-1000}
NCORPUS=${BENCH_CORPUS:-500}
S=${BENCH_SESSIONS:-8}
ROUNDS=${BENCH_ROUNDS:-2}
LOADS=${BENCH_LOADS:-real-session real-reuse corpus}
NHASH=${BENCH_HASH:-1000000}
NBODY=${BENCH_BODY:-50000}
SCRATCH=${BENCH_SCRATCH:-tmpfs}
PORT=20325
work=$top_builddir/tests/out/bench
HZ=$(getconf CLK_TCK)
mkdir -p "$work"
scratch=$work/spool/scratch
umount "$scratch" 2> /dev/null
rm -rf "$work/spool"
mkdir -p "$scratch"
case $SCRATCH in
disk) ;;
tmpfs) mount -t tmpfs -o size=20%,mode=1777 portcullis-bench "$scratch" || exit 1 ;;
*) echo "BENCH_SCRATCH must be tmpfs or disk" >&2; exit 2 ;;
esac
mkdir -p "$scratch/clamd"

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

# The real message, its mbox "From " line removed; and as a milter sees it
# (Postfix's Received header first, CRLF; "000000" for scan-cost to vary).
real=$work/real.eml
tar xzOf "$(pc_corpus_tgz)" package/data/easy-ham-1/00001.7c53336b37003a9286aba55d2945844c.txt |
	sed 1d > "$real"
[ "$(wc -l < "$real")" -gt 60 ] || { echo "bench: the corpus message is missing" >&2; exit 1; }
{
	printf 'Received: from bench.example (localhost [127.0.0.1])\n'
	printf '\tby bench.example (Postfix) with ESMTP id 4Xk000000Q\n'
	printf '\tfor <rcpt@discard.example>; Sat, 21 Nov 2026 12:00:00 +0000 (UTC)\n'
	cat "$real"
} | sed 's/$/\r/' > "$work/real-milter.eml"
sh "$here/tests/bench/gen-message.sh" > "$work/synth-milter.eml"
corpus=$work/corpus-$NCORPUS
if [ ! -f "$corpus/done" ]; then
	echo "bench: generating $NCORPUS corpus messages in $corpus"
	rm -rf "$corpus"
	python3 "$here/tests/bench/gen-corpus.py" "$corpus" "$NCORPUS" 1 && touch "$corpus/done"
fi

# The traffic of one workload.
send() {
	local sender="timeout 1800 python3 $here/tests/bench/send-corpus.py 127.0.0.1 $PORT $S"
	case $1 in
	real-session) $sender 1 "$real" "$2" ;;
	real-reuse) $sender "$2" "$real" "$2" ;;
	synth-session) timeout 900 smtp-source -s "$S" -m "$2" -l 5000 -f bench@example.org \
		-t rcpt@discard.example "127.0.0.1:$PORT" ;;
	synth-reuse) timeout 900 smtp-source -d -s "$S" -m "$2" -l 5000 -f bench@example.org \
		-t rcpt@discard.example "127.0.0.1:$PORT" ;;
	corpus) $sender 1 "$corpus" ;;
	esac | grep -v "^accepted=$2 rejected=0 tempfailed=0 errors=0$"
}

# One filter on one workload: NAME, WORKLOAD, milter socket or "", filter pids...
run() {
	local name=$1 load=$2 milter=$3 count=$N
	shift 3
	case " $LOADS " in *" $load "*) ;; *) return 0 ;; esac
	[ "$load" = corpus ] && count=$NCORPUS
	pf_start "$work/pf" "$PORT" "$milter" || exit 1
	# Warm up: spawn smtpd processes, touch every code path once.
	send synth-session 200 > /dev/null 2>&1
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
		printf "%-16s %-13s %8.1f msg/s %8.3f ms CPU/msg (filter) %7.3f ms (postfix) %5d MB RSS %s\n",
			name, load, n / (t1 - t0), f * 1000 / hz / n, p * 1000 / hz / n, rss,
			errors ? "(" errors " sender error lines)" : ""
	}' | tee -a "$work/results"
	[ $# -gt 1 ] || return 0
	local i=0
	for pid in "$@"; do
		awk -v p="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-40)" \
		    -v t="$((each1[i] - each0[i]))" -v hz="$HZ" -v n="$count" \
		    'BEGIN { printf "    %-40s %8.3f ms CPU/msg\n", p, t * 1000 / hz / n }'
		i=$((i + 1))
	done
}

# Workloads for one filter: NAME, "WORKLOADS", milter socket or "", filter
# pids...; the small ones ROUNDS times.
run_loads() {
	local name=$1 loads=$2 load round
	shift 2
	for load in $loads; do
		for round in $(seq "$ROUNDS"); do
			run "$name" "$load" "$@"
			[ "$load" = corpus ] && break
		done
	done
}

start_portcullis() { # name, more options...
	local name=$1 binary=$PC_PORTCULLIS
	shift
	[ "$name" = baseline ] && binary=$BENCH_BASELINE
	rm -f "$work/$name.sock"
	"$binary" -f -c /dev/null -s "unix:$work/$name.sock" -o milter.socket_mode=0666 \
		-o av.database_dir="$db" -o message.spool_dir="$work/spool" \
		-o message.max_message_size=100M "$@" > "$work/$name.log" 2>&1 &
	pcpid=$!
	for _ in $(seq 1200); do grep -q "started:" "$work/$name.log" && return 0; sleep 0.1; done
	echo "bench: portcullis did not start" >&2
	return 1
}

rm -f "$work/results"
nullpid= pcpid= clamdpid= cmpid=
trap 'pf_stop "$work/pf"; kill $nullpid $pcpid $clamdpid $cmpid 2>/dev/null; sleep 1; umount "$scratch" 2>/dev/null' EXIT
# Delivery is to Postfix's discard transport: only the path through smtpd
# and the milter is measured.
small="real-session real-reuse synth-session synth-reuse"
echo "bench: scanner scratch on $SCRATCH ($scratch) for both filters"
echo "bench: $N small messages, $NCORPUS corpus messages, $S sessions, $(cat "$db"/*.hdb | wc -l) hash and $(cat "$db"/*.ndb | wc -l) body signatures"

run_loads postfix "$small" ""

rm -f "$work/null.sock"
"$top_builddir/tests/bench/null-milter" "unix:$work/null.sock" > "$work/null-milter.log" 2>&1 &
nullpid=$!
wait_socket "$work/null.sock" || exit 1
run_loads null-milter "$small" "unix:$work/null.sock" "$nullpid"
kill "$nullpid"; wait "$nullpid"; nullpid=

portcullis_run() { # name, workloads, options...
	local name=$1 loads=$2
	shift 2
	start_portcullis "$name" "$@" || exit 1
	run_loads "$name" "$loads" "unix:$work/$name.sock" "$pcpid"
	kill "$pcpid"; wait "$pcpid"; pcpid=
}
portcullis_run portcullis "$small"
[ -n "${BENCH_BASELINE:-}" ] && portcullis_run baseline "$small"
portcullis_run portcullis-av "$small corpus" -o scan.spam=no
case " $LOADS " in *" corpus "*)
	portcullis_run portcullis-full corpus -o scan.spam=no -o scan.raw_scan=full ;;
esac

clamav_stack_start "$work" "$db" "$scratch/clamd" || exit 1
run_loads clamav "$small corpus" "unix:$work/clamav-milter.sock" "$clamdpid" "$cmpid"
kill "$cmpid" "$clamdpid"; wait "$cmpid" "$clamdpid" 2>/dev/null; cmpid= clamdpid=

# The engine alone, no MTA: the same database and scratch directory.
cost() { "$top_builddir/tests/bench/scan-cost" "$@" av.database_dir="$db" \
	message.spool_dir="$work/spool" 2>> "$work/scan-cost.log"; }
{
	echo "engine real default   $(cost "$work/real-milter.eml" "$N") ms CPU/msg"
	echo "engine real av        $(cost "$work/real-milter.eml" "$N" scan.spam=no) ms CPU/msg"
	echo "engine synth av       $(cost "$work/synth-milter.eml" "$N" scan.spam=no) ms CPU/msg"
	case " $LOADS " in *" corpus "*)
	echo "engine corpus text    $(cost --corpus "$corpus" scan.spam=no) ms CPU/msg"
	echo "engine corpus full    $(cost --corpus "$corpus" scan.spam=no scan.raw_scan=full) ms CPU/msg"
	echo "bare libclamav corpus $(cost --bare "$corpus") ms CPU/msg (decoded attachments)"
	esac
} | tee -a "$work/results"

awk -v loads="$LOADS" -v baseline="${BENCH_BASELINE:-}" '
# Per filter and workload, the round with the least filter CPU (Postfix
# alone: the least Postfix CPU).
/ msg\/s / && (!(($1, $2) in cpu) || $5 < cpu[$1, $2] || ($5 == cpu[$1, $2] && $9 < pf[$1, $2])) {
	rate[$1, $2] = $3; cpu[$1, $2] = $5; pf[$1, $2] = $9
}
/^engine corpus text/ { e_text = $4 } /^engine corpus full/ { e_full = $4 }
/^bare libclamav/ { bare = $4 }
function verdict(ok) { return ok ? "met" : "MISSED" }
function have(name, load) { return (name, load) in cpu }
END {
	print ""
	print "(each filter\047s round with the least CPU)"
	n = split(loads, l, " ")
	for (i = 1; i <= n; i++) {
		w = l[i]; c = cpu["clamav", w]; r = rate["clamav", w]
		if (w == "corpus") {
			printf "%-13s CPU vs clamav: text %.2f, full %.2f (target < 0.7: %s); throughput vs clamav: text %.2f, full %.2f\n",
				w, cpu["portcullis-av", w] / c, cpu["portcullis-full", w] / c,
				verdict(cpu["portcullis-av", w] / c < 0.7),
				rate["portcullis-av", w] / r, rate["portcullis-full", w] / r
			continue
		}
		floor = cpu["null-milter", w]
		av = cpu["portcullis-av", w]; dflt = cpu["portcullis", w]
		printf "%-13s AV only: %.3f ms above the null milter (target <= 0.3: %s), %.2f x clamav CPU (target <= 0.5: %s), %.2f x its throughput\n",
			w, av - floor, verdict(av - floor <= 0.3), av / c, verdict(av / c <= 0.5), rate["portcullis-av", w] / r
		printf "%-13s default: %.3f ms above the null milter (target <= 0.45: %s), %.2f x clamav CPU; null milter %.3f ms\n",
			w, dflt - floor, verdict(dflt - floor <= 0.45), dflt / c, floor
		if (have("baseline", w))
			printf "%-13s baseline (%s): %.3f ms above the null milter; now %.2f x its CPU\n",
				w, baseline, cpu["baseline", w] - floor, dflt / cpu["baseline", w]
		printf "%-13s Postfix CPU/msg: alone %.3f, null milter %.3f, portcullis %.3f, portcullis-av %.3f, clamav %.3f ms\n",
			w, pf["postfix", w], pf["null-milter", w], pf["portcullis", w], pf["portcullis-av", w], pf["clamav", w]
	}
	if (bare > 0)
		printf "engine alone, corpus: text %.2f x bare libclamav (target <= 1.2: %s), full %.2f x\n",
			e_text / bare, verdict(e_text / bare <= 1.2), e_full / bare
}' "$work/results" | tee -a "$work/results"
