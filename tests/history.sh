#!/bin/bash
# The message trace: after 3 clean and 1 infected message (miltertest),
# portcullisctl history lists 4 records, newest first; the infected one has
# its action, reply and reason; the filters find it; --json is valid JSON;
# show prints the log line's text; a sender with terminal escapes is shown
# escaped; [history] dir empty keeps none.
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir history)
mkdir -p "$work/spool" "$work/off/spool"
export LC_ALL=C
C="$top_builddir/portcullisctl"
ctl() { "$C" -c /dev/null -o "history.dir=$work/history" "$@"; }

pc_start_milter "$work" "unix:$work/milter.sock"
miltertest -s "$top_srcdir/tests/milter/send-3-clean-1-infected.lua" -D SOCKET="unix:$work/milter.sock" \
	-D TESTDIR="$top_srcdir/tests/milter" > "$work/mt.out" 2>&1
pc_result $? "miltertest: 3 clean messages accepted, 1 infected rejected"
# The writer is a thread of its own: wait for its records.
for _ in $(seq 200); do
	[ "$(ctl history 2>/dev/null | grep -c '^[0-9]')" = 4 ] && break
	sleep 0.05
done
ctl history > "$work/list.txt" 2>&1
[ "$(grep -c '^[0-9]' "$work/list.txt")" = 4 ] && head -1 "$work/list.txt" | grep -q " V1 *reject *infected *<sender@example.org> -> rcpt@example.net" &&
	grep -q "550 5.7.1 Message rejected: virus Eicar-Test-Signature.UNOFFICIAL found; virus Eicar-Test-Signature.UNOFFICIAL found" "$work/list.txt"
r=$?
pc_result $r "history: 4 records, newest first; the infected one rejected with its reply and reason"
[ $r = 0 ] || pc_diag "$work/list.txt"
[ "$(ctl history --status infected | grep -c '^[0-9]')" = 1 ] &&
	[ "$(ctl history --action accept --rcpt RCPT@example | grep -c '^[0-9]')" = 3 ] &&
	[ "$(ctl history --queue-id C2 | grep -c '^[0-9]')" = 1 ] &&
	[ "$(ctl history --sender nobody@ | grep -c '^[0-9]')" = 0 ] &&
	[ "$(ctl history --limit 2 | grep -c '^[0-9]')" = 2 ]
pc_result $? "filters: status, action and recipient, queue id, sender, limit"
ctl history --json > "$work/list.json" &&
	/usr/bin/python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert len(r) == 4 and r[0]["action"] == "reject" and r[0]["status"] == "infected"
assert r[0]["recipients"] == ["rcpt@example.net"] and r[0]["reply"].startswith("550 5.7.1")
assert all(x["action"] == "accept" for x in r[1:])' "$work/list.json"
pc_result $? "--json: a JSON array with the same records"
id=$(head -1 "$work/list.txt" | awk '{ print $1 }')
ctl history show "$id" > "$work/show.txt" 2>&1 &&
	grep -q "^Log  *from=<sender@example.org> to=<rcpt@example.net> size=.* av=infected(Eicar-Test-Signature.UNOFFICIAL) action=reject" "$work/show.txt"
pc_result $? "show: everything recorded, with the log line's text"
ctl history show 99999 > /dev/null 2>&1
[ $? = 2 ]
pc_result $? "show of a record that does not exist: exit 2"

# A hostile envelope: escape sequences in the sender reach the terminal escaped.
cat > "$work/hostile.lua" <<'LUA'
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local conn = t.connect()
t.ok(mt.macro(conn, SMFIC_MAIL, "i", "H1"), "macro")
t.ok(mt.mailfrom(conn, "<evil\27]0;owned\7@x.example>"), "mailfrom")
t.ok(mt.rcptto(conn, "<rcpt@example.net>"), "rcptto")
t.ok(mt.header(conn, "Subject", "hostile"), "header")
t.body(conn, "hello\r\n")
t.expect_accepted(conn, "Clean")
mt.disconnect(conn)
LUA
miltertest -s "$work/hostile.lua" -D SOCKET="unix:$work/milter.sock" -D TESTDIR="$top_srcdir/tests/milter" \
	> "$work/mt-hostile.out" 2>&1
for _ in $(seq 200); do ctl history --queue-id H1 | grep -q '^[0-9]' && break; sleep 0.05; done
ctl history --queue-id H1 > "$work/hostile.txt"
grep -q 'evil\\x1b\]0;owned\\x07@x.example' "$work/hostile.txt" && ! grep -q $'\x1b' "$work/hostile.txt"
pc_result $? "a sender with terminal escapes is listed escaped"
pc_stop_milter "$work"
pc_result $? "the daemon writes what is queued and exits cleanly"

pc_start_milter "$work/off" "unix:$work/off/milter.sock" -o history.dir=
miltertest -s "$top_srcdir/tests/milter/send-3-clean-1-infected.lua" -D SOCKET="unix:$work/off/milter.sock" \
	-D TESTDIR="$top_srcdir/tests/milter" > "$work/mt-off.out" 2>&1
pc_stop_milter "$work/off" && [ ! -e "$work/off/history" ] &&
	"$C" -c /dev/null -o history.dir= history 2>&1 | grep -q "no history is kept"
pc_result $? "[history] dir empty: no history kept, and portcullisctl says so"
echo "1..$PC_N"
