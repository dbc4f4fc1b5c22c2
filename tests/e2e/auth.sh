#!/bin/bash
# Sender authentication (SPF, DKIM, DMARC, ARC) end to end, through a real
# Postfix on loopback: swaks -> Postfix (XCLIENT gives each message the
# fixture's client address and HELO) -> portcullis, whose DNS is a private
# knotd serving the zones of tests/auth/fixtures.py.
#  1. dkim-rsa-pass: delivered; our Authentication-Results (authserv-id
#     mx.test) is the first header and says spf, dkim and dmarc pass; so does
#     the log line, with the XCLIENT address as the client.
#  2. dmarc-reject-forged (bank.test, p=reject): 550 5.7.1 at the end of
#     DATA, logged as a reject for the DMARC policy, not delivered; with
#     auth.dmarc_reject_action = quarantine it is quarantined instead.
#  3. An incoming Authentication-Results claiming mx.test is removed; one
#     of another authserv-id stays.
#  4. p=quarantine failure (arc-forwarded-pass: news.test, the forwarder
#     changed the Subject): tagged "[forged]"; with arc_trusted_sealers =
#     forwarder.test its valid ARC chain excuses it, a broken chain does not.
#  5. signed_action = pass with signed_domains = good.test: a made-up
#     DKIM-Signature does not save an .exe attachment; the same message
#     really signed by good.test is delivered unchanged and still verifies.
#  6. knotd stopped: a message whose lookups are not cached is delivered
#     (not tempfailed), says temperror, within dns_budget_ms (500) plus
#     slack. A stopped server's port refuses the queries at once (a few ms);
#     a server that takes the queries and never answers makes the message
#     wait the budget, and no longer.
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"
. "$top_srcdir/tests/auth/dns.sh"

PY=/usr/bin/python3
PORT=${PC_AUTH_PORT:-21025}
BUDGET=500
# The log line's time= runs from MAIL FROM to the verdict: the DNS budget
# (one deadline for all of SPF, DKIM, ARC and DMARC) plus the rest of the
# scan and the DATA transfer on loopback.
TIME_MAX=$((BUDGET + 1000))
work=$(pc_workdir e2e-auth)
fx="$work/fx"
sock="unix:$work/milter.sock"
mkdir -p "$work/spool" "$work/quarantine" "$work/msgs"
export LC_ALL=C

for tool in knotd knotc kdig swaks postfix $PY; do
	command -v "$tool" > /dev/null && continue
	echo "Bail out! $tool is missing (./install-deps test)"
	exit 1
done
$PY "$top_srcdir/tests/auth/fixtures.py" "$fx" > "$work/fixtures.out" 2>&1 ||
	{ sed 's/^/# /' "$work/fixtures.out"; echo "Bail out! fixtures.py failed"; exit 1; }
auth_dns_start "$work/dns" "$fx/zones" 2> "$work/dns.err" ||
	{ sed 's/^/# /' "$work/dns.err"; echo "Bail out! knotd did not start"; exit 1; }
DNS="$AUTH_DNS_SERVER"

# The milter is waited for: on its way out it unlinks its socket path, which
# by then may be the next run's socket.
cleanup() {
	pf_stop "$work"
	for f in milter.pid silent.pid; do
		[ -f "$work/$f" ] && kill "$(cat "$work/$f")" 2>/dev/null && wait "$(cat "$work/$f")"
	done 2>/dev/null
	auth_dns_stop
}
# After auth_dns_start (and auth_dns_stop), which replace the EXIT trap.
trap cleanup EXIT

# Each start writes milter.log anew; the earlier ones are kept in milter.all.
start_milter() { # extra -o options
	if [ -f "$work/milter.pid" ]; then
		kill -TERM "$(cat "$work/milter.pid")"
		wait "$(cat "$work/milter.pid")" 2>/dev/null
		cat "$work/milter.log" >> "$work/milter.all"
	fi
	pc_start_milter "$work" "$sock" -o milter.socket_group=postfix \
		-o spam.dns_servers="$DNS" -o auth.authserv_id=mx.test \
		-o quarantine.quarantine_dir="$work/quarantine" "$@"
}

# send NAME CASE [FILE [swaks options]]: FILE (default: the case's message)
# to NAME@test.example, from the case's client address, HELO and MAIL FROM.
send() {
	local name=$1 c=$2 file=${3:-} ip helo mf
	shift 2
	[ $# -gt 0 ] && shift
	[ -n "$file" ] || file="$fx/msgs/$c.eml"
	read -r ip helo mf < <(awk -F'\t' -v c="$c" '$1 == c { print $2, $3, $4 }' "$fx/cases.tsv")
	[ "$mf" = "<>" ] && mf=
	# swaks ends the data with its own newline: without the file's last one
	# the message arrives as stored.
	head -c -1 "$file" > "$work/$name.data"
	swaks --server 127.0.0.1 --port "$PORT" --timeout 60 --from "$mf" \
		--to "$name@test.example" --helo "$helo" --xclient "ADDR=$ip HELO=$helo" \
		--data @"$work/$name.data" "$@" > "$work/$name.swaks" 2>&1
}
# The milter's log line for NAME (waits up to 10 s for it).
logline() {
	pc_wait_log "$work/milter.log" "to=<$1@test.example>.* action=" 1 &&
		grep "to=<$1@test.example>.* action=" "$work/milter.log" | tail -1
}
# A TAP result: NAME's log line holds every TEXT (shown when not).
log_has() { # name, description, text...
	local line r=0 name=$1 what=$2 text
	shift 2
	line=$(logline "$name")
	for text in "$@"; do
		[[ "$line" == *"$text"* ]] || r=1
	done
	pc_result $r "$what"
	[ $r = 0 ] || echo "# log line: $line"
}
# Waits up to 20 s for the Maildir file of NAME; prints its path.
delivered() {
	local i=0 f
	while [ $i -lt 200 ]; do
		f=$(grep -l -i "^Delivered-To: $1@test.example" "$work"/mail/maildir/new/* \
			2>/dev/null | head -1)
		[ -n "$f" ] && { echo "$f"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# Nothing for NAME in the Maildir once Postfix's queue is empty.
not_delivered() {
	pf_wait_queue_empty "$work" &&
		! grep -q -l -i "^Delivered-To: $1@test.example" "$work"/mail/maildir/new/* 2>/dev/null
}
# The header fields of FILE, one per line, unfolded; without the three the
# delivery agent adds on top (Return-Path, X-Original-To, Delivered-To).
fields() {
	awk '/^$/ { exit }
	     /^[ \t]/ { sub(/^[ \t]+/, " "); h = h $0; next }
	     { if (h != "") print h; h = $0 }
	     END { if (h != "") print h }' "$1" | grep -v -i -E '^(Return-Path|X-Original-To|Delivered-To):'
}
# The value of the log line's time= in whole ms.
logtime() { sed -n 's/.* time=\([0-9]*\)\(\.[0-9]*\)\{0,1\}ms.*/\1/p'; }
# FILE has every fixed string given (one per argument). In an unfolded
# Authentication-Results each method follows "; ": "; arc=pass", or
# "dmarc=pass" would match too.
has_all() {
	local f=$1 s
	shift
	for s in "$@"; do
		grep -q -F -- "$s" "$f" || { echo "# missing: $s"; return 1; }
	done
}

start_milter || { echo "Bail out! portcullis did not start"; exit 1; }
# XCLIENT from loopback; the clients it names are outside mynetworks.
PF_MAIN_EXTRA="smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination" \
	pf_start "$work" "$PORT" "$sock" || { echo "Bail out! Postfix did not start"; exit 1; }

# --- 1. DKIM, SPF and DMARC pass ----------------------------------------------
send c1 dkim-rsa-pass
f=$(delivered c1)
pc_result $? "dkim-rsa-pass: delivered"
fields "${f:-/dev/null}" > "$work/c1.fields"
first=$(head -1 "$work/c1.fields")
case "$first" in
"Authentication-Results: mx.test;"*) r=0 ;;
*) r=1 ;;
esac
pc_result $r "dkim-rsa-pass: the first header is our Authentication-Results (mx.test)"
[ $r = 0 ] || echo "# first header: $first"
echo "$first" > "$work/c1.ar"
has_all "$work/c1.ar" "mx.test; spf=pass (" "smtp.mailfrom=good.test;" \
	"; dkim=pass header.d=good.test " "; dmarc=pass " "header.from=good.test"
pc_result $? "dkim-rsa-pass: it says spf=pass, dkim=pass header.d=good.test, dmarc=pass"
[ "$(grep -c '^Authentication-Results:' "$work/c1.fields")" = 1 ]
pc_result $? "dkim-rsa-pass: one Authentication-Results"
log_has c1 "dkim-rsa-pass: log line: client [192.0.2.10] (XCLIENT), accept, auth=\"spf:pass dkim:pass(good.test) dmarc:pass\"" \
	"[192.0.2.10]" "action=accept" 'auth="spf:pass dkim:pass(good.test) dmarc:pass"'

# --- 2. DMARC p=reject -------------------------------------------------------
send c2 dmarc-reject-forged
# The 550 answers the end of DATA (the line after " -> ."), not MAIL or RCPT.
grep -A1 -x -F -- ' -> .' "$work/c2.swaks" | grep -q '^<\*\* *550 5.7.1 '
pc_result $? "dmarc-reject-forged: 550 5.7.1 at the end of DATA, through Postfix"
log_has c2 "dmarc-reject-forged: logged as action=reject for bank.test's DMARC policy" \
	'action=reject reason="' 'DMARC policy of bank.test (p=reject)' \
	'auth="spf:fail dkim:fail(bank.test) dmarc:fail"'

# --- 3. Authentication-Results claiming our authserv-id ----------------------
{
	printf 'Authentication-Results: mx.test; dkim=pass header.d=bank.test (forged-1)\n'
	printf 'Authentication-Results: (a comment) MX.Test;\n\tspf=pass (forged-2)\n'
	printf 'Authentication-Results: relay.other.example; spf=pass (kept-3)\n'
	cat "$fx/msgs/dkim-rsa-pass.eml"
} > "$work/msgs/c3.eml"
send c3 dkim-rsa-pass "$work/msgs/c3.eml"
f=$(delivered c3)
fields "${f:-/dev/null}" > "$work/c3.fields"
[ -n "$f" ] && ! grep -q "forged-1" "$f" && ! grep -q "forged-2" "$f"
pc_result $? "incoming Authentication-Results claiming mx.test (any case, after a comment) are removed"
[ -n "$f" ] && grep -q "^Authentication-Results: relay.other.example; spf=pass (kept-3)" \
	"$work/c3.fields" && [ "$(grep -c '^Authentication-Results:' "$work/c3.fields")" = 2 ] &&
	head -1 "$work/c3.fields" | grep -q '^Authentication-Results: mx.test;.*; dkim=pass header.d=good.test '
pc_result $? "another authserv-id's stays; ours is on top, the only one claiming mx.test"
[ -n "$f" ] && grep -q 'dkim:pass(good.test) dmarc:pass' <<< "$(logline c3)"
pc_result $? "the headers added above the signature do not break it"

# --- 4. DMARC p=quarantine: the subject tag, unless a trusted ARC chain ---------
send c4 arc-forwarded-pass
f=$(delivered c4)
grep -q -x 'Subject: \[forged\] \[fwd\] Weekly' <(fields "${f:-/dev/null}")
pc_result $? "arc-forwarded-pass (news.test p=quarantine, DKIM broken): Subject tagged [forged]"
[ -n "$f" ] && grep -q '^Authentication-Results: mx.test;.*; dmarc=fail .*; arc=pass ' <(fields "$f")
pc_result $? "... its Authentication-Results say dmarc=fail and arc=pass"
not_delivered c2
pc_result $? "dmarc-reject-forged was not delivered"

# --- 2 (continued), 4 (continued): another configuration ----------------------
start_milter -o auth.dmarc_reject_action=quarantine -o auth.arc_trusted_sealers=forwarder.test ||
	{ echo "Bail out! portcullis did not restart"; exit 1; }
send c2q dmarc-reject-forged
line=$(logline c2q)
grep -A1 -x -F -- ' -> .' "$work/c2q.swaks" | grep -q '^<- *250 ' &&
	[ "$(ls "$work"/quarantine/*.meta 2>/dev/null | wc -l)" = 1 ] &&
	case "$line" in *'action=quarantine'*'DMARC policy of bank.test'*) true ;; *) false ;; esac
r=$?
pc_result $r "dmarc_reject_action = quarantine: 250 to the client, quarantined, logged so"
[ $r = 0 ] || echo "# log line: $line"
send c4t arc-forwarded-pass
f=$(delivered c4t)
grep -q -x 'Subject: \[fwd\] Weekly' <(fields "${f:-/dev/null}")
pc_result $? "arc_trusted_sealers = forwarder.test: the valid ARC chain excuses it (no tag)"
send c4b arc-broken-seal
f=$(delivered c4b)
grep -q -x 'Subject: \[forged\] \[fwd\] Weekly' <(fields "${f:-/dev/null}") &&
	grep -q '^Authentication-Results: mx.test;.*; arc=fail ' <(fields "$f")
pc_result $? "... a broken ARC seal from the same sealer does not (tagged, arc=fail)"
not_delivered c2q
pc_result $? "the quarantined message was not delivered"
# Released, it passes the milter again (non_smtpd_milters) from this host,
# where it would fail SPF and DMARC anew: the release mark lets it through.
id=$(basename "$(ls "$work"/quarantine/*.meta 2>/dev/null | head -1)" .meta)
MAIL_CONFIG="$work/etc" "$top_builddir/portcullisctl" -c /dev/null \
	-o quarantine.quarantine_dir="$work/quarantine" \
	-o quarantine.release_key_file="$work/release.key" quarantine release "$id" \
	> "$work/release.out" 2>&1
f=$(delivered c2q)
[ -n "$f" ] && grep -q '^From: Bank Security <security@bank.test>' "$f" &&
	grep -q "to=<c2q@test.example>.*released=$id" "$work/milter.log"
r=$?
pc_result $r "released by portcullisctl, it is delivered (released=$id in the log)"
[ $r = 0 ] || pc_diag "$work/release.out" "$work/milter.log"

# --- 5. signed_action = pass only for a verified signature of signed_domains ---
# The same shape twice: a text part and tool.exe (a name filter_action
# replaces by default); one with a made-up DKIM-Signature claiming
# good.test, one really signed by good.test's key (dkimpy, relaxed/relaxed).
$PY - "$work/msgs" "$fx/keys/good-rsa.pem" <<'PY' || { echo "Bail out! cannot make the signed messages"; exit 1; }
import base64, os, sys
import dkim
out, pem = sys.argv[1], open(sys.argv[2], "rb").read()
def msg(subject, msgid):
    exe = base64.encodebytes(b"not a program, only named like one\n" * 4).decode()
    return ("From: Alice <alice@good.test>\nTo: bob@example.test\nSubject: %s\n"
            "Date: Thu, 03 Dec 2026 12:00:00 +0000\nMessage-ID: <%s>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
            "Content-Type: text/plain; charset=us-ascii\n\nThe tool is attached.\n\n--b1\n"
            "Content-Type: application/octet-stream; name=\"tool.exe\"\n"
            "Content-Disposition: attachment; filename=\"tool.exe\"\n"
            "Content-Transfer-Encoding: base64\n\n%s\n--b1--\n" % (subject, msgid, exe)).encode()
fake = (b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=good.test; s=rsa;\n"
        b"\th=from:to:subject:date:message-id; bh=" + base64.b64encode(bytes(32)) +
        b";\n\tb=" + base64.b64encode(os.urandom(256)) + b"\n")
open(os.path.join(out, "fake.eml"), "wb").write(fake + msg("pc-fake-signed", "51@good.test"))
m = msg("pc-signed", "52@good.test").replace(b"\n", b"\r\n")
sig = dkim.sign(m, b"rsa", b"good.test", pem, canonicalize=(b"relaxed", b"relaxed"),
                include_headers=[b"from", b"to", b"subject", b"date", b"message-id",
                                 b"mime-version", b"content-type"])
open(os.path.join(out, "signed.eml"), "wb").write((sig + m).replace(b"\r\n", b"\n"))
PY
# Verifies FILE's first DKIM-Signature with dkimpy, keys from knotd.
dkim_ok() {
	$PY - "$1" "$AUTH_DNS_PORT" <<'PY'
import sys
import dkim, dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers, r.port = ["127.0.0.1"], int(sys.argv[2])
def txt(name, timeout=5):
    name = name.decode() if isinstance(name, bytes) else name
    return b"".join(b"".join(rr.strings) for rr in r.resolve(name, "TXT", lifetime=timeout))
data = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
sys.exit(0 if dkim.verify(data, dnsfunc=txt) else 1)
PY
}
body() { awk 'f; /^\r?$/ { f = 1 }' "$1" | tr -d '\r' | md5sum; }
mime() { $PY "$top_srcdir/tests/e2e/mime-check.py" "$@" > "$work/mime.out" 2>&1 ||
	{ sed 's/^/# /' "$work/mime.out" | tail -15; return 1; }; }
dkim_ok "$work/msgs/signed.eml"
pc_result $? "the message signed for the test verifies before sending (dkimpy, knotd's key)"
start_milter -o auth.signed_domains=good.test -o policy.signed_action=pass ||
	{ echo "Bail out! portcullis did not restart"; exit 1; }
send c5f dkim-rsa-pass "$work/msgs/fake.eml"
f=$(delivered c5f)
[ -n "$f" ] && mime "$f" --no-attachment tool.exe --notice-for tool.exe
pc_result $? "a made-up DKIM-Signature (d=good.test): tool.exe replaced all the same"
[ -n "$f" ] && grep -q '^Authentication-Results: mx.test;.*; dkim=fail .*header.d=good.test' \
	<(fields "$f")
pc_result $? "... and our Authentication-Results say its dkim=fail"
send c5s dkim-rsa-pass "$work/msgs/signed.eml"
f=$(delivered c5s)
[ -n "$f" ] && mime "$f" --attachment tool.exe && [ "$(body "$f")" = "$(body "$work/msgs/signed.eml")" ]
pc_result $? "really signed by good.test (signed_domains): delivered with tool.exe, body unchanged"
[ -n "$f" ] && dkim_ok "$f"
pc_result $? "... and its signature still verifies on the delivered copy"

# --- 6. DNS down -------------------------------------------------------------
start_milter -o spam.dns_budget_ms=$BUDGET || { echo "Bail out! portcullis did not restart"; exit 1; }
send c6a dkim-rsa-pass
log_has c6a "dns_budget_ms = $BUDGET, knotd up: dkim-rsa-pass passes" \
	'auth="spf:pass dkim:pass(good.test) dmarc:pass"'
auth_dns_stop
trap cleanup EXIT
# dmarc-strict-pass: strict.test's names were never asked for.
send c6 dmarc-strict-pass
grep -A1 -x -F -- ' -> .' "$work/c6.swaks" | grep -q '^<- *250 '
pc_result $? "knotd stopped: dmarc-strict-pass gets 250 (not a tempfail)"
f=$(delivered c6)
[ -n "$f" ] && fields "$f" | head -1 > "$work/c6.ar" &&
	has_all "$work/c6.ar" "Authentication-Results: mx.test; spf=temperror" \
		"; dkim=temperror " "header.d=strict.test" "; dmarc=temperror "
pc_result $? "knotd stopped: delivered, its Authentication-Results say temperror (spf, dkim, dmarc)"
line=$(logline c6)
ms=$(logtime <<< "$line")
case "$line" in
*'action=accept'*'auth="spf:temperror dkim:temperror(strict.test) dmarc:temperror"'*)
	[ -n "$ms" ] && [ "$ms" -le $TIME_MAX ] ;;
*) false ;;
esac
r=$?
pc_result $r "knotd stopped: logged as accept with temperror, time=${ms:-?}ms <= $TIME_MAX"
[ $r = 0 ] || echo "# log line: $line"
# A server that takes the queries and never answers (on knotd's port).
rm -f "$work/silent.ready"
$PY -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close()
time.sleep(600)' "$AUTH_DNS_PORT" "$work/silent.ready" &
echo $! > "$work/silent.pid"
for _ in $(seq 100); do [ -f "$work/silent.ready" ] && break; sleep 0.05; done
send c6s dmarc-pass-spf-relaxed
f=$(delivered c6s)
[ -n "$f" ] && fields "$f" | head -1 > "$work/c6s.ar" &&
	has_all "$work/c6s.ar" "Authentication-Results: mx.test; spf=temperror" "; dmarc=temperror "
pc_result $? "DNS silent: dmarc-pass-spf-relaxed delivered, temperror"
line=$(logline c6s)
ms=$(logtime <<< "$line")
[ -n "$ms" ] && [ "$ms" -le $TIME_MAX ] && [ "$ms" -ge $((BUDGET * 8 / 10)) ]
r=$?
pc_result $r "DNS silent: it waited for the budget, no longer: $((BUDGET * 8 / 10)) <= time=${ms:-?}ms <= $TIME_MAX"
[ $r = 0 ] || echo "# log line: $line"

echo "1..$PC_N"
