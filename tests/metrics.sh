#!/bin/bash
# The metrics endpoint: /metrics in Prometheus' text format (promtool
# accepts it), its counters exact after messages of known outcome
# (miltertest: 3 clean, 1 infected), /healthz 200; a daemon without
# signatures answers /healthz 503 with why; anything else is 404; a
# non-loopback address is refused.
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir metrics)
mkdir -p "$work/spool" "$work/nodb/spool"
export LC_ALL=C
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
get() { curl -s -o "$work/body" -w '%{http_code}' "http://127.0.0.1:$port$1"; }

pc_start_milter "$work" "unix:$work/milter.sock" -o "metrics.listen=127.0.0.1:$port"
miltertest -s "$top_srcdir/tests/milter/send-3-clean-1-infected.lua" -D SOCKET="unix:$work/milter.sock" \
	-D TESTDIR="$top_srcdir/tests/milter" > "$work/mt.out" 2>&1
pc_result $? "miltertest: 3 clean messages accepted, 1 infected rejected"

[ "$(get /metrics)" = 200 ] && cp "$work/body" "$work/metrics.txt"
pc_result $? "/metrics answers 200"
promtool check metrics < "$work/metrics.txt" > "$work/promtool.out" 2>&1
r=$?
pc_result $r "promtool check metrics accepts it"
[ $r = 0 ] || pc_diag "$work/promtool.out"
has() { grep -qx -- "$1" "$work/metrics.txt"; }
has 'portcullis_messages_total{action="accept"} 3' &&
	has 'portcullis_messages_total{action="reject"} 1' &&
	has 'portcullis_message_status_total{status="infected"} 1' &&
	has 'portcullis_message_status_total{status="clean"} 3' &&
	has 'portcullis_message_duration_seconds_count 4' &&
	has 'portcullis_message_duration_seconds_bucket{le="+Inf"} 4' &&
	has 'portcullis_database_signatures 2' && has 'portcullis_engine_loaded 1' &&
	grep -q '^portcullis_process_resident_memory_bytes [1-9]' "$work/metrics.txt"
r=$?
pc_result $r "the counters say exactly 3 accepted (clean), 1 rejected (infected), 4 timed"
[ $r = 0 ] || pc_diag "$work/metrics.txt"
[ "$(get /healthz)" = 200 ] && grep -qx ok "$work/body"
pc_result $? "/healthz: 200 ok"
[ "$(get /other)" = 404 ]
pc_result $? "anything else: 404"
pc_stop_milter "$work"

pc_start_milter "$work/nodb" "unix:$work/nodb/milter.sock" -o "metrics.listen=127.0.0.1:$port" \
	-o av.database_dir="$work/empty"
[ "$(get /healthz)" = 503 ] && grep -q "no signature database yet" "$work/body"
pc_result $? "no signatures: /healthz 503, saying why"
[ "$(get /metrics)" = 200 ] && grep -qx 'portcullis_engine_loaded 0' "$work/body"
pc_result $? "no signatures: portcullis_engine_loaded 0"
pc_stop_milter "$work/nodb"

"$top_builddir/portcullis" -f -c /dev/null -s "unix:$work/x.sock" -o av.database_dir="$PC_SIGS" \
	-o message.spool_dir="$work" -o milter.control_socket= -o metrics.listen=0.0.0.0:9 \
	-o quarantine.release_key_file="$work/release.key" -o notify.notify_admin= \
	-o spam.rules_dir= -o spam.sa_rules_dir= -o spam.bayes_dir= \
	> "$work/any.log" 2>&1 &
pid=$!
pc_wait_log "$work/any.log" "started:" 1
grep -q "not a loopback address" "$work/any.log"
pc_result $? "a non-loopback address is refused (warning, the daemon runs on)"
kill -TERM $pid; wait $pid
echo "1..$PC_N"
