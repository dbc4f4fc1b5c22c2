#!/bin/bash
# make check-deb: the Debian package, end to end, on this machine (root).
#   build it from a copy of the source (dpkg-buildpackage -us -uc -b)
#   lintian: no errors (warnings are listed as comments)
#   apt-get install ./portcullis_*.deb: user, directories, enabled unit
#   start the daemon as the unit would (no systemd here): its directories,
#     its ExecStartPre lines (root for "+"), ExecStart as User, Type=forking
#   no signatures yet (as after installation): the daemon runs, and mail
#     through the system Postfix, configured as README.Debian says
#     (loopback only), gets 451 4.7.1
#   the test signatures (tests/data/sigs) arrive, the unit's ExecReload:
#     a clean message is delivered, an EICAR message rejected
#   stop, restore Postfix's configuration, purge: nothing of the package
#     is left but the user and group portcullis (Debian keeps system users)
# The signature directory is named in the packaged portcullis.conf as an
# administrator would; the purge must remove that file even though edited.
set -u
. "$top_srcdir/tests/lib.sh"

work=$(pc_workdir deb)
src="$work/src/portcullis"
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
CONF=/etc/portcullis/portcullis.conf
DOMAIN=deb-test.example
# Every main.cf key this test sets: README.Debian's three, then what
# delivers mail for $DOMAIN into $work/mail on loopback and logs to $work.
PF_KEYS="smtpd_milters non_smtpd_milters milter_default_action inet_interfaces
	inet_protocols maillog_file maillog_file_prefixes virtual_mailbox_domains
	virtual_mailbox_base virtual_mailbox_maps virtual_uid_maps virtual_gid_maps"
export DEBIAN_FRONTEND=noninteractive
echo "1..11"
t0=$(date +%s)

if dpkg-query -W -f '${Status}' portcullis 2>/dev/null | grep -q installed; then
	echo "Bail out! the portcullis package is already installed (apt-get purge portcullis first)"
	exit 1
fi

# --- 1. build -----------------------------------------------------------------
# From a copy: dpkg-buildpackage configures in the tree and writes the .deb
# next to it. Tracked files and new ones not ignored (the change under test),
# but no build directories.
mkdir -p "$src"
if git -C "$top_srcdir" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	(cd "$top_srcdir" && git ls-files -co --exclude-standard | grep -v '^build' |
		while read -r f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -C "$src" -xf -
else # a release tarball: everything but build directories
	tar -C "$top_srcdir" --exclude='./build*' --exclude=./config.status -cf - . | tar -C "$src" -xf -
fi
tb=$(date +%s)
(cd "$src" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1
deb=$(ls "$work"/src/portcullis_*.deb 2>/dev/null | head -1)
[ -n "$deb" ]
pc_result $? "dpkg-buildpackage -us -uc -b builds $(basename "${deb:-portcullis_*.deb}") ($(($(date +%s) - tb)) s)"
[ -n "$deb" ] || { pc_diag "$work/build.log"; exit 1; }

# --- 2. lintian -----------------------------------------------------------------
lintian --pedantic -I "$work"/src/portcullis_*.changes > "$work/lintian.out" 2>&1
! grep -q '^E:' "$work/lintian.out"
pc_result $? "lintian: no errors ($(grep -c '^W:' "$work/lintian.out") warnings)"
grep '^[EWI]:' "$work/lintian.out" | sed 's/^/# /'

# --- 3. contents ---------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/contents"
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles > "$work/conffiles"
missing=
for f in /usr/sbin/portcullis /usr/sbin/portcullisctl /lib/systemd/system/portcullis.service \
	/lib/systemd/system/portcullis.service.d/debian.conf \
	/usr/share/bash-completion/completions/portcullisctl /usr/share/doc/portcullis/README \
	/usr/share/doc/portcullis/README.Debian /usr/share/doc/portcullis/templates/en/admin.txt \
	/usr/share/portcullis/rules/spam/10_headers.cf /usr/sbin/portcullis-web \
	/usr/share/portcullis/web/index.html /lib/systemd/system/portcullis-web.service \
	/lib/systemd/system/portcullis-digest.timer $CONF; do
	grep -qx -- "$f" "$work/contents" || missing="$missing $f"
done
# Manual pages come from "make install" (man/); each one is named in the unit.
for m in $(grep '^/usr/share/man/man./.' "$work/contents"); do
	b=$(basename "$m" .gz)
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./lib/systemd/system/portcullis.service.d/debian.conf |
		grep -q "^Documentation=.*man:${b%.*}(${b##*.})" || missing="$missing Documentation=man:$b"
done
[ -z "$missing" ] && grep -qx "$CONF" "$work/conffiles"
pc_result $? "the package ships the daemon, portcullisctl, unit, completion, docs, rules, templates; $CONF is a conffile${missing:+ (missing:$missing)}"

# --- Postfix: remember, configure, restore ----------------------------------------
pf_save() {
	for k in $PF_KEYS; do
		postconf -n "$k"
	done > "$work/postfix.saved"
	postconf -n | grep -v '^alternate_config_directories' > "$work/postfix.before"
}
pf_restore() {
	[ -f "$work/postfix.saved" ] || return 0
	for k in $PF_KEYS; do
		if grep -q "^$k = " "$work/postfix.saved"; then
			postconf -e "$(grep "^$k = " "$work/postfix.saved")"
		else
			postconf -X "$k"
		fi
	done
	rm -f "$work/postfix.saved"
}
pf_running() { postfix status > /dev/null 2>&1; }
# "postfix stop" returns before the master has exited.
pf_stop_default() {
	local pid i=0
	pid=$(head -1 /var/spool/postfix/pid/master.pid 2>/dev/null | tr -d ' ')
	postfix stop > /dev/null 2>&1
	while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
}

dpid=
stop_daemon() {
	local i=0
	[ -n "$dpid" ] || return 0
	kill -TERM "$dpid" 2>/dev/null
	# Not always our child (Type=forking): poll until it is gone (the unit
	# allows TimeoutStopSec, 60 s).
	while kill -0 "$dpid" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill -0 "$dpid" 2>/dev/null && return 1
	# Our child unless Type=forking: its exit status, 0 after a clean stop.
	if [ "$type" != forking ]; then wait "$dpid" || { dpid=; return 1; }; fi
	dpid=
}

installed=no pf_started=no type=
cleanup() {
	stop_daemon
	pf_restore
	if [ $pf_started = yes ]; then pf_stop_default; elif pf_running; then postfix reload > /dev/null 2>&1; fi
	[ $installed = yes ] && apt-get purge -y -q -o DPkg::Lock::Timeout=600 portcullis > "$work/purge-trap.log" 2>&1
	installed=no
}
trap cleanup EXIT

# --- 4. install ------------------------------------------------------------------
apt-get install -y -q -o DPkg::Lock::Timeout=600 "$deb" > "$work/install.log" 2>&1 && installed=yes
dpkg-query -W -f '${Status}' portcullis 2>/dev/null | grep -q "install ok installed"
pc_result $? "apt-get install ./$(basename "$deb")"
[ $installed = yes ] || { pc_diag "$work/install.log"; exit 1; }

# --- 5. what postinst made ------------------------------------------------------------
st() { stat -c '%U:%G %a' "$1" 2>/dev/null; }
bad=
getent passwd portcullis > /dev/null || bad="$bad user"
id -nG portcullis 2>/dev/null | tr ' ' '\n' | grep -qx postfix || bad="$bad not-in-group-postfix"
[ "$(st /var/lib/portcullis)" = "portcullis:portcullis 750" ] || bad="$bad /var/lib/portcullis=$(st /var/lib/portcullis)"
[ "$(st /var/spool/portcullis)" = "portcullis:portcullis 700" ] || bad="$bad /var/spool/portcullis=$(st /var/spool/portcullis)"
[ "$(st /var/spool/postfix/portcullis)" = "portcullis:postfix 750" ] ||
	bad="$bad /var/spool/postfix/portcullis=$(st /var/spool/postfix/portcullis)"
[ -L /etc/systemd/system/multi-user.target.wants/portcullis.service ] || bad="$bad not-enabled"
# The web console waits for an account: installed, not enabled.
[ -e /etc/systemd/system/multi-user.target.wants/portcullis-web.service ] && bad="$bad web-enabled"
systemd-analyze verify /lib/systemd/system/portcullis.service > "$work/verify.out" 2>&1 &&
	! grep -q . "$work/verify.out" || bad="$bad systemd-analyze"
[ -z "$bad" ]
pc_result $? "user portcullis (in group postfix), state and spool directories, socket directory in the chroot, unit enabled and verified${bad:+ (wrong:$bad)}"
[ -s "$work/verify.out" ] && pc_diag "$work/verify.out"

# --- 6. start as the unit would ----------------------------------------------------------
# As after installation with freshclam still downloading: database_dir
# empty (the test's own; the signatures come in step 8). No DNS and no
# admin notices. Set in the conffile, the way an administrator would.
mkdir -p "$work/db"
chmod 755 "$work/db"
sed -i -e "s|^#database_dir = .*|database_dir = $work/db|" \
	-e 's|^#dns_servers =.*|dns_servers = 127.0.0.1:9|' \
	-e 's|^#notify_admin = .*|notify_admin =|' "$CONF"
unit=/lib/systemd/system/portcullis.service
dropin=/lib/systemd/system/portcullis.service.d/debian.conf
key() { sed -n "s/^$1=//p" "$unit" "$dropin"; }   # every value, unit first
user=$(key User) group=$(key Group) type=$(key Type)
sock=/var/spool/postfix/portcullis/portcullis.sock
as_user() { setpriv --reuid="$user" --regid="$group" --init-groups -- "$@"; }
# One Exec line: "-" ignores failure, "+" runs with full privileges,
# $MAINPID is the daemon.
run_exec() {
	local cmd=$1 ignore=no root=no
	while :; do case $cmd in
		-*) ignore=yes cmd=${cmd#-} ;;
		+*) root=yes cmd=${cmd#+} ;;
		*) break ;;
	esac; done
	cmd=${cmd//\$MAINPID/$dpid}
	# shellcheck disable=SC2086
	if [ $root = yes ]; then $cmd; else as_user $cmd; fi || [ $ignore = yes ]
}
# Type=notify: READY=1 on NOTIFY_SOCKET, or the daemon's end, whichever
# comes first (this listener stands in for systemd).
cat > "$work/notify.py" <<'PY'
import os, socket, sys, time
path, ready, pidfile = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path); os.chmod(path, 0o666); s.settimeout(0.1)
open(ready + ".listening", "w").close()
pid = None
while True:  # until the daemon has gone
    try:
        msg = s.recv(4096).decode(errors="replace")
        print(msg.replace("\n", " "), flush=True)
        if "READY=1" in msg.split("\n"):
            open(ready, "w").close()
    except socket.timeout:
        pass
    try:
        pid = pid or int(open(pidfile).read())
        os.kill(pid, 0)
    except ValueError:
        pass
    except OSError:
        if pid: sys.exit(0)
PY
{
	umask "$(key UMask)"
	for d in $(key RuntimeDirectory); do install -d -o "$user" -g "$group" -m "$(key RuntimeDirectoryMode)" "/run/$d"; done
	for d in $(key StateDirectory); do install -d -o "$user" -g "$group" -m "$(key StateDirectoryMode)" "/var/lib/$d"; done
	key ExecStartPre > "$work/pre"
	ok=0
	while read -r line; do
		echo "ExecStartPre: $line"
		run_exec "$line" || ok=1
	done < "$work/pre"
	echo "ExecStart ($type): $(key ExecStart)"
	if [ $ok = 1 ]; then
		false
	elif [ "$type" = forking ]; then
		# shellcheck disable=SC2046
		as_user $(key ExecStart) && dpid=$(cat "$(key PIDFile)")
	else
		rm -f "$work/notify.sock" "$work/notify.ready"* "$work/daemon.pid"
		/usr/bin/python3 "$work/notify.py" "$work/notify.sock" "$work/notify.ready" \
			"$work/daemon.pid" > "$work/notify.out" 2>&1 &
		npid=$!
		while [ ! -e "$work/notify.ready.listening" ] && kill -0 $npid 2>/dev/null; do sleep 0.05; done
		# exec: the daemon keeps this subshell's pid.
		# shellcheck disable=SC2046
		(export NOTIFY_SOCKET="$work/notify.sock"
		 exec setpriv --reuid="$user" --regid="$group" --init-groups -- $(key ExecStart)) \
			> "$work/daemon.log" 2>&1 &
		dpid=$!
		echo $dpid > "$work/daemon.pid"
		if [ "$type" = notify ]; then
			while [ ! -e "$work/notify.ready" ] && kill -0 $dpid 2>/dev/null; do sleep 0.05; done
			[ -e "$work/notify.ready" ]
		else # simple, exec: ready when the socket is there
			for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.05; done
		fi
	fi
} > "$work/start.log" 2>&1
started=$?
[ $started = 0 ] && kill -0 "$dpid" 2>/dev/null &&
	[ -S $sock ] && [ "$(st $sock)" = "portcullis:postfix 660" ] &&
	[ "$(st /var/lib/portcullis/release.key)" = "portcullis:portcullis 600" ]
pc_result $? "daemon started as the unit would (Type=$type, user $user), no signatures yet: socket $sock portcullis:postfix 0660, release key 0600"
# Who else made the key (a root process on the default path)?
[ "$(st /var/lib/portcullis/release.key)" = "portcullis:portcullis 600" ] || {
	stat /var/lib/portcullis/release.key 2>&1 | sed 's/^/# key: /'
	ps -eo pid,user,lstart,args | grep "[p]ortcullis" | sed 's/^/# ps: /'
}
if [ $started != 0 ] || [ ! -S $sock ]; then
	pc_diag "$work/start.log" "$work/daemon.log" "$work/notify.out" 2> /dev/null
	as_user /usr/sbin/portcullis -t 2>&1 | sed 's/^/# -t: /'
	ls -la /var/spool/postfix/portcullis /var/lib/portcullis 2>&1 | sed 's/^/# /'
	exit 1
fi

# --- 7. the system Postfix, as README.Debian says ------------------------------------------
pf_save
mkdir -p "$work/mail" "$work/pflog"
chown 65534:65534 "$work/mail"
# The postconf lines of README.Debian, run as they are written there.
grep '^ *postconf -e ' /usr/share/doc/portcullis/README.Debian > "$work/readme-postconf"
sh -e "$work/readme-postconf"
postconf -e "inet_interfaces = loopback-only" "inet_protocols = ipv4" \
	"maillog_file = $work/pflog/postfix.log" "maillog_file_prefixes = $work/pflog" \
	"virtual_mailbox_domains = $DOMAIN" "virtual_mailbox_base = $work/mail" \
	"virtual_mailbox_maps = static:maildir/" "virtual_uid_maps = static:65534" \
	"virtual_gid_maps = static:65534"
[ "$(postconf -h smtpd_milters)" = unix:portcullis/portcullis.sock ] &&
	[ "$(postconf -h non_smtpd_milters)" = unix:portcullis/portcullis.sock ] &&
	[ "$(postconf -h milter_default_action)" = tempfail ]
readme=$?
[ $readme = 0 ] || pc_diag "$work/readme-postconf"
if pf_running; then
	postfix reload > "$work/pfstart.log" 2>&1
else
	postfix start > "$work/pfstart.log" 2>&1 && pf_started=yes
fi
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/25) 2>/dev/null && break; sleep 0.1; done
send() { # name, swaks arguments...
	local name=$1
	shift
	swaks --server 127.0.0.1 --port 25 --from sender@example.org --to "rcpt@$DOMAIN" \
		--timeout 60 "$@" > "$work/$name.swaks" 2>&1
}
# Waits up to 20 s for a delivered message containing $1; prints its path.
wait_delivered() {
	local f
	for _ in $(seq 200); do
		f=$(grep -l -F -- "$1" "$work"/mail/maildir/new/* 2>/dev/null | head -1)
		[ -n "$f" ] && { echo "$f"; return 0; }
		sleep 0.1
	done
	return 1
}
# Before the first signatures: 451 4.7.1, the sender retries later.
send early --header "Subject: deb-early-$$" --body "Sent before the signatures arrived."
[ $readme = 0 ] && grep -q '<\*\* *451 4.7.1 .*database not loaded' "$work/early.swaks"
pc_result $? "README.Debian's postconf lines; no signatures yet: mail through chrooted smtpd gets 451 4.7.1"
grep -q '<\*\* *451 4.7.1' "$work/early.swaks" ||
	{ pc_diag "$work/early.swaks" "$work/pfstart.log"; pc_diag "$work/pflog/postfix.log"; }

# --- 8. the signatures arrive; the unit's ExecReload (as freshclam's
# arrival would, within db_check_interval) ------------------------------------------------
cp "$PC_SIGS"/* "$work/db/"
chmod a+r "$work/db"/*
ok=0
while read -r line; do
	run_exec "$line" >> "$work/reload.log" 2>&1 || ok=1
done <<EOF_RELOAD
$(key ExecReload)
EOF_RELOAD
token="deb-clean-$$-$(date +%s)"
send clean --header "Subject: $token" --body "A clean message through the packaged milter."
f=$(wait_delivered "$token")
[ $ok = 0 ] && [ -n "$f" ] && grep -q "^X-Virus-Status: Clean" "$f" && grep -q "^X-Virus-Scanned: portcullis" "$f"
pc_result $? "ExecReload, then a clean message through chrooted smtpd is delivered, X-Virus-Status: Clean"
[ -n "$f" ] || { pc_diag "$work/reload.log" "$work/clean.swaks"; pc_diag "$work/pflog/postfix.log"; }

send eicar --header "Subject: deb-eicar-$$" --body "$EICAR"
grep -q '<\*\* *550 5.7.1 .*Eicar' "$work/eicar.swaks" &&
	! grep -l "deb-eicar-$$" "$work"/mail/maildir/new/* > /dev/null 2>&1
pc_result $? "an EICAR message is rejected (550 5.7.1) and not delivered"
grep -q '<\*\* *550' "$work/eicar.swaks" || pc_diag "$work/eicar.swaks"

# --- 9. stop, restore Postfix ------------------------------------------------------------------
stop_daemon
ok=$?
pf_restore
if [ $pf_started = yes ]; then pf_stop_default; pf_started=no; else postfix reload > /dev/null 2>&1; fi
postconf -n | grep -v '^alternate_config_directories' > "$work/postfix.after"
[ $ok = 0 ] && cmp -s "$work/postfix.before" "$work/postfix.after" && ! pf_running
pc_result $? "daemon stopped on SIGTERM (exit 0); Postfix's main.cf settings and state as before"
cmp -s "$work/postfix.before" "$work/postfix.after" || diff "$work/postfix.before" "$work/postfix.after" | sed 's/^/# /'

# --- 10. purge ---------------------------------------------------------------------------------------
apt-get purge -y -q -o DPkg::Lock::Timeout=600 portcullis > "$work/purge.log" 2>&1 && installed=no
left=
for p in /etc/portcullis /var/lib/portcullis /var/spool/portcullis /var/spool/postfix/portcullis \
	/run/portcullis /lib/systemd/system/portcullis.service /lib/systemd/system/portcullis.service.d \
	/etc/systemd/system/multi-user.target.wants/portcullis.service /usr/share/doc/portcullis \
	/usr/share/portcullis /usr/sbin/portcullis /usr/sbin/portcullisctl \
	/usr/share/bash-completion/completions/portcullisctl; do
	[ -e "$p" ] || [ -L "$p" ] && left="$left $p"
done
# Anything else of the user's outside the test's own directories.
left="$left $(find /etc /var /run /usr /lib /srv /opt -xdev \( -user portcullis -o -group portcullis \) \
	-not -path "$work/*" -print 2>/dev/null | head -5 | tr '\n' ' ')"
left=$(echo $left)
pgrep -u portcullis > /dev/null 2>&1 && left="$left processes:$(pgrep -u portcullis | tr '\n' ' ')"
[ -n "$(find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
	-name '*portcullis*' 2>/dev/null)" ] && left="$left deb-systemd-helper-state"
[ $installed = no ] && [ -z "$left" ] && ! dpkg-query -W -f '${Status}' portcullis 2>/dev/null | grep -q installed
pc_result $? "apt-get purge leaves nothing but the user and group portcullis${left:+ (left: $left)}"
[ $installed = no ] || pc_diag "$work/purge.log"
echo "# check-deb took $(($(date +%s) - t0)) s"
