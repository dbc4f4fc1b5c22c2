#!/bin/sh
# Smoke test of the benchmark's helpers (the benchmark itself is not part of
# the test run): the engine-alone timer loads signatures through the daemon's
# configuration code and prints a figure, refuses bad input clearly; the
# null milter refuses to start without a socket; the corpus generator writes
# distinct messages whose attachments scan-cost times in the engine and bare;
# the autolearn benchmark runs on 40 messages and prints its ratios.
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir bench-tools)
cost="$top_builddir/tests/bench/scan-cost"
sh "$top_srcdir/tests/bench/gen-message.sh" > "$work/message.eml"
echo "1..7"

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

python3 "$top_srcdir/tests/bench/gen-corpus.py" "$work/corpus" 3 7 2> "$work/err5"
again=$(python3 "$top_srcdir/tests/bench/gen-corpus.py" "$work/corpus2" 3 7 2>&1 &&
	diff -r "$work/corpus" "$work/corpus2" > /dev/null && echo same)
files=$(ls "$work/corpus/decoded" 2>/dev/null | wc -l)
kinds=$(file -b "$work"/corpus/decoded/* | cut -d, -f1 | sort -u | tr '\n' ';')
if [ "$(ls "$work"/corpus/*.eml | wc -l)" = 3 ] && [ "$files" -ge 3 ] && [ "$again" = same ]; then
	echo "ok 5 - gen-corpus.py: 3 messages, $files attachments ($kinds), same bytes for the same seed"
else
	echo "not ok 5 - gen-corpus.py: $files attachments, rerun: $again"; sed 's/^/# /' "$work/err5"
fi
engine=$("$cost" --corpus "$work/corpus" "av.database_dir=$PC_SIGS" "message.spool_dir=$work" 2>&1)
bare=$("$cost" --bare "$work/corpus" "av.database_dir=$PC_SIGS" "message.spool_dir=$work" 2>&1)
if echo "$engine $bare" | grep -Eq '^[0-9]+\.[0-9]{3} [0-9]+\.[0-9]{3}$'; then
	echo "ok 6 - scan-cost --corpus ($engine ms) and --bare ($bare ms) on the corpus"
else
	echo "not ok 6 - scan-cost --corpus printed '$engine', --bare '$bare'"
fi

BENCH_QUICK=1 bash "$top_srcdir/tests/bench/autolearn.sh" > "$work/autolearn.out" 2>&1
status=$?
if [ $status -eq 0 ] && grep -q "40 ham learned" "$work/autolearn.out" &&
	grep -Eq "^learning vs off: time per message [0-9.]+x, CPU [0-9.]+x, wall [0-9.]+x$" \
		"$work/autolearn.out"; then
	echo "ok 7 - autolearn.sh (BENCH_QUICK): $(tail -1 "$work/autolearn.out")"
else
	echo "not ok 7 - autolearn.sh status $status"; sed 's/^/# /' "$work/autolearn.out"
fi
