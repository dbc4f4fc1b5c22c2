#!/bin/bash
# The browser-test harness on static pages (tests/browser/pages): Debian's
# chromium, headless, driven by playwright-core (npm ci of
# tests/browser/package-lock.json into the build tree; no browser is
# downloaded), against python3's HTTP server on loopback (serve.py):
# a button's click changes its text; a hostile page (inline script, event
# handler, javascript: link, remote images in <img>, a stylesheet and a
# style attribute) shows all it does without a CSP, so the checks can fail,
# and under the strict CSP no request leaves for another origin and no
# script runs.  Screenshots: tests/out/browser/*.png in the build tree.
# Skipped only when chromium, node or npm cannot be installed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/browser/lib.sh"
work=$(pc_workdir browser)
trap pc_browser_stop EXIT

if ! why=$(pc_browser_deps "$work"); then
	echo "ok 1 # SKIP $why"
	echo "1..1"
	exit 0
fi
start=$(date +%s.%N)
pc_browser_modules "$work"
r=$?
pc_result $r "npm ci: playwright-core $(sed -n 's/.*"playwright-core": "\(.*\)".*/\1/p' \
	"$top_srcdir/tests/browser/package.json" | head -1) in the build tree"
[ $r = 0 ] || { pc_diag "$work/npm-ci.log"; echo "1..$PC_N"; exit 1; }
npm_done=$(date +%s.%N)

mkdir -p "$work/www"
cp "$top_srcdir/tests/browser/pages/"* "$work/www/"
pc_browser_serve "$work/www" "$work"
r=$?
pc_result $r "the HTTP server listens on loopback"
[ $r = 0 ] || { pc_diag "$work/serve.err"; echo "1..$PC_N"; exit 1; }

pc_browser_run "$work" "$top_srcdir/tests/browser/smoke.js" "$PC_BROWSER_BASE" "$work"
pc_browser_stop
# The server's view: the pages asked for nothing but their own files.
! grep -v '"GET /\(open\|csp\)/\(button\.html\|button\.js\|hostile\.html\|page\.css\|missing\.png\) ' \
	"$work/http.log" | grep -v '^code 404' | grep -q .
r=$?
pc_result $r "the server was asked for the pages' own files only"
[ $r = 0 ] || pc_diag "$work/http.log"
ls "$work"/*.png | sed 's|^|# screenshot: |'
awk -v a="$start" -v b="$npm_done" -v c="$(date +%s.%N)" \
	'BEGIN { printf "# npm ci %.1f s, browser %.1f s\n", b - a, c - b }'
echo "1..$PC_N"
