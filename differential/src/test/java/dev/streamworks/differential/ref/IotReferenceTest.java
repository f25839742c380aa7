package dev.streamworks.differential.ref;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static dev.streamworks.differential.ref.IotReference.ALERTS;
import static dev.streamworks.differential.ref.IotReference.DLQ;
import static dev.streamworks.differential.ref.IotReference.LATE;
import static dev.streamworks.differential.ref.IotReference.STATS;
import static dev.streamworks.differential.ref.Outputs.lateReasons;
import static dev.streamworks.differential.ref.Outputs.values;
import static org.assertj.core.api.Assertions.assertThat;

/** The IoT reference on small inputs worked out by hand. */
class IotReferenceTest {

    @Test
    void alertsOnTheFirstCrossingAndEachNewMaximumOnly() {
        Inputs inputs = new Inputs()
                .reading(0, "d1", "13:00:01", 79.9)
                .reading(0, "d1", "13:00:02", 80.0)
                .reading(0, "d1", "13:00:03", 80.5)
                .reading(0, "d1", "13:00:04", 80.5)
                .reading(0, "d1", "13:00:05", 82.0)
                .reading(0, "d1", "13:00:06", 81.0)
                .reading(0, "d1", "13:00:07", 90.0);
        List<JsonNode> alerts = values(IotReference.compute(inputs.data(), Inputs.SETTINGS), ALERTS, "d1");
        assertThat(alerts).extracting(a -> a.path("alert_id").asString() + " " + a.path("alert_type").asString()
                + " " + a.path("max_temp").asDouble() + " " + a.path("num_readings").asLong()).containsExactly(
                "d1@2025-12-09T13:00:00Z OVERHEAT 80.5 3",
                "d1@2025-12-09T13:00:00Z#1 OVERHEAT_ESCALATED 82.0 5",
                "d1@2025-12-09T13:00:00Z#2 OVERHEAT_ESCALATED 90.0 7");
        assertThat(alerts.get(0).path("avg_temp").asDouble()).isCloseTo((79.9 + 80.0 + 80.5) / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(alerts.get(0).path("event_timestamp").asString()).isEqualTo("2025-12-09T13:00:03Z");
        assertThat(alerts.get(0).path("threshold").asDouble()).isEqualTo(80.0);
        assertThat(alerts.get(0).path("window").path("end").asString()).isEqualTo("2025-12-09T13:05:00Z");
    }

    @Test
    void emitsOnlyClosedWindowsAndRoutesLateReadingsOncePerOutput() {
        Inputs inputs = new Inputs()
                .reading(0, "d1", "13:00:00", 20.0)
                .reading(0, "d1", "13:04:59.999", 30.0)
                .reading(0, "d2", "13:15:00", 40.0) // partition 0 at 13:15: [13:00, 13:05) closes
                .reading(0, "d1", "13:04:59.999", 99.0) // late: 13:05 + 10 min <= 13:15
                .reading(0, "d1", "13:05:00", 95.0) // on time: [13:05, 13:10)
                .reading(1, "d3", "13:00:00", 10.0); // partition 1 is at 13:00
        Expected expected = IotReference.compute(inputs.data(), Inputs.SETTINGS);
        // the final watermark, once every partition is idle, is the largest stream time: 13:15
        assertThat(values(expected, STATS, "d1")).singleElement().satisfies(stats -> {
            assertThat(stats.path("num_readings").asLong()).isEqualTo(2);
            assertThat(stats.path("avg_temp").asDouble()).isEqualTo(25.0);
            assertThat(stats.path("min_temp").asDouble()).isEqualTo(20.0);
            assertThat(stats.path("max_temp").asDouble()).isEqualTo(30.0);
        });
        assertThat(values(expected, STATS, "d3")).hasSize(1);
        assertThat(values(expected, STATS, "d2")).isEmpty();
        assertThat(lateReasons(expected, LATE, "99.0")).containsExactly(ALERTS, STATS);
        assertThat(values(expected, ALERTS, "d1")).singleElement()
                .satisfies(alert -> assertThat(alert.path("alert_id").asString()).isEqualTo("d1@2025-12-09T13:05:00Z"));
    }

    @Test
    void sendsBadReadingsToTheDeadLetterTopic() {
        Inputs inputs = new Inputs()
                .raw("iot-telemetry", 0, "d1", "{\"device_id\":\"d1\",\"event_timestamp\":\"2025-12-09T13:00:00Z\",\"temperature\":-5}")
                .raw("iot-telemetry", 0, "d1", "{\"device_id\":\"d1\",\"event_timestamp\":\"2025-12-09T13:00:00Z\"}")
                .raw("iot-telemetry", 0, "d1", "{\"device_id\":\"d1\",\"event_timestamp\":\"2025-12-09T13:00:00Z\",\"temperature\":\"5\"}")
                .raw("iot-telemetry", 0, "d1", "{\"device_id\":\"d1\",\"event_timestamp\":\"2025-12-09T13:00:00Z\",\"temperature\":5,\"battery\":-1}")
                .raw("iot-telemetry", 0, "d1", "{\"device_id\":\"d1\",\"event_timestamp\":\"1969-12-31T23:59:59.999Z\",\"temperature\":5}");
        Expected expected = IotReference.compute(inputs.data(), Inputs.SETTINGS);
        assertThat(expected.records(DLQ)).hasSize(4);
    }
}
