#!/bin/sh
# Regenerates configure and Makefile.in from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
autoreconf --install --force
# The TAP driver makes every test case count in the summary, not just files.
cp "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
