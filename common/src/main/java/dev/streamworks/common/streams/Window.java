package dev.streamworks.common.streams;

import java.time.Duration;
import java.time.Instant;

/**
 * A time window as outputs write it: start inclusive, end exclusive, aligned to the epoch like
 * Spark's {@code window()}.
 */
public record Window(Instant start, Instant end) {

    /** The tumbling window of {@code size} that holds {@code timestampMs}. */
    public static Window tumbling(long timestampMs, Duration size) {
        long sizeMs = size.toMillis();
        long start = timestampMs - Math.floorMod(timestampMs, sizeMs);
        return new Window(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + sizeMs));
    }

    public static Window ofMillis(long startMs, long endMs) {
        return new Window(Instant.ofEpochMilli(startMs), Instant.ofEpochMilli(endMs));
    }

    public long startMs() {
        return start.toEpochMilli();
    }

    public long endMs() {
        return end.toEpochMilli();
    }

    /**
     * Whether the window no longer accepts records: its end plus the grace period is at or
     * before the stream time (the course's watermark).
     */
    public boolean isClosed(Duration grace, long streamTimeMs) {
        return endMs() + grace.toMillis() <= streamTimeMs;
    }
}
