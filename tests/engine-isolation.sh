#!/bin/sh
# The analysis engine must not know about the MTA: no engine object may
# reference a libmilter symbol, and no engine source may include its headers.
. "$top_srcdir/tests/lib.sh"
echo "1..2"
syms=$(nm -A "$top_builddir"/engine/*.o 2>/dev/null | grep -E ' [UT] (smfi_|mi_)')
objs=$(ls "$top_builddir"/engine/*.o 2>/dev/null | wc -l)
if [ "$objs" -gt 0 ] && [ -z "$syms" ]; then
	echo "ok 1 - $objs engine objects reference no smfi_ symbol"
else
	echo "not ok 1 - engine objects ($objs) reference libmilter: $syms"
fi
if grep -l 'libmilter' "$top_srcdir"/engine/*.[ch] "$top_srcdir"/include/portcullis/*.h; then
	echo "not ok 2 - engine sources include libmilter headers"
else
	echo "ok 2 - engine sources include no libmilter header"
fi
