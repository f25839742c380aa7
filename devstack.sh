#!/usr/bin/env bash
# Runs the whole suite on this machine with only a JDK: builds what is needed (the first run
# downloads Maven and the dependencies), then starts an in-process Kafka broker, every service
# and a traffic generator, and prints what flows. Options: ./devstack.sh --help
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f devstack/target/devstack-exec.jar ] || [ -n "$(find . \( -name target -o -name .git \) -prune -o \
     \( -name '*.java' -o -name '*.yml' -o -name 'pom.xml' -o -name '*.properties' -o -name '*.html' -o -name '*.js' -o -name '*.css' \) -newer devstack/target/devstack-exec.jar -print -quit)" ]; then
  echo "Building the suite (the first build downloads dependencies and takes a few minutes) ..."
  ./mvnw -B -q -ntp -DskipTests -pl devstack -am package
fi
exec java -jar devstack/target/devstack-exec.jar "$@"
