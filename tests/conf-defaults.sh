#!/bin/sh
# conf/portcullis.conf and the README key list are generated from, and must
# match, the key table compiled into the daemon (milter/conf/conf_keys.c).
. "$top_srcdir/tests/lib.sh"
echo "1..4"
if "$PC_PORTCULLIS" --dump-defaults | diff -u "$top_srcdir/conf/portcullis.conf" - > /dev/null; then
	echo "ok 1 - conf/portcullis.conf equals portcullis --dump-defaults"
else
	echo "not ok 1 - conf/portcullis.conf differs from --dump-defaults (regenerate it)"
fi
missing=
for key in $("$PC_PORTCULLIS" --dump-defaults | sed -n 's/^#\([a-z_]*\) =.*/\1/p'); do
	grep -q "\`$key\`" "$top_srcdir/README" || missing="$missing $key"
done
if [ -z "$missing" ]; then
	echo "ok 2 - every key is documented in README"
else
	echo "not ok 2 - keys missing from README:$missing"
fi
# The shipped file must load as it is.
if "$PC_PORTCULLIS" -c "$top_srcdir/conf/portcullis.conf" --dump-defaults > /dev/null; then
	echo "ok 3 - conf/portcullis.conf loads"
else
	echo "not ok 3 - conf/portcullis.conf does not load"
fi
# The MTA lines --help prints come from conf/; README must show the same.
missing=
for snippet in "$top_srcdir/conf/postfix-main.cf" "$top_srcdir/conf/sendmail.mc"; do
	grep -v '^#' "$snippet" | grep -v '^dnl' | sed 's/dnl$//' | while IFS= read -r line; do
		grep -qF -- "$line" "$top_srcdir/README" || echo "$line"
	done
done > "$top_builddir/tests/snippets-missing.txt"
if [ ! -s "$top_builddir/tests/snippets-missing.txt" ]; then
	echo "ok 4 - README shows the Postfix and Sendmail lines of conf/ (as --help does)"
else
	echo "not ok 4 - README lacks these lines of conf/ snippets:"
	sed 's/^/# /' "$top_builddir/tests/snippets-missing.txt"
fi
