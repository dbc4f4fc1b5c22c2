#!/bin/sh
# The auth fuzz target's short run in the test suite (one TAP test): 45
# seconds of tests/fuzz/run.sh --auth.  Long runs: run.sh --auth SECONDS.
exec bash "$top_srcdir/tests/fuzz/run.sh" --tap --auth "${PC_FUZZ_AUTH_SECONDS:-45}"
