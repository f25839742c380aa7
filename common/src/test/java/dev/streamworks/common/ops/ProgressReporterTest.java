package dev.streamworks.common.ops;

import dev.streamworks.common.testing.TestTimes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressReporterTest {

    private final MutableClock clock = new MutableClock(TestTimes.CLOCK.instant());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StreamworksMetrics metrics = new StreamworksMetrics(registry, clock);
    private final Map<MetricName, Metric> kafka = new HashMap<>();
    private final StreamsState state = new StreamsState();
    private final Map<String, Long> watermarks = new HashMap<>();
    private final ProgressReporter reporter = new ProgressReporter("iot-alerts", "iot-alerts-service",
            () -> kafka, state, metrics, () -> watermarks, 1_000, 1.2);


    @Test
    void shouldReportNothingBeforeTheFirstRecord() {
        Progress first = reporter.measure();

        assertThat(first.numInputRows()).isZero();
        assertThat(first.eventTime().max()).isNull();
        assertThat(first.state()).isEqualTo("CREATED");
        assertThat(first.warnings()).isEmpty();
    }

    @Test
    void shouldMeasureRowsAndRatesOverTheIntervalAndTheWatermark() {
        state.onChange(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        reporter.measure();
        for (int i = 0; i < 100; i++) {
            metrics.recordIn("iot-telemetry", TestTimes.minutes(i).toEpochMilli());
        }
        metrics.onDeadLetter("deserialization", new IllegalArgumentException());
        metrics.late("device-stats-5m");
        watermarks.put("device-stats-5m", TestTimes.minutes(89).toEpochMilli());
        watermarks.put("device-alerts", TestTimes.minutes(95).toEpochMilli());
        clock.advance(Duration.ofSeconds(10));

        Progress progress = reporter.measure();

        assertThat(progress.numInputRows()).isEqualTo(101);
        assertThat(progress.processedRowsPerSecond()).isEqualTo(10.1);
        assertThat(progress.inputRowsPerSecond()).isEqualTo(10.1);
        assertThat(progress.eventTime().max()).isEqualTo(TestTimes.minutes(99).toString());
        assertThat(progress.eventTime().watermark()).isEqualTo(TestTimes.minutes(89).toString());
        assertThat(progress.eventTime().watermarks()).containsEntry("device-alerts", TestTimes.minutes(95).toString());
        assertThat(progress.dlqRows()).isEqualTo(1);
        assertThat(progress.lateRows()).isEqualTo(1);
        assertThat(progress.state()).isEqualTo("RUNNING");
        assertThat(progress.warnings()).isEmpty();
    }

    @Test
    void shouldWarnFallingBehindWhenTheLagGrowsFasterThanRecordsAreProcessed() {
        lag("main-consumer", 0, 0);
        reporter.measure();
        for (int i = 0; i < 100; i++) {
            metrics.recordIn("iot-telemetry", TestTimes.T0.toEpochMilli());
        }
        lag("main-consumer", 0, 500);
        lag("restore-consumer", 1, 1_000_000);
        clock.advance(Duration.ofSeconds(10));

        Progress progress = reporter.measure();

        assertThat(progress.consumerLag()).as("the restore consumer's lag is not input lag").isEqualTo(500);
        assertThat(progress.processedRowsPerSecond()).isEqualTo(10.0);
        assertThat(progress.inputRowsPerSecond()).isEqualTo(60.0);
        assertThat(progress.warnings()).containsExactly(Progress.FALLING_BEHIND);
        assertThat(registry.get("streamworks.progress.warning").tag("warning", "FALLING_BEHIND").gauge().value())
                .isEqualTo(1.0);
        assertThat(registry.get("streamworks.consumer.lag").gauge().value()).isEqualTo(500.0);
        assertThat(registry.get("streamworks.input.rows.per.second").gauge().value()).isEqualTo(60.0);
    }

    @Test
    void shouldSumEachStoreOverItsTasksAndWarnAboveTheRowLimit() {
        store("0_0", "device-windows-store", "estimate-num-keys", 600);
        store("0_1", "device-windows-store", "estimate-num-keys", 500);
        store("0_0", "device-windows-store", "size-all-mem-tables", 2048);
        store("0_0", "device-windows-store", "estimate-table-readers-mem", 512);
        store("0_0", "device-windows-store", "block-cache-usage", 512);
        store("0_0", "device-alerts-store", "estimate-num-keys", 3);

        Progress progress = reporter.measure();

        assertThat(progress.stateOperators()).containsExactly(
                new Progress.StateOperator("device-alerts-store", 3, 0),
                new Progress.StateOperator("device-windows-store", 1100, 3072));
        assertThat(progress.warnings()).containsExactly(Progress.LARGE_STATE);
        assertThat(registry.get("streamworks.state.rows").tag("store", "device-windows-store").gauge().value())
                .isEqualTo(1100.0);
        assertThat(registry.get("streamworks.state.memory").tag("store", "device-windows-store").gauge().value())
                .isEqualTo(3072.0);
    }

    private void lag(String client, int partition, double value) {
        MetricName name = new MetricName("records-lag", "consumer-fetch-manager-metrics", "",
                Map.of("client-id", "iot-alerts-1-StreamThread-1-" + client, "topic", "iot-telemetry",
                        "partition", String.valueOf(partition)));
        kafka.put(name, metric(name, value));
    }

    private void store(String task, String store, String name, double value) {
        MetricName metricName = new MetricName(name, "stream-state-metrics", "",
                Map.of("task-id", task, "rocksdb-window-state-id", store, "thread-id", "t1"));
        kafka.put(metricName, metric(metricName, value));
    }

    private static Metric metric(MetricName name, double value) {
        return new Metric() {
            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        };
    }

    /** A wall clock the test moves by hand. */
    static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
