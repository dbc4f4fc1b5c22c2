# Shell helpers shared by the benchmark scripts (bench.sh, spam.sh), which
# set "here" to the source tree and source this first.  The build measured is
# top_builddir, else build-release/ or an in-tree build: never the sanitizer
# build, whose figures would be meaningless.
export top_srcdir=$here top_builddir=${top_builddir:-$here}
[ -x "$top_builddir/portcullis" ] || top_builddir=$(dirname "$(ls "$here"/build-release/portcullis "$here"/portcullis 2>/dev/null | head -1)")
. "$here/tests/lib.sh"
. "$here/tests/e2e/postfix-lib.sh"

# CPU ticks used so far by a list of processes (all their threads).
ticks() {
	local t=0 pid
	for pid in "$@"; do
		set -- $(cut -d')' -f2 "/proc/$pid/stat")
		t=$((t + ${12} + ${13}))
	done
	echo $t
}
# A process with its reaped children (utime, stime, cutime, cstime) and its
# live children: a preforking daemon (Postfix's master, spamd) or one that
# forks a helper per message (spamass-milter's spamc).
tree_ticks() {
	local kids
	kids=$(cat /proc/"$1"/task/*/children 2>/dev/null)
	set -- $(cut -d')' -f2 "/proc/$1/stat")
	echo $(( ${12} + ${13} + ${14} + ${15} + $(ticks $kids) ))
}
# Postfix of a pf_start work directory: the master and its children.
postfix_ticks() {
	tree_ticks "$(head -1 "$1/queue/pid/master.pid" | tr -d ' ')"
}
rss_mb() {
	local kb=0 pid
	for pid in "$@"; do
		kb=$((kb + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")))
	done
	echo $((kb / 1024))
}
wait_socket() {
	for _ in $(seq 1200); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	echo "bench: $1 did not appear" >&2
	return 1
}

# clamd and clamav-milter as the benchmark runs them: WORK, DATABASE,
# SCRATCH (clamd's TemporaryDirectory).  Sets clamdpid and cmpid; the milter
# listens on unix:WORK/clamav-milter.sock.
clamav_stack_start() {
	local work=$1 db=$2 scratch=$3
	cat > "$work/clamd.conf" <<CONF
LocalSocket $work/clamd.sock
FixStaleSocket true
DatabaseDirectory $db
TemporaryDirectory $scratch
Foreground true
LogFile $work/clamd.log
MaxThreads 12
ScanMail true
ScanArchive true
StreamMaxLength 100M
CONF
	cat > "$work/clamav-milter.conf" <<CONF
MilterSocket unix:$work/clamav-milter.sock
MilterSocketMode 666
FixStaleSocket true
ClamdSocket unix:$work/clamd.sock
Foreground true
LogFile $work/clamav-milter.log
OnClean Accept
OnInfected Reject
AddHeader Replace
CONF
	rm -f "$work/clamd.sock" "$work/clamav-milter.sock"
	clamd -c "$work/clamd.conf" > "$work/clamd.out" 2>&1 &
	clamdpid=$!
	wait_socket "$work/clamd.sock" || return 1
	clamav-milter -c "$work/clamav-milter.conf" > "$work/clamav-milter.out" 2>&1 &
	cmpid=$!
	wait_socket "$work/clamav-milter.sock"
}
