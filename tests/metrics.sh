#!/bin/bash
# The metrics endpoint: /metrics in Prometheus' text format (promtool
# accepts it), its counters exact after messages of known outcome
# (miltertest: 3 clean, 1 infected), one observation per message in each
# stage's histogram, the error kinds at 0; then one quarantined message
# with an administrator notice: the quarantine and notification gauges
# count it, and a spool that cannot be written counts as a tempfail and a
# "spool" error; /healthz 200; a daemon without
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
r=0
for stage in parse av type filter auth spam dns_wait spool decision actions; do
	has "portcullis_stage_duration_seconds_count{stage=\"$stage\"} 4" || { echo "# $stage"; r=1; }
done
awk '/^portcullis_stage_duration_seconds_sum\{stage="(av|parse|spool|actions)"\}/ && $2 > 0 { n++ }
	END { exit n != 4 }' "$work/metrics.txt" || r=1
pc_result $r "each stage's histogram has the 4 messages; av, parse, spool and actions took time"
has 'portcullis_errors_total{kind="av"} 0' && has 'portcullis_errors_total{kind="spool"} 0' &&
	has 'portcullis_autolearn_total{result="spam"} 0'
pc_result $? "error kinds and autolearn results are listed at 0 before the first"
[ "$(get /healthz)" = 200 ] && grep -qx ok "$work/body"
pc_result $? "/healthz: 200 ok"
[ "$(get /other)" = 404 ]
pc_result $? "anything else: 404"
pc_stop_milter "$work"

# Quarantine and notifications.  The notice is sent by a stand-in
# sendmail; its counter is read until the sender thread has done so.
mkdir -p "$work/qd/spool" "$work/qd/q" "$work/qd/sent"
printf '#!/bin/sh\ncat > "%s/sent/$$"\n' "$work/qd" > "$work/qd/sendmail"
chmod +x "$work/qd/sendmail"
pc_start_milter "$work/qd" "unix:$work/qd/milter.sock" -o "metrics.listen=127.0.0.1:$port" \
	-o policy.block_action=quarantine -o "quarantine.quarantine_dir=$work/qd/q" \
	-o notify.notify_admin=infected -o "notify.sendmail_path=$work/qd/sendmail" \
	-o message.spool_memory_max=4K \
	-o "notify.queue_dir=$work/qd/notify"
miltertest -s "$top_srcdir/tests/milter/send-1-quarantined.lua" -D SOCKET="unix:$work/qd/milter.sock" \
	-D TESTDIR="$top_srcdir/tests/milter" > "$work/mt-q.out" 2>&1
pc_result $? "miltertest: an infected message is quarantined (discard)"
for _ in $(seq 200); do
	[ "$(get /metrics)" = 200 ] && grep -qx 'portcullis_notifications_total{result="sent"} 1' "$work/body" &&
		break
	sleep 0.05
done
cp "$work/body" "$work/metrics.txt"
has 'portcullis_quarantine_entries 1' && grep -q '^portcullis_quarantine_bytes [1-9]' "$work/metrics.txt" &&
	has 'portcullis_messages_total{action="quarantine"} 1' &&
	has 'portcullis_notifications_total{result="sent"} 1' &&
	has 'portcullis_notifications_total{result="given_up"} 0' && has 'portcullis_notifications_queued 0'
r=$?
pc_result $r "quarantine: 1 entry and its bytes; the notice: 1 sent, none queued or given up"
[ $r = 0 ] || pc_diag "$work/metrics.txt"
promtool check metrics < "$work/metrics.txt" > "$work/promtool.out" 2>&1
pc_result $? "promtool accepts the page with quarantine and notification metrics"
# The spool cannot be written (its directory vanished): the message is
# tempfailed and counted; the next one, with the spool back, accepted.
miltertest -s "$top_srcdir/tests/milter/t-spool-failure.lua" -D SOCKET="unix:$work/qd/milter.sock" \
	-D TESTDIR="$top_srcdir/tests/milter" -D WORKDIR="$work/qd" > "$work/mt-spool.out" 2>&1
pc_result $? "miltertest: the spool vanishes (451 4.3.0), comes back (accepted)"
get /metrics > /dev/null
cp "$work/body" "$work/metrics.txt"
has 'portcullis_errors_total{kind="spool"} 1' && has 'portcullis_messages_total{action="tempfail"} 1' &&
	has 'portcullis_messages_total{action="accept"} 1' &&
	has 'portcullis_stage_duration_seconds_count{stage="spool"} 3'
r=$?
pc_result $r "a spool that cannot be written: 1 tempfail and 1 spool error counted"
[ $r = 0 ] || { pc_diag "$work/metrics.txt"; pc_diag "$work/qd/milter.log"; }
pc_stop_milter "$work/qd"

pc_start_milter "$work/nodb" "unix:$work/nodb/milter.sock" -o "metrics.listen=127.0.0.1:$port" \
	-o av.database_dir="$work/empty"
[ "$(get /healthz)" = 503 ] && grep -q "no signature database yet" "$work/body"
pc_result $? "no signatures: /healthz 503, saying why"
[ "$(get /metrics)" = 200 ] && grep -qx 'portcullis_engine_loaded 0' "$work/body"
pc_result $? "no signatures: portcullis_engine_loaded 0"
pc_stop_milter "$work/nodb"

"$top_builddir/portcullis" -f -c /dev/null -s "unix:$work/x.sock" -o av.database_dir="$PC_SIGS" \
	-o message.spool_dir="$work" -o milter.control_socket= -o metrics.listen=0.0.0.0:9 \
	-o quarantine.release_key_file="$work/release.key" -o "history.dir=$work/history" -o notify.notify_admin= \
	-o spam.rules_dir= -o spam.sa_rules_dir= -o spam.bayes_dir= \
	> "$work/any.log" 2>&1 &
pid=$!
pc_wait_log "$work/any.log" "started:" 1
grep -q "not a loopback address" "$work/any.log"
pc_result $? "a non-loopback address is refused (warning, the daemon runs on)"
kill -TERM $pid; wait $pid
echo "1..$PC_N"
