package dev.streamworks.differential;

import dev.streamworks.clickstream.ClickstreamServiceApplication;
import dev.streamworks.differential.gen.ClickstreamGenerator;
import dev.streamworks.differential.gen.FraudGenerator;
import dev.streamworks.differential.gen.IotGenerator;
import dev.streamworks.differential.harness.Pipeline;
import dev.streamworks.differential.ref.ClickstreamReference;
import dev.streamworks.differential.ref.FraudReference;
import dev.streamworks.differential.ref.IotReference;
import dev.streamworks.fraud.FraudServiceApplication;
import dev.streamworks.iot.IotAlertsServiceApplication;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The three services under test: how to start each, its topics' properties, its generator and reference. */
final class Pipelines {

    static final Pipeline CLICKSTREAM = new Pipeline("clickstream", ClickstreamServiceApplication::application,
            clickstreamTopics(), List.of(ClickstreamReference.CLICKS, ClickstreamReference.IMPRESSIONS),
            List.of(ClickstreamReference.USERS),
            // wall-clock lateness windows of 5 s, so the last one is out within seconds of the last click
            Map.of("streamworks.clickstream.event-lateness.size", "5s",
                    "streamworks.clickstream.event-lateness.emit-delay", "1s"),
            (seed, partitions, base, large) -> ClickstreamGenerator.generate(seed, partitions, base,
                    large ? ClickstreamGenerator.Size.LONG : ClickstreamGenerator.Size.SHORT),
            (data, pace, settings) -> ClickstreamReference.compute(data, pace == Pipeline.Pace.BACKLOG
                    ? ClickstreamReference.Mode.BACKLOG : ClickstreamReference.Mode.LIVE, settings),
            new int[] {ClickstreamGenerator.Size.SHORT.hours(), ClickstreamGenerator.Size.LONG.hours()});

    static final Pipeline IOT = new Pipeline("iot-alerts", IotAlertsServiceApplication::application,
            Map.of(IotReference.TELEMETRY, "streamworks.iot.topics.telemetry",
                    IotReference.STATS, "streamworks.iot.topics.stats",
                    IotReference.ALERTS, "streamworks.iot.topics.alerts"),
            List.of(IotReference.TELEMETRY), List.of(), Map.of(),
            (seed, partitions, base, large) -> IotGenerator.generate(seed, partitions, base,
                    large ? IotGenerator.Size.LONG : IotGenerator.Size.SHORT),
            (data, pace, settings) -> IotReference.compute(data, settings),
            new int[] {IotGenerator.Size.SHORT.hours(), IotGenerator.Size.LONG.hours()});

    static final Pipeline FRAUD = new Pipeline("fraud", FraudServiceApplication::application,
            Map.of(FraudReference.TRANSACTIONS, "streamworks.fraud.topics.transactions",
                    FraudReference.ALERTS, "streamworks.fraud.topics.alerts"),
            List.of(FraudReference.TRANSACTIONS), List.of(), Map.of(),
            (seed, partitions, base, large) -> FraudGenerator.generate(seed, partitions, base,
                    large ? FraudGenerator.Size.LONG : FraudGenerator.Size.SHORT),
            (data, pace, settings) -> FraudReference.compute(data, settings),
            new int[] {FraudGenerator.Size.SHORT.hours(), FraudGenerator.Size.LONG.hours()});

    private Pipelines() {
    }

    private static Map<String, String> clickstreamTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        String prefix = "streamworks.clickstream.topics.";
        topics.put(ClickstreamReference.CLICKS, prefix + "clicks");
        topics.put(ClickstreamReference.IMPRESSIONS, prefix + "impressions");
        topics.put(ClickstreamReference.USERS, prefix + "users");
        topics.put(ClickstreamReference.PRODUCTS, prefix + "clicks-per-product");
        topics.put(ClickstreamReference.EVENT_TYPES, prefix + "event-type-counts");
        topics.put(ClickstreamReference.SESSIONS, prefix + "user-sessions");
        topics.put(ClickstreamReference.ACTIVITY, prefix + "user-activity");
        topics.put(ClickstreamReference.CONVERSION, prefix + "product-conversion");
        topics.put(ClickstreamReference.ANOMALIES, prefix + "activity-anomalies");
        topics.put(ClickstreamReference.MATCHES, prefix + "matches");
        topics.put(ClickstreamReference.SEGMENTS, prefix + "segment-dashboard");
        topics.put(ClickstreamReference.LATENESS, prefix + "event-lateness");
        return topics;
    }
}
