package dev.streamworks.iot.domain;

import dev.streamworks.common.streams.Window;

/** A record of {@code device-stats-5m}: one device's figures in one window. */
public record DeviceStats(Window window, String deviceId, double avgTemp, double maxTemp, double minTemp,
                          long numReadings) {

    public static DeviceStats of(String deviceId, Window window, DeviceWindow figures) {
        return new DeviceStats(window, deviceId, figures.avg(), figures.max(), figures.min(), figures.count());
    }
}
