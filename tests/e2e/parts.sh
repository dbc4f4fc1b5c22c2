#!/bin/bash
# Per-part actions end to end: swaks -> private Postfix -> portcullis ->
# Maildir, every delivered message re-parsed with Python's email package
# (mime-check.py).  Messages come from make-messages.py.
#   (a) infected zip, infected not blocked: placeholder, text byte-identical
#   (b) the same with infected_action = remove
#   (c) a PE sent as invoice.pdf (application/pdf), AV off: type-mismatch
#   (d) report.pdf.exe: double extension, placeholder
#   (e) a zip with a password: encrypted_action = rename (secret.zip.blocked)
#   (f) zips nested deeper than max_archive_depth: 550 unscannable, no 4xx
#   (g) docs.zip holding setup.exe: filtered by the inner name
#   (h) ClamAV's test messages and attachments: 550 in every scan_mode
#   (i) multipart/signed with an infected zip: signed_action modify/pass/block
#   (j) a large message (90 MB attachment): scanned, delivered, RSS reported
#   (k) a Content-Type with 5000 empty parameters: delivered Clean, no 4xx
#   (l) a file name that decodes to new parts: placeholder and rename keep
#       exactly the parts they should (the part-injection attack)
# Every delivered case: 250 (never 4xx) and the queue ends empty.
# PC_PARTS_BIG_SIZE sets the size of (j)'s attachment (decoded bytes),
# PC_PARTS_BIG_OPTS adds milter options for (j) (e.g. "-o scan.raw_scan=text").
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"

PORT=${PC_PARTS_PORT:-20425}
BIG_SIZE=${PC_PARTS_BIG_SIZE:-90000000}
BIG_OPTS=${PC_PARTS_BIG_OPTS:-}
work=$(pc_workdir e2e-parts)
msgs="$work/msgs"
mkdir -p "$work/spool" "$msgs"
sock="unix:$work/milter.sock"
TF=/usr/share/clamav-testfiles
SIG=Clam.Test.File-SHA256.UNOFFICIAL
MIMECHECK="$top_srcdir/tests/e2e/mime-check.py"
ATTACH="clam.exe clam.zip clam.7z clam.cab clam.pdf clam.ole.doc clam.tar.gz clam.exe.bz2 clam-upx.exe"
WHOLE="clam.mail clam.exe.mbox.base64 clam.exe.mbox.uu"
MODES="auto parts message both"
n=0
echo "1..138"

result() { # ok?, description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
diag() { sed 's/^/# /' "$@" | tail -25; }
diag_swaks() { echo "# --- swaks $1"; diag "$work/$1.swaks"; }
diag_milter() { echo "# --- milter log"; grep -v "^$" "$work/milter.log" | diag; }
send() { # name, swaks arguments...; transcript in $work/NAME.swaks
	local name=$1
	shift
	swaks --server 127.0.0.1 --port "$PORT" --from sender@example.org \
		--to rcpt@test.example --timeout 120 --suppress-data "$@" > "$work/$name.swaks" 2>&1
}
queued() { # name: the client got 250 for the DATA and no 4xx anywhere
	grep -q "<- *250 .*queued" "$work/$1.swaks" && ! grep -q "<[-*]* *4[0-9][0-9][ -]" "$work/$1.swaks"
}
rejected() { # name, pattern: 5xx matching, no 4xx, nothing queued
	grep -q "<\*\* *$2" "$work/$1.swaks" && ! grep -q "<[-*]* *4[0-9][0-9][ -]" "$work/$1.swaks" &&
		! grep -q "<- *250 .*queued" "$work/$1.swaks"
}
milter() { # (re)start portcullis with these options
	if [ -f "$work/milter.pid" ]; then
		pc_stop_milter "$work" || echo "# portcullis exited with status $PC_MILTER_STATUS"
		cat "$work/milter.log" >> "$work/milter-all.log"
	fi
	pc_start_milter "$work" "$sock" -o milter.socket_group=postfix "$@" || exit 1
}
# Sends msgs/FILE as case NAME and checks it arrives; $f is the delivered
# file ("" when it did not).  Two results: 250 without 4xx, delivered.
deliver() { # name, file, description
	f=
	send "$1" --data @"$msgs/$2"
	queued "$1"
	result $? "$3: 250, no 4xx"
	if grep -q "<- *250 .*queued" "$work/$1.swaks"; then
		f=$(pf_wait_delivered "$work" "Subject: pc-parts-$1")
	fi
	[ -n "$f" ]
	result $? "$3: delivered"
	[ -n "$f" ] || { diag_swaks "$1"; diag_milter; }
}
# mime-check on the delivered file; its output is the diagnostic.
check() { # description, mime-check flags...
	local what=$1 out rc
	shift
	if [ -z "$f" ]; then
		result 1 "$what (not delivered)"
		return
	fi
	out=$(python3 "$MIMECHECK" "$f" "$@" 2>&1)
	rc=$?
	result $rc "$what"
	[ $rc = 0 ] || { echo "$out" | diag; grep "action=" "$work/milter.log" | tail -3 | diag; }
}
queue_empty() { # description
	pf_wait_queue_empty "$work"
	local rc=$?
	result $rc "$1 queue empty"
	[ $rc = 0 ] || postqueue -c "$work/etc" -p | diag
}
# The milter's log line for case NAME: by the queue id Postfix gave swaks,
# else the last verdict logged.
logline() {
	local qid
	qid=$(sed -n 's/^<- *250 .*queued as \([0-9A-Za-z]*\).*/\1/p' "$work/$1.swaks" | tail -1)
	if [ -n "$qid" ]; then
		grep -F "$qid: " "$work/milter.log" | grep "action=" | tail -1
	else
		grep "action=" "$work/milter.log" | tail -1
	fi
}
log_has() { # case, description, fixed strings...
	local c=$1 what=$2 line s ok=0
	shift 2
	line=$(logline "$c")
	for s in "$@"; do
		case "$line" in *"$s"*) ;; *) ok=1 ;; esac
	done
	result $ok "$what"
	[ $ok = 0 ] || { echo "# log line: $line"; diag_milter; }
}
rss() { # "VmHWM VmRSS" in kB of the milter
	awk '/^VmHWM:/ { h = $2 } /^VmRSS:/ { r = $2 } END { print h + 0, r + 0 }' \
		"/proc/$(cat "$work/milter.pid")/status"
}

cleanup() {
	pf_stop "$work"
	[ -f "$work/milter.pid" ] && kill "$(cat "$work/milter.pid")" 2>/dev/null
	rm -f "$work/big.eml"
	find "$work/mail" -type f -size +50M -delete 2>/dev/null
}
trap cleanup EXIT

command -v zip > /dev/null || { echo "Bail out! zip is not installed (Debian package zip)"; exit 1; }
printf 'The secret plans.\n' > "$work/plans.txt"
(cd "$work" && zip -q -P secret secret.zip plans.txt) &&
	python3 "$top_srcdir/tests/e2e/make-messages.py" "$msgs" --encrypted-zip "$work/secret.zip" ||
	{ echo "Bail out! make-messages.py failed"; exit 1; }

# (a) and (i) modify share one configuration.
milter -o policy.block=unscannable -o policy.signed_action=modify
pf_start "$work" "$PORT" "$sock" || { echo "Bail out! Postfix did not start"; exit 1; }
# (j) needs more than the default 60 MB; raised once for the whole run.
postconf -c "$work/etc" -e "message_size_limit = 400000000" &&
	postfix -c "$work/etc" reload > /dev/null 2>&1

# (a) infected attachment, infected not in block: placeholder.
deliver a a.eml "(a) text + clam.zip, infected not blocked"
check "(a) valid MIME" --valid
check "(a) clam.zip replaced by a notice naming it, its status and the signature" \
	--no-attachment clam.zip --notice-for clam.zip --notice-contains "Status:  infected" \
	--notice-contains "virus $SIG found" --leaf-parts 2
check "(a) text part byte-identical" --part-identical "$msgs/text-part"
check "(a) X-Virus-Status names the signature and the replacement" \
	--header "X-Virus-Status: Infected ($SIG), 1 attachment replaced"
log_has a "(a) log: part 2 clam.zip infected, placeholder" 'part=2 name="clam.zip"' \
	"status=infected" "part_action=placeholder"
queue_empty "(a)"

# (i) multipart/signed with an infected zip, signed_action = modify (pass
# and block below).
deliver i-modify i-modify.eml "(i) signed, signed_action=modify"
check "(i) modify: valid MIME" --valid
check "(i) modify: clam.zip replaced by a notice" --no-attachment clam.zip \
	--notice-for clam.zip --notice-contains "virus $SIG found" --attachment smime.p7s
check "(i) modify: text part byte-identical" --part-identical "$msgs/text-part"
check "(i) modify: X-Virus-Status: Infected ..., 1 attachment replaced" \
	--header "X-Virus-Status: Infected ($SIG), 1 attachment replaced"
queue_empty "(i) modify"

# (b) the same with infected_action = remove.
milter -o policy.block=unscannable -o policy.infected_action=remove
deliver b b.eml "(b) text + clam.zip, infected_action=remove"
check "(b) valid MIME" --valid
check "(b) clam.zip removed, no notice, only the text part left" \
	--no-attachment clam.zip --leaf-parts 1
check "(b) text part byte-identical" --part-identical "$msgs/text-part"
check "(b) X-Virus-Status: Infected ..., 1 attachment removed" \
	--header "X-Virus-Status: Infected ($SIG), 1 attachment removed"
queue_empty "(b)"

# (c) clam.exe declared application/pdf, named invoice.pdf, AV off.
milter -o scan.av=no
deliver c c.eml "(c) PE as invoice.pdf, scan.av=no"
check "(c) valid MIME" --valid
check "(c) invoice.pdf replaced by a notice whose reason says type-mismatch" \
	--no-attachment invoice.pdf --notice-for invoice.pdf --notice-contains "Status:  filtered" \
	--notice-contains "type-mismatch"
check "(c) text part byte-identical" --part-identical "$msgs/text-part"
check "(c) X-Virus-Status: Filtered ..." --header-prefix "X-Virus-Status: Filtered"
queue_empty "(c)"

# (d), (g), (k) on the defaults; (e) and (f) change keys that do not
# touch them.
milter -o policy.encrypted_action=rename -o scan.max_archive_depth=3
# (d) double extension.
deliver d d.eml "(d) report.pdf.exe (text content)"
check "(d) valid MIME" --valid
check "(d) report.pdf.exe replaced by a notice whose reason says double-extension" \
	--no-attachment report.pdf.exe --notice-for report.pdf.exe \
	--notice-contains "Status:  filtered" --notice-contains "double-extension"
check "(d) text part byte-identical" --part-identical "$msgs/text-part"
check "(d) X-Virus-Status: Filtered ..." --header-prefix "X-Virus-Status: Filtered"
queue_empty "(d)"

# (g) an archive member matching the name filter.
deliver g g.eml "(g) docs.zip holding setup.exe"
check "(g) valid MIME" --valid
check "(g) docs.zip replaced by a notice naming it" \
	--no-attachment docs.zip --notice-for docs.zip --notice-contains "Status:  filtered"
check "(g) the notice names setup.exe" --notice-for docs.zip --notice-contains "setup.exe"
log_has g "(g) log: docs.zip filtered by name, placeholder" 'name="docs.zip"' \
	"status=filtered" "names=name:*.exe" "part_action=placeholder"
check "(g) text part byte-identical" --part-identical "$msgs/text-part"
check "(g) X-Virus-Status: Filtered ..." --header-prefix "X-Virus-Status: Filtered"
queue_empty "(g)"

# (k) thousands of empty Content-Type parameters: parsed, never a 4xx.
for v in folded long; do
	deliver "k-$v" "k-$v.eml" "(k) 5000 empty parameters ($v header)"
	check "(k) $v: X-Virus-Status: Clean, text part byte-identical" \
		--header "X-Virus-Status: Clean" --part-identical "$msgs/text-part"
	queue_empty "(k) $v"
done

# (l) a file name that decodes to a delimiter line and the headers of new
# parts: the delivered message has exactly the parts the decision kept.
deliver l-placeholder l-placeholder.eml "(l) injected parts in a .exe name, placeholder"
check "(l) placeholder: valid MIME, text and notice only, no evil.com" --valid \
	--leaf-parts 2 --no-attachment evil.com
check "(l) placeholder: text part byte-identical" --part-identical "$msgs/text-part"
check "(l) placeholder: X-Virus-Status: Filtered ..., 1 attachment replaced" \
	--header "X-Virus-Status: Filtered (name:*.exe), 1 attachment replaced"
queue_empty "(l) placeholder"

# (e) password-protected zip, encrypted_action = rename.
deliver e e.eml "(e) secret.zip with a password"
check "(e) valid MIME" --valid
check "(e) renamed to secret.zip.blocked, content unchanged" --no-attachment secret.zip \
	--attachment secret.zip.blocked --attachment-equals "secret.zip.blocked=$work/secret.zip"
check "(e) text part byte-identical" --part-identical "$msgs/text-part"
check "(e) X-Virus-Status: Encrypted ..." --header-prefix "X-Virus-Status: Encrypted"
queue_empty "(e)"

# (l) the same attack through rename, which writes the name into the
# part's header.
milter -o policy.filtered_action=rename
deliver l-rename l-rename.eml "(l) injected part in a .exe name, rename"
check "(l) rename: valid MIME, two leaf parts, no text/html part" --valid --leaf-parts 2 \
	--no-type text/html
queue_empty "(l) rename"
milter -o policy.encrypted_action=rename -o scan.max_archive_depth=3

# (f) nesting over max_archive_depth (3 here): unscannable, blocked by default.
send f --data @"$msgs/f.eml"
rejected f "550 5.7.1 .*unscannable"
ok=$?
result $ok "(f) zips nested 6 deep, max_archive_depth=3: 550 5.7.1 unscannable, no 4xx"
[ $ok = 0 ] || { diag_swaks f; diag_milter; }
pf_wait_queue_empty "$work" && ! grep -qs "pc-parts-f" "$work"/mail/maildir/new/*
result $? "(f) nothing delivered, queue empty"

# (h) ClamAV's test files in every scan_mode: 550 naming the signature.
for mode in $MODES; do
	milter -o scan.scan_mode="$mode"
	for file in $WHOLE $ATTACH; do
		name="h-$mode-$file"
		case " $WHOLE " in
		*" $file "*) send "$name" --data @"$msgs/h-$file"; how="as a message" ;;
		*) send "$name" --header "Subject: pc-parts-h-$file" --attach "$TF/$file"; how="attached" ;;
		esac
		rejected "$name" "550 5.7.1 Message rejected: virus $SIG found"
		ok=$?
		result $ok "(h) scan_mode=$mode: $file $how: 550 5.7.1 virus $SIG"
		[ $ok = 0 ] || { diag_swaks "$name"; grep "action=" "$work/milter.log" | tail -3 | diag; }
	done
done
pf_wait_queue_empty "$work" && ! grep -qs "pc-parts-h\|ClamAV Test File" "$work"/mail/maildir/new/*
result $? "(h) nothing delivered, queue empty"

# (i) continued: signed_action pass and block.  pass holds only for a
# verified DKIM signature from [auth] signed_domains (tests/e2e/auth.sh):
# a multipart/signed nobody here can verify is changed as with modify.
milter -o policy.block=unscannable -o policy.signed_action=pass
deliver i-pass i-pass.eml "(i) signed, signed_action=pass"
check "(i) pass: valid MIME" --valid
check "(i) pass, signature not verified: clam.zip replaced by a notice" --no-attachment clam.zip \
	--notice-for clam.zip
check "(i) pass: text part byte-identical" --part-identical "$msgs/text-part"
check "(i) pass: X-Virus-Status: Infected ..., 1 attachment replaced" \
	--header "X-Virus-Status: Infected ($SIG), 1 attachment replaced"
queue_empty "(i) pass"

milter -o policy.block=unscannable -o policy.signed_action=block
send i-block --data @"$msgs/i-block.eml"
rejected i-block "550 5.7.1 Message rejected"
ok=$?
result $ok "(i) signed, signed_action=block: 550 5.7.1 Message rejected, no 4xx"
[ $ok = 0 ] || { diag_swaks i-block; diag_milter; }
pf_wait_queue_empty "$work" && ! grep -qs "pc-parts-i-block" "$work"/mail/maildir/new/*
result $? "(i) block: nothing delivered, queue empty"

# (j) a large message: scanned from the spool, delivered, memory reported.
# shellcheck disable=SC2086
milter -o message.max_message_size=200M -o av.max_file_size=200M $BIG_OPTS
python3 "$top_srcdir/tests/e2e/make-messages.py" --big "$work/big.eml" --size "$BIG_SIZE"
sent=$(stat -c %s "$work/big.eml")
read -r hwm0 rss0 <<< "$(rss)"
t0=$(date +%s)
f=
send j-big --data @"$work/big.eml"
queued j-big
result $? "(j) $sent-byte message ($BIG_SIZE-byte attachment): 250, no 4xx"
if grep -q "<- *250 .*queued" "$work/j-big.swaks"; then
	for i in 1 2 3; do # the local delivery of 100 MB may take a while
		f=$(pf_wait_delivered "$work" "Subject: pc-parts-j-big") && break
	done
fi
read -r hwm1 rss1 <<< "$(rss)"
echo "# (j) $((sent / 1000000)) MB sent in $(($(date +%s) - t0)) s; milter VmHWM ${hwm0} -> ${hwm1} kB," \
	"VmRSS ${rss0} -> ${rss1} kB (growth: peak +$((hwm1 - hwm0)) kB, resident +$((rss1 - rss0)) kB)"
[ -n "$f" ]
result $? "(j) delivered"
[ -n "$f" ] || { diag_swaks j-big; diag_milter; }
# Maildir has LF line ends; the body must be the one sent, byte for byte.
[ -n "$f" ] && cmp -s <(sed '1,/^\r$/d' "$work/big.eml" | tr -d '\r'; echo) <(sed '1,/^$/d' "$f")
ok=$?
result $ok "(j) delivered body identical to the one sent ($(stat -c %s "${f:-/dev/null}") bytes delivered)"
[ -n "$f" ] && sed '/^$/q' "$f" | grep -q "^X-Virus-Status: Clean$"
ok=$?
result $ok "(j) X-Virus-Status: Clean"
if [ $ok != 0 ] && [ -n "$f" ]; then sed '/^$/q' "$f" | diag; fi
# (Parts without findings are not named in the log line.)
log_has j-big "(j) log: all $((sent + 2)) bytes scanned, av=clean, accepted" \
	"size=$((sent + 2)) " "av=clean" "action=accept"
[ "$hwm1" -gt 0 ] && [ "$hwm1" -lt 1048576 ]
result $? "(j) milter peak RSS below 1 GB (${hwm1} kB)"
queue_empty "(j)"
rm -f "$work/big.eml" "$f"

pc_stop_milter "$work"
result $? "portcullis exits 0 on SIGTERM"
rm -f "$work/milter.pid"
