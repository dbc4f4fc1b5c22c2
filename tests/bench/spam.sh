#!/bin/bash
# Spam benchmark, one run: the training groups of the SpamAssassin public
# corpus (spam-1 and easy-ham-1, real mail of 2002) sent through Postfix to
# its discard transport, one SMTP session per message, through
#   portcullis            AV + spam (shipped rules and Debian's SpamAssassin
#                         rules, Bayes and the 4-gram learner trained on the
#                         same groups), one process
#   the usual stack       clamav-milter + clamd and spamass-milter (spamc)
#                         + spamd (Debian's SpamAssassin 4 rules, Bayes
#                         trained on the same groups)
# Both scan with the same ClamAV signatures (the test set) and neither asks
# DNS lists (no network here; spamd -L, portcullis dns_lists = no).
# Prints messages/s and CPU ms per message of each stack's processes
# (threads and forked children included), the ratio, and the engine's CPU
# per message without any MTA: AV alone and AV + spam (scan-cost).
#   BENCH_SPAM_MESSAGES  messages sent (default 1000: every third of the 3000)
#   BENCH_SESSIONS       parallel SMTP sessions (default 8)
# Needs root; installs spamassassin, spamc, spamd, spamass-milter, clamav-daemon
# and clamav-milter if missing.  Training SpamAssassin's Bayes (sa-learn)
# takes minutes the first time; its store is kept in the work directory.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/bench/lib.sh"

make -s -C "$top_builddir" portcullis portcullisctl tests/bench/scan-cost || exit 1
N=${BENCH_SPAM_MESSAGES:-1000}
S=${BENCH_SESSIONS:-8}
PORT=20345
HZ=$(getconf CLK_TCK)
work=$top_builddir/tests/out/bench-spam
mkdir -p "$work/spool"
db=$PC_SIGS

missing=
# Debian 12's later SpamAssassin updates moved spamd into a package of its own.
spamd_pkg=$(apt-cache show spamd > /dev/null 2>&1 && echo spamd)
for p in spamassassin spamc $spamd_pkg spamass-milter clamav-daemon clamav-milter; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -n "$missing" ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $missing > "$work/apt.out" 2>&1
for unit in spamd spamassassin spamass-milter clamav-daemon clamav-freshclam clamav-milter; do
	systemctl stop "$unit" > /dev/null 2>&1
done

# --- the corpus: training groups only, without the mbox "From " line ---------
if [ ! -f "$work/corpus/done" ]; then
	tgz=$(pc_corpus_tgz)
	rm -rf "$work/corpus" "$work/package"
	tar xzf "$tgz" -C "$work" package/data/spam-1 package/data/easy-ham-1 || exit 1
	mkdir -p "$work/corpus/all" "$work/corpus/spam" "$work/corpus/ham"
	python3 - "$work" <<'PY'
import glob, os, sys
work = sys.argv[1]
for group, kind in (("spam-1", "spam"), ("easy-ham-1", "ham")):
    for path in sorted(glob.glob(os.path.join(work, "package/data", group, "*.txt"))):
        data = open(path, "rb").read()
        if data.startswith(b"From "):
            data = data[data.find(b"\n") + 1:]
        name = group + "-" + os.path.basename(path)[:-4] + ".eml"
        for d in (kind, "all"):
            open(os.path.join(work, "corpus", d, name), "wb").write(data)
PY
	touch "$work/corpus/done"
fi
rm -rf "$work/send"
mkdir -p "$work/send"
ls "$work/corpus/all" | sort | awk 'NR % 3 == 1' | head -"$N" |
	while read -r f; do ln -s "$work/corpus/all/$f" "$work/send/$f"; done
N=$(ls "$work/send" | wc -l)

# --- both Bayes stores, trained on the same messages ----------------------------
if [ ! -f "$work/pc-bayes/done" ]; then
	rm -rf "$work/pc-bayes"
	for kind in spam ham; do
		"$top_builddir/portcullisctl" -c /dev/null -o spam.bayes_dir="$work/pc-bayes" \
			learn "--$kind" "$work/corpus/$kind" > /dev/null || exit 1
	done
	touch "$work/pc-bayes/done"
fi
mkdir -p "$work/sa-site"
# A site config directory replaces /etc/spamassassin: its plugin list too.
cp /etc/spamassassin/*.pre "$work/sa-site/"
cat > "$work/sa-site/local.cf" <<CF
use_bayes 1
bayes_auto_learn 0
bayes_path $work/sa-bayes/bayes
bayes_file_mode 0666
CF
if [ ! -f "$work/sa-bayes/done" ]; then
	echo "bench: training SpamAssassin's Bayes (sa-learn) on the 3000 messages"
	rm -rf "$work/sa-bayes"
	mkdir -p "$work/sa-bayes"
	for kind in spam ham; do
		sa-learn --siteconfigpath="$work/sa-site" "--$kind" "$work/corpus/$kind" \
			> "$work/sa-learn-$kind.out" 2>&1 || exit 1
	done
	chmod -R a+rwX "$work/sa-bayes"
	touch "$work/sa-bayes/done"
fi

# --- one stack through Postfix: NAME, milter sockets, pids... --------------------
run() {
	local name=$1 milters=$2 f0 f1 p0 p1 t0 t1 pid
	shift 2
	pf_start "$work/pf" "$PORT" "$milters" || exit 1
	f0=0; for pid in "$@"; do f0=$((f0 + $(tree_ticks "$pid"))); done
	p0=$(postfix_ticks "$work/pf") t0=$(date +%s.%N)
	timeout 3600 python3 "$here/tests/bench/send-corpus.py" 127.0.0.1 "$PORT" "$S" 1 \
		"$work/send" > "$work/$name.source" 2>&1
	t1=$(date +%s.%N) p1=$(postfix_ticks "$work/pf")
	f1=0; for pid in "$@"; do f1=$((f1 + $(tree_ticks "$pid"))); done
	pf_wait_queue_empty "$work/pf"
	pf_stop "$work/pf"
	awk -v name="$name" -v n="$N" -v t0="$t0" -v t1="$t1" -v f="$((f1 - f0))" \
	    -v p="$((p1 - p0))" -v hz="$HZ" -v sent="$(cat "$work/$name.source")" 'BEGIN {
		printf "%-42s %8.1f msg/s %9.3f ms CPU/msg (filter) %7.3f ms (postfix)  %s\n",
			name, n / (t1 - t0), f * 1000 / hz / n, p * 1000 / hz / n, sent
	}' | tee -a "$work/results"
}

rm -f "$work/results"
pcpid= clamdpid= cmpid= spamdpid= smpid=
trap 'pf_stop "$work/pf"; kill $pcpid $clamdpid $cmpid $spamdpid $smpid 2>/dev/null' EXIT
echo "bench: $N messages of the training groups (of $(ls "$work/corpus/all" | wc -l)), $S sessions"

rm -f "$work/portcullis.sock"
"$PC_PORTCULLIS" -f -c /dev/null -s "unix:$work/portcullis.sock" -o milter.socket_mode=0666 \
	-o av.database_dir="$db" -o message.spool_dir="$work/spool" \
	-o spam.rules_dir="$here/rules/spam" -o spam.sa_rules_dir=/usr/share/spamassassin \
	-o spam.scores_file= -o spam.bayes_dir="$work/pc-bayes" \
	-o spam.dns_lists=no -o auth.enabled=no -o notify.notify_admin= \
	-o quarantine.release_key_file="$work/release.key" > "$work/portcullis.log" 2>&1 &
pcpid=$!
wait_socket "$work/portcullis.sock" || exit 1
run "portcullis-av+spam" "unix:$work/portcullis.sock" "$pcpid"
kill "$pcpid"; wait "$pcpid"; pcpid=

clamav_stack_start "$work" "$db" "$work/spool" || exit 1
rm -f "$work/spamd.sock" "$work/spamass.sock"
spamd -L --siteconfigpath="$work/sa-site" --socketpath="$work/spamd.sock" --socketmode=0666 \
	-u nobody -x --max-children=4 > "$work/spamd.out" 2>&1 &
spamdpid=$!
spamass-milter -p "$work/spamass.sock" -- -U "$work/spamd.sock" > "$work/spamass.out" 2>&1 &
smpid=$!
wait_socket "$work/spamd.sock" &&
	wait_socket "$work/spamass.sock" || exit 1
chmod 666 "$work/spamass.sock"
run "clamav-milter+clamd+spamass-milter+spamd" \
	"unix:$work/clamav-milter.sock, unix:$work/spamass.sock" \
	"$clamdpid" "$cmpid" "$spamdpid" "$smpid"
kill "$smpid" "$spamdpid" "$cmpid" "$clamdpid"
wait "$smpid" "$spamdpid" "$cmpid" "$clamdpid" 2> /dev/null
smpid= spamdpid= cmpid= clamdpid=

# --- the engine alone: AV, then AV + spam, on the same messages ------------------
cost() { "$top_builddir/tests/bench/scan-cost" --corpus "$work/send" av.database_dir="$db" \
	message.spool_dir="$work/spool" "$@" 2>> "$work/scan-cost.log"; }
{
	echo "engine AV            $(cost scan.spam=no spam.sa_rules_dir= spam.bayes_dir=) ms CPU/msg"
	echo "engine AV+spam       $(cost spam.rules_dir="$here/rules/spam" \
		spam.sa_rules_dir=/usr/share/spamassassin spam.scores_file= \
		spam.bayes_dir="$work/pc-bayes" spam.dns_lists=no auth.enabled=no) ms CPU/msg"
	echo "engine AV+spam, every pattern run $(cost spam.rules_dir="$here/rules/spam" \
		spam.sa_rules_dir=/usr/share/spamassassin spam.scores_file= \
		spam.bayes_dir="$work/pc-bayes" spam.dns_lists=no auth.enabled=no spam.prefilter=no) ms CPU/msg"
} | tee -a "$work/results"

awk '
/^portcullis-/ { pc = $4; pr = $2 } /^clamav-milter/ { sa = $4; sr = $2 }
/^engine AV  / { av = $3 } /^engine AV\+spam  / { avs = $3 }
/^engine AV\+spam, every/ { all = $6 }
END {
	printf "\nCPU per message: portcullis %.3f ms, the SpamAssassin stack %.3f ms: %.1fx less (target >= 40x: %s)\n",
		pc, sa, sa / pc, (sa / pc >= 40) ? "met" : "MISSED"
	printf "throughput: %.2fx the SpamAssassin stack\n", pr / sr
	printf "portcullis in total %.3f ms CPU per message (target <= 3 ms): %s; engine alone %.3f ms, of which spam %.3f ms\n",
		pc, (pc <= 3) ? "met" : "MISSED", avs, avs - av
	printf "the rule prefilter: spam %.3f ms per message, %.3f ms with every pattern run (%.2fx)\n",
		avs - av, all - av, (all - av) / (avs - av)
}' "$work/results" | tee -a "$work/results"
