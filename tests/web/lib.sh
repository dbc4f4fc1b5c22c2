# Shell helpers of the web console's API tests (sourced after tests/lib.sh,
# with $work set).
#   pcw_free_port              a free loopback TCP port
#   pcw_serve ARGS...          portcullis-web ARGS in the background (pid in
#                              $wpid), waiting until it serves
#   req NAME CURL-ARGS...      the status in $work/NAME.code, the body in
#                              NAME.body, the headers in NAME.head
#   code NAME, json NAME EXPR  the status; EXPR of the JSON body (as d)
pcw_free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
pcw_serve() {
	"$top_builddir/portcullis-web" "$@" > "$work/web.log" 2>&1 &
	wpid=$!
	for _ in $(seq 200); do grep -q "serving on" "$work/web.log" && return 0; sleep 0.05; done
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
