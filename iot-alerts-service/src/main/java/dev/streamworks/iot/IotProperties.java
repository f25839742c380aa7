package dev.streamworks.iot;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Every tunable of the IoT pipeline (prefix {@code streamworks.iot}; docs/topics.md, iot-alerts-service).
 *
 * @param topics            input and output topics
 * @param windowSize        tumbling window of the statistics and alerts
 * @param grace             how late a reading may be and still count (the course's watermark)
 * @param emit              {@code final}: one statistics record per window once it closes;
 *                          {@code update}: one per window changed since the last commit, with its
 *                          latest figures (coalesced by the store's record cache)
 * @param overheatThreshold a window's maximum above this raises an alert (Celsius)
 * @param retention         how long windows and alerts stay queryable over REST
 */
@Validated
@ConfigurationProperties("streamworks.iot")
public record IotProperties(@DefaultValue @Valid Topics topics,
                            @DefaultValue("5m") @NotNull Duration windowSize,
                            @DefaultValue("10m") @NotNull Duration grace,
                            @DefaultValue("final") @NotNull Emit emit,
                            @DefaultValue("80.0") double overheatThreshold,
                            @DefaultValue("1h") @NotNull Duration retention) {

    public enum Emit {
        FINAL, UPDATE
    }

    public record Topics(@DefaultValue("iot-telemetry") @NotBlank String telemetry,
                         @DefaultValue("device-stats-5m") @NotBlank String stats,
                         @DefaultValue("device-alerts") @NotBlank String alerts) {
    }

    /** The contract's defaults. */
    public static IotProperties defaults() {
        return new IotProperties(new Topics("iot-telemetry", "device-stats-5m", "device-alerts"),
                Duration.ofMinutes(5), Duration.ofMinutes(10), Emit.FINAL, 80.0, Duration.ofHours(1));
    }

    @AssertTrue(message = "retention must cover the window size plus the grace period")
    public boolean isRetentionCoveringGrace() {
        return retention == null || windowSize == null || grace == null
                || retention.compareTo(windowSize.plus(grace)) >= 0;
    }

    @AssertTrue(message = "window-size must be positive")
    public boolean isWindowSizePositive() {
        return windowSize == null || windowSize.toMillis() > 0;
    }
}
