#!/bin/bash
# portcullisctl quarantine list over N entries (default 100,000):
#   tests/bench/quarantine-list.sh [N]
# Fills a scratch quarantine through the real store (under eatmydata, so
# the fill does not wait for fsync), then times list (all, by recipient,
# by status, JSON), a reindex from the files, and list after entries were
# added behind the index's back.  Prints seconds and entries per second.
set -eu
: "${top_builddir:?run through make bench-policy}"
count=${1:-100000}
command -v eatmydata > /dev/null || apt-get install -y -q eatmydata > /dev/null
make -s -C "$top_builddir" portcullisctl tests/bench/quarantine-fill > /dev/null
dir=$(mktemp -d /var/tmp/pc-qbench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
ctl() { "$top_builddir/portcullisctl" -c /dev/null -o quarantine.quarantine_dir="$dir" "$@"; }
timed() { # label, command...
	local label=$1 start end lines
	shift
	start=$(date +%s.%N)
	lines=$("$@" | wc -l)
	end=$(date +%s.%N)
	awk -v l="$label" -v s="$start" -v e="$end" -v n="$lines" \
		'BEGIN { printf "%-34s %7.3f s  %8d lines\n", l, e - s, n }'
}
start=$(date +%s)
eatmydata "$top_builddir/tests/bench/quarantine-fill" "$dir" "$count"
echo "filled $count entries in $(( $(date +%s) - start )) s ($(du -sh "$dir" | cut -f1))"
timed "list (all)" ctl quarantine list
timed "list (all, second run)" ctl quarantine list
timed "list --rcpt ann@example.com" ctl quarantine list --rcpt ann@example.com
timed "list --status filtered" ctl quarantine list --status filtered
timed "list --json" ctl quarantine list --json
timed "list --since 1d" ctl quarantine list --since 1d
timed "reindex (from $count .meta files)" ctl quarantine reindex
eatmydata "$top_builddir/tests/bench/quarantine-fill" "$dir" 100
rm -r "$dir/.index"
timed "list after losing the index" ctl quarantine list
