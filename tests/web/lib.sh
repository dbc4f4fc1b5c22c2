# Shell helpers of the web console's API tests (sourced after tests/lib.sh,
# with $work set).
#   pcw_free_port              a free loopback TCP port
#   pcw_serve ARGS...          portcullis-web ARGS in the background (pid in
#                              $wpid), waiting until it serves
#   req NAME CURL-ARGS...      the status in $work/NAME.code, the body in
#                              NAME.body, the headers in NAME.head
#   code NAME, json NAME EXPR  the status; EXPR of the JSON body (as d)
#   pcw_keep_sendmail          $work/keep.sh: a sendmail that keeps each
#                              message and its arguments in $work/sent/N.*
#   pcw_console_conf FILE LISTEN BASE_URL  a portcullis.conf for the milter,
#                              portcullis-web and portcullisctl together,
#                              everything in $work (groups in
#                              $work/groups.d, lists in $work/lists)
pcw_free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
pcw_serve() {
	"$top_builddir/portcullis-web" "$@" > "$work/web.log" 2>&1 &
	wpid=$!
	for _ in $(seq 200); do
		grep -q "serving on" "$work/web.log" && return 0
		kill -0 "$wpid" 2>/dev/null || break
		sleep 0.05
	done
	sed 's/^/# /' "$work/web.log"
	return 1
}
req() {
	local name=$1
	shift
	curl -s -o "$work/$name.body" -D "$work/$name.head" -w '%{http_code}' "$@" > "$work/$name.code"
}
code() { cat "$work/$1.code"; }
json() { /usr/bin/python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($2)" "$work/$1.body"; }
pcw_keep_sendmail() {
	mkdir -p "$work/sent"
	cat > "$work/keep.sh" <<KEEP
#!/bin/sh
n=\$(ls "$work/sent" | grep -c eml)
echo "\$@" > "$work/sent/\$n.args"
cat > "$work/sent/\$n.eml"
KEEP
	chmod 755 "$work/keep.sh"
}
pcw_console_conf() {
	mkdir -p "$work/groups.d" "$work/lists" "$work/quarantine"
	cat > "$1" <<CONF
[policy]
block = infected, spam
block_action = quarantine
[spam]
rules_dir =
sa_rules_dir =
bayes_dir = $work/bayes
dns_servers = 127.0.0.1:9
allow_senders_file = $work/lists/allow
block_senders_file = $work/lists/block
[quarantine]
quarantine_dir = $work/quarantine
release_key_file = $work/release.key
[history]
dir = $work/history
[milter]
control_socket = $work/control.sock
[notify]
notify_admin =
[groups]
groups_dir = $work/groups.d
[web]
users_file = $work/users
audit_log = $work/web/audit.log
digest_optout_file = $work/web/optout
static_dir = $top_srcdir/web/ui
listen = $2
base_url = $3
CONF
}
