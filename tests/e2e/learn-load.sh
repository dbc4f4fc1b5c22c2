#!/bin/bash
# Learning while the milter works (issue 8, item 4): smtp-source sends 600
# messages through Postfix (4 sessions) while portcullisctl learns 5 rounds
# of 40 spam and 40 ham into the Bayes store the daemon reads.  Every
# message must get 250, the daemon must log no error, Bayes must be scoring
# (BAYES_ in the log lines), and the counts must rise by exactly what was
# learned.
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"

PORT=${PC_LEARN_PORT:-20825}
MESSAGES=600
work=$(pc_workdir e2e-learn)
sock="unix:$work/milter.sock"
C="$top_builddir/portcullisctl"
B="-o spam.bayes_dir=$work/bayes"
mkdir -p "$work/spool" "$work/spam" "$work/ham"
echo "1..5"

trap 'pf_stop "$work"; [ -f "$work/milter.pid" ] && kill "$(cat "$work/milter.pid")" 2>/dev/null' EXIT

# Messages to learn: distinct words per message, spam and ham vocabularies.
for i in $(seq 40); do
	printf 'Subject: cheap offer %d\n\nBuy cheap pills %d now, best price, click here %d\n' \
		"$i" "$i" "$i" > "$work/spam/$i.eml"
	printf 'Subject: meeting notes %d\n\nThe agenda for the project meeting %d is attached %d\n' \
		"$i" "$i" "$i" > "$work/ham/$i.eml"
done
"$C" -c /dev/null $B learn --spam "$work/spam" > /dev/null &&
	"$C" -c /dev/null $B learn --ham "$work/ham" > /dev/null || exit 1

pc_start_milter "$work" "$sock" -o milter.socket_group=postfix $B \
	-o spam.bayes_min_learned=1 -o log.level=info || exit 1
pf_start "$work" "$PORT" "$sock" || exit 1

timeout 600 smtp-source -s 4 -m "$MESSAGES" -l 3000 -f sender@example.org \
	-t rcpt@discard.example "127.0.0.1:$PORT" > "$work/smtp-source.out" 2>&1 &
source_pid=$!
rounds=0
for round in 1 2 3 4 5; do
	"$C" -c /dev/null $B learn --spam "$work/spam" > /dev/null &&
		"$C" -c /dev/null $B learn --ham "$work/ham" > /dev/null &&
		rounds=$((rounds + 1))
done
learned_under_load=0
kill -0 "$source_pid" 2>/dev/null && learned_under_load=1
wait "$source_pid"
source_status=$?
pf_wait_queue_empty "$work"

pc_result $([ "$rounds" = 5 ] && [ "$learned_under_load" = 1 ]; echo $?) \
	"5 rounds of learning done while smtp-source was still sending"
[ "$source_status" = 0 ] && ! grep -qE '\b[45][0-9][0-9] ' "$work/smtp-source.out"
pc_result $? "smtp-source finished with no error reply"
accepted=$(grep -c "action=accept" "$work/milter.log")
pc_result $([ "$accepted" = "$MESSAGES" ]; echo $?) "the milter accepted all $MESSAGES messages ($accepted)"
# auth="spf:temperror ..." is a result (this test has no DNS), not an error
! sed 's/ auth="[^"]*"//' "$work/milter.log" | grep -qiE "error|tempfail|bayes:" &&
	grep -q "spam=.*BAYES_" "$work/milter.log"
pc_result $? "no error logged, and Bayes scored the messages"
"$C" -c /dev/null $B stats > "$work/stats.out"
grep -q ": 240 spam, 240 ham learned; active" "$work/stats.out"
pc_result $? "the counts rose by what was learned: $(cat "$work/stats.out")"
