#!/bin/bash
# The web console over a large store: N quarantine entries and N message
# trace records (default 100,000 each), through portcullis-web's API.
#   make bench-console [N=100000]
# Times each request (median of 5, after one warm-up) and sets it against
# the same listing by portcullisctl in the same run (its first page of 100,
# the baseline); prints milliseconds and ratios.
set -eu
: "${top_builddir:?run through make bench-console}"
count=${N:-100000}
command -v eatmydata > /dev/null || apt-get install -y -q eatmydata > /dev/null
make -s -C "$top_builddir" portcullisctl portcullis-web tests/bench/quarantine-fill > /dev/null
dir=$(mktemp -d /var/tmp/pc-console-bench-XXXXXX)
trap 'kill $wpid 2>/dev/null; rm -rf "$dir"' EXIT
wpid=
mkdir -p "$dir/quarantine" "$dir/history"
opts=(-c /dev/null -o "quarantine.quarantine_dir=$dir/quarantine" -o "history.dir=$dir/history"
	-o "web.users_file=$dir/users" -o "web.audit_log=$dir/audit.log" -o "milter.control_socket=")
ctl() { "$top_builddir/portcullisctl" "${opts[@]}" "$@"; }

start=$(date +%s)
eatmydata "$top_builddir/tests/bench/quarantine-fill" "$dir/quarantine" "$count" > /dev/null
ctl quarantine list --limit 1 > /dev/null
ctl history --limit 1 > /dev/null
/usr/bin/python3 - "$dir/history/history.sqlite" "$count" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
n, now = int(sys.argv[2]), int(time.time())
actions = ["accept"] * 7 + ["reject", "quarantine", "tempfail"]
rows = ((now - (n - i) * 2592000 // n, "Q%06d" % i, "c%d.example[192.0.2.%d]" % (i % 50, i % 250),
         "s%d@example.org" % (i % 1000), "user%d@example.com" % i, 2000 + i % 5000, "default",
         "infected" if i % 10 == 7 else "clean", actions[i % 10], "", "", "", 0.5, "", "",
         3.0 + i % 40, "Eicar-Test-Signature" if i % 10 == 7 else "") for i in range(n))
with db:
    db.executemany("INSERT INTO messages (time, queue_id, client, sender, recipients, size, grp, "
                   "status, action, reply, reason, quarantine_id, spam_score, spam_tests, detail, "
                   "ms, detections) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.execute("INSERT INTO rcpts (id, rcpt) SELECT id, recipients FROM messages")
PY
echo "filled $count quarantine entries and $count trace records in $(( $(date +%s) - start )) s"

printf 'a long password\n' | ctl web-user add admin admin > /dev/null
printf 'a long password\n' | ctl web-user add ann domain example.com > /dev/null
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$top_builddir/portcullis-web" "${opts[@]}" -o "web.listen=127.0.0.1:$port" > "$dir/web.log" 2>&1 &
wpid=$!
for _ in $(seq 200); do grep -q "serving on" "$dir/web.log" && break; sleep 0.05; done
for u in admin ann; do
	curl -s -c "$dir/$u.jar" --data-urlencode "name=$u" --data-urlencode "password=a long password" \
		"http://127.0.0.1:$port/api/login" > /dev/null
done

# Median milliseconds of 5 runs of a command (after one warm-up).
median_ms() {
	local t=()
	"$@" > /dev/null
	for _ in 1 2 3 4 5; do
		local s e
		s=$(date +%s%N)
		"$@" > /dev/null
		e=$(date +%s%N)
		t+=($(( (e - s) / 1000000 )))
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n 3p
}
api() { curl -sf -b "$dir/$1.jar" "http://127.0.0.1:$port$2"; }
base=$(median_ms ctl quarantine list --limit 100)
echo "baseline: portcullisctl quarantine list --limit 100: $base ms"
row() { # label, ms
	awk -v l="$1" -v m="$2" -v b="$base" 'BEGIN { printf "%-58s %6d ms  %5.1fx\n", l, m, m / (b ? b : 1) }'
}
row "GET /api/quarantine (newest 100), admin" "$(median_ms api admin /api/quarantine)"
row "GET /api/quarantine?offset=50000, admin" "$(median_ms api admin '/api/quarantine?offset=50000')"
row "GET /api/quarantine?rcpt=ann@example.com, admin" "$(median_ms api admin '/api/quarantine?rcpt=ann@example.com')"
row "GET /api/quarantine?status=filtered, admin" "$(median_ms api admin '/api/quarantine?status=filtered')"
row "GET /api/quarantine (domain admin of example.com)" "$(median_ms api ann /api/quarantine)"
row "GET /api/quarantine/ID (detail)" "$(median_ms api admin "/api/quarantine/$(ctl quarantine list --ids --limit 1)")"
row "GET /api/history (newest 100), admin" "$(median_ms api admin /api/history)"
row "GET /api/history?sender=s42@, admin" "$(median_ms api admin '/api/history?sender=s42@')"
row "GET /api/history (domain admin of example.com)" "$(median_ms api ann /api/history)"
row "GET /api/stats?hours=24" "$(median_ms api admin '/api/stats?hours=24')"
row "GET /api/stats?hours=720 (all $count records)" "$(median_ms api admin '/api/stats?hours=720')"
echo "portcullis-web RSS after: $(ps -o rss= -p $wpid) kB"
