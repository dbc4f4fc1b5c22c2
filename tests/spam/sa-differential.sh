#!/bin/bash
# SpamAssassin's rules, run by SpamAssassin itself and by portcullis, on the
# same messages: per rule, on how many messages the two agree (both hit or
# both did not).  Offline on both sides: no DNS, no Bayes, no
# auto-welcomelist; score set 0.  Every rule portcullis runs (its
# --list-rules) must agree on at least 95% of the messages: the table lists
# those that do not and the script then exits 1.  The rules SpamAssassin
# hit that portcullis does not run are listed with why, for information.
#   tests/spam/sa-differential.sh [-n N] [-o KEY=VALUE]... DIR...
# N messages per DIR (default 100); -o passes a setting to portcullis.
# Developers run it on the training groups only (spam-1, easy-ham-1).
# Uses the built portcullis (top_builddir, default ./build-dev) and Debian's
# spamassassin (its Mail::SpamAssassin and /usr/share/spamassassin).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${top_builddir:-$root/build-dev}
n=100
extra=()
while [ $# -gt 0 ]; do
	case $1 in
	-n) n=$2; shift 2 ;;
	-o) extra+=(-o "$2"); shift 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { sed -n '2,13p' "$0"; exit 2; }
work=$(mktemp -d /var/tmp/pc-sadiff-XXXXXX)
# SADIFF_KEEP=DIR keeps both sides' answers there (sa.tsv, pc.jsonl)
trap '[ -n "${SADIFF_KEEP:-}" ] && cp "$work"/sa.tsv "$work"/pc.jsonl "$SADIFF_KEEP"/; rm -rf "$work"' EXIT
for dir in "$@"; do
	find -L "$dir" -maxdepth 1 -type f ! -name '*.json' | sort | head -n "$n"
done > "$work/files"
perl "$root/tests/spam/sa-hits.pl" $(cat "$work/files") > "$work/sa.tsv" 2> "$work/sa.err"
# SpamAssassin's set alone, offline, no Bayes, on both sides
opts=(-c /dev/null -o av.database_dir="$root/tests/data/sigs" -o message.spool_dir="$work"
	-o scan.av=no -o spam.sa_rules_dir=/usr/share/spamassassin -o spam.rules_dir=
	-o spam.bayes_dir= -o spam.dns_lists=no -o auth.enabled=no "${extra[@]}")
"$build/portcullis" "${opts[@]}" --list-rules > "$work/rules.tsv"
xargs "$build/portcullis" "${opts[@]}" --scan < "$work/files" > "$work/pc.jsonl" \
	2> "$work/pc.err" || true
python3 - "$work/sa.tsv" "$work/pc.jsonl" "$work/rules.tsv" <<'PY'
import collections, json, sys
sa, pc, why = {}, {}, {}
for line in open(sys.argv[1]):
    f, _, hits = line.rstrip("\n").partition("\t")
    sa[f] = set(h for h in hits.split(",") if h)
for line in open(sys.argv[2]):
    v = json.loads(line)
    pc[v["file"]] = set(v.get("spam", {}).get("tests", [])) - {"GTUBE"}
for line in open(sys.argv[3]):
    name, state, rest = line.rstrip("\n").split("\t", 2)
    why[name] = None if state == "run" else rest
files = [f for f in sa if f in pc]
hit = sorted(set().union(*sa.values(), *pc.values()))
rows = []
for r in hit:
    a = sum(1 for f in files if r in sa[f]); b = sum(1 for f in files if r in pc[f])
    both = sum(1 for f in files if r in sa[f] and r in pc[f])
    agree = sum(1 for f in files if (r in sa[f]) == (r in pc[f])) / len(files)
    rows.append((agree, r, a, b, both))
run = [x for x in rows if x[1] in why and why[x[1]] is None]
bad = [x for x in run if x[0] < 0.95]
print("%d messages; %d rules portcullis runs were hit by either side: %d agree on "
      ">= 95%% of the messages, %d do not" % (len(files), len(run), len(run) - len(bad), len(bad)))
print("%-32s %7s %6s %6s %6s" % ("rule (run by both)", "agree", "SA", "ours", "both"))
for agree, r, a, b, both in sorted(run, key=lambda x: (x[0], -x[2] - x[3])):
    if agree < 1:
        print("%-32s %6.1f%% %6d %6d %6d%s" % (r, 100 * agree, a, b, both,
                                             "  FAIL" if agree < 0.95 else ""))
skipped = sorted((x for x in rows if why.get(x[1]) is not None or x[1] not in why),
                 key=lambda x: -x[2])
print("%d rules SpamAssassin hit that portcullis does not run (hits, why):" % len(skipped))
for agree, r, a, b, both in skipped[:25]:
    print("  %-30s %4d  %s" % (r, a, why.get(r) or "not in the rule files read"))
sys.exit(1 if bad else 0)
PY
