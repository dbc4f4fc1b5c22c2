#!/bin/bash
# Soak and load (make soak; not in CI: it takes a while).  Through a private
# Postfix on loopback into portcullis:
#   1. MESSAGES messages (default 100000) in a mix: clean, infected (EICAR),
#      filtered (an .exe), spam (GTUBE) and quarantined (infected with
#      block_action = quarantine in a group for q@), sent in 10 sessions
#      (soak-send.py: smtp-source stops at the first rejection); the daemon's RSS, open fds and spool files sampled every
#      5 s.  Prints the RSS slope after warm-up (the first fifth), the fd and
#      temp-file counts at the end, and whether every message is in the
#      counters (portcullisctl stats) and in the log.
#   2. CONCURRENT SMTP sessions at once (default 1000, Postfix's process
#      limit raised to match): every message answered, none lost; the
#      daemon's thread count and RSS at peak.
#   top_builddir=BUILD bash tests/bench/soak.sh [MESSAGES [CONCURRENT]]
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
top_srcdir=$root
top_builddir=${top_builddir:-$root/build-release}
export top_srcdir top_builddir
MESSAGES=${1:-100000}
CONCURRENT=${2:-1000}
PORT=${PC_SOAK_PORT:-21825}
# soak-send.py holds CONCURRENT sockets at once.
[ "$(ulimit -n)" -ge $((CONCURRENT + 100)) ] || ulimit -n $((CONCURRENT + 100)) || exit 1
. "$root/tests/lib.sh"
. "$root/tests/e2e/postfix-lib.sh"
work=$(pc_workdir soak)
mkdir -p "$work/spool" "$work/q" "$work/msgs"
C="$top_builddir/portcullisctl"
trap 'pf_stop "$work" 2>/dev/null; [ -f "$work/milter.pid" ] && kill "$(cat "$work/milter.pid")" 2>/dev/null' EXIT

eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
gtube='XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
printf 'Subject: clean\n\nA clean message, nothing to see.\n' > "$work/msgs/clean"
printf 'Subject: infected\n\n%s\n' "$eicar" > "$work/msgs/infected"
printf 'Subject: spam\n\n%s\n' "$gtube" > "$work/msgs/spam"
{
	printf 'Subject: filtered\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n'
	printf -- '--B\nContent-Type: text/plain\n\nsee attached\n--B\n'
	printf 'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=setup.exe\n'
	printf 'Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n--B--\n'
} > "$work/msgs/filtered"
printf '[group:q]\nrecipients = q@discard.example\nblock_action = quarantine\n' > "$work/groups.conf"
# The notices' sendmail reads its input: /bin/true exited before the write
# now and then, and every notice so broken waited for its retries.
printf '#!/bin/sh\nexec cat > /dev/null\n' > "$work/sendmail"
chmod 755 "$work/sendmail"

pc_start_milter "$work" "unix:$work/milter.sock" -c "$work/groups.conf" \
	-o milter.socket_group=postfix -o log.level=info -o spam.rules_dir= \
	-o spam.sa_rules_dir= -o spam.bayes_dir= -o "quarantine.quarantine_dir=$work/q" \
	-o notify.notify_admin=infected -o "notify.queue_dir=$work/notify" \
	-o "notify.sendmail_path=$work/sendmail" || exit 1
pid=$(cat "$work/milter.pid")
# in_flow_delay: once the queue manager falls behind (discards of 20000
# quarantined messages), cleanup holds every message up to 1 s: 2 msg/s over
# 2 sessions, a benchmark of Postfix's flow control, not of the milter.
PF_MAIN_EXTRA="in_flow_delay = 0
default_process_limit = $((CONCURRENT + 100))
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0" pf_start "$work" "$PORT" "unix:$work/milter.sock" || exit 1

sample() { # one line: seconds rss_kb fds spool_files threads
	echo "$SECONDS $(awk '/^VmRSS/ { print $2 }' /proc/$pid/status) \
$(ls /proc/$pid/fd | wc -l) $(find "$work/spool" -type f | wc -l) \
$(awk '/^Threads/ { print $2 }' /proc/$pid/status)"
}
sampler() { while kill -0 "$pid" 2>/dev/null; do sample; sleep "$1"; done; } # every $1 s
# The admin notices of the infected are sent after the replies: the fds are
# counted once they are out (or after 120 s).
notices_wait() {
	local i=0
	while [ -n "$(find "$work/notify" -maxdepth 1 -type f 2>/dev/null | head -1)" ] &&
	      [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
# The daemon's descriptors by kind ("socket 4 eventfd 1 ..."): a count that
# grows says what leaks.
fd_kinds() {
	find /proc/$pid/fd -mindepth 1 -printf '%l\n' 2>/dev/null |
	sed -e 's/^anon_inode:\[*\([a-z_]*\)\]*$/\1/' -e 's/:\[[0-9]*\]$//' \
	    -e "s|^$work/.*|workdir|" | sort | uniq -c | awk '{ printf " %s %d", $2, $1 }'
}

# --- 1. the mix -------------------------------------------------------------
per=$((MESSAGES / 5))
sampler 5 > "$work/samples" &
spid=$!
start=$SECONDS
senders=
for kind in clean infected filtered spam q; do
	file=$kind
	[ "$kind" = q ] && file=infected
	/usr/bin/python3 "$root/tests/bench/soak-send.py" "127.0.0.1:$PORT" "$work/msgs/$file" \
		"$kind@discard.example" "$per" 2 > "$work/$kind.out" 2>&1 &
	senders="$senders $!"
done
# shellcheck disable=SC2086
wait $senders
pf_wait_queue_empty "$work"
elapsed=$((SECONDS - start))
notices_wait
sample >> "$work/samples"
kill "$spid" 2>/dev/null
for kind in clean infected filtered spam q; do echo "  $kind: replies $(cat "$work/$kind.out")"; done
total=$((per * 5))
"$C" -c /dev/null -o "milter.control_socket=$work/control.sock" stats > "$work/stats" 2>&1
counted=$(awk '$1 == "messages_total" { print $2 }' "$work/stats")
logged=$(grep -c " action=" "$work/milter.log")
echo "soak: $total messages in ${elapsed}s ($(awk -v t="$total" -v e="$elapsed" 'BEGIN { printf "%.0f", t / (e ? e : 1) }') msg/s)"
echo "  counted $counted, logged $logged (of $total)"
grep -E "^messages_(accept|reject|quarantine|tempfail|discard) |^status_(clean|infected|suspicious|filtered|spam) " "$work/stats" | sed 's/^/  /'
awk -v warm="$(awk 'END { print int(NR / 5) }' "$work/samples")" 'NR > warm {
	n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2 }
	END { if (n > 1) { b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
	printf "  RSS after warm-up: %d samples, slope %.2f kB/min, last %d kB\n", n, b * 60, $2 } }' \
	"$work/samples"
awk -v kinds="$(fd_kinds)" 'NR == 1 { f0 = $3 } END {
	printf "  open fds: %d at the start, %d at the end (%s); spool files at the end: %d\n",
	f0, $3, substr(kinds, 2), $4 }' "$work/samples"
echo "  admin notices: $(grep -c "notify: .* sent" "$work/milter.log") sent, $(find "$work/notify" -type f | wc -l) still queued"
[ "$CONCURRENT" -gt 0 ] || exit 0

# --- 2. many at once -----------------------------------------------------------
before=$(grep -c " action=" "$work/milter.log")
sampler 1 > "$work/samples2" &
spid=$!
# The moment all sessions are open (each holds an smtpd and a milter
# connection): the daemon's threads, RSS and fds then.
SOAK_AT_PEAK="{ awk '/^(Threads|VmRSS)/ { print \$1, \$2 }' /proc/$pid/status; \
echo fds: \$(ls /proc/$pid/fd | wc -l); } > '$work/peak'" \
/usr/bin/python3 "$root/tests/bench/soak-send.py" "127.0.0.1:$PORT" "$work/msgs/clean" \
	clean@discard.example "$CONCURRENT" "$CONCURRENT" > "$work/conc.out" 2>&1
pf_wait_queue_empty "$work"
notices_wait
kill "$spid" 2>/dev/null
answered=$(( $(grep -c " action=" "$work/milter.log") - before ))
echo "concurrent: $CONCURRENT sessions, $answered answered by the milter; replies $(cat "$work/conc.out")"
awk '$1 == "Threads:" { t = $2 } $1 == "VmRSS:" { r = $2 } $1 == "fds:" { f = $2 } END {
	printf "  all sessions open: %d threads, %d kB RSS, %d open fds\n", t, r, f }' "$work/peak"
awk '{ if ($2 > r) r = $2; if ($5 > t) t = $5; if ($3 > f) f = $3 } END {
	printf "  peak of 1 s samples: %d threads, %d kB RSS, %d open fds\n", t, r, f }' "$work/samples2"
echo "  open fds after: $(ls /proc/$pid/fd | wc -l) ($(fd_kinds | cut -c2-))"
