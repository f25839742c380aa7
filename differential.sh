#!/usr/bin/env bash
# The differential suite (differential/README.md): the real services on a real (in-process) Kafka
# broker over generated adversarial data, every output compared with a reference model.
#
#   ./differential.sh                 the long version: 3 seeds, large data, for each service
#                                     backlog on 6 partitions with 2 instances, backlog on 1 partition,
#                                     live on 6 partitions with 2 instances, and (usual data) live on
#                                     6 partitions with 1 instance
#   ./differential.sh --short         the short version, as ./mvnw verify runs it
#   ./differential.sh --service=fraud --seed=N --partitions=6 --instances=2 --pace=backlog [--large]
#                                     one run again (a failure prints this line)
#
# Options: --service=clickstream|iot-alerts|fraud (default: all three), --seeds=N (long version),
# --seed=N, --partitions=N, --instances=N, --pace=backlog|live, --large, --short, --help.
# The services' logs go to differential/target/failsafe-reports/*-output.txt.
set -euo pipefail
cd "$(dirname "$0")"

long=true
props=()
tests="ClickstreamDifferentialIT,IotDifferentialIT,FraudDifferentialIT"
for arg in "$@"; do
  case "$arg" in
    --short) long=false ;;
    --service=clickstream) tests=ClickstreamDifferentialIT ;;
    --service=iot-alerts|--service=iot) tests=IotDifferentialIT ;;
    --service=fraud) tests=FraudDifferentialIT ;;
    --seed=*) long=false; props+=("-Ddifferential.seed=${arg#*=}") ;;
    --seeds=*) props+=("-Ddifferential.seeds=${arg#*=}") ;;
    --partitions=*) props+=("-Ddifferential.partitions=${arg#*=}") ;;
    --instances=*) props+=("-Ddifferential.instances=${arg#*=}") ;;
    --pace=*) props+=("-Ddifferential.pace=${arg#*=}") ;;
    --large) props+=("-Ddifferential.large=true") ;;
    --help|-h) sed -n '2,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done

exec ./mvnw -B -ntp -pl differential -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dmaven.test.redirectTestOutputToFile=true -Dit.test="$tests" \
  -Ddifferential.long="$long" ${props[@]+"${props[@]}"}
