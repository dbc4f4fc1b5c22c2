#!/bin/bash
# The release key of a daemon started as root with -u USER: the file it
# makes belongs to USER, marks still pass after SIGHUP (the key was
# root-only and every mark failed with "Permission denied" after the first
# reload), and a reload whose key file cannot be read keeps the key it has
# and says so; portcullis -t run by root makes no key (a root-owned one
# would lock out the daemon's user).  Needs root (skipped otherwise).
set -u
. "$top_srcdir/tests/lib.sh"
echo "1..6"
if [ "$(id -u)" != 0 ] || ! getent passwd nobody > /dev/null; then
	for i in 1 2 3 4 5 6; do echo "ok $i # SKIP needs root and the user nobody"; done
	exit 0
fi
work=$(pc_workdir release-key)
mkdir -p "$work/spool" "$work/quarantine" "$work/second/quarantine" "$work/locked"
chown nobody "$work/spool" "$work/quarantine" "$work/second/quarantine"
# portcullisctl, run by root, releases as the quarantine's owner: its
# sendmail (keep.sh) writes the released message here.
chown nobody "$work" "$work/second"
chmod 700 "$work/locked"
sock="unix:$work/spool/milter.sock"
conf() { # release_key_file quarantine_dir
	printf '[av]\ndatabase_dir = %s\n[message]\nspool_dir = %s\n[policy]\nblock_action = quarantine\n[notify]\nnotify_admin =\n[quarantine]\nquarantine_dir = %s\nrelease_key_file = %s\n[history]\ndir = %s/history\n[spam]\nsa_rules_dir =\nbayes_dir =\n' \
		"$PC_SIGS" "$work/spool" "$2" "$1" "$work" > "$work/p.conf"
}
n=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; sed 's/^/# /' "$work/milter.log" | tail -15; fi
}
wait_log() { pc_wait_log "$work/milter.log" "$@"; }
replay() { # WORKDIR: quarantine, release with portcullisctl, deliver twice
	miltertest -s "$top_srcdir/tests/milter/t-release-replay.lua" -D SOCKET="$sock" \
		-D TESTDIR="$top_srcdir/tests/milter" -D WORKDIR="$1" -D BUILDDIR="$top_builddir" \
		> "$1/mt.out" 2>&1
}

conf "$work/release.key" "$work/quarantine"
"$PC_PORTCULLIS" -t -c "$work/p.conf" > "$work/check.out" 2>&1 && [ ! -e "$work/release.key" ] &&
	[ ! -e "$work/spool/scratch" ]
result $? "portcullis -t (as root) passes and makes no release key and no scratch directory"
"$PC_PORTCULLIS" -f -c "$work/p.conf" -s "$sock" -u nobody -o log.level=debug \
	-o "milter.control_socket=$work/spool/control.sock" \
	> "$work/milter.log" 2>&1 &
pid=$!
echo $pid > "$work/milter.pid"
wait_log "started:" 1
[ "$(stat -c '%U %a' "$work/release.key" 2>&1)" = "nobody 600" ]
result $? "the key made by root for -u nobody belongs to nobody, mode 600"

kill -HUP $pid
wait_log "configuration reloaded" 1 && replay "$work"
result $? "after SIGHUP a release mark still lets its message through (once)"

# The next reload names a key it cannot read: it keeps the one it has.
ln -sf "$work/release.key" "$work/second/release.key"
ln -sf "$work/milter.log" "$work/second/milter.log"
conf "$work/locked/release.key" "$work/second/quarantine"
kill -HUP $pid
wait_log "configuration reloaded" 2 &&
	grep -q "error: release key: .*locked/release.key.*keeping the key read from $work/release.key" \
		"$work/milter.log"
result $? "a reload that cannot read the key file logs an error and keeps the key"
replay "$work/second"
result $? "marks made with the kept key still pass"
pc_stop_milter "$work"
result $? "clean exit on SIGTERM"
