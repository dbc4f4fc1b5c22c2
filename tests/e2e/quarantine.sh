#!/bin/bash
# Quarantine, release and notifications end to end, through a real Postfix
# on loopback.  portcullis quarantines infected mail (block_action =
# quarantine), tells the administrator, and for group sales (*@sales.test)
# rejects filtered mail and tells the recipient.  Notifications go through
# Postfix's own sendmail (MAIL_CONFIG points it at this instance) and land
# in the Maildir like any mail; then through an SMTP relay that is down at
# first.  portcullisctl lists, shows and releases; the released copy
# arrives unchanged and is not quarantined again; a forged release mark
# does not get past; without a release key a notification that is itself
# spam causes no other; a quarantine that cannot be written tempfails.
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"

PORT=${PC_QUARANTINE_PORT:-20725}
RELAY=$((PORT + 3))
work=$(pc_workdir e2e-quarantine)
mkdir -p "$work/spool" "$work/quarantine" "$work/groups.d"
sock="unix:$work/milter.sock"
CTL="$top_builddir/portcullisctl"
echo "1..24"

cleanup() {
	pf_stop "$work"
	[ -f "$work/milter.pid" ] && kill "$(cat "$work/milter.pid")" 2>/dev/null
	mountpoint -q "$work/small" && umount "$work/small"
}
trap cleanup EXIT
export MAIL_CONFIG="$work/etc"

cat > "$work/portcullis.conf" <<CONF
[policy]
block_action = quarantine
[notify]
notify_admin = infected
admin_address = admin@test.example
retry_interval = 1
[quarantine]
quarantine_dir = $work/quarantine
release_key_file = $work/release.key
[groups]
groups_dir = $work/groups.d
CONF
cat > "$work/groups.d/sales.conf" <<CONF
[group:sales]
recipients = *@sales.test
block = infected, unscannable, filtered
block_action = reject
notify_recipients = infected, filtered
CONF
printf 'not a program, only named like one\n' > "$work/tool.exe"

start_milter() { # extra -o options
	if [ -f "$work/milter.pid" ]; then
		kill -TERM "$(cat "$work/milter.pid")"
		wait "$(cat "$work/milter.pid")" 2>/dev/null
	fi
	pc_start_milter "$work" "$sock" -o milter.socket_group=postfix -c "$work/portcullis.conf" \
		-o notify.notify_admin=infected "$@"
}
ctl() { "$CTL" -c "$work/portcullis.conf" "$@"; }
send() { # name, swaks arguments...
	local name=$1
	shift
	swaks --server 127.0.0.1 --port "$PORT" --from sender@test.example --timeout 60 "$@" \
		> "$work/$name.swaks" 2>&1
}
# Waits up to 30 s for a Maildir file for RCPT containing TEXT; prints it.
wait_mail() {
	local i=0 f
	while [ $i -lt 300 ]; do
		f=$(grep -l -i "^Delivered-To: $1" "$work"/mail/maildir/new/* 2>/dev/null |
			xargs -r grep -l -F -- "$2" 2>/dev/null | head -1)
		[ -n "$f" ] && { echo "$f"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
entries() { ls "$work"/quarantine/*.meta 2>/dev/null | wc -l; }

start_milter || exit 1
pf_start "$work" "$PORT" "$sock" || exit 1
postconf -c "$work/etc" -e "virtual_mailbox_domains = test.example, sales.test"
postfix -c "$work/etc" reload > /dev/null 2>&1

# --- quarantine and the administrator's notification -----------------------
send infected --to rcpt@test.example --header "Subject: pc-quarantined" \
	--attach /usr/share/clamav-testfiles/clam.exe
grep -q "<- *250 " "$work/infected.swaks" && [ "$(entries)" = 1 ]
pc_result $? "infected mail: 250 to the client, one quarantine entry"
id=$(basename "$(ls "$work"/quarantine/*.meta | head -1)" .meta)
f=$(wait_mail admin@test.example "pc-quarantined")
[ -n "$f" ] && grep -q "^Auto-Submitted: auto-generated" "$f" &&
	grep -q "^Return-Path: <>" "$f" && grep -q -F "$id" "$f" &&
	grep -q "Clam.Test.File-SHA256.UNOFFICIAL" "$f" && grep -q "clam.exe" "$f" &&
	grep -q "127.0.0.1" "$f" && grep -q -i "quarantine" "$f"
pc_result $? "the administrator's notification arrives, from <>, with id, signature, file, client"
[ -n "$f" ] || pc_diag "$work/milter.log"
qid=$(grep -o "[0-9A-F]\{8,\}: from=<sender@test.example> to=<rcpt@test.example>" \
	"$work/milter.log" | head -1 | cut -d: -f1)
[ -n "$f" ] && [ -n "$qid" ] && grep -q -F "$qid" "$f"
pc_result $? "the notification names the message's queue id ($qid)"
sleep 1
! grep -l -i "^Delivered-To: sender@test.example" "$work"/mail/maildir/new/* 2>/dev/null |
	xargs -r grep -l "pc-quarantined" | grep -q .
pc_result $? "the sender of infected mail is not notified"
grep -q "a notification of ours: it causes none\|notification to <admin@test.example> queued" \
	"$work/milter.log" && [ "$(grep -c "notification to <admin@test.example> queued" \
	"$work/milter.log")" = 1 ]
pc_result $? "exactly one notification was queued (the notification itself caused none)"

# --- the recipient's notification (group sales) ----------------------------
send sales --to bob@sales.test --header "Subject: pc-sales-exe" --attach "$work/tool.exe"
grep -q "<\*\* *550 5.7.1 Message rejected: filtered" "$work/sales.swaks"
pc_result $? "group sales: the .exe is rejected"
f=$(wait_mail bob@sales.test "pc-sales-exe")
[ -n "$f" ] && grep -q "tool.exe" "$f" && grep -q "sender@test.example" "$f"
pc_result $? "group sales: the recipient is told, with the file name and the sender"

# --- portcullisctl: list, show, release --------------------------------------
ctl quarantine list > "$work/list.out" 2>&1 && grep -q -F "$id" "$work/list.out" &&
	grep -q "infected" "$work/list.out"
pc_result $? "quarantine list shows the entry"
ctl quarantine list --json > "$work/list.json" 2>&1 &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(sys.argv[2] in json.dumps(e) for e in (d if isinstance(d, list) else d.get("entries", []))) else 1)' \
	"$work/list.json" "$id"
pc_result $? "quarantine list --json is JSON and has the entry"
ctl quarantine show "$id" > "$work/show.out" 2>&1 && grep -q "rcpt@test.example" "$work/show.out" &&
	grep -q "Subject: pc-quarantined" "$work/show.out" && grep -q "clam.exe" "$work/show.out"
pc_result $? "quarantine show: envelope, headers and the object tree"
ctl quarantine release "$id" > "$work/release.out" 2>&1
pc_result $? "quarantine release exits 0"
f=$(wait_mail rcpt@test.example "pc-quarantined")
orig=$(awk 'f; /^\r?$/ { f = 1 }' "$work/quarantine/$id.eml" | tr -d '\r' | md5sum)
got=$([ -n "$f" ] && awk 'f; /^\r?$/ { f = 1 }' "$f" | tr -d '\r' | md5sum)
[ -n "$f" ] && [ "$orig" = "$got" ] && grep -q "^X-Virus-Status: Released from quarantine ($id)" "$f" &&
	! grep -q "^X-Portcullis-Release:" "$f"
pc_result $? "the released message reaches the original recipient with the original content"
[ -n "$f" ] || pc_diag "$work/release.out" "$work/milter.log"
[ "$(entries)" = 1 ] && grep -q "released=$id" "$work/milter.log"
pc_result $? "the released copy is not quarantined again"
ctl quarantine release 20990101T000000-NOSUCH-00000000 > "$work/unknown.out" 2>&1
[ $? = 2 ] && grep -q "no entry 20990101T000000-NOSUCH-00000000" "$work/unknown.out"
pc_result $? "release of an unknown id exits 2 with a clear message"

# --- a forged release mark does not bypass scanning --------------------------
t=$(date +%s)
send forged --to rcpt@test.example --header "Subject: pc-forged" \
	--add-header "X-Portcullis-Release: id=$id; t=$t; mac=$(printf '%064d' 0)" \
	--attach /usr/share/clamav-testfiles/clam.exe
sleep 0.5
[ "$(entries)" = 2 ] && grep -q "release mark refused" "$work/milter.log"
pc_result $? "a forged release mark is refused: the message is quarantined like any other"
! grep -l "pc-forged" "$work"/mail/maildir/new/* 2>/dev/null | xargs -r grep -l "^Delivered-To: rcpt" | grep -q .
pc_result $? "the forged message is not delivered"

# --- an SMTP relay that is down loses no notification -------------------------
start_milter -o notify.relay="127.0.0.1:$RELAY" || exit 1
send relay --to rcpt@test.example --header "Subject: pc-relay-down" \
	--attach /usr/share/clamav-testfiles/clam.exe
sleep 3
ls "$work/spool/notify" | grep -q . && grep -q "127.0.0.1:$RELAY" "$work/milter.log"
pc_result $? "relay down: the notification stays queued, the failure is logged"
echo "127.0.0.1:$RELAY inet n - n - - smtpd" >> "$work/etc/master.cf"
postfix -c "$work/etc" reload > /dev/null 2>&1
f=$(wait_mail admin@test.example "pc-relay-down")
[ -n "$f" ]
pc_result $? "relay back: the queued notification is delivered"
[ -n "$f" ] || pc_diag "$work/milter.log"

# --- no notification loop, even without a release key --------------------------
# The notification about a virus with GTUBE in its Subject is spam; it
# passes the milter again (non_smtpd_milters) on its way to the
# administrator.  The old code, without a key, notified about it, and about
# that notification, and so on (126-512 of them in 4-8 s).
start_milter -o quarantine.release_key_file="$work/nokey/release.key" \
	-o notify.notify_admin=infected,spam || exit 1
send loop --to rcpt@test.example \
	--header "Subject: pc-loop XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X" \
	--attach /usr/share/clamav-testfiles/clam.exe
f=$(wait_mail admin@test.example "pc-loop")
[ -n "$f" ] && grep -q "a notification of ours: it causes none" "$work/milter.log"
pc_result $? "without a release key the notification still passes the milter as one of ours"
pf_wait_queue_empty "$work"
queued=$(grep -c "notification to <admin@test.example> queued" "$work/milter.log")
[ "$queued" = 1 ]
pc_result $? "one notification for the one message (no loop; $queued queued)"

# --- a quarantine that cannot be written: 4xx, nothing lost -------------------
mkdir -p "$work/small"
mount -t tmpfs -o size=64k tmpfs "$work/small"
start_milter -o quarantine.quarantine_dir="$work/small" || exit 1
head -c 200000 /dev/urandom | base64 > "$work/big.txt"
send full --to rcpt@test.example --header "Subject: pc-full" \
	--attach /usr/share/clamav-testfiles/clam.exe --attach "$work/big.txt"
grep -q "<\*\* *451 4.3.0" "$work/full.swaks" && grep -q "No space left on device" "$work/milter.log"
pc_result $? "quarantine full: 451 4.3.0 to the client, the log says why"
[ -z "$(ls -A "$work/small" | grep -v '^\.index$')" ]
pc_result $? "quarantine full: no partial entry is left behind"
mount -o remount,ro "$work/small"
send readonly --to rcpt@test.example --header "Subject: pc-readonly" \
	--attach /usr/share/clamav-testfiles/clam.exe
grep -q "<\*\* *451 4.3.0" "$work/readonly.swaks" && grep -q "Read-only file system" "$work/milter.log"
pc_result $? "quarantine not writable: 451 4.3.0, the log says why"
pf_wait_queue_empty "$work"
! grep -l "pc-full\|pc-readonly" "$work"/mail/maildir/new/* 2>/dev/null |
	xargs -r grep -l "^Delivered-To: rcpt" | grep -q .
pc_result $? "neither message was delivered (the client keeps them and retries)"
