package dev.streamworks.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTest {

    private static final String SCRAPE = """
            # HELP streamworks_records_in_total Valid input records processed
            # TYPE streamworks_records_in_total counter
            streamworks_records_in_total{application="iot",topic="iot-telemetry"} 600000.0
            streamworks_records_in_total{application="iot",topic="other"} 1.5E3
            streamworks_records_in_totally_different 7.0
            # TYPE streamworks_dlq_records_total counter
            streamworks_dlq_records_total{stage="deserialization"} 12.0
            streamworks_dlq_records_total{stage="processing"} 3.0
            """;

    @Test
    void sumsEverySeriesOfTheMetricAndNoOther() {
        assertThat(Prometheus.sum(SCRAPE, "streamworks_records_in_total")).isEqualTo(601_500);
        assertThat(Prometheus.sum(SCRAPE, "streamworks_dlq_records_total")).isEqualTo(15);
    }

    @Test
    void anAbsentMetricIsZero() {
        assertThat(Prometheus.sum(SCRAPE, "streamworks_late_records_total")).isZero();
    }

    @Test
    void readsSeriesWithoutLabels() {
        assertThat(Prometheus.sum("up 1.0\n", "up")).isEqualTo(1);
    }

    @Test
    void sumsPerLabelValue() {
        assertThat(Prometheus.byLabel(SCRAPE, "streamworks_records_in_total", "topic"))
                .containsExactly(java.util.Map.entry("iot-telemetry", 600_000L), java.util.Map.entry("other", 1_500L));
        assertThat(Prometheus.byLabel(SCRAPE, "streamworks_dlq_records_total", "output")).isEmpty();
    }
}
