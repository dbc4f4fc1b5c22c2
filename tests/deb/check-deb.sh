#!/bin/bash
# make check-deb: the Debian package, end to end, on this machine (root).
#   build it from a copy of the source (dpkg-buildpackage -us -uc -b)
#   lintian: no errors (warnings are listed as comments)
#   apt-get install ./portcullis_*.deb: user, directories, enabled unit
#   start the daemon as the unit would (no systemd here): its directories,
#     its ExecStartPre lines (root for "+"), ExecStart as User, Type=forking
#   the system Postfix, configured as README.Debian says (loopback only):
#     a clean message is delivered, an EICAR message rejected
#   stop, restore Postfix's configuration, purge: nothing of the package
#     is left but the user and group portcullis (Debian keeps system users)
# The signatures are the test set (tests/data/sigs), named in the packaged
# portcullis.conf as an administrator would; the purge must remove it even
# though it was edited.
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
echo "1..10"
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
	/usr/share/portcullis/rules/spam/10_headers.cf $CONF; do
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

daemon_pid() { cat /run/portcullis/portcullis.pid 2>/dev/null; }
stop_daemon() {
	local pid i=0
	pid=$(daemon_pid)
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	# Not our child: poll until it is gone (the unit allows 60 s).
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
	! kill -0 "$pid" 2>/dev/null
}

installed=no pf_started=no
cleanup() {
	stop_daemon
	pf_restore
	if [ $pf_started = yes ]; then pf_stop_default; elif pf_running; then postfix reload > /dev/null 2>&1; fi
	[ $installed = yes ] && apt-get purge -y -q portcullis > "$work/purge-trap.log" 2>&1
	installed=no
}
trap cleanup EXIT

# --- 4. install ------------------------------------------------------------------
apt-get install -y -q "$deb" > "$work/install.log" 2>&1 && installed=yes
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
systemd-analyze verify /lib/systemd/system/portcullis.service > "$work/verify.out" 2>&1 &&
	! grep -q . "$work/verify.out" || bad="$bad systemd-analyze"
[ -z "$bad" ]
pc_result $? "user portcullis (in group postfix), state and spool directories, socket directory in the chroot, unit enabled and verified${bad:+ (wrong:$bad)}"
[ -s "$work/verify.out" ] && pc_diag "$work/verify.out"

# --- 6. start as the unit would ----------------------------------------------------------
# The test signatures and no DNS or admin notices, set in the conffile the
# way an administrator would.
mkdir -p "$work/db"
cp "$PC_SIGS"/* "$work/db/"
chmod -R a+rX "$work/db"
sed -i -e "s|^#database_dir = .*|database_dir = $work/db|" \
	-e 's|^#dns_servers =.*|dns_servers = 127.0.0.1:9|' \
	-e 's|^#notify_admin = .*|notify_admin =|' "$CONF"
unit=/lib/systemd/system/portcullis.service
dropin=/lib/systemd/system/portcullis.service.d/debian.conf
key() { sed -n "s/^$1=//p" "$unit" "$dropin"; }   # every value, unit first
user=$(key User) group=$(key Group)
as_user() { setpriv --reuid="$user" --regid="$group" --init-groups -- "$@"; }
{
	umask "$(key UMask)"
	for d in $(key RuntimeDirectory); do install -d -o "$user" -g "$group" -m "$(key RuntimeDirectoryMode)" "/run/$d"; done
	for d in $(key StateDirectory); do install -d -o "$user" -g "$group" -m "$(key StateDirectoryMode)" "/var/lib/$d"; done
	key ExecStartPre > "$work/pre"
	ok=0
	while read -r line; do
		cmd=$line ignore=no root=no
		while :; do case $cmd in
			-*) ignore=yes cmd=${cmd#-} ;;
			+*) root=yes cmd=${cmd#+} ;;
			*) break ;;
		esac; done
		echo "ExecStartPre: $line"
		# shellcheck disable=SC2086
		if [ $root = yes ]; then $cmd; else as_user $cmd; fi || [ $ignore = yes ] || ok=1
	done < "$work/pre"
	[ $ok = 0 ] && echo "ExecStart: $(key ExecStart)" &&
		# shellcheck disable=SC2046
		as_user $(key ExecStart)
} > "$work/start.log" 2>&1
started=$?
sock=/var/spool/postfix/portcullis/portcullis.sock
# Type=forking: the start command returns once the daemon is ready.
[ $started = 0 ] && [ "$(key Type)" = forking ] && kill -0 "$(daemon_pid)" 2>/dev/null &&
	[ -S $sock ] && [ "$(st $sock)" = "portcullis:postfix 660" ] &&
	[ "$(st /var/lib/portcullis/release.key)" = "portcullis:portcullis 600" ]
pc_result $? "daemon started as the unit would (user $user): socket $sock portcullis:postfix 0660, release key 0600"
if [ $started != 0 ] || [ ! -S $sock ]; then
	pc_diag "$work/start.log"
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
token="deb-clean-$$-$(date +%s)"
send clean --header "Subject: $token" --body "A clean message through the packaged milter."
f=$(wait_delivered "$token")
[ $readme = 0 ] && [ -n "$f" ] && grep -q "^X-Virus-Status: Clean" "$f" && grep -q "^X-Virus-Scanned: portcullis" "$f"
pc_result $? "README.Debian's postconf lines: a clean message through chrooted smtpd is delivered, X-Virus-Status: Clean"
[ -n "$f" ] || { pc_diag "$work/clean.swaks" "$work/pfstart.log"; pc_diag "$work/pflog/postfix.log"; }

send eicar --header "Subject: deb-eicar-$$" --body "$EICAR"
grep -q '<\*\* *550 5.7.1 .*Eicar' "$work/eicar.swaks" &&
	! grep -l "deb-eicar-$$" "$work"/mail/maildir/new/* > /dev/null 2>&1
pc_result $? "an EICAR message is rejected (550 5.7.1) and not delivered"
grep -q '<\*\* *550' "$work/eicar.swaks" || pc_diag "$work/eicar.swaks"

# --- 8. stop, restore Postfix ------------------------------------------------------------------
stop_daemon
ok=$?
pf_restore
if [ $pf_started = yes ]; then pf_stop_default; pf_started=no; else postfix reload > /dev/null 2>&1; fi
postconf -n | grep -v '^alternate_config_directories' > "$work/postfix.after"
[ $ok = 0 ] && cmp -s "$work/postfix.before" "$work/postfix.after" && ! pf_running
pc_result $? "daemon stopped on SIGTERM; Postfix's main.cf settings and state as before"
cmp -s "$work/postfix.before" "$work/postfix.after" || diff "$work/postfix.before" "$work/postfix.after" | sed 's/^/# /'

# --- 9. purge ---------------------------------------------------------------------------------------
apt-get purge -y -q portcullis > "$work/purge.log" 2>&1 && installed=no
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
[ -n "$(find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
	-name '*portcullis*' 2>/dev/null)" ] && left="$left deb-systemd-helper-state"
[ $installed = no ] && [ -z "$left" ] && ! dpkg-query -W -f '${Status}' portcullis 2>/dev/null | grep -q installed
pc_result $? "apt-get purge leaves nothing but the user and group portcullis${left:+ (left: $left)}"
[ $installed = no ] || pc_diag "$work/purge.log"
echo "# check-deb took $(($(date +%s) - t0)) s"
