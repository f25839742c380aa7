package dev.streamworks.common.ops;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StuckDetectorTest {

    private static final TopicPartition INPUT = new TopicPartition("iot-telemetry", 0);

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private KafkaStreams.State clientState = KafkaStreams.State.RUNNING;
    private double lag;
    private long committed;
    private final Map<MetricName, Metric> metrics = new HashMap<>();
    private final StreamsState state = new StreamsState();
    private final StuckDetector detector = new StuckDetector(() -> clientState, () -> metrics,
            partitions -> partitions.contains(INPUT) ? Map.of(INPUT, committed) : Map.of(), state,
            Duration.ofMinutes(2), new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            });

    StuckDetectorTest() {
        state.onChange(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        lagMetric("app-StreamThread-1-consumer");
        metric("app-StreamThread-1-restore-consumer", 1_000_000);
    }

    private void lagMetric(String client) {
        MetricName name = new MetricName("records-lag", "consumer-fetch-manager-metrics", "",
                Map.of("client-id", client, "topic", INPUT.topic(), "partition", "0"));
        metrics.put(name, new FakeMetric(name, () -> lag));
    }

    private void metric(String client, double value) {
        MetricName name = new MetricName("records-lag", "consumer-fetch-manager-metrics", "",
                Map.of("client-id", client, "topic", "iot-alerts-store-changelog", "partition", "0"));
        metrics.put(name, new FakeMetric(name, () -> value));
    }

    private void after(Duration elapsed) {
        now = now.plus(elapsed);
        detector.sample();
    }

    @Test
    void shouldTakeReadinessDownWhenThereIsLagAndNothingIsCommittedForTheConfiguredTime() {
        lag = 500;
        committed = 1_000;
        after(Duration.ZERO);
        after(Duration.ofSeconds(60));
        assertThat(state.isReady()).isTrue();

        // the thread dies and is replaced on every attempt: the client rebalances, offsets stay
        clientState = KafkaStreams.State.REBALANCING;
        after(Duration.ofSeconds(61));

        assertThat(state.isReady()).isFalse();
        assertThat(state.stuckReason()).contains("500 records of lag").contains("iot-telemetry-0");
        assertThat(state.readiness().health().getStatus().getCode()).isEqualTo("DOWN");

        committed = 1_001;
        clientState = KafkaStreams.State.RUNNING;
        after(Duration.ofSeconds(10));
        assertThat(state.isReady()).isTrue();
    }

    @Test
    void shouldNeverCallAQuietStreamStuck() {
        lag = 0;
        committed = 1_000;
        for (int i = 0; i < 30; i++) {
            after(Duration.ofSeconds(10));
        }
        assertThat(state.stuckReason()).isNull();
        assertThat(state.isReady()).isTrue();
    }

    @Test
    void shouldNotCallAStreamStuckWhileOffsetsMove() {
        lag = 10_000;
        for (int i = 0; i < 30; i++) {
            committed += 100;
            after(Duration.ofSeconds(10));
        }
        assertThat(state.stuckReason()).isNull();
    }

    private record FakeMetric(MetricName metricName, java.util.function.DoubleSupplier value) implements Metric {

        @Override
        public Object metricValue() {
            return value.getAsDouble();
        }
    }
}
