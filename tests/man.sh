#!/bin/sh
# The manual pages: mandoc finds nothing to say about them, portcullis.conf(5)
# documents every key of the key table (milter/conf/conf_keys.c, through
# --dump-defaults) and equals a fresh generation by conf/man-conf.py,
# portcullis(8) names every option of --help and portcullisctl(8) every
# command of its --help, and "make install" installs the three.
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir man)
man="$top_srcdir/man"
echo "1..11"

if ! command -v mandoc > /dev/null; then
	echo "# mandoc is missing: ./install-deps test"
fi

# "referenced manual not found" and mandoc.db notes depend on the manuals
# this machine has installed; everything else mandoc says is a defect.
n=0
for page in portcullis.8 portcullis.conf.5 portcullisctl.8 portcullis-web.8; do
	n=$((n + 1))
	mandoc -Tlint "$man/$page" > "$work/lint.out" 2>&1
	status=$?
	grep -v -e 'STYLE: referenced manual not found' -e 'outdated mandoc.db' \
		"$work/lint.out" > "$work/lint.left"
	# Exit status 0 (nothing) or 1 (style notes only, the ones filtered out).
	if [ $status -le 1 ] && [ ! -s "$work/lint.left" ] && command -v mandoc > /dev/null; then
		echo "ok $n - mandoc -Tlint: $page is clean"
	else
		echo "not ok $n - mandoc -Tlint $page (exit $status):"
		sed 's/^/# /' "$work/lint.out"
	fi
done

# The formatted text, without overstrike.
render() {
	mandoc -Tascii -Owidth=200 "$1" 2> /dev/null | sed 's/.\x08//g'
}

# "GROUP KEY" for every key a page documents, in page order: each key is a
# ".It Cm KEY Pq default ..." line below the ".Ss \&[GROUP]\&" line of its group.
page_keys() {
	sed -n -e 's/^\.Ss \\&\[\([a-z]*\)\]\\&$/group \1/p' -e 's/^\.It Cm \([a-z_]*\) Pq default.*/key \1/p' "$1" |
		awk '$1 == "group" { g = $2 } $1 == "key" && g != "" { print g, $2 }'
}
"$PC_PORTCULLIS" --dump-defaults > "$work/defaults.conf"
awk '/^\[[a-z]+\]$/ { g = substr($0, 2, length($0) - 2) }
     /^#[a-z_]+ =/ && g != "" { sub(/^#/, ""); print g, $1 }' "$work/defaults.conf" | sort > "$work/keys"
# A key missing from its group's section (or documented under another group).
keys_missing() {
	page_keys "$1" | sort | comm -23 "$work/keys" -
}
if [ -s "$work/keys" ] && [ -z "$(keys_missing "$man/portcullis.conf.5")" ]; then
	echo "ok 5 - portcullis.conf.5 documents each of the $(wc -l < "$work/keys") keys of --dump-defaults in its group"
else
	echo "not ok 5 - keys missing from portcullis.conf.5 (group key):"
	keys_missing "$man/portcullis.conf.5" | sed 's/^/# /'
fi

# The check above must notice a key that is not there: drop one from a copy.
first=$(page_keys "$man/portcullis.conf.5" | head -1)
awk '!gone && /^\.It Cm [a-z_]* Pq default/ { gone = 1; next } { print }' \
	"$man/portcullis.conf.5" > "$work/one-less.5"
if [ -n "$first" ] && [ "$(keys_missing "$work/one-less.5")" = "$first" ]; then
	echo "ok 6 - the key check notices a key ($first) taken out of the page"
else
	echo "not ok 6 - the key check missed '$first' taken out: '$(keys_missing "$work/one-less.5")'"
fi

cp "$man/portcullis.conf.5" "$work/fresh.5"
if python3 "$top_srcdir/conf/man-conf.py" --update "$work/fresh.5" < "$work/defaults.conf" &&
   diff -u "$man/portcullis.conf.5" "$work/fresh.5" > "$work/fresh.diff"; then
	echo "ok 7 - portcullis.conf.5 equals a fresh generation from --dump-defaults"
else
	echo "not ok 7 - portcullis.conf.5 is not what conf/man-conf.py makes of --dump-defaults; run"
	echo "#   portcullis --dump-defaults | conf/man-conf.py --update man/portcullis.conf.5"
	sed 's/^/# /' "$work/fresh.diff"
fi

# Every option of --help, long and short, in a tag line (an entry) of the
# page's OPTIONS section, not only in the synopsis.
render "$man/portcullis.8" | sed -n '/^OPTIONS$/,/^[A-Z]/p' | grep '^     -' > "$work/options.txt"
"$PC_PORTCULLIS" --help > "$work/help.txt"
sed -n 's/^  \(-[A-Za-z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' "$work/help.txt" > "$work/options"
sed -n 's/^  \(-[A-Za-z]\), --.*/\1/p' "$work/help.txt" >> "$work/options"
missing=
while read -r opt; do
	grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$work/options.txt" || missing="$missing $opt"
done < "$work/options"
if [ "$(grep -c -- '^--' "$work/options")" -ge 10 ] && [ -z "$missing" ]; then
	echo "ok 8 - portcullis.8 has an entry for each of the $(wc -l < "$work/options") options of portcullis --help"
else
	echo "not ok 8 - options of --help without an entry in portcullis.8:$missing"
fi

# Every command of portcullisctl --help ("quarantine list", "learn", ...),
# and the control socket's commands, as an entry of the page.
render "$man/portcullisctl.8" > "$work/portcullisctl.8.txt"
{
	"$top_builddir/portcullisctl" --help |
		sed -n '/^COMMANDS$/,/^[A-Z]/s/^    \(quarantine [a-z]*\|[a-z]\{1,\}\)\( .*\)\{0,1\}$/\1/p'
	printf '%s\n' status reload stats drain
} | sort -u > "$work/commands"
missing=
while read -r cmd; do
	grep -qE "^     $cmd( |\$)" "$work/portcullisctl.8.txt" || missing="$missing '$cmd'"
done < "$work/commands"
if [ "$(grep -c quarantine "$work/commands")" -ge 6 ] && [ -z "$missing" ]; then
	echo "ok 9 - portcullisctl.8 has an entry for each of the $(wc -l < "$work/commands") commands"
else
	echo "not ok 9 - commands missing from portcullisctl.8:$missing"
fi

# portcullis-web.8: every option of portcullis-web --help.
render "$man/portcullis-web.8" | sed -n '/^OPTIONS$/,/^[A-Z]/p' | grep '^     -' > "$work/web-options.txt"
"$top_builddir/portcullis-web" --help | sed -n 's/^  \(-[A-Za-z-]*\).*/\1/p' > "$work/web-options"
missing=
while read -r opt; do
	grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$work/web-options.txt" || missing="$missing $opt"
done < "$work/web-options"
if [ "$(wc -l < "$work/web-options")" -ge 4 ] && [ -z "$missing" ]; then
	echo "ok 10 - portcullis-web.8 has an entry for each of the $(wc -l < "$work/web-options") options of portcullis-web --help"
else
	echo "not ok 10 - options of portcullis-web --help without an entry in portcullis-web.8:$missing"
fi

if make -s -C "$top_builddir" install-man DESTDIR="$work/root" > "$work/install.log" 2>&1 &&
   [ -n "$(find "$work/root" -path '*/man8/portcullis.8')" ] &&
   [ -n "$(find "$work/root" -path '*/man8/portcullisctl.8')" ] &&
   [ -n "$(find "$work/root" -path '*/man5/portcullis.conf.5')" ] &&
   [ -n "$(find "$work/root" -path '*/man8/portcullis-web.8')" ]; then
	echo "ok 11 - make install installs portcullis.8, portcullisctl.8, portcullis-web.8 and portcullis.conf.5"
else
	echo "not ok 11 - the pages are not installed:"
	sed 's/^/# /' "$work/install.log"
	(cd "$work/root" 2>/dev/null && find . -type f | sed 's/^/# /')
fi
