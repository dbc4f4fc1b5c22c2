#!/bin/sh
# The command line a postmaster meets first: --help, --version, -t on good
# and bad configurations, and refusing to start without signatures.
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir cli)
n=0
check() { # description, then a command whose success is the test
	desc=$1
	shift
	n=$((n + 1))
	if "$@" > "$work/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' "$work/out"
	fi
}
output_has() { # pattern, expected exit status, command...
	pat=$1 want=$2
	shift 2
	"$@" > "$work/cmd" 2>&1
	got=$?
	cat "$work/cmd"
	[ "$got" -eq "$want" ] && grep -q -- "$pat" "$work/cmd"
}
# The spam setup is off unless a check sets it (its -o come later and win):
# the "auto" defaults follow what is installed, and SpamAssassin's set costs
# seconds a start under ASan.
cat > "$work/portcullis" <<SH
#!/bin/sh
exec "$PC_PORTCULLIS" -o spam.rules_dir= -o spam.sa_rules_dir= -o spam.bayes_dir= \\
	-o spam.scores_file= "\$@"
SH
chmod +x "$work/portcullis"
P=$work/portcullis
echo "1..35"
check "--help documents signals and Postfix settings" \
	output_has "milter_default_action = tempfail" 0 "$P" --help
check "--version names libmilter, ClamAV and the database" \
	output_has "database .*2 signatures" 0 "$P" -V -o av.database_dir="$PC_SIGS"
check "-t accepts a valid configuration and loads the signatures" \
	output_has "configuration OK; 0 policy groups; database .*2 signatures" 0 \
	"$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work"
check "-t says what sender authentication does, with its authserv-id" \
	output_has "sender authentication: SPF, DKIM, DMARC, ARC; Authentication-Results as mx.test;.* DMARC p=reject: honour, p=quarantine: tag; SPF fail: ignore" 0 \
	"$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work" \
	-o auth.authserv_id=mx.test
check "-t says when sender authentication is off" \
	output_has "sender authentication off" 0 "$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" \
	-o message.spool_dir="$work" -o auth.enabled=no
# Debian's SpamAssassin rules, read as SpamAssassin 4.0.1 reads them: blocks
# for plugins we lack skipped, metas naming a rule we do not run dropped.
sa_counts() {
	output_has "metas dropped" 0 "$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" \
		-o message.spool_dir="$work" -o spam.sa_rules_dir=/usr/share/spamassassin &&
		sed -n 's/.*; \([0-9]*\) rules (\([0-9]*\) SpamAssassin lines skipped, \([0-9]*\) metas.*/\1 \2 \3/p' \
			"$work/cmd" | awk '{ exit !($1 > 2000 && $2 > 1000 && $3 > 100) }'
}
check "-t counts the rules, skipped lines and dropped metas of Debian's SpamAssassin set" \
	sa_counts
# --scan reports the spam score and the rules that hit (what a comparison
# with SpamAssassin's report reads), and nothing of spam when it is off.
printf 'Subject: t\n\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n' \
	> "$work/gtube.eml"
check "--scan reports the spam score and the rules that hit" \
	output_has '"spam":{"score":1000.00,"tests":\["GTUBE"\]}' 1 "$P" -c /dev/null \
	-o av.database_dir="$PC_SIGS" -o message.spool_dir="$work" -o spam.sa_rules_dir= \
	--scan "$work/gtube.eml"
check "--scan with spam = no reports no spam score" sh -c \
	"'$P' -c /dev/null -o av.database_dir='$PC_SIGS' -o message.spool_dir='$work' \
	 -o scan.spam=no --scan '$work/gtube.eml' > '$work/nospam.json'; cat '$work/nospam.json';
	 grep -q '\"findings\"' '$work/nospam.json' && ! grep -q '\"spam\":{' '$work/nospam.json'"
printf '[group:partners]\nsenders = @partner.example\nsigned_action = pass\n' > "$work/signed.conf"
check "-t warns that signed_action = pass keeps nothing unchanged without signed_domains" \
	output_has "\[group:partners\] signed_action = pass keeps no message unchanged: signed_domains is empty" 0 \
	"$P" -t -c "$work/signed.conf" -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work"
printf '[milter]\nsocket = unix:/tmp/x\n\n[av]\nmax_scan_size = 5O0M\n' > "$work/bad.conf"
check "-t names file, line and key of a bad value" \
	output_has "bad.conf:5: \[av\] max_scan_size: \"5O0M\" is not a size" 1 \
	"$P" -t -c "$work/bad.conf"
printf '[av]\nmax_scan_sise = 1M\n' > "$work/typo.conf"
check "-t rejects an unknown key" \
	output_has "typo.conf:2: \[av\] max_scan_sise: unknown key" 1 "$P" -t -c "$work/typo.conf"
mkdir -p "$work/emptydb"
# A fresh installation has no signatures until freshclam's first download:
# the daemon starts (a unit that crash-loops helps no one), tempfails mail
# saying why, and scans as soon as signatures arrive.
check "-t accepts an empty database_dir, warning that mail will be tempfailed" \
	output_has "warning: no signature database yet .*run freshclam.*tempfails mail" 0 \
	"$P" -t -c /dev/null -o av.database_dir="$work/emptydb" -o message.spool_dir="$work"
check "--scan still refuses to scan without signatures (exit 2, what to do)" \
	output_has "run freshclam, or point database_dir" 2 \
	"$P" --scan -c /dev/null -o av.database_dir="$work/emptydb" /dev/null
no_database() {
	local db="$work/latedb" d="$work/nodb-daemon"
	rm -rf "$db" "$d"; mkdir -p "$d/spool"
	pc_start_milter "$d" "unix:$d/milter.sock" -o av.database_dir="$db" \
		-o av.db_check_interval=1 || return 1
	grep -q "warning: no signature database yet" "$d/milter.log" &&
	miltertest -s "$top_srcdir/tests/milter/send-1-no-database.lua" -D SOCKET="unix:$d/milter.sock" \
		-D TESTDIR="$top_srcdir/tests/milter" > "$d/mt1.out" 2>&1 || { cat "$d/mt1.out"; return 1; }
	mkdir -p "$db" && cp "$PC_SIGS"/* "$db"/
	pc_wait_log "$d/milter.log" "signature database reloaded" 1 &&
	miltertest -s "$top_srcdir/tests/milter/t-eicar-reject.lua" -D SOCKET="unix:$d/milter.sock" \
		-D TESTDIR="$top_srcdir/tests/milter" > "$d/mt2.out" 2>&1 &&
	grep -q 'action=tempfail reason="no signature database yet' "$d/milter.log" &&
	pc_stop_milter "$d"
}
check "without signatures the daemon starts, tempfails with why, then scans once they arrive" \
	no_database
check "-t refuses a missing spool_dir" \
	output_has "spool_dir $work/nospool" 1 \
	"$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work/nospool"
check "a missing -c file is an error naming it" \
	output_has "$work/none.conf" 1 "$P" -t -c "$work/none.conf"

# Daemon mode: the parent returns 0 once the child is ready; pidfile written;
# SIGTERM removes the pidfile and the socket.  With a DNS list rule: the
# resolver's thread once started before the fork and was lost with it, so
# the stop hung joining it.
mkdir -p "$work/dnsrules"
printf "header RCVD_IN_X eval:check_rbl('x', 'list.invalid.')\n" > "$work/dnsrules/dns.cf"
daemon_starts() {
	"$P" -c /dev/null -s "unix:$work/d.sock" -p "$work/d.pid" -o av.database_dir="$PC_SIGS" \
		-o message.spool_dir="$work" -o spam.rules_dir="$work/dnsrules" \
		-o spam.sa_rules_dir= -o spam.dns_servers=127.0.0.1:9 -o milter.control_socket= \
		-o quarantine.release_key_file="$work/d-release.key" -o "history.dir=$work/history" || return 1
	[ -S "$work/d.sock" ] && kill -0 "$(cat "$work/d.pid")"
}
check "daemon mode: detaches, writes the pidfile, listens" daemon_starts
daemon_stops() {
	pid=$(cat "$work/d.pid")
	kill -TERM "$pid"
	for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	! kill -0 "$pid" 2>/dev/null && [ ! -e "$work/d.pid" ] && [ ! -e "$work/d.sock" ]
}
check "daemon mode: SIGTERM stops it and removes pidfile and socket" daemon_stops
# With nothing in flight a stop is prompt.  libmilter's listener used to
# hold it for its 5 s poll (0 to 5 s, so three stops all under 1.5 s
# happened 3 times in 100); now it takes milliseconds.
stop_ms() { # the daemon's milliseconds from SIGTERM to exit, foreground
	local pid start
	rm -f "$work/stop.log"
	"$P" -f -c /dev/null -s "unix:$work/stop.sock" -o av.database_dir="$PC_SIGS" \
		-o message.spool_dir="$work" -o milter.control_socket= \
		-o quarantine.release_key_file="$work/release.key" -o "history.dir=$work/history" > "$work/stop.log" 2>&1 &
	pid=$!
	for _ in $(seq 400); do grep -q "started:" "$work/stop.log" 2>/dev/null && break; sleep 0.05; done
	start=$(date +%s%N)
	kill -TERM "$pid"
	wait "$pid" || return 1
	echo $(( ($(date +%s%N) - start) / 1000000 ))
}
prompt_stops() {
	local ms all=
	for _ in 1 2 3; do
		ms=$(stop_ms) || return 1
		all="$all $ms"
		[ "$ms" -lt 1500 ] || { echo "stops took:$all ms"; return 1; }
	done
	echo "stops took:$all ms"
}
check "SIGTERM with nothing in flight: the daemon exits within 1.5 s, three times" prompt_stops

# Policy groups and notification templates: -t names file and line.
mkdir -p "$work/groups.d" "$work/tpl/en"
printf '[group:sales]\nrecipients = *@sales.test\n' > "$work/groups.d/10-sales.conf"
printf '[group:vip]\npriority = 5\nsenders = re:([a-z\n' > "$work/groups.d/20-vip.conf"
check "-t names file and line of a bad group mask" \
	output_has "20-vip.conf:3: \[group:vip\] senders: \"re:(\[a-z\": " 1 \
	"$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work" \
	-o groups.groups_dir="$work/groups.d"
printf '[group:vip]\nsenders = boss@x.test\nblock_actoin = reject\n' > "$work/groups.d/20-vip.conf"
check "-t names file and line of an unknown policy key in a group" \
	output_has "20-vip.conf:3: \[group:vip\] block_actoin: unknown policy key" 1 \
	"$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work" \
	-o groups.groups_dir="$work/groups.d"
rm "$work/groups.d/20-vip.conf"
printf 'Subject: {subject}\n\n{#objects}\n{name} {sise}\n{/objects}\n' > "$work/tpl/en/admin.txt"
printf 'Subject: x\n\nx\n' > "$work/tpl/en/recipient.txt"
cp "$work/tpl/en/recipient.txt" "$work/tpl/en/sender.txt"
check "-t names file and line of a broken notification template" \
	output_has "tpl/en/admin.txt:4: unknown variable" 1 \
	"$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work" \
	-o notify.templates_dir="$work/tpl"
printf 'Subject: {subject}\n\n{#objects}\n{name} {size}\n{/objects}\n' > "$work/tpl/en/admin.txt"
check "-t accepts the fixed templates and counts the groups" \
	output_has "configuration OK; 1 policy group;" 0 \
	"$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work" \
	-o notify.templates_dir="$work/tpl" -o groups.groups_dir="$work/groups.d"
printf '[group:sales]\nnotify_language = de\n' > "$work/groups.d/10-sales.conf"
check "-t refuses a group language without templates" \
	output_has "10-sales.conf:1: \[group:sales\] notify_language: no notification templates for \"de\"" 1 \
	"$P" -t -c /dev/null -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work" \
	-o groups.groups_dir="$work/groups.d"
C="$top_builddir/portcullisctl"
check "portcullisctl --help documents every command, the exit codes and files" sh -c \
	"'$C' --help > '$work/ctlhelp' && for w in 'quarantine list' 'quarantine show' \
	'quarantine release' 'quarantine delete' 'quarantine purge' 'quarantine reindex' \
	'EXIT STATUS' 'no such entry' FILES EXAMPLES; do grep -q \"\$w\" '$work/ctlhelp' || exit 1; done"
check "portcullisctl: an unknown command is an error (exit 1)" \
	output_has "unknown command frobnicate" 1 "$C" -c /dev/null frobnicate
mkdir -p "$work/q"
check "portcullisctl: show of an unknown id exits 2 and names it" \
	output_has "no entry NOSUCH in $work/q" 2 "$C" -c /dev/null \
	-o quarantine.quarantine_dir="$work/q" quarantine show NOSUCH
check "bash completion for portcullisctl parses" bash -n "$top_srcdir/conf/bash-completion/portcullisctl"

# The Bayes store: learn a message file and an mbox, see the counts, forget.
mkdir -p "$work/learn"
printf 'Subject: cheap pills\n\nBuy cheap pills now\n' > "$work/learn/spam.eml"
printf 'From a@b Mon Jan  1 00:00:00 2026\nSubject: lunch\n\nLunch at noon?\n\nFrom c@d Mon Jan  1 00:00:00 2026\nSubject: agenda\n\nThe agenda for monday\n' > "$work/learn/ham.mbox"
B="-o spam.bayes_dir=$work/bayes"
check "portcullisctl learn: a file as spam, an mbox of two as ham" sh -c \
	"'$C' -c /dev/null $B learn --spam '$work/learn/spam.eml' | grep -q '1 messages learned as spam' &&
	 '$C' -c /dev/null $B learn --ham '$work/learn/ham.mbox' | grep -q '2 messages learned as ham'"
check "portcullisctl stats counts them and says Bayes is not active yet" \
	output_has "1 spam, 2 ham learned; inactive (bayes_min_learned = 200)" 0 \
	"$C" -c /dev/null $B stats
check "portcullisctl forget takes a message back out" sh -c \
	"'$C' -c /dev/null $B forget --ham '$work/learn/ham.mbox' > /dev/null &&
	 '$C' -c /dev/null $B stats | grep -q '1 spam, 0 ham learned'"
S="-o av.database_dir=$PC_SIGS -o message.spool_dir=$work -o spam.bayes_min_learned=1"
check "--scan: with ngram = yes the 4-gram learner scores too (NGRAM_xx); the default, no, turns it off" sh -c \
	"'$C' -c /dev/null $B learn --ham '$work/learn/ham.mbox' > /dev/null &&
	 '$P' -c /dev/null $B $S -o spam.ngram=yes --scan '$work/learn/spam.eml' | grep -q '\"NGRAM_' &&
	 '$P' -c /dev/null $B $S --scan '$work/learn/spam.eml' > '$work/nongram.json';
	 grep -q '\"BAYES_' '$work/nongram.json' && ! grep -q NGRAM_ '$work/nongram.json'"
check "portcullisctl learn without --spam or --ham is an error" \
	output_has "learn --spam|--ham PATH" 1 "$C" -c /dev/null $B learn "$work/learn/spam.eml"

# libclamav's scratch directory (spool_dir) missing: a scan it cannot do is
# an error, never clean (it used to report an infected zip and EICAR clean).
zip64=$(base64 -w 76 /usr/share/clamav-testfiles/clam.zip)
printf 'Subject: z\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: application/zip; name=c.zip\nContent-Transfer-Encoding: base64\n\n%s\n--b--\n' \
	"$zip64" > "$work/zip.eml"
printf 'Subject: e\n\n%s\n' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' \
	> "$work/eicar.eml"
for m in zip eicar; do
	rm -rf "$work/gone"
	check "--scan with spool_dir missing: $m.eml is not clean (exit 1 or 2)" sh -c \
		"'$P' -c /dev/null -o av.database_dir='$PC_SIGS' -o message.spool_dir='$work/gone' \
		 --scan '$work/$m.eml' > '$work/$m.json' 2>&1; rc=\$?; cat '$work/$m.json';
		 [ \$rc = 1 ] || [ \$rc = 2 ]"
done
