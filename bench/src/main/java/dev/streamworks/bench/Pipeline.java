package dev.streamworks.bench;

import tools.jackson.databind.JsonNode;
import dev.streamworks.common.serde.Json;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the bench needs to know about one service: how to build and start it, where its input
 * goes, and which output record answers which input (for the latency measurement). Adding a
 * service is one more constant in {@link #ALL}.
 *
 * @param name           the name on the command line and in reports
 * @param module         the Maven module; its jar is {@code <module>/target/<module>-0.1.0-SNAPSHOT-exec.jar}
 * @param applicationId  the Kafka Streams application id (its consumer group and internal topic prefix)
 * @param inputTopic     the topic the bench loads
 * @param latencyOutput  the output whose records are correlated with inputs
 * @param countField     the field of {@code latencyOutput} that counts the window's inputs so far; null when
 *                       each output answers one input, named by the output's first {@link #idFields} field
 * @param serviceArgs    service arguments for every run
 * @param latencyArgs    service arguments for the latency run (update mode: an output per changed window per commit)
 * @param topicsToReset  topics the service owns, deleted between runs on an external broker
 * @param traffic        the generator, given a run's prefix and seed
 * @param idFields       the input fields that identify one event of the generator (for the late check)
 */
public record Pipeline(String name, String module, String applicationId, String inputTopic, String latencyOutput,
                       String countField, List<String> serviceArgs, List<String> latencyArgs, List<String> topicsToReset,
                       Function<Long, BenchTraffic> traffic, List<String> idFields) {

    /** One output record traced back: its window's correlation key and how many inputs it counts. */
    public record Correlated(String correlationKey, long count) {
    }

    public static final Pipeline IOT = new Pipeline("iot", "iot-alerts-service", "iot-alerts", "iot-telemetry",
            "device-stats-5m", "num_readings", List.of(), List.of("--streamworks.iot.emit=update"),
            List.of("iot-telemetry", "device-stats-5m", "device-alerts"),
            seed -> new BenchTelemetry(1000, seed), List.of("device_id", "event_timestamp"));

    private static final List<String> CLICKSTREAM_TOPICS = List.of("user-clicks", "user-impressions", "cdc.users",
            "clicks-per-product-5m", "event-type-counts", "user-sessions", "user-activity", "product-conversion",
            "activity-anomalies", "click-impression-matches", "segment-dashboard-5m", "event-lateness-1m");

    /** clickstream-service computing all nine outputs of docs/topics.md, clickstream-service (its default). */
    public static final Pipeline CLICKSTREAM = new Pipeline("clickstream", "clickstream-service", "clickstream",
            "user-clicks", "clicks-per-product-5m", "clicks", List.of(), List.of(), CLICKSTREAM_TOPICS,
            seed -> new BenchClicks(500, 20_000, "b" + Long.toHexString(seed), seed), List.of("event_id"));

    /**
     * clickstream-service computing only {@code clicks-per-product-5m} (deduplicated, exact distinct
     * users): the course's click query, the one the Spark figures are for.
     */
    public static final Pipeline CLICKS_PER_PRODUCT = new Pipeline("clicks-per-product", "clickstream-service",
            "clickstream", "user-clicks", "clicks-per-product-5m", "clicks",
            List.of("--streamworks.clickstream.outputs=clicks-per-product"), List.of(), CLICKSTREAM_TOPICS,
            CLICKSTREAM.traffic(), CLICKSTREAM.idFields());

    /**
     * fraud-service: transactions keyed by user; an alert of {@code fraud-alerts} answers the
     * transaction it names ({@code transaction_id}), so the latency is measured on the transactions
     * that raise an alert ({@link BenchTransactions}).
     */
    public static final Pipeline FRAUD = new Pipeline("fraud", "fraud-service", "fraud", "transactions",
            "fraud-alerts", null, List.of(), List.of(), List.of("transactions", "fraud-alerts"),
            seed -> new BenchTransactions(50_000, "b" + Long.toHexString(seed), seed), List.of("transaction_id"));

    public static final Map<String, Pipeline> ALL = Map.of(IOT.name(), IOT, CLICKSTREAM.name(), CLICKSTREAM,
            CLICKS_PER_PRODUCT.name(), CLICKS_PER_PRODUCT, FRAUD.name(), FRAUD);

    /** This pipeline's service arguments followed by {@code more}. */
    public List<String> args(List<String> more) {
        List<String> args = new ArrayList<>(serviceArgs);
        args.addAll(more);
        return args;
    }

    /**
     * The id of an input record of this pipeline: its {@link #idFields} joined by {@code @}
     * ({@code event_id} of a click; {@code device_id@event_timestamp} of a reading, which has no
     * id of its own). Null when the value is not JSON with those fields.
     */
    public String eventId(String value) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(value);
        } catch (RuntimeException e) {
            return null;
        }
        StringBuilder id = new StringBuilder();
        for (String field : idFields) {
            JsonNode part = node.path(field);
            if (!part.isString()) {
                return null;
            }
            id.append(id.length() > 0 || field != idFields.get(0) ? "@" : "").append(part.asString());
        }
        return id.toString();
    }

    public Path jar(Path repository) {
        return repository.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT-exec.jar");
    }

    /**
     * Traces an output record of {@link #latencyOutput} back: the record key plus the window start
     * give the correlation key, {@link #countField} the number of inputs it includes. Without a
     * count field, the output answers the one input whose id (first of {@link #idFields}) it
     * carries: that id is the correlation key, the count 1. Null when the value is not such a record.
     */
    public Correlated correlate(String key, String value) {
        if (key == null || value == null) {
            return null;
        }
        JsonNode node = Json.mapper().readTree(value);
        if (countField == null) {
            JsonNode id = node.path(idFields.get(0));
            return id.isString() ? new Correlated(id.asString(), 1) : null;
        }
        JsonNode start = node.path("window").path("start");
        JsonNode count = node.path(countField);
        if (!start.isString() || !count.isNumber()) {
            return null;
        }
        long startMs = Instant.parse(start.asString()).toEpochMilli();
        return new Correlated(BenchTraffic.correlationKey(key, startMs), count.asLong());
    }
}
