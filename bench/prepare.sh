# Sourced by the benchmark scripts: builds what is missing or stale (the benchmark jar, Retrospect's jar)
# and fetches Zipkin's exec jar from Maven Central into bench/.cache. Leaves the repository root
# as the working directory.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_jar=bench/java/target/retrospect-bench.jar
zipkin_jar=bench/.cache/zipkin-server-3.5.1-exec.jar

if [ ! -f "$bench_jar" ] || [ -n "$(find bench/java/src bench/java/pom.xml -newer "$bench_jar" -print -quit)" ]; then
  mvn -q -B -ntp -pl bench/java -am package -DskipTests
fi
# Rebuilt when any server module changed since: a stale jar would measure old code.
if [ ! -f server/app/target/retrospect.jar ] \
  || [ -n "$(find server -path '*/target' -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer server/app/target/retrospect.jar -print -quit)" ]; then
  mvn -q -B -ntp -pl server/app -am package -DskipTests
fi
if [ ! -f "$zipkin_jar" ]; then
  mvn -q -B -ntp org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact=io.zipkin:zipkin-server:3.5.1:jar:exec -DoutputDirectory=bench/.cache
fi
