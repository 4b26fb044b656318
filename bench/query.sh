#!/usr/bin/env bash
# Query benchmark: loads 1M spans into a fresh store, then times searches and trace fetches.
# Options are passed through (see bench/README.md), e.g.  bench/query.sh --spans=1000000
set -euo pipefail
source "$(dirname "$0")/prepare.sh"
exec java -Xmx1g -cp "$bench_jar" dev.retrospect.bench.QueryBenchmark "$@"
