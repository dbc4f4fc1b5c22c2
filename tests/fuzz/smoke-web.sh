#!/bin/sh
# The web console's fuzz target's short run in the test suite (one TAP
# test): 30 seconds of tests/fuzz/run.sh --web.  Long runs: run.sh --web SECONDS.
exec bash "$top_srcdir/tests/fuzz/run.sh" --tap --web "${PC_FUZZ_WEB_SECONDS:-30}"
