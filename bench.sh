#!/usr/bin/env bash
# Benchmarks the services on this machine: drains a pre-loaded backlog and measures end-to-end
# latency at a fixed rate, each service in its own JVM against a real (in-process KRaft) broker.
# Builds the bench first if needed (and, from inside the bench, any missing service jar).
# Results: a console table and a section of BENCHMARKS.md. Options: ./bench.sh --help
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f bench/target/bench-exec.jar ] || [ -n "$(find bench -path bench/target -prune -o \
     \( -name '*.java' -o -name 'pom.xml' \) -newer bench/target/bench-exec.jar -print -quit)" ]; then
  echo "Building the bench ..."
  ./mvnw -B -q -ntp -DskipTests -pl bench -am package
fi
exec java -Dbench.repository="$PWD" -jar bench/target/bench-exec.jar "$@"
