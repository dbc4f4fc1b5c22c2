# Shell helpers of the browser tests (sourced after tests/lib.sh).
#   pc_browser_deps            chromium, node and npm present, installing
#                              what is missing (as root, with apt-get);
#                              prints why not and fails when they cannot be
#   pc_browser_modules         playwright-core of tests/browser/package-lock.json
#                              in $top_builddir/tests/browser/node_modules
#                              (npm ci, once per lock file); sets NODE_PATH
#   pc_browser_serve DIR WORK  python3 serve.py on loopback for DIR; sets
#                              PC_BROWSER_BASE (http://127.0.0.1:PORT)
#   pc_browser_stop            stops that server
#   pc_browser_run WORK ARGS   node ARGS (a test script), its TAP lines
#                              numbered with pc_result
PC_BROWSER_SRC="$top_srcdir/tests/browser"
PC_BROWSER_BUILD="$top_builddir/tests/browser"
# Never a downloaded browser: playwright-core drives /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

pc_browser_deps() {
	local missing=
	[ -x "${PC_CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
	command -v node > /dev/null || missing="$missing nodejs"
	command -v npm > /dev/null || missing="$missing npm"
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
			--no-install-recommends $missing > "$1/apt-get.log" 2>&1
	fi
	[ -x "${PC_CHROMIUM:-/usr/bin/chromium}" ] && command -v node > /dev/null &&
		command -v npm > /dev/null && return 0
	echo "could not install$missing (./install-deps test)"
	return 1
}

# Tests may run in parallel: the lock makes them wait for one npm ci, and
# the lock file copied last marks a complete install.
pc_browser_modules() {
	local log=$1/npm-ci.log
	mkdir -p "$PC_BROWSER_BUILD"
	(
		flock 9
		cd "$PC_BROWSER_BUILD" || exit 1
		cmp -s "$PC_BROWSER_SRC/package-lock.json" installed-lock.json &&
			[ -d node_modules/playwright-core ] && exit 0
		rm -f installed-lock.json
		cp "$PC_BROWSER_SRC/package.json" "$PC_BROWSER_SRC/package-lock.json" . &&
			npm ci --prefer-offline > "$log" 2>&1 &&
			cp package-lock.json installed-lock.json
	) 9> "$PC_BROWSER_BUILD/.lock" || return 1
	export NODE_PATH="$PC_BROWSER_BUILD/node_modules"
}

pc_browser_serve() {
	local i=0
	rm -f "$2/port"
	/usr/bin/python3 "$PC_BROWSER_SRC/serve.py" "$1" "$2/port" "$2/http.log" 2> "$2/serve.err" &
	PC_BROWSER_SERVER=$!
	while [ ! -f "$2/port" ] && [ $i -lt 200 ]; do
		kill -0 "$PC_BROWSER_SERVER" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	[ -f "$2/port" ] || return 1
	PC_BROWSER_BASE="http://127.0.0.1:$(cat "$2/port")"
}

pc_browser_stop() {
	[ -n "${PC_BROWSER_SERVER:-}" ] || return 0
	kill -TERM "$PC_BROWSER_SERVER" 2>/dev/null
	wait "$PC_BROWSER_SERVER" 2>/dev/null
	PC_BROWSER_SERVER=
}

# The node script prints "ok - ...", "not ok - ..." and "# ..." lines; a
# script that dies or hangs (2 minutes) is a failure of its own.
pc_browser_run() {
	local work=$1 line st
	shift
	timeout 120 node "$@" > "$work/node.out" 2> "$work/node.err"
	st=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) pc_result 0 "${line#ok - }" ;;
		"not ok - "*) pc_result 1 "${line#not ok - }" ;;
		*) echo "# $line" | sed 's/^# # /# /' ;;
		esac
	done < "$work/node.out"
	[ $st = 0 ] && [ ! -s "$work/node.err" ] && return 0
	pc_result 1 "node $(basename "$1") exits 0 with nothing on stderr (status $st)"
	pc_diag "$work/node.err"
	return 1
}
