#!/bin/bash
# SpamAssassin's relay records (X-Spam-Relays-Untrusted, -Trusted,
# -Internal, -External and the unparseable count) against ours
# (engine/spam/received.c) on every message of the given directories:
# prints the messages that differ (the first 40) and how many agree
# exactly on all four strings.
#   tests/spam/relays-agreement.sh DIR...
# SA_TRUSTED / SA_INTERNAL (space-separated ranges) set trusted_networks
# and internal_networks on both sides; unset, both infer the boundary.
# Developers run it on the training groups only (spam-1, easy-ham-1).
# Uses the built tests/unit/received_test (top_builddir, default ./build)
# and Debian's Mail::SpamAssassin (tests/spam/sa-relays.pl).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${top_builddir:-$root/build}
[ $# -ge 1 ] || { sed -n '2,10p' "$0"; exit 2; }
work=$(mktemp -d /var/tmp/pc-relays-XXXXXX)
trap 'rm -rf "$work"' EXIT
for dir in "$@"; do
	find -L "$dir" -maxdepth 1 -type f ! -name '*.json' | sort
done > "$work/files"
xargs perl "$root/tests/spam/sa-relays.pl" < "$work/files" > "$work/sa.tsv" 2> "$work/sa.err"
RELAYS_TRUSTED=${SA_TRUSTED:-} RELAYS_INTERNAL=${SA_INTERNAL:-} \
	"$build/tests/unit/received_test" --agreement "$work/sa.tsv"
