#!/bin/sh
# portcullisctl, started by root, in a quarantine the daemon's user owns:
# whatever that user planted there (symbolic links to root's files, a .meta
# naming an address, entries that are not its own) must not make root read,
# mail or overwrite anything; the index root makes stays the daemon's; and
# what mail put into subjects, addresses and reasons reaches the terminal
# escaped.  "nobody" plays the daemon's user.
. "$top_srcdir/tests/lib.sh"
if [ "$(id -u)" != 0 ] || ! id nobody > /dev/null 2>&1; then
	echo "1..0 # SKIP needs root and a user nobody"
	exit 0
fi
work=$(pc_workdir ctl-security)
chmod 755 "$work"
owner="nobody:$(id -gn nobody)"
q="$work/q"
out="$work/out.d"
mkdir -p "$q" "$out"
chmod 700 "$q"
chown "$owner" "$q" "$out"
C="$top_builddir/portcullisctl"
export LC_ALL=C
result() { # status, description, files to show when it failed
	r=$1 desc=$2
	shift 2
	pc_result "$r" "$desc"
	[ "$r" = 0 ] || pc_diag "$@"
}

# root's files the attacks aim at
printf 'untouched\n' > "$work/root-target"
printf 'root secret\n' > "$work/root-secret"
chmod 600 "$work/root-target" "$work/root-secret"

printf '#!/bin/sh\n{ echo "args: $*"; cat; } >> "%s/sent"\n' "$out" > "$work/sendmail"
chmod 755 "$work/sendmail"
printf '%064d\n' 7 > "$q/release.key"
chown "$owner" "$q/release.key"
chmod 600 "$q/release.key"
ctl() {
	"$C" -c /dev/null -o quarantine.quarantine_dir="$q" \
		-o quarantine.release_key_file="$q/release.key" -o "history.dir=$q/history" \
		-o notify.sendmail_path="$work/sendmail" "$@"
}

# An entry as the daemon writes it: ID.eml and ID.meta, owned by nobody.
entry() { # id, subject, sender, reason
	printf 'From: x@x.test\r\nSubject: %s\r\n\r\nbody\r\n' "$2" > "$q/$1.eml"
	printf '[entry]\nid=%s\nreceived=1795000000\nsender=%s\nrecipients=a@x.test;\n' \
		"$1" "$3" > "$q/$1.meta"
	printf 'group=default\nstatus=infected\naction=quarantine\nreason=%s\nsize=30\n' \
		"$4" >> "$q/$1.meta"
	chown "$owner" "$q/$1.eml" "$q/$1.meta"
}

echo "1..13"
# A root list in a fresh quarantine creates the index: it must be nobody's.
entry 20261118T000000-A-00000001 hello s@x.test virus
ctl quarantine list > "$work/list0" 2>&1
[ "$(stat -c %U "$q/.index/index.sqlite" 2>/dev/null)" = nobody ] &&
	[ "$(stat -c %U "$q/.index")" = nobody ]
result $? "a root list leaves an index owned by the quarantine's owner" "$work/list0"

# The temp name of the .meta a release rewrites, planted as a link to root's file.
ln -s "$work/root-target" "$q/.20261118T000000-A-00000001.meta.tmp"
chown -h "$owner" "$q/.20261118T000000-A-00000001.meta.tmp"
ctl quarantine release 20261118T000000-A-00000001 > "$work/rel1" 2>&1
rc=$?
[ "$(cat "$work/root-target")" = untouched ]
result $? "a release does not write through a planted temp link into root's file" "$work/rel1"
[ "$rc" = 0 ] && ! grep -q "not recorded" "$work/rel1" && grep -q "released to" "$work/rel1" &&
	grep -q "^released=" "$q/20261118T000000-A-00000001.meta"
result $? "and the release itself succeeds and is recorded" "$work/rel1"

# A .eml linked to root's secret, with a .meta naming the attacker.
entry 20261118T000000-B-00000002 hi s@x.test virus
rm "$q/20261118T000000-B-00000002.eml"
ln -s "$work/root-secret" "$q/20261118T000000-B-00000002.eml"
chown -h "$owner" "$q/20261118T000000-B-00000002.eml"
: > "$out/sent"
ctl quarantine release 20261118T000000-B-00000002 --to attacker@evil.test > "$work/rel2" 2>&1
rc=$?
! grep -q "root secret" "$out/sent"
result $? "a release does not mail root's file through a linked .eml" "$out/sent"
[ "$rc" = 1 ] && grep -q "20261118T000000-B-00000002.eml: refused: a symbolic link" "$work/rel2"
result $? "it refuses with a message naming the entry's file" "$work/rel2"

# A .meta linked to root's secret: show must neither print nor parse it.
entry 20261118T000000-C-00000003 hi s@x.test virus
rm "$q/20261118T000000-C-00000003.meta"
ln -s "$work/root-secret" "$q/20261118T000000-C-00000003.meta"
chown -h "$owner" "$q/20261118T000000-C-00000003.meta"
ctl quarantine show 20261118T000000-C-00000003 > "$work/show3" 2>&1
! grep -q "root secret" "$work/show3" &&
	grep -q "C-00000003.meta: refused: a symbolic link" "$work/show3"
result $? "show does not read root's file through a linked .meta and says why" "$work/show3"

# An entry file that is not the owner's (root's here, as a hard link would be).
entry 20261118T000000-D-00000004 hi s@x.test virus
chown root "$q/20261118T000000-D-00000004.meta"
ctl quarantine list > "$work/list4" 2>&1
grep -q "D-00000004.meta: refused: owned by uid 0, not by the quarantine's owner" \
	"$work/list4"
result $? "list shows an entry file of another owner as refused (DAMAGED)" "$work/list4"

# Terminal escapes (title, erase screen), a C1 CSI and an invalid byte.
esc=$(printf '\033')
bel=$(printf '\007')
c1=$(printf '\302\233')
entry 20261118T000000-E-00000005 "$(printf 'x\033]0;owned\007\033[2J\377y')" \
	"$(printf 's\033[2J@x.test')" "$(printf 'evil\033]0;title\007%s31m' "$c1")"
ctl quarantine show 20261118T000000-E-00000005 > "$work/show5" 2>&1
ctl quarantine list > "$work/list5" 2>&1
cat "$work/show5" "$work/list5" > "$work/text5"
! grep -q "[$esc$bel]" "$work/text5" && ! grep -q "$c1" "$work/text5" &&
	! grep -q "$(printf '\377')" "$work/text5"
result $? "show and list print no raw ESC, BEL, C1 or invalid byte" "$work/text5"
grep -qF 'Subject: x\x1b]0;owned\x07\x1b[2J\xffy' "$work/show5" &&
	grep -qF 'Reason:      evil\x1b]0;title\x07\u009b31m' "$work/show5" &&
	grep -qF '<s\x1b[2J@x.test>' "$work/list5"
result $? "they show those characters as escapes" "$work/text5"
ctl quarantine list --json > "$work/json5" 2>&1
! grep -q "[$esc$bel]" "$work/json5" && ! grep -q "$c1" "$work/json5" &&
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
e = [e for e in d if e["id"].endswith("E-00000005")][0]
sys.exit(0 if e["reason"] == "evil\x1b]0;title\x07\x9b31m" else 1)' "$work/json5"
result $? "list --json is valid JSON carrying them escaped" "$work/json5"

# quarantine_dir itself replaced by a link of the daemon's user: refused.
ln -s "$q" "$work/qlink"
chown -h "$owner" "$work/qlink"
"$C" -c /dev/null -o quarantine.quarantine_dir="$work/qlink" quarantine list > "$work/link6" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q "quarantine_dir $work/qlink is a symbolic link of uid $(id -u nobody), not root.s: refused" "$work/link6"
result $? "root refuses a quarantine_dir that is a link of another user's, saying so" \
	"$work/link6"

# The Bayes store is the daemon's user's too: links it plants there (LMDB
# creates and writes lock.mdb and data.mdb) must not reach root's files,
# while root still reads its own message files to learn.
b="$work/bayes"
mkdir -p "$b"
chown "$owner" "$b"
printf 'untouched\n' > "$work/root-lock"
chmod 600 "$work/root-lock"
ln -s "$work/root-lock" "$b/lock.mdb"
ln -s "$work/root-made" "$b/data.mdb"
chown -h "$owner" "$b/lock.mdb" "$b/data.mdb"
printf 'Subject: cheap pills\n\nBuy cheap pills now\n' > "$work/spam.eml"
chmod 600 "$work/spam.eml"
"$C" -c /dev/null -o spam.bayes_dir="$b" learn --spam "$work/spam.eml" > "$work/learn7" 2>&1
[ "$(cat "$work/root-lock")" = untouched ] && [ ! -e "$work/root-made" ]
result $? "root learn does not write through links planted in bayes_dir" "$work/learn7"
rm -f "$b/lock.mdb" "$b/data.mdb"
"$C" -c /dev/null -o spam.bayes_dir="$b" learn --spam "$work/spam.eml" > "$work/learn8" 2>&1 &&
	grep -q "1 messages learned as spam" "$work/learn8" &&
	[ "$(stat -c %U "$b/data.mdb")" = nobody ]
result $? "root learns from its own file into the store, which stays nobody's" "$work/learn8"
