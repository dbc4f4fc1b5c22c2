#!/bin/sh
# Smoke test of the benchmark's helpers (the benchmark itself is not part of
# the test run): the engine-alone timer loads signatures through the daemon's
# configuration code and prints a figure, refuses bad input clearly; the
# null milter refuses to start without a socket.
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir bench-tools)
cost="$top_builddir/tests/bench/scan-cost"
sh "$top_srcdir/tests/bench/gen-message.sh" > "$work/message.eml"
echo "1..4"

out=$("$cost" "$work/message.eml" 20 "av.database_dir=$PC_SIGS" "message.spool_dir=$work" 2> "$work/err1")
if echo "$out" | grep -Eq '^[0-9]+\.[0-9]{3}$' && [ "$out" != "0.000" ]; then
	echo "ok 1 - scan-cost prints CPU ms per scan ($out)"
else
	echo "not ok 1 - scan-cost printed '$out'"; sed 's/^/# /' "$work/err1"
fi

"$cost" "$work/message.eml" 20 "av.database_dir=$PC_SIGS" av.max_files=0 > /dev/null 2> "$work/err2"
status=$?
if [ $status -ne 0 ] && grep -q 'max_files' "$work/err2"; then
	echo "ok 2 - scan-cost rejects a bad setting, naming the key"
else
	echo "not ok 2 - status $status"; sed 's/^/# /' "$work/err2"
fi

"$cost" "$work/message.eml" 20 "av.database_dir=$work/none" "message.spool_dir=$work" > /dev/null 2> "$work/err3"
status=$?
if [ $status -ne 0 ] && grep -q "$work/none" "$work/err3"; then
	echo "ok 3 - scan-cost without a database fails, naming the directory"
else
	echo "not ok 3 - status $status"; sed 's/^/# /' "$work/err3"
fi

"$top_builddir/tests/bench/null-milter" > /dev/null 2> "$work/err4"
status=$?
if [ $status -eq 2 ] && grep -q '^usage: null-milter' "$work/err4"; then
	echo "ok 4 - null-milter without a socket prints usage, exit 2"
else
	echo "not ok 4 - status $status"; sed 's/^/# /' "$work/err4"
fi
