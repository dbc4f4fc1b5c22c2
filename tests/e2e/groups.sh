#!/bin/bash
# Policy groups end to end, through two real Postfix instances on loopback:
#   swaks -> Postfix "edge" (no milter; relays, retries deferred recipients
#   as any MTA does) -> Postfix "mx" with portcullis -> Maildir.
# Group sales (*@sales.test) refuses filtered attachments; the default
# replaces them with a notice.  One message with a .exe to ann@sales.test
# and bob@test.example:
#   split:     bob is deferred with 452 4.5.3 at RCPT, edge retries him in a
#              transaction of his own: ann's copy is refused (550, bounced to
#              the sender), bob's is delivered with the notice;
#   strictest: the message is refused for both; a clean one reaches both.
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"

MX=${PC_GROUPS_PORT:-20625}
EDGE=$((MX + 2))
work=$(pc_workdir e2e-groups)
mx=$work/mx
edge=$work/edge
mkdir -p "$mx/spool" "$work/groups.d"
sock="unix:$mx/milter.sock"
echo "1..10"

cleanup() {
	pf_stop "$edge"
	pf_stop "$mx"
	[ -f "$mx/milter.pid" ] && kill "$(cat "$mx/milter.pid")" 2>/dev/null
}
trap cleanup EXIT

cat > "$work/groups.d/sales.conf" <<CONF
[group:sales]
recipients = *@sales.test
block = infected, unscannable, filtered
CONF
printf 'not a program, only named like one\n' > "$work/tool.exe"

start_milter() { # group_conflict
	if [ -f "$mx/milter.pid" ]; then
		kill -TERM "$(cat "$mx/milter.pid")"
		wait "$(cat "$mx/milter.pid")" 2>/dev/null
	fi
	pc_start_milter "$mx" "$sock" -o milter.socket_group=postfix \
		-o groups.groups_dir="$work/groups.d" -o groups.group_conflict="$1"
}

# Copies delivered for SUBJECT to RCPT (Postfix's virtual delivery adds
# Delivered-To for each recipient).
delivered_to() {
	grep -l -F "Subject: $1" "$mx"/mail/maildir/new/* 2>/dev/null |
		xargs -r grep -l -i "^Delivered-To: $2" 2>/dev/null
}

# Waits up to 30 s for a copy (or a bounce naming SUBJECT) for RCPT.
wait_for() {
	local i=0
	while [ $i -lt 300 ]; do
		[ -n "$(delivered_to "$1" "$2")" ] && return 0
		postqueue -c "$edge/etc" -f > /dev/null 2>&1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

send() { # subject, swaks arguments...
	local subject=$1
	shift
	swaks --server 127.0.0.1 --port "$EDGE" --from sender@test.example \
		--to ann@sales.test,bob@test.example --header "Subject: $subject" \
		--timeout 60 "$@" > "$work/$subject.swaks" 2>&1
}

start_milter split || exit 1
pf_start "$mx" "$MX" "$sock" || exit 1
postconf -c "$mx/etc" -e "virtual_mailbox_domains = test.example, sales.test"
postfix -c "$mx/etc" reload > /dev/null 2>&1
pf_start "$edge" "$EDGE" || exit 1
postconf -c "$edge/etc" -e "virtual_mailbox_domains =" \
	"relay_domains = test.example, sales.test" \
	"transport_maps = inline:{ test.example=smtp:[127.0.0.1]:$MX, sales.test=smtp:[127.0.0.1]:$MX }" \
	"minimal_backoff_time = 1s" "maximal_backoff_time = 2s" "queue_run_delay = 1s"
postfix -c "$edge/etc" reload > /dev/null 2>&1
sleep 1

# --- split ---------------------------------------------------------------
send pc-split --attach "$work/tool.exe"
wait_for pc-split bob@test.example
f=$(delivered_to pc-split bob@test.example)
[ -n "$f" ] && grep -q "^X-Virus-Status: Filtered (name:\*.exe), 1 attachment replaced" "$f" &&
	grep -q "removed by the mail filter" "$f"
pc_result $? "split: bob (default group) gets the message with the .exe replaced by a notice"
[ -n "$f" ] || pc_diag "$edge/log/postfix.log" "$mx/milter.log"
[ -z "$(delivered_to pc-split ann@sales.test)" ]
pc_result $? "split: ann (group sales) gets no copy"
grep -q "to=<bob@test.example>.*452 4.5.3 Recipient has another mail policy" "$edge/log/postfix.log"
pc_result $? "split: edge was told 452 4.5.3 for bob at RCPT and retried him"
wait_for "Undelivered Mail Returned to Sender" sender@test.example
b=$(grep -l -F "Subject: pc-split" "$mx"/mail/maildir/new/* | xargs -r grep -l "^Subject: Undelivered")
[ -n "$b" ] && grep -q "^Final-Recipient: rfc822; ann@sales.test" "$b" &&
	grep -q "^Diagnostic-Code: smtp; 550 5.7.1 Message rejected: filtered" "$b" &&
	! grep -q "^Final-Recipient: rfc822; bob@test.example" "$b"
pc_result $? "split: the sender's bounce names ann with 550 5.7.1, not bob"
grep -q "pc-split\|group=sales " "$mx/milter.log" && grep -q " group=sales av=filtered" "$mx/milter.log" &&
	grep -q "to=<bob@test.example> .*group=default av=filtered" "$mx/milter.log"
pc_result $? "split: the milter logged one transaction per group"
grep -q "to=<bob@test.example> deferred: group default differs" "$mx/milter.log"
pc_result $? "split: the deferral is logged"

# --- strictest -----------------------------------------------------------
start_milter strictest || exit 1
rm -f "$mx"/mail/maildir/new/*
send pc-strict --attach "$work/tool.exe"
wait_for "Undelivered Mail Returned to Sender" sender@test.example
b=$(grep -l -F "Subject: pc-strict" "$mx"/mail/maildir/new/* | xargs -r grep -l "^Subject: Undelivered")
[ -n "$b" ] && grep -q "<ann@sales.test>.*550 5.7.1" "$b" && grep -q "<bob@test.example>.*550 5.7.1" "$b"
pc_result $? "strictest: the message is refused for both recipients (bounce names both)"
[ -z "$(delivered_to pc-strict ann@sales.test)" ] && [ -z "$(delivered_to pc-strict bob@test.example)" ]
pc_result $? "strictest: nobody gets a copy"
grep -q "group=sales(strictest of sales,default) av=filtered(name:\*.exe) action=reject" \
	"$mx/milter.log"
pc_result $? "strictest: logged with both groups and the winner"
send pc-strict-clean --body "Nothing attached."
wait_for pc-strict-clean ann@sales.test && wait_for pc-strict-clean bob@test.example
pc_result $? "strictest: a clean message reaches both recipients"
