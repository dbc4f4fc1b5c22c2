#!/bin/sh
# "make install" with DESTDIR puts the daemon, its configuration and its
# documentation where the systemd unit says they are, and systemd accepts the
# unit (systemd-analyze verify, pointed into the DESTDIR tree).
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir install)
root="$work/root"
echo "1..8"

if make -s -C "$top_builddir" install DESTDIR="$root" > "$work/install.log" 2>&1; then
	echo "ok 1 - make install DESTDIR=... succeeds"
else
	echo "not ok 1 - make install failed"; sed 's/^/# /' "$work/install.log"
fi

unit=$(find "$root" -name portcullis.service | head -1)
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit" 2>/dev/null)
doc=$(sed -n 's/^Documentation=file://p' "$unit" 2>/dev/null)
conf=$(find "$root" -path '*/portcullis/portcullis.conf' | head -1)
if [ -n "$unit" ] && [ -x "$root$exe" ] && [ -f "$root$doc" ] && [ -n "$conf" ] &&
   [ -f "$(dirname "$unit")/postfix-main.cf" ]; then
	echo "ok 2 - unit, daemon ($exe), README, snippets and portcullis.conf installed"
else
	echo "not ok 2 - unit '$unit' ExecStart '$exe' Documentation '$doc' conf '$conf'"
	(cd "$root" && find . -type f | sed 's/^/# /')
fi

# The unit as installed, with its paths moved into the DESTDIR tree.
sed -e "s|$exe|$root$exe|g" -e "s|file:$doc|file:$root$doc|" "$unit" > "$work/portcullis.service"
if systemd-analyze verify "$work/portcullis.service" > "$work/verify.out" 2>&1 &&
   [ ! -s "$work/verify.out" ]; then
	echo "ok 3 - systemd-analyze verify accepts the unit"
else
	echo "not ok 3 - systemd-analyze verify:"; sed 's/^/# /' "$work/verify.out"
fi

# The administrator's tool, its completion and the template set to start from.
ctl=$(find "$root" -type f -name portcullisctl -perm -u+x | grep /sbin/ | head -1)
comp=$(find "$root" -path '*/bash-completion/completions/portcullisctl' | head -1)
tpl=$(find "$root" -path '*/templates/en/admin.txt' | head -1)
if [ -n "$ctl" ] && [ -n "$comp" ] && [ -n "$tpl" ] && "$ctl" --help | grep -q "quarantine release"; then
	echo "ok 4 - portcullisctl, its bash completion and the notification templates installed"
else
	echo "not ok 4 - portcullisctl '$ctl' completion '$comp' templates '$tpl'"
fi

# Spam filtering out of the box: the shipped rules installed where the
# daemon's built-in default (rules_dir = auto) looks, and -t of the
# installed daemon on its built-in defaults reports the spam setup:
# Debian's SpamAssassin set (installed by the test run), the shipped rules,
# the score set, and Bayes in the state directory, untrained.
rules=$(MAKEFLAGS= make -s --no-print-directory -C "$top_builddir" print-spam-rules-dir | grep "^/" | tail -1)
mkdir -p "$work/spool"
"$root$exe" -t -c /dev/null -o av.database_dir="$PC_SIGS" -o message.spool_dir="$work/spool" \
	-o spam.rules_dir="$root$rules" > "$work/t.out" 2>&1
if ls "$root$rules"/*.cf > /dev/null 2>&1 &&
   grep -q "^spam: rules from /usr/share/spamassassin (SpamAssassin) and $root$rules; [0-9]* rules" "$work/t.out" &&
   grep -q "score set 1: network tests; Bayes untrained, store /var/lib/portcullis/bayes" "$work/t.out"; then
	echo "ok 5 - spam out of the box: $(grep '^spam:' "$work/t.out")"
else
	echo "not ok 5 - spam setup of the installed daemon (rules in $rules):"
	sed 's/^/# /' "$work/t.out"
fi
# The hardening, scored by systemd itself (0 best, 10 worst; OK is below 2).
systemd-analyze security --offline=true "$work/portcullis.service" > "$work/security.out" 2>&1
exposure=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' "$work/security.out")
if [ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
	echo "ok 6 - systemd-analyze security: exposure $exposure (at most 2.0)"
else
	echo "not ok 6 - systemd-analyze security: exposure ${exposure:-?}"
	grep '✗' "$work/security.out" | sed 's/^/# /'
fi

# The web console: its server, pages where its built-in static_dir (auto)
# looks, and its units, which systemd accepts and scores as hardened.
web=$(MAKEFLAGS= make -s --no-print-directory -C "$top_builddir" print-web-dir | grep "^/" | tail -1)
wunit=$(find "$root" -name portcullis-web.service | head -1)
dunit=$(find "$root" -name portcullis-digest.service | head -1)
wexe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$wunit" 2>/dev/null)
for u in "$wunit" "$dunit"; do
	sed -e "s|$(dirname "$wexe")/|$root$(dirname "$wexe")/|g" -e "s|file:$doc|file:$root$doc|" \
		"$u" > "$work/$(basename "$u")"
done
cp "$(find "$root" -name portcullis-digest.timer | head -1)" "$work/" 2>/dev/null
if [ -x "$root$wexe" ] && [ -f "$root$web/index.html" ] && [ -f "$root$web/app.js" ] &&
   [ -f "$root$web/app.css" ] && [ -n "$(find "$root" -name nginx-portcullis-web.conf)" ] &&
   systemd-analyze verify "$work/portcullis-web.service" "$work/portcullis-digest.service" \
	"$work/portcullis-digest.timer" > "$work/wverify.out" 2>&1 && [ ! -s "$work/wverify.out" ]; then
	echo "ok 7 - portcullis-web, its pages in $web, the reverse-proxy example and its units (systemd-analyze verify)"
else
	echo "not ok 7 - web console: exe '$wexe' pages '$web' units '$wunit' '$dunit':"
	sed 's/^/# /' "$work/wverify.out"
fi
systemd-analyze security --offline=true "$work/portcullis-web.service" > "$work/wsecurity.out" 2>&1
exposure=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p' "$work/wsecurity.out")
if [ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
	echo "ok 8 - systemd-analyze security of portcullis-web.service: exposure $exposure (at most 2.0)"
else
	echo "not ok 8 - systemd-analyze security of portcullis-web.service: exposure ${exposure:-?}"
	grep '✗' "$work/wsecurity.out" | sed 's/^/# /'
fi
