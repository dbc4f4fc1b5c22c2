#!/bin/bash
# Signature reloads under load, through real Postfix: while smtp-source sends
# 1000 clean messages (4 sessions) and swaks sends EICAR messages, the
# signature database is reloaded 5 times (3 x SIGUSR2, 2 x a change in
# database_dir picked up by the watcher).  Every message must get its
# expected final answer: 1000 x 250 delivered, every EICAR 550, zero 4xx.
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"

PORT=${PC_RELOAD_PORT:-20225}
MESSAGES=1000
EICARS=20
work=$(pc_workdir e2e-reload)
sock="unix:$work/milter.sock"
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
mkdir -p "$work/spool"
echo "1..6"
n=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# A database big enough that a reload takes a noticeable time under load.
sh "$top_srcdir/tests/bench/gen-sigs.sh" "$work/db" 100000 5000

trap 'pf_stop "$work"; kill $sink_pid "$(cat "$work/milter.pid")" 2>/dev/null' EXIT
pc_start_milter "$work" "$sock" -o milter.socket_group=postfix -o av.database_dir="$work/db" \
	-o av.db_check_interval=1 -o log.level=info || exit 1
smtp-sink -u postfix "127.0.0.1:$((PORT + 1))" 100 &
sink_pid=$!
pf_start "$work" "$PORT" "$sock" || exit 1
milter_pid=$(cat "$work/milter.pid")

timeout 600 smtp-source -s 2 -m "$MESSAGES" -l 100000 -f sender@example.org -t rcpt@sink.example \
	"127.0.0.1:$PORT" > "$work/smtp-source.out" 2>&1 &
source_pid=$!
(
	for i in $(seq "$EICARS"); do
		swaks --server 127.0.0.1 --port "$PORT" --from sender@example.org \
			--to rcpt@sink.example --body "$EICAR" --header "Subject: eicar-$i" 2>&1 |
			grep -E "^<(\*\*|-) +(250 2\.0\.0|[45][0-9][0-9] )" | tail -1
		sleep 0.1
	done > "$work/eicar.replies"
) &
eicar_pid=$!

# Five reloads while both senders run, each requested once the previous one
# is logged as done, so that they cannot coalesce into fewer.
reloads_during_load=0
wait_reloaded() {
	for _ in $(seq 300); do
		[ "$(grep -c 'signature database reloaded' "$work/milter.log")" -ge "$1" ] && return
		sleep 0.05
	done
}
for i in 1 2 3 4 5; do
	wait_reloaded $((i - 1))
	case $i in
	2|4) printf 'Reload.Test.Sig-%d:0:*:%s\n' "$i" "$(printf 'reload %d pattern' "$i" | od -An -tx1 | tr -d ' \n')" \
		>> "$work/db/reload.ndb" ;;
	*) kill -USR2 "$milter_pid" ;;
	esac
	kill -0 "$source_pid" 2>/dev/null && reloads_during_load=$((reloads_during_load + 1))
done
wait_reloaded 5
wait "$source_pid"
source_status=$?
wait "$eicar_pid"
pf_wait_queue_empty "$work"

reloaded=$(grep -c 'signature database reloaded' "$work/milter.log")
[ "$reloaded" -ge 5 ] && [ "$reloads_during_load" = 5 ] && ! grep -q "reload failed" "$work/milter.log"
result $? "5 signature reloads done while smtp-source was sending ($reloaded logged, $reloads_during_load requested under load)"

[ "$source_status" = 0 ] && ! grep -qE '\b4[0-9][0-9] ' "$work/smtp-source.out"
result $? "smtp-source finished with no error reply"
[ $? = 0 ] || sed 's/^/# /' "$work/smtp-source.out" | tail

sent=$(grep -c "relay=127.0.0.1\[127.0.0.1\]:$((PORT + 1)),.*status=sent" "$(pf_log "$work")")
[ "$sent" = "$MESSAGES" ]
result $? "all $MESSAGES clean messages delivered ($sent)"

rejected=$(grep -c "550 5.7.1 Message rejected: virus Eicar-Test-Signature" "$work/eicar.replies")
[ "$rejected" = "$EICARS" ]
result $? "all $EICARS EICAR messages answered 550 5.7.1 ($rejected)"
[ "$rejected" = "$EICARS" ] || sed 's/^/# /' "$work/eicar.replies"

tempfails=$(grep -cE "milter-(reject|tempfail).*: 4[0-9][0-9] |reject: .*: 4[0-9][0-9] " "$(pf_log "$work")")
[ "$tempfails" = 0 ] && ! grep -q "action=tempfail" "$work/milter.log"
result $? "zero 4xx answers ($tempfails in Postfix's log)"

accepted=$(grep -c "action=accept" "$work/milter.log")
[ "$accepted" = "$MESSAGES" ]
result $? "portcullis logged $MESSAGES accepts ($accepted)"
