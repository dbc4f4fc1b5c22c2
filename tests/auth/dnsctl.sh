#!/bin/bash
# The running test knotd, from another process (a miltertest script):
#   AUTH_DNS_DIR=DIR dnsctl.sh wait TYPE N   until N queries of TYPE were
#                                             answered (10 s at most)
#   AUTH_DNS_DIR=DIR dnsctl.sh stop           stop it; returns once gone
dir=${AUTH_DNS_DIR:?}
. "$(dirname "$0")/dns.sh"	# which empties AUTH_DNS_DIR
AUTH_DNS_DIR=$dir
case "$1" in
wait)
	for _ in $(seq 200); do
		[ "$(auth_dns_queries "$2")" -ge "$3" ] && exit 0
		sleep 0.05
	done
	echo "dnsctl: $(auth_dns_queries "$2") $2 queries, not $3" >&2
	exit 1 ;;
stop)
	pid=$(cat "$AUTH_DNS_DIR/run/knot.pid") || exit 1
	kill "$pid"
	for _ in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || exit 0
		sleep 0.05
	done
	exit 1 ;;
esac
exit 2
