#!/bin/bash
# Reloads that fail keep what runs: a broken signature file on SIGUSR2 and an
# invalid configuration on SIGHUP are refused with a log line, and the
# daemon goes on rejecting EICAR with the signatures it had.  A good SIGHUP
# applies the new configuration.
# reload_memory = sequential frees the old engine before building the new
# one: a good reload works; a broken database leaves no engine, so mail is
# tempfailed (451 4.7.1) and the build retried until the database is
# mended; a configuration whose build fails falls back to the previous one.
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
echo "1..14"
# -c with a file, so that SIGHUP has something to re-read.
# Key and control socket in the test directory: a root daemon on the default
# paths would take them from the packaged daemon of check-deb.
"$PC_PORTCULLIS" -f -c "$work/p.conf" -s "$sock" -o log.level=debug \
	-o "quarantine.release_key_file=$work/release.key" -o "history.dir=$work/history" -o "milter.control_socket=$work/control.sock" \
	> "$work/milter.log" 2>&1 &
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

# reload policy keeps the running engine: a broken signature file beside the
# good ones is not even read, and the new policy applies; a changed engine
# setting makes it a whole reload, which then meets the broken file.
ctl() { "$top_builddir/portcullisctl" -c "$work/p.conf" -o "milter.control_socket=$work/control.sock" "$@"; }
echo "Broken.Sig:0:*:zz-not-hex" > "$work/db/broken.ndb"
printf '[av]\ndatabase_dir = %s\n[policy]\nreject_message = Policy {virus} stopped\n[message]\nspool_dir = %s\n[spam]\nsa_rules_dir =\nbayes_dir =\n' \
	"$work/db" "$work/spool" > "$work/p.conf"
ctl reload policy > "$work/policy.out" 2>&1 && grep -q "^policy reloaded: " "$work/policy.out" &&
	miltertest -s "$top_srcdir/tests/milter/t-eicar-reject.lua" -D SOCKET="$sock" \
		-D TESTDIR="$top_srcdir/tests/milter" -D WORKDIR="$work" \
		-D REJECT_TEXT="Policy Eicar-Test-Signature.UNOFFICIAL stopped" > "$work/mt.out" 2>&1
result $? "reload policy applies the new policy with the running engine (a broken signature file is not read)"
printf '[av]\ndatabase_dir = %s\nmax_files = 500\n[message]\nspool_dir = %s\n[spam]\nsa_rules_dir =\nbayes_dir =\n' \
	"$work/db" "$work/spool" > "$work/p.conf"
ctl reload policy > "$work/policy2.out" 2>&1
rc=$?
rm "$work/db/broken.ndb"
[ $rc = 1 ] && grep -q "the engine's settings changed too; reloading the whole configuration" "$work/milter.log" &&
	grep -q "configuration reload failed" "$work/policy2.out" &&
	miltertest -s "$top_srcdir/tests/milter/t-eicar-reject.lua" -D SOCKET="$sock" \
		-D TESTDIR="$top_srcdir/tests/milter" -D WORKDIR="$work" \
		-D REJECT_TEXT="Policy Eicar-Test-Signature.UNOFFICIAL stopped" > "$work/mt.out" 2>&1
result $? "with an engine setting changed, reload policy is a whole reload (here refused by the broken file; scanning goes on)"

kill -0 $pid
result $? "the daemon survived every reload"
kill -TERM $pid
wait $pid
result $? "clean exit on SIGTERM"

# --- reload_memory = sequential ------------------------------------------------
seq="$work/seq"
mkdir -p "$seq/spool" "$seq/db" "$seq/bad"
cp "$PC_SIGS"/* "$seq/db/"
cp "$PC_SIGS"/* "$seq/bad/"
echo "Broken.Sig:0:*:zz-not-hex" > "$seq/bad/broken.ndb"
conf() { # database_dir
	printf '[av]\ndatabase_dir = %s\ndb_check_interval = 1\nreload_memory = sequential\n[message]\nspool_dir = %s\n[spam]\nsa_rules_dir =\nbayes_dir =\n' \
		"$1" "$seq/spool" > "$seq/p.conf"
}
conf "$seq/db"
sock="unix:$seq/milter.sock"
"$PC_PORTCULLIS" -f -c "$seq/p.conf" -s "$sock" -o log.level=debug \
	-o "milter.control_socket=$seq/control.sock" -o "quarantine.release_key_file=$seq/release.key" -o "history.dir=$seq/history" \
	> "$seq/milter.log" 2>&1 &
pid=$!
echo $pid > "$seq/milter.pid"
swait() { pc_wait_log "$seq/milter.log" "$@"; }
nodb_tempfailed() {
	miltertest -s "$top_srcdir/tests/milter/send-1-no-database.lua" -D SOCKET="$sock" \
		-D TESTDIR="$top_srcdir/tests/milter" > "$work/mt.out" 2>&1
}
swait "started:" 1
"$top_builddir/portcullisctl" -c "$seq/p.conf" -o "milter.control_socket=$seq/control.sock" \
	reload signatures > "$seq/ctl.out" 2>&1 &&
	grep -q "old engine freed" "$seq/milter.log" && eicar_rejected
result $? "sequential: the old engine is freed first, the new one rejects EICAR"

echo "Broken.Sig:0:*:zz-not-hex" > "$seq/db/broken.ndb"
! "$top_builddir/portcullisctl" -c "$seq/p.conf" -o "milter.control_socket=$seq/control.sock" \
	reload signatures > "$seq/ctl.out" 2>&1 && grep -q "tempfailing mail and trying again" "$seq/ctl.out" &&
	nodb_tempfailed
r=$?
result $r "sequential, broken database: the reload fails visibly and mail is tempfailed (451 4.7.1)"
[ $r = 0 ] || sed 's/^/# /' "$seq/ctl.out" "$work/mt.out"
"$top_builddir/portcullisctl" -c "$seq/p.conf" -o "milter.control_socket=$seq/control.sock" status \
	> "$seq/status.out" 2>&1
grep -q "signature database reload failed" "$seq/status.out"
result $? "portcullisctl status says why there are no signatures"
before=$(grep -c "signature database reloaded" "$seq/milter.log")
rm "$seq/db/broken.ndb"
swait "signature database reloaded" $((before + 1)) && eicar_rejected
result $? "the database mended: the next check (db_check_interval) loads it, EICAR rejected again"

conf "$seq/bad"
! "$top_builddir/portcullisctl" -c "$seq/p.conf" -o "milter.control_socket=$seq/control.sock" \
	reload config > "$seq/ctl.out" 2>&1 && grep -q "previous configuration was rebuilt" "$seq/ctl.out" &&
	eicar_rejected
r=$?
result $r "sequential, a configuration whose build fails: the previous one is rebuilt, EICAR rejected"
[ $r = 0 ] || sed 's/^/# /' "$seq/ctl.out"
kill -TERM $pid
wait $pid
result $? "sequential: clean exit on SIGTERM"
