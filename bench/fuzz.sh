#!/usr/bin/env bash
# Fuzzes each decoder for 30 s (the maxDuration of its @FuzzTest) with Jazzer. Without JAZZER_FUZZ
# the same @FuzzTest methods only replay the committed corpus, which `mvn verify` always does.
# A crash fails the run and leaves the input in server/app/src/test/resources/dev/retrospect/server/ingest/DecoderFuzzTestInputs/<target>/.
# Usage: bench/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for target in otlpProtobuf otlpJson replayBatch; do
  echo "fuzzing DecoderFuzzTest#$target"
  JAZZER_FUZZ=1 mvn -q -B -pl server/app -am test -Dtest="DecoderFuzzTest#$target" -Dsurefire.failIfNoSpecifiedTests=false
done
