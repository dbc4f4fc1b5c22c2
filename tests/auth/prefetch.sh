#!/bin/bash
# Through the milter protocol (miltertest, prefetch.lua): SPF's lookups run
# from MAIL FROM and the DKIM key's and DMARC record's from the end of the
# header, overlapping the body; a message whose lookups could not be made
# gets temperror and is still accepted.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/auth/dns.sh"
PY=/usr/bin/python3
work=$(pc_workdir auth-prefetch)
fx="$work/fixtures"

$PY "$top_srcdir/tests/auth/fixtures.py" "$fx" > "$work/fixtures.out" 2>&1 &&
	auth_dns_start "$work/dns" "$fx/zones" 2> "$work/dns.err"
r=$?
pc_result $r "fixtures served by knotd"
[ $r = 0 ] || { pc_diag "$work/fixtures.out" "$work/dns.err"; echo "1..$PC_N"; exit 1; }
mkdir -p "$work/spool"
pc_start_milter "$work" "unix:$work/milter.sock" -o spam.dns_servers="$AUTH_DNS_SERVER" \
	-o spam.dns_budget_ms=1000 -o auth.authserv_id=mx.test
AUTH_DNS_DIR=$AUTH_DNS_DIR miltertest -s "$top_srcdir/tests/auth/prefetch.lua" \
	-D SOCKET="unix:$work/milter.sock" -D DNSCTL="$top_srcdir/tests/auth/dnsctl.sh" \
	-D MSG="$fx/msgs/dkim-rsa-pass.eml" > "$work/miltertest.out" 2>&1
r=$?
pc_result $r "miltertest: lookups answered before end of message, DNS stopped, both accepted"
[ $r = 0 ] || pc_diag "$work/miltertest.out" "$work/milter.log"
grep 'PREFETCH1:' "$work/milter.log" | grep -q 'auth="spf:pass dkim:pass(good.test) dmarc:pass"'
r=$?
pc_result $r "results from the lookups made while the message came: spf, dkim, dmarc pass"
[ $r = 0 ] || grep 'PREFETCH1:' "$work/milter.log" | pc_diag /dev/stdin
grep 'PREFETCH2:' "$work/milter.log" | grep 'action=accept' |
	grep -q 'auth="spf:temperror dkim:none dmarc:temperror"'
r=$?
pc_result $r "lookups not made in advance, DNS gone: temperror, and the message is accepted"
[ $r = 0 ] || grep 'PREFETCH2:' "$work/milter.log" | pc_diag /dev/stdin
pc_stop_milter "$work"
pc_result $? "the daemon exits cleanly"
echo "1..$PC_N"
