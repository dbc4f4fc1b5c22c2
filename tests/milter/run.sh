#!/bin/sh
# Protocol tests: for each tests/milter/t-*.lua, start a fresh portcullis on a
# private unix socket (options from t-NAME.opts, one group.key=value a line),
# run the script with miltertest, stop the daemon with SIGTERM and require a
# clean exit (under ASan that also means no leaks).  Output is TAP.
# libmilter notices a stop only every 5 seconds, so the daemons are stopped
# as soon as their script ends and their exit statuses collected at the end.
set -u
. "$top_srcdir/tests/lib.sh"

scripts=$(ls "$top_srcdir"/tests/milter/t-*.lua)
count=$(echo "$scripts" | wc -l)
echo "1..$((count * 2))"
n=0
stopped=
for script in $scripts; do
	name=$(basename "$script" .lua)
	work=$(pc_workdir "milter-$name")
	mkdir -p "$work/spool" "$work/quarantine" "$work/archive"
	opts="${script%.lua}.opts"
	set --
	if [ -f "$opts" ]; then
		while read -r line; do
			set -- "$@" -o "$(echo "$line" | sed -e "s|@WORKDIR@|$work|g" \
				-e "s|@TESTDIR@|$top_srcdir/tests/milter|g")"
		done < "$opts"
	fi
	pc_start_milter "$work" "unix:$work/milter.sock" "$@"
	n=$((n + 1))
	if miltertest -s "$script" -D SOCKET="unix:$work/milter.sock" \
		-D TESTDIR="$top_srcdir/tests/milter" -D WORKDIR="$work" -D BUILDDIR="$top_builddir" \
		> "$work/miltertest.out" 2>&1; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' "$work/miltertest.out"
		sed 's/^/# daemon: /' "$work/milter.log" | tail -20
	fi
	kill -TERM "$(cat "$work/milter.pid")" 2>/dev/null
	stopped="$stopped $work"
done
for work in $stopped; do
	n=$((n + 1))
	name=$(basename "$work")
	if pc_stop_milter "$work"; then
		echo "ok $n - $name: daemon exits cleanly on SIGTERM"
	else
		echo "not ok $n - $name: daemon exit status $PC_MILTER_STATUS"
		sed 's/^/# daemon: /' "$work/milter.log" | tail -40
	fi
done
