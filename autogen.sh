#!/bin/sh
# Regenerates configure and Makefile.in from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
# aclocal warns about an AC_CONFIG_MACRO_DIR that does not exist yet.
mkdir -p m4
autoreconf --install --force
# The TAP driver makes every test case count in the summary, not just files.
cp "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
