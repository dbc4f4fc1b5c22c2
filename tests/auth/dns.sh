# An authoritative DNS server for the sender-authentication tests: a private
# knotd on loopback (sourced, bash).
#   auth_dns_start DIR ZONEDIR  serve every ZONEDIR/*.zone (zone name = file
#                               name without .zone) from 127.0.0.1 on a free
#                               port; config, run directory, storage, log
#                               and control socket all live in DIR. Sets
#                               AUTH_DNS_PORT, AUTH_DNS_SERVER=127.0.0.1:PORT
#                               and an EXIT trap (replacing the caller's) that
#                               stops it; INT and TERM exit through it.
#   auth_dns_reload             re-read the zone files (after editing them)
#   auth_dns_queries TYPE       queries of TYPE answered so far
#   auth_dns_stop               stop it and wait for it to exit
# The system's knot configuration and service are never used: knotd runs with
# -c DIR/knot.conf, as the calling user (as root it stays root rather than
# switching to the "knot" user, so DIR needs no special ownership).
# Needs: knot (knotd, knotc), knot-dnsutils (kdig), python3.

AUTH_DNS_DIR=
AUTH_DNS_ZONEDIR=
AUTH_DNS_PID=

# A port free for both UDP and TCP on 127.0.0.1 (the kernel picks it; another
# process could still take it before knotd binds, so auth_dns_start retries).
auth_dns_free_port() {
	/usr/bin/python3 - <<'PY'
import socket
while True:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close()
        continue
    print(port)
    break
PY
}

# Succeeds when the server answers a SOA query for ZONE authoritatively.
auth_dns_answers() { # zone
	kdig @127.0.0.1 -p "$AUTH_DNS_PORT" +timeout=1 +retry=0 +norecurse SOA "$1" 2>/dev/null |
		grep -q 'status: NOERROR'
}

auth_dns_start() { # dir, zone dir
	local dir zonedir zone f first try i
	mkdir -p "$1" && dir=$(cd "$1" && pwd) || return 1
	zonedir=$(cd "$2" && pwd) || return 1
	AUTH_DNS_DIR=$dir AUTH_DNS_ZONEDIR=$zonedir
	mkdir -p "$dir/run" "$dir/storage"
	first=
	for try in 1 2 3; do
		AUTH_DNS_PORT=$(auth_dns_free_port) || return 1
		{
			cat <<EOF
server:
    rundir: "$dir/run"
    pidfile: "$dir/run/knot.pid"
    user: $(id -un):$(id -gn)
    listen: 127.0.0.1@$AUTH_DNS_PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$dir/storage"
control:
    listen: "$dir/run/knot.sock"
log:
  - target: "$dir/knot.log"
    any: info
# Query counters per type (auth_dns_queries): a test can wait until a
# client has asked.
mod-stats:
  - id: counters
    query-type: on
template:
  - id: default
    global-module: mod-stats/counters
    storage: "$zonedir"
    file: "%s.zone"
    # The zone files are the only source: never written back, no journal.
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
EOF
			for f in "$zonedir"/*.zone; do
				zone=$(basename "$f" .zone)
				echo "  - domain: $zone"
				[ -n "$first" ] || first=$zone
			done
		} > "$dir/knot.conf"
		[ -n "$first" ] || { echo "# auth_dns_start: no zones in $zonedir" >&2; return 1; }
		knotd -c "$dir/knot.conf" >> "$dir/knotd.out" 2>&1 &
		AUTH_DNS_PID=$!
		# Replaces the caller's EXIT trap; a signal exits through it too.
		trap auth_dns_stop EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
		# Ready when every zone answers (bounded: 10 s), or knotd died.
		i=0
		while [ $i -lt 200 ] && kill -0 "$AUTH_DNS_PID" 2>/dev/null; do
			if auth_dns_loaded "$zonedir"; then
				AUTH_DNS_SERVER="127.0.0.1:$AUTH_DNS_PORT"
				export AUTH_DNS_PORT AUTH_DNS_SERVER
				return 0
			fi
			sleep 0.05
			i=$((i + 1))
		done
		auth_dns_stop
	done
	echo "# auth_dns_start: knotd did not answer:" >&2
	tail -20 "$dir/knotd.out" "$dir/knot.log" 2>/dev/null | sed 's/^/# /' >&2
	return 1
}

# Every zone of ZONEDIR answers with the serial its file has.
auth_dns_loaded() { # zone dir
	local f zone want got
	for f in "$1"/*.zone; do
		zone=$(basename "$f" .zone)
		want=$(awk '$2 == "SOA" || $3 == "SOA" { for (i = 1; i <= NF; i++) if ($i == "SOA") { print $(i + 3); exit } }' "$f")
		got=$(kdig @127.0.0.1 -p "$AUTH_DNS_PORT" +timeout=1 +retry=0 +norecurse +short \
			SOA "$zone" 2>/dev/null | awk '{ print $3 }')
		[ -n "$got" ] && [ "$got" = "$want" ] || return 1
	done
}

# How many queries of TYPE (TXT, A, ...) the server has answered so far.
auth_dns_queries() { # type
	knotc -c "$AUTH_DNS_DIR/knot.conf" -s "$AUTH_DNS_DIR/run/knot.sock" \
		stats mod-stats.query-type 2>/dev/null |
		awk -v t="$1" -F' = ' 'index($1, "[" t "]") { n = $2 } END { print n + 0 }'
}

# Re-reads every zone file. knotd compares SOA serials, so the edited zone
# must carry a higher serial; waits (5 s at most) until every zone answers
# with its file's serial.
auth_dns_reload() {
	local i
	knotc -c "$AUTH_DNS_DIR/knot.conf" -s "$AUTH_DNS_DIR/run/knot.sock" zone-reload \
		> /dev/null || return 1
	i=0
	while [ $i -lt 100 ]; do
		auth_dns_loaded "$AUTH_DNS_ZONEDIR" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

auth_dns_stop() {
	[ -n "$AUTH_DNS_PID" ] || return 0
	kill -TERM "$AUTH_DNS_PID" 2>/dev/null
	wait "$AUTH_DNS_PID" 2>/dev/null
	AUTH_DNS_PID=
	trap - EXIT INT TERM
}
