#!/bin/sh
# gen-sigs.sh DIR NHASH NBODY: writes a deterministic ClamAV signature set
#   DIR/bench.hdb  NHASH sha256 hash signatures (hash:size:name)
#   DIR/bench.ndb  NBODY body signatures (name:0:*:hex), 16-28 bytes each
# plus the test signatures (clam.exe hash, EICAR body) from tests/data/sigs.
# A Park-Miller generator in awk (exact in doubles) makes the same files on
# every machine, so runs of the benchmark are comparable.
set -e
dir=$1 nhash=$2 nbody=$3
here=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
cp "$here"/tests/data/sigs/* "$dir"/
awk -v nhash="$nhash" -v nbody="$nbody" -v dir="$dir" '
function next_rand() { seed = (seed * 16807) % 2147483647; return seed }
function hex(nbytes,   s, i) {
	s = ""
	for (i = 0; i < nbytes; i += 3) s = s sprintf("%06x", next_rand() % 16777216)
	return substr(s, 1, 2 * nbytes)
}
BEGIN {
	seed = 20261121
	hdb = dir "/bench.hdb"
	ndb = dir "/bench.ndb"
	for (i = 1; i <= nhash; i++)
		printf "%s:%d:Bench.Hash-%d\n", hex(32), 100 + next_rand() % 1000000, i > hdb
	for (i = 1; i <= nbody; i++)
		printf "Bench.Body-%d:0:*:%s\n", i, hex(16 + next_rand() % 13) > ndb
}'
