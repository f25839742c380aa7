#!/usr/bin/env bash
# Creates the suite's external topics when missing (idempotent: existing topics are left alone).
# The services create missing topics themselves too; doing it here first sizes them for the
# cluster (partitions, replication) before any producer or service starts.
set -euo pipefail
BOOTSTRAP="${BOOTSTRAP:-kafka:9092}"
PARTITIONS="${PARTITIONS:-6}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-1}"
LARGE=2097152   # dead-letter and late topics hold any accepted input plus error headers
KAFKA_TOPICS=/opt/kafka/bin/kafka-topics.sh

create() {
  local topic=$1; shift
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$topic" \
    --partitions "$PARTITIONS" --replication-factor "$REPLICATION_FACTOR" "$@"
}

for topic in user-clicks user-impressions iot-telemetry transactions mysql.prod.users \
             clicks-per-product-5m event-type-counts user-sessions user-activity product-conversion \
             activity-anomalies click-impression-matches segment-dashboard-5m event-lateness-1m \
             device-stats-5m device-alerts fraud-alerts cdc.users.changes; do
  create "$topic"
done
create cdc.users --config cleanup.policy=compact
for service in clickstream iot-alerts fraud cdc; do
  create "$service.dlq" --config max.message.bytes=$LARGE
  create "$service.late" --config max.message.bytes=$LARGE
done
echo "Topics ready."
