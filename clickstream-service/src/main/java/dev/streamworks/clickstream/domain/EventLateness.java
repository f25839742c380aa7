package dev.streamworks.clickstream.domain;

import dev.streamworks.common.streams.Window;

/**
 * A record of {@code event-lateness-1m}: how late events arrived during one minute of wall-clock
 * time; {@code suggested_watermark_seconds} is twice the 99th percentile.
 */
public record EventLateness(Window window, long events, double avgLatencySeconds, double p95LatencySeconds,
                            double p99LatencySeconds, double maxLatencySeconds, double suggestedWatermarkSeconds) {

    public static EventLateness of(Window window, LatencyHistogram histogram) {
        double p99 = seconds(histogram.percentile(0.99));
        return new EventLateness(window, histogram.count(), histogram.mean() / 1000.0,
                seconds(histogram.percentile(0.95)), p99, seconds(histogram.max()), p99 * 2);
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }
}
