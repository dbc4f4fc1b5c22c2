#!/bin/bash
# The sender-authentication fixtures test what they say they test: knotd
# serves the zones fixtures.py writes, and the reference implementations
# (pyspf, dkimpy, authheaders: reference.py) give every case the results
# written beside it in cases.tsv, for the reason the case is about. Also: a
# zone edit is served after auth_dns_reload, and with knotd stopped lookups
# fail (temperror), which the DNS-failure tests rely on.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/auth/dns.sh"
here="$top_srcdir/tests/auth"
PY=/usr/bin/python3
work=$(pc_workdir auth-fixtures)
fx="$work/fixtures"
export LC_ALL=C

for tool in knotd knotc kdig $PY; do
	command -v "$tool" > /dev/null && continue
	echo "not ok 1 - $tool is missing (./install-deps test)"
	echo "1..1"
	exit 1
done
$PY -c 'import dkim, nacl, spf, authheaders, dns.resolver, cryptography' 2> "$work/import.err"
r=$?
pc_result $r "the reference implementations import (./install-deps test installs them)"
[ $r = 0 ] || { pc_diag "$work/import.err"; echo "1..$PC_N"; exit 1; }

$PY "$here/fixtures.py" "$fx" > "$work/fixtures.out" 2>&1
pc_result $? "fixtures.py writes keys, zones, messages and cases.tsv"
[ -s "$fx/cases.tsv" ] || { pc_diag "$work/fixtures.out"; echo "1..$PC_N"; exit 1; }

auth_dns_start "$work/dns" "$fx/zones" 2> "$work/dns.err"
r=$?
pc_result $r "knotd answers for every zone on $AUTH_DNS_SERVER"
[ $r = 0 ] || { pc_diag "$work/dns.err"; echo "1..$PC_N"; exit 1; }

# --- every case: the reference's results are the expected ones -------------
$PY "$here/reference.py" "$fx" "$AUTH_DNS_SERVER" > "$work/reference.txt" 2>&1
$PY "$here/reference.py" --tsv "$fx" "$AUTH_DNS_SERVER" > "$work/reference.tsv" 2> "$work/reference.err"
pc_result $? "reference.py evaluates every case"
pc_diag "$work/reference.err"
grep -v '^#' "$fx/cases.tsv" | cut -f1,5- > "$work/expected.tsv"
cases=0
while IFS= read -r line; do
	case=${line%%	*}
	got=$(awk -F'\t' -v c="$case" '$1 == c' "$work/reference.tsv")
	[ "$got" = "$line" ]
	r=$?
	pc_result $r "$case: reference gives $(echo "${line#*	}" | tr '\t' ' ')"
	[ $r = 0 ] || echo "# reference: ${got:-nothing}" | tr '\t' ' '
	cases=$((cases + 1))
done < "$work/expected.tsv"
[ "$cases" -ge 30 ]
pc_result $? "cases.tsv has all the cases ($cases)"

# --- ... and for the reason the case is named after -------------------------
$PY "$here/reference.py" --reasons "$fx" "$AUTH_DNS_SERVER" > "$work/reasons.tsv" 2>&1
reason() { # case, fixed string one of its reasons must contain
	awk -F'\t' -v c="$1" '$1 == c' "$work/reasons.tsv" | grep -qF -- "$2"
	pc_result $? "$1: the reference says why: $2"
}
reason dkim-body-altered "body hash mismatch"
reason dkim-header-altered "signature did not verify"
reason dkim-no-key "missing public key"
reason dkim-revoked "could not parse RSA public key (b'')"
reason dkim-expired "x= value is past"
# Too small is checked after the signature verified: the key is the issue.
reason dkim-weak-key "public key too small: 512"
reason spf-too-many-lookups "Too many DNS lookups"
reason arc-forwarded-pass "success"
reason arc-broken-seal "ARC-Seal[1] did not validate"
# The l= case must really carry appended text outside the signed length.
grep -q '^Appended by a list' "$fx/msgs/dkim-length-appended.eml" &&
	grep -q '; l=[0-9]' "$fx/msgs/dkim-length-appended.eml"
pc_result $? "dkim-length-appended has l= and text after the signed length"

# --- reload -----------------------------------------------------------------
sed -i 's/^\(@ SOA .*\) 1 3600 /\1 2 3600 /' "$fx/zones/evil.test.zone"
echo 'reload TXT "reloaded"' >> "$fx/zones/evil.test.zone"
auth_dns_reload &&
	kdig @127.0.0.1 -p "$AUTH_DNS_PORT" +short TXT reload.evil.test | grep -q '"reloaded"'
pc_result $? "auth_dns_reload serves an edited zone"

# --- DNS down ---------------------------------------------------------------
port=$AUTH_DNS_PORT
auth_dns_stop
! kdig @127.0.0.1 -p "$port" +timeout=1 +retry=0 +short TXT good.test > "$work/down.out" 2>&1
pc_result $? "with knotd stopped a lookup gets no answer"
$PY "$here/reference.py" --tsv --case dkim-rsa-pass "$fx" "127.0.0.1:$port" \
	> "$work/down.tsv" 2>&1
printf 'dkim-rsa-pass\ttemperror\ttemperror\ttemperror:good.test\ttemperror\t-\tnone\n' |
	cmp -s - "$work/down.tsv"
r=$?
pc_result $r "with knotd stopped the reference gives temperror for SPF, DKIM and DMARC"
[ $r = 0 ] || pc_diag "$work/down.tsv"
echo "1..$PC_N"
