# Shell helpers shared by the benchmark scripts (bench.sh, spam.sh).

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
