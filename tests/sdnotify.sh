#!/bin/bash
# systemd's notification protocol without systemd: the test owns
# NOTIFY_SOCKET (a unix datagram socket) and WATCHDOG_USEC, as systemd would
# for Type=notify and WatchdogSec=, and reads what the daemon says: READY=1
# once the milter socket listens, STATUS=, WATCHDOG=1 every half interval,
# RELOADING=1 then READY=1 around a reload (and what came of it), STOPPING=1;
# without signatures (freshclam has not run yet) it tempfails mail but is
# alive: WATCHDOG=1 goes on, or systemd would restart it every WatchdogSec.
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir sdnotify)
mkdir -p "$work/spool"
export LC_ALL=C

# Every datagram as one line (newlines as "|") in DIR/notify.log.
listen() { # DIR
	/usr/bin/python3 - "$1/notify.sock" "$1/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        data = s.recv(4096).decode(errors="replace")
        log.write(data.replace("\n", "|") + "\n")
        if data.startswith("STOPPING=1"):
            break
PY
	listeners="${listeners:-} $!"
	for _ in $(seq 100); do [ -S "$1/notify.sock" ] && break; sleep 0.05; done
}
trap 'kill ${listeners:-} 2>/dev/null' EXIT
listen "$work"
wait_for() { # pattern [dir]: waits up to 20 s for a datagram line matching it
	for _ in $(seq 400); do grep -q -- "$1" "${2:-$work}/notify.log" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
printf '[log]\nlevel = info\n[spam]\nrules_dir =\nsa_rules_dir =\nbayes_dir =\n' > "$work/ok.conf"
cp "$work/ok.conf" "$work/portcullis.conf"

NOTIFY_SOCKET="$work/notify.sock" WATCHDOG_USEC=400000 \
	pc_start_milter "$work" "unix:$work/milter.sock" -c "$work/portcullis.conf"
wait_for '^READY=1|MAINPID=[0-9]*|STATUS=scanning: ClamAV.*signatures' &&
	[ -S "$work/milter.sock" ]
pc_result $? "READY=1 with MAINPID and STATUS once the milter socket listens"
[ "$(grep -c '^READY=1' "$work/notify.log")" = 1 ]
pc_result $? "READY=1 is said once at start"

wait_for '^WATCHDOG=1' && for _ in $(seq 400); do
	[ "$(grep -c '^WATCHDOG=1' "$work/notify.log")" -ge 3 ] && break; sleep 0.05
done && [ "$(grep -c '^WATCHDOG=1' "$work/notify.log")" -ge 3 ]
pc_result $? "WATCHDOG=1 is sent again and again (every half of WATCHDOG_USEC)"

kill -HUP "$(cat "$work/milter.pid")"
wait_for '^RELOADING=1' && wait_for "last reload (configuration) worked"
pc_result $? "SIGHUP: RELOADING=1, then READY=1 saying the reload worked"
# (WATCHDOG=1 may come between them)
grep -v '^WATCHDOG=1' "$work/notify.log" | grep -A1 '^RELOADING=1' | head -2 | tail -1 |
	grep -q '^READY=1'
pc_result $? "READY=1 follows RELOADING=1"

printf '[scan]\nno_such_key = 1\n' > "$work/portcullis.conf"
kill -HUP "$(cat "$work/milter.pid")"
wait_for "last reload (configuration) failed"
pc_result $? "a bad configuration: READY=1 again (the old one runs), STATUS says it failed"

kill -TERM "$(cat "$work/milter.pid")"
wait_for '^STOPPING=1' && pc_stop_milter "$work"
pc_result $? "SIGTERM: STOPPING=1, clean exit"

nodb="$work/nodb"
mkdir -p "$nodb/spool" "$nodb/empty"
listen "$nodb"
NOTIFY_SOCKET="$nodb/notify.sock" WATCHDOG_USEC=400000 \
	pc_start_milter "$nodb" "unix:$nodb/milter.sock" -c "$work/ok.conf" -o "av.database_dir=$nodb/empty"
wait_for '^READY=1|.*STATUS=.*no signature database yet' "$nodb" && for _ in $(seq 400); do
	[ "$(grep -c '^WATCHDOG=1' "$nodb/notify.log")" -ge 3 ] && break; sleep 0.05
done && [ "$(grep -c '^WATCHDOG=1' "$nodb/notify.log")" -ge 3 ]
pc_result $? "no signatures yet: READY=1 saying so, and WATCHDOG=1 goes on (alive, tempfailing)"
kill -TERM "$(cat "$nodb/milter.pid")"
wait_for '^STOPPING=1' "$nodb" && pc_stop_milter "$nodb"
echo "1..$PC_N"
