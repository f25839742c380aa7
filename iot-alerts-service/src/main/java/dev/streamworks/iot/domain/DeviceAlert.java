package dev.streamworks.iot.domain;

import dev.streamworks.common.streams.Window;

import java.time.Instant;

/**
 * A record of {@code device-alerts}. Its id is stable across restarts and replays: the device,
 * the window start, and for the n-th escalation {@code #n}.
 */
public record DeviceAlert(String alertId, AlertType alertType, String deviceId, Window window, double maxTemp,
                          double avgTemp, long numReadings, double threshold, Instant eventTimestamp) {

    /** The {@code n}-th alert of a device-window (0: the {@code OVERHEAT}, n > 0: the n-th escalation). */
    public static DeviceAlert of(String deviceId, Window window, int n, DeviceWindow.Raised raised, double threshold) {
        AlertType type = n == 0 ? AlertType.OVERHEAT : AlertType.OVERHEAT_ESCALATED;
        String id = deviceId + "@" + window.start() + (n == 0 ? "" : "#" + n);
        return new DeviceAlert(id, type, deviceId, window, raised.maxTemp(), raised.avgTemp(), raised.numReadings(),
                threshold, Instant.ofEpochMilli(raised.eventTimeMs()));
    }
}
