#!/usr/bin/env bash
# Ingest benchmark: Retrospect vs Zipkin 3.5.1, one after the other, same load. Options are passed
# through (see bench/README.md), e.g.  bench/ingest.sh --duration=60 --connections=8
set -euo pipefail
source "$(dirname "$0")/prepare.sh"
exec java -Xmx3g -cp "$bench_jar" dev.retrospect.bench.IngestBenchmark "$@"
