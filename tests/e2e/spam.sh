#!/bin/bash
# The spam engine end to end (issue 8, item 3), through a real Postfix on
# loopback: Bayes trained on 300 spam and 300 ham of the training groups,
# the shipped rules, and DNS lists served by Debian's rbldnsd on loopback.
#  - GTUBE to the group "strict" (block = spam) is refused at SMTP time;
#    to anyone else it is delivered tagged (tag = spam, probable);
#  - a training spam arrives with X-Spam-Flag, X-Spam-Status: Yes and the
#    [SPAM] subject; a ham with X-Spam-Status: No and its subject as sent;
#  - a message whose first relay outside our networks is listed (and whose
#    link's domain is) scores the lists' rules; Postfix's own
#    smtpd_client_restrictions are not used;
#  - with a DNS server that never answers, a message is delivered after at
#    most the time budget, and the log names the unanswered query; a
#    second such message brings no second warning (one per 5 minutes);
#  - with autolearn on, GTUBE is learned as spam and a plain note as ham,
#    and the store's counts rise by one each.
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"

PORT=${PC_SPAM_PORT:-20925}
DNS_PORT=$((PORT + 5))
SILENT_PORT=$((PORT + 6))
BUDGET=1500
work=$(pc_workdir e2e-spam)
sock="unix:$work/milter.sock"
mkdir -p "$work/spool" "$work/rules" "$work/zones" "$work/learn/spam" "$work/learn/ham"
echo "1..18"

cleanup() {
	pf_stop "$work"
	for f in milter.pid rbldnsd.pid silent.pid; do
		[ -f "$work/$f" ] && kill "$(cat "$work/$f")" 2>/dev/null
	done
}
trap cleanup EXIT

# --- training data: the first 300 of each training group --------------------
tgz=$(pc_corpus_tgz)
tar xzf "$tgz" -C "$work" package/data/spam-1 package/data/easy-ham-1 || exit 1
ls "$work"/package/data/spam-1/*.txt | sort | head -300 | xargs -I{} cp {} "$work/learn/spam/"
ls "$work"/package/data/easy-ham-1/*.txt | sort | head -300 | xargs -I{} cp {} "$work/learn/ham/"
"$top_builddir/portcullisctl" -c /dev/null -o spam.bayes_dir="$work/bayes" \
	learn --spam "$work/learn/spam" > /dev/null &&
	"$top_builddir/portcullisctl" -c /dev/null -o spam.bayes_dir="$work/bayes" \
	learn --ham "$work/learn/ham" > /dev/null || exit 1
# A spam that was learned, and a ham that was not; without the mbox line.
strip_from() { sed '1{/^From /d}' "$1"; }
strip_from "$(ls "$work"/learn/spam/*.txt | head -1)" > "$work/spam.eml"
strip_from "$(ls "$work"/package/data/easy-ham-1/*.txt | sort | sed -n 2000p)" > "$work/ham.eml"

# --- DNS lists: rbldnsd with an IP list and a domain list ---------------------
printf ':127.0.0.2:Listed in bl.test\n192.0.2.55\n' > "$work/zones/ip"
printf ':127.0.0.2:Listed in uribl.test\nspammy.example\n' > "$work/zones/dom"
chmod 755 "$work/zones"
rbldnsd -n -u nobody -w "$work/zones" -b "127.0.0.1/$DNS_PORT" \
	bl.test:ip4set:ip uribl.test:dnset:dom > "$work/rbldnsd.log" 2>&1 &
echo $! > "$work/rbldnsd.pid"
# A DNS server that takes queries and never answers.
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
time.sleep(3600)' "$SILENT_PORT" &
echo $! > "$work/silent.pid"

cp "$top_srcdir"/rules/spam/*.cf "$work/rules/"
cat > "$work/rules/90_test_lists.cf" <<'CF'
header   RCVD_IN_TESTBL  eval:check_rbl('testbl', 'bl.test.')
score    RCVD_IN_TESTBL  2.5
urirhssub URIBL_TEST     uribl.test. A 127.0.0.2
score    URIBL_TEST      1.5
CF
cat > "$work/portcullis.conf" <<CONF
[policy]
tag = spam, probable
subject_tag = [SPAM]
[spam]
rules_dir = $work/rules
sa_rules_dir =
bayes_dir = $work/bayes
dns_budget_ms = $BUDGET
[group:strict]
recipients = *@strict.test
block = infected, spam
CONF

start_milter() { # DNS server port, more options...
	local dns=$1
	shift
	if [ -f "$work/milter.pid" ]; then
		kill -TERM "$(cat "$work/milter.pid")"
		wait "$(cat "$work/milter.pid")" 2>/dev/null
	fi
	pc_start_milter "$work" "$sock" -o milter.socket_group=postfix -c "$work/portcullis.conf" \
		-o "spam.dns_servers=127.0.0.1:$dns" -o log.level=info "$@"
}
# Bayes' counts (stats prints the 4-gram learner's on a line of its own)
counts() { "$top_builddir/portcullisctl" -c /dev/null -o spam.bayes_dir="$work/bayes" stats |
	sed -n 's/^bayes .*: \([0-9]*\) spam, \([0-9]*\) ham learned.*/\1 \2/p'; }
send() { # name, swaks arguments...
	local name=$1
	shift
	swaks --server 127.0.0.1 --port "$PORT" --from sender@test.example --timeout 60 "$@" \
		> "$work/$name.swaks" 2>&1
}
header_of() { # file, header name
	python3 -c 'import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(m.get(sys.argv[2], ""))' "$1" "$2"
}

start_milter "$DNS_PORT" || exit 1
pf_start "$work" "$PORT" "$sock" || exit 1

# --- GTUBE ----------------------------------------------------------------------
gtube='XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
send gtube-strict --to boss@strict.test --header "Subject: pc-gtube-strict" --body "$gtube"
grep -q "<\*\* *550 5.7.1 " "$work/gtube-strict.swaks"
pc_result $? "GTUBE to the strict group is refused at SMTP time (550 5.7.1)"
send gtube --to user@test.example --header "Subject: pc-gtube" --body "$gtube"
f=$(pf_wait_delivered "$work" "pc-gtube")
[ -n "$f" ] && [ "$(header_of "$f" X-Spam-Flag)" = YES ] &&
	[ "$(header_of "$f" Subject)" = "[SPAM] pc-gtube" ] &&
	header_of "$f" X-Spam-Status | grep -q "^Yes, score=1[0-9]*\.[0-9] required=5.0 tests=GTUBE"
pc_result $? "GTUBE to anyone else is delivered, flagged and tagged"

# --- a training spam and a ham ---------------------------------------------------
send spam --to user@test.example --data "$work/spam.eml"
spam_subject=$(header_of "$work/spam.eml" Subject)
for i in $(seq 100); do
	f=$(grep -l "^X-Spam-Status: Yes" "$work"/mail/maildir/new/* 2>/dev/null |
		xargs -r grep -L "pc-gtube" | head -1)
	[ -n "$f" ] && break
	sleep 0.1
done
[ -n "$f" ] && header_of "$f" X-Spam-Status | grep -q "BAYES_9" &&
	[ "$(header_of "$f" Subject)" = "[SPAM] $spam_subject" ] &&
	[ -n "$(header_of "$f" X-Spam-Score)" ] && [ -n "$(header_of "$f" X-Spam-Level)" ]
pc_result $? "a training spam is delivered with X-Spam-Flag, -Status (Bayes), -Score, -Level and [SPAM]"
[ -n "$f" ] || pc_diag "$work/milter.log"
ham_subject=$(header_of "$work/ham.eml" Subject)
send ham --to user@test.example --data "$work/ham.eml"
for i in $(seq 100); do
	f=$(grep -l "^X-Spam-Status: No" "$work"/mail/maildir/new/* 2>/dev/null | head -1)
	[ -n "$f" ] && break
	sleep 0.1
done
[ -n "$f" ] && [ "$(header_of "$f" Subject)" = "$ham_subject" ] &&
	[ -z "$(header_of "$f" X-Spam-Flag)" ]
pc_result $? "a ham is delivered with X-Spam-Status: No and its subject untouched"
[ -n "$f" ] || grep "action=" "$work/milter.log" | pc_diag /dev/stdin

# --- DNS lists -------------------------------------------------------------------
send listed --to user@test.example --header "Subject: pc-listed" \
	--add-header "Received: from relay.example (relay.example [192.0.2.55]) by mx.example" \
	--body "Our catalogue: http://www.spammy.example/catalogue"
f=$(pf_wait_delivered "$work" "pc-listed")
status=$(header_of "$f" X-Spam-Status)
echo "$status" | grep -q "RCVD_IN_TESTBL"
pc_result $? "the first relay outside our networks (192.0.2.55) is listed: RCVD_IN_TESTBL ($status)"
echo "$status" | grep -q "URIBL_TEST"
pc_result $? "the link's registrable domain (spammy.example) is listed: URIBL_TEST"
grep "pc-listed\|spam=.*RCVD_IN_TESTBL" "$work/milter.log" | grep -q "spam=.*RCVD_IN_TESTBL"
pc_result $? "the log line names the list rules (spam=SCORE/5.0(...RCVD_IN_TESTBL...))"
send unlisted --to user@test.example --header "Subject: pc-unlisted" \
	--add-header "Received: from relay.example (relay.example [192.0.2.56]) by mx.example" \
	--body "Our catalogue: http://www.example.org/catalogue"
f=$(pf_wait_delivered "$work" "pc-unlisted")
[ -n "$f" ] && ! header_of "$f" X-Spam-Status | grep -q "RCVD_IN_TESTBL\|URIBL_TEST"
pc_result $? "an unlisted relay and link score no list rule"
! postconf -c "$work/etc" -h smtpd_client_restrictions | grep -q "reject_rbl_client"
pc_result $? "Postfix's smtpd_client_restrictions do not use the list"

# --- a DNS server that never answers ---------------------------------------------
start_milter "$SILENT_PORT" || exit 1
send silent --to user@test.example --header "Subject: pc-silent" \
	--add-header "Received: from relay.example (relay.example [192.0.2.57]) by mx.example" \
	--body "Our catalogue: http://www.elsewhere.example/catalogue"
f=$(pf_wait_delivered "$work" "pc-silent")
[ -n "$f" ] && grep -q "<- *250 " "$work/silent.swaks"
pc_result $? "with an unresponsive list server the message is still delivered (250)"
line=$(grep "dns_unanswered=" "$work/milter.log" | tail -1)
ms=$(echo "$line" | sed -n 's/.* time=\([0-9.]*\)ms.*/\1/p')
echo "$line" | grep -q "dns_unanswered=57.2.0.192.bl.test"
pc_result $? "the log names the unanswered query (dns_unanswered=57.2.0.192.bl.test...)"
python3 -c 'import sys; t, b = float(sys.argv[1]), int(sys.argv[2]); sys.exit(not (0.9 * b <= t <= b + 1000))' \
	"${ms:-0}" "$BUDGET"
pc_result $? "the unresponsive list cost the budget and no more (message time ${ms:-?} ms, budget $BUDGET ms)"
send silent2 --to user@test.example --header "Subject: pc-silent2" \
	--add-header "Received: from relay.example (relay.example [192.0.2.58]) by mx.example" \
	--body "Another catalogue"
pf_wait_delivered "$work" "pc-silent2" > /dev/null
warnings=$(grep -c "warning: DNS lists: no answer within dns_budget_ms for 57.2.0.192.bl.test" \
	"$work/milter.log")
[ "$(grep -c "warning: DNS lists" "$work/milter.log")" = 1 ] && [ "$warnings" = 1 ] &&
	grep -q "dns_unanswered=58.2.0.192.bl.test" "$work/milter.log"
pc_result $? "one warning names the silent list for the operator, not one per message"
# The counters since this daemon started: two messages, each asked bl.test
# once and the first uribl.test once, none answered; the waits are the
# dns_wait stage's time (a budget each).
"$top_builddir/portcullisctl" -c /dev/null -o "milter.control_socket=$work/control.sock" stats \
	> "$work/stats.txt" 2>&1
grep -qx "dns_queries_bl.test 2" "$work/stats.txt" && grep -qx "dns_timeouts_bl.test 2" "$work/stats.txt" &&
	grep -qx "dns_queries_uribl.test 1" "$work/stats.txt" &&
	grep -qx "dns_timeouts_uribl.test 1" "$work/stats.txt" &&
	awk -v b="$BUDGET" '$1 == "stage_dns_wait_milliseconds_total" { exit !($2 >= 1.8 * b) }' \
		"$work/stats.txt"
r=$?
pc_result $r "portcullisctl stats: queries and timeouts by list (bl.test 2/2, uribl.test 1/1), the wait timed"
[ $r = 0 ] || pc_diag "$work/stats.txt"
# (auth="... temperror" is a result, not an error: the list server is
# all the DNS this test has)
! sed 's/ auth="[^"]*"//' "$work/milter.log" | grep -qE "tempfail|error"
pc_result $? "no tempfail and no error in the milter's log"

# --- autolearn ----------------------------------------------------------------------
start_milter "$DNS_PORT" -o spam.autolearn=yes || exit 1
before=$(counts)
send learn-spam --to user@test.example --header "Subject: pc-learn-spam" --body "$gtube"
pf_wait_delivered "$work" "pc-learn-spam" > /dev/null
send learn-ham --to user@test.example --header "Subject: pc-learn-ham" \
	--body "See you at the project meeting tomorrow at ten."
pf_wait_delivered "$work" "pc-learn-ham" > /dev/null
# The writer thread learns just after the answer: give it up to 5 s.
for _ in $(seq 50); do
	after=$(counts)
	set -- $before $after
	[ "$3" = $(($1 + 1)) ] && [ "$4" = $(($2 + 1)) ] && break
	sleep 0.1
done
[ "$3" = $(($1 + 1)) ] && [ "$4" = $(($2 + 1)) ]
pc_result $? "autolearn learned one spam and one ham (spam, ham: $before -> $after)"
grep "autolearn=spam" "$work/milter.log" | grep -q "spam=.*GTUBE"
pc_result $? "the log says autolearn=spam for GTUBE"
grep -q "autolearn=ham" "$work/milter.log"
pc_result $? "the log says autolearn=ham for the note"
