package dev.streamworks.iot.domain;

import dev.streamworks.common.streams.Window;

import java.time.Instant;

/**
 * A record of {@code device-alerts}. Its id is stable across restarts and replays: the device,
 * the window start, and for the n-th escalation {@code #n}.
 */
public record DeviceAlert(String alertId, AlertType alertType, String deviceId, Window window, double maxTemp,
                          double avgTemp, long numReadings, double threshold, Instant eventTimestamp) {

    public static DeviceAlert of(AlertType type, String deviceId, Window window, DeviceWindow figures,
                                 double threshold, Instant eventTimestamp) {
        String id = deviceId + "@" + window.start()
                + (type == AlertType.OVERHEAT_ESCALATED ? "#" + figures.escalations() : "");
        return new DeviceAlert(id, type, deviceId, window, figures.max(), figures.avg(), figures.count(),
                threshold, eventTimestamp);
    }
}
