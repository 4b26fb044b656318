#!/usr/bin/env bash
# Runs a benchmark with both servers on one real Cassandra 5.0 node (bin/cassandra, with SASI
# indexes on, which Zipkin's cassandra3 schema needs): Retrospect's cassandra store and Zipkin's
# cassandra3 storage, each in a new keyspace, one after the other. The node is stopped afterwards.
#   bench/cassandra.sh ingest --duration=60      bench/cassandra.sh query --spans=200000
set -euo pipefail
kind=${1:?usage: bench/cassandra.sh ingest|query [options]}
shift
cd "$(dirname "$0")/.."
node_dir=bench/target/cassandra-node
mkdir -p bench/target
# The server jar does not contain the Cassandra store (the server finds it by class name at start),
# so the benchmark puts the store module and its driver on the classpath after the server jar.
store_classpath=bench/target/cassandra-store.classpath
store_jar=server/store-cassandra/target/retrospect-store-cassandra-0.1.0-SNAPSHOT.jar
if [ ! -s "$store_classpath" ] || [ ! -f "$store_jar" ]; then
  mvn -q -B -ntp -pl server/store-cassandra -am package dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=runtime "-Dmdep.outputFile=$PWD/$store_classpath"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bin/cassandra start --sasi --port "$port" --dir "$node_dir" --heap 1g --parent-pid $$ > /dev/null
trap 'bin/cassandra stop --dir "$node_dir"' EXIT
"bench/$kind.sh" --store=cassandra "--cassandra=127.0.0.1:$port" \
  "--retrospect-classpath=$PWD/$store_jar:$(cat "$store_classpath")" "$@"
