#!/bin/bash
# Fault injection: with failshim.so preloaded into the daemon, one file
# system call under its spool and quarantine fails - the 1st, 2nd, ... call
# of mkdir, open, write, mmap, rename and fsync in turn - while a message
# with an infected archive goes through (tests/fault/fault.lua, miltertest).
# Every outcome must block (a 5xx, or discard into the quarantine) or
# tempfail, or, for a call made at start, the daemon refuses to start and
# says why: a failed scan, decode, spool or quarantine write never lets the
# message through as clean.  The message is spooled to a file and its parts
# decoded to temp files (16 bytes in memory), so every path that writes is
# reached; a first run of each call counts its calls.  PC_FAULT_MAX bounds
# the runs per call (default 24: every call site the message reaches).
# Last, libmagic failing (magic_buffer answers NULL) on a program sent as
# data.bin, AV off: the part is an error, not an untyped part that passes.
# Output is TAP.
set -u
. "$top_srcdir/tests/lib.sh"

SHIM="$top_builddir/tests/fault/failshim.so"
MAX=${PC_FAULT_MAX:-24}
CALLS="mkdir open write mmap rename fsync"
base=$(cd "$(pc_workdir fault)" && pwd) # absolute: the shim compares /proc paths
# The shim is not the first library the sanitizer runtime expects.
export ASAN_OPTIONS="${ASAN_OPTIONS}:verify_asan_link_order=0"
real_portcullis=$PC_PORTCULLIS

# One daemon, one message; the daemon is told to stop but not waited for
# (libmilter notices a stop only every 5 seconds): finish collects it.
launch() { # call, nth
	local work="$base/$1-$2"
	mkdir -p "$work/spool" "$work/quarantine"
	# Only the daemon gets the shim: the helpers' own files stay untouched.
	printf '#!/bin/sh\nexec env PC_FAIL_CALL=%s PC_FAIL_NTH=%s PC_FAIL_UNDER=%s PC_FAIL_REPORT=%s LD_PRELOAD=%s %s "$@"\n' \
		"$1" "$2" "$work" "$work/count" "$SHIM" "$real_portcullis" > "$work/portcullis"
	chmod +x "$work/portcullis"
	PC_PORTCULLIS="$work/portcullis"
	if ! pc_start_milter "$work" "unix:$work/milter.sock" \
		-o message.spool_memory_max=16 -o policy.block_action=quarantine \
		-o "quarantine.quarantine_dir=$work/quarantine" > /dev/null 2>&1; then
		echo "daemon-did-not-start" > "$work/outcome"
		return
	fi
	miltertest -s "$top_srcdir/tests/fault/fault.lua" -D SOCKET="unix:$work/milter.sock" \
		-D TESTDIR="$top_srcdir/tests/milter" -D WORKDIR="$work" > "$work/miltertest.out" 2>&1
	kill -TERM "$(cat "$work/milter.pid")" 2>/dev/null
}
finish() { # call, nth: OUTCOME, once the daemon has exited
	local work="$base/$1-$2"
	[ -f "$work/milter.pid" ] && { pc_stop_milter "$work" || echo "exit-$PC_MILTER_STATUS" >> "$work/outcome"; }
	OUTCOME=$(tr '\n' ' ' < "$work/outcome" 2>/dev/null || echo "no-reply")
}

declare -A sites
for call in $CALLS; do launch "$call" 0; done
plan=0
for call in $CALLS; do
	finish "$call" 0
	sites[$call]=$(cat "$base/$call-0/count" 2>/dev/null || echo 0)
	[ "${sites[$call]}" -gt "$MAX" ] && sites[$call]=$MAX
	plan=$((plan + 1 + sites[$call]))
done
echo "1..$((plan + 1))"
for call in $CALLS; do
	for nth in $(seq 1 "${sites[$call]}"); do launch "$call" "$nth"; done
done
n=0
for call in $CALLS; do
	n=$((n + 1))
	if [ "${sites[$call]}" -gt 0 ]; then
		echo "ok $n - $call: ${sites[$call]} call(s) under the spool to fail"
	else
		echo "not ok $n - $call: no call reached (the shim or the test is broken)"
	fi
	for nth in $(seq 1 "${sites[$call]}"); do
		n=$((n + 1))
		finish "$call" "$nth"
		case $OUTCOME in
		"discard "|"reply "|"reject "|"tempfail ")
			echo "ok $n - $call #$nth fails: $OUTCOME" ;;
		# A call made at start (the scan scratch directory) that fails
		# stops the daemon with the reason: nothing is accepted.
		"daemon-did-not-start exit-1 ")
			if grep -q "cannot start: " "$base/$call-$nth/milter.log"; then
				echo "ok $n - $call #$nth fails: refused to start, saying why"
			else
				echo "not ok $n - $call #$nth fails: exited without a reason"
				sed 's/^/# daemon: /' "$base/$call-$nth/milter.log" | tail -5
			fi ;;
		*)
			echo "not ok $n - $call #$nth fails: $OUTCOME"
			sed 's/^/# /' "$base/$call-$nth/miltertest.out"
			grep -v "debug:" "$base/$call-$nth/milter.log" | sed 's/^/# daemon: /' | tail -15 ;;
		esac
	done
done
n=$((n + 1))
pdf="$base/report.eml"
printf 'Subject: r\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n--b\nContent-Type: application/octet-stream; name=data.bin\nContent-Transfer-Encoding: base64\n\n%s\n--b--\n' \
	"$(base64 -w 76 /usr/share/clamav-testfiles/clam.exe)" > "$pdf"
PC_FAIL_CALL=magic_buffer PC_FAIL_NTH=1 LD_PRELOAD=$SHIM "$real_portcullis" -c /dev/null \
	-o "av.database_dir=$PC_SIGS" -o "message.spool_dir=$base" -o scan.av=no --scan "$pdf" \
	> "$base/magic.json" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q '"status":"error"' "$base/magic.json"; then
	echo "ok $n - libmagic failing: the part is an error (exit 2), not clean"
else
	echo "not ok $n - libmagic failing: exit $rc"
	sed 's/^/# /' "$base/magic.json"
fi
