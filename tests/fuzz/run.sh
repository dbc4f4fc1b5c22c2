#!/bin/bash
# Builds a libFuzzer target in build-fuzz/ (clang, ASan + UBSan, coverage on
# portcullis's own code) and runs it.
#   tests/fuzz/run.sh [--tap] [--rewrite | --auth | --web] [SECONDS] [JOBS]
# The default target is the engine's scan entry (fuzz-scan.c); --rewrite
# runs fuzz-rewrite.c, the rewrite path with names, templates and bodies
# from the fuzzer and a re-parse of every rewritten message as the oracle;
# --auth runs fuzz-auth.c, DKIM, ARC and DMARC over a fixed DNS table and
# the texts made of their results; --web runs fuzz-web.c, the web
# console's preview of a message and its recipients' link tokens.
# Seeds: tests/fuzz/seeds/ (seeds-rewrite/ for --rewrite, the signed
# messages of tests/data/auth/ for --auth), ClamAV's test mails, and the
# differential corpus when it has been generated.  Findings (crash-*,
# leak-*, timeout-*) and the growing corpus stay in build-fuzz/fuzz-out/
# (fuzz-out-rewrite/, fuzz-out-auth/).  Prints executions, coverage and
# crashes; exit status 1 if anything was found.  --tap prints one TAP test
# instead (the short smoke runs in the test suite).
set -u
tap=
[ "${1:-}" = --tap ] && { tap=1; shift; }
target=scan
[ "${1:-}" = --rewrite ] && { target=rewrite; shift; }
[ "${1:-}" = --auth ] && { target=auth; shift; }
[ "${1:-}" = --web ] && { target=web; shift; }
seconds=${1:-60}
jobs=${2:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
out=$build/fuzz-out
[ "$target" = rewrite ] && out=$build/fuzz-out-rewrite
[ "$target" = auth ] && out=$build/fuzz-out-auth
[ "$target" = web ] && out=$build/fuzz-out-web
dict=$root/tests/fuzz/mime.dict
[ "$target" = auth ] && dict=$root/tests/fuzz/auth.dict
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

fail() {
	if [ -n "$tap" ]; then echo "1..1"; echo "not ok 1 - fuzz $target smoke: $1"; exit 0; fi
	echo "fuzz: $1" >&2
	exit 1
}

build_target() {
	mkdir -p "$build"
	if [ ! -f "$build/Makefile" ]; then
		[ -x "$root/configure" ] || (cd "$root" && ./autogen.sh > /dev/null 2>&1) ||
			return 1
		(cd "$build" && "$root/configure" -q CC=clang \
			CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $san" LDFLAGS="$san") || return 1
	fi
	make -s -C "$build" -j2 libpcengine.a libpcpolicy.a > "$build/fuzz-make.out" 2>&1 || return 1
	local extra=
	# the web target links the console's own sources of what it shows
	[ "$target" = web ] && extra="$root/web/preview.c $root/web/links.c"
	# shellcheck disable=SC2086
	clang -O1 -g -fsanitize=fuzzer $san -I"$root/include" -I"$root/policy" \
		-I"$root/engine" -I"$root/web" -I"$build" \
		$(pkg-config --cflags glib-2.0 gmime-3.0) "$root/tests/fuzz/fuzz-$target.c" $extra \
		-o "$build/fuzz-$target" "$build/libpcengine.a" "$build/libpcpolicy.a" \
		$(pkg-config --libs glib-2.0 gio-2.0 gmime-3.0 libclamav libmagic libpcre2-8 libxml-2.0 lmdb libpsl libcares libhs libcrypto) -lm \
		>> "$build/fuzz-make.out" 2>&1
}

seed_corpus() {
	mkdir -p "$out/corpus" "$out/seeds" "$out/tmp"
	if [ "$target" = rewrite ]; then
		cp "$root"/tests/fuzz/seeds-rewrite/* "$out/seeds/"
		return 0
	fi
	if [ "$target" = auth ]; then
		cp "$root"/tests/data/auth/*.eml "$out/seeds/"
		return 0
	fi
	[ "$target" = web ] && cp "$root"/tests/web/hostile.eml "$out/seeds/"
	cp "$root"/tests/fuzz/seeds/* "$out/seeds/"
	for f in /usr/share/clamav-testfiles/clam.mail /usr/share/clamav-testfiles/*.mbox.*; do
		[ -f "$f" ] && cp "$f" "$out/seeds/"
	done
	for d in "$root"/build-*/tests/out/corpus-differential/corpus; do
		[ -d "$d" ] && cp "$d"/*.eml "$out/seeds/" 2>/dev/null
	done
	return 0
}

# The two smoke runs may start together under make -j: one builds at a time.
mkdir -p "$build"
exec 9> "$build/.build-lock"
flock 9
build_target || { sed 's/^/# /' "$build/fuzz-make.out" | tail -20; fail "build failed"; }
flock -u 9
seed_corpus
rm -f "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*
# One job runs in process; more run as libFuzzer workers, each logging to
# fuzz-N.log in the working directory (build-fuzz/fuzz-out).
parallel=
[ "$jobs" -gt 1 ] && parallel="-jobs=$jobs -workers=$jobs"
rm -f "$out"/fuzz-*.log
(cd "$out" && PORTCULLIS_SIGS="$root/tests/data/sigs" PORTCULLIS_RULES="$root/rules/spam" \
	PORTCULLIS_FUZZ_TMP="$out/tmp" PORTCULLIS_AUTH_DATA="$root/tests/data/auth" \
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	LSAN_OPTIONS=suppressions="$root/tests/fuzz/lsan.supp" \
	"$build/fuzz-$target" -dict="$dict" -max_total_time="$seconds" \
	-max_len=65536 -rss_limit_mb=2048 -timeout=25 $parallel \
	-artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" "$out/seeds" \
	> "$out/fuzz.log" 2>&1)
stats=$(cat "$out/fuzz.log" "$out"/fuzz-*.log 2>/dev/null)
execs=$(echo "$stats" | sed -n 's/^stat::number_of_executed_units: *//p' | awk '{s += $1} END {print s + 0}')
cov=$(echo "$stats" | grep -o 'cov: [0-9]*' | awk '{print $2}' | sort -n | tail -1)
ft=$(echo "$stats" | grep -o 'ft: [0-9]*' | awk '{print $2}' | sort -n | tail -1)
found=$(ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-* 2>/dev/null | wc -l)
summary="$target: $seconds s, $execs executions, cov ${cov:-?}, ft ${ft:-?}, corpus $(ls "$out/corpus" | wc -l), $found crashes/leaks/timeouts"
if [ -n "$tap" ]; then
	echo "1..1"
	if [ "$found" = 0 ] && [ "$execs" -gt 0 ]; then
		echo "ok 1 - fuzz smoke: $summary"
	else
		echo "not ok 1 - fuzz smoke: $summary"
		grep -A30 "ERROR: \|SUMMARY" "$out/fuzz.log" | head -40 | sed 's/^/# /'
	fi
	exit 0
fi
echo "fuzz: $summary"
[ "$found" = 0 ]
