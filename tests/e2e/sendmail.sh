#!/bin/bash
# End to end through a real Sendmail: Debian's sendmail-bin conflicts with the
# postfix package, so its packages are downloaded and unpacked into the test
# directory and that sendmail runs on loopback with a generated .cf carrying
# INPUT_MAIL_FILTER.  It relays to smtp-sink, which writes each message to a
# file.  Clean mail must arrive stamped; EICAR must be refused 550 5.7.1.
set -u
. "$top_srcdir/tests/lib.sh"

PORT=${PC_SENDMAIL_PORT:-20126}
SINK=$((PORT + 1))
work=$(pc_workdir e2e-sendmail)
# Sendmail refuses a milter socket below a world-writable directory.
rundir=/run/portcullis-test-$$
sm=$work/sendmail
mkdir -p "$sm/root" "$work/spool" "$work/mqueue" "$work/sink" "$rundir"
chmod 700 "$work/mqueue"
chmod 755 "$rundir"
chown postfix "$work/sink"
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
echo "1..4"

cleanup() {
	[ -f "$work/sendmail.pid" ] && kill "$(head -1 "$work/sendmail.pid")" 2>/dev/null
	[ -n "${sink_pid:-}" ] && kill "$sink_pid" 2>/dev/null
	[ -f "$work/milter.pid" ] && kill "$(cat "$work/milter.pid")" 2>/dev/null
	rm -rf "$rundir"
}
trap cleanup EXIT

(cd "$sm" && apt-get download sendmail-bin sendmail-cf sendmail-base libwrap0 \
	> "$work/download.out" 2>&1) &&
	for deb in "$sm"/*.deb; do dpkg -x "$deb" "$sm/root"; done
bin=$sm/root/usr/libexec/sendmail/sendmail
if [ ! -x "$bin" ]; then
	echo "not ok 1 - unpack sendmail from Debian's packages"
	sed 's/^/# /' "$work/download.out"
	exit 0
fi
echo "ok 1 - sendmail unpacked from Debian's packages"
# A setgid binary ignores LD_LIBRARY_PATH, which the unpacked libwrap needs.
chmod g-s "$bin"
export LD_LIBRARY_PATH=$sm/root/usr/lib/x86_64-linux-gnu
printf 'hosts files\naliases files\n' > "$work/service.switch"
cat > "$work/test.mc" <<MC
divert(-1)
divert(0)dnl
include(\`$sm/root/usr/share/sendmail/cf/m4/cf.m4')dnl
VERSIONID(\`portcullis end-to-end test')dnl
OSTYPE(\`linux')dnl
define(\`confRUN_AS_USER', \`root')dnl
define(\`QUEUE_DIR', \`$work/mqueue')dnl
define(\`confPID_FILE', \`$work/sendmail.pid')dnl
define(\`ALIAS_FILE', \`')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confDELIVERY_MODE', \`background')dnl
define(\`confSERVICE_SWITCH_FILE', \`$work/service.switch')dnl
define(\`SMART_HOST', \`relay:[127.0.0.1]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $SINK')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`promiscuous_relay')dnl
FEATURE(\`accept_unresolvable_domains')dnl
DAEMON_OPTIONS(\`Port=$PORT, Addr=127.0.0.1, Name=MTA')dnl
INPUT_MAIL_FILTER(\`portcullis', \`S=unix:$rundir/milter.sock, F=T, T=C:30s;S:60s;R:60s;E:5m')dnl
MAILER(\`smtp')dnl
MC
m4 "$work/test.mc" > "$work/test.cf" 2> "$work/m4.out"

pc_start_milter "$work" "unix:$rundir/milter.sock" || exit 1
smtp-sink -u postfix -d "$work/sink/%M." "127.0.0.1:$SINK" 100 &
sink_pid=$!
# Sendmail sleeps 60 s at start when its host name has no dot; a private UTS
# namespace gives it a qualified one without touching this machine's.
unshare -u sh -c "hostname mx.portcullis-test.example && exec \"\$0\" -C \"\$1\" -bd" \
	"$bin" "$work/test.cf" > "$work/sendmail.out" 2>&1
sleep 0.5

send() { # name, swaks args
	name=$1
	shift
	swaks --server 127.0.0.1 --port "$PORT" --from sender@example.org \
		--to rcpt@example.net --timeout 60 "$@" > "$work/$name.swaks" 2>&1
}

send clean --header "Subject: sm-clean-1" --body "A clean message through Sendmail."
grep -q "<- *250 2.0.0 .* Message accepted for delivery" "$work/clean.swaks"
ok=$?
[ $ok = 0 ] && echo "ok 2 - clean message accepted by Sendmail" ||
	{ echo "not ok 2 - clean message accepted by Sendmail"; sed 's/^/# /' "$work/clean.swaks" "$work/milter.log" | tail -30; }

found=
for _ in $(seq 100); do
	found=$(grep -l "sm-clean-1" "$work"/sink/* 2>/dev/null | head -1)
	[ -n "$found" ] && break
	sleep 0.1
done
[ -n "$found" ] && grep -q "^X-Virus-Status: Clean" "$found" && grep -q "^X-Virus-Scanned: portcullis" "$found"
[ $? = 0 ] && echo "ok 3 - clean message relayed with X-Virus-Status: Clean" ||
	{ echo "not ok 3 - clean message relayed with X-Virus-Status: Clean"; ls -la "$work/sink" "$work/mqueue" | sed 's/^/# /'; }

send eicar --header "Subject: sm-eicar" --body "$EICAR"
grep -q "<\*\* *550 5.7.1 Message rejected: virus Eicar-Test-Signature.UNOFFICIAL found" \
	"$work/eicar.swaks"
[ $? = 0 ] && echo "ok 4 - EICAR refused by Sendmail: 550 5.7.1 naming the signature" ||
	{ echo "not ok 4 - EICAR refused by Sendmail"; sed 's/^/# /' "$work/eicar.swaks" | tail; }
