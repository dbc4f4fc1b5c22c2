#!/bin/bash
# Spam evaluation: learn from one pair of directories, score another, print
# spam caught and ham flagged at the configured thresholds.
#   tests/spam/evaluate.sh [--rescore] TRAIN_SPAM TRAIN_HAM TEST_SPAM TEST_HAM [-o group.key=value]...
#   tests/spam/evaluate.sh [--rescore] --cv K SPAM_DIR HAM_DIR [-o ...]   K-fold cross-validation
# --rescore: after learning, portcullisctl rescore fits the scores on the
# training messages (RESCORE_HAM_COST, default 10), and the test messages
# are scored with them.
# Developers tune only with --cv on the training groups (spam-1,
# easy-ham-1); the held-out groups are scored once, never tuned on
# (DEVELOPERS.md).  Uses the built portcullis and portcullisctl
# (top_builddir, default ./build-dev).  Nothing installed is read unless
# asked for with -o: no shipped rules, no SpamAssassin set, no scores file
# (-o spam.rules_dir=rules/spam -o spam.sa_rules_dir=/usr/share/spamassassin).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${top_builddir:-$root/build-dev}
work=$(mktemp -d /var/tmp/pc-eval-XXXXXX)
trap 'rm -rf "$work"' EXIT
rescore=
[ "${1:-}" = --rescore ] && { rescore=${RESCORE_HAM_COST:-10}; shift; }
base=(-c /dev/null -o av.database_dir="$root/tests/data/sigs" -o message.spool_dir="$work"
	-o scan.av=no -o spam.rules_dir= -o spam.sa_rules_dir= -o spam.scores_file=
	-o spam.bayes_min_learned=1)

# The messages of a directory: the corpus package keeps a .json of metadata
# beside each message (.txt); only the messages count.
messages() { find -L "$1" -maxdepth 1 -type f ! -name '*.json' | sort; }

score() { # bayes_dir, message dir, extra -o... -> one status per line
	local bayes=$1 dir=$2
	shift 2
	messages "$dir" | xargs -r "$build/portcullis" "${base[@]}" -o spam.bayes_dir="$bayes" \
		"$@" --scan 2> /dev/null |
		python3 -c 'import json, sys
for line in sys.stdin:
    v = json.loads(line)
    print(v["status"], v.get("spam", {}).get("score", 0), v["file"])'
}

learn() { # bayes_dir, class, dir, extra -o...
	local bayes=$1 class=$2 dir=$3
	shift 3
	messages "$dir" | xargs -r "$build/portcullisctl" "${base[@]}" -o spam.bayes_dir="$bayes" \
		"$@" learn "--$class" > /dev/null
}

report() { # spam statuses, ham statuses
	python3 - "$1" "$2" <<'PY'
import os, sys
s = [l.split(None, 2) for l in open(sys.argv[1])]
h = [l.split(None, 2) for l in open(sys.argv[2])]
def share(xs, ok): n = sum(1 for x in xs if x[0] in ok); return n, len(xs)
for name, ok in (("spam", {"spam"}), ("spam+probable", {"spam", "probable"})):
    cs, ns = share(s, ok); fh, nh = share(h, ok)
    print("  at %-14s spam caught %4d/%-4d (%6.2f%%)  ham flagged %3d/%-4d (%5.2f%%)" %
          (name, cs, ns, 100.0 * cs / max(ns, 1), fh, nh, 100.0 * fh / max(nh, 1)))
for status, score, path in h:
    if status == "spam":
        print("  ham flagged spam: %s (score %s)" % (os.path.basename(path.strip()), score))
PY
}

# Prints the figures for one train/test split; adds its statuses to the totals.
evaluate() { # train_spam train_ham test_spam test_ham [-o ...]
	local ts=$1 th=$2 es=$3 eh=$4 bayes
	local -a fitted=()
	shift 4
	bayes=$(mktemp -d "$work/bayes-XXXX")
	learn "$bayes" spam "$ts" "$@"
	learn "$bayes" ham "$th" "$@"
	if [ -n "$rescore" ]; then
		"$build/portcullisctl" "${base[@]}" -o spam.bayes_dir="$bayes" "$@" \
			-o spam.scores_file="$bayes.scores" rescore --ham-cost "$rescore" \
			--spam "$ts" --ham "$th" |
			sed -n 's/^\(published\|fitted\)/  rescore: &/p'
		fitted=(-o spam.scores_file="$bayes.scores")
	fi
	score "$bayes" "$es" "$@" "${fitted[@]}" > "$work/s.out"
	score "$bayes" "$eh" "$@" "${fitted[@]}" > "$work/h.out"
	report "$work/s.out" "$work/h.out"
	cat "$work/s.out" >> "$work/all-s.out"
	cat "$work/h.out" >> "$work/all-h.out"
}

# Fold k of K: files whose position modulo K is k are the test set.
fold() { # src, K, k, test?(1/0), dest
	mkdir -p "$5"
	messages "$1" | awk -v K="$2" -v k="$3" -v t="$4" \
		'((NR - 1) % K == k) == (t == 1)' | while read -r f; do ln -s "$f" "$5/"; done
}

if [ "${1:-}" = --cv ]; then
	K=$2 spam=$3 ham=$4
	shift 4
	for k in $(seq 0 $((K - 1))); do
		d="$work/fold$k"
		fold "$spam" "$K" "$k" 0 "$d/ts"; fold "$ham" "$K" "$k" 0 "$d/th"
		fold "$spam" "$K" "$k" 1 "$d/es"; fold "$ham" "$K" "$k" 1 "$d/eh"
		echo "fold $((k + 1)) of $K:"
		evaluate "$d/ts" "$d/th" "$d/es" "$d/eh" "$@"
	done
	echo "all $K folds:"
	report "$work/all-s.out" "$work/all-h.out"
else
	[ $# -ge 4 ] || { sed -n '2,13p' "$0"; exit 2; }
	evaluate "$@"
fi
