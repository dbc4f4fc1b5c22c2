#!/bin/bash
# Differential test of the MIME parser: a generated corpus of messages that
# each carry clam.exe in some encoding, boundary form, nesting or defect
# (tests/corpus/gen-differential.py) is decoded by Python's email package
# (pydecode.py) and scanned by the engine (portcullis --scan, scan_mode
# auto); compare.py asserts that the engine stopped every message and saw
# every copy of clam.exe Python decoded, or found it in its whole-message
# second opinion, and prints where the two parsers disagree.  Then every
# message but the raw-binary ones (which SMTP cannot carry intact) goes
# through a real Postfix with portcullis in auto mode: each must be refused
# with 550 5.7.1, none delivered.
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"

PORT=${PC_DIFF_PORT:-20525}
work=$(pc_workdir corpus-differential)
mkdir -p "$work/spool" "$work/corpus"
python3 "$top_srcdir/tests/corpus/gen-differential.py" "$work/corpus" || {
	echo "1..1"; echo "not ok 1 - gen-differential.py failed"; exit 0; }
files=$(ls "$work"/corpus/*.eml)
# The "-raw-" messages carry clam.exe as raw binary: SMTP turns its bare LF
# bytes into CRLF, so what reaches a milter is no longer clam.exe.  They are
# scanned from disk above, not sent through Postfix.
smtp_files=$(ls "$work"/corpus/*.eml | grep -v -- '-raw-')
count=$(echo "$smtp_files" | wc -l)

python3 "$top_srcdir/tests/corpus/pydecode.py" $files > "$work/python.jsonl"
"$PC_PORTCULLIS" -c /dev/null -o "av.database_dir=$PC_SIGS" -o "message.spool_dir=$work/spool" \
	-o scan.scan_mode=auto --scan $files > "$work/engine.jsonl" 2> "$work/engine.err"
# compare.py prints its own plan; the Postfix part is numbered after it.
python3 "$top_srcdir/tests/corpus/compare.py" "$work/python.jsonl" "$work/engine.jsonl" \
	> "$work/compare.tap"
sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/compare.tap" > "$work/compare.count"
n=$(cat "$work/compare.count")
echo "1..$((n + count + 2))"
grep -v '^1\.\.' "$work/compare.tap"

result() { # ok?, description
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
trap 'pf_stop "$work"; [ -f "$work/milter.pid" ] && kill "$(cat "$work/milter.pid")" 2>/dev/null' EXIT
pc_start_milter "$work" "unix:$work/milter.sock" -o milter.socket_group=postfix \
	-o scan.scan_mode=auto || exit 1
pf_start "$work" "$PORT" "unix:$work/milter.sock" || exit 1
for f in $smtp_files; do
	name=$(basename "$f" .eml)
	# swaks ends DATA with its own CRLF: the file it reads omits the last
	# one, if there is one (some messages end without a line end).
	if [ "$(tail -c 2 "$f" | od -An -tx1 | tr -d ' \n')" = 0d0a ]; then
		head -c -2 "$f"
	else
		cat "$f"
	fi > "$work/$name.data"
	swaks --server 127.0.0.1 --port "$PORT" --from sender@example.org --to rcpt@test.example \
		--timeout 60 --data @"$work/$name.data" > "$work/$name.swaks" 2>&1
	grep -q "<\*\* *550 5.7.1 " "$work/$name.swaks"
	ok=$?
	result $ok "$name: refused with 550 5.7.1 through Postfix (auto)"
	[ $ok = 0 ] || { sed 's/^/# /' "$work/$name.swaks" | tail -8; grep "$name\|pc-diff" "$work/milter.log" | tail -3 | sed 's/^/# /'; }
done
pf_wait_queue_empty "$work"
delivered=$(ls "$work"/mail/maildir/new 2>/dev/null | wc -l)
[ "$delivered" = 0 ]
result $? "nothing of the corpus was delivered"
! grep -q "<\*\* *4[0-9][0-9] " "$work"/*.swaks
result $? "no message was tempfailed"
