package dev.streamworks.common.event;

import java.time.Instant;

/**
 * One IoT sensor reading (topic {@code iot-telemetry}): the course's device schema.
 * Temperature is in Celsius and may be negative; humidity and battery may not.
 */
public record TelemetryReading(String deviceId, Instant eventTimestamp, Double temperature,
                               Double humidity, Double battery) implements Event {

    public TelemetryReading {
        Require.text(deviceId, "device_id");
        Require.present(eventTimestamp, "event_timestamp");
        Require.finite(Require.present(temperature, "temperature"), "temperature");
        Require.nonNegative(humidity, "humidity");
        Require.nonNegative(battery, "battery");
    }

    @Override
    public Instant eventTime() {
        return eventTimestamp;
    }
}
