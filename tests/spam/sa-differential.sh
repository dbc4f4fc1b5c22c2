#!/bin/bash
# SpamAssassin's rules, run by SpamAssassin itself and by portcullis, on the
# same messages: per rule, on how many messages the two agree (both hit or
# both did not).  Offline on both sides: no DNS, no Bayes, no
# auto-welcomelist; score set 0.  Prints the rules that disagree on more
# than 5% of the messages (or that one side never hits), worst first.
#   tests/spam/sa-differential.sh [-n N] DIR...   N messages per DIR (default 100)
# Developers run it on the training groups only (spam-1, easy-ham-1).
# Uses the built portcullis (top_builddir, default ./build-dev) and Debian's
# spamassassin (its Mail::SpamAssassin and /usr/share/spamassassin).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${top_builddir:-$root/build-dev}
n=100
[ "${1:-}" = -n ] && { n=$2; shift 2; }
[ $# -ge 1 ] || { sed -n '2,10p' "$0"; exit 2; }
work=$(mktemp -d /var/tmp/pc-sadiff-XXXXXX)
trap 'rm -rf "$work"' EXIT
for dir in "$@"; do
	find -L "$dir" -maxdepth 1 -type f ! -name '*.json' | sort | head -n "$n"
done > "$work/files"
perl "$root/tests/spam/sa-hits.pl" $(cat "$work/files") > "$work/sa.tsv" 2> "$work/sa.err"
xargs "$build/portcullis" -c /dev/null -o av.database_dir="$root/tests/data/sigs" \
	-o message.spool_dir="$work" -o scan.av=no -o spam.sa_rules_dir=/usr/share/spamassassin \
	-o spam.dns_lists=no \
	--scan < "$work/files" > "$work/pc.jsonl" 2> "$work/pc.err" || true
python3 - "$work/sa.tsv" "$work/pc.jsonl" <<'PY'
import collections, json, sys
sa = {}
for line in open(sys.argv[1]):
    f, _, hits = line.rstrip("\n").partition("\t")
    sa[f] = set(h for h in hits.split(",") if h)
pc = {}
for line in open(sys.argv[2]):
    v = json.loads(line)
    pc[v["file"]] = set(v.get("spam", {}).get("tests", [])) - {"GTUBE"}
files = [f for f in sa if f in pc]
rules = sorted(set().union(*sa.values(), *pc.values()))
rows = []
for r in rules:
    a = sum(1 for f in files if r in sa[f]); b = sum(1 for f in files if r in pc[f])
    both = sum(1 for f in files if r in sa[f] and r in pc[f])
    agree = sum(1 for f in files if (r in sa[f]) == (r in pc[f]))
    rows.append((agree / len(files), r, a, b, both))
bad = [x for x in rows if x[0] < 0.95 or (x[2] > 0) != (x[3] > 0)]
print("%d messages, %d rules hit by either, %d agree on >= 95%% of messages and both hit, "
      "%d do not" % (len(files), len(rules), len(rows) - len(bad), len(bad)))
print("%-32s %7s %6s %6s %6s" % ("rule", "agree", "SA", "ours", "both"))
for agree, r, a, b, both in sorted(bad, key=lambda x: (x[0], -x[2] - x[3])):
    print("%-32s %6.1f%% %6d %6d %6d" % (r, 100 * agree, a, b, both))
PY
