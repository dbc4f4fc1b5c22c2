#!/bin/sh
# The analysis engine and the decision step must not know about the MTA: no
# object of engine/ (with engine/mime/) or policy/ may reference a libmilter
# symbol, and none of their sources may include its headers.
. "$top_srcdir/tests/lib.sh"
echo "1..2"
objects=$(find "$top_builddir/engine" "$top_builddir/policy" -name '*.o' 2>/dev/null)
syms=$(for o in $objects; do nm -A "$o"; done | grep -E ' [UT] (smfi_|mi_)')
count=$(echo "$objects" | grep -c '\.o$')
if [ "$count" -gt 5 ] && [ -z "$syms" ]; then
	echo "ok 1 - $count engine and policy objects reference no smfi_ symbol"
else
	echo "not ok 1 - engine/policy objects ($count) reference libmilter: $syms"
fi
if grep -rlE '#include.*(libmilter|mfapi)' "$top_srcdir"/engine "$top_srcdir"/policy "$top_srcdir"/include/portcullis; then
	echo "not ok 2 - engine or policy sources include libmilter headers"
else
	echo "ok 2 - engine and policy sources include no libmilter header"
fi
