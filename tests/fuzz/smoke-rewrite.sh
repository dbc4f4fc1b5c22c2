#!/bin/sh
# The rewrite fuzz target's short run in the test suite (one TAP test): 30
# seconds of tests/fuzz/run.sh --rewrite.  Long runs: run.sh --rewrite SECONDS.
exec bash "$top_srcdir/tests/fuzz/run.sh" --tap --rewrite "${PC_FUZZ_REWRITE_SECONDS:-30}"
