#!/bin/bash
# portcullisctl status, stats, reload and drain over the daemon's control
# socket: what they print, their exit statuses, a bad configuration refused
# with its file and line, the counters after messages of known outcome
# (miltertest), the socket's mode and a peer that is not allowed.
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir control)
mkdir -p "$work/spool"
export LC_ALL=C
CTL="$top_builddir/portcullisctl"
printf '[log]\nlevel = info\n[spam]\nrules_dir =\nsa_rules_dir =\nbayes_dir =\n' > "$work/portcullis.conf"
ctl() { "$CTL" -c "$work/portcullis.conf" -o "milter.control_socket=$work/control.sock" "$@"; }

pc_start_milter "$work" "unix:$work/milter.sock" -c "$work/portcullis.conf"
[ "$(stat -c %a "$work/control.sock")" = 660 ]
pc_result $? "the control socket is made with mode 0660"

ctl status > "$work/status.out" 2>&1 &&
	grep -q "^version: portcullis" "$work/status.out" &&
	grep -q "^database: .*2 signatures" "$work/status.out" &&
	grep -q "^messages in flight: 0" "$work/status.out" &&
	grep -q "^last reload: none" "$work/status.out"
r=$?
pc_result $r "status: version, database, in flight, last reload"
[ $r = 0 ] || pc_diag "$work/status.out"

# Three clean messages and one EICAR, through the milter protocol.
miltertest -s "$top_srcdir/tests/milter/send-3-clean-1-infected.lua" -D SOCKET="unix:$work/milter.sock" \
	-D TESTDIR="$top_srcdir/tests/milter" > "$work/mt.out" 2>&1
r=$?
pc_result $r "miltertest: 3 clean messages accepted, 1 infected rejected"
[ $r = 0 ] || pc_diag "$work/mt.out"
ctl stats > "$work/stats.out" 2>&1 &&
	grep -qx "messages_accept 3" "$work/stats.out" &&
	grep -qx "messages_reject 1" "$work/stats.out" &&
	grep -qx "messages_total 4" "$work/stats.out" &&
	grep -qx "status_infected 1" "$work/stats.out" &&
	grep -qx "status_clean 3" "$work/stats.out"
r=$?
pc_result $r "stats: exactly 3 accepted (clean) and 1 rejected (infected)"
[ $r = 0 ] || pc_diag "$work/stats.out"
ctl stats --json > "$work/stats.json" 2>&1 &&
	/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1]));
sys.exit(not (d["messages_total"] == 4 and d["status_infected"] == 1))' "$work/stats.json"
pc_result $? "stats --json: the same counters as JSON"

ctl reload > "$work/reload.out" 2>&1 && grep -q "^configuration reloaded: ClamAV" "$work/reload.out"
pc_result $? "reload: waits and says what was loaded (exit 0)"
ctl reload signatures > "$work/reload2.out" 2>&1 &&
	grep -q "^signature database reloaded:" "$work/reload2.out"
pc_result $? "reload signatures: the signatures only"
# (portcullisctl itself reads no configuration here: the daemon judges it)
printf '[scan]\nno_such_key = 1\n' >> "$work/portcullis.conf"
! "$CTL" -c /dev/null -o "milter.control_socket=$work/control.sock" reload > "$work/bad.out" 2>&1
r=$?
sed -i '/no_such_key/d; /^\[scan\]$/d' "$work/portcullis.conf"
grep -q "configuration reload failed\|reload failed" "$work/bad.out" &&
	grep -q "portcullis.conf:[0-9]*" "$work/bad.out"
pc_result $(( r || $? )) "reload of a bad configuration: exit 1, with file:line"
[ $r = 0 ] || pc_diag "$work/bad.out"
ctl status > "$work/status2.out" 2>&1 &&
	grep -q "^last reload: .* configuration, failed" "$work/status2.out"
pc_result $? "status says the last reload failed"

# A user who is neither root nor in the daemon's group is refused.
chmod 666 "$work/control.sock"
chmod o+x "$work" "$(dirname "$work")" 2>/dev/null
runuser -u nobody -- "$CTL" -c /dev/null -o "milter.control_socket=$work/control.sock" \
	status > "$work/nobody.out" 2>&1
r=$?
[ $r = 1 ] && grep -q "not allowed" "$work/nobody.out"
pc_result $? "a peer that is not root, the daemon's user or group: not allowed (SO_PEERCRED)"
chmod 660 "$work/control.sock"

pid=$(cat "$work/milter.pid")
ctl drain > "$work/drain.out" 2>&1 && grep -q "^draining" "$work/drain.out" &&
	pc_stop_milter "$work"
pc_result $? "drain: the daemon exits cleanly"
! ctl status > "$work/gone.out" 2>&1 && grep -q "cannot reach the daemon" "$work/gone.out"
pc_result $? "status with no daemon: exit 1, says it cannot reach it"
echo "1..$PC_N"
