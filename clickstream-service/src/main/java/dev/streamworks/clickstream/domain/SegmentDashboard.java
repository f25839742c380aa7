package dev.streamworks.clickstream.domain;

import dev.streamworks.common.streams.Window;

/**
 * A record of {@code segment-dashboard-5m}. {@code avg_revenue} is the revenue per purchase,
 * {@code null} when the window has no purchase.
 */
public record SegmentDashboard(Window window, String userSegment, long totalEvents, long uniqueUsers,
                               double totalRevenue, Double avgRevenue) {
}
