#!/bin/bash
# Reloads that fail keep what runs: a broken signature file on SIGUSR2 and an
# invalid configuration on SIGHUP are refused with a log line, and the
# daemon goes on rejecting EICAR with the signatures it had.  A good SIGHUP
# applies the new configuration.
set -u
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir reload)
mkdir -p "$work/spool" "$work/db"
cp "$PC_SIGS"/* "$work/db/"
# The spam rules stay off: the reloads are about signatures and policy.
printf '[av]\ndatabase_dir = %s\n[message]\nspool_dir = %s\n[spam]\nsa_rules_dir =\nbayes_dir =\n' \
	"$work/db" "$work/spool" > "$work/p.conf"
sock="unix:$work/milter.sock"
n=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' "$work/milter.log" | tail -15; fi
}
eicar_rejected() {
	miltertest -s "$top_srcdir/tests/milter/t-eicar-reject.lua" -D SOCKET="$sock" \
		-D TESTDIR="$top_srcdir/tests/milter" -D WORKDIR="$work" > "$work/mt.out" 2>&1
}
wait_log() { pc_wait_log "$work/milter.log" "$@"; }
echo "1..6"
# -c with a file, so that SIGHUP has something to re-read.
"$PC_PORTCULLIS" -f -c "$work/p.conf" -s "$sock" -o log.level=debug > "$work/milter.log" 2>&1 &
pid=$!
echo $pid > "$work/milter.pid"
wait_log "started:" 1
eicar_rejected
result $? "EICAR rejected before any reload"

echo "Broken.Sig:0:*:zz-not-hex" > "$work/db/broken.ndb"
kill -USR2 $pid
wait_log "signature database reload failed, keeping the current one" 1 && eicar_rejected
result $? "a broken database on SIGUSR2 is refused; the old signatures still reject EICAR"

rm "$work/db/broken.ndb"
printf '[av]\ndatabase_dir = %s\nmax_files = lots\n' "$work/db" > "$work/p.conf"
kill -HUP $pid
wait_log "configuration reload refused, keeping the current one: $work/p.conf:3: \[av\] max_files" 1 &&
	eicar_rejected
result $? "an invalid config on SIGHUP is refused with file:line: key; scanning goes on"

printf '[av]\ndatabase_dir = %s\n[policy]\nreject_message = Virus {virus} refused\n[message]\nspool_dir = %s\n[spam]\nsa_rules_dir =\nbayes_dir =\n' \
	"$work/db" "$work/spool" > "$work/p.conf"
kill -HUP $pid
wait_log "configuration reloaded" 1
miltertest -s "$top_srcdir/tests/milter/t-eicar-reject.lua" -D SOCKET="$sock" \
	-D TESTDIR="$top_srcdir/tests/milter" -D WORKDIR="$work" \
	-D REJECT_TEXT="Virus Eicar-Test-Signature.UNOFFICIAL refused" > "$work/mt.out" 2>&1
result $? "a valid config on SIGHUP takes effect (new reject_message in the reply)"

kill -0 $pid
result $? "the daemon survived every reload"
kill -TERM $pid
wait $pid
result $? "clean exit on SIGTERM"
