#!/bin/sh
# The unix socket's mode and group ([milter] socket_mode, socket_group) as
# root: set without ever following a link at the socket path, so a daemon
# user who can write the socket's directory cannot have root re-mode or
# re-group a file of its choice.  Needs root (skipped otherwise).
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir socket-perms)
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (chown to socket_group)"
	exit 0
fi
group=$(getent group mail nogroup daemon | head -1 | cut -d: -f1)
echo "1..6"
P=$PC_PORTCULLIS
mkdir -p "$work/spool" "$work/run"
chmod 1777 "$work/run"

# Starts the daemon on $work/run/m.sock with any extra environment given as
# arguments; returns once it has logged its start or has exited.
start() {
	env "$@" "$P" -f -c /dev/null -s "unix:$work/run/m.sock" -o "av.database_dir=$PC_SIGS" \
		-o "message.spool_dir=$work/spool" -o milter.socket_mode=0640 \
		-o "milter.socket_group=$group" -o notify.notify_admin= \
		-o "quarantine.release_key_file=$work/release.key" -o "history.dir=$work/history" -o spam.sa_rules_dir= \
		-o spam.rules_dir= -o spam.bayes_dir= > "$work/log" 2>&1 &
	pid=$!
	for _ in $(seq 200); do
		grep -q "started:" "$work/log" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	# still starting after 10 s: a failure, not a wait for ever
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	status=$?
	pid=
	return 1
}
stop() {
	[ -n "$pid" ] && kill -TERM "$pid" && wait "$pid"
	pid=
}
# A root file the attacker would like to be given to $group.
victim() {
	rm -f "$work/victim" "$work/run/m.sock"
	echo secret > "$work/victim"
	chown root:root "$work/victim"
	chmod 0600 "$work/victim"
}
# A result line, and the daemon's log when it failed.
check() {
	rc=$1
	shift
	pc_result "$rc" "$*"
	[ "$rc" = 0 ] || pc_diag "$work/log"
}
untouched() {
	[ "$(stat -c '%a %U:%G' "$work/victim")" = "600 root:root" ]
}

victim
start
check $? "the daemon starts with socket_mode 0640, socket_group $group"
got=$(stat -c '%F %a %G' "$work/run/m.sock" 2>&1)
[ "$got" = "socket 640 $group" ]
check $? "the socket has mode 640 and group $group (got: $got)"
stop

victim
ln -s "$work/victim" "$work/run/m.sock"
! start && grep -q "exists and is not a socket (a symbolic link)" "$work/log"
check $? "a link planted at the socket path: refused, with the reason"
stop
untouched
check $? "the planted link's target keeps mode 600 and root:root"

# The link appears after bind(), before the group is set: the shim makes
# that window certain.  Sanitizer builds accept a preload before their runtime.
victim
if ! ${CC:-cc} -shared -fPIC -o "$work/swap.so" "$top_srcdir/tests/socket-swap.c" -ldl; then
	echo "Bail out! cannot build the LD_PRELOAD shim"
	exit 1
fi
ln -s "$work/victim" "$work/swap"
! start LD_PRELOAD="$work/swap.so" PCM_TEST_SWAP="$work/swap" \
	ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" &&
	grep -q "was replaced by something that is not our socket" "$work/log"
check $? "a link swapped in after bind(): refused, with the reason"
stop
untouched
check $? "the swapped-in link's target keeps mode 600 and root:root (got:" \
	"$(stat -c '%a %U:%G' "$work/victim"))"
