#!/bin/bash
# Spam evaluation: learn from one pair of directories, score another, print
# spam caught and ham flagged at the configured thresholds.
#   tests/spam/evaluate.sh TRAIN_SPAM TRAIN_HAM TEST_SPAM TEST_HAM [-o group.key=value]...
#   tests/spam/evaluate.sh --cv K SPAM_DIR HAM_DIR [-o ...]   K-fold cross-validation
# Developers tune only with --cv on the training groups (spam-1,
# easy-ham-1); the held-out groups are scored once, never tuned on
# (DEVELOPERS.md).  Uses the built portcullis and portcullisctl
# (top_builddir, default ./build-dev); rules from [spam] rules_dir if set.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${top_builddir:-$root/build-dev}
work=$(mktemp -d /var/tmp/pc-eval-XXXXXX)
trap 'rm -rf "$work"' EXIT

# The messages of a directory: the corpus package keeps a .json of metadata
# beside each message (.txt); only the messages count.
messages() { find -L "$1" -maxdepth 1 -type f ! -name '*.json' | sort; }

score() { # bayes_dir, message dir, extra -o... -> one status per line
	local bayes=$1 dir=$2
	shift 2
	messages "$dir" | xargs -r "$build/portcullis" -c /dev/null \
		-o av.database_dir="$root/tests/data/sigs" -o message.spool_dir="$work" \
		-o spam.bayes_dir="$bayes" -o scan.av=no "$@" --scan 2> /dev/null |
		python3 -c 'import json, sys
for line in sys.stdin:
    print(json.loads(line)["status"])'
}

learn() { # bayes_dir, class, dir
	messages "$3" | xargs -r "$build/portcullisctl" -c /dev/null -o spam.bayes_dir="$1" \
		learn "--$2" > /dev/null
}

# Prints "caught N/M (P%)  flagged N/M (P%)" for one train/test split.
evaluate() { # train_spam train_ham test_spam test_ham [-o ...]
	local ts=$1 th=$2 es=$3 eh=$4 bayes
	shift 4
	bayes=$(mktemp -d "$work/bayes-XXXX")
	learn "$bayes" spam "$ts"
	learn "$bayes" ham "$th"
	score "$bayes" "$es" "$@" > "$work/s.out"
	score "$bayes" "$eh" "$@" > "$work/h.out"
	python3 - "$work/s.out" "$work/h.out" <<'PY'
import sys
s = open(sys.argv[1]).read().split()
h = open(sys.argv[2]).read().split()
def share(xs, ok): n = sum(1 for x in xs if x in ok); return n, len(xs)
for name, ok in (("spam", {"spam"}), ("spam+probable", {"spam", "probable"})):
    cs, ns = share(s, ok); fh, nh = share(h, ok)
    print("  at %-14s spam caught %4d/%-4d (%6.2f%%)  ham flagged %3d/%-4d (%5.2f%%)" %
          (name, cs, ns, 100.0 * cs / max(ns, 1), fh, nh, 100.0 * fh / max(nh, 1)))
PY
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
		evaluate "$d/ts" "$d/th" "$d/es" "$d/eh" -o spam.bayes_min_learned=1 "$@"
	done
else
	[ $# -ge 4 ] || { sed -n '2,9p' "$0"; exit 2; }
	evaluate "$@" -o spam.bayes_min_learned=1
fi
