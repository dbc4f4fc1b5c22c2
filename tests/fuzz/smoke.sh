#!/bin/sh
# The fuzz target's short run in the test suite (one TAP test): 60 seconds
# of tests/fuzz/run.sh.  Long runs: tests/fuzz/run.sh SECONDS [JOBS].
exec bash "$top_srcdir/tests/fuzz/run.sh" --tap "${PC_FUZZ_SECONDS:-60}"
