#!/bin/bash
# End to end through a real Postfix: what happens to parts, checked on the
# delivered message by re-parsing it (tests/e2e/parts.py).
#   (a) infected zip -> placeholder: notice names clam.zip and the signature,
#       text part byte-identical, valid MIME    (b) the same with remove
#   (c) clam.exe as invoice.pdf with AV off: filtered by type mismatch
#   (d) report.pdf.exe: filtered by double extension
#   (e) password-protected zip: encrypted -> rename
#   (f) zips nested past max_archive_depth: unscannable -> 550, not 4xx
#   (g) docs.zip holding setup.exe: filtered by the name filter
#   (h) ClamAV's test mails and attachments: 550 in every scan_mode
#   (i) signed message with an infected attachment, each signed_action
#   (j) 100 MB message with a 90 MB attachment: scanned, delivered, RSS
#   (k) thousands of empty parameters: parsed, delivered, never 4xx
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"

PORT=${PC_PARTS_PORT:-20625}
work=$(pc_workdir e2e-parts)
mkdir -p "$work/spool" "$work/msgs"
sock="unix:$work/milter.sock"
check() { python3 "$top_srcdir/tests/e2e/parts.py" check "$@"; }
python3 "$top_srcdir/tests/e2e/parts.py" make "$work/msgs" || exit 1
MAILS="clam.mail clam.exe.mbox.base64 clam.exe.mbox.uu"
FILES="clam.exe clam.zip clam.7z clam.cab clam.pdf clam.ole.doc clam.tar.gz clam.exe.bz2 clam-upx.exe"
n=0
echo "1..$((21 + 4 * 12))"

result() { # ok?, description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
diag() { sed 's/^/# /' "$@" | tail -15; }
send() { # name, swaks arguments...
	local name=$1
	shift
	swaks --server 127.0.0.1 --port "$PORT" --from sender@example.org \
		--to rcpt@test.example --timeout 120 "$@" > "$work/$name.swaks" 2>&1
}
send_file() { # name, message file: swaks adds the final CRLF itself
	head -c -2 "$2" > "$work/$1.data"
	send "$1" --data @"$work/$1.data"
}
accepted() { grep -q "<- *250 .*queued" "$work/$1.swaks" && ! grep -q "<\*\* *4" "$work/$1.swaks"; }
refused() { grep -q "<\*\* *550 5.7.1 $2" "$work/$1.swaks"; }
delivered() { pf_wait_delivered "$work" "$1"; }
restart() { # portcullis options...
	if [ -f "$work/milter.pid" ]; then
		kill -TERM "$(cat "$work/milter.pid")" 2>/dev/null
		wait "$(cat "$work/milter.pid")" 2>/dev/null
	fi
	pc_start_milter "$work" "$sock" -o milter.socket_group=postfix "$@"
}

trap 'pf_stop "$work"; [ -f "$work/milter.pid" ] && kill "$(cat "$work/milter.pid")" 2>/dev/null; rm -f "$work/big.eml" "$work/big.data"' EXIT
restart -o policy.block=unscannable || exit 1
pf_start "$work" "$PORT" "$sock" || exit 1

# (a) infected -> placeholder
send_file a "$work/msgs/a-placeholder.eml"
accepted a
result $? "(a) infected zip, infected not blocked: accepted (250)"
f=$(delivered pc-parts-a)
check "$f" --valid --notice clam.zip Clam.Test.File-SHA256.UNOFFICIAL --no-attachment clam.zip \
	--same-part "$work/msgs/a-placeholder.eml" 1 \
	--header "X-Virus-Status: Infected (Clam.Test.File-SHA256.UNOFFICIAL), 1 attachment replaced" \
	> "$work/a.check" 2>&1
result $? "(a) delivered: zip replaced by a notice naming clam.zip and the signature, text part byte-identical, valid MIME"
[ -s "$work/a.check" ] && diag "$work/a.check"

# (b) the same with remove
restart -o policy.block=unscannable -o policy.infected_action=remove || exit 1
send_file b "$work/msgs/a-placeholder.eml"
f=$(delivered pc-parts-a | grep -v "${f:-none}")
[ -z "$f" ] && f=$(ls -t "$work"/mail/maildir/new/* | head -1)
check "$f" --valid --no-attachment clam.zip --same-part "$work/msgs/a-placeholder.eml" 1 \
	--header "X-Virus-Status: Infected (Clam.Test.File-SHA256.UNOFFICIAL), 1 attachment removed" \
	> "$work/b.check" 2>&1 && [ "$(grep -c 'File:' "$f")" = 0 ]
result $? "(b) remove: delivered without the zip and without a notice, text part byte-identical, valid MIME"
[ -s "$work/b.check" ] && diag "$work/b.check"

# (c) clam.exe as invoice.pdf with AV off: filtered by type mismatch
restart -o scan.av=no || exit 1
send_file c "$work/msgs/c-mismatch.eml"
f=$(delivered pc-parts-c)
check "$f" --valid --notice invoice.pdf type-mismatch --no-attachment invoice.pdf \
	--header "X-Virus-Status: Filtered" > "$work/c.check" 2>&1
result $? "(c) AV off: invoice.pdf that is a PE is filtered by type mismatch (placeholder)"
[ -s "$work/c.check" ] && diag "$work/c.check" "$work/milter.log"
grep -q "scan=none part=2 name=\"invoice.pdf\" .*status=filtered" "$work/milter.log"
result $? "(c) the log names the part; libclamav did not run"

# (d) double extension, (e) encrypted -> rename, (g) name inside an archive
restart -o policy.encrypted_action=rename || exit 1
send_file d "$work/msgs/d-double.eml"
f=$(delivered pc-parts-d)
check "$f" --valid --notice report.pdf.exe double-extension --no-attachment report.pdf.exe \
	> "$work/d.check" 2>&1
result $? "(d) report.pdf.exe (clean content): filtered by double extension"
[ -s "$work/d.check" ] && diag "$work/d.check"
send_file e "$work/msgs/e-encrypted.eml"
f=$(delivered pc-parts-e)
check "$f" --valid --attachment secret.zip.blocked --no-attachment secret.zip \
	--header "X-Virus-Status: Encrypted (Heuristics.Encrypted.Zip), 1 attachment renamed" \
	> "$work/e.check" 2>&1
result $? "(e) password-protected zip: encrypted, renamed secret.zip.blocked"
[ -s "$work/e.check" ] && diag "$work/e.check"
send_file g "$work/msgs/g-docs.eml"
f=$(delivered pc-parts-g)
check "$f" --valid --notice docs.zip setup.exe --no-attachment docs.zip \
	--header "X-Virus-Status: Filtered (name:*.exe), 1 attachment replaced" > "$work/g.check" 2>&1
result $? "(g) docs.zip holding setup.exe: filtered by *.exe, notice names both"
[ -s "$work/g.check" ] && diag "$work/g.check"

# (f) nesting past the limit: unscannable, blocked with a 5xx that says why
restart -o scan.max_archive_depth=3 || exit 1
send_file f "$work/msgs/f-nested.eml"
refused f "Message rejected: unscannable attachment (limit:MaxRecursion)"
result $? "(f) zips nested past max_archive_depth: 550 5.7.1 unscannable attachment"
[ $? = 0 ] || diag "$work/f.swaks"
! grep -q "<\*\* *4" "$work/f.swaks"
result $? "(f) no 4xx for a deterministic limit"

# (k) thousands of empty parameters: parsed and delivered
send_file k "$work/msgs/k-parameters.eml"
accepted k && f=$(delivered pc-parts-k) && check "$f" --header "X-Virus-Status: Clean" \
	> "$work/k.check" 2>&1
result $? "(k) Content-Type with 5000 empty parameters: parsed, delivered Clean, no 4xx"
[ -s "$work/k.check" ] && diag "$work/k.check"

# (i) signed message, infected attachment, each signed_action
for action in modify pass block; do
	restart -o policy.block=unscannable -o policy.signed_action=$action || exit 1
	send_file "i-$action" "$work/msgs/i-signed.eml"
	case $action in
	modify)
		f=$(delivered "pc-parts-i")
		check "$f" --valid --notice clam.zip Clam.Test --no-attachment clam.zip \
			--header "X-Virus-Status: Infected" > "$work/i.check" 2>&1
		result $? "(i) signed, signed_action=modify: delivered with the zip replaced" ;;
	pass)
		sleep 1
		f=$(ls -t "$work"/mail/maildir/new/* | head -1)
		grep -q "pc-parts-i" "$f" &&
			check "$f" --attachment clam.zip --same-part "$work/msgs/i-signed.eml" 2 \
			--header "X-Virus-Status: Infected (Clam.Test.File-SHA256.UNOFFICIAL)" \
			> "$work/i.check" 2>&1 && ! grep -q "attachment replaced" "$f"
		result $? "(i) signed, signed_action=pass: delivered unchanged, status in the header" ;;
	block)
		refused "i-$action" "Message rejected: virus Clam.Test.File-SHA256.UNOFFICIAL found"
		result $? "(i) signed, signed_action=block: 550 5.7.1" ;;
	esac
	[ -s "$work/i.check" ] && diag "$work/i.check"
	rm -f "$work/i.check"
done

# (h) ClamAV's test mails and attached test files: 550 in every scan_mode
for mode in auto parts message both; do
	restart -o scan.scan_mode=$mode || exit 1
	for mail in $MAILS; do
		sed '1{/^From /d}' "/usr/share/clamav-testfiles/$mail" | sed 's/$/\r/' > "$work/h.eml"
		send_file "h-$mode-$mail" "$work/h.eml"
		refused "h-$mode-$mail" "Message rejected: virus Clam.Test.File-SHA256.UNOFFICIAL found"
		result $? "(h) $mode: $mail refused 550 5.7.1"
	done
	for file in $FILES; do
		send "h-$mode-$file" --header "Subject: pc-parts-h-$file" \
			--attach "/usr/share/clamav-testfiles/$file"
		refused "h-$mode-$file" "Message rejected: virus Clam.Test.File-SHA256.UNOFFICIAL found"
		result $? "(h) $mode: $file attached refused 550 5.7.1"
	done
done
pf_wait_queue_empty "$work"
! grep -l "pc-parts-h" "$work"/mail/maildir/new/* > /dev/null 2>&1
result $? "(h) none of them was delivered"

# (j) 100 MB message, 90 MB attachment (random, clean): scanned and delivered
postconf -c "$work/etc" -e message_size_limit=209715200 > /dev/null
postfix -c "$work/etc" reload > /dev/null 2>&1
sleep 1
restart -o message.max_message_size=200M || exit 1
pid=$(cat "$work/milter.pid")
rss() { awk -v k="$1" '$1 == k ":" { print $2 }' "/proc/$pid/status"; }
before=$(rss VmRSS)
python3 "$top_srcdir/tests/e2e/parts.py" big "$work/big.eml" 68
size=$(stat -c %s "$work/big.eml")
send_file j "$work/big.eml"
accepted j
result $? "(j) $((size / 1048576)) MB message with a 68 MB (90 MB encoded) attachment: accepted"
f=$(delivered pc-parts-j)
# Maildir stores LF line ends: the delivered file is smaller by one byte a line.
lines=$(wc -l < "$work/big.eml")
[ -n "$f" ] && [ "$(stat -c %s "$f")" -gt "$((size - lines))" ] &&
	check "$f" --header "X-Virus-Status: Clean" > "$work/j.check" 2>&1
result $? "(j) delivered whole, X-Virus-Status: Clean"
[ -s "$work/j.check" ] && diag "$work/j.check"
grep "av=clean" "$work/milter.log" | tail -1 | sed 's/^/# /'
hwm=$(rss VmHWM)
# Most of the peak is the spool file and the decoded attachment, mapped and
# read once: page cache pages counted in RSS, not heap.
echo "# (j) portcullis RSS before ${before} kB, after $(rss VmRSS) kB, peak ${hwm} kB: growth $(( (hwm - before) / 1024 )) MB for a $((size / 1048576)) MB message"
[ "$hwm" -lt 1048576 ]
result $? "(j) peak RSS below 1 GB ($((hwm / 1024)) MB)"
grep -q "av=clean .*scan=parts" "$work/milter.log"
result $? "(j) scanned part by part"

pf_wait_queue_empty "$work"
result $? "the queue ends empty"
! grep -q "<\*\* *4" "$work"/*.swaks
result $? "no message anywhere was tempfailed"
