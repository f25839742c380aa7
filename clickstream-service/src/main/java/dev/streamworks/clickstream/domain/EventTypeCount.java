package dev.streamworks.clickstream.domain;

import dev.streamworks.common.streams.Window;

/**
 * A record of {@code event-type-counts}: events of one type in one hopping window, and the sum of
 * {@code price * quantity} over those of them that carry both fields (whatever their type).
 */
public record EventTypeCount(Window window, String eventType, long eventCount, double totalRevenue) {
}
