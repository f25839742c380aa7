package dev.streamworks.common.ops;

import dev.streamworks.common.testing.TestTimes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
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

    @Test
    void shouldReportBatchesDurationsSourcesSinkAndLateRowsOfTheIntervalAsSparkDoes() {
        Map<TopicPartition, ProgressReporter.PartitionOffsets> offsets = new HashMap<>();
        ProgressReporter spark = new ProgressReporter("iot-alerts", "iot-alerts-service", () -> kafka, () -> offsets,
                List.of("iot-telemetry"), List.of("device-stats-5m", "device-alerts"), state, metrics,
                () -> watermarks, 1_000, 1.2, 3);
        thread("t1", "commit-total", 40);
        thread("t2", "commit-total", 2);
        sent("device-alerts", 7);
        offsets.put(new TopicPartition("iot-telemetry", 0), new ProgressReporter.PartitionOffsets(100, 130));
        offsets.put(new TopicPartition("iot-telemetry", 1), new ProgressReporter.PartitionOffsets(50, 50));
        offsets.put(new TopicPartition("device-stats-repartition", 0), new ProgressReporter.PartitionOffsets(9, 9));
        metrics.late("device-stats-5m");
        spark.measure();

        thread("t1", "commit-total", 45);
        thread("t2", "commit-total", 4);
        thread("t1", "commit-latency-avg", 12.0);
        thread("t2", "commit-latency-avg", 8.0);
        thread("t1", "process-latency-avg", 0.5);
        thread("t2", "punctuate-latency-avg", Double.NaN);
        sent("device-alerts", 10);
        sent("device-stats-5m", 4);
        sent("iot-alerts.late", 3);
        offsets.put(new TopicPartition("iot-telemetry", 0), new ProgressReporter.PartitionOffsets(130, 160));
        offsets.put(new TopicPartition("iot-telemetry", 1), new ProgressReporter.PartitionOffsets(60, 60));
        lag("main-consumer", 0, 30);
        metrics.late("device-stats-5m");
        metrics.late("device-stats-5m");
        clock.advance(Duration.ofSeconds(10));
        Progress progress = spark.measure();

        assertThat(progress.batchId()).isEqualTo(49);
        assertThat(progress.durationMs()).containsExactly(Map.entry("commit", 10.0), Map.entry("process", 0.5),
                Map.entry("punctuate", 0.0));
        assertThat(progress.sources()).containsExactly(new Progress.Source("iot-telemetry",
                Map.of("0", 100L, "1", 50L), Map.of("0", 130L, "1", 60L), Map.of("0", 160L, "1", 60L), 30, 40));
        assertThat(progress.sink().numOutputRows()).as("output topics only, records of the interval")
                .containsExactly(Map.entry("device-stats-5m", 4L), Map.entry("device-alerts", 3L));
        assertThat(progress.numRowsDroppedByWatermark()).isEqualTo(2);
        assertThat(progress.lateRows()).isEqualTo(3);
        assertThat(progress.lateRowsByOutput()).containsExactly(Map.entry("device-stats-5m", 3L));

        thread("t1", "commit-total", 1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(spark.measure().batchId()).as("a replaced thread counts again from 0: never backwards")
                .isEqualTo(49);
        clock.advance(Duration.ofSeconds(10));
        Progress newest = spark.measure();
        assertThat(spark.recent()).as("the last 3, oldest first").hasSize(3).last().isEqualTo(newest);
        assertThat(spark.recent().get(0)).isEqualTo(progress);
    }

    private void thread(String thread, String name, double value) {
        MetricName metricName = new MetricName(name, "stream-thread-metrics", "", Map.of("thread-id", thread));
        kafka.put(metricName, metric(metricName, value));
    }

    private void sent(String topic, double value) {
        MetricName metricName = new MetricName("record-send-total", "producer-topic-metrics", "",
                Map.of("client-id", "iot-alerts-1-StreamThread-1-producer", "topic", topic));
        kafka.put(metricName, metric(metricName, value));
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
