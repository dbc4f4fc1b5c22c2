#!/bin/bash
# CPU per message of sender authentication (SPF, DKIM, DMARC, ARC), in the
# engine, against the same engine with [auth] off, measured in the same run.
# DNS: a private knotd on loopback serving the fixtures of tests/auth/
# (answers are cached after the first message, as in the daemon).
#   top_builddir=BUILD bash tests/bench/auth.sh [COUNT]
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${top_builddir:-$root/build-release}
count=${1:-2000}
cost="$build/tests/bench/scan-cost"
work=$(mktemp -d /tmp/pc-bench-auth.XXXXXX)
# libclamav makes and removes a directory per scan: in memory, as the
# daemon's scan scratch should be, so the disk does not blur the figures
spool=$(mktemp -d /dev/shm/pc-bench-auth.XXXXXX 2>/dev/null || mktemp -d /tmp/pc-spool.XXXXXX)
trap 'auth_dns_stop 2>/dev/null; rm -rf "$work" "$spool"' EXIT
. "$root/tests/auth/dns.sh"
[ -x "$cost" ] || { echo "bench-auth: build $cost first (make check builds it)"; exit 1; }
/usr/bin/python3 "$root/tests/auth/fixtures.py" "$work/fx" > /dev/null &&
	auth_dns_start "$work/dns" "$work/fx/zones" || exit 1

common=(message.spool_dir="$spool" av.database_dir="$root/tests/data/sigs"
	spam.rules_dir= spam.sa_rules_dir= spam.bayes_dir= spam.dns_servers="$AUTH_DNS_SERVER")
envelope() { # case -> IP,HELO,SENDER from cases.tsv
	awk -F'\t' -v c="$1" '$1 == c { print $2 "," $3 "," $4 }' "$work/fx/cases.tsv"
}
measure() { # case, auth on|off
	"$cost" --envelope "$(envelope "$1")" "$work/fx/msgs/$1.eml" "$count" \
		"${common[@]}" auth.enabled="$2" 2> "$work/err" || { cat "$work/err" >&2; return 1; }
}

echo "sender authentication, CPU per message ($count scans each; DNS from knotd, cached):"
printf '  %-24s %10s %10s %10s %7s\n' message "auth off" "auth on" "auth costs" ratio
for c in spf-include-pass dkim-rsa-pass dkim-ed25519-pass dmarc-reject-forged \
	arc-forwarded-pass; do
	off=$(measure "$c" no) on=$(measure "$c" yes) || exit 1
	awk -v c="$c" -v off="$off" -v on="$on" 'BEGIN {
		printf "  %-24s %8.3f ms %8.3f ms %8.3f ms %6.2fx\n", c, off, on, on - off, on / off }'
done
echo "  (spf-include-pass: unsigned, SPF include; dkim-*: one signature;"
echo "   dmarc-reject-forged: a failing RSA signature; arc-forwarded-pass: DKIM + ARC seal"
echo "   + ARC message signature, three RSA verifications)"
