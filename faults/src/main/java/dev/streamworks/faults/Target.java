package dev.streamworks.faults;

import dev.streamworks.devstack.ClickTraffic;
import dev.streamworks.devstack.EventClock;
import dev.streamworks.devstack.ImpressionTraffic;
import dev.streamworks.devstack.TelemetryTraffic;
import dev.streamworks.devstack.Traffic;
import dev.streamworks.devstack.TransactionTraffic;
import dev.streamworks.devstack.UserChangeTraffic;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A service under test: how to start it, what it reads and writes, how its outputs compare, and
 * the traffic of its inputs (the devstack's generators, driven by a clock the suite steps, so the
 * same seed gives the same records).
 *
 * @param name          the name on the command line and in RELIABILITY.md
 * @param mainClass     its Spring Boot application
 * @param applicationId its Kafka Streams application id (consumer group, internal topic prefix)
 * @param inputs        its input topics
 * @param queryPath     the query path that answers a key, {@code %s} for the key
 * @param outputs       the topics compared with the reference, and how
 * @param traffic       the generators of its inputs, given the suite's clock and a seed
 * @param args          service arguments of every run
 */
record Target(String name, String mainClass, String applicationId, List<String> inputs, String queryPath,
              Map<String, Compare> outputs,
              BiFunction<EventClock, Long, List<Traffic>> traffic, List<String> args) {

    /** How an output is compared: every record counted ({@link #EVENTS}), or the last value per key ({@link #TABLE}). */
    enum Compare {
        /** Each record is a fact (an alert, a final window, a dead letter): the multiset of (key, value). */
        EVENTS,
        /** Update-mode results and tables: intermediate updates depend on commit timing, the last value per key does not. */
        TABLE
    }

    static final Target IOT = new Target("iot", "dev.streamworks.iot.IotAlertsServiceApplication", "iot-alerts",
            List.of("iot-telemetry"), "/api/devices/%s/stats",
            Map.of("device-stats-5m", Compare.EVENTS, "device-alerts", Compare.EVENTS,
                    "iot-alerts.late", Compare.EVENTS, "iot-alerts.dlq", Compare.EVENTS),
            (clock, seed) -> List.of(new TelemetryTraffic(200, clock, seed)), List.of());

    static final Target FRAUD = new Target("fraud", "dev.streamworks.fraud.FraudServiceApplication", "fraud",
            List.of("transactions"), "/api/users/%s/risk",
            Map.of("fraud-alerts", Compare.EVENTS, "fraud.late", Compare.EVENTS, "fraud.dlq", Compare.EVENTS),
            (clock, seed) -> List.of(new TransactionTraffic(clock, seed)), List.of());

    /** event-lateness-1m is left out: it measures wall-clock arrival, which no two runs share. */
    static final Target CLICKSTREAM = new Target("clickstream", "dev.streamworks.clickstream.ClickstreamServiceApplication",
            "clickstream", List.of("user-clicks", "user-impressions", "cdc.users"), "/api/users/%s/activity",
            Map.of("clicks-per-product-5m", Compare.TABLE, "event-type-counts", Compare.TABLE,
                    "user-sessions", Compare.EVENTS, "user-activity", Compare.TABLE, "product-conversion", Compare.TABLE,
                    "activity-anomalies", Compare.EVENTS, "click-impression-matches", Compare.EVENTS,
                    "segment-dashboard-5m", Compare.TABLE, "clickstream.dlq", Compare.EVENTS),
            (clock, seed) -> List.of(new ClickTraffic(300, clock, seed), new ImpressionTraffic(300, clock, seed + 1)),
            List.of());

    static final Target CDC = new Target("cdc", "dev.streamworks.cdc.CdcServiceApplication", "cdc",
            List.of("mysql.prod.users"), "/api/tables/users/rows/%s",
            Map.of("cdc.users", Compare.TABLE, "cdc.users.changes", Compare.EVENTS, "cdc.dlq", Compare.EVENTS),
            (clock, seed) -> List.of(new UserChangeTraffic(300, clock, seed)), List.of());

    static final List<Target> ALL = List.of(IOT, FRAUD, CLICKSTREAM, CDC);

    /** Inputs read as global tables (clickstream's {@code cdc.users}): no consumer group commits their offsets. */
    static final List<String> GLOBAL_TABLES = List.of("cdc.users");

    /** The inputs the service's consumer group reads and commits. */
    List<String> groupInputs() {
        return inputs.stream().filter(topic -> !GLOBAL_TABLES.contains(topic)).toList();
    }

    static Target named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service '" + name + "'; known: "
                        + ALL.stream().map(Target::name).toList()));
    }
}
