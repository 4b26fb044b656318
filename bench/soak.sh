#!/usr/bin/env bash
# Soak: ten times the measured ingest capacity for 60 s against the server jar in a child JVM with
# a 256 MB heap; prints accepted, rejected (429/503), acknowledged-but-lost after a SIGKILL and
# restart (must be 0) and the child's peak RSS. Usage: bench/soak.sh [overload seconds] [heap]
set -euo pipefail
cd "$(dirname "$0")/.."
jar=server/app/target/retrospect.jar
if [ ! -f "$jar" ] || [ -n "${REBUILD:-}" ]; then
  mvn -q -B -pl server/app -am package -DskipTests
fi
exec java bench/soak/Soak.java "$jar" "${1:-60}" "${2:-256m}"
