#!/bin/bash
# End to end through a real Postfix on loopback: swaks talks SMTP to Postfix,
# Postfix talks milter protocol 6 to portcullis, mail lands in a Maildir.
#   clean mail delivered and stamped (forged stamp replaced)
#   ClamAV's test files attached: 550 5.7.1 naming the signature
#   EICAR in a text body: 550 5.7.1
#   block_action = quarantine: 250, not delivered, stored byte-identical
#   milter down with milter_default_action = tempfail: 4xx, nothing lost
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"

PORT=${PC_POSTFIX_PORT:-20025}
work=$(pc_workdir e2e-postfix)
mkdir -p "$work/spool" "$work/quarantine"
sock="unix:$work/milter.sock"
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
FILES="clam.exe clam.zip clam.7z clam.cab clam.pdf clam.ole.doc clam.tar.gz clam.exe.bz2 clam-upx.exe"
n=0
echo "1..$((8 + $(echo $FILES | wc -w)))"

result() { # ok?, description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
send() { # name, swaks arguments...; transcript in $work/NAME.swaks
	name=$1
	shift
	swaks --server 127.0.0.1 --port "$PORT" --from sender@example.org \
		--to rcpt@test.example --timeout 60 "$@" > "$work/$name.swaks" 2>&1
}
diag() { sed 's/^/# /' "$@" | tail -25; }

trap 'pf_stop "$work"; [ -f "$work/milter.pid" ] && kill "$(cat "$work/milter.pid")" 2>/dev/null' EXIT
pc_start_milter "$work" "$sock" -o milter.socket_group=postfix || exit 1
pf_start "$work" "$PORT" "$sock" || exit 1

# (a) clean mail: delivered with X-Virus-Status: Clean; a forged one is gone.
send clean --header "Subject: pc-clean-1" --add-header "X-Virus-Status: Infected (forged)" \
	--body "A clean message."
f=$(pf_wait_delivered "$work" "pc-clean-1")
[ -n "$f" ] && grep -q "^X-Virus-Status: Clean" "$f" && grep -q "^X-Virus-Scanned: portcullis" "$f" &&
	[ "$(grep -c '^X-Virus-Status:' "$f")" = 1 ]
result $? "clean message delivered with X-Virus-Status: Clean (forged header replaced)"
[ -n "$f" ] || diag "$work/clean.swaks" "$work/milter.log"

# (b) each ClamAV test file as a base64 attachment: 550 5.7.1 naming it.
for file in $FILES; do
	send "att-$file" --header "Subject: pc-$file" --attach "/usr/share/clamav-testfiles/$file"
	grep -q "<\*\* *550 5.7.1 Message rejected: virus Clam.Test.File-SHA256.UNOFFICIAL found" \
		"$work/att-$file.swaks"
	ok=$?
	result $ok "$file attached: 550 5.7.1 naming Clam.Test.File-SHA256"
	[ $ok = 0 ] || diag "$work/att-$file.swaks"
done

# (c) EICAR in a text body.
send eicar --header "Subject: pc-eicar" --body "$EICAR"
grep -q "<\*\* *550 5.7.1 Message rejected: virus Eicar-Test-Signature.UNOFFICIAL found" \
	"$work/eicar.swaks"
result $? "EICAR in a text body: 550 5.7.1 naming Eicar-Test-Signature"

pf_wait_queue_empty "$work"
delivered=$(grep -l "pc-clam\|pc-eicar" "$work"/mail/maildir/new/* 2>/dev/null | wc -l)
[ "$delivered" = 0 ]
result $? "no infected message was delivered"

# (d) quarantine: 250 to the client, not delivered, stored byte-identical.
kill -TERM "$(cat "$work/milter.pid")"; wait "$(cat "$work/milter.pid")"
pc_start_milter "$work" "$sock" -o milter.socket_group=postfix \
	-o policy.block_action=quarantine -o quarantine.quarantine_dir="$work/quarantine" || exit 1
printf 'Line one of the quarantined body.\r\n%s\r\n..leading dot\r\nlast line\r\n' "$EICAR" \
	> "$work/qbody"
# swaks ends the DATA with its own CRLF, so the file it reads omits the last one.
{ printf 'From: sender@example.org\r\nTo: rcpt@test.example\r\nSubject: pc-quarantine\r\n\r\n'
  head -c -2 "$work/qbody"; } > "$work/qmsg"
send quarantine --data @"$work/qmsg"
grep -q "<- *250 " "$work/quarantine.swaks" && ! grep -q "<\*\*" "$work/quarantine.swaks"
result $? "quarantine: the SMTP client gets 250"
pf_wait_queue_empty "$work"
eml=$(ls "$work"/quarantine/*.eml 2>/dev/null | head -1)
! grep -l "pc-quarantine" "$work"/mail/maildir/new/* > /dev/null 2>&1 && [ -n "$eml" ]
result $? "quarantine: not delivered, stored in quarantine_dir"
# The stored file must end with exactly the body sent, right after the empty
# line that ends the headers.
blen=$(stat -c %s "$work/qbody")
[ -n "$eml" ] && tail -c "$blen" "$eml" | cmp -s - "$work/qbody" &&
	[ "$(tail -c $((blen + 4)) "$eml" | head -c 4 | od -An -c | tr -d ' ')" = '\r\n\r\n' ] && env="${eml%.eml}.meta" &&
	grep -q "^sender=sender@example.org" "$env" && grep -q "^recipients=rcpt@test.example;" "$env" &&
	grep -q "^Subject: pc-quarantine" "$eml"
result $? "quarantine: body byte-identical, headers and envelope recorded"

# Milter stopped while Postfix runs: 4xx, nothing delivered or queued unscanned.
kill -TERM "$(cat "$work/milter.pid")"; wait "$(cat "$work/milter.pid")"
rm -f "$work/milter.pid"
send down --header "Subject: pc-milter-down" --body "Must not pass unscanned."
grep -q "<\*\* *4[0-9][0-9] " "$work/down.swaks" && ! grep -q "<- *250 .*queued" "$work/down.swaks"
result $? "milter stopped: the client gets 4xx"
sleep 1
pf_wait_queue_empty "$work" && ! grep -l "pc-milter-down" "$work"/mail/maildir/new/* > /dev/null 2>&1
result $? "milter stopped: the message is neither delivered nor queued"
