#!/bin/bash
# Smoke run of tests/spam/sa-differential.sh, the comparison of portcullis
# with SpamAssassin itself on SpamAssassin's rules (a developer's tool, not
# part of the test run): on 5 training messages both sides run and the
# table is printed; without arguments it prints its usage and exits 2.
set -u
. "$top_srcdir/tests/lib.sh"

work=$(pc_workdir spam-smoke)
echo "1..2"
if ! tar xzf "$(pc_corpus_tgz)" -C "$work" package/data/spam-1 2> "$work/tar.err"; then
	echo "not ok 1 - corpus unavailable: $(head -1 "$work/tar.err")"
	echo "not ok 2 - corpus unavailable"
	exit 0
fi
bash "$top_srcdir/tests/spam/sa-differential.sh" -n 5 "$work/package/data/spam-1" \
	> "$work/out" 2>&1
rc=$?
# Both sides must have hit rules: SpamAssassin finds several on any spam.
if [ $rc = 0 ] && head -1 "$work/out" | grep -Eq '^5 messages, [1-9][0-9]* rules hit by either'; then
	echo "ok 1 - sa-differential.sh on 5 messages: $(head -1 "$work/out")"
else
	echo "not ok 1 - sa-differential.sh exited $rc"
	sed 's/^/# /' "$work/out" | head -20
fi
bash "$top_srcdir/tests/spam/sa-differential.sh" > "$work/usage" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "sa-differential.sh \[-n N\] DIR" "$work/usage"; then
	echo "ok 2 - without arguments it prints its usage and exits 2"
else
	echo "not ok 2 - without arguments: exit $rc"
fi
