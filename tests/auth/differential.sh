#!/bin/bash
# Differential check: for every fixture case, portcullis's SPF, DKIM, DMARC
# and ARC results (portcullis --scan with the case's envelope, ours.py) equal
# the reference implementations' (pyspf, dkimpy, authheaders: reference.py),
# both asking the same knotd.  The table is printed as TAP comments.  Where
# we differ on purpose the difference is listed below and must be exactly
# that.  Also with the DNS server stopped: both say temperror.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/auth/dns.sh"
here="$top_srcdir/tests/auth"
PY=/usr/bin/python3
PC="$top_builddir/portcullis"
work=$(pc_workdir auth-differential)
fx="$work/fixtures"
export LC_ALL=C
sigs=(-o av.database_dir="$top_srcdir/tests/data/sigs")

# case -> our result line where it differs from the reference on purpose:
# l= lets anyone append to the body, so such a signature is "policy" here
# (it verifies, but grants nothing: no DMARC alignment, no signed_action).
declare -A deliberate=(
	[dkim-length-appended]="dkim-length-appended	pass	pass	policy:good.test	pass	none	none"
)

$PY "$here/fixtures.py" "$fx" > "$work/fixtures.out" 2>&1 &&
	auth_dns_start "$work/dns" "$fx/zones" 2> "$work/dns.err"
r=$?
pc_result $r "fixtures written and served by knotd"
[ $r = 0 ] || { pc_diag "$work/fixtures.out" "$work/dns.err"; echo "1..$PC_N"; exit 1; }

$PY "$here/reference.py" --tsv "$fx" "$AUTH_DNS_SERVER" > "$work/reference.tsv" 2> "$work/ref.err" &&
	$PY "$here/ours.py" "$PC" "$fx" "$AUTH_DNS_SERVER" "${sigs[@]}" > "$work/ours.tsv" 2> "$work/ours.err"
r=$?
pc_result $r "both sides evaluate every case"
[ $r = 0 ] || pc_diag "$work/ref.err" "$work/ours.err"

printf '# %-28s %-58s %s\n' case "portcullis (spf helo dkim dmarc policy arc)" reference
agree=0 total=0
while IFS= read -r ref; do
	case=${ref%%	*}
	got=$(awk -F'\t' -v c="$case" '$1 == c' "$work/ours.tsv")
	want=${deliberate[$case]:-$ref}
	mark=" "
	[ "$got" = "$ref" ] || mark="*"
	printf '# %-28s %-58s %s %s\n' "$case" "$(echo "${got#*	}" | tr '\t' ' ')" \
		"$(echo "${ref#*	}" | tr '\t' ' ')" "$mark"
	[ "$got" = "$want" ] && agree=$((agree + 1))
	[ "$got" = "$want" ] || echo "# ^ differs from the reference (not a listed difference)"
	total=$((total + 1))
done < "$work/reference.tsv"
[ "$total" -ge 30 ] && [ "$agree" = "$total" ]
pc_result $? "all $total cases equal the reference ($agree agree; * = a listed difference)"

# The comparison can fail: a DNS server that does not answer changes every result.
$PY "$here/ours.py" "$PC" "$fx" 127.0.0.1:9 "${sigs[@]}" -o spam.dns_budget_ms=200 > "$work/dead.tsv" 2>&1
! cmp -s "$work/dead.tsv" "$work/reference.tsv" &&
	grep -q '^dkim-rsa-pass	temperror	temperror	temperror:good.test	temperror	-	none$' \
		"$work/dead.tsv"
pc_result $? "with no DNS answer the results differ: temperror, never a guess"

# Stopped mid-run: the server that answered is gone; both sides say temperror.
port=$AUTH_DNS_PORT
auth_dns_stop
grep -E '^(dkim-rsa-pass|dmarc-reject-forged)	' "$fx/cases.tsv" > "$work/two.tsv"
cp "$fx/cases.tsv" "$work/all.tsv"
{ grep '^#' "$work/all.tsv"; cat "$work/two.tsv"; } > "$fx/cases.tsv"
$PY "$here/reference.py" --tsv "$fx" "127.0.0.1:$port" > "$work/ref-down.tsv" 2>&1
$PY "$here/ours.py" "$PC" "$fx" "127.0.0.1:$port" "${sigs[@]}" -o spam.dns_budget_ms=500 \
	> "$work/ours-down.tsv" 2>&1
cmp -s "$work/ref-down.tsv" "$work/ours-down.tsv" && grep -q temperror "$work/ours-down.tsv"
r=$?
pc_result $r "with knotd stopped both sides give the same temperror results"
[ $r = 0 ] || pc_diag "$work/ref-down.tsv" "$work/ours-down.tsv"
mv "$work/all.tsv" "$fx/cases.tsv"
echo "1..$PC_N"
