#!/usr/bin/env bash
# The fault suite: kill -9 of the services at random moments (half the restarts with their state
# wiped), two instances with one killed, the broker stopped 70 s mid-stream, the poison corpus on
# every input of every service, a year-old backlog under the broker's retention checks, and the
# time from kill -9 to processing with 1M keys of state, before and after transactional state
# stores. Real brokers started by the suite, each service in its own JVM, every output compared
# with an uninterrupted run of the same input. Figures: RELIABILITY.md. Options: see
# faults/README.md or ./faults.sh --help.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f faults/target/classpath.txt ] || [ -n "$(find . -path ./faults/target -prune -o \
     \( -name '*.java' -o -name 'pom.xml' -o -name '*.yml' -o -name '*.properties' \) -newer faults/target/classpath.txt -print -quit)" ]; then
  echo "Building the suite and the fault suite ..."
  # the class path of the suite (every service, each reads its own configuration file) is also the
  # services': the suite launches each with its main class
  ./mvnw -B -q -ntp -DskipTests -pl faults -am package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
fi
exec java -Dfaults.repository="$PWD" -Dlogback.configurationFile=faults/src/main/resources/logback-faults.xml -cp "faults/target/classes:$(cat faults/target/classpath.txt)" \
  dev.streamworks.faults.Faults "$@"
