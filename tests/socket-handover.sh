#!/bin/bash
# A daemon that is stopping must not remove the socket of the daemon that
# took its place: A gets SIGTERM, unlinks its socket path at once and stops
# accepting; B starts on the same path while A drains; when A finally exits,
# B's socket must still be there (the MTA can reach B).
# (Found by tests/e2e/auth.sh: A used to unlink the path again when it
# exited, taking B's live socket; B ran on unreachable, and an MTA with
# milter_default_action = tempfail deferred all mail.)
set -u
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir socket-handover)
mkdir -p "$work/a/spool" "$work/b/spool"
S="$work/m.sock"
echo "1..3"

cleanup() {
	for d in a b; do
		[ -f "$work/$d/milter.pid" ] && kill "$(cat "$work/$d/milter.pid")" 2>/dev/null &&
			wait "$(cat "$work/$d/milter.pid")"
	done 2>/dev/null
}
trap cleanup EXIT
reachable() {
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])' "$S" 2> /dev/null
}

pc_start_milter "$work/a" "unix:$S" || { echo "Bail out! A did not start"; exit 1; }
a=$(cat "$work/a/milter.pid")
kill -TERM "$a"
# A unlinks its path as soon as it starts stopping.
for _ in $(seq 200); do [ -e "$S" ] || break; sleep 0.05; done
pc_start_milter "$work/b" "unix:$S" || { echo "Bail out! B did not start"; exit 1; }
reachable
pc_result $? "B started on the path A left and accepts connections"
if ! kill -0 "$a" 2>/dev/null; then
	echo "ok 2 # SKIP A exited before B started: the window was missed"
	echo "ok 3 # SKIP A exited before B started: the window was missed"
	exit 0
fi
wait "$a"
pc_result $? "A, stopped while B started, exits 0"
[ -S "$S" ] && reachable
pc_result $? "after A exited B's socket is still there"
