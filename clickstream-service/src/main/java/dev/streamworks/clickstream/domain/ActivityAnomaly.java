package dev.streamworks.clickstream.domain;

import dev.streamworks.common.streams.Window;

/** A record of {@code activity-anomalies}: a user whose events in one window first exceeded the threshold. */
public record ActivityAnomaly(Window window, String userId, long eventsPerMinute) {
}
