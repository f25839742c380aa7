package dev.streamworks.bench;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineTest {

    private static final long START = Instant.parse("2025-12-09T13:05:00Z").toEpochMilli();

    @Test
    void iotStatsAreTracedByDeviceWindowAndNumReadings() {
        String value = "{\"window\":{\"start\":\"2025-12-09T13:05:00Z\",\"end\":\"2025-12-09T13:10:00Z\"},"
                + "\"device_id\":\"bench-00007\",\"avg_temp\":21.5,\"max_temp\":25.0,\"min_temp\":18.0,\"num_readings\":42}";

        assertThat(Pipeline.IOT.correlate("bench-00007", value))
                .isEqualTo(new Pipeline.Correlated(BenchTraffic.correlationKey("bench-00007", START), 42));
    }

    @Test
    void clicksPerProductAreTracedByProductWindowAndClicks() {
        String value = "{\"window\":{\"start\":\"2025-12-09T13:05:00Z\",\"end\":\"2025-12-09T13:10:00Z\"},"
                + "\"product_id\":\"p-0003\",\"clicks\":7,\"unique_users\":6}";

        assertThat(Pipeline.CLICKSTREAM.correlate("p-0003", value))
                .isEqualTo(new Pipeline.Correlated(BenchTraffic.correlationKey("p-0003", START), 7));
    }

    @Test
    void theCorrelationKeyOfAnOutputIsTheOneItsInputsWereSentWith() {
        long eventTime = START + 123_456;
        BenchTraffic.Generated reading = new BenchTelemetry(3, 1).next(eventTime);
        String output = "{\"window\":{\"start\":\"2025-12-09T13:05:00Z\",\"end\":\"2025-12-09T13:10:00Z\"},"
                + "\"device_id\":\"" + reading.key() + "\",\"num_readings\":1}";

        assertThat(Pipeline.IOT.correlate(reading.key(), output).correlationKey()).isEqualTo(reading.correlationKey());
    }

    @Test
    void fraudAlertsAreTracedByTheirTransaction() {
        String alert = "{\"alert_id\":\"a1\",\"alert_type\":\"FRAUD_SUSPECTED\",\"user_id\":\"bench-user-000007\","
                + "\"transaction_id\":\"tx-b1-7\",\"transaction_time\":\"2025-12-09T13:05:00Z\","
                + "\"reasons\":[\"AMOUNT_SPIKE\"],\"risk_score\":0.52,\"window_transactions\":2}";

        assertThat(Pipeline.FRAUD.correlate("bench-user-000007", alert))
                .isEqualTo(new Pipeline.Correlated("tx-b1-7", 1));
        assertThat(Pipeline.FRAUD.correlate("bench-user-000007", "{\"user_id\":\"u\"}")).isNull();
        assertThat(Pipeline.FRAUD.inputTopic()).isEqualTo("transactions");
        assertThat(Pipeline.FRAUD.applicationId()).isEqualTo("fraud");
        assertThat(Pipeline.ALL).containsEntry("fraud", Pipeline.FRAUD);
    }

    @Test
    void recordsThatAreNotWindowCountsAreIgnored() {
        assertThat(Pipeline.IOT.correlate("bench-1", "{\"alert_id\":\"x\",\"num_readings\":3}")).isNull();
        assertThat(Pipeline.IOT.correlate(null, "{}")).isNull();
        assertThat(Pipeline.IOT.correlate("bench-1", null)).isNull();
    }

    @Test
    void jarsLiveInTheModulesTargetDirectory() {
        assertThat(Pipeline.IOT.jar(java.nio.file.Path.of("/repo")).toString())
                .isEqualTo("/repo/iot-alerts-service/target/iot-alerts-service-0.1.0-SNAPSHOT-exec.jar");
    }

    @Test
    void shouldRunTheCourseQueryAsClickstreamComputingOnlyThatOutput() {
        assertThat(Pipeline.CLICKS_PER_PRODUCT.jar(java.nio.file.Path.of("/repo")))
                .isEqualTo(Pipeline.CLICKSTREAM.jar(java.nio.file.Path.of("/repo")));
        assertThat(Pipeline.CLICKS_PER_PRODUCT.args(java.util.List.of("--x=1")))
                .containsExactly("--streamworks.clickstream.outputs=clicks-per-product", "--x=1");
        assertThat(Pipeline.CLICKSTREAM.args(java.util.List.of("--x=1"))).containsExactly("--x=1");
    }
}
